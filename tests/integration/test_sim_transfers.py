"""cpe-sim's file transfers against the real stack: nginx + acs-gateway +
RabbitMQ + acs-inventory + PostgreSQL, and nginx's file store.

An operator queues Download / Upload / ScheduleInform / ChangeDUState on a
device queue (as acsctl or a worker would); the simulated CPE answers
Status 1, really fetches or uploads the file over HTTP after the session,
then informs at once with "7 TRANSFER COMPLETE" and sends TransferComplete,
which the gateway publishes on halyard.events. What is asserted is what an
operator would look at: the events, the RPC results, the files in the store
and what PostgreSQL records of the device.
"""
import json
import os
import time
import uuid

import pytest

import cwmp_client as C
from halyard_stack import wait_for
from taps import EventTap, Operator

OUI, PC = "DEC0DE", "SimGW"
USER, PASSWORD = "boot", "bootpw"
FW = "1 Firmware Upgrade Image"
CFG_DOWN = "3 Vendor Configuration File"
CFG_UP = "1 Vendor Configuration File"
SSID = "Device.WiFi.SSID.1.SSID"


@pytest.fixture
def env(services):
    stack = services.stack
    stack.add_bootstrap_credential(OUI, "*", USER, PASSWORD)
    os.makedirs(stack.files_dir, exist_ok=True)
    op, tap = Operator(stack), EventTap(stack)
    try:
        yield stack, op, tap
    finally:
        op.close()
        tap.close()


def new_device(prefix):
    serial_prefix = "%s%s-" % (prefix, uuid.uuid4().hex[:6])
    return serial_prefix, C.device_id(OUI, PC, serial_prefix + "000001")


def run_sim(stack, serial_prefix, *extra, sessions=2, timeout=90):
    args = ["--oui", OUI, "--product-class", PC, "--serial-prefix", serial_prefix,
            "--username", USER, "--password", PASSWORD, "--sessions", sessions,
            "--interval", 3600, "--timeout", 10] + list(extra)
    rc, summary, err = stack.run_cpe_sim(*args, timeout=timeout)
    assert summary, "no summary from cpe-sim:\n" + err[-3000:]
    return rc, summary, err


def put_file(stack, name, data):
    path = os.path.join(stack.files_dir, name)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, 0o644)
    return stack.files_url + "/files/" + name


def firmware(version, pad=2000):
    return ("cpe-sim firmware %s\n" % version).encode() + os.urandom(pad)


def events_of(tap, dev, typ, settle=0.5):
    return [e for e in tap.for_device(dev, settle) if e.get("type") == typ]


def informs(tap, dev):
    return events_of(tap, dev, "inform", settle=0.3)


def codes(inform):
    return [(e["code"], e.get("command_key", "")) for e in inform["events"]]


def param(inform, name):
    for p in inform["parameters"]:
        if p["name"] == name:
            return p["value"]
    return None


def wait_event(tap, dev, typ, timeout=15):
    found = []

    def have():
        found[:] = events_of(tap, dev, typ, settle=0.2)
        return bool(found)
    wait_for(typ + " event", have, timeout,
             diagnostics=lambda: str([e.get("type") for e in tap.for_device(dev, 0)]))
    return found


def device_summary(summary):
    assert len(summary["devices"]) == 1, summary
    return summary["devices"][0]


# ---------------------------------------------------------------- Download

def test_firmware_download_upgrades_and_reports_transfer_complete(env):
    stack, op, tap = env
    prefix, dev = new_device("FW")
    version = "9.%d.%d" % (os.getpid() % 100, int(time.time()) % 1000)
    image = firmware(version)
    url = put_file(stack, "fw-%s.bin" % prefix.rstrip("-"), image)
    op.queue_rpc(dev, "Download", {"command_key": "fw-1", "file_type": FW, "url": url,
                                   "file_size": len(image)})
    t0 = time.monotonic()
    rc, summary, err = run_sim(stack, prefix)
    elapsed = time.monotonic() - t0
    assert rc == 0, err[-3000:]
    d = device_summary(summary)
    assert d["rpcs"] == ["Download"]
    assert d["transfers"] == [{"method": "Download", "fault": 0}]
    assert d["cpe_requests"] == ["TransferComplete"]
    # The second session follows the transfer at once, not after --interval.
    assert elapsed < 30
    res = op.results(1)
    assert res and res[0]["status"] == "ok", res
    assert res[0]["result"]["status"] == 1

    tc = wait_event(tap, dev, "transfer.complete")
    assert len(tc) == 1, tc
    assert tc[0]["command_key"] == "fw-1"
    assert tc[0]["fault"]["code"] == 0
    assert tc[0]["start_time"] != "0001-01-01T00:00:00Z"
    inf = informs(tap, dev)
    assert len(inf) == 2
    assert param(inf[0], "Device.DeviceInfo.SoftwareVersion") != version
    assert param(inf[1], "Device.DeviceInfo.SoftwareVersion") == version
    assert ("7 TRANSFER COMPLETE", "") in codes(inf[1])
    assert ("M Download", "fw-1") in codes(inf[1])
    assert ("1 BOOT", "") in codes(inf[1])
    wait_for("new software version stored", lambda: stack.sql(
        "SELECT software_version FROM devices WHERE device_id = %s", (dev,)) == [(version,)], 15)


