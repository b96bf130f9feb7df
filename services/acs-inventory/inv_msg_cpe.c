/* inv_msg_cpe: see inv_msg_cpe.h.
 *
 * Bounds are looser than TR-069's (which the gateway enforces): a value a
 * little longer than the standard allows harms nothing in PostgreSQL, and
 * refusing the whole message would lose the CPE's report. They exist so
 * that nothing unbounded reaches the database.
 */
#include "inv_msg_cpe.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_URL 2048        /* TransferURL, AnnounceURL, Next: 1024 in TR-069 */
#define MAX_FILE_TYPE 256   /* 64 in TR-069 */
#define MAX_FIELD 1024      /* names, references, versions, Kicked arguments */
#define MAX_EU_REFS 65536   /* ExecutionUnitRefList has no bound in TR-069 */
#define MAX_DU_RESULTS 1024 /* ChangeDUState takes 16 operations */
#define MAX_FILE_TYPE_ARGS 64

/* The CWMP method each CPE request type records, in inv_msg_type_t order
 * from INV_MSG_AUTONOMOUS_TRANSFER_COMPLETE. */
static const char *const cpe_methods[] = {
    "AutonomousTransferComplete",
    "DUStateChangeComplete",
    "AutonomousDUStateChangeComplete",
    "RequestDownload",
    "Kicked",
};

/* Removed from the stored body: they are columns, or say how the message
 * travelled rather than what the CPE asked. */
static const char *const envelope[] = {
    "type", "version", "message_id", "device_id", "session_id", "received_at", "gateway",
};

int inv_msg_cpe_is_transfer(const char *method)
{
    return strcmp(method, "Download") == 0 || strcmp(method, "Upload") == 0 ||
           strcmp(method, "ScheduleDownload") == 0;
}

void inv_msg_cpe_strip_userinfo(const char *url, char *out, size_t outlen)
{
    const char *auth = strstr(url, "://"), *end, *at = NULL;
    size_t head;

    if (outlen == 0)
        return;
    if (!auth || strcspn(url, "/?#") < (size_t)(auth - url)) {
        snprintf(out, outlen, "%s", url);
        return;
    }
    auth += 3;
    end = auth + strcspn(auth, "/?#");
    for (const char *p = auth; p < end; p++)
        if (*p == '@')
            at = p; /* the last one: a password may contain '@' unescaped */
    if (!at) {
        snprintf(out, outlen, "%s", url);
        return;
    }
    head = (size_t)(auth - url);
    snprintf(out, outlen, "%.*s%s", (int)head, url, at + 1);
}

/* ---- transfers requested by an RPC ---- */

/* key from the message, else from its result (NULL when neither has it). */
static const json_t *lookup(const json_t *m, const json_t *result, const char *key)
{
    const json_t *j = json_object_get(m, key);

    if ((!j || json_is_null(j)) && result)
        j = json_object_get(result, key);
    return j && !json_is_null(j) ? j : NULL;
}

/* The last window end of time_windows (0 when absent), as text in out. */
static int window_end(inv_vctx_t *v, const json_t *holder, char out[24])
{
    json_int_t last = 0;
    json_t *list, *w;
    char end[24];
    size_t i;

    snprintf(out, 24, "0");
    if (!holder)
        return 0;
    if (inv_msg_arr(v, holder, "time_windows", 0, &list) != 0)
        return -1;
    json_array_foreach(list, i, w)
    {
        if (!json_is_object(w)) {
            inv_msg_fail(v, INV_REJECT_BAD_FIELD, "not an object");
            return inv_msg_prefix(v, "time_windows", (long)i);
        }
        if (inv_msg_int(v, w, "window_end", 0, 0, INT_MAX, end) != 0)
            return inv_msg_prefix(v, "time_windows", (long)i);
        if (*end && strtoll(end, NULL, 10) > last)
            last = strtoll(end, NULL, 10);
    }
    snprintf(out, 24, "%" JSON_INTEGER_FORMAT, last);
    return 0;
}

/* What a transfer object says; NULLs where it says nothing. */
typedef struct {
    const char *is_download, *file_type, *url, *target;
    char size[24], window[24];
    char url_clean[MAX_URL + 1];
} xfer_t;

