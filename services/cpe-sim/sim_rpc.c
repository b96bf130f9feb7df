/* sim_rpc: see sim_rpc.h. Each handler writes the Body content of its
 * response into a buffer and returns 0, or returns a fault code; the
 * dispatcher wraps either in an envelope. */
#include "sim_rpc.h"
#include "sim_xfer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

const char *const sim_rpc_methods[] = {
    "GetRPCMethods", "GetParameterNames", "GetParameterValues", "SetParameterValues", "Reboot",
};
const size_t sim_rpc_method_count = sizeof sim_rpc_methods / sizeof sim_rpc_methods[0];

/* ---- Inform ---- */

static void put_element(acs_buf_t *b, const char *tag, const char *text)
{
    acs_buf_printf(b, "<%s>", tag);
    acs_buf_put_xml(b, text);
    acs_buf_printf(b, "</%s>", tag);
}

/* One ParameterValueStruct with the wire value of entry i (secrets empty). */
static void put_pvs(acs_buf_t *b, const sim_device_t *d, size_t i, acs_buf_t *tmp)
{
    const sim_param_t *p = sim_model_param(sim_device_model(d), i);
    acs_buf_reset(tmp);
    sim_device_value_public(d, i, tmp);
    acs_buf_puts(b, "<ParameterValueStruct><Name>");
    acs_buf_put_xml(b, p->name);
    acs_buf_printf(b, "</Name><Value xsi:type=\"%s\">", sim_type_name((sim_type_t)p->type));
    acs_buf_put_xml(b, tmp->data ? tmp->data : "");
    acs_buf_puts(b, "</Value></ParameterValueStruct>");
}

