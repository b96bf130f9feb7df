/* cwmp: parsing one CPE body into a cwmp_msg_t (see cwmp.h).
 *
 * The body is hostile. libxml2 builds the tree through its SAX2 handlers,
 * which we wrap on a per-parse context: a DOCTYPE stops the parser before
 * its internal subset (where entities would be declared) is even read, and
 * every start tag is counted against the depth and element limits, so a
 * document over its bounds is never fully built. No global handler is
 * changed after cwmp_init(); errors are captured per parse.
 *
 * The tree is then read by namespace URI and local name only: Envelope,
 * Header (cwmp:ID, SessionTimeout, SupportedCWMPVersions), Body and its
 * first element, which cwmp_json.c turns into JSON.
 */
#include "cwmp.h"
#include "cwmp_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>

#include "acs_buf.h"

#define CWMP_NS_PREFIX "urn:dslforum-org:cwmp-1-"
#define ID_MAX 64 /* bytes of cwmp:ID kept */

/* Per-parse state, reached from the libxml2 context's _private. */
typedef struct {
    const cwmp_limits_t *lim;
    int depth;
    size_t elements;
    int stopped;   /* we halted the parser; msg says why */
    char msg[200]; /* first reason, ours or libxml2's */
} parse_state_t;

/* ---- small shared helpers ------------------------------------------------ */

void cwmp_seterr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (!err || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

size_t cwmp_utf8_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

int cwmp_ns_minor(const xmlChar *href)
{
    const char *h = (const char *)href;
    size_t plen = sizeof(CWMP_NS_PREFIX) - 1;
    if (!h || strncmp(h, CWMP_NS_PREFIX, plen) != 0)
        return -1;
    if (h[plen] < '0' || h[plen] > '9' || h[plen + 1] != '\0')
        return -1;
    return h[plen] - '0';
}

xmlNodePtr cwmp_x_next(xmlNodePtr n)
{
    for (n = n ? n->next : NULL; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE)
            return n;
    return NULL;
}

xmlNodePtr cwmp_x_first(xmlNodePtr n)
{
    if (!n)
        return NULL;
    for (n = n->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE)
            return n;
    return NULL;
}

xmlNodePtr cwmp_x_child(xmlNodePtr n, const char *local)
{
    for (xmlNodePtr c = cwmp_x_first(n); c; c = cwmp_x_next(c))
        if (strcmp((const char *)c->name, local) == 0)
            return c;
    return NULL;
}

int cwmp_x_is_soap(xmlNodePtr n, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           strcmp((const char *)n->ns->href, CWMP_NS_SOAP_ENV) == 0 &&
           strcmp((const char *)n->name, local) == 0;
}

static int is_xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int cwmp_x_text(xmlNodePtr n, const char *what, size_t maxchars, int trim, char **out,
                size_t *outlen, char *err, size_t errlen)
{
    acs_buf_t b = ACS_BUF_INIT;
    size_t start = 0, end;

    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next) {
        if ((c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE) || !c->content)
            continue;
        size_t l = strlen((const char *)c->content);
        if (b.len + l > CWMP_MAX_VALUE) {
            cwmp_seterr(err, errlen, "%s: longer than %d bytes", what, CWMP_MAX_VALUE);
            acs_buf_free(&b);
            return -1;
        }
        acs_buf_append(&b, c->content, l);
    }
    end = b.len;
    if (trim) {
        while (start < end && is_xml_space(b.data[start]))
            start++;
        while (end > start && is_xml_space(b.data[end - 1]))
            end--;
    }
    if (maxchars && cwmp_utf8_chars(b.data + start, end - start) > maxchars) {
        cwmp_seterr(err, errlen, "%s: longer than %zu characters", what, maxchars);
        acs_buf_free(&b);
        return -1;
    }
    *out = acs_xstrndup(b.data ? b.data + start : "", end - start);
    if (outlen)
        *outlen = end - start;
    acs_buf_free(&b);
    return 0;
}

int cwmp_x_set_str(json_t *obj, const char *key, xmlNodePtr parent, const char *child,
                   const char *what, size_t maxchars, int trim, char *err, size_t errlen)
{
    char *s;
    size_t len;
    json_t *v;

    if (cwmp_x_text(cwmp_x_child(parent, child), what, maxchars, trim, &s, &len, err, errlen) != 0)
        return -1;
    v = json_stringn(s, len);
    free(s);
    if (!v) {
        /* libxml2 hands out UTF-8 only; this would be a bug, not input. */
        cwmp_seterr(err, errlen, "%s: not valid UTF-8", what);
        return -1;
    }
    json_object_set_new(obj, key, v);
    return 0;
}

