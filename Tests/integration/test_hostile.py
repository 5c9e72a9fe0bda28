"""Hostile input through the real nginx: every request gets a clear answer (a 4xx, an HTML
page, a redirect to a local path or a four-line CAUSE body), never a 5xx, a hang or a
dropped connection; nothing of the victim account changes; no injected header appears."""
import re
import secrets
import socket
import types
import urllib.parse

import pytest
import requests

from conftest import CSRF, SECRETS, SCOPE, assert_token, new_email, new_password, sign_in, split_body
from hostile_data import (BAD_QUERIES, HEADER_SAFE, INJECT, MARK, NEXT, SCRIPT,
                          SESSION_GARBAGE)

BLOCKED = "API_REQUEST_BLOCKED"  # throttling (another branch) is a clear answer too
RECRUIT = "ZohoRecruit/recruitapi"
GUARDED = "/recruit/private/json/JobOpenings/getRecords"


# ---- checking an answer --------------------------------------------------------------

def check_clear(status, headers, body, protocol_errors=()):
    """The shared rule. headers: (name, value) pairs; body: bytes. protocol_errors: 5xx
    codes HTTP itself prescribes for a request nginx cannot speak (505, 501)."""
    assert status is not None and (100 <= status < 500 or status in protocol_errors), (status, body[:300])
    for name, value in headers:
        assert name.lower() != "x-injected", headers
        if name.lower() == "set-cookie":
            assert "injected" not in value.lower(), headers
    kind = dict((n.lower(), v) for n, v in headers).get("content-type", "")
    if 300 <= status < 400:
        location = dict((n.lower(), v) for n, v in headers)["location"]
        # Our redirects are local paths; nginx's own (directory slashes) name this host.
        local = location.startswith("/") and not location.startswith("//")
        assert local or re.match(r"https?://(localhost|127\.0\.0\.1|x)(:\d+)?/", location), location
        assert "\\" not in location and location.isprintable(), location
    if status == 200 and kind.startswith("text/html"):
        assert SCRIPT.encode() not in body, "unescaped script in a page"
    if status == 200 and kind.startswith("text/plain"):
        parts = body.decode().split("\n")
        assert len(parts) == 5 and parts[0] == "#" and parts[3] in ("RESULT=FALSE", "RESULT=TRUE"), body


def clear(r):
    """check_clear for a requests answer; returns it."""
    check_clear(r.status_code, list(r.raw.headers.items()), r.content)
    return r


def cause_of(r):
    key, result = split_body(clear(r))
    assert result == "RESULT=FALSE", r.text
    return key.split("=", 1)[1]


def dechunk(body):
    out = b""
    while body:
        size, _, rest = body.partition(b"\r\n")
        n = int(size.split(b";")[0], 16)
        if n == 0:
            break
        out, body = out + rest[:n], rest[n + 2:]
    return out


