/* sim_device: one simulated CPE's state: its identity, the values it changed
 * (an overlay over the shared model), the instances it added to or deleted
 * from tables, its parameter attributes, its pending value changes and
 * Inform events, and its retry counter.
 *
 * A device costs a few hundred bytes plus what it changed: every value it
 * did not change is read from the model template and rendered on demand,
 * and every attribute it did not set is the model's default. The model is
 * never changed by a device.
 *
 * Files: sim_device.c (lifecycle, values, events, factory reset),
 * sim_device_tree.c (the device's view of the tree: names, instances),
 * sim_device_attr.c (Notification, AccessList, value-change notification),
 * sim_device_config.c (the configuration as JSON).
 *
 * Pure: no I/O, nothing blocks. Not thread-safe (one event loop owns all
 * devices).
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
/* Instances one table of one device may hold; AddObject beyond: 9004. */
#define SIM_TABLE_INST_MAX 1024
/* Value changes kept for the next Inform; later ones are dropped (the
 * event is still sent). */
#define SIM_PENDING_MAX 256
/* AccessList bits: "Subscriber" is the only value TR-069 defines. */
#define SIM_ACL_SUBSCRIBER 0x01u

/* A parameter or object of a device's tree: the model entry idx and, for
 * entries of a table template (SIM_P_INST), the instance number (>= 1);
 * inst is 0 for every other entry. "Device.NAT.PortMapping.3.Enable" is
 * {index of "Device.NAT.PortMapping.{i}.Enable", 3}. */
typedef struct {
    uint32_t idx;
    uint32_t inst;
} sim_ref_t;

/* A growable list of refs (SIM_REFS_INIT), freed with sim_refs_free. */
typedef struct {
    sim_ref_t *r;
    size_t n, cap;
} sim_refs_t;
/* clang-format off */
#define SIM_REFS_INIT {NULL, 0, 0}
/* clang-format on */
void sim_refs_push(sim_refs_t *l, sim_ref_t ref);
void sim_refs_free(sim_refs_t *l);

/* strcmp-like order of refs (by idx, then inst); 0 if the same. */
int sim_device_ref_cmp(sim_ref_t a, sim_ref_t b);

/* ---- lifecycle and identity (sim_device.c) ---- */

/* A new device using model m (which must outlive it), serial copied, index
 * used by the {index} placeholder. Its simulated boot is now. Never NULL. */
sim_device_t *sim_device_new(const sim_model_t *m, const char *serial, unsigned index);

/* Free a device; accepts NULL. */
void sim_device_free(sim_device_t *d);

const char *sim_device_serial(const sim_device_t *d);
unsigned sim_device_index(const sim_device_t *d);
const sim_model_t *sim_device_model(const sim_device_t *d);

/* Template inputs for this device at this moment ({i} = 0). */
void sim_device_ctx(const sim_device_t *d, sim_tmpl_ctx_t *ctx);

/* ---- values (sim_device.c) ---- */

/* Append the current value of ref to out: the value the device changed,
 * else the count of a NumberOfEntries (SIM_P_COUNT), else the rendered
 * model template. sim_device_get_public appends "" for secrets: use it for
 * everything that goes on the wire. Objects have "". */
void sim_device_get(const sim_device_t *d, sim_ref_t ref, acs_buf_t *out);
void sim_device_get_public(const sim_device_t *d, sim_ref_t ref, acs_buf_t *out);

/* Set ref to value (copied; the caller has checked the type). Objects,
 * counters, and template entries without an instance (or other entries
 * with one) are ignored. No notification: this is the ACS's own change
 * (SetParameterValues) or a restore; see sim_device_cpe_set. */
void sim_device_put(sim_device_t *d, sim_ref_t ref, const char *value);

/* A value the CPE itself changes (a firmware upgrade changing
 * DeviceInfo.SoftwareVersion, a deployment unit's Status...): set the
 * parameter named name (instances included) to value, checked against its
 * type and stored canonical, and if the value differs from before,
 * notify the change (sim_device_attr_changed). Returns -1 (unknown name, an
 * object or counter, or a value not of its type: nothing changed), else
 * the notification that fired: 0 none, 1 passive (reported in the next
 * Inform), 2 active (the caller should start a session soon). */
