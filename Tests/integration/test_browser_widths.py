"""Every page fits the window (issue 26), in real headless Chromium: each page a person or an
administrator can see, filled with long addresses, long names and many scopes, at 1280 CSS
pixels (a laptop) and at 390 (a phone). A screenshot of each, `width-<w>-<page>.png`.

At both widths the page itself must not be wider than the window (`scrollWidth` of the root
and of the body within the viewport). At 1280 nothing on the page may scroll sideways either:
a table wrapper with its own horizontal scrollbar there is the overflow issue 26 is about.
At 390 a wide table may scroll inside its wrapper; the page around it may not.

A new page is one line in PAGES."""
import collections
import re
import secrets
import sqlite3
import time
import types

import pytest

from conftest import (SECRETS, Browser, GENEROUS_THROTTLE, Instance, assert_token, new_password, sign_in,
                      totp)
from test_admin_pages import make_admin

WIDTHS = (1280, 390)
ALL_SCOPES = ("ZohoRecruit/recruitapi,ZohoCRM/crmapi,ZohoInventory/inventoryapi,ZohoInvoice/invoiceapi,"
              "ZohoProjects/projectsapi,ZohoPC/docsapi")
LONG_NAME = "Nightly synchronisation of the recruiting pipeline with invoicing, inventory and projects"
APP_PASSWORD_NAME = "Backup script on the build server in the second data centre (rack 14)"

# The steps in the browser that reach the pages behind a form.


def create_token(browser, world):
    browser.fill(name=LONG_NAME[:60] + " " + secrets.token_hex(3))
    browser.submit("Create token")
    SECRETS.append(browser.find("#token-value").text)


def generate_app_password(browser, world):
    browser.fill(name=APP_PASSWORD_NAME, password=world["user_password"])
    browser.submit("Generate")
    SECRETS.append(browser.find("#app-password-value").text)


def set_up_two_factor(browser, world):
    browser.submit("Set up two-factor sign-in")


def turn_on_two_factor(browser, world):
    browser.submit("Set up two-factor sign-in")
    secret = browser.find("#totp-secret").get_attribute("data-secret")
    SECRETS.append(secret)
    browser.fill(password=world["fresh_password"], code=totp(secret))
    browser.submit("Turn on")
    SECRETS.extend(c.text for c in browser.find_all(".recovery-codes code"))


def start_key(browser, world):
    browser.find("#key-name").send_keys("YubiKey 5C NFC on the key ring of the office in Amsterdam")
    browser.find("#key-password").send_keys(world["user_password"])
    browser.submit("Add a security key or passkey")


def remove_last_key(browser, world):
    """Adds a security key with Chromium's virtual authenticator, then asks to remove it: the
    account's last second factor, so the page asks for the password first."""
    from selenium.webdriver.common.virtual_authenticator import VirtualAuthenticatorOptions
    browser.d.add_virtual_authenticator(VirtualAuthenticatorOptions(
        protocol=VirtualAuthenticatorOptions.Protocol.CTAP2, transport=VirtualAuthenticatorOptions.Transport.USB,
        has_resident_key=True, has_user_verification=True, is_user_verified=True))
    try:
        start_key(browser, {"user_password": world["keyed_password"]})
        browser.submit("Use my security key")
        assert browser.h1() == "Two-factor sign-in is on"
        SECRETS.extend(c.text for c in browser.find_all(".recovery-codes code"))
        browser.open("/twofactor")
        browser.submit("Remove")
    finally:
        browser.d.remove_virtual_authenticator()


def password_step(browser, world):
    browser.sign_in(world["admin_email"], world["admin_password"])


def register(browser, world):
    pw = new_password()
    browser.fill(email=f"maximiliane.wolkenstein-rodenegg-{secrets.token_hex(3)}@personnel.example.com",
                 name="Maximiliane Wolkenstein-Rodenegg", password=pw, password2=pw)
    browser.submit("Create account")


