/* ctl_cmd_events: recent events from PostgreSQL, or with --follow the live
 * ones from a temporary exclusive queue bound to halyard.events. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acs_util.h"
#include "ctl_check.h"
#include "ctl_cmd.h"
#include "ctl_db.h"
#include "ctl_event.h"
#include "ctl_query.h"
#include "ctl_table.h"

#define DEFAULT_LIMIT 50

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* The four kinds of event the inventory records, newest first. */
static const char recent_sql[] =
    "SELECT x.at, x.type, x.device_id, x.detail, x.session_id FROM ("
    " (SELECT min(e.received_at) AS at, 'inform'::text AS type, e.device_id,"
    "  string_agg(e.code || CASE WHEN e.command_key <> ''"
    "    THEN ' [' || e.command_key || ']' ELSE '' END, ', ' ORDER BY e.id) AS detail,"
    "  e.session_id"
    "  FROM (SELECT * FROM events WHERE ($1::text IS NULL OR device_id = $1)"
    "        ORDER BY received_at DESC LIMIT $3::bigint * 8) e"
    "  GROUP BY e.device_id, e.session_id)"
    " UNION ALL"
    " (SELECT completed_at, 'rpc.result', device_id,"
    "  method || ' ' || status || coalesce(' ' || reason, '') ||"
    "  coalesce(' (' || detail || ')', '') || ' id=' || rpc_id, session_id"
    "  FROM rpc_results WHERE ($1::text IS NULL OR device_id = $1)"
    "  ORDER BY completed_at DESC LIMIT $3::bigint)"
    " UNION ALL"
    " (SELECT ended_at, 'session.closed', device_id,"
    "  coalesce(end_reason, '?') || ' rpcs=' || rpcs || ' faults=' || faults, session_id"
    "  FROM sessions WHERE ended_at IS NOT NULL AND ($1::text IS NULL OR device_id = $1)"
    "  ORDER BY ended_at DESC LIMIT $3::bigint)"
    " UNION ALL"
    " (SELECT completed_at, 'transfer.complete', device_id,"
    "  method || ' ' || state || ' key=' || command_key ||"
    "  coalesce(' fault ' || nullif(fault_code, 0) || ' ' || coalesce(fault_string, ''), ''),"
    "  session_id"
    "  FROM transfers WHERE completed_at IS NOT NULL AND ($1::text IS NULL OR device_id = $1)"
    "  ORDER BY completed_at DESC LIMIT $3::bigint)"
    ") x WHERE ($2::text IS NULL OR x.type = $2) ORDER BY x.at DESC LIMIT $3::bigint";

static const char *const recorded_types[] = {"inform", "rpc.result", "session.closed",
                                             "transfer.complete", NULL};

static int recent(ctl_ctx_t *c)
{
    static const char *const hdr[] = {"TIME", "TYPE", "DEVICE", "DETAIL"};
    static const char *const keys[] = {"at", "type", "device_id", "detail", "session_id"};
    char limit[32];
    const char *p[] = {c->cl->device, c->cl->type, limit};
    int known = !c->cl->type;
    PGresult *res;

    for (int i = 0; !known && recorded_types[i]; i++)
        known = strcmp(c->cl->type, recorded_types[i]) == 0;
    if (!known)
        return ctl_fail(CTL_EXIT_USAGE,
                        "--type: the inventory records inform, rpc.result, session.closed and "
                        "transfer.complete (--follow shows any type)");
    snprintf(limit, sizeof limit, "%ld",
             c->cl->filter.limit >= 0 ? c->cl->filter.limit : (long)DEFAULT_LIMIT);
    if (!(res = ctl_ctx_query(c, recent_sql, 3, p)))
        return CTL_EXIT_UNREACHABLE;
    if (c->cl->json) {
        json_t *list = ctl_ctx_pg_json(res, 5, keys, "tssss"), *rev = json_array();
        for (size_t i = json_array_size(list); i > 0; i--)
            json_array_append(rev, json_array_get(list, i - 1));
        json_decref(list);
        ctl_ctx_print_json(json_pack("{s:o}", "events", rev));
    } else {
        ctl_table_t *t = ctl_table_new(4, hdr);
        acs_buf_t out = ACS_BUF_INIT;
        char ts[32];
        for (int r = PQntuples(res) - 1; r >= 0; r--) { /* oldest first, like a log */
            const char *cells[] = {ctl_ctx_cell(res, r, 0, 't', ts), ctl_db_get(res, r, 1),
                                   ctl_db_get(res, r, 2), ctl_db_get(res, r, 3)};
            ctl_table_add(t, cells);
        }
        if (ctl_table_rows(t) > 0)
            ctl_table_render(t, &out);
        else
            acs_buf_puts(&out, "no events\n");
        ctl_ctx_print(&out);
        acs_buf_free(&out);
        ctl_table_free(t);
    }
    PQclear(res);
    return CTL_EXIT_OK;
}

