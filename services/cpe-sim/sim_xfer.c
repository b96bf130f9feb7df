/* sim_xfer: see sim_xfer.h. This file holds the per-device state, the job
 * queue and the answers to the transfer RPCs (Download, Upload,
 * ScheduleDownload, ScheduleInform, CancelTransfer, GetQueuedTransfers,
 * GetAllQueuedTransfers); ChangeDUState is parsed in sim_du.c, requests
 * live in sim_cpereq.c. */
#include "sim_xfer.h"
#include "sim_xfer_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "acs_util.h"
#include "sim_device.h"
#include "sim_http.h"
#include "sim_soap.h"

const char *const sim_xfer_methods[] = {
    "Download",
    "Upload",
    "ScheduleInform",
    "ScheduleDownload",
    "CancelTransfer",
    "GetQueuedTransfers",
    "GetAllQueuedTransfers",
    "ChangeDUState",
};
const size_t sim_xfer_method_count = sizeof sim_xfer_methods / sizeof sim_xfer_methods[0];

/* ---- helpers ---- */

char *sim_xfer_time(int64_t ms, char *buf)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;

    if (ms <= 0 || !gmtime_r(&secs, &tm)) {
        snprintf(buf, 32, "0001-01-01T00:00:00Z");
        return buf;
    }
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

void sim_xfer_put(acs_buf_t *b, const char *tag, const char *text)
{
    acs_buf_printf(b, "<%s>", tag);
    acs_buf_put_xml(b, text ? text : "");
    acs_buf_printf(b, "</%s>", tag);
}

char *sim_xfer_strdup(const char *s)
{
    return acs_xstrdup(s ? s : "");
}

/* ---- state ---- */

sim_xfer_t *sim_xfer_new(void)
{
    sim_xfer_t *x = acs_xcalloc(1, sizeof *x);
    x->next_job_id = 1;
    x->next_du_instance = 1;
    return x;
}

void sim_xfer_job_clear(sim_job_t *j)
{
    free(j->command_key);
    free(j->file_type);
    free(j->url);
    free(j->username);
    if (j->password)
        explicit_bzero(j->password, strlen(j->password));
    free(j->password);
    free(j->target_file_name);
    for (size_t i = 0; i < j->nops; i++) {
        sim_du_op_t *op = &j->ops[i];
        free(op->url);
        free(op->uuid);
        free(op->username);
        if (op->password)
            explicit_bzero(op->password, strlen(op->password));
        free(op->password);
        free(op->version);
        free(op->ee_ref);
    }
    free(j->ops);
    memset(j, 0, sizeof *j);
}

void sim_xfer_reset(sim_xfer_t *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->njobs; i++)
        sim_xfer_job_clear(&x->jobs[i]);
    for (size_t i = 0; i < x->nsched; i++)
        free(x->sched[i].command_key);
    for (size_t i = 0; i < x->nreqs; i++)
        sim_xfer_req_clear(&x->reqs[i]);
    for (size_t i = 0; i < x->ndus; i++)
        sim_du_clear(&x->dus[i]);
    free(x->jobs);
    free(x->sched);
    free(x->reqs);
    free(x->dus);
    x->jobs = NULL;
    x->sched = NULL;
    x->reqs = NULL;
    x->dus = NULL;
    x->njobs = x->nsched = x->nreqs = x->ndus = 0;
    x->next_du_instance = 1;
}

void sim_xfer_free(sim_xfer_t *x)
{
    if (!x)
        return;
    sim_xfer_reset(x);
    free(x);
}

int sim_xfer_method(const char *method)
{
    for (size_t i = 0; i < sim_xfer_method_count; i++) {
        if (strcmp(method, sim_xfer_methods[i]) == 0)
            return 1;
    }
    return 0;
}

/* ---- jobs ---- */

const char *sim_xfer_job_method(int kind)
{
    switch (kind) {
    case SIM_JOB_DOWNLOAD:
        return "Download";
    case SIM_JOB_UPLOAD:
        return "Upload";
    case SIM_JOB_SCHEDULE_DOWNLOAD:
        return "ScheduleDownload";
    case SIM_JOB_DU:
        return "ChangeDUState";
    case SIM_JOB_AUTO_DOWNLOAD:
        return "AutonomousDownload";
    default:
        return "AutonomousChangeDUState";
    }
}

