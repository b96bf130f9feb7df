/* sim_value: the CWMP parameter types (xsd names, cwmp-reference.md 2.3) and
 * checking a value against its type, as SetParameterValues, model loading
 * and saved state need it. Pure; nothing blocks.
 */
#ifndef SIM_VALUE_H
#define SIM_VALUE_H

#include "acs_buf.h"

/* Parameter types: the xsd names CWMP uses (cwmp-reference.md 2.3). */
typedef enum {
    SIM_T_STRING = 0,
    SIM_T_INT,
    SIM_T_UNSIGNED_INT,
    SIM_T_LONG,
    SIM_T_UNSIGNED_LONG,
    SIM_T_BOOLEAN,
    SIM_T_DATETIME,
    SIM_T_BASE64,
    SIM_T_HEXBINARY,
    SIM_T_OBJECT, /* an object (name ends in '.'); has no value */
} sim_type_t;

/* Longest value accepted from a model, a state file or SetParameterValues. */
#define SIM_VALUE_MAX 4096

/* "xsd:unsignedInt"... for a type (objects: "object"). */
const char *sim_type_name(sim_type_t t);

/* The type named s ("xsd:int", also without the "xsd:" prefix); 0 or -1. */
int sim_type_parse(const char *s, sim_type_t *out) __attribute__((warn_unused_result));

/* Check value against type t and append its canonical form to out (numbers
 * and booleans trimmed of blanks, booleans lower-cased; strings unchanged).
 * Returns 0, or -1 if the value is not of the type (out is then unchanged
 * in content, length restored). */
int sim_value_check(sim_type_t t, const char *value, acs_buf_t *out)
    __attribute__((warn_unused_result));

#endif
