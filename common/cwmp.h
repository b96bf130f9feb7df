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

#define CWMP_LIMITS_DEFAULT                                                                        \
    {                                                                                              \
        1024 * 1024, 32, 100000                                                                    \
    }

typedef enum {
    CWMP_EMPTY = 0, /* no element at all: the CPE's empty POST (quirk 5) */
    CWMP_REQUEST,   /* a CPE request: Inform, TransferComplete, GetRPCMethods, ... */
    CWMP_RESPONSE,  /* <Method>Response answering an ACS request */
    CWMP_FAULT,     /* SOAP Fault answering an ACS request */
} cwmp_kind_t;

typedef struct {
    cwmp_kind_t kind;
    char ns[64];     /* the cwmp namespace URI used, "" for CWMP_EMPTY */
    int ns_minor;    /* N of urn:dslforum-org:cwmp-1-N, -1 if none */
    int has_id;      /* cwmp:ID present */
    char id[65];     /* cwmp:ID text (trimmed, cut at 64 bytes), "" if absent */
    char method[65]; /* request: "Inform"...; response: the method answered
                        ("GetParameterValues" for GetParameterValuesResponse);
                        fault: ""; empty: "" */
    json_t *body;    /* owned; JSON object, see below; NULL for CWMP_EMPTY */
    /* CWMP_REQUEST only: 1 when a known ACS method (TransferComplete,
     * AutonomousTransferComplete, DUStateChangeComplete,
     * AutonomousDUStateChangeComplete, RequestDownload, Kicked) came with a
     * mandatory argument missing or malformed (absent, not a number or
     * boolean, over its bound, too many entries). cwmp_parse still returns
     * 0, so the gateway can answer ACS fault 8003 with the request's cwmp:ID;
     * body is then {} and must not be published. 0 otherwise. */
    int bad_args;
    char bad_args_reason[128]; /* one line naming the argument, "" if !bad_args */
} cwmp_msg_t;

/* JSON shapes of cwmp_msg_t.body (field names as in docs/rpc-methods.md and
 * proto-json/). Numbers and booleans are read after trimming (quirk 12),
 * booleans as true/false/1/0 in any case; strings are kept as sent except
 * names, URLs, file types, states and times, which are trimmed.
 *
 * CPE requests (CWMP_REQUEST):
 * Inform:
 *   {"device": {"manufacturer","oui","product_class","serial_number"},
 *    "events": [{"code","command_key"}], "max_envelopes": int,
 *    "current_time": str, "retry_count": int,
 *    "parameters": [{"name","value","type"}],
 *    "session_timeout": int (only if the header was sent),
 *    "supported_versions": str (only if the header was sent)}
 *   An Inform with an empty OUI or SerialNumber is a parse error. EventStructs
 *   without an EventCode are skipped; more than 64 events is an error.
 *   "type" is the local part of xsi:type ("string" when absent).
 * TransferComplete:
 *   {"command_key", "fault": {"code": int, "string"}, "start_time", "complete_time"}
 *   bad_args: CommandKey or FaultStruct/FaultCode missing, FaultCode not a
 *   number >= 0.
 * AutonomousTransferComplete:
 *   {"announce_url","transfer_url","is_download": bool,"file_type","file_size": int,
 *    "target_file_name","fault":{"code","string"},"start_time","complete_time"}
 *   bad_args: IsDownload missing or not a boolean, FileType missing or
 *   empty, FaultStruct/FaultCode missing or not a number.
 * DUStateChangeComplete:
 *   {"command_key", "results": [{"uuid","deployment_unit_ref","version",
 *    "current_state","resolved": bool,"execution_unit_refs","start_time",
 *    "complete_time","fault": {"code": int,"string"}}]}
 *   Results are read whether repeated (the XSD) or wrapped in an array
 *   element. bad_args: no Results, more than 64, a result without
 *   Fault/FaultCode, a non-numeric FaultCode or non-boolean Resolved
 *   (absent Resolved is false). CommandKey is optional ("").
 * AutonomousDUStateChangeComplete:
 *   {"results": [... as above, plus "operation_performed"]}
 *   bad_args: as above, and OperationPerformed missing.
 * RequestDownload: {"file_type", "file_type_args": [{"name","value"}]}
 *   bad_args: FileType missing or empty, more than 16 FileTypeArg entries.
 * Kicked: {"command","referer","arg","next"}
 *   bad_args: any of the four missing.
 * Any of these with a text over its schema bound is bad_args too.
 * GetRPCMethods: {}
 * Any other request: {} with method set (the gateway answers fault 8000).
 *
 * Responses (CWMP_RESPONSE), method = the RPC answered:
 * GetRPCMethods: {"methods": [str]}
 * GetParameterNames: {"parameters": [{"name","writable": bool}]}
 * GetParameterValues: {"parameters": [{"name","value","type"}]}
 * SetParameterValues: {"status": 0|1}
 * GetParameterAttributes:
 *   {"parameters": [{"name","notification": 0..6,"access_list": [str]}]}
 * AddObject: {"instance_number": int >= 1, "status": 0|1}
 * DeleteObject: {"status": 0|1}
 * Download, Upload: {"status": 0|1, "start_time", "complete_time"}
 * GetQueuedTransfers: {"transfers": [{"command_key","state": 1..3}]}
 * GetAllQueuedTransfers: {"transfers": [{"command_key","state": 1..3,
 *   "is_download": bool,"file_type","file_size": int,"target_file_name"}]}
 * Reboot, FactoryReset, SetParameterAttributes, ScheduleInform,
 *   ScheduleDownload, CancelTransfer, ChangeDUState: {} (children ignored)
 * Vendor and unknown responses: children converted generically (text ->
 *   string, nested -> object, repeated -> array), so new methods pass
 *   through. A response of a known shape that breaks it (a Status of 2, a
 *   missing InstanceNumber) is a parse error.
 *
 * Fault (CWMP_FAULT), whatever the code (9000..9899, an 8xxx from a
 * confused CPE, vendor codes):
 *   {"faultcode": "Client"|"Server"|..., "code": int, "string": str,
 *    "set_parameter_faults": [{"name","code","string"}]} (last only if any)
 *   A SOAP Fault without a CWMP detail gives code 0 and the faultstring.
 */

