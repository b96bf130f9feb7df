#!/usr/bin/env python3
"""halyard_worker: write Halyard provisioning workers in Python (needs pika).

    from halyard_worker import Worker

    w = Worker("amqp://guest:guest@127.0.0.1:5672/%2F")

    @w.on_inform
    def provision(inform, session):
        res = session.rpc("GetParameterValues", {"names": ["Device.DeviceInfo."]})
        if res["status"] == "ok":
            print(res["result"]["parameters"])
        session.done()

    w.run()

The callback gets each work item from halyard.provision (an inform event,
proto-json/provision-work.schema.json) and a Session for that CWMP session.
Session.rpc() declares the device queue, publishes an RPC tagged with the
session id (publisher confirms) and, with wait=True, blocks until the
gateway's result reaches this worker's reply queue. When the callback
returns, the work item is acknowledged (its RPCs are published by then), and
"done" is sent if the callback did not send it. A callback that raises sends
"done" and rejects the item to halyard.dead. A worker that dies before the
ack gets its item redelivered to another worker.

Command line (HALYARD_AMQP_URL or --url):
    halyard_worker.py rpc DEVICE_ID METHOD [PARAMS_JSON] [--wait SECONDS]
    halyard_worker.py watch [ROUTING_KEY]        (default "#")

Docs: docs/workers.md. The contract: proto-json/.
"""

import argparse
import collections
import json
import logging
import os
import re
import sys
import time
import uuid

import pika
import pika.exceptions

# The topology, as common/acs_topology.h declares it (the broker refuses a
# redeclaration with other arguments, so these must match exactly).
EVENTS_EXCHANGE = "halyard.events"
PROVISION_QUEUE = "halyard.provision"
DEVICE_QUEUE_PREFIX = "halyard.dev."
DEVICE_QUEUE_ARGS = {
    "x-expires": 604800000,
    "x-max-length": 1000,
    "x-overflow": "reject-publish",
    "x-dead-letter-exchange": "halyard.dead",
}
VERSION = 1
DEFAULT_URL = os.environ.get("HALYARD_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")

DEVICE_ID_RE = re.compile(r"[A-Za-z0-9_%-]{1,600}")
# Results kept for rpc(wait=False) callers until they wait() for them.
MAX_PENDING_RESULTS = 1000

log = logging.getLogger("halyard")


class HalyardError(Exception):
    """Base of this module's errors."""


class RpcTimeout(HalyardError):
    """No result arrived in time (the RPC may still run later)."""


class QueueFull(HalyardError):
    """The broker refused the publish: the device queue holds 1000 messages."""


def device_queue(device_id):
    """The device's RPC queue name; ValueError for a malformed device id."""
    if not isinstance(device_id, str) or not DEVICE_ID_RE.fullmatch(device_id):
        raise ValueError("not an escaped device id: %r" % (device_id,))
    return DEVICE_QUEUE_PREFIX + device_id


def declare_device_queue(channel, device_id):
    """Declare the device queue (idempotent with the same arguments)."""
    q = device_queue(device_id)
    channel.queue_declare(q, durable=True, arguments=DEVICE_QUEUE_ARGS)
    return q


def new_id():
    return uuid.uuid4().hex


def rpc_message(device_id, method, params=None, session_id=None, rpc_id=None):
    """An RPC request body (proto-json/rpc-request.schema.json)."""
    msg = {
        "type": "rpc",
        "version": VERSION,
        "message_id": new_id(),
        "id": rpc_id or new_id(),
        "device_id": device_id,
        "method": method,
        "params": params if params is not None else {},
    }
    if session_id is not None:
        msg["session_id"] = session_id
    return msg


def publish(channel, routing_key, msg, reply_to=None, correlation_id=None):
    """Publish msg persistently to the default exchange on a channel in
    confirm mode; returns once the broker confirmed it. QueueFull on a nack
    (reject-publish), HalyardError if no queue took it."""
    props = pika.BasicProperties(
        content_type="application/json",
        delivery_mode=2,
        message_id=msg["message_id"],
        reply_to=reply_to,
        correlation_id=correlation_id,
    )
    body = json.dumps(msg, separators=(",", ":")).encode("utf-8")
    try:
        channel.basic_publish("", routing_key, body, props, mandatory=True)
    except pika.exceptions.NackError:
        raise QueueFull("%s refused the message (full?)" % routing_key) from None
    except pika.exceptions.UnroutableError:
        raise HalyardError("no queue %s (declare it first)" % routing_key) from None


