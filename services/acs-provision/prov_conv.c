/* prov_conv: the conversation engine; see prov_conv.h. */
#include "prov_conv.h"

#include "acs_buf.h"
#include "acs_log.h"
#include "acs_util.h"
#include "prov_db.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the table of conversations ------------------------------------------- */

static prov_conv_t *conv_new(prov_t *p, acs_amqp_msg_t *msg)
{
    prov_conv_t *c = acs_xcalloc(1, sizeof *c);
    unsigned char rnd[8];
    char hex[17];
    size_t slot = 0;

    while (slot < p->nslots && p->convs[slot])
        slot++;
    if (slot == p->nslots) {
        size_t n = p->nslots ? p->nslots * 2 : 64;
        p->convs = acs_xrealloc(p->convs, n * sizeof *p->convs);
        memset(p->convs + p->nslots, 0, (n - p->nslots) * sizeof *p->convs);
        p->nslots = n;
    }
    if (acs_random_bytes(rnd, sizeof rnd) != 0) {
        /* Never in practice; a counter still keeps ids of one slot apart. */
        static uint64_t seq;
        uint64_t v = ++seq ^ (uint64_t)acs_now_wall_ms() << 16;
        memcpy(rnd, &v, sizeof rnd);
    }
    acs_hex(rnd, sizeof rnd, hex);
    snprintf(c->id, sizeof c->id, "c%zux%s", slot, hex);
    c->p = p;
    c->slot = slot;
    c->msg = msg;
    c->started_ms = acs_now_mono_ms();
    c->values = json_object();
    p->convs[slot] = c;
    p->active++;
    acs_metric_set(p->m.active, (int64_t)p->active);
    return c;
}

static prov_conv_t *conv_find(prov_t *p, const char *id)
{
    char *end;
    unsigned long long slot;

    if (!id || id[0] != 'c')
        return NULL;
    slot = strtoull(id + 1, &end, 10);
    if (end == id + 1 || *end != 'x' || slot >= p->nslots || !p->convs[slot])
        return NULL;
    return strcmp(p->convs[slot]->id, id) == 0 ? p->convs[slot] : NULL;
}

static void conv_free(prov_conv_t *c)
{
    prov_t *p = c->p;

    p->convs[c->slot] = NULL;
    p->active--;
    acs_metric_set(p->m.active, (int64_t)p->active);
    if (c->timer)
        event_free(c->timer);
    acs_amqp_msg_free(c->msg);
    prov_item_clear(&c->item);
    prov_facts_clear(&c->facts);
    if (c->values)
        json_decref(c->values);
    if (c->batches)
        json_decref(c->batches);
    if (c->refresh)
        json_decref(c->refresh);
    if (c->preset_marks)
        json_decref(c->preset_marks);
    if (c->creds) {
        prov_plan_creds_wipe(c->creds);
        free(c->creds);
    }
    free(c);
    if (p->draining && p->active == 0)
        event_base_loopbreak(p->base);
}

static void maybe_free(prov_conv_t *c)
{
    if (c->finished && c->refs == 0)
        conv_free(c);
}

void prov_conv_ref(prov_conv_t *c)
{
    c->refs++;
}

int prov_conv_unref(prov_conv_t *c)
{
    c->refs--;
    if (c->finished) {
        maybe_free(c);
        return 0;
    }
    return 1;
}

void prov_conv_note(prov_conv_t *c, const char *fmt, ...)
{
    size_t n = strlen(c->summary);
    va_list ap;

    if (n + 2 >= sizeof c->summary)
        return;
    if (n)
        c->summary[n++] = ' ';
    va_start(ap, fmt);
    vsnprintf(c->summary + n, sizeof c->summary - n, fmt, ap);
    va_end(ap);
}

/* Settle the work item (ack, or leave it to the broker) and stop. */
static void settle(prov_conv_t *c, int ack)
{
    if (c->msg) {
        if (ack)
            acs_amqp_ack(c->p->work, c->msg->tag, c->msg->gen);
        acs_amqp_msg_free(c->msg);
        c->msg = NULL;
    }
    if (c->timer)
        evtimer_del(c->timer);
    c->rpc_id[0] = '\0';
    c->finished = 1;
}

