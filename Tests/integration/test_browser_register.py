"""Registration, the confirmation link from the server log, and the first sign-in."""
import re

from conftest import new_email, new_password

LINK = re.compile(r"link=(http://127\.0\.0\.1:\d+/confirm\?token=([0-9a-f]{64}))")


def links_for(server, email):
    log = (server.data_dir / "authtoken-fcgi.log").read_text()
    return [m.group(1) for line in log.splitlines() if email in line for m in [LINK.search(line)] if m]


def test_register_confirm_and_sign_in(browser, server):
    email, pw = new_email("reg"), new_password()
    browser.open("/signin")
    browser.find("a[href='/register']").click()
    assert browser.h1() == "Create an account"
    for field in ("email", "name", "password", "password2"):
        assert browser.find(f"label[for={field}]").text
    browser.shot("register")
    browser.fill(email=email, name="Reg Person", password=pw, password2=pw)
    browser.submit("Create account")
    assert browser.h1() == "Check your e-mail"
    browser.shot("registered")
    with server.db() as con:
        row = con.execute("SELECT confirmed, id FROM account WHERE email = ?", (email,)).fetchone()
        assert row["confirmed"] == 0
        stored = con.execute("SELECT digest FROM confirmation WHERE account_id = ?", (row["id"],)).fetchall()
    links = links_for(server, email)
    assert len(links) == 1
    secret = links[0].rsplit("=", 1)[1]
    assert [s["digest"] for s in stored] != [secret] and len(stored) == 1  # only a digest is kept

    browser.open("/signin")
    browser.sign_in(email, pw)
    assert "not confirmed yet" in browser.find(".error").text

    browser.d.get(links[0])
    assert browser.h1() == "Confirm your account"
    browser.shot("confirm")
    browser.submit("Confirm my account")
    assert browser.path() == "/signin?confirmed=1"
    assert "confirmed" in browser.find(".notice").text
    with server.db() as con:
        assert con.execute("SELECT confirmed FROM account WHERE email = ?", (email,)).fetchone()[0] == 1
        assert con.execute("SELECT COUNT(*) FROM confirmation WHERE account_id = ?", (row["id"],)).fetchone()[0] == 0
    browser.sign_in(email, pw)
    assert browser.path() == "/tokens"

    # The link works once.
    browser.d.get(links[0])
    browser.submit("Confirm my account")
    assert browser.h1() == "This link does not work"


def test_mismatched_passwords_keep_the_form(browser, server):
    email = new_email("regmismatch")
    browser.open("/register")
    browser.fill(email=email, password=new_password(), password2=new_password())
    browser.submit("Create account")
    assert browser.find(".error").text == "The two passwords differ."
    assert browser.find("#email").get_attribute("value") == email
    with server.db() as con:
        assert con.execute("SELECT COUNT(*) FROM account WHERE email = ?", (email,)).fetchone()[0] == 0
