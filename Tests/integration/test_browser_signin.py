"""Sign-in, sign-out and the back button, in a real headless Chromium."""
from conftest import new_email, new_password


def test_home_sends_strangers_to_sign_in(browser):
    browser.open("/")
    assert browser.path() == "/signin"
    assert browser.h1() == "Sign in"
    assert browser.find("label[for=email]").text == "E-mail address"
    assert browser.find("label[for=password]").text == "Password"
    browser.shot("signin")
    browser.shot("signin-phone", width=390)
    assert browser.console_errors() == []


def test_wrong_password_then_right_one(browser, server):
    email, pw = new_email("web"), new_password()
    server.add_user(email, pw)
    browser.open("/signin")
    browser.sign_in(email, new_password("-wrong"))
    assert browser.path() == "/signin"
    assert browser.find(".error").text == "The e-mail address or the password is wrong."
    assert browser.find("#email").get_attribute("value") == email
    browser.shot("signin-wrong-password")
    browser.sign_in(email, pw)
    assert browser.path() == "/tokens"
    assert browser.h1() == "Active Authtokens"
    assert browser.find(".who").text == email
    browser.open("/")
    assert browser.path() == "/tokens"


def test_unconfirmed_and_deactivated_are_told_after_the_password(browser, server):
    unconfirmed, off, pw = new_email("webun"), new_email("weboff"), new_password()
    server.add_user(unconfirmed, pw, confirmed=False)
    server.add_user(off, pw)
    assert server.admin("user", "deactivate", off).returncode == 0
    browser.open("/signin")
    browser.sign_in(unconfirmed, pw)
    assert "not confirmed yet" in browser.find(".error").text
    browser.sign_in(off, pw)
    assert "deactivated" in browser.find(".error").text
    browser.sign_in(off, new_password("-wrong"))
    assert browser.find(".error").text == "The e-mail address or the password is wrong."


def test_deactivation_ends_a_live_session(browser, server):
    email, pw = new_email("webdeact"), new_password()
    server.add_user(email, pw)
    browser.open("/signin")
    browser.sign_in(email, pw)
    assert browser.path() == "/tokens"
    assert server.admin("user", "deactivate", email).returncode == 0
    browser.open("/tokens")
    assert browser.path() == "/signin?next=%2Ftokens"
    assert browser.h1() == "Sign in"


def test_sign_out_and_back_button_show_no_private_page(browser, server):
    email, pw = new_email("webout"), new_password()
    server.add_user(email, pw)
    browser.open("/signin")
    browser.sign_in(email, pw)
    browser.open("/developer")
    assert browser.h1() == "Developer Space"
    with server.db() as con:
        sessions = con.execute(
            "SELECT COUNT(*) FROM web_session JOIN account ON account.id = web_session.account_id"
            " WHERE account.email = ?", (email,)).fetchone()[0]
    assert sessions == 1
    browser.submit("Sign out")
    assert browser.path() == "/signin?signedout=1"
    assert browser.find(".notice").text == "You are signed out."
    with server.db() as con:
        sessions = con.execute(
            "SELECT COUNT(*) FROM web_session JOIN account ON account.id = web_session.account_id"
            " WHERE account.email = ?", (email,)).fetchone()[0]
    assert sessions == 0
    browser.d.back()
    assert browser.h1() == "Sign in"
    assert browser.path() == "/signin?next=%2Fdeveloper"
    assert "Developer Space" not in browser.find("main").text
    assert email not in browser.d.page_source
    browser.shot("signed-out-back-button")