def queue_rpc(amqp_url, device_id, method, params, reply_to=None, rpc_id=None,
              correlation_id=None):
    """Queue an operator RPC outside any session: it runs, in order, in the
    device's next session (wake the device to make that soon). The result goes
    to reply_to (if given) and to halyard.events as rpc.result.<device_id>.
    Returns the RPC id."""
    msg = rpc_message(device_id, method, params, rpc_id=rpc_id)
    conn = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        ch = conn.channel()
        ch.confirm_delivery()
        q = declare_device_queue(ch, device_id)
        publish(ch, q, msg, reply_to=reply_to, correlation_id=correlation_id or msg["id"])
    finally:
        conn.close()
    return msg["id"]


class Session:
    """One CWMP session as a worker sees it. Not thread-safe; use it only
    inside the on_inform callback that received it."""

    def __init__(self, worker, inform, redelivered=False):
        self._worker = worker
        self.inform = inform
        self.device_id = inform["device_id"]
        self.session_id = inform["session_id"]
        self.device_queue = inform["device_queue"]
        self.worker_wait_ms = inform["worker_wait_ms"]
        self.redelivered = redelivered  # another worker may have started it
        self.finished = False
        self._declared = False

    def _send(self, msg, reply_to=None, correlation_id=None):
        if self.finished:
            raise HalyardError("session %s: done already sent" % self.session_id)
        ch = self._worker._pub
        if not self._declared:
            declare_device_queue(ch, self.device_id)
            self._declared = True
        publish(ch, self.device_queue, msg, reply_to, correlation_id)

    def rpc(self, method, params=None, wait=True, timeout=None):
        """Send one RPC in this session. wait=True: block until its result
        (timeout seconds, default the worker's rpc_timeout) and return the
        result dict (check "status": ok / fault / failed); RpcTimeout if
        none came. wait=False: return the RPC id at once (see wait())."""
        msg = rpc_message(self.device_id, method, params, session_id=self.session_id)
        self._send(msg, reply_to=self._worker.reply_queue, correlation_id=msg["id"])
        if not wait:
            return msg["id"]
        return self.wait(msg["id"], timeout)

    def wait(self, rpc_id, timeout=None):
        """The result of an RPC sent with wait=False."""
        return self._worker._wait_result(rpc_id, timeout)

    def done(self):
        """End this worker's part of the session: once the device queue holds
        nothing more for it, the gateway closes the session (204)."""
        msg = {
            "type": "done",
            "version": VERSION,
            "message_id": new_id(),
            "device_id": self.device_id,
            "session_id": self.session_id,
        }
        self._send(msg)
        self.finished = True


