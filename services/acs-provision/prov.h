/* acs-provision: the service as a whole (configuration, clients, metrics,
 * the table of conversations). One libevent loop runs everything; the
 * broker and database clients call back on it.
 */
#ifndef PROV_H
#define PROV_H

#include "acs_amqp.h"
#include "acs_metrics.h"
#include "acs_pg.h"
#include "acs_secret.h"
#include "prov_declare.h"
#include "prov_policy.h"

#include <event2/event.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *amqp_url, *pg_dsn, *metrics_addr, *policy_path, *realm, *files_url, *id;
    long concurrency;       /* conversations at once = prefetch on halyard.provision */
    long result_timeout_ms; /* wait this long for an RPC's result, then drop */
    long max_item_age_ms;   /* older work items: the session is over, ack unused (0 = off) */
    long drain_ms;          /* SIGTERM: finish conversations for at most this long */
    long pg_pool;
} prov_config_t;

typedef struct {
    acs_metric_t *items_done, *items_dropped, *items_rejected, *items_stale, *items_requeued;
    acs_metric_t *rpc_gpv, *rpc_spv, *rpc_download;
    acs_metric_t *res_ok, *res_fault, *res_failed, *res_unknown, *res_invalid, *timeouts;
    acs_metric_t *bootstraps, *bootstrap_adopted, *bootstrap_faults, *bootstrap_conflicts;
    acs_metric_t *presets, *refreshes, *downloads, *rollout_deferred;
    acs_metric_t *err_db, *err_broker, *err_input;
    acs_metric_t *active, *broker_up, *db_up;
} prov_metrics_t;

typedef struct prov_conv prov_conv_t;

typedef struct prov {
    struct event_base *base;
    prov_config_t cfg;
    prov_policy_t *policy;
    unsigned char secret_key[ACS_SECRET_KEY_LEN];
    int have_secret;
    acs_amqp_t *work;  /* halyard.provision consumer, every publish and ack */
    acs_amqp_t *reply; /* our exclusive reply queue */
    prov_declare_t *decl;
    acs_pg_t *pg;
    char reply_queue[ACS_AMQP_SHORTSTR_MAX + 1];
    prov_conv_t **convs; /* slots; a conversation's id names its slot */
    size_t nslots;
    size_t active;
    uint64_t work_gen; /* channel generation of the newest work item */
    int draining;
    prov_metrics_t m;
} prov_t;

#endif
