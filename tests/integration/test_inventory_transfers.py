"""acs-inventory records file transfers, their timeouts, the uploads they
leave in the file store, and the other requests CPEs make (cpe_requests),
against the real RabbitMQ and PostgreSQL.

The messages are published to halyard.events as the gateway publishes them
(each one checked against its schema in proto-json/), so every order of
arrival, redelivery and outage can be produced on purpose."""
import datetime
import hashlib
import json
import os
import time
import uuid

import pika
import pytest

import schema_check
from halyard_stack import wait_for

UTC = datetime.timezone.utc


def now(offset_s=0.0):
    t = datetime.datetime.now(UTC) + datetime.timedelta(seconds=offset_s)
    return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def device():
    return "DEC0DE-XferGW-XF%s" % uuid.uuid4().hex[:10].upper()


def mid():
    return str(uuid.uuid4())


def publish(stack, *msgs, validate=True):
    """Publish to halyard.events with the gateway's routing keys, confirmed."""
    conn = stack.amqp()
    try:
        ch = conn.channel()
        ch.confirm_delivery()
        for m in msgs:
            if validate:
                schema_check.validate(m, m["type"])
            ch.basic_publish("halyard.events", "%s.%s" % (m["type"], m["device_id"]),
                             json.dumps(m).encode(),
                             pika.BasicProperties(delivery_mode=2, message_id=m["message_id"],
                                                  content_type="application/json"))
    finally:
        conn.close()


def rpc_result(dev, method, status="ok", command_key="", transfer=None, result=None,
               rpc_id=None, completed_at=None, session_id=None, **extra):
    m = {"type": "rpc.result", "version": 1, "message_id": mid(),
         "id": rpc_id or "t-" + uuid.uuid4().hex[:12], "device_id": dev,
         "session_id": session_id or "s-" + uuid.uuid4().hex[:10], "method": method,
         "status": status, "completed_at": completed_at or now()}
    if status == "ok":
        m["result"] = result if result is not None else (
            {} if method == "ScheduleDownload" else
            {"status": 1, "start_time": "0001-01-01T00:00:00Z",
             "complete_time": "0001-01-01T00:00:00Z"})
        m["command_key"] = command_key
        m["transfer"] = transfer
    m.update(extra)
    return m


def firmware(url="http://files.example.net/files/fw-9.bin", size=4096):
    return {"is_download": True, "file_type": "1 Firmware Upgrade Image", "url": url,
            "file_size": size, "target_file_name": ""}


def upload(url, file_type="1 Vendor Configuration File"):
    return {"is_download": False, "file_type": file_type, "url": url, "file_size": 0,
            "target_file_name": ""}


def transfer_complete(dev, command_key, code=0, string="", received_at=None):
    return {"type": "transfer.complete", "version": 1, "message_id": mid(),
            "session_id": "s-" + uuid.uuid4().hex[:10], "device_id": dev,
            "command_key": command_key, "fault": {"code": code, "string": string},
            "start_time": "2026-11-22T01:00:00Z", "complete_time": "2026-11-22T01:00:09Z",
            "received_at": received_at or now()}


def transfers(stack, dev, cols="method, command_key, state, fault_code, rpc_id"):
    return stack.sql("SELECT %s FROM transfers WHERE device_id = %%s ORDER BY command_key, id" % cols, (dev,))


def dead_letters(stack, n, timeout=20):
    ch = stack.amqp().channel()
    out = []
    deadline = time.monotonic() + timeout
    while len(out) < n and time.monotonic() < deadline:
        m, p, b = ch.basic_get("halyard.dead-letter", auto_ack=True)
        if m is None:
            time.sleep(0.1)
            continue
        out.append(json.loads(b))
    ch.connection.close()
    return out


@pytest.fixture
def inv(stack):
    """One acs-inventory, sweeping every second."""
    return stack.start_inventory(env={"ACS_TRANSFER_SWEEP_S": 1})


