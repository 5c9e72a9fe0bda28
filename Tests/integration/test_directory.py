"""Directory sign-in (issue 24) against a real slapd (scripts/ldap-dir), through nginx:
API mode and the form, provisioning, the answers for wrong passwords and unknown people,
injection, TLS, a dead directory, and the sync that takes tokens from people who left."""
import re
import time

import pytest

from conftest import (CSRF, SCOPE, assert_cause, assert_token, new_email, new_password, running_instance,
                      sign_in)

SAMPLE = "/recruit/private/xml/JobOpenings/getRecords"


@pytest.fixture(scope="module")
def inst(tmp_path_factory, ldap_directory):
    with running_instance(tmp_path_factory, "directory", ldap_directory.env()) as inst:
        yield inst


def create(inst, email, password, scope=SCOPE):
    return inst.create({"SCOPE": scope, "EMAIL_ID": email, "PASSWORD": password})


def account(inst, email):
    with inst.db() as con:
        return con.execute("SELECT * FROM account WHERE email_key = ?", (email.lower(),)).fetchone()


def guarded(inst, token):
    """A guarded call: the sample data, or the legacy 4834 answer."""
    r = inst.http.get(inst.url + SAMPLE, params={"scope": "recruitapi", "authtoken": token}, timeout=10)
    assert r.status_code == 200
    return "4834" if "<code>4834</code>" in r.text else "data"


def form_sign_in(inst, email, password):
    s = inst.http.__class__()
    page = s.get(inst.url + "/signin", timeout=10)
    return s, s.post(inst.url + "/signin", timeout=60, allow_redirects=False,
                     data={"csrf": CSRF.search(page.text).group(1), "email": email, "password": password})


def sync(inst, *args):
    return inst.admin("directory", "sync", *args)


def test_api_mode_provisions_the_account_at_the_first_sign_in(inst, ldap_directory):
    assert account(inst, "alice@example.org") is None
    token = assert_token(create(inst, "alice@example.org", "alice-directory-password", scope="ZohoRecruit/recruitapi"))
    row = account(inst, "alice@example.org")
    assert (row["origin"], row["password_hash"], row["display_name"], row["confirmed"], row["active"], row["admin"]) \
        == ("directory", "", "Alice Liddell", 1, 1, 0)
    assert guarded(inst, token) == "data"
    # The second sign-in uses the same account.
    assert_token(create(inst, "Alice@Example.org", "alice-directory-password"))
    with inst.db() as con:
        assert con.execute("SELECT count(*) FROM account WHERE email_key = 'alice@example.org'").fetchone()[0] == 1
        details = [r[0] for r in con.execute(
            "SELECT detail FROM activity WHERE account_id = ? ORDER BY id", (row["id"],))]
    assert "directory: account made at first sign-in" in details


def test_the_form_signs_in_a_directory_person_and_the_admin_group_makes_an_admin(inst):
    s, r = form_sign_in(inst, "bob@example.org", "bob-directory-password")
    assert r.status_code in (302, 303), r.text
    assert s.get(inst.url + "/tokens", timeout=10).status_code == 200
    row = account(inst, "bob@example.org")
    assert (row["origin"], row["admin"]) == ("directory", 1)


def test_wrong_password_and_unknown_person_get_the_local_answers(inst):
    local, pw = new_email("local"), new_password()
    inst.add_user(local, pw)
    assert_cause(create(inst, local, "wrong-password-1"), "INVALID_PASSWORD")
    assert_cause(create(inst, "carol@example.org", "wrong-password-1"), "INVALID_PASSWORD")
    assert_cause(create(inst, new_email("nobody"), "any-password-1"), "NO_SUCH_USER")
    assert_cause(create(inst, "nobody-at-all@example.org", "any-password-1"), "NO_SUCH_USER")
    _, local_page = form_sign_in(inst, local, "wrong-password-1")
    _, directory_page = form_sign_in(inst, "carol@example.org", "wrong-password-1")
    _, unknown_page = form_sign_in(inst, "nobody-at-all@example.org", "wrong-password-1")
    message = re.compile(r'<p class="error"[^>]*>(.*?)</p>', re.S)
    assert local_page.status_code == directory_page.status_code == unknown_page.status_code == 200
    assert message.search(local_page.text).group(1) == message.search(directory_page.text).group(1) \
        == message.search(unknown_page.text).group(1)
    # A failed first sign-in provisions nothing.
    assert account(inst, "carol@example.org") is None


