/* Unit tests for the CWMP SOAP codec (common/cwmp.h), building the CPE
 * methods beyond the parameter ones: every method of docs/rpc-methods.md,
 * checked element by element (order of cwmp-1-2.xsd, unqualified children,
 * arrayType counts, defaults) by reading the envelope back with XPath, and
 * every kind of bad argument refused with a reason naming it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acs_buf.h"
#include "cwmp.h"
#include "cwmp_test.h"

/* The element children of path are exactly the comma-separated names in
 * want, in that order, none of them namespace-qualified. */
static void assert_children(xmlDocPtr doc, const char *path, const char *want)
{
    char expr[512], name[64], n[16];
    const char *p = want;
    int i = 0;

    while (*p) {
        size_t len = strcspn(p, ",");
        snprintf(name, sizeof(name), "%.*s", (int)len, p);
        i++;
        snprintf(expr, sizeof(expr), "name(%s/*[%d])", path, i);
        assert_xp(doc, NS_CWMP0, expr, name);
        snprintf(expr, sizeof(expr), "namespace-uri(%s/*[%d])", path, i);
        assert_xp(doc, NS_CWMP0, expr, "");
        p += len;
        if (*p == ',')
            p++;
    }
    snprintf(expr, sizeof(expr), "count(%s/*)", path);
    snprintf(n, sizeof(n), "%d", i);
    assert_xp(doc, NS_CWMP0, expr, n);
}

static void test_no_arg_methods(void **state)
{
    static const char *const methods[] = {"GetRPCMethods", "FactoryReset", "GetQueuedTransfers",
                                          "GetAllQueuedTransfers"};
    acs_buf_t b = ACS_BUF_INIT;
    char expr[128], err[128];
    xmlDocPtr doc;
    cwmp_msg_t m;

    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        build_ok(methods[i], "{\"ignored\": 1}", 1, &b, &doc);
        snprintf(expr, sizeof(expr), "count(" BODY "c:%s)", methods[i]);
        assert_xp(doc, NS_CWMP0, expr, "1");
        snprintf(expr, sizeof(expr), "count(" BODY "c:%s/node())", methods[i]);
        assert_xp(doc, NS_CWMP0, expr, "0");
        assert_xp(doc, NS_CWMP0, "/e:Envelope/e:Header/c:HoldRequests", "1");
        xmlFreeDoc(doc);
        /* NULL params too; and our parser reads it as that request. */
        acs_buf_reset(&b);
        assert_int_equal(
            cwmp_build_request(&b, NS_CWMP0, "n", 0, methods[i], NULL, err, sizeof(err)), 0);
        parse_ok_n(b.data, b.len, &m);
        assert_int_equal(m.kind, CWMP_REQUEST);
        assert_string_equal(m.method, methods[i]);
        cwmp_msg_clear(&m);
    }
    acs_buf_free(&b);
}

static void test_build_gpa(void **state)
{
    acs_buf_t b = ACS_BUF_INIT;
    xmlDocPtr doc;

    build_ok("GetParameterAttributes", "{\"names\": [\"Device.WiFi.\", \"\", \"A<&>\"]}", 0, &b,
             &doc);
    assert_children(doc, BODY "c:GetParameterAttributes", "ParameterNames");
    assert_xp(doc, NS_CWMP0, BODY "c:GetParameterAttributes/ParameterNames/@enc:arrayType",
              "xsd:string[3]");
    assert_children(doc, BODY "c:GetParameterAttributes/ParameterNames", "string,string,string");
    assert_xp(doc, NS_CWMP0, BODY "c:GetParameterAttributes/ParameterNames/string[1]",
              "Device.WiFi.");
    assert_xp(doc, NS_CWMP0, BODY "c:GetParameterAttributes/ParameterNames/string[3]", "A<&>");
    xmlFreeDoc(doc);
    acs_buf_free(&b);
}

