"""acs-inventory against the real RabbitMQ and PostgreSQL: a message is acked
only after its transaction commits, so a database outage loses nothing, and
a message it cannot store is dead-lettered with a reason, not dropped."""
import copy
import json
import os
import time
import uuid

import pika

import cwmp_client as C
from halyard_stack import ROOT, wait_for

EXAMPLE = os.path.join(ROOT, "proto-json", "examples", "inform", "device2-boot-reboot.json")


def inform_event(oui, pc, sn):
    with open(EXAMPLE) as f:
        ev = json.load(f)
    ev = copy.deepcopy(ev)
    dev = C.device_id(oui, pc, sn)
    ev.update({"message_id": str(uuid.uuid4()), "session_id": str(uuid.uuid4()),
               "device_id": dev, "device_queue": "halyard.dev." + dev})
    ev["device"].update({"oui": oui, "product_class": pc, "serial_number": sn})
    return ev


def publish_events(stack, events, raw=()):
    conn = stack.amqp()
    try:
        ch = conn.channel()
        ch.confirm_delivery()
        for ev in events:
            ch.basic_publish("halyard.events", "inform." + ev["device_id"],
                             json.dumps(ev).encode(), pika.BasicProperties(delivery_mode=2))
        for key, body in raw:
            ch.basic_publish("halyard.events", key, body, pika.BasicProperties(delivery_mode=2))
    finally:
        conn.close()


def stored(stack, devs):
    return stack.sql("SELECT count(*) FROM sessions WHERE device_id = ANY(%s)", (devs,))[0][0]


def test_database_outage_loses_no_event(services):
    stack, inv = services.stack, services.inventory
    tag = uuid.uuid4().hex[:6]
    before = [inform_event("00D09E", "HGW", "DB%s-%03d" % (tag, i)) for i in range(20)]
    during = [inform_event("00D09E", "HGW", "DB%s-%03d" % (tag, i)) for i in range(20, 120)]
    devs = [e["device_id"] for e in before + during]
    publish_events(stack, before)
    wait_for("first events stored", lambda: stored(stack, devs) == 20, 20)
    stack.stop_db()
    try:
        publish_events(stack, during)
        wait_for("inventory sees the database down",
                 lambda: inv.metric("halyard_inventory_db_up", 1) == 0, 20)
        # None of these can be committed now, so none is counted as stored;
        # they stay unacked in the broker (all of them arrive after the outage).
        time.sleep(1)
        assert inv.metric('halyard_inventory_messages_total{type="inform"}') == 20
        # The gateway, which needs the database for credentials, answers 503.
        s = C.Session(stack.cwmp_url, "u", "p")
        r = s.post(C.inform_xml("00D09E", "HGW", "DBX" + tag))
        assert r.status in (401, 503)
        if r.status == 401:       # challenged first (no database needed), then 503
            r = s.post(C.inform_xml("00D09E", "HGW", "DBX" + tag))
        assert r.status == 503 and r.header("Retry-After")
    finally:
        stack.start_db()
    wait_for("all 120 events stored after the outage", lambda: stored(stack, devs) == 120, 60,
             diagnostics=lambda: "stored %d of 120\n%s" % (stored(stack, devs),
                                                           inv.log_tail(30)))
    # Exactly once in the tables, even though some were delivered twice.
    rows = stack.sql("SELECT count(*), count(DISTINCT device_id) FROM devices "
                     "WHERE device_id = ANY(%s)", (devs,))
    assert rows == [(120, 120)]
    ev = stack.sql("SELECT count(*) FROM events WHERE device_id = ANY(%s) AND code = '1 BOOT'",
                   (devs,))
    assert ev == [(120,)]
    assert inv.alive()


