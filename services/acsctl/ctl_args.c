/* ctl_args: see ctl_args.h. The command line is one table of options and
 * one table of commands; an option is accepted by a command if its group is
 * one the command takes, or if the command names it. */
#include "ctl_args.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acs_buf.h"

/* Option groups. */
#define G_GLOBAL 1 /* every command */
#define G_FILTER 2 /* device selection */
#define G_RPC 4    /* RPC commands */
#define G_OWN 8    /* only commands that name it */

typedef enum { K_FLAG, K_STR, K_INT, K_DUR, K_NUM, K_MULTI } kind_t;

typedef struct {
    const char *name;
    int group;
    kind_t kind;
    size_t off;    /* into ctl_cmdline_t */
    long min, max; /* K_INT */
} optdef_t;

#define OFF(f) offsetof(ctl_cmdline_t, f)
#define FOFF(f) (offsetof(ctl_cmdline_t, filter) + offsetof(ctl_filter_t, f))

static const optdef_t opts[] = {
    {"help", G_GLOBAL, K_FLAG, OFF(help), 0, 0},
    {"json", G_GLOBAL, K_FLAG, OFF(json), 0, 0},
    {"amqp", G_GLOBAL, K_STR, OFF(amqp_url), 0, 0},
    {"db", G_GLOBAL, K_STR, OFF(db_dsn), 0, 0},
    {"id", G_FILTER, K_STR, FOFF(id_glob), 0, 0},
    {"tag", G_FILTER, K_MULTI, FOFF(tags), 0, 0},
    {"param", G_FILTER, K_MULTI, FOFF(params), 0, 0},
    {"product-class", G_FILTER, K_STR, FOFF(product_class), 0, 0},
    {"oui", G_FILTER, K_STR, FOFF(oui), 0, 0},
    {"software-version", G_FILTER, K_STR, FOFF(software_version), 0, 0},
    {"seen-within", G_FILTER, K_DUR, FOFF(seen_within), 0, 0},
    {"not-seen-for", G_FILTER, K_DUR, FOFF(not_seen_for), 0, 0},
    {"limit", G_FILTER, K_INT, FOFF(limit), 1, 10000000},
    {"all", G_FILTER, K_FLAG, FOFF(all), 0, 0},
    {"wait", G_RPC, K_FLAG, OFF(wait), 0, 0},
    {"timeout", G_RPC, K_DUR, OFF(timeout_s), 0, 0},
    {"force", G_RPC, K_FLAG, OFF(force), 0, 0},
    {"rate", G_RPC, K_NUM, OFF(rate), 0, 0},
    {"dry-run", G_RPC, K_FLAG, OFF(dry_run), 0, 0},
    {"parameter-key", G_OWN, K_STR, OFF(parameter_key), 0, 0},
    {"command-key", G_OWN, K_STR, OFF(command_key), 0, 0},
    {"file", G_OWN, K_STR, OFF(file), 0, 0},
    {"url", G_OWN, K_STR, OFF(url), 0, 0},
    {"file-type", G_OWN, K_STR, OFF(file_type), 0, 0},
    {"name", G_OWN, K_STR, OFF(name), 0, 0},
    {"target-file-name", G_OWN, K_STR, OFF(target_file_name), 0, 0},
    {"file-size", G_OWN, K_INT, OFF(file_size), 0, 4294967295L},
    {"delay", G_OWN, K_DUR, OFF(delay), 0, 0},
    {"expires", G_OWN, K_DUR, OFF(expires), 0, 0},
    {"notification", G_OWN, K_INT, OFF(notification), 0, 6},
    {"access-list", G_OWN, K_STR, OFF(access_list), 0, 0},
    {"next-level", G_OWN, K_FLAG, OFF(next_level), 0, 0},
    {"remove", G_OWN, K_FLAG, OFF(remove), 0, 0},
    {"params", G_OWN, K_STR, OFF(params_prefix), 0, 0},
    {"device", G_OWN, K_STR, OFF(device), 0, 0},
    {"type", G_OWN, K_STR, OFF(type), 0, 0},
    {"follow", G_OWN, K_FLAG, OFF(follow), 0, 0},
    {"kind", G_OWN, K_STR, OFF(kind), 0, 0},
    {"version", G_OWN, K_STR, OFF(version), 0, 0},
};

