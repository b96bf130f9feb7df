/* ctl_db: acsctl's PostgreSQL connection: synchronous libpq.
 *
 * Every function blocks (connecting gives up after 5 s unless the DSN says
 * otherwise). Errors are one line in err naming the database (host, port,
 * database name; never the password).
 */
#ifndef CTL_DB_H
#define CTL_DB_H

#include <libpq-fe.h>
#include <stddef.h>

/* Connect to dsn (a libpq connection string or URI). Returns the
 * connection, or NULL with the reason in err. */
PGconn *ctl_db_open(const char *dsn, char *err, size_t errlen);

/* Run one parameterised statement (text parameters $1..$n; NULL is SQL
 * NULL). Returns the result (caller PQclear()s it) when it succeeded
 * (tuples or command ok), else NULL with the reason in err. */
PGresult *ctl_db_exec(PGconn *db, const char *sql, int nparams, const char *const *params,
                      char *err, size_t errlen) __attribute__((warn_unused_result));

/* Field (row, col) of res, or NULL when it is SQL NULL. */
const char *ctl_db_get(const PGresult *res, int row, int col);

/* Close. Accepts NULL. */
void ctl_db_close(PGconn *db);

#endif
