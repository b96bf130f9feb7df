/* sim_session: see sim_session.h.
 *
 * The session never frees the evhttp connection from inside an evhttp
 * callback: finishing activates finish_ev, whose callback (a fresh loop
 * iteration) frees the connection, which drops any pending request without
 * calling us back. A late evhttp callback after finishing is ignored.
 */
#include <sys/queue.h> /* TAILQ_FOREACH over evhttp headers */

#include "sim_session.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acs_http_auth.h"
#include "acs_log.h"
#include "acs_util.h"

enum { ST_INFORM, ST_REQUESTS, ST_EXCHANGE, ST_DONE };

struct sim_session {
    const sim_session_env_t *env;
    sim_device_t *dev;
    sim_xfer_t *xfer; /* NULL: the device has no pending requests */
    size_t dev_no;
    size_t req;      /* ST_REQUESTS: the pending request being sent */
    unsigned resent; /* times it was sent again after an ACS fault 8005 */
    sim_session_done_fn done;
    void *arg;
    struct evhttp_connection *evcon;
    struct event *timer;     /* inactivity timeout */
    struct event *finish_ev; /* deferred end */
    int state;
    acs_buf_t post;       /* the body of the current POST, kept for a 401 resend */
    int challenged;       /* 401s answered for the current POST */
    acs_challenge_t chal; /* scheme NONE until the ACS challenged */
    unsigned nc;
    char *username, *password; /* NULL: the CPE has no credentials */
    sim_cookies_t jar;
    enum evhttp_request_error http_error;
    int has_http_error;
    char id[24];
    sim_session_result_t res;
};

static unsigned session_counter;

