/* Unit tests for the CWMP SOAP codec (common/cwmp.h): parsing of every
 * message kind and field-seen quirk (cwmp-reference.md 2, 4, 8), hostile
 * input, limits, version negotiation, and builders checked by parsing
 * their output back with libxml2 (XPath) and with cwmp_parse. */
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

/* ---- helpers ------------------------------------------------------------- */

#define NS_ENV "http://schemas.xmlsoap.org/soap/envelope/"
#define NS_ENC "http://schemas.xmlsoap.org/soap/encoding/"
#define NS_XSD "http://www.w3.org/2001/XMLSchema"
#define NS_XSI "http://www.w3.org/2001/XMLSchema-instance"
#define NS_CWMP0 "urn:dslforum-org:cwmp-1-0"

/* Envelope start with the usual prefixes and cwmp URI ns. */
#define ENV_OPEN(ns)                                                                               \
    "<soap-env:Envelope xmlns:soap-env=\"" NS_ENV "\" xmlns:soap-enc=\"" NS_ENC                    \
    "\" xmlns:xsd=\"" NS_XSD "\" xmlns:xsi=\"" NS_XSI "\" xmlns:cwmp=\"" ns "\">"
#define ENV_CLOSE "</soap-env:Envelope>"
/* A whole envelope: header content h, body content b, cwmp-1-0. */
#define ENV(h, b)                                                                                  \
    ENV_OPEN(NS_CWMP0)                                                                             \
    "<soap-env:Header>" h "</soap-env:Header><soap-env:Body>" b "</soap-env:Body>" ENV_CLOSE

static const char reference_inform[] =
    "<soap-env:Envelope xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\"\n"
    " xmlns:soap-enc=\"http://schemas.xmlsoap.org/soap/encoding/\"\n"
    " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"\n"
    " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
    " xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\">\n"
    " <soap-env:Header>\n"
    "  <cwmp:ID soap-env:mustUnderstand=\"1\">100</cwmp:ID>\n"
    "  <cwmp:SupportedCWMPVersions soap-env:mustUnderstand=\"0\">1.0,1.1,1.2,1.3,1.4"
    "</cwmp:SupportedCWMPVersions>\n"
    " </soap-env:Header>\n"
    " <soap-env:Body><cwmp:Inform>\n"
    "  <DeviceId><Manufacturer>Acme</Manufacturer><OUI>00D09E</OUI>\n"
    "   <ProductClass>HGW-5</ProductClass><SerialNumber>AC5-000123</SerialNumber></DeviceId>\n"
    "  <Event soap-enc:arrayType=\"cwmp:EventStruct[2]\">\n"
    "   <EventStruct><EventCode>1 BOOT</EventCode><CommandKey></CommandKey></EventStruct>\n"
    "   <EventStruct><EventCode>M Reboot</EventCode><CommandKey>job-77</CommandKey>"
    "</EventStruct>\n"
    "  </Event>\n"
    "  <MaxEnvelopes>1</MaxEnvelopes><CurrentTime>2024-05-02T08:15:00Z</CurrentTime>\n"
    "  <RetryCount>0</RetryCount>\n"
    "  <ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[2]\">\n"
    "   <ParameterValueStruct><Name>Device.DeviceInfo.SoftwareVersion</Name>\n"
    "    <Value xsi:type=\"xsd:string\">5.1.2</Value></ParameterValueStruct>\n"
    "   <ParameterValueStruct><Name>Device.ManagementServer.ConnectionRequestURL</Name>\n"
    "    <Value xsi:type=\"xsd:string\">http://198.51.100.7:7547/k3f9a</Value>"
    "</ParameterValueStruct>\n"
    "  </ParameterList>\n"
    " </cwmp:Inform></soap-env:Body>\n"
    "</soap-env:Envelope>\n";

/* A minimal valid Inform body with extra content x inside cwmp:Inform. */
#define MIN_DEVICE                                                                                 \
    "<DeviceId><Manufacturer>M</Manufacturer><OUI>00D09E</OUI><ProductClass>P</ProductClass>"      \
    "<SerialNumber>S1</SerialNumber></DeviceId>"

static void parse_ok_n(const char *xml, size_t len, cwmp_msg_t *m)
{
    char err[256] = "";
    int rc = cwmp_parse(xml, len, NULL, m, err, sizeof(err));
    if (rc != 0)
        fail_msg("parse failed: %s", err);
}

static void parse_ok(const char *xml, cwmp_msg_t *m)
{
    parse_ok_n(xml, strlen(xml), m);
}

/* Expect a failure whose reason contains sub (if given); *out untouched-clean. */
static void parse_fail_lim(const char *xml, size_t len, const cwmp_limits_t *lim, const char *sub)
{
    char err[256] = "";
    cwmp_msg_t m;
    memset(&m, 0x5a, sizeof(m));
    assert_int_equal(cwmp_parse(xml, len, lim, &m, err, sizeof(err)), -1);
    assert_true(err[0] != '\0');
    assert_null(m.body);
    assert_null(strchr(err, '\n'));
    if (sub && !strstr(err, sub))
        fail_msg("reason '%s' lacks '%s'", err, sub);
}

static void parse_fail(const char *xml, const char *sub)
{
    parse_fail_lim(xml, strlen(xml), NULL, sub);
}

static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("'%s' is not a string", key);
    return json_string_value(v);
}

static json_int_t jint(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("'%s' is not an integer", key);
    return json_integer_value(v);
}

static const json_t *jarr(const json_t *o, const char *key, size_t n)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_array(v))
        fail_msg("'%s' is not an array", key);
    assert_int_equal(json_array_size(v), n);
    return v;
}

static void check_param(const json_t *arr, size_t i, const char *name, const char *value,
                        const char *type)
{
    const json_t *p = json_array_get(arr, i);
    assert_non_null(p);
    assert_string_equal(jstr(p, "name"), name);
    assert_string_equal(jstr(p, "value"), value);
    assert_string_equal(jstr(p, "type"), type);
    assert_int_equal(json_object_size(p), 3);
}

/* ---- the reference Inform ------------------------------------------------ */

