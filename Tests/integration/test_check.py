"""The token check behind nginx auth_request, the legacy 4834 answers, and delete over HTTP."""
import time

import pytest

from conftest import ROOT, assert_token, digest, guard_server_fixture, new_email, new_password, split_body

# Every test here runs with the check asked over HTTP and over FastCGI.
server = guard_server_fixture()

SAMPLE_ROOT = ROOT / "www/sample/recruit"  # what the example upstream serves

XML_4834 = ('<?xml version="1.0" encoding="UTF-8" ?>\n<response uri="/recruit/private/xml/JobOpenings/getRecords">'
            '<error><code>4834</code><message>Invalid Ticket Id</message></error></response>\n')
JSON_4834 = ('{"response":{"uri":"/recruit/private/json/JobOpenings/getRecords",'
             '"error":{"code":"4834","message":"Invalid Ticket Id"}}}\n')
SAMPLE = "/recruit/private/{fmt}/JobOpenings/getRecords"


@pytest.fixture(scope="module")
def account(server):
    email, pw = new_email("check"), new_password()
    server.add_user(email, pw)
    return email, pw


def new_token(server, account, scope="ZohoRecruit/recruitapi"):
    email, pw = account
    return assert_token(server.create({"SCOPE": scope, "EMAIL_ID": email, "PASSWORD": pw}))


def call(server, token, fmt="xml", scope="recruitapi", headers=None):
    params = {"scope": scope}
    if token is not None:
        params["authtoken"] = token
    return server.http.get(server.url + SAMPLE.format(fmt=fmt), params=params, headers=headers, timeout=10)


def assert_sample(r, fmt, email):
    assert r.status_code == 200
    expected = (SAMPLE_ROOT / f"{fmt}/JobOpenings/getRecords.{fmt}").read_text()
    assert r.text == expected
    assert r.headers["X-Seen-Authtoken-Email"] == email  # nginx passed the account upstream
    assert r.headers["X-Seen-Authtoken-Scope"] == "ZohoRecruit/recruitapi"  # and the granted scope


def assert_4834(r, fmt):
    assert r.status_code == 200
    assert r.text == (XML_4834 if fmt == "xml" else JSON_4834)
    assert r.headers["Content-Type"] == ("text/xml; charset=UTF-8" if fmt == "xml" else "application/json; charset=UTF-8")
    assert "X-Seen-Authtoken-Email" not in r.headers  # the upstream was never asked


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_seed_example_with_a_fresh_token_gets_sample_data(server, account, fmt):
    assert_sample(call(server, new_token(server, account), fmt), fmt, account[0])


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_garbage_missing_and_wrong_scope_get_4834(server, account, fmt):
    crm = new_token(server, account, scope="ZohoCRM/crmapi")
    for token in [None, "", "garbage", "x" * 32, "0" * 32, "%00", crm.upper(), crm]:
        assert_4834(call(server, token, fmt), fmt)
    # The location fixes the scope: naming the token's own scope does not open it.
    assert_4834(call(server, crm, fmt, scope="crmapi"), fmt)


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_removed_token_gets_4834(server, account, fmt):
    token = new_token(server, account)
    assert_sample(call(server, token, fmt), fmt, account[0])
    row = [r for r in server.tokens_of(account[0]) if r["digest"] == digest(token)][0]
    assert server.admin("token", "revoke", account[0], str(row["id"])).returncode == 0
    assert_4834(call(server, token, fmt), fmt)


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_deactivation_fails_tokens_at_once_and_activation_restores_them(server, fmt):
    email, pw = new_email("deact"), new_password()
    server.add_user(email, pw)
    token = new_token(server, (email, pw))
    assert_sample(call(server, token, fmt), fmt, email)
    assert server.admin("user", "deactivate", email).returncode == 0
    assert_4834(call(server, token, fmt), fmt)
    assert server.admin("user", "activate", email).returncode == 0
    assert_sample(call(server, token, fmt), fmt, email)


@pytest.mark.parametrize("scheme", ["Zoho-authtoken", "Bearer"])
def test_authorization_header_forms(server, account, scheme):
    token = new_token(server, account)
    assert_sample(call(server, None, "json", headers={"Authorization": f"{scheme} {token}"}), "json", account[0])
    assert_4834(call(server, None, "json", headers={"Authorization": f"{scheme} {token[:-1]}x"}), "json")


def test_the_check_location_is_internal(server):
    assert server.http.get(server.url + "/_authtoken/check", timeout=10).status_code == 404


def test_last_used_time_and_address_are_recorded(server):
    email, pw = new_email("used"), new_password()
    server.add_user(email, pw)
    token = new_token(server, (email, pw))
    assert server.tokens_of(email)[0]["last_used_at"] is None
    before = int(time.time())
    assert_sample(call(server, token), "xml", email)
    deadline = time.monotonic() + 10
    while server.tokens_of(email)[0]["last_used_at"] is None and time.monotonic() < deadline:
        time.sleep(0.2)
    row = server.tokens_of(email)[0]
    assert before - 1 <= row["last_used_at"] <= int(time.time()) + 1
    assert row["last_used_from"] == "127.0.0.1"
    listing = server.admin("token", "list", email).stdout.splitlines()
    assert listing[0].split("\t")[-2:] == ["LAST-USED", "FROM"]
    assert listing[1].split("\t")[-1] == "127.0.0.1"


def test_delete_over_http(server, account):
    token = new_token(server, account)
    r = server.http.get(server.url + "/apiauthtoken/delete", params={"AUTHTOKEN": token}, timeout=10)
    assert split_body(r) == ("AUTHTOKEN_DELETED=TRUE", "RESULT=TRUE")
    assert not [row for row in server.tokens_of(account[0]) if row["digest"] == digest(token)]
    assert_4834(call(server, token), "xml")
    again = server.http.post(server.url + "/apiauthtoken/delete", data={"AUTHTOKEN": token}, timeout=10)
    assert split_body(again) == ("CAUSE=INVALID_AUTHTOKEN", "RESULT=FALSE")
    missing = server.http.get(server.url + "/apiauthtoken/delete", timeout=10)
    assert split_body(missing) == ("CAUSE=INVALID_AUTHTOKEN", "RESULT=FALSE")


@pytest.mark.parametrize("size", [0, 10, 5000])
def test_a_guarded_post_with_a_body_is_checked_like_a_get(server, account, size):
    body = b"x" * size
    # The check never gets the body; it must not wait for one either (it did, when the
    # guarded request's CONTENT_LENGTH reached it: 400 from the check, 500 to the client).
    url = server.url + SAMPLE.format(fmt="json")
    r = server.http.post(url, params={"authtoken": new_token(server, account), "scope": "recruitapi"},
                         data=body, timeout=10)
    # Let through: the sample upstream only serves files, so a POST gets its 405.
    assert r.status_code == 405 and r.headers["X-Seen-Authtoken-Email"] == account[0], r.text
    assert_4834(server.http.post(url, params={"authtoken": "0" * 32, "scope": "recruitapi"}, data=body,
                                 timeout=10), "json")
