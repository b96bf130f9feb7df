/* cwmp_json: RPC elements of a parsed envelope -> the JSON bodies of cwmp.h.
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
/* Longest method name in a MethodList, in characters. */
#define MAX_METHOD_NAME 64

/* The local part of a QName: "xsd:string" -> "string". */
static const char *local_part(const char *qname)
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
        const char *s = local_part((const char *)t);
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

/* ParameterValueStruct list -> [{"name","value","type"}]. Entries without
 * a Name are skipped. NULL with err on an over-long name or value. */
static json_t *param_values(xmlNodePtr list, char *err, size_t errlen)
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
    params = param_values(cwmp_x_child(rpc, "ParameterList"), err, errlen);
    if (!params)
        goto fail;
    json_object_set_new(body, "parameters", params);
    return body;
fail:
    json_decref(body);
    return NULL;
}

/* FaultStruct -> {"code": int, "string"}; absent: {0, ""}. */
static int set_fault_struct(json_t *body, xmlNodePtr rpc, const char *m, char *err, size_t errlen)
{
    xmlNodePtr fs = cwmp_x_child(rpc, "FaultStruct");
    json_t *f = json_object();

    json_object_set_new(body, "fault", f);
    if (cwmp_x_set_int(f, "code", fs, "FaultCode", m, 0, 0, INT_MAX, err, errlen) != 0)
        return -1;
    return cwmp_x_set_str(f, "string", fs, "FaultString", m, CWMP_MAX_SHORT, 0, err, errlen);
}

static json_t *transfer_complete(xmlNodePtr rpc, char *err, size_t errlen)
{
    const char *m = "TransferComplete";
    json_t *body = json_object();

    if (cwmp_x_set_str(body, "command_key", rpc, "CommandKey", m, CWMP_MAX_KEY, 0, err, errlen) !=
            0 ||
        set_fault_struct(body, rpc, m, err, errlen) != 0 ||
        cwmp_x_set_str(body, "start_time", rpc, "StartTime", m, 64, 1, err, errlen) != 0 ||
        cwmp_x_set_str(body, "complete_time", rpc, "CompleteTime", m, 64, 1, err, errlen) != 0) {
        json_decref(body);
        return NULL;
    }
    return body;
}

static int set_bool(json_t *obj, const char *key, xmlNodePtr parent, const char *child,
                    const char *what, char *err, size_t errlen)
{
    char *s;
    int v = 0, rc = -1;

    if (cwmp_x_text(cwmp_x_child(parent, child), what, 64, 1, &s, NULL, err, errlen) != 0)
        return -1;
    if (cwmp_parse_bool(s, &v) != 0) {
        cwmp_seterr(err, errlen, "%s: %s is not a boolean", what, child);
        goto out;
    }
    json_object_set_new(obj, key, json_boolean(v));
    rc = 0;
out:
    free(s);
    return rc;
}

static json_t *autonomous_transfer_complete(xmlNodePtr rpc, char *err, size_t errlen)
{
    const char *m = "AutonomousTransferComplete";
    json_t *body = json_object();

    if (cwmp_x_set_str(body, "announce_url", rpc, "AnnounceURL", m, CWMP_MAX_SHORT, 1, err,
                       errlen) != 0 ||
        cwmp_x_set_str(body, "transfer_url", rpc, "TransferURL", m, CWMP_MAX_SHORT, 1, err,
                       errlen) != 0 ||
        set_bool(body, "is_download", rpc, "IsDownload", m, err, errlen) != 0 ||
        cwmp_x_set_str(body, "file_type", rpc, "FileType", m, 64, 1, err, errlen) != 0 ||
        cwmp_x_set_int(body, "file_size", rpc, "FileSize", m, 0, 0, LLONG_MAX, err, errlen) != 0 ||
        cwmp_x_set_str(body, "target_file_name", rpc, "TargetFileName", m, CWMP_MAX_SHORT, 0, err,
                       errlen) != 0 ||
        set_fault_struct(body, rpc, m, err, errlen) != 0 ||
        cwmp_x_set_str(body, "start_time", rpc, "StartTime", m, 64, 1, err, errlen) != 0 ||
        cwmp_x_set_str(body, "complete_time", rpc, "CompleteTime", m, 64, 1, err, errlen) != 0) {
        json_decref(body);
        return NULL;
    }
    return body;
}

static json_t *request_download(xmlNodePtr rpc, char *err, size_t errlen)
{
    const char *m = "RequestDownload";
    json_t *body = json_object(), *args = json_array();

    json_object_set_new(body, "file_type_args", args);
    if (cwmp_x_set_str(body, "file_type", rpc, "FileType", m, 64, 1, err, errlen) != 0)
        goto fail;
    for (xmlNodePtr a = cwmp_x_first(cwmp_x_child(rpc, "FileTypeArg")); a; a = cwmp_x_next(a)) {
        json_t *o;
        if (json_array_size(args) >= MAX_FILE_TYPE_ARGS) {
            cwmp_seterr(err, errlen, "RequestDownload: more than %d FileTypeArg",
                        MAX_FILE_TYPE_ARGS);
            goto fail;
        }
        o = json_object();
        json_array_append_new(args, o);
        if (cwmp_x_set_str(o, "name", a, "Name", m, 64, 1, err, errlen) != 0 ||
            cwmp_x_set_str(o, "value", a, "Value", m, 256, 0, err, errlen) != 0)
            goto fail;
    }
    return body;
fail:
    json_decref(body);
    return NULL;
}

json_t *cwmp_json_request(const char *method, xmlNodePtr rpc, char *err, size_t errlen)
{
    if (strcmp(method, "Inform") == 0)
        return inform(rpc, err, errlen);
    if (strcmp(method, "TransferComplete") == 0)
        return transfer_complete(rpc, err, errlen);
    if (strcmp(method, "AutonomousTransferComplete") == 0)
        return autonomous_transfer_complete(rpc, err, errlen);
    if (strcmp(method, "RequestDownload") == 0)
        return request_download(rpc, err, errlen);
    /* GetRPCMethods and anything unknown (answered with 8000). */
    return json_object();
}

/* ---- responses ----------------------------------------------------------- */

static json_t *gpn_response(xmlNodePtr rpc, char *err, size_t errlen)
{
    const char *m = "GetParameterNamesResponse";
    json_t *body = json_object(), *arr = json_array();

    json_object_set_new(body, "parameters", arr);
    for (xmlNodePtr p = cwmp_x_first(cwmp_x_child(rpc, "ParameterList")); p; p = cwmp_x_next(p)) {
        xmlNodePtr name = cwmp_x_child(p, "Name");
        json_t *o;

        if (!name)
            continue;
        o = json_object();
        json_array_append_new(arr, o);
        if (cwmp_x_set_str(o, "name", p, "Name", m, CWMP_MAX_NAME, 1, err, errlen) != 0 ||
            set_bool(o, "writable", p, "Writable", m, err, errlen) != 0)
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

json_t *cwmp_json_response(const char *method, xmlNodePtr rpc, char *err, size_t errlen)
{
    if (strcmp(method, "GetParameterValues") == 0) {
        json_t *p = param_values(cwmp_x_child(rpc, "ParameterList"), err, errlen);
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
    if (!cwmp_x_first(rpc))
        return json_object(); /* Reboot, FactoryReset, ... */
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
    json_object_set_new(body, "faultcode", json_string(local_part(fc)));
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
