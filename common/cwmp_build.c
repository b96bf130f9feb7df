/* cwmp_build: SOAP envelopes the ACS sends (see cwmp.h): the envelope,
 * the ACS's responses and faults, the argument checks every request
 * builder uses, the parameter methods, and cwmp_build_request's dispatch
 * (the other methods are in cwmp_build_rpc.c and cwmp_build_vendor.c).
 *
 * Written as text, not through a DOM: the shape is fixed, and CPE parsers
 * (icwmp, easycwmp: mxml) want it exactly so: all five prefixed xmlns on
 * Envelope, no default namespace, literal prefix "cwmp", unqualified RPC
 * children, booleans as 1/0 (quirks 4, 8, 9). Every text goes through
 * acs_buf_put_xml. Request arguments come from workers and are checked
 * before anything is written, so a bad one costs nothing but a reason.
 */
#include "cwmp.h"
#include "cwmp_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_NS "urn:dslforum-org:cwmp-1-0"
/* Names in one GetParameterValues / values in one SetParameterValues. */
#define MAX_LIST 1024

/* ---- envelope ------------------------------------------------------------ */

void cwmp_put_text(acs_buf_t *b, const char *tag, const char *text)
{
    acs_buf_printf(b, "<%s>", tag);
    acs_buf_put_xml(b, text ? text : "");
    acs_buf_printf(b, "</%s>", tag);
}

/* Everything up to and including <soap-env:Body>. */
static void put_head(acs_buf_t *b, const char *ns, const char *id, int hold,
                     const char *use_version)
{
    acs_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<soap-env:Envelope xmlns:soap-env=\"" CWMP_NS_SOAP_ENV "\""
                    " xmlns:soap-enc=\"" CWMP_NS_SOAP_ENC "\""
                    " xmlns:xsd=\"" CWMP_NS_XSD "\""
                    " xmlns:xsi=\"" CWMP_NS_XSI "\""
                    " xmlns:cwmp=\"");
    acs_buf_put_xml(b, ns && *ns ? ns : DEFAULT_NS);
    acs_buf_puts(b, "\">\n<soap-env:Header>\n");
    if (id && *id) {
        acs_buf_puts(b, "<cwmp:ID soap-env:mustUnderstand=\"1\">");
        acs_buf_put_xml(b, id);
        acs_buf_puts(b, "</cwmp:ID>\n");
    }
    if (hold)
        acs_buf_puts(b, "<cwmp:HoldRequests soap-env:mustUnderstand=\"1\">1"
                        "</cwmp:HoldRequests>\n");
    if (use_version) {
        acs_buf_puts(b, "<cwmp:UseCWMPVersion soap-env:mustUnderstand=\"1\">");
        acs_buf_put_xml(b, use_version);
        acs_buf_puts(b, "</cwmp:UseCWMPVersion>\n");
    }
    acs_buf_puts(b, "</soap-env:Header>\n<soap-env:Body>\n");
}

static void put_tail(acs_buf_t *b)
{
    acs_buf_puts(b, "\n</soap-env:Body>\n</soap-env:Envelope>\n");
}

void cwmp_build_inform_response(acs_buf_t *out, const char *ns, const char *id,
                                const char *use_version)
{
    put_head(out, ns, id, 0, use_version);
    acs_buf_puts(out, "<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes>"
                      "</cwmp:InformResponse>");
    put_tail(out);
}

void cwmp_build_empty_response(acs_buf_t *out, const char *ns, const char *id, const char *method)
{
    put_head(out, ns, id, 0, NULL);
    acs_buf_puts(out, "<cwmp:");
    acs_buf_put_xml(out, method ? method : "");
    acs_buf_puts(out, "Response/>");
    put_tail(out);
}

