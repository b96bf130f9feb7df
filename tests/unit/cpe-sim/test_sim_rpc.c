/* Unit tests for services/cpe-sim: ACS message parsing with prefix and
 * namespace variants (sim_soap), the RPC answers (sim_rpc: GPV partial
 * paths, GPN NextLevel, SPV atomicity and fault codes, Reboot,
 * GetRPCMethods, unknown methods) and the Inform, parsed back with libxml2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_device.h"
#include "sim_model.h"
#include "sim_rpc.h"
#include "sim_soap.h"

#define NS12 "urn:dslforum-org:cwmp-1-2"
#define SOAPENV "http://schemas.xmlsoap.org/soap/envelope/"

static const char model_json[] =
    "{\"device\": {\"manufacturer\": \"Acme & Co\", \"oui\": \"00D09E\", \"product_class\": "
    "\"HGW\"},"
    " \"forced_inform\": [\"Device.DeviceInfo.SoftwareVersion\","
    "   \"Device.ManagementServer.ParameterKey\", \"Device.ManagementServer.Password\"],"
    " \"parameters\": {"
    "  \"Device.DeviceInfo.SerialNumber\": {\"value\": \"{serial}\"},"
    "  \"Device.DeviceInfo.SoftwareVersion\": {\"value\": \"1.0\"},"
    "  \"Device.ManagementServer.ParameterKey\": {},"
    "  \"Device.ManagementServer.Password\": {\"writable\": true, \"value\": \"s3cret\"},"
    "  \"Device.ManagementServer.PeriodicInformInterval\": {\"type\": \"xsd:unsignedInt\","
    "     \"value\": \"300\", \"writable\": true},"
    "  \"Device.WiFi.SSID.1.SSID\": {\"value\": \"net-{index}\", \"writable\": true},"
    "  \"Device.WiFi.SSID.1.Enable\": {\"type\": \"xsd:boolean\", \"value\": \"true\","
    "     \"writable\": true},"
    "  \"Device.WiFi.Radio.1.Channel\": {\"type\": \"xsd:unsignedInt\", \"value\": \"6\","
    "     \"writable\": true},"
    "  \"Device.NAT.PortMapping.\": {\"writable\": true}"
    " }}";

typedef struct {
    sim_model_t *m;
    sim_device_t *d;
    acs_buf_t out;
    sim_soap_msg_t reply;
    sim_rpc_effects_t fx;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    char err[256] = "";
    f->m = sim_model_parse(model_json, strlen(model_json), err, sizeof err);
    if (!f->m)
        fail_msg("model: %s", err);
    f->d = sim_device_new(f->m, "SIM000005", 5);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    sim_soap_msg_clear(&f->reply);
    acs_buf_free(&f->out);
    sim_device_free(f->d);
    sim_model_free(f->m);
    free(f);
    return 0;
}

/* Send body (using prefix "cwmp" for namespace ns, "soap-env" for SOAP) as
 * an ACS request with ID "acs-1"; returns the fault code; the reply is
 * parsed into f->reply. */
static int call_ns(fixture_t *f, const char *ns, const char *body)
{
    char err[128];
    sim_soap_msg_t req;
    acs_buf_t in = ACS_BUF_INIT;
    int rc;

    acs_buf_printf(&in,
                   "<soap-env:Envelope xmlns:soap-env=\"" SOAPENV "\" xmlns:cwmp=\"%s\""
                   " xmlns:soap-enc=\"http://schemas.xmlsoap.org/soap/encoding/\">"
                   "<soap-env:Header><cwmp:ID soap-env:mustUnderstand=\"1\">acs-1</cwmp:ID>"
                   "</soap-env:Header><soap-env:Body>%s</soap-env:Body></soap-env:Envelope>",
                   ns, body);
    assert_int_equal(sim_soap_parse(in.data, in.len, &req, err, sizeof err), 0);
    assert_int_equal(req.kind, SIM_SOAP_REQUEST);
    sim_soap_msg_clear(&f->reply);
    acs_buf_reset(&f->out);
    rc = sim_rpc_handle(f->d, &req, NS12, &f->out, &f->fx);
    sim_soap_msg_clear(&req);
    acs_buf_free(&in);
    assert_int_equal(sim_soap_parse(f->out.data, f->out.len, &f->reply, err, sizeof err), 0);
    assert_string_equal(f->reply.id, "acs-1");
    assert_string_equal(f->reply.ns, ns);
    if (rc) {
        assert_int_equal(f->reply.kind, SIM_SOAP_FAULT);
        assert_int_equal(f->reply.fault_code, rc);
    } else {
        assert_int_equal(f->reply.kind, SIM_SOAP_RESPONSE);
    }
    return rc;
}

