/* acs_log: one line per event on stderr, text or JSON.
 *
 * The level is checked before anything is formatted, so a disabled debug line
 * costs one comparison. Context (device=, session=) is passed as key/value
 * pairs by the caller; never pass a password, an Authorization header or a
 * secret parameter value.
 *
 * Format (ACS_LOG_FORMAT=text, the default):
 *   2026-11-22T03:16:20.123Z info acs-gateway: session started device=X session=Y
 * Format (ACS_LOG_FORMAT=json):
 *   {"ts":"...","level":"info","svc":"acs-gateway","msg":"session started","device":"X",...}
 */
#ifndef ACS_LOG_H
#define ACS_LOG_H

#include <stdarg.h>

typedef enum {
    ACS_LOG_DEBUG = 0,
    ACS_LOG_INFO = 1,
    ACS_LOG_WARN = 2,
    ACS_LOG_ERROR = 3,
} acs_log_level_t;

/* The current threshold; read it through acs_log_enabled(). */
extern acs_log_level_t acs_log_threshold;

/* Set the service name, and read ACS_LOG_LEVEL / ACS_LOG_FORMAT from the
 * environment. Returns 0, or -1 if a variable holds an unknown value (the
 * default is kept and a warning logged). Call once at start-up. */
int acs_log_init(const char *service);

#define acs_log_enabled(lvl) ((lvl) >= acs_log_threshold)

/* Log msg with printf-style formatting. Thread-safe; one write(2) per line. */
void acs_log_write(acs_log_level_t lvl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Log msg with context fields: kv is a NULL-terminated list of key, value
 * pairs (values may be NULL, then the pair is skipped). In text format they
 * are appended as key=value (values with spaces are quoted); in JSON they are
 * fields. Example: acs_log_kv(ACS_LOG_INFO, "session started",
 *                  "device", id, "session", sid, NULL); */
void acs_log_kv(acs_log_level_t lvl, const char *msg, ...);

#define acs_debug(...)                                                                             \
    do {                                                                                           \
        if (acs_log_enabled(ACS_LOG_DEBUG))                                                        \
            acs_log_write(ACS_LOG_DEBUG, __VA_ARGS__);                                             \
    } while (0)
#define acs_info(...)                                                                              \
    do {                                                                                           \
        if (acs_log_enabled(ACS_LOG_INFO))                                                         \
            acs_log_write(ACS_LOG_INFO, __VA_ARGS__);                                              \
    } while (0)
#define acs_warn(...) acs_log_write(ACS_LOG_WARN, __VA_ARGS__)
#define acs_error(...) acs_log_write(ACS_LOG_ERROR, __VA_ARGS__)

#endif
