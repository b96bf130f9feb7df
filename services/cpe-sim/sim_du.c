/* sim_du: deployment units (ChangeDUState, cwmp-reference.md 3.2): parsing
 * the operations, the "cpe-sim du <name> <version>" file header, and
 * applying the operations once their files were fetched, which yields the
 * DUStateChangeComplete (or AutonomousDUStateChangeComplete) to send.
 *
 * The installed DUs live in the device's sim_xfer_t (saved with it); see
 * sim_xfer_int.h. Pure: no I/O, nothing blocks.
 */
#include "sim_xfer_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acs_log.h"
#include "acs_util.h"
#include "sim_device.h"
#include "sim_soap.h"

/* ---- the DU list ---- */

void sim_du_clear(sim_du_t *du)
{
    free(du->uuid);
    free(du->name);
    free(du->version);
    free(du->url);
    memset(du, 0, sizeof *du);
}

sim_du_t *sim_du_find(sim_xfer_t *x, const char *uuid)
{
    for (size_t i = 0; i < x->ndus; i++) {
        if (strcasecmp(x->dus[i].uuid, uuid) == 0)
            return &x->dus[i];
    }
    return NULL;
}

static sim_du_t *find_by_url(sim_xfer_t *x, const char *url)
{
    for (size_t i = 0; i < x->ndus; i++) {
        if (strcmp(x->dus[i].url, url) == 0)
            return &x->dus[i];
    }
    return NULL;
}

int sim_du_uuid_ok(const char *s)
{
    static const int dash[] = {8, 13, 18, 23};
    if (strlen(s) != 36)
        return 0;
    for (int i = 0, k = 0; i < 36; i++) {
        if (k < 4 && i == dash[k]) {
            if (s[i] != '-')
                return 0;
            k++;
        } else if (!isxdigit((unsigned char)s[i])) {
            return 0;
        }
    }
    return 1;
}

/* ---- parsing the RPC ---- */

/* The local part of node's xsi:type ("InstallOpStruct"), or "" (owned). */
static char *xsi_type(xmlNodePtr node)
{
    xmlChar *t = xmlGetNsProp(node, (const xmlChar *)"type", (const xmlChar *)SIM_XSI_NS);
    const char *s, *colon;
    char *out;

    if (!t)
        return acs_xstrdup("");
    s = (const char *)t;
    colon = strrchr(s, ':');
    out = acs_xstrdup(colon ? colon + 1 : s);
    xmlFree(t);
    return out;
}

/* Text of child name into *out: 9003 if longer than max or (required) empty. */
static int op_str(xmlNodePtr op, const char *name, size_t max, int required, int raw, char **out)
{
    xmlNodePtr n = sim_soap_child(op, name);
    *out = raw ? sim_soap_text_raw(n) : sim_soap_text(n);
    if (strlen(*out) > max || (required && !(*out)[0]))
        return 9003;
    return 0;
}

static int parse_op(xmlNodePtr node, const char *type, sim_du_op_t *op)
{
    int rc;

    if (strcmp(type, "InstallOpStruct") == 0)
        op->type = SIM_DU_INSTALL;
    else if (strcmp(type, "UpdateOpStruct") == 0)
        op->type = SIM_DU_UPDATE;
    else if (strcmp(type, "UninstallOpStruct") == 0)
        op->type = SIM_DU_UNINSTALL;
    else
        return 9003;
    if ((rc = op_str(node, "URL", SIM_XFER_DU_URL_MAX, op->type == SIM_DU_INSTALL, 0, &op->url)) ||
        (rc = op_str(node, "UUID", 36, op->type == SIM_DU_UNINSTALL, 0, &op->uuid)) ||
        (rc = op_str(node, "Username", SIM_XFER_NAME_MAX, 0, 1, &op->username)) ||
        (rc = op_str(node, "Password", SIM_XFER_NAME_MAX, 0, 1, &op->password)) ||
        (rc = op_str(node, "Version", 32, 0, 0, &op->version)) ||
        (rc = op_str(node, "ExecutionEnvRef", SIM_XFER_NAME_MAX, 0, 0, &op->ee_ref)))
        return rc;
    if (op->type == SIM_DU_UPDATE && !op->uuid[0] && !op->url[0])
        return 9003; /* nothing says which DU */
    if (op->uuid[0] && !sim_du_uuid_ok(op->uuid))
        return 9022;
    if (op->url[0])
        return sim_xfer_url_check(op->url);
    return 0;
}

