/* sim_rpc_attr: GetParameterAttributes and SetParameterAttributes
 * (cwmp-reference.md 3.2, 7.4). See sim_rpc_int.h for the handler
 * contract.
 *
 * A partial path sets everything below it. A parameter that refuses the
 * requested Notification (canDeny counters, forceEnabled versions) fails
 * the request with 9009 when it is named, but is skipped when it is only
 * below a partial path: "notify me of everything under Device." must not
 * fail because of one counter, and a real CPE keeps its forced ones
 * active anyway. SetParameterAttributes is all or nothing.
 */
#include "sim_rpc_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- GetParameterAttributes ---- */

static void put_attr(acs_buf_t *b, const sim_device_t *d, sim_ref_t ref, acs_buf_t *tmp)
{
    unsigned notify, acl;
    sim_device_attr_get(d, ref, &notify, &acl);
    acs_buf_reset(tmp);
    sim_device_tree_name(d, ref, tmp);
    acs_buf_puts(b, "<ParameterAttributeStruct><Name>");
    acs_buf_put_xml(b, tmp->data);
    acs_buf_printf(b,
                   "</Name><Notification>%u</Notification>"
                   "<AccessList soap-enc:arrayType=\"xsd:string[%d]\">%s</AccessList>"
                   "</ParameterAttributeStruct>",
                   notify, (acl & SIM_ACL_SUBSCRIBER) ? 1 : 0,
                   (acl & SIM_ACL_SUBSCRIBER) ? "<string>Subscriber</string>" : "");
}

int sim_rpc_attr_gpa(sim_device_t *d, xmlNodePtr rpc, acs_buf_t *body)
{
    const sim_model_t *m = sim_device_model(d);
    xmlNodePtr names = sim_soap_child(rpc, "ParameterNames");
    sim_refs_t refs = SIM_REFS_INIT;
    acs_buf_t tmp = ACS_BUF_INIT;
    size_t n = 0;
    int rc = names ? sim_rpc_expand_names(d, names, &refs) : 9003;

    if (rc != 0)
        goto out;
    for (size_t k = 0; k < refs.n; k++)
        n += sim_model_param(m, refs.r[k].idx)->type != SIM_T_OBJECT;
    acs_buf_printf(body,
                   "<cwmp:GetParameterAttributesResponse>"
                   "<ParameterList soap-enc:arrayType=\"cwmp:ParameterAttributeStruct[%zu]\">",
                   n);
    for (size_t k = 0; k < refs.n; k++) {
        if (sim_model_param(m, refs.r[k].idx)->type != SIM_T_OBJECT)
            put_attr(body, d, refs.r[k], &tmp);
    }
    acs_buf_puts(body, "</ParameterList></cwmp:GetParameterAttributesResponse>");
out:
    sim_refs_free(&refs);
    acs_buf_free(&tmp);
    return rc;
}

/* ---- SetParameterAttributes ---- */

/* One SetParameterAttributesStruct, parsed: -1 = no change requested. */
typedef struct {
    char *name;
    int notify;
    int acl;
} spa_req_t;

/* One change to apply. */
typedef struct {
    sim_ref_t ref;
    int notify, acl;
} spa_change_t;

typedef struct {
    spa_change_t *c;
    size_t n;
} spa_t;

/* Notification 0..6 as text; 3..6 (lightweight, Annex M) only in CWMP
 * 1.4. The value or -1. */
static int parse_notification(const char *s, int cwmp_minor)
{
    if (strlen(s) != 1 || s[0] < '0' || s[0] > '6')
        return -1;
    if (s[0] > '2' && cwmp_minor < 4)
        return -1;
    return s[0] - '0';
}

/* The AccessList entries as SIM_ACL_* bits, or -1 for an unknown one. */
static int parse_access_list(xmlNodePtr list)
{
    int acl = 0;
    for (xmlNodePtr c = list ? list->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        char *s = sim_soap_text(c);
        unsigned bit = sim_device_attr_acl_bit(s);
        free(s);
        if (!bit)
            return -1;
        acl |= (int)bit;
    }
    return acl;
}