static int call(fixture_t *f, const char *body)
{
    return call_ns(f, NS12, body);
}

/* Number of element children of node. */
static size_t nchildren(xmlNodePtr node)
{
    size_t n = 0;
    for (xmlNodePtr c = node ? node->children : NULL; c; c = c->next)
        n += c->type == XML_ELEMENT_NODE;
    return n;
}

/* The text of <Value> for name in a ParameterList, or NULL (caller frees). */
static char *value_of(xmlNodePtr list, const char *name)
{
    for (xmlNodePtr s = sim_soap_child(list, "ParameterValueStruct"); s; s = sim_soap_next(s)) {
        char *n = sim_soap_text(sim_soap_child(s, "Name"));
        int match = strcmp(n, name) == 0;
        free(n);
        if (match)
            return sim_soap_text_raw(sim_soap_child(s, "Value"));
    }
    return NULL;
}

static void assert_value(xmlNodePtr list, const char *name, const char *expect)
{
    char *v = value_of(list, name);
    if (!v)
        fail_msg("%s missing", name);
    assert_string_equal(v, expect);
    free(v);
}

static void current(fixture_t *f, const char *name, acs_buf_t *b)
{
    acs_buf_reset(b);
    sim_device_value(f->d, (size_t)sim_model_find(f->m, name), b);
}

#define GPV(names)                                                                                 \
    "<cwmp:GetParameterValues><ParameterNames>" names "</ParameterNames></"                        \
                                                      "cwmp:GetParameterValues>"

static void test_gpv(void **state)
{
    fixture_t *f = *state;
    xmlNodePtr list;

    assert_int_equal(call(f, GPV("<string>Device.DeviceInfo.SerialNumber</string>"
                                 "<string> Device.WiFi.SSID.1. </string>")),
                     0);
    assert_string_equal(f->reply.method, "GetParameterValuesResponse");
    list = sim_soap_child(f->reply.rpc, "ParameterList");
    assert_int_equal(nchildren(list), 3);
    assert_value(list, "Device.DeviceInfo.SerialNumber", "SIM000005");
    assert_value(list, "Device.WiFi.SSID.1.SSID", "net-5");
    assert_value(list, "Device.WiFi.SSID.1.Enable", "true");

    /* "" is the whole tree: every parameter, secrets empty */
    assert_int_equal(call(f, GPV("<string></string>")), 0);
    list = sim_soap_child(f->reply.rpc, "ParameterList");
    assert_int_equal(nchildren(list), 8);
    assert_value(list, "Device.ManagementServer.Password", "");
    /* partial path without parameters: empty list */
    assert_int_equal(call(f, GPV("<string>Device.NAT.</string>")), 0);
    assert_int_equal(nchildren(sim_soap_child(f->reply.rpc, "ParameterList")), 0);

    assert_int_equal(call(f, GPV("<string>Device.Nope</string>")), 9005);
    assert_int_equal(call(f, GPV("<string>Device.WiFi</string>")), 9005);
    assert_int_equal(call(f, GPV("<string>Device.DeviceInfo.SerialNumber.</string>")), 9005);
    assert_int_equal(call(f, GPV("<string>Device.DeviceInfo.SerialNumber</string>"
                                 "<string>Device.X.</string>")),
                     9005);
    assert_int_equal(call(f, "<cwmp:GetParameterValues></cwmp:GetParameterValues>"), 9003);
    assert_string_equal(f->reply.fault_string, "Invalid arguments");
}

#define GPN(path, nl)                                                                              \
    "<cwmp:GetParameterNames><ParameterPath>" path "</ParameterPath><NextLevel>" nl                \
    "</NextLevel></cwmp:GetParameterNames>"

/* Names listed in a GPN reply, joined by spaces. */
static void gpn_names(fixture_t *f, acs_buf_t *b)
{
    xmlNodePtr list = sim_soap_child(f->reply.rpc, "ParameterList");
    acs_buf_reset(b);
    for (xmlNodePtr s = sim_soap_child(list, "ParameterInfoStruct"); s; s = sim_soap_next(s)) {
        char *n = sim_soap_text(sim_soap_child(s, "Name"));
        char *w = sim_soap_text(sim_soap_child(s, "Writable"));
        acs_buf_printf(b, "%s%s=%s", b->len ? " " : "", n, w);
        free(n);
        free(w);
    }
}