/* Call once per process before any other cwmp_ function (sets libxml2's
 * global defaults safely). Not thread-safe itself. */
void cwmp_init(void);

/* Parse one body. Returns 0 and fills *out (caller calls cwmp_msg_clear), or
 * -1 with a one-line reason in err (then *out needs no clearing). Whitespace
 * only, or len 0, is CWMP_EMPTY. Never blocks. */
int cwmp_parse(const char *buf, size_t len, const cwmp_limits_t *lim, cwmp_msg_t *out, char *err,
               size_t errlen) __attribute__((warn_unused_result));

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
 * method "TransferComplete", "AutonomousTransferComplete", "RequestDownload",
 * "DUStateChangeComplete" or "AutonomousDUStateChangeComplete". */
void cwmp_build_empty_response(acs_buf_t *out, const char *ns, const char *id, const char *method);

/* GetRPCMethodsResponse listing methods (NULL-terminated). */
void cwmp_build_get_rpc_methods_response(acs_buf_t *out, const char *ns, const char *id,
                                         const char *const *methods);

/* KickedResponse with NextURL = next_url (NULL gives ""; the caller keeps it
 * within 1024 characters, as the parsed Kicked "next" is). */
void cwmp_build_kicked_response(acs_buf_t *out, const char *ns, const char *id,
                                const char *next_url);

/* A fault (cwmp-reference.md 4.1): faultcode cwmp_faultcode_for(code),
 * faultstring "CWMP fault", detail/cwmp:Fault with FaultCode and FaultString
 * (string, or when NULL or "" the table's text for code, or "CWMP fault").
 * Meant for ACS faults 8000..8006, but any code is written as given. */
void cwmp_build_fault(acs_buf_t *out, const char *ns, const char *id, int code, const char *string);

/* The standard text of a fault code: ACS faults 8000..8006 (4.3) and CPE
 * faults 9000..9032 (4.2), e.g. 8003 "Invalid arguments", 9005 "Invalid
 * parameter name". A static string, or NULL for any other code (reserved or
 * vendor ranges). */
const char *cwmp_fault_text(int code);

/* The SOAP faultcode that goes with a fault code: "Client" for 8003, 9003
 * and 9005..9008 (the requester's arguments were wrong), "Server" for every
 * other code. A static string, never NULL. */
const char *cwmp_faultcode_for(int code);

