/* Unit tests for the CWMP SOAP codec (common/cwmp.h), parsing the ACS
 * methods a CPE calls (docs/rpc-methods.md): TransferComplete,
 * AutonomousTransferComplete, DUStateChangeComplete,
 * AutonomousDUStateChangeComplete, RequestDownload, Kicked, GetRPCMethods,
 * and the bad_args flag that makes the gateway answer fault 8003. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cwmp.h"
#include "cwmp_test.h"

/* The request parses (same ID kept) but is flagged bad_args with a reason
 * containing sub; body is {}. */
static void bad_args(const char *xml, const char *sub)
{
    cwmp_msg_t m;

    parse_ok(xml, &m);
    assert_int_equal(m.kind, CWMP_REQUEST);
    if (!m.bad_args)
        fail_msg("not flagged bad_args (wanted '%s')", sub);
    if (!strstr(m.bad_args_reason, sub))
        fail_msg("bad_args_reason '%s' lacks '%s'", m.bad_args_reason, sub);
    assert_null(strchr(m.bad_args_reason, '\n'));
    assert_string_equal(m.id, "b-1");
    assert_true(json_is_object(m.body));
    assert_int_equal(json_object_size(m.body), 0);
    cwmp_msg_clear(&m);
}

#define BAD(body, sub) bad_args(ENV("<cwmp:ID>b-1</cwmp:ID>", body), sub)

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
    assert_int_equal(m.bad_args, 0);
    assert_string_equal(m.bad_args_reason, "");
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
    assert_int_equal(m.bad_args, 0);
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
    parse_ok(ENV("", "<cwmp:X_ACME_Hello><Command>x</Command></cwmp:X_ACME_Hello>"), &m);
    assert_int_equal(m.kind, CWMP_REQUEST);
    assert_string_equal(m.method, "X_ACME_Hello");
    assert_int_equal(json_object_size(m.body), 0);
    assert_int_equal(m.bad_args, 0);
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

static void test_transfer_complete_bad_args(void **state)
{
    BAD("<cwmp:TransferComplete><FaultStruct><FaultCode>0</FaultCode></FaultStruct>"
        "</cwmp:TransferComplete>",
        "TransferComplete: CommandKey missing");
    BAD("<cwmp:TransferComplete><CommandKey>k</CommandKey><StartTime>x</StartTime>"
        "</cwmp:TransferComplete>",
        "TransferComplete: FaultStruct missing");
    BAD("<cwmp:TransferComplete><CommandKey>k</CommandKey><FaultStruct><FaultString>x"
        "</FaultString></FaultStruct></cwmp:TransferComplete>",
        "FaultStruct/FaultCode missing");
    BAD("<cwmp:TransferComplete><CommandKey>k</CommandKey><FaultStruct><FaultCode> </FaultCode>"
        "</FaultStruct></cwmp:TransferComplete>",
        "FaultStruct/FaultCode missing");
    BAD("<cwmp:TransferComplete><CommandKey>k</CommandKey><FaultStruct><FaultCode>90x"
        "</FaultCode></FaultStruct></cwmp:TransferComplete>",
        "FaultStruct/FaultCode");
    BAD("<cwmp:TransferComplete><CommandKey>k</CommandKey><FaultStruct><FaultCode>-1"
        "</FaultCode></FaultStruct></cwmp:TransferComplete>",
        "FaultCode");
    BAD("<cwmp:TransferComplete><CommandKey>012345678901234567890123456789012</CommandKey>"
        "<FaultStruct><FaultCode>0</FaultCode></FaultStruct></cwmp:TransferComplete>",
        "CommandKey");
    BAD("<cwmp:TransferComplete/>", "TransferComplete");
}

static void test_autonomous_transfer_complete_bad_args(void **state)
{
#define ATC(x) "<cwmp:AutonomousTransferComplete>" x "</cwmp:AutonomousTransferComplete>"
#define ATC_FAULT "<FaultStruct><FaultCode>0</FaultCode></FaultStruct>"
    BAD(ATC("<FileType>1 Firmware Upgrade Image</FileType>" ATC_FAULT),
        "AutonomousTransferComplete: IsDownload missing");
    BAD(ATC("<IsDownload>maybe</IsDownload><FileType>1 Firmware Upgrade "
            "Image</FileType>" ATC_FAULT),
        "IsDownload is not a boolean");
    BAD(ATC("<IsDownload>1</IsDownload>" ATC_FAULT), "FileType missing");
    BAD(ATC("<IsDownload>1</IsDownload><FileType> </FileType>" ATC_FAULT), "FileType missing");
    BAD(ATC("<IsDownload>1</IsDownload><FileType>1 Firmware Upgrade Image</FileType>"),
        "FaultStruct missing");
    BAD(ATC("<IsDownload>1</IsDownload><FileType>1 Firmware Upgrade Image</FileType>"
            "<FileSize>big</FileSize>" ATC_FAULT),
        "FileSize");
}

