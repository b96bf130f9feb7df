/* sim_xfer_apply: what a simulated CPE does with a file it downloaded
 * (firmware image, configuration file), what it uploads, and the report
 * of a finished transfer. Pure: bytes and a device in; nothing blocks.
 */
#include "sim_xfer_apply.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acs_util.h"
#include "sim_device.h"
#include "sim_soap.h"

int sim_xfer_parse_firmware(const char *data, size_t len, char *version, size_t cap)
{
    static const char magic[] = "cpe-sim firmware ";
    const char *p, *nl;
    size_t n;

    if (len < sizeof magic - 1 || memcmp(data, magic, sizeof magic - 1) != 0)
        return -1;
    p = data + sizeof magic - 1;
    nl = memchr(p, '\n', len - (size_t)(p - data));
    if (!nl)
        return -1;
    n = (size_t)(nl - p);
    if (n == 0 || n >= cap || n > SIM_XFER_VERSION_MAX)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch < 0x21 || ch > 0x7e)
            return -1;
    }
    memcpy(version, p, n);
    version[n] = '\0';
    return 0;
}

/* Simulate a restart that no Reboot RPC ordered: uptime restarts and the
 * next Inform carries "1 BOOT" (sim_device_reboot also raises "M Reboot",
 * which is taken out again). */
void sim_xfer_device_boot(sim_device_t *d)
{
    const sim_event_t *ev;
    size_t n, skip = (size_t)-1;
    char **code, **key;

    sim_device_reboot(d, "");
    n = sim_device_events(d, &ev);
    for (size_t i = n; i-- > 0;) {
        if (strcmp(ev[i].code, "M Reboot") == 0 && ev[i].command_key[0] == '\0') {
            skip = i;
            break;
        }
    }
    if (skip == (size_t)-1)
        return;
    code = acs_xcalloc(n, sizeof *code);
    key = acs_xcalloc(n, sizeof *key);
    for (size_t i = 0; i < n; i++) {
        code[i] = acs_xstrdup(ev[i].code);
        key[i] = acs_xstrdup(ev[i].command_key);
    }
    sim_device_events_clear(d);
    for (size_t i = 0; i < n; i++) {
        if (i != skip)
            sim_device_event_add(d, code[i], key[i]);
        free(code[i]);
        free(key[i]);
    }
    free(code);
    free(key);
}

static int apply_firmware(sim_device_t *d, const char *data, size_t len, char *fs, size_t fslen)
{
    const sim_model_t *m = sim_device_model(d);
    char version[SIM_XFER_VERSION_MAX + 1], name[128];

    if (sim_xfer_parse_firmware(data, len, version, sizeof version) != 0) {
        snprintf(fs, fslen, "not a cpe-sim firmware image");
        return 9018;
    }
    /* The CPE's own change: notified (4 VALUE CHANGE) if the ACS asked. A
     * model without the parameter still "upgrades". */
    snprintf(name, sizeof name, "%sDeviceInfo.SoftwareVersion", sim_model_root(m));
    if (sim_device_cpe_set(d, name, version) < 0 && sim_model_find(m, name) >= 0) {
        snprintf(fs, fslen, "version %s does not fit DeviceInfo.SoftwareVersion", version);
        return 9018;
    }
    sim_xfer_device_boot(d);
    return 0;
}

static int apply_config(sim_device_t *d, const char *data, size_t len, char *fs, size_t fslen)
{
    json_error_t jerr;
    json_t *cfg = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    char err[200];
    int rc = 0;

    if (!cfg || !json_is_object(cfg)) {
        snprintf(fs, fslen, "configuration is not a JSON object");
        rc = 9018;
    } else if (sim_device_config_import(d, cfg, err, sizeof err) != 0) {
        snprintf(fs, fslen, "configuration refused: %s", err);
        rc = 9018;
    } else {
        sim_xfer_device_boot(d);
    }
    json_decref(cfg);
    return rc;
}

