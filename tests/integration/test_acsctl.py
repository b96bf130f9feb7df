"""acsctl, the operator's command line, against the real stack: RabbitMQ,
PostgreSQL, nginx, acs-gateway and acs-inventory, with cpe-sim devices that
keep their state between sessions (--state-dir).

An RPC command with --wait blocks until the device's next session, so the
tests start acsctl in the background, wait until its RPC is on the device
queue, run a cpe-sim session, and then read acsctl's output and exit code.
"""
import hashlib
import json
import os
import queue
import signal
import subprocess
import threading
import time
import uuid

import pytest

import cwmp_client as C
from halyard_stack import free_port, http_get, wait_for
from taps import Operator

OUI, PC = "0AC5C7", "SimGW"
USER, PASSWORD = "boot", "bootpw"


def run(stack, *args, timeout=60, env=None):
    """acsctl ARGS; returns the CompletedProcess (text)."""
    e = stack.service_env(env)
    return subprocess.run([stack.bin("acsctl")] + [str(a) for a in args], env=e,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=timeout)


def start(stack, *args):
    """acsctl ARGS in the background (a Popen with text pipes)."""
    return subprocess.Popen([stack.bin("acsctl")] + [str(a) for a in args],
                            env=stack.service_env(), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def finish(proc, timeout=60):
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        raise AssertionError("acsctl did not finish\nstdout: %s\nstderr: %s" % (out, err))
    return proc.returncode, out, err


class Lines:
    """The lines a background process writes on a pipe, read by a thread so
    that a test can wait for one with a deadline."""

    def __init__(self, pipe):
        self.q = queue.Queue()
        threading.Thread(target=self._read, args=(pipe,), daemon=True).start()

    def _read(self, pipe):
        for line in pipe:
            self.q.put(line)
        self.q.put(None)

    def next(self, timeout=20):
        try:
            line = self.q.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("no line within %ss" % timeout)
        assert line is not None, "the process closed its output"
        return line


def one_error_line(p):
    """acsctl's errors are one line on stderr, prefixed with its name."""
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("acsctl: "), p.stderr
    return lines[0]


class Fleet:
    """cpe-sim devices that informed once (the inventory has them), and an
    operator connection to look at their queues."""

    def __init__(self, stack, tmp_path, count):
        self.stack = stack
        self.prefix = "AC%s-" % uuid.uuid4().hex[:6]
        self.count = count
        self.ids = [C.device_id(OUI, PC, "%s%06d" % (self.prefix, i + 1)) for i in range(count)]
        self.state = tmp_path / "sim"
        self.state.mkdir()
        self.op = Operator(stack)

    def session(self, index=None, sessions=1):
        """One session of device index (0-based), or of every device."""
        args = ["--count", 1 if index is not None else self.count,
                "--start-index", (index or 0) + 1, "--oui", OUI, "--product-class", PC,
                "--serial-prefix", self.prefix, "--username", USER, "--password", PASSWORD,
                "--state-dir", str(self.state), "--sessions", sessions, "--interval", 1,
                "--quiet"]
        rc, summary, err = self.stack.run_cpe_sim(*args, timeout=90)
        assert rc == 0, err[-3000:]
        return summary

    def depth(self, index):
        return self.op.queue_depth(self.ids[index])

    def wait_queued(self, index, n=1):
        wait_for("%d RPC(s) on %s's queue" % (n, self.ids[index]),
                 lambda: self.depth(index) >= n, 20)

    def recorded(self):
        rows = self.stack.sql("SELECT count(*) FROM devices WHERE device_id = ANY(%s)",
                              (self.ids,))
        return rows[0][0] == self.count

    def close(self):
        self.op.close()


@pytest.fixture
def fleet(services, tmp_path):
    services.stack.add_bootstrap_credential(OUI, "*", USER, PASSWORD)
    f = Fleet(services.stack, tmp_path, 3)
    f.session()  # first contact: 0 BOOTSTRAP
    wait_for("the inventory records the fleet", f.recorded, 20)
    yield f
    f.close()


# ------------------------------------------------------------------ inventory


def test_devices_and_show_after_bootstrap(fleet):
    stack = fleet.stack
    p = run(stack, "devices", "--id", fleet.prefix.replace("-", "%2D") + "*")
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "no device matches"  # the glob matches whole ids
    p = run(stack, "devices", "--id", "%s-%s-%s*" % (OUI, PC, fleet.prefix.replace("-", "%2D")))
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0].split()[:3] == ["DEVICE", "PRODUCT", "CLASS"]
    assert [ln.split()[0] for ln in lines[1:]] == fleet.ids
    assert all(" SimGW " in ln and "ago)" in ln for ln in lines[1:])

    p = run(stack, "--json", "devices", "--product-class", PC, "--oui", OUI.lower(),
            "--seen-within", "10m", "--id", "*" + fleet.prefix.replace("-", "%2D") + "*")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert [d["device_id"] for d in doc["devices"]] == fleet.ids
    assert doc["count"] == 3 and doc["more"] is False
    d0 = doc["devices"][0]
    assert d0["product_class"] == PC and d0["oui"] == OUI and d0["tags"] == []
    assert d0["software_version"] and d0["last_seen"].endswith("Z")
    assert d0["last_inform_addr"] == "127.0.0.1"
    # --limit, and a filter nothing matches
    p = run(stack, "--json", "devices", "--id", "*" + fleet.prefix.replace("-", "%2D") + "*",
            "--limit", "2")
    doc = json.loads(p.stdout)
    assert doc["count"] == 2 and doc["more"] is True
    p = run(stack, "devices", "--id", "*" + fleet.prefix.replace("-", "%2D") + "*",
            "--not-seen-for", "1h")
    assert p.returncode == 0 and p.stdout.strip() == "no device matches"

    dev = fleet.ids[0]
    p = run(stack, "show", dev)
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("Device %s\n" % dev)
    for section in ("Parameters (", "Recent events (1)", "Recent RPCs (0)", "Faults (0)",
                    "Transfers (0)", "Sessions (1)"):
        assert section in p.stdout
    assert "0 BOOTSTRAP" in p.stdout
    assert "Device.DeviceInfo.SoftwareVersion" in p.stdout

    p = run(stack, "show", dev, "--json", "--params", "Device.DeviceInfo.")
    doc = json.loads(p.stdout)
    assert doc["device"]["device_id"] == dev and doc["device"]["product_class"] == PC
    names = [x["name"] for x in doc["parameters"]]
    assert names and all(n.startswith("Device.DeviceInfo.") for n in names)
    assert "Device.DeviceInfo.SoftwareVersion" in names
    assert any("0 BOOTSTRAP" in e["events"] for e in doc["events"])
    assert doc["sessions"][0]["end_reason"] == "done"
    assert doc["tags"] == [] and doc["faults"] == [] and doc["transfers"] == []


