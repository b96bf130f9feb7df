/* Unit tests for prov_plan: name resolution, value comparison, rollout
 * hashing, and each decision (bootstrap, reads, presets, refresh, firmware). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "prov_plan.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEV "02C0DE-SimGW-SIM000001"

static const char ITEM[] =
    "{\"type\":\"inform\",\"version\":1,\"message_id\":\"m\",\"session_id\":\"s-1\","
    "\"device_id\":\"" DEV "\",\"device_queue\":\"halyard.dev." DEV "\",\"worker_wait_ms\":500,"
    "\"device\":{\"oui\":\"02c0de\",\"product_class\":\"SimGW\",\"serial_number\":\"SIM000001\"},"
    "\"events\":[{\"code\":\"0 BOOTSTRAP\",\"command_key\":\"\"}],"
    "\"parameters\":[{\"name\":\"Device.DeviceInfo.SoftwareVersion\",\"value\":\"5.1\","
    "\"type\":\"string\"}]%s}";

static prov_policy_t *policy(const char *text)
{
    char err[512];
    prov_policy_t *p = prov_policy_parse(text, err, sizeof err);
    if (!p)
        fprintf(stderr, "policy: %s\n", err);
    assert_non_null(p);
    return p;
}

/* A work item; extra is appended inside the object (",\"credentials\":...") */
static void item(prov_item_t *it, const char *extra)
{
    char body[2048], err[256];
    snprintf(body, sizeof body, ITEM, extra);
    assert_int_equal(prov_item_parse(body, strlen(body), it, err, sizeof err), 0);
}

static void facts(prov_facts_t *f, const char *tags, const char *ages, const char *transfers)
{
    memset(f, 0, sizeof *f);
    f->tags = json_loads(tags, 0, NULL);
    f->state_age = json_loads(ages, 0, NULL);
    f->pending_transfers = json_loads(transfers, 0, NULL);
}

static const char *name_at(json_t *arr, size_t i)
{
    return json_string_value(json_array_get(arr, i));
}

static void test_resolve(void **state)
{
    char out[300];

    (void)state;
    assert_int_equal(prov_plan_resolve("Device.", "ManagementServer.URL", out, sizeof out), 0);
    assert_string_equal(out, "Device.ManagementServer.URL");
    assert_int_equal(prov_plan_resolve("InternetGatewayDevice.", "DeviceInfo.", out, sizeof out),
                     0);
    assert_string_equal(out, "InternetGatewayDevice.DeviceInfo.");
    assert_int_equal(prov_plan_resolve("Device.", "Device.WiFi.SSID.1.SSID", out, sizeof out), 0);
    assert_string_equal(out, "Device.WiFi.SSID.1.SSID");
    /* "DeviceInfo" is relative although it starts with "Device" */
    assert_int_equal(prov_plan_resolve("InternetGatewayDevice.", "DeviceInfo.X", out, sizeof out),
                     0);
    assert_string_equal(out, "InternetGatewayDevice.DeviceInfo.X");
    assert_int_equal(prov_plan_resolve("Device.", "InternetGatewayDevice.X", out, sizeof out), 1);
    assert_int_equal(prov_plan_resolve("InternetGatewayDevice.", "Device.X", out, sizeof out), 1);
    assert_int_equal(prov_plan_resolve("Device.", "ManagementServer.URL", out, 10), -1);
    char longname[260];
    memset(longname, 'a', 250);
    longname[250] = '\0';
    assert_int_equal(prov_plan_resolve("InternetGatewayDevice.", longname, out, sizeof out), -1);
}

static void test_value_equal(void **state)
{
    (void)state;
    assert_true(prov_plan_value_equal("boolean", "true", "1"));
    assert_true(prov_plan_value_equal("xsd:boolean", "false", "FALSE"));
    assert_true(prov_plan_value_equal("boolean", "0", "false"));
    assert_false(prov_plan_value_equal("boolean", "true", "0"));
    assert_false(prov_plan_value_equal("boolean", "true", "yes"));
    assert_true(prov_plan_value_equal("unsignedInt", "300", " 300 "));
    assert_true(prov_plan_value_equal("int", "-5", "-5"));
    assert_false(prov_plan_value_equal("unsignedInt", "300", "301"));
    assert_true(prov_plan_value_equal("string", "a b", "a b"));
    assert_false(prov_plan_value_equal("string", "a", "a "));
    assert_false(prov_plan_value_equal(NULL, "a", "A"));
    assert_false(prov_plan_value_equal("string", "a", NULL));
}

