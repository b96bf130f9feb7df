/* acs_http_auth: HTTP Basic and Digest (RFC 2617/7616, MD5, qop=auth and
 * auth-int) for both sides: the gateway verifying CPEs, and cpe-sim and the
 * connection requester answering challenges. Pure: no I/O, no allocation
 * except where noted, no globals.
 *
 * Input is hostile: header values are bounded (ACS_AUTH_MAX_HEADER) and a
 * malformed one is a parse error, never a crash.
 */
#ifndef ACS_HTTP_AUTH_H
#define ACS_HTTP_AUTH_H

#include <stddef.h>
#include <stdint.h>

#define ACS_AUTH_MAX_HEADER 4096
#define ACS_AUTH_FIELD 256 /* longest field value kept (username, nonce, uri...) */

typedef enum { ACS_AUTH_NONE = 0, ACS_AUTH_BASIC, ACS_AUTH_DIGEST } acs_auth_scheme_t;

/* A parsed Authorization header (client -> server). */
typedef struct {
    acs_auth_scheme_t scheme;
    char username[ACS_AUTH_FIELD];
    char password[ACS_AUTH_FIELD]; /* Basic only */
    char realm[ACS_AUTH_FIELD];
    char nonce[ACS_AUTH_FIELD];
    char uri[ACS_AUTH_FIELD];
    char response[ACS_AUTH_FIELD];
    char qop[16]; /* "auth", "auth-int" or "" */
    char nc[16];  /* 8 hex digits */
    char cnonce[ACS_AUTH_FIELD];
    char opaque[ACS_AUTH_FIELD];
    char algorithm[16]; /* "MD5" or "" (MD5); anything else is refused by verify */
} acs_auth_t;

/* Parse an Authorization header value ("Digest username=...", "Basic xxx").
 * Quoted and unquoted values, any order, any case for names and scheme,
 * commas with optional spaces. Returns 0, or -1 if malformed, too long, or a
 * field over ACS_AUTH_FIELD. Digest without username, realm, nonce, uri or
 * response, or with a directive repeated, is malformed; unknown directives
 * are ignored. Basic needs strict padded base64 of "user:pass". */
int acs_auth_parse(const char *header, acs_auth_t *out) __attribute__((warn_unused_result));

/* HA1 = hex(MD5(username ":" realm ":" password)) into out[33]. */
void acs_digest_ha1(const char *username, const char *realm, const char *password, char out[33]);

/* The expected Digest "response" value into out[33], given HA1 (hex), the
 * request method ("POST", "GET") and the header fields. For qop auth-int the
 * body (may be NULL when len is 0) is hashed into HA2. Without qop the
 * RFC 2069 form is used. */
void acs_digest_response(const char *ha1, const acs_auth_t *a, const char *method, const void *body,
                         size_t body_len, char out[33]);

/* Verify a parsed Digest header against HA1: algorithm MD5 (or absent), qop
 * auth/auth-int with nc of 8 hex digits and a cnonce, response matches
 * (constant-time). Does NOT check the nonce
 * (see acs_digest_nonce_check) or that uri matches the request. 0 if valid,
 * -1 otherwise. */
int acs_digest_verify(const char *ha1, const acs_auth_t *a, const char *method, const void *body,
                      size_t body_len) __attribute__((warn_unused_result));

/* Stateless nonces: "<unix seconds hex>.<base64url HMAC-SHA256(key, seconds
 * hex)[:16 bytes]>" so any gateway holding the key can check them. out must
 * hold ACS_NONCE_LEN bytes. */
#define ACS_NONCE_LEN 48
void acs_digest_nonce_make(const void *key, size_t keylen, int64_t now_s, char *out);
/* 0 if the nonce is ours and issued within max_age_s (and not in the
 * future by more than 5 s), -1 otherwise. */
int acs_digest_nonce_check(const void *key, size_t keylen, const char *nonce, int64_t now_s,
                           int64_t max_age_s) __attribute__((warn_unused_result));

/* Write a WWW-Authenticate value: Digest realm="..", qop="auth,auth-int",
 * nonce="..", opaque="..", algorithm=MD5 into out (size n). opaque may be
 * NULL (then omitted). If it does not fit, out is "" (ACS_AUTH_MAX_HEADER
 * bytes always fit fields under ACS_AUTH_FIELD). */
void acs_digest_challenge(const char *realm, const char *nonce, const char *opaque, char *out,
                          size_t n);

/* A parsed WWW-Authenticate challenge (server -> client). */
typedef struct {
    acs_auth_scheme_t scheme;
    char realm[ACS_AUTH_FIELD];
    char nonce[ACS_AUTH_FIELD];
    char opaque[ACS_AUTH_FIELD];
    char qop[32]; /* as offered, e.g. "auth,auth-int" */
    char algorithm[16];
    int stale;
} acs_challenge_t;

/* Parse one WWW-Authenticate value. 0 or -1 (malformed / unknown scheme). */
int acs_challenge_parse(const char *header, acs_challenge_t *out)
    __attribute__((warn_unused_result));

/* Client side: build the Authorization value answering a Digest challenge
 * with qop=auth (if offered, else RFC 2069), nc as given (1, 2, ...), a
 * random cnonce. out size n. Returns 0, or -1 (out "") if it does not fit,
 * username or uri is over ACS_AUTH_FIELD, or the challenge is not Digest,
 * asks for an algorithm other than MD5, or offers only qop=auth-int. */
int acs_digest_authorization(const acs_challenge_t *c, const char *username, const char *password,
                             const char *method, const char *uri, unsigned nc, char *out, size_t n)
    __attribute__((warn_unused_result));

/* Client side Basic: "Basic base64(user:pass)" into out (size n); 0 or -1. */
int acs_basic_authorization(const char *username, const char *password, char *out, size_t n)
    __attribute__((warn_unused_result));

#endif
