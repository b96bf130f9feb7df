/* sim_xfer_json: a device's transfer state as JSON, for --state-dir
 * (sim_xfer_to_json / sim_xfer_from_json in sim_xfer.h). The shape:
 *
 *   {"jobs": [{"kind": "download", "command_key", "file_type", "url",
 *              "username", "password", "target_file_name", "file_size",
 *              "due_ms", "windows": [[start_ms, end_ms]], "ops": [{"type":
 *              "install", "url", "uuid", "username", "password", "version",
 *              "ee_ref"}]}],
 *    "scheduled": [{"due_ms", "command_key"}],
 *    "requests": [{"method": "TransferComplete", "event", "command_key",
 *                  "fault_code", "fault_string", "start_ms", "complete_ms",
 *                  "url", "file_type", "target_file_name", "is_download",
 *                  "file_size", "results": [...], "args": [...], "command",
 *                  "referer", "arg", "next"}],
 *    "dus": [{"uuid", "name", "version", "url", "instance", "mirrored"}],
 *    "next_du_instance": 1}
 *
 * Loading is lenient per entry (a malformed one is skipped and counted)
 * and bounded by the same limits as the RPCs.
 */
#include "sim_xfer_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const job_kinds[SIM_JOB_KINDS] = {
    "download", "upload", "schedule_download", "du", "autonomous_download", "autonomous_du",
};
static const char *const op_types[] = {"install", "update", "uninstall"};

/* ---- writing ---- */

/* NULL is written as "", which is what reading an absent member gives. */
static void set_str(json_t *o, const char *key, const char *s)
{
    json_object_set_new(o, key, json_string(s ? s : ""));
}

static void set_int(json_t *o, const char *key, json_int_t v)
{
    json_object_set_new(o, key, json_integer(v));
}

static json_t *op_json(const sim_du_op_t *op)
{
    json_t *o = json_object();
    set_str(o, "type", op_types[op->type]);
    set_str(o, "url", op->url);
    set_str(o, "uuid", op->uuid);
    set_str(o, "username", op->username);
    set_str(o, "password", op->password);
    set_str(o, "version", op->version);
    set_str(o, "ee_ref", op->ee_ref);
    return o;
}

static json_t *job_json(const sim_job_t *j)
{
    json_t *o = json_object();

    set_str(o, "kind", job_kinds[j->kind]);
    set_str(o, "command_key", j->command_key);
    set_str(o, "file_type", j->file_type);
    set_str(o, "url", j->url);
    set_str(o, "username", j->username);
    set_str(o, "password", j->password);
    set_str(o, "target_file_name", j->target_file_name);
    set_int(o, "file_size", (json_int_t)j->file_size);
    set_int(o, "due_ms", j->due_ms);
    if (j->nwin) {
        json_t *w = json_array();
        for (int i = 0; i < j->nwin; i++)
            json_array_append_new(w, json_pack("[I, I]", (json_int_t)j->win[i].start_ms,
                                               (json_int_t)j->win[i].end_ms));
        json_object_set_new(o, "windows", w);
    }
    if (j->nops) {
        json_t *ops = json_array();
        for (size_t i = 0; i < j->nops; i++)
            json_array_append_new(ops, op_json(&j->ops[i]));
        json_object_set_new(o, "ops", ops);
    }
    return o;
}

static json_t *result_json(const sim_du_result_t *r)
{
    json_t *o = json_object();
    set_str(o, "uuid", r->uuid);
    set_str(o, "du_ref", r->du_ref);
    set_str(o, "version", r->version);
    set_str(o, "current_state", r->current_state);
    set_str(o, "operation", r->operation);
    json_object_set_new(o, "resolved", json_boolean(r->resolved));
    set_int(o, "fault_code", r->fault_code);
    set_str(o, "fault_string", r->fault_string);
    set_int(o, "start_ms", r->start_ms);
    set_int(o, "complete_ms", r->complete_ms);
    return o;
}

static json_t *req_json(const sim_req_t *r)
{
    json_t *o = json_object();

    set_str(o, "method", sim_xfer_req_method(r->type));
    if (r->event) /* absent: no "M" event */
        set_str(o, "event", r->event);
    set_str(o, "command_key", r->command_key);
    set_int(o, "fault_code", r->fault_code);
    set_str(o, "fault_string", r->fault_string);
    set_int(o, "start_ms", r->start_ms);
    set_int(o, "complete_ms", r->complete_ms);
    set_str(o, "url", r->url);
    set_str(o, "file_type", r->file_type);
    set_str(o, "target_file_name", r->target_file_name);
    json_object_set_new(o, "is_download", json_boolean(r->is_download));
    set_int(o, "file_size", (json_int_t)r->file_size);
    if (r->nresults) {
        json_t *a = json_array();
        for (size_t i = 0; i < r->nresults; i++)
            json_array_append_new(a, result_json(&r->results[i]));
        json_object_set_new(o, "results", a);
    }
    if (r->nargs) {
        json_t *a = json_array();
        for (size_t i = 0; i < r->nargs; i++)
            json_array_append_new(
                a, json_pack("{s:s, s:s}", "name", r->args[i].name, "value", r->args[i].value));
        json_object_set_new(o, "args", a);
    }
    set_str(o, "command", r->command);
    set_str(o, "referer", r->referer);
    set_str(o, "arg", r->arg);
    set_str(o, "next", r->next);
    return o;
}

