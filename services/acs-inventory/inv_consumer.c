/* inv_consumer: see inv_consumer.h. */
#include "inv_consumer.h"

#include "acs_buf.h"
#include "acs_log.h"
#include "acs_util.h"
#include "inv_amqp.h"
#include "inv_db.h"
#include "inv_msg.h"
#include "inv_stats.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Longest wait in one step, so a stop request or a due reconnect is seen
 * quickly (and heartbeats answered). */
#define STEP_MS 100
#define BACKOFF_MIN_MS 200
#define BACKOFF_MAX_MS 5000

typedef struct {
    int64_t next_ms; /* monotonic time of the next attempt */
    int delay_ms;    /* 0 after a success */
} backoff_t;

/* What became of one message of the batch being written. */
typedef struct {
    int ok; /* 1: in the transaction; 0: to reject */
    inv_msg_type_t type;
    inv_reject_t reason;
    char err[256];
} outcome_t;

struct inv_consumer {
    inv_consumer_config_t cfg; /* strings owned */
    inv_amqp_t *amqp;
    inv_db_t *db;
    inv_batch_t *batch;
    outcome_t *out;          /* cfg.batch entries */
    inv_delivery_t *pending; /* in delivery-tag order */
    size_t npending, cap;
    backoff_t amqp_bo, db_bo;
    int64_t next_sweep_ms;
    int migrated; /* the database was reached once (migrations applied) */
    int fatal;
    pthread_t thread;
    int started;
    atomic_int stop, done, broker_up, db_up;
};

/* ---- back-off ---- */

static int backoff_due(const backoff_t *b)
{
    return acs_now_mono_ms() >= b->next_ms;
}

static void backoff_fail(backoff_t *b)
{
    b->delay_ms = b->delay_ms ? b->delay_ms * 2 : BACKOFF_MIN_MS;
    if (b->delay_ms > BACKOFF_MAX_MS)
        b->delay_ms = BACKOFF_MAX_MS;
    b->next_ms = acs_now_mono_ms() + b->delay_ms;
}