#define N_OPTS (sizeof(opts) / sizeof(opts[0]))

typedef struct {
    const char *name;
    int groups;
    const char *own; /* space-separated option names it also takes */
} cmddef_t;

#define FR (G_GLOBAL | G_FILTER | G_RPC)

static const cmddef_t cmds[] = {
    {"devices", G_GLOBAL | G_FILTER, ""},
    {"show", G_GLOBAL, "params"},
    {"get", FR, ""},
    {"set", FR, "parameter-key"},
    {"add", FR, "parameter-key"},
    {"delete", FR, "parameter-key"},
    {"attrs", FR, "notification access-list"},
    {"reboot", FR, "command-key"},
    {"factory-reset", FR, ""},
    {"download", FR, "file url file-type command-key file-size target-file-name delay"},
    {"upload", FR, "file-type name command-key delay expires"},
    {"schedule-inform", FR, "command-key"},
    {"rpc", FR, ""},
    {"names", FR, "next-level"},
    {"tag", G_GLOBAL | G_FILTER, "remove force"},
    {"events", G_GLOBAL, "device type follow limit"},
    {"files", G_GLOBAL, "name kind version oui product-class file-type device limit"},
    {"help", G_GLOBAL, ""},
};

#define N_CMDS (sizeof(cmds) / sizeof(cmds[0]))

static void seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static const cmddef_t *find_cmd(const char *name)
{
    for (size_t i = 0; name && i < N_CMDS; i++)
        if (strcmp(cmds[i].name, name) == 0)
            return &cmds[i];
    return NULL;
}

static const optdef_t *find_opt(const char *name, size_t len)
{
    for (size_t i = 0; i < N_OPTS; i++)
        if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
            return &opts[i];
    return NULL;
}

int ctl_args_is_rpc_command(const char *cmd)
{
    const cmddef_t *c = find_cmd(cmd);
    return c != NULL && (c->groups & G_RPC);
}

static int own_has(const char *own, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = own; *p;) {
        size_t w = strcspn(p, " ");
        if (w == n && strncmp(p, name, n) == 0)
            return 1;
        p += w;
        p += strspn(p, " ");
    }
    return 0;
}

static int parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max || s[0] == ' ' || s[0] == '+')
        return -1;
    *out = v;
    return 0;
}

/* Store value for option o into cl. */
static int store(ctl_cmdline_t *cl, const optdef_t *o, const char *value, char *err, size_t errlen)
{
    char *base = (char *)cl + o->off;
    long v;
    char *end;

    switch (o->kind) {
    case K_FLAG:
        *(int *)base = 1;
        return 0;
    case K_STR:
        *(const char **)base = value;
        return 0;
    case K_INT:
        if (parse_long(value, o->min, o->max, &v) != 0) {
            seterr(err, errlen, "--%s: '%.64s' is not a whole number in %ld..%ld", o->name, value,
                   o->min, o->max);
            return -1;
        }
        if (o->off == OFF(notification))
            cl->notification = (int)v;
        else
            *(long *)base = v;
        return 0;
    case K_DUR:
        if (ctl_parse_duration(value, &v) != 0) {
            seterr(err, errlen, "--%s: '%.64s' is not a duration (like 30s, 10m, 2h, 7d)", o->name,
                   value);
            return -1;
        }
        *(long *)base = v;
        return 0;
    case K_NUM:
        errno = 0;
        cl->rate = strtod(value, &end);
        if (errno || end == value || *end || !(cl->rate > 0) || cl->rate > 100000) {
            seterr(err, errlen, "--%s: '%.64s' is not a number in (0, 100000]", o->name, value);
            return -1;
        }
        return 0;
    case K_MULTI: {
        int *count = o->off == FOFF(tags) ? &cl->filter.ntags : &cl->filter.nparams;
        if (*count >= CTL_MULTI_MAX) {
            seterr(err, errlen, "--%s: at most %d times", o->name, CTL_MULTI_MAX);
            return -1;
        }
        ((const char **)base)[(*count)++] = value;
        return 0;
    }
    }
    return -1;
}