static void test_rollout_hash(void **state)
{
    char id[64];
    int in10 = 0;

    (void)state;
    assert_int_equal(prov_plan_bucket(DEV), prov_plan_bucket(DEV)); /* stable */
    assert_true(prov_plan_bucket(DEV) < 10000);
    assert_false(prov_plan_in_percent(DEV, 0));
    assert_true(prov_plan_in_percent(DEV, 100));
    for (int i = 0; i < 10000; i++) {
        snprintf(id, sizeof id, "02C0DE-SimGW-SIM%06d", i);
        in10 += prov_plan_in_percent(id, 10);
        /* a device in the first 10 % stays in as the share grows */
        if (prov_plan_in_percent(id, 10))
            assert_true(prov_plan_in_percent(id, 25));
    }
    assert_in_range(in10, 850, 1150);
}

static void test_bootstrap_decision(void **state)
{
    prov_policy_t *on = policy("{\"bootstrap\": {}}");
    prov_policy_t *ev = policy("{\"bootstrap\": {\"on_event\": true}}");
    prov_policy_t *off = policy("{}");
    prov_item_t it;
    prov_facts_t f;

    (void)state;
    facts(&f, "[]", "{}", "[]");
    item(&it, ",\"credentials\":\"bootstrap\"");
    assert_true(prov_plan_bootstrap(on, &it, &f));
    assert_false(prov_plan_bootstrap(off, &it, &f));
    prov_item_clear(&it);
    item(&it, ",\"credentials\":\"device\"");
    assert_false(prov_plan_bootstrap(on, &it, &f));
    assert_true(prov_plan_bootstrap(ev, &it, &f)); /* 0 BOOTSTRAP and on_event */
    prov_item_clear(&it);
    item(&it, ",\"credentials\":\"pending\"");
    assert_false(prov_plan_bootstrap(on, &it, &f));
    prov_item_clear(&it);
    item(&it, ""); /* no field: decided by the database */
    assert_true(prov_plan_bootstrap(on, &it, &f));
    f.has_credentials = 1;
    assert_false(prov_plan_bootstrap(on, &it, &f));
    prov_item_clear(&it);
    item(&it, ",\"credentials\":\"none\"");
    assert_false(prov_plan_bootstrap(on, &it, &f));
    f.has_credentials = 0;
    assert_false(prov_plan_bootstrap(on, &it, &f)); /* authentication is off for it */
    assert_true(prov_plan_bootstrap(ev, &it, &f));
    prov_item_clear(&it);
    prov_facts_clear(&f);
    prov_policy_free(&on);
    prov_policy_free(&ev);
    prov_policy_free(&off);
}

