"""Smoke tests of the harness itself: the private stack comes up and nginx
speaks SCGI the way acs-gateway expects. Needs no Halyard binary except for
the migration check (skipped until build/bin/acs-inventory exists)."""

import os
import time
import socket
import threading
import uuid

import pytest

from halyard_stack import free_port, wait_for


def test_rabbitmq_accepts_amqp(stack):
    conn = stack.amqp()
    try:
        ch = conn.channel()
        q = ch.queue_declare(queue="", exclusive=True).method.queue
        ch.confirm_delivery()
        ch.basic_publish(exchange="", routing_key=q, body=b"ping")
        method, _, body = ch.basic_get(q, auto_ack=True)
        assert method is not None and body == b"ping"
    finally:
        conn.close()


def test_postgres_is_up(stack):
    assert stack.sql("SELECT current_user, current_database()") == [("halyard", "halyard")]
    assert stack.sql("SHOW fsync") == [("off",)]  # HALYARD_PG_FAST=1


def test_postgres_has_migrated_tables(stack):
    if not os.path.exists(stack.bin("acs-inventory")):
        pytest.skip("build/bin/acs-inventory not built yet: migrations not applied")
    assert stack.migrated
    tables = stack.tables()
    for t in ("bootstrap_credentials", "device_credentials"):
        assert t in tables, "table %s missing after migration; have %s" % (t, sorted(tables))


def test_nginx_get_is_405(stack):
    status, headers, _ = stack.http_request("GET", "/")
    assert status == 405
    assert headers.get("Allow") == "POST"


def test_nginx_health(stack):
    status, _, body = stack.http_request("GET", "/nginx-health")
    assert status == 200 and body == b"ok\n"


def test_nginx_post_over_1mb_is_413(stack):
    status, _, _ = stack.http_post(b"x" * (1024 * 1024 + 1))
    assert status == 413


def test_nginx_serves_files_read_only(stack):
    os.makedirs(stack.files_dir, exist_ok=True)
    with open(os.path.join(stack.files_dir, "fw.bin"), "wb") as f:
        f.write(b"\x00firmware")
    status, _, body = stack.http_request("GET", "/files/fw.bin")
    assert status == 200 and body == b"\x00firmware"
    assert stack.http_request("GET", "/files/nope.bin")[0] == 404
    assert stack.http_request("PUT", "/files/fw.bin", b"x")[0] in (403, 405)


def _path(url):
    return url[url.index("/", len("http://")):]


def test_nginx_upload_needs_a_signed_url_and_reads_back(stack):
    dev = "02C0DE-SimGW-SIM%2D000001"
    url = stack.upload_url(dev, "config-1.json")
    assert stack.http_request("PUT", _path(url), b'{"values": {}}')[0] in (201, 204)
    stored = os.path.join(stack.file_store, "upload", dev, "config-1.json")
    with open(stored, "rb") as f:
        assert f.read() == b'{"values": {}}'
    status, _, body = stack.http_request("GET", _path(url))
    assert status == 200 and body == b'{"values": {}}'
    # Unsigned, signed for another device or name, tampered, or expired: refused.
    unsigned = "/upload/%s/config-1.json" % dev.replace("%", "%25")
    assert stack.http_request("PUT", unsigned, b"x")[0] == 403
    other = _path(stack.upload_url("02C0DE-SimGW-SIM%2D000002", "config-1.json"))
    forged = other.replace("SIM%252D000002", "SIM%252D000001")
    assert stack.http_request("PUT", forged, b"x")[0] == 403
    expired = _path(stack.upload_url(dev, "old.json", expires=time.time() - 5))
    assert stack.http_request("PUT", expired, b"x")[0] == 410
    assert stack.http_request("DELETE", _path(url))[0] in (403, 405)
    with open(stored, "rb") as f:
        assert f.read() == b'{"values": {}}'


def test_nginx_upload_size_limit(stack):
    url = stack.upload_url("02C0DE-SimGW-SIM%2D000003", "big.log")
    assert stack.http_request("PUT", _path(url), b"x" * (16 * 1024 * 1024 + 1))[0] == 413