static void test_inform_reference(void **state)
{
    cwmp_msg_t m;
    const json_t *b, *dev, *ev;

    parse_ok(reference_inform, &m);
    assert_int_equal(m.kind, CWMP_REQUEST);
    assert_string_equal(m.ns, "urn:dslforum-org:cwmp-1-2");
    assert_int_equal(m.ns_minor, 2);
    assert_int_equal(m.has_id, 1);
    assert_string_equal(m.id, "100");
    assert_string_equal(m.method, "Inform");
    b = m.body;
    assert_true(json_is_object(b));
    /* device, events, max_envelopes, current_time, retry_count, parameters,
     * supported_versions; no session_timeout (header absent). */
    assert_int_equal(json_object_size(b), 7);
    assert_null(json_object_get(b, "session_timeout"));
    dev = json_object_get(b, "device");
    assert_int_equal(json_object_size(dev), 4);
    assert_string_equal(jstr(dev, "manufacturer"), "Acme");
    assert_string_equal(jstr(dev, "oui"), "00D09E");
    assert_string_equal(jstr(dev, "product_class"), "HGW-5");
    assert_string_equal(jstr(dev, "serial_number"), "AC5-000123");
    ev = jarr(b, "events", 2);
    assert_string_equal(jstr(json_array_get(ev, 0), "code"), "1 BOOT");
    assert_string_equal(jstr(json_array_get(ev, 0), "command_key"), "");
    assert_string_equal(jstr(json_array_get(ev, 1), "code"), "M Reboot");
    assert_string_equal(jstr(json_array_get(ev, 1), "command_key"), "job-77");
    assert_int_equal(json_object_size(json_array_get(ev, 1)), 2);
    assert_int_equal(jint(b, "max_envelopes"), 1);
    assert_string_equal(jstr(b, "current_time"), "2024-05-02T08:15:00Z");
    assert_int_equal(jint(b, "retry_count"), 0);
    const json_t *p = jarr(b, "parameters", 2);
    check_param(p, 0, "Device.DeviceInfo.SoftwareVersion", "5.1.2", "string");
    check_param(p, 1, "Device.ManagementServer.ConnectionRequestURL",
                "http://198.51.100.7:7547/k3f9a", "string");
    assert_string_equal(jstr(b, "supported_versions"), "1.0,1.1,1.2,1.3,1.4");
    cwmp_msg_clear(&m);
    assert_null(m.body);
    cwmp_msg_clear(&m); /* twice is fine */
}

/* ---- quirks (section 8) -------------------------------------------------- */

static void test_prefix_variants(void **state)
{
    /* Quirk 2: SOAP-ENV, soapenv, soap_env, and "soap" bound to the
     * encoding URI while the envelope uses yet another prefix. */
    static const char *const tpl =
        "<%1$s:Envelope xmlns:%1$s=\"" NS_ENV "\" xmlns:soap=\"" NS_ENC "\" xmlns:cw=\"" NS_CWMP0
        "\"><%1$s:Header><cw:ID %1$s:mustUnderstand=\"1\">7</cw:ID></%1$s:Header>"
        "<%1$s:Body><cw:Inform>" MIN_DEVICE "<Event soap:arrayType=\"cw:EventStruct[1]\">"
        "<EventStruct><EventCode>2 PERIODIC</EventCode><CommandKey/></EventStruct></Event>"
        "</cw:Inform></%1$s:Body></%1$s:Envelope>";
    static const char *const prefixes[] = {"SOAP-ENV", "soapenv", "soap_env", "s", "env"};

    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        char xml[2048];
        cwmp_msg_t m;
        snprintf(xml, sizeof(xml), tpl, prefixes[i]);
        parse_ok(xml, &m);
        assert_int_equal(m.kind, CWMP_REQUEST);
        assert_string_equal(m.method, "Inform");
        assert_string_equal(m.id, "7");
        assert_string_equal(m.ns, NS_CWMP0);
        assert_string_equal(jstr(json_array_get(jarr(m.body, "events", 1), 0), "code"),
                            "2 PERIODIC");
        cwmp_msg_clear(&m);
    }
    /* The SOAP 1.2 envelope URI is not ours. */
    parse_fail("<e:Envelope xmlns:e=\"http://www.w3.org/2003/05/soap-envelope\">"
               "<e:Body/></e:Envelope>",
               "Envelope");
    /* Nor is an unqualified Envelope. */
    parse_fail("<Envelope><Body/></Envelope>", "Envelope");
}

static void test_cwmp_namespaces(void **state)
{
    static const char xml13[] =
        ENV_OPEN("urn:dslforum-org:cwmp-1-3") "<soap-env:Body><cwmp:Inform>" MIN_DEVICE
                                              "</cwmp:Inform></soap-env:Body>" ENV_CLOSE;
    static const char xml14[] =
        ENV_OPEN("urn:dslforum-org:cwmp-1-4") "<soap-env:Body><cwmp:Inform>" MIN_DEVICE
                                              "</cwmp:Inform></soap-env:Body>" ENV_CLOSE;
    cwmp_msg_t m;

    parse_ok(xml13, &m);
    assert_int_equal(m.ns_minor, 3);
    assert_string_equal(m.ns, "urn:dslforum-org:cwmp-1-3");
    assert_int_equal(m.has_id, 0);
    assert_string_equal(m.id, "");
    cwmp_msg_clear(&m);
    parse_ok(xml14, &m);
    assert_int_equal(m.ns_minor, 4);
    assert_string_equal(m.ns, "urn:dslforum-org:cwmp-1-4");
    cwmp_msg_clear(&m);
    /* Anything else in the cwmp slot is rejected. */
    parse_fail(ENV_OPEN("urn:dslforum-org:cwmp-2-0") "<soap-env:Body><cwmp:Inform>" MIN_DEVICE
                                                     "</cwmp:Inform></soap-env:Body>" ENV_CLOSE,
               "cwmp namespace");
    parse_fail(ENV_OPEN("urn:dslforum-org:cwmp-1-10") "<soap-env:Body><cwmp:Inform>" MIN_DEVICE
                                                      "</cwmp:Inform></soap-env:Body>" ENV_CLOSE,
               "cwmp namespace");
    parse_fail(ENV("", "<Inform>" MIN_DEVICE "</Inform>"), "cwmp namespace");
}

static void test_encoding_uri_without_slash(void **state)
{
    static const char xml[] =
        "<soapenv:Envelope xmlns:soapenv=\"" NS_ENV "\""
        " xmlns:soapenc=\"http://schemas.xmlsoap.org/soap/encoding\""
        " xmlns:cwmp=\"" NS_CWMP0 "\"><soapenv:Body><cwmp:GetParameterValuesResponse>"
        "<ParameterList soapenc:arrayType=\"cwmp:ParameterValueStruct[1]\"><ParameterValueStruct>"
        "<Name>A.B</Name><Value>v</Value></ParameterValueStruct></ParameterList>"
        "</cwmp:GetParameterValuesResponse></soapenv:Body></soapenv:Envelope>";
    cwmp_msg_t m;

    parse_ok(xml, &m);
    assert_int_equal(m.kind, CWMP_RESPONSE);
    check_param(jarr(m.body, "parameters", 1), 0, "A.B", "v", "string");
    cwmp_msg_clear(&m);
}

static void test_array_type_quirks(void **state)
{
    /* Quirk 6: arrayType missing, zero-padded and wrong, or SOAP-ENC:Array. */
    static const char xml[] =
        ENV("", "<cwmp:Inform>" MIN_DEVICE
                "<Event><EventStruct><EventCode>1 BOOT</EventCode></EventStruct></Event>"
                "<ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[0009]\">"
                "<ParameterValueStruct><Name>A.x</Name><Value>1</Value></ParameterValueStruct>"
                "<ParameterValueStruct><Name>A.y</Name><Value>2</Value></ParameterValueStruct>"
                "</ParameterList></cwmp:Inform>");
    static const char gpv[] =
        ENV("", "<cwmp:GetParameterValuesResponse><ParameterList xsi:type=\"soap-enc:Array\">"
                "<ParameterValueStruct><Name>A.z</Name><Value>3</Value></ParameterValueStruct>"
                "</ParameterList></cwmp:GetParameterValuesResponse>");
    cwmp_msg_t m;

    parse_ok(xml, &m);
    assert_int_equal(json_array_size(jarr(m.body, "events", 1)), 1);
    assert_string_equal(jstr(json_array_get(json_object_get(m.body, "events"), 0), "command_key"),
                        "");
    const json_t *p = jarr(m.body, "parameters", 2);
    check_param(p, 0, "A.x", "1", "string");
    check_param(p, 1, "A.y", "2", "string");
    /* MaxEnvelopes absent defaults to 1, RetryCount to 0, CurrentTime to "". */
    assert_int_equal(jint(m.body, "max_envelopes"), 1);
    assert_int_equal(jint(m.body, "retry_count"), 0);
    assert_string_equal(jstr(m.body, "current_time"), "");
    cwmp_msg_clear(&m);
    parse_ok(gpv, &m);
    check_param(jarr(m.body, "parameters", 1), 0, "A.z", "3", "string");
    cwmp_msg_clear(&m);
}

