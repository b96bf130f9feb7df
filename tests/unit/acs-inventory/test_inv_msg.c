/* Unit tests for inv_msg: JSON message -> batch arrays, and every reason a
 * message is rejected. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "inv_msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEV "00D09E-HGW%205-AC5%2D000123"

static const char INFORM[] =
    "{\"type\":\"inform\",\"version\":1,\"message_id\":\"m-1\",\"session_id\":\"s-1\","
    "\"device_id\":\"" DEV "\","
    "\"device\":{\"manufacturer\":\"Acme\",\"oui\":\"00D09E\",\"product_class\":\"HGW 5\","
    "\"serial_number\":\"AC5-000123\"},"
    "\"events\":[{\"code\":\"1 BOOT\",\"command_key\":\"\"},{\"code\":\"M Reboot\","
    "\"command_key\":\"ck1\"}],"
    "\"retry_count\":0,\"current_time\":\"2024-05-01T12:00:00+02:00\",\"cwmp_version\":\"1.2\","
    "\"parameters\":["
    "{\"name\":\"Device.DeviceInfo.SoftwareVersion\",\"value\":\"1.2.3\",\"type\":\"string\"},"
    "{\"name\":\"Device.DeviceInfo.HardwareVersion\",\"value\":\"rev B\",\"type\":\"string\"},"
    "{\"name\":\"Device.ManagementServer.ConnectionRequestURL\","
    "\"value\":\"http://10.0.0.1:7547/cr\",\"type\":\"string\"},"
    "{\"name\":\"Device.ManagementServer.PeriodicInformInterval\",\"value\":\"3600\","
    "\"type\":\"unsignedInt\"},"
    "{\"name\":\"Device.X_Odd\",\"value\":\"a\\\"b\\\\c,{NULL}\"}],"
    "\"remote_addr\":\"192.0.2.7\",\"received_at\":\"2024-05-01T10:00:00.123Z\","
    "\"gateway\":\"gw-1\",\"unknown_extra\":[1,2]}";

typedef struct {
    inv_batch_t *b;
    char err[256];
    inv_msg_type_t type;
    inv_reject_t reason;
} fx_t;

static int setup(void **state)
{
    fx_t *fx = calloc(1, sizeof *fx);
    fx->b = inv_batch_new();
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fx_t *fx = *state;
    inv_batch_free(&fx->b);
    assert_null(fx->b);
    free(fx);
    return 0;
}

static int add(fx_t *fx, const char *body)
{
    return inv_msg_add(fx->b, body, strlen(body), &fx->type, &fx->reason, fx->err, sizeof fx->err);
}

/* Expect body to be rejected for reason, leaving the batch as it was. */
static void expect_reject(fx_t *fx, const char *body, inv_reject_t reason)
{
    char before[INV_OP_COUNT][INV_OP_MAXCOLS][512];

    for (int op = 0; op < INV_OP_COUNT; op++)
        for (int c = 0; c < inv_batch_ncols(op); c++)
            snprintf(before[op][c], sizeof before[op][c], "%s", inv_batch_array(fx->b, op, c));
    size_t rows = inv_batch_total_rows(fx->b);
    if (add(fx, body) == 0)
        fail_msg("accepted: %s", body);
    if (fx->reason != reason)
        fail_msg("reason %s (%s), wanted %s, for %s", inv_msg_reject_name(fx->reason), fx->err,
                 inv_msg_reject_name(reason), body);
    assert_true(fx->err[0] != '\0');
    assert_int_equal(inv_batch_total_rows(fx->b), rows);
    for (int op = 0; op < INV_OP_COUNT; op++)
        for (int c = 0; c < inv_batch_ncols(op); c++)
            assert_string_equal(before[op][c], inv_batch_array(fx->b, op, c));
}

