"""Directory sign-in (issue 24) against a real slapd (scripts/ldap-dir), through nginx:
API mode and the form, provisioning, the answers for wrong passwords and unknown people,
injection, TLS, a dead directory, and the sync that takes tokens from people who left."""
import re
import threading
import time

import pytest
import requests

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
            # The refusal is kept as the last sync, for the admin pages of every instance.
            assert tuple(con.execute("SELECT outcome, checked, deactivated, reactivated, error_class"
                                     " FROM directory_sync").fetchall()[0]) == ("refused", 3, 2, 0, None)
        r = sync(guard, "--force")
        assert r.returncode == 0, r.stderr
        with guard.db() as con:
            assert tuple(con.execute("SELECT outcome, checked, deactivated FROM directory_sync").fetchone()) \
                == ("applied", 3, 2)
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


# ---- The admin pages (issue 24, item 5) ---------------------------------------------------

LAST_SYNC = re.compile(r'<section class="card directory-sync" data-outcome="(\w+)">\s*<h2>Directory sync</h2>\s*'
                       r'<p class="last-sync">(.*?)</p>', re.S)


def admin_row(page, account_id):
    row = re.search(rf'<tr class="account-row" data-id="{account_id}">(.*?)</tr>', page.text, re.S).group(1)
    return {cell: re.search(rf'<td class="{cell}">(.*?)</td>', row).group(1) for cell in ("origin", "state")}


def test_the_admin_pages_show_origin_the_groups_admins_and_the_last_sync(inst, ldap_directory):
    from test_admin_pages import make_admin
    email, pw = new_email("directory-admin"), new_password()
    s, _ = make_admin(inst, email, pw)
    assert_token(create(inst, "alice@example.org", "alice-directory-password"))
    assert_token(create(inst, "bob@example.org", "bob-directory-password"))  # in the administrators' group
    alice, bob, me = account(inst, "alice@example.org"), account(inst, "bob@example.org"), account(inst, email)
    page = s.get(inst.url + "/admin/accounts", timeout=10)
    assert page.status_code == 200
    assert admin_row(page, alice["id"]) == {"origin": "directory", "state": ""}
    assert admin_row(page, bob["id"]) == {"origin": "directory", "state": "admin"}
    assert admin_row(page, me["id"]) == {"origin": "local", "state": "two-factor admin"}
    facts = re.compile(r'<dt>Origin</dt><dd class="origin">(\w+)</dd>.*?(?:<dt>Role</dt><dd class="role">(.*?)</dd>|</dl>)', re.S)
    def origin_and_role(account_id):
        return facts.search(s.get(inst.url + "/admin/account", params={"id": account_id}, timeout=10).text).groups()
    assert origin_and_role(alice["id"]) == ("directory", None)
    assert origin_and_role(bob["id"]) == ("directory", "administrator (the directory's administrators' group)")
    assert origin_and_role(me["id"]) == ("local", "administrator")

    # The last sync: the server's at start (applied), or, after the dead-directory test, the
    # CLI's that failed; then the CLI's now, then a failed one.
    assert LAST_SYNC.search(page.text).group(1) in ("applied", "failed")
    r = sync(inst)
    assert r.returncode == 0, r.stderr
    with inst.db() as con:
        directory_accounts = con.execute("SELECT count(*) FROM account WHERE origin = 'directory'").fetchone()[0]
        kept = con.execute("SELECT at, outcome, checked, deactivated, reactivated, admin_changes, error_class"
                           " FROM directory_sync").fetchall()
    assert len(kept) == 1 and tuple(kept[0])[1:] == ("applied", directory_accounts, 0, 0, 0, None)
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(kept[0]["at"]))
    shown = LAST_SYNC.search(s.get(inst.url + "/admin/accounts", timeout=10).text).groups()
    assert shown == ("applied", f"Last sync {when}: checked {directory_accounts} directory accounts; "
                                "deactivated 0, reactivated 0, admin changes 0.")
    ldap_directory.stop()
    try:
        r = sync(inst)
        assert r.returncode != 0 and "directory unavailable" in r.stderr
        with inst.db() as con:
            at = con.execute("SELECT at FROM directory_sync").fetchone()[0]
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(at))
        page = s.get(inst.url + "/admin/accounts", timeout=10)
        assert LAST_SYNC.search(page.text).groups() == (
            "failed", f"Last sync {when}: failed (DirectoryUnavailable); nothing changed.")
    finally:
        ldap_directory.values = ldap_directory.start()


