/*
 * act.h - changes made by a signed-in account (API or web pages): each
 * checks gi/access first (GI_ENOTFOUND for what the account may not see,
 * GI_EFORBIDDEN for what its role may not do), then asks the rules. ctx's
 * actor names the account ("user:alice") in the audit log.
 *
 * Thread-safety: as gi_ctx_t (one per thread).
 */
#ifndef GI_ACT_H
#define GI_ACT_H

#include "gi/account.h"
#include "gi/batch.h"
#include "gi/export.h"
#include "gi/registry.h"

gi_err_t gi_act_product_add(const gi_ctx_t *ctx, const db_account_t *a,
                            const gi_product_input_t *in, db_product_t *out, gi_error_t *err);
gi_err_t gi_act_operator_add(const gi_ctx_t *ctx, const db_account_t *a,
                             const gi_operator_input_t *in, db_operator_t *out, gi_error_t *err);
/* Edits: the account must be able to register in the record's region, and
 * in the region it moves to. */
gi_err_t gi_act_product_edit(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                             const gi_product_input_t *in, db_product_t *out, gi_error_t *err);
gi_err_t gi_act_operator_edit(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                              const gi_operator_input_t *in, db_operator_t *out, gi_error_t *err);
/* A grant needs the operator and the product inside the account's scope
 * (GI_ENOTFOUND otherwise, as for a record that does not exist). */
gi_err_t gi_act_auth_grant(const gi_ctx_t *ctx, const db_account_t *a, const gi_auth_input_t *in,
                           db_auth_t *out, gi_error_t *err);
/* approve (doc required), suspend, reinstate, revoke (reason required). */
gi_err_t gi_act_auth(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                     gi_auth_action_t action, const char *reason, const char *doc, db_auth_t *out,
                     gi_error_t *err);

gi_err_t gi_act_batch_request(const gi_ctx_t *ctx, const db_account_t *a,
                              const gi_batch_request_t *in, db_batch_t *out, gi_error_t *err);

typedef enum {
    GI_BATCH_APPROVE,
    GI_BATCH_REJECT,
    GI_BATCH_ISSUE,
    GI_BATCH_ACTIVATE,
    GI_BATCH_VOID,
} gi_batch_action_t;

/* "approve" ... "void" to its action; -1 when none. */
int gi_batch_action_parse(const char *s);

/* A batch transition. text is the decision note (approve, reject) or the
 * void reason; codes (n of them) void single labels instead of the batch. */
gi_err_t gi_act_batch(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                      gi_batch_action_t action, const char *text, const char *const *codes,
                      size_t n, db_batch_t *out, gi_error_t *err);
/* What gi_act_batch_export() checks before it writes anything: the account
 * may take the batch's print file, and gi_batch_export_check(). */
gi_err_t gi_act_batch_export_check(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                                   const gi_export_t *ex, size_t *labels, gi_error_t *err);
/* Writes a batch's print file (gi_batch_export) for an account that may use
 * it; the live codes of an activated batch go to the operator's accounts, or
 * to a regulator who gives ex->reason (gi_access_live_codes). */
gi_err_t gi_act_batch_export(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                             const gi_export_t *ex, size_t *written, gi_error_t *err);
/* Works a consumer report (gi_report_triage). */
gi_err_t gi_act_report_triage(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                              const char *status, const char *note, gi_error_t *err);

/* The accounts of an operator the account may see (fn as db_account_fn). */
gi_err_t gi_act_accounts(const gi_ctx_t *ctx, const db_account_t *a, int64_t operator_id,
                         db_account_fn fn, void *arg, gi_error_t *err);
/* Creates an operator account for operator_id with a new random password,
 * which password receives (shown once): the account must be able to
 * register in the operator's region (GI_ACT_REGISTER). gi_account_add's
 * rules and audit. */
gi_err_t gi_act_account_add(const gi_ctx_t *ctx, const db_account_t *a, int64_t operator_id,
                            const char *username, char password[GI_PASSWORD_ONCE_LEN + 1],
                            db_account_t *out, gi_error_t *err);
/* Disables or enables operator account id (gi_account_set_disabled): only
 * an operator's account, of an operator the account may register;
 * GI_ENOTFOUND for any other. out (may be NULL) receives the account. */
gi_err_t gi_act_account_set_disabled(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                                     int disabled, db_account_t *out, gi_error_t *err);

#endif
