/* inv_msg: see inv_msg.h.
 *
 * Each message is checked field by field while its rows are appended; on
 * the first bad field the batch is put back to the mark taken before the
 * message, so a rejected message leaves nothing behind.
 */
#include "inv_msg.h"

#include "acs_buf.h"
#include "acs_util.h"

#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bounds, from proto-json/common.schema.json where it has one. */
#define MAX_ID 255           /* message_id, session_id, gateway, remote_addr */
#define MAX_RPC_ID 64        /* rpc_id: [A-Za-z0-9._:-]{1,64} */
#define MAX_NAME 256         /* parameter name */
#define MAX_VALUE 65536      /* parameter value */
#define MAX_TYPE 64          /* xsi:type local part */
#define MAX_DEVICE_FIELD 256 /* OUI, ProductClass, SerialNumber, Manufacturer (64 in CWMP) */
#define MAX_EVENT_CODE 64
/* The schema says string(32); a CPE that sends a longer CommandKey harms
 * nothing here, and refusing its whole Inform would lose the Inform. */
#define MAX_COMMAND_KEY 256
#define MAX_TEXT 1024 /* fault strings, reasons */
#define MAX_EVENTS 64 /* as the SOAP codec bounds them */
#define MAX_CWMP_TIME 64

static const int op_ncols[INV_OP_COUNT] = {15, 6, 5, 5, 8, 9, 7};

struct inv_batch {
    acs_buf_t col[INV_OP_COUNT][INV_OP_MAXCOLS]; /* each always "{...}" */
    size_t rows[INV_OP_COUNT];
    size_t bootstraps;
};

/* Where the batch stood before a message, to undo it. */
typedef struct {
    size_t len[INV_OP_COUNT][INV_OP_MAXCOLS];
    size_t rows[INV_OP_COUNT];
    size_t bootstraps;
} mark_t;

/* Validation state: the first failure wins. */
typedef struct {
    inv_reject_t reason;
    char *err;
    size_t errlen;
} vctx_t;

/* What an Inform says about its device row. */
typedef struct {
    const char *session_id, *at, *addr, *gateway, *cwmp_version;
    const char *oui, *product_class, *serial, *manufacturer;
    const char *sw, *hw, *cr_url;
    char pii[16];                   /* PeriodicInformInterval as a decimal, "" if none */
    char event_session[MAX_ID + 8]; /* session_id, or "msg:" + message_id */
    int boot, bootstrap;
} inform_t;

typedef struct {
    const char *type, *message_id, *device_id;
} head_t;

static const char *const reject_names[INV_REJECT_COUNT] = {
    "bad-json",      "too-large", "bad-version", "unknown-type",
    "missing-field", "bad-field", "data-error",
};

static const char *const type_names[INV_MSG_TYPE_COUNT] = {
    "inform",
    "rpc.result",
    "session.closed",
    "transfer.complete",
};

const char *inv_msg_reject_name(inv_reject_t r)
{
    return (unsigned)r < INV_REJECT_COUNT ? reject_names[r] : "unknown";
}

const char *inv_msg_type_name(inv_msg_type_t t)
{
    return (unsigned)t < INV_MSG_TYPE_COUNT ? type_names[t] : "unknown";
}

/* ---- the batch ---- */

inv_batch_t *inv_batch_new(void)
{
    inv_batch_t *b = acs_xcalloc(1, sizeof *b);
    inv_batch_reset(b);
    return b;
}

void inv_batch_reset(inv_batch_t *b)
{
    for (int op = 0; op < INV_OP_COUNT; op++) {
        for (int c = 0; c < op_ncols[op]; c++) {
            acs_buf_reset(&b->col[op][c]);
            acs_buf_puts(&b->col[op][c], "{}");
        }
        b->rows[op] = 0;
    }
    b->bootstraps = 0;
}

