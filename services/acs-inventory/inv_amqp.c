/* inv_amqp: see inv_amqp.h. */
#include "inv_amqp.h"

#include "acs_buf.h"
#include "acs_topology.h"
#include "acs_util.h"

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHANNEL 1
#define HEARTBEAT_S 30
#define RPC_TIMEOUT_S 10

struct inv_amqp {
    char *url_buf; /* amqp_parse_url writes into it; ci points inside */
    struct amqp_connection_info ci;
    char describe[512];
    amqp_connection_state_t conn; /* NULL when not connected */
};

inv_amqp_t *inv_amqp_new(const char *url, char *err, size_t errlen)
{
    inv_amqp_t *a = acs_xcalloc(1, sizeof *a);

    a->url_buf = acs_xstrdup(url);
    amqp_default_connection_info(&a->ci);
    if (amqp_parse_url(a->url_buf, &a->ci) != AMQP_STATUS_OK) {
        snprintf(err, errlen, "malformed AMQP URL (amqp://user:password@host:port/vhost)");
        goto fail;
    }
    /* amqp_parse_url reads "amqp://host/" (the documented default, and the
     * usual way to write it) as the empty vhost, which RabbitMQ cannot
     * have: the operator means the default one. */
    if (a->ci.vhost[0] == '\0')
        a->ci.vhost = "/";
    if (a->ci.ssl) {
        snprintf(err, errlen, "amqps:// is not supported; terminate TLS in front of the broker");
        goto fail;
    }
    snprintf(a->describe, sizeof a->describe, "%s@%s:%d/%s", a->ci.user, a->ci.host, a->ci.port,
             a->ci.vhost);
    return a;
fail:
    free(a->url_buf);
    free(a);
    return NULL;
}

const char *inv_amqp_describe(const inv_amqp_t *a)
{
    return a->describe;
}

int inv_amqp_connected(const inv_amqp_t *a)
{
    return a->conn != NULL;
}

/* Drop the connection without talking to the broker (it is broken). */
static void drop(inv_amqp_t *a)
{
    if (a->conn) {
        amqp_destroy_connection(a->conn);
        a->conn = NULL;
    }
}

void inv_amqp_close(inv_amqp_t *a)
{
    if (!a || !a->conn)
        return;
    amqp_channel_close(a->conn, CHANNEL, AMQP_REPLY_SUCCESS);
    amqp_connection_close(a->conn, AMQP_REPLY_SUCCESS);
    drop(a);
}

void inv_amqp_free(inv_amqp_t **pa)
{
    if (!pa || !*pa)
        return;
    inv_amqp_close(*pa);
    free((*pa)->url_buf);
    free(*pa);
    *pa = NULL;
}

void inv_amqp_delivery_clear(inv_delivery_t *d)
{
    free(d->body);
    memset(d, 0, sizeof *d);
}

static int reply_ok(inv_amqp_t *a, amqp_rpc_reply_t r, const char *what, char *err, size_t errlen)
{
    if (r.reply_type == AMQP_RESPONSE_NORMAL)
        return 0;
    acs_topology_reply_error(r, what, err, errlen);
    return -1;
}

static int open_socket(inv_amqp_t *a, char *err, size_t errlen)
{
    struct timeval tv = {RPC_TIMEOUT_S, 0};
    amqp_socket_t *s;
    int st;

    a->conn = amqp_new_connection();
    s = amqp_tcp_socket_new(a->conn);
    if (!s) {
        snprintf(err, errlen, "cannot create a socket");
        return -1;
    }
    st = amqp_socket_open_noblock(s, a->ci.host, a->ci.port, &tv);
    if (st != AMQP_STATUS_OK) {
        snprintf(err, errlen, "connect %s:%d: %s", a->ci.host, a->ci.port, amqp_error_string2(st));
        return -1;
    }
    amqp_set_rpc_timeout(a->conn, &tv);
    amqp_set_handshake_timeout(a->conn, &tv);
    return 0;
}

