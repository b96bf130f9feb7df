/* sim_rpc: see sim_rpc.h. The dispatcher, the Inform, and the small
 * methods (GetRPCMethods, Reboot, FactoryReset, the vendor Echo); the
 * data-model methods are in sim_rpc_param.c, sim_rpc_attr.c and
 * sim_rpc_obj.c. */
#include "sim_rpc_int.h"
#include "sim_xfer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Deepest element nesting copied by the vendor Echo (more: 9003). */
#define ECHO_DEPTH_MAX 32

/* ---- shared helpers ---- */

void sim_rpc_put_element(acs_buf_t *b, const char *tag, const char *text)
{
    acs_buf_printf(b, "<%s>", tag);
    acs_buf_put_xml(b, text);
    acs_buf_printf(b, "</%s>", tag);
}

void sim_rpc_put_pvs(acs_buf_t *b, const sim_device_t *d, sim_ref_t ref, acs_buf_t *tmp)
{
    const sim_param_t *p = sim_model_param(sim_device_model(d), ref.idx);
    acs_buf_puts(b, "<ParameterValueStruct><Name>");
    acs_buf_reset(tmp);
    sim_device_tree_name(d, ref, tmp);
    acs_buf_put_xml(b, tmp->data);
    acs_buf_printf(b, "</Name><Value xsi:type=\"%s\">", sim_type_name((sim_type_t)p->type));
    acs_buf_reset(tmp);
    sim_device_get_public(d, ref, tmp);
    acs_buf_put_xml(b, tmp->data ? tmp->data : "");
    acs_buf_puts(b, "</Value></ParameterValueStruct>");
}

int sim_rpc_parse_bool(const char *s)
{
    if (strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0)
        return 1;
    if (strcasecmp(s, "false") == 0 || strcmp(s, "0") == 0)
        return 0;
    return -1;
}

int sim_rpc_parameter_key(xmlNodePtr rpc, char **key)
{
    *key = sim_soap_text_raw(sim_soap_child(rpc, "ParameterKey"));
    if (strlen(*key) <= SIM_COMMAND_KEY_MAX)
        return 0;
    free(*key);
    *key = NULL;
    return 9003;
}

void sim_rpc_set_parameter_key(sim_device_t *d, const char *key)
{
    long i = sim_model_find_ms(sim_device_model(d), "ParameterKey");
    if (i >= 0)
        sim_device_set(d, (size_t)i, key);
}

void sim_rpc_faults_free(sim_rpc_faults_t *f)
{
    for (size_t k = 0; k < f->n; k++)
        free((char *)f->f[k].name);
    free(f->f);
    f->f = NULL;
    f->n = 0;
}

/* ---- Inform ---- */

static void put_events(acs_buf_t *b, const sim_device_t *d)
{
    const sim_event_t *ev;
    size_t n = sim_device_events(d, &ev);

    acs_buf_printf(b, "<Event soap-enc:arrayType=\"cwmp:EventStruct[%zu]\">", n);
    for (size_t i = 0; i < n; i++) {
        acs_buf_puts(b, "<EventStruct>");
        sim_rpc_put_element(b, "EventCode", ev[i].code);
        sim_rpc_put_element(b, "CommandKey", ev[i].command_key);
        acs_buf_puts(b, "</EventStruct>");
    }
    acs_buf_puts(b, "</Event>");
}

static void inform_header(const sim_inform_opts_t *o, char *hdr, size_t cap)
{
    int n = 0;
    hdr[0] = '\0';
    if (o->cwmp_minor >= 3)
        n = snprintf(hdr, cap,
                     "<cwmp:SessionTimeout soap-env:mustUnderstand=\"0\">%d</cwmp:SessionTimeout>",
                     o->session_timeout);
    if (o->cwmp_minor >= 4 && n >= 0 && (size_t)n < cap)
        snprintf(hdr + n, cap - (size_t)n,
                 "<cwmp:SupportedCWMPVersions soap-env:mustUnderstand=\"0\">1.0,1.1,1.2,1.3,1.4"
                 "</cwmp:SupportedCWMPVersions>");
}

/* The forced-inform parameters, then each waiting value change that is
 * not one of them (a forced parameter is there anyway). */
