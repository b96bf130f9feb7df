/* cwmp_json_resp: the CPE's responses and faults -> the JSON bodies of
 * cwmp.h (its requests are in cwmp_json.c).
 *
 * Same rules as there: children matched by local name in any namespace,
 * unknown ones ignored (quirk 11), arrays read by counting children (quirk
 * 6), names and numbers trimmed (quirk 12). A response that breaks the
 * shape of its method (a Status of 2, no InstanceNumber) is an error; a
 * vendor or unknown response passes through generically.
 */
#include "cwmp.h"
#include "cwmp_internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest method name in a MethodList, in characters. */
#define MAX_METHOD_NAME 64
/* Entries in an AccessList (SetParameterAttributes sends at most 64). */
#define MAX_ACCESS_LIST 64
/* QueuedTransferStructs in a TransferList: the XSD says 16, some room. */
#define MAX_TRANSFERS 64
/* Longest time text passed on (proto-json cwmp_time). */
#define MAX_TIME 64

static json_t *gpn_response(xmlNodePtr rpc, char *err, size_t errlen)
{
    const char *m = "GetParameterNamesResponse";
    json_t *body = json_object(), *arr = json_array();

    json_object_set_new(body, "parameters", arr);
    for (xmlNodePtr p = cwmp_x_first(cwmp_x_child(rpc, "ParameterList")); p; p = cwmp_x_next(p)) {
        json_t *o;

        if (!cwmp_x_child(p, "Name"))
            continue;
        o = json_object();
        json_array_append_new(arr, o);
        if (cwmp_x_set_str(o, "name", p, "Name", m, CWMP_MAX_NAME, 1, err, errlen) != 0 ||
            cwmp_x_set_bool(o, "writable", p, "Writable", "GetParameterNamesResponse: Writable", -1,
                            err, errlen) != 0)
            goto fail;
    }
    return body;
fail:
    json_decref(body);
    return NULL;
}

static json_t *rpc_methods_response(xmlNodePtr rpc, char *err, size_t errlen)
{
    json_t *body = json_object(), *arr = json_array();

    json_object_set_new(body, "methods", arr);
    for (xmlNodePtr s = cwmp_x_first(cwmp_x_child(rpc, "MethodList")); s; s = cwmp_x_next(s)) {
        char *name;
        if (cwmp_x_text(s, "GetRPCMethodsResponse: MethodList", MAX_METHOD_NAME, 1, &name, NULL,
                        err, errlen) != 0) {
            json_decref(body);
            return NULL;
        }
        if (*name)
            json_array_append_new(arr, json_string(name));
        free(name);
    }
    return body;
}

/* AccessList -> [str], trimmed, empty entries skipped. */
static int access_list(json_t *o, xmlNodePtr p, char *err, size_t errlen)
{
    json_t *arr = json_array();

    json_object_set_new(o, "access_list", arr);
    for (xmlNodePtr s = cwmp_x_first(cwmp_x_child(p, "AccessList")); s; s = cwmp_x_next(s)) {
        char *v;
        if (json_array_size(arr) >= MAX_ACCESS_LIST) {
            cwmp_seterr(err, errlen,
                        "GetParameterAttributesResponse: more than %d AccessList "
                        "entries",
                        MAX_ACCESS_LIST);
            return -1;
        }
        if (cwmp_x_text(s, "GetParameterAttributesResponse: AccessList", 64, 1, &v, NULL, err,
                        errlen) != 0)
            return -1;
        if (*v)
            json_array_append_new(arr, json_string(v));
        free(v);
    }
    return 0;
}

/* ParameterAttributeStruct list -> [{"name","notification","access_list"}];
 * entries without a Name are skipped, a missing Notification reads 0. */
static json_t *gpa_response(xmlNodePtr rpc, char *err, size_t errlen)
{
    const char *m = "GetParameterAttributesResponse";
    json_t *body = json_object(), *arr = json_array();

    json_object_set_new(body, "parameters", arr);
    for (xmlNodePtr p = cwmp_x_first(cwmp_x_child(rpc, "ParameterList")); p; p = cwmp_x_next(p)) {
        json_t *o;

        if (!cwmp_x_child(p, "Name"))
            continue;
        o = json_object();
        json_array_append_new(arr, o);
        if (cwmp_x_set_str(o, "name", p, "Name", m, CWMP_MAX_NAME, 1, err, errlen) != 0 ||
            cwmp_x_set_int(o, "notification", p, "Notification",
                           "GetParameterAttributesResponse: Notification", 0, 0, 6, err,
                           errlen) != 0 ||
            access_list(o, p, err, errlen) != 0)
            goto fail;
    }
    return body;
fail:
    json_decref(body);
    return NULL;
}

/* body[key] = the mandatory integer child in [min, max]. */
static int req_int(json_t *body, const char *key, xmlNodePtr rpc, const char *child, const char *m,
                   long long min, long long max, char *err, size_t errlen)
{
    char what[CWMP_WHAT_MAX];
    long long v;

    snprintf(what, sizeof(what), "%sResponse: %s", m, child);
    if (cwmp_x_get_int(rpc, child, what, 1, 0, min, max, &v, err, errlen) != 0)
        return -1;
    json_object_set_new(body, key, json_integer(v));
    return 0;
}

