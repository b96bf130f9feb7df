#!/usr/bin/env python3
"""Example provisioning worker: reads DeviceInfo. of every device that informs.

For each work item it asks GetParameterValues of <root>DeviceInfo., where the
root (Device. or InternetGatewayDevice.) comes from the Inform's parameters
(or, if they name none, from GetParameterNames of the root), waits for the
result, prints it as one JSON line, then sends done.

    HALYARD_AMQP_URL=amqp://guest:guest@127.0.0.1:5672/%2F ./provision_gpv.py
"""

import json
import logging
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from halyard_worker import DEFAULT_URL, RpcTimeout, Worker  # noqa: E402

ROOTS = ("Device.", "InternetGatewayDevice.")


def data_model_root(inform, session):
    for p in inform.get("parameters", []):
        for root in ROOTS:
            if p.get("name", "").startswith(root):
                return root
    res = session.rpc("GetParameterNames", {"path": "", "next_level": True})
    if res["status"] == "ok":
        for p in res["result"]["parameters"]:
            if p["name"] in ROOTS:
                return p["name"]
    return None


def provision(inform, session):
    try:
        root = data_model_root(inform, session)
        if root is None:
            logging.warning("device=%s: no known data model root", session.device_id)
        else:
            res = session.rpc("GetParameterValues", {"names": [root + "DeviceInfo."]})
            print(json.dumps(res), flush=True)
    except RpcTimeout as e:
        logging.warning("device=%s: %s", session.device_id, e)
    session.done()


def main():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("pika").setLevel(logging.WARNING)
    worker = Worker(os.environ.get("HALYARD_AMQP_URL", DEFAULT_URL))
    worker.on_inform(provision)
    try:
        worker.run()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
