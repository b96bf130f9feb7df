/* Unit tests for the I/O of cpe-sim's transfers against an in-process
 * libevent HTTP server on loopback: sim_fetch (GET into memory, PUT with
 * Content-Length, Basic and Digest challenges answered, 404, refused
 * connection, size limit), sim_xfer_run (a Download applied, an Upload
 * sent) and the CPE requests of a session (sim_session: TransferComplete
 * sent after InformResponse, resent on ACS fault 8005, dropped on another
 * fault, kept when 8005 persists). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <libxml/parser.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "acs_http_auth.h"
#include "acs_util.h"
#include "sim_device.h"
#include "sim_fetch.h"
#include "sim_model.h"
#include "sim_session.h"
#include "sim_soap.h"
#include "sim_xfer.h"
#include "sim_xfer_apply.h"
#include "sim_xfer_int.h"
#include "sim_xfer_run.h"

#define NS12 "urn:dslforum-org:cwmp-1-2"

static const char model_json[] =
    "{\"device\": {\"manufacturer\": \"Acme\", \"oui\": \"00D09E\", \"product_class\": \"HGW\"},"
    " \"forced_inform\": [\"Device.DeviceInfo.SoftwareVersion\"],"
    " \"parameters\": {"
    "  \"Device.DeviceInfo.SoftwareVersion\": {\"value\": \"1.0\"},"
    "  \"Device.ManagementServer.Username\": {\"value\": \"\", \"writable\": true},"
    "  \"Device.ManagementServer.Password\": {\"value\": \"\", \"writable\": true},"
    "  \"Device.WiFi.SSID.1.SSID\": {\"value\": \"net\", \"writable\": true}"
    " }}";

/* ---- the server ---- */

#define MAX_SCRIPT 8

typedef struct {
    struct event_base *base;
    struct evhttp *http;
    int port;
    /* what it saw */
    int requests;
    char last_method[8];
    acs_buf_t last_body;
    acs_buf_t bodies[MAX_SCRIPT]; /* POST bodies, in order */
    char auth[ACS_AUTH_MAX_HEADER];
    /* ACS script: what to answer to POST i ("" = 204) */
    const char *script[MAX_SCRIPT];
    /* done */
    int finished;
    sim_fetch_result_t fetch;
    sim_session_result_t session;
} server_t;

static const char *header(struct evhttp_request *req, const char *name)
{
    return evhttp_find_header(evhttp_request_get_input_headers(req), name);
}

static void reply(struct evhttp_request *req, int status, const char *body)
{
    struct evbuffer *b = evbuffer_new();
    if (body)
        evbuffer_add(b, body, strlen(body));
    evhttp_send_reply(req, status, "x", b);
    evbuffer_free(b);
}

static void take_body(server_t *s, struct evhttp_request *req, acs_buf_t *out)
{
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t n = evbuffer_get_length(in);
    acs_buf_reset(out);
    acs_buf_reserve(out, n);
    evbuffer_copyout(in, out->data, n);
    out->len = n;
    out->data[n] = '\0';
}

/* Digest check of the Authorization against user "u" password "p". */
static int digest_ok(struct evhttp_request *req, const char *method)
{
    const char *h = header(req, "Authorization");
    acs_auth_t a;
    char ha1[33];

    if (!h || acs_auth_parse(h, &a) != 0 || a.scheme != ACS_AUTH_DIGEST)
        return 0;
    acs_digest_ha1("u", "test", "p", ha1);
    return acs_digest_verify(ha1, &a, method, NULL, 0) == 0;
}

