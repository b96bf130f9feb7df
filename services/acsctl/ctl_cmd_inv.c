/* ctl_cmd_inv: the inventory commands: devices, show, tag. PostgreSQL
 * only; nothing here touches the broker. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acs_util.h"
#include "ctl_args.h"
#include "ctl_check.h"
#include "ctl_cmd.h"
#include "ctl_db.h"
#include "ctl_query.h"
#include "ctl_table.h"

#define DEFAULT_LIMIT 100
#define SHOW_ROWS "10"

/* "a,b" -> ["a","b"]; NULL -> []. */
static json_t *split_tags(const char *s)
{
    json_t *a = json_array();
    while (s && *s) {
        size_t n = strcspn(s, ",");
        json_array_append_new(a, json_stringn(s, n));
        s += n + (s[n] == ',');
    }
    return a;
}

static json_t *device_json(const PGresult *res, int r)
{
    static const char *const keys[] = {"device_id",
                                       "product_class",
                                       "software_version",
                                       "last_seen",
                                       NULL,
                                       "last_inform_addr",
                                       NULL,
                                       "oui",
                                       "serial_number",
                                       "manufacturer",
                                       "hardware_version"};
    json_t *o = json_object();
    char ts[32];
    for (int k = 0; k < 11; k++) {
        const char *v = ctl_ctx_cell(res, r, k, k == 3 ? 't' : 's', ts);
        if (keys[k])
            json_object_set_new(o, keys[k], v ? json_string(v) : json_null());
    }
    json_object_set_new(o, "tags", split_tags(ctl_db_get(res, r, 6)));
    return o;
}

static void devices_table(const PGresult *res, int rows, acs_buf_t *out)
{
    static const char *const hdr[] = {"DEVICE",    "PRODUCT CLASS", "SOFTWARE",
                                      "LAST SEEN", "ADDRESS",       "TAGS"};
    ctl_table_t *t = ctl_table_new(6, hdr);
    for (int r = 0; r < rows; r++) {
        char seen[96] = "", age[32], buf[32];
        const char *ts = ctl_ctx_cell(res, r, 3, 't', buf), *secs = ctl_db_get(res, r, 4);
        if (ts && secs) {
            ctl_format_age(atol(secs), age, sizeof age);
            snprintf(seen, sizeof seen, "%s (%s ago)", ts, age);
        }
        const char *cells[] = {ctl_db_get(res, r, 0), ctl_db_get(res, r, 1),
                               ctl_db_get(res, r, 2), seen,
                               ctl_db_get(res, r, 5), ctl_db_get(res, r, 6)};
        ctl_table_add(t, cells);
    }
    ctl_table_render(t, out);
    ctl_table_free(t);
}

int ctl_cmd_devices(ctl_ctx_t *c)
{
    long limit = c->cl->filter.limit >= 0 ? c->cl->filter.limit : DEFAULT_LIMIT;
    acs_buf_t sql = ACS_BUF_INIT, out = ACS_BUF_INIT;
    ctl_qparams_t p = {0};
    PGresult *res = NULL;
    char err[512];
    int rc = CTL_EXIT_OK, rows;

    if (c->cl->npos > 0) {
        rc = ctl_fail(CTL_EXIT_USAGE, "devices takes no arguments (filters are options: --id, "
                                      "--tag...)");
        goto out;
    }
    if (ctl_query_devices(&c->cl->filter, limit + 1, &sql, &p, err, sizeof err) != 0) {
        rc = ctl_fail(CTL_EXIT_USAGE, "%s", err);
        goto out;
    }
    if (!(res = ctl_ctx_query(c, sql.data, p.n, (const char *const *)p.v))) {
        rc = CTL_EXIT_UNREACHABLE;
        goto out;
    }
    rows = PQntuples(res) > limit ? (int)limit : PQntuples(res);
    if (c->cl->json) {
        json_t *list = json_array();
        for (int r = 0; r < rows; r++)
            json_array_append_new(list, device_json(res, r));
        ctl_ctx_print_json(json_pack("{s:o, s:i, s:b}", "devices", list, "count", (json_int_t)rows,
                                     "more", PQntuples(res) > limit));
        goto out;
    }
    if (rows == 0)
        acs_buf_puts(&out, "no device matches\n");
    else
        devices_table(res, rows, &out);
    if (PQntuples(res) > limit)
        acs_buf_printf(&out, "(first %ld devices; --limit N for more)\n", limit);
    ctl_ctx_print(&out);
out:
    PQclear(res);
    acs_buf_free(&sql);
    acs_buf_free(&out);
    ctl_qparams_free(&p);
    return rc;
}