def test_download_pending_then_completed_or_failed(stack, inv):
    dev = device()
    ok = rpc_result(dev, "Download", command_key="fw-1", transfer=firmware())
    # The gateway strips credentials from the URL; the inventory does too.
    bad = rpc_result(dev, "Download", command_key="fw-2",
                     transfer=firmware("http://u:pw@files.example.net/files/fw-10.bin"))
    publish(stack, ok)
    publish(stack, bad, validate=False)
    wait_for("two pending transfers", lambda: [r[2] for r in transfers(stack, dev)] ==
             ["pending", "pending"], 15, diagnostics=inv.log_tail)
    (row,) = stack.sql("SELECT is_download, file_type, url, file_size, requested_at, "
                       "deadline - requested_at, session_id FROM transfers "
                       "WHERE rpc_id = %s", (ok["id"],))
    assert row[:4] == (True, "1 Firmware Upgrade Image", "http://files.example.net/files/fw-9.bin",
                       4096)
    assert row[5] == datetime.timedelta(seconds=3600) and row[6] is None
    # The password of a URL never reaches the table.
    assert stack.sql("SELECT url FROM transfers WHERE rpc_id = %s", (bad["id"],)) == [
        ("http://files.example.net/files/fw-10.bin",)]

    done = transfer_complete(dev, "fw-1")
    failed = transfer_complete(dev, "fw-2", 9010, "Download failed: HTTP 404")
    publish(stack, done, failed)
    wait_for("both outcomes", lambda: transfers(stack, dev) == [
        ("Download", "fw-1", "completed", 0, ok["id"]),
        ("Download", "fw-2", "failed", 9010, bad["id"])], 15,
        diagnostics=lambda: "%s\n%s" % (transfers(stack, dev), inv.log_tail()))
    (row,) = stack.sql("SELECT session_id, start_time, complete_time, completed_at, deadline "
                       "FROM transfers WHERE rpc_id = %s", (ok["id"],))
    assert row[:3] == (done["session_id"], "2026-11-22T01:00:00Z", "2026-11-22T01:00:09Z")
    assert row[3] is not None and row[4] is None
    assert stack.sql("SELECT fault_string FROM transfers WHERE rpc_id = %s", (bad["id"],)) == [
        ("Download failed: HTTP 404",)]
    assert stack.sql("SELECT method, code FROM faults WHERE device_id = %s", (dev,)) == [
        ("TransferComplete", 9010)]


def test_refused_download_and_done_upload_need_no_completion(stack, inv):
    dev = device()
    fault = rpc_result(dev, "Download", "fault", fault={"faultcode": "Server", "code": 9013,
                                                        "string": "Unsupported protocol"})
    failed = rpc_result(dev, "Upload", "failed", reason="invalid-request",
                        detail="Upload: url is missing")
    done = rpc_result(dev, "Upload", command_key="up-now",
                      transfer=upload("ftp://logs.example/x.log", "2 Vendor Log File"),
                      result={"status": 0, "start_time": "2026-11-22T01:00:00Z",
                              "complete_time": "2026-11-22T01:00:01Z"})
    sched = rpc_result(dev, "ScheduleDownload", command_key="night", transfer=firmware())
    publish(stack, fault, failed, done, sched)
    want = {fault["id"]: ("failed", 9013, "Unsupported protocol", True),
            failed["id"]: ("failed", None, "invalid-request: Upload: url is missing", False),
            done["id"]: ("completed", None, None, False),
            sched["id"]: ("pending", None, None, True)}

    def rows():
        return {r[0]: r[1:] for r in stack.sql(
            "SELECT rpc_id, state, fault_code, fault_string, is_download FROM transfers "
            "WHERE device_id = %s", (dev,))}
    wait_for("four transfers", lambda: rows() == want, 15, diagnostics=inv.log_tail)
    assert stack.sql("SELECT complete_time FROM transfers WHERE rpc_id = %s", (done["id"],)) == [
        ("2026-11-22T01:00:01Z",)]


def test_timed_out_then_late_completion_recorded(stack):
    inv = stack.start_inventory(env={"ACS_TRANSFER_TIMEOUT_S": 2, "ACS_TRANSFER_SWEEP_S": 1})
    dev = device()
    up = rpc_result(dev, "Upload", command_key="slow",
                    transfer=upload("http://files.example.net/elsewhere/x.cfg"))
    publish(stack, up)
    wait_for("timed out", lambda: transfers(stack, dev, "state") == [("timed_out",)], 20,
             diagnostics=inv.log_tail)
    (f,) = stack.sql("SELECT method, rpc_id, code, string, detail->>'reason', session_id "
                     "FROM faults WHERE device_id = %s", (dev,))
    assert f == ("Upload", up["id"], 0, "transfer timed out", "transfer-timeout", None)
    assert inv.metric("halyard_inventory_transfers_timed_out_total") >= 1
    # The sweep does it once: another round changes nothing.
    time.sleep(1.5)
    assert stack.sql("SELECT count(*) FROM faults WHERE device_id = %s", (dev,)) == [(1,)]

    late = transfer_complete(dev, "slow")
    publish(stack, late)
    wait_for("late completion recorded", lambda: transfers(
        stack, dev, "state, fault_code, session_id, deadline") == [
            ("completed", 0, late["session_id"], None)], 15, diagnostics=inv.log_tail)


