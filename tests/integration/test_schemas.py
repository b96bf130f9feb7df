"""The broker message contract (proto-json/) checks itself: every schema is a
valid draft 2020-12 schema whose $refs resolve offline, every example is
valid, every invalid example fails for the reason its file name gives.

Invalid examples are named <schema>--<field>--<what>.json, field being the
dotted path without array indexes ("params.values.type"). The file passes
when every error points at that field (or, for a missing field, is a
"required" error on its parent naming it). Cross-field rules the schemas
cannot say (schema_check.cross_field_problems) count the same way.

The schemas are the normative form of docs/rpc-methods.md: every method and
every event type of that page has a schema branch and examples here.

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
        "autonomous-transfer-complete",
        "du-state-change-complete",
        "autonomous-du-state-change-complete",
        "request-download",
        "kicked",
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
    if isinstance(error, schema_check.Problem):
        return [p for p in error.path if not isinstance(p, int)] == field
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
    others = [e for e in errs + extra if not matches(e, field)]
    assert not others, "%s must fail at %s only: %s" % (
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
    msg = load(EXAMPLES / "du-state-change-complete" / "install-ok.json")
    schema_check.check_routing_key(msg, "du.state.change.complete." + msg["device_id"])
    with pytest.raises(AssertionError):
        schema_check.check_routing_key(msg, "transfer.complete." + msg["device_id"])
    with pytest.raises(AssertionError, match="not published"):
        schema_check.check_routing_key(load(EXAMPLES / "done" / "worker-done.json"), "done.x")


def test_validate_reports_cross_field_rules_with_their_path():
    msg = load(EXAMPLES / "rpc-request" / "schedule-download-two-windows.json")
    msg["params"]["time_windows"][1]["window_end"] = 0
    with pytest.raises(AssertionError, match=r"\$\.params\.time_windows\[1\]\.window_end: "):
        schema_check.validate(msg, "rpc")
    msg["params"]["time_windows"][1]["window_end"] = 86400  # a zero-length window is fine
    schema_check.validate(msg, "rpc")


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


# ---- proto-json is the normative form of docs/rpc-methods.md ----------------


def type_const(name):
    return schema_check.schemas()[name]["properties"]["type"]["const"]


def standard_methods():
    return schema_check.schemas()["common"]["$defs"]["standard_method"]["enum"]


def rpc_methods_doc():
    return (ROOT / "docs" / "rpc-methods.md").read_text(encoding="utf-8")


def doc_table_first_column(heading):
    """First-column code spans of the first table after a ## heading."""
    text = rpc_methods_doc()
    section = text[text.index(heading) :]
    rows, started = [], False
    for line in section.splitlines()[1:]:
        if line.startswith("|"):
            started = True
            rows.append(line)
        elif started:
            break
    cells = [r.split("|")[1].strip() for r in rows[2:]]
    return [re.fullmatch(r"`([^`]+)`", c).group(1) for c in cells if c.startswith("`")]


def test_doc_lists_exactly_the_schema_methods():
    in_doc = doc_table_first_column("## CPE methods")
    assert "X_<vendor>_<Name>" in in_doc
    assert len(in_doc) == len(set(in_doc))
    assert set(in_doc) - {"X_<vendor>_<Name>"} == set(standard_methods())


def test_doc_lists_exactly_the_event_schemas():
    rows = doc_table_first_column("## ACS methods")  # CPE calls column
    text = rpc_methods_doc()
    section = text[text.index("## ACS methods") :]
    types = set(re.findall(r"^\| `\w+` \| `([a-z.]+)` \|", section, re.M))
    assert "Kicked" in rows and "AutonomousDUStateChangeComplete" in rows
    not_acs_methods = ("rpc-request", "done", "rpc-result", "session-closed", "provision-work")
    events = {type_const(n) for n in MESSAGES if n not in not_acs_methods}
    assert types == events
    assert set(schema_check.EVENT_TYPES) >= events


