/* inv_msg: see inv_msg.h.
 *
 * Each message is checked field by field while its rows are appended; on
 * the first bad field the batch is put back to the mark taken before the
 * message, so a rejected message leaves nothing behind.
 */
#include "inv_msg.h"
#include "inv_msg_cpe.h"
#include "inv_msg_int.h"

#include "acs_buf.h"
#include "acs_util.h"

#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bounds, from proto-json/common.schema.json where it has one. */
#define MAX_ID INV_MAX_ID
#define MAX_RPC_ID 64        /* rpc_id: [A-Za-z0-9._:-]{1,64} */
#define MAX_NAME 256         /* parameter name */
#define MAX_VALUE 65536      /* parameter value */
#define MAX_TYPE 64          /* xsi:type local part */
#define MAX_DEVICE_FIELD 256 /* OUI, ProductClass, SerialNumber, Manufacturer (64 in CWMP) */
#define MAX_EVENT_CODE 64
#define MAX_COMMAND_KEY INV_MAX_COMMAND_KEY
#define MAX_TEXT INV_MAX_TEXT
#define MAX_EVENTS 64 /* as the SOAP codec bounds them */
#define MAX_CWMP_TIME INV_MAX_CWMP_TIME

/* What an Inform says about its device row. */
typedef struct {
    const char *session_id, *at, *addr, *gateway, *cwmp_version;
    const char *oui, *product_class, *serial, *manufacturer;
    const char *sw, *hw, *cr_url;
    char pii[16];                   /* PeriodicInformInterval as a decimal, "" if none */
    char event_session[MAX_ID + 8]; /* session_id, or "msg:" + message_id */
    int boot, bootstrap;
} inform_t;

static const char *const reject_names[INV_REJECT_COUNT] = {
    "bad-json",      "too-large", "bad-version", "unknown-type",
    "missing-field", "bad-field", "data-error",
};

static const char *const type_names[INV_MSG_TYPE_COUNT] = {
    "inform",
    "rpc.result",
    "session.closed",
    "transfer.complete",
    "autonomous.transfer.complete",
    "du.state.change.complete",
    "autonomous.du.state.change.complete",
    "request.download",
    "kicked",
};

const char *inv_msg_reject_name(inv_reject_t r)
{
    return (unsigned)r < INV_REJECT_COUNT ? reject_names[r] : "unknown";
}

const char *inv_msg_type_name(inv_msg_type_t t)
{
    return (unsigned)t < INV_MSG_TYPE_COUNT ? type_names[t] : "unknown";
}

/* ---- field readers ---- */