Page = collections.namedtuple("Page", "name who path h1 step", defaults=(None,))
ANYONE, USER, FRESH, KEYED, ADMIN = "anyone", "user", "fresh", "keyed", "admin"
DEAD = "0" * 64

# Every page, as (screenshot name, who sees it, path, its exact heading[, a step in the browser]).
# {name} in the path and heading is filled from the seeded data (`world`).
PAGES = [
    Page("signin", ANYONE, "/signin", "Sign in"),
    Page("signin-code", ANYONE, "/signin", "Two-factor sign-in", password_step),
    Page("register", ANYONE, "/register", "Create an account"),
    Page("registered", ANYONE, "/register", "Check your e-mail", register),
    Page("confirm", ANYONE, f"/confirm?token={DEAD}", "Confirm your account"),
    Page("forgot", ANYONE, "/forgot", "Reset your password"),
    Page("message-dead-link", ANYONE, f"/reset?token={DEAD}", "This link does not work"),
    Page("tokens", USER, "/tokens", "Active Authtokens"),
    Page("token-created", USER, "/tokens", "Token created", create_token),
    Page("token-regenerate", USER, "/tokens/regenerate?id={token_id}", "Regenerate this token?"),
    Page("token-renew", USER, "/tokens/regenerate?id={expired_token_id}", "Renew this token?"),
    Page("token-remove", USER, "/tokens/remove?id={token_id}", "Remove this token?"),
    Page("token-usage", USER, "/tokens/usage?id={token_id}", "Use of “" + LONG_NAME + "”"),
    Page("browser-confirm", USER, "/apiauthtoken/create?SCOPE=" + ALL_SCOPES + "&DISPLAY_NAME=" + LONG_NAME,
         "Create an auth token?"),
    Page("message", USER, "/tokens/remove?id=999999", "No such token"),
    Page("app-passwords", USER, "/app-passwords", "Application passwords"),
    Page("app-password-created", USER, "/app-passwords", "New application password", generate_app_password),
    Page("sessions", USER, "/sessions", "Where you are signed in"),
    Page("activity", USER, "/activity", "Recent activity"),
    Page("password", USER, "/password", "Change your password"),
    Page("twofactor", USER, "/twofactor", "Two-factor sign-in"),
    Page("twofactor-setup", USER, "/twofactor", "Turn on two-factor sign-in", set_up_two_factor),
    Page("twofactor-key", USER, "/twofactor", "Add a security key", start_key),
    Page("twofactor-codes", FRESH, "/twofactor", "Two-factor sign-in is on", turn_on_two_factor),
    Page("twofactor-key-remove", KEYED, "/twofactor", "Remove your last security key", remove_last_key),
    Page("developer", USER, "/developer", "Developer Space"),
    Page("admin-overview", ADMIN, "/admin/overview", "Overview"),
    Page("admin-accounts", ADMIN, "/admin/accounts", "Accounts"),
    Page("admin-accounts-filtered", ADMIN, "/admin/accounts?q=example&twofactor=1", "Accounts"),
    Page("admin-account", ADMIN, "/admin/account?id={user_id}", "{user_email}"),
    Page("admin-confirm", ADMIN, "/admin/account/action?id={user_id}&action=deactivate", "Deactivate: {user_email}?"),
    Page("admin-tokens", ADMIN, "/admin/tokens", "Credentials inventory"),
    Page("admin-tokens-filtered", ADMIN, "/admin/tokens?scope=ZohoCRM/crmapi&sort=oldest",
         "Credentials inventory"),
    Page("admin-token-revoke", ADMIN, "/admin/tokens/revoke?id={token_id}",
         "Revoke the token “" + LONG_NAME + "” of {user_email}?"),
    Page("admin-tokens-revoke-all", ADMIN, "/admin/tokens/revoke-all?owner={user_email}&scope=ZohoPC/docsapi",
         "Revoke 3 tokens?"),
    Page("admin-app-passwords", ADMIN, "/admin/app-passwords", "Application passwords"),
    Page("admin-app-password-revoke", ADMIN, "/admin/app-passwords/revoke?id={app_password_id}&account={user_id}",
         "Revoke the application password “" + APP_PASSWORD_NAME + " #0” of {user_email}?"),
    Page("admin-activity", ADMIN, "/admin/activity", "Activity"),
    Page("admin-audit", ADMIN, "/admin/activity?kind=admin-audit", "Activity"),
]