int sim_xfer_job_add(sim_xfer_t *x, sim_job_t *j)
{
    if (x->njobs >= SIM_XFER_QUEUE_MAX) {
        sim_xfer_job_clear(j);
        return 9004;
    }
    x->jobs = acs_xrealloc(x->jobs, (x->njobs + 1) * sizeof *x->jobs);
    j->id = x->next_job_id++;
    if (j->state != SIM_JOB_RUNNING)
        j->state = SIM_JOB_QUEUED;
    x->jobs[x->njobs++] = *j;
    memset(j, 0, sizeof *j);
    return 0;
}

sim_job_t *sim_xfer_job_find(sim_xfer_t *x, uint32_t id)
{
    for (size_t i = 0; x && i < x->njobs; i++) {
        if (x->jobs[i].id == id)
            return &x->jobs[i];
    }
    return NULL;
}

static void job_remove_at(sim_xfer_t *x, size_t i)
{
    sim_xfer_job_clear(&x->jobs[i]);
    memmove(&x->jobs[i], &x->jobs[i + 1], (x->njobs - i - 1) * sizeof *x->jobs);
    if (--x->njobs == 0) {
        free(x->jobs);
        x->jobs = NULL;
    }
}

void sim_xfer_job_remove(sim_xfer_t *x, uint32_t id)
{
    for (size_t i = 0; x && i < x->njobs; i++) {
        if (x->jobs[i].id == id) {
            job_remove_at(x, i);
            return;
        }
    }
}

int64_t sim_xfer_next_due(const sim_xfer_t *x)
{
    int64_t t = INT64_MAX;
    for (size_t i = 0; x && i < x->njobs; i++) {
        if (x->jobs[i].state == SIM_JOB_QUEUED && x->jobs[i].due_ms < t)
            t = x->jobs[i].due_ms;
    }
    for (size_t i = 0; x && i < x->nsched; i++) {
        if (x->sched[i].due_ms < t)
            t = x->sched[i].due_ms;
    }
    return t;
}

int sim_xfer_job_due(const sim_xfer_t *x, int64_t now_ms)
{
    for (size_t i = 0; x && i < x->njobs; i++) {
        if (x->jobs[i].state == SIM_JOB_QUEUED && x->jobs[i].due_ms <= now_ms)
            return 1;
    }
    return 0;
}

int sim_xfer_job_running(const sim_xfer_t *x)
{
    for (size_t i = 0; x && i < x->njobs; i++) {
        if (x->jobs[i].state == SIM_JOB_RUNNING)
            return 1;
    }
    return 0;
}

size_t sim_xfer_raise_scheduled(sim_xfer_t *x, sim_device_t *d, int64_t now_ms)
{
    size_t n = 0, k = 0;

    for (size_t i = 0; i < x->nsched; i++) {
        if (x->sched[i].due_ms <= now_ms) {
            sim_device_event_add(d, "3 SCHEDULED", NULL);
            sim_device_event_add(d, "M ScheduleInform", x->sched[i].command_key);
            free(x->sched[i].command_key);
            n++;
        } else {
            x->sched[k++] = x->sched[i];
        }
    }
    x->nsched = k;
    if (k == 0) {
        free(x->sched);
        x->sched = NULL;
    }
    return n;
}

/* ---- argument reading ---- */

/* The text of child name of rpc into *out (owned): 9003 if required and
 * absent, or longer than max. raw keeps blanks (CommandKey, passwords). */
static int get_str(xmlNodePtr rpc, const char *name, size_t max, int required, int raw, char **out)
{
    xmlNodePtr n = sim_soap_child(rpc, name);

    *out = NULL;
    if (!n && required)
        return 9003;
    *out = raw ? sim_soap_text_raw(n) : sim_soap_text(n);
    if (strlen(*out) > max)
        return 9003;
    return 0;
}

