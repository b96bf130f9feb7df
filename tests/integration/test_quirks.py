"""Field quirks the ACS must live with (cwmp-reference.md section 8), each
driven byte by byte through nginx and the gateway with cwmp_client.

Covered here: 1 cookies, 2 prefixes, 3 near-miss namespace URIs, 4 what our
envelopes look like, 5 empty POSTs, 6 arrayType, 7 value types, 8 SPV
booleans and dateTimes, 9 HoldRequests, 10 cwmp:IDs, 11 odd Inform content,
12 whitespace, 14 GetParameterNames results, 19 HTTP odds.

Not the gateway's: 13 (vendor spellings of values: the workers'), 15 (wrong
Writable flags, slow whole-tree GPN, long GPV lists: the provisioner's per-
model settings), 16 and 17 (connection requests: acs-connreq), 18 (XMPP).
The connection-less details of quirk 1 (a CPE that opens a new TCP
connection) are in test_gateway.py (sessions split across gateways).
"""
import gzip
import re
import socket
import uuid

import pytest

import cwmp_client as C
from schema_check import validate
from taps import EventTap, Operator

OUI = "DEC0DE"
PC = "QUIRK"
USER, PASSWORD = "quirk", "quirkpw"

ENV_URI = "http://schemas.xmlsoap.org/soap/envelope/"
ENC_URI = "http://schemas.xmlsoap.org/soap/encoding/"


def serial(tag):
    return "%s-%s" % (tag, uuid.uuid4().hex[:8])


@pytest.fixture
def gw(services):
    services.stack.add_bootstrap_credential(OUI, "*", USER, PASSWORD)
    return services


def session(stack, cookies=True):
    return C.Session(stack.cwmp_url, USER, PASSWORD, cookies=cookies)


def inform(stack, sn, xml=None, headers=None, cookies=True, **kw):
    """A session whose Inform was answered; returns (session, reply)."""
    s = session(stack, cookies)
    r = s.post(xml if xml is not None else C.inform_xml(OUI, PC, sn, **kw), headers)
    return s, r


def reprefix(xml, env="soap-env", enc="soap-enc", cwmp="cwmp"):
    """The same envelope with other prefixes for the SOAP and cwmp URIs."""
    for old, new in (("soap-env", env), ("soap-enc", enc), ("cwmp", cwmp)):
        xml = xml.replace("xmlns:%s=" % old, "xmlns:%s=" % new)
        xml = re.sub(r"(?<=[<\s/\"])%s:" % re.escape(old), new + ":", xml)
    return xml


def gpv_answer(method, cid, el):
    return C.gpv_response(cid, {"Device.DeviceInfo.SoftwareVersion": "9.9"})


# --------------------------------------------------------------- 1 cookies

def test_1_cookie_less_cpe_and_cookies_joined_with_commas(gw):
    stack = gw.stack
    op = Operator(stack)
    try:
        # A CPE that never returns the cookie: found by its TCP connection.
        sn = serial("C")
        op.queue_rpc(C.device_id(OUI, PC, sn), "GetParameterValues",
                     {"names": ["Device.DeviceInfo.SoftwareVersion"]})
        s, r = inform(stack, sn, cookies=False)
        assert r.status == 200
        seen, final = s.run(gpv_answer)
        assert [m for m, _ in seen] == ["GetParameterValues"] and final.status == 204
        assert op.results(1)[0]["status"] == "ok"
        # A CPE that joins cookies with ',' and adds its own.
        sn = serial("C")
        op.queue_rpc(C.device_id(OUI, PC, sn), "Reboot", {})
        s, r = inform(stack, sn)
        set_cookie = r.header("Set-Cookie")
        assert "Path=/" in set_cookie                   # kept by CPEs that want a path
        token = s.cookie
        s.use_cookies = False
        s.reconnect()           # a new TCP connection: only the cookie can find the session
        r = s.raw("", {"Cookie": "lang=en, %s ,theme=dark" % token})
        assert r.status == 200 and r.rpc()[0] == "Reboot"
        # The state moves on with each answer: the cookie just set, after another.
        r = s.raw(C.response("Reboot", r.rpc()[1]), {"Cookie": "a=1;%s" % s.cookie})
        assert r.status == 204
        assert op.results(1)[0]["status"] == "ok"
    finally:
        op.close()


