/* ctl_rpc: see ctl_rpc.h. One builder per command; the renderer knows the
 * result shapes of docs/rpc-methods.md and prints anything else
 * generically. */
#include "ctl_rpc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "acs_files.h"
#include "acs_util.h"
#include "ctl_check.h"

#define MAX_LIST 1024
#define MAX_RAW_PARAMS (64 * 1024)

typedef int (*build_fn)(const ctl_cmdline_t *cl, const char *const *args, int nargs,
                        const ctl_rpc_env_t *env, json_t *params, char *err, size_t errlen);

static void seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static int nargs_between(const ctl_cmdline_t *cl, int nargs, int min, int max, const char *what,
                         char *err, size_t errlen)
{
    if (nargs >= min && nargs <= max)
        return 0;
    seterr(err, errlen, "%s: %s %s", cl->cmd, nargs < min ? "missing" : "too many arguments; takes",
           what);
    return -1;
}

/* An optional string argument with its TR-069 bound. */
static int opt_str(json_t *params, const char *field, const char *value, const char *flag,
                   size_t max, char *err, size_t errlen)
{
    if (!value)
        return 0;
    if (strlen(value) > max) {
        seterr(err, errlen, "--%s is longer than %zu characters", flag, max);
        return -1;
    }
    json_object_set_new(params, field, json_string(value));
    return 0;
}

static int names_list(const char *const *args, int nargs, json_t *params, char *err, size_t errlen)
{
    json_t *names = json_array();
    json_object_set_new(params, "names", names);
    for (int i = 0; i < nargs; i++) {
        if (ctl_check_name(args[i], CTL_NAME_ANY, err, errlen) != 0)
            return -1;
        json_array_append_new(names, json_string(args[i]));
    }
    return 0;
}

static int b_get(const ctl_cmdline_t *cl, const char *const *args, int nargs,
                 const ctl_rpc_env_t *env, json_t *params, char *err, size_t errlen)
{
    if (nargs_between(cl, nargs, 1, MAX_LIST, "NAME... (1 to 1024 names)", err, errlen) != 0)
        return -1;
    return names_list(args, nargs, params, err, errlen);
}

static json_t *setval_json(const ctl_setval_t *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(v->name));
    if (strcmp(v->type, "boolean") == 0) {
        int t = v->value_len == 1 ? v->value[0] == '1' : strncasecmp(v->value, "true", 4) == 0;
        json_object_set_new(o, "value", json_boolean(t));
    } else {
        json_object_set_new(o, "value", json_stringn(v->value, v->value_len));
    }
    json_object_set_new(o, "type", json_string(v->type));
    return o;
}

static int b_set(const ctl_cmdline_t *cl, const char *const *args, int nargs,
                 const ctl_rpc_env_t *env, json_t *params, char *err, size_t errlen)
{
    json_t *values = json_array();
    json_object_set_new(params, "values", values);
    if (nargs_between(cl, nargs, 1, MAX_LIST, "NAME=VALUE[:TYPE]... (1 to 1024)", err, errlen) != 0)
        return -1;
    for (int i = 0; i < nargs; i++) {
        ctl_setval_t v;
        if (ctl_parse_setval(args[i], &v, err, errlen) != 0)
            return -1;
        for (size_t k = 0; k < json_array_size(values); k++)
            if (strcmp(json_string_value(json_object_get(json_array_get(values, k), "name")),
                       v.name) == 0) {
                seterr(err, errlen, "%.256s is set twice", v.name);
                return -1;
            }
        json_array_append_new(values, setval_json(&v));
    }
    return opt_str(params, "parameter_key", cl->parameter_key, "parameter-key", CTL_KEY_MAX, err,
                   errlen);
}

static int object_arg(const ctl_cmdline_t *cl, const char *const *args, int nargs,
                      ctl_name_kind_t kind, json_t *params, char *err, size_t errlen)
{
    if (nargs_between(cl, nargs, 1, 1, "one OBJECT path", err, errlen) != 0 ||
        ctl_check_name(args[0], kind, err, errlen) != 0)
        return -1;
    json_object_set_new(params, "object", json_string(args[0]));
    return opt_str(params, "parameter_key", cl->parameter_key, "parameter-key", CTL_KEY_MAX, err,
                   errlen);
}

static int b_add(const ctl_cmdline_t *cl, const char *const *args, int nargs,
                 const ctl_rpc_env_t *env, json_t *params, char *err, size_t errlen)
{
    return object_arg(cl, args, nargs, CTL_NAME_TABLE, params, err, errlen);
}