class Worker:
    """Consumes halyard.provision (manual ack, prefetch) and calls the
    on_inform callback for each work item, one at a time. Run several
    processes to scale: they compete for work items."""

    # prefetch 1 by default: items are handled one at a time, and an item
    # buffered behind a long conversation could miss its worker_wait_ms.
    def __init__(self, amqp_url=DEFAULT_URL, prefetch=1, rpc_timeout=60.0):
        self.amqp_url = amqp_url
        self.prefetch = prefetch
        self.rpc_timeout = rpc_timeout
        self.reply_queue = None
        self._callback = None
        self._conn = None
        self._stopping = False
        self._results = collections.OrderedDict()

    def on_inform(self, callback):
        """Set callback(inform_dict, session); usable as a decorator."""
        self._callback = callback
        return callback

    def stop(self):
        """Make run() return after the current work item."""
        self._stopping = True

    def _connect(self):
        self._conn = pika.BlockingConnection(pika.URLParameters(self.amqp_url))
        # Three channels: a consumer generator per channel, and publisher
        # confirms on their own channel. Deliveries for one generator are
        # buffered while we wait on another, so nothing is re-entered.
        self._work = self._conn.channel()
        try:
            self._work.queue_declare(PROVISION_QUEUE, passive=True)
        except pika.exceptions.ChannelClosedByBroker:
            raise HalyardError(
                "%s does not exist: start the gateway first (it declares the "
                "topology)" % PROVISION_QUEUE) from None
        self._work.basic_qos(prefetch_count=self.prefetch)
        self._pub = self._conn.channel()
        self._pub.confirm_delivery()
        self._reply = self._conn.channel()
        r = self._reply.queue_declare("", exclusive=True, auto_delete=True)
        self.reply_queue = r.method.queue

    def run(self):
        """Serve work items until stop() or an AMQP connection error (which
        propagates: restart the worker; unacked items are redelivered)."""
        if self._callback is None:
            raise HalyardError("no on_inform callback")
        self._connect()
        try:
            for method, props, body in self._work.consume(PROVISION_QUEUE,
                                                          inactivity_timeout=1.0):
                if method is not None:
                    self._handle(method, body)
                if self._stopping:
                    break
        finally:
            if self._conn.is_open:
                self._conn.close()

    def _handle(self, method, body):
        tag = method.delivery_tag
        try:
            inform = json.loads(body)
            session = Session(self, inform, method.redelivered)
            if inform.get("type") != "inform" or session.device_queue != device_queue(
                    session.device_id):
                raise ValueError("not a work item")
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            log.error("bad work item, rejected to halyard.dead: %s", e)
            self._work.basic_reject(tag, requeue=False)
            return
        try:
            self._callback(inform, session)
            if not session.finished:
                session.done()
        except pika.exceptions.AMQPError:
            raise
        except Exception:
            log.exception("device=%s session=%s: callback failed, work item rejected",
                          session.device_id, session.session_id)
            if not session.finished:
                try:
                    session.done()
                except HalyardError:
                    pass
            self._work.basic_reject(tag, requeue=False)
            return
        self._work.basic_ack(tag)

    def _wait_result(self, rpc_id, timeout):
        deadline = time.monotonic() + (self.rpc_timeout if timeout is None else timeout)
        while rpc_id not in self._results:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RpcTimeout("no result for RPC %s" % rpc_id)
            method, props, body = next(self._reply.consume(
                self.reply_queue, auto_ack=True, inactivity_timeout=min(left, 1.0)))
            if method is None:
                continue
            try:
                res = json.loads(body)
                self._results[res["id"]] = res
            except (ValueError, KeyError, TypeError):
                log.warning("ignoring a malformed result on %s", self.reply_queue)
                continue
            while len(self._results) > MAX_PENDING_RESULTS:
                self._results.popitem(last=False)
        return self._results.pop(rpc_id)


# ---- command line -------------------------------------------------------------


def cmd_rpc(args):
    params = json.loads(args.params) if args.params else {}
    if not args.wait:
        print(queue_rpc(args.url, args.device_id, args.method, params))
        return 0
    conn = pika.BlockingConnection(pika.URLParameters(args.url))
    try:
        ch = conn.channel()
        reply = ch.queue_declare("", exclusive=True, auto_delete=True).method.queue
        ch.confirm_delivery()
        msg = rpc_message(args.device_id, args.method, params)
        publish(ch, declare_device_queue(ch, args.device_id), msg, reply, msg["id"])
        print("queued %s; waiting up to %ss for the device's next session"
              % (msg["id"], args.wait), file=sys.stderr)
        for method, props, body in ch.consume(reply, auto_ack=True,
                                              inactivity_timeout=args.wait):
            if method is None:
                print("timeout: the RPC stays queued", file=sys.stderr)
                return 1
            res = json.loads(body)
            if res.get("id") == msg["id"]:
                print(json.dumps(res, indent=2))
                return 0 if res.get("status") == "ok" else 1
    finally:
        conn.close()
    return 1


def cmd_watch(args):
    conn = pika.BlockingConnection(pika.URLParameters(args.url))
    ch = conn.channel()
    q = ch.queue_declare("", exclusive=True, auto_delete=True).method.queue
    ch.queue_bind(q, EVENTS_EXCHANGE, args.key)
    try:
        for method, props, body in ch.consume(q, auto_ack=True):
            print(method.routing_key, body.decode("utf-8", "replace"), flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        conn.close()
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default=DEFAULT_URL, help="AMQP URL (HALYARD_AMQP_URL)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("rpc", help="queue an RPC for a device (no session)")
    p.add_argument("device_id")
    p.add_argument("method")
    p.add_argument("params", nargs="?", help='JSON object, e.g. \'{"names":["Device."]}\'')
    p.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                   help="wait this long for the result and print it")
    p.set_defaults(fn=cmd_rpc)
    p = sub.add_parser("watch", help="print events from halyard.events")
    p.add_argument("key", nargs="?", default="#", help='routing key pattern ("inform.*")')
    p.set_defaults(fn=cmd_watch)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("pika").setLevel(logging.WARNING)
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
