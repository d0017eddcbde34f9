/*
 * rules.h - what the labelling rules ask to be printed, checked before a
 * print file is made (gi/export.c asks, for every format, the CLI's export
 * and every download alike):
 *
 *   - a label names the product's announcement or registration number, else
 *     its standard. A product with neither is not printed unless a regulator
 *     has recorded the decision that it may be, with a reason (the reference
 *     data may hold no number yet); the decision is audited and may be
 *     withdrawn, and a number recorded later makes it moot.
 *   - with the layout choice approval-no, every label carries the number of
 *     the office's decision that authorised the operator (the
 *     authorisation's approval document, recorded at grant or approval).
 *
 * Thread-safety: pure functions, and changes on the caller's connection.
 */
#ifndef GI_RULES_H
#define GI_RULES_H

#include "gi/gi.h"

#define GI_UNNUMBERED_REASON_MAX 200 /* characters */

/* GI_OK when p's labels may be printed as far as its numbers go: it has an
 * announcement or registration number or a standard, or the decision to
 * print it without one. Else GI_EREFUSED with a message naming the missing
 * number and the two ways out: record the number (the desk's product form)
 * or the decision (gimark product allow-unnumbered, the desk's product
 * page). */
gi_err_t gi_rules_product_printable(const db_product_t *p, gi_error_t *err);

/* The approval document number a label of authorisation a carries when
 * wanted (the layout's approval_no): *out points into a, or is NULL when
 * not wanted. GI_EREFUSED, naming where to record it, when a has none. */
gi_err_t gi_rules_approval_no(const db_auth_t *a, int wanted, const char **out, gi_error_t *err);

/* Records (allow) or withdraws (!allow) the decision that product id may be
 * printed without any number; account a must be allowed to edit the
 * product (a regulator of its region). reason is required either way
 * (at most GI_UNNUMBERED_REASON_MAX characters, one line, no direction
 * controls) and goes into the audit row (product.unnumbered.allow or
 * product.unnumbered.withdraw); the product keeps the reason of an
 * allowance, who recorded it and when. GI_EREFUSED: allowing a product
 * that has a number (it needs no decision), or withdrawing where none is
 * recorded. out (may be NULL) receives the product as stored. */
gi_err_t gi_act_product_unnumbered(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                                   int allow, const char *reason, db_product_t *out,
                                   gi_error_t *err);

/* True when p has an announcement or registration number or a standard. */
int gi_rules_product_numbered(const db_product_t *p);

#endif
