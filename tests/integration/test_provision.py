"""acs-provision against the real stack: nginx, acs-gateway, RabbitMQ,
PostgreSQL, acs-inventory and cpe-sim (or a CPE driven byte by byte with
cwmp_client where a test must hold an answer back).

What a user checks: devices that came in with bootstrap credentials end up
with unique ones that work (and the bootstrap ones no longer do), sealed
connection-request passwords open with the key, refreshes happen only when
stale, presets reach only tagged devices, a firmware rollout respects its
batches across copies, a copy killed mid-conversation loses nothing, and
bad input is refused and counted without a crash.
"""
import base64
import json
import os
import re
import signal
import subprocess
import time
import types
import uuid
import xml.etree.ElementTree as ET

import pika
import pytest

import cwmp_client as C
from conftest import require_binary
from halyard_stack import ROOT, TEST_SECRET_KEY, ha1, wait_for

OUI, PC = "02C0DE", "SimGW"          # cpe-sim's tr181 model identity
BOOT_USER, BOOT_PW = "prov-boot", "prov-boot-pw"
SIM_PW = "sim-device-pw"
REALM = "halyard"
MS = "Device.ManagementServer."


# ------------------------------------------------------------------ helpers

def _purge_provision(stack):
    conn = stack.amqp()
    try:
        conn.channel().queue_purge("halyard.provision")
    finally:
        conn.close()


@pytest.fixture
def prov(stack, tmp_path):
    """inventory + a gateway that waits 3 s for workers (the machine is
    shared; a conversation step must fit in that), nginx pointed at it."""
    for name in ("acs-inventory", "acs-gateway", "acs-provision", "cpe-sim"):
        require_binary(stack, name)
    ns = types.SimpleNamespace(stack=stack, tmp=tmp_path)
    ns.inventory = stack.start_inventory()
    ns.gateway = stack.start_gateway("gwp", env={"ACS_WORKER_WAIT_MS": 3000})
    stack.use_gateways([ns.gateway])
    _purge_provision(stack)   # work items earlier tests left (the gateway declared the queue)
    return ns


def start_provision(prov, policy, name="prov", env=None):
    path = prov.tmp / ("%s-policy.json" % name)
    path.write_text(json.dumps(policy, indent=1))
    e = {"ACS_PROVISION_POLICY": str(path), "ACS_PROVISION_RESULT_TIMEOUT_MS": 15000,
         "ACS_PROVISION_ID": name}
    e.update(env or {})
    return prov.stack.start_service("acs-provision", name, e)


def prefix(tag):
    return "%s%s-" % (tag, uuid.uuid4().hex[:6].upper())


def serials(pfx, n):
    return ["%s%06d" % (pfx, i) for i in range(1, n + 1)]


def sim(prov, pfx, count, state, *extra, username=BOOT_USER, password=BOOT_PW, timeout=180):
    """Run cpe-sim; returns (summary, {serial: device summary})."""
    args = ["--count", count, "--oui", OUI, "--product-class", PC, "--serial-prefix", pfx,
            "--username", username, "--password", password, "--state-dir", str(state),
            "--concurrency", count, "--quiet"] + list(extra)
    rc, summary, err = prov.stack.run_cpe_sim(*args, timeout=timeout)
    assert rc == 0, "cpe-sim failed: %s\n%s" % (summary, err[-3000:])
    return summary, {d["serial"]: d for d in summary["devices"]}


def sim_values(state, serial):
    """The values a CPE changed, from its cpe-sim state file (either layout)."""
    with open(os.path.join(str(state), serial + ".json")) as f:
        st = json.load(f)
    return st.get("config", st).get("values", {})


def add_device_credentials(stack, sns, password=SIM_PW):
    """Unique credentials (username = serial) for many devices, one statement."""
    devs = [C.device_id(OUI, PC, sn) for sn in sns]
    stack.sql("INSERT INTO device_credentials (device_id, username, ha1, realm) "
              "SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[]) "
              "ON CONFLICT (device_id) DO NOTHING",
              (devs, list(sns), [ha1(sn, REALM, password) for sn in sns], [REALM] * len(sns)))
    return devs


