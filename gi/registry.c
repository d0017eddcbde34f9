/*
 * registry.c - the rules for products, operators and authorisations.
 *
 * Each public change follows one pattern: validate everything that can be
 * validated without the database, then begin, check what needs the database,
 * write, audit, commit; any failure rolls back (gi_change_end()).
 */
#include "gi/registry.h"
#include "gi/audit.h"
#include "gi/region.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TWO_YEARS (2 * 365 * 24 * 3600LL)
#define MAX_QUOTA 100000000LL

static const char *const regimes[] = {"cnipa-product", "collective-mark", "certification-mark",
                                      "agri-product", NULL};
static const char *const operator_kinds[] = {"cooperative", "company", "individual",
                                             "association", "other",   NULL};

static int one_of(const char *s, const char *const *list)
{
    for (; s && *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

static void copy_text(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

/* --- products ---------------------------------------------------------------- */

gi_err_t gi_product_check(const gi_product_input_t *in, char gtin[GI_GTIN_LEN + 1], gi_error_t *err)
{
    gi_err_t rc;
    if ((rc = gi_check_text("product name", in->name_zh, 60, DB_TEXT - 1, 1, err)) ||
        (rc = gi_check_text("English name", in->name_en, 120, DB_TEXT - 1, 0, err)) ||
        (rc = gi_check_text("registration number", in->reg_number, 80, DB_TEXT - 1, 0, err)) ||
        (rc = gi_check_text("standard", in->standard, 80, DB_TEXT - 1, 0, err)) ||
        (rc = gi_check_region("product region", in->region_code, err)))
        return rc;
    if (in->regime && in->regime[0] && !one_of(in->regime, regimes))
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_REGIME_UNKNOWN,
                            "regime '%s' is not one of cnipa-product, collective-mark, "
                            "certification-mark, agri-product",
                            in->regime ? in->regime : "");
    gtin[0] = '\0';
    if (in->gtin && in->gtin[0])
        return gi_gtin_normalize(in->gtin, gtin, err);
    return GI_OK;
}

/* The fields of a product that come from its input (gtin normalised). */
static void product_fill(db_product_t *p, const gi_product_input_t *in, const char *gtin)
{
    copy_text(p->name_zh, sizeof p->name_zh, in->name_zh);
    copy_text(p->name_en, sizeof p->name_en, in->name_en);
    copy_text(p->regime, sizeof p->regime, in->regime);
    copy_text(p->reg_number, sizeof p->reg_number, in->reg_number);
    copy_text(p->region_code, sizeof p->region_code, in->region_code);
    copy_text(p->standard, sizeof p->standard, in->standard);
    copy_text(p->gtin, sizeof p->gtin, gtin);
}

static json_t *product_json(const db_product_t *p)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name_zh", p->name_zh, "name_en",
                     p->name_en, "regime", p->regime, "reg_number", p->reg_number, "region_code",
                     p->region_code, "standard", p->standard, "gtin", p->gtin);
}

gi_err_t gi_product_add(const gi_ctx_t *ctx, const gi_product_input_t *in, db_product_t *out,
                        gi_error_t *err)
{
    db_product_t p = {0};
    char gtin[GI_GTIN_LEN + 1];
    gi_err_t rc = gi_product_check(in, gtin, err);
    if (rc != GI_OK)
        return rc;
    product_fill(&p, in, gtin);
    copy_text(p.status, sizeof p.status, "active");
    p.created_at = ctx->now;

    if ((rc = gi_change_begin(ctx, err)) != GI_OK)
        return rc;
    db_err_t drc = db_product_insert(ctx->db, &p);
    if (drc == DB_EEXISTS)
        rc = gi_fail_rule(err, GI_EEXISTS, GI_RULE_GTIN_TAKEN,
                          "GTIN %s is already used by another product", p.gtin);
    else if (drc != DB_OK)
        rc = gi_db_fail(ctx->db, drc, err);
    if (rc == GI_OK) {
        json_t *detail = product_json(&p);
        rc = gi_audit_record(ctx, "product.add", "product", p.id, detail, err);
        json_decref(detail);
    }
    rc = gi_change_end(ctx, rc, err);
    if (rc == GI_OK && out)
        *out = p;
    return rc;
}

