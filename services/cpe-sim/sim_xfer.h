/* sim_xfer: what a simulated CPE does beyond its data model: file transfers
 * (Download, Upload, ScheduleDownload, really over HTTP), deployment units
 * (ChangeDUState), scheduled informs, and the requests it makes of the ACS
 * (TransferComplete, AutonomousTransferComplete, DUStateChangeComplete,
 * RequestDownload, Kicked...).
 *
 * Per-device state (sim_xfer_t) hangs off the device (sim_device_xfer).
 * The RPC side (sim_xfer_handle) is pure: it queues work and answers. The
 * session and the fleet drive the rest: they ask for the next CPE request to
 * send after InformResponse, and run due transfers between sessions.
 */
#ifndef SIM_XFER_H
#define SIM_XFER_H

#include <libxml/tree.h>

#include "acs_buf.h"

typedef struct sim_device sim_device_t;
typedef struct sim_xfer sim_xfer_t;

/* New, empty per-device state. Never NULL. */
sim_xfer_t *sim_xfer_new(void);

/* Free; accepts NULL. */
void sim_xfer_free(sim_xfer_t *x);

/* Factory reset: forget queued transfers, scheduled informs and requests. */
void sim_xfer_reset(sim_xfer_t *x);

/* 1 if method is answered by sim_xfer_handle. */
int sim_xfer_method(const char *method);

/* Answer the ACS request method (rpc: its element) for device d: append the
 * response element (e.g. <cwmp:DownloadResponse>...</cwmp:DownloadResponse>)
 * to body and return 0, or return a CWMP fault code (9000..9032) and append
 * nothing. Never blocks: transfers are queued, not run. */
int sim_xfer_handle(sim_device_t *d, const char *method, xmlNodePtr rpc, acs_buf_t *body);

#endif
