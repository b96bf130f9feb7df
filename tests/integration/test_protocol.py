"""The CWMP methods through nginx and the gateway (docs/rpc-methods.md).

ACS methods: what the CPE gets back (the response, its cwmp:ID, an ACS
fault) and what the gateway publishes (validated against proto-json/).
CPE methods: a few RPCs answered by a raw client, what their rpc.result
echoes of the request, and requests the gateway refuses before anything
reaches the CPE. Quirks have their own file (test_quirks.py).
"""
import json
import time
import uuid

import pika
import pytest

import cwmp_client as C
from halyard_stack import wait_for
from schema_check import validate
from taps import DEVICE_QUEUE_ARGS, EventTap, Operator

OUI = "DEC0DE"
PC = "PROTO"
USER, PASSWORD = "proto", "protopw"

ACS_METHODS = ["Inform", "GetRPCMethods", "TransferComplete", "AutonomousTransferComplete",
               "DUStateChangeComplete", "AutonomousDUStateChangeComplete", "RequestDownload",
               "Kicked"]


def serial(tag):
    return "%s-%s" % (tag, uuid.uuid4().hex[:8])


@pytest.fixture
def gw(services):
    services.stack.add_bootstrap_credential(OUI, "*", USER, PASSWORD)
    return services


def open_session(stack, sn, **kw):
    s = C.Session(stack.cwmp_url, USER, PASSWORD)
    r = s.post(C.inform_xml(OUI, PC, sn, **kw))
    assert r.status == 200 and r.rpc()[0] == "InformResponse", (r.status, r.body)
    return s


def du_result(state="Installed", code=0, op=None):
    return ("<Results>%s<UUID>6f1c2a9e-1111-4222-8333-944455556666</UUID>"
            "<DeploymentUnitRef>Device.SoftwareModules.DeploymentUnit.3.</DeploymentUnitRef>"
            "<Version>1.2</Version><CurrentState>%s</CurrentState><Resolved>1</Resolved>"
            "<ExecutionUnitRefList>Device.SoftwareModules.ExecutionUnit.3.</ExecutionUnitRefList>"
            "<StartTime>2026-11-22T00:00:00Z</StartTime>"
            "<CompleteTime>2026-11-22T00:00:09Z</CompleteTime>"
            "<Fault><FaultCode>%d</FaultCode><FaultString></FaultString></Fault></Results>"
            % ("<OperationPerformed>%s</OperationPerformed>" % op if op else "", state, code))


# method, arguments, event type, schema, what the event must say
ACS_REQUESTS = [
    ("TransferComplete",
     "<CommandKey>fw-7</CommandKey>" + C.fault_struct(9010, "Download failed: HTTP 404") +
     "<StartTime>0001-01-01T00:00:00Z</StartTime><CompleteTime>0001-01-01T00:00:00Z</CompleteTime>",
     "transfer.complete", "transfer-complete",
     {"command_key": "fw-7", "fault": {"code": 9010, "string": "Download failed: HTTP 404"},
      "start_time": "0001-01-01T00:00:00Z"}),
    ("AutonomousTransferComplete",
     "<AnnounceURL></AnnounceURL><TransferURL>http://files.example/fw.bin</TransferURL>"
     "<IsDownload>true</IsDownload><FileType>1 Firmware Upgrade Image</FileType>"
     "<FileSize>1024</FileSize><TargetFileName>fw.bin</TargetFileName>" + C.fault_struct() +
     "<StartTime>2026-11-22T00:00:00Z</StartTime><CompleteTime>2026-11-22T00:02:00Z</CompleteTime>",
     "autonomous.transfer.complete", "autonomous-transfer-complete",
     {"transfer_url": "http://files.example/fw.bin", "is_download": True, "file_size": 1024,
      "file_type": "1 Firmware Upgrade Image", "fault": {"code": 0, "string": ""}}),
    ("DUStateChangeComplete",
     "<CommandKey>du-1</CommandKey>" + du_result() + du_result("Failed", 9018),
     "du.state.change.complete", "du-state-change-complete",
     {"command_key": "du-1"}),
    ("AutonomousDUStateChangeComplete", du_result("Uninstalled", op="Uninstall"),
     "autonomous.du.state.change.complete", "autonomous-du-state-change-complete", {}),
    ("RequestDownload",
     '<FileType>1 Firmware Upgrade Image</FileType><FileTypeArg soap-enc:arrayType='
     '"cwmp:ArgStruct[1]"><ArgStruct><Name>Version</Name><Value>5.2</Value></ArgStruct>'
     "</FileTypeArg>",
     "request.download", "request-download",
     {"file_type": "1 Firmware Upgrade Image",
      "file_type_args": [{"name": "Version", "value": "5.2"}]}),
    ("Kicked",
     "<Command>reset</Command><Referer>http://192.0.2.1/</Referer><Arg>a=1</Arg>"
     "<Next>http://portal.example/next?x=1&amp;y=2</Next>",
     "kicked", "kicked",
     {"command": "reset", "referer": "http://192.0.2.1/", "arg": "a=1",
      "next": "http://portal.example/next?x=1&y=2"}),
]