def test_unknown_device_exits_3_and_force_queues_anyway(fleet):
    stack = fleet.stack
    ghost = C.device_id(OUI, PC, "GHOST-" + uuid.uuid4().hex[:8])
    p = run(stack, "get", ghost, "Device.DeviceInfo.")
    assert p.returncode == 3
    assert "unknown device %s" % ghost in one_error_line(p)
    assert p.stdout == ""
    p = run(stack, "show", ghost)
    assert p.returncode == 3 and "unknown device" in one_error_line(p)
    p = run(stack, "tag", ghost, "pilot")
    assert p.returncode == 3
    # a device not seen yet: --force queues it (and tags it) all the same
    p = run(stack, "get", ghost, "Device.DeviceInfo.", "--force")
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().startswith("acsctl-")
    assert fleet.op.queue_depth(ghost) == 1
    p = run(stack, "tag", ghost, "preprovisioned", "--force")
    assert p.returncode == 0 and "preprovisioned" in p.stdout


def test_malformed_input_exits_2_and_queues_nothing(fleet):
    stack = fleet.stack
    dev = fleet.ids[0]
    cases = [
        (["get", dev, "Device.Device Info.SoftwareVersion"], "contains a space"),
        (["get", dev, "Device." + "x" * 300], "at most 256"),
        (["get", dev, "Device..X"], "empty part"),
        (["set", dev, "Device.ManagementServer.PeriodicInformInterval=soon:unsignedInt"],
         "does not fit type unsignedInt"),
        (["set", dev, "Device.ManagementServer.PeriodicInformInterval=-5:unsignedInt"],
         "does not fit type unsignedInt"),
        (["set", dev, "Device.ManagementServer.=1"], "object path"),
        (["set", dev, "Device.A"], "NAME=VALUE"),
        (["add", dev, "Device.NAT.PortMapping"], "objects end in '.'"),
        (["delete", dev, "Device.NAT.PortMapping."], "not an instance"),
        (["attrs", dev, "Device.A", "--notification", "9"], "--notification"),
        (["schedule-inform", dev, "soon"], "SECONDS"),
        (["rpc", dev, "Frobnicate", "{}"], "neither a TR-069 CPE method"),
        (["rpc", dev, "GetRPCMethods", "{not json"], "JSON object"),
        (["reboot", "not a device"], "not a device id"),
        (["reboot"], "missing DEVICE"),
        (["frobnicate"], "unknown command"),
        (["reboot", dev, "--sooner"], "unknown option --sooner"),
        (["devices", "--seen-within", "ages"], "not a duration"),
        (["tag", dev, "bad tag"], "not a tag"),
    ]
    for args, want in cases:
        p = run(stack, *args)
        assert p.returncode == 2, (args, p.returncode, p.stderr)
        assert want in one_error_line(p), (args, p.stderr)
        assert p.stdout == "", args
    assert fleet.depth(0) == 0