static void log_conv(prov_conv_t *c, acs_log_level_t lvl, const char *msg, const char *k,
                     const char *v)
{
    char ms[24];
    snprintf(ms, sizeof ms, "%" PRId64, acs_now_mono_ms() - c->started_ms);
    acs_log_kv(lvl, msg, "device", c->item.device_id, "session", c->item.session_id, k, v, "ms", ms,
               "did", c->summary[0] ? c->summary : NULL, NULL);
}

void prov_conv_drop(prov_conv_t *c, const char *why)
{
    if (c->finished)
        return;
    log_conv(c, ACS_LOG_INFO, "conversation dropped (the next session redoes it)", "why", why);
    acs_metric_inc(c->p->m.items_dropped);
    settle(c, 1);
    maybe_free(c);
}

static void abandon(prov_conv_t *c, const char *why)
{
    if (c->finished)
        return;
    log_conv(c, ACS_LOG_WARN, "conversation abandoned (the broker redelivers the work item)", "why",
             why);
    settle(c, 0);
    maybe_free(c);
}

void prov_conv_abandon_all(prov_t *p, const char *why)
{
    for (size_t i = 0; i < p->nslots; i++)
        if (p->convs[i])
            abandon(p->convs[i], why);
}

void prov_conv_free_all(prov_t *p)
{
    for (size_t i = 0; i < p->nslots; i++) {
        if (!p->convs[i])
            continue;
        settle(p->convs[i], 0);
        p->convs[i]->refs = 0;
        conv_free(p->convs[i]);
    }
    free(p->convs);
    p->convs = NULL;
    p->nslots = 0;
}

/* --- publishing ------------------------------------------------------------- */

static int publish(prov_conv_t *c, char *body, acs_amqp_cb cb, const char *msg_id)
{
    acs_amqp_props_t props = {msg_id, c->id, c->p->reply_queue, NULL};
    size_t len = body ? strlen(body) : 0;
    int rc = -1;

    if (body) {
        prov_conv_ref(c);
        rc = acs_amqp_publish(c->p->work, "", c->item.device_queue, &props, body, len, cb, c);
        if (rc != 0)
            c->refs--;
        explicit_bzero(body, len); /* an SPV body carries passwords */
        free(body);
    }
    if (rc != 0)
        acs_metric_inc(c->p->m.err_broker);
    return rc;
}

static void on_rpc_confirm(acs_amqp_status_t st, acs_amqp_msg_t *msg, void *arg)
{
    prov_conv_t *c = arg;

    acs_amqp_msg_free(msg);
    if (!prov_conv_unref(c) || st == ACS_AMQP_OK)
        return;
    acs_metric_inc(c->p->m.err_broker);
    if (st == ACS_AMQP_NACK)
        prov_conv_drop(c, "device queue full (the broker refused the RPC)");
    else
        abandon(c, "broker connection lost");
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
    prov_conv_t *c = arg;

    acs_metric_inc(c->p->m.timeouts);
    c->rpc_id[0] = '\0';
    prov_steps_failed(c, 1);
    prov_conv_drop(c, "no result in time");
}

static void count_rpc(prov_t *p, const char *method)
{
    if (strcmp(method, "GetParameterValues") == 0)
        acs_metric_inc(p->m.rpc_gpv);
    else if (strcmp(method, "SetParameterValues") == 0)
        acs_metric_inc(p->m.rpc_spv);
    else
        acs_metric_inc(p->m.rpc_download);
}

int prov_conv_rpc(prov_conv_t *c, const char *method, json_t *params)
{
    struct timeval tv = {c->p->cfg.result_timeout_ms / 1000,
                         (c->p->cfg.result_timeout_ms % 1000) * 1000};
    char msg_id[37];
    char *body;

    if (c->finished)
        return -1;
    snprintf(c->rpc_id, sizeof c->rpc_id, "prov-%s-%d", c->id, ++c->nrpc);
    body = prov_item_rpc_message(&c->item, c->rpc_id, method, params, msg_id);
    if (publish(c, body, on_rpc_confirm, msg_id) != 0) {
        c->rpc_id[0] = '\0';
        prov_conv_drop(c, "could not publish the RPC");
        return -1;
    }
    if (!c->timer)
        c->timer = evtimer_new(c->p->base, on_timeout, c);
    evtimer_add(c->timer, &tv);
    count_rpc(c->p, method);
    acs_log_kv(ACS_LOG_DEBUG, "rpc sent", "device", c->item.device_id, "session",
               c->item.session_id, "method", method, "id", c->rpc_id, NULL);
    return 0;
}

