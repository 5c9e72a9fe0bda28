"""Token lifecycle beyond the legacy protocol, through nginx: optional expiry on the
guarded example, renewal, the lifetime cap, rotation with its grace window and reuse
detection (the owner's mail read from the server log, which stands in for mail), and
self-inspection. Time is moved by writing a token's expiry into the database (the check
reads it on every request) and, for the grace window, by a short real window."""
import json
import sqlite3
import time

import pytest
import requests

from conftest import (assert_cause, assert_token, CSRF, digest, GENEROUS_THROTTLE, guard_server_fixture, new_email,
                      new_password, TRANSPORTS,
                      running_instance, SECRETS, sign_in, TOKEN)

JSON_4834 = ('{"response":{"uri":"/recruit/private/json/JobOpenings/getRecords",'
             '"error":{"code":"4834","message":"Invalid Ticket Id"}}}\n')
GRACE = 3

# Expiry, rotation and reuse are checked with the check asked over HTTP and over FastCGI.
server = guard_server_fixture()


def guarded(inst, token, fmt="json"):
    return inst.http.get(f"{inst.url}/recruit/private/{fmt}/JobOpenings/getRecords",
                         params={"authtoken": token, "scope": "recruitapi"}, timeout=10)


def works(inst, token):
    r = guarded(inst, token)
    if r.text == JSON_4834:
        return False
    assert r.status_code == 200 and "X-Seen-Authtoken-Email" in r.headers, r.text
    return True


def api_token(inst, email, pw, **extra):
    return assert_token(inst.create({"EMAIL_ID": email, "PASSWORD": pw, "SCOPE": "ZohoRecruit/recruitapi", **extra},
                                    form="post-body"))


def set_expiry(inst, token, expires_at):
    """Moves a token's expiry, as time passing would (the server caches nothing)."""
    con = sqlite3.connect(inst.data_dir / "authtoken.sqlite", timeout=30)
    with con:
        assert con.execute("UPDATE token SET expires_at = ? WHERE digest = ?",
                           (expires_at, digest(token))).rowcount == 1
    con.close()


def row(inst, token):
    with inst.db() as con:
        return con.execute("SELECT * FROM token WHERE digest = ?", (digest(token),)).fetchone()


def rotate(inst, token=None, headers=None, data=None):
    if headers is None:
        headers = {"Authorization": f"Bearer {token}"}
    return inst.http.post(inst.url + "/apiauthtoken/rotate", headers=headers, data=data, timeout=10)


def mail_lines(inst, email, subject_part, wait=10):
    """Log lines of mail to `email` whose subject contains `subject_part` (mail leaves on its own queue)."""
    deadline = time.monotonic() + wait
    while True:
        log = (inst.data_dir / "authtoken-fcgi.log").read_text()
        lines = [line for line in log.splitlines() if "mail not sent" in line and email in line and subject_part in line]
        if lines or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


@pytest.fixture(scope="module")
def account(server):
    email, pw = new_email("life"), new_password()
    server.add_user(email, pw)
    return email, pw


def test_a_legacy_request_still_gets_a_permanent_token_and_the_owner_a_notice(server, account):
    token = api_token(server, *account, DISPLAY_NAME="legacy script")
    assert row(server, token)["expires_at"] is None and row(server, token)["lifetime"] is None
    assert works(server, token)
    notices = mail_lines(server, account[0], "new token “legacy script”")
    assert len(notices) == 1, notices
    assert token not in (server.data_dir / "authtoken-fcgi.log").read_text()


