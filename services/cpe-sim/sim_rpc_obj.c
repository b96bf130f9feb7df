/* sim_rpc_obj: AddObject and DeleteObject (cwmp-reference.md 3.2) on a
 * device's tables. See sim_rpc_int.h for the handler contract.
 *
 * Faults: an ObjectName without its final '.', or naming something that is
 * not a table (AddObject) or a table's instance (DeleteObject): 9003; a
 * name the device does not have (an instance already deleted...): 9005; a
 * table the model makes read-only (Hosts, deployment units, which only the
 * CPE itself changes): 9001 Request denied; a full table: 9004. The
 * ParameterKey changes only on success, as for SetParameterValues.
 */
#include "sim_rpc_int.h"

#include <stdlib.h>
#include <string.h>

/* Read ObjectName and ParameterKey, and resolve the object. 0 with *ref,
 * *key (owned) set, or a fault code. */
static int obj_args(const sim_device_t *d, xmlNodePtr rpc, sim_ref_t *ref, char **key)
{
    char *name = sim_soap_text(sim_soap_child(rpc, "ObjectName"));
    size_t len = strlen(name);
    int rc = sim_rpc_parameter_key(rpc, key);

    if (rc == 0 && (len == 0 || name[len - 1] != '.' || len > SIM_NAME_MAX))
        rc = 9003;
    else if (rc == 0 && sim_device_tree_find(d, name, ref) != 0)
        rc = 9005;
    free(name);
    if (rc != 0) {
        free(*key);
        *key = NULL;
    }
    return rc;
}

int sim_rpc_obj_add(sim_device_t *d, xmlNodePtr rpc, acs_buf_t *body)
{
    sim_ref_t ref;
    char *key = NULL;
    uint32_t inst;
    int rc = obj_args(d, rpc, &ref, &key);
    const sim_param_t *p = rc == 0 ? sim_model_param(sim_device_model(d), ref.idx) : NULL;

    if (rc != 0)
        return rc;
    if (!(p->flags & SIM_P_TABLE) || ref.inst != 0)
        rc = 9003;
    else if (!(p->flags & SIM_P_WRITABLE))
        rc = 9001;
    else if (sim_device_tree_add(d, ref.idx, &inst) != 0)
        rc = 9004;
    if (rc == 0) {
        sim_rpc_set_parameter_key(d, key);
        acs_buf_printf(body,
                       "<cwmp:AddObjectResponse><InstanceNumber>%u</InstanceNumber>"
                       "<Status>0</Status></cwmp:AddObjectResponse>",
                       (unsigned)inst);
    }
    free(key);
    return rc;
}

/* 1 if ref is an instance object of a table: an added one ("X.{i}." with
 * its number) or a static one ("X.3." whose parent is a table). */
static int is_instance(const sim_device_t *d, sim_ref_t ref)
{
    const sim_model_t *m = sim_device_model(d);
    const sim_param_t *p = sim_model_param(m, ref.idx);
    if (ref.inst != 0)
        return sim_model_is_template(p);
    return p->type == SIM_T_OBJECT && p->parent != SIM_NONE &&
           (sim_model_param(m, p->parent)->flags & SIM_P_TABLE);
}

int sim_rpc_obj_delete(sim_device_t *d, xmlNodePtr rpc, acs_buf_t *body)
{
    sim_ref_t ref;
    char *key = NULL;
    int rc = obj_args(d, rpc, &ref, &key);

    if (rc != 0)
        return rc;
    if (!is_instance(d, ref))
        rc = 9003;
    else if (!(sim_model_param(sim_device_model(d), ref.idx)->flags & SIM_P_WRITABLE))
        rc = 9001;
    else if (sim_device_tree_delete(d, ref) != 0)
        rc = 9002; /* is_instance said it is one: cannot happen */
    if (rc == 0) {
        sim_rpc_set_parameter_key(d, key);
        acs_buf_puts(body, "<cwmp:DeleteObjectResponse><Status>0</Status>"
                           "</cwmp:DeleteObjectResponse>");
    }
    free(key);
    return rc;
}
