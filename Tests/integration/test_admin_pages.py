"""The administrators' pages over real HTTP behind nginx, and in headless Chromium: the
route table's 405 answers, who gets in, revocation taking effect on the very next check,
bulk revocation of long-unused tokens and application passwords, the CSV against the
database, both activity trails."""
import csv
import io
import re
import time

import pytest
import requests

from conftest import (add_app_passwords, assert_cause, assert_token, Browser, CSRF, digest,
                      GENEROUS_THROTTLE, new_email, new_password, running_instance, SECRETS, sign_in, totp)

OTHER_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]
RECOVERY = re.compile(r"<li><code>([^<]+)</code></li>")


def routes(inst):
    r = inst.admin("routes")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().split("\n")
    assert lines[0] == "PATH\tMETHODS\tACCESS\tKIND"
    return [dict(zip(("path", "methods", "access", "kind"), line.split("\t"))) for line in lines[1:]]


def make_admin(inst, email, pw):
    """An account made administrator with the CLI, two-factor turned on through the pages.
    Returns a session signed in with password and a recovery code, and the unused codes."""
    inst.add_user(email, pw)
    r = inst.admin("user", "grant-admin", email)
    assert r.returncode == 0 and r.stdout == f"{email}: made an administrator\n", r
    s = sign_in(inst, email, pw)
    csrf = CSRF.search(s.get(inst.url + "/twofactor", timeout=10).text).group(1)
    setup = s.post(inst.url + "/twofactor/setup", data={"csrf": csrf}, timeout=10)
    secret = re.search(r'data-secret="([A-Z2-7]+)"', setup.text).group(1)
    SECRETS.append(secret)
    done = s.post(inst.url + "/twofactor/confirm", data={"csrf": csrf, "password": pw, "code": totp(secret)}, timeout=60)
    codes = RECOVERY.findall(done.text)
    assert len(codes) == 10, done.text
    SECRETS.extend(codes)
    return sign_in_with_code(inst, email, pw, codes.pop()), codes


