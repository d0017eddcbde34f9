/*
 * access.h - who may do what: the one place that decides, for an account,
 * an action and the record it touches, whether the action is allowed.
 *
 *     regulator  every action on records inside its region scope (granting
 *                needs the operator and the product inside it; the live
 *                codes of an activated batch only with a reason)
 *     auditor    reads records inside its region scope, the audit log,
 *                figures and scans; changes nothing
 *     operator   reads the public register (products) and its own records;
 *                requests, activates, voids and downloads its own batches;
 *                files its own use reports;
 *                decides nothing
 *
 * A record the account may not see is answered as if it did not exist
 * (GI_ENOTFOUND, HTTP 404), so that one operator cannot learn what another
 * holds; a record it may see but not change is GI_EFORBIDDEN (HTTP 403).
 * Pure functions; thread-safe.
 */
#ifndef GI_ACCESS_H
#define GI_ACCESS_H

#include "gi/error.h"

#include "db/db.h"

typedef enum {
    GI_ACT_READ = 0,      /* see the record */
    GI_ACT_REGISTER,      /* add or edit products and operators */
    GI_ACT_AUTH_DECIDE,   /* grant, approve, suspend, reinstate, revoke authorisations */
    GI_ACT_BATCH_REQUEST, /* request a batch of labels */
    GI_ACT_BATCH_DECIDE,  /* approve, reject, issue a batch */
    GI_ACT_BATCH_USE,     /* activate, void, download the print files of a batch */
    GI_ACT_REPORT_TRIAGE, /* work the queue of consumer reports */
    GI_ACT_OVERSEE,       /* read the audit log, figures and scans */
    GI_ACT_USAGE_FILE,    /* file a use report (an operator its own; a regulator a paper one) */
    GI_ACT_USAGE_DECIDE,  /* accept or return a use report */
    GI_ACT_SUPERVISE,     /* inspections, draws, findings and imported credit classes */
    GI_ACT_COUNT
} gi_action_t;

/* What an action touches: where it is (GB/T 2260 code of the operator, or of
 * the product for products) and whose it is (0 when nobody's: products). */
typedef struct {
    const char *region_code;
    int64_t operator_id;
} gi_subject_t;

/* GI_OK when account a may do action on subject s; else GI_ENOTFOUND (s is
 * outside what a may see) or GI_EFORBIDDEN (a may see s, not do this), with
 * a message in err. A disabled account may do nothing. */
gi_err_t gi_access(const db_account_t *a, gi_action_t action, const gi_subject_t *s,
                   gi_error_t *err);

/* The rule on print files beyond gi_access(GI_ACT_BATCH_USE): the live codes
 * of an activated batch (status "activated") of operator operator_id are
 * downloaded by that operator's own accounts; a regulator may download them
 * only with a reason (which the export's audit row keeps). GI_OK, or
 * GI_EFORBIDDEN with a message saying so. Pure. */
gi_err_t gi_access_live_codes(const db_account_t *a, const char *batch_status, int64_t operator_id,
                              const char *reason, gi_error_t *err);

/* True when a may see who reported a suspected copy (the consumer's contact):
 * regulators and auditors, never operators. */
int gi_may_see_reporters(const db_account_t *a);

/* "read", "register", ... for messages and logs. */
const char *gi_action_name(gi_action_t action);

#endif