# ----------------------------------------------------------------------- RPCs


def test_get_wait_returns_values_from_the_device(fleet):
    stack = fleet.stack
    dev = fleet.ids[1]
    proc = start(stack, "get", dev, "Device.DeviceInfo.SerialNumber",
                 "Device.ManagementServer.PeriodicInformInterval", "--wait", "--timeout", 60,
                 "--json")
    fleet.wait_queued(1)
    summary = fleet.session(1)
    assert summary["rpcs"] == {"GetParameterValues": 1}
    rc, out, err = finish(proc)
    assert rc == 0, err
    res = json.loads(out)
    assert res["type"] == "rpc.result" and res["status"] == "ok"
    assert res["id"].startswith("acsctl-") and res["device_id"] == dev
    values = {x["name"]: x["value"] for x in res["result"]["parameters"]}
    assert values["Device.DeviceInfo.SerialNumber"] == fleet.prefix + "000002"
    assert values["Device.ManagementServer.PeriodicInformInterval"].isdigit()

    # the same as a table
    proc = start(stack, "get", dev, "Device.DeviceInfo.SerialNumber", "--wait")
    fleet.wait_queued(1)
    fleet.session(1)
    rc, out, err = finish(proc)
    assert rc == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "VALUE", "TYPE"]
    assert lines[1].split() == ["Device.DeviceInfo.SerialNumber", fleet.prefix + "000002",
                                "string"]


def test_set_wait_applies_and_the_inventory_sees_the_parameter_key(fleet):
    stack = fleet.stack
    dev = fleet.ids[0]
    proc = start(stack, "set", dev, "Device.ManagementServer.PeriodicInformInterval=1200:unsignedInt",
                 "--parameter-key", "acsctl-it-1", "--wait")
    fleet.wait_queued(0)
    fleet.session(0)
    rc, out, err = finish(proc)
    assert rc == 0, err
    assert out == "ok (status 0: applied)\n"
    fleet.session(0)  # the next Inform carries the ParameterKey (forced inform)

    def key():
        doc = json.loads(run(stack, "--json", "show", dev, "--params",
                             "Device.ManagementServer.").stdout)
        return {x["name"]: x["value"] for x in doc["parameters"]}.get(
            "Device.ManagementServer.ParameterKey") == "acsctl-it-1"
    wait_for("ParameterKey recorded", key, 20)
    doc = json.loads(run(stack, "--json", "show", dev).stdout)
    assert any(r["method"] == "SetParameterValues" and r["status"] == "ok" for r in doc["rpcs"])

    # a set the CPE refuses: fault, exit 1, the faults per parameter
    proc = start(stack, "set", dev, "Device.DeviceInfo.SoftwareVersion=9.9", "--wait")
    fleet.wait_queued(0)
    fleet.session(0)
    rc, out, err = finish(proc)
    assert rc == 1, (out, err)
    assert out.startswith("fault 9003 ")
    assert "Device.DeviceInfo.SoftwareVersion  9008" in out