static void test_build_spa(void **state)
{
    acs_buf_t b = ACS_BUF_INIT;
    xmlDocPtr doc;

    build_ok("SetParameterAttributes",
             "{\"attributes\": ["
             " {\"name\": \"Device.A\", \"notification\": 2},"
             " {\"name\": \"Device.B.\", \"access_list\": [\"Subscriber\"]},"
             " {\"name\": \"Device.C\", \"notification\": 0, \"access_list\": [],"
             "  \"access_list_ignored\": 5}"
             "]}",
             0, &b, &doc);
#define SPA BODY "c:SetParameterAttributes/ParameterList"
#define SAS(i) SPA "/SetParameterAttributesStruct[" #i "]"
    assert_children(doc, BODY "c:SetParameterAttributes", "ParameterList");
    assert_xp(doc, NS_CWMP0, SPA "/@enc:arrayType", "cwmp:SetParameterAttributesStruct[3]");
    assert_children(doc, SPA,
                    "SetParameterAttributesStruct,SetParameterAttributesStruct,"
                    "SetParameterAttributesStruct");
    for (int i = 1; i <= 3; i++) {
        char path[128];
        snprintf(path, sizeof(path), SPA "/SetParameterAttributesStruct[%d]", i);
        assert_children(doc, path,
                        "Name,NotificationChange,Notification,AccessListChange,AccessList");
    }
    /* notification only: AccessListChange 0 and an empty list. */
    assert_xp(doc, NS_CWMP0, SAS(1) "/Name", "Device.A");
    assert_xp(doc, NS_CWMP0, SAS(1) "/NotificationChange", "1");
    assert_xp(doc, NS_CWMP0, SAS(1) "/Notification", "2");
    assert_xp(doc, NS_CWMP0, SAS(1) "/AccessListChange", "0");
    assert_xp(doc, NS_CWMP0, SAS(1) "/AccessList/@enc:arrayType", "xsd:string[0]");
    assert_xp(doc, NS_CWMP0, "count(" SAS(1) "/AccessList/*)", "0");
    /* access_list only: NotificationChange 0, Notification 0. */
    assert_xp(doc, NS_CWMP0, SAS(2) "/NotificationChange", "0");
    assert_xp(doc, NS_CWMP0, SAS(2) "/Notification", "0");
    assert_xp(doc, NS_CWMP0, SAS(2) "/AccessListChange", "1");
    assert_xp(doc, NS_CWMP0, SAS(2) "/AccessList/@enc:arrayType", "xsd:string[1]");
    assert_children(doc, SAS(2) "/AccessList", "string");
    assert_xp(doc, NS_CWMP0, SAS(2) "/AccessList/string", "Subscriber");
    /* both, the list empty: clears it. */
    assert_xp(doc, NS_CWMP0, SAS(3) "/NotificationChange", "1");
    assert_xp(doc, NS_CWMP0, SAS(3) "/Notification", "0");
    assert_xp(doc, NS_CWMP0, SAS(3) "/AccessListChange", "1");
    xmlFreeDoc(doc);
    acs_buf_free(&b);
}

static void test_build_objects(void **state)
{
    static const char *const methods[] = {"AddObject", "DeleteObject"};
    acs_buf_t b = ACS_BUF_INIT;
    char path[64], expr[128];
    xmlDocPtr doc;

    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), BODY "c:%s", methods[i]);
        build_ok(methods[i], "{\"object\": \"Device.NAT.PortMapping.\", \"parameter_key\": \"pk\"}",
                 0, &b, &doc);
        assert_children(doc, path, "ObjectName,ParameterKey");
        snprintf(expr, sizeof(expr), "%s/ObjectName", path);
        assert_xp(doc, NS_CWMP0, expr, "Device.NAT.PortMapping.");
        snprintf(expr, sizeof(expr), "%s/ParameterKey", path);
        assert_xp(doc, NS_CWMP0, expr, "pk");
        xmlFreeDoc(doc);
        build_ok(methods[i], "{\"object\": \"Device.NAT.PortMapping.3.\"}", 0, &b, &doc);
        assert_children(doc, path, "ObjectName,ParameterKey");
        assert_xp(doc, NS_CWMP0, expr, "");
        xmlFreeDoc(doc);
    }
    acs_buf_free(&b);
}

static void test_build_download(void **state)
{
    acs_buf_t b = ACS_BUF_INIT;
    xmlDocPtr doc;

#define DL BODY "c:Download"
    build_ok(
        "Download",
        "{\"command_key\": \"dl-1\", \"file_type\": \"1 Firmware Upgrade Image\","
        " \"url\": \"http://files.example/fw.bin?a=1&b=2\", \"username\": \"u\","
        " \"password\": \"p<&>w\", \"file_size\": 4294967295, \"target_file_name\": \"fw.bin\","
        " \"delay_seconds\": 30, \"success_url\": \"http://ok/\", \"failure_url\": \"http://ko/\"}",
        0, &b, &doc);
    assert_children(doc, DL,
                    "CommandKey,FileType,URL,Username,Password,FileSize,TargetFileName,"
                    "DelaySeconds,SuccessURL,FailureURL");
    assert_xp(doc, NS_CWMP0, DL "/CommandKey", "dl-1");
    assert_xp(doc, NS_CWMP0, DL "/FileType", "1 Firmware Upgrade Image");
    assert_xp(doc, NS_CWMP0, DL "/URL", "http://files.example/fw.bin?a=1&b=2");
    assert_xp(doc, NS_CWMP0, DL "/Username", "u");
    assert_xp(doc, NS_CWMP0, DL "/Password", "p<&>w");
    assert_xp(doc, NS_CWMP0, DL "/FileSize", "4294967295");
    assert_xp(doc, NS_CWMP0, DL "/TargetFileName", "fw.bin");
    assert_xp(doc, NS_CWMP0, DL "/DelaySeconds", "30");
    assert_xp(doc, NS_CWMP0, DL "/SuccessURL", "http://ok/");
    assert_xp(doc, NS_CWMP0, DL "/FailureURL", "http://ko/");
    xmlFreeDoc(doc);
    /* Defaults: strings "", integers 0. */
    build_ok("Download",
             "{\"file_type\": \"3 Vendor Configuration File\", \"url\": \"http://f/c\","
             " \"username\": null}",
             0, &b, &doc);
    assert_children(doc, DL,
                    "CommandKey,FileType,URL,Username,Password,FileSize,TargetFileName,"
                    "DelaySeconds,SuccessURL,FailureURL");
    assert_xp(doc, NS_CWMP0, DL "/CommandKey", "");
    assert_xp(doc, NS_CWMP0, DL "/Username", "");
    assert_xp(doc, NS_CWMP0, DL "/Password", "");
    assert_xp(doc, NS_CWMP0, DL "/FileSize", "0");
    assert_xp(doc, NS_CWMP0, DL "/DelaySeconds", "0");
    assert_xp(doc, NS_CWMP0, DL "/FailureURL", "");
    xmlFreeDoc(doc);
    acs_buf_free(&b);
}

