/* inv_db: see inv_db.h.
 *
 * Idempotency and ordering, statement by statement (a redelivered message
 * must change nothing; with several inventories, or after a redelivery,
 * messages of one device may also arrive out of order):
 *   devices     upsert; the newest Inform (by received_at) wins the
 *               descriptive columns, first_seen only goes down, last_seen,
 *               last_boot and last_bootstrap only go up.
 *   bootstrap   "0 BOOTSTRAP": parameters stored before it are stale and
 *               deleted; parameters reported before it are not written.
 *   parameters  upsert, only by a report at least as new as the stored
 *               value, and only when value or type changed (a periodic
 *               Inform repeating 30 values rewrites no row).
 *   events      insert, a duplicate (session, code, command key) ignored.
 *   sessions    upsert by every message of a session, whichever comes first.
 *   rpc_results insert or update by rpc id; only a first record of an RPC
 *               counts in sessions.rpcs.
 *   faults      insert, a duplicate message_id ignored; only newly recorded
 *               RPC faults count in sessions.faults.
 *   cpe_requests  insert, a duplicate message_id ignored.
 *   transfers, files   see inv_db_xfer.c.
 * Within one statement rows are taken in key order, so two inventories
 * writing overlapping batches wait for each other rather than deadlock in
 * the common case (a deadlock is retried anyway).
 */
#include "inv_db.h"
#include "inv_db_int.h"

#include "acs_buf.h"
#include "acs_log.h"
#include "inv_migrate.h"
#include "inv_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A statement stuck on a lock for this long is cancelled and retried. */
#define STATEMENT_TIMEOUT "SET statement_timeout = '60s'"

/* Descriptive device columns: taken from the newest Inform, and kept when
 * that Inform does not carry them. */
#define IS_NEWER "(d.last_seen IS NULL OR EXCLUDED.last_seen >= d.last_seen)"
#define LATEST(c)                                                                                  \
    " " c " = CASE WHEN " IS_NEWER " THEN COALESCE(EXCLUDED." c ", d." c ") ELSE d." c " END"

/* The SQL is laid out by hand: clang-format would re-wrap the string
 * literals around the LATEST() macro into something unreadable. */
/* clang-format off */
static const char SQL_DEVICES[] =
    "WITH u AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
    " $6::timestamptz[], $7::text[], $8::text[], $9::text[], $10::text[], $11::int[], $12::text[],"
    " $13::text[], $14::timestamptz[], $15::timestamptz[]) WITH ORDINALITY"
    " AS u(device_id, oui, product_class, serial_number, manufacturer, seen, addr, cwmp_version,"
    " sw, hw, pii, cr_url, session_id, boot, bootstrap, ord)),"
    " a AS (SELECT device_id, min(seen) AS first_seen, max(boot) AS boot,"
    " max(bootstrap) AS bootstrap FROM u GROUP BY device_id),"
    " l AS (SELECT DISTINCT ON (device_id) * FROM u ORDER BY device_id, seen DESC, ord DESC)"
    " INSERT INTO devices AS d (device_id, oui, product_class, serial_number, manufacturer,"
    " first_seen, last_seen, last_inform_addr, cwmp_version, software_version, hardware_version,"
    " periodic_inform_interval, connection_request_url, last_session_id, last_boot,"
    " last_bootstrap)"
    " SELECT l.device_id, l.oui, l.product_class, l.serial_number, l.manufacturer, a.first_seen,"
    " l.seen, l.addr, l.cwmp_version, l.sw, l.hw, l.pii, l.cr_url, l.session_id, a.boot,"
    " a.bootstrap FROM l JOIN a USING (device_id) ORDER BY l.device_id"
    " ON CONFLICT (device_id) DO UPDATE SET"
    " first_seen = LEAST(d.first_seen, EXCLUDED.first_seen),"
    " last_boot = GREATEST(d.last_boot, EXCLUDED.last_boot),"
    " last_bootstrap = GREATEST(d.last_bootstrap, EXCLUDED.last_bootstrap),"
    LATEST("oui") ","
    LATEST("product_class") ","
    LATEST("serial_number") ","
    LATEST("manufacturer") ","
    LATEST("last_inform_addr") ","
    LATEST("cwmp_version") ","
    LATEST("software_version") ","
    LATEST("hardware_version") ","
    LATEST("periodic_inform_interval") ","
    LATEST("connection_request_url") ","
    LATEST("last_session_id") ","
    " last_seen = GREATEST(d.last_seen, EXCLUDED.last_seen)";