static void test_empty_batch(void **state)
{
    fx_t *fx = *state;
    assert_int_equal(inv_batch_total_rows(fx->b), 0);
    assert_string_equal(inv_batch_array(fx->b, INV_OP_DEVICES, 0), "{}");
    assert_int_equal(inv_batch_ncols(INV_OP_DEVICES), 15);
    assert_int_equal(inv_batch_ncols(INV_OP_FAULTS), 9);
    assert_string_equal(inv_batch_array(fx->b, INV_OP_CLOSES, 99), "{}");
}

static void test_inform(void **state)
{
    fx_t *fx = *state;

    assert_int_equal(add(fx, INFORM), 0);
    assert_int_equal(fx->type, INV_MSG_INFORM);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_DEVICES), 1);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_SESSIONS), 1);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_EVENTS), 2);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_PARAMS), 5);
    assert_int_equal(inv_batch_bootstraps(fx->b), 0);

    const char *want[15] = {"{\"" DEV "\"}",   "{\"00D09E\"}",
                            "{\"HGW 5\"}",     "{\"AC5-000123\"}",
                            "{\"Acme\"}",      "{\"2024-05-01T10:00:00.123Z\"}",
                            "{\"192.0.2.7\"}", "{\"1.2\"}",
                            "{\"1.2.3\"}",     "{\"rev B\"}",
                            "{\"3600\"}",      "{\"http://10.0.0.1:7547/cr\"}",
                            "{\"s-1\"}",       "{\"2024-05-01T10:00:00.123Z\"}",
                            "{NULL}"};
    for (int c = 0; c < 15; c++)
        assert_string_equal(inv_batch_array(fx->b, INV_OP_DEVICES, c), want[c]);

    assert_string_equal(inv_batch_array(fx->b, INV_OP_EVENTS, 2), "{\"1 BOOT\",\"M Reboot\"}");
    assert_string_equal(inv_batch_array(fx->b, INV_OP_EVENTS, 3), "{\"\",\"ck1\"}");
    assert_string_equal(inv_batch_array(fx->b, INV_OP_PARAMS, 3),
                        "{\"string\",\"string\",\"string\",\"unsignedInt\",\"string\"}");
    /* Quotes and backslashes escaped; commas, braces and NULL kept inside quotes. */
    const char *values = inv_batch_array(fx->b, INV_OP_PARAMS, 2);
    assert_non_null(strstr(values, ",\"a\\\"b\\\\c,{NULL}\"}"));
    assert_string_equal(inv_batch_array(fx->b, INV_OP_SESSIONS, 5), "{\"gw-1\"}");
    assert_string_equal(inv_batch_array(fx->b, INV_OP_SESSIONS, 2),
                        "{\"2024-05-01T10:00:00.123Z\"}");
}

static void test_inform_bootstrap_minimal(void **state)
{
    fx_t *fx = *state;
    const char *m = "{\"type\":\"inform\",\"version\":1,\"message_id\":\"m-2\","
                    "\"session_id\":\"s-2\",\"device_id\":\"00D09E-SN1\","
                    "\"device\":{\"oui\":\"00D09E\",\"serial_number\":\"SN1\"},"
                    "\"events\":[{\"code\":\"0 BOOTSTRAP\"}],"
                    "\"received_at\":\"2024-05-01 10:00:00+00:00\"}";

    assert_int_equal(add(fx, m), 0);
    assert_int_equal(inv_batch_bootstraps(fx->b), 1);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_PARAMS), 0);
    assert_string_equal(inv_batch_array(fx->b, INV_OP_DEVICES, 2), "{NULL}");  /* no class */
    assert_string_equal(inv_batch_array(fx->b, INV_OP_DEVICES, 10), "{NULL}"); /* interval */
    assert_string_equal(inv_batch_array(fx->b, INV_OP_DEVICES, 13), "{NULL}"); /* boot */
    assert_string_equal(inv_batch_array(fx->b, INV_OP_DEVICES, 14),
                        "{\"2024-05-01 10:00:00+00:00\"}");
    assert_string_equal(inv_batch_array(fx->b, INV_OP_EVENTS, 3), "{\"\"}");

    /* A second message appends to the same arrays. */
    assert_int_equal(add(fx, INFORM), 0);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_DEVICES), 2);
    assert_string_equal(inv_batch_array(fx->b, INV_OP_DEVICES, 0), "{\"00D09E-SN1\",\"" DEV "\"}");
    inv_batch_reset(fx->b);
    assert_int_equal(inv_batch_total_rows(fx->b), 0);
    assert_int_equal(inv_batch_bootstraps(fx->b), 0);
    assert_string_equal(inv_batch_array(fx->b, INV_OP_DEVICES, 0), "{}");
}

