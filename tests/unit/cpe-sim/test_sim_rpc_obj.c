/* Unit tests for services/cpe-sim: AddObject and DeleteObject on tables
 * (sim_rpc_obj, sim_device_tree), FactoryReset (sim_rpc, sim_device),
 * GetRPCMethods and the vendor method X_<OUI>_Echo. */
#include "sim_test_rpc.h"

#include "sim_xfer.h"

static void assert_key(fixture_t *f, const char *expect)
{
    acs_buf_t b = ACS_BUF_INIT;
    current(f, "Device.ManagementServer.ParameterKey", &b);
    assert_string_equal(b.data ? b.data : "", expect);
    acs_buf_free(&b);
}

static void test_add_object(void **state)
{
    fixture_t *f = *state;
    char *t;

    assert_int_equal(call(f, ADD("Device.NAT.PortMapping.", "pm-1")), 0);
    assert_string_equal(f->reply.method, "AddObjectResponse");
    t = reply_text(f, "InstanceNumber");
    assert_string_equal(t, "1");
    free(t);
    t = reply_text(f, "Status");
    assert_string_equal(t, "0");
    free(t);
    assert_key(f, "pm-1");
    assert_int_equal(add_object(f, "Device.NAT.PortMapping."), 2);
    /* an instance of a table with static ones: above them */
    assert_int_equal(add_object(f, "Device.IP.Interface."), 3);
    assert_int_equal(add_object(f, "Device.IP.Interface.1.IPv4Address."), 2);

    /* faults: nothing added, ParameterKey unchanged */
    assert_int_equal(call(f, ADD("Device.NAT.PortMapping", "bad")), 9003);
    assert_int_equal(call(f, ADD("Device.NAT.", "bad")), 9003);
    assert_int_equal(call(f, ADD("Device.NAT.PortMapping.1.", "bad")), 9003);
    assert_int_equal(call(f, ADD("Device.DeviceInfo.SerialNumber", "bad")), 9003);
    assert_int_equal(call(f, ADD("", "bad")), 9003);
    assert_int_equal(call(f, ADD("Device.Nope.", "bad")), 9005);
    assert_int_equal(call(f, ADD("Device.NAT.PortMapping.{i}.", "bad")), 9005);
    assert_int_equal(call(f, ADD("Device.Hosts.Host.", "bad")), 9001);
    assert_int_equal(call(f, ADD("Device.NAT.PortMapping.", "0123456789012345678901234567890123")),
                     9003);
    assert_int_equal(call(f, "<cwmp:AddObject><ParameterKey/></cwmp:AddObject>"), 9003);
    assert_key(f, "add");
    assert_int_equal(add_object(f, "Device.NAT.PortMapping."), 3);
}

static void test_delete_object(void **state)
{
    fixture_t *f = *state;
    acs_buf_t b = ACS_BUF_INIT;
    char *t;

    assert_int_equal(add_object(f, "Device.NAT.PortMapping."), 1);
    assert_int_equal(add_object(f, "Device.NAT.PortMapping."), 2);
    assert_int_equal(call(f, SPV(PVS("Device.NAT.PortMapping.2.ExternalPort", "22"), "k")), 0);
    assert_int_equal(call(f, DEL("Device.NAT.PortMapping.2.", "del-1")), 0);
    assert_string_equal(f->reply.method, "DeleteObjectResponse");
    t = reply_text(f, "Status");
    assert_string_equal(t, "0");
    free(t);
    assert_key(f, "del-1");
    assert_int_equal(call(f, GPV("<string>Device.NAT.PortMapping.2.</string>")), 9005);
    assert_int_equal(call(f, GPV("<string>Device.NAT.PortMappingNumberOfEntries</string>")), 0);
    assert_value(sim_soap_child(f->reply.rpc, "ParameterList"),
                 "Device.NAT.PortMappingNumberOfEntries", "1");
    /* numbers are not reused, and a new instance starts from the template */
    assert_int_equal(add_object(f, "Device.NAT.PortMapping."), 3);
    current(f, "Device.NAT.PortMapping.3.ExternalPort", &b);
    assert_string_equal(b.data, "0");

    assert_int_equal(call(f, DEL("Device.NAT.PortMapping.2.", "bad")), 9005);
    assert_int_equal(call(f, DEL("Device.NAT.PortMapping.1", "bad")), 9003);
    assert_int_equal(call(f, DEL("Device.NAT.PortMapping.", "bad")), 9003);
    assert_int_equal(call(f, DEL("Device.NAT.", "bad")), 9003);
    assert_int_equal(call(f, DEL("Device.WiFi.SSID.1.", "bad")), 9003);
    assert_int_equal(call(f, DEL("Device.Hosts.Host.1.", "bad")), 9001);
    assert_int_equal(call(f, DEL("Device.NAT.PortMapping.1.Enable", "bad")), 9003);
    assert_key(f, "add");
    acs_buf_free(&b);
}

