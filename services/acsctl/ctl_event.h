/* ctl_event: one live event from halyard.events as a line for people.
 *
 * Pure: JSON in, text out; nothing blocks. Events are input from the
 * broker: any member may be missing or mistyped.
 */
#ifndef CTL_EVENT_H
#define CTL_EVENT_H

#include <jansson.h>

#include "acs_buf.h"

/* Append "<time> <type> <device_id> <detail>\n" to out for event msg
 * delivered with routing key rkey. The time is the event's own
 * (received_at, completed_at, ended_at), else now; the type is the
 * message's "type", else the routing key without its device id. Known types
 * get a short detail (inform: its event codes and address; rpc.result:
 * method and outcome; session.closed: reason and counts;
 * transfer.complete: command key and fault); others their JSON, cut at 300
 * bytes. Control characters are escaped. */
void ctl_event_line(const json_t *msg, const char *rkey, acs_buf_t *out);

/* The binding key on halyard.events for type and device_id (either may be
 * NULL): "<type>.<device>", "<type>.*", "#.<device>" or "#". Into out[n]. */
void ctl_event_binding(const char *type, const char *device_id, char *out, size_t n);

#endif