static void print_live(ctl_ctx_t *c, const ctl_amqp_msg_t *m)
{
    json_t *msg = json_loadb(m->body, m->len, 0, NULL);
    acs_buf_t out = ACS_BUF_INIT;

    if (!json_is_object(msg)) {
        json_decref(msg);
        msg = json_pack("{s:s}", "unparseable", "not a JSON object");
    }
    if (c->cl->json) {
        char *s = json_dumps(msg, JSON_COMPACT | JSON_PRESERVE_ORDER);
        acs_buf_printf(&out, "%s\n", s ? s : "{}");
        free(s);
    } else {
        ctl_event_line(msg, m->routing_key, &out);
    }
    ctl_ctx_print(&out);
    acs_buf_free(&out);
    json_decref(msg);
}

static int follow(ctl_ctx_t *c)
{
    struct sigaction sa;
    char key[512], queue[256], err[1024];
    int rc;

    ctl_event_binding(c->cl->type, c->cl->device, key, sizeof key);
    if ((rc = ctl_ctx_amqp(c)) != CTL_EXIT_OK)
        return rc;
    if (ctl_amqp_temp_queue(c->amqp, queue, sizeof queue, err, sizeof err) != 0 ||
        ctl_amqp_bind_events(c->amqp, queue, key, err, sizeof err) != 0 ||
        ctl_amqp_consume(c->amqp, queue, err, sizeof err) != 0)
        return ctl_fail(CTL_EXIT_UNREACHABLE, "%s", err);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    fprintf(stderr, "acsctl: following halyard.events '%s' (Ctrl-C to stop)\n", key);
    while (!stop_requested) {
        ctl_amqp_msg_t m;
        int got = ctl_amqp_next(c->amqp, 500, &m, err, sizeof err);
        if (got < 0)
            return ctl_fail(CTL_EXIT_UNREACHABLE, "%s", err);
        if (got == 1) {
            print_live(c, &m);
            ctl_amqp_msg_free(&m);
        }
    }
    return CTL_EXIT_OK;
}

int ctl_cmd_events(ctl_ctx_t *c)
{
    if (c->cl->npos > 0)
        return ctl_fail(CTL_EXIT_USAGE, "events takes no arguments (--device D, --type T)");
    if (c->cl->device && !acs_device_id_valid(c->cl->device))
        return ctl_fail(CTL_EXIT_USAGE, "--device '%.64s' is not a device id", c->cl->device);
    if (c->cl->type && !ctl_event_type_valid(c->cl->type))
        return ctl_fail(CTL_EXIT_USAGE,
                        "--type '%.64s' is not an event type (like inform, "
                        "rpc.result)",
                        c->cl->type);
    if (c->cl->follow && c->cl->filter.limit >= 0)
        return ctl_fail(CTL_EXIT_USAGE, "--limit applies to recent events, not to --follow");
    return c->cl->follow ? follow(c) : recent(c);
}
