"""acs-gateway against the real nginx, RabbitMQ and PostgreSQL: sessions,
RPC delivery, authentication, failures and robustness.

Sessions are driven byte by byte with cwmp_client so that each test controls
exactly what the CPE sends; the fleet tests use cpe-sim. Each CWMP method
(answers, events, faults 8000-8005, RPC round trips, invalid requests) is in
test_protocol.py; field quirks (cookies, prefixes, empty POSTs, gzip,
charsets, HoldRequests, IDs ...) in test_quirks.py.
"""
import time
import uuid

import pytest

import cwmp_client as C
from halyard_stack import ha1, wait_for
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
        validate(events[0], "provision-work")   # the same message is the work item
        validate(res, "rpc.result")
        assert events[0]["session_id"] == res["session_id"] == events[2]["session_id"]
        assert events[2]["rpcs"] == 1
    finally:
        op.close()
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
        assert b"this is not json" in dead_letters(stack)
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


def add_pending_credential(stack, device_id, username, password, realm="halyard"):
    stack.sql("INSERT INTO pending_credentials (device_id, username, ha1, realm) "
              "VALUES (%s, %s, %s, %s)",
              (device_id, username, ha1(username, realm, password), realm))


def informed_with(tap, dev):
    """The credentials kind of each inform event of dev, in order."""
    return [e["credentials"] for e in tap.for_device(dev) if e["type"] == "inform"]


def test_pending_credentials_admit_and_are_promoted(gw):
    stack = gw.stack
    sn = serial("PC")
    dev = C.device_id(OUI, PC, sn)
    tap = EventTap(stack, "inform.#")
    try:
        s, r = open_session(stack, sn)                  # first contact: bootstrap
        run_rpcs(s)
        # The provisioner is setting unique credentials (its SPV in flight).
        add_pending_credential(stack, dev, "p-" + sn, "pending-pw")
        s, r = open_session(stack, sn)                  # not applied yet: bootstrap still
        assert r.status == 200
        run_rpcs(s)
        s, r = open_session(stack, sn, username="p-" + sn, password="pending-pw")
        assert r.status == 200                          # applied: the pending ones work
        run_rpcs(s)
        wait_for("credentials promoted", lambda: stack.sql(
            "SELECT username FROM device_credentials WHERE device_id = %s", (dev,)) ==
            [("p-" + sn,)], 10)
        assert stack.sql("SELECT 1 FROM pending_credentials WHERE device_id = %s", (dev,)) == []
        s, r = open_session(stack, sn, username="p-" + sn, password="pending-pw")
        assert r.status == 200                          # now the device's own
        run_rpcs(s)
        s, r = open_session(stack, sn)                  # and bootstrap is over
        assert r.status == 401
        assert informed_with(tap, dev) == ["bootstrap", "bootstrap", "pending", "device"]
        for e in tap.for_device(dev, settle=0):
            validate(e, "inform")
        m = gw.gateway.metrics()
        assert m["halyard_gw_credentials_promoted_total"] == 1
        assert m['halyard_gw_informs_admitted_total{credentials="pending"}'] == 1
    finally:
        tap.close()


def test_pending_credentials_name_their_device(gw):
    stack = gw.stack
    a, b = serial("PA"), serial("PB")
    add_pending_credential(stack, C.device_id(OUI, PC, a), "p-" + a, "pw-a")
    s, r = open_session(stack, b, username="p-" + a, password="pw-a")
    assert r.status == 403 and b"DeviceId" in r.body


def test_failed_promotion_does_not_stop_the_inform(gw):
    # The pending username is taken by another device's current credentials
    # (a provisioner bug): the promotion fails, is logged and counted, and
    # the CPE, which does hold those credentials, still gets its session.
    stack = gw.stack
    sn, other = serial("PF"), serial("PO")
    dev = C.device_id(OUI, PC, sn)
    stack.add_device_credential(C.device_id(OUI, PC, other), "taken-" + sn, "other-pw")
    add_pending_credential(stack, dev, "taken-" + sn, "mine-pw")
    tap = EventTap(stack, "inform.#")
    try:
        s, r = open_session(stack, sn, username="taken-" + sn, password="mine-pw")
        assert r.status == 200
        _, final = run_rpcs(s)
        assert final.status == 204
        assert informed_with(tap, dev) == ["pending"]
        wait_for("failure counted",
                 lambda: gw.gateway.metric('halyard_gw_errors_total{kind="promote"}') == 1, 10)
        assert "promoting pending credentials failed" in gw.gateway.log_text()
        assert stack.sql("SELECT 1 FROM pending_credentials WHERE device_id = %s", (dev,)) != []
    finally:
        tap.close()


