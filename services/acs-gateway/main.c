/* acs-gateway: the CWMP session gateway. Configuration from ACS_* variables
 * (docs/operator.md), SCGI from nginx, RabbitMQ and PostgreSQL behind. */
#include "gateway.h"

#include "acs_config.h"
#include "acs_log.h"
#include "acs_util.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int load_key(gw_config_t *c)
{
    const char *hex;
    acs_config_str("ACS_COOKIE_KEY", "", 1, &hex);
    size_t n = strlen(hex);
    if (n == 0) {
        /* Fine for one gateway; several must share a key or their cookies
         * and nonces do not verify across them. */
        acs_warn("ACS_COOKIE_KEY not set: using a random key (set the same key on every "
                 "gateway)");
        c->cookie_key_len = 32;
        return acs_random_bytes(c->cookie_key, 32);
    }
    if (n < 32 || n > 128 || n % 2 || acs_unhex(hex, n, c->cookie_key, n / 2) != 0) {
        acs_error("ACS_COOKIE_KEY must be 32 to 128 hex digits");
        return -1;
    }
    c->cookie_key_len = n / 2;
    return 0;
}

static int load_config(gw_config_t *c)
{
    static char default_id[96];
    char host[64] = "gw";
    gethostname(host, sizeof host - 1);
    snprintf(default_id, sizeof default_id, "%s-%d", host, (int)getpid());

    acs_config_str("ACS_GW_LISTEN", "127.0.0.1:9000", 0, &c->listen);
    acs_config_str("ACS_GW_ID", default_id, 0, &c->id);
    acs_config_str("ACS_METRICS_ADDR", "127.0.0.1:9101", 0, &c->metrics_addr);
    acs_config_str("ACS_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/", 1, &c->amqp_url);
    acs_config_str("ACS_PG_DSN", "host=127.0.0.1 port=5432 dbname=halyard user=halyard", 1,
                   &c->pg_dsn);
    acs_config_str("ACS_AUTH_REALM", "halyard", 0, &c->realm);
    if (acs_config_bool("ACS_AUTH", 1, &c->auth_required) ||
        acs_config_int("ACS_SESSION_TIMEOUT_S", 30, 5, 3600, &c->session_timeout_s) ||
        acs_config_int("ACS_WORKER_WAIT_MS", 2000, 0, 600000, &c->worker_wait_ms) ||
        acs_config_int("ACS_MAX_BODY", 1024 * 1024, 4096, 64 * 1024 * 1024, &c->max_body) ||
        acs_config_int("ACS_MAX_SESSIONS", 10000, 1, 1000000, &c->max_requests) ||
        acs_config_int("ACS_MAX_RPCS_PER_SESSION", 1000, 1, 100000, &c->max_rpcs) ||
        acs_config_int("ACS_MAX_CPE_REQUESTS_PER_SESSION", 64, 1, 100000,
                       &c->max_cpe_requests) ||
        acs_config_int("ACS_PG_POOL", 8, 1, 64, &c->pg_pool))
        return -1;
    if (!c->auth_required)
        acs_warn("ACS_AUTH=false: CPEs are not authenticated (laboratory use only)");
    return load_key(c);
}

