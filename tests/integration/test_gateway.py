"""acs-gateway against the real nginx, RabbitMQ and PostgreSQL.

Sessions are driven byte by byte with cwmp_client so that each test controls
exactly what the CPE sends; the fleet tests use cpe-sim.
"""
import time
import uuid

import pytest

import cwmp_client as C
from schema_check import validate
from taps import EventTap, Operator

OUI = "DEC0DE"
PC = "HGW"
USER, PASSWORD = "boot", "bootpw"


def serial(tag):
    return "%s-%s" % (tag, uuid.uuid4().hex[:8])


@pytest.fixture
def gw(services):
    services.stack.add_bootstrap_credential(OUI, "*", USER, PASSWORD)
    return services


def open_session(stack, sn, cookies=True, username=USER, password=PASSWORD, **kw):
    s = C.Session(stack.cwmp_url, username, password, cookies=cookies)
    r = s.post(C.inform_xml(OUI, PC, sn, **kw))
    return s, r


def run_rpcs(s, answer=None):
    """Empty POST, then answer every RPC until the ACS ends the session.
    Returns (list of (method, element)), final reply."""
    seen = []
    r = s.post("")
    while r.status == 200:
        method, cid, el = r.rpc()
        seen.append((method, el))
        body = answer(method, cid, el) if answer else C.gpv_response(
            cid, {"Device.DeviceInfo.SoftwareVersion": "9.9"})
        r = s.post(body)
    return seen, r


# --------------------------------------------------------------- the session

def test_session_inform_rpc_result_and_204(gw):
    stack = gw.stack
    sn = serial("S")
    dev = C.device_id(OUI, PC, sn)
    op, tap = Operator(stack), EventTap(stack)
    try:
        rpc = op.queue_rpc(dev, "GetParameterValues", {"names": ["Device.DeviceInfo."]})
        s, r = open_session(stack, sn, minor=4, cwmp_id="inform-77")
        assert r.status == 200
        method, cid, _ = r.rpc()
        assert method == "InformResponse"
        assert cid == "inform-77"                      # cwmp:ID echoed
        assert b"urn:dslforum-org:cwmp-1-4" in r.body  # answered in the CPE's namespace
        assert "halyard_session=" in (r.header("Set-Cookie") or "")
        seen, final = run_rpcs(s)
        assert [m for m, _ in seen] == ["GetParameterValues"]
        names = [e.text for e in seen[0][1].iter() if e.tag == "string"]
        assert names == ["Device.DeviceInfo."]
        assert final.status == 204
        (res,) = op.results(1)
        assert res["id"] == rpc and res["status"] == "ok"
        assert res["_correlation_id"] == "corr-" + rpc
        assert res["result"]["parameters"][0]["value"] == "9.9"
        # Every event this session produced matches its schema.
        events = tap.for_device(dev)
        kinds = [e["type"] for e in events]
        assert kinds == ["inform", "rpc.result", "session.closed"]
        for e in events:
            validate(e, e["type"])
        validate(res, "rpc.result")
        assert events[0]["session_id"] == res["session_id"] == events[2]["session_id"]
        assert events[2]["rpcs"] == 1
    finally:
        op.close()
        tap.close()


