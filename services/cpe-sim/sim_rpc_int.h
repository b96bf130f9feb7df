/* sim_rpc_int: what the files answering the ACS's RPCs share: sim_rpc.c
 * (dispatch, Inform, GetRPCMethods, Reboot, FactoryReset, the vendor
 * method), sim_rpc_param.c (Get/SetParameterValues, GetParameterNames),
 * sim_rpc_attr.c (Get/SetParameterAttributes) and sim_rpc_obj.c
 * (AddObject, DeleteObject). Nothing else includes it.
 *
 * Every handler appends the Body content of its response to body and
 * returns 0, or returns a CWMP fault code and appends nothing useful (the
 * dispatcher discards body then).
 */
#ifndef SIM_RPC_INT_H
#define SIM_RPC_INT_H

#include "sim_rpc.h"

/* Most entries one GetParameterValues, GetParameterNames or
 * GetParameterAttributes answer may list (9004 above): bounds what a
 * hostile request ("" a thousand times) can make the simulator build. */
#define SIM_RPC_MAX_RESULTS 65536

/* SetParameterValues faults, kept for the fault envelope. */
typedef struct {
    sim_spv_fault_t *f; /* names owned */
    size_t n;
} sim_rpc_faults_t;

void sim_rpc_faults_free(sim_rpc_faults_t *f);

/* Expand every element of list (ParameterNames: names or partial paths)
 * into refs, in request order. 0, 9004 (too many names or results) or 9005
 * (unknown name). */
int sim_rpc_expand_names(const sim_device_t *d, xmlNodePtr list, sim_refs_t *refs);

int sim_rpc_param_gpv(sim_device_t *d, xmlNodePtr rpc, acs_buf_t *body);
int sim_rpc_param_gpn(sim_device_t *d, xmlNodePtr rpc, acs_buf_t *body);
int sim_rpc_param_spv(sim_device_t *d, xmlNodePtr rpc, acs_buf_t *body, sim_rpc_faults_t *f);

/* cwmp_minor: N of the request's CWMP 1.N (Notification 3..6 need 4). */
int sim_rpc_attr_gpa(sim_device_t *d, xmlNodePtr rpc, acs_buf_t *body);
int sim_rpc_attr_spa(sim_device_t *d, xmlNodePtr rpc, int cwmp_minor, acs_buf_t *body);

int sim_rpc_obj_add(sim_device_t *d, xmlNodePtr rpc, acs_buf_t *body);
int sim_rpc_obj_delete(sim_device_t *d, xmlNodePtr rpc, acs_buf_t *body);

/* <tag>text</tag> with text escaped. */
void sim_rpc_put_element(acs_buf_t *b, const char *tag, const char *text);

/* One ParameterValueStruct of ref with its wire value (secrets empty); tmp
 * is scratch space. */
void sim_rpc_put_pvs(acs_buf_t *b, const sim_device_t *d, sim_ref_t ref, acs_buf_t *tmp);

/* xsd:boolean as CWMP sends it: true/false/1/0, any case; 1, 0 or -1. */
int sim_rpc_parse_bool(const char *s);

/* The ParameterKey argument of rpc (raw text, string(32), may be absent =
 * ""): a new string into *key, or 9003 if it is too long (then *key is
 * NULL). */
int sim_rpc_parameter_key(xmlNodePtr rpc, char **key);

/* ManagementServer.ParameterKey := key (after a successful change). */
void sim_rpc_set_parameter_key(sim_device_t *d, const char *key);

#endif