static void register_cpe_metrics(gw_metrics_t *m)
{
    char label[80];
    for (int i = 0; i <= GW_CPE_METHODS; i++) {
        snprintf(label, sizeof label, "method=\"%s\"",
                 gw_cpe_methods[i] ? gw_cpe_methods[i] : "other");
        m->cpe_requests[i] =
            acs_metric_counter("halyard_gw_cpe_requests_total", "CPE requests by method", label);
    }
#define C(f, n, h, l) m->f = acs_metric_counter(n, h, l)
    C(cpe_fault_unsupported, "halyard_gw_cpe_request_faults_total",
      "CPE requests answered with an ACS fault", "code=\"8000\"");
    C(cpe_fault_invalid, "halyard_gw_cpe_request_faults_total",
      "CPE requests answered with an ACS fault", "code=\"8003\"");
    C(cpe_fault_limit, "halyard_gw_cpe_request_faults_total",
      "CPE requests answered with an ACS fault", "code=\"8004\"");
    C(cpe_fault_retry, "halyard_gw_cpe_request_faults_total",
      "CPE requests answered with an ACS fault", "code=\"8005\"");
    C(gpn_dropped, "halyard_gw_gpn_repairs_total", "GetParameterNames results repaired (quirk 14)",
      "kind=\"dropped\"");
    C(gpn_parents, "halyard_gw_gpn_repairs_total", "GetParameterNames results repaired (quirk 14)",
      "kind=\"parent_added\"");
    C(gpn_dots, "halyard_gw_gpn_repairs_total", "GetParameterNames results repaired (quirk 14)",
      "kind=\"dot_added\"");
    C(auth_device, "halyard_gw_informs_admitted_total", "Informs admitted, by credentials",
      "credentials=\"device\"");
    C(auth_pending, "halyard_gw_informs_admitted_total", "Informs admitted, by credentials",
      "credentials=\"pending\"");
    C(auth_bootstrap, "halyard_gw_informs_admitted_total", "Informs admitted, by credentials",
      "credentials=\"bootstrap\"");
    C(auth_none, "halyard_gw_informs_admitted_total", "Informs admitted, by credentials",
      "credentials=\"none\"");
    C(promoted, "halyard_gw_credentials_promoted_total",
      "Pending credentials made current by an Inform", NULL);
    C(promote_failed, "halyard_gw_errors_total", "Errors by kind", "kind=\"promote\"");
#undef C
}

static void register_metrics(gw_metrics_t *m)
{
#define C(f, n, h, l) m->f = acs_metric_counter(n, h, l)
    C(requests, "halyard_gw_requests_total", "SCGI requests read", NULL);
    C(informs, "halyard_gw_informs_total", "Informs confirmed by the broker", NULL);
    C(sessions_started, "halyard_gw_sessions_started_total", "Sessions opened", NULL);
    C(sessions_done, "halyard_gw_sessions_ended_total", "Sessions ended with 204", NULL);
    C(rpcs_sent, "halyard_gw_rpcs_sent_total", "RPCs sent to CPEs", NULL);
    C(results_ok, "halyard_gw_rpc_results_total", "RPC results published", "status=\"ok\"");
    C(results_fault, "halyard_gw_rpc_results_total", "RPC results published", "status=\"fault\"");
    C(results_failed, "halyard_gw_rpc_results_total", "RPC results published",
      "status=\"failed\"");
    C(stale, "halyard_gw_stale_messages_total", "Messages for ended sessions dropped", NULL);
    C(rejected, "halyard_gw_rejected_messages_total",
      "Device queue messages dead-lettered as invalid", NULL);
    C(holds_requeued, "halyard_gw_holds_requeued_total",
      "RPCs requeued because no answer came in time", NULL);
    C(err_xml, "halyard_gw_errors_total", "Errors by kind", "kind=\"xml\"");
    C(err_http, "halyard_gw_errors_total", "Errors by kind", "kind=\"http\"");
    C(err_auth, "halyard_gw_errors_total", "Errors by kind", "kind=\"auth\"");
    C(err_session, "halyard_gw_errors_total", "Errors by kind", "kind=\"session\"");
    C(err_broker, "halyard_gw_errors_total", "Errors by kind", "kind=\"broker\"");
    C(err_db, "halyard_gw_errors_total", "Errors by kind", "kind=\"database\"");
    C(err_busy, "halyard_gw_errors_total", "Errors by kind", "kind=\"busy\"");
#undef C
    register_cpe_metrics(m);
    m->active = acs_metric_gauge("halyard_gw_active_requests", "Requests in progress", NULL);
    m->broker_up = acs_metric_gauge("halyard_gw_broker_up", "1 when connected to RabbitMQ", NULL);
    m->db_up = acs_metric_gauge("halyard_gw_database_up", "Open PostgreSQL connections", NULL);
}