static int read_transfer(inv_vctx_t *v, const json_t *m, const inv_rpc_t *r, xfer_t *x)
{
    const json_t *t = lookup(m, r->result, "transfer");

    if (t && !json_is_object(t))
        return inv_msg_fail(v, INV_REJECT_BAD_FIELD, "\"transfer\" is not an object");
    x->size[0] = '\0';
    if (t && (inv_msg_bool(v, t, "is_download", 0, &x->is_download) ||
              inv_msg_str(v, t, "file_type", 0, 0, MAX_FILE_TYPE, &x->file_type) ||
              inv_msg_str(v, t, "url", 0, 0, MAX_URL, &x->url) ||
              inv_msg_int(v, t, "file_size", 0, 0, LLONG_MAX, x->size) ||
              inv_msg_str(v, t, "target_file_name", 0, 0, MAX_FIELD, &x->target) ||
              window_end(v, t, x->window)))
        return inv_msg_prefix(v, "transfer", -1);
    /* Windows in the transfer object, else beside it in the message. */
    if ((!t || !json_object_get(t, "time_windows")) && window_end(v, m, x->window) != 0)
        return -1;
    if (!x->is_download)
        x->is_download = strcmp(r->method, "Upload") == 0 ? "f" : "t";
    if (x->url) {
        inv_msg_cpe_strip_userinfo(x->url, x->url_clean, sizeof x->url_clean);
        x->url = x->url_clean;
    }
    return 0;
}

/* State, times and status of an ok result into the row. */
static int read_ok(inv_vctx_t *v, const inv_rpc_t *r, const char **state, const char **start,
                   const char **complete)
{
    char status[24] = "";

    *state = "pending";
    if (strcmp(r->method, "ScheduleDownload") == 0 || !r->result)
        return 0;
    if (inv_msg_int(v, r->result, "status", 0, 0, 1, status) ||
        inv_msg_str(v, r->result, "start_time", 0, 0, INV_MAX_CWMP_TIME, start) ||
        inv_msg_str(v, r->result, "complete_time", 0, 0, INV_MAX_CWMP_TIME, complete))
        return inv_msg_prefix(v, "result", -1);
    if (strcmp(status, "0") == 0)
        *state = "completed";
    return 0;
}

int inv_msg_cpe_rpc_transfer(inv_batch_t *b, inv_vctx_t *v, const json_t *m, const inv_head_t *h,
                             const inv_rpc_t *r)
{
    const char *key = NULL, *state = "failed", *start = NULL, *complete = NULL;
    const char *fstring = r->fault_string;
    const json_t *k = lookup(m, r->result, "command_key");
    char why[INV_MAX_TEXT * 2 + 4];
    xfer_t x;

    memset(&x, 0, sizeof x);
    if (k && (!json_is_string(k) || json_string_length(k) > INV_MAX_COMMAND_KEY))
        return inv_msg_fail(v, INV_REJECT_BAD_FIELD,
                            "\"command_key\" is not a string of 0 to %d bytes",
                            INV_MAX_COMMAND_KEY);
    key = k ? json_string_value(k) : "";
    if (read_transfer(v, m, r, &x) != 0)
        return -1;
    if (strcmp(r->status, "ok") == 0 && read_ok(v, r, &state, &start, &complete) != 0)
        return -1;
    if (strcmp(r->status, "failed") == 0) {
        snprintf(why, sizeof why, "%s%s%s", r->reason ? r->reason : "failed", r->detail ? ": " : "",
                 r->detail ? r->detail : "");
        fstring = why;
    }
    const char *row[17] = {r->id,
                           h->device_id,
                           r->session_id,
                           key,
                           r->method,
                           x.is_download,
                           x.file_type,
                           x.url,
                           inv_msg_nz(x.size),
                           x.target,
                           state,
                           r->fault_code,
                           inv_msg_nz(fstring),
                           start,
                           complete,
                           r->completed_at,
                           x.window};
    inv_batch_add_row(b, INV_OP_XFER_RESULTS, row);
    return 0;
}

/* ---- CPE requests ---- */

/* The stored body: m without its envelope, URLs without credentials.
 * Returns compact JSON (caller frees), or NULL. */