# --------------------------------------------------------------- 2, 3 namespaces

@pytest.mark.parametrize("env,enc", [("SOAP-ENV", "SOAP-ENC"), ("soapenv", "soapenc"),
                                     ("soap_env", "soap_enc"), ("s", "soap")],
                         ids=["SOAP-ENV", "soapenv", "soap_env", "soap-is-encoding"])
def test_2_any_prefixes(gw, env, enc):
    stack = gw.stack
    sn = serial("P")
    dev = C.device_id(OUI, PC, sn)
    op, tap = Operator(stack), EventTap(stack, "inform.#")
    try:
        op.queue_rpc(dev, "GetParameterValues", {"names": ["Device.DeviceInfo.SoftwareVersion"]})
        xml = reprefix(C.inform_xml(OUI, PC, sn), env=env, enc=enc, cwmp="cwmp_ns")
        assert ("xmlns:%s=" % env) in xml and "soap-env" not in xml
        s, r = inform(stack, sn, xml)
        assert r.status == 200 and r.rpc()[0] == "InformResponse"
        seen, final = s.run(lambda m, cid, el: reprefix(gpv_answer(m, cid, el), env=env,
                                                        enc=enc, cwmp="cwmp_ns"))
        assert len(seen) == 1 and final.status == 204
        (res,) = op.results(1)
        assert res["status"] == "ok"
        assert res["result"]["parameters"][0]["value"] == "9.9"
        (ev,) = tap.for_device(dev)
        assert len(ev["parameters"]) == 3
    finally:
        op.close()
        tap.close()


@pytest.mark.parametrize("minor", [3, 4])
def test_3_near_miss_uris(gw, minor):
    stack = gw.stack
    sn = serial("U")
    dev = C.device_id(OUI, PC, sn)
    tap = EventTap(stack, "inform.#")
    try:
        # The encoding URI without its final '/', and cwmp-1-3 / cwmp-1-4.
        xml = C.inform_xml(OUI, PC, sn, minor=minor).replace(ENC_URI, ENC_URI.rstrip("/"))
        s, r = inform(stack, sn, xml)
        assert r.status == 200 and r.rpc()[0] == "InformResponse"
        ns = "urn:dslforum-org:cwmp-1-%d" % minor
        assert r.xml().find("{%s}Body/{%s}InformResponse" % (ENV_URI, ns)) is not None
        _, final = s.run()
        assert final.status == 204
        (ev,) = tap.for_device(dev)
        assert ev["cwmp_ns"] == ns
    finally:
        tap.close()


# --------------------------------------------------------------- 4 our output

PREFIXED = [("soap-env", ENV_URI), ("soap-enc", ENC_URI),
            ("xsd", "http://www.w3.org/2001/XMLSchema"),
            ("xsi", "http://www.w3.org/2001/XMLSchema-instance")]


def check_envelope(body, minor):
    text = body.decode()
    m = re.search(r"<soap-env:Envelope\b[^>]*>", text)
    assert m, text
    head = m.group(0)
    for prefix, uri in PREFIXED + [("cwmp", "urn:dslforum-org:cwmp-1-%d" % minor)]:
        assert 'xmlns:%s="%s"' % (prefix, uri) in head, (prefix, head)
    assert not re.search(r'\sxmlns="', text)            # no default namespace anywhere
    assert re.search(r"<soap-env:Body>\s*<cwmp:\w+", text)  # the RPC element is cwmp:


def test_4_our_envelopes_declare_all_five_prefixes(gw):
    stack = gw.stack
    sn = serial("O")
    op = Operator(stack)
    try:
        op.queue_rpc(C.device_id(OUI, PC, sn), "SetParameterValues", {"values": [
            {"name": "Device.ManagementServer.PeriodicInformInterval", "value": 300,
             "type": "unsignedInt"}]})
        s, r = inform(stack, sn, minor=1)
        check_envelope(r.body, 1)
        r = s.post("")
        assert r.rpc()[0] == "SetParameterValues"
        check_envelope(r.body, 1)
        assert b'soap-enc:arrayType="cwmp:ParameterValueStruct[1]"' in r.body
        r = s.post(C.response("SetParameterValues", r.rpc()[1], "<Status>0</Status>", minor=1))
        assert r.status == 204
    finally:
        op.close()


