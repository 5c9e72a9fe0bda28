"""The admin CLI: listing, token revocation, and refusing bad input."""
import pytest

from conftest import SCOPE, assert_cause, assert_token, digest, new_email, new_password


def test_user_list_shows_users(server):
    email = new_email("listed")
    server.add_user(email, new_password(), name="Listed Person")
    r = server.admin("user", "list")
    assert r.returncode == 0, r.stderr
    assert email in r.stdout and server.demo_email in r.stdout


@pytest.mark.parametrize("args", [
    ("user", "confirm", "nobody@example.com"),
    ("user", "deactivate", "nobody@example.com"),
    ("user", "activate", "nobody@example.com"),
    ("token", "list", "nobody@example.com"),
    ("token", "revoke", "nobody@example.com", "1"),
    ("user", "frobnicate"),
])
def test_bad_input_fails_with_message(server, args):
    r = server.admin(*args)
    assert r.returncode != 0
    assert r.stderr.strip()


def test_add_rejects_duplicates_and_bad_email(server):
    email, pw = new_email("dup"), new_password()
    server.add_user(email, pw)
    r = server.admin("user", "add", email, input=pw + "\n")
    assert r.returncode != 0 and r.stderr.strip()
    r = server.admin("user", "add", "not-an-email", input=pw + "\n")
    assert r.returncode != 0 and r.stderr.strip()


def test_token_list_and_revoke(server):
    email, pw = new_email("revoke"), new_password()
    server.add_user(email, pw)
    params = {"SCOPE": SCOPE, "EMAIL_ID": email, "PASSWORD": pw}
    tokens = [assert_token(server.create(params)) for _ in range(10)]
    assert_cause(server.create(params), "EXCEEDED_MAXIMUM_ALLOWED_AUTHTOKENS")

    r = server.admin("token", "list", email)
    assert r.returncode == 0, r.stderr
    for t in tokens:
        assert t not in r.stdout, "token list must not show whole tokens"
    rows = server.tokens_of(email)
    assert len(rows) == 10
    victim = next(row for row in rows if row["digest"] == digest(tokens[0]))
    assert str(victim["id"]) in r.stdout

    r = server.admin("token", "revoke", email, str(victim["id"]))
    assert r.returncode == 0, r.stderr
    left = server.tokens_of(email)
    assert len(left) == 9 and digest(tokens[0]) not in {row["digest"] for row in left}
    # Through the core: the owner's activity log says so, with the token's number and hint
    # (one ellipsis: the stored hint has it).
    with server.db() as con:
        removed = con.execute("SELECT detail, user_agent FROM activity WHERE account_id = ? AND kind = 'token-removed'",
                              (victim["account_id"],)).fetchall()
    assert [tuple(r) for r in removed] == [
        (f"by an administrator, token #{victim['id']} {victim['hint']}", "authtoken-admin")], removed
    # A revoked token frees its place under the cap.
    assert_token(server.create(params))
    r = server.admin("token", "revoke", email, str(victim["id"]))
    assert r.returncode != 0 and r.stderr.strip()


def test_config_prints_the_effective_settings_without_secrets(server):
    conf = (server.data_dir / "authtoken.conf").read_text()
    key = next(line.split("=", 1)[1].strip() for line in conf.splitlines()
               if line.startswith("AUTHTOKEN_SECRET_KEY="))
    r = server.admin("config")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == f"# configuration file: {server.data_dir / 'authtoken.conf'}"
    assert "AUTHTOKEN_SECRET_KEY=(set)" in lines
    assert key not in r.stdout
    assert "AUTHTOKEN_REGISTRATION=on" in lines  # scripts/run's file sets it
    assert "# AUTHTOKEN_SECRET_KEY_PREVIOUS: default" in lines