static char *request_body(const json_t *m)
{
    static const char *const urls[] = {"announce_url", "transfer_url"};
    json_t *body = json_deep_copy(m);
    char clean[MAX_URL + 1], *dump;

    if (!body)
        return NULL;
    for (size_t i = 0; i < sizeof envelope / sizeof envelope[0]; i++)
        json_object_del(body, envelope[i]);
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        json_t *u = json_object_get(body, urls[i]);
        if (json_is_string(u)) {
            inv_msg_cpe_strip_userinfo(json_string_value(u), clean, sizeof clean);
            json_object_set_new(body, urls[i], json_string(clean));
        }
    }
    dump = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(body);
    return dump;
}

/* An optional fault {code, string?}: code "0" when absent. */
static int opt_fault(inv_vctx_t *v, const json_t *obj, char code[24], const char **string)
{
    json_t *fault;
    char *detail = NULL;

    snprintf(code, 24, "0");
    *string = NULL;
    if (inv_msg_obj(v, obj, "fault", 0, &fault) != 0)
        return -1;
    if (fault && inv_msg_fault(v, fault, code, string, &detail) != 0)
        return -1;
    free(detail);
    return 0;
}

/* autonomous.transfer.complete: its XFER_AUTO row, and a FAULTS row when
 * it failed (the body is the detail). */
static int add_autonomous_transfer(inv_batch_t *b, inv_vctx_t *v, const json_t *m,
                                   const inv_head_t *h, const char *sid, const char *at,
                                   const char *body)
{
    const char *announce, *url, *is_download, *file_type, *target, *start, *complete, *fstring;
    char size[24], code[24], clean[MAX_URL + 1];

    if (inv_msg_str(v, m, "announce_url", 0, 0, MAX_URL, &announce) ||
        inv_msg_str(v, m, "transfer_url", 1, 0, MAX_URL, &url) ||
        inv_msg_bool(v, m, "is_download", 1, &is_download) ||
        inv_msg_str(v, m, "file_type", 1, 0, MAX_FILE_TYPE, &file_type) ||
        inv_msg_int(v, m, "file_size", 0, 0, LLONG_MAX, size) ||
        inv_msg_str(v, m, "target_file_name", 0, 0, MAX_FIELD, &target) ||
        inv_msg_str(v, m, "start_time", 0, 0, INV_MAX_CWMP_TIME, &start) ||
        inv_msg_str(v, m, "complete_time", 0, 0, INV_MAX_CWMP_TIME, &complete) ||
        opt_fault(v, m, code, &fstring))
        return -1;
    inv_msg_cpe_strip_userinfo(url, clean, sizeof clean);
    const char *row[13] = {h->message_id, h->device_id,     sid,    is_download, file_type,
                           clean,         inv_msg_nz(size), target, code,        fstring,
                           start,         complete,         at};
    inv_batch_add_row(b, INV_OP_XFER_AUTO, row);
    if (strcmp(code, "0") != 0) {
        const char *f[9] = {h->message_id, h->device_id, sid,  NULL, "AutonomousTransferComplete",
                            code,          fstring,      body, at};
        inv_batch_add_row(b, INV_OP_FAULTS, f);
    }
    return 0;
}

static int check_du_result(inv_vctx_t *v, const json_t *r)
{
    static const struct {
        const char *key;
        size_t max;
    } strs[] = {
        {"uuid", MAX_FIELD},
        {"deployment_unit_ref", MAX_FIELD},
        {"version", MAX_FIELD},
        {"current_state", MAX_FIELD},
        {"execution_unit_refs", MAX_EU_REFS},
        {"start_time", INV_MAX_CWMP_TIME},
        {"complete_time", INV_MAX_CWMP_TIME},
        {"operation_performed", MAX_FIELD},
    };
    const char *s, *resolved;
    char code[24];

    if (!json_is_object(r))
        return inv_msg_fail(v, INV_REJECT_BAD_FIELD, "not an object");
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        if (inv_msg_str(v, r, strs[i].key, 0, 0, strs[i].max, &s) != 0)
            return -1;
    if (inv_msg_bool(v, r, "resolved", 0, &resolved) || opt_fault(v, r, code, &s))
        return -1;
    return 0;
}