static void put_events(acs_buf_t *b, const sim_device_t *d)
{
    const sim_event_t *ev;
    size_t n = sim_device_events(d, &ev);

    acs_buf_printf(b, "<Event soap-enc:arrayType=\"cwmp:EventStruct[%zu]\">", n);
    for (size_t i = 0; i < n; i++) {
        acs_buf_puts(b, "<EventStruct>");
        put_element(b, "EventCode", ev[i].code);
        put_element(b, "CommandKey", ev[i].command_key);
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

void sim_rpc_inform(const sim_device_t *d, const sim_inform_opts_t *o, acs_buf_t *out)
{
    const sim_model_t *m = sim_device_model(d);
    const size_t *forced;
    size_t nforced = sim_model_forced(m, &forced);
    acs_buf_t tmp = ACS_BUF_INIT;
    char hdr[256], now[32];
    time_t secs = (time_t)(o->now_wall_ms / 1000);
    struct tm tm;

    inform_header(o, hdr, sizeof hdr);
    sim_soap_begin(out, o->ns, o->id, hdr[0] ? hdr : NULL);
    acs_buf_puts(out, "<cwmp:Inform><DeviceId>");
    put_element(out, "Manufacturer", sim_model_manufacturer(m));
    put_element(out, "OUI", sim_model_oui(m));
    put_element(out, "ProductClass", sim_model_product_class(m));
    put_element(out, "SerialNumber", sim_device_serial(d));
    acs_buf_puts(out, "</DeviceId>");
    put_events(out, d);
    gmtime_r(&secs, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    acs_buf_printf(out,
                   "<MaxEnvelopes>1</MaxEnvelopes><CurrentTime>%s</CurrentTime>"
                   "<RetryCount>%u</RetryCount>",
                   now, sim_device_retry_count(d));
    acs_buf_printf(out, "<ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[%zu]\">",
                   nforced);
    for (size_t i = 0; i < nforced; i++)
        put_pvs(out, d, forced[i], &tmp);
    acs_buf_puts(out, "</ParameterList></cwmp:Inform>");
    sim_soap_end(out);
    acs_buf_free(&tmp);
}

/* ---- GetParameterValues / GetParameterNames ---- */

/* Entries a GPV name or GPN path designates: a parameter, or "" / a partial
 * path and everything below. 0 or -1 (unknown: 9005). */
static int resolve(const sim_model_t *m, const char *name, size_t *first, size_t *end)
{
    size_t len = strlen(name);
    long i;

    if (len == 0 || name[len - 1] == '.')
        return sim_model_subtree(m, name, first, end);
    i = sim_model_find(m, name);
    if (i < 0 || sim_model_param(m, (size_t)i)->type == SIM_T_OBJECT)
        return -1;
    *first = (size_t)i;
    *end = (size_t)i + 1;
    return 0;
}

typedef struct {
    size_t first, end;
} range_t;

static int gpv(sim_device_t *d, xmlNodePtr rpc, acs_buf_t *body)
{
    const sim_model_t *m = sim_device_model(d);
    xmlNodePtr names = sim_soap_child(rpc, "ParameterNames");
    range_t *r = NULL;
    size_t n = 0, total = 0;
    acs_buf_t tmp = ACS_BUF_INIT;
    int rc = 0;

    if (!names)
        return 9003;
    for (xmlNodePtr c = names->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (n == SIM_RPC_MAX_NAMES) {
            rc = 9004;
            goto out;
        }
        if ((n & (n - 1)) == 0) /* grow at powers of two */
            r = acs_xrealloc(r, (n ? 2 * n : 1) * sizeof *r);
        char *name = sim_soap_text(c);
        int bad = resolve(m, name, &r[n].first, &r[n].end);
        free(name);
        if (bad) {
            rc = 9005;
            goto out;
        }
        for (size_t i = r[n].first; i < r[n].end; i++)
            total += sim_model_param(m, i)->type != SIM_T_OBJECT;
        n++;
    }
    acs_buf_printf(body,
                   "<cwmp:GetParameterValuesResponse>"
                   "<ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[%zu]\">",
                   total);
    for (size_t k = 0; k < n; k++) {
        for (size_t i = r[k].first; i < r[k].end; i++) {
            if (sim_model_param(m, i)->type != SIM_T_OBJECT)
                put_pvs(body, d, i, &tmp);
        }
    }
    acs_buf_puts(body, "</ParameterList></cwmp:GetParameterValuesResponse>");
out:
    free(r);
    acs_buf_free(&tmp);
    return rc;
}

/* xsd:boolean as CWMP sends it: true/false/1/0, any case; 0/1 or -1. */
static int parse_bool(const char *s)
{
    if (strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0)
        return 1;
    if (strcasecmp(s, "false") == 0 || strcmp(s, "0") == 0)
        return 0;
    return -1;
}

/* 1 if entry name is a direct child of path (a parameter, or an object
 * whose only '.' after path is its last character). */
static int direct_child(const char *name, size_t plen)
{
    const char *rest = name + plen;
    const char *dot = strchr(rest, '.');
    return *rest && (!dot || dot[1] == '\0');
}

static void put_info(acs_buf_t *b, const sim_param_t *p)
{
    acs_buf_puts(b, "<ParameterInfoStruct><Name>");
    acs_buf_put_xml(b, p->name);
    acs_buf_printf(b, "</Name><Writable>%d</Writable></ParameterInfoStruct>",
                   (p->flags & SIM_P_WRITABLE) ? 1 : 0);
}

/* Select the GPN entries of [first, end) into sel; returns their number. */
static size_t gpn_select(const sim_model_t *m, const char *path, int next_level, size_t first,
                         size_t end, size_t *sel)
{
    size_t plen = strlen(path), n = 0;
    for (size_t i = first; i < end; i++) {
        const char *name = sim_model_param(m, i)->name;
        if (!next_level)
            sel[n++] = i;
        else if (plen == 0 ? i == 0 : (i != first && direct_child(name, plen)))
            sel[n++] = i; /* NextLevel with an empty path: the root object */
    }
    return n;
}

static int gpn(sim_device_t *d, xmlNodePtr rpc, acs_buf_t *body)
{
    const sim_model_t *m = sim_device_model(d);
    xmlNodePtr pp = sim_soap_child(rpc, "ParameterPath");
    char *path = sim_soap_text(pp), *nl = sim_soap_text(sim_soap_child(rpc, "NextLevel"));
    int next_level = parse_bool(nl);
    size_t first, end, n, *sel = NULL;
    size_t plen = strlen(path);
    int rc = 0;

    if (!pp || next_level < 0) {
        rc = 9003;
        goto out;
    }
    if (resolve(m, path, &first, &end) != 0) {
        rc = 9005;
        goto out;
    }
    if (next_level && plen > 0 && path[plen - 1] != '.') {
        rc = 9003; /* NextLevel true needs a partial path */
        goto out;
    }
    sel = acs_xcalloc(end - first + 1, sizeof *sel);
    n = gpn_select(m, path, next_level, first, end, sel);
    acs_buf_printf(body,
                   "<cwmp:GetParameterNamesResponse>"
                   "<ParameterList soap-enc:arrayType=\"cwmp:ParameterInfoStruct[%zu]\">",
                   n);
    for (size_t k = 0; k < n; k++)
        put_info(body, sim_model_param(m, sel[k]));
    acs_buf_puts(body, "</ParameterList></cwmp:GetParameterNamesResponse>");
out:
    free(sel);
    free(path);
    free(nl);
    return rc;
}

/* ---- SetParameterValues ---- */

typedef struct {
    size_t idx;
    char *value; /* canonical form, to apply */
} pending_t;

typedef struct {
    pending_t *set;
    size_t nset;
    sim_spv_fault_t *faults;
    size_t nfaults;
    int duplicate;
} spv_t;

static void spv_fault(spv_t *s, char *name, int code)
{
    s->faults = acs_xrealloc(s->faults, (s->nfaults + 1) * sizeof *s->faults);
    s->faults[s->nfaults].name = name; /* owned by s */
    s->faults[s->nfaults].code = code;
    s->nfaults++;
}

/* Check one ParameterValueStruct; queue the value or a fault. */
static void spv_check(const sim_model_t *m, xmlNodePtr pvs, spv_t *s)
{
    char *name = sim_soap_text(sim_soap_child(pvs, "Name"));
    xmlNodePtr vnode = sim_soap_child(pvs, "Value");
    char *value = sim_soap_text_raw(vnode);
    long i = sim_model_find(m, name);
    const sim_param_t *p = i >= 0 ? sim_model_param(m, (size_t)i) : NULL;
    acs_buf_t canon = ACS_BUF_INIT;

    if (!p || p->type == SIM_T_OBJECT) {
        spv_fault(s, name, 9005);
        name = NULL;
    } else if (!(p->flags & SIM_P_WRITABLE)) {
        spv_fault(s, name, 9008);
        name = NULL;
    } else if (!vnode || sim_value_check((sim_type_t)p->type, value, &canon) != 0) {
        spv_fault(s, name, 9007);
        name = NULL;
    } else {
        for (size_t k = 0; k < s->nset; k++)
            s->duplicate |= s->set[k].idx == (size_t)i;
        s->set = acs_xrealloc(s->set, (s->nset + 1) * sizeof *s->set);
        s->set[s->nset].idx = (size_t)i;
        s->set[s->nset].value = acs_buf_steal(&canon, NULL);
        s->nset++;
    }
    free(name);
    free(value);
    acs_buf_free(&canon);
}

static void spv_free(spv_t *s)
{
    for (size_t k = 0; k < s->nset; k++)
        free(s->set[k].value);
    for (size_t k = 0; k < s->nfaults; k++)
        free((char *)s->faults[k].name);
    free(s->set);
    free(s->faults);
}

/* All or nothing: every value is checked before any is applied. */
static int spv(sim_device_t *d, xmlNodePtr rpc, acs_buf_t *body, spv_t *s)
{
    const sim_model_t *m = sim_device_model(d);
    xmlNodePtr list = sim_soap_child(rpc, "ParameterList");
    xmlNodePtr keynode = sim_soap_child(rpc, "ParameterKey");
    char *key = sim_soap_text_raw(keynode);
    long keyidx = sim_model_find_ms(m, "ParameterKey");
    size_t count = 0;
    int rc = 0;

    if (!list || strlen(key) > SIM_COMMAND_KEY_MAX) {
        rc = 9003;
        goto out;
    }
    for (xmlNodePtr c = list->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (++count > SIM_RPC_MAX_NAMES) {
            rc = 9004;
            goto out;
        }
        spv_check(m, c, s);
    }
    if (s->nfaults || s->duplicate) {
        rc = 9003;
        goto out;
    }
    for (size_t k = 0; k < s->nset; k++)
        sim_device_set(d, s->set[k].idx, s->set[k].value);
    if (keyidx >= 0)
        sim_device_set(d, (size_t)keyidx, key);
    acs_buf_puts(body, "<cwmp:SetParameterValuesResponse><Status>0</Status>"
                       "</cwmp:SetParameterValuesResponse>");
out:
    free(key);
    return rc;
}

/* ---- Reboot, GetRPCMethods ---- */

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

static int get_rpc_methods(acs_buf_t *body)
{
    acs_buf_printf(body,
                   "<cwmp:GetRPCMethodsResponse>"
                   "<MethodList soap-enc:arrayType=\"xsd:string[%zu]\">",
                   sim_rpc_method_count);
    for (size_t i = 0; i < sim_rpc_method_count; i++)
        put_element(body, "string", sim_rpc_methods[i]);
    acs_buf_puts(body, "</MethodList></cwmp:GetRPCMethodsResponse>");
    return 0;
}

int sim_rpc_handle(sim_device_t *d, const sim_soap_msg_t *req, const char *default_ns,
                   acs_buf_t *out, sim_rpc_effects_t *fx)
{
    const char *ns = req->ns[0] ? req->ns : default_ns;
    const char *id = req->has_id ? req->id : NULL;
    const char *m = req->method;
    acs_buf_t body = ACS_BUF_INIT;
    spv_t s;
    int rc;

    memset(fx, 0, sizeof *fx);
    memset(&s, 0, sizeof s);
    if (!req->rpc_is_cwmp || req->kind != SIM_SOAP_REQUEST)
        rc = 9000;
    else if (strcmp(m, "GetParameterValues") == 0)
        rc = gpv(d, req->rpc, &body);
    else if (strcmp(m, "SetParameterValues") == 0)
        rc = spv(d, req->rpc, &body, &s);
    else if (strcmp(m, "GetParameterNames") == 0)
        rc = gpn(d, req->rpc, &body);
    else if (strcmp(m, "Reboot") == 0)
        rc = reboot(req->rpc, &body, fx);
    else if (strcmp(m, "GetRPCMethods") == 0)
        rc = get_rpc_methods(&body);
    else if (sim_xfer_method(m))
        rc = sim_xfer_handle(d, m, req->rpc, &body);
    else
        rc = 9000;
    if (rc == 0) {
        sim_soap_begin(out, ns, id, NULL);
        acs_buf_append(out, body.data ? body.data : "", body.len);
        sim_soap_end(out);
    } else {
        sim_soap_fault(out, ns, id, rc, s.faults, rc == 9003 ? s.nfaults : 0);
    }
    spv_free(&s);
    acs_buf_free(&body);
    return rc;
}
