"""INSTANCES=2: two authtoken-fcgi processes on one database behind one nginx.

Where it matters each process is asked directly, on its own sockets, with the FastCGI test
client: what one process writes, the other sees on its very next request. Through nginx: a
process killed with SIGKILL costs no guarded call, since nginx asks the other one.
"""
import concurrent.futures
import os
import signal
import subprocess
import threading
import time
import urllib.parse

import pytest
import requests

import fcgi_client
import http_check_client
from conftest import (GENEROUS_THROTTLE, ROOT, SECRETS, TOKEN, TRANSPORTS, Instance, Loop, complete_token, new_email,
                      new_password, sign_in)

RECRUIT = "ZohoRecruit/recruitapi"
GUARDED = "/recruit/private/json/JobOpenings/getRecords"
CAP = 10
# --postgres: each instance runs its own throwaway cluster in DATA_DIR/pg (a few seconds).
BACKENDS = ["sqlite", "postgres"]


def start(tmp_path_factory, backend, name, env=None, transport="http"):
    env = {"INSTANCES": "2", **(env or {})}
    if backend == "postgres":
        env["AUTHTOKEN_POSTGRES"] = "1"
    inst = Instance(tmp_path_factory.mktemp(f"{name}-{backend}-{transport}"), env=env, transport=transport)
    inst.backend = backend
    inst.start()
    return inst


def wait_output(inst, text, timeout=10):
    """scripts/run's output holds text (its lines arrive a little after the fact)."""
    deadline = time.monotonic() + timeout
    while text not in inst.output() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert text in inst.output(), inst.output()


def finish(inst, expected_status=0):
    try:
        status = inst.stop()
    finally:
        inst.kill()
    if inst.backend == "postgres":
        # scripts/run stopped its cluster; destroy also removes what it left outside DATA_DIR.
        subprocess.run([str(ROOT / "scripts/pg-cluster"), "destroy", str(inst.data_dir / "pg")],
                       capture_output=True, timeout=60)
    assert status == expected_status, inst.output()


# ---- FastCGI straight to one process ------------------------------------------------

def fcgi(path, params):
    with fcgi_client.connect_unix(str(path), timeout=30) as sock:
        status, headers, body = fcgi_client.request(sock, params)
    return int(status.split()[1]), headers, body.decode()


def api(inst, n, path, params, addr="127.0.0.1"):
    """An API-mode request to instance n's main socket; the answer's two key lines."""
    query = urllib.parse.urlencode(params)
    status, _, body = fcgi(inst.socket(n), {
        "REQUEST_METHOD": "GET", "DOCUMENT_URI": path, "REQUEST_URI": f"{path}?{query}",
        "QUERY_STRING": query, "REMOTE_ADDR": addr, "SERVER_PROTOCOL": "HTTP/1.1"})
    assert status == 200, body
    lines = body.split("\n")
    assert len(lines) == 5 and lines[0] == "#" and lines[4] == "", repr(body)
    return lines[2], lines[3]


def create(inst, n, email, pw, addr="127.0.0.1"):
    return api(inst, n, "/apiauthtoken/create",
               {"EMAIL_ID": email, "PASSWORD": pw, "SCOPE": RECRUIT}, addr)


def token_of(answer):
    key, result = answer
    assert result == "RESULT=TRUE" and key.startswith("AUTHTOKEN="), answer
    token = key[len("AUTHTOKEN="):]
    assert TOKEN.match(token), token
    SECRETS.append(token)
    return token


