/* gw_session: one POST of a CWMP session (cwmp-reference.md 1.1).
 *
 * An Inform opens a session: authenticate, take the device's lease (one
 * live session per device), publish the inform event with a publisher
 * confirm, and only then answer InformResponse with the signed state. Any
 * other POST continues a session found by its cookie, or, for a CPE that
 * ignores cookies, by its TCP connection through nginx (quirk 1): a CPE
 * request goes to gw_cpereq.c, an answer or an empty POST to gw_rpc.c.
 */
#include "gateway.h"

#include "acs_log.h"
#include "acs_topology.h"
#include "acs_util.h"

#include <ctype.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#define CHARSET_MAX 40

const char *gw_session_ns(int minor, char buf[40])
{
    snprintf(buf, 40, "urn:dslforum-org:cwmp-1-%d", minor < 0 ? 0 : minor);
    return buf;
}

/* --- body decoding -------------------------------------------------------- */

/* Inflate a gzip or deflate body (quirk 19) into r->inflated, bounded by
 * max_body. 0, or -1 when it is not valid compressed data or too large. */
static int inflate_body(gw_req_t *r, int gzip)
{
    z_stream z;
    size_t cap = (size_t)r->gw->cfg.max_body;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, gzip ? 15 + 16 : 15 + 32) != Z_OK)
        return -1;
    r->inflated = acs_xmalloc(cap + 1);
    z.next_in = (unsigned char *)r->body;
    z.avail_in = (unsigned)r->body_len;
    z.next_out = (unsigned char *)r->inflated;
    z.avail_out = (unsigned)cap;
    int rc = inflate(&z, Z_FINISH);
    size_t n = cap - z.avail_out;
    inflateEnd(&z);
    if (rc != Z_STREAM_END)
        return -1;
    r->inflated[n] = '\0';
    r->body = r->inflated;
    r->body_len = n;
    return 0;
}

/* The charset parameter of a Content-Type value into cs (CHARSET_MAX + 1
 * bytes): 1 if there is one, 0 if not, -1 if it is not a charset name. */
static int http_charset(const char *ctype, char *cs)
{
    const char *p = ctype;
    while (p && (p = strchr(p, ';')) != NULL) {
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncasecmp(p, "charset", 7) != 0)
            continue;
        p += 7;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p++ != '=')
            return -1;
        while (*p == ' ' || *p == '\t' || *p == '"')
            p++;
        size_t n = 0;
        while (p[n] && (isalnum((unsigned char)p[n]) || strchr("-_.:+()", p[n])))
            n++;
        if (n == 0 || n > CHARSET_MAX)
            return -1;
        memcpy(cs, p, n);
        cs[n] = '\0';
        return 1;
    }
    return 0;
}

/* The body's XML declaration, if any, would name its original encoding:
 * skip it once the body is UTF-8 (libxml2 then reads UTF-8, its default). */
static size_t xml_decl_len(const char *b, size_t n)
{
    size_t i = 0;
    while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
        i++;
    if (n - i < 6 || memcmp(b + i, "<?xml", 5) != 0 || !strchr(" \t\r\n", b[i + 5]))
        return 0;
    const char *end = memmem(b + i, n - i, "?>", 2);
    return end ? (size_t)(end - b) + 2 : 0;
}

/* Content-Type charset first, then the XML declaration, then UTF-8
 * (cwmp-reference.md 1.2, quirk 19): a body in another charset (ISO-8859-1
 * occurs) becomes UTF-8 in r->transcoded. 0, or 400 for an unknown charset
 * or bytes that are not in it. */
