/* inv_msg_cpe: what CPEs ask of the ACS and the file transfers they make,
 * as rows (the inventory's half of issue 3). Pure, like inv_msg.
 *
 * CPE requests (docs/rpc-methods.md, "ACS methods"): each message becomes
 * one CPEREQS row, keyed by its message_id, whose body is the message
 * without its envelope (type, version, message_id, device_id, session_id,
 * received_at, gateway) and with any user:password@ removed from URLs.
 * Every type needs session_id (an id) and takes received_at? (RFC 3339);
 * unknown fields are ignored, a known field of the wrong type is refused:
 *
 *   autonomous.transfer.complete         transfer_url, is_download,
 *       file_type, announce_url?, file_size? >= 0, target_file_name?,
 *       fault?{code, string?}, start_time?, complete_time?
 *       -> also an XFER_AUTO row, and a FAULTS row (method
 *          AutonomousTransferComplete) when fault.code is not 0
 *   du.state.change.complete             results[] (<= 1024), command_key?
 *   autonomous.du.state.change.complete  results[] (<= 1024)
 *       each result an object: uuid?, deployment_unit_ref?, version?,
 *       current_state?, resolved? bool, execution_unit_refs?, start_time?,
 *       complete_time?, operation_performed?, fault?{code, string?}
 *   request.download   file_type, file_type_args?[{name, value?}] (<= 64)
 *   kicked             command?, referer?, arg?, next?
 *
 * Transfers requested by an RPC: an rpc.result of Download, Upload or
 * ScheduleDownload also becomes an XFER_RESULTS row. command_key and
 * transfer {is_download?, file_type?, url?, file_size?, target_file_name?,
 * time_windows?[{window_end}]} are read from the message, or else from its
 * result (either place is accepted); both may be absent. The state:
 *   ok, ScheduleDownload, or result.status 1 (or absent)   pending
 *   ok, result.status 0        completed (result start_time, complete_time)
 *   fault                      failed, fault code and string
 *   failed                     failed, fault_string = reason[: detail]
 */
#ifndef INV_MSG_CPE_H
#define INV_MSG_CPE_H

#include "inv_msg.h"
#include "inv_msg_int.h"

#include <jansson.h>
#include <stddef.h>

/* An rpc.result as inv_msg read it (strings point into the message). */
typedef struct {
    const char *id, *session_id, *method, *status, *completed_at;
    const char *fault_code, *fault_string; /* status fault; else NULL */
    const char *reason, *detail;           /* status failed; may be NULL */
    const json_t *result;                  /* may be NULL */
} inv_rpc_t;

/* 1 for Download, Upload and ScheduleDownload. */
int inv_msg_cpe_is_transfer(const char *method);

/* Append the XFER_RESULTS row of rpc.result m (see above). 0, or -1 with
 * the failure in v (the caller restores the batch). */
int inv_msg_cpe_rpc_transfer(inv_batch_t *b, inv_vctx_t *v, const json_t *m, const inv_head_t *h,
                             const inv_rpc_t *r) __attribute__((warn_unused_result));

/* Validate CPE request m of type t (one of the five above) and append its
 * rows. 0, or -1 with the failure in v. */
int inv_msg_cpe_add(inv_batch_t *b, inv_vctx_t *v, const json_t *m, const inv_head_t *h,
                    inv_msg_type_t t) __attribute__((warn_unused_result));

/* url without the user[:password]@ of its authority, into out (outlen
 * bytes, at least strlen(url) + 1; truncated otherwise). A URL without
 * "scheme://" or without userinfo is copied unchanged. */
void inv_msg_cpe_strip_userinfo(const char *url, char *out, size_t outlen);

#endif
