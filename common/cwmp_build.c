/* cwmp_build: SOAP envelopes the ACS sends (see cwmp.h).
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

static void put_tag_text(acs_buf_t *b, const char *tag, const char *text)
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
        put_tag_text(out, "string", methods[i]);
    acs_buf_puts(out, "</MethodList></cwmp:GetRPCMethodsResponse>");
    put_tail(out);
}

/* Standard texts of the ACS fault codes (cwmp-reference.md 4.3). */
static const char *acs_fault_text(int code)
{
    switch (code) {
    case 8000:
        return "Method not supported";
    case 8001:
        return "Request denied";
    case 8002:
        return "Internal error";
    case 8003:
        return "Invalid arguments";
    case 8004:
        return "Resources exceeded";
    case 8005:
        return "Retry request";
    case 8006:
        return "ACS version incompatible with CPE";
    default:
        return "ACS fault";
    }
}

void cwmp_build_fault(acs_buf_t *out, const char *ns, const char *id, int code, const char *string)
{
    put_head(out, ns, id, 0, NULL);
    acs_buf_printf(out,
                   "<soap-env:Fault><faultcode>%s</faultcode>"
                   "<faultstring>CWMP fault</faultstring><detail><cwmp:Fault>"
                   "<FaultCode>%d</FaultCode>",
                   code == 8003 ? "Client" : "Server", code);
    put_tag_text(out, "FaultString", string && *string ? string : acs_fault_text(code));
    acs_buf_puts(out, "</cwmp:Fault></detail></soap-env:Fault>");
    put_tail(out);
}

/* ---- argument checks ----------------------------------------------------- */

/* 1 if s[0..n) holds only characters XML 1.0 allows (no C0 controls but
 * tab, CR, LF; no U+FFFE, U+FFFF). jansson strings are valid UTF-8. */
static int xml_chars_ok(const char *s, size_t n)
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

/* v must be a JSON string of at most maxchars characters (maxchars 0: the
 * value byte bound), non-empty unless allow_empty, that XML can carry. */
