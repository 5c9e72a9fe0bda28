"""The data folder's secrets are its owner's alone: another local user can read neither the
configuration (with the secret key) nor the database and its WAL; the server refuses to start
when the file that holds the secret key is readable by others."""
import os
import shutil
import stat
import subprocess

from conftest import ROOT


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_data_folder_config_and_database_are_private(server):
    data = server.data_dir
    assert mode(data) == 0o700
    files = [data / "authtoken.conf", data / "authtoken.sqlite", data / "authtoken.sqlite-wal"]
    for f in files:
        assert f.exists(), f
        assert mode(f) == 0o600, (f, oct(mode(f)))
    # As root (CI), also try it: another user cannot read them. (Otherwise the modes above
    # are the whole story: the kernel refuses others a 0600 file in a 0700 folder.)
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        return
    for f in files:
        r = subprocess.run(["runuser", "-u", "nobody", "--", "cat", str(f)], capture_output=True, timeout=10)
        assert r.returncode != 0 and r.stdout == b"", f
        assert b"Permission denied" in r.stderr, r.stderr


def test_the_server_refuses_a_secret_key_others_can_read(tmp_path):
    conf = tmp_path / "authtoken.conf"
    conf.write_text("AUTHTOKEN_SECRET_KEY=" + "ab" * 32 + "\n")
    conf.chmod(0o644)
    env = dict(os.environ, DATA_DIR=str(tmp_path), AUTHTOKEN_WWW_DIR=str(ROOT / "www"), AUTHTOKEN_THREADS="2")
    r = subprocess.run([str(ROOT / ".build/release/authtoken-fcgi")], env=env, capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 2
    assert f"which other users can read (mode 644): run chmod 600 {conf}" in r.stderr, r.stderr
    assert "ab" * 32 not in r.stderr
    conf.chmod(0o600)
    r = subprocess.run([str(ROOT / ".build/release/authtoken-admin"), "user", "list"], env=env,
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert mode(tmp_path / "authtoken.sqlite") == 0o600
