/* sim_test_rpc: what the cpe-sim RPC tests share (test_sim_rpc.c,
 * test_sim_rpc_attr.c, test_sim_rpc_obj.c): a small model with tables, a
 * device, and call() which sends a request body as a whole ACS envelope
 * through sim_rpc_handle and parses the answer back with sim_soap, so
 * every test sees what an ACS would see on the wire.
 *
 * Header-only (static functions): each test binary includes it once.
 */
#ifndef SIM_TEST_RPC_H
#define SIM_TEST_RPC_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_device.h"
#include "sim_model.h"
#include "sim_rpc.h"
#include "sim_soap.h"

/* Not every test file uses every helper. */
#define SIM_TEST_HELPER static __attribute__((unused))

#define NS12 "urn:dslforum-org:cwmp-1-2"
#define NS14 "urn:dslforum-org:cwmp-1-4"
#define SOAPENV "http://schemas.xmlsoap.org/soap/envelope/"

/* PortMapping: a writable table, empty. Hosts: a read-only table with one
 * static instance. IP.Interface: a writable table with two static
 * instances, the first holding a table of its own. */
static const char sim_test_model_json[] =
    "{\"device\": {\"manufacturer\": \"Acme & Co\", \"oui\": \"00D09E\", \"product_class\": "
    "\"HGW\"},"
    " \"forced_inform\": [\"Device.DeviceInfo.SoftwareVersion\","
    "   \"Device.ManagementServer.ParameterKey\", \"Device.ManagementServer.Password\"],"
    " \"parameters\": {"
    "  \"Device.DeviceInfo.SerialNumber\": {\"value\": \"{serial}\"},"
    "  \"Device.DeviceInfo.SoftwareVersion\": {\"value\": \"1.0\","
    "     \"active_notify\": \"forceEnabled\"},"
    "  \"Device.DeviceInfo.UpTime\": {\"type\": \"xsd:unsignedInt\", \"value\": \"{uptime}\","
    "     \"active_notify\": \"canDeny\"},"
    "  \"Device.ManagementServer.ParameterKey\": {},"
    "  \"Device.ManagementServer.Password\": {\"writable\": true, \"value\": \"s3cret\"},"
    "  \"Device.ManagementServer.PeriodicInformInterval\": {\"type\": \"xsd:unsignedInt\","
    "     \"value\": \"300\", \"writable\": true},"
    "  \"Device.ManagementServer.ConnectionRequestURL\": {\"value\": \"http://{ip}/\","
    "     \"active_notify\": \"forceDefaultEnabled\"},"
    "  \"Device.WiFi.SSID.1.SSID\": {\"value\": \"net-{index}\", \"writable\": true},"
    "  \"Device.WiFi.SSID.1.Enable\": {\"type\": \"xsd:boolean\", \"value\": \"true\","
    "     \"writable\": true},"
    "  \"Device.WiFi.Radio.1.Channel\": {\"type\": \"xsd:unsignedInt\", \"value\": \"6\","
    "     \"writable\": true, \"notification\": 1},"
    "  \"Device.NAT.PortMappingNumberOfEntries\": {\"type\": \"xsd:unsignedInt\"},"
    "  \"Device.NAT.PortMapping.{i}.\": {\"writable\": true},"
    "  \"Device.NAT.PortMapping.{i}.Enable\": {\"type\": \"xsd:boolean\", \"writable\": true},"
    "  \"Device.NAT.PortMapping.{i}.ExternalPort\": {\"type\": \"xsd:unsignedInt\","
    "     \"writable\": true},"
    "  \"Device.NAT.PortMapping.{i}.Alias\": {\"value\": \"cpe-{i}\", \"writable\": true},"
    "  \"Device.Hosts.HostNumberOfEntries\": {\"type\": \"xsd:unsignedInt\"},"
    "  \"Device.Hosts.Host.1.HostName\": {\"value\": \"laptop\"},"
    "  \"Device.Hosts.Host.{i}.HostName\": {},"
    "  \"Device.IP.Interface.1.Name\": {\"value\": \"wan\", \"writable\": true},"
    "  \"Device.IP.Interface.1.IPv4Address.1.IPAddress\": {\"value\": \"10.0.0.1\","
    "     \"writable\": true},"
    "  \"Device.IP.Interface.1.IPv4Address.{i}.\": {\"writable\": true},"
    "  \"Device.IP.Interface.1.IPv4Address.{i}.IPAddress\": {\"writable\": true},"
    "  \"Device.IP.Interface.2.Name\": {\"value\": \"lan\", \"writable\": true},"
    "  \"Device.IP.Interface.{i}.\": {\"writable\": true},"
    "  \"Device.IP.Interface.{i}.Name\": {\"writable\": true}"
    " }}";

