/* Unit tests for the transfer side of cpe-sim (the pure parts): the answers
 * to Download, Upload, ScheduleDownload, ScheduleInform, CancelTransfer,
 * Get(All)QueuedTransfers and ChangeDUState (sim_xfer, sim_du), the queue
 * and its bound, the firmware and DU file headers and applying downloaded
 * files (sim_xfer_apply), the CPE requests and their events (sim_cpereq),
 * and the state round trip (sim_xfer_json, sim_state). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acs_util.h"
#include "sim_device.h"
#include "sim_model.h"
#include "sim_soap.h"
#include "sim_state.h"
#include "sim_xfer.h"
#include "sim_xfer_apply.h"
#include "sim_xfer_int.h"

#define NS12 "urn:dslforum-org:cwmp-1-2"
#define SOAPENV "http://schemas.xmlsoap.org/soap/envelope/"
#define XSI "http://www.w3.org/2001/XMLSchema-instance"
#define URL "http://files.example:8080/fw.bin"
#define UUID1 "3f2504e0-4f89-11d3-9a0c-0305e82c3301"

static const char model_json[] =
    "{\"device\": {\"manufacturer\": \"Acme\", \"oui\": \"00D09E\", \"product_class\": \"HGW\"},"
    " \"forced_inform\": [\"Device.DeviceInfo.SoftwareVersion\"],"
    " \"parameters\": {"
    "  \"Device.DeviceInfo.SerialNumber\": {\"value\": \"{serial}\"},"
    "  \"Device.DeviceInfo.SoftwareVersion\": {\"value\": \"1.0\"},"
    "  \"Device.ManagementServer.ParameterKey\": {},"
    "  \"Device.WiFi.SSID.1.SSID\": {\"value\": \"net-{index}\", \"writable\": true},"
    "  \"Device.SoftwareModules.DeploymentUnitNumberOfEntries\": {\"type\": \"xsd:unsignedInt\"},"
    "  \"Device.SoftwareModules.DeploymentUnit.{i}.UUID\": {},"
    "  \"Device.SoftwareModules.DeploymentUnit.{i}.Name\": {},"
    "  \"Device.SoftwareModules.DeploymentUnit.{i}.Version\": {},"
    "  \"Device.SoftwareModules.DeploymentUnit.{i}.Status\": {}"
    " }}";

typedef struct {
    sim_model_t *m;
    sim_device_t *d;
    sim_xfer_t *x;
    acs_buf_t body;
    sim_soap_msg_t req;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    char err[256] = "";
    f->m = sim_model_parse(model_json, strlen(model_json), err, sizeof err);
    if (!f->m)
        fail_msg("model: %s", err);
    f->d = sim_device_new(f->m, "SIM000007", 7);
    f->x = sim_device_xfer(f->d);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    sim_soap_msg_clear(&f->req);
    acs_buf_free(&f->body);
    sim_device_free(f->d);
    sim_model_free(f->m);
    free(f);
    return 0;
}

/* Send the RPC element rpc_xml (cwmp prefix bound to cwmp-1-2) as method;
 * returns the fault code, the response element text in f->body. */
static int call(fixture_t *f, const char *method, const char *rpc_xml)
{
    acs_buf_t in = ACS_BUF_INIT;
    char err[128];

    acs_buf_printf(&in,
                   "<soap-env:Envelope xmlns:soap-env=\"" SOAPENV "\" xmlns:cwmp=\"" NS12 "\""
                   " xmlns:xsi=\"" XSI "\"><soap-env:Body>%s</soap-env:Body></soap-env:Envelope>",
                   rpc_xml);
    sim_soap_msg_clear(&f->req);
    assert_int_equal(sim_soap_parse(in.data, in.len, &f->req, err, sizeof err), 0);
    acs_buf_free(&in);
    assert_string_equal(f->req.method, method);
    assert_true(sim_xfer_method(method));
    acs_buf_reset(&f->body);
    int rc = sim_xfer_handle(f->d, method, f->req.rpc, &f->body);
    if (rc)
        assert_int_equal(f->body.len, 0);
    return rc;
}

static int download(fixture_t *f, const char *key, const char *type, const char *url,
                    const char *extra)
{
    char xml[2048];
    snprintf(xml, sizeof xml,
             "<cwmp:Download><CommandKey>%s</CommandKey><FileType>%s</FileType><URL>%s</URL>"
             "<Username></Username><Password></Password>%s</cwmp:Download>",
             key, type, url,
             extra ? extra : "<FileSize>0</FileSize><DelaySeconds>0</DelaySeconds>");
    return call(f, "Download", xml);
}

static int has_event(const sim_device_t *d, const char *code, const char *key)
{
    const sim_event_t *ev;
    size_t n = sim_device_events(d, &ev), c = 0;
    for (size_t i = 0; i < n; i++)
        c += strcmp(ev[i].code, code) == 0 && (!key || strcmp(ev[i].command_key, key) == 0);
    return (int)c;
}

static char *value(fixture_t *f, const char *name)
{
    acs_buf_t b = ACS_BUF_INIT;
    long i = sim_model_find(f->m, name);
    assert_true(i >= 0);
    sim_device_value(f->d, (size_t)i, &b);
    return acs_buf_steal(&b, NULL);
}

/* ---- Download and the queue ---- */

