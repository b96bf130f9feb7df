/* ctl_result: see ctl_result.h. */
#include "ctl_result.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ctl_table.h"

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* A JSON value as cell text into b (reset first). */
static const char *scalar(const json_t *v, acs_buf_t *b)
{
    acs_buf_reset(b);
    if (json_is_string(v)) {
        acs_buf_puts(b, json_string_value(v));
    } else if (json_is_integer(v)) {
        acs_buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    } else if (json_is_real(v)) {
        acs_buf_printf(b, "%.15g", json_real_value(v));
    } else if (json_is_boolean(v)) {
        acs_buf_puts(b, json_is_true(v) ? "true" : "false");
    } else if (v && !json_is_null(v)) {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        acs_buf_puts(b, s ? s : "");
        free(s);
    }
    if (!b->data)
        acs_buf_puts(b, "");
    return b->data;
}

int ctl_result_exit_code(const json_t *result)
{
    return strcmp(str(result, "status"), "ok") == 0 ? CTL_EXIT_OK : CTL_EXIT_FAILED;
}

void ctl_result_summary(const json_t *r, char *out, size_t n)
{
    const char *status = str(r, "status");
    const json_t *fault = json_object_get(r, "fault");
    const char *detail = str(r, "detail");

    if (strcmp(status, "ok") == 0)
        snprintf(out, n, "ok");
    else if (strcmp(status, "fault") == 0)
        snprintf(out, n, "fault %" JSON_INTEGER_FORMAT " %s",
                 json_integer_value(json_object_get(fault, "code")), str(fault, "string"));
    else if (strcmp(status, "failed") == 0)
        snprintf(out, n, "failed: %s%s%s%s", str(r, "reason"), *detail ? " (" : "", detail,
                 *detail ? ")" : "");
    else
        snprintf(out, n, "unknown status '%.32s'", status);
}

/* Columns of a parameters list, chosen by what its first item carries. */
static void render_parameters(const json_t *list, acs_buf_t *out)
{
    static const char *const values[] = {"NAME", "VALUE", "TYPE"};
    static const char *const names[] = {"NAME", "WRITABLE"};
    static const char *const attrs[] = {"NAME", "NOTIFICATION", "ACCESS LIST"};
    const json_t *first = json_array_get(list, 0);
    const char *const *hdr = json_object_get(first, "writable")       ? names
                             : json_object_get(first, "notification") ? attrs
                                                                      : values;
    int ncols = hdr == names ? 2 : 3;
    ctl_table_t *t = ctl_table_new(ncols, hdr);
    acs_buf_t b[3] = {ACS_BUF_INIT, ACS_BUF_INIT, ACS_BUF_INIT};
    size_t i;
    const json_t *p;

    json_array_foreach(list, i, p)
    {
        const char *cells[3];
        cells[0] = str(p, "name");
        if (hdr == names) {
            cells[1] = scalar(json_object_get(p, "writable"), &b[1]);
        } else if (hdr == attrs) {
            cells[1] = scalar(json_object_get(p, "notification"), &b[1]);
            acs_buf_reset(&b[2]);
            const json_t *a;
            size_t k;
            json_array_foreach(json_object_get(p, "access_list"), k, a) acs_buf_printf(
                &b[2], "%s%s", k ? "," : "", json_string_value(a) ? json_string_value(a) : "");
            cells[2] = b[2].data ? b[2].data : "";
        } else {
            cells[1] = scalar(json_object_get(p, "value"), &b[1]);
            cells[2] = str(p, "type");
        }
        ctl_table_add(t, cells);
    }
    ctl_table_render(t, out);
    ctl_table_free(t);
    for (int k = 0; k < 3; k++)
        acs_buf_free(&b[k]);
}

