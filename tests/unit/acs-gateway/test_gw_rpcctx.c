/* Unit tests for the RPC context and the GetParameterNames repairs
 * (services/acs-gateway/gw_rpcctx.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_rpcctx.h"

static json_t *load(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (!j)
        fail_msg("bad test JSON: %s", e.text);
    return j;
}

/* The result's names, joined with ' ' ("*" after a writable one). */
static void names(json_t *body, char *out, size_t n)
{
    json_t *p;
    size_t i;
    out[0] = '\0';
    json_array_foreach(json_object_get(body, "parameters"), i, p)
    {
        size_t k = strlen(out);
        snprintf(out + k, n - k, "%s%s%s", k ? " " : "",
                 json_string_value(json_object_get(p, "name")),
                 json_is_true(json_object_get(p, "writable")) ? "*" : "");
    }
}

/* {"parameters": [...]} from "name name* ..." ('*' = writable). */
static json_t *gpn(const char *list)
{
    json_t *arr = json_array();
    char buf[2048], *save = NULL;
    snprintf(buf, sizeof buf, "%s", list);
    for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        size_t n = strlen(t);
        int w = n && t[n - 1] == '*';
        if (w)
            t[n - 1] = '\0';
        json_array_append_new(arr, json_pack("{s:s,s:b}", "name", t, "writable", w));
    }
    return json_pack("{s:o}", "parameters", arr);
}

static void check_fix(const char *in, const char *path, int next_level, const char *want,
                      int dropped, int parents, int dots)
{
    char got[4096];
    gw_gpn_fix_t fx;
    json_t *body = gpn(in);
    gw_rpcctx_fix_gpn(body, path, next_level, &fx);
    names(body, got, sizeof got);
    assert_string_equal(got, want);
    assert_int_equal(fx.dropped, dropped);
    assert_int_equal(fx.parents, parents);
    assert_int_equal(fx.dots, dots);
    json_decref(body);
}

static void test_gpn_untouched_when_right(void **state)
{
    check_fix("Device.WiFi. Device.WiFi.Radio. Device.WiFi.Radio.1. Device.WiFi.Radio.1.Enable*",
              "Device.WiFi.", 0,
              "Device.WiFi. Device.WiFi.Radio. Device.WiFi.Radio.1. Device.WiFi.Radio.1.Enable*", 0,
              0, 0);
    check_fix("Device.WiFi.Radio. Device.WiFi.SSID. Device.WiFi.RadioNumberOfEntries",
              "Device.WiFi.", 1,
              "Device.WiFi.Radio. Device.WiFi.SSID. Device.WiFi.RadioNumberOfEntries", 0, 0, 0);
    check_fix("", "Device.", 0, "", 0, 0, 0);
}

static void test_gpn_missing_parents(void **state)
{
    /* Only leaves: every object down to the path is filled in, in tree order. */
    check_fix("Device.WiFi.Radio.1.Enable* Device.WiFi.Radio.1.Channel* Device.WiFi.SSID.1.SSID*",
              "Device.WiFi.", 0,
              "Device.WiFi. Device.WiFi.Radio. Device.WiFi.Radio.1. Device.WiFi.Radio.1.Enable* "
              "Device.WiFi.Radio.1.Channel* Device.WiFi.SSID. Device.WiFi.SSID.1. "
              "Device.WiFi.SSID.1.SSID*",
              0, 5, 0);
    /* From the root: the root object too. A parent listed later is not doubled. */
    check_fix("Device.DeviceInfo.Manufacturer Device.", "", 0,
              "Device.DeviceInfo. Device.DeviceInfo.Manufacturer Device.", 0, 1, 0);
    /* An object added is not writable, even below a writable one. */
    check_fix("Device.NAT.PortMapping.* Device.NAT.PortMapping.1.Enable*", "Device.NAT.", 0,
              "Device.NAT. Device.NAT.PortMapping.* Device.NAT.PortMapping.1. "
              "Device.NAT.PortMapping.1.Enable*",
              0, 2, 0);
}