static void test_build_upload(void **state)
{
    acs_buf_t b = ACS_BUF_INIT;
    xmlDocPtr doc;

    build_ok("Upload",
             "{\"command_key\": \"up-1\", \"file_type\": \"1 Vendor Configuration File\","
             " \"url\": \"http://files.example/upload/dev/cfg?expires=1&sig=x\","
             " \"delay_seconds\": 5, \"file_size\": 99, \"success_url\": \"ignored\"}",
             0, &b, &doc);
    assert_children(doc, BODY "c:Upload", "CommandKey,FileType,URL,Username,Password,DelaySeconds");
    assert_xp(doc, NS_CWMP0, BODY "c:Upload/CommandKey", "up-1");
    assert_xp(doc, NS_CWMP0, BODY "c:Upload/URL",
              "http://files.example/upload/dev/cfg?expires=1&sig=x");
    assert_xp(doc, NS_CWMP0, BODY "c:Upload/DelaySeconds", "5");
    xmlFreeDoc(doc);
    acs_buf_free(&b);
}

static void test_build_schedule_inform_cancel(void **state)
{
    acs_buf_t b = ACS_BUF_INIT;
    xmlDocPtr doc;

    build_ok("ScheduleInform", "{\"delay_seconds\": 60, \"command_key\": \"si-1\"}", 0, &b, &doc);
    assert_children(doc, BODY "c:ScheduleInform", "DelaySeconds,CommandKey");
    assert_xp(doc, NS_CWMP0, BODY "c:ScheduleInform/DelaySeconds", "60");
    assert_xp(doc, NS_CWMP0, BODY "c:ScheduleInform/CommandKey", "si-1");
    xmlFreeDoc(doc);
    build_ok("ScheduleInform", "{\"delay_seconds\": 4294967295}", 0, &b, &doc);
    assert_xp(doc, NS_CWMP0, BODY "c:ScheduleInform/CommandKey", "");
    xmlFreeDoc(doc);
    build_ok("CancelTransfer", "{\"command_key\": \"dl-9\"}", 0, &b, &doc);
    assert_children(doc, BODY "c:CancelTransfer", "CommandKey");
    assert_xp(doc, NS_CWMP0, BODY "c:CancelTransfer/CommandKey", "dl-9");
    xmlFreeDoc(doc);
    build_ok("CancelTransfer", "{\"command_key\": \"\"}", 0, &b, &doc);
    assert_xp(doc, NS_CWMP0, "count(" BODY "c:CancelTransfer/CommandKey)", "1");
    xmlFreeDoc(doc);
    acs_buf_free(&b);
}

static void test_build_schedule_download(void **state)
{
    acs_buf_t b = ACS_BUF_INIT;
    xmlDocPtr doc;

#define SD BODY "c:ScheduleDownload"
#define TW(i) SD "/TimeWindowList/TimeWindowStruct[" #i "]"
    build_ok("ScheduleDownload",
             "{\"command_key\": \"sd-1\", \"file_type\": \"1 Firmware Upgrade Image\","
             " \"url\": \"http://f/fw\", \"password\": \"pw\", \"file_size\": 10,"
             " \"time_windows\": ["
             "  {\"window_start\": 0, \"window_end\": 3600, \"window_mode\": \"1 At Any Time\"},"
             "  {\"window_start\": 3600, \"window_end\": 7200, \"window_mode\": \"4 Confirmation "
             "Needed\", \"user_message\": \"Update?\", \"max_retries\": 3}]}",
             0, &b, &doc);
    assert_children(doc, SD,
                    "CommandKey,FileType,URL,Username,Password,FileSize,TargetFileName,"
                    "TimeWindowList");
    assert_xp(doc, NS_CWMP0, SD "/Password", "pw");
    assert_xp(doc, NS_CWMP0, SD "/FileSize", "10");
    assert_xp(doc, NS_CWMP0, SD "/TimeWindowList/@enc:arrayType", "cwmp:TimeWindowStruct[2]");
    assert_children(doc, SD "/TimeWindowList", "TimeWindowStruct,TimeWindowStruct");
    assert_children(doc, TW(1), "WindowStart,WindowEnd,WindowMode,UserMessage,MaxRetries");
    assert_children(doc, TW(2), "WindowStart,WindowEnd,WindowMode,UserMessage,MaxRetries");
    assert_xp(doc, NS_CWMP0, TW(1) "/WindowStart", "0");
    assert_xp(doc, NS_CWMP0, TW(1) "/WindowEnd", "3600");
    assert_xp(doc, NS_CWMP0, TW(1) "/WindowMode", "1 At Any Time");
    assert_xp(doc, NS_CWMP0, TW(1) "/UserMessage", "");
    assert_xp(doc, NS_CWMP0, TW(1) "/MaxRetries", "-1");
    assert_xp(doc, NS_CWMP0, TW(2) "/WindowMode", "4 Confirmation Needed");
    assert_xp(doc, NS_CWMP0, TW(2) "/UserMessage", "Update?");
    assert_xp(doc, NS_CWMP0, TW(2) "/MaxRetries", "3");
    xmlFreeDoc(doc);
    build_ok("ScheduleDownload",
             "{\"file_type\": \"1 Firmware Upgrade Image\", \"url\": \"http://f/fw\","
             " \"time_windows\": [{\"window_start\": 5, \"window_end\": 5, \"window_mode\": "
             "\"2 Immediately\"}]}",
             0, &b, &doc);
    assert_xp(doc, NS_CWMP0, SD "/TimeWindowList/@enc:arrayType", "cwmp:TimeWindowStruct[1]");
    assert_xp(doc, NS_CWMP0, SD "/FileSize", "0");
    xmlFreeDoc(doc);
    acs_buf_free(&b);
}