static void test_value_types(void **state)
{
    /* Quirk 7: no xsi:type -> string; any prefix for XML Schema types. */
    static const char xml[] =
        ENV("", "<cwmp:GetParameterValuesResponse><ParameterList>"
                "<ParameterValueStruct><Name>A.a</Name><Value>x</Value></ParameterValueStruct>"
                "<ParameterValueStruct><Name>A.b</Name>"
                "<Value xsi:type=\"xsd:unsignedInt\">86400</Value></ParameterValueStruct>"
                "<ParameterValueStruct><Name>A.c</Name>"
                "<Value xsi:type=\"SOAP-ENC:base64\">AAE=</Value></ParameterValueStruct>"
                "<ParameterValueStruct><Name>A.d</Name>"
                "<Value xmlns:i=\"" NS_XSI "\" xmlns:s=\"" NS_XSD "\" i:type=\" s:boolean \">true"
                "</Value></ParameterValueStruct>"
                "<ParameterValueStruct><Name>A.e</Name>"
                "<Value xsi:type=\"dateTime\">2024-01-01T00:00:00Z</Value></ParameterValueStruct>"
                "<ParameterValueStruct><Name>A.f</Name><Value type=\"xsd:int\">5</Value>"
                "</ParameterValueStruct>"
                "<ParameterValueStruct><Name>A.g</Name></ParameterValueStruct>"
                "</ParameterList></cwmp:GetParameterValuesResponse>");
    cwmp_msg_t m;

    parse_ok(xml, &m);
    const json_t *p = jarr(m.body, "parameters", 7);
    check_param(p, 0, "A.a", "x", "string");
    check_param(p, 1, "A.b", "86400", "unsignedInt");
    check_param(p, 2, "A.c", "AAE=", "base64");
    check_param(p, 3, "A.d", "true", "boolean");
    check_param(p, 4, "A.e", "2024-01-01T00:00:00Z", "dateTime");
    /* An unqualified "type" attribute is not xsi:type. */
    check_param(p, 5, "A.f", "5", "string");
    /* A struct without Value: empty string value. */
    check_param(p, 6, "A.g", "", "string");
    cwmp_msg_clear(&m);
}

static void test_whitespace_trim(void **state)
{
    /* Quirk 12: names, codes and numbers trimmed; values kept as sent. */
    static const char xml[] =
        ENV("<cwmp:ID> \n abc \t</cwmp:ID>",
            "<cwmp:Inform><DeviceId><Manufacturer> M </Manufacturer><OUI>\n 00D09E \n</OUI>"
            "<SerialNumber> S1 </SerialNumber></DeviceId>"
            "<Event><EventStruct><EventCode> 2 PERIODIC </EventCode><CommandKey> k </CommandKey>"
            "</EventStruct></Event><MaxEnvelopes> 1 </MaxEnvelopes>"
            "<RetryCount>\n 3\n</RetryCount><ParameterList><ParameterValueStruct>"
            "<Name> Device.X.Limit </Name><Value xsi:type=\"xsd:string\">  two spaces  </Value>"
            "</ParameterValueStruct></ParameterList></cwmp:Inform>");
    cwmp_msg_t m;

    parse_ok(xml, &m);
    assert_string_equal(m.id, "abc");
    const json_t *dev = json_object_get(m.body, "device");
    assert_string_equal(jstr(dev, "oui"), "00D09E");
    assert_string_equal(jstr(dev, "manufacturer"), "M");
    assert_string_equal(jstr(dev, "serial_number"), "S1");
    assert_string_equal(jstr(dev, "product_class"), ""); /* absent: "" */
    const json_t *e = json_array_get(jarr(m.body, "events", 1), 0);
    assert_string_equal(jstr(e, "code"), "2 PERIODIC");
    assert_string_equal(jstr(e, "command_key"), " k ");
    assert_int_equal(jint(m.body, "retry_count"), 3);
    check_param(jarr(m.body, "parameters", 1), 0, "Device.X.Limit", "  two spaces  ", "string");
    cwmp_msg_clear(&m);
    /* A number that is not one is an error, not a zero. */
    parse_fail(ENV("", "<cwmp:Inform>" MIN_DEVICE "<RetryCount>3x</RetryCount></cwmp:Inform>"),
               "RetryCount");
    parse_fail(ENV("", "<cwmp:Inform>" MIN_DEVICE "<RetryCount>-1</RetryCount></cwmp:Inform>"),
               "RetryCount");
}

static void test_ids(void **state)
{
    /* Quirk 10: opaque IDs, absent IDs, and an over-long one cut at 64. */
    static const char sagem[] =
        ENV("<cwmp:ID soap-env:mustUnderstand=\"1\">SAGEM_ID_7589</cwmp:ID>",
            "<cwmp:Inform>" MIN_DEVICE "</cwmp:Inform>");
    static const char other_minor[] =
        ENV_OPEN(NS_CWMP0) "<soap-env:Header><c:ID xmlns:c=\"urn:dslforum-org:cwmp-1-1\">"
                           "inform</c:ID><x:ID xmlns:x=\"urn:other\">no</x:ID>"
                           "</soap-env:Header><soap-env:Body><cwmp:GetRPCMethods/>"
                           "</soap-env:Body>" ENV_CLOSE;
    char xml[1024];
    cwmp_msg_t m;

    parse_ok(sagem, &m);
    assert_int_equal(m.has_id, 1);
    assert_string_equal(m.id, "SAGEM_ID_7589");
    cwmp_msg_clear(&m);

    parse_ok(other_minor, &m);
    assert_int_equal(m.has_id, 1);
    assert_string_equal(m.id, "inform");
    assert_string_equal(m.method, "GetRPCMethods");
    assert_int_equal(m.ns_minor, 0); /* from the RPC element, not the ID */
    assert_int_equal(json_object_size(m.body), 0);
    cwmp_msg_clear(&m);

    snprintf(xml, sizeof(xml), ENV("<cwmp:ID>%s</cwmp:ID>", "<cwmp:GetRPCMethods/>"),
             "0123456789012345678901234567890123456789012345678901234567890123456789");
    parse_ok(xml, &m);
    assert_int_equal(strlen(m.id), 64);
    assert_memory_equal(m.id, "0123456789", 10);
    cwmp_msg_clear(&m);
    /* Empty ID element: present but empty. */
    parse_ok(ENV("<cwmp:ID/>", "<cwmp:GetRPCMethods/>"), &m);
    assert_int_equal(m.has_id, 1);
    assert_string_equal(m.id, "");
    cwmp_msg_clear(&m);
}

