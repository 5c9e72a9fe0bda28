"""Hostile input straight to the HTTP check listener's socket (AUTHTOKEN_CHECK_LISTEN=
http+unix:...): smuggling attempts, bare LF and CR, obs-fold, pipelining, header floods,
slow and half-closed clients, ten thousand kept connections, and a graceful stop. Each
gets a clean refusal or the right answer: never a crash, a hang, or a wrong 200."""
import os
import re
import resource
import signal
import socket
import threading
import time

import pytest

import http_check_client as hc
from conftest import GENEROUS_THROTTLE, Instance, assert_token, new_email, new_password, running_instance

RECRUIT = "ZohoRecruit/recruitapi"
GUARDED = "/recruit/private/json/JobOpenings/getRecords"


@pytest.fixture(scope="module")
def live(server):
    """A live token on the shared instance (HTTP check), its account, and the socket."""
    email, pw = new_email("http"), new_password()
    server.add_user(email, pw)
    token = assert_token(server.create({"SCOPE": RECRUIT, "EMAIL_ID": email, "PASSWORD": pw}))
    return server.socket(check=True), token, email


def uri(token):
    return f"{GUARDED}?authtoken={token}&scope=recruitapi"


def assert_allowed(answer, email):
    status, headers, body = answer
    assert (status, headers["x-authtoken-email"], headers["x-authtoken-scope"], body) == (200, email, RECRUIT, b"")
    assert headers["content-length"] == "0" and headers["cache-control"] == "no-store"


def assert_refused(sock_path, raw, status=400):
    """One refusal with the given status, then the connection closes: nothing after the
    refused bytes is ever read as a request."""
    (got, headers, body), closed = hc.ask(sock_path, raw)
    assert got == status, body
    assert headers["connection"] == "close" and closed, headers
    return body.decode()


def fd_count(pid):
    """The process's open sockets (its store's files come and go with its threads)."""
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            count += os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
        except OSError:
            continue
    return count


def test_a_check_over_http_answers_like_the_fastcgi_one(live, server):
    path, token, email = live
    assert_allowed(hc.answer(path, hc.check_request(uri(token))), email)
    (status, headers, body), closed = hc.ask(path, hc.check_request(uri("0" * 32)))
    assert (status, body, closed) == (401, b"", False) and "x-authtoken-email" not in headers
    status, headers, body = hc.answer(path, hc.check_request(f"{GUARDED}?authtoken={token}&scope=crmapi"))
    assert (status, body) == (403, b"")
    # The token in Authorization, the scope fixed by the location.
    asked = hc.check_request(GUARDED, {"Authorization": f"Bearer {token}", "X-Authtoken-Scope": RECRUIT})
    assert_allowed(hc.answer(path, asked), email)
    # Health, readiness and metrics; password work never reaches this listener.
    assert hc.answer(path, hc.check_request("/", path="/_authtoken/health"))[::2] == (200, b"ok\n")
    assert hc.answer(path, hc.check_request("/", path="/_authtoken/ready"))[::2] == (200, b"ready\n")
    metrics = hc.answer(path, hc.check_request("/", path="/_authtoken/metrics"))
    assert metrics[0] == 200 and b'authtoken_requests_total{route="check",outcome="allowed"}' in metrics[2]
    assert hc.answer(path, hc.check_request("/", path="/apiauthtoken/create"))[0] == 404
    # HEAD: the same head, no body.
    with hc.connect_unix(path) as s:
        s.sendall(hc.check_request("/", method="HEAD", path="/_authtoken/health") + hc.check_request(uri(token)))
        reader = hc.Reader(s)
        status, headers, body = reader.answer(head_only=True)
        assert (status, headers["content-length"], body) == (200, "3", b"")
        assert_allowed(reader.answer(), email)