/* session_id is optional in inform.schema.json: no sessions row then, and
 * its events are keyed by the message id so a redelivery still collapses. */
static void test_inform_without_session(void **state)
{
    fx_t *fx = *state;
    const char *m =
        "{\"type\":\"inform\",\"version\":1,\"message_id\":\"m-77\","
        "\"device_id\":\"OUI-SN\",\"device\":{\"oui\":\"OUI\",\"serial_number\":\"SN\"},"
        "\"events\":[{\"code\":\"2 PERIODIC\"}],\"received_at\":\"2024-05-01T10:00:00Z\"}";

    assert_int_equal(add(fx, m), 0);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_DEVICES), 1);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_SESSIONS), 0);
    assert_string_equal(inv_batch_array(fx->b, INV_OP_EVENTS, 1), "{\"msg:m-77\"}");
    assert_string_equal(inv_batch_array(fx->b, INV_OP_DEVICES, 12), "{NULL}"); /* session */
}

static void test_inform_bad_interval_ignored(void **state)
{
    fx_t *fx = *state;
    const char *m =
        "{\"type\":\"inform\",\"version\":1,\"message_id\":\"m\",\"session_id\":\"s\","
        "\"device_id\":\"OUI-SN\",\"device\":{\"oui\":\"OUI\",\"serial_number\":\"SN\"},"
        "\"events\":[],\"received_at\":\"2024-05-01T10:00:00Z\",\"parameters\":["
        "{\"name\":\"InternetGatewayDevice.ManagementServer.PeriodicInformInterval\","
        "\"value\":\"-5\",\"type\":\"unsignedInt\"}]}";

    assert_int_equal(add(fx, m), 0);
    assert_string_equal(inv_batch_array(fx->b, INV_OP_DEVICES, 10), "{NULL}");
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_PARAMS), 1);
}

static void test_rpc_result_gpv(void **state)
{
    fx_t *fx = *state;
    const char *m =
        "{\"type\":\"rpc.result\",\"version\":1,\"message_id\":\"m-3\",\"id\":\"rpc:1\","
        "\"device_id\":\"" DEV "\",\"session_id\":\"s-1\",\"method\":\"GetParameterValues\","
        "\"status\":\"ok\",\"result\":{\"parameters\":[{\"name\":\"Device.A\",\"value\":\"1\","
        "\"type\":\"int\"},{\"name\":\"Device.B\",\"value\":\"\",\"type\":\"string\"}]},"
        "\"completed_at\":\"2024-05-01T10:00:01Z\"}";

    assert_int_equal(add(fx, m), 0);
    assert_int_equal(fx->type, INV_MSG_RPC_RESULT);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_RPCS), 1);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_PARAMS), 2);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_FAULTS), 0);
    assert_string_equal(inv_batch_array(fx->b, INV_OP_PARAMS, 1), "{\"Device.A\",\"Device.B\"}");
    assert_string_equal(inv_batch_array(fx->b, INV_OP_PARAMS, 4),
                        "{\"2024-05-01T10:00:01Z\",\"2024-05-01T10:00:01Z\"}");
    assert_string_equal(inv_batch_array(fx->b, INV_OP_RPCS, 0), "{\"rpc:1\"}");
    assert_string_equal(inv_batch_array(fx->b, INV_OP_RPCS, 4), "{\"ok\"}");
    assert_string_equal(inv_batch_array(fx->b, INV_OP_RPCS, 5), "{NULL}");
}