def test_auth_off_informs_say_none(services):
    stack = services.stack
    g = stack.start_gateway("gw-noauth", env={"ACS_AUTH": "false"})
    stack.use_gateways([g])
    sn = serial("NA")
    tap = EventTap(stack, "inform.#")
    try:
        s = C.Session(stack.cwmp_url)
        r = s.post(C.inform_xml(OUI, PC, sn))
        assert r.status == 200
        _, final = run_rpcs(s)
        assert final.status == 204
        assert informed_with(tap, C.device_id(OUI, PC, sn)) == ["none"]
    finally:
        tap.close()
        stack.use_gateways([services.gateway])


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


# --------------------------------------------------------------- robustness
#
# Each test below breaks something a reviewer found broken: the comment says
# what the gateway did before.

import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402

import pika  # noqa: E402

from taps import DEVICE_QUEUE_ARGS  # noqa: E402


def rpc_message(dev, method, params, rpc_id=None, **extra):
    msg = {"type": "rpc", "version": 1, "message_id": uuid.uuid4().hex,
           "id": rpc_id or "t-" + uuid.uuid4().hex[:12], "device_id": dev,
           "method": method, "params": params}
    msg.update(extra)
    return msg


def publish_json(op, dev, msg, props=None):
    """A worker's message as raw JSON (no reply_to property unless given)."""
    q = "halyard.dev." + dev
    op.ch.queue_declare(q, durable=True, arguments=DEVICE_QUEUE_ARGS)
    body = msg if isinstance(msg, bytes) else json.dumps(msg).encode()
    op.ch.basic_publish("", q, body, props or pika.BasicProperties(delivery_mode=2))
    return msg.get("id") if isinstance(msg, dict) else None


def dead_letters(stack):
    conn = stack.amqp()
    try:
        ch = conn.channel()
        out = []
        while True:
            m, p, b = ch.basic_get("halyard.dead-letter", auto_ack=True)
            if m is None:
                return out
            out.append(b)
    finally:
        conn.close()


def test_reply_to_too_long_for_amqp_keeps_the_broker_connection(gw):
    # Before: refusing the RPC published its result to the 300-char reply_to;
    # rabbitmq-c could not encode it, and the gateway dropped its whole AMQP
    # connection (every publish in flight failed, the CPE got 503, and the
    # requeued message did the same in every later session).
    stack = gw.stack
    sn = serial("RT")
    dev = C.device_id(OUI, PC, sn)
    op, tap = Operator(stack), EventTap(stack)
    try:
        bad = publish_json(op, dev, rpc_message(dev, "Reboot", {}, reply_to="q" * 300))
        good = op.queue_rpc(dev, "GetParameterValues", {"names": ["Device.DeviceInfo."]})
        s, r = open_session(stack, sn)
        assert r.status == 200
        seen, final = run_rpcs(s)
        assert [m for m, _ in seen] == ["GetParameterValues"] and final.status == 204
        (res,) = op.results(1)
        assert res["id"] == good and res["status"] == "ok"
        results = {e["id"]: e for e in tap.for_device(dev) if e["type"] == "rpc.result"}
        assert results[bad]["status"] == "failed"
        assert results[bad]["reason"] == "invalid-request"
        assert "disconnected" not in gw.gateway.log_text()
        assert op.queue_depth(dev) == 0
    finally:
        op.close()
        tap.close()


def test_device_queue_declared_with_other_arguments(gw):
    # Before: the refused declare closed the channel that also held, from
    # basic.get, the RPC in flight in every other session: the broker
    # requeued it while its CPE was running it (and the later ack on the
    # reopened channel named an unknown delivery tag).
    stack = gw.stack
    sn_a, sn_b = serial("QA"), serial("QB")
    dev_a, dev_b = C.device_id(OUI, PC, sn_a), C.device_id(OUI, PC, sn_b)
    op = Operator(stack)
    conn = stack.amqp()
    try:
        rpc = op.queue_rpc(dev_a, "GetParameterValues", {"names": ["Device.DeviceInfo."]})
        sa, r = open_session(stack, sn_a)
        r = sa.post("")
        method, cid, _ = r.rpc()
        assert method == "GetParameterValues"           # held by the gateway now
        # A buggy worker declared B's queue with other arguments.
        conn.channel().queue_declare("halyard.dev." + dev_b, durable=True)
        sb, r = open_session(stack, sn_b)
        assert r.status == 200
        r = sb.post("")
        assert r.status == 204                          # B's session ends cleanly
        assert op.queue_depth(dev_a) == 0               # A's RPC was not requeued
        r = sa.post(C.gpv_response(cid, {"Device.DeviceInfo.SoftwareVersion": "1"}))
        assert r.status == 204
        (res,) = op.results(1)
        assert res["id"] == rpc and res["status"] == "ok"
        sa, r = open_session(stack, sn_a)
        seen, final = run_rpcs(sa)
        assert seen == [] and final.status == 204       # and it does not run again
        assert "disconnected" not in gw.gateway.log_text()
    finally:
        try:
            conn.channel().queue_delete("halyard.dev." + dev_b)
        finally:
            conn.close()
            op.close()


