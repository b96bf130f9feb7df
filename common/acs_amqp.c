/* acs_amqp: see acs_amqp.h.
 *
 * Two singly linked lists under one mutex: commands (loop -> thread) and
 * completions (thread -> loop). A command struct travels both ways: the
 * thread fills in the status (and message) and hands the same struct back,
 * so a callback is called exactly once whatever happens to the connection.
 */
#include "acs_amqp.h"
#include "acs_buf.h"
#include "acs_log.h"
#include "acs_topology.h"
#include "acs_util.h"

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define CH_PUB 1
#define CH_SYNC 2
#define CH_CONS 3
#define CH_DECL 4 /* device queue declares: a refused one closes only this channel */
#define N_CHANNELS 5
#define MAX_BACKLOG 100000
#define MAX_CONSUMERS 4
#define FRAMES_PER_TURN 256
#define HEARTBEAT_S 30
#define RPC_TIMEOUT_S 10

typedef enum { CMD_PUBLISH, CMD_GET, CMD_ACK, CMD_REJECT, CMD_DELIVERY } cmd_kind_t;

typedef struct cmd {
    struct cmd *next;
    cmd_kind_t kind;
    char *exchange, *rkey, *body; /* publish; rkey is the queue for get */
    size_t len;
    char *message_id, *correlation_id, *reply_to, *type;
    int declare;    /* get: declare as device queue first */
    uint64_t tag;   /* ack/reject */
    uint64_t gen;   /* ack/reject */
    int requeue;    /* reject */
    uint64_t seq;   /* publish: publisher-confirm sequence number */
    acs_amqp_cb cb;
    void *arg;
    acs_amqp_status_t status; /* set by the thread */
    acs_amqp_msg_t *msg;      /* get / delivery result */
} cmd_t;

typedef struct {
    char *queue;
    int exclusive, prefetch;
    acs_amqp_cb cb;
    void *arg;
} consumer_t;

typedef struct {
    cmd_t *head, *tail;
} list_t;

struct acs_amqp {
    struct event_base *base;
    struct event *done_ev;
    int done_fd; /* thread -> loop */
    int cmd_fd;  /* loop -> thread */
    pthread_t thread;
    int started;
    pthread_mutex_t mu;
    list_t cmds, done;
    atomic_int ncmds;
    atomic_int up;
    atomic_int stop;
    char *name, *url;
    struct amqp_connection_info ci;
    consumer_t consumers[MAX_CONSUMERS];
    int nconsumers;
    /* Thread-only state. */
    amqp_connection_state_t conn;
    uint64_t opens;                 /* channels opened so far, ever */
    uint64_t chan_gen[N_CHANNELS];  /* the open number of each channel */
    uint64_t next_seq;
    list_t unconfirmed;
};

/* --- lists and wake-ups ------------------------------------------------- */

static void list_push(list_t *l, cmd_t *c)
{
    c->next = NULL;
    if (l->tail)
        l->tail->next = c;
    else
        l->head = c;
    l->tail = c;
}

static cmd_t *list_take(list_t *l)
{
    cmd_t *h = l->head;
    l->head = l->tail = NULL;
    return h;
}

static void wake(int fd)
{
    uint64_t one = 1;
    ssize_t w = write(fd, &one, sizeof one);
    (void)w;
}

static void drain(int fd)
{
    uint64_t v;
    ssize_t r = read(fd, &v, sizeof v);
    (void)r;
}

static void cmd_free(cmd_t *c)
{
    free(c->exchange);
    free(c->rkey);
    free(c->body);
    free(c->message_id);
    free(c->correlation_id);
    free(c->reply_to);
    free(c->type);
    acs_amqp_msg_free(c->msg);
    free(c);
}

void acs_amqp_msg_free(acs_amqp_msg_t *m)
{
    if (!m)
        return;
    free(m->body);
    free(m->message_id);
    free(m->correlation_id);
    free(m->reply_to);
    free(m->type);
    free(m->queue);
    free(m);
}

/* Thread side: hand a finished command back to the loop. */
static void complete(acs_amqp_t *a, cmd_t *c, acs_amqp_status_t st)
{
    c->status = st;
    if (!c->cb && c->kind != CMD_DELIVERY) {
        cmd_free(c);
        return;
    }
    pthread_mutex_lock(&a->mu);
    list_push(&a->done, c);
    pthread_mutex_unlock(&a->mu);
    wake(a->done_fd);
}

