"""Check broker messages against the JSON Schemas in proto-json/.

Integration tests call validate() on what the services really publish:

    from schema_check import validate
    validate(json.loads(body), "inform")        # raises AssertionError

Offline: every schema is loaded from proto-json/ into a RefResolver store, so
"$ref": "common.schema.json#/..." resolves without any network access.
Schema names are file stems ("rpc-result" for rpc-result.schema.json); the
message "type" values ("rpc", "rpc.result", ...) are accepted as aliases.
"""

import functools
import json
import os
import pathlib

import jsonschema
from jsonschema import Draft202012Validator

PROTO_DIR = pathlib.Path(
    os.environ.get("HALYARD_PROTO_DIR")
    or pathlib.Path(__file__).resolve().parents[2] / "proto-json"
)
SUFFIX = ".schema.json"
DEVICE_QUEUE_PREFIX = "halyard.dev."

# Message "type" -> schema name, for callers that only know the message.
ALIASES = {
    "rpc": "rpc-request",
    "rpc.result": "rpc-result",
    "session.closed": "session-closed",
    "transfer.complete": "transfer-complete",
    "autonomous.transfer.complete": "autonomous-transfer-complete",
    "du.state.change.complete": "du-state-change-complete",
    "autonomous.du.state.change.complete": "autonomous-du-state-change-complete",
    "request.download": "request-download",
}

# Routing key prefix on halyard.events per message type (acs_topology.h):
# every event is published with the key <type>.<device_id>.
EVENT_TYPES = (
    "inform",
    "rpc.result",
    "session.closed",
    "transfer.complete",
    "autonomous.transfer.complete",
    "du.state.change.complete",
    "autonomous.du.state.change.complete",
    "request.download",
    "kicked",
)
EVENT_KEYS = {t: t + "." for t in EVENT_TYPES}

# Vendor method params: at most this many bytes as compact JSON.
VENDOR_PARAMS_MAX = 65536


class Problem(str):
    """A broken rule the schemas cannot express: the message text, with
    .path the JSON path (list of keys and indexes) of the offending value."""

    def __new__(cls, path, text):
        self = str.__new__(cls, "%s: %s" % (format_path(path), text))
        self.path = list(path)
        return self


@functools.lru_cache(maxsize=None)
def schemas():
    """{name: schema} for every proto-json/*.schema.json (read once)."""
    out = {}
    for path in sorted(PROTO_DIR.glob("*" + SUFFIX)):
        with open(path, encoding="utf-8") as f:
            out[path.name[: -len(SUFFIX)]] = json.load(f)
    if not out:
        raise RuntimeError("no schemas found in %s" % PROTO_DIR)
    return out


def store():
    """{$id: schema} for RefResolver."""
    return {s["$id"]: s for s in schemas().values()}


def resolver(name):
    """A RefResolver rooted at schema name, knowing every other schema."""
    return jsonschema.RefResolver.from_schema(schemas()[name], store=store())


def schema_name(name):
    """Normalise "rpc.result" / "rpc-result.schema.json" / "rpc-result"."""
    if name.endswith(SUFFIX):
        name = name[: -len(SUFFIX)]
    name = ALIASES.get(name, name)
    if name not in schemas() or name == "common":
        raise KeyError("no message schema %r (have %s)" % (name, ", ".join(message_names())))
    return name


def message_names():
    return [n for n in schemas() if n != "common"]


@functools.lru_cache(maxsize=None)
def validator(name):
    name = schema_name(name)
    return Draft202012Validator(
        schemas()[name],
        resolver=resolver(name),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def leaf_errors(errors):
    """Flatten errors with their sub-errors (oneOf / anyOf context)."""
    for e in errors:
        yield e
        if e.context:
            yield from leaf_errors(e.context)


def errors(msg, name):
    """(schema errors of msg against name, most relevant first; broken
    cross-field rules a schema cannot express, as Problems, checked only when
    the schema is satisfied)."""
    name = schema_name(name)
    errs = sorted(validator(name).iter_errors(msg), key=jsonschema.exceptions.relevance)
    extra = [] if errs else cross_field_problems(msg, name)
    return errs, extra


def cross_field_problems(msg, name):
    """The rules of docs/rpc-methods.md that JSON Schema cannot say: the
    device queue is the device's, a SetParameterValues name appears once, a
    time window does not end before it starts, vendor params fit 64 KiB."""
    out = []
    if "device_queue" in msg:
        want = DEVICE_QUEUE_PREFIX + str(msg.get("device_id"))
        if msg["device_queue"] != want:
            text = "device_queue %r is not %r" % (msg["device_queue"], want)
            out.append(Problem(["device_queue"], text))
    if name != "rpc-request" or not isinstance(msg.get("params"), dict):
        return out
    method, params = msg.get("method"), msg["params"]
    if method == "SetParameterValues":
        seen = set()
        for i, v in enumerate(params.get("values", [])):
            if v["name"] in seen:
                text = "name %r appears twice" % v["name"]
                out.append(Problem(["params", "values", i, "name"], text))
            seen.add(v["name"])
    elif method == "ScheduleDownload":
        for i, w in enumerate(params.get("time_windows", [])):
            if w["window_end"] < w["window_start"]:
                out.append(Problem(["params", "time_windows", i, "window_end"],
                                   "window_end %d is before window_start %d"
                                   % (w["window_end"], w["window_start"])))
    elif isinstance(method, str) and method.startswith("X_"):
        size = len(json.dumps(params, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
        if size > VENDOR_PARAMS_MAX:
            out.append(Problem(["params"], "vendor params are %d bytes as JSON, more than %d"
                               % (size, VENDOR_PARAMS_MAX)))
    return out


def format_path(path):
    return "$" + "".join("[%d]" % p if isinstance(p, int) else ".%s" % p for p in path)


def json_path(error):
    return format_path(error.absolute_path)


def validate(msg: dict, name: str) -> None:
    """Assert that msg (a dict, or the raw JSON body as bytes/str) is a valid
    message of schema name. Raises AssertionError listing every problem with
    its JSON path; returns None when valid."""
    if isinstance(msg, (bytes, bytearray)):
        try:
            msg = msg.decode("utf-8")
        except UnicodeDecodeError as e:
            raise AssertionError("%s: body is not UTF-8: %s" % (name, e)) from None
    if isinstance(msg, str):
        try:
            msg = json.loads(msg)
        except ValueError as e:
            raise AssertionError("%s: body is not JSON: %s" % (name, e)) from None
    errs, extra = errors(msg, name)
    if not errs and not extra:
        return
    lines = ["%s at %s: %s" % (e.validator, json_path(e), e.message[:300]) for e in errs[:20]]
    lines += extra
    if len(errs) > 20:
        lines.append("... and %d more" % (len(errs) - 20))
    raise AssertionError(
        "message does not match %s%s:\n  %s\nmessage: %s"
        % (schema_name(name), SUFFIX, "\n  ".join(lines), json.dumps(msg)[:2000])
    )


def check_routing_key(msg: dict, routing_key: str) -> None:
    """Assert that an event on halyard.events carries the routing key its type
    and device_id call for: <type>.<device_id> (inform.<device_id>,
    rpc.result.<device_id>, du.state.change.complete.<device_id>, ...)."""
    prefix = EVENT_KEYS.get(msg.get("type"))
    if prefix is None:
        raise AssertionError("type %r is not published to halyard.events" % msg.get("type"))
    want = prefix + str(msg.get("device_id"))
    if routing_key != want:
        raise AssertionError("routing key %r, expected %r" % (routing_key, want))
