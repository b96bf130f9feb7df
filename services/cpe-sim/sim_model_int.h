/* sim_model_int: the inside of sim_model_t, shared by sim_model.c (lookups,
 * templates) and sim_model_load.c (JSON -> table). Nothing else includes
 * it: everyone else goes through sim_model.h.
 */
#ifndef SIM_MODEL_INT_H
#define SIM_MODEL_INT_H

#include "sim_model.h"

struct sim_model {
    sim_param_t *p; /* sorted by sim_model_name_cmp */
    size_t n;
    char *root;
    size_t *forced;
    size_t nforced;
    char *manufacturer;
    char *oui;
    char *product_class;
};

/* The "{i}" segment of template names, and its placeholder in values. */
#define SIM_MODEL_INST_SEG "{i}"

/* 1 if the segment s[0..n) is an instance number (digits only). */
int sim_model_numeric_segment(const char *s, size_t n);

#endif
