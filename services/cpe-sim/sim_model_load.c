/* sim_model_load: a model file (JSON, format in docs/cpe-sim.md) into the
 * sorted table of sim_model.h.
 *
 * Steps: every key of "parameters" becomes an entry, every object a longer
 * name implies is added, the table is sorted and merged, then linked:
 * parent and subtree end of every entry, table templates ("X.{i}."), their
 * tables and static instances, and the "NumberOfEntries" counters. Loading
 * is strict: a model is ours, and a typo should stop the run rather than
 * make a CPE that answers oddly.
 */
#include "sim_model_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Loader-only flag: the entry was named in the file (not implied by a
 * longer name). Cleared once the table is built. */
#define P_EXPLICIT 0x8000u

/* Highest Notification value (cwmp-reference.md 7.4). */
#define NOTIFY_MAX 6

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
    v->p[v->n].parent = v->p[v->n].end = v->p[v->n].link = SIM_NONE;
    return &v->p[v->n++];
}

static void set_err(char *err, size_t errlen, const char *fmt, const char *arg)
{
    if (errlen)
        snprintf(err, errlen, fmt, arg);
}

/* ---- names ---- */

static int name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

/* A name is dot-separated non-empty segments of [A-Za-z0-9_-]; objects end
 * in '.'. A table template has exactly one segment "{i}" (not the first,
 * and a parameter's last segment is a name): one level of templates keeps
 * an instance a single number, which is all the shipped tables need. */
static int name_valid(const char *name)
{
    size_t len = strlen(name), ninst = 0;
    const char *seg = name;

    if (len == 0 || len > SIM_NAME_MAX)
        return 0;
    while (*seg) {
        size_t n = strcspn(seg, ".");
        if (n == 3 && memcmp(seg, SIM_MODEL_INST_SEG, 3) == 0) {
            if (seg == name || seg[n] != '.' || ++ninst > 1)
                return 0;
        } else {
            if (n == 0)
                return 0;
            for (size_t i = 0; i < n; i++) {
                if (!name_char(seg[i]))
                    return 0;
            }
        }
        seg += n;
        if (*seg == '.')
            seg++;
    }
    return 1;
}

static int cmp_param(const void *x, const void *y)
{
    return sim_model_name_cmp(((const sim_param_t *)x)->name, ((const sim_param_t *)y)->name);
}

/* The leaf (last segment) of a parameter name. */
static const char *leaf_of(const char *name)
{
    const char *leaf = strrchr(name, '.');
    return leaf ? leaf + 1 : name;
}

/* ---- one entry ---- */

/* Passwords and Wi-Fi keys are secret unless the model says otherwise. */
static int default_secret(const char *name)
{
    const char *leaf = leaf_of(name);
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
    static const char *const param_keys[] = {"type",         "value",         "secret",
                                             "notification", "active_notify", NULL};
    const char *k;
    json_t *v;
    json_object_foreach(spec, k, v)
    {
        int ok = strcmp(k, "writable") == 0 || strcmp(k, "description") == 0;
        for (size_t i = 0; !object && !ok && param_keys[i]; i++)
            ok = strcmp(k, param_keys[i]) == 0;
        if (object && strcmp(k, "type") == 0 && json_is_string(v) &&
            strcmp(json_string_value(v), "object") == 0)
            ok = 1;
        if (!ok)
            return 0;
    }
    return 1;
}

/* Default Notification and the data model's activeNotify flag
 * (cwmp-reference.md 7.4): "normal", "canDeny" (active refused: 9009),
 * "forceEnabled" (always active), "forceDefaultEnabled" (active by
 * default). 0 or -1 with err set. */
static int entry_notify(const char *name, json_t *spec, sim_param_t *e, char *err, size_t errlen)
{
    json_t *jn = json_object_get(spec, "notification");
    json_t *ja = json_object_get(spec, "active_notify");
    const char *an = json_is_string(ja) ? json_string_value(ja) : "normal";
    json_int_t n = json_is_integer(jn) ? json_integer_value(jn) : -1;
    int active;

    if ((jn && (n < 0 || n > NOTIFY_MAX)) || (ja && !json_is_string(ja))) {
        set_err(err, errlen, "%s: notification is 0..6, active_notify a string", name);
        return -1;
    }
    if (strcmp(an, "forceEnabled") == 0 || strcmp(an, "forceDefaultEnabled") == 0) {
        if (jn && n != 2) {
            set_err(err, errlen, "%s: active_notify force... means notification 2", name);
            return -1;
        }
        n = 2;
        if (strcmp(an, "forceEnabled") == 0)
            e->flags |= SIM_P_NOTIFY_FORCED;
    } else if (strcmp(an, "canDeny") == 0) {
        e->flags |= SIM_P_NOTIFY_DENY;
    } else if (strcmp(an, "normal") != 0) {
        set_err(err, errlen,
                "%s: active_notify is normal, canDeny, forceEnabled or "
                "forceDefaultEnabled",
                name);
        return -1;
    }
    active = n == 2 || n == 5 || n == 6;
    if ((e->flags & SIM_P_NOTIFY_DENY) && active) {
        set_err(err, errlen, "%s: a canDeny parameter cannot default to active notification", name);
        return -1;
    }
    e->notify = (uint8_t)(n < 0 ? 0 : n);
    return 0;
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
        if (strstr(e->value, "{i}") && !strstr(name, ".{i}.")) {
            set_err(err, errlen, "%s: {i} in a value outside a table template", name);
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
    int object = name[0] && name[strlen(name) - 1] == '.';
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
    if (entry_notify(name, spec, e, err, errlen) != 0)
        return -1;
    return entry_value(name, spec, e, err, errlen);
}

/* ---- the table ---- */

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
        v->p[i].flags &= (uint16_t)~P_EXPLICIT;
    return 0;
}

