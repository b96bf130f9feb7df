/* Unit tests for inv_msg_cpe: CPE requests (cpe_requests), transfers from
 * rpc.result and the completions (transfers), and every way such a message
 * is refused. The proto-json examples of these types must all be accepted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "inv_msg.h"
#include "inv_msg_cpe.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEAD(type)                                                                                 \
    "{\"type\":\"" type "\",\"version\":1,\"message_id\":\"m-1\",\"device_id\":\"O-S\","
#define SID "\"session_id\":\"s-1\","
#define AT "\"received_at\":\"2024-05-02T08:30:00.512Z\""

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
    free(fx);
    return 0;
}

static int add(fx_t *fx, const char *body)
{
    return inv_msg_add(fx->b, body, strlen(body), &fx->type, &fx->reason, fx->err, sizeof fx->err);
}

static void expect_reject(fx_t *fx, const char *body, inv_reject_t reason, const char *in_err)
{
    size_t rows = inv_batch_total_rows(fx->b);

    if (add(fx, body) == 0)
        fail_msg("accepted: %s", body);
    if (fx->reason != reason)
        fail_msg("reason %s (%s), wanted %s, for %s", inv_msg_reject_name(fx->reason), fx->err,
                 inv_msg_reject_name(reason), body);
    if (in_err && !strstr(fx->err, in_err))
        fail_msg("error \"%s\" does not mention \"%s\"", fx->err, in_err);
    assert_int_equal(inv_batch_total_rows(fx->b), rows);
}

static const char *col(fx_t *fx, inv_op_t op, int c)
{
    return inv_batch_array(fx->b, op, c);
}

/* ---- CPE requests ---- */

static void test_kicked_body_without_envelope(void **state)
{
    fx_t *fx = *state;
    const char *m = HEAD("kicked") SID "\"command\":\"activate\",\"referer\":\"http://x/\","
                                       "\"arg\":\"a=1\",\"next\":\"http://x/done\","
                                       "\"gateway\":\"gw-1\",\"extra\":{\"z\":1}," AT "}";

    assert_int_equal(add(fx, m), 0);
    assert_int_equal(fx->type, INV_MSG_KICKED);
    assert_int_equal(inv_batch_total_rows(fx->b), 1);
    assert_string_equal(col(fx, INV_OP_CPEREQS, 0), "{\"m-1\"}");
    assert_string_equal(col(fx, INV_OP_CPEREQS, 2), "{\"s-1\"}");
    assert_string_equal(col(fx, INV_OP_CPEREQS, 3), "{\"Kicked\"}");
    /* The body keeps what the CPE said (and unknown fields), not the envelope. */
    assert_string_equal(col(fx, INV_OP_CPEREQS, 4),
                        "{\"{\\\"arg\\\":\\\"a=1\\\",\\\"command\\\":\\\"activate\\\","
                        "\\\"extra\\\":{\\\"z\\\":1},\\\"next\\\":\\\"http://x/done\\\","
                        "\\\"referer\\\":\\\"http://x/\\\"}\"}");
    assert_string_equal(col(fx, INV_OP_CPEREQS, 5), "{\"2024-05-02T08:30:00.512Z\"}");
}

static void test_each_request_type_and_method(void **state)
{
    fx_t *fx = *state;
    const char *du = HEAD("du.state.change.complete") SID
        "\"command_key\":\"du-1\",\"results\":[{\"uuid\":\"u\",\"deployment_unit_ref\":\"D.1.\","
        "\"version\":\"1\",\"current_state\":\"Installed\",\"resolved\":true,"
        "\"execution_unit_refs\":\"\",\"start_time\":\"x\",\"complete_time\":\"y\","
        "\"fault\":{\"code\":0,\"string\":\"\"}}]}";
    const char *adu = HEAD("autonomous.du.state.change.complete") SID
        "\"results\":[{\"operation_performed\":\"Install\",\"fault\":{\"code\":9003}}]}";
    const char *rd = HEAD("request.download") SID
        "\"file_type\":\"1 Firmware Upgrade Image\",\"file_type_args\":[]}";

    assert_int_equal(add(fx, du), 0);
    assert_int_equal(fx->type, INV_MSG_DU_STATE_CHANGE_COMPLETE);
    assert_int_equal(add(fx, adu), 0);
    assert_int_equal(fx->type, INV_MSG_AUTONOMOUS_DU_STATE_CHANGE_COMPLETE);
    assert_int_equal(add(fx, rd), 0);
    assert_int_equal(fx->type, INV_MSG_REQUEST_DOWNLOAD);
    assert_string_equal(col(fx, INV_OP_CPEREQS, 3), "{\"DUStateChangeComplete\","
                                                    "\"AutonomousDUStateChangeComplete\","
                                                    "\"RequestDownload\"}");
    /* received_at absent: NULL, the database writes now(). */
    assert_string_equal(col(fx, INV_OP_CPEREQS, 5), "{NULL,NULL,NULL}");
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_XFER_AUTO), 0);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_FAULTS), 0);
}

