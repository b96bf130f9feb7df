/* cwmp_build_rpc: the CPE methods beyond the parameter ones (see cwmp.h):
 * argument-less methods, SetParameterAttributes, AddObject / DeleteObject,
 * the transfers (Download, Upload, ScheduleDownload, CancelTransfer),
 * ScheduleInform and ChangeDUState.
 *
 * Each checks every argument before its reason can matter (the caller
 * drops whatever was written when one fails), writes the elements in the
 * order of cwmp-1-2.xsd, and never puts a password's value in a reason.
 */
#include "cwmp.h"
#include "cwmp_internal.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* SetParameterAttributesStructs in one request, like GPV's names. */
#define MAX_ATTRIBUTES 1024
/* AccessList entries and their length (AccessListValueType). */
#define MAX_ACCESS 64
#define MAX_ACCESS_CHARS 64
/* Notification values of cwmp-1-4 (0..2, and 3..6 since 1.4). */
#define MAX_NOTIFICATION 6
/* FileType, WindowMode: string(64); URLs of transfers: string(256). */
#define MAX_FILE_TYPE 64
#define MAX_URL 256
#define MAX_USER 256
/* ChangeDUState: operations in one request; URL of an operation. */
#define MAX_OPERATIONS 16
#define MAX_DU_URL 1024
#define MAX_DU_VERSION 32
#define UUID_LEN 36
/* xs:unsignedInt, the type of FileSize, DelaySeconds, WindowStart/End. */
#define UINT_ARG_MAX 4294967295LL

/* "<method>: " as a reason prefix. */
static void prefix(char *pre, size_t n, const char *method)
{
    snprintf(pre, n, "%s: ", method);
}

/* ---- no arguments -------------------------------------------------------- */

int cwmp_build_no_args(acs_buf_t *b, const char *method, const json_t *params, char *err,
                       size_t errlen)
{
    /* GetRPCMethods, FactoryReset, GetQueuedTransfers, GetAllQueuedTransfers:
     * params, if any, are ignored (members not listed are). */
    acs_buf_printf(b, "<cwmp:%s></cwmp:%s>", method, method);
    return 0;
}

/* ---- SetParameterAttributes ---------------------------------------------- */

/* The AccessList of one attribute: absent or null writes an empty list. */
static int put_access_list(acs_buf_t *b, const json_t *al, const char *pre, char *err,
                           size_t errlen)
{
    size_t n = json_array_size(al);
    char what[CWMP_WHAT_MAX];

    if (al && !json_is_null(al) && (!json_is_array(al) || n > MAX_ACCESS)) {
        cwmp_seterr(err, errlen, "%saccess_list must be an array of at most %d strings", pre,
                    MAX_ACCESS);
        return -1;
    }
    acs_buf_printf(b, "<AccessList soap-enc:arrayType=\"xsd:string[%zu]\">", n);
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_array_get(al, i);
        cwmp_seterr(what, sizeof(what), "%saccess_list[%zu]", pre, i);
        if (cwmp_check_str(v, what, MAX_ACCESS_CHARS, 0, err, errlen) != 0)
            return -1;
        cwmp_put_text(b, "string", json_string_value(v));
    }
    acs_buf_puts(b, "</AccessList>");
    return 0;
}

static int put_attribute(acs_buf_t *b, const json_t *a, size_t i, char *err, size_t errlen)
{
    const json_t *al = json_object_get(a, "access_list");
    const json_t *nv = json_object_get(a, "notification");
    int has_notif = nv && !json_is_null(nv), has_al = al && !json_is_null(al);
    char pre[CWMP_WHAT_MAX];
    const char *name;
    long long notif;

    snprintf(pre, sizeof(pre), "SetParameterAttributes: attributes[%zu].", i);
    if (!json_is_object(a)) {
        cwmp_seterr(err, errlen, "SetParameterAttributes: attributes must hold objects");
        return -1;
    }
    if (cwmp_arg_str(a, pre, "name", 1, 1, CWMP_MAX_NAME, &name, err, errlen) != 0 ||
        cwmp_arg_int(a, pre, "notification", 0, 0, 0, MAX_NOTIFICATION, &notif, err, errlen) != 0)
        return -1;
    if (!has_notif && !has_al) {
        cwmp_seterr(err, errlen,
                    "SetParameterAttributes: attributes[%zu] sets neither "
                    "notification nor access_list",
                    i);
        return -1;
    }
    acs_buf_puts(b, "<SetParameterAttributesStruct>");
    cwmp_put_text(b, "Name", name);
    acs_buf_printf(b,
                   "<NotificationChange>%d</NotificationChange><Notification>%lld"
                   "</Notification><AccessListChange>%d</AccessListChange>",
                   has_notif, notif, has_al);
    if (put_access_list(b, al, pre, err, errlen) != 0)
        return -1;
    acs_buf_puts(b, "</SetParameterAttributesStruct>");
    return 0;
}