static void test_device_extra_and_bad_events(void **state)
{
    /* Quirk 11: WanIPAddress in DeviceId ignored; EventStruct without
     * EventCode skipped; unknown elements ignored. */
    static const char xml[] =
        ENV("", "<cwmp:Inform><DeviceId><Manufacturer>Phicomm</Manufacturer><OUI>0023EB</OUI>"
                "<ProductClass>FIR302E</ProductClass><SerialNumber>X9</SerialNumber>"
                "<WanIPAddress>10.0.0.2</WanIPAddress></DeviceId>"
                "<Event soap-enc:arrayType=\"cwmp:EventStruct[3]\">"
                "<EventStruct><CommandKey>lost</CommandKey></EventStruct>"
                "<EventStruct><EventCode></EventCode></EventStruct>"
                "<EventStruct><EventCode>0 BOOTSTRAP</EventCode><CommandKey/></EventStruct>"
                "</Event><VendorThing><a>1</a></VendorThing></cwmp:Inform>");
    cwmp_msg_t m;

    parse_ok(xml, &m);
    const json_t *dev = json_object_get(m.body, "device");
    assert_int_equal(json_object_size(dev), 4);
    assert_string_equal(jstr(dev, "oui"), "0023EB");
    assert_string_equal(jstr(dev, "serial_number"), "X9");
    const json_t *ev = jarr(m.body, "events", 1);
    assert_string_equal(jstr(json_array_get(ev, 0), "code"), "0 BOOTSTRAP");
    assert_null(json_object_get(m.body, "VendorThing"));
    jarr(m.body, "parameters", 0);
    cwmp_msg_clear(&m);
}

static void test_inform_identity_required(void **state)
{
    parse_fail(ENV("", "<cwmp:Inform><DeviceId><OUI></OUI><SerialNumber>S</SerialNumber>"
                       "</DeviceId></cwmp:Inform>"),
               "OUI");
    parse_fail(ENV("", "<cwmp:Inform><DeviceId><OUI>00D09E</OUI><SerialNumber>  </SerialNumber>"
                       "</DeviceId></cwmp:Inform>"),
               "SerialNumber");
    parse_fail(ENV("", "<cwmp:Inform></cwmp:Inform>"), "OUI");
    /* DeviceId fields are string(64). */
    parse_fail(ENV("", "<cwmp:Inform><DeviceId><OUI>00D09E</OUI><SerialNumber>"
                       "01234567890123456789012345678901234567890123456789012345678901234"
                       "</SerialNumber></DeviceId></cwmp:Inform>"),
               "SerialNumber");
}

/* An Inform with n events. */
static char *inform_with_events(int n)
{
    acs_buf_t b = ACS_BUF_INIT;
    acs_buf_puts(&b, ENV_OPEN(NS_CWMP0) "<soap-env:Body><cwmp:Inform>" MIN_DEVICE "<Event>");
    for (int i = 0; i < n; i++)
        acs_buf_printf(&b, "<EventStruct><EventCode>M X_%d</EventCode></EventStruct>", i);
    acs_buf_puts(&b, "</Event></cwmp:Inform></soap-env:Body>" ENV_CLOSE);
    return acs_buf_steal(&b, NULL);
}

static void test_event_count_limit(void **state)
{
    char *ok = inform_with_events(64), *bad = inform_with_events(65);
    cwmp_msg_t m;

    parse_ok(ok, &m);
    const json_t *ev = jarr(m.body, "events", 64);
    assert_string_equal(jstr(json_array_get(ev, 63), "code"), "M X_63");
    cwmp_msg_clear(&m);
    parse_fail(bad, "more than 64 events");
    free(ok);
    free(bad);
}

/* Body with one parameter whose name / value are n copies of c. */
static char *gpv_with(size_t name_len, size_t value_len)
{
    acs_buf_t b = ACS_BUF_INIT;
    acs_buf_puts(&b, ENV_OPEN(NS_CWMP0) "<soap-env:Body><cwmp:GetParameterValuesResponse>"
                                        "<ParameterList><ParameterValueStruct><Name>");
    for (size_t i = 0; i < name_len; i++)
        acs_buf_puts(&b, "n");
    acs_buf_puts(&b, "</Name><Value>");
    for (size_t i = 0; i < value_len; i++)
        acs_buf_puts(&b, i % 2 ? "&amp;" : "v");
    acs_buf_puts(&b, "</Value></ParameterValueStruct></ParameterList>"
                     "</cwmp:GetParameterValuesResponse></soap-env:Body>" ENV_CLOSE);
    return acs_buf_steal(&b, NULL);
}

static void test_string_bounds(void **state)
{
    char *ok = gpv_with(256, 65536), *long_name = gpv_with(257, 1),
         *long_value = gpv_with(5, 65537);
    char *s;
    cwmp_msg_t m;

    parse_ok(ok, &m);
    const json_t *p = json_array_get(jarr(m.body, "parameters", 1), 0);
    assert_int_equal(strlen(jstr(p, "name")), 256);
    s = (char *)jstr(p, "value");
    assert_int_equal(strlen(s), 65536);
    assert_memory_equal(s, "v&v&", 4);
    cwmp_msg_clear(&m);
    parse_fail(long_name, "256");
    parse_fail(long_value, "65536");
    free(ok);
    free(long_name);
    free(long_value);
    /* CommandKey is string(32), EventCode string(64). */
    parse_fail(ENV("", "<cwmp:Inform>" MIN_DEVICE "<Event><EventStruct><EventCode>M Reboot"
                       "</EventCode><CommandKey>012345678901234567890123456789012</CommandKey>"
                       "</EventStruct></Event></cwmp:Inform>"),
               "CommandKey");
    parse_fail(ENV("", "<cwmp:Inform>" MIN_DEVICE "<Event><EventStruct><EventCode>"
                       "M 01234567890123456789012345678901234567890123456789012345678901234"
                       "</EventCode></EventStruct></Event></cwmp:Inform>"),
               "EventCode");
    /* 32 characters of multi-byte UTF-8 still fit string(32). */
    parse_ok(ENV("", "<cwmp:TransferComplete><CommandKey>"
                     "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                     "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                     "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                     "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                     "</CommandKey></cwmp:TransferComplete>"),
             &m);
    assert_int_equal(strlen(jstr(m.body, "command_key")), 64);
    cwmp_msg_clear(&m);
}

static void test_session_headers(void **state)
{
    static const char xml[] =
        ENV("<cwmp:ID>1</cwmp:ID><cwmp:SessionTimeout> 60 </cwmp:SessionTimeout>"
            "<cwmp:HoldRequests>0</cwmp:HoldRequests>",
            "<cwmp:Inform>" MIN_DEVICE "</cwmp:Inform>");
    static const char lower[] = ENV("<cwmp:sessionTimeout>30</cwmp:sessionTimeout>",
                                    "<cwmp:Inform>" MIN_DEVICE "</cwmp:Inform>");
    static const char garbled[] = ENV("<cwmp:SessionTimeout>soon</cwmp:SessionTimeout>",
                                      "<cwmp:Inform>" MIN_DEVICE "</cwmp:Inform>");
    static const char foreign[] = ENV("<x:SessionTimeout xmlns:x=\"urn:x\">30</x:SessionTimeout>",
                                      "<cwmp:Inform>" MIN_DEVICE "</cwmp:Inform>");
    cwmp_msg_t m;

    parse_ok(xml, &m);
    assert_int_equal(jint(m.body, "session_timeout"), 60);
    assert_null(json_object_get(m.body, "supported_versions"));
    cwmp_msg_clear(&m);
    parse_ok(lower, &m);
    assert_int_equal(jint(m.body, "session_timeout"), 30);
    cwmp_msg_clear(&m);
    parse_ok(garbled, &m);
    assert_null(json_object_get(m.body, "session_timeout"));
    cwmp_msg_clear(&m);
    parse_ok(foreign, &m);
    assert_null(json_object_get(m.body, "session_timeout"));
    cwmp_msg_clear(&m);
}