static void test_gpn(void **state)
{
    fixture_t *f = *state;
    acs_buf_t b = ACS_BUF_INIT;

    assert_int_equal(call(f, GPN("", "true")), 0);
    gpn_names(f, &b);
    assert_string_equal(b.data, "Device.=0");
    assert_int_equal(call(f, GPN("Device.", "1")), 0);
    gpn_names(f, &b);
    assert_string_equal(b.data, "Device.DeviceInfo.=0 Device.ManagementServer.=0 Device.NAT.=0 "
                                "Device.WiFi.=0");
    assert_int_equal(call(f, GPN("Device.WiFi.SSID.1.", "true")), 0);
    gpn_names(f, &b);
    assert_string_equal(b.data, "Device.WiFi.SSID.1.Enable=1 Device.WiFi.SSID.1.SSID=1");
    assert_int_equal(call(f, GPN("Device.WiFi.", "false")), 0);
    gpn_names(f, &b);
    assert_string_equal(b.data, "Device.WiFi.=0 Device.WiFi.Radio.=0 Device.WiFi.Radio.1.=0 "
                                "Device.WiFi.Radio.1.Channel=1 Device.WiFi.SSID.=0 "
                                "Device.WiFi.SSID.1.=0 Device.WiFi.SSID.1.Enable=1 "
                                "Device.WiFi.SSID.1.SSID=1");
    assert_int_equal(call(f, GPN("Device.NAT.", "TRUE")), 0);
    gpn_names(f, &b);
    assert_string_equal(b.data, "Device.NAT.PortMapping.=1");
    assert_int_equal(call(f, GPN("", "false")), 0);
    assert_int_equal(nchildren(sim_soap_child(f->reply.rpc, "ParameterList")),
                     sim_model_count(f->m));
    assert_int_equal(call(f, GPN("Device.DeviceInfo.SerialNumber", "false")), 0);
    gpn_names(f, &b);
    assert_string_equal(b.data, "Device.DeviceInfo.SerialNumber=0");

    assert_int_equal(call(f, GPN("Device.DeviceInfo.SerialNumber", "true")), 9003);
    assert_int_equal(call(f, GPN("Device.Nope.", "false")), 9005);
    assert_int_equal(call(f, GPN("Device.WiFi", "false")), 9005);
    assert_int_equal(call(f, GPN("Device.", "maybe")), 9003);
    assert_int_equal(call(f, "<cwmp:GetParameterNames><NextLevel>1</NextLevel>"
                             "</cwmp:GetParameterNames>"),
                     9003);
    acs_buf_free(&b);
}

#define PVS(n, v)                                                                                  \
    "<ParameterValueStruct><Name>" n "</Name><Value xsi:type=\"xsd:string\" "                      \
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">" v "</Value></ParameterValueStruct>"
#define SPV(list, key)                                                                             \
    "<cwmp:SetParameterValues><ParameterList>" list "</ParameterList><ParameterKey>" key           \
    "</ParameterKey></cwmp:SetParameterValues>"

/* The per-parameter faults of the reply as "name=code ...". */
static void spv_faults(fixture_t *f, acs_buf_t *b)
{
    xmlNodePtr fault = sim_soap_child(sim_soap_child(f->reply.rpc, "detail"), "Fault");
    acs_buf_reset(b);
    for (xmlNodePtr s = sim_soap_child(fault, "SetParameterValuesFault"); s; s = sim_soap_next(s)) {
        char *n = sim_soap_text(sim_soap_child(s, "ParameterName"));
        char *c = sim_soap_text(sim_soap_child(s, "FaultCode"));
        acs_buf_printf(b, "%s%s=%s", b->len ? " " : "", n, c);
        free(n);
        free(c);
    }
}