/* ---- show ----------------------------------------------------------------- */

typedef struct {
    const char *title; /* text section title */
    const char *key;   /* JSON member */
    const char *sql;   /* $1 device id ($2 parameter prefix for parameters) */
    int ncols;
    const char *const *headers;
    const char *const *keys;
    const char *types;
} section_t;

static const char *const par_h[] = {"NAME", "VALUE", "TYPE", "UPDATED"};
static const char *const par_k[] = {"name", "value", "type", "updated_at"};
static const char *const ev_h[] = {"TIME", "SESSION", "EVENTS"};
static const char *const ev_k[] = {"at", "session_id", "events"};
static const char *const rpc_h[] = {"TIME", "RPC ID", "METHOD", "STATUS", "REASON", "DETAIL"};
static const char *const rpc_k[] = {"completed_at", "rpc_id", "method",
                                    "status",       "reason", "detail"};
static const char *const f_h[] = {"TIME", "METHOD", "CODE", "STRING", "RPC ID"};
static const char *const f_k[] = {"at", "method", "code", "string", "rpc_id"};
static const char *const tr_h[] = {"TIME",      "METHOD", "COMMAND KEY", "STATE",
                                   "FILE TYPE", "URL",    "FAULT"};
static const char *const tr_k[] = {"at",        "method", "command_key", "state",
                                   "file_type", "url",    "fault"};
static const char *const s_h[] = {"STARTED", "ENDED", "SESSION", "END",
                                  "ADDRESS", "RPCS",  "FAULTS"};
static const char *const s_k[] = {"started_at",  "ended_at", "session_id", "end_reason",
                                  "remote_addr", "rpcs",     "faults"};

static const section_t sections[] = {
    {"Parameters", "parameters",
     "SELECT name, value, type, updated_at FROM parameters"
     " WHERE device_id = $1 AND name LIKE $2 ESCAPE '!' ORDER BY name",
     4, par_h, par_k, "ssst"},
    {"Recent events", "events",
     "SELECT min(received_at), session_id,"
     " string_agg(code || CASE WHEN command_key <> '' THEN ' [' || command_key || ']'"
     "  ELSE '' END, ', ' ORDER BY id)"
     " FROM events WHERE device_id = $1 GROUP BY session_id"
     " ORDER BY min(received_at) DESC LIMIT " SHOW_ROWS,
     3, ev_h, ev_k, "tss"},
    {"Recent RPCs", "rpcs",
     "SELECT completed_at, rpc_id, method, status, reason, detail FROM rpc_results"
     " WHERE device_id = $1 ORDER BY completed_at DESC LIMIT " SHOW_ROWS,
     6, rpc_h, rpc_k, "tsssss"},
    {"Faults", "faults",
     "SELECT at, method, code, string, rpc_id FROM faults"
     " WHERE device_id = $1 ORDER BY at DESC LIMIT " SHOW_ROWS,
     5, f_h, f_k, "tsiss"},
    {"Transfers", "transfers",
     "SELECT coalesce(completed_at, requested_at), method, command_key, state, file_type, url,"
     " CASE WHEN fault_code IS NOT NULL AND fault_code <> 0"
     "  THEN fault_code || ' ' || coalesce(fault_string, '') END"
     " FROM transfers WHERE device_id = $1 ORDER BY id DESC LIMIT " SHOW_ROWS,
     7, tr_h, tr_k, "tssssss"},
    {"Sessions", "sessions",
     "SELECT started_at, ended_at, session_id, end_reason, remote_addr, rpcs, faults"
     " FROM sessions WHERE device_id = $1 ORDER BY started_at DESC NULLS LAST LIMIT " SHOW_ROWS,
     7, s_h, s_k, "ttsssii"},
};

#define N_SECTIONS (sizeof sections / sizeof sections[0])

static const char *const dev_k[] = {"device_id",
                                    "oui",
                                    "product_class",
                                    "serial_number",
                                    "manufacturer",
                                    "first_seen",
                                    "last_seen",
                                    "last_inform_addr",
                                    "cwmp_version",
                                    "software_version",
                                    "hardware_version",
                                    "periodic_inform_interval",
                                    "connection_request_url",
                                    "last_session_id",
                                    "last_boot",
                                    "last_bootstrap"};

