"""Turning two-factor on, attacked from a second session, through nginx (issue 20, items 5
and 6). A second session needs no password to POST /twofactor/setup; it must never get its
own secret enabled by racing the owner's confirmation, and once two-factor is on, no
session from before it may go on (to make an application password, for instance)."""
import re
import threading

from conftest import CSRF, SECRETS, assert_cause, assert_token, new_email, new_password, sign_in, totp

SECRET = re.compile(r'id="totp-secret" class="secret" data-secret="([A-Z2-7]+)"')
SETUP = re.compile(r'name="setup" value="([0-9a-f]{32})"')
ROUNDS = 20


def csrf(inst, session, path="/twofactor"):
    return CSRF.search(session.get(inst.url + path, timeout=10).text).group(1)


def start_setup(inst, session, token):
    return session.post(inst.url + "/twofactor/setup", data={"csrf": token}, timeout=30, allow_redirects=False)


def two_factor_row(inst, email):
    with inst.db() as con:
        return con.execute("SELECT two_factor.enabled, two_factor.sealed_secret FROM two_factor"
                           " JOIN account ON account.id = two_factor.account_id WHERE account.email = ?",
                           (email,)).fetchone()


def sessions_of(inst, email):
    with inst.db() as con:
        return con.execute("SELECT count(*) FROM web_session JOIN account ON account.id = web_session.account_id"
                           " WHERE account.email = ?", (email,)).fetchone()[0]


