/* sim_fleet: see sim_fleet.h. */
#include "sim_fleet.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "acs_log.h"
#include "acs_util.h"
#include "sim_device.h"
#include "sim_http.h"
#include "sim_session.h"
#include "sim_state.h"
#include "sim_xfer_run.h"

/* Default interval when neither --interval nor the model gives one. */
#define DEFAULT_INTERVAL_S 300
/* Progress line period. */
#define PROGRESS_S 10

/* The transfer side of a CPE, allocated when it first transfers. */
typedef struct {
    struct event *timer; /* next queued job or ScheduleInform */
    sim_xfer_run_t *run; /* the job running, or NULL */
    int run_over;        /* its I/O is over: finish it when the session ends */
    int want_session;    /* a session should follow (a completion to report) */
    int64_t kick_ms;     /* ... after this delay */
} cpe_xfer_t;

typedef struct {
    sim_fleet_t *fleet;
    size_t no;
    sim_device_t *dev;
    struct event *timer;
    sim_session_t *session;
    cpe_xfer_t *xf; /* NULL until the device transfers (sim_device_xfer exists) */
    long done;      /* sessions finished */
    size_t next;    /* wait queue link: index + 1, 0 = end */
    int queued;     /* in the wait queue */
} cpe_t;

struct sim_fleet {
    sim_fleet_opts_t o;
    const sim_model_t *model;
    struct event_base *base;
    sim_url_t url;
    char connect_addr[INET6_ADDRSTRLEN];
    char ns[48];
    sim_session_env_t env;
    sim_xfer_env_t xenv;
    cpe_t *cpe;
    size_t n;
    size_t active;               /* running sessions */
    size_t runs;                 /* running transfers */
    size_t finished;             /* CPEs with all their sessions done */
    size_t wait_head, wait_tail; /* FIFO of due CPEs: index + 1 */
    int stopping;                /* signals received */
    struct event *sigint, *sigterm, *progress;
    int64_t start_ms, end_ms;
    sim_stats_t *stats;
};

static void start_session(cpe_t *c);
static void xfer_check(cpe_t *c);

/* ---- scheduling ---- */

static void check_end(sim_fleet_t *f)
{
    if (f->active == 0 && f->runs == 0 && (f->finished == f->n || f->stopping))
        event_base_loopbreak(f->base);
}

static int sessions_left(const cpe_t *c)
{
    return c->fleet->o.sessions == 0 || c->done < c->fleet->o.sessions;
}

static void enqueue(cpe_t *c)
{
    sim_fleet_t *f = c->fleet;
    c->queued = 1;
    c->next = 0;
    if (f->wait_tail)
        f->cpe[f->wait_tail - 1].next = c->no + 1;
    else
        f->wait_head = c->no + 1;
    f->wait_tail = c->no + 1;
}

static void pump(sim_fleet_t *f)
{
    while (!f->stopping && f->active < f->o.concurrency && f->wait_head) {
        cpe_t *c = &f->cpe[f->wait_head - 1];
        f->wait_head = c->next;
        if (!f->wait_head)
            f->wait_tail = 0;
        c->queued = 0;
        start_session(c);
    }
}

static sim_xfer_t *cpe_xfer(cpe_t *c)
{
    return c->xf ? sim_device_xfer(c->dev) : NULL;
}

static void due_cb(evutil_socket_t fd, short what, void *arg)
{
    cpe_t *c = arg;
    sim_fleet_t *f = c->fleet;

    if (f->stopping || c->session || c->queued)
        return;
    /* A job due now runs first; the session follows it and reports it. */
    if (c->xf && !c->xf->run && sim_xfer_job_due(cpe_xfer(c), acs_now_wall_ms())) {
        c->xf->want_session = 1;
        c->xf->kick_ms = 0;
        xfer_check(c);
        if (c->xf->run)
            return;
    }
    if (f->active < f->o.concurrency && !f->wait_head)
        start_session(c);
    else
        enqueue(c);
}

static void schedule(cpe_t *c, int64_t delay_ms)
{
    struct timeval tv = {(time_t)(delay_ms / 1000), (suseconds_t)(delay_ms % 1000) * 1000};
    evtimer_add(c->timer, &tv);
}

