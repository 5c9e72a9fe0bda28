"""The guard stays up: the token check keeps answering while passwords are under attack.

Hashing is made slow on purpose (Argon2 with 60 passes, about a second a hash here), so a
design where the check waited behind password work would stall guarded calls for a minute.
"""
import concurrent.futures
import time

import pytest
import requests

from conftest import (add_app_passwords, assert_cause, assert_token, CSRF, GENEROUS_THROTTLE, Instance, Loop,
                      new_email, new_password, running_instance, SCOPE, split_body, TRANSPORTS)

RECRUIT = "ZohoRecruit/recruitapi"
GUARDED = "/recruit/private/json/JobOpenings/getRecords"
SLOW = {"AUTHTOKEN_ARGON2_ITERATIONS": "60"}


def api(inst, email, password, scope=SCOPE, timeout=60):
    return requests.post(inst.url + "/apiauthtoken/create", timeout=timeout,
                         data={"EMAIL_ID": email, "PASSWORD": password, "SCOPE": scope})


@pytest.fixture(scope="module", params=TRANSPORTS)
def slow(request, tmp_path_factory):
    """Accounts made at the normal cost, then the server restarted with slow hashing: each
    account's first sign-in upgrades its hash to the slow parameters."""
    inst = Instance(tmp_path_factory.mktemp("guard"), env=GENEROUS_THROTTLE, transport=request.param)
    inst.start()
    inst.accounts = [(new_email("plain"), new_password()) for _ in range(8)]
    for email, pw in inst.accounts:
        inst.add_user(email, pw)
    inst.app_account = (new_email("apps"), new_password())
    inst.add_user(*inst.app_account)
    _, inst.app_values = add_app_passwords(inst, *inst.app_account, count=20)
    assert inst.stop() == 0, inst.output()
    inst.env.update(SLOW)
    inst.restart()
    # The first success rehashes with 60 passes (seen in the stored hash).
    for email, pw in inst.accounts + [inst.app_account]:
        inst.token = assert_token(api(inst, email, pw, scope=RECRUIT))
    with inst.db() as con:
        hashes = [row[0] for row in con.execute("SELECT password_hash FROM account")]
    assert sum(",t=60," in h for h in hashes) == 9, hashes
    yield inst
    try:
        assert inst.stop() == 0, inst.output()
    finally:
        inst.kill()


def burst(inst, targets):
    """64 wrong-password creates at once; every answer, as (status, cause line)."""
    with concurrent.futures.ThreadPoolExecutor(64) as pool:
        futures = [pool.submit(api, inst, email, password) for email, password in targets]
        answers = []
        for f in futures:
            r = f.result()
            answers.append(split_body(r))
    return answers


def guarded_loop(inst, token, clients=4):
    """Clients calling a guarded URL in a loop, timing every call."""
    url = f"{inst.url}{GUARDED}?authtoken={token}&scope=recruitapi"
    return Loop(lambda s: s.get(url, timeout=30), clients)


def check_guard_held(loop, answers):
    calls = loop.results
    assert len(calls) > 20, len(calls)
    bad = [r for _, _, r in calls
           if not isinstance(r, requests.Response) or r.status_code != 200 or '"uri":"' + GUARDED not in r.text]
    assert not bad, bad[:3]
    slowest = max(ended - started for started, ended, _ in calls)
    assert slowest < 2.0, slowest
    # Every request of the burst was answered in the legacy format, wrong or refused.
    assert len(answers) == 64
    causes = {key for key, result in answers}
    assert causes <= {"CAUSE=INVALID_PASSWORD", "CAUSE=API_REQUEST_BLOCKED"}, causes
    assert all(result == "RESULT=FALSE" for key, result in answers)
    # The queue refused what it could not do soon, instead of parking threads.
    assert "CAUSE=API_REQUEST_BLOCKED" in causes, answers


