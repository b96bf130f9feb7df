/* Unit tests for the CWMP SOAP codec (common/cwmp.h), building: every
 * envelope the ACS sends, checked by parsing it back with libxml2 (XPath)
 * and with cwmp_parse; and version negotiation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include "acs_buf.h"
#include "cwmp.h"
#include "cwmp_test.h"

static void check_version(int minor, const char *sup, int st, const char *want)
{
    char out[8];
    memset(out, 'x', sizeof(out));
    if (!want) {
        assert_int_equal(cwmp_negotiate_version(minor, sup, st, out), -1);
        return;
    }
    assert_int_equal(cwmp_negotiate_version(minor, sup, st, out), 0);
    assert_string_equal(out, want);
}

static void test_negotiate_version(void **state)
{
    check_version(2, "1.0,1.1,1.2,1.3,1.4", 0, "1.4");
    check_version(4, "1.0, 1.1 ,1.2", 1, "1.2");
    check_version(2, "1.4,1.0", 0, "1.4");
    check_version(2, "1.5,1.3,2.0", 0, "1.3");
    check_version(2, "2.0,1.5", 0, NULL);
    check_version(2, "garbage", 0, NULL);
    check_version(2, "1.10", 0, NULL);
    /* Absent (or blank) list: infer from the namespace. */
    check_version(0, NULL, 0, "1.0");
    check_version(1, NULL, 1, "1.1");
    check_version(2, NULL, 0, "1.2");
    check_version(2, NULL, 1, "1.3");
    check_version(2, "  ", 1, "1.3");
    check_version(3, NULL, 0, "1.3");
    check_version(4, NULL, 0, "1.4");
    check_version(7, NULL, 0, "1.4");
    check_version(-1, NULL, 0, "1.0");
}

/* ---- builders ------------------------------------------------------------ */

static void test_build_inform_response(void **state)
{
    const char *ns = "urn:dslforum-org:cwmp-1-2";
    acs_buf_t b = ACS_BUF_INIT;
    xmlDocPtr doc;
    cwmp_msg_t m;

    cwmp_build_inform_response(&b, ns, "100", "1.4");
    doc = read_back(&b);
    check_envelope(doc, ns);
    assert_xp(doc, ns, "/e:Envelope/e:Header/c:ID", "100");
    assert_xp(doc, ns, "/e:Envelope/e:Header/c:ID/@e:mustUnderstand", "1");
    assert_xp(doc, ns, "/e:Envelope/e:Header/c:UseCWMPVersion", "1.4");
    assert_xp(doc, ns, "/e:Envelope/e:Header/c:UseCWMPVersion/@e:mustUnderstand", "1");
    assert_xp(doc, ns, "count(/e:Envelope/e:Header/c:HoldRequests)", "0");
    assert_xp(doc, ns, "/e:Envelope/e:Body/c:InformResponse/MaxEnvelopes", "1");
    assert_xp(doc, ns, "count(/e:Envelope/e:Body/*)", "1");
    xmlFreeDoc(doc);
    /* And our own parser reads it as the answer to an Inform. */
    parse_ok_n(b.data, b.len, &m);
    assert_int_equal(m.kind, CWMP_RESPONSE);
    assert_string_equal(m.method, "Inform");
    assert_string_equal(m.id, "100");
    assert_string_equal(m.ns, ns);
    assert_string_equal(jstr(m.body, "MaxEnvelopes"), "1");
    cwmp_msg_clear(&m);

    /* No ID, no version; an ID needing escapes; appending keeps old data. */
    acs_buf_reset(&b);
    acs_buf_puts(&b, "KEEP");
    cwmp_build_inform_response(&b, ns, NULL, NULL);
    assert_memory_equal(b.data, "KEEP", 4);
    assert_null(strstr(b.data, "cwmp:ID"));
    assert_null(strstr(b.data, "UseCWMPVersion"));
    acs_buf_reset(&b);
    cwmp_build_inform_response(&b, ns, "", NULL);
    assert_null(strstr(b.data, "cwmp:ID"));
    acs_buf_reset(&b);
    cwmp_build_inform_response(&b, ns, "a<b>&\"c'", NULL);
    doc = read_back(&b);
    assert_xp(doc, ns, "/e:Envelope/e:Header/c:ID", "a<b>&\"c'");
    xmlFreeDoc(doc);
    acs_buf_free(&b);
}

