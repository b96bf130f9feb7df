"""Every CPE method of docs/rpc-methods.md round-trips through nginx, the
gateway and the broker against cpe-sim, with the result asserted in the
requester's reply queue and, where the inventory records it, in PostgreSQL.

One simulated CPE per test, kept between its sessions with --state-dir: the
test queues RPCs on the device queue (as a worker or acsctl would), runs one
or more cpe-sim sessions, and reads the results."""
import os
import uuid

import pytest

import cwmp_client as C
import schema_check
from halyard_stack import wait_for
from taps import EventTap, Operator

OUI, PC = "DEC0DE", "SimGW"
USER, PASSWORD = "boot", "bootpw"


class Cpe:
    """One cpe-sim device and an operator queueing RPCs to it."""

    def __init__(self, stack, tmp_path):
        self.stack = stack
        self.serial_prefix = "RP%s-" % uuid.uuid4().hex[:6]
        self.device_id = C.device_id(OUI, PC, self.serial_prefix + "000001")
        self.state = tmp_path / "sim"
        self.state.mkdir()
        self.op = Operator(stack)

    def session(self, sessions=1, *extra, ok=None):
        args = ["--count", 1, "--oui", OUI, "--product-class", PC,
                "--serial-prefix", self.serial_prefix, "--username", USER,
                "--password", PASSWORD, "--state-dir", str(self.state),
                "--sessions", sessions, "--interval", 1, "--quiet"] + list(extra)
        rc, summary, err = self.stack.run_cpe_sim(*args, timeout=90)
        assert rc == 0, err[-3000:]
        assert summary["sessions_ok"] == (sessions if ok is None else ok), summary
        return summary

    def rpc(self, method, params=None, **kw):
        return self.op.queue_rpc(self.device_id, method, params if params is not None else {},
                                 **kw)

    def results(self, n, timeout=30):
        res = self.op.results(n, timeout)
        assert len(res) == n, res
        for r in res:
            r.pop("_correlation_id", None)
            schema_check.validate(r, "rpc-result")
        return res

    def run(self, method, params=None, sessions=1):
        """Queue one RPC, run the session(s), return its result."""
        self.rpc(method, params)
        self.session(sessions)
        return self.results(1)[0]

    def value(self, name):
        r = self.run("GetParameterValues", {"names": [name]})
        assert r["status"] == "ok", r
        return {p["name"]: p["value"] for p in r["result"]["parameters"]}[name]

    def close(self):
        self.op.close()


@pytest.fixture
def cpe(services, tmp_path):
    services.stack.add_bootstrap_credential(OUI, "*", USER, PASSWORD)
    c = Cpe(services.stack, tmp_path)
    c.session()  # first contact
    yield c
    c.close()


def test_get_rpc_methods_lists_every_standard_method(cpe):
    r = cpe.run("GetRPCMethods")
    assert r["status"] == "ok"
    methods = set(r["result"]["methods"])
    for m in ("GetParameterNames", "GetParameterValues", "SetParameterValues",
              "GetParameterAttributes", "SetParameterAttributes", "AddObject",
              "DeleteObject", "Reboot", "FactoryReset", "Download", "Upload", "ScheduleInform",
              "GetQueuedTransfers", "GetAllQueuedTransfers", "ScheduleDownload",
              "CancelTransfer", "ChangeDUState"):
        assert m in methods, m
    assert any(m.startswith("X_") for m in methods)


def test_parameter_names_values_and_set_with_parameter_key(cpe):
    r = cpe.run("GetParameterNames", {"path": "Device.ManagementServer.", "next_level": True})
    assert r["status"] == "ok"
    names = {p["name"]: p["writable"] for p in r["result"]["parameters"]}
    assert names["Device.ManagementServer.PeriodicInformInterval"] is True
    r = cpe.run("SetParameterValues", {"values": [
        {"name": "Device.ManagementServer.PeriodicInformInterval", "value": 1200,
         "type": "unsignedInt"}], "parameter_key": "rpcs-1"})
    assert r["status"] == "ok" and r["result"]["status"] in (0, 1)
    assert cpe.value("Device.ManagementServer.PeriodicInformInterval") == "1200"
    assert cpe.value("Device.ManagementServer.ParameterKey") == "rpcs-1"