@pytest.mark.parametrize("name", MESSAGES)
def test_every_type_resolves_to_its_schema(name):
    t = type_const(name) if "properties" in schema_check.schemas()[name] else "inform"
    assert schema_check.schema_name(t) == ("inform" if name == "provision-work" else name)
    if name not in ("rpc-request", "done"):
        assert t in schema_check.EVENT_KEYS, "%s: no routing key on halyard.events" % t


def examples_of(name):
    return [load(p) for p in sorted((EXAMPLES / name).glob("*.json"))]


@pytest.mark.parametrize("method", standard_methods() + ["X_"])
def test_every_method_has_request_and_result_examples(method):
    def same(m):
        return m.startswith("X_") if method == "X_" else m == method

    assert any(same(m["method"]) for m in examples_of("rpc-request")), method
    results = examples_of("rpc-result")
    assert any(same(m["method"]) and m["status"] == "ok" for m in results), method


@pytest.mark.parametrize("method", ["Download", "Upload", "ScheduleDownload"])
def test_transfer_results_carry_the_transfer(method):
    oks = [m for m in examples_of("rpc-result") if m["method"] == method and m["status"] == "ok"]
    assert oks
    for m in oks:
        assert "command_key" in m and "transfer" in m
        assert m["transfer"]["is_download"] is (method != "Upload")
        assert "password" not in json.dumps(m["transfer"])


NUMBERED_EVENTS = [
    "0 BOOTSTRAP", "1 BOOT", "2 PERIODIC", "3 SCHEDULED", "4 VALUE CHANGE", "5 KICKED",
    "6 CONNECTION REQUEST", "7 TRANSFER COMPLETE", "8 DIAGNOSTICS COMPLETE", "9 REQUEST DOWNLOAD",
    "10 AUTONOMOUS TRANSFER COMPLETE", "11 DU STATE CHANGE COMPLETE",
    "12 AUTONOMOUS DU STATE CHANGE COMPLETE", "13 WAKEUP", "14 HEARTBEAT",
]


def test_every_event_code_form_is_accepted():
    """cwmp-reference.md 5.1: numbered 0..14, M <Method>, X <OUI> <event>;
    the schema describes each form, and examples use each."""
    msg = load(EXAMPLES / "inform" / "minimal-periodic.json")
    codes = NUMBERED_EVENTS + ["M Reboot", "M ChangeDUState", "M X_00D09E_Echo",
                               "X 00D09E POWERFAIL", "X example.com LINK UP"]
    msg["events"] = [{"code": c, "command_key": ""} for c in codes]
    schema_check.validate(msg, "inform")
    described = schema_check.schemas()["common"]["$defs"]["event_code"]["description"]
    for c in NUMBERED_EVENTS + ["M <Method>", "X <OUI> <event>", "X <domain> <event>"]:
        assert '"%s"' % c in described, c
    have = {e["code"] for p in ("inform", "provision-work") for m in examples_of(p)
            for e in m["events"]}
    numbered = {c for c in have if re.match(r"^([0-9]|1[0-4]) [A-Z ]+$", c)}
    assert {int(c.split()[0]) for c in numbered} == set(range(15))
    assert any(c.startswith("M ") for c in have) and any(c.startswith("X ") for c in have)


def test_credentials_values_all_have_examples():
    want = set(schema_check.schemas()["inform"]["properties"]["credentials"]["enum"])
    have = {m.get("credentials") for p in ("inform", "provision-work") for m in examples_of(p)}
    assert want <= have


def test_messages_doc_names_every_type():
    text = (ROOT / "docs" / "messages.md").read_text(encoding="utf-8")
    common_row = re.search(r"^\| `type` \| string \| (.*) \|$", text, re.M).group(1)
    listed = set(re.findall(r"`([a-z.]+)`", common_row))
    types = {type_const(n) for n in MESSAGES if n != "provision-work"}
    assert listed == types
    for n in MESSAGES:
        assert "%s.schema.json" % n in text, n
