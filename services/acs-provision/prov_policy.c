/* prov_policy: see prov_policy.h.
 *
 * Every reader takes the JSON path of what it reads ("policy.firmware.fw52")
 * so that an error names the key the operator has to fix. Readers return 0
 * or -1 with the message already in the caller's buffer.
 */
#include "prov_policy.h"

#include "acs_buf.h"
#include "acs_files.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define POLICY_FILE_MAX (1024 * 1024)
#define DEFAULT_FILE_TYPE "1 Firmware Upgrade Image"

typedef struct {
    char *buf;
    size_t len;
} err_t;

static int fail(err_t *e, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(err_t *e, const char *path, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(e->buf, e->len, "%s: ", path);
    if (n >= 0 && (size_t)n < e->len) {
        va_start(ap, fmt);
        vsnprintf(e->buf + n, e->len - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* path + "." + key; a path too long for out is cut (it only labels errors). */
static void join(char *out, size_t n, const char *path, const char *key)
{
    int w = snprintf(out, n, "%s.%s", path, key);
    if (w < 0)
        out[0] = '\0';
}

/* --- generic readers ----------------------------------------------------- */

/* Refuse members of obj that are not in allowed (NULL-terminated). */
static int only_keys(err_t *e, json_t *obj, const char *path, const char *const *allowed)
{
    const char *key;
    json_t *v;

    json_object_foreach(obj, key, v)
    {
        int ok = 0;
        for (size_t i = 0; allowed[i] && !ok; i++)
            ok = strcmp(key, allowed[i]) == 0;
        if (!ok)
            return fail(e, path, "unknown key \"%s\"", key);
    }
    return 0;
}

static int need_object(err_t *e, json_t *v, const char *path)
{
    return json_is_object(v) ? 0 : fail(e, path, "must be an object");
}

static int get_bool(err_t *e, json_t *obj, const char *key, const char *path, int def, int *out)
{
    char p[512];
    json_t *v = json_object_get(obj, key);

    *out = def;
    if (!v)
        return 0;
    join(p, sizeof p, path, key);
    if (!json_is_boolean(v))
        return fail(e, p, "must be true or false");
    *out = json_is_true(v);
    return 0;
}

static int get_long(err_t *e, json_t *obj, const char *key, const char *path, long def, long min,
                    long max, long *out)
{
    char p[512];
    json_t *v = json_object_get(obj, key);

    *out = def;
    if (!v)
        return 0;
    join(p, sizeof p, path, key);
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        return fail(e, p, "must be a whole number in [%ld, %ld]", min, max);
    *out = (long)json_integer_value(v);
    return 0;
}

/* A string of 1..max characters; *out NULL when absent and not required. */
static int get_str(err_t *e, json_t *obj, const char *key, const char *path, int required,
                   size_t max, const char **out)
{
    char p[512];
    json_t *v = json_object_get(obj, key);

    *out = NULL;
    join(p, sizeof p, path, key);
    if (!v)
        return required ? fail(e, p, "is required") : 0;
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > max ||
        strlen(json_string_value(v)) != json_string_length(v))
        return fail(e, p, "must be a string of 1 to %zu characters", max);
    *out = json_string_value(v);
    return 0;
}

/* Identifiers: campaign, preset and refresh set names. */
static int ident_valid(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
            return 0;
    return 1;
}

/* --- parameter names and values ------------------------------------------ */

/* A TR-069 path: [A-Za-z0-9_-] segments separated by single dots (alias
 * brackets allowed), not starting with a dot; partial (ending in ".") only
 * where allowed. */
static int name_valid(const char *s, int partial_ok)
{
    size_t n = strlen(s);
    if (n == 0 || n > PROV_NAME_MAX || s[0] == '.' || strstr(s, ".."))
        return 0;
    if (s[n - 1] == '.' && !partial_ok)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c) && c != '.' && c != '_' && c != '-' && c != '[' && c != ']')
            return 0;
    }
    return 1;
}

int prov_policy_type_valid(const char *type)
{
    static const char *const types[] = {"string",       "int",       "unsignedInt", "long",
                                        "unsignedLong", "boolean",   "dateTime",    "base64",
                                        "base64Binary", "hexBinary", "decimal",     NULL};
    if (strncmp(type, "xsd:", 4) == 0)
        type += 4;
    for (size_t i = 0; types[i]; i++)
        if (strcmp(type, types[i]) == 0)
            return 1;
    return 0;
}