def test_filter_injection_finds_nobody(inst):
    # Unescaped, (mail=a*@example.org) would find alice, and her password would open it.
    assert_cause(create(inst, "a*@example.org", "alice-directory-password"), "NO_SUCH_USER")
    assert_cause(create(inst, "*)(uid=*@example.org", "alice-directory-password"), "NO_SUCH_USER")
    with inst.db() as con:
        assert con.execute("SELECT count(*) FROM account WHERE email LIKE '%*%'").fetchone()[0] == 0


def test_empty_password_is_refused(inst):
    assert_cause(create(inst, "alice@example.org", ""), "INVALID_CREDENTIALS")
    _, page = form_sign_in(inst, "alice@example.org", "")
    assert page.status_code == 200 and "authtoken_session" not in page.cookies


def test_disabled_and_out_of_group_people_cannot_sign_in(inst):
    assert_cause(create(inst, "dave@example.org", "dave-directory-password"), "INVALID_PASSWORD")  # locked: bind refused
    assert_cause(create(inst, "erin@example.org", "erin-directory-password"), "USER_NOT_ACTIVE")
    assert account(inst, "dave@example.org") is None and account(inst, "erin@example.org") is None


def test_a_local_account_with_the_directory_address_is_not_taken_over(inst, ldap_directory):
    email, password = ldap_directory.add_person("frank", "Frank Local")
    inst.add_user(email, "frank-local-password")
    # directory+local: the local account keeps its local password; the directory's does nothing.
    assert_cause(create(inst, email, password), "INVALID_PASSWORD")
    assert_token(create(inst, email, "frank-local-password"))
    assert account(inst, email)["origin"] == "local"
    # The administrator links it: from then on only the directory password opens it.
    r = inst.admin("directory", "link", email)
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"{email}: linked to the directory; it signs in with its directory password\n"
    assert (account(inst, email)["origin"], account(inst, email)["password_hash"]) == ("directory", "")
    assert_cause(create(inst, email, "frank-local-password"), "INVALID_PASSWORD")
    assert_token(create(inst, email, password))


def test_directory_accounts_have_no_password_page_or_reset(inst):
    s = sign_in(inst, "alice@example.org", "alice-directory-password")
    page = s.get(inst.url + "/password", timeout=10)
    assert page.status_code == 200
    assert "Your password is your directory password" in page.text
    assert 'name="new2"' not in page.text and 'action="/password"' not in page.text
    # And a POST anyway changes nothing: the account keeps no local password.
    csrf = CSRF.search(page.text).group(1) if CSRF.search(page.text) else CSRF.search(
        s.get(inst.url + "/tokens", timeout=10).text).group(1)
    r = s.post(inst.url + "/password", timeout=30, data={
        "csrf": csrf, "current": "alice-directory-password", "new": "local-password-9", "new2": "local-password-9"})
    assert r.status_code == 400
    assert account(inst, "alice@example.org")["password_hash"] == ""


