/* Unit tests for inv_files: which upload URLs name a file in the store,
 * the kind of a FileType, and the size and SHA-256 of a stored file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "inv_files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BASE "http://acs.example:7547"

static int name_of(const char *base, const char *url, char *name)
{
    char err[128];
    return inv_files_upload_name(base, url, name, INV_FILES_NAME_MAX, err, sizeof err);
}

static void test_upload_names(void **state)
{
    char name[INV_FILES_NAME_MAX];
    (void)state;

    assert_int_equal(name_of(BASE, BASE "/upload/OUI-SN1/cfg.json?expires=1&sig=x", name), 0);
    assert_string_equal(name, "upload/OUI-SN1/cfg.json");
    /* %25 in the URL is the '%' of the escaped device id, on disk too. */
    assert_int_equal(name_of(BASE "/", BASE "/upload/00D09E-HGW%25205-AC5%252D1/a.log#f", name), 0);
    assert_string_equal(name, "upload/00D09E-HGW%205-AC5%2D1/a.log");
    assert_int_equal(name_of(BASE, BASE "/upload/OUI-SN1/%62ackup.bin", name), 0);
    assert_string_equal(name, "upload/OUI-SN1/backup.bin");
}

static void test_not_ours(void **state)
{
    char name[INV_FILES_NAME_MAX];
    (void)state;

    assert_int_equal(name_of(BASE, "http://elsewhere.example/upload/OUI-SN1/a", name), 1);
    assert_int_equal(name_of(BASE, BASE "/files/fw.bin", name), 1);
    assert_int_equal(name_of(BASE, BASE "/uploads/OUI-SN1/a", name), 1);
    assert_int_equal(name_of(BASE, "http://acs.example:75470/upload/OUI-SN1/a", name), 1);
    assert_int_equal(name_of(NULL, BASE "/upload/OUI-SN1/a", name), 1);
    assert_int_equal(name_of("", BASE "/upload/OUI-SN1/a", name), 1);
    assert_int_equal(name_of(BASE, NULL, name), 1);
}

static void test_refused_paths(void **state)
{
    static const char *const bad[] = {
        BASE "/upload/OUI-SN1",          /* no file */
        BASE "/upload/OUI-SN1/",         /* empty file name */
        BASE "/upload/../etc/passwd",    /* device folder .. */
        BASE "/upload/OUI-SN1/../../x",  /* nested, and .. */
        BASE "/upload/OUI-SN1/..",       /* the folder above */
        BASE "/upload/OUI-SN1/%2e%2e",   /* .. encoded */
        BASE "/upload/OUI-SN1/a%2fb",    /* an encoded / */
        BASE "/upload/OUI-SN1/a%00b",    /* an encoded NUL */
        BASE "/upload/OUI-SN1/.hidden",  /* leading dot */
        BASE "/upload/OUI-SN1/sub/file", /* nested */
        BASE "/upload/OUI-SN1/a%2",      /* truncated escape */
        BASE "/upload/OUI-SN1/a%zz",     /* bad escape */
        BASE "/upload/OUI.SN1/file",     /* not a device id */
        BASE "/upload//file",            /* empty device */
        BASE "/upload/OUI-SN1/sp ace",   /* not a store name */
        BASE "/upload/OUI-SN1/a..b",     /* two dots anywhere */
    };
    char name[INV_FILES_NAME_MAX];
    (void)state;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (name_of(BASE, bad[i], name) != -1)
            fail_msg("accepted %s as %s", bad[i], name);
}

static void test_kinds(void **state)
{
    (void)state;
    assert_string_equal(inv_files_kind("1 Vendor Configuration File"), "config");
    assert_string_equal(inv_files_kind("3 Vendor Configuration File 2"), "config");
    assert_string_equal(inv_files_kind("2 Vendor Log File"), "log");
    assert_string_equal(inv_files_kind("4 Vendor Log File 1"), "log");
    assert_string_equal(inv_files_kind("1 Firmware Upgrade Image"), "other");
    assert_string_equal(inv_files_kind("X 00D09E Dump"), "other");
    assert_string_equal(inv_files_kind(""), "other");
    assert_string_equal(inv_files_kind(NULL), "other");
}

static void test_digest(void **state)
{
    char dir[] = "/tmp/inv-files-XXXXXX", path[256], hex[65], err[256];
    long long size = -1;
    FILE *f;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/upload", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/upload/D-S", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/upload/D-S/abc.txt", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("abc", f);
    fclose(f);

    assert_int_equal(inv_files_digest(dir, "upload/D-S/abc.txt", &size, hex, err, sizeof err), 0);
    assert_int_equal(size, 3);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    /* Missing, a directory, a symbolic link: refused with a reason. */
    assert_int_equal(inv_files_digest(dir, "upload/D-S/none", &size, hex, err, sizeof err), -1);
    assert_non_null(strstr(err, "No such file"));
    assert_int_equal(inv_files_digest(dir, "upload/D-S", &size, hex, err, sizeof err), -1);
    snprintf(path, sizeof path, "%s/upload/D-S/link", dir);
    assert_int_equal(symlink("/etc/passwd", path), 0);
    assert_int_equal(inv_files_digest(dir, "upload/D-S/link", &size, hex, err, sizeof err), -1);
    unlink(path);

    /* An empty file is a file. */
    snprintf(path, sizeof path, "%s/upload/D-S/empty", dir);
    fclose(fopen(path, "w"));
    assert_int_equal(inv_files_digest(dir, "upload/D-S/empty", &size, hex, err, sizeof err), 0);
    assert_int_equal(size, 0);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    unlink(path);

    snprintf(path, sizeof path, "%s/upload/D-S/abc.txt", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/upload/D-S", dir);
    rmdir(path);
    snprintf(path, sizeof path, "%s/upload", dir);
    rmdir(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upload_names),  cmocka_unit_test(test_not_ours),
        cmocka_unit_test(test_refused_paths), cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_digest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
