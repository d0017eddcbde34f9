/*
 * registry.h - GI products, business operators and their authorisations to
 * use the GI mark.
 *
 * Every change validates its input first, then runs as one transaction that
 * also appends its audit row; a refused change stores nothing.
 *
 * Authorisation states:
 *     pending -> approved -> suspended <-> approved
 *     pending | approved | suspended -> revoked
 *     expired: derived, never stored, once the date passes valid_until
 */
#ifndef GI_REGISTRY_H
#define GI_REGISTRY_H

#include "gi/gi.h"
#include "gi/gtin.h"
#include "gi/uscc.h"

typedef struct {
    const char *name_zh;
    const char *name_en;
    /* cnipa-product | collective-mark | certification-mark | agri-product; "" unknown */
    const char *regime;
    const char *reg_number;  /* announcement or registration number, may be "" */
    const char *region_code; /* GB/T 2260 */
    const char *standard;    /* e.g. "DB45/T 227-2022", may be "" */
    const char *gtin;        /* GTIN-8/12/13/14 or "" */
    /* edits: why the GTIN changes (required then, audited; NULL or "" else) */
    const char *reason;
} gi_product_input_t;

typedef struct {
    const char *uscc;
    const char *name;
    const char *kind; /* cooperative | company | individual | association | other */
    const char *region_code;
    const char *contact;
    /* non-empty: record a USCC that fails only a check character, with this reason */
    const char *uscc_override;
} gi_operator_input_t;

typedef struct {
    int64_t operator_id;
    int64_t product_id;
    const char *valid_from;  /* YYYY-MM-DD; "" = today */
    const char *valid_until; /* YYYY-MM-DD; "" = valid_from + 3 years */
    int64_t yearly_quota;    /* labels per calendar year */
    const char *approval_doc;
    /* non-empty: grant to an operator seated outside the product's protected
     * area anyway, for this reason (audited); NULL or "" otherwise */
    const char *area_override;
} gi_auth_input_t;

typedef enum {
    GI_AUTH_APPROVE,
    GI_AUTH_SUSPEND,
    GI_AUTH_REINSTATE,
    GI_AUTH_REVOKE,
} gi_auth_action_t;

/* The checks of a product's input that need no database, which
 * gi_product_add and gi_product_edit make first: texts, region, regime;
 * gtin receives the normalised GTIN-14, "" when none is given. */
gi_err_t gi_product_check(const gi_product_input_t *in, char gtin[GI_GTIN_LEN + 1],
                          gi_error_t *err);
/* Adds a product; out (may be NULL) receives the stored record. */
gi_err_t gi_product_add(const gi_ctx_t *ctx, const gi_product_input_t *in, db_product_t *out,
                        gi_error_t *err);
/* Changes a product's record to in (checked as for gi_product_add). Audited.
 * A change of the GTIN needs in->reason (GI_EINVAL without one), which the
 * audit row keeps: labels already issued keep the GTIN of their batch. */
gi_err_t gi_product_edit(const gi_ctx_t *ctx, int64_t id, const gi_product_input_t *in,
                         db_product_t *out, gi_error_t *err);
gi_err_t gi_product_get(const gi_ctx_t *ctx, int64_t id, db_product_t *out, gi_error_t *err);

/* The checks of an operator's input that need no database: texts, kind,
 * region and the USCC (GB 32100-2015), which uscc receives normalised
 * unless a failing check character is overridden (uscc_override). */
gi_err_t gi_operator_check(const gi_operator_input_t *in, char uscc[GI_USCC_LEN + 1],
                           gi_error_t *err);
/* Adds an operator after checking its USCC (GB 32100-2015); a duplicate USCC
 * is GI_EEXISTS. */
gi_err_t gi_operator_add(const gi_ctx_t *ctx, const gi_operator_input_t *in, db_operator_t *out,
                         gi_error_t *err);
/* Changes an operator's name, kind, region and contact (in->uscc and
 * in->uscc_override are ignored: the USCC never changes). Audited. */
gi_err_t gi_operator_edit(const gi_ctx_t *ctx, int64_t id, const gi_operator_input_t *in,
                          db_operator_t *out, gi_error_t *err);
gi_err_t gi_operator_get(const gi_ctx_t *ctx, int64_t id, db_operator_t *out, gi_error_t *err);
/* Finds an operator by id ("12") or USCC. */
gi_err_t gi_operator_find(const gi_ctx_t *ctx, const char *id_or_uscc, db_operator_t *out,
                          gi_error_t *err);

/* The protected area of a product's region code as a GB/T 2260 prefix:
 * "451000" -> "4510", "450000" -> "45", "451003" -> "451003". */
void gi_product_area(const char *region_code, char out[8]);

/* The checks of a grant that need no database (quota, approval document,
 * override reason, dates); a receives valid_from and valid_until with their defaults filled
 * in from ctx->now. */
gi_err_t gi_auth_grant_check(const gi_ctx_t *ctx, const gi_auth_input_t *in, db_auth_t *a,
                             gi_error_t *err);
/* Records a pending authorisation of an operator for a product. The
 * operator's region must lie inside the product's protected area (its GB/T
 * 2260 code with the trailing "00" pairs taken off, as a prefix: product
 * 451000 covers 4510xx); an operator outside it is GI_EREFUSED, naming both
 * regions, unless in->area_override gives a reason, which is audited. */
gi_err_t gi_auth_grant(const gi_ctx_t *ctx, const gi_auth_input_t *in, db_auth_t *out,
                       gi_error_t *err);
gi_err_t gi_auth_get(const gi_ctx_t *ctx, int64_t id, db_auth_t *out, gi_error_t *err);

/* Moves an authorisation along the state machine. reason is required for
 * suspend, reinstate and revoke; approve needs an approval document number,
 * given here as doc or earlier at grant. A transition the machine does not
 * allow is GI_EREFUSED naming both states. */
gi_err_t gi_auth_transition(const gi_ctx_t *ctx, int64_t id, gi_auth_action_t action,
                            const char *reason, const char *doc, db_auth_t *out, gi_error_t *err);

/* The checks of a transition's reason and document that need no database. */
gi_err_t gi_auth_transition_check(gi_auth_action_t action, const char *reason, const char *doc,
                                  gi_error_t *err);

/* The status a person should see: the stored one, or "expired" once today
 * is past valid_until (revoked stays revoked). today is YYYY-MM-DD. */
const char *gi_auth_status(const db_auth_t *a, const char *today);

/* True when an approved authorisation has seen no use (labels issued or
 * scanned) for two years: the rules stop use after two years' non-use. */
int gi_auth_needs_review(const db_auth_t *a, int64_t now);

/* Parses "approve", "suspend", ... ; -1 when unknown. */
int gi_auth_action_parse(const char *s);
const char *gi_auth_action_name(gi_auth_action_t action);

#endif