/* An xsd:unsignedInt child (absent: 0 unless required). 0 or 9003. */
static int get_uint(xmlNodePtr rpc, const char *name, int required, uint64_t *out)
{
    xmlNodePtr n = sim_soap_child(rpc, name);
    char *s, *end = NULL;
    int rc = 0;

    *out = 0;
    if (!n)
        return required ? 9003 : 0;
    s = sim_soap_text(n);
    if (s[0] < '0' || s[0] > '9')
        rc = 9003;
    else {
        unsigned long long v = strtoull(s, &end, 10);
        if (*end || v > UINT32_MAX)
            rc = 9003;
        else
            *out = v;
    }
    free(s);
    return rc;
}

/* An xsd:int child; 0 or 9003. */
static int get_int(xmlNodePtr rpc, const char *name, long long *out)
{
    char *s = sim_soap_text(sim_soap_child(rpc, name)), *end = NULL;
    int rc = 0;

    *out = 0;
    if (s[0]) {
        long long v = strtoll(s, &end, 10);
        if (*end || v < INT32_MIN || v > INT32_MAX)
            rc = 9003;
        else
            *out = v;
    }
    free(s);
    return rc;
}

/* 0 for an http:// URL cpe-sim can fetch, 9013 for another scheme
 * (https included), 9003 for something that is not a URL. */
int sim_xfer_url_check(const char *url)
{
    sim_url_t u;
    const char *colon = strstr(url, "://");

    if (!colon || colon == url)
        return 9003;
    if (strncasecmp(url, "http://", 7) != 0)
        return 9013;
    return sim_url_parse(url, &u) == 0 ? 0 : 9003;
}

/* The fields every transfer RPC shares. */
static int read_common(xmlNodePtr rpc, sim_job_t *j, size_t url_max)
{
    int rc;

    if ((rc = get_str(rpc, "CommandKey", 32, 0, 1, &j->command_key)) != 0 ||
        (rc = get_str(rpc, "FileType", SIM_XFER_FILE_TYPE_MAX, 1, 0, &j->file_type)) != 0 ||
        (rc = get_str(rpc, "URL", url_max, 1, 0, &j->url)) != 0 ||
        (rc = get_str(rpc, "Username", SIM_XFER_NAME_MAX, 0, 1, &j->username)) != 0 ||
        (rc = get_str(rpc, "Password", SIM_XFER_NAME_MAX, 0, 1, &j->password)) != 0)
        return rc;
    if (!j->file_type[0] || !j->url[0])
        return 9003;
    return sim_xfer_url_check(j->url);
}

/* <cwmp:DownloadResponse> / UploadResponse: Status 1, unknown times. */
static void put_transfer_response(acs_buf_t *body, const char *method)
{
    acs_buf_printf(body,
                   "<cwmp:%sResponse><Status>1</Status>"
                   "<StartTime>0001-01-01T00:00:00Z</StartTime>"
                   "<CompleteTime>0001-01-01T00:00:00Z</CompleteTime></cwmp:%sResponse>",
                   method, method);
}

/* ---- Download, Upload ---- */

static int download(sim_xfer_t *x, xmlNodePtr rpc, acs_buf_t *body, int64_t now)
{
    sim_job_t j;
    uint64_t delay = 0;
    int rc;

    memset(&j, 0, sizeof j);
    j.kind = SIM_JOB_DOWNLOAD;
    if ((rc = read_common(rpc, &j, SIM_XFER_URL_MAX)) != 0 ||
        (rc = get_uint(rpc, "FileSize", 0, &j.file_size)) != 0 ||
        (rc = get_str(rpc, "TargetFileName", SIM_XFER_NAME_MAX, 0, 0, &j.target_file_name)) != 0 ||
        (rc = get_uint(rpc, "DelaySeconds", 0, &delay)) != 0)
        goto fail;
    j.due_ms = now + (int64_t)delay * 1000;
    if ((rc = sim_xfer_job_add(x, &j)) != 0)
        return rc;
    put_transfer_response(body, "Download");
    return 0;
fail:
    sim_xfer_job_clear(&j);
    return rc;
}