/* ---- empty, hostile, malformed ------------------------------------------- */

static void test_empty_variants(void **state)
{
    static const char *const bodies[] = {"", " ", "\r\n", "\t \n  \r\n", "\xEF\xBB\xBF\n"};
    char err[128];
    cwmp_msg_t m;

    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        memset(&m, 0x5a, sizeof(m));
        assert_int_equal(cwmp_parse(bodies[i], strlen(bodies[i]), NULL, &m, err, sizeof(err)), 0);
        assert_int_equal(m.kind, CWMP_EMPTY);
        assert_null(m.body);
        assert_string_equal(m.ns, "");
        assert_int_equal(m.ns_minor, -1);
        assert_string_equal(m.method, "");
        cwmp_msg_clear(&m);
    }
    assert_int_equal(cwmp_parse(NULL, 0, NULL, &m, err, sizeof(err)), 0);
    assert_int_equal(m.kind, CWMP_EMPTY);
    /* An Envelope whose Body is empty carries no request either. */
    parse_ok(ENV("<cwmp:ID>9</cwmp:ID>", "  "), &m);
    assert_int_equal(m.kind, CWMP_EMPTY);
    assert_null(m.body);
    assert_string_equal(m.ns, "");
    cwmp_msg_clear(&m);
    /* Non-blank garbage is not empty. */
    parse_fail("x", NULL);
    parse_fail_lim("\0", 1, NULL, NULL);
    parse_fail_lim(" \0 ", 3, NULL, NULL);
}

static void test_doctype_bomb(void **state)
{
    static const char bomb[] =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
        " <!ENTITY lol \"lol\">\n"
        " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
        " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
        " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
        " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
        " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
        " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
        " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
        " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
        "]>\n" ENV("", "<cwmp:Inform><DeviceId><OUI>&lol9;</OUI><SerialNumber>1"
                       "</SerialNumber></DeviceId></cwmp:Inform>");
    parse_fail(bomb, "DOCTYPE");
    /* Lower case and no internal subset, still a DOCTYPE. */
    parse_fail("<!DOCTYPE soap-env:Envelope>" ENV("", "<cwmp:GetRPCMethods/>"), "DOCTYPE");
}