def test_cpe_faults_come_back_as_faults(cpe):
    r = cpe.run("GetParameterValues", {"names": ["Device.NoSuchThing."]})
    assert r["status"] == "fault" and r["fault"]["code"] == 9005
    # Sent as a string (no type given): only the CPE knows it is not a number.
    r = cpe.run("SetParameterValues", {"values": [
        {"name": "Device.ManagementServer.PeriodicInformInterval", "value": "soon"}],
        "parameter_key": "soon"})
    assert r["status"] == "fault" and r["fault"]["code"] == 9003
    spf = r["fault"]["set_parameter_faults"]
    assert spf and spf[0]["name"] == "Device.ManagementServer.PeriodicInformInterval"
    assert spf[0]["code"] in (9006, 9007)
    # A value the gateway can tell is wrong never reaches the CPE.
    r = cpe.run("SetParameterValues", {"values": [
        {"name": "Device.ManagementServer.PeriodicInformInterval", "value": "soon",
         "type": "unsignedInt"}]})
    assert r["status"] == "failed" and r["reason"] == "invalid-request", r
    # The ParameterKey did not change: the set was atomic and failed.
    assert cpe.value("Device.ManagementServer.ParameterKey") != "soon"


def test_attributes_set_and_get(cpe):
    name = "Device.ManagementServer.PeriodicInformInterval"
    r = cpe.run("SetParameterAttributes", {"attributes": [
        {"name": name, "notification": 1, "access_list": ["Subscriber"]}]})
    assert r["status"] == "ok" and r["result"] == {}
    r = cpe.run("GetParameterAttributes", {"names": [name]})
    assert r["status"] == "ok"
    (attr,) = r["result"]["parameters"]
    assert attr == {"name": name, "notification": 1, "access_list": ["Subscriber"]}


def test_add_and_delete_object(cpe):
    r = cpe.run("AddObject", {"object": "Device.NAT.PortMapping.", "parameter_key": "pm-add"})
    assert r["status"] == "ok", r
    inst = r["result"]["instance_number"]
    assert inst >= 1 and r["result"]["status"] in (0, 1)
    obj = "Device.NAT.PortMapping.%d." % inst
    r = cpe.run("SetParameterValues", {"values": [
        {"name": obj + "ExternalPort", "value": 8443, "type": "unsignedInt"}]})
    assert r["status"] == "ok", r
    assert cpe.value(obj + "ExternalPort") == "8443"
    r = cpe.run("DeleteObject", {"object": obj, "parameter_key": "pm-del"})
    assert r["status"] == "ok" and r["result"]["status"] in (0, 1)
    r = cpe.run("GetParameterValues", {"names": [obj]})
    assert r["status"] == "fault" and r["fault"]["code"] == 9005


def _events(stack, device_id):
    return stack.sql("SELECT code, command_key FROM events WHERE device_id = %s "
                     "ORDER BY id", (device_id,))


def test_reboot_then_boot_event_with_command_key(cpe):
    r = cpe.run("Reboot", {"command_key": "rb-7"}, sessions=2)
    assert r["status"] == "ok" and r["command_key"] == "rb-7"
    wait_for("M Reboot recorded", lambda: ("M Reboot", "rb-7") in _events(
        cpe.stack, cpe.device_id), 15)
    assert ("1 BOOT", "") in _events(cpe.stack, cpe.device_id)


def test_factory_reset_brings_bootstrap_back(cpe):
    cpe.run("SetParameterValues", {"values": [
        {"name": "Device.ManagementServer.PeriodicInformInterval", "value": 777,
         "type": "unsignedInt"}]})
    before = len([e for e in _events(cpe.stack, cpe.device_id) if e[0] == "0 BOOTSTRAP"])
    r = cpe.run("FactoryReset", sessions=2)
    assert r["status"] == "ok"
    wait_for("a second 0 BOOTSTRAP", lambda: len([
        e for e in _events(cpe.stack, cpe.device_id) if e[0] == "0 BOOTSTRAP"]) > before, 15)
    assert cpe.value("Device.ManagementServer.PeriodicInformInterval") != "777"


