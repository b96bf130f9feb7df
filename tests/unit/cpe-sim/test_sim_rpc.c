/* Unit tests for services/cpe-sim: ACS message parsing with prefix and
 * namespace variants (sim_soap), GetParameterValues / GetParameterNames /
 * SetParameterValues on a device's tree with its table instances
 * (sim_rpc_param), Reboot, unknown methods, and the Inform, parsed back
 * with libxml2. Attributes are in test_sim_rpc_attr.c, objects, factory
 * reset and the vendor method in test_sim_rpc_obj.c. */
#include "sim_test_rpc.h"

static void test_gpv(void **state)
{
    fixture_t *f = *state;
    xmlNodePtr list;

    assert_int_equal(call(f, GPV("<string>Device.DeviceInfo.SerialNumber</string>"
                                 "<string> Device.WiFi.SSID.1. </string>")),
                     0);
    assert_string_equal(f->reply.method, "GetParameterValuesResponse");
    list = sim_soap_child(f->reply.rpc, "ParameterList");
    assert_int_equal(nchildren(list), 3);
    assert_value(list, "Device.DeviceInfo.SerialNumber", "SIM000005");
    assert_value(list, "Device.WiFi.SSID.1.SSID", "net-5");
    assert_value(list, "Device.WiFi.SSID.1.Enable", "true");

    /* "" is the whole tree: every parameter, secrets empty, no template */
    assert_int_equal(call(f, GPV("<string></string>")), 0);
    list = sim_soap_child(f->reply.rpc, "ParameterList");
    assert_int_equal(nchildren(list), 16);
    assert_value(list, "Device.ManagementServer.Password", "");
    assert_value(list, "Device.Hosts.Host.1.HostName", "laptop");
    assert_null(strstr(f->out.data, "{i}"));
    /* an empty table: only its counter */
    assert_int_equal(call(f, GPV("<string>Device.NAT.</string>")), 0);
    list = sim_soap_child(f->reply.rpc, "ParameterList");
    assert_int_equal(nchildren(list), 1);
    assert_value(list, "Device.NAT.PortMappingNumberOfEntries", "0");
    assert_int_equal(call(f, GPV("<string>Device.NAT.PortMapping.</string>")), 0);
    assert_int_equal(nchildren(sim_soap_child(f->reply.rpc, "ParameterList")), 0);

    assert_int_equal(call(f, GPV("<string>Device.Nope</string>")), 9005);
    assert_int_equal(call(f, GPV("<string>Device.WiFi</string>")), 9005);
    assert_int_equal(call(f, GPV("<string>Device.DeviceInfo.SerialNumber.</string>")), 9005);
    assert_int_equal(call(f, GPV("<string>Device.DeviceInfo.SerialNumber</string>"
                                 "<string>Device.X.</string>")),
                     9005);
    assert_int_equal(call(f, GPV("<string>Device.NAT.PortMapping.{i}.Alias</string>")), 9005);
    assert_int_equal(call(f, GPV("<string>Device.NAT.PortMapping.1.</string>")), 9005);
    assert_int_equal(call(f, "<cwmp:GetParameterValues></cwmp:GetParameterValues>"), 9003);
    assert_string_equal(f->reply.fault_string, "Invalid arguments");
}

/* Added instances are in GPV like static ones: by full name, by instance,
 * under the table, with their template's defaults ({i} rendered). */
