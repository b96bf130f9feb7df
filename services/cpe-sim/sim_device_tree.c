/* sim_device_tree: a device's view of the model's tree. See sim_device.h.
 *
 * The model holds the static entries and the table templates. A device
 * adds instances (per template: a list of numbers) and deletes static
 * instances (a list of their model indexes); everything else is the
 * model's. Walking a subtree is then a pass over a model range that skips
 * deleted static instances and expands each template once per instance.
 */
#include "sim_device_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const sim_param_t *param(const sim_device_t *d, uint32_t i)
{
    return sim_model_param(d->model, i);
}

uint32_t sim_device_inst_parse(const char *s, size_t n)
{
    uint64_t v = 0;
    if (n == 0 || n > 10 || s[0] == '0')
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    return v < SIM_NONE ? (uint32_t)v : 0;
}

/* ---- per-device state ---- */

static size_t tab_pos(const sim_device_t *d, uint32_t tmpl, int *found)
{
    size_t lo = 0, hi = d->ntab;
    *found = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->tab[mid].tmpl == tmpl) {
            *found = 1;
            return mid;
        }
        if (d->tab[mid].tmpl < tmpl)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

sim_dtable_t *sim_device_table_find(const sim_device_t *d, uint32_t tmpl)
{
    int found;
    size_t k = tab_pos(d, tmpl, &found);
    return found ? &d->tab[k] : NULL;
}

sim_dtable_t *sim_device_table_get(sim_device_t *d, uint32_t tmpl)
{
    int found;
    size_t k = tab_pos(d, tmpl, &found);
    if (found)
        return &d->tab[k];
    d->tab = acs_xrealloc(d->tab, (d->ntab + 1) * sizeof *d->tab);
    memmove(&d->tab[k + 1], &d->tab[k], (d->ntab - k) * sizeof *d->tab);
    memset(&d->tab[k], 0, sizeof d->tab[k]);
    d->tab[k].tmpl = tmpl;
    d->ntab++;
    return &d->tab[k];
}

void sim_device_tree_clear(sim_device_t *d)
{
    for (size_t i = 0; i < d->ntab; i++)
        free(d->tab[i].inst);
    free(d->tab);
    free(d->deleted);
    d->tab = NULL;
    d->deleted = NULL;
    d->ntab = d->ndeleted = 0;
}

/* Position of n in t's instances, or -1. */
static long inst_pos(const sim_dtable_t *t, uint32_t n)
{
    size_t lo = 0, hi = t ? t->n : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->inst[mid] == n)
            return (long)mid;
        if (t->inst[mid] < n)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* 1 if model entry i is itself a deleted static instance. */