@pytest.mark.parametrize("case", ["short", "missing", "corrupt"])
def test_failed_download_reports_its_fault(env, case):
    stack, op, tap = env
    prefix, dev = new_device("FF")
    name = "ff-%s.bin" % prefix.rstrip("-")
    image = firmware("66.6")
    if case == "corrupt":
        image = b"not a firmware image\n" + image
    url = put_file(stack, name, image)
    params = {"command_key": "ff-" + case, "file_type": FW, "url": url}
    if case == "short":
        params["file_size"] = len(image) + 10
    if case == "missing":
        params["url"] = stack.files_url + "/files/no-such-" + name
    expected = {"short": 9017, "missing": 9010, "corrupt": 9018}[case]
    op.queue_rpc(dev, "Download", params)
    rc, summary, err = run_sim(stack, prefix)
    assert rc == 0, err[-3000:]
    assert device_summary(summary)["transfers"] == [{"method": "Download", "fault": expected}]
    tc = wait_event(tap, dev, "transfer.complete")
    assert tc[0]["command_key"] == "ff-" + case
    assert tc[0]["fault"]["code"] == expected
    assert tc[0]["fault"]["string"]
    inf = informs(tap, dev)
    assert param(inf[-1], "Device.DeviceInfo.SoftwareVersion") != "66.6"
    assert ("M Download", "ff-" + case) in codes(inf[-1])
    assert ("1 BOOT", "") not in codes(inf[-1])


def test_unreachable_file_server_is_9015(env):
    stack, op, tap = env
    prefix, dev = new_device("UR")
    from halyard_stack import free_port
    op.queue_rpc(dev, "Download", {"command_key": "ur", "file_type": "2 Web Content",
                                   "url": "http://127.0.0.1:%d/x.bin" % free_port()})
    rc, summary, err = run_sim(stack, prefix)
    assert rc == 0, err[-3000:]
    tc = wait_event(tap, dev, "transfer.complete")
    assert tc[0]["fault"]["code"] == 9015


# ---------------------------------------------------------------- persistence

def test_transfer_complete_survives_a_restart(env, tmp_path):
    """Run 1 ends right after the session that queued the Download: the CPE
    downloads, upgrades and saves the pending TransferComplete; run 2 sends
    it."""
    stack, op, tap = env
    prefix, dev = new_device("PS")
    image = firmware("7.7.7")
    url = put_file(stack, "ps-%s.bin" % prefix.rstrip("-"), image)
    op.queue_rpc(dev, "Download", {"command_key": "ps-1", "file_type": FW, "url": url})
    state = str(tmp_path)
    rc, summary, err = run_sim(stack, prefix, "--state-dir", state, sessions=1)
    assert rc == 0, err[-3000:]
    assert device_summary(summary)["transfers"] == [{"method": "Download", "fault": 0}]
    assert not events_of(tap, dev, "transfer.complete")
    saved = json.load(open(os.path.join(state, prefix + "000001.json")))
    assert saved["xfer"]["requests"][0]["method"] == "TransferComplete"

    rc, summary, err = run_sim(stack, prefix, "--state-dir", state, sessions=1)
    assert rc == 0, err[-3000:]
    assert device_summary(summary)["cpe_requests"] == ["TransferComplete"]
    tc = wait_event(tap, dev, "transfer.complete")
    assert tc[0]["command_key"] == "ps-1" and tc[0]["fault"]["code"] == 0
    inf = informs(tap, dev)[-1]
    assert param(inf, "Device.DeviceInfo.SoftwareVersion") == "7.7.7"
    assert ("7 TRANSFER COMPLETE", "") in codes(inf) and ("1 BOOT", "") in codes(inf)
    saved = json.load(open(os.path.join(state, prefix + "000001.json")))
    assert "xfer" not in saved


# ---------------------------------------------------------------- Upload, restore

