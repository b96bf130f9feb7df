/* ctl_event: see ctl_event.h. */
#include "ctl_event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acs_util.h"
#include "ctl_result.h"
#include "ctl_table.h"

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static void inform_detail(const json_t *m, acs_buf_t *d)
{
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(m, "events"), i, e)
    {
        acs_buf_printf(d, "%s%s", i ? ", " : "", str(e, "code"));
        if (*str(e, "command_key"))
            acs_buf_printf(d, " [%s]", str(e, "command_key"));
    }
    if (*str(m, "remote_addr"))
        acs_buf_printf(d, " from %s", str(m, "remote_addr"));
}

static void detail(const char *type, const json_t *m, acs_buf_t *d)
{
    char line[512];
    if (strcmp(type, "inform") == 0) {
        inform_detail(m, d);
    } else if (strcmp(type, "rpc.result") == 0) {
        ctl_result_summary(m, line, sizeof line);
        acs_buf_printf(d, "%s %s id=%s", str(m, "method"), line, str(m, "id"));
    } else if (strcmp(type, "session.closed") == 0) {
        acs_buf_printf(d, "%s rpcs=%" JSON_INTEGER_FORMAT " faults=%" JSON_INTEGER_FORMAT,
                       str(m, "reason"), json_integer_value(json_object_get(m, "rpcs")),
                       json_integer_value(json_object_get(m, "faults")));
    } else if (strcmp(type, "transfer.complete") == 0) {
        const json_t *f = json_object_get(m, "fault");
        json_int_t code = json_integer_value(json_object_get(f, "code"));
        acs_buf_printf(d, "key=%s ", str(m, "command_key"));
        if (code)
            acs_buf_printf(d, "fault %" JSON_INTEGER_FORMAT " %s", code, str(f, "string"));
        else
            acs_buf_puts(d, "ok");
    } else {
        char *s = json_dumps(m, JSON_COMPACT | JSON_PRESERVE_ORDER);
        acs_buf_printf(d, "%.300s", s ? s : "");
        free(s);
    }
}

void ctl_event_line(const json_t *msg, const char *rkey, acs_buf_t *out)
{
    static const char *const times[] = {"received_at", "completed_at", "ended_at", NULL};
    const char *type = str(msg, "type"), *when = "", *dev = str(msg, "device_id");
    char now[32], rtype[256];
    acs_buf_t d = ACS_BUF_INIT;

    for (int i = 0; times[i] && !*when; i++)
        when = str(msg, times[i]);
    if (!*when)
        when = acs_iso8601(acs_now_wall_ms(), now);
    if (!*type) { /* the routing key minus its last word (the device id) */
        const char *dot = rkey ? strrchr(rkey, '.') : NULL;
        snprintf(rtype, sizeof rtype, "%.*s", dot ? (int)(dot - rkey) : 0, rkey ? rkey : "");
        type = rtype[0] ? rtype : "?";
    }
    detail(type, msg, &d);
    ctl_table_escape(out, when);
    acs_buf_puts(out, " ");
    ctl_table_escape(out, type);
    acs_buf_puts(out, " ");
    ctl_table_escape(out, dev);
    acs_buf_puts(out, " ");
    ctl_table_escape(out, d.data ? d.data : "");
    acs_buf_puts(out, "\n");
    acs_buf_free(&d);
}

void ctl_event_binding(const char *type, const char *device_id, char *out, size_t n)
{
    if (type && device_id)
        snprintf(out, n, "%s.%s", type, device_id);
    else if (type)
        snprintf(out, n, "%s.*", type);
    else if (device_id)
        snprintf(out, n, "#.%s", device_id);
    else
        snprintf(out, n, "#");
}
