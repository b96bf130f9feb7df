/* sim_cpereq: the requests a simulated CPE makes of the ACS after
 * InformResponse (cwmp-reference.md 3.3): TransferComplete,
 * AutonomousTransferComplete, DUStateChangeComplete,
 * AutonomousDUStateChangeComplete, RequestDownload, Kicked. Each stays in
 * the device's outbox, and its events stay raised, until the ACS answers
 * it. Pure: nothing blocks.
 */
#include "sim_xfer_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_device.h"
#include "sim_soap.h"

static const char *const req_methods[SIM_REQ_TYPES] = {
    "TransferComplete",      "AutonomousTransferComplete",
    "DUStateChangeComplete", "AutonomousDUStateChangeComplete",
    "RequestDownload",       "Kicked",
};

/* The numbered event each request type raises. */
static const char *const req_events[SIM_REQ_TYPES] = {
    "7 TRANSFER COMPLETE",         "10 AUTONOMOUS TRANSFER COMPLETE",
    "11 DU STATE CHANGE COMPLETE", "12 AUTONOMOUS DU STATE CHANGE COMPLETE",
    "9 REQUEST DOWNLOAD",          "5 KICKED",
};

const char *sim_xfer_req_method(int type)
{
    return type >= 0 && type < SIM_REQ_TYPES ? req_methods[type] : "TransferComplete";
}

void sim_xfer_du_result_clear(sim_du_result_t *r)
{
    free(r->uuid);
    free(r->du_ref);
    free(r->version);
    free(r->current_state);
    free(r->operation);
    free(r->fault_string);
    memset(r, 0, sizeof *r);
}

void sim_xfer_req_clear(sim_req_t *r)
{
    free(r->event);
    free(r->command_key);
    free(r->fault_string);
    free(r->url);
    free(r->file_type);
    free(r->target_file_name);
    for (size_t i = 0; i < r->nresults; i++)
        sim_xfer_du_result_clear(&r->results[i]);
    free(r->results);
    for (size_t i = 0; i < r->nargs; i++) {
        free(r->args[i].name);
        free(r->args[i].value);
    }
    free(r->args);
    free(r->command);
    free(r->referer);
    free(r->arg);
    free(r->next);
    memset(r, 0, sizeof *r);
}

int sim_xfer_req_add(sim_xfer_t *x, sim_req_t *r)
{
    if (x->nreqs >= SIM_XFER_REQ_MAX) {
        sim_xfer_req_clear(r);
        x->dropped++;
        return -1;
    }
    x->reqs = acs_xrealloc(x->reqs, (x->nreqs + 1) * sizeof *x->reqs);
    x->reqs[x->nreqs++] = *r;
    memset(r, 0, sizeof *r);
    return 0;
}

size_t sim_xfer_request_count(const sim_xfer_t *x)
{
    return x ? x->nreqs : 0;
}

const char *sim_xfer_request_method(const sim_xfer_t *x, size_t k)
{
    return sim_xfer_req_method(x->reqs[k].type);
}

void sim_xfer_request_remove(sim_xfer_t *x, size_t k)
{
    if (k >= x->nreqs)
        return;
    sim_xfer_req_clear(&x->reqs[k]);
    memmove(&x->reqs[k], &x->reqs[k + 1], (x->nreqs - k - 1) * sizeof *x->reqs);
    if (--x->nreqs == 0) {
        free(x->reqs);
        x->reqs = NULL;
    }
}

/* ---- events ---- */

static size_t count_events(const sim_device_t *d, const char *code, const char *key)
{
    const sim_event_t *ev;
    size_t n = sim_device_events(d, &ev), c = 0;
    for (size_t i = 0; i < n; i++)
        c += strcmp(ev[i].code, code) == 0 && strcmp(ev[i].command_key, key) == 0;
    return c;
}