static int transcode_body(gw_req_t *r)
{
    const char *ct = scgi_header(&r->scgi, "CONTENT_TYPE");
    char cs[CHARSET_MAX + 1];
    int rc = http_charset(ct ? ct : scgi_header(&r->scgi, "HTTP_CONTENT_TYPE"), cs);
    if (rc == 0 || r->body_len == 0)
        return 0;
    if (rc < 0)
        return 400;
    if (strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0 ||
        strcasecmp(cs, "us-ascii") == 0)
        return 0;
    iconv_t cd = iconv_open("UTF-8", cs);
    if (cd == (iconv_t)-1)
        return 400;
    /* At most three UTF-8 bytes per input byte: a one-byte code is a BMP
     * character, and a four-byte UTF-8 one takes four input bytes. */
    size_t cap = r->body_len * 3;
    char *in = (char *)r->body, *out = r->transcoded = acs_xmalloc(cap + 1);
    size_t inleft = r->body_len, outleft = cap;
    size_t n = iconv(cd, &in, &inleft, &out, &outleft);
    if (n != (size_t)-1)
        n = iconv(cd, NULL, NULL, &out, &outleft);
    iconv_close(cd);
    if (n == (size_t)-1)
        return 400;
    n = cap - outleft;
    r->transcoded[n] = '\0';
    size_t skip = xml_decl_len(r->transcoded, n);
    r->body = r->transcoded + skip;
    r->body_len = n - skip;
    return 0;
}

/* Undo Content-Encoding, then the charset. 0, or an HTTP status with the
 * reason in *why. */
static int decode_body(gw_req_t *r, const char **why)
{
    const char *enc = scgi_header(&r->scgi, "HTTP_CONTENT_ENCODING");
    int rc = 0;
    *why = "bad compressed body";
    /* An empty POST stays empty whatever its headers say (quirk 5: CPEs
     * with compression on label every POST). */
    if (r->body_len == 0 || !enc || !*enc || strcasecmp(enc, "identity") == 0)
        rc = 0;
    else if (strcasecmp(enc, "gzip") == 0 || strcasecmp(enc, "x-gzip") == 0)
        rc = inflate_body(r, 1) == 0 ? 0 : 400;
    else if (strcasecmp(enc, "deflate") == 0)
        rc = inflate_body(r, 0) == 0 ? 0 : 400;
    else
        rc = 415;
    if (rc == 415)
        *why = "unsupported Content-Encoding";
    if (rc)
        return rc;
    *why = "unknown charset, or a body not in its charset";
    return transcode_body(r);
}

static void read_connection(gw_req_t *r)
{
    const char *client = scgi_header(&r->scgi, "HALYARD_CLIENT");
    const char *conn = scgi_header(&r->scgi, "HALYARD_CONNECTION");
    const char *addr = scgi_header(&r->scgi, "REMOTE_ADDR");
    const char *https = scgi_header(&r->scgi, "HTTPS");
    if (client && conn && *conn)
        snprintf(r->conn_key, sizeof r->conn_key, "%s/%s", client, conn);
    snprintf(r->client_ip, sizeof r->client_ip, "%s", addr ? addr : "");
    r->tls = https && strcasecmp(https, "on") == 0;
}

/* --- the Inform ---------------------------------------------------------- */

static void on_lease_released(PGresult *res, const char *err, void *arg)
{
    gw_req_t *r = arg;
    if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
        acs_log_kv(ACS_LOG_WARN, "releasing the lease failed; it expires on its own", "device",
                   r->st.device, "error", err, NULL);
    gw_req_resume(r);
}

static void release_lease(gw_req_t *r)
{
    const char *p[] = {r->st.sid, r->st.device};
    if (acs_pg_query(r->gw->pg, "DELETE FROM live_sessions WHERE session_id = $1 AND device_id = $2",
                     2, p, on_lease_released, r) == 0)
        GW_HOLD(r);
}

static acs_metric_t *admitted_counter(gw_t *gw, const char *credentials)
{
    if (!credentials || strcmp(credentials, "none") == 0)
        return gw->m.auth_none;
    return strcmp(credentials, "device") == 0    ? gw->m.auth_device
           : strcmp(credentials, "pending") == 0 ? gw->m.auth_pending
                                                 : gw->m.auth_bootstrap;
}

