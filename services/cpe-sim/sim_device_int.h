/* sim_device_int: the inside of sim_device_t, shared by the files that make
 * up a device (sim_device.c, sim_device_tree.c, sim_device_attr.c,
 * sim_device_config.c). Nothing else includes it.
 *
 * Every overlay is an array sorted by ref (idx, then inst), searched by
 * bisection: a device touches few entries, and a sorted array costs
 * nothing when it is empty.
 */
#ifndef SIM_DEVICE_INT_H
#define SIM_DEVICE_INT_H

#include "sim_device.h"

/* A value the device changed. */
typedef struct {
    sim_ref_t ref;
    char *value;
} sim_dval_t;

/* Attributes the ACS set (only those differing from the model's). */
typedef struct {
    sim_ref_t ref;
    uint8_t notify;
    uint8_t acl;
} sim_dattr_t;

/* The instances a device added to one table (by template index). next is
 * the lowest number the next AddObject may use: numbers are never reused
 * until a factory reset. */
typedef struct {
    uint32_t tmpl;
    uint32_t next;
    uint32_t *inst; /* ascending */
    size_t n, cap;
} sim_dtable_t;

struct sim_device {
    const sim_model_t *model;
    char *serial;
    unsigned index;
    unsigned retry_count;
    int64_t boot_mono_ms;
    sim_dval_t *val; /* sorted by ref */
    size_t nval, capval;
    sim_dattr_t *attr; /* sorted by ref */
    size_t nattr, capattr;
    sim_dtable_t *tab; /* sorted by tmpl; only tables the device touched */
    size_t ntab;
    uint32_t *deleted; /* static instance objects deleted, ascending */
    size_t ndeleted;
    sim_ref_t *pending; /* value changes for the next Inform, in order */
    size_t npending;
    sim_event_t *ev;
    size_t nev, capev;
    sim_xfer_t *xfer;
};

/* Match-any instance for sim_device_forget. */
#define SIM_ANY_INST UINT32_MAX

/* Forget every value, attribute and pending change of entries with idx in
 * [lo, hi) and instance inst (SIM_ANY_INST: any). */
void sim_device_forget(sim_device_t *d, uint32_t lo, uint32_t hi, uint32_t inst);
void sim_device_attr_forget(sim_device_t *d, uint32_t lo, uint32_t hi, uint32_t inst);

/* Free every value / attribute and pending change / table state. */
void sim_device_values_clear(sim_device_t *d);
void sim_device_attr_clear(sim_device_t *d);
void sim_device_tree_clear(sim_device_t *d);

/* The table state of template tmpl: NULL if the device never touched it;
 * sim_device_table_get creates it. */
sim_dtable_t *sim_device_table_find(const sim_device_t *d, uint32_t tmpl);
sim_dtable_t *sim_device_table_get(sim_device_t *d, uint32_t tmpl);

/* 1 if ref is part of the device's tree (not a template without its
 * instance, not in a deleted instance). */
int sim_device_tree_visible(const sim_device_t *d, sim_ref_t ref);

/* 1 if model entry idx (inst 0) is in a deleted static instance. */
int sim_device_tree_hidden(const sim_device_t *d, uint32_t idx);

/* The highest static instance number of table (model index of a
 * SIM_P_TABLE entry), deleted ones included; 0 if none. */
uint32_t sim_device_tree_static_max(const sim_device_t *d, uint32_t table);

/* Parse a canonical instance number segment s[0..n) ("1".."4294967294",
 * no leading zero); 0 if it is not one. */
uint32_t sim_device_inst_parse(const char *s, size_t n);

#endif
