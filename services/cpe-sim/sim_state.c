/* sim_state: see sim_state.h. */
#include "sim_state.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acs_log.h"

int sim_state_serial_ok(const char *serial)
{
    size_t n = strlen(serial);
    if (n == 0 || n > 64 || serial[0] == '.')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = serial[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return 0;
    }
    return 1;
}

static int state_path(const char *dir, const sim_device_t *d, const char *suffix, char *out,
                      size_t cap)
{
    int n = snprintf(out, cap, "%s/%s.json%s", dir, sim_device_serial(d), suffix);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static void load_values(sim_device_t *d, json_t *values)
{
    const sim_model_t *m = sim_device_model(d);
    const char *name;
    json_t *v;

    json_object_foreach(values, name, v)
    {
        long i = sim_model_find(m, name);
        const sim_param_t *p = i >= 0 ? sim_model_param(m, (size_t)i) : NULL;
        acs_buf_t canon = ACS_BUF_INIT;
        if (p && p->type != SIM_T_OBJECT && json_is_string(v) &&
            sim_value_check((sim_type_t)p->type, json_string_value(v), &canon) == 0)
            sim_device_set(d, (size_t)i, canon.data ? canon.data : "");
        else
            acs_log_kv(ACS_LOG_WARN, "state: value skipped", "serial", sim_device_serial(d),
                       "parameter", name, NULL);
        acs_buf_free(&canon);
    }
}

static void load_events(sim_device_t *d, json_t *events)
{
    size_t i;
    json_t *e;

    json_array_foreach(events, i, e)
    {
        json_t *code = json_object_get(e, "code"), *key = json_object_get(e, "command_key");
        if (json_is_string(code) && json_string_length(code) > 0)
            sim_device_event_add(d, json_string_value(code),
                                 json_is_string(key) ? json_string_value(key) : "");
    }
}

/* The configuration: through sim_device_config_import, else value by value. */
static void load_config(sim_device_t *d, json_t *config)
{
    char err[256];
    json_t *values = json_object_get(config, "values");

    if (sim_device_config_import(d, config, err, sizeof err) == 0)
        return;
    acs_log_kv(ACS_LOG_WARN, "state: configuration not imported, loading values one by one",
               "serial", sim_device_serial(d), "reason", err, NULL);
    if (json_is_object(values))
        load_values(d, values);
}

static void load_xfer(sim_device_t *d, json_t *xfer, unsigned *flags)
{
    char err[128];
    unsigned skipped = 0;

    if (!json_is_object(xfer))
        return;
    if (sim_xfer_from_json(sim_device_xfer(d), xfer, &skipped, err, sizeof err) != 0)
        acs_log_kv(ACS_LOG_WARN, "state: transfer state skipped", "serial", sim_device_serial(d),
                   "reason", err, NULL);
    if (skipped)
        acs_warn("state: %u malformed transfer entries skipped serial=%s", skipped,
                 sim_device_serial(d));
    *flags |= SIM_STATE_XFER;
}

int sim_state_load(const char *dir, sim_device_t *d, unsigned *flags, char *err, size_t errlen)
{
    char path[4096];
    json_error_t jerr;
    json_t *root = NULL, *config, *values, *events, *retry;
    int rc = -1;

    *flags = 0;
    if (state_path(dir, d, "", path, sizeof path) != 0) {
        snprintf(err, errlen, "state path too long");
        return -1;
    }
    if (access(path, F_OK) != 0 && errno == ENOENT)
        return 0;
    root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root || !json_is_object(root)) {
        snprintf(err, errlen, "%s: %s", path, root ? "not an object" : jerr.text);
        goto out;
    }
    *flags |= SIM_STATE_FOUND;
    config = json_object_get(root, "config");
    values = json_object_get(root, "values");
    events = json_object_get(root, "events");
    retry = json_object_get(root, "retry_count");
    if (json_is_object(config))
        load_config(d, config);
    else if (json_is_object(values))
        load_values(d, values);
    if (json_is_array(events))
        load_events(d, events);
    if (json_is_array(json_object_get(root, "value_changes")))
        sim_device_attr_pending_import(d, json_object_get(root, "value_changes"));
    if (json_is_integer(retry) && json_integer_value(retry) >= 0 &&
        json_integer_value(retry) < 1000000)
        sim_device_set_retry_count(d, (unsigned)json_integer_value(retry));
    load_xfer(d, json_object_get(root, "xfer"), flags);
    rc = 0;
out:
    json_decref(root);
    return rc;
}

static json_t *state_json(const sim_device_t *d, const sim_xfer_t *x)
{
    json_t *events = json_array(), *root;
    const sim_event_t *ev;
    size_t nev = sim_device_events(d, &ev);
    json_t *xfer = sim_xfer_to_json(x);
    json_t *changes = sim_device_attr_pending_export(d);

    for (size_t k = 0; k < nev; k++)
        json_array_append_new(
            events, json_pack("{s:s, s:s}", "code", ev[k].code, "command_key", ev[k].command_key));
    root = json_pack("{s:s, s:o, s:o, s:I}", "serial", sim_device_serial(d), "config",
                     sim_device_config_export(d), "events", events, "retry_count",
                     (json_int_t)sim_device_retry_count(d));
    if (json_array_size(changes))
        json_object_set_new(root, "value_changes", changes);
    else
        json_decref(changes);
    if (xfer)
        json_object_set_new(root, "xfer", xfer);
    return root;
}

int sim_state_save(const char *dir, const sim_device_t *d, const sim_xfer_t *x, char *err,
                   size_t errlen)
{
    char path[4096], tmp[4096];
    json_t *root = NULL;
    FILE *f = NULL;
    int fd, rc = -1;

    if (state_path(dir, d, "", path, sizeof path) != 0 ||
        state_path(dir, d, ".tmp", tmp, sizeof tmp) != 0) {
        snprintf(err, errlen, "state path too long");
        return -1;
    }
    root = state_json(d, x);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || !(f = fdopen(fd, "w"))) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        goto out;
    }
    if (json_dumpf(root, f, JSON_INDENT(1)) != 0 || fputc('\n', f) == EOF) {
        snprintf(err, errlen, "%s: write failed", tmp);
        goto out;
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        f = NULL;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    f = NULL;
    rc = 0;
out:
    if (f)
        fclose(f);
    if (rc != 0)
        unlink(tmp);
    json_decref(root);
    return rc;
}
