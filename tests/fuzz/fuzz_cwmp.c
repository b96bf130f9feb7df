/* libFuzzer target for the CWMP SOAP codec: any bytes go to cwmp_parse; a
 * message that parses is answered the way the gateway would (InformResponse
 * with a negotiated version, an empty or Kicked response, fault 8003 for bad
 * arguments, 8000), requests of every kind are built from what the CPE sent,
 * and every envelope we build must parse back.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address -std=c11 -D_GNU_SOURCE -Icommon \
 *     $(pkg-config --cflags libxml-2.0 jansson) tests/fuzz/fuzz_cwmp.c common/cwmp*.c \
 *     common/acs_buf.c $(pkg-config --libs libxml-2.0 jansson) -o /tmp/fuzz_cwmp
 *   /tmp/fuzz_cwmp -max_total_time=20 tests/fuzz/corpus/cwmp
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acs_buf.h"
#include "cwmp.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    cwmp_init();
    return 0;
}

/* What we write must always read back as a message of the expected kind. */
static void must_parse(const acs_buf_t *b, cwmp_kind_t kind)
{
    cwmp_msg_t m;
    char err[256];

    if (cwmp_parse(b->data, b->len, NULL, &m, err, sizeof(err)) != 0 || m.kind != kind)
        abort();
    cwmp_msg_clear(&m);
}

/* Echo the CPE's own parameters back as GPV names and SPV values: hostile
 * strings through the builders' checks and escaping. */
static void build_from_params(const cwmp_msg_t *m, acs_buf_t *b)
{
    json_t *params = json_object_get(m->body, "parameters");
    json_t *names = json_array(), *values = json_array(), *req;
    char err[256];
    size_t i;
    json_t *p;

    json_array_foreach(params, i, p)
    {
        json_array_append(names, json_object_get(p, "name"));
        json_array_append_new(values, json_pack("{s:O,s:O,s:O}", "name", json_object_get(p, "name"),
                                                "value", json_object_get(p, "value"), "type",
                                                json_object_get(p, "type")));
    }
    req = json_pack("{s:o}", "names", names);
    acs_buf_reset(b);
    if (cwmp_build_request(b, m->ns, m->id, 1, "GetParameterValues", req, err, sizeof(err)) == 0)
        must_parse(b, CWMP_REQUEST);
    json_decref(req);
    req = json_pack("{s:o,s:s}", "values", values, "parameter_key", m->id);
    acs_buf_reset(b);
    if (cwmp_build_request(b, m->ns, m->id, 0, "SetParameterValues", req, err, sizeof(err)) == 0)
        must_parse(b, CWMP_REQUEST);
    json_decref(req);
}

/* Up to n strings of v, depth first (hostile text from the CPE). */
static size_t collect_strings(const json_t *v, const char **out, size_t have, size_t n)
{
    const char *key;
    const json_t *m;
    size_t i;

    if (have >= n)
        return have;
    if (json_is_string(v)) {
        out[have++] = json_string_value(v);
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, m) have = collect_strings(m, out, have, n);
    } else if (json_is_object(v)) {
        json_object_foreach((json_t *)v, key, m) have = collect_strings(m, out, have, n);
    }
    return have;
}

static void build_one(acs_buf_t *b, const cwmp_msg_t *m, const char *method, json_t *params)
{
    char err[256];

    acs_buf_reset(b);
    if (params && cwmp_build_request(b, m->ns, m->id, 0, method, params, err, sizeof(err)) == 0)
        must_parse(b, CWMP_REQUEST);
    json_decref(params);
}

/* The other builders, fed the CPE's own strings and its whole body (as a
 * vendor method's params: generic responses have XML names for keys). */