int sim_xfer_apply_download(sim_device_t *d, const char *file_type, uint64_t file_size,
                            const char *data, size_t len, int *reboot, char *fs, size_t fslen)
{
    int rc = 0;

    *reboot = 0;
    fs[0] = '\0';
    if (file_size && file_size != (uint64_t)len) {
        snprintf(fs, fslen, "received %zu bytes, FileSize says %" PRIu64, len, file_size);
        return (uint64_t)len < file_size ? 9017 : 9018;
    }
    if (strcmp(file_type, "1 Firmware Upgrade Image") == 0)
        rc = apply_firmware(d, data, len, fs, fslen);
    else if (strcmp(file_type, "3 Vendor Configuration File") == 0)
        rc = apply_config(d, data, len, fs, fslen);
    else
        return 0; /* other types: nothing to apply */
    *reboot = rc == 0;
    return rc;
}

void sim_xfer_upload_body(sim_device_t *d, const char *file_type, acs_buf_t *out,
                          const char **content_type)
{
    const sim_model_t *m = sim_device_model(d);
    char t[32], name[128];
    acs_buf_t v = ACS_BUF_INIT;
    sim_tmpl_ctx_t ctx;
    long i;

    if (strncmp(file_type, "1 ", 2) == 0 || strncmp(file_type, "3 ", 2) == 0) {
        json_t *cfg = sim_device_config_export(d);
        char *text = json_dumps(cfg, JSON_INDENT(1) | JSON_SORT_KEYS);
        acs_buf_puts(out, text ? text : "{}");
        acs_buf_puts(out, "\n");
        free(text);
        json_decref(cfg);
        *content_type = "application/json";
        return;
    }
    /* A vendor log: a few lines a test can recognise. */
    sim_device_ctx(d, &ctx);
    snprintf(name, sizeof name, "%sDeviceInfo.SoftwareVersion", sim_model_root(m));
    i = sim_model_find(m, name);
    if (i >= 0)
        sim_device_value(d, (size_t)i, &v);
    acs_buf_printf(out, "cpe-sim log %s\n", sim_device_serial(d));
    acs_buf_printf(out, "%s uptime %" PRId64 " s\n", sim_xfer_time(acs_now_wall_ms(), t),
                   ctx.uptime_s);
    acs_buf_printf(out, "%s software version %s\n", t, v.data ? v.data : "");
    acs_buf_printf(out, "%s file type %s\n", t, file_type);
    acs_buf_free(&v);
    *content_type = "text/plain";
}

void sim_xfer_make_report(const sim_job_t *j, int fault, const char *fs, int64_t start_ms,
                          int64_t end_ms, uint64_t bytes, sim_req_t *r)
{
    char ev[48];

    memset(r, 0, sizeof *r);
    r->command_key = sim_xfer_strdup(j->command_key);
    r->fault_code = fault;
    r->fault_string = acs_xstrdup(fault ? (fs && fs[0] ? fs : sim_soap_fault_string(fault)) : "");
    r->start_ms = start_ms;
    r->complete_ms = end_ms;
    if (j->kind == SIM_JOB_AUTO_DOWNLOAD) {
        r->type = SIM_REQ_AUTONOMOUS_TRANSFER_COMPLETE;
        r->url = sim_xfer_strdup(j->url);
        r->file_type = sim_xfer_strdup(j->file_type);
        r->target_file_name = sim_xfer_strdup(j->target_file_name);
        r->is_download = 1;
        r->file_size = fault ? 0 : bytes;
        return;
    }
    r->type = SIM_REQ_TRANSFER_COMPLETE;
    snprintf(ev, sizeof ev, "M %s", sim_xfer_job_method(j->kind));
    r->event = acs_xstrdup(ev);
}

int sim_xfer_fetch_fault(int is_download, sim_fetch_outcome_t outcome)
{
    switch (outcome) {
    case SIM_FETCH_OK:
        return 0;
    case SIM_FETCH_NO_CONTACT:
        return 9015;
    case SIM_FETCH_AUTH:
        return 9012;
    case SIM_FETCH_BROKEN:
        return is_download ? 9017 : 9011;
    case SIM_FETCH_TOO_LARGE:
    case SIM_FETCH_STATUS:
    default:
        return is_download ? 9010 : 9011;
    }
}
