/* gw_rpc: the device queue side of a session.
 *
 * After the CPE's empty POST (and after each answer) the gateway takes the
 * next message from halyard.dev.<device>: an RPC goes to the CPE, a worker's
 * "done" ends its part, anything stale or broken is answered and dropped.
 * When the queue is empty the gateway waits (bounded) for a worker that has
 * not said done, then ends the session with 204.
 *
 * No queued RPC is lost (DESIGN.md): the message taken for an RPC stays
 * unacknowledged on this gateway's connection (a "hold") until its result
 * is published. If this gateway dies, the broker requeues it. If the
 * answer reaches another gateway (sessions may be split across gateways),
 * that one publishes the result and asks this one, through its control
 * queue, to ack. If nobody answers within the session timeout, the hold
 * requeues it for the device's next session.
 */
#include "gateway.h"
#include "gw_rpcctx.h"

#include "acs_log.h"
#include "acs_topology.h"
#include "acs_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STEPS_PER_POST 1000
#define POLL_MIN_MS 5
#define POLL_MAX_MS 100

struct gw_hold {
    gw_hold_t *next, **pprev; /* chain of its bucket in gw->holds */
    gw_t *gw;
    uint64_t tag, gen;
    struct event *timer;
    char device[ACS_DEVICE_ID_MAX + 1];
};

/* --- holds ---------------------------------------------------------------- */

static gw_hold_t **hold_bucket(gw_t *gw, uint64_t tag, uint64_t gen)
{
    uint64_t h = (tag ^ (gen * 0x9E3779B97F4A7C15ULL)) * 0xFF51AFD7ED558CCDULL;
    return &gw->holds[(h >> 32) % GW_HOLD_BUCKETS];
}

static void hold_unlink(gw_t *gw, gw_hold_t *h)
{
    *h->pprev = h->next;
    if (h->next)
        h->next->pprev = h->pprev;
    gw->nholds--;
    event_free(h->timer);
    free(h);
}

static gw_hold_t *hold_find(gw_t *gw, uint64_t tag, uint64_t gen)
{
    for (gw_hold_t *h = *hold_bucket(gw, tag, gen); h; h = h->next)
        if (h->tag == tag && h->gen == gen)
            return h;
    return NULL;
}

static void on_hold_expired(evutil_socket_t fd, short what, void *arg)
{
    gw_hold_t *h = arg;
    gw_t *gw = h->gw;
    acs_metric_inc(gw->m.holds_requeued);
    acs_log_kv(ACS_LOG_WARN, "no answer to an RPC within the session timeout; back to its queue",
               "device", h->device, NULL);
    acs_amqp_reject(gw->amqp, h->tag, h->gen, 1);
    hold_unlink(gw, h);
}

static void hold_add(gw_t *gw, const acs_amqp_msg_t *m, const char *device)
{
    gw_hold_t *h = acs_xcalloc(1, sizeof *h);
    gw_hold_t **b = hold_bucket(gw, m->tag, m->gen);
    struct timeval tv = {gw->cfg.session_timeout_s, 0};
    h->gw = gw;
    h->tag = m->tag;
    h->gen = m->gen;
    snprintf(h->device, sizeof h->device, "%s", device);
    h->timer = evtimer_new(gw->base, on_hold_expired, h);
    evtimer_add(h->timer, &tv);
    h->next = *b;
    if (*b)
        (*b)->pprev = &h->next;
    h->pprev = b;
    *b = h;
    gw->nholds++;
}

/* Ack a delivery this process holds. 0, or -1 if it holds no such thing
 * (already requeued by its timer, or the connection changed). */
static int hold_ack(gw_t *gw, uint64_t tag, uint64_t gen)
{
    gw_hold_t *h = hold_find(gw, tag, gen);
    if (!h)
        return -1;
    acs_amqp_ack(gw->amqp, tag, gen);
    hold_unlink(gw, h);
    return 0;
}

long gw_rpc_hold_count(const gw_t *gw)
{
    return gw->nholds;
}