/* The audit detail of an edit: the record before and after. */
static json_t *edit_detail(json_t *before, json_t *after)
{
    return json_pack("{s:o, s:o}", "before", before, "after", after);
}

gi_err_t gi_product_edit(const gi_ctx_t *ctx, int64_t id, const gi_product_input_t *in,
                         db_product_t *out, gi_error_t *err)
{
    db_product_t old, p;
    char gtin[GI_GTIN_LEN + 1];
    gi_err_t rc = gi_product_check(in, gtin, err);
    if (rc == GI_OK)
        rc = gi_check_text("reason", in->reason, 300, DB_TEXT - 1, 0, err);
    if (rc != GI_OK || (rc = gi_change_begin(ctx, err)) != GI_OK)
        return rc;
    int gtin_changes = 0;
    if ((rc = gi_product_get(ctx, id, &old, err)) == GI_OK &&
        (gtin_changes = strcmp(old.gtin, gtin) != 0) && !(in->reason && in->reason[0]))
        rc = gi_fail_rule(err, GI_EINVAL, GI_RULE_GTIN_CHANGE_NEEDS_REASON,
                          "changing the GTIN of product %" PRId64 " (%s to %s) needs a reason: "
                          "labels already issued keep the GTIN they were printed with",
                          id, old.gtin[0] ? old.gtin : "none", gtin[0] ? gtin : "none");
    if (rc == GI_OK) {
        p = old;
        product_fill(&p, in, gtin);
        db_err_t drc = db_product_update(ctx->db, &p);
        rc = drc == DB_EEXISTS ? gi_fail(err, GI_EEXISTS, "%s", db_errmsg(ctx->db))
                               : gi_db_fail(ctx->db, drc, err);
    }
    if (rc == GI_OK) {
        json_t *detail = edit_detail(product_json(&old), product_json(&p));
        if (gtin_changes)
            json_object_set_new(detail, "reason", json_string(in->reason));
        rc = gi_audit_record(ctx, "product.edit", "product", id, detail, err);
        json_decref(detail);
    }
    rc = gi_change_end(ctx, rc, err);
    if (rc == GI_OK && out)
        *out = p;
    return rc;
}

gi_err_t gi_product_get(const gi_ctx_t *ctx, int64_t id, db_product_t *out, gi_error_t *err)
{
    db_err_t rc = db_product_get(ctx->db, id, out);
    if (rc == DB_ENOTFOUND)
        return gi_fail(err, GI_ENOTFOUND, "no product with id %" PRId64, id);
    return gi_db_fail(ctx->db, rc, err);
}

/* --- operators --------------------------------------------------------------- */

gi_err_t gi_operator_check(const gi_operator_input_t *in, char uscc[GI_USCC_LEN + 1],
                           gi_error_t *err)
{
    gi_err_t rc;
    if ((rc = gi_check_text("operator name", in->name, 100, DB_TEXT - 1, 1, err)) ||
        (rc = gi_check_text("contact", in->contact, 120, DB_TEXT - 1, 0, err)) ||
        (rc = gi_check_text("override reason", in->uscc_override, 200, DB_TEXT - 1, 0, err)) ||
        (rc = gi_check_region("operator region", in->region_code, err)))
        return rc;
    if (!one_of(in->kind, operator_kinds))
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_OPERATOR_KIND_UNKNOWN,
                            "operator kind '%s' is not one of cooperative, company, individual, "
                            "association, other",
                            in->kind ? in->kind : "");
    gi_uscc_fault_t fault = GI_USCC_VALID;
    gi_error_t why;
    rc = gi_uscc_validate(in->uscc ? in->uscc : "", uscc, &fault, &why);
    if (rc == GI_OK)
        return GI_OK;
    int override = in->uscc_override && in->uscc_override[0];
    if (override && gi_uscc_fault_overridable(fault))
        return GI_OK;
    if (gi_uscc_fault_overridable(fault))
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_USCC_OVERRIDABLE,
                            "%s (a regulator may record it anyway with an override and a reason)",
                            why.msg);
    return gi_fail_rule(err, GI_EINVAL, GI_RULE_USCC_INVALID, "%s", why.msg);
}

