/* prov_steps: the stages of a conversation (prov_conv.h), in order:
 * read, bootstrap, presets, refresh, firmware, done. Each stage either
 * starts one asynchronous thing (an RPC or a statement) and returns, its
 * callback resuming with step(), or finds nothing to do and falls through
 * to the next stage.
 */
#include "prov_conv.h"

#include "acs_buf.h"
#include "acs_http_auth.h"
#include "acs_log.h"
#include "prov_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void step(prov_conv_t *c);

static const char *str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void to_stage(prov_conv_t *c, prov_stage_t s)
{
    c->stage = s;
    if (c->batches)
        json_decref(c->batches);
    c->batches = NULL;
    c->batch_i = 0;
}

/* Fire-and-forget statements: the callback only releases the conversation. */
static void on_quiet(int ok, long rows, void *arg)
{
    prov_conv_t *c = arg;
    if (!ok)
        acs_metric_inc(c->p->m.err_db);
    prov_conv_unref(c);
}

/* Merge a GetParameterValues result into c->values. */
static void remember(prov_conv_t *c, json_t *result)
{
    json_t *params = json_object_get(result, "parameters"), *p;
    size_t i;

    json_array_foreach(params, i, p)
    {
        const char *n = str(p, "name"), *v = str(p, "value"), *t = str(p, "type");
        if (n && v)
            json_object_set_new(c->values, n,
                                json_pack("{s:s, s:s}", "value", v, "type", t ? t : "string"));
    }
}

static int send_gpv(prov_conv_t *c, json_t *names)
{
    json_t *params = json_pack("{s:O}", "names", names);
    int rc = prov_conv_rpc(c, "GetParameterValues", params);
    json_decref(params);
    return rc;
}

static void log_fault(prov_conv_t *c, const char *what, const prov_result_t *r)
{
    char code[16];
    snprintf(code, sizeof code, "%ld", r->fault_code);
    acs_log_kv(ACS_LOG_WARN, what, "device", c->item.device_id, "session", c->item.session_id,
               "status", r->status, "code", r->fault_code ? code : NULL, "fault",
               r->fault_string[0] ? r->fault_string : NULL, "reason", r->reason, NULL);
}

/* --- read ------------------------------------------------------------------ */

void prov_steps_begin(prov_conv_t *c)
{
    const prov_policy_t *pol = c->p->policy;
    json_t *reads;

    c->bootstrap = prov_plan_bootstrap(pol, &c->item, &c->facts);
    reads = prov_plan_reads(pol, &c->item, &c->facts, c->bootstrap);
    to_stage(c, PROV_READ);
    c->batches = prov_plan_batches(reads, pol->gpv_batch_size);
    json_decref(reads);
    step(c);
}

static void read_result(prov_conv_t *c, const prov_result_t *r)
{
    if (strcmp(r->status, "ok") == 0)
        remember(c, r->result);
    else
        log_fault(c, "the CPE refused a read; decisions needing it are skipped", r);
    c->batch_i++;
    step(c);
}

/* --- bootstrap ---------------------------------------------------------------- */

static void wipe_creds(prov_conv_t *c)
{
    if (c->creds) {
        prov_plan_creds_wipe(c->creds);
        free(c->creds);
        c->creds = NULL;
    }
}

/* Overwrite the strings of an SPV's values before they are freed. */
static void wipe_values(json_t *values)
{
    size_t i;
    json_t *v;

    json_array_foreach(values, i, v)
    {
        json_t *s = json_object_get(v, "value");
        if (json_is_string(s))
            explicit_bzero((char *)json_string_value(s), json_string_length(s));
    }
}

static void bootstrap_done(prov_conv_t *c, const char *note)
{
    prov_conv_note(c, "bootstrap=%s", note);
    to_stage(c, PROV_PRESETS);
    step(c);
}

