/* cwmp_json: the CPE's requests of a parsed envelope -> the JSON bodies of
 * cwmp.h (responses and faults are in cwmp_json_resp.c).
 *
 * Children of an RPC are matched by local name in any namespace, unknown
 * ones are ignored (quirk 11), arrays are read by counting their children
 * whatever arrayType says (quirk 6), names and numbers are trimmed and
 * string values kept as sent (quirk 12). A value over its schema bound is
 * an error rather than a silent cut: the CPE is talking nonsense.
 */
#include "cwmp.h"
#include "cwmp_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Max FileTypeArg entries in RequestDownload (cwmp-reference.md 3.3). */
#define MAX_FILE_TYPE_ARGS 16
/* Max OpResultStructs in one (Autonomous)DUStateChangeComplete: ChangeDUState
 * carries at most 16 operations; autonomous changes get some room. */
#define MAX_DU_RESULTS 64
/* Bounds of the DU result texts (proto-json common.schema.json du_result:
 * a little above TR-069's UUID 36, Version 32, DeploymentUnitRef 256). */
#define MAX_DU_SHORT 64
/* Longest time text passed on (proto-json cwmp_time). */
#define MAX_TIME 64
/* FileType, WindowMode: string(64). */
#define MAX_FILE_TYPE 64

const char *cwmp_local_part(const char *qname)
{
    const char *c = strrchr(qname, ':');
    return c ? c + 1 : qname;
}

/* The local part of Value's xsi:type, trimmed; "string" when absent. */
static json_t *value_type(xmlNodePtr value)
{
    for (xmlAttrPtr a = value ? value->properties : NULL; a; a = a->next) {
        xmlChar *t;
        json_t *j;

        if (strcmp((const char *)a->name, "type") != 0 || !a->ns || !a->ns->href ||
            !strstr((const char *)a->ns->href, "XMLSchema-instance"))
            continue;
        t = xmlNodeGetContent((xmlNodePtr)a);
        if (!t)
            break;
        const char *s = cwmp_local_part((const char *)t);
        size_t n;
        while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
            s++;
        n = strcspn(s, " \t\r\n");
        j = n && n <= 64 ? json_stringn(s, n) : NULL;
        xmlFree(t);
        if (j)
            return j;
        break;
    }
    return json_string("string");
}

json_t *cwmp_json_param_values(xmlNodePtr list, char *err, size_t errlen)
{
    json_t *arr = json_array();

    for (xmlNodePtr p = cwmp_x_first(list); p; p = cwmp_x_next(p)) {
        xmlNodePtr name = cwmp_x_child(p, "Name"), value = cwmp_x_child(p, "Value");
        char *s;
        json_t *o;

        if (!name)
            continue;
        if (cwmp_x_text(name, "ParameterValueStruct Name", CWMP_MAX_NAME, 1, &s, NULL, err,
                        errlen) != 0)
            goto fail;
        if (!*s) {
            free(s);
            continue;
        }
        o = json_object();
        json_object_set_new(o, "name", json_string(s));
        free(s);
        json_array_append_new(arr, o);
        if (cwmp_x_set_str(o, "value", p, "Value", "ParameterValueStruct Value", 0, 0, err,
                           errlen) != 0)
            goto fail;
        json_object_set_new(o, "type", value_type(value));
    }
    return arr;
fail:
    json_decref(arr);
    return NULL;
}

static int set_device(json_t *body, xmlNodePtr rpc, char *err, size_t errlen)
{
    static const char *const fields[][3] = {
        {"manufacturer", "Manufacturer", "Inform: Manufacturer"},
        {"oui", "OUI", "Inform: OUI"},
        {"product_class", "ProductClass", "Inform: ProductClass"},
        {"serial_number", "SerialNumber", "Inform: SerialNumber"},
    };
    xmlNodePtr id = cwmp_x_child(rpc, "DeviceId");
    json_t *dev = json_object();

    json_object_set_new(body, "device", dev);
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (cwmp_x_set_str(dev, fields[i][0], id, fields[i][1], fields[i][2], CWMP_MAX_DEVICE_FIELD,
                           1, err, errlen) != 0)
            return -1;
    if (!*json_string_value(json_object_get(dev, "oui")) ||
        !*json_string_value(json_object_get(dev, "serial_number"))) {
        cwmp_seterr(err, errlen, "Inform: DeviceId without OUI or SerialNumber");
        return -1;
    }
    return 0;
}

