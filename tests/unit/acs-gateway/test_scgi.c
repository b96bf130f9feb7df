/* Unit tests for the SCGI parser (services/acs-gateway/scgi.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "scgi.h"

/* Build "len:headers,body" from a headers block given with explicit length. */
static size_t make(char *out, const char *hdrs, size_t hlen, const char *body)
{
    int n = sprintf(out, "%zu:", hlen);
    memcpy(out + n, hdrs, hlen);
    n += (int)hlen;
    out[n++] = ',';
    strcpy(out + n, body);
    return (size_t)n + strlen(body);
}

static const char HDRS[] = "CONTENT_LENGTH\0" "5\0" "SCGI\0" "1\0" "REQUEST_METHOD\0" "POST\0"
                           "HTTP_COOKIE\0" "a=b\0";

static void test_complete_request(void **state)
{
    char buf[256], err[100];
    scgi_request_t r;
    size_t n = make(buf, HDRS, sizeof HDRS - 1, "hello");
    assert_int_equal(scgi_parse(buf, n, 1000, &r, err, sizeof err), SCGI_OK);
    assert_int_equal(r.nheaders, 4);
    assert_int_equal(r.content_length, 5);
    assert_memory_equal(r.body, "hello", 5);
    assert_string_equal(scgi_header(&r, "REQUEST_METHOD"), "POST");
    assert_string_equal(scgi_header(&r, "HTTP_COOKIE"), "a=b");
    assert_null(scgi_header(&r, "HTTP_AUTHORIZATION"));
}

static void test_incremental(void **state)
{
    char buf[256], err[100];
    scgi_request_t r;
    size_t n = make(buf, HDRS, sizeof HDRS - 1, "hello");
    /* Every proper prefix asks for more; the whole thing parses. */
    for (size_t i = 0; i < n; i++)
        assert_int_equal(scgi_parse(buf, i, 1000, &r, err, sizeof err), SCGI_AGAIN);
    assert_int_equal(scgi_parse(buf, n, 1000, &r, err, sizeof err), SCGI_OK);
}

static void test_empty_body(void **state)
{
    static const char h[] = "CONTENT_LENGTH\0" "0\0" "SCGI\0" "1\0";
    char buf[128], err[100];
    scgi_request_t r;
    size_t n = make(buf, h, sizeof h - 1, "");
    assert_int_equal(scgi_parse(buf, n, 1000, &r, err, sizeof err), SCGI_OK);
    assert_int_equal(r.content_length, 0);
}

static void test_too_large(void **state)
{
    static const char h[] = "CONTENT_LENGTH\0" "2000000\0";
    char buf[128], err[100];
    scgi_request_t r;
    size_t n = make(buf, h, sizeof h - 1, "");
    assert_int_equal(scgi_parse(buf, n, 1048576, &r, err, sizeof err), SCGI_ERROR);
    assert_true(r.too_large);
}

static void test_malformed(void **state)
{
    char err[100];
    scgi_request_t r;
    static const char no_cl[] = "SCGI\0" "1\0";
    static const char bad_cl[] = "CONTENT_LENGTH\0" "12x\0";
    static const char no_value[] = "CONTENT_LENGTH\0" "0\0" "NAME";
    char buf[128];
    size_t n;

    assert_int_equal(scgi_parse("abc:", 4, 10, &r, err, sizeof err), SCGI_ERROR);
    assert_int_equal(scgi_parse(":", 1, 10, &r, err, sizeof err), SCGI_ERROR);
    assert_int_equal(scgi_parse("0:,", 3, 10, &r, err, sizeof err), SCGI_ERROR);
    assert_int_equal(scgi_parse("99999999:", 9, 10, &r, err, sizeof err), SCGI_ERROR);
    n = make(buf, no_cl, sizeof no_cl - 1, "");
    assert_int_equal(scgi_parse(buf, n, 10, &r, err, sizeof err), SCGI_ERROR);
    n = make(buf, bad_cl, sizeof bad_cl - 1, "");
    assert_int_equal(scgi_parse(buf, n, 10, &r, err, sizeof err), SCGI_ERROR);
    n = make(buf, no_value, sizeof no_value - 1, "");
    assert_int_equal(scgi_parse(buf, n, 10, &r, err, sizeof err), SCGI_ERROR);
    /* Header block not closed by ',' */
    n = make(buf, HDRS, sizeof HDRS - 1, "hello");
    buf[n - 6] = ';';
    assert_int_equal(scgi_parse(buf, n, 1000, &r, err, sizeof err), SCGI_ERROR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_complete_request), cmocka_unit_test(test_incremental),
        cmocka_unit_test(test_empty_body),       cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests_name("scgi", tests, NULL, NULL);
}
