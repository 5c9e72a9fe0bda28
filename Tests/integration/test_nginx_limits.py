"""nginx's per-address limits on the password paths, and scripts/run's sizing check."""
import http.server
import os
import socket
import subprocess
import threading
import time

import pytest
import requests

from conftest import assert_cause, free_port, has_ipv6_loopback, ROOT, running_instance, SCOPE

SECURITY = ["X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Content-Security-Policy"]


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    # 1 request a minute with a burst of 3: the 5th quick request is over the limit.
    with running_instance(tmp_path_factory, "limits", {
        "NGINX_API_RATE": "1r/m", "NGINX_API_BURST": "3", "NGINX_FORM_RATE": "1r/m", "NGINX_FORM_BURST": "3"}) as inst:
        yield inst


@pytest.fixture(scope="module")
def one_at_a_time(tmp_path_factory):
    with running_instance(tmp_path_factory, "conn", {"NGINX_CONN_PER_ADDR": "1"}) as inst:
        yield inst


def test_api_mode_over_the_rate_gets_the_legacy_blocked_answer(limited):
    answers = [limited.create({"EMAIL_ID": "x@example.com", "SCOPE": SCOPE}) for _ in range(7)]
    for r in answers[:4]:
        assert_cause(r, "INVALID_CREDENTIALS")  # the server's own answer
    for r in answers[4:]:
        assert_cause(r, "API_REQUEST_BLOCKED")  # nginx's, in the same four lines, HTTP 200
        assert r.headers["Cache-Control"] == "no-store"
        assert all(name in r.headers for name in SECURITY)
    # The other alias and the other forms share the same per-address budget.
    assert_cause(limited.create({"EMAIL_ID": "x@example.com"}, form="post-body", path="/apiauthtoken/nb/create"),
                 "API_REQUEST_BLOCKED")


def test_forms_over_the_rate_get_429_and_other_paths_are_not_limited(limited):
    statuses = [limited.http.get(limited.url + "/signin", timeout=10).status_code for _ in range(6)]
    assert statuses == [200] * 4 + [429] * 2
    assert limited.http.get(limited.url + "/register", timeout=10).status_code == 429
    # Not limited: other pages, static files, and guarded locations (their check included).
    for _ in range(10):
        assert limited.http.get(limited.url + "/tokens", timeout=10, allow_redirects=False).status_code == 303
        assert limited.http.get(limited.url + "/static/style.css", timeout=10).status_code == 200
        r = limited.http.get(limited.url + "/recruit/private/json/JobOpenings/getRecords",
                             params={"authtoken": "0" * 32, "scope": "recruitapi"}, timeout=10)
        assert r.status_code == 200 and '"4834"' in r.text


def test_ipv6_clients_reach_the_run_and_are_limited(limited):
    # The local run listens on [::1] too; an IPv6 client gets its own budget (127.0.0.1's
    # is spent by the test above, or untouched), and the same limit.
    assert has_ipv6_loopback(), "this machine has no IPv6 loopback: the test cannot run here"
    url = f"http://[::1]:{limited.port}"
    statuses = [limited.http.get(url + "/signin", timeout=10).status_code for _ in range(6)]
    assert statuses == [200] * 4 + [429] * 2
    assert_cause(limited.http.get(url + "/apiauthtoken/create", params={"EMAIL_ID": "x@example.com", "SCOPE": SCOPE},
                                 timeout=10),
                 "INVALID_CREDENTIALS")


