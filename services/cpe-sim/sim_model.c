/* sim_model: see sim_model.h. Loading (JSON -> sorted table), lookups and
 * templates; value types are in sim_value.c. */
#include "sim_model.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct sim_model {
    sim_param_t *p; /* sorted by sim_model_name_cmp */
    size_t n;
    char *root;
    size_t *forced;
    size_t nforced;
    char *manufacturer;
    char *oui;
    char *product_class;
};

/* Loader-only flag: the entry was named in the file (not implied by a
 * longer name). Cleared once the table is built. */
#define P_EXPLICIT 0x80u

static int all_digits(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
    }
    return 1;
}

/* ---- names ---- */

/* 1 if the segment is an instance number. */
static int numeric_segment(const char *s, size_t n)
{
    return all_digits(s, n);
}

/* Compare two numeric segments by value; "01" and "1" differ (fewer
 * leading zeros first), so a lookup never matches a non-canonical name. */
static int cmp_numeric(const char *a, size_t la, const char *b, size_t lb)
{
    size_t oa = la, ob = lb;
    while (la > 1 && *a == '0')
        a++, la--;
    while (lb > 1 && *b == '0')
        b++, lb--;
    if (la != lb)
        return la < lb ? -1 : 1;
    int c = memcmp(a, b, la);
    if (c)
        return c;
    return oa == ob ? 0 : oa < ob ? -1 : 1;
}

static int cmp_segment(const char *a, size_t la, const char *b, size_t lb)
{
    int na = numeric_segment(a, la), nb = numeric_segment(b, lb);
    if (na != nb)
        return na ? -1 : 1; /* numbers before names: keeps the order total */
    if (na)
        return cmp_numeric(a, la, b, lb);
    int c = memcmp(a, b, la < lb ? la : lb);
    if (c)
        return c;
    return la == lb ? 0 : la < lb ? -1 : 1;
}

int sim_model_name_cmp(const char *a, const char *b)
{
    for (;;) {
        size_t la = strcspn(a, "."), lb = strcspn(b, ".");
        int c = cmp_segment(a, la, b, lb);
        if (c)
            return c;
        a += la;
        b += lb;
        int da = *a == '.', db = *b == '.';
        if (da != db)
            return da ? 1 : -1; /* "X.Y" before "X.Y." */
        if (!da)
            return 0;
        a++;
        b++;
        if (!*a || !*b)
            return *a ? 1 : *b ? -1 : 0; /* an object before its children */
    }
}

/* A name is dot-separated non-empty segments of [A-Za-z0-9_-]; objects end
 * in '.'. */
static int name_valid(const char *name)
{
    size_t len = strlen(name), seg = 0;
    if (len == 0 || len > SIM_NAME_MAX || name[0] == '.')
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (c == '.') {
            if (seg == 0)
                return 0;
            seg = 0;
        } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '-') {
            seg++;
        } else {
            return 0;
        }
    }
    return 1;
}

static int cmp_param(const void *x, const void *y)
{
    return sim_model_name_cmp(((const sim_param_t *)x)->name, ((const sim_param_t *)y)->name);
}

long sim_model_find(const sim_model_t *m, const char *name)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = sim_model_name_cmp(m->p[mid].name, name);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

long sim_model_find_ms(const sim_model_t *m, const char *leaf)
{
    char name[SIM_NAME_MAX + 1];
    int n = snprintf(name, sizeof name, "%sManagementServer.%s", m->root, leaf);
    if (n < 0 || (size_t)n >= sizeof name)
        return -1;
    return sim_model_find(m, name);
}

int sim_model_subtree(const sim_model_t *m, const char *path, size_t *first, size_t *end)
{
    size_t plen = strlen(path);
    long i;

    *first = *end = 0;
    if (plen == 0) {
        *end = m->n;
        return 0;
    }
    if (path[plen - 1] != '.' || (i = sim_model_find(m, path)) < 0)
        return -1;
    size_t j = (size_t)i + 1;
    while (j < m->n && strncmp(m->p[j].name, path, plen) == 0)
        j++;
    *first = (size_t)i;
    *end = j;
    return 0;
}

size_t sim_model_count(const sim_model_t *m)
{
    return m->n;
}

const sim_param_t *sim_model_param(const sim_model_t *m, size_t i)
{
    return &m->p[i];
}

const char *sim_model_root(const sim_model_t *m)
{
    return m->root;
}