def raw(server, data, timeout=10):
    """Sends bytes as they are; returns (status, headers, body) of the first answer."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        while True:
            chunk = s.recv(65536)  # a hang raises socket.timeout: the test fails
            if not chunk:
                break
            chunks.append(chunk)
    answer = b"".join(chunks)
    assert answer, "connection closed without an answer"
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = [tuple(x.strip() for x in line.split(":", 1)) for line in lines[1:]]
    if ("Transfer-Encoding", "chunked") in headers:
        body = dechunk(body)
    return int(lines[0].split()[1]), headers, body


def raw_clear(server, data, timeout=10, protocol_errors=()):
    status, headers, body = raw(server, data, timeout)
    check_clear(status, headers, body, protocol_errors)
    return status


def get_request(path, extra=b""):
    return b"GET " + path + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + extra + b"\r\n"


# ---- the accounts --------------------------------------------------------------------

def page_csrf(s, server):
    return CSRF.search(s.get(server.url + "/tokens", timeout=10).text).group(1)


def pre_csrf(server):
    """A fresh browser with only a pre-session cookie, and its form token."""
    s = requests.Session()
    return s, CSRF.search(s.get(server.url + "/signin", timeout=10).text).group(1)


def victim_rows(server, account_id):
    """What the suite must never change: the victim's account and token rows (last use
    aside, which the check may write)."""
    with server.db() as con:
        account = con.execute("SELECT id, email, email_key, display_name, password_hash, confirmed,"
                              " active, created_at FROM account WHERE id = ?", (account_id,)).fetchall()
        tokens = con.execute("SELECT id, account_id, digest, hint, scopes, display_name, created_at"
                             " FROM token WHERE account_id = ? ORDER BY id", (account_id,)).fetchall()
        return [tuple(r) for r in account], [tuple(r) for r in tokens]


@pytest.fixture(scope="module")
def env(server):
    e = types.SimpleNamespace()
    e.victim, e.victim_pw = new_email("victim"), new_password()
    server.add_user(e.victim, e.victim_pw)
    e.victim_tokens = [assert_token(server.create({"SCOPE": RECRUIT, "EMAIL_ID": e.victim,
                                                   "PASSWORD": e.victim_pw})) for _ in range(2)]
    e.victim_ids = [r["id"] for r in server.tokens_of(e.victim)]
    e.victim_account = server.tokens_of(e.victim)[0]["account_id"]
    e.before = victim_rows(server, e.victim_account)
    # The attacker: a signed-in account of its own, with one token to point CSRF at.
    e.attacker, e.attacker_pw = new_email("attacker"), new_password()
    server.add_user(e.attacker, e.attacker_pw)
    e.attacker_token = assert_token(server.create({"SCOPE": RECRUIT, "EMAIL_ID": e.attacker,
                                                   "PASSWORD": e.attacker_pw}))
    e.attacker_id = server.tokens_of(e.attacker)[0]["id"]
    e.session = sign_in(server, e.attacker, e.attacker_pw)
    e.csrf = page_csrf(e.session, server)
    return e


def post_form(server, s, path, data):
    return clear(s.post(server.url + path, data=data, timeout=30, allow_redirects=False))


# ---- API mode: every field, GET and form post ----------------------------------------

API_FIELDS = {
    # field: (other values, causes that are a right answer)
    "EMAIL_ID": (lambda e: {"SCOPE": SCOPE, "PASSWORD": "pw-" + MARK},
                 {"NO_SUCH_USER", "INVALID_CREDENTIALS"}),
    "PASSWORD": (lambda e: {"SCOPE": SCOPE, "EMAIL_ID": e.victim}, {"INVALID_PASSWORD"}),
    "SCOPE": (lambda e: {"EMAIL_ID": e.victim, "PASSWORD": "pw-" + MARK}, {"INVALID_SCOPE"}),
    "DISPLAY_NAME": (lambda e: {"SCOPE": SCOPE, "EMAIL_ID": new_email("nobody"), "PASSWORD": "pw-" + MARK},
                     {"INVALID_DISPLAY_NAME", "NO_SUCH_USER"}),
}


def hostile_password(value):
    """Hostile passwords carry the run's mark, and count as secrets for the log test."""
    pw = "pw" + MARK + value
    SECRETS.append(pw)
    return pw


@pytest.mark.parametrize("form", ["get", "post-body"])
@pytest.mark.parametrize("field", list(API_FIELDS))
@pytest.mark.parametrize("value", [v for _, v in INJECT], ids=[i for i, _ in INJECT])
def test_api_create_field(server, env, field, value, form):
    others, causes = API_FIELDS[field]
    params = dict(others(env), **{field: hostile_password(value) if field == "PASSWORD" else value})
    assert cause_of(server.create(params, form=form)) in causes | {BLOCKED}


def test_api_hostile_display_name_is_stored_verbatim_and_shown_escaped(server, env):
    name = "'; DROP TABLE token; -- " + SCRIPT
    token = assert_token(server.create({"SCOPE": RECRUIT, "EMAIL_ID": env.attacker,
                                        "PASSWORD": env.attacker_pw, "DISPLAY_NAME": name}))
    assert [r["display_name"] for r in server.tokens_of(env.attacker) if r["hint"] == "…" + token[-4:]] == [name]
    page = clear(env.session.get(server.url + "/tokens", timeout=10))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


@pytest.mark.parametrize("form", ["get", "post-body"])
@pytest.mark.parametrize("value", [v for _, v in INJECT], ids=[i for i, _ in INJECT])
def test_api_delete_token_field(server, env, value, form):
    r = server.create({"AUTHTOKEN": value}, form=form, path="/apiauthtoken/delete")
    assert cause_of(r) in {"INVALID_AUTHTOKEN", BLOCKED}