json_t *sim_xfer_to_json(const sim_xfer_t *x)
{
    json_t *o, *a;

    if (!x || (!x->njobs && !x->nsched && !x->nreqs && !x->ndus))
        return NULL;
    o = json_object();
    a = json_array();
    for (size_t i = 0; i < x->njobs; i++)
        json_array_append_new(a, job_json(&x->jobs[i]));
    json_object_set_new(o, "jobs", a);
    a = json_array();
    for (size_t i = 0; i < x->nsched; i++)
        json_array_append_new(a, json_pack("{s:I, s:s}", "due_ms", (json_int_t)x->sched[i].due_ms,
                                           "command_key", x->sched[i].command_key));
    json_object_set_new(o, "scheduled", a);
    a = json_array();
    for (size_t i = 0; i < x->nreqs; i++)
        json_array_append_new(a, req_json(&x->reqs[i]));
    json_object_set_new(o, "requests", a);
    a = json_array();
    for (size_t i = 0; i < x->ndus; i++)
        json_array_append_new(a,
                              json_pack("{s:s, s:s, s:s, s:s, s:I, s:b}", "uuid", x->dus[i].uuid,
                                        "name", x->dus[i].name, "version", x->dus[i].version, "url",
                                        x->dus[i].url, "instance", (json_int_t)x->dus[i].instance,
                                        "mirrored", x->dus[i].mirrored));
    json_object_set_new(o, "dus", a);
    set_int(o, "next_du_instance", x->next_du_instance);
    return o;
}

/* ---- reading ---- */

/* A string member of at most max bytes (absent: ""), copied; -1 if it is
 * not a string or too long. */
static int get_str(const json_t *o, const char *key, size_t max, char **out)
{
    const json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v) {
        *out = acs_xstrdup("");
        return 0;
    }
    if (!json_is_string(v) || json_string_length(v) > max ||
        strlen(json_string_value(v)) != json_string_length(v))
        return -1;
    *out = acs_xstrdup(json_string_value(v));
    return 0;
}

/* An integer member in [min, max] (absent: 0). */
static int get_int(const json_t *o, const char *key, json_int_t min, json_int_t max, int64_t *out)
{
    const json_t *v = json_object_get(o, key);
    *out = 0;
    if (!v)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        return -1;
    *out = json_integer_value(v);
    return 0;
}

static int name_index(const char *const *names, size_t n, const json_t *v)
{
    for (size_t i = 0; json_is_string(v) && i < n; i++) {
        if (strcmp(json_string_value(v), names[i]) == 0)
            return (int)i;
    }
    return -1;
}

#define T_MAX ((json_int_t)1 << 50) /* times in ms, sizes */

static int load_op(const json_t *o, sim_du_op_t *op)
{
    int t = name_index(op_types, 3, json_object_get(o, "type"));
    if (t < 0)
        return -1;
    op->type = (uint8_t)t;
    if (get_str(o, "url", SIM_XFER_DU_URL_MAX, &op->url) || get_str(o, "uuid", 36, &op->uuid) ||
        get_str(o, "username", SIM_XFER_NAME_MAX, &op->username) ||
        get_str(o, "password", SIM_XFER_NAME_MAX, &op->password) ||
        get_str(o, "version", 32, &op->version) ||
        get_str(o, "ee_ref", SIM_XFER_NAME_MAX, &op->ee_ref))
        return -1;
    return 0;
}

static int load_windows(const json_t *w, sim_job_t *j)
{
    size_t i;
    json_t *e;

    if (!w)
        return 0;
    if (!json_is_array(w) || json_array_size(w) > 2)
        return -1;
    json_array_foreach(w, i, e)
    {
        json_t *s = json_array_get(e, 0), *t = json_array_get(e, 1);
        if (!json_is_integer(s) || !json_is_integer(t))
            return -1;
        j->win[i].start_ms = json_integer_value(s);
        j->win[i].end_ms = json_integer_value(t);
    }
    j->nwin = (uint8_t)json_array_size(w);
    return 0;
}

