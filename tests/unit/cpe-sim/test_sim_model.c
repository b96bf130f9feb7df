/* Unit tests for services/cpe-sim: model loading and templates (sim_model,
 * tables and notification flags included), and the per-CPE overlay and
 * events (sim_device). Tables, attributes and configuration of a device
 * are in test_sim_device.c; saved state in test_sim_xfer.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim_device.h"
#include "sim_model.h"

static const char model_json[] =
    "{\"device\": {\"manufacturer\": \"Acme\", \"oui\": \"00D09E\", \"product_class\": \"HGW 5\"},"
    " \"forced_inform\": [\"Device.DeviceInfo.SoftwareVersion\","
    "   \"Device.ManagementServer.ParameterKey\", "
    "\"Device.ManagementServer.ConnectionRequestURL\"],"
    " \"parameters\": {"
    "  \"Device.DeviceInfo.SerialNumber\": {\"value\": \"{serial}\"},"
    "  \"Device.DeviceInfo.SoftwareVersion\": {\"type\": \"xsd:string\", \"value\": \"1.0\"},"
    "  \"Device.DeviceInfo.UpTime\": {\"type\": \"xsd:unsignedInt\", \"value\": \"{uptime}\"},"
    "  \"Device.ManagementServer.ParameterKey\": {},"
    "  \"Device.ManagementServer.Username\": {\"writable\": true},"
    "  \"Device.ManagementServer.Password\": {\"writable\": true, \"value\": \"s3cret\"},"
    "  \"Device.ManagementServer.PeriodicInformInterval\": {\"type\": \"xsd:unsignedInt\","
    "     \"value\": 300, \"writable\": true},"
    "  \"Device.ManagementServer.ConnectionRequestURL\": {\"value\": "
    "\"http://{ip}:7547/{serial}\"},"
    "  \"Device.WiFi.SSID.1.SSID\": {\"value\": \"net-{index}\", \"writable\": true},"
    "  \"Device.WiFi.SSID.1.Enable\": {\"type\": \"xsd:boolean\", \"value\": true, \"writable\": "
    "true},"
    "  \"Device.WiFi.Radio.1.Channel\": {\"type\": \"xsd:unsignedInt\", \"value\": \"6\","
    "     \"writable\": true},"
    "  \"Device.Hosts.Host.2.IPAddress\": {\"value\": \"192.168.1.2\"},"
    "  \"Device.Hosts.Host.10.IPAddress\": {\"value\": \"192.168.1.10\"},"
    "  \"Device.NAT.PortMapping.\": {\"writable\": true}"
    " }}";

static sim_model_t *load_test_model(void)
{
    char err[256] = "";
    sim_model_t *m = sim_model_parse(model_json, strlen(model_json), err, sizeof err);
    if (!m)
        fail_msg("model: %s", err);
    return m;
}

static void test_load_and_order(void **state)
{
    sim_model_t *m = load_test_model();
    long i2, i10, obj;

    /* 13 parameters + 14 implied or explicit objects */
    assert_int_equal(sim_model_count(m), 27);
    assert_string_equal(sim_model_root(m), "Device.");
    assert_string_equal(sim_model_param(m, 0)->name, "Device.");
    /* instance numbers sort by value, objects before their children */
    i2 = sim_model_find(m, "Device.Hosts.Host.2.");
    i10 = sim_model_find(m, "Device.Hosts.Host.10.");
    assert_true(i2 >= 0 && i10 > i2);
    assert_int_equal(sim_model_find(m, "Device.Hosts.Host.2.IPAddress"), i2 + 1);
    assert_int_equal(sim_model_find(m, "Device.Hosts.Host.02.IPAddress"), -1);
    assert_int_equal(sim_model_find(m, "Device.WiFi"), -1);
    /* explicit empty object keeps its flags */
    obj = sim_model_find(m, "Device.NAT.PortMapping.");
    assert_true(obj >= 0);
    assert_int_equal(sim_model_param(m, (size_t)obj)->type, SIM_T_OBJECT);
    assert_true(sim_model_param(m, (size_t)obj)->flags & SIM_P_WRITABLE);
    assert_false(sim_model_param(m, (size_t)sim_model_find(m, "Device.NAT."))->flags &
                 SIM_P_WRITABLE);
    /* secrets by name, values canonical */
    assert_true(sim_model_param(m, (size_t)sim_model_find_ms(m, "Password"))->flags & SIM_P_SECRET);
    assert_false(sim_model_param(m, (size_t)sim_model_find_ms(m, "Username"))->flags &
                 SIM_P_SECRET);
    assert_string_equal(
        sim_model_param(m, (size_t)sim_model_find_ms(m, "PeriodicInformInterval"))->value, "300");
    for (size_t i = 1; i < sim_model_count(m); i++)
        assert_true(
            sim_model_name_cmp(sim_model_param(m, i - 1)->name, sim_model_param(m, i)->name) < 0);
    sim_model_free(m);
}