# --------------------------------------------------------------- 5 empty POSTs

def post_chunked_empty(s):
    """An empty POST framed as chunked with a zero-length chunk."""
    s.conn.putrequest("POST", s.path, skip_accept_encoding=True)
    s.conn.putheader("Transfer-Encoding", "chunked")
    s.conn.putheader("Cookie", s.cookie)
    s.conn.endheaders()
    s.conn.send(b"0\r\n\r\n")
    r = s.conn.getresponse()
    return C.Reply(r.status, r.getheaders(), r.read())


EMPTY_FORMS = {
    "content-length-0": (b"", {}),
    "content-type-only": (b"", {"Content-Type": 'text/xml; charset="utf-8"'}),
    "whitespace": (b" \r\n\t ", {"Content-Type": "text/xml"}),
    "gzip-labelled-empty": (b"", {"Content-Encoding": "gzip", "Content-Type": "text/xml"}),
    "gzip-whitespace": (gzip.compress(b"  \n"), {"Content-Encoding": "gzip"}),
    "chunked-zero": None,
}


@pytest.mark.parametrize("form", list(EMPTY_FORMS))
def test_5_empty_post_forms(gw, form):
    # Before: an empty POST labelled gzip (CPEs with compression on label
    # every POST) was "bad compressed body", 400.
    stack = gw.stack
    sn = serial("E")
    op = Operator(stack)
    try:
        op.queue_rpc(C.device_id(OUI, PC, sn), "Reboot", {})
        s, r = inform(stack, sn)
        assert r.status == 200
        if EMPTY_FORMS[form] is None:
            r = post_chunked_empty(s)
        else:
            r = s.raw(*EMPTY_FORMS[form])
        assert r.status == 200 and r.rpc()[0] == "Reboot", (r.status, r.body)
        r = s.raw(C.response("Reboot", r.rpc()[1]))
        assert r.status == 204
    finally:
        op.close()


# --------------------------------------------------------------- 6, 7, 11, 12 Inform content

def inform_event(stack, sn, xml):
    """Send xml as the Inform of device sn; the published inform event."""
    dev = C.device_id(OUI, PC, sn)
    tap = EventTap(stack, "inform.#")
    try:
        s, r = inform(stack, sn, xml)
        assert r.status == 200 and r.rpc()[0] == "InformResponse", r.body
        _, final = s.run()
        assert final.status == 204
        (ev,) = tap.for_device(dev)
        validate(ev, "inform")
        return ev
    finally:
        tap.close()


@pytest.mark.parametrize("array_type", [None, "cwmp:ParameterValueStruct[7]",
                                        "cwmp:ParameterValueStruct[0009]", "SOAP-ENC:Array"],
                         ids=["missing", "wrong-count", "zero-padded", "xsi-array"])
def test_6_array_type_ignored(gw, array_type):
    sn = serial("A")
    xml = C.inform_xml(OUI, PC, sn)
    xml = xml.replace('soap-enc:arrayType="cwmp:ParameterValueStruct[3]"',
                      "" if array_type is None else
                      ('xsi:type="%s"' % array_type if array_type == "SOAP-ENC:Array"
                       else 'soap-enc:arrayType="%s"' % array_type))
    ev = inform_event(gw.stack, sn, xml)
    assert len(ev["parameters"]) == 3                      # children counted


def test_7_value_types(gw):
    sn = serial("T")
    xml = C.inform_xml(OUI, PC, sn, params={})
    params = ('<ParameterValueStruct><Name>Device.A</Name><Value>untyped</Value>'
              '</ParameterValueStruct><ParameterValueStruct><Name>Device.B</Name>'
              '<Value xmlns:xs="http://www.w3.org/2001/XMLSchema" xsi:type="xs:unsignedInt">7'
              '</Value></ParameterValueStruct>')
    xml = xml.replace('<ParameterList soap-enc:arrayType="cwmp:ParameterValueStruct[0]">'
                      "</ParameterList>",
                      '<ParameterList soap-enc:arrayType="cwmp:ParameterValueStruct[2]">%s'
                      "</ParameterList>" % params)
    ev = inform_event(gw.stack, sn, xml)
    got = {p["name"]: (p["value"], p["type"]) for p in ev["parameters"]}
    assert got == {"Device.A": ("untyped", "string"), "Device.B": ("7", "unsignedInt")}


