/* prov_plan: see prov_plan.h. */
#include "prov_plan.h"

#include "acs_buf.h"
#include "acs_files.h"
#include "acs_secret.h"
#include "acs_util.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BOOTSTRAP_EVENT "0 BOOTSTRAP"
#define CR_USERNAME_LENGTH 16
#define KEY_RANDOM 20 /* "bs-" + 20 = 23 characters of a 32-character ParameterKey */

void prov_facts_clear(prov_facts_t *f)
{
    free(f->pending_username);
    free(f->pending_key);
    if (f->tags)
        json_decref(f->tags);
    if (f->state_age)
        json_decref(f->state_age);
    if (f->pending_transfers)
        json_decref(f->pending_transfers);
    if (f->preset_digests)
        json_decref(f->preset_digests);
    memset(f, 0, sizeof *f);
}

/* --- names and values ------------------------------------------------------ */

int prov_plan_resolve(const char *root, const char *name, char *out, size_t n)
{
    int w;

    if (strncmp(name, "Device.", 7) == 0 || strncmp(name, "InternetGatewayDevice.", 22) == 0) {
        if (strncmp(name, root, strlen(root)) != 0)
            return 1;
        w = snprintf(out, n, "%s", name);
    } else {
        w = snprintf(out, n, "%s%s", root, name);
    }
    return (w < 0 || (size_t)w >= n || w > PROV_NAME_MAX) ? -1 : 0;
}

static const char *bare_type(const char *type)
{
    if (!type)
        return "string";
    return strncmp(type, "xsd:", 4) == 0 ? type + 4 : type;
}

/* -1 not a boolean, else 0/1. */
static int as_bool(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    if (strncasecmp(s, "true", 4) == 0 || (s[0] == '1' && !isdigit((unsigned char)s[1])))
        return 1;
    if (strncasecmp(s, "false", 5) == 0 || (s[0] == '0' && !isdigit((unsigned char)s[1])))
        return 0;
    return -1;
}

static int as_number(const char *s, long long *out)
{
    char *end;
    errno = 0;
    *out = strtoll(s, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    return (errno || end == s || *end) ? -1 : 0;
}

int prov_plan_value_equal(const char *type, const char *want, const char *have)
{
    const char *t = bare_type(type);
    long long a, b;

    if (!have)
        return 0;
    if (strcmp(t, "boolean") == 0) {
        int x = as_bool(want), y = as_bool(have);
        return x >= 0 && x == y;
    }
    if (strcmp(t, "int") == 0 || strcmp(t, "unsignedInt") == 0 || strcmp(t, "long") == 0 ||
        strcmp(t, "unsignedLong") == 0) {
        if (as_number(want, &a) == 0 && as_number(have, &b) == 0)
            return a == b;
    }
    return strcmp(want, have) == 0;
}

unsigned prov_plan_bucket(const char *device_id)
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    uint64_t v = 0;

    SHA256((const unsigned char *)device_id, strlen(device_id), md);
    for (int i = 0; i < 8; i++)
        v = v << 8 | md[i];
    return (unsigned)(v % 10000);
}

int prov_plan_in_percent(const char *device_id, double percent)
{
    return (double)prov_plan_bucket(device_id) < percent * 100.0;
}

/* --- small JSON helpers ------------------------------------------------------ */

static int array_has(json_t *arr, const char *s)
{
    size_t i;
    json_t *v;

    json_array_foreach(arr, i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
            return 1;
    }
    return 0;
}

static void add_name(json_t *arr, const char *s)
{
    if (!array_has(arr, s))
        json_array_append_new(arr, json_string(s));
}

/* Index of the value named name in arr of {"name", ...}, or -1. */
static long value_index(json_t *arr, const char *name)
{
    size_t i;
    json_t *v;

    json_array_foreach(arr, i, v)
    {
        if (strcmp(json_string_value(json_object_get(v, "name")), name) == 0)
            return (long)i;
    }
    return -1;
}

/* Set name in arr (replacing an earlier value of the same name). */
static void put_value(json_t *arr, const char *name, const char *value, const char *type)
{
    long i = value_index(arr, name);
    json_t *v = json_pack("{s:s, s:s, s:s}", "name", name, "value", value, "type", type);
    if (i >= 0)
        json_array_set_new(arr, (size_t)i, v);
    else
        json_array_append_new(arr, v);
}

static const char *default_type(const prov_param_t *p)
{
    if (p->type)
        return p->type;
    if (p->json_kind == 'b')
        return "boolean";
    if (p->json_kind == 'i')
        return p->text[0] == '-' ? "int" : "unsignedInt";
    return "string";
}