# How wide the page is, and which of its parts scroll sideways.
MEASURE = """
const root = document.documentElement;
const scrolling = [...document.querySelectorAll('body *')].filter(e => {
  const x = getComputedStyle(e).overflowX;
  return (x === 'auto' || x === 'scroll') && e.scrollWidth > e.clientWidth;
}).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
        + ' ' + e.scrollWidth + '>' + e.clientWidth);
return {inner: window.innerWidth, client: root.clientWidth, root: root.scrollWidth,
        body: document.body.scrollWidth, scrolling: scrolling};
"""


def long_email(first, last):
    return f"{first}.{last}-{secrets.token_hex(3)}@engineering-department.example.com"


def api_token(inst, email, pw, scope, name):
    return assert_token(inst.create({"EMAIL_ID": email, "PASSWORD": pw, "SCOPE": scope, "DISPLAY_NAME": name},
                                    form="post-body"))


def add_app_password(inst, session, name, pw):
    page = session.get(inst.url + "/app-passwords", timeout=10).text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    r = session.post(inst.url + "/app-passwords", data={"csrf": csrf, "name": name, "password": pw}, timeout=60)
    assert r.status_code == 200, r.text
    value = re.search(r'id="app-password-value" class="secret">([^<]+)<', r.text).group(1)
    SECRETS.append(value)
    return value


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """An instance full of realistic data: people with 50-character addresses, tokens with long
    names and every scope, application passwords, activity; the sessions that see it."""
    inst = Instance(tmp_path_factory.mktemp("widths"), env=GENEROUS_THROTTLE)
    # The browser opens the localhost URL, the one a security key's RP ID names.
    inst.env["AUTHTOKEN_PUBLIC_URL"] = f"http://localhost:{inst.port}"
    try:
        inst.start()
        seeded = seed(inst)
        yield seeded
        assert inst.stop() == 0, inst.output()
    finally:
        inst.kill()


