/* acs_buf: see acs_buf.h. */
#include "acs_buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    /* Not a bad-input path: sizes are bounded before they get here. */
    fprintf(stderr, "out of memory allocating %zu bytes\n", n);
    abort();
}

void *acs_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *acs_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(n * size);
    return p;
}

void *acs_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

char *acs_xstrdup(const char *s)
{
    return acs_xstrndup(s, strlen(s));
}

char *acs_xstrndup(const char *s, size_t n)
{
    char *p = acs_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void acs_buf_reserve(acs_buf_t *b, size_t n)
{
    if (b->len + n + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1)
        cap *= 2;
    b->data = acs_xrealloc(b->data, cap);
    b->cap = cap;
}

void acs_buf_append(acs_buf_t *b, const void *p, size_t n)
{
    acs_buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void acs_buf_puts(acs_buf_t *b, const char *s)
{
    acs_buf_append(b, s, strlen(s));
}

void acs_buf_vprintf(acs_buf_t *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    acs_buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void acs_buf_printf(acs_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    acs_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void acs_buf_put_xml(acs_buf_t *b, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&apos;"; break;
        default: continue;
        }
        acs_buf_append(b, run, (size_t)(s - run));
        acs_buf_puts(b, rep);
        run = s + 1;
    }
    acs_buf_append(b, run, (size_t)(s - run));
}

void acs_buf_reset(acs_buf_t *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void acs_buf_free(acs_buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *acs_buf_steal(acs_buf_t *b, size_t *len)
{
    char *p;
    if (!b->data)
        acs_buf_reserve(b, 0), b->data[0] = '\0';
    p = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
