/* sim_xfer_run: performs one due job of a device (sim_xfer.h) over HTTP:
 * a Download / ScheduleDownload / autonomous download GETs its file, an
 * Upload PUTs the configuration or a log, a ChangeDUState GETs the file of
 * each Install and Update in turn. When the I/O is over, done is called;
 * the owner then calls sim_xfer_run_finish at a moment the device is not
 * in a session, which applies the result (new firmware, restored
 * configuration, DUs), queues the report (TransferComplete...) and frees
 * the run.
 *
 * Runs on the caller's event loop; nothing blocks (see sim_fetch.h about
 * host names).
 */
#ifndef SIM_XFER_RUN_H
#define SIM_XFER_RUN_H

#include <event2/event.h>
#include <stdint.h>

#include "sim_device.h"

typedef struct {
    struct event_base *base;
    int timeout_s; /* per HTTP read or write */
} sim_xfer_env_t;

/* What finishing a run did, for counters and scheduling. */
typedef struct {
    const char *method; /* "Download", "Upload", "ScheduleDownload", "ChangeDUState"... */
    int fault;          /* 0, or the fault reported (the first failed op for DUs) */
    int reboot;         /* the device restarted (firmware or configuration applied) */
    int reported;       /* a request was queued (0 if the job was gone or the outbox full) */
} sim_xfer_outcome_t;

typedef struct sim_xfer_run sim_xfer_run_t;

/* The transfer's I/O is over (from a fresh event-loop iteration). */
typedef void (*sim_xfer_run_fn)(sim_xfer_run_t *run, void *arg);

/* Start the first queued job of d due at now_ms (marked running: State 2).
 * env must outlive the run. Returns the run, or NULL if no job is due or
 * the event loop is out of resources (the job then stays queued). */
sim_xfer_run_t *sim_xfer_run_start(const sim_xfer_env_t *env, sim_device_t *d, int64_t now_ms,
                                   sim_xfer_run_fn done, void *arg)
    __attribute__((warn_unused_result));

/* Apply the result of a run whose done was called, queue its report,
 * remove its job, fill *out, free the run. If the job was cancelled or the
 * device reset meanwhile, nothing is applied. */
void sim_xfer_run_finish(sim_xfer_run_t *run, sim_device_t *d, sim_xfer_outcome_t *out);

/* Stop a run at any time without calling done; its job is queued again
 * (it restarts in a later run). Frees run; accepts NULL. */
void sim_xfer_run_abort(sim_xfer_run_t *run, sim_device_t *d);

#endif
