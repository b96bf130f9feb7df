/* Unit tests for common/acs_secret.c: the key, sealing and opening device
 * secrets (AES-256-GCM bound to associated data), and random credentials. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acs_secret.h"
#include "acs_util.h"

#define B64URL "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

static const char KEY_HEX[] = "000102030405060708090a0b0c0d0e0f"
                              "101112131415161718191A1B1C1D1E1F";

static void key(unsigned char k[ACS_SECRET_KEY_LEN])
{
    assert_int_equal(acs_secret_key_parse(KEY_HEX, k), 0);
}

static void test_key_parse(void **state)
{
    unsigned char k[ACS_SECRET_KEY_LEN];
    char hex[80];

    key(k);
    for (int i = 0; i < ACS_SECRET_KEY_LEN; i++)
        assert_int_equal(k[i], i);
    assert_int_equal(acs_secret_key_parse(NULL, k), -1);
    assert_int_equal(acs_secret_key_parse("", k), -1);
    memcpy(hex, KEY_HEX, 63);
    hex[63] = '\0';
    assert_int_equal(acs_secret_key_parse(hex, k), -1); /* 63 digits */
    snprintf(hex, sizeof(hex), "%s0", KEY_HEX);
    assert_int_equal(acs_secret_key_parse(hex, k), -1); /* 65 digits */
    snprintf(hex, sizeof(hex), "%s", KEY_HEX);
    hex[10] = 'g';
    assert_int_equal(acs_secret_key_parse(hex, k), -1);
}

/* Sealed text: "v1:" + base64url(nonce 12 || ciphertext n || tag 16), no padding. */
static void check_form(const char *sealed, size_t plain_len)
{
    size_t raw = 12 + plain_len + 16, want = raw / 3 * 4 + (raw % 3 ? raw % 3 + 1 : 0);
    assert_memory_equal(sealed, "v1:", 3);
    assert_int_equal(strlen(sealed + 3), want);
    assert_int_equal(strspn(sealed + 3, B64URL), want);
}

static void test_round_trip(void **state)
{
    static const char *const plains[] = {"", "p", "hunter2", "p\xc3\xa4ssw\xc3\xb6rd & <x> \"'",
                                         "0123456789012345678901234567890123456789"};
    unsigned char k[ACS_SECRET_KEY_LEN];
    char max[ACS_SECRET_PLAIN_MAX + 1];

    key(k);
    for (size_t i = 0; i < sizeof(plains) / sizeof(plains[0]); i++) {
        char *s = acs_secret_seal(k, "00D09E-HGW-SN1", plains[i]);
        assert_non_null(s);
        check_form(s, strlen(plains[i]));
        char *p = acs_secret_open(k, "00D09E-HGW-SN1", s);
        assert_non_null(p);
        assert_string_equal(p, plains[i]);
        free(p);
        free(s);
    }
    /* The longest plaintext, with an empty aad. */
    memset(max, 'm', ACS_SECRET_PLAIN_MAX);
    max[ACS_SECRET_PLAIN_MAX] = '\0';
    char *s = acs_secret_seal(k, "", max);
    assert_non_null(s);
    check_form(s, ACS_SECRET_PLAIN_MAX);
    char *p = acs_secret_open(k, "", s);
    assert_non_null(p);
    assert_string_equal(p, max);
    free(p);
    free(s);
    /* Same text twice: different nonces, different sealed texts. */
    char *a = acs_secret_seal(k, "d", "same"), *b = acs_secret_seal(k, "d", "same");
    assert_non_null(a);
    assert_non_null(b);
    assert_string_not_equal(a, b);
    assert_int_not_equal(memcmp(a + 3, b + 3, 16), 0);
    free(a);
    free(b);
}

static void test_too_long(void **state)
{
    unsigned char k[ACS_SECRET_KEY_LEN];
    char big[ACS_SECRET_PLAIN_MAX + 2];

    key(k);
    memset(big, 'x', ACS_SECRET_PLAIN_MAX + 1);
    big[ACS_SECRET_PLAIN_MAX + 1] = '\0';
    assert_null(acs_secret_seal(k, "d", big));
}

static void test_wrong_key_or_aad(void **state)
{
    unsigned char k[ACS_SECRET_KEY_LEN], k2[ACS_SECRET_KEY_LEN];
    char *s;

    key(k);
    memcpy(k2, k, sizeof(k2));
    k2[31] ^= 1;
    s = acs_secret_seal(k, "00D09E-HGW-SN1", "hunter2");
    assert_non_null(s);
    /* Copied to another device's row, it does not open. */
    assert_null(acs_secret_open(k, "00D09E-HGW-SN2", s));
    assert_null(acs_secret_open(k, "", s));
    assert_null(acs_secret_open(k, "00D09E-HGW-SN1 ", s));
    assert_null(acs_secret_open(k2, "00D09E-HGW-SN1", s));
    free(s);
}