static void test_rpc_result_spv_and_failed(void **state)
{
    fx_t *fx = *state;
    const char *spv =
        "{\"type\":\"rpc.result\",\"version\":1,\"message_id\":\"m-4\",\"id\":\"r2\","
        "\"device_id\":\"OUI-SN\",\"session_id\":\"s\",\"method\":\"SetParameterValues\","
        "\"status\":\"ok\",\"result\":{\"status\":0},"
        "\"completed_at\":\"2024-05-01T10:00:01Z\"}";
    const char *failed =
        "{\"type\":\"rpc.result\",\"version\":1,\"message_id\":\"m-5\",\"id\":\"r3\","
        "\"device_id\":\"OUI-SN\",\"session_id\":\"s\",\"method\":\"Reboot\","
        "\"status\":\"failed\",\"reason\":\"session ended\",\"detail\":\"why\","
        "\"completed_at\":\"2024-05-01T10:00:01Z\"}";

    assert_int_equal(add(fx, spv), 0);
    assert_int_equal(add(fx, failed), 0);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_RPCS), 2);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_PARAMS), 0);
    assert_string_equal(inv_batch_array(fx->b, INV_OP_RPCS, 4), "{\"ok\",\"failed\"}");
    assert_string_equal(inv_batch_array(fx->b, INV_OP_RPCS, 5), "{NULL,\"session ended\"}");
    assert_string_equal(inv_batch_array(fx->b, INV_OP_RPCS, 7), "{NULL,\"why\"}");
}

static void test_rpc_result_fault(void **state)
{
    fx_t *fx = *state;
    const char *m =
        "{\"type\":\"rpc.result\",\"version\":1,\"message_id\":\"m-6\",\"id\":\"r4\","
        "\"device_id\":\"OUI-SN\",\"session_id\":\"s\",\"method\":\"SetParameterValues\","
        "\"status\":\"fault\",\"fault\":{\"faultcode\":\"Client\",\"code\":9003,"
        "\"string\":\"Invalid arguments\",\"set_parameter_faults\":[{\"name\":\"Device.X\","
        "\"code\":9007,\"string\":\"bad value\"}]},\"completed_at\":\"2024-05-01T10:00:01Z\"}";

    assert_int_equal(add(fx, m), 0);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_RPCS), 1);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_FAULTS), 1);
    assert_string_equal(inv_batch_array(fx->b, INV_OP_FAULTS, 0), "{\"m-6\"}");
    assert_string_equal(inv_batch_array(fx->b, INV_OP_FAULTS, 3), "{\"r4\"}");
    assert_string_equal(inv_batch_array(fx->b, INV_OP_FAULTS, 5), "{\"9003\"}");
    assert_string_equal(inv_batch_array(fx->b, INV_OP_FAULTS, 6), "{\"Invalid arguments\"}");
    const char *detail = inv_batch_array(fx->b, INV_OP_FAULTS, 7);
    assert_non_null(strstr(detail, "\\\"set_parameter_faults\\\":[{\\\"code\\\":9007"));
}

