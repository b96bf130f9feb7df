/* ctl_cmd_bulk: an RPC command over every device a filter selects, paced
 * at --rate per second, with progress on stderr and a summary on stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acs_util.h"
#include "ctl_cmd.h"
#include "ctl_query.h"
#include "ctl_result.h"
#include "ctl_rpc.h"
#include "ctl_table.h"

/* Progress lines on stderr at most this often. */
#define PROGRESS_MS 2000

typedef struct {
    char **ids; /* device ids selected */
    size_t n;
    json_t *rows; /* per device: {device_id, id, queued, error?} */
    json_t *want; /* RPC id -> result (null until it arrives) */
    size_t queued, refused;
    int broker_lost;
    const char *method;
    char reply_q[256];
} bulk_t;

static void bulk_free(bulk_t *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->ids[i]);
    free(b->ids);
    json_decref(b->rows);
    json_decref(b->want);
}

static int select_devices(ctl_ctx_t *c, bulk_t *b)
{
    acs_buf_t sql = ACS_BUF_INIT;
    ctl_qparams_t p = {0};
    char err[512];
    PGresult *res = NULL;
    int rc = CTL_EXIT_OK;

    if (ctl_query_device_ids(&c->cl->filter, c->cl->filter.limit, &sql, &p, err, sizeof err)) {
        rc = ctl_fail(CTL_EXIT_USAGE, "%s", err);
        goto out;
    }
    if (!(res = ctl_ctx_query(c, sql.data, p.n, (const char *const *)p.v))) {
        rc = CTL_EXIT_UNREACHABLE;
        goto out;
    }
    b->n = (size_t)PQntuples(res);
    b->ids = acs_xcalloc(b->n + 1, sizeof(char *));
    for (size_t i = 0; i < b->n; i++)
        b->ids[i] = acs_xstrdup(PQgetvalue(res, (int)i, 0));
    if (b->n == 0)
        rc = ctl_fail(CTL_EXIT_UNKNOWN, "no device matches the filter");
out:
    PQclear(res);
    acs_buf_free(&sql);
    ctl_qparams_free(&p);
    return rc;
}