# --------------------------------------------------------------- ACS methods

def test_every_acs_method_answered_after_its_event(gw):
    stack = gw.stack
    sn = serial("A")
    dev = C.device_id(OUI, PC, sn)
    tap = EventTap(stack)
    try:
        s = open_session(stack, sn, events=("7 TRANSFER COMPLETE", "M Download",
                                            "10 AUTONOMOUS TRANSFER COMPLETE"))
        for i, (method, args, _, _, _) in enumerate(ACS_REQUESTS):
            r = s.post(C.request(method, args, "req-%d" % i))
            assert r.status == 200, (method, r.body)
            got, cid, el = r.rpc()
            assert (got, cid) == (method + "Response", "req-%d" % i)
            if method == "Kicked":
                assert C.child_text(el, "NextURL") == "http://portal.example/next?x=1&y=2"
        r = s.post(C.request("GetRPCMethods", "", "rpc-1"))
        got, cid, el = r.rpc()
        assert (got, cid) == ("GetRPCMethodsResponse", "rpc-1")
        assert [e.text for e in el.iter() if e.tag == "string"] == ACS_METHODS
        _, final = s.run()
        assert final.status == 204
        events = tap.for_device(dev)
        inform_sid = events[0]["session_id"]
        by_type = {e["type"]: e for e in events}
        for method, _, etype, schema, fields in ACS_REQUESTS:
            assert [e["type"] for e in events].count(etype) == 1, etype
            ev = by_type[etype]
            validate(ev, schema)
            assert ev["session_id"] == inform_sid and ev["gateway"] == "gw1"
            for k, v in fields.items():
                assert ev[k] == v, (etype, k)
        rk = dict((e["type"], k) for k, e in tap.events if e.get("device_id") == dev)
        assert rk["kicked"] == "kicked." + dev
        du = by_type["du.state.change.complete"]["results"]
        assert [x["current_state"] for x in du] == ["Installed", "Failed"]
        assert du[1]["fault"]["code"] == 9018 and du[0]["resolved"] is True
        adu = by_type["autonomous.du.state.change.complete"]["results"]
        assert adu[0]["operation_performed"] == "Uninstall"
        m = gw.gateway.metrics()
        for method, *_ in ACS_REQUESTS:
            assert m['halyard_gw_cpe_requests_total{method="%s"}' % method] == 1
    finally:
        tap.close()


def test_malformed_request_gets_8003_and_nothing_published(gw):
    stack = gw.stack
    sn = serial("M")
    dev = C.device_id(OUI, PC, sn)
    tap = EventTap(stack)
    try:
        s = open_session(stack, sn)
        bad = [
            # No CommandKey.
            C.request("TransferComplete", C.fault_struct() +
                      "<StartTime>2026-11-22T00:00:00Z</StartTime>"
                      "<CompleteTime>2026-11-22T00:00:00Z</CompleteTime>", "bad-1"),
            # FaultCode that is not a number.
            C.request("TransferComplete", "<CommandKey>k</CommandKey><FaultStruct><FaultCode>oops"
                      "</FaultCode><FaultString></FaultString></FaultStruct><StartTime>"
                      "</StartTime><CompleteTime></CompleteTime>", "bad-2"),
            # Kicked without Next.
            C.request("Kicked", "<Command>c</Command><Referer>r</Referer><Arg>a</Arg>", "bad-3"),
        ]
        for i, body in enumerate(bad):
            r = s.post(body)
            assert r.status == 200
            assert r.rpc()[1] == "bad-%d" % (i + 1)
            assert C.fault_of(r) == (8003, "Client")
        # The session goes on: a good one is answered and published.
        r = s.post(C.transfer_complete("good-1", "fw-ok"))
        assert r.rpc()[:2] == ("TransferCompleteResponse", "good-1")
        _, final = s.run()
        assert final.status == 204
        kinds = [e["type"] for e in tap.for_device(dev)]
        assert kinds == ["inform", "transfer.complete", "session.closed"]
        assert gw.gateway.metric('halyard_gw_cpe_request_faults_total{code="8003"}') == 3
    finally:
        tap.close()