# ---- the guarded service: token and scope, in the query and in headers ----------------

def is_4834(r):
    clear(r)
    return r.status_code == 200 and r.json()["response"]["error"]["code"] == "4834"


@pytest.mark.parametrize("value", [v for _, v in INJECT], ids=[i for i, _ in INJECT])
def test_guarded_authtoken_query(server, value):
    assert is_4834(server.http.get(server.url + GUARDED, timeout=10,
                                   params={"authtoken": value, "scope": "recruitapi"}))


@pytest.mark.parametrize("scheme", ["Bearer", "Zoho-authtoken"])
@pytest.mark.parametrize("value", [v for _, v in HEADER_SAFE], ids=[i for i, _ in HEADER_SAFE])
def test_guarded_authorization_header(server, value, scheme):
    assert is_4834(server.http.get(server.url + GUARDED, timeout=10,
                                   headers={"Authorization": f"{scheme} {value}"}))


@pytest.mark.parametrize("value", [v for _, v in INJECT], ids=[i for i, _ in INJECT])
def test_guarded_scope_cannot_widen_a_fixed_scope(server, env, value):
    # The location fixes the scope, so a hostile scope= is ignored: a valid token still works.
    r = clear(server.http.get(server.url + GUARDED, timeout=10,
                              params={"authtoken": env.attacker_token, "scope": value}))
    assert r.status_code == 200 and "4834" not in r.text


@pytest.mark.parametrize("path", [b"/recruit/private/json/%3Cscript%3E/getRecords",
                                  b"/recruit/private/xml/Job%00Openings/getRecords",
                                  b"/recruit/private/xml/JobOpenings/get%0d%0aRecords",
                                  b"/recruit/private/json/../../apiauthtoken/create"],
                         ids=["script", "nul", "crlf", "dotdot"])
def test_guarded_hostile_path(server, path):
    assert raw_clear(server, get_request(path)) in (400, 404, 200)


# ---- browser forms with a valid form token: every field ------------------------------

@pytest.mark.parametrize("field", ["email", "password"])
@pytest.mark.parametrize("value", [v for _, v in INJECT], ids=[i for i, _ in INJECT])
def test_signin_field(server, env, field, value):
    s, csrf = pre_csrf(server)
    data = {"csrf": csrf, "email": env.victim, "password": "pw-" + MARK}
    data[field] = hostile_password(value) if field == "password" else value
    r = post_form(server, s, "/signin", data)
    assert r.status_code in (200, 400, 403, 429) and "authtoken_session" not in s.cookies


@pytest.mark.parametrize("value", [v for _, v in NEXT + INJECT], ids=[i for i, _ in NEXT + INJECT])
def test_signin_next_goes_nowhere_else(server, env, value):
    s, csrf = pre_csrf(server)
    r = post_form(server, s, "/signin", {"csrf": csrf, "email": env.attacker,
                                         "password": env.attacker_pw, "next": value})
    if "\x00" in value:
        assert r.status_code == 400  # the strict parser refuses NUL before anything else
        return
    # A printable local path may stay: "/%2F%2Fx" or "/%0d%0a..." are paths on this host
    # (the browser does not decode them); anything else goes to /tokens.
    allowed = {"/tokens", value} if is_local(value) else {"/tokens"}
    assert r.status_code in (302, 303) and r.headers["Location"] in allowed
    SECRETS.append(s.cookies["authtoken_session"])


def is_local(value):
    return (value.startswith("/") and not value.startswith("//") and "\\" not in value
            and all(" " < c < "\x7f" for c in value))


@pytest.mark.parametrize("value", [v for _, v in NEXT], ids=[i for i, _ in NEXT])
def test_signin_form_next_is_not_reflected(server, value):
    r = clear(requests.get(server.url + "/signin", params={"next": value}, timeout=10))
    if "\x00" in value:
        assert r.status_code == 400
    else:
        assert r.status_code == 200 and (is_local(value) or "evil.example" not in r.text)