static void test_gpv_instances(void **state)
{
    fixture_t *f = *state;
    xmlNodePtr list;

    assert_int_equal(add_object(f, "Device.NAT.PortMapping."), 1);
    assert_int_equal(add_object(f, "Device.NAT.PortMapping."), 2);
    assert_int_equal(call(f, GPV("<string>Device.NAT.</string>")), 0);
    list = sim_soap_child(f->reply.rpc, "ParameterList");
    assert_int_equal(nchildren(list), 7);
    assert_value(list, "Device.NAT.PortMappingNumberOfEntries", "2");
    assert_value(list, "Device.NAT.PortMapping.1.Alias", "cpe-1");
    assert_value(list, "Device.NAT.PortMapping.2.Alias", "cpe-2");
    assert_value(list, "Device.NAT.PortMapping.2.Enable", "false");
    assert_value(list, "Device.NAT.PortMapping.2.ExternalPort", "0");
    /* tree order: instance 1 before instance 2 (the counter sorts after
     * the table: "PortMapping" is a prefix of its name) */
    assert_true(strstr(f->out.data, "PortMapping.1.Alias") < strstr(f->out.data, "PortMapping.2."));
    assert_true(strstr(f->out.data, "NumberOfEntries") > strstr(f->out.data, "PortMapping.2."));

    assert_int_equal(call(f, GPV("<string>Device.NAT.PortMapping.2.</string>"
                                 "<string>Device.NAT.PortMapping.1.Alias</string>")),
                     0);
    list = sim_soap_child(f->reply.rpc, "ParameterList");
    assert_int_equal(nchildren(list), 4);
    assert_value(list, "Device.NAT.PortMapping.1.Alias", "cpe-1");
    assert_int_equal(call(f, GPV("<string>Device.NAT.PortMapping.3.</string>")), 9005);
    assert_int_equal(call(f, GPV("<string>Device.NAT.PortMapping.02.</string>")), 9005);
    assert_int_equal(call(f, GPV("<string>Device.NAT.PortMapping.2</string>")), 9005);
    assert_int_equal(call(f, GPV("<string>Device.NAT.PortMapping.2.Nope</string>")), 9005);
}

static void test_gpn(void **state)
{
    fixture_t *f = *state;
    acs_buf_t b = ACS_BUF_INIT;

    assert_int_equal(call(f, GPN("", "true")), 0);
    gpn_names(f, &b);
    assert_string_equal(b.data, "Device.=0");
    assert_int_equal(call(f, GPN("Device.", "1")), 0);
    gpn_names(f, &b);
    assert_string_equal(b.data, "Device.DeviceInfo.=0 Device.Hosts.=0 Device.IP.=0 "
                                "Device.ManagementServer.=0 Device.NAT.=0 Device.WiFi.=0");
    assert_int_equal(call(f, GPN("Device.WiFi.SSID.1.", "true")), 0);
    gpn_names(f, &b);
    assert_string_equal(b.data, "Device.WiFi.SSID.1.Enable=1 Device.WiFi.SSID.1.SSID=1");
    assert_int_equal(call(f, GPN("Device.WiFi.", "false")), 0);
    gpn_names(f, &b);
    assert_string_equal(b.data, "Device.WiFi.=0 Device.WiFi.Radio.=0 Device.WiFi.Radio.1.=0 "
                                "Device.WiFi.Radio.1.Channel=1 Device.WiFi.SSID.=0 "
                                "Device.WiFi.SSID.1.=0 Device.WiFi.SSID.1.Enable=1 "
                                "Device.WiFi.SSID.1.SSID=1");
    /* a writable table: writable (AddObject), its instances too (Delete) */
    assert_int_equal(call(f, GPN("Device.NAT.", "TRUE")), 0);
    gpn_names(f, &b);
    assert_string_equal(b.data,
                        "Device.NAT.PortMapping.=1 Device.NAT.PortMappingNumberOfEntries=0");
    /* a read-only table */
    assert_int_equal(call(f, GPN("Device.Hosts.Host.", "true")), 0);
    gpn_names(f, &b);
    assert_string_equal(b.data, "Device.Hosts.Host.1.=0");
    assert_int_equal(call(f, GPN("Device.DeviceInfo.SerialNumber", "false")), 0);
    gpn_names(f, &b);
    assert_string_equal(b.data, "Device.DeviceInfo.SerialNumber=0");

    assert_int_equal(call(f, GPN("Device.DeviceInfo.SerialNumber", "true")), 9003);
    assert_int_equal(call(f, GPN("Device.Nope.", "false")), 9005);
    assert_int_equal(call(f, GPN("Device.WiFi", "false")), 9005);
    assert_int_equal(call(f, GPN("Device.NAT.PortMapping.{i}.", "false")), 9005);
    assert_int_equal(call(f, GPN("Device.", "maybe")), 9003);
    assert_int_equal(call(f, "<cwmp:GetParameterNames><NextLevel>1</NextLevel>"
                             "</cwmp:GetParameterNames>"),
                     9003);
    acs_buf_free(&b);
}

