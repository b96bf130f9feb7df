/* sim_soap: the CPE side of the CWMP SOAP envelope. Parses what an ACS sends
 * (libxml2, no DTD, no network, names matched by namespace URI and local
 * name, never by prefix: cwmp-reference.md 2.1, quirks 2, 3, 6, 10, 12) and
 * writes the envelopes a CPE sends (all five namespaces prefixed on the
 * Envelope, cwmp:ID echoed).
 *
 * Pure: bytes in, bytes out; nothing blocks. Input is hostile: bounded
 * size, a DOCTYPE is refused, a malformed message is an error code.
 */
#ifndef SIM_SOAP_H
#define SIM_SOAP_H

#include <libxml/tree.h>
#include <stddef.h>

#include "acs_buf.h"

#define SIM_SOAP_ENV_NS "http://schemas.xmlsoap.org/soap/envelope/"
#define SIM_SOAP_ENC_NS "http://schemas.xmlsoap.org/soap/encoding/"
#define SIM_XSD_NS "http://www.w3.org/2001/XMLSchema"
#define SIM_XSI_NS "http://www.w3.org/2001/XMLSchema-instance"
#define SIM_CWMP_NS_PREFIX "urn:dslforum-org:cwmp-1-"

/* Largest ACS message accepted. */
#define SIM_SOAP_MAX_BYTES (4 * 1024 * 1024)

typedef enum {
    SIM_SOAP_EMPTY = 0, /* no Body element: the ACS has nothing to say */
    SIM_SOAP_REQUEST,   /* an RPC for the CPE: GetParameterValues... */
    SIM_SOAP_RESPONSE,  /* <Method>Response: InformResponse... */
    SIM_SOAP_FAULT,     /* a SOAP Fault */
} sim_soap_kind_t;

typedef struct {
    sim_soap_kind_t kind;
    char ns[80];     /* cwmp namespace URI of the message, "" if none seen */
    int has_id;      /* a cwmp:ID header was present */
    char id[65];     /* its text (trimmed, cut at 64 bytes) */
    char method[65]; /* local name of the Body element ("" for EMPTY/FAULT) */
    int rpc_is_cwmp; /* the Body element is in a cwmp namespace */
    int fault_code;  /* FAULT: cwmp FaultCode, 0 if absent */
    char fault_string[257];
    xmlDocPtr doc;  /* owned; NULL for an all-blank body */
    xmlNodePtr rpc; /* the Body element (inside doc), NULL if EMPTY */
} sim_soap_msg_t;

/* Parse one ACS HTTP body (len bytes). A blank body (whitespace only) is
 * EMPTY. Returns 0 and fills msg (release with sim_soap_msg_clear), or -1
 * with a short reason in err (errlen bytes) for anything that is not a SOAP
 * 1.1 envelope. msg needs clearing in both cases. */
int sim_soap_parse(const char *body, size_t len, sim_soap_msg_t *msg, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Free what a parse allocated; msg is left EMPTY. Accepts a cleared msg. */
void sim_soap_msg_clear(sim_soap_msg_t *msg);

/* 1 if ns is urn:dslforum-org:cwmp-1-N. */
int sim_soap_is_cwmp_ns(const char *ns);

/* Argument access (children are unqualified, so matched by local name only).
 * First element child of parent named local (NULL: none); next element
 * sibling of node; the text of node trimmed of blanks as a new string the
 * caller frees (never NULL; "" for a NULL node). */
xmlNodePtr sim_soap_child(xmlNodePtr parent, const char *local);
xmlNodePtr sim_soap_next(xmlNodePtr node);
char *sim_soap_text(xmlNodePtr node);
/* The same without trimming: string values keep their blanks (quirk 12). */
char *sim_soap_text_raw(xmlNodePtr node);

/* Envelope writing. begin writes the XML declaration, the Envelope with the
 * five namespaces (cwmp = ns), a Header with cwmp:ID (if id is not NULL)
 * and the extra header XML (if not NULL), and opens the Body; end closes
 * them. */
void sim_soap_begin(acs_buf_t *b, const char *ns, const char *id, const char *extra_header);
void sim_soap_end(acs_buf_t *b);

/* One SetParameterValuesFault entry. */
typedef struct {
    const char *name;
    int code;
} sim_spv_fault_t;

/* A whole envelope holding a CWMP fault: code, its standard string, and for
 * SetParameterValues the per-parameter faults (n may be 0). faultcode is
 * Client for 9003 and 9005..9008, Server otherwise. */
void sim_soap_fault(acs_buf_t *b, const char *ns, const char *id, int code,
                    const sim_spv_fault_t *pf, size_t n);

/* The standard FaultString of a CPE fault code (cwmp-reference.md 4.2). */
const char *sim_soap_fault_string(int code);

#endif
