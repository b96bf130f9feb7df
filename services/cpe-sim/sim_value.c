/* sim_value: see sim_value.h. */
#include "sim_value.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const type_names[] = {
    [SIM_T_STRING] = "xsd:string",
    [SIM_T_INT] = "xsd:int",
    [SIM_T_UNSIGNED_INT] = "xsd:unsignedInt",
    [SIM_T_LONG] = "xsd:long",
    [SIM_T_UNSIGNED_LONG] = "xsd:unsignedLong",
    [SIM_T_BOOLEAN] = "xsd:boolean",
    [SIM_T_DATETIME] = "xsd:dateTime",
    [SIM_T_BASE64] = "xsd:base64",
    [SIM_T_HEXBINARY] = "xsd:hexBinary",
    [SIM_T_OBJECT] = "object",
};

const char *sim_type_name(sim_type_t t)
{
    return (unsigned)t <= SIM_T_OBJECT ? type_names[t] : "xsd:string";
}

int sim_type_parse(const char *s, sim_type_t *out)
{
    const char *local = strncmp(s, "xsd:", 4) == 0 ? s + 4 : s;
    for (unsigned t = 0; t < SIM_T_OBJECT; t++) {
        if (strcmp(local, type_names[t] + 4) == 0) {
            *out = (sim_type_t)t;
            return 0;
        }
    }
    if (strcmp(local, "base64Binary") == 0) {
        *out = SIM_T_BASE64;
        return 0;
    }
    return -1;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int all_digits(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
    }
    return 1;
}

/* Integer check on the trimmed text s[0..n): optional sign when signed,
 * digits only, within the range of type t. */
static int check_integer(const char *s, size_t n, sim_type_t t)
{
    char tmp[32];
    int is_signed = t == SIM_T_INT || t == SIM_T_LONG;
    size_t off = 0;

    if (n == 0 || n >= sizeof tmp)
        return -1;
    if (is_signed && (s[0] == '-' || s[0] == '+'))
        off = 1;
    if (!all_digits(s + off, n - off))
        return -1;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    errno = 0;
    if (is_signed) {
        long long v = strtoll(tmp, NULL, 10);
        if (errno != 0 || (t == SIM_T_INT && (v < INT32_MIN || v > INT32_MAX)))
            return -1;
    } else {
        unsigned long long v = strtoull(tmp, NULL, 10);
        if (errno != 0 || (t == SIM_T_UNSIGNED_INT && v > UINT32_MAX))
            return -1;
    }
    return 0;
}

static int two_digits(const char *s, int max)
{
    if (!all_digits(s, 2))
        return -1;
    int v = (s[0] - '0') * 10 + (s[1] - '0');
    return v <= max ? v : -1;
}

/* ISO 8601 as CWMP uses it: YYYY-MM-DDTHH:MM:SS[.fff][Z|+hh:mm|-hh:mm]. */
static int check_datetime(const char *s, size_t n)
{
    size_t i = 19;
    if (n < 19 || !all_digits(s, 4) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':')
        return -1;
    if (two_digits(s + 5, 12) < 0 || two_digits(s + 8, 31) < 0 || two_digits(s + 11, 23) < 0 ||
        two_digits(s + 14, 59) < 0 || two_digits(s + 17, 60) < 0)
        return -1;
    if (i < n && s[i] == '.') {
        size_t j = i + 1;
        while (j < n && s[j] >= '0' && s[j] <= '9')
            j++;
        if (j == i + 1)
            return -1;
        i = j;
    }
    if (i == n)
        return 0;
    if (s[i] == 'Z')
        return i + 1 == n ? 0 : -1;
    if ((s[i] == '+' || s[i] == '-') && n - i == 6 && s[i + 3] == ':' &&
        two_digits(s + i + 1, 23) >= 0 && two_digits(s + i + 4, 59) >= 0)
        return 0;
    return -1;
}

static int check_base64(const char *s, size_t n)
{
    size_t pad = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '=') {
            pad++;
        } else if (pad || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '+' || c == '/')) {
            return -1;
        }
    }
    return n % 4 == 0 && pad <= 2 ? 0 : -1;
}

static int check_hex(const char *s, size_t n)
{
    if (n % 2)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return -1;
    }
    return 0;
}

static int check_boolean(const char *s, size_t n, acs_buf_t *out)
{
    if ((n == 4 && strncasecmp(s, "true", 4) == 0) || (n == 1 && s[0] == '1')) {
        acs_buf_puts(out, n == 1 ? "1" : "true");
        return 0;
    }
    if ((n == 5 && strncasecmp(s, "false", 5) == 0) || (n == 1 && s[0] == '0')) {
        acs_buf_puts(out, n == 1 ? "0" : "false");
        return 0;
    }
    return -1;
}

int sim_value_check(sim_type_t t, const char *value, acs_buf_t *out)
{
    size_t len = strlen(value), start = 0, end = len;
    int rc;

    if (len > SIM_VALUE_MAX || t == SIM_T_OBJECT)
        return -1;
    if (t == SIM_T_STRING) {
        acs_buf_append(out, value, len);
        return 0;
    }
    while (start < end && is_blank(value[start]))
        start++;
    while (end > start && is_blank(value[end - 1]))
        end--;
    const char *s = value + start;
    size_t n = end - start;
    switch (t) {
    case SIM_T_INT:
    case SIM_T_UNSIGNED_INT:
    case SIM_T_LONG:
    case SIM_T_UNSIGNED_LONG:
        rc = check_integer(s, n, t);
        break;
    case SIM_T_BOOLEAN:
        return check_boolean(s, n, out);
    case SIM_T_DATETIME:
        rc = check_datetime(s, n);
        break;
    case SIM_T_BASE64:
        rc = check_base64(s, n);
        break;
    case SIM_T_HEXBINARY:
        rc = check_hex(s, n);
        break;
    default:
        rc = -1;
        break;
    }
    if (rc == 0)
        acs_buf_append(out, s, n);
    return rc;
}
