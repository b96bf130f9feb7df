/* gw_auth: who is speaking (cwmp-reference.md 1.4, DESIGN.md Security).
 *
 * Digest (MD5, qop auth or auth-int) with stateless signed nonces, so any
 * gateway can check a nonce another one issued. Basic only over TLS, unless
 * the operator allows it for the device's class (device_classes). The
 * database stores HA1 = MD5(user:realm:password), never the password.
 * Unique credentials (device_credentials) name their device: a CPE using
 * them must announce that DeviceId (else 403). So do pending credentials
 * (pending_credentials: the provisioner is setting them); the first Inform
 * they admit promotes them to unique ones (halyard_promote_credentials, in
 * the background: the Inform does not wait for it). Bootstrap credentials
 * (bootstrap_credentials, per OUI and ProductClass or '*') admit a device
 * only until it has unique ones; pending ones do not count.
 */
#include "gateway.h"

#include "acs_http_auth.h"
#include "acs_log.h"
#include "acs_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NONCE_MAX_AGE_S 300

typedef struct {
    gw_req_t *r;
    acs_auth_t a;
    gw_auth_done done;
} auth_ctx_t;

void gw_auth_challenge(gw_req_t *r, int stale, int close)
{
    gw_t *gw = r->gw;
    char nonce[ACS_NONCE_LEN], chal[600], extra[700];
    acs_digest_nonce_make(gw->cfg.cookie_key, gw->cfg.cookie_key_len, acs_now_wall_ms() / 1000,
                          nonce);
    acs_digest_challenge(gw->cfg.realm, nonce, "halyard", chal, sizeof chal);
    snprintf(extra, sizeof extra, "WWW-Authenticate: %s%s\r\n%s", chal,
             stale ? ", stale=true" : "", close ? "Connection: close\r\n" : "");
    gw_respond(r, 401, extra, "text/plain", NULL, 0);
}

static void refuse(auth_ctx_t *c, const char *why)
{
    acs_metric_inc(c->r->gw->m.err_auth);
    acs_log_kv(ACS_LOG_WARN, "authentication failed", "device", c->r->device, "username",
               c->a.username, "client", c->r->client_ip, "reason", why, NULL);
    gw_auth_challenge(c->r, 0, 1);
}

/* 1 if the credentials in c match ha1 (a row's realm for Basic). */
static int matches(auth_ctx_t *c, const char *ha1, const char *realm)
{
    gw_req_t *r = c->r;
    if (c->a.scheme == ACS_AUTH_BASIC) {
        char want[33];
        acs_digest_ha1(c->a.username, realm, c->a.password, want);
        return strlen(ha1) == 32 && acs_ct_equal(want, ha1, 32);
    }
    /* auth-int covers the entity as sent, before inflating or transcoding. */
    return acs_digest_verify(ha1, &c->a, "POST", r->scgi.body, r->scgi.content_length) == 0;
}

typedef struct {
    gw_t *gw;
    char device[ACS_DEVICE_ID_MAX + 1];
} promote_t;

static void on_promoted(PGresult *res, const char *err, void *arg)
{
    promote_t *p = arg;
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
        acs_metric_inc(p->gw->m.promote_failed);
        acs_log_kv(ACS_LOG_WARN, "promoting pending credentials failed; the next Inform retries",
                   "device", p->device, "error", err, NULL);
    } else if (PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0) {
        acs_metric_inc(p->gw->m.promoted);
        acs_log_kv(ACS_LOG_INFO, "pending credentials are now the device's", "device", p->device,
                   NULL);
    }
    free(p);
}

/* The CPE authenticated with its pending credentials, so it has them: make
 * them current. Not waited for; a failure leaves them pending, and they
 * keep working. */
static void promote(gw_req_t *r)
{
    promote_t *p = acs_xcalloc(1, sizeof *p);
    const char *params[] = {r->device};
    p->gw = r->gw;
    snprintf(p->device, sizeof p->device, "%s", r->device);
    if (acs_pg_query(r->gw->pg, "SELECT halyard_promote_credentials($1)", 1, params, on_promoted,
                     p) != 0)
        on_promoted(NULL, "database busy", p);
}