def test_unknown_method_gets_8000(gw):
    stack = gw.stack
    sn = serial("U")
    s = open_session(stack, sn)
    # A vendor request, and a CPE method sent the wrong way round.
    for cid, method in [("u-1", "X_ACME_Frobnicate"), ("u-2", "GetParameterValues")]:
        r = s.post(C.request(method, "", cid))
        assert r.status == 200 and r.rpc()[1] == cid
        assert C.fault_of(r) == (8000, "Server")
    _, final = s.run()
    assert final.status == 204
    m = gw.gateway.metrics()
    assert m['halyard_gw_cpe_requests_total{method="other"}'] == 2
    assert m['halyard_gw_cpe_request_faults_total{code="8000"}'] == 2


def test_too_many_requests_in_one_session_get_8004(services):
    stack = services.stack
    stack.add_bootstrap_credential(OUI, "*", USER, PASSWORD)
    g = stack.start_gateway("gw-bound", env={"ACS_MAX_CPE_REQUESTS_PER_SESSION": "3"})
    stack.use_gateways([g])
    try:
        s = open_session(stack, serial("B"))
        for i in range(3):
            r = s.post(C.request("GetRPCMethods", "", "g-%d" % i))
            assert r.rpc()[0] == "GetRPCMethodsResponse"
        r = s.post(C.transfer_complete("g-3", "k"))
        assert r.status == 200 and r.rpc()[1] == "g-3"
        assert C.fault_of(r) == (8004, "Server")
        _, final = s.run()                          # the session still ends cleanly
        assert final.status == 204
        assert g.metric('halyard_gw_cpe_request_faults_total{code="8004"}') == 1
        # The bound is per session: the next one starts afresh.
        s = open_session(stack, serial("B"))
        r = s.post(C.request("GetRPCMethods", "", "n-1"))
        assert r.rpc()[0] == "GetRPCMethodsResponse"
    finally:
        stack.use_gateways([services.gateway])


def durable_watch(stack, dev, name):
    """A durable queue bound to this device's transfer.complete events: it
    survives a broker restart, so it shows every event ever published."""
    conn = stack.amqp()
    ch = conn.channel()
    ch.queue_declare(name, durable=True)
    ch.queue_bind(name, "halyard.events", routing_key="transfer.complete." + dev)
    conn.close()


def drain_queue(stack, name):
    conn = stack.amqp()
    try:
        ch = conn.channel()
        out = []
        while True:
            m, _, body = ch.basic_get(name, auto_ack=True)
            if m is None:
                ch.queue_delete(name)
                return out
            out.append(json.loads(body))
    finally:
        conn.close()


def test_broker_refusing_the_event_gets_8005_then_the_retry_lands(gw):
    stack = gw.stack
    sn = serial("N")
    dev = C.device_id(OUI, PC, sn)
    watch = "test.watch." + sn
    durable_watch(stack, dev, watch)
    conn = stack.amqp()
    ch = conn.channel()
    blocker = "test.blocker." + sn
    try:
        # A queue that refuses everything, bound to this device's event:
        # the broker nacks the publish.
        ch.queue_declare(blocker, arguments={"x-max-length": 0, "x-overflow": "reject-publish"})
        ch.queue_bind(blocker, "halyard.events", routing_key="transfer.complete." + dev)
        s = open_session(stack, sn)
        r = s.post(C.transfer_complete("tc-1", "fw-nack"))
        assert r.status == 200 and r.rpc()[1] == "tc-1"
        assert C.fault_of(r) == (8005, "Server")
        ch.queue_delete(blocker)
        r = s.post(C.transfer_complete("tc-2", "fw-nack"))   # the CPE sends it again
        assert r.rpc()[:2] == ("TransferCompleteResponse", "tc-2")
        _, final = s.run()
        assert final.status == 204
    finally:
        conn.close()
    # A nacked publish may still have reached other queues (the watch, the
    # inventory's): the retry carries the same message_id, so consumers,
    # which drop duplicates by it, record one completion.
    got = drain_queue(stack, watch)
    assert 1 <= len(got) <= 2
    assert {e["command_key"] for e in got} == {"fw-nack"}
    assert len({e["message_id"] for e in got}) == 1
    assert gw.gateway.metric('halyard_gw_cpe_request_faults_total{code="8005"}') == 1