def test_names_and_any_method_with_rpc(fleet):
    stack = fleet.stack
    dev = fleet.ids[2]
    names = start(stack, "--json", "names", dev, "Device.ManagementServer.", "--next-level",
                  "--wait")
    fleet.wait_queued(2)
    methods = start(stack, "rpc", dev, "GetRPCMethods", "--wait")
    fleet.wait_queued(2, 2)
    fleet.session(2)  # both run in this session, in queue order
    rc, out, err = finish(names)
    assert rc == 0, err
    listed = {x["name"]: x["writable"] for x in json.loads(out)["result"]["parameters"]}
    assert listed["Device.ManagementServer.PeriodicInformInterval"] is True
    rc, out, err = finish(methods)
    assert rc == 0, err
    assert "GetParameterValues" in out.split() and "Reboot" in out.split()


def test_object_attribute_vendor_and_transfer_rpcs(fleet, tmp_path):
    """The methods beyond parameters, each queued and awaited the same way;
    several acsctl processes wait at once, their RPCs run in one session."""
    stack = fleet.stack
    dev = fleet.ids[0]

    def session_with(*commands):
        procs = []
        for i, args in enumerate(commands):
            procs.append(start(stack, *args))
            fleet.wait_queued(0, i + 1)
        fleet.session(0)
        return [finish(p) for p in procs]

    (rc, out, err), = session_with(["add", dev, "Device.NAT.PortMapping.", "--wait"])
    assert rc == 0, err
    assert out.startswith("ok (status 0: applied)\ninstance_number: ")
    inst = int(out.split("instance_number: ")[1].split()[0])
    assert inst >= 1
    obj = "Device.NAT.PortMapping.%d." % inst
    src = tmp_path / "fw.bin"
    src.write_bytes(b"firmware")
    name = "fw-%s.bin" % uuid.uuid4().hex[:6]
    assert run(stack, "files", "add", str(src), "--name", name, "--kind", "firmware").returncode == 0
    results = session_with(
        ["attrs", dev, obj + "Enable", "--notification", "2", "--wait"],
        ["--json", "attrs", dev, obj + "Enable", "--wait"],
        ["--json", "rpc", dev, "X_%s_Echo" % OUI, '{"text": "hi", "n": 2}', "--wait"],
        ["--json", "download", dev, "--file", name, "--command-key", "dl-1", "--wait"],
        ["schedule-inform", dev, "3600", "--wait"],
        ["delete", dev, obj, "--wait"],
        ["rpc", dev, "X_OTHER_Thing", "--wait"])
    (rc, out, err) = results[0]
    assert (rc, out) == (0, "ok\n"), err
    rc, out, err = results[1]
    assert rc == 0, err
    attrs = json.loads(out)["result"]["parameters"]
    assert attrs[0]["name"] == obj + "Enable" and attrs[0]["notification"] == 2
    rc, out, err = results[2]
    assert rc == 0, err
    assert json.loads(out)["result"]["text"] == "hi"
    rc, out, err = results[3]
    assert rc == 0, err
    res = json.loads(out)
    assert res["method"] == "Download" and res["result"]["status"] in (0, 1), res
    assert results[4][:2] == (0, "ok\n"), results[4]
    assert results[5][0] == 0 and results[5][1].startswith("ok (status 0: applied)"), results[5]
    rc, out, err = results[6]  # the CPE does not know it: fault 9000, exit 1
    assert rc == 1 and out.startswith("fault 9000 "), (out, err)


def test_bulk_set_over_a_filter(fleet):
    stack = fleet.stack
    glob = "*" + fleet.prefix.replace("-", "%2D") + "*"
    proc = start(stack, "set", "--id", glob, "--product-class", PC,
                 "Device.ManagementServer.PeriodicInformInterval=900:unsignedInt", "--wait")
    for i in range(3):
        fleet.wait_queued(i)
    fleet.session()
    rc, out, err = finish(proc)
    assert rc == 0, err
    assert out == ("set: 3 matched, 3 queued, 0 failed\n"
                   "results: 3 ok, 0 fault, 0 failed, 0 timeout\n")
    p = run(stack, "set", "--id", glob, "Device.ManagementServer.PeriodicInformInterval=x:int")
    assert p.returncode == 2  # checked once, before any device is touched
    assert all(fleet.depth(i) == 0 for i in range(3))


