/* Unit tests for ctl_check: parameter paths, typed values, NAME=VALUE:TYPE,
 * tags, method names, event types. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ctl_check.h"

#include <string.h>

static void name_ok(const char *n, ctl_name_kind_t k)
{
    char err[256] = "";
    if (ctl_check_name(n, k, err, sizeof err) != 0)
        fail_msg("'%s' refused: %s", n, err);
}

static void name_bad(const char *n, ctl_name_kind_t k, const char *want)
{
    char err[512] = "";
    if (ctl_check_name(n, k, err, sizeof err) == 0)
        fail_msg("'%s' accepted", n);
    if (!strstr(err, want))
        fail_msg("error '%s' lacks '%s'", err, want);
}

static void test_names(void **state)
{
    char long_name[300];
    memset(long_name, 'a', 257);
    long_name[257] = '\0';
    name_ok("Device.DeviceInfo.SoftwareVersion", CTL_NAME_ANY);
    name_ok("Device.WiFi.", CTL_NAME_ANY);
    name_ok("", CTL_NAME_ANY); /* the root */
    name_ok("Device.X_00D09E_Thing.Enable", CTL_NAME_PARAM);
    name_ok("Device.NAT.PortMapping.", CTL_NAME_TABLE);
    name_ok("Device.NAT.PortMapping.2.", CTL_NAME_INSTANCE);
    name_ok("Device.NAT.PortMapping.[cpe-1].", CTL_NAME_INSTANCE);
    name_bad(long_name, CTL_NAME_ANY, "257 characters long (at most 256)");
    long_name[256] = '\0';
    name_ok(long_name, CTL_NAME_ANY);
    name_bad("Device.A B", CTL_NAME_ANY, "contains a space");
    name_bad("Device.A\tB", CTL_NAME_ANY, "control");
    name_bad("Device.\xc3\xa9", CTL_NAME_ANY, "non-ASCII");
    name_bad("Device..A", CTL_NAME_ANY, "empty part");
    name_bad(".Device.A", CTL_NAME_ANY, "empty part");
    name_bad("", CTL_NAME_PARAM, "empty parameter name");
    name_bad("Device.WiFi.", CTL_NAME_PARAM, "is an object path");
    name_bad("Device.NAT.PortMapping", CTL_NAME_TABLE, "objects end in '.'");
    name_bad("Device.NAT.PortMapping.3.", CTL_NAME_TABLE, "is an instance");
    name_bad("Device.NAT.PortMapping.", CTL_NAME_INSTANCE, "is not an instance");
    name_bad("Device.NAT.PortMapping.3", CTL_NAME_INSTANCE, "objects end in '.'");
}

static int fits(const char *type, const char *v)
{
    char err[256];
    return ctl_check_value(type, v, strlen(v), err, sizeof err) == 0;
}

static void test_values(void **state)
{
    assert_true(fits("int", "-2147483648"));
    assert_true(fits("int", "2147483647"));
    assert_false(fits("int", "2147483648"));
    assert_false(fits("int", "12a"));
    assert_false(fits("int", ""));
    assert_false(fits("int", "+5"));
    assert_false(fits("int", " 5"));
    assert_true(fits("unsignedInt", "4294967295"));
    assert_false(fits("unsignedInt", "4294967296"));
    assert_false(fits("unsignedInt", "-1"));
    assert_true(fits("long", "-9223372036854775808"));
    assert_false(fits("long", "9223372036854775808"));
    assert_true(fits("unsignedLong", "18446744073709551615"));
    assert_false(fits("unsignedLong", "18446744073709551616"));
    assert_true(fits("boolean", "true"));
    assert_true(fits("boolean", "FALSE"));
    assert_true(fits("boolean", "1"));
    assert_true(fits("boolean", "0"));
    assert_false(fits("boolean", "yes"));
    assert_false(fits("boolean", "2"));
    assert_true(fits("dateTime", "2024-05-01T12:00:00Z"));
    assert_true(fits("dateTime", "2024-05-01T12:00:00.123+02:00"));
    assert_true(fits("dateTime", "0001-01-01T00:00:00Z"));
    assert_true(fits("dateTime", "2024-05-01T12:00:00"));
    assert_false(fits("dateTime", "2024-13-01T12:00:00Z"));
    assert_false(fits("dateTime", "2024-05-01 12:00:00Z"));
    assert_false(fits("dateTime", "yesterday"));
    assert_true(fits("base64", "aGVsbG8="));
    assert_true(fits("base64Binary", ""));
    assert_false(fits("base64", "aGVsbG8"));
    assert_false(fits("base64", "a=bc"));
    assert_true(fits("hexBinary", "00ffAB"));
    assert_false(fits("hexBinary", "0f0"));
    assert_false(fits("hexBinary", "zz"));
    assert_true(fits("decimal", "-12.50"));
    assert_true(fits("decimal", "3"));
    assert_false(fits("decimal", "1."));
    assert_false(fits("decimal", "1e5"));
    assert_true(fits("string", "anything: at all, even \"quotes\""));
    assert_string_equal(ctl_value_type("xsd:unsignedInt"), "unsignedInt");
    assert_string_equal(ctl_value_type("boolean"), "boolean");
    assert_null(ctl_value_type("float"));
    assert_null(ctl_value_type(NULL));
}