static void file_handler(server_t *s, struct evhttp_request *req, const char *uri)
{
    const char *h = header(req, "Authorization");

    if (strcmp(uri, "/fw.bin") == 0) {
        reply(req, 200, "cpe-sim firmware 4.2\npayload");
    } else if (strcmp(uri, "/basic/fw.bin") == 0) {
        /* "u:p" */
        if (h && strcmp(h, "Basic dTpw") == 0) {
            reply(req, 200, "cpe-sim firmware 4.3\n");
        } else {
            evhttp_add_header(evhttp_request_get_output_headers(req), "WWW-Authenticate",
                              "Basic realm=\"test\"");
            reply(req, 401, NULL);
        }
    } else if (strncmp(uri, "/digest/", 8) == 0) {
        const char *m = evhttp_request_get_command(req) == EVHTTP_REQ_PUT ? "PUT" : "GET";
        if (digest_ok(req, m)) {
            take_body(s, req, &s->last_body);
            reply(req, m[0] == 'P' ? 201 : 200, "digest-ok");
        } else {
            evhttp_add_header(evhttp_request_get_output_headers(req), "WWW-Authenticate",
                              "Basic realm=\"test\"");
            evhttp_add_header(evhttp_request_get_output_headers(req), "WWW-Authenticate",
                              "Digest realm=\"test\", qop=\"auth\", nonce=\"abc123\"");
            reply(req, 401, NULL);
        }
    } else if (strcmp(uri, "/upload?sig=1") == 0) {
        take_body(s, req, &s->last_body);
        reply(req, 201, NULL);
    } else if (strcmp(uri, "/big") == 0) {
        char *big = calloc(1, 70000);
        memset(big, 'x', 69999);
        reply(req, 200, big);
        free(big);
    } else {
        reply(req, 404, "no");
    }
}

static void handler(struct evhttp_request *req, void *arg)
{
    server_t *s = arg;
    const char *uri = evhttp_request_get_uri(req);
    int i = s->requests++;

    snprintf(s->last_method, sizeof s->last_method, "%s",
             evhttp_request_get_command(req) == EVHTTP_REQ_PUT    ? "PUT"
             : evhttp_request_get_command(req) == EVHTTP_REQ_POST ? "POST"
                                                                  : "GET");
    if (strcmp(uri, "/acs") != 0) {
        file_handler(s, req, uri);
        return;
    }
    if (i < MAX_SCRIPT)
        take_body(s, req, &s->bodies[i]);
    if (i >= MAX_SCRIPT || !s->script[i] || !s->script[i][0])
        reply(req, 204, NULL);
    else
        reply(req, 200, s->script[i]);
}

static int server_setup(void **state)
{
    server_t *s = calloc(1, sizeof *s);
    struct evhttp_bound_socket *bs;
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;

    s->base = event_base_new();
    s->http = evhttp_new(s->base);
    evhttp_set_allowed_methods(s->http, EVHTTP_REQ_GET | EVHTTP_REQ_PUT | EVHTTP_REQ_POST);
    bs = evhttp_bind_socket_with_handle(s->http, "127.0.0.1", 0);
    assert_non_null(bs);
    assert_int_equal(getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&sa, &len), 0);
    s->port = ntohs(sa.sin_port);
    evhttp_set_gencb(s->http, handler, s);
    *state = s;
    return 0;
}

static int server_teardown(void **state)
{
    server_t *s = *state;
    evhttp_free(s->http);
    event_base_free(s->base);
    acs_buf_free(&s->last_body);
    acs_buf_free(&s->fetch.body);
    for (int i = 0; i < MAX_SCRIPT; i++)
        acs_buf_free(&s->bodies[i]);
    free(s);
    return 0;
}

/* ---- sim_fetch ---- */

static void fetch_done(sim_fetch_result_t *res, void *arg)
{
    server_t *s = arg;
    acs_buf_free(&s->fetch.body);
    s->fetch = *res;
    s->fetch.body = res->body;
    memset(&res->body, 0, sizeof res->body); /* taken */
    s->finished = 1;
    event_base_loopbreak(s->base);
}

