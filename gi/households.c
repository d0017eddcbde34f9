/*
 * households.c - the rules of households.h: producers, their quotas, and
 * allocations of labels that keep a batch's totals.
 */
#include "gi/households.h"
#include "gi/access.h"
#include "gi/audit.h"
#include "gi/json.h"
#include "gi/registry.h"
#include "gi/uscc.h"
#include "gi/view.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define AREA_DECIMALS      2         /* area in hundredths of a mu */
#define PER_LABEL_DECIMALS 3         /* product per label in thousandths of the yield unit */
#define AREA_MAX           100000000 /* 1,000,000 mu in hundredths */
#define YIELD_MAX          1000000
#define PER_LABEL_MAX      1000000000
#define TEXT_CHARS         100

static const char *const base_types[] = {"planting", "breeding", "processing", NULL};
static const char *const yield_units[] = {"kg", "piece", NULL};

static int one_of(const char *s, const char *const *list)
{
    for (int i = 0; s && list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

static void copy_text(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

int gi_parse_fixed(const char *s, int decimals, int64_t min, int64_t max, int64_t *out)
{
    if (!s || !*s || decimals < 0 || decimals > 6)
        return -1;
    int64_t v = 0;
    int seen_point = 0, after = 0, digits = 0;
    for (const char *c = s; *c; c++) {
        if (*c == '.' && !seen_point && digits > 0) {
            seen_point = 1;
            continue;
        }
        if (*c < '0' || *c > '9' || (seen_point && ++after > decimals) || ++digits > 15)
            return -1;
        v = v * 10 + (*c - '0');
    }
    if (seen_point && after == 0) /* "3." */
        return -1;
    for (; after < decimals; after++)
        v *= 10;
    if (v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

void gi_fixed_text(int64_t v, int decimals, char *out, size_t cap)
{
    int64_t scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    int64_t whole = v / scale, frac = v % scale;
    if (frac == 0) {
        snprintf(out, cap, "%" PRId64, whole);
        return;
    }
    int d = decimals;
    while (frac % 10 == 0) {
        frac /= 10;
        d--;
    }
    snprintf(out, cap, "%" PRId64 ".%0*" PRId64, whole, d, frac);
}

int64_t gi_producer_quota(const db_producer_t *p)
{
    if (p->per_label_milli <= 0)
        return 0;
    /* bounded by the schema's checks: 1e8 * 1e6 * 10 fits in 63 bits */
    return p->area_cmu * p->yield_per_mu * 10 / p->per_label_milli;
}

gi_err_t gi_producer_check(const gi_producer_input_t *in, db_producer_t *p, gi_error_t *err)
{
    gi_err_t rc;
    memset(p, 0, sizeof *p);
    int household = in->kind && strcmp(in->kind, "household") == 0;
    if (!household && !(in->kind && strcmp(in->kind, "base") == 0))
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_PRODUCER_KIND_INVALID,
                            "kind: household or base");
    if ((rc = gi_check_text("name", in->name, TEXT_CHARS, DB_TEXT - 1, 1, err)) ||
        (rc = gi_check_text("contact", in->contact, 60, DB_TEXT - 1, 0, err)) ||
        (rc = gi_check_region("region", in->region_code ? in->region_code : "", err)) ||
        (rc = gi_check_text("village", in->village, TEXT_CHARS, DB_TEXT - 1, household, err)) ||
        (rc = gi_check_text("certification", in->certification, TEXT_CHARS, DB_TEXT - 1, 0, err)))
        return rc;
    if (!household && !one_of(in->base_type, base_types))
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_BASE_TYPE_INVALID,
                            "base type: planting, breeding or processing");
    if (household && in->base_type && in->base_type[0])
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_BASE_TYPE_INVALID,
                            "a household has no base type");
    if (gi_parse_fixed(in->area, AREA_DECIMALS, 1, AREA_MAX, &p->area_cmu) != 0)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_AREA_INVALID,
                            "area: mu with at most 2 decimals, from 0.01 to 1000000 (no exponent, "
                            "no sign)");
    if (gi_parse_whole(in->yield, 1, YIELD_MAX, &p->yield_per_mu) != 0)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_YIELD_INVALID,
                            "yield: assessed yield per mu, a whole number 1 to %d", YIELD_MAX);
    if (!one_of(in->yield_unit, yield_units))
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_YIELD_UNIT_INVALID, "yield unit: kg or piece");
    if (gi_parse_fixed(in->per_label, PER_LABEL_DECIMALS, 1, PER_LABEL_MAX, &p->per_label_milli))
        return gi_fail_rule(
            err, GI_EINVAL, GI_RULE_PER_LABEL_INVALID,
            "per label: how much product one label stands for, in the yield unit, at "
            "most 3 decimals, from 0.001 to 1000000");
    copy_text(p->kind, sizeof p->kind, in->kind);
    copy_text(p->name, sizeof p->name, in->name);
    copy_text(p->contact, sizeof p->contact, in->contact);
    copy_text(p->region_code, sizeof p->region_code, in->region_code);
    copy_text(p->village, sizeof p->village, in->village);
    copy_text(p->base_type, sizeof p->base_type, household ? "" : in->base_type);
    copy_text(p->certification, sizeof p->certification, in->certification);
    copy_text(p->yield_unit, sizeof p->yield_unit, in->yield_unit);
    p->operator_id = in->operator_id;
    p->product_id = in->product_id;
    return GI_OK;
}

