/* Unit tests for ctl_rpc (command line -> rpc params), ctl_result
 * (rpc.result -> text and exit code) and ctl_event (live event lines). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ctl_args.h"
#include "ctl_event.h"
#include "ctl_result.h"
#include "ctl_rpc.h"

#include <stdlib.h>
#include <string.h>

#define DEV "02C0DE-SimGW-SIM000001"
#define RPC_ID "acsctl-7d2e4a10-9a2b-4c5d-8e6f-0718293a4b5c"

static const ctl_config_t CFG = {"amqp://x/", "dbname=x", "http://files.example:8080", "s3cret",
                                 "/tmp/store"};

/* Parse words into a command line, then build; returns the build's rc. */
static int build(const char **method, json_t **params, char *err, size_t errlen, ...)
{
    char *argv[64] = {"acsctl"};
    int argc = 1;
    ctl_cmdline_t cl;
    va_list ap;
    va_start(ap, errlen);
    for (char *a; (a = va_arg(ap, char *)) != NULL;)
        argv[argc++] = a;
    va_end(ap);
    if (ctl_args_parse(argc, argv, &cl, err, errlen) != 0)
        fail_msg("parse: %s", err);
    ctl_rpc_env_t env = {DEV, RPC_ID, &CFG, 1714557600 /* 2024-05-01T10:00:00Z */, NULL, -1};
    int rc = ctl_rpc_build(&cl, cl.pos + 1, cl.npos - 1, &env, method, params, err, errlen);
    ctl_args_free(&cl);
    return rc;
}

/* params as compact JSON with sorted keys, for comparison. */
static char *dump(const json_t *p)
{
    return json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
}

static void expect(const char *want_method, const char *want_json, ...)
{
    char *argv[64] = {"acsctl"};
    int argc = 1;
    char err[512];
    const char *method = NULL;
    json_t *params = NULL;
    ctl_cmdline_t cl;
    va_list ap;
    va_start(ap, want_json);
    for (char *a; (a = va_arg(ap, char *)) != NULL;)
        argv[argc++] = a;
    va_end(ap);
    assert_int_equal(ctl_args_parse(argc, argv, &cl, err, sizeof err), 0);
    ctl_rpc_env_t env = {DEV, RPC_ID, &CFG, 1714557600, NULL, -1};
    if (ctl_rpc_build(&cl, cl.pos + 1, cl.npos - 1, &env, &method, &params, err, sizeof err))
        fail_msg("%s: %s", argv[1], err);
    char *got = dump(params);
    assert_string_equal(method, want_method);
    assert_string_equal(got, want_json);
    free(got);
    json_decref(params);
    ctl_args_free(&cl);
}

static void refused(const char *want, ...)
{
    char *argv[64] = {"acsctl"};
    int argc = 1;
    char err[512] = "";
    const char *method = NULL;
    json_t *params = NULL;
    ctl_cmdline_t cl;
    va_list ap;
    va_start(ap, want);
    for (char *a; (a = va_arg(ap, char *)) != NULL;)
        argv[argc++] = a;
    va_end(ap);
    assert_int_equal(ctl_args_parse(argc, argv, &cl, err, sizeof err), 0);
    ctl_rpc_env_t env = {DEV, RPC_ID, &CFG, 1714557600, NULL, -1};
    if (ctl_rpc_build(&cl, cl.pos + 1, cl.npos - 1, &env, &method, &params, err, sizeof err) == 0)
        fail_msg("%s was accepted", argv[1]);
    assert_null(params);
    if (!strstr(err, want))
        fail_msg("error '%s' lacks '%s'", err, want);
    ctl_args_free(&cl);
}