static void on_adopted(int ok, long rows, void *arg)
{
    prov_conv_t *c = arg;

    if (!prov_conv_unref(c))
        return;
    if (!ok) {
        acs_metric_inc(c->p->m.err_db);
        bootstrap_done(c, "database-error");
        return;
    }
    if (rows)
        acs_metric_inc(c->p->m.bootstrap_adopted);
    bootstrap_done(c, rows ? "adopted" : "replaced-meanwhile");
}

static void on_recorded(int ok, long rows, void *arg)
{
    prov_conv_t *c = arg;
    json_t *values, *params;

    if (!prov_conv_unref(c))
        return; /* dropped meanwhile (its credentials are wiped with it) */
    if (!ok || rows == 0) {
        wipe_creds(c);
        acs_metric_inc(ok ? c->p->m.bootstrap_conflicts : c->p->m.err_db);
        if (ok)
            acs_log_kv(ACS_LOG_WARN,
                       "another conversation recorded credentials for this device "
                       "first; not sending ours",
                       "device", c->item.device_id, NULL);
        bootstrap_done(c, ok ? "conflict" : "database-error");
        return;
    }
    values = prov_plan_bootstrap_values(c->p->policy, c->item.data_root, c->creds);
    params = json_pack("{s:O, s:s}", "values", values, "parameter_key", c->creds->parameter_key);
    wipe_creds(c);
    c->inflight = 'b';
    (void)prov_conv_rpc(c, "SetParameterValues", params);
    wipe_values(values);
    json_decref(params);
    json_decref(values);
}

/* Draw credentials, record them as pending, then send them. */
static void bootstrap_new(prov_conv_t *c)
{
    prov_t *p = c->p;
    char ha1[33], *sealed = NULL;
    prov_creds_t *cr = acs_xcalloc(1, sizeof *cr);
    int rc;

    c->creds = cr;
    if (prov_plan_creds(p->policy, cr) != 0 ||
        (p->policy->bootstrap.connection_request &&
         !(sealed = acs_secret_seal(p->secret_key, c->item.device_id, cr->cr_password)))) {
        acs_log_kv(ACS_LOG_ERROR, "cannot draw or seal credentials", "device", c->item.device_id,
                   NULL);
        wipe_creds(c);
        bootstrap_done(c, "error");
        return;
    }
    acs_digest_ha1(cr->username, p->cfg.realm, cr->password, ha1);
    snprintf(c->username, sizeof c->username, "%s", cr->username);
    prov_conv_ref(c);
    rc = prov_db_bootstrap_begin(p->pg, c->item.device_id, cr->username, ha1, p->cfg.realm,
                                 sealed ? cr->cr_username : NULL, sealed, c->facts.pending_username,
                                 cr->parameter_key, c->item.session_id, on_recorded, c);
    free(sealed);
    if (rc != 0) {
        c->refs--;
        wipe_creds(c);
        acs_metric_inc(p->m.err_db);
        bootstrap_done(c, "database-busy");
    }
}

/* Pending credentials exist: did the CPE apply the set carrying them (its
 * ParameterKey says so)? Then adopt them, else replace them. */
static void bootstrap_start(prov_conv_t *c)
{
    const prov_facts_t *f = &c->facts;
    char name[PROV_NAME_MAX + 1];
    const char *cur = NULL;

    if (f->pending_username) {
        if (prov_plan_resolve(c->item.data_root, "ManagementServer.ParameterKey", name,
                              sizeof name) == 0)
            cur = str(json_object_get(c->values, name), "value");
        if (!cur) {
            acs_log_kv(ACS_LOG_WARN,
                       "cannot tell whether the CPE has the pending credentials "
                       "(ParameterKey unread); bootstrap skipped this session",
                       "device", c->item.device_id, NULL);
            bootstrap_done(c, "skipped");
            return;
        }
        if (f->pending_key && strcmp(cur, f->pending_key) == 0) {
            snprintf(c->username, sizeof c->username, "%s", f->pending_username);
            prov_conv_ref(c);
            if (prov_db_promote(c->p->pg, c->item.device_id, c->username, on_adopted, c) != 0) {
                c->refs--;
                bootstrap_done(c, "database-busy");
            }
            return;
        }
    }
    bootstrap_new(c);
}