/* The whole tree by GPN: every name once, objects end in '.', every
 * entry's parent object listed before it, no template, instances in. */
static void test_gpn_whole_tree(void **state)
{
    fixture_t *f = *state;
    xmlNodePtr list;
    size_t n = 0;
    char *names[128];

    assert_int_equal(add_object(f, "Device.NAT.PortMapping."), 1);
    assert_int_equal(call(f, GPN("", "false")), 0);
    list = sim_soap_child(f->reply.rpc, "ParameterList");
    for (xmlNodePtr s = sim_soap_child(list, "ParameterInfoStruct"); s; s = sim_soap_next(s)) {
        char *name = sim_soap_text(sim_soap_child(s, "Name"));
        size_t len = strlen(name);
        char parent[300];
        int seen = 0;
        assert_true(n < 128);
        assert_null(strchr(name, '{'));
        /* the parent: the name up to (and with) its last-but-one '.' */
        snprintf(parent, sizeof parent, "%s", name);
        parent[len - (name[len - 1] == '.')] = '\0';
        char *dot = strrchr(parent, '.');
        for (size_t k = 0; k < n; k++) {
            assert_string_not_equal(names[k], name);
            seen |= dot && strncmp(names[k], parent, (size_t)(dot - parent) + 1) == 0 &&
                    names[k][dot - parent + 1] == '\0';
        }
        assert_true(n == 0 ? strcmp(name, "Device.") == 0 : seen);
        names[n++] = name;
    }
    assert_int_equal(n, 39);
    for (size_t k = 0; k < n; k++)
        free(names[k]);
    assert_non_null(strstr(f->out.data, "<Name>Device.NAT.PortMapping.1.Alias</Name>"));
    assert_non_null(strstr(f->out.data, "<Name>Device.NAT.PortMapping.1.</Name>"));
}

/* Instances in GPN: the table lists them, an instance its parameters. */
static void test_gpn_instances(void **state)
{
    fixture_t *f = *state;
    acs_buf_t b = ACS_BUF_INIT;

    assert_int_equal(add_object(f, "Device.NAT.PortMapping."), 1);
    assert_int_equal(add_object(f, "Device.NAT.PortMapping."), 2);
    assert_int_equal(call(f, GPN("Device.NAT.PortMapping.", "true")), 0);
    gpn_names(f, &b);
    assert_string_equal(b.data, "Device.NAT.PortMapping.1.=1 Device.NAT.PortMapping.2.=1");
    assert_int_equal(call(f, GPN("Device.NAT.PortMapping.2.", "true")), 0);
    gpn_names(f, &b);
    assert_string_equal(b.data, "Device.NAT.PortMapping.2.Alias=1 "
                                "Device.NAT.PortMapping.2.Enable=1 "
                                "Device.NAT.PortMapping.2.ExternalPort=1");
    assert_int_equal(call(f, GPN("Device.NAT.PortMapping.1.", "false")), 0);
    gpn_names(f, &b);
    assert_string_equal(b.data, "Device.NAT.PortMapping.1.=1 Device.NAT.PortMapping.1.Alias=1 "
                                "Device.NAT.PortMapping.1.Enable=1 "
                                "Device.NAT.PortMapping.1.ExternalPort=1");
    assert_int_equal(call(f, GPN("Device.NAT.PortMapping.1.Enable", "false")), 0);
    gpn_names(f, &b);
    assert_string_equal(b.data, "Device.NAT.PortMapping.1.Enable=1");
    assert_int_equal(call(f, GPN("Device.NAT.PortMapping.7.", "true")), 9005);
    acs_buf_free(&b);
}