static void put_inform_params(acs_buf_t *out, const sim_device_t *d)
{
    const size_t *forced;
    const sim_ref_t *pend;
    size_t nforced = sim_model_forced(sim_device_model(d), &forced);
    size_t npend = sim_device_attr_pending(d, &pend), extra = 0;
    acs_buf_t tmp = ACS_BUF_INIT;

    for (size_t k = 0; k < npend; k++)
        extra += pend[k].inst != 0 ||
                 !(sim_model_param(sim_device_model(d), pend[k].idx)->flags & SIM_P_FORCED);
    acs_buf_printf(out, "<ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[%zu]\">",
                   nforced + extra);
    for (size_t i = 0; i < nforced; i++)
        sim_rpc_put_pvs(out, d, (sim_ref_t){(uint32_t)forced[i], 0}, &tmp);
    for (size_t k = 0; k < npend; k++) {
        if (pend[k].inst != 0 ||
            !(sim_model_param(sim_device_model(d), pend[k].idx)->flags & SIM_P_FORCED))
            sim_rpc_put_pvs(out, d, pend[k], &tmp);
    }
    acs_buf_puts(out, "</ParameterList>");
    acs_buf_free(&tmp);
}

void sim_rpc_inform(const sim_device_t *d, const sim_inform_opts_t *o, acs_buf_t *out)
{
    const sim_model_t *m = sim_device_model(d);
    char hdr[256], now[32];
    time_t secs = (time_t)(o->now_wall_ms / 1000);
    struct tm tm;

    inform_header(o, hdr, sizeof hdr);
    sim_soap_begin(out, o->ns, o->id, hdr[0] ? hdr : NULL);
    acs_buf_puts(out, "<cwmp:Inform><DeviceId>");
    sim_rpc_put_element(out, "Manufacturer", sim_model_manufacturer(m));
    sim_rpc_put_element(out, "OUI", sim_model_oui(m));
    sim_rpc_put_element(out, "ProductClass", sim_model_product_class(m));
    sim_rpc_put_element(out, "SerialNumber", sim_device_serial(d));
    acs_buf_puts(out, "</DeviceId>");
    put_events(out, d);
    gmtime_r(&secs, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    acs_buf_printf(out,
                   "<MaxEnvelopes>1</MaxEnvelopes><CurrentTime>%s</CurrentTime>"
                   "<RetryCount>%u</RetryCount>",
                   now, sim_device_retry_count(d));
    put_inform_params(out, d);
    acs_buf_puts(out, "</cwmp:Inform>");
    sim_soap_end(out);
}

/* ---- GetRPCMethods, Reboot, FactoryReset ---- */

/* Answered here, in GetRPCMethodsResponse order. */
static const char *const own_methods[] = {
    "GetRPCMethods",      "GetParameterNames",      "GetParameterValues",
    "SetParameterValues", "GetParameterAttributes", "SetParameterAttributes",
    "AddObject",          "DeleteObject",           "Reboot",
    "FactoryReset",
};

/* TR-069's other CPE methods: listed if sim_xfer answers them. */
static const char *const xfer_candidates[] = {
    "Download",
    "Upload",
    "ScheduleInform",
    "GetQueuedTransfers",
    "GetAllQueuedTransfers",
    "ScheduleDownload",
    "CancelTransfer",
    "ChangeDUState",
    "SetVouchers",
    "GetOptions",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

void sim_rpc_vendor_method(const sim_model_t *m, char *name, size_t cap)
{
    snprintf(name, cap, "X_%s_Echo", sim_model_oui(m));
}

static int get_rpc_methods(const sim_device_t *d, acs_buf_t *body)
{
    char vendor[SIM_NAME_MAX];
    acs_buf_t list = ACS_BUF_INIT;
    size_t n = 0;

    for (size_t i = 0; i < NELEM(own_methods); i++, n++)
        sim_rpc_put_element(&list, "string", own_methods[i]);
    for (size_t i = 0; i < NELEM(xfer_candidates); i++) {
        if (sim_xfer_method(xfer_candidates[i])) {
            sim_rpc_put_element(&list, "string", xfer_candidates[i]);
            n++;
        }
    }
    sim_rpc_vendor_method(sim_device_model(d), vendor, sizeof vendor);
    sim_rpc_put_element(&list, "string", vendor);
    n++;
    acs_buf_printf(body,
                   "<cwmp:GetRPCMethodsResponse>"
                   "<MethodList soap-enc:arrayType=\"xsd:string[%zu]\">%s"
                   "</MethodList></cwmp:GetRPCMethodsResponse>",
                   n, list.data);
    acs_buf_free(&list);
    return 0;
}

static int reboot(xmlNodePtr rpc, acs_buf_t *body, sim_rpc_effects_t *fx)
{
    char *key = sim_soap_text_raw(sim_soap_child(rpc, "CommandKey"));
    int rc = 0;

    if (strlen(key) > SIM_COMMAND_KEY_MAX) {
        rc = 9003;
    } else {
        fx->reboot = 1;
        snprintf(fx->command_key, sizeof fx->command_key, "%s", key);
        acs_buf_puts(body, "<cwmp:RebootResponse></cwmp:RebootResponse>");
    }
    free(key);
    return rc;
}

/* Answered at once; the reset itself happens when the session has ended
 * (the fleet calls sim_device_factory_reset), as a real CPE finishes the
 * session before wiping its configuration. */
static int factory_reset(acs_buf_t *body, sim_rpc_effects_t *fx)
{
    fx->factory_reset = 1;
    acs_buf_puts(body, "<cwmp:FactoryResetResponse></cwmp:FactoryResetResponse>");
    return 0;
}

/* ---- the vendor method ---- */

static int has_element_child(xmlNodePtr n)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            return 1;
    }
    return 0;
}

