/* inv_db_xfer: transfers, their timeouts, and the uploads they leave in the
 * file store (see inv_db_int.h, inv_msg_cpe.h, docs/inventory.md).
 *
 * A transfer is reported twice: the rpc.result of its Download, Upload or
 * ScheduleDownload (the CPE accepted it: pending; or refused it; or, with
 * status 0, already did it) and later the CPE's TransferComplete. The two
 * may reach the inventory in either order, more than once, and through
 * different inventories, and the outcome must be recorded once:
 *
 *   rpc.result   the row of its rpc_id exists: updated only by a newer
 *                result, and never once a completion is recorded in it.
 *                Else, if the CPE accepted it and an unmatched completion
 *                of the same (device, command key) is there, no older than
 *                the result (less MATCH_SLACK for clocks), it takes that
 *                row: the outcome stays, the request's details fill in.
 *                Else a new row.
 *   transfer.complete   its message_id recorded already: nothing. Else the
 *                newest pending or timed_out transfer of (device, command
 *                key) requested before it (plus MATCH_SLACK) becomes
 *                completed or failed; none: an unmatched row (method
 *                'Unknown', rpc_id NULL) keeps the outcome.
 *   autonomous.transfer.complete   a row of its own (method 'Autonomous'),
 *                once per message_id.
 *
 * Both halves of a pair lock their (device, command key) first, with a
 * transaction advisory lock, all of a batch in one statement in key order,
 * before any other write; so two inventories writing the two halves
 * cannot both miss each other. Within a batch, rows are written in
 * "rounds": round r takes the r-th row of each (device, command key) in
 * arrival order, so two completions of one key in one batch find two
 * different transfers, one after the other.
 *
 * Statements return the transfers that just became a completed upload;
 * those whose URL points into the store are recorded in files in the same
 * transaction.
 */
#include "inv_db_int.h"

#include "acs_buf.h"
#include "acs_log.h"
#include "inv_files.h"
#include "inv_msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How far apart the clocks of two gateways may be (a completion can seem
 * to come a little before its request). */
#define MATCH_SLACK "interval '60 seconds'"
/* Advisory lock class for (device, command key): "HALY". */
#define LOCK_CLASS "1212238937"

/* The SQL is laid out by hand, as in inv_db.c. */
/* clang-format off */

/* $1, $2: XFER_RESULTS device_id, command_key; $3, $4: XFER_DONE's. */
static const char SQL_LOCK[] =
    "SELECT pg_advisory_xact_lock(" LOCK_CLASS ", l.k) FROM (SELECT DISTINCT"
    " hashtext(u.d || ' ' || u.c) AS k FROM (SELECT * FROM unnest($1::text[], $2::text[])"
    " UNION ALL SELECT * FROM unnest($3::text[], $4::text[])) AS u(d, c) ORDER BY 1) AS l";

/* Every round statement returns rows (kind, a, b, c): kind 0 once with a =
 * how many rows are left for later rounds; kind 1 per completed upload
 * with a = device_id, b = url, c = file_type. */
#define ROUND_TAIL(round, done)                                                                    \
    " SELECT 0 AS kind, (SELECT count(*) FROM r WHERE rk > " round ")::text, NULL::text,"         \
    " NULL::text UNION ALL SELECT 1, device_id, url, file_type FROM " done                         \
    " WHERE is_download IS FALSE AND state = 'completed' AND url IS NOT NULL"

