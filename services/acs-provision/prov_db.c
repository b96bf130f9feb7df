/* prov_db: see prov_db.h. */
#include "prov_db.h"

#include "acs_buf.h"
#include "acs_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_FACTS[] =
    "SELECT EXISTS (SELECT 1 FROM device_credentials WHERE device_id = $1), p.username, "
    " (SELECT s.detail->>'parameter_key' FROM provision_state s WHERE s.device_id = $1 "
    "   AND s.item = 'bootstrap' AND s.detail->>'username' = p.username), "
    " (SELECT coalesce(json_agg(tag ORDER BY tag), '[]') FROM device_tags WHERE device_id = $1), "
    " (SELECT coalesce(json_object_agg(item, extract(epoch FROM now() - done_at)), '{}') "
    "    FROM provision_state WHERE device_id = $1), "
    " (SELECT coalesce(json_agg(DISTINCT command_key), '[]') FROM transfers "
    "   WHERE device_id = $1 AND state = 'pending'), "
    " (SELECT coalesce(json_object_agg(item, detail->>'digest'), '{}') FROM provision_state "
    "   WHERE device_id = $1 AND item LIKE 'preset:%') "
    "FROM (SELECT 1) one LEFT JOIN pending_credentials p ON p.device_id = $1";

/* The pending row is replaced only if it is still the one the decision saw
 * ($7, NULL for none); the provision_state row (which ParameterKey carries
 * these credentials) is written only when the credentials were. */
static const char SQL_BOOTSTRAP[] =
    "WITH cred AS ("
    " INSERT INTO pending_credentials AS p "
    "   (device_id, username, ha1, realm, cr_username, cr_password_enc, created_at) "
    " VALUES ($1, $2, $3, $4, $5, $6, now()) "
    " ON CONFLICT (device_id) DO UPDATE SET username = EXCLUDED.username, ha1 = EXCLUDED.ha1, "
    "   realm = EXCLUDED.realm, cr_username = EXCLUDED.cr_username, "
    "   cr_password_enc = EXCLUDED.cr_password_enc, created_at = now() "
    " WHERE p.username IS NOT DISTINCT FROM $7::text "
    " RETURNING p.device_id) "
    "INSERT INTO provision_state (device_id, item, done_at, detail) "
    "SELECT device_id, 'bootstrap', now(), jsonb_build_object('username', $2::text, "
    "  'parameter_key', $8::text, 'session_id', $9::text) FROM cred "
    "ON CONFLICT (device_id, item) DO UPDATE SET done_at = now(), detail = EXCLUDED.detail "
    "RETURNING 1";

static const char SQL_PROMOTE[] =
    "SELECT CASE WHEN EXISTS (SELECT 1 FROM pending_credentials "
    "                         WHERE device_id = $1 AND username = $2) "
    "  THEN halyard_promote_credentials($1) "
    "  ELSE EXISTS (SELECT 1 FROM device_credentials WHERE device_id = $1 AND username = $2) END";

static const char SQL_ABORT[] =
    "DELETE FROM pending_credentials WHERE device_id = $1 AND username = $2";

static const char SQL_STATE_DONE[] =
    "INSERT INTO provision_state (device_id, item, done_at, detail) "
    "VALUES ($1, $2, now(), $3::jsonb) "
    "ON CONFLICT (device_id, item) DO UPDATE SET done_at = now(), detail = EXCLUDED.detail";

static const char SQL_STATE_DELETE[] =
    "DELETE FROM provision_state WHERE device_id = $1 AND item = $2";

/* $1 campaign, $2 window_s, $3 batch_size, $4 device, $5 file, $6 version. */
static const char SQL_FW_BATCH[] =
    "WITH slot AS ("
    " INSERT INTO rollout_windows AS w (campaign, window_start, started) "
    " VALUES ($1, to_timestamp((floor(extract(epoch FROM now()) / $2::int) * $2::int)::float8), 1) "
    " ON CONFLICT (campaign, window_start) DO UPDATE SET started = w.started + 1 "
    " WHERE w.started < $3::int "
    " RETURNING w.window_start), "
    "st AS ("
    " INSERT INTO provision_state (device_id, item, done_at, detail) "
    " SELECT $4, 'firmware:' || $1, now(), jsonb_build_object('version', $6::text, "
    "   'window_start', window_start) FROM slot "
    " ON CONFLICT (device_id, item) DO UPDATE SET done_at = now(), detail = EXCLUDED.detail "
    " RETURNING 1) "
    "SELECT (SELECT window_start::text FROM slot), (SELECT count(*) FROM st), "
    " (SELECT size FROM files WHERE name IN ('files/' || $5, $5) ORDER BY name LIMIT 1)";

