/* Unit tests for services/cpe-sim: a device's tree (sim_device_tree: names
 * of instances, the by-name API the transfer side uses for deployment
 * units) and its configuration as JSON (sim_device_config: export,
 * import, refusal without change). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_device.h"
#include "sim_model.h"

static const char model_json[] =
    "{\"device\": {\"oui\": \"00D09E\"}, \"parameters\": {"
    "  \"Device.DeviceInfo.SoftwareVersion\": {\"value\": \"1.0\", \"active_notify\": "
    "\"forceEnabled\"},"
    "  \"Device.ManagementServer.Password\": {\"value\": \"pw\", \"writable\": true},"
    "  \"Device.ManagementServer.PeriodicInformInterval\": {\"type\": \"xsd:unsignedInt\","
    "     \"value\": \"300\", \"writable\": true},"
    "  \"Device.SoftwareModules.DeploymentUnitNumberOfEntries\": {\"type\": "
    "\"xsd:unsignedInt\"},"
    "  \"Device.SoftwareModules.DeploymentUnit.{i}.UUID\": {},"
    "  \"Device.SoftwareModules.DeploymentUnit.{i}.Status\": {\"value\": \"Installing\"},"
    "  \"Device.SoftwareModules.DeploymentUnit.{i}.Resolved\": {\"type\": \"xsd:boolean\"},"
    "  \"Device.SoftwareModules.DeploymentUnit.{i}.Alias\": {\"value\": \"cpe-{i}\","
    "     \"writable\": true},"
    "  \"Device.IP.Interface.1.Name\": {\"value\": \"wan\"},"
    "  \"Device.IP.Interface.1.IPv4Address.1.IPAddress\": {\"value\": \"10.0.0.1\"},"
    "  \"Device.IP.Interface.1.IPv4Address.{i}.\": {\"writable\": true},"
    "  \"Device.IP.Interface.1.IPv4Address.{i}.IPAddress\": {\"writable\": true},"
    "  \"Device.IP.Interface.2.Name\": {\"value\": \"lan\"},"
    "  \"Device.IP.Interface.{i}.\": {\"writable\": true},"
    "  \"Device.IP.Interface.{i}.Name\": {\"writable\": true}"
    "}}";

#define DU "Device.SoftwareModules.DeploymentUnit."

typedef struct {
    sim_model_t *m;
    sim_device_t *d;
    acs_buf_t b;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    char err[256] = "";
    f->m = sim_model_parse(model_json, strlen(model_json), err, sizeof err);
    if (!f->m)
        fail_msg("model: %s", err);
    f->d = sim_device_new(f->m, "SIM000001", 1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    acs_buf_free(&f->b);
    sim_device_free(f->d);
    sim_model_free(f->m);
    free(f);
    return 0;
}

/* The value of name on d, or "(none)". */
static const char *get(fixture_t *f, sim_device_t *d, const char *name)
{
    sim_ref_t ref;
    acs_buf_reset(&f->b);
    if (sim_device_tree_find(d, name, &ref) != 0)
        return "(none)";
    sim_device_get(d, ref, &f->b);
    return f->b.data ? f->b.data : "";
}

static long add_du(fixture_t *f, const char *uuid)
{
    const char *leaves[] = {"UUID", "Resolved"};
    const char *values[] = {uuid, "1"};
    char err[128] = "";
    long inst = sim_device_tree_add_instance(f->d, DU, leaves, values, 2, err, sizeof err);
    if (inst < 0)
        fail_msg("add: %s", err);
    return inst;
}

