"""SIGTERM lets requests in flight finish, then the server exits 0."""
import os
import signal
import threading
import time

import requests

from conftest import GENEROUS_THROTTLE, SCOPE, Instance, assert_token, new_email, new_password


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_sigterm_drains_in_flight_requests(tmp_path_factory):
    # Its own instance, since it ends the server; a higher cap and a password queue long
    # enough that all may succeed.
    inst = Instance(tmp_path_factory.mktemp("shutdown"), env={
        "AUTHTOKEN_MAX_TOKENS": "100", "AUTHTOKEN_HASH_QUEUE": "29", "AUTHTOKEN_HASH_QUEUE_WAIT_MS": "20000",
        **GENEROUS_THROTTLE})
    inst.start()
    try:
        email, pw = new_email("drain"), new_password()
        inst.add_user(email, pw)
        pid = inst.fcgi_pid()
        n = 30
        answers, done_at = [None] * n, [None] * n
        go = threading.Barrier(n + 1)
        first_done = threading.Event()

        def one(i):
            with requests.Session() as s:
                go.wait()
                try:
                    answers[i] = s.get(inst.url + "/apiauthtoken/create", timeout=30,
                                       params={"SCOPE": SCOPE, "EMAIL_ID": email, "PASSWORD": pw})
                except requests.RequestException as e:
                    answers[i] = e
            done_at[i] = time.monotonic()
            first_done.set()

        threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        go.wait()
        # Give every request time to reach the server, then signal while the
        # password hashing keeps most of them busy.
        time.sleep(0.1)
        first_done.wait(2)
        signaled = time.monotonic()
        os.kill(pid, signal.SIGTERM)
        for t in threads:
            t.join(40)
        for a in answers:
            assert isinstance(a, requests.Response), a
            assert_token(a)
        assert sum(t > signaled for t in done_at) > 0, "no request was in flight at SIGTERM"
        while alive(pid) and time.monotonic() < signaled + 5:
            time.sleep(0.05)
        assert not alive(pid), "authtoken-fcgi still running 5 s after SIGTERM"
        assert len(inst.tokens_of(email)) == n

        # scripts/run notices, stops nginx and reports the server's status.
        rc = inst.proc.wait(30)
        assert "authtoken-fcgi exited unexpectedly with status 0" in inst.output()
        assert rc != 0
    finally:
        if inst.proc.poll() is None:
            inst.stop()
