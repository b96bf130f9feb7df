/* acs_util: small helpers shared by every service: time, randomness, hex,
 * constant-time comparison, HMAC-SHA256 and device ids. Nothing here blocks
 * except acs_random_bytes on a starved entropy pool (never in practice). */
#ifndef ACS_UTIL_H
#define ACS_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Milliseconds on the monotonic clock (for timeouts). */
int64_t acs_now_mono_ms(void);
/* Milliseconds since the Unix epoch (for messages and cookies). */
int64_t acs_now_wall_ms(void);
/* Format a wall time (ms since epoch) as 2026-11-22T03:16:20.123Z;
 * buf must hold 32 bytes. Returns buf. */
char *acs_iso8601(int64_t wall_ms, char *buf);

/* Cryptographically random bytes (OpenSSL RAND_bytes). Returns 0 or -1. */
int acs_random_bytes(void *buf, size_t n) __attribute__((warn_unused_result));
/* A random RFC 4122 version 4 UUID as 36 chars + NUL into buf[37]. */
void acs_uuid(char buf[37]);

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void acs_hex(const void *in, size_t n, char *out);
/* Decode hex (any case) of exactly 2*n chars into out; 0 or -1. */
int acs_unhex(const char *in, size_t inlen, void *out, size_t n)
    __attribute__((warn_unused_result));

/* Constant-time equality of two buffers of length n. 1 if equal. */
int acs_ct_equal(const void *a, const void *b, size_t n);

/* HMAC-SHA256 of msg under key into out[32]. */
void acs_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
                     unsigned char out[32]);

/* base64url without padding: encode n bytes into out (4*ceil(n/3)+1 bytes is
 * enough); returns the length written (NUL not counted). */
size_t acs_b64url_encode(const void *in, size_t n, char *out);
/* Decode base64url (no padding); out must hold inlen*3/4 bytes. Returns the
 * decoded length, or -1 on a character outside the alphabet. */
long acs_b64url_decode(const char *in, size_t inlen, void *out);

/* Device key of cwmp-reference.md 5.2: OUI-ProductClass-SerialNumber, or
 * OUI-SerialNumber when ProductClass is empty; every byte outside
 * [A-Za-z0-9_] of each part becomes %XX (upper-case hex, not zero-padded).
 * Writes at most outlen bytes including the NUL; returns 0, or -1 if the key
 * does not fit, is longer than ACS_DEVICE_ID_LIMIT, or oui/serial is empty. */
int acs_device_id(const char *oui, const char *product_class, const char *serial, char *out,
                  size_t outlen) __attribute__((warn_unused_result));
/* Buffer size for any escaped id: 3 parts of 64 bytes, each byte escaped
 * to at most 3 chars. */
#define ACS_DEVICE_ID_MAX (3 * 64 * 3 + 3)
/* Longest id accepted: AMQP queue names and routing keys are at most 255
 * bytes, and "transfer.complete." + id must fit. Real ids are far shorter;
 * an Inform whose id would be longer is refused (400). */
#define ACS_DEVICE_ID_LIMIT 230

/* 1 if s is a well-formed escaped device id (only [A-Za-z0-9_%-], not empty,
 * at most ACS_DEVICE_ID_LIMIT): safe in queue names, URLs and log fields. */
int acs_device_id_valid(const char *s);

#endif
