/* acs_amqp: RabbitMQ for a libevent service, without blocking its loop.
 *
 * rabbitmq-c is a blocking library, so one thread owns the connection and
 * the loop talks to it through two queues: commands go to the thread (an
 * eventfd wakes it), completions come back (another eventfd wakes the loop)
 * and every callback runs on the loop thread. The thread connects, declares
 * the topology (acs_topology_declare), reconnects on its own with back-off
 * (100 ms doubling to 5 s) and restores consumers.
 *
 * Channels: 1 publishes with publisher confirms; 2 does synchronous work
 * (topology, basic.get, acks); 3 carries consumers; 4 declares device
 * queues, so that a declare the broker refuses (PRECONDITION_FAILED closes
 * the channel) does not requeue the messages held from basic.get on 2.
 *
 * Delivery tags are only meaningful on the channel that produced them: each
 * message carries that channel's generation (bumped whenever the channel or
 * the connection is reopened), and an ack or nack for an older generation is
 * dropped (the broker has already requeued it).
 */
#ifndef ACS_AMQP_H
#define ACS_AMQP_H

#include <event2/event.h>
#include <stddef.h>
#include <stdint.h>

typedef struct acs_amqp acs_amqp_t;

/* Longest exchange, queue name, routing key or string property AMQP can
 * carry (a shortstr); acs_amqp_publish and acs_amqp_get refuse longer. */
#define ACS_AMQP_SHORTSTR_MAX 255

typedef enum {
    ACS_AMQP_OK = 0, /* confirmed / got a message / consumer ready */
    ACS_AMQP_EMPTY,  /* basic.get: queue empty */
    ACS_AMQP_NACK,   /* the broker refused the publish (e.g. queue full) */
    ACS_AMQP_DOWN,   /* not connected, or lost before the broker answered */
    ACS_AMQP_ERROR,  /* the broker closed the channel (bad declare, no queue) */
} acs_amqp_status_t;

/* Properties of a message, in or out. NULL strings are absent. */
typedef struct {
    const char *message_id;
    const char *correlation_id;
    const char *reply_to;
    const char *type;
} acs_amqp_props_t;

/* A received message; owned by whoever the callback hands it to, freed with
 * acs_amqp_msg_free. body is NUL-terminated (len excludes the NUL). */
typedef struct {
    char *body;
    size_t len;
    uint64_t tag;     /* delivery tag */
    uint64_t gen;     /* channel generation the tag belongs to */
    int redelivered;
    char *message_id; /* properties, NULL when absent */
    char *correlation_id;
    char *reply_to;
    char *type;
    char *queue; /* the queue it came from */
} acs_amqp_msg_t;

void acs_amqp_msg_free(acs_amqp_msg_t *m);

/* status for a publish or get; msg only for a get that returned OK (the
 * callee owns it). Runs on the loop thread. */
typedef void (*acs_amqp_cb)(acs_amqp_status_t status, acs_amqp_msg_t *msg, void *arg);

/* Create the client for url ("amqp://user:pass@host:port/vhost") and start
 * its thread; name shows in logs and in the broker's connection list.
 * Returns NULL only if url does not parse (logged). Does not block. */
acs_amqp_t *acs_amqp_new(struct event_base *base, const char *url, const char *name);

/* Publish body to exchange ("" = default) with routing key rkey, persistent,
 * content type application/json, with a publisher confirm. cb (may be NULL)
 * gets OK once the broker has taken responsibility for the message, NACK if
 * it refused it, DOWN if the connection is down or was lost first. Returns 0
 * (cb will be called once, never from inside this call) or -1 when too many
 * commands are waiting (cb not called: shed load), when exchange, rkey or a
 * property is over 255 bytes (AMQP cannot carry it), or once acs_amqp_free
 * has begun. Copies everything. */
int acs_amqp_publish(acs_amqp_t *a, const char *exchange, const char *rkey,
                     const acs_amqp_props_t *props, const char *body, size_t len, acs_amqp_cb cb,
                     void *arg) __attribute__((warn_unused_result));

/* Take one message from queue with basic.get (manual ack). With
 * declare_device the queue is first declared as a device queue
 * (acs_topology_declare_device_queue), so a queue nobody created yet reads
 * as EMPTY. cb gets OK with a message, EMPTY, DOWN (connection down or lost)
 * or ERROR (the broker refused the declare or the get on its channel: the
 * queue exists with other arguments, or is gone; the connection and every
 * other session carry on). Same return contract as acs_amqp_publish. */
int acs_amqp_get(acs_amqp_t *a, const char *queue, int declare_device, acs_amqp_cb cb, void *arg)
    __attribute__((warn_unused_result));

/* Settle a message from acs_amqp_get or a consumer. Fire and forget; a tag
 * of an older channel generation is dropped. reject: requeue=0 sends it
 * to the queue's dead-letter exchange. */
void acs_amqp_ack(acs_amqp_t *a, uint64_t tag, uint64_t gen);
void acs_amqp_reject(acs_amqp_t *a, uint64_t tag, uint64_t gen, int requeue);

/* Consume queue for the life of the client (restored after reconnects).
 * exclusive != 0 declares it as an exclusive, auto-deleted queue of this
 * connection first (a per-process control queue); otherwise the queue must
 * exist (declare it in the topology). Every delivery calls cb with OK and
 * the message (manual ack). Call before the loop runs (the broker thread
 * starts on its first turn, taking every consumer registered by then); at
 * most 4. */
int acs_amqp_consume(acs_amqp_t *a, const char *queue, int exclusive, int prefetch,
                     acs_amqp_cb cb, void *arg) __attribute__((warn_unused_result));

/* 1 while connected (topology declared), else 0. Any thread. */
int acs_amqp_up(const acs_amqp_t *a);
/* Commands waiting for the thread (for metrics). */
int acs_amqp_backlog(const acs_amqp_t *a);

/* Stop the thread, close the connection, fail every pending callback with
 * DOWN (on the loop thread, before this returns). Accepts NULL. */
void acs_amqp_free(acs_amqp_t *a);

#endif