int sim_device_cpe_set(sim_device_t *d, const char *name, const char *value)
    __attribute__((warn_unused_result));

/* The same by model index for entries outside tables (inst 0). Kept for
 * callers that work on model indexes. */
void sim_device_value(const sim_device_t *d, size_t i, acs_buf_t *out);
void sim_device_value_public(const sim_device_t *d, size_t i, acs_buf_t *out);
void sim_device_set(sim_device_t *d, size_t i, const char *value);

/* The changed values of entries outside tables' templates: n entries,
 * k-th as (*idx, *value). Values of added instances are not included: use
 * sim_device_config_export to save everything. */
size_t sim_device_changed_count(const sim_device_t *d);
void sim_device_changed_at(const sim_device_t *d, size_t k, size_t *idx, const char **value);

/* ---- the device's tree (sim_device_tree.c) ---- */

/* Resolve a full name as the device sees it: a parameter, or an object with
 * its final '.', of the model (not a template, not in a deleted instance)
 * or of an added instance ("Device.NAT.PortMapping.3.Enable"). Instance
 * numbers must be canonical ("03" is unknown). Returns 0 and fills ref, or
 * -1 if the device has no such parameter or object. */
int sim_device_tree_find(const sim_device_t *d, const char *name, sim_ref_t *ref)
    __attribute__((warn_unused_result));

/* Append the full name of ref to out ("{i}" replaced by its instance). */
void sim_device_tree_name(const sim_device_t *d, sim_ref_t ref, acs_buf_t *out);

/* Append to out path itself and everything below it, in tree order
 * (instances by number): path is "" (the whole tree), a partial path
 * ending in '.', or a parameter name (itself only). Objects are included.
 * Returns 0, or -1 (nothing appended) if the device has no such path. */
int sim_device_tree_expand(const sim_device_t *d, const char *path, sim_refs_t *out)
    __attribute__((warn_unused_result));

/* Number of instances the table object (model index of a SIM_P_TABLE
 * entry) has on this device: static ones not deleted, plus added ones. */
size_t sim_device_tree_count(const sim_device_t *d, uint32_t table);

/* Add an instance to table (model index of a SIM_P_TABLE entry the device
 * has): the next number (above every number the table had in this
 * device's life since its last factory reset), its values the template's
 * defaults. Returns 0 and sets *inst, or -1 if the table holds
 * SIM_TABLE_INST_MAX instances. Writability is the caller's business. */
int sim_device_tree_add(sim_device_t *d, uint32_t table, uint32_t *inst)
    __attribute__((warn_unused_result));

/* Delete the instance object obj (an added "X.{i}." with its number, or a
 * static instance "X.3." of a table): the instance, its values, attributes
 * and pending changes are forgotten. Returns 0, or -1 if obj is not an
 * instance of a table. Writability is the caller's business. */
int sim_device_tree_delete(sim_device_t *d, sim_ref_t obj) __attribute__((warn_unused_result));

/* By name, for the CPE's own tables (deployment and execution units):
 * add an instance to the table "X." (e.g. "Device.SoftwareModules.
 * DeploymentUnit.") with n values given as leaf names relative to the
 * instance ("UUID", "Status") and their values (checked against their
 * types; writability ignored). All or nothing. Each NumberOfEntries that
 * counts the table then notifies its change (sim_device_attr_changed).
 * Returns the new instance number, or -1 with a reason in err (no such
 * table, table full, unknown leaf, bad value). */
