"""Moving an installation: `authtoken-admin migrate --to postgresql://...` from a SQLite data
folder in use, then scripts/run --postgres on the same folder. Everything issued before works
after, through nginx: tokens on the guarded example, a session cookie, application passwords.
"""
import subprocess

import requests

from conftest import (GENEROUS_THROTTLE, ROOT, SCOPE, Instance, add_app_passwords, assert_token, new_email,
                      new_password)

GUARDED = "/recruit/private/json/JobOpenings/getRecords"
RECRUIT = "ZohoRecruit/recruitapi"


def create(inst, email, password, scope=RECRUIT):
    return requests.post(inst.url + "/apiauthtoken/create", timeout=60,
                         data={"EMAIL_ID": email, "PASSWORD": password, "SCOPE": scope})


def guarded(inst, token):
    """The account the guarded example was called for (nginx passes it upstream), or None
    when the check refused the token (the legacy 4834 answer)."""
    r = requests.get(f"{inst.url}{GUARDED}?authtoken={token}&scope=recruitapi", timeout=20)
    assert r.status_code == 200, r.text
    email = r.headers.get("X-Seen-Authtoken-Email")
    assert (email is None) == ("<code>4834</code>" in r.text or '"code":"4834"' in r.text), r.text
    return email


def pg_cluster(*args):
    r = subprocess.run([str(ROOT / "scripts/pg-cluster"), *args], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_a_sqlite_installation_moves_to_postgres_and_everything_issued_before_still_works(tmp_path_factory):
    inst = Instance(tmp_path_factory.mktemp("migrate"), env={**GENEROUS_THROTTLE, "AUTHTOKEN_MAX_TOKENS": "50"})
    pg_dir = inst.data_dir / "pg"
    try:
        inst.start()
        people = [(new_email("move"), new_password()) for _ in range(3)]
        tokens = []  # (token, its account)
        for email, pw in people:
            inst.add_user(email, pw)
            tokens += [(assert_token(create(inst, email, pw)), email) for _ in range(4)]
        removed, _ = tokens.pop()
        assert requests.get(inst.url + "/apiauthtoken/delete", params={"AUTHTOKEN": removed},
                            timeout=20).status_code == 200
        assert guarded(inst, removed) is None
        session, app_passwords = add_app_passwords(inst, *people[0], 1)
        with inst.db() as con:
            before = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                      for t in ("account", "token", "app_password", "web_session", "activity")}
            last_token_id = con.execute("SELECT seq FROM sqlite_sequence WHERE name = 'token'").fetchone()[0]
        assert inst.stop() == 0, inst.output()

        url = pg_cluster("start", str(pg_dir)).splitlines()[-1]
        inst.env["PGPASSFILE"] = str(pg_dir / "pgpass")
        # A password in the URL would be on the command line for every local user to read.
        r = inst.admin("migrate", "--to", url.replace("authtoken@", "authtoken:secret@"))
        assert r.returncode != 0 and "PGPASSWORD" in r.stderr, r.stderr
        assert "secret" not in r.stdout + r.stderr

        r = inst.admin("migrate", "--to", url)
        assert r.returncode == 0, r.stderr
        copied = dict(line.split() for line in r.stdout.splitlines() if line.startswith("  ") and "\t" in line)
        assert {t: int(copied[t]) for t in before} == before, r.stdout
        assert "row counts verified" in r.stdout
        # The target is no longer empty: a second run changes nothing and says why.
        again = inst.admin("migrate", "--to", url)
        assert again.returncode != 0 and "not empty" in again.stderr, again.stderr

        inst.env["AUTHTOKEN_POSTGRES"] = "1"
        inst.restart()
        assert "authtoken.conf now names the PostgreSQL cluster" in inst.output()
        assert [guarded(inst, token) for token, _ in tokens] == [email for _, email in tokens]
        assert guarded(inst, removed) is None
        # New ids continue after every id SQLite issued (the removed token's included).
        email, pw = new_email("after"), new_password()
        inst.add_user(email, pw)
        assert guarded(inst, assert_token(create(inst, email, pw))) == email
        r = inst.admin("token", "list", email)
        assert int(r.stdout.splitlines()[1].split("\t")[0]) == last_token_id + 1
        # The session cookie and the application password made before the move still work.
        assert session.get(inst.url + "/tokens", timeout=10, allow_redirects=False).status_code == 200
        assert_token(create(inst, people[0][0], app_passwords[0], SCOPE))
        # The old SQLite file is left as it was.
        with inst.db() as con:
            assert con.execute("SELECT count(*) FROM account").fetchone()[0] == before["account"]
    finally:
        if inst.proc is not None:
            inst.stop()
        pg_cluster("destroy", str(pg_dir))
