"""Security keys as a second factor through nginx (issue 25), with a software key speaking
the protocol as a browser would pass it on: one success, and each way an answer can be
wrong — refused with a clear message, and nothing changed in the database (no key, no
session, the stored counter and last use as they were)."""
import re
import sqlite3

import pytest
import requests

from conftest import CSRF, SECRETS, new_email, new_password, sign_in
from webauthn_client import SoftwareKey, unb64url

CHALLENGE = re.compile(r'data-challenge="([A-Za-z0-9_-]+)"')
RP_ID = re.compile(r'data-rp-id="([^"]+)"')
REFUSED = "Your security key was not accepted. Try again, or enter a code."


def origin(inst):
    return inst.url  # AUTHTOKEN_PUBLIC_URL is the URL scripts/run serves, http://127.0.0.1:PORT


def rp_id(inst):
    return "127.0.0.1"


def keys_of(inst, email):
    with inst.db() as con:
        return [dict(r) for r in con.execute(
            "SELECT passkey.id, credential_id, sign_count, name, last_used_at FROM passkey"
            " JOIN account ON account.id = passkey.account_id WHERE account.email = ? ORDER BY passkey.id", (email,))]


def sessions_of(inst, email):
    with inst.db() as con:
        return con.execute("SELECT count(*) FROM web_session JOIN account ON account.id = web_session.account_id"
                           " WHERE account.email = ?", (email,)).fetchone()[0]


def activity_kinds(inst, email):
    with inst.db() as con:
        return [r[0] for r in con.execute("SELECT kind FROM activity JOIN account ON account.id = activity.account_id"
                                          " WHERE account.email = ? ORDER BY activity.id", (email,))]


def start_registration(inst, session, pw, name="YubiKey"):
    token = CSRF.search(session.get(inst.url + "/twofactor", timeout=10).text).group(1)
    page = session.post(inst.url + "/twofactor/key/start", timeout=60, allow_redirects=False,
                        data={"csrf": token, "name": name, "password": pw})
    assert page.status_code == 200, page.text
    assert RP_ID.search(page.text).group(1) == rp_id(inst)
    return token, CHALLENGE.search(page.text).group(1)


def finish_registration(inst, session, token, fields, name="YubiKey"):
    return session.post(inst.url + "/twofactor/key/finish", timeout=30, allow_redirects=False,
                        data={"csrf": token, "name": name, **fields})


def register(inst, session, pw, key, name="YubiKey"):
    token, challenge = start_registration(inst, session, pw, name)
    answer = finish_registration(inst, session, token, key.register(challenge, rp_id(inst), origin(inst)), name)
    assert answer.status_code in (200, 303), answer.text
    return answer


def password_step(inst, email, pw):
    """A new browser after the password: its session, the code page's form token and challenge."""
    s = requests.Session()
    page = s.get(inst.url + "/signin", timeout=10)
    r = s.post(inst.url + "/signin", timeout=60, allow_redirects=False,
               data={"csrf": CSRF.search(page.text).group(1), "email": email, "password": pw})
    assert r.status_code == 303 and r.headers["Location"] == "/signin/code", r.text
    code_page = s.get(inst.url + "/signin/code", timeout=10)
    assert 'data-passkey="sign-in"' in code_page.text
    return s, CSRF.search(code_page.text).group(1), CHALLENGE.search(code_page.text).group(1)


def post_key(inst, s, token, fields):
    return s.post(inst.url + "/signin/key", timeout=30, allow_redirects=False, data={"csrf": token, **fields})


def key_session(inst, email, pw, key):
    """A session signed in with password and key (the owner's other pages need one now)."""
    s, token, challenge = password_step(inst, email, pw)
    answer = post_key(inst, s, token, key.assert_(challenge, rp_id(inst), origin(inst)))
    assert answer.status_code == 303, answer.text
    SECRETS.append(s.cookies["authtoken_session"])
    return s


@pytest.fixture
def owner(server):
    """An account with one registered key (and its recovery codes), signed out."""
    email, pw = new_email("passkey"), new_password()
    server.add_user(email, pw)
    key = SoftwareKey()
    first = register(server, sign_in(server, email, pw), pw, key)
    assert first.status_code == 200 and "recovery-codes" in first.text
    return email, pw, key


