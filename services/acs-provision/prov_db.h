/* prov_db: every statement acs-provision runs, on the asynchronous pool
 * (acs_pg). Each is one statement, so each is atomic on its own; the ones
 * that must not race between copies say how they avoid it.
 *
 * Every function returns 0 (cb will be called exactly once, on the loop
 * thread, never from inside the call) or -1 when the pool's queue is full
 * (cb not called). cb's ok is 0 on any database error (already logged,
 * with the device).
 */
#ifndef PROV_DB_H
#define PROV_DB_H

#include "acs_pg.h"
#include "prov_plan.h"
#include "prov_policy.h"

/* Facts: f is the callee's to fill and the callback's to keep (it must
 * prov_facts_clear it); on !ok it is empty. */
typedef void (*prov_db_facts_cb)(int ok, prov_facts_t *f, void *arg);
/* Generic outcome: rows returned or changed (meaning per function). */
typedef void (*prov_db_cb)(int ok, long rows, void *arg);
/* A firmware start: granted 1 when the device may start now (a rollout
 * slot and the provision_state row were taken), window the rollout window
 * taken ("" when the campaign has no batch limit), size the file's size
 * from the files table or -1. */
typedef void (*prov_db_start_cb)(int ok, int granted, const char *window, long long size,
                                 void *arg);

/* Everything the decisions need in one round trip: unique credentials?
 * pending ones (and the ParameterKey of our set that carries them)? tags,
 * provision_state ages, pending transfers, digests of preset secrets. */
int prov_db_facts(acs_pg_t *pg, const char *device_id, prov_db_facts_cb cb, void *arg)
    __attribute__((warn_unused_result));

/* Record credentials about to be set, and the ParameterKey of the set, as
 * one statement: the pending_credentials row is written only if the row
 * there is still the one the decision saw (expected: its username, NULL
 * for none), so two conversations for one device cannot both write. rows
 * is 1 when written, 0 when another wrote first (do not send the set).
 * cr_sealed may be NULL (no connection-request credentials). */
int prov_db_bootstrap_begin(acs_pg_t *pg, const char *device_id, const char *username,
                            const char *ha1, const char *realm, const char *cr_username,
                            const char *cr_sealed, const char *expected, const char *parameter_key,
                            const char *session_id, prov_db_cb cb, void *arg)
    __attribute__((warn_unused_result));

/* The CPE has the pending credentials named username: make them current
 * (halyard_promote_credentials) if they are still the pending ones. rows is
 * 1 when the device's current credentials are now these (promoted here, or
 * by the gateway already), 0 when another set replaced them. */
int prov_db_promote(acs_pg_t *pg, const char *device_id, const char *username, prov_db_cb cb,
                    void *arg) __attribute__((warn_unused_result));

/* The CPE refused the set: forget pending credentials username (only those). */
int prov_db_bootstrap_abort(acs_pg_t *pg, const char *device_id, const char *username,
                            prov_db_cb cb, void *arg) __attribute__((warn_unused_result));

/* provision_state: item done now (detail: JSON object text or NULL), or
 * forgotten. */
int prov_db_state_done(acs_pg_t *pg, const char *device_id, const char *item, const char *detail,
                       prov_db_cb cb, void *arg) __attribute__((warn_unused_result));
int prov_db_state_delete(acs_pg_t *pg, const char *device_id, const char *item, prov_db_cb cb,
                         void *arg) __attribute__((warn_unused_result));

/* Take a rollout slot for fw (if it has a batch limit) and mark the start
 * in provision_state, in one statement: the slot is an INSERT ... ON
 * CONFLICT DO UPDATE SET started = started + 1 WHERE started < batch_size
 * on the current window's row, which PostgreSQL evaluates under the row
 * lock, so all copies together never start more than batch_size per
 * window. Also reads the file's size. */
int prov_db_firmware_start(acs_pg_t *pg, const char *device_id, const prov_firmware_t *fw,
                           prov_db_start_cb cb, void *arg) __attribute__((warn_unused_result));

/* Give a slot back (the Download did not start): started - 1 in window. */
int prov_db_firmware_release(acs_pg_t *pg, const prov_firmware_t *fw, const char *window,
                             prov_db_cb cb, void *arg) __attribute__((warn_unused_result));

#endif