void gw_rpc_release_holds(gw_t *gw)
{
    for (int i = 0; i < GW_HOLD_BUCKETS; i++) {
        while (gw->holds[i]) {
            if (gw->amqp)
                acs_amqp_reject(gw->amqp, gw->holds[i]->tag, gw->holds[i]->gen, 1);
            hold_unlink(gw, gw->holds[i]);
        }
    }
}

/* Another gateway published the result of an RPC we hold: ack it. */
void gw_rpc_control(acs_amqp_status_t st, acs_amqp_msg_t *m, void *arg)
{
    gw_t *gw = arg;
    json_error_t e;
    json_t *j = json_loadb(m->body, m->len, 0, &e);
    const char *type = json_string_value(json_object_get(j, "type"));
    json_t *tag = json_object_get(j, "tag"), *gen = json_object_get(j, "gen");
    if (type && strcmp(type, "settle") == 0 && json_is_integer(tag) && json_is_integer(gen)) {
        if (hold_ack(gw, (uint64_t)json_integer_value(tag), (uint64_t)json_integer_value(gen)))
            acs_debug("settle for a delivery no longer held (already requeued)");
    } else {
        acs_warn("control queue: ignoring a malformed message");
    }
    acs_amqp_ack(gw->amqp, m->tag, m->gen);
    json_decref(j);
    acs_amqp_msg_free(m);
}

/* Settle the delivery behind the RPC in flight, wherever it is held. */
static void settle_inflight(gw_req_t *r)
{
    gw_t *gw = r->gw;
    if (strcmp(r->st.holder, gw->instance) == 0) {
        if (hold_ack(gw, r->st.tag, r->st.gen) != 0)
            acs_log_kv(ACS_LOG_WARN, "answer came after its RPC was requeued; it may run again",
                       "device", r->st.device, "rpc", r->st.rpc_id, NULL);
        return;
    }
    json_t *c = json_pack("{s:s,s:I,s:I}", "type", "settle", "tag", (json_int_t)r->st.tag, "gen",
                          (json_int_t)r->st.gen);
    char *body = json_dumps(c, JSON_COMPACT);
    if (acs_amqp_publish(gw->amqp, "", r->st.holder, NULL, body, strlen(body), NULL, NULL) != 0)
        acs_warn("control message to %s not queued; its hold will requeue the RPC", r->st.holder);
    free(body);
    json_decref(c);
}

/* --- results -------------------------------------------------------------- */

/* The result is out (both publishes confirmed): only now may the message it
 * answers leave the device queue, or a failed publish would lose both. */
static void settle_answered(gw_req_t *r)
{
    if (r->settle) {
        acs_amqp_ack(r->gw->amqp, r->settle->tag, r->settle->gen);
        acs_amqp_msg_free(r->settle);
        r->settle = NULL;
    }
    if (r->settle_rpc) {
        r->settle_rpc = 0;
        settle_inflight(r);
    }
}

/* One of the result's publishes is confirmed (failed != 0: it is not). */
static void result_published(gw_req_t *r, int failed)
{
    if (failed)
        r->publish_failed = 1;
    if (--r->publishes > 0) {
        r->pending--;
        return;
    }
    json_decref(r->result);
    r->result = NULL;
    /* Settled even when the CPE's connection has gone meanwhile: the result
     * is published, so running the RPC again would be wrong. */
    if (!r->publish_failed)
        settle_answered(r);
    if (!gw_req_resume(r))
        return;
    if (r->publish_failed) {
        /* The device-queue message (if any) stays unacked, the RPC in
         * flight stays held: the broker or the next session gets it again. */
        acs_metric_inc(r->gw->m.err_broker);
        gw_respond_busy(r, 30, "message broker unavailable");
        return;
    }
    r->after(r);
}

static void on_result_published(acs_amqp_status_t status, acs_amqp_msg_t *m, void *arg)
{
    result_published(arg, status != ACS_AMQP_OK);
}