class Held(http.server.BaseHTTPRequestHandler):
    """An upstream that answers only once released, so requests stay in progress."""
    release = threading.Event()

    def do_GET(self):
        Held.release.wait(20)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_the_limit_zones_count_an_ipv6_slash_64_as_one_client(limited, tmp_path):
    """The zones and their key as authtoken-http.conf renders them (limited's copy: 1r/m),
    in a second nginx that takes the client address from X-Real-IP, as only a test may:
    the local run has one IPv6 address (::1), and this kernel has no other to bind to. It
    shows how nginx keys each zone for any address; the test above, that [::1] is served."""
    held = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Held)
    threading.Thread(target=held.serve_forever, daemon=True).start()
    port = free_port()
    (tmp_path / "ok.txt").write_text("ok\n")
    temps = "\n".join(f"{t}_temp_path {tmp_path}/{t};" for t in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # As root, nginx would hand its workers to "nobody", who cannot read tmp_path.
    user = "user root root;" if os.getuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(f"""
{user}
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 64; }}
http {{
    {temps}
    access_log off;
    include {limited.data_dir}/nginx/conf.d/authtoken.conf;
    server {{
        listen 127.0.0.1:{port};
        set_real_ip_from 127.0.0.1;
        real_ip_header X-Real-IP;
        limit_req_status 429;
        limit_conn_status 429;
        location = /api {{ limit_req zone=authtoken_api; root {tmp_path}; try_files /ok.txt =404; }}
        location = /forms {{ limit_req zone=authtoken_forms; root {tmp_path}; try_files /ok.txt =404; }}
        location = /conn {{ limit_conn authtoken_conn 1; proxy_pass http://127.0.0.1:{held.server_address[1]}; }}
    }}
}}
""")
    subprocess.run(["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], check=True, timeout=30)
    try:
        def status(path, address):
            return requests.get(f"http://127.0.0.1:{port}{path}", headers={"X-Real-IP": address},
                                timeout=30).status_code

        for path in ("/api", "/forms"):
            # One request a minute per client: the second from the same /64 is over.
            assert status(path, "2001:db8:1:2::1") == 200
            assert status(path, "2001:db8:1:2:ffff:ffff:ffff:fffe") == 429, path  # same /64
            assert status(path, "2001:db8:1:3::1") == 200  # the next /64
            assert status(path, "192.0.2.1") == 200
            assert status(path, "192.0.2.2") == 200  # IPv4: each address its own
            assert status(path, "192.0.2.1") == 429
        # One request in progress per client: a second one from the same /64 is refused
        # while the first is held, one from another /64 is not.
        results = {}
        first = threading.Thread(target=lambda: results.update(a=status("/conn", "2001:db8:5:6::1")))
        other = threading.Thread(target=lambda: results.update(c=status("/conn", "2001:db8:5:7::1")))
        first.start()
        other.start()
        time.sleep(0.5)
        assert status("/conn", "2001:db8:5:6:abcd::2") == 429
        Held.release.set()
        first.join(30)
        other.join(30)
        assert results == {"a": 200, "c": 200}
    finally:
        Held.release.set()
        subprocess.run(["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-s", "quit"], timeout=30)
        held.shutdown()


def test_api_mode_over_the_connection_limit_gets_the_legacy_blocked_answer(one_at_a_time):
    inst = one_at_a_time
    with socket.create_connection(("127.0.0.1", inst.port), timeout=10) as slow:
        # A request whose body is still on its way holds its connection slot.
        slow.sendall(b"POST /apiauthtoken/create HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nEMAIL_ID=")
        time.sleep(0.3)
        assert_cause(inst.create({"EMAIL_ID": "x@example.com", "SCOPE": SCOPE}), "API_REQUEST_BLOCKED")
        assert inst.http.post(inst.url + "/signin", data={"email": "x"}, timeout=10).status_code == 429
    time.sleep(0.3)
    assert_cause(inst.create({"EMAIL_ID": "x@example.com", "SCOPE": SCOPE}), "INVALID_CREDENTIALS")


def run_once(tmp_path, **env):
    full = {**os.environ, "AUTHTOKEN_SKIP_BUILD": "1", "DATA_DIR": str(tmp_path), "PORT": str(free_port()), **env}
    full.pop("AUTHTOKEN_CONFIG", None)
    return subprocess.run([str(ROOT / "scripts/run")], env=full, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)


def test_run_refuses_too_few_check_threads(tmp_path):
    # Kept FastCGI connections hold a thread each (idle HTTP ones hold none): the FastCGI check.
    workers = max(os.cpu_count() or 1, len(os.sched_getaffinity(0)))
    r = run_once(tmp_path, AUTHTOKEN_CHECK_THREADS=str(workers * 8 + 7),
                 AUTHTOKEN_CHECK_LISTEN=f"unix:{tmp_path}/authtoken-check.sock")
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"AUTHTOKEN_CHECK_THREADS={workers * 8 + 7} is too few" in r.stderr
    assert f"set AUTHTOKEN_CHECK_THREADS={workers * 8 + 8} or more" in r.stderr
    conf = (tmp_path / "authtoken.conf").read_text()
    assert f"\nAUTHTOKEN_CHECK_THREADS={max(32, workers * 8 + 16)}\n" in conf
    # A new data folder's file names the HTTP check; the environment chose FastCGI for this run.
    assert f"\nAUTHTOKEN_CHECK_LISTEN=http+unix:{tmp_path}/authtoken-check.sock\n" in conf
    assert not (tmp_path / "authtoken.sqlite").exists()  # refused before anything started


def test_run_refuses_a_malformed_rate(tmp_path):
    r = run_once(tmp_path, NGINX_API_RATE="lots")
    assert r.returncode == 1 and "NGINX_API_RATE" in r.stderr, r.stderr