/* The operator must hold an authorisation (not revoked) for the product and
 * the producer lie in the product's protected area. */
static gi_err_t producer_allowed(const gi_ctx_t *ctx, const db_producer_t *p, gi_error_t *err)
{
    db_operator_t o;
    db_product_t pr;
    gi_err_t rc;
    if ((rc = gi_operator_get(ctx, p->operator_id, &o, err)) != GI_OK ||
        (rc = gi_product_get(ctx, p->product_id, &pr, err)) != GI_OK)
        return rc;
    int64_t live = 0;
    db_err_t drc = db_auth_count_live(ctx->db, p->operator_id, p->product_id, &live);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    if (live == 0)
        return gi_fail_rule(err, GI_EREFUSED, GI_RULE_NO_AUTHORISATION,
                            "operator %" PRId64 " holds no authorisation for product %" PRId64,
                            p->operator_id, p->product_id);
    char area[8];
    gi_product_area(pr.region_code, area);
    if (!gi_region_within(p->region_code, area))
        return gi_fail_rule(err, GI_EREFUSED, GI_RULE_OUTSIDE_PROTECTED_AREA,
                            "%s lies outside the protected area of product %" PRId64 " (%s)",
                            p->region_code, p->product_id, pr.region_code);
    return GI_OK;
}

json_t *gi_json_producer(const db_producer_t *p)
{
    char area[32], per_label[32];
    gi_fixed_text(p->area_cmu, AREA_DECIMALS, area, sizeof area);
    gi_fixed_text(p->per_label_milli, PER_LABEL_DECIMALS, per_label, sizeof per_label);
    json_t *j = json_pack(
        "{s:I, s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:I, s:I}", "id",
        (json_int_t)p->id, "kind", p->kind, "operator_id", (json_int_t)p->operator_id, "product_id",
        (json_int_t)p->product_id, "name", p->name, "contact", p->contact, "region_code",
        p->region_code, "village", p->village, "base_type", p->base_type, "certification",
        p->certification, "area_mu", area, "yield_per_mu", (json_int_t)p->yield_per_mu,
        "yield_unit", p->yield_unit, "per_label", per_label, "season_quota",
        (json_int_t)gi_producer_quota(p), "area_cmu", (json_int_t)p->area_cmu);
    if (j && p->operator_name[0]) {
        json_object_set_new(j, "operator_name", json_string(p->operator_name));
        json_object_set_new(j, "product_name", json_string(p->product_name));
    }
    return j;
}