static void test_du_state_change_complete(void **state)
{
    cwmp_msg_t m;

    /* The XSD's form: Results repeated, each an OpResultStruct. */
    parse_ok(ENV("<cwmp:ID>du</cwmp:ID>",
                 "<cwmp:DUStateChangeComplete>"
                 "<Results><UUID>6ba7b810-9dad-11d1-80b4-00c04fd430c8</UUID>"
                 "<DeploymentUnitRef>Device.SoftwareModules.DeploymentUnit.3.</DeploymentUnitRef>"
                 "<Version>1.2</Version><CurrentState>Installed</CurrentState>"
                 "<Resolved> TRUE </Resolved><ExecutionUnitRefList>"
                 "Device.SoftwareModules.ExecutionUnit.2,Device.SoftwareModules.ExecutionUnit.3"
                 "</ExecutionUnitRefList><StartTime>2024-05-02T08:00:00Z</StartTime>"
                 "<CompleteTime>2024-05-02T08:01:00Z</CompleteTime>"
                 "<Fault><FaultCode>0</FaultCode><FaultString/></Fault></Results>"
                 "<Results><UUID/><DeploymentUnitRef/><Version/><CurrentState>Failed"
                 "</CurrentState><Resolved>0</Resolved><ExecutionUnitRefList/>"
                 "<StartTime>0001-01-01T00:00:00Z</StartTime>"
                 "<CompleteTime>0001-01-01T00:00:00Z</CompleteTime>"
                 "<Fault><FaultCode>9016</FaultCode><FaultString>no file</FaultString></Fault>"
                 "</Results><CommandKey>du-1</CommandKey></cwmp:DUStateChangeComplete>"),
             &m);
    assert_int_equal(m.kind, CWMP_REQUEST);
    assert_string_equal(m.method, "DUStateChangeComplete");
    assert_int_equal(m.bad_args, 0);
    assert_string_equal(m.bad_args_reason, "");
    assert_int_equal(json_object_size(m.body), 2);
    assert_string_equal(jstr(m.body, "command_key"), "du-1");
    const json_t *r = jarr(m.body, "results", 2), *e = json_array_get(r, 0);
    assert_int_equal(json_object_size(e), 9);
    assert_string_equal(jstr(e, "uuid"), "6ba7b810-9dad-11d1-80b4-00c04fd430c8");
    assert_string_equal(jstr(e, "deployment_unit_ref"), "Device.SoftwareModules.DeploymentUnit.3.");
    assert_string_equal(jstr(e, "version"), "1.2");
    assert_string_equal(jstr(e, "current_state"), "Installed");
    assert_true(jbool(e, "resolved"));
    assert_string_equal(jstr(e, "execution_unit_refs"), "Device.SoftwareModules.ExecutionUnit.2,"
                                                        "Device.SoftwareModules.ExecutionUnit.3");
    assert_string_equal(jstr(e, "start_time"), "2024-05-02T08:00:00Z");
    assert_string_equal(jstr(e, "complete_time"), "2024-05-02T08:01:00Z");
    assert_int_equal(jint(json_object_get(e, "fault"), "code"), 0);
    assert_string_equal(jstr(json_object_get(e, "fault"), "string"), "");
    e = json_array_get(r, 1);
    assert_false(jbool(e, "resolved"));
    assert_string_equal(jstr(e, "current_state"), "Failed");
    assert_int_equal(jint(json_object_get(e, "fault"), "code"), 9016);
    assert_string_equal(jstr(json_object_get(e, "fault"), "string"), "no file");
    cwmp_msg_clear(&m);

    /* Results wrapped in an array element, no CommandKey, no Resolved. */
    parse_ok(ENV("", "<cwmp:DUStateChangeComplete><Results soap-enc:arrayType="
                     "\"cwmp:OpResultStruct[1]\"><OpResultStruct><UUID>u</UUID>"
                     "<Fault><FaultCode>9022</FaultCode></Fault></OpResultStruct></Results>"
                     "</cwmp:DUStateChangeComplete>"),
             &m);
    assert_int_equal(m.bad_args, 0);
    assert_string_equal(jstr(m.body, "command_key"), "");
    r = jarr(m.body, "results", 1);
    assert_string_equal(jstr(json_array_get(r, 0), "uuid"), "u");
    assert_false(jbool(json_array_get(r, 0), "resolved"));
    assert_int_equal(jint(json_object_get(json_array_get(r, 0), "fault"), "code"), 9022);
    cwmp_msg_clear(&m);
}

