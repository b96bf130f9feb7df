/* acs-provision: the reference provisioning worker (docs/provisioning.md).
 *
 * Consumes halyard.provision (competing consumers, prefetch =
 * ACS_PROVISION_CONCURRENCY conversations at once), runs one conversation
 * per work item (prov_conv), reads and writes PostgreSQL (prov_db), serves
 * /healthz and /metrics. SIGTERM/SIGINT: take no new work items, let the
 * conversations finish (at most ACS_PROVISION_DRAIN_MS), exit 0; work items
 * of unfinished conversations go back to the queue for another copy.
 */
#include "prov.h"
#include "prov_conv.h"

#include "acs_config.h"
#include "acs_files.h"
#include "acs_log.h"
#include "acs_topology.h"
#include "acs_util.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TICK_MS 250
#define REPLY_PREFETCH 1000
#define PG_QUEUE 10000
#define PG_TIMEOUT_MS 10000

typedef struct {
    prov_t p;
    struct event *tick, *sigterm, *sigint, *drain_timer;
    char default_id[96];
} app_t;

static int read_secret(prov_t *p)
{
    const char *hex;

    (void)acs_config_str("ACS_SECRET_KEY", "", 1, &hex);
    if (!*hex)
        return 0;
    if (acs_secret_key_parse(hex, p->secret_key) != 0) {
        acs_error("ACS_SECRET_KEY must be exactly 64 hex digits (32 bytes)");
        return -1;
    }
    p->have_secret = 1;
    return 0;
}

static int read_config(app_t *app)
{
    prov_config_t *c = &app->p.cfg;
    char host[64] = "prov";

    gethostname(host, sizeof host - 1);
    snprintf(app->default_id, sizeof app->default_id, "%s-%d", host, (int)getpid());
    (void)acs_config_str("ACS_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/", 1, &c->amqp_url);
    (void)acs_config_str("ACS_PG_DSN", "host=127.0.0.1 port=5432 dbname=halyard user=halyard", 1,
                         &c->pg_dsn);
    (void)acs_config_str("ACS_METRICS_ADDR", "127.0.0.1:9103", 0, &c->metrics_addr);
    (void)acs_config_str("ACS_PROVISION_POLICY", "", 0, &c->policy_path);
    (void)acs_config_str("ACS_AUTH_REALM", "halyard", 0, &c->realm);
    (void)acs_config_str("ACS_FILES_URL", "", 0, &c->files_url);
    (void)acs_config_str("ACS_PROVISION_ID", app->default_id, 0, &c->id);
    if (acs_config_int("ACS_PROVISION_CONCURRENCY", 64, 1, 65535, &c->concurrency) ||
        acs_config_int("ACS_PROVISION_RESULT_TIMEOUT_MS", 60000, 100, 3600000,
                       &c->result_timeout_ms) ||
        acs_config_int("ACS_PROVISION_MAX_ITEM_AGE_MS", 60000, 0, 86400000, &c->max_item_age_ms) ||
        acs_config_int("ACS_PROVISION_DRAIN_MS", 10000, 0, 600000, &c->drain_ms) ||
        acs_config_int("ACS_PG_POOL", 4, 1, 64, &c->pg_pool))
        return -1;
    if (strlen(c->id) > 64 || strlen(c->realm) > 128) {
        acs_error("ACS_PROVISION_ID (64) or ACS_AUTH_REALM (128) is too long");
        return -1;
    }
    return read_secret(&app->p);
}

/* What the policy needs from the rest of the configuration. */
static int check_policy(prov_t *p)
{
    const prov_policy_t *pol = p->policy;
    char url[ACS_FILES_URL_MAX + 1];

    if (pol->bootstrap.enabled && pol->bootstrap.connection_request && !p->have_secret) {
        acs_error("ACS_SECRET_KEY is required: the policy sets connection-request passwords, "
                  "which are stored sealed with it");
        return -1;
    }
    if (pol->nfirmware == 0)
        return 0;
    if (strncmp(p->cfg.files_url, "http://", 7) != 0 &&
        strncmp(p->cfg.files_url, "https://", 8) != 0) {
        acs_error("ACS_FILES_URL (http:// or https://) is required: the policy has firmware "
                  "campaigns");
        return -1;
    }
    for (size_t i = 0; i < pol->nfirmware; i++) {
        if (acs_files_url(p->cfg.files_url, pol->firmware[i].file, url, sizeof url) != 0) {
            acs_error("policy.firmware.%s: the URL of %s would be longer than %d characters",
                      pol->firmware[i].campaign, pol->firmware[i].file, ACS_FILES_URL_MAX);
            return -1;
        }
    }
    return 0;
}

static int load_policy(prov_t *p)
{
    char err[768], what[256];

    if (!*p->cfg.policy_path) {
        acs_warn("ACS_PROVISION_POLICY not set: no policy, every work item is answered with "
                 "done at once");
        p->policy = prov_policy_empty();
    } else if (!(p->policy = prov_policy_load(p->cfg.policy_path, err, sizeof err))) {
        acs_error("ACS_PROVISION_POLICY: %s", err);
        return -1;
    }
    prov_policy_describe(p->policy, what, sizeof what);
    acs_info("policy: %s", what);
    return check_policy(p);
}

