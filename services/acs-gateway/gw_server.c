/* gw_server: accept SCGI connections from nginx, read one request each,
 * write one response, close (SCGI has no keep-alive). */
#include "gateway.h"

#include "acs_config.h"
#include "acs_log.h"
#include "acs_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define READ_TIMEOUT_S 60

static void req_free(gw_req_t *r)
{
    gw_t *gw = r->gw;
    gw->active--;
    acs_metric_set(gw->m.active, gw->active);
    if (r->prev)
        r->prev->next = r->next;
    else
        gw->reqs = r->next;
    if (r->next)
        r->next->prev = r->prev;
    if (r->bev)
        bufferevent_free(r->bev);
    if (r->timer)
        event_free(r->timer);
    if (r->have_msg)
        cwmp_msg_clear(&r->msg);
    json_decref(r->result);
    acs_buf_free(&r->in);
    acs_buf_free(&r->out_xml);
    if (r->settle && gw->amqp) /* taken but never settled: back to the queue */
        acs_amqp_reject(gw->amqp, r->settle->tag, r->settle->gen, 1);
    acs_amqp_msg_free(r->settle);
    free(r->result_reply_to);
    free(r->inflated);
    free(r->transcoded);
    free(r);
}

static void maybe_free(gw_req_t *r)
{
    if (r->pending == 0 && (r->gone || (r->responded && !r->bev)))
        req_free(r);
}

int gw_req_resume(gw_req_t *r)
{
    r->pending--;
    if (r->gone || r->responded) {
        /* Nothing more to do for this request (e.g. a lease released after
         * the answer went out); free it once the last callback is back. The
         * caller must not touch r after this. */
        maybe_free(r);
        return 0;
    }
    return 1;
}

static const char *reason_phrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
    }
}

void gw_respond(gw_req_t *r, int status, const char *extra, const char *ctype, const char *body,
                size_t len)
{
    if (r->responded || r->gone)
        return;
    r->responded = 1;
    struct evbuffer *out = bufferevent_get_output(r->bev);
    evbuffer_add_printf(out, "Status: %d %s\r\n", status, reason_phrase(status));
    if (ctype)
        evbuffer_add_printf(out, "Content-Type: %s\r\n", ctype);
    evbuffer_add_printf(out, "Content-Length: %zu\r\n", body ? len : 0);
    if (extra)
        evbuffer_add(out, extra, strlen(extra));
    evbuffer_add(out, "\r\n", 2);
    if (body && len)
        evbuffer_add(out, body, len);
    bufferevent_enable(r->bev, EV_WRITE);
}

void gw_respond_error(gw_req_t *r, int status, const char *reason)
{
    char body[300];
    int n = snprintf(body, sizeof body, "%s\n", reason);
    gw_respond(r, status, "Connection: close\r\n", "text/plain; charset=utf-8", body,
               (size_t)n < sizeof body ? (size_t)n : sizeof body - 1);
}

void gw_respond_busy(gw_req_t *r, int retry_after_s, const char *reason)
{
    char extra[64], body[200];
    snprintf(extra, sizeof extra, "Retry-After: %d\r\n", retry_after_s);
    int n = snprintf(body, sizeof body, "%s\n", reason);
    acs_metric_inc(r->gw->m.err_busy);
    gw_respond(r, 503, extra, "text/plain; charset=utf-8", body,
               (size_t)n < sizeof body ? (size_t)n : sizeof body - 1);
}

/* --- envelope responses with the session state ------------------------- */

static void send_envelope(gw_req_t *r)
{
    acs_buf_t cookie = ACS_BUF_INIT;
    gw_t *gw = r->gw;
    acs_buf_puts(&cookie, "Set-Cookie: " GW_COOKIE_NAME "=");
    gw_state_encode(&r->st, gw->cfg.cookie_key, gw->cfg.cookie_key_len, &cookie);
    acs_buf_printf(&cookie, "; Path=/; HttpOnly%s\r\n", r->tls ? "; Secure" : "");
    gw_respond(r, 200, cookie.data, "text/xml; charset=\"utf-8\"", r->out_xml.data,
               r->out_xml.len);
    acs_buf_free(&cookie);
    acs_buf_free(&r->out_xml);
}

static void on_state_saved(PGresult *res, const char *err, void *arg)
{
    gw_req_t *r = arg;
    int ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
    int rows = ok ? atoi(PQcmdTuples(res)) : 0;
    if (!gw_req_resume(r))
        return;
    if (!ok) {
        acs_metric_inc(r->gw->m.err_db);
        acs_log_kv(ACS_LOG_WARN, "saving session state failed", "device", r->st.device,
                   "session", r->st.sid, "error", err, NULL);
        gw_respond_busy(r, 10, "database unavailable");
        return;
    }
    if (rows == 0) {
        /* Our lease is gone: another session for this device took over. */
        acs_metric_inc(r->gw->m.err_session);
        gw_respond_error(r, 400, "session expired");
        return;
    }
    send_envelope(r);
}

