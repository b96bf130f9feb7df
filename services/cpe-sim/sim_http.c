/* sim_http: see sim_http.h. */
#include <sys/queue.h> /* TAILQ_FOREACH over evhttp headers */

#include "sim_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/keyvalq_struct.h>

static int copy_n(char *dst, size_t cap, const char *src, size_t n)
{
    if (n >= cap)
        return -1;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return 0;
}

/* host and port from the authority (between "//" and the path). */
static int parse_authority(const char *a, size_t n, sim_url_t *out)
{
    const char *port = NULL;
    size_t hlen = n;

    if (n > 0 && a[0] == '[') {
        const char *close = memchr(a, ']', n);
        if (!close || copy_n(out->host, sizeof out->host, a + 1, (size_t)(close - a - 1)) != 0)
            return -1;
        if (close + 1 < a + n) {
            if (close[1] != ':')
                return -1;
            port = close + 2;
        }
    } else {
        const char *colon = memchr(a, ':', n);
        if (colon) {
            hlen = (size_t)(colon - a);
            port = colon + 1;
        }
        if (copy_n(out->host, sizeof out->host, a, hlen) != 0)
            return -1;
    }
    out->port = 80;
    if (port) {
        size_t plen = (size_t)(a + n - port);
        char buf[8];
        char *end;
        if (plen == 0 || copy_n(buf, sizeof buf, port, plen) != 0)
            return -1;
        long v = strtol(buf, &end, 10);
        if (*end || v < 1 || v > 65535)
            return -1;
        out->port = (int)v;
    }
    return out->host[0] ? 0 : -1;
}

int sim_url_parse(const char *url, sim_url_t *out)
{
    const char *a, *slash;
    int v6, n;

    memset(out, 0, sizeof *out);
    if (strncasecmp(url, "http://", 7) != 0)
        return -1;
    a = url + 7;
    slash = a + strcspn(a, "/?#");
    if (parse_authority(a, (size_t)(slash - a), out) != 0)
        return -1;
    if (*slash == '/')
        n = snprintf(out->path, sizeof out->path, "%s", slash);
    else if (*slash == '?')
        n = snprintf(out->path, sizeof out->path, "/%s", slash);
    else
        n = snprintf(out->path, sizeof out->path, "/");
    if (n < 0 || (size_t)n >= sizeof out->path)
        return -1;
    char *hash = strchr(out->path, '#');
    if (hash)
        *hash = '\0';
    v6 = strchr(out->host, ':') != NULL;
    if (out->port == 80)
        n = snprintf(out->hostport, sizeof out->hostport, v6 ? "[%s]" : "%s", out->host);
    else
        n = snprintf(out->hostport, sizeof out->hostport, v6 ? "[%s]:%d" : "%s:%d", out->host,
                     out->port);
    return n < 0 || (size_t)n >= sizeof out->hostport ? -1 : 0;
}

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

int sim_cookies_store(sim_cookies_t *jar, const char *set_cookie)
{
    const char *p = set_cookie, *end, *eq;
    size_t len, nlen;

    while (is_ows(*p))
        p++;
    end = p + strcspn(p, ";");
    while (end > p && is_ows(end[-1]))
        end--;
    len = (size_t)(end - p);
    eq = memchr(p, '=', len);
    if (!eq || eq == p || len > SIM_COOKIE_MAX_LEN)
        return -1;
    nlen = (size_t)(eq - p);
    for (size_t i = 0; i < jar->n; i++) {
        if (strncmp(jar->pair[i], p, nlen + 1) != 0)
            continue;
        free(jar->pair[i]);
        if (eq + 1 == end) { /* "name=" deletes */
            jar->pair[i] = jar->pair[--jar->n];
            return 0;
        }
        jar->pair[i] = acs_xstrndup(p, len);
        return 0;
    }
    if (jar->n == SIM_COOKIES_MAX || eq + 1 == end)
        return -1;
    jar->pair[jar->n++] = acs_xstrndup(p, len);
    return 0;
}

void sim_cookies_header(const sim_cookies_t *jar, acs_buf_t *out)
{
    for (size_t i = 0; i < jar->n; i++) {
        if (i)
            acs_buf_puts(out, "; ");
        acs_buf_puts(out, jar->pair[i]);
    }
}

void sim_cookies_clear(sim_cookies_t *jar)
{
    for (size_t i = 0; i < jar->n; i++)
        free(jar->pair[i]);
    jar->n = 0;
}

long sim_http_retry_after(const char *value)
{
    long v = 0;
    const char *p = value;

    if (!p)
        return -1;
    while (is_ows(*p))
        p++;
    if (*p < '0' || *p > '9')
        return -1;
    while (*p >= '0' && *p <= '9') {
        if (v < 86400)
            v = v * 10 + (*p - '0');
        p++;
    }
    while (is_ows(*p))
        p++;
    if (*p)
        return -1;
    return v > 86400 ? 86400 : v;
}

int sim_http_pick_challenge(const char *const *values, size_t n, acs_challenge_t *out)
{
    acs_challenge_t c;
    int found = 0;

    for (size_t i = 0; i < n; i++) {
        if (strlen(values[i]) > ACS_AUTH_MAX_HEADER || acs_challenge_parse(values[i], &c) != 0)
            continue;
        if (c.scheme == ACS_AUTH_DIGEST) {
            *out = c;
            return 0;
        }
        if (!found) {
            *out = c;
            found = 1;
        }
    }
    return found ? 0 : -1;
}

int sim_http_pick_challenge_headers(struct evkeyvalq *h, acs_challenge_t *out)
{
    const char *values[8];
    size_t n = 0;
    struct evkeyval *kv;

    TAILQ_FOREACH(kv, h, next)
    {
        if (n < 8 && strcasecmp(kv->key, "WWW-Authenticate") == 0)
            values[n++] = kv->value;
    }
    return sim_http_pick_challenge(values, n, out);
}
