/* inv_msg_int: what inv_msg.c, inv_msg_cpe.c and inv_batch.c share, and
 * nothing else uses: the batch's undo mark, and the field readers that
 * validate a message while its rows are appended.
 *
 * Every reader returns 0, or -1 after recording the first failure (a
 * reject reason and a one-line explanation) in the inv_vctx_t. Strings
 * handed out point into the parsed message (not owned).
 */
#ifndef INV_MSG_INT_H
#define INV_MSG_INT_H

#include "inv_msg.h"

#include <jansson.h>
#include <stddef.h>

/* Bounds, from proto-json/common.schema.json where it has one. */
#define INV_MAX_ID 255 /* message_id, session_id, gateway, remote_addr */
/* The schema says string(32); a CPE that sends a longer CommandKey harms
 * nothing here, and refusing its whole message would lose it. */
#define INV_MAX_COMMAND_KEY 256
#define INV_MAX_TEXT 1024 /* fault strings, reasons */
#define INV_MAX_CWMP_TIME 64

/* Where the batch stood before a message, to undo it. */
typedef struct {
    size_t len[INV_OP_COUNT][INV_OP_MAXCOLS];
    size_t rows[INV_OP_COUNT];
    size_t bootstraps;
} inv_mark_t;

/* Validation state: the first failure wins. */
typedef struct {
    inv_reject_t reason;
    char *err;
    size_t errlen;
} inv_vctx_t;

/* The envelope every message has. */
typedef struct {
    const char *type, *message_id, *device_id;
} inv_head_t;

/* Batch internals (inv_batch.c). v holds inv_batch_ncols(op) values. */
void inv_batch_mark(const inv_batch_t *b, inv_mark_t *m);
void inv_batch_restore(inv_batch_t *b, const inv_mark_t *m);
void inv_batch_add_row(inv_batch_t *b, inv_op_t op, const char *const *v);
void inv_batch_count_bootstrap(inv_batch_t *b);

/* Record a failure; returns -1. */
int inv_msg_fail(inv_vctx_t *v, inv_reject_t r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefix the error already recorded with "what: " or "what[i]: " (i >= 0).
 * Returns -1. */
int inv_msg_prefix(inv_vctx_t *v, const char *what, long i);

/* obj.key as a string of min..max bytes. Absent or null gives NULL, or
 * missing-field when required. */
int inv_msg_str(inv_vctx_t *v, const json_t *obj, const char *key, int required, size_t min,
                size_t max, const char **out);
/* A required id of 1..max bytes of printable ASCII without spaces. */
int inv_msg_id(inv_vctx_t *v, const json_t *obj, const char *key, size_t max, const char **out);
/* An RFC 3339 timestamp (inv_msg_timestamp_valid). */
int inv_msg_ts(inv_vctx_t *v, const json_t *obj, const char *key, int required, const char **out);
/* An integer in [min, max] as decimal text into out[24] ("" when absent). */
int inv_msg_int(inv_vctx_t *v, const json_t *obj, const char *key, int required, json_int_t min,
                json_int_t max, char out[24]);
/* A boolean as "t" / "f" into *out (NULL when absent). */
int inv_msg_bool(inv_vctx_t *v, const json_t *obj, const char *key, int required, const char **out);
/* An object, or an array (NULL when absent). */
int inv_msg_obj(inv_vctx_t *v, const json_t *obj, const char *key, int required, json_t **out);
int inv_msg_arr(inv_vctx_t *v, const json_t *obj, const char *key, int required, json_t **out);
/* A CPE fault {code 0..INT_MAX, string?}: code as text, string, and the
 * whole object as compact JSON in *detail (caller frees; NULL on error). */
int inv_msg_fault(inv_vctx_t *v, const json_t *fault, char code[24], const char **string,
                  char **detail);

/* s, or NULL when s is NULL or "". */
const char *inv_msg_nz(const char *s);

#endif
