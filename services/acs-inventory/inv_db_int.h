/* inv_db_int: what inv_db.c and inv_db_xfer.c share. Not for other
 * modules: they use inv_db.h. */
#ifndef INV_DB_INT_H
#define INV_DB_INT_H

#include "inv_db.h"

#include <libpq-fe.h>
#include <stddef.h>

struct inv_db {
    char *conninfo;
    PGconn *pg;
    int migrated; /* migrations are applied once, at the first connection */
    int transfer_timeout_s;
    char *files_url;  /* NULL: uploads are not recorded in files */
    char *file_store; /* NULL: recorded without size and sha256 */
    /* Counted while writing; reported to inv_stats only after COMMIT. */
    unsigned uploads_recorded, uploads_unread, uploads_refused;
};

/* Run prepared statement name with n text parameters. Returns INV_DB_OK
 * with the result in *res (caller PQclear-s it; res may be NULL to drop
 * it), or INV_DB_DATA / INV_DB_RETRY with a reason in err (the
 * connection closed when broken). Blocking. */
int inv_db_exec(inv_db_t *db, const char *name, int n, const char *const *params, PGresult **res,
                char *err, size_t errlen) __attribute__((warn_unused_result));

/* Prepare the transfer statements on db->pg. INV_DB_OK or INV_DB_RETRY. */
int inv_db_xfer_prepare(inv_db_t *db, char *err, size_t errlen) __attribute__((warn_unused_result));

/* Inside the open transaction: take the (device, command key) locks the
 * transfer rows of b need. Call before any other write of the batch. */
int inv_db_xfer_lock(inv_db_t *db, const inv_batch_t *b, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Inside the open transaction: write b's XFER_RESULTS, XFER_DONE and
 * XFER_AUTO rows, then record the uploads that completed (files). */
int inv_db_xfer_write(inv_db_t *db, const inv_batch_t *b, char *err, size_t errlen)
    __attribute__((warn_unused_result));

#endif