static int load_ops(const json_t *a, sim_job_t *j)
{
    size_t i;
    json_t *e;

    if (!a)
        return 0;
    if (!json_is_array(a) || json_array_size(a) > SIM_XFER_DU_OPS_MAX)
        return -1;
    j->ops = acs_xcalloc(json_array_size(a) + 1, sizeof *j->ops);
    json_array_foreach(a, i, e)
    {
        j->nops++;
        if (!json_is_object(e) || load_op(e, &j->ops[i]) != 0)
            return -1;
    }
    return 0;
}

static int load_job(const json_t *o, sim_job_t *j)
{
    int kind = name_index(job_kinds, SIM_JOB_KINDS, json_object_get(o, "kind"));
    int64_t size, due;

    if (kind < 0)
        return -1;
    j->kind = (uint8_t)kind;
    if (get_str(o, "command_key", 32, &j->command_key) ||
        get_str(o, "file_type", SIM_XFER_FILE_TYPE_MAX, &j->file_type) ||
        get_str(o, "url", SIM_XFER_URL_MAX, &j->url) ||
        get_str(o, "username", SIM_XFER_NAME_MAX, &j->username) ||
        get_str(o, "password", SIM_XFER_NAME_MAX, &j->password) ||
        get_str(o, "target_file_name", SIM_XFER_NAME_MAX, &j->target_file_name) ||
        get_int(o, "file_size", 0, UINT32_MAX, &size) || get_int(o, "due_ms", 0, T_MAX, &due) ||
        load_windows(json_object_get(o, "windows"), j) || load_ops(json_object_get(o, "ops"), j))
        return -1;
    j->file_size = (uint64_t)size;
    j->due_ms = due;
    if ((kind == SIM_JOB_DU || kind == SIM_JOB_AUTO_DU) ? j->nops == 0 : !j->url[0])
        return -1;
    return 0;
}

static int load_result(const json_t *o, sim_du_result_t *r)
{
    int64_t code, st, ct;
    const json_t *res = json_object_get(o, "resolved");

    if (get_str(o, "uuid", 36, &r->uuid) || get_str(o, "du_ref", SIM_XFER_NAME_MAX, &r->du_ref) ||
        get_str(o, "version", 32, &r->version) ||
        get_str(o, "current_state", 32, &r->current_state) ||
        get_str(o, "operation", 32, &r->operation) ||
        get_str(o, "fault_string", 256, &r->fault_string) ||
        get_int(o, "fault_code", 0, 9899, &code) || get_int(o, "start_ms", 0, T_MAX, &st) ||
        get_int(o, "complete_ms", 0, T_MAX, &ct))
        return -1;
    r->fault_code = (int)code;
    r->start_ms = st;
    r->complete_ms = ct;
    r->resolved = json_is_true(res);
    return 0;
}

static int load_req_lists(const json_t *o, sim_req_t *r)
{
    const json_t *res = json_object_get(o, "results"), *args = json_object_get(o, "args");
    size_t i;
    json_t *e;

    if ((res && (!json_is_array(res) || json_array_size(res) > SIM_XFER_DU_OPS_MAX)) ||
        (args && (!json_is_array(args) || json_array_size(args) > 16)))
        return -1;
    if (json_array_size(res)) {
        r->results = acs_xcalloc(json_array_size(res), sizeof *r->results);
        json_array_foreach(res, i, e)
        {
            r->nresults++;
            if (!json_is_object(e) || load_result(e, &r->results[i]) != 0)
                return -1;
        }
    }
    if (json_array_size(args)) {
        r->args = acs_xcalloc(json_array_size(args), sizeof *r->args);
        json_array_foreach(args, i, e)
        {
            r->nargs++;
            if (get_str(e, "name", 64, &r->args[i].name) ||
                get_str(e, "value", 256, &r->args[i].value))
                return -1;
        }
    }
    return 0;
}

