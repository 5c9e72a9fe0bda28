"""The token cap holds under concurrent requests."""
import threading
from concurrent.futures import ThreadPoolExecutor

from conftest import SCOPE, assert_cause, assert_token, digest, new_email, new_password


def test_parallel_creates_respect_cap(server):
    email, pw = new_email("race"), new_password()
    server.add_user(email, pw)
    start = threading.Barrier(20)

    def one(i):
        start.wait()
        return server.create({"SCOPE": SCOPE, "EMAIL_ID": email, "PASSWORD": pw},
                             form=("get", "post-query", "post-body")[i % 3])

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(one, range(20)))
    ok = [r for r in answers if "RESULT=TRUE" in r.text]
    refused = [r for r in answers if "RESULT=FALSE" in r.text]
    assert (len(ok), len(refused)) == (10, 10), [r.text for r in answers]
    tokens = {assert_token(r) for r in ok}
    for r in refused:
        assert_cause(r, "EXCEEDED_MAXIMUM_ALLOWED_AUTHTOKENS")
    rows = server.tokens_of(email)
    assert len(rows) == 10
    assert {r["digest"] for r in rows} == {digest(t) for t in tokens}