/* $1, $2: the DEVICES device_id and bootstrap_at columns. */
static const char SQL_BOOTSTRAP[] =
    "DELETE FROM parameters p USING unnest($1::text[], $2::timestamptz[]) AS b(device_id, at)"
    " WHERE b.at IS NOT NULL AND p.device_id = b.device_id AND p.updated_at < b.at";

static const char SQL_SESSIONS[] =
    "INSERT INTO sessions AS s (session_id, device_id, started_at, remote_addr, cwmp_version,"
    " gateway)"
    " SELECT DISTINCT ON (u.session_id) u.* FROM unnest($1::text[], $2::text[],"
    " $3::timestamptz[], $4::text[], $5::text[], $6::text[])"
    " AS u(session_id, device_id, started_at, remote_addr, cwmp_version, gateway)"
    " ORDER BY u.session_id"
    " ON CONFLICT (session_id) DO UPDATE SET device_id = EXCLUDED.device_id,"
    " started_at = EXCLUDED.started_at, remote_addr = EXCLUDED.remote_addr,"
    " cwmp_version = EXCLUDED.cwmp_version, gateway = EXCLUDED.gateway";

static const char SQL_EVENTS[] =
    "INSERT INTO events (device_id, session_id, code, command_key, received_at)"
    " SELECT u.device_id, u.session_id, u.code, u.command_key, COALESCE(u.at, now())"
    " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])"
    " AS u(device_id, session_id, code, command_key, at)"
    " ORDER BY u.session_id, u.code, u.command_key"
    " ON CONFLICT (session_id, code, command_key) DO NOTHING";

static const char SQL_PARAMS[] =
    "WITH u AS (SELECT DISTINCT ON (device_id, name) * FROM unnest($1::text[], $2::text[],"
    " $3::text[], $4::text[], $5::timestamptz[]) WITH ORDINALITY"
    " AS u(device_id, name, value, type, at, ord) ORDER BY device_id, name, at DESC, ord DESC)"
    " INSERT INTO parameters AS p (device_id, name, value, type, updated_at)"
    " SELECT u.device_id, u.name, u.value, u.type, u.at FROM u"
    " JOIN devices d ON d.device_id = u.device_id"
    " WHERE d.last_bootstrap IS NULL OR u.at >= d.last_bootstrap"
    " ORDER BY u.device_id, u.name"
    " ON CONFLICT (device_id, name) DO UPDATE SET value = EXCLUDED.value,"
    " type = EXCLUDED.type, updated_at = EXCLUDED.updated_at"
    " WHERE p.updated_at <= EXCLUDED.updated_at AND (p.value IS DISTINCT FROM EXCLUDED.value"
    " OR p.type IS DISTINCT FROM EXCLUDED.type)";

/* ins and upd touch disjoint rows: upd sees only rows that existed before
 * the statement, ins only adds rows that did not. */
static const char SQL_RPCS[] =
    "WITH u AS (SELECT DISTINCT ON (rpc_id) * FROM unnest($1::text[], $2::text[], $3::text[],"
    " $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[]) WITH ORDINALITY"
    " AS u(rpc_id, device_id, session_id, method, status, reason, at, detail, ord)"
    " ORDER BY rpc_id, at DESC, ord DESC),"
    " ins AS (INSERT INTO rpc_results (rpc_id, device_id, session_id, method, status, reason,"
    " completed_at, detail) SELECT rpc_id, device_id, session_id, method, status, reason, at,"
    " detail FROM u ORDER BY rpc_id ON CONFLICT (rpc_id) DO NOTHING"
    " RETURNING session_id, device_id),"
    " upd AS (UPDATE rpc_results r SET device_id = u.device_id, session_id = u.session_id,"
    " method = u.method, status = u.status, reason = u.reason, completed_at = u.at,"
    " detail = u.detail FROM u"
    " WHERE r.rpc_id = u.rpc_id AND r.completed_at <= u.at"
    " AND (r.status, r.session_id, r.reason) IS DISTINCT FROM (u.status, u.session_id, u.reason)"
    " RETURNING 1)"
    " INSERT INTO sessions AS s (session_id, device_id, rpcs)"
    " SELECT session_id, min(device_id), count(*) FROM ins WHERE session_id IS NOT NULL"
    " GROUP BY session_id ORDER BY session_id"
    " ON CONFLICT (session_id) DO UPDATE SET rpcs = LEAST(s.rpcs::bigint + EXCLUDED.rpcs, "
    "2147483647)";