static void test_autonomous_transfer(void **state)
{
    fx_t *fx = *state;
    const char *ok = HEAD("autonomous.transfer.complete") SID
        "\"announce_url\":\"\",\"transfer_url\":\"http://user:p@ss@files.example/f.bin\","
        "\"is_download\":false,\"file_type\":\"2 Vendor Log File\",\"file_size\":42,"
        "\"target_file_name\":\"\",\"fault\":{\"code\":0,\"string\":\"\"},"
        "\"start_time\":\"2024-05-02T03:00:00Z\",\"complete_time\":\"2024-05-02T03:02:11Z\"," AT
        "}";
    const char *bad = HEAD("autonomous.transfer.complete") SID
        "\"transfer_url\":\"ftp://l.example/x.log\",\"is_download\":true,\"file_type\":\"X 1 y\","
        "\"fault\":{\"code\":9010,\"string\":\"nope\"}}";

    assert_int_equal(add(fx, ok), 0);
    assert_int_equal(fx->type, INV_MSG_AUTONOMOUS_TRANSFER_COMPLETE);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_XFER_AUTO), 1);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_CPEREQS), 1);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_FAULTS), 0);
    assert_string_equal(col(fx, INV_OP_XFER_AUTO, 3), "{\"f\"}");
    /* The password never reaches a row. */
    assert_string_equal(col(fx, INV_OP_XFER_AUTO, 5), "{\"http://files.example/f.bin\"}");
    assert_null(strstr(col(fx, INV_OP_CPEREQS, 4), "ss@"));
    assert_non_null(strstr(col(fx, INV_OP_CPEREQS, 4), "http://files.example/f.bin"));
    assert_string_equal(col(fx, INV_OP_XFER_AUTO, 6), "{\"42\"}");
    assert_string_equal(col(fx, INV_OP_XFER_AUTO, 8), "{\"0\"}");

    assert_int_equal(add(fx, bad), 0);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_FAULTS), 1);
    assert_string_equal(col(fx, INV_OP_FAULTS, 4), "{\"AutonomousTransferComplete\"}");
    assert_string_equal(col(fx, INV_OP_FAULTS, 5), "{\"9010\"}");
    assert_string_equal(col(fx, INV_OP_XFER_AUTO, 6), "{\"42\",NULL}");
    assert_string_equal(col(fx, INV_OP_XFER_AUTO, 12), "{\"2024-05-02T08:30:00.512Z\",NULL}");
}

