/* sim_state: a device's state between cpe-sim runs (--state-dir), so that a
 * second run continues the same CPE: its configuration (the values it
 * changed, as sim_device_config_export makes it), its pending events (after
 * a Reboot: "1 BOOT" + "M Reboot"), its RetryCount, and its transfer state
 * (queued transfers, scheduled informs, pending CPE requests such as a
 * TransferComplete, deployment units: sim_xfer_to_json).
 *
 * One file per device, DIR/<serial>.json:
 *   {"serial": "SIM000001",
 *    "config": {"values": {"Device.ManagementServer.ParameterKey": "k1"}},
 *    "events": [{"code": "M Reboot", "command_key": "r1"}], "retry_count": 0,
 *    "value_changes": ["Device.DeviceInfo.SoftwareVersion"], "xfer": {...}}
 * ("value_changes": changed parameters waiting for the next Inform with
 * "4 VALUE CHANGE"; "xfer" only when there is some). Files of earlier versions, with
 * "values" at the top level, are read too. Written to a temporary file and
 * renamed, mode 0600 (values and transfer passwords may be secrets). These
 * calls do blocking file I/O on small files.
 */
#ifndef SIM_STATE_H
#define SIM_STATE_H

#include <stddef.h>

#include "sim_device.h"

/* 1 if serial is usable as a file name ([A-Za-z0-9_.-], not starting with
 * '.', at most 64 bytes). */
int sim_state_serial_ok(const char *serial);

/* Flags sim_state_load reports. */
#define SIM_STATE_FOUND 0x1u /* the file existed */
#define SIM_STATE_XFER 0x2u  /* it held transfer state: sim_device_xfer(d) now has it */

/* Load DIR/<serial>.json into d (a fresh device); *flags tells what was
 * found. Returns 0, or -1 with a reason in err if it exists but cannot be
 * read or is not a state file. A configuration sim_device_config_import
 * refuses (the model may have changed between runs) is applied value by
 * value instead, skipping unknown parameters and values of the wrong type
 * with a warning; malformed transfer entries are skipped likewise. */
int sim_state_load(const char *dir, sim_device_t *d, unsigned *flags, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Save d's state to DIR/<serial>.json, with x (d's transfer state, NULL
 * if it has none: sim_device_xfer would create one). 0, or -1 with a
 * reason in err. */
int sim_state_save(const char *dir, const sim_device_t *d, const sim_xfer_t *x, char *err,
                   size_t errlen) __attribute__((warn_unused_result));

#endif