static void test_download_queued(void **state)
{
    fixture_t *f = *state;
    int64_t now = acs_now_wall_ms();

    assert_int_equal(download(f, "k1", "1 Firmware Upgrade Image", URL,
                              "<FileSize>123</FileSize><TargetFileName>fw</TargetFileName>"
                              "<DelaySeconds>30</DelaySeconds>"),
                     0);
    assert_non_null(strstr(f->body.data, "<cwmp:DownloadResponse><Status>1</Status>"
                                         "<StartTime>0001-01-01T00:00:00Z</StartTime>"));
    assert_int_equal(f->x->njobs, 1);
    assert_int_equal(f->x->jobs[0].file_size, 123);
    assert_string_equal(f->x->jobs[0].target_file_name, "fw");
    assert_false(sim_xfer_job_due(f->x, now + 29000));
    assert_true(sim_xfer_job_due(f->x, now + 31000));
    assert_true(sim_xfer_next_due(f->x) >= now + 30000);
    assert_false(sim_xfer_job_running(f->x));

    assert_int_equal(call(f, "GetQueuedTransfers", "<cwmp:GetQueuedTransfers/>"), 0);
    assert_non_null(strstr(f->body.data, "cwmp:QueuedTransferStruct[1]"));
    assert_non_null(strstr(f->body.data, "<QueuedTransferStruct><CommandKey>k1</CommandKey>"
                                         "<State>1</State></QueuedTransferStruct>"));
    f->x->jobs[0].state = SIM_JOB_RUNNING;
    assert_int_equal(call(f, "GetAllQueuedTransfers", "<cwmp:GetAllQueuedTransfers/>"), 0);
    assert_non_null(strstr(f->body.data, "<AllQueuedTransferStruct><CommandKey>k1</CommandKey>"
                                         "<State>2</State><IsDownload>1</IsDownload>"
                                         "<FileType>1 Firmware Upgrade Image</FileType>"
                                         "<FileSize>123</FileSize>"
                                         "<TargetFileName>fw</TargetFileName>"));
    assert_true(sim_xfer_job_running(f->x));
}

static void test_download_bad_arguments(void **state)
{
    fixture_t *f = *state;
    char key[40];

    assert_int_equal(download(f, "k", "2 Web Content", "", NULL), 9003);
    assert_int_equal(download(f, "k", "", URL, NULL), 9003);
    assert_int_equal(download(f, "k", "2 Web Content", "https://x.example/f", NULL), 9013);
    assert_int_equal(download(f, "k", "2 Web Content", "ftp://x.example/f", NULL), 9013);
    assert_int_equal(download(f, "k", "2 Web Content", "not a url", NULL), 9003);
    assert_int_equal(download(f, "k", "2 Web Content", "http://:80/x", NULL), 9003);
    assert_int_equal(download(f, "k", "2 Web Content", URL, "<FileSize>-1</FileSize>"), 9003);
    assert_int_equal(download(f, "k", "2 Web Content", URL, "<FileSize>12x</FileSize>"), 9003);
    assert_int_equal(
        download(f, "k", "2 Web Content", URL, "<DelaySeconds>99999999999</DelaySeconds>"), 9003);
    memset(key, 'a', 33);
    key[33] = '\0';
    assert_int_equal(download(f, key, "2 Web Content", URL, NULL), 9003);
    assert_int_equal(call(f, "Download",
                          "<cwmp:Download><FileType>2 Web Content</FileType>"
                          "</cwmp:Download>"),
                     9003);
    assert_int_equal(f->x->njobs, 0);
    /* Optional arguments may be absent. */
    assert_int_equal(call(f, "Download",
                          "<cwmp:Download><FileType>2 Web Content</FileType>"
                          "<URL>" URL "</URL></cwmp:Download>"),
                     0);
    assert_int_equal(f->x->njobs, 1);
}

static void test_queue_bound(void **state)
{
    fixture_t *f = *state;
    for (int i = 0; i < SIM_XFER_QUEUE_MAX; i++)
        assert_int_equal(download(f, "k", "2 Web Content", URL, NULL), 0);
    assert_int_equal(download(f, "k", "2 Web Content", URL, NULL), 9004);
    assert_int_equal(call(f, "ChangeDUState",
                          "<cwmp:ChangeDUState><Operations xsi:type=\"cwmp:InstallOpStruct\">"
                          "<URL>" URL "</URL></Operations></cwmp:ChangeDUState>"),
                     9004);
    assert_int_equal(f->x->njobs, SIM_XFER_QUEUE_MAX);
}

static void test_upload(void **state)
{
    fixture_t *f = *state;
    static const char *const ok[] = {"1 Vendor Configuration File", "2 Vendor Log File",
                                     "3 Vendor Configuration File 2", "4 Vendor Log File 10",
                                     "X 00D09E Dump"};
    static const char *const bad[] = {"1 Firmware Upgrade Image", "3 Vendor Configuration File ",
                                      "4 Vendor Log File x", "X ", ""};
    char xml[512];

    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        assert_true(sim_xfer_upload_type_ok(ok[i]));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(sim_xfer_upload_type_ok(bad[i]));
        snprintf(xml, sizeof xml,
                 "<cwmp:Upload><CommandKey>u</CommandKey><FileType>%s</FileType><URL>" URL
                 "</URL></cwmp:Upload>",
                 bad[i]);
        assert_int_equal(call(f, "Upload", xml), 9003);
    }
    assert_int_equal(call(f, "Upload",
                          "<cwmp:Upload><CommandKey>u1</CommandKey><FileType>1 Vendor"
                          " Configuration File</FileType><URL>" URL "</URL>"
                          "<DelaySeconds>5</DelaySeconds></cwmp:Upload>"),
                     0);
    assert_non_null(strstr(f->body.data, "<cwmp:UploadResponse><Status>1</Status>"));
    assert_int_equal(call(f, "GetAllQueuedTransfers", "<cwmp:GetAllQueuedTransfers/>"), 0);
    assert_non_null(strstr(f->body.data, "<IsDownload>0</IsDownload>"));
}

/* ---- CancelTransfer ---- */