/* Copy the element children of n: local names, text escaped, attributes
 * and namespaces dropped (the reply declares its own). 0 or 9003. */
static int echo_children(xmlNodePtr n, acs_buf_t *b, int depth)
{
    if (depth > ECHO_DEPTH_MAX)
        return 9003;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        acs_buf_printf(b, "<%s>", (const char *)c->name);
        if (has_element_child(c)) {
            if (echo_children(c, b, depth + 1) != 0)
                return 9003;
        } else {
            char *t = sim_soap_text_raw(c);
            acs_buf_put_xml(b, t);
            free(t);
        }
        acs_buf_printf(b, "</%s>", (const char *)c->name);
    }
    return 0;
}

static int vendor_echo(const char *method, xmlNodePtr rpc, acs_buf_t *body)
{
    acs_buf_printf(body, "<cwmp:%sResponse>", method);
    if (echo_children(rpc, body, 1) != 0)
        return 9003;
    acs_buf_printf(body, "</cwmp:%sResponse>", method);
    return 0;
}

/* ---- dispatch ---- */

/* N of a cwmp-1-N namespace (2 if none or odd). */
static int cwmp_minor(const char *ns)
{
    size_t plen = strlen(SIM_CWMP_NS_PREFIX);
    return sim_soap_is_cwmp_ns(ns) ? atoi(ns + plen) : 2;
}

static int dispatch(sim_device_t *d, const sim_soap_msg_t *req, acs_buf_t *body,
                    sim_rpc_effects_t *fx, sim_rpc_faults_t *faults)
{
    const char *m = req->method;
    char vendor[SIM_NAME_MAX];

    if (!req->rpc_is_cwmp || req->kind != SIM_SOAP_REQUEST)
        return 9000;
    if (strcmp(m, "GetParameterValues") == 0)
        return sim_rpc_param_gpv(d, req->rpc, body);
    if (strcmp(m, "SetParameterValues") == 0)
        return sim_rpc_param_spv(d, req->rpc, body, faults);
    if (strcmp(m, "GetParameterNames") == 0)
        return sim_rpc_param_gpn(d, req->rpc, body);
    if (strcmp(m, "GetParameterAttributes") == 0)
        return sim_rpc_attr_gpa(d, req->rpc, body);
    if (strcmp(m, "SetParameterAttributes") == 0)
        return sim_rpc_attr_spa(d, req->rpc, cwmp_minor(req->ns), body);
    if (strcmp(m, "AddObject") == 0)
        return sim_rpc_obj_add(d, req->rpc, body);
    if (strcmp(m, "DeleteObject") == 0)
        return sim_rpc_obj_delete(d, req->rpc, body);
    if (strcmp(m, "Reboot") == 0)
        return reboot(req->rpc, body, fx);
    if (strcmp(m, "FactoryReset") == 0)
        return factory_reset(body, fx);
    if (strcmp(m, "GetRPCMethods") == 0)
        return get_rpc_methods(d, body);
    if (sim_xfer_method(m))
        return sim_xfer_handle(d, m, req->rpc, body);
    sim_rpc_vendor_method(sim_device_model(d), vendor, sizeof vendor);
    if (strcmp(m, vendor) == 0)
        return vendor_echo(m, req->rpc, body);
    return 9000;
}

int sim_rpc_handle(sim_device_t *d, const sim_soap_msg_t *req, const char *default_ns,
                   acs_buf_t *out, sim_rpc_effects_t *fx)
{
    const char *ns = req->ns[0] ? req->ns : default_ns;
    const char *id = req->has_id ? req->id : NULL;
    acs_buf_t body = ACS_BUF_INIT;
    sim_rpc_faults_t faults = {NULL, 0};
    int rc;

    memset(fx, 0, sizeof *fx);
    rc = dispatch(d, req, &body, fx, &faults);
    if (rc == 0) {
        sim_soap_begin(out, ns, id, NULL);
        acs_buf_append(out, body.data ? body.data : "", body.len);
        sim_soap_end(out);
    } else {
        memset(fx, 0, sizeof *fx); /* a fault asks nothing of the session */
        sim_soap_fault(out, ns, id, rc, faults.f, rc == 9003 ? faults.n : 0);
    }
    sim_rpc_faults_free(&faults);
    acs_buf_free(&body);
    return rc;
}
