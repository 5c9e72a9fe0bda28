"""Just enough HTTP/1.1 to talk to the check listener's socket directly, including what
nginx would never send (smuggling attempts, bare LF, floods of headers, slow clients)."""
import socket


def connect_unix(path, timeout=10):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(str(path))
    return s


def check_request(uri, headers=None, method="GET", path="/_authtoken/check"):
    """A check as nginx's check-http.conf sends it."""
    lines = [f"{method} {path} HTTP/1.1", "Host: authtoken_check_http", f"X-Original-URI: {uri}",
             "X-Real-IP: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class Reader:
    """Reads answers off one connection, framed by their Content-Length."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("connection closed")
        self.buffer += data

    def answer(self, head_only=False):
        """(status, headers with lower-case names, body) of the next answer."""
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        version, status, _ = lines[0].split(" ", 2)
        assert version == "HTTP/1.1", lines[0]
        headers = {}
        for line in lines[1:]:
            name, value = line.split(":", 1)
            assert name.lower() not in headers, lines
            headers[name.lower()] = value.strip()
        length = 0 if head_only else int(headers["content-length"])
        while len(self.buffer) < length:
            self._fill()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return int(status), headers, body

    def closed(self, wait=0.5):
        """True when the server closed the connection (and sent nothing more) within `wait`
        seconds; False while it stays open."""
        timeout = self.sock.gettimeout()
        self.sock.settimeout(wait)
        try:
            data = self.buffer or self.sock.recv(65536)
        except ConnectionResetError:
            return True
        except TimeoutError:
            return False
        finally:
            self.sock.settimeout(timeout)
        return data == b""


def ask(path, raw):
    """Sends raw bytes on a new connection; the one answer, and whether it closed after."""
    with connect_unix(path) as s:
        s.sendall(raw)
        reader = Reader(s)
        answer = reader.answer()
        return answer, reader.closed()


def answer(path, raw):
    """Sends raw bytes on a new connection and returns the one answer (not waiting to see
    whether the connection closes)."""
    with connect_unix(path) as s:
        s.sendall(raw)
        return Reader(s).answer()