static void test_gpn_missing_dots(void **state)
{
    /* "Device.WiFi.Radio.1" has a child: it is an object; the requested
     * path without its dot is one too; a leaf stays a parameter. */
    check_fix("Device.WiFi Device.WiFi.Radio.1* Device.WiFi.Radio.1.Enable*", "Device.WiFi.", 0,
              "Device.WiFi. Device.WiFi.Radio. Device.WiFi.Radio.1.* Device.WiFi.Radio.1.Enable*",
              0, 1, 2);
    /* Next level: an object with nothing below it in the list cannot be told. */
    check_fix("Device.WiFi.Radio Device.WiFi.Enable*", "Device.WiFi.", 1,
              "Device.WiFi.Radio Device.WiFi.Enable*", 0, 0, 0);
    /* The dotted and the dot-less spelling of one object: kept once. */
    check_fix("Device.X Device.X. Device.X.Y", "Device.", 0, "Device. Device.X. Device.X.Y", 1, 1,
              1);
}

static void test_gpn_out_of_path(void **state)
{
    check_fix("Device.WiFi.SSID.1.SSID* Device.Ethernet.Interface.1.Enable* Device.WiFiX.A "
              "InternetGatewayDevice.LANDevice.",
              "Device.WiFi.", 0,
              "Device.WiFi. Device.WiFi.SSID. Device.WiFi.SSID.1. "
              "Device.WiFi.SSID.1.SSID*",
              3, 3, 0);
    /* A parameter path: only itself. */
    check_fix("Device.DeviceInfo.Manufacturer Device.DeviceInfo.ManufacturerOUI",
              "Device.DeviceInfo.Manufacturer", 0, "Device.DeviceInfo.Manufacturer", 1, 0, 0);
    /* Duplicates count as dropped. */
    check_fix("Device.A. Device.A.", "Device.", 1, "Device.A.", 1, 0, 0);
}

static void test_gpn_next_level_deeper_names(void **state)
{
    /* Deeper names are not asked for: each stands for its next-level object. */
    check_fix("Device.WiFi.Radio.1.Enable Device.WiFi.Radio.2.Enable Device.WiFi.SSID. "
              "Device.WiFi.Enable*",
              "Device.WiFi.", 1, "Device.WiFi.Radio. Device.WiFi.SSID. Device.WiFi.Enable*", 2, 1,
              0);
    /* The root with next level: the root object only. */
    check_fix("Device.DeviceInfo. Device.ManagementServer.", "", 1, "Device.", 2, 1, 0);
}

static void test_gpn_other_shapes_left_alone(void **state)
{
    gw_gpn_fix_t fx;
    json_t *b = load("{\"parameters\": 7}");
    gw_rpcctx_fix_gpn(b, "Device.", 0, &fx);
    assert_int_equal(json_integer_value(json_object_get(b, "parameters")), 7);
    json_decref(b);
    b = load("{\"parameters\": [{\"writable\": true}, {\"name\": 3}, {\"name\": \"Device.\"}]}");
    gw_rpcctx_fix_gpn(b, "", 0, &fx);
    assert_int_equal(fx.dropped, 2);
    assert_int_equal(json_array_size(json_object_get(b, "parameters")), 1);
    json_decref(b);
}