static void test_cpe_requests_rejected(void **state)
{
    fx_t *fx = *state;
    const char *atc = HEAD("autonomous.transfer.complete") SID "\"transfer_url\":\"u\","
                                                               "\"file_type\":\"t\",";

    expect_reject(fx, HEAD("kicked") "\"command\":\"x\"}", INV_REJECT_MISSING_FIELD, "session_id");
    expect_reject(fx, HEAD("kicked") SID "\"next\":7}", INV_REJECT_BAD_FIELD, "next");
    expect_reject(fx, HEAD("kicked") SID "\"received_at\":\"today\"}", INV_REJECT_BAD_FIELD,
                  "received_at");
    expect_reject(fx, HEAD("request.download") SID "\"file_type_args\":[]}",
                  INV_REJECT_MISSING_FIELD, "file_type");
    expect_reject(fx, HEAD("request.download") SID "\"file_type\":\"t\",\"file_type_args\":{}}",
                  INV_REJECT_BAD_FIELD, "file_type_args");
    expect_reject(fx,
                  HEAD("request.download") SID
                  "\"file_type\":\"t\",\"file_type_args\":[{\"name\":\"a\",\"value\":1}]}",
                  INV_REJECT_BAD_FIELD, "file_type_args[0]");
    expect_reject(fx, HEAD("du.state.change.complete") SID "\"command_key\":\"\"}",
                  INV_REJECT_MISSING_FIELD, "results");
    expect_reject(fx, HEAD("du.state.change.complete") SID "\"results\":[{\"resolved\":\"yes\"}]}",
                  INV_REJECT_BAD_FIELD, "results[0]");
    expect_reject(fx,
                  HEAD("du.state.change.complete") SID
                  "\"results\":[{},{\"execution_unit_refs\":[\"a\"]}]}",
                  INV_REJECT_BAD_FIELD, "results[1]");
    expect_reject(fx, HEAD("autonomous.du.state.change.complete") SID "\"results\":[7]}",
                  INV_REJECT_BAD_FIELD, "results[0]");
    expect_reject(fx,
                  HEAD("autonomous.du.state.change.complete") SID
                  "\"results\":[{\"fault\":{\"code\":\"9001\"}}]}",
                  INV_REJECT_BAD_FIELD, "fault");
    char m[512];
    snprintf(m, sizeof m, "%s\"is_download\":\"true\"}", atc);
    expect_reject(fx, m, INV_REJECT_BAD_FIELD, "is_download");
    snprintf(m, sizeof m, "%s\"file_size\":5}", atc);
    expect_reject(fx, m, INV_REJECT_MISSING_FIELD, "is_download");
    snprintf(m, sizeof m, "%s\"is_download\":true,\"file_size\":-1}", atc);
    expect_reject(fx, m, INV_REJECT_BAD_FIELD, "file_size");
    snprintf(m, sizeof m, "%s\"is_download\":true,\"fault\":{\"string\":\"x\"}}", atc);
    expect_reject(fx, m, INV_REJECT_MISSING_FIELD, "fault");
    expect_reject(
        fx, HEAD("autonomous.transfer.complete") SID "\"is_download\":true,\"file_type\":\"t\"}",
        INV_REJECT_MISSING_FIELD, "transfer_url");
}

/* ---- transfers from rpc.result ---- */

#define RPC(method, status)                                                                        \
    "{\"type\":\"rpc.result\",\"version\":1,\"message_id\":\"m-2\",\"id\":\"r-1\","                \
    "\"device_id\":\"O-S\",\"session_id\":\"s-1\",\"method\":\"" method "\",\"status\":\"" status  \
    "\",\"completed_at\":\"2024-05-01T10:00:05Z\","

static void test_rpc_download_pending(void **state)
{
    fx_t *fx = *state;
    const char *m = RPC("Download", "ok") "\"result\":{\"status\":1,\"start_time\":\"a\","
                                          "\"complete_time\":\"b\"},\"command_key\":\"fw-1\","
                                          "\"transfer\":{\"is_download\":true,"
                                          "\"file_type\":\"1 Firmware Upgrade Image\","
                                          "\"url\":\"http://u:pw@f.example/fw.bin\","
                                          "\"file_size\":7,\"target_file_name\":\"fw.bin\"}}";

    assert_int_equal(add(fx, m), 0);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_RPCS), 1);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_XFER_RESULTS), 1);
    const char *want[17] = {"{\"r-1\"}",
                            "{\"O-S\"}",
                            "{\"s-1\"}",
                            "{\"fw-1\"}",
                            "{\"Download\"}",
                            "{\"t\"}",
                            "{\"1 Firmware Upgrade Image\"}",
                            "{\"http://f.example/fw.bin\"}",
                            "{\"7\"}",
                            "{\"fw.bin\"}",
                            "{\"pending\"}",
                            "{NULL}",
                            "{NULL}",
                            "{\"a\"}",
                            "{\"b\"}",
                            "{\"2024-05-01T10:00:05Z\"}",
                            "{\"0\"}"};
    for (int c = 0; c < 17; c++)
        assert_string_equal(col(fx, INV_OP_XFER_RESULTS, c), want[c]);
}

