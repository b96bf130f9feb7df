/* cwmp_internal: what the codec's files share (cwmp.c parses the envelope,
 * cwmp_json.c turns RPC elements into JSON, cwmp_build.c writes envelopes).
 * Not an API: nothing outside common/cwmp*.c includes this.
 */
#ifndef CWMP_INTERNAL_H
#define CWMP_INTERNAL_H

#include <jansson.h>
#include <libxml/tree.h>
#include <stddef.h>

/* Namespace URIs (cwmp-reference.md 2.1). */
#define CWMP_NS_SOAP_ENV "http://schemas.xmlsoap.org/soap/envelope/"
#define CWMP_NS_SOAP_ENC "http://schemas.xmlsoap.org/soap/encoding/"
#define CWMP_NS_XSD "http://www.w3.org/2001/XMLSchema"
#define CWMP_NS_XSI "http://www.w3.org/2001/XMLSchema-instance"

/* Schema string lengths (cwmp-reference.md 2.3), in characters. */
#define CWMP_MAX_NAME 256        /* parameter names and paths */
#define CWMP_MAX_KEY 32          /* CommandKey, ParameterKey */
#define CWMP_MAX_EVENT_CODE 64   /* EventCode */
#define CWMP_MAX_DEVICE_FIELD 64 /* DeviceId members */
#define CWMP_MAX_EVENTS 64       /* EventStructs in one Inform */
#define CWMP_MAX_SHORT 1024      /* URLs, times, file types, fault strings */
#define CWMP_MAX_VALUE 65536     /* a parameter value, in bytes */

/* Write a one-line reason into err (if err and errlen are usable). */
void cwmp_seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Number of UTF-8 characters in s[0..n) (continuation bytes not counted). */
size_t cwmp_utf8_chars(const char *s, size_t n);

/* N of "urn:dslforum-org:cwmp-1-N" (one digit), or -1 for any other URI. */
int cwmp_ns_minor(const xmlChar *href);

/* First element child of n, and the element after n among its siblings;
 * NULL when there is none. Text, comments and PIs are skipped. */
xmlNodePtr cwmp_x_first(xmlNodePtr n);
xmlNodePtr cwmp_x_next(xmlNodePtr n);

/* First element child of n whose local name is local, in any namespace
 * (RPC children are unqualified but some CPEs qualify them). */
xmlNodePtr cwmp_x_child(xmlNodePtr n, const char *local);

/* 1 if n is an element named local in the SOAP envelope namespace. */
int cwmp_x_is_soap(xmlNodePtr n, const char *local);

/* The text of element n (its direct text and CDATA children), trimmed of
 * XML whitespace at both ends if trim. n may be NULL (gives ""). Returns a
 * malloc'd string in *out and its length in *outlen, or -1 with a reason
 * naming what (e.g. "Inform: OUI") when it is longer than maxchars
 * characters (maxchars 0: the CWMP_MAX_VALUE byte bound only). */
int cwmp_x_text(xmlNodePtr n, const char *what, size_t maxchars, int trim, char **out,
                size_t *outlen, char *err, size_t errlen) __attribute__((warn_unused_result));

/* Set obj[key] to the text of the child named child of parent ("" when the
 * child is absent), bounded and trimmed as in cwmp_x_text. 0 or -1. */
int cwmp_x_set_str(json_t *obj, const char *key, xmlNodePtr parent, const char *child,
                   const char *what, size_t maxchars, int trim, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Set obj[key] to the integer in the child named child of parent (trimmed;
 * absent or empty: dflt). A non-number or one outside [min, max] is -1. */
int cwmp_x_set_int(json_t *obj, const char *key, xmlNodePtr parent, const char *child,
                   const char *what, long long dflt, long long min, long long max, char *err,
                   size_t errlen) __attribute__((warn_unused_result));

/* Parse an integer / a boolean (true, false, 1, 0, any case) from text,
 * after trimming. 0 or -1. */
int cwmp_parse_ll(const char *s, long long min, long long max, long long *out)
    __attribute__((warn_unused_result));
int cwmp_parse_bool(const char *s, int *out) __attribute__((warn_unused_result));

/* Turn the RPC element of a CPE request / response / the SOAP Fault element
 * into the JSON body documented in cwmp.h. method is the RPC's name without
 * "Response". Return a new object, or NULL with a reason in err. */
json_t *cwmp_json_request(const char *method, xmlNodePtr rpc, char *err, size_t errlen);
json_t *cwmp_json_response(const char *method, xmlNodePtr rpc, char *err, size_t errlen);
json_t *cwmp_json_fault(xmlNodePtr fault, char *err, size_t errlen);

#endif