def test_cpe_requests_answered(gw):
    stack = gw.stack
    sn = serial("R")
    dev = C.device_id(OUI, PC, sn)
    tap = EventTap(stack, "transfer.complete.#")
    try:
        s, r = open_session(stack, sn, events=("7 TRANSFER COMPLETE", "M Download"))
        assert r.status == 200
        tc = C.envelope("<cwmp:TransferComplete><CommandKey>fw-1</CommandKey><FaultStruct>"
                        "<FaultCode>0</FaultCode><FaultString></FaultString></FaultStruct>"
                        "<StartTime>2026-11-22T00:00:00Z</StartTime>"
                        "<CompleteTime>2026-11-22T00:01:00Z</CompleteTime>"
                        "</cwmp:TransferComplete>", "tc-1")
        r = s.post(tc)
        assert r.status == 200
        assert r.rpc()[:2] == ("TransferCompleteResponse", "tc-1")
        r = s.post(C.envelope("<cwmp:GetRPCMethods></cwmp:GetRPCMethods>", "g-1"))
        method, cid, el = r.rpc()
        assert (method, cid) == ("GetRPCMethodsResponse", "g-1")
        assert {e.text for e in el.iter() if e.tag == "string"} >= {
            "Inform", "GetRPCMethods", "TransferComplete"}
        r = s.post(C.envelope("<cwmp:X_VENDOR_Thing></cwmp:X_VENDOR_Thing>", "v-1"))
        assert r.status == 200 and b"<FaultCode>8000</FaultCode>" in r.body
        _, final = run_rpcs(s)
        assert final.status == 204
        (ev,) = tap.for_device(dev)
        validate(ev, "transfer.complete")
        assert ev["command_key"] == "fw-1" and ev["fault"]["code"] == 0
    finally:
        tap.close()


def test_second_inform_while_live_gets_503(gw):
    stack = gw.stack
    sn = serial("L")
    s1, r1 = open_session(stack, sn)
    assert r1.status == 200
    s2, r2 = open_session(stack, sn)
    assert r2.status == 503
    assert int(r2.header("Retry-After")) > 0
    _, final = run_rpcs(s1)
    assert final.status == 204
    s3, r3 = open_session(stack, sn)   # the lease was released at 204
    assert r3.status == 200


@pytest.mark.parametrize("cookies", [True, False], ids=["cookies", "cookie-less"])
def test_session_split_across_two_gateways(gw, cookies):
    stack = gw.stack
    gw2 = stack.start_gateway("gw2")
    stack.use_gateways([gw.gateway, gw2])
    sn = serial("X")
    dev = C.device_id(OUI, PC, sn)
    op = Operator(stack)
    try:
        ids = [op.queue_rpc(dev, "GetParameterValues",
                            {"names": ["Device.DeviceInfo.SoftwareVersion"]}) for _ in range(6)]
        s, r = open_session(stack, sn, cookies=cookies)
        assert r.status == 200
        seen, final = run_rpcs(s)
        assert len(seen) == 6 and final.status == 204
        res = op.results(6)
        assert [x["id"] for x in res] == ids            # in order, each exactly once
        assert all(x["status"] == "ok" for x in res)
        assert op.queue_depth(dev) == 0
        # Round-robin really split it: both gateways sent RPCs to this CPE.
        for g in (gw.gateway, gw2):
            assert g.metric("halyard_gw_rpcs_sent_total") >= 1
        # Nothing is held back: a new session finds no RPC to run again.
        s, r = open_session(stack, sn, cookies=cookies)
        seen, final = run_rpcs(s)
        assert seen == [] and final.status == 204
    finally:
        op.close()
        stack.use_gateways([gw.gateway])


def test_rpc_queued_while_offline_runs_in_next_session(gw):
    stack = gw.stack
    sn = serial("O")
    dev = C.device_id(OUI, PC, sn)
    op = Operator(stack)
    try:
        rpc = op.queue_rpc(dev, "Reboot", {"command_key": "rb-1"})
        assert op.queue_depth(dev) == 1
        s, r = open_session(stack, sn)
        seen, final = run_rpcs(s, lambda m, cid, el: C.envelope(
            "<cwmp:RebootResponse></cwmp:RebootResponse>", cid))
        assert [m for m, _ in seen] == ["Reboot"]
        assert final.status == 204
        (res,) = op.results(1)
        assert res["id"] == rpc and res["status"] == "ok" and res["method"] == "Reboot"
    finally:
        op.close()