/* What the transfer side does for ChangeDUState. */
static void test_du_by_name(void **state)
{
    fixture_t *f = *state;
    const char *bad_leaf[] = {"Nope"}, *bad_value[] = {"x"}, *resolved[] = {"Resolved"};
    uint32_t nums[4];
    char err[128];
    const sim_event_t *ev;

    assert_int_equal(add_du(f, "u-1"), 1);
    assert_int_equal(add_du(f, "u-2"), 2);
    assert_string_equal(get(f, f->d, DU "2.UUID"), "u-2");
    assert_string_equal(get(f, f->d, DU "2.Resolved"), "1");
    assert_string_equal(get(f, f->d, DU "2.Alias"), "cpe-2");
    assert_string_equal(get(f, f->d, DU "1.Status"), "Installing");
    assert_string_equal(get(f, f->d, "Device.SoftwareModules.DeploymentUnitNumberOfEntries"), "2");
    assert_int_equal(sim_device_tree_find_instance(f->d, DU, "UUID", "u-2"), 2);
    assert_int_equal(
        sim_device_tree_find_instance(f->d, "Device.SoftwareModules.DeploymentUnit", "UUID", "u-1"),
        1);
    assert_int_equal(sim_device_tree_find_instance(f->d, DU, "UUID", "u-3"), -1);
    assert_int_equal(sim_device_tree_find_instance(f->d, "Device.Nope.", "UUID", "u-1"), -1);
    assert_int_equal(sim_device_tree_instances(f->d, DU, nums, 4), 2);
    assert_int_equal(nums[1], 2);

    /* all or nothing */
    assert_int_equal(
        sim_device_tree_add_instance(f->d, DU, bad_leaf, bad_value, 1, err, sizeof err), -1);
    assert_non_null(strstr(err, "Nope"));
    assert_int_equal(
        sim_device_tree_add_instance(f->d, DU, resolved, bad_value, 1, err, sizeof err), -1);
    assert_int_equal(sim_device_tree_add_instance(f->d, "Device.IP.Interface.1.", resolved,
                                                  bad_value, 1, err, sizeof err),
                     -1);
    assert_int_equal(sim_device_tree_instances(f->d, DU, nums, 4), 2);

    /* the CPE's own changes */
    assert_int_equal(sim_device_cpe_set(f->d, DU "1.Status", "Installed"), 0);
    assert_string_equal(get(f, f->d, DU "1.Status"), "Installed");
    assert_int_equal(sim_device_tree_delete_instance(f->d, DU "1"), 0);
    assert_int_equal(sim_device_tree_delete_instance(f->d, DU "1."), -1);
    assert_int_equal(sim_device_tree_delete_instance(f->d, DU), -1);
    assert_string_equal(get(f, f->d, DU "1.UUID"), "(none)");
    assert_int_equal(sim_device_tree_instances(f->d, DU, nums, 4), 1);
    assert_int_equal(add_du(f, "u-3"), 3);
    /* nothing was notified: the counter's Notification is 0 */
    assert_int_equal(sim_device_events(f->d, &ev), 0);
}

static void test_names_and_expand(void **state)
{
    fixture_t *f = *state;
    sim_refs_t refs = SIM_REFS_INIT;
    sim_ref_t ref;
    uint32_t table, inst;

    assert_int_equal(sim_device_tree_find(f->d, "Device.IP.Interface.", &ref), 0);
    table = ref.idx;
    assert_int_equal(sim_device_tree_add(f->d, table, &inst), 0);
    assert_int_equal(inst, 3);
    assert_int_equal(sim_device_tree_find(f->d, "Device.IP.Interface.3.Name", &ref), 0);
    assert_int_equal(ref.inst, 3);
    acs_buf_reset(&f->b);
    sim_device_tree_name(f->d, ref, &f->b);
    assert_string_equal(f->b.data, "Device.IP.Interface.3.Name");
    assert_int_equal(sim_device_tree_find(f->d, "Device.IP.Interface.03.Name", &ref), -1);
    assert_int_equal(sim_device_tree_find(f->d, "Device.IP.Interface.4294967296.Name", &ref), -1);
    assert_int_equal(sim_device_tree_find(f->d, "Device.IP.Interface.3", &ref), -1);
    assert_int_equal(sim_device_tree_find(f->d, "", &ref), -1);

    assert_int_equal(sim_device_tree_expand(f->d, "Device.IP.", &refs), 0);
    /* IP. Interface. 1. Name IPv4Address. 1. IPAddress 2. Name 3. Name */
    assert_int_equal(refs.n, 11);
    acs_buf_reset(&f->b);
    sim_device_tree_name(f->d, refs.r[9], &f->b);
    assert_string_equal(f->b.data, "Device.IP.Interface.3.");
    assert_int_equal(sim_device_tree_expand(f->d, "Device.IP.Interface.{i}.", &refs), -1);
    assert_int_equal(sim_device_tree_expand(f->d, "Device.IP", &refs), -1);
    sim_refs_free(&refs);

    /* a static instance goes with the table inside it */
    assert_int_equal(sim_device_tree_find(f->d, "Device.IP.Interface.1.IPv4Address.", &ref), 0);
    assert_int_equal(sim_device_tree_add(f->d, ref.idx, &inst), 0);
    assert_int_equal(sim_device_tree_find(f->d, "Device.IP.Interface.1.", &ref), 0);
    assert_int_equal(sim_device_tree_delete(f->d, ref), 0);
    assert_int_equal(sim_device_tree_delete(f->d, ref), -1);
    assert_int_equal(sim_device_tree_count(f->d, table), 2);
    assert_int_equal(sim_device_tree_expand(f->d, "Device.IP.", &refs), 0);
    assert_int_equal(refs.n, 6);
    sim_refs_free(&refs);
}