/* Event -> [{"code","command_key"}]: EventStructs without a code skipped. */
static int set_events(json_t *body, xmlNodePtr rpc, char *err, size_t errlen)
{
    json_t *arr = json_array();

    json_object_set_new(body, "events", arr);
    for (xmlNodePtr e = cwmp_x_first(cwmp_x_child(rpc, "Event")); e; e = cwmp_x_next(e)) {
        char *code;
        json_t *o;

        if (cwmp_x_text(cwmp_x_child(e, "EventCode"), "Inform: EventCode", CWMP_MAX_EVENT_CODE, 1,
                        &code, NULL, err, errlen) != 0)
            return -1;
        if (!*code) {
            free(code); /* quirk 11: GenieACS rejects, we skip */
            continue;
        }
        if (json_array_size(arr) >= CWMP_MAX_EVENTS) {
            free(code);
            cwmp_seterr(err, errlen, "Inform: more than %d events", CWMP_MAX_EVENTS);
            return -1;
        }
        o = json_object();
        json_object_set_new(o, "code", json_string(code));
        free(code);
        json_array_append_new(arr, o);
        if (cwmp_x_set_str(o, "command_key", e, "CommandKey", "Inform: CommandKey", CWMP_MAX_KEY, 0,
                           err, errlen) != 0)
            return -1;
    }
    return 0;
}

static json_t *inform(xmlNodePtr rpc, char *err, size_t errlen)
{
    json_t *body = json_object(), *params;

    if (set_device(body, rpc, err, errlen) != 0 || set_events(body, rpc, err, errlen) != 0 ||
        cwmp_x_set_int(body, "max_envelopes", rpc, "MaxEnvelopes", "Inform: MaxEnvelopes", 1, 0,
                       INT_MAX, err, errlen) != 0 ||
        cwmp_x_set_str(body, "current_time", rpc, "CurrentTime", "Inform: CurrentTime", 64, 1, err,
                       errlen) != 0 ||
        cwmp_x_set_int(body, "retry_count", rpc, "RetryCount", "Inform: RetryCount", 0, 0, INT_MAX,
                       err, errlen) != 0)
        goto fail;
    params = cwmp_json_param_values(cwmp_x_child(rpc, "ParameterList"), err, errlen);
    if (!params)
        goto fail;
    json_object_set_new(body, "parameters", params);
    return body;
fail:
    json_decref(body);
    return NULL;
}

/* ---- the ACS methods a CPE calls (cwmp-reference.md 3.3) ----------------- */

/* obj[key] = {"code": int, "string"} from parent's child named child
 * (FaultStruct or Fault): the child and its FaultCode are mandatory, the
 * FaultString optional. m names the method for reasons. */
static int set_fault(json_t *obj, const char *key, xmlNodePtr parent, const char *child,
                     const char *m, char *err, size_t errlen)
{
    xmlNodePtr fs = cwmp_x_child(parent, child);
    char what[CWMP_WHAT_MAX];
    json_t *f;
    long long code;

    snprintf(what, sizeof(what), "%s: %s", m, child);
    if (!fs) {
        cwmp_seterr(err, errlen, "%s missing", what);
        return -1;
    }
    snprintf(what, sizeof(what), "%s: %s/FaultCode", m, child);
    if (cwmp_x_get_int(fs, "FaultCode", what, 1, 0, 0, INT_MAX, &code, err, errlen) != 0)
        return -1;
    f = json_object();
    json_object_set_new(obj, key, f);
    json_object_set_new(f, "code", json_integer(code));
    snprintf(what, sizeof(what), "%s: %s/FaultString", m, child);
    return cwmp_x_set_str(f, "string", fs, "FaultString", what, CWMP_MAX_SHORT, 0, err, errlen);
}

/* One text member: obj[key] = parent/child, bounded; trim as noted in cwmp.h.
 * required: the element must be there (it may be empty). */
static int text(json_t *obj, const char *key, xmlNodePtr parent, const char *child, const char *m,
                int required, size_t maxchars, int trim, char *err, size_t errlen)
{
    char what[CWMP_WHAT_MAX];

    snprintf(what, sizeof(what), "%s: %s", m, child);
    if (required && cwmp_x_require(parent, child, what, err, errlen) != 0)
        return -1;
    return cwmp_x_set_str(obj, key, parent, child, what, maxchars, trim, err, errlen);
}