static void test_subtree_and_forced(void **state)
{
    sim_model_t *m = load_test_model();
    size_t first, end;
    const size_t *forced;

    assert_int_equal(sim_model_subtree(m, "Device.WiFi.", &first, &end), 0);
    assert_int_equal(end - first, 8); /* WiFi. Radio. Radio.1. Channel SSID. SSID.1. +2 */
    assert_string_equal(sim_model_param(m, first)->name, "Device.WiFi.");
    assert_int_equal(sim_model_subtree(m, "", &first, &end), 0);
    assert_int_equal(end - first, sim_model_count(m));
    assert_int_equal(sim_model_subtree(m, "Device.Nope.", &first, &end), -1);
    assert_int_equal(sim_model_subtree(m, "Device.WiFi", &first, &end), -1);

    assert_int_equal(sim_model_forced(m, &forced), 3);
    assert_string_equal(sim_model_param(m, forced[0])->name, "Device.DeviceInfo.SoftwareVersion");
    assert_true(sim_model_param(m, forced[2])->flags & SIM_P_FORCED);
    sim_model_free(m);
}

static void test_templates(void **state)
{
    sim_model_t *m = load_test_model();
    sim_tmpl_ctx_t ctx = {"SIM000258", 258, 42, 1700000000123LL, 0};
    acs_buf_t b = ACS_BUF_INIT;

    sim_model_render(m, "{serial}/{index}/{oui}/{product_class}/{manufacturer}", &ctx, &b);
    assert_string_equal(b.data, "SIM000258/258/00D09E/HGW 5/Acme");
    acs_buf_reset(&b);
    sim_model_render(m, "{ip} {mac} {uptime} {now} {nope} {", &ctx, &b);
    assert_string_equal(b.data, "10.0.1.2 02:00:00:00:01:02 42 2023-11-14T22:13:20Z {nope} {");
    assert_int_equal(sim_model_template_check("a{serial}b{index}"), 0);
    assert_int_equal(sim_model_template_check("a{serial"), -1);
    assert_int_equal(sim_model_template_check("{Serial}"), -1);

    sim_model_set_identity(m, NULL, "A1B2C3", NULL);
    acs_buf_reset(&b);
    sim_model_render(m, "{oui}-{manufacturer}", &ctx, &b);
    assert_string_equal(b.data, "A1B2C3-Acme");
    assert_int_equal(sim_model_set_default(m, "Device.ManagementServer.Username", "u-{serial}"), 0);
    assert_true(sim_model_param(m, (size_t)sim_model_find_ms(m, "Username"))->flags &
                SIM_P_TEMPLATE);
    assert_int_equal(sim_model_set_default(m, "Device.ManagementServer.Username", "{bad}"), -1);
    assert_int_equal(sim_model_set_default(m, "Device.Nope", "x"), -1);
    assert_int_equal(sim_model_set_default(m, "Device.WiFi.", "x"), -1);
    acs_buf_free(&b);
    sim_model_free(m);
}