def test_11_extra_device_id_element_and_event_without_code(gw):
    sn = serial("X")
    xml = C.inform_xml(OUI, PC, sn, events=("1 BOOT",))
    xml = xml.replace("</SerialNumber>", "</SerialNumber><WanIPAddress>198.51.100.9"
                                         "</WanIPAddress>")
    xml = xml.replace('<Event soap-enc:arrayType="cwmp:EventStruct[1]">',
                      '<Event soap-enc:arrayType="cwmp:EventStruct[2]"><EventStruct>'
                      "<CommandKey>x</CommandKey></EventStruct>")
    ev = inform_event(gw.stack, sn, xml)
    assert ev["events"] == [{"code": "1 BOOT", "command_key": ""}]
    assert ev["device"]["serial_number"] == sn


def test_12_whitespace_around_names_and_values(gw):
    stack = gw.stack
    sn = serial("W")
    xml = C.inform_xml(OUI, PC, sn, params={})
    xml = xml.replace("<RetryCount>0</RetryCount>", "<RetryCount> 2 </RetryCount>")
    xml = xml.replace('<ParameterList soap-enc:arrayType="cwmp:ParameterValueStruct[0]">'
                      "</ParameterList>",
                      '<ParameterList soap-enc:arrayType="cwmp:ParameterValueStruct[1]">'
                      "<ParameterValueStruct><Name> Device.DeviceInfo.Limit </Name>"
                      '<Value xsi:type="xsd:string"> a b </Value></ParameterValueStruct>'
                      "</ParameterList>")
    ev = inform_event(stack, sn, xml)
    assert ev["retry_count"] == 2
    assert ev["parameters"] == [{"name": "Device.DeviceInfo.Limit", "value": " a b ",
                                 "type": "string"}]
    # In an answer too: names trimmed, numbers read through the blanks.
    op = Operator(stack)
    try:
        op.queue_rpc(C.device_id(OUI, PC, sn), "SetParameterValues", {"values": [
            {"name": "Device.X", "value": "1"}]})
        s, r = inform(stack, sn)
        seen, final = s.run(lambda m, cid, el: C.response(m, cid, "<Status> 1 </Status>"))
        assert final.status == 204
        (res,) = op.results(1)
        assert res["result"] == {"status": 1}
    finally:
        op.close()


# --------------------------------------------------------------- 8, 9 what we send

def test_8_spv_booleans_as_digits_and_plain_datetimes(gw):
    stack = gw.stack
    sn = serial("B")
    op = Operator(stack)
    try:
        op.queue_rpc(C.device_id(OUI, PC, sn), "SetParameterValues", {"values": [
            {"name": "Device.WiFi.Radio.1.Enable", "value": True},
            {"name": "Device.WiFi.SSID.1.Enable", "value": "false", "type": "boolean"},
            {"name": "Device.Time.X_Start", "value": "2026-11-22T10:00:00.250Z",
             "type": "dateTime"}]})
        s, r = inform(stack, sn)
        r = s.post("")
        method, cid, el = r.rpc()
        assert method == "SetParameterValues"
        values = re.findall(rb'<Value xsi:type="xsd:(\w+)">([^<]*)</Value>', r.body)
        assert values == [(b"boolean", b"1"), (b"boolean", b"0"),
                          (b"dateTime", b"2026-11-22T10:00:00Z")]
        r = s.post(C.response(method, cid, "<Status>0</Status>"))
        assert r.status == 204
    finally:
        op.close()


