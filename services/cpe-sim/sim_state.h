/* sim_state: a device's state between cpe-sim runs (--state-dir), so that a
 * second run continues the same CPE: the values it changed, its pending
 * events (after a Reboot: "1 BOOT" + "M Reboot") and its RetryCount.
 *
 * One file per device, DIR/<serial>.json:
 *   {"serial": "SIM000001", "values": {"Device.ManagementServer.ParameterKey": "k1"},
 *    "events": [{"code": "M Reboot", "command_key": "r1"}], "retry_count": 0}
 * Written to a temporary file and renamed, mode 0600 (values may be
 * secrets). These calls do blocking file I/O on small files.
 */
#ifndef SIM_STATE_H
#define SIM_STATE_H

#include <stddef.h>

#include "sim_device.h"

/* 1 if serial is usable as a file name ([A-Za-z0-9_.-], not starting with
 * '.', at most 64 bytes). */
int sim_state_serial_ok(const char *serial);

/* Load DIR/<serial>.json into d (a fresh device). *found is 1 if the file
 * existed. Returns 0, or -1 with a reason in err if it exists but cannot be
 * read or is not a state file. Values of unknown parameters or of the wrong
 * type are skipped (the model may have changed between runs). */
int sim_state_load(const char *dir, sim_device_t *d, int *found, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Save d's state to DIR/<serial>.json. 0, or -1 with a reason in err. */
int sim_state_save(const char *dir, const sim_device_t *d, char *err, size_t errlen)
    __attribute__((warn_unused_result));

#endif