void sim_xfer_inform_events(const sim_xfer_t *x, sim_device_t *d)
{
    for (size_t k = 0; x && k < x->nreqs; k++) {
        const sim_req_t *r = &x->reqs[k];
        size_t need = 0;

        sim_device_event_add(d, req_events[r->type], NULL); /* single: once */
        if (!r->event)
            continue;
        /* "M" events are multiple: one per pending request with that key. */
        for (size_t i = 0; i <= k; i++)
            need += x->reqs[i].event && strcmp(x->reqs[i].event, r->event) == 0 &&
                    strcmp(x->reqs[i].command_key, r->command_key) == 0;
        if (count_events(d, r->event, r->command_key) < need)
            sim_device_event_add(d, r->event, r->command_key);
    }
}

/* ---- envelopes ---- */

static void put_fault_struct(acs_buf_t *b, const char *tag, int code, const char *text)
{
    acs_buf_printf(b, "<%s><FaultCode>%d</FaultCode>", tag, code);
    sim_xfer_put(b, "FaultString", code ? text : "");
    acs_buf_printf(b, "</%s>", tag);
}

static void put_times(acs_buf_t *b, int64_t start_ms, int64_t complete_ms)
{
    char t[32];
    sim_xfer_put(b, "StartTime", sim_xfer_time(start_ms, t));
    sim_xfer_put(b, "CompleteTime", sim_xfer_time(complete_ms, t));
}

static void build_transfer_complete(const sim_req_t *r, acs_buf_t *b)
{
    acs_buf_puts(b, "<cwmp:TransferComplete>");
    sim_xfer_put(b, "CommandKey", r->command_key);
    put_fault_struct(b, "FaultStruct", r->fault_code, r->fault_string);
    put_times(b, r->start_ms, r->complete_ms);
    acs_buf_puts(b, "</cwmp:TransferComplete>");
}

static void build_autonomous_tc(const sim_req_t *r, acs_buf_t *b)
{
    acs_buf_puts(b, "<cwmp:AutonomousTransferComplete><AnnounceURL></AnnounceURL>");
    sim_xfer_put(b, "TransferURL", r->url);
    acs_buf_printf(b, "<IsDownload>%d</IsDownload>", r->is_download ? 1 : 0);
    sim_xfer_put(b, "FileType", r->file_type);
    acs_buf_printf(b, "<FileSize>%" PRIu64 "</FileSize>", r->file_size);
    sim_xfer_put(b, "TargetFileName", r->target_file_name);
    put_fault_struct(b, "FaultStruct", r->fault_code, r->fault_string);
    put_times(b, r->start_ms, r->complete_ms);
    acs_buf_puts(b, "</cwmp:AutonomousTransferComplete>");
}

static void build_du_complete(const sim_req_t *r, acs_buf_t *b, int autonomous)
{
    const char *st = autonomous ? "AutonOpResultStruct" : "OpResultStruct";
    const char *m = autonomous ? "AutonomousDUStateChangeComplete" : "DUStateChangeComplete";

    acs_buf_printf(b, "<cwmp:%s><Results soap-enc:arrayType=\"cwmp:%s[%zu]\">", m, st, r->nresults);
    for (size_t i = 0; i < r->nresults; i++) {
        const sim_du_result_t *res = &r->results[i];
        acs_buf_printf(b, "<%s>", st);
        sim_xfer_put(b, "UUID", res->uuid);
        sim_xfer_put(b, "DeploymentUnitRef", res->du_ref);
        sim_xfer_put(b, "Version", res->version);
        sim_xfer_put(b, "CurrentState", res->current_state);
        acs_buf_printf(b, "<Resolved>%d</Resolved>", res->resolved ? 1 : 0);
        acs_buf_puts(b, "<ExecutionUnitRefList></ExecutionUnitRefList>");
        put_times(b, res->start_ms, res->complete_ms);
        put_fault_struct(b, "Fault", res->fault_code, res->fault_string);
        if (autonomous)
            sim_xfer_put(b, "OperationPerformed", res->operation);
        acs_buf_printf(b, "</%s>", st);
    }
    acs_buf_puts(b, "</Results>");
    if (!autonomous)
        sim_xfer_put(b, "CommandKey", r->command_key);
    acs_buf_printf(b, "</cwmp:%s>", m);
}