def test_unusable_messages_are_dead_lettered_and_the_rest_stored(services):
    stack, inv = services.stack, services.inventory
    ch = stack.amqp().channel()
    ch.queue_purge("halyard.dead-letter")
    good = inform_event("00D09E", "HGW", "PZ%s" % uuid.uuid4().hex[:6])
    unknown = dict(good, type="no.such.type", message_id=str(uuid.uuid4()))
    missing = {k: v for k, v in good.items() if k != "device"}
    missing["message_id"] = str(uuid.uuid4())
    publish_events(stack, [good], raw=[
        ("inform.x", b"{not json"),
        ("no.such.type.x", json.dumps(unknown).encode()),
        ("inform.x", json.dumps(missing).encode()),
    ])
    wait_for("good event stored", lambda: stored(stack, [good["device_id"]]) == 1, 20)
    dead = []
    deadline = time.monotonic() + 20
    while len(dead) < 3 and time.monotonic() < deadline:
        m, p, b = ch.basic_get("halyard.dead-letter", auto_ack=True)
        if m is None:
            time.sleep(0.1)
            continue
        dead.append((b, p.headers or {}))
    bodies = [b for b, _ in dead]
    assert b"{not json" in bodies
    assert json.dumps(unknown).encode() in bodies
    assert len(dead) == 3
    # x-death records where they came from.
    assert all(h.get("x-death") for _, h in dead)
    assert inv.metric('halyard_inventory_rejected_total{reason="unknown-type"}') >= 1
    assert inv.alive() and inv.health() == 200


# Every Inform event code of cwmp-reference.md 5.1, with the CommandKeys of
# the "M" events: (code, command key).
ALL_EVENTS = [
    ("0 BOOTSTRAP", ""), ("1 BOOT", ""), ("2 PERIODIC", ""), ("3 SCHEDULED", ""),
    ("4 VALUE CHANGE", ""), ("5 KICKED", ""), ("6 CONNECTION REQUEST", ""),
    ("7 TRANSFER COMPLETE", ""), ("8 DIAGNOSTICS COMPLETE", ""), ("9 REQUEST DOWNLOAD", ""),
    ("10 AUTONOMOUS TRANSFER COMPLETE", ""), ("11 DU STATE CHANGE COMPLETE", ""),
    ("12 AUTONOMOUS DU STATE CHANGE COMPLETE", ""), ("13 WAKEUP", ""), ("14 HEARTBEAT", ""),
    ("M Reboot", "rb-1"), ("M ScheduleInform", "si-1"), ("M Download", "dl-1"),
    ("M ScheduleDownload", "sd-1"), ("M Upload", "up-1"), ("M ChangeDUState", "du-1"),
    ("M X_DEC0DE_Reset", "vx-1"), ("X DEC0DE LinkFlap", ""), ("X example.com Restarted", "r"),
]


def test_every_inform_event_code_is_stored(services):
    """An Inform carrying every event code goes through nginx, the gateway
    and the broker, and each code (with its command key) ends up in events."""
    stack = services.stack
    stack.add_bootstrap_credential("DEC0DE", "*", "boot", "bootpw")
    sn = "EV%s" % uuid.uuid4().hex[:8]
    dev = C.device_id("DEC0DE", "HGW", sn)
    inform = C.inform_xml("DEC0DE", "HGW", sn, events=[c for c, _ in ALL_EVENTS])
    # inform_xml leaves every CommandKey empty: fill in those of the M events.
    for code, key in ALL_EVENTS:
        if key:
            inform = inform.replace(
                "<EventCode>%s</EventCode><CommandKey></CommandKey>" % code,
                "<EventCode>%s</EventCode><CommandKey>%s</CommandKey>" % (code, key))
    s = C.Session(stack.cwmp_url, "boot", "bootpw")
    try:
        r = s.post(inform)
        assert r.status == 200 and b"InformResponse" in r.body, r.body[:300]
        r = s.post("")
        assert r.status == 204
    finally:
        s.close()

    def stored():
        return set(stack.sql("SELECT code, command_key FROM events WHERE device_id = %s",
                             (dev,)))
    wait_for("every event code stored", lambda: stored() == set(ALL_EVENTS), 20,
             diagnostics=lambda: "missing %s" % (set(ALL_EVENTS) - stored()))
    # Once each, all in the Inform's session, none dead-lettered.
    assert stack.sql("SELECT count(*), count(DISTINCT session_id) FROM events "
                     "WHERE device_id = %s", (dev,)) == [(len(ALL_EVENTS), 1)]
    assert services.inventory.metric('halyard_inventory_rejected_total{reason="bad-field"}') == 0