gi_err_t gi_producer_add(const gi_ctx_t *ctx, const gi_producer_input_t *in, db_producer_t *out,
                         gi_error_t *err)
{
    db_producer_t p;
    gi_err_t rc = gi_producer_check(in, &p, err);
    if (rc != GI_OK)
        return rc;
    p.created_at = ctx->now;
    if ((rc = gi_change_begin(ctx, err)) != GI_OK)
        return rc;
    rc = producer_allowed(ctx, &p, err);
    if (rc == GI_OK)
        rc = gi_db_fail(ctx->db, db_producer_insert(ctx->db, &p), err);
    if (rc == GI_OK) {
        /* on the operator's record, so the audit log's region scope holds */
        json_t *detail = gi_json_producer(&p);
        rc = gi_audit_record(ctx, strcmp(p.kind, "household") == 0 ? "household.add" : "base.add",
                             "operator", p.operator_id, detail, err);
        json_decref(detail);
    }
    rc = gi_change_end(ctx, rc, err);
    if (rc == GI_OK && out)
        *out = p;
    return rc;
}

/* --- allocations --------------------------------------------------------------------- */

json_t *gi_json_allocation(const db_allocation_t *a)
{
    json_t *j =
        json_pack("{s:I, s:I, s:I, s:I, s:I, s:s, s:s, s:s}", "id", (json_int_t)a->id, "batch_id",
                  (json_int_t)a->batch_id, "first_seq", (json_int_t)a->first_seq, "last_seq",
                  (json_int_t)a->last_seq, "labels", (json_int_t)(a->last_seq - a->first_seq + 1),
                  "holder", a->holder_kind, "holder_name", a->holder_name, "override", a->override);
    if (j)
        json_object_set_new(j, a->processor_id ? "processor_id" : "producer_id",
                            json_integer(a->processor_id ? a->processor_id : a->producer_id));
    return j;
}

json_t *gi_json_origin(const db_origin_t *o)
{
    if (!o->found)
        return json_null();
    return json_pack("{s:s, s:s, s:s, s:s}", "kind", o->kind, "region_code", o->region_code,
                     "village", o->village, "base_type", o->base_type);
}

/* Where a range goes: a producer of the batch's operator and product, with
 * room in its season quota unless overridden; or an authorised processor. */
static gi_err_t target_of(const gi_ctx_t *ctx, const gi_allocate_t *in, const db_batch_t *b,
                          int64_t size, db_allocation_t *al, json_t *detail, gi_error_t *err)
{
    al->producer_id = al->processor_id = 0;
    al->override[0] = '\0';
    if (in->producer_id) {
        db_producer_t p;
        db_err_t drc = db_producer_get(ctx->db, in->producer_id, &p);
        if (drc == DB_ENOTFOUND || (drc == DB_OK && p.operator_id != b->operator_id))
            return gi_fail(err, GI_ENOTFOUND, "no household or base %" PRId64, in->producer_id);
        if (drc != DB_OK)
            return gi_db_fail(ctx->db, drc, err);
        if (p.product_id != b->product_id)
            return gi_fail_rule(err, GI_EREFUSED, GI_RULE_PRODUCER_PRODUCT_MISMATCH,
                                "%s %" PRId64 " grows product %" PRId64 ", batch %" PRId64
                                " is of product %" PRId64,
                                p.kind, p.id, p.product_id, b->id, b->product_id);
        int64_t used = 0, quota = gi_producer_quota(&p);
        if ((drc = db_producer_allocated(ctx->db, p.id, b->quota_year, &used)) != DB_OK)
            return gi_db_fail(ctx->db, drc, err);
        json_object_set_new(detail, "quota", json_integer(quota));
        json_object_set_new(detail, "allocated_before", json_integer(used));
        if (used + size > quota) {
            if (!in->override || !in->override[0])
                return gi_fail_rule(err, GI_EREFUSED, GI_RULE_PRODUCER_QUOTA_EXCEEDED,
                                    "over quota: %s %" PRId64 " may hold %" PRId64
                                    " labels in %" PRId64 ", holds %" PRId64 ", %" PRId64
                                    " more asked for (an override needs a reason)",
                                    p.kind, p.id, quota, b->quota_year, used, size);
            copy_text(al->override, sizeof al->override, in->override);
            json_object_set_new(detail, "override", json_string(in->override));
        }
        al->producer_id = p.id;
        json_object_set_new(detail, "to", json_string(p.kind));
        json_object_set_new(detail, "producer_id", json_integer(p.id));
        return GI_OK;
    }
    char uscc[GI_USCC_LEN + 1];
    gi_error_t ignored;
    /* normalised; a code registered with an overridden check still names its operator */
    gi_uscc_validate(in->processor_uscc, uscc, NULL, &ignored);
    if (!uscc[0])
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_USCC_INVALID,
                            "processor: not a USCC (18 characters)");
    db_operator_t o;
    int64_t live = 0;
    db_err_t drc = db_operator_find_uscc(ctx->db, uscc, &o);
    if (drc == DB_OK && o.id != b->operator_id)
        drc = db_auth_count_live(ctx->db, o.id, b->product_id, &live);
    if (drc != DB_OK && drc != DB_ENOTFOUND)
        return gi_db_fail(ctx->db, drc, err);
    if (live == 0) /* one answer whether it exists or not */
        return gi_fail_rule(
            err, GI_EREFUSED, GI_RULE_PROCESSOR_NOT_AUTHORISED,
            "no other operator with USCC %s holds an authorisation for product %" PRId64, uscc,
            b->product_id);
    al->processor_id = o.id;
    json_object_set_new(detail, "to", json_string("processor"));
    json_object_set_new(detail, "processor_id", json_integer(o.id));
    return GI_OK;
}

