/* Unit tests for the CWMP SOAP codec (common/cwmp.h), parsing what answers
 * the ACS: responses to every RPC in the shapes of docs/rpc-methods.md, and
 * CPE faults (SetParameterValuesFault, prefixed faultcode, any code). The
 * CPE's own requests are in test_cwmp_acs.c. */
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

static void test_gpa_response(void **state)
{
    cwmp_msg_t m;

    parse_ok(ENV("", "<cwmp:GetParameterAttributesResponse><ParameterList soap-enc:arrayType="
                     "\"cwmp:ParameterAttributeStruct[4]\">"
                     "<ParameterAttributeStruct><Name> A.x </Name><Notification> 2 </Notification>"
                     "<AccessList soap-enc:arrayType=\"xsd:string[1]\"><string>Subscriber</string>"
                     "</AccessList></ParameterAttributeStruct>"
                     "<ParameterAttributeStruct><Name>B.</Name><Notification>6</Notification>"
                     "<AccessList/></ParameterAttributeStruct>"
                     "<ParameterAttributeStruct><Notification>1</Notification>"
                     "</ParameterAttributeStruct>"
                     "<ParameterAttributeStruct><Name>C</Name></ParameterAttributeStruct>"
                     "</ParameterList></cwmp:GetParameterAttributesResponse>"),
             &m);
    assert_string_equal(m.method, "GetParameterAttributes");
    assert_int_equal(json_object_size(m.body), 1);
    /* The entry without a Name is skipped; no Notification reads 0. */
    const json_t *p = jarr(m.body, "parameters", 3), *e = json_array_get(p, 0);
    assert_int_equal(json_object_size(e), 3);
    assert_string_equal(jstr(e, "name"), "A.x");
    assert_int_equal(jint(e, "notification"), 2);
    const json_t *al = jarr(e, "access_list", 1);
    assert_string_equal(json_string_value(json_array_get(al, 0)), "Subscriber");
    e = json_array_get(p, 1);
    assert_string_equal(jstr(e, "name"), "B.");
    assert_int_equal(jint(e, "notification"), 6);
    jarr(e, "access_list", 0);
    e = json_array_get(p, 2);
    assert_int_equal(jint(e, "notification"), 0);
    jarr(e, "access_list", 0);
    cwmp_msg_clear(&m);
    parse_fail(ENV("", "<cwmp:GetParameterAttributesResponse><ParameterList>"
                       "<ParameterAttributeStruct><Name>A</Name><Notification>7</Notification>"
                       "</ParameterAttributeStruct></ParameterList>"
                       "</cwmp:GetParameterAttributesResponse>"),
               "Notification");
    parse_fail(ENV("", "<cwmp:GetParameterAttributesResponse><ParameterList>"
                       "<ParameterAttributeStruct><Name>A</Name><Notification>active"
                       "</Notification></ParameterAttributeStruct></ParameterList>"
                       "</cwmp:GetParameterAttributesResponse>"),
               "Notification");
}

static void test_object_responses(void **state)
{
    cwmp_msg_t m;

    parse_ok(ENV("", "<cwmp:AddObjectResponse><InstanceNumber> 3 </InstanceNumber>"
                     "<Status>1</Status></cwmp:AddObjectResponse>"),
             &m);
    assert_string_equal(m.method, "AddObject");
    assert_int_equal(json_object_size(m.body), 2);
    assert_int_equal(jint(m.body, "instance_number"), 3);
    assert_int_equal(jint(m.body, "status"), 1);
    cwmp_msg_clear(&m);
    parse_fail(ENV("", "<cwmp:AddObjectResponse><Status>0</Status></cwmp:AddObjectResponse>"),
               "InstanceNumber missing");
    parse_fail(ENV("", "<cwmp:AddObjectResponse><InstanceNumber>0</InstanceNumber>"
                       "<Status>0</Status></cwmp:AddObjectResponse>"),
               "InstanceNumber");
    parse_fail(ENV("", "<cwmp:AddObjectResponse><InstanceNumber>4294967296</InstanceNumber>"
                       "<Status>0</Status></cwmp:AddObjectResponse>"),
               "InstanceNumber");
    parse_fail(ENV("", "<cwmp:AddObjectResponse><InstanceNumber>2</InstanceNumber>"
                       "</cwmp:AddObjectResponse>"),
               "Status missing");

    parse_ok(ENV("", "<cwmp:DeleteObjectResponse><Status>0</Status></cwmp:DeleteObjectResponse>"),
             &m);
    assert_string_equal(m.method, "DeleteObject");
    assert_int_equal(json_object_size(m.body), 1);
    assert_int_equal(jint(m.body, "status"), 0);
    cwmp_msg_clear(&m);
    parse_fail(ENV("", "<cwmp:DeleteObjectResponse><Status>2</Status></cwmp:DeleteObjectResponse>"),
               "Status");
}

