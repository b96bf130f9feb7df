/* sim_device: see sim_device.h. Lifecycle, the value overlay, events and
 * factory reset; the tree is in sim_device_tree.c, attributes in
 * sim_device_attr.c, the configuration in sim_device_config.c. */
#include "sim_device_int.h"

#include <stdlib.h>
#include <string.h>

#include "acs_util.h"

void sim_refs_push(sim_refs_t *l, sim_ref_t ref)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->r = acs_xrealloc(l->r, l->cap * sizeof *l->r);
    }
    l->r[l->n++] = ref;
}

void sim_refs_free(sim_refs_t *l)
{
    free(l->r);
    l->r = NULL;
    l->n = l->cap = 0;
}

int sim_device_ref_cmp(sim_ref_t a, sim_ref_t b)
{
    if (a.idx != b.idx)
        return a.idx < b.idx ? -1 : 1;
    if (a.inst != b.inst)
        return a.inst < b.inst ? -1 : 1;
    return 0;
}

/* ---- lifecycle ---- */

sim_device_t *sim_device_new(const sim_model_t *m, const char *serial, unsigned index)
{
    sim_device_t *d = acs_xcalloc(1, sizeof *d);
    d->model = m;
    d->serial = acs_xstrdup(serial);
    d->index = index;
    d->boot_mono_ms = acs_now_mono_ms();
    return d;
}

void sim_device_free(sim_device_t *d)
{
    if (!d)
        return;
    sim_device_values_clear(d);
    free(d->val);
    sim_device_attr_clear(d);
    sim_device_tree_clear(d);
    sim_device_events_clear(d);
    free(d->ev);
    sim_xfer_free(d->xfer);
    free(d->serial);
    free(d);
}

sim_xfer_t *sim_device_xfer(sim_device_t *d)
{
    if (!d->xfer)
        d->xfer = sim_xfer_new();
    return d->xfer;
}

void sim_device_factory_reset(sim_device_t *d)
{
    sim_device_values_clear(d);
    sim_device_attr_clear(d);
    sim_device_tree_clear(d);
    if (d->xfer)
        sim_xfer_reset(d->xfer);
    d->boot_mono_ms = acs_now_mono_ms();
    sim_device_event_add(d, "0 BOOTSTRAP", NULL); /* discards older events */
    sim_device_event_add(d, "1 BOOT", NULL);
}

const char *sim_device_serial(const sim_device_t *d)
{
    return d->serial;
}

unsigned sim_device_index(const sim_device_t *d)
{
    return d->index;
}

const sim_model_t *sim_device_model(const sim_device_t *d)
{
    return d->model;
}

void sim_device_ctx(const sim_device_t *d, sim_tmpl_ctx_t *ctx)
{
    ctx->serial = d->serial;
    ctx->index = d->index;
    ctx->uptime_s = (acs_now_mono_ms() - d->boot_mono_ms) / 1000;
    ctx->now_wall_ms = acs_now_wall_ms();
    ctx->instance = 0;
}

/* ---- values ---- */

/* Position of ref in the value overlay, or where it would go. */
static size_t val_pos(const sim_device_t *d, sim_ref_t ref, int *found)
{
    size_t lo = 0, hi = d->nval;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = sim_device_ref_cmp(d->val[mid].ref, ref);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = 0;
    return lo;
}

void sim_device_values_clear(sim_device_t *d)
{
    for (size_t i = 0; i < d->nval; i++)
        free(d->val[i].value);
    d->nval = 0;
}

void sim_device_forget(sim_device_t *d, uint32_t lo, uint32_t hi, uint32_t inst)
{
    size_t out = 0;
    for (size_t i = 0; i < d->nval; i++) {
        sim_ref_t r = d->val[i].ref;
        if (r.idx >= lo && r.idx < hi && (inst == SIM_ANY_INST || r.inst == inst))
            free(d->val[i].value);
        else
            d->val[out++] = d->val[i];
    }
    d->nval = out;
    sim_device_attr_forget(d, lo, hi, inst);
}

void sim_device_get(const sim_device_t *d, sim_ref_t ref, acs_buf_t *out)
{
    int found;
    size_t k = val_pos(d, ref, &found);
    const sim_param_t *p = sim_model_param(d->model, ref.idx);
    sim_tmpl_ctx_t ctx;

    if (found) {
        acs_buf_puts(out, d->val[k].value);
    } else if (p->flags & SIM_P_COUNT) {
        acs_buf_printf(out, "%zu", sim_device_tree_count(d, p->link));
    } else if (p->flags & SIM_P_TEMPLATE) {
        sim_device_ctx(d, &ctx);
        ctx.instance = ref.inst;
        sim_model_render(d->model, p->value, &ctx, out);
    } else {
        acs_buf_puts(out, p->value);
    }
}

void sim_device_get_public(const sim_device_t *d, sim_ref_t ref, acs_buf_t *out)
{
    if (sim_model_param(d->model, ref.idx)->flags & SIM_P_SECRET)
        return;
    sim_device_get(d, ref, out);
}