def rabbitmqctl(stack, *args):
    node = "halyard-%d@localhost" % stack.amqp_port
    env = dict(os.environ, HOME=os.path.join(stack.state_dir, "rabbitmq", "home"),
               ERL_EPMD_ADDRESS="127.0.0.1")
    p = subprocess.run(["/usr/lib/rabbitmq/bin/rabbitmqctl", "-n", node] + list(args),
                       env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    out = p.stdout.decode("utf-8", "replace")
    assert p.returncode == 0, out
    return out


def queue_process(stack, queue, action):
    """sys:suspend or sys:resume the Erlang process of a queue: a basic.get
    on a suspended queue waits."""
    rabbitmqctl(stack, "eval",
                '{ok, Q} = rabbit_amqqueue:lookup(rabbit_misc:r(<<"/">>, queue, <<"%s">>)), '
                "sys:%s(amqqueue:get_pid(Q))." % (queue, action))


def test_connection_lost_during_basic_get_is_503_not_the_end(gw):
    # Before: any failure of basic.get came back as ERROR ("device queue
    # unusable"), so a broker lost mid-get ended the CPE's session with 204
    # while its RPCs waited in the queue.
    stack = gw.stack
    sn = serial("CG")
    dev = C.device_id(OUI, PC, sn)
    op = Operator(stack)
    op.queue_depth(dev)                                 # the queue exists
    op.close()
    s, r = open_session(stack, sn)
    assert r.status == 200
    queue_process(stack, "halyard.dev." + dev, "suspend")
    box = {}
    t = threading.Thread(target=lambda: box.update(r=s.post("")))
    t.start()
    time.sleep(1.0)                                     # the gateway waits in basic.get
    stack.kill_broker()
    t.join(30)
    assert box["r"].status == 503
    assert int(box["r"].header("Retry-After")) > 0
    assert "device queue unusable" not in gw.gateway.log_text()
    stack.start_broker()
    wait_for("gateway reconnected", lambda: gw.gateway.health() == 200, 30)


def test_result_not_confirmed_keeps_the_rpc(services):
    # Before: the RPC's device-queue message was acked before its result was
    # confirmed; when the broker refused the result, both were gone.
    stack = services.stack
    stack.add_bootstrap_credential(OUI, "*", USER, PASSWORD)
    g = stack.start_gateway("gw-nack", env={"ACS_SESSION_TIMEOUT_S": "5"})
    stack.use_gateways([g])
    sn = serial("NK")
    dev = C.device_id(OUI, PC, sn)
    op = Operator(stack)
    conn = stack.amqp()
    ch = conn.channel()
    blocker = "test.blocker." + sn
    try:
        # A queue that refuses everything, bound to this device's results:
        # the broker nacks the result event.
        ch.queue_declare(blocker, arguments={"x-max-length": 0, "x-overflow": "reject-publish"})
        ch.queue_bind(blocker, "halyard.events", routing_key="rpc.result." + dev)
        rpc = op.queue_rpc(dev, "GetParameterValues", {"names": ["Device.DeviceInfo."]})
        s, r = open_session(stack, sn)
        r = s.post("")
        method, cid, _ = r.rpc()
        r = s.post(C.gpv_response(cid, {"Device.DeviceInfo.SoftwareVersion": "1"}))
        assert r.status == 503
        ch.queue_delete(blocker)
        # The hold gives the RPC back when the session times out.
        wait_for("the RPC back in its queue", lambda: op.queue_depth(dev) == 1, 15)
        s, r = open_session(stack, sn)                  # after the lease: it runs
        deadline = time.monotonic() + 30
        while r.status == 503 and time.monotonic() < deadline:
            time.sleep(1)
            s, r = open_session(stack, sn)
        seen, final = run_rpcs(s)
        assert [m for m, _ in seen] == ["GetParameterValues"] and final.status == 204
        assert rpc in [x["id"] for x in op.results(2)]
    finally:
        conn.close()
        op.close()
        stack.use_gateways([services.gateway])


def test_full_reply_to_queue_does_not_fail_the_session(gw):
    # Before: a requester's full reply_to queue (nack) answered the CPE 503
    # and left the RPC to run again in every session.
    stack = gw.stack
    sn = serial("FR")
    dev = C.device_id(OUI, PC, sn)
    op, tap = Operator(stack), EventTap(stack)
    conn = stack.amqp()
    ch = conn.channel()
    full = "test.full." + sn
    try:
        ch.queue_declare(full, arguments={"x-max-length": 0, "x-overflow": "reject-publish"})
        msg = rpc_message(dev, "Reboot", {"command_key": "x"})
        publish_json(op, dev, msg, pika.BasicProperties(delivery_mode=2, reply_to=full,
                                                        correlation_id="c1"))
        s, r = open_session(stack, sn)
        seen, final = run_rpcs(s, lambda m, cid, el: C.envelope(
            "<cwmp:RebootResponse></cwmp:RebootResponse>", cid))
        assert [m for m, _ in seen] == ["Reboot"] and final.status == 204
        (ev,) = [e for e in tap.for_device(dev) if e["type"] == "rpc.result"]
        assert ev["id"] == msg["id"] and ev["status"] == "ok"
        assert op.queue_depth(dev) == 0
    finally:
        ch.queue_delete(full)
        conn.close()
        op.close()
        tap.close()


def test_cpe_gone_during_worker_wait_takes_no_rpc(services):
    # Before: the gateway stopped watching the connection once the request
    # was read, so a request whose CPE had left went on waiting for the
    # worker, took the RPC that arrived and sent it into the void (held
    # until the session timeout).
    stack = services.stack
    stack.add_bootstrap_credential(OUI, "*", USER, PASSWORD)
    g = stack.start_gateway("gw-wait", env={"ACS_WORKER_WAIT_MS": "5000"})
    stack.use_gateways([g])
    sn = serial("GW")
    dev = C.device_id(OUI, PC, sn)
    op = Operator(stack)
    try:
        op.queue_depth(dev)
        s, r = open_session(stack, sn)
        assert r.status == 200
        s.conn.request("POST", "/", body=b"", headers={"Cookie": s.cookie})
        time.sleep(0.5)
        s.close()                                       # the CPE leaves mid-wait
        time.sleep(0.5)
        op.queue_rpc(dev, "Reboot", {})
        time.sleep(1.5)                                 # the worker wait is still running
        assert op.queue_depth(dev) == 1
        assert g.metric("halyard_gw_rpcs_sent_total") == 0
        wait_for("request freed", lambda: g.metric("halyard_gw_active_requests") == 0, 10)
    finally:
        op.close()
        stack.use_gateways([services.gateway])


def test_sigterm_drains_a_request_waiting_for_the_worker(services):
    # Before: SIGTERM gave requests 2 s and then closed them unanswered
    # (nginx answered the CPE 502).
    stack = services.stack
    stack.add_bootstrap_credential(OUI, "*", USER, PASSWORD)
    g = stack.start_gateway("gw-drain", env={"ACS_WORKER_WAIT_MS": "3500"})
    stack.use_gateways([g])
    sn = serial("DR")
    try:
        s, r = open_session(stack, sn)
        assert r.status == 200
        box = {}
        t = threading.Thread(target=lambda: box.update(r=s.post("")))
        t.start()
        time.sleep(0.5)
        g.proc.send_signal(signal.SIGTERM)
        t.join(30)
        assert box["r"].status == 204
        assert g.proc.wait(15) == 0
        assert "AddressSanitizer" not in g.log_text()
    finally:
        stack.use_gateways([services.gateway])


def test_sigterm_waits_for_a_held_rpc_answered_through_another_gateway(services):
    # Before: a draining gateway exited after 2 s whatever it held; the
    # broker requeued the RPC its CPE was running, and the answer (through
    # another gateway) came too late to settle it: it ran twice.
    stack = services.stack
    stack.add_bootstrap_credential(OUI, "*", USER, PASSWORD)
    a = stack.start_gateway("gw-a")
    b = stack.start_gateway("gw-b")
    stack.use_gateways([a])
    sn = serial("HD")
    dev = C.device_id(OUI, PC, sn)
    op = Operator(stack)
    try:
        rpc = op.queue_rpc(dev, "GetParameterValues", {"names": ["Device.DeviceInfo."]})
        s, r = open_session(stack, sn)
        r = s.post("")
        method, cid, _ = r.rpc()                        # held by gw-a
        a.proc.send_signal(signal.SIGTERM)
        stack.use_gateways([b])
        time.sleep(3)
        s.reconnect()
        r = s.post(C.gpv_response(cid, {"Device.DeviceInfo.SoftwareVersion": "1"}))
        assert r.status == 204
        assert a.proc.wait(15) == 0
        (res,) = op.results(1)
        assert res["id"] == rpc and res["status"] == "ok"
        assert op.queue_depth(dev) == 0                 # settled, not requeued
    finally:
        op.close()
        stack.use_gateways([services.gateway])


def digest_header(challenge, uri, body=b"", user=USER, password=PASSWORD):
    c = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge))
    ha1 = hashlib.md5(("%s:%s:%s" % (user, c["realm"], password)).encode()).hexdigest()
    ha2 = hashlib.md5(("POST:%s" % uri).encode()).hexdigest()
    nc, cnonce = "00000001", os.urandom(8).hex()
    resp = hashlib.md5(("%s:%s:%s:%s:auth:%s" % (ha1, c["nonce"], nc, cnonce, ha2)).encode()
                       ).hexdigest()
    return ('Digest username="%s", realm="%s", nonce="%s", uri="%s", qop=auth, nc=%s, '
            'cnonce="%s", response="%s", algorithm=MD5' % (user, c["realm"], c["nonce"], uri,
                                                           nc, cnonce, resp))