static int64_t next_delay_ms(const cpe_t *c, const sim_session_result_t *res)
{
    long interval = c->fleet->o.interval_s;
    int64_t ms;

    if (res->fx.reboot || res->fx.factory_reset)
        ms = SIM_FLEET_REBOOT_DELAY_MS;
    else {
        if (interval < 0)
            interval = sim_device_periodic_interval(c->dev);
        ms = (int64_t)(interval < 0 ? DEFAULT_INTERVAL_S : interval) * 1000;
    }
    if (res->retry_after >= 0 && res->retry_after * 1000 > ms)
        ms = (int64_t)res->retry_after * 1000;
    return ms;
}

static void save_state(cpe_t *c)
{
    char err[256];
    if (!c->fleet->o.state_dir)
        return;
    if (sim_state_save(c->fleet->o.state_dir, c->dev, cpe_xfer(c), err, sizeof err) != 0)
        acs_log_kv(ACS_LOG_WARN, "cannot save state", "serial", sim_device_serial(c->dev), "error",
                   err, NULL);
}

/* ---- transfers ---- */

static void xfer_due_cb(evutil_socket_t fd, short what, void *arg)
{
    cpe_t *c = arg;
    xfer_check(c);
    check_end(c->fleet);
}

/* The device has transfer state from now on. */
static void mark_xfer(cpe_t *c)
{
    if (c->xf)
        return;
    c->xf = acs_xcalloc(1, sizeof *c->xf);
    c->xf->timer = evtimer_new(c->fleet->base, xfer_due_cb, c);
    if (!c->xf->timer)
        acs_warn("out of event resources: delayed transfers of %s wait for its next session",
                 sim_device_serial(c->dev));
}

/* Start a session of c soon (after delay_ms), unless one runs or waits. */
static void kick_session(cpe_t *c, int64_t delay_ms)
{
    if (!sessions_left(c) || c->fleet->stopping || c->session || c->queued)
        return;
    evtimer_del(c->timer);
    schedule(c, delay_ms);
}

static void count_dropped(cpe_t *c)
{
    unsigned n = sim_xfer_take_dropped(cpe_xfer(c));
    while (n-- > 0)
        sim_stats_cpe_request(c->fleet->stats, c->no, "(outbox full)", SIM_STATS_REQ_DROPPED);
}

/* Apply the result of c's run, whose I/O is over, and queue its report. */
static void finish_run(cpe_t *c)
{
    sim_xfer_outcome_t out;

    sim_xfer_run_finish(c->xf->run, c->dev, &out);
    c->xf->run = NULL;
    c->xf->run_over = 0;
    c->fleet->runs--;
    sim_stats_transfer(c->fleet->stats, c->no, out.method, out.fault);
    count_dropped(c);
    if (out.reported || out.reboot) {
        /* A new event: the CPE informs now, not after its interval. */
        c->xf->want_session = 1;
        c->xf->kick_ms = out.reboot ? SIM_FLEET_REBOOT_DELAY_MS : 0;
    }
}

static void run_done(sim_xfer_run_t *run, void *arg)
{
    cpe_t *c = arg;

    if (c->session) {
        c->xf->run_over = 1; /* applied when the session ends */
        return;
    }
    finish_run(c);
    save_state(c);
    xfer_check(c);
    check_end(c->fleet);
}

/* Between sessions: raise due ScheduleInforms, start a due job, start the
 * session a completion wants, arm the timer for what is due next. */
static void xfer_check(cpe_t *c)
{
    sim_fleet_t *f = c->fleet;
    sim_xfer_t *x = cpe_xfer(c);
    int64_t now = acs_now_wall_ms(), next;

    if (!x || f->stopping || c->session)
        return;
    if (sim_xfer_raise_scheduled(x, c->dev, now) > 0) {
        c->xf->want_session = 1;
        c->xf->kick_ms = 0;
    }
    if (!c->xf->run && sim_xfer_job_due(x, now)) {
        c->xf->run = sim_xfer_run_start(&f->xenv, c->dev, now, run_done, c);
        if (c->xf->run)
            f->runs++;
    }
    if (!c->xf->run && c->xf->want_session) {
        c->xf->want_session = 0;
        kick_session(c, c->xf->kick_ms);
    }
    if (!c->xf->timer)
        return;
    evtimer_del(c->xf->timer);
    next = sim_xfer_next_due(x);
    if (!c->xf->run && next != INT64_MAX) {
        int64_t ms = next > now ? next - now : 0;
        struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000};
        evtimer_add(c->xf->timer, &tv);
    }
}