# ---- Wrong directory passwords start a block (the local answers) ----------------------------

def client_at(address):
    from test_throttle import FromAddress
    s = requests.Session()
    s.mount("http://", FromAddress(address))
    return s


def api_from(inst, address, email, password):
    with client_at(address) as s:
        return s.post(inst.url + "/apiauthtoken/create", timeout=30,
                      data={"EMAIL_ID": email, "PASSWORD": password, "SCOPE": SCOPE})


def form_from(inst, address, email, password):
    """The sign-in form from `address`: the status and the error paragraph."""
    with client_at(address) as s:
        page = s.get(inst.url + "/signin", timeout=10)
        r = s.post(inst.url + "/signin", timeout=60, allow_redirects=False,
                   data={"csrf": CSRF.search(page.text).group(1), "email": email, "password": password})
        error = re.search(r'<p class="error"[^>]*>(.*?)</p>', r.text, re.S)
        return r.status_code, error.group(1) if error else None


@pytest.fixture(scope="module")
def strict(tmp_path_factory, ldap_directory):
    """The default throttle (10 failures block for 10 minutes) with the directory on."""
    env = ldap_directory.env()
    del env["AUTHTOKEN_THROTTLE_MAX_FAILURES"]
    with running_instance(tmp_path_factory, "directory-throttle", env) as inst:
        yield inst


def test_wrong_directory_passwords_start_the_same_block_as_local_ones(strict, ldap_directory):
    local, local_pw = new_email("local-block"), new_password()
    strict.add_user(local, local_pw)
    new_person = ldap_directory.add_person("nina", "Nina Block")          # no account yet: directory:<address>
    known_person = ldap_directory.add_person("otto", "Otto Block")        # provisioned: account:<id>
    assert_token(api_from(strict, "127.0.0.30", *known_person))
    for address, (email, password) in [("127.0.0.31", (local, local_pw)), ("127.0.0.32", new_person),
                                       ("127.0.0.33", known_person)]:
        for _ in range(10):
            assert_cause(api_from(strict, address, email, "wrong-" + password), "INVALID_PASSWORD")
        # The limit is reached: the right password is refused, from here and from elsewhere.
        assert_cause(api_from(strict, address, email, password), "API_REQUEST_BLOCKED")
        assert_cause(api_from(strict, "127.0.0.34", email, password), "API_REQUEST_BLOCKED")
    with strict.db() as con:
        blocked = {row[0] for row in con.execute("SELECT key FROM throttle WHERE blocked_until IS NOT NULL")}
    otto = account(strict, known_person[0])
    assert {"directory:nina@example.org", f"account:{otto['id']}", "address:127.0.0.32"} <= blocked, blocked
    assert account(strict, new_person[0]) is None

    # The form: the same page as for a local account, and the right password is refused too.
    form_person = ldap_directory.add_person("pia", "Pia Block")
    form_local, form_local_pw = new_email("local-form"), new_password()
    strict.add_user(form_local, form_local_pw)
    answers = {}
    for address, (email, password) in [("127.0.0.41", (form_local, form_local_pw)), ("127.0.0.42", form_person)]:
        for _ in range(10):
            assert form_from(strict, address, email, "wrong-" + password) == (
                200, "The e-mail address or the password is wrong.")
        answers[email] = (form_from(strict, address, email, password), form_from(strict, "127.0.0.43", email, password))
    blocked_page = (429, "Too many failed sign-in attempts. Sign-in is blocked for a while; "
                         "try again later, or ask an administrator to unblock your account.")
    assert answers == {form_local: (blocked_page, blocked_page), form_person[0]: (blocked_page, blocked_page)}

    # user unblock lifts the person's block, with or without an account.
    r = strict.admin("user", "unblock", new_person[0])
    assert (r.returncode, r.stdout) == (
        0, "nina@example.org: unblocked (directory sign-in attempts of an address with no account yet)\n"), r.stderr
    assert_token(api_from(strict, "127.0.0.35", *new_person))
    assert account(strict, new_person[0])["origin"] == "directory"
    r = strict.admin("user", "unblock", known_person[0])
    assert (r.returncode, r.stdout) == (0, "otto@example.org: unblocked\n"), r.stderr
    assert_token(api_from(strict, "127.0.0.35", *known_person))
    # An address nobody has and no attempt was counted for stays an error.
    r = strict.admin("user", "unblock", "nobody-here@example.org")
    assert r.returncode != 0