size_t sim_model_forced(const sim_model_t *m, const size_t **idx)
{
    *idx = m->forced;
    return m->nforced;
}

const char *sim_model_manufacturer(const sim_model_t *m)
{
    return m->manufacturer;
}

const char *sim_model_oui(const sim_model_t *m)
{
    return m->oui;
}

const char *sim_model_product_class(const sim_model_t *m)
{
    return m->product_class;
}

static void replace_str(char **dst, const char *src)
{
    if (!src)
        return;
    free(*dst);
    *dst = acs_xstrdup(src);
}

void sim_model_set_identity(sim_model_t *m, const char *manufacturer, const char *oui,
                            const char *product_class)
{
    replace_str(&m->manufacturer, manufacturer);
    replace_str(&m->oui, oui);
    replace_str(&m->product_class, product_class);
}

int sim_model_set_default(sim_model_t *m, const char *name, const char *value)
{
    long i = sim_model_find(m, name);
    if (i < 0 || m->p[i].type == SIM_T_OBJECT || sim_model_template_check(value) != 0 ||
        strlen(value) > SIM_VALUE_MAX)
        return -1;
    replace_str(&m->p[i].value, value);
    if (strchr(value, '{'))
        m->p[i].flags |= SIM_P_TEMPLATE;
    else
        m->p[i].flags &= (uint8_t)~SIM_P_TEMPLATE;
    return 0;
}

/* ---- templates ---- */

enum {
    PH_SERIAL,
    PH_INDEX,
    PH_OUI,
    PH_PRODUCT_CLASS,
    PH_MANUFACTURER,
    PH_IP,
    PH_MAC,
    PH_UPTIME,
    PH_NOW,
    PH_COUNT
};

static const char *const placeholders[PH_COUNT] = {
    "serial", "index", "oui", "product_class", "manufacturer", "ip", "mac", "uptime", "now",
};

static int placeholder_id(const char *s, size_t n)
{
    for (int i = 0; i < PH_COUNT; i++) {
        if (strlen(placeholders[i]) == n && memcmp(placeholders[i], s, n) == 0)
            return i;
    }
    return -1;
}

int sim_model_template_check(const char *tmpl)
{
    const char *p = tmpl;
    while ((p = strchr(p, '{')) != NULL) {
        const char *e = strchr(p, '}');
        if (!e || placeholder_id(p + 1, (size_t)(e - p - 1)) < 0)
            return -1;
        p = e + 1;
    }
    return 0;
}

static void put_now(acs_buf_t *out, int64_t wall_ms)
{
    char buf[32];
    time_t secs = (time_t)(wall_ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    acs_buf_puts(out, buf);
}

static void put_placeholder(const sim_model_t *m, int id, const sim_tmpl_ctx_t *c, acs_buf_t *out)
{
    unsigned i = c->index;
    switch (id) {
    case PH_SERIAL:
        acs_buf_puts(out, c->serial ? c->serial : "");
        break;
    case PH_INDEX:
        acs_buf_printf(out, "%u", i);
        break;
    case PH_OUI:
        acs_buf_puts(out, m->oui);
        break;
    case PH_PRODUCT_CLASS:
        acs_buf_puts(out, m->product_class);
        break;
    case PH_MANUFACTURER:
        acs_buf_puts(out, m->manufacturer);
        break;
    case PH_IP:
        acs_buf_printf(out, "10.%u.%u.%u", (i >> 16) & 255, (i >> 8) & 255, i & 255);
        break;
    case PH_MAC:
        acs_buf_printf(out, "02:00:%02x:%02x:%02x:%02x", (i >> 24) & 255, (i >> 16) & 255,
                       (i >> 8) & 255, i & 255);
        break;
    case PH_UPTIME:
        acs_buf_printf(out, "%lld", (long long)(c->uptime_s > 0 ? c->uptime_s : 0));
        break;
    case PH_NOW:
        put_now(out, c->now_wall_ms);
        break;
    default:
        break;
    }
}

void sim_model_render(const sim_model_t *m, const char *tmpl, const sim_tmpl_ctx_t *ctx,
                      acs_buf_t *out)
{
    const char *p = tmpl;
    for (;;) {
        const char *b = strchr(p, '{');
        const char *e = b ? strchr(b, '}') : NULL;
        int id = e ? placeholder_id(b + 1, (size_t)(e - b - 1)) : -1;
        if (!b || !e) {
            acs_buf_puts(out, p);
            return;
        }
        acs_buf_append(out, p, (size_t)(b - p));
        if (id < 0)
            acs_buf_append(out, b, (size_t)(e - b + 1));
        else
            put_placeholder(m, id, ctx, out);
        p = e + 1;
    }
}

/* ---- loading ---- */

typedef struct {
    sim_param_t *p;
    size_t n, cap;
} vec_t;

static sim_param_t *vec_push(vec_t *v)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 128;
        v->p = acs_xrealloc(v->p, v->cap * sizeof *v->p);
    }
    memset(&v->p[v->n], 0, sizeof v->p[0]);
    return &v->p[v->n++];
}

