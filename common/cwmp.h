/* cwmp: the CWMP SOAP codec. Pure: bytes in, bytes out, no I/O, no globals
 * that change after cwmp_init().
 *
 * Parsing turns one HTTP body from a CPE into a cwmp_msg_t whose body is
 * JSON (jansson) in the shapes of proto-json/, so the gateway can publish it
 * without knowing each method. Building turns an RPC request (method + JSON
 * params, as workers send them) into the SOAP envelope for the CPE.
 *
 * Input is hostile: no DTD (a DOCTYPE is rejected before anything is
 * expanded), no entities, no network, bounded size, depth and element count.
 * Names are matched by namespace URI and local name, never by prefix
 * (cwmp-reference.md 2.1, quirks 2, 3, 6, 7, 10, 11, 12).
 */
#ifndef CWMP_H
#define CWMP_H

#include <jansson.h>
#include <stddef.h>

#include "acs_buf.h"

/* Bounds applied to one message. */
typedef struct {
    size_t max_bytes;    /* whole body */
    int max_depth;       /* element nesting */
    size_t max_elements; /* elements in the document */
} cwmp_limits_t;

#define CWMP_LIMITS_DEFAULT {1024 * 1024, 32, 100000}

typedef enum {
    CWMP_EMPTY = 0, /* no element at all: the CPE's empty POST (quirk 5) */
    CWMP_REQUEST,   /* a CPE request: Inform, TransferComplete, GetRPCMethods, ... */
    CWMP_RESPONSE,  /* <Method>Response answering an ACS request */
    CWMP_FAULT,     /* SOAP Fault answering an ACS request */
} cwmp_kind_t;

typedef struct {
    cwmp_kind_t kind;
    char ns[64];    /* the cwmp namespace URI used, "" for CWMP_EMPTY */
    int ns_minor;   /* N of urn:dslforum-org:cwmp-1-N, -1 if none */
    int has_id;     /* cwmp:ID present */
    char id[65];    /* cwmp:ID text (trimmed, cut at 64 bytes), "" if absent */
    char method[65]; /* request: "Inform"...; response: the method answered
                        ("GetParameterValues" for GetParameterValuesResponse);
                        fault: ""; empty: "" */
    json_t *body;   /* owned; JSON object, see below; NULL for CWMP_EMPTY */
} cwmp_msg_t;

/* JSON shapes of cwmp_msg_t.body (field names as in proto-json/):
 *
 * Inform (REQUEST):
 *   {"device": {"manufacturer","oui","product_class","serial_number"},
 *    "events": [{"code","command_key"}], "max_envelopes": int,
 *    "current_time": str, "retry_count": int,
 *    "parameters": [{"name","value","type"}],
 *    "session_timeout": int (only if the header was sent),
 *    "supported_versions": str (only if the header was sent)}
 *   An Inform with an empty OUI or SerialNumber is a parse error. EventStructs
 *   without an EventCode are skipped; more than 64 events is an error.
 *   "type" is the local part of xsi:type ("string" when absent).
 * TransferComplete (REQUEST):
 *   {"command_key", "fault": {"code": int, "string"}, "start_time", "complete_time"}
 * AutonomousTransferComplete (REQUEST):
 *   {"announce_url","transfer_url","is_download": bool,"file_type","file_size": int,
 *    "target_file_name","fault":{...},"start_time","complete_time"}
 * GetRPCMethods (REQUEST): {}
 * RequestDownload (REQUEST): {"file_type", "file_type_args": [{"name","value"}]}
 * Any other request: {} with method set (the gateway answers fault 8000).
 * GetParameterValues (RESPONSE): {"parameters": [{"name","value","type"}]}
 * SetParameterValues (RESPONSE): {"status": int}
 * GetParameterNames (RESPONSE): {"parameters": [{"name","writable": bool}]}
 * GetRPCMethods (RESPONSE): {"methods": [str]}
 * Reboot and other empty responses (RESPONSE): {}
 * Unknown responses: children converted generically (text -> string, nested
 *   -> object, repeated -> array), so new methods pass through.
 * Fault: {"faultcode": "Client"|"Server"|..., "code": int, "string": str,
 *         "set_parameter_faults": [{"name","code","string"}]} (last only if any)
 */

