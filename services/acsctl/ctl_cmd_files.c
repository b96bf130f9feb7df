/* ctl_cmd_files: the file store. files add copies a file into
 * ACS_FILE_STORE/files/ (temporary file + rename, so nginx never serves a
 * half-written one) and records it in the files table; files list reads
 * the catalogue. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "acs_files.h"
#include "acs_util.h"
#include "ctl_cmd.h"
#include "ctl_db.h"
#include "ctl_query.h"
#include "ctl_table.h"

typedef struct {
    char name[ACS_FILES_NAME_MAX + 1];
    const char *kind, *file_type;
    char tmp[4096], final[4096];
    long long size;
    char sha256[65];
} add_t;

static int kind_valid(const char *k)
{
    return k && (!strcmp(k, "firmware") || !strcmp(k, "config") || !strcmp(k, "log") ||
                 !strcmp(k, "other"));
}

/* Defaults: the kind from the file type or --version, the file type from
 * the kind. */
static void defaults(const ctl_cmdline_t *cl, add_t *a)
{
    a->kind = cl->kind;
    a->file_type = cl->file_type;
    if (!a->kind) {
        if (cl->version || (a->file_type && strncmp(a->file_type, "1 Firmware", 10) == 0))
            a->kind = "firmware";
        else if (a->file_type && strstr(a->file_type, "Configuration"))
            a->kind = "config";
        else
            a->kind = "other";
    }
    if (!a->file_type && strcmp(a->kind, "firmware") == 0)
        a->file_type = "1 Firmware Upgrade Image";
    else if (!a->file_type && strcmp(a->kind, "config") == 0)
        a->file_type = "3 Vendor Configuration File";
}

static int check_add(const ctl_cmdline_t *cl, const char *path, add_t *a)
{
    char *copy = acs_xstrdup(path);
    const char *base = cl->name ? cl->name : basename(copy);
    int ok = strlen(base) <= ACS_FILES_NAME_MAX && acs_files_name_valid(base);

    if (ok)
        snprintf(a->name, sizeof a->name, "%s", base);
    free(copy);
    if (!ok)
        return ctl_fail(CTL_EXIT_USAGE,
                        "'%.128s' is not a store file name (1..128 of A-Z a-z 0-9 . _ -, not "
                        "starting with '.'): use --name",
                        cl->name ? cl->name : path);
    if (cl->kind && !kind_valid(cl->kind))
        return ctl_fail(CTL_EXIT_USAGE, "--kind must be firmware, config, log or other");
    if (cl->file_type && strlen(cl->file_type) > 64)
        return ctl_fail(CTL_EXIT_USAGE, "--file-type is longer than 64 characters");
    defaults(cl, a);
    return CTL_EXIT_OK;
}

/* Copy src into a new temporary file beside the final name, hashing it. */
static int copy_hash(int in, int out, add_t *a)
{
    unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_MD_CTX *h = EVP_MD_CTX_new();
    ssize_t n;
    int rc = -1;

    EVP_DigestInit_ex(h, EVP_sha256(), NULL);
    a->size = 0;
    while ((n = read(in, buf, sizeof buf)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto out;
        EVP_DigestUpdate(h, buf, (size_t)n);
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                goto out;
            off += w;
        }
        a->size += n;
    }
    EVP_DigestFinal_ex(h, md, &mdlen);
    acs_hex(md, 32, a->sha256);
    rc = fsync(out) == 0 && fchmod(out, 0644) == 0 ? 0 : -1;
out:
    EVP_MD_CTX_free(h);
    return rc;
}