/* $1..$17 the XFER_RESULTS columns, $18 the timeout in seconds, $19 the round. */
static const char SQL_RESULTS[] =
    "WITH a AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
    " $6::boolean[], $7::text[], $8::text[], $9::bigint[], $10::text[], $11::text[], $12::int[],"
    " $13::text[], $14::text[], $15::text[], $16::timestamptz[], $17::int[]) WITH ORDINALITY"
    " AS a(rpc_id, device_id, session_id, command_key, method, is_download, file_type, url,"
    " file_size, target_file_name, state, fault_code, fault_string, start_time, complete_time,"
    " result_at, window_s, ord)),"
    " r AS (SELECT a.*, row_number() OVER (PARTITION BY device_id, command_key ORDER BY ord)"
    " AS rk FROM a),"
    " u AS (SELECT r.*, t.id AS tid, t.result_at AS t_at, t.complete_message_id AS t_msg,"
    " CASE WHEN r.state = 'pending' THEN r.result_at"
    " + make_interval(secs => $18::float8 + r.window_s) END AS due"
    " FROM r LEFT JOIN transfers t ON t.rpc_id = r.rpc_id WHERE r.rk = $19),"
    " upd AS (UPDATE transfers t SET command_key = u.command_key, method = u.method,"
    " is_download = u.is_download, file_type = u.file_type, url = u.url,"
    " file_size = u.file_size, target_file_name = u.target_file_name, state = u.state,"
    " fault_code = u.fault_code, fault_string = u.fault_string, start_time = u.start_time,"
    " complete_time = u.complete_time,"
    " requested_at = CASE WHEN u.state <> 'failed' THEN u.result_at END, deadline = u.due,"
    " completed_at = CASE WHEN u.state <> 'pending' THEN u.result_at END,"
    " session_id = CASE WHEN u.state <> 'pending' THEN u.session_id END,"
    " result_at = u.result_at FROM u"
    " WHERE t.id = u.tid AND u.t_msg IS NULL AND (u.t_at IS NULL OR u.result_at > u.t_at)"
    " RETURNING t.id, t.device_id, t.is_download, t.url, t.file_type, t.state),"
    " att AS (UPDATE transfers t SET rpc_id = c.rpc_id, method = c.method,"
    " is_download = c.is_download, file_type = c.file_type, url = c.url,"
    " file_size = c.file_size, target_file_name = c.target_file_name,"
    " requested_at = c.result_at, result_at = c.result_at"
    " FROM (SELECT u.*, (SELECT x.id FROM transfers x WHERE x.device_id = u.device_id"
    " AND x.command_key = u.command_key AND x.rpc_id IS NULL AND x.method = 'Unknown'"
    " AND x.completed_at >= u.result_at - " MATCH_SLACK
    " ORDER BY x.completed_at DESC, x.id DESC LIMIT 1) AS cid"
    " FROM u WHERE u.tid IS NULL AND u.state = 'pending') c WHERE t.id = c.cid"
    " RETURNING t.id, t.rpc_id, t.device_id, t.is_download, t.url, t.file_type, t.state),"
    " ins AS (INSERT INTO transfers (device_id, command_key, rpc_id, method, is_download,"
    " file_type, url, file_size, target_file_name, state, fault_code, fault_string,"
    " requested_at, deadline, start_time, complete_time, completed_at, session_id, result_at)"
    " SELECT u.device_id, u.command_key, u.rpc_id, u.method, u.is_download, u.file_type, u.url,"
    " u.file_size, u.target_file_name, u.state, u.fault_code, u.fault_string,"
    " CASE WHEN u.state <> 'failed' THEN u.result_at END, u.due, u.start_time,"
    " u.complete_time, CASE WHEN u.state <> 'pending' THEN u.result_at END,"
    " CASE WHEN u.state <> 'pending' THEN u.session_id END, u.result_at FROM u"
    " WHERE u.tid IS NULL AND NOT EXISTS (SELECT 1 FROM att WHERE att.rpc_id = u.rpc_id)"
    " ORDER BY u.rpc_id ON CONFLICT (rpc_id) WHERE rpc_id IS NOT NULL DO NOTHING"
    " RETURNING id, device_id, is_download, url, file_type, state),"
    " done AS (SELECT id, device_id, is_download, url, file_type, state FROM upd"
    " UNION ALL SELECT id, device_id, is_download, url, file_type, state FROM att"
    " UNION ALL SELECT * FROM ins)"
    ROUND_TAIL("$19", "done");

