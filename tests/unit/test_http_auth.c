/* Unit tests for common/acs_http_auth.c: RFC 2617 vectors, auth-int, the
 * client -> server round trip, signed nonces, hostile headers and Basic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "acs_http_auth.h"

#define RFC_NONCE "dcd98b7102dd2f0e8b11d0f600bfb0c093"
#define RFC_HA1 "939e7578ed9e3c518a452acee763bce9"

/* RFC 2617 section 3.5, as a client sends it. */
static const char rfc_header[] =
    "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", nonce=\"" RFC_NONCE "\", "
    "uri=\"/dir/index.html\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", "
    "response=\"6629fae49393a05397450978507c4ef1\", "
    "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

static const unsigned char key[] = "0123456789abcdef0123456789abcdef";

static void test_rfc2617_example(void **state)
{
    acs_auth_t a;
    char ha1[33], resp[33];

    assert_int_equal(acs_auth_parse(rfc_header, &a), 0);
    assert_int_equal(a.scheme, ACS_AUTH_DIGEST);
    assert_string_equal(a.username, "Mufasa");
    assert_string_equal(a.realm, "testrealm@host.com");
    assert_string_equal(a.nonce, RFC_NONCE);
    assert_string_equal(a.uri, "/dir/index.html");
    assert_string_equal(a.qop, "auth");
    assert_string_equal(a.nc, "00000001");
    assert_string_equal(a.cnonce, "0a4f113b");
    assert_string_equal(a.opaque, "5ccc069c403ebaf9f0171e9517f40e41");
    assert_string_equal(a.algorithm, "");

    acs_digest_ha1("Mufasa", "testrealm@host.com", "Circle Of Life", ha1);
    assert_string_equal(ha1, RFC_HA1);
    acs_digest_response(ha1, &a, "GET", NULL, 0, resp);
    assert_string_equal(resp, "6629fae49393a05397450978507c4ef1");
    assert_int_equal(acs_digest_verify(ha1, &a, "GET", NULL, 0), 0);

    /* wrong method, wrong password, tampered uri */
    assert_int_equal(acs_digest_verify(ha1, &a, "POST", NULL, 0), -1);
    acs_digest_ha1("Mufasa", "testrealm@host.com", "circle of life", ha1);
    assert_int_equal(acs_digest_verify(ha1, &a, "GET", NULL, 0), -1);
    acs_digest_ha1("Mufasa", "testrealm@host.com", "Circle Of Life", ha1);
    strcpy(a.uri, "/dir/index.htm");
    assert_int_equal(acs_digest_verify(ha1, &a, "GET", NULL, 0), -1);
}

static void test_verify_policy(void **state)
{
    acs_auth_t a, b;

    assert_int_equal(acs_auth_parse(rfc_header, &a), 0);

    b = a; /* upper-case hex response is still the same response */
    strcpy(b.response, "6629FAE49393A05397450978507C4EF1");
    assert_int_equal(acs_digest_verify(RFC_HA1, &b, "GET", NULL, 0), 0);
    b = a;
    strcpy(b.algorithm, "MD5");
    assert_int_equal(acs_digest_verify(RFC_HA1, &b, "GET", NULL, 0), 0);
    strcpy(b.algorithm, "MD5-sess");
    assert_int_equal(acs_digest_verify(RFC_HA1, &b, "GET", NULL, 0), -1);
    strcpy(b.algorithm, "SHA-256");
    assert_int_equal(acs_digest_verify(RFC_HA1, &b, "GET", NULL, 0), -1);
    b = a; /* RFC 2069 (no qop) is refused by the server side */
    b.qop[0] = '\0';
    assert_int_equal(acs_digest_verify(RFC_HA1, &b, "GET", NULL, 0), -1);
    b = a;
    strcpy(b.nc, "1");
    assert_int_equal(acs_digest_verify(RFC_HA1, &b, "GET", NULL, 0), -1);
    b = a;
    b.cnonce[0] = '\0';
    assert_int_equal(acs_digest_verify(RFC_HA1, &b, "GET", NULL, 0), -1);
    b = a;
    strcpy(b.response, "6629fae4");
    assert_int_equal(acs_digest_verify(RFC_HA1, &b, "GET", NULL, 0), -1);
    assert_int_equal(acs_digest_verify("short", &a, "GET", NULL, 0), -1);
}

