"""Simulated fleets (cpe-sim) through nginx, acs-gateway, RabbitMQ,
acs-inventory and PostgreSQL: what an operator checks in the database."""
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest

import cwmp_client as C
from halyard_stack import ROOT, parse_json_summary, wait_for

OUI, PC = "DEC0DE", "SimGW"
USER, PASSWORD = "boot", "bootpw"

sys.path.insert(0, os.path.join(ROOT, "examples", "python"))


@pytest.fixture
def fleet(services):
    services.stack.add_bootstrap_credential(OUI, "*", USER, PASSWORD)
    return services


def sim_args(prefix, count, *extra):
    return ["--count", count, "--oui", OUI, "--product-class", PC, "--serial-prefix", prefix,
            "--username", USER, "--password", PASSWORD, "--quiet"] + list(extra)


def ids(prefix, count):
    return [C.device_id(OUI, PC, "%s%06d" % (prefix, i)) for i in range(1, count + 1)]


def devices_in_db(stack, prefix):
    return stack.sql("SELECT device_id FROM devices WHERE serial_number LIKE %s",
                     (prefix + "%",))


def test_twenty_cpes_bootstrap_into_postgresql(fleet):
    stack = fleet.stack
    prefix = "BS%s-" % uuid.uuid4().hex[:6]
    rc, summary, err = stack.run_cpe_sim(*sim_args(prefix, 20))
    assert rc == 0, err[-2000:]
    assert summary["sessions_ok"] == 20 and summary["sessions_failed"] == 0
    assert summary["http_status"].get("204") == 20
    expected = set(ids(prefix, 20))
    assert {d["device_id"] for d in summary["devices"]} == expected
    wait_for("20 devices in PostgreSQL", lambda: len(devices_in_db(stack, prefix)) == 20, 20)
    rows = stack.sql(
        "SELECT device_id, oui, product_class, software_version, hardware_version, "
        "cwmp_version, connection_request_url, last_inform_addr, first_seen <= last_seen "
        "FROM devices WHERE serial_number LIKE %s", (prefix + "%",))
    assert {r[0] for r in rows} == expected
    for r in rows:
        assert r[1:7] == (OUI, PC, "5.1.2", "HW1.0", "1.2", r[6]) and r[6], r
        assert r[7] == "127.0.0.1" and r[8] is True
    # Every forced-inform parameter of each Inform is stored.
    counts = stack.sql(
        "SELECT count(DISTINCT device_id), count(*) FROM parameters WHERE device_id = ANY(%s) "
        "AND name = 'Device.DeviceInfo.SoftwareVersion' AND value = '5.1.2'", (list(expected),))
    assert counts == [(20, 20)]
    boot = stack.sql("SELECT count(DISTINCT device_id) FROM events WHERE device_id = ANY(%s) "
                     "AND code = '0 BOOTSTRAP'", (list(expected),))
    assert boot == [(20,)]
    ended = stack.sql("SELECT count(*) FROM sessions WHERE device_id = ANY(%s) "
                      "AND ended_at IS NOT NULL AND end_reason IS NOT NULL", (list(expected),))
    wait_for("sessions closed", lambda: stack.sql(
        "SELECT count(*) FROM sessions WHERE device_id = ANY(%s) AND ended_at IS NOT NULL",
        (list(expected),)) == [(20,)], 10)
    assert ended[0][0] <= 20


def test_python_worker_answers_with_gpv_values_land_in_postgresql(fleet):
    import halyard_worker as hw
    stack = fleet.stack
    ch = stack.amqp().channel()
    ch.queue_purge("halyard.provision")        # informs of earlier tests
    prefix = "WK%s-" % uuid.uuid4().hex[:6]
    expected = set(ids(prefix, 3))
    handled = []

    def on_inform(inform, session):
        if inform["device_id"] not in expected:
            return
        root = "InternetGatewayDevice." if any(
            p["name"].startswith("InternetGatewayDevice.") for p in inform["parameters"]) \
            else "Device."
        result = session.rpc("GetParameterValues", {"names": [root + "DeviceInfo."]})
        handled.append((inform["device_id"], result["status"]))

    worker = hw.Worker(stack.amqp_url)
    worker.on_inform(on_inform)
    t = threading.Thread(target=worker.run, daemon=True)
    t.start()
    try:
        rc, summary, err = stack.run_cpe_sim(*sim_args(prefix, 3))
        assert rc == 0, err[-2000:]
        assert summary["http_status"].get("204") == 3
        for d in summary["devices"]:
            assert d["rpcs"] == ["GetParameterValues"]
        assert sorted(handled) == sorted((d, "ok") for d in expected)
        # Values only a GetParameterValues returns (not in the Inform) are stored.
        wait_for("GPV values in PostgreSQL", lambda: stack.sql(
            "SELECT count(DISTINCT device_id) FROM parameters WHERE device_id = ANY(%s) "
            "AND name = 'Device.DeviceInfo.ModelName' AND value = 'SimGW 181'",
            (list(expected),)) == [(3,)], 15)
        # The worker said done, so no session waited for it.
        assert fleet.gateway.metric("halyard_gw_sessions_ended_total") >= 3
    finally:
        worker.stop()
        t.join(10)


