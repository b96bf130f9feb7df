/* acs_pg: see acs_pg.h.
 *
 * Each connection is a small state machine (DOWN -> CONNECTING -> IDLE <->
 * BUSY) driven by one persistent socket event whose interest follows what
 * libpq asks for. A query's life: queued (in the FIFO, conn NULL), running
 * (conn set), done (callback, then freed). Its timer runs from acs_pg_query
 * to the callback, whichever state it is in.
 *
 * Callbacks run from socket, timer and "kick" events only, never from the
 * public functions (except acs_pg_free, which the contract allows): that
 * way a callback may queue the next query without recursion.
 *
 * PQconnectStart resolves host names with a blocking getaddrinfo(); use an
 * address (host=127.0.0.1 or hostaddr=) where that matters.
 */
#include "acs_pg.h"
#include "acs_buf.h"
#include "acs_log.h"

#include <stdlib.h>
#include <string.h>

#define PG_MAX_CONNS 64
#define PG_MAX_PARAMS 65535 /* protocol limit on bind parameters */
#define PG_BACKOFF_MIN_MS 200
#define PG_BACKOFF_MAX_MS 5000
#define PG_DEFAULT_TIMEOUT_MS 30000
#define PG_ERRLEN 512

typedef struct pg_query pg_query_t;
typedef struct pg_conn pg_conn_t;

typedef enum { CONN_DOWN = 0, CONN_CONNECTING, CONN_IDLE, CONN_BUSY } conn_state_t;

struct pg_query {
    pg_query_t *next, *prev; /* FIFO links while queued */
    acs_pg_t *pg;
    pg_conn_t *conn; /* running on it; NULL while queued */
    char *sql;
    char **params; /* nparams copies; NULL entries are SQL NULL */
    int nparams;
    acs_pg_cb cb;
    void *arg;
    struct event *timer;
};

struct pg_conn {
    acs_pg_t *pg;
    int id;
    conn_state_t state;
    PGconn *db;
    struct event *io; /* persistent socket event, remade when interest changes */
    short io_what;
    struct event *retry; /* back-off timer while DOWN */
    int backoff_ms;
    int was_up;      /* "connected" logged, "lost" not yet */
    int down_logged; /* a failed attempt logged since the last success */
    int flushing;    /* PQflush still has bytes to send */
    pg_query_t *q;   /* running query (BUSY) */
    PGresult *res;   /* q's result so far: the first error, else the last */
};

struct acs_pg {
    struct event_base *base;
    char *conninfo;
    int size, max_queue, timeout_ms;
    pg_query_t *head, *tail;
    int nqueued;
    int connected;
    int closing;
    struct event *kick; /* made active to dispatch outside acs_pg_query */
    pg_conn_t conns[PG_MAX_CONNS];
};

static void conn_start(pg_conn_t *c);
static void conn_io_cb(evutil_socket_t fd, short what, void *arg);
static void dispatch(acs_pg_t *pg);

/* ---- small helpers ------------------------------------------------------ */

/* libpq messages span lines ("FATAL: ...\nDETAIL: ..."): make one line,
 * blanks squeezed. */
static void one_line(const char *src, char *dst, size_t n)
{
    size_t len = 0;

    for (; src && *src && len + 1 < n; src++) {
        int blank = *src == '\n' || *src == '\r' || *src == '\t' || *src == ' ';
        if (!blank)
            dst[len++] = *src;
        else if (len > 0 && dst[len - 1] != ' ')
            dst[len++] = ' ';
    }
    while (len > 0 && dst[len - 1] == ' ')
        len--;
    dst[len] = '\0';
    if (len == 0)
        snprintf(dst, n, "unknown error");
}

static int result_failed(const PGresult *r)
{
    ExecStatusType st = PQresultStatus(r);
    return st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK && st != PGRES_SINGLE_TUPLE;
}

static void queue_push(acs_pg_t *pg, pg_query_t *q)
{
    q->prev = pg->tail;
    q->next = NULL;
    if (pg->tail)
        pg->tail->next = q;
    else
        pg->head = q;
    pg->tail = q;
    pg->nqueued++;
}

static void queue_remove(acs_pg_t *pg, pg_query_t *q)
{
    if (q->prev)
        q->prev->next = q->next;
    else
        pg->head = q->next;
    if (q->next)
        q->next->prev = q->prev;
    else
        pg->tail = q->prev;
    q->next = q->prev = NULL;
    pg->nqueued--;
}

static void query_free(pg_query_t *q)
{
    if (q->timer)
        event_free(q->timer);
    for (int i = 0; i < q->nparams; i++)
        free(q->params[i]);
    free(q->params);
    free(q->sql);
    free(q);
}

/* The end of every query: callback exactly once, then res and q are freed.
 * err NULL with an error result takes the result's message. */