static void test_reads_and_batches(void **state)
{
    prov_policy_t *p = policy(
        "{\"presets\": {\"a\": {\"tag\": \"pilot\", \"parameters\": {\"X.Y\": 1, "
        "\"InternetGatewayDevice.Z\": 2}}, \"b\": {\"tag\": \"other\", \"parameters\": "
        "{\"Q\": 1}}}, \"firmware\": {\"c\": {\"oui\": \"02C0DE\", \"product_class\": \"SimGW\","
        " \"version\": \"6\", \"file\": \"f\"}}}");
    prov_item_t it;
    prov_facts_t f;
    json_t *r, *b;

    (void)state;
    item(&it, "");
    facts(&f, "[\"pilot\"]", "{}", "[]");
    f.pending_username = strdup("cpe-x");
    r = prov_plan_reads(p, &it, &f, 1);
    assert_int_equal(json_array_size(r), 2); /* SoftwareVersion was informed */
    assert_string_equal(name_at(r, 0), "Device.ManagementServer.ParameterKey");
    assert_string_equal(name_at(r, 1), "Device.X.Y");
    json_decref(r);
    r = prov_plan_reads(p, &it, &f, 0); /* no bootstrap: no ParameterKey */
    assert_int_equal(json_array_size(r), 1);
    b = prov_plan_batches(r, 1);
    assert_int_equal(json_array_size(b), 1);
    json_decref(b);
    json_decref(r);
    r = json_pack("[s,s,s,s,s]", "a", "b", "c", "d", "e");
    b = prov_plan_batches(r, 2);
    assert_int_equal(json_array_size(b), 3);
    assert_int_equal(json_array_size(json_array_get(b, 2)), 1);
    assert_string_equal(name_at(json_array_get(b, 1), 0), "c");
    json_decref(b);
    json_decref(r);
    prov_item_clear(&it);
    /* No SoftwareVersion in the Inform: read it for the firmware decision. */
    char body[1024], err[128];
    snprintf(body, sizeof body,
             "{\"type\":\"inform\",\"version\":1,\"session_id\":\"s\",\"device_id\":\"" DEV "\","
             "\"device_queue\":\"halyard.dev." DEV "\",\"worker_wait_ms\":1,"
             "\"device\":{\"oui\":\"02C0DE\",\"product_class\":\"SimGW\",\"serial_number\":\"S\"},"
             "\"events\":[],\"parameters\":[]}");
    assert_int_equal(prov_item_parse(body, strlen(body), &it, err, sizeof err), 0);
    r = prov_plan_reads(p, &it, &f, 0);
    assert_int_equal(json_array_size(r), 2);
    assert_string_equal(name_at(r, 1), "Device.DeviceInfo.SoftwareVersion");
    json_decref(r);
    prov_item_clear(&it);
    prov_facts_clear(&f);
    prov_policy_free(&p);
}

static int alnum_only(const char *s)
{
    for (; *s; s++)
        if (!isalnum((unsigned char)*s))
            return 0;
    return 1;
}

static void test_creds_and_bootstrap_values(void **state)
{
    prov_policy_t *p = policy(
        "{\"bootstrap\": {\"periodic_inform_enable\": false, \"periodic_inform_interval_s\": 90,"
        " \"parameters\": {\"Time.NTPServer1\": \"ntp\", \"Device.Time.NTPServer1\": \"ntp2\","
        " \"InternetGatewayDevice.X\": 1, \"Y\": true}}}");
    prov_policy_t *nocr = policy("{\"bootstrap\": {\"connection_request\": false, "
                                 "\"username_prefix\": \"\", \"password_length\": 40}}");
    prov_creds_t c, d;
    json_t *v;

    (void)state;
    assert_int_equal(prov_plan_creds(p, &c), 0);
    assert_int_equal(prov_plan_creds(p, &d), 0);
    assert_int_equal(strlen(c.username), 20);
    assert_memory_equal(c.username, "cpe-", 4);
    assert_true(alnum_only(c.username + 4));
    assert_int_equal(strlen(c.password), 24);
    assert_int_equal(strlen(c.cr_username), 16);
    assert_int_equal(strlen(c.cr_password), 24);
    assert_int_equal(strlen(c.parameter_key), 23);
    assert_memory_equal(c.parameter_key, "bs-", 3);
    assert_string_not_equal(c.username, d.username);
    assert_string_not_equal(c.password, d.password);
    v = prov_plan_bootstrap_values(p, "Device.", &c);
    /* 4 credentials + 2 periodic + NTPServer1 once (the later one wins) + Y */
    assert_int_equal(json_array_size(v), 8);
    json_t *ntp = json_array_get(v, 6);
    assert_string_equal(json_string_value(json_object_get(ntp, "name")), "Device.Time.NTPServer1");
    assert_string_equal(json_string_value(json_object_get(ntp, "value")), "ntp2");
    json_t *en = json_array_get(v, 4);
    assert_string_equal(json_string_value(json_object_get(en, "value")), "false");
    assert_string_equal(json_string_value(json_object_get(en, "type")), "boolean");
    json_t *iv = json_array_get(v, 5);
    assert_string_equal(json_string_value(json_object_get(iv, "value")), "90");
    assert_string_equal(json_string_value(json_object_get(iv, "type")), "unsignedInt");
    assert_string_equal(json_string_value(json_object_get(json_array_get(v, 1), "value")),
                        c.password);
    json_decref(v);
    prov_plan_creds_wipe(&c);
    assert_int_equal(c.password[0], 0);
    assert_int_equal(prov_plan_creds(nocr, &c), 0);
    assert_int_equal(strlen(c.username), 16);
    assert_int_equal(strlen(c.password), 40);
    assert_int_equal(c.cr_username[0], 0);
    v = prov_plan_bootstrap_values(nocr, "InternetGatewayDevice.", &c);
    assert_int_equal(json_array_size(v), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(v, 0), "name")),
                        "InternetGatewayDevice.ManagementServer.Username");
    json_decref(v);
    prov_policy_free(&p);
    prov_policy_free(&nocr);
}