def assert_refused_sign_in(inst, email, s, answer, before):
    assert answer.status_code == 200, answer.text
    assert REFUSED in answer.text
    assert "authtoken_session" not in s.cookies
    assert keys_of(inst, email) == before["keys"]
    assert sessions_of(inst, email) == before["sessions"]


def state(inst, email):
    return {"keys": keys_of(inst, email), "sessions": sessions_of(inst, email)}


def test_the_key_signs_in_and_its_counter_and_last_use_are_stored(server, owner):
    email, pw, key = owner
    before = sessions_of(server, email)
    s, token, challenge = password_step(server, email, pw)
    answer = post_key(server, s, token, key.assert_(challenge, rp_id(server), origin(server)))
    assert answer.status_code == 303 and answer.headers["Location"] == "/tokens", answer.text
    SECRETS.append(s.cookies["authtoken_session"])
    assert s.get(server.url + "/tokens", timeout=10, allow_redirects=False).status_code == 200
    [stored] = keys_of(server, email)
    assert stored["sign_count"] == 1 and stored["last_used_at"] is not None
    assert bytes(stored["credential_id"]) == key.credential_id
    assert sessions_of(server, email) == before + 1
    with server.db() as con:
        # The registration's session took no second factor; the key's did.
        assert con.execute("SELECT count(*) FROM web_session JOIN account ON account.id = web_session.account_id"
                           " WHERE account.email = ? AND second_factor = 1", (email,)).fetchone()[0] == 1


def test_a_bad_signature_is_refused(server, owner):
    email, pw, key = owner
    before = state(server, email)
    s, token, challenge = password_step(server, email, pw)
    fields = key.assert_(challenge, rp_id(server), origin(server))
    other = SoftwareKey()  # the right credential id, signed by another key
    other.credential_id = key.credential_id
    fields["signature"] = other.assert_(challenge, rp_id(server), origin(server))["signature"]
    assert_refused_sign_in(server, email, s, post_key(server, s, token, fields), before)


def test_the_wrong_origin_is_refused(server, owner):
    email, pw, key = owner
    before = state(server, email)
    s, token, challenge = password_step(server, email, pw)
    answer = post_key(server, s, token, key.assert_(challenge, rp_id(server), "http://evil.example"))
    assert_refused_sign_in(server, email, s, answer, before)
    # And at registration, with the reason.
    session = key_session(server, email, pw, key)
    before = state(server, email)
    token, challenge = start_registration(server, session, pw, "Second")
    refused = finish_registration(server, session, token, SoftwareKey().register(challenge, rp_id(server), "http://evil.example"), "Second")
    assert refused.status_code == 400
    assert "The security key was not added: the answer was made for another site." in refused.text
    assert keys_of(server, email) == before["keys"]


def test_the_wrong_rp_id_is_refused(server, owner):
    email, pw, key = owner
    before = state(server, email)
    s, token, challenge = password_step(server, email, pw)
    answer = post_key(server, s, token, key.assert_(challenge, "evil.example", origin(server)))
    assert_refused_sign_in(server, email, s, answer, before)
    session = key_session(server, email, pw, key)
    before = state(server, email)
    token, challenge = start_registration(server, session, pw, "Second")
    refused = finish_registration(server, session, token, SoftwareKey().register(challenge, "evil.example", origin(server)), "Second")
    assert refused.status_code == 400
    assert "The security key was not added: the key answered for another site." in refused.text
    assert keys_of(server, email) == before["keys"]


def test_a_replayed_challenge_is_refused(server, owner):
    email, pw, key = owner
    s, token, challenge = password_step(server, email, pw)
    fields = key.assert_(challenge, rp_id(server), origin(server))
    assert post_key(server, s, token, fields).status_code == 303
    SECRETS.append(s.cookies["authtoken_session"])
    before = state(server, email)
    # The same answer again, after a fresh password step: its challenge was used up.
    s2, token2, _ = password_step(server, email, pw)
    assert_refused_sign_in(server, email, s2, post_key(server, s2, token2, fields), before)
    # A registration answer sent twice: the second is refused, one key stored.
    session = key_session(server, email, pw, key)
    token, challenge = start_registration(server, session, pw, "Second")
    made = SoftwareKey().register(challenge, rp_id(server), origin(server))
    assert finish_registration(server, session, token, made, "Second").status_code == 303
    again = finish_registration(server, session, token, made, "Second")
    assert again.status_code == 400
    assert "The security key was not added: the answer is for another (or an expired) request." in again.text
    assert len(keys_of(server, email)) == 2