static void test_build_change_du_state(void **state)
{
    acs_buf_t b = ACS_BUF_INIT;
    xmlDocPtr doc;

#define OPS(i) BODY "c:ChangeDUState/Operations[" #i "]"
    build_ok("ChangeDUState",
             "{\"command_key\": \"du-1\", \"operations\": ["
             " {\"operation\": \"install\", \"url\": \"http://f/app.ipk\","
             "  \"uuid\": \"6ba7b810-9dad-11d1-80b4-00c04fd430c8\", \"username\": \"u\","
             "  \"password\": \"p\", \"execution_env_ref\": \"Device.SoftwareModules.ExecEnv.1.\"},"
             " {\"operation\": \"install\", \"url\": \"http://f/b.ipk\", \"uuid\": \"\"},"
             " {\"operation\": \"update\", \"uuid\": \"6BA7B810-9DAD-11D1-80B4-00C04FD430C8\","
             "  \"version\": \"2.0\"},"
             " {\"operation\": \"update\"},"
             " {\"operation\": \"uninstall\", \"uuid\": \"6ba7b810-9dad-11d1-80b4-00c04fd430c8\","
             "  \"version\": \"1.0\", \"execution_env_ref\": \"E.1.\"}]}",
             0, &b, &doc);
    assert_children(doc, BODY "c:ChangeDUState",
                    "Operations,Operations,Operations,Operations,Operations,CommandKey");
    assert_xp(doc, NS_CWMP0, OPS(1) "/@xsi:type", "cwmp:InstallOpStruct");
    assert_children(doc, OPS(1), "URL,UUID,Username,Password,ExecutionEnvRef");
    assert_xp(doc, NS_CWMP0, OPS(1) "/URL", "http://f/app.ipk");
    assert_xp(doc, NS_CWMP0, OPS(1) "/ExecutionEnvRef", "Device.SoftwareModules.ExecEnv.1.");
    assert_children(doc, OPS(2), "URL"); /* optional members absent or "": left out */
    assert_xp(doc, NS_CWMP0, OPS(3) "/@xsi:type", "cwmp:UpdateOpStruct");
    assert_children(doc, OPS(3), "UUID,Version");
    assert_xp(doc, NS_CWMP0, OPS(3) "/Version", "2.0");
    assert_children(doc, OPS(4), ""); /* update everything */
    assert_xp(doc, NS_CWMP0, OPS(5) "/@xsi:type", "cwmp:UninstallOpStruct");
    assert_children(doc, OPS(5), "UUID,Version,ExecutionEnvRef");
    assert_xp(doc, NS_CWMP0, BODY "c:ChangeDUState/CommandKey", "du-1");
    xmlFreeDoc(doc);
    /* icwmp compares the type text literally: the prefix must be "cwmp:". */
    assert_non_null(strstr(b.data, "<Operations xsi:type=\"cwmp:InstallOpStruct\"><URL>"));
    assert_non_null(strstr(b.data, "<Operations xsi:type=\"cwmp:UpdateOpStruct\"></Operations>"));
    build_ok("ChangeDUState",
             "{\"operations\": [{\"operation\": \"uninstall\", "
             "\"uuid\": \"6ba7b810-9dad-11d1-80b4-00c04fd430c8\"}]}",
             0, &b, &doc);
    assert_children(doc, BODY "c:ChangeDUState", "Operations,CommandKey");
    assert_xp(doc, NS_CWMP0, BODY "c:ChangeDUState/CommandKey", "");
    xmlFreeDoc(doc);
    acs_buf_free(&b);
}