static void test_cancel_transfer(void **state)
{
    fixture_t *f = *state;
    const char *cancel_a = "<cwmp:CancelTransfer><CommandKey>a</CommandKey></cwmp:CancelTransfer>";
    const char *cancel_b = "<cwmp:CancelTransfer><CommandKey>b</CommandKey></cwmp:CancelTransfer>";

    assert_int_equal(download(f, "a", "2 Web Content", URL, NULL), 0);
    assert_int_equal(download(f, "a", "2 Web Content", URL, NULL), 0);
    assert_int_equal(download(f, "b", "2 Web Content", URL, NULL), 0);
    f->x->jobs[2].state = SIM_JOB_RUNNING;
    assert_int_equal(call(f, "CancelTransfer", cancel_b), 9021); /* running: too late */
    assert_int_equal(call(f, "CancelTransfer", cancel_a), 0);    /* both queued "a" go */
    assert_non_null(strstr(f->body.data, "<cwmp:CancelTransferResponse>"));
    assert_int_equal(f->x->njobs, 1);
    assert_string_equal(f->x->jobs[0].command_key, "b");
    assert_int_equal(call(f, "CancelTransfer", cancel_a), 9021); /* none left */
    assert_int_equal(call(f, "CancelTransfer", "<cwmp:CancelTransfer/>"), 9003);
}

/* ---- ScheduleInform ---- */

static void test_schedule_inform(void **state)
{
    fixture_t *f = *state;
    int64_t now = acs_now_wall_ms();

    assert_int_equal(call(f, "ScheduleInform",
                          "<cwmp:ScheduleInform><DelaySeconds>0</DelaySeconds>"
                          "<CommandKey>s</CommandKey></cwmp:ScheduleInform>"),
                     9003);
    assert_int_equal(call(f, "ScheduleInform",
                          "<cwmp:ScheduleInform><CommandKey>s</CommandKey>"
                          "</cwmp:ScheduleInform>"),
                     9003);
    assert_int_equal(call(f, "ScheduleInform",
                          "<cwmp:ScheduleInform><DelaySeconds>60</DelaySeconds>"
                          "<CommandKey>s1</CommandKey></cwmp:ScheduleInform>"),
                     0);
    assert_string_equal(f->body.data,
                        "<cwmp:ScheduleInformResponse></cwmp:ScheduleInformResponse>");
    assert_int_equal(sim_xfer_raise_scheduled(f->x, f->d, now + 10000), 0);
    assert_int_equal(has_event(f->d, "3 SCHEDULED", NULL), 0);
    assert_true(sim_xfer_next_due(f->x) <= now + 61000);
    assert_int_equal(sim_xfer_raise_scheduled(f->x, f->d, now + 61000), 1);
    assert_int_equal(has_event(f->d, "3 SCHEDULED", ""), 1);
    assert_int_equal(has_event(f->d, "M ScheduleInform", "s1"), 1);
    assert_int_equal(sim_xfer_next_due(f->x), INT64_MAX);
    for (int i = 0; i < SIM_XFER_SCHED_MAX; i++)
        assert_int_equal(call(f, "ScheduleInform",
                              "<cwmp:ScheduleInform><DelaySeconds>9"
                              "</DelaySeconds></cwmp:ScheduleInform>"),
                         0);
    assert_int_equal(call(f, "ScheduleInform",
                          "<cwmp:ScheduleInform><DelaySeconds>9"
                          "</DelaySeconds></cwmp:ScheduleInform>"),
                     9004);
}

/* ---- ScheduleDownload ---- */

static int schedule_download(fixture_t *f, const char *windows)
{
    char xml[2048];
    snprintf(xml, sizeof xml,
             "<cwmp:ScheduleDownload><CommandKey>sd</CommandKey><FileType>2 Web Content"
             "</FileType><URL>" URL "</URL><FileSize>0</FileSize>"
             "<TimeWindowList>%s</TimeWindowList></cwmp:ScheduleDownload>",
             windows);
    return call(f, "ScheduleDownload", xml);
}

#define WIN(s, e, mode)                                                                            \
    "<TimeWindowStruct><WindowStart>" #s "</WindowStart><WindowEnd>" #e "</WindowEnd>"             \
    "<WindowMode>" mode "</WindowMode><UserMessage></UserMessage><MaxRetries>-1</MaxRetries>"      \
    "</TimeWindowStruct>"

static void test_schedule_download(void **state)
{
    fixture_t *f = *state;
    int64_t now = acs_now_wall_ms();

    assert_int_equal(schedule_download(f, ""), 9003);
    assert_int_equal(schedule_download(f, WIN(10, 5, "1 At Any Time")), 9003);
    assert_int_equal(schedule_download(f, WIN(0, 5, "")), 9003);
    assert_int_equal(schedule_download(f, WIN(0, 50, "1 At Any Time") WIN(40, 60, "2 Immediately")),
                     9003); /* overlapping */
    assert_int_equal(schedule_download(f, WIN(0, 5, "1 At Any Time") WIN(10, 20, "1 At Any Time")
                                              WIN(30, 40, "1 At Any Time")),
                     9003);
    assert_int_equal(f->x->njobs, 0);
    assert_int_equal(
        schedule_download(f, WIN(20, 30, "1 At Any Time") WIN(60, 90, "2 Immediately")), 0);
    assert_string_equal(f->body.data,
                        "<cwmp:ScheduleDownloadResponse></cwmp:ScheduleDownloadResponse>");
    assert_int_equal(f->x->jobs[0].nwin, 2);
    assert_false(sim_xfer_job_due(f->x, now + 19000));
    assert_true(sim_xfer_job_due(f->x, now + 21000));
    assert_int_equal(f->x->jobs[0].win[1].end_ms - f->x->jobs[0].win[1].start_ms, 30000);
}

/* ---- ChangeDUState and DUs ---- */