static json_t *values(const char *text)
{
    json_t *v = json_loads(text, 0, NULL);
    assert_non_null(v);
    return v;
}

static void test_presets(void **state)
{
    prov_policy_t *p =
        policy("{\"presets\": {\"a\": {\"tag\": \"t1\", \"parameters\": {\"A\": \"x\", \"N\": 300, "
               "\"B\": true}}, \"b\": {\"tag\": \"t2\", \"parameters\": {\"A\": \"y\"}},"
               " \"c\": {\"tag\": \"t3\", \"parameters\": {\"Missing\": 1}},"
               " \"d\": {\"tag\": \"t1\", \"parameters\": {\"InternetGatewayDevice.Z\": 1}}}}");
    prov_item_t it;
    prov_facts_t f;
    char key[PROV_KEY_MAX + 1], key2[PROV_KEY_MAX + 1];
    json_t *cur, *out, *skipped, *marks;

    (void)state;
    item(&it, "");
    facts(&f, "[\"t1\"]", "{}", "[]");
    cur = values("{\"Device.A\": {\"value\": \"old\", \"type\": \"string\"},"
                 " \"Device.N\": {\"value\": \"300\", \"type\": \"unsignedInt\"},"
                 " \"Device.B\": {\"value\": \"0\", \"type\": \"boolean\"}}");
    out = prov_plan_presets(p, &it, &f, cur, key, &skipped, &marks);
    assert_null(skipped);
    assert_int_equal(json_array_size(out), 2); /* N already 300 */
    assert_string_equal(json_string_value(json_object_get(json_array_get(out, 0), "name")),
                        "Device.A");
    assert_string_equal(json_string_value(json_object_get(json_array_get(out, 1), "type")),
                        "boolean"); /* the CPE's type */
    assert_memory_equal(key, "ps-", 3);
    assert_int_equal(strlen(key), 27);
    assert_null(marks); /* no secrets */
    json_decref(out);
    out = prov_plan_presets(p, &it, &f, cur, key2, &skipped, &marks);
    assert_string_equal(key, key2); /* deterministic */
    json_decref(out);
    /* Tagged t1 and t2: b comes later and wins on A. */
    json_decref(f.tags);
    f.tags = values("[\"t1\", \"t2\", \"t3\"]");
    out = prov_plan_presets(p, &it, &f, cur, key, &skipped, &marks);
    assert_string_equal(json_string_value(json_object_get(json_array_get(out, 0), "value")), "y");
    assert_non_null(skipped); /* c: the CPE did not report Device.Missing */
    assert_string_equal(name_at(skipped, 0), "c");
    json_decref(skipped);
    json_decref(out);
    /* A later preset that wants what is there removes an earlier change. */
    json_object_set_new(cur, "Device.A", json_pack("{s:s,s:s}", "value", "y", "type", "string"));
    out = prov_plan_presets(p, &it, &f, cur, key, &skipped, &marks);
    assert_int_equal(json_array_size(out), 1); /* only B */
    json_decref(skipped);
    json_decref(out);
    /* Untagged: nothing, and no key. */
    json_decref(f.tags);
    f.tags = values("[]");
    out = prov_plan_presets(p, &it, &f, cur, key, &skipped, &marks);
    assert_int_equal(json_array_size(out), 0);
    assert_string_equal(key, "");
    json_decref(out);
    json_decref(cur);
    prov_item_clear(&it);
    prov_facts_clear(&f);
    prov_policy_free(&p);
}