def test_schedule_inform(cpe):
    r = cpe.run("ScheduleInform", {"delay_seconds": 1, "command_key": "si-1"}, sessions=2)
    assert r["status"] == "ok" and r["command_key"] == "si-1"
    wait_for("3 SCHEDULED recorded", lambda: {("3 SCHEDULED", ""), ("M ScheduleInform", "si-1")}
             <= set(_events(cpe.stack, cpe.device_id)), 15)


def _firmware(stack, name, version):
    os.makedirs(stack.files_dir, exist_ok=True)
    data = ("cpe-sim firmware %s\n" % version).encode() + os.urandom(4096)
    with open(os.path.join(stack.files_dir, name), "wb") as f:
        f.write(data)
    return stack.files_url + "/files/" + name, len(data)


def test_download_firmware_transfer_complete_and_new_version(cpe):
    stack = cpe.stack
    url, size = _firmware(stack, "fw-%s.bin" % cpe.serial_prefix.rstrip("-"), "9.9.1")
    tap = EventTap(stack, "transfer.complete.#")
    try:
        r = cpe.run("Download", {"command_key": "fw-1", "file_type": "1 Firmware Upgrade Image",
                                 "url": url, "file_size": size, "username": "u",
                                 "password": "secret-pw"}, sessions=2)
        assert r["status"] == "ok" and r["command_key"] == "fw-1", r
        assert r["transfer"]["url"] == url and r["transfer"]["is_download"] is True
        assert "secret-pw" not in str(r)
        events = [e for e in tap.for_device(cpe.device_id, settle=1.0)]
        assert [e["command_key"] for e in events] == ["fw-1"]
        assert events[0]["fault"]["code"] == 0
        schema_check.validate(events[0], "transfer-complete")
    finally:
        tap.close()
    wait_for("new SoftwareVersion in PostgreSQL", lambda: stack.sql(
        "SELECT software_version FROM devices WHERE device_id = %s",
        (cpe.device_id,)) == [("9.9.1",)], 15)
    wait_for("transfer completed", lambda: stack.sql(
        "SELECT state, fault_code FROM transfers WHERE device_id = %s AND command_key = 'fw-1'",
        (cpe.device_id,)) in ([("completed", 0)], [("completed", None)]), 15)


def test_download_of_wrong_size_fails_with_a_transfer_fault(cpe):
    url, size = _firmware(cpe.stack, "fw-bad-%s.bin" % cpe.serial_prefix.rstrip("-"), "9.9.2")
    tap = EventTap(cpe.stack, "transfer.complete.#")
    try:
        r = cpe.run("Download", {"command_key": "fw-2", "file_type": "1 Firmware Upgrade Image",
                                 "url": url, "file_size": size + 1}, sessions=2)
        assert r["status"] == "ok"
        (ev,) = tap.for_device(cpe.device_id, settle=1.0)
        assert ev["command_key"] == "fw-2" and ev["fault"]["code"] in (9017, 9018)
    finally:
        tap.close()
    assert cpe.value("Device.DeviceInfo.SoftwareVersion") != "9.9.2"


def test_upload_config_then_restore_it(cpe):
    stack = cpe.stack
    name = "Device.ManagementServer.PeriodicInformInterval"
    cpe.run("SetParameterValues", {"values": [{"name": name, "value": 4321,
                                              "type": "unsignedInt"}]})
    url = stack.upload_url(cpe.device_id, "backup.json")
    r = cpe.run("Upload", {"command_key": "up-1", "file_type": "1 Vendor Configuration File",
                           "url": url}, sessions=2)
    assert r["status"] == "ok" and r["transfer"]["is_download"] is False
    stored = os.path.join(stack.file_store, "upload", cpe.device_id, "backup.json")
    wait_for("upload in the store", lambda: os.path.exists(stored), 15)
    wait_for("upload recorded", lambda: stack.sql(
        "SELECT kind, device_id, size FROM files WHERE name = %s",
        ("upload/%s/backup.json" % cpe.device_id,)) == [
            ("config", cpe.device_id, os.path.getsize(stored))], 15)
    cpe.run("SetParameterValues", {"values": [{"name": name, "value": 99,
                                              "type": "unsignedInt"}]})
    r = cpe.run("Download", {"command_key": "restore-1",
                             "file_type": "3 Vendor Configuration File", "url": url},
                sessions=2)
    assert r["status"] == "ok"
    assert cpe.value(name) == "4321"