static void test_spv(void **state)
{
    fixture_t *f = *state;
    acs_buf_t b = ACS_BUF_INIT;

    assert_int_equal(call(f, SPV(PVS("Device.WiFi.SSID.1.SSID", " new &amp; net ")
                                     PVS("Device.WiFi.Radio.1.Channel", " 11 ")
                                         PVS("Device.WiFi.SSID.1.Enable", "FALSE"),
                                 "k-1")),
                     0);
    assert_string_equal(f->reply.method, "SetParameterValuesResponse");
    char *status = sim_soap_text(sim_soap_child(f->reply.rpc, "Status"));
    assert_string_equal(status, "0");
    free(status);
    current(f, "Device.WiFi.SSID.1.SSID", &b);
    assert_string_equal(b.data, " new & net ");
    current(f, "Device.WiFi.Radio.1.Channel", &b);
    assert_string_equal(b.data, "11");
    current(f, "Device.WiFi.SSID.1.Enable", &b);
    assert_string_equal(b.data, "false");
    current(f, "Device.ManagementServer.ParameterKey", &b);
    assert_string_equal(b.data, "k-1");

    /* one bad parameter: nothing applied, ParameterKey unchanged */
    assert_int_equal(
        call(f, SPV(PVS("Device.WiFi.SSID.1.SSID", "other") PVS("Device.Nope", "x")
                        PVS("Device.DeviceInfo.SoftwareVersion", "2")
                            PVS("Device.WiFi.Radio.1.Channel", "abc") PVS("Device.WiFi.", "x"),
                    "k-2")),
        9003);
    spv_faults(f, &b);
    assert_string_equal(b.data, "Device.Nope=9005 Device.DeviceInfo.SoftwareVersion=9008 "
                                "Device.WiFi.Radio.1.Channel=9007 Device.WiFi.=9005");
    current(f, "Device.WiFi.SSID.1.SSID", &b);
    assert_string_equal(b.data, " new & net ");
    current(f, "Device.ManagementServer.ParameterKey", &b);
    assert_string_equal(b.data, "k-1");

    /* a name twice, a missing list, an over-long key: 9003 */
    assert_int_equal(
        call(f, SPV(PVS("Device.WiFi.SSID.1.SSID", "a") PVS("Device.WiFi.SSID.1.SSID", "b"), "k")),
        9003);
    assert_int_equal(call(f, "<cwmp:SetParameterValues><ParameterKey/></cwmp:SetParameterValues>"),
                     9003);
    assert_int_equal(
        call(f, SPV(PVS("Device.WiFi.SSID.1.SSID", "a"), "0123456789012345678901234567890123")),
        9003);
    /* secrets are writable and still read back empty */
    assert_int_equal(call(f, SPV(PVS("Device.ManagementServer.Password", "new"), "")), 0);
    current(f, "Device.ManagementServer.Password", &b);
    assert_string_equal(b.data, "new");
    assert_int_equal(call(f, GPV("<string>Device.ManagementServer.</string>")), 0);
    assert_value(sim_soap_child(f->reply.rpc, "ParameterList"), "Device.ManagementServer.Password",
                 "");
    acs_buf_free(&b);
}

static void test_reboot_methods_unknown(void **state)
{
    fixture_t *f = *state;
    xmlNodePtr list;

    assert_int_equal(call(f, "<cwmp:Reboot><CommandKey>rb-9</CommandKey></cwmp:Reboot>"), 0);
    assert_string_equal(f->reply.method, "RebootResponse");
    assert_true(f->fx.reboot);
    assert_string_equal(f->fx.command_key, "rb-9");

    assert_int_equal(call(f, "<cwmp:GetRPCMethods/>"), 0);
    assert_false(f->fx.reboot);
    list = sim_soap_child(f->reply.rpc, "MethodList");
    assert_int_equal(nchildren(list), sim_rpc_method_count);

    assert_int_equal(call(f, "<cwmp:Download><CommandKey>x</CommandKey></cwmp:Download>"), 9000);
    assert_string_equal(f->reply.fault_string, "Method not supported");
    assert_int_equal(call(f, "<cwmp:X_ACME_Thing/>"), 9000);
    /* a request in the wrong namespace is not a CWMP method */
    assert_int_equal(call(f, "<GetRPCMethods xmlns=\"urn:example\"/>"), 9000);
}