def test_digest_uri_must_be_the_request_uri(gw):
    # Before: any Digest uri ending with the request URI passed ("/other/"
    # for "/"), so a response computed for another resource was accepted.
    stack = gw.stack
    body = C.inform_xml(OUI, PC, serial("DU")).encode()
    st, hdrs, _ = stack.http_post(body)
    assert st == 401
    chal = hdrs.get("WWW-Authenticate")
    for uri, want in [("/other/", 401), ("http://evil.example/x/", 401),
                      ("http://acs.example:7547/", 200), ("/", 200)]:
        body = C.inform_xml(OUI, PC, serial("DU")).encode()
        st, _, _ = stack.http_post(body, {"Authorization": digest_header(chal, uri)})
        assert st == want, uri


def test_buggy_worker_messages(gw):
    # Before: a session_id that is not a string made an RPC look untagged
    # and it went out; a 2 MB message was parsed and a 2 MB envelope sent
    # (then: dead-lettered unread, so its requester never heard of it).
    stack = gw.stack
    sn = serial("BW")
    dev = C.device_id(OUI, PC, sn)
    op, tap = Operator(stack), EventTap(stack)
    try:
        wrong_sid = publish_json(op, dev, rpc_message(dev, "Reboot", {}, session_id=42))
        not_obj = publish_json(op, dev, rpc_message(dev, "Reboot", ["x"]))
        huge = rpc_message(dev, "SetParameterValues", {"values": [
            {"name": "Device.X.%d" % i, "value": "v" * 60000} for i in range(40)]})
        publish_json(op, dev, huge)
        publish_json(op, dev, rpc_message(dev, 7, {}))                   # method not a string
        publish_json(op, dev, rpc_message(dev, "Reboot", {}, rpc_id="a b/c"))  # odd id
        publish_json(op, dev, b'{"type":"rpc","type":"done"}')            # duplicate keys
        long_corr = publish_json(op, dev, rpc_message(dev, "Reboot", {}), pika.BasicProperties(
            delivery_mode=2, reply_to=op.reply_to, correlation_id="c" * 200))
        good = op.queue_rpc(dev, "Reboot", {})
        s, r = open_session(stack, sn)
        seen, final = run_rpcs(s, lambda m, cid, el: C.envelope(
            "<cwmp:RebootResponse></cwmp:RebootResponse>", cid))
        assert [m for m, _ in seen] == ["Reboot"] and final.status == 204
        res = {x["id"]: x for x in op.results(2)}
        assert res[long_corr]["status"] == "failed"
        assert res[long_corr]["_correlation_id"] == "c" * 200
        assert res[good]["status"] == "ok"
        results = {e["id"]: e for e in tap.for_device(dev) if e["type"] == "rpc.result"}
        assert results[wrong_sid]["status"] == "failed"
        assert results[not_obj]["status"] == "failed"
        # Too large to parse, but its id could be read: its requester is told.
        assert results[huge["id"]]["reason"] == "invalid-request"
        assert "ACS_MAX_BODY" in results[huge["id"]]["detail"]
        dead = dead_letters(stack)
        assert not any(huge["id"].encode() in d for d in dead)
        assert op.queue_depth(dev) == 0
        assert gw.gateway.alive()
    finally:
        op.close()
        tap.close()