def test_queued_transfers_listed_and_cancelled(cpe):
    url, size = _firmware(cpe.stack, "fw-q-%s.bin" % cpe.serial_prefix.rstrip("-"), "9.9.3")
    cpe.rpc("Download", {"command_key": "later-1", "file_type": "1 Firmware Upgrade Image",
                         "url": url, "delay_seconds": 3600})
    cpe.rpc("GetAllQueuedTransfers")
    cpe.rpc("CancelTransfer", {"command_key": "later-1"})
    cpe.rpc("GetQueuedTransfers")
    cpe.session()
    dl, all_q, cancel, q = cpe.results(4)
    assert dl["status"] == "ok" and dl["result"]["status"] == 1
    listed = {t["command_key"]: t for t in all_q["result"]["transfers"]}
    assert listed["later-1"]["state"] == 1 and listed["later-1"]["is_download"] is True
    assert cancel["status"] == "ok"
    assert "later-1" not in {t["command_key"] for t in q["result"]["transfers"]}


def test_schedule_download_completes_in_its_window(cpe):
    url, size = _firmware(cpe.stack, "fw-s-%s.bin" % cpe.serial_prefix.rstrip("-"), "9.9.4")
    r = cpe.run("ScheduleDownload", {
        "command_key": "sd-1", "file_type": "1 Firmware Upgrade Image", "url": url,
        "file_size": size, "time_windows": [{"window_start": 0, "window_end": 60,
                                             "window_mode": "1 At Any Time"}]}, sessions=2)
    assert r["status"] == "ok"
    wait_for("M ScheduleDownload recorded", lambda: ("M ScheduleDownload", "sd-1") in _events(
        cpe.stack, cpe.device_id), 15)
    assert cpe.value("Device.DeviceInfo.SoftwareVersion") == "9.9.4"


def test_change_du_state_install(cpe):
    stack = cpe.stack
    name = "du-%s.ipk" % cpe.serial_prefix.rstrip("-")
    with open(os.path.join(stack.files_dir, name), "wb") as f:
        f.write(b"cpe-sim du webapp 1.2.0\n" + b"\0" * 512)
    tap = EventTap(stack, "du.state.change.complete.#")
    try:
        r = cpe.run("ChangeDUState", {"command_key": "du-1", "operations": [
            {"operation": "install", "url": stack.files_url + "/files/" + name,
             "uuid": "6ba7b810-9dad-11d1-80b4-00c04fd430c8"}]}, sessions=2)
        assert r["status"] == "ok" and r["command_key"] == "du-1"
        (ev,) = tap.for_device(cpe.device_id, settle=1.0)
    finally:
        tap.close()
    schema_check.validate(ev, "du-state-change-complete")
    assert ev["command_key"] == "du-1"
    (res,) = ev["results"]
    assert res["current_state"] == "Installed" and res["fault"]["code"] == 0
    assert res["uuid"] == "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
    wait_for("DU change recorded", lambda: stack.sql(
        "SELECT count(*) FROM cpe_requests WHERE device_id = %s "
        "AND method = 'DUStateChangeComplete'", (cpe.device_id,)) == [(1,)], 15)


def test_vendor_method_passes_through(cpe):
    r = cpe.run("GetRPCMethods")
    (echo,) = [m for m in r["result"]["methods"] if m.startswith("X_") and m.endswith("_Echo")]
    r = cpe.run(echo, {"Text": "hello", "Count": 3})
    assert r["status"] == "ok", r
    assert r["result"] == {"Text": "hello", "Count": "3"}
    r = cpe.run("X_%s_NoSuchMethod" % OUI, {})
    assert r["status"] == "fault" and r["fault"]["code"] == 9000