/* Re-encode sealed with one bit of raw byte i flipped. */
static char *flip(const char *sealed, size_t i)
{
    unsigned char raw[ACS_SECRET_PLAIN_MAX + 64];
    long n = acs_b64url_decode(sealed + 3, strlen(sealed + 3), raw);
    char *out = malloc(3 + (size_t)(n + 2) / 3 * 4 + 1);

    assert_true(n > (long)i);
    raw[i] ^= 0x01;
    memcpy(out, "v1:", 3);
    acs_b64url_encode(raw, (size_t)n, out + 3);
    return out;
}

static void test_tampered_or_truncated(void **state)
{
    unsigned char k[ACS_SECRET_KEY_LEN];
    const char *aad = "dev";
    char *s, *t, buf[512];
    size_t len;

    key(k);
    s = acs_secret_seal(k, aad, "correct horse");
    assert_non_null(s);
    len = strlen(s);
    /* A bit flipped in the nonce, the ciphertext, the tag. */
    size_t where[] = {0, 11, 12, 20, 12 + 13, 12 + 13 + 15};
    for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
        t = flip(s, where[i]);
        assert_null(acs_secret_open(k, aad, t));
        free(t);
    }
    /* A character changed, another version prefix, no prefix. */
    snprintf(buf, sizeof(buf), "%s", s);
    buf[10] = buf[10] == 'A' ? 'B' : 'A';
    assert_null(acs_secret_open(k, aad, buf));
    snprintf(buf, sizeof(buf), "v2:%s", s + 3);
    assert_null(acs_secret_open(k, aad, buf));
    assert_null(acs_secret_open(k, aad, s + 3));
    /* Truncated: by one character, to the tag, to the prefix, to nothing. */
    for (size_t keep = len - 1; keep > 0; keep = keep > 8 ? keep - 7 : keep - 1) {
        snprintf(buf, sizeof(buf), "%.*s", (int)keep, s);
        assert_null(acs_secret_open(k, aad, buf));
    }
    assert_null(acs_secret_open(k, aad, ""));
    assert_null(acs_secret_open(k, aad, "v1:"));
    assert_null(acs_secret_open(k, aad, NULL));
    /* Characters outside base64url, padding, extra data. */
    snprintf(buf, sizeof(buf), "%s", s);
    buf[5] = '+';
    assert_null(acs_secret_open(k, aad, buf));
    snprintf(buf, sizeof(buf), "%s=", s);
    assert_null(acs_secret_open(k, aad, buf));
    snprintf(buf, sizeof(buf), "%sAAAA", s);
    assert_null(acs_secret_open(k, aad, buf));
    /* Far too long: refused before decoding. */
    char *huge = malloc(100001);
    memcpy(huge, "v1:", 3);
    memset(huge + 3, 'A', 99997);
    huge[100000] = '\0';
    assert_null(acs_secret_open(k, aad, huge));
    free(huge);
    /* And the original still opens. */
    t = acs_secret_open(k, aad, s);
    assert_non_null(t);
    assert_string_equal(t, "correct horse");
    free(t);
    free(s);
}

static void test_random_text(void **state)
{
    char a[65], b[65], one[2], none[1];
    int seen[256] = {0}, kinds = 0;

    assert_int_equal(acs_secret_random_text(a, 64), 0);
    assert_int_equal(strlen(a), 64);
    assert_int_equal(strspn(a, ALNUM), 64);
    assert_int_equal(acs_secret_random_text(b, 64), 0);
    assert_string_not_equal(a, b);
    assert_int_equal(acs_secret_random_text(one, 1), 0);
    assert_int_equal(strlen(one), 1);
    memset(none, 'x', sizeof(none));
    assert_int_equal(acs_secret_random_text(none, 0), 0);
    assert_string_equal(none, "");
    /* Every one of the 62 characters turns up, and nothing else. */
    for (int i = 0; i < 200; i++) {
        char t[65];
        assert_int_equal(acs_secret_random_text(t, 64), 0);
        assert_int_equal(strspn(t, ALNUM), 64);
        for (int j = 0; j < 64; j++)
            seen[(unsigned char)t[j]]++;
    }
    for (int c = 0; c < 256; c++)
        kinds += seen[c] > 0;
    assert_int_equal(kinds, 62);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_parse),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_wrong_key_or_aad),
        cmocka_unit_test(test_tampered_or_truncated),
        cmocka_unit_test(test_random_text),
    };
    return cmocka_run_group_tests_name("secret", tests, NULL, NULL);
}
