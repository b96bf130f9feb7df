/* prov_declare: declare device queues without blocking the loop.
 *
 * A worker must declare halyard.dev.<device_id> before it publishes there
 * (workers.md 1): the default exchange drops a message for a queue that
 * does not exist, and the gateway declares the queue only after the CPE's
 * empty POST, later than a quick worker's first RPC. common/acs_amqp has no
 * declare command yet, so this module keeps one more broker connection on
 * a thread of its own for queue.declare (acs_topology_declare_device_queue)
 * and hands each outcome back to the loop through an eventfd, like
 * acs_amqp does. Once acs_amqp grows acs_amqp_declare_device_queue this
 * module can go (see the service's notes in docs/provisioning.md).
 *
 * The connection has no heartbeat (it is idle between declares); a
 * declare that finds it broken reconnects and tries once more.
 */
#ifndef PROV_DECLARE_H
#define PROV_DECLARE_H

#include <event2/event.h>

typedef struct prov_declare prov_declare_t;

/* ok: 1 declared (or already there with the same arguments), 0 not (broker
 * down, or the queue exists with other arguments: logged). Loop thread. */
typedef void (*prov_declare_cb)(int ok, void *arg);

/* Parse url (amqp://user:pass@host:port/vhost) and start the thread; name
 * labels logs and the broker's connection list. NULL if url does not parse
 * (logged). Does not block (the thread connects on first use). */
prov_declare_t *prov_declare_new(struct event_base *base, const char *url, const char *name);

/* Declare queue; cb is called exactly once on the loop thread, never from
 * inside this call. Returns 0, or -1 when 10,000 declares are waiting or
 * prov_declare_free has begun (cb not called). Copies queue. */
int prov_declare_queue(prov_declare_t *d, const char *queue, prov_declare_cb cb, void *arg)
    __attribute__((warn_unused_result));

/* Stop the thread and close the connection; declares still waiting get
 * cb(0) before this returns. Accepts NULL. Blocks for at most one broker
 * round trip in progress (bounded by a 10 s timeout). */
void prov_declare_free(prov_declare_t *d);

#endif
