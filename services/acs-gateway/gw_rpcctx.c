/* gw_rpcctx: see gw_rpcctx.h. */
#include "gw_rpcctx.h"

#include <stdio.h>
#include <string.h>

/* Bytes: rpc-methods.md bounds are in characters, at most 4 bytes each. */
#define KEY_MAX_BYTES (32 * 4)
#define FILE_TYPE_MAX_BYTES (64 * 4)
#define TEXT_MAX_BYTES (256 * 4)
/* A parameter name (256 characters) plus a final '.' and the NUL. */
#define NAME_BUF (256 * 4 + 2)
/* Longest name a repair may produce: the schema's 256 (bytes >= chars). */
#define NAME_MAX_OUT 256

static const char *const command_key_methods[] = {
    "Reboot",           "Download",       "Upload",        "ScheduleInform",
    "ScheduleDownload", "CancelTransfer", "ChangeDUState", NULL,
};

static int listed(const char *method, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(method, list[i]) == 0)
            return 1;
    return 0;
}

/* params[key] if it is a string of at most max bytes, else "". */
static const char *str_or_empty(const json_t *params, const char *key, size_t max)
{
    const json_t *v = json_object_get(params, key);
    return json_is_string(v) && json_string_length(v) <= max ? json_string_value(v) : "";
}

void gw_rpcctx_strip_url(const char *url, char *out, size_t n)
{
    const char *sep = strstr(url, "://");
    const char *auth = url;
    /* A scheme is letters, digits, '+', '-', '.' before "://"; otherwise
     * the "://" is inside a path or query and the URL has no scheme. */
    if (sep && sep > url &&
        strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    "0123456789+-.") == (size_t)(sep - url))
        auth = sep + 3;
    size_t alen = strcspn(auth, "/?#");
    const char *at = NULL;
    for (const char *p = auth; p < auth + alen; p++)
        if (*p == '@')
            at = p;
    snprintf(out, n, "%.*s%s", (int)(auth - url), url, at ? at + 1 : auth);
}

static json_t *transfer_of(const char *method, const json_t *params)
{
    char url[TEXT_MAX_BYTES + 1];
    const json_t *size = json_object_get(params, "file_size");
    json_t *t = json_object();
    gw_rpcctx_strip_url(str_or_empty(params, "url", TEXT_MAX_BYTES), url, sizeof url);
    json_object_set_new(t, "is_download", json_boolean(strcmp(method, "Upload") != 0));
    json_object_set_new(t, "file_type",
                        json_string(str_or_empty(params, "file_type", FILE_TYPE_MAX_BYTES)));
    json_object_set_new(t, "url", json_string(url));
    json_object_set_new(t, "file_size",
                        json_integer(json_is_integer(size) && json_integer_value(size) >= 0
                                         ? json_integer_value(size)
                                         : 0));
    json_object_set_new(t, "target_file_name",
                        json_string(str_or_empty(params, "target_file_name", TEXT_MAX_BYTES)));
    return t;
}

json_t *gw_rpcctx_new(const char *method, const json_t *params)
{
    json_t *ctx = json_object();
    if (!method)
        return ctx;
    if (!json_is_object(params))
        params = NULL;
    if (listed(method, command_key_methods))
        json_object_set_new(ctx, "command_key",
                            json_string(str_or_empty(params, "command_key", KEY_MAX_BYTES)));
    if (strcmp(method, "Download") == 0 || strcmp(method, "Upload") == 0 ||
        strcmp(method, "ScheduleDownload") == 0)
        json_object_set_new(ctx, "transfer", transfer_of(method, params));
    if (strcmp(method, "GetParameterNames") == 0) {
        json_object_set_new(ctx, "gpn",
                            json_pack("{s:s,s:b}", "path",
                                      str_or_empty(params, "path", TEXT_MAX_BYTES), "next_level",
                                      json_is_true(json_object_get(params, "next_level"))));
    }
    return ctx;
}

void gw_rpcctx_apply(json_t *result, const json_t *ctx)
{
    json_t *ck = json_object_get(ctx, "command_key");
    json_t *t = json_object_get(ctx, "transfer");
    if (json_is_string(ck))
        json_object_set(result, "command_key", ck);
    if (json_is_object(t))
        json_object_set(result, "transfer", t);
}

/* --- reading a member without parsing ------------------------------------ */

#define NOT_FOUND ((size_t)-1)

static size_t skip_space(const char *b, size_t i, size_t n)
{
    while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
        i++;
    return i;
}

