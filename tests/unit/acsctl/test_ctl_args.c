/* Unit tests for ctl_args: the command line (options anywhere, per-command
 * options, typed values), durations and ages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ctl_args.h"

#include <string.h>

/* Parse a NULL-terminated list of words after "acsctl". */
static int parse(ctl_cmdline_t *cl, char *err, size_t errlen, ...)
{
    char *argv[64] = {"acsctl"};
    int argc = 1;
    va_list ap;
    va_start(ap, errlen);
    for (char *a; (a = va_arg(ap, char *)) != NULL && argc < 63;)
        argv[argc++] = a;
    va_end(ap);
    err[0] = '\0';
    return ctl_args_parse(argc, argv, cl, err, errlen);
}

static void test_options_anywhere_and_defaults(void **state)
{
    ctl_cmdline_t cl;
    char err[256];
    assert_int_equal(parse(&cl, err, sizeof err, "--json", "get", "DEV", "--wait", "Device.A.",
                           "--timeout=90", "Device.B", NULL),
                     0);
    assert_string_equal(cl.cmd, "get");
    assert_int_equal(cl.npos, 3);
    assert_string_equal(cl.pos[0], "DEV");
    assert_string_equal(cl.pos[2], "Device.B");
    assert_true(cl.json && cl.wait);
    assert_int_equal(cl.timeout_s, 90);
    assert_true(cl.rate == 20.0);
    assert_int_equal(cl.filter.limit, -1);
    assert_int_equal(cl.filter.given, 0);
    assert_int_equal(cl.notification, -1);
    ctl_args_free(&cl);
}

static void test_filters_counted_and_repeatable(void **state)
{
    ctl_cmdline_t cl;
    char err[256];
    assert_int_equal(parse(&cl, err, sizeof err, "reboot", "--tag", "pilot", "--tag=lab", "--param",
                           "Device.X=1", "--seen-within", "2h", "--limit", "5", "--rate", "2.5",
                           NULL),
                     0);
    assert_int_equal(cl.filter.ntags, 2);
    assert_string_equal(cl.filter.tags[1], "lab");
    assert_int_equal(cl.filter.nparams, 1);
    assert_int_equal(cl.filter.seen_within, 7200);
    assert_int_equal(cl.filter.limit, 5);
    assert_int_equal(cl.filter.given, 4); /* --limit alone selects nothing */
    assert_true(cl.rate == 2.5);
    ctl_args_free(&cl);
}

static void test_double_dash_ends_options(void **state)
{
    ctl_cmdline_t cl;
    char err[256];
    assert_int_equal(parse(&cl, err, sizeof err, "set", "DEV", "--", "--odd=1", NULL), 0);
    assert_int_equal(cl.npos, 2);
    assert_string_equal(cl.pos[1], "--odd=1");
    ctl_args_free(&cl);
}

static void expect_usage(const char *want, ...)
{
    char *argv[32] = {"acsctl"};
    int argc = 1;
    ctl_cmdline_t cl;
    char err[256] = "";
    va_list ap;
    va_start(ap, want);
    for (char *a; (a = va_arg(ap, char *)) != NULL;)
        argv[argc++] = a;
    va_end(ap);
    assert_int_equal(ctl_args_parse(argc, argv, &cl, err, sizeof err), -1);
    if (!strstr(err, want))
        fail_msg("error '%s' does not contain '%s'", err, want);
    ctl_args_free(&cl);
}