static void test_build_empty_and_rpc_methods(void **state)
{
    static const char *const methods[] = {"Inform", "GetRPCMethods", "TransferComplete", NULL};
    acs_buf_t b = ACS_BUF_INIT;
    xmlDocPtr doc;
    cwmp_msg_t m;

    cwmp_build_empty_response(&b, NS_CWMP0, "tc-1", "TransferComplete");
    doc = read_back(&b);
    check_envelope(doc, NS_CWMP0);
    assert_xp(doc, NS_CWMP0, "count(/e:Envelope/e:Body/c:TransferCompleteResponse)", "1");
    assert_xp(doc, NS_CWMP0, "count(/e:Envelope/e:Body/c:TransferCompleteResponse/node())", "0");
    xmlFreeDoc(doc);
    parse_ok_n(b.data, b.len, &m);
    assert_string_equal(m.method, "TransferComplete");
    assert_string_equal(m.id, "tc-1");
    assert_int_equal(json_object_size(m.body), 0);
    cwmp_msg_clear(&m);

    acs_buf_reset(&b);
    cwmp_build_get_rpc_methods_response(&b, "urn:dslforum-org:cwmp-1-4", "g", methods);
    doc = read_back(&b);
    check_envelope(doc, "urn:dslforum-org:cwmp-1-4");
    assert_xp(doc, "urn:dslforum-org:cwmp-1-4",
              "/e:Envelope/e:Body/c:GetRPCMethodsResponse/MethodList/@enc:arrayType",
              "xsd:string[3]");
    assert_xp(doc, "urn:dslforum-org:cwmp-1-4",
              "count(/e:Envelope/e:Body/c:GetRPCMethodsResponse/MethodList/string)", "3");
    xmlFreeDoc(doc);
    parse_ok_n(b.data, b.len, &m);
    const json_t *a = jarr(m.body, "methods", 3);
    assert_string_equal(json_string_value(json_array_get(a, 2)), "TransferComplete");
    assert_int_equal(m.ns_minor, 4);
    cwmp_msg_clear(&m);

    acs_buf_reset(&b);
    cwmp_build_get_rpc_methods_response(&b, NS_CWMP0, NULL, NULL);
    doc = read_back(&b);
    assert_xp(doc, NS_CWMP0, "/e:Envelope/e:Body/c:GetRPCMethodsResponse/MethodList/@enc:arrayType",
              "xsd:string[0]");
    xmlFreeDoc(doc);
    acs_buf_free(&b);
}

static void test_build_fault(void **state)
{
    acs_buf_t b = ACS_BUF_INIT;
    xmlDocPtr doc;
    cwmp_msg_t m;

    cwmp_build_fault(&b, NS_CWMP0, "7", 8003, "bad <args> & more");
    doc = read_back(&b);
    check_envelope(doc, NS_CWMP0);
    assert_xp(doc, NS_CWMP0, "/e:Envelope/e:Body/e:Fault/faultcode", "Client");
    assert_xp(doc, NS_CWMP0, "/e:Envelope/e:Body/e:Fault/faultstring", "CWMP fault");
    assert_xp(doc, NS_CWMP0, "/e:Envelope/e:Body/e:Fault/detail/c:Fault/FaultCode", "8003");
    assert_xp(doc, NS_CWMP0, "/e:Envelope/e:Body/e:Fault/detail/c:Fault/FaultString",
              "bad <args> & more");
    xmlFreeDoc(doc);
    parse_ok_n(b.data, b.len, &m);
    assert_int_equal(m.kind, CWMP_FAULT);
    assert_string_equal(m.id, "7");
    assert_string_equal(jstr(m.body, "faultcode"), "Client");
    assert_int_equal(jint(m.body, "code"), 8003);
    cwmp_msg_clear(&m);

    acs_buf_reset(&b);
    cwmp_build_fault(&b, NS_CWMP0, NULL, 8000, NULL);
    parse_ok_n(b.data, b.len, &m);
    assert_string_equal(jstr(m.body, "faultcode"), "Server");
    assert_int_equal(jint(m.body, "code"), 8000);
    assert_string_equal(jstr(m.body, "string"), "Method not supported");
    assert_int_equal(m.has_id, 0);
    cwmp_msg_clear(&m);
    acs_buf_free(&b);
}

