/* Unit tests for common/acs_files.c: store file names, public URLs, and
 * signed upload URLs, whose signature is recomputed here independently with
 * OpenSSL as nginx's secure_link_md5 does: base64url(MD5(expires uri
 * secret)) without padding, over the decoded path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "acs_files.h"

/* The signature nginx expects, computed without acs_files or acs_util. */
static void nginx_sig(const char *secret, const char *uri, long long expires, char out[32])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    unsigned char b64[64];
    char msg[1024];
    int n = snprintf(msg, sizeof(msg), "%lld%s%s", expires, uri, secret);

    assert_true(n > 0 && (size_t)n < sizeof(msg));
    assert_int_equal(EVP_Digest(msg, (size_t)n, md, &mdlen, EVP_md5(), NULL), 1);
    assert_int_equal(mdlen, 16);
    assert_int_equal(EVP_EncodeBlock(b64, md, 16), 24); /* standard base64, "==" padded */
    for (int i = 0; i < 22; i++)
        out[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : (char)b64[i];
    out[22] = '\0';
}

static void test_name_valid(void **state)
{
    char name[ACS_FILES_NAME_MAX + 2];

    assert_true(acs_files_name_valid("fw-5.1.2_HGW.bin"));
    assert_true(acs_files_name_valid("a"));
    assert_true(acs_files_name_valid("config.json"));
    assert_false(acs_files_name_valid(NULL));
    assert_false(acs_files_name_valid(""));
    assert_false(acs_files_name_valid(".hidden"));
    assert_false(acs_files_name_valid(".."));
    assert_false(acs_files_name_valid("a/b"));
    assert_false(acs_files_name_valid("../etc/passwd"));
    assert_false(acs_files_name_valid("a b"));
    assert_false(acs_files_name_valid("a%2Fb"));
    assert_false(acs_files_name_valid("a?b"));
    assert_false(acs_files_name_valid("caf\xc3\xa9"));
    memset(name, 'n', ACS_FILES_NAME_MAX);
    name[ACS_FILES_NAME_MAX] = '\0';
    assert_true(acs_files_name_valid(name));
    name[ACS_FILES_NAME_MAX] = 'n';
    name[ACS_FILES_NAME_MAX + 1] = '\0';
    assert_false(acs_files_name_valid(name));
}

static void test_public_url(void **state)
{
    char url[ACS_FILES_URL_MAX + 1], base[300];

    assert_int_equal(acs_files_url("http://acs.example.net:7547", "fw.bin", url, sizeof(url)), 0);
    assert_string_equal(url, "http://acs.example.net:7547/files/fw.bin");
    /* Trailing slashes on the base are not doubled. */
    assert_int_equal(acs_files_url("http://acs.example.net/store//", "fw.bin", url, sizeof(url)),
                     0);
    assert_string_equal(url, "http://acs.example.net/store/files/fw.bin");
    assert_int_equal(acs_files_url("http://h", "../x", url, sizeof(url)), -1);
    assert_int_equal(acs_files_url("http://h", "", url, sizeof(url)), -1);
    /* Too small a buffer, or over TR-069's 256: refused. */
    assert_int_equal(acs_files_url("http://h", "fw.bin", url, 10), -1);
    memset(base, 'b', sizeof(base));
    memcpy(base, "http://", 7);
    base[256 - strlen("/files/x")] = '\0'; /* exactly 256 with /files/x */
    assert_int_equal(acs_files_url(base, "x", url, sizeof(url)), 0);
    assert_int_equal(strlen(url), 256);
    base[256 - strlen("/files/x")] = 'b';
    base[257 - strlen("/files/x")] = '\0';
    assert_int_equal(acs_files_url(base, "x", url, sizeof(url)), -1);
}

