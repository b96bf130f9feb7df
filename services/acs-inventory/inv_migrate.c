/* inv_migrate: see inv_migrate.h. */
#include "inv_migrate.h"

#include "acs_log.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char CREATE_TABLE[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                   " version int PRIMARY KEY,"
                                   " name text NOT NULL,"
                                   " applied_at timestamptz NOT NULL DEFAULT now())";

int inv_migrate_parse_name(const char *f, int *version)
{
    size_t nd = strspn(f, "0123456789");
    size_t len = strlen(f);
    long v;

    /* At least "1_x.sql"; nine digits always fit an int. */
    if (nd == 0 || nd > 9 || f[nd] != '_' || len < nd + 6 || strcmp(f + len - 4, ".sql") != 0)
        return -1;
    for (const char *p = f + nd + 1; p < f + len - 4; p++)
        if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-", *p))
            return -1;
    v = strtol(f, NULL, 10);
    if (v <= 0 || v > INT_MAX)
        return -1;
    *version = (int)v;
    return 0;
}

static int by_version(const void *a, const void *b)
{
    const inv_migration_t *x = a, *y = b;
    return (x->version > y->version) - (x->version < y->version);
}

int inv_migrate_scan(const char *dir, inv_migration_t **out, size_t *n, char *err, size_t errlen)
{
    inv_migration_t *list = NULL;
    size_t cnt = 0, cap = 0;
    struct dirent *e;
    DIR *d = opendir(dir);
    int version, rc = -1;

    if (!d) {
        snprintf(err, errlen, "cannot open migrations directory %s: %m", dir);
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        if (inv_migrate_parse_name(e->d_name, &version) != 0 ||
            strlen(e->d_name) >= sizeof list->name)
            continue;
        if (cnt == cap) {
            cap = cap ? 2 * cap : 16;
            list = realloc(list, cap * sizeof *list);
            if (!list)
                abort();
        }
        list[cnt].version = version;
        snprintf(list[cnt].name, sizeof list[cnt].name, "%s", e->d_name);
        cnt++;
    }
    if (cnt == 0) {
        snprintf(err, errlen, "no migration (NNN_name.sql) in %s", dir);
        goto out;
    }
    qsort(list, cnt, sizeof *list, by_version);
    for (size_t i = 1; i < cnt; i++) {
        if (list[i].version == list[i - 1].version) {
            snprintf(err, errlen, "%s and %s have the same version", list[i - 1].name,
                     list[i].name);
            goto out;
        }
    }
    *out = list;
    *n = cnt;
    list = NULL;
    rc = 0;
out:
    closedir(d);
    free(list);
    return rc;
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int inv_migrate_dir(const char *env, char *out, size_t n)
{
    char exe[PATH_MAX];
    ssize_t k;
    char *slash;
    int w;

    if (env && *env) {
        w = snprintf(out, n, "%s", env);
        return w >= 0 && (size_t)w < n && is_dir(out) ? 0 : -1;
    }
    snprintf(out, n, "deploy/sql");
    if (is_dir(out))
        return 0;
    k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k <= 0)
        return -1;
    exe[k] = '\0';
    slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    /* build/bin/acs-inventory, and build/<tree>/bin/ for private trees. */
    w = snprintf(out, n, "%s/../../deploy/sql", exe);
    if (w >= 0 && (size_t)w < n && is_dir(out))
        return 0;
    w = snprintf(out, n, "%s/../../../deploy/sql", exe);
    return w >= 0 && (size_t)w < n && is_dir(out) ? 0 : -1;
}

/* One line of error text for res (or the connection) into err. */
static void pg_error(PGconn *pg, const PGresult *res, const char *what, char *err, size_t errlen)
{
    const char *m = res ? PQresultErrorMessage(res) : PQerrorMessage(pg);
    int w = snprintf(err, errlen, "%s: %s", what, m && *m ? m : "no result");

    for (int i = 0; i < w && (size_t)i < errlen; i++)
        if (err[i] == '\n' || err[i] == '\r')
            err[i] = ' ';
    while (w > 0 && (size_t)w <= errlen && err[w - 1] == ' ')
        err[--w] = '\0';
}

/* Run sql; keep the result in *keep when not NULL. 0, -1 SQL error, -2 the
 * connection is gone. */