long sim_device_tree_add_instance(sim_device_t *d, const char *table, const char *const *leaves,
                                  const char *const *values, size_t n, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Delete the instance named object ("X.3.", final '.' optional). Returns 0,
 * or -1 if it is not an instance this device has. */
int sim_device_tree_delete_instance(sim_device_t *d, const char *object)
    __attribute__((warn_unused_result));

/* The number of the first instance of table "X." whose parameter leaf
 * equals value (e.g. the DeploymentUnit whose UUID is ...), or -1. */
long sim_device_tree_find_instance(const sim_device_t *d, const char *table, const char *leaf,
                                   const char *value);

/* The instance numbers of table "X.", ascending: up to cap into out;
 * returns how many there are (may exceed cap), 0 for an unknown table. */
size_t sim_device_tree_instances(const sim_device_t *d, const char *table, uint32_t *out,
                                 size_t cap);

/* ---- attributes and value-change notification (sim_device_attr.c) ---- */

/* The Notification (0..6) and AccessList bits (SIM_ACL_*) of ref: what the
 * ACS set, else the model's default (forceEnabled parameters: always 2). */
void sim_device_attr_get(const sim_device_t *d, sim_ref_t ref, unsigned *notify, unsigned *acl);

/* The SIM_ACL_* bit of an AccessList entry ("Subscriber"), 0 if unknown. */
unsigned sim_device_attr_acl_bit(const char *entry);

/* 0 if parameter ref accepts Notification notify, else 9009: active (2, 5,
 * 6) on a canDeny parameter, anything but 2 on a forceEnabled one. */
int sim_device_attr_check(const sim_device_t *d, sim_ref_t ref, int notify);

/* Set the attributes of parameter ref: notify (0..6, already checked) and
 * acl (SIM_ACL_* bits); -1 leaves either unchanged. forceEnabled
 * parameters keep 2. Back to the defaults, the entry is dropped (sparse). */
void sim_device_attr_set(sim_device_t *d, sim_ref_t ref, int notify, int acl);

/* Parameter ref changed by something other than the ACS's
 * SetParameterValues. If its Notification is passive or active (1, 2, 4,
 * 6), it is kept for the next Inform's ParameterList and "4 VALUE CHANGE"
 * is queued. Returns 0 (not notified), 1 (passive) or 2 (active: the
 * device wants a session soon). */
int sim_device_attr_changed(sim_device_t *d, sim_ref_t ref);

/* The changed parameters waiting for the next Inform: *refs points at n
 * refs, valid until the next change. sim_device_events_clear empties it. */
size_t sim_device_attr_pending(const sim_device_t *d, const sim_ref_t **refs);

/* The waiting changes by name (a JSON array, new reference), and loading
 * such an array back (unknown names are skipped), for a state file: they
 * belong with the saved "4 VALUE CHANGE" event. */
json_t *sim_device_attr_pending_export(const sim_device_t *d);
void sim_device_attr_pending_import(sim_device_t *d, const json_t *names);

/* ---- events (sim_device.c) ---- */

/* Queue an event. Numbered events are single (not queued twice); "M ..."
 * events are queued once per call. code and key are copied and cut to their
 * schema lengths; key may be NULL. Beyond SIM_EVENTS_MAX events are dropped.
 * "0 BOOTSTRAP" discards what was queued before it (cwmp-reference.md 5.1),
 * pending value changes included. */
void sim_device_event_add(sim_device_t *d, const char *code, const char *key);

/* The pending events: *ev points at n events, valid until the next change. */
size_t sim_device_events(const sim_device_t *d, const sim_event_t **ev);

/* Drop every pending event and value change (they were delivered:
 * InformResponse arrived). */
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
 * device made is forgotten (values, attributes, added and deleted
 * instances and their numbering, pending changes, transfers), so the
 * credentials and URL are the model's (and command line's) defaults again;
 * uptime restarts, and the next Inform carries "0 BOOTSTRAP" and "1 BOOT". */
void sim_device_factory_reset(sim_device_t *d);

/* ---- configuration (sim_device_config.c) ---- */

/* The device's configuration as JSON (what a "Vendor Configuration File"
 * upload contains and sim_state saves), a new reference:
 *   {"values": {full name: value},      every value the device changed
 *    "attributes": {full name: {"notification": n, "access_list": [str]}},
 *    "instances": {table name: {"added": [n...], "deleted": [n...],
 *                               "next": n}}}
 * Members with nothing to say are left out of "instances" entries; secrets
 * are included (it is the device's own backup). */
json_t *sim_device_config_export(const sim_device_t *d);

/* Apply a configuration made by sim_device_config_export (a restore): the
 * device's values, attributes and instances become exactly those of
 * config. Other top-level members are ignored (a state file may embed it).
 * Everything is checked first: an unknown table or name, an instance number
 * that is taken or not canonical, a value not of its type, a bad attribute
 * refuses the whole configuration: -1 with a reason in err, nothing
 * changed. Returns 0 on success. Events, transfers and retry count are not
 * part of it. */
int sim_device_config_import(sim_device_t *d, const json_t *config, char *err, size_t errlen)
    __attribute__((warn_unused_result));

#endif