static int check_str(const json_t *v, const char *what, size_t maxchars, int allow_empty, char *err,
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
    if (strlen(s) != n || !xml_chars_ok(s, n)) {
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

/* An optional string member: absent or null gives "". */
static int opt_str(const json_t *params, const char *key, const char *what, size_t maxchars,
                   const char **out, char *err, size_t errlen)
{
    const json_t *v = params ? json_object_get(params, key) : NULL;
    if (!v || json_is_null(v)) {
        *out = "";
        return 0;
    }
    if (check_str(v, what, maxchars, 1, err, errlen) != 0)
        return -1;
    *out = json_string_value(v);
    return 0;
}

/* ---- GetParameterValues / GetParameterNames / Reboot --------------------- */

static int build_gpv(acs_buf_t *b, const json_t *params, char *err, size_t errlen)
{
    const json_t *names = json_object_get(params, "names");
    size_t n = json_array_size(names);

    if (!json_is_array(names) || n == 0 || n > MAX_LIST) {
        cwmp_seterr(err, errlen,
                    "GetParameterValues: names must be a non-empty array of strings "
                    "(at most %d)",
                    MAX_LIST);
        return -1;
    }
    acs_buf_printf(b,
                   "<cwmp:GetParameterValues>"
                   "<ParameterNames soap-enc:arrayType=\"xsd:string[%zu]\">",
                   n);
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_array_get(names, i);
        if (check_str(v, "GetParameterValues: each name", CWMP_MAX_NAME, 1, err, errlen) != 0)
            return -1;
        put_tag_text(b, "string", json_string_value(v));
    }
    acs_buf_puts(b, "</ParameterNames></cwmp:GetParameterValues>");
    return 0;
}

static int build_gpn(acs_buf_t *b, const json_t *params, char *err, size_t errlen)
{
    const json_t *path = json_object_get(params, "path");
    const json_t *next = json_object_get(params, "next_level");

    if (check_str(path, "GetParameterNames: path", CWMP_MAX_NAME, 1, err, errlen) != 0)
        return -1;
    if (!json_is_boolean(next)) {
        cwmp_seterr(err, errlen, "GetParameterNames: next_level must be a boolean");
        return -1;
    }
    acs_buf_puts(b, "<cwmp:GetParameterNames>");
    put_tag_text(b, "ParameterPath", json_string_value(path));
    acs_buf_printf(b, "<NextLevel>%d</NextLevel></cwmp:GetParameterNames>",
                   json_is_true(next) ? 1 : 0);
    return 0;
}

static int build_reboot(acs_buf_t *b, const json_t *params, char *err, size_t errlen)
{
    const char *key;

    if (opt_str(params, "command_key", "Reboot: command_key", CWMP_MAX_KEY, &key, err, errlen) != 0)
        return -1;
    acs_buf_puts(b, "<cwmp:Reboot>");
    put_tag_text(b, "CommandKey", key);
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

/* The text for one value, formatted into txt (or pointing at the string).
 * JSON booleans go out as 1/0, and so do boolean strings (quirk 8). */
static int value_text(const json_t *v, const char *type, const char **s, char *txt, size_t txtlen,
                      char *err, size_t errlen)
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
        if (check_str(v, "SetParameterValues: value", 0, 1, err, errlen) != 0)
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
    if (!integer_ok(type, *s) ||
        (strcmp(type, "boolean") == 0 && strcmp(*s, "0") && strcmp(*s, "1"))) {
        cwmp_seterr(err, errlen, "SetParameterValues: value does not fit type %s", type);
        return -1;
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
    char num[64];

    if (!json_is_object(item)) {
        cwmp_seterr(err, errlen, "SetParameterValues: values must hold objects");
        return -1;
    }
    if (check_str(name, "SetParameterValues: name", CWMP_MAX_NAME, 0, err, errlen) != 0)
        return -1;
    if (jt && !json_is_null(jt) &&
        (!json_is_string(jt) || !(type = known_type(json_string_value(jt))))) {
        cwmp_seterr(err, errlen, "SetParameterValues: unknown type for %.256s",
                    json_string_value(name));
        return -1;
    }
    if (!value || value_text(value, type, &text, num, sizeof(num), err, errlen) != 0) {
        if (!value)
            cwmp_seterr(err, errlen, "SetParameterValues: %.256s has no value",
                        json_string_value(name));
        return -1;
    }
    acs_buf_puts(b, "<ParameterValueStruct>");
    put_tag_text(b, "Name", json_string_value(name));
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

static int build_spv(acs_buf_t *b, const json_t *params, char *err, size_t errlen)
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
    if (opt_str(params, "parameter_key", "SetParameterValues: parameter_key", CWMP_MAX_KEY, &key,
                err, errlen) != 0)
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
    put_tag_text(b, "ParameterKey", key);
    acs_buf_puts(b, "</cwmp:SetParameterValues>");
    return 0;
}

/* ---- dispatch ------------------------------------------------------------ */

typedef int (*build_fn)(acs_buf_t *b, const json_t *params, char *err, size_t errlen);

static const struct {
    const char *method;
    build_fn fn;
    int params_optional; /* NULL params allowed */
} builders[] = {
    {"GetParameterValues", build_gpv, 0},
    {"SetParameterValues", build_spv, 0},
    {"GetParameterNames", build_gpn, 0},
    {"Reboot", build_reboot, 1},
};

#define N_BUILDERS (sizeof(builders) / sizeof(builders[0]))

int cwmp_method_supported(const char *method)
{
    for (size_t i = 0; method && i < N_BUILDERS; i++)
        if (strcmp(method, builders[i].method) == 0)
            return 1;
    return 0;
}

int cwmp_build_request(acs_buf_t *out, const char *ns, const char *id, int hold_requests,
                       const char *method, const json_t *params, char *err, size_t errlen)
{
    acs_buf_t body = ACS_BUF_INIT;
    int rc = -1;
    size_t i;

    for (i = 0; method && i < N_BUILDERS; i++)
        if (strcmp(method, builders[i].method) == 0)
            break;
    if (!method || i == N_BUILDERS) {
        cwmp_seterr(err, errlen, "unknown method %.64s", method ? method : "(null)");
        return -1;
    }
    if (params ? !json_is_object(params) : !builders[i].params_optional) {
        cwmp_seterr(err, errlen, "%s: params must be an object", method);
        return -1;
    }
    if (builders[i].fn(&body, params, err, errlen) != 0)
        goto out;
    put_head(out, ns, id, hold_requests, NULL);
    acs_buf_append(out, body.data, body.len);
    put_tail(out);
    rc = 0;
out:
    acs_buf_free(&body);
    return rc;
}
