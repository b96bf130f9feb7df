/* sim_device_attr: parameter attributes (Notification, AccessList) and
 * value-change notification of a device. See sim_device.h.
 *
 * Attributes are sparse: only what differs from the model's defaults is
 * stored, so SetParameterAttributes on a partial path costs one entry per
 * parameter it changed, and setting the defaults back frees them.
 */
#include "sim_device_int.h"

#include <stdlib.h>
#include <string.h>

static size_t attr_pos(const sim_device_t *d, sim_ref_t ref, int *found)
{
    size_t lo = 0, hi = d->nattr;
    *found = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = sim_device_ref_cmp(d->attr[mid].ref, ref);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void sim_device_attr_clear(sim_device_t *d)
{
    free(d->attr);
    d->attr = NULL;
    d->nattr = d->capattr = 0;
    free(d->pending);
    d->pending = NULL;
    d->npending = 0;
}

static int in_range(sim_ref_t r, uint32_t lo, uint32_t hi, uint32_t inst)
{
    return r.idx >= lo && r.idx < hi && (inst == SIM_ANY_INST || r.inst == inst);
}

void sim_device_attr_forget(sim_device_t *d, uint32_t lo, uint32_t hi, uint32_t inst)
{
    size_t out = 0;
    for (size_t i = 0; i < d->nattr; i++) {
        if (!in_range(d->attr[i].ref, lo, hi, inst))
            d->attr[out++] = d->attr[i];
    }
    d->nattr = out;
    out = 0;
    for (size_t i = 0; i < d->npending; i++) {
        if (!in_range(d->pending[i], lo, hi, inst))
            d->pending[out++] = d->pending[i];
    }
    d->npending = out;
}

void sim_device_attr_get(const sim_device_t *d, sim_ref_t ref, unsigned *notify, unsigned *acl)
{
    const sim_param_t *p = sim_model_param(d->model, ref.idx);
    int found;
    size_t k = attr_pos(d, ref, &found);

    *notify = found ? d->attr[k].notify : p->notify;
    *acl = found ? d->attr[k].acl : 0;
    if (p->flags & SIM_P_NOTIFY_FORCED)
        *notify = 2;
}

unsigned sim_device_attr_acl_bit(const char *entry)
{
    return strcmp(entry, "Subscriber") == 0 ? SIM_ACL_SUBSCRIBER : 0;
}

/* Notification values that make the CPE open a session (2 active, 5 and 6
 * active lightweight): what canDeny parameters refuse. */
static int active(int notify)
{
    return notify == 2 || notify == 5 || notify == 6;
}

int sim_device_attr_check(const sim_device_t *d, sim_ref_t ref, int notify)
{
    uint16_t f = sim_model_param(d->model, ref.idx)->flags;
    if ((f & SIM_P_NOTIFY_FORCED) && notify != 2)
        return 9009;
    if ((f & SIM_P_NOTIFY_DENY) && active(notify))
        return 9009;
    return 0;
}

void sim_device_attr_set(sim_device_t *d, sim_ref_t ref, int notify, int acl)
{
    const sim_param_t *p = sim_model_param(d->model, ref.idx);
    unsigned n0, a0;
    int found;
    size_t k = attr_pos(d, ref, &found);

    sim_device_attr_get(d, ref, &n0, &a0);
    uint8_t n = (uint8_t)(notify < 0 ? n0 : (unsigned)notify);
    uint8_t a = (uint8_t)(acl < 0 ? a0 : (unsigned)acl);
    if (p->flags & SIM_P_NOTIFY_FORCED)
        n = 2;
    if (n == p->notify && a == 0) { /* the defaults: nothing to keep */
        if (found) {
            memmove(&d->attr[k], &d->attr[k + 1], (d->nattr - k - 1) * sizeof *d->attr);
            d->nattr--;
        }
        return;
    }
    if (!found) {
        if (d->nattr == d->capattr) {
            d->capattr = d->capattr ? d->capattr * 2 : 4;
            d->attr = acs_xrealloc(d->attr, d->capattr * sizeof *d->attr);
        }
        memmove(&d->attr[k + 1], &d->attr[k], (d->nattr - k) * sizeof *d->attr);
        d->attr[k].ref = ref;
        d->nattr++;
    }
    d->attr[k].notify = n;
    d->attr[k].acl = a;
}

/* ---- value-change notification ---- */

int sim_device_attr_changed(sim_device_t *d, sim_ref_t ref)
{
    unsigned n, acl;
    sim_device_attr_get(d, ref, &n, &acl);
    /* 1 passive, 2 active; 4 and 6 include passive. 3 and 5 are
     * lightweight (UDP) only, which the simulator does not send. */
    if (n != 1 && n != 2 && n != 4 && n != 6)
        return 0;
    sim_device_event_add(d, "4 VALUE CHANGE", NULL);
    for (size_t i = 0; i < d->npending; i++) {
        if (sim_device_ref_cmp(d->pending[i], ref) == 0)
            return n == 2 ? 2 : 1;
    }
    if (d->npending < SIM_PENDING_MAX) {
        d->pending = acs_xrealloc(d->pending, (d->npending + 1) * sizeof *d->pending);
        d->pending[d->npending++] = ref;
    }
    return n == 2 ? 2 : 1;
}

size_t sim_device_attr_pending(const sim_device_t *d, const sim_ref_t **refs)
{
    *refs = d->pending;
    return d->npending;
}

json_t *sim_device_attr_pending_export(const sim_device_t *d)
{
    json_t *a = json_array();
    acs_buf_t b = ACS_BUF_INIT;
    for (size_t i = 0; i < d->npending; i++) {
        acs_buf_reset(&b);
        sim_device_tree_name(d, d->pending[i], &b);
        json_array_append_new(a, json_string(b.data));
    }
    acs_buf_free(&b);
    return a;
}

void sim_device_attr_pending_import(sim_device_t *d, const json_t *names)
{
    size_t i;
    json_t *v;
    sim_ref_t ref;

    if (!json_is_array(names))
        return;
    json_array_foreach(names, i, v)
    {
        int dup = 0;
        if (!json_is_string(v) || sim_device_tree_find(d, json_string_value(v), &ref) != 0 ||
            sim_model_param(d->model, ref.idx)->type == SIM_T_OBJECT ||
            d->npending >= SIM_PENDING_MAX)
            continue;
        for (size_t k = 0; k < d->npending; k++)
            dup |= sim_device_ref_cmp(d->pending[k], ref) == 0;
        if (dup)
            continue;
        d->pending = acs_xrealloc(d->pending, (d->npending + 1) * sizeof *d->pending);
        d->pending[d->npending++] = ref;
    }
}
