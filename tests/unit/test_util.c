/* Unit tests for common/acs_util.c, acs_buf.c and acs_config.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "acs_buf.h"
#include "acs_config.h"
#include "acs_util.h"

static void test_device_id(void **state)
{
    char id[ACS_DEVICE_ID_MAX + 1];
    /* The example of cwmp-reference.md 5.2. */
    assert_int_equal(acs_device_id("00D09E", "HGW 5", "AC5-000123", id, sizeof id), 0);
    assert_string_equal(id, "00D09E-HGW%205-AC5%2D000123");
    /* Empty ProductClass: two parts. TAB is %9, not %09. UTF-8 bytes each. */
    assert_int_equal(acs_device_id("00D09E", "", "a\tb", id, sizeof id), 0);
    assert_string_equal(id, "00D09E-a%9b");
    assert_int_equal(acs_device_id("00D09E", NULL, "\xc3\xa9.x", id, sizeof id), 0);
    assert_string_equal(id, "00D09E-%C3%A9%2Ex");
    assert_true(acs_device_id_valid(id));
    /* Missing parts and overlong ids are refused. */
    assert_int_equal(acs_device_id("", "p", "s", id, sizeof id), -1);
    assert_int_equal(acs_device_id("00D09E", "p", "", id, sizeof id), -1);
    char serial[65];
    memset(serial, '.', 64);
    serial[64] = '\0';
    /* 64 escaped bytes fit (203 chars), two such parts do not (over 230). */
    assert_int_equal(acs_device_id("00D09E", "HGW", serial, id, sizeof id), 0);
    assert_int_equal(acs_device_id("00D09E", serial, serial, id, sizeof id), -1);
    assert_int_equal(acs_device_id("00D09E", "HGW", "x", id, 8), -1);
}

static void test_device_id_valid(void **state)
{
    char long_id[300];
    assert_true(acs_device_id_valid("00D09E-HGW-SN_1%2D"));
    assert_false(acs_device_id_valid(""));
    assert_false(acs_device_id_valid("a.b"));
    assert_false(acs_device_id_valid("a b"));
    assert_false(acs_device_id_valid("a/b"));
    memset(long_id, 'a', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    assert_false(acs_device_id_valid(long_id));
}

static void test_b64url_hex(void **state)
{
    const char *samples[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\x00z"};
    size_t lens[] = {0, 1, 2, 3, 4, 5, 6, 4};
    char enc[64], dec[64], hex[64];
    for (size_t i = 0; i < 8; i++) {
        size_t n = acs_b64url_encode(samples[i], lens[i], enc);
        assert_int_equal(strlen(enc), n);
        assert_null(strpbrk(enc, "+/="));
        assert_int_equal(acs_b64url_decode(enc, n, dec), (long)lens[i]);
        assert_memory_equal(dec, samples[i], lens[i]);
    }
    assert_string_equal((acs_b64url_encode("foobar", 6, enc), enc), "Zm9vYmFy");
    assert_int_equal(acs_b64url_decode("Zm9v!", 5, dec), -1);
    assert_int_equal(acs_b64url_decode("Z", 1, dec), -1);
    acs_hex("\x01\xab", 2, hex);
    assert_string_equal(hex, "01ab");
    assert_int_equal(acs_unhex("01AB", 4, dec, 2), 0);
    assert_memory_equal(dec, "\x01\xab", 2);
    assert_int_equal(acs_unhex("01AG", 4, dec, 2), -1);
    assert_int_equal(acs_unhex("01A", 3, dec, 2), -1);
}

static void test_hmac(void **state)
{
    /* RFC 4231 test case 2. */
    unsigned char mac[32];
    char hex[65];
    acs_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, mac);
    acs_hex(mac, 32, hex);
    assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assert_true(acs_ct_equal("abc", "abc", 3));
    assert_false(acs_ct_equal("abc", "abd", 3));
}

static void test_uuid_time(void **state)
{
    char a[37], b[37], t[32];
    acs_uuid(a);
    acs_uuid(b);
    assert_int_equal(strlen(a), 36);
    assert_int_equal(a[14], '4');
    assert_string_not_equal(a, b);
    assert_string_equal(acs_iso8601(1714637700123LL, t), "2024-05-02T08:15:00.123Z");
}

static void test_buf(void **state)
{
    acs_buf_t b = ACS_BUF_INIT;
    acs_buf_puts(&b, "a");
    acs_buf_printf(&b, "%d-%s", 42, "x");
    acs_buf_put_xml(&b, "<&>\"'");
    assert_string_equal(b.data, "a42-x&lt;&amp;&gt;&quot;&apos;");
    for (int i = 0; i < 1000; i++)
        acs_buf_puts(&b, "0123456789");
    assert_int_equal(b.len, 30 + 10000);
    size_t n;
    char *s = acs_buf_steal(&b, &n);
    assert_int_equal(n, 10030);
    assert_null(b.data);
    free(s);
    acs_buf_free(&b);
}

static void test_config(void **state)
{
    char host[64];
    int port;
    long n;
    int flag;
    assert_int_equal(acs_config_hostport("127.0.0.1:9000", host, sizeof host, &port), 0);
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 9000);
    assert_int_equal(acs_config_hostport("[::1]:80", host, sizeof host, &port), 0);
    assert_string_equal(host, "::1");
    assert_int_equal(acs_config_hostport("unix:/tmp/x.sock", host, sizeof host, &port), 0);
    assert_int_equal(port, 0);
    assert_int_equal(acs_config_hostport("nohost", host, sizeof host, &port), -1);
    assert_int_equal(acs_config_hostport("h:99999", host, sizeof host, &port), -1);
    assert_int_equal(acs_config_hostport(":80", host, sizeof host, &port), -1);
    setenv("ACS_TEST_INT", "12", 1);
    assert_int_equal(acs_config_int("ACS_TEST_INT", 5, 1, 100, &n), 0);
    assert_int_equal(n, 12);
    setenv("ACS_TEST_INT", "12x", 1);
    assert_int_equal(acs_config_int("ACS_TEST_INT", 5, 1, 100, &n), -1);
    setenv("ACS_TEST_INT", "101", 1);
    assert_int_equal(acs_config_int("ACS_TEST_INT", 5, 1, 100, &n), -1);
    unsetenv("ACS_TEST_INT");
    assert_int_equal(acs_config_int("ACS_TEST_INT", 5, 1, 100, &n), 0);
    assert_int_equal(n, 5);
    setenv("ACS_TEST_BOOL", "Off", 1);
    assert_int_equal(acs_config_bool("ACS_TEST_BOOL", 1, &flag), 0);
    assert_int_equal(flag, 0);
    setenv("ACS_TEST_BOOL", "maybe", 1);
    assert_int_equal(acs_config_bool("ACS_TEST_BOOL", 1, &flag), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_device_id), cmocka_unit_test(test_device_id_valid),
        cmocka_unit_test(test_b64url_hex), cmocka_unit_test(test_hmac),
        cmocka_unit_test(test_uuid_time),  cmocka_unit_test(test_buf),
        cmocka_unit_test(test_config),
    };
    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