@pytest.mark.parametrize("field", ["scope", "name"])
@pytest.mark.parametrize("value", [v for _, v in INJECT], ids=[i for i, _ in INJECT])
def test_tokens_page_create_field(server, env, field, value):
    data = {"csrf": env.csrf, "scope": RECRUIT, "name": "n"}
    data[field] = value
    # A usable name creates a token (until the account is full: 409); the rest get 400.
    assert post_form(server, env.session, "/tokens", data).status_code in (200, 400, 409)


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("action", ["remove", "regenerate"])
@pytest.mark.parametrize("value", [v for _, v in INJECT], ids=[i for i, _ in INJECT])
def test_token_action_hostile_id(server, env, value, action, method):
    r = env.session.request(method, f"{server.url}/tokens/{action}", timeout=10,
                            allow_redirects=False,
                            **({"params": {"id": value}} if method == "GET"
                               else {"data": {"id": value, "csrf": env.csrf}}))
    assert clear(r).status_code == 404


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("action", ["remove", "regenerate"])
@pytest.mark.parametrize("which", [0, 1])
def test_token_action_on_someone_elses_id(server, env, which, action, method):
    token_id = env.victim_ids[which]
    r = env.session.request(method, f"{server.url}/tokens/{action}", timeout=10,
                            allow_redirects=False,
                            **({"params": {"id": token_id}} if method == "GET"
                               else {"data": {"id": token_id, "csrf": env.csrf}}))
    assert clear(r).status_code == 404
    assert victim_rows(server, env.victim_account) == env.before


@pytest.mark.parametrize("value", [v for _, v in INJECT], ids=[i for i, _ in INJECT])
def test_app_password_fields(server, env, value):
    # A wrong current password: nothing is made, whatever the name.
    r = post_form(server, env.session, "/app-passwords",
                  {"csrf": env.csrf, "name": value, "password": hostile_password(value)})
    assert r.status_code in (200, 400, 403)
    assert post_form(server, env.session, "/app-passwords/revoke",
                     {"csrf": env.csrf, "id": value}).status_code == 404


@pytest.mark.parametrize("field", ["email", "password", "name"])
@pytest.mark.parametrize("value", [v for _, v in INJECT], ids=[i for i, _ in INJECT])
def test_register_field(server, field, value):
    s, csrf = pre_csrf(server)
    pw = new_password()
    data = {"csrf": csrf, "email": new_email("reg"), "name": "Reg", "password": pw, "password2": pw}
    if field == "password":
        data["password"] = data["password2"] = hostile_password(value)
    else:
        data[field] = value
    assert post_form(server, s, "/register", data).status_code in (200, 400)


@pytest.mark.parametrize("value", [v for _, v in INJECT], ids=[i for i, _ in INJECT])
def test_confirm_token_field(server, value):
    assert clear(requests.get(server.url + "/confirm", params={"token": value}, timeout=10)).status_code == 200
    s, csrf = pre_csrf(server)
    assert post_form(server, s, "/confirm", {"csrf": csrf, "token": value}).status_code in (400, 404)


@pytest.mark.parametrize("value", [v for _, v in INJECT], ids=[i for i, _ in INJECT])
def test_signin_code_without_a_pending_sign_in(server, value):
    s, csrf = pre_csrf(server)
    r = post_form(server, s, "/signin/code", {"csrf": csrf, "code": value})
    assert r.status_code in (200, 302, 303, 400) and "authtoken_session" not in s.cookies


# ---- CSRF: every state-changing form, without or with a wrong form token ------------