int inv_amqp_connect(inv_amqp_t *a, int prefetch, char *err, size_t errlen)
{
    amqp_table_entry_t prop = {
        amqp_cstring_bytes("connection_name"),
        {AMQP_FIELD_KIND_UTF8, {.bytes = amqp_cstring_bytes("acs-inventory")}}};
    amqp_table_t props = {1, &prop};

    drop(a);
    if (open_socket(a, err, errlen) != 0)
        goto fail;
    if (reply_ok(a,
                 amqp_login_with_properties(a->conn, a->ci.vhost, 0, AMQP_DEFAULT_FRAME_SIZE,
                                            HEARTBEAT_S, &props, AMQP_SASL_METHOD_PLAIN, a->ci.user,
                                            a->ci.password),
                 "login", err, errlen) != 0)
        goto fail;
    amqp_channel_open(a->conn, CHANNEL);
    if (reply_ok(a, amqp_get_rpc_reply(a->conn), "channel.open", err, errlen) != 0)
        goto fail;
    if (acs_topology_declare(a->conn, CHANNEL, err, errlen) != 0)
        goto fail;
    amqp_basic_qos(a->conn, CHANNEL, 0, (uint16_t)prefetch, 0);
    if (reply_ok(a, amqp_get_rpc_reply(a->conn), "basic.qos", err, errlen) != 0)
        goto fail;
    amqp_basic_consume(a->conn, CHANNEL, amqp_cstring_bytes(ACS_QUEUE_INVENTORY), amqp_empty_bytes,
                       0, 0, 0, amqp_empty_table);
    if (reply_ok(a, amqp_get_rpc_reply(a->conn), "basic.consume", err, errlen) != 0)
        goto fail;
    return 0;
fail:
    drop(a);
    return -1;
}

/* A frame other than a delivery arrived: 0 if harmless, -1 if the channel
 * or connection is closing (or the broker cancelled us). */
static int other_frame(inv_amqp_t *a, char *err, size_t errlen)
{
    struct timeval tv = {RPC_TIMEOUT_S, 0};
    amqp_frame_t f;
    amqp_message_t msg;
    int st = amqp_simple_wait_frame_noblock(a->conn, &f, &tv);

    if (st != AMQP_STATUS_OK) {
        snprintf(err, errlen, "reading a frame: %s", amqp_error_string2(st));
        return -1;
    }
    if (f.frame_type != AMQP_FRAME_METHOD)
        return 0;
    switch (f.payload.method.id) {
    case AMQP_BASIC_RETURN_METHOD:
        if (amqp_read_message(a->conn, f.channel, &msg, 0).reply_type == AMQP_RESPONSE_NORMAL)
            amqp_destroy_message(&msg);
        return 0;
    case AMQP_CHANNEL_CLOSE_METHOD: {
        amqp_channel_close_t *c = f.payload.method.decoded;
        snprintf(err, errlen, "channel closed by the broker: %u %.*s", c->reply_code,
                 (int)c->reply_text.len, (const char *)c->reply_text.bytes);
        return -1;
    }
    case AMQP_CONNECTION_CLOSE_METHOD: {
        amqp_connection_close_t *c = f.payload.method.decoded;
        amqp_connection_close_ok_t ok;
        snprintf(err, errlen, "connection closed by the broker: %u %.*s", c->reply_code,
                 (int)c->reply_text.len, (const char *)c->reply_text.bytes);
        amqp_send_method(a->conn, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
        return -1;
    }
    case AMQP_BASIC_CANCEL_METHOD:
        snprintf(err, errlen, "consumer cancelled by the broker (queue deleted?)");
        return -1;
    default:
        return 0;
    }
}

int inv_amqp_next(inv_amqp_t *a, int timeout_ms, inv_delivery_t *out, char *err, size_t errlen)
{
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    amqp_envelope_t env;
    amqp_rpc_reply_t r;

    if (!a->conn) {
        snprintf(err, errlen, "not connected");
        return -1;
    }
    amqp_maybe_release_buffers(a->conn);
    r = amqp_consume_message(a->conn, &env, &tv, 0);
    if (r.reply_type == AMQP_RESPONSE_NORMAL) {
        out->tag = env.delivery_tag;
        out->len = env.message.body.len;
        out->body = acs_xmalloc(out->len + 1);
        memcpy(out->body, env.message.body.bytes, out->len);
        out->body[out->len] = '\0';
        out->received_ms = acs_now_mono_ms();
        amqp_destroy_envelope(&env);
        return 1;
    }
    if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && r.library_error == AMQP_STATUS_TIMEOUT)
        return 0;
    if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        r.library_error == AMQP_STATUS_UNEXPECTED_STATE && other_frame(a, err, errlen) == 0)
        return 0;
    if (r.reply_type != AMQP_RESPONSE_LIBRARY_EXCEPTION ||
        r.library_error != AMQP_STATUS_UNEXPECTED_STATE)
        acs_topology_reply_error(r, "consume", err, errlen);
    drop(a);
    return -1;
}

int inv_amqp_ack(inv_amqp_t *a, uint64_t tag, int multiple)
{
    if (!a->conn || amqp_basic_ack(a->conn, CHANNEL, tag, multiple ? 1 : 0) != AMQP_STATUS_OK) {
        drop(a);
        return -1;
    }
    return 0;
}

int inv_amqp_reject(inv_amqp_t *a, uint64_t tag)
{
    if (!a->conn || amqp_basic_reject(a->conn, CHANNEL, tag, 0) != AMQP_STATUS_OK) {
        drop(a);
        return -1;
    }
    return 0;
}