def test_completion_before_rpc_result_attaches(stack, inv):
    dev = device()
    # The CPE's TransferComplete is recorded first (its rpc.result is late,
    # e.g. it went through an inventory that was down).
    rpc = rpc_result(dev, "Download", command_key="early", transfer=firmware(),
                     completed_at=now(-5))
    done = transfer_complete(dev, "early", received_at=now(-1))
    publish(stack, done)
    wait_for("unmatched completion", lambda: transfers(stack, dev) == [
        ("Unknown", "early", "completed", 0, None)], 15, diagnostics=inv.log_tail)
    assert transfers(stack, dev, "is_download, url") == [(None, None)]
    publish(stack, rpc)
    wait_for("the request attached to it", lambda: transfers(stack, dev) == [
        ("Download", "early", "completed", 0, rpc["id"])], 15, diagnostics=inv.log_tail)
    assert transfers(stack, dev, "is_download, url, file_size, session_id, deadline") == [
        (True, "http://files.example.net/files/fw-9.bin", 4096, done["session_id"], None)]
    # A completion of long ago with the same key is not taken for this one.
    old = transfer_complete(dev, "again", received_at=now(-600))
    publish(stack, old)
    wait_for("old completion", lambda: len(transfers(stack, dev)) == 2, 15)
    new = rpc_result(dev, "Download", command_key="again", transfer=firmware())
    publish(stack, new)
    wait_for("new request pending", lambda: ("Download", "again", "pending", None, new["id"])
             in transfers(stack, dev), 15)


def test_two_completions_of_one_key_in_one_batch(stack):
    # A long flush window puts everything below in one transaction.
    inv = stack.start_inventory(env={"ACS_INVENTORY_FLUSH_MS": 1500})
    dev = device()
    a = rpc_result(dev, "Download", transfer=firmware(), completed_at=now(-20))
    b = rpc_result(dev, "Download", transfer=firmware(), completed_at=now(-10))
    publish(stack, a, b, transfer_complete(dev, ""), transfer_complete(dev, "", 9017, "short"))
    wait_for("both transfers completed", lambda: sorted(
        r[2] for r in transfers(stack, dev)) == ["completed", "failed"], 15,
        diagnostics=inv.log_tail)
    assert len(transfers(stack, dev)) == 2
    assert inv.metric("halyard_inventory_last_batch_size") == 4


