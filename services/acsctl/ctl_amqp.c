/* ctl_amqp: see ctl_amqp.h. */
#include "ctl_amqp.h"

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acs_buf.h"
#include "acs_topology.h"

#define CHANNEL 1

struct ctl_amqp {
    char *url_buf; /* amqp_parse_url writes into it; ci points inside */
    struct amqp_connection_info ci;
    char describe[384];
    amqp_connection_state_t conn;
    int logged_in;
    uint64_t published; /* delivery tags of the confirm-mode channel */
};

const char *ctl_amqp_describe(const ctl_amqp_t *a)
{
    return a->describe;
}

/* An error from a synchronous call, naming the broker. */
static int reply_err(ctl_amqp_t *a, amqp_rpc_reply_t r, const char *what, char *err, size_t errlen)
{
    char why[256];
    if (r.reply_type == AMQP_RESPONSE_NORMAL)
        return 0;
    acs_topology_reply_error(r, what, why, sizeof why);
    snprintf(err, errlen, "broker %s: %s", a->describe, why);
    return -1;
}

static int parse_url(ctl_amqp_t *a, const char *url, char *err, size_t errlen)
{
    a->url_buf = acs_xstrdup(url);
    amqp_default_connection_info(&a->ci);
    if (amqp_parse_url(a->url_buf, &a->ci) != AMQP_STATUS_OK) {
        snprintf(err, errlen,
                 "malformed broker URL (ACS_AMQP_URL / --amqp): expected "
                 "amqp://user:password@host:port/vhost");
        return -1;
    }
    if (a->ci.ssl) {
        snprintf(err, errlen, "amqps:// is not supported (ACS_AMQP_URL / --amqp)");
        return -1;
    }
    if (a->ci.vhost[0] == '\0')
        a->ci.vhost = "/";
    snprintf(a->describe, sizeof a->describe, "%.64s@%.200s:%d/%.64s", a->ci.user, a->ci.host,
             a->ci.port, a->ci.vhost);
    return 0;
}

static int connect_login(ctl_amqp_t *a, char *err, size_t errlen)
{
    struct timeval tv = {CTL_AMQP_TIMEOUT_S, 0};
    amqp_socket_t *s;
    int st;

    a->conn = amqp_new_connection();
    if (!(s = amqp_tcp_socket_new(a->conn))) {
        snprintf(err, errlen, "broker %s unreachable: cannot create a socket", a->describe);
        return -1;
    }
    st = amqp_socket_open_noblock(s, a->ci.host, a->ci.port, &tv);
    if (st != AMQP_STATUS_OK) {
        snprintf(err, errlen, "broker unreachable at %s:%d: cannot connect (%s)", a->ci.host,
                 a->ci.port, amqp_error_string2(st));
        return -1;
    }
    amqp_set_rpc_timeout(a->conn, &tv);
    amqp_set_handshake_timeout(a->conn, &tv);
    if (reply_err(a,
                  amqp_login(a->conn, a->ci.vhost, 0, AMQP_DEFAULT_FRAME_SIZE, 0,
                             AMQP_SASL_METHOD_PLAIN, a->ci.user, a->ci.password),
                  "login", err, errlen) != 0)
        return -1;
    a->logged_in = 1;
    amqp_channel_open(a->conn, CHANNEL);
    if (reply_err(a, amqp_get_rpc_reply(a->conn), "channel.open", err, errlen) != 0)
        return -1;
    amqp_confirm_select(a->conn, CHANNEL);
    return reply_err(a, amqp_get_rpc_reply(a->conn), "confirm.select", err, errlen);
}

ctl_amqp_t *ctl_amqp_open(const char *url, char *err, size_t errlen)
{
    ctl_amqp_t *a = acs_xcalloc(1, sizeof *a);
    if (parse_url(a, url, err, errlen) != 0 || connect_login(a, err, errlen) != 0) {
        ctl_amqp_close(a);
        return NULL;
    }
    return a;
}

void ctl_amqp_close(ctl_amqp_t *a)
{
    if (!a)
        return;
    if (a->conn) {
        if (a->logged_in) {
            amqp_channel_close(a->conn, CHANNEL, AMQP_REPLY_SUCCESS);
            amqp_connection_close(a->conn, AMQP_REPLY_SUCCESS);
        }
        amqp_destroy_connection(a->conn);
    }
    free(a->url_buf);
    free(a);
}

