/* Unit tests for prov_policy: every section parsed, defaults, and every
 * kind of bad policy refused with a message naming the key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "prov_policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char FULL[] =
    "{\"version\": 1, \"description\": \"all of it\", \"gpv_batch_size\": 8,"
    " \"bootstrap\": {\"on_event\": true, \"username_prefix\": \"gw-\", \"username_length\": 10,"
    "   \"password_length\": 32, \"connection_request\": false,"
    "   \"periodic_inform_enable\": true, \"periodic_inform_interval_s\": 600,"
    "   \"parameters\": {\"Time.NTPServer1\": \"ntp.example.net\","
    "                    \"X_Flag\": false, \"X_Count\": 7, \"X_Neg\": -3,"
    "                    \"X_Typed\": {\"value\": \"5\", \"type\": \"xsd:unsignedInt\"}}},"
    " \"refresh\": {\"wifi\": {\"names\": [\"WiFi.SSID.\", \"Device.WiFi.Radio.1.Channel\"],"
    "                          \"max_age_s\": 60}, \"info\": {\"names\": [\"DeviceInfo.\"]}},"
    " \"presets\": {\"zeta\": {\"tag\": \"pilot\", \"parameters\": {\"A\": \"1\"}},"
    "               \"alpha\": {\"tag\": \"ops:x\", \"parameters\": {\"B\": true}}},"
    " \"firmware\": {\"fw1\": {\"oui\": \"02c0de\", \"product_class\": \"SimGW\","
    "   \"version\": \"5.2\", \"file\": \"fw-5.2.bin\","
    "   \"rollout\": {\"percent\": 12.5, \"batch_size\": 20}},"
    "  \"fw2\": {\"oui\": \"02C0DE\", \"product_class\": \"*\", \"version\": \"5.3\","
    "   \"file\": \"fw-5.3.bin\", \"file_type\": \"X 1\", \"transfer_timeout_s\": 60}}}";

static void test_full(void **state)
{
    char err[512];
    prov_policy_t *p = prov_policy_parse(FULL, err, sizeof err);

    (void)state;
    assert_non_null(p);
    assert_int_equal(p->gpv_batch_size, 8);
    assert_true(p->bootstrap.enabled);
    assert_true(p->bootstrap.on_event);
    assert_string_equal(p->bootstrap.username_prefix, "gw-");
    assert_int_equal(p->bootstrap.username_length, 10);
    assert_int_equal(p->bootstrap.password_length, 32);
    assert_false(p->bootstrap.connection_request);
    assert_int_equal(p->bootstrap.periodic_enable, 1);
    assert_int_equal(p->bootstrap.periodic_interval, 600);
    assert_int_equal(p->bootstrap.params.n, 5);
    assert_string_equal(p->bootstrap.params.v[1].text, "false");
    assert_int_equal(p->bootstrap.params.v[1].json_kind, 'b');
    assert_string_equal(p->bootstrap.params.v[2].text, "7");
    assert_string_equal(p->bootstrap.params.v[3].text, "-3");
    assert_string_equal(p->bootstrap.params.v[4].type, "unsignedInt"); /* xsd: dropped */
    assert_null(p->bootstrap.params.v[0].type);
    assert_int_equal(p->nrefresh, 2);
    assert_string_equal(p->refresh[0].name, "wifi");
    assert_int_equal(p->refresh[0].n, 2);
    assert_int_equal(p->refresh[0].max_age_s, 60);
    assert_int_equal(p->refresh[1].max_age_s, 86400); /* default */
    assert_int_equal(p->npresets, 2);
    assert_string_equal(p->presets[0].name, "alpha"); /* sorted by name */
    assert_string_equal(p->presets[1].tag, "pilot");
    assert_int_equal(p->nfirmware, 2);
    assert_string_equal(p->firmware[0].oui, "02C0DE"); /* upper-cased */
    assert_true(p->firmware[0].percent > 12.4 && p->firmware[0].percent < 12.6);
    assert_int_equal(p->firmware[0].batch_size, 20);
    assert_int_equal(p->firmware[0].window_s, 3600);
    assert_string_equal(p->firmware[0].file_type, "1 Firmware Upgrade Image");
    assert_int_equal(p->firmware[0].transfer_timeout_s, 3600);
    assert_true(p->firmware[1].percent == 100.0);
    assert_int_equal(p->firmware[1].batch_size, 0);
    assert_string_equal(p->firmware[1].file_type, "X 1");
    prov_policy_free(&p);
    assert_null(p);
    prov_policy_free(&p); /* NULL is fine */
}