def test_config_upload_then_restore_by_download(env, tmp_path):
    stack, op, tap = env
    prefix, dev = new_device("UP")
    state = str(tmp_path)
    name = "cfg-%s.json" % uuid.uuid4().hex[:6]
    up_url = stack.upload_url(dev, name)
    op.queue_rpc(dev, "SetParameterValues", {"values": [{"name": SSID, "value": "alpha-net"}]})
    op.queue_rpc(dev, "Upload", {"command_key": "up-1", "file_type": CFG_UP, "url": up_url})
    rc, summary, err = run_sim(stack, prefix, "--state-dir", state)
    assert rc == 0, err[-3000:]
    assert device_summary(summary)["transfers"] == [{"method": "Upload", "fault": 0}]
    tc = wait_event(tap, dev, "transfer.complete")
    assert tc[0]["command_key"] == "up-1" and tc[0]["fault"]["code"] == 0
    assert ("M Upload", "up-1") in codes(informs(tap, dev)[-1])
    stored = os.path.join(stack.file_store, "upload", dev, name)
    assert os.path.exists(stored), os.listdir(os.path.dirname(stored))
    cfg = json.load(open(stored))
    assert cfg["values"][SSID] == "alpha-net"

    # Change the SSID, then restore the uploaded configuration.
    op.results(2)
    op.queue_rpc(dev, "SetParameterValues", {"values": [{"name": SSID, "value": "beta-net"}]})
    op.queue_rpc(dev, "Download", {"command_key": "re-1", "file_type": CFG_DOWN,
                                   "url": stack.upload_url(dev, name)})
    rc, summary, err = run_sim(stack, prefix, "--state-dir", state)
    assert rc == 0, err[-3000:]
    assert device_summary(summary)["transfers"] == [{"method": "Download", "fault": 0}]
    wait_for("restore reported", lambda: any(
        e["command_key"] == "re-1" and e["fault"]["code"] == 0
        for e in events_of(tap, dev, "transfer.complete", 0.2)), 15)
    op.results(2)
    op.queue_rpc(dev, "GetParameterValues", {"names": [SSID]})
    rc, summary, err = run_sim(stack, prefix, "--state-dir", state, sessions=1)
    assert rc == 0, err[-3000:]
    res = op.results(1)
    assert res and res[0]["status"] == "ok", res
    assert res[0]["result"]["parameters"] == [{"name": SSID, "value": "alpha-net",
                                                "type": "string"}]


def test_log_upload_lands_in_the_store(env):
    stack, op, tap = env
    prefix, dev = new_device("LG")
    name = "log-%s.txt" % uuid.uuid4().hex[:6]
    op.queue_rpc(dev, "Upload", {"command_key": "lg", "file_type": "2 Vendor Log File",
                                 "url": stack.upload_url(dev, name)})
    rc, summary, err = run_sim(stack, prefix)
    assert rc == 0, err[-3000:]
    text = open(os.path.join(stack.file_store, "upload", dev, name)).read()
    assert text.startswith("cpe-sim log " + prefix + "000001\n")
    # A bad signature: nginx refuses the PUT, the CPE reports 9011.
    op.queue_rpc(dev, "Upload", {"command_key": "lg-bad", "file_type": "2 Vendor Log File",
                                 "url": stack.upload_url(dev, name) + "x"})
    rc, summary, err = run_sim(stack, prefix)
    assert rc == 0, err[-3000:]
    wait_for("refused upload reported", lambda: any(
        e["command_key"] == "lg-bad" and e["fault"]["code"] == 9011
        for e in events_of(tap, dev, "transfer.complete", 0.2)), 15)


# ---------------------------------------------------------------- ScheduleInform

def test_schedule_inform_leads_to_a_scheduled_session(env):
    stack, op, tap = env
    prefix, dev = new_device("SI")
    op.queue_rpc(dev, "ScheduleInform", {"delay_seconds": 2, "command_key": "si-1"})
    t0 = time.monotonic()
    rc, summary, err = run_sim(stack, prefix)
    elapsed = time.monotonic() - t0
    assert rc == 0, err[-3000:]
    assert 2 <= elapsed < 30
    inf = informs(tap, dev)
    assert len(inf) == 2
    assert ("3 SCHEDULED", "") in codes(inf[1])
    assert ("M ScheduleInform", "si-1") in codes(inf[1])


# ---------------------------------------------------------------- queue, cancel

def test_queued_transfers_listed_and_cancelled(env):
    stack, op, tap = env
    prefix, dev = new_device("QT")
    url = put_file(stack, "qt-%s.bin" % prefix.rstrip("-"), b"web content")
    op.queue_rpc(dev, "Download", {"command_key": "later", "file_type": "2 Web Content",
                                   "url": url, "delay_seconds": 3600})
    op.queue_rpc(dev, "Download", {"command_key": "gone", "file_type": "2 Web Content",
                                   "url": url, "delay_seconds": 3600})
    op.queue_rpc(dev, "CancelTransfer", {"command_key": "gone"})
    op.queue_rpc(dev, "GetQueuedTransfers", {})
    op.queue_rpc(dev, "GetAllQueuedTransfers", {})
    op.queue_rpc(dev, "CancelTransfer", {"command_key": "never-queued"})
    rc, summary, err = run_sim(stack, prefix, sessions=1)
    assert rc == 0, err[-3000:]
    res = op.results(6)
    assert [r["status"] for r in res] == ["ok"] * 5 + ["fault"], res
    assert res[3]["result"]["transfers"] == [{"command_key": "later", "state": 1}]
    full = res[4]["result"]["transfers"]
    assert len(full) == 1 and full[0]["command_key"] == "later"
    assert full[0]["is_download"] is True and full[0]["file_type"] == "2 Web Content"
    assert res[5]["fault"]["code"] == 9021


