/* ctl_query: see ctl_query.h. */
#include "ctl_query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_check.h"

int ctl_qparams_add(ctl_qparams_t *p, const char *s)
{
    if (p->n >= CTL_QUERY_MAX_PARAMS)
        return p->n; /* callers bound their inputs far below this */
    p->v[p->n++] = s ? acs_xstrdup(s) : NULL;
    return p->n;
}

void ctl_qparams_free(ctl_qparams_t *p)
{
    for (int i = 0; i < p->n; i++)
        free(p->v[i]);
    p->n = 0;
}

static void like_escaped(const char *s, acs_buf_t *out, int glob)
{
    for (; *s; s++) {
        if (glob && *s == '*')
            acs_buf_puts(out, "%");
        else if (glob && *s == '?')
            acs_buf_puts(out, "_");
        else if (*s == '%' || *s == '_' || *s == '!')
            acs_buf_printf(out, "!%c", *s);
        else
            acs_buf_append(out, s, 1);
    }
}

void ctl_query_glob_to_like(const char *glob, acs_buf_t *out)
{
    like_escaped(glob, out, 1);
    if (!out->data)
        acs_buf_puts(out, "");
}

void ctl_query_prefix_like(const char *prefix, acs_buf_t *out)
{
    like_escaped(prefix, out, 0);
    acs_buf_puts(out, "%");
}

static int add_param_filter(const char *spec, acs_buf_t *sql, ctl_qparams_t *p, char *err,
                            size_t errlen)
{
    const char *eq = strchr(spec, '=');
    char name[CTL_NAME_MAX + 1];
    size_t n = eq ? (size_t)(eq - spec) : 0;
    int a, b;

    if (!eq || n == 0 || n > CTL_NAME_MAX) {
        snprintf(err, errlen, "--param '%.256s' is not NAME=VALUE", spec);
        return -1;
    }
    memcpy(name, spec, n);
    name[n] = '\0';
    if (ctl_check_name(name, CTL_NAME_PARAM, err, errlen) != 0)
        return -1;
    a = ctl_qparams_add(p, name);
    b = ctl_qparams_add(p, eq + 1);
    acs_buf_printf(sql,
                   " AND EXISTS (SELECT 1 FROM parameters p WHERE p.device_id = d.device_id"
                   " AND p.name = $%d AND p.value = $%d)",
                   a, b);
    return 0;
}

static void add_eq(acs_buf_t *sql, ctl_qparams_t *p, const char *cond, const char *value)
{
    if (value)
        acs_buf_printf(sql, cond, ctl_qparams_add(p, value));
}

int ctl_query_filter(const ctl_filter_t *f, acs_buf_t *sql, ctl_qparams_t *p, char *err,
                     size_t errlen)
{
    char num[32];

    if (f->id_glob) {
        acs_buf_t like = ACS_BUF_INIT;
        ctl_query_glob_to_like(f->id_glob, &like);
        acs_buf_printf(sql, " AND d.device_id LIKE $%d ESCAPE '!'", ctl_qparams_add(p, like.data));
        acs_buf_free(&like);
    }
    for (int i = 0; i < f->ntags; i++) {
        if (!ctl_tag_valid(f->tags[i])) {
            snprintf(err, errlen, "--tag '%.64s' is not a tag (1..64 of A-Z a-z 0-9 _ . : -)",
                     f->tags[i]);
            return -1;
        }
        acs_buf_printf(sql,
                       " AND EXISTS (SELECT 1 FROM device_tags t WHERE t.device_id = d.device_id"
                       " AND t.tag = $%d)",
                       ctl_qparams_add(p, f->tags[i]));
    }
    for (int i = 0; i < f->nparams; i++)
        if (add_param_filter(f->params[i], sql, p, err, errlen) != 0)
            return -1;
    add_eq(sql, p, " AND d.product_class = $%d", f->product_class);
    add_eq(sql, p, " AND upper(d.oui) = upper($%d)", f->oui);
    add_eq(sql, p, " AND d.software_version = $%d", f->software_version);
    if (f->seen_within >= 0) {
        snprintf(num, sizeof num, "%ld", f->seen_within);
        acs_buf_printf(sql, " AND d.last_seen >= now() - $%d::bigint * interval '1 second'",
                       ctl_qparams_add(p, num));
    }
    if (f->not_seen_for >= 0) {
        snprintf(num, sizeof num, "%ld", f->not_seen_for);
        acs_buf_printf(sql,
                       " AND (d.last_seen IS NULL OR d.last_seen < now() - $%d::bigint * "
                       "interval '1 second')",
                       ctl_qparams_add(p, num));
    }
    return 0;
}

static int finish(const ctl_filter_t *f, long limit, acs_buf_t *sql, ctl_qparams_t *p, char *err,
                  size_t errlen)
{
    char num[32];
    acs_buf_puts(sql, " FROM devices d WHERE TRUE");
    if (ctl_query_filter(f, sql, p, err, errlen) != 0)
        return -1;
    acs_buf_puts(sql, " ORDER BY d.device_id");
    if (limit >= 0) {
        snprintf(num, sizeof num, "%ld", limit);
        acs_buf_printf(sql, " LIMIT $%d::bigint", ctl_qparams_add(p, num));
    }
    return 0;
}

static const char devices_cols[] =
    "SELECT d.device_id, d.product_class, d.software_version, d.last_seen,"
    " extract(epoch FROM now() - d.last_seen)::bigint, d.last_inform_addr,"
    " (SELECT string_agg(t.tag, ',' ORDER BY t.tag) FROM device_tags t"
    "  WHERE t.device_id = d.device_id),"
    " d.oui, d.serial_number, d.manufacturer, d.hardware_version";

int ctl_query_devices(const ctl_filter_t *f, long limit, acs_buf_t *sql, ctl_qparams_t *p,
                      char *err, size_t errlen)
{
    acs_buf_puts(sql, devices_cols);
    return finish(f, limit, sql, p, err, errlen);
}

int ctl_query_device_ids(const ctl_filter_t *f, long limit, acs_buf_t *sql, ctl_qparams_t *p,
                         char *err, size_t errlen)
{
    acs_buf_puts(sql, "SELECT d.device_id");
    return finish(f, limit, sql, p, err, errlen);
}

char *ctl_query_iso_time(const char *pg, char *out, size_t n)
{
    const char *p = pg + 19;
    size_t off;

    if (strlen(pg) < 19 || pg[4] != '-' || pg[10] != ' ' || pg[13] != ':' || n < 32) {
        snprintf(out, n, "%s", pg);
        return out;
    }
    if (*p == '.')
        p += 1 + strspn(p + 1, "0123456789");
    off = strlen(p);
    if (strcmp(p, "+00") == 0 || strcmp(p, "+00:00") == 0 || off == 0)
        snprintf(out, n, "%.10sT%.8sZ", pg, pg + 11);
    else if (off == 3) /* "+02" */
        snprintf(out, n, "%.10sT%.8s%.3s:00", pg, pg + 11, p);
    else
        snprintf(out, n, "%.10sT%.8s%.6s", pg, pg + 11, p);
    return out;
}
