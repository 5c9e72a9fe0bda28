"""Integration fixtures: real authtoken-fcgi behind real nginx, started by scripts/run."""
import base64
import contextlib
import datetime
import hashlib
import hmac
import os
import pathlib
import re
import secrets
import signal
import socket
import sqlite3
import struct
import subprocess
import threading
import time

import pytest
import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]
PATHS = ["/apiauthtoken/create", "/apiauthtoken/nb/create"]
FORMS = ["get", "post-query", "post-body"]
SCOPE = "ZohoCRM/crmapi"
DATE_LINE = re.compile(r"^#[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \S+ \d{4}$")
TOKEN = re.compile(r"^[0-9a-f]{32}$")

# Every password and token the suite uses; test_zz_logs checks none reached a log.
SECRETS = []
# Every instance started, so the log test can read all of their logs.
INSTANCES = []


def has_ipv6_loopback():
    """scripts/run then listens on [::1] too (see its LISTEN_MORE)."""
    try:
        return any(line.startswith("0" * 31 + "1 ") for line in open("/proc/net/if_inet6"))
    except OSError:
        return False


def free_port():
    """A port free on 127.0.0.1, and on [::1] too where scripts/run listens there."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            if not has_ipv6_loopback():
                return port
            try:
                with socket.socket(socket.AF_INET6) as s6:
                    s6.bind(("::1", port))
                return port
            except OSError:
                continue


def new_password(extra=""):
    pw = "pw-" + secrets.token_hex(8) + extra
    SECRETS.append(pw)
    return pw


# nginx's per-address limits (scripts/run's NGINX_* variables). Every test client is
# 127.0.0.1, so instances get generous ones; test_nginx_limits.py checks low ones.
GENEROUS_NGINX_LIMITS = {"NGINX_API_RATE": "100000r/s", "NGINX_API_BURST": "100000",
                         "NGINX_FORM_RATE": "100000r/s", "NGINX_FORM_BURST": "100000",
                         "NGINX_CONN_PER_ADDR": "10000"}


# How nginx asks the token check: HTTP/1.1 with kept connections (scripts/run's default) or
# FastCGI (AUTHTOKEN_CHECK_LISTEN=unix:...). Every test of the guarded path runs on both.
TRANSPORTS = ["http", "fastcgi"]


def transport_env(transport, data_dir):
    """The one setting that picks the check's transport for an instance in data_dir."""
    if transport == "fastcgi":
        return {"AUTHTOKEN_CHECK_LISTEN": f"unix:{data_dir}/authtoken-check.sock"}
    assert transport == "http", transport
    return {}


