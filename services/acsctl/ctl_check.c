/* ctl_check: see ctl_check.h. */
#include "ctl_check.h"

#include "cwmp.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---- names ---------------------------------------------------------------- */

/* Length of the last part of a path ending in '.', and where it starts. */
static const char *last_part(const char *name, size_t len, size_t *plen)
{
    size_t end = len - 1, start = end;
    while (start > 0 && name[start - 1] != '.')
        start--;
    *plen = end - start;
    return name + start;
}

static int all_digits(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int check_shape(const char *name, size_t len, ctl_name_kind_t kind, char *err, size_t errlen)
{
    int object = name[len - 1] == '.';
    size_t plen;
    const char *part;

    switch (kind) {
    case CTL_NAME_ANY:
        return 0;
    case CTL_NAME_PARAM:
        if (!object)
            return 0;
        seterr(err, errlen, "'%.256s' is an object path (it ends in '.'): give a parameter name",
               name);
        return -1;
    case CTL_NAME_TABLE:
    case CTL_NAME_INSTANCE:
        if (!object) {
            seterr(err, errlen, "'%.256s' is not an object path: objects end in '.'", name);
            return -1;
        }
        part = last_part(name, len, &plen);
        if (kind == CTL_NAME_TABLE && all_digits(part, plen)) {
            seterr(
                err, errlen,
                "'%.256s' is an instance: add takes the table path (e.g. Device.NAT.PortMapping.)",
                name);
            return -1;
        }
        if (kind == CTL_NAME_INSTANCE && !all_digits(part, plen) &&
            !(plen > 2 && part[0] == '[' && part[plen - 1] == ']')) {
            seterr(err, errlen,
                   "'%.256s' is not an instance: delete takes OBJECT.N. (e.g. "
                   "Device.NAT.PortMapping.2.)",
                   name);
            return -1;
        }
        return 0;
    }
    return -1;
}

int ctl_check_name(const char *name, ctl_name_kind_t kind, char *err, size_t errlen)
{
    size_t len = name ? strlen(name) : 0;

    if (len == 0) {
        if (kind == CTL_NAME_ANY)
            return 0;
        seterr(err, errlen, "empty parameter name");
        return -1;
    }
    if (len > CTL_NAME_MAX) {
        seterr(err, errlen, "parameter name '%.40s...' is %zu characters long (at most %d)", name,
               len, CTL_NAME_MAX);
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c <= ' ' || c >= 0x7f) {
            seterr(err, errlen,
                   "parameter name '%.256s' contains a space or a control or non-ASCII character",
                   name);
            return -1;
        }
    }
    if (name[0] == '.' || strstr(name, "..")) {
        seterr(err, errlen, "parameter name '%.256s' has an empty part", name);
        return -1;
    }
    return check_shape(name, len, kind, err, errlen);
}

/* ---- typed values --------------------------------------------------------- */

static const char *const value_types[] = {
    "string",   "int",    "unsignedInt",  "long",      "unsignedLong", "boolean",
    "dateTime", "base64", "base64Binary", "hexBinary", "decimal",      NULL,
};

const char *ctl_value_type(const char *t)
{
    if (!t)
        return NULL;
    if (strncmp(t, "xsd:", 4) == 0)
        t += 4;
    for (size_t i = 0; value_types[i]; i++)
        if (strcmp(t, value_types[i]) == 0)
            return value_types[i];
    return NULL;
}

/* An integer of type in [min, max] (signed) or [0, umax] (unsigned). */
static int integer_fits(const char *type, const char *s)
{
    char *end;
    errno = 0;
    if (strncmp(type, "unsigned", 8) == 0) {
        if (*s < '0' || *s > '9')
            return 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno || *end)
            return 0;
        return strcmp(type, "unsignedInt") == 0 ? v <= 4294967295ULL : 1;
    }
    if (!((*s >= '0' && *s <= '9') || (*s == '-' && s[1] >= '0' && s[1] <= '9')))
        return 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end)
        return 0;
    return strcmp(type, "int") == 0 ? (v >= -2147483648LL && v <= 2147483647LL) : 1;
}

static int num2(const char *s, int lo, int hi)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return 0;
    int v = (s[0] - '0') * 10 + (s[1] - '0');
    return v >= lo && v <= hi;
}

/* YYYY-MM-DDTHH:MM:SS[.fff][Z|+HH:MM|-HH:MM] */
static int datetime_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 19 || !all_digits(s, 4) || s[4] != '-' || !num2(s + 5, 1, 12) || s[7] != '-' ||
        !num2(s + 8, 1, 31) || s[10] != 'T' || !num2(s + 11, 0, 23) || s[13] != ':' ||
        !num2(s + 14, 0, 59) || s[16] != ':' || !num2(s + 17, 0, 60))
        return 0;
    s += 19;
    if (*s == '.') {
        size_t d = strspn(s + 1, "0123456789");
        if (d == 0)
            return 0;
        s += 1 + d;
    }
    if (*s == 'Z')
        return s[1] == '\0';
    if (*s == '+' || *s == '-')
        return num2(s + 1, 0, 23) && s[3] == ':' && num2(s + 4, 0, 59) && s[6] == '\0';
    return *s == '\0';
}