static void test_preset_secrets(void **state)
{
    prov_policy_t *p =
        policy("{\"presets\": {\"s\": {\"tag\": \"t\", \"parameters\": {"
               "\"WiFi.AccessPoint.1.Security.KeyPassphrase\": \"pw-123456\", \"X\": \"1\"}}}}");
    prov_item_t it;
    prov_facts_t f;
    char key[PROV_KEY_MAX + 1];
    json_t *cur, *out, *skipped, *marks;
    const char *digest;

    (void)state;
    assert_true(prov_plan_secret_name("Device.ManagementServer.Password"));
    assert_true(prov_plan_secret_name("X.KeyPassphrase"));
    assert_true(prov_plan_secret_name("X.PreSharedKey"));
    assert_false(prov_plan_secret_name("Device.ManagementServer.Username"));
    item(&it, "");
    facts(&f, "[\"t\"]", "{}", "[]");
    f.preset_digests = json_object();
    /* The CPE reads the passphrase back empty: it cannot be compared. */
    cur = values("{\"Device.WiFi.AccessPoint.1.Security.KeyPassphrase\": {\"value\": \"\"},"
                 " \"Device.X\": {\"value\": \"1\"}}");
    out = prov_plan_presets(p, &it, &f, cur, key, &skipped, &marks);
    assert_int_equal(json_array_size(out), 1);
    assert_non_null(marks);
    json_t *m = json_array_get(marks, 0);
    assert_string_equal(json_string_value(json_object_get(m, "item")), "preset:s");
    digest = json_string_value(json_object_get(m, "digest"));
    assert_int_equal(strlen(digest), 24);
    assert_null(strstr(digest, "pw-123456"));
    /* Recorded as applied: not sent again. */
    json_object_set_new(f.preset_digests, "preset:s", json_string(digest));
    json_decref(out);
    json_decref(marks);
    out = prov_plan_presets(p, &it, &f, cur, key, &skipped, &marks);
    assert_int_equal(json_array_size(out), 0);
    assert_null(marks);
    json_decref(out);
    /* A CPE that does read it back is compared as usual. */
    json_object_set_new(f.preset_digests, "preset:s", json_string("other"));
    json_object_set_new(cur, "Device.WiFi.AccessPoint.1.Security.KeyPassphrase",
                        json_pack("{s:s}", "value", "pw-123456"));
    out = prov_plan_presets(p, &it, &f, cur, key, &skipped, &marks);
    assert_int_equal(json_array_size(out), 0);
    json_decref(out);
    json_decref(cur);
    prov_item_clear(&it);
    prov_facts_clear(&f);
    prov_policy_free(&p);
}

static void test_refresh(void **state)
{
    prov_policy_t *p =
        policy("{\"refresh\": {\"a\": {\"names\": [\"DeviceInfo.\", \"InternetGatewayDevice.X\"],"
               " \"max_age_s\": 100}, \"b\": {\"names\": [\"WiFi.\"], \"max_age_s\": 100},"
               " \"c\": {\"names\": [\"InternetGatewayDevice.Y\"]}}}");
    prov_item_t it;
    prov_facts_t f;
    json_t *r;

    (void)state;
    item(&it, "");
    facts(&f, "[]", "{\"refresh:a\": 99.5, \"refresh:b\": 100.0}", "[]");
    r = prov_plan_refresh(p, &it, &f);
    /* a is fresh, b is due, c has no name for this root */
    assert_int_equal(json_array_size(r), 1);
    json_t *set = json_array_get(r, 0);
    assert_string_equal(json_string_value(json_object_get(set, "set")), "b");
    assert_string_equal(json_string_value(json_object_get(set, "item")), "refresh:b");
    assert_string_equal(name_at(json_object_get(set, "names"), 0), "Device.WiFi.");
    json_decref(r);
    json_object_del(f.state_age, "refresh:a");
    r = prov_plan_refresh(p, &it, &f);
    assert_int_equal(json_array_size(r), 2); /* never done: due */
    assert_int_equal(json_array_size(json_object_get(json_array_get(r, 0), "names")), 1);
    json_decref(r);
    prov_item_clear(&it);
    prov_facts_clear(&f);
    prov_policy_free(&p);
}