/* Add the operation in node (its xsi:type, or else its element name). */
static int add_op(sim_job_t *j, xmlNodePtr node)
{
    char *type = xsi_type(node);
    int rc;

    if (!type[0]) {
        free(type);
        type = acs_xstrdup((const char *)node->name);
    }
    if (j->nops == SIM_XFER_DU_OPS_MAX) {
        free(type);
        return 9004;
    }
    j->ops = acs_xrealloc(j->ops, (j->nops + 1) * sizeof *j->ops);
    memset(&j->ops[j->nops], 0, sizeof *j->ops);
    rc = parse_op(node, type, &j->ops[j->nops++]);
    free(type);
    return rc;
}

static xmlNodePtr first_element(xmlNodePtr n)
{
    while (n && n->type != XML_ELEMENT_NODE)
        n = n->next;
    return n;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Operations are repeated <Operations xsi:type="cwmp:InstallOpStruct">
 * elements (cwmp-1-2.xsd); an <Operations> array holding <InstallOpStruct>
 * children is accepted too. */
int sim_du_parse_rpc(xmlNodePtr rpc, sim_job_t *j)
{
    int rc = 0;

    memset(j, 0, sizeof *j);
    j->command_key = sim_soap_text_raw(sim_soap_child(rpc, "CommandKey"));
    if (strlen(j->command_key) > 32)
        rc = 9003;
    for (xmlNodePtr c = rpc->children; c && !rc; c = c->next) {
        xmlNodePtr first;
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "Operations") != 0)
            continue;
        first = first_element(c->children);
        if (!xmlHasNsProp(c, (const xmlChar *)"type", (const xmlChar *)SIM_XSI_NS) && first &&
            ends_with((const char *)first->name, "OpStruct")) {
            for (xmlNodePtr op = first; op && !rc; op = op->next) {
                if (op->type == XML_ELEMENT_NODE)
                    rc = add_op(j, op);
            }
        } else {
            rc = add_op(j, c);
        }
    }
    if (!rc && j->nops == 0)
        rc = 9003;
    if (rc)
        sim_xfer_job_clear(j);
    return rc;
}

/* ---- the file header ---- */

/* One space-free token of at most cap-1 printable bytes at *p; advances. */
static int token(const char **p, const char *end, char *out, size_t cap)
{
    size_t n = 0;
    while (*p < end && **p != ' ' && **p != '\n') {
        unsigned char ch = (unsigned char)**p;
        if (ch < 0x21 || ch > 0x7e || n + 1 >= cap)
            return -1;
        out[n++] = (char)ch;
        (*p)++;
    }
    out[n] = '\0';
    return n ? 0 : -1;
}

int sim_du_parse_header(const char *data, size_t len, char *name, size_t namecap, char *version,
                        size_t vercap)
{
    static const char magic[] = "cpe-sim du ";
    const char *p = data, *end = data + len;

    if (len < sizeof magic - 1 || memcmp(data, magic, sizeof magic - 1) != 0)
        return -1;
    p += sizeof magic - 1;
    if (token(&p, end, name, namecap) != 0 || p >= end || *p++ != ' ' ||
        token(&p, end, version, vercap) != 0 || p >= end || *p != '\n')
        return -1;
    return 0;
}

/* The name of a DU without a header: the URL's last path segment. */
static void name_from_url(const char *url, char *out, size_t cap)
{
    const char *q = url + strcspn(url, "?#");
    const char *s = q;
    while (s > url && s[-1] != '/')
        s--;
    size_t n = (size_t)(q - s);
    if (n == 0 || n >= cap)
        snprintf(out, cap, "du");
    else
        snprintf(out, cap, "%.*s", (int)n, s);
}

/* ---- the data model's DeploymentUnit table ----
 *
 * When the model has <root>SoftwareModules.DeploymentUnit.{i}., each DU is
 * mirrored there (the leaves the model has of UUID, Name, Version, Status,
 * URL, Resolved), so GetParameterValues shows it; the DU list in sim_xfer_t
 * stays the authority for ChangeDUState. */