static void on_reply_published(acs_amqp_status_t status, acs_amqp_msg_t *m, void *arg)
{
    gw_req_t *r = arg;
    /* The requester's queue refused it (full): retrying the RPC would not
     * help, and halyard.events has the result. Only a lost connection
     * counts as a failure. */
    if (status == ACS_AMQP_NACK)
        acs_log_kv(ACS_LOG_WARN, "reply_to queue refused the result; it is only in the events",
                   "device", r->st.device, "session", r->st.sid, NULL);
    result_published(r, status != ACS_AMQP_OK && status != ACS_AMQP_NACK);
}

/* Publish r->result to halyard.events and to reply_to (if any), then call
 * after(r), or answer 503 if the broker did not take both. */
static void publish_result(gw_req_t *r, const char *reply_to, const char *correlation_id,
                           void (*after)(gw_req_t *r))
{
    gw_t *gw = r->gw;
    const char *status = json_string_value(json_object_get(r->result, "status"));
    char now[32];
    json_object_set_new(r->result, "completed_at",
                        json_string(acs_iso8601(acs_now_wall_ms(), now)));
    if (correlation_id && *correlation_id)
        json_object_set_new(r->result, "correlation_id", json_string(correlation_id));
    acs_metric_inc(strcmp(status, "ok") == 0      ? gw->m.results_ok
                   : strcmp(status, "fault") == 0 ? gw->m.results_fault
                                                  : gw->m.results_failed);
    r->after = after;
    r->publish_failed = 0;
    r->publishes = 0;
    if (gw_event_publish(gw, r->result, on_result_published, r) == 0) {
        r->publishes++;
        GW_HOLD(r);
    } else {
        r->publish_failed = 1; /* the inventory must have it: not settled */
    }
    if (reply_to && *reply_to) {
        acs_amqp_props_t props = {json_string_value(json_object_get(r->result, "message_id")),
                                  correlation_id, NULL, "rpc.result"};
        char *body = json_dumps(r->result, JSON_COMPACT);
        if (acs_amqp_publish(gw->amqp, "", reply_to, &props, body, strlen(body),
                             on_reply_published, r) == 0) {
            r->publishes++;
            GW_HOLD(r);
        } else if (strlen(reply_to) > ACS_AMQP_SHORTSTR_MAX) {
            /* No AMQP queue has such a name: the event carries the result. */
            acs_log_kv(ACS_LOG_WARN, "reply_to is not a queue name; result only as an event",
                       "device", r->st.device, NULL);
        } else {
            r->publish_failed = 1; /* backlog full: the requester must get it, not settled */
        }
        free(body);
    }
    if (r->publishes == 0) {
        json_decref(r->result);
        r->result = NULL;
        gw_respond_busy(r, 30, "message broker backlog full");
    }
}

/* Longest method a result names (rpc-result.schema.json). */
#define RESULT_METHOD_MAX 64

static json_t *result_new(gw_req_t *r, const char *id, const char *method, const char *status)
{
    json_t *res = gw_event_base("rpc.result", r->st.device, r->st.sid);
    size_t n = strlen(method);
    if (n > RESULT_METHOD_MAX) {
        /* A request refused for its method: cut on a character boundary. */
        n = RESULT_METHOD_MAX;
        while (n > 0 && ((unsigned char)method[n] & 0xC0) == 0x80)
            n--;
    }
    json_object_set_new(res, "id", json_string(id));
    json_object_set_new(res, "method", json_stringn(method, n));
    json_object_set_new(res, "status", json_string(status));
    return res;
}

static void failed(json_t *res, const char *reason, const char *detail)
{
    json_object_set_new(res, "reason", json_string(reason));
    if (detail)
        json_object_set_new(res, "detail", json_string(detail));
}

/* --- answers from the CPE ------------------------------------------------- */

/* Quirk 14: fill in, complete and trim a GetParameterNames result for the
 * path it asked for. */