static void test_firmware(void **state)
{
    prov_policy_t *p = policy(
        "{\"firmware\": {\"any\": {\"oui\": \"02C0DE\", \"product_class\": \"*\", \"version\": "
        "\"6\", \"file\": \"any.bin\"}, \"sim\": {\"oui\": \"02c0de\", \"product_class\": "
        "\"SimGW\", \"version\": \"7\", \"file\": \"sim.bin\", \"transfer_timeout_s\": 600,"
        " \"rollout\": {\"percent\": 0}}, \"x\": {\"oui\": \"AAAAAA\", \"product_class\": \"*\","
        " \"version\": \"1\", \"file\": \"x.bin\"}}}");
    prov_item_t it;
    prov_facts_t f;
    const prov_firmware_t *fw;
    char key[PROV_KEY_MAX + 1];
    json_t *d;

    (void)state;
    item(&it, "");
    facts(&f, "[]", "{}", "[]");
    fw = prov_plan_firmware_target(p, &it);
    assert_non_null(fw);
    assert_string_equal(fw->campaign, "sim"); /* the specific class wins over "*" */
    prov_plan_command_key(fw, key);
    assert_string_equal(key, "fw:sim");
    assert_string_equal(prov_plan_firmware_skip(fw, &it, &f, NULL), "unknown-version");
    assert_string_equal(prov_plan_firmware_skip(fw, &it, &f, "7"), "current");
    assert_string_equal(prov_plan_firmware_skip(fw, &it, &f, "5.1"), "percent");
    json_array_append_new(f.pending_transfers, json_string("fw:sim"));
    assert_string_equal(prov_plan_firmware_skip(fw, &it, &f, "5.1"), "pending");
    json_array_clear(f.pending_transfers);
    json_object_set_new(f.state_age, "firmware:sim", json_real(599));
    assert_string_equal(prov_plan_firmware_skip(fw, &it, &f, "5.1"), "recent");
    json_object_set_new(f.state_age, "firmware:sim", json_real(600));
    assert_string_equal(prov_plan_firmware_skip(fw, &it, &f, "5.1"), "percent");
    fw = &p->firmware[0]; /* "any": 100 % */
    assert_null(prov_plan_firmware_skip(fw, &it, &f, "5.1"));
    d = prov_plan_download(fw, "http://files.example.net:8080/", 1234);
    assert_non_null(d);
    assert_string_equal(json_string_value(json_object_get(d, "url")),
                        "http://files.example.net:8080/files/any.bin");
    assert_string_equal(json_string_value(json_object_get(d, "command_key")), "fw:any");
    assert_string_equal(json_string_value(json_object_get(d, "file_type")),
                        "1 Firmware Upgrade Image");
    assert_int_equal(json_integer_value(json_object_get(d, "file_size")), 1234);
    json_decref(d);
    d = prov_plan_download(fw, "http://x", -1);
    assert_null(json_object_get(d, "file_size"));
    json_decref(d);
    char base[300];
    memset(base, 'a', 290);
    base[290] = '\0';
    assert_null(prov_plan_download(fw, base, 1)); /* over 256 characters */
    assert_null(prov_plan_download(fw, NULL, 1));
    prov_item_clear(&it);
    /* Another OUI, no target. */
    char body[1024], err[128];
    snprintf(body, sizeof body,
             "{\"type\":\"inform\",\"version\":1,\"session_id\":\"s\",\"device_id\":\"" DEV "\","
             "\"device_queue\":\"halyard.dev." DEV "\",\"worker_wait_ms\":1,"
             "\"device\":{\"oui\":\"BBBBBB\",\"serial_number\":\"S\"},"
             "\"events\":[],\"parameters\":[]}");
    assert_int_equal(prov_item_parse(body, strlen(body), &it, err, sizeof err), 0);
    assert_null(prov_plan_firmware_target(p, &it));
    prov_item_clear(&it);
    prov_facts_clear(&f);
    prov_policy_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolve),           cmocka_unit_test(test_value_equal),
        cmocka_unit_test(test_rollout_hash),      cmocka_unit_test(test_bootstrap_decision),
        cmocka_unit_test(test_reads_and_batches), cmocka_unit_test(test_creds_and_bootstrap_values),
        cmocka_unit_test(test_presets),           cmocka_unit_test(test_preset_secrets),
        cmocka_unit_test(test_refresh),           cmocka_unit_test(test_firmware),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
