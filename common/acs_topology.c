/* acs_topology: see acs_topology.h. */
#include "acs_topology.h"
#include "acs_util.h"

#include <stdio.h>
#include <string.h>

void acs_topology_reply_error(amqp_rpc_reply_t r, const char *what, char *err, size_t errlen)
{
    switch (r.reply_type) {
    case AMQP_RESPONSE_NORMAL:
        snprintf(err, errlen, "%s: ok", what);
        break;
    case AMQP_RESPONSE_NONE:
        snprintf(err, errlen, "%s: no reply", what);
        break;
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
        snprintf(err, errlen, "%s: %s", what, amqp_error_string2(r.library_error));
        break;
    case AMQP_RESPONSE_SERVER_EXCEPTION:
        if (r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
            amqp_channel_close_t *c = r.reply.decoded;
            snprintf(err, errlen, "%s: channel closed %u %.*s", what, c->reply_code,
                     (int)c->reply_text.len, (const char *)c->reply_text.bytes);
        } else if (r.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
            amqp_connection_close_t *c = r.reply.decoded;
            snprintf(err, errlen, "%s: connection closed %u %.*s", what, c->reply_code,
                     (int)c->reply_text.len, (const char *)c->reply_text.bytes);
        } else {
            snprintf(err, errlen, "%s: server exception 0x%08x", what, r.reply.id);
        }
        break;
    }
}

static amqp_table_entry_t str_arg(const char *k, const char *v)
{
    amqp_table_entry_t e;
    e.key = amqp_cstring_bytes(k);
    e.value.kind = AMQP_FIELD_KIND_UTF8;
    e.value.value.bytes = amqp_cstring_bytes(v);
    return e;
}

static amqp_table_entry_t int_arg(const char *k, int64_t v)
{
    amqp_table_entry_t e;
    e.key = amqp_cstring_bytes(k);
    e.value.kind = AMQP_FIELD_KIND_I64;
    e.value.value.i64 = v;
    return e;
}

static int check(amqp_connection_state_t conn, const char *what, char *err, size_t errlen)
{
    amqp_rpc_reply_t r = amqp_get_rpc_reply(conn);
    if (r.reply_type == AMQP_RESPONSE_NORMAL)
        return 0;
    acs_topology_reply_error(r, what, err, errlen);
    return -1;
}

static int exchange(amqp_connection_state_t conn, amqp_channel_t ch, const char *name,
                    const char *type, char *err, size_t errlen)
{
    amqp_exchange_declare(conn, ch, amqp_cstring_bytes(name), amqp_cstring_bytes(type), 0, 1, 0,
                          0, amqp_empty_table);
    return check(conn, name, err, errlen);
}

static int queue(amqp_connection_state_t conn, amqp_channel_t ch, const char *name,
                 amqp_table_entry_t *args, int nargs, char *err, size_t errlen)
{
    amqp_table_t t = {nargs, args};
    amqp_queue_declare(conn, ch, amqp_cstring_bytes(name), 0, 1, 0, 0, t);
    return check(conn, name, err, errlen);
}

static int bind(amqp_connection_state_t conn, amqp_channel_t ch, const char *q, const char *ex,
                const char *key, char *err, size_t errlen)
{
    amqp_queue_bind(conn, ch, amqp_cstring_bytes(q), amqp_cstring_bytes(ex),
                    amqp_cstring_bytes(key), amqp_empty_table);
    return check(conn, q, err, errlen);
}

int acs_topology_declare(amqp_connection_state_t conn, amqp_channel_t ch, char *err,
                         size_t errlen)
{
    amqp_table_entry_t inv[] = {
        str_arg("x-queue-type", "quorum"),
        str_arg("x-dead-letter-exchange", ACS_EXCHANGE_DEAD),
        int_arg("x-max-length", ACS_QUEUE_INVENTORY_MAX_LENGTH),
        str_arg("x-overflow", "reject-publish"),
    };
    amqp_table_entry_t prov[] = {
        str_arg("x-queue-type", "quorum"),
        str_arg("x-dead-letter-exchange", ACS_EXCHANGE_DEAD),
        int_arg("x-max-length", ACS_QUEUE_PROVISION_MAX_LENGTH),
        str_arg("x-overflow", "reject-publish"),
        int_arg("x-delivery-limit", ACS_QUEUE_PROVISION_DELIVERY_LIMIT),
    };

    if (exchange(conn, ch, ACS_EXCHANGE_EVENTS, "topic", err, errlen) ||
        exchange(conn, ch, ACS_EXCHANGE_DEAD, "fanout", err, errlen) ||
        queue(conn, ch, ACS_QUEUE_DEAD_LETTER, NULL, 0, err, errlen) ||
        bind(conn, ch, ACS_QUEUE_DEAD_LETTER, ACS_EXCHANGE_DEAD, "", err, errlen) ||
        queue(conn, ch, ACS_QUEUE_INVENTORY, inv, 4, err, errlen) ||
        bind(conn, ch, ACS_QUEUE_INVENTORY, ACS_EXCHANGE_EVENTS, "#", err, errlen) ||
        queue(conn, ch, ACS_QUEUE_PROVISION, prov, 5, err, errlen) ||
        bind(conn, ch, ACS_QUEUE_PROVISION, ACS_EXCHANGE_EVENTS, "inform.*", err, errlen))
        return -1;
    return 0;
}

int acs_topology_device_queue(const char *device_id, char *out, size_t n)
{
    if (!acs_device_id_valid(device_id))
        return -1;
    int w = snprintf(out, n, "%s%s", ACS_DEVICE_QUEUE_PREFIX, device_id);
    return (w < 0 || (size_t)w >= n) ? -1 : 0;
}

int acs_topology_declare_device_queue(amqp_connection_state_t conn, amqp_channel_t ch,
                                      const char *q, char *err, size_t errlen)
{
    amqp_table_entry_t args[] = {
        int_arg("x-expires", ACS_DEVICE_QUEUE_EXPIRES_MS),
        int_arg("x-max-length", ACS_DEVICE_QUEUE_MAX_LENGTH),
        str_arg("x-overflow", "reject-publish"),
        str_arg("x-dead-letter-exchange", ACS_EXCHANGE_DEAD),
    };
    return queue(conn, ch, q, args, 4, err, errlen);
}