static const char SQL_FAULTS[] =
    "WITH ins AS (INSERT INTO faults (message_id, device_id, session_id, rpc_id, method, code,"
    " string, detail, at)"
    " SELECT u.message_id, u.device_id, u.session_id, u.rpc_id, u.method, u.code, u.string,"
    " u.detail, COALESCE(u.at, now()) FROM unnest($1::text[], $2::text[], $3::text[],"
    " $4::text[], $5::text[], $6::int[], $7::text[], $8::jsonb[], $9::timestamptz[])"
    " AS u(message_id, device_id, session_id, rpc_id, method, code, string, detail, at)"
    " ORDER BY u.message_id ON CONFLICT (message_id) DO NOTHING"
    " RETURNING session_id, device_id, rpc_id)"
    " INSERT INTO sessions AS s (session_id, device_id, faults)"
    " SELECT session_id, min(device_id), count(*) FROM ins"
    " WHERE session_id IS NOT NULL AND rpc_id IS NOT NULL GROUP BY session_id ORDER BY session_id"
    " ON CONFLICT (session_id) DO UPDATE SET faults = LEAST(s.faults::bigint + EXCLUDED.faults, "
    "2147483647)";

/* The gateway's counts at close are authoritative, but never lower what
 * was counted from results already recorded. */
static const char SQL_CLOSES[] =
    "INSERT INTO sessions AS s (session_id, device_id, started_at, ended_at, end_reason, rpcs,"
    " faults)"
    " SELECT DISTINCT ON (u.session_id) u.session_id, u.device_id, u.started_at, u.ended_at,"
    " u.reason, COALESCE(u.rpcs, 0), COALESCE(u.faults, 0)"
    " FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::text[],"
    " $6::int[], $7::int[]) WITH ORDINALITY"
    " AS u(session_id, device_id, started_at, ended_at, reason, rpcs, faults, ord)"
    " ORDER BY u.session_id, u.ord DESC"
    " ON CONFLICT (session_id) DO UPDATE SET ended_at = EXCLUDED.ended_at,"
    " end_reason = EXCLUDED.end_reason, started_at = COALESCE(s.started_at, EXCLUDED.started_at),"
    " rpcs = GREATEST(s.rpcs, EXCLUDED.rpcs), faults = GREATEST(s.faults, EXCLUDED.faults)";

static const char SQL_CPEREQS[] =
    "INSERT INTO cpe_requests (message_id, device_id, session_id, method, body, received_at)"
    " SELECT u.message_id, u.device_id, u.session_id, u.method, u.body, COALESCE(u.at, now())"
    " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[],"
    " $6::timestamptz[]) AS u(message_id, device_id, session_id, method, body, at)"
    " ORDER BY u.message_id ON CONFLICT (message_id) DO NOTHING";

/* clang-format on */

/* Indexed by inv_op_t; run in this order. The transfer ops (no SQL here)
 * are written by inv_db_xfer.c, after these. */
static const struct {
    const char *name;
    const char *sql;
} op_stmt[INV_OP_COUNT] = {
    {"inv_devices", SQL_DEVICES},
    {"inv_sessions", SQL_SESSIONS},
    {"inv_events", SQL_EVENTS},
    {"inv_params", SQL_PARAMS},
    {"inv_rpcs", SQL_RPCS},
    {"inv_faults", SQL_FAULTS},
    {"inv_closes", SQL_CLOSES},
    {"inv_cpereqs", SQL_CPEREQS},
    {NULL, NULL},
    {NULL, NULL},
    {NULL, NULL},
};
#define BOOTSTRAP_STMT "inv_bootstrap"

