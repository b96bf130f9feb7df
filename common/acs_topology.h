/* acs_topology: every exchange and queue Halyard uses, declared the same way
 * by every service that touches them (RabbitMQ refuses a redeclaration with
 * other arguments, so there is exactly one place that says what they are).
 *
 *   halyard.events      topic exchange, durable. Routing keys:
 *                         inform.<device_id>          inform event
 *                         rpc.result.<device_id>      RPC result or fault
 *                         session.closed.<device_id>  end of a session
 *                         transfer.complete.<device_id>
 *   halyard.inventory   quorum queue bound to halyard.events "#"
 *   halyard.provision   quorum queue bound to halyard.events "inform.*":
 *                       the provisioning work queue (competing consumers)
 *   halyard.dead        fanout exchange; halyard.dead-letter queue bound to it.
 *                       Messages a consumer rejects (unparseable, invalid)
 *                       land there with x-death headers instead of being lost.
 *   halyard.dev.<id>    per-device RPC queue, classic, durable, created on
 *                       demand by whoever publishes or reads first, expiring
 *                       after ACS_DEVICE_QUEUE_EXPIRES_MS unused, at most
 *                       ACS_DEVICE_QUEUE_MAX_LENGTH messages (reject-publish:
 *                       a publisher with confirms gets a nack when full),
 *                       dead-lettering to halyard.dead (a message the gateway
 *                       cannot use is kept there, not dropped).
 *
 * Device ids contain only [A-Za-z0-9_%-] (acs_device_id), so they are safe in
 * routing keys (no dots) and queue names.
 */
#ifndef ACS_TOPOLOGY_H
#define ACS_TOPOLOGY_H

#include <amqp.h>
#include <stddef.h>

#define ACS_EXCHANGE_EVENTS "halyard.events"
#define ACS_EXCHANGE_DEAD "halyard.dead"
#define ACS_QUEUE_INVENTORY "halyard.inventory"
#define ACS_QUEUE_PROVISION "halyard.provision"
#define ACS_QUEUE_DEAD_LETTER "halyard.dead-letter"
#define ACS_DEVICE_QUEUE_PREFIX "halyard.dev."

/* Seven days idle, then the broker deletes a device queue. */
#define ACS_DEVICE_QUEUE_EXPIRES_MS 604800000
#define ACS_DEVICE_QUEUE_MAX_LENGTH 1000
/* Bounds on the shared queues (reject-publish: the gateway answers 503). */
#define ACS_QUEUE_PROVISION_MAX_LENGTH 200000
#define ACS_QUEUE_INVENTORY_MAX_LENGTH 2000000
/* A provisioning work item redelivered this often goes to halyard.dead. */
#define ACS_QUEUE_PROVISION_DELIVERY_LIMIT 5

/* Declare the exchanges, the shared queues and their bindings on channel ch
 * of an open connection. Synchronous (blocks on broker round trips: call it
 * from the thread that owns the connection). Returns 0, or -1 with a reason
 * in err (the channel may then be closed by the broker). */
int acs_topology_declare(amqp_connection_state_t conn, amqp_channel_t ch, char *err,
                         size_t errlen) __attribute__((warn_unused_result));

/* "halyard.dev." + device_id into out (size n). 0, or -1 if it does not fit
 * or device_id is not a valid escaped id. */
int acs_topology_device_queue(const char *device_id, char *out, size_t n)
    __attribute__((warn_unused_result));

/* Declare a device queue (durable, with the arguments above) on channel ch.
 * Synchronous. 0, or -1 with a reason in err. */
int acs_topology_declare_device_queue(amqp_connection_state_t conn, amqp_channel_t ch,
                                      const char *queue, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* A one-line description of a failed rabbitmq-c RPC reply into err. */
void acs_topology_reply_error(amqp_rpc_reply_t r, const char *what, char *err, size_t errlen);

#endif
