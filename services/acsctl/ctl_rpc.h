/* ctl_rpc: from an RPC command line to the `rpc` message.
 *
 * Pure: command line in, JSON out (the upload URL takes the time from the
 * caller). Nothing blocks. Field names and bounds are those of
 * docs/rpc-methods.md; what is checked here is refused before anything is
 * queued (usage error), the rest is the gateway's to refuse.
 */
#ifndef CTL_RPC_H
#define CTL_RPC_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "acs_buf.h"
#include "ctl.h"

/* What building one device's RPC needs besides the command line. */
typedef struct {
    const char *device_id;   /* a valid escaped id */
    const char *rpc_id;      /* "acsctl-<uuid>": default command keys derive from it */
    const ctl_config_t *cfg; /* files_url, files_secret for download --file / upload */
    int64_t now;             /* Unix seconds: upload URLs expire from now */
    const char *file_type;   /* download --file: the catalogue's file type, or NULL */
    long long file_size;     /* download --file: the catalogue's size, or -1 */
} ctl_rpc_env_t;

/* Build the method (static string) and params (new reference) of RPC
 * command cl->cmd with its arguments args[0..nargs) (what follows DEVICE).
 * Returns 0, or -1 with the reason in err (usage error: wrong count of
 * arguments, malformed name, a value not of its type, a key too long...). */
int ctl_rpc_build(const ctl_cmdline_t *cl, const char *const *args, int nargs,
                  const ctl_rpc_env_t *env, const char **method, json_t **params, char *err,
                  size_t errlen) __attribute__((warn_unused_result));

/* A new RPC id "acsctl-<uuid>" into out[64]. */
void ctl_rpc_new_id(char out[64]);

/* The `rpc` message body (rpc-request.schema.json), message_id = rpc_id;
 * reply_to may be NULL. Returns a malloc'd JSON string (caller frees). */
char *ctl_rpc_message(const char *rpc_id, const char *device_id, const char *method,
                      const json_t *params, const char *reply_to);

#endif