static const char dev_sql[] =
    "SELECT device_id, oui, product_class, serial_number, manufacturer, first_seen, last_seen,"
    " last_inform_addr, cwmp_version, software_version, hardware_version,"
    " periodic_inform_interval, connection_request_url, last_session_id, last_boot,"
    " last_bootstrap,"
    " (SELECT string_agg(tag, ',' ORDER BY tag) FROM device_tags t"
    "  WHERE t.device_id = d.device_id)"
    " FROM devices d WHERE device_id = $1";

static const char dev_types[] = "sssssttssssisstt";

static void show_summary_text(const PGresult *dev, acs_buf_t *out)
{
    ctl_table_t *t = ctl_table_new(2, NULL);
    for (int k = 1; k < 16; k++) {
        char ts[32];
        const char *cells[] = {dev_k[k], ctl_ctx_cell(dev, 0, k, dev_types[k], ts)};
        ctl_table_add(t, cells);
    }
    const char *tags[] = {"tags", ctl_db_get(dev, 0, 16)};
    ctl_table_add(t, tags);
    acs_buf_printf(out, "Device %s\n", ctl_db_get(dev, 0, 0));
    ctl_table_render(t, out);
    ctl_table_free(t);
}

static int show_sections(ctl_ctx_t *c, const char *const *p, json_t *doc, acs_buf_t *out)
{
    for (size_t i = 0; i < N_SECTIONS; i++) {
        const section_t *s = &sections[i];
        PGresult *res = ctl_ctx_query(c, s->sql, i == 0 ? 2 : 1, p);
        if (!res)
            return CTL_EXIT_UNREACHABLE;
        if (doc) {
            json_object_set_new(doc, s->key, ctl_ctx_pg_json(res, s->ncols, s->keys, s->types));
        } else {
            acs_buf_printf(out, "\n%s (%d)\n", s->title, PQntuples(res));
            if (PQntuples(res) > 0)
                ctl_ctx_pg_table(res, s->ncols, s->headers, s->types, out);
        }
        PQclear(res);
    }
    return CTL_EXIT_OK;
}

int ctl_cmd_show(ctl_ctx_t *c)
{
    acs_buf_t like = ACS_BUF_INIT, out = ACS_BUF_INIT;
    json_t *doc = NULL;
    PGresult *dev = NULL;
    int rc;

    if (c->cl->npos != 1)
        return ctl_fail(CTL_EXIT_USAGE, "show takes one DEVICE");
    if (!acs_device_id_valid(c->cl->pos[0]))
        return ctl_fail(CTL_EXIT_USAGE, "'%.64s' is not a device id", c->cl->pos[0]);
    ctl_query_prefix_like(c->cl->params_prefix ? c->cl->params_prefix : "", &like);
    const char *p[] = {c->cl->pos[0], like.data};
    if (!(dev = ctl_ctx_query(c, dev_sql, 1, p))) {
        rc = CTL_EXIT_UNREACHABLE;
        goto out;
    }
    if (PQntuples(dev) == 0) {
        rc = ctl_fail(CTL_EXIT_UNKNOWN, "unknown device %s", c->cl->pos[0]);
        goto out;
    }
    if (c->cl->json) {
        json_t *d = ctl_ctx_pg_json(dev, 16, dev_k, dev_types);
        doc = json_pack("{s:O, s:o}", "device", json_array_get(d, 0), "tags",
                        split_tags(ctl_db_get(dev, 0, 16)));
        json_decref(d);
    } else {
        show_summary_text(dev, &out);
    }
    if ((rc = show_sections(c, p, doc, &out)) != CTL_EXIT_OK)
        goto out;
    if (doc) {
        ctl_ctx_print_json(doc);
        doc = NULL;
    } else {
        ctl_ctx_print(&out);
    }
out:
    json_decref(doc);
    PQclear(dev);
    acs_buf_free(&like);
    acs_buf_free(&out);
    return rc;
}

/* ---- tag ------------------------------------------------------------------ */

static int check_tags(const char *const *tags, int n)
{
    if (n < 1)
        return ctl_fail(CTL_EXIT_USAGE, "tag: missing TAG");
    for (int i = 0; i < n; i++)
        if (!ctl_tag_valid(tags[i]))
            return ctl_fail(CTL_EXIT_USAGE, "'%.64s' is not a tag (1..64 of A-Z a-z 0-9 _ . : -)",
                            tags[i]);
    return CTL_EXIT_OK;
}

