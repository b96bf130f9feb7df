/* scgi: the SCGI request parser (https://python.ca/scgi/protocol.txt) and
 * response writer. Pure: bytes in, pointers into those bytes out, no I/O.
 *
 * A request is a netstring of NUL-separated header pairs, the first being
 * CONTENT_LENGTH, then exactly CONTENT_LENGTH bytes of body:
 *   "70:CONTENT_LENGTH\0" "27\0" "SCGI\0" "1\0" ... "," <body>
 * The parser is incremental in the nginx sense: call it again with more
 * bytes until it stops answering SCGI_AGAIN.
 */
#ifndef SCGI_H
#define SCGI_H

#include <stddef.h>

#define SCGI_OK 0
#define SCGI_ERROR (-1)
#define SCGI_AGAIN (-2)

#define SCGI_MAX_HEADERS 128
#define SCGI_MAX_HEADER_BYTES (64 * 1024)

typedef struct {
    const char *name;
    const char *value;
} scgi_header_t;

typedef struct {
    scgi_header_t headers[SCGI_MAX_HEADERS];
    int nheaders;
    size_t content_length;
    const char *body;   /* points into the parsed buffer */
    size_t header_end;  /* offset of the body in the buffer */
    int too_large;      /* CONTENT_LENGTH over max_body: SCGI_ERROR, answer 413 */
} scgi_request_t;

/* Parse buf[0..len). Returns SCGI_OK when headers and the whole body are in
 * (r filled; pointers into buf, so keep buf unchanged), SCGI_AGAIN when more
 * bytes are needed, SCGI_ERROR on a malformed request (reason in err) or a
 * body over max_body (r->too_large set). Never reads past len. */
int scgi_parse(const char *buf, size_t len, size_t max_body, scgi_request_t *r, char *err,
               size_t errlen) __attribute__((warn_unused_result));

/* Value of header name (exact, case-sensitive as SCGI names are), or NULL. */
const char *scgi_header(const scgi_request_t *r, const char *name);

#endif
