/* sim_fetch: one HTTP transfer of a simulated CPE: a GET of a file into
 * memory, or a PUT of a body (with Content-Length), over a libevent evhttp
 * client connection of its own. A 401 is answered once with the given
 * credentials (Digest preferred, else Basic); redirects are not followed;
 * no answer within timeout_s seconds (per read or write) ends it.
 *
 * Runs on the caller's event loop; nothing blocks except resolving a host
 * name that is not an address (getaddrinfo, as libevent does without a DNS
 * base): give file servers as addresses in load tests.
 */
#ifndef SIM_FETCH_H
#define SIM_FETCH_H

#include <event2/event.h>
#include <stddef.h>

#include "acs_buf.h"

typedef enum {
    SIM_FETCH_OK = 0,     /* a 2xx status, the body complete */
    SIM_FETCH_NO_CONTACT, /* no response at all: bad URL, cannot connect, no answer */
    SIM_FETCH_AUTH,       /* 401 without usable credentials, or they were refused */
    SIM_FETCH_STATUS,     /* another status (3xx included) */
    SIM_FETCH_BROKEN,     /* the response began but did not complete */
    SIM_FETCH_TOO_LARGE,  /* the body is larger than max_body */
} sim_fetch_outcome_t;

typedef struct {
    sim_fetch_outcome_t outcome;
    int status;      /* the last HTTP status, 0 if none */
    char error[160]; /* what went wrong ("" when OK): a FaultString */
    acs_buf_t body;  /* GET: the body; the callback may take it (acs_buf_steal) */
} sim_fetch_result_t;

typedef struct sim_fetch sim_fetch_t;

/* Body limit when sim_fetch_req_t.max_body is 0. */
#define SIM_FETCH_DEFAULT_MAX (16 * 1024 * 1024)

/* Called once, from a fresh event-loop iteration; the fetch is freed when
 * it returns. */
typedef void (*sim_fetch_done_fn)(sim_fetch_result_t *res, void *arg);

typedef struct {
    int put;              /* 0: GET, 1: PUT body */
    const char *url;      /* http://host[:port]/path?query */
    const char *username; /* NULL or "": no credentials */
    const char *password; /* NULL: "" */
    const char *body;     /* PUT: len bytes, copied */
    size_t len;
    const char *content_type; /* PUT: NULL for application/octet-stream */
    int timeout_s;
    size_t max_body; /* GET: larger bodies fail with SIM_FETCH_TOO_LARGE; 0: default */
} sim_fetch_req_t;

/* Start a transfer; every string of r is copied. Returns the fetch, which
 * calls done and frees itself; NULL (done never called) only when libevent
 * cannot create an event. A URL that cpe-sim cannot use ends it with
 * SIM_FETCH_NO_CONTACT (reported through done like any failure). */
sim_fetch_t *sim_fetch_start(struct event_base *base, const sim_fetch_req_t *r,
                             sim_fetch_done_fn done, void *arg) __attribute__((warn_unused_result));

/* Stop f now without calling done; f is freed. Do not call it from done. */
void sim_fetch_cancel(sim_fetch_t *f);

#endif
