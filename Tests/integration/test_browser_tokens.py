"""Browser mode and the Active Authtokens page, in a real headless Chromium, checked
against the database."""
import re
import time

import pytest

from conftest import SECRETS, TOKEN, digest, new_email, new_password

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def person(browser, server):
    email, pw = new_email("tokens"), new_password()
    server.add_user(email, pw)
    return email, pw


def guarded_call(server, token, fmt="xml"):
    return server.http.get(f"{server.url}/recruit/private/{fmt}/JobOpenings/getRecords",
                           params={"authtoken": token, "scope": "recruitapi"}, timeout=10)


def is_4834(response):
    return response.status_code == 200 and "<code>4834</code>" in response.text


def shown_token(browser):
    token = browser.find("#token-value").text
    assert TOKEN.match(token), token
    SECRETS.append(token)
    return token


def test_browser_mode_signs_in_confirms_and_shows_the_token(browser, server, person):
    email, pw = person
    browser.open("/apiauthtoken/create?SCOPE=ZohoRecruit/recruitapi&DISPLAY_NAME=" + HOSTILE)
    assert browser.path().startswith("/signin?next=")
    browser.sign_in(email, pw)
    # Back at exactly the URL that was asked for (as the browser encoded it).
    assert browser.path() == "/apiauthtoken/create?SCOPE=ZohoRecruit/recruitapi&DISPLAY_NAME=%3Cscript%3Ealert(1)%3C/script%3E"
    assert browser.h1() == "Create an auth token?"
    assert browser.find("dd.name").text == HOSTILE
    assert browser.find("dd.scopes").text == "ZohoRecruit/recruitapi"
    assert server.tokens_of(email) == []
    browser.shot("browser-mode-confirm")
    browser.submit("Create token")
    assert browser.h1() == "Token created"
    token = shown_token(browser)
    answer = browser.find("#legacy-answer").text.split("\n")
    assert answer[0] == "#" and answer[2:] == [f"AUTHTOKEN={token}", "RESULT=TRUE"]
    assert browser.find("button[data-copy=token-value]").is_displayed()  # copy.js ran
    browser.shot("token-created")
    assert browser.console_errors() == []

    rows = server.tokens_of(email)
    assert len(rows) == 1
    assert rows[0]["digest"] == digest(token)
    assert rows[0]["hint"] == "…" + token[-4:]
    assert rows[0]["display_name"] == HOSTILE
    assert rows[0]["scopes"] == "ZohoRecruit/recruitapi"

    browser.open("/tokens")
    cards = browser.find_all("li.token")
    assert len(cards) == 1
    assert cards[0].find_element("css selector", "h2").text == HOSTILE
    assert cards[0].find_element("css selector", "code.hint").text == "…" + token[-4:]
    assert cards[0].find_element("css selector", "dd.last-used").text == "never"
    assert token not in browser.d.page_source

    # The token works in API-style use, and the page then shows its last use.
    assert guarded_call(server, token).status_code == 200
    assert "JobOpenings" in guarded_call(server, token).text
    deadline = time.monotonic() + 10
    while "from 127.0.0.1" not in browser.find("li.token dd.last-used").text and time.monotonic() < deadline:
        time.sleep(0.3)
        browser.open("/tokens")
    assert browser.find("li.token span.last-used-from").text == "127.0.0.1"
    browser.shot("tokens-last-used")


def test_nb_path_and_bad_scope_get_clear_pages(browser, server, person):
    email, pw = person
    browser.open("/signin")
    browser.sign_in(email, pw)
    browser.open("/apiauthtoken/nb/create?SCOPE=ZohoMail/mailapi")
    assert browser.h1() == "Unknown scope"
    assert "ZohoMail/mailapi" in browser.find("main p").text
    browser.shot("browser-mode-bad-scope")
    browser.open("/apiauthtoken/nb/create?SCOPE=crmapi")
    assert browser.find("dd.scopes").text == "ZohoCRM/crmapi"
    assert browser.find("dd.name").text == "ZohoCRM/crmapi"
    browser.submit("Create token")
    token = shown_token(browser)
    assert [r["digest"] for r in server.tokens_of(email)] == [digest(token)]


