"""Every failure cause, in all three request forms, on both paths."""
import types

import pytest

from conftest import FORMS, PATHS, SCOPE, assert_cause, assert_token, new_email, new_password

WRONG = new_password("-wrong")


@pytest.fixture(scope="module")
def acc(server):
    a = types.SimpleNamespace()
    a.good, a.pw = new_email("good"), new_password()
    server.add_user(a.good, a.pw)
    a.unconfirmed = new_email("unconfirmed")
    server.add_user(a.unconfirmed, a.pw, confirmed=False)
    a.inactive = new_email("inactive")
    server.add_user(a.inactive, a.pw)
    assert server.admin("user", "deactivate", a.inactive).returncode == 0
    a.inactive_unconfirmed = new_email("inactive-unconfirmed")
    server.add_user(a.inactive_unconfirmed, a.pw, confirmed=False)
    assert server.admin("user", "deactivate", a.inactive_unconfirmed).returncode == 0
    a.full = new_email("full")
    server.add_user(a.full, a.pw)
    for _ in range(10):
        assert_token(server.create({"SCOPE": SCOPE, "EMAIL_ID": a.full, "PASSWORD": a.pw}))
    a.unknown = new_email("nobody")
    return a


def creds(email, pw, **extra):
    return dict({"SCOPE": SCOPE, "EMAIL_ID": email, "PASSWORD": pw}, **extra)


CASES = {
    "no-email": (lambda a: {"SCOPE": SCOPE, "PASSWORD": a.pw}, "INVALID_CREDENTIALS"),
    "no-password": (lambda a: {"SCOPE": SCOPE, "EMAIL_ID": a.good}, "INVALID_CREDENTIALS"),
    "no-password-no-scope": (lambda a: {"EMAIL_ID": a.good}, "INVALID_CREDENTIALS"),
    "no-scope": (lambda a: {"EMAIL_ID": a.good, "PASSWORD": a.pw}, "INVALID_SCOPE"),
    "unknown-scope": (lambda a: creds(a.good, a.pw, SCOPE="ZohoMail/mailapi"), "INVALID_SCOPE"),
    "malformed-scope": (lambda a: creds(a.good, a.pw, SCOPE="ZohoCRM/"), "INVALID_SCOPE"),
    "too-many-slashes": (lambda a: creds(a.good, a.pw, SCOPE="ZohoCRM/crmapi/x"), "INVALID_SCOPE"),
    "one-bad-in-list": (lambda a: creds(a.good, a.pw, SCOPE="ZohoCRM/crmapi,ZohoMail/mailapi"),
                        "INVALID_SCOPE"),
    "bad-scope-before-user": (lambda a: creds(a.unknown, a.pw, SCOPE="Nope/nope"), "INVALID_SCOPE"),
    "long-display-name": (lambda a: creds(a.good, a.pw, DISPLAY_NAME="x" * 101),
                          "INVALID_DISPLAY_NAME"),
    "control-in-display-name": (lambda a: creds(a.good, a.pw, DISPLAY_NAME="my\x01app"),
                                "INVALID_DISPLAY_NAME"),
    "newline-in-display-name": (lambda a: creds(a.good, a.pw, DISPLAY_NAME="my\napp"),
                                "INVALID_DISPLAY_NAME"),
    "display-name-before-user": (lambda a: creds(a.unknown, a.pw, DISPLAY_NAME="y" * 101),
                                 "INVALID_DISPLAY_NAME"),
    "unknown-user": (lambda a: creds(a.unknown, a.pw), "NO_SUCH_USER"),
    "wrong-password": (lambda a: creds(a.good, WRONG), "INVALID_PASSWORD"),
    "unconfirmed": (lambda a: creds(a.unconfirmed, a.pw), "ACCOUNT_REGISTRATION_NOT_CONFIRMED"),
    "unconfirmed-wrong-password": (lambda a: creds(a.unconfirmed, WRONG), "INVALID_PASSWORD"),
    "inactive": (lambda a: creds(a.inactive, a.pw), "USER_NOT_ACTIVE"),
    "inactive-wrong-password": (lambda a: creds(a.inactive, WRONG), "INVALID_PASSWORD"),
    "inactive-and-unconfirmed": (lambda a: creds(a.inactive_unconfirmed, a.pw), "USER_NOT_ACTIVE"),
    "full": (lambda a: creds(a.full, a.pw), "EXCEEDED_MAXIMUM_ALLOWED_AUTHTOKENS"),
    "full-wrong-password": (lambda a: creds(a.full, WRONG), "INVALID_PASSWORD"),
}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("case", CASES)
def test_cause(server, acc, case, form, path):
    make, cause = CASES[case]
    assert_cause(server.create(make(acc), form=form, path=path), cause)


def test_failures_store_no_tokens(server, acc):
    assert len(server.tokens_of(acc.full)) == 10
    for email in (acc.good, acc.unconfirmed, acc.inactive, acc.inactive_unconfirmed):
        assert server.tokens_of(email) == []


def test_reactivated_account_works_again(server, acc):
    email = new_email("reactivated")
    server.add_user(email, acc.pw)
    assert server.admin("user", "deactivate", email).returncode == 0
    assert_cause(server.create(creds(email, acc.pw)), "USER_NOT_ACTIVE")
    assert server.admin("user", "activate", email).returncode == 0
    assert_token(server.create(creds(email, acc.pw)))


def test_confirmed_account_works(server, acc):
    email = new_email("confirm-later")
    server.add_user(email, acc.pw, confirmed=False)
    assert_cause(server.create(creds(email, acc.pw)), "ACCOUNT_REGISTRATION_NOT_CONFIRMED")
    assert server.admin("user", "confirm", email).returncode == 0
    assert_token(server.create(creds(email, acc.pw)))