SESSION_FORMS = {
    "signout": ("/signout", lambda e: {}),
    "tokens-create": ("/tokens", lambda e: {"scope": RECRUIT, "name": "csrf"}),
    "tokens-remove": ("/tokens/remove", lambda e: {"id": e.attacker_id}),
    "tokens-regenerate": ("/tokens/regenerate", lambda e: {"id": e.attacker_id}),
    "twofactor-setup": ("/twofactor/setup", lambda e: {}),
    "twofactor-confirm": ("/twofactor/confirm", lambda e: {"password": e.attacker_pw, "code": "123456"}),
    "twofactor-disable": ("/twofactor/disable", lambda e: {"password": e.attacker_pw, "code": "123456"}),
    "twofactor-key-start": ("/twofactor/key/start", lambda e: {"name": "csrf", "password": e.attacker_pw}),
    "twofactor-key-finish": ("/twofactor/key/finish", lambda e: {"name": "csrf", "clientDataJSON": "e30",
                                                                 "attestationObject": "oA"}),
    "twofactor-key-rename": ("/twofactor/key/rename", lambda e: {"id": "1", "name": "csrf"}),
    "twofactor-key-remove": ("/twofactor/key/remove", lambda e: {"id": "1", "password": e.attacker_pw}),
    "app-passwords-create": ("/app-passwords", lambda e: {"name": "csrf", "password": e.attacker_pw}),
    "app-passwords-revoke": ("/app-passwords/revoke", lambda e: {"id": "1"}),
    "password": ("/password", lambda e: {"current": e.attacker_pw, "new": "csrf-new-pw1", "new2": "csrf-new-pw1"}),
    "sessions-end": ("/sessions/end", lambda e: {"id": "0" * 16}),
    "sessions-end-others": ("/sessions/end-others", lambda e: {}),
}
BAD_CSRF = {
    "none": lambda e: None,
    "empty": lambda e: "",
    "random": lambda e: secrets.token_hex(32),
    "truncated": lambda e: e.csrf[:-2],
    "other-session": lambda e: e.other_csrf,
}


def attacker_state(server, e):
    """The attacker account's tokens, application passwords, sessions and password hash."""
    with server.db() as con:
        return [tuple(r) for r in con.execute(
            "SELECT 't', id, digest FROM token WHERE account_id = (SELECT account_id FROM token WHERE id = ?)"
            " UNION ALL SELECT 'a', id, name FROM app_password WHERE account_id ="
            " (SELECT account_id FROM token WHERE id = ?)"
            " UNION ALL SELECT 's', 0, digest FROM web_session WHERE account_id ="
            " (SELECT account_id FROM token WHERE id = ?)"
            " UNION ALL SELECT 'p', id, password_hash FROM account WHERE id ="
            " (SELECT account_id FROM token WHERE id = ?) ORDER BY 1, 2, 3",
            (e.attacker_id,) * 4)]


@pytest.mark.parametrize("bad", list(BAD_CSRF))
@pytest.mark.parametrize("form", list(SESSION_FORMS))
def test_session_form_without_valid_csrf(server, env, form, bad):
    if not hasattr(env, "other_csrf"):
        env.other_csrf = page_csrf(sign_in(server, env.attacker, env.attacker_pw), server)
    path, fields = SESSION_FORMS[form]
    data = fields(env)
    token = BAD_CSRF[bad](env)
    if token is not None:
        data["csrf"] = token
    before = attacker_state(server, env)
    assert post_form(server, env.session, path, data).status_code == 403
    assert attacker_state(server, env) == before
    # Still signed in: the refused sign-out did not end the session.
    assert clear(env.session.get(server.url + "/tokens", timeout=10, allow_redirects=False)).status_code == 200


PRE_FORMS = {
    "signin": ("/signin", lambda e: {"email": e.attacker, "password": e.attacker_pw}),
    "register": ("/register", lambda e: {"email": new_email("csrf"), "name": "x",
                                         "password": e.attacker_pw, "password2": e.attacker_pw}),
    "confirm": ("/confirm", lambda e: {"token": secrets.token_hex(32)}),
    "signin-code": ("/signin/code", lambda e: {"code": "123456"}),
    "signin-key": ("/signin/key", lambda e: {"credentialID": "AA", "clientDataJSON": "e30",
                                             "authenticatorData": "AA", "signature": "AA"}),
    "forgot": ("/forgot", lambda e: {"email": e.attacker}),
    "reset": ("/reset", lambda e: {"token": secrets.token_hex(32), "new": "csrf-new-pw1", "new2": "csrf-new-pw1"}),
}


