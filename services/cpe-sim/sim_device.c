/* sim_device: see sim_device.h. */
#include "sim_device.h"

#include <stdlib.h>
#include <string.h>

#include "acs_util.h"

/* One changed value; the overlay is sorted by idx. */
typedef struct {
    size_t idx;
    char *value;
} change_t;

struct sim_device {
    const sim_model_t *model;
    char *serial;
    unsigned index;
    unsigned retry_count;
    int64_t boot_mono_ms;
    change_t *chg;
    size_t nchg, capchg;
    sim_event_t *ev;
    size_t nev, capev;
    sim_xfer_t *xfer;
};

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
    for (size_t i = 0; i < d->nchg; i++)
        free(d->chg[i].value);
    free(d->chg);
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

/* Placeholder: values and transfers only; attributes and objects to come. */
void sim_device_factory_reset(sim_device_t *d)
{
    for (size_t i = 0; i < d->nchg; i++)
        free(d->chg[i].value);
    d->nchg = 0;
    if (d->xfer)
        sim_xfer_reset(d->xfer);
    d->boot_mono_ms = acs_now_mono_ms();
    sim_device_event_add(d, "0 BOOTSTRAP", NULL);
    sim_device_event_add(d, "1 BOOT", NULL);
}

json_t *sim_device_config_export(const sim_device_t *d)
{
    json_t *values = json_object();
    for (size_t k = 0; k < d->nchg; k++)
        json_object_set_new(values, sim_model_param(d->model, d->chg[k].idx)->name,
                            json_string(d->chg[k].value));
    return json_pack("{s:o}", "values", values);
}

int sim_device_config_import(sim_device_t *d, const json_t *config, char *err, size_t errlen)
{
    json_t *values = json_object_get(config, "values");
    const char *name;
    json_t *v;
    if (!json_is_object(values)) {
        snprintf(err, errlen, "not a configuration: no \"values\" object");
        return -1;
    }
    json_object_foreach(values, name, v) {
        if (!json_is_string(v) || sim_model_find(d->model, name) < 0) {
            snprintf(err, errlen, "unknown parameter or bad value: %s", name);
            return -1;
        }
    }
    json_object_foreach(values, name, v)
        sim_device_set(d, (size_t)sim_model_find(d->model, name), json_string_value(v));
    return 0;
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
}

/* Position of idx in the overlay, or where it would go (*found = 0). */
static size_t change_pos(const sim_device_t *d, size_t idx, int *found)
{
    size_t lo = 0, hi = d->nchg;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->chg[mid].idx == idx) {
            *found = 1;
            return mid;
        }
        if (d->chg[mid].idx < idx)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = 0;
    return lo;
}

void sim_device_value(const sim_device_t *d, size_t i, acs_buf_t *out)
{
    int found;
    size_t k = change_pos(d, i, &found);
    const sim_param_t *p = sim_model_param(d->model, i);
    sim_tmpl_ctx_t ctx;

    if (found) {
        acs_buf_puts(out, d->chg[k].value);
    } else if (p->flags & SIM_P_TEMPLATE) {
        sim_device_ctx(d, &ctx);
        sim_model_render(d->model, p->value, &ctx, out);
    } else {
        acs_buf_puts(out, p->value);
    }
}

void sim_device_value_public(const sim_device_t *d, size_t i, acs_buf_t *out)
{
    if (sim_model_param(d->model, i)->flags & SIM_P_SECRET)
        return;
    sim_device_value(d, i, out);
}

void sim_device_set(sim_device_t *d, size_t i, const char *value)
{
    int found;
    size_t k = change_pos(d, i, &found);

    if (found) {
        free(d->chg[k].value);
        d->chg[k].value = acs_xstrdup(value);
        return;
    }
    if (d->nchg == d->capchg) {
        d->capchg = d->capchg ? d->capchg * 2 : 4;
        d->chg = acs_xrealloc(d->chg, d->capchg * sizeof *d->chg);
    }
    memmove(&d->chg[k + 1], &d->chg[k], (d->nchg - k) * sizeof *d->chg);
    d->chg[k].idx = i;
    d->chg[k].value = acs_xstrdup(value);
    d->nchg++;
}

size_t sim_device_changed_count(const sim_device_t *d)
{
    return d->nchg;
}

void sim_device_changed_at(const sim_device_t *d, size_t k, size_t *idx, const char **value)
{
    *idx = d->chg[k].idx;
    *value = d->chg[k].value;
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
    for (size_t i = 0; i < d->nev; i++) {
        free(d->ev[i].code);
        free(d->ev[i].command_key);
    }
    d->nev = 0;
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