/* Upload FileTypes (cwmp-reference.md 3.4): 1..4, <i> a number, or X vendor. */
int sim_xfer_upload_type_ok(const char *t)
{
    static const char *const base[] = {"1 Vendor Configuration File", "2 Vendor Log File",
                                       "3 Vendor Configuration File ", "4 Vendor Log File "};
    if (strcmp(t, base[0]) == 0 || strcmp(t, base[1]) == 0)
        return 1;
    if (strncmp(t, "X ", 2) == 0 && t[2])
        return 1;
    for (int k = 2; k < 4; k++) {
        size_t n = strlen(base[k]);
        if (strncmp(t, base[k], n) == 0 && t[n] && strspn(t + n, "0123456789") == strlen(t + n))
            return 1;
    }
    return 0;
}

static int upload(sim_xfer_t *x, xmlNodePtr rpc, acs_buf_t *body, int64_t now)
{
    sim_job_t j;
    uint64_t delay = 0;
    int rc;

    memset(&j, 0, sizeof j);
    j.kind = SIM_JOB_UPLOAD;
    if ((rc = read_common(rpc, &j, SIM_XFER_URL_MAX)) != 0 ||
        (rc = get_uint(rpc, "DelaySeconds", 0, &delay)) != 0)
        goto fail;
    if (!sim_xfer_upload_type_ok(j.file_type)) {
        rc = 9003;
        goto fail;
    }
    j.target_file_name = acs_xstrdup("");
    j.due_ms = now + (int64_t)delay * 1000;
    if ((rc = sim_xfer_job_add(x, &j)) != 0)
        return rc;
    put_transfer_response(body, "Upload");
    return 0;
fail:
    sim_xfer_job_clear(&j);
    return rc;
}

/* ---- ScheduleDownload ---- */

/* TimeWindowList: 1..2 windows, each start <= end, the second after the
 * first, WindowMode present; MaxRetries >= -1. 0 or 9003. */
static int read_windows(xmlNodePtr rpc, sim_job_t *j, int64_t now)
{
    xmlNodePtr list = sim_soap_child(rpc, "TimeWindowList");
    int n = 0;

    if (!list)
        return 9003;
    for (xmlNodePtr w = list->children; w; w = w->next) {
        uint64_t start, end;
        long long retries;
        char *mode = NULL, *msg = NULL;
        int rc;

        if (w->type != XML_ELEMENT_NODE)
            continue;
        if (n == 2)
            return 9003;
        rc = get_uint(w, "WindowStart", 1, &start);
        if (!rc)
            rc = get_uint(w, "WindowEnd", 1, &end);
        if (!rc)
            rc = get_str(w, "WindowMode", 64, 1, 0, &mode);
        if (!rc)
            rc = get_str(w, "UserMessage", 256, 0, 1, &msg);
        if (!rc)
            rc = get_int(w, "MaxRetries", &retries);
        if (!rc && (!mode[0] || end < start || retries < -1))
            rc = 9003;
        free(mode);
        free(msg);
        if (rc)
            return rc;
        j->win[n].start_ms = now + (int64_t)start * 1000;
        j->win[n].end_ms = now + (int64_t)end * 1000;
        if (n == 1 && j->win[1].start_ms < j->win[0].end_ms)
            return 9003;
        n++;
    }
    if (n == 0)
        return 9003;
    j->nwin = (uint8_t)n;
    return 0;
}

static int schedule_download(sim_xfer_t *x, xmlNodePtr rpc, acs_buf_t *body, int64_t now)
{
    sim_job_t j;
    int rc;

    memset(&j, 0, sizeof j);
    j.kind = SIM_JOB_SCHEDULE_DOWNLOAD;
    if ((rc = read_common(rpc, &j, SIM_XFER_URL_MAX)) != 0 ||
        (rc = get_uint(rpc, "FileSize", 0, &j.file_size)) != 0 ||
        (rc = get_str(rpc, "TargetFileName", SIM_XFER_NAME_MAX, 0, 0, &j.target_file_name)) != 0 ||
        (rc = read_windows(rpc, &j, now)) != 0)
        goto fail;
    j.due_ms = j.win[0].start_ms;
    if ((rc = sim_xfer_job_add(x, &j)) != 0)
        return rc;
    acs_buf_puts(body, "<cwmp:ScheduleDownloadResponse></cwmp:ScheduleDownloadResponse>");
    return 0;
fail:
    sim_xfer_job_clear(&j);
    return rc;
}