static void test_bad_command_lines(void **state)
{
    expect_usage("unknown command 'frob'", "frob", NULL);
    expect_usage("unknown option --bogus", "devices", "--bogus", NULL);
    expect_usage("unknown option -x", "devices", "-x", NULL);
    expect_usage("--limit needs a value", "devices", "--limit", NULL);
    expect_usage("--limit: 'ten'", "devices", "--limit", "ten", NULL);
    expect_usage("--limit: '0'", "devices", "--limit", "0", NULL);
    expect_usage("--notification: '7'", "attrs", "D", "N", "--notification", "7", NULL);
    expect_usage("--rate: '0'", "reboot", "--all", "--rate", "0", NULL);
    expect_usage("--rate: 'fast'", "reboot", "--all", "--rate", "fast", NULL);
    expect_usage("--timeout: '5x'", "get", "D", "N", "--timeout", "5x", NULL);
    expect_usage("--wait takes no value", "get", "D", "N", "--wait=1", NULL);
    expect_usage("devices does not take --wait", "devices", "--wait", NULL);
    expect_usage("show does not take --tag", "show", "D", "--tag", "x", NULL);
    expect_usage("reboot does not take --parameter-key", "reboot", "D", "--parameter-key", "k",
                 NULL);
    expect_usage("get does not take --follow", "get", "D", "N", "--follow", NULL);
    expect_usage("events does not take --wait", "events", "--wait", NULL);
}

static void test_help_and_empty(void **state)
{
    ctl_cmdline_t cl;
    char err[256];
    assert_int_equal(parse(&cl, err, sizeof err, NULL), 0);
    assert_null(cl.cmd);
    ctl_args_free(&cl);
    assert_int_equal(parse(&cl, err, sizeof err, "reboot", "-h", NULL), 0);
    assert_true(cl.help);
    ctl_args_free(&cl);
    assert_non_null(strstr(ctl_args_usage(), "schedule-inform"));
    assert_true(ctl_args_is_rpc_command("set"));
    assert_true(ctl_args_is_rpc_command("rpc"));
    assert_false(ctl_args_is_rpc_command("devices"));
    assert_false(ctl_args_is_rpc_command("tag"));
    assert_false(ctl_args_is_rpc_command(NULL));
}

static void test_durations(void **state)
{
    long s = -1;
    assert_int_equal(ctl_parse_duration("30s", &s), 0);
    assert_int_equal(s, 30);
    assert_int_equal(ctl_parse_duration("10m", &s), 0);
    assert_int_equal(s, 600);
    assert_int_equal(ctl_parse_duration("2h", &s), 0);
    assert_int_equal(s, 7200);
    assert_int_equal(ctl_parse_duration("7d", &s), 0);
    assert_int_equal(s, 604800);
    assert_int_equal(ctl_parse_duration("1w", &s), 0);
    assert_int_equal(s, 604800);
    assert_int_equal(ctl_parse_duration("1h30m", &s), 0);
    assert_int_equal(s, 5400);
    assert_int_equal(ctl_parse_duration("45", &s), 0);
    assert_int_equal(s, 45);
    assert_int_equal(ctl_parse_duration("0s", &s), 0);
    assert_int_equal(s, 0);
    const char *bad[] = {"",     "s",  "10x",          "-5m",   "1.5h",       "5 m",
                         "1h30", "m5", "99999999999d", "3661d", "1234567890", NULL};
    for (int i = 0; bad[i]; i++)
        if (ctl_parse_duration(bad[i], &s) == 0)
            fail_msg("'%s' parsed as %ld", bad[i], s);
    assert_int_equal(ctl_parse_duration(NULL, &s), -1);
}

static void test_ages(void **state)
{
    char b[32];
    ctl_format_age(42, b, sizeof b);
    assert_string_equal(b, "42s");
    ctl_format_age(60, b, sizeof b);
    assert_string_equal(b, "1m");
    ctl_format_age(3599, b, sizeof b);
    assert_string_equal(b, "59m");
    ctl_format_age(7300, b, sizeof b);
    assert_string_equal(b, "2h");
    ctl_format_age(86400 * 12 + 5, b, sizeof b);
    assert_string_equal(b, "12d");
    ctl_format_age(-5, b, sizeof b);
    assert_string_equal(b, "0s");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_anywhere_and_defaults),
        cmocka_unit_test(test_filters_counted_and_repeatable),
        cmocka_unit_test(test_double_dash_ends_options),
        cmocka_unit_test(test_bad_command_lines),
        cmocka_unit_test(test_help_and_empty),
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_ages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