def test_broker_down_gets_8005_and_nothing_is_lost(services):
    stack = services.stack
    stack.add_bootstrap_credential(OUI, "*", USER, PASSWORD)
    # Long enough for the session to outlive a broker restart.
    g = stack.start_gateway("gw-8005", env={"ACS_SESSION_TIMEOUT_S": "180"})
    stack.use_gateways([g])
    sn = serial("D")
    dev = C.device_id(OUI, PC, sn)
    watch = "test.watch." + sn
    durable_watch(stack, dev, watch)
    try:
        s = open_session(stack, sn)
        stack.stop_broker()
        r = s.post(C.transfer_complete("tc-1", "fw-down"))
        assert r.status == 200 and r.rpc()[1] == "tc-1"
        assert C.fault_of(r) == (8005, "Server")
        stack.start_broker()
        wait_for("gateway back on the broker", lambda: g.health() == 200, 60)
        # The CPE resends (icwmp: up to 4 times) until it is answered.
        for attempt in range(10):
            r = s.post(C.transfer_complete("tc-r%d" % attempt, "fw-down"))
            if C.fault_of(r) is None:
                break
            assert C.fault_of(r) == (8005, "Server")
            time.sleep(1)
        assert r.rpc()[0] == "TransferCompleteResponse"
        _, final = s.run()
        assert final.status == 204
        got = drain_queue(stack, watch)
        assert [e["command_key"] for e in got] == ["fw-down"]
        validate(got[0], "transfer-complete")
    finally:
        stack.use_gateways([services.gateway])


# --------------------------------------------------------------- CPE methods

def test_rpc_round_trips_echo_the_request(gw):
    stack = gw.stack
    sn = serial("R")
    dev = C.device_id(OUI, PC, sn)
    op, tap = Operator(stack), EventTap(stack, "rpc.result.#")
    secret = "s3cr3t-" + uuid.uuid4().hex[:6]
    try:
        add = op.queue_rpc(dev, "AddObject", {"object": "Device.NAT.PortMapping.",
                                              "parameter_key": "pk-1"})
        dl = op.queue_rpc(dev, "Download", {
            "command_key": "fw-2026", "file_type": "1 Firmware Upgrade Image",
            "url": "http://acs:%s@files.example/fw-5.2.bin" % secret, "username": "acs",
            "password": secret, "file_size": 4096, "target_file_name": "fw.bin"})
        up = op.queue_rpc(dev, "Upload", {"command_key": "log-1", "file_type": "2 Vendor Log File",
                                          "url": "http://files.example/upload/x/log.txt"})
        rb = op.queue_rpc(dev, "Reboot", {"command_key": "rb-9"})
        s = open_session(stack, sn)
        sent = {}

        def answer(method, cid, el):
            sent[method] = el
            if method == "AddObject":
                return C.response(method, cid, "<InstanceNumber>7</InstanceNumber>"
                                               "<Status>0</Status>")
            if method in ("Download", "Upload"):
                return C.response(method, cid, "<Status>1</Status><StartTime>0001-01-01T00:00:00Z"
                                               "</StartTime><CompleteTime>0001-01-01T00:00:00Z"
                                               "</CompleteTime>")
            return C.response(method, cid)
        seen, final = s.run(answer)
        assert [m for m, _ in seen] == ["AddObject", "Download", "Upload", "Reboot"]
        assert final.status == 204
        # The CPE got the credentials, in the URL as given and as arguments.
        assert C.child_text(sent["Download"], "Password") == secret
        assert C.child_text(sent["AddObject"], "ObjectName") == "Device.NAT.PortMapping."
        res = {x["id"]: x for x in op.results(4)}
        for x in res.values():
            assert x["status"] == "ok", x
            validate(x, "rpc-result")
        assert res[add]["result"] == {"instance_number": 7, "status": 0}
        assert "command_key" not in res[add]                  # AddObject takes none
        assert res[dl]["command_key"] == "fw-2026"
        assert res[dl]["transfer"] == {
            "is_download": True, "file_type": "1 Firmware Upgrade Image",
            "url": "http://files.example/fw-5.2.bin", "file_size": 4096,
            "target_file_name": "fw.bin"}
        assert res[dl]["result"]["status"] == 1
        assert res[up]["transfer"]["is_download"] is False
        assert res[up]["transfer"]["url"] == "http://files.example/upload/x/log.txt"
        assert res[rb]["command_key"] == "rb-9" and "transfer" not in res[rb]
        # The password is nowhere but in the envelope to the CPE.
        events = tap.for_device(dev)
        assert len(events) == 4
        assert secret not in json.dumps(events) and secret not in json.dumps(list(res.values()))
        assert secret not in gw.gateway.log_text()
    finally:
        op.close()
        tap.close()


