#!/usr/bin/env python3
"""Example worker: on first contact, set one parameter and read it back.

For every work item whose Inform carries "0 BOOTSTRAP" it sends
SetParameterValues of one parameter (HALYARD_SET_NAME, relative to the data
model root, default ManagementServer.PeriodicInformInterval; value
HALYARD_SET_VALUE, default 300; type HALYARD_SET_TYPE, default unsignedInt),
then GetParameterValues of the same name, prints one JSON line

    {"device_id": ..., "set": "ok", "value": "300"}

and sends done. Other informs get done at once.

    HALYARD_AMQP_URL=amqp://guest:guest@127.0.0.1:47672/%2F ./bootstrap_set.py
"""

import json
import logging
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from halyard_worker import DEFAULT_URL, RpcTimeout, Worker  # noqa: E402

ROOTS = ("Device.", "InternetGatewayDevice.")
NAME = os.environ.get("HALYARD_SET_NAME", "ManagementServer.PeriodicInformInterval")
VALUE = os.environ.get("HALYARD_SET_VALUE", "300")
TYPE = os.environ.get("HALYARD_SET_TYPE", "unsignedInt")


def root_of(inform):
    """Device. or InternetGatewayDevice., from the Inform's parameter names."""
    for p in inform.get("parameters", []):
        for root in ROOTS:
            if p.get("name", "").startswith(root):
                return root
    return None


def bootstrap(inform, session):
    codes = [e.get("code") for e in inform.get("events", [])]
    root = root_of(inform)
    if "0 BOOTSTRAP" not in codes or root is None:
        session.done()
        return
    name = root + NAME
    line = {"device_id": session.device_id, "name": name}
    try:
        res = session.rpc("SetParameterValues", {
            "values": [{"name": name, "value": VALUE, "type": TYPE}],
            "parameter_key": "bootstrap-example"})
        line["set"] = res["status"]
        if res["status"] == "ok":
            res = session.rpc("GetParameterValues", {"names": [name]})
            if res["status"] == "ok":
                params = res["result"]["parameters"]
                line["value"] = params[0]["value"] if params else None
        if res["status"] != "ok":
            line["error"] = res.get("fault") or res.get("reason")
    except RpcTimeout as e:
        line["error"] = str(e)
    print(json.dumps(line), flush=True)
    session.done()


def main():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("pika").setLevel(logging.WARNING)
    worker = Worker(os.environ.get("HALYARD_AMQP_URL", DEFAULT_URL))
    worker.on_inform(bootstrap)
    try:
        worker.run()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
