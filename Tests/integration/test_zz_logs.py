"""Last (the `last` marker, see conftest): no password or token used by the suite reached any log."""
import urllib.parse

import pytest

from conftest import INSTANCES, SECRETS


def forms_of(secret):
    return {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret)}


@pytest.mark.last
def test_logs_hold_no_secrets(server):
    assert SECRETS
    checked = 0
    for inst in INSTANCES:
        # authtoken-fcgi-2.log ...: the other instances of an INSTANCES=N run.
        logs = [*sorted(inst.data_dir.glob("authtoken-fcgi*.log")), inst.data_dir / "nginx/logs/access.log",
                inst.data_dir / "nginx/logs/error.log"]
        for log in logs:
            if not log.exists():
                continue
            text = log.read_text(errors="replace")
            checked += 1
            for secret in SECRETS:
                for form in forms_of(secret):
                    assert form not in text, f"{log} contains a secret"
            if log.name == "access.log":
                assert text.strip(), "access log is empty"
                assert "?" not in text, "access log contains a query string"
    assert checked >= 3