static json_t *operator_json(const db_operator_t *o)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "uscc", o->uscc, "name", o->name, "kind",
                     o->kind, "region_code", o->region_code, "contact", o->contact, "uscc_override",
                     o->uscc_override);
}

gi_err_t gi_operator_add(const gi_ctx_t *ctx, const gi_operator_input_t *in, db_operator_t *out,
                         gi_error_t *err)
{
    db_operator_t o = {0};
    gi_err_t rc = gi_operator_check(in, o.uscc, err);
    if (rc != GI_OK)
        return rc;
    copy_text(o.name, sizeof o.name, in->name);
    copy_text(o.kind, sizeof o.kind, in->kind);
    copy_text(o.region_code, sizeof o.region_code, in->region_code);
    copy_text(o.contact, sizeof o.contact, in->contact);
    copy_text(o.status, sizeof o.status, "active");
    copy_text(o.uscc_override, sizeof o.uscc_override, in->uscc_override);
    o.created_at = ctx->now;

    if ((rc = gi_change_begin(ctx, err)) != GI_OK)
        return rc;
    db_err_t drc = db_operator_insert(ctx->db, &o);
    if (drc == DB_EEXISTS)
        rc = gi_fail_rule(err, GI_EEXISTS, GI_RULE_USCC_TAKEN,
                          "an operator with USCC %s is already registered", o.uscc);
    else if (drc != DB_OK)
        rc = gi_db_fail(ctx->db, drc, err);
    if (rc == GI_OK) {
        json_t *detail = operator_json(&o);
        rc = gi_audit_record(ctx, "operator.add", "operator", o.id, detail, err);
        json_decref(detail);
    }
    rc = gi_change_end(ctx, rc, err);
    if (rc == GI_OK && out)
        *out = o;
    return rc;
}

gi_err_t gi_operator_edit(const gi_ctx_t *ctx, int64_t id, const gi_operator_input_t *in,
                          db_operator_t *out, gi_error_t *err)
{
    db_operator_t old, o;
    gi_err_t rc = gi_change_begin(ctx, err);
    if (rc != GI_OK)
        return rc;
    if ((rc = gi_operator_get(ctx, id, &old, err)) == GI_OK) {
        gi_operator_input_t checked = *in;
        char uscc[GI_USCC_LEN + 1];
        checked.uscc = old.uscc; /* the identity stays; its check was passed or overridden */
        checked.uscc_override = old.uscc_override[0] ? old.uscc_override : "";
        rc = gi_operator_check(&checked, uscc, err);
    }
    if (rc == GI_OK) {
        o = old;
        copy_text(o.name, sizeof o.name, in->name);
        copy_text(o.kind, sizeof o.kind, in->kind);
        copy_text(o.region_code, sizeof o.region_code, in->region_code);
        copy_text(o.contact, sizeof o.contact, in->contact);
        rc = gi_db_fail(ctx->db, db_operator_update(ctx->db, &o), err);
    }
    if (rc == GI_OK) {
        json_t *detail = edit_detail(operator_json(&old), operator_json(&o));
        rc = gi_audit_record(ctx, "operator.edit", "operator", id, detail, err);
        json_decref(detail);
    }
    rc = gi_change_end(ctx, rc, err);
    if (rc == GI_OK && out)
        *out = o;
    return rc;
}

gi_err_t gi_operator_get(const gi_ctx_t *ctx, int64_t id, db_operator_t *out, gi_error_t *err)
{
    db_err_t rc = db_operator_get(ctx->db, id, out);
    if (rc == DB_ENOTFOUND)
        return gi_fail(err, GI_ENOTFOUND, "no operator with id %" PRId64, id);
    return gi_db_fail(ctx->db, rc, err);
}

gi_err_t gi_operator_find(const gi_ctx_t *ctx, const char *id_or_uscc, db_operator_t *out,
                          gi_error_t *err)
{
    size_t n = strlen(id_or_uscc);
    if (n > 0 && n < 18 && strspn(id_or_uscc, "0123456789") == n)
        return gi_operator_get(ctx, strtoll(id_or_uscc, NULL, 10), out, err);
    char uscc[GI_USCC_LEN + 1];
    gi_uscc_validate(id_or_uscc, uscc, NULL, NULL);
    db_err_t rc = db_operator_find_uscc(ctx->db, uscc[0] ? uscc : id_or_uscc, out);
    if (rc == DB_ENOTFOUND)
        return gi_fail(err, GI_ENOTFOUND, "no operator with USCC %s", id_or_uscc);
    return gi_db_fail(ctx->db, rc, err);
}