inv_db_t *inv_db_new(const char *conninfo)
{
    inv_db_t *db = acs_xcalloc(1, sizeof *db);
    db->conninfo = acs_xstrdup(conninfo);
    db->transfer_timeout_s = INV_DB_TRANSFER_TIMEOUT_S;
    return db;
}

void inv_db_configure_transfers(inv_db_t *db, int timeout_s, const char *files_url,
                                const char *file_store)
{
    db->transfer_timeout_s = timeout_s;
    free(db->files_url);
    free(db->file_store);
    db->files_url = files_url && *files_url ? acs_xstrdup(files_url) : NULL;
    db->file_store = file_store && *file_store ? acs_xstrdup(file_store) : NULL;
}

void inv_db_close(inv_db_t *db)
{
    if (db && db->pg) {
        PQfinish(db->pg);
        db->pg = NULL;
    }
}

void inv_db_free(inv_db_t **db)
{
    if (!db || !*db)
        return;
    inv_db_close(*db);
    free((*db)->conninfo);
    free((*db)->files_url);
    free((*db)->file_store);
    free(*db);
    *db = NULL;
}

int inv_db_connected(const inv_db_t *db)
{
    return db->pg && PQstatus(db->pg) == CONNECTION_OK;
}

int inv_db_classify(const char *sqlstate)
{
    if (sqlstate && (strncmp(sqlstate, "22", 2) == 0 || strncmp(sqlstate, "23", 2) == 0))
        return INV_DB_DATA;
    return INV_DB_RETRY;
}

PGconn *inv_db_open(const char *conninfo)
{
    /* Keywords are processed in order and dbname (the operator's conninfo,
     * expanded) comes last, so it overrides every default here. */
    static const char *const keys[] = {"connect_timeout",
                                       "application_name",
                                       "keepalives_idle",
                                       "keepalives_interval",
                                       "keepalives_count",
                                       "dbname",
                                       NULL};
    const char *vals[] = {"5", "acs-inventory", "30", "10", "3", conninfo, NULL};

    return PQconnectdbParams(keys, vals, 1);
}

/* One line for err: what failed and PostgreSQL's message. */
static void pg_error(const inv_db_t *db, const PGresult *res, const char *what, char *err,
                     size_t errlen)
{
    const char *m = res ? PQresultErrorMessage(res) : NULL;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

    if (!m || !*m)
        m = db->pg ? PQerrorMessage(db->pg) : "not connected";
    snprintf(err, errlen, "%s: %s%s%.*s", what, state ? state : "", state ? " " : "",
             (int)strcspn(m, "\n"), m);
}

/* The status for a failed result, closing a broken connection. */
static int failed(inv_db_t *db, PGresult *res, const char *what, char *err, size_t errlen)
{
    int rc = inv_db_classify(res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL);

    pg_error(db, res, what, err, errlen);
    PQclear(res);
    if (PQstatus(db->pg) != CONNECTION_OK) {
        inv_db_close(db);
        rc = INV_DB_RETRY;
    }
    return rc;
}

static int simple(inv_db_t *db, const char *sql, char *err, size_t errlen)
{
    PGresult *res = PQexec(db->pg, sql);

    if (PQresultStatus(res) == PGRES_COMMAND_OK) {
        PQclear(res);
        return INV_DB_OK;
    }
    return failed(db, res, sql, err, errlen);
}

static int prepare_all(inv_db_t *db, char *err, size_t errlen)
{
    PGresult *res;

    for (int op = 0; op <= INV_OP_COUNT; op++) {
        const char *name = op < INV_OP_COUNT ? op_stmt[op].name : BOOTSTRAP_STMT;
        const char *sql = op < INV_OP_COUNT ? op_stmt[op].sql : SQL_BOOTSTRAP;
        if (!sql)
            continue;
        res = PQprepare(db->pg, name, sql, 0, NULL);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            (void)failed(db, res, name, err, errlen);
            return INV_DB_RETRY;
        }
        PQclear(res);
    }
    return inv_db_xfer_prepare(db, err, errlen);
}