@pytest.mark.parametrize("bad", ["none", "random", "session-token"])
@pytest.mark.parametrize("form", list(PRE_FORMS))
def test_pre_session_form_without_valid_csrf(server, env, form, bad):
    path, fields = PRE_FORMS[form]
    data = fields(env)
    s, _ = pre_csrf(server)
    if bad == "random":
        data["csrf"] = secrets.token_hex(32)
    elif bad == "session-token":
        data["csrf"] = env.csrf  # a signed-in form token is no pre-session token
    r = post_form(server, s, path, data)
    assert r.status_code == 403 and "authtoken_session" not in s.cookies
    if form == "register":
        with server.db() as con:
            assert con.execute("SELECT COUNT(*) FROM account WHERE email_key = ?",
                               (data["email"].lower(),)).fetchone()[0] == 0
    if form == "forgot":
        with server.db() as con:
            assert con.execute("SELECT COUNT(*) FROM password_reset JOIN account ON account.id = account_id"
                               " WHERE email_key = ?", (e_key(env.attacker),)).fetchone()[0] == 0


def e_key(email):
    return email.lower()


# ---- cookies: forged, garbage and overlong session ids mean signed out --------------

@pytest.mark.parametrize("path", ["/tokens", "/", "/developer", "/app-passwords"])
@pytest.mark.parametrize("value", [v for _, v in SESSION_GARBAGE], ids=[i for i, _ in SESSION_GARBAGE])
def test_garbage_session_cookie_is_signed_out(server, value, path):
    r = clear(requests.get(server.url + path, timeout=10, allow_redirects=False,
                           headers={"Cookie": f"authtoken_session={value}"}))
    assert r.status_code in (302, 303) and r.headers["Location"].startswith("/signin")


@pytest.mark.parametrize("cookie", [
    "authtoken_session=" + "a" * 20000,                       # over nginx's header buffers
    "; ".join(f"c{i}={'v' * 50}" for i in range(150)),        # many cookies
    "authtoken_session",                                      # no value at all
    "=authtoken_session=x",
    "authtoken_presession=' OR 1=1 --; authtoken_pending=<script>",
], ids=["overlong", "many", "bare-name", "empty-name", "other-cookies"])
def test_odd_cookie_headers(server, cookie):
    r = clear(requests.get(server.url + "/tokens", timeout=10, allow_redirects=False,
                           headers={"Cookie": cookie}))
    assert r.status_code in (302, 303, 400)


def test_signed_out_session_id_is_dead(server, env):
    s = sign_in(server, env.attacker, env.attacker_pw)
    old = s.cookies["authtoken_session"]
    post_form(server, s, "/signout", {"csrf": page_csrf(s, server)})
    r = clear(requests.get(server.url + "/tokens", timeout=10, allow_redirects=False,
                           headers={"Cookie": f"authtoken_session={old}"}))
    assert r.status_code in (302, 303) and r.headers["Location"].startswith("/signin")


def test_planted_session_id_is_replaced_at_sign_in(server, env):
    planted = secrets.token_hex(32)
    s, csrf = pre_csrf(server)
    s.cookies.set("authtoken_session", planted)
    r = post_form(server, s, "/signin", {"csrf": csrf, "email": env.attacker, "password": env.attacker_pw})
    issued = r.cookies["authtoken_session"]
    SECRETS.append(issued)
    assert r.status_code in (302, 303) and issued != planted


# ---- malformed requests: encodings, NUL, sizes, content types -----------------------

@pytest.mark.parametrize("path", [b"/apiauthtoken/create", b"/apiauthtoken/delete", b"/signin", b"/tokens"])
@pytest.mark.parametrize("query", [q for _, q in BAD_QUERIES], ids=[i for i, _ in BAD_QUERIES])
def test_malformed_query(server, query, path):
    assert raw_clear(server, get_request(path + b"?" + query.encode())) == 400


@pytest.mark.parametrize("path", [b"/apiauthtoken/create", b"/apiauthtoken/delete", b"/signin"])
@pytest.mark.parametrize("query", [b"EMAIL_ID=\xff\xfe&PASSWORD=x&SCOPE=ZohoCRM/crmapi",
                                   b"AUTHTOKEN=\xc3\x28", b"next=/\xed\xa0\x80"],
                         ids=["ff-fe", "bad-continuation", "surrogate"])
def test_raw_non_utf8_query_is_400(server, path, query):
    # Regression: raw (unescaped) non-UTF-8 query bytes used to be read with U+FFFD in
    # them (e.g. CAUSE=NO_SUCH_USER) instead of the 400 that escaped ones get.
    assert raw_clear(server, get_request(path + b"?" + query)) == 400