/* --- authorisations ------------------------------------------------------------ */

gi_err_t gi_auth_grant_check(const gi_ctx_t *ctx, const gi_auth_input_t *in, db_auth_t *a,
                             gi_error_t *err)
{
    gi_err_t rc;
    if (in->yearly_quota <= 0 || in->yearly_quota > MAX_QUOTA)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_QUOTA_RANGE,
                            "yearly quota must be between 1 and %lld labels", MAX_QUOTA);
    if ((rc = gi_check_text("approval document", in->approval_doc, 100, DB_TEXT - 1, 0, err)) ||
        (rc = gi_check_text("area override reason", in->area_override, 300, DB_TEXT - 1, 0, err)))
        return rc;
    if (in->valid_from && in->valid_from[0]) {
        if ((rc = gi_check_date("valid from", in->valid_from, err)) != GI_OK)
            return rc;
        copy_text(a->valid_from, sizeof a->valid_from, in->valid_from);
    } else {
        gi_date_of(ctx->now, a->valid_from);
    }
    if (in->valid_until && in->valid_until[0]) {
        if ((rc = gi_check_date("valid until", in->valid_until, err)) != GI_OK)
            return rc;
        copy_text(a->valid_until, sizeof a->valid_until, in->valid_until);
    } else {
        gi_date_add_years(a->valid_from, 3, a->valid_until);
    }
    if (strcmp(a->valid_until, a->valid_from) < 0)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_VALIDITY_ORDER,
                            "valid until (%s) is before valid from (%s)", a->valid_until,
                            a->valid_from);
    return GI_OK;
}

static json_t *auth_json(const db_auth_t *a)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s}", "operator_id",
                     (json_int_t)a->operator_id, "product_id", (json_int_t)a->product_id, "status",
                     a->status, "valid_from", a->valid_from, "valid_until", a->valid_until,
                     "yearly_quota", (json_int_t)a->yearly_quota, "approval_doc", a->approval_doc);
}

void gi_product_area(const char *region_code, char out[8])
{
    size_t n = strnlen(region_code, 6);
    memcpy(out, region_code, n);
    while (n >= 2 && out[n - 1] == '0' && out[n - 2] == '0')
        n -= 2;
    out[n] = '\0';
}

/* "451003 (Tianyang District, Baise, Guangxi)", or the code alone. */
static void region_text(const char *code, char *out, size_t cap)
{
    char name[160];
    if (gi_region_name(code, 1, name, sizeof name))
        snprintf(out, cap, "%s (%s)", code, name);
    else
        snprintf(out, cap, "%s", code);
}

/* Refuses an operator seated outside the product's protected area, unless
 * overridden with a reason; *outside tells whether it was. */
static gi_err_t area_allows(const db_operator_t *o, const db_product_t *p, const char *override,
                            int *outside, gi_error_t *err)
{
    char area[8], op_region[200], product_region[200];
    gi_product_area(p->region_code, area);
    *outside = !gi_region_within(o->region_code, area);
    if (!*outside || (override && override[0]))
        return GI_OK;
    region_text(o->region_code, op_region, sizeof op_region);
    region_text(p->region_code, product_region, sizeof product_region);
    return gi_fail_rule(err, GI_EREFUSED, GI_RULE_OUTSIDE_PROTECTED_AREA,
                        "operator %" PRId64
                        " is seated in %s, outside the protected area of product "
                        "%" PRId64 ", %s; grant it only with an area override and its reason",
                        o->id, op_region, p->id, product_region);
}

/* Checks, inside the transaction, that both parties exist and are active,
 * that the operator is seated inside the product's protected area (or the
 * grant overrides that) and that it holds no live authorisation for the
 * product yet. */
