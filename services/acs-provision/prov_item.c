/* prov_item: see prov_item.h. */
#include "prov_item.h"

#include "acs_amqp.h"
#include "acs_topology.h"
#include "acs_util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROOT_181 "Device."
#define ROOT_098 "InternetGatewayDevice."

static const char *str_member(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Parse text as a JSON object of type want and version 1. */
static json_t *load(const char *body, size_t len, const char *want, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    const char *type;

    if (!root) {
        snprintf(err, errlen, "not JSON: %s", jerr.text);
        return NULL;
    }
    type = str_member(root, "type");
    if (!json_is_object(root) || !type || strcmp(type, want) != 0) {
        snprintf(err, errlen, "not a %s message", want);
        goto bad;
    }
    if (json_integer_value(json_object_get(root, "version")) != 1 ||
        !json_is_integer(json_object_get(root, "version"))) {
        snprintf(err, errlen, "unknown message version");
        goto bad;
    }
    return root;
bad:
    json_decref(root);
    return NULL;
}

/* Which data model the CPE speaks, from the names it informed. */
static const char *data_root(json_t *params)
{
    size_t i;
    json_t *p;

    json_array_foreach(params, i, p)
    {
        const char *n = str_member(p, "name");
        if (n && strncmp(n, ROOT_098, strlen(ROOT_098)) == 0)
            return ROOT_098;
        if (n && strncmp(n, ROOT_181, strlen(ROOT_181)) == 0)
            return ROOT_181;
    }
    return ROOT_181;
}

static int item_device(prov_item_t *it, char *err, size_t errlen)
{
    json_t *dev = json_object_get(it->root, "device");
    char want[ACS_AMQP_SHORTSTR_MAX + 1];

    it->oui = str_member(dev, "oui");
    it->product_class = str_member(dev, "product_class");
    it->serial = str_member(dev, "serial_number");
    if (!it->oui || !it->serial) {
        snprintf(err, errlen, "device.oui and device.serial_number are required");
        return -1;
    }
    if (!it->product_class)
        it->product_class = "";
    if (acs_topology_device_queue(it->device_id, want, sizeof want) != 0 ||
        strcmp(want, it->device_queue) != 0) {
        snprintf(err, errlen, "device_queue is not halyard.dev.<device_id>");
        return -1;
    }
    return 0;
}

int prov_item_parse(const char *body, size_t len, prov_item_t *it, char *err, size_t errlen)
{
    json_t *wait;

    memset(it, 0, sizeof *it);
    if (!(it->root = load(body, len, "inform", err, errlen)))
        return -1;
    it->session_id = str_member(it->root, "session_id");
    it->device_id = str_member(it->root, "device_id");
    it->device_queue = str_member(it->root, "device_queue");
    wait = json_object_get(it->root, "worker_wait_ms");
    it->events = json_object_get(it->root, "events");
    it->parameters = json_object_get(it->root, "parameters");
    it->credentials = str_member(it->root, "credentials");
    if (!it->session_id || !*it->session_id || strlen(it->session_id) > 255 || !it->device_id ||
        !acs_device_id_valid(it->device_id) || !it->device_queue || !json_is_integer(wait)) {
        snprintf(err, errlen,
                 "session_id, a valid device_id, device_queue and worker_wait_ms "
                 "are required");
        goto bad;
    }
    if (!json_is_array(it->events) || !json_is_array(it->parameters)) {
        snprintf(err, errlen, "events and parameters must be arrays");
        goto bad;
    }
    if (item_device(it, err, errlen) != 0)
        goto bad;
    it->worker_wait_ms = (long)json_integer_value(wait);
    it->data_root = data_root(it->parameters);
    it->received_ms = prov_item_time_ms(str_member(it->root, "received_at"));
    return 0;
bad:
    prov_item_clear(it);
    return -1;
}

void prov_item_clear(prov_item_t *it)
{
    if (it->root)
        json_decref(it->root);
    memset(it, 0, sizeof *it);
}

const char *prov_item_param(const prov_item_t *it, const char *name)
{
    size_t i;
    json_t *p;

    json_array_foreach(it->parameters, i, p)
    {
        const char *n = str_member(p, "name");
        if (n && strcmp(n, name) == 0)
            return str_member(p, "value");
    }
    return NULL;
}

int prov_item_has_event(const prov_item_t *it, const char *code)
{
    size_t i;
    json_t *e;

    json_array_foreach(it->events, i, e)
    {
        const char *c = str_member(e, "code");
        if (c && strcmp(c, code) == 0)
            return 1;
    }
    return 0;
}

/* --- results -------------------------------------------------------------- */

int prov_result_parse(const char *body, size_t len, prov_result_t *r, char *err, size_t errlen)
{
    json_t *fault;

    memset(r, 0, sizeof *r);
    if (!(r->root = load(body, len, "rpc.result", err, errlen)))
        return -1;
    r->id = str_member(r->root, "id");
    r->session_id = str_member(r->root, "session_id");
    r->method = str_member(r->root, "method");
    r->status = str_member(r->root, "status");
    r->reason = str_member(r->root, "reason");
    r->detail = str_member(r->root, "detail");
    if (!r->id || !r->status ||
        (strcmp(r->status, "ok") && strcmp(r->status, "fault") && strcmp(r->status, "failed"))) {
        snprintf(err, errlen, "id and a status of ok, fault or failed are required");
        prov_result_clear(r);
        return -1;
    }
    if (strcmp(r->status, "ok") == 0) {
        r->result = json_object_get(r->root, "result");
        if (!json_is_object(r->result))
            r->result = NULL;
    }
    fault = json_object_get(r->root, "fault");
    r->fault_code = (long)json_integer_value(json_object_get(fault, "code"));
    r->fault_string = str_member(fault, "string");
    if (!r->fault_string)
        r->fault_string = "";
    if (!r->reason && strcmp(r->status, "failed") == 0)
        r->reason = "unknown";
    return 0;
}

void prov_result_clear(prov_result_t *r)
{
    if (r->root)
        json_decref(r->root);
    memset(r, 0, sizeof *r);
}

/* --- messages we publish ----------------------------------------------------- */

static char *dump(json_t *m)
{
    char *s = json_dumps(m, JSON_COMPACT);
    json_decref(m);
    return s;
}

char *prov_item_rpc_message(const prov_item_t *it, const char *rpc_id, const char *method,
                            json_t *params, char msg_id[37])
{
    acs_uuid(msg_id);
    return dump(json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:O}", "type", "rpc", "version", 1,
                          "message_id", msg_id, "id", rpc_id, "device_id", it->device_id,
                          "session_id", it->session_id, "method", method, "params", params));
}