static void test_build_vendor(void **state)
{
    acs_buf_t b = ACS_BUF_INIT;
    xmlDocPtr doc;
    cwmp_msg_t m;
    char err[128];

#define VM BODY "c:X_00D09E_Echo"
    build_ok("X_00D09E_Echo",
             "{\"Text\": \"a<b>&c\", \"Count\": 3, \"Ratio\": 0.5, \"On\": true, \"Off\": false,"
             " \"Item\": [1, {\"A\": \"x\"}, \"z\"], \"Nested\": {\"Deep\": {\"X.y-z_1\": \"\"}},"
             " \"Empty\": {}, \"None\": [], \"_u\": \"\"}",
             1, &b, &doc);
    assert_children(doc, VM, "Text,Count,Ratio,On,Off,Item,Item,Item,Nested,Empty,_u");
    assert_xp(doc, NS_CWMP0, VM "/Text", "a<b>&c");
    assert_xp(doc, NS_CWMP0, VM "/Count", "3");
    assert_xp(doc, NS_CWMP0, VM "/Ratio", "0.5");
    assert_xp(doc, NS_CWMP0, VM "/On", "1");
    assert_xp(doc, NS_CWMP0, VM "/Off", "0");
    assert_xp(doc, NS_CWMP0, VM "/Item[1]", "1");
    assert_children(doc, VM "/Item[2]", "A");
    assert_xp(doc, NS_CWMP0, VM "/Item[2]/A", "x");
    assert_xp(doc, NS_CWMP0, VM "/Item[3]", "z");
    assert_children(doc, VM "/Nested", "Deep");
    assert_children(doc, VM "/Nested/Deep", "X.y-z_1");
    assert_children(doc, VM "/Empty", "");
    assert_xp(doc, NS_CWMP0, "/e:Envelope/e:Header/c:HoldRequests", "1");
    xmlFreeDoc(doc);
    /* It reads back as that request. */
    parse_ok_n(b.data, b.len, &m);
    assert_int_equal(m.kind, CWMP_REQUEST);
    assert_string_equal(m.method, "X_00D09E_Echo");
    cwmp_msg_clear(&m);
    /* No params, or {}: an empty element. */
    acs_buf_reset(&b);
    assert_int_equal(
        cwmp_build_request(&b, NS_CWMP0, "v", 0, "X_ACME_Ping", NULL, err, sizeof(err)), 0);
    doc = read_back(&b);
    assert_children(doc, BODY "c:X_ACME_Ping", "");
    xmlFreeDoc(doc);
    build_ok("X_ACME_Ping", "{}", 0, &b, &doc);
    assert_children(doc, BODY "c:X_ACME_Ping", "");
    xmlFreeDoc(doc);
    /* Eight levels of elements are allowed. */
    build_ok("X_ACME_Deep", "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":1}}}}}}}}", 0,
             &b, &doc);
    assert_xp(doc, NS_CWMP0, BODY "c:X_ACME_Deep/a/b/c/d/e/f/g/h", "1");
    xmlFreeDoc(doc);
    acs_buf_free(&b);
}

/* A vendor params object of about 10 MB, and one just under 64 KiB. */
static void test_build_vendor_size(void **state)
{
    json_t *big = json_object(), *fits = json_object();
    char *s = malloc(10 * 1024 * 1024 + 1), err[256] = "";
    acs_buf_t b = ACS_BUF_INIT;

    memset(s, 'x', 10 * 1024 * 1024);
    s[10 * 1024 * 1024] = '\0';
    json_object_set_new(big, "Blob", json_string(s));
    acs_buf_puts(&b, "KEEP");
    assert_int_equal(cwmp_build_request(&b, NS_CWMP0, "v", 0, "X_ACME_Big", big, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "X_ACME_Big: params larger than 65536 bytes"));
    assert_int_equal(b.len, 4);
    json_decref(big);
    /* Ten million small members, refused after the first few thousand. */
    big = json_object();
    for (int i = 0; i < 200000; i++) {
        char k[16];
        snprintf(k, sizeof(k), "k%d", i);
        json_object_set_new(big, k, json_integer(i));
    }
    assert_int_equal(cwmp_build_request(&b, NS_CWMP0, "v", 0, "X_ACME_Big", big, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "larger than 65536"));
    assert_int_equal(b.len, 4);
    json_decref(big);
    /* 60 000 bytes of text fit (with the rest of the JSON). */
    s[60000] = '\0';
    json_object_set_new(fits, "Blob", json_string(s));
    assert_int_equal(cwmp_build_request(&b, NS_CWMP0, "v", 0, "X_ACME_Big", fits, err, sizeof(err)),
                     0);
    assert_non_null(strstr(b.data, "<Blob>xxxx"));
    /* Escapes count: 40 000 quotes are 80 000 bytes of JSON. */
    memset(s, '"', 40000);
    s[40000] = '\0';
    json_object_set_new(fits, "Blob", json_string(s));
    assert_int_equal(cwmp_build_request(&b, NS_CWMP0, "v", 0, "X_ACME_Big", fits, err, sizeof(err)),
                     -1);
    json_decref(fits);
    free(s);
    acs_buf_free(&b);
}