static void repair_gpn(gw_req_t *r, const json_t *ctx, json_t *body)
{
    gw_t *gw = r->gw;
    const json_t *g = json_object_get(ctx, "gpn");
    const char *path = json_string_value(json_object_get(g, "path"));
    gw_gpn_fix_t fx;
    char counts[80];
    if (!path || strcmp(r->st.rpc_method, "GetParameterNames") != 0)
        return;
    gw_rpcctx_fix_gpn(body, path, json_is_true(json_object_get(g, "next_level")), &fx);
    if (!fx.dropped && !fx.parents && !fx.dots)
        return;
    acs_metric_add(gw->m.gpn_dropped, fx.dropped);
    acs_metric_add(gw->m.gpn_parents, fx.parents);
    acs_metric_add(gw->m.gpn_dots, fx.dots);
    snprintf(counts, sizeof counts, "dropped=%d parents_added=%d dots_added=%d", fx.dropped,
             fx.parents, fx.dots);
    acs_log_kv(ACS_LOG_INFO, "GetParameterNames result repaired (quirk 14)", "device",
               r->st.device, "session", r->st.sid, "path", path, "repairs", counts, NULL);
}

/* What the result echoes of its request (gw_rpcctx.h), kept in the state. */
static void apply_context(gw_req_t *r, json_t *result)
{
    json_error_t e;
    json_t *ctx = r->st.rpc_ctx[0] ? json_loads(r->st.rpc_ctx, 0, &e) : NULL;
    gw_rpcctx_apply(result, ctx);
    json_t *body = json_object_get(result, "result");
    if (ctx && body)
        repair_gpn(r, ctx, body);
    json_decref(ctx);
    r->st.rpc_ctx[0] = '\0';
}

static void after_answer(gw_req_t *r)
{
    gw_rpc_next(r);
}

void gw_rpc_on_answer(gw_req_t *r)
{
    gw_state_t *st = &r->st;
    cwmp_msg_t *msg = &r->msg;
    char detail[300];

    if (!st->inflight) {
        acs_metric_inc(r->gw->m.err_session);
        acs_log_kv(ACS_LOG_WARN, "answer with no RPC outstanding; ignored", "device", st->device,
                   "session", st->sid, NULL);
        gw_rpc_next(r);
        return;
    }
    if (msg->kind == CWMP_FAULT) {
        r->result = result_new(r, st->rpc_id, st->rpc_method, "fault");
        json_object_set(r->result, "fault", msg->body);
        st->faults++;
    } else if (msg->kind == CWMP_RESPONSE && strcmp(msg->method, st->rpc_method) == 0 &&
               (!msg->has_id || strcmp(msg->id, st->cwmp_id) == 0)) {
        r->result = result_new(r, st->rpc_id, st->rpc_method, "ok");
        json_object_set(r->result, "result", msg->body);
    } else {
        r->result = result_new(r, st->rpc_id, st->rpc_method, "failed");
        snprintf(detail, sizeof detail, "expected %sResponse with ID %s, got %s%s", st->rpc_method,
                 st->cwmp_id, msg->kind == CWMP_EMPTY ? "an empty POST" : msg->method,
                 msg->kind == CWMP_RESPONSE ? "Response" : "");
        failed(r->result, "invalid-response", detail);
        acs_log_kv(ACS_LOG_WARN, "invalid response", "device", st->device, "session", st->sid,
                   "detail", detail, NULL);
    }
    apply_context(r, r->result);
    r->settle_rpc = 1; /* once the result is confirmed */
    st->inflight = 0;
    if (st->rpc_worker)
        st->worker_deadline_ms = 0; /* a new wait window for the worker's next step */
    publish_result(r, st->reply_to, st->correlation_id, after_answer);
}

static void after_garbage(gw_req_t *r)
{
    gw_respond_error(r, 400, r->parse_err);
}

void gw_rpc_on_garbage(gw_req_t *r)
{
    gw_state_t *st = &r->st;
    char detail[300];
    if (!st->inflight) {
        gw_respond_error(r, 400, r->parse_err);
        return;
    }
    /* The same answer would come again: running the RPC again cannot help. */
    snprintf(detail, sizeof detail, "unparseable answer to %s: %s", st->rpc_method,
             r->parse_err);
    r->result = result_new(r, st->rpc_id, st->rpc_method, "failed");
    failed(r->result, "invalid-response", detail);
    acs_log_kv(ACS_LOG_WARN, "invalid response", "device", st->device, "session", st->sid,
               "detail", detail, NULL);
    apply_context(r, r->result);
    r->settle_rpc = 1;
    st->inflight = 0;
    publish_result(r, st->reply_to, st->correlation_id, after_garbage);
}