void inv_batch_free(inv_batch_t **pb)
{
    if (!pb || !*pb)
        return;
    for (int op = 0; op < INV_OP_COUNT; op++)
        for (int c = 0; c < INV_OP_MAXCOLS; c++)
            acs_buf_free(&(*pb)->col[op][c]);
    free(*pb);
    *pb = NULL;
}

int inv_batch_ncols(inv_op_t op)
{
    return (unsigned)op < INV_OP_COUNT ? op_ncols[op] : 0;
}

size_t inv_batch_rows(const inv_batch_t *b, inv_op_t op)
{
    return (unsigned)op < INV_OP_COUNT ? b->rows[op] : 0;
}

size_t inv_batch_total_rows(const inv_batch_t *b)
{
    size_t n = 0;
    for (int op = 0; op < INV_OP_COUNT; op++)
        n += b->rows[op];
    return n;
}

size_t inv_batch_bootstraps(const inv_batch_t *b)
{
    return b->bootstraps;
}

const char *inv_batch_array(const inv_batch_t *b, inv_op_t op, int col)
{
    if ((unsigned)op >= INV_OP_COUNT || col < 0 || col >= op_ncols[op])
        return "{}";
    return b->col[op][col].data;
}

static void batch_mark(const inv_batch_t *b, mark_t *m)
{
    for (int op = 0; op < INV_OP_COUNT; op++) {
        for (int c = 0; c < op_ncols[op]; c++)
            m->len[op][c] = b->col[op][c].len;
        m->rows[op] = b->rows[op];
    }
    m->bootstraps = b->bootstraps;
}

/* Back to the mark. Every column ended in '}' there, and appending only
 * overwrote that brace and wrote after it. */
static void batch_restore(inv_batch_t *b, const mark_t *m)
{
    for (int op = 0; op < INV_OP_COUNT; op++) {
        for (int c = 0; c < op_ncols[op]; c++) {
            acs_buf_t *col = &b->col[op][c];
            col->len = m->len[op][c];
            col->data[col->len - 1] = '}';
            col->data[col->len] = '\0';
        }
        b->rows[op] = m->rows[op];
    }
    b->bootstraps = m->bootstraps;
}

/* Append one element to an array literal: NULL, or the string in double
 * quotes with " and \ backslash-escaped (array_in's rules; quoting every
 * element makes commas, braces, spaces and the word NULL safe). */
static void col_push(acs_buf_t *col, const char *v)
{
    col->len--; /* drop the closing brace */
    if (col->len > 1)
        acs_buf_append(col, ",", 1);
    if (!v) {
        acs_buf_puts(col, "NULL");
    } else {
        acs_buf_append(col, "\"", 1);
        while (*v) {
            size_t n = strcspn(v, "\"\\");
            acs_buf_append(col, v, n);
            v += n;
            if (*v) {
                acs_buf_append(col, "\\", 1);
                acs_buf_append(col, v++, 1);
            }
        }
        acs_buf_append(col, "\"", 1);
    }
    acs_buf_append(col, "}", 1);
}

static void row_add(inv_batch_t *b, inv_op_t op, const char *const *v)
{
    for (int c = 0; c < op_ncols[op]; c++)
        col_push(&b->col[op][c], v[c]);
    b->rows[op]++;
}

/* ---- field readers ---- */

