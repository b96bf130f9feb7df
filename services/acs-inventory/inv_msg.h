/* inv_msg: inventory messages (JSON bodies from halyard.events) -> rows.
 *
 * Pure: no I/O, no globals. A batch collects, for each kind of write
 * ("op"), one PostgreSQL text[] array literal per column, so the database
 * layer writes a whole batch with one statement per op (INSERT ... SELECT
 * FROM unnest($1::text[], ...)) instead of one round trip per row: a
 * 200-parameter Inform costs the same few statements as a 2-parameter one.
 *
 * Validation follows proto-json/: "type", "version" (1), "message_id",
 * "device_id" on every message, then per type (see inv_msg_add). A message
 * that fails is rejected as a whole with a reason: nothing of it stays in
 * the batch.
 */
#ifndef INV_MSG_H
#define INV_MSG_H

#include "acs_buf.h"

#include <stddef.h>

/* Largest body accepted; bigger ones are rejected "too-large" before any
 * parsing (a full GetParameterValues of a big device is about 1 MB). */
#define INV_MSG_MAX_BODY (8u * 1024 * 1024)

/* Why a message is rejected (dead-lettered). The names are metric labels. */
typedef enum {
    INV_REJECT_BAD_JSON = 0, /* not JSON, or not an object */
    INV_REJECT_TOO_LARGE,    /* body over INV_MSG_MAX_BODY */
    INV_REJECT_BAD_VERSION,  /* "version" is not 1 */
    INV_REJECT_UNKNOWN_TYPE, /* "type" is not one this service reads */
    INV_REJECT_MISSING_FIELD,
    INV_REJECT_BAD_FIELD,  /* wrong JSON type, out of bounds, bad timestamp */
    INV_REJECT_DATA_ERROR, /* PostgreSQL refused it on its own (set by the caller) */
    INV_REJECT_COUNT
} inv_reject_t;

typedef enum {
    INV_MSG_INFORM = 0,
    INV_MSG_RPC_RESULT,
    INV_MSG_SESSION_CLOSED,
    INV_MSG_TRANSFER_COMPLETE,
    /* CPE requests recorded in cpe_requests (see inv_msg_cpe.h) */
    INV_MSG_AUTONOMOUS_TRANSFER_COMPLETE,
    INV_MSG_DU_STATE_CHANGE_COMPLETE,
    INV_MSG_AUTONOMOUS_DU_STATE_CHANGE_COMPLETE,
    INV_MSG_REQUEST_DOWNLOAD,
    INV_MSG_KICKED,
    INV_MSG_TYPE_COUNT
} inv_msg_type_t;

/* "bad-json", "too-large", ... ; "inform", "rpc.result", ... Static strings. */
const char *inv_msg_reject_name(inv_reject_t r);
const char *inv_msg_type_name(inv_msg_type_t t);

/* The ops, in the order the database layer must run them (later ones rely
 * on rows written by earlier ones: parameters need their device row). Each
 * op's columns, in order, are listed; "ts" columns hold timestamps, "int"
 * columns decimal integers, NULL is SQL NULL.
 *
 * DEVICES  device_id, oui, product_class, serial_number, manufacturer,
 *          seen_at ts, inform_addr, cwmp_version, software_version,
 *          hardware_version, periodic_inform_interval int,
 *          connection_request_url, session_id, boot_at ts, bootstrap_at ts
 *          (one row per inform; boot_at / bootstrap_at = seen_at when the
 *          inform carried "1 BOOT" / "0 BOOTSTRAP", else NULL)
 * SESSIONS session_id, device_id, started_at ts, remote_addr, cwmp_version,
 *          gateway                (one row per inform that names its session)
 * EVENTS   device_id, session_id, code, command_key, received_at ts (NULL:
 *          the database's now()); an inform without session_id uses
 *          "msg:" + message_id as session_id, so duplicates still collapse
 * PARAMS   device_id, name, value, type, updated_at ts
 * RPCS     rpc_id, device_id, session_id, method, status, reason,
 *          completed_at ts, detail
 * FAULTS   message_id, device_id, session_id, rpc_id, method, code int,
 *          string, detail (JSON text), at ts (NULL: now())
 * CLOSES   session_id, device_id, started_at ts, ended_at ts, reason,
 *          rpcs int, faults int
 * CPEREQS  message_id, device_id, session_id, method, body (JSON text),
 *          received_at ts (NULL: now())
 * XFER_RESULTS  (an rpc.result of Download, Upload, ScheduleDownload)
 *          rpc_id, device_id, session_id, command_key, method, is_download
 *          bool, file_type, url, file_size int, target_file_name, state
 *          (pending, completed, failed), fault_code int, fault_string,
 *          start_time, complete_time, result_at ts (the completed_at),
 *          window_s int (seconds the pending transfer may take on top of
 *          the timeout: the last ScheduleDownload window end, else 0)
 * XFER_DONE  (a transfer.complete) message_id, device_id, session_id,
 *          command_key, fault_code int, fault_string, start_time,
 *          complete_time, received_at ts (NULL: now())
 * XFER_AUTO  (an autonomous.transfer.complete) message_id, device_id,
 *          session_id, is_download bool, file_type, url, file_size int,
 *          target_file_name, fault_code int, fault_string, start_time,
 *          complete_time, received_at ts (NULL: now())
 * bool columns hold "t" or "f".
 */
