/* prov_policy: the provisioning policy (ACS_PROVISION_POLICY), parsed and
 * validated strictly.
 *
 * The policy is one JSON object (docs/provisioning.md has every key, and
 * examples/policy/ working examples). Unknown keys, wrong types, values out
 * of range, duplicate keys and contradictions (two firmware campaigns for
 * the same OUI/ProductClass) are refused with a message naming the key
 * ("policy.bootstrap.password_length: must be a whole number in [16, 64]"),
 * so a typo stops the service at start instead of silently doing nothing.
 *
 * Parameter names are kept as written: relative to the data-model root
 * ("ManagementServer.PeriodicInformInterval") or absolute ("Device.X",
 * "InternetGatewayDevice.X"); prov_plan resolves them per device.
 *
 * Pure: no I/O except prov_policy_load reading the file. The parsed policy
 * is read-only afterwards and shared by every conversation.
 */
#ifndef PROV_POLICY_H
#define PROV_POLICY_H

#include <stddef.h>

/* TR-069 bounds the policy checks against (cwmp-reference.md, rpc-methods.md). */
#define PROV_NAME_MAX 256    /* parameter name */
#define PROV_VALUE_MAX 65536 /* parameter value as text */
#define PROV_KEY_MAX 32      /* ParameterKey / CommandKey */
#define PROV_SPV_MAX 1024    /* values in one SetParameterValues */
#define PROV_CAMPAIGN_MAX 29 /* "fw:" + campaign fits a 32-char CommandKey */
#define PROV_SET_NAME_MAX 64 /* refresh set and preset names */
#define PROV_TAG_MAX 64      /* device_tags.tag */

/* One parameter to set. text is the value as sent ("true", "3600"); type
 * is the xsd type without prefix ("unsignedInt"), or NULL when the policy
 * left it to the CPE's own report (see prov_plan). json_kind remembers what
 * the policy wrote: 's' string, 'i' integer, 'b' boolean. */
typedef struct {
    char *name;
    char *text;
    char *type;
    char json_kind;
} prov_param_t;

typedef struct {
    prov_param_t *v;
    size_t n;
} prov_params_t;

/* Unique credentials for devices that came in with bootstrap ones. */
typedef struct {
    int enabled;
    int on_event; /* also on a "0 BOOTSTRAP" event, whatever the credentials */
    char username_prefix[17];
    int username_length; /* random characters after the prefix */
    int password_length;
    int connection_request; /* also ConnectionRequestUsername/Password */
    int periodic_enable;    /* -1 leave alone, 0/1 set PeriodicInformEnable */
    long periodic_interval; /* 0 leave alone, else PeriodicInformInterval (s) */
    prov_params_t params;   /* more values for the same SetParameterValues */
} prov_bootstrap_t;

/* A set of names re-read with GetParameterValues once older than max_age_s. */
typedef struct {
    char *name;
    char **names; /* as written; partial paths end in "." */
    size_t n;
    long max_age_s;
} prov_refresh_t;

/* A firmware target for one OUI / ProductClass ("*" = any class). */
typedef struct {
    char *campaign; /* CommandKey "fw:" + campaign */
    char *oui;      /* upper case */
    char *product_class;
    char *version; /* SoftwareVersion the image installs */
    char *file;    /* store file name: <ACS_FILES_URL>/files/<file> */
    char *file_type;
    double percent;  /* share of devices (stable hash), 100 = all */
    long batch_size; /* new upgrades per window across copies, 0 = no limit */
    long window_s;
    long transfer_timeout_s; /* no second Download before this has passed */
} prov_firmware_t;

/* Values for devices that carry a tag. */
typedef struct {
    char *name;
    char *tag;
    prov_params_t params;
} prov_preset_t;

typedef struct {
    long gpv_batch_size;
    prov_bootstrap_t bootstrap;
    prov_refresh_t *refresh;
    size_t nrefresh;
    prov_firmware_t *firmware;
    size_t nfirmware;
    prov_preset_t *presets; /* sorted by name: later ones win on a shared parameter */
    size_t npresets;
} prov_policy_t;

/* Parse and validate the policy text. Returns a new policy (free with
 * prov_policy_free), or NULL with one line naming the offending key in err.
 * An empty object is a valid policy that does nothing. */
prov_policy_t *prov_policy_parse(const char *text, char *err, size_t errlen);

/* Read path (at most 1 MiB) and prov_policy_parse it. NULL with the reason
 * (prefixed with the path) in err. Blocks on the file read. */
prov_policy_t *prov_policy_load(const char *path, char *err, size_t errlen);

/* An empty policy (bootstrap disabled, nothing else). Never NULL. */
prov_policy_t *prov_policy_empty(void);

/* One line describing what the policy does, for the start-up log. */
void prov_policy_describe(const prov_policy_t *p, char *out, size_t n);

/* Free and clear *p; accepts NULL and *p == NULL. */
void prov_policy_free(prov_policy_t **p);

/* 1 if type is one TR-069 SetParameterValues accepts (rpc-methods.md),
 * with or without "xsd:". */
int prov_policy_type_valid(const char *type);

#endif