def sign_in_with_code(inst, email, pw, code):
    s = requests.Session()
    page = s.get(inst.url + "/signin", timeout=10)
    r = s.post(inst.url + "/signin", data={"csrf": CSRF.search(page.text).group(1), "email": email, "password": pw},
               timeout=60, allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == "/signin/code", r.text
    page = s.get(inst.url + "/signin/code", timeout=10)
    r = s.post(inst.url + "/signin/code", data={"csrf": CSRF.search(page.text).group(1), "code": code},
               timeout=60, allow_redirects=False)
    assert r.status_code == 303, r.text
    SECRETS.append(s.cookies["authtoken_session"])
    return s


def api_token(inst, email, pw, scope="ZohoRecruit/recruitapi", name="script"):
    return assert_token(inst.create({"EMAIL_ID": email, "PASSWORD": pw, "SCOPE": scope, "DISPLAY_NAME": name},
                                    form="post-body"))


def guarded_call(inst, token):
    return inst.http.get(f"{inst.url}/recruit/private/xml/JobOpenings/getRecords",
                         params={"authtoken": token, "scope": "recruitapi"}, timeout=10)


def is_4834(response):
    return response.status_code == 200 and "<code>4834</code>" in response.text


@pytest.fixture(scope="module")
def admin(server):
    email, pw = new_email("admin"), new_password()
    session, codes = make_admin(server, email, pw)
    return session, email, pw, codes


def test_every_route_answers_other_methods_with_405_and_its_allow_through_nginx(server, admin):
    session = admin[0]
    table = routes(server)
    assert {"path": "/admin/tokens/revoke-all", "methods": "GET,POST", "access": "admin", "kind": "page"} in table
    assert {"path": "/_authtoken/check", "methods": "*", "access": "internal", "kind": "api"} in table
    checked = 0
    for route in table:
        if route["methods"] == "*":
            continue
        methods = route["methods"].split(",")
        client = session if route["access"] == "admin" else requests.Session()
        for method in OTHER_METHODS:
            if method in methods:
                continue
            r = client.request(method, server.url + route["path"], timeout=10, allow_redirects=False)
            assert r.status_code == 405, (method, route, r.text)
            assert r.headers["Allow"] == ", ".join(methods), (method, route)
            assert r.headers["Cache-Control"] == "no-store"
            checked += 1
    assert checked > 100


def test_non_admins_get_404_and_an_admin_without_two_factor_is_told_to_turn_it_on(server):
    email, pw = new_email("plain"), new_password()
    server.add_user(email, pw)
    admin_paths = [r["path"] for r in routes(server) if r["access"] == "admin"]
    assert len(admin_paths) == 15
    for client in (requests.Session(), sign_in(server, email, pw)):
        for path in admin_paths:
            for method in ("GET", "POST", "PUT"):
                r = client.request(method, server.url + path, timeout=10, allow_redirects=False)
                assert (r.status_code, r.text) == (404, "Not found.\n"), (method, path)
    # Granted, but two-factor is off: the page says to turn it on.
    r = server.admin("user", "grant-admin", email)
    assert r.returncode == 0, r.stderr
    s = sign_in(server, email, pw)
    for path in admin_paths:
        r = s.get(server.url + path, timeout=10, allow_redirects=False)
        assert r.status_code == 403 and "Turn on two-factor sign-in first" in r.text, path
        assert r.headers["Cache-Control"] == "no-store"
        assert r.headers["X-Frame-Options"] == "DENY"
    r = server.admin("user", "revoke-admin", email)
    assert r.returncode == 0 and r.stdout == f"{email}: no longer an administrator\n"
    assert s.get(server.url + "/admin/accounts", timeout=10).status_code == 404
    # Both CLI acts are in the account's activity, where its owner sees them.
    r = server.admin("user", "activity", email, "--limit", "5")
    assert r.returncode == 0, r.stderr
    rows = [line.split("\t") for line in r.stdout.splitlines()[1:]]
    assert [row[3] for row in rows if row[1] == "admin"] == [
        "by an administrator: no longer an administrator", "by an administrator: made an administrator"], r.stdout


def test_admin_posts_without_the_form_token_are_403_and_change_nothing(server, admin):
    session = admin[0]
    email, pw = new_email("victim"), new_password()
    server.add_user(email, pw)
    token = api_token(server, email, pw)
    add_app_passwords(server, email, pw, 1)
    with server.db() as con:
        account_id = con.execute("SELECT id FROM account WHERE email = ?", (email,)).fetchone()[0]
        token_id = con.execute("SELECT id FROM token WHERE account_id = ?", (account_id,)).fetchone()[0]
        password_id = con.execute("SELECT id FROM app_password WHERE account_id = ?", (account_id,)).fetchone()[0]
    posts = {"/admin/account/action": {"id": account_id, "action": "deactivate", "confirmed": "1"},
             "/admin/tokens/revoke": {"id": token_id},
             "/admin/tokens/revoke-all": {"owner": email, "expected": "1"},
             "/admin/app-passwords/revoke": {"id": password_id, "account": account_id},
             "/admin/app-passwords/revoke-all": {"owner": email, "expected": "1"}}
    assert set(posts) == {r["path"] for r in routes(server) if r["access"] == "admin" and "POST" in r["methods"]}
    for path, fields in posts.items():
        for csrf in (None, "", "0" * 64):
            data = dict(fields, **({} if csrf is None else {"csrf": csrf}))
            r = session.post(server.url + path, data=data, timeout=10, allow_redirects=False)
            assert r.status_code == 403 and "Form expired" in r.text, path
    assert not is_4834(guarded_call(server, token))
    with server.db() as con:
        assert con.execute("SELECT active FROM account WHERE id = ?", (account_id,)).fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM token WHERE id = ?", (token_id,)).fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM app_password WHERE id = ?", (password_id,)).fetchone()[0] == 1


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    """An instance of its own: the bulk revocation acts on every account's tokens."""
    with running_instance(tmp_path_factory, "admin-pages", GENEROUS_THROTTLE) as inst:
        yield inst


