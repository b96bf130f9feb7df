/* cwmp_build_vendor: vendor methods X_<vendor>_<Name> (see cwmp.h).
 *
 * The request element is cwmp:X_... and the params object becomes its
 * children, in order: a scalar member <name>text</name>, an object a nested
 * element, an array the element repeated once per item. params come from
 * workers, so the whole object is checked first, in one walk that stops as
 * soon as a bound is passed (a 10 MB object costs no more than 64 KiB of
 * it): member names XML names, no null, no array in an array, element
 * nesting at most VENDOR_MAX_DEPTH, at most VENDOR_MAX_JSON bytes as
 * compact JSON.
 */
#include "cwmp.h"
#include "cwmp_internal.h"

#include <stdio.h>
#include <string.h>

#define VENDOR_MAX_METHOD 64
#define VENDOR_MAX_DEPTH 8
#define VENDOR_MAX_JSON (64 * 1024)

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

int cwmp_vendor_method(const char *m)
{
    size_t n = strlen(m), vendor, rest;

    if (n > VENDOR_MAX_METHOD || strncmp(m, "X_", 2) != 0)
        return 0;
    vendor = strspn(m + 2, ALNUM);
    if (vendor == 0 || m[2 + vendor] != '_')
        return 0;
    rest = strspn(m + 3 + vendor, ALNUM "_");
    return rest > 0 && 3 + vendor + rest == n;
}

/* ^[A-Za-z_][A-Za-z0-9_.-]*$ */
static int xml_name_ok(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return 0;
    return strspn(s, ALNUM "_.-") == strlen(s);
}

typedef struct {
    const char *method;
    size_t size; /* compact JSON bytes counted so far */
    char *err;
    size_t errlen;
} walk_t;

/* Count n more bytes; -1 once over the bound. */
static int add(walk_t *w, size_t n)
{
    w->size += n;
    if (w->size <= VENDOR_MAX_JSON)
        return 0;
    cwmp_seterr(w->err, w->errlen, "%s: params larger than %d bytes as JSON", w->method,
                VENDOR_MAX_JSON);
    return -1;
}

/* A member name, printable, for a reason: s cut and its odd bytes as '?'. */
static void shown(const char *s, char out[33])
{
    size_t i;
    for (i = 0; s[i] && i < 32; i++)
        out[i] = s[i] > 0x20 && s[i] < 0x7f ? s[i] : '?';
    out[i] = '\0';
}

/* A JSON string's bytes as compact JSON (quotes and escapes). */
static size_t string_size(const char *s, size_t n)
{
    size_t size = n + 2;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t')
            size += 1;
        else if (c < 0x20)
            size += 5;
    }
    return size;
}

static int check_value(walk_t *w, const char *name, const json_t *v, int depth, int in_array);

static int check_object(walk_t *w, const json_t *obj, int depth)
{
    const char *key;
    const json_t *v;
    char s[33];

    if (add(w, 2) != 0)
        return -1;
    json_object_foreach((json_t *)obj, key, v)
    {
        if (add(w, string_size(key, strlen(key)) + 2) != 0)
            return -1;
        if (!xml_name_ok(key)) {
            shown(key, s);
            cwmp_seterr(w->err, w->errlen, "%s: member name '%s' is not an XML name", w->method, s);
            return -1;
        }
        if (depth + 1 > VENDOR_MAX_DEPTH) {
            cwmp_seterr(w->err, w->errlen, "%s: params nested deeper than %d", w->method,
                        VENDOR_MAX_DEPTH);
            return -1;
        }
        if (check_value(w, key, v, depth + 1, 0) != 0)
            return -1;
    }
    return 0;
}

/* v, the value of member name at element depth depth. */
static int check_value(walk_t *w, const char *name, const json_t *v, int depth, int in_array)
{
    size_t i, n;
    const json_t *item;

    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return check_object(w, v, depth);
    case JSON_ARRAY:
        if (in_array) {
            cwmp_seterr(w->err, w->errlen, "%s: %s: an array inside an array has no XML form",
                        w->method, name);
            return -1;
        }
        if (add(w, 2) != 0)
            return -1;
        json_array_foreach(v, i, item) if (add(w, 1) != 0 ||
                                           check_value(w, name, item, depth, 1) != 0) return -1;
        return 0;
    case JSON_STRING:
        n = json_string_length(v);
        if (add(w, n + 2) != 0 || add(w, string_size(json_string_value(v), n) - n - 2) != 0)
            return -1;
        if (strlen(json_string_value(v)) != n || !cwmp_xml_chars_ok(json_string_value(v), n)) {
            cwmp_seterr(w->err, w->errlen, "%s: %s holds a character XML cannot carry", w->method,
                        name);
            return -1;
        }
        return 0;
    case JSON_INTEGER:
    case JSON_REAL:
        return add(w, 24);
    case JSON_TRUE:
    case JSON_FALSE:
        return add(w, 5);
    default:
        cwmp_seterr(w->err, w->errlen, "%s: %s is null (no XML form)", w->method, name);
        return -1;
    }
}

static void put_member(acs_buf_t *b, const char *name, const json_t *v)
{
    const char *key;
    const json_t *m;
    size_t i;

    switch (json_typeof(v)) {
    case JSON_ARRAY:
        json_array_foreach(v, i, m) put_member(b, name, m);
        return;
    case JSON_OBJECT:
        acs_buf_printf(b, "<%s>", name);
        json_object_foreach((json_t *)v, key, m) put_member(b, key, m);
        acs_buf_printf(b, "</%s>", name);
        return;
    case JSON_STRING:
        cwmp_put_text(b, name, json_string_value(v));
        return;
    case JSON_INTEGER:
        acs_buf_printf(b, "<%s>%" JSON_INTEGER_FORMAT "</%s>", name, json_integer_value(v), name);
        return;
    case JSON_REAL:
        acs_buf_printf(b, "<%s>%.15g</%s>", name, json_real_value(v), name);
        return;
    default: /* booleans as 1/0 (quirk 8); null was refused */
        acs_buf_printf(b, "<%s>%d</%s>", name, json_is_true(v) ? 1 : 0, name);
        return;
    }
}

int cwmp_build_vendor(acs_buf_t *b, const char *method, const json_t *params, char *err,
                      size_t errlen)
{
    walk_t w = {method, 0, err, errlen};
    const char *key;
    const json_t *v;

    if (params && check_object(&w, params, 0) != 0)
        return -1;
    acs_buf_printf(b, "<cwmp:%s>", method);
    json_object_foreach((json_t *)params, key, v) put_member(b, key, v);
    acs_buf_printf(b, "</cwmp:%s>", method);
    return 0;
}
