/* ctl_ctx: see ctl_ctx.h. */
#include "ctl_ctx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_db.h"
#include "ctl_query.h"
#include "ctl_table.h"

#define DEFAULT_AMQP_URL "amqp://guest:guest@127.0.0.1:5672/"
#define DEFAULT_PG_DSN "host=127.0.0.1 port=5432 dbname=halyard user=halyard"

int ctl_fail(int code, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fflush(stdout);
    fprintf(stderr, "acsctl: %s\n", line);
    return code;
}

static const char *env_or(const char *name, const char *def)
{
    const char *v = getenv(name);
    return v && *v ? v : def;
}

void ctl_ctx_init(ctl_ctx_t *c, ctl_cmdline_t *cl)
{
    memset(c, 0, sizeof *c);
    c->cl = cl;
    c->cfg.amqp_url = cl->amqp_url ? cl->amqp_url : env_or("ACS_AMQP_URL", DEFAULT_AMQP_URL);
    c->cfg.db_dsn = cl->db_dsn ? cl->db_dsn : env_or("ACS_PG_DSN", DEFAULT_PG_DSN);
    c->cfg.files_url = env_or("ACS_FILES_URL", NULL);
    c->cfg.files_secret = env_or("ACS_FILES_SECRET", NULL);
    c->cfg.file_store = env_or("ACS_FILE_STORE", NULL);
}

void ctl_ctx_close(ctl_ctx_t *c)
{
    ctl_amqp_close(c->amqp);
    c->amqp = NULL;
    ctl_db_close(c->db);
    c->db = NULL;
}

int ctl_ctx_db(ctl_ctx_t *c)
{
    char err[1024];
    if (c->db)
        return CTL_EXIT_OK;
    if (!(c->db = ctl_db_open(c->cfg.db_dsn, err, sizeof err)))
        return ctl_fail(CTL_EXIT_UNREACHABLE, "%s", err);
    return CTL_EXIT_OK;
}

int ctl_ctx_amqp(ctl_ctx_t *c)
{
    char err[1024];
    if (c->amqp)
        return CTL_EXIT_OK;
    if (!(c->amqp = ctl_amqp_open(c->cfg.amqp_url, err, sizeof err)))
        return ctl_fail(CTL_EXIT_UNREACHABLE, "%s", err);
    return CTL_EXIT_OK;
}

PGresult *ctl_ctx_query(ctl_ctx_t *c, const char *sql, int n, const char *const *params)
{
    char err[1024];
    PGresult *res;
    if (ctl_ctx_db(c) != CTL_EXIT_OK)
        return NULL;
    if (!(res = ctl_db_exec(c->db, sql, n, params, err, sizeof err)))
        ctl_fail(CTL_EXIT_UNREACHABLE, "%s", err);
    return res;
}

int ctl_ctx_device_known(ctl_ctx_t *c, const char *device_id)
{
    const char *p[] = {device_id};
    PGresult *res = ctl_ctx_query(c, "SELECT 1 FROM devices WHERE device_id = $1", 1, p);
    int known;
    if (!res)
        return CTL_EXIT_UNREACHABLE;
    known = PQntuples(res) > 0;
    PQclear(res);
    if (known)
        return CTL_EXIT_OK;
    return ctl_fail(CTL_EXIT_UNKNOWN,
                    "unknown device %s (not in the inventory; --force queues it anyway)",
                    device_id);
}

void ctl_ctx_print(const acs_buf_t *out)
{
    if (out->len)
        fwrite(out->data, 1, out->len, stdout);
    fflush(stdout);
}

void ctl_ctx_print_json(json_t *doc)
{
    char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (s) {
        fputs(s, stdout);
        fputc('\n', stdout);
        free(s);
    }
    fflush(stdout);
    json_decref(doc);
}

const char *ctl_ctx_cell(const PGresult *res, int r, int k, char type, char buf[32])
{
    const char *v = PQgetisnull(res, r, k) ? NULL : PQgetvalue(res, r, k);
    return v && type == 't' ? ctl_query_iso_time(v, buf, 32) : v;
}

void ctl_ctx_pg_table(const PGresult *res, int ncols, const char *const *headers, const char *types,
                      acs_buf_t *out)
{
    ctl_table_t *t = ctl_table_new(ncols, headers);
    const char *cells[32];
    char bufs[32][32];
    for (int r = 0; r < PQntuples(res); r++) {
        for (int k = 0; k < ncols && k < 32; k++)
            cells[k] = ctl_ctx_cell(res, r, k, types ? types[k] : 's', bufs[k]);
        ctl_table_add(t, cells);
    }
    ctl_table_render(t, out);
    ctl_table_free(t);
}

static json_t *typed(const PGresult *res, int r, int k, char type)
{
    char buf[32];
    const char *v = ctl_ctx_cell(res, r, k, type, buf);
    json_t *s;
    if (!v)
        return json_null();
    if (type == 'i')
        return json_integer(strtoll(v, NULL, 10));
    if (type == 'b')
        return json_boolean(v[0] == 't');
    s = json_string(v); /* NULL if not UTF-8 (PostgreSQL checks, but be safe) */
    return s ? s : json_null();
}

json_t *ctl_ctx_pg_json(const PGresult *res, int ncols, const char *const *keys, const char *types)
{
    json_t *arr = json_array();
    for (int r = 0; r < PQntuples(res); r++) {
        json_t *o = json_object();
        for (int k = 0; k < ncols; k++)
            json_object_set_new(o, keys[k], typed(res, r, k, types[k]));
        json_array_append_new(arr, o);
    }
    return arr;
}
