/* sim_session: one CWMP session of one simulated CPE over HTTP/1.1 (libevent
 * evhttp client, keep-alive: one TCP connection per session unless the ACS
 * closes it).
 *
 * Flow (cwmp-reference.md 1.1): POST Inform -> 200 InformResponse -> the
 * device's pending requests, one per POST (TransferComplete...: each is
 * removed when its response arrives; an ACS fault 8005 sends it again, up
 * to SIM_SESSION_RESENDS times, then it waits for the next session; any
 * other fault drops it) -> POST empty -> loop { 200 + ACS request -> POST
 * its response or fault } until 204 (or an empty 200). 401 challenges are answered (Digest
 * preferred, Basic) with ManagementServer.Username/Password, and the Authorization is sent on every
 * later POST (Digest nc incremented). Set-Cookie is returned in Cookie unless the environment says
 * no_cookies. An ACS fault, a parse error, an unexpected status, a dropped connection or no answer
 * within timeout_s seconds (per exchange) fails the session.
 *
 * Everything runs on the caller's event loop; nothing blocks.
 */
#ifndef SIM_SESSION_H
#define SIM_SESSION_H

#include <event2/event.h>
#include <stddef.h>

#include "sim_device.h"
#include "sim_http.h"
#include "sim_rpc.h"
#include "sim_stats.h"

/* What every session of a run shares; must outlive the sessions. */
typedef struct {
    struct event_base *base;
    const sim_url_t *url;     /* the ACS; Host header and request path */
    const char *connect_addr; /* numeric address resolved from url->host */
    const char *ns;           /* cwmp namespace URI of the Inform */
    int cwmp_minor;           /* 0..4 */
    int timeout_s;            /* per exchange */
    int no_cookies;           /* quirk: never return cookies */
    sim_stats_t *stats;       /* HTTP statuses and RPCs are counted here */
} sim_session_env_t;

/* Times one request is sent again in a session after ACS fault 8005. */
#define SIM_SESSION_RESENDS 3

typedef struct {
    int ok;
    char error[200];      /* why it failed ("" when ok) */
    long retry_after;     /* seconds from a 503's Retry-After, -1 if none */
    int delivered;        /* InformResponse arrived: the events were delivered */
    sim_rpc_effects_t fx; /* e.g. a Reboot to perform now that the session ended */
    int xfer_used;        /* a transfer method was answered: sim_device_xfer(d) exists */
} sim_session_result_t;

typedef struct sim_session sim_session_t;

/* Called once when the session ends, from the event loop (or from
 * sim_session_abort); the session is already freed. */
typedef void (*sim_session_done_fn)(const sim_session_result_t *res, void *arg);

/* Start a session for device d (dev_no: its index in env->stats); x is
 * d's transfer state (its pending requests are sent), or NULL if it has
 * none. The device's pending events go into the Inform; they are cleared
 * when the InformResponse arrives (the caller raises those of pending
 * requests again before each session: sim_xfer_inform_events). Returns the
 * session, which frees itself after calling done; or NULL if it could not
 * even start (done is not called). */
sim_session_t *sim_session_start(const sim_session_env_t *env, sim_device_t *d, sim_xfer_t *x,
                                 size_t dev_no, sim_session_done_fn done, void *arg)
    __attribute__((warn_unused_result));

/* End s now as failed with error "interrupted" (unless it already ended),
 * calling done before returning. Do not call it from done. */
void sim_session_abort(sim_session_t *s);

#endif