static int fail(vctx_t *v, inv_reject_t r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(vctx_t *v, inv_reject_t r, const char *fmt, ...)
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
static int prefix(vctx_t *v, const char *what, long i)
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
static int get_str(vctx_t *v, const json_t *obj, const char *key, int required, size_t min,
                   size_t max, const char **out)
{
    json_t *j = json_object_get(obj, key);

    *out = NULL;
    if (!j || json_is_null(j))
        return required ? fail(v, INV_REJECT_MISSING_FIELD, "missing \"%s\"", key) : 0;
    if (!json_is_string(j))
        return fail(v, INV_REJECT_BAD_FIELD, "\"%s\" is not a string", key);
    if (json_string_length(j) < min || json_string_length(j) > max)
        return fail(v, INV_REJECT_BAD_FIELD, "\"%s\" is not %zu to %zu bytes long", key, min, max);
    *out = json_string_value(j);
    return 0;
}

/* A required non-empty id of at most max bytes, printable ASCII without
 * spaces (session ids and message ids end up in log lines). */
static int get_id(vctx_t *v, const json_t *obj, const char *key, size_t max, const char **out)
{
    if (get_str(v, obj, key, 1, 1, max, out) != 0)
        return -1;
    for (const char *p = *out; *p; p++)
        if (*p < '!' || *p > '~')
            return fail(v, INV_REJECT_BAD_FIELD, "\"%s\" has a character outside [!-~]", key);
    return 0;
}

/* Like get_id, but absent (or null) is allowed: *out is then NULL. */
static int get_opt_id(vctx_t *v, const json_t *obj, const char *key, const char **out)
{
    json_t *j = json_object_get(obj, key);

    *out = NULL;
    if (!j || json_is_null(j))
        return 0;
    return get_id(v, obj, key, MAX_ID, out);
}

static int get_ts(vctx_t *v, const json_t *obj, const char *key, int required, const char **out)
{
    if (get_str(v, obj, key, required, 1, 64, out) != 0)
        return -1;
    if (*out && !inv_msg_timestamp_valid(*out))
        return fail(v, INV_REJECT_BAD_FIELD, "\"%s\" is not an RFC 3339 timestamp", key);
    return 0;
}

/* obj.key as an integer in [min, max], printed in decimal into out[24];
 * out is "" when absent and not required. */
static int get_int(vctx_t *v, const json_t *obj, const char *key, int required, json_int_t min,
                   json_int_t max, char out[24])
{
    json_t *j = json_object_get(obj, key);

    out[0] = '\0';
    if (!j || json_is_null(j))
        return required ? fail(v, INV_REJECT_MISSING_FIELD, "missing \"%s\"", key) : 0;
    if (!json_is_integer(j))
        return fail(v, INV_REJECT_BAD_FIELD, "\"%s\" is not an integer", key);
    if (json_integer_value(j) < min || json_integer_value(j) > max)
        return fail(v, INV_REJECT_BAD_FIELD, "\"%s\" is out of range", key);
    snprintf(out, 24, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
    return 0;
}

/* obj.key as an object (NULL when absent and not required). */
static int get_obj(vctx_t *v, const json_t *obj, const char *key, int required, json_t **out)
{
    json_t *j = json_object_get(obj, key);

    *out = NULL;
    if (!j || json_is_null(j))
        return required ? fail(v, INV_REJECT_MISSING_FIELD, "missing \"%s\"", key) : 0;
    if (!json_is_object(j))
        return fail(v, INV_REJECT_BAD_FIELD, "\"%s\" is not an object", key);
    *out = j;
    return 0;
}

static int get_array(vctx_t *v, const json_t *obj, const char *key, int required, json_t **out)
{
    json_t *j = json_object_get(obj, key);

    *out = NULL;
    if (!j || json_is_null(j))
        return required ? fail(v, INV_REJECT_MISSING_FIELD, "missing \"%s\"", key) : 0;
    if (!json_is_array(j))
        return fail(v, INV_REJECT_BAD_FIELD, "\"%s\" is not an array", key);
    *out = j;
    return 0;
}

static const char *nz(const char *s)
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
static int add_param(inv_batch_t *b, vctx_t *v, const json_t *p, const char *device_id,
                     const char *at, inform_t *f)
{
    const char *name, *value, *type;

    if (!json_is_object(p))
        return fail(v, INV_REJECT_BAD_FIELD, "not an object");
    if (get_str(v, p, "name", 1, 1, MAX_NAME, &name) ||
        get_str(v, p, "value", 1, 0, MAX_VALUE, &value) ||
        get_str(v, p, "type", 0, 1, MAX_TYPE, &type))
        return -1;
    const char *row[5] = {device_id, name, value, type ? type : "string", at};
    row_add(b, INV_OP_PARAMS, row);
    if (f)
        note_param(f, name, value);
    return 0;
}

static int add_params(inv_batch_t *b, vctx_t *v, const json_t *list, const char *what,
                      const char *device_id, const char *at, inform_t *f)
{
    size_t i;
    json_t *p;

    json_array_foreach(list, i, p)
    {
        if (add_param(b, v, p, device_id, at, f) != 0)
            return prefix(v, what, (long)i);
    }
    return 0;
}

/* ---- inform ---- */

static int read_device(vctx_t *v, const json_t *m, inform_t *f)
{
    json_t *d;

    if (get_obj(v, m, "device", 1, &d) != 0)
        return -1;
    if (get_str(v, d, "oui", 1, 1, MAX_DEVICE_FIELD, &f->oui) ||
        get_str(v, d, "serial_number", 1, 1, MAX_DEVICE_FIELD, &f->serial) ||
        get_str(v, d, "product_class", 0, 0, MAX_DEVICE_FIELD, &f->product_class) ||
        get_str(v, d, "manufacturer", 0, 0, MAX_DEVICE_FIELD, &f->manufacturer))
        return prefix(v, "device", -1);
    return 0;
}

static int add_events(inv_batch_t *b, vctx_t *v, const json_t *m, const head_t *h, inform_t *f)
{
    json_t *list, *e;
    const char *code, *key;
    size_t i;

    if (get_array(v, m, "events", 1, &list) != 0)
        return -1;
    if (json_array_size(list) > MAX_EVENTS)
        return fail(v, INV_REJECT_BAD_FIELD, "more than %d events", MAX_EVENTS);
    json_array_foreach(list, i, e)
    {
        if (!json_is_object(e)) {
            fail(v, INV_REJECT_BAD_FIELD, "not an object");
            return prefix(v, "events", (long)i);
        }
        if (get_str(v, e, "code", 1, 1, MAX_EVENT_CODE, &code) ||
            get_str(v, e, "command_key", 0, 0, MAX_COMMAND_KEY, &key))
            return prefix(v, "events", (long)i);
        if (strcmp(code, "0 BOOTSTRAP") == 0)
            f->bootstrap = 1;
        else if (strcmp(code, "1 BOOT") == 0)
            f->boot = 1;
        const char *row[5] = {h->device_id, f->event_session, code, key ? key : "", f->at};
        row_add(b, INV_OP_EVENTS, row);
    }
    return 0;
}

static int add_inform(inv_batch_t *b, vctx_t *v, const json_t *m, const head_t *h)
{
    inform_t f;
    json_t *params;

    memset(&f, 0, sizeof f);
    if (get_opt_id(v, m, "session_id", &f.session_id) || get_ts(v, m, "received_at", 1, &f.at) ||
        read_device(v, m, &f) || get_str(v, m, "remote_addr", 0, 0, MAX_ID, &f.addr) ||
        get_str(v, m, "gateway", 0, 0, MAX_ID, &f.gateway) ||
        get_str(v, m, "cwmp_version", 0, 0, 16, &f.cwmp_version) ||
        get_array(v, m, "parameters", 0, &params))
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
                           nz(f.addr),
                           nz(f.cwmp_version),
                           f.sw,
                           f.hw,
                           nz(f.pii),
                           f.cr_url,
                           f.session_id,
                           f.boot ? f.at : NULL,
                           f.bootstrap ? f.at : NULL};
    row_add(b, INV_OP_DEVICES, dev);
    const char *ses[6] = {f.session_id, h->device_id,       f.at,
                          nz(f.addr),   nz(f.cwmp_version), nz(f.gateway)};
    if (f.session_id)
        row_add(b, INV_OP_SESSIONS, ses);
    if (f.bootstrap)
        b->bootstraps++;
    return 0;
}

/* ---- rpc.result ---- */

static int check_rpc_id(vctx_t *v, const char *id)
{
    if (strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-") !=
        strlen(id))
        return fail(v, INV_REJECT_BAD_FIELD, "\"id\" has a character outside [A-Za-z0-9._:-]");
    return 0;
}

/* A CPE fault {code, string, ...}: code and string into the out params,
 * the whole object as compact JSON into *detail (caller frees). */
static int read_fault(vctx_t *v, const json_t *fault, char code[24], const char **string,
                      char **detail)
{
    *detail = NULL;
    if (get_int(v, fault, "code", 1, 0, INT_MAX, code) ||
        get_str(v, fault, "string", 0, 0, MAX_TEXT, string))
        return prefix(v, "fault", -1);
    *detail = json_dumps(fault, JSON_COMPACT | JSON_SORT_KEYS);
    return *detail ? 0 : fail(v, INV_REJECT_BAD_FIELD, "fault cannot be serialised");
}

static int add_rpc_result(inv_batch_t *b, vctx_t *v, const json_t *m, const head_t *h)
{
    const char *id, *sid, *method, *status, *at, *reason, *detail_text, *fstring = NULL;
    json_t *fault = NULL, *result, *params = NULL;
    char code[24], *detail = NULL;
    int rc = -1;

    if (get_str(v, m, "id", 1, 1, MAX_RPC_ID, &id) || check_rpc_id(v, id) ||
        get_id(v, m, "session_id", MAX_ID, &sid) || get_str(v, m, "method", 1, 1, 64, &method) ||
        get_str(v, m, "status", 1, 1, 16, &status) || get_ts(v, m, "completed_at", 1, &at) ||
        get_str(v, m, "reason", 0, 0, MAX_TEXT, &reason) ||
        get_str(v, m, "detail", 0, 0, MAX_TEXT, &detail_text) ||
        get_obj(v, m, "result", 0, &result))
        goto out;
    if (strcmp(status, "ok") != 0 && strcmp(status, "fault") != 0 &&
        strcmp(status, "failed") != 0) {
        fail(v, INV_REJECT_BAD_FIELD, "\"status\" is not ok, fault or failed");
        goto out;
    }
    if (strcmp(status, "fault") == 0 &&
        (get_obj(v, m, "fault", 1, &fault) || read_fault(v, fault, code, &fstring, &detail)))
        goto out;
    if (strcmp(status, "ok") == 0 && strcmp(method, "GetParameterValues") == 0 && result &&
        (get_array(v, result, "parameters", 0, &params) ||
         (params && add_params(b, v, params, "result.parameters", h->device_id, at, NULL))))
        goto out;

    const char *row[8] = {id, h->device_id, sid, method, status, reason, at, detail_text};
    row_add(b, INV_OP_RPCS, row);
    if (fault) {
        const char *f[9] = {h->message_id, h->device_id, sid,    id, method,
                            code,          fstring,      detail, at};
        row_add(b, INV_OP_FAULTS, f);
    }
    rc = 0;
out:
    free(detail);
    return rc;
}

/* ---- session.closed, transfer.complete ---- */

static int add_session_closed(inv_batch_t *b, vctx_t *v, const json_t *m, const head_t *h)
{
    const char *sid, *ended, *started, *reason;
    char rpcs[24], faults[24];

    if (get_id(v, m, "session_id", MAX_ID, &sid) || get_ts(v, m, "ended_at", 1, &ended) ||
        get_ts(v, m, "started_at", 0, &started) ||
        get_str(v, m, "reason", 0, 0, MAX_TEXT, &reason) ||
        get_int(v, m, "rpcs", 0, 0, INT_MAX, rpcs) ||
        get_int(v, m, "faults", 0, 0, INT_MAX, faults))
        return -1;
    const char *row[7] = {sid, h->device_id, started, ended, reason, nz(rpcs), nz(faults)};
    row_add(b, INV_OP_CLOSES, row);
    return 0;
}

static int add_transfer_complete(inv_batch_t *b, vctx_t *v, const json_t *m, const head_t *h)
{
    const char *sid, *key, *start, *complete, *at, *fstring = NULL;
    json_t *fault, *detail = NULL;
    char code[24] = "0", *dump = NULL;
    int rc = -1;

    if (get_id(v, m, "session_id", MAX_ID, &sid) ||
        get_str(v, m, "command_key", 0, 0, MAX_COMMAND_KEY, &key) ||
        get_str(v, m, "start_time", 0, 0, MAX_CWMP_TIME, &start) ||
        get_str(v, m, "complete_time", 0, 0, MAX_CWMP_TIME, &complete) ||
        get_ts(v, m, "received_at", 0, &at) || get_obj(v, m, "fault", 0, &fault))
        goto out;
    if (fault && read_fault(v, fault, code, &fstring, &dump) != 0)
        goto out;

    const char *ev[5] = {h->device_id, sid, "7 TRANSFER COMPLETE", key ? key : "", at};
    row_add(b, INV_OP_EVENTS, ev);
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
        row_add(b, INV_OP_FAULTS, f);
    }
    rc = 0;
out:
    json_decref(detail);
    free(dump);
    return rc;
}