def test_broker_outage_cpes_get_503_and_no_acknowledged_inform_is_lost(fleet):
    stack = fleet.stack
    gw = fleet.gateway
    prefix = "BO%s-" % uuid.uuid4().hex[:6]
    confirmed_before = gw.metric("halyard_gw_informs_total")
    cmd = [stack.bin("cpe-sim"), "--acs", stack.cwmp_url, "--json", "--timeout", "10"] + [
        str(a) for a in sim_args(prefix, 20, "--sessions", 0, "--interval", 1)]
    sim = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           start_new_session=True)
    try:
        time.sleep(3)
        stack.stop_broker()
        time.sleep(3)
        stack.start_broker()
        wait_for("gateway reconnected", lambda: gw.health() == 200, 30)
        time.sleep(3)
    finally:
        sim.send_signal(signal.SIGINT)
        out, err = sim.communicate(timeout=60)
    summary = parse_json_summary(out.decode())
    assert summary["http_status"].get("503", 0) > 0, summary["http_status"]
    assert summary["sessions_ok"] > 20
    confirmed = gw.metric("halyard_gw_informs_total") - confirmed_before
    assert confirmed > 0
    # Every Inform the broker confirmed (so every one that got an
    # InformResponse) reaches PostgreSQL once the inventory catches up.
    devs = ids(prefix, 20)
    wait_for("confirmed informs in PostgreSQL", lambda: stack.sql(
        "SELECT count(*) FROM sessions WHERE device_id = ANY(%s)", (devs,))[0][0] >= confirmed,
        30, diagnostics=lambda: "confirmed %d, stored %s" % (confirmed, stack.sql(
            "SELECT count(*) FROM sessions WHERE device_id = ANY(%s)", (devs,))))
    assert gw.alive() and fleet.inventory.alive()


@pytest.mark.parametrize("model,version,extra", [
    ("tr098", "1.0", []),
    ("tr181", "1.4", ["--no-cookies"]),
    ("tr098", "1.2", ["--no-cookies"]),
], ids=["tr098-cwmp1.0", "tr181-cwmp1.4-cookieless", "tr098-cookieless"])
def test_fleet_variants_with_worker_rpc(fleet, model, version, extra):
    """Other data models, CWMP versions and CPEs that ignore cookies all get
    through a whole session with an RPC, and land in PostgreSQL."""
    from taps import Operator
    stack = fleet.stack
    prefix = "V%s-" % uuid.uuid4().hex[:6]
    devs = ids(prefix, 5)
    root = "InternetGatewayDevice." if model == "tr098" else "Device."
    op = Operator(stack)
    try:
        rpcs = [op.queue_rpc(d, "GetParameterValues", {"names": [root + "DeviceInfo."]})
                for d in devs]
        rc, summary, err = stack.run_cpe_sim(*sim_args(prefix, 5, "--model", model,
                                                       "--cwmp-version", version, *extra))
        assert rc == 0, err[-2000:]
        assert summary["sessions_ok"] == 5
        assert all(d["rpcs"] == ["GetParameterValues"] for d in summary["devices"])
        res = op.results(5)
        assert sorted(r["id"] for r in res) == sorted(rpcs)
        assert all(r["status"] == "ok" for r in res)
    finally:
        op.close()
    wait_for("devices stored", lambda: stack.sql(
        "SELECT count(*) FROM devices WHERE device_id = ANY(%s) AND cwmp_version = %s "
        "AND software_version IS NOT NULL", (devs, version)) == [(5,)], 20,
        diagnostics=lambda: str(stack.sql(
            "SELECT device_id, cwmp_version, software_version FROM devices "
            "WHERE device_id = ANY(%s)", (devs,))))
    # The GPV's values (beyond the Inform's) are stored too.
    wait_for("GPV values stored", lambda: stack.sql(
        "SELECT count(DISTINCT device_id) FROM parameters WHERE device_id = ANY(%s) "
        "AND name = %s", (devs, root + "DeviceInfo.ModelName")) == [(5,)], 20)
