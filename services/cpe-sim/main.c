/* cpe-sim: simulate N CWMP CPEs against an ACS (docs/cpe-sim.md).
 *
 * Exit status: 0 every session succeeded, 1 a session failed, 2 usage or
 * configuration error. With --json a summary object is printed on stdout.
 */
#include <getopt.h>
#include <jansson.h>
#include <libgen.h>
#include <libxml/parser.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "acs_log.h"
#include "sim_fleet.h"
#include "sim_model.h"
#include "sim_xfer_int.h"

#define EXIT_USAGE 2
#define MAX_EVENTS 16
/* FileTypeArgs of --request-download (cwmp-reference.md 3.3: 16). */
#define MAX_RD_ARGS 16
/* Above this many CPEs the summary leaves "devices" out unless asked. */
#define DEVICES_LIMIT 1000

typedef struct {
    sim_fleet_opts_t fleet;
    const char *model;
    const char *oui, *product_class, *manufacturer;
    const char *username, *password;
    int json, json_devices, quiet;
    char *events_buf;
    const char *events[MAX_EVENTS];
    char *auto_buf, *rd_buf;
    const char *rd_names[MAX_RD_ARGS], *rd_values[MAX_RD_ARGS];
} cli_t;

enum {
    OPT_ACS = 256,
    OPT_COUNT,
    OPT_MODEL,
    OPT_OUI,
    OPT_PRODUCT_CLASS,
    OPT_MANUFACTURER,
    OPT_SERIAL_PREFIX,
    OPT_START_INDEX,
    OPT_USERNAME,
    OPT_PASSWORD,
    OPT_SESSIONS,
    OPT_INTERVAL,
    OPT_CONCURRENCY,
    OPT_EVENTS,
    OPT_NO_COOKIES,
    OPT_CWMP_VERSION,
    OPT_TIMEOUT,
    OPT_STATE_DIR,
    OPT_JSON,
    OPT_JSON_DEVICES,
    OPT_QUIET,
    OPT_RAMP_MS,
    OPT_AUTO_TRANSFER,
    OPT_AUTO_DU,
    OPT_REQUEST_DOWNLOAD,
    OPT_KICKED,
    OPT_HELP,
};

