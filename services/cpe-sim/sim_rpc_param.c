/* sim_rpc_param: GetParameterValues, GetParameterNames and
 * SetParameterValues on a device's tree (instances included). See
 * sim_rpc_int.h for the handler contract and cwmp-reference.md 3.2 for the
 * semantics. */
#include "sim_rpc_int.h"

#include <stdlib.h>
#include <string.h>

/* The parameters (not objects) among refs. */
static size_t count_params(const sim_device_t *d, const sim_refs_t *refs)
{
    size_t n = 0;
    for (size_t k = 0; k < refs->n; k++)
        n += sim_model_param(sim_device_model(d), refs->r[k].idx)->type != SIM_T_OBJECT;
    return n;
}

int sim_rpc_expand_names(const sim_device_t *d, xmlNodePtr list, sim_refs_t *refs)
{
    size_t n = 0;
    for (xmlNodePtr c = list->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        char *name = sim_soap_text(c);
        int bad = ++n > SIM_RPC_MAX_NAMES ? 9004 : 0;
        if (!bad && sim_device_tree_expand(d, name, refs) != 0)
            bad = 9005;
        free(name);
        if (!bad && refs->n > SIM_RPC_MAX_RESULTS)
            bad = 9004;
        if (bad)
            return bad;
    }
    return 0;
}

int sim_rpc_param_gpv(sim_device_t *d, xmlNodePtr rpc, acs_buf_t *body)
{
    xmlNodePtr names = sim_soap_child(rpc, "ParameterNames");
    sim_refs_t refs = SIM_REFS_INIT;
    acs_buf_t tmp = ACS_BUF_INIT;
    int rc = names ? sim_rpc_expand_names(d, names, &refs) : 9003;

    if (rc != 0)
        goto out;
    acs_buf_printf(body,
                   "<cwmp:GetParameterValuesResponse>"
                   "<ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[%zu]\">",
                   count_params(d, &refs));
    for (size_t k = 0; k < refs.n; k++) {
        if (sim_model_param(sim_device_model(d), refs.r[k].idx)->type != SIM_T_OBJECT)
            sim_rpc_put_pvs(body, d, refs.r[k], &tmp);
    }
    acs_buf_puts(body, "</ParameterList></cwmp:GetParameterValuesResponse>");
out:
    sim_refs_free(&refs);
    acs_buf_free(&tmp);
    return rc;
}

/* ---- GetParameterNames ---- */

/* 1 if name is a direct child of the path of length plen: a parameter, or
 * an object whose only '.' after the path is its last character. */
static int direct_child(const char *name, size_t plen)
{
    const char *rest = name + plen;
    const char *dot = strchr(rest, '.');
    return *rest && (!dot || dot[1] == '\0');
}

static void put_info(acs_buf_t *b, const char *name, const sim_param_t *p)
{
    acs_buf_puts(b, "<ParameterInfoStruct><Name>");
    acs_buf_put_xml(b, name);
    acs_buf_printf(b, "</Name><Writable>%d</Writable></ParameterInfoStruct>",
                   (p->flags & SIM_P_WRITABLE) ? 1 : 0);
}

/* The GPN answer for the expansion refs of path. NextLevel true: the
 * direct children of path (for "" the root object alone); false:
 * everything. Objects are writable if they take AddObject (tables) or
 * DeleteObject (their instances). */
static void gpn_answer(const sim_device_t *d, const char *path, int next_level,
                       const sim_refs_t *refs, acs_buf_t *body)
{
    size_t plen = strlen(path), n = 0;
    acs_buf_t list = ACS_BUF_INIT, name = ACS_BUF_INIT;

    for (size_t k = 0; k < refs->n; k++) {
        acs_buf_reset(&name);
        sim_device_tree_name(d, refs->r[k], &name);
        if (next_level && (plen == 0 ? k != 0 : k == 0 || !direct_child(name.data, plen)))
            continue;
        put_info(&list, name.data, sim_model_param(sim_device_model(d), refs->r[k].idx));
        n++;
    }
    acs_buf_printf(body,
                   "<cwmp:GetParameterNamesResponse>"
                   "<ParameterList soap-enc:arrayType=\"cwmp:ParameterInfoStruct[%zu]\">%s"
                   "</ParameterList></cwmp:GetParameterNamesResponse>",
                   n, list.data ? list.data : "");
    acs_buf_free(&list);
    acs_buf_free(&name);
}

