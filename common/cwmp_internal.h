/* cwmp_internal: what the codec's files share. Not an API: nothing outside
 * common/cwmp*.c includes this.
 *
 *   cwmp.c              the envelope: limits, header, version negotiation
 *   cwmp_json.c         CPE requests (Inform, TransferComplete...) -> JSON
 *   cwmp_json_resp.c    responses and faults -> JSON
 *   cwmp_build.c        envelopes, ACS responses, argument checks, the
 *                       parameter methods and cwmp_build_request
 *   cwmp_build_rpc.c    the other standard CPE methods
 *   cwmp_build_vendor.c vendor methods X_<vendor>_<Name>
 *   cwmp_fault.c        fault codes and texts
 */
#ifndef CWMP_INTERNAL_H
#define CWMP_INTERNAL_H

#include <jansson.h>
#include <libxml/tree.h>
#include <stddef.h>

#include "acs_buf.h"

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

/* The integer in the child named child of parent (trimmed) into *out. An
 * absent child or empty text gives dflt, or -1 ("<what> missing") when
 * required. A non-number or one outside [min, max] is -1. */
int cwmp_x_get_int(xmlNodePtr parent, const char *child, const char *what, int required,
                   long long dflt, long long min, long long max, long long *out, char *err,
                   size_t errlen) __attribute__((warn_unused_result));

/* Set obj[key] to cwmp_x_get_int(parent, child, what, 0, dflt, min, max). */
int cwmp_x_set_int(json_t *obj, const char *key, xmlNodePtr parent, const char *child,
                   const char *what, long long dflt, long long min, long long max, char *err,
                   size_t errlen) __attribute__((warn_unused_result));

/* Set obj[key] to the boolean in the child named child of parent (true,
 * false, 1, 0, any case, trimmed). Absent or empty: dflt when dflt is 0 or
 * 1, an error ("<what> missing") when dflt is -1. Anything else is -1. */
int cwmp_x_set_bool(json_t *obj, const char *key, xmlNodePtr parent, const char *child,
                    const char *what, int dflt, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* 0 if parent has a child named child, else -1 with "<what> missing". */
int cwmp_x_require(xmlNodePtr parent, const char *child, const char *what, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Parse an integer / a boolean (true, false, 1, 0, any case) from text,
 * after trimming. 0 or -1. */
int cwmp_parse_ll(const char *s, long long min, long long max, long long *out)
    __attribute__((warn_unused_result));
int cwmp_parse_bool(const char *s, int *out) __attribute__((warn_unused_result));

/* The local part of a QName: "xsd:string" -> "string". */
const char *cwmp_local_part(const char *qname);

/* A ParameterValueStruct list -> [{"name","value","type"}], entries without
 * a Name skipped; NULL with err on an over-long name or value. */
json_t *cwmp_json_param_values(xmlNodePtr list, char *err, size_t errlen);

/* Turn the RPC element of a CPE request into the JSON body documented in
 * cwmp.h. Returns a new object, or NULL with a reason in err (an Inform the
 * gateway cannot use). For the other ACS methods a missing or malformed
 * argument sets *bad to 1, the reason in err, and returns {}. */
json_t *cwmp_json_request(const char *method, xmlNodePtr rpc, int *bad, char *err, size_t errlen);

/* The response element (method is the RPC's name without "Response") / the
 * SOAP Fault element -> the JSON body of cwmp.h; NULL with a reason. */
json_t *cwmp_json_response(const char *method, xmlNodePtr rpc, char *err, size_t errlen);
json_t *cwmp_json_fault(xmlNodePtr fault, char *err, size_t errlen);

/* ---- building requests (cwmp_build*.c) ---------------------------------- */

/* Longest argument description built for a reason, e.g.
 * "ScheduleDownload: time_windows[1].window_mode". */
#define CWMP_WHAT_MAX 128

/* Append <tag>text</tag>, text escaped; NULL text gives "". */
void cwmp_put_text(acs_buf_t *b, const char *tag, const char *text);

/* 1 if s[0..n) holds only characters XML 1.0 allows (no C0 controls but
 * tab, CR, LF; no U+FFFE, U+FFFF). */
int cwmp_xml_chars_ok(const char *s, size_t n);

/* v must be a JSON string of at most maxchars characters (maxchars 0: the
 * CWMP_MAX_VALUE byte bound), non-empty unless allow_empty, that XML can
 * carry. -1 with a reason naming what (never quoting the value). */
int cwmp_check_str(const json_t *v, const char *what, size_t maxchars, int allow_empty, char *err,
                   size_t errlen) __attribute__((warn_unused_result));

/* Member key of obj (obj may be NULL) as a string checked as in
 * cwmp_check_str; absent or null gives "" unless required. Reasons read
 * "<pre><key> ...", e.g. pre "Download: " -> "Download: url missing".
 * *out points into obj. */
int cwmp_arg_str(const json_t *obj, const char *pre, const char *key, int required, int allow_empty,
                 size_t maxchars, const char **out, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Member key of obj as a JSON integer in [min, max]; absent or null gives
 * dflt unless required. */
int cwmp_arg_int(const json_t *obj, const char *pre, const char *key, int required, long long dflt,
                 long long min, long long max, long long *out, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* One request body builder: writes <cwmp:method>...</cwmp:method> into b
 * from params (an object, or NULL where the method allows it), or returns
 * -1 with a reason (b may then hold a part, which the caller drops). */
typedef int (*cwmp_build_fn)(acs_buf_t *b, const char *method, const json_t *params, char *err,
                             size_t errlen);

/* cwmp_build_rpc.c */
int cwmp_build_no_args(acs_buf_t *b, const char *method, const json_t *params, char *err,
                       size_t errlen);
int cwmp_build_spa(acs_buf_t *b, const char *method, const json_t *params, char *err,
                   size_t errlen);
int cwmp_build_object(acs_buf_t *b, const char *method, const json_t *params, char *err,
                      size_t errlen);
int cwmp_build_transfer(acs_buf_t *b, const char *method, const json_t *params, char *err,
                        size_t errlen);
int cwmp_build_schedule_inform(acs_buf_t *b, const char *method, const json_t *params, char *err,
                               size_t errlen);
int cwmp_build_schedule_download(acs_buf_t *b, const char *method, const json_t *params, char *err,
                                 size_t errlen);
int cwmp_build_cancel_transfer(acs_buf_t *b, const char *method, const json_t *params, char *err,
                               size_t errlen);
int cwmp_build_change_du_state(acs_buf_t *b, const char *method, const json_t *params, char *err,
                               size_t errlen);

/* cwmp_build_vendor.c: 1 if method has the vendor form
 * ^X_[A-Za-z0-9]+_[A-Za-z0-9_]+$ and at most 64 characters. */
int cwmp_vendor_method(const char *method);
int cwmp_build_vendor(acs_buf_t *b, const char *method, const json_t *params, char *err,
                      size_t errlen);

#endif