static void test_autonomous_du_state_change_complete(void **state)
{
    cwmp_msg_t m;

    parse_ok(ENV("", "<cwmp:AutonomousDUStateChangeComplete><Results><UUID>u1</UUID>"
                     "<DeploymentUnitRef>D.1.</DeploymentUnitRef><Version>2</Version>"
                     "<CurrentState>Uninstalled</CurrentState><Resolved>false</Resolved>"
                     "<ExecutionUnitRefList/><StartTime>s</StartTime><CompleteTime>c"
                     "</CompleteTime><Fault><FaultCode>0</FaultCode></Fault>"
                     "<OperationPerformed> Uninstall </OperationPerformed></Results>"
                     "</cwmp:AutonomousDUStateChangeComplete>"),
             &m);
    assert_string_equal(m.method, "AutonomousDUStateChangeComplete");
    assert_int_equal(m.bad_args, 0);
    assert_int_equal(json_object_size(m.body), 1);
    const json_t *e = json_array_get(jarr(m.body, "results", 1), 0);
    assert_int_equal(json_object_size(e), 10);
    assert_string_equal(jstr(e, "operation_performed"), "Uninstall");
    assert_string_equal(jstr(e, "current_state"), "Uninstalled");
    assert_string_equal(jstr(e, "deployment_unit_ref"), "D.1.");
    cwmp_msg_clear(&m);
}

static void test_du_bad_args(void **state)
{
#define DU(x) "<cwmp:DUStateChangeComplete>" x "</cwmp:DUStateChangeComplete>"
#define ADU(x) "<cwmp:AutonomousDUStateChangeComplete>" x "</cwmp:AutonomousDUStateChangeComplete>"
#define OK_FAULT "<Fault><FaultCode>0</FaultCode></Fault>"
    BAD(DU("<CommandKey>k</CommandKey>"), "DUStateChangeComplete: Results missing");
    BAD(DU("<Results/>"), "Results missing");
    BAD(DU("<Results><UUID>u</UUID></Results>"), "DUStateChangeComplete: Fault missing");
    BAD(DU("<Results><UUID>u</UUID><Fault><FaultString>x</FaultString></Fault></Results>"),
        "Fault/FaultCode missing");
    BAD(DU("<Results><UUID>u</UUID><Fault><FaultCode>ok</FaultCode></Fault></Results>"),
        "Fault/FaultCode");
    BAD(DU("<Results><Resolved>yes</Resolved>" OK_FAULT "</Results>"), "Resolved");
    BAD(DU("<Results><UUID>0123456789012345678901234567890123456789012345678901234567890123x"
           "</UUID>" OK_FAULT "</Results>"),
        "UUID");
    BAD(DU("<Results>" OK_FAULT "</Results><CommandKey>012345678901234567890123456789012"
           "</CommandKey>"),
        "CommandKey");
    BAD(ADU("<Results><UUID>u</UUID>" OK_FAULT "</Results>"),
        "AutonomousDUStateChangeComplete: OperationPerformed missing");
    BAD(ADU(""), "Results missing");

    /* 64 results pass, 65 do not. */
    char *xml = malloc(65 * 80 + 512);
    size_t n = (size_t)sprintf(xml, "%s",
                               ENV_OPEN(NS_CWMP0) "<soap-env:Header><cwmp:ID>b-1"
                                                  "</cwmp:ID></soap-env:Header><soap-env:Body>"
                                                  "<cwmp:DUStateChangeComplete>");
    for (int i = 0; i < 64; i++)
        n += (size_t)sprintf(xml + n, "<Results>" OK_FAULT "</Results>");
    strcpy(xml + n, "</cwmp:DUStateChangeComplete></soap-env:Body>" ENV_CLOSE);
    cwmp_msg_t m;
    parse_ok(xml, &m);
    assert_int_equal(m.bad_args, 0);
    jarr(m.body, "results", 64);
    cwmp_msg_clear(&m);
    n += (size_t)sprintf(xml + n, "<Results>" OK_FAULT "</Results>");
    strcpy(xml + n, "</cwmp:DUStateChangeComplete></soap-env:Body>" ENV_CLOSE);
    bad_args(xml, "more than 64 Results");
    free(xml);
}

