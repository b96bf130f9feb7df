/* Unit tests for ctl_query: globs, prefixes and the devices filter as SQL
 * with every operator value a parameter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ctl_query.h"

#include <string.h>

static void test_glob_and_prefix(void **state)
{
    acs_buf_t b = ACS_BUF_INIT;
    ctl_query_glob_to_like("02C0DE-*-SIM00000?", &b);
    assert_string_equal(b.data, "02C0DE-%-SIM00000_");
    acs_buf_reset(&b);
    ctl_query_glob_to_like("HGW%205_x!", &b); /* literal % _ ! escaped */
    assert_string_equal(b.data, "HGW!%205!_x!!");
    acs_buf_reset(&b);
    ctl_query_glob_to_like("", &b);
    assert_string_equal(b.data, "");
    acs_buf_reset(&b);
    ctl_query_prefix_like("Device.Wi_Fi.", &b);
    assert_string_equal(b.data, "Device.Wi!_Fi.%");
    acs_buf_reset(&b);
    ctl_query_prefix_like("", &b);
    assert_string_equal(b.data, "%");
    acs_buf_free(&b);
}

static ctl_filter_t empty_filter(void)
{
    ctl_filter_t f;
    memset(&f, 0, sizeof f);
    f.seen_within = f.not_seen_for = f.limit = -1;
    return f;
}

static void test_filter_sql(void **state)
{
    ctl_filter_t f = empty_filter();
    acs_buf_t sql = ACS_BUF_INIT;
    ctl_qparams_t p = {0};
    char err[256];

    f.id_glob = "02C0DE-*";
    f.tags[f.ntags++] = "pilot";
    f.params[f.nparams++] = "Device.X=a=b";
    f.product_class = "SimGW";
    f.oui = "02c0de";
    f.software_version = "1.0";
    f.seen_within = 600;
    f.not_seen_for = 60;
    assert_int_equal(ctl_query_device_ids(&f, 10, &sql, &p, err, sizeof err), 0);
    assert_int_equal(p.n, 10);
    assert_string_equal(p.v[0], "02C0DE-%");
    assert_string_equal(p.v[1], "pilot");
    assert_string_equal(p.v[2], "Device.X");
    assert_string_equal(p.v[3], "a=b"); /* split at the first '=' */
    assert_string_equal(p.v[4], "SimGW");
    assert_string_equal(p.v[5], "02c0de");
    assert_string_equal(p.v[7], "600");
    assert_string_equal(p.v[8], "60");
    assert_string_equal(p.v[9], "10");
    assert_non_null(strstr(sql.data, "d.device_id LIKE $1 ESCAPE '!'"));
    assert_non_null(strstr(sql.data, "t.tag = $2"));
    assert_non_null(strstr(sql.data, "p.name = $3 AND p.value = $4"));
    assert_non_null(strstr(sql.data, "upper(d.oui) = upper($6)"));
    assert_non_null(strstr(sql.data, "LIMIT $10"));
    assert_null(strstr(sql.data, "pilot")); /* values never in the SQL */
    ctl_qparams_free(&p);
    acs_buf_free(&sql);
}

static void test_filter_refuses_bad_values(void **state)
{
    ctl_filter_t f = empty_filter();
    acs_buf_t sql = ACS_BUF_INIT;
    ctl_qparams_t p = {0};
    char err[256];

    f.tags[f.ntags++] = "not a tag";
    assert_int_equal(ctl_query_filter(&f, &sql, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "--tag 'not a tag'"));
    ctl_qparams_free(&p);
    f = empty_filter();
    f.params[f.nparams++] = "Device.X";
    assert_int_equal(ctl_query_filter(&f, &sql, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "is not NAME=VALUE"));
    f.params[0] = "Device.X.=1";
    assert_int_equal(ctl_query_filter(&f, &sql, &p, err, sizeof err), -1);
    ctl_qparams_free(&p);
    acs_buf_free(&sql);
}

static void test_devices_no_limit(void **state)
{
    ctl_filter_t f = empty_filter();
    acs_buf_t sql = ACS_BUF_INIT;
    ctl_qparams_t p = {0};
    char err[256];
    f.all = 1;
    assert_int_equal(ctl_query_devices(&f, -1, &sql, &p, err, sizeof err), 0);
    assert_int_equal(p.n, 0);
    assert_null(strstr(sql.data, "LIMIT"));
    assert_non_null(strstr(sql.data, "ORDER BY d.device_id"));
    acs_buf_free(&sql);
}

static void test_iso_time(void **state)
{
    char b[32];
    assert_string_equal(ctl_query_iso_time("2024-05-01 10:00:03.412345+00", b, sizeof b),
                        "2024-05-01T10:00:03Z");
    assert_string_equal(ctl_query_iso_time("2024-05-01 10:00:03+00", b, sizeof b),
                        "2024-05-01T10:00:03Z");
    assert_string_equal(ctl_query_iso_time("2024-05-01 12:00:03.5+02", b, sizeof b),
                        "2024-05-01T12:00:03+02:00");
    assert_string_equal(ctl_query_iso_time("2024-05-01 04:30:03-05:30", b, sizeof b),
                        "2024-05-01T04:30:03-05:30");
    assert_string_equal(ctl_query_iso_time("infinity", b, sizeof b), "infinity");
    assert_string_equal(ctl_query_iso_time("", b, sizeof b), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_glob_and_prefix),
        cmocka_unit_test(test_filter_sql),
        cmocka_unit_test(test_filter_refuses_bad_values),
        cmocka_unit_test(test_devices_no_limit),
        cmocka_unit_test(test_iso_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