static void test_session_closed(void **state)
{
    fx_t *fx = *state;
    const char *full = "{\"type\":\"session.closed\",\"version\":1,\"message_id\":\"m-7\","
                       "\"session_id\":\"s-1\",\"device_id\":\"OUI-SN\",\"reason\":\"done\","
                       "\"started_at\":\"2024-05-01T10:00:00Z\","
                       "\"ended_at\":\"2024-05-01T10:00:02Z\",\"rpcs\":3,\"faults\":1}";
    const char *bare = "{\"type\":\"session.closed\",\"version\":1,\"message_id\":\"m-8\","
                       "\"session_id\":\"s-2\",\"device_id\":\"OUI-SN\","
                       "\"ended_at\":\"2024-05-01T10:00:02Z\"}";

    assert_int_equal(add(fx, full), 0);
    assert_int_equal(fx->type, INV_MSG_SESSION_CLOSED);
    assert_int_equal(add(fx, bare), 0);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_CLOSES), 2);
    assert_string_equal(inv_batch_array(fx->b, INV_OP_CLOSES, 2),
                        "{\"2024-05-01T10:00:00Z\",NULL}");
    assert_string_equal(inv_batch_array(fx->b, INV_OP_CLOSES, 4), "{\"done\",NULL}");
    assert_string_equal(inv_batch_array(fx->b, INV_OP_CLOSES, 5), "{\"3\",NULL}");
    assert_string_equal(inv_batch_array(fx->b, INV_OP_CLOSES, 6), "{\"1\",NULL}");
}

static void test_transfer_complete(void **state)
{
    fx_t *fx = *state;
    const char *ok = "{\"type\":\"transfer.complete\",\"version\":1,\"message_id\":\"m-9\","
                     "\"session_id\":\"s-1\",\"device_id\":\"OUI-SN\",\"command_key\":\"fw1\","
                     "\"fault\":{\"code\":0,\"string\":\"\"},"
                     "\"start_time\":\"0001-01-01T00:00:00Z\",\"complete_time\":\"junk\"}";
    const char *bad = "{\"type\":\"transfer.complete\",\"version\":1,\"message_id\":\"m-10\","
                      "\"session_id\":\"s-1\",\"device_id\":\"OUI-SN\",\"command_key\":\"fw2\","
                      "\"fault\":{\"code\":9010,\"string\":\"Download failed\"},"
                      "\"start_time\":\"2024-05-01T10:00:00Z\","
                      "\"complete_time\":\"2024-05-01T10:01:00Z\","
                      "\"received_at\":\"2024-05-01T10:01:02Z\"}";

    assert_int_equal(add(fx, ok), 0);
    assert_int_equal(fx->type, INV_MSG_TRANSFER_COMPLETE);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_EVENTS), 1);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_FAULTS), 0);
    assert_int_equal(add(fx, bad), 0);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_EVENTS), 2);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_FAULTS), 1);
    assert_string_equal(inv_batch_array(fx->b, INV_OP_EVENTS, 2),
                        "{\"7 TRANSFER COMPLETE\",\"7 TRANSFER COMPLETE\"}");
    assert_string_equal(inv_batch_array(fx->b, INV_OP_EVENTS, 4),
                        "{NULL,\"2024-05-01T10:01:02Z\"}");
    assert_string_equal(inv_batch_array(fx->b, INV_OP_FAULTS, 3), "{NULL}");
    assert_string_equal(inv_batch_array(fx->b, INV_OP_FAULTS, 4), "{\"TransferComplete\"}");
    assert_string_equal(inv_batch_array(fx->b, INV_OP_FAULTS, 5), "{\"9010\"}");
    assert_non_null(
        strstr(inv_batch_array(fx->b, INV_OP_FAULTS, 7), "\\\"command_key\\\":\\\"fw2\\\""));
}

static void test_reject_bad_json(void **state)
{
    fx_t *fx = *state;

    assert_int_equal(add(fx, INFORM), 0); /* rejections must not touch it */
    expect_reject(fx, "", INV_REJECT_BAD_JSON);
    expect_reject(fx, "not json", INV_REJECT_BAD_JSON);
    expect_reject(fx, "{\"type\":\"inform\"", INV_REJECT_BAD_JSON);
    expect_reject(fx, "[1,2]", INV_REJECT_BAD_JSON);
    expect_reject(fx, "\"inform\"", INV_REJECT_BAD_JSON);
    expect_reject(fx, "{\"type\":\"inform\",\"type\":\"inform\"}", INV_REJECT_BAD_JSON);
    /* Embedded NUL in a string: refused by the parser, never reaches SQL. */
    expect_reject(fx, "{\"type\":\"in\\u0000form\"}", INV_REJECT_BAD_JSON);
}

