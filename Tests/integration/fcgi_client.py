"""Just enough of the web-server side of FastCGI to talk to authtoken-fcgi without nginx."""
import socket
import struct


def _record(kind, content, request_id=1):
    return struct.pack(">BBHHBx", 1, kind, request_id, len(content), 0) + content


def _pair(name, value):
    def length(n):
        return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)
    name, value = name.encode(), value.encode()
    return length(len(name)) + length(len(value)) + name + value


def request(sock, params, body=b"", keep=False):
    """Send one request on a connected socket and return (status line, headers, body).
    With keep, the server keeps the connection for the next request (FCGI_KEEP_CONN)."""
    sock.sendall(_record(1, struct.pack(">HB5x", 1, 1 if keep else 0)))  # BEGIN_REQUEST, responder
    sock.sendall(_record(4, b"".join(_pair(k, v) for k, v in params.items())) + _record(4, b""))
    if body:
        sock.sendall(_record(5, body))
    sock.sendall(_record(5, b""))
    out = b""
    while True:
        header = _read(sock, 8)
        _, kind, _, length, padding = struct.unpack(">BBHHBx", header)
        content = _read(sock, length + padding)[:length]
        if kind == 6:
            out += content
        elif kind == 3:
            break
    head, _, payload = out.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    return lines[0], dict(line.split(": ", 1) for line in lines[1:]), payload


def _read(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("connection closed")
        data += chunk
    return data


def connect_tcp(host, port, timeout=10):
    return socket.create_connection((host, port), timeout=timeout)


def connect_unix(path, timeout=10):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    return s