def test_the_sync_takes_every_token_of_people_who_left_and_gives_them_back(inst, ldap_directory):
    people = {uid: ldap_directory.add_person(uid, f"Sync {uid.title()}") for uid in ["gina", "hugo", "ivan", "jane"]}
    tokens = {uid: assert_token(create(inst, *people[uid], scope="ZohoRecruit/recruitapi")) for uid in people}
    assert {uid: guarded(inst, t) for uid, t in tokens.items()} == dict.fromkeys(people, "data")
    r = sync(inst)
    assert r.returncode == 0, r.stderr
    ldap_directory.delete("gina")
    ldap_directory.set_locked("hugo", True)
    ldap_directory.set_member("ivan", "required_group", False)
    # Nothing changes until the sync; a dry run says what would.
    assert guarded(inst, tokens["gina"]) == "data"
    r = sync(inst, "--dry-run")
    assert r.returncode == 0, r.stderr
    assert "would deactivate: gina@example.org (entry gone)" in r.stdout
    assert guarded(inst, tokens["gina"]) == "data"
    r = sync(inst)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[:3] == [
        "deactivated: gina@example.org (entry gone)", "deactivated: hugo@example.org (disabled in the directory)",
        "deactivated: ivan@example.org (not in the required group)"]
    assert {uid: guarded(inst, t) for uid, t in tokens.items()} == {
        "gina": "4834", "hugo": "4834", "ivan": "4834", "jane": "data"}
    assert_cause(create(inst, *people["ivan"]), "USER_NOT_ACTIVE")
    with inst.db() as con:
        audit = [r[0] for r in con.execute("SELECT detail FROM activity WHERE kind = 'admin-audit' ORDER BY id")]
    assert any(line.startswith("directory: deactivated (entry gone): gina@example.org") for line in audit)
    # Back in the directory: back in authtoken, with the same tokens.
    ldap_directory.add_person("gina", "Sync Gina", groups=())  # without refint, the group still names her DN
    ldap_directory.set_locked("hugo", False)
    ldap_directory.set_member("ivan", "required_group", True)
    r = sync(inst)
    assert r.returncode == 0, r.stderr
    assert sorted(line for line in r.stdout.splitlines() if line.startswith("activated: ")) == [
        "activated: gina@example.org", "activated: hugo@example.org", "activated: ivan@example.org"]
    assert {uid: guarded(inst, t) for uid, t in tokens.items()} == dict.fromkeys(people, "data")


def test_the_mass_deactivation_guard_holds(tmp_path_factory, ldap_directory):
    with running_instance(tmp_path_factory, "directory-guard", ldap_directory.env(max_deactivate_percent=30)) as guard:
        people = {uid: ldap_directory.add_person(uid, f"Guard {uid.title()}") for uid in ["kim", "lou", "max"]}
        tokens = {uid: assert_token(create(guard, *people[uid], scope="ZohoRecruit/recruitapi")) for uid in people}
        ldap_directory.delete("kim")
        ldap_directory.delete("lou")
        r = sync(guard)
        assert r.returncode == 3, (r.stdout, r.stderr)
        assert "REFUSED: 2 of 3 directory accounts would be deactivated, more than " \
               "AUTHTOKEN_DIRECTORY_MAX_DEACTIVATE_PERCENT (30%); nothing changed" in r.stdout
        assert {uid: guarded(guard, t) for uid, t in tokens.items()} == dict.fromkeys(people, "data")
        with guard.db() as con:
            assert con.execute("SELECT count(*) FROM account WHERE active AND origin = 'directory'").fetchone()[0] == 3
        r = sync(guard, "--force")
        assert r.returncode == 0, r.stderr
        assert {uid: guarded(guard, t) for uid, t in tokens.items()} == {"kim": "4834", "lou": "4834", "max": "data"}


def test_a_certificate_from_an_unknown_ca_is_refused(tmp_path_factory, ldap_directory):
    env = ldap_directory.env(ca_file=ldap_directory.values["other_ca_file"])
    with running_instance(tmp_path_factory, "directory-ca", env) as other:
        assert_cause(create(other, "alice@example.org", "alice-directory-password"), "API_REQUEST_BLOCKED")
        assert account(other, "alice@example.org") is None


def test_a_dead_directory_gets_the_busy_answer_while_guarded_calls_pass(inst, ldap_directory):
    token = assert_token(create(inst, "alice@example.org", "alice-directory-password", scope="ZohoRecruit/recruitapi"))
    ldap_directory.stop()
    try:
        assert_cause(create(inst, "alice@example.org", "alice-directory-password"), "API_REQUEST_BLOCKED")
        _, page = form_sign_in(inst, "alice@example.org", "alice-directory-password")
        assert page.status_code == 503 and page.headers.get("Retry-After")
        started = time.monotonic()
        assert [guarded(inst, token) for _ in range(50)] == ["data"] * 50
        assert time.monotonic() - started < 5
        r = sync(inst)
        assert r.returncode != 0 and "directory unavailable" in r.stderr
        with inst.db() as con:
            assert con.execute("SELECT count(*) FROM account WHERE NOT active AND origin = 'directory'").fetchone()[0] == 0
    finally:
        ldap_directory.values = ldap_directory.start()
    assert_token(create(inst, "alice@example.org", "alice-directory-password"))