static void check_value(sim_type_t t, const char *in, const char *canon)
{
    acs_buf_t b = ACS_BUF_INIT;
    int rc = sim_value_check(t, in, &b);
    if (canon) {
        assert_int_equal(rc, 0);
        assert_string_equal(b.data ? b.data : "", canon);
    } else {
        assert_int_equal(rc, -1);
        assert_int_equal(b.len, 0);
    }
    acs_buf_free(&b);
}

static void test_value_types(void **state)
{
    sim_type_t t;

    check_value(SIM_T_STRING, " keep blanks ", " keep blanks ");
    check_value(SIM_T_UNSIGNED_INT, " 42 ", "42");
    check_value(SIM_T_UNSIGNED_INT, "4294967295", "4294967295");
    check_value(SIM_T_UNSIGNED_INT, "4294967296", NULL);
    check_value(SIM_T_UNSIGNED_INT, "-1", NULL);
    check_value(SIM_T_UNSIGNED_INT, "abc", NULL);
    check_value(SIM_T_UNSIGNED_INT, "", NULL);
    check_value(SIM_T_UNSIGNED_INT, "1 2", NULL);
    check_value(SIM_T_INT, "-2147483648", "-2147483648");
    check_value(SIM_T_INT, "2147483648", NULL);
    check_value(SIM_T_INT, "+7", "+7");
    check_value(SIM_T_LONG, "-9223372036854775808", "-9223372036854775808");
    check_value(SIM_T_UNSIGNED_LONG, "18446744073709551615", "18446744073709551615");
    check_value(SIM_T_UNSIGNED_LONG, "18446744073709551616", NULL);
    check_value(SIM_T_BOOLEAN, "TRUE", "true");
    check_value(SIM_T_BOOLEAN, " 0", "0");
    check_value(SIM_T_BOOLEAN, "yes", NULL);
    check_value(SIM_T_DATETIME, "2024-05-02T08:15:00Z", "2024-05-02T08:15:00Z");
    check_value(SIM_T_DATETIME, "2024-05-02T08:15:00.123+02:00", "2024-05-02T08:15:00.123+02:00");
    check_value(SIM_T_DATETIME, "0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z");
    check_value(SIM_T_DATETIME, "2024-13-02T08:15:00Z", NULL);
    check_value(SIM_T_DATETIME, "yesterday", NULL);
    check_value(SIM_T_BASE64, "aGVsbG8=", "aGVsbG8=");
    check_value(SIM_T_BASE64, "a=GV", NULL);
    check_value(SIM_T_HEXBINARY, "00ff", "00ff");
    check_value(SIM_T_HEXBINARY, "0g", NULL);
    check_value(SIM_T_OBJECT, "", NULL);

    assert_int_equal(sim_type_parse("xsd:unsignedInt", &t), 0);
    assert_int_equal(t, SIM_T_UNSIGNED_INT);
    assert_int_equal(sim_type_parse("boolean", &t), 0);
    assert_int_equal(t, SIM_T_BOOLEAN);
    assert_int_equal(sim_type_parse("xsd:base64Binary", &t), 0);
    assert_int_equal(sim_type_parse("xsd:float", &t), -1);
    assert_string_equal(sim_type_name(SIM_T_DATETIME), "xsd:dateTime");
}

static void expect_bad_model(const char *json, const char *needle)
{
    char err[256] = "";
    sim_model_t *m = sim_model_parse(json, strlen(json), err, sizeof err);
    assert_null(m);
    if (!strstr(err, needle))
        fail_msg("error \"%s\" lacks \"%s\"", err, needle);
}

#define DEV "\"device\": {\"oui\": \"00D09E\"}, "