/* $1..$9 the XFER_DONE columns, $10 the round. */
static const char SQL_DONE[] =
    "WITH a AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[],"
    " $6::text[], $7::text[], $8::text[], $9::timestamptz[]) WITH ORDINALITY"
    " AS a(message_id, device_id, session_id, command_key, code, string, start_time,"
    " complete_time, at, ord)),"
    " r AS (SELECT a.*, row_number() OVER (PARTITION BY device_id, command_key ORDER BY ord)"
    " AS rk FROM a),"
    " u AS (SELECT r.message_id, r.device_id, r.session_id, r.command_key, r.code, r.string,"
    " r.start_time, r.complete_time, COALESCE(r.at, now()) AS at FROM r WHERE r.rk = $10"
    " AND NOT EXISTS (SELECT 1 FROM transfers d WHERE d.complete_message_id = r.message_id)),"
    " m AS (SELECT u.*, (SELECT x.id FROM transfers x WHERE x.device_id = u.device_id"
    " AND x.command_key = u.command_key AND x.state IN ('pending', 'timed_out')"
    " AND (x.requested_at IS NULL OR x.requested_at <= u.at + " MATCH_SLACK ")"
    " ORDER BY x.requested_at DESC NULLS LAST, x.id DESC LIMIT 1) AS tid FROM u),"
    " upd AS (UPDATE transfers t"
    " SET state = CASE WHEN m.code = 0 THEN 'completed' ELSE 'failed' END,"
    " fault_code = m.code, fault_string = NULLIF(m.string, ''), start_time = m.start_time,"
    " complete_time = m.complete_time, completed_at = m.at, session_id = m.session_id,"
    " deadline = NULL, complete_message_id = m.message_id FROM m WHERE t.id = m.tid"
    " RETURNING t.id, t.device_id, t.is_download, t.url, t.file_type, t.state),"
    " ins AS (INSERT INTO transfers (device_id, command_key, method, state, fault_code,"
    " fault_string, start_time, complete_time, completed_at, session_id, complete_message_id)"
    " SELECT device_id, command_key, 'Unknown',"
    " CASE WHEN code = 0 THEN 'completed' ELSE 'failed' END, code, NULLIF(string, ''),"
    " start_time, complete_time, at, session_id, message_id FROM m WHERE tid IS NULL"
    " ORDER BY message_id"
    " ON CONFLICT (complete_message_id) WHERE complete_message_id IS NOT NULL DO NOTHING)"
    ROUND_TAIL("$10", "upd");

/* $1..$13 the XFER_AUTO columns. Same result rows as a round, without
 * the kind 0 row. */
static const char SQL_AUTO[] =
    "WITH ins AS (INSERT INTO transfers (device_id, command_key, method, is_download, file_type,"
    " url, file_size, target_file_name, state, fault_code, fault_string, start_time,"
    " complete_time, completed_at, session_id, complete_message_id)"
    " SELECT u.device_id, '', 'Autonomous', u.is_download, u.file_type, u.url, u.file_size,"
    " u.target_file_name, CASE WHEN u.code = 0 THEN 'completed' ELSE 'failed' END, u.code,"
    " NULLIF(u.string, ''), u.start_time, u.complete_time, COALESCE(u.at, now()),"
    " u.session_id, u.message_id FROM unnest($1::text[], $2::text[], $3::text[],"
    " $4::boolean[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::int[], $10::text[],"
    " $11::text[], $12::text[], $13::timestamptz[]) AS u(message_id, device_id, session_id,"
    " is_download, file_type, url, file_size, target_file_name, code, string, start_time,"
    " complete_time, at) ORDER BY u.message_id"
    " ON CONFLICT (complete_message_id) WHERE complete_message_id IS NOT NULL DO NOTHING"
    " RETURNING device_id, is_download, url, file_type, state)"
    " SELECT 1 AS kind, device_id, url, file_type FROM ins"
    " WHERE is_download IS FALSE AND state = 'completed' AND url IS NOT NULL";

/* $1 name, $2 kind, $3 file_type, $4 size, $5 sha256, $6 device_id. A new
 * upload under a name replaces what was recorded for it. */
static const char SQL_FILES[] =
    "INSERT INTO files AS f (name, kind, file_type, size, sha256, device_id, source)"
    " SELECT DISTINCT ON (u.name) u.name, u.kind, u.file_type, u.size, u.sha256, u.device_id,"
    " 'upload' FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[],"
    " $6::text[]) WITH ORDINALITY AS u(name, kind, file_type, size, sha256, device_id, ord)"
    " ORDER BY u.name, u.ord DESC"
    " ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, file_type = EXCLUDED.file_type,"
    " size = EXCLUDED.size, sha256 = EXCLUDED.sha256, device_id = EXCLUDED.device_id,"
    " created_at = now() WHERE f.source = 'upload'"
    " AND (f.kind, f.file_type, f.size, f.sha256, f.device_id) IS DISTINCT FROM"
    " (EXCLUDED.kind, EXCLUDED.file_type, EXCLUDED.size, EXCLUDED.sha256, EXCLUDED.device_id)";

/* $1 the most rows to mark. SKIP LOCKED: a row another transaction holds
 * is being completed right now; the next sweep sees it if that rolls back. */