static sim_fetch_outcome_t fetch(server_t *s, int put, const char *path, const char *user,
                                 size_t max)
{
    char url[256];
    sim_fetch_req_t r;
    sim_fetch_t *f;

    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", s->port, path);
    memset(&r, 0, sizeof r);
    r.put = put;
    r.url = url;
    r.username = user;
    r.password = "p";
    r.body = "{\"k\": 1}";
    r.len = 8;
    r.content_type = "application/json";
    r.timeout_s = 5;
    r.max_body = max;
    s->finished = 0;
    f = sim_fetch_start(s->base, &r, fetch_done, s);
    assert_non_null(f);
    event_base_dispatch(s->base);
    assert_true(s->finished);
    return s->fetch.outcome;
}

static void test_fetch(void **state)
{
    server_t *s = *state;

    assert_int_equal(fetch(s, 0, "/fw.bin", NULL, 0), SIM_FETCH_OK);
    assert_int_equal(s->fetch.status, 200);
    assert_string_equal(s->fetch.body.data, "cpe-sim firmware 4.2\npayload");
    assert_string_equal(s->last_method, "GET");

    assert_int_equal(fetch(s, 0, "/nope", NULL, 0), SIM_FETCH_STATUS);
    assert_int_equal(s->fetch.status, 404);
    assert_non_null(strstr(s->fetch.error, "404"));

    assert_int_equal(fetch(s, 0, "/basic/fw.bin", NULL, 0), SIM_FETCH_AUTH);
    assert_int_equal(fetch(s, 0, "/basic/fw.bin", "u", 0), SIM_FETCH_OK);
    assert_string_equal(s->fetch.body.data, "cpe-sim firmware 4.3\n");
    assert_int_equal(fetch(s, 0, "/basic/fw.bin", "x", 0), SIM_FETCH_AUTH); /* rejected */
    assert_non_null(strstr(s->fetch.error, "rejected"));

    /* Digest is preferred when both are offered. */
    assert_int_equal(fetch(s, 0, "/digest/f", "u", 0), SIM_FETCH_OK);
    assert_string_equal(s->fetch.body.data, "digest-ok");
    assert_int_equal(fetch(s, 1, "/digest/up", "u", 0), SIM_FETCH_OK);
    assert_string_equal(s->last_method, "PUT");
    assert_string_equal(s->last_body.data, "{\"k\": 1}");

    assert_int_equal(fetch(s, 1, "/upload?sig=1", NULL, 0), SIM_FETCH_OK);
    assert_int_equal(s->fetch.status, 201);
    assert_string_equal(s->last_body.data, "{\"k\": 1}");
    assert_int_equal(s->fetch.body.len, 0);

    assert_int_equal(fetch(s, 0, "/big", NULL, 1000), SIM_FETCH_TOO_LARGE);
    assert_int_equal(fetch(s, 0, "/big", NULL, 0), SIM_FETCH_OK);
    assert_int_equal(s->fetch.body.len, 69999);
}

static void test_fetch_no_contact(void **state)
{
    server_t *s = *state;
    sim_fetch_req_t r;
    char url[64];
    int port;

    /* A port nothing listens on: bind one, then free it. */
    {
        struct evhttp *tmp = evhttp_new(s->base);
        struct evhttp_bound_socket *bs = evhttp_bind_socket_with_handle(tmp, "127.0.0.1", 0);
        struct sockaddr_in sa;
        socklen_t len = sizeof sa;
        assert_int_equal(getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&sa, &len),
                         0);
        port = ntohs(sa.sin_port);
        evhttp_free(tmp);
    }
    snprintf(url, sizeof url, "http://127.0.0.1:%d/x", port);
    memset(&r, 0, sizeof r);
    r.url = url;
    r.timeout_s = 5;
    assert_non_null(sim_fetch_start(s->base, &r, fetch_done, s));
    event_base_dispatch(s->base);
    assert_int_equal(s->fetch.outcome, SIM_FETCH_NO_CONTACT);
    assert_int_equal(s->fetch.status, 0);

    r.url = "https://127.0.0.1/x"; /* not usable: reported, not crashed */
    assert_non_null(sim_fetch_start(s->base, &r, fetch_done, s));
    event_base_dispatch(s->base);
    assert_int_equal(s->fetch.outcome, SIM_FETCH_NO_CONTACT);

    /* Cancelled before it ran: done is never called. */
    s->finished = 0;
    r.url = url;
    sim_fetch_cancel(sim_fetch_start(s->base, &r, fetch_done, s));
    event_base_loop(s->base, EVLOOP_NONBLOCK);
    assert_false(s->finished);
}