/* The per-parameter faults of the reply as "name=code ...". */
static void spv_faults(fixture_t *f, acs_buf_t *b)
{
    xmlNodePtr fault = sim_soap_child(sim_soap_child(f->reply.rpc, "detail"), "Fault");
    acs_buf_reset(b);
    for (xmlNodePtr s = sim_soap_child(fault, "SetParameterValuesFault"); s; s = sim_soap_next(s)) {
        char *n = sim_soap_text(sim_soap_child(s, "ParameterName"));
        char *c = sim_soap_text(sim_soap_child(s, "FaultCode"));
        acs_buf_printf(b, "%s%s=%s", b->len ? " " : "", n, c);
        free(n);
        free(c);
    }
}

static void test_spv(void **state)
{
    fixture_t *f = *state;
    acs_buf_t b = ACS_BUF_INIT;

    assert_int_equal(call(f, SPV(PVS("Device.WiFi.SSID.1.SSID", " new &amp; net ")
                                     PVS("Device.WiFi.Radio.1.Channel", " 11 ")
                                         PVS("Device.WiFi.SSID.1.Enable", "FALSE"),
                                 "k-1")),
                     0);
    assert_string_equal(f->reply.method, "SetParameterValuesResponse");
    char *status = reply_text(f, "Status");
    assert_string_equal(status, "0");
    free(status);
    current(f, "Device.WiFi.SSID.1.SSID", &b);
    assert_string_equal(b.data, " new & net ");
    current(f, "Device.WiFi.Radio.1.Channel", &b);
    assert_string_equal(b.data, "11");
    current(f, "Device.WiFi.SSID.1.Enable", &b);
    assert_string_equal(b.data, "false");
    current(f, "Device.ManagementServer.ParameterKey", &b);
    assert_string_equal(b.data, "k-1");

    /* one bad parameter: nothing applied, ParameterKey unchanged */
    assert_int_equal(
        call(f, SPV(PVS("Device.WiFi.SSID.1.SSID", "other") PVS("Device.Nope", "x")
                        PVS("Device.DeviceInfo.SoftwareVersion", "2")
                            PVS("Device.WiFi.Radio.1.Channel", "abc") PVS("Device.WiFi.", "x")
                                PVS("Device.NAT.PortMappingNumberOfEntries", "3"),
                    "k-2")),
        9003);
    spv_faults(f, &b);
    assert_string_equal(b.data, "Device.Nope=9005 Device.DeviceInfo.SoftwareVersion=9008 "
                                "Device.WiFi.Radio.1.Channel=9007 Device.WiFi.=9005 "
                                "Device.NAT.PortMappingNumberOfEntries=9008");
    current(f, "Device.WiFi.SSID.1.SSID", &b);
    assert_string_equal(b.data, " new & net ");
    current(f, "Device.ManagementServer.ParameterKey", &b);
    assert_string_equal(b.data, "k-1");

    /* a name twice, a missing list, an over-long key: 9003 */
    assert_int_equal(
        call(f, SPV(PVS("Device.WiFi.SSID.1.SSID", "a") PVS("Device.WiFi.SSID.1.SSID", "b"), "k")),
        9003);
    assert_int_equal(call(f, "<cwmp:SetParameterValues><ParameterKey/></cwmp:SetParameterValues>"),
                     9003);
    assert_int_equal(
        call(f, SPV(PVS("Device.WiFi.SSID.1.SSID", "a"), "0123456789012345678901234567890123")),
        9003);
    /* secrets are writable and still read back empty */
    assert_int_equal(call(f, SPV(PVS("Device.ManagementServer.Password", "new"), "")), 0);
    current(f, "Device.ManagementServer.Password", &b);
    assert_string_equal(b.data, "new");
    assert_int_equal(call(f, GPV("<string>Device.ManagementServer.</string>")), 0);
    assert_value(sim_soap_child(f->reply.rpc, "ParameterList"), "Device.ManagementServer.Password",
                 "");
    acs_buf_free(&b);
}

