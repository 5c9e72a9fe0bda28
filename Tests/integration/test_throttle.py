"""Throttling with the default limits (10 failures in 10 minutes block for 10 minutes) and
the activity log, through nginx, on an instance of its own: the shared one has generous
limits because the rest of the suite sends wrong passwords on purpose."""

import pytest

from conftest import (SCOPE, SCREENSHOTS, Browser, Instance, assert_cause, assert_token, new_email,
                      new_password)


@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    inst = Instance(tmp_path_factory.mktemp("throttle"))
    inst.start()
    yield inst
    try:
        assert inst.stop() == 0, inst.output()
    finally:
        inst.kill()


def api(inst, email, password):
    return inst.create({"EMAIL_ID": email, "PASSWORD": password, "SCOPE": SCOPE}, form="post-body",
                       headers={"User-Agent": "throttle-test/1.0"})


def unblock(inst, *args):
    r = inst.admin("user", "unblock", *args)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_ten_failures_block_then_admin_unblocks(strict):
    email, pw = new_email("blocked"), new_password()
    strict.add_user(email, pw)
    for _ in range(10):
        assert_cause(api(strict, email, "wrong-" + pw), "INVALID_PASSWORD")
    # The 11th request, even with the right password, is refused without a password check.
    assert_cause(api(strict, email, pw), "API_REQUEST_BLOCKED")
    # Unknown e-mails from the blocked address are not told apart either.
    assert_cause(api(strict, new_email("ghost"), pw), "API_REQUEST_BLOCKED")
    # Both blocks are in the store (so they hold across restarts).
    with strict.db() as con:
        keys = {row[0] for row in con.execute("SELECT key FROM throttle WHERE blocked_until IS NOT NULL")}
    assert "address:127.0.0.1" in keys and any(k.startswith("account:") for k in keys), keys

    # The account alone: 127.0.0.1 is still blocked.
    assert "unblocked" in unblock(strict, email)
    assert_cause(api(strict, email, pw), "API_REQUEST_BLOCKED")
    assert "127.0.0.1: unblocked" in unblock(strict, "--address", "127.0.0.1")
    assert_token(api(strict, email, pw))

    # The CLI shows the log, newest first, without secrets.
    r = strict.admin("user", "activity", email, "--limit", "30")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split("\t")[:3] == ["TIME", "KIND", "ADDRESS"]
    kinds = [line.split("\t")[1] for line in lines[1:]]
    # Newest first: the success, then the account's unblock (a refusal while blocked is
    # not logged one by one: the block has its own entry).
    assert kinds[:3] == ["token-created", "sign-in", "admin"], kinds
    # 10 wrong passwords, and one entry for each block (the account's and the address's).
    assert kinds.count("sign-in-failed") == 10 and kinds.count("blocked") == 2, kinds
    assert "throttle-test/1.0" in r.stdout and "127.0.0.1" in r.stdout
    assert pw not in r.stdout


def test_the_sign_in_form_says_blocked_and_activity_lists_events(strict, chrome):
    email, pw = new_email("formblock"), new_password()
    strict.add_user(email, pw)
    for _ in range(10):
        assert_cause(api(strict, email, "nope-" + pw), "INVALID_PASSWORD")

    chrome.delete_all_cookies()
    b = Browser(chrome, strict)
    b.open("/signin")
    b.sign_in(email, pw)
    assert b.path().startswith("/signin")
    error = b.find(".error").text
    assert "Too many failed sign-in attempts" in error
    b.shot("throttle-signin-blocked")
    chrome.get_log("browser")  # the 429 itself is logged as a failed load; not a page error

    unblock(strict, email, "--address", "127.0.0.1")
    b.open("/signin")
    b.sign_in(email, pw)
    assert b.path() == "/tokens"
    b.find("nav a[href='/activity']").click()
    assert b.h1() == "Recent activity"
    rows = b.find_all("tr.activity-entry")
    kinds = [row.get_attribute("data-kind") for row in rows]
    assert kinds[0] == "sign-in" and kinds[1] == "admin", kinds
    assert "blocked" in kinds and kinds.count("sign-in-failed") == 10, kinds
    text = b.find("table.activity").text
    assert "Blocked after too many failures" in text and "127.0.0.1" in text
    assert pw not in chrome.page_source
    b.shot("throttle-activity")
    assert (SCREENSHOTS / "throttle-activity.png").exists()
    assert not b.console_errors()
    chrome.delete_all_cookies()


def test_a_known_browser_still_signs_in_while_failures_block_everyone_else(strict):
    """OWASP's device cookie: 20 wrong passwords from this address block the address and the
    account for new browsers; the owner's browser that signed in before still gets in."""
    import requests

    from conftest import CSRF, SECRETS

    email, pw = new_email("device"), new_password()
    strict.add_user(email, pw)

    def sign_in_with(s, password):
        page = s.get(strict.url + "/signin", timeout=10)
        return s.post(strict.url + "/signin", timeout=30, allow_redirects=False,
                      data={"csrf": CSRF.search(page.text).group(1), "email": email, "password": password})

    owner = requests.Session()
    assert sign_in_with(owner, pw).status_code == 303
    device = owner.cookies["authtoken_device"]
    SECRETS.append(device)
    owner.post(strict.url + "/signout", timeout=10,
               data={"csrf": CSRF.search(owner.get(strict.url + "/tokens", timeout=10).text).group(1)})
    attacker = requests.Session()
    for _ in range(20):
        sign_in_with(attacker, "wrong-" + pw)
    newcomer = requests.Session()
    assert sign_in_with(newcomer, pw).status_code == 429
    assert sign_in_with(owner, pw).status_code == 303
    assert owner.get(strict.url + "/tokens", timeout=10, allow_redirects=False).status_code == 200
    unblock(strict, email, "--address", "127.0.0.1")
