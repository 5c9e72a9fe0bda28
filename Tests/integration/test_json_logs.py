"""AUTHTOKEN_LOG_FORMAT=json: one JSON object a line, carrying the request id nginx logged."""
import json

import requests

from conftest import GENEROUS_THROTTLE, SCOPE, SECRETS, Instance, assert_cause, new_email, new_password


def test_json_log_lines_parse_and_carry_nginxs_request_id(tmp_path_factory):
    inst = Instance(tmp_path_factory.mktemp("jsonlogs"), env={**GENEROUS_THROTTLE, "AUTHTOKEN_LOG_FORMAT": "json"})
    try:
        inst.start()
        email, pw = new_email("json"), new_password()
        inst.add_user(email, pw)
        # A refused API-mode create and a form sign-in, each with its own request id.
        r = requests.post(inst.url + "/apiauthtoken/create", timeout=30,
                          data={"EMAIL_ID": email, "PASSWORD": "wrong-" + pw, "SCOPE": SCOPE})
        assert_cause(r, "INVALID_PASSWORD")
        s = requests.Session()
        page = s.get(inst.url + "/signin", timeout=10)
        s.post(inst.url + "/signin", timeout=30, data={"email": email, "password": pw,
               "csrf": page.text.split('name="csrf" value="')[1].split('"')[0]})
    finally:
        assert inst.stop() == 0, inst.output()
    lines = [line for line in (inst.data_dir / "authtoken-fcgi.log").read_text().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "label", "message"} <= e.keys() for e in entries)
    with_ids = [e for e in entries if "request.id" in e]
    assert any(e["message"] == "signed in" for e in with_ids), entries
    access = (inst.data_dir / "nginx/logs/access.log").read_text()
    logged_ids = {line.rsplit(" ", 1)[1] for line in access.splitlines() if line.strip()}
    assert with_ids and all(e["request.id"] in logged_ids for e in with_ids)
    text = "\n".join(lines)
    assert not any(secret in text for secret in SECRETS + [pw])
