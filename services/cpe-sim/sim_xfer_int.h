/* sim_xfer_int: the inside of sim_xfer_t, shared by the files that make up
 * the transfer side of a simulated CPE (sim_xfer.c, sim_du.c, sim_cpereq.c,
 * sim_xfer_json.c, sim_xfer_apply.c, sim_xfer_run.c) and by their unit
 * tests. Nothing else includes it.
 *
 * Times are wall-clock milliseconds (acs_now_wall_ms) so that they survive
 * in a state file between runs. Every string is owned by its struct.
 */
#ifndef SIM_XFER_INT_H
#define SIM_XFER_INT_H

#include <stddef.h>
#include <stdint.h>

#include "sim_xfer.h"

/* What a queued job does. */
typedef enum {
    SIM_JOB_DOWNLOAD = 0,      /* Download */
    SIM_JOB_UPLOAD,            /* Upload */
    SIM_JOB_SCHEDULE_DOWNLOAD, /* ScheduleDownload */
    SIM_JOB_DU,                /* ChangeDUState */
    SIM_JOB_AUTO_DOWNLOAD,     /* --autonomous-transfer: reported by AutonomousTransferComplete */
    SIM_JOB_AUTO_DU,           /* --autonomous-du: reported by AutonomousDUStateChangeComplete */
    SIM_JOB_KINDS
} sim_job_kind_t;

/* Job states, as GetQueuedTransfers reports them. */
#define SIM_JOB_QUEUED 1
#define SIM_JOB_RUNNING 2

/* One ChangeDUState operation. */
typedef enum { SIM_DU_INSTALL = 0, SIM_DU_UPDATE, SIM_DU_UNINSTALL } sim_du_op_type_t;

typedef struct {
    uint8_t type;   /* sim_du_op_type_t */
    char *url;      /* "" when not given */
    char *uuid;     /* "" when not given */
    char *username; /* "" when not given */
    char *password;
    char *version; /* "" when not given */
    char *ee_ref;  /* ExecutionEnvRef, "" when not given */
} sim_du_op_t;

/* A ScheduleDownload time window, absolute. */
typedef struct {
    int64_t start_ms, end_ms;
} sim_window_t;

typedef struct {
    uint32_t id;   /* unique within the device's run: a running job is found by id */
    uint8_t kind;  /* sim_job_kind_t */
    uint8_t state; /* SIM_JOB_QUEUED or SIM_JOB_RUNNING */
    uint8_t nwin;  /* ScheduleDownload windows (1..2), else 0 */
    char *command_key;
    char *file_type;
    char *url;
    char *username;
    char *password;
    char *target_file_name;
    uint64_t file_size; /* 0 = unknown */
    int64_t due_ms;     /* earliest start */
    sim_window_t win[2];
    sim_du_op_t *ops; /* SIM_JOB_DU / SIM_JOB_AUTO_DU */
    size_t nops;
} sim_job_t;

/* A pending ScheduleInform. */
typedef struct {
    int64_t due_ms;
    char *command_key;
} sim_sched_t;

/* An installed deployment unit. */
typedef struct {
    char *uuid;
    char *name;
    char *version;
    char *url;
    unsigned instance; /* its DeploymentUnit.<i> number */
    int mirrored;      /* that instance exists in the device's data model */
} sim_du_t;

/* Pending CPE -> ACS requests. */
typedef enum {
    SIM_REQ_TRANSFER_COMPLETE = 0,
    SIM_REQ_AUTONOMOUS_TRANSFER_COMPLETE,
    SIM_REQ_DU_STATE_CHANGE_COMPLETE,
    SIM_REQ_AUTONOMOUS_DU_STATE_CHANGE_COMPLETE,
    SIM_REQ_REQUEST_DOWNLOAD,
    SIM_REQ_KICKED,
    SIM_REQ_TYPES
} sim_req_type_t;

/* One operation's outcome in a (Autonomous)DUStateChangeComplete. */
typedef struct {
    char *uuid;
    char *du_ref; /* "Device.SoftwareModules.DeploymentUnit.3" or "" */
    char *version;
    char *current_state; /* "Installed", "Uninstalled", "Failed" */
    char *operation;     /* "Install", "Update", "Uninstall" */
    int resolved;
    int fault_code;
    char *fault_string;
    int64_t start_ms, complete_ms;
} sim_du_result_t;

/* A FileTypeArg of a RequestDownload. */
typedef struct {
    char *name, *value;
} sim_arg_t;

typedef struct {
    uint8_t type;      /* sim_req_type_t */
    char *event;       /* its "M ..." event ("M Download"...), NULL if none */
    char *command_key; /* "" when none */
    /* (Autonomous)TransferComplete */
    int fault_code;
    char *fault_string;
    int64_t start_ms, complete_ms; /* 0 = unknown time */
    /* AutonomousTransferComplete; file_type also RequestDownload */
    char *url;
    char *file_type;
    char *target_file_name;
    int is_download;
    uint64_t file_size;
    /* (Autonomous)DUStateChangeComplete */
    sim_du_result_t *results;
    size_t nresults;
    /* RequestDownload */
    sim_arg_t *args;
    size_t nargs;
    /* Kicked */
    char *command, *referer, *arg, *next;
} sim_req_t;