typedef enum {
    INV_OP_DEVICES = 0,
    INV_OP_SESSIONS,
    INV_OP_EVENTS,
    INV_OP_PARAMS,
    INV_OP_RPCS,
    INV_OP_FAULTS,
    INV_OP_CLOSES,
    INV_OP_CPEREQS,
    INV_OP_XFER_RESULTS,
    INV_OP_XFER_DONE,
    INV_OP_XFER_AUTO,
    INV_OP_COUNT
} inv_op_t;

#define INV_OP_MAXCOLS 17

typedef struct inv_batch inv_batch_t;

/* An empty batch. Never returns NULL. */
inv_batch_t *inv_batch_new(void);
/* Empty it, memory kept. */
void inv_batch_reset(inv_batch_t *b);
/* Free it and clear *b; accepts NULL and *b == NULL. */
void inv_batch_free(inv_batch_t **b);

/* Number of columns of op (its statement takes that many parameters). */
int inv_batch_ncols(inv_op_t op);
/* Rows collected for op. */
size_t inv_batch_rows(const inv_batch_t *b, inv_op_t op);
/* Total rows over every op (0: nothing to write). */
size_t inv_batch_total_rows(const inv_batch_t *b);
/* Informs in the batch carrying "0 BOOTSTRAP". */
size_t inv_batch_bootstraps(const inv_batch_t *b);
/* The text[] literal of column col of op, e.g. {"a",NULL,"b\"c"}; "{}"
 * when the op has no rows. Owned by the batch, valid until it changes. */
const char *inv_batch_array(const inv_batch_t *b, inv_op_t op, int col);

/* Append one element to a PostgreSQL array literal held in col, which
 * must hold "{}" or a literal built by earlier calls: v in double quotes
 * with " and backslash escaped, or NULL when v is NULL. */
void inv_batch_array_push(acs_buf_t *col, const char *v);

/* Validate one message body (len bytes, need not be NUL-terminated) and
 * append its rows to b. Returns 0 with *type set, or -1 with *reason set and
 * a one-line explanation in err (errlen bytes); b is then unchanged. Never
 * blocks; bad input is never a crash.
 *
 * inform          session_id?, received_at, device{oui, serial_number,
 *                 manufacturer?, product_class?}, events[{code,
 *                 command_key?}], parameters?[{name, value, type?}],
 *                 remote_addr?, gateway?, cwmp_version?
 * rpc.result      id, session_id, method, status ok|fault|failed,
 *                 completed_at, result?, fault (when status is fault)
 *                 {code, string}, reason?, detail?; an ok GetParameterValues with
 *                 result.parameters updates parameters; Download, Upload and
 *                 ScheduleDownload also write XFER_RESULTS (inv_msg_cpe.h)
 * session.closed  session_id, ended_at, reason?, started_at?, rpcs?, faults?
 * transfer.complete session_id, command_key?, fault?{code, string},
 *                 start_time?, complete_time?, received_at?; an event
 *                 "7 TRANSFER COMPLETE", an XFER_DONE row, and a FAULTS row
 *                 when fault.code is not 0
 * and the CPE requests of inv_msg_cpe.h (cpe_requests, transfers).
 */
int inv_msg_add(inv_batch_t *b, const char *body, size_t len, inv_msg_type_t *type,
                inv_reject_t *reason, char *err, size_t errlen) __attribute__((warn_unused_result));

/* 1 if s is a Halyard timestamp (proto-json common "timestamp": RFC 3339,
 * 2024-05-01T12:00:00.123Z or with a +hh:mm offset, fields in range). */
int inv_msg_timestamp_valid(const char *s);

#endif