static void test_du_parse(void **state)
{
    fixture_t *f = *state;
    const sim_job_t *j;
    char ops[SIM_XFER_DU_OPS_MAX + 2][128], xml[8192] = "<cwmp:ChangeDUState>";

    assert_int_equal(
        call(f, "ChangeDUState",
             "<cwmp:ChangeDUState><Operations xsi:type=\"cwmp:InstallOpStruct\"><URL>" URL
             "</URL><UUID>" UUID1 "</UUID><Username>u</Username><Password>p</Password>"
             "</Operations><Operations xsi:type=\"UpdateOpStruct\"><UUID>" UUID1 "</UUID>"
             "<Version>2</Version></Operations><Operations><UninstallOpStruct><UUID>" UUID1
             "</UUID></UninstallOpStruct></Operations><CommandKey>c</CommandKey>"
             "</cwmp:ChangeDUState>"),
        0);
    assert_string_equal(f->body.data, "<cwmp:ChangeDUStateResponse></cwmp:ChangeDUStateResponse>");
    j = &f->x->jobs[0];
    assert_int_equal(j->kind, SIM_JOB_DU);
    assert_int_equal(j->nops, 3);
    assert_string_equal(j->command_key, "c");
    assert_int_equal(j->ops[0].type, SIM_DU_INSTALL);
    assert_string_equal(j->ops[0].username, "u");
    assert_int_equal(j->ops[1].type, SIM_DU_UPDATE);
    assert_string_equal(j->ops[1].version, "2");
    assert_int_equal(j->ops[2].type, SIM_DU_UNINSTALL);
    /* Not listed by GetQueuedTransfers. */
    assert_int_equal(call(f, "GetQueuedTransfers", "<cwmp:GetQueuedTransfers/>"), 0);
    assert_non_null(strstr(f->body.data, "QueuedTransferStruct[0]"));

    assert_int_equal(call(f, "ChangeDUState", "<cwmp:ChangeDUState/>"), 9003);
    assert_int_equal(call(f, "ChangeDUState",
                          "<cwmp:ChangeDUState><Operations xsi:type=\"cwmp:InstallOpStruct\">"
                          "<URL>" URL "</URL><UUID>not-a-uuid</UUID></Operations>"
                          "</cwmp:ChangeDUState>"),
                     9022);
    assert_int_equal(call(f, "ChangeDUState",
                          "<cwmp:ChangeDUState><Operations xsi:type=\"cwmp:InstallOpStruct\">"
                          "</Operations></cwmp:ChangeDUState>"),
                     9003); /* install without URL */
    assert_int_equal(call(f, "ChangeDUState",
                          "<cwmp:ChangeDUState><Operations xsi:type=\"cwmp:UninstallOpStruct\">"
                          "</Operations></cwmp:ChangeDUState>"),
                     9003); /* uninstall without UUID */
    assert_int_equal(call(f, "ChangeDUState",
                          "<cwmp:ChangeDUState><Operations xsi:type=\"cwmp:FooOpStruct\">"
                          "<URL>" URL "</URL></Operations></cwmp:ChangeDUState>"),
                     9003);
    for (int i = 0; i < SIM_XFER_DU_OPS_MAX + 1; i++) {
        snprintf(ops[i], sizeof ops[i],
                 "<Operations xsi:type=\"cwmp:InstallOpStruct\"><URL>" URL "</URL></Operations>");
        strcat(xml, ops[i]);
    }
    strcat(xml, "</cwmp:ChangeDUState>");
    assert_int_equal(call(f, "ChangeDUState", xml), 9004);
    assert_int_equal(f->x->njobs, 1);
}

static void test_du_header(void **state)
{
    char name[65], version[33];
    const char *ok = "cpe-sim du webapp 1.2.3\nrest";

    (void)state;
    assert_int_equal(
        sim_du_parse_header(ok, strlen(ok), name, sizeof name, version, sizeof version), 0);
    assert_string_equal(name, "webapp");
    assert_string_equal(version, "1.2.3");
    assert_int_equal(
        sim_du_parse_header("cpe-sim du webapp\n", 18, name, sizeof name, version, sizeof version),
        -1);
    assert_int_equal(
        sim_du_parse_header("cpe-sim du a b", 14, name, sizeof name, version, sizeof version),
        -1); /* no newline */
    assert_int_equal(
        sim_du_parse_header("cpe-sim du a  b\n", 16, name, sizeof name, version, sizeof version),
        -1);
    assert_int_equal(sim_du_parse_header("xx", 2, name, sizeof name, version, sizeof version), -1);
    assert_true(sim_du_uuid_ok(UUID1));
    assert_false(sim_du_uuid_ok("3f2504e0-4f89-11d3-9a0c-0305e82c330"));
    assert_false(sim_du_uuid_ok("3f2504e0x4f89-11d3-9a0c-0305e82c3301"));
}