static void test_rpc_transfer_states(void **state)
{
    fx_t *fx = *state;
    /* status 0: already done. command_key and transfer inside result are
     * accepted too. Upload without is_download: an upload. */
    const char *done = RPC("Upload", "ok") "\"result\":{\"status\":0,\"command_key\":\"up\","
                                           "\"transfer\":{\"url\":\"http://h/upload/O-S/c\"}}}";
    const char *sched =
        RPC("ScheduleDownload",
            "ok") "\"result\":{},\"transfer\":{\"is_download\":true,\"time_windows\":["
                  "{\"window_start\":0,\"window_end\":60},{\"window_start\":100,\"window_end\":"
                  "3600}]}}";
    const char *fault = RPC(
        "Download",
        "fault") "\"fault\":{\"faultcode\":\"Server\",\"code\":9013,\"string\":\"Unsupported\"}}";
    const char *failed = RPC("Download", "failed") "\"reason\":\"invalid-request\","
                                                   "\"detail\":\"url is missing\"}";
    const char *other = RPC("Reboot", "ok") "\"result\":{},\"command_key\":\"rb\"}";

    assert_int_equal(add(fx, done), 0);
    assert_int_equal(add(fx, sched), 0);
    assert_int_equal(add(fx, fault), 0);
    assert_int_equal(add(fx, failed), 0);
    assert_int_equal(add(fx, other), 0);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_RPCS), 5);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_XFER_RESULTS), 4);
    assert_string_equal(col(fx, INV_OP_XFER_RESULTS, 10),
                        "{\"completed\",\"pending\",\"failed\",\"failed\"}");
    assert_string_equal(col(fx, INV_OP_XFER_RESULTS, 3), "{\"up\",\"\",\"\",\"\"}");
    assert_string_equal(col(fx, INV_OP_XFER_RESULTS, 5), "{\"f\",\"t\",\"t\",\"t\"}");
    assert_string_equal(col(fx, INV_OP_XFER_RESULTS, 11), "{NULL,NULL,\"9013\",NULL}");
    assert_string_equal(col(fx, INV_OP_XFER_RESULTS, 12),
                        "{NULL,NULL,\"Unsupported\",\"invalid-request: url is missing\"}");
    assert_string_equal(col(fx, INV_OP_XFER_RESULTS, 16), "{\"0\",\"3600\",\"0\",\"0\"}");
}

static void test_rpc_transfer_rejected(void **state)
{
    fx_t *fx = *state;

    expect_reject(fx, RPC("Download", "ok") "\"result\":{\"status\":1},\"command_key\":5}",
                  INV_REJECT_BAD_FIELD, "command_key");
    expect_reject(fx, RPC("Download", "ok") "\"result\":{\"status\":1},\"transfer\":[]}",
                  INV_REJECT_BAD_FIELD, "transfer");
    expect_reject(fx,
                  RPC("Upload", "ok") "\"result\":{\"status\":1},"
                                      "\"transfer\":{\"is_download\":\"no\"}}",
                  INV_REJECT_BAD_FIELD, "transfer: ");
    expect_reject(fx,
                  RPC("Download", "ok") "\"result\":{\"status\":1},"
                                        "\"transfer\":{\"file_size\":-4}}",
                  INV_REJECT_BAD_FIELD, "file_size");
    expect_reject(fx, RPC("Upload", "ok") "\"result\":{\"status\":2}}", INV_REJECT_BAD_FIELD,
                  "result: ");
    expect_reject(fx,
                  RPC("ScheduleDownload", "ok") "\"result\":{},"
                                                "\"transfer\":{\"time_windows\":[{\"window_end\":"
                                                "\"soon\"}]}}",
                  INV_REJECT_BAD_FIELD, "time_windows[0]");
    /* Nothing of the rejected messages stayed, not even their rpc_results row. */
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_RPCS), 0);
}

static void test_transfer_complete_done_row(void **state)
{
    fx_t *fx = *state;
    const char *m = "{\"type\":\"transfer.complete\",\"version\":1,\"message_id\":\"m-9\","
                    "\"session_id\":\"s-1\",\"device_id\":\"O-S\",\"command_key\":\"fw1\","
                    "\"fault\":{\"code\":9010,\"string\":\"Download failed\"},"
                    "\"start_time\":\"s\",\"complete_time\":\"c\"}";

    assert_int_equal(add(fx, m), 0);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_XFER_DONE), 1);
    const char *want[9] = {"{\"m-9\"}", "{\"O-S\"}",  "{\"s-1\"}",
                           "{\"fw1\"}", "{\"9010\"}", "{\"Download failed\"}",
                           "{\"s\"}",   "{\"c\"}",    "{NULL}"};
    for (int c = 0; c < 9; c++)
        assert_string_equal(col(fx, INV_OP_XFER_DONE, c), want[c]);
}