static void backoff_reset(backoff_t *b)
{
    b->delay_ms = 0;
    b->next_ms = 0;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- connections ---- */

static void set_db_up(inv_consumer_t *c, int up)
{
    atomic_store(&c->db_up, up);
    inv_stats_db_up(up);
}

static void set_broker_up(inv_consumer_t *c, int up)
{
    atomic_store(&c->broker_up, up);
    inv_stats_broker_up(up);
}

static void clear_pending(inv_consumer_t *c)
{
    for (size_t i = 0; i < c->npending; i++)
        inv_amqp_delivery_clear(&c->pending[i]);
    c->npending = 0;
}

static void db_lost(inv_consumer_t *c, const char *why)
{
    inv_stats_db_error();
    inv_db_close(c->db);
    set_db_up(c, 0);
    backoff_fail(&c->db_bo);
    acs_warn("PostgreSQL: %s; %zu message(s) held unacknowledged, retrying in %d ms", why,
             c->npending, c->db_bo.delay_ms);
}

/* Uncommitted deliveries are dropped: the broker requeues them when it
 * notices the connection is gone, and redelivers them. */
static void broker_lost(inv_consumer_t *c, const char *why)
{
    clear_pending(c);
    inv_amqp_close(c->amqp);
    set_broker_up(c, 0);
    backoff_fail(&c->amqp_bo);
    acs_warn("RabbitMQ %s: %s; reconnecting in %d ms", inv_amqp_describe(c->amqp), why,
             c->amqp_bo.delay_ms);
}

static void ensure_db(inv_consumer_t *c)
{
    char err[512];
    int rc;

    if (inv_db_connected(c->db) || !backoff_due(&c->db_bo))
        return;
    rc = inv_db_connect(c->db, c->cfg.sql_dir, err, sizeof err);
    if (rc == INV_DB_OK) {
        backoff_reset(&c->db_bo);
        set_db_up(c, 1);
        c->migrated = 1;
    } else if (rc == INV_DB_DATA) {
        inv_stats_db_error();
        acs_error("migration failed: %s", err);
        c->fatal = 1;
    } else {
        db_lost(c, err);
    }
}

static void ensure_broker(inv_consumer_t *c)
{
    char err[512];

    if (!c->migrated || inv_amqp_connected(c->amqp) || !backoff_due(&c->amqp_bo))
        return;
    if (inv_amqp_connect(c->amqp, c->cfg.prefetch, err, sizeof err) != 0) {
        set_broker_up(c, 0);
        backoff_fail(&c->amqp_bo);
        acs_warn("RabbitMQ %s: %s; retrying in %d ms", inv_amqp_describe(c->amqp), err,
                 c->amqp_bo.delay_ms);
        return;
    }
    backoff_reset(&c->amqp_bo);
    set_broker_up(c, 1);
    acs_info("consuming %s on %s (prefetch %d)", "halyard.inventory", inv_amqp_describe(c->amqp),
             c->cfg.prefetch);
}

/* ---- one batch ---- */

/* Validate the first k pending messages into the batch. */
static void build(inv_consumer_t *c, size_t k)
{
    inv_batch_reset(c->batch);
    for (size_t i = 0; i < k; i++) {
        outcome_t *o = &c->out[i];
        const inv_delivery_t *d = &c->pending[i];
        o->ok = inv_msg_add(c->batch, d->body, d->len, &o->type, &o->reason, o->err,
                            sizeof o->err) == 0;
    }
}

/* The batch was refused for its data: write each message in its own
 * transaction, so only the one PostgreSQL refuses is rejected. Returns
 * INV_DB_OK, or INV_DB_RETRY (err set) to keep them all for later; those
 * already committed are then written again, which changes nothing. */
static int isolate(inv_consumer_t *c, size_t k, char *err, size_t errlen)
{
    inv_msg_type_t type;
    inv_reject_t reason;
    char why[256];
    int rc;

    for (size_t i = 0; i < k; i++) {
        outcome_t *o = &c->out[i];
        if (!o->ok)
            continue;
        inv_batch_reset(c->batch);
        if (inv_msg_add(c->batch, c->pending[i].body, c->pending[i].len, &type, &reason, why,
                        sizeof why) != 0)
            continue; /* cannot happen: it was accepted a moment ago */
        rc = inv_db_write(c->db, c->batch, err, errlen);
        if (rc == INV_DB_RETRY)
            return rc;
        if (rc == INV_DB_DATA) {
            o->ok = 0;
            o->reason = INV_REJECT_DATA_ERROR;
            snprintf(o->err, sizeof o->err, "%.250s", err);
        }
    }
    return INV_DB_OK;
}

/* Reject the refused messages, then acknowledge the committed ones with
 * one ack up to the last of them (the rejected ones are no longer
 * outstanding, so "multiple" does not touch them). Then drop the k
 * messages from pending. */
static void settle(inv_consumer_t *c, size_t k)
{
    uint64_t last = 0;
    char tag[24];

    for (size_t i = 0; i < k; i++) {
        const outcome_t *o = &c->out[i];
        if (o->ok) {
            last = c->pending[i].tag;
            continue;
        }
        snprintf(tag, sizeof tag, "%llu", (unsigned long long)c->pending[i].tag);
        acs_log_kv(ACS_LOG_WARN, "message rejected to the dead-letter queue", "reason",
                   inv_msg_reject_name(o->reason), "detail", o->err, "delivery", tag, NULL);
        inv_stats_rejected(o->reason);
        if (inv_amqp_reject(c->amqp, c->pending[i].tag) != 0) {
            broker_lost(c, "reject failed");
            return;
        }
    }
    if (last && inv_amqp_ack(c->amqp, last, 1) != 0) {
        broker_lost(c, "ack failed");
        return;
    }
    for (size_t i = 0; i < k; i++)
        if (c->out[i].ok)
            inv_stats_message(c->out[i].type);
    inv_stats_batch(k);
    for (size_t i = 0; i < k; i++)
        inv_amqp_delivery_clear(&c->pending[i]);
    memmove(c->pending, c->pending + k, (c->npending - k) * sizeof *c->pending);
    c->npending -= k;
}

/* Write, commit and settle the oldest messages (at most one batch).
 * Returns 0, or -1 when they are still pending (database trouble). */
static int flush(inv_consumer_t *c)
{
    size_t k = c->npending < (size_t)c->cfg.batch ? c->npending : (size_t)c->cfg.batch;
    char err[512];
    int rc;

    build(c, k);
    rc = inv_db_write(c->db, c->batch, err, sizeof err);
    if (rc == INV_DB_DATA) {
        inv_stats_db_error();
        acs_warn("batch of %zu refused (%s); writing its messages one by one", k, err);
        rc = isolate(c, k, err, sizeof err);
    }
    if (rc == INV_DB_RETRY) {
        db_lost(c, err);
        return -1;
    }
    settle(c, k);
    acs_debug("batch of %zu committed", k);
    return 0;
}

static int flush_due(const inv_consumer_t *c)
{
    if (c->npending == 0 || !inv_db_connected(c->db) || !inv_amqp_connected(c->amqp))
        return 0;
    return c->npending >= (size_t)c->cfg.batch || atomic_load(&c->stop) ||
           acs_now_mono_ms() >= c->pending[0].received_ms + c->cfg.flush_ms;
}

/* A body over the limit is rejected on arrival rather than held: prefetch
 * times the broker's own limit (128 MiB) is more memory than we want. */
static void reject_now(inv_consumer_t *c, inv_delivery_t *d)
{
    char detail[64], tag[24];

    snprintf(detail, sizeof detail, "body of %zu bytes", d->len);
    snprintf(tag, sizeof tag, "%llu", (unsigned long long)d->tag);
    acs_log_kv(ACS_LOG_WARN, "message rejected to the dead-letter queue", "reason",
               inv_msg_reject_name(INV_REJECT_TOO_LARGE), "detail", detail, "delivery", tag, NULL);
    inv_stats_rejected(INV_REJECT_TOO_LARGE);
    if (inv_amqp_reject(c->amqp, d->tag) != 0)
        broker_lost(c, "reject failed");
    inv_amqp_delivery_clear(d);
}

/* Wait (at most STEP_MS) for a delivery and keep it. */
static void wait_step(inv_consumer_t *c)
{
    int64_t timeout = STEP_MS;
    inv_delivery_t d;
    char err[512];
    int rc;

    if (c->npending > 0 && inv_db_connected(c->db)) {
        timeout = c->pending[0].received_ms + c->cfg.flush_ms - acs_now_mono_ms();
        timeout = timeout < 0 ? 0 : timeout > STEP_MS ? STEP_MS : timeout;
    }
    if (!inv_amqp_connected(c->amqp)) {
        sleep_ms((int)timeout);
        return;
    }
    rc = inv_amqp_next(c->amqp, (int)timeout, &d, err, sizeof err);
    if (rc < 0) {
        broker_lost(c, err);
    } else if (rc > 0 && d.len > INV_MSG_MAX_BODY) {
        reject_now(c, &d);
    } else if (rc > 0) {
        if (c->npending == c->cap) {
            c->cap = c->cap ? 2 * c->cap : 256;
            c->pending = acs_xrealloc(c->pending, c->cap * sizeof *c->pending);
        }
        c->pending[c->npending++] = d;
    }
}

/* ---- the transfer sweep ---- */

static void sweep_if_due(inv_consumer_t *c)
{
    char err[512];
    int n = 0, rc;

    if (!inv_db_connected(c->db) || acs_now_mono_ms() < c->next_sweep_ms)
        return;
    c->next_sweep_ms = acs_now_mono_ms() + (int64_t)c->cfg.sweep_s * 1000;
    rc = inv_db_sweep(c->db, &n, err, sizeof err);
    if (rc == INV_DB_RETRY && !inv_db_connected(c->db)) {
        db_lost(c, err);
        return;
    }
    if (rc != INV_DB_OK) {
        inv_stats_db_error();
        acs_warn("transfer sweep failed: %s; next in %d s", err, c->cfg.sweep_s);
        return;
    }
    inv_stats_timed_out(n);
    if (n > 0)
        acs_info("%d pending transfer%s timed out", n, n == 1 ? "" : "s");
    if (n >= INV_DB_SWEEP_LIMIT)
        c->next_sweep_ms = 0; /* more are due: go on at the next step */
}

/* ---- the thread ---- */

static void *run(void *arg)
{
    inv_consumer_t *c = arg;

    while (!atomic_load(&c->stop) && !c->fatal) {
        ensure_db(c);
        if (c->fatal)
            break;
        ensure_broker(c);
        sweep_if_due(c);
        if (flush_due(c))
            (void)flush(c);
        else
            wait_step(c);
    }
    /* Stopping: write and acknowledge what is held, while both are up. */
    while (!c->fatal && c->npending > 0 && flush_due(c))
        if (flush(c) != 0)
            break;
    if (c->npending > 0)
        acs_info("%zu message(s) left unacknowledged for redelivery", c->npending);
    clear_pending(c);
    inv_amqp_close(c->amqp);
    inv_db_close(c->db);
    set_broker_up(c, 0);
    set_db_up(c, 0);
    atomic_store(&c->done, 1);
    return NULL;
}

inv_consumer_t *inv_consumer_new(const inv_consumer_config_t *cfg, char *err, size_t errlen)
{
    inv_consumer_t *c = acs_xcalloc(1, sizeof *c);

    c->amqp = inv_amqp_new(cfg->amqp_url, err, errlen);
    if (!c->amqp) {
        free(c);
        return NULL;
    }
    c->cfg = *cfg;
    c->cfg.amqp_url = acs_xstrdup(cfg->amqp_url);
    c->cfg.pg_dsn = acs_xstrdup(cfg->pg_dsn);
    c->cfg.sql_dir = cfg->sql_dir ? acs_xstrdup(cfg->sql_dir) : NULL;
    c->cfg.files_url = NULL;
    c->cfg.file_store = NULL;
    if (c->cfg.transfer_timeout_s <= 0)
        c->cfg.transfer_timeout_s = INV_DB_TRANSFER_TIMEOUT_S;
    if (c->cfg.sweep_s <= 0)
        c->cfg.sweep_s = 30;
    c->db = inv_db_new(cfg->pg_dsn);
    inv_db_configure_transfers(c->db, c->cfg.transfer_timeout_s, cfg->files_url, cfg->file_store);
    c->batch = inv_batch_new();
    c->out = acs_xcalloc((size_t)cfg->batch, sizeof *c->out);
    return c;
}

int inv_consumer_start(inv_consumer_t *c)
{
    sigset_t all, old;
    int rc;

    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(&c->thread, NULL, run, c);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        acs_error("cannot start the consumer thread: %s", strerror(rc));
        return -1;
    }
    c->started = 1;
    return 0;
}