static void build_request_download(const sim_req_t *r, acs_buf_t *b)
{
    acs_buf_puts(b, "<cwmp:RequestDownload>");
    sim_xfer_put(b, "FileType", r->file_type);
    acs_buf_printf(b, "<FileTypeArg soap-enc:arrayType=\"cwmp:ArgStruct[%zu]\">", r->nargs);
    for (size_t i = 0; i < r->nargs; i++) {
        acs_buf_puts(b, "<ArgStruct>");
        sim_xfer_put(b, "Name", r->args[i].name);
        sim_xfer_put(b, "Value", r->args[i].value);
        acs_buf_puts(b, "</ArgStruct>");
    }
    acs_buf_puts(b, "</FileTypeArg></cwmp:RequestDownload>");
}

static void build_kicked(const sim_req_t *r, acs_buf_t *b)
{
    acs_buf_puts(b, "<cwmp:Kicked>");
    sim_xfer_put(b, "Command", r->command);
    sim_xfer_put(b, "Referer", r->referer);
    sim_xfer_put(b, "Arg", r->arg);
    sim_xfer_put(b, "Next", r->next);
    acs_buf_puts(b, "</cwmp:Kicked>");
}

void sim_xfer_request_build(const sim_xfer_t *x, size_t k, const char *ns, const char *id,
                            acs_buf_t *out)
{
    const sim_req_t *r = &x->reqs[k];

    sim_soap_begin(out, ns, id, NULL);
    switch (r->type) {
    case SIM_REQ_TRANSFER_COMPLETE:
        build_transfer_complete(r, out);
        break;
    case SIM_REQ_AUTONOMOUS_TRANSFER_COMPLETE:
        build_autonomous_tc(r, out);
        break;
    case SIM_REQ_DU_STATE_CHANGE_COMPLETE:
        build_du_complete(r, out, 0);
        break;
    case SIM_REQ_AUTONOMOUS_DU_STATE_CHANGE_COMPLETE:
        build_du_complete(r, out, 1);
        break;
    case SIM_REQ_REQUEST_DOWNLOAD:
        build_request_download(r, out);
        break;
    default:
        build_kicked(r, out);
        break;
    }
    sim_soap_end(out);
}

/* ---- requests of the command line ---- */

int sim_xfer_add_request_download(sim_xfer_t *x, const char *file_type, const char *const *names,
                                  const char *const *values, size_t nargs)
{
    sim_req_t r;

    memset(&r, 0, sizeof r);
    r.type = SIM_REQ_REQUEST_DOWNLOAD;
    r.command_key = acs_xstrdup("");
    r.file_type = acs_xstrdup(file_type);
    if (nargs) {
        r.args = acs_xcalloc(nargs, sizeof *r.args);
        for (size_t i = 0; i < nargs; i++) {
            r.args[i].name = acs_xstrdup(names[i]);
            r.args[i].value = acs_xstrdup(values[i]);
        }
        r.nargs = nargs;
    }
    return sim_xfer_req_add(x, &r);
}

int sim_xfer_add_kicked(sim_xfer_t *x, const char *command, const char *referer, const char *arg,
                        const char *next)
{
    sim_req_t r;

    memset(&r, 0, sizeof r);
    r.type = SIM_REQ_KICKED;
    r.command_key = acs_xstrdup("");
    r.command = sim_xfer_strdup(command);
    r.referer = sim_xfer_strdup(referer);
    r.arg = sim_xfer_strdup(arg);
    r.next = sim_xfer_strdup(next);
    return sim_xfer_req_add(x, &r);
}