static void build_from_strings(const cwmp_msg_t *m, acs_buf_t *b)
{
    const char *s[4] = {"", "", "", ""};
    collect_strings(m->body, s, 0, 4);

    build_one(b, m, "X_FUZZ_Echo", json_incref(m->body));
    build_one(b, m, "Download",
              json_pack("{s:s,s:s,s:s,s:s,s:s}", "command_key", s[0], "file_type", s[1], "url",
                        s[2], "password", s[3], "target_file_name", s[0]));
    build_one(b, m, "AddObject", json_pack("{s:s,s:s}", "object", s[0], "parameter_key", s[1]));
    build_one(b, m, "SetParameterAttributes",
              json_pack("{s:[{s:s,s:i,s:[s]}]}", "attributes", "name", s[0], "notification", 2,
                        "access_list", s[1]));
    build_one(b, m, "ScheduleDownload",
              json_pack("{s:s,s:s,s:[{s:i,s:i,s:s,s:s}]}", "file_type", s[0], "url", s[1],
                        "time_windows", "window_start", 0, "window_end", 10, "window_mode", s[2],
                        "user_message", s[3]));
    build_one(b, m, "ChangeDUState",
              json_pack("{s:[{s:s,s:s,s:s},{s:s,s:s}],s:s}", "operations", "operation", "install",
                        "url", s[0], "uuid", s[1], "operation", "uninstall", "uuid", s[2],
                        "command_key", s[3]));
    acs_buf_reset(b);
    cwmp_build_kicked_response(b, m->ns, m->id, s[0]);
    must_parse(b, CWMP_RESPONSE);
}

/* The gateway's answer to a CPE request: kind it must parse back as. */
static cwmp_kind_t answer(const cwmp_msg_t *m, acs_buf_t *b)
{
    const json_t *sv = json_object_get(m->body, "supported_versions");
    char version[8];

    if (strcmp(m->method, "Inform") == 0) {
        if (cwmp_negotiate_version(m->ns_minor, json_string_value(sv),
                                   json_object_get(m->body, "session_timeout") != NULL,
                                   version) != 0) {
            cwmp_build_fault(b, m->ns, m->id, 8006, NULL);
            return CWMP_FAULT;
        }
        cwmp_build_inform_response(b, m->ns, m->id, version);
        return CWMP_RESPONSE;
    }
    if (strcmp(m->method, "GetRPCMethods") == 0) {
        static const char *const methods[] = {"Inform", "GetRPCMethods", "TransferComplete", NULL};
        cwmp_build_get_rpc_methods_response(b, m->ns, m->id, methods);
        return CWMP_RESPONSE;
    }
    if (m->bad_args) {
        cwmp_build_fault(b, m->ns, m->id, 8003, m->bad_args_reason);
        return CWMP_FAULT;
    }
    if (strcmp(m->method, "Kicked") == 0) {
        cwmp_build_kicked_response(b, m->ns, m->id,
                                   json_string_value(json_object_get(m->body, "next")));
        return CWMP_RESPONSE;
    }
    if (strcmp(m->method, "TransferComplete") == 0 ||
        strcmp(m->method, "AutonomousTransferComplete") == 0 ||
        strcmp(m->method, "DUStateChangeComplete") == 0 ||
        strcmp(m->method, "AutonomousDUStateChangeComplete") == 0 ||
        strcmp(m->method, "RequestDownload") == 0) {
        cwmp_build_empty_response(b, m->ns, m->id, m->method);
        return CWMP_RESPONSE;
    }
    cwmp_build_fault(b, m->ns, m->id, 8000, m->method);
    return CWMP_FAULT;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cwmp_msg_t m;
    acs_buf_t b = ACS_BUF_INIT;
    char err[256];

    if (cwmp_parse((const char *)data, size, NULL, &m, err, sizeof(err)) != 0)
        return 0;
    if (m.kind == CWMP_REQUEST)
        must_parse(&b, answer(&m, &b));
    if (m.kind != CWMP_EMPTY) {
        build_from_params(&m, &b);
        build_from_strings(&m, &b);
    }
    acs_buf_free(&b);
    cwmp_msg_clear(&m);
    return 0;
}
