/* ctl_query: the SQL acsctl sends, built from what the operator typed.
 *
 * Pure: strings in, SQL text and parameter lists out; every value typed by
 * the operator is a $n parameter, never spliced into the SQL. Nothing
 * blocks.
 */
#ifndef CTL_QUERY_H
#define CTL_QUERY_H

#include <stddef.h>

#include "acs_buf.h"
#include "ctl.h"

/* Most parameters one statement takes. */
#define CTL_QUERY_MAX_PARAMS 128

/* Parameters of a statement: owned copies. */
typedef struct {
    char *v[CTL_QUERY_MAX_PARAMS];
    int n;
} ctl_qparams_t;

/* Append a copy of s (NULL for SQL NULL); returns its $ number. */
int ctl_qparams_add(ctl_qparams_t *p, const char *s);
/* Free the copies; p is left empty. */
void ctl_qparams_free(ctl_qparams_t *p);

/* Append to sql the conditions of f on the devices table aliased "d", each
 * as " AND ...", with their values in p. Checks the values (tags, --param
 * NAME=VALUE). Returns 0, or -1 with the reason in err (usage error). */
int ctl_query_filter(const ctl_filter_t *f, acs_buf_t *sql, ctl_qparams_t *p, char *err,
                     size_t errlen) __attribute__((warn_unused_result));

/* A shell glob (* any run, ? one character) as a LIKE pattern with escape
 * character '!' (use "LIKE $n ESCAPE '!'"): %, _ and ! are escaped. */
void ctl_query_glob_to_like(const char *glob, acs_buf_t *out);

/* A literal prefix as a LIKE pattern matching everything that starts with
 * it (escape character '!'). */
void ctl_query_prefix_like(const char *prefix, acs_buf_t *out);

/* The devices list: columns device_id, product_class, software_version,
 * last_seen (ISO UTC), age in seconds, last_inform_addr, tags
 * (comma-separated), oui, serial_number, manufacturer, hardware_version.
 * limit < 0: no limit. Same return as ctl_query_filter. */
int ctl_query_devices(const ctl_filter_t *f, long limit, acs_buf_t *sql, ctl_qparams_t *p,
                      char *err, size_t errlen) __attribute__((warn_unused_result));

/* Only the device ids of the devices f selects, in id order. */
int ctl_query_device_ids(const ctl_filter_t *f, long limit, acs_buf_t *sql, ctl_qparams_t *p,
                         char *err, size_t errlen) __attribute__((warn_unused_result));

/* A timestamptz as PostgreSQL prints it with DateStyle ISO and TimeZone UTC
 * (ctl_db sets both: "2024-05-01 10:00:03.412345+00") as RFC 3339 to the
 * second ("2024-05-01T10:00:03Z") into out[n] (32 bytes are enough). Other
 * offsets are kept ("+02:00"); text of another shape is copied as is.
 * Returns out. */
char *ctl_query_iso_time(const char *pg, char *out, size_t n);

#endif
