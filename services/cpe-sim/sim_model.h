/* sim_model: the data model template that every simulated CPE of a run shares.
 *
 * A model is loaded once from a JSON file (format in docs/cpe-sim.md) into a
 * table of parameters and objects sorted by path, so that a partial path
 * ("Device.WiFi.") and everything below it is one contiguous range. Values
 * are templates: "{serial}", "{oui}", "{index}"... are substituted per CPE
 * when a value is read (sim_model_render), so a thousand CPEs share one copy
 * of every default value. What a CPE changes lives in its own overlay
 * (sim_device.h).
 *
 * Multi-instance tables are declared by a template: "X.{i}." and the
 * parameters below it ("X.{i}.Enable") describe what an instance added by
 * AddObject looks like; the template entries sit in the sorted table (after
 * the table's static instances "X.1."...) but are never part of a device's
 * tree themselves. Each entry knows its parent and the end of its subtree,
 * so walking a device's view is a skip over ranges.
 *
 * Loading is strict (a model is ours, a typo should stop the run); nothing
 * here does I/O except sim_model_load reading its file, and nothing blocks.
 */
#ifndef SIM_MODEL_H
#define SIM_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "acs_buf.h"
#include "sim_value.h"

/* Flags of a table entry. */
#define SIM_P_WRITABLE 0x0001u /* SetParameterValues may change it; objects: see below */
#define SIM_P_SECRET 0x0002u   /* reads back as "" (passwords), as on real CPEs */
#define SIM_P_TEMPLATE 0x0004u /* value holds {placeholders}: render before use */
#define SIM_P_FORCED 0x0008u   /* forced-inform: in every Inform's ParameterList */
/* A multi-instance table "X." that has a template "X.{i}." in the model:
 * AddObject may add instances to it if it is also SIM_P_WRITABLE (and then
 * its instances are writable = deletable). */
#define SIM_P_TABLE 0x0010u
/* The template "X.{i}." or an entry below it. Template entries are never in
 * a device's tree themselves: each instance a device adds is a copy of
 * them with {i} replaced by its number (sim_device.h). */
#define SIM_P_INST 0x0020u
/* "<Name>NumberOfEntries" next to a table "<Name>.": its value is the
 * number of instances the device has, computed when read. */
#define SIM_P_COUNT 0x0040u
/* activeNotify="canDeny": the CPE refuses active notification (9009), as
 * for counters that change all the time (cwmp-reference.md 7.4). */
#define SIM_P_NOTIFY_DENY 0x0080u
/* activeNotify="forceEnabled": always active notification, whatever the ACS
 * asks (DeviceInfo.SoftwareVersion, DeviceInfo.ProvisioningCode). */
#define SIM_P_NOTIFY_FORCED 0x0100u

/* Longest full name (cwmp-reference.md 2.3: names are string(256)). */
#define SIM_NAME_MAX 256

/* "No such entry" in the index fields of sim_param_t. */
#define SIM_NONE UINT32_MAX

typedef struct {
    char *name;      /* full path; objects end in '.'; templates hold one "{i}" */
    char *value;     /* template text; "" for objects */
    uint16_t flags;  /* SIM_P_* */
    uint8_t type;    /* sim_type_t */
    uint8_t notify;  /* default Notification attribute, 0..6 */
    uint32_t parent; /* index of the enclosing object; SIM_NONE for the root */
    uint32_t end;    /* index past the last entry at or below this one */
    /* SIM_P_TABLE: its template object "X.{i}."; SIM_P_INST: the template
     * object it belongs to (itself for the template object); SIM_P_COUNT:
     * the table object it counts; otherwise SIM_NONE. */
    uint32_t link;
} sim_param_t;

typedef struct sim_model sim_model_t;

/* Per-CPE inputs of the value templates. */
typedef struct {
    const char *serial;
    unsigned index;      /* the CPE's number (--start-index + i) */
    int64_t uptime_s;    /* seconds since the simulated boot */
    int64_t now_wall_ms; /* for {now} */
    uint32_t instance;   /* for {i}: the instance number of a template entry */
} sim_tmpl_ctx_t;