def test_an_expired_token_gets_4834_stays_listed_and_renews(server, account):
    email, pw = account
    token = api_token(server, email, pw, EXPIRES_IN_DAYS="30")
    stored = row(server, token)
    assert stored["lifetime"] == 30 * 86400
    assert stored["expires_at"] == stored["created_at"] + 30 * 86400
    assert works(server, token)
    set_expiry(server, token, int(time.time()) + 5)
    assert works(server, token)
    deadline = time.monotonic() + 10  # the use is written shortly after it
    while row(server, token)["last_used_at"] is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert row(server, token)["last_used_from"] == "127.0.0.1"
    set_expiry(server, token, int(time.time()) - 1)
    assert guarded(server, token).text == JSON_4834
    assert "<code>4834</code>" in guarded(server, token, "xml").text

    session = sign_in(server, email, pw)
    page = session.get(server.url + "/tokens", timeout=10).text
    card = page[page.index(f'id="token-{stored["id"]}"'):]
    card = card[:card.index("</li>")]
    assert "expired on" in card and "last-used-from" in card and ">Renew</a>" in card
    ask = session.get(server.url + f"/tokens/regenerate?id={stored['id']}", timeout=10).text
    assert "Renew this token?" in ask
    renewed = session.post(server.url + "/tokens/regenerate", timeout=10,
                           data={"csrf": CSRF.search(ask).group(1), "id": stored["id"]})
    assert renewed.status_code == 200
    value = renewed.text.split('id="token-value" class="secret">')[1][:32]
    assert TOKEN.match(value)
    SECRETS.append(value)
    assert works(server, value)
    assert guarded(server, token).text == JSON_4834
    now = row(server, value)
    assert now["id"] == stored["id"] and now["lifetime"] == 30 * 86400
    listing = server.admin("token", "list", email).stdout.splitlines()
    assert listing[0].split("\t")[5] == "EXPIRES"
    renewed_line = next(line.split("\t") for line in listing[1:] if line.startswith(f"{stored['id']}\t"))
    assert renewed_line[5] == time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now["expires_at"]))
    assert abs(now["expires_at"] - (int(time.time()) + 30 * 86400)) < 60


def test_a_malformed_expiry_is_refused_in_the_legacy_format(server, account):
    email, pw = account
    before = len(server.tokens_of(email))
    for bad in ["0", "-3", "30d", "99999999"]:
        assert_cause(server.create({"EMAIL_ID": email, "PASSWORD": pw, "SCOPE": "ZohoRecruit/recruitapi",
                                    "EXPIRES_IN_DAYS": bad}), "INVALID_EXPIRY")
    assert len(server.tokens_of(email)) == before


@pytest.fixture(scope="module", params=TRANSPORTS)
def lifecycle(request, tmp_path_factory):
    """An instance with a short grace window and a lifetime cap."""
    with running_instance(tmp_path_factory, "lifecycle", {
            **GENEROUS_THROTTLE, "AUTHTOKEN_ROTATION_GRACE_SECONDS": str(GRACE),
            "AUTHTOKEN_MAX_TOKEN_LIFETIME_DAYS": "30"}, transport=request.param) as inst:
        email, pw = new_email("rotate"), new_password()
        inst.add_user(email, pw)
        inst.person = (email, pw)
        yield inst


def test_the_cap_applies_to_legacy_requests(lifecycle):
    token = api_token(lifecycle, *lifecycle.person)
    stored = row(lifecycle, token)
    assert stored["expires_at"] == stored["created_at"] + 30 * 86400
    longer = api_token(lifecycle, *lifecycle.person, EXPIRES_IN_DAYS="365")
    assert row(lifecycle, longer)["lifetime"] == 30 * 86400


def test_rotation_grace_window_and_reuse_detection(lifecycle):
    email, pw = lifecycle.person
    old = api_token(lifecycle, email, pw, DISPLAY_NAME="deploy bot")
    first = row(lifecycle, old)
    new = assert_token(rotate(lifecycle, old))
    assert new != old
    assert row(lifecycle, new)["id"] == first["id"] and row(lifecycle, new)["display_name"] == "deploy bot"
    rotated_at = time.monotonic()
    # Within the window both values work.
    assert works(lifecycle, old) and works(lifecycle, new)
    assert mail_lines(lifecycle, email, "revoked", wait=0) == []
    time.sleep(max(0, GRACE + 1.2 - (time.monotonic() - rotated_at)))
    # After it the old value is dead, and presenting it is the alarm: the successor dies too.
    assert guarded(lifecycle, old).text == JSON_4834
    assert guarded(lifecycle, new).text == JSON_4834
    assert row(lifecycle, new) is None
    mails = mail_lines(lifecycle, email, "“deploy bot” revoked after reuse of an old value")
    assert len(mails) == 1, mails
    with lifecycle.db() as con:
        kinds = [r["kind"] for r in con.execute(
            "SELECT kind FROM activity JOIN account ON account.id = activity.account_id"
            " WHERE account.email = ? ORDER BY activity.id", (email,))]
        assert con.execute("SELECT count(*) FROM retired_token WHERE token_id = ?", (first["id"],)).fetchone()[0] == 0
    assert kinds[-2:] == ["token-rotated", "token-reused"]
    # Presenting it again is an unknown value now: no second mail.
    assert guarded(lifecycle, old).text == JSON_4834
    time.sleep(0.5)
    assert len(mail_lines(lifecycle, email, "“deploy bot” revoked after reuse of an old value")) == 1


