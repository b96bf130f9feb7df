/* inv_stats: the inventory's Prometheus metrics (acs_metrics).
 *
 *   halyard_inventory_messages_total{type}     messages committed, by type
 *   halyard_inventory_rejected_total{reason}   messages dead-lettered
 *   halyard_inventory_batches_total            transactions committed
 *   halyard_inventory_db_errors_total          failed database writes/connects
 *   halyard_inventory_broker_up, _db_up        1 while connected
 *   halyard_inventory_last_batch_size          messages in the last batch
 *   halyard_inventory_transfers_timed_out_total   pending transfers the sweep
 *                                              marked timed_out
 *   halyard_inventory_uploads_total{result}    completed uploads into the
 *       file store: recorded (with size and SHA-256), no-digest (recorded,
 *       file not readable), refused (path not acceptable: not recorded)
 *
 * inv_stats_init registers them (before acs_metrics_serve); the updaters
 * are thread-safe and do nothing before inv_stats_init (unit tests).
 */
#ifndef INV_STATS_H
#define INV_STATS_H

#include "inv_msg.h"

#include <stddef.h>

void inv_stats_init(void);
void inv_stats_message(inv_msg_type_t t);
void inv_stats_rejected(inv_reject_t r);
void inv_stats_batch(size_t messages);
void inv_stats_db_error(void);
void inv_stats_broker_up(int up);
void inv_stats_db_up(int up);
void inv_stats_timed_out(int n);
/* recorded includes no_digest (both were written to files). */
void inv_stats_uploads(unsigned recorded, unsigned no_digest, unsigned refused);

#endif