static int bool_text(const char *s)
{
    return strcasecmp(s, "true") == 0 || strcasecmp(s, "false") == 0 || strcmp(s, "1") == 0 ||
           strcmp(s, "0") == 0;
}

static int integer_text(const char *s, int allow_negative)
{
    char *end;
    if (!*s || (!allow_negative && *s == '-'))
        return 0;
    errno = 0;
    (void)strtoll(s, &end, 10);
    return errno == 0 && *end == '\0';
}

/* The value fits the declared type (when one is declared). */
static int value_fits(err_t *e, const char *p, const prov_param_t *pp)
{
    const char *t = pp->type;
    if (!t)
        return 0;
    if (strcmp(t, "boolean") == 0 && !bool_text(pp->text))
        return fail(e, p, "a boolean must be true, false, 1 or 0");
    if ((strcmp(t, "int") == 0 || strcmp(t, "long") == 0) && !integer_text(pp->text, 1))
        return fail(e, p, "value is not a whole number");
    if ((strcmp(t, "unsignedInt") == 0 || strcmp(t, "unsignedLong") == 0) &&
        !integer_text(pp->text, 0))
        return fail(e, p, "value is not a non-negative whole number");
    return 0;
}

/* value: a string, a whole number or a boolean. */
static int scalar(err_t *e, json_t *v, const char *p, prov_param_t *out)
{
    char num[32];
    if (json_is_string(v)) {
        if (json_string_length(v) > PROV_VALUE_MAX ||
            strlen(json_string_value(v)) != json_string_length(v))
            return fail(e, p, "value longer than %d characters or holding NUL", PROV_VALUE_MAX);
        out->text = acs_xstrdup(json_string_value(v));
        out->json_kind = 's';
    } else if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        out->text = acs_xstrdup(num);
        out->json_kind = 'i';
    } else if (json_is_boolean(v)) {
        out->text = acs_xstrdup(json_is_true(v) ? "true" : "false");
        out->json_kind = 'b';
    } else {
        return fail(e, p,
                    "value must be a string, a whole number or a boolean "
                    "(or {\"value\": ..., \"type\": ...})");
    }
    return 0;
}

static int one_param(err_t *e, const char *name, json_t *v, const char *p, prov_param_t *out)
{
    static const char *const keys[] = {"value", "type", NULL};
    json_t *val = v;
    const char *type = NULL;

    out->name = acs_xstrdup(name);
    if (!name_valid(name, 0))
        return fail(e, p,
                    "not a parameter name (1 to %d of [A-Za-z0-9_-] between dots, "
                    "not ending in \".\")",
                    PROV_NAME_MAX);
    if (json_is_object(v)) {
        if (only_keys(e, v, p, keys) || get_str(e, v, "type", p, 0, 32, &type))
            return -1;
        val = json_object_get(v, "value");
        if (!val)
            return fail(e, p, "\"value\" is required");
        if (type && !prov_policy_type_valid(type))
            return fail(e, p,
                        "unknown type \"%s\" (string, int, unsignedInt, long, "
                        "unsignedLong, boolean, dateTime, base64, hexBinary, decimal)",
                        type);
    }
    if (scalar(e, val, p, out) != 0)
        return -1;
    if (type)
        out->type = acs_xstrdup(strncmp(type, "xsd:", 4) == 0 ? type + 4 : type);
    return value_fits(e, p, out);
}

static int params(err_t *e, json_t *obj, const char *path, size_t min, prov_params_t *out)
{
    char p[640];
    const char *name;
    json_t *v;

    if (need_object(e, obj, path))
        return -1;
    if (json_object_size(obj) < min || json_object_size(obj) > PROV_SPV_MAX)
        return fail(e, path, "must hold %zu to %d parameters", min, PROV_SPV_MAX);
    out->v = acs_xcalloc(json_object_size(obj) + 1, sizeof *out->v);
    json_object_foreach(obj, name, v)
    {
        snprintf(p, sizeof p, "%s.\"%s\"", path, name);
        if (one_param(e, name, v, p, &out->v[out->n++]) != 0)
            return -1;
    }
    return 0;
}

static void params_free(prov_params_t *ps)
{
    for (size_t i = 0; i < ps->n; i++) {
        free(ps->v[i].name);
        free(ps->v[i].text);
        free(ps->v[i].type);
    }
    free(ps->v);
    ps->v = NULL;
    ps->n = 0;
}

