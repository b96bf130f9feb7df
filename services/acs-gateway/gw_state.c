/* gw_state: see gw_state.h. Compact JSON keys keep the cookie small
 * (typically 300-450 bytes; some CPEs keep only 512). */
#include "gw_state.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gw_state_encode(const gw_state_t *st, const void *key, size_t keylen, acs_buf_t *out)
{
    json_t *j = json_pack("{s:s,s:s,s:i,s:I,s:I,s:I,s:I,s:i,s:i,s:i,s:i,s:i,s:i}", "s", st->sid,
                          "d", st->device, "n", st->ns_minor, "t0", (json_int_t)st->started_ms,
                          "t", (json_int_t)st->last_ms, "l", (json_int_t)st->lease_until_ms, "w",
                          (json_int_t)st->worker_deadline_ms, "wd", st->worker_done, "q",
                          st->queue_declared, "nc", st->nocookie, "r", st->rpcs, "f", st->faults,
                          "c", (int)st->seq);
    if (st->use_version[0])
        json_object_set_new(j, "v", json_string(st->use_version));
    if (st->cpe_requests)
        json_object_set_new(j, "cq", json_integer(st->cpe_requests));
    if (st->inflight) {
        json_t *i = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:i}", "id", st->rpc_id, "m",
                              st->rpc_method, "x", st->cwmp_id, "h", st->holder, "tg",
                              (json_int_t)st->tag, "g", (json_int_t)st->gen, "wk",
                              st->rpc_worker);
        if (st->reply_to[0])
            json_object_set_new(i, "rt", json_string(st->reply_to));
        if (st->correlation_id[0])
            json_object_set_new(i, "ci", json_string(st->correlation_id));
        /* Embedded as an object, not as an escaped string: smaller. */
        json_error_t e;
        json_t *cx = st->rpc_ctx[0] ? json_loads(st->rpc_ctx, 0, &e) : NULL;
        if (json_is_object(cx))
            json_object_set(i, "cx", cx);
        json_decref(cx);
        json_object_set_new(j, "i", i);
    }
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    size_t n = strlen(text);
    unsigned char mac[32];
    char *b = acs_xmalloc(n * 4 / 3 + 8);
    char m[48];
    size_t bl = acs_b64url_encode(text, n, b);
    acs_hmac_sha256(key, keylen, b, bl, mac);
    acs_b64url_encode(mac, sizeof mac, m);
    acs_buf_append(out, b, bl);
    acs_buf_puts(out, ".");
    acs_buf_puts(out, m);
    free(b);
    free(text);
}

static int copy_str(json_t *o, const char *k, char *dst, size_t n, int required)
{
    json_t *v = json_object_get(o, k);
    if (!v)
        return required ? -1 : 0;
    if (!json_is_string(v) || json_string_length(v) >= n)
        return -1;
    memcpy(dst, json_string_value(v), json_string_length(v) + 1);
    return 0;
}

static int64_t get_int(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static int decode_inflight(json_t *i, gw_state_t *st)
{
    if (copy_str(i, "id", st->rpc_id, sizeof st->rpc_id, 1) ||
        copy_str(i, "m", st->rpc_method, sizeof st->rpc_method, 1) ||
        copy_str(i, "x", st->cwmp_id, sizeof st->cwmp_id, 1) ||
        copy_str(i, "h", st->holder, sizeof st->holder, 1) ||
        copy_str(i, "rt", st->reply_to, sizeof st->reply_to, 0) ||
        copy_str(i, "ci", st->correlation_id, sizeof st->correlation_id, 0))
        return -1;
    st->tag = (uint64_t)get_int(i, "tg");
    st->gen = (uint64_t)get_int(i, "g");
    st->rpc_worker = (int)get_int(i, "wk");
    st->inflight = 1;
    json_t *cx = json_object_get(i, "cx");
    if (cx) {
        if (!json_is_object(cx))
            return -1;
        char *text = json_dumps(cx, JSON_COMPACT);
        size_t n = text ? strlen(text) : sizeof st->rpc_ctx;
        if (n < sizeof st->rpc_ctx)
            memcpy(st->rpc_ctx, text, n + 1);
        free(text);
        if (n >= sizeof st->rpc_ctx)
            return -1;
    }
    return 0;
}

static int decode_json(const char *text, size_t n, gw_state_t *st)
{
    json_error_t e;
    json_t *j = json_loadb(text, n, JSON_REJECT_DUPLICATES, &e);
    int rc = -1;
    if (!json_is_object(j))
        goto out;
    if (copy_str(j, "s", st->sid, sizeof st->sid, 1) ||
        copy_str(j, "d", st->device, sizeof st->device, 1) ||
        copy_str(j, "v", st->use_version, sizeof st->use_version, 0))
        goto out;
    st->ns_minor = (int)get_int(j, "n");
    st->started_ms = get_int(j, "t0");
    st->last_ms = get_int(j, "t");
    st->lease_until_ms = get_int(j, "l");
    st->worker_deadline_ms = get_int(j, "w");
    st->worker_done = (int)get_int(j, "wd");
    st->queue_declared = (int)get_int(j, "q");
    st->nocookie = (int)get_int(j, "nc");
    st->rpcs = (int)get_int(j, "r");
    st->faults = (int)get_int(j, "f");
    st->seq = (unsigned)get_int(j, "c");
    st->cpe_requests = (int)get_int(j, "cq");
    json_t *i = json_object_get(j, "i");
    if (i && (!json_is_object(i) || decode_inflight(i, st) != 0))
        goto out;
    rc = acs_device_id_valid(st->device) ? 0 : -1;
out:
    json_decref(j);
    return rc;
}

int gw_state_decode(const char *token, size_t len, const void *key, size_t keylen,
                    gw_state_t *st)
{
    unsigned char mac[32], want[32];
    char json[GW_STATE_MAX_TOKEN];
    memset(st, 0, sizeof *st);
    if (len == 0 || len >= GW_STATE_MAX_TOKEN)
        return -1;
    const char *dot = memchr(token, '.', len);
    if (!dot)
        return -1;
    size_t bl = (size_t)(dot - token), ml = len - bl - 1;
    if (ml != 43 || acs_b64url_decode(dot + 1, ml, mac) != 32)
        return -1;
    acs_hmac_sha256(key, keylen, token, bl, want);
    if (!acs_ct_equal(mac, want, sizeof mac))
        return -1;
    long n = acs_b64url_decode(token, bl, json);
    if (n <= 0 || decode_json(json, (size_t)n, st) != 0) {
        memset(st, 0, sizeof *st);
        return -1;
    }
    return 0;
}

const char *gw_state_find_cookie(const char *header, size_t *len)
{
    size_t nl = strlen(GW_COOKIE_NAME);
    const char *p = header;
    while (p && *p) {
        while (*p == ' ' || *p == '\t' || *p == ';' || *p == ',')
            p++;
        const char *end = p + strcspn(p, ";,");
        if ((size_t)(end - p) > nl && strncmp(p, GW_COOKIE_NAME, nl) == 0) {
            const char *v = p + nl;
            while (*v == ' ')
                v++;
            if (*v == '=') {
                v++;
                while (*v == ' ' || *v == '"')
                    v++;
                const char *e = end;
                while (e > v && (e[-1] == ' ' || e[-1] == '"'))
                    e--;
                *len = (size_t)(e - v);
                return v;
            }
        }
        p = end;
    }
    return NULL;
}