static void test_parameter_rpcs(void **state)
{
    expect("GetParameterValues", "{\"names\":[\"Device.DeviceInfo.\",\"Device.Time.Enable\"]}",
           "get", DEV, "Device.DeviceInfo.", "Device.Time.Enable", NULL);
    expect("SetParameterValues",
           "{\"parameter_key\":\"k1\",\"values\":[{\"name\":\"Device.A\",\"type\":"
           "\"unsignedInt\",\"value\":\"300\"},{\"name\":\"Device.B\",\"type\":\"boolean\","
           "\"value\":true},{\"name\":\"Device.C\",\"type\":\"string\",\"value\":\"x:y\"}]}",
           "set", DEV, "Device.A=300:unsignedInt", "Device.B=TRUE:boolean", "Device.C=x:y",
           "--parameter-key", "k1", NULL);
    expect("GetParameterNames", "{\"next_level\":true,\"path\":\"Device.WiFi.\"}", "names", DEV,
           "Device.WiFi.", "--next-level", NULL);
    expect("GetParameterNames", "{\"next_level\":false,\"path\":\"\"}", "names", DEV, "", NULL);
    expect("AddObject", "{\"object\":\"Device.NAT.PortMapping.\"}", "add", DEV,
           "Device.NAT.PortMapping.", NULL);
    expect("DeleteObject", "{\"object\":\"Device.NAT.PortMapping.2.\",\"parameter_key\":\"d\"}",
           "delete", DEV, "Device.NAT.PortMapping.2.", "--parameter-key", "d", NULL);
    expect("GetParameterAttributes", "{\"names\":[\"Device.A\"]}", "attrs", DEV, "Device.A", NULL);
    expect("SetParameterAttributes",
           "{\"attributes\":[{\"access_list\":[\"Subscriber\"],\"name\":\"Device.A\","
           "\"notification\":2}]}",
           "attrs", DEV, "Device.A", "--notification", "2", "--access-list", "Subscriber", NULL);
    expect("SetParameterAttributes",
           "{\"attributes\":[{\"access_list\":[],\"name\":\"Device.A\"}]}", "attrs", DEV,
           "Device.A", "--access-list", "", NULL);
}

static void test_other_rpcs(void **state)
{
    expect("Reboot", "{}", "reboot", DEV, NULL);
    expect("Reboot", "{\"command_key\":\"ops-1\"}", "reboot", DEV, "--command-key", "ops-1", NULL);
    expect("FactoryReset", "{}", "factory-reset", DEV, NULL);
    expect("ScheduleInform", "{\"delay_seconds\":30}", "schedule-inform", DEV, "30", NULL);
    expect("Download",
           "{\"command_key\":\"acsctl-7d2e4a109a2b4c5d\",\"file_type\":\"1 Firmware Upgrade "
           "Image\",\"url\":\"http://files.example:8080/files/fw-1.bin\"}",
           "download", DEV, "--file", "fw-1.bin", NULL);
    expect("Download",
           "{\"command_key\":\"fw\",\"delay_seconds\":60,\"file_size\":10,\"file_type\":\"3 "
           "Vendor Configuration File\",\"target_file_name\":\"cfg\",\"url\":"
           "\"ftp://h/x\"}",
           "download", DEV, "--url", "ftp://h/x", "--file-type", "3 Vendor Configuration File",
           "--command-key", "fw", "--file-size", "10", "--target-file-name", "cfg", "--delay", "1m",
           NULL);
    /* 2024-05-01T10:00:00Z + 7 days; the name from the time; the signature
     * nginx checks: base64url(md5(expires + uri + secret)), computed apart */
    expect("Upload",
           "{\"command_key\":\"acsctl-7d2e4a109a2b4c5d\",\"file_type\":\"1 Vendor Configuration "
           "File\",\"url\":\"http://files.example:8080/upload/" DEV
           "/config-20240501T100000Z?expires=1715162400&sig=WkKD68IAWwLw4FiIcub7sg\"}",
           "upload", DEV, NULL);
}

static void test_upload_url_signed(void **state)
{
    const char *method;
    json_t *params;
    char err[256];
    assert_int_equal(build(&method, &params, err, sizeof err, "upload", DEV, "--name", "log.txt",
                           "--file-type", "2 Vendor Log File", "--expires", "1h", NULL),
                     0);
    const char *url = json_string_value(json_object_get(params, "url"));
    assert_non_null(strstr(url, "/upload/" DEV "/log.txt?expires=1714561200&sig="));
    assert_int_equal(strlen(strstr(url, "sig=") + 4), 22);
    json_decref(params);
}