/* $1 campaign, $2 device, $3 file, $4 version. */
static const char SQL_FW_FREE[] =
    "WITH st AS ("
    " INSERT INTO provision_state (device_id, item, done_at, detail) "
    " VALUES ($2, 'firmware:' || $1, now(), jsonb_build_object('version', $4::text)) "
    " ON CONFLICT (device_id, item) DO UPDATE SET done_at = now(), detail = EXCLUDED.detail "
    " RETURNING 1) "
    "SELECT NULL::text, (SELECT count(*) FROM st), "
    " (SELECT size FROM files WHERE name IN ('files/' || $3, $3) ORDER BY name LIMIT 1)";

static const char SQL_FW_RELEASE[] =
    "UPDATE rollout_windows SET started = started - 1 "
    "WHERE campaign = $1 AND window_start = $2::timestamptz AND started > 0";

typedef struct {
    char *device; /* for log lines */
    const char *what;
    prov_db_facts_cb facts_cb;
    prov_db_cb cb;
    prov_db_start_cb start_cb;
    void *arg;
} ctx_t;

static ctx_t *ctx_new(const char *device, const char *what, void *arg)
{
    ctx_t *c = acs_xcalloc(1, sizeof *c);
    c->device = acs_xstrdup(device ? device : "");
    c->what = what;
    c->arg = arg;
    return c;
}

static void ctx_free(ctx_t *c)
{
    free(c->device);
    free(c);
}

/* 1 if res is a usable result; else logs why. */
static int res_ok(const ctx_t *c, PGresult *res, const char *err)
{
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (res && (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK))
        return 1;
    acs_log_kv(ACS_LOG_ERROR, "database error", "query", c->what, "device", c->device, "error",
               err ? err : "unknown", NULL);
    return 0;
}

static int run(acs_pg_t *pg, ctx_t *c, const char *sql, int n, const char *const *p, acs_pg_cb cb)
{
    if (acs_pg_query(pg, sql, n, p, cb, c) == 0)
        return 0;
    acs_log_kv(ACS_LOG_WARN, "database queue full", "query", c->what, "device", c->device, NULL);
    ctx_free(c);
    return -1;
}

/* --- facts ------------------------------------------------------------------ */

static json_t *json_col(PGresult *res, int col, int want_object)
{
    json_t *v = NULL;
    if (!PQgetisnull(res, 0, col))
        v = json_loads(PQgetvalue(res, 0, col), 0, NULL);
    if (!v || (want_object ? !json_is_object(v) : !json_is_array(v))) {
        if (v)
            json_decref(v);
        v = want_object ? json_object() : json_array();
    }
    return v;
}

static char *text_col(PGresult *res, int col)
{
    return PQgetisnull(res, 0, col) ? NULL : acs_xstrdup(PQgetvalue(res, 0, col));
}

static void on_facts(PGresult *res, const char *err, void *arg)
{
    ctx_t *c = arg;
    prov_facts_t f;
    int ok = res_ok(c, res, err) && PQntuples(res) == 1 && PQnfields(res) == 7;

    memset(&f, 0, sizeof f);
    if (ok) {
        f.has_credentials = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
        f.pending_username = text_col(res, 1);
        f.pending_key = text_col(res, 2);
        f.tags = json_col(res, 3, 0);
        f.state_age = json_col(res, 4, 1);
        f.pending_transfers = json_col(res, 5, 0);
        f.preset_digests = json_col(res, 6, 1);
    }
    c->facts_cb(ok, &f, c->arg);
    ctx_free(c);
}

int prov_db_facts(acs_pg_t *pg, const char *device_id, prov_db_facts_cb cb, void *arg)
{
    ctx_t *c = ctx_new(device_id, "facts", arg);
    const char *p[] = {device_id};
    c->facts_cb = cb;
    return run(pg, c, SQL_FACTS, 1, p, on_facts);
}

/* --- generic: rows returned (SELECT: first column true) or changed ------------------ */

static void on_rows(PGresult *res, const char *err, void *arg)
{
    ctx_t *c = arg;
    long rows = 0;
    int ok = res_ok(c, res, err);

    if (ok && PQresultStatus(res) == PGRES_TUPLES_OK)
        rows = PQntuples(res);
    else if (ok)
        rows = atol(PQcmdTuples(res));
    c->cb(ok, rows, c->arg);
    ctx_free(c);
}