int inv_db_connect(inv_db_t *db, const char *sql_dir, char *err, size_t errlen)
{
    int applied = 0, rc;

    inv_db_close(db);
    db->pg = inv_db_open(db->conninfo);
    if (PQstatus(db->pg) != CONNECTION_OK) {
        pg_error(db, NULL, "connect", err, errlen);
        inv_db_close(db);
        return INV_DB_RETRY;
    }
    if (sql_dir && !db->migrated) {
        rc = inv_migrate_apply(db->pg, sql_dir, &applied, err, errlen);
        if (rc != 0) {
            inv_db_close(db);
            return rc == -2 ? INV_DB_RETRY : INV_DB_DATA;
        }
        db->migrated = 1;
        acs_info("schema up to date (%d migration%s applied from %s)", applied,
                 applied == 1 ? "" : "s", sql_dir);
    }
    rc = simple(db, STATEMENT_TIMEOUT, err, errlen);
    if (rc == INV_DB_OK)
        rc = prepare_all(db, err, errlen);
    if (rc != INV_DB_OK) {
        inv_db_close(db);
        return INV_DB_RETRY;
    }
    acs_info("connected to PostgreSQL %s@%s:%s/%s", PQuser(db->pg), PQhost(db->pg), PQport(db->pg),
             PQdb(db->pg));
    return INV_DB_OK;
}

int inv_db_exec(inv_db_t *db, const char *name, int n, const char *const *params, PGresult **out,
                char *err, size_t errlen)
{
    PGresult *res = PQexecPrepared(db->pg, name, n, params, NULL, NULL, 0);

    if (out)
        *out = NULL;
    if (PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK) {
        if (out)
            *out = res;
        else
            PQclear(res);
        return INV_DB_OK;
    }
    return failed(db, res, name, err, errlen);
}

static int write_ops(inv_db_t *db, const inv_batch_t *b, char *err, size_t errlen)
{
    const char *params[INV_OP_MAXCOLS];
    int rc;

    rc = inv_db_xfer_lock(db, b, err, errlen);
    if (rc != INV_DB_OK)
        return rc;
    for (int op = 0; op < INV_OP_COUNT; op++) {
        if (inv_batch_rows(b, op) == 0 || !op_stmt[op].sql)
            continue;
        for (int c = 0; c < inv_batch_ncols(op); c++)
            params[c] = inv_batch_array(b, op, c);
        rc = inv_db_exec(db, op_stmt[op].name, inv_batch_ncols(op), params, NULL, err, errlen);
        if (rc != INV_DB_OK)
            return rc;
        if (op == INV_OP_DEVICES && inv_batch_bootstraps(b) > 0) {
            params[1] = inv_batch_array(b, INV_OP_DEVICES, 14);
            rc = inv_db_exec(db, BOOTSTRAP_STMT, 2, params, NULL, err, errlen);
            if (rc != INV_DB_OK)
                return rc;
        }
    }
    return inv_db_xfer_write(db, b, err, errlen);
}

int inv_db_write(inv_db_t *db, const inv_batch_t *b, char *err, size_t errlen)
{
    int rc;

    if (inv_batch_total_rows(b) == 0)
        return INV_DB_OK;
    if (!inv_db_connected(db)) {
        snprintf(err, errlen, "not connected");
        return INV_DB_RETRY;
    }
    db->uploads_recorded = db->uploads_unread = db->uploads_refused = 0;
    rc = simple(db, "BEGIN", err, errlen);
    if (rc == INV_DB_OK)
        rc = write_ops(db, b, err, errlen);
    if (rc == INV_DB_OK)
        rc = simple(db, "COMMIT", err, errlen);
    else if (db->pg)
        PQclear(PQexec(db->pg, "ROLLBACK"));
    if (rc == INV_DB_OK)
        inv_stats_uploads(db->uploads_recorded, db->uploads_unread, db->uploads_refused);
    return rc;
}
