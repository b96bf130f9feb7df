"""A minimal, explicit CWMP client for integration tests.

cpe-sim is the real simulator; this client exists for what a test must
control byte by byte: bad input, cookie-less CPEs, sessions whose POSTs go
to different gateways, answers held back on purpose. It speaks HTTP/1.1 over
one keep-alive connection per session (like a CPE), with Digest auth.

Session.run() answers every ACS request until the 204; response(), fault(),
request() and transfer_complete() build the CPE's envelopes; fault_of() and
child_text() read the ACS's.
"""
import hashlib
import http.client
import os
import re
import urllib.parse
import xml.etree.ElementTree as ET

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
ENVELOPE = (
    '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:soap-enc="http://schemas.xmlsoap.org/soap/encoding/" '
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:cwmp="urn:dslforum-org:cwmp-1-{minor}">'
    '<soap-env:Header><cwmp:ID soap-env:mustUnderstand="1">{id}</cwmp:ID></soap-env:Header>'
    "<soap-env:Body>{body}</soap-env:Body></soap-env:Envelope>"
)


def esc(s):
    return (str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def device_id(oui, product_class, serial):
    """The escaped device id of cwmp-reference.md 5.2."""
    def part(s):
        return "".join(c if re.match(r"[A-Za-z0-9_]", c) else
                       "".join("%%%X" % b for b in c.encode()) for c in s)
    parts = [part(oui)] + ([part(product_class)] if product_class else []) + [part(serial)]
    return "-".join(parts)


def inform_xml(oui, product_class, serial, events=("0 BOOTSTRAP", "1 BOOT"), params=None,
               minor=2, cwmp_id="1"):
    params = params if params is not None else {
        "Device.DeviceInfo.SoftwareVersion": "1.0.0",
        "Device.DeviceInfo.HardwareVersion": "hw1",
        "Device.ManagementServer.ConnectionRequestURL": "http://192.0.2.1:7547/cr",
    }
    ev = "".join("<EventStruct><EventCode>%s</EventCode><CommandKey></CommandKey></EventStruct>"
                 % esc(e) for e in events)
    pl = "".join('<ParameterValueStruct><Name>%s</Name><Value xsi:type="xsd:string">%s</Value>'
                 "</ParameterValueStruct>" % (esc(k), esc(v)) for k, v in params.items())
    body = ("<cwmp:Inform><DeviceId><Manufacturer>Test</Manufacturer><OUI>%s</OUI>"
            "<ProductClass>%s</ProductClass><SerialNumber>%s</SerialNumber></DeviceId>"
            '<Event soap-enc:arrayType="cwmp:EventStruct[%d]">%s</Event>'
            "<MaxEnvelopes>1</MaxEnvelopes><CurrentTime>2026-11-22T00:00:00Z</CurrentTime>"
            "<RetryCount>0</RetryCount>"
            '<ParameterList soap-enc:arrayType="cwmp:ParameterValueStruct[%d]">%s</ParameterList>'
            "</cwmp:Inform>" % (esc(oui), esc(product_class), esc(serial), len(events), ev,
                                len(params), pl))
    return ENVELOPE.format(minor=minor, id=esc(cwmp_id), body=body)


def envelope(body, cwmp_id, minor=2):
    return ENVELOPE.format(minor=minor, id=esc(cwmp_id), body=body)


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def xml(self):
        return ET.fromstring(self.body)

    def rpc(self):
        """(method local name, cwmp:ID, element) of the ACS request in this reply."""
        root = self.xml()
        body = root.find("{%s}Body" % SOAP_ENV)
        el = list(body)[0]
        method = el.tag.split("}")[1]
        cid = None
        header = root.find("{%s}Header" % SOAP_ENV)
        if header is not None:
            for h in header:
                if h.tag.endswith("}ID"):
                    cid = h.text
        return method, cid, el


class Session:
    """One CPE session: a keep-alive connection, Digest credentials, cookies."""

    def __init__(self, url, username=None, password=None, cookies=True):
        u = urllib.parse.urlsplit(url)
        self.host, self.port, self.path = u.hostname, u.port or 80, u.path or "/"
        self.username, self.password = username, password
        self.use_cookies = cookies
        self.cookie = None
        self.challenge = None
        self.nc = 0
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def close(self):
        self.conn.close()

    def reconnect(self):
        self.conn.close()
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def _authorization(self):
        c = self.challenge
        self.nc += 1
        nc = "%08x" % self.nc
        cnonce = os.urandom(8).hex()
        ha1 = hashlib.md5(("%s:%s:%s" % (self.username, c["realm"], self.password)).encode()
                          ).hexdigest()
        ha2 = hashlib.md5(("POST:%s" % self.path).encode()).hexdigest()
        resp = hashlib.md5(("%s:%s:%s:%s:auth:%s" % (ha1, c["nonce"], nc, cnonce, ha2)).encode()
                           ).hexdigest()
        return ('Digest username="%s", realm="%s", nonce="%s", uri="%s", qop=auth, nc=%s, '
                'cnonce="%s", response="%s", opaque="%s", algorithm=MD5'
                % (self.username, c["realm"], c["nonce"], self.path, nc, cnonce, resp,
                   c.get("opaque", "")))

    def raw(self, body, headers=None):
        h = {"Content-Type": 'text/xml; charset="utf-8"'} if body else {}
        h.update(headers or {})
        if self.cookie and self.use_cookies:
            h["Cookie"] = self.cookie
        data = body.encode() if isinstance(body, str) else body
        self.conn.request("POST", self.path, body=data or b"", headers=h)
        r = self.conn.getresponse()
        reply = Reply(r.status, r.getheaders(), r.read())
        sc = reply.header("Set-Cookie")
        if sc:
            self.cookie = sc.split(";")[0]
        if reply.header("Connection") == "close":
            self.reconnect()
        return reply

    def run(self, answer=None):
        """Empty POST, then answer every ACS request with answer(method,
        cwmp_id, element) -> envelope (default: an empty <Method>Response)
        until the ACS stops sending envelopes. Returns ([(method, element)],
        final reply)."""
        seen = []
        r = self.post("")
        while r.status == 200:
            method, cid, el = r.rpc()
            seen.append((method, el))
            r = self.post(answer(method, cid, el) if answer else
                          response(method, cid))
        return seen, r

    def post(self, body, headers=None):
        """POST with Digest: answer one 401 challenge, like a CPE."""
        hdrs = dict(headers or {})
        if self.challenge and self.username:
            hdrs["Authorization"] = self._authorization()
        r = self.raw(body, hdrs)
        if r.status == 401 and self.username:
            m = dict(re.findall(r'(\w+)="?([^",]*)"?', r.header("WWW-Authenticate") or ""))
            self.challenge = m
            hdrs["Authorization"] = self._authorization()
            r = self.raw(body, hdrs)
        return r


def gpv_response(cwmp_id, values, minor=2):
    pl = "".join('<ParameterValueStruct><Name>%s</Name><Value xsi:type="xsd:string">%s</Value>'
                 "</ParameterValueStruct>" % (esc(k), esc(v)) for k, v in values.items())
    return envelope('<cwmp:GetParameterValuesResponse><ParameterList soap-enc:arrayType='
                    '"cwmp:ParameterValueStruct[%d]">%s</ParameterList>'
                    "</cwmp:GetParameterValuesResponse>" % (len(values), pl), cwmp_id, minor)


# --------------------------------------------------------------- envelopes

def response(method, cwmp_id, inner="", minor=2):
    """<cwmp:{method}Response>inner</...> answering an ACS request."""
    return envelope("<cwmp:%sResponse>%s</cwmp:%sResponse>" % (method, inner, method), cwmp_id,
                    minor)


def fault(cwmp_id, code, string="", faultcode="Client", minor=2):
    """A CPE's SOAP fault answering an ACS request."""
    return envelope("<soap-env:Fault><faultcode>%s</faultcode><faultstring>CWMP fault"
                    "</faultstring><detail><cwmp:Fault><FaultCode>%d</FaultCode>"
                    "<FaultString>%s</FaultString></cwmp:Fault></detail></soap-env:Fault>"
                    % (faultcode, code, esc(string)), cwmp_id, minor)


def request(method, args, cwmp_id, minor=2):
    """A CPE request: <cwmp:{method}>args</...>; args is XML text or a list
    of (name, text) pairs, text escaped."""
    if not isinstance(args, str):
        args = "".join("<%s>%s</%s>" % (k, esc(v), k) for k, v in args)
    return envelope("<cwmp:%s>%s</cwmp:%s>" % (method, args, method), cwmp_id, minor)


def fault_struct(code=0, string=""):
    return "<FaultStruct><FaultCode>%d</FaultCode><FaultString>%s</FaultString></FaultStruct>" % (
        code, esc(string))


def transfer_complete(cwmp_id, command_key, code=0, string="",
                      start="2026-11-22T00:00:00Z", complete="2026-11-22T00:01:00Z"):
    args = ("<CommandKey>%s</CommandKey>%s<StartTime>%s</StartTime><CompleteTime>%s"
            "</CompleteTime>" % (esc(command_key), fault_struct(code, string), start, complete))
    return request("TransferComplete", args, cwmp_id)


def fault_of(reply):
    """(FaultCode, faultcode) of a SOAP fault in reply, or None."""
    root = reply.xml()
    body = root.find("{%s}Body" % SOAP_ENV)
    f = body.find("{%s}Fault" % SOAP_ENV) if body is not None else None
    if f is None:
        return None
    code = [e.text for e in f.iter() if e.tag.split("}")[-1] == "FaultCode"]
    return int(code[0]), f.findtext("faultcode")


def child_text(el, name):
    """Text of the first descendant of el whose local name is name."""
    for e in el.iter():
        if e.tag.split("}")[-1] == name:
            return e.text or ""
    return None