static const char SQL_SWEEP[] =
    "WITH due AS (SELECT id FROM transfers WHERE state = 'pending' AND deadline < now()"
    " ORDER BY deadline, id LIMIT $1 FOR UPDATE SKIP LOCKED),"
    " t AS (UPDATE transfers x SET state = 'timed_out' FROM due"
    " WHERE x.id = due.id AND x.state = 'pending'"
    " RETURNING x.id, x.device_id, x.rpc_id, x.method, x.command_key, x.requested_at,"
    " x.deadline),"
    " f AS (INSERT INTO faults (message_id, device_id, rpc_id, method, code, string, detail, at)"
    " SELECT 'transfer-timeout:' || t.id || ':' || extract(epoch FROM t.deadline)::bigint,"
    " t.device_id, t.rpc_id, t.method, 0, 'transfer timed out',"
    " jsonb_build_object('reason', 'transfer-timeout', 'transfer_id', t.id,"
    " 'command_key', t.command_key, 'requested_at', t.requested_at, 'deadline', t.deadline),"
    " now() FROM t ORDER BY 1 ON CONFLICT (message_id) DO NOTHING)"
    " SELECT count(*) FROM t";

/* clang-format on */

static const struct {
    const char *name, *sql;
} stmts[] = {
    {"inv_xfer_lock", SQL_LOCK}, {"inv_xfer_results", SQL_RESULTS}, {"inv_xfer_done", SQL_DONE},
    {"inv_xfer_auto", SQL_AUTO}, {"inv_xfer_files", SQL_FILES},     {"inv_xfer_sweep", SQL_SWEEP},
};

/* The files rows being collected for one transaction. */
typedef struct {
    acs_buf_t col[6];
    size_t rows;
} files_t;

int inv_db_xfer_prepare(inv_db_t *db, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++) {
        PGresult *res = PQprepare(db->pg, stmts[i].name, stmts[i].sql, 0, NULL);
        int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        if (!ok) {
            const char *m = PQresultErrorMessage(res);
            snprintf(err, errlen, "%s: %.*s", stmts[i].name, (int)strcspn(m, "\n"), m);
        }
        PQclear(res);
        if (!ok)
            return INV_DB_RETRY;
    }
    return INV_DB_OK;
}

int inv_db_xfer_lock(inv_db_t *db, const inv_batch_t *b, char *err, size_t errlen)
{
    const char *params[4] = {
        inv_batch_array(b, INV_OP_XFER_RESULTS, 1), inv_batch_array(b, INV_OP_XFER_RESULTS, 3),
        inv_batch_array(b, INV_OP_XFER_DONE, 1), inv_batch_array(b, INV_OP_XFER_DONE, 3)};

    if (inv_batch_rows(b, INV_OP_XFER_RESULTS) == 0 && inv_batch_rows(b, INV_OP_XFER_DONE) == 0)
        return INV_DB_OK;
    return inv_db_exec(db, "inv_xfer_lock", 4, params, NULL, err, errlen);
}

/* A completed upload: record it when its URL points into the store. */
static void upload_done(inv_db_t *db, files_t *f, const char *device_id, const char *url,
                        const char *file_type)
{
    char name[INV_FILES_NAME_MAX], why[256], hex[65], size[24];
    const char *row[6];
    long long n = 0;
    int rc = inv_files_upload_name(db->files_url, url, name, sizeof name, why, sizeof why);

    if (rc > 0)
        return; /* uploaded elsewhere: nothing of ours to record */
    if (rc < 0) {
        db->uploads_refused++;
        acs_log_kv(ACS_LOG_WARN, "upload not recorded in files", "device", device_id, "reason", why,
                   NULL);
        return;
    }
    row[0] = name;
    row[1] = inv_files_kind(file_type);
    row[2] = file_type;
    row[3] = row[4] = NULL;
    row[5] = device_id;
    if (db->file_store && inv_files_digest(db->file_store, name, &n, hex, why, sizeof why) == 0) {
        snprintf(size, sizeof size, "%lld", n);
        row[3] = size;
        row[4] = hex;
    } else {
        db->uploads_unread++;
        if (db->file_store)
            acs_log_kv(ACS_LOG_WARN, "uploaded file not readable; recorded without size", "device",
                       device_id, "reason", why, NULL);
    }
    for (int c = 0; c < 6; c++)
        inv_batch_array_push(&f->col[c], row[c]);
    f->rows++;
    db->uploads_recorded++;
}

/* Read a statement's rows: uploads into f; returns the rows left for
 * later rounds (kind 0), 0 when there is none. */