def test_autonomous_transfers_and_cpe_requests(stack, inv):
    dev = device()
    sid = "s-" + uuid.uuid4().hex[:10]
    env = {"version": 1, "session_id": sid, "device_id": dev, "received_at": now(),
           "gateway": "gw-9"}
    auto_ok = dict(env, type="autonomous.transfer.complete", message_id=mid(), announce_url="",
                   transfer_url="http://u:secret@dl.vendor.example/fw.bin", is_download=True,
                   file_type="1 Firmware Upgrade Image", file_size=77, target_file_name="",
                   fault={"code": 0, "string": ""}, start_time="2026-11-22T01:00:00Z",
                   complete_time="2026-11-22T01:00:02Z")
    auto_bad = dict(auto_ok, message_id=mid(), transfer_url="ftp://logs.example/x.log",
                    is_download=False, file_type="2 Vendor Log File", file_size=0,
                    fault={"code": 9011, "string": "Upload failure"})
    result = {"uuid": "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
              "deployment_unit_ref": "Device.SoftwareModules.DeploymentUnit.1.",
              "version": "1.2.0", "current_state": "Installed", "resolved": True,
              "execution_unit_refs": "Device.SoftwareModules.ExecutionUnit.1.",
              "start_time": "2026-11-22T01:00:00Z", "complete_time": "2026-11-22T01:00:03Z",
              "fault": {"code": 0, "string": ""}}
    du = dict(env, type="du.state.change.complete", message_id=mid(), command_key="du-1",
              results=[result])
    adu = dict(env, type="autonomous.du.state.change.complete", message_id=mid(),
               results=[dict(result, operation_performed="Install")])
    rd = dict(env, type="request.download", message_id=mid(), file_type="3 Vendor Configuration File",
              file_type_args=[{"name": "Version", "value": "v2"}])
    kicked = dict(env, type="kicked", message_id=mid(), command="activate",
                  referer="http://192.168.1.1/", arg="plan=gold", next="http://192.168.1.1/done")
    msgs = [auto_ok, auto_bad, du, adu, rd, kicked]
    publish(stack, *msgs)
    wait_for("six CPE requests", lambda: stack.sql(
        "SELECT count(*) FROM cpe_requests WHERE device_id = %s", (dev,)) == [(6,)], 15,
        diagnostics=inv.log_tail)
    rows = {r[0]: r[1:] for r in stack.sql(
        "SELECT message_id, method, session_id, body, received_at FROM cpe_requests "
        "WHERE device_id = %s", (dev,))}
    methods = ["AutonomousTransferComplete", "AutonomousTransferComplete",
               "DUStateChangeComplete", "AutonomousDUStateChangeComplete", "RequestDownload",
               "Kicked"]
    for m, method in zip(msgs, methods):
        got_method, got_sid, body, received = rows[m["message_id"]]
        assert (got_method, got_sid) == (method, sid)
        want = {k: v for k, v in m.items() if k not in (
            "type", "version", "message_id", "device_id", "session_id", "received_at", "gateway")}
        if "transfer_url" in want:
            want["transfer_url"] = want["transfer_url"].replace("u:secret@", "")
        assert body == want
        assert received == datetime.datetime.fromisoformat(
            env["received_at"].replace("Z", "+00:00"))
    assert sorted(transfers(stack, dev, "method, command_key, state, fault_code, is_download, "
                            "url, file_size, rpc_id")) == [
        ("Autonomous", "", "completed", 0, True, "http://dl.vendor.example/fw.bin", 77, None),
        ("Autonomous", "", "failed", 9011, False, "ftp://logs.example/x.log", 0, None)]
    assert stack.sql("SELECT method, code FROM faults WHERE device_id = %s", (dev,)) == [
        ("AutonomousTransferComplete", 9011)]
    assert inv.metric('halyard_inventory_messages_total{type="kicked"}') >= 1
    assert inv.metric('halyard_inventory_messages_total{type="autonomous.transfer.complete"}') >= 2


def _store_file(stack, dev, name, data):
    folder = os.path.join(stack.file_store, "upload", dev)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)
    return len(data), hashlib.sha256(data).hexdigest()


def test_uploads_recorded_in_files(stack, inv):
    dev = device()
    # What nginx's PUT leaves in the store.
    cfg_size, cfg_sha = _store_file(stack, dev, "backup.cfg", os.urandom(3000) + b"cfg")
    log_size, log_sha = _store_file(stack, dev, "syslog.txt", b"line\n" * 100)
    cfg = rpc_result(dev, "Upload", command_key="up-cfg",
                     transfer=upload(stack.upload_url(dev, "backup.cfg")))
    log = rpc_result(dev, "Upload", command_key="up-log",
                     transfer=upload(stack.upload_url(dev, "syslog.txt"), "4 Vendor Log File 1"),
                     result={"status": 0, "start_time": "2026-11-22T01:00:00Z",
                             "complete_time": "2026-11-22T01:00:01Z"})
    gone = rpc_result(dev, "Upload", command_key="up-gone",
                      transfer=upload(stack.upload_url(dev, "never-written.bin"),
                                      "X DEC0DE Dump"))
    sneaky = rpc_result(dev, "Upload", command_key="up-sneaky",
                        transfer=upload(stack.files_url + "/upload/%s/..%%2f..%%2fx" % dev))
    elsewhere = rpc_result(dev, "Upload", command_key="up-else",
                           transfer=upload("http://other.example/upload/%s/a.cfg" % dev))
    refused_before = inv.metric('halyard_inventory_uploads_total{result="refused"}')
    publish(stack, cfg, log, gone, sneaky, elsewhere)
    # The log upload was done within the RPC (status 0): recorded at once.
    wait_for("log upload recorded", lambda: stack.sql(
        "SELECT kind, file_type, size, sha256, device_id, source FROM files WHERE name = %s",
        ("upload/%s/syslog.txt" % dev,)) == [
            ("log", "4 Vendor Log File 1", log_size, log_sha, dev, "upload")], 15,
        diagnostics=inv.log_tail)
    # The others are pending: nothing recorded until they complete.
    assert stack.sql("SELECT count(*) FROM files WHERE device_id = %s", (dev,)) == [(1,)]
    publish(stack, *[transfer_complete(dev, k) for k in
                     ("up-cfg", "up-gone", "up-sneaky", "up-else")])
    wait_for("config upload recorded", lambda: stack.sql(
        "SELECT kind, file_type, size, sha256, device_id FROM files WHERE name = %s",
        ("upload/%s/backup.cfg" % dev,)) == [
            ("config", "1 Vendor Configuration File", cfg_size, cfg_sha, dev)], 15,
        diagnostics=inv.log_tail)
    wait_for("all five completed", lambda: [r[0] for r in transfers(stack, dev, "state")] ==
             ["completed"] * 5, 15)
    # A file not in the store is recorded without size or digest; a path
    # that climbs out of the folder or a foreign server is not recorded.
    assert stack.sql("SELECT name, kind, size, sha256 FROM files WHERE device_id = %s "
                     "ORDER BY name", (dev,)) == [
        ("upload/%s/backup.cfg" % dev, "config", cfg_size, cfg_sha),
        ("upload/%s/never-written.bin" % dev, "other", None, None),
        ("upload/%s/syslog.txt" % dev, "log", log_size, log_sha)]
    assert inv.metric('halyard_inventory_uploads_total{result="refused"}') == refused_before + 1
    assert inv.metric('halyard_inventory_uploads_total{result="no-digest"}') >= 1