static const struct option long_opts[] = {
    {"acs", required_argument, NULL, OPT_ACS},
    {"count", required_argument, NULL, OPT_COUNT},
    {"model", required_argument, NULL, OPT_MODEL},
    {"oui", required_argument, NULL, OPT_OUI},
    {"product-class", required_argument, NULL, OPT_PRODUCT_CLASS},
    {"manufacturer", required_argument, NULL, OPT_MANUFACTURER},
    {"serial-prefix", required_argument, NULL, OPT_SERIAL_PREFIX},
    {"start-index", required_argument, NULL, OPT_START_INDEX},
    {"username", required_argument, NULL, OPT_USERNAME},
    {"password", required_argument, NULL, OPT_PASSWORD},
    {"sessions", required_argument, NULL, OPT_SESSIONS},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"concurrency", required_argument, NULL, OPT_CONCURRENCY},
    {"events", required_argument, NULL, OPT_EVENTS},
    {"no-cookies", no_argument, NULL, OPT_NO_COOKIES},
    {"cwmp-version", required_argument, NULL, OPT_CWMP_VERSION},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"state-dir", required_argument, NULL, OPT_STATE_DIR},
    {"json", no_argument, NULL, OPT_JSON},
    {"json-devices", no_argument, NULL, OPT_JSON_DEVICES},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"ramp-ms", required_argument, NULL, OPT_RAMP_MS},
    {"autonomous-transfer", required_argument, NULL, OPT_AUTO_TRANSFER},
    {"autonomous-du", required_argument, NULL, OPT_AUTO_DU},
    {"request-download", required_argument, NULL, OPT_REQUEST_DOWNLOAD},
    {"kicked", no_argument, NULL, OPT_KICKED},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static void usage(FILE *out)
{
    fputs("usage: cpe-sim --acs http://host:port/path [options]\n"
          "  --count N            CPEs to simulate (1)\n"
          "  --model PATH|NAME    model JSON, or tr181 / tr098 (tr181)\n"
          "  --oui, --product-class, --manufacturer  override the model's identity\n"
          "  --serial-prefix P    serial = P + 6-digit index (SIM)\n"
          "  --start-index I      first index (1)\n"
          "  --username T, --password T  ManagementServer credentials; templates\n"
          "                       such as {serial} allowed (none)\n"
          "  --sessions K         sessions per CPE, 0 = until stopped (1)\n"
          "  --interval S         seconds between a CPE's sessions (PeriodicInformInterval)\n"
          "  --concurrency C      sessions at once (100)\n"
          "  --events LIST        first session's events (\"0 BOOTSTRAP,1 BOOT\")\n"
          "  --no-cookies         never return the session cookie\n"
          "  --cwmp-version V     1.0 .. 1.4 (1.2)\n"
          "  --timeout S          seconds to wait for each ACS answer (30)\n"
          "  --state-dir DIR      keep each CPE's state in DIR/<serial>.json\n"
          "  --ramp-ms MS         spread the first sessions over MS milliseconds (0)\n"
          "  --autonomous-transfer URL,FILETYPE  each CPE downloads URL on its own and\n"
          "                       reports AutonomousTransferComplete\n"
          "  --autonomous-du URL  each CPE installs the DU at URL on its own and reports\n"
          "                       AutonomousDUStateChangeComplete\n"
          "  --request-download FILETYPE[,NAME=VALUE...]  each CPE sends RequestDownload\n"
          "  --kicked             each CPE sends Kicked\n"
          "  --json               print a summary JSON object on stdout\n"
          "  --json-devices       include \"devices\" even above 1000 CPEs\n"
          "  --quiet              log errors only\n"
          "exit: 0 all sessions ok, 1 a session failed, 2 usage error\n",
          out);
}

static int parse_long(const char *opt, const char *s, long min, long max, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < min || v > max) {
        fprintf(stderr, "cpe-sim: --%s wants a number in [%ld, %ld], not \"%s\"\n", opt, min, max,
                s);
        return -1;
    }
    *out = v;
    return 0;
}