@pytest.mark.parametrize("path", ["/apiauthtoken/create", "/signin"])
@pytest.mark.parametrize("body", [q for _, q in BAD_QUERIES], ids=[i for i, _ in BAD_QUERIES])
def test_malformed_form_body(server, body, path):
    r = clear(requests.post(server.url + path, data=body.encode(), timeout=10, allow_redirects=False,
                            headers={"Content-Type": "application/x-www-form-urlencoded"}))
    assert r.status_code == 400


@pytest.mark.parametrize("request_bytes", [
    get_request(b"/apiauthtoken/create?EMAIL_ID=\xff\xfe&PASSWORD=x"),    # raw non-UTF-8
    get_request(b"/apiauthtoken/create?EMAIL_ID=a\x00b"),                 # raw NUL: nginx 400
    get_request(b"/apiauthtoken/cre\xffate"),
    get_request(b"/apiauthtoken/create%00"),
    get_request(b"/apiauthtoken/create%ff"),
    get_request(b"/signin%00.html"),
    get_request(b"/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd"),
    get_request(b"/static/..%2f..%2f..%2fetc/passwd"),
    get_request(b"/static/../../../../etc/passwd"),
    get_request(b"/apiauthtoken/create", b"X-Bad: a\x00b\r\n"),
    get_request(b"/apiauthtoken/create", b"Cookie: authtoken_session=\xff\xfe\r\n"),
    get_request(b"/tokens", b"Cookie: authtoken_session=\xc3\x28\r\n"),
    get_request(b"/" + b"a" * 9000),                                        # over header buffers
    b"GARBAGE\r\n\r\n",
    b"GET /signin HTTP/9.9\r\nHost: x\r\n\r\n",
    b"GET /signin HTTP/1.1\r\n\r\n",                                        # no Host
    b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + b"\x00" * 40,        # a TLS hello
], ids=["raw-ff", "raw-nul", "path-ff", "path-pct-nul", "path-pct-ff", "signin-nul", "overlong-dots",
        "static-encoded-dots", "static-dots", "header-nul", "cookie-ff", "cookie-bad-utf8", "long-path",
        "garbage-line", "http-9", "no-host", "tls-hello"])
def test_raw_malformed_request(server, request_bytes):
    # 505 is HTTP's own answer to an unknown version; 200/303 where the bad bytes only
    # made a value unusable (a garbage cookie is simply no session).
    status = raw_clear(server, request_bytes, protocol_errors=(505,))
    assert status in (200, 302, 303, 400, 403, 404, 405, 414, 505)


@pytest.mark.parametrize("path", [b"/apiauthtoken/create", b"/signin"])
@pytest.mark.parametrize("headers", [
    b"Content-Length: -1\r\n",
    b"Content-Length: abc\r\n",
    b"Content-Length: 5\r\nContent-Length: 6\r\n",
    b"Content-Length: 99999999999999999999\r\n",
    b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n",
    b"Transfer-Encoding: gzip, chunked\r\n",
], ids=["negative", "text", "twice", "huge", "both", "bad-encoding"])
def test_bad_content_length(server, path, headers):
    # 501 is HTTP's answer to a transfer coding nginx does not know.
    status = raw_clear(server, b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                       b"Content-Type: application/x-www-form-urlencoded\r\n" + headers + b"\r\nabc",
                       protocol_errors=(501,))
    assert status in (400, 411, 413, 501)


