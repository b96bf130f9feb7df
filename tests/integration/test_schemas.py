"""The broker message contract (proto-json/) checks itself: every schema is a
valid draft 2020-12 schema whose $refs resolve offline, every example is
valid, every invalid example fails for the reason its file name gives.

Invalid examples are named <schema>--<field>--<what>.json, field being the
dotted path without array indexes ("params.values.type"). The file passes
when every error points at that field (or, for a missing field, is a
"required" error on its parent naming it).

Needs no running server.
"""

import json
import pathlib
import re
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import schema_check  # noqa: E402
from jsonschema import Draft202012Validator  # noqa: E402

ROOT = HERE.parents[1]
PROTO = schema_check.PROTO_DIR
EXAMPLES = PROTO / "examples"
INVALID = EXAMPLES / "invalid"
METASCHEMA = "https://json-schema.org/draft/2020-12/schema"

NAMES = sorted(schema_check.schemas())
MESSAGES = schema_check.message_names()
VALID = sorted(p for p in EXAMPLES.glob("*/*.json") if p.parent.name != "invalid")
BAD = sorted(INVALID.glob("*.json"))


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def walk(node, key):
    """Every value of key anywhere in a JSON document."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield v
            yield from walk(v, key)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v, key)


def rel(p):
    return str(p.relative_to(PROTO))


# ---- the schemas themselves -------------------------------------------------


def test_every_message_has_a_schema():
    want = {
        "common",
        "inform",
        "provision-work",
        "rpc-request",
        "done",
        "rpc-result",
        "session-closed",
        "transfer-complete",
    }
    assert want <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_schema_is_valid(name):
    schema = schema_check.schemas()[name]
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == METASCHEMA
    assert schema["$id"].endswith("/" + name + schema_check.SUFFIX)
    # check_schema does not compile patterns: do it, in Python's dialect.
    for pattern in walk(schema, "pattern"):
        re.compile(pattern)


@pytest.mark.parametrize("name", NAMES)
def test_schema_refs_resolve(name):
    """Every $ref, also in branches no example takes, points somewhere."""
    schema = schema_check.schemas()[name]
    resolver = schema_check.resolver(name)
    refs = list(walk(schema, "$ref"))
    for ref in refs:
        url, target = resolver.resolve(ref)
        assert isinstance(target, (dict, bool)), "%s: %s" % (name, ref)
    if name != "common":
        assert refs, "%s uses nothing from common.schema.json" % name


def test_ids_are_unique():
    ids = [s["$id"] for s in schema_check.schemas().values()]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("name", MESSAGES)
def test_schemas_allow_unknown_fields(name):
    """Forward compatibility: no schema closes an object."""
    schema = schema_check.schemas()[name]
    assert False not in list(walk(schema, "additionalProperties"))
    assert "unevaluatedProperties" not in json.dumps(schema)


# ---- valid examples ---------------------------------------------------------


@pytest.mark.parametrize("name", MESSAGES)
def test_at_least_two_examples(name):
    assert len(list((EXAMPLES / name).glob("*.json"))) >= 2, name


@pytest.mark.parametrize("path", VALID, ids=rel)
def test_example_is_valid(path):
    schema_check.validate(load(path), path.parent.name)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("provision-work/*.json")), ids=rel)
def test_work_item_is_an_inform(path):
    schema_check.validate(load(path), "inform")


def test_inform_without_session_is_not_a_work_item():
    msg = load(EXAMPLES / "inform" / "minimal-periodic.json")
    schema_check.validate(msg, "inform")
    with pytest.raises(AssertionError, match="session_id"):
        schema_check.validate(msg, "provision-work")


@pytest.mark.parametrize("path", VALID, ids=rel)
def test_example_type_matches_schema(path):
    msg = load(path)
    want = {v: k for k, v in schema_check.ALIASES.items()}
    name = path.parent.name
    assert msg["type"] == want.get(name, "inform" if name == "provision-work" else name)


# ---- invalid examples -------------------------------------------------------


def parse_invalid_name(path):
    parts = path.stem.split("--")
    assert len(parts) == 3, "%s: name it <schema>--<field>--<what>.json" % path.name
    return parts[0], parts[1].split(".")


def matches(error, field):
    path = [p for p in error.absolute_path if not isinstance(p, int)]
    if path == field:
        return True
    return (
        error.validator == "required"
        and path == field[:-1]
        and repr(field[-1]) in error.message
    )


def test_invalid_examples_exist_for_every_message():
    have = {parse_invalid_name(p)[0] for p in BAD}
    assert set(MESSAGES) <= have


@pytest.mark.parametrize("path", BAD, ids=rel)
def test_invalid_example_fails_for_its_reason(path):
    name, field = parse_invalid_name(path)
    assert name in MESSAGES, "%s: unknown schema %s" % (path.name, name)
    msg = load(path)
    errs, extra = schema_check.errors(msg, name)
    assert errs or extra, "%s validates but must not" % path.name
    # Fails at the field, and only there: an example that breaks two rules
    # would prove nothing about the one its name gives.
    others = [e for e in errs if not matches(e, field)] + extra
    assert errs and not others, "%s must fail at %s only: %s" % (
        path.name,
        ".".join(field),
        "; ".join(
            e if isinstance(e, str) else "%s: %s" % (schema_check.json_path(e), e.message[:120])
            for e in errs + extra
        ),
    )
    with pytest.raises(AssertionError):
        schema_check.validate(msg, name)


# ---- the helper other tests use ----------------------------------------------


def test_validate_helper_messages():
    good = load(EXAMPLES / "rpc-result" / "gpv-ok.json")
    schema_check.validate(good, "rpc-result")
    schema_check.validate(good, "rpc.result")
    schema_check.validate(json.dumps(good).encode(), "rpc-result.schema.json")
    bad = dict(good, status="ok")
    del bad["result"]
    with pytest.raises(AssertionError, match=r"'result' is a required property"):
        schema_check.validate(bad, "rpc-result")
    with pytest.raises(AssertionError, match="not JSON"):
        schema_check.validate(b"{", "rpc-result")
    with pytest.raises(KeyError):
        schema_check.validate(good, "no-such-message")


def test_validate_checks_device_queue():
    msg = load(EXAMPLES / "provision-work" / "device2-boot-reboot.json")
    msg["device_queue"] = "halyard.dev.someone-else"
    with pytest.raises(AssertionError, match="device_queue"):
        schema_check.validate(msg, "provision-work")


def test_check_routing_key():
    msg = load(EXAMPLES / "session-closed" / "done.json")
    schema_check.check_routing_key(msg, "session.closed." + msg["device_id"])
    with pytest.raises(AssertionError):
        schema_check.check_routing_key(msg, "inform." + msg["device_id"])


# ---- the contract agrees with acs_topology.h and the Python example -----------


def topology_defines():
    text = (ROOT / "common" / "acs_topology.h").read_text(encoding="utf-8")
    return dict(re.findall(r"^#define\s+(ACS_\w+)\s+(\S+)", text, re.M))


def test_schemas_agree_with_topology():
    d = topology_defines()
    assert schema_check.DEVICE_QUEUE_PREFIX == json.loads(d["ACS_DEVICE_QUEUE_PREFIX"])
    pattern = schema_check.schemas()["common"]["$defs"]["device_queue"]["pattern"]
    assert pattern.startswith("^" + re.escape(schema_check.DEVICE_QUEUE_PREFIX))


def test_python_worker_uses_topology():
    pytest.importorskip("pika")
    sys.path.insert(0, str(ROOT / "examples" / "python"))
    import halyard_worker as hw

    d = topology_defines()
    assert hw.EVENTS_EXCHANGE == json.loads(d["ACS_EXCHANGE_EVENTS"])
    assert hw.PROVISION_QUEUE == json.loads(d["ACS_QUEUE_PROVISION"])
    assert hw.DEVICE_QUEUE_PREFIX == json.loads(d["ACS_DEVICE_QUEUE_PREFIX"])
    assert hw.DEVICE_QUEUE_ARGS == {
        "x-expires": int(d["ACS_DEVICE_QUEUE_EXPIRES_MS"]),
        "x-max-length": int(d["ACS_DEVICE_QUEUE_MAX_LENGTH"]),
        "x-overflow": "reject-publish",
        "x-dead-letter-exchange": "halyard.dead",
    }


def doc_examples():
    text = (ROOT / "docs" / "messages.md").read_text(encoding="utf-8")
    return re.findall(r"^```json\n(.*?)^```", text, re.M | re.S)


def test_docs_examples_are_valid():
    blocks = doc_examples()
    assert len(blocks) >= 6
    for block in blocks:
        msg = json.loads(block)
        schema_check.validate(msg, msg["type"])
