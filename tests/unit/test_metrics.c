/* Unit tests for common/acs_metrics.c: registry, exact exposition text,
 * updates from two threads, and the real HTTP port on an ephemeral port
 * fetched by a plain socket client in a second thread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "acs_metrics.h"

#define THREAD_ITERS 200000

static int teardown(void **state)
{
    acs_metrics_shutdown();
    return 0;
}

static void test_render_exact(void **state)
{
    acs_metric_t *xml = acs_metric_counter("halyard_gw_rpc_total", "RPCs sent.", "kind=\"xml\"");
    acs_metric_t *sess = acs_metric_gauge("halyard_gw_sessions", "Open sessions.", NULL);
    acs_metric_t *json = acs_metric_counter("halyard_gw_rpc_total", "ignored", "kind=\"json\"");
    acs_metric_t *bad = acs_metric_counter("halyard_bad-name.x", "Weird\\help\nline", "");
    char *text;

    assert_ptr_equal(acs_metric_counter("halyard_gw_rpc_total", "again", "kind=\"xml\""), xml);
    assert_ptr_not_equal(xml, json);
    acs_metric_inc(xml);
    acs_metric_inc(xml);
    acs_metric_add(json, 40);
    acs_metric_set(sess, 7);
    acs_metric_add(sess, -9);
    acs_metric_inc(bad);
    acs_metric_inc(NULL); /* no-op */
    assert_int_equal(acs_metric_get(xml), 2);
    assert_int_equal(acs_metric_get(sess), -2);
    assert_int_equal(acs_metric_get(NULL), 0);

    text = acs_metrics_render();
    assert_string_equal(text, "# HELP halyard_gw_rpc_total RPCs sent.\n"
                              "# TYPE halyard_gw_rpc_total counter\n"
                              "halyard_gw_rpc_total{kind=\"xml\"} 2\n"
                              "halyard_gw_rpc_total{kind=\"json\"} 40\n"
                              "# HELP halyard_gw_sessions Open sessions.\n"
                              "# TYPE halyard_gw_sessions gauge\n"
                              "halyard_gw_sessions -2\n"
                              "# HELP halyard_bad_name_x Weird\\\\help\\nline\n"
                              "# TYPE halyard_bad_name_x counter\n"
                              "halyard_bad_name_x 1\n");
    free(text);

    acs_metric_set(sess, INT64_MAX);
    text = acs_metrics_render();
    assert_non_null(strstr(text, "\nhalyard_gw_sessions 9223372036854775807\n"));
    free(text);
}

static void test_empty_registry(void **state)
{
    char *text = acs_metrics_render();
    assert_string_equal(text, "");
    free(text);
    assert_int_equal(acs_metrics_port(), -1);
}

static void *hammer(void *arg)
{
    acs_metric_t **m = arg;
    for (int i = 0; i < THREAD_ITERS; i++) {
        acs_metric_inc(m[0]);
        acs_metric_add(m[1], 3);
        acs_metric_add(m[1], -1);
    }
    return NULL;
}

static void test_two_threads(void **state)
{
    acs_metric_t *m[2] = {
        acs_metric_counter("t_events_total", "Events.", NULL),
        acs_metric_gauge("t_level", "Level.", "side=\"a\""),
    };
    pthread_t a, b;
    char *text, want[128];

    assert_int_equal(pthread_create(&a, NULL, hammer, m), 0);
    assert_int_equal(pthread_create(&b, NULL, hammer, m), 0);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    assert_int_equal(acs_metric_get(m[0]), 2 * THREAD_ITERS);
    assert_int_equal(acs_metric_get(m[1]), 4 * THREAD_ITERS);
    text = acs_metrics_render();
    snprintf(want, sizeof want, "\nt_events_total %d\n", 2 * THREAD_ITERS);
    assert_non_null(strstr(text, want));
    snprintf(want, sizeof want, "\nt_level{side=\"a\"} %d\n", 4 * THREAD_ITERS);
    assert_non_null(strstr(text, want));
    free(text);
}

/* ---- the HTTP port ------------------------------------------------------ */

typedef struct {
    int port;
    atomic_int healthy;
    atomic_int done;
    int status[8];
    char body[8][8192];
    char head[8][8192];
} client_t;

static int health(void *arg, char *msg, size_t n)
{
    client_t *c = arg;
    if (atomic_load(&c->healthy))
        return 0;
    snprintf(msg, n, "database down\nsince boot"); /* newline is flattened */
    return -1;
}

