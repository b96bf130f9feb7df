/* Unit tests for the CWMP SOAP codec (common/cwmp.h), parsing what answers
 * the ACS: responses to every RPC, CPE faults (SetParameterValuesFault,
 * prefixed faultcode), and the CPE's own requests (TransferComplete...). */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gpv_response),
        cmocka_unit_test(test_spv_gpn_reboot_rpc_responses),
        cmocka_unit_test(test_generic_response),
        cmocka_unit_test(test_fault_spv),
        cmocka_unit_test(test_fault_variants),
        cmocka_unit_test(test_transfer_complete),
        cmocka_unit_test(test_autonomous_transfer_complete),
        cmocka_unit_test(test_other_requests),
    };
    cwmp_init();
    return cmocka_run_group_tests_name("cwmp_rpc", tests, NULL, NULL);
}