/* Every code of cwmp-reference.md 4.2 and 4.3 has its text and faultcode. */
static void test_fault_table(void **state)
{
    static const int client[] = {8003, 9003, 9005, 9006, 9007, 9008};
    acs_buf_t b = ACS_BUF_INIT;
    cwmp_msg_t m;

    for (int code = 8000; code <= 8006; code++)
        assert_non_null(cwmp_fault_text(code));
    for (int code = 9000; code <= 9032; code++)
        assert_non_null(cwmp_fault_text(code));
    assert_string_equal(cwmp_fault_text(8000), "Method not supported");
    assert_string_equal(cwmp_fault_text(8003), "Invalid arguments");
    assert_string_equal(cwmp_fault_text(8005), "Retry request");
    assert_string_equal(cwmp_fault_text(8006), "ACS version incompatible with CPE");
    assert_string_equal(cwmp_fault_text(9005), "Invalid parameter name");
    assert_string_equal(cwmp_fault_text(9021),
                        "Cancelation of file transfer not permitted in current transfer state");
    assert_string_equal(cwmp_fault_text(9032),
                        "Invalid Deployment Unit update: version already exists");
    assert_null(cwmp_fault_text(8007));
    assert_null(cwmp_fault_text(8800));
    assert_null(cwmp_fault_text(9033));
    assert_null(cwmp_fault_text(9850));
    assert_null(cwmp_fault_text(0));
    assert_null(cwmp_fault_text(-1));
    for (int code = 7999; code <= 9900; code++) {
        int is_client = 0;
        for (size_t i = 0; i < sizeof(client) / sizeof(client[0]); i++)
            is_client |= client[i] == code;
        assert_string_equal(cwmp_faultcode_for(code), is_client ? "Client" : "Server");
    }
    /* cwmp_build_fault takes both: 8005 with its text, a 9xxx Client fault,
     * a vendor code with the generic text. */
    cwmp_build_fault(&b, NS_CWMP0, "r", 8005, NULL);
    parse_ok_n(b.data, b.len, &m);
    assert_string_equal(jstr(m.body, "faultcode"), "Server");
    assert_string_equal(jstr(m.body, "string"), "Retry request");
    cwmp_msg_clear(&m);
    acs_buf_reset(&b);
    cwmp_build_fault(&b, NS_CWMP0, "r", 9005, "");
    parse_ok_n(b.data, b.len, &m);
    assert_string_equal(jstr(m.body, "faultcode"), "Client");
    assert_int_equal(jint(m.body, "code"), 9005);
    assert_string_equal(jstr(m.body, "string"), "Invalid parameter name");
    cwmp_msg_clear(&m);
    acs_buf_reset(&b);
    cwmp_build_fault(&b, NS_CWMP0, "r", 8850, NULL);
    parse_ok_n(b.data, b.len, &m);
    assert_string_equal(jstr(m.body, "faultcode"), "Server");
    assert_int_equal(jint(m.body, "code"), 8850);
    assert_string_equal(jstr(m.body, "string"), "CWMP fault");
    cwmp_msg_clear(&m);
    acs_buf_free(&b);
}

static void test_build_kicked_response(void **state)
{
    const char *ns = "urn:dslforum-org:cwmp-1-2";
    acs_buf_t b = ACS_BUF_INIT;
    xmlDocPtr doc;
    cwmp_msg_t m;

    cwmp_build_kicked_response(&b, ns, "k-1", "http://portal.example/next?a=1&b=<2>");
    doc = read_back(&b);
    check_envelope(doc, ns);
    assert_xp(doc, ns, "/e:Envelope/e:Header/c:ID", "k-1");
    assert_xp(doc, ns, "count(" BODY "*)", "1");
    assert_xp(doc, ns, "count(" BODY "c:KickedResponse/*)", "1");
    assert_xp(doc, ns, BODY "c:KickedResponse/NextURL", "http://portal.example/next?a=1&b=<2>");
    xmlFreeDoc(doc);
    parse_ok_n(b.data, b.len, &m);
    assert_int_equal(m.kind, CWMP_RESPONSE);
    assert_string_equal(m.method, "Kicked");
    cwmp_msg_clear(&m);
    acs_buf_reset(&b);
    cwmp_build_kicked_response(&b, ns, NULL, NULL);
    doc = read_back(&b);
    assert_xp(doc, ns, "count(" BODY "c:KickedResponse/NextURL)", "1");
    assert_xp(doc, ns, BODY "c:KickedResponse/NextURL", "");
    assert_xp(doc, ns, "count(/e:Envelope/e:Header/c:ID)", "0");
    xmlFreeDoc(doc);
    acs_buf_free(&b);
}