static void on_promoted(int ok, long rows, void *arg)
{
    prov_conv_t *c = arg;

    if (!prov_conv_unref(c))
        return;
    if (!ok)
        acs_metric_inc(c->p->m.err_db);
    else if (rows)
        acs_metric_inc(c->p->m.bootstraps);
    bootstrap_done(c, !ok ? "set-database-error" : rows ? "ok" : "set-replaced-meanwhile");
}

/* Remember what the bootstrap set besides credentials (presets compare
 * against it). */
static void remember_bootstrap(prov_conv_t *c)
{
    prov_creds_t none;
    json_t *values, *v;
    size_t i;

    memset(&none, 0, sizeof none);
    values = prov_plan_bootstrap_values(c->p->policy, c->item.data_root, &none);
    json_array_foreach(values, i, v)
    {
        const char *n = str(v, "name");
        size_t len = strlen(n);
        if ((len >= 8 && strcmp(n + len - 8, "Username") == 0) ||
            (len >= 8 && strcmp(n + len - 8, "Password") == 0))
            continue;
        json_object_set_new(
            c->values, n,
            json_pack("{s:s, s:s}", "value", str(v, "value"), "type", str(v, "type")));
    }
    json_decref(values);
}

static void bootstrap_result(prov_conv_t *c, const prov_result_t *r)
{
    c->inflight = 0;
    if (strcmp(r->status, "ok") == 0) {
        remember_bootstrap(c);
        prov_conv_ref(c);
        if (prov_db_promote(c->p->pg, c->item.device_id, c->username, on_promoted, c) != 0) {
            /* The gateway promotes them when the CPE next authenticates. */
            c->refs--;
            bootstrap_done(c, "set-database-busy");
        }
        return;
    }
    acs_metric_inc(c->p->m.bootstrap_faults);
    log_fault(c, "the CPE refused the unique credentials", r);
    prov_conv_ref(c);
    if (prov_db_bootstrap_abort(c->p->pg, c->item.device_id, c->username, on_quiet, c) != 0)
        c->refs--;
    bootstrap_done(c, "refused");
}

/* --- presets ------------------------------------------------------------------ */

static int presets_start(prov_conv_t *c)
{
    char key[PROV_KEY_MAX + 1], *names;
    json_t *skipped = NULL, *values, *params;
    size_t n;

    if (c->p->policy->npresets == 0)
        return 0;
    values = prov_plan_presets(c->p->policy, &c->item, &c->facts, c->values, key, &skipped,
                               &c->preset_marks);
    if (skipped) {
        names = json_dumps(skipped, JSON_COMPACT);
        acs_log_kv(ACS_LOG_WARN, "presets skipped: the CPE did not report all their parameters",
                   "device", c->item.device_id, "presets", names, NULL);
        free(names);
        json_decref(skipped);
    }
    n = json_array_size(values);
    if (n == 0 || n > PROV_SPV_MAX) {
        if (n)
            acs_log_kv(ACS_LOG_ERROR, "presets together set more than 1024 values; skipped",
                       "device", c->item.device_id, NULL);
        json_decref(values);
        return 0;
    }
    params = json_pack("{s:o, s:s}", "values", values, "parameter_key", key);
    prov_conv_note(c, "presets=%zu", n);
    (void)prov_conv_rpc(c, "SetParameterValues", params);
    json_decref(params);
    return 1;
}

static void refresh_begin(prov_conv_t *c)
{
    to_stage(c, PROV_REFRESH);
    if (c->refresh)
        json_decref(c->refresh);
    c->refresh = prov_plan_refresh(c->p->policy, &c->item, &c->facts);
    c->refresh_i = 0;
    c->refresh_failed = 0;
}