int ctl_amqp_declare_device_queue(ctl_amqp_t *a, const char *device_id, char *err, size_t errlen)
{
    char q[256], why[256];
    if (acs_topology_device_queue(device_id, q, sizeof q) != 0) {
        snprintf(err, errlen, "'%.64s' is not a valid device id", device_id);
        return -1;
    }
    if (acs_topology_declare_device_queue(a->conn, CHANNEL, q, why, sizeof why) != 0) {
        snprintf(err, errlen, "broker %s: %s", a->describe, why);
        return -1;
    }
    return 0;
}

int ctl_amqp_temp_queue(ctl_amqp_t *a, char *out, size_t n, char *err, size_t errlen)
{
    amqp_queue_declare_ok_t *ok =
        amqp_queue_declare(a->conn, CHANNEL, amqp_empty_bytes, 0, 0, 1, 1, amqp_empty_table);
    if (reply_err(a, amqp_get_rpc_reply(a->conn), "queue.declare", err, errlen) != 0)
        return -1;
    if (!ok || ok->queue.len >= n) {
        snprintf(err, errlen, "broker %s: bad queue.declare-ok", a->describe);
        return -1;
    }
    memcpy(out, ok->queue.bytes, ok->queue.len);
    out[ok->queue.len] = '\0';
    return 0;
}

int ctl_amqp_bind_events(ctl_amqp_t *a, const char *queue, const char *key, char *err,
                         size_t errlen)
{
    amqp_exchange_declare(a->conn, CHANNEL, amqp_cstring_bytes(ACS_EXCHANGE_EVENTS),
                          amqp_cstring_bytes("topic"), 0, 1, 0, 0, amqp_empty_table);
    if (reply_err(a, amqp_get_rpc_reply(a->conn), ACS_EXCHANGE_EVENTS, err, errlen) != 0)
        return -1;
    amqp_queue_bind(a->conn, CHANNEL, amqp_cstring_bytes(queue),
                    amqp_cstring_bytes(ACS_EXCHANGE_EVENTS), amqp_cstring_bytes(key),
                    amqp_empty_table);
    return reply_err(a, amqp_get_rpc_reply(a->conn), "queue.bind", err, errlen);
}

