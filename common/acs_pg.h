/* acs_pg: asynchronous PostgreSQL on a libevent loop (libpq non-blocking).
 *
 * A small pool of connections; queries wait in one FIFO (bounded) and run on
 * the first free connection, one at a time per connection. Nothing here
 * blocks the loop: connecting (PQconnectStart/PQconnectPoll), sending and
 * reading are all driven by socket events. A lost connection is re-opened
 * with back-off (200 ms doubling to 5 s); the query that was running on it
 * fails with an error, queued ones wait for a connection (up to their
 * timeout).
 *
 * Modelled on PgBouncer's pgsocket: an opaque handle and one callback.
 */
#ifndef ACS_PG_H
#define ACS_PG_H

#include <event2/event.h>
#include <libpq-fe.h>

typedef struct acs_pg acs_pg_t;

/* Called once per query on the loop thread. res is the query's last result
 * (PGRES_TUPLES_OK / PGRES_COMMAND_OK, or an error status), or NULL when the
 * query never completed (connection lost, timeout, pool shut down); err is a
 * one-line reason when res is NULL or an error result, else NULL. res is
 * freed by acs_pg after the callback returns: copy what you need. */
typedef void (*acs_pg_cb)(PGresult *res, const char *err, void *arg);

/* Create a pool of size connections (1..64) to conninfo (a libpq connection
 * string or URI) and start connecting. Never returns NULL. max_queue bounds
 * the FIFO (acs_pg_query refuses beyond it); timeout_ms bounds the time from
 * acs_pg_query to the callback. Does not block. */
acs_pg_t *acs_pg_new(struct event_base *base, const char *conninfo, int size, int max_queue,
                     int timeout_ms);

/* Queue a parameterised query (text parameters, $1..$n; a NULL param is SQL
 * NULL). The strings are copied. Returns 0 (cb will be called exactly once,
 * never from inside this call), or -1 when the queue is full (cb is not
 * called; the caller sheds load). */
int acs_pg_query(acs_pg_t *pg, const char *sql, int nparams, const char *const *params,
                 acs_pg_cb cb, void *arg) __attribute__((warn_unused_result));

/* Connections currently open and usable (for /healthz and metrics). */
int acs_pg_connected(const acs_pg_t *pg);
/* Queries waiting for a connection. */
int acs_pg_queued(const acs_pg_t *pg);

/* Close every connection; every pending callback is called with res NULL and
 * err "shutting down" before this returns. Accepts NULL. */
void acs_pg_free(acs_pg_t *pg);

#endif