/* b[i] is '"': the index after the closing quote, or NOT_FOUND. */
static size_t skip_string(const char *b, size_t i, size_t n)
{
    for (i++; i < n; i++) {
        if (b[i] == '\\')
            i++;
        else if (b[i] == '"')
            return i + 1;
    }
    return NOT_FOUND;
}

/* The index after the value at b[i], or NOT_FOUND. Nesting is only counted,
 * so depth costs nothing. */
static size_t skip_value(const char *b, size_t i, size_t n)
{
    size_t depth = 0;
    if (i >= n)
        return NOT_FOUND;
    if (b[i] != '{' && b[i] != '[') {
        if (b[i] == '"')
            return skip_string(b, i, n);
        while (i < n && b[i] && !strchr(",}] \t\r\n", b[i]))
            i++;
        return i;
    }
    while (i < n) {
        if (b[i] == '"') {
            i = skip_string(b, i, n);
            if (i == NOT_FOUND)
                return NOT_FOUND;
            continue;
        }
        if (b[i] == '{' || b[i] == '[')
            depth++;
        else if ((b[i] == '}' || b[i] == ']') && --depth == 0)
            return i + 1;
        i++;
    }
    return NOT_FOUND;
}

int gw_rpcctx_peek(const char *b, size_t len, const char *key, char *out, size_t n)
{
    size_t klen = strlen(key), i = skip_space(b, 0, len);
    if (i >= len || b[i] != '{')
        return -1;
    for (i = skip_space(b, i + 1, len); i < len && b[i] == '"';) {
        size_t kend = skip_string(b, i, len);
        if (kend == NOT_FOUND)
            return -1;
        int match = kend - i - 2 == klen && memcmp(b + i + 1, key, klen) == 0;
        i = skip_space(b, kend, len);
        if (i >= len || b[i] != ':')
            return -1;
        size_t v = skip_space(b, i + 1, len), vend = skip_value(b, v, len);
        if (vend == NOT_FOUND)
            return -1;
        if (match) {
            size_t vlen = vend - v - 2;
            if (b[v] != '"' || vlen >= n || memchr(b + v + 1, '\\', vlen) ||
                memchr(b + v + 1, '\0', vlen))
                return -1;
            memcpy(out, b + v + 1, vlen);
            out[vlen] = '\0';
            return 0;
        }
        i = skip_space(b, vend, len);
        if (i >= len || b[i] != ',')
            return -1;
        i = skip_space(b, i + 1, len);
    }
    return -1;
}

/* --- GetParameterNames (quirk 14) ------------------------------------------ */

/* 1 if name lies within the requested path: everything for the root, the
 * path and what is below it for an object path, the parameter itself (or
 * what is below it, should the path be an object given without its '.'). */
static int in_path(const char *name, const char *path, size_t plen)
{
    if (plen == 0)
        return 1;
    if (strncmp(name, path, plen) != 0)
        return 0;
    return path[plen - 1] == '.' || name[plen] == '\0' || name[plen] == '.';
}

/* Levels of name below an object path of plen bytes: "Radio." and
 * "Enable" are 1, "Radio.1." is 2, the path itself 0. */
static int levels_below(const char *name, size_t plen)
{
    const char *r = name + plen;
    size_t n = strlen(r);
    int lv = n > 0;
    if (n && r[n - 1] == '.')
        n--;
    for (size_t i = 0; i < n; i++)
        lv += r[i] == '.';
    return lv;
}

/* Record every object name above name ("A.B.C" -> "A.B.", "A.") in set,
 * bottom-up, stopping at one already there (its own were added then). */
static void add_ancestors(json_t *set, const char *name)
{
    char buf[NAME_BUF];
    size_t n = strlen(name);
    if (n >= sizeof buf)
        return;
    memcpy(buf, name, n + 1);
    if (n && buf[n - 1] == '.')
        n--;
    while (n > 0) {
        size_t i = n;
        while (i > 0 && buf[i - 1] != '.')
            i--;
        if (i == 0)
            return;
        char c = buf[i];
        buf[i] = '\0';
        int seen = json_object_get(set, buf) != NULL;
        if (!seen)
            json_object_set_new(set, buf, json_true());
        buf[i] = c;
        if (seen)
            return;
        n = i - 1;
    }
}

/* An object name sent without its final '.' gets it: when a name lies below
 * it, or it is the requested path. Returns 1 if it changed p. */
