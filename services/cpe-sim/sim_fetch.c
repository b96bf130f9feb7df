/* sim_fetch: see sim_fetch.h.
 *
 * As in sim_session, the evhttp connection is never freed from inside an
 * evhttp callback: finishing activates finish_ev, whose callback frees the
 * connection (dropping any pending request silently) and then calls done.
 */
#include <sys/queue.h> /* TAILQ_FOREACH over evhttp headers */

#include "sim_fetch.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acs_http_auth.h"
#include "sim_http.h"

struct sim_fetch {
    sim_fetch_done_fn done;
    void *arg;
    struct evhttp_connection *evcon;
    struct event *finish_ev;
    sim_url_t url;
    int put;
    char *username, *password;
    acs_buf_t out; /* PUT body, kept for a resend after a 401 */
    char *content_type;
    int timeout_s;
    size_t max_body;
    acs_challenge_t chal; /* scheme NONE until challenged */
    unsigned nc;
    int challenged;
    int got_headers;
    int has_error;
    enum evhttp_request_error error;
    int finished;
    sim_fetch_result_t res;
};

static void finish(sim_fetch_t *f, sim_fetch_outcome_t outcome, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void finish(sim_fetch_t *f, sim_fetch_outcome_t outcome, const char *fmt, ...)
{
    va_list ap;

    if (f->finished)
        return;
    f->finished = 1;
    f->res.outcome = outcome;
    if (fmt) {
        va_start(ap, fmt);
        vsnprintf(f->res.error, sizeof f->res.error, fmt, ap);
        va_end(ap);
    }
    event_active(f->finish_ev, EV_TIMEOUT, 1);
}

static void fetch_free(sim_fetch_t *f)
{
    if (f->evcon)
        evhttp_connection_free(f->evcon);
    if (f->finish_ev)
        event_free(f->finish_ev);
    if (f->password)
        explicit_bzero(f->password, strlen(f->password));
    free(f->username);
    free(f->password);
    free(f->content_type);
    acs_buf_free(&f->out);
    acs_buf_free(&f->res.body);
    free(f);
}

static void finish_cb(evutil_socket_t fd, short what, void *arg)
{
    sim_fetch_t *f = arg;

    if (f->evcon) {
        evhttp_connection_free(f->evcon);
        f->evcon = NULL;
    }
    f->done(&f->res, f->arg);
    fetch_free(f);
}

/* ---- sending ---- */

static void on_response(struct evhttp_request *req, void *arg);

static void on_error(enum evhttp_request_error err, void *arg)
{
    sim_fetch_t *f = arg;
    f->error = err;
    f->has_error = 1;
}

static int on_headers(struct evhttp_request *req, void *arg)
{
    sim_fetch_t *f = arg;
    f->got_headers = 1;
    return 0;
}

static int add_authorization(sim_fetch_t *f, struct evkeyvalq *h)
{
    char value[ACS_AUTH_MAX_HEADER];
    int rc;

    if (f->chal.scheme == ACS_AUTH_NONE)
        return 0;
    if (f->chal.scheme == ACS_AUTH_BASIC)
        rc = acs_basic_authorization(f->username, f->password, value, sizeof value);
    else
        rc = acs_digest_authorization(&f->chal, f->username, f->password, f->put ? "PUT" : "GET",
                                      f->url.path, ++f->nc, value, sizeof value);
    if (rc != 0)
        return -1;
    evhttp_add_header(h, "Authorization", value);
    return 0;
}

static void send_request(sim_fetch_t *f)
{
    struct evhttp_request *req = evhttp_request_new(on_response, f);
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    char len[24];

    evhttp_request_set_error_cb(req, on_error);
    evhttp_request_set_header_cb(req, on_headers);
    evhttp_add_header(h, "Host", f->url.hostport);
    evhttp_add_header(h, "User-Agent", "halyard-cpe-sim/1");
    if (f->put) {
        evhttp_add_header(h, "Content-Type", f->content_type);
        snprintf(len, sizeof len, "%zu", f->out.len);
        evhttp_add_header(h, "Content-Length", len);
        if (f->out.len)
            evbuffer_add(evhttp_request_get_output_buffer(req), f->out.data, f->out.len);
    }
    if (add_authorization(f, h) != 0) {
        evhttp_request_free(req);
        finish(f, SIM_FETCH_AUTH, "cannot answer the %s challenge",
               f->chal.scheme == ACS_AUTH_BASIC ? "Basic" : "Digest");
        return;
    }
    f->has_error = 0;
    f->got_headers = 0;
    if (evhttp_make_request(f->evcon, req, f->put ? EVHTTP_REQ_PUT : EVHTTP_REQ_GET, f->url.path) !=
        0)
        finish(f, SIM_FETCH_NO_CONTACT, "cannot send the request");
}

/* ---- receiving ---- */

static void on_401(sim_fetch_t *f, struct evkeyvalq *h)
{
    if (!f->username || !f->username[0])
        finish(f, SIM_FETCH_AUTH, "HTTP 401 and no credentials");
    else if (f->challenged)
        finish(f, SIM_FETCH_AUTH, "HTTP 401: credentials rejected");
    else if (sim_http_pick_challenge_headers(h, &f->chal) != 0)
        finish(f, SIM_FETCH_AUTH, "HTTP 401 without a usable WWW-Authenticate");
    else {
        f->challenged = 1;
        f->nc = 0;
        send_request(f);
    }
}

static void on_failure(sim_fetch_t *f)
{
    if (f->has_error && f->error == EVREQ_HTTP_DATA_TOO_LONG)
        finish(f, SIM_FETCH_TOO_LARGE, "file larger than the %zu bytes allowed", f->max_body);
    else if (f->got_headers)
        finish(f, SIM_FETCH_BROKEN, "transfer broken off%s",
               f->has_error && f->error == EVREQ_HTTP_TIMEOUT ? " (timeout)" : "");
    else if (f->has_error && f->error == EVREQ_HTTP_TIMEOUT)
        finish(f, SIM_FETCH_NO_CONTACT, "no answer from %s within %d s", f->url.hostport,
               f->timeout_s);
    else
        finish(f, SIM_FETCH_NO_CONTACT, "cannot contact %s", f->url.hostport);
}

static void on_response(struct evhttp_request *req, void *arg)
{
    sim_fetch_t *f = arg;
    int status = req ? evhttp_request_get_response_code(req) : 0;

    if (f->finished)
        return;
    f->res.status = status;
    if (status == 0) {
        on_failure(f);
    } else if (status == 401) {
        on_401(f, evhttp_request_get_input_headers(req));
    } else if (status < 200 || status > 299) {
        finish(f, SIM_FETCH_STATUS, "HTTP %d from %s", status, f->url.hostport);
    } else {
        struct evbuffer *in = evhttp_request_get_input_buffer(req);
        size_t n = evbuffer_get_length(in);
        if (!f->put && n) {
            acs_buf_reserve(&f->res.body, n);
            evbuffer_remove(in, f->res.body.data, n);
            f->res.body.len = n;
            f->res.body.data[n] = '\0';
        }
        finish(f, SIM_FETCH_OK, NULL);
    }
}

/* ---- start and cancel ---- */

sim_fetch_t *sim_fetch_start(struct event_base *base, const sim_fetch_req_t *r,
                             sim_fetch_done_fn done, void *arg)
{
    sim_fetch_t *f = acs_xcalloc(1, sizeof *f);

    f->done = done;
    f->arg = arg;
    f->put = r->put;
    f->timeout_s = r->timeout_s > 0 ? r->timeout_s : 30;
    f->max_body = r->max_body ? r->max_body : SIM_FETCH_DEFAULT_MAX;
    f->username = r->username && r->username[0] ? acs_xstrdup(r->username) : NULL;
    f->password = acs_xstrdup(r->password ? r->password : "");
    f->content_type = acs_xstrdup(r->content_type ? r->content_type : "application/octet-stream");
    if (r->put && r->len)
        acs_buf_append(&f->out, r->body, r->len);
    f->finish_ev = evtimer_new(base, finish_cb, f);
    if (!f->finish_ev) {
        fetch_free(f);
        return NULL;
    }
    if (sim_url_parse(r->url, &f->url) != 0) {
        finish(f, SIM_FETCH_NO_CONTACT, "unusable URL");
        return f;
    }
    f->evcon = evhttp_connection_base_new(base, NULL, f->url.host, (unsigned short)f->url.port);
    if (!f->evcon) {
        finish(f, SIM_FETCH_NO_CONTACT, "cannot create a connection to %s", f->url.hostport);
        return f;
    }
    evhttp_connection_set_timeout(f->evcon, f->timeout_s);
    evhttp_connection_set_max_body_size(f->evcon, (ev_ssize_t)f->max_body);
    evhttp_connection_set_max_headers_size(f->evcon, 64 * 1024);
    send_request(f);
    return f;
}

void sim_fetch_cancel(sim_fetch_t *f)
{
    if (!f)
        return;
    if (f->finish_ev)
        event_del(f->finish_ev);
    fetch_free(f);
}
