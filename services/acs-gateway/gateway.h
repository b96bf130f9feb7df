/* acs-gateway internals: the process (gw_t), one SCGI request (gw_req_t),
 * and the functions the modules offer each other.
 *
 *   gw_server.c   listener, SCGI I/O, responses, request lifetime
 *   gw_session.c  dispatch of a POST, the Inform (auth, lease, publish)
 *   gw_cpereq.c   the CPE's own requests (TransferComplete, Kicked, ...)
 *   gw_auth.c     HTTP authentication against PostgreSQL
 *   gw_rpc.c      the device queue: RPCs out, results back, holds, end
 *   gw_rpcctx.c   what a result needs of its request; GPN repairs (pure)
 *   gw_state.c    the signed session state (cookie)
 *   scgi.c        the SCGI parser
 *
 * Everything runs on one libevent loop; the broker (acs_amqp) and the
 * database (acs_pg) answer through callbacks, so no round trip blocks it.
 * A request counts its outstanding callbacks (pending): it is freed only
 * when the response is written (or the peer left) and none is outstanding.
 */
#ifndef GATEWAY_H
#define GATEWAY_H

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <jansson.h>

#include "acs_amqp.h"
#include "acs_buf.h"
#include "acs_metrics.h"
#include "acs_pg.h"
#include "cwmp.h"
#include "gw_state.h"
#include "scgi.h"

typedef struct {
    const char *listen;       /* ACS_GW_LISTEN: host:port or unix:/path */
    const char *id;           /* ACS_GW_ID */
    const char *metrics_addr; /* ACS_METRICS_ADDR */
    const char *amqp_url;     /* ACS_AMQP_URL */
    const char *pg_dsn;       /* ACS_PG_DSN */
    unsigned char cookie_key[64];
    size_t cookie_key_len;    /* ACS_COOKIE_KEY (hex) */
    const char *realm;        /* ACS_AUTH_REALM */
    int auth_required;        /* ACS_AUTH: 1 = digest/basic, 0 = none (labs only) */
    long session_timeout_s;   /* ACS_SESSION_TIMEOUT_S */
    long worker_wait_ms;      /* ACS_WORKER_WAIT_MS */
    long max_body;            /* ACS_MAX_BODY */
    long max_requests;        /* ACS_MAX_SESSIONS: concurrent requests before 503 */
    long max_rpcs;            /* ACS_MAX_RPCS_PER_SESSION */
    long max_cpe_requests;    /* ACS_MAX_CPE_REQUESTS_PER_SESSION: then fault 8004 */
    long pg_pool;             /* ACS_PG_POOL */
} gw_config_t;

/* The ACS methods a CPE may call (gw_cpereq.c): Inform, GetRPCMethods,
 * TransferComplete, ... Kicked; NULL-terminated. */
#define GW_CPE_METHODS 8
extern const char *const gw_cpe_methods[GW_CPE_METHODS + 1];

/* Counters, registered once in gw_metrics_init. */
typedef struct {
    acs_metric_t *requests, *informs, *sessions_started, *sessions_done, *rpcs_sent;
    acs_metric_t *results_ok, *results_fault, *results_failed, *stale, *rejected;
    acs_metric_t *err_xml, *err_http, *err_auth, *err_session, *err_broker, *err_db, *err_busy;
    acs_metric_t *holds_requeued, *active, *broker_up, *db_up;
    /* CPE requests by method (gw_cpe_methods order, then any other), and
     * the ACS faults they were answered with. */
    acs_metric_t *cpe_requests[GW_CPE_METHODS + 1];
    acs_metric_t *cpe_fault_unsupported, *cpe_fault_invalid, *cpe_fault_limit, *cpe_fault_retry;
    /* GetParameterNames repairs (quirk 14). */
    acs_metric_t *gpn_dropped, *gpn_parents, *gpn_dots;
    /* Informs by the kind of credentials that admitted them, and pending
     * credentials promoted (or not) on first use. */
    acs_metric_t *auth_device, *auth_pending, *auth_bootstrap, *auth_none;
    acs_metric_t *promoted, *promote_failed;
} gw_metrics_t;

typedef struct gw gw_t;
typedef struct gw_hold gw_hold_t;
typedef struct gw_req gw_req_t;

/* Holds are found by delivery (tag, generation) when an answer or a control
 * message settles them: a small chained hash table keeps that O(1) with
 * tens of thousands of sessions in flight. */
#define GW_HOLD_BUCKETS 4096

/* SIGTERM: serve what was accepted and wait for held RPCs to be settled for
 * at most this long, then answer whatever is left with 503. */
#define GW_DRAIN_MS 8000

struct gw {
    struct event_base *base;
    gw_config_t cfg;
    char instance[96];   /* this process's control queue, halyard.gw.<id>.<rand> */
    acs_amqp_t *amqp;
    acs_pg_t *pg;
    struct evconnlistener *listener;
    struct event *sigterm, *sigint, *tick, *drain;
    gw_metrics_t m;
    long active;          /* requests in progress */
    gw_req_t *reqs;       /* every request in progress (for the drain) */
    int draining;
    int64_t drain_deadline_ms; /* monotonic; 0 while not draining */
    int drain_shed;       /* leftovers answered 503 */
    gw_hold_t *holds[GW_HOLD_BUCKETS]; /* deliveries held for RPCs in flight */
    long nholds;
};