static void test_empty_and_defaults(void **state)
{
    char err[256], line[256];
    prov_policy_t *p = prov_policy_parse("{}", err, sizeof err);

    (void)state;
    assert_non_null(p);
    assert_false(p->bootstrap.enabled);
    assert_int_equal(p->gpv_batch_size, 32);
    prov_policy_describe(p, line, sizeof line);
    assert_non_null(strstr(line, "bootstrap off"));
    prov_policy_free(&p);
    p = prov_policy_parse("{\"bootstrap\": {}}", err, sizeof err);
    assert_non_null(p);
    assert_true(p->bootstrap.enabled);
    assert_true(p->bootstrap.connection_request);
    assert_string_equal(p->bootstrap.username_prefix, "cpe-");
    assert_int_equal(p->bootstrap.username_length, 16);
    assert_int_equal(p->bootstrap.password_length, 24);
    assert_int_equal(p->bootstrap.periodic_enable, -1);
    assert_int_equal(p->bootstrap.periodic_interval, 0);
    prov_policy_free(&p);
    p = prov_policy_parse("{\"bootstrap\": {\"username_prefix\": \"\"}}", err, sizeof err);
    assert_non_null(p);
    assert_string_equal(p->bootstrap.username_prefix, "");
    prov_policy_free(&p);
}

/* text must be refused with a message containing want. */
static void refused(const char *text, const char *want)
{
    char err[512] = "";
    prov_policy_t *p = prov_policy_parse(text, err, sizeof err);
    if (p || !strstr(err, want)) {
        fprintf(stderr, "policy %s\n  got: %s\n  want: %s\n", text, p ? "(accepted)" : err, want);
        prov_policy_free(&p);
        fail();
    }
}

static void test_refused_structure(void **state)
{
    (void)state;
    refused("", "not valid JSON");
    refused("[]", "policy: must be an object");
    refused("{\"bootstrap\": {}, \"bootstrap\": {}}", "duplicate");
    refused("{\"boostrap\": {}}", "policy: unknown key \"boostrap\"");
    refused("{\"version\": 2}", "policy.version: must be a whole number in [1, 1]");
    refused("{\"gpv_batch_size\": 0}", "policy.gpv_batch_size");
    refused("{\"gpv_batch_size\": \"32\"}", "policy.gpv_batch_size");
    refused("{\"bootstrap\": []}", "policy.bootstrap: must be an object");
    refused("{\"bootstrap\": {\"enabled\": 1}}", "policy.bootstrap.enabled: must be true or false");
    refused("{\"bootstrap\": {\"password_length\": 65}}", "policy.bootstrap.password_length");
    refused("{\"bootstrap\": {\"username_length\": 7}}", "policy.bootstrap.username_length");
    refused("{\"bootstrap\": {\"username_prefix\": \"a b\"}}", "username_prefix");
    refused("{\"bootstrap\": {\"username_prefix\": \"12345678901234567\"}}", "username_prefix");
    refused("{\"bootstrap\": {\"periodic_inform_interval_s\": 0}}", "periodic_inform_interval_s");
    refused("{\"description\": 5}", "policy.description");
}

static void test_refused_parameters(void **state)
{
    (void)state;
    refused("{\"bootstrap\": {\"parameters\": {\"ManagementServer.Password\": \"x\"}}}",
            "set by bootstrap itself");
    refused("{\"bootstrap\": {\"parameters\": {\"Device.ManagementServer.Username\": \"x\"}}}",
            "set by bootstrap itself");
    refused("{\"bootstrap\": {\"periodic_inform_interval_s\": 60, \"parameters\": "
            "{\"ManagementServer.PeriodicInformInterval\": 5}}}",
            "also given by periodic_inform_");
    refused("{\"bootstrap\": {\"parameters\": {\"A.\": \"x\"}}}", "not a parameter name");
    refused("{\"bootstrap\": {\"parameters\": {\"A B\": \"x\"}}}", "not a parameter name");
    refused("{\"bootstrap\": {\"parameters\": {\".A\": \"x\"}}}", "not a parameter name");
    refused("{\"bootstrap\": {\"parameters\": {\"A\": 1.5}}}", "value must be a string");
    refused("{\"bootstrap\": {\"parameters\": {\"A\": null}}}", "value must be a string");
    refused("{\"bootstrap\": {\"parameters\": {\"A\": {\"value\": 1, \"tpye\": \"int\"}}}}",
            "unknown key \"tpye\"");
    refused("{\"bootstrap\": {\"parameters\": {\"A\": {\"type\": \"int\"}}}}",
            "\"value\" is required");
    refused("{\"bootstrap\": {\"parameters\": {\"A\": {\"value\": 1, \"type\": \"float\"}}}}",
            "unknown type \"float\"");
    refused("{\"bootstrap\": {\"parameters\": {\"A\": {\"value\": \"yes\", \"type\": "
            "\"boolean\"}}}}",
            "a boolean must be");
    refused("{\"bootstrap\": {\"parameters\": {\"A\": {\"value\": -1, \"type\": "
            "\"unsignedInt\"}}}}",
            "non-negative");
    refused("{\"presets\": {\"p\": {\"tag\": \"t\", \"parameters\": {}}}}",
            "policy.presets.p.parameters: must hold 1 to 1024 parameters");
    refused("{\"presets\": {\"p\": {\"tag\": \"t\"}}}", "policy.presets.p.parameters: is required");
    refused("{\"presets\": {\"p\": {\"parameters\": {\"A\": 1}}}}",
            "policy.presets.p.tag: is required");
    refused("{\"presets\": {\"p\": {\"tag\": \"a b\", \"parameters\": {\"A\": 1}}}}",
            "tag must be");
    refused("{\"presets\": {\"p q\": {\"tag\": \"t\", \"parameters\": {\"A\": 1}}}}",
            "preset name must be");
}