@pytest.mark.parametrize("name,raw", [
    ("transfer-encoding", b"GET /_authtoken/check HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                          b"0\r\n\r\n"),
    ("cl-and-te", b"GET /_authtoken/check HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
    ("te-obfuscated", b"GET /_authtoken/check HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n"),
    ("two-content-lengths", b"GET /_authtoken/check HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n"
                            b"Content-Length: 0\r\n\r\n"),
    ("conflicting-content-lengths", b"GET /_authtoken/check HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n"
                                    b"Content-Length: 40\r\n\r\n"),
    ("content-length-list", b"GET /_authtoken/check HTTP/1.1\r\nHost: a\r\nContent-Length: 0, 40\r\n\r\n"),
    ("content-length-with-body", b"POST /_authtoken/check HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"),
    ("bare-lf", b"GET /_authtoken/check HTTP/1.1\nHost: a\n\n"),
    ("bare-lf-in-a-header", b"GET /_authtoken/check HTTP/1.1\r\nHost: a\nX-Original-URI: /x\r\n\r\n"),
    ("bare-cr", b"GET /_authtoken/check HTTP/1.1\r\nHost: a\rX-Original-URI: /x\r\n\r\n"),
    ("obs-fold", b"GET /_authtoken/check HTTP/1.1\r\nHost: a\r\nX-Original-URI: /x\r\n ?authtoken=y\r\n\r\n"),
    ("nul-in-a-value", b"GET /_authtoken/check HTTP/1.1\r\nHost: a\r\nX-Original-URI: /x\x00y\r\n\r\n"),
    ("two-original-uris", b"GET /_authtoken/check HTTP/1.1\r\nHost: a\r\nX-Original-URI: /a\r\n"
                          b"X-Original-URI: /b\r\n\r\n"),
    ("absolute-form", b"GET http://a/_authtoken/check HTTP/1.1\r\nHost: a\r\n\r\n"),
    ("no-host", b"GET /_authtoken/check HTTP/1.1\r\n\r\n"),
])
def test_smuggling_and_framing_attempts_get_400_and_a_closed_connection(live, name, raw):
    path, token, _ = live
    # A live token's check hidden after the refused bytes is never answered.
    assert_refused(path, raw + hc.check_request(uri(token)))


def test_unknown_methods_and_versions_are_refused(live):
    path, _, _ = live
    assert_refused(path, b"BREW /_authtoken/check HTTP/1.1\r\nHost: a\r\n\r\n", 501)
    assert_refused(path, b"GET /_authtoken/check HTTP/2.0\r\nHost: a\r\n\r\n", 505)
    assert_refused(path, b"GET /_authtoken/check HTTP/1.1 extra\r\nHost: a\r\n\r\n", 400)
    assert_refused(path, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400)  # TLS on the wrong port


def test_pipelined_requests_are_answered_in_order(live):
    path, token, email = live
    with hc.connect_unix(path) as s:
        s.sendall(hc.check_request(uri(token)) + hc.check_request(uri("0" * 32))
                  + hc.check_request("/", path="/_authtoken/health") + hc.check_request(uri(token)))
        reader = hc.Reader(s)
        assert_allowed(reader.answer(), email)
        assert reader.answer()[0] == 401
        assert reader.answer()[::2] == (200, b"ok\n")
        assert_allowed(reader.answer(), email)
        # The connection is kept: one more, a byte at a time.
        for byte in hc.check_request(uri(token)):
            s.send(bytes([byte]))
        assert_allowed(reader.answer(), email)


def test_a_header_flood_gets_431(live):
    path, token, _ = live
    many = hc.check_request(uri(token), {f"X-Flood-{i}": "x" for i in range(40)})
    assert_refused(path, many, 431)
    huge = hc.check_request(uri(token), {"X-Flood": "x" * 30_000})
    assert_refused(path, huge, 431)
    # Without an end in sight: refused once past the limit, not waited on.
    assert_refused(path, b"GET /_authtoken/check HTTP/1.1\r\nX-Flood: " + b"x" * 30_000, 431)


def test_slow_and_half_closed_clients_hold_no_thread(live):
    path, token, email = live
    # More slow clients than the listener has threads (32), each with half a request.
    slow = [hc.connect_unix(path) for _ in range(100)]
    try:
        for s in slow:
            s.sendall(hc.check_request(uri(token))[:40])
        started = time.monotonic()
        for _ in range(20):
            assert_allowed(hc.answer(path, hc.check_request(uri(token))), email)
        assert time.monotonic() - started < 5
        # A whole request, then the client's side shut: it is answered, then closed.
        with hc.connect_unix(path) as s:
            s.sendall(hc.check_request(uri(token)))
            s.shutdown(socket.SHUT_WR)
            reader = hc.Reader(s)
            assert_allowed(reader.answer(), email)
            assert reader.closed()
        # Half a request, then shut: closed without an answer.
        with hc.connect_unix(path) as s:
            s.sendall(hc.check_request(uri(token))[:30])
            s.shutdown(socket.SHUT_WR)
            assert s.recv(100) == b""
        # The slow ones are closed once the header timeout (10 s) has passed.
        time.sleep(11.5)
        for s in slow:
            s.settimeout(2)
            assert s.recv(100) == b""
    finally:
        for s in slow:
            s.close()


@pytest.fixture(scope="module")
def roomy(tmp_path_factory):
    """Room for ten thousand kept connections and a few more."""
    with running_instance(tmp_path_factory, "roomy", {**GENEROUS_THROTTLE,
                                                      "AUTHTOKEN_CHECK_MAX_CONNECTIONS": "10050"}) as inst:
        email, pw = new_email("roomy"), new_password()
        inst.add_user(email, pw)
        inst.token = assert_token(inst.create({"SCOPE": RECRUIT, "EMAIL_ID": email, "PASSWORD": pw}))
        inst.email = email
        yield inst


def test_ten_thousand_kept_connections_opened_and_dropped(roomy):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 12_000)), hard))
    path, pid = roomy.socket(check=True), roomy.fcgi_pid()
    before = fd_count(pid)
    kept = []
    try:
        for i in range(10_000):
            kept.append(hc.connect_unix(path, timeout=30))
            if i % 1000 == 0:  # some were used once and kept, as nginx keeps them
                kept[-1].sendall(hc.check_request(uri(roomy.token)))
                assert_allowed(hc.Reader(kept[-1]).answer(), roomy.email)
        time.sleep(1)
        assert fd_count(pid) >= before + 10_000
        # Over the limit: a clean 503 and close; a check on a kept one still answers.
        refused = []
        for _ in range(100):
            s = hc.connect_unix(path)
            kept.append(s)
            s.sendall(hc.check_request(uri(roomy.token)))
            status, headers, _ = hc.Reader(s).answer()
            if status == 503:
                assert headers["connection"] == "close"
                refused.append(s)
                break
        assert refused, "no connection over AUTHTOKEN_CHECK_MAX_CONNECTIONS was refused"
        kept[0].sendall(hc.check_request(uri(roomy.token)))
        assert_allowed(hc.Reader(kept[0]).answer(), roomy.email)
    finally:
        for s in kept:
            s.close()
    # Dropped: the server lets every one go, and keeps answering, directly and through nginx.
    deadline = time.monotonic() + 10
    while fd_count(pid) > before + 5 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert fd_count(pid) <= before + 5, (before, fd_count(pid))
    assert_allowed(hc.answer(path, hc.check_request(uri(roomy.token))), roomy.email)
    r = roomy.http.get(f"{roomy.url}{GUARDED}", params={"authtoken": roomy.token, "scope": "recruitapi"}, timeout=10)
    assert r.status_code == 200 and r.headers["X-Seen-Authtoken-Email"] == roomy.email