static gi_err_t allocate_checks(const gi_allocate_t *in, gi_error_t *err)
{
    int targets = (in->producer_id != 0) + (in->processor_uscc && in->processor_uscc[0]) +
                  (in->to_operator != 0);
    if (targets != 1)
        return gi_fail_rule(
            err, GI_EINVAL, GI_RULE_HOLDER_MISSING,
            "name one holder: a household or base, a processor (USCC), or, to give a "
            "range back, the operator");
    if (in->to_operator && !in->move_id)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_HOLDER_MISSING,
                            "labels in no range are with the operator already");
    return gi_check_text("override reason", in->override, 200, DB_TEXT - 1, 0, err);
}

static gi_err_t allocate_in(const gi_ctx_t *ctx, const gi_allocate_t *in, db_allocation_t *al,
                            json_t *detail, const char **action, gi_error_t *err)
{
    db_batch_t b;
    gi_err_t rc = GI_OK;
    db_err_t drc = db_allocation_lock(ctx->db, in->batch_id, in->producer_id);
    if (drc == DB_OK)
        drc = db_batch_get(ctx->db, in->batch_id, &b);
    if (drc == DB_ENOTFOUND)
        return gi_fail(err, GI_ENOTFOUND, "no batch %" PRId64, in->batch_id);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    if (strcmp(b.status, "issued") != 0 && strcmp(b.status, "activated") != 0)
        return gi_fail_rule(err, GI_EREFUSED, GI_RULE_BATCH_NOT_ISSUED,
                            "batch %" PRId64
                            " is %s: only the labels of an issued or activated batch "
                            "are allocated",
                            b.id, b.status);
    if (in->move_id) {
        drc = db_allocation_get(ctx->db, in->move_id, al);
        if (drc == DB_ENOTFOUND || (drc == DB_OK && al->batch_id != b.id))
            return gi_fail(err, GI_ENOTFOUND, "batch %" PRId64 " has no allocation %" PRId64, b.id,
                           in->move_id);
        if (drc != DB_OK)
            return gi_db_fail(ctx->db, drc, err);
        json_object_set_new(detail, "from", json_string(al->holder_kind));
        json_object_set_new(detail, "from_id",
                            json_integer(al->producer_id ? al->producer_id : al->processor_id));
    } else {
        if (in->first_seq < 1 || in->last_seq < in->first_seq || in->last_seq > b.count)
            return gi_fail_rule(err, GI_EINVAL, GI_RULE_RANGE_INVALID,
                                "range %" PRId64 "-%" PRId64 ": batch %" PRId64
                                " has labels 1 to %" PRId64,
                                in->first_seq, in->last_seq, b.id, b.count);
        int64_t overlaps = 0;
        if ((drc = db_allocation_overlaps(ctx->db, b.id, in->first_seq, in->last_seq, &overlaps)) !=
            DB_OK)
            return gi_db_fail(ctx->db, drc, err);
        if (overlaps)
            return gi_fail_rule(err, GI_EREFUSED, GI_RULE_RANGE_OVERLAP,
                                "labels %" PRId64 "-%" PRId64 " of batch %" PRId64
                                " overlap %" PRId64
                                " range(s) already allocated: move a range whole",
                                in->first_seq, in->last_seq, b.id, overlaps);
        memset(al, 0, sizeof *al);
        al->batch_id = b.id;
        al->first_seq = in->first_seq;
        al->last_seq = in->last_seq;
    }
    int64_t size = al->last_seq - al->first_seq + 1;
    json_object_set_new(detail, "allocation_id", json_integer(al->id));
    json_object_set_new(detail, "first_seq", json_integer(al->first_seq));
    json_object_set_new(detail, "last_seq", json_integer(al->last_seq));
    al->at = ctx->now;
    copy_text(al->actor, sizeof al->actor, ctx->actor);
    if (in->to_operator) {
        *action = "batch.allocation.return";
        json_object_set_new(detail, "to", json_string("operator"));
        rc = gi_db_fail(ctx->db, db_allocation_delete(ctx->db, al), err);
        al->id = 0;
        return rc;
    }
    int64_t from_producer = al->producer_id, from_processor = al->processor_id;
    if (in->move_id) /* its own labels do not count against the quota it moves to */
        al->producer_id = 0;
    if ((rc = target_of(ctx, in, &b, size, al, detail, err)) != GI_OK)
        return rc;
    if (in->move_id && al->producer_id == from_producer && al->processor_id == from_processor)
        return gi_fail_rule(err, GI_EREFUSED, GI_RULE_ALLOCATION_SAME_HOLDER,
                            "allocation %" PRId64 " is with that holder already", al->id);
    if (in->move_id) {
        *action = "batch.allocation.move";
        return gi_db_fail(ctx->db, db_allocation_move(ctx->db, al), err);
    }
    *action = "batch.allocate";
    rc = gi_db_fail(ctx->db, db_allocation_insert(ctx->db, al), err);
    json_object_set_new(detail, "allocation_id", json_integer(al->id));
    return rc;
}

