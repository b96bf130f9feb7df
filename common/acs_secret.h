/* acs_secret: device secrets at rest, and random credentials.
 *
 * Connection-request and STUN passwords must be recoverable (the ACS signs
 * with them), so they cannot be hashed like the CPE's own password (HA1).
 * They are sealed with AES-256-GCM under ACS_SECRET_KEY, bound to the row
 * they belong to (the associated data, e.g. the device id), so a sealed value
 * copied to another device's row does not open. Sealed text is
 * "v1:" + base64url(nonce[12] || ciphertext || tag[16]).
 *
 * Pure apart from randomness (OpenSSL RAND_bytes); nothing blocks.
 */
#ifndef ACS_SECRET_H
#define ACS_SECRET_H

#include <stddef.h>

#define ACS_SECRET_KEY_LEN 32
/* Longest plaintext sealed (passwords are at most 256 chars in TR-069). */
#define ACS_SECRET_PLAIN_MAX 1024

/* Parse ACS_SECRET_KEY: exactly 64 hex digits. Returns 0 or -1. */
int acs_secret_key_parse(const char *hex, unsigned char key[ACS_SECRET_KEY_LEN])
    __attribute__((warn_unused_result));

/* Seal plain (NUL-terminated, at most ACS_SECRET_PLAIN_MAX bytes) bound to
 * aad (may be "" but not NULL). Returns a new string the caller frees, or
 * NULL if plain is too long or the cipher failed. */
char *acs_secret_seal(const unsigned char key[ACS_SECRET_KEY_LEN], const char *aad,
                      const char *plain) __attribute__((warn_unused_result));

/* Open what acs_secret_seal made with the same key and aad. Returns a new
 * NUL-terminated string the caller frees (and should wipe), or NULL if the
 * text is malformed, the key or aad differ, or it was tampered with. */
char *acs_secret_open(const unsigned char key[ACS_SECRET_KEY_LEN], const char *aad,
                      const char *sealed) __attribute__((warn_unused_result));

/* Fill out with n random characters from [A-Za-z0-9] (safe in URLs, in the
 * UDP connection request's un/cn fields and in every CPE's config parser)
 * and a NUL; out holds n + 1 bytes. Returns 0, or -1 if randomness failed. */
int acs_secret_random_text(char *out, size_t n) __attribute__((warn_unused_result));

#endif