static void test_auth_int(void **state)
{
    static const char body[] = "<soap>hello</soap>";
    acs_auth_t a;
    char resp[33];

    assert_int_equal(acs_auth_parse("Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
                                    "nonce=\"" RFC_NONCE "\", uri=\"/acs\", qop=\"auth-int\", "
                                    "nc=00000002, cnonce=\"0a4f113b\", algorithm=MD5, "
                                    "response=\"784e291191ddc54b041ca06892552f0f\"",
                                    &a),
                     0);
    acs_digest_response(RFC_HA1, &a, "POST", body, strlen(body), resp);
    assert_string_equal(resp, "784e291191ddc54b041ca06892552f0f");
    assert_int_equal(acs_digest_verify(RFC_HA1, &a, "POST", body, strlen(body)), 0);
    /* one byte of the body changed */
    assert_int_equal(acs_digest_verify(RFC_HA1, &a, "POST", "<soap>hellO</soap>", 18), -1);
    /* empty body: HA2 uses MD5("") */
    acs_digest_response(RFC_HA1, &a, "POST", NULL, 0, resp);
    assert_string_equal(resp, "387346c8761b00ce5ad2a30f049ac70d");
    /* RFC 2069 form when no qop */
    a.qop[0] = '\0';
    strcpy(a.uri, "/dir/index.html");
    acs_digest_response(RFC_HA1, &a, "GET", NULL, 0, resp);
    assert_string_equal(resp, "670fd8c2df070c60b045671b8b24ff02");
}

static void test_round_trip(void **state)
{
    char nonce[ACS_NONCE_LEN], chal[ACS_AUTH_MAX_HEADER], authz[ACS_AUTH_MAX_HEADER];
    char ha1[33];
    acs_challenge_t c;
    acs_auth_t a;
    const char *user = "cpe \"quoted\" \\ user";

    acs_digest_nonce_make(key, sizeof key, 1700000000, nonce);
    acs_digest_challenge("Halyard \"ACS\"", nonce, "op4que", chal, sizeof chal);
    assert_int_equal(acs_challenge_parse(chal, &c), 0);
    assert_int_equal(c.scheme, ACS_AUTH_DIGEST);
    assert_string_equal(c.realm, "Halyard \"ACS\"");
    assert_string_equal(c.nonce, nonce);
    assert_string_equal(c.opaque, "op4que");
    assert_string_equal(c.qop, "auth,auth-int");
    assert_string_equal(c.algorithm, "MD5");
    assert_int_equal(c.stale, 0);

    assert_int_equal(acs_digest_authorization(&c, user, "s3cret:pw", "POST", "/cwmp?x=1", 7, authz,
                                              sizeof authz),
                     0);
    assert_int_equal(acs_auth_parse(authz, &a), 0);
    assert_string_equal(a.username, user);
    assert_string_equal(a.realm, "Halyard \"ACS\"");
    assert_string_equal(a.uri, "/cwmp?x=1");
    assert_string_equal(a.qop, "auth");
    assert_string_equal(a.nc, "00000007");
    assert_string_equal(a.opaque, "op4que");
    assert_int_equal(strlen(a.cnonce), 16);
    assert_int_equal(acs_digest_nonce_check(key, sizeof key, a.nonce, 1700000030, 300), 0);
    acs_digest_ha1(user, "Halyard \"ACS\"", "s3cret:pw", ha1);
    assert_int_equal(acs_digest_verify(ha1, &a, "POST", NULL, 0), 0);
    acs_digest_ha1(user, "Halyard \"ACS\"", "s3cret:pW", ha1);
    assert_int_equal(acs_digest_verify(ha1, &a, "POST", NULL, 0), -1);

    /* too small a buffer: -1 and an empty string, never a truncated header */
    assert_int_equal(acs_digest_authorization(&c, user, "pw", "POST", "/", 1, authz, 40), -1);
    assert_string_equal(authz, "");
    acs_digest_challenge("r", nonce, NULL, chal, 20);
    assert_string_equal(chal, "");
}

