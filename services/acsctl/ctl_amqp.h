/* ctl_amqp: acsctl's broker connection: synchronous rabbitmq-c, one
 * channel in publisher-confirm mode.
 *
 * Every function blocks (bounded: connecting and each broker round trip
 * give up after CTL_AMQP_TIMEOUT_S). Errors are one line in err that names
 * the broker (user@host:port/vhost, never the password). After an error
 * other than CTL_AMQP_REFUSED the connection is unusable: close it.
 */
#ifndef CTL_AMQP_H
#define CTL_AMQP_H

#include <stddef.h>

#define CTL_AMQP_TIMEOUT_S 10
/* ctl_amqp_publish: the broker took the connection's message but refused it. */
#define CTL_AMQP_REFUSED 1

typedef struct ctl_amqp ctl_amqp_t;

/* Connect to url (amqp://user:password@host:port/vhost; "amqp://host/" is
 * the vhost "/"), log in and open a channel in confirm mode. Returns the
 * handle, or NULL with the reason in err. */
ctl_amqp_t *ctl_amqp_open(const char *url, char *err, size_t errlen);

/* "user@host:port/vhost". Valid until ctl_amqp_close. */
const char *ctl_amqp_describe(const ctl_amqp_t *a);

/* Declare device_id's queue (halyard.dev.<id>) exactly as acs_topology
 * does. 0, or -1 with the reason in err. */
int ctl_amqp_declare_device_queue(ctl_amqp_t *a, const char *device_id, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Declare a server-named, exclusive, auto-delete queue (a reply queue, or a
 * queue to follow events); its name into out (n bytes). 0 or -1. */
int ctl_amqp_temp_queue(ctl_amqp_t *a, char *out, size_t n, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Declare halyard.events (as acs_topology does) and bind queue to it with
 * key. 0 or -1. */
int ctl_amqp_bind_events(ctl_amqp_t *a, const char *queue, const char *key, char *err,
                         size_t errlen) __attribute__((warn_unused_result));

/* Publish body (JSON) to the default exchange with routing key rkey:
 * persistent, mandatory, content_type application/json, message_id;
 * reply_to and correlation_id when not NULL. Waits for the broker's
 * confirm. Returns 0 when confirmed, CTL_AMQP_REFUSED when the broker
 * nacked it (the queue is full) or returned it (no such queue), with the
 * reason in err, or -1 on a broker error. */
int ctl_amqp_publish(ctl_amqp_t *a, const char *rkey, const char *message_id, const char *reply_to,
                     const char *correlation_id, const char *body, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Start consuming queue (no acks: the queue is ours). Publish nothing
 * after this on the same handle. 0 or -1. */
int ctl_amqp_consume(ctl_amqp_t *a, const char *queue, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* One delivery. Owned by the caller: free with ctl_amqp_msg_free. */
typedef struct {
    char *body; /* NUL-terminated copy */
    size_t len;
    char *routing_key;
    char *correlation_id; /* NULL if absent */
} ctl_amqp_msg_t;

/* Wait up to timeout_ms for the next delivery. Returns 1 (msg filled), 0 on
 * timeout, -1 on a broker error (err). */
int ctl_amqp_next(ctl_amqp_t *a, int timeout_ms, ctl_amqp_msg_t *msg, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Free a delivery's copies; msg is zeroed. */
void ctl_amqp_msg_free(ctl_amqp_msg_t *msg);

/* Close the channel and connection (bounded) and free. Accepts NULL. */
void ctl_amqp_close(ctl_amqp_t *a);

#endif