static void on_inform_published(acs_amqp_status_t status, acs_amqp_msg_t *m, void *arg)
{
    gw_req_t *r = arg;
    gw_t *gw = r->gw;
    char ns[40];
    acs_buf_t xml = ACS_BUF_INIT;
    if (!gw_req_resume(r))
        return;
    if (status != ACS_AMQP_OK) {
        acs_metric_inc(gw->m.err_broker);
        acs_log_kv(ACS_LOG_WARN, "inform not confirmed by the broker; answering 503", "device",
                   r->st.device, "status", status == ACS_AMQP_NACK ? "nack" : "down", NULL);
        release_lease(r);
        gw_respond_busy(r, 30, "message broker unavailable");
        return;
    }
    acs_metric_inc(gw->m.informs);
    acs_metric_inc(gw->m.sessions_started);
    acs_metric_inc(admitted_counter(gw, r->credentials));
    acs_log_kv(ACS_LOG_INFO, "session started", "device", r->st.device, "session", r->st.sid,
               "client", r->client_ip, NULL);
    cwmp_build_inform_response(&xml, gw_session_ns(r->msg.ns_minor, ns), r->msg.id,
                               r->st.use_version[0] ? r->st.use_version : NULL);
    gw_respond_envelope(r, &xml);
}

static json_t *inform_event(gw_req_t *r, const char *version)
{
    gw_t *gw = r->gw;
    char ns[40], now[32], q[ACS_DEVICE_ID_MAX + 32];
    json_t *ev = gw_event_base("inform", r->st.device, r->st.sid);
    json_object_update(ev, r->msg.body);
    json_object_set_new(ev, "cwmp_version", json_string(version));
    json_object_set_new(ev, "cwmp_ns", json_string(gw_session_ns(r->msg.ns_minor, ns)));
    json_object_set_new(ev, "remote_addr", json_string(r->client_ip));
    json_object_set_new(ev, "received_at", json_string(acs_iso8601(acs_now_wall_ms(), now)));
    json_object_set_new(ev, "gateway", json_string(gw->cfg.id));
    json_object_set_new(ev, "credentials", json_string(r->credentials ? r->credentials : "none"));
    if (acs_topology_device_queue(r->st.device, q, sizeof q) == 0)
        json_object_set_new(ev, "device_queue", json_string(q));
    json_object_set_new(ev, "worker_wait_ms", json_integer(gw->cfg.worker_wait_ms));
    return ev;
}

static void on_lease(PGresult *res, const char *err, void *arg)
{
    gw_req_t *r = arg;
    gw_t *gw = r->gw;
    int ok = res && PQresultStatus(res) == PGRES_TUPLES_OK;
    int got = ok && PQntuples(res) == 1;
    if (!gw_req_resume(r))
        return;
    if (!ok) {
        acs_metric_inc(gw->m.err_db);
        acs_log_kv(ACS_LOG_WARN, "taking the session lease failed", "device", r->st.device,
                   "error", err, NULL);
        gw_respond_busy(r, 30, "database unavailable");
        return;
    }
    if (!got) {
        acs_metric_inc(gw->m.err_session);
        acs_log_kv(ACS_LOG_INFO, "second Inform while a session is live; 503", "device",
                   r->st.device, NULL);
        gw_respond_busy(r, (int)gw->cfg.session_timeout_s, "a session with this device is live");
        return;
    }
    char version[8];
    int minor = r->msg.ns_minor;
    snprintf(version, sizeof version, "%s",
             r->st.use_version[0] ? r->st.use_version
                                  : (minor <= 0 ? "1.0" : minor == 1 ? "1.1" : "1.2"));
    json_t *ev = inform_event(r, version);
    int rc = gw_event_publish(gw, ev, on_inform_published, r);
    json_decref(ev);
    if (rc != 0) {
        release_lease(r);
        gw_respond_busy(r, 30, "message broker backlog full");
        return;
    }
    GW_HOLD(r);
}