/* ---- ScheduleInform ---- */

static int schedule_inform(sim_xfer_t *x, xmlNodePtr rpc, acs_buf_t *body, int64_t now)
{
    char *key = NULL;
    uint64_t delay;
    int rc;

    if ((rc = get_uint(rpc, "DelaySeconds", 1, &delay)) != 0 ||
        (rc = get_str(rpc, "CommandKey", 32, 0, 1, &key)) != 0)
        goto out;
    if (delay == 0) {
        rc = 9003;
        goto out;
    }
    if (x->nsched >= SIM_XFER_SCHED_MAX) {
        rc = 9004;
        goto out;
    }
    x->sched = acs_xrealloc(x->sched, (x->nsched + 1) * sizeof *x->sched);
    x->sched[x->nsched].due_ms = now + (int64_t)delay * 1000;
    x->sched[x->nsched].command_key = key;
    x->nsched++;
    key = NULL;
    acs_buf_puts(body, "<cwmp:ScheduleInformResponse></cwmp:ScheduleInformResponse>");
out:
    free(key);
    return rc;
}

/* ---- queue listing and cancelling ---- */

static int is_acs_transfer(int kind)
{
    return kind == SIM_JOB_DOWNLOAD || kind == SIM_JOB_UPLOAD || kind == SIM_JOB_SCHEDULE_DOWNLOAD;
}

/* GetQueuedTransfers (all == 0): transfers the ACS ordered, CommandKey and
 * State; GetAllQueuedTransfers: autonomous ones too, with details. */
static int queued_transfers(sim_xfer_t *x, acs_buf_t *body, int all)
{
    const char *m = all ? "GetAllQueuedTransfers" : "GetQueuedTransfers";
    const char *st = all ? "AllQueuedTransferStruct" : "QueuedTransferStruct";
    size_t n = 0;

    for (size_t i = 0; i < x->njobs; i++)
        n += is_acs_transfer(x->jobs[i].kind) || (all && x->jobs[i].kind == SIM_JOB_AUTO_DOWNLOAD);
    acs_buf_printf(body, "<cwmp:%sResponse><TransferList soap-enc:arrayType=\"cwmp:%s[%zu]\">", m,
                   st, n);
    for (size_t i = 0; i < x->njobs; i++) {
        const sim_job_t *j = &x->jobs[i];
        if (!is_acs_transfer(j->kind) && !(all && j->kind == SIM_JOB_AUTO_DOWNLOAD))
            continue;
        acs_buf_printf(body, "<%s>", st);
        sim_xfer_put(body, "CommandKey", j->command_key);
        acs_buf_printf(body, "<State>%d</State>", j->state);
        if (all) {
            acs_buf_printf(body, "<IsDownload>%d</IsDownload>", j->kind != SIM_JOB_UPLOAD);
            sim_xfer_put(body, "FileType", j->file_type);
            acs_buf_printf(body, "<FileSize>%" PRIu64 "</FileSize>", j->file_size);
            sim_xfer_put(body, "TargetFileName", j->target_file_name);
        }
        acs_buf_printf(body, "</%s>", st);
    }
    acs_buf_printf(body, "</TransferList></cwmp:%sResponse>", m);
    return 0;
}

/* CancelTransfer: every queued transfer with the CommandKey goes (no
 * TransferComplete follows). 9021 when one of them is already running
 * (nothing is cancelled) or when none has the key. */
