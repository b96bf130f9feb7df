/* acs_metrics: see acs_metrics.h.
 *
 * The registry is a singly linked list in registration order, built before
 * any thread starts updating, so readers walk it without a lock; only the
 * values are shared, as relaxed atomics (a scrape needs no ordering between
 * two series). Each family is rendered where its first series was
 * registered, with every series of that name under one HELP/TYPE.
 */
#include "acs_metrics.h"
#include "acs_buf.h"
#include "acs_config.h"
#include "acs_log.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define METRICS_HEALTH_MSG 256
#define METRICS_HTTP_TIMEOUT_S 10
#define METRICS_MAX_HEADERS 8192 /* a scraper sends a few hundred bytes */
#define METRICS_MAX_BODY 1024    /* GET has no body */

struct acs_metric {
    acs_metric_t *next;
    char *name;
    char *help;
    char *labels; /* "" when none */
    int gauge;
    int family_first; /* first series of its name: renders HELP/TYPE */
    _Atomic int64_t value;
};

static acs_metric_t *reg_head, *reg_tail;

static struct evhttp *http_srv;
static int http_port = -1;
static acs_health_cb http_health;
static void *http_health_arg;

/* ---- registry ----------------------------------------------------------- */

/* Metric names are [a-zA-Z_:][a-zA-Z0-9_:]*; anything else would break the
 * whole scrape, so it is replaced (and logged) rather than emitted. */
static char *clean_name(const char *name)
{
    char *s = acs_xstrdup(name && *name ? name : "_");
    int changed = 0;

    for (char *p = s; *p; p++) {
        int ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' || *p == ':' ||
                 (p > s && *p >= '0' && *p <= '9');
        if (!ok) {
            *p = '_';
            changed = 1;
        }
    }
    if (changed)
        acs_warn("metrics: invalid metric name \"%s\" registered as %s", name ? name : "", s);
    return s;
}

static acs_metric_t *metric_register(const char *name, const char *help, const char *labels,
                                     int gauge)
{
    char *clean = clean_name(name);
    const char *lab = labels ? labels : "";
    int first = 1;
    acs_metric_t *m;

    for (m = reg_head; m; m = m->next) {
        if (strcmp(m->name, clean) != 0)
            continue;
        first = 0;
        if (m->gauge != gauge)
            acs_error("metrics: %s registered as both counter and gauge", clean);
        if (strcmp(m->labels, lab) == 0) {
            free(clean);
            return m;
        }
    }
    m = acs_xcalloc(1, sizeof *m);
    m->name = clean;
    m->help = acs_xstrdup(help ? help : "");
    m->labels = acs_xstrdup(lab);
    m->gauge = gauge;
    m->family_first = first;
    atomic_init(&m->value, 0);
    if (reg_tail)
        reg_tail->next = m;
    else
        reg_head = m;
    reg_tail = m;
    return m;
}

acs_metric_t *acs_metric_counter(const char *name, const char *help, const char *labels)
{
    return metric_register(name, help, labels, 0);
}

acs_metric_t *acs_metric_gauge(const char *name, const char *help, const char *labels)
{
    return metric_register(name, help, labels, 1);
}

void acs_metric_inc(acs_metric_t *m)
{
    if (m)
        atomic_fetch_add_explicit(&m->value, 1, memory_order_relaxed);
}

void acs_metric_add(acs_metric_t *m, int64_t n)
{
    if (m)
        atomic_fetch_add_explicit(&m->value, n, memory_order_relaxed);
}

void acs_metric_set(acs_metric_t *m, int64_t v)
{
    if (m)
        atomic_store_explicit(&m->value, v, memory_order_relaxed);
}

int64_t acs_metric_get(const acs_metric_t *m)
{
    return m ? atomic_load_explicit(&((acs_metric_t *)m)->value, memory_order_relaxed) : 0;
}

/* ---- exposition --------------------------------------------------------- */

/* HELP text escapes backslash and newline (format 0.0.4). */
static void put_help(acs_buf_t *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\')
            acs_buf_puts(b, "\\\\");
        else if (*s == '\n')
            acs_buf_puts(b, "\\n");
        else
            acs_buf_append(b, s, 1);
    }
}

static void put_series(acs_buf_t *b, const acs_metric_t *m)
{
    long long v = (long long)acs_metric_get(m);

    if (m->labels[0])
        acs_buf_printf(b, "%s{%s} %lld\n", m->name, m->labels, v);
    else
        acs_buf_printf(b, "%s %lld\n", m->name, v);
}