/* The name below the root: "ManagementServer.X" for "Device.ManagementServer.X",
 * "InternetGatewayDevice.ManagementServer.X" or "ManagementServer.X". */
static const char *below_root(const char *name)
{
    if (strncmp(name, "Device.", 7) == 0)
        return name + 7;
    if (strncmp(name, "InternetGatewayDevice.", 22) == 0)
        return name + 22;
    return name;
}

/* --- sections -------------------------------------------------------------- */

static int bootstrap_reserved(err_t *e, const prov_bootstrap_t *b, const char *path)
{
    static const char *const own[] = {"ManagementServer.Username", "ManagementServer.Password",
                                      "ManagementServer.ConnectionRequestUsername",
                                      "ManagementServer.ConnectionRequestPassword", NULL};
    for (size_t i = 0; i < b->params.n; i++) {
        const char *rel = below_root(b->params.v[i].name);
        for (size_t k = 0; own[k]; k++)
            if (strcmp(rel, own[k]) == 0)
                return fail(e, path, "%s is set by bootstrap itself (random, unique)",
                            b->params.v[i].name);
        if ((b->periodic_enable >= 0 &&
             strcmp(rel, "ManagementServer.PeriodicInformEnable") == 0) ||
            (b->periodic_interval > 0 &&
             strcmp(rel, "ManagementServer.PeriodicInformInterval") == 0))
            return fail(e, path, "%s is also given by periodic_inform_*", b->params.v[i].name);
    }
    return 0;
}

static int bootstrap(err_t *e, json_t *obj, prov_bootstrap_t *b)
{
    static const char *const keys[] = {"enabled",
                                       "on_event",
                                       "username_prefix",
                                       "username_length",
                                       "password_length",
                                       "connection_request",
                                       "periodic_inform_enable",
                                       "periodic_inform_interval_s",
                                       "parameters",
                                       "description",
                                       NULL};
    const char *path = "policy.bootstrap", *prefix = NULL, *d;
    long ulen, plen, interval;
    json_t *pe;
    int pen;

    if (need_object(e, obj, path) || only_keys(e, obj, path, keys) ||
        get_bool(e, obj, "enabled", path, 1, &b->enabled) ||
        get_bool(e, obj, "on_event", path, 0, &b->on_event) ||
        get_bool(e, obj, "connection_request", path, 1, &b->connection_request) ||
        get_long(e, obj, "username_length", path, 16, 8, 64, &ulen) ||
        get_long(e, obj, "password_length", path, 24, 16, 64, &plen) ||
        get_long(e, obj, "periodic_inform_interval_s", path, 0, 1, 31536000, &interval) ||
        get_str(e, obj, "description", path, 0, 1024, &d))
        return -1;
    if (json_object_get(obj, "username_prefix")) {
        json_t *v = json_object_get(obj, "username_prefix");
        prefix = json_string_value(v);
        if (!json_is_string(v) || strlen(prefix) > 16 || (*prefix && !ident_valid(prefix, 16)))
            return fail(e, "policy.bootstrap.username_prefix",
                        "must be 0 to 16 characters of [A-Za-z0-9._-]");
    }
    snprintf(b->username_prefix, sizeof b->username_prefix, "%s", prefix ? prefix : "cpe-");
    b->username_length = (int)ulen;
    b->password_length = (int)plen;
    b->periodic_interval = interval;
    pe = json_object_get(obj, "periodic_inform_enable");
    if (get_bool(e, obj, "periodic_inform_enable", path, 0, &pen) != 0)
        return -1;
    b->periodic_enable = pe ? pen : -1;
    if (json_object_get(obj, "parameters") &&
        params(e, json_object_get(obj, "parameters"), "policy.bootstrap.parameters", 0,
               &b->params) != 0)
        return -1;
    if (b->params.n + 6 > PROV_SPV_MAX)
        return fail(e, path, "too many parameters for one SetParameterValues");
    return bootstrap_reserved(e, b, "policy.bootstrap.parameters");
}