/* Stop c's running job (queued again: it restarts in a later run). */
static void abort_run(cpe_t *c)
{
    if (!c->xf || !c->xf->run)
        return;
    sim_xfer_run_abort(c->xf->run, c->dev);
    c->xf->run = NULL;
    c->xf->run_over = 0;
    c->fleet->runs--;
}

/* After a session: what the ACS ordered that takes effect now. */
static void apply_effects(cpe_t *c, const sim_session_result_t *res)
{
    if (res->xfer_used)
        mark_xfer(c);
    if (res->fx.factory_reset) {
        abort_run(c); /* its job is forgotten with the rest */
        sim_device_factory_reset(c->dev);
    }
    if (res->fx.reboot)
        sim_device_reboot(c->dev, res->fx.command_key);
    if (c->xf && c->xf->run_over)
        finish_run(c);
}

/* Book-keeping after a session of c, whether it ran or could not start.
 * do_pump is 0 when called from start_session, whose caller pumps: no
 * recursion through the wait queue. */
static void session_ended(cpe_t *c, const sim_session_result_t *res, int do_pump)
{
    sim_fleet_t *f = c->fleet;
    const char *serial = sim_device_serial(c->dev);

    sim_stats_session(f->stats, c->no, res->ok, res->error);
    if (res->ok) {
        sim_device_set_retry_count(c->dev, 0);
        acs_log_kv(ACS_LOG_DEBUG, "session done", "serial", serial, NULL);
    } else {
        sim_device_set_retry_count(c->dev, sim_device_retry_count(c->dev) + 1);
        acs_log_kv(ACS_LOG_WARN, "session failed", "serial", serial, "error", res->error, NULL);
    }
    apply_effects(c, res);
    save_state(c);
    c->done++;
    if (sessions_left(c)) {
        if (!f->stopping)
            schedule(c, next_delay_ms(c, res));
    } else {
        f->finished++;
    }
    xfer_check(c);
    if (do_pump)
        pump(f);
    check_end(f);
}

static void session_done(const sim_session_result_t *res, void *arg)
{
    cpe_t *c = arg;
    c->session = NULL;
    c->fleet->active--;
    session_ended(c, res, 1);
}

static void start_session(cpe_t *c)
{
    sim_fleet_t *f = c->fleet;
    sim_xfer_t *x = cpe_xfer(c);
    const sim_event_t *ev;

    evtimer_del(c->timer);
    sim_xfer_inform_events(x, c->dev);
    if (sim_device_events(c->dev, &ev) == 0)
        sim_device_event_add(c->dev, "2 PERIODIC", NULL);
    f->active++;
    c->session = sim_session_start(&f->env, c->dev, x, c->no, session_done, c);
    if (!c->session) {
        sim_session_result_t res;
        memset(&res, 0, sizeof res);
        res.retry_after = -1;
        snprintf(res.error, sizeof res.error, "cannot start a session");
        f->active--;
        session_ended(c, &res, 0);
    }
}

/* ---- signals and progress ---- */

static void signal_cb(evutil_socket_t sig, short what, void *arg)
{
    sim_fleet_t *f = arg;

    f->stopping++;
    if (f->stopping == 1) {
        acs_info("signal %d: no new sessions, waiting for %zu running (again to interrupt)",
                 (int)sig, f->active);
        for (size_t i = 0; i < f->n; i++) {
            evtimer_del(f->cpe[i].timer);
            if (f->cpe[i].xf && f->cpe[i].xf->timer)
                evtimer_del(f->cpe[i].xf->timer);
            f->cpe[i].queued = 0;
        }
        f->wait_head = f->wait_tail = 0;
    } else {
        acs_info("signal %d: interrupting %zu sessions and %zu transfers", (int)sig, f->active,
                 f->runs);
        for (size_t i = 0; i < f->n; i++) {
            abort_run(&f->cpe[i]);
            if (f->cpe[i].session)
                sim_session_abort(f->cpe[i].session);
        }
    }
    check_end(f);
}

