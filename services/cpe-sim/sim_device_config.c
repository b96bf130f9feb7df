/* sim_device_config: a device's configuration as JSON, and back. See
 * sim_device.h for the format.
 *
 * Import builds the new configuration in a scratch device of the same
 * model, checking every member on the way; only when all of it is valid is
 * it swapped into the real device. So a truncated or foreign "Vendor
 * Configuration File" leaves the device as it was, as a real CPE refusing a
 * bad restore would.
 */
#include "sim_device_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- export ---- */

static const sim_param_t *param(const sim_device_t *d, uint32_t i)
{
    return sim_model_param(d->model, i);
}

static json_t *acl_json(unsigned acl)
{
    json_t *a = json_array();
    if (acl & SIM_ACL_SUBSCRIBER)
        json_array_append_new(a, json_string("Subscriber"));
    return a;
}

/* The "instances" entry of table x, created on first use. */
static json_t *table_entry(const sim_device_t *d, json_t *instances, uint32_t x, acs_buf_t *tmp)
{
    json_t *e;
    acs_buf_reset(tmp);
    sim_device_tree_name(d, (sim_ref_t){x, 0}, tmp);
    e = json_object_get(instances, tmp->data);
    if (!e) {
        e = json_object();
        json_object_set_new(instances, tmp->data, e);
    }
    return e;
}

static json_t *export_instances(const sim_device_t *d, acs_buf_t *tmp)
{
    json_t *instances = json_object();

    for (size_t k = 0; k < d->ntab; k++) {
        const sim_dtable_t *t = &d->tab[k];
        uint32_t x = param(d, t->tmpl)->parent;
        json_t *added = json_array();
        if (sim_device_tree_hidden(d, x) || (t->n == 0 && t->next == 0)) {
            json_decref(added);
            continue;
        }
        for (size_t i = 0; i < t->n; i++)
            json_array_append_new(added, json_integer(t->inst[i]));
        json_t *e = table_entry(d, instances, x, tmp);
        json_object_set_new(e, "added", added);
        json_object_set_new(e, "next", json_integer(t->next));
    }
    for (size_t k = 0; k < d->ndeleted; k++) {
        uint32_t j = d->deleted[k], x = param(d, j)->parent;
        const char *seg = param(d, j)->name + strlen(param(d, x)->name);
        json_t *e = table_entry(d, instances, x, tmp), *del = json_object_get(e, "deleted");
        if (!del) {
            del = json_array();
            json_object_set_new(e, "deleted", del);
        }
        json_array_append_new(del, json_integer(sim_device_inst_parse(seg, strlen(seg) - 1)));
    }
    return instances;
}

json_t *sim_device_config_export(const sim_device_t *d)
{
    json_t *values = json_object(), *attrs = json_object();
    acs_buf_t b = ACS_BUF_INIT;

    /* Only what a name reaches: an import must take back every entry. */
    for (size_t k = 0; k < d->nval; k++) {
        if (!sim_device_tree_visible(d, d->val[k].ref))
            continue;
        acs_buf_reset(&b);
        sim_device_tree_name(d, d->val[k].ref, &b);
        json_object_set_new(values, b.data, json_string(d->val[k].value));
    }
    for (size_t k = 0; k < d->nattr; k++) {
        if (!sim_device_tree_visible(d, d->attr[k].ref))
            continue;
        acs_buf_reset(&b);
        sim_device_tree_name(d, d->attr[k].ref, &b);
        json_object_set_new(attrs, b.data,
                            json_pack("{s:i, s:o}", "notification", (int)d->attr[k].notify,
                                      "access_list", acl_json(d->attr[k].acl)));
    }
    json_t *instances = export_instances(d, &b);
    acs_buf_free(&b);
    return json_pack("{s:o, s:o, s:o}", "values", values, "attributes", attrs, "instances",
                     instances);
}

/* ---- import (into a scratch device) ---- */

typedef struct {
    char *err;
    size_t errlen;
} errbuf_t;

static int fail(errbuf_t *e, const char *what, const char *name)
{
    if (e->errlen)
        snprintf(e->err, e->errlen, "%s: %.200s", what, name);
    return -1;
}

