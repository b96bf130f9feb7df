/* ctl_db: see ctl_db.h. */
#include "ctl_db.h"

#include <stdio.h>
#include <string.h>

/* libpq messages span lines ("...failed: Connection refused\n\tIs the
 * server running..."): one line, tabs and newlines as spaces, trimmed. */
static void one_line(const char *in, char *out, size_t n)
{
    size_t o = 0;
    for (const char *p = in ? in : ""; *p && o + 1 < n; p++) {
        char c = (*p == '\n' || *p == '\t' || *p == '\r') ? ' ' : *p;
        if (c == ' ' && (o == 0 || out[o - 1] == ' '))
            continue;
        out[o++] = c;
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
}

static void describe(PGconn *db, char *out, size_t n)
{
    const char *host = db ? PQhost(db) : NULL, *port = db ? PQport(db) : NULL;
    const char *name = db ? PQdb(db) : NULL;
    snprintf(out, n, "%.128s:%.16s/%.64s", host && *host ? host : "(default)",
             port && *port ? port : "5432", name ? name : "?");
}

PGconn *ctl_db_open(const char *dsn, char *err, size_t errlen)
{
    /* connect_timeout first, so that the DSN's own overrides it. */
    /* UTC and ISO: timestamps come back as "2024-05-01 10:00:03+00"
     * (ctl_query_iso_time). */
    const char *keys[] = {"connect_timeout", "application_name", "options", "dbname", NULL};
    const char *vals[] = {"5", "acsctl", "-c TimeZone=UTC -c DateStyle=ISO", dsn, NULL};
    char why[512], where[256];
    PGconn *db = PQconnectdbParams(keys, vals, 1);

    if (db && PQstatus(db) == CONNECTION_OK)
        return db;
    one_line(db ? PQerrorMessage(db) : "out of memory", why, sizeof why);
    describe(db, where, sizeof where);
    snprintf(err, errlen, "database unreachable at %s: %s", where, why);
    PQfinish(db);
    return NULL;
}

PGresult *ctl_db_exec(PGconn *db, const char *sql, int nparams, const char *const *params,
                      char *err, size_t errlen)
{
    PGresult *res = PQexecParams(db, sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    char why[512], where[256];

    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
        return res;
    one_line(res ? PQresultErrorMessage(res) : PQerrorMessage(db), why, sizeof why);
    describe(db, where, sizeof where);
    snprintf(err, errlen, "database %s: %s", where, why);
    PQclear(res);
    return NULL;
}

const char *ctl_db_get(const PGresult *res, int row, int col)
{
    if (row >= PQntuples(res) || col >= PQnfields(res) || PQgetisnull(res, row, col))
        return NULL;
    return PQgetvalue(res, row, col);
}

void ctl_db_close(PGconn *db)
{
    if (db)
        PQfinish(db);
}