static int is_prefix(const char *prefix, const char *name)
{
    return strncmp(prefix, name, strlen(prefix)) == 0;
}

/* Parent and subtree end of every entry. The order puts an object right
 * before what it contains, so one pass with a stack of open objects does. */
static void link_tree(sim_model_t *m)
{
    uint32_t *stack = acs_xcalloc(m->n + 1, sizeof *stack);
    size_t depth = 0;

    for (size_t i = 0; i < m->n; i++) {
        sim_param_t *p = &m->p[i];
        while (depth > 0 && !is_prefix(m->p[stack[depth - 1]].name, p->name))
            m->p[stack[--depth]].end = (uint32_t)i;
        p->parent = depth > 0 ? stack[depth - 1] : SIM_NONE;
        if (p->type == SIM_T_OBJECT)
            stack[depth++] = (uint32_t)i;
        else
            p->end = (uint32_t)i + 1;
    }
    while (depth > 0)
        m->p[stack[--depth]].end = (uint32_t)m->n;
    free(stack);
}

/* A table's direct children are its static instances ("X.3.") and its
 * template; static instances share the table's writability (deletable). */
static int check_table_children(sim_model_t *m, uint32_t x, char *err, size_t errlen)
{
    sim_param_t *t = &m->p[x];
    for (uint32_t j = x + 1; j < t->end; j = m->p[j].end) {
        sim_param_t *c = &m->p[j];
        const char *seg = c->name + strlen(t->name);
        if (j == t->link)
            continue;
        if (c->type != SIM_T_OBJECT || !sim_model_numeric_segment(seg, strlen(seg) - 1) ||
            seg[0] == '0') {
            if (errlen)
                snprintf(err, errlen, "%.200s is in table %.200s but is not an instance", c->name,
                         t->name);
            return -1;
        }
        c->flags = (uint16_t)((c->flags & ~SIM_P_WRITABLE) | (t->flags & SIM_P_WRITABLE));
    }
    return 0;
}

/* Templates, their tables and everything below a template. */
static int link_tables(sim_model_t *m, char *err, size_t errlen)
{
    for (size_t i = 0; i < m->n; i++) {
        sim_param_t *p = &m->p[i];
        if (!strstr(p->name, ".{i}."))
            continue;
        p->flags |= SIM_P_INST;
        if (sim_model_is_template(p)) {
            sim_param_t *x = &m->p[p->parent];
            uint16_t w = (uint16_t)((x->flags | p->flags) & SIM_P_WRITABLE);
            x->flags |= SIM_P_TABLE | w;
            p->flags |= w;
            x->link = p->link = (uint32_t)i;
        } else {
            uint32_t a = p->parent;
            while (!sim_model_is_template(&m->p[a]))
                a = m->p[a].parent;
            p->link = a;
        }
    }
    for (size_t i = 0; i < m->n; i++) {
        if ((m->p[i].flags & SIM_P_TABLE) && check_table_children(m, (uint32_t)i, err, errlen))
            return -1;
    }
    return 0;
}

/* "<Name>NumberOfEntries" next to a table "<Name>." counts its instances. */
static int link_counts(sim_model_t *m, char *err, size_t errlen)
{
    static const char sfx[] = "NumberOfEntries";
    char cand[SIM_NAME_MAX + 2];

    for (size_t i = 0; i < m->n; i++) {
        sim_param_t *p = &m->p[i];
        const char *leaf = leaf_of(p->name);
        size_t ll = strlen(leaf), k = sizeof sfx - 1;
        if (p->type == SIM_T_OBJECT || ll <= k || strcmp(leaf + ll - k, sfx) != 0)
            continue;
        snprintf(cand, sizeof cand, "%.*s.", (int)(leaf - p->name + (ll - k)), p->name);
        long x = sim_model_find(m, cand);
        if (x < 0 || !(m->p[x].flags & SIM_P_TABLE))
            continue;
        if (p->flags & SIM_P_WRITABLE) {
            set_err(err, errlen, "%s counts a table's instances: it cannot be writable", p->name);
            return -1;
        }
        p->flags |= SIM_P_COUNT;
        p->flags &= (uint16_t)~SIM_P_TEMPLATE;
        p->link = (uint32_t)x;
    }
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
    if (m->n > SIM_NONE / 2) {
        set_err(err, errlen, "%s", "model too large");
        return -1;
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
        if (k < 0 || m->p[k].type == SIM_T_OBJECT || (m->p[k].flags & SIM_P_INST)) {
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
        load_parameters(m, params, err, errlen) != 0 || check_root(m, err, errlen) != 0)
        goto fail;
    link_tree(m);
    if (link_tables(m, err, errlen) != 0 || link_counts(m, err, errlen) != 0 ||
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