class Instance:
    """One scripts/run process with its own DATA_DIR and port."""

    def __init__(self, data_dir, env=None, transport="http"):
        self.data_dir = pathlib.Path(data_dir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.transport = transport
        self.env = {**os.environ, **GENEROUS_NGINX_LIMITS, "AUTHTOKEN_SKIP_BUILD": "1",
                    "DATA_DIR": str(self.data_dir), "PORT": str(self.port),
                    **transport_env(transport, self.data_dir), **(env or {})}
        self.env.pop("AUTHTOKEN_CONFIG", None)
        self.lines = []
        self.running = threading.Event()
        self.proc = None
        self.http = requests.Session()
        INSTANCES.append(self)

    def start(self, timeout=120):
        self._spawn(timeout)
        out = self.output()
        self.demo_email = re.search(r"e-mail:\s+(\S+)", out).group(1)
        self.demo_password = re.search(r"password:\s+(\S+)", out).group(1)
        SECRETS.append(self.demo_password)
        assert self.http.get(self.url + "/static/style.css", timeout=10).status_code == 200

    def restart(self, timeout=120):
        """scripts/run again on the same DATA_DIR and port, e.g. after a crash stopped it."""
        self.lines = []
        self.running = threading.Event()
        self.http = requests.Session()
        self._spawn(timeout)

    def _spawn(self, timeout):
        self.proc = subprocess.Popen([str(ROOT / "scripts/run")], env=self.env, cwd=ROOT,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + timeout
        while not self.running.wait(0.2):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("scripts/run did not start:\n" + self.output())

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)
            if "authtoken is running on" in line:
                self.running.set()

    def output(self):
        return "".join(self.lines)

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Signal scripts/run and return its exit status. SIGTERM, not SIGINT: a run started
        from a background job (nohup scripts/test &) inherits SIGINT ignored, and a shell
        script cannot trap a signal ignored on entry."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("scripts/run did not stop:\n" + self.output())

    def kill(self):
        """Ends whatever this instance started and is still alive, even after a failure:
        scripts/run, then (started with setsid, so outside its process group) nginx and
        every authtoken-fcgi by their pid files, and a --postgres or --ha cluster."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        mine = str(self.data_dir).encode()
        for pidfile in [self.data_dir / "nginx" / "nginx.pid", *self.data_dir.glob("authtoken-fcgi*.pid")]:
            try:
                pid = int(pidfile.read_text())
                # Only while the number still names this instance's process (nginx has the
                # folder in its arguments, authtoken-fcgi in its environment).
                proc = pathlib.Path(f"/proc/{pid}")
                if mine in proc.joinpath("cmdline").read_bytes() or mine in proc.joinpath("environ").read_bytes():
                    os.kill(pid, signal.SIGKILL)
            except (OSError, ValueError):
                continue
        if (self.data_dir / "pg").is_dir():
            subprocess.run([str(ROOT / "scripts/pg-cluster"), "stop", str(self.data_dir / "pg")],
                           capture_output=True, timeout=60)
        if (self.data_dir / "ha").is_dir():
            subprocess.run([str(ROOT / "scripts/ha-cluster"), "stop", str(self.data_dir / "ha")],
                           capture_output=True, timeout=120)

    def fcgi_pid(self, n=1):
        """The pid of authtoken-fcgi instance n (INSTANCES=N: 1 to N)."""
        name = "authtoken-fcgi.pid" if n == 1 else f"authtoken-fcgi-{n}.pid"
        return int((self.data_dir / name).read_text())

    def socket(self, n=1, check=False):
        """Instance n's main (or check) socket, as scripts/run names them by default."""
        stem = "authtoken-check" if check else "authtoken"
        return self.data_dir / (f"{stem}.sock" if n == 1 else f"{stem}-{n}.sock")

    def admin(self, *args, input=None):
        return subprocess.run([str(ROOT / "scripts/admin"), *args], env=self.env, input=input,
                              capture_output=True, text=True, timeout=60)

    def add_user(self, email, password, confirmed=True, name=None):
        args = ["user", "add", email]
        if name:
            args += ["--name", name]
        if confirmed:
            args.append("--confirmed")
        r = self.admin(*args, input=password + "\n")
        assert r.returncode == 0, r.stderr
        return r

    def db(self):
        con = sqlite3.connect(f"file:{self.data_dir / 'authtoken.sqlite'}?mode=ro", uri=True)
        con.row_factory = sqlite3.Row
        return con

    def tokens_of(self, email):
        with self.db() as con:
            return con.execute(
                "SELECT token.* FROM token JOIN account ON account.id = token.account_id"
                " WHERE account.email_key = ? OR account.email = ?",
                (email.lower(), email)).fetchall()

    def create(self, params, form="get", path=PATHS[0], **kw):
        """One token request in one of the three forms clients use."""
        url = self.url + path
        if form == "get":
            return self.http.get(url, params=params, timeout=30, **kw)
        if form == "post-query":
            return self.http.post(url, params=params, timeout=30, **kw)
        assert form == "post-body"
        return self.http.post(url, data=params, timeout=30, **kw)


def split_body(r):
    """Check what every answer shares and return its two key lines."""
    assert r.status_code == 200, (r.status_code, r.text)
    assert r.headers["Content-Type"] == "text/plain; charset=UTF-8"
    body = r.content.decode("utf-8")
    parts = body.split("\n")
    assert len(parts) == 5, repr(body)
    assert parts[0] == "#" and parts[4] == "", repr(body)
    assert DATE_LINE.match(parts[1]), repr(body)
    zone = parts[1].split()[4]
    if zone in ("UTC", "GMT"):
        when = datetime.datetime.strptime(parts[1][1:].replace(zone, "UTC"),
                                          "%a %b %d %H:%M:%S UTC %Y")
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        assert abs((now - when).total_seconds()) < 300, parts[1]
    return parts[2], parts[3]


def assert_cause(r, cause):
    assert split_body(r) == (f"CAUSE={cause}", "RESULT=FALSE"), r.text


def assert_token(r):
    key, result = split_body(r)
    assert result == "RESULT=TRUE", r.text
    assert key.startswith("AUTHTOKEN="), r.text
    token = key[len("AUTHTOKEN="):]
    assert TOKEN.match(token), token
    SECRETS.append(token)
    return token


def complete_token(answer):
    """The token of a complete success answer, else None (cut off, 502, or a refusal)."""
    if not isinstance(answer, requests.Response) or answer.status_code != 200:
        return None
    lines = answer.text.split("\n")
    if len(lines) != 5 or lines[3] != "RESULT=TRUE" or not lines[2].startswith("AUTHTOKEN="):
        return None
    token = lines[2][len("AUTHTOKEN="):]
    assert TOKEN.match(token), answer.text
    SECRETS.append(token)
    return token


class Loop:
    """Clients calling `call` in a loop until stopped; every result with its start time."""

    def __init__(self, call, clients):
        self.call = call
        self.stop = threading.Event()
        self.results = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(clients)]

    def run(self):
        with requests.Session() as s:
            while not self.stop.is_set():
                started = time.monotonic()
                try:
                    result = self.call(s)
                except requests.RequestException as e:
                    result = e
                with self.lock:
                    self.results.append((started, time.monotonic(), result))

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(60)
        assert not any(t.is_alive() for t in self.threads), "a client hung"


CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')
APP_PASSWORD = re.compile(r'id="app-password-value" class="secret">([a-z0-9]{4} [a-z0-9]{4} [a-z0-9]{4})<')


def sign_in(inst, email, pw):
    """A requests session signed in through the form (an account without two-factor)."""
    s = requests.Session()
    page = s.get(inst.url + "/signin", timeout=10)
    r = s.post(inst.url + "/signin", timeout=60, allow_redirects=False,
               data={"csrf": CSRF.search(page.text).group(1), "email": email, "password": pw})
    assert r.status_code in (302, 303), r.text
    SECRETS.append(s.cookies["authtoken_session"])
    return s


def add_app_passwords(inst, email, pw, count):
    """Signs in and creates `count` application passwords; the session and their values."""
    s = sign_in(inst, email, pw)
    values = []
    for i in range(count):
        csrf = CSRF.search(s.get(inst.url + "/app-passwords", timeout=10).text).group(1)
        r = s.post(inst.url + "/app-passwords", timeout=60,
                   data={"csrf": csrf, "name": f"device {i}", "password": pw})
        assert r.status_code == 200, r.text
        values.append(APP_PASSWORD.search(r.text).group(1))
    SECRETS.extend(values)
    return s, values


def totp(secret_b32, at=None, step_offset=0):
    """RFC 6238 with SHA-1, 30-second steps, 6 digits."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((time.time() if at is None else at) // 30) + step_offset
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


_counter = iter(range(1, 1_000_000))

GENEROUS_THROTTLE = {"AUTHTOKEN_THROTTLE_MAX_FAILURES": "100000"}


def new_email(prefix="user"):
    return f"{prefix}{next(_counter)}-{secrets.token_hex(3)}@example.com"


def pytest_configure(config):
    config.addinivalue_line("markers", "last: runs after every other test (it reads what they left)")


def pytest_collection_modifyitems(items):
    """Tests marked `last` (the log audit) run after all the others, wherever their file
    sorts: the order is said here, not left to file names."""
    items.sort(key=lambda item: item.get_closest_marker("last") is not None)


@pytest.fixture(autouse=True)
def _end_instances_started_by_the_test():
    """A test that starts its own instance and fails before stopping it leaves nothing
    running. Instances of module and session fixtures exist before this runs, so their
    fixtures' own teardown ends them."""
    started = len(INSTANCES)
    yield
    for inst in INSTANCES[started:]:
        inst.kill()


def pytest_sessionfinish(session, exitstatus):
    for inst in INSTANCES:
        inst.kill()


@contextlib.contextmanager
def running_instance(tmp_path_factory, name, env=None, transport="http"):
    """The one shape of an instance fixture: started in a fresh folder, handed to the tests,
    then stopped (a clean exit is asserted, with the output on failure) and, whatever
    happened, killed. Use it as `with running_instance(...) as inst: yield inst`."""
    inst = Instance(tmp_path_factory.mktemp(f"{name}-{transport}"), env=env, transport=transport)
    try:
        inst.start()
        yield inst
        assert inst.stop() == 0, inst.output()
    finally:
        inst.kill()


