/* Helpers shared by the codec unit tests (test_cwmp.c, test_cwmp_build.c). */
#ifndef CWMP_TEST_H
#define CWMP_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

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

/* ---- the reference Inform ------------------------------------------------ */

#endif
