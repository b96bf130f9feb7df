/* sim_model: see sim_model.h. Names, lookups and templates; loading (JSON
 * -> sorted table) is in sim_model_load.c, value types in sim_value.c. */
#include "sim_model_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int sim_model_numeric_segment(const char *s, size_t n)
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
    int na = sim_model_numeric_segment(a, la), nb = sim_model_numeric_segment(b, lb);
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

int sim_model_is_template(const sim_param_t *p)
{
    size_t n = strlen(p->name);
    return p->type == SIM_T_OBJECT && n >= 5 && strcmp(p->name + n - 5, ".{i}.") == 0;
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
    if (i < 0 || m->p[i].type == SIM_T_OBJECT || (m->p[i].flags & SIM_P_COUNT) ||
        sim_model_template_check(value) != 0 || strlen(value) > SIM_VALUE_MAX)
        return -1;
    if (!(m->p[i].flags & SIM_P_INST) && strstr(value, "{i}"))
        return -1; /* no instance number to render outside a table template */
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
    PH_INSTANCE,
    PH_COUNT
};

static const char *const placeholders[PH_COUNT] = {
    "serial", "index", "oui", "product_class", "manufacturer", "ip", "mac", "uptime", "now", "i",
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
    case PH_INSTANCE:
        acs_buf_printf(out, "%u", (unsigned)c->instance);
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