/* --- the end -------------------------------------------------------------- */

static void on_closed_published(acs_amqp_status_t status, acs_amqp_msg_t *m, void *arg)
{
    gw_req_t *r = arg;
    if (!gw_req_resume(r))
        return;
    if (status != ACS_AMQP_OK)
        acs_log_kv(ACS_LOG_WARN, "session.closed event not confirmed", "device", r->st.device,
                   NULL);
    gw_respond(r, 204,
               "Set-Cookie: " GW_COOKIE_NAME "=; Max-Age=0; Path=/\r\nConnection: close\r\n",
               NULL, NULL, 0);
}

static void on_released(PGresult *res, const char *err, void *arg)
{
    gw_req_t *r = arg;
    gw_t *gw = r->gw;
    char t0[32], t1[32];
    if (!gw_req_resume(r))
        return;
    if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
        acs_log_kv(ACS_LOG_WARN, "releasing the lease failed; it expires on its own", "device",
                   r->st.device, "error", err, NULL);
    json_t *ev = gw_event_base("session.closed", r->st.device, r->st.sid);
    json_object_set_new(ev, "reason", json_string("done"));
    json_object_set_new(ev, "started_at", json_string(acs_iso8601(r->st.started_ms, t0)));
    json_object_set_new(ev, "ended_at", json_string(acs_iso8601(acs_now_wall_ms(), t1)));
    json_object_set_new(ev, "rpcs", json_integer(r->st.rpcs));
    json_object_set_new(ev, "faults", json_integer(r->st.faults));
    json_object_set_new(ev, "gateway", json_string(gw->cfg.id));
    int rc = gw_event_publish(gw, ev, on_closed_published, r);
    json_decref(ev);
    if (rc == 0)
        GW_HOLD(r);
    else
        on_closed_published(ACS_AMQP_DOWN, NULL, (GW_HOLD(r), r));
}

void gw_rpc_end_session(gw_req_t *r, const char *reason)
{
    acs_metric_inc(r->gw->m.sessions_done);
    acs_log_kv(ACS_LOG_INFO, "session done", "device", r->st.device, "session", r->st.sid,
               "reason", reason, NULL);
    const char *p[] = {r->st.sid, r->st.device};
    if (acs_pg_query(r->gw->pg,
                     "DELETE FROM live_sessions WHERE session_id = $1 AND device_id = $2", 2, p,
                     on_released, r) != 0) {
        GW_HOLD(r);
        on_released(NULL, "database busy", r);
        return;
    }
    GW_HOLD(r);
}

/* --- the device queue ----------------------------------------------------- */

static void take_next(gw_req_t *r);

static void on_poll(evutil_socket_t fd, short what, void *arg)
{
    gw_req_t *r = arg;
    /* A poll of an empty queue is no step: ACS_WORKER_WAIT_MS bounds it. */
    if (gw_req_resume(r))
        take_next(r);
}

/* The queue is empty: wait for the worker, or end. */
static void queue_empty(gw_req_t *r)
{
    gw_t *gw = r->gw;
    int64_t now = acs_now_wall_ms();
    if (r->st.worker_done || gw->cfg.worker_wait_ms == 0) {
        gw_rpc_end_session(r, "done");
        return;
    }
    if (r->st.worker_deadline_ms == 0)
        r->st.worker_deadline_ms = now + gw->cfg.worker_wait_ms;
    if (now >= r->st.worker_deadline_ms) {
        gw_rpc_end_session(r, "worker-timeout");
        return;
    }
    r->poll_delay_ms = r->poll_delay_ms ? r->poll_delay_ms * 2 : POLL_MIN_MS;
    if (r->poll_delay_ms > POLL_MAX_MS)
        r->poll_delay_ms = POLL_MAX_MS;
    int64_t d = r->st.worker_deadline_ms - now;
    if (d > r->poll_delay_ms)
        d = r->poll_delay_ms;
    struct timeval tv = {(time_t)(d / 1000), (suseconds_t)(d % 1000) * 1000};
    if (!r->timer)
        r->timer = evtimer_new(gw->base, on_poll, r);
    evtimer_add(r->timer, &tv);
    GW_HOLD(r);
}

