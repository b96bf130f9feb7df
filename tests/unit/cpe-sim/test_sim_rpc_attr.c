/* Unit tests for services/cpe-sim: GetParameterAttributes and
 * SetParameterAttributes (sim_rpc_attr, sim_device_attr): defaults from the
 * model, forceEnabled and canDeny, partial paths, voided changes, CWMP 1.4
 * values, atomicity; and value-change notification: "4 VALUE CHANGE" with
 * the changed parameters in the next Inform. */
#include "sim_test_rpc.h"

#define SPA_ONE(name, nc, n, ac, acl)                                                              \
    "<SetParameterAttributesStruct><Name>" name "</Name><NotificationChange>" nc                   \
    "</NotificationChange><Notification>" n "</Notification><AccessListChange>" ac                 \
    "</AccessListChange><AccessList>" acl "</AccessList></SetParameterAttributesStruct>"
#define SPA(list)                                                                                  \
    "<cwmp:SetParameterAttributes><ParameterList>" list "</ParameterList>"                         \
    "</cwmp:SetParameterAttributes>"
#define GPA(names)                                                                                 \
    "<cwmp:GetParameterAttributes><ParameterNames>" names "</ParameterNames>"                      \
    "</cwmp:GetParameterAttributes>"
#define SUB "<string>Subscriber</string>"

/* "notification/acl,acl" of name in the last GPA reply, into b. */
static void attr_of(fixture_t *f, const char *name, acs_buf_t *b)
{
    xmlNodePtr list = sim_soap_child(f->reply.rpc, "ParameterList");
    acs_buf_reset(b);
    for (xmlNodePtr s = sim_soap_child(list, "ParameterAttributeStruct"); s; s = sim_soap_next(s)) {
        char *n = sim_soap_text(sim_soap_child(s, "Name"));
        if (strcmp(n, name) == 0) {
            char *v = sim_soap_text(sim_soap_child(s, "Notification"));
            acs_buf_printf(b, "%s/", v);
            free(v);
            xmlNodePtr acl = sim_soap_child(s, "AccessList");
            for (xmlNodePtr a = sim_soap_child(acl, "string"); a; a = sim_soap_next(a)) {
                char *t = sim_soap_text(a);
                acs_buf_printf(b, "%s%s", b->data[b->len - 1] == '/' ? "" : ",", t);
                free(t);
            }
        }
        free(n);
    }
    if (!b->data)
        acs_buf_puts(b, "(absent)");
}

/* GPA of one name, its "notification/acl" into b. */
static void gpa1(fixture_t *f, const char *name, acs_buf_t *b)
{
    acs_buf_t req = ACS_BUF_INIT;
    acs_buf_printf(&req, GPA("<string>%s</string>"), name);
    assert_int_equal(call(f, req.data), 0);
    attr_of(f, name, b);
    acs_buf_free(&req);
}

static void test_gpa_defaults(void **state)
{
    fixture_t *f = *state;
    acs_buf_t b = ACS_BUF_INIT;

    assert_int_equal(call(f, GPA("<string>Device.DeviceInfo.</string>"
                                 "<string>Device.WiFi.Radio.1.Channel</string>")),
                     0);
    assert_string_equal(f->reply.method, "GetParameterAttributesResponse");
    assert_int_equal(nchildren(sim_soap_child(f->reply.rpc, "ParameterList")), 4);
    attr_of(f, "Device.DeviceInfo.SoftwareVersion", &b);
    assert_string_equal(b.data, "2/"); /* forceEnabled */
    attr_of(f, "Device.DeviceInfo.SerialNumber", &b);
    assert_string_equal(b.data, "0/");
    attr_of(f, "Device.WiFi.Radio.1.Channel", &b);
    assert_string_equal(b.data, "1/"); /* the model's default */
    gpa1(f, "Device.ManagementServer.ConnectionRequestURL", &b);
    assert_string_equal(b.data, "2/"); /* forceDefaultEnabled */
    assert_non_null(strstr(f->out.data, "<AccessList soap-enc:arrayType=\"xsd:string[0]\">"));

    assert_int_equal(call(f, GPA("<string>Device.Nope</string>")), 9005);
    assert_int_equal(call(f, GPA("<string>Device.WiFi</string>")), 9005);
    assert_int_equal(call(f, "<cwmp:GetParameterAttributes/>"), 9003);
    acs_buf_free(&b);
}

