/* sim_xfer_run: see sim_xfer_run.h. */
#include "sim_xfer_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acs_log.h"
#include "acs_util.h"
#include "sim_fetch.h"
#include "sim_soap.h"
#include "sim_xfer_apply.h"
#include "sim_xfer_int.h"

struct sim_xfer_run {
    const sim_xfer_env_t *env;
    sim_device_t *dev;
    uint32_t job_id;
    int kind;
    int64_t start_ms, end_ms;
    sim_fetch_t *fetch;
    struct event *later; /* done without I/O, from a fresh iteration */
    int fault;
    char fs[160];
    acs_buf_t body;     /* a download's file */
    sim_du_fetch_t *du; /* DU jobs: per operation */
    size_t nops, op;
    sim_xfer_run_fn done;
    void *arg;
};

static void run_free(sim_xfer_run_t *r)
{
    if (r->fetch)
        sim_fetch_cancel(r->fetch);
    if (r->later)
        event_free(r->later);
    acs_buf_free(&r->body);
    free(r->du);
    free(r);
}

static void io_over(sim_xfer_run_t *r)
{
    r->end_ms = acs_now_wall_ms();
    r->done(r, r->arg);
}

static void later_cb(evutil_socket_t fd, short what, void *arg)
{
    io_over(arg);
}

static int is_download(int kind)
{
    return kind == SIM_JOB_DOWNLOAD || kind == SIM_JOB_SCHEDULE_DOWNLOAD ||
           kind == SIM_JOB_AUTO_DOWNLOAD;
}

static void fetch(sim_xfer_run_t *r, const sim_fetch_req_t *req);
static void next_du_op(sim_xfer_run_t *r);

/* ---- fetch results ---- */

static void on_fetched(sim_fetch_result_t *res, void *arg)
{
    sim_xfer_run_t *r = arg;

    r->fetch = NULL; /* it frees itself when we return */
    if (r->kind == SIM_JOB_DU || r->kind == SIM_JOB_AUTO_DU) {
        sim_du_fetch_t *f = &r->du[r->op];
        if (res->outcome != SIM_FETCH_OK) {
            f->fault = sim_xfer_fetch_fault(1, res->outcome);
            snprintf(f->fault_string, sizeof f->fault_string, "%s", res->error);
        } else {
            f->has_header = sim_du_parse_header(res->body.data, res->body.len, f->name,
                                                sizeof f->name, f->version, sizeof f->version) == 0;
        }
        r->op++;
        next_du_op(r);
        return;
    }
    if (res->outcome != SIM_FETCH_OK) {
        r->fault = sim_xfer_fetch_fault(is_download(r->kind), res->outcome);
        snprintf(r->fs, sizeof r->fs, "%s", res->error);
    } else if (is_download(r->kind)) {
        acs_buf_free(&r->body);
        r->body = res->body; /* taken */
        memset(&res->body, 0, sizeof res->body);
    }
    io_over(r);
}

static void fetch(sim_xfer_run_t *r, const sim_fetch_req_t *req)
{
    r->fetch = sim_fetch_start(r->env->base, req, on_fetched, r);
    if (!r->fetch) {
        r->fault = 9002;
        snprintf(r->fs, sizeof r->fs, "out of event resources");
        event_active(r->later, EV_TIMEOUT, 1);
    }
}

/* DU jobs: fetch the file of each Install / Update in turn. */
static void next_du_op(sim_xfer_run_t *r)
{
    sim_xfer_t *x = sim_device_xfer(r->dev);
    sim_job_t *j = sim_xfer_job_find(x, r->job_id);
    sim_fetch_req_t req;

    for (; j && r->op < r->nops; r->op++) {
        const sim_du_op_t *op = &j->ops[r->op];
        const char *url = sim_du_fetch_url(x, op);
        if (!url)
            continue;
        memset(&req, 0, sizeof req);
        req.url = url;
        req.username = op->username;
        req.password = op->password;
        req.timeout_s = r->env->timeout_s;
        req.max_body = SIM_XFER_FILE_MAX;
        fetch(r, &req);
        return;
    }
    event_active(r->later, EV_TIMEOUT, 1);
}

/* ---- start ---- */

/* The window a ScheduleDownload runs in now, or -1 if all have passed. */
static int current_window(const sim_job_t *j, int64_t now)
{
    for (int w = 0; w < j->nwin; w++) {
        if (now <= j->win[w].end_ms)
            return w;
    }
    return -1;
}