static void drop_message(gw_req_t *r, acs_amqp_msg_t *m, const char *why)
{
    acs_metric_inc(r->gw->m.rejected);
    acs_log_kv(ACS_LOG_WARN, "device queue message rejected to the dead-letter queue", "device",
               r->st.device, "reason", why, NULL);
    acs_amqp_reject(r->gw->amqp, m->tag, m->gen, 0);
    acs_amqp_msg_free(m);
    gw_rpc_next(r);
}

static void after_drop(gw_req_t *r)
{
    gw_rpc_next(r);
}

/* Answer an RPC we will not send with status failed, then go on. params
 * (may be NULL) give what the result echoes (a command_key). */
static void refuse(gw_req_t *r, acs_amqp_msg_t *m, const char *id, const char *method,
                   const char *reply_to, const json_t *params, const char *reason,
                   const char *detail)
{
    r->result = result_new(r, id, method ? method : "", "failed");
    failed(r->result, reason, detail);
    if (method && params) {
        json_t *ctx = gw_rpcctx_new(method, params);
        gw_rpcctx_apply(r->result, ctx);
        json_decref(ctx);
    }
    acs_log_kv(ACS_LOG_INFO, "RPC refused", "device", r->st.device, "session", r->st.sid, "rpc",
               id, "reason", reason, "detail", detail, NULL);
    r->settle = m;
    publish_result(r, reply_to, m->correlation_id, after_drop);
}

static void refuse_rpc(gw_req_t *r, acs_amqp_msg_t *m, json_t *rpc, const char *reason,
                       const char *detail)
{
    const char *id = json_string_value(json_object_get(rpc, "id"));
    const char *method = json_string_value(json_object_get(rpc, "method"));
    const char *reply_to = m->reply_to ? m->reply_to
                                       : json_string_value(json_object_get(rpc, "reply_to"));
    json_t *params = json_object_get(rpc, "params");
    json_t *none = params ? NULL : json_object(); /* a Reboot's command_key is then "" */
    refuse(r, m, id, method, reply_to, params ? params : none, reason, detail);
    json_decref(none);
}

/* Keep what the result will need of the request with the session state. */
static void keep_context(gw_state_t *st, const char *method, const json_t *params)
{
    json_t *ctx = gw_rpcctx_new(method, params);
    char *text = json_object_size(ctx) ? json_dumps(ctx, JSON_COMPACT) : NULL;
    st->rpc_ctx[0] = '\0';
    if (text && strlen(text) < sizeof st->rpc_ctx)
        memcpy(st->rpc_ctx, text, strlen(text) + 1);
    else if (text)
        acs_log_kv(ACS_LOG_WARN, "RPC context too large; its result will not echo it", "device",
                   st->device, "session", st->sid, NULL);
    free(text);
    json_decref(ctx);
}

