"""nginx's per-address limits on the password paths, and scripts/run's sizing check."""
import os
import socket
import subprocess
import time

import pytest

from conftest import ROOT, SCOPE, Instance, assert_cause, free_port

SECURITY = ["X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Content-Security-Policy"]


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    # 1 request a minute with a burst of 3: the 5th quick request is over the limit.
    inst = Instance(tmp_path_factory.mktemp("limits"), env={
        "NGINX_API_RATE": "1r/m", "NGINX_API_BURST": "3", "NGINX_FORM_RATE": "1r/m", "NGINX_FORM_BURST": "3"})
    inst.start()
    yield inst
    try:
        assert inst.stop() == 0, inst.output()
    finally:
        inst.kill()


@pytest.fixture(scope="module")
def one_at_a_time(tmp_path_factory):
    inst = Instance(tmp_path_factory.mktemp("conn"), env={"NGINX_CONN_PER_ADDR": "1"})
    inst.start()
    yield inst
    try:
        assert inst.stop() == 0, inst.output()
    finally:
        inst.kill()


def test_api_mode_over_the_rate_gets_the_legacy_blocked_answer(limited):
    answers = [limited.create({"EMAIL_ID": "x@example.com", "SCOPE": SCOPE}) for _ in range(7)]
    for r in answers[:4]:
        assert_cause(r, "INVALID_CREDENTIALS")  # the server's own answer
    for r in answers[4:]:
        assert_cause(r, "API_REQUEST_BLOCKED")  # nginx's, in the same four lines, HTTP 200
        assert r.headers["Cache-Control"] == "no-store"
        assert all(name in r.headers for name in SECURITY)
    # The other alias and the other forms share the same per-address budget.
    assert_cause(limited.create({"EMAIL_ID": "x@example.com"}, form="post-body", path="/apiauthtoken/nb/create"),
                 "API_REQUEST_BLOCKED")


def test_forms_over_the_rate_get_429_and_other_paths_are_not_limited(limited):
    statuses = [limited.http.get(limited.url + "/signin", timeout=10).status_code for _ in range(6)]
    assert statuses == [200] * 4 + [429] * 2
    assert limited.http.get(limited.url + "/register", timeout=10).status_code == 429
    # Not limited: other pages, static files, and guarded locations (their check included).
    for _ in range(10):
        assert limited.http.get(limited.url + "/tokens", timeout=10, allow_redirects=False).status_code == 303
        assert limited.http.get(limited.url + "/static/style.css", timeout=10).status_code == 200
        r = limited.http.get(limited.url + "/recruit/private/json/JobOpenings/getRecords",
                             params={"authtoken": "0" * 32, "scope": "recruitapi"}, timeout=10)
        assert r.status_code == 200 and '"4834"' in r.text


def test_api_mode_over_the_connection_limit_gets_the_legacy_blocked_answer(one_at_a_time):
    inst = one_at_a_time
    with socket.create_connection(("127.0.0.1", inst.port), timeout=10) as slow:
        # A request whose body is still on its way holds its connection slot.
        slow.sendall(b"POST /apiauthtoken/create HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nEMAIL_ID=")
        time.sleep(0.3)
        assert_cause(inst.create({"EMAIL_ID": "x@example.com", "SCOPE": SCOPE}), "API_REQUEST_BLOCKED")
        assert inst.http.post(inst.url + "/signin", data={"email": "x"}, timeout=10).status_code == 429
    time.sleep(0.3)
    assert_cause(inst.create({"EMAIL_ID": "x@example.com", "SCOPE": SCOPE}), "INVALID_CREDENTIALS")


def run_once(tmp_path, **env):
    full = {**os.environ, "AUTHTOKEN_SKIP_BUILD": "1", "DATA_DIR": str(tmp_path), "PORT": str(free_port()), **env}
    full.pop("AUTHTOKEN_CONFIG", None)
    return subprocess.run([str(ROOT / "scripts/run")], env=full, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)


def test_run_refuses_too_few_check_threads(tmp_path):
    workers = max(os.cpu_count() or 1, len(os.sched_getaffinity(0)))
    r = run_once(tmp_path, AUTHTOKEN_CHECK_THREADS=str(workers * 8 + 7))
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"AUTHTOKEN_CHECK_THREADS={workers * 8 + 7} is too few" in r.stderr
    assert f"set AUTHTOKEN_CHECK_THREADS={workers * 8 + 8} or more" in r.stderr
    conf = (tmp_path / "authtoken.conf").read_text()
    assert f"\nAUTHTOKEN_CHECK_THREADS={max(32, workers * 8 + 16)}\n" in conf
    assert f"\nAUTHTOKEN_CHECK_LISTEN=unix:{tmp_path}/authtoken-check.sock\n" in conf
    assert not (tmp_path / "authtoken.sqlite").exists()  # refused before anything started


def test_run_refuses_a_malformed_rate(tmp_path):
    r = run_once(tmp_path, NGINX_API_RATE="lots")
    assert r.returncode == 1 and "NGINX_API_RATE" in r.stderr, r.stderr
