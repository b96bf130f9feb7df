/* ctl_cmd_rpc: an RPC command on one DEVICE: check, queue with publisher
 * confirm, and with --wait read the result from an exclusive reply queue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acs_util.h"
#include "ctl_cmd.h"
#include "ctl_result.h"
#include "ctl_rpc.h"

int ctl_cmd_catalogue(ctl_ctx_t *c, ctl_catalogue_t *cat)
{
    const char *name = c->cl->file;
    PGresult *res;
    int found;

    cat->file_type[0] = '\0';
    cat->file_size = -1;
    if (!name || strcmp(c->cl->cmd, "download") != 0)
        return CTL_EXIT_OK;
    if (strncmp(name, "files/", 6) == 0)
        name += 6;
    const char *p[] = {name};
    if (!(res = ctl_ctx_query(c, "SELECT file_type, size FROM files WHERE name = 'files/' || $1", 1,
                              p)))
        return CTL_EXIT_UNREACHABLE;
    found = PQntuples(res) > 0;
    if (found) {
        const char *ft = PQgetisnull(res, 0, 0) ? "" : PQgetvalue(res, 0, 0);
        snprintf(cat->file_type, sizeof cat->file_type, "%s", ft);
        if (!PQgetisnull(res, 0, 1))
            cat->file_size = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
    }
    PQclear(res);
    if (!found)
        return ctl_fail(CTL_EXIT_USAGE,
                        "no file '%.128s' in the file store (see acsctl files list; add it with "
                        "acsctl files add)",
                        name);
    return CTL_EXIT_OK;
}

int ctl_cmd_send(ctl_ctx_t *c, const char *device_id, const char *rpc_id, const char *method,
                 const json_t *params, const char *reply_to, char *err, size_t errlen)
{
    char queue[256];
    char *body;
    int rc;

    if (ctl_amqp_declare_device_queue(c->amqp, device_id, err, errlen) != 0)
        return -1;
    snprintf(queue, sizeof queue, "halyard.dev.%s", device_id);
    body = ctl_rpc_message(rpc_id, device_id, method, params, reply_to);
    rc = ctl_amqp_publish(c->amqp, queue, rpc_id, reply_to, rpc_id, body, err, errlen);
    free(body);
    return rc;
}

/* One delivery: if it is the result of a wanted id, keep it. */
static void take(json_t *want, const ctl_amqp_msg_t *m, size_t *left)
{
    json_t *r = json_loadb(m->body, m->len, 0, NULL);
    const char *id = json_string_value(json_object_get(r, "id"));
    json_t *slot = id ? json_object_get(want, id) : NULL;

    if (slot && json_is_null(slot)) {
        json_object_set(want, id, r);
        (*left)--;
    }
    json_decref(r);
}

int ctl_cmd_collect(ctl_ctx_t *c, const char *queue, json_t *want, int64_t deadline_ms)
{
    char err[1024];
    size_t left = json_object_size(want);

    if (ctl_amqp_consume(c->amqp, queue, err, sizeof err) != 0)
        return ctl_fail(-1, "%s", err);
    while (left > 0) {
        int64_t now = acs_now_mono_ms();
        ctl_amqp_msg_t m;
        int rc;
        if (now >= deadline_ms)
            break;
        rc = ctl_amqp_next(c->amqp, (int)(deadline_ms - now > 1000 ? 1000 : deadline_ms - now), &m,
                           err, sizeof err);
        if (rc < 0)
            return ctl_fail(-1, "%s", err);
        if (rc == 1) {
            take(want, &m, &left);
            ctl_amqp_msg_free(&m);
        }
    }
    return 0;
}

/* Print what was queued (no --wait): the RPC id, or a JSON document. */
static int print_queued(ctl_ctx_t *c, const char *device_id, const char *rpc_id, const char *method)
{
    if (c->cl->json)
        ctl_ctx_print_json(json_pack("{s:s, s:s, s:s, s:s}", "id", rpc_id, "device_id", device_id,
                                     "method", method, "status", "queued"));
    else
        printf("%s\n", rpc_id);
    return CTL_EXIT_OK;
}

