/* ctl: what every acsctl module shares: the exit codes, the parsed command
 * line and the configuration.
 *
 * acsctl is a command line tool, not a daemon: it may block (synchronous
 * rabbitmq-c and libpq), writes its answer on stdout (a table, or one JSON
 * document with --json) and each error as one line on stderr, and exits
 * with one of the codes below, which scripts can rely on.
 */
#ifndef CTL_H
#define CTL_H

#include <stddef.h>

typedef enum {
    CTL_EXIT_OK = 0,          /* done; an RPC answered ok */
    CTL_EXIT_FAILED = 1,      /* an RPC answered with a fault or failed, or was refused */
    CTL_EXIT_USAGE = 2,       /* bad command line: unknown command, bad name, value, type */
    CTL_EXIT_UNKNOWN = 3,     /* the device is not in the devices table (or no device matched) */
    CTL_EXIT_UNREACHABLE = 4, /* the broker or the database cannot be reached or used */
    CTL_EXIT_TIMEOUT = 5,     /* --wait ran out before the result came */
} ctl_exit_t;

/* Most values accepted for a repeatable filter option (--tag, --param). */
#define CTL_MULTI_MAX 32

/* Device selection: the devices command, and bulk actions. */
typedef struct {
    const char *id_glob;             /* --id: shell glob on device_id (* ?) */
    const char *tags[CTL_MULTI_MAX]; /* --tag, every one required */
    int ntags;
    const char *params[CTL_MULTI_MAX]; /* --param NAME=VALUE, every one required */
    int nparams;
    const char *product_class; /* --product-class (exact) */
    const char *oui;           /* --oui (any case) */
    const char *software_version;
    long seen_within;  /* --seen-within seconds, -1 if not given */
    long not_seen_for; /* --not-seen-for seconds, -1 if not given */
    long limit;        /* --limit, -1 if not given */
    int all;           /* --all: every device (bulk actions need a filter) */
    int given;         /* how many selecting options were given (--limit excluded) */
} ctl_filter_t;

/* The whole command line. Strings point into argv (not owned). */
typedef struct {
    const char *cmd;  /* command word ("devices", "files"...), NULL if none */
    const char **pos; /* positionals after the command word; owned (free with ctl_args_free) */
    int npos;
    int help, json;
    const char *amqp_url, *db_dsn; /* --amqp, --db; NULL: environment */
    ctl_filter_t filter;
    /* RPC commands */
    int wait, force, dry_run;
    long timeout_s; /* --timeout, default 60 */
    double rate;    /* --rate per second, default 20 */
    const char *parameter_key, *command_key;
    const char *file, *url, *file_type, *name, *target_file_name;
    long file_size, delay, expires; /* -1 if not given */
    int notification;               /* --notification 0..6, -1 if not given */
    const char *access_list;        /* --access-list "a,b" ("" = empty list) */
    int next_level, remove;
    /* show, events, files */
    const char *params_prefix; /* show --params PREFIX */
    const char *device, *type; /* events, files list */
    int follow;
    const char *kind, *version; /* files add/list */
} ctl_cmdline_t;

/* Where acsctl connects, and the file store. Pointers into the
 * environment or the command line. */
typedef struct {
    const char *amqp_url;
    const char *db_dsn;
    const char *files_url;    /* ACS_FILES_URL, NULL if unset */
    const char *files_secret; /* ACS_FILES_SECRET, NULL if unset */
    const char *file_store;   /* ACS_FILE_STORE, NULL if unset */
} ctl_config_t;

/* Print "acsctl: <message>" on stderr (one line) and return code. */
int ctl_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