/* Parse one struct into r (name owned by r). 0 or 9003. A false *Change
 * flag voids its value, which is then not even looked at (GenieACS sends
 * an empty Notification with NotificationChange false). */
static int spa_parse(xmlNodePtr s, int cwmp_minor, spa_req_t *r)
{
    char *nc = sim_soap_text(sim_soap_child(s, "NotificationChange"));
    char *ac = sim_soap_text(sim_soap_child(s, "AccessListChange"));
    int nchange = sim_rpc_parse_bool(nc), achange = sim_rpc_parse_bool(ac), rc = 0;

    r->name = sim_soap_text(sim_soap_child(s, "Name"));
    r->notify = r->acl = -1;
    if (!sim_soap_child(s, "Name") || nchange < 0 || achange < 0) {
        rc = 9003;
    } else {
        if (nchange) {
            char *n = sim_soap_text(sim_soap_child(s, "Notification"));
            r->notify = parse_notification(n, cwmp_minor);
            free(n);
            rc = r->notify < 0 ? 9003 : 0;
        }
        if (achange && (r->acl = parse_access_list(sim_soap_child(s, "AccessList"))) < 0)
            rc = 9003;
    }
    free(nc);
    free(ac);
    return rc;
}

static void spa_add(spa_t *a, sim_ref_t ref, int notify, int acl)
{
    a->c = acs_xrealloc(a->c, (a->n + 1) * sizeof *a->c);
    a->c[a->n].ref = ref;
    a->c[a->n].notify = notify;
    a->c[a->n].acl = acl;
    a->n++;
}

/* The changes r makes on the parameters it names. 0, 9004, 9005, 9009. */
static int spa_expand(const sim_device_t *d, const spa_req_t *r, spa_t *a)
{
    size_t len = strlen(r->name);
    int partial = len == 0 || r->name[len - 1] == '.';
    sim_refs_t refs = SIM_REFS_INIT;
    int rc = sim_device_tree_expand(d, r->name, &refs) != 0 ? 9005 : 0;

    for (size_t k = 0; rc == 0 && k < refs.n; k++) {
        sim_ref_t ref = refs.r[k];
        int notify = r->notify;
        if (sim_model_param(sim_device_model(d), ref.idx)->type == SIM_T_OBJECT)
            continue;
        if (notify >= 0 && sim_device_attr_check(d, ref, notify) != 0) {
            if (!partial)
                rc = 9009;
            notify = -1; /* below a partial path: left as it is */
        }
        if (rc == 0 && a->n >= SIM_RPC_MAX_RESULTS)
            rc = 9004;
        if (rc == 0 && (notify >= 0 || r->acl >= 0))
            spa_add(a, ref, notify, r->acl);
    }
    sim_refs_free(&refs);
    return rc;
}

int sim_rpc_attr_spa(sim_device_t *d, xmlNodePtr rpc, int cwmp_minor, acs_buf_t *body)
{
    xmlNodePtr list = sim_soap_child(rpc, "ParameterList");
    spa_t a = {NULL, 0};
    size_t count = 0;
    int rc = list ? 0 : 9003;

    for (xmlNodePtr c = list ? list->children : NULL; rc == 0 && c; c = c->next) {
        spa_req_t r;
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (++count > SIM_RPC_MAX_NAMES) {
            rc = 9004;
            break;
        }
        rc = spa_parse(c, cwmp_minor, &r);
        if (rc == 0)
            rc = spa_expand(d, &r, &a);
        free(r.name);
    }
    if (rc == 0) {
        for (size_t k = 0; k < a.n; k++)
            sim_device_attr_set(d, a.c[k].ref, a.c[k].notify, a.c[k].acl);
        acs_buf_puts(body, "<cwmp:SetParameterAttributesResponse>"
                           "</cwmp:SetParameterAttributesResponse>");
    }
    free(a.c);
    return rc;
}