static void register_metrics(prov_metrics_t *m)
{
#define C(f, n, h, l) m->f = acs_metric_counter(n, h, l)
    const char *items = "Work items by how their conversation ended";
    C(items_done, "halyard_prov_items_total", items, "outcome=\"done\"");
    C(items_dropped, "halyard_prov_items_total", items, "outcome=\"dropped\"");
    C(items_rejected, "halyard_prov_items_total", items, "outcome=\"rejected\"");
    C(items_stale, "halyard_prov_items_total", items, "outcome=\"stale\"");
    C(items_requeued, "halyard_prov_items_total", items, "outcome=\"requeued\"");
    C(rpc_gpv, "halyard_prov_rpcs_total", "RPCs published", "method=\"GetParameterValues\"");
    C(rpc_spv, "halyard_prov_rpcs_total", "RPCs published", "method=\"SetParameterValues\"");
    C(rpc_download, "halyard_prov_rpcs_total", "RPCs published", "method=\"Download\"");
    const char *res = "Messages on the reply queue by status";
    C(res_ok, "halyard_prov_results_total", res, "status=\"ok\"");
    C(res_fault, "halyard_prov_results_total", res, "status=\"fault\"");
    C(res_failed, "halyard_prov_results_total", res, "status=\"failed\"");
    C(res_unknown, "halyard_prov_results_total", res, "status=\"unknown\"");
    C(res_invalid, "halyard_prov_results_total", res, "status=\"invalid\"");
    C(timeouts, "halyard_prov_result_timeouts_total", "RPCs whose result did not come in time",
      NULL);
    const char *bs = "Bootstraps by outcome";
    C(bootstraps, "halyard_prov_bootstrap_total", bs, "outcome=\"set\"");
    C(bootstrap_adopted, "halyard_prov_bootstrap_total", bs, "outcome=\"adopted\"");
    C(bootstrap_faults, "halyard_prov_bootstrap_total", bs, "outcome=\"refused\"");
    C(bootstrap_conflicts, "halyard_prov_bootstrap_total", bs, "outcome=\"conflict\"");
    C(presets, "halyard_prov_presets_applied_total", "Preset sets the CPE applied", NULL);
    C(refreshes, "halyard_prov_refreshes_total", "Refresh sets read", NULL);
    C(downloads, "halyard_prov_downloads_total", "Firmware downloads the CPE accepted", NULL);
    C(rollout_deferred, "halyard_prov_rollout_deferred_total",
      "Firmware upgrades not started: outside the percent or the window's batch", NULL);
    const char *err = "Errors by kind";
    C(err_db, "halyard_prov_errors_total", err, "kind=\"database\"");
    C(err_broker, "halyard_prov_errors_total", err, "kind=\"broker\"");
    C(err_input, "halyard_prov_errors_total", err, "kind=\"input\"");
#undef C
    m->active = acs_metric_gauge("halyard_prov_conversations", "Conversations in progress", NULL);
    m->broker_up = acs_metric_gauge("halyard_prov_broker_up", "1 when connected to RabbitMQ", NULL);
    m->db_up = acs_metric_gauge("halyard_prov_database_up", "Open PostgreSQL connections", NULL);
}

static int health(void *arg, char *msg, size_t n)
{
    prov_t *p = arg;
    int broker = p->work && acs_amqp_up(p->work) && acs_amqp_up(p->reply);
    int db = acs_pg_connected(p->pg);

    acs_metric_set(p->m.broker_up, broker);
    acs_metric_set(p->m.db_up, db);
    if (broker && db) {
        snprintf(msg, n, "ok");
        return 0;
    }
    snprintf(msg, n, "%s%s", broker ? "" : "broker down ", db ? "" : "database down");
    return -1;
}

/* Consume work items only once the reply queue exists: a result published
 * to a queue not yet declared would be lost. */
static void start_work(prov_t *p)
{
    char name[128];

    snprintf(name, sizeof name, "acs-provision %s", p->cfg.id);
    p->work = acs_amqp_new(p->base, p->cfg.amqp_url, name);
    if (!p->work || acs_amqp_consume(p->work, ACS_QUEUE_PROVISION, 0, (int)p->cfg.concurrency,
                                     prov_conv_on_item, p) != 0) {
        acs_error("cannot start consuming %s", ACS_QUEUE_PROVISION);
        event_base_loopbreak(p->base);
        return;
    }
    acs_info("consuming %s, %ld conversations at once, replies on %s", ACS_QUEUE_PROVISION,
             p->cfg.concurrency, p->reply_queue);
}