static void test_reject_too_large(void **state)
{
    fx_t *fx = *state;
    size_t n = INV_MSG_MAX_BODY + 1;
    char *big = malloc(n);

    memset(big, ' ', n);
    assert_int_equal(inv_msg_add(fx->b, big, n, &fx->type, &fx->reason, fx->err, sizeof fx->err),
                     -1);
    assert_int_equal(fx->reason, INV_REJECT_TOO_LARGE);
    free(big);
}

static void test_reject_head(void **state)
{
    fx_t *fx = *state;

    expect_reject(fx, "{\"type\":\"reboot\",\"version\":1}", INV_REJECT_UNKNOWN_TYPE);
    expect_reject(fx, "{\"type\":\"\",\"version\":1}", INV_REJECT_BAD_FIELD);
    expect_reject(fx, "{\"type\":7}", INV_REJECT_BAD_FIELD);
    expect_reject(fx, "{\"version\":1}", INV_REJECT_MISSING_FIELD);
    expect_reject(fx, "{\"type\":\"session.closed\",\"version\":2}", INV_REJECT_BAD_VERSION);
    expect_reject(fx, "{\"type\":\"session.closed\"}", INV_REJECT_MISSING_FIELD);
    expect_reject(fx, "{\"type\":\"session.closed\",\"version\":\"1\"}", INV_REJECT_BAD_FIELD);
    expect_reject(fx, "{\"type\":\"session.closed\",\"version\":1,\"device_id\":\"A-B\"}",
                  INV_REJECT_MISSING_FIELD);
    expect_reject(
        fx,
        "{\"type\":\"session.closed\",\"version\":1,\"message_id\":\"m\","
        "\"device_id\":\"A.B\",\"session_id\":\"s\",\"ended_at\":\"2024-05-01T10:00:02Z\"}",
        INV_REJECT_BAD_FIELD);
    expect_reject(
        fx,
        "{\"type\":\"session.closed\",\"version\":1,\"message_id\":\"m x\","
        "\"device_id\":\"A-B\",\"session_id\":\"s\",\"ended_at\":\"2024-05-01T10:00:02Z\"}",
        INV_REJECT_BAD_FIELD);
}

static void test_reject_inform_fields(void **state)
{
    fx_t *fx = *state;
    const char *head =
        "{\"type\":\"inform\",\"version\":1,\"message_id\":\"m\",\"device_id\":\"O-S\",";
    const char *dev = "\"device\":{\"oui\":\"O\",\"serial_number\":\"S\"},";
    const char *ts = "\"received_at\":\"2024-05-01T10:00:00Z\"";
    char m[1024];

    assert_int_equal(add(fx, INFORM), 0);
    snprintf(m, sizeof m, "%s\"session_id\":\"s 1\",%s\"events\":[],%s}", head, dev, ts);
    expect_reject(fx, m, INV_REJECT_BAD_FIELD); /* session_id with a space */
    snprintf(m, sizeof m, "%s\"session_id\":\"s\",\"events\":[],%s}", head, ts);
    expect_reject(fx, m, INV_REJECT_MISSING_FIELD); /* device */
    snprintf(m, sizeof m,
             "%s\"session_id\":\"s\",\"device\":{\"serial_number\":\"S\"},\"events\":[],%s}", head,
             ts);
    expect_reject(fx, m, INV_REJECT_MISSING_FIELD); /* device.oui */
    assert_non_null(strstr(fx->err, "device: "));
    snprintf(m, sizeof m, "%s\"session_id\":\"s\",%s%s}", head, dev, ts);
    expect_reject(fx, m, INV_REJECT_MISSING_FIELD); /* events */
    snprintf(m, sizeof m, "%s\"session_id\":\"s\",%s\"events\":[]}", head, dev);
    expect_reject(fx, m, INV_REJECT_MISSING_FIELD); /* received_at */
    snprintf(m, sizeof m, "%s\"session_id\":\"s\",%s\"events\":{},%s}", head, dev, ts);
    expect_reject(fx, m, INV_REJECT_BAD_FIELD);
    snprintf(m, sizeof m, "%s\"session_id\":\"s\",%s\"events\":[{\"command_key\":\"\"}],%s}", head,
             dev, ts);
    expect_reject(fx, m, INV_REJECT_MISSING_FIELD);
    assert_non_null(strstr(fx->err, "events[0]: "));
    snprintf(m, sizeof m,
             "%s\"session_id\":\"s\",%s\"events\":[],\"received_at\":\"2024-02-30T10:00:00Z\"}",
             head, dev);
    expect_reject(fx, m, INV_REJECT_BAD_FIELD);
    /* A bad second parameter after a good one: the good row must go too. */
    snprintf(m, sizeof m,
             "%s\"session_id\":\"s\",%s\"events\":[{\"code\":\"1 BOOT\"}],%s,\"parameters\":["
             "{\"name\":\"Device.A\",\"value\":\"1\"},{\"name\":\"Device.B\",\"value\":7}]}",
             head, dev, ts);
    expect_reject(fx, m, INV_REJECT_BAD_FIELD);
    assert_non_null(strstr(fx->err, "parameters[1]: "));
    snprintf(m, sizeof m,
             "%s\"session_id\":\"s\",%s\"events\":[],%s,\"parameters\":[{\"value\":\"1\"}]}", head,
             dev, ts);
    expect_reject(fx, m, INV_REJECT_MISSING_FIELD);
}