def check(inst, n, token):
    """The token check on instance n's check socket, over the instance's transport: its
    status and the account it names."""
    uri = f"{GUARDED}?authtoken={token}&scope=recruitapi"
    if inst.transport == "http":
        status, headers, _ = http_check_client.answer(inst.socket(n, check=True), http_check_client.check_request(uri))
        return status, headers.get("x-authtoken-email")
    status, headers, _ = fcgi(inst.socket(n, check=True), {
        "REQUEST_METHOD": "GET", "DOCUMENT_URI": "/_authtoken/check", "REQUEST_URI": "/_authtoken/check",
        "HTTP_X_ORIGINAL_URI": uri,
        "REMOTE_ADDR": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1"})
    return status, headers.get("X-Authtoken-Email")


def token_count(inst, email):
    r = inst.admin("token", "list", email)
    assert r.returncode == 0, r.stderr
    return len(r.stdout.strip().split("\n")) - 1  # a header line, then one line a token


# ---- One pair for what needs no special settings ----------------------------------

@pytest.fixture(scope="module", params=BACKENDS)
def pair(request, tmp_path_factory):
    # Generous throttle: 40 parallel creates on one account are not refused as a flood.
    inst = start(tmp_path_factory, request.param, "pair",
                 {**GENEROUS_THROTTLE, "AUTHTOKEN_HASH_QUEUE_WAIT_MS": "30000",
                  "AUTHTOKEN_MAX_TOKENS": str(CAP)})
    assert inst.fcgi_pid(1) != inst.fcgi_pid(2)
    wait_output(inst, "instances: 2 authtoken-fcgi processes")
    yield inst
    finish(inst)


@pytest.fixture
def account(pair):
    email, pw = new_email("pair"), new_password()
    pair.add_user(email, pw)
    return email, pw


def test_nginx_lists_both_processes_in_both_upstreams(pair):
    conf = (pair.data_dir / "nginx/conf.d/authtoken.conf").read_text()
    for check in (False, True):
        for n in (1, 2):
            assert f"server unix:{pair.socket(n, check)} max_fails=1 fail_timeout=10s;" in conf, conf
    assert "@SOCKET@" not in conf and "@CHECK_SOCKET@" not in conf


def test_a_token_made_on_one_works_on_the_other_and_a_delete_on_the_other_ends_it_on_the_first(pair, account):
    email, pw = account
    token = token_of(create(pair, 1, email, pw))
    assert check(pair, 2, token) == (200, email)
    assert check(pair, 1, token) == (200, email)
    assert api(pair, 2, "/apiauthtoken/delete", {"AUTHTOKEN": token}) == ("AUTHTOKEN_DELETED=TRUE", "RESULT=TRUE")
    assert check(pair, 1, token) == (401, None)
    assert check(pair, 2, token) == (401, None)


def test_deactivation_is_seen_by_both_at_once(pair, account):
    email, pw = account
    tokens = [token_of(create(pair, n, email, pw)) for n in (1, 2)]
    for n in (1, 2):
        for token in tokens:
            assert check(pair, n, token) == (200, email)
    assert pair.admin("user", "deactivate", email).returncode == 0
    for n in (1, 2):
        for token in tokens:
            assert check(pair, n, token) == (401, None)
        assert create(pair, n, email, pw) == ("CAUSE=USER_NOT_ACTIVE", "RESULT=FALSE")
    assert pair.admin("user", "activate", email).returncode == 0
    for n in (1, 2):
        for token in tokens:
            assert check(pair, n, token) == (200, email)


def test_forty_parallel_creates_over_both_processes_leave_exactly_the_cap(pair, account):
    email, pw = account
    go = threading.Barrier(40)

    def one(i):
        go.wait()
        return create(pair, 1 + i % 2, email, pw, addr=f"10.1.{i // 250}.{i % 250 + 1}")

    with concurrent.futures.ThreadPoolExecutor(40) as pool:
        answers = list(pool.map(one, range(40)))
    made = [token_of(a) for a in answers if a[1] == "RESULT=TRUE"]
    refused = [a for a in answers if a[1] != "RESULT=TRUE"]
    assert len(made) == CAP, answers
    assert refused == [("CAUSE=EXCEEDED_MAXIMUM_ALLOWED_AUTHTOKENS", "RESULT=FALSE")] * (40 - CAP), refused
    assert token_count(pair, email) == CAP
    for i, token in enumerate(made):
        assert check(pair, 1 + i % 2, token) == (200, email)


# ---- The throttle counts in the store, so both processes count together -------------

@pytest.fixture(scope="module", params=BACKENDS)
def strict(request, tmp_path_factory):
    inst = start(tmp_path_factory, request.param, "strict")  # the default: 10 failures block
    yield inst
    finish(inst)


def test_failures_on_an_account_add_up_across_processes(strict):
    email, pw = new_email("split"), new_password()
    strict.add_user(email, pw)
    # A new client address every time, so only the account's count can block.
    addr = iter(f"10.2.0.{i}" for i in range(1, 100))
    for n in (1, 2):
        for i in range(5):
            assert create(strict, n, email, f"wrong-{i}-{pw}", next(addr)) == ("CAUSE=INVALID_PASSWORD", "RESULT=FALSE")
    # The tenth failure started the block: the right password is refused on either.
    for n in (1, 2):
        assert create(strict, n, email, pw, next(addr)) == ("CAUSE=API_REQUEST_BLOCKED", "RESULT=FALSE")


def test_failures_from_an_address_add_up_across_processes(strict):
    email, pw = new_email("addr"), new_password()
    strict.add_user(email, pw)
    for n in (1, 2):
        for i in range(5):
            # Unknown accounts: failures against the address only.
            assert create(strict, n, new_email("nobody"), pw, "10.3.0.1") == ("CAUSE=NO_SUCH_USER", "RESULT=FALSE")
    for n in (1, 2):
        assert create(strict, n, email, pw, "10.3.0.1") == ("CAUSE=API_REQUEST_BLOCKED", "RESULT=FALSE")
    # Another address is not blocked, on either process.
    for n in (1, 2):
        token_of(create(strict, n, email, pw, f"10.3.1.{n}"))


# ---- SIGKILL of one process while clients call through nginx ------------------------

@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("backend", BACKENDS)
def test_sigkill_of_one_process_costs_no_guarded_call(tmp_path_factory, backend, transport):
    inst = start(tmp_path_factory, backend, "kill", {**GENEROUS_THROTTLE, "AUTHTOKEN_MAX_TOKENS": "10000"}, transport)
    expected_status = 0
    try:
        email, pw = new_email("kill"), new_password()
        inst.add_user(email, pw)
        token = token_of(create(inst, 1, email, pw))
        guarded = f"{inst.url}{GUARDED}?authtoken={token}&scope=recruitapi"
        victim, survivor = inst.fcgi_pid(1), inst.fcgi_pid(2)

        def guarded_call(s):
            return s.get(guarded, timeout=20)

        def create_call(s):
            return s.post(inst.url + "/apiauthtoken/create", timeout=20,
                          data={"EMAIL_ID": email, "PASSWORD": pw, "SCOPE": RECRUIT})

        with Loop(guarded_call, 4) as calls, Loop(create_call, 2) as creates:
            time.sleep(1.5)
            os.kill(victim, signal.SIGKILL)
            killed_at = time.monotonic()
            expected_status = 1  # scripts/run reports the lost process when it stops
            time.sleep(3)
        assert len([c for c in calls.results if c[0] > killed_at]) > 20, len(calls.results)
        bad = [(round(start - killed_at, 3), r if isinstance(r, Exception) else (r.status_code, r.text[:200]))
               for start, _, r in calls.results
               if isinstance(r, Exception) or r.status_code != 200 or '"uri":"' + GUARDED not in r.text]
        assert not bad, bad[:5]
        # Creates were not retried on the other process; the cut-off ones simply failed.
        tokens = [t for t in (complete_token(r) for _, _, r in creates.results) if t]
        assert tokens
        # After the kill, at most one create reached the dead process (502): nginx then kept
        # every worker away from it (max_fails=1, and the zone shares that state).
        later = [r for start, _, r in creates.results if start > killed_at]
        assert len(later) > 5, len(later)
        assert sum(complete_token(r) is None for r in later) <= 1, \
            [r if isinstance(r, Exception) else (r.status_code, r.text[:100]) for r in later]
        with requests.Session() as s:
            for t in tokens:
                r = s.get(f"{inst.url}{GUARDED}?authtoken={t}&scope=recruitapi", timeout=10)
                assert r.status_code == 200 and '"uri":"' + GUARDED in r.text, r.text
        # scripts/run said so and kept serving with the other process.
        wait_output(inst, "run: authtoken-fcgi instance 1 exited unexpectedly with status 137;"
                          " still serving with instance 2")
        assert inst.proc.poll() is None
        os.kill(survivor, 0)
        assert not (inst.data_dir / "authtoken-fcgi.pid").exists()
    finally:
        finish(inst, expected_status)


# ---- PostgreSQL restarted under load ------------------------------------------------

def test_a_postgres_restart_gives_clean_errors_and_then_works_again(tmp_path_factory):
    inst = start(tmp_path_factory, "postgres", "pgrestart", {**GENEROUS_THROTTLE, "AUTHTOKEN_MAX_TOKENS": "10000"})
    try:
        email, pw = new_email("pgr"), new_password()
        inst.add_user(email, pw)
        token = token_of(create(inst, 1, email, pw))
        guarded = f"{inst.url}{GUARDED}?authtoken={token}&scope=recruitapi"
        session = sign_in(inst, email, pw)
        pids = [inst.fcgi_pid(1), inst.fcgi_pid(2)]

        def guarded_call(s):
            return s.get(guarded, timeout=20)

        def create_call(s):
            return s.post(inst.url + "/apiauthtoken/create", timeout=20,
                          data={"EMAIL_ID": email, "PASSWORD": pw, "SCOPE": RECRUIT})

        def page_call(_):
            return session.get(inst.url + "/tokens", timeout=20, allow_redirects=False)

        ready = inst.url + "/_authtoken/ready"
        assert requests.get(ready, timeout=10).text == "ready\n"
        with Loop(guarded_call, 3) as calls, Loop(create_call, 1) as creates, Loop(page_call, 1) as pages:
            time.sleep(1)
            cluster = [str(ROOT / "scripts/pg-cluster"), "stop", str(inst.data_dir / "pg")]
            assert subprocess.run(cluster, capture_output=True, timeout=120).returncode == 0
            # Readiness says so while the database is away; liveness does not change.
            assert requests.get(ready, timeout=10).status_code == 503
            assert requests.get(inst.url + "/_authtoken/health", timeout=10).text == "ok\n"
            r = subprocess.run([str(ROOT / "scripts/pg-cluster"), "restart", str(inst.data_dir / "pg")],
                               capture_output=True, text=True, timeout=120)
            assert r.returncode == 0, r.stderr
            time.sleep(2)
        # Every answer came (no hang: 20 s timeouts), and each was a success or the
        # store's clean error: 500 from the check or a page, REMOTE_SERVER_ERROR in API mode.
        hung = [r for _, _, r in calls.results + creates.results + pages.results if isinstance(r, Exception)]
        assert not hung, hung[:3]
        assert {r.status_code for _, _, r in calls.results} <= {200, 500}
        assert {r.status_code for _, _, r in pages.results} <= {200, 500}
        assert {r.status_code for _, _, r in creates.results} == {200}
        causes = {r.text.split("\n")[2] if r.text.count("\n") == 4 else r.text[:80]
                  for _, _, r in creates.results if complete_token(r) is None}
        assert causes <= {"CAUSE=REMOTE_SERVER_ERROR"}, causes
        # And without restarting authtoken, everything works again (the store reconnects).
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if requests.get(guarded, timeout=10).status_code == 200 and page_call(None).status_code == 200:
                break
            time.sleep(0.5)
        assert requests.get(guarded, timeout=10).status_code == 200
        assert page_call(None).status_code == 200
        for n in (1, 2):
            token_of(create(inst, n, email, pw))
            assert check(inst, n, token) == (200, email)
        # No process died or was restarted.
        assert [inst.fcgi_pid(1), inst.fcgi_pid(2)] == pids
        for pid in pids:
            os.kill(pid, 0)
        assert "exited unexpectedly" not in inst.output()
    finally:
        finish(inst)