static void on_credentials(PGresult *res, const char *err, void *arg)
{
    auth_ctx_t *c = arg;
    gw_req_t *r = c->r;
    if (!gw_req_resume(r))
        goto out;
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
        acs_metric_inc(r->gw->m.err_db);
        acs_log_kv(ACS_LOG_WARN, "credential lookup failed", "device", r->device, "error", err,
                   NULL);
        gw_respond_busy(r, 30, "database unavailable");
        goto out;
    }
    for (int i = 0; i < PQntuples(res); i++) {
        const char *kind = PQgetvalue(res, i, 0), *owner = PQgetvalue(res, i, 1);
        int plain_ok = strcmp(PQgetvalue(res, i, 4), "t") == 0;
        if (c->a.scheme == ACS_AUTH_BASIC && !r->tls && !plain_ok) {
            refuse(c, "Basic authentication over plain HTTP is not allowed for this device class");
            goto out;
        }
        if (!matches(c, PQgetvalue(res, i, 2), PQgetvalue(res, i, 3)))
            continue;
        if (strcmp(kind, "bootstrap") != 0 && strcmp(owner, r->device) != 0) {
            acs_metric_inc(r->gw->m.err_auth);
            acs_log_kv(ACS_LOG_WARN, "DeviceId does not match the credentials", "device",
                       r->device, "credentials_of", owner, "client", r->client_ip, NULL);
            gw_respond_error(r, 403, "DeviceId does not match the credentials");
            goto out;
        }
        snprintf(r->username, sizeof r->username, "%s", c->a.username);
        r->credentials = strcmp(kind, "pending") == 0  ? "pending"
                         : strcmp(kind, "device") == 0 ? "device"
                                                       : "bootstrap";
        if (strcmp(kind, "pending") == 0)
            promote(r);
        c->done(r, 0);
        goto out;
    }
    refuse(c, PQntuples(res) ? "wrong password" : "unknown username");
out:
    free(c);
}

/* The request URI in the Digest header must be the one requested, or its
 * absolute form: scheme://authority followed by exactly that URI (a mere
 * suffix would let "/other/" stand for "/"). */
static int uri_ok(gw_req_t *r, const char *uri)
{
    const char *req = scgi_header(&r->scgi, "REQUEST_URI");
    const char *p = NULL;
    if (!req)
        return 1;
    if (strcmp(uri, req) == 0)
        return 1;
    if (strncasecmp(uri, "http://", 7) == 0)
        p = uri + 7;
    else if (strncasecmp(uri, "https://", 8) == 0)
        p = uri + 8;
    if (!p || *p == '/' || *p == '\0')
        return 0;
    p += strcspn(p, "/?#");
    return *p ? strcmp(p, req) == 0 : strcmp(req, "/") == 0;
}

void gw_auth_inform(gw_req_t *r, const cwmp_msg_t *inform, gw_auth_done done)
{
    gw_t *gw = r->gw;
    auth_ctx_t *c = acs_xcalloc(1, sizeof *c);
    c->r = r;
    c->done = done;
    if (acs_auth_parse(scgi_header(&r->scgi, "HTTP_AUTHORIZATION"), &c->a) != 0 ||
        c->a.scheme == ACS_AUTH_NONE) {
        refuse(c, "malformed Authorization header");
        free(c);
        return;
    }
    if (c->a.scheme == ACS_AUTH_DIGEST) {
        if (acs_digest_nonce_check(gw->cfg.cookie_key, gw->cfg.cookie_key_len, c->a.nonce,
                                   acs_now_wall_ms() / 1000, NONCE_MAX_AGE_S) != 0) {
            /* Expired or foreign nonce: a fresh challenge, not a failure. */
            gw_auth_challenge(r, 1, 0);
            free(c);
            return;
        }
        if (!uri_ok(r, c->a.uri)) {
            refuse(c, "Digest uri does not match the request");
            free(c);
            return;
        }
    }
    json_t *dev = json_object_get(inform->body, "device");
    const char *p[] = {c->a.username, json_string_value(json_object_get(dev, "oui")),
                       json_string_value(json_object_get(dev, "product_class")), r->device};
    int rc = acs_pg_query(
        gw->pg,
        "WITH cls AS (SELECT coalesce(bool_or(allow_basic_plain), false) AS plain "
        "  FROM device_classes WHERE upper(oui) = upper($2) AND product_class IN ($3, '*')) "
        "SELECT 'pending', p.device_id, p.ha1, p.realm, cls.plain FROM pending_credentials p, cls "
        "  WHERE p.username = $1 "
        "UNION ALL "
        "SELECT 'device', d.device_id, d.ha1, d.realm, cls.plain FROM device_credentials d, cls "
        "  WHERE d.username = $1 "
        "UNION ALL "
        "SELECT 'bootstrap', '', b.ha1, b.realm, cls.plain FROM bootstrap_credentials b, cls "
        "  WHERE b.username = $1 AND upper(b.oui) = upper($2) AND b.product_class IN ($3, '*') "
        "  AND NOT EXISTS (SELECT 1 FROM device_credentials x WHERE x.device_id = $4)",
        4, p, on_credentials, c);
    if (rc != 0) {
        gw_respond_busy(r, 30, "database busy");
        free(c);
        return;
    }
    GW_HOLD(r);
}
