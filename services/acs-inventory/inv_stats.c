/* inv_stats: see inv_stats.h. */
#include "inv_stats.h"

#include "acs_metrics.h"

#include <stdio.h>

static acs_metric_t *messages[INV_MSG_TYPE_COUNT];
static acs_metric_t *rejected[INV_REJECT_COUNT];
static acs_metric_t *batches, *db_errors, *broker_up, *db_up, *last_batch;
static acs_metric_t *timed_out, *uploads_ok, *uploads_no_digest, *uploads_refused;

void inv_stats_init(void)
{
    char labels[64];

    for (int t = 0; t < INV_MSG_TYPE_COUNT; t++) {
        snprintf(labels, sizeof labels, "type=\"%s\"", inv_msg_type_name(t));
        messages[t] = acs_metric_counter("halyard_inventory_messages_total",
                                         "Messages written to PostgreSQL, by type.", labels);
    }
    for (int r = 0; r < INV_REJECT_COUNT; r++) {
        snprintf(labels, sizeof labels, "reason=\"%s\"", inv_msg_reject_name(r));
        rejected[r] = acs_metric_counter("halyard_inventory_rejected_total",
                                         "Messages rejected to the dead-letter queue.", labels);
    }
    batches = acs_metric_counter("halyard_inventory_batches_total",
                                 "Batches committed (one transaction each).", NULL);
    db_errors = acs_metric_counter("halyard_inventory_db_errors_total",
                                   "Failed PostgreSQL connections and transactions.", NULL);
    broker_up = acs_metric_gauge("halyard_inventory_broker_up",
                                 "1 while connected to RabbitMQ and consuming.", NULL);
    db_up = acs_metric_gauge("halyard_inventory_db_up", "1 while connected to PostgreSQL.", NULL);
    last_batch = acs_metric_gauge("halyard_inventory_last_batch_size",
                                  "Messages in the last committed batch.", NULL);
    timed_out = acs_metric_counter("halyard_inventory_transfers_timed_out_total",
                                   "Pending transfers marked timed_out by the sweep.", NULL);
    uploads_ok =
        acs_metric_counter("halyard_inventory_uploads_total",
                           "Completed uploads into the file store.", "result=\"recorded\"");
    uploads_no_digest =
        acs_metric_counter("halyard_inventory_uploads_total",
                           "Completed uploads into the file store.", "result=\"no-digest\"");
    uploads_refused =
        acs_metric_counter("halyard_inventory_uploads_total",
                           "Completed uploads into the file store.", "result=\"refused\"");
}

void inv_stats_timed_out(int n)
{
    if (timed_out && n > 0)
        acs_metric_add(timed_out, n);
}

void inv_stats_uploads(unsigned recorded, unsigned no_digest, unsigned refused)
{
    if (!uploads_ok)
        return;
    if (recorded > no_digest)
        acs_metric_add(uploads_ok, recorded - no_digest);
    if (no_digest)
        acs_metric_add(uploads_no_digest, no_digest);
    if (refused)
        acs_metric_add(uploads_refused, refused);
}

void inv_stats_message(inv_msg_type_t t)
{
    if ((unsigned)t < INV_MSG_TYPE_COUNT && messages[t])
        acs_metric_inc(messages[t]);
}

void inv_stats_rejected(inv_reject_t r)
{
    if ((unsigned)r < INV_REJECT_COUNT && rejected[r])
        acs_metric_inc(rejected[r]);
}

void inv_stats_batch(size_t n)
{
    if (batches) {
        acs_metric_inc(batches);
        acs_metric_set(last_batch, (int64_t)n);
    }
}

void inv_stats_db_error(void)
{
    if (db_errors)
        acs_metric_inc(db_errors);
}

void inv_stats_broker_up(int up)
{
    if (broker_up)
        acs_metric_set(broker_up, up ? 1 : 0);
}

void inv_stats_db_up(int up)
{
    if (db_up)
        acs_metric_set(db_up, up ? 1 : 0);
}