void cwmp_build_get_rpc_methods_response(acs_buf_t *out, const char *ns, const char *id,
                                         const char *const *methods)
{
    size_t n = 0;

    while (methods && methods[n])
        n++;
    put_head(out, ns, id, 0, NULL);
    acs_buf_printf(out,
                   "<cwmp:GetRPCMethodsResponse>"
                   "<MethodList soap-enc:arrayType=\"xsd:string[%zu]\">",
                   n);
    for (size_t i = 0; i < n; i++)
        cwmp_put_text(out, "string", methods[i]);
    acs_buf_puts(out, "</MethodList></cwmp:GetRPCMethodsResponse>");
    put_tail(out);
}

void cwmp_build_kicked_response(acs_buf_t *out, const char *ns, const char *id,
                                const char *next_url)
{
    put_head(out, ns, id, 0, NULL);
    acs_buf_puts(out, "<cwmp:KickedResponse>");
    cwmp_put_text(out, "NextURL", next_url);
    acs_buf_puts(out, "</cwmp:KickedResponse>");
    put_tail(out);
}

void cwmp_build_fault(acs_buf_t *out, const char *ns, const char *id, int code, const char *string)
{
    const char *text = string && *string ? string : cwmp_fault_text(code);

    put_head(out, ns, id, 0, NULL);
    acs_buf_printf(out,
                   "<soap-env:Fault><faultcode>%s</faultcode>"
                   "<faultstring>CWMP fault</faultstring><detail><cwmp:Fault>"
                   "<FaultCode>%d</FaultCode>",
                   cwmp_faultcode_for(code), code);
    cwmp_put_text(out, "FaultString", text ? text : "CWMP fault");
    acs_buf_puts(out, "</cwmp:Fault></detail></soap-env:Fault>");
    put_tail(out);
}

/* ---- argument checks ----------------------------------------------------- */

int cwmp_xml_chars_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            return 0;
        if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBF &&
            ((unsigned char)s[i + 2] == 0xBE || (unsigned char)s[i + 2] == 0xBF))
            return 0;
    }
    return 1;
}

int cwmp_check_str(const json_t *v, const char *what, size_t maxchars, int allow_empty, char *err,
                   size_t errlen)
{
    const char *s;
    size_t n;

    if (!json_is_string(v)) {
        cwmp_seterr(err, errlen, "%s must be a string", what);
        return -1;
    }
    s = json_string_value(v);
    n = json_string_length(v);
    if (!allow_empty && n == 0) {
        cwmp_seterr(err, errlen, "%s must not be empty", what);
        return -1;
    }
    if (strlen(s) != n || !cwmp_xml_chars_ok(s, n)) {
        cwmp_seterr(err, errlen, "%s holds a character XML cannot carry", what);
        return -1;
    }
    if (maxchars ? cwmp_utf8_chars(s, n) > maxchars : n > CWMP_MAX_VALUE) {
        cwmp_seterr(err, errlen, "%s is longer than %zu", what,
                    maxchars ? maxchars : (size_t)CWMP_MAX_VALUE);
        return -1;
    }
    return 0;
}

/* obj[key], NULL when absent or null; "<pre><key> missing" if required. */
static const json_t *arg_get(const json_t *obj, const char *pre, const char *key, int required,
                             char *err, size_t errlen)
{
    const json_t *v = json_object_get(obj, key);

    if (v && !json_is_null(v))
        return v;
    if (required)
        cwmp_seterr(err, errlen, "%s%s missing", pre, key);
    return NULL;
}

int cwmp_arg_str(const json_t *obj, const char *pre, const char *key, int required, int allow_empty,
                 size_t maxchars, const char **out, char *err, size_t errlen)
{
    const json_t *v = arg_get(obj, pre, key, required, err, errlen);
    char what[CWMP_WHAT_MAX];

    if (!v) {
        *out = "";
        return required ? -1 : 0;
    }
    snprintf(what, sizeof(what), "%s%s", pre, key);
    if (cwmp_check_str(v, what, maxchars, allow_empty, err, errlen) != 0)
        return -1;
    *out = json_string_value(v);
    return 0;
}

