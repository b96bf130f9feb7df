/* Unit tests for prov_item: work items and results parsed or refused with a
 * reason, the messages we publish, RFC 3339 times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "prov_item.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEV "00D09E-HGW%205-AC5%2D000123"

static const char ITEM[] =
    "{\"type\":\"inform\",\"version\":1,\"message_id\":\"m-1\",\"session_id\":\"s-1\","
    "\"device_id\":\"" DEV "\",\"device_queue\":\"halyard.dev." DEV "\",\"worker_wait_ms\":2000,"
    "\"device\":{\"manufacturer\":\"Acme\",\"oui\":\"00D09E\",\"product_class\":\"HGW 5\","
    "\"serial_number\":\"AC5-000123\"},"
    "\"events\":[{\"code\":\"1 BOOT\",\"command_key\":\"\"},{\"code\":\"M Reboot\","
    "\"command_key\":\"ck\"}],\"credentials\":\"bootstrap\",\"unknown_member\":[1,2],"
    "\"parameters\":[{\"name\":\"InternetGatewayDevice.DeviceInfo.SoftwareVersion\","
    "\"value\":\"3.4\",\"type\":\"string\"}],\"received_at\":\"2024-05-01T10:00:03.412Z\"}";

static void test_item_ok(void **state)
{
    prov_item_t it;
    char err[256];

    (void)state;
    assert_int_equal(prov_item_parse(ITEM, strlen(ITEM), &it, err, sizeof err), 0);
    assert_string_equal(it.session_id, "s-1");
    assert_string_equal(it.device_id, DEV);
    assert_string_equal(it.oui, "00D09E");
    assert_string_equal(it.product_class, "HGW 5");
    assert_string_equal(it.credentials, "bootstrap");
    assert_string_equal(it.data_root, "InternetGatewayDevice.");
    assert_int_equal(it.worker_wait_ms, 2000);
    assert_true(it.received_ms == 1714557603412LL);
    assert_string_equal(prov_item_param(&it, "InternetGatewayDevice.DeviceInfo.SoftwareVersion"),
                        "3.4");
    assert_null(prov_item_param(&it, "Device.DeviceInfo.SoftwareVersion"));
    assert_true(prov_item_has_event(&it, "M Reboot"));
    assert_false(prov_item_has_event(&it, "0 BOOTSTRAP"));
    prov_item_clear(&it);
    prov_item_clear(&it); /* twice is fine */
}

/* ITEM with the first occurrence of from replaced by to must be refused
 * with a reason containing want. */
static void refused(const char *from, const char *to, const char *want)
{
    char body[4096], err[256] = "";
    const char *at = strstr(ITEM, from);
    prov_item_t it;

    assert_non_null(at);
    snprintf(body, sizeof body, "%.*s%s%s", (int)(at - ITEM), ITEM, to, at + strlen(from));
    if (prov_item_parse(body, strlen(body), &it, err, sizeof err) == 0 || !strstr(err, want)) {
        fprintf(stderr, "%s\n  got: %s\n  want: %s\n", body, err, want);
        fail();
    }
    assert_null(it.root);
}

static void test_item_refused(void **state)
{
    prov_item_t it;
    char err[256];

    (void)state;
    assert_int_equal(prov_item_parse("{", 1, &it, err, sizeof err), -1);
    assert_non_null(strstr(err, "not JSON"));
    assert_int_equal(prov_item_parse("[1]", 3, &it, err, sizeof err), -1);
    refused("\"type\":\"inform\"", "\"type\":\"rpc\"", "not a inform message");
    refused("\"version\":1", "\"version\":2", "unknown message version");
    refused("\"version\":1", "\"version\":\"1\"", "unknown message version");
    refused("\"session_id\":\"s-1\",", "", "session_id");
    refused("\"session_id\":\"s-1\"", "\"session_id\":\"\"", "session_id");
    refused("\"device_id\":\"" DEV "\"", "\"device_id\":\"a.b\"", "valid device_id");
    refused("\"worker_wait_ms\":2000", "\"worker_wait_ms\":\"2000\"", "worker_wait_ms");
    refused("\"device_queue\":\"halyard.dev." DEV "\"", "\"device_queue\":\"halyard.inventory\"",
            "device_queue is not halyard.dev.<device_id>");
    refused("\"oui\":\"00D09E\",", "", "device.oui");
    refused("\"events\":[", "\"events\":\"none\",\"x\":[", "events and parameters must be arrays");
    refused("\"m-1\",", "\"m-1\",\"message_id\":\"again\",", "not JSON");
}

static void test_data_root_default(void **state)
{
    static const char *const bodies[] = {
        "{\"type\":\"inform\",\"version\":1,\"session_id\":\"s\",\"device_id\":\"A-B\","
        "\"device_queue\":\"halyard.dev.A-B\",\"worker_wait_ms\":0,\"device\":{\"oui\":\"A\","
        "\"serial_number\":\"B\"},\"events\":[],\"parameters\":[]}",
        "{\"type\":\"inform\",\"version\":1,\"session_id\":\"s\",\"device_id\":\"A-B\","
        "\"device_queue\":\"halyard.dev.A-B\",\"worker_wait_ms\":0,\"device\":{\"oui\":\"A\","
        "\"serial_number\":\"B\"},\"events\":[],\"parameters\":[{\"name\":\"Device.X\"}]}",
    };
    prov_item_t it;
    char err[256];

    (void)state;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(prov_item_parse(bodies[i], strlen(bodies[i]), &it, err, sizeof err), 0);
        assert_string_equal(it.data_root, "Device.");
        assert_string_equal(it.product_class, "");
        assert_null(it.credentials);
        assert_true(it.received_ms == 0);
        prov_item_clear(&it);
    }
}