static int refresh_one(err_t *e, const char *name, json_t *obj, const char *path, prov_refresh_t *r)
{
    static const char *const keys[] = {"names", "max_age_s", "description", NULL};
    json_t *names = json_object_get(obj, "names"), *v;
    const char *d;
    char p[640];
    size_t i;

    r->name = acs_xstrdup(name);
    if (!ident_valid(name, PROV_SET_NAME_MAX))
        return fail(e, path, "set name must be 1 to %d characters of [A-Za-z0-9._-]",
                    PROV_SET_NAME_MAX);
    if (need_object(e, obj, path) || only_keys(e, obj, path, keys) ||
        get_long(e, obj, "max_age_s", path, 86400, 1, 31536000, &r->max_age_s) ||
        get_str(e, obj, "description", path, 0, 1024, &d))
        return -1;
    join(p, sizeof p, path, "names");
    if (!json_is_array(names) || json_array_size(names) == 0 || json_array_size(names) > 1024)
        return fail(e, p, "must be an array of 1 to 1024 parameter names or partial paths");
    r->names = acs_xcalloc(json_array_size(names), sizeof *r->names);
    json_array_foreach(names, i, v)
    {
        if (!json_is_string(v) || !name_valid(json_string_value(v), 1))
            return fail(e, p, "item %zu is not a parameter name or partial path", i);
        r->names[r->n++] = acs_xstrdup(json_string_value(v));
    }
    return 0;
}

static int refresh(err_t *e, json_t *obj, prov_policy_t *pol)
{
    char p[640];
    const char *name;
    json_t *v;

    if (need_object(e, obj, "policy.refresh"))
        return -1;
    pol->refresh = acs_xcalloc(json_object_size(obj) + 1, sizeof *pol->refresh);
    json_object_foreach(obj, name, v)
    {
        snprintf(p, sizeof p, "policy.refresh.%s", name);
        if (refresh_one(e, name, v, p, &pol->refresh[pol->nrefresh++]) != 0)
            return -1;
    }
    return 0;
}

static int preset_one(err_t *e, const char *name, json_t *obj, const char *path, prov_preset_t *ps)
{
    static const char *const keys[] = {"tag", "parameters", "description", NULL};
    const char *tag, *d;
    char p[640];

    ps->name = acs_xstrdup(name);
    if (!ident_valid(name, PROV_SET_NAME_MAX))
        return fail(e, path, "preset name must be 1 to %d characters of [A-Za-z0-9._-]",
                    PROV_SET_NAME_MAX);
    if (need_object(e, obj, path) || only_keys(e, obj, path, keys) ||
        get_str(e, obj, "tag", path, 1, PROV_TAG_MAX, &tag) ||
        get_str(e, obj, "description", path, 0, 1024, &d))
        return -1;
    for (const char *c = tag; *c; c++)
        if (!isalnum((unsigned char)*c) && !strchr("_.:-", *c))
            return fail(e, path, "tag must be 1 to 64 characters of [A-Za-z0-9_.:-]");
    ps->tag = acs_xstrdup(tag);
    join(p, sizeof p, path, "parameters");
    if (!json_object_get(obj, "parameters"))
        return fail(e, p, "is required");
    return params(e, json_object_get(obj, "parameters"), p, 1, &ps->params);
}

static int preset_cmp(const void *a, const void *b)
{
    return strcmp(((const prov_preset_t *)a)->name, ((const prov_preset_t *)b)->name);
}

static int presets(err_t *e, json_t *obj, prov_policy_t *pol)
{
    char p[640];
    const char *name;
    json_t *v;

    if (need_object(e, obj, "policy.presets"))
        return -1;
    pol->presets = acs_xcalloc(json_object_size(obj) + 1, sizeof *pol->presets);
    json_object_foreach(obj, name, v)
    {
        snprintf(p, sizeof p, "policy.presets.%s", name);
        if (preset_one(e, name, v, p, &pol->presets[pol->npresets++]) != 0)
            return -1;
    }
    qsort(pol->presets, pol->npresets, sizeof *pol->presets, preset_cmp);
    return 0;
}

static int rollout(err_t *e, json_t *obj, const char *path, prov_firmware_t *fw)
{
    static const char *const keys[] = {"percent", "batch_size", "window_s", NULL};
    json_t *pc;
    char p[640];

    fw->percent = 100.0;
    if (!obj)
        return 0;
    if (need_object(e, obj, path) || only_keys(e, obj, path, keys) ||
        get_long(e, obj, "batch_size", path, 0, 1, 1000000, &fw->batch_size) ||
        get_long(e, obj, "window_s", path, 3600, 1, 2592000, &fw->window_s))
        return -1;
    pc = json_object_get(obj, "percent");
    if (pc) {
        join(p, sizeof p, path, "percent");
        if (!json_is_number(pc) || json_number_value(pc) < 0 || json_number_value(pc) > 100)
            return fail(e, p, "must be a number in [0, 100]");
        fw->percent = json_number_value(pc);
    }
    if (!pc && !json_object_get(obj, "batch_size"))
        return fail(e, path, "needs \"percent\", \"batch_size\" or both");
    if (json_object_get(obj, "window_s") && !json_object_get(obj, "batch_size"))
        return fail(e, path, "\"window_s\" needs \"batch_size\"");
    return 0;
}