int cwmp_build_spa(acs_buf_t *b, const char *method, const json_t *params, char *err, size_t errlen)
{
    const json_t *attrs = json_object_get(params, "attributes");
    size_t n = json_array_size(attrs);

    if (!json_is_array(attrs) || n == 0 || n > MAX_ATTRIBUTES) {
        cwmp_seterr(err, errlen,
                    "SetParameterAttributes: attributes must be a non-empty array of objects "
                    "(at most %d)",
                    MAX_ATTRIBUTES);
        return -1;
    }
    acs_buf_printf(b,
                   "<cwmp:SetParameterAttributes><ParameterList "
                   "soap-enc:arrayType=\"cwmp:SetParameterAttributesStruct[%zu]\">",
                   n);
    for (size_t i = 0; i < n; i++)
        if (put_attribute(b, json_array_get(attrs, i), i, err, errlen) != 0)
            return -1;
    acs_buf_puts(b, "</ParameterList></cwmp:SetParameterAttributes>");
    return 0;
}

/* ---- AddObject / DeleteObject -------------------------------------------- */

int cwmp_build_object(acs_buf_t *b, const char *method, const json_t *params, char *err,
                      size_t errlen)
{
    const char *object, *key;
    char pre[CWMP_WHAT_MAX];

    prefix(pre, sizeof(pre), method);
    if (cwmp_arg_str(params, pre, "object", 1, 0, CWMP_MAX_NAME, &object, err, errlen) != 0)
        return -1;
    if (object[strlen(object) - 1] != '.') {
        cwmp_seterr(err, errlen, "%s: object must end in '.'", method);
        return -1;
    }
    if (cwmp_arg_str(params, pre, "parameter_key", 0, 1, CWMP_MAX_KEY, &key, err, errlen) != 0)
        return -1;
    acs_buf_printf(b, "<cwmp:%s>", method);
    cwmp_put_text(b, "ObjectName", object);
    cwmp_put_text(b, "ParameterKey", key);
    acs_buf_printf(b, "</cwmp:%s>", method);
    return 0;
}

/* ---- transfers ------------------------------------------------------------ */

/* The arguments Download, Upload and ScheduleDownload share. */
typedef struct {
    const char *command_key, *file_type, *url, *username, *password;
} transfer_args_t;

static int read_transfer_args(const json_t *params, const char *pre, transfer_args_t *t, char *err,
                              size_t errlen)
{
    if (cwmp_arg_str(params, pre, "command_key", 0, 1, CWMP_MAX_KEY, &t->command_key, err,
                     errlen) != 0 ||
        cwmp_arg_str(params, pre, "file_type", 1, 0, MAX_FILE_TYPE, &t->file_type, err, errlen) !=
            0 ||
        cwmp_arg_str(params, pre, "url", 1, 0, MAX_URL, &t->url, err, errlen) != 0 ||
        cwmp_arg_str(params, pre, "username", 0, 1, MAX_USER, &t->username, err, errlen) != 0 ||
        cwmp_arg_str(params, pre, "password", 0, 1, MAX_USER, &t->password, err, errlen) != 0)
        return -1;
    return 0;
}