/* The CPE took the presets: remember which secret values it has now. */
static void mark_presets(prov_conv_t *c)
{
    size_t i;
    json_t *m;

    json_array_foreach(c->preset_marks, i, m)
    {
        json_t *d = json_pack("{s:s}", "digest", str(m, "digest"));
        char *detail = d ? json_dumps(d, JSON_COMPACT) : NULL;
        prov_conv_ref(c);
        if (!detail || prov_db_state_done(c->p->pg, c->item.device_id, str(m, "item"), detail,
                                          on_quiet, c) != 0)
            c->refs--;
        free(detail);
        json_decref(d);
    }
}

static void presets_result(prov_conv_t *c, const prov_result_t *r)
{
    if (strcmp(r->status, "ok") == 0) {
        acs_metric_inc(c->p->m.presets);
        mark_presets(c);
    } else {
        log_fault(c, "the CPE refused the preset values", r);
    }
    refresh_begin(c);
    step(c);
}

/* --- refresh ------------------------------------------------------------------- */

/* Send the next batch of the current stale set; 0 when every set is done. */
static int refresh_send(prov_conv_t *c)
{
    while (c->refresh_i < json_array_size(c->refresh)) {
        json_t *set = json_array_get(c->refresh, c->refresh_i);
        if (!c->batches) {
            c->batches =
                prov_plan_batches(json_object_get(set, "names"), c->p->policy->gpv_batch_size);
            c->batch_i = 0;
            c->refresh_failed = 0;
        }
        if (c->batch_i < json_array_size(c->batches))
            return send_gpv(c, json_array_get(c->batches, c->batch_i)) == 0;
        if (!c->refresh_failed) {
            acs_metric_inc(c->p->m.refreshes);
            prov_conv_note(c, "refresh=%s", str(set, "set"));
            prov_conv_ref(c);
            if (prov_db_state_done(c->p->pg, c->item.device_id, str(set, "item"), NULL, on_quiet,
                                   c) != 0)
                c->refs--;
        }
        json_decref(c->batches);
        c->batches = NULL;
        c->refresh_i++;
    }
    return 0;
}

static void refresh_result(prov_conv_t *c, const prov_result_t *r)
{
    if (strcmp(r->status, "ok") != 0) {
        log_fault(c, "the CPE refused a refresh read", r);
        c->refresh_failed = 1;
    }
    c->batch_i++;
    step(c);
}

/* --- firmware ------------------------------------------------------------------- */

static void release_slot(prov_conv_t *c, int forget_state)
{
    char item[PROV_CAMPAIGN_MAX + 16];

    if (c->fw_window[0]) {
        prov_conv_ref(c);
        if (prov_db_firmware_release(c->p->pg, c->fw, c->fw_window, on_quiet, c) != 0)
            c->refs--;
    }
    if (forget_state) {
        snprintf(item, sizeof item, "firmware:%s", c->fw->campaign);
        prov_conv_ref(c);
        if (prov_db_state_delete(c->p->pg, c->item.device_id, item, on_quiet, c) != 0)
            c->refs--;
    }
}

static void on_fw_start(int ok, int granted, const char *window, long long size, void *arg)
{
    prov_conv_t *c = arg;
    json_t *params;

    if (!prov_conv_unref(c))
        return;
    if (!ok || !granted) {
        acs_metric_inc(ok ? c->p->m.rollout_deferred : c->p->m.err_db);
        prov_conv_note(c, "firmware=%s", ok ? "deferred-batch" : "database-error");
        prov_conv_finish(c);
        return;
    }
    snprintf(c->fw_window, sizeof c->fw_window, "%s", window);
    params = prov_plan_download(c->fw, c->p->cfg.files_url, size);
    if (!params) {
        acs_log_kv(ACS_LOG_ERROR, "cannot build the firmware URL", "campaign", c->fw->campaign,
                   NULL);
        release_slot(c, 1);
        prov_conv_finish(c);
        return;
    }
    c->inflight = 'd';
    (void)prov_conv_rpc(c, "Download", params);
    json_decref(params);
}

/* Start a firmware upgrade if the device needs one and its turn has come;
 * 0 when there is nothing to start. */