static void test_bad_models(void **state)
{
    expect_bad_model("[", "JSON error");
    expect_bad_model("{\"parameters\": {}}", "oui");
    expect_bad_model("{" DEV "\"parameters\": {}}", "no parameters");
    expect_bad_model("{" DEV "\"parameters\": {\"A.b\": {\"type\": \"xsd:float\"}}}", "type");
    expect_bad_model("{" DEV
                     "\"parameters\": {\"A.b\": {\"type\": \"xsd:int\", \"value\": \"x\"}}}",
                     "not of its type");
    expect_bad_model("{" DEV "\"parameters\": {\"A.b\": {\"value\": \"{serail}\"}}}",
                     "placeholder");
    expect_bad_model("{" DEV "\"parameters\": {\"A.b\": {}, \"A.b.c\": {}}}", "both");
    expect_bad_model("{" DEV "\"parameters\": {\"A.b\": {}, \"B.c\": {}}}", "root");
    expect_bad_model("{" DEV "\"parameters\": {\"A..b\": {}}}", "invalid parameter name");
    expect_bad_model("{" DEV "\"parameters\": {\"A.b c\": {}}}", "invalid parameter name");
    expect_bad_model("{" DEV "\"parameters\": {\"A.b\": {\"writeable\": true}}}", "spec");
    expect_bad_model("{" DEV "\"parameters\": {\"A.b\": {\"writable\": \"yes\"}}}", "booleans");
    expect_bad_model("{" DEV "\"parameters\": {\"A.b\": {\"value\": [1]}}}", "value must");
    expect_bad_model("{" DEV "\"parameters\": {\"A.\": {\"value\": \"x\"}}}", "spec");
    expect_bad_model("{" DEV "\"forced_inform\": [\"A.c\"], \"parameters\": {\"A.b\": {}}}",
                     "forced_inform");
    expect_bad_model("{" DEV "\"forced_inform\": [\"A.\"], \"parameters\": {\"A.b\": {}}}",
                     "forced_inform");
    expect_bad_model("{" DEV "\"parameters\": {\"A.b\": {}, \"A.b\": {}}}", "JSON error");
    expect_bad_model("{" DEV "\"forced\": [], \"parameters\": {\"A.b\": {}}}", "unknown member");
    expect_bad_model("{\"device\": {\"oui\": \"1\", \"OUI\": \"2\"}, \"parameters\": {}}",
                     "unknown member \"OUI\"");
}

static const char table_json[] =
    "{\"device\": {\"oui\": \"00D09E\"}, \"parameters\": {"
    "  \"Device.DeviceInfo.SoftwareVersion\": {\"value\": \"1\", \"active_notify\": "
    "\"forceEnabled\"},"
    "  \"Device.DeviceInfo.UpTime\": {\"type\": \"xsd:unsignedInt\", \"active_notify\": "
    "\"canDeny\", \"notification\": 1},"
    "  \"Device.ManagementServer.ConnectionRequestURL\": {\"active_notify\": "
    "\"forceDefaultEnabled\"},"
    "  \"Device.NAT.PortMappingNumberOfEntries\": {\"type\": \"xsd:unsignedInt\"},"
    "  \"Device.NAT.PortMapping.2.Alias\": {\"value\": \"static\"},"
    "  \"Device.NAT.PortMapping.{i}.\": {\"writable\": true},"
    "  \"Device.NAT.PortMapping.{i}.Alias\": {\"value\": \"cpe-{i}\", \"writable\": true},"
    "  \"Device.NAT.PortMapping.{i}.Stats.Bytes\": {\"type\": \"xsd:unsignedLong\"},"
    "  \"Device.Hosts.Host.{i}.Name\": {}"
    "}}";