def test_a_set_up_racing_the_confirmation_never_gets_its_secret_enabled(server):
    """Each round: the owner starts the set-up and confirms it with password and code while,
    at the same moment, a second session POSTs /twofactor/setup. Whatever the order, the
    secret that is on is the owner's, and the owner's answer says what happened."""
    email, pw = new_email("race2fa"), new_password()
    server.add_user(email, pw)
    owner = sign_in(server, email, pw)
    owner_csrf = csrf(server, owner)

    # In sequence first: the set-up the owner's page shows is replaced before the owner confirms.
    intruder = sign_in(server, email, pw)
    page = start_setup(server, owner, owner_csrf).text
    secret, setup = SECRET.search(page).group(1), SETUP.search(page).group(1)
    theirs = start_setup(server, intruder, csrf(server, intruder))
    theirs_secret = SECRET.search(theirs.text).group(1)
    SECRETS.extend([secret, theirs_secret])
    mine = owner.post(server.url + "/twofactor/confirm", timeout=60, allow_redirects=False,
                      data={"csrf": owner_csrf, "setup": setup, "password": pw, "code": totp(secret)})
    assert mine.status_code == 409 and "nothing was turned on" in mine.text, (mine.status_code, mine.text)
    assert theirs_secret not in mine.text and secret not in mine.text
    assert two_factor_row(server, email)["enabled"] == 0

    refused = enabled = 0
    for _ in range(ROUNDS):
        intruder = sign_in(server, email, pw)  # ended by every successful round
        intruder_csrf = csrf(server, intruder)
        page = start_setup(server, owner, owner_csrf)
        assert page.status_code == 200, page.text
        secret, setup = SECRET.search(page.text).group(1), SETUP.search(page.text).group(1)
        SECRETS.append(secret)
        checked = bytes(two_factor_row(server, email)["sealed_secret"])
        answers = {}
        go = threading.Barrier(2)

        def confirm():
            go.wait()
            answers["owner"] = owner.post(server.url + "/twofactor/confirm", timeout=60, allow_redirects=False,
                                          data={"csrf": owner_csrf, "setup": setup, "password": pw,
                                                "code": totp(secret)})

        def restart():
            go.wait()
            answers["intruder"] = start_setup(server, intruder, intruder_csrf)

        threads = [threading.Thread(target=confirm), threading.Thread(target=restart)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(90)
        row = two_factor_row(server, email)
        mine, theirs = answers["owner"], answers["intruder"]
        if mine.status_code == 200:
            # On, with the owner's secret: the intruder's set-up came after and changed nothing
            # (sent back to /twofactor, or to sign in when its session had already ended).
            enabled += 1
            assert "recovery-codes" in mine.text
            assert row["enabled"] == 1 and bytes(row["sealed_secret"]) == checked
            assert theirs.status_code == 303 and theirs.headers["Location"] in ("/twofactor", "/signin"), theirs.headers
            assert intruder.get(server.url + "/tokens", timeout=10, allow_redirects=False).status_code in (302, 303)
            assert server.admin("user", "reset-2fa", email).returncode == 0
        else:
            # The intruder's set-up came first: nothing is on, and the owner is not shown its secret.
            refused += 1
            assert mine.status_code == 409, (mine.status_code, mine.text)
            assert "started again elsewhere" in mine.text and "nothing was turned on" in mine.text
            assert theirs.status_code == 200
            theirs_secret = SECRET.search(theirs.text).group(1)
            SECRETS.append(theirs_secret)
            assert theirs_secret not in mine.text and secret not in mine.text
            assert row["enabled"] == 0 and bytes(row["sealed_secret"]) != checked
            assert sessions_of(server, email) >= 2
    # The race was hit, and the runs where the owner won show the other outcome holds too.
    assert refused > 0, (refused, enabled)


def test_turning_two_factor_on_ends_the_other_sessions(server):
    """A session from before two-factor was turned on (someone else's, perhaps) cannot make
    an application password afterwards; the session that turned it on stays."""
    email, pw = new_email("older2fa"), new_password()
    server.add_user(email, pw)
    older = sign_in(server, email, pw)
    older_csrf = csrf(server, older, "/app-passwords")
    mine = sign_in(server, email, pw)
    token = csrf(server, mine)
    secret = SECRET.search(start_setup(server, mine, token).text).group(1)
    SECRETS.append(secret)
    done = mine.post(server.url + "/twofactor/confirm", timeout=60,
                     data={"csrf": token, "password": pw, "code": totp(secret)})
    assert done.status_code == 200 and "recovery-codes" in done.text, done.text
    assert sessions_of(server, email) == 1

    # The older session is signed out: its form is refused, nothing is made.
    r = older.post(server.url + "/app-passwords", timeout=60, allow_redirects=False,
                   data={"csrf": older_csrf, "name": "left behind", "password": pw})
    assert r.status_code in (302, 303) and r.headers["Location"].startswith("/signin"), (r.status_code, r.text)
    assert older.get(server.url + "/app-passwords", timeout=10, allow_redirects=False).status_code in (302, 303)
    with server.db() as con:
        assert con.execute("SELECT count(*) FROM app_password JOIN account ON account.id = app_password.account_id"
                           " WHERE account.email = ?", (email,)).fetchone()[0] == 0
    with server.db() as con:
        kinds = [row[0] for row in con.execute(
            "SELECT kind FROM activity JOIN account ON account.id = activity.account_id WHERE account.email = ?"
            " ORDER BY activity.id", (email,))]
    assert kinds[-1] == "two-factor-on", kinds

    # The session that turned it on stays, and can make one; it works in API mode.
    assert mine.get(server.url + "/tokens", timeout=10, allow_redirects=False).status_code == 200
    made = mine.post(server.url + "/app-passwords", timeout=60,
                     data={"csrf": csrf(server, mine, "/app-passwords"), "name": "kept", "password": pw})
    assert made.status_code == 200, made.text
    value = re.search(r'id="app-password-value" class="secret">([a-z0-9 ]{14})<', made.text).group(1)
    SECRETS.append(value)
    assert_token(server.create({"EMAIL_ID": email, "PASSWORD": value, "SCOPE": "ZohoCRM/crmapi"}, form="post-body"))
    assert_cause(server.create({"EMAIL_ID": email, "PASSWORD": pw, "SCOPE": "ZohoCRM/crmapi"}, form="post-body"),
                 "WEB_LOGIN_REQUIRED")