static int firmware_start(prov_conv_t *c)
{
    const prov_firmware_t *fw = prov_plan_firmware_target(c->p->policy, &c->item);
    char name[PROV_NAME_MAX + 1];
    const char *version = NULL, *skip;

    if (!fw)
        return 0;
    if (prov_plan_resolve(c->item.data_root, "DeviceInfo.SoftwareVersion", name, sizeof name) == 0)
        version = prov_item_param(&c->item, name);
    if (!version)
        version = str(json_object_get(c->values, name), "value");
    skip = prov_plan_firmware_skip(fw, &c->item, &c->facts, version);
    if (skip) {
        if (strcmp(skip, "percent") == 0)
            acs_metric_inc(c->p->m.rollout_deferred);
        if (strcmp(skip, "current") != 0)
            prov_conv_note(c, "firmware=%s", skip);
        return 0;
    }
    c->fw = fw;
    prov_conv_ref(c);
    if (prov_db_firmware_start(c->p->pg, c->item.device_id, fw, on_fw_start, c) != 0) {
        c->refs--;
        acs_metric_inc(c->p->m.err_db);
        return 0;
    }
    return 1;
}

static void firmware_result(prov_conv_t *c, const prov_result_t *r)
{
    c->inflight = 0;
    if (strcmp(r->status, "ok") == 0) {
        acs_metric_inc(c->p->m.downloads);
        prov_conv_note(c, "firmware=download:%s", c->fw->version);
        acs_log_kv(ACS_LOG_INFO, "firmware download started", "device", c->item.device_id,
                   "campaign", c->fw->campaign, "version", c->fw->version, NULL);
    } else {
        log_fault(c, "the CPE refused the firmware download", r);
        prov_conv_note(c, "firmware=refused");
        release_slot(c, 0); /* retried after transfer_timeout_s */
    }
    prov_conv_finish(c);
}

/* --- the walk ------------------------------------------------------------------- */

static void walk(prov_conv_t *c)
{
    for (;;) {
        if (c->finished)
            return;
        switch (c->stage) {
        case PROV_READ:
            if (c->batch_i < json_array_size(c->batches)) {
                (void)send_gpv(c, json_array_get(c->batches, c->batch_i));
                return;
            }
            to_stage(c, PROV_BOOTSTRAP);
            break;
        case PROV_BOOTSTRAP:
            if (c->bootstrap) {
                bootstrap_start(c);
                return;
            }
            to_stage(c, PROV_PRESETS);
            break;
        case PROV_PRESETS:
            if (presets_start(c))
                return;
            refresh_begin(c);
            break;
        case PROV_REFRESH:
            if (refresh_send(c))
                return;
            to_stage(c, PROV_FIRMWARE);
            break;
        case PROV_FIRMWARE:
            if (!firmware_start(c))
                prov_conv_finish(c);
            return;
        default:
            return;
        }
    }
}

/* A publish that fails drops the conversation; the reference keeps it
 * alive until the walk has noticed. */
static void step(prov_conv_t *c)
{
    prov_conv_ref(c);
    walk(c);
    prov_conv_unref(c);
}

void prov_steps_result(prov_conv_t *c, const prov_result_t *r)
{
    switch (c->stage) {
    case PROV_READ:
        read_result(c, r);
        break;
    case PROV_BOOTSTRAP:
        bootstrap_result(c, r);
        break;
    case PROV_PRESETS:
        presets_result(c, r);
        break;
    case PROV_REFRESH:
        refresh_result(c, r);
        break;
    case PROV_FIRMWARE:
        firmware_result(c, r);
        break;
    default:
        break;
    }
}

void prov_steps_failed(prov_conv_t *c, int ran)
{
    char inflight = c->inflight;

    c->inflight = 0;
    if (ran)
        return; /* unknown outcome: keep what was reserved */
    if (inflight == 'b') {
        prov_conv_ref(c);
        if (prov_db_bootstrap_abort(c->p->pg, c->item.device_id, c->username, on_quiet, c) != 0)
            c->refs--;
    } else if (inflight == 'd') {
        release_slot(c, 1);
    }
}
