/* sim_device: one simulated CPE's state: its identity, the values it changed
 * (an overlay over the shared model), its pending Inform events and its
 * retry counter.
 *
 * A device costs a few dozen bytes plus what it changed: every value it did
 * not change is read from the model template and rendered on demand. Pure:
 * no I/O, nothing blocks. Not thread-safe (one event loop owns all devices).
 */
#ifndef SIM_DEVICE_H
#define SIM_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "acs_buf.h"
#include "sim_model.h"
#include "sim_xfer.h"

typedef struct sim_device sim_device_t;

/* A pending Inform event (cwmp-reference.md 5.1). */
typedef struct {
    char *code;        /* "1 BOOT", "M Reboot"... */
    char *command_key; /* "" unless an M event */
} sim_event_t;

/* Longest EventCode and CommandKey kept (schema: 64 and 32). */
#define SIM_EVENT_CODE_MAX 64
#define SIM_COMMAND_KEY_MAX 32
/* At most this many events pending (schema: 64 per Inform). */
#define SIM_EVENTS_MAX 64

/* A new device using model m (which must outlive it), serial copied, index
 * used by the {index} placeholder. Its simulated boot is now. Never NULL. */
sim_device_t *sim_device_new(const sim_model_t *m, const char *serial, unsigned index);

/* Free a device; accepts NULL. */
void sim_device_free(sim_device_t *d);

const char *sim_device_serial(const sim_device_t *d);
unsigned sim_device_index(const sim_device_t *d);
const sim_model_t *sim_device_model(const sim_device_t *d);

/* Template inputs for this device at this moment. */
void sim_device_ctx(const sim_device_t *d, sim_tmpl_ctx_t *ctx);

/* Append the current value of table entry i to out (changed value, else the
 * rendered template). sim_device_value_public appends "" for secrets: use
 * it for everything that goes on the wire. */
void sim_device_value(const sim_device_t *d, size_t i, acs_buf_t *out);
void sim_device_value_public(const sim_device_t *d, size_t i, acs_buf_t *out);

/* Set entry i to value (copied; the caller has validated it). */
void sim_device_set(sim_device_t *d, size_t i, const char *value);

/* The changed values, for saving: n entries, k-th as (*idx, *value). */
size_t sim_device_changed_count(const sim_device_t *d);
void sim_device_changed_at(const sim_device_t *d, size_t k, size_t *idx, const char **value);

/* Queue an event. Numbered events are single (not queued twice); "M ..."
 * events are queued once per call. code and key are copied and cut to their
 * schema lengths; key may be NULL. Beyond SIM_EVENTS_MAX events are dropped.
 * "0 BOOTSTRAP" discards what was queued before it (cwmp-reference.md 5.1). */
void sim_device_event_add(sim_device_t *d, const char *code, const char *key);

/* The pending events: *ev points at n events, valid until the next change. */
size_t sim_device_events(const sim_device_t *d, const sim_event_t **ev);

/* Drop every pending event (they were delivered: InformResponse arrived). */
void sim_device_events_clear(sim_device_t *d);

/* Simulate a reboot ordered with command_key: uptime restarts, the next
 * Inform carries "1 BOOT" and "M Reboot" with the key. */
void sim_device_reboot(sim_device_t *d, const char *command_key);

/* Consecutive failed sessions (the Inform's RetryCount). */
unsigned sim_device_retry_count(const sim_device_t *d);
void sim_device_set_retry_count(sim_device_t *d, unsigned n);

/* The current ManagementServer.PeriodicInformInterval in seconds, or -1 if
 * the model has none or it is not a number. */
long sim_device_periodic_interval(const sim_device_t *d);

/* The device's transfers, DUs and CPE requests (created on first use; freed
 * with the device). Never NULL. */
sim_xfer_t *sim_device_xfer(sim_device_t *d);

/* Factory reset (cwmp-reference.md 3.2 FactoryReset): every change the
 * device made is forgotten (values, attributes, added and deleted objects,
 * transfers), credentials are the factory ones again, uptime restarts, and
 * the next Inform carries "0 BOOTSTRAP" and "1 BOOT". */
void sim_device_factory_reset(sim_device_t *d);

/* The device's configuration as JSON (what a "Vendor Configuration File"
 * upload contains and sim_state saves): {"values": {name: value},
 * ...more members as the device keeps more state}. Caller owns the result. */
json_t *sim_device_config_export(const sim_device_t *d);

/* Apply a configuration made by sim_device_config_export (a restore).
 * Returns 0, or -1 with a reason in err if it is not one (then nothing is
 * changed). */
int sim_device_config_import(sim_device_t *d, const json_t *config, char *err, size_t errlen)
    __attribute__((warn_unused_result));

#endif