# ---------------------------------------------------------------- ChangeDUState

def test_change_du_state_install_then_uninstall(env, tmp_path):
    stack, op, tap = env
    prefix, dev = new_device("DU")
    state = str(tmp_path)
    url = put_file(stack, "app-%s.ipk" % prefix.rstrip("-"), b"cpe-sim du webapp 1.2\npayload")
    du_uuid = str(uuid.uuid4())
    op.queue_rpc(dev, "ChangeDUState", {"command_key": "du-1", "operations": [
        {"operation": "install", "url": url, "uuid": du_uuid},
        {"operation": "install", "url": url + ".missing"}]})
    rc, summary, err = run_sim(stack, prefix, "--state-dir", state)
    assert rc == 0, err[-3000:]
    ev = wait_event(tap, dev, "du.state.change.complete")[0]
    assert ev["command_key"] == "du-1"
    ok, bad = ev["results"]
    assert ok["uuid"] == du_uuid and ok["current_state"] == "Installed"
    assert ok["version"] == "1.2" and ok["fault"]["code"] == 0
    assert ok["deployment_unit_ref"].startswith("Device.SoftwareModules.DeploymentUnit.")
    assert bad["current_state"] == "Failed" and bad["fault"]["code"] == 9010
    inf = informs(tap, dev)[-1]
    assert ("11 DU STATE CHANGE COMPLETE", "") in codes(inf)
    assert ("M ChangeDUState", "du-1") in codes(inf)

    op.queue_rpc(dev, "ChangeDUState", {"command_key": "du-2", "operations": [
        {"operation": "uninstall", "uuid": du_uuid},
        {"operation": "uninstall", "uuid": du_uuid}]})
    rc, summary, err = run_sim(stack, prefix, "--state-dir", state)
    assert rc == 0, err[-3000:]
    wait_for("uninstall reported", lambda: any(
        e["command_key"] == "du-2" for e in events_of(tap, dev, "du.state.change.complete", 0.2)),
        15)
    ev = [e for e in events_of(tap, dev, "du.state.change.complete") if e["command_key"] == "du-2"]
    first, second = ev[0]["results"]
    assert first["current_state"] == "Uninstalled" and first["fault"]["code"] == 0
    assert second["fault"]["code"] == 9028


# ---------------------------------------------------------------- CPE requests

def test_cpe_initiated_requests(env):
    stack, op, tap = env
    prefix, dev = new_device("RQ")
    url = put_file(stack, "rq-%s.bin" % prefix.rstrip("-"), b"autonomous bytes")
    du_url = put_file(stack, "rq-%s.ipk" % prefix.rstrip("-"), b"cpe-sim du tool 3.0\n")
    rc, summary, err = run_sim(
        stack, prefix, "--autonomous-transfer", url + ",2 Web Content", "--autonomous-du", du_url,
        "--request-download", FW + ",version=2.0", "--kicked", sessions=1)
    assert rc == 0, err[-3000:]
    d = device_summary(summary)
    assert sorted(d["cpe_requests"]) == sorted([
        "AutonomousTransferComplete", "AutonomousDUStateChangeComplete", "RequestDownload",
        "Kicked"])
    atc = wait_event(tap, dev, "autonomous.transfer.complete")[0]
    assert atc["transfer_url"] == url and atc["is_download"] is True
    assert atc["file_size"] == len(b"autonomous bytes") and atc["fault"]["code"] == 0
    adu = wait_event(tap, dev, "autonomous.du.state.change.complete")[0]
    assert adu["results"][0]["operation_performed"] == "Install"
    assert adu["results"][0]["version"] == "3.0"
    rd = wait_event(tap, dev, "request.download")[0]
    assert rd["file_type"] == FW
    assert rd["file_type_args"] == [{"name": "version", "value": "2.0"}]
    assert wait_event(tap, dev, "kicked")
    got = set(c for c, _ in codes(informs(tap, dev)[0]))
    assert {"10 AUTONOMOUS TRANSFER COMPLETE", "12 AUTONOMOUS DU STATE CHANGE COMPLETE",
            "9 REQUEST DOWNLOAD", "5 KICKED"} <= got
