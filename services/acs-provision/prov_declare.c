/* prov_declare: see prov_declare.h.
 *
 * Requests go to the thread on a list under a mutex (a condition variable
 * wakes it); finished requests come back on another list and an eventfd
 * wakes the loop, which runs the callbacks. A request struct travels both
 * ways, so each callback runs exactly once whatever happens.
 */
#include "prov_declare.h"

#include "acs_buf.h"
#include "acs_log.h"
#include "acs_topology.h"

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define CHANNEL 1
#define MAX_WAITING 10000
#define TIMEOUT_S 10

typedef struct req {
    struct req *next;
    char *queue;
    prov_declare_cb cb;
    void *arg;
    int ok;
} req_t;

typedef struct {
    req_t *head, *tail;
} list_t;

struct prov_declare {
    struct event_base *base;
    struct event *done_ev;
    int done_fd;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    list_t todo, done;
    int waiting, stop, started;
    char *url, *name;
    struct amqp_connection_info ci;
    amqp_connection_state_t conn; /* thread only */
};

static void push(list_t *l, req_t *r)
{
    r->next = NULL;
    if (l->tail)
        l->tail->next = r;
    else
        l->head = r;
    l->tail = r;
}

static req_t *take_all(list_t *l)
{
    req_t *h = l->head;
    l->head = l->tail = NULL;
    return h;
}

/* --- loop side ------------------------------------------------------------- */

static void run_done(prov_declare_t *d)
{
    pthread_mutex_lock(&d->mu);
    req_t *r = take_all(&d->done);
    pthread_mutex_unlock(&d->mu);
    while (r) {
        req_t *next = r->next;
        r->cb(r->ok, r->arg);
        free(r->queue);
        free(r);
        r = next;
    }
}

static void on_done(evutil_socket_t fd, short what, void *arg)
{
    uint64_t v;
    ssize_t n = read((int)fd, &v, sizeof v);
    (void)n;
    run_done(arg);
}

/* --- thread side ------------------------------------------------------------ */

static void drop_conn(prov_declare_t *d)
{
    if (d->conn) {
        amqp_destroy_connection(d->conn);
        d->conn = NULL;
    }
}

static int connect_broker(prov_declare_t *d)
{
    struct timeval tv = {5, 0}, rpc = {TIMEOUT_S, 0};
    amqp_rpc_reply_t r;
    amqp_socket_t *s;

    d->conn = amqp_new_connection();
    s = amqp_tcp_socket_new(d->conn);
    if (!s || amqp_socket_open_noblock(s, d->ci.host, d->ci.port, &tv) != AMQP_STATUS_OK) {
        acs_warn("amqp %s: cannot connect to %s:%d", d->name, d->ci.host, d->ci.port);
        goto fail;
    }
    amqp_set_rpc_timeout(d->conn, &rpc);
    r = amqp_login(d->conn, d->ci.vhost, 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, d->ci.user,
                   d->ci.password);
    if (r.reply_type != AMQP_RESPONSE_NORMAL) {
        acs_warn("amqp %s: login refused", d->name);
        goto fail;
    }
    amqp_channel_open(d->conn, CHANNEL);
    if (amqp_get_rpc_reply(d->conn).reply_type != AMQP_RESPONSE_NORMAL)
        goto fail;
    return 0;
fail:
    drop_conn(d);
    return -1;
}

/* 1 declared, 0 refused by the broker (channel reopened), -1 connection lost. */
static int declare_once(prov_declare_t *d, const char *queue)
{
    char err[256];
    amqp_rpc_reply_t r;
    amqp_channel_close_ok_t ok;

    if (acs_topology_declare_device_queue(d->conn, CHANNEL, queue, err, sizeof err) == 0)
        return 1;
    r = amqp_get_rpc_reply(d->conn);
    if (r.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION && r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        acs_warn("amqp %s: %s", d->name, err);
        if (amqp_send_method(d->conn, CHANNEL, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok) < 0)
            return -1;
        amqp_channel_open(d->conn, CHANNEL);
        if (amqp_get_rpc_reply(d->conn).reply_type != AMQP_RESPONSE_NORMAL)
            return -1;
        return 0;
    }
    return -1;
}

