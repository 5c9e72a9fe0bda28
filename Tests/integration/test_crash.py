"""SIGKILL during a burst of token creates: after a restart every token a client fully
received still works, no account holds more than the cap, and the database is intact."""
import os
import signal
import threading
import time

import requests

from conftest import GENEROUS_THROTTLE, Instance, complete_token, new_email, new_password

CAP = 3
ACCOUNTS = 20
CLIENTS = 200
RECRUIT = "ZohoRecruit/recruitapi"
GUARDED = "/recruit/private/json/JobOpenings/getRecords"


def test_sigkill_during_creates_loses_no_issued_token(tmp_path_factory):
    # Generous throttle and a long password queue: the point is many creates in flight at
    # the kill, not refusals (which answer at once and would leave nothing to cut off).
    inst = Instance(tmp_path_factory.mktemp("crash"), env={
        "AUTHTOKEN_MAX_TOKENS": str(CAP), "AUTHTOKEN_HASH_QUEUE": "30", "AUTHTOKEN_HASH_QUEUE_WAIT_MS": "30000",
        **GENEROUS_THROTTLE})
    inst.start()
    restarted = False
    try:
        accounts = [(new_email("crash"), new_password()) for _ in range(ACCOUNTS)]
        for email, pw in accounts:
            inst.add_user(email, pw)
        pid = inst.fcgi_pid()
        answers = [None] * CLIENTS
        issued = threading.Event()
        go = threading.Barrier(CLIENTS + 1)

        def client(i):
            email, pw = accounts[i % ACCOUNTS]
            with requests.Session() as s:
                go.wait()
                try:
                    answers[i] = s.post(inst.url + "/apiauthtoken/create", timeout=30,
                                        data={"SCOPE": RECRUIT, "EMAIL_ID": email, "PASSWORD": pw})
                except requests.RequestException as e:
                    answers[i] = e
            if isinstance(answers[i], requests.Response) and "RESULT=TRUE" in answers[i].text:
                issued.set()

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        go.wait()
        # Kill once a token is out and most requests are still in flight (waiting for a hash).
        assert issued.wait(30), "no token before the kill"
        os.kill(pid, signal.SIGKILL)
        killed_at = time.monotonic()
        for t in threads:
            t.join(60)
        assert not any(t.is_alive() for t in threads), "a client hung"
        # scripts/run notices the dead server and stops nginx (status 1: an unexpected exit).
        assert inst.proc.wait(30) == 1, inst.output()
        assert "authtoken-fcgi exited unexpectedly" in inst.output()

        tokens = [t for t in map(complete_token, answers) if t]
        cut_off = [a for a in answers if not isinstance(a, requests.Response) or a.status_code != 200]
        assert tokens, "no token was issued before the kill"
        assert cut_off, "the kill cut no request off"
        assert time.monotonic() - killed_at < 60

        inst.restart()
        restarted = True
        for token in tokens:
            r = inst.http.get(inst.url + GUARDED, params={"authtoken": token, "scope": "recruitapi"},
                              timeout=10)
            assert r.status_code == 200 and "4834" not in r.text and "JobOpenings" in r.text, r.text
        with inst.db() as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            counts = con.execute("SELECT account_id, COUNT(*) FROM token GROUP BY account_id").fetchall()
            assert counts and max(c for _, c in counts) <= CAP, [tuple(c) for c in counts]
            assert sum(c for _, c in counts) >= len(tokens)
    finally:
        if inst.proc.poll() is None:
            status = inst.stop()
            assert not restarted or status == 0, inst.output()
