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
    int accounts;
    int scans;
} gi_demo_summary_t;

/* What gi_demo_load adds to the registry (flags). */
#define GI_DEMO_HISTORY  1 /* two closed years of labels and use reports */
#define GI_DEMO_ACTIVITY 2 /* operators taking up the mark over a year, accounts, scans */

/* Loads the demo data in one transaction. GI_EREFUSED when the registry
 * already holds products (the demo never mixes with real data). With
 * GI_DEMO_HISTORY, the authorisations date from 1 January two years back, and the
 * two closed years since hold batches of labels and yearly use reports
 * (accepted, returned and filed again, awaiting, one claiming more labels
 * used than issued, one operator that did not report). With GI_DEMO_ACTIVITY,
 * twelve more operators took up the mark one a month over the last twelve
 * months (one batch each), three operator accounts exist (one disabled; random
 * passwords never shown), and consumers' scans of the last 30 days are stored
 * after the change (in the scans file's own transaction, as the server's). */
gi_err_t gi_demo_load(const gi_ctx_t *ctx, int what, gi_demo_summary_t *out, gi_error_t *err);

#endif