int cwmp_arg_int(const json_t *obj, const char *pre, const char *key, int required, long long dflt,
                 long long min, long long max, long long *out, char *err, size_t errlen)
{
    const json_t *v = arg_get(obj, pre, key, required, err, errlen);

    if (!v) {
        *out = dflt;
        return required ? -1 : 0;
    }
    if (!json_is_integer(v)) {
        cwmp_seterr(err, errlen, "%s%s must be an integer", pre, key);
        return -1;
    }
    *out = json_integer_value(v);
    if (*out < min || *out > max) {
        cwmp_seterr(err, errlen, "%s%s must be in [%lld, %lld]", pre, key, min, max);
        return -1;
    }
    return 0;
}

/* ---- GetParameterValues / GetParameterAttributes / GetParameterNames / Reboot */

/* {"names": [...]} -> <cwmp:{method}><ParameterNames>: the same for GPV and GPA. */
static int build_names(acs_buf_t *b, const char *method, const json_t *params, char *err,
                       size_t errlen)
{
    const json_t *names = json_object_get(params, "names");
    size_t n = json_array_size(names);
    char what[CWMP_WHAT_MAX];

    if (!json_is_array(names) || n == 0 || n > MAX_LIST) {
        cwmp_seterr(err, errlen, "%s: names must be a non-empty array of strings (at most %d)",
                    method, MAX_LIST);
        return -1;
    }
    snprintf(what, sizeof(what), "%s: each name", method);
    acs_buf_printf(b,
                   "<cwmp:%s>"
                   "<ParameterNames soap-enc:arrayType=\"xsd:string[%zu]\">",
                   method, n);
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_array_get(names, i);
        if (cwmp_check_str(v, what, CWMP_MAX_NAME, 1, err, errlen) != 0)
            return -1;
        cwmp_put_text(b, "string", json_string_value(v));
    }
    acs_buf_printf(b, "</ParameterNames></cwmp:%s>", method);
    return 0;
}

static int build_gpn(acs_buf_t *b, const char *method, const json_t *params, char *err,
                     size_t errlen)
{
    const json_t *next = json_object_get(params, "next_level");
    const char *path;

    if (cwmp_arg_str(params, "GetParameterNames: ", "path", 1, 1, CWMP_MAX_NAME, &path, err,
                     errlen) != 0)
        return -1;
    if (!json_is_boolean(next)) {
        cwmp_seterr(err, errlen, "GetParameterNames: next_level must be a boolean");
        return -1;
    }
    acs_buf_puts(b, "<cwmp:GetParameterNames>");
    cwmp_put_text(b, "ParameterPath", path);
    acs_buf_printf(b, "<NextLevel>%d</NextLevel></cwmp:GetParameterNames>",
                   json_is_true(next) ? 1 : 0);
    return 0;
}

static int build_reboot(acs_buf_t *b, const char *method, const json_t *params, char *err,
                        size_t errlen)
{
    const char *key;

    if (cwmp_arg_str(params, "Reboot: ", "command_key", 0, 1, CWMP_MAX_KEY, &key, err, errlen) != 0)
        return -1;
    acs_buf_puts(b, "<cwmp:Reboot>");
    cwmp_put_text(b, "CommandKey", key);
    acs_buf_puts(b, "</cwmp:Reboot>");
    return 0;
}

/* ---- SetParameterValues -------------------------------------------------- */

/* xsd types a Value may carry ("base64" is CWMP's name for base64Binary). */
static const char *const value_types[] = {
    "string",   "int",    "unsignedInt",  "long",      "unsignedLong", "boolean",
    "dateTime", "base64", "base64Binary", "hexBinary", "decimal",      NULL,
};

/* The type's local name from our table, or NULL if unknown. */
static const char *known_type(const char *t)
{
    if (strncmp(t, "xsd:", 4) == 0)
        t += 4;
    for (size_t i = 0; value_types[i]; i++)
        if (strcmp(t, value_types[i]) == 0)
            return value_types[i];
    return NULL;
}

/* Check the text of an integer type: range of int / unsignedInt / long /
 * unsignedLong. Other types are not checked. */
