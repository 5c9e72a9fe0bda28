"""Key rotation end to end (docs/configuration.md, "Key rotation"): an account with
two-factor sign-in signs in with a code before the rotation, during it (new key, old key as
AUTHTOKEN_SECRET_KEY_PREVIOUS), and after `rotate-secrets` once the old key is gone; the
sealed secret in the database is another after rotate-secrets; a stale key alone opens
nothing, so the account cannot sign in with a code (its recovery codes still work)."""
import re
import secrets
import time

import pytest
import requests

from conftest import CSRF, SECRETS, Instance, new_email, new_password, sign_in, totp

SECRET = re.compile(r'data-secret="([A-Z2-7]+)"')


class Codes:
    """TOTP codes for one account, each for a later step than the last one used (a step is
    accepted once), waiting for the next step when the allowed drift has none left."""

    def __init__(self, secret):
        self.secret, self.last = secret, None

    def next(self):
        while True:
            now = int(time.time() // 30)
            for step in (now - 1, now, now + 1):
                if self.last is None or step > self.last:
                    self.last = step
                    return totp(self.secret, at=step * 30)
            time.sleep(1)


def turn_on_two_factor(inst, email, pw):
    s = sign_in(inst, email, pw)
    page = s.get(inst.url + "/twofactor", timeout=10)
    setup = s.post(inst.url + "/twofactor/setup", data={"csrf": CSRF.search(page.text).group(1)}, timeout=30)
    secret = SECRET.search(setup.text).group(1)
    SECRETS.append(secret)
    codes = Codes(secret)
    r = s.post(inst.url + "/twofactor/confirm", timeout=60,
               data={"csrf": CSRF.search(setup.text).group(1), "password": pw, "code": codes.next()})
    assert r.status_code == 200 and "recovery-codes" in r.text, r.text
    recovery = re.findall(r"<code>([a-z0-9-]+)</code>", r.text.split("recovery-codes", 1)[1])
    SECRETS.extend(recovery)
    return codes, recovery


def sign_in_with_code(inst, email, pw, code):
    """A new browser (no device cookie): password, then the code; True if signed in."""
    s = requests.Session()
    page = s.get(inst.url + "/signin", timeout=10)
    r = s.post(inst.url + "/signin", timeout=60,
               data={"csrf": CSRF.search(page.text).group(1), "email": email, "password": pw})
    assert 'action="/signin/code"' in r.text, r.text
    r = s.post(inst.url + "/signin/code", timeout=60, allow_redirects=False,
               data={"csrf": CSRF.search(r.text).group(1), "code": code})
    if r.status_code not in (302, 303):
        # A refusal is the code page again, with its message: never a server error.
        assert r.status_code == 200 and "That code was wrong or already used" in r.text, (r.status_code, r.text)
        return False
    SECRETS.append(s.cookies["authtoken_session"])
    return s.get(inst.url + "/tokens", timeout=10, allow_redirects=False).status_code == 200




def sealed(inst, email):
    with inst.db() as con:
        return bytes(con.execute("SELECT sealed_secret FROM two_factor JOIN account ON account.id = account_id"
                                 " WHERE email = ?", (email,)).fetchone()[0])


def set_keys(inst, key, previous=None):
    conf = inst.data_dir / "authtoken.conf"
    lines = [l for l in conf.read_text().splitlines() if not re.match(r"#?AUTHTOKEN_SECRET_KEY(_PREVIOUS)?=", l)]
    lines.append(f"AUTHTOKEN_SECRET_KEY={key}")
    if previous:
        lines.append(f"AUTHTOKEN_SECRET_KEY_PREVIOUS={previous}")
    conf.write_text("\n".join(lines) + "\n")


def current_key(inst):
    text = (inst.data_dir / "authtoken.conf").read_text()
    return re.search(r"^AUTHTOKEN_SECRET_KEY=([0-9a-f]{64})$", text, re.M).group(1)


@pytest.fixture
def inst(tmp_path):
    inst = Instance(tmp_path / "data")
    inst.start()
    yield inst
    inst.stop()


def test_two_factor_sign_in_works_before_during_and_after_a_rotation(inst):
    email, pw = new_email("rotate"), new_password()
    inst.add_user(email, pw)
    codes, recovery = turn_on_two_factor(inst, email, pw)
    assert sign_in_with_code(inst, email, pw, codes.next())  # before
    old_key, new_key = current_key(inst), secrets.token_hex(32)
    SECRETS.extend([old_key, new_key])
    before = sealed(inst, email)

    # During: the new key seals, the old one still opens.
    assert inst.stop() == 0
    set_keys(inst, new_key, previous=old_key)
    inst.restart()
    assert sign_in_with_code(inst, email, pw, codes.next())
    r = inst.admin("rotate-secrets")
    assert r.returncode == 0, r.stderr
    assert old_key not in r.stdout + r.stderr and new_key not in r.stdout + r.stderr
    assert sealed(inst, email) != before

    # After: the old key is gone; the secret opens with the new one alone.
    assert inst.stop() == 0
    set_keys(inst, new_key)
    inst.restart()
    assert sign_in_with_code(inst, email, pw, codes.next())
    wrong = "000000" if codes.next() != "000000" else "111111"
    assert not sign_in_with_code(inst, email, pw, wrong)

    # A server given only the old key cannot open the secret: codes fail, recovery codes work.
    assert inst.stop() == 0
    set_keys(inst, old_key)
    inst.restart()
    assert not sign_in_with_code(inst, email, pw, codes.next())
    assert sign_in_with_code(inst, email, pw, recovery[0])
