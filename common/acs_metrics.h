/* acs_metrics: Prometheus counters and gauges, and the small HTTP port that
 * serves /metrics and /healthz (libevent evhttp on the service's loop).
 *
 * Metrics are registered once at start-up and updated from any thread
 * (atomic 64-bit values). Exposition is the Prometheus text format 0.0.4:
 * "# HELP", "# TYPE", then one line per series. Series of one family
 * (same name, different labels) are grouped under one HELP/TYPE.
 */
#ifndef ACS_METRICS_H
#define ACS_METRICS_H

#include <event2/event.h>
#include <stdint.h>

typedef struct acs_metric acs_metric_t;

/* Register a counter or gauge. name like "halyard_gw_sessions_total"
 * (characters outside [a-zA-Z0-9_:] become '_', logged); labels is NULL or
 * the inside of the braces, e.g. "kind=\"xml\"", emitted as given. The same
 * name+labels twice returns the same metric. Never returns NULL. Call before
 * serving starts (registration is not thread-safe; updates are). The update
 * functions below accept NULL (no-op; get returns 0). */
acs_metric_t *acs_metric_counter(const char *name, const char *help, const char *labels);
acs_metric_t *acs_metric_gauge(const char *name, const char *help, const char *labels);

void acs_metric_inc(acs_metric_t *m);
void acs_metric_add(acs_metric_t *m, int64_t n);
void acs_metric_set(acs_metric_t *m, int64_t v);
int64_t acs_metric_get(const acs_metric_t *m);

/* Write the exposition text of every registered metric into a malloc'd,
 * NUL-terminated string (caller frees). */
char *acs_metrics_render(void);

/* Health check callback: return 0 when healthy, else -1; write a one-line
 * reason (or "ok") into msg. */
typedef int (*acs_health_cb)(void *arg, char *msg, size_t n);

/* Serve GET /metrics (200, text/plain; version=0.0.4) and GET /healthz (200
 * "ok" or 503 with the reason) on hostport ("127.0.0.1:9101"; port 0 picks
 * one, see acs_metrics_port). Another method on those two paths is 405,
 * any other path 404. health may be NULL (always healthy). Returns 0, or -1
 * if the address is malformed or cannot be bound, or already serving
 * (logged). */
int acs_metrics_serve(struct event_base *base, const char *hostport, acs_health_cb health,
                      void *arg) __attribute__((warn_unused_result));
/* The bound port after acs_metrics_serve, or -1. */
int acs_metrics_port(void);
/* Stop serving and free the registry (at shutdown). */
void acs_metrics_shutdown(void);

#endif