def test_9_10_hold_requests_and_odd_ids(gw):
    # HoldRequests goes out as 1 (icwmp and easycwmp read it with atoi); an
    # Inform without cwmp:ID is answered without one; a Fault answering
    # nothing is ignored; an answer without an ID is accepted.
    stack = gw.stack
    sn = serial("H")
    op = Operator(stack)
    try:
        rpc = op.queue_rpc(C.device_id(OUI, PC, sn), "GetParameterValues",
                           {"names": ["Device.DeviceInfo."]}, extra={"hold_requests": True})
        no_id = C.inform_xml(OUI, PC, sn).replace(
            '<cwmp:ID soap-env:mustUnderstand="1">1</cwmp:ID>', "")
        s, r = inform(stack, sn, no_id)
        method, cid, _ = r.rpc()
        assert (r.status, method, cid) == (200, "InformResponse", None)
        r = s.post(C.fault("never-sent", 9002))
        method, cid, _ = r.rpc()
        assert method == "GetParameterValues"
        assert re.search(rb"<cwmp:HoldRequests[^>]*>1</cwmp:HoldRequests>", r.body)
        answer = C.gpv_response(cid, {"Device.DeviceInfo.SoftwareVersion": "1"}).replace(
            '<cwmp:ID soap-env:mustUnderstand="1">%s</cwmp:ID>' % cid, "")
        r = s.post(answer)
        assert r.status == 204
        (res,) = op.results(1)
        assert res["id"] == rpc and res["status"] == "ok"
    finally:
        op.close()


@pytest.mark.parametrize("cwmp_id", ["inform", "SAGEM_ID_7589", " 42 "])
def test_10_ids_echoed(gw, cwmp_id):
    stack = gw.stack
    s, r = inform(stack, serial("I"), cwmp_id=cwmp_id)
    assert r.status == 200
    assert r.rpc()[1] == cwmp_id.strip()
    r = s.post(C.request("GetRPCMethods", "", cwmp_id))
    assert r.rpc()[:2] == ("GetRPCMethodsResponse", cwmp_id.strip())


# --------------------------------------------------------------- 14 GetParameterNames

def test_14_gpn_results_repaired(gw):
    stack = gw.stack
    sn = serial("N")
    op = Operator(stack)
    try:
        op.queue_rpc(C.device_id(OUI, PC, sn), "GetParameterNames",
                     {"path": "Device.WiFi.", "next_level": False})
        op.queue_rpc(C.device_id(OUI, PC, sn), "GetParameterNames",
                     {"path": "Device.WiFi.", "next_level": True})
        replies = [
            # Parents missing, a dot missing, a name out of the path.
            [("Device.WiFi.Radio.1", "0"), ("Device.WiFi.Radio.1.Enable", "1"),
             ("Device.WiFi.SSID.1.SSID", "1"), ("Device.Ethernet.Interface.1.Enable", "1")],
            # Next level: a deeper name stands for its object.
            [("Device.WiFi.RadioNumberOfEntries", "0"), ("Device.WiFi.Radio.1.Enable", "1")],
        ]

        def answer(method, cid, el):
            items = replies.pop(0)
            pl = "".join("<ParameterInfoStruct><Name>%s</Name><Writable>%s</Writable>"
                         "</ParameterInfoStruct>" % kv for kv in items)
            return C.response(method, cid, '<ParameterList soap-enc:arrayType="cwmp:'
                                           'ParameterInfoStruct[%d]">%s</ParameterList>'
                              % (len(items), pl))
        s, r = inform(stack, sn)
        seen, final = s.run(answer)
        assert len(seen) == 2 and final.status == 204
        full, level = op.results(2)
        for x in (full, level):
            validate(x, "rpc-result")
        assert [(p["name"], p["writable"]) for p in full["result"]["parameters"]] == [
            ("Device.WiFi.", False), ("Device.WiFi.Radio.", False),
            ("Device.WiFi.Radio.1.", False), ("Device.WiFi.Radio.1.Enable", True),
            ("Device.WiFi.SSID.", False), ("Device.WiFi.SSID.1.", False),
            ("Device.WiFi.SSID.1.SSID", True)]
        assert [p["name"] for p in level["result"]["parameters"]] == [
            "Device.WiFi.RadioNumberOfEntries", "Device.WiFi.Radio."]
        m = gw.gateway.metrics()
        assert m['halyard_gw_gpn_repairs_total{kind="dropped"}'] == 2
        assert m['halyard_gw_gpn_repairs_total{kind="parent_added"}'] == 5
        assert m['halyard_gw_gpn_repairs_total{kind="dot_added"}'] == 1
    finally:
        op.close()