/* Everything a device changed survives export + import into a new one. */
static void test_config_round_trip(void **state)
{
    fixture_t *f = *state;
    sim_device_t *d2 = sim_device_new(f->m, "SIM000001", 1);
    char err[256] = "";
    sim_ref_t ref;
    unsigned n, acl;
    uint32_t inst;
    json_t *cfg, *again;

    assert_int_equal(add_du(f, "u-1"), 1);
    assert_int_equal(add_du(f, "u-2"), 2);
    assert_int_equal(sim_device_tree_delete_instance(f->d, DU "1."), 0);
    assert_int_equal(sim_device_tree_find(f->d, "Device.IP.Interface.2.", &ref), 0);
    assert_int_equal(sim_device_tree_delete(f->d, ref), 0);
    assert_int_equal(sim_device_tree_find(f->d, "Device.IP.Interface.1.IPv4Address.", &ref), 0);
    assert_int_equal(sim_device_tree_add(f->d, ref.idx, &inst), 0);
    assert_int_equal(
        sim_device_cpe_set(f->d, "Device.IP.Interface.1.IPv4Address.2.IPAddress", "192.0.2.1"), 0);
    assert_int_equal(sim_device_cpe_set(f->d, "Device.ManagementServer.Password", "secret"), 0);
    assert_int_equal(sim_device_cpe_set(f->d, "Device.DeviceInfo.SoftwareVersion", "2.0"), 2);
    assert_int_equal(sim_device_tree_find(f->d, DU "2.Alias", &ref), 0);
    sim_device_attr_set(f->d, ref, 1, SIM_ACL_SUBSCRIBER);

    cfg = sim_device_config_export(f->d);
    assert_int_equal(sim_device_config_import(d2, cfg, err, sizeof err), 0);
    assert_string_equal(get(f, d2, "Device.ManagementServer.Password"), "secret");
    assert_string_equal(get(f, d2, "Device.DeviceInfo.SoftwareVersion"), "2.0");
    assert_string_equal(get(f, d2, DU "2.UUID"), "u-2");
    assert_string_equal(get(f, d2, DU "1.UUID"), "(none)");
    assert_string_equal(get(f, d2, "Device.IP.Interface.2.Name"), "(none)");
    assert_string_equal(get(f, d2, "Device.IP.Interface.1.IPv4Address.2.IPAddress"), "192.0.2.1");
    assert_int_equal(sim_device_tree_find(d2, DU "2.Alias", &ref), 0);
    sim_device_attr_get(d2, ref, &n, &acl);
    assert_int_equal(n, 1);
    assert_int_equal(acl, SIM_ACL_SUBSCRIBER);
    /* numbering continues where it was */
    assert_int_equal(sim_device_tree_find(d2, "Device.SoftwareModules.DeploymentUnit.", &ref), 0);
    assert_int_equal(sim_device_tree_add(d2, ref.idx, &inst), 0);
    assert_int_equal(inst, 3);
    assert_int_equal(sim_device_tree_delete_instance(d2, DU "3."), 0);
    /* and exports the same */
    again = sim_device_config_export(d2);
    json_object_set_new(json_object_get(json_object_get(cfg, "instances"), DU), "next",
                        json_integer(4));
    assert_true(json_equal(cfg, again));
    json_decref(cfg);
    json_decref(again);
    sim_device_free(d2);
}

/* A restore replaces the configuration; a bad one changes nothing. */
static void expect_refused(fixture_t *f, const char *json, const char *needle)
{
    char err[256] = "";
    json_error_t jerr;
    json_t *cfg = json_loads(json, 0, &jerr), *before = sim_device_config_export(f->d), *after;

    if (!cfg)
        fail_msg("test JSON: %s", jerr.text);
    assert_int_equal(sim_device_config_import(f->d, cfg, err, sizeof err), -1);
    if (!strstr(err, needle))
        fail_msg("error \"%s\" lacks \"%s\"", err, needle);
    after = sim_device_config_export(f->d);
    assert_true(json_equal(before, after));
    json_decref(cfg);
    json_decref(before);
    json_decref(after);
}