/* SPV on parameters of an added instance; the template is untouched. */
static void test_spv_instances(void **state)
{
    fixture_t *f = *state;
    acs_buf_t b = ACS_BUF_INIT;

    assert_int_equal(add_object(f, "Device.NAT.PortMapping."), 1);
    assert_int_equal(add_object(f, "Device.NAT.PortMapping."), 2);
    assert_int_equal(call(f, SPV(PVS("Device.NAT.PortMapping.2.ExternalPort", "8443")
                                     PVS("Device.NAT.PortMapping.2.Enable", "1"),
                                 "pm")),
                     0);
    current(f, "Device.NAT.PortMapping.2.ExternalPort", &b);
    assert_string_equal(b.data, "8443");
    current(f, "Device.NAT.PortMapping.1.ExternalPort", &b);
    assert_string_equal(b.data, "0");
    assert_int_equal(call(f, SPV(PVS("Device.NAT.PortMapping.3.Enable", "1")
                                     PVS("Device.NAT.PortMapping.{i}.Enable", "1")
                                         PVS("Device.NAT.PortMapping.2.ExternalPort", "x"),
                                 "pm")),
                     9003);
    spv_faults(f, &b);
    assert_string_equal(b.data, "Device.NAT.PortMapping.3.Enable=9005 "
                                "Device.NAT.PortMapping.{i}.Enable=9005 "
                                "Device.NAT.PortMapping.2.ExternalPort=9007");
    /* a second device of the same model has no instance */
    sim_device_t *d2 = sim_device_new(f->m, "SIM000006", 6);
    sim_ref_t ref;
    assert_int_equal(sim_device_tree_find(d2, "Device.NAT.PortMapping.1.", &ref), -1);
    sim_device_free(d2);
    acs_buf_free(&b);
}

static void test_reboot_methods_unknown(void **state)
{
    fixture_t *f = *state;

    assert_int_equal(call(f, "<cwmp:Reboot><CommandKey>rb-9</CommandKey></cwmp:Reboot>"), 0);
    assert_string_equal(f->reply.method, "RebootResponse");
    assert_true(f->fx.reboot);
    assert_string_equal(f->fx.command_key, "rb-9");
    assert_int_equal(call(f, "<cwmp:Reboot><CommandKey>0123456789012345678901234567890123"
                             "</CommandKey></cwmp:Reboot>"),
                     9003);
    assert_false(f->fx.reboot);

    assert_int_equal(call(f, "<cwmp:GetRPCMethods/>"), 0);
    assert_false(f->fx.reboot);

    assert_int_equal(call(f, "<cwmp:X_ACME_Thing/>"), 9000);
    assert_string_equal(f->reply.fault_string, "Method not supported");
    assert_int_equal(call(f, "<cwmp:Inform/>"), 9000);
    /* a request in the wrong namespace is not a CWMP method */
    assert_int_equal(call(f, "<GetRPCMethods xmlns=\"urn:example\"/>"), 9000);
}

/* Prefixes and namespaces seen in the field (quirks 2, 3, 10, 12). */
static void test_parse_variants(void **state)
{
    fixture_t *f = *state;
    static const char *const envs[] = {
        "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"" SOAPENV "\" xmlns:c=\"urn:dslforum-org:cwmp-1-0\">"
        "<SOAP-ENV:Header><c:ID>  id 1 </c:ID></SOAP-ENV:Header><SOAP-ENV:Body>"
        "<c:GetRPCMethods/></SOAP-ENV:Body></SOAP-ENV:Envelope>",
        "<soap_env:Envelope xmlns:soap_env=\"" SOAPENV "\"><soap_env:Body>"
        "<GetRPCMethods xmlns=\"urn:dslforum-org:cwmp-1-4\"/></soap_env:Body></soap_env:Envelope>",
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><e:Envelope xmlns:e=\"" SOAPENV "\" "
        "xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><e:Body>\n "
        "<cwmp:GetRPCMethods></cwmp:GetRPCMethods>"
        "\n</e:Body></e:Envelope>",
    };
    static const char *const ns[] = {"urn:dslforum-org:cwmp-1-0", "urn:dslforum-org:cwmp-1-4",
                                     "urn:dslforum-org:cwmp-1-2"};
    char err[128];
    sim_soap_msg_t m;

    for (int i = 0; i < 3; i++) {
        assert_int_equal(sim_soap_parse(envs[i], strlen(envs[i]), &m, err, sizeof err), 0);
        assert_int_equal(m.kind, SIM_SOAP_REQUEST);
        assert_string_equal(m.method, "GetRPCMethods");
        assert_string_equal(m.ns, ns[i]);
        assert_int_equal(m.has_id, i == 0);
        acs_buf_reset(&f->out);
        assert_int_equal(sim_rpc_handle(f->d, &m, NS12, &f->out, &f->fx), 0);
        /* the answer uses the request's namespace and echoes the ID */
        assert_non_null(strstr(f->out.data, ns[i]));
        assert_true((strstr(f->out.data, "<cwmp:ID soap-env:mustUnderstand=\"1\">id 1</cwmp:ID>") !=
                     NULL) == (i == 0));
        sim_soap_msg_clear(&m);
    }
}

