"""Two-factor sign-in and application passwords, in headless Chromium and over HTTP."""
import base64
import shutil
import subprocess
import time

from conftest import SCOPE, SCREENSHOTS, SECRETS, assert_cause, assert_token, new_email, new_password, totp


def api(server, email, password):
    return server.create({"EMAIL_ID": email, "PASSWORD": password, "SCOPE": SCOPE}, form="post-body")


def test_two_factor_sign_in_and_application_passwords(browser, server):
    email, pw = new_email("twofa"), new_password()
    server.add_user(email, pw)
    browser.open("/signin")
    browser.sign_in(email, pw)
    assert browser.path() == "/tokens"

    # Turn it on: read the key from the page, compute the code here.
    browser.open("/twofactor")
    assert "is off" in browser.find(".status").text
    browser.submit("Set up two-factor sign-in")
    assert browser.h1() == "Turn on two-factor sign-in"
    secret = browser.find("#totp-secret").get_attribute("data-secret")
    SECRETS.append(secret)
    assert browser.find("#totp-secret").text.replace(" ", "") == secret
    uri = browser.find("#totp-uri").text
    assert uri == f"otpauth://totp/authtoken:{email}?secret={secret}&issuer=authtoken"
    assert len(browser.find_all("svg.qr rect")) > 100
    browser.shot("twofactor-setup")
    if shutil.which("zbarimg"):
        decoded = subprocess.run(["zbarimg", "-q", "--raw", str(SCREENSHOTS / "twofactor-setup.png")],
                                 capture_output=True, text=True, timeout=30)
        assert decoded.stdout.strip() == uri, decoded
    # The right code without the password (a stolen session's own app) is refused too.
    browser.fill(password="wrong-" + pw, code=totp(secret))
    browser.submit("Turn on")
    assert "password or the code was wrong" in browser.find(".error").text
    browser.fill(password=pw, code="000000" if totp(secret) != "000000" else "111111")
    browser.submit("Turn on")
    assert "password or the code was wrong" in browser.find(".error").text
    # The refusal is a 400, which Chromium logs; nothing else may be in the console.
    assert [e["message"] for e in browser.console_errors()] == [
        f"{server.url}/twofactor/confirm - Failed to load resource: the server responded with a status of 400 (Bad Request)"] * 2
    browser.fill(password=pw, code=totp(secret))
    browser.submit("Turn on")
    codes = [c.text for c in browser.find_all(".recovery-codes code")]
    assert len(codes) == 10 and len(set(codes)) == 10
    SECRETS.extend(codes)
    browser.shot("twofactor-recovery-codes")
    with server.db() as con:
        row = con.execute("SELECT two_factor.* FROM two_factor JOIN account ON account.id = two_factor.account_id"
                          " WHERE account.email = ?", (email,)).fetchone()
    assert row["enabled"] == 1
    assert secret.encode() not in bytes(row["sealed_secret"])
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) not in bytes(row["sealed_secret"])

    # API mode: the main password is refused now.
    assert_cause(api(server, email, pw), "WEB_LOGIN_REQUIRED")

    # Sign out, sign in with password and code (the next step, not the one used above).
    browser.submit("Sign out")
    browser.sign_in(email, pw)
    assert browser.path() == "/signin/code"
    assert browser.h1() == "Two-factor sign-in"
    browser.shot("signin-code")
    browser.open("/tokens")
    assert browser.path().startswith("/signin"), "no session before the code"
    browser.open("/signin")
    browser.sign_in(email, pw)
    # A wrong code keeps the person on the code step, with a message.
    browser.fill(code="000000" if totp(secret) != "000000" else "111111")
    browser.submit("Verify")
    assert browser.h1() == "Two-factor sign-in"
    assert "wrong or already used" in browser.find(".error").text
    browser.shot("signin-code-wrong")
    time.sleep(max(0.0, 30 - time.time() % 30) + 0.5)  # a fresh step: the last one was used
    browser.fill(code=totp(secret))
    browser.submit("Verify")
    assert browser.path() == "/tokens"
    assert browser.find(".who").text == email

    # An application password, with and without its spaces.
    browser.open("/app-passwords")
    browser.fill(name="backup script", password=pw)
    browser.submit("Generate")
    shown = browser.find("#app-password-value").text
    SECRETS.append(shown.replace(" ", ""))
    assert len(shown) == 14 and shown[4] == " " and shown[9] == " "
    browser.shot("app-password-created")
    first = assert_token(api(server, email, shown))
    second = assert_token(api(server, email, shown.replace(" ", "")))
    assert first != second
    browser.open("/tokens")
    made_with = [e.text for e in browser.find_all(".app-password")]
    assert made_with == ["application password “backup script”"] * 2
    browser.shot("tokens-with-app-password")
    browser.open("/app-passwords")
    assert browser.find(".app-password .name").text == "backup script"
    assert browser.find(".app-password .last-used").text != "never"
    browser.shot("app-passwords")

    # Revoke it: refused at once; its tokens stay.
    browser.submit("Revoke")
    assert browser.find(".notice").text == "The application password was revoked."
    assert_cause(api(server, email, shown), "INVALID_PASSWORD")
    assert len(server.tokens_of(email)) == 2
    browser.open("/tokens")
    assert [e.text for e in browser.find_all(".app-password")] == ["an application password revoked since"] * 2

    # The admin's reset for a lost phone: the main password works in API mode again.
    r = server.admin("user", "reset-2fa", email)
    assert r.returncode == 0 and "turned off" in r.stdout, r
    assert_token(api(server, email, pw))
    assert browser.console_errors() == []


def test_a_revoke_without_the_form_token_changes_nothing(server):
    r = server.http.post(server.url + "/app-passwords/revoke", data={"id": "1"}, allow_redirects=False, timeout=10)
    assert r.status_code == 303 and r.headers["Location"].startswith("/signin")