@pytest.mark.parametrize("path", [b"/apiauthtoken/create", b"/signin", b"/tokens"])
def test_short_body_then_server_still_serves(server, env, path):
    # Content-Length promises more than is sent: nginx waits for the rest. Whatever it
    # does (waits, 400 or 408), the server must keep answering everyone else.
    with socket.create_connection(("127.0.0.1", server.port), timeout=3) as s:
        s.sendall(b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                  b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nSCOPE=x")
        try:
            answer = s.recv(65536)
        except socket.timeout:
            answer = b""
    if answer:
        assert int(answer.split()[1]) in (400, 408), answer[:200]
    assert cause_of(server.create({"SCOPE": SCOPE, "EMAIL_ID": env.victim, "PASSWORD": ""})) in {
        "INVALID_CREDENTIALS", BLOCKED}


@pytest.mark.parametrize("path", ["/apiauthtoken/create", "/apiauthtoken/delete", "/signin", "/register"])
@pytest.mark.parametrize("size", [64 * 1024 + 1, 1024 * 1024])
def test_body_over_cap(server, path, size):
    r = clear(requests.post(server.url + path, data=b"a=" + b"x" * size, timeout=30,
                            headers={"Content-Type": "application/x-www-form-urlencoded"}))
    assert r.status_code == 413


def test_chunked_body_over_cap(server):
    def chunks():
        for _ in range(20):
            yield b"x" * 8192
    r = clear(requests.post(server.url + "/apiauthtoken/create", data=chunks(), timeout=30,
                            headers={"Content-Type": "application/x-www-form-urlencoded"}))
    assert r.status_code == 413


@pytest.mark.parametrize("case", ["huge-value", "many-repeats", "repeated-email"])
def test_big_and_repeated_parameters(server, env, case):
    if case == "huge-value":
        body = {"EMAIL_ID": "a" * 60000, "PASSWORD": "x", "SCOPE": SCOPE}
        assert cause_of(server.create(body, form="post-body")) in {"NO_SUCH_USER", BLOCKED}
    elif case == "many-repeats":
        body = "&".join(["SCOPE=" + SCOPE] * 250)  # under 256 parameters: parsed, one wins
        r = server.http.post(server.url + "/apiauthtoken/create?EMAIL_ID=" + urllib.parse.quote(env.victim),
                             data=body, timeout=10,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert cause_of(r) in {"INVALID_CREDENTIALS", BLOCKED}
    else:
        body = "&".join(f"EMAIL_ID=other{i}@example.com" for i in range(200)) + "&PASSWORD=x&SCOPE=" + SCOPE
        r = server.http.post(server.url + "/apiauthtoken/create", data=body, timeout=10,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert cause_of(r) in {"NO_SUCH_USER", BLOCKED}


@pytest.mark.parametrize("path", ["/apiauthtoken/create", "/signin", "/tokens"])
@pytest.mark.parametrize("kind", ["json", "multipart", "text", "xml", "form-with-charset-junk"])
def test_wrong_content_type(server, env, kind, path):
    creds = {"EMAIL_ID": env.victim, "PASSWORD": env.victim_pw, "SCOPE": RECRUIT}
    if kind == "json":
        r = server.http.post(server.url + path, json=creds, timeout=10, allow_redirects=False)
    elif kind == "multipart":
        r = server.http.post(server.url + path, files={k: (None, v) for k, v in creds.items()},
                             timeout=10, allow_redirects=False)
    else:
        ctype = {"text": "text/plain", "xml": "application/xml",
                 "form-with-charset-junk": "application/x-www-form-urlencoded-evil"}[kind]
        r = server.http.post(server.url + path, data=urllib.parse.urlencode(creds), timeout=10,
                             allow_redirects=False, headers={"Content-Type": ctype})
    clear(r)
    # The body is not a form, so no credentials were read: never a token.
    assert "AUTHTOKEN=" not in r.text
    assert victim_rows(server, env.victim_account) == env.before


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"])
@pytest.mark.parametrize("path", ["/apiauthtoken/create", "/tokens/remove", "/signout"])
def test_other_methods(server, method, path):
    r = clear(requests.request(method, server.url + path, timeout=10, allow_redirects=False))
    assert r.status_code in (302, 400, 403, 405)


# ---- afterwards ---------------------------------------------------------------------

def test_zz_server_still_serves_and_victim_is_untouched(server, env):
    with server.db() as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for table in ("account", "token", "web_session", "app_password"):
            con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
    assert victim_rows(server, env.victim_account) == env.before
    for token in env.victim_tokens:
        r = server.http.get(server.url + GUARDED, params={"authtoken": token, "scope": "recruitapi"},
                            timeout=10)
        assert r.status_code == 200 and "4834" not in r.text
    email, pw = new_email("after"), new_password()
    server.add_user(email, pw)
    assert_token(server.create({"SCOPE": SCOPE, "EMAIL_ID": email, "PASSWORD": pw}))