static void test_refused_refresh_firmware(void **state)
{
    (void)state;
    refused("{\"refresh\": {\"w\": {\"names\": []}}}", "policy.refresh.w.names: must be an array");
    refused("{\"refresh\": {\"w\": {\"names\": [5]}}}", "item 0 is not a parameter name");
    refused("{\"refresh\": {\"w\": {\"names\": [\"A\"], \"max_age_s\": 0}}}", "max_age_s");
    refused("{\"refresh\": {\"w\": {\"name\": [\"A\"]}}}", "unknown key \"name\"");
#define FW(extra)                                                                                  \
    "{\"firmware\": {\"c\": {\"oui\": \"02C0DE\", \"product_class\": \"P\", \"version\": \"1\", "  \
    "\"file\": \"f.bin\"" extra "}}}"
    refused(FW(", \"oui\": \"X\""), "duplicate");
    refused("{\"firmware\": {\"c\": {\"product_class\": \"P\", \"version\": \"1\", \"file\": "
            "\"f\"}}}",
            "policy.firmware.c.oui: is required");
    refused("{\"firmware\": {\"c\": {\"oui\": \"02C0DG\", \"product_class\": \"P\", \"version\": "
            "\"1\", \"file\": \"f\"}}}",
            "policy.firmware.c.oui: must be 6 hex digits");
    refused("{\"firmware\": {\"c\": {\"oui\": \"02C0DE\", \"product_class\": \"P\", \"version\": "
            "\"1\", \"file\": \"../etc/passwd\"}}}",
            "policy.firmware.c.file: not a store file name");
    refused(FW(", \"rollout\": {}"), "needs \"percent\", \"batch_size\" or both");
    refused(FW(", \"rollout\": {\"percent\": -1}"), "policy.firmware.c.rollout.percent");
    refused(FW(", \"rollout\": {\"batch_size\": 0}"), "policy.firmware.c.rollout.batch_size");
    refused(FW(", \"rollout\": {\"percent\": 5, \"window_s\": 60}"), "needs \"batch_size\"");
    refused(FW(", \"rollout\": {\"batch\": 5}"), "unknown key \"batch\"");
    refused(FW(", \"transfer_timeout_s\": 0"), "transfer_timeout_s");
    refused("{\"firmware\": {\"a-campaign-name-longer-than-29c\": {}}}", "campaign name must be");
#undef FW
}

static void test_load(void **state)
{
    char path[] = "/tmp/prov_policy_XXXXXX", err[512];
    int fd = mkstemp(path);
    prov_policy_t *p;

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "{\"gpv_batch_size\": 4}", 21), 21);
    close(fd);
    p = prov_policy_load(path, err, sizeof err);
    assert_non_null(p);
    assert_int_equal(p->gpv_batch_size, 4);
    prov_policy_free(&p);
    unlink(path);
    assert_null(prov_policy_load(path, err, sizeof err));
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "No such file"));
}

static void test_types(void **state)
{
    (void)state;
    assert_true(prov_policy_type_valid("string"));
    assert_true(prov_policy_type_valid("xsd:unsignedInt"));
    assert_true(prov_policy_type_valid("base64Binary"));
    assert_false(prov_policy_type_valid("float"));
    assert_false(prov_policy_type_valid("xsd:"));
    assert_false(prov_policy_type_valid(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_empty_and_defaults),
        cmocka_unit_test(test_refused_structure),
        cmocka_unit_test(test_refused_parameters),
        cmocka_unit_test(test_refused_refresh_firmware),
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