static void test_strip_url(void **state)
{
    char out[300];
    struct {
        const char *in, *want;
    } cases[] = {
        {"http://user:secret@files.example/fw.bin", "http://files.example/fw.bin"},
        {"https://u@h:8443/a?b=c", "https://h:8443/a?b=c"},
        {"ftp://a:b@c@host/x@y", "ftp://host/x@y"},
        {"http://files.example/path@at", "http://files.example/path@at"},
        {"http://host/x?u=http://a:b@c", "http://host/x?u=http://a:b@c"},
        {"user:pw@host/file", "host/file"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gw_rpcctx_strip_url(cases[i].in, out, sizeof out);
        assert_string_equal(out, cases[i].want);
    }
}

static void check_ctx(const char *method, const char *params, const char *want)
{
    json_t *p = params ? load(params) : NULL;
    json_t *ctx = gw_rpcctx_new(method, p);
    json_t *w = load(want);
    char *got = json_dumps(ctx, JSON_SORT_KEYS | JSON_COMPACT);
    if (!json_equal(ctx, w))
        fail_msg("%s: got %s, want %s", method, got, want);
    free(got);
    json_decref(w);
    json_decref(ctx);
    json_decref(p);
}

static void test_context(void **state)
{
    check_ctx("Download",
              "{\"command_key\": \"fw-1\", \"file_type\": \"1 Firmware Upgrade Image\", "
              "\"url\": \"http://acs:pw@files.example/fw.bin\", \"username\": \"acs\", "
              "\"password\": \"pw\", \"file_size\": 1234, \"target_file_name\": \"fw.bin\"}",
              "{\"command_key\": \"fw-1\", \"transfer\": {\"is_download\": true, \"file_type\": "
              "\"1 Firmware Upgrade Image\", \"url\": \"http://files.example/fw.bin\", "
              "\"file_size\": 1234, \"target_file_name\": \"fw.bin\"}}");
    check_ctx("Upload",
              "{\"file_type\": \"1 Vendor Configuration File\", \"url\": \"http://up/x\"}",
              "{\"command_key\": \"\", \"transfer\": {\"is_download\": false, \"file_type\": "
              "\"1 Vendor Configuration File\", \"url\": \"http://up/x\", \"file_size\": 0, "
              "\"target_file_name\": \"\"}}");
    check_ctx("Reboot", NULL, "{\"command_key\": \"\"}");
    check_ctx("ChangeDUState", "{\"command_key\": 7}", "{\"command_key\": \"\"}");
    check_ctx("GetParameterNames", "{\"path\": \"Device.\", \"next_level\": true}",
              "{\"gpn\": {\"path\": \"Device.\", \"next_level\": true}}");
    check_ctx("GetParameterValues", "{\"names\": [\"Device.\"]}", "{}");
    check_ctx("X_ACME_Thing", "{\"command_key\": \"k\"}", "{}");

    /* Applied to a result: command_key and transfer, never a password. */
    json_t *p = load("{\"command_key\": \"k\", \"file_type\": \"1 Firmware Upgrade Image\", "
                     "\"url\": \"http://u:hunter2@f/x\", \"password\": \"hunter2\"}");
    json_t *ctx = gw_rpcctx_new("ScheduleDownload", p), *res = json_object();
    gw_rpcctx_apply(res, ctx);
    char *text = json_dumps(res, JSON_COMPACT);
    assert_null(strstr(text, "hunter2"));
    assert_non_null(strstr(text, "\"command_key\":\"k\""));
    assert_non_null(strstr(text, "\"url\":\"http://f/x\""));
    free(text);
    json_decref(res);
    json_decref(ctx);
    json_decref(p);
}

static void test_peek(void **state)
{
    char out[32];
    const char *b = " {\"type\": \"rpc\", \"params\": {\"id\": \"inner\", \"a\": [1, \"]}\", "
                    "{\"x\": \"\\\"\"}]}, \"n\": -1.5e3, \"ok\": true, \"id\" : \"job-1\", "
                    "\"esc\": \"a\\nb\", \"long\": \"0123456789012345678901234567890123\"}";
    size_t n = strlen(b);
    assert_int_equal(gw_rpcctx_peek(b, n, "type", out, sizeof out), 0);
    assert_string_equal(out, "rpc");
    /* The top-level member, not the one inside params. */
    assert_int_equal(gw_rpcctx_peek(b, n, "id", out, sizeof out), 0);
    assert_string_equal(out, "job-1");
    assert_int_equal(gw_rpcctx_peek(b, n, "params", out, sizeof out), -1); /* not a string */
    assert_int_equal(gw_rpcctx_peek(b, n, "esc", out, sizeof out), -1);    /* escapes */
    assert_int_equal(gw_rpcctx_peek(b, n, "long", out, sizeof out), -1);   /* too long */
    assert_int_equal(gw_rpcctx_peek(b, n, "absent", out, sizeof out), -1);
    /* Cut short, not an object, garbage: not found. */
    assert_int_equal(gw_rpcctx_peek(b, 40, "id", out, sizeof out), -1);
    assert_int_equal(gw_rpcctx_peek("[\"id\"]", 6, "id", out, sizeof out), -1);
    assert_int_equal(gw_rpcctx_peek("{\"id\" \"x\"}", 10, "id", out, sizeof out), -1);
    assert_int_equal(gw_rpcctx_peek("{\"a\": {{{{", 10, "id", out, sizeof out), -1);
    assert_int_equal(gw_rpcctx_peek("", 0, "id", out, sizeof out), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gpn_untouched_when_right),
        cmocka_unit_test(test_gpn_missing_parents),
        cmocka_unit_test(test_gpn_missing_dots),
        cmocka_unit_test(test_gpn_out_of_path),
        cmocka_unit_test(test_gpn_next_level_deeper_names),
        cmocka_unit_test(test_gpn_other_shapes_left_alone),
        cmocka_unit_test(test_strip_url),
        cmocka_unit_test(test_context),
        cmocka_unit_test(test_peek),
    };
    return cmocka_run_group_tests_name("gw_rpcctx", tests, NULL, NULL);
}