static void test_spa_set_and_void(void **state)
{
    fixture_t *f = *state;
    acs_buf_t b = ACS_BUF_INIT;

    assert_int_equal(call(f, SPA(SPA_ONE("Device.ManagementServer.PeriodicInformInterval", "1", "1",
                                         "true", SUB))),
                     0);
    assert_string_equal(f->reply.method, "SetParameterAttributesResponse");
    gpa1(f, "Device.ManagementServer.PeriodicInformInterval", &b);
    assert_string_equal(b.data, "1/Subscriber");
    assert_non_null(strstr(f->out.data, "arrayType=\"xsd:string[1]\"><string>Subscriber<"));
    /* a false *Change voids its value, however odd (GenieACS: empty) */
    assert_int_equal(
        call(f, SPA(SPA_ONE("Device.ManagementServer.PeriodicInformInterval", "0", "", "1", ""))),
        0);
    gpa1(f, "Device.ManagementServer.PeriodicInformInterval", &b);
    assert_string_equal(b.data, "1/");
    assert_int_equal(call(f, SPA(SPA_ONE("Device.ManagementServer.PeriodicInformInterval", "true",
                                         "2", "false", "<string>Bogus</string>"))),
                     0);
    gpa1(f, "Device.ManagementServer.PeriodicInformInterval", &b);
    assert_string_equal(b.data, "2/");
    /* back to the defaults: nothing kept (sparse) */
    assert_int_equal(
        call(f, SPA(SPA_ONE("Device.ManagementServer.PeriodicInformInterval", "1", "0", "0", ""))),
        0);
    json_t *cfg = sim_device_config_export(f->d);
    assert_int_equal(json_object_size(json_object_get(cfg, "attributes")), 0);
    json_decref(cfg);
    /* forceDefaultEnabled may be turned off */
    assert_int_equal(
        call(f, SPA(SPA_ONE("Device.ManagementServer.ConnectionRequestURL", "1", "0", "0", ""))),
        0);
    gpa1(f, "Device.ManagementServer.ConnectionRequestURL", &b);
    assert_string_equal(b.data, "0/");
    acs_buf_free(&b);
}

/* forceEnabled and canDeny: 9009 when named, skipped under a partial path. */
static void test_spa_refusals(void **state)
{
    fixture_t *f = *state;
    acs_buf_t b = ACS_BUF_INIT;

    assert_int_equal(call(f, SPA(SPA_ONE("Device.DeviceInfo.UpTime", "1", "2", "0", ""))), 9009);
    assert_string_equal(f->reply.fault_string, "Notification request rejected");
    assert_int_equal(call(f, SPA(SPA_ONE("Device.DeviceInfo.SoftwareVersion", "1", "0", "0", ""))),
                     9009);
    assert_int_equal(call(f, SPA(SPA_ONE("Device.DeviceInfo.SoftwareVersion", "1", "2", "1", SUB))),
                     0);
    assert_int_equal(call(f, SPA(SPA_ONE("Device.DeviceInfo.UpTime", "1", "1", "0", ""))), 0);
    gpa1(f, "Device.DeviceInfo.UpTime", &b);
    assert_string_equal(b.data, "1/"); /* passive is fine for a counter */

    assert_int_equal(call(f, SPA(SPA_ONE("Device.DeviceInfo.", "1", "2", "0", ""))), 0);
    assert_int_equal(call(f, GPA("<string>Device.DeviceInfo.</string>")), 0);
    attr_of(f, "Device.DeviceInfo.SerialNumber", &b);
    assert_string_equal(b.data, "2/");
    attr_of(f, "Device.DeviceInfo.UpTime", &b);
    assert_string_equal(b.data, "1/");
    attr_of(f, "Device.DeviceInfo.SoftwareVersion", &b);
    assert_string_equal(b.data, "2/Subscriber");
    assert_int_equal(call(f, SPA(SPA_ONE("", "1", "0", "0", ""))), 0);
    assert_int_equal(call(f, GPA("<string></string>")), 0);
    attr_of(f, "Device.DeviceInfo.SoftwareVersion", &b);
    assert_string_equal(b.data, "2/Subscriber");
    attr_of(f, "Device.WiFi.Radio.1.Channel", &b);
    assert_string_equal(b.data, "0/");
    acs_buf_free(&b);
}

