/* acs_util: see acs_util.h. */
#include "acs_util.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t acs_now_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t acs_now_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *acs_iso8601(int64_t wall_ms, char *buf)
{
    time_t secs = (time_t)(wall_ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    size_t n = strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, 32 - n, ".%03dZ", (int)(wall_ms % 1000));
    return buf;
}

int acs_random_bytes(void *buf, size_t n)
{
    return RAND_bytes(buf, (int)n) == 1 ? 0 : -1;
}

void acs_uuid(char buf[37])
{
    unsigned char b[16];
    if (acs_random_bytes(b, sizeof b) != 0) {
        /* RAND_bytes only fails when unseeded, which Linux never is; keep
         * going with a time-based value rather than abort a session. */
        int64_t t = acs_now_wall_ms() ^ (acs_now_mono_ms() << 20);
        memcpy(b, &t, sizeof t);
        memcpy(b + 8, &t, sizeof t);
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(buf, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
             b[13], b[14], b[15]);
}

void acs_hex(const void *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    const unsigned char *p = in;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int acs_unhex(const char *in, size_t inlen, void *out, size_t n)
{
    unsigned char *o = out;
    if (inlen != 2 * n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(in[2 * i]), lo = hexval(in[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        o[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

int acs_ct_equal(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    unsigned char d = 0;
    for (size_t i = 0; i < n; i++)
        d |= x[i] ^ y[i];
    return d == 0;
}

void acs_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
                     unsigned char out[32])
{
    unsigned int len = 32;
    HMAC(EVP_sha256(), key, (int)keylen, msg, msglen, out, &len);
}

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t acs_b64url_encode(const void *in, size_t n, char *out)
{
    const unsigned char *p = in;
    size_t o = 0, i = 0;
    for (; i + 2 < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
        out[o++] = b64url[v >> 18];
        out[o++] = b64url[(v >> 12) & 63];
        out[o++] = b64url[(v >> 6) & 63];
        out[o++] = b64url[v & 63];
    }
    if (n - i == 1) {
        unsigned v = (unsigned)p[i] << 16;
        out[o++] = b64url[v >> 18];
        out[o++] = b64url[(v >> 12) & 63];
    } else if (n - i == 2) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
        out[o++] = b64url[v >> 18];
        out[o++] = b64url[(v >> 12) & 63];
        out[o++] = b64url[(v >> 6) & 63];
    }
    out[o] = '\0';
    return o;
}

static int b64val(char c)
{
    const char *p = c ? strchr(b64url, c) : NULL;
    return p ? (int)(p - b64url) : -1;
}

long acs_b64url_decode(const char *in, size_t inlen, void *out)
{
    unsigned char *o = out;
    size_t n = 0;
    unsigned acc = 0;
    int bits = 0;
    if (inlen % 4 == 1)
        return -1;
    for (size_t i = 0; i < inlen; i++) {
        int v = b64val(in[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            o[n++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    return (long)n;
}

static int is_plain(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* Append one escaped part; returns the new position or -1 on overflow. */
static long put_part(const char *s, char *out, size_t pos, size_t outlen)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char tmp[4];
        int n;
        if (is_plain(*p)) {
            tmp[0] = (char)*p;
            n = 1;
        } else {
            n = snprintf(tmp, sizeof tmp, "%%%X", *p);
        }
        if (pos + (size_t)n >= outlen)
            return -1;
        memcpy(out + pos, tmp, (size_t)n);
        pos += (size_t)n;
    }
    return (long)pos;
}

int acs_device_id(const char *oui, const char *product_class, const char *serial, char *out,
                  size_t outlen)
{
    long pos;
    if (!oui || !*oui || !serial || !*serial || outlen == 0)
        return -1;
    pos = put_part(oui, out, 0, outlen);
    if (pos < 0 || (size_t)pos + 1 >= outlen)
        return -1;
    out[pos++] = '-';
    if (product_class && *product_class) {
        pos = put_part(product_class, out, (size_t)pos, outlen);
        if (pos < 0 || (size_t)pos + 1 >= outlen)
            return -1;
        out[pos++] = '-';
    }
    pos = put_part(serial, out, (size_t)pos, outlen);
    if (pos < 0 || pos > ACS_DEVICE_ID_LIMIT)
        return -1;
    out[pos] = '\0';
    return 0;
}

int acs_device_id_valid(const char *s)
{
    size_t n = 0;
    if (!s || !*s)
        return 0;
    for (; s[n]; n++) {
        unsigned char c = (unsigned char)s[n];
        if (!is_plain(c) && c != '%' && c != '-')
            return 0;
        if (n >= ACS_DEVICE_ID_LIMIT)
            return 0;
    }
    return 1;
}