void inv_consumer_stop(inv_consumer_t *c)
{
    atomic_store(&c->stop, 1);
}

int inv_consumer_done(const inv_consumer_t *c)
{
    return atomic_load(&((inv_consumer_t *)c)->done);
}

int inv_consumer_join(inv_consumer_t *c)
{
    if (c->started) {
        pthread_join(c->thread, NULL);
        c->started = 0;
    }
    return c->fatal ? -1 : 0;
}

void inv_consumer_free(inv_consumer_t **pc)
{
    inv_consumer_t *c = pc ? *pc : NULL;

    if (!c)
        return;
    (void)inv_consumer_join(c);
    clear_pending(c);
    free(c->pending);
    free(c->out);
    inv_batch_free(&c->batch);
    inv_db_free(&c->db);
    inv_amqp_free(&c->amqp);
    free((char *)c->cfg.amqp_url);
    free((char *)c->cfg.pg_dsn);
    free((char *)c->cfg.sql_dir);
    free(c);
    *pc = NULL;
}

int inv_consumer_health(void *arg, char *msg, size_t n)
{
    inv_consumer_t *c = arg;
    int b = atomic_load(&c->broker_up), d = atomic_load(&c->db_up);

    if (b && d) {
        snprintf(msg, n, "ok");
        return 0;
    }
    snprintf(msg, n, "%s%s%s", b ? "" : "broker down", !b && !d ? ", " : "",
             d ? "" : "database down");
    return -1;
}