static gi_err_t auth_grant_allowed(const gi_ctx_t *ctx, const db_auth_t *a, const char *override,
                                   int *outside, gi_error_t *err)
{
    db_operator_t o;
    db_product_t p;
    int64_t live = 0;
    gi_err_t rc;
    if ((rc = gi_operator_get(ctx, a->operator_id, &o, err)) != GI_OK ||
        (rc = gi_product_get(ctx, a->product_id, &p, err)) != GI_OK)
        return rc;
    if ((rc = area_allows(&o, &p, override, outside, err)) != GI_OK)
        return rc;
    if (strcmp(o.status, "active") != 0)
        return gi_fail_rule(err, GI_EREFUSED, GI_RULE_OPERATOR_NOT_ACTIVE,
                            "operator %" PRId64 " is %s", o.id, o.status);
    if (strcmp(p.status, "active") != 0)
        return gi_fail_rule(err, GI_EREFUSED, GI_RULE_PRODUCT_NOT_ACTIVE,
                            "product %" PRId64 " is %s", p.id, p.status);
    db_err_t drc = db_auth_count_live(ctx->db, a->operator_id, a->product_id, &live);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    if (live > 0)
        return gi_fail_rule(err, GI_EEXISTS, GI_RULE_AUTHORISATION_EXISTS,
                            "operator %" PRId64
                            " already holds an authorisation for product %" PRId64
                            " that is not revoked",
                            a->operator_id, a->product_id);
    return GI_OK;
}

gi_err_t gi_auth_grant(const gi_ctx_t *ctx, const gi_auth_input_t *in, db_auth_t *out,
                       gi_error_t *err)
{
    db_auth_t a = {0};
    gi_err_t rc = gi_auth_grant_check(ctx, in, &a, err);
    if (rc != GI_OK)
        return rc;
    a.operator_id = in->operator_id;
    a.product_id = in->product_id;
    a.yearly_quota = in->yearly_quota;
    copy_text(a.status, sizeof a.status, "pending");
    copy_text(a.approval_doc, sizeof a.approval_doc, in->approval_doc);
    a.created_at = ctx->now;

    if ((rc = gi_change_begin(ctx, err)) != GI_OK)
        return rc;
    int outside = 0;
    rc = auth_grant_allowed(ctx, &a, in->area_override, &outside, err);
    if (rc == GI_OK) {
        db_err_t drc = db_auth_insert(ctx->db, &a);
        rc = gi_db_fail(ctx->db, drc, err);
    }
    if (rc == GI_OK) {
        json_t *detail = auth_json(&a);
        if (outside) /* granted outside the protected area: the reason stays on record */
            json_object_set_new(detail, "area_override", json_string(in->area_override));
        rc = gi_audit_record(ctx, "auth.grant", "authorisation", a.id, detail, err);
        json_decref(detail);
    }
    if (rc == GI_OK)
        rc = gi_auth_get(ctx, a.id, &a, err);
    rc = gi_change_end(ctx, rc, err);
    if (rc == GI_OK && out)
        *out = a;
    return rc;
}

gi_err_t gi_auth_get(const gi_ctx_t *ctx, int64_t id, db_auth_t *out, gi_error_t *err)
{
    db_err_t rc = db_auth_get(ctx->db, id, out);
    if (rc == DB_ENOTFOUND)
        return gi_fail(err, GI_ENOTFOUND, "no authorisation with id %" PRId64, id);
    return gi_db_fail(ctx->db, rc, err);
}

const char *gi_auth_status(const db_auth_t *a, const char *today)
{
    if (strcmp(a->status, "revoked") != 0 && strcmp(today, a->valid_until) > 0)
        return "expired";
    return a->status;
}

int gi_auth_needs_review(const db_auth_t *a, int64_t now)
{
    if (strcmp(a->status, "approved") != 0)
        return 0;
    int64_t since = a->last_used_at ? a->last_used_at : a->approved_at;
    return since > 0 && now - since > TWO_YEARS;
}

static const struct {
    gi_auth_action_t action;
    const char *name;
    const char *from; /* stored statuses it applies to, space separated */
    const char *to;
} transitions[] = {
    {GI_AUTH_APPROVE, "approve", "pending", "approved"},
    {GI_AUTH_SUSPEND, "suspend", "approved", "suspended"},
    {GI_AUTH_REINSTATE, "reinstate", "suspended", "approved"},
    {GI_AUTH_REVOKE, "revoke", "pending approved suspended", "revoked"},
};