static void query_done(pg_query_t *q, PGresult *res, const char *err)
{
    char line[PG_ERRLEN];

    if (res && !err && PQresultStatus(res) == PGRES_EMPTY_QUERY) {
        err = "empty query";
    } else if (res && !err && result_failed(res)) {
        one_line(PQresultErrorMessage(res), line, sizeof line);
        err = line;
    }
    if (q->timer) { /* no timeout may fire for a finished query */
        event_free(q->timer);
        q->timer = NULL;
    }
    q->cb(res, err, q->arg);
    PQclear(res);
    query_free(q);
}

/* ---- connection state --------------------------------------------------- */

/* Point the socket event at PQsocket with interest what (EV_PERSIST added).
 * While connecting libpq may swap sockets, so the event is remade each time
 * then (force); afterwards only when the interest changes. */
static int conn_arm(pg_conn_t *c, short what, int force)
{
    int fd = PQsocket(c->db);

    what |= EV_PERSIST;
    if (fd < 0)
        return -1;
    if (c->io && !force && c->io_what == what)
        return 0;
    if (c->io)
        event_free(c->io);
    c->io = event_new(c->pg->base, fd, what, conn_io_cb, c);
    c->io_what = what;
    return c->io ? 0 : -1;
}

static void conn_close(pg_conn_t *c)
{
    if (c->io) {
        event_free(c->io); /* before the socket closes under it */
        c->io = NULL;
    }
    if (c->state == CONN_IDLE || c->state == CONN_BUSY)
        c->pg->connected--;
    PQfinish(c->db);
    c->db = NULL;
    PQclear(c->res);
    c->res = NULL;
    c->flushing = 0;
    c->state = CONN_DOWN;
}

static void conn_log_down(pg_conn_t *c, const char *why)
{
    if (c->was_up) {
        acs_warn("pg C-%d: connection lost: %s", c->id, why);
    } else if (!c->down_logged) {
        acs_warn("pg C-%d: cannot connect: %s", c->id, why);
    } else {
        acs_debug("pg C-%d: connect attempt failed: %s", c->id, why);
    }
    c->was_up = 0;
    c->down_logged = 1;
}

/* The connection failed or was lost: fail its query with why (or the
 * query's error result), close, and retry after the back-off. */
static void conn_down(pg_conn_t *c, const char *why)
{
    char err[PG_ERRLEN];
    pg_query_t *q = c->q;
    struct timeval tv = {c->backoff_ms / 1000, c->backoff_ms % 1000 * 1000};

    if (c->res && result_failed(c->res))
        one_line(PQresultErrorMessage(c->res), err, sizeof err);
    else
        one_line(why, err, sizeof err); /* copy: PQfinish frees why */
    conn_log_down(c, err);
    c->q = NULL;
    conn_close(c);
    evtimer_add(c->retry, &tv);
    c->backoff_ms = c->backoff_ms * 2 > PG_BACKOFF_MAX_MS ? PG_BACKOFF_MAX_MS : c->backoff_ms * 2;
    if (q)
        query_done(q, NULL, err);
}

static void conn_ready(pg_conn_t *c)
{
    if (PQsetnonblocking(c->db, 1) != 0 || conn_arm(c, EV_READ, 1) != 0 ||
        event_add(c->io, NULL) != 0) {
        conn_down(c, PQerrorMessage(c->db));
        return;
    }
    c->state = CONN_IDLE;
    c->pg->connected++;
    c->backoff_ms = PG_BACKOFF_MIN_MS;
    c->was_up = 1;
    c->down_logged = 0;
    acs_info("pg C-%d: connected to %s:%s/%s", c->id, PQhost(c->db), PQport(c->db), PQdb(c->db));
    dispatch(c->pg);
}

/* One PQconnectPoll step, then wait for what it asks. */
static void conn_connect_step(pg_conn_t *c)
{
    short what;

    switch (PQconnectPoll(c->db)) {
    case PGRES_POLLING_OK:
        conn_ready(c);
        return;
    case PGRES_POLLING_READING:
        what = EV_READ;
        break;
    case PGRES_POLLING_WRITING:
        what = EV_WRITE;
        break;
    default:
        conn_down(c, PQerrorMessage(c->db));
        return;
    }
    if (conn_arm(c, what, 1) != 0 || event_add(c->io, NULL) != 0)
        conn_down(c, "cannot watch the socket");
}

/* The query on c is complete (PQgetResult said NULL). */
static void conn_query_complete(pg_conn_t *c)
{
    pg_query_t *q = c->q;
    PGresult *res = c->res;
    int bad = PQstatus(c->db) == CONNECTION_BAD;

    c->q = NULL;
    c->res = NULL;
    c->state = CONN_IDLE;
    q->conn = NULL;
    if (!res)
        query_done(q, NULL, "no result");
    else
        query_done(q, res, NULL);
    if (c->state != CONN_IDLE)
        return;
    if (bad)
        conn_down(c, PQerrorMessage(c->db));
    else
        dispatch(c->pg);
}