static void progress_cb(evutil_socket_t fd, short what, void *arg)
{
    sim_fleet_t *f = arg;
    acs_info("progress: sessions ok=%llu failed=%llu running=%zu transfers running=%zu",
             (unsigned long long)sim_stats_sessions_ok(f->stats),
             (unsigned long long)sim_stats_sessions_failed(f->stats), f->active, f->runs);
}

/* ---- setup ---- */

static int resolve(sim_fleet_t *f, char *err, size_t errlen)
{
    struct addrinfo hints, *ai = NULL;
    int rc;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(f->url.host, NULL, &hints, &ai);
    if (rc != 0 || !ai) {
        snprintf(err, errlen, "cannot resolve %s: %s", f->url.host, gai_strerror(rc));
        return -1;
    }
    if (ai->ai_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, f->connect_addr,
                  sizeof f->connect_addr);
    else
        inet_ntop(AF_INET, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, f->connect_addr,
                  sizeof f->connect_addr);
    freeaddrinfo(ai);
    return 0;
}

/* What the command line asks every CPE to send or do autonomously. */
static int add_cli_requests(cpe_t *c, char *err, size_t errlen)
{
    const sim_fleet_opts_t *o = &c->fleet->o;
    sim_xfer_t *x;
    int64_t now = acs_now_wall_ms();
    char arg[32];
    int rc = 0;

    if (!o->auto_transfer_url && !o->auto_du_url && !o->request_download && !o->kicked)
        return 0;
    mark_xfer(c);
    x = sim_device_xfer(c->dev);
    if (o->auto_transfer_url)
        rc |= sim_xfer_add_autonomous(x, o->auto_transfer_url, o->auto_transfer_type, now);
    if (o->auto_du_url)
        rc |= sim_xfer_add_autonomous_du(x, o->auto_du_url, now);
    if (o->request_download)
        rc |= sim_xfer_add_request_download(x, o->request_download, o->rd_names, o->rd_values,
                                            o->rd_nargs);
    snprintf(arg, sizeof arg, "%u", sim_device_index(c->dev));
    if (o->kicked)
        rc |= sim_xfer_add_kicked(x, "kick", "cpe-sim", arg, "/kicked/done");
    if (rc) {
        snprintf(err, errlen, "%s: no room for the command line's requests (queue full)",
                 sim_device_serial(c->dev));
        return -1;
    }
    return 0;
}

/* Device i: serial, stats identity, saved state, first events. */
static int make_device(sim_fleet_t *f, size_t i, char *err, size_t errlen)
{
    cpe_t *c = &f->cpe[i];
    unsigned index = f->o.start_index + (unsigned)i;
    char serial[128], devid[ACS_DEVICE_ID_MAX + 1];
    unsigned flags = 0;

    snprintf(serial, sizeof serial, "%s%06u", f->o.serial_prefix, index);
    if (acs_device_id(sim_model_oui(f->model), sim_model_product_class(f->model), serial, devid,
                      sizeof devid) != 0) {
        snprintf(err, errlen, "no device id for serial %s (empty OUI or fields too long)", serial);
        return -1;
    }
    c->fleet = f;
    c->no = i;
    c->dev = sim_device_new(f->model, serial, index);
    c->timer = evtimer_new(f->base, due_cb, c);
    if (!c->timer) {
        snprintf(err, errlen, "out of event resources");
        return -1;
    }
    sim_stats_set_device(f->stats, i, serial, devid);
    if (f->o.state_dir) {
        if (!sim_state_serial_ok(serial)) {
            snprintf(err, errlen, "serial %s is not usable as a state file name", serial);
            return -1;
        }
        if (sim_state_load(f->o.state_dir, c->dev, &flags, err, errlen) != 0)
            return -1;
        if (flags & SIM_STATE_XFER)
            mark_xfer(c);
    }
    if (!(flags & SIM_STATE_FOUND) || f->o.events_given) {
        for (size_t k = 0; k < f->o.nevents; k++)
            sim_device_event_add(c->dev, f->o.events[k], NULL);
    }
    return add_cli_requests(c, err, errlen);
}