static void test_transfer_responses(void **state)
{
    static const char *const methods[] = {"Download", "Upload"};
    char xml[1024];
    cwmp_msg_t m;

    for (int i = 0; i < 2; i++) {
        snprintf(xml, sizeof(xml),
                 ENV("", "<cwmp:%sResponse><Status>1</Status><StartTime> 0001-01-01T00:00:00Z"
                         "</StartTime><CompleteTime>0001-01-01T00:00:00Z</CompleteTime>"
                         "</cwmp:%sResponse>"),
                 methods[i], methods[i]);
        parse_ok(xml, &m);
        assert_string_equal(m.method, methods[i]);
        assert_int_equal(json_object_size(m.body), 3);
        assert_int_equal(jint(m.body, "status"), 1);
        assert_string_equal(jstr(m.body, "start_time"), "0001-01-01T00:00:00Z");
        assert_string_equal(jstr(m.body, "complete_time"), "0001-01-01T00:00:00Z");
        cwmp_msg_clear(&m);
    }
    /* Times absent: "" (passed on as sent). Status is mandatory. */
    parse_ok(ENV("", "<cwmp:DownloadResponse><Status>0</Status></cwmp:DownloadResponse>"), &m);
    assert_string_equal(jstr(m.body, "start_time"), "");
    assert_string_equal(jstr(m.body, "complete_time"), "");
    cwmp_msg_clear(&m);
    parse_fail(ENV("", "<cwmp:UploadResponse><StartTime>x</StartTime></cwmp:UploadResponse>"),
               "Status missing");
    parse_fail(ENV("", "<cwmp:DownloadResponse><Status>yes</Status></cwmp:DownloadResponse>"),
               "Status");
}

static void test_queued_transfers_responses(void **state)
{
    cwmp_msg_t m;

    parse_ok(ENV("", "<cwmp:GetQueuedTransfersResponse><TransferList soap-enc:arrayType="
                     "\"cwmp:QueuedTransferStruct[2]\"><QueuedTransferStruct><CommandKey>dl-1"
                     "</CommandKey><State>2</State></QueuedTransferStruct><QueuedTransferStruct>"
                     "<CommandKey/><State> 1 </State></QueuedTransferStruct></TransferList>"
                     "</cwmp:GetQueuedTransfersResponse>"),
             &m);
    assert_string_equal(m.method, "GetQueuedTransfers");
    const json_t *t = jarr(m.body, "transfers", 2);
    assert_string_equal(jstr(json_array_get(t, 0), "command_key"), "dl-1");
    assert_int_equal(jint(json_array_get(t, 0), "state"), 2);
    assert_int_equal(json_object_size(json_array_get(t, 0)), 2);
    assert_string_equal(jstr(json_array_get(t, 1), "command_key"), "");
    assert_int_equal(jint(json_array_get(t, 1), "state"), 1);
    cwmp_msg_clear(&m);

    parse_ok(ENV("", "<cwmp:GetAllQueuedTransfersResponse><TransferList>"
                     "<AllQueuedTransferStruct><CommandKey>up-7</CommandKey><State>3</State>"
                     "<IsDownload>false</IsDownload><FileType>2 Vendor Log File</FileType>"
                     "<FileSize>2048</FileSize><TargetFileName/></AllQueuedTransferStruct>"
                     "<AllQueuedTransferStruct><CommandKey></CommandKey><State>1</State>"
                     "<IsDownload>1</IsDownload><FileType>1 Firmware Upgrade Image</FileType>"
                     "<FileSize>0</FileSize><TargetFileName>fw.bin</TargetFileName>"
                     "</AllQueuedTransferStruct></TransferList>"
                     "</cwmp:GetAllQueuedTransfersResponse>"),
             &m);
    assert_string_equal(m.method, "GetAllQueuedTransfers");
    t = jarr(m.body, "transfers", 2);
    const json_t *e = json_array_get(t, 0);
    assert_int_equal(json_object_size(e), 6);
    assert_string_equal(jstr(e, "command_key"), "up-7");
    assert_int_equal(jint(e, "state"), 3);
    assert_false(jbool(e, "is_download"));
    assert_string_equal(jstr(e, "file_type"), "2 Vendor Log File");
    assert_int_equal(jint(e, "file_size"), 2048);
    assert_string_equal(jstr(e, "target_file_name"), "");
    e = json_array_get(t, 1);
    assert_true(jbool(e, "is_download"));
    assert_string_equal(jstr(e, "target_file_name"), "fw.bin");
    cwmp_msg_clear(&m);

    /* An empty list, a bad State, a missing IsDownload. */
    parse_ok(ENV("", "<cwmp:GetQueuedTransfersResponse><TransferList/>"
                     "</cwmp:GetQueuedTransfersResponse>"),
             &m);
    jarr(m.body, "transfers", 0);
    cwmp_msg_clear(&m);
    parse_fail(ENV("", "<cwmp:GetQueuedTransfersResponse><TransferList><QueuedTransferStruct>"
                       "<CommandKey>a</CommandKey><State>4</State></QueuedTransferStruct>"
                       "</TransferList></cwmp:GetQueuedTransfersResponse>"),
               "State");
    parse_fail(ENV("", "<cwmp:GetAllQueuedTransfersResponse><TransferList>"
                       "<AllQueuedTransferStruct><CommandKey>a</CommandKey><State>1</State>"
                       "</AllQueuedTransferStruct></TransferList>"
                       "</cwmp:GetAllQueuedTransfersResponse>"),
               "IsDownload missing");
}