static int stage(const ctl_ctx_t *c, const char *path, add_t *a)
{
    char dir[4096];
    int in = -1, out = -1, rc = CTL_EXIT_FAILED;

    int n = snprintf(dir, sizeof dir, "%s/files", c->cfg.file_store);
    if (n < 0 || (size_t)n + ACS_FILES_NAME_MAX + 16 >= sizeof a->tmp)
        return ctl_fail(CTL_EXIT_USAGE, "ACS_FILE_STORE is too long a path");
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return ctl_fail(CTL_EXIT_FAILED, "cannot create %s: %s", dir, strerror(errno));
    if (snprintf(a->final, sizeof a->final, "%s/%s", dir, a->name) < 0 ||
        snprintf(a->tmp, sizeof a->tmp, "%s/.%s.tmp-XXXXXX", dir, a->name) < 0)
        return ctl_fail(CTL_EXIT_FAILED, "cannot format a path");
    if ((in = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        rc = ctl_fail(CTL_EXIT_USAGE, "cannot read %s: %s", path, strerror(errno));
        goto out;
    }
    if ((out = mkostemp(a->tmp, O_CLOEXEC)) < 0) {
        rc = ctl_fail(CTL_EXIT_FAILED, "cannot write in %s: %s", dir, strerror(errno));
        a->tmp[0] = '\0';
        goto out;
    }
    if (copy_hash(in, out, a) != 0) {
        rc = ctl_fail(CTL_EXIT_FAILED, "copying %s to %s: %s", path, dir, strerror(errno));
        goto out;
    }
    rc = CTL_EXIT_OK;
out:
    if (in >= 0)
        close(in);
    if (out >= 0 && close(out) != 0 && rc == CTL_EXIT_OK)
        rc = ctl_fail(CTL_EXIT_FAILED, "writing %s: %s", a->tmp, strerror(errno));
    if (rc != CTL_EXIT_OK && a->tmp[0])
        unlink(a->tmp);
    return rc;
}

static const char upsert_sql[] =
    "INSERT INTO files (name, kind, file_type, size, sha256, oui, product_class, version,"
    " source) VALUES ('files/' || $1, $2, $3, $4::bigint, $5, $6, $7, $8, 'operator')"
    " ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, file_type = EXCLUDED.file_type,"
    " size = EXCLUDED.size, sha256 = EXCLUDED.sha256, oui = EXCLUDED.oui,"
    " product_class = EXCLUDED.product_class, version = EXCLUDED.version,"
    " device_id = NULL, source = 'operator', created_at = now()";

static int simple(ctl_ctx_t *c, const char *sql)
{
    PGresult *res = ctl_ctx_query(c, sql, 0, NULL);
    PQclear(res);
    return res ? CTL_EXIT_OK : CTL_EXIT_UNREACHABLE;
}

/* Row and file together: the rename happens inside the transaction. */
static int commit(ctl_ctx_t *c, add_t *a)
{
    char size[32];
    const ctl_cmdline_t *cl = c->cl;
    const char *p[] = {a->name,
                       a->kind,
                       a->file_type,
                       size,
                       a->sha256,
                       cl->filter.oui,
                       cl->filter.product_class,
                       cl->version};
    PGresult *res;

    snprintf(size, sizeof size, "%lld", a->size);
    if (simple(c, "BEGIN") != CTL_EXIT_OK)
        return CTL_EXIT_UNREACHABLE;
    if (!(res = ctl_ctx_query(c, upsert_sql, 8, p)))
        return CTL_EXIT_UNREACHABLE;
    PQclear(res);
    if (rename(a->tmp, a->final) != 0) {
        int e = errno;
        (void)simple(c, "ROLLBACK");
        return ctl_fail(CTL_EXIT_FAILED, "cannot rename into %s: %s", a->final, strerror(e));
    }
    a->tmp[0] = '\0';
    return simple(c, "COMMIT");
}

static void print_added(ctl_ctx_t *c, const add_t *a)
{
    char url[ACS_FILES_URL_MAX + 1] = "";
    if (c->cfg.files_url && acs_files_url(c->cfg.files_url, a->name, url, sizeof url) != 0)
        url[0] = '\0';
    if (c->cl->json) {
        json_t *o = json_pack("{s:s, s:s, s:s?, s:I, s:s, s:s?}", "name", a->name, "kind", a->kind,
                              "file_type", a->file_type, "size", (json_int_t)a->size, "sha256",
                              a->sha256, "url", url[0] ? url : NULL);
        ctl_ctx_print_json(o);
    } else {
        printf("added %s (%s, %lld bytes, sha256 %s)\n", a->name, a->kind, a->size, a->sha256);
        if (url[0])
            printf("url: %s\n", url);
    }
}

static int files_add(ctl_ctx_t *c)
{
    add_t a;
    int rc;

    memset(&a, 0, sizeof a);
    if (c->cl->npos != 2)
        return ctl_fail(CTL_EXIT_USAGE, "files add takes one PATH");
    if (c->cl->device)
        return ctl_fail(CTL_EXIT_USAGE, "files add does not take --device");
    if ((rc = check_add(c->cl, c->cl->pos[1], &a)) != CTL_EXIT_OK)
        return rc;
    if (!c->cfg.file_store)
        return ctl_fail(CTL_EXIT_USAGE, "files add needs ACS_FILE_STORE (the file store folder)");
    if ((rc = ctl_ctx_db(c)) != CTL_EXIT_OK) /* before copying: nothing half-done */
        return rc;
    if ((rc = stage(c, c->cl->pos[1], &a)) != CTL_EXIT_OK)
        return rc;
    rc = commit(c, &a);
    if (a.tmp[0])
        unlink(a.tmp);
    if (rc == CTL_EXIT_OK)
        print_added(c, &a);
    return rc;
}

/* The URL of a catalogue row: public for files/, signed (1 h) for upload/. */
static void row_url(const ctl_ctx_t *c, const char *name, const char *device, char *url, size_t n)
{
    const char *slash;
    url[0] = '\0';
    if (!c->cfg.files_url)
        return;
    if (strncmp(name, "files/", 6) == 0 && acs_files_url(c->cfg.files_url, name + 6, url, n) == 0)
        return;
    slash = strrchr(name, '/');
    if (device && c->cfg.files_secret && strncmp(name, "upload/", 7) == 0 && slash &&
        acs_files_upload_url(c->cfg.files_url, c->cfg.files_secret, device, slash + 1,
                             (int64_t)time(NULL) + 3600, url, n) == 0)
        return;
    url[0] = '\0';
}

static const char list_sql[] =
    "SELECT name, kind, file_type, size, sha256, version, oui, product_class, device_id,"
    " source, created_at FROM files"
    " WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS "
    "NULL OR device_id = $2)"
    " ORDER BY name LIMIT $3::bigint";

static void list_text(const PGresult *res, acs_buf_t *out)
{
    static const char *const hdr[] = {"NAME",    "KIND", "FILE TYPE", "SIZE",
                                      "VERSION", "FOR",  "CREATED"};
    ctl_table_t *t = ctl_table_new(7, hdr);
    for (int r = 0; r < PQntuples(res); r++) {
        char target[300] = "", created[32];
        const char *oui = ctl_db_get(res, r, 6), *pc = ctl_db_get(res, r, 7);
        const char *dev = ctl_db_get(res, r, 8);
        if (dev)
            snprintf(target, sizeof target, "%s", dev);
        else if (oui || pc)
            snprintf(target, sizeof target, "%s/%s", oui ? oui : "*", pc ? pc : "*");
        const char *cells[] = {ctl_db_get(res, r, 0),
                               ctl_db_get(res, r, 1),
                               ctl_db_get(res, r, 2),
                               ctl_db_get(res, r, 3),
                               ctl_db_get(res, r, 5),
                               target,
                               ctl_ctx_cell(res, r, 10, 't', created)};
        ctl_table_add(t, cells);
    }
    if (ctl_table_rows(t) > 0)
        ctl_table_render(t, out);
    else
        acs_buf_puts(out, "no files\n");
    ctl_table_free(t);
}

static json_t *list_json(const ctl_ctx_t *c, const PGresult *res)
{
    static const char *const keys[] = {"name",      "kind",    "file_type", "size",
                                       "sha256",    "version", "oui",       "product_class",
                                       "device_id", "source",  "created_at"};
    json_t *list = ctl_ctx_pg_json(res, 11, keys, "sssisssssst"), *o;
    char url[ACS_FILES_URL_MAX + 1];
    size_t i;

    json_array_foreach(list, i, o)
    {
        row_url(c, ctl_db_get(res, (int)i, 0), ctl_db_get(res, (int)i, 8), url, sizeof url);
        json_object_set_new(o, "url", url[0] ? json_string(url) : json_null());
    }
    return list;
}

static int files_list(ctl_ctx_t *c)
{
    char limit[32];
    const char *p[] = {c->cl->kind, c->cl->device, limit};
    PGresult *res;

    if (c->cl->npos != 1)
        return ctl_fail(CTL_EXIT_USAGE, "files list takes no arguments (--kind, --device)");
    if (c->cl->kind && !kind_valid(c->cl->kind))
        return ctl_fail(CTL_EXIT_USAGE, "--kind must be firmware, config, log or other");
    if (c->cl->name || c->cl->version || c->cl->file_type || c->cl->filter.oui ||
        c->cl->filter.product_class)
        return ctl_fail(CTL_EXIT_USAGE, "files list takes --kind, --device and --limit only");
    snprintf(limit, sizeof limit, "%ld", c->cl->filter.limit >= 0 ? c->cl->filter.limit : 1000L);
    if (!(res = ctl_ctx_query(c, list_sql, 3, p)))
        return CTL_EXIT_UNREACHABLE;
    if (c->cl->json) {
        ctl_ctx_print_json(json_pack("{s:o}", "files", list_json(c, res)));
    } else {
        acs_buf_t out = ACS_BUF_INIT;
        list_text(res, &out);
        ctl_ctx_print(&out);
        acs_buf_free(&out);
    }
    PQclear(res);
    return CTL_EXIT_OK;
}

int ctl_cmd_files(ctl_ctx_t *c)
{
    const char *sub = c->cl->npos > 0 ? c->cl->pos[0] : "";
    if (strcmp(sub, "add") == 0)
        return files_add(c);
    if (strcmp(sub, "list") == 0)
        return files_list(c);
    return ctl_fail(CTL_EXIT_USAGE, "files: expected 'add PATH' or 'list'");
}