static void test_strip_userinfo(void **state)
{
    char out[256];
    (void)state;

    inv_msg_cpe_strip_userinfo("http://u:p@h:80/a@b?x=@#@", out, sizeof out);
    assert_string_equal(out, "http://h:80/a@b?x=@#@");
    inv_msg_cpe_strip_userinfo("ftp://a@b@c/x", out, sizeof out);
    assert_string_equal(out, "ftp://c/x");
    inv_msg_cpe_strip_userinfo("https://h/x", out, sizeof out);
    assert_string_equal(out, "https://h/x");
    inv_msg_cpe_strip_userinfo("not a url @ all", out, sizeof out);
    assert_string_equal(out, "not a url @ all");
    inv_msg_cpe_strip_userinfo("/rel/x://u@h", out, sizeof out);
    assert_string_equal(out, "/rel/x://u@h");
    inv_msg_cpe_strip_userinfo("http://u@", out, sizeof out);
    assert_string_equal(out, "http://");
    inv_msg_cpe_strip_userinfo("http://h/x", out, 5);
    assert_string_equal(out, "http");
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(inv_msg_type_name(INV_MSG_KICKED), "kicked");
    assert_string_equal(inv_msg_type_name(INV_MSG_AUTONOMOUS_DU_STATE_CHANGE_COMPLETE),
                        "autonomous.du.state.change.complete");
    assert_int_equal(inv_batch_ncols(INV_OP_XFER_RESULTS), 17);
    assert_int_equal(inv_batch_ncols(INV_OP_XFER_DONE), 9);
    assert_int_equal(inv_batch_ncols(INV_OP_XFER_AUTO), 13);
    assert_int_equal(inv_batch_ncols(INV_OP_CPEREQS), 6);
    assert_true(inv_msg_cpe_is_transfer("ScheduleDownload"));
    assert_false(inv_msg_cpe_is_transfer("ChangeDUState"));
}

/* ---- the proto-json examples ---- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        *len = fread(buf, 1, (size_t)n, f);
        buf[*len] = '\0';
    }
    fclose(f);
    return buf;
}

/* Feed every example of dir (under proto-json/examples) to the batch;
 * returns how many were accepted, failing on any rejection. */
static int examples(fx_t *fx, const char *dir)
{
    const char *root = getenv("HALYARD_PROTO_DIR") ? getenv("HALYARD_PROTO_DIR") : "proto-json";
    char path[1024];
    struct dirent *e;
    int n = 0;
    DIR *d;

    snprintf(path, sizeof path, "%s/examples/%s", root, dir);
    d = opendir(path);
    if (!d)
        fail_msg("%s: cannot open (run from the repository root)", path);
    while ((e = readdir(d)) != NULL) {
        size_t len = 0;
        char *body;
        if (!strstr(e->d_name, ".json"))
            continue;
        snprintf(path, sizeof path, "%s/examples/%s/%s", root, dir, e->d_name);
        body = slurp(path, &len);
        assert_non_null(body);
        if (inv_msg_add(fx->b, body, len, &fx->type, &fx->reason, fx->err, sizeof fx->err) != 0)
            fail_msg("%s rejected: %s (%s)", path, inv_msg_reject_name(fx->reason), fx->err);
        free(body);
        n++;
    }
    closedir(d);
    return n;
}

static void test_proto_examples_accepted(void **state)
{
    fx_t *fx = *state;
    static const char *const dirs[] = {
        "autonomous-transfer-complete",
        "du-state-change-complete",
        "autonomous-du-state-change-complete",
        "request-download",
        "kicked",
    };
    int n = 0;

    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        n += examples(fx, dirs[i]);
    assert_true(n >= 5);
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_CPEREQS), (size_t)n);
    assert_true(inv_batch_rows(fx->b, INV_OP_XFER_AUTO) >= 1);
    inv_batch_reset(fx->b);
    n = examples(fx, "rpc-result");
    assert_int_equal(inv_batch_rows(fx->b, INV_OP_RPCS), (size_t)n);
    /* download-ok-later, upload-ok-done, schedule-download-ok, the fault
     * and the failed Download at least. */
    assert_true(inv_batch_rows(fx->b, INV_OP_XFER_RESULTS) >= 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_kicked_body_without_envelope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each_request_type_and_method, setup, teardown),
        cmocka_unit_test_setup_teardown(test_autonomous_transfer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cpe_requests_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rpc_download_pending, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rpc_transfer_states, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rpc_transfer_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transfer_complete_done_row, setup, teardown),
        cmocka_unit_test(test_strip_userinfo),
        cmocka_unit_test(test_names),
        cmocka_unit_test_setup_teardown(test_proto_examples_accepted, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