def test_cpe_fault_and_bad_rpcs_reported(gw):
    stack = gw.stack
    sn = serial("F")
    dev = C.device_id(OUI, PC, sn)
    op = Operator(stack)
    try:
        good = op.queue_rpc(dev, "GetParameterValues", {"names": ["Device.Nope."]})
        bad = op.queue_rpc(dev, "GetParameterValues", {"names": "not-a-list"})
        stale = op.queue_rpc(dev, "Reboot", {}, session_id="ended-session")
        op.publish_raw(dev, b"this is not json")
        s, r = open_session(stack, sn)

        def fault(method, cid, el):
            return C.envelope("<soap-env:Fault><faultcode>Client</faultcode><faultstring>CWMP "
                              "fault</faultstring><detail><cwmp:Fault><FaultCode>9005</FaultCode>"
                              "<FaultString>Invalid parameter name</FaultString></cwmp:Fault>"
                              "</detail></soap-env:Fault>", cid)
        seen, final = run_rpcs(s, fault)
        assert [m for m, _ in seen] == ["GetParameterValues"]   # only the valid one went out
        assert final.status == 204
        res = {x["id"]: x for x in op.results(3)}
        assert res[good]["status"] == "fault" and res[good]["fault"]["code"] == 9005
        assert res[bad]["status"] == "failed" and res[bad]["reason"] == "invalid-request"
        assert res[stale]["status"] == "failed" and res[stale]["reason"] == "session-ended"
        for x in res.values():
            validate(x, "rpc.result")
        assert gw.gateway.metric("halyard_gw_stale_messages_total") >= 1
        assert gw.gateway.metric("halyard_gw_rejected_messages_total") >= 1
        # The garbage went to the dead-letter queue, not into thin air.
        ch = stack.amqp().channel()
        dead = []
        while True:
            m, p, b = ch.basic_get("halyard.dead-letter", auto_ack=True)
            if m is None:
                break
            dead.append(b)
        assert b"this is not json" in dead
    finally:
        op.close()


# --------------------------------------------------------------- bad input

DOCTYPE_BOMB = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
                '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/">'
                "<soap-env:Body>&lol3;</soap-env:Body></soap-env:Envelope>")


def test_bad_input_clear_answers_nothing_published(gw):
    stack = gw.stack
    victim = serial("V")
    other = serial("W")
    victim_id = C.device_id(OUI, PC, victim)
    stack.add_device_credential(victim_id, "victim-user", "victim-pw")
    tap = EventTap(stack)
    sns = []
    try:
        def fresh():
            sn = serial("B")
            sns.append(sn)
            return sn

        # Malformed XML.
        st, _, body = stack.http_post(b"<soap-env:Envelope><unclosed>")
        assert st == 400 and body
        # A DOCTYPE (entity bomb): refused before anything is expanded.
        st, _, body = stack.http_post(DOCTYPE_BOMB.encode())
        assert st == 400 and (b"DOCTYPE" in body.upper() or b"DTD" in body.upper())
        # No credentials: challenged. Wrong password: 401 again.
        s = C.Session(stack.cwmp_url)
        r = s.post(C.inform_xml(OUI, PC, fresh()))
        assert r.status == 401 and r.header("WWW-Authenticate").startswith("Digest ")
        s = C.Session(stack.cwmp_url, USER, "wrong-password")
        r = s.post(C.inform_xml(OUI, PC, fresh()))
        assert r.status == 401
        # Another device's unique credentials: 403.
        s = C.Session(stack.cwmp_url, "victim-user", "victim-pw")
        r = s.post(C.inform_xml(OUI, PC, other))
        assert r.status == 403 and b"DeviceId" in r.body
        # Basic over plain HTTP is refused for this device class.
        st, _, _ = stack.http_post(C.inform_xml(OUI, PC, fresh()).encode(),
                                   {"Authorization": "Basic Ym9vdDpib290cHc="})
        assert st == 401
        # An empty POST with no session; a response as the first message.
        st, _, body = stack.http_post(b"")
        assert st == 400 and b"session" in body
        st, _, body = stack.http_post(C.gpv_response("1", {"a": "b"}).encode())
        assert st == 400 and b"session" in body
        # A forged cookie is no session either.
        st, _, _ = stack.http_post(b"", {"Cookie": "halyard_session=eyJzIjoieCJ9.AAAA"})
        assert st == 400
        # 2 MB body: refused by size.
        st, _, _ = stack.http_post(b"<a>" + b"x" * (2 * 1024 * 1024) + b"</a>")
        assert st == 413
        # Not a POST.
        st, hdrs, _ = stack.http_request("GET", "/")
        assert st == 405
        # Unknown Content-Encoding.
        st, _, _ = stack.http_post(b"x", {"Content-Encoding": "br"})
        assert st == 415

        assert tap.for_device(victim_id) == []
        for sn in sns + [other]:
            assert tap.for_device(C.device_id(OUI, PC, sn), settle=0) == []
        assert gw.gateway.metric('halyard_gw_errors_total{kind="xml"}') >= 2
        assert gw.gateway.metric('halyard_gw_errors_total{kind="auth"}') >= 2
        # The gateway still serves, the victim with its own credentials too.
        assert gw.gateway.alive()
        s = C.Session(stack.cwmp_url, "victim-user", "victim-pw")
        r = s.post(C.inform_xml(OUI, PC, victim))
        assert r.status == 200
        _, final = run_rpcs(s)
        assert final.status == 204
        assert [e["type"] for e in tap.for_device(victim_id)][0] == "inform"
    finally:
        tap.close()


