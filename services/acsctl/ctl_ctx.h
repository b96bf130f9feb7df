/* ctl_ctx: one acsctl run: the command line, the configuration, the
 * connections (opened when a command first needs them) and the output.
 *
 * The ctl_ctx_* functions that connect block (see ctl_amqp.h, ctl_db.h)
 * and, on failure, print the error and return the exit code to use.
 */
#ifndef CTL_CTX_H
#define CTL_CTX_H

#include <jansson.h>
#include <libpq-fe.h>

#include "acs_buf.h"
#include "ctl.h"
#include "ctl_amqp.h"

typedef struct {
    ctl_cmdline_t *cl;
    ctl_config_t cfg;
    PGconn *db;       /* NULL until ctl_ctx_db */
    ctl_amqp_t *amqp; /* NULL until ctl_ctx_amqp */
} ctl_ctx_t;

/* Fill c->cfg from the environment and the --amqp / --db options. */
void ctl_ctx_init(ctl_ctx_t *c, ctl_cmdline_t *cl);

/* Close what is open. */
void ctl_ctx_close(ctl_ctx_t *c);

/* The database connection, opened on first use. CTL_EXIT_OK, or (error
 * printed) CTL_EXIT_UNREACHABLE. */
int ctl_ctx_db(ctl_ctx_t *c) __attribute__((warn_unused_result));

/* The broker connection, opened on first use. CTL_EXIT_OK, or (error
 * printed) CTL_EXIT_UNREACHABLE. */
int ctl_ctx_amqp(ctl_ctx_t *c) __attribute__((warn_unused_result));

/* Run a query; on failure print the error. NULL means CTL_EXIT_UNREACHABLE. */
PGresult *ctl_ctx_query(ctl_ctx_t *c, const char *sql, int n, const char *const *params);

/* CTL_EXIT_OK if device_id is in the devices table, else (printed)
 * CTL_EXIT_UNKNOWN, or CTL_EXIT_UNREACHABLE. Opens the database. */
int ctl_ctx_device_known(ctl_ctx_t *c, const char *device_id) __attribute__((warn_unused_result));

/* Write out's bytes to stdout. */
void ctl_ctx_print(const acs_buf_t *out);

/* Print one JSON document (indented) on stdout, then a newline; takes
 * the reference. */
void ctl_ctx_print_json(json_t *doc);

/* Cell (r, k) of res as text: NULL for SQL NULL; for type 't' (a
 * timestamp) its RFC 3339 form written into buf (32 bytes); else the value
 * as PostgreSQL sent it. */
const char *ctl_ctx_cell(const PGresult *res, int r, int k, char type, char buf[32]);

/* The rows of res as a table with headers (ncols columns, at most 32)
 * appended to out; types as for ctl_ctx_pg_json, NULL for all text. */
void ctl_ctx_pg_table(const PGresult *res, int ncols, const char *const *headers, const char *types,
                      acs_buf_t *out);

/* The rows of res as a JSON array of objects: column i under keys[i], typed
 * by types[i] ('s' string, 'i' integer, 'b' boolean, 't' timestamp as an
 * RFC 3339 string; SQL NULL is null). */
json_t *ctl_ctx_pg_json(const PGresult *res, int ncols, const char *const *keys, const char *types);

#endif
