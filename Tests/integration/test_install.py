"""scripts/install into a staging root: every file in its place with its mode, the
configuration the owner's alone, and nginx's files working in a site that is not ours: an
existing server block with its own access log includes the snippets, passes `nginx -t`,
issues a token, guards a location, and its own log never sees a password or a token."""
import os
import re
import shutil
import stat
import subprocess
import time
import urllib.parse

import pytest
import requests

from conftest import ROOT, SCOPE, assert_token, free_port, new_email, new_password

BIN = ROOT / ".build/release"


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def install(stage, logs):
    env = dict(os.environ, DESTDIR=str(stage), PREFIX="/usr", AUTHTOKEN_SKIP_BUILD="1", NGINX_LOG_DIR=str(logs))
    r = subprocess.run([str(ROOT / "scripts/install")], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("install")
    stage, logs = tmp / "stage", tmp / "logs"
    logs.mkdir()  # the real default, /var/log/nginx/authtoken, is made inside DESTDIR
    out = install(stage, logs)
    return tmp, stage, logs, out


def test_files_land_in_their_places_with_their_modes(staged):
    _, stage, _, out = staged
    for b in ("authtoken-fcgi", "authtoken-admin"):
        assert mode(stage / "usr/bin" / b) == 0o755
    assert (stage / "usr/share/authtoken/www/templates").is_dir()
    assert mode(stage / "usr/share/authtoken/www/static/style.css") == 0o644
    assert (stage / "usr/share/doc/authtoken/docs/operations.md").is_file()
    for unit in ("authtoken.service", "authtoken.socket"):
        text = (stage / "usr/lib/systemd/system" / unit).read_text()
        assert not re.search(r"@[A-Z]+@", text), unit
    service = (stage / "usr/lib/systemd/system/authtoken.service").read_text()
    assert "ExecStart=/usr/bin/authtoken-fcgi\n" in service
    assert "Environment=AUTHTOKEN_WWW_DIR=/usr/share/authtoken/www\n" in service
    for f in ("conf.d/authtoken.conf", "snippets/authtoken/locations.conf", "snippets/authtoken/guard.conf",
              "snippets/authtoken/pass.conf", "snippets/authtoken/security-headers.conf"):
        text = (stage / "etc/nginx" / f).read_text()
        directives = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#"))
        assert not re.search(r"@[A-Z_]+@", directives), f
    http = (stage / "etc/nginx/conf.d/authtoken.conf").read_text()
    assert "server unix:/run/authtoken/fcgi.sock max_fails=1 fail_timeout=10s;" in http
    assert "server unix:/run/authtoken/check.sock max_fails=1 fail_timeout=10s;" in http
    # The check over HTTP with kept connections (http+fd:4 from the socket unit).
    assert "Environment=AUTHTOKEN_CHECK_LISTEN=http+fd:4\n" in service
    locations = (stage / "etc/nginx/snippets/authtoken/locations.conf").read_text()
    assert locations.count("include snippets/authtoken/check-http.conf;") == 2, locations
    assert "include snippets/authtoken/locations.conf;" in out and "include snippets/authtoken/guard.conf;" in out


def test_the_configuration_is_the_owners_alone_and_kept_on_a_second_install(staged):
    tmp, stage, logs, _ = staged
    conf = stage / "etc/authtoken/authtoken.conf"
    assert mode(stage / "etc/authtoken") == 0o700 and mode(conf) == 0o600
    text = conf.read_text()
    keys = re.findall(r"^AUTHTOKEN_SECRET_KEY=([0-9a-f]{64})$", text, re.M)
    assert len(keys) == 1, text
    assert "\nAUTHTOKEN_WWW_DIR=/usr/share/authtoken/www\n" in text
    # No PUBLIC_URL given: the key is there, empty, for the administrator to set, and the
    # script says so (until then the server mails no links).
    assert "\nAUTHTOKEN_PUBLIC_URL=\n" in text
    out = install(stage, logs)
    assert "exists; kept as it is" in out
    assert "Set AUTHTOKEN_PUBLIC_URL in" in out
    assert conf.read_text() == text
    # The written file is one the server accepts (every key known, the mode right).
    r = subprocess.run([str(BIN / "authtoken-admin"), "config"], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, AUTHTOKEN_CONFIG=str(conf), AUTHTOKEN_DATABASE=str(tmp / "cfg.sqlite")))
    assert r.returncode == 0, r.stderr
    assert "AUTHTOKEN_SECRET_KEY=(set)" in r.stdout.splitlines() and keys[0] not in r.stdout


