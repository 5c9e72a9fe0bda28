"""The guard snippet alone (no proxy_set_header of the site's own) decides every identity
header a guarded upstream receives: a client's X-Authtoken-* headers, in any letter case,
never arrive; the check's values do, once each."""
import http.server
import threading

import pytest

from conftest import TRANSPORTS, Instance, assert_token, new_email, new_password

# Every X-Authtoken-* header docs/guarding.md and the snippet's header name.
IDENTITY = ["x-authtoken-email", "x-authtoken-account-id", "x-authtoken-scope"]
FORGED = {"X-Authtoken-Scope": "ZohoCRM/crmapi", "x-authtoken-email": "root@example.com",
          "X-AUTHTOKEN-ACCOUNT-ID": "1"}


class Recorder(http.server.BaseHTTPRequestHandler):
    """The guarded service: records each request's raw header lines, repeats included."""
    seen = []

    def do_GET(self):
        Recorder.seen.append([(k.lower(), v) for k, v in self.headers.items()])
        self.send_response(200)
        self.send_header("Content-Length", "3")
        self.end_headers()
        self.wfile.write(b"ok\n")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module", params=TRANSPORTS)
def guarded(request, tmp_path_factory):
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    data = tmp_path_factory.mktemp("headers")
    guard = data / "nginx/snippets/authtoken/guard.conf"
    (data / "nginx/guarded.d").mkdir(parents=True)
    # One location with a fixed scope, one where the request's scope= decides.
    (data / "nginx/guarded.d/echo.conf").write_text(f"""
location = /echo/fixed {{
    set $authtoken_scope "ZohoRecruit/recruitapi";
    include {guard};
    proxy_pass http://127.0.0.1:{upstream.server_address[1]};
}}
location = /echo/asked {{
    include {guard};
    proxy_pass http://127.0.0.1:{upstream.server_address[1]};
}}
""")
    inst = Instance(data, transport=request.param)
    inst.start()
    yield inst
    try:
        assert inst.stop() == 0, inst.output()
    finally:
        inst.kill()
        upstream.shutdown()


def identity_seen(inst, path, token, scope, headers):
    Recorder.seen.clear()
    r = inst.http.get(inst.url + path, params={"authtoken": token, "scope": scope}, headers=headers, timeout=10)
    assert r.status_code == 200 and r.text == "ok\n", (r.status_code, r.text)
    [lines] = Recorder.seen
    return sorted((k, v) for k, v in lines if k.startswith("x-authtoken"))


@pytest.mark.parametrize("path,scope", [("/echo/fixed", "recruitapi"), ("/echo/asked", "ZohoRecruit/recruitapi")])
def test_forged_identity_headers_never_reach_the_upstream(guarded, path, scope):
    email, pw = new_email("hdr"), new_password()
    guarded.add_user(email, pw)
    token = assert_token(guarded.create({"SCOPE": "ZohoRecruit/recruitapi", "EMAIL_ID": email,
                                         "PASSWORD": pw}))
    with guarded.db() as con:
        account_id = con.execute("SELECT id FROM account WHERE email = ?", (email,)).fetchone()[0]
    real = sorted([("x-authtoken-account-id", str(account_id)), ("x-authtoken-email", email),
                   ("x-authtoken-scope", "ZohoRecruit/recruitapi")])
    assert identity_seen(guarded, path, token, scope, {}) == real
    assert identity_seen(guarded, path, token, scope, FORGED) == real
    # Each name in other letter cases, one at a time, too.
    for name in IDENTITY:
        for spelling in (name, name.upper(), name.title()):
            assert identity_seen(guarded, path, token, scope, {spelling: "forged"}) == real, spelling


def test_without_a_valid_token_the_upstream_is_not_asked(guarded):
    Recorder.seen.clear()
    r = guarded.http.get(guarded.url + "/echo/fixed", params={"authtoken": "0" * 32, "scope": "recruitapi"},
                         headers=FORGED, timeout=10)
    assert r.status_code == 401 and Recorder.seen == []
