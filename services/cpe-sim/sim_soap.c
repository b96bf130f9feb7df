/* sim_soap: see sim_soap.h. */
#include "sim_soap.h"

#include <libxml/parser.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading ---- */

static void set_err(char *err, size_t errlen, const char *msg)
{
    if (errlen)
        snprintf(err, errlen, "%s", msg);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int all_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!is_blank(s[i]))
            return 0;
    }
    return 1;
}

int sim_soap_is_cwmp_ns(const char *ns)
{
    size_t plen = strlen(SIM_CWMP_NS_PREFIX);
    const char *p;
    if (!ns || strncmp(ns, SIM_CWMP_NS_PREFIX, plen) != 0)
        return 0;
    p = ns + plen;
    if (*p < '0' || *p > '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    return *p == '\0';
}

static const char *node_ns(xmlNodePtr n)
{
    return n && n->ns && n->ns->href ? (const char *)n->ns->href : "";
}

static int is_el(xmlNodePtr n, const char *ns, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, local) == 0 &&
           (!ns || strcmp(node_ns(n), ns) == 0);
}

static xmlNodePtr first_element(xmlNodePtr n)
{
    while (n && n->type != XML_ELEMENT_NODE)
        n = n->next;
    return n;
}

xmlNodePtr sim_soap_next(xmlNodePtr node)
{
    return node ? first_element(node->next) : NULL;
}

xmlNodePtr sim_soap_child(xmlNodePtr parent, const char *local)
{
    if (!parent)
        return NULL;
    for (xmlNodePtr c = first_element(parent->children); c; c = sim_soap_next(c)) {
        if (strcmp((const char *)c->name, local) == 0)
            return c;
    }
    return NULL;
}

char *sim_soap_text_raw(xmlNodePtr node)
{
    xmlChar *t = node ? xmlNodeGetContent(node) : NULL;
    char *s = acs_xstrdup(t ? (const char *)t : "");
    xmlFree(t);
    return s;
}

char *sim_soap_text(xmlNodePtr node)
{
    char *s = sim_soap_text_raw(node);
    size_t len = strlen(s), start = 0;
    while (len > 0 && is_blank(s[len - 1]))
        s[--len] = '\0';
    while (start < len && is_blank(s[start]))
        start++;
    memmove(s, s + start, len - start + 1);
    return s;
}

/* Copy the trimmed text of node into dst (cut to cap - 1 bytes). */
static void text_into(xmlNodePtr node, char *dst, size_t cap)
{
    char *t = sim_soap_text(node);
    snprintf(dst, cap, "%s", t);
    free(t);
}

static void parse_header(xmlNodePtr header, sim_soap_msg_t *msg)
{
    for (xmlNodePtr h = first_element(header ? header->children : NULL); h; h = sim_soap_next(h)) {
        if (!sim_soap_is_cwmp_ns(node_ns(h)))
            continue;
        if (!msg->ns[0])
            snprintf(msg->ns, sizeof msg->ns, "%s", node_ns(h));
        if (strcmp((const char *)h->name, "ID") == 0) {
            msg->has_id = 1;
            text_into(h, msg->id, sizeof msg->id);
        }
    }
}

/* faultcode/faultstring, then detail/cwmp:Fault {FaultCode, FaultString},
 * all found by local name (cwmp-reference.md 4.1: parse leniently). */
static void parse_fault(xmlNodePtr fault, sim_soap_msg_t *msg)
{
    xmlNodePtr cwmp = sim_soap_child(sim_soap_child(fault, "detail"), "Fault");
    char code[16];

    msg->kind = SIM_SOAP_FAULT;
    text_into(sim_soap_child(fault, "faultstring"), msg->fault_string, sizeof msg->fault_string);
    if (!cwmp)
        return;
    if (!msg->ns[0] && sim_soap_is_cwmp_ns(node_ns(cwmp)))
        snprintf(msg->ns, sizeof msg->ns, "%s", node_ns(cwmp));
    text_into(sim_soap_child(cwmp, "FaultCode"), code, sizeof code);
    msg->fault_code = atoi(code);
    if (sim_soap_child(cwmp, "FaultString"))
        text_into(sim_soap_child(cwmp, "FaultString"), msg->fault_string, sizeof msg->fault_string);
}

static int parse_envelope(sim_soap_msg_t *msg, char *err, size_t errlen)
{
    xmlNodePtr env = xmlDocGetRootElement(msg->doc), body = NULL, header = NULL;

    if (!is_el(env, SIM_SOAP_ENV_NS, "Envelope")) {
        set_err(err, errlen, "root is not a SOAP 1.1 Envelope");
        return -1;
    }
    for (xmlNodePtr c = first_element(env->children); c; c = sim_soap_next(c)) {
        if (is_el(c, SIM_SOAP_ENV_NS, "Header") && !header)
            header = c;
        else if (is_el(c, SIM_SOAP_ENV_NS, "Body") && !body)
            body = c;
    }
    if (!body) {
        set_err(err, errlen, "no soap Body");
        return -1;
    }
    parse_header(header, msg);
    msg->rpc = first_element(body->children);
    if (!msg->rpc)
        return 0;
    if (is_el(msg->rpc, SIM_SOAP_ENV_NS, "Fault")) {
        parse_fault(msg->rpc, msg);
        return 0;
    }
    snprintf(msg->method, sizeof msg->method, "%s", (const char *)msg->rpc->name);
    msg->rpc_is_cwmp = sim_soap_is_cwmp_ns(node_ns(msg->rpc));
    if (msg->rpc_is_cwmp)
        snprintf(msg->ns, sizeof msg->ns, "%s", node_ns(msg->rpc));
    size_t n = strlen(msg->method);
    msg->kind = n > 8 && strcmp(msg->method + n - 8, "Response") == 0 ? SIM_SOAP_RESPONSE
                                                                      : SIM_SOAP_REQUEST;
    return 0;
}

