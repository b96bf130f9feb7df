/* ctl_check: checks on what the operator typed: parameter paths, typed
 * values, tags, method names, event types.
 *
 * Pure: no I/O, nothing blocks. Every check writes a one-line reason into
 * err, which acsctl prints as is before exiting with CTL_EXIT_USAGE.
 */
#ifndef CTL_CHECK_H
#define CTL_CHECK_H

#include <stddef.h>

/* Longest parameter name or path (TR-069 string(256)). */
#define CTL_NAME_MAX 256
/* Longest ParameterKey / CommandKey (TR-069 string(32)). */
#define CTL_KEY_MAX 32
/* Longest value given to set (the schema's bound). */
#define CTL_VALUE_MAX 65536

/* What a name must look like. */
typedef enum {
    CTL_NAME_ANY,      /* a parameter or a partial path ending in '.' */
    CTL_NAME_PARAM,    /* a parameter: must not end in '.' */
    CTL_NAME_TABLE,    /* AddObject: a table path, ends in '.', last part not a number */
    CTL_NAME_INSTANCE, /* DeleteObject: an instance, ends in "<number>." */
} ctl_name_kind_t;

/* Check a parameter name or path: 1..CTL_NAME_MAX printable ASCII
 * characters without spaces, no empty part ("a..b", leading '.'), and the
 * shape of kind. CTL_NAME_ANY also takes "" (the root of the data model).
 * Returns 0, or -1 with the reason in err. */
int ctl_check_name(const char *name, ctl_name_kind_t kind, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* The xsd type name without prefix ("unsignedInt") if t is one acsctl and
 * the gateway know, with or without "xsd:", else NULL. */
const char *ctl_value_type(const char *t);

/* Check that the len bytes at value fit type (a name from ctl_value_type):
 * int ranges, boolean true/false/1/0 (any case), dateTime, base64,
 * hexBinary, decimal; any text up to CTL_VALUE_MAX for string. 0, or -1
 * with the reason in err. */
int ctl_check_value(const char *type, const char *value, size_t len, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* One "NAME=VALUE[:TYPE]" of set. The type suffix is taken only if what
 * follows the last ':' is a known type (so "http://x:80/" stays a value);
 * without one the type is "string". */
typedef struct {
    char name[CTL_NAME_MAX + 1];
    const char *value; /* points into spec */
    size_t value_len;
    const char *type; /* static: "string", "unsignedInt"... */
} ctl_setval_t;

/* Split and check spec (name with CTL_NAME_PARAM, value with its type).
 * 0, or -1 with the reason in err. */
int ctl_parse_setval(const char *spec, ctl_setval_t *out, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* 1 if tag is a valid tag (^[A-Za-z0-9_.:-]{1,64}$, as device_tags checks). */
int ctl_tag_valid(const char *tag);

/* 1 if method is a standard TR-069 CPE method or a vendor method
 * (^X_[A-Za-z0-9]+_[A-Za-z0-9_]+$, at most 64 characters). */
int ctl_method_valid(const char *method);

/* 1 if type is an event type for events --type / routing keys: 1..64 of
 * [a-z0-9_.] with no empty part. */
int ctl_event_type_valid(const char *type);

#endif