def test_wait_timeout_exits_5_and_the_rpc_stays_queued(fleet):
    stack = fleet.stack
    t0 = time.monotonic()
    p = run(stack, "reboot", fleet.ids[0], "--wait", "--timeout", "2")
    elapsed = time.monotonic() - t0
    assert p.returncode == 5, p.stderr
    assert "stays queued" in one_error_line(p)
    assert 1.5 <= elapsed < 15
    assert fleet.depth(0) == 1


# ----------------------------------------------------------------- bulk, tags


def test_tags_select_devices(fleet):
    stack = fleet.stack
    a, b, c = fleet.ids
    tag = "pilot-" + uuid.uuid4().hex[:6]
    p = run(stack, "tag", a, tag, "lab")
    assert p.returncode == 0, p.stderr
    assert p.stdout == "%s: lab,%s\n" % (a, tag)
    p = run(stack, "--json", "tag", b, tag)
    assert json.loads(p.stdout) == {"device_id": b, "tags": [tag]}
    p = run(stack, "--json", "devices", "--tag", tag)
    assert [d["device_id"] for d in json.loads(p.stdout)["devices"]] == [a, b]
    p = run(stack, "--json", "devices", "--tag", tag, "--tag", "lab")
    assert [d["device_id"] for d in json.loads(p.stdout)["devices"]] == [a]
    assert "lab," + tag in run(stack, "devices", "--tag", tag).stdout
    p = run(stack, "tag", a, tag, "--remove")
    assert p.returncode == 0 and p.stdout == "%s: lab\n" % a
    # over a filter
    p = run(stack, "tag", "--id", "*" + fleet.prefix.replace("-", "%2D") + "*", tag)
    assert p.returncode == 0 and p.stdout == "3 devices matched, 2 tags added\n"
    assert [d["device_id"] for d in json.loads(
        run(stack, "--json", "devices", "--tag", tag).stdout)["devices"]] == [a, b, c]
    p = run(stack, "tag", "--tag", "no-such-tag-" + tag, "x")
    assert p.returncode == 3 and "no device matches" in one_error_line(p)


def test_bulk_reboot_over_a_tag_with_rate_and_summary(fleet):
    stack = fleet.stack
    tag = "wave-" + uuid.uuid4().hex[:6]
    for dev in fleet.ids[:2]:
        assert run(stack, "tag", dev, tag).returncode == 0
    proc = start(stack, "--json", "reboot", "--tag", tag, "--rate", "50", "--command-key",
                 "bulk-1", "--wait", "--timeout", "60")
    fleet.wait_queued(0)
    fleet.wait_queued(1)
    assert fleet.depth(2) == 0  # not tagged: untouched
    summary = fleet.session(sessions=2)  # the reboot happens, and the CPEs come back
    assert summary["rpcs"] == {"Reboot": 2}
    rc, out, err = finish(proc)
    assert rc == 0, err
    doc = json.loads(out)
    assert doc["matched"] == 2 and doc["queued"] == 2 and doc["failed"] == 0
    assert doc["results"] == {"ok": 2, "fault": 0, "failed": 0, "timeout": 0}
    assert sorted(d["device_id"] for d in doc["devices"]) == fleet.ids[:2]
    assert all(d["status"] == "ok" and d["result"]["method"] == "Reboot" for d in doc["devices"])
    assert "reboot: 2/2 queued, 0 failed" in err
    # the CPEs said so: "M Reboot" with our command key in their next Inform
    wait_for("M Reboot recorded", lambda: stack.sql(
        "SELECT count(DISTINCT device_id) FROM events WHERE code = 'M Reboot' AND "
        "command_key = 'bulk-1' AND device_id = ANY(%s)", (fleet.ids,))[0][0] == 2, 20)