def test_the_check_answers_during_a_wrong_password_burst(slow):
    targets = [(email, "wrong-" + pw) for email, pw in slow.accounts] * 8
    with guarded_loop(slow, slow.token) as loop:
        time.sleep(0.5)
        answers = burst(slow, targets)
        time.sleep(0.5)
    check_guard_held(loop, answers)


def test_the_check_answers_during_a_burst_on_an_account_with_many_app_passwords(slow):
    email, _ = slow.app_account
    # Shaped like application passwords, so each could have been tried against all twenty.
    targets = [(email, f"zz{i:02d} aaaa bbbb") for i in range(64)]
    with guarded_loop(slow, slow.token) as loop:
        time.sleep(0.5)
        answers = burst(slow, targets)
        time.sleep(0.5)
    check_guard_held(loop, answers)
    # And the real application passwords still work afterwards, at the cost of one hash.
    assert_token(api(slow, email, slow.app_values[-1]))


def test_a_full_queue_gets_503_with_retry_after_on_the_sign_in_form(slow):
    email, pw = slow.accounts[0]

    def form_attempt(_):
        s = requests.Session()
        page = s.get(slow.url + "/signin", timeout=10)
        return s.post(slow.url + "/signin", timeout=60, allow_redirects=False,
                      data={"csrf": CSRF.search(page.text).group(1), "email": email, "password": "wrong-" + pw})

    with concurrent.futures.ThreadPoolExecutor(40) as pool:
        answers = list(pool.map(form_attempt, range(40)))
    statuses = sorted({r.status_code for r in answers})
    assert set(statuses) <= {200, 503}, statuses
    busy = [r for r in answers if r.status_code == 503]
    assert busy, statuses
    assert all(r.headers["Retry-After"] == "5" for r in busy)
    assert all("Too busy right now" in r.text and "try again in a few seconds" in r.text for r in busy)
    assert all(email not in r.text and pw not in r.text for r in busy)


@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    """Default throttle (10 failures), fast hashing, and a queue long enough that every
    guess reaches the throttle."""
    with running_instance(tmp_path_factory, "race", {"AUTHTOKEN_HASH_QUEUE": "24",
                                                     "AUTHTOKEN_HASH_QUEUE_WAIT_MS": "30000"}) as inst:
        yield inst


def test_forty_parallel_guesses_check_at_most_ten_and_the_right_one_stays_blocked(strict):
    email, pw = new_email("race"), new_password()
    strict.add_user(email, pw)
    with concurrent.futures.ThreadPoolExecutor(40) as pool:
        answers = list(pool.map(lambda i: split_body(api(strict, email, f"wrong-{i}-{pw}")), range(40)))
    wrong = [a for a in answers if a == ("CAUSE=INVALID_PASSWORD", "RESULT=FALSE")]
    blocked = [a for a in answers if a == ("CAUSE=API_REQUEST_BLOCKED", "RESULT=FALSE")]
    assert len(wrong) + len(blocked) == 40, answers
    assert len(wrong) <= 10, len(wrong)
    assert_cause(api(strict, email, pw), "API_REQUEST_BLOCKED")
    with strict.db() as con:
        account_id = con.execute("SELECT id FROM account WHERE email = ?", (email,)).fetchone()[0]
        kinds = [row[0] for row in con.execute("SELECT kind FROM activity WHERE account_id = ?", (account_id,))]
        failed = [row[0] for row in con.execute(
            "SELECT detail FROM activity WHERE account_id = ? AND kind = 'sign-in-failed'", (account_id,))]
    # One entry per block (the account's and the address's), not one per refused request.
    assert kinds.count("blocked") == 2, kinds
    assert failed == ["API mode: wrong password"] * len(wrong), failed
    assert strict.admin("user", "unblock", "--address", "127.0.0.1").returncode == 0
    assert strict.admin("user", "unblock", email).returncode == 0
    assert_token(api(strict, email, pw))