/* dateTime loses its fractions (quirk 8); each type's text is checked. */
static void test_build_spv_formats(void **state)
{
    acs_buf_t b = ACS_BUF_INIT;
    xmlDocPtr doc;

    build_ok(
        "SetParameterValues",
        "{\"values\": ["
        " {\"name\": \"T.a\", \"value\": \"2024-05-02T08:15:00.123Z\", \"type\": \"dateTime\"},"
        " {\"name\": \"T.b\", \"value\": \"2024-05-02T08:15:00.5+02:00\", \"type\": "
        "\"xsd:dateTime\"},"
        " {\"name\": \"T.c\", \"value\": \"0001-01-01T00:00:00Z\", \"type\": \"dateTime\"},"
        " {\"name\": \"T.d\", \"value\": \"2024-05-02T08:15:00\", \"type\": \"dateTime\"},"
        " {\"name\": \"T.e\", \"value\": \"00ff0A\", \"type\": \"hexBinary\"},"
        " {\"name\": \"T.f\", \"value\": \"aGVsbG8=\", \"type\": \"base64\"},"
        " {\"name\": \"T.g\", \"value\": \"-12.50\", \"type\": \"decimal\"},"
        " {\"name\": \"T.h\", \"value\": 3, \"type\": \"decimal\"},"
        " {\"name\": \"T.i\", \"value\": \"18446744073709551615\", \"type\": "
        "\"unsignedLong\"}"
        "]}",
        0, &b, &doc);
#define SPVS(i) BODY "c:SetParameterValues/ParameterList/ParameterValueStruct[" #i "]/Value"
    assert_xp(doc, NS_CWMP0, SPVS(1), "2024-05-02T08:15:00Z");
    assert_xp(doc, NS_CWMP0, SPVS(1) "/@xsi:type", "xsd:dateTime");
    assert_xp(doc, NS_CWMP0, SPVS(2), "2024-05-02T08:15:00+02:00");
    assert_xp(doc, NS_CWMP0, SPVS(3), "0001-01-01T00:00:00Z");
    assert_xp(doc, NS_CWMP0, SPVS(4), "2024-05-02T08:15:00");
    assert_xp(doc, NS_CWMP0, SPVS(5), "00ff0A");
    assert_xp(doc, NS_CWMP0, SPVS(6), "aGVsbG8=");
    assert_xp(doc, NS_CWMP0, SPVS(7), "-12.50");
    assert_xp(doc, NS_CWMP0, SPVS(8), "3");
    assert_xp(doc, NS_CWMP0, SPVS(9), "18446744073709551615");
    xmlFreeDoc(doc);
    acs_buf_free(&b);

#define SPV1(v, t) "{\"values\": [{\"name\": \"A\", \"value\": " v ", \"type\": \"" t "\"}]}"
    build_fail("SetParameterValues", SPV1("\"2024-05-02 08:15:00Z\"", "dateTime"), "dateTime");
    build_fail("SetParameterValues", SPV1("\"2024-13-02T08:15:00Z\"", "dateTime"), "dateTime");
    build_fail("SetParameterValues", SPV1("\"2024-05-02T08:15:00.Z\"", "dateTime"), "dateTime");
    build_fail("SetParameterValues", SPV1("\"2024-05-02T08:15:00+0200\"", "dateTime"), "dateTime");
    build_fail("SetParameterValues", SPV1("\"2024-05-02T08:15:00Zjunk\"", "dateTime"), "dateTime");
    build_fail("SetParameterValues", SPV1("\"\"", "dateTime"), "dateTime");
    build_fail("SetParameterValues", SPV1("1714637700", "dateTime"), "dateTime");
    build_fail("SetParameterValues", SPV1("\"abc\"", "hexBinary"), "hexBinary");
    build_fail("SetParameterValues", SPV1("\"0g\"", "hexBinary"), "hexBinary");
    build_fail("SetParameterValues", SPV1("\"a*b\"", "base64"), "base64");
    build_fail("SetParameterValues", SPV1("\"1.2.3\"", "decimal"), "decimal");
    build_fail("SetParameterValues", SPV1("\".\"", "decimal"), "decimal");
    build_fail("SetParameterValues", SPV1("\"18446744073709551616\"", "unsignedLong"),
               "unsignedLong");
}