static void on_done_confirm(acs_amqp_status_t st, acs_amqp_msg_t *msg, void *arg)
{
    prov_conv_t *c = arg;

    acs_amqp_msg_free(msg);
    if (!prov_conv_unref(c))
        return;
    if (st == ACS_AMQP_DOWN) {
        abandon(c, "broker connection lost before done was confirmed");
        return;
    }
    if (st == ACS_AMQP_NACK) {
        acs_metric_inc(c->p->m.err_broker);
        prov_conv_drop(c, "device queue full (the broker refused done)");
        return;
    }
    acs_metric_inc(c->p->m.items_done);
    log_conv(c, ACS_LOG_INFO, "conversation done", "redelivered",
             c->msg && c->msg->redelivered ? "yes" : NULL);
    settle(c, 1);
    maybe_free(c);
}

void prov_conv_finish(prov_conv_t *c)
{
    char msg_id[37];

    if (c->finished)
        return;
    c->stage = PROV_DONE;
    if (publish(c, prov_item_done_message(&c->item, msg_id), on_done_confirm, msg_id) != 0)
        prov_conv_drop(c, "could not publish done");
}

/* --- work items ----------------------------------------------------------------- */

static void setup_done(prov_conv_t *c)
{
    if (!c->declared) {
        acs_metric_inc(c->p->m.err_broker);
        prov_conv_drop(c, "could not declare the device queue");
    } else if (!c->have_facts) {
        /* Deciding needs the database; let the session go on without us. */
        acs_metric_inc(c->p->m.err_db);
        prov_conv_note(c, "database=unavailable");
        prov_conv_finish(c);
    } else {
        prov_steps_begin(c);
    }
}

static void on_facts(int ok, prov_facts_t *f, void *arg)
{
    prov_conv_t *c = arg;

    c->facts = *f; /* freed with the conversation, whatever happens next */
    memset(f, 0, sizeof *f);
    c->have_facts = ok;
    c->setup_left--;
    if (prov_conv_unref(c) && c->setup_left == 0)
        setup_done(c);
}

static void on_declared(int ok, void *arg)
{
    prov_conv_t *c = arg;

    c->declared = ok;
    c->setup_left--;
    if (prov_conv_unref(c) && c->setup_left == 0)
        setup_done(c);
}

static void start(prov_conv_t *c)
{
    prov_t *p = c->p;

    c->stage = PROV_SETUP;
    c->setup_left = 2;
    c->refs += 2;
    if (prov_db_facts(p->pg, c->item.device_id, on_facts, c) != 0) {
        c->setup_left--;
        c->refs--;
    }
    if (prov_declare_queue(p->decl, c->item.device_queue, on_declared, c) != 0) {
        c->setup_left--;
        c->refs--;
    }
    if (c->setup_left == 0)
        setup_done(c);
}

/* 1 if the item is older than any session can wait for a worker. */
static int stale(prov_t *p, const prov_item_t *it)
{
    return p->cfg.max_item_age_ms > 0 && it->received_ms > 0 &&
           acs_now_wall_ms() - it->received_ms > p->cfg.max_item_age_ms;
}

static void reject(prov_t *p, acs_amqp_msg_t *msg, const char *why)
{
    acs_log_kv(ACS_LOG_WARN, "work item rejected to halyard.dead-letter", "reason", why,
               "message_id", msg->message_id, "redelivered", msg->redelivered ? "yes" : "no", NULL);
    acs_metric_inc(p->m.items_rejected);
    acs_metric_inc(p->m.err_input);
    acs_amqp_reject(p->work, msg->tag, msg->gen, 0);
    acs_amqp_msg_free(msg);
}