def test_an_admin_deactivates_revokes_bulk_revokes_and_downloads_the_csv_in_chromium(chrome, own_server):
    inst = own_server
    chrome.delete_all_cookies()
    browser = Browser(chrome, inst)
    admin_email, admin_pw = new_email("chief"), new_password()
    _, codes = make_admin(inst, admin_email, admin_pw)
    people = {}
    for name in ("dora", "eve", "finn"):
        email, pw = new_email(name), new_password()
        inst.add_user(email, pw)
        people[name] = (email, pw, [api_token(inst, email, pw, name=f"{name} {i}") for i in range(3)])
    for tokens in (people["dora"][2], people["eve"][2]):
        assert not is_4834(guarded_call(inst, tokens[0]))

    # Sign in with password and a recovery code.
    browser.open("/signin")
    browser.sign_in(admin_email, admin_pw)
    assert browser.path() == "/signin/code"
    browser.fill(code=codes.pop())
    browser.submit("Verify")
    browser.open("/admin/accounts")
    assert browser.h1() == "Accounts"
    # The same headers as every page, on an admin page that answers.
    cookies = {c["name"]: c["value"] for c in chrome.get_cookies()}
    r = requests.get(inst.url + "/admin/accounts", cookies=cookies, timeout=10)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert r.headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]

    # Find Dora, deactivate her: her token gets the 4834 answer on the very next call.
    browser.fill(q=people["dora"][0][:8])
    browser.submit("Search")
    rows = browser.find_all("tr.account-row a")
    assert [a.text for a in rows] == [people["dora"][0]]
    browser.shot("admin-accounts")
    rows[0].click()
    assert browser.h1() == people["dora"][0]
    browser.shot("admin-account")
    browser.find("a.button.danger[href*='action=deactivate']").click()
    assert "The person can no longer sign in" in browser.find(".consequence").text
    browser.shot("admin-confirm-deactivate")
    browser.submit("Deactivate")
    assert browser.find(".notice").text == "Done: deactivated the account."
    assert browser.find(".active").text == "deactivated"
    assert is_4834(guarded_call(inst, people["dora"][2][0]))

    # Revoke one of Eve's tokens from the inventory: it fails at once, the others work.
    browser.open("/admin/tokens?owner=" + requests.utils.quote(people["eve"][0]) + "&sort=oldest")
    assert [c.text for c in browser.find_all("tr.inventory-row .name")] == ["eve 0", "eve 1", "eve 2"]
    page_text = browser.d.page_source
    for token in people["eve"][2]:
        assert token not in page_text
    browser.shot("admin-inventory")
    browser.find("tr.inventory-row a.revoke").click()
    browser.submit("Revoke permanently")
    assert browser.find(".notice").text == "1 token was revoked."
    assert is_4834(guarded_call(inst, people["eve"][2][0]))
    # (Not Eve's others: a use would make them recently used before the bulk step below.)
    assert not is_4834(guarded_call(inst, people["finn"][2][2]))

    # Finn's first two tokens were last used 100 days ago, the third a day ago; Eve's
    # never, but made 95 days ago. Exactly those four go.
    now = int(time.time())
    with inst.db() as ro:
        ids = {row["display_name"]: row["id"] for row in ro.execute("SELECT id, display_name FROM token")}
    import sqlite3
    con = sqlite3.connect(str(inst.data_dir / "authtoken.sqlite"), timeout=10)
    with con:
        con.execute("UPDATE token SET last_used_at = ?, last_used_from = '192.0.2.5' WHERE id IN (?, ?)",
                    (now - 100 * 86400, ids["finn 0"], ids["finn 1"]))
        con.execute("UPDATE token SET last_used_at = ? WHERE id = ?", (now - 86400, ids["finn 2"]))
        con.execute("UPDATE token SET created_at = ? WHERE id IN (?, ?)", (now - 95 * 86400, ids["eve 1"], ids["eve 2"]))
        # For the CSV's expiry column: one of Dora's expired yesterday, one expires in 30 days.
        con.execute("UPDATE token SET expires_at = ? WHERE id = ?", (now - 86400, ids["dora 0"]))
        con.execute("UPDATE token SET expires_at = ? WHERE id = ?", (now + 30 * 86400, ids["dora 1"]))
    con.close()
    browser.open("/admin/tokens?unused=90")
    assert sorted(c.text for c in browser.find_all("tr.inventory-row .name")) == ["eve 1", "eve 2", "finn 0", "finn 1"]
    browser.find("a.button.danger[href^='/admin/tokens/revoke-all']").click()
    assert browser.h1() == "Revoke 4 tokens?"
    browser.shot("admin-bulk-confirm")
    browser.submit("Revoke 4 tokens")
    assert browser.find(".notice").text == "4 tokens were revoked."
    with inst.db() as ro:
        left = sorted(r[0] for r in ro.execute("SELECT display_name FROM token"))
    assert left == ["dora 0", "dora 1", "dora 2", "finn 2"]
    for token in people["eve"][2][1:] + people["finn"][2][:2]:
        assert is_4834(guarded_call(inst, token))
    assert not is_4834(guarded_call(inst, people["finn"][2][2]))

    # The CSV, with the browser's session: its rows are the store's.
    cookies = {c["name"]: c["value"] for c in chrome.get_cookies()}
    r = requests.get(inst.url + "/admin/tokens/csv?sort=oldest", cookies=cookies, timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/csv; charset=UTF-8"
    assert r.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["id", "owner", "name", "scopes", "hint", "created", "last_used", "last_used_from",
                       "app_password_id", "app_password", "expires"]
    with inst.db() as ro:
        stored = ro.execute("SELECT token.id, account.email, token.display_name, token.scopes, token.hint,"
                            " token.created_at, token.last_used_at, token.last_used_from, token.app_password_id,"
                            " app_password.name, token.expires_at FROM token"
                            " JOIN account ON account.id = token.account_id"
                            " LEFT JOIN app_password ON app_password.id = token.app_password_id"
                            " ORDER BY token.created_at, token.id").fetchall()
    checked = int(time.time())

    def iso(seconds):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds)) if seconds is not None else ""

    def expiry(seconds):
        return "never" if seconds is None else ("expired on " if seconds <= checked else "") + iso(seconds)
    assert len(stored) == 4 and [len(r) for r in rows[1:]] == [11] * 4
    assert rows[1:] == [[str(s[0]), s[1], s[2], s[3].replace(",", " "), s[4], iso(s[5]), iso(s[6]), s[7] or "",
                         "" if s[8] is None else str(s[8]), s[9] or "", expiry(s[10])] for s in stored]
    assert sorted(r[10] for r in rows[1:])[0].startswith("20")  # Dora's 30 days: a date
    assert sum(r[10].startswith("expired on ") for r in rows[1:]) == 1 and sum(r[10] == "never" for r in rows[1:]) == 2

    # Both trails: Dora's activity names the administrator, the audit trail each act.
    browser.open("/admin/activity?kind=admin-audit")
    details = [c.text for c in browser.find_all("tr.activity-entry .detail")]
    assert details[0] == "revoked 4 tokens at once (not used for 90 days)"
    assert details[1].startswith("revoked token #") and details[1].endswith(f": {people['eve'][0]} (account "
                                                                            + details[1].split("(account ")[1])
    assert details[2].startswith(f"deactivated the account: {people['dora'][0]}")
    browser.shot("admin-audit-trail")
    with inst.db() as ro:
        theirs = ro.execute("SELECT activity.kind, activity.detail, activity.address FROM activity JOIN account"
                            " ON account.id = activity.account_id WHERE account.email = ? ORDER BY activity.id DESC",
                            (people["dora"][0],)).fetchone()
    assert tuple(theirs) == ("admin", f"by an administrator ({admin_email}): deactivated the account", "127.0.0.1")
    assert browser.console_errors() == []