def test_unparseable_answer_fails_the_rpc_once(gw):
    # Before: a response the codec refuses (here AddObjectResponse without
    # InstanceNumber) was a bare 400; the RPC stayed held, went back to its
    # queue at the session timeout and failed the same way in every session.
    stack = gw.stack
    sn = serial("G")
    dev = C.device_id(OUI, PC, sn)
    op = Operator(stack)
    try:
        rpc = op.queue_rpc(dev, "AddObject", {"object": "Device.NAT.PortMapping."})
        s = open_session(stack, sn)
        r = s.post("")
        method, cid, _ = r.rpc()
        assert method == "AddObject"
        r = s.post(C.response(method, cid, "<Status>0</Status>"))
        assert r.status == 400 and b"InstanceNumber" in r.body
        (res,) = op.results(1)
        assert res["id"] == rpc
        assert (res["status"], res["reason"]) == ("failed", "invalid-response")
        assert "InstanceNumber" in res["detail"]
        validate(res, "rpc-result")
        assert op.queue_depth(dev) == 0                      # settled: it does not come back
        time.sleep(1)
        assert gw.gateway.metric("halyard_gw_holds_requeued_total") == 0
    finally:
        op.close()


def rpc_message(dev, method, params, rpc_id=None):
    return {"type": "rpc", "version": 1, "message_id": uuid.uuid4().hex,
            "id": rpc_id or "t-" + uuid.uuid4().hex[:12], "device_id": dev,
            "method": method, "params": params}


def publish(op, dev, msg):
    q = "halyard.dev." + dev
    op.ch.queue_declare(q, durable=True, arguments=DEVICE_QUEUE_ARGS)
    op.ch.basic_publish("", q, json.dumps(msg).encode(), pika.BasicProperties(
        delivery_mode=2, reply_to=op.reply_to, correlation_id="corr-" + msg["id"]))
    return msg["id"]


def test_invalid_rpcs_refused_and_the_session_goes_on(gw):
    stack = gw.stack
    sn = serial("I")
    dev = C.device_id(OUI, PC, sn)
    op = Operator(stack)
    try:
        cases = {
            publish(op, dev, rpc_message(dev, "GetParameterValues", {})): ["names"],
            publish(op, dev, rpc_message(dev, "GetParameterNames",
                                         {"path": "Device.", "next_level": "yes"})):
                ["next_level"],
            publish(op, dev, rpc_message(dev, "Frobnicate", {})): ["Frobnicate"],
            publish(op, dev, rpc_message(dev, "SetParameterValues", {"values": [
                {"name": "Device.X", "value": "v" * (10 * 1024 * 1024)}]})): ["ACS_MAX_BODY"],
            publish(op, dev, rpc_message(dev, "X_bad-name", {})): ["X_bad-name"],
            publish(op, dev, rpc_message(dev, "Download", {
                "command_key": "k-9", "url": "http://f.example/x"})): ["file_type"],
        }
        good = op.queue_rpc(dev, "Reboot", {"command_key": "after"})
        s = open_session(stack, sn)
        seen, final = s.run()
        assert [m for m, _ in seen] == ["Reboot"]               # only the valid one went out
        assert final.status == 204
        res = {x["id"]: x for x in op.results(len(cases) + 1)}
        assert res[good]["status"] == "ok" and res[good]["command_key"] == "after"
        for rid, words in cases.items():
            x = res[rid]
            assert (x["status"], x["reason"]) == ("failed", "invalid-request"), x
            assert x["_correlation_id"] == "corr-" + rid
            for w in words:
                assert w in x["detail"], (w, x["detail"])
            del x["_correlation_id"]
            validate(x, "rpc-result")
        assert gw.gateway.metric("halyard_gw_rpcs_sent_total") == 1
        assert op.queue_depth(dev) == 0
    finally:
        op.close()