/* ---- sim_xfer_run ---- */

typedef struct {
    server_t *s;
    sim_xfer_run_t *run;
} run_ctx_t;

static void run_done(sim_xfer_run_t *run, void *arg)
{
    run_ctx_t *c = arg;
    c->run = run;
    event_base_loopbreak(c->s->base);
}

static void test_run_download_and_upload(void **state)
{
    server_t *s = *state;
    char err[256] = "", xml[512];
    sim_model_t *m = sim_model_parse(model_json, strlen(model_json), err, sizeof err);
    sim_device_t *d = sim_device_new(m, "SIM000001", 1);
    sim_xfer_t *x = sim_device_xfer(d);
    sim_xfer_env_t env = {s->base, 5};
    sim_xfer_outcome_t out;
    run_ctx_t c = {s, NULL};
    acs_buf_t body = ACS_BUF_INIT, v = ACS_BUF_INIT;
    sim_soap_msg_t msg;

    assert_non_null(m);
    snprintf(xml, sizeof xml,
             "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:c=\"" NS12
             "\"><s:Body><c:Download><CommandKey>dl</CommandKey><FileType>1 Firmware Upgrade "
             "Image</FileType><URL>http://127.0.0.1:%d/fw.bin</URL></c:Download></s:Body>"
             "</s:Envelope>",
             s->port);
    assert_int_equal(sim_soap_parse(xml, strlen(xml), &msg, err, sizeof err), 0);
    assert_int_equal(sim_xfer_handle(d, "Download", msg.rpc, &body), 0);
    sim_soap_msg_clear(&msg);
    assert_null(sim_xfer_run_start(&env, d, 0, run_done, &c)); /* not due yet at time 0 */

    assert_non_null(sim_xfer_run_start(&env, d, acs_now_wall_ms(), run_done, &c));
    assert_true(sim_xfer_job_running(x));
    event_base_dispatch(s->base);
    assert_non_null(c.run);
    sim_xfer_run_finish(c.run, d, &out);
    assert_string_equal(out.method, "Download");
    assert_int_equal(out.fault, 0);
    assert_true(out.reboot);
    assert_true(out.reported);
    assert_int_equal(x->njobs, 0);
    assert_int_equal(sim_xfer_request_count(x), 1);
    assert_string_equal(x->reqs[0].event, "M Download");
    sim_device_value(d, (size_t)sim_model_find(m, "Device.DeviceInfo.SoftwareVersion"), &v);
    assert_string_equal(v.data, "4.2");

    /* An Upload PUTs the configuration. */
    snprintf(xml, sizeof xml,
             "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:c=\"" NS12
             "\"><s:Body><c:Upload><CommandKey>up</CommandKey><FileType>1 Vendor "
             "Configuration File</FileType><URL>http://127.0.0.1:%d/upload?sig=1</URL>"
             "</c:Upload></s:Body></s:Envelope>",
             s->port);
    assert_int_equal(sim_soap_parse(xml, strlen(xml), &msg, err, sizeof err), 0);
    acs_buf_reset(&body);
    assert_int_equal(sim_xfer_handle(d, "Upload", msg.rpc, &body), 0);
    sim_soap_msg_clear(&msg);
    c.run = NULL;
    assert_non_null(sim_xfer_run_start(&env, d, acs_now_wall_ms(), run_done, &c));
    event_base_dispatch(s->base);
    sim_xfer_run_finish(c.run, d, &out);
    assert_int_equal(out.fault, 0);
    assert_false(out.reboot);
    assert_non_null(strstr(s->last_body.data, "\"Device.DeviceInfo.SoftwareVersion\": \"4.2\""));
    assert_int_equal(sim_xfer_request_count(x), 2);

    /* A run aborted puts its job back in the queue. */
    assert_int_equal(sim_xfer_add_autonomous(x, "http://127.0.0.1:1/x", "2 Web Content", 0), 0);
    c.run = sim_xfer_run_start(&env, d, acs_now_wall_ms(), run_done, &c);
    assert_non_null(c.run);
    sim_xfer_run_abort(c.run, d);
    assert_int_equal(x->jobs[0].state, SIM_JOB_QUEUED);
    sim_xfer_job_remove(x, x->jobs[0].id);

    /* A URL the CPE cannot fetch is reported, not fetched. */
    assert_int_equal(sim_xfer_add_autonomous(x, "https://127.0.0.1/x", "2 Web Content", 0), 0);
    c.run = NULL;
    assert_non_null(sim_xfer_run_start(&env, d, acs_now_wall_ms(), run_done, &c));
    event_base_dispatch(s->base);
    sim_xfer_run_finish(c.run, d, &out);
    assert_string_equal(out.method, "AutonomousDownload");
    assert_int_equal(out.fault, 9013);
    assert_int_equal(x->reqs[2].type, SIM_REQ_AUTONOMOUS_TRANSFER_COMPLETE);
    assert_int_equal(x->reqs[2].fault_code, 9013);
    assert_int_equal(x->njobs, 0);

    acs_buf_free(&body);
    acs_buf_free(&v);
    sim_device_free(d);
    sim_model_free(m);
}

