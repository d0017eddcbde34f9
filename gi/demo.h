/*
 * demo.h - the demonstration data set: real Guangxi GI products with sample
 * (fictitious) operators and authorisations.
 */
#ifndef GI_DEMO_H
#define GI_DEMO_H

#include "gi/gi.h"

typedef struct {
    int products;
    int operators;
    int authorisations;
    int use_reports;
    int producers; /* member households and production bases */
    int inspectors;
    int inspections; /* of one draw */
} gi_demo_summary_t;

/* Loads the demo data in one transaction. GI_EREFUSED when the registry
 * already holds products (the demo never mixes with real data). With
 * history, the authorisations date from 1 January two years back, and the
 * two closed years since hold batches of labels and yearly use reports
 * (accepted, returned and filed again, awaiting, one claiming more labels
 * used than issued, one operator that did not report). */
gi_err_t gi_demo_load(const gi_ctx_t *ctx, int history, gi_demo_summary_t *out, gi_error_t *err);

#endif