def test_redelivered_messages_change_nothing(stack, inv):
    dev = device()
    up_data = b"config v1\n" * 50
    size, sha = _store_file(stack, dev, "c.cfg", up_data)
    req = rpc_result(dev, "Upload", command_key="k", transfer=upload(stack.upload_url(dev, "c.cfg")))
    done = transfer_complete(dev, "k")
    failed = rpc_result(dev, "Download", "fault", fault={"faultcode": "Server", "code": 9010,
                                                         "string": "no"})
    kicked = {"type": "kicked", "version": 1, "message_id": mid(), "session_id": "s-kick",
              "device_id": dev, "command": "c", "referer": "r", "arg": "a", "next": "n",
              "received_at": now()}
    publish(stack, req, done, failed, kicked)

    def snapshot():
        return (transfers(stack, dev, "id, method, state, fault_code, rpc_id, session_id, "
                          "complete_message_id, completed_at"),
                stack.sql("SELECT name, size, sha256, created_at FROM files WHERE device_id = %s",
                          (dev,)),
                stack.sql("SELECT message_id, code FROM faults WHERE device_id = %s "
                          "ORDER BY id", (dev,)),
                stack.sql("SELECT message_id, body FROM cpe_requests WHERE device_id = %s",
                          (dev,)),
                stack.sql("SELECT code, command_key FROM events WHERE device_id = %s", (dev,)))
    wait_for("everything recorded", lambda: len(snapshot()[1]) == 1 and len(snapshot()[0]) == 2,
             15, diagnostics=inv.log_tail)
    before = snapshot()
    assert sorted(r[2] for r in before[0]) == ["completed", "failed"]
    assert before[1][0][1:3] == (size, sha)
    # The same messages again, in another order (a broker redelivery or a
    # gateway that published twice), then a marker to know they were read.
    marker = transfer_complete(device(), "marker")
    publish(stack, done, kicked, failed, req, marker)
    wait_for("marker recorded", lambda: transfers(stack, marker["device_id"], "state") == [
        ("completed",)], 15)
    assert snapshot() == before


def test_database_outage_loses_no_transfer(stack, inv):
    devs = [device() for _ in range(10)]
    stack.stop_db()
    try:
        msgs = []
        for i, dev in enumerate(devs):
            msgs.append(rpc_result(dev, "Download", command_key="o-%d" % i, transfer=firmware()))
            msgs.append(transfer_complete(dev, "o-%d" % i, 0 if i % 2 else 9010, "x"))
            msgs.append({"type": "request.download", "version": 1, "message_id": mid(),
                         "session_id": "s-o", "device_id": dev, "received_at": now(),
                         "file_type": "1 Firmware Upgrade Image", "file_type_args": []})
        publish(stack, *msgs)
        wait_for("inventory sees the database down",
                 lambda: inv.metric("halyard_inventory_db_up", 1) == 0, 20)
        time.sleep(1)
    finally:
        stack.start_db()

    def states():
        return stack.sql("SELECT device_id, method, state, rpc_id IS NOT NULL FROM transfers "
                         "WHERE device_id = ANY(%s) ORDER BY device_id", (devs,))
    want = sorted((d, "Download", "failed" if i % 2 == 0 else "completed", True)
                  for i, d in enumerate(devs))
    wait_for("every transfer recorded after the outage", lambda: states() == want, 60,
             diagnostics=lambda: "%s\n%s" % (states(), inv.log_tail(30)))
    assert stack.sql("SELECT count(*) FROM cpe_requests WHERE device_id = ANY(%s)",
                     (devs,)) == [(10,)]
    assert stack.sql("SELECT count(*) FROM faults WHERE device_id = ANY(%s)", (devs,)) == [(5,)]
    assert inv.alive()


