/* acs_http_auth: see acs_http_auth.h.
 *
 * One small tokenizer serves both header kinds: an auth-scheme, then a list
 * of name=value directives (RFC 7235 auth-param). Every value is copied into
 * a bounded field as it is read, so nothing here allocates and no input
 * length can overrun a buffer: an over-long value is a parse error.
 */
#include "acs_http_auth.h"
#include "acs_log.h"
#include "acs_util.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Where one directive's value goes when its name matches (any case). */
typedef struct {
    const char *name;
    char *dst;
    size_t cap;
} slot_t;

/* A bounded string builder: never writes past cap, remembers overflow. */
typedef struct {
    char *p;
    size_t cap, len;
    int over;
} out_t;

static const char b64std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* ---- tokenizer ---------------------------------------------------------- */

/* RFC 7230 tchar: the characters of a directive name or a scheme. */
static int is_tchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return 1;
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int is_ctl(unsigned char c)
{
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

static const char *skip_ows(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Read a quoted-string (backslash escapes) or a bare value at p into v (cap
 * bytes with the NUL). Bare values are read leniently up to a comma or
 * blank, since some CPEs leave uri= or nc= unquoted. Returns the position
 * after the value, or NULL when unterminated, too long or holding a control
 * character. */
static const char *read_value(const char *p, char *v, size_t cap)
{
    size_t n = 0;

    if (*p != '"') {
        while (*p && *p != ',' && *p != ' ' && *p != '\t' && *p != '"') {
            if (is_ctl((unsigned char)*p) || n + 1 >= cap)
                return NULL;
            v[n++] = *p++;
        }
        v[n] = '\0';
        return n ? p : NULL;
    }
    for (p++; *p != '"'; p++) {
        if (*p == '\\')
            p++;
        if (*p == '\0' || is_ctl((unsigned char)*p) || n + 1 >= cap)
            return NULL;
        v[n++] = *p;
    }
    v[n] = '\0';
    return p + 1;
}

/* Copy val into the slot named name; unknown names are ignored, a repeated
 * known name is refused (two "response" values would let a proxy and the
 * gateway disagree on what was checked). */
static int store(slot_t *slots, size_t nslots, unsigned *seen, const char *name, const char *val)
{
    for (size_t i = 0; i < nslots; i++) {
        if (strcasecmp(name, slots[i].name) != 0)
            continue;
        if ((*seen & (1u << i)) || strlen(val) >= slots[i].cap)
            return -1;
        *seen |= 1u << i;
        strcpy(slots[i].dst, val);
        return 0;
    }
    return 0;
}

/* Parse "name=value, name=value ..." from p to the end of the string. Empty
 * list elements (",,") are allowed as RFC 7230 section 7 asks. Returns 0 or
 * -1; *seen gets one bit per slot filled. */
static int parse_params(const char *p, slot_t *slots, size_t nslots, unsigned *seen)
{
    char name[ACS_AUTH_FIELD], val[ACS_AUTH_FIELD];

    *seen = 0;
    for (;;) {
        size_t n = 0;
        p = skip_ows(p);
        while (*p == ',')
            p = skip_ows(p + 1);
        if (*p == '\0')
            return 0;
        while (is_tchar((unsigned char)*p)) {
            if (n + 1 >= sizeof name)
                return -1;
            name[n++] = *p++;
        }
        name[n] = '\0';
        p = skip_ows(p);
        if (n == 0 || *p != '=')
            return -1;
        p = read_value(skip_ows(p + 1), val, sizeof val);
        if (!p || store(slots, nslots, seen, name, val) != 0)
            return -1;
        p = skip_ows(p);
        if (*p != ',' && *p != '\0')
            return -1;
    }
}

/* Read the auth-scheme at the start of header. Returns the position after
 * it (at the blank or the end), or NULL when the header is too long or does
 * not start with a known scheme. */
static const char *read_scheme(const char *header, acs_auth_scheme_t *scheme)
{
    const char *p, *start;
    size_t n;

    if (!header || strnlen(header, ACS_AUTH_MAX_HEADER + 1) > ACS_AUTH_MAX_HEADER)
        return NULL;
    start = skip_ows(header);
    for (p = start; is_tchar((unsigned char)*p);)
        p++;
    n = (size_t)(p - start);
    if (*p != '\0' && *p != ' ' && *p != '\t')
        return NULL;
    if (n == 5 && strncasecmp(start, "Basic", 5) == 0)
        *scheme = ACS_AUTH_BASIC;
    else if (n == 6 && strncasecmp(start, "Digest", 6) == 0)
        *scheme = ACS_AUTH_DIGEST;
    else
        return NULL;
    return p;
}

/* ---- Basic -------------------------------------------------------------- */

static int b64val(char c)
{
    const char *p = c ? strchr(b64std, c) : NULL;
    return p ? (int)(p - b64std) : -1;
}

/* Strict standard base64 with padding: length a multiple of 4, '=' only at
 * the end, unused bits zero. Returns the decoded length or -1. */
static long b64_decode(const char *in, size_t len, unsigned char *out, size_t cap)
{
    size_t o = 0;

    if (len == 0 || len % 4 != 0)
        return -1;
    for (size_t i = 0; i < len; i += 4) {
        unsigned w = 0;
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            int v = 0;
            if (in[i + k] == '=') {
                if (i + 4 != len || k < 2)
                    return -1;
                pad++;
            } else if (pad || (v = b64val(in[i + k])) < 0) {
                return -1;
            }
            w = w << 6 | (unsigned)v;
        }
        if ((pad == 1 && (w & 0xff)) || (pad == 2 && (w & 0xffff)) || o + 3 - pad > cap)
            return -1;
        out[o++] = (unsigned char)(w >> 16);
        if (pad < 2)
            out[o++] = (unsigned char)(w >> 8);
        if (pad < 1)
            out[o++] = (unsigned char)w;
    }
    return (long)o;
}

static size_t b64_encode(const unsigned char *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned w = (unsigned)in[i] << 16;
        if (i + 1 < n)
            w |= (unsigned)in[i + 1] << 8;
        if (i + 2 < n)
            w |= in[i + 2];
        out[o++] = b64std[w >> 18];
        out[o++] = b64std[(w >> 12) & 63];
        out[o++] = i + 1 < n ? b64std[(w >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? b64std[w & 63] : '=';
    }
    out[o] = '\0';
    return o;
}

/* "Basic <token68>": user-id and password split at the first colon (so a
 * password may hold colons, a user-id may not). */
static int parse_basic(const char *p, acs_auth_t *out)
{
    unsigned char dec[2 * ACS_AUTH_FIELD];
    const char *end;
    unsigned char *colon;
    long n;
    int rc = -1;

    p = skip_ows(p);
    for (end = p; *end && *end != ' ' && *end != '\t';)
        end++;
    if (*skip_ows(end) != '\0')
        goto out;
    n = b64_decode(p, (size_t)(end - p), dec, sizeof dec);
    if (n < 0 || memchr(dec, '\0', (size_t)n))
        goto out;
    colon = memchr(dec, ':', (size_t)n);
    if (!colon || colon - dec >= ACS_AUTH_FIELD || dec + n - colon - 1 >= ACS_AUTH_FIELD)
        goto out;
    for (unsigned char *u = dec; u < colon; u++)
        if (is_ctl(*u))
            goto out;
    memcpy(out->username, dec, (size_t)(colon - dec));
    memcpy(out->password, colon + 1, (size_t)(dec + n - colon - 1));
    rc = 0;
out:
    OPENSSL_cleanse(dec, sizeof dec);
    return rc;
}

/* ---- Digest ------------------------------------------------------------- */

static int parse_digest(const char *p, acs_auth_t *a)
{
    slot_t s[] = {
        {"username", a->username, sizeof a->username}, /* bit 0 */
        {"realm", a->realm, sizeof a->realm},          /* bit 1 */
        {"nonce", a->nonce, sizeof a->nonce},          /* bit 2 */
        {"uri", a->uri, sizeof a->uri},                /* bit 3 */
        {"response", a->response, sizeof a->response}, /* bit 4 */
        {"qop", a->qop, sizeof a->qop},
        {"nc", a->nc, sizeof a->nc},
        {"cnonce", a->cnonce, sizeof a->cnonce},
        {"opaque", a->opaque, sizeof a->opaque},
        {"algorithm", a->algorithm, sizeof a->algorithm},
    };
    const unsigned required = 0x1f; /* RFC 2617 3.2.2: always sent */
    unsigned seen;

    if (parse_params(p, s, sizeof s / sizeof s[0], &seen) != 0)
        return -1;
    return (seen & required) == required ? 0 : -1;
}

int acs_auth_parse(const char *header, acs_auth_t *out)
{
    acs_auth_scheme_t scheme = ACS_AUTH_NONE;
    const char *p = read_scheme(header, &scheme);
    int rc;

    memset(out, 0, sizeof *out);
    if (!p)
        return -1;
    out->scheme = scheme;
    rc = scheme == ACS_AUTH_BASIC ? parse_basic(p, out) : parse_digest(p, out);
    if (rc != 0) {
        OPENSSL_cleanse(out, sizeof *out);
        out->scheme = ACS_AUTH_NONE;
    }
    return rc;
}

/* hex(MD5(parts joined by ':')) into out[33]; out is "" if the digest is
 * unavailable (a FIPS-only provider), which then never verifies. */
static void md5_join_hex(const char *const *parts, size_t nparts, char out[33])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1;

    for (size_t i = 0; ok && i < nparts; i++) {
        const char *s = parts[i] ? parts[i] : "";
        if (i > 0)
            ok = EVP_DigestUpdate(ctx, ":", 1) == 1;
        ok = ok && EVP_DigestUpdate(ctx, s, strlen(s)) == 1;
    }
    ok = ok && EVP_DigestFinal_ex(ctx, md, &len) == 1 && len == 16;
    EVP_MD_CTX_free(ctx);
    if (!ok) {
        acs_error("http_auth: MD5 is not available from OpenSSL");
        memset(out, 0, 33);
        return;
    }
    acs_hex(md, 16, out);
}

void acs_digest_ha1(const char *username, const char *realm, const char *password, char out[33])
{
    const char *parts[] = {username, realm, password};
    md5_join_hex(parts, 3, out);
}

void acs_digest_response(const char *ha1, const acs_auth_t *a, const char *method, const void *body,
                         size_t body_len, char out[33])
{
    char ha2[33], hbody[33];
    const char *p2[] = {method, a->uri, hbody};
    size_t n2 = 2;

    if (strcasecmp(a->qop, "auth-int") == 0) {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned len = 0;
        static const char empty[1];
        if (EVP_Digest(body_len ? body : empty, body_len, md, &len, EVP_md5(), NULL) != 1 ||
            len != 16) {
            memset(out, 0, 33);
            return;
        }
        acs_hex(md, 16, hbody);
        n2 = 3;
    }
    md5_join_hex(p2, n2, ha2);
    if (a->qop[0]) {
        const char *p[] = {ha1, a->nonce, a->nc, a->cnonce, a->qop, ha2};
        md5_join_hex(p, 6, out);
    } else {
        const char *p[] = {ha1, a->nonce, ha2}; /* RFC 2069 */
        md5_join_hex(p, 3, out);
    }
}

/* nc is exactly 8 hex digits (RFC 2617 3.2.2). */
static int nc_valid(const char *nc)
{
    unsigned char tmp[4];
    return strlen(nc) == 8 && acs_unhex(nc, 8, tmp, 4) == 0;
}

int acs_digest_verify(const char *ha1, const acs_auth_t *a, const char *method, const void *body,
                      size_t body_len)
{
    char want[33] = {0}, got[33];

    if (!ha1 || !a || !method || a->scheme != ACS_AUTH_DIGEST || strlen(ha1) != 32)
        return -1;
    if (a->algorithm[0] && strcasecmp(a->algorithm, "MD5") != 0)
        return -1;
    if (strcasecmp(a->qop, "auth") != 0 && strcasecmp(a->qop, "auth-int") != 0)
        return -1;
    if (!nc_valid(a->nc) || a->cnonce[0] == '\0' || strlen(a->response) != 32)
        return -1;
    for (int i = 0; i < 33; i++) /* hex digits in either case */
        got[i] = (a->response[i] >= 'A' && a->response[i] <= 'F') ? (char)(a->response[i] + 32)
                                                                  : a->response[i];
    acs_digest_response(ha1, a, method, body, body_len, want);
    if (strlen(want) != 32)
        return -1;
    return acs_ct_equal(want, got, 32) ? 0 : -1;
}

/* ---- nonces ------------------------------------------------------------- */

void acs_digest_nonce_make(const void *key, size_t keylen, int64_t now_s, char *out)
{
    unsigned char mac[32];
    int n = snprintf(out, ACS_NONCE_LEN, "%llx", (unsigned long long)now_s);

    acs_hmac_sha256(key, keylen, out, (size_t)n, mac);
    out[n] = '.';
    acs_b64url_encode(mac, 16, out + n + 1);
}

int acs_digest_nonce_check(const void *key, size_t keylen, const char *nonce, int64_t now_s,
                           int64_t max_age_s)
{
    char want[ACS_NONCE_LEN];
    const char *dot;
    uint64_t t = 0;
    size_t len;

    if (!nonce || (len = strnlen(nonce, ACS_NONCE_LEN)) >= ACS_NONCE_LEN)
        return -1;
    dot = memchr(nonce, '.', len);
    if (!dot || dot == nonce || dot - nonce > 15)
        return -1;
    for (const char *p = nonce; p < dot; p++) {
        unsigned char v;
        char pair[2] = {'0', *p};
        if (acs_unhex(pair, 2, &v, 1) != 0)
            return -1;
        t = t << 4 | v;
    }
    /* 15 hex digits keep t far below INT64_MAX; the MAC below then proves
     * the text (and so the time) is one we issued, leading zeros and
     * upper-case digits included, since we never write those. */
    if ((int64_t)t > now_s + 5 || now_s - (int64_t)t > max_age_s)
        return -1;
    acs_digest_nonce_make(key, keylen, (int64_t)t, want);
    if (strlen(want) != len)
        return -1;
    return acs_ct_equal(want, nonce, len) ? 0 : -1;
}

/* ---- building headers --------------------------------------------------- */

static void out_put(out_t *o, const char *s)
{
    for (; *s; s++) {
        if (o->len + 1 < o->cap)
            o->p[o->len] = *s;
        else
            o->over = 1;
        o->len++;
    }
}

/* s as a quoted-string: quote and backslash escaped. */
static void out_quoted(out_t *o, const char *s)
{
    char c[3] = {0};
    out_put(o, "\"");
    for (; *s; s++) {
        c[0] = *s == '"' || *s == '\\' ? '\\' : *s;
        c[1] = c[0] == '\\' ? *s : '\0';
        out_put(o, c);
    }
    out_put(o, "\"");
}

/* NUL-terminate; on overflow leave "" rather than a truncated header.
 * Returns 0 or -1. */
static int out_end(out_t *o)
{
    if (o->cap == 0)
        return -1;
    if (o->over) {
        o->p[0] = '\0';
        return -1;
    }
    o->p[o->len] = '\0';
    return 0;
}

void acs_digest_challenge(const char *realm, const char *nonce, const char *opaque, char *out,
                          size_t n)
{
    out_t o = {out, n, 0, 0};

    out_put(&o, "Digest realm=");
    out_quoted(&o, realm ? realm : "");
    out_put(&o, ", qop=\"auth,auth-int\", nonce=");
    out_quoted(&o, nonce ? nonce : "");
    if (opaque) {
        out_put(&o, ", opaque=");
        out_quoted(&o, opaque);
    }
    out_put(&o, ", algorithm=MD5");
    (void)out_end(&o);
}

int acs_challenge_parse(const char *header, acs_challenge_t *out)
{
    char stale[8] = "";
    slot_t s[] = {
        {"realm", out->realm, sizeof out->realm}, /* bit 0 */
        {"nonce", out->nonce, sizeof out->nonce}, /* bit 1 */
        {"opaque", out->opaque, sizeof out->opaque},
        {"qop", out->qop, sizeof out->qop},
        {"algorithm", out->algorithm, sizeof out->algorithm},
        {"stale", stale, sizeof stale},
    };
    acs_auth_scheme_t scheme = ACS_AUTH_NONE;
    const char *p;
    unsigned seen;

    memset(out, 0, sizeof *out);
    p = read_scheme(header, &scheme);
    if (!p || parse_params(p, s, sizeof s / sizeof s[0], &seen) != 0)
        goto fail;
    if (scheme == ACS_AUTH_DIGEST && (seen & 3) != 3)
        goto fail;
    out->scheme = scheme;
    out->stale = strcasecmp(stale, "true") == 0;
    return 0;
fail:
    memset(out, 0, sizeof *out);
    return -1;
}

/* 1 if the comma-separated list (blanks allowed) holds token, any case. */
static int list_has(const char *list, const char *token)
{
    size_t tl = strlen(token);
    const char *p = list;

    while (*p) {
        const char *end;
        p = skip_ows(p);
        end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        size_t n = (size_t)(end - p);
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n == tl && strncasecmp(p, token, tl) == 0)
            return 1;
        p = *end ? end + 1 : end;
    }
    return 0;
}

