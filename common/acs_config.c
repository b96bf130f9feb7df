/* acs_config: see acs_config.h. */
#include "acs_config.h"
#include "acs_log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void log_effective(const char *name, const char *value, int secret)
{
    acs_info("config %s=%s", name, secret && value && *value ? "***" : (value ? value : ""));
}

int acs_config_str(const char *name, const char *def, int secret, const char **out)
{
    const char *v = getenv(name);
    *out = (v && *v) ? v : def;
    log_effective(name, *out, secret);
    return 0;
}

int acs_config_int(const char *name, long def, long min, long max, long *out)
{
    const char *v = getenv(name);
    char *end;
    long n;

    if (!v || !*v) {
        *out = def;
        acs_info("config %s=%ld", name, def);
        return 0;
    }
    errno = 0;
    n = strtol(v, &end, 10);
    if (errno || *end || n < min || n > max) {
        acs_error("config %s=%s is not a whole number in [%ld, %ld]", name, v, min, max);
        return -1;
    }
    *out = n;
    acs_info("config %s=%ld", name, n);
    return 0;
}

int acs_config_bool(const char *name, int def, int *out)
{
    static const char *const yes[] = {"1", "true", "yes", "on"};
    static const char *const no[] = {"0", "false", "no", "off"};
    const char *v = getenv(name);

    if (!v || !*v) {
        *out = def;
        acs_info("config %s=%s", name, def ? "true" : "false");
        return 0;
    }
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0 || strcasecmp(v, no[i]) == 0) {
            *out = strcasecmp(v, yes[i]) == 0;
            acs_info("config %s=%s", name, *out ? "true" : "false");
            return 0;
        }
    }
    acs_error("config %s=%s is not a boolean (true/false)", name, v);
    return -1;
}

int acs_config_hostport(const char *spec, char *host, size_t hostlen, int *port)
{
    const char *colon;
    size_t n;
    char *end;
    long p;

    if (strncmp(spec, "unix:", 5) == 0) {
        if (strlen(spec) >= hostlen || spec[5] == '\0')
            return -1;
        strcpy(host, spec);
        *port = 0;
        return 0;
    }
    if (spec[0] == '[') {
        const char *close = strchr(spec, ']');
        if (!close || close[1] != ':')
            return -1;
        n = (size_t)(close - spec - 1);
        if (n == 0 || n >= hostlen)
            return -1;
        memcpy(host, spec + 1, n);
        host[n] = '\0';
        colon = close + 1;
    } else {
        colon = strrchr(spec, ':');
        if (!colon)
            return -1;
        n = (size_t)(colon - spec);
        if (n == 0 || n >= hostlen)
            return -1;
        memcpy(host, spec, n);
        host[n] = '\0';
    }
    p = strtol(colon + 1, &end, 10);
    if (*end || colon[1] == '\0' || p < 0 || p > 65535)
        return -1;
    *port = (int)p;
    return 0;
}