static void test_spa_bad_requests(void **state)
{
    fixture_t *f = *state;
    acs_buf_t b = ACS_BUF_INIT;

    /* all or nothing: the good first struct is not applied */
    assert_int_equal(call(f, SPA(SPA_ONE("Device.WiFi.SSID.1.SSID", "1", "1", "0", "")
                                     SPA_ONE("Device.Nope", "1", "1", "0", ""))),
                     9005);
    gpa1(f, "Device.WiFi.SSID.1.SSID", &b);
    assert_string_equal(b.data, "0/");
    assert_int_equal(call(f, SPA(SPA_ONE("Device.WiFi.SSID.1.SSID", "1", "7", "0", ""))), 9003);
    assert_int_equal(call(f, SPA(SPA_ONE("Device.WiFi.SSID.1.SSID", "1", "x", "0", ""))), 9003);
    assert_int_equal(call(f, SPA(SPA_ONE("Device.WiFi.SSID.1.SSID", "maybe", "1", "0", ""))), 9003);
    assert_int_equal(
        call(f, SPA(SPA_ONE("Device.WiFi.SSID.1.SSID", "0", "", "1", "<string>Admin</string>"))),
        9003);
    assert_int_equal(call(f, SPA("<SetParameterAttributesStruct><NotificationChange>0"
                                 "</NotificationChange><AccessListChange>0</AccessListChange>"
                                 "</SetParameterAttributesStruct>")),
                     9003);
    assert_int_equal(call(f, "<cwmp:SetParameterAttributes/>"), 9003);
    /* lightweight notification (3..6) only from CWMP 1.4 */
    assert_int_equal(call(f, SPA(SPA_ONE("Device.WiFi.SSID.1.SSID", "1", "4", "0", ""))), 9003);
    assert_int_equal(call_ns(f, NS14, SPA(SPA_ONE("Device.WiFi.SSID.1.SSID", "1", "4", "0", ""))),
                     0);
    assert_int_equal(call_ns(f, NS14, GPA("<string>Device.WiFi.SSID.1.SSID</string>")), 0);
    attr_of(f, "Device.WiFi.SSID.1.SSID", &b);
    assert_string_equal(b.data, "4/");
    /* active lightweight on a counter is active too */
    assert_int_equal(call_ns(f, NS14, SPA(SPA_ONE("Device.DeviceInfo.UpTime", "1", "6", "0", ""))),
                     9009);
    acs_buf_free(&b);
}

/* Attributes of instances: set, seen, gone with the instance. */
static void test_attr_instances(void **state)
{
    fixture_t *f = *state;
    acs_buf_t b = ACS_BUF_INIT;

    assert_int_equal(add_object(f, "Device.NAT.PortMapping."), 1);
    assert_int_equal(call(f, SPA(SPA_ONE("Device.NAT.PortMapping.", "1", "1", "0", ""))), 0);
    gpa1(f, "Device.NAT.PortMapping.1.Enable", &b);
    assert_string_equal(b.data, "1/");
    assert_int_equal(call(f, DEL("Device.NAT.PortMapping.1.", "")), 0);
    assert_int_equal(add_object(f, "Device.NAT.PortMapping."), 2);
    gpa1(f, "Device.NAT.PortMapping.2.Enable", &b);
    assert_string_equal(b.data, "0/");
    assert_int_equal(call(f, GPA("<string>Device.NAT.PortMapping.1.Enable</string>")), 9005);
    acs_buf_free(&b);
}

/* The Inform's ParameterList as "name=value ..." and its events. */
static void inform(fixture_t *f, acs_buf_t *params, acs_buf_t *events)
{
    sim_inform_opts_t o = {NS12, 2, "inf", 30, 1714637700000LL};
    char err[128];
    sim_soap_msg_t m;

    acs_buf_reset(&f->out);
    sim_rpc_inform(f->d, &o, &f->out);
    assert_int_equal(sim_soap_parse(f->out.data, f->out.len, &m, err, sizeof err), 0);
    acs_buf_reset(params);
    acs_buf_reset(events);
    xmlNodePtr list = sim_soap_child(m.rpc, "ParameterList");
    for (xmlNodePtr s = sim_soap_child(list, "ParameterValueStruct"); s; s = sim_soap_next(s)) {
        char *n = sim_soap_text(sim_soap_child(s, "Name"));
        char *v = sim_soap_text_raw(sim_soap_child(s, "Value"));
        acs_buf_printf(params, "%s%s=%s", params->len ? " " : "", n, v);
        free(n);
        free(v);
    }
    xmlNodePtr ev = sim_soap_child(m.rpc, "Event");
    for (xmlNodePtr s = sim_soap_child(ev, "EventStruct"); s; s = sim_soap_next(s)) {
        char *c = sim_soap_text(sim_soap_child(s, "EventCode"));
        acs_buf_printf(events, "%s%s", events->len ? "," : "", c);
        free(c);
    }
    acs_buf_puts(events, "");
    sim_soap_msg_clear(&m);
}

#define FORCED                                                                                     \
    "Device.DeviceInfo.SoftwareVersion=1.0 Device.ManagementServer.ParameterKey= "                 \
    "Device.ManagementServer.Password="