static void send_rpc(gw_req_t *r, acs_amqp_msg_t *m, json_t *rpc)
{
    gw_state_t *st = &r->st;
    char ns[40], err[200], cid[24];
    acs_buf_t xml = ACS_BUF_INIT;
    const char *id = json_string_value(json_object_get(rpc, "id"));
    const char *method = json_string_value(json_object_get(rpc, "method"));
    const char *reply_to = m->reply_to ? m->reply_to
                                       : json_string_value(json_object_get(rpc, "reply_to"));
    json_t *params = json_object_get(rpc, "params");
    json_t *empty = json_object();
    snprintf(cid, sizeof cid, "acs-%u", ++st->seq);
    int rc = cwmp_build_request(&xml, gw_session_ns(st->ns_minor, ns), cid,
                                json_is_true(json_object_get(rpc, "hold_requests")), method,
                                params ? params : empty, err, sizeof err);
    json_decref(empty);
    if (rc == 0 && strlen(method) >= sizeof st->rpc_method) {
        rc = -1;
        snprintf(err, sizeof err, "method name longer than %zu", sizeof st->rpc_method - 1);
    }
    if (rc != 0 || (reply_to && strlen(reply_to) >= sizeof st->reply_to) ||
        (m->correlation_id && strlen(m->correlation_id) >= sizeof st->correlation_id)) {
        acs_buf_free(&xml);
        refuse_rpc(r, m, rpc, "invalid-request",
                   rc != 0 ? err : "reply_to or correlation_id too long");
        return;
    }
    keep_context(st, method, params);
    st->inflight = 1;
    snprintf(st->rpc_id, sizeof st->rpc_id, "%s", id);
    snprintf(st->rpc_method, sizeof st->rpc_method, "%s", method);
    snprintf(st->cwmp_id, sizeof st->cwmp_id, "%s", cid);
    snprintf(st->reply_to, sizeof st->reply_to, "%s", reply_to ? reply_to : "");
    snprintf(st->correlation_id, sizeof st->correlation_id, "%s",
             m->correlation_id ? m->correlation_id : "");
    st->rpc_worker = json_object_get(rpc, "session_id") != NULL;
    snprintf(st->holder, sizeof st->holder, "%s", r->gw->instance);
    st->tag = m->tag;
    st->gen = m->gen;
    st->rpcs++;
    hold_add(r->gw, m, st->device);
    acs_metric_inc(r->gw->m.rpcs_sent);
    acs_log_kv(ACS_LOG_DEBUG, "RPC to CPE", "device", st->device, "session", st->sid, "rpc", id,
               "method", method, NULL);
    acs_amqp_msg_free(m);
    gw_respond_envelope(r, &xml);
}

static int valid_id(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n > 64)
        return 0;
    return strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-") == n;
}

/* 1 if key is absent or a string. */
static int absent_or_string(json_t *j, const char *key)
{
    json_t *v = json_object_get(j, key);
    return !v || json_is_string(v);
}