/* Call once per process before any other cwmp_ function (sets libxml2's
 * global defaults safely). Not thread-safe itself. */
void cwmp_init(void);

/* Parse one body. Returns 0 and fills *out (caller calls cwmp_msg_clear), or
 * -1 with a one-line reason in err (then *out needs no clearing). Whitespace
 * only, or len 0, is CWMP_EMPTY. Never blocks. */
int cwmp_parse(const char *buf, size_t len, const cwmp_limits_t *lim, cwmp_msg_t *out,
               char *err, size_t errlen) __attribute__((warn_unused_result));

/* Free what cwmp_parse allocated; safe on a zeroed or cleared message. */
void cwmp_msg_clear(cwmp_msg_t *m);

/* Pick the version for UseCWMPVersion (cwmp-reference.md 2.2): ns_minor of
 * the Inform, the SupportedCWMPVersions header (may be NULL) and whether a
 * SessionTimeout header was present. Writes "1.0".."1.4" into out[8].
 * Returns 0, or -1 when there is no common version (answer fault 8006). */
int cwmp_negotiate_version(int ns_minor, const char *supported, int has_session_timeout,
                           char out[8]) __attribute__((warn_unused_result));

/* Builders. Each appends one complete envelope to out: all five xmlns with
 * prefixes on Envelope (soap-env, soap-enc, xsd, xsi, cwmp), the given cwmp
 * namespace URI, cwmp:ID with mustUnderstand="1" (id is escaped; NULL or ""
 * means no ID element). They never fail except cwmp_build_request. */

/* InformResponse; use_version non-NULL adds cwmp:UseCWMPVersion. */
void cwmp_build_inform_response(acs_buf_t *out, const char *ns, const char *id,
                                const char *use_version);

/* An argument-less response to a CPE request: <cwmp:{method}Response/>, e.g.
 * method "TransferComplete" or "AutonomousTransferComplete" or "RequestDownload". */
void cwmp_build_empty_response(acs_buf_t *out, const char *ns, const char *id,
                               const char *method);

/* GetRPCMethodsResponse listing methods (NULL-terminated). */
void cwmp_build_get_rpc_methods_response(acs_buf_t *out, const char *ns, const char *id,
                                         const char *const *methods);

/* An ACS fault (4.3): faultcode Client for 8003, Server otherwise;
 * faultstring "CWMP fault", detail/cwmp:Fault with FaultCode and FaultString. */
void cwmp_build_fault(acs_buf_t *out, const char *ns, const char *id, int code,
                      const char *string);

/* An ACS request to the CPE. hold_requests adds cwmp:HoldRequests = 1.
 * method and params as in proto-json/rpc-request.schema.json:
 *   GetParameterValues {"names": [str, ...]}                 (1..1024 names)
 *   SetParameterValues {"values": [{"name","value","type"}], "parameter_key"}
 *        (type optional: xsd:string by default; "int", "xsd:int",
 *         "boolean", "unsignedInt", "dateTime", "base64", ... accepted with
 *         or without the xsd: prefix; values may be JSON strings, numbers or
 *         booleans, booleans sent as 1/0 (quirk 8))
 *   GetParameterNames  {"path": str, "next_level": bool}
 *   Reboot             {"command_key": str}               (params may be {})
 * Arrays carry the right soap-enc:arrayType count. Returns 0, or -1 with a
 * reason in err (unknown method, missing or mistyped argument, a string over
 * its schema length) and nothing appended. */
int cwmp_build_request(acs_buf_t *out, const char *ns, const char *id, int hold_requests,
                       const char *method, const json_t *params, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* 1 if the gateway can build method (cwmp_build_request knows it). */
int cwmp_method_supported(const char *method);

#endif