def test_an_expired_challenge_is_refused(server, owner):
    """The challenge lives five minutes (PasskeyService.challengeLifetime): the test ages it in
    the database rather than wait."""
    email, pw, key = owner
    before = state(server, email)
    s, token, challenge = password_step(server, email, pw)
    con = sqlite3.connect(server.data_dir / "authtoken.sqlite", timeout=30)
    with con:
        aged = con.execute("UPDATE passkey_challenge SET expires_at = expires_at - 301 WHERE account_id ="
                           " (SELECT id FROM account WHERE email = ?) AND purpose = 'sign-in'", (email,)).rowcount
    con.close()
    assert aged == 1
    answer = post_key(server, s, token, key.assert_(challenge, rp_id(server), origin(server)))
    assert_refused_sign_in(server, email, s, answer, before)


def test_another_accounts_credential_is_refused(server, owner):
    email, pw, key = owner
    other_email, other_pw = new_email("passkey-other"), new_password()
    server.add_user(other_email, other_pw)
    theirs = SoftwareKey()
    register(server, sign_in(server, other_email, other_pw), other_pw, theirs)
    before, their_keys = state(server, email), keys_of(server, other_email)
    s, token, challenge = password_step(server, email, pw)
    answer = post_key(server, s, token, theirs.assert_(challenge, rp_id(server), origin(server)))
    assert_refused_sign_in(server, email, s, answer, before)
    assert keys_of(server, other_email) == their_keys


def test_a_counter_regression_is_refused_logged_and_mailed(server, owner):
    email, pw, key = owner
    s, token, challenge = password_step(server, email, pw)
    assert post_key(server, s, token, key.assert_(challenge, rp_id(server), origin(server), count=5)).status_code == 303
    SECRETS.append(s.cookies["authtoken_session"])
    before = state(server, email)
    assert before["keys"][0]["sign_count"] == 5
    s, token, challenge = password_step(server, email, pw)
    answer = post_key(server, s, token, key.assert_(challenge, rp_id(server), origin(server), count=3))
    assert_refused_sign_in(server, email, s, answer, before)
    assert "passkey-counter-regression" in activity_kinds(server, email)
    from test_lifecycle import mail_lines
    assert mail_lines(server, email, "may have been copied"), "no mail to the owner"


def test_malformed_cbor_is_refused(server, owner):
    email, pw, key = owner
    session = key_session(server, email, pw, key)
    before = keys_of(server, email)
    token, challenge = start_registration(server, session, pw, "Second")
    fields = SoftwareKey().register(challenge, rp_id(server), origin(server))
    fields["attestationObject"] = "o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YVk"  # a map cut short
    refused = finish_registration(server, session, token, fields, "Second")
    assert refused.status_code == 400
    assert re.search(r"The security key was not added: the security key(&#39;|&#x27;|')s answer is malformed", refused.text)
    assert keys_of(server, email) == before
    # And a sign-in answer that is not base64url at all: the code page says so.
    s, token, _ = password_step(server, email, pw)
    bad = post_key(server, s, token, {"credentialID": "!!", "clientDataJSON": "e30", "authenticatorData": "AA",
                                      "signature": "AA", "userHandle": ""})
    assert bad.status_code == 400
    assert "malformed" in bad.text and "authtoken_session" not in s.cookies


def test_an_unsupported_algorithm_is_refused(server, owner):
    email, pw, key = owner
    session = key_session(server, email, pw, key)
    before = keys_of(server, email)
    token, challenge = start_registration(server, session, pw, "RSA key")
    refused = finish_registration(server, session, token, SoftwareKey(alg=-257).register(challenge, rp_id(server), origin(server)), "RSA key")
    assert refused.status_code == 400
    assert "an algorithm this server does not accept (ES256 and Ed25519 are)" in refused.text
    assert keys_of(server, email) == before
    assert unb64url(challenge)  # the challenge was a real one