int inv_msg_fail(inv_vctx_t *v, inv_reject_t r, const char *fmt, ...)
{
    va_list ap;

    v->reason = r;
    if (v->errlen) {
        va_start(ap, fmt);
        vsnprintf(v->err, v->errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Prefix the error already written with "what: " or "what[i]: " (i >= 0).
 * Returns -1. */
int inv_msg_prefix(inv_vctx_t *v, const char *what, long i)
{
    char tmp[256];

    if (v->errlen) {
        snprintf(tmp, sizeof tmp, "%s", v->err);
        if (i >= 0)
            snprintf(v->err, v->errlen, "%s[%ld]: %s", what, i, tmp);
        else
            snprintf(v->err, v->errlen, "%s: %s", what, tmp);
    }
    return -1;
}

/* obj.key as a string of min..max bytes into *out (not owned). Absent or
 * null is NULL, or missing-field when required. */
int inv_msg_str(inv_vctx_t *v, const json_t *obj, const char *key, int required, size_t min,
                size_t max, const char **out)
{
    json_t *j = json_object_get(obj, key);

    *out = NULL;
    if (!j || json_is_null(j))
        return required ? inv_msg_fail(v, INV_REJECT_MISSING_FIELD, "missing \"%s\"", key) : 0;
    if (!json_is_string(j))
        return inv_msg_fail(v, INV_REJECT_BAD_FIELD, "\"%s\" is not a string", key);
    if (json_string_length(j) < min || json_string_length(j) > max)
        return inv_msg_fail(v, INV_REJECT_BAD_FIELD, "\"%s\" is not %zu to %zu bytes long", key,
                            min, max);
    *out = json_string_value(j);
    return 0;
}

/* A required non-empty id of at most max bytes, printable ASCII without
 * spaces (session ids and message ids end up in log lines). */
int inv_msg_id(inv_vctx_t *v, const json_t *obj, const char *key, size_t max, const char **out)
{
    if (inv_msg_str(v, obj, key, 1, 1, max, out) != 0)
        return -1;
    for (const char *p = *out; *p; p++)
        if (*p < '!' || *p > '~')
            return inv_msg_fail(v, INV_REJECT_BAD_FIELD, "\"%s\" has a character outside [!-~]",
                                key);
    return 0;
}

/* Like inv_msg_id, but absent (or null) is allowed: *out is then NULL. */
static int opt_id(inv_vctx_t *v, const json_t *obj, const char *key, const char **out)
{
    json_t *j = json_object_get(obj, key);

    *out = NULL;
    if (!j || json_is_null(j))
        return 0;
    return inv_msg_id(v, obj, key, MAX_ID, out);
}

int inv_msg_ts(inv_vctx_t *v, const json_t *obj, const char *key, int required, const char **out)
{
    if (inv_msg_str(v, obj, key, required, 1, 64, out) != 0)
        return -1;
    if (*out && !inv_msg_timestamp_valid(*out))
        return inv_msg_fail(v, INV_REJECT_BAD_FIELD, "\"%s\" is not an RFC 3339 timestamp", key);
    return 0;
}

/* obj.key as an integer in [min, max], printed in decimal into out[24];
 * out is "" when absent and not required. */
int inv_msg_int(inv_vctx_t *v, const json_t *obj, const char *key, int required, json_int_t min,
                json_int_t max, char out[24])
{
    json_t *j = json_object_get(obj, key);

    out[0] = '\0';
    if (!j || json_is_null(j))
        return required ? inv_msg_fail(v, INV_REJECT_MISSING_FIELD, "missing \"%s\"", key) : 0;
    if (!json_is_integer(j))
        return inv_msg_fail(v, INV_REJECT_BAD_FIELD, "\"%s\" is not an integer", key);
    if (json_integer_value(j) < min || json_integer_value(j) > max)
        return inv_msg_fail(v, INV_REJECT_BAD_FIELD, "\"%s\" is out of range", key);
    snprintf(out, 24, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
    return 0;
}

/* obj.key as a boolean: "t" or "f" (NULL when absent and not required). */
int inv_msg_bool(inv_vctx_t *v, const json_t *obj, const char *key, int required, const char **out)
{
    json_t *j = json_object_get(obj, key);

    *out = NULL;
    if (!j || json_is_null(j))
        return required ? inv_msg_fail(v, INV_REJECT_MISSING_FIELD, "missing \"%s\"", key) : 0;
    if (!json_is_boolean(j))
        return inv_msg_fail(v, INV_REJECT_BAD_FIELD, "\"%s\" is not a boolean", key);
    *out = json_is_true(j) ? "t" : "f";
    return 0;
}

/* obj.key as an object (NULL when absent and not required). */
int inv_msg_obj(inv_vctx_t *v, const json_t *obj, const char *key, int required, json_t **out)
{
    json_t *j = json_object_get(obj, key);

    *out = NULL;
    if (!j || json_is_null(j))
        return required ? inv_msg_fail(v, INV_REJECT_MISSING_FIELD, "missing \"%s\"", key) : 0;
    if (!json_is_object(j))
        return inv_msg_fail(v, INV_REJECT_BAD_FIELD, "\"%s\" is not an object", key);
    *out = j;
    return 0;
}

int inv_msg_arr(inv_vctx_t *v, const json_t *obj, const char *key, int required, json_t **out)
{
    json_t *j = json_object_get(obj, key);

    *out = NULL;
    if (!j || json_is_null(j))
        return required ? inv_msg_fail(v, INV_REJECT_MISSING_FIELD, "missing \"%s\"", key) : 0;
    if (!json_is_array(j))
        return inv_msg_fail(v, INV_REJECT_BAD_FIELD, "\"%s\" is not an array", key);
    *out = j;
    return 0;
}

const char *inv_msg_nz(const char *s)
{
    return s && *s ? s : NULL;
}

/* ---- timestamps ---- */

static int digits(const char *s, int n, int *out)
{
    int x = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        x = x * 10 + (s[i] - '0');
    }
    *out = x;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

int inv_msg_timestamp_valid(const char *s)
{
    int y, mo, d, h, mi, se, oh, om;
    size_t n;

    if (!s || strlen(s) < 20 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
        s[7] != '-' || digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' ||
        digits(s + 17, 2, &se))
        return 0;
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 ||
        se > 60)
        return 0;
    s += 19;
    if (*s == '.') {
        n = strspn(s + 1, "0123456789");
        if (n < 1 || n > 9)
            return 0;
        s += 1 + n;
    }
    if ((s[0] == 'Z' || s[0] == 'z') && s[1] == '\0')
        return 1;
    if ((s[0] != '+' && s[0] != '-') || strlen(s) != 6 || digits(s + 1, 2, &oh) || s[3] != ':' ||
        digits(s + 4, 2, &om))
        return 0;
    return oh <= 23 && om <= 59;
}

/* ---- parameters ---- */

/* The part of a parameter name after its root ("Device." or
 * "InternetGatewayDevice."), or NULL. */
static const char *below_root(const char *name)
{
    const char *dot = strchr(name, '.');
    return dot ? dot + 1 : NULL;
}

/* Keep what the device row wants from an Inform's parameters. */
static void note_param(inform_t *f, const char *name, const char *value)
{
    const char *rel = below_root(name);
    char *end;
    long n;

    if (!rel)
        return;
    if (strcmp(rel, "DeviceInfo.SoftwareVersion") == 0) {
        f->sw = value;
    } else if (strcmp(rel, "DeviceInfo.HardwareVersion") == 0) {
        f->hw = value;
    } else if (strcmp(rel, "ManagementServer.ConnectionRequestURL") == 0) {
        f->cr_url = value;
    } else if (strcmp(rel, "ManagementServer.PeriodicInformInterval") == 0) {
        /* A value the CPE garbles is not worth refusing the Inform for. */
        n = (value[0] >= '0' && value[0] <= '9') ? strtol(value, &end, 10) : -1;
        if (n >= 0 && n <= INT_MAX && *end == '\0')
            snprintf(f->pii, sizeof f->pii, "%ld", n);
    }
}

/* One {"name","value","type"} -> a PARAMS row. */
static int add_param(inv_batch_t *b, inv_vctx_t *v, const json_t *p, const char *device_id,
                     const char *at, inform_t *f)
{
    const char *name, *value, *type;

    if (!json_is_object(p))
        return inv_msg_fail(v, INV_REJECT_BAD_FIELD, "not an object");
    if (inv_msg_str(v, p, "name", 1, 1, MAX_NAME, &name) ||
        inv_msg_str(v, p, "value", 1, 0, MAX_VALUE, &value) ||
        inv_msg_str(v, p, "type", 0, 1, MAX_TYPE, &type))
        return -1;
    const char *row[5] = {device_id, name, value, type ? type : "string", at};
    inv_batch_add_row(b, INV_OP_PARAMS, row);
    if (f)
        note_param(f, name, value);
    return 0;
}

static int add_params(inv_batch_t *b, inv_vctx_t *v, const json_t *list, const char *what,
                      const char *device_id, const char *at, inform_t *f)
{
    size_t i;
    json_t *p;

    json_array_foreach(list, i, p)
    {
        if (add_param(b, v, p, device_id, at, f) != 0)
            return inv_msg_prefix(v, what, (long)i);
    }
    return 0;
}

/* ---- inform ---- */

static int read_device(inv_vctx_t *v, const json_t *m, inform_t *f)
{
    json_t *d;

    if (inv_msg_obj(v, m, "device", 1, &d) != 0)
        return -1;
    if (inv_msg_str(v, d, "oui", 1, 1, MAX_DEVICE_FIELD, &f->oui) ||
        inv_msg_str(v, d, "serial_number", 1, 1, MAX_DEVICE_FIELD, &f->serial) ||
        inv_msg_str(v, d, "product_class", 0, 0, MAX_DEVICE_FIELD, &f->product_class) ||
        inv_msg_str(v, d, "manufacturer", 0, 0, MAX_DEVICE_FIELD, &f->manufacturer))
        return inv_msg_prefix(v, "device", -1);
    return 0;
}

static int add_events(inv_batch_t *b, inv_vctx_t *v, const json_t *m, const inv_head_t *h,
                      inform_t *f)
{
    json_t *list, *e;
    const char *code, *key;
    size_t i;

    if (inv_msg_arr(v, m, "events", 1, &list) != 0)
        return -1;
    if (json_array_size(list) > MAX_EVENTS)
        return inv_msg_fail(v, INV_REJECT_BAD_FIELD, "more than %d events", MAX_EVENTS);
    json_array_foreach(list, i, e)
    {
        if (!json_is_object(e)) {
            inv_msg_fail(v, INV_REJECT_BAD_FIELD, "not an object");
            return inv_msg_prefix(v, "events", (long)i);
        }
        if (inv_msg_str(v, e, "code", 1, 1, MAX_EVENT_CODE, &code) ||
            inv_msg_str(v, e, "command_key", 0, 0, MAX_COMMAND_KEY, &key))
            return inv_msg_prefix(v, "events", (long)i);
        if (strcmp(code, "0 BOOTSTRAP") == 0)
            f->bootstrap = 1;
        else if (strcmp(code, "1 BOOT") == 0)
            f->boot = 1;
        const char *row[5] = {h->device_id, f->event_session, code, key ? key : "", f->at};
        inv_batch_add_row(b, INV_OP_EVENTS, row);
    }
    return 0;
}

static int add_inform(inv_batch_t *b, inv_vctx_t *v, const json_t *m, const inv_head_t *h)
{
    inform_t f;
    json_t *params;

    memset(&f, 0, sizeof f);
    if (opt_id(v, m, "session_id", &f.session_id) || inv_msg_ts(v, m, "received_at", 1, &f.at) ||
        read_device(v, m, &f) || inv_msg_str(v, m, "remote_addr", 0, 0, MAX_ID, &f.addr) ||
        inv_msg_str(v, m, "gateway", 0, 0, MAX_ID, &f.gateway) ||
        inv_msg_str(v, m, "cwmp_version", 0, 0, 16, &f.cwmp_version) ||
        inv_msg_arr(v, m, "parameters", 0, &params))
        return -1;
    /* Events are unique per (session, code, command key); an Inform that
     * names no session is its own session for that purpose. */
    snprintf(f.event_session, sizeof f.event_session, "%s%s",
             f.session_id ? "" : "msg:", f.session_id ? f.session_id : h->message_id);
    if (add_events(b, v, m, h, &f) != 0)
        return -1;
    if (params && add_params(b, v, params, "parameters", h->device_id, f.at, &f) != 0)
        return -1;

    const char *dev[15] = {h->device_id,
                           f.oui,
                           f.product_class,
                           f.serial,
                           f.manufacturer,
                           f.at,
                           inv_msg_nz(f.addr),
                           inv_msg_nz(f.cwmp_version),
                           f.sw,
                           f.hw,
                           inv_msg_nz(f.pii),
                           f.cr_url,
                           f.session_id,
                           f.boot ? f.at : NULL,
                           f.bootstrap ? f.at : NULL};
    inv_batch_add_row(b, INV_OP_DEVICES, dev);
    const char *ses[6] = {
        f.session_id,         h->device_id, f.at, inv_msg_nz(f.addr), inv_msg_nz(f.cwmp_version),
        inv_msg_nz(f.gateway)};
    if (f.session_id)
        inv_batch_add_row(b, INV_OP_SESSIONS, ses);
    if (f.bootstrap)
        inv_batch_count_bootstrap(b);
    return 0;
}

/* ---- rpc.result ---- */

static int check_rpc_id(inv_vctx_t *v, const char *id)
{
    if (strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-") !=
        strlen(id))
        return inv_msg_fail(v, INV_REJECT_BAD_FIELD,
                            "\"id\" has a character outside [A-Za-z0-9._:-]");
    return 0;
}

/* A CPE fault {code, string, ...}: code and string into the out params,
 * the whole object as compact JSON into *detail (caller frees). */
int inv_msg_fault(inv_vctx_t *v, const json_t *fault, char code[24], const char **string,
                  char **detail)
{
    *detail = NULL;
    if (inv_msg_int(v, fault, "code", 1, 0, INT_MAX, code) ||
        inv_msg_str(v, fault, "string", 0, 0, MAX_TEXT, string))
        return inv_msg_prefix(v, "fault", -1);
    *detail = json_dumps(fault, JSON_COMPACT | JSON_SORT_KEYS);
    return *detail ? 0 : inv_msg_fail(v, INV_REJECT_BAD_FIELD, "fault cannot be serialised");
}

static int add_rpc_result(inv_batch_t *b, inv_vctx_t *v, const json_t *m, const inv_head_t *h)
{
    const char *id, *sid, *method, *status, *at, *reason, *detail_text, *fstring = NULL;
    json_t *fault = NULL, *result, *params = NULL;
    char code[24], *detail = NULL;
    int rc = -1;

    if (inv_msg_str(v, m, "id", 1, 1, MAX_RPC_ID, &id) || check_rpc_id(v, id) ||
        inv_msg_id(v, m, "session_id", MAX_ID, &sid) ||
        inv_msg_str(v, m, "method", 1, 1, 64, &method) ||
        inv_msg_str(v, m, "status", 1, 1, 16, &status) ||
        inv_msg_ts(v, m, "completed_at", 1, &at) ||
        inv_msg_str(v, m, "reason", 0, 0, MAX_TEXT, &reason) ||
        inv_msg_str(v, m, "detail", 0, 0, MAX_TEXT, &detail_text) ||
        inv_msg_obj(v, m, "result", 0, &result))
        goto out;
    if (strcmp(status, "ok") != 0 && strcmp(status, "fault") != 0 &&
        strcmp(status, "failed") != 0) {
        inv_msg_fail(v, INV_REJECT_BAD_FIELD, "\"status\" is not ok, fault or failed");
        goto out;
    }
    if (strcmp(status, "fault") == 0 &&
        (inv_msg_obj(v, m, "fault", 1, &fault) || inv_msg_fault(v, fault, code, &fstring, &detail)))
        goto out;
    if (strcmp(status, "ok") == 0 && strcmp(method, "GetParameterValues") == 0 && result &&
        (inv_msg_arr(v, result, "parameters", 0, &params) ||
         (params && add_params(b, v, params, "result.parameters", h->device_id, at, NULL))))
        goto out;

    const char *row[8] = {id, h->device_id, sid, method, status, reason, at, detail_text};
    inv_batch_add_row(b, INV_OP_RPCS, row);
    if (fault) {
        const char *f[9] = {h->message_id, h->device_id, sid,    id, method,
                            code,          fstring,      detail, at};
        inv_batch_add_row(b, INV_OP_FAULTS, f);
    }
    if (inv_msg_cpe_is_transfer(method)) {
        inv_rpc_t r = {id,      sid,    method,      status, at, fault ? code : NULL,
                       fstring, reason, detail_text, result};
        if (inv_msg_cpe_rpc_transfer(b, v, m, h, &r) != 0)
            goto out;
    }
    rc = 0;
out:
    free(detail);
    return rc;
}

/* ---- session.closed, transfer.complete ---- */

static int add_session_closed(inv_batch_t *b, inv_vctx_t *v, const json_t *m, const inv_head_t *h)
{
    const char *sid, *ended, *started, *reason;
    char rpcs[24], faults[24];

    if (inv_msg_id(v, m, "session_id", MAX_ID, &sid) || inv_msg_ts(v, m, "ended_at", 1, &ended) ||
        inv_msg_ts(v, m, "started_at", 0, &started) ||
        inv_msg_str(v, m, "reason", 0, 0, MAX_TEXT, &reason) ||
        inv_msg_int(v, m, "rpcs", 0, 0, INT_MAX, rpcs) ||
        inv_msg_int(v, m, "faults", 0, 0, INT_MAX, faults))
        return -1;
    const char *row[7] = {sid,    h->device_id,     started,           ended,
                          reason, inv_msg_nz(rpcs), inv_msg_nz(faults)};
    inv_batch_add_row(b, INV_OP_CLOSES, row);
    return 0;
}

static int add_transfer_complete(inv_batch_t *b, inv_vctx_t *v, const json_t *m,
                                 const inv_head_t *h)
{
    const char *sid, *key, *start, *complete, *at, *fstring = NULL;
    json_t *fault, *detail = NULL;
    char code[24] = "0", *dump = NULL;
    int rc = -1;

    if (inv_msg_id(v, m, "session_id", MAX_ID, &sid) ||
        inv_msg_str(v, m, "command_key", 0, 0, MAX_COMMAND_KEY, &key) ||
        inv_msg_str(v, m, "start_time", 0, 0, MAX_CWMP_TIME, &start) ||
        inv_msg_str(v, m, "complete_time", 0, 0, MAX_CWMP_TIME, &complete) ||
        inv_msg_ts(v, m, "received_at", 0, &at) || inv_msg_obj(v, m, "fault", 0, &fault))
        goto out;
    if (fault && inv_msg_fault(v, fault, code, &fstring, &dump) != 0)
        goto out;

    const char *ev[5] = {h->device_id, sid, "7 TRANSFER COMPLETE", key ? key : "", at};
    inv_batch_add_row(b, INV_OP_EVENTS, ev);
    const char *done[9] = {h->message_id, h->device_id, sid, key ? key : "", code, fstring,
                           start,         complete,     at};
    inv_batch_add_row(b, INV_OP_XFER_DONE, done);
    if (fault && strcmp(code, "0") != 0) {
        /* The detail keeps what the fault alone does not say. */
        free(dump);
        detail = json_object();
        json_object_set_new(detail, "command_key", json_string(key ? key : ""));
        json_object_set(detail, "fault", fault);
        if (start)
            json_object_set_new(detail, "start_time", json_string(start));
        if (complete)
            json_object_set_new(detail, "complete_time", json_string(complete));
        dump = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
        const char *f[9] = {h->message_id, h->device_id, sid,  NULL, "TransferComplete",
                            code,          fstring,      dump, at};
        inv_batch_add_row(b, INV_OP_FAULTS, f);
    }
    rc = 0;
out:
    json_decref(detail);
    free(dump);
    return rc;
}

/* ---- entry point ---- */

static int read_head(inv_vctx_t *v, const json_t *m, inv_head_t *h, inv_msg_type_t *type)
{
    char version[24];
    int t;

    if (inv_msg_str(v, m, "type", 1, 1, 64, &h->type) != 0)
        return -1;
    for (t = 0; t < INV_MSG_TYPE_COUNT; t++)
        if (strcmp(h->type, type_names[t]) == 0)
            break;
    if (t == INV_MSG_TYPE_COUNT)
        return inv_msg_fail(v, INV_REJECT_UNKNOWN_TYPE, "unknown type \"%.64s\"", h->type);
    *type = (inv_msg_type_t)t;
    if (json_is_integer(json_object_get(m, "version")) &&
        json_integer_value(json_object_get(m, "version")) != 1)
        return inv_msg_fail(v, INV_REJECT_BAD_VERSION, "version %" JSON_INTEGER_FORMAT " is not 1",
                            json_integer_value(json_object_get(m, "version")));
    if (inv_msg_int(v, m, "version", 1, 1, 1, version) ||
        inv_msg_id(v, m, "message_id", MAX_ID, &h->message_id) ||
        inv_msg_str(v, m, "device_id", 1, 1, ACS_DEVICE_ID_MAX, &h->device_id))
        return -1;
    if (!acs_device_id_valid(h->device_id))
        return inv_msg_fail(v, INV_REJECT_BAD_FIELD, "\"device_id\" is not an escaped device id");
    return 0;
}

int inv_msg_add(inv_batch_t *b, const char *body, size_t len, inv_msg_type_t *type,
                inv_reject_t *reason, char *err, size_t errlen)
{
    inv_vctx_t v = {INV_REJECT_BAD_JSON, err, errlen};
    json_error_t je;
    json_t *m = NULL;
    inv_head_t h;
    inv_mark_t mk;
    int rc = -1;

    if (errlen)
        err[0] = '\0';
    if (len > INV_MSG_MAX_BODY) {
        inv_msg_fail(&v, INV_REJECT_TOO_LARGE, "body of %zu bytes (limit %u)", len,
                     INV_MSG_MAX_BODY);
        goto out;
    }
    m = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
    if (!m) {
        inv_msg_fail(&v, INV_REJECT_BAD_JSON, "line %d column %d: %s", je.line, je.column, je.text);
        goto out;
    }
    if (!json_is_object(m)) {
        inv_msg_fail(&v, INV_REJECT_BAD_JSON, "not a JSON object");
        goto out;
    }
    if (read_head(&v, m, &h, type) != 0)
        goto out;
    inv_batch_mark(b, &mk);
    switch (*type) {
    case INV_MSG_INFORM:
        rc = add_inform(b, &v, m, &h);
        break;
    case INV_MSG_RPC_RESULT:
        rc = add_rpc_result(b, &v, m, &h);
        break;
    case INV_MSG_SESSION_CLOSED:
        rc = add_session_closed(b, &v, m, &h);
        break;
    case INV_MSG_TRANSFER_COMPLETE:
        rc = add_transfer_complete(b, &v, m, &h);
        break;
    default:
        rc = inv_msg_cpe_add(b, &v, m, &h, *type);
        break;
    }
    if (rc != 0)
        inv_batch_restore(b, &mk);
out:
    if (rc != 0)
        *reason = v.reason;
    json_decref(m);
    return rc;
}