static double state_age(const prov_facts_t *f, const char *item)
{
    json_t *v = json_object_get(f->state_age, item);
    return json_is_number(v) ? json_number_value(v) : -1.0;
}

/* --- bootstrap ------------------------------------------------------------- */

int prov_plan_bootstrap(const prov_policy_t *pol, const prov_item_t *it, const prov_facts_t *f)
{
    const char *c = it->credentials;

    if (!pol->bootstrap.enabled)
        return 0;
    if (pol->bootstrap.on_event && prov_item_has_event(it, BOOTSTRAP_EVENT))
        return 1;
    if (c && strcmp(c, "bootstrap") == 0)
        return 1;
    if (c && (strcmp(c, "device") == 0 || strcmp(c, "pending") == 0 || strcmp(c, "none") == 0))
        return 0;
    /* Absent (an older gateway) or a value this version does not know: only
     * a device without unique credentials can have come in with bootstrap
     * ones. */
    return !f->has_credentials;
}

static int tagged(const prov_facts_t *f, const char *tag)
{
    return f->tags && array_has(f->tags, tag);
}

json_t *prov_plan_reads(const prov_policy_t *pol, const prov_item_t *it, const prov_facts_t *f,
                        int bootstrap)
{
    json_t *names = json_array();
    const prov_firmware_t *fw;
    char full[PROV_NAME_MAX + 1];

    if (bootstrap && f->pending_username &&
        prov_plan_resolve(it->data_root, "ManagementServer.ParameterKey", full, sizeof full) == 0)
        add_name(names, full);
    for (size_t i = 0; i < pol->npresets; i++) {
        const prov_preset_t *ps = &pol->presets[i];
        if (!tagged(f, ps->tag))
            continue;
        for (size_t k = 0; k < ps->params.n; k++)
            if (prov_plan_resolve(it->data_root, ps->params.v[k].name, full, sizeof full) == 0)
                add_name(names, full);
    }
    fw = prov_plan_firmware_target(pol, it);
    if (fw &&
        prov_plan_resolve(it->data_root, "DeviceInfo.SoftwareVersion", full, sizeof full) == 0 &&
        !prov_item_param(it, full))
        add_name(names, full);
    return names;
}

json_t *prov_plan_batches(json_t *names, long batch)
{
    json_t *out = json_array(), *cur = NULL, *v;
    size_t i;

    if (batch < 1)
        batch = 1;
    json_array_foreach(names, i, v)
    {
        if (!cur || (long)json_array_size(cur) >= batch) {
            cur = json_array();
            json_array_append_new(out, cur);
        }
        json_array_append(cur, v);
    }
    return out;
}

int prov_plan_creds(const prov_policy_t *pol, prov_creds_t *c)
{
    const prov_bootstrap_t *b = &pol->bootstrap;
    char r[72], k[KEY_RANDOM + 1];

    memset(c, 0, sizeof *c);
    if (acs_secret_random_text(r, (size_t)b->username_length) != 0 ||
        acs_secret_random_text(c->password, (size_t)b->password_length) != 0)
        return -1;
    snprintf(c->username, sizeof c->username, "%s%s", b->username_prefix, r);
    if (acs_secret_random_text(k, KEY_RANDOM) != 0)
        return -1;
    snprintf(c->parameter_key, sizeof c->parameter_key, "bs-%s", k);
    if (b->connection_request &&
        (acs_secret_random_text(c->cr_username, CR_USERNAME_LENGTH) != 0 ||
         acs_secret_random_text(c->cr_password, (size_t)b->password_length) != 0))
        return -1;
    return 0;
}

void prov_plan_creds_wipe(prov_creds_t *c)
{
    /* Not memset: the compiler may drop a store to memory about to die. */
    volatile char *p = (volatile char *)c;
    for (size_t i = 0; i < sizeof *c; i++)
        p[i] = 0;
}

static void put_rel(json_t *arr, const char *root, const char *rel, const char *value,
                    const char *type)
{
    char full[PROV_NAME_MAX + 1];
    if (prov_plan_resolve(root, rel, full, sizeof full) == 0)
        put_value(arr, full, value, type);
}