static void test_tables_and_flags(void **state)
{
    char err[256] = "";
    sim_model_t *m = sim_model_parse(table_json, strlen(table_json), err, sizeof err);
    long table, tmpl, alias, stats, count, st, hosts;
    const sim_param_t *p;

    if (!m)
        fail_msg("model: %s", err);
    table = sim_model_find(m, "Device.NAT.PortMapping.");
    tmpl = sim_model_find(m, "Device.NAT.PortMapping.{i}.");
    alias = sim_model_find(m, "Device.NAT.PortMapping.{i}.Alias");
    stats = sim_model_find(m, "Device.NAT.PortMapping.{i}.Stats.Bytes");
    count = sim_model_find(m, "Device.NAT.PortMappingNumberOfEntries");
    st = sim_model_find(m, "Device.NAT.PortMapping.2.");
    assert_true(table >= 0 && tmpl > st && st > table && alias > tmpl && stats > alias);
    /* the table: writable (from its template), linked to the template */
    p = sim_model_param(m, (size_t)table);
    assert_true((p->flags & (SIM_P_TABLE | SIM_P_WRITABLE)) == (SIM_P_TABLE | SIM_P_WRITABLE));
    assert_int_equal(p->link, tmpl);
    assert_int_equal(p->end, stats + 1); /* everything of the table, template included */
    /* the template and below: SIM_P_INST, linked to the template object */
    assert_true(sim_model_is_template(sim_model_param(m, (size_t)tmpl)));
    assert_false(sim_model_is_template(sim_model_param(m, (size_t)table)));
    assert_int_equal(sim_model_param(m, (size_t)tmpl)->link, tmpl);
    assert_int_equal(sim_model_param(m, (size_t)tmpl)->parent, table);
    assert_true(sim_model_param(m, (size_t)alias)->flags & SIM_P_INST);
    assert_int_equal(sim_model_param(m, (size_t)alias)->link, tmpl);
    assert_int_equal(sim_model_param(m, (size_t)stats)->link, tmpl);
    assert_int_equal(sim_model_param(m, (size_t)stats)->parent,
                     sim_model_find(m, "Device.NAT.PortMapping.{i}.Stats."));
    /* a static instance of a writable table can be deleted; it is no template */
    p = sim_model_param(m, (size_t)st);
    assert_true(p->flags & SIM_P_WRITABLE);
    assert_false(p->flags & SIM_P_INST);
    /* the counter */
    p = sim_model_param(m, (size_t)count);
    assert_true(p->flags & SIM_P_COUNT);
    assert_int_equal(p->link, table);
    /* a read-only table */
    hosts = sim_model_find(m, "Device.Hosts.Host.");
    assert_true(sim_model_param(m, (size_t)hosts)->flags & SIM_P_TABLE);
    assert_false(sim_model_param(m, (size_t)hosts)->flags & SIM_P_WRITABLE);
    /* notification flags and defaults */
    p = sim_model_param(m, (size_t)sim_model_find(m, "Device.DeviceInfo.SoftwareVersion"));
    assert_true(p->flags & SIM_P_NOTIFY_FORCED);
    assert_int_equal(p->notify, 2);
    p = sim_model_param(m, (size_t)sim_model_find(m, "Device.DeviceInfo.UpTime"));
    assert_true(p->flags & SIM_P_NOTIFY_DENY);
    assert_int_equal(p->notify, 1);
    p = sim_model_param(m, (size_t)sim_model_find_ms(m, "ConnectionRequestURL"));
    assert_false(p->flags & (SIM_P_NOTIFY_FORCED | SIM_P_NOTIFY_DENY));
    assert_int_equal(p->notify, 2);
    /* parents and ends are consistent everywhere */
    assert_int_equal(sim_model_param(m, 0)->parent, SIM_NONE);
    assert_int_equal(sim_model_param(m, 0)->end, sim_model_count(m));
    for (size_t i = 1; i < sim_model_count(m); i++) {
        const sim_param_t *c = sim_model_param(m, i), *par = sim_model_param(m, c->parent);
        assert_true(c->parent < i && i < par->end && c->end <= par->end);
        assert_int_equal(strncmp(c->name, par->name, strlen(par->name)), 0);
    }
    /* defaults of a template may be changed, {i} only there */
    assert_int_equal(sim_model_set_default(m, "Device.NAT.PortMapping.{i}.Alias", "x-{i}"), 0);
    assert_int_equal(sim_model_set_default(m, "Device.DeviceInfo.SoftwareVersion", "{i}"), -1);
    assert_int_equal(sim_model_set_default(m, "Device.NAT.PortMappingNumberOfEntries", "1"), -1);
    sim_model_free(m);
}

