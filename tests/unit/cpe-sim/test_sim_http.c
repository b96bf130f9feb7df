/* Unit tests for services/cpe-sim: the ACS URL, the cookie jar, Retry-After,
 * the challenge a client answers (sim_http) and the summary JSON with its
 * transfer and CPE-request counters (sim_stats). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sim_http.h"
#include "sim_stats.h"

static void test_url(void **state)
{
    sim_url_t u;

    assert_int_equal(sim_url_parse("http://127.0.0.1:7547/cwmp", &u), 0);
    assert_string_equal(u.host, "127.0.0.1");
    assert_int_equal(u.port, 7547);
    assert_string_equal(u.path, "/cwmp");
    assert_string_equal(u.hostport, "127.0.0.1:7547");

    assert_int_equal(sim_url_parse("HTTP://acs.example.net", &u), 0);
    assert_string_equal(u.host, "acs.example.net");
    assert_int_equal(u.port, 80);
    assert_string_equal(u.path, "/");
    assert_string_equal(u.hostport, "acs.example.net");

    assert_int_equal(sim_url_parse("http://[::1]:8080/a/b?x=1#frag", &u), 0);
    assert_string_equal(u.host, "::1");
    assert_string_equal(u.path, "/a/b?x=1");
    assert_string_equal(u.hostport, "[::1]:8080");
    assert_int_equal(sim_url_parse("http://h?q", &u), 0);
    assert_string_equal(u.path, "/?q");

    assert_int_equal(sim_url_parse("https://h/", &u), -1);
    assert_int_equal(sim_url_parse("http:///x", &u), -1);
    assert_int_equal(sim_url_parse("http://h:0/", &u), -1);
    assert_int_equal(sim_url_parse("http://h:65536/", &u), -1);
    assert_int_equal(sim_url_parse("http://h:80x/", &u), -1);
    assert_int_equal(sim_url_parse("http://h:/", &u), -1);
    assert_int_equal(sim_url_parse("http://[::1/", &u), -1);
    assert_int_equal(sim_url_parse("acs:7547", &u), -1);
}

static void test_cookies(void **state)
{
    sim_cookies_t jar = SIM_COOKIES_INIT;
    acs_buf_t b = ACS_BUF_INIT;
    char name[32];

    assert_int_equal(sim_cookies_store(&jar, "sid=abc; Path=/; HttpOnly"), 0);
    assert_int_equal(sim_cookies_store(&jar, " lb = x1 ;Max-Age=60"), 0);
    sim_cookies_header(&jar, &b);
    assert_string_equal(b.data, "sid=abc; lb = x1");
    assert_int_equal(sim_cookies_store(&jar, "sid=def"), 0); /* replaces */
    acs_buf_reset(&b);
    sim_cookies_header(&jar, &b);
    assert_string_equal(b.data, "sid=def; lb = x1");
    assert_int_equal(sim_cookies_store(&jar, "sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT"), 0);
    acs_buf_reset(&b);
    sim_cookies_header(&jar, &b);
    assert_string_equal(b.data, "lb = x1");

    assert_int_equal(sim_cookies_store(&jar, "novalue"), -1);
    assert_int_equal(sim_cookies_store(&jar, "=x"), -1);
    assert_int_equal(sim_cookies_store(&jar, ""), -1);
    char *big = malloc(SIM_COOKIE_MAX_LEN + 10);
    memset(big, 'a', SIM_COOKIE_MAX_LEN + 9);
    big[1] = '=';
    big[SIM_COOKIE_MAX_LEN + 9] = '\0';
    assert_int_equal(sim_cookies_store(&jar, big), -1);
    free(big);
    for (int i = 0; i < SIM_COOKIES_MAX + 4; i++) {
        snprintf(name, sizeof name, "c%d=v", i);
        (void)sim_cookies_store(&jar, name);
    }
    assert_int_equal(jar.n, SIM_COOKIES_MAX);
    sim_cookies_clear(&jar);
    acs_buf_reset(&b);
    sim_cookies_header(&jar, &b);
    assert_int_equal(b.len, 0);
    acs_buf_free(&b);
}

static void test_retry_after(void **state)
{
    assert_int_equal(sim_http_retry_after("60"), 60);
    assert_int_equal(sim_http_retry_after(" 5 "), 5);
    assert_int_equal(sim_http_retry_after("0"), 0);
    assert_int_equal(sim_http_retry_after("99999999999999999999"), 86400);
    assert_int_equal(sim_http_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), -1);
    assert_int_equal(sim_http_retry_after("-1"), -1);
    assert_int_equal(sim_http_retry_after("5s"), -1);
    assert_int_equal(sim_http_retry_after(NULL), -1);
}