/* Keep the first error result, else the last one. */
static void conn_keep(pg_conn_t *c, PGresult *r)
{
    if (c->res && result_failed(c->res) && !result_failed(r)) {
        PQclear(r);
        return;
    }
    if (c->res && result_failed(r) && result_failed(c->res)) {
        PQclear(r);
        return;
    }
    PQclear(c->res);
    c->res = r;
}

static void conn_busy_io(pg_conn_t *c, short what)
{
    if ((what & EV_READ) && PQconsumeInput(c->db) == 0) {
        conn_down(c, PQerrorMessage(c->db));
        return;
    }
    if (c->flushing) {
        int f = PQflush(c->db);
        if (f < 0) {
            conn_down(c, PQerrorMessage(c->db));
            return;
        }
        c->flushing = f;
        if (f == 0 && (conn_arm(c, EV_READ, 0) != 0 || event_add(c->io, NULL) != 0)) {
            conn_down(c, "cannot watch the socket");
            return;
        }
    }
    while (!PQisBusy(c->db)) {
        PGresult *r = PQgetResult(c->db);
        ExecStatusType st;
        if (!r) {
            conn_query_complete(c);
            return;
        }
        st = PQresultStatus(r);
        if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
            PQclear(r); /* libpq would hand this out forever */
            conn_down(c, "COPY is not supported");
            return;
        }
        conn_keep(c, r);
    }
}

static void conn_idle_io(pg_conn_t *c)
{
    PGnotify *n;

    if (PQconsumeInput(c->db) == 0 || PQstatus(c->db) == CONNECTION_BAD) {
        conn_down(c, PQerrorMessage(c->db));
        return;
    }
    while ((n = PQnotifies(c->db)) != NULL)
        PQfreemem(n);
}

static void conn_io_cb(evutil_socket_t fd, short what, void *arg)
{
    pg_conn_t *c = arg;

    (void)fd;
    if (c->state == CONN_CONNECTING)
        conn_connect_step(c);
    else if (c->state == CONN_IDLE)
        conn_idle_io(c);
    else if (c->state == CONN_BUSY)
        conn_busy_io(c, what);
}

/* Server notices and warnings go to our log, not libpq's raw stderr line. */
static void conn_notice_cb(void *arg, const PGresult *res)
{
    pg_conn_t *c = arg;
    const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
    /* WARNING matters; a FATAL is followed by our own "connection lost" */
    acs_log_level_t lvl = !sev                                                     ? ACS_LOG_DEBUG
                          : strcmp(sev, "WARNING") == 0                            ? ACS_LOG_WARN
                          : strcmp(sev, "FATAL") == 0 || strcmp(sev, "PANIC") == 0 ? ACS_LOG_INFO
                                                                                   : ACS_LOG_DEBUG;
    char line[PG_ERRLEN];

    if (!acs_log_enabled(lvl))
        return;
    one_line(PQresultErrorMessage(res), line, sizeof line);
    acs_log_write(lvl, "pg C-%d: server says: %s", c->id, line);
}

static void conn_start(pg_conn_t *c)
{
    c->db = PQconnectStart(c->pg->conninfo);
    if (!c->db || PQstatus(c->db) == CONNECTION_BAD) {
        conn_down(c, c->db ? PQerrorMessage(c->db) : "out of memory");
        return;
    }
    PQsetNoticeReceiver(c->db, conn_notice_cb, c);
    c->state = CONN_CONNECTING;
    /* libpq's connect loop starts as if PQconnectPoll said WRITING */
    if (conn_arm(c, EV_WRITE, 1) != 0 || event_add(c->io, NULL) != 0)
        conn_down(c, "cannot watch the socket");
}

static void conn_retry_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    conn_start(arg);
}

/* A running query timed out: drop the connection so its late result can
 * never be read as the next query's, and connect again at once. */
static void conn_reset(pg_conn_t *c)
{
    acs_warn("pg C-%d: query timed out, resetting the connection", c->id);
    c->q->conn = NULL;
    c->q = NULL;
    conn_close(c);
    c->was_up = 0;
    conn_start(c);
}

/* ---- queries ------------------------------------------------------------ */

static void conn_send(pg_conn_t *c, pg_query_t *q)
{
    int f;

    c->q = q;
    q->conn = c;
    c->state = CONN_BUSY;
    if (!PQsendQueryParams(c->db, q->sql, q->nparams, NULL, (const char *const *)q->params, NULL,
                           NULL, 0)) {
        conn_down(c, PQerrorMessage(c->db));
        return;
    }
    f = PQflush(c->db);
    if (f < 0) {
        conn_down(c, PQerrorMessage(c->db));
        return;
    }
    c->flushing = f;
    if (conn_arm(c, f ? EV_READ | EV_WRITE : EV_READ, 0) != 0 || event_add(c->io, NULL) != 0)
        conn_down(c, "cannot watch the socket");
}

