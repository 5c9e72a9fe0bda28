"""The systemd units (scripts/systemd) pass systemd-analyze, and the server takes its two
listening sockets as systemd hands them over: fd 3 (main) and fd 4 (token check)."""
import os
import re
import socket
import subprocess

import pytest

import fcgi_client
import http_check_client
from conftest import ROOT

BIN_DIR = ROOT / ".build/release"


def render(unit, target):
    text = (ROOT / "scripts/systemd" / unit).read_text()
    for key, value in {"@BINDIR@": str(BIN_DIR), "@SYSCONFDIR@": "/etc", "@DATADIR@": "/usr/local/share"}.items():
        text = text.replace(key, value)
    assert not re.search(r"@[A-Z]+@", text), unit
    target.write_text(text)


def test_the_units_pass_systemd_analyze(tmp_path):
    for unit in ("authtoken.socket", "authtoken.service"):
        render(unit, tmp_path / unit)
    r = subprocess.run(["systemd-analyze", "verify", "./authtoken.socket", "./authtoken.service"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=60)
    # Unknown keys are only warnings to systemd; here any word from it is a failure.
    assert r.returncode == 0 and r.stdout == "" and r.stderr == "", r.stdout + r.stderr


def listening(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(path))
    s.listen(16)
    return s


@pytest.mark.parametrize("check_listen", ["http+fd:4", "fd:4"])
def test_the_server_serves_on_fds_3_and_4(tmp_path, check_listen):
    main, check = listening(tmp_path / "main.sock"), listening(tmp_path / "check.sock")

    def hand_over():
        os.dup2(main.fileno(), 3)
        os.dup2(check.fileno(), 4)

    env = dict(os.environ, DATA_DIR=str(tmp_path), AUTHTOKEN_LISTEN="fd:3", AUTHTOKEN_CHECK_LISTEN=check_listen,
               AUTHTOKEN_THREADS="4", AUTHTOKEN_CHECK_THREADS="2", AUTHTOKEN_HASH_QUEUE="1",
               AUTHTOKEN_WWW_DIR=str(ROOT / "www"))
    proc = subprocess.Popen([str(BIN_DIR / "authtoken-fcgi")], env=env, preexec_fn=hand_over, pass_fds=(3, 4),
                            stderr=subprocess.PIPE, text=True)
    try:
        main.close()
        check.close()
        health = {"REQUEST_METHOD": "GET", "DOCUMENT_URI": "/_authtoken/health", "REQUEST_URI": "/_authtoken/health"}
        if check_listen.startswith("http"):
            status, _, body = http_check_client.answer(
                tmp_path / "check.sock", http_check_client.check_request("/", path="/_authtoken/health"))
            assert (status, body) == (200, b"ok\n")
        else:
            with fcgi_client.connect_unix(str(tmp_path / "check.sock"), timeout=30) as sock:
                status, _, body = fcgi_client.request(sock, health)
            assert (status, body) == ("Status: 200 OK", b"ok\n")
        with fcgi_client.connect_unix(str(tmp_path / "main.sock"), timeout=30) as sock:
            status, _, body = fcgi_client.request(sock, {
                "REQUEST_METHOD": "GET", "DOCUMENT_URI": "/apiauthtoken/create", "QUERY_STRING": "SCOPE=ZohoCRM/crmapi&EMAIL_ID=a%40b.c"})
        assert status == "Status: 200 OK" and body.decode().split("\n")[2] == "CAUSE=INVALID_CREDENTIALS", body
    finally:
        proc.terminate()
        assert proc.wait(30) == 0, proc.stderr.read()


def test_an_fd_that_is_not_a_listening_socket_is_refused(tmp_path):
    env = dict(os.environ, DATA_DIR=str(tmp_path), AUTHTOKEN_LISTEN="fd:5", AUTHTOKEN_WWW_DIR=str(ROOT / "www"))
    r = subprocess.run([str(BIN_DIR / "authtoken-fcgi")], env=env, capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "cannot listen on fd:5 (not a listening socket)" in r.stderr, r.stderr