/* Methods whose response carries nothing: {} even if the CPE adds children. */
static void test_empty_responses(void **state)
{
    static const char *const methods[] = {
        "Reboot",           "FactoryReset",   "SetParameterAttributes", "ScheduleInform",
        "ScheduleDownload", "CancelTransfer", "ChangeDUState",
    };
    char xml[1024];
    cwmp_msg_t m;

    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        snprintf(xml, sizeof(xml), ENV("<cwmp:ID>e</cwmp:ID>", "<cwmp:%sResponse/>"), methods[i]);
        parse_ok(xml, &m);
        assert_int_equal(m.kind, CWMP_RESPONSE);
        assert_string_equal(m.method, methods[i]);
        assert_true(json_is_object(m.body));
        assert_int_equal(json_object_size(m.body), 0);
        cwmp_msg_clear(&m);
        snprintf(xml, sizeof(xml), ENV("", "<cwmp:%sResponse><Junk>1</Junk></cwmp:%sResponse>"),
                 methods[i], methods[i]);
        parse_ok(xml, &m);
        assert_int_equal(json_object_size(m.body), 0);
        cwmp_msg_clear(&m);
    }
}

/* Vendor and unknown responses pass through generically. */
static void test_generic_response(void **state)
{
    cwmp_msg_t m;

    parse_ok(ENV("", "<cwmp:X_00D09E_EchoResponse><Text> hi </Text><Count>3</Count>"
                     "<Item><A>1</A></Item><Item><A>2</A><B/></Item>"
                     "</cwmp:X_00D09E_EchoResponse>"),
             &m);
    assert_string_equal(m.method, "X_00D09E_Echo");
    assert_int_equal(json_object_size(m.body), 3);
    assert_string_equal(jstr(m.body, "Text"), " hi ");
    assert_string_equal(jstr(m.body, "Count"), "3");
    const json_t *items = jarr(m.body, "Item", 2);
    assert_string_equal(jstr(json_array_get(items, 0), "A"), "1");
    assert_string_equal(jstr(json_array_get(items, 1), "A"), "2");
    assert_string_equal(jstr(json_array_get(items, 1), "B"), "");
    cwmp_msg_clear(&m);
    parse_ok(ENV("", "<cwmp:X_ACME_NothingResponse/>"), &m);
    assert_string_equal(m.method, "X_ACME_Nothing");
    assert_int_equal(json_object_size(m.body), 0);
    cwmp_msg_clear(&m);
    parse_ok(ENV("", "<cwmp:SetVouchersResponse><Odd>x</Odd></cwmp:SetVouchersResponse>"), &m);
    assert_string_equal(jstr(m.body, "Odd"), "x");
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

/* Whatever the code, a fault is a fault: 9xxx, vendor 98xx, 8xxx from a
 * confused CPE, and the SOAP faultcode as sent. */
static void test_fault_codes(void **state)
{
    static const struct {
        const char *fc;
        int code;
    } cases[] = {{"Server", 9000}, {"Client", 9005}, {"Server", 9032}, {"Server", 9850},
                 {"Client", 8003}, {"Server", 8000}, {"Server", 9799}, {"Server", 8805}};
    char xml[1024];
    cwmp_msg_t m;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(xml, sizeof(xml),
                 ENV("<cwmp:ID>f</cwmp:ID>",
                     "<soap-env:Fault><faultcode>%s</faultcode><faultstring>CWMP fault"
                     "</faultstring><detail><cwmp:Fault><FaultCode>%d</FaultCode>"
                     "<FaultString>text %d</FaultString></cwmp:Fault></detail></soap-env:Fault>"),
                 cases[i].fc, cases[i].code, cases[i].code);
        parse_ok(xml, &m);
        assert_int_equal(m.kind, CWMP_FAULT);
        assert_string_equal(m.id, "f");
        assert_string_equal(jstr(m.body, "faultcode"), cases[i].fc);
        assert_int_equal(jint(m.body, "code"), cases[i].code);
        snprintf(xml, sizeof(xml), "text %d", cases[i].code);
        assert_string_equal(jstr(m.body, "string"), xml);
        assert_int_equal(json_object_size(m.body), 3);
        cwmp_msg_clear(&m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gpv_response),
        cmocka_unit_test(test_spv_gpn_reboot_rpc_responses),
        cmocka_unit_test(test_gpa_response),
        cmocka_unit_test(test_object_responses),
        cmocka_unit_test(test_transfer_responses),
        cmocka_unit_test(test_queued_transfers_responses),
        cmocka_unit_test(test_empty_responses),
        cmocka_unit_test(test_generic_response),
        cmocka_unit_test(test_fault_spv),
        cmocka_unit_test(test_fault_variants),
        cmocka_unit_test(test_fault_codes),
    };
    cwmp_init();
    return cmocka_run_group_tests_name("cwmp_rpc", tests, NULL, NULL);
}