@pytest.fixture(scope="session")
def server(server_http):
    return server_http


@pytest.fixture(scope="session")
def server_http(tmp_path_factory):
    # The suite sends many deliberate wrong passwords from 127.0.0.1; generous limits keep
    # throttling out of the way here. test_throttle.py checks the defaults on its own instance.
    with running_instance(tmp_path_factory, "main", GENEROUS_THROTTLE) as inst:
        yield inst


@pytest.fixture(scope="session")
def server_fastcgi(tmp_path_factory):
    """The same as `server`, with the check asked over FastCGI."""
    with running_instance(tmp_path_factory, "main", GENEROUS_THROTTLE, transport="fastcgi") as inst:
        yield inst


@pytest.fixture(scope="session", params=TRANSPORTS)
def guard_server(request):
    """`server` on each transport of the check. A module of guard tests makes every test
    run on both with `server = guard_server_fixture()`."""
    return request.getfixturevalue("server_http" if request.param == "http" else "server_fastcgi")


def guard_server_fixture():
    """A module-level `server` fixture that is `guard_server`: the module's tests, and its
    fixtures that take `server`, run once per transport."""
    @pytest.fixture(scope="module")
    def server(guard_server):
        return guard_server
    return server


# ---- A directory: Debian's slapd, throwaway (scripts/ldap-dir) -----------------------

class Directory:
    """A scripts/ldap-dir directory: what `start` printed, and changes made as its manager."""

    def __init__(self, folder):
        self.folder = str(folder)
        self.values = self.start()

    def start(self):
        r = subprocess.run([str(ROOT / "scripts/ldap-dir"), "start", self.folder], capture_output=True,
                           text=True, timeout=120, stdin=subprocess.DEVNULL)
        assert r.returncode == 0, r.stderr
        return dict(line.split("=", 1) for line in r.stdout.splitlines())

    def stop(self):
        r = subprocess.run([str(ROOT / "scripts/ldap-dir"), "stop", self.folder], capture_output=True, text=True,
                           timeout=120)
        assert r.returncode == 0, r.stderr

    def destroy(self):
        subprocess.run([str(ROOT / "scripts/ldap-dir"), "destroy", self.folder], capture_output=True, timeout=120)

    def modify(self, ldif, tool="ldapmodify"):
        """Runs ldapmodify (or ldapadd, ldapdelete) as the directory's manager."""
        r = subprocess.run([tool, "-x", "-H", self.values["url"], "-D", self.values["admin_dn"],
                            "-y", self.values["admin_password_file"]], input=ldif, capture_output=True, text=True,
                           timeout=30, env={**os.environ, "LDAPTLS_CACERT": self.values["ca_file"]})
        assert r.returncode == 0, r.stderr

    def dn(self, uid):
        return f"uid={uid},{self.values['base']}"

    def add_person(self, uid, name, groups=("required_group",)):
        """A person with mail UID@example.org and password UID-directory-password."""
        password = f"{uid}-directory-password"
        self.modify(f"dn: {self.dn(uid)}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {name}\n"
                    f"sn: {name.split()[-1]}\nmail: {uid}@example.org\nuserPassword: {password}\n", "ldapadd")
        for group in groups:
            self.set_member(uid, group, True)
        SECRETS.append(password)
        return f"{uid}@example.org", password

    def set_member(self, uid, group, member):
        change = "add" if member else "delete"
        self.modify(f"dn: {self.values[group]}\nchangetype: modify\n{change}: member\nmember: {self.dn(uid)}\n")

    def set_locked(self, uid, locked):
        change = "add: pwdAccountLockedTime\npwdAccountLockedTime: 000001010000Z" if locked \
            else "delete: pwdAccountLockedTime"
        self.modify(f"dn: {self.dn(uid)}\nchangetype: modify\n{change}\n")

    def delete(self, uid):
        self.modify(self.dn(uid) + "\n", "ldapdelete")

    def env(self, mode="directory+local", max_deactivate_percent=100, ca_file=None):
        """An instance's settings for this directory."""
        v = self.values
        return {
            "AUTHTOKEN_DIRECTORY_MODE": mode, "AUTHTOKEN_DIRECTORY_URL": v["url"],
            "AUTHTOKEN_DIRECTORY_CA_FILE": ca_file or v["ca_file"],
            "AUTHTOKEN_DIRECTORY_BIND_DN": v["bind_dn"],
            "AUTHTOKEN_DIRECTORY_BIND_PASSWORD_FILE": v["bind_password_file"],
            "AUTHTOKEN_DIRECTORY_USER_BASE": v["base"],
            "AUTHTOKEN_DIRECTORY_USER_FILTER": "(&(objectClass=inetOrgPerson)(mail={email}))",
            "AUTHTOKEN_DIRECTORY_ADMIN_GROUP": v["admin_group"],
            "AUTHTOKEN_DIRECTORY_REQUIRED_GROUP": v["required_group"],
            "AUTHTOKEN_DIRECTORY_DISABLED_FILTER": "(pwdAccountLockedTime=*)",
            "AUTHTOKEN_DIRECTORY_CONNECT_TIMEOUT_SECONDS": "2", "AUTHTOKEN_DIRECTORY_TIMEOUT_SECONDS": "3",
            "AUTHTOKEN_DIRECTORY_MAX_DEACTIVATE_PERCENT": str(max_deactivate_percent),
            **GENEROUS_THROTTLE,
        }