void prov_conv_on_item(acs_amqp_status_t st, acs_amqp_msg_t *msg, void *arg)
{
    prov_t *p = arg;
    char err[256];
    prov_item_t it;

    if (st != ACS_AMQP_OK || !msg) {
        acs_amqp_msg_free(msg);
        return;
    }
    if (p->work_gen && msg->gen != p->work_gen)
        prov_conv_abandon_all(p, "the broker channel was reopened");
    p->work_gen = msg->gen;
    if (p->draining) {
        acs_metric_inc(p->m.items_requeued);
        acs_amqp_reject(p->work, msg->tag, msg->gen, 1);
        acs_amqp_msg_free(msg);
        return;
    }
    if (prov_item_parse(msg->body, msg->len, &it, err, sizeof err) != 0) {
        reject(p, msg, err);
        return;
    }
    if (stale(p, &it)) {
        acs_log_kv(ACS_LOG_INFO, "work item too old: its session is over", "device", it.device_id,
                   "session", it.session_id, NULL);
        acs_metric_inc(p->m.items_stale);
        acs_amqp_ack(p->work, msg->tag, msg->gen);
        acs_amqp_msg_free(msg);
        prov_item_clear(&it);
        return;
    }
    prov_conv_t *c = conv_new(p, msg);
    c->item = it;
    acs_log_kv(ACS_LOG_DEBUG, "work item", "device", it.device_id, "session", it.session_id,
               "credentials", it.credentials, "redelivered", msg->redelivered ? "yes" : NULL, NULL);
    start(c);
}

/* --- results ------------------------------------------------------------------------ */

static void count_status(prov_t *p, const char *status)
{
    if (strcmp(status, "ok") == 0)
        acs_metric_inc(p->m.res_ok);
    else if (strcmp(status, "fault") == 0)
        acs_metric_inc(p->m.res_fault);
    else
        acs_metric_inc(p->m.res_failed);
}

/* A failed result: the RPC did not run (session-ended), or we do not know
 * (timeout, cpe-error, ...). invalid-request is our bug: the session goes
 * on, so the stage treats it as a refusal and moves on. */
static void failed(prov_conv_t *c, const prov_result_t *r)
{
    const char *why = r->reason;

    if (strcmp(why, "invalid-request") == 0) {
        acs_metric_inc(c->p->m.err_input);
        acs_log_kv(ACS_LOG_ERROR, "the gateway refused our RPC as invalid", "device",
                   c->item.device_id, "id", r->id, "detail", r->detail, NULL);
        prov_steps_result(c, r);
        return;
    }
    prov_steps_failed(c, strcmp(why, "session-ended") != 0);
    prov_conv_drop(c, why);
}

static void dispatch(prov_t *p, const acs_amqp_msg_t *msg, const prov_result_t *r)
{
    prov_conv_t *c = conv_find(p, msg->correlation_id);

    if (!c || c->finished || !c->rpc_id[0] || strcmp(c->rpc_id, r->id) != 0) {
        acs_metric_inc(p->m.res_unknown);
        acs_log_kv(c ? ACS_LOG_WARN : ACS_LOG_INFO,
                   c ? "result for an RPC this conversation is not waiting for"
                     : "result for no live conversation (dropped or finished)",
                   "id", r->id, "device", c ? c->item.device_id : NULL, "status", r->status, NULL);
        return;
    }
    c->rpc_id[0] = '\0';
    evtimer_del(c->timer);
    count_status(p, r->status);
    acs_log_kv(ACS_LOG_DEBUG, "result", "device", c->item.device_id, "id", r->id, "status",
               r->status, "reason", r->reason, NULL);
    if (strcmp(r->status, "failed") == 0)
        failed(c, r);
    else
        prov_steps_result(c, r);
}

void prov_conv_on_result(acs_amqp_status_t st, acs_amqp_msg_t *msg, void *arg)
{
    prov_t *p = arg;
    prov_result_t r;
    char err[256];

    if (st != ACS_AMQP_OK || !msg) {
        acs_amqp_msg_free(msg);
        return;
    }
    acs_amqp_ack(p->reply, msg->tag, msg->gen);
    if (prov_result_parse(msg->body, msg->len, &r, err, sizeof err) != 0) {
        acs_metric_inc(p->m.res_invalid);
        acs_metric_inc(p->m.err_input);
        acs_log_kv(ACS_LOG_WARN, "unusable message on the reply queue", "reason", err, "message_id",
                   msg->message_id, NULL);
    } else {
        dispatch(p, msg, &r);
        prov_result_clear(&r);
    }
    acs_amqp_msg_free(msg);
}
