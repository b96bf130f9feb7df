/* gw_rpcctx: what an RPC's result needs of its request, and the repairs a
 * GetParameterNames result gets (cwmp-reference.md 8, quirk 14).
 *
 * The answer to an RPC may reach another gateway than the one that sent it,
 * so what the result must echo (the command_key, the transfer a Download
 * started, the path a GetParameterNames asked for) travels with the session
 * state as a small JSON object, the context. Passwords never enter it, and
 * URLs lose any user:password@ on the way in.
 *
 * Pure: no I/O, no globals.
 */
#ifndef GW_RPCCTX_H
#define GW_RPCCTX_H

#include <jansson.h>
#include <stddef.h>

/* The context of an RPC of method with params (may be NULL or not an
 * object; bad members are left out, never refused: the codec judges the
 * request). A new JSON object, empty when the result needs nothing:
 *   "command_key": str                 methods that take one ("" if absent)
 *   "transfer": {"is_download", "file_type", "url", "file_size",
 *                "target_file_name"}    Download, Upload, ScheduleDownload
 *   "gpn": {"path", "next_level"}      GetParameterNames
 * Never fails; the caller owns the result. */
json_t *gw_rpcctx_new(const char *method, const json_t *params);

/* Copy command_key and transfer from ctx (may be NULL) into an rpc.result
 * object. */
void gw_rpcctx_apply(json_t *result, const json_t *ctx);

/* url without the user:password@ (or user@) of its authority, into out (n
 * bytes, cut if need be). Anything else is copied as is. */
void gw_rpcctx_strip_url(const char *url, char *out, size_t n);

/* The value of member key of the JSON object in body (len bytes), read
 * without parsing the whole (a message too large to parse): 0 and the text
 * in out (n bytes) if the top-level object has that member and its value is
 * a string without escapes that fits; -1 otherwise (also for a body that is
 * not an object, or is cut). Bounded: one pass, no allocation. */
int gw_rpcctx_peek(const char *body, size_t len, const char *key, char *out, size_t n)
    __attribute__((warn_unused_result));

/* What gw_rpcctx_fix_gpn changed. */
typedef struct {
    int dropped; /* names outside the requested path or level, duplicates */
    int parents; /* missing parent objects added (writable false) */
    int dots;    /* object names the CPE sent without their final '.' */
} gw_gpn_fix_t;

/* Repair a GetParameterNames result body {"parameters": [{"name",
 * "writable"}]} in place for a request of path (may be "") and next_level
 * (quirk 14): an object name without its final '.' gets it when another
 * name lies below it (or it is the requested path); names outside the path
 * (or, with next_level, below its next level) are dropped, duplicates too;
 * missing parent objects down to the path (with next_level, the object a
 * deeper name lies in) are added before their first child, writable false.
 * Counts into *fx (zeroed first). Never fails; a body of another shape is
 * left alone. */
void gw_rpcctx_fix_gpn(json_t *body, const char *path, int next_level, gw_gpn_fix_t *fx);

#endif