static void drop_all(prov_t *p, const char *why)
{
    for (size_t i = 0; i < p->nslots; i++)
        if (p->convs[i])
            prov_conv_drop(p->convs[i], why);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
    prov_t *p = arg;
    char msg[64];

    (void)health(p, msg, sizeof msg);
    if (!p->work) {
        if (!p->draining && acs_amqp_up(p->reply))
            start_work(p);
        return;
    }
    if (p->active && !acs_amqp_up(p->work))
        prov_conv_abandon_all(p, "broker connection lost");
    else if (p->active && !acs_amqp_up(p->reply))
        drop_all(p, "reply queue connection lost");
}

static void on_drain_deadline(evutil_socket_t fd, short what, void *arg)
{
    prov_t *p = arg;
    acs_warn("drain deadline: %zu conversation%s left to other copies", p->active,
             p->active == 1 ? "" : "s");
    event_base_loopbreak(p->base);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    app_t *app = arg;
    prov_t *p = &app->p;
    struct timeval tv = {p->cfg.drain_ms / 1000, (p->cfg.drain_ms % 1000) * 1000};

    if (p->draining)
        return;
    p->draining = 1;
    acs_info("signal %d: draining %zu conversation%s (new work items go back to the queue)",
             (int)sig, p->active, p->active == 1 ? "" : "s");
    if (p->active == 0) {
        event_base_loopbreak(p->base);
        return;
    }
    app->drain_timer = evtimer_new(p->base, on_drain_deadline, p);
    if (app->drain_timer)
        evtimer_add(app->drain_timer, &tv);
}

static int start(app_t *app)
{
    prov_t *p = &app->p;
    struct timeval tick = {0, TICK_MS * 1000};
    char rnd[4], hex[9], name[128];

    if (acs_random_bytes(rnd, sizeof rnd) != 0)
        return -1;
    acs_hex(rnd, sizeof rnd, hex);
    snprintf(p->reply_queue, sizeof p->reply_queue, "halyard.prov.%s.%s", p->cfg.id, hex);
    register_metrics(&p->m);
    snprintf(name, sizeof name, "acs-provision %s reply", p->cfg.id);
    p->reply = acs_amqp_new(p->base, p->cfg.amqp_url, name);
    snprintf(name, sizeof name, "acs-provision %s declare", p->cfg.id);
    p->decl = prov_declare_new(p->base, p->cfg.amqp_url, name);
    if (!p->reply || !p->decl ||
        acs_amqp_consume(p->reply, p->reply_queue, 1, REPLY_PREFETCH, prov_conv_on_result, p) != 0)
        return -1;
    p->pg = acs_pg_new(p->base, p->cfg.pg_dsn, (int)p->cfg.pg_pool, PG_QUEUE, PG_TIMEOUT_MS);
    if (acs_metrics_serve(p->base, p->cfg.metrics_addr, health, p) != 0)
        return -1;
    app->tick = event_new(p->base, -1, EV_PERSIST, on_tick, p);
    app->sigterm = evsignal_new(p->base, SIGTERM, on_signal, app);
    app->sigint = evsignal_new(p->base, SIGINT, on_signal, app);
    if (!app->tick || !app->sigterm || !app->sigint || event_add(app->tick, &tick) ||
        event_add(app->sigterm, NULL) || event_add(app->sigint, NULL))
        return -1;
    return 0;
}

static void stop(app_t *app)
{
    prov_t *p = &app->p;

    /* Unfinished conversations are not acked: closing the connection hands
     * their work items back to the broker, for another copy. */
    prov_conv_abandon_all(p, "shutting down");
    acs_amqp_free(p->work);
    p->work = NULL;
    acs_amqp_free(p->reply);
    p->reply = NULL;
    prov_declare_free(p->decl);
    p->decl = NULL;
    acs_pg_free(p->pg);
    p->pg = NULL;
    prov_conv_free_all(p);
    acs_metrics_shutdown();
    if (app->drain_timer)
        event_free(app->drain_timer);
    if (app->tick)
        event_free(app->tick);
    if (app->sigterm)
        event_free(app->sigterm);
    if (app->sigint)
        event_free(app->sigint);
    prov_policy_free(&p->policy);
}

int main(int argc, char **argv)
{
    static app_t app;
    int rc = 1;

    if (argc > 1) {
        fprintf(argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) ? stdout
                                                                                    : stderr,
                "usage: acs-provision\nConfiguration is read from the environment; see "
                "docs/provisioning.md.\n");
        return argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) ? 0 : 2;
    }
    signal(SIGPIPE, SIG_IGN);
    (void)acs_log_init("acs-provision");
    if (read_config(&app) != 0 || load_policy(&app.p) != 0) {
        prov_policy_free(&app.p.policy);
        return 2;
    }
    app.p.base = event_base_new();
    if (!app.p.base || start(&app) != 0) {
        acs_error("start-up failed");
        goto out;
    }
    acs_info("acs-provision %s ready, metrics on %s", app.p.cfg.id, app.p.cfg.metrics_addr);
    event_base_dispatch(app.p.base);
    rc = 0;
out:
    stop(&app);
    if (app.p.base)
        event_base_free(app.p.base);
    explicit_bzero(app.p.secret_key, sizeof app.p.secret_key);
    acs_info("acs-provision stopped");
    return rc;
}
