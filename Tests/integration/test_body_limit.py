"""Request bodies are capped at 64 KiB."""
import urllib.parse

from conftest import SCOPE, assert_token, new_email, new_password

LIMIT = 64 * 1024


def form_body(email, pw, size):
    """A valid form body padded with an unknown parameter to exactly size bytes."""
    body = urllib.parse.urlencode({"SCOPE": SCOPE, "EMAIL_ID": email, "PASSWORD": pw}) + "&PAD="
    return (body + "x" * (size - len(body))).encode()


def post(server, body, query=""):
    return server.http.post(server.url + "/apiauthtoken/create" + query, data=body, timeout=30,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})


def test_body_over_limit_is_413(server):
    email, pw = new_email("big"), new_password()
    server.add_user(email, pw)
    r = post(server, form_body(email, pw, LIMIT + 1))
    # nginx refuses it itself (its own page, not the server's text): no byte of it reaches a
    # server thread.
    assert r.status_code == 413 and "Request Entity Too Large" in r.text, r.text
    # Credentials in the URL of a refused request must not reach the logs either.
    query = "?" + urllib.parse.urlencode({"SCOPE": SCOPE, "EMAIL_ID": email, "PASSWORD": pw})
    assert post(server, b"y" * (LIMIT + 1), query).status_code == 413
    assert server.tokens_of(email) == []


def test_body_at_limit_is_served(server):
    email, pw = new_email("edge"), new_password()
    server.add_user(email, pw)
    assert_token(post(server, form_body(email, pw, LIMIT)))
