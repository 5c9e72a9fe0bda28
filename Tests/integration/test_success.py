"""Successful token creation, what it stores, and how parameters are decoded."""
import secrets
import urllib.parse

import pytest

from conftest import (FORMS, PATHS, SCOPE, SECRETS, assert_cause, assert_token, digest,
                      new_email, new_password)


def check_stored(server, email, token, display_name=None, scope=SCOPE):
    rows = [r for r in server.tokens_of(email) if r["digest"] == digest(token)]
    assert len(rows) == 1, "token digest not stored"
    row = rows[0]
    for key in row.keys():
        assert token not in str(row[key]), f"token stored in column {key}"
    if display_name is not None:
        assert row["display_name"] == display_name
    for s in scope.split(","):
        assert s in str(row["scopes"])


@pytest.fixture(scope="module")
def user(server):
    email, pw = new_email("ok"), new_password()
    server.add_user(email, pw, name="Okay User")
    return email, pw


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("form", FORMS)
def test_success(server, user, form, path):
    email, pw = user
    name = f"app {form} {path}"
    r = server.create({"SCOPE": SCOPE, "EMAIL_ID": email, "PASSWORD": pw, "DISPLAY_NAME": name},
                      form=form, path=path)
    assert r.text.startswith("#\n#") and r.text.endswith("\nRESULT=TRUE\n")
    token = assert_token(r)
    check_stored(server, email, token, display_name=name)


def test_tokens_differ_and_never_hit_disk(server, user):
    email, _ = user
    rows = server.tokens_of(email)
    assert len(rows) == len(FORMS) * len(PATHS)
    assert len({r["digest"] for r in rows}) == len(rows)
    for r in rows:
        assert len(r["digest"]) == 64 and r["digest"] == r["digest"].lower()
    data = b""
    for suffix in ("", "-wal"):
        path = server.data_dir / f"authtoken.sqlite{suffix}"
        if path.exists():
            data += path.read_bytes()
    tokens = [s for s in SECRETS if len(s) == 32 and all(c in "0123456789abcdef" for c in s)]
    assert tokens
    for t in tokens:
        assert t.encode() not in data


def test_several_scopes(server):
    email, pw = new_email("scopes"), new_password()
    server.add_user(email, pw)
    scope = "ZohoProjects/projectsapi,ZohoPC/docsapi"
    token = assert_token(server.create({"SCOPE": scope, "EMAIL_ID": email, "PASSWORD": pw}))
    check_stored(server, email, token, scope=scope)


@pytest.mark.parametrize("name", ["x" * 100, "ü" * 100, "Mein Programm – 密码 tool"])
def test_display_name_limits(server, name):
    email, pw = new_email("names"), new_password()
    server.add_user(email, pw)
    token = assert_token(server.create({"SCOPE": SCOPE, "EMAIL_ID": email, "PASSWORD": pw,
                                        "DISPLAY_NAME": name}, form="post-body"))
    check_stored(server, email, token, display_name=name)


@pytest.fixture(scope="module")
def odd(server):
    """An account whose e-mail has '+' and whose password needs escaping everywhere."""
    email = f"a+b.{secrets.token_hex(3)}@example.com"
    pw = new_password(" p+ w%&=ü密码")
    server.add_user(email, pw)
    return email, pw


@pytest.mark.parametrize("form", FORMS)
def test_escaped_by_client(server, odd, form):
    email, pw = odd
    token = assert_token(server.create({"SCOPE": SCOPE, "EMAIL_ID": email, "PASSWORD": pw},
                                       form=form))
    check_stored(server, email, token)


def raw(server, query, method="get"):
    """Send a hand-encoded query string (GET) or form body (POST) unchanged."""
    url = server.url + "/apiauthtoken/create"
    if method == "get":
        return server.http.get(url + "?" + query, timeout=30)
    return server.http.post(url, data=query.encode(), timeout=30,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})


@pytest.mark.parametrize("method", ["get", "post"])
def test_hand_encoded(server, odd, method):
    email, pw = odd
    at = email.replace("+", "%2B")  # '@' left raw
    pct20 = urllib.parse.quote(pw, safe="")  # space as %20
    lower = pct20.replace("%C3%BC", "%c3%bc")  # lower-case hex digits are legal too
    for q in (f"EMAIL_ID={at}&PASSWORD={pct20}&SCOPE=ZohoCRM%2Fcrmapi",
              f"SCOPE=ZohoCRM/crmapi&PASSWORD={lower}&EMAIL_ID={urllib.parse.quote_plus(email)}"):
        assert_token(raw(server, q, method))


@pytest.mark.parametrize("method", ["get", "post"])
def test_plus_means_space(server, odd, method):
    email, pw = odd
    q = urllib.parse.urlencode({"PASSWORD": pw, "SCOPE": SCOPE})
    # A raw '+' decodes to a space, so this names a different (unknown) user...
    assert_cause(raw(server, q + "&EMAIL_ID=" + email, method), "NO_SUCH_USER")
    # ...and an unescaped '+' in the password makes it wrong.
    bad = urllib.parse.quote(pw, safe="+")
    q = f"EMAIL_ID={urllib.parse.quote_plus(email)}&SCOPE={SCOPE}&PASSWORD={bad}"
    assert_cause(raw(server, q, method), "INVALID_PASSWORD")


def test_form_body_with_charset(server, odd):
    email, pw = odd
    body = urllib.parse.urlencode({"EMAIL_ID": email, "PASSWORD": pw, "SCOPE": SCOPE})
    kind = "application/x-www-form-urlencoded; charset=UTF-8"
    r = server.http.post(server.url + "/apiauthtoken/nb/create", data=body.encode(), timeout=30,
                         headers={"Content-Type": kind})
    assert_token(r)


def test_utf8_email(server):
    local = f"müller.{secrets.token_hex(3)}"
    email, pw = f"{local}@exämple.com", new_password("密码")
    stored = f"{local}@xn--exmple-cua.com"  # the domain kept in IDNA form
    assert "exämple.com".encode("idna").decode() == "xn--exmple-cua.com"
    server.add_user(email, pw)
    for form in FORMS:
        for spelling in (email, stored):
            token = assert_token(server.create({"SCOPE": SCOPE, "EMAIL_ID": spelling, "PASSWORD": pw},
                                               form=form))
            check_stored(server, stored, token)


def test_email_case_insensitive(server):
    tag = secrets.token_hex(3)
    email, pw = f"Mixed.Case.{tag}@Example.COM", new_password()
    server.add_user(email, pw)
    for variant in (email, email.lower(), email.upper()):
        assert_token(server.create({"SCOPE": SCOPE, "EMAIL_ID": variant, "PASSWORD": pw}))
    # The same address in another case is the same account.
    r = server.admin("user", "add", email.lower(), input=pw + "\n")
    assert r.returncode != 0 and r.stderr.strip()
    assert_cause(server.create({"SCOPE": SCOPE, "EMAIL_ID": email.lower(),
                                "PASSWORD": pw.upper()}), "INVALID_PASSWORD")


def test_demo_account(server):
    assert server.demo_email == "demo@example.com"
    assert_token(server.create({"SCOPE": SCOPE, "EMAIL_ID": server.demo_email,
                                "PASSWORD": server.demo_password}))