static int load_req(const json_t *o, sim_req_t *r)
{
    const json_t *m = json_object_get(o, "method"), *ev = json_object_get(o, "event");
    int64_t code, st, ct, size;
    int type = -1;

    for (int t = 0; t < SIM_REQ_TYPES && json_is_string(m); t++) {
        if (strcmp(json_string_value(m), sim_xfer_req_method(t)) == 0)
            type = t;
    }
    if (type < 0 || (ev && !json_is_string(ev)))
        return -1;
    r->type = (uint8_t)type;
    if ((ev && get_str(o, "event", 64, &r->event)) ||
        get_str(o, "command_key", 32, &r->command_key) ||
        get_str(o, "fault_string", 256, &r->fault_string) ||
        get_int(o, "fault_code", 0, 9899, &code) || get_int(o, "start_ms", 0, T_MAX, &st) ||
        get_int(o, "complete_ms", 0, T_MAX, &ct) || get_int(o, "file_size", 0, T_MAX, &size) ||
        get_str(o, "url", SIM_XFER_DU_URL_MAX, &r->url) ||
        get_str(o, "file_type", SIM_XFER_FILE_TYPE_MAX, &r->file_type) ||
        get_str(o, "target_file_name", SIM_XFER_NAME_MAX, &r->target_file_name) ||
        get_str(o, "command", 32, &r->command) || get_str(o, "referer", 64, &r->referer) ||
        get_str(o, "arg", 256, &r->arg) || get_str(o, "next", 1024, &r->next) ||
        load_req_lists(o, r))
        return -1;
    r->fault_code = (int)code;
    r->start_ms = st;
    r->complete_ms = ct;
    r->file_size = (uint64_t)size;
    r->is_download = json_is_true(json_object_get(o, "is_download"));
    return 0;
}

static int load_du(const json_t *o, sim_du_t *du)
{
    int64_t inst;
    if (get_str(o, "uuid", 36, &du->uuid) || get_str(o, "name", 64, &du->name) ||
        get_str(o, "version", 32, &du->version) ||
        get_str(o, "url", SIM_XFER_DU_URL_MAX, &du->url) ||
        get_int(o, "instance", 1, UINT32_MAX, &inst) || !sim_du_uuid_ok(du->uuid))
        return -1;
    du->instance = (unsigned)inst;
    du->mirrored = json_is_true(json_object_get(o, "mirrored"));
    return 0;
}

static void load_jobs(sim_xfer_t *x, const json_t *a, unsigned *skipped)
{
    size_t i;
    json_t *e;

    json_array_foreach(a, i, e)
    {
        sim_job_t j;
        memset(&j, 0, sizeof j);
        if (!json_is_object(e) || load_job(e, &j) != 0 || sim_xfer_job_add(x, &j) != 0) {
            sim_xfer_job_clear(&j);
            (*skipped)++;
        }
    }
}

static void load_sched(sim_xfer_t *x, const json_t *a, unsigned *skipped)
{
    size_t i;
    json_t *e;

    json_array_foreach(a, i, e)
    {
        int64_t due;
        char *key = NULL;
        if (!json_is_object(e) || x->nsched >= SIM_XFER_SCHED_MAX ||
            get_int(e, "due_ms", 0, T_MAX, &due) || get_str(e, "command_key", 32, &key)) {
            free(key);
            (*skipped)++;
            continue;
        }
        x->sched = acs_xrealloc(x->sched, (x->nsched + 1) * sizeof *x->sched);
        x->sched[x->nsched].due_ms = due;
        x->sched[x->nsched++].command_key = key;
    }
}

static void load_reqs_dus(sim_xfer_t *x, const json_t *reqs, const json_t *dus, unsigned *skipped)
{
    size_t i;
    json_t *e;

    json_array_foreach(reqs, i, e)
    {
        sim_req_t r;
        memset(&r, 0, sizeof r);
        if (!json_is_object(e) || load_req(e, &r) != 0 || sim_xfer_req_add(x, &r) != 0) {
            sim_xfer_req_clear(&r);
            (*skipped)++;
        }
    }
    json_array_foreach(dus, i, e)
    {
        sim_du_t du;
        memset(&du, 0, sizeof du);
        if (!json_is_object(e) || x->ndus >= SIM_XFER_DU_MAX || load_du(e, &du) != 0 ||
            sim_du_find(x, du.uuid)) {
            sim_du_clear(&du);
            (*skipped)++;
            continue;
        }
        x->dus = acs_xrealloc(x->dus, (x->ndus + 1) * sizeof *x->dus);
        x->dus[x->ndus++] = du;
        if (du.instance >= x->next_du_instance)
            x->next_du_instance = du.instance + 1;
    }
}

int sim_xfer_from_json(sim_xfer_t *x, const json_t *j, unsigned *skipped, char *err, size_t errlen)
{
    int64_t next;

    *skipped = 0;
    if (!json_is_object(j)) {
        snprintf(err, errlen, "transfer state is not an object");
        return -1;
    }
    load_jobs(x, json_object_get(j, "jobs"), skipped);
    load_sched(x, json_object_get(j, "scheduled"), skipped);
    load_reqs_dus(x, json_object_get(j, "requests"), json_object_get(j, "dus"), skipped);
    if (get_int(j, "next_du_instance", 1, UINT32_MAX, &next) == 0 &&
        next > (int64_t)x->next_du_instance)
        x->next_du_instance = (unsigned)next;
    x->dropped = 0;
    return 0;
}
