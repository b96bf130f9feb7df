/* Unit tests for ctl_table: alignment, escaping, UTF-8 widths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ctl_table.h"

#include <string.h>

static void test_aligned_columns(void **state)
{
    static const char *const hdr[] = {"DEVICE", "CLASS", "TAGS"};
    ctl_table_t *t = ctl_table_new(3, hdr);
    acs_buf_t out = ACS_BUF_INIT;
    const char *r1[] = {"02C0DE-SimGW-SIM000001", "SimGW", "pilot"};
    const char *r2[] = {"X", NULL, ""};
    ctl_table_add(t, r1);
    ctl_table_add(t, r2);
    assert_int_equal(ctl_table_rows(t), 2);
    ctl_table_render(t, &out);
    assert_string_equal(out.data, "DEVICE                  CLASS  TAGS\n"
                                  "02C0DE-SimGW-SIM000001  SimGW  pilot\n"
                                  "X                       -      -\n");
    acs_buf_free(&out);
    ctl_table_free(t);
}

static void test_header_only_and_no_header(void **state)
{
    static const char *const hdr[] = {"A", "B"};
    ctl_table_t *t = ctl_table_new(2, hdr);
    acs_buf_t out = ACS_BUF_INIT;
    ctl_table_render(t, &out);
    assert_string_equal(out.data, "A  B\n");
    ctl_table_free(t);
    acs_buf_reset(&out);
    t = ctl_table_new(2, NULL);
    const char *r[] = {"key", "value"};
    ctl_table_add(t, r);
    assert_int_equal(ctl_table_rows(t), 1);
    ctl_table_render(t, &out);
    assert_string_equal(out.data, "key  value\n");
    ctl_table_free(t);
    acs_buf_free(&out);
    ctl_table_free(NULL);
}

static void test_escapes_and_utf8(void **state)
{
    static const char *const hdr[] = {"N", "V"};
    ctl_table_t *t = ctl_table_new(2, hdr);
    acs_buf_t out = ACS_BUF_INIT;
    const char *r1[] = {"caf\xc3\xa9", "line1\nline2\tx\x01"};
    const char *r2[] = {"abcd", "y"};
    ctl_table_add(t, r1);
    ctl_table_add(t, r2);
    ctl_table_render(t, &out);
    /* "café" is 4 characters wide, like "abcd" */
    assert_string_equal(out.data, "N     V\n"
                                  "caf\xc3\xa9  line1\\nline2\\tx\\x01\n"
                                  "abcd  y\n");
    acs_buf_free(&out);
    ctl_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aligned_columns),
        cmocka_unit_test(test_header_only_and_no_header),
        cmocka_unit_test(test_escapes_and_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