/* Loop side: run callbacks of finished commands. */
static void run_done(acs_amqp_t *a)
{
    pthread_mutex_lock(&a->mu);
    cmd_t *c = list_take(&a->done);
    pthread_mutex_unlock(&a->mu);
    while (c) {
        cmd_t *next = c->next;
        acs_amqp_msg_t *m = c->msg;
        c->msg = NULL; /* ownership passes to the callback */
        if (c->cb)
            c->cb(c->status, m, c->arg);
        else
            acs_amqp_msg_free(m);
        cmd_free(c);
        c = next;
    }
}

static void on_done(evutil_socket_t fd, short what, void *arg)
{
    drain((int)fd);
    run_done(arg);
}

/* --- messages ------------------------------------------------------------ */

static char *bytes_dup(amqp_bytes_t b)
{
    return acs_xstrndup(b.bytes ? (const char *)b.bytes : "", b.len);
}

static acs_amqp_msg_t *msg_from(amqp_message_t *in, const char *queue, uint64_t tag,
                                uint64_t gen, int redelivered)
{
    acs_amqp_msg_t *m = acs_xcalloc(1, sizeof *m);
    amqp_basic_properties_t *p = &in->properties;
    m->body = bytes_dup(in->body);
    m->len = in->body.len;
    m->tag = tag;
    m->gen = gen;
    m->redelivered = redelivered;
    m->queue = acs_xstrdup(queue);
    if (p->_flags & AMQP_BASIC_MESSAGE_ID_FLAG)
        m->message_id = bytes_dup(p->message_id);
    if (p->_flags & AMQP_BASIC_CORRELATION_ID_FLAG)
        m->correlation_id = bytes_dup(p->correlation_id);
    if (p->_flags & AMQP_BASIC_REPLY_TO_FLAG)
        m->reply_to = bytes_dup(p->reply_to);
    if (p->_flags & AMQP_BASIC_TYPE_FLAG)
        m->type = bytes_dup(p->type);
    return m;
}

/* --- connection ---------------------------------------------------------- */

static int reply_ok(acs_amqp_t *a, const char *what)
{
    char err[256];
    amqp_rpc_reply_t r = amqp_get_rpc_reply(a->conn);
    if (r.reply_type == AMQP_RESPONSE_NORMAL)
        return 0;
    acs_topology_reply_error(r, what, err, sizeof err);
    acs_warn("amqp %s: %s", a->name, err);
    return -1;
}

/* The token handed out as "gen": which opening of which channel delivered
 * the message, so an ack goes to that channel, and is dropped once that
 * channel has closed (the broker requeued the message then; its tag may
 * name another message on the reopened channel). */
static uint64_t token(const acs_amqp_t *a, int ch)
{
    return a->chan_gen[ch] << 8 | (uint64_t)ch;
}

static int channel_open(acs_amqp_t *a, int ch)
{
    amqp_channel_open(a->conn, (amqp_channel_t)ch);
    a->chan_gen[ch] = ++a->opens;
    return reply_ok(a, "channel.open");
}

static void fail_list(acs_amqp_t *a, list_t *l)
{
    cmd_t *c = list_take(l);
    while (c) {
        cmd_t *next = c->next;
        complete(a, c, ACS_AMQP_DOWN);
        c = next;
    }
}