static void test_reject_other_fields(void **state)
{
    fx_t *fx = *state;

    expect_reject(fx,
                  "{\"type\":\"rpc.result\",\"version\":1,\"message_id\":\"m\",\"id\":\"r 1\","
                  "\"device_id\":\"O-S\",\"session_id\":\"s\",\"method\":\"Reboot\","
                  "\"status\":\"ok\",\"completed_at\":\"2024-05-01T10:00:01Z\"}",
                  INV_REJECT_BAD_FIELD);
    expect_reject(fx,
                  "{\"type\":\"rpc.result\",\"version\":1,\"message_id\":\"m\",\"id\":\"r1\","
                  "\"device_id\":\"O-S\",\"session_id\":\"s\",\"method\":\"Reboot\","
                  "\"status\":\"maybe\",\"completed_at\":\"2024-05-01T10:00:01Z\"}",
                  INV_REJECT_BAD_FIELD);
    expect_reject(fx,
                  "{\"type\":\"rpc.result\",\"version\":1,\"message_id\":\"m\",\"id\":\"r1\","
                  "\"device_id\":\"O-S\",\"session_id\":\"s\",\"method\":\"Reboot\","
                  "\"status\":\"fault\",\"completed_at\":\"2024-05-01T10:00:01Z\"}",
                  INV_REJECT_MISSING_FIELD);
    expect_reject(fx,
                  "{\"type\":\"rpc.result\",\"version\":1,\"message_id\":\"m\",\"id\":\"r1\","
                  "\"device_id\":\"O-S\",\"session_id\":\"s\",\"method\":\"Reboot\","
                  "\"status\":\"fault\",\"fault\":{\"code\":-1},"
                  "\"completed_at\":\"2024-05-01T10:00:01Z\"}",
                  INV_REJECT_BAD_FIELD);
    expect_reject(fx,
                  "{\"type\":\"rpc.result\",\"version\":1,\"message_id\":\"m\",\"id\":\"r1\","
                  "\"device_id\":\"O-S\",\"session_id\":\"s\",\"method\":\"GetParameterValues\","
                  "\"status\":\"ok\",\"result\":{\"parameters\":\"x\"},"
                  "\"completed_at\":\"2024-05-01T10:00:01Z\"}",
                  INV_REJECT_BAD_FIELD);
    expect_reject(fx,
                  "{\"type\":\"rpc.result\",\"version\":1,\"message_id\":\"m\",\"id\":\"r1\","
                  "\"device_id\":\"O-S\",\"session_id\":\"s\",\"method\":\"Reboot\","
                  "\"status\":\"ok\"}",
                  INV_REJECT_MISSING_FIELD);
    expect_reject(fx,
                  "{\"type\":\"session.closed\",\"version\":1,\"message_id\":\"m\","
                  "\"device_id\":\"O-S\",\"session_id\":\"s\",\"ended_at\":\"yesterday\"}",
                  INV_REJECT_BAD_FIELD);
    expect_reject(
        fx,
        "{\"type\":\"session.closed\",\"version\":1,\"message_id\":\"m\","
        "\"device_id\":\"O-S\",\"session_id\":\"s\",\"ended_at\":\"2024-05-01T10:00:02Z\","
        "\"rpcs\":1.5}",
        INV_REJECT_BAD_FIELD);
    expect_reject(fx,
                  "{\"type\":\"transfer.complete\",\"version\":1,\"message_id\":\"m\","
                  "\"device_id\":\"O-S\",\"session_id\":\"s\",\"fault\":{\"string\":\"x\"}}",
                  INV_REJECT_MISSING_FIELD);
    expect_reject(fx,
                  "{\"type\":\"transfer.complete\",\"version\":1,\"message_id\":\"m\","
                  "\"device_id\":\"O-S\",\"session_id\":\"s\",\"fault\":[]}",
                  INV_REJECT_BAD_FIELD);
}