/* One request on a fresh connection; fills status, head and body. */
static void fetch(client_t *c, int i, const char *method, const char *path)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)c->port)};
    struct timeval tv = {5, 0};
    char req[256], resp[8192];
    size_t len = 0;
    ssize_t n;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    char *sep;

    c->status[i] = -1;
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
        goto out;
    snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", method,
             path);
    if (write(fd, req, strlen(req)) != (ssize_t)strlen(req))
        goto out;
    while (len + 1 < sizeof resp && (n = read(fd, resp + len, sizeof resp - 1 - len)) > 0)
        len += (size_t)n;
    resp[len] = '\0';
    sep = strstr(resp, "\r\n\r\n");
    if (!sep || sscanf(resp, "HTTP/1.1 %d", &c->status[i]) != 1)
        goto out;
    *sep = '\0';
    snprintf(c->head[i], sizeof c->head[i], "%s", resp);
    snprintf(c->body[i], sizeof c->body[i], "%s", sep + 4);
out:
    if (fd >= 0)
        close(fd);
}

static void *client_main(void *arg)
{
    client_t *c = arg;
    fetch(c, 0, "GET", "/metrics");
    fetch(c, 1, "GET", "/healthz");
    atomic_store(&c->healthy, 0);
    fetch(c, 2, "GET", "/healthz");
    fetch(c, 3, "POST", "/metrics");
    fetch(c, 4, "GET", "/nope");
    fetch(c, 5, "DELETE", "/healthz");
    fetch(c, 6, "GET", "/metrics?x=1");
    atomic_store(&c->done, 1);
    return NULL;
}

static struct event_base *loop_base;

/* The client runs on its own thread; the loop polls for its end rather than
 * being woken across threads (no evthread setup needed in a test). */
static void tick_break(evutil_socket_t fd, short what, void *arg)
{
    client_t *c = arg;
    if (atomic_load(&c->done))
        event_base_loopbreak(loop_base);
}

static void test_serve(void **state)
{
    static client_t c;
    struct timeval tv = {0, 10000};
    pthread_t th;
    struct event *tk;
    acs_metric_t *m = acs_metric_counter("halyard_test_total", "A test counter.", NULL);

    memset(&c, 0, sizeof c);
    atomic_store(&c.healthy, 1);
    acs_metric_add(m, 5);
    loop_base = event_base_new();
    assert_non_null(loop_base);
    assert_int_equal(acs_metrics_serve(loop_base, "127.0.0.1:0", health, &c), 0);
    c.port = acs_metrics_port();
    assert_true(c.port > 0 && c.port < 65536);
    assert_int_equal(acs_metrics_serve(loop_base, "127.0.0.1:0", health, &c), -1); /* twice */
    assert_int_equal(acs_metrics_port(), c.port);

    tk = event_new(loop_base, -1, EV_PERSIST, tick_break, &c);
    event_add(tk, &tv);
    assert_int_equal(pthread_create(&th, NULL, client_main, &c), 0);
    event_base_dispatch(loop_base);
    pthread_join(th, NULL);

    assert_int_equal(c.status[0], 200);
    assert_non_null(strstr(c.head[0], "Content-Type: text/plain; version=0.0.4"));
    assert_string_equal(c.body[0], "# HELP halyard_test_total A test counter.\n"
                                   "# TYPE halyard_test_total counter\n"
                                   "halyard_test_total 5\n");
    assert_int_equal(c.status[1], 200);
    assert_string_equal(c.body[1], "ok\n");
    assert_int_equal(c.status[2], 503);
    assert_string_equal(c.body[2], "database down since boot\n");
    assert_int_equal(c.status[3], 405);
    assert_non_null(strstr(c.head[3], "Allow: GET"));
    assert_int_equal(c.status[4], 404);
    assert_int_equal(c.status[5], 405);
    assert_int_equal(c.status[6], 200);

    event_free(tk);
    acs_metrics_shutdown();
    assert_int_equal(acs_metrics_port(), -1);
    event_base_free(loop_base);
}

static void test_serve_errors(void **state)
{
    struct event_base *base = event_base_new();
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t len = sizeof sa;
    char spec[64];
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    /* a port someone else holds */
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(fd, 1), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    snprintf(spec, sizeof spec, "127.0.0.1:%d", ntohs(sa.sin_port));
    assert_int_equal(acs_metrics_serve(base, spec, NULL, NULL), -1);
    assert_int_equal(acs_metrics_port(), -1);
    close(fd);

    assert_int_equal(acs_metrics_serve(base, "no-port", NULL, NULL), -1);
    assert_int_equal(acs_metrics_serve(base, "127.0.0.1:99999", NULL, NULL), -1);
    assert_int_equal(acs_metrics_serve(base, "unix:/tmp/x", NULL, NULL), -1);
    assert_int_equal(acs_metrics_serve(base, NULL, NULL, NULL), -1);
    /* and a good one afterwards still works, with no health callback */
    assert_int_equal(acs_metrics_serve(base, "127.0.0.1:0", NULL, NULL), 0);
    assert_true(acs_metrics_port() > 0);
    acs_metrics_shutdown();
    event_base_free(base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_render_exact, teardown),
        cmocka_unit_test_teardown(test_empty_registry, teardown),
        cmocka_unit_test_teardown(test_two_threads, teardown),
        cmocka_unit_test_teardown(test_serve, teardown),
        cmocka_unit_test_teardown(test_serve_errors, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