static void test_build_gpv(void **state)
{
    acs_buf_t b = ACS_BUF_INIT;
    xmlDocPtr doc;

    build_ok("GetParameterValues",
             "{\"names\": [\"Device.WiFi.SSID.1.SSID\", \"Device.DeviceInfo.\", \"A&B<C>\"]}", 1,
             &b, &doc);
    assert_xp(doc, NS_CWMP0, "/e:Envelope/e:Header/c:HoldRequests", "1");
    assert_xp(doc, NS_CWMP0, "/e:Envelope/e:Header/c:HoldRequests/@e:mustUnderstand", "1");
    assert_xp(doc, NS_CWMP0, BODY "c:GetParameterValues/ParameterNames/@enc:arrayType",
              "xsd:string[3]");
    assert_xp(doc, NS_CWMP0, "count(" BODY "c:GetParameterValues/ParameterNames/string)", "3");
    assert_xp(doc, NS_CWMP0, BODY "c:GetParameterValues/ParameterNames/string[1]",
              "Device.WiFi.SSID.1.SSID");
    assert_xp(doc, NS_CWMP0, BODY "c:GetParameterValues/ParameterNames/string[3]", "A&B<C>");
    xmlFreeDoc(doc);
    assert_non_null(strstr(b.data, "A&amp;B&lt;C&gt;"));
    /* Children are unqualified: no namespace on ParameterNames. */
    assert_non_null(strstr(b.data, "<ParameterNames "));
    build_ok("GetParameterValues", "{\"names\": [\"X.\"]}", 0, &b, &doc);
    assert_xp(doc, NS_CWMP0, "count(/e:Envelope/e:Header/c:HoldRequests)", "0");
    xmlFreeDoc(doc);
    acs_buf_free(&b);
}

static void test_build_spv(void **state)
{
    acs_buf_t b = ACS_BUF_INIT;
    xmlDocPtr doc;

    build_ok("SetParameterValues",
             "{\"values\": ["
             " {\"name\": \"A.s\", \"value\": \"x & <y>\"},"
             " {\"name\": \"A.i\", \"value\": -5, \"type\": \"int\"},"
             " {\"name\": \"A.u\", \"value\": \"4294967295\", \"type\": \"xsd:unsignedInt\"},"
             " {\"name\": \"A.b\", \"value\": true},"
             " {\"name\": \"A.c\", \"value\": \"FALSE\", \"type\": \"boolean\"},"
             " {\"name\": \"A.d\", \"value\": \"2024-01-01T00:00:00Z\", \"type\": \"dateTime\"},"
             " {\"name\": \"A.n\", \"value\": 7}"
             "], \"parameter_key\": \"pk-9\"}",
             0, &b, &doc);
    assert_xp(doc, NS_CWMP0, BODY "c:SetParameterValues/ParameterList/@enc:arrayType",
              "cwmp:ParameterValueStruct[7]");
    assert_xp(doc, NS_CWMP0,
              "count(" BODY "c:SetParameterValues/ParameterList/ParameterValueStruct)", "7");
#define PVS(i) BODY "c:SetParameterValues/ParameterList/ParameterValueStruct[" #i "]"
    assert_xp(doc, NS_CWMP0, PVS(1) "/Name", "A.s");
    assert_xp(doc, NS_CWMP0, PVS(1) "/Value", "x & <y>");
    assert_xp(doc, NS_CWMP0, PVS(1) "/Value/@xsi:type", "xsd:string");
    assert_xp(doc, NS_CWMP0, PVS(2) "/Value", "-5");
    assert_xp(doc, NS_CWMP0, PVS(2) "/Value/@xsi:type", "xsd:int");
    assert_xp(doc, NS_CWMP0, PVS(3) "/Value", "4294967295");
    assert_xp(doc, NS_CWMP0, PVS(3) "/Value/@xsi:type", "xsd:unsignedInt");
    assert_xp(doc, NS_CWMP0, PVS(4) "/Value", "1"); /* quirk 8 */
    assert_xp(doc, NS_CWMP0, PVS(4) "/Value/@xsi:type", "xsd:boolean");
    assert_xp(doc, NS_CWMP0, PVS(5) "/Value", "0");
    assert_xp(doc, NS_CWMP0, PVS(5) "/Value/@xsi:type", "xsd:boolean");
    assert_xp(doc, NS_CWMP0, PVS(6) "/Value/@xsi:type", "xsd:dateTime");
    assert_xp(doc, NS_CWMP0, PVS(7) "/Value", "7");
    assert_xp(doc, NS_CWMP0, PVS(7) "/Value/@xsi:type", "xsd:string");
    assert_xp(doc, NS_CWMP0, BODY "c:SetParameterValues/ParameterKey", "pk-9");
    xmlFreeDoc(doc);
    /* ParameterKey is mandatory even when empty. */
    build_ok("SetParameterValues", "{\"values\": [{\"name\": \"A\", \"value\": \"\"}]}", 0, &b,
             &doc);
    assert_xp(doc, NS_CWMP0, "count(" BODY "c:SetParameterValues/ParameterKey)", "1");
    assert_xp(doc, NS_CWMP0, BODY "c:SetParameterValues/ParameterKey", "");
    assert_xp(doc, NS_CWMP0, PVS(1) "/Value", "");
    xmlFreeDoc(doc);
    acs_buf_free(&b);
}