/* CommandKey, FileType, URL, Username, Password: the head of all three. */
static void put_transfer_head(acs_buf_t *b, const char *method, const transfer_args_t *t)
{
    acs_buf_printf(b, "<cwmp:%s>", method);
    cwmp_put_text(b, "CommandKey", t->command_key);
    cwmp_put_text(b, "FileType", t->file_type);
    cwmp_put_text(b, "URL", t->url);
    cwmp_put_text(b, "Username", t->username);
    cwmp_put_text(b, "Password", t->password);
}

/* Download and Upload. */
int cwmp_build_transfer(acs_buf_t *b, const char *method, const json_t *params, char *err,
                        size_t errlen)
{
    int download = strcmp(method, "Download") == 0;
    const char *target = "", *success = "", *failure = "";
    long long size = 0, delay;
    transfer_args_t t;
    char pre[CWMP_WHAT_MAX];

    prefix(pre, sizeof(pre), method);
    if (read_transfer_args(params, pre, &t, err, errlen) != 0)
        return -1;
    if (download &&
        (cwmp_arg_int(params, pre, "file_size", 0, 0, 0, UINT_ARG_MAX, &size, err, errlen) != 0 ||
         cwmp_arg_str(params, pre, "target_file_name", 0, 1, MAX_USER, &target, err, errlen) != 0))
        return -1;
    if (cwmp_arg_int(params, pre, "delay_seconds", 0, 0, 0, UINT_ARG_MAX, &delay, err, errlen) != 0)
        return -1;
    if (download &&
        (cwmp_arg_str(params, pre, "success_url", 0, 1, MAX_URL, &success, err, errlen) != 0 ||
         cwmp_arg_str(params, pre, "failure_url", 0, 1, MAX_URL, &failure, err, errlen) != 0))
        return -1;
    put_transfer_head(b, method, &t);
    if (download) {
        acs_buf_printf(b, "<FileSize>%lld</FileSize>", size);
        cwmp_put_text(b, "TargetFileName", target);
    }
    acs_buf_printf(b, "<DelaySeconds>%lld</DelaySeconds>", delay);
    if (download) {
        cwmp_put_text(b, "SuccessURL", success);
        cwmp_put_text(b, "FailureURL", failure);
    }
    acs_buf_printf(b, "</cwmp:%s>", method);
    return 0;
}

/* One TimeWindowStruct; *start and *end are returned for the overlap check. */
static int put_time_window(acs_buf_t *b, const json_t *w, size_t i, long long *start,
                           long long *end, char *err, size_t errlen)
{
    const char *mode, *message;
    long long retries;
    char pre[CWMP_WHAT_MAX];

    snprintf(pre, sizeof(pre), "ScheduleDownload: time_windows[%zu].", i);
    if (!json_is_object(w)) {
        cwmp_seterr(err, errlen, "ScheduleDownload: time_windows must hold objects");
        return -1;
    }
    if (cwmp_arg_int(w, pre, "window_start", 1, 0, 0, UINT_ARG_MAX, start, err, errlen) != 0 ||
        cwmp_arg_int(w, pre, "window_end", 1, 0, *start, UINT_ARG_MAX, end, err, errlen) != 0 ||
        cwmp_arg_str(w, pre, "window_mode", 1, 0, MAX_FILE_TYPE, &mode, err, errlen) != 0 ||
        cwmp_arg_str(w, pre, "user_message", 0, 1, MAX_USER, &message, err, errlen) != 0 ||
        cwmp_arg_int(w, pre, "max_retries", 0, -1, -1, INT_MAX, &retries, err, errlen) != 0)
        return -1;
    acs_buf_printf(b,
                   "<TimeWindowStruct><WindowStart>%lld</WindowStart>"
                   "<WindowEnd>%lld</WindowEnd>",
                   *start, *end);
    cwmp_put_text(b, "WindowMode", mode);
    cwmp_put_text(b, "UserMessage", message);
    acs_buf_printf(b, "<MaxRetries>%lld</MaxRetries></TimeWindowStruct>", retries);
    return 0;
}