static void test_raw_rpc(void **state)
{
    expect("X_00D09E_Echo", "{\"text\":\"hi\"}", "rpc", DEV, "X_00D09E_Echo", "{\"text\":\"hi\"}",
           NULL);
    expect("GetRPCMethods", "{}", "rpc", DEV, "GetRPCMethods", NULL);
    refused("neither a TR-069 CPE method", "rpc", DEV, "Frobnicate", "{}", NULL);
    refused("params must be a JSON object", "rpc", DEV, "GetRPCMethods", "[1]", NULL);
    refused("params must be a JSON object", "rpc", DEV, "GetRPCMethods", "{bad", NULL);
    refused("takes METHOD", "rpc", DEV, NULL);
}

static void test_refusals(void **state)
{
    refused("missing NAME", "get", DEV, NULL);
    refused("contains a space", "get", DEV, "Device.A B", NULL);
    refused("is set twice", "set", DEV, "Device.A=1", "Device.A=2", NULL);
    refused("does not fit type unsignedInt", "set", DEV, "Device.A=-1:unsignedInt", NULL);
    refused("--parameter-key is longer than 32", "set", DEV, "Device.A=1", "--parameter-key",
            "123456789012345678901234567890123", NULL);
    refused("is an instance", "add", DEV, "Device.NAT.PortMapping.1.", NULL);
    refused("too many arguments", "add", DEV, "Device.A.", "Device.B.", NULL);
    refused("is not an instance", "delete", DEV, "Device.NAT.PortMapping.", NULL);
    refused("no argument after DEVICE", "reboot", DEV, "now", NULL);
    refused("--command-key is longer", "reboot", DEV, "--command-key",
            "123456789012345678901234567890123", NULL);
    refused("exactly one of --file", "download", DEV, NULL);
    refused("exactly one of --file", "download", DEV, "--file", "a", "--url", "http://x/", NULL);
    refused("not an absolute URL", "download", DEV, "--url", "fw.bin", NULL);
    refused("not a store file name", "download", DEV, "--file", "../etc/passwd", NULL);
    refused("not a store file name", "upload", DEV, "--name", "a/b", NULL);
    refused("SECONDS must be a whole number >= 1", "schedule-inform", DEV, "0", NULL);
    refused("SECONDS must be a whole number >= 1", "schedule-inform", DEV, "ten", NULL);
    refused("--access-list: entries", "attrs", DEV, "Device.A", "--access-list", "a,,b", NULL);
    refused("--access-list ends with ','", "attrs", DEV, "Device.A", "--access-list", "a,", NULL);
    refused("one PATH", "names", DEV, NULL);
}

static void test_download_needs_files_url(void **state)
{
    char *argv[] = {"acsctl", "download", DEV, "--file", "fw.bin"};
    ctl_cmdline_t cl;
    ctl_config_t cfg = {0};
    char err[256];
    const char *method;
    json_t *params;
    assert_int_equal(ctl_args_parse(5, argv, &cl, err, sizeof err), 0);
    ctl_rpc_env_t env = {DEV, RPC_ID, &cfg, 0, NULL, -1};
    assert_int_equal(ctl_rpc_build(&cl, cl.pos + 1, 0, &env, &method, &params, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "ACS_FILES_URL"));
    /* the catalogue's type and size are the defaults */
    cfg.files_url = "http://f";
    env.file_type = "X 02C0DE Bundle";
    env.file_size = 1234;
    assert_int_equal(ctl_rpc_build(&cl, cl.pos + 1, 0, &env, &method, &params, err, sizeof err), 0);
    assert_string_equal(json_string_value(json_object_get(params, "file_type")), "X 02C0DE Bundle");
    assert_int_equal(json_integer_value(json_object_get(params, "file_size")), 1234);
    json_decref(params);
    ctl_args_free(&cl);
}