static json_t *add_object_response(xmlNodePtr rpc, char *err, size_t errlen)
{
    json_t *body = json_object();

    if (req_int(body, "instance_number", rpc, "InstanceNumber", "AddObject", 1, UINT_MAX, err,
                errlen) != 0 ||
        req_int(body, "status", rpc, "Status", "AddObject", 0, 1, err, errlen) != 0) {
        json_decref(body);
        return NULL;
    }
    return body;
}

static json_t *status_response(const char *m, xmlNodePtr rpc, char *err, size_t errlen)
{
    json_t *body = json_object();

    if (req_int(body, "status", rpc, "Status", m, 0, 1, err, errlen) != 0) {
        json_decref(body);
        return NULL;
    }
    return body;
}

/* DownloadResponse, UploadResponse: Status and the two times as sent. */
static json_t *transfer_response(const char *m, xmlNodePtr rpc, char *err, size_t errlen)
{
    json_t *body = status_response(m, rpc, err, errlen);
    char what[CWMP_WHAT_MAX];

    snprintf(what, sizeof(what), "%sResponse: times", m);
    if (body &&
        (cwmp_x_set_str(body, "start_time", rpc, "StartTime", what, MAX_TIME, 1, err, errlen) ||
         cwmp_x_set_str(body, "complete_time", rpc, "CompleteTime", what, MAX_TIME, 1, err,
                        errlen))) {
        json_decref(body);
        return NULL;
    }
    return body;
}

/* One (All)QueuedTransferStruct into arr. */
static int queued_transfer(json_t *arr, xmlNodePtr t, int all, char *err, size_t errlen)
{
    const char *m = all ? "GetAllQueuedTransfersResponse" : "GetQueuedTransfersResponse";
    json_t *o = json_object();
    char what[CWMP_WHAT_MAX];
    long long state;

    json_array_append_new(arr, o);
    snprintf(what, sizeof(what), "%s: State", m);
    if (cwmp_x_set_str(o, "command_key", t, "CommandKey", m, CWMP_MAX_KEY, 0, err, errlen) != 0 ||
        cwmp_x_get_int(t, "State", what, 1, 0, 1, 3, &state, err, errlen) != 0)
        return -1;
    json_object_set_new(o, "state", json_integer(state));
    if (!all)
        return 0;
    snprintf(what, sizeof(what), "%s: IsDownload", m);
    if (cwmp_x_set_bool(o, "is_download", t, "IsDownload", what, -1, err, errlen) != 0 ||
        cwmp_x_set_str(o, "file_type", t, "FileType", m, 64, 1, err, errlen) != 0 ||
        cwmp_x_set_int(o, "file_size", t, "FileSize", m, 0, 0, LLONG_MAX, err, errlen) != 0 ||
        cwmp_x_set_str(o, "target_file_name", t, "TargetFileName", m, 256, 0, err, errlen) != 0)
        return -1;
    return 0;
}

static json_t *queued_transfers_response(xmlNodePtr rpc, int all, char *err, size_t errlen)
{
    json_t *body = json_object(), *arr = json_array();

    json_object_set_new(body, "transfers", arr);
    for (xmlNodePtr t = cwmp_x_first(cwmp_x_child(rpc, "TransferList")); t; t = cwmp_x_next(t)) {
        if (json_array_size(arr) >= MAX_TRANSFERS) {
            cwmp_seterr(err, errlen, "TransferList: more than %d entries", MAX_TRANSFERS);
            goto fail;
        }
        if (queued_transfer(arr, t, all, err, errlen) != 0)
            goto fail;
    }
    return body;
fail:
    json_decref(body);
    return NULL;
}

/* Unknown responses pass through: leaf -> string, element -> object,
 * repeated names -> array. Depth is bounded by the parse limits. */
static json_t *generic(xmlNodePtr n, char *err, size_t errlen)
{
    json_t *obj;

    if (!cwmp_x_first(n)) {
        char *s;
        size_t len;
        json_t *j;
        if (cwmp_x_text(n, (const char *)n->name, 0, 0, &s, &len, err, errlen) != 0)
            return NULL;
        j = json_stringn(s, len);
        free(s);
        return j;
    }
    obj = json_object();
    for (xmlNodePtr c = cwmp_x_first(n); c; c = cwmp_x_next(c)) {
        const char *key = (const char *)c->name;
        json_t *v = generic(c, err, errlen), *prev;
        if (!v) {
            json_decref(obj);
            return NULL;
        }
        prev = json_object_get(obj, key);
        if (!prev) {
            json_object_set_new(obj, key, v);
        } else if (json_is_array(prev)) {
            json_array_append_new(prev, v);
        } else {
            json_t *arr = json_array();
            json_array_append(arr, prev);
            json_array_append_new(arr, v);
            json_object_set_new(obj, key, arr);
        }
    }
    return obj;
}