static void test_bad_table_models(void **state)
{
    expect_bad_model("{" DEV "\"parameters\": {\"A.{i}.B.{i}.C\": {}}}", "invalid parameter name");
    expect_bad_model("{" DEV "\"parameters\": {\"{i}.B\": {}}}", "invalid parameter name");
    expect_bad_model("{" DEV "\"parameters\": {\"A.B.{i}\": {}}}", "invalid parameter name");
    expect_bad_model("{" DEV "\"parameters\": {\"A.B{i}.C\": {}}}", "invalid parameter name");
    expect_bad_model("{" DEV "\"parameters\": {\"A.T.{i}.C\": {}, \"A.T.X\": {}}}",
                     "not an instance");
    expect_bad_model("{" DEV "\"parameters\": {\"A.T.{i}.C\": {}, \"A.T.01.C\": {}}}",
                     "not an instance");
    expect_bad_model("{" DEV "\"parameters\": {\"A.T.{i}.C\": {}, \"A.T.0.C\": {}}}",
                     "not an instance");
    expect_bad_model("{" DEV "\"parameters\": {\"A.T.{i}.C\": {}, \"A.TNumberOfEntries\":"
                     " {\"writable\": true}}}",
                     "cannot be writable");
    expect_bad_model("{" DEV "\"parameters\": {\"A.b\": {\"value\": \"n{i}\"}}}", "{i}");
    expect_bad_model("{" DEV "\"parameters\": {\"A.b\": {\"notification\": 7}}}", "notification");
    expect_bad_model("{" DEV "\"parameters\": {\"A.b\": {\"notification\": \"1\"}}}",
                     "notification");
    expect_bad_model("{" DEV "\"parameters\": {\"A.b\": {\"active_notify\": \"sometimes\"}}}",
                     "active_notify");
    expect_bad_model("{" DEV "\"parameters\": {\"A.b\": {\"active_notify\": \"canDeny\","
                     " \"notification\": 2}}}",
                     "canDeny");
    expect_bad_model("{" DEV "\"parameters\": {\"A.b\": {\"active_notify\": \"forceEnabled\","
                     " \"notification\": 0}}}",
                     "notification 2");
    expect_bad_model("{" DEV "\"parameters\": {\"A.\": {\"notification\": 1}}}", "spec");
    expect_bad_model("{" DEV "\"forced_inform\": [\"A.T.{i}.C\"], \"parameters\": "
                     "{\"A.T.{i}.C\": {}}}",
                     "forced_inform");
}

/* What later features rely on in the shipped models: writable NAT port
 * mapping tables with a counter, the STUN parameters (TR-111), deployment
 * and execution unit tables (TR-181), forced and denied notification. */