class ScgiRecorder:
    """A minimal SCGI server standing in for acs-gateway: records the
    headers and body of each request and answers 200 with a fixed body."""

    def __init__(self):
        self.port = free_port()
        self.addr = "127.0.0.1:%d" % self.port
        self.requests = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", self.port))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.stopping = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopping:
            try:
                c, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with c:
                c.settimeout(5)
                self._one(c)

    def _one(self, c):
        data = b""
        while b":" not in data:
            data += c.recv(4096)
        n, _, rest = data.partition(b":")
        n = int(n)
        while len(rest) < n + 1:
            rest += c.recv(4096)
        raw, rest = rest[:n], rest[n + 1:]
        fields = raw.split(b"\0")[:-1]
        pairs = [(fields[i].decode(), fields[i + 1].decode()) for i in range(0, len(fields), 2)]
        length = int(dict(pairs)["CONTENT_LENGTH"])
        while len(rest) < length:
            rest += c.recv(4096)
        self.requests.append((pairs, rest))
        c.sendall(b"Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nscgi-ok")

    def close(self):
        self.stopping = True
        self.thread.join(5)
        self.sock.close()


@pytest.fixture
def scgi():
    r = ScgiRecorder()
    yield r
    r.close()


def test_nginx_scgi_params(stack, scgi):
    stack.use_gateways([scgi.addr])
    client = stack.http_client()
    client.cookies["session"] = "abc"
    body = b"<soap:Envelope/>"
    headers = {"Authorization": "Digest username=\"x\"", "Content-Encoding": "identity",
               "SOAPAction": ""}
    status, _, resp = client.post(body, headers)
    assert (status, resp) == (200, b"scgi-ok")
    local = client.conn.sock.getsockname()
    status, _, _ = client.post(b"", {})  # same TCP connection, empty POST
    assert status == 200
    client.close()

    assert len(scgi.requests) == 2
    pairs, got = scgi.requests[0]
    h = dict(pairs)
    assert pairs[0] == ("CONTENT_LENGTH", str(len(body))), "SCGI needs CONTENT_LENGTH first"
    assert [k for k, _ in pairs].count("CONTENT_LENGTH") == 1
    assert got == body
    assert h["SCGI"] == "1"
    assert h["REQUEST_METHOD"] == "POST" and h["REQUEST_URI"] == "/"
    assert h["CONTENT_TYPE"].startswith("text/xml")
    assert h["REMOTE_ADDR"] == "127.0.0.1" and h["REMOTE_PORT"] == str(local[1])
    assert h["SERVER_PORT"] == str(stack.http_port)
    assert h["SERVER_PROTOCOL"] == "HTTP/1.1"
    assert h["HTTPS"] == ""
    assert h["HTTP_COOKIE"] == "session=abc"
    assert h["HTTP_AUTHORIZATION"].startswith("Digest ")
    assert h["HTTP_CONTENT_ENCODING"] == "identity"
    assert h["HALYARD_CLIENT"] == "127.0.0.1:%d" % local[1]
    assert h["HALYARD_CONNECTION"].isdigit()
    h2 = dict(scgi.requests[1][0])
    assert h2["CONTENT_LENGTH"] == "0"
    assert h2["HALYARD_CONNECTION"] == h["HALYARD_CONNECTION"]
    assert h2["HALYARD_CLIENT"] == h["HALYARD_CLIENT"]


def test_nginx_skips_a_dead_gateway(stack, scgi):
    dead = "127.0.0.1:%d" % free_port()
    stack.use_gateways([dead, scgi.addr])
    for _ in range(6):
        status, _, resp = stack.http_post(b"<x/>")
        assert (status, resp) == (200, b"scgi-ok")
    assert len(scgi.requests) == 6


@pytest.mark.slow
def test_broker_stop_and_start(stack):
    name = "halyard-smoke-%s" % uuid.uuid4().hex[:8]
    conn = stack.amqp()
    conn.channel().queue_declare(queue=name, durable=True)
    conn.close()
    stack.stop_broker()
    assert not stack.broker_running()
    stack.start_broker()
    conn = wait_for("amqp connection", stack.amqp, 15)
    try:
        ch = conn.channel()
        ch.queue_declare(queue=name, passive=True)  # durable queue survived
        ch.queue_delete(queue=name)
    finally:
        conn.close()