static void test_du_apply(void **state)
{
    fixture_t *f = *state;
    sim_du_fetch_t fetched[3], up[5];
    sim_req_t req;
    sim_job_t *j;
    char *v;

    assert_int_equal(
        call(f, "ChangeDUState",
             "<cwmp:ChangeDUState><Operations xsi:type=\"cwmp:InstallOpStruct\"><URL>" URL
             "</URL><UUID>" UUID1 "</UUID></Operations>"
             "<Operations xsi:type=\"cwmp:InstallOpStruct\"><URL>http://h/app.ipk?x=1</URL>"
             "</Operations><Operations xsi:type=\"cwmp:InstallOpStruct\"><URL>" URL "</URL>"
             "<UUID>" UUID1 "</UUID></Operations><CommandKey>du</CommandKey>"
             "</cwmp:ChangeDUState>"),
        0);
    memset(fetched, 0, sizeof fetched);
    fetched[0].has_header = 1;
    strcpy(fetched[0].name, "web");
    strcpy(fetched[0].version, "1.0");
    j = &f->x->jobs[0];
    assert_string_equal(sim_du_fetch_url(f->x, &j->ops[1]), "http://h/app.ipk?x=1");
    sim_du_apply(f->x, f->d, j, fetched, 1000, 2000, &req);
    assert_int_equal(req.type, SIM_REQ_DU_STATE_CHANGE_COMPLETE);
    assert_string_equal(req.event, "M ChangeDUState");
    assert_string_equal(req.command_key, "du");
    assert_int_equal(req.nresults, 3);
    assert_string_equal(req.results[0].uuid, UUID1);
    assert_string_equal(req.results[0].current_state, "Installed");
    assert_string_equal(req.results[0].version, "1.0");
    assert_int_equal(req.results[0].fault_code, 0);
    assert_string_equal(req.results[0].du_ref, "Device.SoftwareModules.DeploymentUnit.1");
    assert_true(sim_du_uuid_ok(req.results[1].uuid)); /* generated */
    assert_string_equal(req.results[1].current_state, "Installed");
    assert_string_equal(f->x->dus[1].name, "app.ipk");
    assert_int_equal(req.results[2].fault_code, 9026); /* same UUID again */
    assert_string_equal(req.results[2].current_state, "Failed");
    assert_int_equal(f->x->ndus, 2);
    /* Mirrored into the data model. */
    v = value(f, "Device.SoftwareModules.DeploymentUnitNumberOfEntries");
    assert_string_equal(v, "2");
    free(v);
    sim_xfer_req_clear(&req);
    sim_xfer_job_remove(f->x, j->id);

    /* Update: new version from the header; same version 9032; unknown 9028. */
    assert_int_equal(
        call(f, "ChangeDUState",
             "<cwmp:ChangeDUState><Operations xsi:type=\"cwmp:UpdateOpStruct\"><UUID>" UUID1
             "</UUID></Operations><Operations xsi:type=\"cwmp:UpdateOpStruct\"><UUID>" UUID1
             "</UUID></Operations><Operations xsi:type=\"cwmp:UpdateOpStruct\"><UUID>"
             "00000000-0000-0000-0000-000000000000</UUID></Operations>"
             "<Operations xsi:type=\"cwmp:UninstallOpStruct\"><UUID>" UUID1 "</UUID>"
             "<Version>9</Version></Operations>"
             "<Operations xsi:type=\"cwmp:UninstallOpStruct\"><UUID>" UUID1 "</UUID>"
             "</Operations></cwmp:ChangeDUState>"),
        0);
    j = &f->x->jobs[0];
    assert_string_equal(sim_du_fetch_url(f->x, &j->ops[0]), URL); /* the DU's own URL */
    assert_null(sim_du_fetch_url(f->x, &j->ops[2]));
    assert_null(sim_du_fetch_url(f->x, &j->ops[3]));
    memset(up, 0, sizeof up);
    up[0].has_header = 1;
    strcpy(up[0].version, "2.0");
    up[1].has_header = 1;
    strcpy(up[1].version, "2.0");
    sim_du_apply(f->x, f->d, j, up, 1000, 2000, &req);
    assert_int_equal(req.results[0].fault_code, 0);
    assert_string_equal(req.results[0].version, "2.0");
    assert_int_equal(req.results[1].fault_code, 9032);
    assert_int_equal(req.results[2].fault_code, 9028);
    assert_int_equal(req.results[3].fault_code, 9028); /* version mismatch */
    assert_int_equal(req.results[4].fault_code, 0);
    assert_string_equal(req.results[4].current_state, "Uninstalled");
    assert_int_equal(f->x->ndus, 1);
    v = value(f, "Device.SoftwareModules.DeploymentUnitNumberOfEntries");
    assert_string_equal(v, "1");
    free(v);
    sim_xfer_req_clear(&req);
}

/* ---- firmware, configuration ---- */

static void test_firmware_header(void **state)
{
    char v[SIM_XFER_VERSION_MAX + 1];
    (void)state;
    assert_int_equal(sim_xfer_parse_firmware("cpe-sim firmware 2.1\nxx", 23, v, sizeof v), 0);
    assert_string_equal(v, "2.1");
    assert_int_equal(sim_xfer_parse_firmware("cpe-sim firmware 2.1", 20, v, sizeof v), -1);
    assert_int_equal(sim_xfer_parse_firmware("cpe-sim firmware \n", 18, v, sizeof v), -1);
    assert_int_equal(sim_xfer_parse_firmware("cpe-sim firmware a b\n", 21, v, sizeof v), -1);
    assert_int_equal(sim_xfer_parse_firmware("CPE-SIM firmware 1\n", 19, v, sizeof v), -1);
    assert_int_equal(sim_xfer_parse_firmware("", 0, v, sizeof v), -1);
}

static void test_apply_download(void **state)
{
    fixture_t *f = *state;
    const char *img = "cpe-sim firmware 7.0\npayload";
    char fs[160], *v;
    int reboot;

    sim_device_events_clear(f->d);
    assert_int_equal(sim_xfer_apply_download(f->d, "1 Firmware Upgrade Image", strlen(img) + 1, img,
                                             strlen(img), &reboot, fs, sizeof fs),
                     9017);
    assert_false(reboot);
    assert_non_null(strstr(fs, "FileSize"));
    assert_int_equal(sim_xfer_apply_download(f->d, "1 Firmware Upgrade Image", strlen(img) - 1, img,
                                             strlen(img), &reboot, fs, sizeof fs),
                     9018);
    assert_int_equal(sim_xfer_apply_download(f->d, "1 Firmware Upgrade Image", 0, "junk", 4,
                                             &reboot, fs, sizeof fs),
                     9018);
    v = value(f, "Device.DeviceInfo.SoftwareVersion");
    assert_string_equal(v, "1.0");
    free(v);
    assert_int_equal(sim_xfer_apply_download(f->d, "1 Firmware Upgrade Image", strlen(img), img,
                                             strlen(img), &reboot, fs, sizeof fs),
                     0);
    assert_true(reboot);
    v = value(f, "Device.DeviceInfo.SoftwareVersion");
    assert_string_equal(v, "7.0");
    free(v);
    assert_int_equal(has_event(f->d, "1 BOOT", NULL), 1);
    assert_int_equal(has_event(f->d, "M Reboot", NULL), 0);

    /* Other types are accepted and change nothing. */
    sim_device_events_clear(f->d);
    assert_int_equal(
        sim_xfer_apply_download(f->d, "2 Web Content", 0, "x", 1, &reboot, fs, sizeof fs), 0);
    assert_false(reboot);
    assert_int_equal(has_event(f->d, "1 BOOT", NULL), 0);
}