static void begin(sim_xfer_run_t *r, sim_job_t *j)
{
    sim_fetch_req_t req;
    acs_buf_t body = ACS_BUF_INIT;

    if (j->kind != SIM_JOB_DU && j->kind != SIM_JOB_AUTO_DU &&
        (r->fault = sim_xfer_url_check(j->url)) != 0) {
        snprintf(r->fs, sizeof r->fs, "unsupported URL: %s", r->fault == 9013 ? "not http" : "bad");
        event_active(r->later, EV_TIMEOUT, 1);
        return;
    }
    memset(&req, 0, sizeof req);
    req.url = j->url;
    req.username = j->username;
    req.password = j->password;
    req.timeout_s = r->env->timeout_s;
    req.max_body = SIM_XFER_FILE_MAX;
    switch (j->kind) {
    case SIM_JOB_SCHEDULE_DOWNLOAD:
        if (current_window(j, r->start_ms) < 0) {
            r->fault = 9020;
            snprintf(r->fs, sizeof r->fs, "every time window has passed");
            event_active(r->later, EV_TIMEOUT, 1);
            return;
        }
        fetch(r, &req);
        return;
    case SIM_JOB_UPLOAD:
        sim_xfer_upload_body(r->dev, j->file_type, &body, &req.content_type);
        req.put = 1;
        req.body = body.data;
        req.len = body.len;
        fetch(r, &req);
        acs_buf_free(&body);
        return;
    case SIM_JOB_DU:
    case SIM_JOB_AUTO_DU:
        r->nops = j->nops;
        r->du = acs_xcalloc(j->nops ? j->nops : 1, sizeof *r->du);
        next_du_op(r);
        return;
    default:
        fetch(r, &req);
        return;
    }
}

sim_xfer_run_t *sim_xfer_run_start(const sim_xfer_env_t *env, sim_device_t *d, int64_t now_ms,
                                   sim_xfer_run_fn done, void *arg)
{
    sim_xfer_t *x = sim_device_xfer(d);
    sim_xfer_run_t *r;
    sim_job_t *j = NULL;

    for (size_t i = 0; i < x->njobs && !j; i++) {
        if (x->jobs[i].state == SIM_JOB_QUEUED && x->jobs[i].due_ms <= now_ms)
            j = &x->jobs[i];
    }
    if (!j)
        return NULL;
    r = acs_xcalloc(1, sizeof *r);
    r->later = evtimer_new(env->base, later_cb, r);
    if (!r->later) {
        free(r);
        return NULL;
    }
    r->env = env;
    r->dev = d;
    r->job_id = j->id;
    r->kind = j->kind;
    r->start_ms = now_ms;
    r->done = done;
    r->arg = arg;
    j->state = SIM_JOB_RUNNING;
    if (acs_log_enabled(ACS_LOG_DEBUG))
        acs_debug("transfer start serial=%s method=%s url=%s", sim_device_serial(d),
                  sim_xfer_job_method(j->kind), j->url ? j->url : "");
    begin(r, j);
    return r;
}

/* ---- finish ---- */

static int finish_download(sim_xfer_run_t *r, sim_device_t *d, const sim_job_t *j, int *reboot)
{
    if (r->fault)
        return r->fault;
    if (j->kind == SIM_JOB_SCHEDULE_DOWNLOAD && current_window(j, r->end_ms) < 0) {
        snprintf(r->fs, sizeof r->fs, "completed after its time window");
        return 9020;
    }
    if (j->kind == SIM_JOB_AUTO_DOWNLOAD)
        return 0; /* reported, not applied */
    return sim_xfer_apply_download(d, j->file_type, j->file_size, r->body.data ? r->body.data : "",
                                   r->body.len, reboot, r->fs, sizeof r->fs);
}

void sim_xfer_run_finish(sim_xfer_run_t *r, sim_device_t *d, sim_xfer_outcome_t *out)
{
    sim_xfer_t *x = sim_device_xfer(d);
    sim_job_t *j = sim_xfer_job_find(x, r->job_id);
    sim_req_t req;
    int fault = r->fault;

    memset(out, 0, sizeof *out);
    out->method = sim_xfer_job_method(r->kind);
    if (!j) {
        run_free(r);
        return;
    }
    if (j->kind == SIM_JOB_DU || j->kind == SIM_JOB_AUTO_DU) {
        sim_du_apply(x, d, j, r->du, r->start_ms, r->end_ms, &req);
        for (size_t i = 0; i < req.nresults && !fault; i++)
            fault = req.results[i].fault_code;
    } else {
        if (j->kind != SIM_JOB_UPLOAD)
            fault = finish_download(r, d, j, &out->reboot);
        sim_xfer_make_report(j, fault, r->fs, r->start_ms, r->end_ms, r->body.len, &req);
    }
    out->fault = fault;
    if (fault || acs_log_enabled(ACS_LOG_DEBUG))
        acs_log_kv(fault ? ACS_LOG_INFO : ACS_LOG_DEBUG, "transfer done", "serial",
                   sim_device_serial(d), "method", out->method, "fault",
                   fault ? sim_soap_fault_string(fault) : "none", "detail", r->fs, NULL);
    sim_xfer_job_remove(x, r->job_id);
    out->reported = sim_xfer_req_add(x, &req) == 0;
    run_free(r);
}

void sim_xfer_run_abort(sim_xfer_run_t *r, sim_device_t *d)
{
    sim_job_t *j;

    if (!r)
        return;
    j = sim_xfer_job_find(sim_device_xfer(d), r->job_id);
    if (j)
        j->state = SIM_JOB_QUEUED;
    run_free(r);
}