@pytest.fixture(scope="session")
def ldap_directory(tmp_path_factory):
    directory = Directory(tmp_path_factory.mktemp("ldap"))
    SECRETS.extend(f"{uid}-directory-password" for uid in ["alice", "bob", "carol", "dave", "erin"])
    try:
        yield directory
    finally:
        directory.destroy()


# ---- Browser tests: Debian's headless Chromium through Selenium ----------------------

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def pytest_terminal_summary(terminalreporter):
    if SCREENSHOTS.exists() and any(SCREENSHOTS.iterdir()):
        terminalreporter.write_line(f"browser screenshots: {SCREENSHOTS}")


@pytest.fixture(scope="session")
def chrome():
    """One headless Chromium for the whole run; each test starts with no cookies."""
    # Paths are given explicitly and Selenium Manager is kept offline: nothing is downloaded.
    os.environ["SE_OFFLINE"] = "true"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--lang=en-US"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


class Browser:
    """A person at the browser: open pages, fill forms, take screenshots."""

    def __init__(self, driver, server):
        self.d = driver
        self.server = server

    def open(self, path):
        self.d.get(self.server.url + path)

    def path(self):
        return self.d.current_url[len(self.server.url):]

    def find(self, css):
        from selenium.webdriver.common.by import By
        return self.d.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css):
        from selenium.webdriver.common.by import By
        return self.d.find_elements(By.CSS_SELECTOR, css)

    def h1(self):
        return self.find("h1").text

    def fill(self, **fields):
        for name, value in fields.items():
            field = self.find(f"[name={name}]")
            field.clear()
            field.send_keys(value)

    def submit(self, text):
        """Presses the button labelled `text` and waits for the next page."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.wait import WebDriverWait
        button = self.d.find_element(By.XPATH, f"//button[normalize-space()='{text}']")
        # A mark on the old page's window: gone once the next page has loaded. (Waiting for
        # the button to go stale races with Chromium's inspector during navigation.)
        self.d.execute_script("window.leavingPage = true")
        button.click()

        def arrived(driver):
            try:
                return driver.execute_script(
                    "return !window.leavingPage && document.readyState === 'complete'")
            except WebDriverException:
                return False
        WebDriverWait(self.d, 20).until(arrived)

    def sign_in(self, email, password):
        self.fill(email=email, password=password)
        self.submit("Sign in")

    def shot(self, name, width=1280):
        """Saves a screenshot of the whole page at `width` CSS pixels (390: a phone)."""
        self.d.set_window_size(width, 900)
        height = self.d.execute_script("return document.documentElement.scrollHeight")
        inner = self.d.execute_script("return window.innerHeight")
        self.d.set_window_size(width, max(600, min(height + 900 - inner, 5000)))
        self.d.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
        self.d.set_window_size(1280, 900)

    def console_errors(self):
        return [e for e in self.d.get_log("browser") if e["level"] == "SEVERE"]


@pytest.fixture
def browser(chrome, server):
    chrome.delete_all_cookies()
    chrome.get_log("browser")  # start each test with an empty console
    yield Browser(chrome, server)
    chrome.delete_all_cookies()