/* "deleted" of table x: static instance numbers the model has. */
static int import_deleted(sim_device_t *t, uint32_t x, const json_t *del, errbuf_t *e)
{
    char name[SIM_NAME_MAX + 16];
    size_t i;
    json_t *v;
    sim_ref_t ref;

    json_array_foreach(del, i, v)
    {
        json_int_t n = json_is_integer(v) ? json_integer_value(v) : -1;
        snprintf(name, sizeof name, "%s%lld.", param(t, x)->name, (long long)n);
        if (n < 1 || sim_device_tree_find(t, name, &ref) != 0 || ref.inst != 0 ||
            sim_device_tree_delete(t, ref) != 0)
            return fail(e, "not a static instance to delete", name);
    }
    return 0;
}

/* "added" and "next" of table x: ascending numbers above the static ones. */
static int import_added(sim_device_t *t, uint32_t x, const json_t *added, const json_t *next,
                        errbuf_t *e)
{
    const char *name = param(t, x)->name;
    sim_dtable_t *dt = sim_device_table_get(t, param(t, x)->link);
    json_int_t last = sim_device_tree_static_max(t, x);
    size_t i;
    json_t *v;

    if ((added && !json_is_array(added)) || (next && !json_is_integer(next)) ||
        json_array_size(added) > SIM_TABLE_INST_MAX)
        return fail(e, "bad \"added\" or \"next\"", name);
    json_array_foreach(added, i, v)
    {
        json_int_t n = json_is_integer(v) ? json_integer_value(v) : 0;
        if (n <= last || n >= (json_int_t)SIM_NONE)
            return fail(e, "instance numbers must ascend above the static ones", name);
        if (dt->n == dt->cap) {
            dt->cap = dt->cap ? dt->cap * 2 : 4;
            dt->inst = acs_xrealloc(dt->inst, dt->cap * sizeof *dt->inst);
        }
        dt->inst[dt->n++] = (uint32_t)n;
        last = n;
    }
    json_int_t nx = next ? json_integer_value(next) : 0;
    if (nx < 0 || nx >= (json_int_t)SIM_NONE)
        return fail(e, "bad \"next\"", name);
    dt->next = (uint32_t)(nx > last ? nx : (dt->n ? last + 1 : nx));
    return 0;
}

typedef struct {
    uint32_t x;
    const json_t *spec;
} table_spec_t;

static int cmp_table_spec(const void *a, const void *b)
{
    uint32_t x = ((const table_spec_t *)a)->x, y = ((const table_spec_t *)b)->x;
    return x < y ? -1 : x > y;
}

/* Tables in model order, so that a deleted instance hides the tables
 * inside it before they are looked at. */
static int import_instances(sim_device_t *t, const json_t *instances, errbuf_t *e)
{
    size_t n = json_object_size(instances), k = 0;
    table_spec_t *ts = acs_xcalloc(n + 1, sizeof *ts);
    const char *name;
    json_t *spec;
    int rc = -1;

    json_object_foreach((json_t *)instances, name, spec)
    {
        long x = sim_model_find(t->model, name);
        if (x < 0 || !(param(t, (uint32_t)x)->flags & SIM_P_TABLE) || !json_is_object(spec)) {
            fail(e, "not a table", name);
            goto out;
        }
        ts[k].x = (uint32_t)x;
        ts[k++].spec = spec;
    }
    qsort(ts, n, sizeof *ts, cmp_table_spec);
    for (k = 0; k < n; k++) {
        const json_t *del = json_object_get(ts[k].spec, "deleted");
        sim_ref_t r = {ts[k].x, 0};
        if (sim_device_tree_find(t, param(t, ts[k].x)->name, &r) != 0 ||
            (del && !json_is_array(del))) {
            fail(e, "table hidden by a deletion, or bad \"deleted\"", param(t, ts[k].x)->name);
            goto out;
        }
        if ((del && import_deleted(t, ts[k].x, del, e) != 0) ||
            import_added(t, ts[k].x, json_object_get(ts[k].spec, "added"),
                         json_object_get(ts[k].spec, "next"), e) != 0)
            goto out;
    }
    rc = 0;
out:
    free(ts);
    return rc;
}

