/* sim_rpc: what a simulated CPE says. Builds its Inform, and answers the RPCs
 * an ACS sends against one device: the data-model methods here
 * (Get/SetParameterValues, GetParameterNames, Get/SetParameterAttributes,
 * AddObject, DeleteObject), Reboot, FactoryReset, GetRPCMethods and the
 * vendor method X_<OUI>_Echo; the transfer methods are passed to sim_xfer
 * (sim_xfer_method); anything else is fault 9000.
 *
 * Pure: a parsed message and a device in, an envelope out; nothing blocks.
 * Semantics follow cwmp-reference.md 3.2; faults are answers, never errors.
 */
#ifndef SIM_RPC_H
#define SIM_RPC_H

#include <stdint.h>

#include "acs_buf.h"
#include "sim_device.h"
#include "sim_soap.h"

/* Most names (or structs) in one Get/SetParameterValues or Get/SetParameterAttributes
 * request (9004 above). */
#define SIM_RPC_MAX_NAMES 4096

/* What an answered RPC asks the session to do after it ends. */
typedef struct {
    int reboot;                                /* a Reboot was accepted */
    char command_key[SIM_COMMAND_KEY_MAX + 1]; /* its CommandKey */
    int factory_reset;                         /* a FactoryReset was accepted */
} sim_rpc_effects_t;

/* Inform inputs that are not the device's. */
typedef struct {
    const char *ns;      /* cwmp namespace URI to use */
    int cwmp_minor;      /* N of CWMP 1.N: SessionTimeout from 3, versions from 4 */
    const char *id;      /* cwmp:ID */
    int session_timeout; /* seconds, sent from CWMP 1.3 */
    int64_t now_wall_ms; /* CurrentTime */
} sim_inform_opts_t;

/* Append a whole Inform envelope for d to out: DeviceId from the model
 * identity and d's serial, d's pending events, RetryCount, and in the
 * ParameterList the forced-inform parameters followed by the value changes
 * waiting to be reported (sim_device_attr_pending); secrets empty. */
void sim_rpc_inform(const sim_device_t *d, const sim_inform_opts_t *o, acs_buf_t *out);

/* Answer the ACS request req (kind SIM_SOAP_REQUEST) on d: append the whole
 * response envelope (or fault envelope) to out, in req's namespace (or
 * default_ns if it had none) with req's cwmp:ID echoed. A successful
 * SetParameterValues, SetParameterAttributes, AddObject or DeleteObject
 * changes d. Returns 0 if answered with a response, or the CWMP fault code
 * sent instead (9000, 9003, 9005...). fx is reset, then filled for a Reboot
 * or a FactoryReset (the caller applies them when the session ends). */
int sim_rpc_handle(sim_device_t *d, const sim_soap_msg_t *req, const char *default_ns,
                   acs_buf_t *out, sim_rpc_effects_t *fx);

/* The vendor method devices of model m answer: "X_<OUI>_Echo" (the
 * model's OUI, --oui included) into name (cap bytes). Its response
 * X_<OUI>_EchoResponse carries the request's children unchanged. */
void sim_rpc_vendor_method(const sim_model_t *m, char *name, size_t cap);

#endif