static int run(PGconn *pg, const char *sql, int np, const char *const *params, PGresult **keep,
               const char *what, char *err, size_t errlen)
{
    PGresult *res = np ? PQexecParams(pg, sql, np, NULL, params, NULL, NULL, 0) : PQexec(pg, sql);
    ExecStatusType st = PQresultStatus(res);

    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) {
        if (keep)
            *keep = res;
        else
            PQclear(res);
        return 0;
    }
    pg_error(pg, res, what, err, errlen);
    PQclear(res);
    return PQstatus(pg) == CONNECTION_BAD ? -2 : -1;
}

static char *read_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;

    if (!f) {
        snprintf(err, errlen, "cannot open %s: %m", path);
        return NULL;
    }
    buf = malloc(INV_MIGRATE_MAX_FILE + 1);
    if (!buf)
        abort();
    n = fread(buf, 1, INV_MIGRATE_MAX_FILE + 1, f);
    if (ferror(f) || n > INV_MIGRATE_MAX_FILE) {
        snprintf(err, errlen, "cannot read %s (or over %d bytes)", path, INV_MIGRATE_MAX_FILE);
        free(buf);
        buf = NULL;
    } else {
        buf[n] = '\0';
    }
    fclose(f);
    return buf;
}

static int apply_one(PGconn *pg, const char *dir, const inv_migration_t *m, char *err,
                     size_t errlen)
{
    char path[PATH_MAX + 256], version[16];
    const char *params[2] = {version, m->name};
    char *sql;
    int rc;

    snprintf(path, sizeof path, "%s/%s", dir, m->name);
    snprintf(version, sizeof version, "%d", m->version);
    sql = read_file(path, err, errlen);
    if (!sql)
        return -1;
    rc = run(pg, "BEGIN", 0, NULL, NULL, m->name, err, errlen);
    if (rc == 0)
        rc = run(pg, sql, 0, NULL, NULL, m->name, err, errlen);
    if (rc == 0)
        rc = run(pg, "INSERT INTO schema_migrations (version, name) VALUES ($1::int, $2)", 2,
                 params, NULL, m->name, err, errlen);
    if (rc == 0)
        rc = run(pg, "COMMIT", 0, NULL, NULL, m->name, err, errlen);
    if (rc == -1)
        PQclear(PQexec(pg, "ROLLBACK"));
    if (rc == 0)
        acs_log_kv(ACS_LOG_INFO, "migration applied", "name", m->name, NULL);
    free(sql);
    return rc;
}

static int is_applied(const PGresult *res, int version)
{
    for (int i = 0; i < PQntuples(res); i++)
        if (atoi(PQgetvalue(res, i, 0)) == version)
            return 1;
    return 0;
}

static void notice_to_log(void *arg, const char *message)
{
    (void)arg;
    acs_debug("postgres: %.*s", (int)strcspn(message, "\n"), message);
}

int inv_migrate_apply(PGconn *pg, const char *dir, int *applied, char *err, size_t errlen)
{
    inv_migration_t *list = NULL;
    PGresult *done = NULL;
    char key[24];
    const char *kp[1] = {key};
    size_t n = 0;
    int rc, locked = 0;

    if (applied)
        *applied = 0;
    if (inv_migrate_scan(dir, &list, &n, err, errlen) != 0)
        return -1;
    PQsetNoticeProcessor(pg, notice_to_log, NULL);
    snprintf(key, sizeof key, "%lld", (long long)INV_MIGRATE_LOCK_KEY);
    rc = run(pg, "SELECT pg_advisory_lock($1::bigint)", 1, kp, NULL, "advisory lock", err, errlen);
    if (rc != 0)
        goto out;
    locked = 1;
    rc = run(pg, CREATE_TABLE, 0, NULL, NULL, "schema_migrations", err, errlen);
    if (rc == 0)
        rc = run(pg, "SELECT version FROM schema_migrations ORDER BY version", 0, NULL, &done,
                 "schema_migrations", err, errlen);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (is_applied(done, list[i].version))
            continue;
        rc = apply_one(pg, dir, &list[i], err, errlen);
        if (rc == 0 && applied)
            (*applied)++;
    }
    if (rc == 0 && PQntuples(done) > 0 &&
        atoi(PQgetvalue(done, PQntuples(done) - 1, 0)) > list[n - 1].version)
        acs_warn("the database has migrations newer than %s (from a newer release?)", dir);
out:
    if (locked && PQstatus(pg) == CONNECTION_OK)
        PQclear(
            PQexecParams(pg, "SELECT pg_advisory_unlock($1::bigint)", 1, NULL, kp, NULL, NULL, 0));
    PQclear(done);
    free(list);
    return rc;
}