static void test_results(void **state)
{
    static const char ok[] =
        "{\"type\":\"rpc.result\",\"version\":1,\"id\":\"prov-c1x0-1\",\"session_id\":\"s\","
        "\"method\":\"GetParameterValues\",\"status\":\"ok\",\"result\":{\"parameters\":[]}}";
    static const char fault[] =
        "{\"type\":\"rpc.result\",\"version\":1,\"id\":\"i\",\"status\":\"fault\","
        "\"fault\":{\"faultcode\":\"Client\",\"code\":9003,\"string\":\"Invalid arguments\"}}";
    static const char failed[] =
        "{\"type\":\"rpc.result\",\"version\":1,\"id\":\"i\",\"status\":\"failed\"}";
    static const char *const bad[] = {
        "{\"type\":\"rpc.result\",\"version\":1,\"id\":\"i\",\"status\":\"maybe\"}",
        "{\"type\":\"rpc.result\",\"version\":1,\"status\":\"ok\"}",
        "{\"type\":\"done\",\"version\":1,\"id\":\"i\",\"status\":\"ok\"}",
        "garbage",
    };
    prov_result_t r;
    char err[256];

    (void)state;
    assert_int_equal(prov_result_parse(ok, strlen(ok), &r, err, sizeof err), 0);
    assert_string_equal(r.id, "prov-c1x0-1");
    assert_string_equal(r.status, "ok");
    assert_non_null(r.result);
    assert_null(r.reason);
    prov_result_clear(&r);
    assert_int_equal(prov_result_parse(fault, strlen(fault), &r, err, sizeof err), 0);
    assert_int_equal(r.fault_code, 9003);
    assert_string_equal(r.fault_string, "Invalid arguments");
    assert_null(r.result);
    prov_result_clear(&r);
    assert_int_equal(prov_result_parse(failed, strlen(failed), &r, err, sizeof err), 0);
    assert_string_equal(r.reason, "unknown"); /* a failure without a reason is still one */
    assert_string_equal(r.fault_string, "");
    prov_result_clear(&r);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(prov_result_parse(bad[i], strlen(bad[i]), &r, err, sizeof err), -1);
}

static void test_messages(void **state)
{
    prov_item_t it;
    char err[256], id[37], id2[37], *m;
    json_t *j, *params = json_pack("{s:[s]}", "names", "Device.X");

    (void)state;
    assert_int_equal(prov_item_parse(ITEM, strlen(ITEM), &it, err, sizeof err), 0);
    m = prov_item_rpc_message(&it, "prov-c0x1-1", "GetParameterValues", params, id);
    j = json_loads(m, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "type")), "rpc");
    assert_int_equal(json_integer_value(json_object_get(j, "version")), 1);
    assert_string_equal(json_string_value(json_object_get(j, "message_id")), id);
    assert_string_equal(json_string_value(json_object_get(j, "session_id")), "s-1");
    assert_string_equal(json_string_value(json_object_get(j, "device_id")), DEV);
    assert_string_equal(json_string_value(json_object_get(j, "id")), "prov-c0x1-1");
    assert_true(json_equal(json_object_get(j, "params"), params));
    json_decref(j);
    free(m);
    m = prov_item_done_message(&it, id2);
    j = json_loads(m, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(j, "type")), "done");
    assert_string_not_equal(id, id2);
    assert_int_equal(json_object_size(j), 5);
    json_decref(j);
    free(m);
    json_decref(params);
    prov_item_clear(&it);
}

static void test_times(void **state)
{
    (void)state;
    assert_true(prov_item_time_ms("1970-01-01T00:00:00Z") == 0);
    assert_true(prov_item_time_ms("1970-01-01T00:00:01.5Z") == 1500);
    assert_true(prov_item_time_ms("2024-05-01T12:00:03+02:00") == 1714557603000LL);
    assert_true(prov_item_time_ms("2024-05-01T08:00:03.25-02:00") == 1714557603250LL);
    assert_true(prov_item_time_ms("2024-05-01t10:00:03.412z") == 1714557603412LL);
    assert_true(prov_item_time_ms("2024-05-01 10:00:03Z") == 0);
    assert_true(prov_item_time_ms("2024-05-01T10:00:03") == 0);
    assert_true(prov_item_time_ms("2024-05-01T10:00:03+0200") == 0);
    assert_true(prov_item_time_ms(NULL) == 0);
    assert_true(prov_item_time_ms("") == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_item_ok),           cmocka_unit_test(test_item_refused),
        cmocka_unit_test(test_data_root_default), cmocka_unit_test(test_results),
        cmocka_unit_test(test_messages),          cmocka_unit_test(test_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