/* "0 BOOTSTRAP,1 BOOT" -> events[], trimmed, empty items skipped. */
static int parse_events(cli_t *c, const char *list)
{
    char *save = NULL, *tok;

    free(c->events_buf);
    c->events_buf = strdup(list);
    c->fleet.nevents = 0;
    c->fleet.events_given = 1;
    for (tok = strtok_r(c->events_buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        size_t n = strlen(tok);
        while (n > 0 && tok[n - 1] == ' ')
            tok[--n] = '\0';
        if (n == 0)
            continue;
        if (n > 64 || c->fleet.nevents == MAX_EVENTS) {
            fprintf(stderr, "cpe-sim: --events: at most %d codes of 64 chars\n", MAX_EVENTS);
            return -1;
        }
        c->events[c->fleet.nevents++] = tok;
    }
    return 0;
}

/* "URL,File Type": the FileType is after the last comma. */
static int parse_auto_transfer(cli_t *c, const char *arg)
{
    char *comma;

    free(c->auto_buf);
    c->auto_buf = strdup(arg);
    comma = c->auto_buf ? strrchr(c->auto_buf, ',') : NULL;
    if (!comma || comma == c->auto_buf || !comma[1] || strlen(comma + 1) > 64) {
        fprintf(stderr,
                "cpe-sim: --autonomous-transfer wants URL,FILETYPE (FileType 1..64 "
                "chars), not \"%s\"\n",
                arg);
        return -1;
    }
    *comma = '\0';
    c->fleet.auto_transfer_url = c->auto_buf;
    c->fleet.auto_transfer_type = comma + 1;
    if (sim_xfer_url_check(c->auto_buf) == 9003) {
        fprintf(stderr, "cpe-sim: --autonomous-transfer: not a URL: %s\n", c->auto_buf);
        return -1;
    }
    return 0;
}

/* "File Type,name=value,...". */
static int parse_request_download(cli_t *c, const char *arg)
{
    char *save = NULL, *tok;
    size_t n = 0;

    free(c->rd_buf);
    c->rd_buf = strdup(arg);
    tok = c->rd_buf ? strtok_r(c->rd_buf, ",", &save) : NULL;
    if (!tok || strlen(tok) > 64)
        goto bad;
    c->fleet.request_download = tok;
    while ((tok = strtok_r(NULL, ",", &save))) {
        char *eq = strchr(tok, '=');
        if (!eq || eq == tok || n == MAX_RD_ARGS || eq - tok > 64 || strlen(eq + 1) > 256)
            goto bad;
        *eq = '\0';
        c->rd_names[n] = tok;
        c->rd_values[n++] = eq + 1;
    }
    c->fleet.rd_names = c->rd_names;
    c->fleet.rd_values = c->rd_values;
    c->fleet.rd_nargs = n;
    return 0;
bad:
    fprintf(stderr,
            "cpe-sim: --request-download wants FILETYPE[,NAME=VALUE...] (at most %d "
            "args), not \"%s\"\n",
            MAX_RD_ARGS, arg);
    return -1;
}

static int parse_version(const char *s, int *minor)
{
    if (strlen(s) == 3 && s[0] == '1' && s[1] == '.' && s[2] >= '0' && s[2] <= '4') {
        *minor = s[2] - '0';
        return 0;
    }
    fprintf(stderr, "cpe-sim: --cwmp-version wants 1.0 .. 1.4, not \"%s\"\n", s);
    return -1;
}

static int parse_number_opt(cli_t *c, int opt, const char *arg)
{
    sim_fleet_opts_t *f = &c->fleet;
    long v;

    switch (opt) {
    case OPT_COUNT:
        if (parse_long("count", arg, 1, 10000000, &v) != 0)
            return -1;
        f->count = (size_t)v;
        return 0;
    case OPT_START_INDEX:
        if (parse_long("start-index", arg, 0, 999999999, &v) != 0)
            return -1;
        f->start_index = (unsigned)v;
        return 0;
    case OPT_CONCURRENCY:
        if (parse_long("concurrency", arg, 1, 1000000, &v) != 0)
            return -1;
        f->concurrency = (size_t)v;
        return 0;
    case OPT_TIMEOUT:
        if (parse_long("timeout", arg, 1, 3600, &v) != 0)
            return -1;
        f->timeout_s = (int)v;
        return 0;
    case OPT_SESSIONS:
        return parse_long("sessions", arg, 0, LONG_MAX, &f->sessions);
    case OPT_INTERVAL:
        return parse_long("interval", arg, 0, 86400 * 365, &f->interval_s);
    case OPT_RAMP_MS:
        return parse_long("ramp-ms", arg, 0, 86400000, &f->ramp_ms);
    default:
        return -1;
    }
}

static int parse_opt(cli_t *c, int opt, const char *arg)
{
    switch (opt) {
    case OPT_ACS:
        c->fleet.acs_url = arg;
        return 0;
    case OPT_MODEL:
        c->model = arg;
        return 0;
    case OPT_OUI:
        c->oui = arg;
        return 0;
    case OPT_PRODUCT_CLASS:
        c->product_class = arg;
        return 0;
    case OPT_MANUFACTURER:
        c->manufacturer = arg;
        return 0;
    case OPT_SERIAL_PREFIX:
        c->fleet.serial_prefix = arg;
        return 0;
    case OPT_USERNAME:
        c->username = arg;
        return 0;
    case OPT_PASSWORD:
        c->password = arg;
        return 0;
    case OPT_EVENTS:
        return parse_events(c, arg);
    case OPT_NO_COOKIES:
        c->fleet.no_cookies = 1;
        return 0;
    case OPT_CWMP_VERSION:
        return parse_version(arg, &c->fleet.cwmp_minor);
    case OPT_STATE_DIR:
        c->fleet.state_dir = arg;
        return 0;
    case OPT_JSON:
        c->json = 1;
        return 0;
    case OPT_JSON_DEVICES:
        c->json = c->json_devices = 1;
        return 0;
    case OPT_QUIET:
        c->quiet = 1;
        return 0;
    case OPT_AUTO_TRANSFER:
        return parse_auto_transfer(c, arg);
    case OPT_AUTO_DU:
        if (sim_xfer_url_check(arg) == 9003 || strlen(arg) > SIM_XFER_DU_URL_MAX) {
            fprintf(stderr, "cpe-sim: --autonomous-du: not a URL: %s\n", arg);
            return -1;
        }
        c->fleet.auto_du_url = arg;
        return 0;
    case OPT_REQUEST_DOWNLOAD:
        return parse_request_download(c, arg);
    case OPT_KICKED:
        c->fleet.kicked = 1;
        return 0;
    default:
        return parse_number_opt(c, opt, arg);
    }
}

static int parse_cli(cli_t *c, int argc, char **argv)
{
    int opt;

    memset(c, 0, sizeof *c);
    c->fleet.count = 1;
    c->fleet.serial_prefix = "SIM";
    c->fleet.start_index = 1;
    c->fleet.sessions = 1;
    c->fleet.interval_s = -1;
    c->fleet.concurrency = 100;
    c->fleet.cwmp_minor = 2;
    c->fleet.timeout_s = 30;
    c->model = "tr181";
    if (parse_events(c, "0 BOOTSTRAP,1 BOOT") != 0)
        return -1;
    c->fleet.events_given = 0;
    while ((opt = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
        if (opt == 'h' || opt == OPT_HELP) {
            usage(stdout);
            exit(0);
        }
        if (opt == '?' || parse_opt(c, opt, optarg) != 0)
            return -1;
    }
    if (optind < argc || !c->fleet.acs_url) {
        fprintf(stderr, "cpe-sim: %s\n",
                optind < argc ? "unexpected argument" : "--acs is required");
        return -1;
    }
    c->fleet.events = c->events;
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The model file: arg itself if readable; else, for a bare name ("tr098"),
 * services/cpe-sim/models/<name>.json under the current directory, then
 * under each of the binary's four nearest ancestor directories. */
static int find_model(const char *arg, char *out, size_t cap)
{
    char exe[PATH_MAX], rel[320];
    ssize_t n;

    if (access(arg, R_OK) == 0 || strchr(arg, '/')) {
        snprintf(out, cap, "%s", arg);
        return access(arg, R_OK);
    }
    snprintf(rel, sizeof rel, "services/cpe-sim/models/%s%s", arg,
             ends_with(arg, ".json") ? "" : ".json");
    snprintf(out, cap, "%s", rel);
    if (access(out, R_OK) == 0)
        return 0;
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    for (int up = 0; up < 4; up++) {
        char *slash = strrchr(exe, '/');
        if (!slash)
            break;
        *slash = '\0';
        if ((size_t)snprintf(out, cap, "%s/%s", exe, rel) < cap && access(out, R_OK) == 0)
            return 0;
    }
    snprintf(out, cap, "%s", rel);
    return -1;
}

static int oui_valid(const char *oui)
{
    if (strlen(oui) != 6)
        return 0;
    for (int i = 0; i < 6; i++) {
        char ch = oui[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'F')))
            return 0;
    }
    return 1;
}

static int set_credential(sim_model_t *m, const char *leaf, const char *value)
{
    char name[300];
    if (!value)
        return 0;
    snprintf(name, sizeof name, "%sManagementServer.%s", sim_model_root(m), leaf);
    if (sim_model_set_default(m, name, value) != 0) {
        fprintf(stderr, "cpe-sim: cannot set %s (missing from the model, or bad template)\n", name);
        return -1;
    }
    return 0;
}

static sim_model_t *load_model(const cli_t *c)
{
    char path[PATH_MAX + 400], err[512];
    sim_model_t *m;

    if (find_model(c->model, path, sizeof path) != 0) {
        fprintf(stderr, "cpe-sim: model not found: %s (try --model PATH)\n", path);
        return NULL;
    }
    m = sim_model_load(path, err, sizeof err);
    if (!m) {
        fprintf(stderr, "cpe-sim: bad model: %s\n", err);
        return NULL;
    }
    acs_info("model %s: %zu entries, root %s", path, sim_model_count(m), sim_model_root(m));
    sim_model_set_identity(m, c->manufacturer, c->oui, c->product_class);
    if (!sim_model_oui(m)[0] || set_credential(m, "Username", c->username) != 0 ||
        set_credential(m, "Password", c->password) != 0) {
        if (!sim_model_oui(m)[0])
            fprintf(stderr, "cpe-sim: the OUI must not be empty\n");
        sim_model_free(m);
        return NULL;
    }
    /* The CPE reports the ACS it talks to (a model without the parameter is fine). */
    snprintf(path, sizeof path, "%sManagementServer.URL", sim_model_root(m));
    if (sim_model_find(m, path) >= 0 && sim_model_set_default(m, path, c->fleet.acs_url) != 0)
        acs_warn("ManagementServer.URL keeps the model's value: the URL holds a '{'");
    if (!oui_valid(sim_model_oui(m)))
        acs_warn("OUI %s is not 6 upper-case hex digits; sending it anyway", sim_model_oui(m));
    return m;
}

/* Thousands of CPEs need thousands of sockets: lift the soft limit. */
static void raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        (void)setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static void report(sim_fleet_t *f, const cli_t *c)
{
    sim_stats_t *st = sim_fleet_stats(f);
    int devices = c->json_devices || c->fleet.count <= DEVICES_LIMIT;

    acs_info("done: %zu CPEs, sessions ok=%llu failed=%llu in %lld ms", c->fleet.count,
             (unsigned long long)sim_stats_sessions_ok(st),
             (unsigned long long)sim_stats_sessions_failed(st), (long long)sim_fleet_elapsed_ms(f));
    if (c->json) {
        json_t *sum = sim_stats_summary(st, sim_fleet_elapsed_ms(f), devices);
        json_dumpf(sum, stdout, JSON_COMPACT);
        fputc('\n', stdout);
        fflush(stdout);
        json_decref(sum);
    }
}

int main(int argc, char **argv)
{
    cli_t c;
    sim_model_t *m = NULL;
    sim_fleet_t *f = NULL;
    char err[512];
    int rc = EXIT_USAGE;

    (void)acs_log_init("cpe-sim"); /* a bad ACS_LOG_* is logged and ignored */
    if (parse_cli(&c, argc, argv) != 0) {
        fputs("cpe-sim: try --help\n", stderr);
        goto out;
    }
    if (c.quiet)
        acs_log_threshold = ACS_LOG_ERROR;
    signal(SIGPIPE, SIG_IGN);
    raise_nofile();
    xmlInitParser();
    if (!(m = load_model(&c)))
        goto out;
    f = sim_fleet_new(m, &c.fleet, err, sizeof err);
    if (!f) {
        fprintf(stderr, "cpe-sim: %s\n", err);
        goto out;
    }
    if (sim_fleet_run(f) != 0) {
        acs_error("the event loop failed");
        rc = 1;
        goto out;
    }
    report(f, &c);
    rc = sim_stats_sessions_failed(sim_fleet_stats(f)) ? 1 : 0;
out:
    sim_fleet_free(f);
    sim_model_free(m);
    free(c.events_buf);
    free(c.auto_buf);
    free(c.rd_buf);
    xmlCleanupParser();
    return rc;
}