static void test_build_gpn_reboot(void **state)
{
    acs_buf_t b = ACS_BUF_INIT;
    xmlDocPtr doc;
    char err[128];

    build_ok("GetParameterNames", "{\"path\": \"Device.\", \"next_level\": true}", 0, &b, &doc);
    assert_xp(doc, NS_CWMP0, BODY "c:GetParameterNames/ParameterPath", "Device.");
    assert_xp(doc, NS_CWMP0, BODY "c:GetParameterNames/NextLevel", "1");
    xmlFreeDoc(doc);
    build_ok("GetParameterNames", "{\"path\": \"\", \"next_level\": false}", 0, &b, &doc);
    assert_xp(doc, NS_CWMP0, "count(" BODY "c:GetParameterNames/ParameterPath)", "1");
    assert_xp(doc, NS_CWMP0, BODY "c:GetParameterNames/NextLevel", "0");
    xmlFreeDoc(doc);
    build_ok("Reboot", "{\"command_key\": \"rb-1\"}", 0, &b, &doc);
    assert_xp(doc, NS_CWMP0, BODY "c:Reboot/CommandKey", "rb-1");
    xmlFreeDoc(doc);
    build_ok("Reboot", "{}", 1, &b, &doc);
    assert_xp(doc, NS_CWMP0, "count(" BODY "c:Reboot/CommandKey)", "1");
    xmlFreeDoc(doc);
    acs_buf_reset(&b);
    assert_int_equal(cwmp_build_request(&b, NS_CWMP0, NULL, 0, "Reboot", NULL, err, sizeof(err)),
                     0);
    assert_null(strstr(b.data, "cwmp:ID"));
    acs_buf_free(&b);
}

