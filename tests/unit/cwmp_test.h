/* Helpers shared by the codec unit tests (tests/unit/test_cwmp*.c). */
#ifndef CWMP_TEST_H
#define CWMP_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "acs_buf.h"
#include "cwmp.h"

/* ---- helpers ------------------------------------------------------------- */

#define NS_ENV "http://schemas.xmlsoap.org/soap/envelope/"
#define NS_ENC "http://schemas.xmlsoap.org/soap/encoding/"
#define NS_XSD "http://www.w3.org/2001/XMLSchema"
#define NS_XSI "http://www.w3.org/2001/XMLSchema-instance"
#define NS_CWMP0 "urn:dslforum-org:cwmp-1-0"

/* Envelope start with the usual prefixes and cwmp URI ns. */
#define ENV_OPEN(ns)                                                                               \
    "<soap-env:Envelope xmlns:soap-env=\"" NS_ENV "\" xmlns:soap-enc=\"" NS_ENC                    \
    "\" xmlns:xsd=\"" NS_XSD "\" xmlns:xsi=\"" NS_XSI "\" xmlns:cwmp=\"" ns "\">"
#define ENV_CLOSE "</soap-env:Envelope>"
/* A whole envelope: header content h, body content b, cwmp-1-0. */
#define ENV(h, b)                                                                                  \
    ENV_OPEN(NS_CWMP0)                                                                             \
    "<soap-env:Header>" h "</soap-env:Header><soap-env:Body>" b "</soap-env:Body>" ENV_CLOSE

static inline void parse_ok_n(const char *xml, size_t len, cwmp_msg_t *m)
{
    char err[256] = "";
    int rc = cwmp_parse(xml, len, NULL, m, err, sizeof(err));
    if (rc != 0)
        fail_msg("parse failed: %s", err);
}

static inline void parse_ok(const char *xml, cwmp_msg_t *m)
{
    parse_ok_n(xml, strlen(xml), m);
}

/* Expect a failure whose reason contains sub (if given); *out untouched-clean. */
static inline void parse_fail_lim(const char *xml, size_t len, const cwmp_limits_t *lim,
                                  const char *sub)
{
    char err[256] = "";
    cwmp_msg_t m;
    memset(&m, 0x5a, sizeof(m));
    assert_int_equal(cwmp_parse(xml, len, lim, &m, err, sizeof(err)), -1);
    assert_true(err[0] != '\0');
    assert_null(m.body);
    assert_null(strchr(err, '\n'));
    if (sub && !strstr(err, sub))
        fail_msg("reason '%s' lacks '%s'", err, sub);
}

static inline void parse_fail(const char *xml, const char *sub)
{
    parse_fail_lim(xml, strlen(xml), NULL, sub);
}

static inline const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("'%s' is not a string", key);
    return json_string_value(v);
}

static inline json_int_t jint(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("'%s' is not an integer", key);
    return json_integer_value(v);
}

static inline const json_t *jarr(const json_t *o, const char *key, size_t n)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_array(v))
        fail_msg("'%s' is not an array", key);
    assert_int_equal(json_array_size(v), n);
    return v;
}

static inline void check_param(const json_t *arr, size_t i, const char *name, const char *value,
                               const char *type)
{
    const json_t *p = json_array_get(arr, i);
    assert_non_null(p);
    assert_string_equal(jstr(p, "name"), name);
    assert_string_equal(jstr(p, "value"), value);
    assert_string_equal(jstr(p, "type"), type);
    assert_int_equal(json_object_size(p), 3);
}
/* ---- reading back what a builder wrote ------------------------------------ */