json_t *prov_plan_bootstrap_values(const prov_policy_t *pol, const char *root,
                                   const prov_creds_t *c)
{
    const prov_bootstrap_t *b = &pol->bootstrap;
    json_t *v = json_array();
    char num[32];

    put_rel(v, root, "ManagementServer.Username", c->username, "string");
    put_rel(v, root, "ManagementServer.Password", c->password, "string");
    if (b->connection_request) {
        put_rel(v, root, "ManagementServer.ConnectionRequestUsername", c->cr_username, "string");
        put_rel(v, root, "ManagementServer.ConnectionRequestPassword", c->cr_password, "string");
    }
    if (b->periodic_enable >= 0)
        put_rel(v, root, "ManagementServer.PeriodicInformEnable",
                b->periodic_enable ? "true" : "false", "boolean");
    if (b->periodic_interval > 0) {
        snprintf(num, sizeof num, "%ld", b->periodic_interval);
        put_rel(v, root, "ManagementServer.PeriodicInformInterval", num, "unsignedInt");
    }
    for (size_t i = 0; i < b->params.n; i++)
        put_rel(v, root, b->params.v[i].name, b->params.v[i].text, default_type(&b->params.v[i]));
    return v;
}

/* --- presets ----------------------------------------------------------------- */

/* 1 if every name of ps that applies to this root was read. */
static int preset_known(const prov_preset_t *ps, const char *root, json_t *values)
{
    char full[PROV_NAME_MAX + 1];
    for (size_t k = 0; k < ps->params.n; k++) {
        int r = prov_plan_resolve(root, ps->params.v[k].name, full, sizeof full);
        if (r < 0 || (r == 0 && !json_object_get(values, full)))
            return 0;
    }
    return 1;
}

int prov_plan_secret_name(const char *name)
{
    static const char *const ends[] = {"Password", "Passphrase", "PreSharedKey",
                                       "WEPKey",   "Secret",     NULL};
    size_t n = strlen(name);

    for (size_t i = 0; ends[i]; i++) {
        size_t e = strlen(ends[i]);
        if (n >= e && strcmp(name + n - e, ends[i]) == 0)
            return 1;
    }
    return 0;
}

/* "ps-" style: prefix + 24 hex digits of SHA-256(text). */
static void digest_text(const char *prefix, const char *text, char *out, size_t n)
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    char hex[2 * SHA256_DIGEST_LENGTH + 1];

    SHA256((const unsigned char *)text, strlen(text), md);
    acs_hex(md, sizeof md, hex);
    snprintf(out, n, "%s%.24s", prefix, hex);
}

static void digest_key(const char *prefix, json_t *v, char key[PROV_KEY_MAX + 1])
{
    char *text = json_dumps(v, JSON_COMPACT);
    digest_text(prefix, text ? text : "", key, PROV_KEY_MAX + 1);
    free(text);
}

/* Digest of the secret values ps sets on this root ("" when it sets none). */
static void secret_digest(const prov_preset_t *ps, const char *root, char out[32])
{
    acs_buf_t b = ACS_BUF_INIT;
    char full[PROV_NAME_MAX + 1];

    out[0] = '\0';
    for (size_t k = 0; k < ps->params.n; k++)
        if (prov_plan_resolve(root, ps->params.v[k].name, full, sizeof full) == 0 &&
            prov_plan_secret_name(full))
            acs_buf_printf(&b, "%s=%s\n", full, ps->params.v[k].text);
    if (b.len)
        digest_text("", b.data, out, 32);
    if (b.data)
        explicit_bzero(b.data, b.len);
    acs_buf_free(&b);
}

/* 1 if the CPE's value cannot tell whether p is applied: a secret read
 * back empty while p wants a value. */
static int secret_unknown(const char *full, const prov_param_t *p, const char *have)
{
    return prov_plan_secret_name(full) && have && !*have && *p->text;
}

/* Apply ps onto out; returns 1 if a secret value of ps was put in out. */
static int preset_apply(const prov_preset_t *ps, const char *root, json_t *values, int applied,
                        json_t *out)
{
    char full[PROV_NAME_MAX + 1];
    int secrets = 0;

    for (size_t k = 0; k < ps->params.n; k++) {
        const prov_param_t *p = &ps->params.v[k];
        json_t *cur;
        const char *type, *have;
        long idx;
        int same;

        if (prov_plan_resolve(root, p->name, full, sizeof full) != 0)
            continue;
        cur = json_object_get(values, full);
        have = json_string_value(json_object_get(cur, "value"));
        type = p->type ? p->type : json_string_value(json_object_get(cur, "type"));
        if (!type || !prov_policy_type_valid(type))
            type = default_type(p);
        type = bare_type(type);
        same = secret_unknown(full, p, have) ? applied : prov_plan_value_equal(type, p->text, have);
        if (!same) {
            put_value(out, full, p->text, type);
            secrets |= prov_plan_secret_name(full);
        } else if ((idx = value_index(out, full)) >= 0) {
            json_array_remove(out, (size_t)idx); /* a later preset wants what is there */
        }
    }
    return secrets;
}