def open_sealed(sealed, aad):
    """common/acs_secret.h: "v1:" + base64url(nonce[12] || ciphertext || tag[16])."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    assert sealed.startswith("v1:"), sealed
    raw = base64.urlsafe_b64decode(sealed[3:] + "=" * (-len(sealed[3:]) % 4))
    return AESGCM(bytes.fromhex(TEST_SECRET_KEY)).decrypt(raw[:12], raw[12:],
                                                        aad.encode()).decode()


def spv_values(el):
    """{name: value} and the ParameterKey of a SetParameterValues element."""
    values = {}
    for s in el.iter():
        if s.tag.split("}")[-1] == "ParameterValueStruct":
            kids = {k.tag.split("}")[-1]: (k.text or "") for k in s}
            values[kids["Name"]] = kids["Value"]
    key = next((k.text or "") for k in el if k.tag.split("}")[-1] == "ParameterKey")
    return values, key


def gpv_names(el):
    return [s.text for s in el.iter() if s.tag.split("}")[-1] == "string"]


def spv_response(cwmp_id):
    return C.envelope("<cwmp:SetParameterValuesResponse><Status>0</Status>"
                      "</cwmp:SetParameterValuesResponse>", cwmp_id)


def spv_fault(cwmp_id):
    return C.envelope(
        "<soap-env:Fault><faultcode>Client</faultcode><faultstring>CWMP fault</faultstring>"
        "<detail><cwmp:Fault><FaultCode>9003</FaultCode><FaultString>Invalid arguments"
        "</FaultString></cwmp:Fault></detail></soap-env:Fault>", cwmp_id)


def publish_raw(stack, queue, body, props=None):
    conn = stack.amqp()
    try:
        ch = conn.channel()
        ch.basic_publish("", queue, body, props or pika.BasicProperties(
            content_type="application/json", delivery_mode=2))
    finally:
        conn.close()


def queue_depth(stack, queue):
    conn = stack.amqp()
    try:
        return conn.channel().queue_declare(queue, passive=True).method.message_count
    finally:
        conn.close()


# ---------------------------------------------------------------- bootstrap

def test_bootstrap_sets_unique_working_credentials(prov):
    stack = prov.stack
    stack.add_bootstrap_credential(OUI, "*", BOOT_USER, BOOT_PW)
    p = start_provision(prov, {"bootstrap": {
        "periodic_inform_enable": True, "periodic_inform_interval_s": 1234,
        "parameters": {"DeviceInfo.ProvisioningCode": "halyard-it"}}})
    pfx, state = prefix("PB"), prov.tmp / "state"
    state.mkdir()
    sns = serials(pfx, 10)
    # Two sessions each: the first with the bootstrap credentials, the
    # second with whatever the ACS set (cpe-sim keeps them in its state).
    summary, devices = sim(prov, pfx, 10, state, "--sessions", 2, "--interval", 1)
    assert summary["sessions_ok"] == 20, summary
    for sn in sns:
        assert devices[sn]["rpcs"] == ["SetParameterValues"], devices[sn]
    devs = [C.device_id(OUI, PC, sn) for sn in sns]
    rows = stack.sql("SELECT device_id, username, ha1, realm, cr_username, cr_password_enc "
                     "FROM device_credentials WHERE device_id = ANY(%s)", (devs,))
    assert len(rows) == 10
    assert len({r[1] for r in rows}) == 10                       # unique usernames
    by_dev = {r[0]: r for r in rows}
    log = p.log_text()
    for sn, dev in zip(sns, devs):
        v = sim_values(state, sn)
        _, user, h, realm, cr_user, cr_enc = by_dev[dev]
        assert user == v[MS + "Username"] and user.startswith("cpe-") and len(user) == 20
        assert len(v[MS + "Password"]) == 24
        assert realm == REALM and h == ha1(user, REALM, v[MS + "Password"])
        assert cr_user == v[MS + "ConnectionRequestUsername"]
        assert open_sealed(cr_enc, dev) == v[MS + "ConnectionRequestPassword"]
        with pytest.raises(Exception):
            open_sealed(cr_enc, devs[0] if dev != devs[0] else devs[1])   # bound to its row
        assert v[MS + "PeriodicInformInterval"] == "1234"
        assert v["Device.DeviceInfo.ProvisioningCode"] == "halyard-it"
        assert v[MS + "Password"] not in log and v[MS + "ConnectionRequestPassword"] not in log
    assert stack.sql("SELECT count(*) FROM pending_credentials WHERE device_id = ANY(%s)",
                     (devs,)) == [(0,)]
    # The bootstrap credentials no longer admit a device that has its own.
    s = C.Session(stack.cwmp_url, BOOT_USER, BOOT_PW)
    r = s.post(C.inform_xml(OUI, PC, sns[0]))
    assert r.status in (401, 403)
    s.close()
    assert p.metric('halyard_prov_bootstrap_total{outcome="set"}') == 10
    assert p.metric('halyard_prov_items_total{outcome="done"}') == 20


def test_killed_copy_mid_set_loses_nothing(prov):
    """Copy A sends the credentials; the gateway holds the SetParameterValues
    (this test is the CPE and has not answered yet) when A is SIGKILLed. The
    broker hands the work item to copy B, which finds the pending
    credentials, reads the CPE's ParameterKey, sees the set was applied and
    adopts them: the CPE ends with working unique credentials."""
    stack = prov.stack
    stack.add_bootstrap_credential(OUI, "*", BOOT_USER, BOOT_PW)
    policy = {"bootstrap": {"periodic_inform_interval_s": 600}}
    a = start_provision(prov, policy, name="prov-a")
    sn = "PK-" + uuid.uuid4().hex[:8]
    dev = C.device_id(OUI, PC, sn)
    s = C.Session(stack.cwmp_url, BOOT_USER, BOOT_PW)
    r = s.post(C.inform_xml(OUI, PC, sn))
    assert r.status == 200 and r.rpc()[0] == "InformResponse"
    r = s.post("")
    method, cid, el = r.rpc()
    assert method == "SetParameterValues"
    values, key = spv_values(el)
    assert key.startswith("bs-") and values[MS + "PeriodicInformInterval"] == "600"
    user, pw = values[MS + "Username"], values[MS + "Password"]
    assert stack.sql("SELECT username FROM pending_credentials WHERE device_id = %s",
                     (dev,)) == [(user,)]
    b = start_provision(prov, policy, name="prov-b")
    a.kill()
    # The CPE applies the set and answers; B, not A, continues the session.
    r = s.post(spv_response(cid))
    method, cid, el = r.rpc()
    assert method == "GetParameterValues"
    assert gpv_names(el) == [MS + "ParameterKey"]
    r = s.post(C.gpv_response(cid, {MS + "ParameterKey": key}))
    assert r.status == 204
    s.close()
    rows = stack.sql("SELECT username, ha1 FROM device_credentials WHERE device_id = %s", (dev,))
    assert rows == [(user, ha1(user, REALM, pw))]
    assert stack.sql("SELECT count(*) FROM pending_credentials WHERE device_id = %s",
                     (dev,)) == [(0,)]
    assert b.metric('halyard_prov_bootstrap_total{outcome="adopted"}') == 1
    # The new credentials work, and nothing more is sent.
    s2 = C.Session(stack.cwmp_url, user, pw)
    r = s2.post(C.inform_xml(OUI, PC, sn, events=("2 PERIODIC",)))
    assert r.status == 200
    r = s2.post("")
    assert r.status == 204
    s2.close()


def test_sigterm_drains_the_conversation_in_progress(prov):
    """SIGTERM while the CPE holds our SetParameterValues: the copy takes no
    new work but finishes this conversation, then exits 0."""
    stack = prov.stack
    stack.add_bootstrap_credential(OUI, "*", BOOT_USER, BOOT_PW)
    p = start_provision(prov, {"bootstrap": {}})
    sn = "PD-" + uuid.uuid4().hex[:8]
    dev = C.device_id(OUI, PC, sn)
    s = C.Session(stack.cwmp_url, BOOT_USER, BOOT_PW)
    assert s.post(C.inform_xml(OUI, PC, sn)).status == 200
    method, cid, el = s.post("").rpc()
    assert method == "SetParameterValues"
    values, _ = spv_values(el)
    p.proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    assert p.alive()                                     # still waiting for our answer
    r = s.post(spv_response(cid))
    assert r.status == 204
    s.close()
    assert p.proc.wait(15) == 0
    assert "draining 1 conversation" in p.log_text()
    assert stack.sql("SELECT username FROM device_credentials WHERE device_id = %s",
                     (dev,)) == [(values[MS + "Username"],)]


def test_refused_set_forgets_pending_credentials(prov):
    stack = prov.stack
    stack.add_bootstrap_credential(OUI, "*", BOOT_USER, BOOT_PW)
    p = start_provision(prov, {"bootstrap": {}})
    sn = "PF-" + uuid.uuid4().hex[:8]
    dev = C.device_id(OUI, PC, sn)
    s = C.Session(stack.cwmp_url, BOOT_USER, BOOT_PW)
    assert s.post(C.inform_xml(OUI, PC, sn)).status == 200
    r = s.post("")
    method, cid, _ = r.rpc()
    assert method == "SetParameterValues"
    r = s.post(spv_fault(cid))
    assert r.status == 204
    s.close()
    wait_for("pending credentials forgotten", lambda: stack.sql(
        "SELECT count(*) FROM pending_credentials WHERE device_id = %s", (dev,)) == [(0,)], 10)
    assert stack.sql("SELECT count(*) FROM device_credentials WHERE device_id = %s",
                     (dev,)) == [(0,)]
    assert p.metric('halyard_prov_bootstrap_total{outcome="refused"}') == 1
    # The bootstrap credentials still admit it, and it is tried again.
    s = C.Session(stack.cwmp_url, BOOT_USER, BOOT_PW)
    assert s.post(C.inform_xml(OUI, PC, sn)).status == 200
    method, cid, _ = s.post("").rpc()
    assert method == "SetParameterValues"
    assert s.post(spv_fault(cid)).status == 204
    s.close()
    assert p.metric('halyard_prov_bootstrap_total{outcome="refused"}') == 2


# ----------------------------------------------------------- refresh, presets

def test_refresh_only_when_stale(prov):
    stack = prov.stack
    p = start_provision(prov, {"gpv_batch_size": 2, "refresh": {"info": {
        "names": ["DeviceInfo.HardwareVersion", "DeviceInfo.ModelName", "WiFi.SSID.1.SSID"],
        "max_age_s": 3600}}})
    pfx, state = prefix("PR"), prov.tmp / "state"
    state.mkdir()
    sns = serials(pfx, 3)
    devs = add_device_credentials(stack, sns)
    args = ("--sessions", 1, "--events", "1 BOOT")
    _, devices = sim(prov, pfx, 3, state, *args, username="{serial}", password=SIM_PW)
    for sn in sns:   # three names in batches of two
        assert devices[sn]["rpcs"] == ["GetParameterValues", "GetParameterValues"], devices[sn]
    assert stack.sql("SELECT count(*) FROM provision_state WHERE device_id = ANY(%s) "
                     "AND item = 'refresh:info'", (devs,)) == [(3,)]
    wait_for("refreshed values recorded", lambda: stack.sql(
        "SELECT count(*) FROM parameters WHERE device_id = ANY(%s) "
        "AND name = 'Device.WiFi.SSID.1.SSID'", (devs,)) == [(3,)], 15)
    # Fresh: nothing to read.
    _, devices = sim(prov, pfx, 3, state, "--sessions", 1, username="{serial}", password=SIM_PW)
    assert all(devices[sn]["rpcs"] == [] for sn in sns), devices
    # One device's refresh grows old: only it is read again.
    stack.sql("UPDATE provision_state SET done_at = now() - interval '2 hours' "
              "WHERE device_id = %s AND item = 'refresh:info'", (devs[0],))
    _, devices = sim(prov, pfx, 3, state, "--sessions", 1, username="{serial}", password=SIM_PW)
    assert devices[sns[0]]["rpcs"] == ["GetParameterValues", "GetParameterValues"]
    assert devices[sns[1]]["rpcs"] == [] and devices[sns[2]]["rpcs"] == []
    assert p.metric("halyard_prov_refreshes_total") == 4


def test_preset_applies_only_to_tagged_devices(prov):
    stack = prov.stack
    tag = "pilot-" + uuid.uuid4().hex[:6]
    p = start_provision(prov, {"presets": {"pilot-wifi": {"tag": tag, "parameters": {
        "WiFi.SSID.1.SSID": "pilot-net",
        "ManagementServer.PeriodicInformInterval": {"value": 900, "type": "unsignedInt"},
        # A secret: the CPE reads it back empty, so what was applied is remembered.
        "WiFi.AccessPoint.1.Security.KeyPassphrase": "pilot-passphrase-77",
        "InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID": "not-for-tr181"}}}})
    pfx, state = prefix("PP"), prov.tmp / "state"
    state.mkdir()
    sns = serials(pfx, 4)
    devs = add_device_credentials(stack, sns)
    stack.sql("INSERT INTO device_tags (device_id, tag) SELECT unnest(%s::text[]), %s",
              (devs[:2], tag))
    _, devices = sim(prov, pfx, 4, state, "--sessions", 1, username="{serial}", password=SIM_PW)
    for sn in sns[:2]:
        assert devices[sn]["rpcs"] == ["GetParameterValues", "SetParameterValues"], devices[sn]
        v = sim_values(state, sn)
        assert v["Device.WiFi.SSID.1.SSID"] == "pilot-net"
        assert v[MS + "PeriodicInformInterval"] == "900"
        assert v["Device.WiFi.AccessPoint.1.Security.KeyPassphrase"] == "pilot-passphrase-77"
    for sn in sns[2:]:
        assert devices[sn]["rpcs"] == [], devices[sn]
        assert "Device.WiFi.SSID.1.SSID" not in sim_values(state, sn)
    # Applied already: read, compare, nothing to set.
    _, devices = sim(prov, pfx, 4, state, "--sessions", 1, "--interval", 1,
                     username="{serial}", password=SIM_PW)
    for sn in sns[:2]:
        assert devices[sn]["rpcs"] == ["GetParameterValues"], devices[sn]
    assert p.metric("halyard_prov_presets_applied_total") == 2
    assert "pilot-passphrase-77" not in p.log_text()


# ------------------------------------------------------------------ firmware

def _download_supported():
    def has(path, word):
        try:
            with open(os.path.join(ROOT, path)) as f:
                return word in f.read()
        except OSError:
            return False
    codec = any(has(os.path.join("common", n), "Download")
                for n in os.listdir(os.path.join(ROOT, "common")) if n.startswith("cwmp_build"))
    sim_side = any(has(os.path.join("services", "cpe-sim", n), "cpe-sim firmware")
                   for n in os.listdir(os.path.join(ROOT, "services", "cpe-sim")))
    return codec and sim_side


def test_firmware_rollout_in_batches_across_two_copies(prov):
    if not _download_supported():
        pytest.skip("the gateway cannot build Download or cpe-sim cannot download yet")
    stack = prov.stack
    campaign = "fw-" + uuid.uuid4().hex[:8]
    version = "9.%d.0" % (uuid.uuid4().int % 1000)
    fname = "sim-%s.bin" % version
    image = ("cpe-sim firmware %s\n" % version).encode() + b"\0" * 4096
    os.makedirs(stack.files_dir, exist_ok=True)
    with open(os.path.join(stack.files_dir, fname), "wb") as f:
        f.write(image)
    stack.sql("INSERT INTO files (name, kind, file_type, size, oui, product_class, version, "
              "source) VALUES (%s, 'firmware', '1 Firmware Upgrade Image', %s, %s, %s, %s, "
              "'operator')", ("files/" + fname, len(image), OUI, PC, version))
    policy = {"firmware": {campaign: {
        "oui": OUI, "product_class": PC, "version": version, "file": fname,
        "rollout": {"batch_size": 20, "window_s": 4}, "transfer_timeout_s": 60}}}
    copies = [start_provision(prov, policy, name="prov-a"),
              start_provision(prov, policy, name="prov-b")]
    pfx, state = prefix("PW"), prov.tmp / "state"
    state.mkdir()
    sns = serials(pfx, 50)
    devs = add_device_credentials(stack, sns)
    sim(prov, pfx, 50, state, "--sessions", 20, "--interval", 1, username="{serial}",
        password=SIM_PW, timeout=300)
    wait_for("all 50 on %s" % version, lambda: stack.sql(
        "SELECT count(*) FROM devices WHERE device_id = ANY(%s) AND software_version = %s",
        (devs, version)) == [(50,)], 30)
    windows = stack.sql("SELECT window_start, started FROM rollout_windows WHERE campaign = %s "
                        "ORDER BY window_start", (campaign,))
    assert len(windows) >= 3, windows                 # 50 devices, 20 per window
    assert all(started <= 20 for _, started in windows), windows
    assert sum(started for _, started in windows) == 50, windows
    downloads = stack.sql("SELECT device_id, count(*) FROM rpc_results WHERE method = 'Download' "
                          "AND status = 'ok' AND device_id = ANY(%s) GROUP BY device_id", (devs,))
    assert len(downloads) == 50 and all(n == 1 for _, n in downloads), downloads
    assert sum(c.metric("halyard_prov_downloads_total") for c in copies) == 50


# ------------------------------------------------------------------- outages

def test_broker_restart_then_provisions_again(prov):
    stack = prov.stack
    stack.add_bootstrap_credential(OUI, "*", BOOT_USER, BOOT_PW)
    p = start_provision(prov, {"bootstrap": {}})
    stack.stop_broker()
    wait_for("unhealthy without the broker", lambda: p.health() == 503, 15)
    assert p.alive()
    stack.start_broker()
    wait_for("healthy again", lambda: p.health() == 200, 30)
    wait_for("gateway healthy again", lambda: prov.gateway.health() == 200, 30)
    pfx, state = prefix("PO"), prov.tmp / "state"
    state.mkdir()
    _, devices = sim(prov, pfx, 2, state, "--sessions", 2, "--interval", 1)
    assert all(d["rpcs"] == ["SetParameterValues"] for d in devices.values()), devices
    devs = [C.device_id(OUI, PC, sn) for sn in serials(pfx, 2)]
    assert stack.sql("SELECT count(*) FROM device_credentials WHERE device_id = ANY(%s)",
                     (devs,)) == [(2,)]


# ----------------------------------------------------------- bad input, drain

def test_bad_input_is_refused_and_counted(prov):
    stack = prov.stack
    p = start_provision(prov, {})
    dead_before = queue_depth(stack, "halyard.dead-letter")
    dev = C.device_id(OUI, PC, "BAD-1")
    good = {"type": "inform", "version": 1, "message_id": "m1", "session_id": "s-1",
            "device_id": dev, "device": {"oui": OUI, "product_class": PC,
                                         "serial_number": "BAD-1"},
            "events": [], "parameters": [], "device_queue": "halyard.dev." + dev,
            "worker_wait_ms": 500}
    bad = [b"not json {", json.dumps({"type": "inform", "version": 1}).encode(),
           json.dumps(dict(good, device_queue="halyard.dev.someone-else")).encode(),
           json.dumps(dict(good, version=2)).encode()]
    for body in bad:
        publish_raw(stack, "halyard.provision", body)
    wait_for("4 rejected", lambda: p.metric('halyard_prov_items_total{outcome="rejected"}') == 4,
             10)
    wait_for("dead-lettered", lambda: queue_depth(stack, "halyard.dead-letter") >=
             dead_before + 4, 10)
    # A stale work item (its session is long over) is acked unused.
    old = dict(good, received_at="2020-01-01T00:00:00Z")
    publish_raw(stack, "halyard.provision", json.dumps(old).encode())
    wait_for("stale", lambda: p.metric('halyard_prov_items_total{outcome="stale"}') == 1, 10)
    # Garbage and unknown ids on the reply queue.
    m = re.search(r"replies on (halyard\.prov\.\S+)", p.log_text())
    assert m, p.log_tail()
    reply_q = m.group(1)
    publish_raw(stack, reply_q, b"\x00garbage")
    publish_raw(stack, reply_q, json.dumps({
        "type": "rpc.result", "version": 1, "message_id": "r1", "id": "prov-c0x00-1",
        "device_id": dev, "session_id": "s-1", "method": "GetParameterValues",
        "status": "ok", "result": {"parameters": []}}).encode(),
        pika.BasicProperties(correlation_id="c0x0000000000000000"))
    wait_for("counted", lambda: p.metric('halyard_prov_results_total{status="invalid"}') == 1 and
             p.metric('halyard_prov_results_total{status="unknown"}') == 1, 10)
    assert p.alive() and p.health() == 200
    assert p.metric('halyard_prov_errors_total{kind="input"}') >= 5
    assert p.stop() == 0                                   # graceful drain, exit 0


def _run_bad_policy(tmp_path, policy_text, env=None):
    path = tmp_path / "bad.json"
    path.write_text(policy_text)
    bindir = os.environ.get("HALYARD_BIN_DIR") or os.path.join(ROOT, "build", "bin")
    e = dict(os.environ, ACS_PROVISION_POLICY=str(path), ACS_SECRET_KEY=TEST_SECRET_KEY,
             ACS_FILES_URL="http://127.0.0.1:1")
    e.update(env or {})
    p = subprocess.run([os.path.join(bindir, "acs-provision")], env=e, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=20)
    return p.returncode, p.stdout.decode("utf-8", "replace")


@pytest.mark.parametrize("policy,env,message", [
    ('{"bootstrap": {"pasword_length": 24}}', {},
     'policy.bootstrap: unknown key "pasword_length"'),
    ('{"bootstrap": {"password_length": 8}}', {},
     "policy.bootstrap.password_length: must be a whole number in [16, 64]"),
    ('{"refresh": {"wifi": {"names": ["WiFi..SSID"]}}}', {},
     "policy.refresh.wifi.names: item 0 is not a parameter name"),
    ('{"firmware": {"a": {"oui": "02C0DE", "product_class": "X", "version": "1", "file": "f"},'
     ' "b": {"oui": "02c0de", "product_class": "X", "version": "2", "file": "g"}}}', {},
     'policy.firmware.b: campaign "a" already targets 02C0DE/X'),
    ('{"firmware": {"a": {"oui": "02C0DE", "product_class": "X", "version": "1", "file": "f",'
     ' "rollout": {"percent": 150}}}}', {}, "policy.firmware.a.rollout.percent"),
    ('{"presets": {"p": {"tag": "t", "parameters": {"X": {"value": "a", "type": "int"}}}}}',
     {}, "value is not a whole number"),
    ('{"bootstrap": {}, "bootstrap": {}}', {}, "duplicate"),
    ('{"bootstrap": {}}', {"ACS_SECRET_KEY": ""}, "ACS_SECRET_KEY is required"),
    ('{"bootstrap": {}}', {"ACS_SECRET_KEY": "abc"}, "ACS_SECRET_KEY must be exactly 64 hex"),
    ('{"firmware": {"a": {"oui": "02C0DE", "product_class": "X", "version": "1", "file": "f"}}}',
     {"ACS_FILES_URL": ""}, "ACS_FILES_URL (http:// or https://) is required"),
])
def test_bad_policy_stops_the_service_with_a_clear_message(stack, tmp_path, policy, env,
                                                            message):
    require_binary(stack, "acs-provision")
    rc, out = _run_bad_policy(tmp_path, policy, env)
    assert rc == 2, out
    assert message in out, out


def test_examples_policies_are_valid(stack, tmp_path):
    """Every example policy in examples/policy/ starts the service (which
    then exits on SIGTERM without a broker to talk to)."""
    require_binary(stack, "acs-provision")
    folder = os.path.join(ROOT, "examples", "policy")
    names = sorted(n for n in os.listdir(folder) if n.endswith(".json"))
    assert names
    bindir = os.environ.get("HALYARD_BIN_DIR") or os.path.join(ROOT, "build", "bin")
    for name in names:
        e = dict(os.environ, ACS_PROVISION_POLICY=os.path.join(folder, name),
                 ACS_SECRET_KEY=TEST_SECRET_KEY, ACS_FILES_URL=stack.files_url,
                 ACS_AMQP_URL=stack.amqp_url, ACS_PG_DSN=stack.pg_dsn,
                 ACS_METRICS_ADDR="127.0.0.1:0")
        p = subprocess.Popen([os.path.join(bindir, "acs-provision")], env=e,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
        time.sleep(0.5)
        p.terminate()
        out = p.communicate(timeout=20)[0].decode("utf-8", "replace")
        assert p.returncode == 0, "%s:\n%s" % (name, out)
        assert "policy: " in out