char *acs_metrics_render(void)
{
    acs_buf_t b = ACS_BUF_INIT;

    for (const acs_metric_t *m = reg_head; m; m = m->next) {
        if (!m->family_first)
            continue;
        acs_buf_printf(&b, "# HELP %s ", m->name);
        put_help(&b, m->help);
        acs_buf_printf(&b, "\n# TYPE %s %s\n", m->name, m->gauge ? "gauge" : "counter");
        for (const acs_metric_t *s = m; s; s = s->next)
            if (strcmp(s->name, m->name) == 0)
                put_series(&b, s);
    }
    return acs_buf_steal(&b, NULL);
}

/* ---- HTTP --------------------------------------------------------------- */

static void reply(struct evhttp_request *req, int code, const char *reason, const char *type,
                  const char *body)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    struct evbuffer *buf = evbuffer_new();

    evhttp_add_header(h, "Content-Type", type);
    evhttp_add_header(h, "Cache-Control", "no-store");
    if (code == 405)
        evhttp_add_header(h, "Allow", "GET");
    if (buf)
        evbuffer_add(buf, body, strlen(body));
    evhttp_send_reply(req, code, reason, buf);
    if (buf)
        evbuffer_free(buf);
}

static void serve_healthz(struct evhttp_request *req)
{
    char msg[METRICS_HEALTH_MSG] = "ok", body[METRICS_HEALTH_MSG + 1];
    int rc = http_health ? http_health(http_health_arg, msg, sizeof msg) : 0;

    msg[sizeof msg - 1] = '\0';
    for (char *p = msg; *p; p++) /* one line, whatever the callback wrote */
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    snprintf(body, sizeof body, "%s\n", rc == 0 ? "ok" : (msg[0] ? msg : "unhealthy"));
    if (rc == 0)
        reply(req, 200, "OK", "text/plain; charset=utf-8", body);
    else
        reply(req, 503, "Service Unavailable", "text/plain; charset=utf-8", body);
}

static void http_cb(struct evhttp_request *req, void *arg)
{
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
    int metrics = path && strcmp(path, "/metrics") == 0;
    int healthz = path && strcmp(path, "/healthz") == 0;

    (void)arg;
    if (!metrics && !healthz) {
        reply(req, 404, "Not Found", "text/plain; charset=utf-8", "not found\n");
    } else if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
        reply(req, 405, "Method Not Allowed", "text/plain; charset=utf-8", "method not allowed\n");
    } else if (healthz) {
        serve_healthz(req);
    } else {
        char *text = acs_metrics_render();
        reply(req, 200, "OK", "text/plain; version=0.0.4; charset=utf-8", text);
        free(text);
    }
}

static int bound_port(struct evhttp_bound_socket *h)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    evutil_socket_t fd = evhttp_bound_socket_get_fd(h);

    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return -1;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return -1;
}

int acs_metrics_serve(struct event_base *base, const char *hostport, acs_health_cb health,
                      void *arg)
{
    char host[256];
    int port = 0;
    struct evhttp_bound_socket *h;

    if (http_srv) {
        acs_error("metrics: already serving on port %d", http_port);
        return -1;
    }
    if (!hostport || acs_config_hostport(hostport, host, sizeof host, &port) != 0 ||
        strncmp(host, "unix:", 5) == 0) {
        acs_error("metrics: bad listen address \"%s\" (want host:port)", hostport ? hostport : "");
        return -1;
    }
    http_srv = evhttp_new(base);
    if (!http_srv)
        goto fail;
    /* every method reaches http_cb, so the answer is our 405, not a 501 */
    evhttp_set_allowed_methods(http_srv, 0xffff);
    evhttp_set_timeout(http_srv, METRICS_HTTP_TIMEOUT_S);
    evhttp_set_max_headers_size(http_srv, METRICS_MAX_HEADERS);
    evhttp_set_max_body_size(http_srv, METRICS_MAX_BODY);
    evhttp_set_gencb(http_srv, http_cb, NULL);
    h = evhttp_bind_socket_with_handle(http_srv, host, (ev_uint16_t)port);
    if (!h || (http_port = bound_port(h)) < 0)
        goto fail;
    http_health = health;
    http_health_arg = arg;
    acs_info("metrics: serving /metrics and /healthz on %s:%d", host, http_port);
    return 0;
fail:
    acs_error("metrics: cannot listen on %s: %s", hostport,
              evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
    if (http_srv)
        evhttp_free(http_srv);
    http_srv = NULL;
    http_port = -1;
    return -1;
}

int acs_metrics_port(void)
{
    return http_port;
}

void acs_metrics_shutdown(void)
{
    acs_metric_t *m, *next;

    if (http_srv)
        evhttp_free(http_srv);
    http_srv = NULL;
    http_port = -1;
    http_health = NULL;
    http_health_arg = NULL;
    for (m = reg_head; m; m = next) {
        next = m->next;
        free(m->name);
        free(m->help);
        free(m->labels);
        free(m);
    }
    reg_head = reg_tail = NULL;
}