/* Like text(), and the trimmed text must not be empty. */
static int text_nonempty(json_t *obj, const char *key, xmlNodePtr parent, const char *child,
                         const char *m, size_t maxchars, char *err, size_t errlen)
{
    if (text(obj, key, parent, child, m, 1, maxchars, 1, err, errlen) != 0)
        return -1;
    if (*json_string_value(json_object_get(obj, key)))
        return 0;
    cwmp_seterr(err, errlen, "%s: %s missing", m, child);
    return -1;
}

static int transfer_complete(json_t *body, xmlNodePtr rpc, char *err, size_t errlen)
{
    const char *m = "TransferComplete";

    if (text(body, "command_key", rpc, "CommandKey", m, 1, CWMP_MAX_KEY, 0, err, errlen) != 0 ||
        set_fault(body, "fault", rpc, "FaultStruct", m, err, errlen) != 0 ||
        text(body, "start_time", rpc, "StartTime", m, 0, MAX_TIME, 1, err, errlen) != 0 ||
        text(body, "complete_time", rpc, "CompleteTime", m, 0, MAX_TIME, 1, err, errlen) != 0)
        return -1;
    return 0;
}

static int autonomous_transfer_complete(json_t *body, xmlNodePtr rpc, char *err, size_t errlen)
{
    const char *m = "AutonomousTransferComplete";

    if (text(body, "announce_url", rpc, "AnnounceURL", m, 0, CWMP_MAX_SHORT, 1, err, errlen) ||
        text(body, "transfer_url", rpc, "TransferURL", m, 0, CWMP_MAX_SHORT, 1, err, errlen) ||
        cwmp_x_set_bool(body, "is_download", rpc, "IsDownload",
                        "AutonomousTransferComplete: IsDownload", -1, err, errlen) ||
        text_nonempty(body, "file_type", rpc, "FileType", m, MAX_FILE_TYPE, err, errlen) ||
        cwmp_x_set_int(body, "file_size", rpc, "FileSize", "AutonomousTransferComplete: FileSize",
                       0, 0, LLONG_MAX, err, errlen) ||
        text(body, "target_file_name", rpc, "TargetFileName", m, 0, CWMP_MAX_SHORT, 0, err,
             errlen) ||
        set_fault(body, "fault", rpc, "FaultStruct", m, err, errlen) ||
        text(body, "start_time", rpc, "StartTime", m, 0, MAX_TIME, 1, err, errlen) ||
        text(body, "complete_time", rpc, "CompleteTime", m, 0, MAX_TIME, 1, err, errlen))
        return -1;
    return 0;
}

static int request_download(json_t *body, xmlNodePtr rpc, char *err, size_t errlen)
{
    const char *m = "RequestDownload";
    json_t *args = json_array();

    json_object_set_new(body, "file_type_args", args);
    if (text_nonempty(body, "file_type", rpc, "FileType", m, MAX_FILE_TYPE, err, errlen) != 0)
        return -1;
    for (xmlNodePtr a = cwmp_x_first(cwmp_x_child(rpc, "FileTypeArg")); a; a = cwmp_x_next(a)) {
        json_t *o;
        if (json_array_size(args) >= MAX_FILE_TYPE_ARGS) {
            cwmp_seterr(err, errlen, "RequestDownload: more than %d FileTypeArg",
                        MAX_FILE_TYPE_ARGS);
            return -1;
        }
        o = json_object();
        json_array_append_new(args, o);
        if (cwmp_x_set_str(o, "name", a, "Name", "RequestDownload: FileTypeArg Name", 64, 1, err,
                           errlen) != 0 ||
            cwmp_x_set_str(o, "value", a, "Value", "RequestDownload: FileTypeArg Value", 256, 0,
                           err, errlen) != 0)
            return -1;
    }
    return 0;
}

static int kicked(json_t *body, xmlNodePtr rpc, char *err, size_t errlen)
{
    const char *m = "Kicked";

    if (text(body, "command", rpc, "Command", m, 1, 32, 1, err, errlen) != 0 ||
        text(body, "referer", rpc, "Referer", m, 1, 64, 0, err, errlen) != 0 ||
        text(body, "arg", rpc, "Arg", m, 1, 256, 0, err, errlen) != 0 ||
        text(body, "next", rpc, "Next", m, 1, CWMP_MAX_SHORT, 1, err, errlen) != 0)
        return -1;
    return 0;
}