static int add_dot(json_t *p, const char *name, const json_t *above, const char *path)
{
    char buf[NAME_BUF];
    size_t n = strlen(name);
    if (n == 0 || name[n - 1] == '.' || n + 1 > NAME_MAX_OUT)
        return 0;
    memcpy(buf, name, n);
    buf[n] = '.';
    buf[n + 1] = '\0';
    if (!json_object_get(above, buf) && strcmp(buf, path) != 0)
        return 0;
    json_object_set_new(p, "name", json_string(buf));
    return 1;
}

static void append_object(json_t *out, json_t *have, const char *name, gw_gpn_fix_t *fx)
{
    json_array_append_new(out, json_pack("{s:s,s:b}", "name", name, "writable", 0));
    json_object_set_new(have, name, json_true());
    fx->parents++;
}

/* Add the missing objects between the path and name, top-down. */
static void fill_parents(json_t *out, json_t *have, const char *name, const char *path, size_t plen,
                         gw_gpn_fix_t *fx)
{
    char buf[NAME_BUF];
    size_t cut[NAME_BUF / 2], ncut = 0, n = strlen(name);
    if (n >= sizeof buf)
        return;
    memcpy(buf, name, n + 1);
    if (n && buf[n - 1] == '.')
        n--;
    /* Bottom-up to the first object that is there (or out of the path). */
    for (size_t i = n; i > 0; i--) {
        if (buf[i - 1] != '.')
            continue;
        char c = buf[i];
        buf[i] = '\0';
        int stop = json_object_get(have, buf) || !in_path(buf, path, plen);
        buf[i] = c;
        if (stop)
            break;
        cut[ncut++] = i;
    }
    while (ncut > 0) {
        size_t i = cut[--ncut];
        char c = buf[i];
        buf[i] = '\0';
        append_object(out, have, buf, fx);
        buf[i] = c;
    }
}

/* With next_level, a name deeper than the next level stands for the object
 * it lies in one level below the path: add that one if missing. */
static void add_next_level(json_t *out, json_t *have, const char *name, size_t plen,
                           gw_gpn_fix_t *fx)
{
    char buf[NAME_BUF];
    const char *dot = strchr(name + plen, '.');
    size_t n = dot ? (size_t)(dot - name) + 1 : 0;
    if (n == 0 || n >= sizeof buf)
        return;
    memcpy(buf, name, n);
    buf[n] = '\0';
    if (!json_object_get(have, buf))
        append_object(out, have, buf, fx);
}

/* The names kept, after the dots are added: in the path, once each. */
static json_t *keep_in_path(json_t *list, const char *path, json_t *have, gw_gpn_fix_t *fx)
{
    json_t *above = json_object(), *kept = json_array(), *p;
    size_t i, plen = strlen(path);
    json_array_foreach(list, i, p)
    {
        const char *name = json_string_value(json_object_get(p, "name"));
        if (name)
            add_ancestors(above, name);
    }
    json_array_foreach(list, i, p)
    {
        const char *name = json_string_value(json_object_get(p, "name"));
        if (name && add_dot(p, name, above, path)) {
            fx->dots++;
            name = json_string_value(json_object_get(p, "name"));
        }
        if (!name || !in_path(name, path, plen) || json_object_get(have, name)) {
            fx->dropped++;
            continue;
        }
        json_object_set_new(have, name, json_true());
        json_array_append(kept, p);
    }
    json_decref(above);
    return kept;
}

void gw_rpcctx_fix_gpn(json_t *body, const char *path, int next_level, gw_gpn_fix_t *fx)
{
    json_t *list = json_object_get(body, "parameters"), *p;
    size_t i, plen = strlen(path);
    int object_path = plen == 0 || path[plen - 1] == '.';
    memset(fx, 0, sizeof *fx);
    if (!json_is_array(list))
        return;
    json_t *have = json_object(), *out = json_array();
    json_t *kept = keep_in_path(list, path, have, fx);
    json_array_foreach(kept, i, p)
    {
        const char *name = json_string_value(json_object_get(p, "name"));
        if (next_level && object_path && levels_below(name, plen) > 1) {
            /* Not asked for: it only tells which object exists. It stays
             * in have, so a copy of it is not counted twice. */
            add_next_level(out, have, name, plen, fx);
            fx->dropped++;
            continue;
        }
        if (!next_level)
            fill_parents(out, have, name, path, plen, fx);
        json_array_append(out, p);
    }
    json_object_set_new(body, "parameters", out);
    json_decref(kept);
    json_decref(have);
}