static void test_upload_url_signature(void **state)
{
    const char *secret = "s3cret-Files";
    char url[ACS_FILES_URL_MAX + 1], sig[32], want[512];

    assert_int_equal(acs_files_upload_url("http://files.example:8080/", secret, "00D09E-HGW-AC5",
                                          "config.json", 1900000000, url, sizeof(url)),
                     0);
    nginx_sig(secret, "/upload/00D09E-HGW-AC5/config.json", 1900000000, sig);
    snprintf(want, sizeof(want),
             "http://files.example:8080/upload/00D09E-HGW-AC5/config.json"
             "?expires=1900000000&sig=%s",
             sig);
    assert_string_equal(url, want);
    /* acs_files_sign agrees with nginx's formula too. */
    char mine[23];
    acs_files_sign(secret, "/upload/00D09E-HGW-AC5/config.json", 1900000000, mine);
    assert_string_equal(mine, sig);
    assert_int_equal(strspn(mine, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                  "0123456789-_"),
                     22);
    /* Another expiry or secret gives another signature. */
    acs_files_sign(secret, "/upload/00D09E-HGW-AC5/config.json", 1900000001, mine);
    assert_string_not_equal(mine, sig);
    acs_files_sign("other", "/upload/00D09E-HGW-AC5/config.json", 1900000000, mine);
    assert_string_not_equal(mine, sig);
}

/* A device id's '%' goes out as %25 (nginx decodes the path before it checks
 * the signature, which is over the id as it is). */
static void test_upload_url_percent(void **state)
{
    const char *secret = "k", *dev = "00D09E-HGW%205-AC5%2D000123";
    char url[ACS_FILES_URL_MAX + 1], sig[32], want[512], uri[256];

    assert_int_equal(acs_files_upload_url("http://f", secret, dev, "log.txt", 42, url, sizeof(url)),
                     0);
    snprintf(uri, sizeof(uri), "/upload/%s/log.txt", dev);
    nginx_sig(secret, uri, 42, sig);
    snprintf(want, sizeof(want),
             "http://f/upload/00D09E-HGW%%25205-AC5%%252D000123/log.txt?expires=42&sig=%s", sig);
    assert_string_equal(url, want);
}

static void test_upload_url_refused(void **state)
{
    char url[ACS_FILES_URL_MAX + 1], base[300], dev[240];

    /* Invalid names and device ids. */
    assert_int_equal(acs_files_upload_url("http://f", "k", "dev", "../x", 1, url, sizeof(url)), -1);
    assert_int_equal(acs_files_upload_url("http://f", "k", "dev", "", 1, url, sizeof(url)), -1);
    assert_int_equal(acs_files_upload_url("http://f", "k", "a/b", "x", 1, url, sizeof(url)), -1);
    assert_int_equal(acs_files_upload_url("http://f", "k", "a.b", "x", 1, url, sizeof(url)), -1);
    assert_int_equal(acs_files_upload_url("http://f", "k", "", "x", 1, url, sizeof(url)), -1);
    /* Over 256 characters: a long base, or a long device id. */
    memset(base, 'b', sizeof(base));
    memcpy(base, "http://", 7);
    base[230] = '\0';
    assert_int_equal(acs_files_upload_url(base, "k", "dev", "x", 1, url, sizeof(url)), -1);
    memset(dev, 'd', sizeof(dev));
    dev[229] = '\0';
    assert_int_equal(acs_files_upload_url("http://f", "k", dev, "x", 1, url, sizeof(url)), -1);
    /* Fits in 256 but not in the caller's buffer. */
    assert_int_equal(acs_files_upload_url("http://f", "k", "dev", "x", 1, url, 20), -1);
    /* Escaping can push it over: 60 '%' are 180 characters once escaped. */
    memset(dev, '%', 60);
    dev[60] = '\0';
    assert_int_equal(acs_files_upload_url("http://f", "k", dev, "x", 1, url, sizeof(url)), 0);
    memset(dev, '%', 70);
    dev[70] = '\0';
    assert_int_equal(acs_files_upload_url("http://f", "k", dev, "x", 1, url, sizeof(url)), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_valid),           cmocka_unit_test(test_public_url),
        cmocka_unit_test(test_upload_url_signature), cmocka_unit_test(test_upload_url_percent),
        cmocka_unit_test(test_upload_url_refused),
    };
    return cmocka_run_group_tests_name("files", tests, NULL, NULL);
}