/* A parameter (not an object, not a counter) of the scratch device. */
static int find_param(const sim_device_t *t, const char *name, sim_ref_t *ref)
{
    if (sim_device_tree_find(t, name, ref) != 0)
        return -1;
    const sim_param_t *p = param(t, ref->idx);
    return p->type == SIM_T_OBJECT || (p->flags & SIM_P_COUNT) ? -1 : 0;
}

static int import_values(sim_device_t *t, const json_t *values, errbuf_t *e)
{
    const char *name;
    json_t *v;
    sim_ref_t ref;

    json_object_foreach((json_t *)values, name, v)
    {
        acs_buf_t canon = ACS_BUF_INIT;
        if (find_param(t, name, &ref) != 0 || !json_is_string(v) ||
            sim_value_check((sim_type_t)param(t, ref.idx)->type, json_string_value(v), &canon)) {
            acs_buf_free(&canon);
            return fail(e, "unknown parameter or bad value", name);
        }
        sim_device_put(t, ref, canon.data ? canon.data : "");
        acs_buf_free(&canon);
    }
    return 0;
}

static int acl_from_json(const json_t *a, unsigned *acl)
{
    size_t i;
    json_t *v;
    *acl = 0;
    if (!a)
        return 0;
    if (!json_is_array(a))
        return -1;
    json_array_foreach(a, i, v)
    {
        unsigned bit = json_is_string(v) ? sim_device_attr_acl_bit(json_string_value(v)) : 0;
        if (!bit)
            return -1;
        *acl |= bit;
    }
    return 0;
}

static int import_attributes(sim_device_t *t, const json_t *attrs, errbuf_t *e)
{
    const char *name;
    json_t *spec;
    sim_ref_t ref;

    json_object_foreach((json_t *)attrs, name, spec)
    {
        json_t *jn = json_object_get(spec, "notification");
        json_int_t n = json_is_integer(jn) ? json_integer_value(jn) : -1;
        unsigned acl;
        if (find_param(t, name, &ref) != 0 || !json_is_object(spec) || (jn && (n < 0 || n > 6)) ||
            acl_from_json(json_object_get(spec, "access_list"), &acl) != 0 ||
            (jn && sim_device_attr_check(t, ref, (int)n) != 0))
            return fail(e, "unknown parameter or bad attributes", name);
        sim_device_attr_set(t, ref, jn ? (int)n : -1, (int)acl);
    }
    return 0;
}

/* Move the configuration of t into d; t gets d's old one (to be freed). */
static void swap_config(sim_device_t *d, sim_device_t *t)
{
    sim_device_t keep = *d;
    d->val = t->val, d->nval = t->nval, d->capval = t->capval;
    d->attr = t->attr, d->nattr = t->nattr, d->capattr = t->capattr;
    d->tab = t->tab, d->ntab = t->ntab;
    d->deleted = t->deleted, d->ndeleted = t->ndeleted;
    t->val = keep.val, t->nval = keep.nval, t->capval = keep.capval;
    t->attr = keep.attr, t->nattr = keep.nattr, t->capattr = keep.capattr;
    t->tab = keep.tab, t->ntab = keep.ntab;
    t->deleted = keep.deleted, t->ndeleted = keep.ndeleted;
    /* Pending changes may name instances that are gone: start afresh. */
    free(d->pending);
    d->pending = NULL;
    d->npending = 0;
}

int sim_device_config_import(sim_device_t *d, const json_t *config, char *err, size_t errlen)
{
    errbuf_t e = {err, errlen};
    const json_t *values = json_object_get(config, "values");
    const json_t *attrs = json_object_get(config, "attributes");
    const json_t *instances = json_object_get(config, "instances");
    sim_device_t *t;
    int rc = -1;

    if (!json_is_object(config) || !json_is_object(values) || (attrs && !json_is_object(attrs)) ||
        (instances && !json_is_object(instances)))
        return fail(&e, "not a configuration", "values, attributes and instances are objects");
    t = sim_device_new(d->model, d->serial, d->index);
    if ((instances && import_instances(t, instances, &e) != 0) ||
        import_values(t, values, &e) != 0 || (attrs && import_attributes(t, attrs, &e) != 0))
        goto out;
    swap_config(d, t);
    rc = 0;
out:
    sim_device_free(t);
    return rc;
}
