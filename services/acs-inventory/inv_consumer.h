/* inv_consumer: the inventory's worker thread, from halyard.inventory to
 * PostgreSQL.
 *
 * The thread owns a blocking broker connection (inv_amqp) and a blocking
 * database connection (inv_db). It collects deliveries until it has
 * `batch` of them or the oldest has waited `flush_ms`, writes them in one
 * transaction, commits, and only then acknowledges them (one basic.ack with
 * multiple on the last tag): nothing is acknowledged that is not committed.
 *
 *   invalid message     basic.reject without requeue -> halyard.dead-letter
 *   batch refused (data error)   rolled back, retried message by message;
 *                       the message PostgreSQL refuses on its own is
 *                       rejected as "data-error", the others committed
 *   database unreachable, or any other error   the deliveries stay
 *                       unacknowledged and are retried after reconnecting
 *                       (back-off 200 ms doubling to 5 s); the broker
 *                       stops sending once `prefetch` are outstanding
 *   broker connection lost   uncommitted deliveries are dropped (the broker
 *                       redelivers them), reconnect with the same back-off
 *
 * The first successful database connection applies pending migrations;
 * consuming starts only after that. A failed migration stops the thread
 * with an error.
 *
 * Every `sweep_s` seconds, while the database is up, the thread also runs
 * the transfer sweep (inv_db_sweep): pending transfers past their
 * deadline become timed_out.
 */
#ifndef INV_CONSUMER_H
#define INV_CONSUMER_H

#include <stddef.h>

typedef struct {
    const char *amqp_url;
    const char *pg_dsn;
    const char *sql_dir;
    int batch;              /* 1..10000 messages per transaction */
    int flush_ms;           /* 1..60000 */
    int prefetch;           /* 1..65535 */
    int transfer_timeout_s; /* pending transfer deadline, 1.. */
    int sweep_s;            /* seconds between sweeps, 1.. */
    const char *files_url;  /* may be NULL or "": uploads not recorded */
    const char *file_store; /* may be NULL or "": no size or SHA-256 */
} inv_consumer_config_t;

typedef struct inv_consumer inv_consumer_t;

/* A consumer for cfg (strings copied). Returns NULL with a reason in err
 * when the AMQP URL is unusable. Does not connect. */
inv_consumer_t *inv_consumer_new(const inv_consumer_config_t *cfg, char *err, size_t errlen);

/* Start the thread (with every signal blocked in it). 0 or -1. */
int inv_consumer_start(inv_consumer_t *c) __attribute__((warn_unused_result));

/* Ask the thread to finish: it writes and acknowledges what it holds (when
 * the database is up), closes both connections and ends. Returns at once;
 * callable from any thread. */
void inv_consumer_stop(inv_consumer_t *c);

/* 1 once the thread has ended (stopped, or failed). */
int inv_consumer_done(const inv_consumer_t *c);

/* Wait for the thread. Returns 0 after a requested stop, -1 after a fatal
 * error (a migration failed). */
int inv_consumer_join(inv_consumer_t *c);

/* Free it (after join); clears *c. Accepts NULL and *c == NULL. */
void inv_consumer_free(inv_consumer_t **c);

/* acs_health_cb: 0 and "ok" when connected to both the broker and the
 * database, else -1 and what is down. arg is the consumer. */
int inv_consumer_health(void *arg, char *msg, size_t n);

#endif
