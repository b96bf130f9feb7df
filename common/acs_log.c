/* acs_log: see acs_log.h. */
#include "acs_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

acs_log_level_t acs_log_threshold = ACS_LOG_INFO;

static const char *log_service = "halyard";
static int log_json;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

int acs_log_init(const char *service)
{
    int rc = 0;
    const char *lvl = getenv("ACS_LOG_LEVEL");
    const char *fmt = getenv("ACS_LOG_FORMAT");

    log_service = service;
    if (lvl && *lvl) {
        int found = 0;
        for (int i = 0; i < 4; i++) {
            if (strcasecmp(lvl, level_names[i]) == 0) {
                acs_log_threshold = (acs_log_level_t)i;
                found = 1;
            }
        }
        if (!found) {
            acs_warn("ACS_LOG_LEVEL=%s is not debug|info|warn|error; using info", lvl);
            rc = -1;
        }
    }
    if (fmt && *fmt) {
        if (strcasecmp(fmt, "json") == 0) {
            log_json = 1;
        } else if (strcasecmp(fmt, "text") != 0) {
            acs_warn("ACS_LOG_FORMAT=%s is not text|json; using text", fmt);
            rc = -1;
        }
    }
    return rc;
}

/* Bounded appender: never writes past the end, tracks the would-be length. */
typedef struct {
    char *p;
    size_t len, cap;
} line_t;

static void put(line_t *l, const char *s, size_t n)
{
    if (l->len < l->cap) {
        size_t room = l->cap - l->len;
        memcpy(l->p + l->len, s, n < room ? n : room);
    }
    l->len += n;
}

static void puts_(line_t *l, const char *s)
{
    put(l, s, strlen(s));
}

/* JSON string body escaping (no quotes added). */
static void put_json(line_t *l, const char *s)
{
    char esc[8];
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            put(l, esc, 2);
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            put(l, esc, 6);
        } else {
            put(l, (const char *)&c, 1);
        }
    }
}

/* Text values: quoted when they hold spaces, quotes or '='; control chars
 * are replaced so one event stays one line. */
static void put_text_value(line_t *l, const char *s)
{
    int quote = *s == '\0' || strpbrk(s, " \"=") != NULL;
    if (quote)
        put(l, "\"", 1);
    for (; *s; s++) {
        char c = *s;
        if ((unsigned char)c < 0x20)
            c = '?';
        if (c == '"' && quote)
            put(l, "\\", 1);
        put(l, &c, 1);
    }
    if (quote)
        put(l, "\"", 1);
}

static void put_timestamp(line_t *l)
{
    struct timespec ts;
    struct tm tm;
    char buf[40];
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, sizeof buf - n, ".%03ldZ", ts.tv_nsec / 1000000);
    puts_(l, buf);
}

static void emit(acs_log_level_t lvl, const char *msg, va_list *kv)
{
    char buf[4096];
    line_t l = {buf, 0, sizeof buf - 2};

    if (log_json) {
        puts_(&l, "{\"ts\":\"");
        put_timestamp(&l);
        puts_(&l, "\",\"level\":\"");
        puts_(&l, level_names[lvl]);
        puts_(&l, "\",\"svc\":\"");
        put_json(&l, log_service);
        puts_(&l, "\",\"msg\":\"");
        put_json(&l, msg);
        put(&l, "\"", 1);
    } else {
        put_timestamp(&l);
        put(&l, " ", 1);
        puts_(&l, level_names[lvl]);
        put(&l, " ", 1);
        puts_(&l, log_service);
        puts_(&l, ": ");
        for (const char *s = msg; *s; s++)
            put(&l, (unsigned char)*s < 0x20 ? "?" : s, 1);
    }
    while (kv) {
        const char *k = va_arg(*kv, const char *);
        if (!k)
            break;
        const char *v = va_arg(*kv, const char *);
        if (!v)
            continue;
        if (log_json) {
            puts_(&l, ",\"");
            put_json(&l, k);
            puts_(&l, "\":\"");
            put_json(&l, v);
            put(&l, "\"", 1);
        } else {
            put(&l, " ", 1);
            puts_(&l, k);
            put(&l, "=", 1);
            put_text_value(&l, v);
        }
    }
    if (log_json)
        put(&l, "}", 1);
    if (l.len > l.cap)
        l.len = l.cap;
    buf[l.len++] = '\n';
    /* One write per line keeps lines whole across threads and processes. */
    ssize_t w = write(STDERR_FILENO, buf, l.len);
    (void)w;
}

void acs_log_write(acs_log_level_t lvl, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    if (!acs_log_enabled(lvl))
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    emit(lvl, msg, NULL);
}

void acs_log_kv(acs_log_level_t lvl, const char *msg, ...)
{
    va_list ap;
    if (!acs_log_enabled(lvl))
        return;
    va_start(ap, msg);
    emit(lvl, msg, &ap);
    va_end(ap);
}