static int wait_result(ctl_ctx_t *c, const char *device_id, const char *rpc_id, const char *reply_q)
{
    json_t *want = json_object(), *r;
    int64_t deadline = acs_now_mono_ms() + (int64_t)c->cl->timeout_s * 1000;
    int rc;

    json_object_set_new(want, rpc_id, json_null());
    if (ctl_cmd_collect(c, reply_q, want, deadline) != 0) {
        json_decref(want);
        return CTL_EXIT_UNREACHABLE;
    }
    r = json_object_get(want, rpc_id);
    if (json_is_null(r)) {
        json_decref(want);
        return ctl_fail(CTL_EXIT_TIMEOUT,
                        "no result for %s within %lds: it stays queued and runs in %s's next "
                        "session",
                        rpc_id, c->cl->timeout_s, device_id);
    }
    rc = ctl_result_exit_code(r);
    if (c->cl->json) {
        ctl_ctx_print_json(json_incref(r));
    } else {
        acs_buf_t out = ACS_BUF_INIT;
        ctl_result_render(r, &out);
        ctl_ctx_print(&out);
        acs_buf_free(&out);
    }
    json_decref(want);
    return rc;
}

/* Queue (and with --wait, await) the RPC; the command line is checked. */
static int queue_one(ctl_ctx_t *c, const char *device_id, const char *rpc_id, const char *method,
                     const json_t *params)
{
    char err[1024], reply_q[256];
    int rc;

    if ((rc = ctl_ctx_amqp(c)) != CTL_EXIT_OK)
        return rc;
    if (c->cl->wait && ctl_amqp_temp_queue(c->amqp, reply_q, sizeof reply_q, err, sizeof err))
        return ctl_fail(CTL_EXIT_UNREACHABLE, "%s", err);
    rc = ctl_cmd_send(c, device_id, rpc_id, method, params, c->cl->wait ? reply_q : NULL, err,
                      sizeof err);
    if (rc == CTL_AMQP_REFUSED)
        return ctl_fail(CTL_EXIT_FAILED, "%s not queued for %s: %s", method, device_id, err);
    if (rc != 0)
        return ctl_fail(CTL_EXIT_UNREACHABLE, "%s", err);
    if (!c->cl->wait)
        return print_queued(c, device_id, rpc_id, method);
    return wait_result(c, device_id, rpc_id, reply_q);
}

int ctl_cmd_rpc(ctl_ctx_t *c)
{
    ctl_cmdline_t *cl = c->cl;
    const char *device_id, *method = NULL;
    char err[1024], rpc_id[64];
    ctl_catalogue_t cat;
    ctl_rpc_env_t env = {0};
    json_t *params = NULL;
    int rc;

    if (cl->filter.given)
        return ctl_cmd_bulk(c);
    if (cl->filter.limit >= 0 || cl->dry_run)
        return ctl_fail(CTL_EXIT_USAGE, "--%s applies to a filter (bulk), not to one DEVICE",
                        cl->dry_run ? "dry-run" : "limit");
    if (cl->npos < 1)
        return ctl_fail(CTL_EXIT_USAGE, "%s: missing DEVICE (or a filter: --tag, --id, --all...)",
                        cl->cmd);
    device_id = cl->pos[0];
    if (!acs_device_id_valid(device_id))
        return ctl_fail(CTL_EXIT_USAGE,
                        "'%.64s' is not a device id (OUI-ProductClass-Serial, escaped: "
                        "A-Z a-z 0-9 _ %% -)",
                        device_id);
    ctl_rpc_new_id(rpc_id);
    env = (ctl_rpc_env_t){device_id, rpc_id, &c->cfg, (int64_t)time(NULL), NULL, -1};
    if (ctl_rpc_build(cl, cl->pos + 1, cl->npos - 1, &env, &method, &params, err, sizeof err))
        return ctl_fail(CTL_EXIT_USAGE, "%s", err);
    if (!cl->force && (rc = ctl_ctx_device_known(c, device_id)) != CTL_EXIT_OK)
        goto out;
    if ((rc = ctl_cmd_catalogue(c, &cat)) != CTL_EXIT_OK)
        goto out;
    if (cl->file && strcmp(cl->cmd, "download") == 0) { /* again, with the catalogue's data */
        json_decref(params);
        env.file_type = cat.file_type[0] ? cat.file_type : NULL;
        env.file_size = cat.file_size;
        if (ctl_rpc_build(cl, cl->pos + 1, cl->npos - 1, &env, &method, &params, err, sizeof err)) {
            params = NULL;
            rc = ctl_fail(CTL_EXIT_USAGE, "%s", err);
            goto out;
        }
    }
    rc = queue_one(c, device_id, rpc_id, method, params);
out:
    json_decref(params);
    return rc;
}
