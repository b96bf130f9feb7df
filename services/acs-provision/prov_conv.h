/* prov_conv: one conversation per work item (docs/workers.md 2).
 *
 *   work item -> facts (PostgreSQL) + declare the device queue
 *             -> read   GetParameterValues of what the decisions need
 *             -> write  bootstrap SetParameterValues, preset SetParameterValues
 *             -> refresh GetParameterValues of stale sets
 *             -> firmware Download (after a rollout slot)
 *             -> done, confirmed by the broker -> ack the work item
 *
 * prov_conv.c is the engine (intake, publishing, results, timeouts, the end
 * of a conversation); prov_steps.c walks the stages. Each RPC id is
 * "prov-<conversation id>-<n>", each publish carries correlation_id = the
 * conversation id and reply_to = our exclusive reply queue.
 *
 * A conversation ends in one of three ways: done confirmed (ack), dropped
 * (its session is over or no result came in time: ack, the next session
 * redoes the work), or abandoned (the broker connection went: no ack, the
 * broker redelivers the item, maybe to another copy). It never blocks and
 * is freed only when no callback for it is outstanding.
 */
#ifndef PROV_CONV_H
#define PROV_CONV_H

#include "prov.h"
#include "prov_item.h"
#include "prov_plan.h"

typedef enum {
    PROV_SETUP,     /* facts and declare in flight */
    PROV_READ,      /* GetParameterValues for the decisions */
    PROV_BOOTSTRAP, /* unique credentials */
    PROV_PRESETS,
    PROV_REFRESH,
    PROV_FIRMWARE,
    PROV_DONE, /* done published, waiting for its confirm */
} prov_stage_t;

struct prov_conv {
    prov_t *p;
    size_t slot;
    char id[48];         /* "c<slot>x<16 hex>" */
    acs_amqp_msg_t *msg; /* the work item's delivery (NULL once settled) */
    prov_item_t item;
    prov_facts_t facts;
    int refs;     /* callbacks outstanding */
    int finished; /* settled: publish nothing more */
    int setup_left, declared, have_facts;
    prov_stage_t stage;
    int nrpc;
    char rpc_id[72];     /* the RPC whose result we wait for ("" none) */
    struct event *timer; /* result timeout */
    int64_t started_ms;
    /* the plan */
    int bootstrap;   /* this session sets credentials */
    json_t *values;  /* name -> {"value", "type"}: what the CPE reported */
    json_t *batches; /* GetParameterValues batches of the current stage */
    size_t batch_i;
    json_t *refresh; /* stale sets (prov_plan_refresh) */
    size_t refresh_i;
    int refresh_failed;   /* a batch of the current set faulted */
    char inflight;        /* RPC in flight that reserved something: 'b' bootstrap
                           * SetParameterValues (pending credentials), 'd' Download
                           * (rollout slot, provision_state), 0 none */
    prov_creds_t *creds;  /* between recording and sending the bootstrap set */
    json_t *preset_marks; /* provision_state rows to write once the presets are applied */
    char username[96];    /* credentials being set (the password is wiped) */
    const prov_firmware_t *fw;
    char fw_window[64];
    char summary[256]; /* what was done, for the closing log line */
};

/* acs_amqp consumer callbacks: work items (arg: prov_t) and results. */
void prov_conv_on_item(acs_amqp_status_t st, acs_amqp_msg_t *msg, void *arg);
void prov_conv_on_result(acs_amqp_status_t st, acs_amqp_msg_t *msg, void *arg);

/* Abandon every conversation (the broker connection was lost: their work
 * items come back redelivered). */
void prov_conv_abandon_all(prov_t *p, const char *why);

/* Free every conversation (at exit, after the clients are gone). */
void prov_conv_free_all(prov_t *p);

/* --- engine, for prov_steps.c ---------------------------------------------- */

/* Publish an RPC of this conversation (params borrowed) and start waiting
 * for its result. Returns 0, or -1 when it could not be published (the
 * conversation was dropped). */
int prov_conv_rpc(prov_conv_t *c, const char *method, json_t *params);

/* Publish done; the work item is acked once the broker confirmed it. */
void prov_conv_finish(prov_conv_t *c);

/* Give up on this session: ack the work item, publish nothing more. */
void prov_conv_drop(prov_conv_t *c, const char *why);

/* Count a callback about to be started / back (frees c when it was the last
 * and c is finished). prov_conv_unref returns 1 if c is still usable. */
void prov_conv_ref(prov_conv_t *c);
int prov_conv_unref(prov_conv_t *c);

/* Append to the closing log line ("bootstrap=ok presets=2"). */
void prov_conv_note(prov_conv_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --- stages (prov_steps.c) -------------------------------------------------------- */

/* Facts and declare are back: decide what to read and go. */
void prov_steps_begin(prov_conv_t *c);
/* The result of the RPC we waited for: ok, fault, or failed with
 * invalid-request (the session goes on; treated as a refusal). Other
 * failures end the conversation in the engine, after prov_steps_failed. */
void prov_steps_result(prov_conv_t *c, const prov_result_t *r);
/* A failed result or a timeout for the current RPC: undo what the stage
 * reserved when the RPC certainly did not run (ran: 0 no, 1 unknown). */
void prov_steps_failed(prov_conv_t *c, int ran);

#endif