typedef struct {
    sim_model_t *m;
    sim_device_t *d;
    acs_buf_t out;
    sim_soap_msg_t reply;
    sim_rpc_effects_t fx;
} fixture_t;

SIM_TEST_HELPER int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    char err[256] = "";
    f->m = sim_model_parse(sim_test_model_json, strlen(sim_test_model_json), err, sizeof err);
    if (!f->m)
        fail_msg("model: %s", err);
    f->d = sim_device_new(f->m, "SIM000005", 5);
    *state = f;
    return 0;
}

SIM_TEST_HELPER int teardown(void **state)
{
    fixture_t *f = *state;
    sim_soap_msg_clear(&f->reply);
    acs_buf_free(&f->out);
    sim_device_free(f->d);
    sim_model_free(f->m);
    free(f);
    return 0;
}

/* Send body (using prefix "cwmp" for namespace ns, "soap-env" for SOAP) as
 * an ACS request with ID "acs-1"; returns the fault code; the reply is
 * parsed into f->reply. */
SIM_TEST_HELPER int call_ns(fixture_t *f, const char *ns, const char *body)
{
    char err[128];
    sim_soap_msg_t req;
    acs_buf_t in = ACS_BUF_INIT;
    int rc;

    acs_buf_printf(&in,
                   "<soap-env:Envelope xmlns:soap-env=\"" SOAPENV "\" xmlns:cwmp=\"%s\""
                   " xmlns:soap-enc=\"http://schemas.xmlsoap.org/soap/encoding/\">"
                   "<soap-env:Header><cwmp:ID soap-env:mustUnderstand=\"1\">acs-1</cwmp:ID>"
                   "</soap-env:Header><soap-env:Body>%s</soap-env:Body></soap-env:Envelope>",
                   ns, body);
    assert_int_equal(sim_soap_parse(in.data, in.len, &req, err, sizeof err), 0);
    assert_int_equal(req.kind, SIM_SOAP_REQUEST);
    sim_soap_msg_clear(&f->reply);
    acs_buf_reset(&f->out);
    rc = sim_rpc_handle(f->d, &req, NS12, &f->out, &f->fx);
    sim_soap_msg_clear(&req);
    acs_buf_free(&in);
    assert_int_equal(sim_soap_parse(f->out.data, f->out.len, &f->reply, err, sizeof err), 0);
    assert_string_equal(f->reply.id, "acs-1");
    assert_string_equal(f->reply.ns, ns);
    if (rc) {
        assert_int_equal(f->reply.kind, SIM_SOAP_FAULT);
        assert_int_equal(f->reply.fault_code, rc);
    } else {
        assert_int_equal(f->reply.kind, SIM_SOAP_RESPONSE);
    }
    return rc;
}

SIM_TEST_HELPER int call(fixture_t *f, const char *body)
{
    return call_ns(f, NS12, body);
}

/* Number of element children of node. */
SIM_TEST_HELPER size_t nchildren(xmlNodePtr node)
{
    size_t n = 0;
    for (xmlNodePtr c = node ? node->children : NULL; c; c = c->next)
        n += c->type == XML_ELEMENT_NODE;
    return n;
}

/* The trimmed text of child local of the reply's RPC element (caller
 * frees). */
SIM_TEST_HELPER char *reply_text(fixture_t *f, const char *local)
{
    return sim_soap_text(sim_soap_child(f->reply.rpc, local));
}

