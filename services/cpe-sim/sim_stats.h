/* sim_stats: counters of a cpe-sim run and the summary JSON printed at exit.
 *
 * Summary (one object; tests parse it, keep the shape):
 *   {"cpes": N, "sessions_ok": n, "sessions_failed": n,
 *    "http_status": {"200": n, "204": n, "401": n, ...},
 *    "rpcs": {"GetParameterValues": n, ...},
 *    "elapsed_ms": n,
 *    "devices": [{"serial": "...", "device_id": "...", "sessions_ok": n,
 *                 "sessions_failed": n, "rpcs": ["GetParameterValues", ...],
 *                 "last_error": "..." | null}]}
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

uint64_t sim_stats_sessions_ok(const sim_stats_t *st);
uint64_t sim_stats_sessions_failed(const sim_stats_t *st);

/* The summary object (new reference, caller decrefs). */
json_t *sim_stats_summary(const sim_stats_t *st, int64_t elapsed_ms, int with_devices);

#endif