static void set_err(char *err, size_t errlen, const char *fmt, const char *arg)
{
    if (errlen)
        snprintf(err, errlen, fmt, arg);
}

/* Passwords and Wi-Fi keys are secret unless the model says otherwise. */
static int default_secret(const char *name)
{
    const char *leaf = strrchr(name, '.');
    leaf = leaf ? leaf + 1 : name;
    size_t n = strlen(leaf);
    static const char *const sfx[] = {"Password", "Passphrase", "PreSharedKey"};
    for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
        size_t k = strlen(sfx[i]);
        if (n >= k && strcmp(leaf + n - k, sfx[i]) == 0)
            return 1;
    }
    return 0;
}

static const char *default_value(sim_type_t t)
{
    switch (t) {
    case SIM_T_BOOLEAN:
        return "false";
    case SIM_T_DATETIME:
        return "0001-01-01T00:00:00Z";
    case SIM_T_INT:
    case SIM_T_UNSIGNED_INT:
    case SIM_T_LONG:
    case SIM_T_UNSIGNED_LONG:
        return "0";
    default:
        return "";
    }
}

/* The "value" member as text: strings as they are, integers and booleans
 * converted. NULL if absent; *bad set if of another JSON type. */
static char *json_value_text(json_t *v, int *bad)
{
    char tmp[32];
    if (!v)
        return NULL;
    if (json_is_string(v))
        return acs_xstrdup(json_string_value(v));
    if (json_is_integer(v)) {
        snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(v));
        return acs_xstrdup(tmp);
    }
    if (json_is_boolean(v))
        return acs_xstrdup(json_is_true(v) ? "true" : "false");
    *bad = 1;
    return NULL;
}

static int entry_keys_valid(json_t *spec, int object)
{
    const char *k;
    json_t *v;
    json_object_foreach(spec, k, v)
    {
        if (strcmp(k, "writable") == 0 || strcmp(k, "description") == 0)
            continue;
        if (!object &&
            (strcmp(k, "type") == 0 || strcmp(k, "value") == 0 || strcmp(k, "secret") == 0))
            continue;
        if (object && strcmp(k, "type") == 0 && json_is_string(v) &&
            strcmp(json_string_value(v), "object") == 0)
            continue;
        return 0;
    }
    return 1;
}

/* Type and value of a parameter spec into e; 0 or -1 with err set. */
static int entry_value(const char *name, json_t *spec, sim_param_t *e, char *err, size_t errlen)
{
    json_t *jt = json_object_get(spec, "type");
    sim_type_t t = SIM_T_STRING;
    int bad = 0;
    acs_buf_t canon = ACS_BUF_INIT;

    if (jt && (!json_is_string(jt) || sim_type_parse(json_string_value(jt), &t) != 0)) {
        set_err(err, errlen, "%s: unknown type", name);
        return -1;
    }
    e->type = (uint8_t)t;
    e->value = json_value_text(json_object_get(spec, "value"), &bad);
    if (bad) {
        set_err(err, errlen, "%s: value must be a string, integer or boolean", name);
        return -1;
    }
    if (!e->value)
        e->value = acs_xstrdup(default_value(t));
    if (strchr(e->value, '{')) {
        e->flags |= SIM_P_TEMPLATE;
        if (sim_model_template_check(e->value) != 0) {
            set_err(err, errlen, "%s: unknown {placeholder} in value", name);
            return -1;
        }
        return 0;
    }
    int rc = sim_value_check(t, e->value, &canon);
    if (rc == 0) {
        free(e->value);
        e->value = acs_buf_steal(&canon, NULL);
    } else {
        set_err(err, errlen, "%s: value is not of its type", name);
    }
    acs_buf_free(&canon);
    return rc;
}