/* The text of <Value> for name in a ParameterList, or NULL (caller frees). */
SIM_TEST_HELPER char *value_of(xmlNodePtr list, const char *name)
{
    for (xmlNodePtr s = sim_soap_child(list, "ParameterValueStruct"); s; s = sim_soap_next(s)) {
        char *n = sim_soap_text(sim_soap_child(s, "Name"));
        int match = strcmp(n, name) == 0;
        free(n);
        if (match)
            return sim_soap_text_raw(sim_soap_child(s, "Value"));
    }
    return NULL;
}

SIM_TEST_HELPER void assert_value(xmlNodePtr list, const char *name, const char *expect)
{
    char *v = value_of(list, name);
    if (!v)
        fail_msg("%s missing", name);
    assert_string_equal(v, expect);
    free(v);
}

/* The device's current value of name (instances included) into b. */
SIM_TEST_HELPER void current(fixture_t *f, const char *name, acs_buf_t *b)
{
    sim_ref_t ref;
    acs_buf_reset(b);
    if (sim_device_tree_find(f->d, name, &ref) != 0)
        fail_msg("%s: no such parameter", name);
    sim_device_get(f->d, ref, b);
}

#define GPV(names)                                                                                 \
    "<cwmp:GetParameterValues><ParameterNames>" names "</ParameterNames>"                          \
    "</cwmp:GetParameterValues>"
#define GPN(path, nl)                                                                              \
    "<cwmp:GetParameterNames><ParameterPath>" path "</ParameterPath><NextLevel>" nl                \
    "</NextLevel></cwmp:GetParameterNames>"
#define PVS(n, v)                                                                                  \
    "<ParameterValueStruct><Name>" n "</Name><Value xsi:type=\"xsd:string\" "                      \
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">" v "</Value></ParameterValueStruct>"
#define SPV(list, key)                                                                             \
    "<cwmp:SetParameterValues><ParameterList>" list "</ParameterList><ParameterKey>" key           \
    "</ParameterKey></cwmp:SetParameterValues>"
#define ADD(obj, key)                                                                              \
    "<cwmp:AddObject><ObjectName>" obj "</ObjectName><ParameterKey>" key                           \
    "</ParameterKey></cwmp:AddObject>"
#define DEL(obj, key)                                                                              \
    "<cwmp:DeleteObject><ObjectName>" obj "</ObjectName><ParameterKey>" key                        \
    "</ParameterKey></cwmp:DeleteObject>"

/* Names listed in a GPN reply as "name=writable", joined by spaces. */
SIM_TEST_HELPER void gpn_names(fixture_t *f, acs_buf_t *b)
{
    xmlNodePtr list = sim_soap_child(f->reply.rpc, "ParameterList");
    acs_buf_reset(b);
    for (xmlNodePtr s = sim_soap_child(list, "ParameterInfoStruct"); s; s = sim_soap_next(s)) {
        char *n = sim_soap_text(sim_soap_child(s, "Name"));
        char *w = sim_soap_text(sim_soap_child(s, "Writable"));
        acs_buf_printf(b, "%s%s=%s", b->len ? " " : "", n, w);
        free(n);
        free(w);
    }
    if (!b->data)
        acs_buf_puts(b, "");
}

/* AddObject on obj; returns the InstanceNumber (fails the test on a
 * fault). */
SIM_TEST_HELPER unsigned add_object(fixture_t *f, const char *obj)
{
    acs_buf_t body = ACS_BUF_INIT;
    char *n;
    unsigned inst;

    acs_buf_printf(&body,
                   "<cwmp:AddObject><ObjectName>%s</ObjectName><ParameterKey>add"
                   "</ParameterKey></cwmp:AddObject>",
                   obj);
    assert_int_equal(call(f, body.data), 0);
    assert_string_equal(f->reply.method, "AddObjectResponse");
    n = reply_text(f, "InstanceNumber");
    inst = (unsigned)strtoul(n, NULL, 10);
    free(n);
    acs_buf_free(&body);
    return inst;
}

#endif