static void test_pick_challenge(void **state)
{
    acs_challenge_t c;
    const char *both[] = {"Basic realm=\"b\"", "Digest realm=\"d\", nonce=\"n\", qop=\"auth\""};
    const char *basic[] = {"Negotiate xyz", "Basic realm=\"b\"", "Basic realm=\"c\""};
    const char *none[] = {"Negotiate xyz", "Digest", ""};

    (void)state;
    assert_int_equal(sim_http_pick_challenge(both, 2, &c), 0);
    assert_int_equal(c.scheme, ACS_AUTH_DIGEST);
    assert_string_equal(c.realm, "d");
    assert_int_equal(sim_http_pick_challenge(basic, 3, &c), 0);
    assert_int_equal(c.scheme, ACS_AUTH_BASIC);
    assert_string_equal(c.realm, "b");
    assert_int_equal(sim_http_pick_challenge(none, 3, &c), -1);
    assert_int_equal(sim_http_pick_challenge(NULL, 0, &c), -1);
}

static void test_summary(void **state)
{
    sim_stats_t *st = sim_stats_new(2);
    json_t *sum, *devs, *d0, *d1;
    char *text;

    sim_stats_set_device(st, 0, "SIM000001", "00D09E-HGW-SIM000001");
    sim_stats_set_device(st, 1, "SIM000002", "00D09E-HGW-SIM000002");
    sim_stats_http(st, 401);
    sim_stats_http(st, 200);
    sim_stats_http(st, 200);
    sim_stats_http(st, 204);
    sim_stats_http(st, 0); /* ignored */
    sim_stats_rpc(st, 0, "GetParameterValues");
    sim_stats_rpc(st, 0, "Reboot");
    sim_stats_rpc(st, 1, "GetParameterValues");
    sim_stats_session(st, 0, 1, NULL);
    sim_stats_session(st, 1, 0, "HTTP 503");
    sim_stats_transfer(st, 0, "Download", 0);
    sim_stats_transfer(st, 1, "Upload", 9011);
    sim_stats_cpe_request(st, 0, "TransferComplete", SIM_STATS_REQ_ANSWERED);
    sim_stats_cpe_request(st, 1, "Kicked", SIM_STATS_REQ_RETRIED);
    sim_stats_cpe_request(st, 1, "Kicked", SIM_STATS_REQ_DROPPED);
    assert_int_equal(sim_stats_sessions_ok(st), 1);
    assert_int_equal(sim_stats_sessions_failed(st), 1);

    sum = sim_stats_summary(st, 1234, 1);
    text = json_dumps(sum, JSON_COMPACT);
    assert_string_equal(
        text, "{\"cpes\":2,\"sessions_ok\":1,\"sessions_failed\":1,"
              "\"http_status\":{\"200\":2,\"204\":1,\"401\":1},"
              "\"rpcs\":{\"GetParameterValues\":2,\"Reboot\":1},\"elapsed_ms\":1234,"
              "\"transfers\":{\"ok\":1,\"failed\":1,\"faults\":{\"9011\":1}},"
              "\"cpe_requests\":{\"answered\":{\"TransferComplete\":1},\"retried\":1,"
              "\"dropped\":1},"
              "\"devices\":[{\"serial\":\"SIM000001\",\"device_id\":\"00D09E-HGW-SIM000001\","
              "\"sessions_ok\":1,\"sessions_failed\":0,"
              "\"rpcs\":[\"GetParameterValues\",\"Reboot\"],\"last_error\":null,"
              "\"transfers\":[{\"method\":\"Download\",\"fault\":0}],"
              "\"cpe_requests\":[\"TransferComplete\"]},"
              "{\"serial\":\"SIM000002\",\"device_id\":\"00D09E-HGW-SIM000002\","
              "\"sessions_ok\":0,\"sessions_failed\":1,\"rpcs\":[\"GetParameterValues\"],"
              "\"last_error\":\"HTTP 503\",\"transfers\":[{\"method\":\"Upload\","
              "\"fault\":9011}],\"cpe_requests\":[]}]}");
    free(text);
    devs = json_object_get(sum, "devices");
    d0 = json_array_get(devs, 0);
    d1 = json_array_get(devs, 1);
    assert_non_null(d0);
    assert_non_null(d1);
    json_decref(sum);

    sum = sim_stats_summary(st, 1, 0);
    assert_null(json_object_get(sum, "devices"));
    json_decref(sum);

    /* method names are bounded: the 64th distinct one and later are "(other)" */
    for (int i = 0; i < SIM_STATS_METHODS_MAX + 10; i++) {
        char name[32];
        snprintf(name, sizeof name, "X_M%d", i);
        sim_stats_rpc(st, 1, name);
    }
    sum = sim_stats_summary(st, 1, 0);
    assert_int_equal(json_object_size(json_object_get(sum, "rpcs")), SIM_STATS_METHODS_MAX);
    assert_non_null(json_object_get(json_object_get(sum, "rpcs"), "(other)"));
    json_decref(sum);
    sim_stats_free(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url),         cmocka_unit_test(test_cookies),
        cmocka_unit_test(test_retry_after), cmocka_unit_test(test_pick_challenge),
        cmocka_unit_test(test_summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