static int oui_valid(const char *s)
{
    if (strlen(s) != 6)
        return 0;
    for (int i = 0; i < 6; i++)
        if (!isxdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int firmware_fields(err_t *e, json_t *obj, const char *path, prov_firmware_t *fw)
{
    const char *oui, *pc, *ver, *file, *ft, *d;
    char p[640];

    if (get_str(e, obj, "oui", path, 1, 6, &oui) ||
        get_str(e, obj, "product_class", path, 1, 64, &pc) ||
        get_str(e, obj, "version", path, 1, 64, &ver) ||
        get_str(e, obj, "file", path, 1, ACS_FILES_NAME_MAX, &file) ||
        get_str(e, obj, "file_type", path, 0, 64, &ft) ||
        get_str(e, obj, "description", path, 0, 1024, &d) ||
        get_long(e, obj, "transfer_timeout_s", path, 3600, 1, 604800, &fw->transfer_timeout_s))
        return -1;
    join(p, sizeof p, path, "oui");
    if (!oui_valid(oui))
        return fail(e, p, "must be 6 hex digits");
    join(p, sizeof p, path, "file");
    if (!acs_files_name_valid(file))
        return fail(e, p,
                    "not a store file name (1 to %d of [A-Za-z0-9._-], not starting "
                    "with \".\")",
                    ACS_FILES_NAME_MAX);
    fw->oui = acs_xstrdup(oui);
    for (char *c = fw->oui; *c; c++)
        *c = (char)toupper((unsigned char)*c);
    fw->product_class = acs_xstrdup(pc);
    fw->version = acs_xstrdup(ver);
    fw->file = acs_xstrdup(file);
    fw->file_type = acs_xstrdup(ft ? ft : DEFAULT_FILE_TYPE);
    return 0;
}

static int firmware_one(err_t *e, const char *name, json_t *obj, const char *path,
                        prov_firmware_t *fw)
{
    static const char *const keys[] = {
        "oui",     "product_class",      "version",     "file", "file_type",
        "rollout", "transfer_timeout_s", "description", NULL};
    char p[640];

    fw->campaign = acs_xstrdup(name);
    if (!ident_valid(name, PROV_CAMPAIGN_MAX))
        return fail(e, path,
                    "campaign name must be 1 to %d characters of [A-Za-z0-9._-] "
                    "(CommandKey \"fw:<campaign>\" is at most 32)",
                    PROV_CAMPAIGN_MAX);
    if (need_object(e, obj, path) || only_keys(e, obj, path, keys) ||
        firmware_fields(e, obj, path, fw))
        return -1;
    join(p, sizeof p, path, "rollout");
    return rollout(e, json_object_get(obj, "rollout"), p, fw);
}

static int firmware(err_t *e, json_t *obj, prov_policy_t *pol)
{
    char p[640];
    const char *name;
    json_t *v;

    if (need_object(e, obj, "policy.firmware"))
        return -1;
    pol->firmware = acs_xcalloc(json_object_size(obj) + 1, sizeof *pol->firmware);
    json_object_foreach(obj, name, v)
    {
        prov_firmware_t *fw = &pol->firmware[pol->nfirmware++];
        snprintf(p, sizeof p, "policy.firmware.%s", name);
        if (firmware_one(e, name, v, p, fw) != 0)
            return -1;
        for (size_t i = 0; i + 1 < pol->nfirmware; i++) {
            const prov_firmware_t *o = &pol->firmware[i];
            if (strcmp(o->oui, fw->oui) == 0 && strcmp(o->product_class, fw->product_class) == 0)
                return fail(e, p,
                            "campaign \"%s\" already targets %s/%s: a device has one "
                            "target version",
                            o->campaign, fw->oui, fw->product_class);
        }
    }
    return 0;
}

/* --- the whole policy -------------------------------------------------------- */

static int policy(err_t *e, json_t *root, prov_policy_t *pol)
{
    static const char *const keys[] = {"version", "description", "gpv_batch_size", "bootstrap",
                                       "refresh", "presets",     "firmware",       NULL};
    json_t *v;
    long version;
    const char *d;

    if (need_object(e, root, "policy") || only_keys(e, root, "policy", keys) ||
        get_long(e, root, "version", "policy", 1, 1, 1, &version) ||
        get_str(e, root, "description", "policy", 0, 4096, &d) ||
        get_long(e, root, "gpv_batch_size", "policy", 32, 1, 1024, &pol->gpv_batch_size))
        return -1;
    if ((v = json_object_get(root, "bootstrap")) && bootstrap(e, v, &pol->bootstrap) != 0)
        return -1;
    if ((v = json_object_get(root, "refresh")) && refresh(e, v, pol) != 0)
        return -1;
    if ((v = json_object_get(root, "presets")) && presets(e, v, pol) != 0)
        return -1;
    if ((v = json_object_get(root, "firmware")) && firmware(e, v, pol) != 0)
        return -1;
    return 0;
}

prov_policy_t *prov_policy_empty(void)
{
    prov_policy_t *p = acs_xcalloc(1, sizeof *p);
    p->gpv_batch_size = 32;
    p->bootstrap.periodic_enable = -1;
    return p;
}

prov_policy_t *prov_policy_parse(const char *text, char *errbuf, size_t errlen)
{
    err_t e = {errbuf, errlen};
    json_error_t jerr;
    prov_policy_t *p = prov_policy_empty();
    json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);

    if (!root) {
        snprintf(errbuf, errlen, "not valid JSON: %s (line %d, column %d)", jerr.text, jerr.line,
                 jerr.column);
        prov_policy_free(&p);
        return NULL;
    }
    if (policy(&e, root, p) != 0)
        prov_policy_free(&p);
    json_decref(root);
    return p;
}

prov_policy_t *prov_policy_load(const char *path, char *err, size_t errlen)
{
    acs_buf_t b = ACS_BUF_INIT;
    char chunk[8192], inner[512];
    prov_policy_t *p = NULL;
    size_t n;
    FILE *f = fopen(path, "r");

    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= POLICY_FILE_MAX)
        acs_buf_append(&b, chunk, n);
    if (ferror(f))
        snprintf(err, errlen, "%s: read error", path);
    else if (b.len > POLICY_FILE_MAX)
        snprintf(err, errlen, "%s: larger than %d bytes", path, POLICY_FILE_MAX);
    else if (!(p = prov_policy_parse(b.data ? b.data : "", inner, sizeof inner)))
        snprintf(err, errlen, "%s: %s", path, inner);
    fclose(f);
    acs_buf_free(&b);
    return p;
}