static void test_client_variants(void **state)
{
    char authz[1024], resp[33], ha1[33];
    acs_challenge_t c;
    acs_auth_t a;
    char longuri[300];

    /* no qop offered: RFC 2069 answer */
    assert_int_equal(acs_challenge_parse("Digest realm=\"r\", nonce=\"n1\"", &c), 0);
    assert_int_equal(acs_digest_authorization(&c, "u", "p", "GET", "/cr", 1, authz, sizeof authz),
                     0);
    assert_int_equal(acs_auth_parse(authz, &a), 0);
    assert_string_equal(a.qop, "");
    acs_digest_ha1("u", "r", "p", ha1);
    acs_digest_response(ha1, &a, "GET", NULL, 0, resp);
    assert_string_equal(resp, a.response);
    assert_null(strstr(authz, "opaque"));

    /* only auth-int offered, a foreign algorithm, a Basic challenge */
    assert_int_equal(acs_challenge_parse("Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\"", &c),
                     0);
    assert_int_equal(acs_digest_authorization(&c, "u", "p", "GET", "/", 1, authz, sizeof authz),
                     -1);
    assert_int_equal(acs_challenge_parse("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-256", &c),
                     0);
    assert_int_equal(acs_digest_authorization(&c, "u", "p", "GET", "/", 1, authz, sizeof authz),
                     -1);
    assert_int_equal(acs_challenge_parse("Basic realm=\"r\"", &c), 0);
    assert_int_equal(c.scheme, ACS_AUTH_BASIC);
    assert_string_equal(c.realm, "r");
    assert_int_equal(acs_digest_authorization(&c, "u", "p", "GET", "/", 1, authz, sizeof authz),
                     -1);

    /* qop list with blanks, stale, any case */
    assert_int_equal(
        acs_challenge_parse("digest REALM=r,nonce=n,qop=\"auth-int, auth\",STALE=TRUE", &c), 0);
    assert_int_equal(c.stale, 1);
    assert_int_equal(acs_digest_authorization(&c, "u", "p", "GET", "/", 1, authz, sizeof authz), 0);
    memset(longuri, 'a', sizeof longuri - 1);
    longuri[sizeof longuri - 1] = '\0';
    assert_int_equal(acs_digest_authorization(&c, "u", "p", "GET", longuri, 1, authz, sizeof authz),
                     -1);

    /* challenge parse failures */
    assert_int_equal(acs_challenge_parse("Digest realm=\"r\"", &c), -1); /* no nonce */
    assert_int_equal(acs_challenge_parse("Negotiate abc", &c), -1);
    assert_int_equal(acs_challenge_parse("Digest realm=\"r, nonce=n", &c), -1);
    assert_int_equal(acs_challenge_parse(NULL, &c), -1);
}

static void test_nonce(void **state)
{
    char n[ACS_NONCE_LEN], bad[ACS_NONCE_LEN + 8];
    static const unsigned char other[] = "another key";
    const int64_t t = 1700000000;

    acs_digest_nonce_make(key, sizeof key, t, n);
    assert_true(strlen(n) < ACS_NONCE_LEN);
    assert_non_null(strchr(n, '.'));
    assert_int_equal(acs_digest_nonce_check(key, sizeof key, n, t, 60), 0);
    assert_int_equal(acs_digest_nonce_check(key, sizeof key, n, t + 60, 60), 0);
    assert_int_equal(acs_digest_nonce_check(key, sizeof key, n, t + 61, 60), -1); /* expired */
    assert_int_equal(acs_digest_nonce_check(key, sizeof key, n, t - 5, 60), 0);   /* clock skew */
    assert_int_equal(acs_digest_nonce_check(key, sizeof key, n, t - 6, 60), -1);  /* future */
    assert_int_equal(acs_digest_nonce_check(other, sizeof other, n, t, 60), -1);  /* wrong key */

    /* tampered time: a later issue time with the old MAC */
    strcpy(bad, n);
    bad[strchr(bad, '.') - bad - 1] ^= 1;
    assert_int_equal(acs_digest_nonce_check(key, sizeof key, bad, t, 60), -1);
    /* tampered MAC, truncated MAC, extended MAC */
    strcpy(bad, n);
    bad[strlen(bad) - 1] = bad[strlen(bad) - 1] == 'A' ? 'B' : 'A';
    assert_int_equal(acs_digest_nonce_check(key, sizeof key, bad, t, 60), -1);
    strcpy(bad, n);
    bad[strlen(bad) - 1] = '\0';
    assert_int_equal(acs_digest_nonce_check(key, sizeof key, bad, t, 60), -1);
    snprintf(bad, sizeof bad, "%sA", n);
    assert_int_equal(acs_digest_nonce_check(key, sizeof key, bad, t, 60), -1);
    /* same time with a leading zero or upper case: not a text we issued */
    snprintf(bad, sizeof bad, "0%s", n);
    assert_int_equal(acs_digest_nonce_check(key, sizeof key, bad, t, 60), -1);
    strcpy(bad, n);
    for (char *p = bad; *p != '.'; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 32);
    assert_int_equal(acs_digest_nonce_check(key, sizeof key, bad, t, 60), -1);
    /* garbage */
    assert_int_equal(acs_digest_nonce_check(key, sizeof key, "", t, 60), -1);
    assert_int_equal(acs_digest_nonce_check(key, sizeof key, ".", t, 60), -1);
    assert_int_equal(acs_digest_nonce_check(key, sizeof key, "6553f100", t, 60), -1);
    assert_int_equal(acs_digest_nonce_check(key, sizeof key, "zz.abc", t, 60), -1);
    assert_int_equal(acs_digest_nonce_check(key, sizeof key, "ffffffffffffffff.a", t, 60), -1);
    assert_int_equal(acs_digest_nonce_check(key, sizeof key, RFC_NONCE, t, 60), -1);
    assert_int_equal(acs_digest_nonce_check(key, sizeof key, NULL, t, 60), -1);
}

