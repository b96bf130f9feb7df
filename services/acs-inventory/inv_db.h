/* inv_db: the inventory's blocking PostgreSQL connection and batch writes.
 *
 * Owned by one thread (the consumer). A batch is written in one
 * transaction with one prepared statement per op that has rows (see
 * inv_msg.h), each taking whole columns as text[] arrays and unnesting
 * them; every write is an upsert or an insert that ignores duplicates, so
 * writing the same messages twice (a broker redelivery) changes nothing.
 *
 * Errors are sorted by what the caller should do with the batch:
 *   INV_DB_DATA   PostgreSQL refused the data (SQLSTATE class 22 or 23):
 *                 retrying will not help; isolate the message at fault.
 *   INV_DB_RETRY  anything else (connection lost, server shutting down,
 *                 deadlock, missing table...): keep the messages and try
 *                 again later. The connection is closed when it is broken.
 * A schema problem therefore stalls the queue rather than dead-lettering
 * every message.
 */
#ifndef INV_DB_H
#define INV_DB_H

#include "inv_msg.h"

#include <libpq-fe.h>
#include <stddef.h>

typedef enum {
    INV_DB_OK = 0,
    INV_DB_DATA = -1,
    INV_DB_RETRY = -2,
} inv_db_status_t;

typedef struct inv_db inv_db_t;

/* How long a transfer the CPE accepted may stay pending before the sweep
 * marks it timed_out (ACS_TRANSFER_TIMEOUT_S), and how many it marks per
 * statement. */
#define INV_DB_TRANSFER_TIMEOUT_S 3600
#define INV_DB_SWEEP_LIMIT 1000

/* A handle for conninfo (a libpq connection string or URI; copied). Not
 * connected yet. Never returns NULL. */
inv_db_t *inv_db_new(const char *conninfo);

/* Transfers: pending ones get timeout_s (1..) after the CPE accepted them;
 * a completed Upload into <files_url>/upload/ is recorded in files, with
 * the size and SHA-256 of the file under file_store when that is set and
 * readable. NULL or "" disables either. Strings copied. */
void inv_db_configure_transfers(inv_db_t *db, int timeout_s, const char *files_url,
                                const char *file_store);

/* Connect (blocking, at most connect_timeout: 5 s unless conninfo sets it)
 * and, when sql_dir is not NULL, apply pending migrations from it (see
 * inv_migrate.h), then prepare the statements. Returns INV_DB_OK,
 * INV_DB_RETRY (cannot connect: try later), or INV_DB_DATA when a
 * migration failed (a broken release: do not retry). Reason in err. */
int inv_db_connect(inv_db_t *db, const char *sql_dir, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* 1 while the connection is open and usable. */
int inv_db_connected(const inv_db_t *db);

/* Write every row of b in one transaction and commit (blocking). Returns
 * INV_DB_OK when committed, else INV_DB_DATA or INV_DB_RETRY as above with
 * the transaction rolled back and a reason in err. An empty batch is OK
 * without a round trip. */
int inv_db_write(inv_db_t *db, const inv_batch_t *b, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Mark pending transfers past their deadline timed_out and write a faults
 * row for each (code 0, string "transfer timed out", detail.reason
 * "transfer-timeout"), at most INV_DB_SWEEP_LIMIT, in one statement of its
 * own transaction. Rows another transaction holds are skipped (they are
 * being completed), so several inventories may sweep at once and each
 * transfer times out once. Returns INV_DB_OK with the count in
 * *timed_out, else as inv_db_write. Blocking. */
int inv_db_sweep(inv_db_t *db, int *timed_out, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Close the connection (the handle stays, ready to connect again). */
void inv_db_close(inv_db_t *db);

/* Close and free; clears *db. Accepts NULL and *db == NULL. */
void inv_db_free(inv_db_t **db);

/* Open a connection to conninfo with the inventory's defaults
 * (application_name, connect_timeout). Returns the connection (check
 * PQstatus; caller PQfinish-es it). Blocking. */
PGconn *inv_db_open(const char *conninfo);

/* The SQLSTATE class of res decides: INV_DB_DATA for 22 and 23, else
 * INV_DB_RETRY. Pure. */
int inv_db_classify(const char *sqlstate);

#endif