/* ---- entry point ---- */

static int read_head(vctx_t *v, const json_t *m, head_t *h, inv_msg_type_t *type)
{
    char version[24];
    int t;

    if (get_str(v, m, "type", 1, 1, 64, &h->type) != 0)
        return -1;
    for (t = 0; t < INV_MSG_TYPE_COUNT; t++)
        if (strcmp(h->type, type_names[t]) == 0)
            break;
    if (t == INV_MSG_TYPE_COUNT)
        return fail(v, INV_REJECT_UNKNOWN_TYPE, "unknown type \"%.64s\"", h->type);
    *type = (inv_msg_type_t)t;
    if (json_is_integer(json_object_get(m, "version")) &&
        json_integer_value(json_object_get(m, "version")) != 1)
        return fail(v, INV_REJECT_BAD_VERSION, "version %" JSON_INTEGER_FORMAT " is not 1",
                    json_integer_value(json_object_get(m, "version")));
    if (get_int(v, m, "version", 1, 1, 1, version) ||
        get_id(v, m, "message_id", MAX_ID, &h->message_id) ||
        get_str(v, m, "device_id", 1, 1, ACS_DEVICE_ID_MAX, &h->device_id))
        return -1;
    if (!acs_device_id_valid(h->device_id))
        return fail(v, INV_REJECT_BAD_FIELD, "\"device_id\" is not an escaped device id");
    return 0;
}