int gi_auth_action_parse(const char *s)
{
    for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++)
        if (strcmp(s, transitions[i].name) == 0)
            return (int)transitions[i].action;
    return -1;
}

const char *gi_auth_action_name(gi_auth_action_t action)
{
    return transitions[action].name;
}

static int word_in(const char *word, const char *list)
{
    size_t n = strlen(word);
    for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
            return 1;
    return 0;
}

/* Refuses a transition the state machine (or the calendar) does not allow. */
static gi_err_t transition_allowed(const db_auth_t *a, gi_auth_action_t action, const char *today,
                                   gi_error_t *err)
{
    const char *now_status = gi_auth_status(a, today);
    const char *name = transitions[action].name;
    if (strcmp(now_status, "expired") == 0 && action != GI_AUTH_REVOKE)
        return gi_fail_rule(err, GI_EREFUSED, GI_RULE_AUTHORISATION_EXPIRED,
                            "cannot %s authorisation %" PRId64
                            ": it expired on %s; grant a new one",
                            name, a->id, a->valid_until);
    if (!word_in(a->status, transitions[action].from))
        return gi_fail_rule(
            err, GI_EREFUSED, GI_RULE_AUTHORISATION_STATUS,
            "cannot %s authorisation %" PRId64 ": it is %s, and only a %s one can be "
            "moved to %s",
            name, a->id, a->status, transitions[action].from, transitions[action].to);
    return GI_OK;
}

gi_err_t gi_auth_transition_check(gi_auth_action_t action, const char *reason, const char *doc,
                                  gi_error_t *err)
{
    gi_err_t rc;
    if ((rc = gi_check_text("reason", reason, 300, 1000, action != GI_AUTH_APPROVE, err)) ||
        (rc = gi_check_text("approval document", doc, 100, DB_TEXT - 1, 0, err)))
        return rc;
    return GI_OK;
}

gi_err_t gi_auth_transition(const gi_ctx_t *ctx, int64_t id, gi_auth_action_t action,
                            const char *reason, const char *doc, db_auth_t *out, gi_error_t *err)
{
    char today[GI_DATE_LEN + 1];
    db_auth_t a;
    gi_err_t rc = gi_auth_transition_check(action, reason, doc, err);
    if (rc != GI_OK)
        return rc;
    gi_date_of(ctx->now, today);
    if ((rc = gi_change_begin(ctx, err)) != GI_OK)
        return rc;
    if ((rc = gi_auth_get(ctx, id, &a, err)) != GI_OK ||
        (rc = transition_allowed(&a, action, today, err)) != GI_OK)
        goto out;
    if (action == GI_AUTH_APPROVE && doc && doc[0])
        copy_text(a.approval_doc, sizeof a.approval_doc, doc);
    if (action == GI_AUTH_APPROVE && !a.approval_doc[0]) {
        rc = gi_fail_rule(err, GI_EINVAL, GI_RULE_APPROVAL_DOC_REQUIRED,
                          "approving needs the approval document number (the announcement that "
                          "approved this operator)");
        goto out;
    }
    const char *to = transitions[action].to;
    const char *why = reason && reason[0] ? reason : "approved";
    db_auth_event_t ev = {id, a.status, to, ctx->actor, ctx->now, why};
    int approving = action == GI_AUTH_APPROVE;
    db_err_t drc = db_auth_set_status(ctx->db, id, to, ctx->now, approving ? ctx->now : 0,
                                      approving ? a.approval_doc : NULL);
    if (drc == DB_OK)
        drc = db_auth_event_insert(ctx->db, &ev);
    if ((rc = gi_db_fail(ctx->db, drc, err)) != GI_OK)
        goto out;
    json_t *detail = json_pack("{s:s, s:s, s:s, s:s}", "from", a.status, "to", to, "reason", why,
                               "approval_doc", a.approval_doc);
    char action_name[48];
    snprintf(action_name, sizeof action_name, "auth.%s", transitions[action].name);
    rc = gi_audit_record(ctx, action_name, "authorisation", id, detail, err);
    json_decref(detail);
    if (rc == GI_OK)
        rc = gi_auth_get(ctx, id, &a, err);
out:
    rc = gi_change_end(ctx, rc, err);
    if (rc == GI_OK && out)
        *out = a;
    return rc;
}