static int declare(prov_declare_t *d, const char *queue)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        if (!d->conn && connect_broker(d) != 0)
            return 0;
        int rc = declare_once(d, queue);
        if (rc >= 0)
            return rc;
        drop_conn(d); /* a stale connection: once more on a fresh one */
    }
    return 0;
}

static void complete(prov_declare_t *d, req_t *r, int ok)
{
    uint64_t one = 1;
    ssize_t n;

    r->ok = ok;
    pthread_mutex_lock(&d->mu);
    push(&d->done, r);
    pthread_mutex_unlock(&d->mu);
    n = write(d->done_fd, &one, sizeof one);
    (void)n;
}

static void *thread_main(void *arg)
{
    prov_declare_t *d = arg;

    for (;;) {
        pthread_mutex_lock(&d->mu);
        while (!d->todo.head && !d->stop)
            pthread_cond_wait(&d->cv, &d->mu);
        req_t *r = take_all(&d->todo);
        int stop = d->stop;
        pthread_mutex_unlock(&d->mu);
        while (r) {
            req_t *next = r->next;
            complete(d, r, stop ? 0 : declare(d, r->queue));
            pthread_mutex_lock(&d->mu);
            d->waiting--;
            pthread_mutex_unlock(&d->mu);
            r = next;
        }
        if (stop)
            break;
    }
    if (d->conn)
        amqp_connection_close(d->conn, AMQP_REPLY_SUCCESS);
    drop_conn(d);
    return NULL;
}

/* --- API ---------------------------------------------------------------------- */

prov_declare_t *prov_declare_new(struct event_base *base, const char *url, const char *name)
{
    prov_declare_t *d = acs_xcalloc(1, sizeof *d);

    d->url = acs_xstrdup(url);
    d->name = acs_xstrdup(name);
    amqp_default_connection_info(&d->ci);
    if (amqp_parse_url(d->url, &d->ci) != AMQP_STATUS_OK) {
        acs_error("amqp: cannot parse the broker URL (amqp://user:pass@host:port/vhost)");
        goto fail;
    }
    if (!d->ci.vhost || !*d->ci.vhost)
        d->ci.vhost = "/"; /* as acs_amqp: "amqp://host/" means the default vhost */
    d->base = base;
    d->done_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (d->done_fd < 0) {
        acs_error("amqp %s: eventfd: %s", name, strerror(errno));
        goto fail;
    }
    pthread_mutex_init(&d->mu, NULL);
    pthread_cond_init(&d->cv, NULL);
    d->done_ev = event_new(base, d->done_fd, EV_READ | EV_PERSIST, on_done, d);
    if (!d->done_ev || event_add(d->done_ev, NULL) != 0 ||
        pthread_create(&d->thread, NULL, thread_main, d) != 0) {
        acs_error("amqp %s: cannot start the declare thread", name);
        prov_declare_free(d);
        return NULL;
    }
    d->started = 1;
    return d;
fail:
    free(d->url);
    free(d->name);
    free(d);
    return NULL;
}

int prov_declare_queue(prov_declare_t *d, const char *queue, prov_declare_cb cb, void *arg)
{
    req_t *r;

    pthread_mutex_lock(&d->mu);
    if (d->stop || d->waiting >= MAX_WAITING) {
        pthread_mutex_unlock(&d->mu);
        return -1;
    }
    r = acs_xcalloc(1, sizeof *r);
    r->queue = acs_xstrdup(queue);
    r->cb = cb;
    r->arg = arg;
    push(&d->todo, r);
    d->waiting++;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->mu);
    return 0;
}

void prov_declare_free(prov_declare_t *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->mu);
    d->stop = 1;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->mu);
    if (d->started)
        pthread_join(d->thread, NULL);
    run_done(d);
    if (d->done_ev)
        event_free(d->done_ev);
    close(d->done_fd);
    pthread_cond_destroy(&d->cv);
    pthread_mutex_destroy(&d->mu);
    free(d->url);
    free(d->name);
    free(d);
}