gi_err_t gi_allocate(const gi_ctx_t *ctx, const gi_allocate_t *in, db_allocation_t *out,
                     gi_error_t *err)
{
    gi_err_t rc = allocate_checks(in, err);
    if (rc != GI_OK)
        return rc;
    json_t *detail = json_object();
    if (!detail)
        return gi_fail(err, GI_ENOMEM, "out of memory");
    db_allocation_t al = {0};
    const char *action = "";
    if ((rc = gi_change_begin(ctx, err)) == GI_OK) {
        rc = allocate_in(ctx, in, &al, detail, &action, err);
        if (rc == GI_OK)
            rc = gi_audit_record(ctx, action, "batch", in->batch_id, detail, err);
        rc = gi_change_end(ctx, rc, err);
    }
    json_decref(detail);
    if (rc == GI_OK && out) {
        *out = al;
        if (al.id && db_allocation_get(ctx->db, al.id, out) != DB_OK)
            *out = al;
    }
    return rc;
}

typedef struct {
    db_allocation_fn fn;
    void *arg;
    int64_t in_ranges;
} ranges_t;

static int range_seen(const db_allocation_t *a, void *arg)
{
    ranges_t *r = arg;
    r->in_ranges += a->last_seq - a->first_seq + 1;
    return r->fn ? r->fn(a, r->arg) : 0;
}

gi_err_t gi_allocations(const gi_ctx_t *ctx, int64_t batch_id, db_allocation_fn fn, void *arg,
                        gi_allocation_totals_t *totals, gi_error_t *err)
{
    db_batch_t b;
    ranges_t r = {fn, arg, 0};
    db_err_t drc = db_batch_get(ctx->db, batch_id, &b);
    if (drc == DB_ENOTFOUND)
        return gi_fail(err, GI_ENOTFOUND, "no batch %" PRId64, batch_id);
    if (drc == DB_OK)
        drc = db_allocation_list(ctx->db, batch_id, range_seen, &r);
    if (drc == DB_OK && totals) {
        totals->count = b.count;
        totals->allocated = b.allocated;
        totals->in_ranges = r.in_ranges;
        totals->unallocated = b.count - r.in_ranges;
    }
    return gi_db_fail(ctx->db, drc, err);
}