void gw_respond_envelope(gw_req_t *r, acs_buf_t *xml)
{
    gw_t *gw = r->gw;
    int64_t now = acs_now_wall_ms();
    int64_t lease_ms = GW_LEASE_S(gw) * 1000;
    /* Refresh while at least a session timeout plus margin remains, so the
     * lease outlives every hold of an RPC sent in this session. */
    int refresh = r->st.lease_until_ms - now < (gw->cfg.session_timeout_s + 5) * 1000;

    r->st.last_ms = now;
    acs_buf_free(&r->out_xml);
    r->out_xml = *xml;
    *xml = (acs_buf_t)ACS_BUF_INIT;
    if (!refresh && !r->st.nocookie) {
        send_envelope(r);
        return;
    }
    /* Save where the next POST can find it: the lease row. */
    acs_buf_t token = ACS_BUF_INIT;
    char secs[24];
    if (refresh)
        r->st.lease_until_ms = now + lease_ms;
    gw_state_encode(&r->st, gw->cfg.cookie_key, gw->cfg.cookie_key_len, &token);
    snprintf(secs, sizeof secs, "%ld", GW_LEASE_S(gw));
    const char *p[] = {r->st.sid, r->st.device, secs, r->st.nocookie ? token.data : NULL};
    if (acs_pg_query(gw->pg,
                     "UPDATE live_sessions SET expires_at = now() + make_interval(secs => $3), "
                     "state = coalesce($4, state) WHERE session_id = $1 AND device_id = $2",
                     4, p, on_state_saved, r) != 0) {
        acs_buf_free(&token);
        gw_respond_busy(r, 10, "database busy");
        return;
    }
    GW_HOLD(r);
    acs_buf_free(&token);
}

/* --- reading ------------------------------------------------------------ */

/* The whole request is in: from now on the connection is only watched for
 * the peer leaving (nginx closes it when the CPE goes away), with no read
 * timeout, since answering may legitimately wait for a worker. */
static void request_complete(gw_req_t *r)
{
    struct timeval wr = {READ_TIMEOUT_S, 0};
    r->parsed = 1;
    bufferevent_set_timeouts(r->bev, NULL, &wr);
}

static void on_read(struct bufferevent *bev, void *arg)
{
    gw_req_t *r = arg;
    gw_t *gw = r->gw;
    struct evbuffer *in = bufferevent_get_input(bev);
    size_t n = evbuffer_get_length(in);
    char err[160];

    if (r->parsed || r->responded) {
        /* SCGI has one request per connection: anything after it is
         * ignored (and r->in must not move under r->scgi). */
        evbuffer_drain(in, n);
        return;
    }
    if (r->in.len + n > (size_t)gw->cfg.max_body + SCGI_MAX_HEADER_BYTES + 16) {
        acs_metric_inc(gw->m.err_http);
        gw_respond_error(r, 413, "request too large");
        return;
    }
    acs_buf_reserve(&r->in, n);
    evbuffer_remove(in, r->in.data + r->in.len, n);
    r->in.len += n;
    r->in.data[r->in.len] = '\0';
    int rc = scgi_parse(r->in.data, r->in.len, (size_t)gw->cfg.max_body, &r->scgi, err,
                        sizeof err);
    if (rc == SCGI_AGAIN)
        return;
    request_complete(r);
    if (rc == SCGI_ERROR) {
        acs_metric_inc(gw->m.err_http);
        acs_log_kv(ACS_LOG_WARN, "bad SCGI request", "error", err, NULL);
        gw_respond_error(r, r->scgi.too_large ? 413 : 400, err);
        return;
    }
    r->body = r->scgi.body;
    r->body_len = r->scgi.content_length;
    acs_metric_inc(gw->m.requests);
    if (gw->active > gw->cfg.max_requests) {
        gw_respond_busy(r, 10, "gateway overloaded");
        return;
    }
    gw_session_handle(r);
}