static int add_entry(vec_t *v, const char *name, json_t *spec, char *err, size_t errlen)
{
    int object = name[strlen(name) - 1] == '.';
    json_t *w, *s;
    sim_param_t *e;

    if (!name_valid(name)) {
        set_err(err, errlen, "invalid parameter name \"%.200s\"", name);
        return -1;
    }
    if (!json_is_object(spec) || !entry_keys_valid(spec, object)) {
        set_err(err, errlen, "%s: spec must be an object with type, value, writable, secret", name);
        return -1;
    }
    w = json_object_get(spec, "writable");
    s = json_object_get(spec, "secret");
    if ((w && !json_is_boolean(w)) || (s && !json_is_boolean(s))) {
        set_err(err, errlen, "%s: writable and secret are booleans", name);
        return -1;
    }
    e = vec_push(v);
    e->name = acs_xstrdup(name);
    e->flags = P_EXPLICIT;
    if (w && json_is_true(w))
        e->flags |= SIM_P_WRITABLE;
    if (object) {
        e->type = SIM_T_OBJECT;
        e->value = acs_xstrdup("");
        return 0;
    }
    if (s ? json_is_true(s) : default_secret(name))
        e->flags |= SIM_P_SECRET;
    return entry_value(name, spec, e, err, errlen);
}

/* Add every object that a name implies: "A.B.C" implies "A." and "A.B.". */
static void add_implied(vec_t *v, size_t nexplicit)
{
    for (size_t i = 0; i < nexplicit; i++) {
        const char *name = v->p[i].name;
        size_t len = strlen(name);
        for (size_t k = 0; k + 1 < len; k++) {
            if (name[k] != '.')
                continue;
            sim_param_t *e = vec_push(v);
            name = v->p[i].name; /* vec_push may have moved the array */
            e->name = acs_xstrndup(name, k + 1);
            e->value = acs_xstrdup("");
            e->type = SIM_T_OBJECT;
        }
    }
}

/* Sort, merge duplicate objects (the explicit one wins), and check that no
 * name is both a parameter and an object prefix. */
static int sort_and_merge(vec_t *v, char *err, size_t errlen)
{
    size_t out = 0;
    qsort(v->p, v->n, sizeof v->p[0], cmp_param);
    for (size_t i = 0; i < v->n; i++) {
        if (out > 0 && strcmp(v->p[out - 1].name, v->p[i].name) == 0) {
            sim_param_t *keep = &v->p[out - 1];
            if (v->p[i].flags & P_EXPLICIT) {
                free(keep->name);
                free(keep->value);
                *keep = v->p[i];
            } else {
                free(v->p[i].name);
                free(v->p[i].value);
            }
            continue;
        }
        v->p[out++] = v->p[i];
    }
    v->n = out;
    for (size_t i = 0; i + 1 < v->n; i++) {
        size_t len = strlen(v->p[i].name);
        if (v->p[i].type != SIM_T_OBJECT && strncmp(v->p[i + 1].name, v->p[i].name, len) == 0 &&
            v->p[i + 1].name[len] == '.') {
            set_err(err, errlen, "%s is both a parameter and an object", v->p[i].name);
            return -1;
        }
    }
    for (size_t i = 0; i < v->n; i++)
        v->p[i].flags &= (uint8_t)~P_EXPLICIT;
    return 0;
}

static int load_parameters(sim_model_t *m, json_t *params, char *err, size_t errlen)
{
    vec_t v = {NULL, 0, 0};
    const char *name;
    json_t *spec;
    int rc = -1;

    json_object_foreach(params, name, spec)
    {
        if (add_entry(&v, name, spec, err, errlen) != 0)
            goto out;
    }
    if (v.n == 0) {
        set_err(err, errlen, "%s", "model has no parameters");
        goto out;
    }
    add_implied(&v, v.n);
    if (sort_and_merge(&v, err, errlen) != 0)
        goto out;
    rc = 0;
out:
    /* On failure the entries still belong to m, which the caller frees. */
    m->p = v.p;
    m->n = v.n;
    return rc;
}

/* One root object, and every entry below it. */
static int check_root(sim_model_t *m, char *err, size_t errlen)
{
    const char *first = m->p[0].name;
    size_t len = strcspn(first, ".") + 1;
    m->root = acs_xstrndup(first, len);
    for (size_t i = 0; i < m->n; i++) {
        if (strncmp(m->p[i].name, m->root, len) != 0) {
            set_err(err, errlen, "%s is not below the model's single root", m->p[i].name);
            return -1;
        }
    }
    return 0;
}

