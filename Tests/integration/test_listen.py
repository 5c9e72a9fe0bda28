"""authtoken-fcgi listens on host:port and on a socket inherited as fd 0 (spawn-fcgi)."""
import os
import signal
import subprocess
import time

import pytest

import fcgi_client
from conftest import ROOT, free_port

BIN = ROOT / ".build/release/authtoken-fcgi"
REQUEST = {"REQUEST_METHOD": "GET", "DOCUMENT_URI": "/apiauthtoken/create", "QUERY_STRING": "SCOPE=ZohoCRM/crmapi&EMAIL_ID=a%40b.c"}


def env_for(tmp_path, listen):
    return dict(os.environ, DATA_DIR=str(tmp_path), AUTHTOKEN_LISTEN=listen, AUTHTOKEN_THREADS="2",
                AUTHTOKEN_WWW_DIR=str(ROOT / "www"))


def wait_for(connect, proc, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return connect()
        except OSError:
            assert proc is None or proc.poll() is None, "server exited"
            assert time.monotonic() < deadline, "server did not listen"
            time.sleep(0.1)


def assert_legacy_answer(sock):
    status, headers, body = fcgi_client.request(sock, REQUEST)
    assert status == "Status: 200 OK"
    assert headers["Content-Type"] == "text/plain; charset=UTF-8"
    assert body.decode().split("\n")[2:] == ["CAUSE=INVALID_CREDENTIALS", "RESULT=FALSE", ""]


def test_listens_on_host_and_port(tmp_path):
    port = free_port()
    proc = subprocess.Popen([str(BIN)], env=env_for(tmp_path, f"127.0.0.1:{port}"), stderr=subprocess.DEVNULL)
    try:
        with wait_for(lambda: fcgi_client.connect_tcp("127.0.0.1", port), proc) as sock:
            assert_legacy_answer(sock)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0


def test_listens_on_a_socket_inherited_from_spawn_fcgi(tmp_path):
    path = str(tmp_path / "spawned.sock")
    proc = subprocess.Popen(["spawn-fcgi", "-n", "-s", path, "--", str(BIN)],
                            env=env_for(tmp_path, "stdin"), stderr=subprocess.DEVNULL)
    try:
        with wait_for(lambda: fcgi_client.connect_unix(path), proc) as sock:
            assert_legacy_answer(sock)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0


@pytest.mark.parametrize("key,value,message", [
    ("AUTHTOKEN_LISTEN", "nowhere", "'nowhere' is not unix:/path, host:port, fd:N or stdin"),
    ("AUTHTOKEN_THREADS", "lots", "'lots' is not a valid value"),
    ("AUTHTOKEN_ARGON2_MEMORY_KIB", "1024", "1024 is outside 19456...4194304"),
    ("AUTHTOKEN_SCOPES", "NoSlash", "needs one or more Service/apiname entries"),
    ("AUTHTOKEN_LOG_LEVEL", "loud", "must be one of"),
])
def test_a_bad_setting_stops_start_up_naming_the_key(tmp_path, key, value, message):
    env = env_for(tmp_path, f"unix:{tmp_path}/never.sock")
    env[key] = value
    result = subprocess.run([str(BIN)], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr.startswith(f"authtoken-fcgi: configuration: {key}: ")
    assert message in result.stderr


def test_an_unknown_key_in_the_file_stops_start_up(tmp_path):
    (tmp_path / "authtoken.conf").write_text("# comment\nAUTHTOKEN_MAX_TOKEN=5\n")
    env = env_for(tmp_path, f"unix:{tmp_path}/never.sock")
    result = subprocess.run([str(BIN)], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "authtoken.conf:2: unknown key AUTHTOKEN_MAX_TOKEN" in result.stderr