static int integer_ok(const char *type, const char *s)
{
    int is_unsigned = strncmp(type, "unsigned", 8) == 0;
    int is_long = strstr(type, "ong") != NULL;
    char *end;

    if (strcmp(type, "int") && strcmp(type, "long") && !is_unsigned)
        return 1;
    if (!((*s >= '0' && *s <= '9') || (*s == '-' && !is_unsigned)))
        return 0; /* no sign but '-', no blanks: say exactly what is meant */
    errno = 0;
    if (is_unsigned) {
        unsigned long long u = strtoull(s, &end, 10);
        return !errno && !*end && (is_long || u <= UINT_MAX);
    }
    long long v = strtoll(s, &end, 10);
    return !errno && !*end && (is_long || (v >= INT_MIN && v <= INT_MAX));
}

static int is_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* Two digits at s as a number in [lo, hi], or -1. */
static int two_digits(const char *s, int lo, int hi)
{
    int v;
    if (!is_digits(s, 2))
        return -1;
    v = (s[0] - '0') * 10 + (s[1] - '0');
    return v >= lo && v <= hi ? v : -1;
}

/* An xsd:dateTime "YYYY-MM-DDThh:mm:ss[.f+][Z|(+|-)hh:mm]" into out without
 * its fractional seconds (quirk 8: some CPEs refuse them). 0 or -1. */
static int datetime_text(const char *s, char *out, size_t outlen)
{
    const char *z;
    size_t zl;

    if (!is_digits(s, 4) || s[4] != '-' || two_digits(s + 5, 1, 12) < 0 || s[7] != '-' ||
        two_digits(s + 8, 1, 31) < 0 || s[10] != 'T' || two_digits(s + 11, 0, 24) < 0 ||
        s[13] != ':' || two_digits(s + 14, 0, 59) < 0 || s[16] != ':' ||
        two_digits(s + 17, 0, 60) < 0)
        return -1;
    z = s + 19;
    if (*z == '.') {
        size_t f = strspn(z + 1, "0123456789");
        if (f == 0)
            return -1;
        z += 1 + f;
    }
    zl = strlen(z);
    if (!(zl == 0 || (zl == 1 && *z == 'Z') ||
          (zl == 6 && (*z == '+' || *z == '-') && two_digits(z + 1, 0, 14) >= 0 && z[3] == ':' &&
           two_digits(z + 4, 0, 59) >= 0)))
        return -1;
    if (19 + zl >= outlen)
        return -1;
    memcpy(out, s, 19);
    memcpy(out + 19, z, zl + 1);
    return 0;
}

/* The lexical forms of hexBinary, base64 and decimal (integers and booleans
 * are checked apart; string takes anything). */