gi_err_t gi_allocations_check(const gi_ctx_t *ctx, int64_t batch_id, int64_t *labels_unallocated,
                              gi_error_t *err)
{
    return gi_db_fail(ctx->db, db_labels_unallocated(ctx->db, batch_id, labels_unallocated), err);
}

/* --- for a signed-in account ---------------------------------------------------------- */

static gi_err_t may_on_operator(const gi_ctx_t *ctx, const db_account_t *a, gi_action_t action,
                                int64_t operator_id, gi_error_t *err)
{
    db_operator_t o;
    gi_err_t rc = gi_view_operator(ctx, a, operator_id, &o, err);
    if (rc != GI_OK)
        return rc;
    gi_subject_t s = {o.region_code, o.id};
    return gi_access(a, action, &s, err);
}

gi_err_t gi_act_producer_add(const gi_ctx_t *ctx, const db_account_t *a,
                             const gi_producer_input_t *in, db_producer_t *out, gi_error_t *err)
{
    gi_err_t rc = may_on_operator(ctx, a, GI_ACT_BATCH_REQUEST, in->operator_id, err);
    return rc == GI_OK ? gi_producer_add(ctx, in, out, err) : rc;
}

gi_err_t gi_act_allocate(const gi_ctx_t *ctx, const db_account_t *a, const gi_allocate_t *in,
                         db_allocation_t *out, gi_error_t *err)
{
    db_batch_t b;
    gi_err_t rc = gi_view_batch(ctx, a, in->batch_id, &b, err);
    if (rc == GI_OK)
        rc = may_on_operator(ctx, a, GI_ACT_BATCH_USE, b.operator_id, err);
    return rc == GI_OK ? gi_allocate(ctx, in, out, err) : rc;
}

gi_err_t gi_view_producers(const gi_ctx_t *ctx, const db_account_t *a, const db_filter_t *narrow,
                           const char *kind, const char *in_region, db_page_t page,
                           db_producer_fn fn, void *arg, gi_error_t *err)
{
    gi_subject_t own = {"", a->operator_id};
    gi_err_t rc = gi_access(a, GI_ACT_READ, &own, err);
    if (rc != GI_OK && rc != GI_ENOTFOUND)
        return rc;
    db_filter_t f = narrow ? *narrow : (db_filter_t){0};
    if (strcmp(a->role, "operator") == 0) {
        int64_t mine = a->operator_id > 0 ? a->operator_id : -1;
        f.operator_id = f.operator_id == 0 || f.operator_id == mine ? mine : -1;
        f.region = "";
    } else {
        f.region = a->region_scope;
    }
    return gi_db_fail(ctx->db, db_producer_list(ctx->db, &f, kind, in_region, page, fn, arg), err);
}

gi_err_t gi_view_producer(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                          db_producer_t *out, gi_error_t *err)
{
    db_err_t drc = db_producer_get(ctx->db, id, out);
    if (drc == DB_ENOTFOUND)
        return gi_fail(err, GI_ENOTFOUND, "no household or base %" PRId64, id);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    gi_subject_t s = {out->operator_region, out->operator_id};
    gi_err_t rc = gi_access(a, GI_ACT_READ, &s, err);
    return rc == GI_ENOTFOUND ? gi_fail(err, GI_ENOTFOUND, "no household or base %" PRId64, id)
                              : rc;
}

gi_err_t gi_view_allocations(const gi_ctx_t *ctx, const db_account_t *a, int64_t batch_id,
                             db_allocation_fn fn, void *arg, gi_allocation_totals_t *totals,
                             gi_error_t *err)
{
    db_batch_t b;
    gi_err_t rc = gi_view_batch(ctx, a, batch_id, &b, err);
    return rc == GI_OK ? gi_allocations(ctx, batch_id, fn, arg, totals, err) : rc;
}