int inv_msg_add(inv_batch_t *b, const char *body, size_t len, inv_msg_type_t *type,
                inv_reject_t *reason, char *err, size_t errlen)
{
    vctx_t v = {INV_REJECT_BAD_JSON, err, errlen};
    json_error_t je;
    json_t *m = NULL;
    head_t h;
    mark_t mk;
    int rc = -1;

    if (errlen)
        err[0] = '\0';
    if (len > INV_MSG_MAX_BODY) {
        fail(&v, INV_REJECT_TOO_LARGE, "body of %zu bytes (limit %u)", len, INV_MSG_MAX_BODY);
        goto out;
    }
    m = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
    if (!m) {
        fail(&v, INV_REJECT_BAD_JSON, "line %d column %d: %s", je.line, je.column, je.text);
        goto out;
    }
    if (!json_is_object(m)) {
        fail(&v, INV_REJECT_BAD_JSON, "not a JSON object");
        goto out;
    }
    if (read_head(&v, m, &h, type) != 0)
        goto out;
    batch_mark(b, &mk);
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
    default:
        rc = add_transfer_complete(b, &v, m, &h);
        break;
    }
    if (rc != 0)
        batch_restore(b, &mk);
out:
    if (rc != 0)
        *reason = v.reason;
    json_decref(m);
    return rc;
}
