"""Black-box test harness: a private Halyard stack on loopback.

Stack starts RabbitMQ, PostgreSQL and nginx through deploy/local/stack.sh in a
temporary state directory on free ports, applies the migrations, and starts
the real service binaries (build/bin/*) as Service objects. Every wait is
bounded; failures raise StackError with the relevant log tails.

Used by conftest.py (fixtures `stack` and `services`); tests use only the
methods documented here.
"""

import atexit
import base64
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import urllib.parse
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STACK_SH = os.path.join(ROOT, "deploy", "local", "stack.sh")

# Fixed so that cookies in failing tests can be replayed by hand.
TEST_COOKIE_KEY = "5a1e" * 16
# Seals device secrets at rest (common/acs_secret.h): 32 bytes as hex.
TEST_SECRET_KEY = "c0de" * 16
# Signs upload URLs (common/acs_files.h, nginx secure_link).
TEST_FILES_SECRET = "test-files-secret-0123"


class StackError(AssertionError):
    """The stack or a service did not do what the harness waited for."""


# rabbitmqctl's own Erlang node listens in this range (RabbitMQ's default
# RABBITMQ_CTL_DIST_PORT_MIN..MAX): never hand it out.
_CLI_DIST_PORTS = range(35672, 35683)


def free_ports(n):
    """n distinct free TCP ports on 127.0.0.1 (bound together, then released)."""
    socks = []
    ports = []
    try:
        while len(ports) < n:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
            port = s.getsockname()[1]
            if port not in _CLI_DIST_PORTS:
                ports.append(port)
        return ports
    finally:
        for s in socks:
            s.close()


def free_port():
    return free_ports(1)[0]


def port_open(port, host="127.0.0.1", timeout=0.5):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for(what, predicate, timeout, interval=0.1, diagnostics=None):
    """Poll predicate() until it returns a true value (returned) or timeout."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 - reported below
            last_exc = exc
        if time.monotonic() >= deadline:
            msg = "timed out after %.1fs waiting for %s" % (timeout, what)
            if last_exc is not None:
                msg += " (last error: %r)" % (last_exc,)
            if diagnostics:
                msg += "\n" + diagnostics()
            raise StackError(msg)
        time.sleep(interval)


def tail(path, lines=40):
    """Last lines of a file, as text, for error messages."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 64 * 1024))
            text = f.read().decode("utf-8", "replace")
    except OSError as exc:
        return "--- %s: %s" % (path, exc)
    body = "\n".join(text.splitlines()[-lines:])
    return "--- last %d lines of %s\n%s" % (lines, path, body)


def ha1(username, realm, password):
    return hashlib.md5(("%s:%s:%s" % (username, realm, password)).encode()).hexdigest()


_METRIC_RE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)(\s+\S+)?$")


def parse_metrics(text):
    """Prometheus text format -> {'name{labels}': float} (labels verbatim)."""
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = _METRIC_RE.match(line)
        if not m:
            continue
        key = m.group(1) + (m.group(2) or "")
        try:
            out[key] = float(m.group(3))
        except ValueError:
            continue
    return out