static void test_config_round_trip(void **state)
{
    fixture_t *f = *state;
    acs_buf_t cfg = ACS_BUF_INIT, log = ACS_BUF_INIT;
    const char *ct;
    char fs[160], *v;
    int reboot;
    long i = sim_model_find(f->m, "Device.WiFi.SSID.1.SSID");

    sim_device_set(f->d, (size_t)i, "saved-net");
    sim_xfer_upload_body(f->d, "1 Vendor Configuration File", &cfg, &ct);
    assert_string_equal(ct, "application/json");
    assert_non_null(strstr(cfg.data, "saved-net"));
    sim_xfer_upload_body(f->d, "2 Vendor Log File", &log, &ct);
    assert_string_equal(ct, "text/plain");
    assert_memory_equal(log.data, "cpe-sim log SIM000007\n", 22);

    sim_device_set(f->d, (size_t)i, "other-net");
    assert_int_equal(sim_xfer_apply_download(f->d, "3 Vendor Configuration File", 0, cfg.data,
                                             cfg.len, &reboot, fs, sizeof fs),
                     0);
    assert_true(reboot);
    v = value(f, "Device.WiFi.SSID.1.SSID");
    assert_string_equal(v, "saved-net");
    free(v);
    assert_int_equal(sim_xfer_apply_download(f->d, "3 Vendor Configuration File", 0, "[1]", 3,
                                             &reboot, fs, sizeof fs),
                     9018);
    assert_int_equal(sim_xfer_apply_download(f->d, "3 Vendor Configuration File", 0,
                                             "{\"values\": {\"Device.Nope\": \"1\"}}", 32, &reboot,
                                             fs, sizeof fs),
                     9018);
    assert_false(reboot);
    acs_buf_free(&cfg);
    acs_buf_free(&log);
}

static void test_fetch_faults(void **state)
{
    (void)state;
    assert_int_equal(sim_xfer_fetch_fault(1, SIM_FETCH_OK), 0);
    assert_int_equal(sim_xfer_fetch_fault(1, SIM_FETCH_NO_CONTACT), 9015);
    assert_int_equal(sim_xfer_fetch_fault(0, SIM_FETCH_NO_CONTACT), 9015);
    assert_int_equal(sim_xfer_fetch_fault(1, SIM_FETCH_AUTH), 9012);
    assert_int_equal(sim_xfer_fetch_fault(1, SIM_FETCH_STATUS), 9010);
    assert_int_equal(sim_xfer_fetch_fault(0, SIM_FETCH_STATUS), 9011);
    assert_int_equal(sim_xfer_fetch_fault(1, SIM_FETCH_BROKEN), 9017);
    assert_int_equal(sim_xfer_fetch_fault(1, SIM_FETCH_TOO_LARGE), 9010);
}

/* ---- requests ---- */

/* A TransferComplete for a finished Download job with key k. */
static void add_tc(fixture_t *f, const char *k, int fault)
{
    sim_job_t j;
    sim_req_t r;

    memset(&j, 0, sizeof j);
    j.kind = SIM_JOB_DOWNLOAD;
    j.command_key = (char *)k;
    sim_xfer_make_report(&j, fault, NULL, 1700000000000, 1700000001000, 5, &r);
    assert_int_equal(sim_xfer_req_add(f->x, &r), 0);
}

static void test_request_events(void **state)
{
    fixture_t *f = *state;

    sim_device_events_clear(f->d);
    add_tc(f, "k1", 0);
    add_tc(f, "k1", 0);
    add_tc(f, "k2", 9010);
    assert_int_equal(sim_xfer_request_count(f->x), 3);
    assert_string_equal(sim_xfer_request_method(f->x, 0), "TransferComplete");
    sim_xfer_inform_events(f->x, f->d);
    sim_xfer_inform_events(f->x, f->d); /* idempotent */
    assert_int_equal(has_event(f->d, "7 TRANSFER COMPLETE", ""), 1);
    assert_int_equal(has_event(f->d, "M Download", "k1"), 2);
    assert_int_equal(has_event(f->d, "M Download", "k2"), 1);
    /* Delivered (InformResponse): cleared, raised again while pending. */
    sim_device_events_clear(f->d);
    sim_xfer_request_remove(f->x, 0);
    sim_xfer_inform_events(f->x, f->d);
    assert_int_equal(has_event(f->d, "M Download", "k1"), 1);
    sim_xfer_request_remove(f->x, 0);
    sim_xfer_request_remove(f->x, 0);
    sim_device_events_clear(f->d);
    sim_xfer_inform_events(f->x, f->d);
    assert_int_equal(has_event(f->d, "7 TRANSFER COMPLETE", NULL), 0);
    /* The outbox is bounded. */
    for (int i = 0; i < SIM_XFER_REQ_MAX; i++)
        assert_int_equal(sim_xfer_add_kicked(f->x, "c", "r", "a", "n"), 0);
    assert_int_equal(sim_xfer_add_kicked(f->x, "c", "r", "a", "n"), -1);
    assert_int_equal(sim_xfer_take_dropped(f->x), 1);
    assert_int_equal(sim_xfer_take_dropped(f->x), 0);
}