def test_bulk_is_paced_by_rate_and_counts_timeouts(fleet):
    stack = fleet.stack
    glob = "*" + fleet.prefix.replace("-", "%2D") + "*"
    p = run(stack, "schedule-inform", "--id", glob, "30", "--dry-run")
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[1:4] == fleet.ids
    assert all(fleet.depth(i) == 0 for i in range(3))

    t0 = time.monotonic()
    p = run(stack, "reboot", "--id", glob, "--rate", "2")
    elapsed = time.monotonic() - t0
    assert p.returncode == 0, p.stderr
    assert p.stdout == "reboot: 3 matched, 3 queued, 0 failed\n"
    assert elapsed >= 0.95  # 3 devices at 2/s: the third goes at t0 + 1 s
    assert all(fleet.depth(i) == 1 for i in range(3))

    p = run(stack, "reboot", "--id", glob, "--rate", "100", "--wait", "--timeout", "1")
    assert p.returncode == 5, p.stderr
    assert "results: 0 ok, 0 fault, 0 failed, 3 timeout" in p.stdout
    p = run(stack, "reboot", "--tag", "nobody-has-this-" + uuid.uuid4().hex[:6])
    assert p.returncode == 3 and "no device matches" in one_error_line(p)


# --------------------------------------------------------------------- events


def test_events_follow_prints_an_inform_and_recent_events_come_from_the_db(fleet):
    stack = fleet.stack
    dev = fleet.ids[0]
    proc = start(stack, "events", "--follow", "--device", dev)
    out, err = Lines(proc.stdout), Lines(proc.stderr)
    assert "following halyard.events '#.%s'" % dev in err.next()
    fleet.session(0)
    got = [out.next()]
    while " session.closed " not in got[-1]:
        got.append(out.next())
    proc.send_signal(signal.SIGINT)
    assert proc.wait(10) == 0
    informs = [ln for ln in got if " inform %s " % dev in ln]
    assert informs and "2 PERIODIC" in informs[0] and "from 127.0.0.1" in informs[0]
    assert any(" session.closed %s done" % dev in ln for ln in got)

    # --json: one document per line, only informs
    proc = start(stack, "--json", "events", "--follow", "--type", "inform")
    out, err = Lines(proc.stdout), Lines(proc.stderr)
    assert "'inform.*'" in err.next()
    fleet.session(1)
    doc = json.loads(out.next())
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(10) == 0
    assert doc["type"] == "inform" and doc["device_id"] == fleet.ids[1]

    def recorded():
        p = run(stack, "--json", "events", "--device", dev)
        evs = json.loads(p.stdout)["events"]
        return p.returncode == 0 and any(e["type"] == "session.closed" for e in evs[1:]) and evs
    evs = wait_for("events recorded", recorded, 20)
    assert [e["type"] for e in evs if e["type"] == "inform"] == ["inform", "inform"]
    assert "0 BOOTSTRAP" in evs[0]["detail"]  # oldest first
    p = run(stack, "events", "--device", dev, "--type", "inform", "--limit", "1")
    lines = p.stdout.splitlines()
    assert len(lines) == 2 and "2 PERIODIC" in lines[1]
    p = run(stack, "events", "--type", "nonsense")
    assert p.returncode == 2


# ---------------------------------------------------------------------- files


