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
    browser.sign_in(email, pw)  # no password opens it before its link: the password waits with the link
    assert browser.find(".error").text == "The e-mail address or the password is wrong."

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


def register(server, email, password):
    import requests

    from conftest import CSRF
    s = requests.Session()
    page = s.get(server.url + "/register", timeout=10)
    r = s.post(server.url + "/register", timeout=30, data={
        "csrf": CSRF.search(page.text).group(1), "email": email, "name": "x", "password": password,
        "password2": password})
    assert r.status_code == 200 and "Check your e-mail" in r.text, r.text
    return s


def test_pre_registration_hijack_fails(server):
    """The attacker registers the victim's address first; the victim registers it too and
    confirms with the link of their own registration; the account opens with the victim's
    password only, and the attacker's link no longer works (test_mail_links.py has both
    orders, parallel registrations and an administrator's account)."""
    import requests

    from conftest import CSRF, SCOPE, assert_cause, assert_token
    victim = new_email("victim")
    attacker_pw, victim_pw = new_password(), new_password()
    register(server, victim, attacker_pw)
    attackers_link = links_for(server, victim)[-1]
    local, domain = victim.split("@")
    spelled = local.upper() + "@" + domain  # another spelling of the same address
    register(server, spelled, victim_pw)
    victims_link = links_for(server, spelled)[-1]
    assert victims_link != attackers_link

    def confirm(link):
        s = requests.Session()
        page = s.get(link, timeout=10)
        return s.post(server.url + "/confirm", timeout=10, allow_redirects=False, data={
            "csrf": CSRF.search(page.text).group(1), "token": link.rsplit("=", 1)[1]})
    assert confirm(victims_link).status_code in (302, 303)
    assert confirm(attackers_link).status_code == 400
    create = lambda pw: server.create({"EMAIL_ID": victim, "PASSWORD": pw, "SCOPE": SCOPE})  # noqa: E731
    assert_cause(create(attacker_pw), "INVALID_PASSWORD")
    assert_token(create(victim_pw))
    # Registering the confirmed address again changes nothing; the owner is told by mail.
    register(server, victim, attacker_pw)
    assert_cause(create(attacker_pw), "INVALID_PASSWORD")
    log = (server.data_dir / "authtoken-fcgi.log").read_text()
    assert "Someone tried to register with your address" in log