/* Build request k and parse it back; returns the RPC element's message. */
static void build(fixture_t *f, size_t k, const char *method)
{
    acs_buf_t env = ACS_BUF_INIT;
    char err[128];

    sim_xfer_request_build(f->x, k, NS12, "cpe-9", &env);
    sim_soap_msg_clear(&f->req);
    assert_int_equal(sim_soap_parse(env.data, env.len, &f->req, err, sizeof err), 0);
    assert_string_equal(f->req.method, method);
    assert_string_equal(f->req.id, "cpe-9");
    acs_buf_free(&env);
}

static char *child_text(xmlNodePtr parent, const char *path)
{
    char buf[128], *save = NULL;
    snprintf(buf, sizeof buf, "%s", path);
    for (char *t = strtok_r(buf, "/", &save); t && parent; t = strtok_r(NULL, "/", &save))
        parent = sim_soap_child(parent, t);
    assert_non_null(parent);
    return sim_soap_text_raw(parent);
}

static void assert_child(xmlNodePtr parent, const char *path, const char *expect)
{
    char *t = child_text(parent, path);
    assert_string_equal(t, expect);
    free(t);
}

static void test_request_envelopes(void **state)
{
    fixture_t *f = *state;
    const char *names[] = {"version"}, *values[] = {"2.0 & up"};
    sim_du_fetch_t fetched;
    sim_req_t r;

    add_tc(f, "k<1>", 9010);
    build(f, 0, "TransferComplete");
    assert_child(f->req.rpc, "CommandKey", "k<1>");
    assert_child(f->req.rpc, "FaultStruct/FaultCode", "9010");
    assert_child(f->req.rpc, "FaultStruct/FaultString", sim_soap_fault_string(9010));
    assert_child(f->req.rpc, "StartTime", "2023-11-14T22:13:20Z");
    assert_child(f->req.rpc, "CompleteTime", "2023-11-14T22:13:21Z");

    assert_int_equal(
        sim_xfer_add_request_download(f->x, "1 Firmware Upgrade Image", names, values, 1), 0);
    build(f, 1, "RequestDownload");
    assert_child(f->req.rpc, "FileType", "1 Firmware Upgrade Image");
    assert_child(f->req.rpc, "FileTypeArg/ArgStruct/Value", "2.0 & up");

    assert_int_equal(sim_xfer_add_kicked(f->x, "cmd", "ref", "arg", "http://n/"), 0);
    build(f, 2, "Kicked");
    assert_child(f->req.rpc, "Next", "http://n/");

    assert_int_equal(sim_xfer_add_autonomous(f->x, URL, "2 Web Content", 0), 0);
    sim_xfer_make_report(&f->x->jobs[0], 0, NULL, 1, 2, 77, &r);
    assert_int_equal(sim_xfer_req_add(f->x, &r), 0);
    build(f, 3, "AutonomousTransferComplete");
    assert_child(f->req.rpc, "TransferURL", URL);
    assert_child(f->req.rpc, "IsDownload", "1");
    assert_child(f->req.rpc, "FileSize", "77");
    assert_child(f->req.rpc, "FaultStruct/FaultCode", "0");

    assert_int_equal(sim_xfer_add_autonomous_du(f->x, URL, 0), 0);
    memset(&fetched, 0, sizeof fetched);
    fetched.fault = 9015;
    snprintf(fetched.fault_string, sizeof fetched.fault_string, "cannot contact");
    sim_du_apply(f->x, f->d, &f->x->jobs[1], &fetched, 1, 2, &r);
    assert_null(r.event);
    assert_int_equal(sim_xfer_req_add(f->x, &r), 0);
    build(f, 4, "AutonomousDUStateChangeComplete");
    assert_child(f->req.rpc, "Results/AutonOpResultStruct/CurrentState", "Failed");
    assert_child(f->req.rpc, "Results/AutonOpResultStruct/OperationPerformed", "Install");
    assert_child(f->req.rpc, "Results/AutonOpResultStruct/Fault/FaultCode", "9015");
    assert_child(f->req.rpc, "Results/AutonOpResultStruct/Fault/FaultString", "cannot contact");

    sim_device_events_clear(f->d);
    sim_xfer_inform_events(f->x, f->d);
    assert_int_equal(has_event(f->d, "9 REQUEST DOWNLOAD", ""), 1);
    assert_int_equal(has_event(f->d, "5 KICKED", ""), 1);
    assert_int_equal(has_event(f->d, "10 AUTONOMOUS TRANSFER COMPLETE", ""), 1);
    assert_int_equal(has_event(f->d, "12 AUTONOMOUS DU STATE CHANGE COMPLETE", ""), 1);
}

/* ---- persistence ---- */

static void fill(fixture_t *f)
{
    sim_du_fetch_t fetched;
    sim_req_t r;
    const char *names[] = {"a"}, *values[] = {"b"};

    assert_int_equal(download(f, "d1", "1 Firmware Upgrade Image", URL,
                              "<FileSize>9</FileSize><DelaySeconds>100</DelaySeconds>"),
                     0);
    assert_int_equal(schedule_download(f, WIN(20, 30, "1 At Any Time")), 0);
    assert_int_equal(call(f, "ScheduleInform",
                          "<cwmp:ScheduleInform><DelaySeconds>60"
                          "</DelaySeconds><CommandKey>si</CommandKey>"
                          "</cwmp:ScheduleInform>"),
                     0);
    assert_int_equal(call(f, "ChangeDUState",
                          "<cwmp:ChangeDUState><Operations xsi:type=\"cwmp:InstallOpStruct\">"
                          "<URL>" URL "</URL><UUID>" UUID1 "</UUID><Password>pw</Password>"
                          "</Operations><CommandKey>du</CommandKey></cwmp:ChangeDUState>"),
                     0);
    memset(&fetched, 0, sizeof fetched);
    sim_du_apply(f->x, f->d, &f->x->jobs[2], &fetched, 5, 6, &r);
    assert_int_equal(sim_xfer_req_add(f->x, &r), 0);
    add_tc(f, "tc", 9018);
    assert_int_equal(
        sim_xfer_add_request_download(f->x, "1 Firmware Upgrade Image", names, values, 1), 0);
    assert_int_equal(sim_xfer_add_kicked(f->x, "c", "r", "a", "n"), 0);
}