static void test_request_download_bad_args(void **state)
{
    char xml[4096];
    size_t n;

    BAD("<cwmp:RequestDownload><FileTypeArg/></cwmp:RequestDownload>",
        "RequestDownload: FileType missing");
    BAD("<cwmp:RequestDownload><FileType/></cwmp:RequestDownload>", "FileType missing");
    BAD("<cwmp:RequestDownload><FileType>"
        "01234567890123456789012345678901234567890123456789012345678901234</FileType>"
        "</cwmp:RequestDownload>",
        "FileType");
    n = (size_t)snprintf(
        xml, sizeof(xml), "%s",
        ENV_OPEN(NS_CWMP0) "<soap-env:Header><cwmp:ID>b-1</cwmp:ID>"
                           "</soap-env:Header><soap-env:Body><cwmp:RequestDownload>"
                           "<FileType>2 Web Content</FileType><FileTypeArg>");
    for (int i = 0; i < 17; i++)
        n += (size_t)snprintf(xml + n, sizeof(xml) - n,
                              "<ArgStruct><Name>n%d</Name><Value>v</Value></ArgStruct>", i);
    snprintf(xml + n, sizeof(xml) - n,
             "</FileTypeArg></cwmp:RequestDownload></soap-env:Body>" ENV_CLOSE);
    bad_args(xml, "more than 16 FileTypeArg");
    /* No FileTypeArg at all: an empty list. */
    cwmp_msg_t m;
    parse_ok(ENV("", "<cwmp:RequestDownload><FileType> 2 Web Content </FileType>"
                     "</cwmp:RequestDownload>"),
             &m);
    assert_int_equal(m.bad_args, 0);
    assert_string_equal(jstr(m.body, "file_type"), "2 Web Content");
    jarr(m.body, "file_type_args", 0);
    cwmp_msg_clear(&m);
}

static void test_kicked(void **state)
{
    cwmp_msg_t m;

    parse_ok(ENV("<cwmp:ID>k</cwmp:ID>",
                 "<cwmp:Kicked><Command> reset </Command><Referer>http://portal/a?b</Referer>"
                 "<Arg>x=1&amp;y=2</Arg><Next> http://portal/next </Next></cwmp:Kicked>"),
             &m);
    assert_int_equal(m.kind, CWMP_REQUEST);
    assert_string_equal(m.method, "Kicked");
    assert_int_equal(m.bad_args, 0);
    assert_int_equal(json_object_size(m.body), 4);
    assert_string_equal(jstr(m.body, "command"), "reset");
    assert_string_equal(jstr(m.body, "referer"), "http://portal/a?b");
    assert_string_equal(jstr(m.body, "arg"), "x=1&y=2");
    assert_string_equal(jstr(m.body, "next"), "http://portal/next");
    cwmp_msg_clear(&m);
    /* Empty members are fine; missing ones and over-long ones are not. */
    parse_ok(ENV("", "<cwmp:Kicked><Command/><Referer/><Arg/><Next/></cwmp:Kicked>"), &m);
    assert_int_equal(m.bad_args, 0);
    assert_string_equal(jstr(m.body, "next"), "");
    cwmp_msg_clear(&m);
    BAD("<cwmp:Kicked><Command>x</Command></cwmp:Kicked>", "Kicked: Referer missing");
    BAD("<cwmp:Kicked><Command>x</Command><Referer/><Arg/></cwmp:Kicked>", "Kicked: Next missing");
    BAD("<cwmp:Kicked><Referer/><Arg/><Next/></cwmp:Kicked>", "Kicked: Command missing");
    BAD("<cwmp:Kicked><Command>012345678901234567890123456789012</Command><Referer/><Arg/>"
        "<Next/></cwmp:Kicked>",
        "Command");
}

/* A malformed Inform is still a parse error (the gateway answers 400), not
 * bad_args: it has no session to answer 8003 in. */
static void test_inform_not_bad_args(void **state)
{
    parse_fail(ENV("", "<cwmp:Inform><DeviceId><OUI>00D09E</OUI></DeviceId></cwmp:Inform>"),
               "SerialNumber");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transfer_complete),
        cmocka_unit_test(test_transfer_complete_bad_args),
        cmocka_unit_test(test_autonomous_transfer_complete),
        cmocka_unit_test(test_autonomous_transfer_complete_bad_args),
        cmocka_unit_test(test_du_state_change_complete),
        cmocka_unit_test(test_autonomous_du_state_change_complete),
        cmocka_unit_test(test_du_bad_args),
        cmocka_unit_test(test_request_download_bad_args),
        cmocka_unit_test(test_kicked),
        cmocka_unit_test(test_other_requests),
        cmocka_unit_test(test_inform_not_bad_args),
    };
    cwmp_init();
    return cmocka_run_group_tests_name("cwmp_acs", tests, NULL, NULL);
}