static void du_table(const sim_device_t *d, char *out, size_t cap)
{
    snprintf(out, cap, "%sSoftwareModules.DeploymentUnit.", sim_model_root(sim_device_model(d)));
}

/* Add du to the model's table; its instance number, or 0 if not mirrored. */
static unsigned mirror_add(sim_device_t *d, const sim_du_t *du)
{
    static const char *const leaves[] = {"UUID", "Name", "Version", "Status", "URL", "Resolved"};
    const char *values[] = {du->uuid, du->name, du->version, "Installed", du->url, "true"};
    const char *l[6], *v[6];
    const sim_model_t *m = sim_device_model(d);
    char table[128], name[192], err[160];
    size_t n = 0;
    long inst;

    du_table(d, table, sizeof table);
    if (sim_model_find(m, table) < 0)
        return 0;
    for (size_t i = 0; i < 6; i++) {
        snprintf(name, sizeof name, "%s{i}.%s", table, leaves[i]);
        if (sim_model_find(m, name) >= 0) {
            l[n] = leaves[i];
            v[n++] = values[i];
        }
    }
    inst = sim_device_tree_add_instance(d, table, l, v, n, err, sizeof err);
    if (inst < 0) {
        acs_log_kv(ACS_LOG_WARN, "DU not shown in the data model", "serial", sim_device_serial(d),
                   "reason", err, NULL);
        return 0;
    }
    return (unsigned)inst;
}

static void mirror_set(sim_device_t *d, const sim_du_t *du, const char *leaf, const char *value)
{
    char name[192];
    if (!du->mirrored)
        return;
    du_table(d, name, sizeof name);
    snprintf(name + strlen(name), sizeof name - strlen(name), "%u.%s", du->instance, leaf);
    if (sim_device_cpe_set(d, name, value) < 0)
        return; /* the model lacks the leaf */
}

static void mirror_delete(sim_device_t *d, const sim_du_t *du)
{
    char name[192];
    if (!du->mirrored)
        return;
    du_table(d, name, sizeof name);
    snprintf(name + strlen(name), sizeof name - strlen(name), "%u.", du->instance);
    if (sim_device_tree_delete_instance(d, name) != 0)
        return; /* gone already (a configuration restore) */
}

/* ---- applying ---- */

const char *sim_du_fetch_url(sim_xfer_t *x, const sim_du_op_t *op)
{
    sim_du_t *du;

    if (op->type == SIM_DU_UNINSTALL)
        return NULL;
    if (op->url[0])
        return op->url;
    du = op->uuid[0] ? sim_du_find(x, op->uuid) : NULL;
    return du ? du->url : NULL;
}

static void set_ref(const sim_device_t *d, const sim_du_t *du, sim_du_result_t *r)
{
    char ref[96];
    snprintf(ref, sizeof ref, "%sSoftwareModules.DeploymentUnit.%u",
             sim_model_root(sim_device_model(d)), du->instance);
    free(r->du_ref);
    r->du_ref = acs_xstrdup(ref);
    free(r->version);
    r->version = acs_xstrdup(du->version);
}

static void fail_result(sim_du_result_t *r, int code, const char *text)
{
    r->fault_code = code;
    free(r->fault_string);
    r->fault_string = acs_xstrdup(text ? text : sim_soap_fault_string(code));
}

static void install(sim_xfer_t *x, sim_device_t *d, const sim_du_op_t *op, const sim_du_fetch_t *f,
                    sim_du_result_t *r)
{
    char uuid[37], name[65];
    sim_du_t *du;

    r->current_state = acs_xstrdup("Failed");
    if (f->fault) {
        fail_result(r, f->fault, f->fault_string);
        return;
    }
    if (op->uuid[0])
        snprintf(uuid, sizeof uuid, "%s", op->uuid);
    else
        acs_uuid(uuid);
    free(r->uuid);
    r->uuid = acs_xstrdup(uuid);
    if (sim_du_find(x, uuid)) {
        fail_result(r, 9026, NULL);
        return;
    }
    if (x->ndus >= SIM_XFER_DU_MAX) {
        fail_result(r, 9027, NULL);
        return;
    }
    if (f->has_header)
        snprintf(name, sizeof name, "%s", f->name);
    else
        name_from_url(op->url, name, sizeof name);
    x->dus = acs_xrealloc(x->dus, (x->ndus + 1) * sizeof *x->dus);
    du = &x->dus[x->ndus++];
    du->uuid = acs_xstrdup(uuid);
    du->name = acs_xstrdup(name);
    du->version = acs_xstrdup(f->has_header ? f->version : "");
    du->url = acs_xstrdup(op->url);
    du->instance = mirror_add(d, du);
    du->mirrored = du->instance != 0;
    if (!du->mirrored)
        du->instance = x->next_du_instance;
    if (du->instance >= x->next_du_instance)
        x->next_du_instance = du->instance + 1;
    set_ref(d, du, r);
    free(r->current_state);
    r->current_state = acs_xstrdup("Installed");
    r->resolved = 1;
}