/* A one-row boolean: rows = 1 when true. */
static void on_bool(PGresult *res, const char *err, void *arg)
{
    ctx_t *c = arg;
    int ok = res_ok(c, res, err) && PQntuples(res) == 1;
    c->cb(ok, ok && strcmp(PQgetvalue(res, 0, 0), "t") == 0, c->arg);
    ctx_free(c);
}

static int rows_query(acs_pg_t *pg, const char *dev, const char *what, const char *sql, int n,
                      const char *const *p, acs_pg_cb handler, prov_db_cb cb, void *arg)
{
    ctx_t *c = ctx_new(dev, what, arg);
    c->cb = cb;
    return run(pg, c, sql, n, p, handler);
}

int prov_db_bootstrap_begin(acs_pg_t *pg, const char *device_id, const char *username,
                            const char *ha1, const char *realm, const char *cr_username,
                            const char *cr_sealed, const char *expected, const char *parameter_key,
                            const char *session_id, prov_db_cb cb, void *arg)
{
    const char *p[] = {device_id, username, ha1,           realm,     cr_username,
                       cr_sealed, expected, parameter_key, session_id};
    return rows_query(pg, device_id, "bootstrap", SQL_BOOTSTRAP, 9, p, on_rows, cb, arg);
}

int prov_db_promote(acs_pg_t *pg, const char *device_id, const char *username, prov_db_cb cb,
                    void *arg)
{
    const char *p[] = {device_id, username};
    return rows_query(pg, device_id, "promote", SQL_PROMOTE, 2, p, on_bool, cb, arg);
}

int prov_db_bootstrap_abort(acs_pg_t *pg, const char *device_id, const char *username,
                            prov_db_cb cb, void *arg)
{
    const char *p[] = {device_id, username};
    return rows_query(pg, device_id, "bootstrap-abort", SQL_ABORT, 2, p, on_rows, cb, arg);
}

int prov_db_state_done(acs_pg_t *pg, const char *device_id, const char *item, const char *detail,
                       prov_db_cb cb, void *arg)
{
    const char *p[] = {device_id, item, detail};
    return rows_query(pg, device_id, "state", SQL_STATE_DONE, 3, p, on_rows, cb, arg);
}

int prov_db_state_delete(acs_pg_t *pg, const char *device_id, const char *item, prov_db_cb cb,
                         void *arg)
{
    const char *p[] = {device_id, item};
    return rows_query(pg, device_id, "state-delete", SQL_STATE_DELETE, 2, p, on_rows, cb, arg);
}

/* --- firmware ------------------------------------------------------------------- */

static void on_start(PGresult *res, const char *err, void *arg)
{
    ctx_t *c = arg;
    int ok = res_ok(c, res, err) && PQntuples(res) == 1 && PQnfields(res) == 3;
    int granted = ok && atol(PQgetvalue(res, 0, 1)) == 1;
    const char *window = ok && !PQgetisnull(res, 0, 0) ? PQgetvalue(res, 0, 0) : "";
    long long size = ok && !PQgetisnull(res, 0, 2) ? atoll(PQgetvalue(res, 0, 2)) : -1;

    c->start_cb(ok, granted, window, size, c->arg);
    ctx_free(c);
}

int prov_db_firmware_start(acs_pg_t *pg, const char *device_id, const prov_firmware_t *fw,
                           prov_db_start_cb cb, void *arg)
{
    char window[24], batch[24];
    ctx_t *c = ctx_new(device_id, "firmware-start", arg);

    c->start_cb = cb;
    if (fw->batch_size > 0) {
        snprintf(window, sizeof window, "%ld", fw->window_s);
        snprintf(batch, sizeof batch, "%ld", fw->batch_size);
        const char *p[] = {fw->campaign, window, batch, device_id, fw->file, fw->version};
        return run(pg, c, SQL_FW_BATCH, 6, p, on_start);
    }
    const char *p[] = {fw->campaign, device_id, fw->file, fw->version};
    return run(pg, c, SQL_FW_FREE, 4, p, on_start);
}

int prov_db_firmware_release(acs_pg_t *pg, const prov_firmware_t *fw, const char *window,
                             prov_db_cb cb, void *arg)
{
    const char *p[] = {fw->campaign, window};
    return rows_query(pg, NULL, "firmware-release", SQL_FW_RELEASE, 2, p, on_rows, cb, arg);
}