static void test_message(void **state)
{
    json_t *params = json_pack("{s:[s]}", "names", "Device.");
    char *s = ctl_rpc_message(RPC_ID, DEV, "GetParameterValues", params, "amq.gen-1");
    json_t *m = json_loads(s, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(m, "type")), "rpc");
    assert_int_equal(json_integer_value(json_object_get(m, "version")), 1);
    assert_string_equal(json_string_value(json_object_get(m, "message_id")), RPC_ID);
    assert_string_equal(json_string_value(json_object_get(m, "id")), RPC_ID);
    assert_string_equal(json_string_value(json_object_get(m, "device_id")), DEV);
    assert_string_equal(json_string_value(json_object_get(m, "reply_to")), "amq.gen-1");
    assert_true(json_equal(json_object_get(m, "params"), params));
    free(s);
    json_decref(m);
    s = ctl_rpc_message(RPC_ID, DEV, "Reboot", params, NULL);
    m = json_loads(s, 0, NULL);
    assert_null(json_object_get(m, "reply_to"));
    free(s);
    json_decref(m);
    json_decref(params);

    char id[64];
    ctl_rpc_new_id(id);
    assert_int_equal(strlen(id), 43);
    assert_memory_equal(id, "acsctl-", 7);
}

static char *render(const char *json)
{
    json_t *r = json_loads(json, 0, NULL);
    acs_buf_t out = ACS_BUF_INIT;
    assert_non_null(r);
    ctl_result_render(r, &out);
    json_decref(r);
    return acs_buf_steal(&out, NULL);
}

static void test_render_results(void **state)
{
    char *s = render("{\"status\":\"ok\",\"method\":\"GetParameterValues\",\"result\":{"
                     "\"parameters\":[{\"name\":\"Device.A\",\"value\":\"1\",\"type\":\"int\"},"
                     "{\"name\":\"Device.LongerName\",\"value\":\"\",\"type\":\"string\"}]}}");
    assert_string_equal(s, "NAME               VALUE  TYPE\n"
                           "Device.A           1      int\n"
                           "Device.LongerName  -      string\n");
    free(s);
    s = render("{\"status\":\"ok\",\"method\":\"GetParameterNames\",\"result\":{\"parameters\":["
               "{\"name\":\"Device.A\",\"writable\":true}]}}");
    assert_string_equal(s, "NAME      WRITABLE\nDevice.A  true\n");
    free(s);
    s = render("{\"status\":\"ok\",\"method\":\"GetParameterAttributes\",\"result\":{"
               "\"parameters\":[{\"name\":\"Device.A\",\"notification\":2,\"access_list\":["
               "\"Subscriber\",\"X\"]}]}}");
    assert_string_equal(s, "NAME      NOTIFICATION  ACCESS LIST\nDevice.A  2             "
                           "Subscriber,X\n");
    free(s);
    s = render("{\"status\":\"ok\",\"method\":\"SetParameterValues\",\"result\":{\"status\":1}}");
    assert_string_equal(s, "ok (status 1: the CPE applies it later, e.g. after a reboot)\n");
    free(s);
    s = render("{\"status\":\"ok\",\"method\":\"AddObject\",\"result\":{\"instance_number\":3,"
               "\"status\":0}}");
    assert_string_equal(s, "ok (status 0: applied)\ninstance_number: 3\nstatus: 0\n");
    free(s);
    s = render("{\"status\":\"ok\",\"method\":\"Reboot\",\"result\":{}}");
    assert_string_equal(s, "ok\n");
    free(s);
    s = render("{\"status\":\"ok\",\"method\":\"GetRPCMethods\",\"result\":{\"methods\":["
               "\"Reboot\",\"Download\"]}}");
    assert_string_equal(s, "Reboot\nDownload\n");
    free(s);
}

