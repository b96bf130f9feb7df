/* ctl_result: an `rpc.result` (rpc-result.schema.json) as the operator
 * reads it, and the exit code it means.
 *
 * Pure: JSON in, text out. Nothing blocks. Results are input from the
 * broker: any member may be missing or of another type, and unknown
 * methods and result shapes are printed generically.
 */
#ifndef CTL_RESULT_H
#define CTL_RESULT_H

#include <jansson.h>
#include <stddef.h>

#include "acs_buf.h"

/* CTL_EXIT_OK for status "ok", CTL_EXIT_FAILED otherwise (fault, failed,
 * or anything unknown). */
int ctl_result_exit_code(const json_t *result);

/* Append a readable rendering to out: tables for parameter, name and
 * attribute lists and transfers; "ok" and the scalar members otherwise;
 * the fault code and string and each SetParameterValuesFault; the failure
 * reason and detail. */
void ctl_result_render(const json_t *result, acs_buf_t *out);

/* One line: "ok", "fault 9005 Invalid parameter name", "failed: timeout
 * (detail)" into out[n]. */
void ctl_result_summary(const json_t *result, char *out, size_t n);

#endif
