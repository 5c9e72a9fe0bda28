"""What nginx adds: security headers everywhere, no-store on the API, no version."""
import pytest

from conftest import SCOPE

SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy":
        "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
}


@pytest.mark.parametrize("path,status", [
    ("/static/style.css", 200),
    ("/static/missing.css", 404),
    ("/", 303),
    ("/signin", 200),
    ("/apiauthtoken/create?EMAIL_ID=x%40example.com&SCOPE=" + SCOPE, 200),
    ("/apiauthtoken/nb/create?EMAIL_ID=x%40example.com", 200),
])
def test_security_headers(server, path, status):
    r = server.http.get(server.url + path, timeout=30, allow_redirects=False)
    assert r.status_code == status
    for name, value in SECURITY.items():
        assert r.headers.get(name) == value, name
    assert r.headers.get("Server") == "nginx"
    if path.startswith("/apiauthtoken/") or not path.startswith("/static/"):
        assert r.headers.get("Cache-Control") == "no-store"


def test_static_css(server):
    r = server.http.get(server.url + "/static/style.css", timeout=30)
    assert r.headers["Content-Type"].startswith("text/css")


def test_headers_on_413(server):
    r = server.http.post(server.url + "/apiauthtoken/create", data=b"z" * (65 * 1024), timeout=30)
    assert r.status_code == 413
    for name, value in SECURITY.items():
        assert r.headers.get(name) == value, name
    assert r.headers.get("Cache-Control") == "no-store"
