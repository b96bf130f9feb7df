/* Unit tests for inv_migrate's file handling (no database) and inv_db's
 * error classification. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "inv_db.h"
#include "inv_migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_parse_name(void **state)
{
    int v = -1;

    (void)state;
    assert_int_equal(inv_migrate_parse_name("001_initial.sql", &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(inv_migrate_parse_name("42_add-index.v2.sql", &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(inv_migrate_parse_name("999999999_x.sql", &v), 0);
    assert_int_equal(v, 999999999);
    assert_int_equal(inv_migrate_parse_name("000_zero.sql", &v), -1);
    assert_int_equal(inv_migrate_parse_name("1000000000_big.sql", &v), -1);
    assert_int_equal(inv_migrate_parse_name("001_.sql", &v), -1);
    assert_int_equal(inv_migrate_parse_name("001initial.sql", &v), -1);
    assert_int_equal(inv_migrate_parse_name("initial.sql", &v), -1);
    assert_int_equal(inv_migrate_parse_name("001_initial.sql~", &v), -1);
    assert_int_equal(inv_migrate_parse_name("001_initial.SQL", &v), -1);
    assert_int_equal(inv_migrate_parse_name("001_in itial.sql", &v), -1);
    assert_int_equal(inv_migrate_parse_name(".001_initial.sql", &v), -1);
    assert_int_equal(inv_migrate_parse_name("", &v), -1);
}

static void touch(const char *dir, const char *name)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("SELECT 1;\n", f);
    fclose(f);
}

static void test_scan(void **state)
{
    char dir[] = "/tmp/inv_migrate_XXXXXX", err[256], out[512];
    inv_migration_t *list = NULL;
    size_t n = 0;

    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_int_equal(inv_migrate_scan(dir, &list, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "no migration"));

    touch(dir, "010_later.sql");
    touch(dir, "002_second.sql");
    touch(dir, "001_initial.sql");
    touch(dir, "README.md");
    touch(dir, "003_draft.sql.orig");
    assert_int_equal(inv_migrate_scan(dir, &list, &n, err, sizeof err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(list[0].version, 1);
    assert_string_equal(list[0].name, "001_initial.sql");
    assert_int_equal(list[1].version, 2);
    assert_int_equal(list[2].version, 10);
    assert_string_equal(list[2].name, "010_later.sql");
    free(list);

    touch(dir, "2_dup.sql");
    assert_int_equal(inv_migrate_scan(dir, &list, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "same version"));

    assert_int_equal(inv_migrate_dir(dir, out, sizeof out), 0);
    assert_string_equal(out, dir);

    const char *names[] = {"001_initial.sql", "002_second.sql",     "010_later.sql",
                           "README.md",       "003_draft.sql.orig", "2_dup.sql"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
    assert_int_equal(inv_migrate_scan(dir, &list, &n, err, sizeof err), -1);
    assert_int_equal(inv_migrate_dir(dir, out, sizeof out), -1);
}

static void test_classify(void **state)
{
    (void)state;
    assert_int_equal(inv_db_classify("22003"), INV_DB_DATA);  /* numeric out of range */
    assert_int_equal(inv_db_classify("22P02"), INV_DB_DATA);  /* invalid text representation */
    assert_int_equal(inv_db_classify("23514"), INV_DB_DATA);  /* check violation */
    assert_int_equal(inv_db_classify("40P01"), INV_DB_RETRY); /* deadlock */
    assert_int_equal(inv_db_classify("57P01"), INV_DB_RETRY); /* admin shutdown */
    assert_int_equal(inv_db_classify("08006"), INV_DB_RETRY); /* connection failure */
    assert_int_equal(inv_db_classify("42P01"), INV_DB_RETRY); /* undefined table: stall */
    assert_int_equal(inv_db_classify(NULL), INV_DB_RETRY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_name),
        cmocka_unit_test(test_scan),
        cmocka_unit_test(test_classify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