/* Each of these must be refused with a reason and leave out untouched. */
static void test_build_bad_params(void **state)
{
    static const char *const cases[][3] = {
        {"Foo", "{}", "unknown method Foo"},
        {"X_ACME", "{}", "unknown method"},
        {"getParameterValues", "{}", "unknown method"},
        {"GetParameterValues", NULL, "object"},
        {"GetParameterValues", "[]", "object"},
        {"GetParameterValues", "{}", "names"},
        {"GetParameterValues", "{\"names\": []}", "names"},
        {"GetParameterValues", "{\"names\": \"A.\"}", "names"},
        {"GetParameterValues", "{\"names\": [\"A.\", 5]}", "string"},
        {"GetParameterValues", "{\"names\": [\"A\\u0001B\"]}", "character"},
        {"GetParameterValues", "{\"names\": [\"A\\u0000B\"]}", "character"},
        {"SetParameterValues", "{\"values\": []}", "values"},
        {"SetParameterValues", "{\"values\": [\"A\"]}", "objects"},
        {"SetParameterValues", "{\"values\": [{\"name\": \"A\"}]}", "no value"},
        {"SetParameterValues", "{\"values\": [{\"value\": \"1\"}]}", "name"},
        {"SetParameterValues", "{\"values\": [{\"name\": \"\", \"value\": \"1\"}]}", "empty"},
        {"SetParameterValues", "{\"values\": [{\"name\": \"A\", \"value\": null}]}", "value"},
        {"SetParameterValues", "{\"values\": [{\"name\": \"A\", \"value\": [1]}]}", "value"},
        {"SetParameterValues",
         "{\"values\": [{\"name\": \"A\", \"value\": 1, \"type\": \"float\"}]}", "type"},
        {"SetParameterValues",
         "{\"values\": [{\"name\": \"A\", \"value\": \"12a\", \"type\": \"int\"}]}", "type int"},
        {"SetParameterValues",
         "{\"values\": [{\"name\": \"A\", \"value\": \"4294967296\", \"type\": \"unsignedInt\"}]}",
         "unsignedInt"},
        {"SetParameterValues",
         "{\"values\": [{\"name\": \"A\", \"value\": -1, \"type\": \"unsignedInt\"}]}",
         "unsignedInt"},
        {"SetParameterValues",
         "{\"values\": [{\"name\": \"A\", \"value\": \"yes\", \"type\": \"boolean\"}]}", "boolean"},
        {"SetParameterValues",
         "{\"values\": [{\"name\": \"A\", \"value\": 2, \"type\": \"boolean\"}]}", "boolean"},
        {"SetParameterValues",
         "{\"values\": [{\"name\": \"A\", \"value\": true, \"type\": \"int\"}]}", "int"},
        {"SetParameterValues",
         "{\"values\": [{\"name\": \"A\", \"value\": \"1\"}, {\"name\": \"A\", \"value\": \"2\"}]}",
         "twice"},
        {"SetParameterValues",
         "{\"values\": [{\"name\": \"A\", \"value\": \"1\"}], "
         "\"parameter_key\": \"012345678901234567890123456789012\"}",
         "parameter_key"},
        {"SetParameterValues",
         "{\"values\": [{\"name\": \"A\", \"value\": \"1\"}], \"parameter_key\": 5}",
         "parameter_key"},
        {"GetParameterNames", "{\"path\": \"Device.\"}", "next_level"},
        {"GetParameterNames", "{\"path\": \"Device.\", \"next_level\": 1}", "next_level"},
        {"GetParameterNames", "{\"next_level\": true}", "path"},
        {"Reboot", "{\"command_key\": \"012345678901234567890123456789012\"}", "command_key"},
        {"Reboot", "{\"command_key\": 1}", "command_key"},
        {"Reboot", "5", "object"},
    };
    acs_buf_t b = ACS_BUF_INIT;

    acs_buf_puts(&b, "PREFIX");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_error_t je;
        json_t *p =
            cases[i][1] ? json_loads(cases[i][1], JSON_DECODE_ANY | JSON_ALLOW_NUL, &je) : NULL;
        char err[256] = "";
        if (cases[i][1] && !p)
            fail_msg("bad test JSON %s: %s", cases[i][1], je.text);
        if (cwmp_build_request(&b, NS_CWMP0, "x", 0, cases[i][0], p, err, sizeof(err)) != -1)
            fail_msg("case %zu (%s %s) was accepted", i, cases[i][0], cases[i][1]);
        if (!strstr(err, cases[i][2]))
            fail_msg("case %zu: reason '%s' lacks '%s'", i, err, cases[i][2]);
        assert_int_equal(b.len, 6);
        assert_string_equal(b.data, "PREFIX");
        json_decref(p);
    }
    assert_int_equal(cwmp_build_request(&b, NS_CWMP0, "x", 0, NULL, NULL, NULL, 0), -1);
    acs_buf_free(&b);
}