def test_bad_new_messages_dead_lettered_with_a_reason(stack, inv):
    ch = stack.amqp().channel()
    ch.queue_purge("halyard.dead-letter")
    ch.connection.close()
    dev = device()
    base = {"version": 1, "session_id": "s-bad", "device_id": dev, "received_at": now()}
    bad = [
        dict(base, type="kicked", message_id=mid(), command=7),
        dict(base, type="autonomous.transfer.complete", message_id=mid(), transfer_url="x",
             is_download="yes", file_type="t"),
        dict(base, type="du.state.change.complete", message_id=mid(), results="none"),
        dict(base, type="request.download", message_id=mid()),
        rpc_result(dev, "Download", command_key="k", transfer={"is_download": "true"}),
    ]
    good = dict(base, type="kicked", message_id=mid(), command="c", referer="", arg="", next="")
    before = inv.metric('halyard_inventory_rejected_total{reason="bad-field"}')
    publish(stack, *bad, validate=False)
    publish(stack, good)
    wait_for("the good one stored", lambda: stack.sql(
        "SELECT count(*) FROM cpe_requests WHERE device_id = %s", (dev,)) == [(1,)], 15)
    dead = dead_letters(stack, 5)
    assert sorted(d["message_id"] for d in dead) == sorted(m["message_id"] for m in bad)
    assert inv.metric('halyard_inventory_rejected_total{reason="bad-field"}') == before + 4
    assert inv.metric('halyard_inventory_rejected_total{reason="missing-field"}') >= 1
    assert "is not a string" in inv.log_text()
    # Nothing of a rejected rpc.result was written.
    assert stack.sql("SELECT count(*) FROM rpc_results WHERE device_id = %s", (dev,)) == [(0,)]
    assert inv.alive() and inv.health() == 200


def test_two_inventories_record_each_transfer_once(stack):
    """Two copies share the queue: the request and the completion of one
    transfer often go to different copies, in either order, and both
    copies sweep. Each transfer still ends up as one row, and each timeout
    as one fault."""
    import random
    env = {"ACS_TRANSFER_TIMEOUT_S": 3, "ACS_TRANSFER_SWEEP_S": 1, "ACS_INVENTORY_FLUSH_MS": 5,
           "ACS_INVENTORY_PREFETCH": 4, "ACS_INVENTORY_BATCH": 3}
    invs = [stack.start_inventory(env=env, name="inventory-a"),
            stack.start_inventory(env=env, name="inventory-b")]
    devs = [device() for _ in range(30)]
    msgs = []
    for dev in devs:
        msgs.append(rpc_result(dev, "Download", command_key="c", transfer=firmware(),
                               completed_at=now(-2)))
        msgs.append(transfer_complete(dev, "c"))
    lonely = [device() for _ in range(5)]
    msgs += [rpc_result(dev, "Upload", command_key="never",
                        transfer=upload("http://files.example.net/x")) for dev in lonely]
    random.Random(7).shuffle(msgs)
    publish(stack, *msgs)

    def rows():
        return stack.sql("SELECT method, state, rpc_id IS NOT NULL FROM transfers "
                         "WHERE device_id = ANY(%s)", (devs,))
    wait_for("30 transfers completed", lambda: sorted(rows()) == [
        ("Download", "completed", True)] * 30, 30,
        diagnostics=lambda: "%s\n%s" % (rows(), invs[0].log_tail(20)))
    wait_for("5 timeouts", lambda: stack.sql(
        "SELECT count(*) FROM transfers WHERE device_id = ANY(%s) AND state = 'timed_out'",
        (lonely,)) == [(5,)], 30)
    time.sleep(2.5)  # both copies sweep again
    assert stack.sql("SELECT count(*), count(DISTINCT device_id) FROM faults "
                     "WHERE device_id = ANY(%s)", (lonely,)) == [(5, 5)]
    assert sum(i.metric("halyard_inventory_transfers_timed_out_total") for i in invs) == 5
    # Both copies did part of the work.
    assert all(i.metric("halyard_inventory_batches_total") > 0 for i in invs)