static void shipped_tables(const sim_model_t *m, int tr181)
{
    static const char *const ms[] = {"STUNEnable",
                                     "STUNServerAddress",
                                     "STUNServerPort",
                                     "STUNUsername",
                                     "STUNPassword",
                                     "STUNMaximumKeepAlivePeriod",
                                     "STUNMinimumKeepAlivePeriod",
                                     "NATDetected",
                                     "UDPConnectionRequestAddress",
                                     "ConnectionRequestUsername",
                                     "ConnectionRequestPassword",
                                     "PeriodicInformInterval"};
    const char *pm = tr181 ? "Device.NAT.PortMapping."
                           : "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1."
                             "WANIPConnection.1.PortMapping.";
    char name[SIM_NAME_MAX + 1];
    long t = sim_model_find(m, pm);
    sim_device_t *d = sim_device_new(m, "SIM000001", 1);
    uint32_t inst;

    assert_true(t >= 0);
    assert_int_equal(sim_model_param(m, (size_t)t)->flags & (SIM_P_TABLE | SIM_P_WRITABLE),
                     SIM_P_TABLE | SIM_P_WRITABLE);
    assert_int_equal(sim_device_tree_add(d, (uint32_t)t, &inst), 0);
    assert_int_equal(inst, 1);
    snprintf(name, sizeof name, "%s1.ExternalPort", pm);
    assert_int_equal(sim_device_cpe_set(d, name, "8080"), 0);
    snprintf(name, sizeof name, "%.*sNumberOfEntries", (int)strlen(pm) - 1, pm);
    assert_true(sim_model_param(m, (size_t)sim_model_find(m, name))->flags & SIM_P_COUNT);
    for (size_t k = 0; k < sizeof ms / sizeof ms[0]; k++) {
        if (sim_model_find_ms(m, ms[k]) < 0)
            fail_msg("ManagementServer.%s missing", ms[k]);
    }
    snprintf(name, sizeof name, "%sDeviceInfo.SoftwareVersion", sim_model_root(m));
    assert_true(sim_model_param(m, (size_t)sim_model_find(m, name))->flags & SIM_P_NOTIFY_FORCED);
    snprintf(name, sizeof name, "%sDeviceInfo.UpTime", sim_model_root(m));
    assert_true(sim_model_param(m, (size_t)sim_model_find(m, name))->flags & SIM_P_NOTIFY_DENY);
    if (tr181) {
        static const char *const leaves[] = {"UUID", "Name", "Version", "URL", "Status"};
        static const char *const values[] = {"6ba7b810-9dad-11d1-80b4-00c04fd430c8", "webapp",
                                             "1.2.0", "http://f.example/app.ipk", "Installed"};
        char err[128];
        assert_int_equal(sim_device_tree_add_instance(d, "Device.SoftwareModules.DeploymentUnit.",
                                                      leaves, values, 5, err, sizeof err),
                         1);
        assert_int_equal(sim_device_tree_add_instance(d, "Device.SoftwareModules.ExecutionUnit.",
                                                      leaves, values, 1, err, sizeof err),
                         -1); /* an EU has no UUID: EUID */
        assert_true(sim_model_find(m, "Device.SoftwareModules.ExecutionUnit.{i}.EUID") >= 0);
    }
    sim_device_free(d);
}

static void test_shipped_models(void **state)
{
    static const char *const paths[] = {"services/cpe-sim/models/tr181.json",
                                        "services/cpe-sim/models/tr098.json"};
    static const char *const roots[] = {"Device.", "InternetGatewayDevice."};

    for (int i = 0; i < 2; i++) {
        char err[256] = "";
        if (access(paths[i], R_OK) != 0) {
            skip(); /* run from the repository root to check the shipped models */
            return;
        }
        sim_model_t *m = sim_model_load(paths[i], err, sizeof err);
        if (!m)
            fail_msg("%s: %s", paths[i], err);
        const size_t *forced;
        assert_string_equal(sim_model_root(m), roots[i]);
        assert_true(sim_model_forced(m, &forced) >= 7);
        assert_true(sim_model_find_ms(m, "ParameterKey") >= 0);
        assert_true(sim_model_find_ms(m, "PeriodicInformInterval") >= 0);
        assert_true(sim_model_param(m, (size_t)sim_model_find_ms(m, "Password"))->flags &
                    SIM_P_SECRET);
        assert_true(sim_model_count(m) >= 60);
        shipped_tables(m, i == 0);
        sim_model_free(m);
    }
}

