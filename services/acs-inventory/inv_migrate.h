/* inv_migrate: versioned SQL migrations (deploy/sql/NNN_name.sql).
 *
 * Each file is applied once, in its own transaction, in version order, and
 * recorded in schema_migrations(version, name, applied_at). The whole run
 * holds a PostgreSQL advisory lock, so two inventories starting together
 * never race: the second waits, then finds nothing pending. A file must not
 * contain BEGIN/COMMIT or statements that cannot run in a transaction.
 */
#ifndef INV_MIGRATE_H
#define INV_MIGRATE_H

#include <libpq-fe.h>
#include <stddef.h>

/* Advisory lock key ("HALYARD\0" as a big-endian int64). */
#define INV_MIGRATE_LOCK_KEY 0x48414c5941524400LL
/* Largest migration file read. */
#define INV_MIGRATE_MAX_FILE (1024 * 1024)

typedef struct {
    int version;
    char name[256]; /* file name, e.g. "001_initial.sql" */
} inv_migration_t;

/* Version of a migration file name: digits, '_', [A-Za-z0-9_.-]*, ".sql"
 * ("001_initial.sql" -> 1). Returns 0, or -1 if the name is not one (the
 * file is then ignored) or the version is 0 or over INT_MAX. Pure. */
int inv_migrate_parse_name(const char *fname, int *version) __attribute__((warn_unused_result));

/* The migrations in dir, sorted by version, into *out (caller frees) and *n.
 * Returns 0, or -1 with a reason in err: dir unreadable, no migration in it,
 * two files with one version. Blocks on the file system only. */
int inv_migrate_scan(const char *dir, inv_migration_t **out, size_t *n, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* The migrations directory: env (ACS_SQL_DIR) when set and not empty, else
 * "deploy/sql" when it is a directory under the working directory, else
 * <directory of this binary>/../../deploy/sql (then ../../../deploy/sql,
 * for build/<tree>/bin). Writes it into out (n bytes).
 * Returns 0, or -1 when none of them exists (out holds the last tried). */
int inv_migrate_dir(const char *env, char *out, size_t n) __attribute__((warn_unused_result));

/* Apply the migrations of dir that schema_migrations does not list, on an
 * open connection (blocking). *applied (may be NULL) gets how many were
 * applied. Returns 0; -1 when a migration failed (rolled back; reason in
 * err, nothing later applied); -2 when the connection was lost (retry).
 * The advisory lock is released before returning in every case. */
int inv_migrate_apply(PGconn *pg, const char *dir, int *applied, char *err, size_t errlen)
    __attribute__((warn_unused_result));

#endif