int sim_rpc_param_gpn(sim_device_t *d, xmlNodePtr rpc, acs_buf_t *body)
{
    xmlNodePtr pp = sim_soap_child(rpc, "ParameterPath");
    char *path = sim_soap_text(pp), *nl = sim_soap_text(sim_soap_child(rpc, "NextLevel"));
    int next_level = sim_rpc_parse_bool(nl);
    size_t plen = strlen(path);
    sim_refs_t refs = SIM_REFS_INIT;
    int rc = 0;

    if (!pp || next_level < 0 || plen > SIM_NAME_MAX)
        rc = 9003;
    else if (sim_device_tree_expand(d, path, &refs) != 0)
        rc = 9005;
    else if (next_level && plen > 0 && path[plen - 1] != '.')
        rc = 9003; /* NextLevel true needs a partial path */
    else if (refs.n > SIM_RPC_MAX_RESULTS)
        rc = 9004;
    else
        gpn_answer(d, path, next_level, &refs, body);
    sim_refs_free(&refs);
    free(path);
    free(nl);
    return rc;
}

/* ---- SetParameterValues ---- */

typedef struct {
    sim_ref_t ref;
    char *value; /* canonical form, to apply */
} pending_t;

typedef struct {
    pending_t *set;
    size_t nset;
    sim_rpc_faults_t *faults;
    int duplicate;
} spv_t;

static void spv_fault(spv_t *s, char *name, int code)
{
    sim_rpc_faults_t *f = s->faults;
    f->f = acs_xrealloc(f->f, (f->n + 1) * sizeof *f->f);
    f->f[f->n].name = name; /* owned by f */
    f->f[f->n].code = code;
    f->n++;
}

/* The fault of setting value on name (9005 unknown or an object, 9008 not
 * writable, 9007 not of its type), or 0 with ref and the canonical value. */
static int spv_check_one(const sim_device_t *d, const char *name, xmlNodePtr vnode,
                         const char *value, sim_ref_t *ref, acs_buf_t *canon)
{
    const sim_param_t *p;
    if (sim_device_tree_find(d, name, ref) != 0)
        return 9005;
    p = sim_model_param(sim_device_model(d), ref->idx);
    if (p->type == SIM_T_OBJECT)
        return 9005;
    if (!(p->flags & SIM_P_WRITABLE))
        return 9008;
    if (!vnode || sim_value_check((sim_type_t)p->type, value, canon) != 0)
        return 9007;
    return 0;
}

/* Check one ParameterValueStruct; queue the value or a fault. */
static void spv_check(const sim_device_t *d, xmlNodePtr pvs, spv_t *s)
{
    char *name = sim_soap_text(sim_soap_child(pvs, "Name"));
    xmlNodePtr vnode = sim_soap_child(pvs, "Value");
    char *value = sim_soap_text_raw(vnode);
    acs_buf_t canon = ACS_BUF_INIT;
    sim_ref_t ref;
    int code = spv_check_one(d, name, vnode, value, &ref, &canon);

    if (code) {
        spv_fault(s, name, code);
        name = NULL;
    } else {
        for (size_t k = 0; k < s->nset; k++)
            s->duplicate |= sim_device_ref_cmp(s->set[k].ref, ref) == 0;
        s->set = acs_xrealloc(s->set, (s->nset + 1) * sizeof *s->set);
        s->set[s->nset].ref = ref;
        s->set[s->nset].value = acs_buf_steal(&canon, NULL);
        s->nset++;
    }
    free(name);
    free(value);
    acs_buf_free(&canon);
}

/* All or nothing: every value is checked before any is applied. */
int sim_rpc_param_spv(sim_device_t *d, xmlNodePtr rpc, acs_buf_t *body, sim_rpc_faults_t *f)
{
    xmlNodePtr list = sim_soap_child(rpc, "ParameterList");
    spv_t s = {NULL, 0, f, 0};
    size_t count = 0;
    char *key = NULL;
    int rc = sim_rpc_parameter_key(rpc, &key);

    if (rc == 0 && !list)
        rc = 9003;
    for (xmlNodePtr c = list ? list->children : NULL; rc == 0 && c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (++count > SIM_RPC_MAX_NAMES)
            rc = 9004;
        else
            spv_check(d, c, &s);
    }
    if (rc == 0 && (f->n || s.duplicate))
        rc = 9003;
    if (rc == 0) {
        for (size_t k = 0; k < s.nset; k++)
            sim_device_put(d, s.set[k].ref, s.set[k].value);
        sim_rpc_set_parameter_key(d, key);
        acs_buf_puts(body, "<cwmp:SetParameterValuesResponse><Status>0</Status>"
                           "</cwmp:SetParameterValuesResponse>");
    }
    for (size_t k = 0; k < s.nset; k++)
        free(s.set[k].value);
    free(s.set);
    free(key);
    return rc;
}