static int is_deleted(const sim_device_t *d, uint32_t i)
{
    size_t lo = 0, hi = d->ndeleted;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->deleted[mid] == i)
            return 1;
        if (d->deleted[mid] < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

int sim_device_tree_hidden(const sim_device_t *d, uint32_t idx)
{
    for (size_t k = 0; k < d->ndeleted; k++) {
        uint32_t o = d->deleted[k];
        if (o <= idx && idx < param(d, o)->end)
            return 1;
    }
    return 0;
}

int sim_device_tree_visible(const sim_device_t *d, sim_ref_t ref)
{
    const sim_param_t *p = param(d, ref.idx);
    if (ref.inst == 0)
        return !(p->flags & SIM_P_INST) && !sim_device_tree_hidden(d, ref.idx);
    if (!(p->flags & SIM_P_INST))
        return 0;
    return inst_pos(sim_device_table_find(d, p->link), ref.inst) >= 0 &&
           !sim_device_tree_hidden(d, p->link);
}

/* ---- names ---- */

/* Try the numeric segment name[s..s+n) as the instance of a template. */
static int find_instance_seg(const sim_device_t *d, const char *name, size_t s, size_t n,
                             sim_ref_t *ref)
{
    char cand[SIM_NAME_MAX + 8];
    uint32_t v = sim_device_inst_parse(name + s, n);
    long k;

    if (v == 0 || strlen(name) - n + 3 >= sizeof cand)
        return -1;
    snprintf(cand, sizeof cand, "%.*s{i}%s", (int)s, name, name + s + n);
    k = sim_model_find(d->model, cand);
    if (k < 0 || !(param(d, (uint32_t)k)->flags & SIM_P_INST))
        return -1;
    ref->idx = (uint32_t)k;
    ref->inst = v;
    return sim_device_tree_visible(d, *ref) ? 0 : -1;
}

int sim_device_tree_find(const sim_device_t *d, const char *name, sim_ref_t *ref)
{
    long i = sim_model_find(d->model, name);
    size_t s = 0;

    if (i >= 0) {
        ref->idx = (uint32_t)i;
        ref->inst = 0;
        return sim_device_tree_visible(d, *ref) ? 0 : -1;
    }
    if (strlen(name) > SIM_NAME_MAX)
        return -1;
    /* Not a model name: maybe one numeric segment is an added instance. */
    while (name[s]) {
        size_t n = strcspn(name + s, ".");
        if (name[s + n] == '.' && find_instance_seg(d, name, s, n, ref) == 0)
            return 0;
        s += n + (name[s + n] == '.');
    }
    return -1;
}

void sim_device_tree_name(const sim_device_t *d, sim_ref_t ref, acs_buf_t *out)
{
    const char *name = param(d, ref.idx)->name;
    const char *at = ref.inst ? strstr(name, ".{i}.") : NULL;

    if (!at) {
        acs_buf_puts(out, name);
        return;
    }
    acs_buf_append(out, name, (size_t)(at - name) + 1);
    acs_buf_printf(out, "%u%s", (unsigned)ref.inst, at + 4);
}

/* ---- walking ---- */

static void push_range(sim_refs_t *out, uint32_t first, uint32_t end, uint32_t inst)
{
    for (uint32_t j = first; j < end; j++) {
        sim_ref_t r = {j, inst};
        sim_refs_push(out, r);
    }
}

/* Everything of model range [first, end) the device has, with instance
 * inst for template entries (inst 0: outside templates). */
static void walk(const sim_device_t *d, uint32_t first, uint32_t end, uint32_t inst,
                 sim_refs_t *out)
{
    uint32_t i = first;
    if (inst != 0) { /* inside one instance: no templates or deletions below */
        push_range(out, first, end, inst);
        return;
    }
    while (i < end) {
        const sim_param_t *p = param(d, i);
        if (sim_model_is_template(p)) {
            const sim_dtable_t *t = sim_device_table_find(d, i);
            for (size_t k = 0; t && k < t->n; k++)
                push_range(out, i, p->end, t->inst[k]);
            i = p->end;
        } else if (is_deleted(d, i)) {
            i = p->end;
        } else {
            sim_ref_t r = {i, 0};
            sim_refs_push(out, r);
            i++;
        }
    }
}

int sim_device_tree_expand(const sim_device_t *d, const char *path, sim_refs_t *out)
{
    sim_ref_t ref;
    const sim_param_t *p;

    if (path[0] == '\0') {
        walk(d, 0, (uint32_t)sim_model_count(d->model), 0, out);
        return 0;
    }
    if (sim_device_tree_find(d, path, &ref) != 0)
        return -1;
    p = param(d, ref.idx);
    if (p->type == SIM_T_OBJECT)
        walk(d, ref.idx, p->end, ref.inst, out);
    else
        sim_refs_push(out, ref);
    return 0;
}

/* ---- instances ---- */

/* The instance number of static instance object j of a table. */
static uint32_t static_number(const sim_device_t *d, uint32_t j)
{
    const char *name = param(d, j)->name;
    const char *seg = name + strlen(param(d, param(d, j)->parent)->name);
    return sim_device_inst_parse(seg, strlen(seg) - 1);
}

/* Instance numbers of table x, ascending (static ones are all below the
 * added ones): up to cap into out, returns how many there are. */
static size_t table_numbers(const sim_device_t *d, uint32_t x, uint32_t *out, size_t cap)
{
    const sim_param_t *t = param(d, x);
    const sim_dtable_t *dt = sim_device_table_find(d, t->link);
    size_t n = 0;

    for (uint32_t j = x + 1; j < t->end; j = param(d, j)->end) {
        if (j == t->link || is_deleted(d, j))
            continue;
        if (n < cap)
            out[n] = static_number(d, j);
        n++;
    }
    for (size_t k = 0; dt && k < dt->n; k++, n++) {
        if (n < cap)
            out[n] = dt->inst[k];
    }
    return n;
}

uint32_t sim_device_tree_static_max(const sim_device_t *d, uint32_t table)
{
    const sim_param_t *x = param(d, table);
    uint32_t max = 0;
    for (uint32_t j = table + 1; j < x->end; j = param(d, j)->end) {
        if (j != x->link && static_number(d, j) > max)
            max = static_number(d, j);
    }
    return max;
}

size_t sim_device_tree_count(const sim_device_t *d, uint32_t table)
{
    if (!(param(d, table)->flags & SIM_P_TABLE) || sim_device_tree_hidden(d, table))
        return 0;
    return table_numbers(d, table, NULL, 0);
}

int sim_device_tree_add(sim_device_t *d, uint32_t table, uint32_t *inst)
{
    const sim_param_t *x = param(d, table);
    sim_dtable_t *t = sim_device_table_get(d, x->link);
    uint32_t v = t->next ? t->next : 1;

    if (t->n >= SIM_TABLE_INST_MAX)
        return -1;
    /* Above every static number, deleted ones included: never reused. */
    if (sim_device_tree_static_max(d, table) >= v)
        v = sim_device_tree_static_max(d, table) + 1;
    if (t->n > 0 && t->inst[t->n - 1] >= v)
        v = t->inst[t->n - 1] + 1;
    if (v >= SIM_NONE)
        return -1;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 4;
        t->inst = acs_xrealloc(t->inst, t->cap * sizeof *t->inst);
    }
    t->inst[t->n++] = v;
    t->next = v + 1;
    *inst = v;
    return 0;
}