static void defaults(ctl_cmdline_t *cl, int argc)
{
    memset(cl, 0, sizeof *cl);
    cl->pos = acs_xcalloc((size_t)argc + 1, sizeof(char *));
    cl->filter.seen_within = cl->filter.not_seen_for = cl->filter.limit = -1;
    cl->timeout_s = 60;
    cl->rate = 20;
    cl->file_size = cl->delay = cl->expires = -1;
    cl->notification = -1;
}

/* One "--name[=value]" at argv[*i]; may consume the next argument. */
static int parse_option(int argc, char **argv, int *i, ctl_cmdline_t *cl, const optdef_t **seen,
                        char *err, size_t errlen)
{
    const char *a = argv[*i] + 2, *eq = strchr(a, '='), *value = NULL;
    size_t len = eq ? (size_t)(eq - a) : strlen(a);
    const optdef_t *o = find_opt(a, len);

    if (!o) {
        seterr(err, errlen, "unknown option --%.*s (see acsctl --help)", (int)(len > 64 ? 64 : len),
               a);
        return -1;
    }
    if (o->kind == K_FLAG) {
        if (eq) {
            seterr(err, errlen, "--%s takes no value", o->name);
            return -1;
        }
    } else if (eq) {
        value = eq + 1;
    } else if (*i + 1 < argc) {
        value = argv[++*i];
    } else {
        seterr(err, errlen, "--%s needs a value", o->name);
        return -1;
    }
    *seen = o;
    if (o->group == G_FILTER && o->off != FOFF(limit))
        cl->filter.given++;
    return store(cl, o, value, err, errlen);
}

/* Options given that the command does not take. */
static int check_allowed(const cmddef_t *c, const optdef_t **seen, int nseen, char *err,
                         size_t errlen)
{
    for (int k = 0; k < nseen; k++) {
        const optdef_t *o = seen[k];
        if ((o->group & c->groups) || own_has(c->own, o->name))
            continue;
        seterr(err, errlen, "%s does not take --%s (see acsctl %s --help)", c->name, o->name,
               c->name);
        return -1;
    }
    return 0;
}

int ctl_args_parse(int argc, char **argv, ctl_cmdline_t *cl, char *err, size_t errlen)
{
    const optdef_t **seen = acs_xcalloc((size_t)argc + 1, sizeof(*seen));
    int nseen = 0, rc = -1, opts_done = 0;
    const cmddef_t *c;

    defaults(cl, argc);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!opts_done && strcmp(a, "--") == 0) {
            opts_done = 1;
        } else if (!opts_done && (strcmp(a, "-h") == 0)) {
            cl->help = 1;
        } else if (!opts_done && a[0] == '-' && a[1] == '-') {
            if (parse_option(argc, argv, &i, cl, &seen[nseen++], err, errlen) != 0)
                goto out;
        } else if (!opts_done && a[0] == '-' && a[1] != '\0') {
            seterr(err, errlen, "unknown option %.64s (options are --long; see acsctl --help)", a);
            goto out;
        } else if (!cl->cmd) {
            cl->cmd = a;
        } else {
            cl->pos[cl->npos++] = a;
        }
    }
    if (!cl->cmd) {
        rc = 0; /* "acsctl --help" or nothing: the caller decides */
        goto out;
    }
    if (!(c = find_cmd(cl->cmd))) {
        seterr(err, errlen, "unknown command '%.64s' (see acsctl --help)", cl->cmd);
        goto out;
    }
    rc = check_allowed(c, seen, nseen, err, errlen);
out:
    free(seen);
    return rc;
}

void ctl_args_free(ctl_cmdline_t *cl)
{
    free(cl->pos);
    cl->pos = NULL;
    cl->npos = 0;
}

/* ---- durations ------------------------------------------------------------ */

