/* prov_plan: what a device needs, decided from the policy, the Inform, what
 * PostgreSQL knows about the device (prov_facts_t) and what the CPE
 * answered. Pure (apart from drawing random credentials): the conversation
 * (prov_conv) does the I/O and asks these functions at each step, so every
 * decision can be unit tested on data alone.
 *
 * Names: a policy name is absolute when it starts with "Device." or
 * "InternetGatewayDevice.", else relative to the root the CPE informed
 * with. An absolute name of the other root does not apply to the device
 * and is skipped.
 */
#ifndef PROV_PLAN_H
#define PROV_PLAN_H

#include "prov_item.h"
#include "prov_policy.h"

#include <jansson.h>
#include <stddef.h>

/* What PostgreSQL knows about a device when its work item arrives. */
typedef struct {
    int has_credentials;       /* a device_credentials row */
    char *pending_username;    /* pending_credentials row, or NULL */
    char *pending_key;         /* ParameterKey of our SetParameterValues that carries
                                * the pending credentials, or NULL when unknown */
    json_t *tags;              /* array of tag strings */
    json_t *state_age;         /* object: provision_state item -> seconds since done_at */
    json_t *pending_transfers; /* array of command keys with a pending transfer */
    json_t *preset_digests;    /* object: "preset:<name>" -> digest of the secret values
                                * last applied (CPEs read secrets back empty) */
} prov_facts_t;

/* Free what f holds and zero it. */
void prov_facts_clear(prov_facts_t *f);

/* Credentials drawn for a bootstrap. Wiped by prov_plan_creds_wipe. */
typedef struct {
    char username[96];
    char password[80];
    char cr_username[80];
    char cr_password[80];
    char parameter_key[PROV_KEY_MAX + 1];
} prov_creds_t;

/* Resolve a policy name for a device whose root is root ("Device." or
 * "InternetGatewayDevice."). 0 with the full name in out, 1 when the name
 * belongs to the other root (skip it), -1 when it would not fit (n or 256). */
int prov_plan_resolve(const char *root, const char *name, char *out, size_t n)
    __attribute__((warn_unused_result));

/* 1 if the CPE's value have equals the wanted value want of type type
 * (booleans: true/1 and false/0 any case; integer types compared as
 * numbers, blanks around them ignored; anything else byte for byte). */
int prov_plan_value_equal(const char *type, const char *want, const char *have);

/* The stable rollout bucket of a device, 0..9999 (SHA-256 of the device
 * id), and whether it falls in the first percent of them. */
unsigned prov_plan_bucket(const char *device_id);
int prov_plan_in_percent(const char *device_id, double percent);

/* 1 if this session must set unique credentials: the CPE authenticated with
 * bootstrap credentials ("credentials": "bootstrap"), or the field is absent
 * (an older gateway) and the device has no unique credentials yet, or the
 * policy's on_event is set and the Inform carries "0 BOOTSTRAP". Not for
 * "device", "pending" or "none" (authentication is off for the class). */
int prov_plan_bootstrap(const prov_policy_t *pol, const prov_item_t *it, const prov_facts_t *f);

/* Names to read before deciding (resolved, each once, in order):
 * ManagementServer.ParameterKey when bootstrapping over a pending set (did
 * the CPE apply it?), every parameter of the presets whose tag the device
 * carries (to set only what differs), DeviceInfo.SoftwareVersion when a
 * firmware target matches and the Inform lacked it. A new array, maybe
 * empty. */
json_t *prov_plan_reads(const prov_policy_t *pol, const prov_item_t *it, const prov_facts_t *f,
                        int bootstrap);

/* Split names (array of strings) into arrays of at most batch names. */
json_t *prov_plan_batches(json_t *names, long batch);

/* Draw new credentials (prefix + random, password, connection-request
 * pair, a ParameterKey "bs-..."). Returns 0 or -1 if randomness failed. */
int prov_plan_creds(const prov_policy_t *pol, prov_creds_t *c) __attribute__((warn_unused_result));
void prov_plan_creds_wipe(prov_creds_t *c);

/* The values of the bootstrap SetParameterValues: the credentials, the
 * periodic inform settings and the policy's bootstrap parameters, as an
 * array of {"name", "value", "type"} (names resolved, each once). */
json_t *prov_plan_bootstrap_values(const prov_policy_t *pol, const char *root,
                                   const prov_creds_t *c);

/* The preset values this device lacks: for each preset whose tag it
 * carries (in name order, later ones win), each parameter whose current
 * value (values: object name -> {"value", "type"}, as read) differs. A
 * preset with a name the CPE did not report is skipped whole (logged by
 * the caller through *skipped, a new array of preset names or NULL). The
 * ParameterKey for the set ("ps-" + a digest of the values) goes into
 * key. Returns a new array (empty: nothing to set).
 *
 * Secret parameters (names ending in Password, Passphrase, PreSharedKey,
 * WEPKey or Secret) read back empty, so they cannot be compared: such a
 * value is sent unless f->preset_digests shows this preset's secret values
 * were applied already. *marks (a new array or NULL) lists
 * {"item": "preset:<name>", "digest"} to record in provision_state once
 * the CPE accepted the set. */
json_t *prov_plan_presets(const prov_policy_t *pol, const prov_item_t *it, const prov_facts_t *f,
                          json_t *values, char key[PROV_KEY_MAX + 1], json_t **skipped,
                          json_t **marks);

/* 1 if name is a parameter CPEs read back empty (a secret). */
int prov_plan_secret_name(const char *name);

/* Stale refresh sets: [{"set": name, "item": "refresh:<name>", "names": [...]}]
 * for every set never refreshed or older than its max_age_s. New array. */
json_t *prov_plan_refresh(const prov_policy_t *pol, const prov_item_t *it, const prov_facts_t *f);

/* The firmware target matching the device's OUI and ProductClass (a
 * specific class wins over "*"), or NULL. */
const prov_firmware_t *prov_plan_firmware_target(const prov_policy_t *pol, const prov_item_t *it);

/* Whether to start target fw now, given the CPE's SoftwareVersion
 * (version, NULL if unknown). Returns NULL to go ahead, or why not:
 * "current" (already on it), "unknown-version", "pending" (a transfer
 * with its command key is pending), "recent" (one was started within
 * transfer_timeout_s), "percent" (outside the rollout share). */
const char *prov_plan_firmware_skip(const prov_firmware_t *fw, const prov_item_t *it,
                                    const prov_facts_t *f, const char *version);

/* "fw:<campaign>" into key. */
void prov_plan_command_key(const prov_firmware_t *fw, char key[PROV_KEY_MAX + 1]);

/* Download params for fw: command_key, file_type, url (files_url +
 * "/files/" + file), file_size when size >= 0. NULL if the URL would be
 * invalid or too long (TR-069: 256). */
json_t *prov_plan_download(const prov_firmware_t *fw, const char *files_url, long long size);

#endif