static void sleep_until(int64_t t_ms)
{
    int64_t now = acs_now_mono_ms();
    if (t_ms <= now)
        return;
    struct timespec ts = {(time_t)((t_ms - now) / 1000), (long)((t_ms - now) % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void progress(ctl_ctx_t *c, bulk_t *b, int64_t *last, int force)
{
    int64_t now = acs_now_mono_ms();
    if (!force && now - *last < PROGRESS_MS)
        return;
    *last = now;
    fprintf(stderr, "acsctl: %s: %zu/%zu queued, %zu failed\n", c->cl->cmd, b->queued, b->n,
            b->refused);
}

/* Queue the RPC for device i; returns -1 when the broker is gone. */
static int queue_device(ctl_ctx_t *c, bulk_t *b, size_t i, const ctl_catalogue_t *cat)
{
    char rpc_id[64], err[1024];
    ctl_rpc_env_t env = {b->ids[i],
                         rpc_id,
                         &c->cfg,
                         (int64_t)time(NULL),
                         cat->file_type[0] ? cat->file_type : NULL,
                         cat->file_size};
    json_t *params = NULL, *row;
    int rc;

    ctl_rpc_new_id(rpc_id);
    row = json_pack("{s:s, s:s, s:b}", "device_id", b->ids[i], "id", rpc_id, "queued", 0);
    json_array_append_new(b->rows, row);
    if (ctl_rpc_build(c->cl, c->cl->pos, c->cl->npos, &env, &b->method, &params, err, sizeof err) !=
        0) {
        rc = CTL_AMQP_REFUSED; /* this device only (e.g. its upload URL is too long) */
    } else {
        rc = ctl_cmd_send(c, b->ids[i], rpc_id, b->method, params, c->cl->wait ? b->reply_q : NULL,
                          err, sizeof err);
    }
    json_decref(params);
    if (rc == 0) {
        b->queued++;
        json_object_set_new(row, "queued", json_true());
        json_object_set_new(b->want, rpc_id, json_null());
        return 0;
    }
    b->refused++;
    json_object_set_new(row, "error", json_string(err));
    if (rc < 0) {
        b->broker_lost = 1;
        ctl_fail(CTL_EXIT_UNREACHABLE, "%s", err);
        return -1;
    }
    return 0;
}

static int queue_all(ctl_ctx_t *c, bulk_t *b, const ctl_catalogue_t *cat)
{
    char err[1024];
    int64_t t0, last = 0;
    int rc;

    if ((rc = ctl_ctx_amqp(c)) != CTL_EXIT_OK)
        return rc;
    if (c->cl->wait &&
        ctl_amqp_temp_queue(c->amqp, b->reply_q, sizeof b->reply_q, err, sizeof err) != 0)
        return ctl_fail(CTL_EXIT_UNREACHABLE, "%s", err);
    fprintf(stderr, "acsctl: %s: %zu devices at %g/s\n", c->cl->cmd, b->n, c->cl->rate);
    t0 = acs_now_mono_ms();
    for (size_t i = 0; i < b->n; i++) {
        sleep_until(t0 + (int64_t)((double)i * 1000.0 / c->cl->rate));
        if (queue_device(c, b, i, cat) != 0)
            break;
        progress(c, b, &last, 0);
    }
    progress(c, b, &last, 1);
    return CTL_EXIT_OK;
}

typedef struct {
    size_t ok, fault, failed, timeout;
} tally_t;

/* The outcome of one device's row as a word, and its line for people. */
static const char *outcome(const bulk_t *b, json_t *row, char *line, size_t n)
{
    json_t *r;
    if (!json_is_true(json_object_get(row, "queued"))) {
        snprintf(line, n, "not queued: %s", json_string_value(json_object_get(row, "error")));
        return "not-queued";
    }
    r = json_object_get(b->want, json_string_value(json_object_get(row, "id")));
    if (!r || json_is_null(r)) {
        snprintf(line, n, "timeout");
        return "timeout";
    }
    ctl_result_summary(r, line, n);
    const char *st = json_string_value(json_object_get(r, "status"));
    return st && (!strcmp(st, "ok") || !strcmp(st, "fault")) ? st : "failed";
}

static void tally(const bulk_t *b, tally_t *t, ctl_table_t *problems)
{
    size_t i;
    json_t *row;
    char line[512];

    memset(t, 0, sizeof *t);
    json_array_foreach(b->rows, i, row)
    {
        const char *o = outcome(b, row, line, sizeof line);
        json_t *r = json_object_get(b->want, json_string_value(json_object_get(row, "id")));
        if (!strcmp(o, "not-queued") || !b->reply_q[0])
            continue;
        json_object_set_new(row, "status", json_string(o));
        if (r && !json_is_null(r))
            json_object_set(row, "result", r);
        t->ok += !strcmp(o, "ok");
        t->fault += !strcmp(o, "fault");
        t->failed += !strcmp(o, "failed");
        t->timeout += !strcmp(o, "timeout");
        if (problems && strcmp(o, "ok") != 0) {
            const char *cells[] = {json_string_value(json_object_get(row, "device_id")),
                                   json_string_value(json_object_get(row, "id")), line};
            ctl_table_add(problems, cells);
        }
    }
}

static void add_not_queued(const bulk_t *b, ctl_table_t *problems)
{
    size_t i;
    json_t *row;
    char line[512];
    json_array_foreach(b->rows, i, row)
    {
        if (strcmp(outcome(b, row, line, sizeof line), "not-queued") != 0)
            continue;
        const char *cells[] = {json_string_value(json_object_get(row, "device_id")), "", line};
        ctl_table_add(problems, cells);
    }
}

static int summary(ctl_ctx_t *c, bulk_t *b)
{
    static const char *const hdr[] = {"DEVICE", "RPC ID", "OUTCOME"};
    ctl_table_t *problems = ctl_table_new(3, hdr);
    int waited = b->reply_q[0] != '\0';
    acs_buf_t out = ACS_BUF_INIT;
    tally_t t;

    add_not_queued(b, problems);
    tally(b, &t, waited ? problems : NULL);
    if (c->cl->json) {
        json_t *doc = json_pack("{s:s, s:s, s:i, s:i, s:i}", "command", c->cl->cmd, "method",
                                b->method ? b->method : "", "matched", (json_int_t)b->n, "queued",
                                (json_int_t)b->queued, "failed", (json_int_t)b->refused);
        if (waited)
            json_object_set_new(doc, "results",
                                json_pack("{s:i, s:i, s:i, s:i}", "ok", (json_int_t)t.ok, "fault",
                                          (json_int_t)t.fault, "failed", (json_int_t)t.failed,
                                          "timeout", (json_int_t)t.timeout));
        json_object_set(doc, "devices", b->rows);
        ctl_ctx_print_json(doc);
    } else {
        acs_buf_printf(&out, "%s: %zu matched, %zu queued, %zu failed\n", c->cl->cmd, b->n,
                       b->queued, b->refused);
        if (waited)
            acs_buf_printf(&out, "results: %zu ok, %zu fault, %zu failed, %zu timeout\n", t.ok,
                           t.fault, t.failed, t.timeout);
        if (ctl_table_rows(problems) > 0)
            ctl_table_render(problems, &out);
        ctl_ctx_print(&out);
    }
    acs_buf_free(&out);
    ctl_table_free(problems);
    if (b->broker_lost)
        return CTL_EXIT_UNREACHABLE;
    if (b->refused || t.fault || t.failed)
        return CTL_EXIT_FAILED;
    return t.timeout ? CTL_EXIT_TIMEOUT : CTL_EXIT_OK;
}

static int dry_run(ctl_ctx_t *c, const bulk_t *b)
{
    static const char *const hdr[] = {"DEVICE"};
    if (c->cl->json) {
        json_t *ids = json_array();
        for (size_t i = 0; i < b->n; i++)
            json_array_append_new(ids, json_string(b->ids[i]));
        ctl_ctx_print_json(json_pack("{s:s, s:i, s:o}", "command", c->cl->cmd, "matched",
                                     (json_int_t)b->n, "devices", ids));
        return CTL_EXIT_OK;
    }
    ctl_table_t *t = ctl_table_new(1, hdr);
    acs_buf_t out = ACS_BUF_INIT;
    for (size_t i = 0; i < b->n; i++) {
        const char *cells[] = {b->ids[i]};
        ctl_table_add(t, cells);
    }
    ctl_table_render(t, &out);
    acs_buf_printf(&out, "%s: %zu devices would be sent %s (dry run)\n", c->cl->cmd, b->n,
                   b->method);
    ctl_ctx_print(&out);
    acs_buf_free(&out);
    ctl_table_free(t);
    return CTL_EXIT_OK;
}

/* Check the arguments once, before anything is touched. */
static int check_args(ctl_ctx_t *c, const char **method)
{
    char err[1024];
    ctl_rpc_env_t env = {"acsctl-check", "acsctl-00000000-0000-0000-0000-000000000000",
                         &c->cfg,        (int64_t)time(NULL),
                         NULL,           -1};
    json_t *params = NULL;
    if (c->cl->force)
        return ctl_fail(CTL_EXIT_USAGE, "--force applies to one DEVICE, not to a filter");
    if (ctl_rpc_build(c->cl, c->cl->pos, c->cl->npos, &env, method, &params, err, sizeof err))
        return ctl_fail(CTL_EXIT_USAGE, "%s", err);
    json_decref(params);
    return CTL_EXIT_OK;
}

int ctl_cmd_bulk(ctl_ctx_t *c)
{
    bulk_t b = {0};
    ctl_catalogue_t cat;
    int rc;

    b.rows = json_array();
    b.want = json_object();
    if ((rc = check_args(c, &b.method)) != CTL_EXIT_OK ||
        (rc = select_devices(c, &b)) != CTL_EXIT_OK || (rc = ctl_cmd_catalogue(c, &cat)))
        goto out;
    if (c->cl->dry_run) {
        rc = dry_run(c, &b);
        goto out;
    }
    if ((rc = queue_all(c, &b, &cat)) != CTL_EXIT_OK)
        goto out;
    if (c->cl->wait && b.queued > 0 && !b.broker_lost &&
        ctl_cmd_collect(c, b.reply_q, b.want,
                        acs_now_mono_ms() + (int64_t)c->cl->timeout_s * 1000) != 0)
        b.broker_lost = 1;
    rc = summary(c, &b);
out:
    bulk_free(&b);
    return rc;
}
