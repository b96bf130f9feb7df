/* acs_buf: a growable byte buffer, always NUL-terminated.
 *
 * Allocation failure aborts (acs_xmalloc): a daemon that cannot allocate a
 * few KB cannot do anything useful, and input sizes are bounded before any
 * buffer grows, so this is a bug or exhaustion, never bad input.
 */
#ifndef ACS_BUF_H
#define ACS_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
    char *data; /* NUL-terminated; NULL until something is appended */
    size_t len;
    size_t cap;
} acs_buf_t;

#define ACS_BUF_INIT {NULL, 0, 0}

void *acs_xmalloc(size_t n);
void *acs_xcalloc(size_t n, size_t size);
void *acs_xrealloc(void *p, size_t n);
char *acs_xstrdup(const char *s);
char *acs_xstrndup(const char *s, size_t n);

/* Ensure room for n more bytes (plus the NUL). */
void acs_buf_reserve(acs_buf_t *b, size_t n);
void acs_buf_append(acs_buf_t *b, const void *p, size_t n);
void acs_buf_puts(acs_buf_t *b, const char *s);
void acs_buf_printf(acs_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void acs_buf_vprintf(acs_buf_t *b, const char *fmt, va_list ap);
/* Append s with & < > " ' escaped for XML text and attribute values. */
void acs_buf_put_xml(acs_buf_t *b, const char *s);
/* Length back to 0, memory kept. */
void acs_buf_reset(acs_buf_t *b);
/* Free the memory; b is left empty and reusable. Accepts an empty buffer. */
void acs_buf_free(acs_buf_t *b);
/* Hand the data to the caller (who frees it); b is left empty. Never NULL. */
char *acs_buf_steal(acs_buf_t *b, size_t *len);

#endif