char *prov_item_done_message(const prov_item_t *it, char msg_id[37])
{
    acs_uuid(msg_id);
    return dump(json_pack("{s:s, s:i, s:s, s:s, s:s}", "type", "done", "version", 1, "message_id",
                          msg_id, "device_id", it->device_id, "session_id", it->session_id));
}

/* --- time ---------------------------------------------------------------- */

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int64_t prov_item_time_ms(const char *s)
{
    struct tm tm;
    int y, mo, d, h, mi, sec, ms = 0, oh = 0, om = 0, sign = 0;
    const char *p;

    if (!s || strlen(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
        s[13] != ':' || s[16] != ':' || digits(s, 4, &y) || digits(s + 5, 2, &mo) ||
        digits(s + 8, 2, &d) || digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) ||
        digits(s + 17, 2, &sec))
        return 0;
    p = s + 19;
    if (*p == '.') {
        int scale = 100;
        for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
            ms += (*p - '0') * scale;
    }
    if (*p == '+' || *p == '-') {
        sign = *p == '-' ? -1 : 1;
        if (strlen(p) != 6 || p[3] != ':' || digits(p + 1, 2, &oh) || digits(p + 4, 2, &om))
            return 0;
    } else if ((*p != 'Z' && *p != 'z') || p[1]) {
        return 0;
    }
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    return ((int64_t)timegm(&tm) - sign * (oh * 3600 + om * 60)) * 1000 + ms;
}