def inspect(inst, token):
    return inst.http.get(inst.url + "/apiauthtoken/self", headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_regenerating_ends_every_rotated_out_value_and_its_alarm(lifecycle):
    """Issue 20, item 1, as the attacker did it: rotate v1 to v2, then Regenerate on the
    page to v3. v1 and v2 both die at once, inside v1's grace window; after the window,
    presenting v1 is just a dead value: it does not revoke v3, and nobody is mailed."""
    email, pw = lifecycle.person
    v1 = api_token(lifecycle, email, pw, DISPLAY_NAME="regenerated after rotation")
    token_id = row(lifecycle, v1)["id"]
    session = sign_in(lifecycle, email, pw)  # before the rotation: the window is short
    ask = session.get(lifecycle.url + f"/tokens/regenerate?id={token_id}", timeout=10).text
    assert "Regenerate this token?" in ask, ask
    v2 = assert_token(rotate(lifecycle, v1))
    rotated_at = time.monotonic()
    assert works(lifecycle, v1) and works(lifecycle, v2)
    page = session.post(lifecycle.url + "/tokens/regenerate", timeout=10,
                        data={"csrf": CSRF.search(ask).group(1), "id": token_id})
    assert page.status_code == 200, page.text
    v3 = page.text.split('id="token-value" class="secret">')[1][:32]
    assert TOKEN.match(v3)
    SECRETS.append(v3)
    for old in (v1, v2):
        assert guarded(lifecycle, old).text == JSON_4834
        r = inspect(lifecycle, old)
        assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer"), (r.status_code, r.text)
    assert time.monotonic() - rotated_at < GRACE, "too slow to be inside v1's window"
    assert works(lifecycle, v3) and inspect(lifecycle, v3).json()["rotated_from"] is None
    with lifecycle.db() as con:
        assert con.execute("SELECT count(*) FROM retired_token WHERE token_id = ?", (token_id,)).fetchone()[0] == 0
    time.sleep(max(0, GRACE + 1.2 - (time.monotonic() - rotated_at)))
    # After v1's window: dead everywhere, and no alarm: v3 lives on.
    assert guarded(lifecycle, v1).text == JSON_4834
    assert inspect(lifecycle, v1).status_code == 401
    assert_cause(rotate(lifecycle, v1), "INVALID_AUTHTOKEN")
    assert works(lifecycle, v3) and row(lifecycle, v3)["id"] == token_id
    assert mail_lines(lifecycle, email, "“regenerated after rotation” revoked", wait=1) == []
    with lifecycle.db() as con:
        kinds = [r["kind"] for r in con.execute(
            "SELECT kind FROM activity JOIN account ON account.id = activity.account_id"
            " WHERE account.email = ? AND activity.detail LIKE ?", (email, f"%token #{token_id} %"))]
    assert "token-rotated" in kinds and "token-regenerated" in kinds and "token-reused" not in kinds, kinds


def test_rotating_a_rotated_value_is_the_same_alarm(lifecycle):
    email, pw = lifecycle.person
    old = api_token(lifecycle, email, pw, DISPLAY_NAME="twice rotated")
    new = assert_token(rotate(lifecycle, data={"AUTHTOKEN": old}, headers={}))
    assert_cause(rotate(lifecycle, old), "INVALID_AUTHTOKEN")
    assert not works(lifecycle, new) and not works(lifecycle, old)
    assert len(mail_lines(lifecycle, email, "“twice rotated” revoked after reuse")) == 1


def test_rotate_refuses_ambiguity_and_other_methods(lifecycle):
    email, pw = lifecycle.person
    token, other = api_token(lifecycle, email, pw), api_token(lifecycle, email, pw)
    assert_cause(rotate(lifecycle, headers={"Authorization": f"Bearer {token}"}, data={"AUTHTOKEN": other}),
                 "INVALID_AUTHTOKEN")
    assert_cause(rotate(lifecycle, headers={}, data={}), "INVALID_AUTHTOKEN")
    assert_cause(rotate(lifecycle, headers={}, data={"AUTHTOKEN": "0" * 32}), "INVALID_AUTHTOKEN")
    r = lifecycle.http.get(lifecycle.url + "/apiauthtoken/rotate", params={"AUTHTOKEN": token}, timeout=10)
    assert r.status_code == 405
    assert row(lifecycle, token) is not None and row(lifecycle, other) is not None
    assert works(lifecycle, token) and works(lifecycle, other)


def test_self_inspection(lifecycle):
    email, pw = lifecycle.person
    token = api_token(lifecycle, email, pw, DISPLAY_NAME="inspector", EXPIRES_IN_DAYS="7")
    assert works(lifecycle, token)
    r = lifecycle.http.get(lifecycle.url + "/apiauthtoken/self", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/json; charset=UTF-8"
    facts = json.loads(r.text)
    assert facts["name"] == "inspector" and facts["scopes"] == ["ZohoRecruit/recruitapi"]
    assert facts["expires"] is not None and facts["rotated_from"] is None and facts["hint"] == "…" + token[-4:]
    assert token not in r.text
    new = assert_token(rotate(lifecycle, token))
    facts = lifecycle.http.get(lifecycle.url + "/apiauthtoken/self", timeout=10,
                               headers={"Authorization": f"Bearer {new}"}).json()
    assert facts["rotated_from"] == "…" + token[-4:] and facts["rotated_at"] is not None
    assert lifecycle.http.get(lifecycle.url + "/apiauthtoken/self", timeout=10).status_code == 401
    assert lifecycle.http.get(lifecycle.url + "/apiauthtoken/self", params={"authtoken": new}, timeout=10,
                              headers={"Authorization": f"Bearer {new}"}).status_code == 400


def test_browser_choose_an_expiry_see_the_banner_and_renew(browser, server):
    """Headless Chromium: the expiry choice, the 7-day banner, "expired on", renewal."""
    from selenium.webdriver.support.ui import Select
    email, pw = new_email("expiry"), new_password()
    server.add_user(email, pw)
    browser.open("/signin")
    browser.sign_in(email, pw)
    browser.open("/tokens")
    Select(browser.find("#expiry")).select_by_value("30")
    browser.fill(name="monthly export")
    browser.shot("token-expiry-choice")
    browser.submit("Create token")
    assert browser.h1() == "Token created"
    token = browser.find("#token-value").text
    assert TOKEN.match(token)
    SECRETS.append(token)
    stored = row(server, token)
    assert stored["expires_at"] == stored["created_at"] + 30 * 86400
    assert browser.find("dd.expires").text.endswith("UTC")

    # A date: valid through that day (UTC).
    browser.open("/tokens")
    Select(browser.find("#expiry")).select_by_value("date")
    browser.d.execute_script("document.getElementById('expiry_date').value = '2030-06-30'")
    browser.fill(name="until summer")
    browser.submit("Create token")
    dated = browser.find("#token-value").text
    SECRETS.append(dated)
    assert row(server, dated)["expires_at"] == 1909094400  # 2030-07-01T00:00:00Z

    set_expiry(server, token, int(time.time()) + 3 * 86400)
    browser.open("/tokens")
    banner = browser.find(".expiring-banner").text
    assert banner.startswith("Expiring within 7 days: monthly export (") and "until summer" not in banner
    assert "(within 7 days)" in browser.find(f"#token-{stored['id']} dd.expires").text
    assert browser.find(f"#token-{row(server, dated)['id']} dd.expires").text == "2030-07-01 00:00 UTC"
    browser.shot("token-expiring-banner")

    set_expiry(server, token, int(time.time()) - 60)
    browser.open("/tokens")
    assert browser.find_all(".expiring-banner") == []
    card = browser.find(f"#token-{stored['id']}")
    assert "expired on" in card.find_element("css selector", "dd.expires").text
    assert "expired" in card.get_attribute("class").split()
    browser.shot("token-expired")
    assert not works(server, token)
    renew = card.find_element("link text", "Renew").get_attribute("href")
    assert renew == f"{server.url}/tokens/regenerate?id={stored['id']}"
    browser.open(renew[len(server.url):])
    assert browser.h1() == "Renew this token?"
    assert "The new value expires on" in browser.find("p.new-expiry").text
    browser.submit("Renew")
    assert browser.h1() == "Token regenerated"
    renewed = browser.find("#token-value").text
    assert TOKEN.match(renewed)
    SECRETS.append(renewed)
    browser.shot("token-renewed")
    assert works(server, renewed) and not works(server, token)
    assert row(server, renewed)["id"] == stored["id"]
    assert browser.console_errors() == []


HOSTILE = ["' OR 1=1 --", "<script>alert(1)</script>", "A" * 5000, "0" * 31 + "g", "0" * 33, "", " ", "%00",
           "Bearer x", "1e9", "-1", "\u2028" + "0" * 31]


def test_hostile_input_to_the_lifecycle_routes_gets_clear_answers(lifecycle):
    email, pw = lifecycle.person
    token = api_token(lifecycle, email, pw, DISPLAY_NAME="target")
    for value in HOSTILE:
        assert_cause(rotate(lifecycle, headers={}, data={"AUTHTOKEN": value}), "INVALID_AUTHTOKEN")
        assert_cause(lifecycle.create({"EMAIL_ID": email, "PASSWORD": pw, "SCOPE": "ZohoRecruit/recruitapi",
                                       "EXPIRES_IN_DAYS": value}), "INVALID_EXPIRY")
        if value.isascii():
            r = lifecycle.http.get(lifecycle.url + "/apiauthtoken/self", timeout=10,
                                   headers={"Authorization": "Bearer " + value})
            assert r.status_code in (400, 401) and r.headers["Content-Type"] == "application/json; charset=UTF-8"
            assert "<script>" not in r.text
            assert_cause(rotate(lifecycle, headers={"Authorization": "Bearer " + value}), "INVALID_AUTHTOKEN")
    broken = lifecycle.http.post(lifecycle.url + "/apiauthtoken/rotate", data="AUTHTOKEN=%zz", timeout=10,
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert broken.status_code == 400
    session = sign_in(lifecycle, email, pw)
    for expiry in ["<script>alert(1)</script>", "date", "-5", "99999"]:
        csrf = CSRF.search(session.get(lifecycle.url + "/tokens", timeout=10).text).group(1)
        r = session.post(lifecycle.url + "/tokens", timeout=10, data={
            "csrf": csrf, "scope": "ZohoRecruit/recruitapi", "name": "x", "expiry": expiry,
            "expiry_date": "<script>alert(1)</script>"})
        assert r.status_code == 400 and "Unusable expiry" in r.text and "<script>alert" not in r.text
    assert works(lifecycle, token)


def test_zz_the_background_task_sends_a_reminder_once(lifecycle):
    """Restarts the instance: its background task runs at start and mails the 7-day
    reminder for a token that expires in 3 days and was used; a second start sends none."""
    email, pw = lifecycle.person
    token = api_token(lifecycle, email, pw, DISPLAY_NAME="weekly sync", EXPIRES_IN_DAYS="20")
    unused = api_token(lifecycle, email, pw, DISPLAY_NAME="never used", EXPIRES_IN_DAYS="20")
    assert works(lifecycle, token)
    deadline = time.monotonic() + 10
    while row(lifecycle, token)["last_used_at"] is None and time.monotonic() < deadline:
        time.sleep(0.2)
    set_expiry(lifecycle, token, int(time.time()) + 3 * 86400)
    set_expiry(lifecycle, unused, int(time.time()) + 3 * 86400)
    assert lifecycle.stop() == 0
    lifecycle.restart()
    reminders = mail_lines(lifecycle, email, "“weekly sync” expires within 7 days")
    assert len(reminders) == 1, reminders
    with lifecycle.db() as con:
        assert con.execute("SELECT reminded_days FROM token WHERE digest = ?", (digest(token),)).fetchone()[0] == 7
        assert con.execute("SELECT reminded_days FROM token WHERE digest = ?", (digest(unused),)).fetchone()[0] is None
    assert lifecycle.stop() == 0
    lifecycle.restart()
    time.sleep(1)
    assert len(mail_lines(lifecycle, email, "“weekly sync” expires within 7 days", wait=0)) == 1
    assert mail_lines(lifecycle, email, "“never used” expires", wait=0) == []
