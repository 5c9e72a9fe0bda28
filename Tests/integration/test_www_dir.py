"""The server refuses to start without its templates, naming the setting to fix."""
import os
import subprocess

from conftest import ROOT


def test_missing_template_folder_stops_start_up(tmp_path):
    env = dict(os.environ, DATA_DIR=str(tmp_path), AUTHTOKEN_WWW_DIR=str(tmp_path / "nowhere"),
               AUTHTOKEN_LISTEN=f"unix:{tmp_path}/s.sock")
    env.pop("AUTHTOKEN_CONFIG", None)
    r = subprocess.run([str(ROOT / ".build/release/authtoken-fcgi")], env=env, capture_output=True,
                       text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert r.returncode == 2
    assert r.stderr == (f"authtoken-fcgi: configuration: AUTHTOKEN_WWW_DIR: no templates folder at "
                        f"{tmp_path}/nowhere/templates\n")
    assert not (tmp_path / "s.sock").exists()
