/* prov_item: the messages acs-provision reads and writes, as JSON.
 *
 *   work item  (halyard.provision; proto-json/provision-work.schema.json)
 *   rpc.result (our reply queue; rpc-result.schema.json)
 *   rpc, done  (to the device queue; rpc-request / done.schema.json)
 *
 * Parsing checks what the conversation relies on and refuses the rest with
 * a one-line reason: a work item without session_id, a device_queue that is
 * not "halyard.dev." + device_id (we would publish where it says), a device
 * id that is not a safe escaped id. Unknown members are ignored
 * (messages.md). Pure; nothing blocks.
 */
#ifndef PROV_ITEM_H
#define PROV_ITEM_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* A parsed work item. Strings point into root (valid until
 * prov_item_clear). */
typedef struct {
    json_t *root;
    const char *session_id;
    const char *device_id;
    const char *device_queue;
    const char *oui;           /* as sent (either case) */
    const char *product_class; /* may be "" */
    const char *serial;
    const char *credentials; /* "device", "pending", "bootstrap", "none"; NULL if absent */
    const char *data_root;   /* "Device." or "InternetGatewayDevice." (static) */
    long worker_wait_ms;
    int64_t received_ms; /* received_at as Unix ms, 0 when absent or unreadable */
    json_t *events;      /* array of {"code", "command_key"} */
    json_t *parameters;  /* array of {"name", "value", "type"} */
} prov_item_t;

/* Parse body (len bytes) into it. Returns 0, or -1 with a reason in err (it
 * is then cleared). */
int prov_item_parse(const char *body, size_t len, prov_item_t *it, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Release it; accepts a cleared or zeroed item. */
void prov_item_clear(prov_item_t *it);

/* The value of parameter name in the Inform, or NULL. */
const char *prov_item_param(const prov_item_t *it, const char *name);

/* 1 if the Inform carries event code (e.g. "0 BOOTSTRAP"). */
int prov_item_has_event(const prov_item_t *it, const char *code);

/* A parsed rpc.result. Strings point into root. */
typedef struct {
    json_t *root;
    const char *id;
    const char *session_id;
    const char *method;
    const char *status;       /* "ok", "fault", "failed" */
    const char *reason;       /* failed: why; else NULL */
    const char *detail;       /* optional */
    json_t *result;           /* ok: the method's result object, else NULL */
    long fault_code;          /* fault: the CWMP code (0 when none) */
    const char *fault_string; /* fault: the text, or "" */
} prov_result_t;

int prov_result_parse(const char *body, size_t len, prov_result_t *r, char *err, size_t errlen)
    __attribute__((warn_unused_result));
void prov_result_clear(prov_result_t *r);

/* The messages we publish, as new NUL-terminated strings (caller frees).
 * message_id is written into msg_id[37] (a UUID) for the AMQP property.
 * params is borrowed. */
char *prov_item_rpc_message(const prov_item_t *it, const char *rpc_id, const char *method,
                            json_t *params, char msg_id[37]);
char *prov_item_done_message(const prov_item_t *it, char msg_id[37]);

/* RFC 3339 time ("2024-05-01T10:00:03.412Z", offsets allowed) to Unix ms;
 * 0 when it does not parse. */
int64_t prov_item_time_ms(const char *s);

#endif