static void expect_parse(const char *body, int rc, sim_soap_kind_t kind)
{
    char err[128] = "";
    sim_soap_msg_t m;
    assert_int_equal(sim_soap_parse(body, strlen(body), &m, err, sizeof err), rc);
    if (rc == 0)
        assert_int_equal(m.kind, kind);
    else
        assert_true(err[0] != '\0');
    sim_soap_msg_clear(&m);
}

static void test_parse_kinds(void **state)
{
    char err[128];
    sim_soap_msg_t m;
    static const char fault[] =
        "<s:Envelope xmlns:s=\"" SOAPENV "\"><s:Body><s:Fault><faultcode>s:Server</faultcode>"
        "<faultstring>CWMP fault</faultstring><detail><cwmp:Fault "
        "xmlns:cwmp=\"urn:dslforum-org:cwmp-1-1\"><FaultCode> 8002 </FaultCode>"
        "<FaultString>Internal error</FaultString></cwmp:Fault></detail></s:Fault></s:Body>"
        "</s:Envelope>";

    expect_parse("", 0, SIM_SOAP_EMPTY);
    expect_parse(" \r\n\t ", 0, SIM_SOAP_EMPTY);
    expect_parse("<s:Envelope xmlns:s=\"" SOAPENV "\"><s:Body> </s:Body></s:Envelope>", 0,
                 SIM_SOAP_EMPTY);
    expect_parse("<s:Envelope xmlns:s=\"" SOAPENV "\"><s:Body><c:InformResponse xmlns:c=\"" NS12
                 "\"><MaxEnvelopes>1</MaxEnvelopes></c:InformResponse></s:Body></s:Envelope>",
                 0, SIM_SOAP_RESPONSE);
    expect_parse("<Envelope><Body/></Envelope>", -1, 0);
    expect_parse("<s:Envelope xmlns:s=\"" SOAPENV "\"></s:Envelope>", -1, 0);
    expect_parse("<s:Envelope xmlns:s=\"" SOAPENV "\"><s:Body>", -1, 0);
    expect_parse("<!DOCTYPE x [<!ENTITY a \"b\">]><s:Envelope xmlns:s=\"" SOAPENV "\"/>", -1, 0);
    expect_parse("not xml", -1, 0);

    assert_int_equal(sim_soap_parse(fault, strlen(fault), &m, err, sizeof err), 0);
    assert_int_equal(m.kind, SIM_SOAP_FAULT);
    assert_int_equal(m.fault_code, 8002);
    assert_string_equal(m.fault_string, "Internal error");
    assert_string_equal(m.ns, "urn:dslforum-org:cwmp-1-1");
    sim_soap_msg_clear(&m);

    assert_true(sim_soap_is_cwmp_ns("urn:dslforum-org:cwmp-1-4"));
    assert_false(sim_soap_is_cwmp_ns("urn:dslforum-org:cwmp-1-"));
    assert_false(sim_soap_is_cwmp_ns("urn:dslforum-org:cwmp-1-2x"));
    assert_false(sim_soap_is_cwmp_ns("urn:example"));
}