def http_get(url, timeout=5):
    """(status, body bytes); HTTP errors are answers, not exceptions."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class Service:
    """One running service binary (acs-gateway, acs-inventory, ...)."""

    def __init__(self, stack, name, binary, env, log_path, scgi_addr=None, metrics_addr=None):
        self.stack = stack
        self.name = name
        self.binary = binary
        self.env = env
        self.log_path = log_path
        self.scgi_addr = scgi_addr  # "127.0.0.1:port" (gateways only)
        self.metrics_addr = metrics_addr  # "127.0.0.1:port"
        self.proc = None
        self.returncode = None

    def start(self, health_timeout=15):
        """Start the process and wait for GET /healthz to answer 200."""
        log = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(
                [self.binary], env=self.env, cwd=ROOT, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            log.close()
        self.returncode = None

        def healthy():
            if self.proc.poll() is not None:
                raise StackError("%s exited with status %s during start-up\n%s" % (
                    self.name, self.proc.returncode, tail(self.log_path)))
            return self.health() == 200

        try:
            wait_for("%s /healthz on %s" % (self.name, self.metrics_addr), healthy,
                     health_timeout, diagnostics=lambda: tail(self.log_path))
        except StackError:
            self.kill()
            raise
        return self

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def health(self):
        """HTTP status of GET /healthz, or None when nothing answers."""
        try:
            return http_get("http://%s/healthz" % self.metrics_addr, timeout=2)[0]
        except OSError:
            return None

    def stop(self, timeout=20):
        """SIGTERM (graceful drain) and wait; SIGKILL after timeout. Returns status."""
        if not self.alive():
            return self._reap()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise StackError("%s ignored SIGTERM for %ss\n%s" % (
                self.name, timeout, tail(self.log_path)))
        return self._reap()

    def kill(self):
        """SIGKILL, no drain (a crash). Returns the exit status."""
        if self.alive():
            self.proc.kill()
            self.proc.wait(10)
        return self._reap()

    def _reap(self):
        if self.proc is not None and self.proc.poll() is not None:
            self.returncode = self.proc.returncode
        return self.returncode

    def metrics(self):
        """{'name{labels}': value} from GET /metrics."""
        status, body = http_get("http://%s/metrics" % self.metrics_addr)
        if status != 200:
            raise StackError("%s /metrics answered %s" % (self.name, status))
        return parse_metrics(body.decode("utf-8", "replace"))

    def metric(self, key, default=0.0):
        """One value from metrics(), default when absent."""
        return self.metrics().get(key, default)

    def log_text(self):
        try:
            with open(self.log_path, "r", encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def log_tail(self, lines=40):
        return tail(self.log_path, lines)

    def __repr__(self):
        return "<Service %s pid=%s scgi=%s metrics=%s>" % (
            self.name, self.pid, self.scgi_addr, self.metrics_addr)


class HttpClient:
    """One keep-alive connection to nginx, as a CPE holds it for a session,
    with the cookies the ACS sets replayed on later requests."""

    def __init__(self, port, timeout=30):
        self.port = port
        self.timeout = timeout
        self.cookies = {}
        self.conn = None

    def post(self, body=b"", headers=None, path="/"):
        """(status, headers, body). Reconnects if the server closed."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        hdrs = {"Content-Type": 'text/xml; charset="utf-8"'}
        if self.cookies:
            hdrs["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        hdrs.update(headers or {})
        status, rh, data = _request(self.conn, "POST", path, body, hdrs)
        for v in rh.get_all("Set-Cookie") or []:
            name, _, rest = v.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0].strip()
        if (rh.get("Connection") or "").lower() == "close":
            self.close()
        return status, rh, data

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _request(conn, method, path, body, headers):
    """Send one request; if the server answers early and closes while the
    body is still being sent (413), read that answer all the same."""
    try:
        conn.request(method, path, body=body, headers=headers)
    except (BrokenPipeError, ConnectionResetError):
        pass
    try:
        r = conn.getresponse()
        data = r.read()
    except (http.client.HTTPException, OSError):
        conn.close()
        raise
    return r.status, r.headers, data