def site_config(tmp, nginx_dir, port):
    """An existing site as an admin has it, with the lines the install printed added."""
    for f in ("fastcgi_params", "mime.types"):
        shutil.copy(f"/etc/nginx/{f}", nginx_dir / f)
    user = "user root root;\n" if os.getuid() == 0 else ""
    (nginx_dir / "nginx.conf").write_text(f"""{user}pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
    include mime.types;
    client_body_temp_path {tmp}/body;
    fastcgi_temp_path {tmp}/fastcgi;
    proxy_temp_path {tmp}/proxy;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include conf.d/*.conf;
    server {{
        listen 127.0.0.1:{port};
        access_log {tmp}/site.log combined;
        include snippets/authtoken/locations.conf;
        location /myservice/ {{
            set $authtoken_scope "{SCOPE}";
            include snippets/authtoken/guard.conf;
            proxy_pass http://unix:{tmp}/service.sock:;
        }}
    }}
    # The guarded service ("return" in the guarded location itself would answer before
    # auth_request runs).
    server {{
        listen unix:{tmp}/service.sock;
        access_log off;
        location / {{
            return 200 "service for $http_x_authtoken_email\\n";
        }}
    }}
}}
""")


def test_an_existing_site_with_the_snippets_passes_nginx_t_and_serves(staged):
    tmp, stage, logs, _ = staged
    nginx_dir = stage / "etc/nginx"
    port = free_port()
    site_config(tmp, nginx_dir, port)
    t = subprocess.run(["nginx", "-t", "-p", str(nginx_dir), "-c", str(nginx_dir / "nginx.conf")],
                       capture_output=True, text=True, timeout=60)
    assert t.returncode == 0 and "test is successful" in t.stderr, t.stderr

    # Serve: the installed server on sockets of this test (the units' /run paths need root).
    http = nginx_dir / "conf.d/authtoken.conf"
    http.write_text(http.read_text().replace("/run/authtoken/", f"{tmp}/"))
    env = dict(os.environ, AUTHTOKEN_CONFIG=str(stage / "etc/authtoken/authtoken.conf"),
               AUTHTOKEN_DATABASE=str(tmp / "site.sqlite"), AUTHTOKEN_LISTEN=f"unix:{tmp}/fcgi.sock",
               AUTHTOKEN_CHECK_LISTEN=f"http+unix:{tmp}/check.sock", AUTHTOKEN_THREADS="8", AUTHTOKEN_HASH_QUEUE="2",
               AUTHTOKEN_WWW_DIR=str(stage / "usr/share/authtoken/www"))
    email, pw = new_email("site"), new_password()
    r = subprocess.run([str(stage / "usr/bin/authtoken-admin"), "user", "add", email, "--confirmed"],
                       input=pw + "\n", env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    server = subprocess.Popen([str(stage / "usr/bin/authtoken-fcgi")], env=env, stderr=subprocess.PIPE, text=True)
    nginx = None
    try:
        for _ in range(300):
            if (tmp / "fcgi.sock").exists() and (tmp / "check.sock").exists():
                break
            assert server.poll() is None, server.stderr.read()
            time.sleep(0.1)
        nginx = subprocess.Popen(["nginx", "-p", str(nginx_dir), "-c", str(nginx_dir / "nginx.conf"),
                                  "-g", "daemon off;"], stderr=subprocess.PIPE, text=True)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                requests.get(base + "/", timeout=5)
                break
            except requests.ConnectionError:
                assert nginx.poll() is None, nginx.stderr.read()
                time.sleep(0.1)
        query = urllib.parse.urlencode({"SCOPE": SCOPE, "EMAIL_ID": email, "PASSWORD": pw})
        answer = requests.get(f"{base}/apiauthtoken/create?{query}", timeout=30)
        token = assert_token(answer)
        ok = requests.get(f"{base}/myservice/x?authtoken={token}", timeout=30)
        assert (ok.status_code, ok.text) == (200, f"service for {email}\n")
        assert requests.get(f"{base}/myservice/x?authtoken={'0' * 32}", timeout=30).status_code == 401
        signin = requests.get(base + "/", timeout=30)
        assert signin.status_code == 200 and signin.headers["Cache-Control"] == "no-store"
    finally:
        if nginx:
            nginx.terminate()
            nginx.wait(30)
        server.terminate()
        assert server.wait(30) == 0
    # The site's own log, in its own format, got neither the password nor the token: the
    # snippets log those requests in authtoken's format, method and path only.
    site_log = (tmp / "site.log").read_text()
    ours = (logs / "access.log").read_text()
    assert pw not in site_log + ours and token not in site_log + ours
    assert "GET /apiauthtoken/create HTTP/1.1" in ours and "GET /myservice/x HTTP/1.1" in ours
