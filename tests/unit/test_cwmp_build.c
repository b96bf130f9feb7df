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

static xmlDocPtr read_back(const acs_buf_t *b)
{
    xmlDocPtr doc = xmlReadMemory(b->data, (int)b->len, NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        fail_msg("builder output is not XML: %s", b->data);
    return doc;
}

/* The string value of an XPath over doc, with prefixes e, c, enc, xsi. */
static char *xp(xmlDocPtr doc, const char *cwmp_ns, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr r;
    xmlChar *s;
    char *out;

    xmlXPathRegisterNs(ctx, BAD_CAST "e", BAD_CAST NS_ENV);
    xmlXPathRegisterNs(ctx, BAD_CAST "enc", BAD_CAST NS_ENC);
    xmlXPathRegisterNs(ctx, BAD_CAST "xsi", BAD_CAST NS_XSI);
    xmlXPathRegisterNs(ctx, BAD_CAST "c", BAD_CAST cwmp_ns);
    r = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    if (!r)
        fail_msg("bad xpath %s", expr);
    s = xmlXPathCastToString(r);
    out = strdup((const char *)s);
    xmlFree(s);
    xmlXPathFreeObject(r);
    xmlXPathFreeContext(ctx);
    return out;
}

static void assert_xp(xmlDocPtr doc, const char *ns, const char *expr, const char *want)
{
    char *got = xp(doc, ns, expr);
    if (strcmp(got, want) != 0)
        fail_msg("%s: got '%s', want '%s'", expr, got, want);
    free(got);
}

/* Namespace declarations on the elements below n. */
static int ns_decls_below(xmlNodePtr n)
{
    int c = 0;
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        for (xmlNsPtr ns = k->nsDef; ns; ns = ns->next)
            c++;
        c += ns_decls_below(k);
    }
    return c;
}

/* All five namespaces declared on Envelope with their prefixes, no default
 * namespace, and nothing declared anywhere else. */
static void check_envelope(xmlDocPtr doc, const char *cwmp_ns)
{
    static const char *const want[][2] = {
        {"soap-env", NS_ENV}, {"soap-enc", NS_ENC}, {"xsd", NS_XSD}, {"xsi", NS_XSI}};
    xmlNodePtr env = xmlDocGetRootElement(doc);
    int found = 0;

    assert_string_equal((const char *)env->name, "Envelope");
    assert_string_equal((const char *)env->ns->prefix, "soap-env");
    for (xmlNsPtr ns = env->nsDef; ns; ns = ns->next) {
        assert_non_null(ns->prefix);
        for (int i = 0; i < 4; i++)
            if (!strcmp((const char *)ns->prefix, want[i][0])) {
                assert_string_equal((const char *)ns->href, want[i][1]);
                found++;
            }
        if (!strcmp((const char *)ns->prefix, "cwmp")) {
            assert_string_equal((const char *)ns->href, cwmp_ns);
            found++;
        }
    }
    assert_int_equal(found, 5);
    assert_int_equal(ns_decls_below(env), 0);
}

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

/* Build a request from JSON text; the output is parsed back into *doc. */
static void build_ok(const char *method, const char *params, int hold, acs_buf_t *b, xmlDocPtr *doc)
{
    json_error_t je;
    json_t *p = params ? json_loads(params, 0, &je) : NULL;
    char err[256] = "";

    if (params && !p)
        fail_msg("bad test JSON: %s", je.text);
    acs_buf_reset(b);
    if (cwmp_build_request(b, NS_CWMP0, "acs-1", hold, method, p, err, sizeof(err)) != 0)
        fail_msg("%s rejected: %s", method, err);
    json_decref(p);
    *doc = read_back(b);
    check_envelope(*doc, NS_CWMP0);
    assert_xp(*doc, NS_CWMP0, "/e:Envelope/e:Header/c:ID", "acs-1");
    assert_xp(*doc, NS_CWMP0, "count(/e:Envelope/e:Body/*)", "1");
}

#define BODY "/e:Envelope/e:Body/"

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
        {"Download", "{}", "unknown method"},
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
    assert_int_equal(cwmp_method_supported("GetParameterValues"), 1);
    assert_int_equal(cwmp_method_supported("SetParameterValues"), 1);
    assert_int_equal(cwmp_method_supported("GetParameterNames"), 1);
    assert_int_equal(cwmp_method_supported("Reboot"), 1);
    assert_int_equal(cwmp_method_supported("reboot"), 0);
    assert_int_equal(cwmp_method_supported("Inform"), 0);
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