static void test_timestamps(void **state)
{
    (void)state;
    assert_true(inv_msg_timestamp_valid("2024-05-01T12:00:00Z"));
    assert_true(inv_msg_timestamp_valid("2024-05-01t12:00:00.123456789z"));
    assert_true(inv_msg_timestamp_valid("2024-02-29 23:59:60+14:00"));
    assert_true(inv_msg_timestamp_valid("0001-01-01T00:00:00-00:30"));
    assert_false(inv_msg_timestamp_valid(NULL));
    assert_false(inv_msg_timestamp_valid(""));
    assert_false(inv_msg_timestamp_valid("2024-05-01T12:00:00"));
    assert_false(inv_msg_timestamp_valid("2023-02-29T12:00:00Z"));
    assert_false(inv_msg_timestamp_valid("2024-13-01T12:00:00Z"));
    assert_false(inv_msg_timestamp_valid("0000-01-01T12:00:00Z"));
    assert_false(inv_msg_timestamp_valid("2024-05-01T24:00:00Z"));
    assert_false(inv_msg_timestamp_valid("2024-05-01T12:00:00.Z"));
    assert_false(inv_msg_timestamp_valid("2024-05-01T12:00:00.1234567890Z"));
    assert_false(inv_msg_timestamp_valid("2024-05-01T12:00:00+0200"));
    assert_false(inv_msg_timestamp_valid("2024-05-01T12:00:00Z\n"));
    assert_false(inv_msg_timestamp_valid("2024-5-01T12:00:00Z"));
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(inv_msg_reject_name(INV_REJECT_UNKNOWN_TYPE), "unknown-type");
    assert_string_equal(inv_msg_reject_name(INV_REJECT_DATA_ERROR), "data-error");
    assert_string_equal(inv_msg_reject_name(INV_REJECT_COUNT), "unknown");
    assert_string_equal(inv_msg_type_name(INV_MSG_RPC_RESULT), "rpc.result");
    assert_string_equal(inv_msg_type_name(INV_MSG_TRANSFER_COMPLETE), "transfer.complete");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_empty_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inform, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inform_bootstrap_minimal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inform_without_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inform_bad_interval_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rpc_result_gpv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rpc_result_spv_and_failed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rpc_result_fault, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_closed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transfer_complete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reject_bad_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reject_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reject_head, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reject_inform_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reject_other_fields, setup, teardown),
        cmocka_unit_test(test_timestamps),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