static void finish(sim_session_t *s, int ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void finish(sim_session_t *s, int ok, const char *fmt, ...)
{
    va_list ap;
    if (s->state == ST_DONE)
        return;
    s->state = ST_DONE;
    s->res.ok = ok;
    if (fmt) {
        va_start(ap, fmt);
        vsnprintf(s->res.error, sizeof s->res.error, fmt, ap);
        va_end(ap);
    }
    evtimer_del(s->timer);
    event_active(s->finish_ev, EV_TIMEOUT, 1);
}

static void session_free(sim_session_t *s)
{
    if (s->evcon)
        evhttp_connection_free(s->evcon);
    if (s->timer)
        event_free(s->timer);
    if (s->finish_ev)
        event_free(s->finish_ev);
    acs_buf_free(&s->post);
    sim_cookies_clear(&s->jar);
    if (s->password)
        explicit_bzero(s->password, strlen(s->password));
    free(s->username);
    free(s->password);
    free(s);
}

static void finish_cb(evutil_socket_t fd, short what, void *arg)
{
    sim_session_t *s = arg;
    sim_session_result_t res = s->res;
    sim_session_done_fn done = s->done;
    void *done_arg = s->arg;

    session_free(s);
    done(&res, done_arg);
}

static void timeout_cb(evutil_socket_t fd, short what, void *arg)
{
    sim_session_t *s = arg;
    finish(s, 0, "timeout: no answer within %d s", s->env->timeout_s);
}

static void arm_timer(sim_session_t *s)
{
    struct timeval tv = {s->env->timeout_s, 0};
    evtimer_add(s->timer, &tv);
}

/* ---- sending ---- */

static int add_authorization(sim_session_t *s, struct evkeyvalq *h)
{
    char value[ACS_AUTH_MAX_HEADER];
    int rc;

    if (s->chal.scheme == ACS_AUTH_NONE)
        return 0;
    if (s->chal.scheme == ACS_AUTH_BASIC)
        rc = acs_basic_authorization(s->username, s->password, value, sizeof value);
    else
        rc = acs_digest_authorization(&s->chal, s->username, s->password, "POST", s->env->url->path,
                                      ++s->nc, value, sizeof value);
    if (rc != 0)
        return -1;
    evhttp_add_header(h, "Authorization", value);
    return 0;
}

static void on_response(struct evhttp_request *req, void *arg);

static void on_error(enum evhttp_request_error err, void *arg)
{
    sim_session_t *s = arg;
    s->http_error = err;
    s->has_http_error = 1;
}

/* POST s->post (empty: an empty POST). */
static void send_post(sim_session_t *s)
{
    struct evhttp_request *req = evhttp_request_new(on_response, s);
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    acs_buf_t cookie = ACS_BUF_INIT;
    char len[24];

    evhttp_request_set_error_cb(req, on_error);
    evhttp_add_header(h, "Host", s->env->url->hostport);
    evhttp_add_header(h, "User-Agent", "halyard-cpe-sim/1");
    if (s->post.len) {
        evhttp_add_header(h, "Content-Type", "text/xml; charset=\"utf-8\"");
        evhttp_add_header(h, "SOAPAction", "");
    }
    snprintf(len, sizeof len, "%zu", s->post.len);
    evhttp_add_header(h, "Content-Length", len);
    sim_cookies_header(&s->jar, &cookie);
    if (cookie.len)
        evhttp_add_header(h, "Cookie", cookie.data);
    acs_buf_free(&cookie);
    if (add_authorization(s, h) != 0) {
        evhttp_request_free(req);
        finish(s, 0, "cannot answer the %s challenge",
               s->chal.scheme == ACS_AUTH_BASIC ? "Basic" : "Digest");
        return;
    }
    if (s->post.len)
        evbuffer_add(evhttp_request_get_output_buffer(req), s->post.data, s->post.len);
    s->has_http_error = 0;
    arm_timer(s);
    if (evhttp_make_request(s->evcon, req, EVHTTP_REQ_POST, s->env->url->path) != 0)
        finish(s, 0, "cannot send the request");
}

/* ---- receiving ---- */

static const char *http_error_text(const sim_session_t *s)
{
    if (!s->has_http_error)
        return "cannot connect to the ACS";
    switch (s->http_error) {
    case EVREQ_HTTP_TIMEOUT:
        return "timeout";
    case EVREQ_HTTP_EOF:
        return "connection closed by the ACS";
    case EVREQ_HTTP_INVALID_HEADER:
        return "invalid HTTP response";
    case EVREQ_HTTP_BUFFER_ERROR:
        return "connection error";
    case EVREQ_HTTP_DATA_TOO_LONG:
        return "response too large";
    default:
        return "request failed";
    }
}

static void store_cookies(sim_session_t *s, struct evkeyvalq *h)
{
    struct evkeyval *kv;
    if (s->env->no_cookies)
        return;
    TAILQ_FOREACH(kv, h, next)
    {
        if (strcasecmp(kv->key, "Set-Cookie") == 0)
            (void)sim_cookies_store(&s->jar, kv->value); /* a bad cookie is ignored */
    }
}

static void on_401(sim_session_t *s, struct evkeyvalq *h)
{
    if (!s->username) {
        finish(s, 0, "HTTP 401 and the CPE has no credentials");
        return;
    }
    if (s->challenged) {
        finish(s, 0, "HTTP 401: credentials rejected");
        return;
    }
    if (sim_http_pick_challenge_headers(h, &s->chal) != 0) {
        finish(s, 0, "HTTP 401 without a usable WWW-Authenticate");
        return;
    }
    s->challenged = 1;
    s->nc = 0;
    send_post(s);
}

/* Send the next POST: a new body resets the challenge count. */
static void next_post(sim_session_t *s)
{
    s->challenged = 0;
    send_post(s);
}

/* ---- CPE requests (after InformResponse, before the empty POST) ---- */

/* Send pending request s->req, or the empty POST when none is left. */
static void next_request(sim_session_t *s)
{
    acs_buf_reset(&s->post);
    if (s->xfer && s->req < sim_xfer_request_count(s->xfer)) {
        snprintf(s->id, sizeof s->id, "sim-%u", ++session_counter);
        sim_xfer_request_build(s->xfer, s->req, s->env->ns, s->id, &s->post);
    } else {
        s->state = ST_EXCHANGE;
    }
    next_post(s);
}

/* The ACS's answer to pending request s->req: its response removes it; a
 * fault 8005 sends it again (at most SIM_SESSION_RESENDS times, then it
 * waits for the next session); another fault drops it. */
static void on_request_answer(sim_session_t *s, const sim_soap_msg_t *m)
{
    const char *method = sim_xfer_request_method(s->xfer, s->req);
    size_t mlen = strlen(method);

    if (m->kind == SIM_SOAP_EMPTY) {
        finish(s, 1, NULL); /* the ACS ended the session: the request waits */
    } else if (m->kind == SIM_SOAP_RESPONSE && strncmp(m->method, method, mlen) == 0 &&
               strcmp(m->method + mlen, "Response") == 0) {
        sim_stats_cpe_request(s->env->stats, s->dev_no, method, SIM_STATS_REQ_ANSWERED);
        sim_xfer_request_remove(s->xfer, s->req);
        s->resent = 0;
        next_request(s);
    } else if (m->kind == SIM_SOAP_FAULT && m->fault_code == 8005) {
        sim_stats_cpe_request(s->env->stats, s->dev_no, method, SIM_STATS_REQ_RETRIED);
        if (++s->resent > SIM_SESSION_RESENDS) {
            s->req++; /* kept for the next session */
            s->resent = 0;
        }
        next_request(s);
    } else if (m->kind == SIM_SOAP_FAULT) {
        acs_log_kv(ACS_LOG_WARN, "ACS refused a request, dropped", "serial",
                   sim_device_serial(s->dev), "method", method, "fault", m->fault_string, NULL);
        sim_stats_cpe_request(s->env->stats, s->dev_no, method, SIM_STATS_REQ_DROPPED);
        sim_xfer_request_remove(s->xfer, s->req);
        s->resent = 0;
        next_request(s);
    } else {
        finish(s, 0, "expected %sResponse, got %s", method, m->method);
    }
}

static void on_inform_answer(sim_session_t *s, const sim_soap_msg_t *m)
{
    if (m->kind == SIM_SOAP_FAULT) {
        finish(s, 0, "ACS fault %d to the Inform: %s", m->fault_code, m->fault_string);
    } else if (m->kind == SIM_SOAP_RESPONSE && strcmp(m->method, "InformResponse") == 0) {
        sim_device_events_clear(s->dev);
        s->res.delivered = 1;
        s->state = ST_REQUESTS;
        next_request(s);
    } else {
        finish(s, 0, "expected InformResponse, got %s",
               m->kind == SIM_SOAP_EMPTY ? "an empty answer" : m->method);
    }
}

/* Keep what the session must do after it ends. */
static void merge_effects(sim_session_t *s, const sim_rpc_effects_t *fx)
{
    if (fx->reboot) {
        s->res.fx.reboot = 1;
        snprintf(s->res.fx.command_key, sizeof s->res.fx.command_key, "%s", fx->command_key);
    }
    if (fx->factory_reset)
        s->res.fx.factory_reset = 1;
}

static void on_acs_message(sim_session_t *s, const sim_soap_msg_t *m)
{
    sim_rpc_effects_t fx;

    switch (m->kind) {
    case SIM_SOAP_EMPTY:
        finish(s, 1, NULL);
        return;
    case SIM_SOAP_FAULT:
        finish(s, 0, "ACS fault %d: %s", m->fault_code, m->fault_string);
        return;
    case SIM_SOAP_RESPONSE:
        finish(s, 0, "unexpected %s from the ACS", m->method);
        return;
    case SIM_SOAP_REQUEST:
        break;
    }
    sim_stats_rpc(s->env->stats, s->dev_no, m->method);
    acs_buf_reset(&s->post);
    int fault = sim_rpc_handle(s->dev, m, s->env->ns, &s->post, &fx);
    merge_effects(s, &fx);
    if (sim_xfer_method(m->method))
        s->res.xfer_used = 1;
    if (acs_log_enabled(ACS_LOG_DEBUG))
        acs_debug("rpc %s answered %s%d serial=%s", m->method, fault ? "fault " : "status ", fault,
                  sim_device_serial(s->dev));
    next_post(s);
}

static void on_body(sim_session_t *s, struct evhttp_request *req, int status)
{
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(in);
    const char *body = len ? (const char *)evbuffer_pullup(in, -1) : NULL;
    sim_soap_msg_t m;
    char err[128];

    /* 204 ends the session whatever it carries. */
    if (sim_soap_parse(status == 204 ? NULL : body, status == 204 ? 0 : len, &m, err, sizeof err) !=
        0) {
        finish(s, 0, "bad message from the ACS: %s", err);
    } else if (s->state == ST_INFORM) {
        on_inform_answer(s, &m);
    } else if (s->state == ST_REQUESTS) {
        on_request_answer(s, &m);
    } else {
        on_acs_message(s, &m);
    }
    sim_soap_msg_clear(&m);
}

static void on_response(struct evhttp_request *req, void *arg)
{
    sim_session_t *s = arg;
    int status = req ? evhttp_request_get_response_code(req) : 0;
    struct evkeyvalq *h;

    if (s->state == ST_DONE)
        return;
    if (status == 0) {
        acs_debug("no HTTP response serial=%s req=%p error=%d", sim_device_serial(s->dev),
                  (void *)req, s->has_http_error ? (int)s->http_error : -1);
        finish(s, 0, "%s", http_error_text(s));
        return;
    }
    h = evhttp_request_get_input_headers(req);
    sim_stats_http(s->env->stats, status);
    store_cookies(s, h);
    switch (status) {
    case 200:
    case 204:
        on_body(s, req, status);
        break;
    case 401:
        on_401(s, h);
        break;
    case 503:
        s->res.retry_after = sim_http_retry_after(evhttp_find_header(h, "Retry-After"));
        finish(s, 0, "HTTP 503");
        break;
    default:
        finish(s, 0, "HTTP %d", status);
        break;
    }
}

/* ---- start and abort ---- */

/* ManagementServer.Username/Password as the CPE would use them. */
static void load_credentials(sim_session_t *s)
{
    const sim_model_t *m = sim_device_model(s->dev);
    long ui = sim_model_find_ms(m, "Username"), pi = sim_model_find_ms(m, "Password");
    acs_buf_t b = ACS_BUF_INIT;

    if (ui < 0)
        return;
    sim_device_value(s->dev, (size_t)ui, &b);
    if (b.len == 0) {
        acs_buf_free(&b);
        return;
    }
    s->username = acs_buf_steal(&b, NULL);
    if (pi >= 0)
        sim_device_value(s->dev, (size_t)pi, &b);
    s->password = acs_buf_steal(&b, NULL);
}

sim_session_t *sim_session_start(const sim_session_env_t *env, sim_device_t *d, sim_xfer_t *x,
                                 size_t dev_no, sim_session_done_fn done, void *arg)
{
    sim_session_t *s = acs_xcalloc(1, sizeof *s);
    sim_inform_opts_t io;

    s->env = env;
    s->dev = d;
    s->xfer = x;
    s->dev_no = dev_no;
    s->done = done;
    s->arg = arg;
    s->res.retry_after = -1;
    s->timer = evtimer_new(env->base, timeout_cb, s);
    s->finish_ev = evtimer_new(env->base, finish_cb, s);
    s->evcon = evhttp_connection_base_new(env->base, NULL, env->connect_addr,
                                          (unsigned short)env->url->port);
    if (!s->timer || !s->finish_ev || !s->evcon) {
        acs_error("cannot create a connection to %s: out of resources", env->url->hostport);
        session_free(s);
        return NULL;
    }
    evhttp_connection_set_timeout(s->evcon, env->timeout_s);
    evhttp_connection_set_max_body_size(s->evcon, SIM_SOAP_MAX_BYTES);
    evhttp_connection_set_max_headers_size(s->evcon, 64 * 1024);
    load_credentials(s);
    snprintf(s->id, sizeof s->id, "sim-%u", ++session_counter);
    io.ns = env->ns;
    io.cwmp_minor = env->cwmp_minor;
    io.id = s->id;
    io.session_timeout = env->timeout_s;
    io.now_wall_ms = acs_now_wall_ms();
    sim_rpc_inform(d, &io, &s->post);
    s->state = ST_INFORM;
    next_post(s);
    return s;
}

void sim_session_abort(sim_session_t *s)
{
    finish(s, 0, "interrupted");
    event_del(s->finish_ev);
    finish_cb(-1, 0, s);
}