static int base64_ok(const char *s)
{
    size_t n = strlen(s), body = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                           "0123456789+/");
    size_t pad = strspn(s + body, "=");
    return n % 4 == 0 && body + pad == n && pad <= 2;
}

static int decimal_ok(const char *s)
{
    if (*s == '-')
        s++;
    size_t d = strspn(s, "0123456789");
    if (d == 0)
        return 0;
    s += d;
    if (*s == '.')
        return s[1] != '\0' && strspn(s + 1, "0123456789") == strlen(s + 1);
    return *s == '\0';
}

static int fits(const char *type, const char *v)
{
    if (strcmp(type, "int") == 0 || strcmp(type, "long") == 0 || strncmp(type, "unsigned", 8) == 0)
        return integer_fits(type, v);
    if (strcmp(type, "boolean") == 0)
        return !strcasecmp(v, "true") || !strcasecmp(v, "false") || !strcmp(v, "1") ||
               !strcmp(v, "0");
    if (strcmp(type, "dateTime") == 0)
        return datetime_ok(v);
    if (strncmp(type, "base64", 6) == 0)
        return base64_ok(v);
    if (strcmp(type, "hexBinary") == 0)
        return strlen(v) % 2 == 0 && strspn(v, "0123456789abcdefABCDEF") == strlen(v);
    if (strcmp(type, "decimal") == 0)
        return decimal_ok(v);
    return 1; /* string */
}

int ctl_check_value(const char *type, const char *value, size_t len, char *err, size_t errlen)
{
    char *v;
    int ok;

    if (len > CTL_VALUE_MAX) {
        seterr(err, errlen, "value of %zu bytes is too long (at most %d)", len, CTL_VALUE_MAX);
        return -1;
    }
    if (memchr(value, '\0', len)) {
        seterr(err, errlen, "value contains a NUL byte");
        return -1;
    }
    v = strndup(value, len);
    ok = v && fits(type, v);
    if (!ok)
        seterr(err, errlen, "value '%.64s%s' does not fit type %s", v ? v : "",
               len > 64 ? "..." : "", type);
    free(v);
    return ok ? 0 : -1;
}

int ctl_parse_setval(const char *spec, ctl_setval_t *out, char *err, size_t errlen)
{
    const char *eq = strchr(spec, '='), *colon;
    size_t nlen;

    if (!eq) {
        seterr(err, errlen, "'%.256s' is not NAME=VALUE[:TYPE]", spec);
        return -1;
    }
    nlen = (size_t)(eq - spec);
    if (nlen > CTL_NAME_MAX) {
        seterr(err, errlen, "parameter name '%.40s...' is %zu characters long (at most %d)", spec,
               nlen, CTL_NAME_MAX);
        return -1;
    }
    memcpy(out->name, spec, nlen);
    out->name[nlen] = '\0';
    if (ctl_check_name(out->name, CTL_NAME_PARAM, err, errlen) != 0)
        return -1;
    out->value = eq + 1;
    out->value_len = strlen(out->value);
    out->type = "string";
    colon = strrchr(out->value, ':');
    if (colon && ctl_value_type(colon + 1)) {
        out->type = ctl_value_type(colon + 1);
        out->value_len = (size_t)(colon - out->value);
    }
    if (colon && colon - out->value >= 4 && memcmp(colon - 4, ":xsd", 4) == 0 &&
        ctl_value_type(colon - 3)) { /* "...:xsd:int" */
        out->type = ctl_value_type(colon - 3);
        out->value_len = (size_t)(colon - 4 - out->value);
    }
    if (ctl_check_value(out->type, out->value, out->value_len, err, errlen) != 0) {
        size_t n = strlen(err);
        snprintf(err + n, errlen - n, " (parameter %.256s)", out->name);
        return -1;
    }
    return 0;
}

/* ---- tags, methods, event types -------------------------------------------- */

static const char tag_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-";

int ctl_tag_valid(const char *tag)
{
    size_t n = tag ? strlen(tag) : 0;
    return n >= 1 && n <= 64 && strspn(tag, tag_chars) == n;
}

/* The codec is the one list of what the gateway can send, vendor X_ names
 * included: acsctl refuses exactly what the gateway would. */
int ctl_method_valid(const char *m)
{
    return m && cwmp_method_supported(m);
}

int ctl_event_type_valid(const char *type)
{
    size_t n = type ? strlen(type) : 0;
    if (n == 0 || n > 64 || type[0] == '.' || type[n - 1] == '.' || strstr(type, ".."))
        return 0;
    return strspn(type, "abcdefghijklmnopqrstuvwxyz0123456789_.") == n;
}