static void test_setval(void **state)
{
    ctl_setval_t v;
    char err[512];

    assert_int_equal(ctl_parse_setval("Device.A.B=12:unsignedInt", &v, err, sizeof err), 0);
    assert_string_equal(v.name, "Device.A.B");
    assert_int_equal(v.value_len, 2);
    assert_memory_equal(v.value, "12", 2);
    assert_string_equal(v.type, "unsignedInt");

    assert_int_equal(ctl_parse_setval("Device.A.B=5:xsd:int", &v, err, sizeof err), 0);
    assert_string_equal(v.type, "int");
    assert_int_equal(v.value_len, 1);

    /* a colon that is not a type suffix belongs to the value */
    assert_int_equal(ctl_parse_setval("Device.URL=http://acs:7547/x", &v, err, sizeof err), 0);
    assert_string_equal(v.type, "string");
    assert_int_equal(v.value_len, strlen("http://acs:7547/x"));

    /* a value ending in a type name can still be set as a string */
    assert_int_equal(ctl_parse_setval("Device.Note=a:int:string", &v, err, sizeof err), 0);
    assert_string_equal(v.type, "string");
    assert_int_equal(v.value_len, 5);

    assert_int_equal(ctl_parse_setval("Device.Empty=", &v, err, sizeof err), 0);
    assert_int_equal(v.value_len, 0);

    assert_int_equal(ctl_parse_setval("Device.A.B", &v, err, sizeof err), -1);
    assert_non_null(strstr(err, "is not NAME=VALUE"));
    assert_int_equal(ctl_parse_setval("Device.A=x:int", &v, err, sizeof err), -1);
    assert_non_null(strstr(err, "does not fit type int (parameter Device.A)"));
    assert_int_equal(ctl_parse_setval("Device.A=2:boolean", &v, err, sizeof err), -1);
    assert_int_equal(ctl_parse_setval("Device.A.=1", &v, err, sizeof err), -1);
    assert_non_null(strstr(err, "object path"));
    assert_int_equal(ctl_parse_setval("Dev ice=1", &v, err, sizeof err), -1);
}

static void test_tags_methods_types(void **state)
{
    char t65[66];
    memset(t65, 't', 65);
    t65[65] = '\0';
    assert_true(ctl_tag_valid("pilot"));
    assert_true(ctl_tag_valid("fw:5.2_beta-1"));
    assert_false(ctl_tag_valid(""));
    assert_false(ctl_tag_valid("two words"));
    assert_false(ctl_tag_valid("a/b"));
    assert_false(ctl_tag_valid(t65));
    t65[64] = '\0';
    assert_true(ctl_tag_valid(t65));

    assert_true(ctl_method_valid("GetParameterValues"));
    assert_true(ctl_method_valid("ChangeDUState"));
    assert_true(ctl_method_valid("X_00D09E_Echo"));
    assert_true(ctl_method_valid("X_example_do_it"));
    assert_false(ctl_method_valid("Inform")); /* the CPE's method, not one to send */
    assert_false(ctl_method_valid("X_Echo"));
    assert_false(ctl_method_valid("X__Echo"));
    assert_false(ctl_method_valid("X_00D09E_"));
    assert_false(ctl_method_valid("X_00D09E_Bad-Name"));
    assert_false(ctl_method_valid("getparametervalues"));
    assert_false(ctl_method_valid(""));

    assert_true(ctl_event_type_valid("inform"));
    assert_true(ctl_event_type_valid("rpc.result"));
    assert_true(ctl_event_type_valid("du.state.change.complete"));
    assert_false(ctl_event_type_valid("rpc."));
    assert_false(ctl_event_type_valid("#"));
    assert_false(ctl_event_type_valid("inform.*"));
    assert_false(ctl_event_type_valid("Inform"));
    assert_false(ctl_event_type_valid(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_setval),
        cmocka_unit_test(test_tags_methods_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