/* Prefixes and namespaces seen in the field (quirks 2, 3, 10, 12). */
static void test_parse_variants(void **state)
{
    fixture_t *f = *state;
    static const char *const envs[] = {
        "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"" SOAPENV "\" xmlns:c=\"urn:dslforum-org:cwmp-1-0\">"
        "<SOAP-ENV:Header><c:ID>  id 1 </c:ID></SOAP-ENV:Header><SOAP-ENV:Body>"
        "<c:GetRPCMethods/></SOAP-ENV:Body></SOAP-ENV:Envelope>",
        "<soap_env:Envelope xmlns:soap_env=\"" SOAPENV "\"><soap_env:Body>"
        "<GetRPCMethods xmlns=\"urn:dslforum-org:cwmp-1-4\"/></soap_env:Body></soap_env:Envelope>",
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><e:Envelope xmlns:e=\"" SOAPENV "\" "
        "xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><e:Body>\n "
        "<cwmp:GetRPCMethods></cwmp:GetRPCMethods>"
        "\n</e:Body></e:Envelope>",
    };
    static const char *const ns[] = {"urn:dslforum-org:cwmp-1-0", "urn:dslforum-org:cwmp-1-4",
                                     "urn:dslforum-org:cwmp-1-2"};
    char err[128];
    sim_soap_msg_t m;

    for (int i = 0; i < 3; i++) {
        assert_int_equal(sim_soap_parse(envs[i], strlen(envs[i]), &m, err, sizeof err), 0);
        assert_int_equal(m.kind, SIM_SOAP_REQUEST);
        assert_string_equal(m.method, "GetRPCMethods");
        assert_string_equal(m.ns, ns[i]);
        assert_int_equal(m.has_id, i == 0);
        acs_buf_reset(&f->out);
        assert_int_equal(sim_rpc_handle(f->d, &m, NS12, &f->out, &f->fx), 0);
        /* the answer uses the request's namespace and echoes the ID */
        assert_non_null(strstr(f->out.data, ns[i]));
        assert_true((strstr(f->out.data, "<cwmp:ID soap-env:mustUnderstand=\"1\">id 1</cwmp:ID>") !=
                     NULL) == (i == 0));
        sim_soap_msg_clear(&m);
    }
}

static void expect_parse(const char *body, int rc, sim_soap_kind_t kind)
{
    char err[128] = "";
    sim_soap_msg_t m;
    assert_int_equal(sim_soap_parse(body, strlen(body), &m, err, sizeof err), rc);
    if (rc == 0)
        assert_int_equal(m.kind, kind);
    else
        assert_true(err[0] != '\0');
    sim_soap_msg_clear(&m);
}

static void test_parse_kinds(void **state)
{
    char err[128];
    sim_soap_msg_t m;
    static const char fault[] =
        "<s:Envelope xmlns:s=\"" SOAPENV "\"><s:Body><s:Fault><faultcode>s:Server</faultcode>"
        "<faultstring>CWMP fault</faultstring><detail><cwmp:Fault "
        "xmlns:cwmp=\"urn:dslforum-org:cwmp-1-1\"><FaultCode> 8002 </FaultCode>"
        "<FaultString>Internal error</FaultString></cwmp:Fault></detail></s:Fault></s:Body>"
        "</s:Envelope>";

    expect_parse("", 0, SIM_SOAP_EMPTY);
    expect_parse(" \r\n\t ", 0, SIM_SOAP_EMPTY);
    expect_parse("<s:Envelope xmlns:s=\"" SOAPENV "\"><s:Body> </s:Body></s:Envelope>", 0,
                 SIM_SOAP_EMPTY);
    expect_parse("<s:Envelope xmlns:s=\"" SOAPENV "\"><s:Body><c:InformResponse xmlns:c=\"" NS12
                 "\"><MaxEnvelopes>1</MaxEnvelopes></c:InformResponse></s:Body></s:Envelope>",
                 0, SIM_SOAP_RESPONSE);
    expect_parse("<Envelope><Body/></Envelope>", -1, 0);
    expect_parse("<s:Envelope xmlns:s=\"" SOAPENV "\"></s:Envelope>", -1, 0);
    expect_parse("<s:Envelope xmlns:s=\"" SOAPENV "\"><s:Body>", -1, 0);
    expect_parse("<!DOCTYPE x [<!ENTITY a \"b\">]><s:Envelope xmlns:s=\"" SOAPENV "\"/>", -1, 0);
    expect_parse("not xml", -1, 0);

    assert_int_equal(sim_soap_parse(fault, strlen(fault), &m, err, sizeof err), 0);
    assert_int_equal(m.kind, SIM_SOAP_FAULT);
    assert_int_equal(m.fault_code, 8002);
    assert_string_equal(m.fault_string, "Internal error");
    assert_string_equal(m.ns, "urn:dslforum-org:cwmp-1-1");
    sim_soap_msg_clear(&m);

    assert_true(sim_soap_is_cwmp_ns("urn:dslforum-org:cwmp-1-4"));
    assert_false(sim_soap_is_cwmp_ns("urn:dslforum-org:cwmp-1-"));
    assert_false(sim_soap_is_cwmp_ns("urn:dslforum-org:cwmp-1-2x"));
    assert_false(sim_soap_is_cwmp_ns("urn:example"));
}