static void update(sim_xfer_t *x, sim_device_t *d, const sim_du_op_t *op, const sim_du_fetch_t *f,
                   sim_du_result_t *r)
{
    sim_du_t *du = op->uuid[0] ? sim_du_find(x, op->uuid) : find_by_url(x, op->url);
    const char *version;

    if (!du) {
        r->current_state = acs_xstrdup("Failed");
        fail_result(r, 9028, NULL);
        return;
    }
    free(r->uuid);
    r->uuid = acs_xstrdup(du->uuid);
    r->current_state = acs_xstrdup("Installed");
    r->resolved = 1;
    set_ref(d, du, r);
    version = f->has_header ? f->version : op->version;
    if (f->fault)
        fail_result(r, f->fault, f->fault_string);
    else if (!version[0])
        fail_result(r, 9031, NULL);
    else if (strcmp(version, du->version) == 0)
        fail_result(r, 9032, NULL);
    else {
        free(du->version);
        du->version = acs_xstrdup(version);
        mirror_set(d, du, "Version", version);
        if (op->url[0]) {
            free(du->url);
            du->url = acs_xstrdup(op->url);
            mirror_set(d, du, "URL", op->url);
        }
        set_ref(d, du, r);
    }
}

static void uninstall(sim_xfer_t *x, sim_device_t *d, const sim_du_op_t *op, sim_du_result_t *r)
{
    sim_du_t *du = sim_du_find(x, op->uuid);

    if (!du || (op->version[0] && strcmp(op->version, du->version) != 0)) {
        r->current_state = acs_xstrdup("Failed");
        fail_result(r, 9028, NULL);
        return;
    }
    set_ref(d, du, r);
    r->current_state = acs_xstrdup("Uninstalled");
    r->resolved = 1;
    mirror_delete(d, du);
    sim_du_clear(du);
    *du = x->dus[--x->ndus];
    if (x->ndus == 0) {
        free(x->dus);
        x->dus = NULL;
    }
}

void sim_du_apply(sim_xfer_t *x, sim_device_t *d, const sim_job_t *j, const sim_du_fetch_t *fetched,
                  int64_t start_ms, int64_t now_ms, sim_req_t *req)
{
    static const char *const opname[] = {"Install", "Update", "Uninstall"};
    int autonomous = j->kind == SIM_JOB_AUTO_DU;

    memset(req, 0, sizeof *req);
    req->type =
        autonomous ? SIM_REQ_AUTONOMOUS_DU_STATE_CHANGE_COMPLETE : SIM_REQ_DU_STATE_CHANGE_COMPLETE;
    req->event = autonomous ? NULL : acs_xstrdup("M ChangeDUState");
    req->command_key = sim_xfer_strdup(j->command_key);
    req->results = acs_xcalloc(j->nops ? j->nops : 1, sizeof *req->results);
    req->nresults = j->nops;
    for (size_t i = 0; i < j->nops; i++) {
        const sim_du_op_t *op = &j->ops[i];
        sim_du_result_t *r = &req->results[i];

        r->uuid = acs_xstrdup(op->uuid);
        r->du_ref = acs_xstrdup("");
        r->version = acs_xstrdup(op->version);
        r->operation = acs_xstrdup(opname[op->type]);
        r->fault_string = acs_xstrdup("");
        r->start_ms = start_ms;
        r->complete_ms = now_ms;
        if (op->type == SIM_DU_INSTALL)
            install(x, d, op, &fetched[i], r);
        else if (op->type == SIM_DU_UPDATE)
            update(x, d, op, &fetched[i], r);
        else
            uninstall(x, d, op, r);
    }
}