/* An ACS request to the CPE: method and params as in docs/rpc-methods.md.
 * hold_requests adds cwmp:HoldRequests = 1 (quirk 9). params must be a JSON
 * object; NULL is accepted as {} for the methods whose params are all
 * optional (GetRPCMethods, Reboot, FactoryReset, GetQueuedTransfers,
 * GetAllQueuedTransfers, vendor methods).
 *
 *   GetRPCMethods          {}
 *   GetParameterNames      {"path" <=256 ("" = root), "next_level": bool}
 *   GetParameterValues     {"names": [str <=256] 1..1024}
 *   SetParameterValues     {"values": [{"name" 1..256, "value", "type"?}] 1..1024,
 *                           "parameter_key"? <=32}
 *        type: xsd:string by default (xsd:boolean for a JSON boolean);
 *        string, int, unsignedInt, long, unsignedLong, boolean, dateTime,
 *        base64, base64Binary, hexBinary, decimal, with or without "xsd:".
 *        Values may be strings, numbers or booleans and must fit the type;
 *        booleans go out as 1/0 (quirk 8); a dateTime loses its fractional
 *        seconds ("...:00.123Z" -> "...:00Z", quirk 8). A name may appear once.
 *   GetParameterAttributes {"names": [str <=256] 1..1024}
 *   SetParameterAttributes {"attributes": [{"name" <=256, "notification"? 0..6,
 *                           "access_list"? [str <=64] <=64}] 1..1024}
 *        present notification: NotificationChange 1; absent: 0 and
 *        Notification 0; likewise access_list (absent: AccessListChange 0 and
 *        an empty list). An attribute with neither is refused.
 *   AddObject, DeleteObject {"object" 1..256 ending in ".", "parameter_key"? <=32}
 *   Reboot                 {"command_key"? <=32}
 *   FactoryReset           {}
 *   Download               {"command_key"? <=32, "file_type" 1..64, "url" 1..256,
 *                           "username"? <=256, "password"? <=256,
 *                           "file_size"? 0..4294967295, "target_file_name"? <=256,
 *                           "delay_seconds"? 0..4294967295, "success_url"? <=256,
 *                           "failure_url"? <=256}
 *   Upload                 {"command_key"?, "file_type", "url", "username"?,
 *                           "password"?, "delay_seconds"?} (bounds as Download)
 *   ScheduleInform         {"delay_seconds" 1..4294967295, "command_key"? <=32}
 *   GetQueuedTransfers, GetAllQueuedTransfers {}
 *   ScheduleDownload       {"command_key"?, "file_type", "url", "username"?,
 *                           "password"?, "file_size"?, "target_file_name"?,
 *                           "time_windows": [{"window_start" 0..4294967295,
 *                           "window_end" window_start..4294967295,
 *                           "window_mode" 1..64, "user_message"? <=256,
 *                           "max_retries"? -1..2147483647 (default -1)}] 1..2}
 *        (two windows must not overlap)
 *   CancelTransfer         {"command_key" <=32}
 *   ChangeDUState          {"command_key"? <=32, "operations": [op] 1..16}
 *        op {"operation": "install", "url" 1..1024, "uuid"?, "username"? <=256,
 *            "password"? <=256, "execution_env_ref"? <=256}
 *           {"operation": "update", "uuid"?, "version"? <=32, "url"? <=1024,
 *            "username"?, "password"?}
 *           {"operation": "uninstall", "uuid", "version"?, "execution_env_ref"?}
 *        uuid: 8-4-4-4-12 hex digits (36 characters). Each op is an
 *        <Operations xsi:type="cwmp:InstallOpStruct"> (UpdateOpStruct,
 *        UninstallOpStruct); optional members absent or "" are left out.
 *   X_<vendor>_<Name>      (^X_[A-Za-z0-9]+_[A-Za-z0-9_]+$, <= 64 chars) any
 *        object: each member becomes a child element in order; a string or
 *        number its text, a boolean 1/0, an object a nested element, an
 *        array one element per item (items: scalars or objects). Member
 *        names must match ^[A-Za-z_][A-Za-z0-9_.-]*$; nesting at most 8
 *        deep; at most 64 KiB as compact JSON; null is refused.
 *
 * Optional members may be absent or null: strings default to "", integers
 * to 0 (max_retries to -1). Members not listed are ignored. Element order
 * follows cwmp-1-2.xsd; arrays carry soap-enc:arrayType with their count
 * ("xsd:string[n]", "cwmp:SetParameterAttributesStruct[n]",
 * "cwmp:TimeWindowStruct[n]", ...).
 *
 * Returns 0, or -1 with a one-line reason in err naming the argument (e.g.
 * "Download: url missing", "AddObject: object must end in '.'", "unknown
 * method Foo") and nothing appended to out. Reasons never contain the value
 * of a password. Never blocks. */
int cwmp_build_request(acs_buf_t *out, const char *ns, const char *id, int hold_requests,
                       const char *method, const json_t *params, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* 1 if cwmp_build_request knows method: every CPE method above, and any
 * name of the vendor form X_<vendor>_<Name>. */
int cwmp_method_supported(const char *method);

#endif