def test_files_add_list_and_download_from_the_store(fleet, tmp_path):
    stack = fleet.stack
    name = "fw-%s.bin" % uuid.uuid4().hex[:8]
    src = tmp_path / "firmware.img"
    data = os.urandom(100000)
    src.write_bytes(data)
    p = run(stack, "--json", "files", "add", str(src), "--name", name, "--version", "5.2.0",
            "--oui", OUI, "--product-class", PC)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["name"] == name and doc["kind"] == "firmware"
    assert doc["size"] == len(data) and doc["sha256"] == hashlib.sha256(data).hexdigest()
    assert doc["file_type"] == "1 Firmware Upgrade Image"
    assert doc["url"] == "%s/files/%s" % (stack.files_url, name)
    with open(os.path.join(stack.files_dir, name), "rb") as f:
        assert f.read() == data
    assert [f for f in os.listdir(stack.files_dir) if ".tmp-" in f] == []
    status, body = http_get(doc["url"])
    assert status == 200 and body == data  # nginx serves it to CPEs
    row = stack.sql("SELECT kind, size, sha256, version, oui, product_class, source FROM files "
                    "WHERE name = %s", ("files/" + name,))
    assert row == [("firmware", len(data), doc["sha256"], "5.2.0", OUI, PC, "operator")]

    # the same name again replaces file and row
    src.write_bytes(b"v2")
    p = run(stack, "files", "add", str(src), "--name", name, "--kind", "other")
    assert p.returncode == 0 and p.stdout.startswith("added %s (other, 2 bytes" % name)
    assert open(os.path.join(stack.files_dir, name), "rb").read() == b"v2"

    p = run(stack, "--json", "files", "list", "--kind", "other")
    files = {f["name"]: f for f in json.loads(p.stdout)["files"]}
    assert files["files/" + name]["size"] == 2
    assert files["files/" + name]["url"] == "%s/files/%s" % (stack.files_url, name)
    assert "files/" + name in run(stack, "files", "list").stdout
    p = run(stack, "files", "add", str(tmp_path / "missing.bin"))
    assert p.returncode == 2 and "cannot read" in one_error_line(p)
    p = run(stack, "files", "add", str(src), "--name", "../escape")
    assert p.returncode == 2

    # download --file: the store URL, the catalogue's type and size
    p = run(stack, "download", fleet.ids[0], "--file", name)
    assert p.returncode == 0, p.stderr
    rpc = fleet.op.ch.basic_get("halyard.dev." + fleet.ids[0], auto_ack=True)[2]
    msg = json.loads(rpc)
    assert msg["method"] == "Download" and msg["id"] == p.stdout.strip()
    assert msg["params"]["url"] == "%s/files/%s" % (stack.files_url, name)
    assert msg["params"]["file_size"] == 2
    assert msg["params"]["file_type"] == "1 Firmware Upgrade Image"  # the default
    assert msg["params"]["command_key"].startswith("acsctl-")
    p = run(stack, "download", fleet.ids[0], "--file", "not-there.bin")
    assert p.returncode == 2 and "no file 'not-there.bin'" in one_error_line(p)


def test_upload_url_is_signed_for_the_store(fleet):
    stack = fleet.stack
    dev = fleet.ids[1]
    p = run(stack, "upload", dev, "--name", "cfg-test.json")
    assert p.returncode == 0, p.stderr
    msg = json.loads(fleet.op.ch.basic_get("halyard.dev." + dev, auto_ack=True)[2])
    assert msg["method"] == "Upload"
    assert msg["params"]["file_type"] == "1 Vendor Configuration File"
    url = msg["params"]["url"]
    assert url.startswith("%s/upload/%s/cfg-test.json?expires=" % (
        stack.files_url, dev.replace("%", "%25")))  # '%' of the id escaped in the URL
    # nginx takes a PUT to it: the signature is the one it checks
    path = url[len(stack.files_url):]
    status, _, _ = stack.http_request("PUT", path, b"{\"a\": 1}")
    assert status in (200, 201, 204), status
    with open(os.path.join(stack.file_store, "upload", dev, "cfg-test.json"), "rb") as f:
        assert f.read() == b"{\"a\": 1}"
    status, _, _ = stack.http_request("PUT", path.replace("sig=", "sig=x"), b"{}")
    assert status == 403


# ------------------------------------------------------------- outages


def test_broker_down_exits_4(fleet):
    stack = fleet.stack
    port = free_port()
    p = run(stack, "--amqp", "amqp://guest:guest@127.0.0.1:%d/" % port, "reboot", fleet.ids[0])
    assert p.returncode == 4
    assert "broker unreachable at 127.0.0.1:%d" % port in one_error_line(p)
    stack.stop_broker()
    p = run(stack, "reboot", fleet.ids[0], timeout=60)
    assert p.returncode == 4
    assert "broker" in one_error_line(p)
    assert "guest:guest" not in p.stderr  # the user, never the password
    p = run(stack, "events", "--follow", timeout=60)
    assert p.returncode == 4 and "broker" in one_error_line(p)
    # the database still answers
    assert run(stack, "devices").returncode == 0


def test_database_down_exits_4(fleet):
    stack = fleet.stack
    stack.stop_db()
    for args in (["devices"], ["show", fleet.ids[0]], ["get", fleet.ids[0], "Device."],
                 ["events"], ["tag", fleet.ids[0], "x"], ["files", "list"]):
        p = run(stack, *args, timeout=60)
        assert p.returncode == 4, (args, p.stderr)
        assert "database unreachable" in one_error_line(p), args
    assert fleet.depth(0) == 0  # nothing was queued for an unchecked device
    # --force does not need the database
    p = run(stack, "get", fleet.ids[0], "Device.", "--force")
    assert p.returncode == 0, p.stderr