int cwmp_parse_ll(const char *s, long long min, long long max, long long *out)
{
    char *end;
    long long v;

    while (is_xml_space(*s))
        s++;
    if (*s == '\0')
        return -1;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || end == s)
        return -1;
    while (is_xml_space(*end))
        end++;
    if (*end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int cwmp_parse_bool(const char *s, int *out)
{
    size_t n;

    while (is_xml_space(*s))
        s++;
    n = strlen(s);
    while (n > 0 && is_xml_space(s[n - 1]))
        n--;
    if ((n == 4 && strncasecmp(s, "true", 4) == 0) || (n == 1 && s[0] == '1'))
        *out = 1;
    else if ((n == 5 && strncasecmp(s, "false", 5) == 0) || (n == 1 && s[0] == '0'))
        *out = 0;
    else
        return -1;
    return 0;
}

int cwmp_x_get_int(xmlNodePtr parent, const char *child, const char *what, int required,
                   long long dflt, long long min, long long max, long long *out, char *err,
                   size_t errlen)
{
    char *s;
    int rc = -1;

    if (cwmp_x_text(cwmp_x_child(parent, child), what, 64, 1, &s, NULL, err, errlen) != 0)
        return -1;
    if (!*s) {
        if (required)
            cwmp_seterr(err, errlen, "%s missing", what);
        else
            *out = dflt, rc = 0;
        goto out;
    }
    if (cwmp_parse_ll(s, min, max, out) != 0) {
        cwmp_seterr(err, errlen, "%s: not an integer in [%lld, %lld]", what, min, max);
        goto out;
    }
    rc = 0;
out:
    free(s);
    return rc;
}

int cwmp_x_set_int(json_t *obj, const char *key, xmlNodePtr parent, const char *child,
                   const char *what, long long dflt, long long min, long long max, char *err,
                   size_t errlen)
{
    long long v;

    if (cwmp_x_get_int(parent, child, what, 0, dflt, min, max, &v, err, errlen) != 0)
        return -1;
    json_object_set_new(obj, key, json_integer(v));
    return 0;
}

int cwmp_x_set_bool(json_t *obj, const char *key, xmlNodePtr parent, const char *child,
                    const char *what, int dflt, char *err, size_t errlen)
{
    char *s;
    int v = dflt, rc = -1;

    if (cwmp_x_text(cwmp_x_child(parent, child), what, 64, 1, &s, NULL, err, errlen) != 0)
        return -1;
    if (!*s && dflt < 0) {
        cwmp_seterr(err, errlen, "%s missing", what);
        goto out;
    }
    if (*s && cwmp_parse_bool(s, &v) != 0) {
        cwmp_seterr(err, errlen, "%s is not a boolean", what);
        goto out;
    }
    json_object_set_new(obj, key, json_boolean(v));
    rc = 0;
out:
    free(s);
    return rc;
}

int cwmp_x_require(xmlNodePtr parent, const char *child, const char *what, char *err, size_t errlen)
{
    if (cwmp_x_child(parent, child))
        return 0;
    cwmp_seterr(err, errlen, "%s missing", what);
    return -1;
}

/* ---- libxml2 handlers ---------------------------------------------------- */

static void state_stop(xmlParserCtxtPtr ctxt, const char *why)
{
    parse_state_t *st = ctxt->_private;
    if (!st->stopped)
        snprintf(st->msg, sizeof(st->msg), "%s", why);
    st->stopped = 1;
    xmlStopParser(ctxt);
}

static void on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *ext_id,
                               const xmlChar *sys_id)
{
    state_stop(ctx, "DOCTYPE not allowed (no DTDs, no entities)");
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                           const xmlChar *system_id, xmlChar *content)
{
    /* Unreachable once the DOCTYPE stops the parser; kept as a second lock. */
    state_stop(ctx, "entity declarations not allowed");
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                     int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
                     int nb_defaulted, const xmlChar **attributes)
{
    xmlParserCtxtPtr ctxt = ctx;
    parse_state_t *st = ctxt->_private;

    if (++st->depth > st->lim->max_depth) {
        state_stop(ctxt, "XML nested too deeply");
        return;
    }
    if (++st->elements > st->lim->max_elements) {
        state_stop(ctxt, "too many XML elements");
        return;
    }
    xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes,
                          nb_defaulted, attributes);
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
    parse_state_t *st = ((xmlParserCtxtPtr)ctx)->_private;
    st->depth--;
    xmlSAX2EndElementNs(ctx, localname, prefix, uri);
}