static void add_deleted(sim_device_t *d, uint32_t idx)
{
    size_t k = 0;
    while (k < d->ndeleted && d->deleted[k] < idx)
        k++;
    d->deleted = acs_xrealloc(d->deleted, (d->ndeleted + 1) * sizeof *d->deleted);
    memmove(&d->deleted[k + 1], &d->deleted[k], (d->ndeleted - k) * sizeof *d->deleted);
    d->deleted[k] = idx;
    d->ndeleted++;
}

/* A static instance goes with everything below it, including instances
 * added to tables inside it (their numbering is kept). */
static int delete_static(sim_device_t *d, uint32_t idx)
{
    const sim_param_t *p = param(d, idx);
    if (p->type != SIM_T_OBJECT || p->parent == SIM_NONE ||
        !(param(d, p->parent)->flags & SIM_P_TABLE) || sim_model_is_template(p) ||
        sim_device_tree_hidden(d, idx))
        return -1;
    /* Deletions inside it are implied from now on: keep the list flat. */
    size_t out = 0;
    for (size_t k = 0; k < d->ndeleted; k++) {
        if (d->deleted[k] <= idx || d->deleted[k] >= p->end)
            d->deleted[out++] = d->deleted[k];
    }
    d->ndeleted = out;
    add_deleted(d, idx);
    sim_device_forget(d, idx, p->end, SIM_ANY_INST);
    for (size_t k = 0; k < d->ntab; k++) {
        if (d->tab[k].tmpl > idx && d->tab[k].tmpl < p->end)
            d->tab[k].n = 0;
    }
    return 0;
}

int sim_device_tree_delete(sim_device_t *d, sim_ref_t obj)
{
    const sim_param_t *p = param(d, obj.idx);
    sim_dtable_t *t;
    long k;

    if (obj.inst == 0)
        return delete_static(d, obj.idx);
    if (!sim_model_is_template(p))
        return -1;
    t = sim_device_table_find(d, obj.idx);
    k = inst_pos(t, obj.inst);
    if (k < 0)
        return -1;
    memmove(&t->inst[k], &t->inst[k + 1], (t->n - (size_t)k - 1) * sizeof *t->inst);
    t->n--;
    sim_device_forget(d, obj.idx, p->end, obj.inst);
    return 0;
}

/* ---- by name, for the CPE's own tables ---- */

/* The table object named table ("X.", final '.' optional), or -1. */
static long find_table(const sim_device_t *d, const char *table)
{
    char name[SIM_NAME_MAX + 2];
    size_t n = strlen(table);
    sim_ref_t ref;

    if (n == 0 || n > SIM_NAME_MAX)
        return -1;
    snprintf(name, sizeof name, "%s%s", table, table[n - 1] == '.' ? "" : ".");
    if (sim_device_tree_find(d, name, &ref) != 0 || ref.inst != 0 ||
        !(param(d, ref.idx)->flags & SIM_P_TABLE))
        return -1;
    return ref.idx;
}

/* Each NumberOfEntries counting table x notifies its change. */
static void count_changed(sim_device_t *d, uint32_t x)
{
    for (size_t i = 0; i < sim_model_count(d->model); i++) {
        const sim_param_t *p = param(d, (uint32_t)i);
        sim_ref_t r = {(uint32_t)i, 0};
        if ((p->flags & SIM_P_COUNT) && p->link == x && sim_device_tree_visible(d, r))
            (void)sim_device_attr_changed(d, r);
    }
}