static void test_json_round_trip(void **state)
{
    fixture_t *f = *state;
    sim_xfer_t *y = sim_xfer_new();
    json_t *a, *b, *bad;
    unsigned skipped = 1;
    char err[64];

    assert_null(sim_xfer_to_json(NULL));
    assert_null(sim_xfer_to_json(y));
    fill(f);
    f->x->jobs[0].state = SIM_JOB_RUNNING;
    a = sim_xfer_to_json(f->x);
    assert_non_null(a);
    assert_int_equal(sim_xfer_from_json(y, a, &skipped, err, sizeof err), 0);
    assert_int_equal(skipped, 0);
    assert_int_equal(y->jobs[0].state, SIM_JOB_QUEUED); /* a running job restarts */
    b = sim_xfer_to_json(y);
    assert_true(json_equal(a, b));
    json_decref(b);

    /* Malformed entries are skipped and counted, the rest kept. */
    bad = json_deep_copy(a);
    json_object_set_new(json_array_get(json_object_get(bad, "jobs"), 0), "kind",
                        json_string("teleport"));
    json_object_set_new(json_array_get(json_object_get(bad, "requests"), 0), "fault_code",
                        json_string("x"));
    json_array_append_new(json_object_get(bad, "scheduled"), json_integer(3));
    sim_xfer_reset(y);
    assert_int_equal(sim_xfer_from_json(y, bad, &skipped, err, sizeof err), 0);
    assert_int_equal(skipped, 3);
    assert_int_equal(y->njobs, f->x->njobs - 1);
    assert_int_equal(y->nreqs, f->x->nreqs - 1);
    assert_int_equal(sim_xfer_from_json(y, json_array_get(json_object_get(a, "jobs"), 0), &skipped,
                                        err, sizeof err),
                     0); /* an object without the members: nothing */
    json_t *arr = json_array();
    assert_int_equal(sim_xfer_from_json(y, arr, &skipped, err, sizeof err), -1);
    json_decref(arr);
    json_decref(bad);
    json_decref(a);
    sim_xfer_free(y);
}

static void test_state_round_trip(void **state)
{
    fixture_t *f = *state;
    char dir[] = "/tmp/sim-xfer-test-XXXXXX", err[256], path[300], *v;
    sim_device_t *d2;
    unsigned flags;
    long i = sim_model_find(f->m, "Device.WiFi.SSID.1.SSID");
    json_t *a, *b;

    assert_non_null(mkdtemp(dir));
    fill(f);
    sim_device_set(f->d, (size_t)i, "kept-net");
    sim_device_event_add(f->d, "M Reboot", "r1");
    sim_device_set_retry_count(f->d, 3);
    assert_int_equal(sim_state_save(dir, f->d, f->x, err, sizeof err), 0);

    d2 = sim_device_new(f->m, "SIM000007", 7);
    assert_int_equal(sim_state_load(dir, d2, &flags, err, sizeof err), 0);
    assert_int_equal(flags, SIM_STATE_FOUND | SIM_STATE_XFER);
    v = value(&(fixture_t){.m = f->m, .d = d2}, "Device.WiFi.SSID.1.SSID");
    assert_string_equal(v, "kept-net");
    free(v);
    assert_int_equal(has_event(d2, "M Reboot", "r1"), 1);
    assert_int_equal(sim_device_retry_count(d2), 3);
    a = sim_xfer_to_json(f->x);
    b = sim_xfer_to_json(sim_device_xfer(d2));
    assert_true(json_equal(a, b));
    json_decref(a);
    json_decref(b);
    sim_device_free(d2);

    /* Without transfer state: no "xfer", and a device loading it stays without. */
    d2 = sim_device_new(f->m, "SIM000008", 8);
    assert_int_equal(sim_state_save(dir, d2, NULL, err, sizeof err), 0);
    sim_device_free(d2);
    d2 = sim_device_new(f->m, "SIM000008", 8);
    assert_int_equal(sim_state_load(dir, d2, &flags, err, sizeof err), 0);
    assert_int_equal(flags, SIM_STATE_FOUND);
    sim_device_free(d2);
    d2 = sim_device_new(f->m, "SIM000009", 9);
    assert_int_equal(sim_state_load(dir, d2, &flags, err, sizeof err), 0);
    assert_int_equal(flags, 0);
    sim_device_free(d2);

    snprintf(path, sizeof path, "%s/SIM000007.json", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/SIM000008.json", dir);
    unlink(path);
    rmdir(dir);
}

static void test_reset(void **state)
{
    fixture_t *f = *state;
    fill(f);
    sim_xfer_reset(f->x);
    assert_int_equal(f->x->njobs + f->x->nsched + f->x->nreqs + f->x->ndus, 0);
    assert_null(sim_xfer_to_json(f->x));
    assert_int_equal(sim_xfer_next_due(f->x), INT64_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_download_queued, setup, teardown),
        cmocka_unit_test_setup_teardown(test_download_bad_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_bound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upload, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_transfer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schedule_inform, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schedule_download, setup, teardown),
        cmocka_unit_test_setup_teardown(test_du_parse, setup, teardown),
        cmocka_unit_test(test_du_header),
        cmocka_unit_test_setup_teardown(test_du_apply, setup, teardown),
        cmocka_unit_test(test_firmware_header),
        cmocka_unit_test_setup_teardown(test_apply_download, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_round_trip, setup, teardown),
        cmocka_unit_test(test_fetch_faults),
        cmocka_unit_test_setup_teardown(test_request_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_envelopes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
    };
    xmlInitParser();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
