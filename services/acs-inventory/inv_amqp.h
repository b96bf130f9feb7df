/* inv_amqp: the inventory's blocking rabbitmq-c consumer on halyard.inventory.
 *
 * Owned by one thread (the consumer). One connection, one channel: declare
 * the topology (acs_topology_declare), basic.qos(prefetch), basic.consume
 * with manual acknowledgement. Heartbeats (30 s) are answered whenever the
 * owner waits in inv_amqp_next, so it must call that at least every few
 * seconds. Any broker or socket error closes the connection; the owner
 * reconnects, and every unacknowledged delivery comes back redelivered.
 */
#ifndef INV_AMQP_H
#define INV_AMQP_H

#include <stddef.h>
#include <stdint.h>

typedef struct inv_amqp inv_amqp_t;

/* One delivery: its body (malloc'd, owned by the holder: inv_amqp_delivery_clear
 * frees it) and its tag, valid on the connection it came from. */
typedef struct {
    uint64_t tag;
    char *body;
    size_t len;
    int64_t received_ms; /* monotonic time it was read */
} inv_delivery_t;

/* Parse url (amqp://user:pass@host:port/vhost, via amqp_parse_url) into a
 * new handle, not connected. Returns NULL with a reason in err when the URL
 * is malformed or asks for TLS (amqps is not supported here). */
inv_amqp_t *inv_amqp_new(const char *url, char *err, size_t errlen);

/* "user@host:port/vhost" for logs (never the password). */
const char *inv_amqp_describe(const inv_amqp_t *a);

/* Connect, log in, open the channel, declare the topology, set the
 * prefetch (1..65535) and start consuming (blocking, each step bounded by
 * 10 s). Returns 0, or -1 with a reason in err (the handle is then closed
 * and may try again). */
int inv_amqp_connect(inv_amqp_t *a, int prefetch, char *err, size_t errlen)
    __attribute__((warn_unused_result));

int inv_amqp_connected(const inv_amqp_t *a);

/* Wait up to timeout_ms for the next delivery. Returns 1 with *out filled,
 * 0 on timeout, -1 when the connection is lost (closed; reason in err). */
int inv_amqp_next(inv_amqp_t *a, int timeout_ms, inv_delivery_t *out, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* basic.ack of tag (and of every earlier unsettled tag when multiple), and
 * basic.reject without requeue (to the dead-letter exchange). Return 0, or
 * -1 when the connection is lost (closed; the broker will redeliver). */
int inv_amqp_ack(inv_amqp_t *a, uint64_t tag, int multiple) __attribute__((warn_unused_result));
int inv_amqp_reject(inv_amqp_t *a, uint64_t tag) __attribute__((warn_unused_result));

/* Close the connection politely if it is up (unacked deliveries go back to
 * the queue). The handle can connect again. */
void inv_amqp_close(inv_amqp_t *a);

/* Close and free; clears *a. Accepts NULL and *a == NULL. */
void inv_amqp_free(inv_amqp_t **a);

/* Free a delivery's body and zero it. */
void inv_amqp_delivery_clear(inv_delivery_t *d);

#endif
