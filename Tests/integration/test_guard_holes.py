"""Holes in the guard: a newline in the path, and requests carrying ambiguous tokens."""
import socket

import pytest

from conftest import ROOT, assert_token, guard_server_fixture, new_email, new_password

# Every test here runs with the check asked over HTTP and over FastCGI.
server = guard_server_fixture()

XML_4834 = (b'<?xml version="1.0" encoding="UTF-8" ?>\n<response uri="/recruit/private/xml/JobOpenings/getRecords">'
            b'<error><code>4834</code><message>Invalid Ticket Id</message></error></response>\n')
JSON_4834 = (b'{"response":{"uri":"/recruit/private/json/JobOpenings/getRecords",'
             b'"error":{"code":"4834","message":"Invalid Ticket Id"}}}\n')
BODY_4834 = {"xml": XML_4834, "json": JSON_4834}
PATH = "/recruit/private/{fmt}/JobOpenings/getRecords"


@pytest.fixture(scope="module")
def token(server):
    email, pw = new_email("holes"), new_password()
    server.add_user(email, pw)
    return assert_token(server.create({"SCOPE": "ZohoRecruit/recruitapi", "EMAIL_ID": email, "PASSWORD": pw}))


def raw(server, target, headers=()):
    """One HTTP/1.0 request with the target exactly as written; the whole answer's bytes."""
    lines = [f"GET {target} HTTP/1.0", "Host: 127.0.0.1", *headers, "", ""]
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall("\r\n".join(lines).encode())
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), head, body


def sample(fmt):
    return (ROOT / f"www/sample/recruit/{fmt}/JobOpenings/getRecords.{fmt}").read_bytes()


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_4834_bodies_byte_for_byte(server, fmt):
    status, head, body = raw(server, PATH.format(fmt=fmt) + "?authtoken=" + "0" * 32 + "&scope=recruitapi")
    assert (status, body) == (200, BODY_4834[fmt])
    assert b"\r\nContent-Length: %d\r\n" % len(body) in head


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("suffix", ["%0A", "%0D%0A", "%0a", "%0D"])
@pytest.mark.parametrize("good", [False, True])
def test_a_newline_at_the_end_of_the_path_is_a_plain_404(server, token, fmt, suffix, good):
    query = f"?authtoken={token if good else 'x' * 32}&scope=recruitapi"
    status, head, body = raw(server, PATH.format(fmt=fmt) + suffix + query)
    _, plain_head, plain_body = raw(server, "/no/such/path")
    assert status == 404
    assert body == plain_body  # nginx's own 404 page: nothing of the path in it
    assert b"getRecords" not in head + body
    assert head.count(b"\n") == plain_head.count(b"\n")


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_newline_inside_the_path_is_a_plain_404(server, token, fmt):
    for target in [f"/recruit/private/{fmt}/JobOpenings%0A/getRecords", f"/recruit/private/{fmt}%0A/JobOpenings/getRecords"]:
        status, head, body = raw(server, target + f"?authtoken={token}&scope=recruitapi")
        assert status == 404 and b"JobOpenings" not in body, target


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_ambiguous_tokens_get_4834(server, token, fmt):
    other = "0123456789abcdef" * 2
    path = PATH.format(fmt=fmt)
    for query, headers in [
        (f"authtoken={token}&authtoken={other}", ()),
        (f"authtoken={other}&authtoken={token}", ()),
        (f"authtoken={token}&AUTHTOKEN={token}", ()),
        (f"AuthToken={token}&authtoken=", ()),
        (f"authtoken={token}", (f"Authorization: Bearer {other}",)),
        (f"authtoken={other}", (f"Authorization: Zoho-authtoken {token}",)),
        ("", (f"Authorization: Bearer {token}, Bearer {other}",)),
        (f"authtoken={token}&scope=crmapi", ()),
        (f"authtoken={token}&x=%zz", (f"Authorization: Bearer {token}",)),
    ]:
        status, _, body = raw(server, f"{path}?{query}&scope=recruitapi", headers)
        assert (status, body) == (200, BODY_4834[fmt]), (query, headers)


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_one_token_in_any_letter_case_or_the_same_in_both_places_passes(server, token, fmt):
    path = PATH.format(fmt=fmt)
    for query, headers in [
        (f"AUTHTOKEN={token}", ()),
        (f"AuthToken={token}", ()),
        (f"authtoken={token}", (f"Authorization: Bearer {token}",)),
        ("", (f"Authorization: Zoho-authtoken {token}",)),
    ]:
        status, _, body = raw(server, f"{path}?{query}&scope=recruitapi", headers)
        assert (status, body) == (200, sample(fmt)), (query, headers)


def test_two_authorization_headers_are_refused_by_nginx(server, token):
    other = "0123456789abcdef" * 2
    status, _, body = raw(server, PATH.format(fmt="json") + "?scope=recruitapi",
                          (f"Authorization: Bearer {token}", f"Authorization: Bearer {other}"))
    assert status == 400 and b"getRecords" not in body