def test_create_regenerate_and_remove_on_the_token_page(browser, server, person):
    email, pw = person
    browser.open("/signin")
    browser.sign_in(email, pw)
    assert "You have no tokens yet." in browser.find("main").text
    browser.fill(name="Nightly recruiting sync")
    from selenium.webdriver.support.select import Select
    Select(browser.find("#scope")).select_by_value("ZohoRecruit/recruitapi")
    browser.submit("Create token")
    first = shown_token(browser)
    browser.open("/tokens")
    browser.fill(name="Invoices")
    Select(browser.find("#scope")).select_by_value("ZohoInvoice/invoiceapi")
    browser.submit("Create token")
    second = shown_token(browser)
    browser.open("/tokens")
    assert [c.find_element("css selector", "h2").text for c in browser.find_all("li.token")] == [
        "Nightly recruiting sync", "Invoices"]
    browser.shot("tokens")
    browser.shot("tokens-phone", width=390)

    # Regenerate the first: same id, name and scope; new digest; the old one is gone.
    rows = {r["display_name"]: r for r in server.tokens_of(email)}
    first_id = rows["Nightly recruiting sync"]["id"]
    assert rows["Nightly recruiting sync"]["digest"] == digest(first)
    assert rows["Invoices"]["digest"] == digest(second)
    browser.find(f"#token-{first_id} a[href^='/tokens/regenerate']").click()
    assert browser.h1() == "Regenerate this token?"
    browser.shot("token-regenerate-confirm")
    browser.submit("Regenerate")
    assert browser.h1() == "Token regenerated"
    renewed = shown_token(browser)
    assert renewed != first
    with server.db() as con:
        assert con.execute("SELECT COUNT(*) FROM token WHERE digest = ?", (digest(first),)).fetchone()[0] == 0
    rows = {r["display_name"]: r for r in server.tokens_of(email)}
    assert rows["Nightly recruiting sync"]["id"] == first_id
    assert rows["Nightly recruiting sync"]["digest"] == digest(renewed)
    assert rows["Nightly recruiting sync"]["scopes"] == "ZohoRecruit/recruitapi"
    browser.open("/tokens")
    assert browser.find(f"#token-{first_id} code.hint").text == "…" + renewed[-4:]
    # The old value is refused at once; the new one works.
    assert is_4834(guarded_call(server, first))
    renewed_call = guarded_call(server, renewed)
    assert renewed_call.status_code == 200 and "JobOpenings" in renewed_call.text

    # Remove the second, after its confirmation page.
    second_id = rows["Invoices"]["id"]
    browser.find(f"#token-{second_id} a[href^='/tokens/remove']").click()
    assert browser.h1() == "Remove this token?"
    assert browser.find("dd.name").text == "Invoices"
    browser.shot("token-remove-confirm")
    browser.submit("Remove permanently")
    assert browser.path() == "/tokens?done=removed"
    assert "The token was removed." in browser.find(".notice").text
    assert [r["digest"] for r in server.tokens_of(email)] == [digest(renewed)]
    assert len(browser.find_all("li.token")) == 1


def test_someone_elses_token_is_a_404(browser, server, person):
    email, pw = person
    other, other_pw = new_email("other"), new_password()
    server.add_user(other, other_pw)
    browser.open("/signin")
    browser.sign_in(other, other_pw)
    browser.fill(name="Mine")
    browser.submit("Create token")
    shown_token(browser)
    theirs = server.tokens_of(other)[0]
    browser.submit("Sign out")
    browser.sign_in(email, pw)
    browser.open(f"/tokens/remove?id={theirs['id']}")
    assert browser.h1() == "No such token"
    browser.open(f"/tokens/regenerate?id={theirs['id']}")
    assert browser.h1() == "No such token"
    assert [r["digest"] for r in server.tokens_of(other)] == [theirs["digest"]]


def test_developer_space_shows_this_servers_urls(browser, server, person):
    email, pw = person
    browser.open("/developer")
    browser.sign_in(email, pw)
    assert browser.h1() == "Developer Space"
    base = server.url
    assert browser.find("#browser-mode").text == f"{base}/apiauthtoken/create?SCOPE=ZohoRecruit/recruitapi&DISPLAY_NAME=my%20script"
    assert browser.find("#api-call").text == (
        f"{base}/recruit/private/xml/JobOpenings/getRecords?authtoken=YOUR_AUTHTOKEN&scope=recruitapi")
    assert browser.find("#api-mode").text.startswith(f"{base}/apiauthtoken/nb/create?SCOPE=ZohoRecruit/recruitapi&EMAIL_ID=")
    assert "PASSWORD=YOUR_PASSWORD" in browser.find("#api-mode").text
    curl = browser.find("#curl-create").text
    assert curl.startswith("read -rs PASSWORD; curl ") and pw not in curl
    assert re.search(r"curl \"http://127\.0\.0\.1:\d+/recruit/private/json/", browser.find("#curl-call").text)
    assert all(b.is_displayed() for b in browser.find_all("button.copy"))
    browser.shot("developer")
    browser.shot("developer-phone", width=390)
    assert browser.console_errors() == []
