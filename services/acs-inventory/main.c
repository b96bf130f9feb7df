/* acs-inventory: consumes halyard.inventory and writes PostgreSQL.
 *
 *   acs-inventory             apply pending migrations, then run
 *   acs-inventory --migrate   apply pending migrations and exit (0 or 1)
 *
 * The main thread runs a libevent loop serving /metrics and /healthz and
 * waiting for SIGTERM/SIGINT; the consumer thread (inv_consumer) does the
 * work. On a signal the consumer writes and acknowledges what it holds, and
 * the process exits 0. Configuration: see docs/inventory.md.
 */
#include "acs_config.h"
#include "acs_log.h"
#include "acs_metrics.h"
#include "acs_util.h"
#include "inv_consumer.h"
#include "inv_db.h"
#include "inv_migrate.h"
#include "inv_stats.h"

#include <event2/event.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --migrate waits this long for the database to accept connections. */
#define MIGRATE_WAIT_MS 15000

typedef struct {
    const char *amqp_url, *pg_dsn, *metrics_addr, *files_url, *file_store;
    char sql_dir[PATH_MAX];
    long batch, flush_ms, prefetch, transfer_timeout_s, sweep_s;
} config_t;

static int read_config(config_t *cfg)
{
    const char *sql_env;

    (void)acs_config_str("ACS_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/", 1, &cfg->amqp_url);
    (void)acs_config_str("ACS_PG_DSN", "host=127.0.0.1 port=5432 dbname=halyard user=halyard", 1,
                         &cfg->pg_dsn);
    (void)acs_config_str("ACS_METRICS_ADDR", "127.0.0.1:9102", 0, &cfg->metrics_addr);
    (void)acs_config_str("ACS_SQL_DIR", "", 0, &sql_env);
    (void)acs_config_str("ACS_FILES_URL", "", 0, &cfg->files_url);
    (void)acs_config_str("ACS_FILE_STORE", "", 0, &cfg->file_store);
    if (acs_config_int("ACS_INVENTORY_BATCH", 200, 1, 10000, &cfg->batch) != 0 ||
        acs_config_int("ACS_INVENTORY_FLUSH_MS", 50, 1, 60000, &cfg->flush_ms) != 0 ||
        acs_config_int("ACS_INVENTORY_PREFETCH", 1000, 1, 65535, &cfg->prefetch) != 0 ||
        acs_config_int("ACS_TRANSFER_TIMEOUT_S", INV_DB_TRANSFER_TIMEOUT_S, 1, 31536000,
                       &cfg->transfer_timeout_s) != 0 ||
        acs_config_int("ACS_TRANSFER_SWEEP_S", 30, 1, 86400, &cfg->sweep_s) != 0)
        return -1;
    if (!*cfg->files_url)
        acs_info("ACS_FILES_URL not set: uploads are not recorded in files");
    else if (!*cfg->file_store)
        acs_info("ACS_FILE_STORE not set: uploads are recorded without size and sha256");
    if (inv_migrate_dir(sql_env, cfg->sql_dir, sizeof cfg->sql_dir) != 0) {
        acs_error("no migrations directory (tried %s); set ACS_SQL_DIR", cfg->sql_dir);
        return -1;
    }
    acs_info("migrations from %s", cfg->sql_dir);
    return 0;
}

static int migrate_only(const config_t *cfg)
{
    int64_t deadline = acs_now_mono_ms() + MIGRATE_WAIT_MS;
    char err[512];
    int applied = 0, rc;
    PGconn *pg;

    for (;;) {
        pg = inv_db_open(cfg->pg_dsn);
        if (PQstatus(pg) == CONNECTION_OK)
            break;
        if (acs_now_mono_ms() >= deadline) {
            acs_error("cannot connect to PostgreSQL: %.*s", (int)strcspn(PQerrorMessage(pg), "\n"),
                      PQerrorMessage(pg));
            PQfinish(pg);
            return 1;
        }
        PQfinish(pg);
        usleep(250 * 1000);
    }
    rc = inv_migrate_apply(pg, cfg->sql_dir, &applied, err, sizeof err);
    PQfinish(pg);
    if (rc != 0) {
        acs_error("migration failed: %s", err);
        return 1;
    }
    acs_info("schema up to date (%d migration%s applied)", applied, applied == 1 ? "" : "s");
    return 0;
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    acs_info("signal %d: finishing the current batch", (int)sig);
    inv_consumer_stop(arg);
}

/* The consumer ends on a stop request or a fatal error: leave the loop. */
static void on_tick(evutil_socket_t fd, short what, void *arg)
{
    void **ctx = arg;
    if (inv_consumer_done(ctx[0]))
        event_base_loopbreak(ctx[1]);
}

static int serve(const config_t *cfg)
{
    inv_consumer_config_t cc = {cfg->amqp_url,
                                cfg->pg_dsn,
                                cfg->sql_dir,
                                (int)cfg->batch,
                                (int)cfg->flush_ms,
                                (int)cfg->prefetch,
                                (int)cfg->transfer_timeout_s,
                                (int)cfg->sweep_s,
                                cfg->files_url,
                                cfg->file_store};
    struct timeval tick = {0, 100 * 1000};
    struct event *sigterm = NULL, *sigint = NULL, *timer = NULL;
    struct event_base *base = NULL;
    inv_consumer_t *c = NULL;
    void *ctx[2];
    char err[256];
    int rc = 1;

    c = inv_consumer_new(&cc, err, sizeof err);
    if (!c) {
        acs_error("ACS_AMQP_URL: %s", err);
        goto out;
    }
    base = event_base_new();
    if (!base)
        goto out;
    inv_stats_init();
    if (acs_metrics_serve(base, cfg->metrics_addr, inv_consumer_health, c) != 0)
        goto out;
    ctx[0] = c;
    ctx[1] = base;
    sigterm = evsignal_new(base, SIGTERM, on_signal, c);
    sigint = evsignal_new(base, SIGINT, on_signal, c);
    timer = event_new(base, -1, EV_PERSIST, on_tick, ctx);
    if (!sigterm || !sigint || !timer || evsignal_add(sigterm, NULL) ||
        evsignal_add(sigint, NULL) || evtimer_add(timer, &tick))
        goto out;
    if (inv_consumer_start(c) != 0)
        goto out;
    acs_info("acs-inventory running, metrics on %s", cfg->metrics_addr);
    event_base_dispatch(base);
    rc = inv_consumer_join(c) == 0 ? 0 : 1;
    acs_info("acs-inventory stopped");
out:
    if (timer)
        event_free(timer);
    if (sigterm)
        event_free(sigterm);
    if (sigint)
        event_free(sigint);
    inv_consumer_free(&c);
    acs_metrics_shutdown();
    if (base)
        event_base_free(base);
    return rc;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: acs-inventory [--migrate]\n"
               "  --migrate  apply pending SQL migrations (ACS_SQL_DIR) and exit\n"
               "Configuration is read from the environment; see docs/inventory.md.\n");
}

int main(int argc, char **argv)
{
    config_t cfg;
    int migrate = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--migrate") == 0) {
            migrate = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    (void)acs_log_init("acs-inventory");
    memset(&cfg, 0, sizeof cfg);
    if (read_config(&cfg) != 0)
        return 1;
    if (migrate)
        return migrate_only(&cfg);
    signal(SIGPIPE, SIG_IGN);
    return serve(&cfg);
}
