/* sim_xfer: what a simulated CPE does beyond its data model: file transfers
 * (Download, Upload, ScheduleDownload, really over HTTP), deployment units
 * (ChangeDUState), scheduled informs, and the requests it makes of the ACS
 * (TransferComplete, AutonomousTransferComplete, DUStateChangeComplete,
 * AutonomousDUStateChangeComplete, RequestDownload, Kicked).
 *
 * Per-device state (sim_xfer_t) hangs off the device (sim_device_xfer) and
 * is created only when a device first needs it, so a fleet that never
 * transfers pays one NULL pointer per CPE.
 *
 * The pieces:
 *   - answering the RPCs (sim_xfer_handle): pure, queues work and answers
 *     at once (Download: Status 1, the transfer happens after the session);
 *   - the fleet asks what is due (sim_xfer_next_due, sim_xfer_job_due,
 *     sim_xfer_raise_scheduled) and runs due jobs with sim_xfer_run.h;
 *   - the session raises the events of pending requests before the Inform
 *     (sim_xfer_inform_events) and sends the requests after InformResponse
 *     (sim_xfer_request_*), one per POST, removing each once answered;
 *   - sim_state saves and restores it all (sim_xfer_to_json / _from_json).
 *
 * Nothing here blocks or does I/O (sim_xfer_run.h does the HTTP).
 * Not thread-safe: one event loop owns all devices.
 */
#ifndef SIM_XFER_H
#define SIM_XFER_H

#include <jansson.h>
#include <libxml/tree.h>
#include <stddef.h>
#include <stdint.h>

#include "acs_buf.h"

typedef struct sim_device sim_device_t;
typedef struct sim_xfer sim_xfer_t;

/* Queued transfers and DU changes per device (GetQueuedTransfers lists at
 * most 16); one more is fault 9004. */
#define SIM_XFER_QUEUE_MAX 16
/* Pending ScheduleInforms per device; one more is fault 9004. */
#define SIM_XFER_SCHED_MAX 16
/* Pending CPE requests per device; a completion beyond is dropped (logged
 * and counted): the queue bound keeps real runs far below it. */
#define SIM_XFER_REQ_MAX 40
/* Installed deployment units per device; an Install beyond fails (9027). */
#define SIM_XFER_DU_MAX 32
/* Operations in one ChangeDUState (the JSON contract's bound); more: 9004. */
#define SIM_XFER_DU_OPS_MAX 16
/* Largest file a device downloads (more: fault 9010). */
#define SIM_XFER_FILE_MAX (16 * 1024 * 1024)
/* Longest URL, FileType, TargetFileName, Username/Password accepted in a
 * transfer RPC (cwmp-reference.md 3.2); longer: fault 9003. */
#define SIM_XFER_URL_MAX 256
#define SIM_XFER_DU_URL_MAX 1024
#define SIM_XFER_FILE_TYPE_MAX 64
#define SIM_XFER_NAME_MAX 256

/* New, empty per-device state. Never NULL. */
sim_xfer_t *sim_xfer_new(void);

/* Free; accepts NULL. */
void sim_xfer_free(sim_xfer_t *x);

/* Factory reset: forget queued transfers, scheduled informs, pending
 * requests and deployment units. A running job's result is then dropped. */
void sim_xfer_reset(sim_xfer_t *x);

/* 1 if method is answered by sim_xfer_handle. */
int sim_xfer_method(const char *method);

/* The methods sim_xfer_handle answers, for GetRPCMethodsResponse. */
extern const char *const sim_xfer_methods[];
extern const size_t sim_xfer_method_count;

/* Answer the ACS request method (rpc: its element) for device d: append the
 * response element (e.g. <cwmp:DownloadResponse>...</cwmp:DownloadResponse>)
 * to body and return 0, or return a CWMP fault code (9000..9032) and append
 * nothing. Never blocks: transfers are queued, not run. */
int sim_xfer_handle(sim_device_t *d, const char *method, xmlNodePtr rpc, acs_buf_t *body);

/* ---- scheduling (the fleet) ---- */

/* Wall time (ms) of the earliest queued job or pending ScheduleInform, or
 * INT64_MAX if there is none. x may be NULL. */
int64_t sim_xfer_next_due(const sim_xfer_t *x);

/* 1 if a queued (not running) job is due at now_ms. x may be NULL. */
int sim_xfer_job_due(const sim_xfer_t *x, int64_t now_ms);

/* 1 if a job is running. x may be NULL. */
int sim_xfer_job_running(const sim_xfer_t *x);

/* For each ScheduleInform due at now_ms: raise "3 SCHEDULED" and
 * "M ScheduleInform" (its CommandKey) on d and forget it. Returns how many
 * were due. */
size_t sim_xfer_raise_scheduled(sim_xfer_t *x, sim_device_t *d, int64_t now_ms);

/* Raise on d the events of every pending request that d does not already
 * carry ("7 TRANSFER COMPLETE" + "M Download"...): they stay pending until
 * the request is answered (cwmp-reference.md 5.1). Call before each
 * Inform. x may be NULL. */
void sim_xfer_inform_events(const sim_xfer_t *x, sim_device_t *d);

/* ---- CPE requests (the session) ---- */

/* Pending requests, oldest first. x may be NULL (0). */
size_t sim_xfer_request_count(const sim_xfer_t *x);

/* The ACS method request k (< count) calls: "TransferComplete"... */
const char *sim_xfer_request_method(const sim_xfer_t *x, size_t k);

/* Append the whole envelope of request k (namespace ns, cwmp:ID id) to out. */
void sim_xfer_request_build(const sim_xfer_t *x, size_t k, const char *ns, const char *id,
                            acs_buf_t *out);

/* Forget request k: the ACS answered it (or refused it for good). */
void sim_xfer_request_remove(sim_xfer_t *x, size_t k);

/* Requests of the command line, queued for the next session. Strings are
 * copied. Each returns 0, or -1 if the outbox is full. */
int sim_xfer_add_request_download(sim_xfer_t *x, const char *file_type, const char *const *names,
                                  const char *const *values, size_t nargs)
    __attribute__((warn_unused_result));
int sim_xfer_add_kicked(sim_xfer_t *x, const char *command, const char *referer, const char *arg,
                        const char *next) __attribute__((warn_unused_result));

/* Autonomous transfers of the command line: a download of url (FileType
 * file_type) due at now_ms, reported by AutonomousTransferComplete; an
 * install of the DU at url reported by AutonomousDUStateChangeComplete.
 * 0, or 9004 if the queue is full. */
int sim_xfer_add_autonomous(sim_xfer_t *x, const char *url, const char *file_type, int64_t now_ms)
    __attribute__((warn_unused_result));
int sim_xfer_add_autonomous_du(sim_xfer_t *x, const char *url, int64_t now_ms)
    __attribute__((warn_unused_result));

/* Requests that could not be kept (outbox full) since the last call; the
 * counter restarts at 0. */
unsigned sim_xfer_take_dropped(sim_xfer_t *x);

/* ---- persistence (sim_state) ---- */

/* Everything x keeps across runs, as a JSON object (new reference), or NULL
 * if x is NULL or empty. A running job is saved as queued (it restarts). */
json_t *sim_xfer_to_json(const sim_xfer_t *x);

/* Load what sim_xfer_to_json made into x (an empty state). Entries that
 * are malformed are skipped and counted in *skipped. Returns 0, or -1 with
 * a reason in err if j is not an object. */
int sim_xfer_from_json(sim_xfer_t *x, const json_t *j, unsigned *skipped, char *err, size_t errlen)
    __attribute__((warn_unused_result));

#endif