def seed(inst):
    user_email, user_pw = long_email("alexandra", "papadopoulou-konstantinidou"), new_password()
    assert len(user_email) > 60
    inst.add_user(user_email, user_pw, name="Alexandra Papadopoulou-Konstantinidou")
    tokens = [api_token(inst, user_email, user_pw, ALL_SCOPES, LONG_NAME),
              api_token(inst, user_email, user_pw, "ZohoCRM/crmapi,ZohoInvoice/invoiceapi,ZohoPC/docsapi",
                        "Quarterly CRM export for the finance department's reporting warehouse"),
              api_token(inst, user_email, user_pw, "ZohoRecruit/recruitapi", "recruiting")]
    SECRETS.extend(tokens)
    # One was used (the inventory shows from where), one expired.
    r = inst.http.get(f"{inst.url}/recruit/private/xml/JobOpenings/getRecords",
                      params={"authtoken": tokens[2], "scope": "recruitapi"}, timeout=10)
    assert r.status_code == 200
    for n in range(8):
        email, pw = long_email(f"person{n}", "van-der-westhuizen-oppenheimer"), new_password()
        inst.add_user(email, pw, name=f"Person {n} van der Westhuizen-Oppenheimer")
        SECRETS.append(api_token(inst, email, pw, ALL_SCOPES, f"{LONG_NAME} ({n})"))
    user = sign_in(inst, user_email, user_pw)
    app_passwords = [add_app_password(inst, user, f"{APP_PASSWORD_NAME} #{n}", user_pw) for n in range(2)]
    # A token made with an application password: the inventory names the password.
    SECRETS.append(api_token(inst, user_email, app_passwords[1], "ZohoProjects/projectsapi,ZohoPC/docsapi",
                             "Build server nightly artefact upload to the document store"))
    fresh_email, fresh_pw = long_email("bartholomew", "featherstonehaugh"), new_password()
    inst.add_user(fresh_email, fresh_pw)
    keyed_email, keyed_pw = long_email("wilhelmina", "cholmondeley-marjoribanks"), new_password()
    inst.add_user(keyed_email, keyed_pw)
    admin_email, admin_pw = long_email("administrator", "of-the-authtoken-service"), new_password()
    admin, _ = make_admin(inst, admin_email, admin_pw)
    con = sqlite3.connect(str(inst.data_dir / "authtoken.sqlite"), timeout=10)
    with con:
        user_id = con.execute("SELECT id FROM account WHERE email = ?", (user_email,)).fetchone()[0]
        ids = [r[0] for r in con.execute("SELECT id FROM token WHERE account_id = ? ORDER BY id", (user_id,))]
        con.execute("UPDATE token SET expires_at = ? WHERE id = ?", (int(time.time()) - 86400, ids[1]))
        app_password_id = con.execute("SELECT id FROM app_password WHERE account_id = ? ORDER BY id",
                                      (user_id,)).fetchone()[0]
    con.close()
    return {"inst": inst, "url": f"http://localhost:{inst.port}",
            "cookies": {USER: user.cookies["authtoken_session"], ADMIN: admin.cookies["authtoken_session"],
                        FRESH: sign_in(inst, fresh_email, fresh_pw).cookies["authtoken_session"],
                        KEYED: sign_in(inst, keyed_email, keyed_pw).cookies["authtoken_session"]},
            "user_email": user_email, "user_password": user_pw, "user_id": user_id,
            "token_id": ids[0], "expired_token_id": ids[1], "app_password_id": app_password_id,
            "fresh_password": fresh_pw, "keyed_password": keyed_pw, "admin_email": admin_email, "admin_password": admin_pw}


def fit(browser, width):
    """Sets the viewport to `width` CSS pixels and measures the page there."""
    browser.d.set_window_size(width, 900)
    inner = browser.d.execute_script("return window.innerWidth")
    if inner != width:  # the window's frame, if any, is outside the viewport
        browser.d.set_window_size(2 * width - inner, 900)
    m = browser.d.execute_script(MEASURE)
    assert m["inner"] == width, m
    return m


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_the_page_fits_the_window_at_1280_and_390_pixels(chrome, world, page):
    browser = Browser(chrome, types.SimpleNamespace(url=world["url"]))
    chrome.delete_all_cookies()
    chrome.set_window_size(1280, 900)
    if page.who != ANYONE:
        browser.open("/signin")
        chrome.add_cookie({"name": "authtoken_session", "value": world["cookies"][page.who], "path": "/"})
    chrome.get_log("browser")
    browser.open(page.path.format(**world))
    if page.step:
        page.step(browser, world)
    assert browser.h1() == page.h1.format(**world)
    # No refused style or script (the CSP allows no inline style): only a refusal page's own status.
    assert [e["message"] for e in browser.console_errors()
            if "the server responded with a status of 4" not in e["message"]] == []
    problems = []
    for width in WIDTHS:
        m = fit(browser, width)
        browser.shot(f"width-{width}-{page.name}", width=width)
        if m["root"] > m["client"] or m["body"] > m["client"]:
            problems.append(f"at {width}: the page is {max(m['root'], m['body'])} pixels wide in a"
                            f" {m['client']}-pixel window")
        if width == 1280 and m["scrolling"]:
            problems.append(f"at {width}: scrolls sideways: {', '.join(m['scrolling'])}")
    chrome.set_window_size(1280, 900)
    chrome.get_log("browser")  # the next test's console starts empty
    assert problems == [], f"{page.name}: " + "; ".join(problems)