static void append_new(json_t **arr, json_t *v)
{
    if (!*arr)
        *arr = json_array();
    json_array_append_new(*arr, v);
}

json_t *prov_plan_presets(const prov_policy_t *pol, const prov_item_t *it, const prov_facts_t *f,
                          json_t *values, char key[PROV_KEY_MAX + 1], json_t **skipped,
                          json_t **marks)
{
    json_t *out = json_array();
    char item[PROV_SET_NAME_MAX + 16], digest[32];

    *skipped = *marks = NULL;
    key[0] = '\0';
    for (size_t i = 0; i < pol->npresets; i++) {
        const prov_preset_t *ps = &pol->presets[i];
        const char *stored;
        if (!tagged(f, ps->tag))
            continue;
        if (!preset_known(ps, it->data_root, values)) {
            append_new(skipped, json_string(ps->name));
            continue;
        }
        snprintf(item, sizeof item, "preset:%s", ps->name);
        secret_digest(ps, it->data_root, digest);
        stored = json_string_value(json_object_get(f->preset_digests, item));
        if (preset_apply(ps, it->data_root, values, stored && strcmp(stored, digest) == 0, out))
            append_new(marks, json_pack("{s:s, s:s}", "item", item, "digest", digest));
    }
    if (json_array_size(out) > 0)
        digest_key("ps-", out, key);
    return out;
}

/* --- refresh ------------------------------------------------------------------ */

json_t *prov_plan_refresh(const prov_policy_t *pol, const prov_item_t *it, const prov_facts_t *f)
{
    json_t *out = json_array();
    char item[PROV_SET_NAME_MAX + 16], full[PROV_NAME_MAX + 1];

    for (size_t i = 0; i < pol->nrefresh; i++) {
        const prov_refresh_t *r = &pol->refresh[i];
        double age;
        json_t *names;

        snprintf(item, sizeof item, "refresh:%s", r->name);
        age = state_age(f, item);
        if (age >= 0 && age < (double)r->max_age_s)
            continue;
        names = json_array();
        for (size_t k = 0; k < r->n; k++)
            if (prov_plan_resolve(it->data_root, r->names[k], full, sizeof full) == 0)
                add_name(names, full);
        if (json_array_size(names) == 0) {
            json_decref(names);
            continue;
        }
        json_array_append_new(
            out, json_pack("{s:s, s:s, s:o}", "set", r->name, "item", item, "names", names));
    }
    return out;
}

/* --- firmware ------------------------------------------------------------------ */

const prov_firmware_t *prov_plan_firmware_target(const prov_policy_t *pol, const prov_item_t *it)
{
    const prov_firmware_t *any = NULL;

    for (size_t i = 0; i < pol->nfirmware; i++) {
        const prov_firmware_t *fw = &pol->firmware[i];
        if (strcasecmp(fw->oui, it->oui) != 0)
            continue;
        if (strcmp(fw->product_class, it->product_class) == 0)
            return fw;
        if (strcmp(fw->product_class, "*") == 0)
            any = fw;
    }
    return any;
}

void prov_plan_command_key(const prov_firmware_t *fw, char key[PROV_KEY_MAX + 1])
{
    snprintf(key, PROV_KEY_MAX + 1, "fw:%s", fw->campaign);
}

const char *prov_plan_firmware_skip(const prov_firmware_t *fw, const prov_item_t *it,
                                    const prov_facts_t *f, const char *version)
{
    char key[PROV_KEY_MAX + 1], item[PROV_CAMPAIGN_MAX + 16];
    double age;

    if (!version)
        return "unknown-version";
    if (strcmp(version, fw->version) == 0)
        return "current";
    prov_plan_command_key(fw, key);
    if (f->pending_transfers && array_has(f->pending_transfers, key))
        return "pending";
    snprintf(item, sizeof item, "firmware:%s", fw->campaign);
    age = state_age(f, item);
    if (age >= 0 && age < (double)fw->transfer_timeout_s)
        return "recent";
    if (!prov_plan_in_percent(it->device_id, fw->percent))
        return "percent";
    return NULL;
}

json_t *prov_plan_download(const prov_firmware_t *fw, const char *files_url, long long size)
{
    char url[ACS_FILES_URL_MAX + 1], key[PROV_KEY_MAX + 1];
    json_t *p;

    if (!files_url || acs_files_url(files_url, fw->file, url, sizeof url) != 0)
        return NULL;
    prov_plan_command_key(fw, key);
    p = json_pack("{s:s, s:s, s:s}", "command_key", key, "file_type", fw->file_type, "url", url);
    if (p && size >= 0)
        json_object_set_new(p, "file_size", json_integer(size));
    return p;
}