/* One OpResultStruct (AutonOpResultStruct when autonomous) into arr. */
static int du_result(json_t *arr, xmlNodePtr r, const char *m, int autonomous, char *err,
                     size_t errlen)
{
    json_t *o = json_object();
    char what[CWMP_WHAT_MAX];

    json_array_append_new(arr, o);
    snprintf(what, sizeof(what), "%s: Results/Resolved", m);
    if (text(o, "uuid", r, "UUID", m, 0, MAX_DU_SHORT, 1, err, errlen) ||
        text(o, "deployment_unit_ref", r, "DeploymentUnitRef", m, 0, CWMP_MAX_SHORT, 1, err,
             errlen) ||
        text(o, "version", r, "Version", m, 0, MAX_DU_SHORT, 1, err, errlen) ||
        text(o, "current_state", r, "CurrentState", m, 0, MAX_DU_SHORT, 1, err, errlen) ||
        cwmp_x_set_bool(o, "resolved", r, "Resolved", what, 0, err, errlen) ||
        text(o, "execution_unit_refs", r, "ExecutionUnitRefList", m, 0, 0, 1, err, errlen) ||
        text(o, "start_time", r, "StartTime", m, 0, MAX_TIME, 1, err, errlen) ||
        text(o, "complete_time", r, "CompleteTime", m, 0, MAX_TIME, 1, err, errlen) ||
        set_fault(o, "fault", r, "Fault", m, err, errlen))
        return -1;
    if (autonomous && text_nonempty(o, "operation_performed", r, "OperationPerformed", m,
                                    MAX_DU_SHORT, err, errlen) != 0)
        return -1;
    return 0;
}

/* 1 if n holds an OpResultStruct's own members (the XSD's form: Results
 * repeated), 0 if it looks like an array wrapping them. */
static int is_op_result(xmlNodePtr n)
{
    return cwmp_x_child(n, "Fault") || cwmp_x_child(n, "UUID") || cwmp_x_child(n, "CurrentState") ||
           cwmp_x_child(n, "Resolved");
}

static int du_results(json_t *body, xmlNodePtr rpc, const char *m, int autonomous, char *err,
                      size_t errlen)
{
    json_t *arr = json_array();

    json_object_set_new(body, "results", arr);
    for (xmlNodePtr r = cwmp_x_first(rpc); r; r = cwmp_x_next(r)) {
        if (strcmp((const char *)r->name, "Results") != 0)
            continue;
        int wrapped = !is_op_result(r);
        for (xmlNodePtr e = wrapped ? cwmp_x_first(r) : r; e; e = wrapped ? cwmp_x_next(e) : NULL) {
            if (json_array_size(arr) >= MAX_DU_RESULTS) {
                cwmp_seterr(err, errlen, "%s: more than %d Results", m, MAX_DU_RESULTS);
                return -1;
            }
            if (du_result(arr, e, m, autonomous, err, errlen) != 0)
                return -1;
        }
    }
    if (json_array_size(arr) == 0) {
        cwmp_seterr(err, errlen, "%s: Results missing", m);
        return -1;
    }
    return 0;
}

static int du_state_change_complete(json_t *body, xmlNodePtr rpc, char *err, size_t errlen)
{
    const char *m = "DUStateChangeComplete";

    if (text(body, "command_key", rpc, "CommandKey", m, 0, CWMP_MAX_KEY, 0, err, errlen) != 0)
        return -1;
    return du_results(body, rpc, m, 0, err, errlen);
}

static int autonomous_du_state_change_complete(json_t *body, xmlNodePtr rpc, char *err,
                                               size_t errlen)
{
    return du_results(body, rpc, "AutonomousDUStateChangeComplete", 1, err, errlen);
}

typedef int (*request_fn)(json_t *body, xmlNodePtr rpc, char *err, size_t errlen);

static const struct {
    const char *method;
    request_fn fn;
} requests[] = {
    {"TransferComplete", transfer_complete},
    {"AutonomousTransferComplete", autonomous_transfer_complete},
    {"DUStateChangeComplete", du_state_change_complete},
    {"AutonomousDUStateChangeComplete", autonomous_du_state_change_complete},
    {"RequestDownload", request_download},
    {"Kicked", kicked},
};

json_t *cwmp_json_request(const char *method, xmlNodePtr rpc, int *bad, char *err, size_t errlen)
{
    *bad = 0;
    if (strcmp(method, "Inform") == 0)
        return inform(rpc, err, errlen);
    for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
        if (strcmp(method, requests[i].method) != 0)
            continue;
        json_t *body = json_object();
        if (requests[i].fn(body, rpc, err, errlen) == 0)
            return body;
        /* Answered with 8003 and the same cwmp:ID: nothing to publish. */
        json_decref(body);
        *bad = 1;
        return json_object();
    }
    /* GetRPCMethods and anything unknown (answered with 8000). */
    return json_object();
}
