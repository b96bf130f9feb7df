/* libFuzzer target for the SCGI parser: any bytes, every prefix length the
 * network could deliver them in, must parse, ask for more, or fail cleanly,
 * and never read outside the buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scgi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[128];
    scgi_request_t r;
    /* A private copy so ASan catches a read one past the end. */
    char *buf = malloc(size ? size : 1);
    memcpy(buf, data, size);
    for (size_t n = size > 64 ? size - 64 : 0; n <= size; n++) {
        int rc = scgi_parse(buf, n, 4096, &r, err, sizeof err);
        if (rc == SCGI_OK) {
            if (r.header_end + r.content_length > n)
                abort(); /* the body must lie inside what was parsed */
            for (int i = 0; i < r.nheaders; i++)
                (void)strlen(r.headers[i].name), (void)strlen(r.headers[i].value);
            (void)scgi_header(&r, "HTTP_COOKIE");
        }
    }
    free(buf);
    return 0;
}
