/*
 * rules.c - what the labelling rules ask to be printed (gi/rules.h).
 */
#include "gi/rules.h"
#include "gi/access.h"
#include "gi/audit.h"
#include "gi/registry.h"
#include "gi/view.h"

#include <inttypes.h>
#include <string.h>

int gi_rules_product_numbered(const db_product_t *p)
{
    return p->reg_number[0] || p->standard[0];
}

gi_err_t gi_rules_product_printable(const db_product_t *p, gi_error_t *err)
{
    if (gi_rules_product_numbered(p) || p->unnumbered_reason[0])
        return GI_OK;
    return gi_fail(err, GI_EREFUSED,
                   "product %" PRId64 " (%s) has no announcement or registration number and no "
                   "standard, which its labels must name: the office records its number on the "
                   "desk's product form (/admin/products/%" PRId64 "/edit) or, where it has "
                   "none, its decision to print it without one (gimark product "
                   "allow-unnumbered %" PRId64 " --reason TEXT, or the desk's page "
                   "/admin/products/%" PRId64 "/numbers)",
                   p->id, p->name_zh, p->id, p->id, p->id);
}

gi_err_t gi_rules_approval_no(const db_auth_t *a, int wanted, const char **out, gi_error_t *err)
{
    *out = NULL;
    if (!wanted)
        return GI_OK;
    if (!a->approval_doc[0])
        return gi_fail(err, GI_EREFUSED,
                       "authorisation %" PRId64 " has no approval document number to print "
                       "(approval-no): record it when approving (gimark auth approve %" PRId64
                       " --doc TEXT, or the desk's decision form), or leave approval-no off",
                       a->id, a->id);
    *out = a->approval_doc;
    return GI_OK;
}

gi_err_t gi_act_product_unnumbered(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                                   int allow, const char *reason, db_product_t *out,
                                   gi_error_t *err)
{
    db_product_t cur;
    gi_err_t rc;
    if ((rc = gi_check_text("reason", reason, GI_UNNUMBERED_REASON_MAX,
                            sizeof cur.unnumbered_reason - 1, 1, err)) ||
        (rc = gi_view_product_to_edit(ctx, a, id, &cur, err)))
        return rc;
    if (allow && gi_rules_product_numbered(&cur))
        return gi_fail(err, GI_EREFUSED,
                       "product %" PRId64 " has %s %s, which its labels carry: it needs no "
                       "decision to be printed without a number",
                       id, cur.reg_number[0] ? "the number" : "the standard",
                       cur.reg_number[0] ? cur.reg_number : cur.standard);
    if (!allow && !cur.unnumbered_reason[0])
        return gi_fail(err, GI_EREFUSED,
                       "product %" PRId64 " has no decision to be printed without a number to "
                       "withdraw",
                       id);
    if ((rc = gi_change_begin(ctx, err)) != GI_OK)
        return rc;
    rc = gi_db_fail(
        ctx->db, db_product_unnumbered_set(ctx->db, id, allow ? reason : "", ctx->actor, ctx->now),
        err);
    if (rc == GI_OK) {
        json_t *detail = json_pack("{s:s}", "reason", reason);
        if (detail && cur.unnumbered_reason[0])
            json_object_set_new(detail, "before", json_string(cur.unnumbered_reason));
        rc =
            gi_audit_record(ctx, allow ? "product.unnumbered.allow" : "product.unnumbered.withdraw",
                            "product", id, detail, err);
        json_decref(detail);
    }
    if ((rc = gi_change_end(ctx, rc, err)) == GI_OK && out)
        rc = gi_product_get(ctx, id, out, err);
    return rc;
}
