"""Broker helpers for integration tests: watch events, queue RPCs."""
import json
import time
import uuid

import pika

DEVICE_QUEUE_ARGS = {"x-expires": 604800000, "x-max-length": 1000,
                     "x-overflow": "reject-publish",
                     "x-dead-letter-exchange": "halyard.dead"}


class EventTap:
    """An exclusive queue bound to halyard.events: every event published while
    it exists is collected, so a test can assert what was (not) published."""

    def __init__(self, stack, binding="#"):
        self.conn = stack.amqp()
        self.ch = self.conn.channel()
        self.queue = self.ch.queue_declare("", exclusive=True).method.queue
        self.ch.queue_bind(self.queue, "halyard.events", routing_key=binding)
        self.events = []

    def drain(self, settle=0.3):
        time.sleep(settle)
        while True:
            method, props, body = self.ch.basic_get(self.queue, auto_ack=True)
            if method is None:
                return self.events
            self.events.append((method.routing_key, json.loads(body)))

    def for_device(self, device_id, settle=0.3):
        self.drain(settle)
        return [e for _, e in self.events if e.get("device_id") == device_id]

    def close(self):
        try:
            self.conn.close()
        except Exception:  # noqa: BLE001 - the broker may be gone
            pass


class Operator:
    """Queues RPCs on device queues and reads their results, as a worker or
    acsctl would, over its own connection with publisher confirms."""

    def __init__(self, stack):
        self.conn = stack.amqp()
        self.ch = self.conn.channel()
        self.ch.confirm_delivery()
        self.reply_to = self.ch.queue_declare("", exclusive=True).method.queue

    def queue_rpc(self, device_id, method, params, rpc_id=None, session_id=None, extra=None):
        rpc_id = rpc_id or "t-" + uuid.uuid4().hex[:12]
        q = "halyard.dev." + device_id
        self.ch.queue_declare(q, durable=True, arguments=DEVICE_QUEUE_ARGS)
        msg = {"type": "rpc", "version": 1, "message_id": uuid.uuid4().hex, "id": rpc_id,
               "device_id": device_id, "method": method, "params": params}
        if session_id:
            msg["session_id"] = session_id
        msg.update(extra or {})
        self.ch.basic_publish("", q, json.dumps(msg).encode(), pika.BasicProperties(
            content_type="application/json", delivery_mode=2, reply_to=self.reply_to,
            correlation_id="corr-" + rpc_id, message_id=msg["message_id"]))
        return rpc_id

    def publish_raw(self, device_id, body):
        q = "halyard.dev." + device_id
        self.ch.queue_declare(q, durable=True, arguments=DEVICE_QUEUE_ARGS)
        self.ch.basic_publish("", q, body, pika.BasicProperties(delivery_mode=2))

    def results(self, count, timeout=30):
        """Wait for count results on reply_to; returns them in arrival order."""
        out = []
        deadline = time.monotonic() + timeout
        while len(out) < count and time.monotonic() < deadline:
            method, props, body = self.ch.basic_get(self.reply_to, auto_ack=True)
            if method is None:
                time.sleep(0.05)
                continue
            r = json.loads(body)
            r["_correlation_id"] = props.correlation_id
            out.append(r)
        return out

    def queue_depth(self, device_id):
        q = "halyard.dev." + device_id
        return self.ch.queue_declare(q, durable=True, arguments=DEVICE_QUEUE_ARGS
                                     ).method.message_count

    def close(self):
        try:
            self.conn.close()
        except Exception:  # noqa: BLE001
            pass
