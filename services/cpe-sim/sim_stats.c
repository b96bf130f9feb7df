/* sim_stats: see sim_stats.h. */
#include "sim_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acs_buf.h"

typedef struct {
    char *serial;
    char *device_id;
    uint32_t ok, failed;
    uint8_t *rpcs; /* method ids, in order */
    uint32_t nrpcs, caprpcs;
    char *last_error;
    struct dev_xfer *xfers; /* transfers, then answered requests: NULL until used */
    uint8_t nxfers, nreqs;
} dev_stats_t;

/* One transfer (fault >= 0) or answered request (fault -1) of a device. */
struct dev_xfer {
    const char *method;
    int fault;
};

/* Answered-request names counted (the six ACS methods a CPE calls). */
#define REQ_NAMES_MAX 8

struct sim_stats {
    size_t ndev;
    dev_stats_t *dev;
    uint64_t ok, failed;
    uint64_t status[600];
    char *method[SIM_STATS_METHODS_MAX];
    uint64_t method_count[SIM_STATS_METHODS_MAX];
    size_t nmethods;
    uint64_t xfer_ok, xfer_failed;
    uint64_t fault_count[1000]; /* 9000..9999 */
    const char *req_name[REQ_NAMES_MAX];
    uint64_t req_answered[REQ_NAMES_MAX];
    uint64_t req_retried, req_dropped;
};

#define OTHER_METHOD "(other)"

sim_stats_t *sim_stats_new(size_t ndevices)
{
    sim_stats_t *st = acs_xcalloc(1, sizeof *st);
    st->ndev = ndevices;
    st->dev = acs_xcalloc(ndevices ? ndevices : 1, sizeof *st->dev);
    return st;
}

void sim_stats_free(sim_stats_t *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->ndev; i++) {
        free(st->dev[i].serial);
        free(st->dev[i].device_id);
        free(st->dev[i].rpcs);
        free(st->dev[i].last_error);
        free(st->dev[i].xfers);
    }
    for (size_t i = 0; i < st->nmethods; i++)
        free(st->method[i]);
    free(st->dev);
    free(st);
}

void sim_stats_set_device(sim_stats_t *st, size_t i, const char *serial, const char *device_id)
{
    free(st->dev[i].serial);
    free(st->dev[i].device_id);
    st->dev[i].serial = acs_xstrdup(serial);
    st->dev[i].device_id = acs_xstrdup(device_id);
}

void sim_stats_http(sim_stats_t *st, int status)
{
    if (status >= 100 && status < 600)
        st->status[status]++;
}

/* Id of a method name, interning it; the last slot is "(other)". */
static uint8_t method_id(sim_stats_t *st, const char *method)
{
    char name[65];
    snprintf(name, sizeof name, "%s", method);
    for (size_t i = 0; i < st->nmethods; i++) {
        if (strcmp(st->method[i], name) == 0)
            return (uint8_t)i;
    }
    if (st->nmethods == SIM_STATS_METHODS_MAX - 1) {
        st->method[st->nmethods++] = acs_xstrdup(OTHER_METHOD);
        return (uint8_t)(st->nmethods - 1);
    }
    if (st->nmethods == SIM_STATS_METHODS_MAX)
        return SIM_STATS_METHODS_MAX - 1;
    st->method[st->nmethods] = acs_xstrdup(name);
    return (uint8_t)st->nmethods++;
}

void sim_stats_rpc(sim_stats_t *st, size_t i, const char *method)
{
    uint8_t id = method_id(st, method);
    dev_stats_t *d = &st->dev[i];

    st->method_count[id]++;
    if (d->nrpcs >= SIM_STATS_DEVICE_RPCS_MAX)
        return;
    if (d->nrpcs == d->caprpcs) {
        d->caprpcs = d->caprpcs ? d->caprpcs * 2 : 4;
        d->rpcs = acs_xrealloc(d->rpcs, d->caprpcs);
    }
    d->rpcs[d->nrpcs++] = id;
}

void sim_stats_session(sim_stats_t *st, size_t i, int ok, const char *error)
{
    dev_stats_t *d = &st->dev[i];
    if (ok) {
        st->ok++;
        d->ok++;
        return;
    }
    st->failed++;
    d->failed++;
    free(d->last_error);
    d->last_error = acs_xstrdup(error ? error : "failed");
}

/* Remember a transfer or answered request of device d (bounded). */
static void dev_xfer_add(dev_stats_t *d, const char *method, int fault)
{
    if (d->nxfers + d->nreqs >= SIM_STATS_DEVICE_XFERS_MAX)
        return;
    if (!d->xfers)
        d->xfers = acs_xcalloc(SIM_STATS_DEVICE_XFERS_MAX, sizeof *d->xfers);
    d->xfers[d->nxfers + d->nreqs].method = method;
    d->xfers[d->nxfers + d->nreqs].fault = fault;
    if (fault >= 0)
        d->nxfers++;
    else
        d->nreqs++;
}

