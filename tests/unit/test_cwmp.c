/* Unit tests for the CWMP SOAP codec (common/cwmp.h), parsing: every
 * message kind and field-seen quirk (cwmp-reference.md 2, 4, 8), hostile
 * input and limits. The builders are tested in test_cwmp_build.c. */
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
                     "</CommandKey><FaultStruct><FaultCode>0</FaultCode></FaultStruct>"
                     "</cwmp:TransferComplete>"),
             &m);
    assert_int_equal(m.bad_args, 0);
    assert_int_equal(strlen(jstr(m.body, "command_key")), 64);
    cwmp_msg_clear(&m);
    /* 33 of them do not: the CPE gets 8003 (bad_args), not a broken session. */
    parse_ok(ENV("", "<cwmp:TransferComplete><CommandKey>"
                     "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                     "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                     "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                     "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9x"
                     "</CommandKey><FaultStruct><FaultCode>0</FaultCode></FaultStruct>"
                     "</cwmp:TransferComplete>"),
             &m);
    assert_int_equal(m.bad_args, 1);
    assert_non_null(strstr(m.bad_args_reason, "CommandKey"));
    assert_int_equal(json_object_size(m.body), 0);
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
    };
    cwmp_init();
    return cmocka_run_group_tests_name("cwmp_parse", tests, NULL, NULL);
}
