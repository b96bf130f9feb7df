/* sim_xfer_apply: what a simulated CPE does with the files it transfers.
 * Downloads: a firmware image ("cpe-sim firmware <version>\n" first line)
 * sets DeviceInfo.SoftwareVersion and reboots; a configuration file (the
 * JSON of sim_device_config_export) is imported and reboots; other types
 * are accepted and dropped. Uploads: the configuration JSON or a short
 * generated log. And the TransferComplete / AutonomousTransferComplete
 * that reports a finished transfer. Pure: nothing blocks.
 */
#ifndef SIM_XFER_APPLY_H
#define SIM_XFER_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include "acs_buf.h"
#include "sim_fetch.h"
#include "sim_xfer_int.h"

/* Longest firmware version taken from an image header. */
#define SIM_XFER_VERSION_MAX 64

/* Parse the first line "cpe-sim firmware <version>\n" of an image into
 * version (cap bytes): printable, no blanks, 1..SIM_XFER_VERSION_MAX
 * bytes. 0, or -1 if the image has no such line. */
int sim_xfer_parse_firmware(const char *data, size_t len, char *version, size_t cap);

/* Apply a downloaded file (len bytes) of type file_type to d, after
 * checking its size against file_size (0 = unknown): fewer bytes 9017,
 * more 9018. Firmware without its header line, or a configuration that is
 * not one sim_device_config_import takes: 9018. Returns 0 or the fault
 * code, with a reason in fs (fslen bytes); *reboot is 1 when the device
 * restarted (uptime restarts, "1 BOOT" is raised). */
int sim_xfer_apply_download(sim_device_t *d, const char *file_type, uint64_t file_size,
                            const char *data, size_t len, int *reboot, char *fs, size_t fslen);

/* Append to out what an Upload of file_type sends: configuration types
 * ("1 ..." and "3 ...") the sim_device_config_export JSON, other types a
 * generated log text; *content_type says which. */
void sim_xfer_upload_body(sim_device_t *d, const char *file_type, acs_buf_t *out,
                          const char **content_type);

/* Restart d without an "M Reboot": uptime restarts, "1 BOOT" is raised. */
void sim_xfer_device_boot(sim_device_t *d);

/* Fill *r with the report of finished transfer job j: a TransferComplete
 * ("M Download"/"M Upload"/"M ScheduleDownload" event, CommandKey, fault,
 * times) or, for an autonomous download, an AutonomousTransferComplete
 * with bytes as FileSize. fs is the FaultString (NULL or "": the standard
 * text of fault). */
void sim_xfer_make_report(const sim_job_t *j, int fault, const char *fs, int64_t start_ms,
                          int64_t end_ms, uint64_t bytes, sim_req_t *r);

/* The CWMP fault of a failed fetch: no contact 9015, authentication 9012,
 * broken off 9017 (download) / 9011 (upload), a bad status or too large
 * 9010 / 9011; 0 for SIM_FETCH_OK. */
int sim_xfer_fetch_fault(int is_download, sim_fetch_outcome_t outcome);

#endif
