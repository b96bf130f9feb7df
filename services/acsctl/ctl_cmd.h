/* ctl_cmd: acsctl's commands. Each takes the run's context (command line
 * parsed and checked against the command's options), writes its output on
 * stdout and its errors on stderr, and returns the exit code (ctl.h). They
 * block on the broker and the database.
 */
#ifndef CTL_CMD_H
#define CTL_CMD_H

#include <stdint.h>

#include "ctl_ctx.h"

/* get, set, add, delete, attrs, reboot, factory-reset, download, upload,
 * schedule-inform, rpc, names: on DEVICE, or in bulk over a filter
 * (ctl_cmd_rpc.c, ctl_cmd_bulk.c). */
int ctl_cmd_rpc(ctl_ctx_t *c);
int ctl_cmd_bulk(ctl_ctx_t *c);

/* Helpers shared by the RPC commands (ctl_cmd_rpc.c). */

/* download --file: the store catalogue's row of the file. */
typedef struct {
    char file_type[65];
    long long file_size; /* -1 if unknown */
} ctl_catalogue_t;

/* Look the --file of download up in the files table. CTL_EXIT_OK (also
 * when there is no --file), or (printed) CTL_EXIT_USAGE for a file not in
 * the catalogue, CTL_EXIT_UNREACHABLE. */
int ctl_cmd_catalogue(ctl_ctx_t *c, ctl_catalogue_t *cat) __attribute__((warn_unused_result));

/* Declare the device queue and publish the rpc message with publisher
 * confirm. 0 queued, CTL_AMQP_REFUSED (queue full; reason in err), -1
 * broker error (err). The broker must be open. */
int ctl_cmd_send(ctl_ctx_t *c, const char *device_id, const char *rpc_id, const char *method,
                 const json_t *params, const char *reply_to, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Consume reply queue until each id of want (an object whose members are
 * RPC ids with value null) has its rpc.result as value, or until
 * deadline_ms (acs_now_mono_ms clock). Results for other ids and
 * unparseable messages are skipped. 0, or -1 on a broker error (printed).
 * Starts consuming: publish nothing after it. */
int ctl_cmd_collect(ctl_ctx_t *c, const char *queue, json_t *want, int64_t deadline_ms)
    __attribute__((warn_unused_result));

/* devices, show, tag (ctl_cmd_inv.c). */
int ctl_cmd_devices(ctl_ctx_t *c);
int ctl_cmd_show(ctl_ctx_t *c);
int ctl_cmd_tag(ctl_ctx_t *c);

/* events, with or without --follow (ctl_cmd_events.c). */
int ctl_cmd_events(ctl_ctx_t *c);

/* files add, files list (ctl_cmd_files.c). */
int ctl_cmd_files(ctl_ctx_t *c);

/* Entry point: parse argv, run the command, return the exit code
 * (ctl_main.c). */
int ctl_main(int argc, char **argv);

#endif