static void test_config_import_checks(void **state)
{
    fixture_t *f = *state;
    char err[256] = "";
    json_t *cfg;

    assert_int_equal(add_du(f, "u-1"), 1);
    assert_int_equal(sim_device_cpe_set(f->d, "Device.ManagementServer.Password", "mine"), 0);
    expect_refused(f, "[]", "not a configuration");
    expect_refused(f, "{}", "not a configuration");
    expect_refused(f, "{\"values\": {\"Device.Nope\": \"x\"}}", "Device.Nope");
    expect_refused(f,
                   "{\"values\": {\"Device.ManagementServer.PeriodicInformInterval\": "
                   "\"soon\"}}",
                   "PeriodicInformInterval");
    expect_refused(f, "{\"values\": {\"Device.ManagementServer.Password\": 7}}", "Password");
    expect_refused(f, "{\"values\": {\"" DU "1.UUID\": \"x\"}}", DU "1.UUID");
    expect_refused(f,
                   "{\"values\": {\"Device.SoftwareModules.DeploymentUnitNumberOfEntries\":"
                   " \"5\"}}",
                   "NumberOfEntries");
    expect_refused(f, "{\"values\": {\"Device.IP.\": \"\"}}", "Device.IP.");
    expect_refused(f, "{\"values\": {}, \"instances\": {\"Device.IP.\": {}}}", "not a table");
    expect_refused(f,
                   "{\"values\": {}, \"instances\": {\"Device.IP.Interface.\": "
                   "{\"added\": [2]}}}",
                   "ascend");
    expect_refused(f, "{\"values\": {}, \"instances\": {\"" DU "\": {\"added\": [3, 3]}}}",
                   "ascend");
    expect_refused(f, "{\"values\": {}, \"instances\": {\"" DU "\": {\"added\": [0]}}}", "ascend");
    expect_refused(f,
                   "{\"values\": {}, \"instances\": {\"Device.IP.Interface.\": "
                   "{\"deleted\": [7]}}}",
                   "delete");
    expect_refused(f,
                   "{\"values\": {}, \"instances\": {\"Device.IP.Interface.\": "
                   "{\"deleted\": [1]}, \"Device.IP.Interface.1.IPv4Address.\": {}}}",
                   "hidden");
    expect_refused(f,
                   "{\"values\": {}, \"attributes\": {\"Device.IP.Interface.1.Name\": "
                   "{\"notification\": 9}}}",
                   "attributes");
    expect_refused(f,
                   "{\"values\": {}, \"attributes\": {\"Device.DeviceInfo.SoftwareVersion\": "
                   "{\"notification\": 0}}}",
                   "attributes");
    expect_refused(f,
                   "{\"values\": {}, \"attributes\": {\"Device.IP.Interface.1.Name\": "
                   "{\"access_list\": [\"Admin\"]}}}",
                   "attributes");

    /* a good one replaces everything: the DU is gone, the value is back */
    cfg = json_pack("{s:{s:s}, s:s}", "values", "Device.IP.Interface.1.Name", "uplink", "serial",
                    "ignored");
    assert_int_equal(sim_device_config_import(f->d, cfg, err, sizeof err), 0);
    json_decref(cfg);
    assert_string_equal(get(f, f->d, "Device.IP.Interface.1.Name"), "uplink");
    assert_string_equal(get(f, f->d, "Device.ManagementServer.Password"), "pw");
    assert_string_equal(get(f, f->d, DU "1.UUID"), "(none)");
}

static void test_factory_reset_tables(void **state)
{
    fixture_t *f = *state;
    sim_ref_t ref;
    json_t *cfg;

    assert_int_equal(add_du(f, "u-1"), 1);
    assert_int_equal(sim_device_tree_find(f->d, "Device.IP.Interface.2.", &ref), 0);
    assert_int_equal(sim_device_tree_delete(f->d, ref), 0);
    sim_device_factory_reset(f->d);
    assert_string_equal(get(f, f->d, "Device.IP.Interface.2.Name"), "lan");
    assert_string_equal(get(f, f->d, DU "1.UUID"), "(none)");
    cfg = sim_device_config_export(f->d);
    assert_int_equal(json_object_size(json_object_get(cfg, "values")), 0);
    assert_int_equal(json_object_size(json_object_get(cfg, "instances")), 0);
    json_decref(cfg);
    assert_int_equal(add_du(f, "u-9"), 1);
}

/* Values that no name reaches are neither kept nor exported. */
static void test_stray_values(void **state)
{
    fixture_t *f = *state;
    char err[256] = "";
    sim_ref_t ref;
    json_t *cfg;
    sim_device_t *d2 = sim_device_new(f->m, "SIM000001", 1);

    sim_device_set(f->d, (size_t)sim_model_find(f->m, DU "{i}.UUID"), "stray");
    assert_int_equal(sim_device_changed_count(f->d), 0);
    sim_device_set(f->d, (size_t)sim_model_find(f->m, "Device.IP.Interface.2.Name"), "gone");
    assert_int_equal(sim_device_tree_find(f->d, "Device.IP.Interface.2.", &ref), 0);
    assert_int_equal(sim_device_tree_delete(f->d, ref), 0);
    /* set again after the deletion, by model index (as old callers do) */
    sim_device_set(f->d, (size_t)sim_model_find(f->m, "Device.IP.Interface.2.Name"), "gone");
    cfg = sim_device_config_export(f->d);
    assert_int_equal(json_object_size(json_object_get(cfg, "values")), 0);
    assert_int_equal(sim_device_config_import(d2, cfg, err, sizeof err), 0);
    json_decref(cfg);
    sim_device_free(d2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_du_by_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_names_and_expand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_import_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_factory_reset_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stray_values, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