static void take_lease(gw_req_t *r)
{
    gw_t *gw = r->gw;
    acs_buf_t token = ACS_BUF_INIT;
    char secs[24];
    int64_t now = acs_now_wall_ms();
    acs_uuid(r->st.sid);
    snprintf(r->st.device, sizeof r->st.device, "%s", r->device);
    r->st.ns_minor = r->msg.ns_minor;
    r->st.started_ms = r->st.last_ms = now;
    r->st.lease_until_ms = now + GW_LEASE_S(gw) * 1000;
    gw_state_encode(&r->st, gw->cfg.cookie_key, gw->cfg.cookie_key_len, &token);
    snprintf(secs, sizeof secs, "%ld", GW_LEASE_S(gw));
    const char *p[] = {r->st.device, r->st.sid, gw->instance,
                       r->conn_key[0] ? r->conn_key : NULL, token.data, secs};
    int rc = acs_pg_query(
        gw->pg,
        "INSERT INTO live_sessions (device_id, session_id, gateway, conn_key, state, expires_at) "
        "VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6)) "
        "ON CONFLICT (device_id) DO UPDATE SET session_id = EXCLUDED.session_id, "
        "gateway = EXCLUDED.gateway, conn_key = EXCLUDED.conn_key, state = EXCLUDED.state, "
        "expires_at = EXCLUDED.expires_at WHERE live_sessions.expires_at < now() "
        "RETURNING session_id",
        6, p, on_lease, r);
    acs_buf_free(&token);
    if (rc != 0) {
        gw_respond_busy(r, 30, "database busy");
        return;
    }
    GW_HOLD(r);
}

static void on_admitted(gw_req_t *r, int status)
{
    json_t *hdr = r->msg.body;
    const char *supported = json_string_value(json_object_get(hdr, "supported_versions"));
    int has_timeout = json_object_get(hdr, "session_timeout") != NULL;
    char version[8];

    if (cwmp_negotiate_version(r->msg.ns_minor, supported, has_timeout, version) != 0) {
        char ns[40];
        acs_buf_t xml = ACS_BUF_INIT;
        acs_metric_inc(r->gw->m.err_session);
        cwmp_build_fault(&xml, gw_session_ns(r->msg.ns_minor, ns), r->msg.id, 8006,
                         "ACS version incompatible with CPE");
        gw_respond(r, 200, NULL, "text/xml; charset=\"utf-8\"", xml.data, xml.len);
        acs_buf_free(&xml);
        return;
    }
    if (supported)
        snprintf(r->st.use_version, sizeof r->st.use_version, "%s", version);
    take_lease(r);
}

static void begin_inform(gw_req_t *r)
{
    json_t *dev = json_object_get(r->msg.body, "device");
    const char *oui = json_string_value(json_object_get(dev, "oui"));
    const char *pc = json_string_value(json_object_get(dev, "product_class"));
    const char *sn = json_string_value(json_object_get(dev, "serial_number"));

    if (acs_device_id(oui, pc, sn, r->device, sizeof r->device) != 0) {
        acs_metric_inc(r->gw->m.err_xml);
        gw_respond_error(r, 400, "Inform without a usable DeviceId");
        return;
    }
    if (!r->gw->cfg.auth_required) {
        r->credentials = "none";
        on_admitted(r, 0);
        return;
    }
    if (!scgi_header(&r->scgi, "HTTP_AUTHORIZATION")) {
        gw_auth_challenge(r, 0, 0);
        return;
    }
    gw_auth_inform(r, &r->msg, on_admitted);
}

/* --- later POSTs ---------------------------------------------------------- */

/* No session for this POST: 400, saying why the body was refused if it
 * was. */
static void no_session(gw_req_t *r)
{
    if (r->bad_body) {
        gw_respond_error(r, 400, r->parse_err);
        return;
    }
    acs_metric_inc(r->gw->m.err_session);
    gw_respond_error(r, 400, "no session: a CWMP session starts with an Inform");
}

