"""Throttling with the default limits (10 failures in 10 minutes block for 10 minutes) and
the activity log, through nginx, on an instance of its own: the shared one has generous
limits because the rest of the suite sends wrong passwords on purpose."""

import pytest
import requests

from conftest import (APP_PASSWORD, assert_cause, assert_token, Browser, CSRF, digest, new_email,
                      new_password, running_instance, SCOPE, SCREENSHOTS, SECRETS)


@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    with running_instance(tmp_path_factory, "throttle") as inst:
        yield inst


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


class FromAddress(requests.adapters.HTTPAdapter):
    """Connects from this loopback address (Linux routes all of 127.0.0.0/8 to lo), so nginx
    sees a real, different REMOTE_ADDR: no header the server would have to trust."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client_at(address):
    s = requests.Session()
    s.mount("http://", FromAddress(address))
    return s


def api_from(inst, address, email, password):
    with client_at(address) as s:
        return s.post(inst.url + "/apiauthtoken/create", timeout=30,
                      data={"EMAIL_ID": email, "PASSWORD": password, "SCOPE": SCOPE})


def test_outsiders_cannot_lock_the_owner_out_of_api_mode(strict):
    """Issue 20, item 13, as the attacker did it: ten wrong passwords for the owner's address
    from ten addresses, half of them shaped like application passwords. The main password is
    blocked everywhere; the owner's script, with its application password, still gets a
    token from the owner's own address. The per-address limit still holds for it."""
    email, pw = new_email("lockout"), new_password()
    strict.add_user(email, pw)
    owner = "127.0.0.20"
    with client_at(owner) as s:
        page = s.get(strict.url + "/signin", timeout=10)
        signed_in = s.post(strict.url + "/signin", timeout=60, allow_redirects=False,
                           data={"csrf": CSRF.search(page.text).group(1), "email": email, "password": pw})
        assert signed_in.status_code == 303, signed_in.text
        SECRETS.append(s.cookies["authtoken_session"])
        form = s.get(strict.url + "/app-passwords", timeout=10).text
        made = s.post(strict.url + "/app-passwords", timeout=60,
                      data={"csrf": CSRF.search(form).group(1), "name": "nightly", "password": pw})
        app_password = APP_PASSWORD.search(made.text).group(1)
        SECRETS.append(app_password)

    for i in range(10):
        guess = f"wrong-{i}-{pw}" if i % 2 == 0 else f"abcd efgh ij{i:02d}"
        assert_cause(api_from(strict, f"127.0.0.{30 + i}", email, guess), "INVALID_PASSWORD")
    with strict.db() as con:
        blocked = {row[0] for row in con.execute("SELECT key FROM throttle WHERE blocked_until IS NOT NULL")}
        account_id = con.execute("SELECT id FROM account WHERE email = ?", (email,)).fetchone()[0]
    assert f"account:{account_id}" in blocked and f"app-passwords:{account_id}" not in blocked, blocked
    assert not any(key.startswith("address:127.0.0.") and key != "address:127.0.0.1" for key in blocked), blocked

    # The main password stays blocked, from the owner's address too; so does a guess of the
    # application-password shape. The application password gets a token.
    assert_cause(api_from(strict, owner, email, pw), "API_REQUEST_BLOCKED")
    assert_cause(api_from(strict, owner, email, "zzzz zzzz zzzz"), "API_REQUEST_BLOCKED")
    token = assert_token(api_from(strict, owner, email, app_password))
    assert_token(api_from(strict, owner, email, app_password.replace(" ", "")))
    with strict.db() as con:
        row = con.execute("SELECT app_password_id FROM token WHERE digest = ?", (digest(token),)).fetchone()
    assert row[0] is not None

    # An address that failed ten times gets nothing, whichever password it sends.
    attacker = "127.0.0.50"
    for _ in range(10):
        assert_cause(api_from(strict, attacker, new_email("ghost"), pw), "NO_SUCH_USER")
    assert_cause(api_from(strict, attacker, email, app_password), "API_REQUEST_BLOCKED")
    assert_token(api_from(strict, owner, email, app_password))
    unblock(strict, "--address", attacker)
    unblock(strict, email)
    assert_token(api_from(strict, owner, email, pw))