# --------------------------------------------------------------- 19 HTTP odds

def test_19_expect_100_continue(gw):
    stack = gw.stack
    sn = serial("K")
    body = C.inform_xml(OUI, PC, sn).encode()
    sock = socket.create_connection(("127.0.0.1", stack.http_port), timeout=10)
    try:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: acs\r\nContent-Type: text/xml\r\n"
                     b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(body))
        first = sock.recv(4096)
        assert first.startswith(b"HTTP/1.1 100"), first   # the server asks for the body
        sock.sendall(body)
        rest = b""
        while b"\r\n\r\n" not in rest:
            rest += sock.recv(4096)
        assert rest.startswith(b"HTTP/1.1 401"), rest      # then challenges as usual
    finally:
        sock.close()


def test_19_gzip_body(gw):
    stack = gw.stack
    s = session(stack)
    body = C.inform_xml(OUI, PC, serial("Z"))
    r = s.post(gzip.compress(body.encode()), {"Content-Encoding": "gzip"})
    # The Digest for a compressed body covers the same URI: auth works too.
    assert r.status == 200 and r.rpc()[0] == "InformResponse"
    _, final = s.run()
    assert final.status == 204


LATIN1_VALUE = "Caf\u00e9 \u00e0 la cr\u00e8me"


@pytest.mark.parametrize("decl", [False, True], ids=["no-declaration", "declaration"])
def test_19_iso_8859_1(gw, decl):
    # Before: the codec read only the XML declaration; an ISO-8859-1 body
    # announced in Content-Type alone was rejected as malformed UTF-8.
    stack = gw.stack
    sn = serial("L")
    dev = C.device_id(OUI, PC, sn)
    tap = EventTap(stack, "inform.#")
    try:
        xml = C.inform_xml(OUI, PC, sn, params={"Device.DeviceInfo.Description": LATIN1_VALUE})
        if decl:
            xml = '<?xml version="1.0" encoding="ISO-8859-1"?>\n' + xml
        s = session(stack)
        r = s.post(xml.encode("iso-8859-1"), {"Content-Type": "text/xml; charset=ISO-8859-1"})
        assert r.status == 200 and r.rpc()[0] == "InformResponse"
        _, final = s.run()
        assert final.status == 204
        (ev,) = tap.for_device(dev)
        params = {p["name"]: p["value"] for p in ev["parameters"]}
        assert params["Device.DeviceInfo.Description"] == LATIN1_VALUE
        # A charset nobody knows is a clear 400.
        st, _, body = stack.http_post(xml.encode("iso-8859-1"),
                                      {"Content-Type": "text/xml; charset=x-no-such"})
        assert st == 400 and b"charset" in body
    finally:
        tap.close()


@pytest.mark.parametrize("soap_action", [None, "", '""', '"urn:dslforum-org:cwmp-1-2#Inform"'],
                         ids=["absent", "empty", "quoted-empty", "method"])
def test_19_soap_action_and_encoding_style_ignored(gw, soap_action):
    stack = gw.stack
    sn = serial("S")
    op = Operator(stack)
    try:
        op.queue_rpc(C.device_id(OUI, PC, sn), "Reboot", {})
        style = ' soap-env:encodingStyle="%s"' % ENC_URI
        xml = C.inform_xml(OUI, PC, sn).replace("<soap-env:Body>", "<soap-env:Body%s>" % style)
        headers = {} if soap_action is None else {"SOAPAction": soap_action}
        s, r = inform(stack, sn, xml, headers)
        assert r.status == 200 and r.rpc()[0] == "InformResponse"
        r = s.post("", headers)
        method, cid, _ = r.rpc()
        answer = C.response(method, cid).replace("<soap-env:Envelope ",
                                                 "<soap-env:Envelope%s " % style)
        r = s.post(answer, headers)
        assert r.status == 204
        assert op.results(1)[0]["status"] == "ok"
    finally:
        op.close()
