/* sim_fleet: N simulated CPEs on one libevent loop. Creates the devices,
 * schedules each one's sessions (first at its ramp offset, then every
 * interval, at most `concurrency` at once, the rest waiting in FIFO order),
 * runs their transfers between sessions (sim_xfer_run.h: a job starts when
 * it is due and no session of the device runs; its result is applied when
 * no session runs; then the next session starts at once, or 200 ms later
 * after a reboot, to report it), raises due ScheduleInforms, keeps the
 * counters, and saves device state after each session and transfer when a
 * state directory is set. The run ends when every CPE did its sessions and
 * no transfer runs (a transfer due later stays queued in the state file).
 * SIGINT/SIGTERM stop new sessions and transfers and let running ones end;
 * a second signal interrupts them.
 */
#ifndef SIM_FLEET_H
#define SIM_FLEET_H

#include <stddef.h>
#include <stdint.h>

#include "sim_model.h"
#include "sim_stats.h"

typedef struct {
    const char *acs_url;       /* http://host[:port]/path */
    size_t count;              /* CPEs */
    const char *serial_prefix; /* serial = prefix + 6-digit index */
    unsigned start_index;
    long sessions;             /* per CPE; 0 = until stopped */
    long interval_s;           /* between a CPE's sessions; -1 = PeriodicInformInterval */
    size_t concurrency;        /* sessions at once */
    const char *const *events; /* first-session events */
    size_t nevents;
    int events_given; /* --events was given (added even to a saved device) */
    int no_cookies;
    int cwmp_minor; /* 0..4 */
    int timeout_s;
    const char *state_dir; /* NULL: no state kept */
    long ramp_ms;          /* first sessions spread over this many ms */
    /* Requests of the command line, made by every CPE (NULL / 0: none). */
    const char *auto_transfer_url;  /* --autonomous-transfer: download it... */
    const char *auto_transfer_type; /* ... with this FileType */
    const char *auto_du_url;        /* --autonomous-du: install the DU at this URL */
    const char *request_download;   /* --request-download: its FileType */
    const char *const *rd_names;    /* ... and FileTypeArgs */
    const char *const *rd_values;
    size_t rd_nargs;
    int kicked; /* --kicked */
} sim_fleet_opts_t;

typedef struct sim_fleet sim_fleet_t;

/* Delay before the session that follows a Reboot (the simulated reboot). */
#define SIM_FLEET_REBOOT_DELAY_MS 200

/* Build the fleet: resolve the ACS host (blocking getaddrinfo, once), make
 * the devices and load their saved state. m must outlive the fleet. Returns
 * NULL with a reason in err on a configuration error. */
sim_fleet_t *sim_fleet_new(const sim_model_t *m, const sim_fleet_opts_t *o, char *err,
                           size_t errlen) __attribute__((warn_unused_result));

/* Run the loop until every CPE did its sessions or a signal stopped the
 * run. Blocks. Returns 0, or -1 if the loop could not run. */
int sim_fleet_run(sim_fleet_t *f) __attribute__((warn_unused_result));

/* The counters (owned by the fleet) and the run's duration. */
sim_stats_t *sim_fleet_stats(sim_fleet_t *f);
int64_t sim_fleet_elapsed_ms(const sim_fleet_t *f);

/* Free; accepts NULL. */
void sim_fleet_free(sim_fleet_t *f);

#endif