static int b_delete(const ctl_cmdline_t *cl, const char *const *args, int nargs,
                    const ctl_rpc_env_t *env, json_t *params, char *err, size_t errlen)
{
    return object_arg(cl, args, nargs, CTL_NAME_INSTANCE, params, err, errlen);
}

/* "a,b" -> ["a", "b"]; "" -> []. */
static json_t *access_list(const char *s, char *err, size_t errlen)
{
    json_t *list = json_array();
    while (*s) {
        size_t n = strcspn(s, ",");
        if (n == 0 || n > 64 || json_array_size(list) >= 64) {
            seterr(err, errlen, "--access-list: entries are 1..64 characters, at most 64 of them");
            json_decref(list);
            return NULL;
        }
        json_array_append_new(list, json_stringn(s, n));
        s += n;
        if (*s == ',' && *++s == '\0') {
            seterr(err, errlen, "--access-list ends with ','");
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

static int b_attrs(const ctl_cmdline_t *cl, const char *const *args, int nargs,
                   const ctl_rpc_env_t *env, json_t *params, char *err, size_t errlen)
{
    json_t *attrs;
    if (nargs_between(cl, nargs, 1, MAX_LIST, "NAME... (1 to 1024 names)", err, errlen) != 0)
        return -1;
    if (cl->notification < 0 && !cl->access_list)
        return names_list(args, nargs, params, err, errlen);
    attrs = json_array();
    json_object_set_new(params, "attributes", attrs);
    for (int i = 0; i < nargs; i++) {
        json_t *a = json_object(), *list;
        json_array_append_new(attrs, a);
        if (ctl_check_name(args[i], CTL_NAME_ANY, err, errlen) != 0)
            return -1;
        json_object_set_new(a, "name", json_string(args[i]));
        if (cl->notification >= 0)
            json_object_set_new(a, "notification", json_integer(cl->notification));
        if (cl->access_list) {
            if (!(list = access_list(cl->access_list, err, errlen)))
                return -1;
            json_object_set_new(a, "access_list", list);
        }
    }
    return 0;
}

static int b_reboot(const ctl_cmdline_t *cl, const char *const *args, int nargs,
                    const ctl_rpc_env_t *env, json_t *params, char *err, size_t errlen)
{
    if (nargs_between(cl, nargs, 0, 0, "no argument after DEVICE", err, errlen) != 0)
        return -1;
    return opt_str(params, "command_key", cl->command_key, "command-key", CTL_KEY_MAX, err, errlen);
}

static int b_none(const ctl_cmdline_t *cl, const char *const *args, int nargs,
                  const ctl_rpc_env_t *env, json_t *params, char *err, size_t errlen)
{
    return nargs_between(cl, nargs, 0, 0, "no argument after DEVICE", err, errlen);
}

/* The command key of a transfer: given, or derived from the RPC id so that
 * the TransferComplete can be matched ("acsctl-" + 16 hex digits). */
static int transfer_key(const ctl_cmdline_t *cl, const ctl_rpc_env_t *env, json_t *params,
                        char *err, size_t errlen)
{
    char key[CTL_KEY_MAX + 1] = "acsctl-";
    size_t o = strlen(key);

    if (cl->command_key)
        return opt_str(params, "command_key", cl->command_key, "command-key", CTL_KEY_MAX, err,
                       errlen);
    for (const char *p = env->rpc_id + strlen("acsctl-"); *p && o < 7 + 16; p++)
        if (*p != '-')
            key[o++] = *p;
    key[o] = '\0';
    json_object_set_new(params, "command_key", json_string(key));
    return 0;
}

static int url_ok(const char *url)
{
    const char *sep = strstr(url, "://");
    size_t n = strlen(url);
    if (!sep || sep == url || n > ACS_FILES_URL_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)url[i] <= ' ' || (unsigned char)url[i] >= 0x7f)
            return 0;
    return 1;
}

static int download_url(const ctl_cmdline_t *cl, const ctl_rpc_env_t *env, json_t *params,
                        char *err, size_t errlen)
{
    char url[ACS_FILES_URL_MAX + 1];
    const char *name = cl->file;

    if (!!cl->file == !!cl->url) {
        seterr(err, errlen, "download: give exactly one of --file STORE_NAME and --url URL");
        return -1;
    }
    if (cl->url) {
        if (!url_ok(cl->url)) {
            seterr(err, errlen,
                   "--url: not an absolute URL of at most %d characters without spaces",
                   ACS_FILES_URL_MAX);
            return -1;
        }
        json_object_set_new(params, "url", json_string(cl->url));
        return 0;
    }
    if (strncmp(name, "files/", 6) == 0)
        name += 6;
    if (!env->cfg || !env->cfg->files_url || !*env->cfg->files_url) {
        seterr(err, errlen, "download --file needs ACS_FILES_URL (the file store's public URL)");
        return -1;
    }
    if (acs_files_url(env->cfg->files_url, name, url, sizeof url) != 0) {
        seterr(err, errlen, "--file '%.128s': not a store file name, or the URL is too long", name);
        return -1;
    }
    json_object_set_new(params, "url", json_string(url));
    return 0;
}

static int b_download(const ctl_cmdline_t *cl, const char *const *args, int nargs,
                      const ctl_rpc_env_t *env, json_t *params, char *err, size_t errlen)
{
    const char *ft = cl->file_type ? cl->file_type
                                   : (env->file_type ? env->file_type : "1 Firmware Upgrade Image");
    long long size = cl->file_size >= 0 ? cl->file_size : (cl->file ? env->file_size : -1);

    if (nargs_between(cl, nargs, 0, 0, "no argument after DEVICE", err, errlen) != 0 ||
        download_url(cl, env, params, err, errlen) != 0 ||
        opt_str(params, "file_type", ft, "file-type", 64, err, errlen) != 0 ||
        transfer_key(cl, env, params, err, errlen) != 0 ||
        opt_str(params, "target_file_name", cl->target_file_name, "target-file-name", 256, err,
                errlen) != 0)
        return -1;
    if (size >= 0)
        json_object_set_new(params, "file_size", json_integer(size));
    if (cl->delay >= 0)
        json_object_set_new(params, "delay_seconds", json_integer(cl->delay));
    return 0;
}

/* A default upload name: "config-20240501T100003Z" or "log-...". */
static void upload_name(const char *file_type, int64_t now, char *out, size_t n)
{
    struct tm tm;
    time_t t = (time_t)now;
    char ts[32];
    gmtime_r(&t, &tm);
    strftime(ts, sizeof ts, "%Y%m%dT%H%M%SZ", &tm);
    snprintf(out, n, "%s-%s", strstr(file_type, "Log") ? "log" : "config", ts);
}

static int b_upload(const ctl_cmdline_t *cl, const char *const *args, int nargs,
                    const ctl_rpc_env_t *env, json_t *params, char *err, size_t errlen)
{
    const char *ft = cl->file_type ? cl->file_type : "1 Vendor Configuration File";
    char name[ACS_FILES_NAME_MAX + 1], url[ACS_FILES_URL_MAX + 1];
    long ttl = cl->expires >= 0 ? cl->expires : 7 * 86400;

    if (nargs_between(cl, nargs, 0, 0, "no argument after DEVICE", err, errlen) != 0 ||
        opt_str(params, "file_type", ft, "file-type", 64, err, errlen) != 0)
        return -1;
    if (!env->cfg || !env->cfg->files_url || !env->cfg->files_secret || !*env->cfg->files_url ||
        !*env->cfg->files_secret) {
        seterr(err, errlen, "upload needs ACS_FILES_URL and ACS_FILES_SECRET (signed upload URLs)");
        return -1;
    }
    if (cl->name)
        snprintf(name, sizeof name, "%s", cl->name);
    else
        upload_name(ft, env->now, name, sizeof name);
    if (!acs_files_name_valid(name) || (cl->name && strlen(cl->name) >= sizeof name)) {
        seterr(err, errlen,
               "--name '%.128s' is not a store file name (1..128 of A-Z a-z 0-9 . _ -)", name);
        return -1;
    }
    if (acs_files_upload_url(env->cfg->files_url, env->cfg->files_secret, env->device_id, name,
                             env->now + ttl, url, sizeof url) != 0) {
        seterr(err, errlen, "upload URL for %.64s would be longer than %d characters",
               env->device_id, ACS_FILES_URL_MAX);
        return -1;
    }
    json_object_set_new(params, "url", json_string(url));
    if (cl->delay >= 0)
        json_object_set_new(params, "delay_seconds", json_integer(cl->delay));
    return transfer_key(cl, env, params, err, errlen);
}

static int b_schedule_inform(const ctl_cmdline_t *cl, const char *const *args, int nargs,
                             const ctl_rpc_env_t *env, json_t *params, char *err, size_t errlen)
{
    char *end;
    long v;
    if (nargs_between(cl, nargs, 1, 1, "SECONDS", err, errlen) != 0)
        return -1;
    v = strtol(args[0], &end, 10);
    if (end == args[0] || *end || args[0][0] < '0' || args[0][0] > '9' || v < 1 ||
        v > 2147483647L) {
        seterr(err, errlen, "schedule-inform: SECONDS must be a whole number >= 1, not '%.32s'",
               args[0]);
        return -1;
    }
    json_object_set_new(params, "delay_seconds", json_integer(v));
    return opt_str(params, "command_key", cl->command_key, "command-key", CTL_KEY_MAX, err, errlen);
}

static int b_names(const ctl_cmdline_t *cl, const char *const *args, int nargs,
                   const ctl_rpc_env_t *env, json_t *params, char *err, size_t errlen)
{
    if (nargs_between(cl, nargs, 1, 1, "one PATH (\"\" for the root)", err, errlen) != 0 ||
        ctl_check_name(args[0], CTL_NAME_ANY, err, errlen) != 0)
        return -1;
    json_object_set_new(params, "path", json_string(args[0]));
    json_object_set_new(params, "next_level", json_boolean(cl->next_level));
    return 0;
}

static const struct {
    const char *cmd, *method;
    build_fn fn;
} builders[] = {
    {"get", "GetParameterValues", b_get},
    {"set", "SetParameterValues", b_set},
    {"add", "AddObject", b_add},
    {"delete", "DeleteObject", b_delete},
    {"attrs", NULL, b_attrs},
    {"reboot", "Reboot", b_reboot},
    {"factory-reset", "FactoryReset", b_none},
    {"download", "Download", b_download},
    {"upload", "Upload", b_upload},
    {"schedule-inform", "ScheduleInform", b_schedule_inform},
    {"names", "GetParameterNames", b_names},
};

/* rpc DEVICE METHOD ['JSON']: any method, params as given. */
static int build_raw(const char *const *args, int nargs, const char **method, json_t **params,
                     char *err, size_t errlen)
{
    json_error_t je;
    if (nargs < 1 || nargs > 2) {
        seterr(err, errlen, "rpc: takes METHOD and optionally 'JSON params'");
        return -1;
    }
    if (!ctl_method_valid(args[0])) {
        seterr(err, errlen,
               "rpc: '%.64s' is neither a TR-069 CPE method nor a vendor method X_<vendor>_<Name>",
               args[0]);
        return -1;
    }
    *method = args[0];
    if (nargs == 1 || args[1][0] == '\0') {
        *params = json_object();
        return 0;
    }
    if (strlen(args[1]) > MAX_RAW_PARAMS) {
        seterr(err, errlen, "rpc: params are longer than 64 KiB");
        return -1;
    }
    *params = json_loads(args[1], JSON_REJECT_DUPLICATES, &je);
    if (!*params || !json_is_object(*params)) {
        seterr(err, errlen, "rpc: params must be a JSON object: %s",
               *params ? "not an object" : je.text);
        json_decref(*params);
        *params = NULL;
        return -1;
    }
    return 0;
}

int ctl_rpc_build(const ctl_cmdline_t *cl, const char *const *args, int nargs,
                  const ctl_rpc_env_t *env, const char **method, json_t **params, char *err,
                  size_t errlen)
{
    *params = NULL;
    if (strcmp(cl->cmd, "rpc") == 0)
        return build_raw(args, nargs, method, params, err, errlen);
    for (size_t i = 0; i < sizeof builders / sizeof builders[0]; i++) {
        if (strcmp(cl->cmd, builders[i].cmd) != 0)
            continue;
        *params = json_object();
        if (builders[i].fn(cl, args, nargs, env, *params, err, errlen) != 0) {
            json_decref(*params);
            *params = NULL;
            return -1;
        }
        *method = builders[i].method                       ? builders[i].method
                  : json_object_get(*params, "attributes") ? "SetParameterAttributes"
                                                           : "GetParameterAttributes";
        return 0;
    }
    seterr(err, errlen, "%.64s is not an RPC command", cl->cmd);
    return -1;
}

void ctl_rpc_new_id(char out[64])
{
    char uuid[37];
    acs_uuid(uuid);
    snprintf(out, 64, "acsctl-%s", uuid);
}

char *ctl_rpc_message(const char *rpc_id, const char *device_id, const char *method,
                      const json_t *params, const char *reply_to)
{
    json_t *m =
        json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:O}", "type", "rpc", "version", 1, "message_id",
                  rpc_id, "id", rpc_id, "device_id", device_id, "method", method, "params", params);
    char *s;
    if (reply_to)
        json_object_set_new(m, "reply_to", json_string(reply_to));
    s = json_dumps(m, JSON_COMPACT);
    json_decref(m);
    return s;
}