def app_password_ids(inst):
    with inst.db() as ro:
        return {(r["email"], r["name"]): r["id"] for r in ro.execute(
            "SELECT app_password.id, account.email, app_password.name FROM app_password"
            " JOIN account ON account.id = app_password.account_id")}


def newest_activity(inst, email, kind):
    with inst.db() as ro:
        return [tuple(r) for r in ro.execute(
            "SELECT activity.detail, activity.address FROM activity JOIN account ON account.id = activity.account_id"
            " WHERE account.email = ? AND activity.kind = ? ORDER BY activity.id DESC", (email, kind))]


def test_bulk_revocation_of_application_passwords_through_nginx(own_server):
    """On the module's own instance (after the Chromium test): "got no token for 90 days"
    spans every account's application passwords, so only this test's may exist there."""
    inst = own_server
    keeper, keeper_pw = new_email("keeper"), new_password()
    session, _ = make_admin(inst, keeper, keeper_pw)
    people = {}
    for name in ("gina", "hal", "ivy"):
        email, pw = new_email(name), new_password()
        inst.add_user(email, pw)
        people[name] = (email, add_app_passwords(inst, email, pw, 2)[1])
    gina, hal, ivy = (people[n][0] for n in ("gina", "hal", "ivy"))
    # A token Gina's first application password gets; then Gina's two last got one 100 days
    # ago, Hal's first was made 100 days ago and never used. Hal's second and Ivy's are new.
    gina_token = api_token(inst, gina, people["gina"][1][0])
    ids = app_password_ids(inst)
    assert len(ids) == 6
    old = [ids[(gina, "device 0")], ids[(gina, "device 1")], ids[(hal, "device 0")]]
    now = int(time.time())
    import sqlite3
    con = sqlite3.connect(str(inst.data_dir / "authtoken.sqlite"), timeout=10)
    with con:
        con.execute("UPDATE app_password SET created_at = ?, last_used_at = ? WHERE id IN (?, ?)",
                    (now - 120 * 86400, now - 100 * 86400, *old[:2]))
        con.execute("UPDATE app_password SET created_at = ? WHERE id = ?", (now - 100 * 86400, old[2]))
    con.close()

    listed = session.get(inst.url + "/admin/app-passwords?unused=90", timeout=10)
    assert listed.status_code == 200 and listed.text.count('class="app-password-row"') == 3
    assert 'href="/admin/app-passwords/revoke-all?unused=90"' in listed.text
    ask = session.get(inst.url + "/admin/app-passwords/revoke-all?unused=90", timeout=10)
    assert ask.status_code == 200 and ask.headers["Cache-Control"] == "no-store"
    assert "<h1>Revoke 3 application passwords?</h1>" in ask.text
    assert '<input type="hidden" name="expected" value="3">' in ask.text
    csrf = CSRF.search(ask.text).group(1)
    url = inst.url + "/admin/app-passwords/revoke-all"

    # Without the form token: 403, nothing changed, nothing written.
    for token in (None, "", "0" * 64):
        data = {"unused": "90", "expected": "3", **({} if token is None else {"csrf": token})}
        r = session.post(url, data=data, timeout=10, allow_redirects=False)
        assert r.status_code == 403 and "Form expired" in r.text
    # A number that no longer holds: 409, the confirmation with the real one, nothing changed.
    r = session.post(url, data={"csrf": csrf, "unused": "90", "expected": "4"}, timeout=10, allow_redirects=False)
    assert r.status_code == 409 and "<h1>Revoke 3 application passwords?</h1>" in r.text
    assert app_password_ids(inst) == ids
    assert newest_activity(inst, keeper, "admin-audit") == []

    r = session.post(url, data={"csrf": csrf, "unused": "90", "expected": "3"}, timeout=10, allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == "/admin/app-passwords?revoked=3"
    assert "3 application passwords were revoked." in session.get(inst.url + r.headers["Location"], timeout=10).text
    left = app_password_ids(inst)
    assert left == {key: value for key, value in ids.items() if value not in old}
    # Revoked ones are refused in API mode at once; the others work; the token Gina's got stays.
    assert_cause(inst.create({"EMAIL_ID": gina, "PASSWORD": people["gina"][1][0], "SCOPE": "ZohoRecruit/recruitapi"},
                             form="post-body"), "INVALID_PASSWORD")
    api_token(inst, hal, people["hal"][1][1])
    assert not is_4834(guarded_call(inst, gina_token))
    with inst.db() as ro:
        assert [tuple(r) for r in ro.execute("SELECT app_password_id FROM token WHERE digest = ?",
                                             (digest(gina_token),))] == [(old[0],)]

    # Both trails: one entry for each owner, one in the administrator's audit trail.
    assert newest_activity(inst, gina, "app-password-revoked") == [(
        f"by an administrator ({keeper}): 2 revoked at once: #{old[0]} “device 0”, #{old[1]} “device 1”", "127.0.0.1")]
    assert newest_activity(inst, hal, "app-password-revoked") == [(
        f"by an administrator ({keeper}): 1 revoked at once: #{old[2]} “device 0”", "127.0.0.1")]
    assert newest_activity(inst, ivy, "app-password-revoked") == []
    assert newest_activity(inst, keeper, "admin-audit") == [
        ("revoked 3 application passwords at once (got no token for 90 days)", "127.0.0.1")]