static int put_time_windows(acs_buf_t *b, const json_t *params, char *err, size_t errlen)
{
    const json_t *ws = json_object_get(params, "time_windows");
    size_t n = json_array_size(ws);
    long long start[2], end[2];

    if (!json_is_array(ws) || n == 0 || n > 2) {
        cwmp_seterr(err, errlen,
                    "ScheduleDownload: time_windows must be an array of 1 or 2 "
                    "objects");
        return -1;
    }
    acs_buf_printf(b, "<TimeWindowList soap-enc:arrayType=\"cwmp:TimeWindowStruct[%zu]\">", n);
    for (size_t i = 0; i < n; i++)
        if (put_time_window(b, json_array_get(ws, i), i, &start[i], &end[i], err, errlen) != 0)
            return -1;
    if (n == 2 && start[1] < end[0] && start[0] < end[1]) {
        cwmp_seterr(err, errlen, "ScheduleDownload: time_windows must not overlap");
        return -1;
    }
    acs_buf_puts(b, "</TimeWindowList>");
    return 0;
}

int cwmp_build_schedule_download(acs_buf_t *b, const char *method, const json_t *params, char *err,
                                 size_t errlen)
{
    const char *pre = "ScheduleDownload: ", *target;
    long long size;
    transfer_args_t t;

    if (read_transfer_args(params, pre, &t, err, errlen) != 0 ||
        cwmp_arg_int(params, pre, "file_size", 0, 0, 0, UINT_ARG_MAX, &size, err, errlen) != 0 ||
        cwmp_arg_str(params, pre, "target_file_name", 0, 1, MAX_USER, &target, err, errlen) != 0)
        return -1;
    put_transfer_head(b, method, &t);
    acs_buf_printf(b, "<FileSize>%lld</FileSize>", size);
    cwmp_put_text(b, "TargetFileName", target);
    if (put_time_windows(b, params, err, errlen) != 0)
        return -1;
    acs_buf_puts(b, "</cwmp:ScheduleDownload>");
    return 0;
}

int cwmp_build_cancel_transfer(acs_buf_t *b, const char *method, const json_t *params, char *err,
                               size_t errlen)
{
    const char *key;

    if (cwmp_arg_str(params, "CancelTransfer: ", "command_key", 1, 1, CWMP_MAX_KEY, &key, err,
                     errlen) != 0)
        return -1;
    acs_buf_puts(b, "<cwmp:CancelTransfer>");
    cwmp_put_text(b, "CommandKey", key);
    acs_buf_puts(b, "</cwmp:CancelTransfer>");
    return 0;
}

int cwmp_build_schedule_inform(acs_buf_t *b, const char *method, const json_t *params, char *err,
                               size_t errlen)
{
    const char *pre = "ScheduleInform: ", *key;
    long long delay;

    if (cwmp_arg_int(params, pre, "delay_seconds", 1, 0, 1, UINT_ARG_MAX, &delay, err, errlen) !=
            0 ||
        cwmp_arg_str(params, pre, "command_key", 0, 1, CWMP_MAX_KEY, &key, err, errlen) != 0)
        return -1;
    acs_buf_printf(b, "<cwmp:ScheduleInform><DelaySeconds>%lld</DelaySeconds>", delay);
    cwmp_put_text(b, "CommandKey", key);
    acs_buf_puts(b, "</cwmp:ScheduleInform>");
    return 0;
}

/* ---- ChangeDUState ---------------------------------------------------------- */

/* One member of an operation struct, in the XSD's order. */
typedef struct {
    const char *key;  /* JSON member */
    const char *elem; /* element */
    size_t max;       /* characters */
    int required;     /* else left out when absent or "" */
    int uuid;         /* must be a DeploymentUnitUUID */
} op_field_t;