/* A static instance goes with everything below it, tables included. */
static void test_delete_static_instance(void **state)
{
    fixture_t *f = *state;
    xmlNodePtr list;

    assert_int_equal(add_object(f, "Device.IP.Interface.1.IPv4Address."), 2);
    assert_int_equal(call(f, DEL("Device.IP.Interface.1.", "ip")), 0);
    assert_int_equal(call(f, GPV("<string>Device.IP.</string>")), 0);
    list = sim_soap_child(f->reply.rpc, "ParameterList");
    assert_int_equal(nchildren(list), 1);
    assert_value(list, "Device.IP.Interface.2.Name", "lan");
    assert_int_equal(call(f, GPV("<string>Device.IP.Interface.1.Name</string>")), 9005);
    assert_int_equal(call(f, GPV("<string>Device.IP.Interface.1.IPv4Address.2.</string>")), 9005);
    assert_int_equal(call(f, ADD("Device.IP.Interface.1.IPv4Address.", "x")), 9005);
    assert_int_equal(call(f, DEL("Device.IP.Interface.1.", "x")), 9005);
    /* the static numbers stay taken */
    assert_int_equal(add_object(f, "Device.IP.Interface."), 3);
}

static void test_table_full(void **state)
{
    fixture_t *f = *state;
    sim_ref_t table;
    uint32_t inst;

    assert_int_equal(sim_device_tree_find(f->d, "Device.NAT.PortMapping.", &table), 0);
    for (int i = 0; i < SIM_TABLE_INST_MAX; i++)
        assert_int_equal(sim_device_tree_add(f->d, table.idx, &inst), 0);
    assert_int_equal(inst, SIM_TABLE_INST_MAX);
    assert_int_equal(call(f, ADD("Device.NAT.PortMapping.", "full")), 9004);
    assert_int_equal(call(f, DEL("Device.NAT.PortMapping.7.", "one")), 0);
    assert_int_equal(add_object(f, "Device.NAT.PortMapping."), SIM_TABLE_INST_MAX + 1);
}

static void test_factory_reset(void **state)
{
    fixture_t *f = *state;
    acs_buf_t b = ACS_BUF_INIT;
    const sim_event_t *ev;
    sim_ref_t ref;
    unsigned n, acl;

    assert_int_equal(add_object(f, "Device.NAT.PortMapping."), 1);
    assert_int_equal(call(f, DEL("Device.IP.Interface.2.", "k")), 0);
    assert_int_equal(call(f, SPV(PVS("Device.ManagementServer.Password", "provisioned"), "k")), 0);
    assert_int_equal(call(f, "<cwmp:SetParameterAttributes><ParameterList>"
                             "<SetParameterAttributesStruct><Name>Device.WiFi.</Name>"
                             "<NotificationChange>1</NotificationChange><Notification>2"
                             "</Notification><AccessListChange>0</AccessListChange>"
                             "</SetParameterAttributesStruct></ParameterList>"
                             "</cwmp:SetParameterAttributes>"),
                     0);
    sim_device_event_add(f->d, "M Download", "dl");

    assert_int_equal(call(f, "<cwmp:FactoryReset/>"), 0);
    assert_string_equal(f->reply.method, "FactoryResetResponse");
    assert_true(f->fx.factory_reset);
    assert_false(f->fx.reboot);
    /* nothing happens before the session ends */
    current(f, "Device.ManagementServer.Password", &b);
    assert_string_equal(b.data, "provisioned");

    sim_device_factory_reset(f->d);
    current(f, "Device.ManagementServer.Password", &b);
    assert_string_equal(b.data, "s3cret"); /* the factory credentials */
    assert_key(f, "");
    assert_int_equal(sim_device_tree_find(f->d, "Device.NAT.PortMapping.1.", &ref), -1);
    assert_int_equal(sim_device_tree_find(f->d, "Device.IP.Interface.2.Name", &ref), 0);
    assert_int_equal(sim_device_tree_find(f->d, "Device.WiFi.SSID.1.SSID", &ref), 0);
    sim_device_attr_get(f->d, ref, &n, &acl);
    assert_int_equal(n, 0);
    assert_int_equal(sim_device_events(f->d, &ev), 2);
    assert_string_equal(ev[0].code, "0 BOOTSTRAP");
    assert_string_equal(ev[1].code, "1 BOOT");
    /* numbering starts again */
    assert_int_equal(add_object(f, "Device.NAT.PortMapping."), 1);
    /* a fault asks nothing of the session */
    assert_int_equal(call(f, "<cwmp:Reboot><CommandKey>0123456789012345678901234567890123"
                             "</CommandKey></cwmp:Reboot>"),
                     9003);
    assert_false(f->fx.factory_reset);
    acs_buf_free(&b);
}

