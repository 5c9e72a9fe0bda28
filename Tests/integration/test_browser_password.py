"""Accounts people can live with, in headless Chromium: change the password, reset a
forgotten one with the link from the outgoing mail (the server log stands in for mail), the
sessions page, and the form's timing for unknown addresses."""
import re
import statistics
import time

import requests

from conftest import (CSRF, SCOPE, SECRETS, assert_cause, assert_token, new_email, new_password, sign_in,
                      totp)

RESET_LINK = re.compile(r"link=(http://127\.0\.0\.1:\d+/reset\?token=([0-9a-f]{64}))")


def reset_links(server, email):
    """The reset links mailed to `email` so far (the mail goes out on its own thread)."""
    deadline = time.monotonic() + 10
    while True:
        log = (server.data_dir / "authtoken-fcgi.log").read_text()
        links = [m.group(1) for line in log.splitlines() if email in line for m in [RESET_LINK.search(line)] if m]
        if links or time.monotonic() > deadline:
            return links
        time.sleep(0.1)


def api(server, email, password):
    return server.create({"EMAIL_ID": email, "PASSWORD": password, "SCOPE": SCOPE}, form="post-body")


def signed_in(server, session):
    return session.get(server.url + "/tokens", timeout=10, allow_redirects=False).status_code == 200


def test_change_password_ends_other_sessions_and_the_old_password(browser, server):
    email, pw, new = new_email("chpw"), new_password(), new_password()
    server.add_user(email, pw)
    elsewhere = sign_in(server, email, pw)
    token = assert_token(server.create({"EMAIL_ID": email, "PASSWORD": pw, "SCOPE": "ZohoRecruit/recruitapi"}))
    browser.open("/signin")
    browser.sign_in(email, pw)
    browser.find("nav a[href='/password']").click()
    assert browser.h1() == "Change your password"
    assert "tokens and application passwords keep working" in browser.find(".aside").text
    browser.fill(current=pw, new=new, new2=new)
    browser.submit("Change password")
    assert browser.path() == "/password?done=1"
    assert "other sessions were signed out" in browser.find(".notice").text
    browser.shot("password-changed")
    assert not signed_in(server, elsewhere)
    assert_cause(api(server, email, pw), "INVALID_PASSWORD")
    assert_token(api(server, email, new))
    # The token made before still works: it does not depend on the password.
    r = requests.get(f"{server.url}/recruit/private/json/JobOpenings/getRecords?authtoken={token}&scope=recruitapi",
                     timeout=10)
    assert r.status_code == 200 and r.headers.get("X-Seen-Authtoken-Email") == email
    browser.open("/tokens")
    assert browser.path() == "/tokens"  # this browser stays signed in


def test_forgotten_password_reset_with_the_mailed_link(browser, server):
    email, pw, new = new_email("forgot"), new_password(), new_password()
    server.add_user(email, pw)
    elsewhere = sign_in(server, email, pw)
    browser.open("/signin")
    browser.find("a[href='/forgot']").click()
    assert browser.h1() == "Reset your password"
    browser.fill(email=email.upper())
    browser.submit("Send the link")
    assert browser.h1() == "Check your e-mail"
    browser.shot("forgot-sent")
    links = reset_links(server, email)
    assert len(links) == 1
    browser.d.get(links[0])
    assert browser.h1() == "Choose a new password"
    assert not browser.find_all("#code")
    browser.fill(new=new, new2=new)
    browser.submit("Set the new password")
    assert browser.path() == "/signin?reset=1"
    assert not signed_in(server, elsewhere)
    browser.sign_in(email, new)
    assert browser.path() == "/tokens"
    assert_cause(api(server, email, pw), "INVALID_PASSWORD")
    # The link worked once.
    browser.d.get(links[0])
    assert browser.h1() == "This link does not work"


def test_a_reset_for_a_two_factor_account_needs_its_code(browser, server):
    email, pw, new = new_email("forgot2fa"), new_password(), new_password()
    server.add_user(email, pw)
    s = sign_in(server, email, pw)
    page = s.post(server.url + "/twofactor/setup", timeout=10,
                  data={"csrf": CSRF.search(s.get(server.url + "/twofactor", timeout=10).text).group(1)})
    secret = re.search(r'data-secret="([A-Z2-7]+)"', page.text).group(1)
    SECRETS.append(secret)
    r = s.post(server.url + "/twofactor/confirm", timeout=10,
               data={"csrf": CSRF.search(page.text).group(1), "password": pw, "code": totp(secret)})
    assert r.status_code == 200, r.text
    forgot = requests.Session()
    form = forgot.get(server.url + "/forgot", timeout=10)
    forgot.post(server.url + "/forgot", data={"csrf": CSRF.search(form.text).group(1), "email": email}, timeout=10)
    link = reset_links(server, email)[0]
    browser.d.get(link)
    browser.fill(new=new, new2=new, code="000000" if totp(secret, step_offset=1) != "000000" else "111111")
    browser.submit("Set the new password")
    assert "two-factor code was wrong" in browser.find(".error").text
    browser.shot("reset-needs-code")
    assert_cause(api(server, email, pw), "WEB_LOGIN_REQUIRED")  # the old password still stands
    browser.fill(new=new, new2=new, code=totp(secret, step_offset=1))
    browser.submit("Set the new password")
    assert browser.path() == "/signin?reset=1"
    assert_cause(api(server, email, new), "WEB_LOGIN_REQUIRED")  # new password, still two-factor


def test_the_sessions_page_ends_another_browsers_session(browser, server):
    email, pw = new_email("sessions"), new_password()
    server.add_user(email, pw)
    other = sign_in(server, email, pw)
    other.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
    assert signed_in(server, other)
    browser.open("/signin")
    browser.sign_in(email, pw)
    browser.find("nav a[href='/sessions']").click()
    cards = browser.find_all("li.session")
    assert len(cards) == 2
    assert "(this one)" in cards[0].text or "(this one)" in cards[1].text
    browser.shot("sessions")
    browser.submit("Sign out this session")
    assert "That session was signed out." in browser.find(".notice").text
    assert len(browser.find_all("li.session")) == 1
    assert not signed_in(server, other)


def test_the_form_takes_as_long_for_unknown_addresses_as_for_wrong_passwords(server):
    """The decoy hash: compared in one run, interleaved, many samples."""
    email = new_email("timing")
    server.add_user(email, new_password())
    s = requests.Session()
    token = CSRF.search(s.get(server.url + "/signin", timeout=10).text).group(1)

    def attempt(address, expect="is wrong"):
        started = time.perf_counter()
        r = s.post(server.url + "/signin", timeout=30, allow_redirects=False,
                   data={"csrf": token, "email": address, "password": "wrong-password-1"})
        assert r.status_code in (200, 400) and expect in r.text, r.status_code
        return time.perf_counter() - started

    unknown, wrong, no_hash = [], [], []
    for i in range(30):
        unknown.append(attempt(new_email("nobody")))
        wrong.append(attempt(email))
        # Not an address: refused before any hash, so this is the page without the hash.
        no_hash.append(attempt(f"nobody{i}@exаmple.com", expect="not an e-mail address"))
    hash_time = statistics.median(wrong) - statistics.median(no_hash)
    difference = abs(statistics.median(unknown) - statistics.median(wrong))
    assert hash_time > 0.002, (statistics.median(wrong), statistics.median(no_hash))
    # Without the decoy the difference would be the whole hash; with it, noise.
    assert difference < hash_time / 2, (statistics.median(unknown), statistics.median(wrong), hash_time)