static inline xmlDocPtr read_back(const acs_buf_t *b)
{
    xmlDocPtr doc = xmlReadMemory(b->data, (int)b->len, NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        fail_msg("builder output is not XML: %s", b->data);
    return doc;
}

/* The string value of an XPath over doc, with prefixes e, c, enc, xsi. */
static inline char *xp(xmlDocPtr doc, const char *cwmp_ns, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr r;
    xmlChar *s;
    char *out;

    xmlXPathRegisterNs(ctx, BAD_CAST "e", BAD_CAST NS_ENV);
    xmlXPathRegisterNs(ctx, BAD_CAST "enc", BAD_CAST NS_ENC);
    xmlXPathRegisterNs(ctx, BAD_CAST "xsi", BAD_CAST NS_XSI);
    xmlXPathRegisterNs(ctx, BAD_CAST "c", BAD_CAST cwmp_ns);
    r = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    if (!r)
        fail_msg("bad xpath %s", expr);
    s = xmlXPathCastToString(r);
    out = strdup((const char *)s);
    xmlFree(s);
    xmlXPathFreeObject(r);
    xmlXPathFreeContext(ctx);
    return out;
}

static inline void assert_xp(xmlDocPtr doc, const char *ns, const char *expr, const char *want)
{
    char *got = xp(doc, ns, expr);
    if (strcmp(got, want) != 0)
        fail_msg("%s: got '%s', want '%s'", expr, got, want);
    free(got);
}

/* Namespace declarations on the elements below n. */
static inline int ns_decls_below(xmlNodePtr n)
{
    int c = 0;
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        for (xmlNsPtr ns = k->nsDef; ns; ns = ns->next)
            c++;
        c += ns_decls_below(k);
    }
    return c;
}

/* All five namespaces declared on Envelope with their prefixes, no default
 * namespace, and nothing declared anywhere else. */
static inline void check_envelope(xmlDocPtr doc, const char *cwmp_ns)
{
    static const char *const want[][2] = {
        {"soap-env", NS_ENV}, {"soap-enc", NS_ENC}, {"xsd", NS_XSD}, {"xsi", NS_XSI}};
    xmlNodePtr env = xmlDocGetRootElement(doc);
    int found = 0;

    assert_string_equal((const char *)env->name, "Envelope");
    assert_string_equal((const char *)env->ns->prefix, "soap-env");
    for (xmlNsPtr ns = env->nsDef; ns; ns = ns->next) {
        assert_non_null(ns->prefix);
        for (int i = 0; i < 4; i++)
            if (!strcmp((const char *)ns->prefix, want[i][0])) {
                assert_string_equal((const char *)ns->href, want[i][1]);
                found++;
            }
        if (!strcmp((const char *)ns->prefix, "cwmp")) {
            assert_string_equal((const char *)ns->href, cwmp_ns);
            found++;
        }
    }
    assert_int_equal(found, 5);
    assert_int_equal(ns_decls_below(env), 0);
}

/* Build a request from JSON text; the output is parsed back into *doc. */
static inline void build_ok(const char *method, const char *params, int hold, acs_buf_t *b,
                            xmlDocPtr *doc)
{
    json_error_t je;
    json_t *p = params ? json_loads(params, 0, &je) : NULL;
    char err[256] = "";

    if (params && !p)
        fail_msg("bad test JSON: %s", je.text);
    acs_buf_reset(b);
    if (cwmp_build_request(b, NS_CWMP0, "acs-1", hold, method, p, err, sizeof(err)) != 0)
        fail_msg("%s rejected: %s", method, err);
    json_decref(p);
    *doc = read_back(b);
    check_envelope(*doc, NS_CWMP0);
    assert_xp(*doc, NS_CWMP0, "/e:Envelope/e:Header/c:ID", "acs-1");
    assert_xp(*doc, NS_CWMP0, "count(/e:Envelope/e:Body/*)", "1");
}

#define BODY "/e:Envelope/e:Body/"

/* method with params (JSON text, NULL for none) must be refused with a
 * reason containing sub, in one line, and nothing appended to a buffer
 * that already holds something. */
static inline void build_fail(const char *method, const char *params, const char *sub)
{
    json_error_t je;
    json_t *p = params ? json_loads(params, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je) : NULL;
    acs_buf_t b = ACS_BUF_INIT;
    char err[256] = "";

    if (params && !p)
        fail_msg("bad test JSON %s: %s", params, je.text);
    acs_buf_puts(&b, "PREFIX");
    if (cwmp_build_request(&b, NS_CWMP0, "x", 0, method, p, err, sizeof(err)) != -1)
        fail_msg("%s %s was accepted", method, params ? params : "(null)");
    if (!strstr(err, sub))
        fail_msg("%s %s: reason '%s' lacks '%s'", method, params ? params : "(null)", err, sub);
    assert_null(strchr(err, '\n'));
    assert_int_equal(b.len, 6);
    assert_string_equal(b.data, "PREFIX");
    json_decref(p);
    acs_buf_free(&b);
}

static inline int jbool(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_boolean(v))
        fail_msg("'%s' is not a boolean", key);
    return json_is_true(v);
}

#endif