static int check_du(inv_vctx_t *v, const json_t *m)
{
    const char *key;
    json_t *list, *r;
    size_t i;

    if (inv_msg_str(v, m, "command_key", 0, 0, INV_MAX_COMMAND_KEY, &key) ||
        inv_msg_arr(v, m, "results", 1, &list))
        return -1;
    if (json_array_size(list) > MAX_DU_RESULTS)
        return inv_msg_fail(v, INV_REJECT_BAD_FIELD, "more than %d results", MAX_DU_RESULTS);
    json_array_foreach(list, i, r)
    {
        if (check_du_result(v, r) != 0)
            return inv_msg_prefix(v, "results", (long)i);
    }
    return 0;
}

static int check_request_download(inv_vctx_t *v, const json_t *m)
{
    const char *type, *name, *value;
    json_t *args, *a;
    size_t i;

    if (inv_msg_str(v, m, "file_type", 1, 1, MAX_FILE_TYPE, &type) ||
        inv_msg_arr(v, m, "file_type_args", 0, &args))
        return -1;
    if (json_array_size(args) > MAX_FILE_TYPE_ARGS)
        return inv_msg_fail(v, INV_REJECT_BAD_FIELD, "more than %d file_type_args",
                            MAX_FILE_TYPE_ARGS);
    json_array_foreach(args, i, a)
    {
        if (!json_is_object(a)) {
            inv_msg_fail(v, INV_REJECT_BAD_FIELD, "not an object");
            return inv_msg_prefix(v, "file_type_args", (long)i);
        }
        if (inv_msg_str(v, a, "name", 1, 0, MAX_FIELD, &name) ||
            inv_msg_str(v, a, "value", 0, 0, MAX_FIELD, &value))
            return inv_msg_prefix(v, "file_type_args", (long)i);
    }
    return 0;
}

static int check_kicked(inv_vctx_t *v, const json_t *m)
{
    const char *s;

    if (inv_msg_str(v, m, "command", 0, 0, MAX_FIELD, &s) ||
        inv_msg_str(v, m, "referer", 0, 0, MAX_FIELD, &s) ||
        inv_msg_str(v, m, "arg", 0, 0, MAX_FIELD, &s) ||
        inv_msg_str(v, m, "next", 0, 0, MAX_URL, &s))
        return -1;
    return 0;
}

int inv_msg_cpe_add(inv_batch_t *b, inv_vctx_t *v, const json_t *m, const inv_head_t *h,
                    inv_msg_type_t t)
{
    const char *sid, *at;
    char *body = NULL;
    int rc = -1;

    if (t < INV_MSG_AUTONOMOUS_TRANSFER_COMPLETE || t > INV_MSG_KICKED)
        return inv_msg_fail(v, INV_REJECT_UNKNOWN_TYPE, "not a CPE request type");
    if (inv_msg_id(v, m, "session_id", INV_MAX_ID, &sid) || inv_msg_ts(v, m, "received_at", 0, &at))
        goto out;
    body = request_body(m);
    if (!body) {
        inv_msg_fail(v, INV_REJECT_BAD_FIELD, "body cannot be serialised");
        goto out;
    }
    switch (t) {
    case INV_MSG_AUTONOMOUS_TRANSFER_COMPLETE:
        rc = add_autonomous_transfer(b, v, m, h, sid, at, body);
        break;
    case INV_MSG_DU_STATE_CHANGE_COMPLETE:
    case INV_MSG_AUTONOMOUS_DU_STATE_CHANGE_COMPLETE:
        rc = check_du(v, m);
        break;
    case INV_MSG_REQUEST_DOWNLOAD:
        rc = check_request_download(v, m);
        break;
    default:
        rc = check_kicked(v, m);
        break;
    }
    if (rc != 0)
        goto out;
    const char *row[6] = {h->message_id, h->device_id,
                          sid,           cpe_methods[t - INV_MSG_AUTONOMOUS_TRANSFER_COMPLETE],
                          body,          at};
    inv_batch_add_row(b, INV_OP_CPEREQS, row);
out:
    free(body);
    return rc;
}