/* 1 if s could be a method name (for a result naming a refused request). */
static int plain_name(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && n <= RESULT_METHOD_MAX &&
           strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

/* Bounded everything: an RPC is never bigger than a CPE's body, and a
 * message over ACS_MAX_BODY is not parsed. If its id can be read without
 * parsing it, its requester learns why; otherwise it is dead-lettered. */
static void refuse_oversized(gw_req_t *r, acs_amqp_msg_t *m)
{
    char type[8], id[80], method[80], reply_to[ACS_AMQP_SHORTSTR_MAX + 1], detail[160];
    if (gw_rpcctx_peek(m->body, m->len, "type", type, sizeof type) != 0 ||
        strcmp(type, "rpc") != 0 || gw_rpcctx_peek(m->body, m->len, "id", id, sizeof id) != 0 ||
        !valid_id(id)) {
        drop_message(r, m, "message over ACS_MAX_BODY");
        return;
    }
    if (gw_rpcctx_peek(m->body, m->len, "method", method, sizeof method) != 0 ||
        !plain_name(method))
        method[0] = '\0';
    if (gw_rpcctx_peek(m->body, m->len, "reply_to", reply_to, sizeof reply_to) != 0)
        reply_to[0] = '\0';
    snprintf(detail, sizeof detail, "request of %zu bytes is over ACS_MAX_BODY (%ld bytes)",
             m->len, r->gw->cfg.max_body);
    refuse(r, m, id, method, m->reply_to ? m->reply_to : reply_to, NULL, "invalid-request",
           detail);
}

static void handle_message(gw_req_t *r, acs_amqp_msg_t *m)
{
    gw_state_t *st = &r->st;
    json_error_t e;
    if (m->len > (size_t)r->gw->cfg.max_body) {
        refuse_oversized(r, m);
        return;
    }
    json_t *j = json_loadb(m->body, m->len, JSON_REJECT_DUPLICATES, &e);
    const char *type = json_string_value(json_object_get(j, "type"));
    const char *sid = json_string_value(json_object_get(j, "session_id"));
    const char *dev = json_string_value(json_object_get(j, "device_id"));

    if (!json_is_object(j) || !type) {
        drop_message(r, m, "not a JSON object with a type");
    } else if (strcmp(type, "done") == 0) {
        if (sid && strcmp(sid, st->sid) == 0)
            st->worker_done = 1;
        else
            acs_metric_inc(r->gw->m.stale);
        acs_amqp_ack(r->gw->amqp, m->tag, m->gen);
        acs_amqp_msg_free(m);
        gw_rpc_next(r);
    } else if (strcmp(type, "rpc") != 0) {
        drop_message(r, m, "unknown message type");
    } else if (!valid_id(json_string_value(json_object_get(j, "id"))) ||
               !json_is_string(json_object_get(j, "method"))) {
        drop_message(r, m, "rpc without a valid id and method");
    } else if (!absent_or_string(j, "session_id") || !absent_or_string(j, "device_id") ||
               !absent_or_string(j, "reply_to")) {
        refuse_rpc(r, m, j, "invalid-request", "session_id, device_id and reply_to are strings");
    } else if (sid && strcmp(sid, st->sid) != 0) {
        acs_metric_inc(r->gw->m.stale);
        acs_log_kv(ACS_LOG_INFO, "stale RPC for an ended session dropped", "device", st->device,
                   "session", st->sid, "rpc_session", sid, NULL);
        refuse_rpc(r, m, j, "session-ended", "the session it was for has ended");
    } else if (dev && strcmp(dev, st->device) != 0) {
        refuse_rpc(r, m, j, "invalid-request", "device_id does not match the device queue");
    } else {
        send_rpc(r, m, j);
    }
    json_decref(j);
}

static void on_get(acs_amqp_status_t status, acs_amqp_msg_t *m, void *arg)
{
    gw_req_t *r = arg;
    gw_t *gw = r->gw; /* r may be freed by gw_req_resume */
    if (!gw_req_resume(r)) {
        if (m && gw->amqp)
            acs_amqp_reject(gw->amqp, m->tag, m->gen, 1);
        acs_amqp_msg_free(m);
        return;
    }
    switch (status) {
    case ACS_AMQP_OK:
        r->st.queue_declared = 1;
        r->poll_delay_ms = 0;
        handle_message(r, m);
        break;
    case ACS_AMQP_EMPTY:
        r->st.queue_declared = 1;
        queue_empty(r);
        break;
    case ACS_AMQP_ERROR:
        /* The queue exists with other arguments, or vanished: log loudly
         * and end the session rather than make the CPE retry forever. */
        r->st.queue_declared = 0;
        acs_metric_inc(r->gw->m.err_broker);
        acs_log_kv(ACS_LOG_ERROR, "device queue unusable (declared with other arguments?)",
                   "device", r->st.device, NULL);
        gw_rpc_end_session(r, "error");
        break;
    default:
        acs_metric_inc(r->gw->m.err_broker);
        gw_respond_busy(r, 30, "message broker unavailable");
        break;
    }
}

/* basic.get the next message of the device queue. */
static void take_next(gw_req_t *r)
{
    char q[ACS_DEVICE_ID_MAX + 32];
    if (acs_topology_device_queue(r->st.device, q, sizeof q) != 0 ||
        acs_amqp_get(r->gw->amqp, q, !r->st.queue_declared, on_get, r) != 0) {
        gw_respond_busy(r, 30, "message broker backlog full");
        return;
    }
    GW_HOLD(r);
}

void gw_rpc_next(gw_req_t *r)
{
    if (r->st.rpcs >= r->gw->cfg.max_rpcs || ++r->steps > MAX_STEPS_PER_POST) {
        acs_log_kv(ACS_LOG_WARN, "RPC limit for one session reached; ending it", "device",
                   r->st.device, "session", r->st.sid, NULL);
        gw_rpc_end_session(r, "limit");
        return;
    }
    take_next(r);
}