/* Keep libxml2's first message as the reason; print nothing. */
static void on_error(void *data, xmlErrorPtr e)
{
    xmlParserCtxtPtr ctxt = data;
    parse_state_t *st = ctxt ? ctxt->_private : NULL;
    size_t n;

    if (!st || st->msg[0] || !e || e->level < XML_ERR_ERROR)
        return;
    snprintf(st->msg, sizeof(st->msg), "XML line %d: %s", e->line,
             e->message ? e->message : "error");
    n = strlen(st->msg);
    while (n > 0 && (st->msg[n - 1] == '\n' || st->msg[n - 1] == ' '))
        st->msg[--n] = '\0';
    for (char *p = st->msg; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' '; /* one line: libxml2 appends "Bytes: ..." on its own */
}

static void silent_generic(void *ctx, const char *msg, ...)
{
}

static void silent_structured(void *ctx, xmlErrorPtr e)
{
}

void cwmp_init(void)
{
    xmlInitParser();
    /* Messages raised outside a parser context (encoding conversion) would
     * otherwise reach stderr: silence them for this thread and new ones. */
    xmlSetGenericErrorFunc(NULL, silent_generic);
    xmlThrDefSetGenericErrorFunc(NULL, silent_generic);
    xmlSetStructuredErrorFunc(NULL, silent_structured);
    xmlThrDefSetStructuredErrorFunc(NULL, silent_structured);
}

/* Build the tree within the limits. Returns the document or NULL with err. */
static xmlDocPtr read_doc(const char *buf, size_t len, const cwmp_limits_t *lim, char *err,
                          size_t errlen)
{
    parse_state_t st;
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc = NULL;
    int well_formed;

    memset(&st, 0, sizeof(st));
    st.lim = lim;
    ctxt = xmlCreateMemoryParserCtxt(buf, (int)len);
    if (!ctxt) {
        cwmp_seterr(err, errlen, "cannot create an XML parser");
        return NULL;
    }
    ctxt->_private = &st;
    ctxt->sax->internalSubset = on_internal_subset;
    ctxt->sax->externalSubset = on_internal_subset;
    ctxt->sax->entityDecl = on_entity_decl;
    ctxt->sax->startElementNs = on_start;
    ctxt->sax->endElementNs = on_end;
    ctxt->sax->serror = on_error;
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                XML_PARSE_NOCDATA);
    xmlParseDocument(ctxt);
    doc = ctxt->myDoc;
    ctxt->myDoc = NULL;
    well_formed = ctxt->wellFormed;
    xmlFreeParserCtxt(ctxt);
    /* A halted parse can look well formed: trust our own flag first. */
    if (st.stopped || !well_formed || !doc) {
        cwmp_seterr(err, errlen, "%s", st.msg[0] ? st.msg : "malformed XML");
        xmlFreeDoc(doc);
        return NULL;
    }
    if (doc->intSubset || doc->extSubset) {
        cwmp_seterr(err, errlen, "DOCTYPE not allowed (no DTDs, no entities)");
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

/* ---- envelope ------------------------------------------------------------ */

static int blank_body(const char *buf, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        i = 3; /* a UTF-8 byte order mark before nothing */
    for (; i < len; i++)
        if (!is_xml_space(buf[i]))
            return 0;
    return 1;
}

/* The header fields we read: ID (any cwmp-1-N), SessionTimeout,
 * SupportedCWMPVersions. Unknown header entries are ignored. */
typedef struct {
    int has_session_timeout;
    long long session_timeout;
    char *supported; /* malloc'd, or NULL */
    xmlNsPtr id_ns;  /* namespace of cwmp:ID, for faults */
} header_t;

static int read_header(xmlNodePtr hdr, cwmp_msg_t *m, header_t *h, char *err, size_t errlen)
{
    for (xmlNodePtr c = cwmp_x_first(hdr); c; c = cwmp_x_next(c)) {
        const char *name = (const char *)c->name;
        char *s;
        size_t len;

        if (!c->ns || cwmp_ns_minor(c->ns->href) < 0)
            continue;
        if (strcmp(name, "ID") == 0) {
            if (cwmp_x_text(c, "cwmp:ID", 0, 1, &s, &len, err, errlen) != 0)
                return -1;
            if (len > ID_MAX) {
                len = ID_MAX; /* cut on a character boundary */
                while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
                    len--;
            }
            memcpy(m->id, s, len);
            m->id[len] = '\0';
            m->has_id = 1;
            h->id_ns = c->ns;
            free(s);
        } else if (strcmp(name, "SessionTimeout") == 0 || strcmp(name, "sessionTimeout") == 0) {
            if (cwmp_x_text(c, "cwmp:SessionTimeout", 64, 1, &s, NULL, err, errlen) != 0)
                return -1;
            /* Informational (mustUnderstand 0): a garbled one is ignored. */
            if (cwmp_parse_ll(s, 0, INT_MAX, &h->session_timeout) == 0)
                h->has_session_timeout = 1;
            free(s);
        } else if (strcmp(name, "SupportedCWMPVersions") == 0 && !h->supported) {
            if (cwmp_x_text(c, "cwmp:SupportedCWMPVersions", 256, 1, &h->supported, NULL, err,
                            errlen) != 0)
                return -1;
        }
    }
    return 0;
}

static void set_ns(cwmp_msg_t *m, xmlNsPtr ns)
{
    if (!ns || cwmp_ns_minor(ns->href) < 0)
        return;
    snprintf(m->ns, sizeof(m->ns), "%s", (const char *)ns->href);
    m->ns_minor = cwmp_ns_minor(ns->href);
}

/* The Fault's namespace: that of detail/Fault if cwmp, else the header's. */
static void fault_ns(xmlNodePtr fault, cwmp_msg_t *m, const header_t *h)
{
    xmlNodePtr d = cwmp_x_child(cwmp_x_child(fault, "detail"), "Fault");
    set_ns(m, d ? d->ns : NULL);
    if (m->ns_minor < 0)
        set_ns(m, h->id_ns);
}

static int read_rpc(xmlNodePtr rpc, cwmp_msg_t *m, const header_t *h, char *err, size_t errlen)
{
    const char *name = (const char *)rpc->name;
    size_t n = strlen(name), sl = strlen("Response");
    char why[256] = "";

    if (!rpc->ns || cwmp_ns_minor(rpc->ns->href) < 0) {
        cwmp_seterr(err, errlen, "RPC element %.64s is not in a cwmp namespace", name);
        return -1;
    }
    if (n >= sizeof(m->method)) {
        cwmp_seterr(err, errlen, "RPC name longer than %zu", sizeof(m->method) - 1);
        return -1;
    }
    set_ns(m, rpc->ns);
    if (n > sl && strcmp(name + n - sl, "Response") == 0) {
        m->kind = CWMP_RESPONSE;
        memcpy(m->method, name, n - sl);
        m->method[n - sl] = '\0';
        m->body = cwmp_json_response(m->method, rpc, err, errlen);
    } else {
        m->kind = CWMP_REQUEST;
        memcpy(m->method, name, n + 1);
        m->body = cwmp_json_request(m->method, rpc, &m->bad_args, why, sizeof(why));
        if (!m->body)
            cwmp_seterr(err, errlen, "%s", why);
        else if (m->bad_args)
            cwmp_seterr(m->bad_args_reason, sizeof(m->bad_args_reason), "%s", why);
        if (m->body && strcmp(m->method, "Inform") == 0) {
            if (h->has_session_timeout)
                json_object_set_new(m->body, "session_timeout", json_integer(h->session_timeout));
            if (h->supported)
                json_object_set_new(m->body, "supported_versions", json_string(h->supported));
        }
    }
    return m->body ? 0 : -1;
}

static int read_envelope(xmlDocPtr doc, cwmp_msg_t *m, char *err, size_t errlen)
{
    xmlNodePtr env = xmlDocGetRootElement(doc), hdr = NULL, body = NULL, first;
    header_t h;
    int rc = -1;

    memset(&h, 0, sizeof(h));
    if (!cwmp_x_is_soap(env, "Envelope")) {
        cwmp_seterr(err, errlen, "root element is not a SOAP 1.1 Envelope");
        return -1;
    }
    for (xmlNodePtr c = cwmp_x_first(env); c; c = cwmp_x_next(c)) {
        if (!hdr && !body && cwmp_x_is_soap(c, "Header")) {
            hdr = c;
        } else if (cwmp_x_is_soap(c, "Body")) {
            if (body) {
                cwmp_seterr(err, errlen, "SOAP Envelope with more than one Body");
                return -1;
            }
            body = c;
        }
    }
    if (!body) {
        cwmp_seterr(err, errlen, "SOAP Envelope without a Body");
        return -1;
    }
    if (read_header(hdr, m, &h, err, errlen) != 0)
        goto out;
    first = cwmp_x_first(body);
    if (!first) {
        /* An envelope with an empty Body carries no request: like quirk 5. */
        m->kind = CWMP_EMPTY;
        rc = 0;
    } else if (cwmp_x_is_soap(first, "Fault")) {
        m->kind = CWMP_FAULT;
        fault_ns(first, m, &h);
        m->body = cwmp_json_fault(first, err, errlen);
        rc = m->body ? 0 : -1;
    } else {
        rc = read_rpc(first, m, &h, err, errlen);
    }
out:
    free(h.supported);
    return rc;
}

int cwmp_parse(const char *buf, size_t len, const cwmp_limits_t *lim, cwmp_msg_t *out, char *err,
               size_t errlen)
{
    static const cwmp_limits_t dflt = CWMP_LIMITS_DEFAULT;
    xmlDocPtr doc;
    int rc;

    memset(out, 0, sizeof(*out));
    out->ns_minor = -1;
    if (!lim)
        lim = &dflt;
    if (len > lim->max_bytes || len > INT_MAX) {
        cwmp_seterr(err, errlen, "body of %zu bytes over the limit of %zu", len, lim->max_bytes);
        return -1;
    }
    if (len == 0 || !buf || blank_body(buf, len)) {
        out->kind = CWMP_EMPTY;
        return 0;
    }
    doc = read_doc(buf, len, lim, err, errlen);
    if (!doc)
        return -1;
    rc = read_envelope(doc, out, err, errlen);
    xmlFreeDoc(doc);
    if (rc != 0) {
        cwmp_msg_clear(out);
        return -1;
    }
    if (out->kind == CWMP_EMPTY) {
        out->ns[0] = '\0';
        out->ns_minor = -1;
    }
    return 0;
}

void cwmp_msg_clear(cwmp_msg_t *m)
{
    if (!m)
        return;
    json_decref(m->body);
    memset(m, 0, sizeof(*m));
    m->ns_minor = -1;
}

/* ---- version negotiation (cwmp-reference.md 2.2) ------------------------- */

#define VERSION_MAX_MINOR 4 /* we speak 1.0 .. 1.4 */

/* Bit i set when "1.i" appears in the comma list s. */
static unsigned supported_mask(const char *s)
{
    unsigned mask = 0;

    while (*s) {
        const char *e = strchr(s, ',');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        while (n > 0 && is_xml_space(*s))
            s++, n--;
        while (n > 0 && is_xml_space(s[n - 1]))
            n--;
        if (n == 3 && s[0] == '1' && s[1] == '.' && s[2] >= '0' && s[2] <= '0' + VERSION_MAX_MINOR)
            mask |= 1u << (s[2] - '0');
        s += n;
        while (*s && *s != ',')
            s++;
        if (*s == ',')
            s++;
    }
    return mask;
}

int cwmp_negotiate_version(int ns_minor, const char *supported, int has_session_timeout,
                           char out[8])
{
    int minor;

    if (supported && supported[strspn(supported, " \t\r\n")] != '\0') {
        unsigned mask = supported_mask(supported);
        if (mask == 0)
            return -1;
        for (minor = VERSION_MAX_MINOR; !(mask & (1u << minor)); minor--)
            ;
    } else if (ns_minor <= 0) {
        minor = 0;
    } else if (ns_minor == 2) {
        /* cwmp-1-3.xsd kept the 1-2 namespace and added SessionTimeout. */
        minor = has_session_timeout ? 3 : 2;
    } else {
        minor = ns_minor > VERSION_MAX_MINOR ? VERSION_MAX_MINOR : ns_minor;
    }
    out[0] = '1';
    out[1] = '.';
    out[2] = (char)('0' + minor);
    out[3] = '\0';
    return 0;
}