struct sim_xfer {
    sim_job_t *jobs;
    size_t njobs;
    sim_sched_t *sched;
    size_t nsched;
    sim_req_t *reqs;
    size_t nreqs;
    sim_du_t *dus;
    size_t ndus;
    uint32_t next_job_id;
    unsigned next_du_instance;
    uint32_t dropped; /* requests not kept because the outbox was full */
};

/* ---- jobs (sim_xfer.c) ---- */

/* Append job j (moved in: its pointers now belong to x) with a fresh id.
 * Returns 0, or 9004 if the queue is full (j is then freed). */
int sim_xfer_job_add(sim_xfer_t *x, sim_job_t *j);

/* The job with this id, or NULL (cancelled, reset). */
sim_job_t *sim_xfer_job_find(sim_xfer_t *x, uint32_t id);

/* Remove the job with this id (freed); nothing if absent. */
void sim_xfer_job_remove(sim_xfer_t *x, uint32_t id);

/* Free what j holds; j itself is not freed. */
void sim_xfer_job_clear(sim_job_t *j);

/* The transfer method a job kind stands for ("Download"...), for stats
 * and the "M" event. */
const char *sim_xfer_job_method(int kind);

/* ---- requests (sim_cpereq.c) ---- */

/* Append r (moved in). Returns 0, or -1 if the outbox is full (r freed,
 * x->dropped counted). */
int sim_xfer_req_add(sim_xfer_t *x, sim_req_t *r);

/* Free what r holds; r itself is not freed. */
void sim_xfer_req_clear(sim_req_t *r);
void sim_xfer_du_result_clear(sim_du_result_t *res);

/* The ACS method a request type calls ("TransferComplete"...). */
const char *sim_xfer_req_method(int type);

/* ---- deployment units (sim_du.c) ---- */

/* Parse a ChangeDUState into a job (fields filled, ops allocated).
 * Returns 0 or a fault code (9003 bad arguments, 9022 bad UUID, 9004 more
 * than SIM_XFER_DU_OPS_MAX operations); on a fault j holds nothing. */
int sim_du_parse_rpc(xmlNodePtr rpc, sim_job_t *j);

/* The DU with this UUID (case-insensitive), or NULL. */
sim_du_t *sim_du_find(sim_xfer_t *x, const char *uuid);

void sim_du_clear(sim_du_t *du);

/* 1 if s is a UUID in 8-4-4-4-12 hex form. */
int sim_du_uuid_ok(const char *s);

/* Parse the optional first line "cpe-sim du <name> <version>\n" of a DU
 * file (tokens printable, without blanks, shorter than their buffers).
 * 0, or -1 if the file does not start with one. */
int sim_du_parse_header(const char *data, size_t len, char *name, size_t namecap, char *version,
                        size_t vercap);

/* What fetching one DU operation's file gave. */
typedef struct {
    int fault;              /* 0, or the CWMP fault of the fetch */
    char fault_string[160]; /* why, when fault */
    int has_header;         /* the file started with a "cpe-sim du" line */
    char name[65];
    char version[33];
} sim_du_fetch_t;

/* The URL op needs fetched (install: its URL; update: its URL, else the
 * DU's), or NULL (uninstall; update of an unknown DU). Valid until x
 * changes. */
const char *sim_du_fetch_url(sim_xfer_t *x, const sim_du_op_t *op);

/* Apply job j's operations in order to x (fetched[i]: op i's file),
 * filling *req with the DUStateChangeComplete (or, for SIM_JOB_AUTO_DU,
 * the AutonomousDUStateChangeComplete) reporting one result per
 * operation. Install: new DU (UUID given or generated, name and version
 * from the header, else the URL's file name and ""), 9026 duplicate UUID,
 * 9027 too many DUs. Update: by UUID (else URL), 9028 unknown, version from
 * the header else the op's, 9031 none, 9032 unchanged. Uninstall: by UUID
 * (and Version if given), 9028 unknown. A failed fetch fails its op. */
void sim_du_apply(sim_xfer_t *x, sim_device_t *d, const sim_job_t *j, const sim_du_fetch_t *fetched,
                  int64_t start_ms, int64_t now_ms, sim_req_t *req);

/* ---- small helpers (sim_xfer.c) ---- */

/* The dateTime of a wall time in ms; 0 = TR-069's unknown time
 * "0001-01-01T00:00:00Z". buf holds 32 bytes. Returns buf. */
char *sim_xfer_time(int64_t ms, char *buf);

/* Append <tag>text</tag>, text XML-escaped. */
void sim_xfer_put(acs_buf_t *b, const char *tag, const char *text);

/* NULL-safe strdup ("" for NULL). */
char *sim_xfer_strdup(const char *s);

/* 0 for an http:// URL cpe-sim can fetch, 9013 for another scheme (https
 * included), 9003 for something that is not a URL. */
int sim_xfer_url_check(const char *url);

/* 1 if t is an Upload FileType: "1 Vendor Configuration File", "2 Vendor
 * Log File", "3 Vendor Configuration File <i>", "4 Vendor Log File <i>",
 * or a vendor "X ..." type. */
int sim_xfer_upload_type_ok(const char *t);

#endif