/* ---- the session's CPE requests ---- */

#define ENV_OPEN                                                                                   \
    "<soap-env:Envelope xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\" "             \
    "xmlns:cwmp=\"" NS12 "\"><soap-env:Body>"
#define ENV_CLOSE "</soap-env:Body></soap-env:Envelope>"
#define INFORM_RESPONSE                                                                            \
    ENV_OPEN "<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>" ENV_CLOSE
#define TC_RESPONSE ENV_OPEN "<cwmp:TransferCompleteResponse/>" ENV_CLOSE
#define FAULT(code)                                                                                \
    ENV_OPEN "<soap-env:Fault><faultcode>Server</faultcode><faultstring>CWMP fault"                \
             "</faultstring><detail><cwmp:Fault><FaultCode>" #code "</FaultCode><FaultString>x"    \
             "</FaultString></cwmp:Fault></detail></soap-env:Fault>" ENV_CLOSE

static void session_done(const sim_session_result_t *res, void *arg)
{
    server_t *s = arg;
    s->session = *res;
    s->finished = 1;
    event_base_loopbreak(s->base);
}

static void run_session(server_t *s, sim_device_t *d, sim_stats_t *st)
{
    sim_url_t url;
    char acs[64];
    sim_session_env_t env;

    snprintf(acs, sizeof acs, "http://127.0.0.1:%d/acs", s->port);
    assert_int_equal(sim_url_parse(acs, &url), 0);
    memset(&env, 0, sizeof env);
    env.base = s->base;
    env.url = &url;
    env.connect_addr = "127.0.0.1";
    env.ns = NS12;
    env.cwmp_minor = 2;
    env.timeout_s = 5;
    env.stats = st;
    s->requests = 0;
    s->finished = 0;
    sim_xfer_inform_events(sim_device_xfer(d), d);
    assert_non_null(sim_session_start(&env, d, sim_device_xfer(d), 0, session_done, s));
    event_base_dispatch(s->base);
    assert_true(s->finished);
}

static void add_tc(sim_device_t *d, const char *key)
{
    sim_job_t j;
    sim_req_t r;
    memset(&j, 0, sizeof j);
    j.kind = SIM_JOB_UPLOAD;
    j.command_key = (char *)key;
    sim_xfer_make_report(&j, 0, NULL, 1, 2, 0, &r);
    assert_int_equal(sim_xfer_req_add(sim_device_xfer(d), &r), 0);
}