static int health(void *arg, char *msg, size_t n)
{
    gw_t *gw = arg;
    int broker = acs_amqp_up(gw->amqp), db = acs_pg_connected(gw->pg);
    acs_metric_set(gw->m.broker_up, broker);
    acs_metric_set(gw->m.db_up, db);
    if (broker && db) {
        snprintf(msg, n, "ok");
        return 0;
    }
    snprintf(msg, n, "%s%s", broker ? "" : "broker down ", db ? "" : "database down");
    return -1;
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
    char msg[64];
    health(arg, msg, sizeof msg);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    gw_t *gw = arg;
    if (gw->draining)
        return;
    acs_info("signal %d: draining (no new connections), then exiting", (int)sig);
    gw_server_drain(gw);
}

static int start(gw_t *gw)
{
    char rnd[5], hex[9];
    if (acs_random_bytes(rnd, 4) != 0)
        return -1;
    acs_hex(rnd, 4, hex);
    snprintf(gw->instance, sizeof gw->instance, "halyard.gw.%.70s.%s", gw->cfg.id, hex);
    register_metrics(&gw->m);
    gw->amqp = acs_amqp_new(gw->base, gw->cfg.amqp_url, gw->cfg.id);
    if (!gw->amqp || acs_amqp_consume(gw->amqp, gw->instance, 1, 100, gw_rpc_control, gw) != 0)
        return -1;
    gw->pg = acs_pg_new(gw->base, gw->cfg.pg_dsn, (int)gw->cfg.pg_pool, 20000, 10000);
    if (acs_metrics_serve(gw->base, gw->cfg.metrics_addr, health, gw) != 0 ||
        gw_server_start(gw) != 0)
        return -1;
    struct timeval second = {1, 0};
    gw->tick = event_new(gw->base, -1, EV_PERSIST, on_tick, gw);
    event_add(gw->tick, &second);
    gw->sigterm = evsignal_new(gw->base, SIGTERM, on_signal, gw);
    gw->sigint = evsignal_new(gw->base, SIGINT, on_signal, gw);
    event_add(gw->sigterm, NULL);
    event_add(gw->sigint, NULL);
    return 0;
}

int main(void)
{
    gw_t gw;
    int rc = 1;
    memset(&gw, 0, sizeof gw);
    signal(SIGPIPE, SIG_IGN);
    acs_log_init("acs-gateway");
    cwmp_init();
    if (load_config(&gw.cfg) != 0)
        return 2;
    gw.base = event_base_new();
    if (!gw.base || start(&gw) != 0)
        goto out;
    acs_info("acs-gateway %s ready", gw.cfg.id);
    event_base_dispatch(gw.base);
    rc = 0;
out:
    /* Whatever is still in progress will not be answered: its callbacks,
     * which the clients below run with DOWN, must find it gone. */
    gw_server_abandon(&gw);
    /* RPCs taken and not yet answered go back to their queues now rather
     * than when the broker notices the connection closed. */
    gw_rpc_release_holds(&gw);
    if (gw.listener)
        evconnlistener_free(gw.listener);
    acs_amqp_free(gw.amqp);
    gw.amqp = NULL;
    acs_pg_free(gw.pg);
    gw.pg = NULL;
    gw_server_free_requests(&gw);
    acs_metrics_shutdown(); /* last: freeing requests still counts them */
    if (gw.tick)
        event_free(gw.tick);
    if (gw.sigterm)
        event_free(gw.sigterm);
    if (gw.sigint)
        event_free(gw.sigint);
    if (gw.base)
        event_base_free(gw.base);
    acs_info("acs-gateway stopped");
    return rc;
}