static void test_build_list_bounds(void **state)
{
    json_t *names = json_array(), *p;
    acs_buf_t b = ACS_BUF_INIT;
    char err[256], longname[258];
    xmlDocPtr doc;

    memset(longname, 'n', 256);
    longname[256] = '\0';
    for (int i = 0; i < 1024; i++)
        json_array_append_new(names, json_string(i == 5 ? longname : "A."));
    p = json_pack("{s:O}", "names", names);
    assert_int_equal(
        cwmp_build_request(&b, NS_CWMP0, "x", 0, "GetParameterValues", p, err, sizeof(err)), 0);
    doc = read_back(&b);
    assert_xp(doc, NS_CWMP0, BODY "c:GetParameterValues/ParameterNames/@enc:arrayType",
              "xsd:string[1024]");
    assert_xp(doc, NS_CWMP0, "string-length(" BODY "c:GetParameterValues/ParameterNames/string[6])",
              "256");
    xmlFreeDoc(doc);
    json_decref(p);
    /* 1025 names, or a 257-character name, are refused. */
    json_array_append_new(names, json_string("A."));
    p = json_pack("{s:O}", "names", names);
    acs_buf_reset(&b);
    assert_int_equal(
        cwmp_build_request(&b, NS_CWMP0, "x", 0, "GetParameterValues", p, err, sizeof(err)), -1);
    assert_int_equal(b.len, 0);
    json_decref(p);
    longname[256] = 'n';
    longname[257] = '\0';
    p = json_pack("{s:[s]}", "names", longname);
    assert_int_equal(
        cwmp_build_request(&b, NS_CWMP0, "x", 0, "GetParameterValues", p, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "256"));
    json_decref(p);
    json_decref(names);
    acs_buf_free(&b);
}

static void test_method_supported(void **state)
{
    static const char *const all[] = {
        "GetRPCMethods",
        "GetParameterNames",
        "GetParameterValues",
        "SetParameterValues",
        "GetParameterAttributes",
        "SetParameterAttributes",
        "AddObject",
        "DeleteObject",
        "Reboot",
        "FactoryReset",
        "Download",
        "Upload",
        "ScheduleInform",
        "GetQueuedTransfers",
        "GetAllQueuedTransfers",
        "ScheduleDownload",
        "CancelTransfer",
        "ChangeDUState",
        "X_00D09E_Echo",
        NULL,
    };
    char long_vendor[70];

    for (size_t i = 0; all[i]; i++)
        if (!cwmp_method_supported(all[i]))
            fail_msg("%s not supported", all[i]);
    assert_int_equal(cwmp_method_supported("X_ACME_Do_It_2"), 1);
    assert_int_equal(cwmp_method_supported("X_example.com_Foo"), 0); /* '.' not in the pattern */
    assert_int_equal(cwmp_method_supported("X_ACME_"), 0);
    assert_int_equal(cwmp_method_supported("X__Foo"), 0);
    assert_int_equal(cwmp_method_supported("X_ACME"), 0);
    assert_int_equal(cwmp_method_supported("x_ACME_Foo"), 0);
    assert_int_equal(cwmp_method_supported("X_ACME_Foo "), 0);
    memset(long_vendor, 'A', sizeof(long_vendor));
    memcpy(long_vendor, "X_V_", 4);
    long_vendor[64] = '\0'; /* 64 characters: allowed */
    assert_int_equal(cwmp_method_supported(long_vendor), 1);
    long_vendor[64] = 'A';
    long_vendor[65] = '\0';
    assert_int_equal(cwmp_method_supported(long_vendor), 0);
    assert_int_equal(cwmp_method_supported("reboot"), 0);
    assert_int_equal(cwmp_method_supported("Inform"), 0);
    assert_int_equal(cwmp_method_supported("TransferComplete"), 0);
    assert_int_equal(cwmp_method_supported("SetVouchers"), 0);
    assert_int_equal(cwmp_method_supported(""), 0);
    assert_int_equal(cwmp_method_supported(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_negotiate_version),
        cmocka_unit_test(test_build_inform_response),
        cmocka_unit_test(test_build_empty_and_rpc_methods),
        cmocka_unit_test(test_build_fault),
        cmocka_unit_test(test_fault_table),
        cmocka_unit_test(test_build_kicked_response),
        cmocka_unit_test(test_build_spv_formats),
        cmocka_unit_test(test_build_gpv),
        cmocka_unit_test(test_build_spv),
        cmocka_unit_test(test_build_gpn_reboot),
        cmocka_unit_test(test_build_bad_params),
        cmocka_unit_test(test_build_list_bounds),
        cmocka_unit_test(test_method_supported),
    };
    cwmp_init();
    return cmocka_run_group_tests_name("cwmp_build", tests, NULL, NULL);
}
