/* gw_cpereq: the CPE's own requests within a session (cwmp-reference.md 3.3,
 * docs/rpc-methods.md "ACS methods").
 *
 * Each ACS method but GetRPCMethods is an event: published to halyard.events
 * as <type>.<device_id>, and answered only once the broker has confirmed
 * it. If the broker cannot take it the CPE gets fault 8005 (retry request)
 * with HTTP 200 and sends the same request again: a completion is never
 * lost, and never answered without being recorded. Malformed arguments get
 * 8003 and nothing is published, an unknown method 8000, and a CPE that
 * keeps sending requests 8004 once it has sent ACS_MAX_CPE_REQUESTS_PER_SESSION.
 */
#include "gateway.h"

#include "acs_log.h"
#include "acs_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The ACS methods, in the order of gw_cpe_methods and its counters, with the
 * type of the event each publishes (NULL: answered without one). */
const char *const gw_cpe_methods[GW_CPE_METHODS + 1] = {
    "Inform",
    "GetRPCMethods",
    "TransferComplete",
    "AutonomousTransferComplete",
    "DUStateChangeComplete",
    "AutonomousDUStateChangeComplete",
    "RequestDownload",
    "Kicked",
    NULL,
};

static const char *const event_types[GW_CPE_METHODS] = {
    NULL,
    NULL,
    "transfer.complete",
    "autonomous.transfer.complete",
    "du.state.change.complete",
    "autonomous.du.state.change.complete",
    "request.download",
    "kicked",
};

static int method_index(const char *method)
{
    for (int i = 0; i < GW_CPE_METHODS; i++)
        if (strcmp(method, gw_cpe_methods[i]) == 0)
            return i;
    return -1;
}

/* An ACS fault answering the CPE's request (HTTP 200, same cwmp:ID). */
static void answer_fault(gw_req_t *r, acs_metric_t *counter, int code, const char *string)
{
    char ns[40];
    acs_buf_t xml = ACS_BUF_INIT;
    acs_metric_inc(counter);
    cwmp_build_fault(&xml, gw_session_ns(r->st.ns_minor, ns), r->msg.id, code, string);
    gw_respond_envelope(r, &xml);
}

/* The response to a request whose event (if any) is confirmed. */
static void answer(gw_req_t *r)
{
    char ns[40];
    acs_buf_t xml = ACS_BUF_INIT;
    const char *method = r->msg.method;
    gw_session_ns(r->st.ns_minor, ns);
    if (strcmp(method, "GetRPCMethods") == 0) {
        cwmp_build_get_rpc_methods_response(&xml, ns, r->msg.id, gw_cpe_methods);
    } else if (strcmp(method, "Kicked") == 0) {
        const char *next = json_string_value(json_object_get(r->msg.body, "next"));
        cwmp_build_kicked_response(&xml, ns, r->msg.id, next ? next : "");
    } else {
        cwmp_build_empty_response(&xml, ns, r->msg.id, method);
    }
    gw_respond_envelope(r, &xml);
}

static void retry_later(gw_req_t *r, const char *why)
{
    acs_metric_inc(r->gw->m.err_broker);
    acs_log_kv(ACS_LOG_WARN, "CPE request not confirmed by the broker; fault 8005", "device",
               r->st.device, "session", r->st.sid, "method", r->msg.method, "status", why, NULL);
    answer_fault(r, r->gw->m.cpe_fault_retry, 8005, "Retry request");
}

static void on_published(acs_amqp_status_t status, acs_amqp_msg_t *m, void *arg)
{
    gw_req_t *r = arg;
    if (!gw_req_resume(r))
        return;
    if (status != ACS_AMQP_OK) {
        /* The CPE keeps the request and sends it again. */
        retry_later(r, status == ACS_AMQP_NACK ? "nack" : "down");
        return;
    }
    answer(r);
}

/* The event's message_id follows from what it says: a request the CPE sends
 * again after 8005 (or after a nack that still reached some queues) gives
 * the same id within its session, so consumers drop the copy (messages.md:
 * "drop duplicates by it"). The session is part of it: identical requests
 * in two sessions (a reused command key, unknown times) stay two events. */
static void content_id(gw_req_t *r, const char *type, char out[80])
{
    unsigned char mac[32];
    char hex[65];
    char *canon = json_dumps(r->msg.body, JSON_SORT_KEYS | JSON_COMPACT);
    acs_buf_t b = ACS_BUF_INIT;
    acs_buf_printf(&b, "%s\n%s\n%s", type, r->st.device, canon ? canon : "");
    acs_hmac_sha256(r->st.sid, strlen(r->st.sid), b.data, b.len, mac);
    acs_hex(mac, sizeof mac, hex);
    snprintf(out, 80, "cpe-%s", hex);
    acs_buf_free(&b);
    free(canon);
}

static void publish(gw_req_t *r, const char *type)
{
    gw_t *gw = r->gw;
    char now[32], id[80];
    json_t *ev = gw_event_base(type, r->st.device, r->st.sid);
    content_id(r, type, id);
    json_object_set_new(ev, "message_id", json_string(id));
    json_object_update(ev, r->msg.body);
    json_object_set_new(ev, "received_at", json_string(acs_iso8601(acs_now_wall_ms(), now)));
    json_object_set_new(ev, "gateway", json_string(gw->cfg.id));
    int rc = gw_event_publish(gw, ev, on_published, r);
    json_decref(ev);
    if (rc != 0) {
        retry_later(r, "backlog full");
        return;
    }
    GW_HOLD(r);
}

void gw_cpereq_handle(gw_req_t *r)
{
    gw_t *gw = r->gw;
    int i = method_index(r->msg.method);

    acs_metric_inc(gw->m.cpe_requests[i < 0 ? GW_CPE_METHODS : i]);
    if (i == 0) {
        acs_metric_inc(gw->m.err_session);
        gw_respond_error(r, 400, "Inform inside a session");
        return;
    }
    acs_log_kv(ACS_LOG_INFO, "CPE request", "device", r->st.device, "session", r->st.sid, "method",
               r->msg.method, NULL);
    if (++r->st.cpe_requests > gw->cfg.max_cpe_requests) {
        acs_log_kv(ACS_LOG_WARN, "too many CPE requests in one session; fault 8004", "device",
                   r->st.device, "session", r->st.sid, NULL);
        answer_fault(r, gw->m.cpe_fault_limit, 8004, "Resources exceeded");
        return;
    }
    if (i < 0) {
        answer_fault(r, gw->m.cpe_fault_unsupported, 8000, "Method not supported");
        return;
    }
    if (r->msg.bad_args) {
        acs_log_kv(ACS_LOG_WARN, "CPE request with invalid arguments; fault 8003", "device",
                   r->st.device, "session", r->st.sid, "method", r->msg.method, "error",
                   r->msg.bad_args_reason, NULL);
        answer_fault(r, gw->m.cpe_fault_invalid, 8003, "Invalid arguments");
        return;
    }
    if (event_types[i])
        publish(r, event_types[i]);
    else
        answer(r);
}
