/* acs_secret: AES-256-GCM sealing of device secrets; see acs_secret.h. */
#include "acs_secret.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "acs_util.h"

#define NONCE_LEN 12
#define TAG_LEN 16
#define PREFIX "v1:"

int acs_secret_key_parse(const char *hex, unsigned char key[ACS_SECRET_KEY_LEN])
{
    if (!hex || strlen(hex) != 2 * ACS_SECRET_KEY_LEN)
        return -1;
    return acs_unhex(hex, 2 * ACS_SECRET_KEY_LEN, key, ACS_SECRET_KEY_LEN);
}

/* One GCM pass; enc 1 seals, 0 opens (tag checked). Returns 0 or -1. */
static int gcm(int enc, const unsigned char *key, const unsigned char *nonce, const char *aad,
               const unsigned char *in, int inlen, unsigned char *out, unsigned char *tag)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int len = 0, rc = -1;
    if (!c)
        return -1;
    if (EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) != 1 ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) != 1 ||
        EVP_CipherInit_ex(c, NULL, NULL, key, nonce, enc) != 1)
        goto out;
    if (EVP_CipherUpdate(c, NULL, &len, (const unsigned char *)aad, (int)strlen(aad)) != 1)
        goto out;
    if (inlen > 0 && EVP_CipherUpdate(c, out, &len, in, inlen) != 1)
        goto out;
    if (!enc && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) != 1)
        goto out;
    if (EVP_CipherFinal_ex(c, out + (inlen > 0 ? len : 0), &len) != 1)
        goto out;
    if (enc && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) != 1)
        goto out;
    rc = 0;
out:
    EVP_CIPHER_CTX_free(c);
    return rc;
}

char *acs_secret_seal(const unsigned char key[ACS_SECRET_KEY_LEN], const char *aad,
                      const char *plain)
{
    size_t n = strlen(plain);
    unsigned char raw[NONCE_LEN + ACS_SECRET_PLAIN_MAX + TAG_LEN];
    if (n > ACS_SECRET_PLAIN_MAX || acs_random_bytes(raw, NONCE_LEN) != 0)
        return NULL;
    if (gcm(1, key, raw, aad, (const unsigned char *)plain, (int)n, raw + NONCE_LEN,
            raw + NONCE_LEN + n) != 0)
        return NULL;
    size_t rawlen = NONCE_LEN + n + TAG_LEN;
    char *out = malloc(sizeof PREFIX + (rawlen + 2) / 3 * 4 + 1);
    if (!out)
        return NULL;
    memcpy(out, PREFIX, sizeof PREFIX - 1);
    acs_b64url_encode(raw, rawlen, out + sizeof PREFIX - 1);
    return out;
}

char *acs_secret_open(const unsigned char key[ACS_SECRET_KEY_LEN], const char *aad,
                      const char *sealed)
{
    unsigned char raw[NONCE_LEN + ACS_SECRET_PLAIN_MAX + TAG_LEN + 3];
    if (!sealed || strncmp(sealed, PREFIX, sizeof PREFIX - 1) != 0)
        return NULL;
    const char *b = sealed + sizeof PREFIX - 1;
    size_t blen = strlen(b);
    if (blen > (sizeof raw) * 4 / 3)
        return NULL;
    long rawlen = acs_b64url_decode(b, blen, raw);
    if (rawlen < NONCE_LEN + TAG_LEN)
        return NULL;
    int n = (int)rawlen - NONCE_LEN - TAG_LEN;
    char *plain = malloc((size_t)n + 1);
    if (!plain)
        return NULL;
    if (gcm(0, key, raw, aad, raw + NONCE_LEN, n, (unsigned char *)plain,
            raw + NONCE_LEN + n) != 0) {
        free(plain);
        return NULL;
    }
    plain[n] = '\0';
    if (memchr(plain, '\0', (size_t)n)) { /* a secret is text */
        free(plain);
        return NULL;
    }
    return plain;
}

int acs_secret_random_text(char *out, size_t n)
{
    static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    size_t i = 0;
    while (i < n) {
        unsigned char r[64];
        if (acs_random_bytes(r, sizeof r) != 0)
            return -1;
        /* 248 = 4 * 62: rejecting the rest keeps every character equally likely. */
        for (size_t k = 0; k < sizeof r && i < n; k++)
            if (r[k] < 248)
                out[i++] = alnum[r[k] % 62];
    }
    out[n] = '\0';
    return 0;
}