/* Start queued queries on idle connections, oldest first. */
static void dispatch(acs_pg_t *pg)
{
    for (int i = 0; i < pg->size && pg->head && !pg->closing; i++) {
        pg_conn_t *c = &pg->conns[i];
        if (c->state == CONN_IDLE) {
            pg_query_t *q = pg->head;
            queue_remove(pg, q);
            conn_send(c, q);
        }
    }
}

static void kick_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    dispatch(arg);
}

static void query_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
    pg_query_t *q = arg;

    (void)fd;
    (void)what;
    if (q->conn)
        conn_reset(q->conn);
    else
        queue_remove(q->pg, q);
    query_done(q, NULL, "timeout");
}

int acs_pg_query(acs_pg_t *pg, const char *sql, int nparams, const char *const *params,
                 acs_pg_cb cb, void *arg)
{
    pg_query_t *q;
    struct timeval tv;

    if (!pg || pg->closing || !sql || !cb || nparams < 0 || nparams > PG_MAX_PARAMS ||
        (nparams > 0 && !params) || pg->nqueued >= pg->max_queue)
        return -1;
    q = acs_xcalloc(1, sizeof *q);
    q->pg = pg;
    q->sql = acs_xstrdup(sql);
    q->nparams = nparams;
    q->params = acs_xcalloc(nparams > 0 ? (size_t)nparams : 1, sizeof *q->params);
    for (int i = 0; i < nparams; i++)
        q->params[i] = params[i] ? acs_xstrdup(params[i]) : NULL;
    q->cb = cb;
    q->arg = arg;
    q->timer = evtimer_new(pg->base, query_timeout_cb, q);
    tv.tv_sec = pg->timeout_ms / 1000;
    tv.tv_usec = pg->timeout_ms % 1000 * 1000;
    if (!q->timer || evtimer_add(q->timer, &tv) != 0) {
        query_free(q);
        return -1;
    }
    queue_push(pg, q);
    event_active(pg->kick, EV_TIMEOUT, 1);
    return 0;
}

/* ---- pool --------------------------------------------------------------- */

static int clamp(const char *what, int v, int lo, int hi, int def)
{
    if (v >= lo && v <= hi)
        return v;
    acs_warn("pg: %s=%d out of [%d, %d]; using %d", what, v, lo, hi, def);
    return def;
}

acs_pg_t *acs_pg_new(struct event_base *base, const char *conninfo, int size, int max_queue,
                     int timeout_ms)
{
    acs_pg_t *pg = acs_xcalloc(1, sizeof *pg);

    pg->base = base;
    pg->conninfo = acs_xstrdup(conninfo ? conninfo : "");
    pg->size = clamp("size", size, 1, PG_MAX_CONNS, size < 1 ? 1 : PG_MAX_CONNS);
    pg->max_queue = clamp("max_queue", max_queue, 1, 1 << 24, 1024);
    pg->timeout_ms = clamp("timeout_ms", timeout_ms, 1, 24 * 3600 * 1000, PG_DEFAULT_TIMEOUT_MS);
    pg->kick = event_new(base, -1, 0, kick_cb, pg);
    if (!pg->kick)
        abort(); /* event_new only fails when malloc does; see acs_buf.h */
    for (int i = 0; i < pg->size; i++) {
        pg_conn_t *c = &pg->conns[i];
        c->pg = pg;
        c->id = i;
        c->backoff_ms = PG_BACKOFF_MIN_MS;
        c->retry = evtimer_new(base, conn_retry_cb, c);
        if (!c->retry)
            abort();
        conn_start(c);
    }
    return pg;
}

int acs_pg_connected(const acs_pg_t *pg)
{
    return pg ? pg->connected : 0;
}

int acs_pg_queued(const acs_pg_t *pg)
{
    return pg ? pg->nqueued : 0;
}

void acs_pg_free(acs_pg_t *pg)
{
    pg_query_t *q;

    if (!pg)
        return;
    pg->closing = 1; /* callbacks below cannot queue more */
    for (int i = 0; i < pg->size; i++) {
        pg_conn_t *c = &pg->conns[i];
        q = c->q;
        c->q = NULL;
        conn_close(c);
        event_free(c->retry);
        c->retry = NULL;
        if (q)
            query_done(q, NULL, "shutting down");
    }
    while ((q = pg->head) != NULL) {
        queue_remove(pg, q);
        query_done(q, NULL, "shutting down");
    }
    event_free(pg->kick);
    free(pg->conninfo);
    free(pg);
}