static void test_device_values(void **state)
{
    sim_model_t *m = load_test_model();
    sim_device_t *d = sim_device_new(m, "SIM000007", 7);
    long ssid = sim_model_find(m, "Device.WiFi.SSID.1.SSID");
    long pw = sim_model_find_ms(m, "Password");
    acs_buf_t b = ACS_BUF_INIT;
    size_t idx;
    const char *v;

    sim_device_value(d, (size_t)ssid, &b);
    assert_string_equal(b.data, "net-7");
    acs_buf_reset(&b);
    sim_device_value_public(d, (size_t)pw, &b);
    assert_int_equal(b.len, 0);
    sim_device_value(d, (size_t)pw, &b);
    assert_string_equal(b.data, "s3cret");

    sim_device_set(d, (size_t)ssid, "mine");
    sim_device_set(d, (size_t)pw, "p2");
    sim_device_set(d, (size_t)ssid, "mine2");
    assert_int_equal(sim_device_changed_count(d), 2);
    sim_device_changed_at(d, 0, &idx, &v);
    assert_true(idx < (size_t)ssid); /* sorted by index: Password first */
    acs_buf_reset(&b);
    sim_device_value(d, (size_t)ssid, &b);
    assert_string_equal(b.data, "mine2");

    assert_int_equal(sim_device_periodic_interval(d), 300);
    sim_device_set(d, (size_t)sim_model_find_ms(m, "PeriodicInformInterval"), "60");
    assert_int_equal(sim_device_periodic_interval(d), 60);

    /* a second device of the same model is unaffected */
    sim_device_t *d2 = sim_device_new(m, "SIM000008", 8);
    acs_buf_reset(&b);
    sim_device_value(d2, (size_t)ssid, &b);
    assert_string_equal(b.data, "net-8");
    sim_device_free(d2);
    acs_buf_free(&b);
    sim_device_free(d);
    sim_model_free(m);
}

static void test_device_events(void **state)
{
    sim_model_t *m = load_test_model();
    sim_device_t *d = sim_device_new(m, "SIM000001", 1);
    const sim_event_t *ev;

    sim_device_event_add(d, "1 BOOT", NULL);
    sim_device_event_add(d, "1 BOOT", NULL);
    sim_device_event_add(d, "M Download", "a");
    sim_device_event_add(d, "M Download", "b");
    assert_int_equal(sim_device_events(d, &ev), 3);
    assert_string_equal(ev[2].command_key, "b");
    sim_device_event_add(d, "0 BOOTSTRAP", NULL); /* discards what was queued */
    assert_int_equal(sim_device_events(d, &ev), 1);
    assert_string_equal(ev[0].code, "0 BOOTSTRAP");
    sim_device_events_clear(d);
    assert_int_equal(sim_device_events(d, &ev), 0);

    sim_device_reboot(d, "key-0123456789012345678901234567890123456789");
    assert_int_equal(sim_device_events(d, &ev), 2);
    assert_string_equal(ev[0].code, "1 BOOT");
    assert_string_equal(ev[1].code, "M Reboot");
    assert_int_equal(strlen(ev[1].command_key), SIM_COMMAND_KEY_MAX); /* cut to string(32) */
    for (int i = 0; i < 2 * SIM_EVENTS_MAX; i++)
        sim_device_event_add(d, "M X", "k");
    assert_int_equal(sim_device_events(d, &ev), SIM_EVENTS_MAX);
    sim_device_free(d);
    sim_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_and_order),   cmocka_unit_test(test_subtree_and_forced),
        cmocka_unit_test(test_templates),        cmocka_unit_test(test_value_types),
        cmocka_unit_test(test_bad_models),       cmocka_unit_test(test_shipped_models),
        cmocka_unit_test(test_device_values),    cmocka_unit_test(test_device_events),
        cmocka_unit_test(test_tables_and_flags), cmocka_unit_test(test_bad_table_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