/* Check the (leaf, value) pairs against template tmpl: canonical values
 * into canon[], template entry indexes into idx[]. 0 or -1 with err. */
static int check_leaves(const sim_device_t *d, uint32_t tmpl, const char *const *leaves,
                        const char *const *values, size_t n, char **canon, uint32_t *idx, char *err,
                        size_t errlen)
{
    char name[SIM_NAME_MAX * 2 + 2];
    for (size_t k = 0; k < n; k++) {
        acs_buf_t b = ACS_BUF_INIT;
        snprintf(name, sizeof name, "%s%s", param(d, tmpl)->name, leaves[k]);
        long i = sim_model_find(d->model, name);
        const sim_param_t *p = i >= 0 ? param(d, (uint32_t)i) : NULL;
        if (!p || !(p->flags & SIM_P_INST) || p->type == SIM_T_OBJECT ||
            sim_value_check((sim_type_t)p->type, values[k], &b) != 0) {
            snprintf(err, errlen, "%s: no such parameter or bad value", name);
            acs_buf_free(&b);
            return -1;
        }
        canon[k] = acs_buf_steal(&b, NULL);
        idx[k] = (uint32_t)i;
    }
    return 0;
}

long sim_device_tree_add_instance(sim_device_t *d, const char *table, const char *const *leaves,
                                  const char *const *values, size_t n, char *err, size_t errlen)
{
    long x = find_table(d, table), rc = -1;
    char **canon = acs_xcalloc(n + 1, sizeof *canon);
    uint32_t *idx = acs_xcalloc(n + 1, sizeof *idx), inst;

    if (x < 0) {
        snprintf(err, errlen, "%s: no such table", table);
        goto out;
    }
    if (check_leaves(d, param(d, (uint32_t)x)->link, leaves, values, n, canon, idx, err, errlen) !=
        0)
        goto out;
    if (sim_device_tree_add(d, (uint32_t)x, &inst) != 0) {
        snprintf(err, errlen, "%s: table full", table);
        goto out;
    }
    for (size_t k = 0; k < n; k++) {
        sim_ref_t r = {idx[k], inst};
        sim_device_put(d, r, canon[k]);
    }
    count_changed(d, (uint32_t)x);
    rc = inst;
out:
    for (size_t k = 0; k < n; k++)
        free(canon[k]);
    free(canon);
    free(idx);
    return rc;
}

int sim_device_tree_delete_instance(sim_device_t *d, const char *object)
{
    char name[SIM_NAME_MAX + 2];
    size_t n = strlen(object);
    sim_ref_t ref;
    uint32_t x;

    if (n == 0 || n > SIM_NAME_MAX)
        return -1;
    snprintf(name, sizeof name, "%s%s", object, object[n - 1] == '.' ? "" : ".");
    if (sim_device_tree_find(d, name, &ref) != 0)
        return -1;
    x = param(d, ref.idx)->parent;
    if (sim_device_tree_delete(d, ref) != 0)
        return -1;
    count_changed(d, x);
    return 0;
}

size_t sim_device_tree_instances(const sim_device_t *d, const char *table, uint32_t *out,
                                 size_t cap)
{
    long x = find_table(d, table);
    return x < 0 ? 0 : table_numbers(d, (uint32_t)x, out, cap);
}

long sim_device_tree_find_instance(const sim_device_t *d, const char *table, const char *leaf,
                                   const char *value)
{
    long x = find_table(d, table), found = -1;
    size_t n = x < 0 ? 0 : table_numbers(d, (uint32_t)x, NULL, 0);
    uint32_t *nums = acs_xcalloc(n + 1, sizeof *nums);
    char name[SIM_NAME_MAX * 2 + 16];
    acs_buf_t b = ACS_BUF_INIT;
    sim_ref_t ref;

    if (x >= 0)
        table_numbers(d, (uint32_t)x, nums, n);
    for (size_t k = 0; k < n && found < 0; k++) {
        snprintf(name, sizeof name, "%s%u.%s", param(d, (uint32_t)x)->name, (unsigned)nums[k],
                 leaf);
        if (sim_device_tree_find(d, name, &ref) != 0)
            continue;
        acs_buf_reset(&b);
        sim_device_get(d, ref, &b);
        if (strcmp(b.data ? b.data : "", value) == 0)
            found = nums[k];
    }
    acs_buf_free(&b);
    free(nums);
    return found;
}