void sim_device_put(sim_device_t *d, sim_ref_t ref, const char *value)
{
    const sim_param_t *p = sim_model_param(d->model, ref.idx);
    int found;
    size_t k = val_pos(d, ref, &found);

    /* A template entry has a value only with an instance number, and
     * nothing else has one: a stray ref must not leave a value that no
     * name can reach (or that a configuration export could not name). */
    if (p->type == SIM_T_OBJECT || (p->flags & SIM_P_COUNT) ||
        !(p->flags & SIM_P_INST) != (ref.inst == 0))
        return;
    if (found) {
        free(d->val[k].value);
        d->val[k].value = acs_xstrdup(value);
        return;
    }
    if (d->nval == d->capval) {
        d->capval = d->capval ? d->capval * 2 : 4;
        d->val = acs_xrealloc(d->val, d->capval * sizeof *d->val);
    }
    memmove(&d->val[k + 1], &d->val[k], (d->nval - k) * sizeof *d->val);
    d->val[k].ref = ref;
    d->val[k].value = acs_xstrdup(value);
    d->nval++;
}

int sim_device_cpe_set(sim_device_t *d, const char *name, const char *value)
{
    sim_ref_t ref;
    const sim_param_t *p;
    acs_buf_t canon = ACS_BUF_INIT, old = ACS_BUF_INIT;
    int rc = -1;

    if (sim_device_tree_find(d, name, &ref) != 0)
        return -1;
    p = sim_model_param(d->model, ref.idx);
    if (p->type == SIM_T_OBJECT || (p->flags & SIM_P_COUNT) ||
        sim_value_check((sim_type_t)p->type, value, &canon) != 0)
        goto out;
    sim_device_get(d, ref, &old);
    sim_device_put(d, ref, canon.data ? canon.data : "");
    rc = 0;
    if (strcmp(old.data ? old.data : "", canon.data ? canon.data : "") != 0)
        rc = sim_device_attr_changed(d, ref);
out:
    acs_buf_free(&canon);
    acs_buf_free(&old);
    return rc;
}

static sim_ref_t ref0(size_t i)
{
    sim_ref_t r = {(uint32_t)i, 0};
    return r;
}

void sim_device_value(const sim_device_t *d, size_t i, acs_buf_t *out)
{
    sim_device_get(d, ref0(i), out);
}

void sim_device_value_public(const sim_device_t *d, size_t i, acs_buf_t *out)
{
    sim_device_get_public(d, ref0(i), out);
}

void sim_device_set(sim_device_t *d, size_t i, const char *value)
{
    sim_device_put(d, ref0(i), value);
}

size_t sim_device_changed_count(const sim_device_t *d)
{
    size_t n = 0;
    for (size_t i = 0; i < d->nval; i++)
        n += d->val[i].ref.inst == 0;
    return n;
}

void sim_device_changed_at(const sim_device_t *d, size_t k, size_t *idx, const char **value)
{
    for (size_t i = 0; i < d->nval; i++) {
        if (d->val[i].ref.inst != 0)
            continue;
        if (k-- == 0) {
            *idx = d->val[i].ref.idx;
            *value = d->val[i].value;
            return;
        }
    }
    *idx = 0;
    *value = NULL; /* k out of range: a caller bug */
}

/* ---- events ---- */

static void events_free(sim_device_t *d)
{
    for (size_t i = 0; i < d->nev; i++) {
        free(d->ev[i].code);
        free(d->ev[i].command_key);
    }
    d->nev = 0;
}

void sim_device_event_add(sim_device_t *d, const char *code, const char *key)
{
    int single = code[0] != 'M' && code[0] != 'X';

    if (strcmp(code, "0 BOOTSTRAP") == 0)
        sim_device_events_clear(d);
    for (size_t i = 0; single && i < d->nev; i++) {
        if (strcmp(d->ev[i].code, code) == 0)
            return;
    }
    if (d->nev >= SIM_EVENTS_MAX)
        return;
    if (d->nev == d->capev) {
        d->capev = d->capev ? d->capev * 2 : 2;
        d->ev = acs_xrealloc(d->ev, d->capev * sizeof *d->ev);
    }
    d->ev[d->nev].code = acs_xstrndup(code, strnlen(code, SIM_EVENT_CODE_MAX));
    d->ev[d->nev].command_key =
        acs_xstrndup(key ? key : "", key ? strnlen(key, SIM_COMMAND_KEY_MAX) : 0);
    d->nev++;
}

size_t sim_device_events(const sim_device_t *d, const sim_event_t **ev)
{
    *ev = d->ev;
    return d->nev;
}

void sim_device_events_clear(sim_device_t *d)
{
    events_free(d);
    /* The value changes travel with "4 VALUE CHANGE": delivered together. */
    free(d->pending);
    d->pending = NULL;
    d->npending = 0;
}

void sim_device_reboot(sim_device_t *d, const char *command_key)
{
    d->boot_mono_ms = acs_now_mono_ms();
    sim_device_event_add(d, "1 BOOT", NULL);
    sim_device_event_add(d, "M Reboot", command_key);
}

unsigned sim_device_retry_count(const sim_device_t *d)
{
    return d->retry_count;
}

void sim_device_set_retry_count(sim_device_t *d, unsigned n)
{
    d->retry_count = n;
}

long sim_device_periodic_interval(const sim_device_t *d)
{
    long i = sim_model_find_ms(d->model, "PeriodicInformInterval");
    acs_buf_t b = ACS_BUF_INIT;
    char *end = NULL;
    long v = -1;

    if (i < 0)
        return -1;
    sim_device_value(d, (size_t)i, &b);
    if (b.data && b.data[0]) {
        v = strtol(b.data, &end, 10);
        if (*end != '\0' || v < 0)
            v = -1;
    }
    acs_buf_free(&b);
    return v;
}
