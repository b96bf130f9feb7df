/* sim_http: the pure parts of the CPE's HTTP clients (sessions and file
 * transfers): URLs, the session cookie jar, Retry-After, picking the
 * challenge to answer. No I/O, nothing blocks; input from the
 * ACS is bounded and a malformed header is ignored, never a crash.
 */
#ifndef SIM_HTTP_H
#define SIM_HTTP_H

#include <stddef.h>

#include "acs_buf.h"
#include "acs_http_auth.h"

typedef struct {
    char host[256];     /* name or address, IPv6 without brackets */
    int port;           /* 80 when absent */
    char path[1024];    /* "/" when absent; includes any query */
    char hostport[300]; /* Host header value: host[:port], IPv6 bracketed */
} sim_url_t;

/* Parse http://host[:port][/path]. Returns 0, or -1 for another scheme
 * (https is not supported), an empty host, a bad port or an over-long part. */
int sim_url_parse(const char *url, sim_url_t *out) __attribute__((warn_unused_result));

/* Cookies of one session: name=value pairs from Set-Cookie, attributes
 * dropped, a later cookie replacing one of the same name. */
#define SIM_COOKIES_MAX 16
#define SIM_COOKIE_MAX_LEN 1024

typedef struct {
    char *pair[SIM_COOKIES_MAX]; /* "name=value", owned */
    size_t n;
} sim_cookies_t;

#define SIM_COOKIES_INIT                                                                           \
    {                                                                                              \
        {0}, 0                                                                                     \
    }

/* Store the cookie of one Set-Cookie value. Ignores (returns -1) a value
 * without '=', with an empty name, longer than SIM_COOKIE_MAX_LEN, or beyond
 * SIM_COOKIES_MAX cookies; 0 when stored. An empty value deletes. */
int sim_cookies_store(sim_cookies_t *jar, const char *set_cookie);

/* Append the Cookie header value ("a=1; b=2") to out; nothing if empty. */
void sim_cookies_header(const sim_cookies_t *jar, acs_buf_t *out);

/* Forget every cookie; the jar stays usable. */
void sim_cookies_clear(sim_cookies_t *jar);

/* Seconds of a Retry-After value in delta-seconds form (capped at one day),
 * or -1 (absent, or an HTTP-date, which the simulator does not honour). */
long sim_http_retry_after(const char *value);

/* Pick the challenge to answer among n WWW-Authenticate values: the first
 * Digest one, else the first Basic one; values over ACS_AUTH_MAX_HEADER or
 * malformed are skipped. 0 and *out filled, or -1 if none is usable. */
int sim_http_pick_challenge(const char *const *values, size_t n, acs_challenge_t *out)
    __attribute__((warn_unused_result));

/* The same over every WWW-Authenticate header of a libevent response (at
 * most 8 are looked at). */
struct evkeyvalq;
int sim_http_pick_challenge_headers(struct evkeyvalq *h, acs_challenge_t *out)
    __attribute__((warn_unused_result));

#endif