static void test_render_faults_and_failures(void **state)
{
    char *s = render(
        "{\"status\":\"fault\",\"method\":\"SetParameterValues\",\"fault\":{\"faultcode\":"
        "\"Client\",\"code\":9003,\"string\":\"Invalid arguments\",\"set_parameter_faults\":[{"
        "\"name\":\"Device.A\",\"code\":9007,\"string\":\"Invalid value\"}]}}");
    assert_string_equal(s, "fault 9003 Invalid arguments (Client)\n"
                           "NAME      CODE  STRING\n"
                           "Device.A  9007  Invalid value\n");
    free(s);
    s = render("{\"status\":\"failed\",\"reason\":\"invalid-request\",\"detail\":\"bad name\"}");
    assert_string_equal(s, "failed: invalid-request (bad name)\n");
    free(s);
    s = render("{\"status\":\"weird\"}");
    assert_string_equal(s, "unknown status 'weird'\n");
    free(s);
    s = render("{}"); /* input from the broker: nothing may be there */
    assert_string_equal(s, "unknown status ''\n");
    free(s);

    json_t *ok = json_pack("{s:s}", "status", "ok"), *f = json_pack("{s:s}", "status", "fault");
    assert_int_equal(ctl_result_exit_code(ok), 0);
    assert_int_equal(ctl_result_exit_code(f), 1);
    assert_int_equal(ctl_result_exit_code(NULL), 1);
    json_decref(ok);
    json_decref(f);
}

static void test_event_lines(void **state)
{
    acs_buf_t out = ACS_BUF_INIT;
    json_t *m = json_loads(
        "{\"type\":\"inform\",\"device_id\":\"" DEV "\",\"received_at\":\"2024-05-01T10:00:03Z\","
        "\"events\":[{\"code\":\"1 BOOT\",\"command_key\":\"\"},{\"code\":\"M Reboot\","
        "\"command_key\":\"rb-1\"}],\"remote_addr\":\"192.0.2.7\"}",
        0, NULL);
    ctl_event_line(m, "inform." DEV, &out);
    assert_string_equal(out.data, "2024-05-01T10:00:03Z inform " DEV
                                  " 1 BOOT, M Reboot [rb-1] from 192.0.2.7\n");
    json_decref(m);
    acs_buf_reset(&out);
    m = json_loads("{\"type\":\"rpc.result\",\"device_id\":\"" DEV "\",\"id\":\"r1\","
                   "\"method\":\"Reboot\",\"status\":\"ok\",\"completed_at\":\"T\"}",
                   0, NULL);
    ctl_event_line(m, "rpc.result." DEV, &out);
    assert_string_equal(out.data, "T rpc.result " DEV " Reboot ok id=r1\n");
    json_decref(m);
    acs_buf_reset(&out);
    m = json_loads("{\"device_id\":\"" DEV "\",\"ended_at\":\"T\",\"x\":\"a\\nb\"}", 0, NULL);
    ctl_event_line(m, "brand.new.type." DEV, &out);
    assert_non_null(strstr(out.data, "T brand.new.type " DEV " {"));
    assert_ptr_equal(strchr(out.data, '\n'), out.data + out.len - 1); /* one line */
    json_decref(m);
    acs_buf_free(&out);

    char key[256];
    ctl_event_binding("inform", DEV, key, sizeof key);
    assert_string_equal(key, "inform." DEV);
    ctl_event_binding("rpc.result", NULL, key, sizeof key);
    assert_string_equal(key, "rpc.result.*");
    ctl_event_binding(NULL, DEV, key, sizeof key);
    assert_string_equal(key, "#." DEV);
    ctl_event_binding(NULL, NULL, key, sizeof key);
    assert_string_equal(key, "#");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parameter_rpcs),
        cmocka_unit_test(test_other_rpcs),
        cmocka_unit_test(test_upload_url_signed),
        cmocka_unit_test(test_raw_rpc),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_download_needs_files_url),
        cmocka_unit_test(test_message),
        cmocka_unit_test(test_render_results),
        cmocka_unit_test(test_render_faults_and_failures),
        cmocka_unit_test(test_event_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