/* A channel.close or connection.close from the broker: answer and report. */
static int closed_by_broker(ctl_amqp_t *a, amqp_frame_t *f, char *err, size_t errlen)
{
    amqp_bytes_t text = amqp_empty_bytes;
    unsigned code = 0;
    if (f->payload.method.id == AMQP_CHANNEL_CLOSE_METHOD) {
        amqp_channel_close_t *c = f->payload.method.decoded;
        code = c->reply_code;
        text = c->reply_text;
        amqp_channel_close_ok_t ok = {0};
        amqp_send_method(a->conn, CHANNEL, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
    } else {
        amqp_connection_close_t *c = f->payload.method.decoded;
        code = c->reply_code;
        text = c->reply_text;
        amqp_connection_close_ok_t ok = {0};
        amqp_send_method(a->conn, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
        a->logged_in = 0;
    }
    snprintf(err, errlen, "broker %s closed the channel: %u %.*s", a->describe, code, (int)text.len,
             (const char *)text.bytes);
    return -1;
}

/* Wait for the confirm of delivery tag seq. */
static int wait_confirm(ctl_amqp_t *a, uint64_t seq, char *err, size_t errlen)
{
    int returned = 0;
    for (;;) {
        struct timeval tv = {CTL_AMQP_TIMEOUT_S, 0};
        amqp_frame_t f;
        int st = amqp_simple_wait_frame_noblock(a->conn, &f, &tv);
        if (st != AMQP_STATUS_OK) {
            snprintf(err, errlen, "broker %s: no publish confirm: %s", a->describe,
                     st == AMQP_STATUS_TIMEOUT ? "timed out" : amqp_error_string2(st));
            return -1;
        }
        if (f.frame_type != AMQP_FRAME_METHOD)
            continue;
        switch (f.payload.method.id) {
        case AMQP_BASIC_ACK_METHOD: {
            amqp_basic_ack_t *ack = f.payload.method.decoded;
            if (ack->delivery_tag == seq || (ack->multiple && ack->delivery_tag >= seq))
                return returned ? CTL_AMQP_REFUSED : 0;
            break;
        }
        case AMQP_BASIC_NACK_METHOD: {
            amqp_basic_nack_t *nack = f.payload.method.decoded;
            if (nack->delivery_tag == seq || (nack->multiple && nack->delivery_tag >= seq)) {
                snprintf(err, errlen, "the broker refused the message (device queue full)");
                return CTL_AMQP_REFUSED;
            }
            break;
        }
        case AMQP_BASIC_RETURN_METHOD: {
            amqp_message_t m;
            returned = 1;
            snprintf(err, errlen, "the broker returned the message (no such queue)");
            if (amqp_read_message(a->conn, CHANNEL, &m, 0).reply_type == AMQP_RESPONSE_NORMAL)
                amqp_destroy_message(&m);
            break;
        }
        case AMQP_CHANNEL_CLOSE_METHOD:
        case AMQP_CONNECTION_CLOSE_METHOD:
            return closed_by_broker(a, &f, err, errlen);
        default:
            break;
        }
    }
}

int ctl_amqp_publish(ctl_amqp_t *a, const char *rkey, const char *message_id, const char *reply_to,
                     const char *correlation_id, const char *body, char *err, size_t errlen)
{
    amqp_basic_properties_t p;
    int st;

    memset(&p, 0, sizeof p);
    p._flags =
        AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG;
    p.content_type = amqp_cstring_bytes("application/json");
    p.delivery_mode = 2;
    p.message_id = amqp_cstring_bytes(message_id);
    if (reply_to) {
        p._flags |= AMQP_BASIC_REPLY_TO_FLAG;
        p.reply_to = amqp_cstring_bytes(reply_to);
    }
    if (correlation_id) {
        p._flags |= AMQP_BASIC_CORRELATION_ID_FLAG;
        p.correlation_id = amqp_cstring_bytes(correlation_id);
    }
    amqp_maybe_release_buffers(a->conn);
    st = amqp_basic_publish(a->conn, CHANNEL, amqp_empty_bytes, amqp_cstring_bytes(rkey), 1, 0, &p,
                            amqp_cstring_bytes(body));
    if (st != AMQP_STATUS_OK) {
        snprintf(err, errlen, "broker %s: publish: %s", a->describe, amqp_error_string2(st));
        return -1;
    }
    return wait_confirm(a, ++a->published, err, errlen);
}

int ctl_amqp_consume(ctl_amqp_t *a, const char *queue, char *err, size_t errlen)
{
    amqp_basic_consume(a->conn, CHANNEL, amqp_cstring_bytes(queue), amqp_empty_bytes, 0, 1, 1,
                       amqp_empty_table);
    return reply_err(a, amqp_get_rpc_reply(a->conn), "basic.consume", err, errlen);
}

static char *copy_bytes(amqp_bytes_t b)
{
    return acs_xstrndup(b.bytes ? (const char *)b.bytes : "", b.len);
}

/* Something other than a delivery arrived: read it; a close is an error. */
static int other_frame(ctl_amqp_t *a, char *err, size_t errlen)
{
    struct timeval tv = {CTL_AMQP_TIMEOUT_S, 0};
    amqp_frame_t f;
    int st = amqp_simple_wait_frame_noblock(a->conn, &f, &tv);
    if (st != AMQP_STATUS_OK) {
        snprintf(err, errlen, "broker %s: %s", a->describe, amqp_error_string2(st));
        return -1;
    }
    if (f.frame_type == AMQP_FRAME_METHOD && (f.payload.method.id == AMQP_CHANNEL_CLOSE_METHOD ||
                                              f.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD))
        return closed_by_broker(a, &f, err, errlen);
    return 0;
}

int ctl_amqp_next(ctl_amqp_t *a, int timeout_ms, ctl_amqp_msg_t *msg, char *err, size_t errlen)
{
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    amqp_envelope_t env;
    amqp_rpc_reply_t r;

    memset(msg, 0, sizeof *msg);
    amqp_maybe_release_buffers(a->conn);
    r = amqp_consume_message(a->conn, &env, &tv, 0);
    if (r.reply_type == AMQP_RESPONSE_NORMAL) {
        msg->body = copy_bytes(env.message.body);
        msg->len = env.message.body.len;
        msg->routing_key = copy_bytes(env.routing_key);
        if (env.message.properties._flags & AMQP_BASIC_CORRELATION_ID_FLAG)
            msg->correlation_id = copy_bytes(env.message.properties.correlation_id);
        amqp_destroy_envelope(&env);
        return 1;
    }
    if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && r.library_error == AMQP_STATUS_TIMEOUT)
        return 0;
    if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        r.library_error == AMQP_STATUS_UNEXPECTED_STATE)
        return other_frame(a, err, errlen); /* 0: nothing for the caller yet */
    return reply_err(a, r, "consume", err, errlen) ? -1 : 0;
}

void ctl_amqp_msg_free(ctl_amqp_msg_t *msg)
{
    free(msg->body);
    free(msg->routing_key);
    free(msg->correlation_id);
    memset(msg, 0, sizeof *msg);
}