int sim_soap_parse(const char *body, size_t len, sim_soap_msg_t *msg, char *err, size_t errlen)
{
    const int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;

    memset(msg, 0, sizeof *msg);
    if (len > SIM_SOAP_MAX_BYTES || len > INT_MAX) {
        set_err(err, errlen, "message too large");
        return -1;
    }
    if (!body || all_blank(body, len))
        return 0;
    /* Refuse a DTD before libxml2 sees it: no entity games at all. */
    if (memmem(body, len, "<!DOCTYPE", 9) != NULL) {
        set_err(err, errlen, "DOCTYPE refused");
        return -1;
    }
    msg->doc = xmlReadMemory(body, (int)len, "acs.xml", NULL, opts);
    if (!msg->doc) {
        set_err(err, errlen, "not well-formed XML");
        return -1;
    }
    if (msg->doc->intSubset || msg->doc->extSubset) {
        set_err(err, errlen, "DOCTYPE refused");
        return -1;
    }
    return parse_envelope(msg, err, errlen);
}

void sim_soap_msg_clear(sim_soap_msg_t *msg)
{
    if (msg->doc)
        xmlFreeDoc(msg->doc);
    memset(msg, 0, sizeof *msg);
}

/* ---- writing ---- */

void sim_soap_begin(acs_buf_t *b, const char *ns, const char *id, const char *extra_header)
{
    acs_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<soap-env:Envelope xmlns:soap-env=\"" SIM_SOAP_ENV_NS "\""
                    " xmlns:soap-enc=\"" SIM_SOAP_ENC_NS "\""
                    " xmlns:xsd=\"" SIM_XSD_NS "\""
                    " xmlns:xsi=\"" SIM_XSI_NS "\""
                    " xmlns:cwmp=\"");
    acs_buf_put_xml(b, ns);
    acs_buf_puts(b, "\">\n");
    if (id || extra_header) {
        acs_buf_puts(b, "<soap-env:Header>");
        if (id) {
            acs_buf_puts(b, "<cwmp:ID soap-env:mustUnderstand=\"1\">");
            acs_buf_put_xml(b, id);
            acs_buf_puts(b, "</cwmp:ID>");
        }
        if (extra_header)
            acs_buf_puts(b, extra_header);
        acs_buf_puts(b, "</soap-env:Header>\n");
    }
    acs_buf_puts(b, "<soap-env:Body>");
}

void sim_soap_end(acs_buf_t *b)
{
    acs_buf_puts(b, "</soap-env:Body>\n</soap-env:Envelope>\n");
}

const char *sim_soap_fault_string(int code)
{
    switch (code) {
    case 9000:
        return "Method not supported";
    case 9001:
        return "Request denied";
    case 9002:
        return "Internal error";
    case 9003:
        return "Invalid arguments";
    case 9004:
        return "Resources exceeded";
    case 9005:
        return "Invalid parameter name";
    case 9006:
        return "Invalid parameter type";
    case 9007:
        return "Invalid parameter value";
    case 9008:
        return "Attempt to set a non-writable parameter";
    case 9009:
        return "Notification request rejected";
    default:
        return "Fault";
    }
}

void sim_soap_fault(acs_buf_t *b, const char *ns, const char *id, int code,
                    const sim_spv_fault_t *pf, size_t n)
{
    int client = code == 9003 || (code >= 9005 && code <= 9008);

    sim_soap_begin(b, ns, id, NULL);
    acs_buf_printf(b,
                   "<soap-env:Fault><faultcode>%s</faultcode><faultstring>CWMP fault</faultstring>"
                   "<detail><cwmp:Fault><FaultCode>%d</FaultCode><FaultString>%s</FaultString>",
                   client ? "Client" : "Server", code, sim_soap_fault_string(code));
    for (size_t i = 0; i < n; i++) {
        acs_buf_puts(b, "<SetParameterValuesFault><ParameterName>");
        acs_buf_put_xml(b, pf[i].name);
        acs_buf_printf(b,
                       "</ParameterName><FaultCode>%d</FaultCode><FaultString>%s</FaultString>"
                       "</SetParameterValuesFault>",
                       pf[i].code, sim_soap_fault_string(pf[i].code));
    }
    acs_buf_puts(b, "</cwmp:Fault></detail></soap-env:Fault>");
    sim_soap_end(b);
}