static void test_malformed(void **state)
{
    static const char ok[] = "Digest username=u, realm=r, nonce=n, uri=/, response=x";
    char big[ACS_AUTH_MAX_HEADER + 64], field[ACS_AUTH_FIELD + 64];
    acs_auth_t a;
    size_t n;

    assert_int_equal(acs_auth_parse(ok, &a), 0);
    /* names and scheme in any case, blanks and empty list elements */
    assert_int_equal(acs_auth_parse("  dIgEsT USERNAME = \"u\" ,, Realm=r,nonce=n,uri=/,"
                                    "response=x, extra=\"ignored\",",
                                    &a),
                     0);
    assert_string_equal(a.username, "u");

    const char *bad[] = {
        "Digest username=\"u, realm=r, nonce=n, uri=/, response=x",           /* unterminated */
        "Digest username=\"u\\",                                              /* escape at end */
        "Digest username u, realm=r, nonce=n, uri=/, response=x",             /* missing = */
        "Digest username=, realm=r, nonce=n, uri=/, response=x",              /* empty bare value */
        "Digest =u, realm=r, nonce=n, uri=/, response=x",                     /* missing name */
        "Digest username=\"u\"x, realm=r, nonce=n, uri=/, response=x",        /* junk after quote */
        "Digest username=u realm=r, nonce=n, uri=/, response=x",              /* missing comma */
        "Digest username=u, username=v, realm=r, nonce=n, uri=/, response=x", /* duplicate */
        "Digest realm=r, nonce=n, uri=/, response=x",                         /* no username */
        "Digest username=u, realm=r, nonce=n, uri=/",                         /* no response */
        "Digest username=\"u\x01\", realm=r, nonce=n, uri=/, response=x",     /* control */
        "Digest username=\"a\r\nb\", realm=r, nonce=n, uri=/, response=x",    /* CRLF */
        "Digest qop=auth-int-and-then-some, username=u, realm=r, nonce=n, uri=/, response=x",
        "Digest",
        "Digestusername=u",
        "Negotiate abc",
        "",
        "   ",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (acs_auth_parse(bad[i], &a) != -1)
            fail_msg("accepted: %s", bad[i]);
        assert_int_equal(a.scheme, ACS_AUTH_NONE);
    }
    assert_int_equal(acs_auth_parse(NULL, &a), -1);

    /* a field of ACS_AUTH_FIELD-1 bytes fits, one more does not */
    memset(field, 'f', ACS_AUTH_FIELD - 1);
    field[ACS_AUTH_FIELD - 1] = '\0';
    snprintf(big, sizeof big, "Digest username=\"%s\", realm=r, nonce=n, uri=/, response=x", field);
    assert_int_equal(acs_auth_parse(big, &a), 0);
    assert_int_equal(strlen(a.username), ACS_AUTH_FIELD - 1);
    strcat(field, "f");
    snprintf(big, sizeof big, "Digest username=\"%s\", realm=r, nonce=n, uri=/, response=x", field);
    assert_int_equal(acs_auth_parse(big, &a), -1);
    snprintf(big, sizeof big, "Digest %s=1, username=u, realm=r, nonce=n, uri=/, response=x",
             field); /* over-long unknown name */
    assert_int_equal(acs_auth_parse(big, &a), -1);

    /* a header of exactly ACS_AUTH_MAX_HEADER bytes is read, one more is not */
    n = strlen(ok);
    memcpy(big, ok, n);
    memset(big + n, ',', ACS_AUTH_MAX_HEADER - n);
    big[ACS_AUTH_MAX_HEADER] = '\0';
    assert_int_equal(acs_auth_parse(big, &a), 0);
    big[ACS_AUTH_MAX_HEADER] = ',';
    big[ACS_AUTH_MAX_HEADER + 1] = '\0';
    assert_int_equal(acs_auth_parse(big, &a), -1);
}