static int cancel_transfer(sim_xfer_t *x, xmlNodePtr rpc, acs_buf_t *body)
{
    char *key = NULL;
    size_t found = 0;
    int rc;

    if ((rc = get_str(rpc, "CommandKey", 32, 1, 1, &key)) != 0)
        goto out;
    for (size_t i = 0; i < x->njobs; i++) {
        if (!is_acs_transfer(x->jobs[i].kind) || strcmp(x->jobs[i].command_key, key) != 0)
            continue;
        found++;
        if (x->jobs[i].state == SIM_JOB_RUNNING)
            rc = 9021;
    }
    if (found == 0)
        rc = 9021;
    if (rc)
        goto out;
    for (size_t i = x->njobs; i-- > 0;) {
        if (is_acs_transfer(x->jobs[i].kind) && strcmp(x->jobs[i].command_key, key) == 0)
            job_remove_at(x, i);
    }
    acs_buf_puts(body, "<cwmp:CancelTransferResponse></cwmp:CancelTransferResponse>");
out:
    free(key);
    return rc;
}

/* ---- ChangeDUState ---- */

static int change_du_state(sim_xfer_t *x, xmlNodePtr rpc, acs_buf_t *body, int64_t now)
{
    sim_job_t j;
    int rc;

    memset(&j, 0, sizeof j);
    if ((rc = sim_du_parse_rpc(rpc, &j)) != 0)
        return rc;
    j.kind = SIM_JOB_DU;
    j.due_ms = now;
    if ((rc = sim_xfer_job_add(x, &j)) != 0)
        return rc;
    acs_buf_puts(body, "<cwmp:ChangeDUStateResponse></cwmp:ChangeDUStateResponse>");
    return 0;
}

int sim_xfer_handle(sim_device_t *d, const char *method, xmlNodePtr rpc, acs_buf_t *body)
{
    sim_xfer_t *x = sim_device_xfer(d);
    int64_t now = acs_now_wall_ms();

    if (strcmp(method, "Download") == 0)
        return download(x, rpc, body, now);
    if (strcmp(method, "Upload") == 0)
        return upload(x, rpc, body, now);
    if (strcmp(method, "ScheduleDownload") == 0)
        return schedule_download(x, rpc, body, now);
    if (strcmp(method, "ScheduleInform") == 0)
        return schedule_inform(x, rpc, body, now);
    if (strcmp(method, "CancelTransfer") == 0)
        return cancel_transfer(x, rpc, body);
    if (strcmp(method, "GetQueuedTransfers") == 0)
        return queued_transfers(x, body, 0);
    if (strcmp(method, "GetAllQueuedTransfers") == 0)
        return queued_transfers(x, body, 1);
    if (strcmp(method, "ChangeDUState") == 0)
        return change_du_state(x, rpc, body, now);
    return 9000;
}

/* ---- autonomous jobs of the command line ---- */

int sim_xfer_add_autonomous(sim_xfer_t *x, const char *url, const char *file_type, int64_t now_ms)
{
    sim_job_t j;

    memset(&j, 0, sizeof j);
    j.kind = SIM_JOB_AUTO_DOWNLOAD;
    j.command_key = acs_xstrdup("");
    j.file_type = acs_xstrdup(file_type);
    j.url = acs_xstrdup(url);
    j.username = acs_xstrdup("");
    j.password = acs_xstrdup("");
    j.target_file_name = acs_xstrdup("");
    j.due_ms = now_ms;
    return sim_xfer_job_add(x, &j);
}

int sim_xfer_add_autonomous_du(sim_xfer_t *x, const char *url, int64_t now_ms)
{
    sim_job_t j;

    memset(&j, 0, sizeof j);
    j.kind = SIM_JOB_AUTO_DU;
    j.command_key = acs_xstrdup("");
    j.due_ms = now_ms;
    j.ops = acs_xcalloc(1, sizeof *j.ops);
    j.nops = 1;
    j.ops[0].type = SIM_DU_INSTALL;
    j.ops[0].url = acs_xstrdup(url);
    j.ops[0].uuid = acs_xstrdup("");
    j.ops[0].username = acs_xstrdup("");
    j.ops[0].password = acs_xstrdup("");
    j.ops[0].version = acs_xstrdup("");
    j.ops[0].ee_ref = acs_xstrdup("");
    return sim_xfer_job_add(x, &j);
}

unsigned sim_xfer_take_dropped(sim_xfer_t *x)
{
    unsigned n = x ? x->dropped : 0;
    if (x)
        x->dropped = 0;
    return n;
}