static long take_rows(inv_db_t *db, PGresult *res, files_t *f)
{
    long left = 0;

    for (int i = 0; i < PQntuples(res); i++) {
        if (strcmp(PQgetvalue(res, i, 0), "0") == 0)
            left = strtol(PQgetvalue(res, i, 1), NULL, 10);
        else if (!PQgetisnull(res, i, 2))
            upload_done(db, f, PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
                        PQgetisnull(res, i, 3) ? NULL : PQgetvalue(res, i, 3));
    }
    return left;
}

/* Run a round statement until no row is left (at most one round per row:
 * a guard, the statement says when it is done). */
static int rounds(inv_db_t *db, const inv_batch_t *b, inv_op_t op, const char *name,
                  const char *timeout, files_t *f, char *err, size_t errlen)
{
    const char *params[INV_OP_MAXCOLS + 2];
    int n = inv_batch_ncols(op), rc = INV_DB_OK;
    size_t max = inv_batch_rows(b, op);
    char round[24];
    PGresult *res;

    for (int c = 0; c < n; c++)
        params[c] = inv_batch_array(b, op, c);
    if (timeout)
        params[n++] = timeout;
    params[n++] = round;
    for (size_t r = 1; r <= max && rc == INV_DB_OK; r++) {
        snprintf(round, sizeof round, "%zu", r);
        rc = inv_db_exec(db, name, n, params, &res, err, errlen);
        if (rc != INV_DB_OK)
            break;
        long left = take_rows(db, res, f);
        PQclear(res);
        if (left == 0)
            break;
    }
    return rc;
}

static int write_transfers(inv_db_t *db, const inv_batch_t *b, files_t *f, char *err, size_t errlen)
{
    const char *params[INV_OP_MAXCOLS];
    char timeout[24];
    PGresult *res;
    int rc = INV_DB_OK;

    snprintf(timeout, sizeof timeout, "%d", db->transfer_timeout_s);
    if (inv_batch_rows(b, INV_OP_XFER_RESULTS) > 0)
        rc = rounds(db, b, INV_OP_XFER_RESULTS, "inv_xfer_results", timeout, f, err, errlen);
    if (rc == INV_DB_OK && inv_batch_rows(b, INV_OP_XFER_DONE) > 0)
        rc = rounds(db, b, INV_OP_XFER_DONE, "inv_xfer_done", NULL, f, err, errlen);
    if (rc == INV_DB_OK && inv_batch_rows(b, INV_OP_XFER_AUTO) > 0) {
        for (int c = 0; c < inv_batch_ncols(INV_OP_XFER_AUTO); c++)
            params[c] = inv_batch_array(b, INV_OP_XFER_AUTO, c);
        rc = inv_db_exec(db, "inv_xfer_auto", inv_batch_ncols(INV_OP_XFER_AUTO), params, &res, err,
                         errlen);
        if (rc == INV_DB_OK) {
            (void)take_rows(db, res, f);
            PQclear(res);
        }
    }
    return rc;
}

int inv_db_xfer_write(inv_db_t *db, const inv_batch_t *b, char *err, size_t errlen)
{
    files_t f;
    const char *params[6];
    int rc;

    memset(&f, 0, sizeof f);
    for (int c = 0; c < 6; c++)
        acs_buf_puts(&f.col[c], "{}");
    rc = write_transfers(db, b, &f, err, errlen);
    if (rc == INV_DB_OK && f.rows > 0) {
        for (int c = 0; c < 6; c++)
            params[c] = f.col[c].data;
        rc = inv_db_exec(db, "inv_xfer_files", 6, params, NULL, err, errlen);
    }
    for (int c = 0; c < 6; c++)
        acs_buf_free(&f.col[c]);
    return rc;
}

int inv_db_sweep(inv_db_t *db, int *timed_out, char *err, size_t errlen)
{
    char limit[24];
    const char *params[1] = {limit};
    PGresult *res;
    int rc;

    *timed_out = 0;
    if (!inv_db_connected(db)) {
        snprintf(err, errlen, "not connected");
        return INV_DB_RETRY;
    }
    snprintf(limit, sizeof limit, "%d", INV_DB_SWEEP_LIMIT);
    rc = inv_db_exec(db, "inv_xfer_sweep", 1, params, &res, err, errlen);
    if (rc != INV_DB_OK)
        return rc;
    if (PQntuples(res) == 1)
        *timed_out = (int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return INV_DB_OK;
}
