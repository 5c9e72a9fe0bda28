"""Issue 20, items 2, 3, 9 and 14b, as an outsider would try them through nginx: mailed links
that follow a forged Host, registration takeover (both orders, in parallel, and of an account
an administrator made), mail floods through /register, and an outsider holding back the
owner's reset mails. The server log stands in for mail (AUTHTOKEN_SENDMAIL is not set)."""
import re
import threading

import pytest
import requests

from conftest import (assert_cause, assert_token, CSRF, GENEROUS_THROTTLE, new_email, new_password,
                      running_instance, SCOPE, sign_in)

LINK = re.compile(r"link=(\S+?/(?:confirm|reset)\?token=[0-9a-f]{64})")


def log_of(inst):
    return (inst.data_dir / "authtoken-fcgi.log").read_text()


def links_for(inst, email):
    return [m.group(1) for line in log_of(inst).splitlines() if email.lower() in line.lower()
            for m in [LINK.search(line)] if m]


def post_form(inst, path, fields, host=None, session=None):
    s = session or requests.Session()
    headers = {"Host": host} if host else {}
    page = s.get(inst.url + path, headers=headers, timeout=10)
    return s.post(inst.url + path, data={"csrf": CSRF.search(page.text).group(1), **fields},
                  headers=headers, timeout=30, allow_redirects=False)


def register(inst, email, password, host=None):
    return post_form(inst, "/register", {"email": email, "name": "x", "password": password,
                                         "password2": password}, host=host)


def confirm(inst, link):
    s = requests.Session()
    page = s.get(link, timeout=10)
    return s.post(inst.url + "/confirm", timeout=10, allow_redirects=False,
                  data={"csrf": CSRF.search(page.text).group(1), "token": link.rsplit("=", 1)[1]})


def api(inst, email, password):
    return inst.create({"EMAIL_ID": email, "PASSWORD": password, "SCOPE": SCOPE}, form="post-body")