static void continue_session(gw_req_t *r)
{
    int64_t now = acs_now_wall_ms();
    if (now - r->st.last_ms > r->gw->cfg.session_timeout_s * 1000) {
        acs_metric_inc(r->gw->m.err_session);
        acs_log_kv(ACS_LOG_INFO, "POST for an expired session", "device", r->st.device,
                   "session", r->st.sid, NULL);
        gw_respond_error(r, 400, "session expired");
        return;
    }
    if (r->bad_body) {
        gw_rpc_on_garbage(r);
        return;
    }
    switch (r->msg.kind) {
    case CWMP_REQUEST:
        gw_cpereq_handle(r);
        break;
    case CWMP_RESPONSE:
    case CWMP_FAULT:
        gw_rpc_on_answer(r);
        break;
    case CWMP_EMPTY:
        if (r->st.inflight)
            gw_rpc_on_answer(r);
        else
            gw_rpc_next(r);
        break;
    }
}

static void on_state_found(PGresult *res, const char *err, void *arg)
{
    gw_req_t *r = arg;
    gw_t *gw = r->gw;
    int ok = res && PQresultStatus(res) == PGRES_TUPLES_OK;
    if (!gw_req_resume(r))
        return;
    if (!ok) {
        acs_metric_inc(gw->m.err_db);
        gw_respond_busy(r, 30, "database unavailable");
        return;
    }
    if (PQntuples(res) != 1 ||
        gw_state_decode(PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0),
                        gw->cfg.cookie_key, gw->cfg.cookie_key_len, &r->st) != 0) {
        no_session(r);
        return;
    }
    r->have_state = 1;
    if (!r->st.nocookie)
        acs_log_kv(ACS_LOG_INFO, "CPE does not return the session cookie; keeping its state "
                   "in the database", "device", r->st.device, "session", r->st.sid, NULL);
    r->st.nocookie = 1;
    continue_session(r);
}

static void find_session(gw_req_t *r)
{
    gw_t *gw = r->gw;
    const char *cookies = scgi_header(&r->scgi, "HTTP_COOKIE");
    size_t len;
    const char *v = cookies ? gw_state_find_cookie(cookies, &len) : NULL;

    if (v && gw_state_decode(v, len, gw->cfg.cookie_key, gw->cfg.cookie_key_len, &r->st) == 0) {
        r->have_state = 1;
        continue_session(r);
        return;
    }
    if (!r->conn_key[0]) {
        no_session(r);
        return;
    }
    const char *p[] = {r->conn_key};
    if (acs_pg_query(gw->pg,
                     "SELECT state FROM live_sessions WHERE conn_key = $1 AND expires_at > now() "
                     "AND state IS NOT NULL ORDER BY expires_at DESC LIMIT 1",
                     1, p, on_state_found, r) != 0) {
        gw_respond_busy(r, 30, "database busy");
        return;
    }
    GW_HOLD(r);
}

void gw_session_handle(gw_req_t *r)
{
    gw_t *gw = r->gw;
    const char *method = scgi_header(&r->scgi, "REQUEST_METHOD");
    cwmp_limits_t lim = CWMP_LIMITS_DEFAULT;

    read_connection(r);
    if (!method || strcmp(method, "POST") != 0) {
        acs_metric_inc(gw->m.err_http);
        gw_respond(r, 405, "Allow: POST\r\n", "text/plain", "POST only\n", 10);
        return;
    }
    const char *why;
    int status = decode_body(r, &why);
    if (status) {
        acs_metric_inc(gw->m.err_http);
        gw_respond_error(r, status, why);
        return;
    }
    lim.max_bytes = (size_t)gw->cfg.max_body;
    if (r->transcoded && r->body_len > lim.max_bytes)
        lim.max_bytes = r->body_len; /* the bytes received were within it */
    if (cwmp_parse(r->body, r->body_len, &lim, &r->msg, r->parse_err, sizeof r->parse_err) !=
        0) {
        acs_metric_inc(gw->m.err_xml);
        acs_log_kv(ACS_LOG_WARN, "unparseable CWMP message", "client", r->client_ip, "error",
                   r->parse_err, NULL);
        /* 400 in any case; but if it answers an RPC, that RPC fails now
         * rather than run again in every later session. */
        r->bad_body = 1;
        find_session(r);
        return;
    }
    r->have_msg = 1;
    if (r->msg.kind == CWMP_REQUEST && strcmp(r->msg.method, "Inform") == 0)
        begin_inform(r);
    else
        find_session(r);
}