/* The MethodList of the last reply as a space-joined string. */
static void method_list(fixture_t *f, acs_buf_t *b)
{
    xmlNodePtr list = sim_soap_child(f->reply.rpc, "MethodList");
    acs_buf_reset(b);
    for (xmlNodePtr s = sim_soap_child(list, "string"); s; s = sim_soap_next(s)) {
        char *t = sim_soap_text(s);
        acs_buf_printf(b, " %s", t);
        free(t);
    }
    acs_buf_puts(b, " ");
}

static void test_get_rpc_methods(void **state)
{
    fixture_t *f = *state;
    static const char *const own[] = {
        "GetRPCMethods",      "GetParameterNames",      "GetParameterValues",
        "SetParameterValues", "GetParameterAttributes", "SetParameterAttributes",
        "AddObject",          "DeleteObject",           "Reboot",
        "FactoryReset",       "X_00D09E_Echo"};
    static const char *const xfer[] = {"Download",
                                       "Upload",
                                       "ScheduleInform",
                                       "GetQueuedTransfers",
                                       "GetAllQueuedTransfers",
                                       "ScheduleDownload",
                                       "CancelTransfer",
                                       "ChangeDUState"};
    acs_buf_t b = ACS_BUF_INIT, want = ACS_BUF_INIT;
    size_t n = sizeof own / sizeof own[0];

    assert_int_equal(call(f, "<cwmp:GetRPCMethods/>"), 0);
    method_list(f, &b);
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
        acs_buf_reset(&want);
        acs_buf_printf(&want, " %s ", own[i]);
        if (!strstr(b.data, want.data))
            fail_msg("%s not in%s", own[i], b.data);
    }
    /* sim_xfer's methods exactly when it answers them */
    for (size_t i = 0; i < sizeof xfer / sizeof xfer[0]; i++) {
        acs_buf_reset(&want);
        acs_buf_printf(&want, " %s ", xfer[i]);
        assert_int_equal(strstr(b.data, want.data) != NULL, sim_xfer_method(xfer[i]) != 0);
        n += sim_xfer_method(xfer[i]) != 0;
    }
    assert_int_equal(nchildren(sim_soap_child(f->reply.rpc, "MethodList")), n);
    acs_buf_free(&b);
    acs_buf_free(&want);
}

static void test_vendor_echo(void **state)
{
    fixture_t *f = *state;
    static const char args[] = "<Text>hello &amp; bye</Text><Count>3</Count>"
                               "<Nested><A>1</A><A> 2 </A></Nested><Empty></Empty>";
    acs_buf_t deep = ACS_BUF_INIT;
    char name[64];

    assert_int_equal(call(f, "<cwmp:X_00D09E_Echo>"
                             "<Text>hello &amp; bye</Text><Count>3</Count>"
                             "<Nested><A>1</A><A> 2 </A></Nested><Empty/></cwmp:X_00D09E_Echo>"),
                     0);
    assert_string_equal(f->reply.method, "X_00D09E_EchoResponse");
    assert_non_null(strstr(f->out.data, args));
    assert_int_equal(call(f, "<cwmp:X_00D09E_Echo/>"), 0);
    assert_int_equal(nchildren(f->reply.rpc), 0);
    assert_int_equal(call(f, "<cwmp:X_00D09E_Other/>"), 9000);
    assert_int_equal(call(f, "<cwmp:X_ACME_Echo/>"), 9000);

    /* nesting deeper than a vendor needs: refused, not recursed */
    acs_buf_puts(&deep, "<cwmp:X_00D09E_Echo>");
    for (int i = 0; i < 40; i++)
        acs_buf_puts(&deep, "<a>");
    for (int i = 0; i < 40; i++)
        acs_buf_puts(&deep, "</a>");
    acs_buf_puts(&deep, "</cwmp:X_00D09E_Echo>");
    assert_int_equal(call(f, deep.data), 9003);
    acs_buf_free(&deep);

    /* the name follows the OUI the fleet runs with (--oui) */
    sim_model_set_identity(f->m, NULL, "DEC0DE", NULL);
    sim_rpc_vendor_method(f->m, name, sizeof name);
    assert_string_equal(name, "X_DEC0DE_Echo");
    assert_int_equal(call(f, "<cwmp:X_DEC0DE_Echo><Text>x</Text></cwmp:X_DEC0DE_Echo>"), 0);
    assert_int_equal(call(f, "<cwmp:X_00D09E_Echo/>"), 9000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_object, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_object, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_static_instance, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_factory_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_rpc_methods, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vendor_echo, setup, teardown),
    };
    int rc;
    xmlInitParser();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