static void on_write(struct bufferevent *bev, void *arg)
{
    gw_req_t *r = arg;
    if (!r->responded || evbuffer_get_length(bufferevent_get_output(bev)) > 0)
        return;
    bufferevent_free(bev);
    r->bev = NULL;
    maybe_free(r);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    gw_req_t *r = arg;
    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT)) {
        if (!r->responded && (what & BEV_EVENT_TIMEOUT))
            acs_debug("SCGI connection timed out before a complete request");
        else if (!r->responded && r->parsed)
            acs_log_kv(ACS_LOG_DEBUG, "peer left before the answer", "device",
                       r->have_state ? r->st.device : r->device, NULL);
        r->gone = 1;
        bufferevent_free(bev);
        r->bev = NULL;
        maybe_free(r);
    }
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len,
                      void *arg)
{
    gw_t *gw = arg;
    gw_req_t *r = acs_xcalloc(1, sizeof *r);
    struct timeval tv = {READ_TIMEOUT_S, 0};
    r->gw = gw;
    r->bev = bufferevent_socket_new(gw->base, fd, BEV_OPT_CLOSE_ON_FREE);
    if (!r->bev) {
        evutil_closesocket(fd);
        free(r);
        return;
    }
    gw->active++;
    acs_metric_set(gw->m.active, gw->active);
    r->next = gw->reqs;
    if (gw->reqs)
        gw->reqs->prev = r;
    gw->reqs = r;
    bufferevent_setcb(r->bev, on_read, on_write, on_event, r);
    bufferevent_set_timeouts(r->bev, &tv, &tv);
    bufferevent_enable(r->bev, EV_READ);
}

static void on_accept_error(struct evconnlistener *l, void *arg)
{
    /* EMFILE and friends: log and keep serving; the listener retries. */
    acs_error("accept: %s", strerror(errno));
}

int gw_server_start(gw_t *gw)
{
    char host[256];
    int port;
    struct sockaddr_storage ss;
    socklen_t sl;
    memset(&ss, 0, sizeof ss);

    if (acs_config_hostport(gw->cfg.listen, host, sizeof host, &port) != 0) {
        acs_error("ACS_GW_LISTEN=%s is not host:port or unix:/path", gw->cfg.listen);
        return -1;
    }
    if (port == 0 && strncmp(host, "unix:", 5) == 0) {
        struct sockaddr_un *un = (struct sockaddr_un *)&ss;
        if (strlen(host + 5) >= sizeof un->sun_path)
            return -1;
        un->sun_family = AF_UNIX;
        strcpy(un->sun_path, host + 5);
        unlink(un->sun_path);
        sl = sizeof *un;
    } else {
        int len = sizeof ss;
        char spec[300];
        snprintf(spec, sizeof spec, strchr(host, ':') ? "[%s]:%d" : "%s:%d", host, port);
        if (evutil_parse_sockaddr_port(spec, (struct sockaddr *)&ss, &len) != 0) {
            acs_error("ACS_GW_LISTEN=%s: not an IP address and port", gw->cfg.listen);
            return -1;
        }
        sl = (socklen_t)len;
    }
    gw->listener = evconnlistener_new_bind(gw->base, on_accept, gw,
                                           LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 4096,
                                           (struct sockaddr *)&ss, (int)sl);
    if (!gw->listener) {
        acs_error("cannot listen on %s: %s", gw->cfg.listen, strerror(errno));
        return -1;
    }
    evconnlistener_set_error_cb(gw->listener, on_accept_error);
    acs_info("listening for SCGI on %s", gw->cfg.listen);
    return 0;
}

/* --- drain and shutdown --------------------------------------------------- */

static void on_drain_tick(evutil_socket_t fd, short what, void *arg)
{
    gw_t *gw = arg;
    int64_t now = acs_now_mono_ms();
    if (gw->active == 0 && gw->nholds == 0) {
        event_base_loopexit(gw->base, NULL);
        return;
    }
    if (now < gw->drain_deadline_ms)
        return;
    if (gw->drain_shed) {
        /* The 503s had their chance to be written. */
        acs_warn("drain deadline: %ld requests and %ld held RPCs left", gw->active, gw->nholds);
        event_base_loopexit(gw->base, NULL);
        return;
    }
    gw->drain_shed = 1;
    gw->drain_deadline_ms = now + 500;
    for (gw_req_t *r = gw->reqs; r; r = r->next)
        if (!r->responded && !r->gone)
            gw_respond_busy(r, 5, "gateway shutting down");
}

void gw_server_drain(gw_t *gw)
{
    struct timeval tick = {0, 50 * 1000};
    if (gw->draining)
        return;
    gw->draining = 1;
    /* Close the socket rather than only stop accepting: connections nginx
     * opens now are refused, so it moves them to another gateway, instead
     * of queueing them in a backlog nobody reads. */
    if (gw->listener) {
        evconnlistener_free(gw->listener);
        gw->listener = NULL;
    }
    gw->drain_deadline_ms = acs_now_mono_ms() + GW_DRAIN_MS;
    gw->drain = event_new(gw->base, -1, EV_PERSIST, on_drain_tick, gw);
    event_add(gw->drain, &tick);
}

void gw_server_abandon(gw_t *gw)
{
    for (gw_req_t *r = gw->reqs; r; r = r->next) {
        r->gone = 1;
        if (r->bev) {
            bufferevent_free(r->bev);
            r->bev = NULL;
        }
    }
}

void gw_server_free_requests(gw_t *gw)
{
    while (gw->reqs)
        req_free(gw->reqs);
    if (gw->drain)
        event_free(gw->drain);
    gw->drain = NULL;
}
