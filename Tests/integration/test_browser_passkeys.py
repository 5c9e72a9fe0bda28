"""Security keys in real headless Chromium (issue 25), with Chromium's virtual authenticator
(WebDriver's WebAuthn extension) standing in for the key: /static/passkey.js runs
navigator.credentials.create and .get under the page's CSP and posts the answer as a form.

WebAuthn needs a secure context and an RP ID that is a domain: http://localhost is one
(127.0.0.1 is not a valid RP ID), so this module has its own instance whose
AUTHTOKEN_PUBLIC_URL is the localhost URL the browser opens."""
import time
import types

import pytest

from conftest import GENEROUS_THROTTLE, SECRETS, Browser, Instance, new_email, new_password, totp


@pytest.fixture(scope="module")
def key_server(tmp_path_factory):
    inst = Instance(tmp_path_factory.mktemp("passkeys"), env=GENEROUS_THROTTLE)
    inst.env["AUTHTOKEN_PUBLIC_URL"] = f"http://localhost:{inst.port}"
    try:
        inst.start()
        yield inst
        assert inst.stop() == 0, inst.output()
    finally:
        inst.kill()


@pytest.fixture
def key_browser(chrome, key_server):
    from selenium.webdriver.common.virtual_authenticator import VirtualAuthenticatorOptions
    options = VirtualAuthenticatorOptions(
        protocol=VirtualAuthenticatorOptions.Protocol.CTAP2, transport=VirtualAuthenticatorOptions.Transport.USB,
        has_resident_key=True, has_user_verification=True, is_user_verified=True)
    chrome.delete_all_cookies()
    chrome.add_virtual_authenticator(options)
    chrome.get_log("browser")
    # The browser opens the localhost URL, the one the RP ID names.
    yield Browser(chrome, types.SimpleNamespace(url=f"http://localhost:{key_server.port}"))
    chrome.remove_virtual_authenticator()
    chrome.delete_all_cookies()


def keys_of(inst, email):
    with inst.db() as con:
        return [dict(r) for r in con.execute(
            "SELECT passkey.name, sign_count, last_used_at FROM passkey JOIN account ON account.id = passkey.account_id"
            " WHERE account.email = ? ORDER BY passkey.id", (email,))]


def add_key(browser, password, name):
    browser.open("/twofactor")
    browser.find("#key-name").send_keys(name)
    browser.find("#key-password").send_keys(password)
    browser.submit("Add a security key or passkey")
    assert browser.h1() == "Add a security key"
    browser.shot("passkey-add")
    browser.submit("Use my security key")  # passkey.js: navigator.credentials.create, then the form post


def sign_in_with_key(browser, email, password):
    browser.open("/signin")
    browser.sign_in(email, password)
    assert browser.path() == "/signin/code"
    assert browser.find("#passkey-start").text == "Use my security key"
    browser.submit("Use my security key")  # navigator.credentials.get, then POST /signin/key


def test_a_key_is_added_signs_in_sits_beside_totp_reaches_admin_pages_and_is_removed(key_browser, key_server):
    browser, server = key_browser, key_server
    email, pw = new_email("browserkey"), new_password()
    server.add_user(email, pw)
    browser.open("/signin")
    browser.sign_in(email, pw)
    assert browser.path() == "/tokens"

    # Register: the first key comes with recovery codes, shown once.
    add_key(browser, pw, "Virtual key")
    assert browser.path() == "/twofactor/key/finish"
    assert browser.h1() == "Two-factor sign-in is on"
    assert "The security key “Virtual key” was added." in browser.find("main").text
    codes = [c.text for c in browser.find_all(".recovery-codes code")]
    assert len(codes) == 10
    SECRETS.extend(codes)
    browser.shot("passkey-recovery-codes")
    [key] = keys_of(server, email)
    assert key["name"] == "Virtual key" and key["last_used_at"] is None
    browser.open("/twofactor")
    assert [e.text for e in browser.find_all(".passkey .name")] == ["Virtual key"]
    assert browser.find(".passkey .last-used").text == "never"
    browser.shot("passkey-list")

    # Sign out, then password and key.
    browser.submit("Sign out")
    sign_in_with_key(browser, email, pw)
    assert browser.path() == "/tokens", browser.d.page_source[:2000]
    assert browser.find(".who").text == email
    [key] = keys_of(server, email)
    assert key["last_used_at"] is not None
    browser.open("/twofactor")
    assert browser.find(".passkey .last-used").text != "never"

    # TOTP beside the key; then sign in with a TOTP code on the same account.
    browser.submit("Set up two-factor sign-in")
    secret = browser.find("#totp-secret").get_attribute("data-secret")
    SECRETS.append(secret)
    browser.fill(password=pw, code=totp(secret))
    browser.submit("Turn on")
    assert browser.find_all(".recovery-codes code")
    browser.submit("Sign out")
    browser.open("/signin")
    browser.sign_in(email, pw)
    assert browser.path() == "/signin/code"
    assert "six-digit code" in browser.find("main").text
    browser.shot("passkey-signin-code")
    time.sleep(max(0.0, 30 - time.time() % 30) + 0.5)  # a fresh step: the last one was used
    browser.fill(code=totp(secret))
    browser.submit("Verify")
    assert browser.path() == "/tokens"

    # A key session reaches the administrators' pages, which show the key.
    assert server.admin("user", "grant-admin", email).returncode == 0
    browser.submit("Sign out")
    sign_in_with_key(browser, email, pw)
    assert browser.path() == "/tokens"
    browser.open("/admin/accounts")
    assert browser.h1() != "Sign in again with your code", browser.h1()
    assert email in browser.find("main").text
    browser.shot("passkey-admin-accounts")
    with server.db() as con:
        account_id = con.execute("SELECT id FROM account WHERE email = ?", (email,)).fetchone()[0]
    browser.open(f"/admin/account?id={account_id}")
    assert [e.text.split(" · ")[0] for e in browser.find_all(".passkeys li")] == ["Virtual key"]
    browser.shot("passkey-admin-account")

    # Remove the key: TOTP stays, so it goes at once.
    browser.open("/twofactor")
    browser.submit("Remove")
    assert browser.find(".notice").text == "The security key was removed."
    assert keys_of(server, email) == []
    assert "An authenticator app is set up." in browser.find("main").text
    browser.shot("passkey-removed")
    assert browser.console_errors() == []