static void disconnect(acs_amqp_t *a, int graceful)
{
    if (!a->conn)
        return;
    if (atomic_load(&a->up))
        acs_warn("amqp %s: disconnected from %s:%d", a->name, a->ci.host, a->ci.port);
    atomic_store(&a->up, 0);
    if (graceful)
        amqp_connection_close(a->conn, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(a->conn);
    a->conn = NULL;
    fail_list(a, &a->unconfirmed);
}

static int open_consumers(acs_amqp_t *a)
{
    for (int i = 0; i < a->nconsumers; i++) {
        consumer_t *c = &a->consumers[i];
        char tag[16];
        if (c->exclusive) {
            amqp_queue_declare(a->conn, CH_CONS, amqp_cstring_bytes(c->queue), 0, 0, 1, 1,
                               amqp_empty_table);
            if (reply_ok(a, c->queue))
                return -1;
        }
        amqp_basic_qos(a->conn, CH_CONS, 0, (uint16_t)c->prefetch, 0);
        if (reply_ok(a, "basic.qos"))
            return -1;
        snprintf(tag, sizeof tag, "c%d", i);
        amqp_basic_consume(a->conn, CH_CONS, amqp_cstring_bytes(c->queue), amqp_cstring_bytes(tag),
                           0, 0, 0, amqp_empty_table);
        if (reply_ok(a, c->queue))
            return -1;
    }
    return 0;
}

static int connect_broker(acs_amqp_t *a)
{
    char err[256];
    struct timeval tv = {5, 0}, rpc = {RPC_TIMEOUT_S, 0};
    amqp_table_entry_t prop = {amqp_cstring_bytes("connection_name"),
                               {AMQP_FIELD_KIND_UTF8, {.bytes = amqp_cstring_bytes(a->name)}}};
    amqp_table_t props = {1, &prop};

    a->conn = amqp_new_connection();
    amqp_socket_t *s = amqp_tcp_socket_new(a->conn);
    if (!s || amqp_socket_open_noblock(s, a->ci.host, a->ci.port, &tv) != AMQP_STATUS_OK) {
        acs_debug("amqp %s: cannot connect to %s:%d", a->name, a->ci.host, a->ci.port);
        goto fail;
    }
    amqp_set_rpc_timeout(a->conn, &rpc);
    amqp_rpc_reply_t r = amqp_login_with_properties(a->conn, a->ci.vhost, 0, 131072, HEARTBEAT_S,
                                                    &props, AMQP_SASL_METHOD_PLAIN, a->ci.user,
                                                    a->ci.password);
    if (r.reply_type != AMQP_RESPONSE_NORMAL) {
        acs_topology_reply_error(r, "login", err, sizeof err);
        acs_warn("amqp %s: %s", a->name, err);
        goto fail;
    }
    if (channel_open(a, CH_PUB))
        goto fail;
    amqp_confirm_select(a->conn, CH_PUB);
    if (reply_ok(a, "confirm.select"))
        goto fail;
    if (channel_open(a, CH_SYNC))
        goto fail;
    if (acs_topology_declare(a->conn, CH_SYNC, err, sizeof err) != 0) {
        acs_error("amqp %s: declaring the topology failed: %s", a->name, err);
        goto fail;
    }
    if (channel_open(a, CH_DECL) || channel_open(a, CH_CONS) || open_consumers(a) != 0)
        goto fail;
    a->next_seq = 0;
    atomic_store(&a->up, 1);
    acs_info("amqp %s: connected to %s:%d", a->name, a->ci.host, a->ci.port);
    return 0;
fail:
    amqp_destroy_connection(a->conn);
    a->conn = NULL;
    return -1;
}

/* --- commands (thread side) --------------------------------------------- */

static int do_publish(acs_amqp_t *a, cmd_t *c)
{
    amqp_basic_properties_t p;
    memset(&p, 0, sizeof p);
    p._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG |
               AMQP_BASIC_TIMESTAMP_FLAG;
    p.content_type = amqp_cstring_bytes("application/json");
    p.delivery_mode = 2;
    p.timestamp = (uint64_t)(acs_now_wall_ms() / 1000);
    if (c->message_id) {
        p._flags |= AMQP_BASIC_MESSAGE_ID_FLAG;
        p.message_id = amqp_cstring_bytes(c->message_id);
    }
    if (c->correlation_id) {
        p._flags |= AMQP_BASIC_CORRELATION_ID_FLAG;
        p.correlation_id = amqp_cstring_bytes(c->correlation_id);
    }
    if (c->reply_to) {
        p._flags |= AMQP_BASIC_REPLY_TO_FLAG;
        p.reply_to = amqp_cstring_bytes(c->reply_to);
    }
    if (c->type) {
        p._flags |= AMQP_BASIC_TYPE_FLAG;
        p.type = amqp_cstring_bytes(c->type);
    }
    amqp_bytes_t body = {c->len, c->body};
    int rc = amqp_basic_publish(a->conn, CH_PUB, amqp_cstring_bytes(c->exchange),
                                amqp_cstring_bytes(c->rkey), 0, 0, &p, body);
    if (rc != AMQP_STATUS_OK) {
        acs_warn("amqp %s: publish failed: %s", a->name, amqp_error_string2(rc));
        complete(a, c, ACS_AMQP_DOWN);
        return -1;
    }
    c->seq = ++a->next_seq;
    list_push(&a->unconfirmed, c);
    return 0;
}

/* 1 if a synchronous call failed because the broker closed its channel
 * (the connection is fine), 0 for anything else (the connection failed). */
static int channel_closed(amqp_rpc_reply_t r)
{
    return r.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION &&
           r.reply.id == AMQP_CHANNEL_CLOSE_METHOD;
}

/* After the broker closed channel ch in a synchronous call: acknowledge the
 * close and reopen it (new generation: tags of the closed one are dead).
 * Returns 0, or -1 when the connection itself failed. */
static int sync_failed(acs_amqp_t *a, amqp_rpc_reply_t r, int ch, const char *what)
{
    char err[256];
    acs_topology_reply_error(r, what, err, sizeof err);
    acs_warn("amqp %s: %s", a->name, err);
    if (!channel_closed(r))
        return -1;
    amqp_channel_close_ok_t ok;
    if (amqp_send_method(a->conn, (amqp_channel_t)ch, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok) < 0)
        return -1;
    return channel_open(a, ch);
}

/* A get whose synchronous call failed: ERROR when the broker refused it on
 * this channel (the queue exists with other arguments, or is gone), DOWN
 * when the connection went. Returns -1 when the connection is unusable. */
static int get_failed(acs_amqp_t *a, cmd_t *c, amqp_rpc_reply_t r, int ch)
{
    complete(a, c, channel_closed(r) ? ACS_AMQP_ERROR : ACS_AMQP_DOWN);
    return sync_failed(a, r, ch, c->rkey);
}

static int do_get(acs_amqp_t *a, cmd_t *c)
{
    char err[256];
    /* The declare runs on its own channel: when the broker refuses it
     * (PRECONDITION_FAILED closes the channel), the messages this process
     * holds from basic.get on CH_SYNC are not requeued with it. */
    if (c->declare &&
        acs_topology_declare_device_queue(a->conn, CH_DECL, c->rkey, err, sizeof err) != 0)
        return get_failed(a, c, amqp_get_rpc_reply(a->conn), CH_DECL);
    amqp_rpc_reply_t r = amqp_basic_get(a->conn, CH_SYNC, amqp_cstring_bytes(c->rkey), 0);
    if (r.reply_type != AMQP_RESPONSE_NORMAL)
        return get_failed(a, c, r, CH_SYNC);
    if (r.reply.id == AMQP_BASIC_GET_EMPTY_METHOD) {
        complete(a, c, ACS_AMQP_EMPTY);
        return 0;
    }
    amqp_basic_get_ok_t *ok = r.reply.decoded;
    uint64_t tag = ok->delivery_tag;
    int redelivered = ok->redelivered;
    amqp_message_t m;
    r = amqp_read_message(a->conn, CH_SYNC, &m, 0);
    if (r.reply_type != AMQP_RESPONSE_NORMAL) {
        complete(a, c, ACS_AMQP_DOWN);
        return -1;
    }
    c->msg = msg_from(&m, c->rkey, tag, token(a, CH_SYNC), redelivered);
    amqp_destroy_message(&m);
    complete(a, c, ACS_AMQP_OK);
    return 0;
}

static int do_settle(acs_amqp_t *a, cmd_t *c)
{
    int rc = 0;
    /* A tag from a channel (or connection) that has closed since: the
     * broker already requeued it. */
    unsigned ch = (unsigned)(c->gen & 0xff);
    if (ch < N_CHANNELS && c->gen >> 8 == a->chan_gen[ch]) {
        if (c->kind == CMD_ACK)
            rc = amqp_basic_ack(a->conn, (amqp_channel_t)ch, c->tag, 0);
        else
            rc = amqp_basic_reject(a->conn, (amqp_channel_t)ch, c->tag, c->requeue);
    }
    cmd_free(c);
    return rc == AMQP_STATUS_OK ? 0 : -1;
}

/* Run every queued command; -1 means the connection failed (the command
 * that saw it is already completed, the rest are failed by the caller). */
static int run_commands(acs_amqp_t *a, cmd_t **rest)
{
    pthread_mutex_lock(&a->mu);
    cmd_t *c = list_take(&a->cmds);
    pthread_mutex_unlock(&a->mu);
    while (c) {
        cmd_t *next = c->next;
        int rc = 0;
        atomic_fetch_sub(&a->ncmds, 1);
        if (!a->conn) {
            if (c->kind == CMD_ACK || c->kind == CMD_REJECT)
                cmd_free(c);
            else
                complete(a, c, ACS_AMQP_DOWN);
        } else if (c->kind == CMD_PUBLISH) {
            rc = do_publish(a, c);
        } else if (c->kind == CMD_GET) {
            rc = do_get(a, c);
        } else {
            rc = do_settle(a, c);
        }
        c = next;
        if (rc != 0) {
            *rest = c;
            return -1;
        }
    }
    *rest = NULL;
    return 0;
}

/* --- frames (thread side) ------------------------------------------------ */

static void confirm(acs_amqp_t *a, uint64_t tag, int multiple, acs_amqp_status_t st)
{
    list_t keep = {NULL, NULL};
    cmd_t *c = list_take(&a->unconfirmed);
    while (c) {
        cmd_t *next = c->next;
        if (c->seq == tag || (multiple && c->seq < tag))
            complete(a, c, st);
        else
            list_push(&keep, c);
        c = next;
    }
    a->unconfirmed = keep;
}

static int deliver(acs_amqp_t *a, amqp_basic_deliver_t *d)
{
    int idx = -1;
    if (d->consumer_tag.len >= 2 && ((char *)d->consumer_tag.bytes)[0] == 'c')
        idx = ((char *)d->consumer_tag.bytes)[1] - '0';
    uint64_t tag = d->delivery_tag;
    int redelivered = d->redelivered;
    amqp_message_t m;
    amqp_rpc_reply_t r = amqp_read_message(a->conn, CH_CONS, &m, 0);
    if (r.reply_type != AMQP_RESPONSE_NORMAL)
        return -1;
    if (idx < 0 || idx >= a->nconsumers) {
        amqp_destroy_message(&m);
        return amqp_basic_reject(a->conn, CH_CONS, tag, 1) == AMQP_STATUS_OK ? 0 : -1;
    }
    cmd_t *c = acs_xcalloc(1, sizeof *c);
    c->kind = CMD_DELIVERY;
    c->cb = a->consumers[idx].cb;
    c->arg = a->consumers[idx].arg;
    c->msg = msg_from(&m, a->consumers[idx].queue, tag, token(a, CH_CONS), redelivered);
    amqp_destroy_message(&m);
    complete(a, c, ACS_AMQP_OK);
    return 0;
}

static int handle_frame(acs_amqp_t *a, amqp_frame_t *f)
{
    if (f->frame_type != AMQP_FRAME_METHOD)
        return 0;
    switch (f->payload.method.id) {
    case AMQP_BASIC_ACK_METHOD: {
        amqp_basic_ack_t *ack = f->payload.method.decoded;
        confirm(a, ack->delivery_tag, ack->multiple, ACS_AMQP_OK);
        return 0;
    }
    case AMQP_BASIC_NACK_METHOD: {
        amqp_basic_nack_t *nack = f->payload.method.decoded;
        confirm(a, nack->delivery_tag, nack->multiple, ACS_AMQP_NACK);
        return 0;
    }
    case AMQP_BASIC_DELIVER_METHOD:
        return deliver(a, f->payload.method.decoded);
    case AMQP_CHANNEL_CLOSE_METHOD:
    case AMQP_CONNECTION_CLOSE_METHOD:
    case AMQP_BASIC_CANCEL_METHOD:
        /* A channel closed under us or a consumer cancelled (queue deleted):
         * start over with a fresh connection, which restores everything. */
        acs_warn("amqp %s: broker closed channel %u (method 0x%08x)", a->name, f->channel,
                 f->payload.method.id);
        return -1;
    default:
        return 0;
    }
}

/* Wait up to timeout_ms for frames or commands, then handle what arrived. */
static int pump(acs_amqp_t *a, int timeout_ms)
{
    if (!amqp_frames_enqueued(a->conn) && !amqp_data_in_buffer(a->conn)) {
        struct pollfd p[2] = {{amqp_get_sockfd(a->conn), POLLIN, 0}, {a->cmd_fd, POLLIN, 0}};
        if (poll(p, 2, timeout_ms) > 0 && (p[1].revents & POLLIN))
            drain(a->cmd_fd);
    }
    for (int i = 0; i < FRAMES_PER_TURN; i++) {
        amqp_frame_t f;
        struct timeval zero = {0, 0};
        int rc = amqp_simple_wait_frame_noblock(a->conn, &f, &zero);
        if (rc == AMQP_STATUS_TIMEOUT)
            break;
        if (rc != AMQP_STATUS_OK) {
            acs_warn("amqp %s: %s", a->name, amqp_error_string2(rc));
            return -1;
        }
        if (handle_frame(a, &f) != 0)
            return -1;
    }
    amqp_maybe_release_buffers(a->conn);
    return 0;
}

static void fail_chain(acs_amqp_t *a, cmd_t *c)
{
    while (c) {
        cmd_t *next = c->next;
        if (c->kind == CMD_ACK || c->kind == CMD_REJECT)
            cmd_free(c);
        else
            complete(a, c, ACS_AMQP_DOWN);
        c = next;
    }
}

static void *amqp_thread(void *arg)
{
    acs_amqp_t *a = arg;
    int backoff = 100;
    while (!atomic_load(&a->stop)) {
        cmd_t *rest = NULL;
        if (!a->conn && connect_broker(a) != 0) {
            /* Down: fail whatever is queued, then wait (woken by commands). */
            run_commands(a, &rest);
            struct pollfd p = {a->cmd_fd, POLLIN, 0};
            if (poll(&p, 1, backoff) > 0)
                drain(a->cmd_fd);
            backoff = backoff * 2 > 5000 ? 5000 : backoff * 2;
            continue;
        }
        backoff = 100;
        if (run_commands(a, &rest) != 0 || pump(a, 1000) != 0) {
            disconnect(a, 0);
            fail_chain(a, rest);
        }
    }
    cmd_t *rest = NULL;
    run_commands(a, &rest);
    disconnect(a, 1);
    return NULL;
}

/* --- loop side API ------------------------------------------------------- */

acs_amqp_t *acs_amqp_new(struct event_base *base, const char *url, const char *name)
{
    acs_amqp_t *a = acs_xcalloc(1, sizeof *a);
    a->url = acs_xstrdup(url);
    a->name = acs_xstrdup(name);
    amqp_default_connection_info(&a->ci);
    if (amqp_parse_url(a->url, &a->ci) != AMQP_STATUS_OK) {
        acs_error("amqp: cannot parse the broker URL (amqp://user:pass@host:port/vhost)");
        free(a->url);
        free(a->name);
        free(a);
        return NULL;
    }
    /* "amqp://host:port/" parses as the empty vhost, which RabbitMQ does not
     * have; everyone means the default vhost "/" (spelt %2f in the URI). */
    if (!a->ci.vhost || !*a->ci.vhost)
        a->ci.vhost = "/";
    a->base = base;
    pthread_mutex_init(&a->mu, NULL);
    a->done_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    a->cmd_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (a->done_fd < 0 || a->cmd_fd < 0) {
        acs_error("amqp: eventfd: %s", strerror(errno));
        abort(); /* descriptor exhaustion at start-up: nothing sensible to do */
    }
    a->done_ev = event_new(base, a->done_fd, EV_READ | EV_PERSIST, on_done, a);
    event_add(a->done_ev, NULL);
    return a;
}

static int start(acs_amqp_t *a)
{
    if (a->started)
        return 0;
    if (pthread_create(&a->thread, NULL, amqp_thread, a) != 0)
        return -1;
    a->started = 1;
    return 0;
}

static void start_soon(evutil_socket_t fd, short what, void *arg)
{
    acs_amqp_t *a = arg;
    if (start(a) != 0)
        acs_log_kv(ACS_LOG_ERROR, "cannot start the broker thread", NULL);
}

static int submit(acs_amqp_t *a, cmd_t *c)
{
    /* Once acs_amqp_free has begun (callbacks it runs may try), nothing
     * would ever run the command. */
    if (atomic_load(&a->stop) || atomic_load(&a->ncmds) >= MAX_BACKLOG || start(a) != 0) {
        cmd_free(c);
        return -1;
    }
    atomic_fetch_add(&a->ncmds, 1);
    pthread_mutex_lock(&a->mu);
    list_push(&a->cmds, c);
    pthread_mutex_unlock(&a->mu);
    wake(a->cmd_fd);
    return 0;
}

static char *dup_or_null(const char *s)
{
    return s ? acs_xstrdup(s) : NULL;
}

static int too_long(const char *s)
{
    return s && strlen(s) > ACS_AMQP_SHORTSTR_MAX;
}

int acs_amqp_publish(acs_amqp_t *a, const char *exchange, const char *rkey,
                     const acs_amqp_props_t *props, const char *body, size_t len, acs_amqp_cb cb,
                     void *arg)
{
    /* rabbitmq-c cannot encode these; found on the thread, the half-sent
     * publish would cost the whole connection. */
    if (too_long(exchange) || too_long(rkey) ||
        (props && (too_long(props->message_id) || too_long(props->correlation_id) ||
                   too_long(props->reply_to) || too_long(props->type)))) {
        acs_warn("amqp %s: publish refused: a name or property is over %d bytes", a->name,
                 ACS_AMQP_SHORTSTR_MAX);
        return -1;
    }
    cmd_t *c = acs_xcalloc(1, sizeof *c);
    c->kind = CMD_PUBLISH;
    c->exchange = acs_xstrdup(exchange);
    c->rkey = acs_xstrdup(rkey);
    c->body = acs_xstrndup(body, len);
    c->len = len;
    if (props) {
        c->message_id = dup_or_null(props->message_id);
        c->correlation_id = dup_or_null(props->correlation_id);
        c->reply_to = dup_or_null(props->reply_to);
        c->type = dup_or_null(props->type);
    }
    c->cb = cb;
    c->arg = arg;
    return submit(a, c);
}

int acs_amqp_get(acs_amqp_t *a, const char *queue, int declare_device, acs_amqp_cb cb, void *arg)
{
    if (too_long(queue))
        return -1;
    cmd_t *c = acs_xcalloc(1, sizeof *c);
    c->kind = CMD_GET;
    c->rkey = acs_xstrdup(queue);
    c->declare = declare_device;
    c->cb = cb;
    c->arg = arg;
    return submit(a, c);
}

static void settle(acs_amqp_t *a, cmd_kind_t kind, uint64_t tag, uint64_t gen, int requeue)
{
    cmd_t *c = acs_xcalloc(1, sizeof *c);
    c->kind = kind;
    c->tag = tag;
    c->gen = gen;
    c->requeue = requeue;
    if (submit(a, c) != 0)
        acs_warn("amqp %s: backlog full, settle of tag %llu dropped (it will be redelivered)",
                 a->name, (unsigned long long)tag);
}

void acs_amqp_ack(acs_amqp_t *a, uint64_t tag, uint64_t gen)
{
    settle(a, CMD_ACK, tag, gen, 0);
}

void acs_amqp_reject(acs_amqp_t *a, uint64_t tag, uint64_t gen, int requeue)
{
    settle(a, CMD_REJECT, tag, gen, requeue);
}

int acs_amqp_consume(acs_amqp_t *a, const char *queue, int exclusive, int prefetch,
                     acs_amqp_cb cb, void *arg)
{
    if (a->started || a->nconsumers >= MAX_CONSUMERS || prefetch < 1 || prefetch > 65535)
        return -1;
    consumer_t *c = &a->consumers[a->nconsumers++];
    c->queue = acs_xstrdup(queue);
    c->exclusive = exclusive;
    c->prefetch = prefetch;
    c->cb = cb;
    c->arg = arg;
    /* The thread starts on the loop's first turn (or at the first command),
     * so that every consumer registered before the loop runs is taken. */
    const struct timeval now = {0, 0};
    return event_base_once(event_get_base(a->done_ev), -1, EV_TIMEOUT, start_soon, a, &now);
}

int acs_amqp_up(const acs_amqp_t *a)
{
    return atomic_load(&a->up);
}

int acs_amqp_backlog(const acs_amqp_t *a)
{
    return atomic_load(&a->ncmds);
}

void acs_amqp_free(acs_amqp_t *a)
{
    if (!a)
        return;
    if (a->started) {
        atomic_store(&a->stop, 1);
        wake(a->cmd_fd);
        pthread_join(a->thread, NULL);
    } else {
        cmd_t *rest = NULL;
        run_commands(a, &rest);
    }
    run_done(a);
    event_free(a->done_ev);
    close(a->done_fd);
    close(a->cmd_fd);
    for (int i = 0; i < a->nconsumers; i++)
        free(a->consumers[i].queue);
    pthread_mutex_destroy(&a->mu);
    free(a->url);
    free(a->name);
    free(a);
}