struct gw_req {
    gw_t *gw;
    gw_req_t *prev, *next; /* gw->reqs */
    struct bufferevent *bev;
    acs_buf_t in;          /* the raw SCGI request */
    scgi_request_t scgi;
    int parsed;            /* scgi points into in: in must not move any more */
    char *inflated;        /* body after Content-Encoding, if any */
    char *transcoded;      /* body converted to UTF-8 from the HTTP charset */
    const char *body;      /* what cwmp_parse reads */
    size_t body_len;
    cwmp_msg_t msg;
    int have_msg;
    int bad_body;          /* cwmp_parse refused the body: parse_err says why */
    char parse_err[200];
    gw_state_t st;
    int have_state;
    int pending;           /* callbacks outstanding */
    int responded;         /* response queued */
    int gone;              /* peer closed before we answered */
    int steps;             /* device-queue messages handled for this POST */
    int64_t poll_delay_ms; /* worker wait back-off */
    struct event *timer;   /* worker wait poll */
    json_t *result;        /* rpc.result being published */
    char *result_reply_to; /* where else it goes */
    int publishes;         /* confirms still expected for the result */
    int publish_failed;
    acs_amqp_msg_t *settle; /* device-queue message to ack once published */
    int settle_rpc;        /* also settle the RPC in flight (r->st) once published */
    void (*after)(gw_req_t *r); /* what follows a published result */
    acs_buf_t out_xml;     /* envelope waiting for the state to be saved */
    char conn_key[128];    /* the CPE's TCP connection, from nginx */
    char client_ip[64];
    int tls;
    /* Inform context */
    char device[ACS_DEVICE_ID_MAX + 1];
    char username[256];
    const char *credentials; /* "device", "pending", "bootstrap" or "none" */
};

/* gw_server.c */
int gw_server_start(gw_t *gw) __attribute__((warn_unused_result));
/* Queue a response and close once written. extra: more header lines, each
 * ending in "\r\n" (may be NULL). body may be NULL. */
void gw_respond(gw_req_t *r, int status, const char *extra, const char *ctype, const char *body,
                size_t len);
/* Shorthands: a plain-text error that closes the CPE's connection. */
void gw_respond_error(gw_req_t *r, int status, const char *reason);
void gw_respond_busy(gw_req_t *r, int retry_after_s, const char *reason);
/* Answer with an envelope and the session cookie (saved to PG first for a
 * CPE that ignores cookies, and the lease refreshed when due). */
void gw_respond_envelope(gw_req_t *r, acs_buf_t *xml);
/* A callback finished: drop a pending count; free if done. Returns 1 if the
 * request is still usable (peer present), 0 if the caller must stop. */
int gw_req_resume(gw_req_t *r);
#define GW_HOLD(r) ((r)->pending++)
/* SIGTERM: stop accepting (nginx then goes to another gateway), finish what
 * was accepted, and stop the loop once nothing is in progress or held, or
 * at the drain deadline. */
void gw_server_drain(gw_t *gw);
/* After the loop: every request left counts as gone (its callbacks become
 * no-ops). Call before freeing the broker and database clients. */
void gw_server_abandon(gw_t *gw);
/* After the broker and database clients are freed (no callback can come any
 * more): free the requests still waiting, e.g. on a worker-wait timer. */
void gw_server_free_requests(gw_t *gw);

/* gw_session.c */
void gw_session_handle(gw_req_t *r);
const char *gw_session_ns(int minor, char buf[40]);

/* gw_cpereq.c: answer the CPE request in r->msg (a session is found):
 * publish its event, then its response; or an ACS fault. */
void gw_cpereq_handle(gw_req_t *r);

/* gw_auth.c: authenticate the Inform in r (r->device set). Calls done(r,
 * status) with 0 = admitted (r->credentials says with what; pending
 * credentials are being promoted), 401/403/503 = answer that (already
 * logged). */
typedef void (*gw_auth_done)(gw_req_t *r, int status);
void gw_auth_inform(gw_req_t *r, const cwmp_msg_t *inform, gw_auth_done done);
void gw_auth_challenge(gw_req_t *r, int stale, int close);

/* gw_rpc.c */
void gw_rpc_next(gw_req_t *r);
void gw_rpc_end_session(gw_req_t *r, const char *reason);
void gw_rpc_on_answer(gw_req_t *r);
/* The POST could not be parsed (r->parse_err): the RPC in flight, if any,
 * fails with invalid-response (published first), then 400. */
void gw_rpc_on_garbage(gw_req_t *r);
void gw_rpc_control(acs_amqp_status_t st, acs_amqp_msg_t *m, void *arg);
void gw_rpc_release_holds(gw_t *gw);
long gw_rpc_hold_count(const gw_t *gw);

/* Lease length: long enough that an RPC's hold (session timeout) always ends
 * before another session of the device can start. */
#define GW_LEASE_S(gw) (2 * (gw)->cfg.session_timeout_s + 5)

/* gw_events.c: event messages (proto-json) */
json_t *gw_event_base(const char *type, const char *device, const char *session);
/* Publish an event to halyard.events with routing key <type>.<device>;
 * cb as acs_amqp_publish. Returns 0 or -1 (not queued). */
int gw_event_publish(gw_t *gw, json_t *ev, acs_amqp_cb cb, void *arg)
    __attribute__((warn_unused_result));

#endif