/* method, params, what the reason must contain. */
static const char *const bad_cases[][3] = {
    /* GetParameterAttributes */
    {"GetParameterAttributes", "{}", "GetParameterAttributes: names"},
    {"GetParameterAttributes", "{\"names\": [1]}", "GetParameterAttributes: each name"},
    {"GetParameterAttributes", NULL, "params must be an object"},
    /* SetParameterAttributes */
    {"SetParameterAttributes", "{}", "attributes"},
    {"SetParameterAttributes", "{\"attributes\": []}", "attributes"},
    {"SetParameterAttributes", "{\"attributes\": [5]}", "objects"},
    {"SetParameterAttributes", "{\"attributes\": [{\"notification\": 1}]}",
     "attributes[0].name missing"},
    {"SetParameterAttributes", "{\"attributes\": [{\"name\": \"A\"}]}",
     "neither notification nor access_list"},
    {"SetParameterAttributes", "{\"attributes\": [{\"name\": \"A\", \"notification\": 7}]}",
     "attributes[0].notification must be in [0, 6]"},
    {"SetParameterAttributes", "{\"attributes\": [{\"name\": \"A\", \"notification\": \"2\"}]}",
     "notification must be an integer"},
    {"SetParameterAttributes", "{\"attributes\": [{\"name\": \"A\", \"notification\": true}]}",
     "notification must be an integer"},
    {"SetParameterAttributes",
     "{\"attributes\": [{\"name\": \"A\", \"notification\": 1}, {\"name\": \"B\","
     " \"access_list\": \"Subscriber\"}]}",
     "attributes[1].access_list must be an array"},
    {"SetParameterAttributes", "{\"attributes\": [{\"name\": \"A\", \"access_list\": [\"\"]}]}",
     "access_list[0] must not be empty"},
    {"SetParameterAttributes",
     "{\"attributes\": [{\"name\": \"A\", \"access_list\": "
     "[\"01234567890123456789012345678901234567890123456789012345678901234\"]}]}",
     "access_list[0] is longer than 64"},
    /* AddObject / DeleteObject */
    {"AddObject", "{}", "AddObject: object missing"},
    {"AddObject", "{\"object\": null}", "AddObject: object missing"},
    {"AddObject", "{\"object\": \"\"}", "AddObject: object must not be empty"},
    {"AddObject", "{\"object\": \"Device.NAT.PortMapping\"}", "AddObject: object must end in '.'"},
    {"AddObject", "{\"object\": 5}", "AddObject: object must be a string"},
    {"DeleteObject", "{\"object\": \"A.1\"}", "DeleteObject: object must end in '.'"},
    {"DeleteObject",
     "{\"object\": \"A.1.\", \"parameter_key\": \"012345678901234567890123456789012\"}",
     "DeleteObject: parameter_key is longer than 32"},
    /* Download */
    {"Download", "{\"file_type\": \"1 Firmware Upgrade Image\"}", "Download: url missing"},
    {"Download", "{\"url\": \"http://f/\"}", "Download: file_type missing"},
    {"Download", "{\"file_type\": \"\", \"url\": \"http://f/\"}",
     "Download: file_type must not be empty"},
    {"Download", "{\"file_type\": \"1 Firmware Upgrade Image\", \"url\": \"\"}",
     "Download: url must not be empty"},
    {"Download", "{\"file_type\": \"1 x\", \"url\": \"http://f/\", \"file_size\": -1}",
     "Download: file_size must be in [0, 4294967295]"},
    {"Download", "{\"file_type\": \"1 x\", \"url\": \"http://f/\", \"file_size\": 4294967296}",
     "Download: file_size"},
    {"Download", "{\"file_type\": \"1 x\", \"url\": \"http://f/\", \"file_size\": 1.5}",
     "Download: file_size must be an integer"},
    {"Download", "{\"file_type\": \"1 x\", \"url\": \"http://f/\", \"delay_seconds\": \"5\"}",
     "Download: delay_seconds must be an integer"},
    {"Download", "{\"file_type\": \"1 x\", \"url\": \"http://f/\", \"success_url\": 1}",
     "Download: success_url must be a string"},
    {"Download", "{\"file_type\": \"1 x\", \"url\": \"http://f/\", \"command_key\": []}",
     "Download: command_key must be a string"},
    {"Download",
     "{\"file_type\": \"01234567890123456789012345678901234567890123456789012345678901234\","
     " \"url\": \"http://f/\"}",
     "Download: file_type is longer than 64"},
    {"Download", "{\"file_type\": \"1 x\", \"url\": \"http://f/\\u0007\"}",
     "Download: url holds a character XML cannot carry"},
    /* Upload */
    {"Upload", "{\"file_type\": \"1 Vendor Configuration File\"}", "Upload: url missing"},
    {"Upload", "{\"url\": \"http://f/\", \"file_type\": 1}", "Upload: file_type must be"},
    {"Upload", "{\"url\": \"http://f/\", \"file_type\": \"1 x\", \"delay_seconds\": -5}",
     "Upload: delay_seconds"},
    {"Upload", NULL, "params must be an object"},
    /* ScheduleInform */
    {"ScheduleInform", "{}", "ScheduleInform: delay_seconds missing"},
    {"ScheduleInform", "{\"delay_seconds\": 0}", "ScheduleInform: delay_seconds must be in [1,"},
    {"ScheduleInform", "{\"delay_seconds\": 10, \"command_key\": false}",
     "ScheduleInform: command_key"},
    /* ScheduleDownload */
    {"ScheduleDownload", "{\"file_type\": \"1 x\", \"url\": \"http://f/\"}",
     "ScheduleDownload: time_windows must be an array of 1 or 2"},
    {"ScheduleDownload", "{\"file_type\": \"1 x\", \"url\": \"http://f/\", \"time_windows\": []}",
     "time_windows"},
    {"ScheduleDownload",
     "{\"file_type\": \"1 x\", \"url\": \"http://f/\", \"time_windows\": [{}, {}, {}]}",
     "time_windows"},
    {"ScheduleDownload",
     "{\"file_type\": \"1 x\", \"url\": \"http://f/\", \"time_windows\": [{\"window_end\": 1,"
     " \"window_mode\": \"1 At Any Time\"}]}",
     "ScheduleDownload: time_windows[0].window_start missing"},
    {"ScheduleDownload",
     "{\"file_type\": \"1 x\", \"url\": \"http://f/\", \"time_windows\": [{\"window_start\": 9,"
     " \"window_end\": 8, \"window_mode\": \"1 At Any Time\"}]}",
     "time_windows[0].window_end must be in [9,"},
    {"ScheduleDownload",
     "{\"file_type\": \"1 x\", \"url\": \"http://f/\", \"time_windows\": [{\"window_start\": 0,"
     " \"window_end\": 8}]}",
     "time_windows[0].window_mode missing"},
    {"ScheduleDownload",
     "{\"file_type\": \"1 x\", \"url\": \"http://f/\", \"time_windows\": [{\"window_start\": 0,"
     " \"window_end\": 8, \"window_mode\": \"1 At Any Time\", \"max_retries\": -2}]}",
     "time_windows[0].max_retries must be in [-1,"},
    {"ScheduleDownload",
     "{\"file_type\": \"1 x\", \"url\": \"http://f/\", \"time_windows\": [{\"window_start\": 0,"
     " \"window_end\": 8, \"window_mode\": \"1 At Any Time\"}, {\"window_start\": 7,"
     " \"window_end\": 20, \"window_mode\": \"1 At Any Time\"}]}",
     "time_windows must not overlap"},
    {"ScheduleDownload",
     "{\"file_type\": \"1 x\", \"url\": \"http://f/\", \"time_windows\": [{\"window_start\": 0,"
     " \"window_end\": 8, \"window_mode\": \"1 At Any Time\"}, 5]}",
     "time_windows must hold objects"},
    {"ScheduleDownload",
     "{\"url\": \"http://f/\", \"time_windows\": [{\"window_start\": 0,"
     " \"window_end\": 8, \"window_mode\": \"1 At Any Time\"}]}",
     "ScheduleDownload: file_type missing"},
    /* CancelTransfer */
    {"CancelTransfer", "{}", "CancelTransfer: command_key missing"},
    {"CancelTransfer", "{\"command_key\": null}", "CancelTransfer: command_key missing"},
    {"CancelTransfer", "{\"command_key\": 3}", "CancelTransfer: command_key must be a string"},
    /* ChangeDUState */
    {"ChangeDUState", "{}", "ChangeDUState: operations must be an array of 1 to 16"},
    {"ChangeDUState", "{\"operations\": []}", "operations"},
    {"ChangeDUState", "{\"operations\": [{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}]}",
     "operations must be an array of 1 to 16"},
    {"ChangeDUState", "{\"operations\": [\"install\"]}", "operations must hold objects"},
    {"ChangeDUState", "{\"operations\": [{\"url\": \"http://f/\"}]}",
     "ChangeDUState: operations[0].operation must be install, update or uninstall"},
    {"ChangeDUState", "{\"operations\": [{\"operation\": \"Install\", \"url\": \"http://f/\"}]}",
     "operations[0].operation must be install, update or uninstall"},
    {"ChangeDUState", "{\"operations\": [{\"operation\": \"install\"}]}",
     "ChangeDUState: operations[0].url missing"},
    {"ChangeDUState", "{\"operations\": [{\"operation\": \"install\", \"url\": \"\"}]}",
     "operations[0].url must not be empty"},
    {"ChangeDUState",
     "{\"operations\": [{\"operation\": \"update\"}, {\"operation\": \"uninstall\"}]}",
     "ChangeDUState: operations[1].uuid missing"},
    {"ChangeDUState", "{\"operations\": [{\"operation\": \"uninstall\", \"uuid\": \"abc\"}]}",
     "operations[0].uuid must be 8-4-4-4-12 hexadecimal digits"},
    {"ChangeDUState",
     "{\"operations\": [{\"operation\": \"update\", "
     "\"uuid\": \"6ba7b810-9dad-11d1-80b4-00c04fd430c8a\"}]}",
     "operations[0].uuid is longer than 36"},
    {"ChangeDUState",
     "{\"operations\": [{\"operation\": \"update\", "
     "\"uuid\": \"6ba7b810x9dad-11d1-80b4-00c04fd430c8\"}]}",
     "operations[0].uuid must be"},
    {"ChangeDUState",
     "{\"operations\": [{\"operation\": \"update\", \"version\": "
     "\"012345678901234567890123456789012\"}]}",
     "operations[0].version is longer than 32"},
    {"ChangeDUState", "{\"operations\": [{\"operation\": \"update\"}], \"command_key\": 7}",
     "ChangeDUState: command_key must be a string"},
    /* vendor methods */
    {"X_ACME_Foo", "[]", "params must be an object"},
    {"X_ACME_Foo", "{\"1abc\": 1}", "X_ACME_Foo: member name '1abc' is not an XML name"},
    {"X_ACME_Foo", "{\"a b\": 1}", "member name 'a?b' is not an XML name"},
    {"X_ACME_Foo", "{\"\": 1}", "member name '' is not an XML name"},
    {"X_ACME_Foo", "{\"ok\": {\"x:y\": 1}}", "member name 'x:y' is not an XML name"},
    {"X_ACME_Foo", "{\"a\": null}", "X_ACME_Foo: a is null"},
    {"X_ACME_Foo", "{\"a\": [1, [2]]}", "X_ACME_Foo: a: an array inside an array"},
    {"X_ACME_Foo", "{\"a\": [{\"b\": null}]}", "b is null"},
    {"X_ACME_Foo", "{\"a\": \"x\\u0001\"}", "a holds a character XML cannot carry"},
    {"X_ACME_Foo", "{\"a\": \"x\\u0000y\"}", "a holds a character XML cannot carry"},
    {"X_ACME_Foo", "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":{\"i\":1}}}}}}}}}",
     "X_ACME_Foo: params nested deeper than 8"},
    {"X_ACME_Foo", "{\"a\":[{\"b\":[{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":{\"i\":1}}}}}}}]}]}",
     "nested deeper than 8"},
    /* unknown methods */
    {"X_ACME", "{}", "unknown method X_ACME"},
    {"X_AC-ME_Foo", "{}", "unknown method X_AC-ME_Foo"},
    {"Inform", "{}", "unknown method Inform"},
    {"SetVouchers", "{}", "unknown method SetVouchers"},
    {"Bad\nName", "{}", "unknown method Bad..."},
};

static void test_build_rpc_bad_args(void **state)
{
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
        build_fail(bad_cases[i][0], bad_cases[i][1], bad_cases[i][2]);
}

/* A password reaches the envelope, never a reason. */
static void test_passwords_not_in_reasons(void **state)
{
    static const char *const cases[][2] = {
        {"Download", "{\"password\": \"hunter2-SECRET\", \"file_type\": \"1 x\"}"},
        {"Download", "{\"password\": \"hunter2-SECRET\\u0001\", \"file_type\": \"1 x\","
                     " \"url\": \"http://f/\"}"},
        {"Upload", "{\"password\": \"hunter2-SECRET\", \"url\": \"http://f/\", \"file_type\": 1}"},
        {"ScheduleDownload", "{\"password\": \"hunter2-SECRET\", \"url\": \"http://f/\","
                             " \"file_type\": \"1 x\", \"time_windows\": [{}]}"},
        {"ChangeDUState", "{\"operations\": [{\"operation\": \"install\", \"url\": \"http://f/\","
                          " \"password\": [\"hunter2-SECRET\"]}]}"},
        {"ChangeDUState", "{\"operations\": [{\"operation\": \"hunter2-SECRET\"}]}"},
    };
    char longpw[300], json[512], err[256];
    acs_buf_t b = ACS_BUF_INIT;
    json_t *p;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        p = json_loads(cases[i][1], 0, NULL);
        assert_non_null(p);
        err[0] = '\0';
        assert_int_equal(cwmp_build_request(&b, NS_CWMP0, "x", 0, cases[i][0], p, err, sizeof(err)),
                         -1);
        assert_true(err[0] != '\0');
        if (strstr(err, "hunter2"))
            fail_msg("case %zu: the password is in the reason '%s'", i, err);
        json_decref(p);
    }
    /* A 257-character password is refused by name. */
    memset(longpw, 'Q', 257);
    longpw[257] = '\0';
    snprintf(json, sizeof(json), "{\"password\": \"%s\", \"file_type\": \"1 x\", \"url\": \"u\"}",
             longpw);
    p = json_loads(json, 0, NULL);
    assert_int_equal(cwmp_build_request(&b, NS_CWMP0, "x", 0, "Download", p, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "Download: password is longer than 256"));
    assert_null(strstr(err, "QQQ"));
    json_decref(p);
    assert_int_equal(b.len, 0);
    acs_buf_free(&b);
}

/* What the builders write for one namespace is what our parser reads back
 * with the same ID and namespace: every method round-trips. */
static void test_namespace_and_id(void **state)
{
    const char *ns = "urn:dslforum-org:cwmp-1-2";
    acs_buf_t b = ACS_BUF_INIT;
    char err[128];
    cwmp_msg_t m;
    json_t *p =
        json_loads("{\"operations\": [{\"operation\": \"install\", \"url\": \"u\"}]}", 0, NULL);

    assert_int_equal(cwmp_build_request(&b, ns, "id&<1>", 0, "ChangeDUState", p, err, sizeof(err)),
                     0);
    parse_ok_n(b.data, b.len, &m);
    assert_string_equal(m.ns, ns);
    assert_int_equal(m.ns_minor, 2);
    assert_string_equal(m.id, "id&<1>");
    assert_string_equal(m.method, "ChangeDUState");
    cwmp_msg_clear(&m);
    json_decref(p);
    acs_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_arg_methods),
        cmocka_unit_test(test_build_gpa),
        cmocka_unit_test(test_build_spa),
        cmocka_unit_test(test_build_objects),
        cmocka_unit_test(test_build_download),
        cmocka_unit_test(test_build_upload),
        cmocka_unit_test(test_build_schedule_inform_cancel),
        cmocka_unit_test(test_build_schedule_download),
        cmocka_unit_test(test_build_change_du_state),
        cmocka_unit_test(test_build_vendor),
        cmocka_unit_test(test_build_vendor_size),
        cmocka_unit_test(test_build_rpc_bad_args),
        cmocka_unit_test(test_passwords_not_in_reasons),
        cmocka_unit_test(test_namespace_and_id),
    };
    cwmp_init();
    return cmocka_run_group_tests_name("cwmp_build_rpc", tests, NULL, NULL);
}
