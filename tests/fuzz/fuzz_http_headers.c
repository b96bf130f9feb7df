/* libFuzzer target for the header parsers a CPE reaches: Authorization
 * (Basic and Digest), WWW-Authenticate (what cpe-sim and the connection
 * requester read), Digest nonces, the Cookie header and the signed session
 * token. Input is NUL-terminated as the SCGI layer delivers headers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acs_http_auth.h"
#include "gw_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char KEY[] = "fuzz-key-fuzz-key-fuzz-key-fuzz!";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    acs_auth_t a;
    acs_challenge_t c;
    gw_state_t st;
    size_t len;
    memcpy(s, data, size);
    s[size] = '\0';
    if (acs_auth_parse(s, &a) == 0 && a.scheme == ACS_AUTH_DIGEST)
        (void)acs_digest_verify("00000000000000000000000000000000", &a, "POST", s, size);
    (void)acs_challenge_parse(s, &c);
    (void)acs_digest_nonce_check(KEY, 32, s, 1800000000, 300);
    const char *v = gw_state_find_cookie(s, &len);
    if (v && (v < s || v + len > s + size))
        abort(); /* the cookie value must lie inside the header */
    (void)gw_state_decode(s, size, KEY, 32, &st);
    free(s);
    return 0;
}
