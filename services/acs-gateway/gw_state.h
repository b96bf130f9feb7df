/* gw_state: everything a CWMP session needs between two POSTs, carried in a
 * signed cookie (and, for CPEs that ignore cookies, in the live_sessions row
 * in PostgreSQL), so that any gateway can serve any POST and a gateway may
 * die at any moment without losing a session.
 *
 * Token: base64url(compact JSON) "." base64url(HMAC-SHA256(key, first part)).
 * The key is shared by every gateway (ACS_COOKIE_KEY). A token that does not
 * verify is treated as absent; nothing in it is trusted before it verifies.
 * Pure: no I/O.
 */
#ifndef GW_STATE_H
#define GW_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "acs_buf.h"
#include "acs_util.h"

#define GW_COOKIE_NAME "halyard_session"
/* The longest token accepted. A token is 300 to 450 bytes, more while an RPC
 * is in flight with a long reply_to or a context (a Download's URL). */
#define GW_STATE_MAX_TOKEN 8192
/* The RPC context (gw_rpcctx.h) as compact JSON, NUL included. */
#define GW_STATE_MAX_CTX 3072

typedef struct {
    char sid[40];                        /* session id */
    char device[ACS_DEVICE_ID_MAX + 1];  /* escaped device id */
    int ns_minor;                        /* cwmp-1-N of the Inform */
    char use_version[8];                 /* negotiated, "" if none sent */
    int64_t started_ms, last_ms;         /* wall clock */
    int64_t lease_until_ms;              /* live_sessions.expires_at as we set it */
    int64_t worker_deadline_ms;          /* 0: the worker wait has not started */
    int worker_done;                     /* the worker said done */
    int queue_declared;                  /* device queue declared this session */
    int nocookie;                        /* CPE ignores cookies: state lives in PG */
    int rpcs, faults;
    unsigned seq;                        /* counter for the cwmp:IDs we send */
    int cpe_requests;                    /* CPE requests answered this session */
    /* The RPC in flight, if any. */
    int inflight;
    char rpc_id[65];
    char rpc_method[65];                 /* up to 64: vendor methods */
    char cwmp_id[24];                    /* cwmp:ID we sent with it */
    char reply_to[256];
    char correlation_id[128];
    int rpc_worker;                      /* tagged with this session: a worker's */
    char holder[96];                     /* control queue of the gateway holding it */
    uint64_t tag, gen;                   /* its delivery on that gateway */
    char rpc_ctx[GW_STATE_MAX_CTX];      /* what its result needs of its params
                                            (gw_rpcctx.h), compact JSON; "" if none */
} gw_state_t;

/* Serialise and sign st into out (appended). Never fails. */
void gw_state_encode(const gw_state_t *st, const void *key, size_t keylen, acs_buf_t *out);

/* Verify and decode a token of len bytes into st. 0, or -1 when it is not a
 * well-formed token signed with key (st is then zeroed). */
int gw_state_decode(const char *token, size_t len, const void *key, size_t keylen,
                    gw_state_t *st) __attribute__((warn_unused_result));

/* Find our cookie in a Cookie header value, leniently (quirk 1: ';' or ','
 * separators, spaces, other cookies around it). Returns a pointer to the
 * value inside header and its length in *len, or NULL. */
const char *gw_state_find_cookie(const char *header, size_t *len);

#endif