/* Build an Inform and read it back with plain libxml2 + XPath-free walking. */
static void test_inform(void **state)
{
    fixture_t *f = *state;
    sim_inform_opts_t o = {"urn:dslforum-org:cwmp-1-4", 4, "inf-1", 30, 1714637700000LL};
    const size_t *forced;
    size_t nforced = sim_model_forced(f->m, &forced);
    char err[128];
    sim_soap_msg_t m;
    xmlNodePtr dev, ev, list;

    sim_device_event_add(f->d, "1 BOOT", NULL);
    sim_device_event_add(f->d, "M Reboot", "rb-1");
    sim_device_set_retry_count(f->d, 3);
    acs_buf_reset(&f->out);
    sim_rpc_inform(f->d, &o, &f->out);
    /* all five namespaces declared with prefixes on the Envelope */
    for (int i = 0; i < 5; i++) {
        static const char *const decl[] = {
            "xmlns:soap-env=", "xmlns:soap-enc=", "xmlns:xsd=", "xmlns:xsi=", "xmlns:cwmp="};
        assert_non_null(strstr(f->out.data, decl[i]));
    }
    assert_non_null(strstr(f->out.data, "<cwmp:SessionTimeout soap-env:mustUnderstand=\"0\">30<"));
    assert_non_null(strstr(f->out.data, ">1.0,1.1,1.2,1.3,1.4</cwmp:SupportedCWMPVersions>"));

    assert_int_equal(sim_soap_parse(f->out.data, f->out.len, &m, err, sizeof err), 0);
    assert_int_equal(m.kind, SIM_SOAP_REQUEST);
    assert_string_equal(m.method, "Inform");
    assert_string_equal(m.ns, "urn:dslforum-org:cwmp-1-4");
    assert_string_equal(m.id, "inf-1");
    dev = sim_soap_child(m.rpc, "DeviceId");
    char *t = sim_soap_text(sim_soap_child(dev, "Manufacturer"));
    assert_string_equal(t, "Acme & Co");
    free(t);
    t = sim_soap_text(sim_soap_child(dev, "OUI"));
    assert_string_equal(t, "00D09E");
    free(t);
    t = sim_soap_text(sim_soap_child(dev, "SerialNumber"));
    assert_string_equal(t, "SIM000005");
    free(t);
    ev = sim_soap_child(m.rpc, "Event");
    assert_int_equal(nchildren(ev), 2);
    xmlNodePtr second = sim_soap_next(sim_soap_child(ev, "EventStruct"));
    t = sim_soap_text(sim_soap_child(second, "EventCode"));
    assert_string_equal(t, "M Reboot");
    free(t);
    t = sim_soap_text(sim_soap_child(second, "CommandKey"));
    assert_string_equal(t, "rb-1");
    free(t);
    t = sim_soap_text(sim_soap_child(m.rpc, "RetryCount"));
    assert_string_equal(t, "3");
    free(t);
    t = sim_soap_text(sim_soap_child(m.rpc, "CurrentTime"));
    assert_string_equal(t, "2024-05-02T08:15:00Z");
    free(t);
    list = sim_soap_child(m.rpc, "ParameterList");
    assert_int_equal(nchildren(list), nforced);
    assert_value(list, "Device.DeviceInfo.SoftwareVersion", "1.0");
    assert_value(list, "Device.ManagementServer.Password", "");
    sim_soap_msg_clear(&m);

    /* CWMP 1.2: no 1.3/1.4 headers */
    o.ns = NS12;
    o.cwmp_minor = 2;
    acs_buf_reset(&f->out);
    sim_rpc_inform(f->d, &o, &f->out);
    assert_null(strstr(f->out.data, "SessionTimeout"));
    assert_null(strstr(f->out.data, "SupportedCWMPVersions"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_gpv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gpv_instances, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gpn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gpn_whole_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gpn_instances, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spv_instances, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reboot_methods_unknown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_variants, setup, teardown),
        cmocka_unit_test(test_parse_kinds),
        cmocka_unit_test_setup_teardown(test_inform, setup, teardown),
    };
    int rc;
    xmlInitParser();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
