/* Unit tests for the signed session state (services/acs-gateway/gw_state.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "gw_state.h"

static const char KEY[] = "0123456789abcdef0123456789abcdef";

static gw_state_t sample(void)
{
    gw_state_t st;
    memset(&st, 0, sizeof st);
    strcpy(st.sid, "6f1c2a9e-1111-4222-8333-944455556666");
    strcpy(st.device, "00D09E-HGW%2D5-AC5%2D000123");
    st.ns_minor = 2;
    strcpy(st.use_version, "1.4");
    st.started_ms = 1790000000123;
    st.last_ms = 1790000001123;
    st.lease_until_ms = 1790000066123;
    st.worker_deadline_ms = 1790000003000;
    st.rpcs = 3;
    st.faults = 1;
    st.seq = 7;
    st.inflight = 1;
    strcpy(st.rpc_id, "job-42");
    strcpy(st.rpc_method, "GetParameterValues");
    strcpy(st.cwmp_id, "acs-7");
    strcpy(st.reply_to, "amq.gen-abc");
    strcpy(st.correlation_id, "corr-1");
    strcpy(st.holder, "halyard.gw.gw1.0a0b0c0d");
    st.tag = 123456789012ULL;
    st.gen = (5ULL << 8) | 2;
    st.rpc_worker = 1;
    st.cpe_requests = 5;
    strcpy(st.rpc_ctx, "{\"command_key\":\"fw-1\",\"transfer\":{\"url\":\"http://f/x\"}}");
    return st;
}

static void test_round_trip(void **state)
{
    gw_state_t a = sample(), b;
    acs_buf_t tok = ACS_BUF_INIT;
    gw_state_t small = a;
    small.rpc_ctx[0] = '\0';
    gw_state_encode(&small, KEY, 32, &tok);
    assert_true(tok.len < 600); /* small enough for CPE cookie storage */
    tok.len = 0;
    gw_state_encode(&a, KEY, 32, &tok);
    assert_int_equal(gw_state_decode(tok.data, tok.len, KEY, 32, &b), 0);
    assert_string_equal(b.sid, a.sid);
    assert_string_equal(b.device, a.device);
    assert_string_equal(b.use_version, "1.4");
    assert_int_equal(b.ns_minor, 2);
    assert_true(b.started_ms == a.started_ms && b.last_ms == a.last_ms);
    assert_true(b.lease_until_ms == a.lease_until_ms);
    assert_true(b.worker_deadline_ms == a.worker_deadline_ms);
    assert_int_equal(b.rpcs, 3);
    assert_int_equal(b.faults, 1);
    assert_int_equal(b.seq, 7);
    assert_true(b.inflight);
    assert_string_equal(b.rpc_id, "job-42");
    assert_string_equal(b.rpc_method, "GetParameterValues");
    assert_string_equal(b.cwmp_id, "acs-7");
    assert_string_equal(b.reply_to, "amq.gen-abc");
    assert_string_equal(b.correlation_id, "corr-1");
    assert_string_equal(b.holder, a.holder);
    assert_true(b.tag == a.tag && b.gen == a.gen);
    assert_int_equal(b.rpc_worker, 1);
    assert_int_equal(b.cpe_requests, 5);
    assert_string_equal(b.rpc_ctx, a.rpc_ctx);
    acs_buf_free(&tok);
}

static void test_context_sizes(void **state)
{
    gw_state_t a = sample(), b;
    acs_buf_t tok = ACS_BUF_INIT;
    /* No context: nothing of it in the token, none decoded. */
    a.rpc_ctx[0] = '\0';
    gw_state_encode(&a, KEY, 32, &tok);
    assert_int_equal(gw_state_decode(tok.data, tok.len, KEY, 32, &b), 0);
    assert_string_equal(b.rpc_ctx, "");
    acs_buf_free(&tok);
    /* The largest context fits in the largest token. */
    int n = snprintf(a.rpc_ctx, sizeof a.rpc_ctx, "{\"u\":\"");
    memset(a.rpc_ctx + n, 'x', sizeof a.rpc_ctx - (size_t)n - 3);
    strcpy(a.rpc_ctx + sizeof a.rpc_ctx - 3, "\"}");
    memset(a.reply_to, 'r', sizeof a.reply_to - 1);
    memset(a.correlation_id, 'c', sizeof a.correlation_id - 1);
    gw_state_encode(&a, KEY, 32, &tok);
    assert_true(tok.len < GW_STATE_MAX_TOKEN);
    assert_int_equal(gw_state_decode(tok.data, tok.len, KEY, 32, &b), 0);
    assert_string_equal(b.rpc_ctx, a.rpc_ctx);
    acs_buf_free(&tok);
}

static void test_tamper_and_wrong_key(void **state)
{
    gw_state_t a = sample(), b;
    acs_buf_t tok = ACS_BUF_INIT;
    gw_state_encode(&a, KEY, 32, &tok);
    assert_int_equal(gw_state_decode(tok.data, tok.len, "another key another key 12345678", 32, &b),
                     -1);
    /* Flip one character of the payload: the MAC no longer matches. */
    tok.data[5] = tok.data[5] == 'A' ? 'B' : 'A';
    assert_int_equal(gw_state_decode(tok.data, tok.len, KEY, 32, &b), -1);
    assert_string_equal(b.sid, ""); /* nothing of a bad token is kept */
    assert_int_equal(gw_state_decode("", 0, KEY, 32, &b), -1);
    assert_int_equal(gw_state_decode("abc", 3, KEY, 32, &b), -1);
    assert_int_equal(gw_state_decode("abc.def", 7, KEY, 32, &b), -1);
    acs_buf_free(&tok);
}

static void test_no_inflight(void **state)
{
    gw_state_t a = sample(), b;
    acs_buf_t tok = ACS_BUF_INIT;
    a.inflight = 0;
    gw_state_encode(&a, KEY, 32, &tok);
    assert_int_equal(gw_state_decode(tok.data, tok.len, KEY, 32, &b), 0);
    assert_false(b.inflight);
    assert_string_equal(b.rpc_id, "");
    acs_buf_free(&tok);
}

static void test_find_cookie(void **state)
{
    size_t n;
    const char *v = gw_state_find_cookie("halyard_session=abc.def", &n);
    assert_non_null(v);
    assert_int_equal(n, 7);
    assert_memory_equal(v, "abc.def", 7);
    v = gw_state_find_cookie("x=1; halyard_session=tok; y=2", &n);
    assert_non_null(v);
    assert_memory_equal(v, "tok", n);
    /* Joined with ',' by some CPEs (quirk 1), spaces around '='. */
    v = gw_state_find_cookie("x=1, halyard_session = tok2 ,y=2", &n);
    assert_non_null(v);
    assert_int_equal(n, 4);
    assert_memory_equal(v, "tok2", 4);
    v = gw_state_find_cookie("halyard_session=\"quoted\"", &n);
    assert_non_null(v);
    assert_memory_equal(v, "quoted", n);
    assert_null(gw_state_find_cookie("halyard_sessionx=1; other=2", &n));
    assert_null(gw_state_find_cookie("", &n));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_tamper_and_wrong_key),
        cmocka_unit_test(test_no_inflight),
        cmocka_unit_test(test_context_sizes),
        cmocka_unit_test(test_find_cookie),
    };
    return cmocka_run_group_tests_name("gw_state", tests, NULL, NULL);
}