static void test_external_entity(void **state)
{
    static const char xxe[] =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE e [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> "
        "]>\n" ENV("", "<cwmp:Inform><DeviceId><OUI>00D09E</OUI><SerialNumber>&xxe;</SerialNumber>"
                       "</DeviceId></cwmp:Inform>");
    static const char ext_dtd[] =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE e SYSTEM \"file:///etc/passwd\">\n" ENV(
            "", "<cwmp:GetRPCMethods/>");
    static const char net_dtd[] = "<!DOCTYPE e PUBLIC \"-//x//y\" \"http://192.0.2.1/x.dtd\">" ENV(
        "", "<cwmp:GetRPCMethods/>");
    parse_fail(xxe, "DOCTYPE");
    parse_fail(ext_dtd, "DOCTYPE");
    parse_fail(net_dtd, "DOCTYPE");
    /* Without a DTD, an entity reference is simply undefined. */
    parse_fail(ENV("", "<cwmp:Inform><DeviceId><OUI>&xxe;</OUI></DeviceId></cwmp:Inform>"), "xxe");
}

static void test_malformed(void **state)
{
    static const char *const bad[] = {
        "<",
        "not xml at all",
        "<a><b></a>",
        "<soap-env:Envelope xmlns:soap-env=\"" NS_ENV "\"><soap-env:Body>",
        ENV("", "<cwmp:Inform>") /* unclosed */,
        "<x:Envelope><x:Body/></x:Envelope>" /* unbound prefix */,
        "<?xml version=\"1.0\" encoding=\"no-such-charset\"?><a/>",
        "<a>\xff\xfe</a>",
        "<a/><b/>",
        "<a b=\"1\" b=\"2\"/>",
        "<a>&#0;</a>",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        parse_fail(bad[i], NULL);
    /* Well-formed but not CWMP. */
    parse_fail("<a/>", "Envelope");
    parse_fail(ENV_OPEN(NS_CWMP0) "<soap-env:Header/>" ENV_CLOSE, "Body");
    parse_fail(
        ENV_OPEN(
            NS_CWMP0) "<soap-env:Body/><soap-env:Body><cwmp:Inform/></soap-env:Body>" ENV_CLOSE,
        "Body");
    /* A NULL err buffer is allowed. */
    cwmp_msg_t m;
    assert_int_equal(cwmp_parse("<a>", 3, NULL, &m, NULL, 0), -1);
}

/* libxml2 must not print anything, even for encoding errors. */
static void test_no_stderr_output(void **state)
{
    char path[] = "/tmp/test_cwmp_stderrXXXXXX";
    int fd = mkstemp(path), saved = dup(2);
    cwmp_msg_t m;
    char err[128];
    off_t size;

    static const char *const noisy[] = {
        "<a>\xff</a>",
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a><b>",
        "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>",
        "<?xml version=\"1.0\" encoding=\"EBCDIC-US\"?><a>\xff\xfe</a>",
        "<!DOCTYPE a><a/>",
        "<a xmlns:x=\"rel\"><x:b/></a>",
        "<x:a/>",
    };

    assert_true(fd >= 0 && saved >= 0);
    fflush(stderr);
    assert_int_equal(dup2(fd, 2), 2);
    for (size_t i = 0; i < sizeof(noisy) / sizeof(noisy[0]); i++)
        assert_int_equal(cwmp_parse(noisy[i], strlen(noisy[i]), NULL, &m, err, sizeof(err)), -1);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    size = lseek(fd, 0, SEEK_END);
    close(fd);
    unlink(path);
    assert_int_equal(size, 0);
}

/* ---- limits -------------------------------------------------------------- */

static char *nested(int depth)
{
    acs_buf_t b = ACS_BUF_INIT;
    acs_buf_puts(&b, ENV_OPEN(NS_CWMP0) "<soap-env:Body><cwmp:XResponse>");
    for (int i = 0; i < depth - 3; i++)
        acs_buf_puts(&b, "<a>");
    for (int i = 0; i < depth - 3; i++)
        acs_buf_puts(&b, "</a>");
    acs_buf_puts(&b, "</cwmp:XResponse></soap-env:Body>" ENV_CLOSE);
    return acs_buf_steal(&b, NULL);
}

static void test_limit_depth(void **state)
{
    cwmp_limits_t lim = CWMP_LIMITS_DEFAULT;
    char *ok = nested(32), *deep = nested(33), *very = nested(5000);
    char err[128];
    cwmp_msg_t m;

    assert_int_equal(lim.max_depth, 32);
    assert_int_equal(cwmp_parse(ok, strlen(ok), &lim, &m, err, sizeof(err)), 0);
    assert_int_equal(m.kind, CWMP_RESPONSE);
    assert_string_equal(m.method, "X");
    /* The generic conversion nests one object per level. */
    assert_true(json_is_object(json_object_get(m.body, "a")));
    cwmp_msg_clear(&m);
    parse_fail_lim(deep, strlen(deep), &lim, "deep");
    parse_fail_lim(very, strlen(very), NULL, "deep");
    lim.max_depth = 4;
    parse_fail_lim(ok, strlen(ok), &lim, "deep");
    free(ok);
    free(deep);
    free(very);
}

static void test_limit_elements(void **state)
{
    cwmp_limits_t lim = CWMP_LIMITS_DEFAULT;
    char *xml = inform_with_events(20); /* 3 + 5 + 1 + 20 * 2 = 49 elements */
    cwmp_msg_t m;
    char err[128];

    lim.max_elements = 49;
    assert_int_equal(cwmp_parse(xml, strlen(xml), &lim, &m, err, sizeof(err)), 0);
    cwmp_msg_clear(&m);
    lim.max_elements = 48;
    parse_fail_lim(xml, strlen(xml), &lim, "elements");
    free(xml);
}

static void test_limit_size(void **state)
{
    cwmp_limits_t lim = CWMP_LIMITS_DEFAULT;
    size_t n = strlen(reference_inform);
    cwmp_msg_t m;
    char err[128];

    lim.max_bytes = n;
    assert_int_equal(cwmp_parse(reference_inform, n, &lim, &m, err, sizeof(err)), 0);
    cwmp_msg_clear(&m);
    lim.max_bytes = n - 1;
    parse_fail_lim(reference_inform, n, &lim, "limit");
    /* Even whitespace is bounded. */
    lim.max_bytes = 2;
    parse_fail_lim("   ", 3, &lim, "limit");
}

static void test_iso_8859_1(void **state)
{
    static const char xml[] = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" ENV(
        "<cwmp:ID>\xe9t\xe9</cwmp:ID>",
        "<cwmp:GetParameterValuesResponse><ParameterList><ParameterValueStruct>"
        "<Name>Device.WiFi.SSID.1.SSID</Name><Value xsi:type=\"xsd:string\">Caf\xe9 "
        "\xdcml\xe4ut</Value></ParameterValueStruct></ParameterList>"
        "</cwmp:GetParameterValuesResponse>");
    cwmp_msg_t m;

    parse_ok(xml, &m);
    assert_string_equal(m.id, "\xc3\xa9t\xc3\xa9");
    check_param(jarr(m.body, "parameters", 1), 0, "Device.WiFi.SSID.1.SSID",
                "Caf\xc3\xa9 \xc3\x9cml\xc3\xa4ut", "string");
    cwmp_msg_clear(&m);
    /* The same bytes claimed as UTF-8 are rejected. */
    parse_fail("<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>Caf\xe9</a>", "UTF-8");
}

/* ---- responses and faults ------------------------------------------------ */

static void test_gpv_response(void **state)
{
    static const char xml[] =
        ENV("<cwmp:ID soap-env:mustUnderstand=\"1\">acs-0001</cwmp:ID>",
            "<cwmp:GetParameterValuesResponse>\n"
            " <ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[3]\">\n"
            "  <ParameterValueStruct><Name>Device.WiFi.SSID.1.SSID</Name>\n"
            "   <Value xsi:type=\"xsd:string\">home-net</Value></ParameterValueStruct>\n"
            "  <ParameterValueStruct><Value>orphan</Value></ParameterValueStruct>\n"
            "  <ParameterValueStruct><Name>Device.DeviceInfo.UpTime</Name>\n"
            "   <Value xsi:type=\"xsd:unsignedInt\">86400</Value></ParameterValueStruct>\n"
            " </ParameterList>\n"
            "</cwmp:GetParameterValuesResponse>");
    cwmp_msg_t m;

    parse_ok(xml, &m);
    assert_int_equal(m.kind, CWMP_RESPONSE);
    assert_string_equal(m.method, "GetParameterValues");
    assert_string_equal(m.id, "acs-0001");
    assert_int_equal(json_object_size(m.body), 1);
    /* The entry without a Name is skipped. */
    const json_t *p = jarr(m.body, "parameters", 2);
    check_param(p, 0, "Device.WiFi.SSID.1.SSID", "home-net", "string");
    check_param(p, 1, "Device.DeviceInfo.UpTime", "86400", "unsignedInt");
    cwmp_msg_clear(&m);
}

static void test_spv_gpn_reboot_rpc_responses(void **state)
{
    cwmp_msg_t m;

    parse_ok(ENV("", "<cwmp:SetParameterValuesResponse><Status> 1 </Status>"
                     "</cwmp:SetParameterValuesResponse>"),
             &m);
    assert_string_equal(m.method, "SetParameterValues");
    assert_int_equal(jint(m.body, "status"), 1);
    assert_int_equal(json_object_size(m.body), 1);
    cwmp_msg_clear(&m);
    parse_fail(ENV("", "<cwmp:SetParameterValuesResponse><Status>2</Status>"
                       "</cwmp:SetParameterValuesResponse>"),
               "Status");

    parse_ok(ENV("", "<cwmp:GetParameterNamesResponse><ParameterList>"
                     "<ParameterInfoStruct><Name>Device.</Name><Writable>0</Writable>"
                     "</ParameterInfoStruct><ParameterInfoStruct><Name> Device.X </Name>"
                     "<Writable> TRUE </Writable></ParameterInfoStruct>"
                     "<ParameterInfoStruct><Name>Device.Y</Name><Writable>false</Writable>"
                     "</ParameterInfoStruct><ParameterInfoStruct><Name>Device.Z</Name>"
                     "<Writable>1</Writable></ParameterInfoStruct>"
                     "</ParameterList></cwmp:GetParameterNamesResponse>"),
             &m);
    assert_string_equal(m.method, "GetParameterNames");
    const json_t *p = jarr(m.body, "parameters", 4);
    assert_string_equal(jstr(json_array_get(p, 1), "name"), "Device.X");
    assert_true(json_is_false(json_object_get(json_array_get(p, 0), "writable")));
    assert_true(json_is_true(json_object_get(json_array_get(p, 1), "writable")));
    assert_true(json_is_false(json_object_get(json_array_get(p, 2), "writable")));
    assert_true(json_is_true(json_object_get(json_array_get(p, 3), "writable")));
    cwmp_msg_clear(&m);
    parse_fail(ENV("", "<cwmp:GetParameterNamesResponse><ParameterList><ParameterInfoStruct>"
                       "<Name>A</Name><Writable>yes</Writable></ParameterInfoStruct>"
                       "</ParameterList></cwmp:GetParameterNamesResponse>"),
               "boolean");

    parse_ok(ENV("<cwmp:ID>r1</cwmp:ID>", "<cwmp:RebootResponse/>"), &m);
    assert_int_equal(m.kind, CWMP_RESPONSE);
    assert_string_equal(m.method, "Reboot");
    assert_true(json_is_object(m.body));
    assert_int_equal(json_object_size(m.body), 0);
    cwmp_msg_clear(&m);

    parse_ok(ENV("", "<cwmp:GetRPCMethodsResponse><MethodList soap-enc:arrayType="
                     "\"xsd:string[3]\"><string>GetRPCMethods</string><string> Reboot </string>"
                     "<string>X_ACME_Thing</string></MethodList></cwmp:GetRPCMethodsResponse>"),
             &m);
    assert_string_equal(m.method, "GetRPCMethods");
    p = jarr(m.body, "methods", 3);
    assert_string_equal(json_string_value(json_array_get(p, 0)), "GetRPCMethods");
    assert_string_equal(json_string_value(json_array_get(p, 1)), "Reboot");
    assert_string_equal(json_string_value(json_array_get(p, 2)), "X_ACME_Thing");
    cwmp_msg_clear(&m);
}

static void test_generic_response(void **state)
{
    cwmp_msg_t m;

    parse_ok(ENV("", "<cwmp:AddObjectResponse><InstanceNumber>3</InstanceNumber>"
                     "<Status>0</Status></cwmp:AddObjectResponse>"),
             &m);
    assert_string_equal(m.method, "AddObject");
    assert_string_equal(jstr(m.body, "InstanceNumber"), "3");
    assert_string_equal(jstr(m.body, "Status"), "0");
    cwmp_msg_clear(&m);
    parse_ok(ENV("", "<cwmp:GetParameterAttributesResponse><ParameterList>"
                     "<ParameterAttributeStruct><Name>A</Name><Notification>2</Notification>"
                     "<AccessList><string>Subscriber</string></AccessList>"
                     "</ParameterAttributeStruct><ParameterAttributeStruct><Name>B</Name>"
                     "<Notification>0</Notification><AccessList/></ParameterAttributeStruct>"
                     "<ParameterAttributeStruct><Name>C</Name></ParameterAttributeStruct>"
                     "</ParameterList></cwmp:GetParameterAttributesResponse>"),
             &m);
    const json_t *list = json_object_get(m.body, "ParameterList");
    const json_t *arr = jarr(list, "ParameterAttributeStruct", 3);
    assert_string_equal(jstr(json_array_get(arr, 0), "Name"), "A");
    assert_string_equal(jstr(json_array_get(arr, 0), "Notification"), "2");
    assert_string_equal(jstr(json_object_get(json_array_get(arr, 0), "AccessList"), "string"),
                        "Subscriber");
    assert_string_equal(jstr(json_array_get(arr, 1), "AccessList"), "");
    assert_string_equal(jstr(json_array_get(arr, 2), "Name"), "C");
    cwmp_msg_clear(&m);
}

static void test_fault_spv(void **state)
{
    static const char xml[] =
        ENV("<cwmp:ID>42</cwmp:ID>",
            "<soap-env:Fault>\n <faultcode>SOAP-ENV:Client</faultcode><faultstring>CWMP fault"
            "</faultstring>\n <detail><cwmp:Fault>\n  <FaultCode> 9003 </FaultCode>"
            "<FaultString>Invalid arguments</FaultString>\n  <SetParameterValuesFault>\n"
            "   <ParameterName>Device.WiFi.Radio.1.Channel</ParameterName>\n"
            "   <FaultCode>9007</FaultCode><FaultString>Channel 15 not allowed</FaultString>\n"
            "  </SetParameterValuesFault><SetParameterValuesFault><ParameterName>Device.B"
            "</ParameterName><FaultCode>9008</FaultCode></SetParameterValuesFault>\n"
            " </cwmp:Fault></detail>\n</soap-env:Fault>");
    cwmp_msg_t m;

    parse_ok(xml, &m);
    assert_int_equal(m.kind, CWMP_FAULT);
    assert_string_equal(m.method, "");
    assert_string_equal(m.id, "42");
    assert_string_equal(m.ns, NS_CWMP0);
    assert_int_equal(m.ns_minor, 0);
    assert_string_equal(jstr(m.body, "faultcode"), "Client");
    assert_int_equal(jint(m.body, "code"), 9003);
    assert_string_equal(jstr(m.body, "string"), "Invalid arguments");
    assert_int_equal(json_object_size(m.body), 4);
    const json_t *f = jarr(m.body, "set_parameter_faults", 2);
    assert_string_equal(jstr(json_array_get(f, 0), "name"), "Device.WiFi.Radio.1.Channel");
    assert_int_equal(jint(json_array_get(f, 0), "code"), 9007);
    assert_string_equal(jstr(json_array_get(f, 0), "string"), "Channel 15 not allowed");
    assert_string_equal(jstr(json_array_get(f, 1), "name"), "Device.B");
    assert_int_equal(jint(json_array_get(f, 1), "code"), 9008);
    assert_string_equal(jstr(json_array_get(f, 1), "string"), "");
    cwmp_msg_clear(&m);
}

static void test_fault_variants(void **state)
{
    cwmp_msg_t m;

    /* Other prefixes, no FaultString, detail/Fault in a cwmp-1-1 namespace. */
    parse_ok("<S:Envelope xmlns:S=\"" NS_ENV "\"><S:Body><S:Fault><faultcode>S:Server"
             "</faultcode><faultstring>CWMP fault</faultstring><detail>"
             "<c:Fault xmlns:c=\"urn:dslforum-org:cwmp-1-1\"><FaultCode>9002</FaultCode>"
             "</c:Fault></detail></S:Fault></S:Body></S:Envelope>",
             &m);
    assert_int_equal(m.kind, CWMP_FAULT);
    assert_string_equal(m.ns, "urn:dslforum-org:cwmp-1-1");
    assert_int_equal(m.ns_minor, 1);
    assert_string_equal(jstr(m.body, "faultcode"), "Server");
    assert_int_equal(jint(m.body, "code"), 9002);
    assert_string_equal(jstr(m.body, "string"), "");
    assert_null(json_object_get(m.body, "set_parameter_faults"));
    cwmp_msg_clear(&m);
    /* A bare SOAP fault: code 0, the SOAP faultstring kept. */
    parse_ok(ENV("<cwmp:ID>5</cwmp:ID>", "<soap-env:Fault><faultcode>Client</faultcode>"
                                         "<faultstring>bad</faultstring></soap-env:Fault>"),
             &m);
    assert_int_equal(jint(m.body, "code"), 0);
    assert_string_equal(jstr(m.body, "string"), "bad");
    assert_string_equal(m.ns, NS_CWMP0); /* from the header's ID */
    cwmp_msg_clear(&m);
    parse_fail(ENV("", "<soap-env:Fault><faultcode>Client</faultcode><detail><cwmp:Fault>"
                       "<FaultCode>x9003</FaultCode></cwmp:Fault></detail></soap-env:Fault>"),
               "FaultCode");
    parse_fail(ENV("", "<soap-env:Fault><detail><cwmp:Fault><FaultString>no code"
                       "</FaultString></cwmp:Fault></detail></soap-env:Fault>"),
               "FaultCode");
}

/* ---- CPE requests -------------------------------------------------------- */

static void test_transfer_complete(void **state)
{
    cwmp_msg_t m;

    parse_ok(ENV("<cwmp:ID>tc</cwmp:ID>",
                 "<cwmp:TransferComplete><CommandKey>dl-1</CommandKey><FaultStruct>"
                 "<FaultCode> 9010 </FaultCode><FaultString>Download failed</FaultString>"
                 "</FaultStruct><StartTime>2024-05-02T08:00:00Z</StartTime>"
                 "<CompleteTime>2024-05-02T08:01:00Z</CompleteTime></cwmp:TransferComplete>"),
             &m);
    assert_int_equal(m.kind, CWMP_REQUEST);
    assert_string_equal(m.method, "TransferComplete");
    assert_int_equal(json_object_size(m.body), 4);
    assert_string_equal(jstr(m.body, "command_key"), "dl-1");
    const json_t *f = json_object_get(m.body, "fault");
    assert_int_equal(jint(f, "code"), 9010);
    assert_string_equal(jstr(f, "string"), "Download failed");
    assert_int_equal(json_object_size(f), 2);
    assert_string_equal(jstr(m.body, "start_time"), "2024-05-02T08:00:00Z");
    assert_string_equal(jstr(m.body, "complete_time"), "2024-05-02T08:01:00Z");
    cwmp_msg_clear(&m);
    /* Success, FaultStruct with code 0 and no string. */
    parse_ok(ENV("", "<cwmp:TransferComplete><CommandKey/><FaultStruct><FaultCode>0"
                     "</FaultCode></FaultStruct></cwmp:TransferComplete>"),
             &m);
    assert_int_equal(jint(json_object_get(m.body, "fault"), "code"), 0);
    assert_string_equal(jstr(json_object_get(m.body, "fault"), "string"), "");
    assert_string_equal(jstr(m.body, "start_time"), "");
    cwmp_msg_clear(&m);
}

static void test_autonomous_transfer_complete(void **state)
{
    cwmp_msg_t m;

    parse_ok(ENV("", "<cwmp:AutonomousTransferComplete><AnnounceURL>http://a/</AnnounceURL>"
                     "<TransferURL>http://t/fw.bin</TransferURL><IsDownload>true</IsDownload>"
                     "<FileType>1 Firmware Upgrade Image</FileType><FileSize>1048576</FileSize>"
                     "<TargetFileName>fw.bin</TargetFileName><FaultStruct><FaultCode>0"
                     "</FaultCode><FaultString/></FaultStruct><StartTime>s</StartTime>"
                     "<CompleteTime>c</CompleteTime></cwmp:AutonomousTransferComplete>"),
             &m);
    assert_string_equal(m.method, "AutonomousTransferComplete");
    assert_int_equal(json_object_size(m.body), 9);
    assert_string_equal(jstr(m.body, "announce_url"), "http://a/");
    assert_string_equal(jstr(m.body, "transfer_url"), "http://t/fw.bin");
    assert_true(json_is_true(json_object_get(m.body, "is_download")));
    assert_string_equal(jstr(m.body, "file_type"), "1 Firmware Upgrade Image");
    assert_int_equal(jint(m.body, "file_size"), 1048576);
    assert_string_equal(jstr(m.body, "target_file_name"), "fw.bin");
    assert_int_equal(jint(json_object_get(m.body, "fault"), "code"), 0);
    assert_string_equal(jstr(m.body, "start_time"), "s");
    assert_string_equal(jstr(m.body, "complete_time"), "c");
    cwmp_msg_clear(&m);
}

static void test_other_requests(void **state)
{
    cwmp_msg_t m;

    parse_ok(ENV("", "<cwmp:RequestDownload><FileType>3 Vendor Configuration File</FileType>"
                     "<FileTypeArg soap-enc:arrayType=\"cwmp:ArgStruct[2]\"><ArgStruct>"
                     "<Name>Version</Name><Value>2.0</Value></ArgStruct><ArgStruct><Name>Mode"
                     "</Name><Value> x </Value></ArgStruct></FileTypeArg></cwmp:RequestDownload>"),
             &m);
    assert_string_equal(m.method, "RequestDownload");
    assert_string_equal(jstr(m.body, "file_type"), "3 Vendor Configuration File");
    const json_t *a = jarr(m.body, "file_type_args", 2);
    assert_string_equal(jstr(json_array_get(a, 0), "name"), "Version");
    assert_string_equal(jstr(json_array_get(a, 0), "value"), "2.0");
    assert_string_equal(jstr(json_array_get(a, 1), "value"), " x ");
    cwmp_msg_clear(&m);

    parse_ok(ENV("", "<cwmp:GetRPCMethods></cwmp:GetRPCMethods>"), &m);
    assert_int_equal(m.kind, CWMP_REQUEST);
    assert_string_equal(m.method, "GetRPCMethods");
    assert_int_equal(json_object_size(m.body), 0);
    cwmp_msg_clear(&m);

    /* Unknown request: {} with its name, for the gateway's 8000. */
    parse_ok(ENV("", "<cwmp:Kicked><Command>x</Command></cwmp:Kicked>"), &m);
    assert_int_equal(m.kind, CWMP_REQUEST);
    assert_string_equal(m.method, "Kicked");
    assert_int_equal(json_object_size(m.body), 0);
    cwmp_msg_clear(&m);

    /* "Response" alone is a request name, not an empty response. */
    parse_ok(ENV("", "<cwmp:Response/>"), &m);
    assert_int_equal(m.kind, CWMP_REQUEST);
    assert_string_equal(m.method, "Response");
    cwmp_msg_clear(&m);
    parse_fail(ENV("", "<cwmp:A0123456789012345678901234567890123456789012345678901234567890123"
                       "/>"),
               "RPC name");
}

/* ---- version negotiation ------------------------------------------------- */

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
        cmocka_unit_test(test_inform_reference),
        cmocka_unit_test(test_prefix_variants),
        cmocka_unit_test(test_cwmp_namespaces),
        cmocka_unit_test(test_encoding_uri_without_slash),
        cmocka_unit_test(test_array_type_quirks),
        cmocka_unit_test(test_value_types),
        cmocka_unit_test(test_whitespace_trim),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_device_extra_and_bad_events),
        cmocka_unit_test(test_inform_identity_required),
        cmocka_unit_test(test_event_count_limit),
        cmocka_unit_test(test_string_bounds),
        cmocka_unit_test(test_session_headers),
        cmocka_unit_test(test_empty_variants),
        cmocka_unit_test(test_doctype_bomb),
        cmocka_unit_test(test_external_entity),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_no_stderr_output),
        cmocka_unit_test(test_limit_depth),
        cmocka_unit_test(test_limit_elements),
        cmocka_unit_test(test_limit_size),
        cmocka_unit_test(test_iso_8859_1),
        cmocka_unit_test(test_gpv_response),
        cmocka_unit_test(test_spv_gpn_reboot_rpc_responses),
        cmocka_unit_test(test_generic_response),
        cmocka_unit_test(test_fault_spv),
        cmocka_unit_test(test_fault_variants),
        cmocka_unit_test(test_transfer_complete),
        cmocka_unit_test(test_autonomous_transfer_complete),
        cmocka_unit_test(test_other_requests),
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
    return cmocka_run_group_tests(tests, NULL, NULL);
}