class Stack:
    """A private stack: RabbitMQ, PostgreSQL, nginx, plus started services."""

    def __init__(self, state_dir=None, keep=False):
        self.root = ROOT
        self.own_state = state_dir is None
        self.state_dir = state_dir or tempfile.mkdtemp(prefix="halyard-it-")
        # PostgreSQL runs as the postgres user, nginx workers as nobody:
        # both must reach into the state directory.
        os.chmod(self.state_dir, 0o755)
        self.keep = keep
        (self.amqp_port, self.dist_port, self.pg_port, self.http_port) = free_ports(4)
        self.amqp_url = "amqp://guest:guest@127.0.0.1:%d/" % self.amqp_port
        self.pg_dsn = "host=127.0.0.1 port=%d dbname=halyard user=halyard" % self.pg_port
        self.cwmp_url = "http://127.0.0.1:%d/" % self.http_port
        self.logs_dir = os.path.join(self.state_dir, "logs")
        # The file store nginx serves: files/ at /files/, upload/ at
        # /upload/ (signed URLs, common/acs_files.h).
        self.file_store = os.path.join(self.state_dir, "store")
        self.files_dir = os.path.join(self.file_store, "files")
        self.files_url = "http://127.0.0.1:%d" % self.http_port
        self.files_secret = TEST_FILES_SECRET
        self.services = []
        self.gateways = []
        # nginx's gateway pool; until a gateway runs, a port nothing listens on.
        self.upstreams = ["127.0.0.1:%d" % free_port()]
        self.migrated = False
        self.started = False
        self.start_seconds = None
        self._counter = 0

    # ------------------------------------------------------------ lifecycle

    def stack_env(self, gateways=None):
        env = dict(os.environ)
        env.update({
            "HALYARD_STATE": self.state_dir,
            "HALYARD_AMQP_PORT": str(self.amqp_port),
            "HALYARD_AMQP_DIST_PORT": str(self.dist_port),
            "HALYARD_PG_PORT": str(self.pg_port),
            "HALYARD_HTTP_PORT": str(self.http_port),
            "HALYARD_LISTEN": "127.0.0.1",
            "HALYARD_NGINX_WORKERS": "1",
            "HALYARD_PG_FAST": "1",
            "HALYARD_FILE_STORE": self.file_store,
            "HALYARD_FILES_SECRET": self.files_secret,
        })
        env["HALYARD_GATEWAYS"] = " ".join(gateways or self.upstreams)
        return env

    def _stack_sh(self, *args, timeout=180, gateways=None):
        try:
            p = subprocess.run(["bash", STACK_SH] + list(args), env=self.stack_env(gateways),
                               cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            out = (e.output or b"").decode("utf-8", "replace")
            raise StackError("stack.sh %s timed out after %ss\n%s" % (
                " ".join(args), timeout, out))
        out = p.stdout.decode("utf-8", "replace")
        if p.returncode != 0:
            raise StackError("stack.sh %s failed (exit %d)\n%s" % (
                " ".join(args), p.returncode, out))
        return out

    def start(self):
        """Start the infrastructure and apply the migrations (when built)."""
        t0 = time.monotonic()
        self.started = True
        atexit.register(self._atexit)
        self._stack_sh("start")
        self.start_seconds = time.monotonic() - t0
        if os.path.exists(self.bin("acs-inventory")):
            self.migrate()
        return self

    def migrate(self):
        """build/bin/acs-inventory --migrate; raises with its output on failure."""
        env = self.service_env()
        p = subprocess.run([self.bin("acs-inventory"), "--migrate"], env=env, cwd=ROOT,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=120)
        out = p.stdout.decode("utf-8", "replace")
        with open(os.path.join(self.logs_dir, "migrate.log"), "a") as f:
            f.write(out)
        if p.returncode != 0:
            raise StackError("acs-inventory --migrate failed (exit %d)\n%s" % (p.returncode, out))
        self.migrated = True

    def stop(self):
        """Stop every service started here, then the infrastructure."""
        errors = []
        for svc in reversed(self.services):
            try:
                svc.stop(timeout=15)
            except Exception as exc:  # noqa: BLE001 - keep stopping the rest
                errors.append(str(exc))
        self.services = []
        if self.started:
            try:
                self._stack_sh("stop", timeout=120)
            except StackError as exc:
                errors.append(str(exc))
            self.started = False
        if errors:
            raise StackError("\n".join(errors))

    def _atexit(self):
        # Last resort (pytest crashed, teardown skipped): leave no process.
        if self.started or self.services:
            try:
                self.stop()
            except Exception:  # noqa: BLE001
                pass

    def cleanup(self):
        """Remove the state directory (only one this object created)."""
        if self.own_state and not self.keep:
            shutil.rmtree(self.state_dir, ignore_errors=True)

    def trim(self):
        """Keep the logs and configuration, drop the bulky data (the
        database cluster, the broker's message store)."""
        for sub in ("pg", os.path.join("rabbitmq", "mnesia"), os.path.join("nginx", "tmp")):
            shutil.rmtree(os.path.join(self.state_dir, sub), ignore_errors=True)

    def diagnostics(self, lines=30):
        """Tails of every log in the state directory."""
        parts = []
        for dirpath, _, files in os.walk(self.logs_dir):
            for name in sorted(files):
                parts.append(tail(os.path.join(dirpath, name), lines))
        return "\n".join(parts)

    # ------------------------------------------------------------- services

    def bin(self, name):
        # HALYARD_BIN_DIR: test binaries built elsewhere (make BUILD=...).
        bindir = os.environ.get("HALYARD_BIN_DIR") or os.path.join(ROOT, "build", "bin")
        return os.path.join(bindir, name)

    def service_env(self, extra=None):
        env = dict(os.environ)
        env.update({
            "ACS_AMQP_URL": self.amqp_url,
            "ACS_PG_DSN": self.pg_dsn,
            "ACS_COOKIE_KEY": TEST_COOKIE_KEY,
            "ACS_LOG_LEVEL": "debug",
            # Tests without a worker would otherwise wait 2 s at every end.
            "ACS_WORKER_WAIT_MS": "500",
            "ACS_SQL_DIR": os.path.join(ROOT, "deploy", "sql"),
            "ACS_FILES_URL": self.files_url,
            "ACS_FILES_SECRET": self.files_secret,
            "ACS_FILE_STORE": self.file_store,
            "ACS_SECRET_KEY": TEST_SECRET_KEY,
        })
        env.update({k: str(v) for k, v in (extra or {}).items()})
        return env

    def _log_path(self, name):
        self._counter += 1
        os.makedirs(self.logs_dir, exist_ok=True)
        return os.path.join(self.logs_dir, "%s-%d.log" % (name, self._counter))

    def start_gateway(self, name="gw1", env=None, health_timeout=15):
        """Start build/bin/acs-gateway on free SCGI and metrics ports."""
        scgi, metrics = free_ports(2)
        scgi_addr = "127.0.0.1:%d" % scgi
        metrics_addr = "127.0.0.1:%d" % metrics
        e = self.service_env({"ACS_GW_LISTEN": scgi_addr, "ACS_METRICS_ADDR": metrics_addr,
                              "ACS_GW_ID": name})
        e.update({k: str(v) for k, v in (env or {}).items()})
        svc = Service(self, name, self.bin("acs-gateway"), e, self._log_path(name),
                      scgi_addr=e["ACS_GW_LISTEN"], metrics_addr=e["ACS_METRICS_ADDR"])
        self.services.append(svc)
        self.gateways.append(svc)
        return svc.start(health_timeout)

    def start_inventory(self, env=None, name="inventory", health_timeout=15):
        """Start build/bin/acs-inventory on a free metrics port."""
        metrics_addr = "127.0.0.1:%d" % free_port()
        e = self.service_env({"ACS_METRICS_ADDR": metrics_addr})
        e.update({k: str(v) for k, v in (env or {}).items()})
        svc = Service(self, name, self.bin("acs-inventory"), e, self._log_path(name),
                      metrics_addr=e["ACS_METRICS_ADDR"])
        self.services.append(svc)
        return svc.start(health_timeout)

    def start_service(self, binary, name, env=None, metrics=True, health_timeout=15):
        """Any other service binary (acs-connreq, acs-provision, ...)."""
        metrics_addr = "127.0.0.1:%d" % free_port()
        e = self.service_env({"ACS_METRICS_ADDR": metrics_addr} if metrics else {})
        e.update({k: str(v) for k, v in (env or {}).items()})
        svc = Service(self, name, self.bin(binary), e, self._log_path(name),
                      metrics_addr=e.get("ACS_METRICS_ADDR"))
        self.services.append(svc)
        return svc.start(health_timeout)

    def forget(self, svc):
        """Drop a stopped service from the list stop() walks."""
        if svc in self.services:
            self.services.remove(svc)
        if svc in self.gateways:
            self.gateways.remove(svc)

    def use_gateways(self, gateways):
        """Point nginx at these gateways (Service objects or "host:port")
        and return once the reload has taken effect."""
        addrs = [g if isinstance(g, str) else g.scgi_addr for g in gateways]
        if not addrs:
            raise ValueError("use_gateways needs at least one gateway")
        self._stack_sh("reload-nginx", timeout=60, gateways=addrs)
        self.upstreams = addrs

    # ----------------------------------------------------------------- broker

    def stop_broker(self):
        """Stop RabbitMQ gracefully (its port closes)."""
        self._stack_sh("stop-broker", timeout=120)

    def kill_broker(self):
        """SIGKILL RabbitMQ (a crash)."""
        self._stack_sh("kill-broker", timeout=60)

    def start_broker(self):
        """Start RabbitMQ again; returns when it accepts AMQP connections."""
        self._stack_sh("start-broker", timeout=180)
        wait_for("AMQP port %d" % self.amqp_port, lambda: port_open(self.amqp_port), 30)

    def stop_db(self):
        """Stop PostgreSQL (fast shutdown: clients are disconnected)."""
        self._stack_sh("stop-db", timeout=120)

    def start_db(self):
        """Start PostgreSQL again; returns when it accepts connections."""
        self._stack_sh("start-db", timeout=120)
        wait_for("PostgreSQL port %d" % self.pg_port, lambda: port_open(self.pg_port), 30)

    def db_running(self):
        return port_open(self.pg_port)

    def broker_running(self):
        return port_open(self.amqp_port)

    def amqp(self):
        """A new pika.BlockingConnection to the broker (caller closes it)."""
        import pika
        params = pika.URLParameters(self.amqp_url)
        params.connection_attempts = 3
        params.retry_delay = 0.5
        params.socket_timeout = 10
        return pika.BlockingConnection(params)

    # --------------------------------------------------------------- database

    def sql(self, query, params=None):
        """Run one statement in autocommit; rows as a list of tuples."""
        import psycopg2
        conn = psycopg2.connect(self.pg_dsn, connect_timeout=10)
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(query, params)
                return cur.fetchall() if cur.description is not None else []
        finally:
            conn.close()

    def tables(self):
        return {r[0] for r in self.sql(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")}

    def add_bootstrap_credential(self, oui, product_class, username, password, realm="halyard"):
        """Insert (or replace) a bootstrap credential, ha1 = md5(user:realm:password)."""
        self.sql("INSERT INTO bootstrap_credentials (oui, product_class, username, ha1, realm) "
                 "VALUES (%s, %s, %s, %s, %s) "
                 "ON CONFLICT (oui, product_class, username) "
                 "DO UPDATE SET ha1 = EXCLUDED.ha1, realm = EXCLUDED.realm",
                 (oui, product_class, username, ha1(username, realm, password), realm))

    def add_device_credential(self, device_id, username, password, realm="halyard"):
        """Insert (or replace) a device's unique credential."""
        self.sql("INSERT INTO device_credentials (device_id, username, ha1, realm) "
                 "VALUES (%s, %s, %s, %s) "
                 "ON CONFLICT (device_id) DO UPDATE SET username = EXCLUDED.username, "
                 "ha1 = EXCLUDED.ha1, realm = EXCLUDED.realm, updated_at = now()",
                 (device_id, username, ha1(username, realm, password), realm))

    # ------------------------------------------------------------------- HTTP

    def http_post(self, body, headers=None, path="/"):
        """One POST to nginx on a new connection: (status, headers, body)."""
        return self.http_request("POST", path, body, headers)

    def upload_url(self, device_id, name, expires=None):
        """A signed URL for device_id's upload folder, as acs_files.h makes it."""
        expires = int(time.time()) + 3600 if expires is None else int(expires)
        uri = "/upload/%s/%s" % (device_id, name)
        digest = hashlib.md5(("%d%s%s" % (expires, uri, self.files_secret)).encode()).digest()
        sig = base64.urlsafe_b64encode(digest).decode().rstrip("=")
        return "%s/upload/%s/%s?expires=%d&sig=%s" % (
            self.files_url, urllib.parse.quote(device_id, safe=""), name, expires, sig)

    def http_request(self, method, path="/", body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=30)
        try:
            hdrs = {}
            if method == "POST":
                hdrs["Content-Type"] = 'text/xml; charset="utf-8"'
            hdrs.update(headers or {})
            return _request(conn, method, path, body, hdrs)
        finally:
            conn.close()

    def http_client(self, timeout=30):
        """A keep-alive HttpClient with a cookie jar (one CPE session)."""
        return HttpClient(self.http_port, timeout)

    # ---------------------------------------------------------------- cpe-sim

    def run_cpe_sim(self, *args, timeout=120, env=None):
        """build/bin/cpe-sim --acs <cwmp_url> --json ARGS...
        Returns (returncode, summary dict from its JSON stdout, stderr text)."""
        cmd = [self.bin("cpe-sim"), "--acs", self.cwmp_url, "--json"] + [str(a) for a in args]
        e = dict(os.environ)
        e.update({k: str(v) for k, v in (env or {}).items()})
        p = subprocess.Popen(cmd, env=e, cwd=ROOT, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, err = p.communicate()
            raise StackError("cpe-sim %s timed out after %ss\nstdout: %s\nstderr: %s" % (
                " ".join(cmd[1:]), timeout, out.decode("utf-8", "replace")[-2000:],
                err.decode("utf-8", "replace")[-4000:]))
        err_text = err.decode("utf-8", "replace")
        with open(self._log_path("cpe-sim"), "w") as f:
            f.write("$ %s\n%s" % (" ".join(cmd), err_text))
        return p.returncode, parse_json_summary(out.decode("utf-8", "replace")), err_text


def parse_json_summary(text):
    """The JSON object a tool printed: the whole output, else its last line
    that parses as an object. {} when there is none."""
    text = text.strip()
    if not text:
        return {}
    try:
        obj = json.loads(text)
        if isinstance(obj, dict):
            return obj
    except ValueError:
        pass
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                obj = json.loads(line)
                if isinstance(obj, dict):
                    return obj
            except ValueError:
                continue
    return {}
