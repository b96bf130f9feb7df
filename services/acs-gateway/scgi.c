/* scgi: see scgi.h. */
#include "scgi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Read the netstring length prefix. Returns SCGI_OK with *hlen and *start
 * (offset after ':'), SCGI_AGAIN, or SCGI_ERROR. */
static int parse_prefix(const char *buf, size_t len, size_t *hlen, size_t *start, char *err,
                        size_t errlen)
{
    size_t n = 0, i = 0;
    for (; i < len && i < 8; i++) {
        char c = buf[i];
        if (c == ':')
            break;
        if (c < '0' || c > '9') {
            snprintf(err, errlen, "netstring length is not a number");
            return SCGI_ERROR;
        }
        n = n * 10 + (size_t)(c - '0');
    }
    if (i == len)
        return SCGI_AGAIN;
    if (i == 0 || buf[i] != ':') {
        snprintf(err, errlen, "bad netstring length");
        return SCGI_ERROR;
    }
    if (n == 0 || n > SCGI_MAX_HEADER_BYTES) {
        snprintf(err, errlen, "header block of %zu bytes", n);
        return SCGI_ERROR;
    }
    *hlen = n;
    *start = i + 1;
    return SCGI_OK;
}

static int parse_content_length(const char *v, size_t *out)
{
    char *end;
    if (!*v || strlen(v) > 12)
        return -1;
    for (const char *p = v; *p; p++)
        if (*p < '0' || *p > '9')
            return -1;
    *out = (size_t)strtoull(v, &end, 10);
    return 0;
}

/* Split "name\0value\0..." into r->headers. */
static int split_headers(const char *p, size_t n, scgi_request_t *r, char *err, size_t errlen)
{
    size_t off = 0;
    r->nheaders = 0;
    while (off < n) {
        const char *name = p + off;
        const char *nul = memchr(name, '\0', n - off);
        if (!nul || nul == name) {
            snprintf(err, errlen, "malformed header name");
            return SCGI_ERROR;
        }
        off = (size_t)(nul - p) + 1;
        const char *value = p + off;
        nul = off < n ? memchr(value, '\0', n - off) : NULL;
        if (!nul) {
            snprintf(err, errlen, "header %.40s without a value", name);
            return SCGI_ERROR;
        }
        off = (size_t)(nul - p) + 1;
        if (r->nheaders == SCGI_MAX_HEADERS) {
            snprintf(err, errlen, "more than %d headers", SCGI_MAX_HEADERS);
            return SCGI_ERROR;
        }
        r->headers[r->nheaders].name = name;
        r->headers[r->nheaders].value = value;
        r->nheaders++;
    }
    return SCGI_OK;
}

int scgi_parse(const char *buf, size_t len, size_t max_body, scgi_request_t *r, char *err,
               size_t errlen)
{
    size_t hlen, start;
    int rc = parse_prefix(buf, len, &hlen, &start, err, errlen);
    if (rc != SCGI_OK)
        return rc;
    if (len < start + hlen + 1)
        return SCGI_AGAIN;
    if (buf[start + hlen] != ',') {
        snprintf(err, errlen, "netstring not terminated by ','");
        return SCGI_ERROR;
    }
    memset(r, 0, sizeof *r);
    if (split_headers(buf + start, hlen, r, err, errlen) != SCGI_OK)
        return SCGI_ERROR;
    if (r->nheaders == 0 || strcmp(r->headers[0].name, "CONTENT_LENGTH") != 0 ||
        parse_content_length(r->headers[0].value, &r->content_length) != 0) {
        snprintf(err, errlen, "first header is not a valid CONTENT_LENGTH");
        return SCGI_ERROR;
    }
    if (r->content_length > max_body) {
        r->too_large = 1;
        snprintf(err, errlen, "body of %zu bytes over the limit of %zu", r->content_length,
                 max_body);
        return SCGI_ERROR;
    }
    r->header_end = start + hlen + 1;
    if (len < r->header_end + r->content_length)
        return SCGI_AGAIN;
    r->body = buf + r->header_end;
    return SCGI_OK;
}

const char *scgi_header(const scgi_request_t *r, const char *name)
{
    for (int i = 0; i < r->nheaders; i++)
        if (strcmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}