static void test_value_change(void **state)
{
    fixture_t *f = *state;
    acs_buf_t p = ACS_BUF_INIT, e = ACS_BUF_INIT;

    /* notification 0: a change is not reported */
    assert_int_equal(sim_device_cpe_set(f->d, "Device.WiFi.SSID.1.SSID", "quiet"), 0);
    inform(f, &p, &e);
    assert_string_equal(p.data, FORCED);
    assert_string_equal(e.data, "");
    /* passive (the model's default for Channel) */
    assert_int_equal(sim_device_cpe_set(f->d, "Device.WiFi.Radio.1.Channel", " 11"), 1);
    assert_int_equal(sim_device_cpe_set(f->d, "Device.WiFi.Radio.1.Channel", "11"), 0);
    inform(f, &p, &e);
    assert_string_equal(p.data, FORCED " Device.WiFi.Radio.1.Channel=11");
    assert_string_equal(e.data, "4 VALUE CHANGE");
    /* active; a secret reads back empty; forced ones are not listed twice */
    assert_int_equal(call(f, SPA(SPA_ONE("Device.ManagementServer.Password", "1", "2", "0", ""))),
                     0);
    assert_int_equal(sim_device_cpe_set(f->d, "Device.ManagementServer.Password", "x"), 2);
    assert_int_equal(sim_device_cpe_set(f->d, "Device.DeviceInfo.SoftwareVersion", "2.0"), 2);
    inform(f, &p, &e);
    assert_string_equal(p.data, "Device.DeviceInfo.SoftwareVersion=2.0 "
                                "Device.ManagementServer.ParameterKey= "
                                "Device.ManagementServer.Password= "
                                "Device.WiFi.Radio.1.Channel=11");
    assert_string_equal(e.data, "4 VALUE CHANGE");
    /* delivered: gone */
    sim_device_events_clear(f->d);
    inform(f, &p, &e);
    assert_string_equal(e.data, "");
    assert_null(strstr(p.data, "Channel"));
    /* the ACS's own SetParameterValues is not reported back */
    assert_int_equal(call(f, SPV(PVS("Device.WiFi.Radio.1.Channel", "1"), "k")), 0);
    inform(f, &p, &e);
    assert_string_equal(e.data, "");
    /* bad input */
    assert_int_equal(sim_device_cpe_set(f->d, "Device.Nope", "x"), -1);
    assert_int_equal(sim_device_cpe_set(f->d, "Device.WiFi.", "x"), -1);
    assert_int_equal(sim_device_cpe_set(f->d, "Device.WiFi.Radio.1.Channel", "x"), -1);
    assert_int_equal(sim_device_cpe_set(f->d, "Device.NAT.PortMappingNumberOfEntries", "3"), -1);
    acs_buf_free(&p);
    acs_buf_free(&e);
}

/* The CPE adding to its own table (a deployment unit) changes the count. */
static void test_value_change_of_count(void **state)
{
    fixture_t *f = *state;
    static const char *const leaves[] = {"Alias", "ExternalPort"};
    static const char *const values[] = {"web", " 80 "};
    acs_buf_t p = ACS_BUF_INIT, e = ACS_BUF_INIT;
    char err[128];
    json_t *saved;

    assert_int_equal(
        call(f, SPA(SPA_ONE("Device.NAT.PortMappingNumberOfEntries", "1", "1", "0", ""))), 0);
    assert_int_equal(sim_device_tree_add_instance(f->d, "Device.NAT.PortMapping.", leaves, values,
                                                  2, err, sizeof err),
                     1);
    inform(f, &p, &e);
    assert_string_equal(p.data, FORCED " Device.NAT.PortMappingNumberOfEntries=1");
    assert_string_equal(e.data, "4 VALUE CHANGE");
    /* what a state file keeps of it, and loads back */
    saved = sim_device_attr_pending_export(f->d);
    assert_int_equal(json_array_size(saved), 1);
    sim_device_events_clear(f->d);
    json_array_append_new(saved, json_string("Device.Nope"));
    sim_device_attr_pending_import(f->d, saved);
    inform(f, &p, &e);
    assert_string_equal(p.data, FORCED " Device.NAT.PortMappingNumberOfEntries=1");
    json_decref(saved);
    acs_buf_free(&p);
    acs_buf_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_gpa_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spa_set_and_void, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spa_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spa_bad_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attr_instances, setup, teardown),
        cmocka_unit_test_setup_teardown(test_value_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_value_change_of_count, setup, teardown),
    };
    int rc;
    xmlInitParser();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
