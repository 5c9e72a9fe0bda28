"""Backups of the SQLite database: taken while the server writes, verified, restored."""
import concurrent.futures
import time

import requests

from conftest import GENEROUS_THROTTLE, Instance, complete_token, new_email, new_password

GUARDED = "/recruit/private/json/JobOpenings/getRecords"
RECRUIT = "ZohoRecruit/recruitapi"


def guarded_email(inst, token):
    r = requests.get(f"{inst.url}{GUARDED}?authtoken={token}&scope=recruitapi", timeout=20)
    return r.headers.get("X-Seen-Authtoken-Email")


def test_a_backup_during_200_creates_restores_every_token_acknowledged_before_it(tmp_path_factory):
    inst = Instance(tmp_path_factory.mktemp("backup"),
                    env={**GENEROUS_THROTTLE, "AUTHTOKEN_MAX_TOKENS": "1000", "AUTHTOKEN_HASH_QUEUE_WAIT_MS": "60000"})
    backup = inst.data_dir / "copy.sqlite"
    try:
        inst.start()
        email, pw = new_email("backup"), new_password()
        inst.add_user(email, pw)
        started = {}

        def create(i):
            r = requests.post(inst.url + "/apiauthtoken/create", timeout=120,
                              data={"EMAIL_ID": email, "PASSWORD": pw, "SCOPE": RECRUIT})
            return complete_token(r), time.monotonic()

        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            futures = [pool.submit(create, i) for i in range(200)]
            time.sleep(1.0)
            started["backup"] = time.monotonic()
            r = inst.admin("backup", str(backup))
            assert r.returncode == 0, r.stderr
            results = [f.result() for f in futures]
        acknowledged_before = [token for token, at in results if token and at < started["backup"]]
        assert len(acknowledged_before) >= 5, "the backup should fall in the middle of the creates"
        assert 0o600 == backup.stat().st_mode & 0o777
        verify = inst.admin("verify", str(backup))
        assert verify.returncode == 0 and "integrity ok" in verify.stdout, verify.stderr
        assert inst.stop() == 0, inst.output()

        restore = inst.admin("restore", str(backup))
        assert restore.returncode == 0, restore.stderr
        inst.restart()
        assert [guarded_email(inst, t) for t in acknowledged_before] == [email] * len(acknowledged_before)
    finally:
        if inst.proc is not None and inst.proc.poll() is None:
            inst.stop()


def test_verify_refuses_a_damaged_file(tmp_path, server):
    damaged = tmp_path / "damaged.sqlite"
    r = server.admin("backup", str(tmp_path / "good.sqlite"))
    assert r.returncode == 0, r.stderr
    data = bytearray((tmp_path / "good.sqlite").read_bytes())
    data[4096:8192] = b"\xff" * 4096  # a whole page of garbage
    damaged.write_bytes(bytes(data))
    r = server.admin("verify", str(damaged))
    assert r.returncode != 0 and r.stderr.strip(), r.stdout
    assert server.admin("backup", str(tmp_path / "good.sqlite")).returncode != 0  # never overwrites


def test_backup_refuses_a_planted_link_and_leaves_its_target_alone(tmp_path, server):
    """Issue 20, item 7: FILE is created with O_EXCL | O_NOFOLLOW, so a link planted at it
    (to a victim file, or to a path that does not exist yet) is refused, never followed."""
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious\n")
    victim.chmod(0o644)
    planted = tmp_path / "planted.sqlite"
    planted.symlink_to(victim)
    r = server.admin("backup", str(planted))
    assert r.returncode != 0 and "exists already" in r.stderr, (r.stdout, r.stderr)
    assert victim.read_bytes() == b"precious\n" and victim.stat().st_mode & 0o777 == 0o644
    assert planted.is_symlink()

    # A dangling link: the old check (fileExists follows links) saw nothing there, and
    # SQLite then created the link's target.
    dangling = tmp_path / "dangling.sqlite"
    target = tmp_path / "made-through-the-link"
    dangling.symlink_to(target)
    r = server.admin("backup", str(dangling))
    assert r.returncode != 0 and "exists already" in r.stderr, (r.stdout, r.stderr)
    assert not target.exists() and dangling.is_symlink()

    # A normal backup, with links planted where SQLite would look for a WAL file and its
    # index beside it: the backup is verified before it is written, so SQLite never opens
    # a name beside FILE.
    normal = tmp_path / "normal.sqlite"
    for suffix in ("-wal", "-shm"):
        (tmp_path / ("normal.sqlite" + suffix)).symlink_to(victim)
    r = server.admin("backup", str(normal))
    assert r.returncode == 0, r.stderr
    assert not normal.is_symlink() and normal.stat().st_mode & 0o777 == 0o600
    assert victim.read_bytes() == b"precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [  # no scratch directory left behind
        "dangling.sqlite", "normal.sqlite", "normal.sqlite-shm", "normal.sqlite-wal", "planted.sqlite", "victim.txt"]
    for suffix in ("-wal", "-shm"):
        (tmp_path / ("normal.sqlite" + suffix)).unlink()
    r = server.admin("verify", str(normal))
    assert r.returncode == 0 and "integrity ok" in r.stdout, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [  # rollback-journal mode: no -wal or -shm made
        "dangling.sqlite", "normal.sqlite", "planted.sqlite", "victim.txt"]