static int setup_loop(sim_fleet_t *f, char *err, size_t errlen)
{
    f->base = event_base_new();
    if (!f->base) {
        snprintf(err, errlen, "cannot create the event loop");
        return -1;
    }
    f->sigint = evsignal_new(f->base, SIGINT, signal_cb, f);
    f->sigterm = evsignal_new(f->base, SIGTERM, signal_cb, f);
    f->progress = event_new(f->base, -1, EV_PERSIST, progress_cb, f);
    if (!f->sigint || !f->sigterm || !f->progress) {
        snprintf(err, errlen, "cannot create events");
        return -1;
    }
    return 0;
}

sim_fleet_t *sim_fleet_new(const sim_model_t *m, const sim_fleet_opts_t *o, char *err,
                           size_t errlen)
{
    sim_fleet_t *f = acs_xcalloc(1, sizeof *f);

    if (errlen)
        err[0] = '\0';
    f->o = *o;
    f->model = m;
    f->n = o->count;
    if (sim_url_parse(o->acs_url, &f->url) != 0) {
        snprintf(err, errlen, "bad --acs URL (want http://host[:port]/path): %s", o->acs_url);
        goto fail;
    }
    if (o->count == 0 || o->concurrency == 0 || resolve(f, err, errlen) != 0 ||
        setup_loop(f, err, errlen) != 0)
        goto fail;
    snprintf(f->ns, sizeof f->ns, "%s%d", "urn:dslforum-org:cwmp-1-", o->cwmp_minor);
    f->stats = sim_stats_new(f->n);
    f->cpe = acs_xcalloc(f->n, sizeof *f->cpe);
    for (size_t i = 0; i < f->n; i++) {
        if (make_device(f, i, err, errlen) != 0)
            goto fail;
    }
    f->env.base = f->base;
    f->env.url = &f->url;
    f->env.connect_addr = f->connect_addr;
    f->env.ns = f->ns;
    f->env.cwmp_minor = o->cwmp_minor;
    f->env.timeout_s = o->timeout_s;
    f->env.no_cookies = o->no_cookies;
    f->env.stats = f->stats;
    f->xenv.base = f->base;
    f->xenv.timeout_s = o->timeout_s;
    return f;
fail:
    if (err[0] == '\0')
        snprintf(err, errlen, "invalid fleet options");
    sim_fleet_free(f);
    return NULL;
}

int sim_fleet_run(sim_fleet_t *f)
{
    struct timeval tv = {PROGRESS_S, 0};
    int rc;

    acs_info("%zu CPEs -> %s (connect %s:%d), %s%s, concurrency %zu", f->n, f->o.acs_url,
             f->connect_addr, f->url.port, sim_model_root(f->model),
             f->o.state_dir ? " with saved state" : "", f->o.concurrency);
    evsignal_add(f->sigint, NULL);
    evsignal_add(f->sigterm, NULL);
    evtimer_add(f->progress, &tv);
    f->start_ms = acs_now_mono_ms();
    for (size_t i = 0; i < f->n; i++)
        schedule(&f->cpe[i], f->o.ramp_ms > 0 ? f->o.ramp_ms * (int64_t)i / (int64_t)f->n : 0);
    rc = event_base_dispatch(f->base);
    f->end_ms = acs_now_mono_ms();
    evtimer_del(f->progress);
    return rc < 0 ? -1 : 0;
}

sim_stats_t *sim_fleet_stats(sim_fleet_t *f)
{
    return f->stats;
}

int64_t sim_fleet_elapsed_ms(const sim_fleet_t *f)
{
    return f->end_ms - f->start_ms;
}

void sim_fleet_free(sim_fleet_t *f)
{
    if (!f)
        return;
    f->stopping++; /* an aborted session must not schedule another */
    for (size_t i = 0; f->cpe && i < f->n; i++) {
        cpe_t *c = &f->cpe[i];
        if (c->session)
            sim_session_abort(c->session);
        abort_run(c);
        if (c->timer)
            event_free(c->timer);
        if (c->xf && c->xf->timer)
            event_free(c->xf->timer);
        free(c->xf);
        sim_device_free(c->dev);
    }
    free(f->cpe);
    if (f->sigint)
        event_free(f->sigint);
    if (f->sigterm)
        event_free(f->sigterm);
    if (f->progress)
        event_free(f->progress);
    if (f->base)
        event_base_free(f->base);
    sim_stats_free(f->stats);
    free(f);
}