/* The device's tags now, printed. */
static int print_tags(ctl_ctx_t *c, const char *device_id)
{
    const char *p[] = {device_id};
    PGresult *res = ctl_ctx_query(
        c, "SELECT string_agg(tag, ',' ORDER BY tag) FROM device_tags WHERE device_id = $1", 1, p);
    if (!res)
        return CTL_EXIT_UNREACHABLE;
    const char *tags = ctl_db_get(res, 0, 0);
    if (c->cl->json)
        ctl_ctx_print_json(
            json_pack("{s:s, s:o}", "device_id", device_id, "tags", split_tags(tags)));
    else
        printf("%s: %s\n", device_id, tags ? tags : "(no tags)");
    PQclear(res);
    return CTL_EXIT_OK;
}

static int tag_one(ctl_ctx_t *c)
{
    const char *dev = c->cl->pos[0];
    int rc;

    if (!acs_device_id_valid(dev))
        return ctl_fail(CTL_EXIT_USAGE, "'%.64s' is not a device id", dev);
    if ((rc = check_tags(c->cl->pos + 1, c->cl->npos - 1)) != CTL_EXIT_OK)
        return rc;
    if (!c->cl->force && (rc = ctl_ctx_device_known(c, dev)) != CTL_EXIT_OK)
        return rc;
    for (int i = 1; i < c->cl->npos; i++) {
        const char *p[] = {dev, c->cl->pos[i]};
        PGresult *res = ctl_ctx_query(
            c,
            c->cl->remove ? "DELETE FROM device_tags WHERE device_id = $1 AND tag = $2"
                          : "INSERT INTO device_tags (device_id, tag) VALUES ($1, $2)"
                            " ON CONFLICT DO NOTHING",
            2, p);
        if (!res)
            return CTL_EXIT_UNREACHABLE;
        PQclear(res);
    }
    return print_tags(c, dev);
}

/* tag FILTER TAG...: one statement per tag over the selected devices. */
static int tag_bulk(ctl_ctx_t *c)
{
    acs_buf_t sql = ACS_BUF_INIT;
    ctl_qparams_t p = {0};
    char err[512];
    long changed = 0, matched = 0;
    int rc = check_tags(c->cl->pos, c->cl->npos);

    for (int i = 0; rc == CTL_EXIT_OK && i < c->cl->npos; i++) {
        acs_buf_reset(&sql);
        ctl_qparams_free(&p);
        int t = ctl_qparams_add(&p, c->cl->pos[i]);
        acs_buf_puts(&sql, "WITH sel AS (SELECT d.device_id FROM devices d WHERE TRUE");
        if (ctl_query_filter(&c->cl->filter, &sql, &p, err, sizeof err) != 0) {
            rc = ctl_fail(CTL_EXIT_USAGE, "%s", err);
            break;
        }
        acs_buf_printf(&sql,
                       c->cl->remove
                           ? "), ch AS (DELETE FROM device_tags WHERE tag = $%d AND device_id IN"
                             " (SELECT device_id FROM sel) RETURNING 1)"
                           : "), ch AS (INSERT INTO device_tags (device_id, tag) SELECT device_id,"
                             " $%d FROM sel ON CONFLICT DO NOTHING RETURNING 1)",
                       t);
        acs_buf_puts(&sql, " SELECT (SELECT count(*) FROM sel), (SELECT count(*) FROM ch)");
        PGresult *res = ctl_ctx_query(c, sql.data, p.n, (const char *const *)p.v);
        if (!res) {
            rc = CTL_EXIT_UNREACHABLE;
            break;
        }
        matched = atol(PQgetvalue(res, 0, 0));
        changed += atol(PQgetvalue(res, 0, 1));
        PQclear(res);
    }
    if (rc == CTL_EXIT_OK && matched == 0)
        rc = ctl_fail(CTL_EXIT_UNKNOWN, "no device matches the filter");
    else if (rc == CTL_EXIT_OK && c->cl->json)
        ctl_ctx_print_json(json_pack("{s:i, s:i, s:s}", "matched", (json_int_t)matched, "changed",
                                     (json_int_t)changed, "action",
                                     c->cl->remove ? "removed" : "added"));
    else if (rc == CTL_EXIT_OK)
        printf("%ld devices matched, %ld tags %s\n", matched, changed,
               c->cl->remove ? "removed" : "added");
    acs_buf_free(&sql);
    ctl_qparams_free(&p);
    return rc;
}

int ctl_cmd_tag(ctl_ctx_t *c)
{
    if (c->cl->filter.given) {
        if (c->cl->force)
            return ctl_fail(CTL_EXIT_USAGE, "--force applies to one DEVICE, not to a filter");
        return tag_bulk(c);
    }
    if (c->cl->npos < 1)
        return ctl_fail(CTL_EXIT_USAGE, "tag: missing DEVICE (or a filter: --id, --tag...)");
    return tag_one(c);
}