static int format_ok(const char *type, const char *s)
{
    size_t n = strlen(s);

    if (strcmp(type, "hexBinary") == 0)
        return n % 2 == 0 && strspn(s, "0123456789abcdefABCDEF") == n;
    if (strncmp(type, "base64", 6) == 0)
        return strspn(s,
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \t\r\n") ==
               n;
    if (strcmp(type, "decimal") == 0) {
        size_t i = (*s == '-' || *s == '+') ? 1 : 0, a = strspn(s + i, "0123456789"), b = 0;
        if (s[i + a] == '.')
            b = strspn(s + i + a + 1, "0123456789"), i++;
        return a + b > 0 && i + a + b == n;
    }
    return 1;
}

/* The text for one value, formatted into txt (or pointing at the string).
 * JSON booleans go out as 1/0, and so do boolean strings (quirk 8); a
 * dateTime is rewritten into dt without fractional seconds. */
static int value_text(const json_t *v, const char *type, const char **s, char *txt, size_t txtlen,
                      char *dt, size_t dtlen, char *err, size_t errlen)
{
    int bv;

    if (json_is_boolean(v) || (json_is_string(v) && strcmp(type, "boolean") == 0)) {
        if (json_is_string(v) ? cwmp_parse_bool(json_string_value(v), &bv) != 0
                              : strcmp(type, "boolean") && strcmp(type, "string")) {
            cwmp_seterr(err, errlen, "SetParameterValues: value does not fit type %s", type);
            return -1;
        }
        if (json_is_boolean(v))
            bv = json_is_true(v);
        *s = bv ? "1" : "0";
        return 0;
    }
    if (json_is_string(v)) {
        if (cwmp_check_str(v, "SetParameterValues: value", 0, 1, err, errlen) != 0)
            return -1;
        *s = json_string_value(v);
    } else if (json_is_integer(v)) {
        snprintf(txt, txtlen, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        *s = txt;
    } else if (json_is_real(v) && (!strcmp(type, "string") || !strcmp(type, "decimal"))) {
        snprintf(txt, txtlen, "%.15g", json_real_value(v));
        *s = txt;
    } else {
        cwmp_seterr(err, errlen,
                    "SetParameterValues: value must be a string, number or "
                    "boolean fitting its type");
        return -1;
    }
    if (!integer_ok(type, *s) || !format_ok(type, *s) ||
        (strcmp(type, "boolean") == 0 && strcmp(*s, "0") && strcmp(*s, "1"))) {
        cwmp_seterr(err, errlen, "SetParameterValues: value does not fit type %s", type);
        return -1;
    }
    if (strcmp(type, "dateTime") == 0) {
        if (datetime_text(*s, dt, dtlen) != 0) {
            cwmp_seterr(err, errlen,
                        "SetParameterValues: value does not fit type dateTime "
                        "(YYYY-MM-DDThh:mm:ss with Z or an offset)");
            return -1;
        }
        *s = dt;
    }
    return 0;
}

/* One ParameterValueStruct. A JSON boolean without a type is sent as
 * xsd:boolean, anything else without a type as xsd:string. */
static int put_pvs(acs_buf_t *b, const json_t *item, char *err, size_t errlen)
{
    const json_t *name = json_object_get(item, "name");
    const json_t *value = json_object_get(item, "value");
    const json_t *jt = json_object_get(item, "type");
    const char *type = json_is_boolean(value) ? "boolean" : "string", *text;
    char num[64], dt[40];

    if (!json_is_object(item)) {
        cwmp_seterr(err, errlen, "SetParameterValues: values must hold objects");
        return -1;
    }
    if (cwmp_check_str(name, "SetParameterValues: name", CWMP_MAX_NAME, 0, err, errlen) != 0)
        return -1;
    if (jt && !json_is_null(jt) &&
        (!json_is_string(jt) || !(type = known_type(json_string_value(jt))))) {
        cwmp_seterr(err, errlen, "SetParameterValues: unknown type for %.256s",
                    json_string_value(name));
        return -1;
    }
    if (!value ||
        value_text(value, type, &text, num, sizeof(num), dt, sizeof(dt), err, errlen) != 0) {
        if (!value)
            cwmp_seterr(err, errlen, "SetParameterValues: %.256s has no value",
                        json_string_value(name));
        return -1;
    }
    acs_buf_puts(b, "<ParameterValueStruct>");
    cwmp_put_text(b, "Name", json_string_value(name));
    acs_buf_printf(b, "<Value xsi:type=\"xsd:%s\">", type);
    acs_buf_put_xml(b, text);
    acs_buf_puts(b, "</Value></ParameterValueStruct>");
    return 0;
}

static int duplicate_name(const json_t *values, size_t upto)
{
    const char *name = json_string_value(json_object_get(json_array_get(values, upto), "name"));
    for (size_t i = 0; i < upto; i++)
        if (strcmp(name, json_string_value(json_object_get(json_array_get(values, i), "name"))) ==
            0)
            return 1;
    return 0;
}

static int build_spv(acs_buf_t *b, const char *method, const json_t *params, char *err,
                     size_t errlen)
{
    const json_t *values = json_object_get(params, "values");
    size_t n = json_array_size(values);
    const char *key;

    if (!json_is_array(values) || n == 0 || n > MAX_LIST) {
        cwmp_seterr(err, errlen,
                    "SetParameterValues: values must be a non-empty array of objects "
                    "(at most %d)",
                    MAX_LIST);
        return -1;
    }
    if (cwmp_arg_str(params, "SetParameterValues: ", "parameter_key", 0, 1, CWMP_MAX_KEY, &key, err,
                     errlen) != 0)
        return -1;
    acs_buf_printf(b,
                   "<cwmp:SetParameterValues>"
                   "<ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[%zu]\">",
                   n);
    for (size_t i = 0; i < n; i++) {
        if (put_pvs(b, json_array_get(values, i), err, errlen) != 0)
            return -1;
        if (duplicate_name(values, i)) {
            cwmp_seterr(err, errlen, "SetParameterValues: %.256s appears twice",
                        json_string_value(json_object_get(json_array_get(values, i), "name")));
            return -1;
        }
    }
    acs_buf_puts(b, "</ParameterList>");
    cwmp_put_text(b, "ParameterKey", key);
    acs_buf_puts(b, "</cwmp:SetParameterValues>");
    return 0;
}

/* ---- dispatch ------------------------------------------------------------ */

static const struct {
    const char *method;
    cwmp_build_fn fn;
    int params_optional; /* NULL params allowed */
} builders[] = {
    {"GetRPCMethods", cwmp_build_no_args, 1},
    {"GetParameterNames", build_gpn, 0},
    {"GetParameterValues", build_names, 0},
    {"SetParameterValues", build_spv, 0},
    {"GetParameterAttributes", build_names, 0},
    {"SetParameterAttributes", cwmp_build_spa, 0},
    {"AddObject", cwmp_build_object, 0},
    {"DeleteObject", cwmp_build_object, 0},
    {"Reboot", build_reboot, 1},
    {"FactoryReset", cwmp_build_no_args, 1},
    {"Download", cwmp_build_transfer, 0},
    {"Upload", cwmp_build_transfer, 0},
    {"ScheduleInform", cwmp_build_schedule_inform, 0},
    {"GetQueuedTransfers", cwmp_build_no_args, 1},
    {"GetAllQueuedTransfers", cwmp_build_no_args, 1},
    {"ScheduleDownload", cwmp_build_schedule_download, 0},
    {"CancelTransfer", cwmp_build_cancel_transfer, 0},
    {"ChangeDUState", cwmp_build_change_du_state, 0},
};

#define N_BUILDERS (sizeof(builders) / sizeof(builders[0]))

/* The builder of method and whether its params may be NULL; NULL if none. */
static cwmp_build_fn find_builder(const char *method, int *params_optional)
{
    for (size_t i = 0; method && i < N_BUILDERS; i++)
        if (strcmp(method, builders[i].method) == 0) {
            *params_optional = builders[i].params_optional;
            return builders[i].fn;
        }
    if (method && cwmp_vendor_method(method)) {
        *params_optional = 1;
        return cwmp_build_vendor;
    }
    return NULL;
}

int cwmp_method_supported(const char *method)
{
    int opt;
    return find_builder(method, &opt) != NULL;
}

int cwmp_build_request(acs_buf_t *out, const char *ns, const char *id, int hold_requests,
                       const char *method, const json_t *params, char *err, size_t errlen)
{
    acs_buf_t body = ACS_BUF_INIT;
    int rc = -1, opt = 0;
    cwmp_build_fn fn = find_builder(method, &opt);

    if (!fn) {
        /* Only a printable prefix of the name goes into the reason. */
        int n = 0;
        while (method && n < 64 && method[n] > 0x20 && method[n] < 0x7f)
            n++;
        if (method)
            cwmp_seterr(err, errlen, "unknown method %.*s%s", n, method, method[n] ? "..." : "");
        else
            cwmp_seterr(err, errlen, "unknown method (none given)");
        return -1;
    }
    if (params ? !json_is_object(params) : !opt) {
        cwmp_seterr(err, errlen, "%s: params must be an object", method);
        return -1;
    }
    if (fn(&body, method, params, err, errlen) != 0)
        goto out;
    put_head(out, ns, id, hold_requests, NULL);
    acs_buf_append(out, body.data, body.len);
    put_tail(out);
    rc = 0;
out:
    acs_buf_free(&body);
    return rc;
}