/* Build an Inform and read it back with plain libxml2 + XPath-free walking. */
static void test_inform(void **state)
{
    fixture_t *f = *state;
    sim_inform_opts_t o = {"urn:dslforum-org:cwmp-1-4", 4, "inf-1", 30, 1714637700000LL};
    const size_t *forced;
    size_t nforced = sim_model_forced(f->m, &forced);
    char err[128];
    sim_soap_msg_t m;
    xmlNodePtr dev, ev, list;

    sim_device_event_add(f->d, "1 BOOT", NULL);
    sim_device_event_add(f->d, "M Reboot", "rb-1");
    sim_device_set_retry_count(f->d, 3);
    acs_buf_reset(&f->out);
    sim_rpc_inform(f->d, &o, &f->out);
    /* all five namespaces declared with prefixes on the Envelope */
    for (int i = 0; i < 5; i++) {
        static const char *const decl[] = {
            "xmlns:soap-env=", "xmlns:soap-enc=", "xmlns:xsd=", "xmlns:xsi=", "xmlns:cwmp="};
        assert_non_null(strstr(f->out.data, decl[i]));
    }
    assert_non_null(strstr(f->out.data, "<cwmp:SessionTimeout soap-env:mustUnderstand=\"0\">30<"));
    assert_non_null(strstr(f->out.data, ">1.0,1.1,1.2,1.3,1.4</cwmp:SupportedCWMPVersions>"));

    assert_int_equal(sim_soap_parse(f->out.data, f->out.len, &m, err, sizeof err), 0);
    assert_int_equal(m.kind, SIM_SOAP_REQUEST);
    assert_string_equal(m.method, "Inform");
    assert_string_equal(m.ns, "urn:dslforum-org:cwmp-1-4");
    assert_string_equal(m.id, "inf-1");
    dev = sim_soap_child(m.rpc, "DeviceId");
    char *t = sim_soap_text(sim_soap_child(dev, "Manufacturer"));
    assert_string_equal(t, "Acme & Co");
    free(t);
    t = sim_soap_text(sim_soap_child(dev, "OUI"));
    assert_string_equal(t, "00D09E");
    free(t);
    t = sim_soap_text(sim_soap_child(dev, "SerialNumber"));
    assert_string_equal(t, "SIM000005");
    free(t);
    ev = sim_soap_child(m.rpc, "Event");
    assert_int_equal(nchildren(ev), 2);
    xmlNodePtr second = sim_soap_next(sim_soap_child(ev, "EventStruct"));
    t = sim_soap_text(sim_soap_child(second, "EventCode"));
    assert_string_equal(t, "M Reboot");
    free(t);
    t = sim_soap_text(sim_soap_child(second, "CommandKey"));
    assert_string_equal(t, "rb-1");
    free(t);
    t = sim_soap_text(sim_soap_child(m.rpc, "RetryCount"));
    assert_string_equal(t, "3");
    free(t);
    t = sim_soap_text(sim_soap_child(m.rpc, "CurrentTime"));
    assert_string_equal(t, "2024-05-02T08:15:00Z");
    free(t);
    list = sim_soap_child(m.rpc, "ParameterList");
    assert_int_equal(nchildren(list), nforced);
    assert_value(list, "Device.DeviceInfo.SoftwareVersion", "1.0");
    assert_value(list, "Device.ManagementServer.Password", "");
    sim_soap_msg_clear(&m);

    /* CWMP 1.2: no 1.3/1.4 headers */
    o.ns = NS12;
    o.cwmp_minor = 2;
    acs_buf_reset(&f->out);
    sim_rpc_inform(f->d, &o, &f->out);
    assert_null(strstr(f->out.data, "SessionTimeout"));
    assert_null(strstr(f->out.data, "SupportedCWMPVersions"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_gpv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gpn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reboot_methods_unknown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_variants, setup, teardown),
        cmocka_unit_test(test_parse_kinds),
        cmocka_unit_test_setup_teardown(test_inform, setup, teardown),
    };
    int rc;
    xmlInitParser();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