/* Responses that carry nothing: {} whatever the CPE put inside. */
static const char *const empty_responses[] = {
    "Reboot",           "FactoryReset",   "SetParameterAttributes", "ScheduleInform",
    "ScheduleDownload", "CancelTransfer", "ChangeDUState",          NULL,
};

json_t *cwmp_json_response(const char *method, xmlNodePtr rpc, char *err, size_t errlen)
{
    for (size_t i = 0; empty_responses[i]; i++)
        if (strcmp(method, empty_responses[i]) == 0)
            return json_object();
    if (strcmp(method, "GetParameterValues") == 0) {
        json_t *p = cwmp_json_param_values(cwmp_x_child(rpc, "ParameterList"), err, errlen);
        return p ? json_pack("{s:o}", "parameters", p) : NULL;
    }
    if (strcmp(method, "SetParameterValues") == 0) {
        json_t *body = json_object();
        if (cwmp_x_set_int(body, "status", rpc, "Status", "SetParameterValuesResponse: Status", 0,
                           0, 1, err, errlen) != 0) {
            json_decref(body);
            return NULL;
        }
        return body;
    }
    if (strcmp(method, "GetParameterNames") == 0)
        return gpn_response(rpc, err, errlen);
    if (strcmp(method, "GetRPCMethods") == 0)
        return rpc_methods_response(rpc, err, errlen);
    if (strcmp(method, "GetParameterAttributes") == 0)
        return gpa_response(rpc, err, errlen);
    if (strcmp(method, "AddObject") == 0)
        return add_object_response(rpc, err, errlen);
    if (strcmp(method, "DeleteObject") == 0)
        return status_response(method, rpc, err, errlen);
    if (strcmp(method, "Download") == 0 || strcmp(method, "Upload") == 0)
        return transfer_response(method, rpc, err, errlen);
    if (strcmp(method, "GetQueuedTransfers") == 0)
        return queued_transfers_response(rpc, 0, err, errlen);
    if (strcmp(method, "GetAllQueuedTransfers") == 0)
        return queued_transfers_response(rpc, 1, err, errlen);
    if (!cwmp_x_first(rpc))
        return json_object(); /* an argument-less vendor response */
    return generic(rpc, err, errlen);
}

/* ---- faults (cwmp-reference.md 4.1) -------------------------------------- */

static int set_spv_faults(json_t *body, xmlNodePtr cf, char *err, size_t errlen)
{
    const char *m = "SetParameterValuesFault";
    json_t *arr = NULL;

    for (xmlNodePtr c = cwmp_x_first(cf); c; c = cwmp_x_next(c)) {
        json_t *o;
        if (strcmp((const char *)c->name, m) != 0 || !cwmp_x_child(c, "ParameterName"))
            continue;
        if (!arr) {
            arr = json_array();
            json_object_set_new(body, "set_parameter_faults", arr);
        }
        o = json_object();
        json_array_append_new(arr, o);
        if (cwmp_x_set_str(o, "name", c, "ParameterName", m, CWMP_MAX_NAME, 1, err, errlen) != 0 ||
            cwmp_x_set_int(o, "code", c, "FaultCode", m, 0, 0, INT_MAX, err, errlen) != 0 ||
            cwmp_x_set_str(o, "string", c, "FaultString", m, CWMP_MAX_SHORT, 0, err, errlen) != 0)
            return -1;
    }
    return 0;
}

json_t *cwmp_json_fault(xmlNodePtr fault, char *err, size_t errlen)
{
    xmlNodePtr cf = cwmp_x_child(cwmp_x_child(fault, "detail"), "Fault");
    json_t *body = json_object();
    char *fc = NULL;

    /* faultcode is a QName: "SOAP-ENV:Client" -> "Client". */
    if (cwmp_x_text(cwmp_x_child(fault, "faultcode"), "Fault: faultcode", 64, 1, &fc, NULL, err,
                    errlen) != 0)
        goto fail;
    json_object_set_new(body, "faultcode", json_string(cwmp_local_part(fc)));
    if (!cf) {
        /* No CWMP detail: keep what SOAP gave, code 0 marks it. */
        json_object_set_new(body, "code", json_integer(0));
        if (cwmp_x_set_str(body, "string", fault, "faultstring", "Fault: faultstring",
                           CWMP_MAX_SHORT, 0, err, errlen) != 0)
            goto fail;
    } else if (!cwmp_x_child(cf, "FaultCode")) {
        cwmp_seterr(err, errlen, "Fault: detail/Fault without a FaultCode");
        goto fail;
    } else if (cwmp_x_set_int(body, "code", cf, "FaultCode", "Fault: FaultCode", 0, 0, INT_MAX, err,
                              errlen) != 0 ||
               cwmp_x_set_str(body, "string", cf, "FaultString", "Fault: FaultString",
                              CWMP_MAX_SHORT, 0, err, errlen) != 0 ||
               set_spv_faults(body, cf, err, errlen) != 0) {
        goto fail;
    }
    free(fc);
    return body;
fail:
    free(fc);
    json_decref(body);
    return NULL;
}