void sim_stats_transfer(sim_stats_t *st, size_t i, const char *method, int fault)
{
    if (fault == 0)
        st->xfer_ok++;
    else
        st->xfer_failed++;
    if (fault >= 9000 && fault <= 9999)
        st->fault_count[fault - 9000]++;
    dev_xfer_add(&st->dev[i], method, fault < 0 ? 9002 : fault);
}

void sim_stats_cpe_request(sim_stats_t *st, size_t i, const char *method, sim_stats_req_t what)
{
    size_t k;

    if (what == SIM_STATS_REQ_RETRIED) {
        st->req_retried++;
        return;
    }
    if (what == SIM_STATS_REQ_DROPPED) {
        st->req_dropped++;
        return;
    }
    for (k = 0; k < REQ_NAMES_MAX && st->req_name[k]; k++) {
        if (strcmp(st->req_name[k], method) == 0)
            break;
    }
    if (k < REQ_NAMES_MAX) {
        st->req_name[k] = method;
        st->req_answered[k]++;
    }
    dev_xfer_add(&st->dev[i], method, -1);
}

uint64_t sim_stats_sessions_ok(const sim_stats_t *st)
{
    return st->ok;
}

uint64_t sim_stats_sessions_failed(const sim_stats_t *st)
{
    return st->failed;
}

static json_t *device_json(const sim_stats_t *st, const dev_stats_t *d)
{
    json_t *rpcs = json_array(), *xfers = json_array(), *reqs = json_array();
    for (uint32_t k = 0; k < d->nrpcs; k++)
        json_array_append_new(rpcs, json_string(st->method[d->rpcs[k]]));
    for (size_t k = 0; k < (size_t)d->nxfers + d->nreqs; k++) {
        const struct dev_xfer *x = &d->xfers[k];
        if (x->fault >= 0)
            json_array_append_new(xfers,
                                  json_pack("{s:s, s:i}", "method", x->method, "fault", x->fault));
        else
            json_array_append_new(reqs, json_string(x->method));
    }
    return json_pack("{s:s, s:s, s:I, s:I, s:o, s:o, s:o, s:o}", "serial",
                     d->serial ? d->serial : "", "device_id", d->device_id ? d->device_id : "",
                     "sessions_ok", (json_int_t)d->ok, "sessions_failed", (json_int_t)d->failed,
                     "rpcs", rpcs, "last_error",
                     d->last_error ? json_string(d->last_error) : json_null(), "transfers", xfers,
                     "cpe_requests", reqs);
}

static json_t *transfers_json(const sim_stats_t *st)
{
    json_t *faults = json_object();
    char key[16];

    for (int c = 0; c < 1000; c++) {
        if (!st->fault_count[c])
            continue;
        snprintf(key, sizeof key, "%d", 9000 + c);
        json_object_set_new(faults, key, json_integer((json_int_t)st->fault_count[c]));
    }
    return json_pack("{s:I, s:I, s:o}", "ok", (json_int_t)st->xfer_ok, "failed",
                     (json_int_t)st->xfer_failed, "faults", faults);
}

static json_t *requests_json(const sim_stats_t *st)
{
    json_t *answered = json_object();
    for (size_t k = 0; k < REQ_NAMES_MAX && st->req_name[k]; k++)
        json_object_set_new(answered, st->req_name[k],
                            json_integer((json_int_t)st->req_answered[k]));
    return json_pack("{s:o, s:I, s:I}", "answered", answered, "retried",
                     (json_int_t)st->req_retried, "dropped", (json_int_t)st->req_dropped);
}

json_t *sim_stats_summary(const sim_stats_t *st, int64_t elapsed_ms, int with_devices)
{
    json_t *root = json_object(), *status = json_object(), *rpcs = json_object();
    char key[16];

    for (int s = 100; s < 600; s++) {
        if (!st->status[s])
            continue;
        snprintf(key, sizeof key, "%d", s);
        json_object_set_new(status, key, json_integer((json_int_t)st->status[s]));
    }
    for (size_t i = 0; i < st->nmethods; i++)
        json_object_set_new(rpcs, st->method[i], json_integer((json_int_t)st->method_count[i]));
    json_object_set_new(root, "cpes", json_integer((json_int_t)st->ndev));
    json_object_set_new(root, "sessions_ok", json_integer((json_int_t)st->ok));
    json_object_set_new(root, "sessions_failed", json_integer((json_int_t)st->failed));
    json_object_set_new(root, "http_status", status);
    json_object_set_new(root, "rpcs", rpcs);
    json_object_set_new(root, "elapsed_ms", json_integer((json_int_t)elapsed_ms));
    json_object_set_new(root, "transfers", transfers_json(st));
    json_object_set_new(root, "cpe_requests", requests_json(st));
    if (with_devices) {
        json_t *devs = json_array();
        for (size_t i = 0; i < st->ndev; i++)
            json_array_append_new(devs, device_json(st, &st->dev[i]));
        json_object_set_new(root, "devices", devs);
    }
    return root;
}