def wait_for_links(inst, email, count, timeout=10):
    """Reset mails leave on their own thread: wait until `count` links are logged."""
    import time
    deadline = time.monotonic() + timeout
    while len(links_for(inst, email)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # and no more than that
    return links_for(inst, email)


# ---- Item 2: links come from AUTHTOKEN_PUBLIC_URL, never from the request ----------

def test_mailed_links_ignore_a_forged_host(server):
    email, pw = new_email("hostreset"), new_password()
    server.add_user(email, pw)
    r = post_form(server, "/forgot", {"email": email}, host="attacker.example")
    assert r.status_code == 200 and "Check your e-mail" in r.text
    newcomer = new_email("hostreg")
    assert "Check your e-mail" in register(server, newcomer, new_password(), host="attacker.example").text
    reset = wait_for_links(server, email, 1)
    confirmation = links_for(server, newcomer)
    assert len(reset) == 1 and len(confirmation) == 1
    assert reset[0].startswith(server.url + "/reset?token=")
    assert confirmation[0].startswith(server.url + "/confirm?token=")
    assert "link=http://attacker.example" not in log_of(server)


@pytest.fixture(scope="module")
def no_url(tmp_path_factory):
    with running_instance(tmp_path_factory, "no-public-url", {**GENEROUS_THROTTLE, "AUTHTOKEN_PUBLIC_URL": ""}) as inst:
        yield inst


def test_without_a_public_url_no_link_is_mailed(no_url):
    assert ("AUTHTOKEN_PUBLIC_URL is not set: no mail with a link is sent (registration, password reset); "
            "set AUTHTOKEN_PUBLIC_URL to the URL browsers reach this server at") in log_of(no_url)
    email = new_email("nourl")
    no_url.add_user(email, new_password())
    for r in (post_form(no_url, "/forgot", {"email": email}, host="attacker.example"),
              register(no_url, new_email("nourlreg"), new_password(), host="attacker.example"),
              register(no_url, email, new_password())):
        assert r.status_code == 503
        assert "has not set AUTHTOKEN_PUBLIC_URL" in r.text and "token=" not in r.text
    import time
    time.sleep(0.5)
    log = log_of(no_url)
    assert "token=" not in log and "mail not sent" not in log
    with no_url.db() as con:
        assert con.execute("SELECT COUNT(*) FROM confirmation").fetchone()[0] == 0
        assert con.execute("SELECT COUNT(*) FROM password_reset").fetchone()[0] == 0


# ---- Item 3: registration takeover -------------------------------------------------

@pytest.mark.parametrize("owner_first", [True, False])
def test_each_link_confirms_its_own_registrations_password(server, owner_first):
    victim, owner_pw, outsider_pw = new_email("takeover"), new_password(), new_password()
    order = [owner_pw, outsider_pw] if owner_first else [outsider_pw, owner_pw]
    links = {}
    for pw in order:
        assert "Check your e-mail" in register(server, victim, pw).text
        links[pw] = links_for(server, victim)[-1]
    assert len(set(links.values())) == 2
    assert_cause(api(server, victim, owner_pw), "INVALID_PASSWORD")  # no password before a link
    assert confirm(server, links[owner_pw]).status_code in (302, 303)
    assert confirm(server, links[outsider_pw]).status_code == 400
    assert_cause(api(server, victim, outsider_pw), "INVALID_PASSWORD")
    assert_token(api(server, victim, owner_pw))
    # Registering the confirmed address again changes nothing.
    register(server, victim, outsider_pw)
    assert_cause(api(server, victim, outsider_pw), "INVALID_PASSWORD")
    assert_token(api(server, victim, owner_pw))


def test_parallel_registrations_never_change_the_owners_link(server):
    victim, owner_pw = new_email("parallel"), new_password()
    register(server, victim, owner_pw)
    owners_link = links_for(server, victim)[0]
    outsiders = [new_password() for _ in range(4)]
    answers = []
    threads = [threading.Thread(target=lambda pw=pw: answers.append(register(server, victim, pw).status_code))
               for pw in outsiders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [200] * 4
    assert len(links_for(server, victim)) == 5
    with server.db() as con:
        row = con.execute("SELECT id, password_hash, confirmed FROM account WHERE email = ?", (victim,)).fetchone()
        assert (row["password_hash"], row["confirmed"]) == ("", 0)
        assert con.execute("SELECT COUNT(*) FROM confirmation WHERE account_id = ?", (row["id"],)).fetchone()[0] == 5
    assert confirm(server, owners_link).status_code in (302, 303)
    for pw in outsiders:
        assert_cause(api(server, victim, pw), "INVALID_PASSWORD")
    for link in links_for(server, victim)[1:]:
        assert confirm(server, link).status_code == 400
    assert_token(api(server, victim, owner_pw))


def test_an_account_an_admin_made_is_not_open_to_registration(server):
    email, admin_pw, outsider_pw = new_email("adminmade"), new_password(), new_password()
    server.add_user(email, admin_pw, confirmed=False)
    r = register(server, email, outsider_pw)
    assert r.status_code == 200 and "Check your e-mail" in r.text
    assert links_for(server, email) == []
    assert [line for line in log_of(server).splitlines() if email in line and "Someone tried" in line]
    server.admin("user", "confirm", email)
    assert_cause(api(server, email, outsider_pw), "INVALID_PASSWORD")
    assert_token(api(server, email, admin_pw))


# ---- Item 9: registration mails per recipient --------------------------------------

def test_thirty_registrations_mail_one_address_five_times(server):
    email = new_email("regflood")
    statuses = [register(server, email if i % 2 else email.upper(), new_password()).status_code for i in range(30)]
    assert statuses == [200] * 30
    assert len(links_for(server, email)) == 5
    metrics = requests.get(server.url + "/_authtoken/metrics", timeout=10).text
    limited = [line for line in metrics.splitlines() if line.startswith("authtoken_mails_total{")
               and 'kind="registration"' in line and 'outcome="limited"' in line]
    assert len(limited) == 1 and float(limited[0].rsplit(" ", 1)[1]) >= 25


# ---- Item 14b: an outsider cannot hold back the owner's reset mails ----------------

@pytest.fixture(scope="module")
def own(tmp_path_factory):
    """An instance of its own: the reset limits count by client address, and every test
    client is 127.0.0.1."""
    with running_instance(tmp_path_factory, "reset-limits", GENEROUS_THROTTLE) as inst:
        yield inst


def test_an_outsider_cannot_stop_the_owners_reset_mails(own):
    email, pw = new_email("resetdos"), new_password()
    own.add_user(email, pw)
    owners_browser = sign_in(own, email, pw)  # a successful sign-in: the device cookie
    assert "authtoken_device" in owners_browser.cookies
    for _ in range(30):
        assert post_form(own, "/forgot", {"email": email}).status_code == 200
    assert len(wait_for_links(own, email, 5)) == 5
    # The owner, from the same (now refused) address, in the browser that signed in before.
    assert post_form(own, "/forgot", {"email": email}, session=owners_browser).status_code == 200
    links = wait_for_links(own, email, 6)
    assert len(links) == 6
    new = new_password()
    s = requests.Session()
    page = s.get(links[-1], timeout=10)
    r = s.post(own.url + "/reset", timeout=30, allow_redirects=False, data={
        "csrf": CSRF.search(page.text).group(1), "token": links[-1].rsplit("=", 1)[1], "new": new, "new2": new})
    assert r.status_code in (302, 303) and r.headers["Location"] == "/signin?reset=1"
    assert_token(api(own, email, new))