static int load_forced(sim_model_t *m, json_t *list, char *err, size_t errlen)
{
    size_t i;
    json_t *item;

    if (!list)
        return 0;
    if (!json_is_array(list)) {
        set_err(err, errlen, "%s", "forced_inform must be an array of names");
        return -1;
    }
    m->forced = acs_xcalloc(json_array_size(list) + 1, sizeof *m->forced);
    json_array_foreach(list, i, item)
    {
        const char *name = json_is_string(item) ? json_string_value(item) : "";
        long k = sim_model_find(m, name);
        if (k < 0 || m->p[k].type == SIM_T_OBJECT) {
            set_err(err, errlen, "forced_inform: no parameter \"%.200s\"", name);
            return -1;
        }
        if (m->p[k].flags & SIM_P_FORCED)
            continue;
        m->p[k].flags |= SIM_P_FORCED;
        m->forced[m->nforced++] = (size_t)k;
    }
    return 0;
}

static int load_device(sim_model_t *m, json_t *dev, char *err, size_t errlen)
{
    const char *keys[3] = {"manufacturer", "oui", "product_class"};
    char **dst[3] = {&m->manufacturer, &m->oui, &m->product_class};

    if (dev && !json_is_object(dev)) {
        set_err(err, errlen, "%s", "device must be an object");
        return -1;
    }
    for (int i = 0; i < 3; i++) {
        json_t *v = dev ? json_object_get(dev, keys[i]) : NULL;
        if (v && !json_is_string(v)) {
            set_err(err, errlen, "device.%s must be a string", keys[i]);
            return -1;
        }
        *dst[i] = acs_xstrdup(v ? json_string_value(v) : "");
    }
    if (!m->oui[0]) {
        set_err(err, errlen, "%s", "device.oui is required");
        return -1;
    }
    return 0;
}

/* 1 if every member of obj is one of the NULL-terminated names. */
static int only_members(json_t *obj, const char *const *names, const char **bad)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v)
    {
        size_t i = 0;
        while (names[i] && strcmp(names[i], k) != 0)
            i++;
        if (!names[i]) {
            *bad = k;
            return 0;
        }
    }
    return 1;
}

static sim_model_t *model_from_json(json_t *root, char *err, size_t errlen)
{
    static const char *const top[] = {"description", "device", "forced_inform", "parameters", NULL};
    static const char *const dev[] = {"manufacturer", "oui", "product_class", NULL};
    const char *bad = NULL;
    sim_model_t *m = acs_xcalloc(1, sizeof *m);
    json_t *params = json_object_get(root, "parameters");

    if (!json_is_object(root) || !json_is_object(params)) {
        set_err(err, errlen, "%s", "model must be an object with a \"parameters\" object");
        goto fail;
    }
    if (!only_members(root, top, &bad) ||
        (json_is_object(json_object_get(root, "device")) &&
         !only_members(json_object_get(root, "device"), dev, &bad))) {
        set_err(err, errlen, "unknown member \"%.100s\"", bad);
        goto fail;
    }
    if (load_device(m, json_object_get(root, "device"), err, errlen) != 0 ||
        load_parameters(m, params, err, errlen) != 0 || check_root(m, err, errlen) != 0 ||
        load_forced(m, json_object_get(root, "forced_inform"), err, errlen) != 0)
        goto fail;
    return m;
fail:
    sim_model_free(m);
    return NULL;
}

sim_model_t *sim_model_parse(const char *json, size_t len, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    sim_model_t *m;

    if (!root) {
        if (errlen)
            snprintf(err, errlen, "JSON error line %d: %s", jerr.line, jerr.text);
        return NULL;
    }
    m = model_from_json(root, err, errlen);
    json_decref(root);
    return m;
}

sim_model_t *sim_model_load(const char *path, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    sim_model_t *m;

    if (!root) {
        if (errlen)
            snprintf(err, errlen, "%s: line %d: %s", path, jerr.line, jerr.text);
        return NULL;
    }
    m = model_from_json(root, err, errlen);
    json_decref(root);
    return m;
}

void sim_model_free(sim_model_t *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++) {
        free(m->p[i].name);
        free(m->p[i].value);
    }
    free(m->p);
    free(m->root);
    free(m->forced);
    free(m->manufacturer);
    free(m->oui);
    free(m->product_class);
    free(m);
}