void prov_policy_describe(const prov_policy_t *p, char *out, size_t n)
{
    snprintf(out, n,
             "bootstrap %s%s, %zu refresh set%s, %zu preset%s, %zu firmware campaign%s, "
             "gpv_batch_size %ld",
             p->bootstrap.enabled ? "on" : "off",
             p->bootstrap.enabled && p->bootstrap.on_event ? " (also on 0 BOOTSTRAP)" : "",
             p->nrefresh, p->nrefresh == 1 ? "" : "s", p->npresets, p->npresets == 1 ? "" : "s",
             p->nfirmware, p->nfirmware == 1 ? "" : "s", p->gpv_batch_size);
}

void prov_policy_free(prov_policy_t **pp)
{
    prov_policy_t *p;

    if (!pp || !*pp)
        return;
    p = *pp;
    params_free(&p->bootstrap.params);
    for (size_t i = 0; i < p->nrefresh; i++) {
        for (size_t k = 0; k < p->refresh[i].n; k++)
            free(p->refresh[i].names[k]);
        free(p->refresh[i].names);
        free(p->refresh[i].name);
    }
    free(p->refresh);
    for (size_t i = 0; i < p->npresets; i++) {
        params_free(&p->presets[i].params);
        free(p->presets[i].name);
        free(p->presets[i].tag);
    }
    free(p->presets);
    for (size_t i = 0; i < p->nfirmware; i++) {
        prov_firmware_t *f = &p->firmware[i];
        free(f->campaign);
        free(f->oui);
        free(f->product_class);
        free(f->version);
        free(f->file);
        free(f->file_type);
    }
    free(p->firmware);
    free(p);
    *pp = NULL;
}