static int copy_field(char *dst, size_t cap, const char *src)
{
    if (strlen(src) >= cap)
        return -1;
    strcpy(dst, src);
    return 0;
}

/* Write the Authorization value for a filled-in Digest answer. */
static int write_digest(const acs_auth_t *a, char *out, size_t n)
{
    out_t o = {out, n, 0, 0};

    out_put(&o, "Digest username=");
    out_quoted(&o, a->username);
    out_put(&o, ", realm=");
    out_quoted(&o, a->realm);
    out_put(&o, ", nonce=");
    out_quoted(&o, a->nonce);
    out_put(&o, ", uri=");
    out_quoted(&o, a->uri);
    out_put(&o, ", algorithm=MD5, response=");
    out_quoted(&o, a->response);
    if (a->opaque[0]) {
        out_put(&o, ", opaque=");
        out_quoted(&o, a->opaque);
    }
    if (a->qop[0]) {
        out_put(&o, ", qop=auth, nc=");
        out_put(&o, a->nc);
        out_put(&o, ", cnonce=");
        out_quoted(&o, a->cnonce);
    }
    return out_end(&o);
}

int acs_digest_authorization(const acs_challenge_t *c, const char *username, const char *password,
                             const char *method, const char *uri, unsigned nc, char *out, size_t n)
{
    acs_auth_t a;
    char ha1[33] = {0};
    unsigned char rnd[8];
    int rc = -1;

    memset(&a, 0, sizeof a);
    if (n > 0)
        out[0] = '\0';
    if (!c || c->scheme != ACS_AUTH_DIGEST || !username || !password || !method || !uri)
        goto out;
    if (c->algorithm[0] && strcasecmp(c->algorithm, "MD5") != 0)
        goto out;
    if (copy_field(a.username, sizeof a.username, username) != 0 ||
        copy_field(a.uri, sizeof a.uri, uri) != 0)
        goto out;
    a.scheme = ACS_AUTH_DIGEST;
    strcpy(a.realm, c->realm);
    strcpy(a.nonce, c->nonce);
    strcpy(a.opaque, c->opaque);
    if (list_has(c->qop, "auth")) {
        if (acs_random_bytes(rnd, sizeof rnd) != 0)
            goto out;
        acs_hex(rnd, sizeof rnd, a.cnonce);
        snprintf(a.nc, sizeof a.nc, "%08x", nc);
        strcpy(a.qop, "auth");
    } else if (c->qop[0]) {
        goto out; /* only auth-int offered: we have no body to hash */
    }
    acs_digest_ha1(username, c->realm, password, ha1);
    acs_digest_response(ha1, &a, method, NULL, 0, a.response);
    rc = a.response[0] ? write_digest(&a, out, n) : -1;
out:
    OPENSSL_cleanse(ha1, sizeof ha1);
    return rc;
}

int acs_basic_authorization(const char *username, const char *password, char *out, size_t n)
{
    unsigned char cred[2 * ACS_AUTH_FIELD];
    size_t ul, pl;
    int rc = -1;

    if (n > 0)
        out[0] = '\0';
    if (!username || !password || strchr(username, ':'))
        goto out;
    ul = strlen(username);
    pl = strlen(password);
    if (ul >= ACS_AUTH_FIELD || pl >= ACS_AUTH_FIELD || 6 + (ul + pl + 3) / 3 * 4 + 1 > n)
        goto out;
    memcpy(cred, username, ul);
    cred[ul] = ':';
    memcpy(cred + ul + 1, password, pl);
    memcpy(out, "Basic ", 6);
    b64_encode(cred, ul + 1 + pl, out + 6);
    rc = 0;
out:
    OPENSSL_cleanse(cred, sizeof cred);
    return rc;
}