static void test_basic(void **state)
{
    char out[128];
    acs_auth_t a;

    assert_int_equal(acs_auth_parse("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", &a), 0);
    assert_int_equal(a.scheme, ACS_AUTH_BASIC);
    assert_string_equal(a.username, "Aladdin");
    assert_string_equal(a.password, "open sesame");

    /* colon in the password, and the round trip through the builder */
    assert_int_equal(acs_basic_authorization("cpe", "pa:ss:word", out, sizeof out), 0);
    assert_string_equal(out, "Basic Y3BlOnBhOnNzOndvcmQ=");
    assert_int_equal(acs_auth_parse(out, &a), 0);
    assert_string_equal(a.username, "cpe");
    assert_string_equal(a.password, "pa:ss:word");
    assert_int_equal(acs_basic_authorization("u", "", out, sizeof out), 0);
    assert_int_equal(acs_auth_parse(out, &a), 0);
    assert_string_equal(a.username, "u");
    assert_string_equal(a.password, "");
    assert_int_equal(acs_auth_parse("  basic   dTpw  ", &a), 0); /* "u:p" */
    assert_string_equal(a.password, "p");

    /* builder refusals */
    assert_int_equal(acs_basic_authorization("a:b", "p", out, sizeof out), -1);
    assert_int_equal(acs_basic_authorization("user", "password", out, 26), -1);
    assert_string_equal(out, "");
    assert_int_equal(acs_basic_authorization("user", "password", out, 27), 0);

    const char *bad[] = {
        "Basic",
        "Basic ",
        "Basic !!!!",
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ",    /* padding missing */
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=",   /* short */
        "Basic QWxh=ZGRpbjpvcGVuIHNlc2FtZQ==", /* '=' inside */
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZR==",  /* non-zero unused bits */
        "Basic QWxhZGRpbg==",                  /* "Aladdin": no colon */
        "Basic QWxhZGRpbjpvcGVu IHNlc2FtZQ==", /* blank inside */
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==,", /* trailing junk */
        "Basic dQB4OnA=",                      /* "u\0x:p": NUL */
        "Basic dQF4OnA=",                      /* "u\1x:p": control in user-id */
        "Basic YWJj-_8=",                      /* base64url alphabet */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (acs_auth_parse(bad[i], &a) != -1)
            fail_msg("accepted: %s", bad[i]);
        assert_string_equal(a.password, "");
    }
}

static void test_basic_bounds(void **state)
{
    char user[ACS_AUTH_FIELD + 1], out[ACS_AUTH_MAX_HEADER];
    acs_auth_t a;

    memset(user, 'u', ACS_AUTH_FIELD - 1);
    user[ACS_AUTH_FIELD - 1] = '\0';
    assert_int_equal(acs_basic_authorization(user, user, out, sizeof out), 0);
    assert_int_equal(acs_auth_parse(out, &a), 0);
    assert_string_equal(a.password, user);
    user[ACS_AUTH_FIELD - 1] = 'u';
    user[ACS_AUTH_FIELD] = '\0';
    assert_int_equal(acs_basic_authorization(user, "p", out, sizeof out), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc2617_example), cmocka_unit_test(test_verify_policy),
        cmocka_unit_test(test_auth_int),        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_client_variants), cmocka_unit_test(test_nonce),
        cmocka_unit_test(test_malformed),       cmocka_unit_test(test_basic),
        cmocka_unit_test(test_basic_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