static void test_session_requests(void **state)
{
    server_t *s = *state;
    char err[256] = "";
    sim_model_t *m = sim_model_parse(model_json, strlen(model_json), err, sizeof err);
    sim_device_t *d = sim_device_new(m, "SIM000002", 2);
    sim_stats_t *st = sim_stats_new(1);
    sim_xfer_t *x = sim_device_xfer(d);
    json_t *sum;

    add_tc(d, "up-1");
    assert_int_equal(sim_xfer_add_kicked(x, "c", "r", "a", "n"), 0);
    /* Inform, TC -> 8005, TC again -> response, Kicked -> 8003 (dropped), empty -> 204. */
    s->script[0] = INFORM_RESPONSE;
    s->script[1] = FAULT(8005);
    s->script[2] = TC_RESPONSE;
    s->script[3] = FAULT(8003);
    s->script[4] = "";
    run_session(s, d, st);
    assert_true(s->session.ok);
    assert_int_equal(s->requests, 5);
    assert_non_null(strstr(s->bodies[0].data, "<EventCode>7 TRANSFER COMPLETE</EventCode>"));
    assert_non_null(strstr(s->bodies[0].data, "<EventCode>M Upload</EventCode>"
                                              "<CommandKey>up-1</CommandKey>"));
    assert_non_null(strstr(s->bodies[0].data, "<EventCode>5 KICKED</EventCode>"));
    assert_non_null(strstr(s->bodies[1].data, "<cwmp:TransferComplete><CommandKey>up-1"));
    assert_non_null(strstr(s->bodies[2].data, "<cwmp:TransferComplete><CommandKey>up-1"));
    assert_non_null(strstr(s->bodies[3].data, "<cwmp:Kicked>"));
    assert_int_equal(s->bodies[4].len, 0);
    assert_int_equal(sim_xfer_request_count(x), 0);
    sum = sim_stats_summary(st, 1, 1);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(sum, "cpe_requests"), "retried")), 1);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(sum, "cpe_requests"), "dropped")), 1);
    json_decref(sum);

    /* 8005 every time: sent 1 + SIM_SESSION_RESENDS times, then kept. */
    add_tc(d, "up-2");
    for (int i = 0; i < MAX_SCRIPT; i++)
        s->script[i] = FAULT(8005);
    s->script[0] = INFORM_RESPONSE;
    s->script[SIM_SESSION_RESENDS + 2] = "";
    run_session(s, d, st);
    assert_true(s->session.ok);
    assert_int_equal(s->requests, SIM_SESSION_RESENDS + 3);
    assert_int_equal(s->bodies[SIM_SESSION_RESENDS + 2].len, 0); /* then the empty POST */
    assert_int_equal(sim_xfer_request_count(x), 1);

    /* The ACS ends the session instead of answering: the request waits. */
    for (int i = 0; i < MAX_SCRIPT; i++)
        s->script[i] = NULL;
    s->script[0] = INFORM_RESPONSE;
    run_session(s, d, st);
    assert_true(s->session.ok);
    assert_int_equal(sim_xfer_request_count(x), 1);

    /* A request from the ACS where a response was due fails the session. */
    s->script[1] = ENV_OPEN "<cwmp:GetRPCMethods/>" ENV_CLOSE;
    run_session(s, d, st);
    assert_false(s->session.ok);
    assert_non_null(strstr(s->session.error, "expected TransferCompleteResponse"));
    assert_int_equal(sim_xfer_request_count(x), 1);

    sim_stats_free(st);
    sim_device_free(d);
    sim_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fetch, server_setup, server_teardown),
        cmocka_unit_test_setup_teardown(test_fetch_no_contact, server_setup, server_teardown),
        cmocka_unit_test_setup_teardown(test_run_download_and_upload, server_setup,
                                        server_teardown),
        cmocka_unit_test_setup_teardown(test_session_requests, server_setup, server_teardown),
    };
    signal(SIGPIPE, SIG_IGN); /* the server writes to clients that gave up */
    xmlInitParser();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