def test_a_graceful_stop_finishes_checks_in_flight_and_closes_idle_connections(tmp_path_factory):
    inst = Instance(tmp_path_factory.mktemp("http-stop"), env=GENEROUS_THROTTLE)
    inst.start()
    try:
        email, pw = new_email("stop"), new_password()
        inst.add_user(email, pw)
        token = assert_token(inst.create({"SCOPE": RECRUIT, "EMAIL_ID": email, "PASSWORD": pw}))
        path, pid = inst.socket(check=True), inst.fcgi_pid()
        idle = hc.connect_unix(path)
        idle.sendall(hc.check_request(uri(token)))
        assert_allowed(hc.Reader(idle).answer(), email)
        partial = hc.connect_unix(path)
        partial.sendall(hc.check_request(uri(token))[:25])
        stop, bad, answered = threading.Event(), [], []

        def client():
            # Checks back to back on kept connections: each answer is whole, or the
            # connection closes before any byte of it (nginx then asks another process).
            while not stop.is_set():
                try:
                    with hc.connect_unix(path, timeout=10) as s:
                        reader = hc.Reader(s)
                        while not stop.is_set():
                            s.sendall(hc.check_request(uri(token)))
                            try:
                                answer = reader.answer()
                            except EOFError:
                                if reader.buffer:
                                    bad.append(("cut", reader.buffer))
                                break
                            if answer[0] != 200 or answer[1].get("x-authtoken-email") != email:
                                bad.append(answer)
                            answered.append(time.monotonic())
                except (ConnectionRefusedError, FileNotFoundError, BrokenPipeError, ConnectionResetError):
                    time.sleep(0.01)

        threads = [threading.Thread(target=client) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        signaled = time.monotonic()
        os.kill(pid, signal.SIGTERM)
        idle.settimeout(5)
        partial.settimeout(5)
        assert idle.recv(100) == b"" and partial.recv(100) == b""
        closed_at = time.monotonic()
        stop.set()
        for t in threads:
            t.join(20)
        assert not bad, bad[:3]
        assert len([t for t in answered if t < signaled]) > 20
        assert closed_at - signaled < 3
        deadline = time.monotonic() + 10
        while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
            time.sleep(0.05)
        log = (inst.data_dir / "authtoken-fcgi.log").read_text()
        assert re.search(r"\bstopped\b", log.splitlines()[-1]), log[-500:]
        idle.close()
        partial.close()
        inst.proc.wait(30)
        assert "authtoken-fcgi exited unexpectedly with status 0" in inst.output()
    finally:
        if inst.proc.poll() is None:
            inst.stop()
