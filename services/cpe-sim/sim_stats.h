/* sim_stats: counters of a cpe-sim run and the summary JSON printed at exit.
 *
 * Summary (one object; tests parse it, keep the shape):
 *   {"cpes": N, "sessions_ok": n, "sessions_failed": n,
 *    "http_status": {"200": n, "204": n, "401": n, ...},
 *    "rpcs": {"GetParameterValues": n, ...},
 *    "elapsed_ms": n,
 *    "transfers": {"ok": n, "failed": n, "faults": {"9010": n, ...}},
 *    "cpe_requests": {"answered": {"TransferComplete": n, ...}, "retried": n,
 *                     "dropped": n},
 *    "devices": [{"serial": "...", "device_id": "...", "sessions_ok": n,
 *                 "sessions_failed": n, "rpcs": ["GetParameterValues", ...],
 *                 "last_error": "..." | null,
 *                 "transfers": [{"method": "Download", "fault": 0}, ...],
 *                 "cpe_requests": ["TransferComplete", ...]}]}
 * "devices" is present only when asked for. Pure: no I/O, nothing blocks.
 */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sim_stats sim_stats_t;

/* Distinct RPC method names counted; later new names count as "(other)". */
#define SIM_STATS_METHODS_MAX 64
/* RPC names remembered per device (in order); later ones are only counted. */
#define SIM_STATS_DEVICE_RPCS_MAX 4096
/* Transfers and answered CPE requests remembered per device (in order). */
#define SIM_STATS_DEVICE_XFERS_MAX 64

/* Counters for ndevices devices. Never NULL. */
sim_stats_t *sim_stats_new(size_t ndevices);
/* Free; accepts NULL. */
void sim_stats_free(sim_stats_t *st);

/* Name device i (< ndevices); strings copied. */
void sim_stats_set_device(sim_stats_t *st, size_t i, const char *serial, const char *device_id);

/* Count one HTTP response status (100..599; others ignored). */
void sim_stats_http(sim_stats_t *st, int status);

/* Count one RPC the ACS sent to device i (method cut at 64 bytes). */
void sim_stats_rpc(sim_stats_t *st, size_t i, const char *method);

/* Count one finished session of device i; error (copied) is its last_error
 * when !ok, and is kept until a later failure replaces it. */
void sim_stats_session(sim_stats_t *st, size_t i, int ok, const char *error);

/* Count one finished transfer of device i: method is a string that lives
 * as long as st (a literal), fault 0 for success. */
void sim_stats_transfer(sim_stats_t *st, size_t i, const char *method, int fault);

/* What became of one CPE request (TransferComplete...) sent by device i. */
typedef enum {
    SIM_STATS_REQ_ANSWERED = 0, /* its response arrived */
    SIM_STATS_REQ_RETRIED,      /* ACS fault 8005: sent again */
    SIM_STATS_REQ_DROPPED,      /* another ACS fault, or no room to keep it */
} sim_stats_req_t;

/* Count it; method is a literal (lives as long as st). */
void sim_stats_cpe_request(sim_stats_t *st, size_t i, const char *method, sim_stats_req_t what);

uint64_t sim_stats_sessions_ok(const sim_stats_t *st);
uint64_t sim_stats_sessions_failed(const sim_stats_t *st);

/* The summary object (new reference, caller decrefs). */
json_t *sim_stats_summary(const sim_stats_t *st, int64_t elapsed_ms, int with_devices);

#endif