/* Load a model file. Returns a new model (free with sim_model_free), or NULL
 * with a one-line reason in err (errlen bytes) if the file cannot be read or
 * the model is invalid (unknown type, value not of its type, unknown
 * placeholder, a name both a parameter and an object, several roots...). */
sim_model_t *sim_model_load(const char *path, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* The same from JSON text in memory (len bytes, need not be NUL-terminated). */
sim_model_t *sim_model_parse(const char *json, size_t len, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Free a model; accepts NULL. No device made from it may be used after. */
void sim_model_free(sim_model_t *m);

/* Number of table entries (objects and parameters), and entry i (< count). */
size_t sim_model_count(const sim_model_t *m);
const sim_param_t *sim_model_param(const sim_model_t *m, size_t i);

/* The root object, "Device." or "InternetGatewayDevice.". */
const char *sim_model_root(const sim_model_t *m);

/* Index of the entry named exactly name (objects with their final '.'), or
 * -1. O(log n). Template entries are found by their "{i}" name: a device's
 * view of the tree (instances added, deleted) is sim_device_tree_find. */
long sim_model_find(const sim_model_t *m, const char *name);

/* Index of <root>ManagementServer.<leaf>, or -1 if the model lacks it. */
long sim_model_find_ms(const sim_model_t *m, const char *leaf);

/* The range [*first, *end) of model entries at or below path: path is ""
 * (the whole table) or an object name ending in '.'. Returns 0, or -1 (range
 * empty) if no such object exists. Template entries are included. */
int sim_model_subtree(const sim_model_t *m, const char *path, size_t *first, size_t *end);

/* Forced-inform entries: *idx points at n indexes into the table, in the
 * model's order. Returns n. */
size_t sim_model_forced(const sim_model_t *m, const size_t **idx);

/* Identity used for DeviceId and the {oui}, {product_class},
 * {manufacturer} placeholders. Strings are owned by the model. */
const char *sim_model_manufacturer(const sim_model_t *m);
const char *sim_model_oui(const sim_model_t *m);
const char *sim_model_product_class(const sim_model_t *m);

/* Override the identity (the CLI's --oui, --product-class); a NULL
 * argument keeps the current value. The strings are copied. Call before any
 * device is created. */
void sim_model_set_identity(sim_model_t *m, const char *manufacturer, const char *oui,
                            const char *product_class);

/* Replace the default (template) value of the parameter named name, e.g. the
 * CLI's --username "{serial}" for ManagementServer.Username. Returns 0, or
 * -1 if there is no such parameter, it is computed (SIM_P_COUNT), or the
 * template is invalid ({i} outside a table template). Call before any
 * device is created. */
int sim_model_set_default(sim_model_t *m, const char *name, const char *value)
    __attribute__((warn_unused_result));

/* Append tmpl with its placeholders substituted to out. Placeholders:
 * {serial} {index} {oui} {product_class} {manufacturer} {ip} (10.x.y.z from
 * the index) {mac} (02:00:xx:xx:xx:xx from the index) {uptime} (seconds)
 * {now} (dateTime) {i} (the instance number, in template entries only). An
 * unknown placeholder is copied as is (a loaded model has none). Never
 * fails. */
void sim_model_render(const sim_model_t *m, const char *tmpl, const sim_tmpl_ctx_t *ctx,
                      acs_buf_t *out);

/* 0 if every '{' of tmpl starts a known placeholder, else -1. */
int sim_model_template_check(const char *tmpl) __attribute__((warn_unused_result));

/* 1 if p is a table template object "X.{i}.". */
int sim_model_is_template(const sim_param_t *p);

/* Compare two paths segment by segment, instance numbers by value, so that
 * "Host.2." sorts before "Host.10." and an object before what it contains;
 * a strcmp-like result. Every subtree is contiguous in this order. */
int sim_model_name_cmp(const char *a, const char *b);

#endif
