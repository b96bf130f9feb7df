"""The example workers of examples/ (Python with pika, Node.js with amqplib)
run against the real stack, so the contract they teach stays true: on a
CPE's first contact each sets a parameter and reads it back, and the value
lands on the CPE (its next Inform) and in PostgreSQL."""
import json
import os
import shutil
import subprocess
import sys
import time
import uuid

import pika
import pytest

import cwmp_client as C
from halyard_stack import ROOT, wait_for

OUI, PC = "DEC0DE", "SimGW"
USER, PASSWORD = "boot", "bootpw"
NAME = "Device.ManagementServer.PeriodicInformInterval"


def _consumers(stack, queue):
    conn = pika.BlockingConnection(pika.URLParameters(stack.amqp_url))
    try:
        return conn.channel().queue_declare(queue, passive=True).method.consumer_count
    finally:
        conn.close()


def _purge_provision(stack):
    conn = pika.BlockingConnection(pika.URLParameters(stack.amqp_url))
    try:
        conn.channel().queue_purge("halyard.provision")
    finally:
        conn.close()


def _worker_cmd(lang):
    if lang == "python":
        return [sys.executable, os.path.join(ROOT, "examples", "python", "bootstrap_set.py")]
    node = shutil.which("node")
    modules = os.path.join(ROOT, "examples", "node", "node_modules", "amqplib")
    if node is None or not os.path.isdir(modules):
        pytest.fail("node or examples/node/node_modules missing: deploy/local/deps.sh "
                    "installs them (make test runs it)")
    return [node, os.path.join(ROOT, "examples", "node", "worker.js")]


@pytest.mark.parametrize("lang", ["python", "node"])
def test_example_worker_sets_and_reads_back_on_bootstrap(services, tmp_path, lang):
    stack = services.stack
    stack.add_bootstrap_credential(OUI, "*", USER, PASSWORD)
    _purge_provision(stack)
    value = str(600 + (uuid.uuid4().int % 1000))
    env = dict(os.environ, HALYARD_AMQP_URL=stack.amqp_url, HALYARD_SET_VALUE=value)
    out_path = tmp_path / "worker.out"
    with open(out_path, "wb") as out:
        worker = subprocess.Popen(_worker_cmd(lang), env=env, cwd=ROOT, stdout=out,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_for("%s worker consuming" % lang,
                 lambda: _consumers(stack, "halyard.provision") >= 1, 30)
        prefix = "EX%s%s-" % (lang[:2].upper(), uuid.uuid4().hex[:5])
        state = tmp_path / "sim-state"
        state.mkdir()
        args = ["--count", 3, "--oui", OUI, "--product-class", PC, "--serial-prefix", prefix,
                "--username", USER, "--password", PASSWORD, "--state-dir", str(state),
                "--quiet"]
        rc, summary, err = stack.run_cpe_sim(*args)
        assert rc == 0, err[-2000:]
        assert summary["sessions_ok"] == 3, summary
        for d in summary["devices"]:
            assert d["rpcs"] == ["SetParameterValues", "GetParameterValues"], d
        expected = {C.device_id(OUI, PC, "%s%06d" % (prefix, i)) for i in range(1, 4)}
        # The worker printed one line per device: set ok, value read back.
        wait_for("three result lines", lambda: len(_lines(out_path, expected)) == 3, 10)
        for line in _lines(out_path, expected):
            assert line["name"] == NAME and line["set"] == "ok", line
            assert line["value"] == value, line
        # The value reached PostgreSQL (the GPV result, via acs-inventory).
        wait_for("value in PostgreSQL", lambda: stack.sql(
            "SELECT count(*) FROM parameters WHERE device_id = ANY(%s) AND name = %s "
            "AND value = %s", (list(expected), NAME, value)) == [(3,)], 15)
        # The CPEs kept it: their next (periodic) session reports no BOOTSTRAP,
        # and the worker leaves them alone.
        rc, summary, err = stack.run_cpe_sim(*args)
        assert rc == 0 and summary["sessions_ok"] == 3, err[-2000:]
        assert all(d["rpcs"] == [] for d in summary["devices"]), summary["devices"]
    finally:
        worker.terminate()
        try:
            worker.wait(10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(5)
    assert worker.returncode in (0, -15), open(out_path, "rb").read()[-2000:]


def _lines(path, devices):
    found = []
    for raw in open(path, "rb").read().decode("utf-8", "replace").splitlines():
        raw = raw.strip()
        if raw.startswith("{"):
            try:
                obj = json.loads(raw)
            except ValueError:
                continue
            if obj.get("device_id") in devices:
                found.append(obj)
    return found