def test_bootstrap_credentials_stop_working_after_unique_ones(gw):
    stack = gw.stack
    sn = serial("U")
    s, r = open_session(stack, sn)
    assert r.status == 200
    run_rpcs(s)
    stack.add_device_credential(C.device_id(OUI, PC, sn), "u-" + sn, "unique-pw")
    s, r = open_session(stack, sn)              # bootstrap credentials again
    assert r.status == 401
    s, r = open_session(stack, sn, username="u-" + sn, password="unique-pw")
    assert r.status == 200
    run_rpcs(s)


def test_gzip_body_accepted(gw):
    import gzip
    stack = gw.stack
    s = C.Session(stack.cwmp_url, USER, PASSWORD)
    body = C.inform_xml(OUI, PC, serial("Z"))
    r = s.post(gzip.compress(body.encode()), {"Content-Encoding": "gzip"})
    # The Digest for a compressed body covers the same URI: auth works too.
    assert r.status == 200 and r.rpc()[0] == "InformResponse"
    _, final = run_rpcs(s)
    assert final.status == 204


# --------------------------------------------------------------- failures

def test_gateway_killed_mid_session_rpc_delivered_next_session(services):
    stack = services.stack
    stack.add_bootstrap_credential(OUI, "*", USER, PASSWORD)
    fast = {"ACS_SESSION_TIMEOUT_S": "5"}
    victim = stack.start_gateway("gw-victim", env=fast)
    stack.use_gateways([victim])
    sn = serial("K")
    dev = C.device_id(OUI, PC, sn)
    op = Operator(stack)
    try:
        rpc = op.queue_rpc(dev, "GetParameterValues", {"names": ["Device.DeviceInfo."]})
        s, r = open_session(stack, sn)
        r = s.post("")
        assert r.rpc()[0] == "GetParameterValues"   # the gateway has taken the RPC
        victim.kill()
        stack.forget(victim)
        fresh = stack.start_gateway("gw-fresh", env=fast)
        stack.use_gateways([fresh])
        # The dead session's lease (2 x timeout + 5 s) must lapse first.
        deadline = time.monotonic() + 40
        while True:
            s, r = open_session(stack, sn)
            if r.status == 200 or time.monotonic() > deadline:
                break
            assert r.status == 503
            time.sleep(1)
        assert r.status == 200
        seen, final = run_rpcs(s)
        assert [m for m, _ in seen] == ["GetParameterValues"]
        assert final.status == 204
        (res,) = op.results(1)
        assert res["id"] == rpc and res["status"] == "ok"
    finally:
        op.close()
        stack.use_gateways([services.gateway])