static void render_transfers(const json_t *list, acs_buf_t *out)
{
    static const char *const hdr[] = {"COMMAND KEY", "STATE", "DOWNLOAD",
                                      "FILE TYPE",   "SIZE",  "TARGET"};
    static const char *const fields[] = {"command_key", "state",     "is_download",
                                         "file_type",   "file_size", "target_file_name"};
    ctl_table_t *t = ctl_table_new(6, hdr);
    acs_buf_t b[6] = {ACS_BUF_INIT, ACS_BUF_INIT, ACS_BUF_INIT,
                      ACS_BUF_INIT, ACS_BUF_INIT, ACS_BUF_INIT};
    size_t i;
    const json_t *x;

    json_array_foreach(list, i, x)
    {
        const char *cells[6];
        for (int c = 0; c < 6; c++)
            cells[c] = scalar(json_object_get(x, fields[c]), &b[c]);
        ctl_table_add(t, cells);
    }
    ctl_table_render(t, out);
    ctl_table_free(t);
    for (int c = 0; c < 6; c++)
        acs_buf_free(&b[c]);
}

static void render_ok(const json_t *r, acs_buf_t *out)
{
    const json_t *res = json_object_get(r, "result"), *v;
    const char *method = str(r, "method"), *key;
    acs_buf_t b = ACS_BUF_INIT;

    if (json_array_size(json_object_get(res, "parameters")) > 0) {
        render_parameters(json_object_get(res, "parameters"), out);
        return;
    }
    if (json_is_array(json_object_get(res, "methods"))) {
        size_t i;
        json_array_foreach(json_object_get(res, "methods"), i, v)
        {
            ctl_table_escape(out, scalar(v, &b));
            acs_buf_puts(out, "\n");
        }
        acs_buf_free(&b);
        return;
    }
    if (json_is_array(json_object_get(res, "transfers"))) {
        render_transfers(json_object_get(res, "transfers"), out);
        return;
    }
    acs_buf_puts(out, "ok");
    if (strcmp(method, "SetParameterValues") == 0 || strcmp(method, "AddObject") == 0 ||
        strcmp(method, "DeleteObject") == 0) {
        json_int_t st = json_integer_value(json_object_get(res, "status"));
        acs_buf_puts(out, st == 1 ? " (status 1: the CPE applies it later, e.g. after a reboot)"
                                  : " (status 0: applied)");
    }
    acs_buf_puts(out, "\n");
    json_object_foreach((json_t *)res, key, v)
    {
        if (strcmp(key, "status") == 0 && strcmp(method, "SetParameterValues") == 0)
            continue;
        acs_buf_printf(out, "%s: ", key);
        ctl_table_escape(out, scalar(v, &b));
        acs_buf_puts(out, "\n");
    }
    acs_buf_free(&b);
}

static void render_fault(const json_t *r, acs_buf_t *out)
{
    static const char *const hdr[] = {"NAME", "CODE", "STRING"};
    const json_t *fault = json_object_get(r, "fault"),
                 *spf = json_object_get(fault, "set_parameter_faults"), *x;
    char line[512];
    size_t i;

    ctl_result_summary(r, line, sizeof line);
    acs_buf_puts(out, line);
    if (*str(fault, "faultcode"))
        acs_buf_printf(out, " (%s)", str(fault, "faultcode"));
    acs_buf_puts(out, "\n");
    if (json_array_size(spf) == 0)
        return;
    ctl_table_t *t = ctl_table_new(3, hdr);
    json_array_foreach(spf, i, x)
    {
        char code[32];
        snprintf(code, sizeof code, "%" JSON_INTEGER_FORMAT,
                 json_integer_value(json_object_get(x, "code")));
        const char *cells[] = {str(x, "name"), code, str(x, "string")};
        ctl_table_add(t, cells);
    }
    ctl_table_render(t, out);
    ctl_table_free(t);
}

void ctl_result_render(const json_t *r, acs_buf_t *out)
{
    const char *status = str(r, "status");
    char line[512];

    if (strcmp(status, "ok") == 0) {
        render_ok(r, out);
    } else if (strcmp(status, "fault") == 0) {
        render_fault(r, out);
    } else {
        ctl_result_summary(r, line, sizeof line);
        acs_buf_printf(out, "%s\n", line);
    }
}
