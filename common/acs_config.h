/* acs_config: configuration from environment variables.
 *
 * Each getter reads one variable, validates it, logs the effective value once
 * ("config NAME=value", secrets as ***), and returns 0 or -1 on a bad value
 * (the error is logged; the caller refuses to start). Nothing here blocks.
 */
#ifndef ACS_CONFIG_H
#define ACS_CONFIG_H

#include <stddef.h>

/* String variable; *out points into the environment or at def (not owned).
 * secret != 0 logs the value as ***. Never fails. */
int acs_config_str(const char *name, const char *def, int secret, const char **out);

/* Integer in [min, max]; -1 if the variable is set but not such a number. */
int acs_config_int(const char *name, long def, long min, long max, long *out)
    __attribute__((warn_unused_result));

/* Boolean: 1/0, true/false, yes/no, on/off (any case). */
int acs_config_bool(const char *name, int def, int *out) __attribute__((warn_unused_result));

/* host:port split. "unix:/path" is returned as host="unix:/path", port 0.
 * "[::1]:80" is accepted. host must have room for hostlen bytes. */
int acs_config_hostport(const char *spec, char *host, size_t hostlen, int *port)
    __attribute__((warn_unused_result));

#endif