static const op_field_t install_fields[] = {
    {"url", "URL", MAX_DU_URL, 1, 0},
    {"uuid", "UUID", UUID_LEN, 0, 1},
    {"username", "Username", MAX_USER, 0, 0},
    {"password", "Password", MAX_USER, 0, 0},
    {"execution_env_ref", "ExecutionEnvRef", MAX_USER, 0, 0},
    {NULL, NULL, 0, 0, 0},
};
static const op_field_t update_fields[] = {
    {"uuid", "UUID", UUID_LEN, 0, 1},         {"version", "Version", MAX_DU_VERSION, 0, 0},
    {"url", "URL", MAX_DU_URL, 0, 0},         {"username", "Username", MAX_USER, 0, 0},
    {"password", "Password", MAX_USER, 0, 0}, {NULL, NULL, 0, 0, 0},
};
static const op_field_t uninstall_fields[] = {
    {"uuid", "UUID", UUID_LEN, 1, 1},
    {"version", "Version", MAX_DU_VERSION, 0, 0},
    {"execution_env_ref", "ExecutionEnvRef", MAX_USER, 0, 0},
    {NULL, NULL, 0, 0, 0},
};

static const struct {
    const char *operation;
    const char *xsi_type; /* icwmp compares the "cwmp:" prefix literally (quirk 4) */
    const op_field_t *fields;
} op_kinds[] = {
    {"install", "cwmp:InstallOpStruct", install_fields},
    {"update", "cwmp:UpdateOpStruct", update_fields},
    {"uninstall", "cwmp:UninstallOpStruct", uninstall_fields},
};

/* 8-4-4-4-12 hexadecimal digits (DeploymentUnitUUID). */
static int uuid_ok(const char *s)
{
    if (strlen(s) != UUID_LEN)
        return 0;
    for (int i = 0; i < UUID_LEN; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i]))
            return 0;
    }
    return 1;
}

static int put_operation(acs_buf_t *b, const json_t *op, size_t i, char *err, size_t errlen)
{
    const char *kind, *v;
    char pre[CWMP_WHAT_MAX];
    size_t k;

    snprintf(pre, sizeof(pre), "ChangeDUState: operations[%zu].", i);
    if (!json_is_object(op)) {
        cwmp_seterr(err, errlen, "ChangeDUState: operations must hold objects");
        return -1;
    }
    if (cwmp_arg_str(op, pre, "operation", 1, 0, 16, &kind, err, errlen) != 0)
        kind = "";
    for (k = 0; k < sizeof(op_kinds) / sizeof(op_kinds[0]); k++)
        if (strcmp(kind, op_kinds[k].operation) == 0)
            break;
    if (k == sizeof(op_kinds) / sizeof(op_kinds[0])) {
        cwmp_seterr(err, errlen, "%soperation must be install, update or uninstall", pre);
        return -1;
    }
    acs_buf_printf(b, "<Operations xsi:type=\"%s\">", op_kinds[k].xsi_type);
    for (const op_field_t *f = op_kinds[k].fields; f->key; f++) {
        if (cwmp_arg_str(op, pre, f->key, f->required, !f->required, f->max, &v, err, errlen) != 0)
            return -1;
        if (f->uuid && *v && !uuid_ok(v)) {
            cwmp_seterr(err, errlen, "%suuid must be 8-4-4-4-12 hexadecimal digits", pre);
            return -1;
        }
        if (*v)
            cwmp_put_text(b, f->elem, v);
    }
    acs_buf_puts(b, "</Operations>");
    return 0;
}

int cwmp_build_change_du_state(acs_buf_t *b, const char *method, const json_t *params, char *err,
                               size_t errlen)
{
    const json_t *ops = json_object_get(params, "operations");
    size_t n = json_array_size(ops);
    const char *key;

    if (!json_is_array(ops) || n == 0 || n > MAX_OPERATIONS) {
        cwmp_seterr(err, errlen, "ChangeDUState: operations must be an array of 1 to %d objects",
                    MAX_OPERATIONS);
        return -1;
    }
    if (cwmp_arg_str(params, "ChangeDUState: ", "command_key", 0, 1, CWMP_MAX_KEY, &key, err,
                     errlen) != 0)
        return -1;
    /* Operations repeat (maxOccurs unbounded), each typed: no array wrapper. */
    acs_buf_puts(b, "<cwmp:ChangeDUState>");
    for (size_t i = 0; i < n; i++)
        if (put_operation(b, json_array_get(ops, i), i, err, errlen) != 0)
            return -1;
    cwmp_put_text(b, "CommandKey", key);
    acs_buf_puts(b, "</cwmp:ChangeDUState>");
    return 0;
}