int ctl_parse_duration(const char *s, long *secs)
{
    static const char units[] = "smhdw";
    static const long mult[] = {1, 60, 3600, 86400, 7 * 86400};
    const long max = 10L * 366 * 86400;
    long total = 0;
    const char *u;

    if (!s || !*s)
        return -1;
    if (strspn(s, "0123456789") == strlen(s)) /* bare digits: seconds */
        return strlen(s) > 9 || atol(s) > max ? -1 : (*secs = atol(s), 0);
    while (*s) {
        long v = 0;
        if (*s < '0' || *s > '9')
            return -1;
        while (*s >= '0' && *s <= '9') {
            v = v * 10 + (*s++ - '0');
            if (v > max)
                return -1;
        }
        if (*s == '\0' || !(u = strchr(units, *s)))
            return -1;
        s++;
        total += v * mult[u - units];
        if (total > max)
            return -1;
    }
    *secs = total;
    return 0;
}

void ctl_format_age(long secs, char *out, size_t n)
{
    if (secs < 0)
        secs = 0;
    if (secs < 60)
        snprintf(out, n, "%lds", secs);
    else if (secs < 3600)
        snprintf(out, n, "%ldm", secs / 60);
    else if (secs < 86400)
        snprintf(out, n, "%ldh", secs / 3600);
    else
        snprintf(out, n, "%ldd", secs / 86400);
}

/* ---- usage ---------------------------------------------------------------- */

static const char usage_text[] =
    "usage: acsctl [--amqp URL] [--db DSN] [--json] COMMAND [ARGS] [OPTIONS]\n"
    "\n"
    "Inventory (PostgreSQL):\n"
    "  devices [FILTER]                    list devices (--limit N, default 100)\n"
    "  show DEVICE [--params PREFIX]       summary, parameters, events, faults, transfers,\n"
    "                                      tags, sessions, RPCs\n"
    "  tag DEVICE TAG... [--remove]        add (or remove) tags; also over a FILTER\n"
    "  events [--device D] [--type T] [--limit N] [--follow]\n"
    "                                      recent events; --follow prints live ones\n"
    "  files add PATH [--name NAME] [--kind firmware|config|log|other] [--version V]\n"
    "            [--oui O] [--product-class P] [--file-type T]\n"
    "  files list [--kind K] [--device D]\n"
    "\n"
    "RPCs (queued on the device's queue, run in its next session):\n"
    "  get DEVICE NAME...                  GetParameterValues\n"
    "  set DEVICE NAME=VALUE[:TYPE]... [--parameter-key K]\n"
    "  add DEVICE OBJECT. [--parameter-key K]\n"
    "  delete DEVICE OBJECT.N. [--parameter-key K]\n"
    "  attrs DEVICE NAME... [--notification 0-6] [--access-list A,B]\n"
    "                                      get, or with an option set, attributes\n"
    "  names DEVICE PATH [--next-level]    GetParameterNames\n"
    "  reboot DEVICE [--command-key K]\n"
    "  factory-reset DEVICE\n"
    "  download DEVICE (--file NAME | --url URL) [--file-type T] [--command-key K]\n"
    "           [--file-size N] [--target-file-name F] [--delay D]\n"
    "  upload DEVICE [--file-type T] [--name NAME] [--command-key K] [--delay D]\n"
    "         [--expires D]\n"
    "  schedule-inform DEVICE SECONDS [--command-key K]\n"
    "  rpc DEVICE METHOD ['JSON params']  any method, vendor X_ methods too\n"
    "\n"
    "  RPC options: --wait [--timeout D] (default 60s) waits for the result;\n"
    "  --force queues for a device not in the inventory yet. Instead of DEVICE, a\n"
    "  FILTER runs the action on every matching device: --rate N per second\n"
    "  (default 20), --dry-run lists the devices only.\n"
    "\n"
    "FILTER: --id GLOB --tag T --param NAME=VALUE --product-class P --oui O\n"
    "        --software-version V --seen-within D --not-seen-for D --limit N --all\n"
    "        (D: 30s, 10m, 2h, 7d; several options must all match)\n"
    "\n"
    "Environment: ACS_AMQP_URL, ACS_PG_DSN, ACS_FILES_URL, ACS_FILES_SECRET,\n"
    "ACS_FILE_STORE.\n"
    "Exit: 0 ok, 1 fault or failed, 2 usage, 3 unknown device, 4 broker or\n"
    "database unreachable, 5 --wait timed out.\n";

const char *ctl_args_usage(void)
{
    return usage_text;
}