# ---- A stopped directory does not stall the guarded calls --------------------------------

def p99(latencies):
    ordered = sorted(latencies)
    return ordered[max(0, int(len(ordered) * 0.99) - 1)]


def load(inst, token, email, password, expected, hammers=4, calls=300):
    """`hammers` threads send sign-ins for `email` while one thread makes `calls` guarded
    calls with `token`; returns the guarded calls' latencies and every sign-in's cause."""
    stop = threading.Event()
    causes, latencies, results = [], [], []

    def hammer():
        with requests.Session() as s:
            while not stop.is_set():
                r = s.post(inst.url + "/apiauthtoken/create", timeout=30,
                           data={"EMAIL_ID": email, "PASSWORD": password, "SCOPE": SCOPE})
                m = re.search(r"^CAUSE=(\w+)$", r.text, re.M)
                causes.append(m.group(1) if m else r.text)

    threads = [threading.Thread(target=hammer) for _ in range(hammers)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.5)
        with requests.Session() as s:
            for _ in range(calls):
                started = time.monotonic()
                r = s.get(inst.url + SAMPLE, params={"scope": "recruitapi", "authtoken": token}, timeout=10)
                latencies.append(time.monotonic() - started)
                results.append("data" if r.status_code == 200 and "<code>4834</code>" not in r.text else r.text[:200])
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert results == ["data"] * calls
    # Mostly `expected`; a full password queue may also answer busy while the directory is up.
    assert expected in causes and set(causes) <= {expected, "API_REQUEST_BLOCKED"}, set(causes)
    return latencies, len(causes)


def test_with_the_directory_stopped_sign_in_is_busy_and_guarded_calls_keep_their_p99(inst, ldap_directory):
    token = assert_token(create(inst, "alice@example.org", "alice-directory-password", scope="ZohoRecruit/recruitapi"))
    # Before: the directory answers every bind (wrong passwords, so no token is made).
    before, signins_before = load(inst, token, "alice@example.org", "not-alices-password", "INVALID_PASSWORD")
    ldap_directory.stop()
    try:
        during, signins_during = load(inst, token, "alice@example.org", "alice-directory-password", "API_REQUEST_BLOCKED")
        assert signins_during >= 4
        _, page = form_sign_in(inst, "alice@example.org", "alice-directory-password")
        assert page.status_code == 503 and page.headers["Retry-After"] == "5"
        assert "Too busy right now" in page.text
    finally:
        ldap_directory.values = ldap_directory.start()
    print(f"\nguarded p99 with the directory up: {p99(before) * 1000:.1f} ms ({len(before)} calls, "
          f"{signins_before} sign-ins); stopped: {p99(during) * 1000:.1f} ms ({len(during)} calls, "
          f"{signins_during} sign-ins)")
    assert p99(during) < 1.0, p99(during)
    # The log says why: the directory did not answer (not a full password queue), in API mode
    # and on the form.
    log = (inst.data_dir / "authtoken-fcgi.log").read_text()
    assert re.search(r"cause=API_REQUEST_BLOCKED reason=the directory did not answer .*\] token refused", log)
    assert re.search(r"reason=the directory did not answer .*\] password work refused", log)
