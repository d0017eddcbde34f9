/*
 * grade.c - credit classes: the rule table, and the class of an operator on
 * a date derived from dated facts (see grade.h).
 */
#include "gi/grade.h"
#include "gi/access.h"
#include "gi/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The rules, one a line. Each counts facts of one kind inside a window that
 * ends on the date asked for, at most cap of them, weight points each; the
 * points of all rules (never below 0) give the class (the lowest class whose
 * points they reach, gi_grade_config_t). */
static const gi_grade_rule_t rules[] = {
    /* a consumer's report on its label found true by a regulator: a copy or misuse reached
       the market under its name */
    {"report_founded", DB_FACT_REPORT_FOUNDED, NULL, 365, 3, 3,
     "consumer reports on its labels found true (past year)"},
    /* a voided label of its batches still scanned: voided stock went onto packages */
    {"void_scanned", DB_FACT_VOID_SCANNED, NULL, 365, 1, 5,
     "its voided labels scanned by consumers (past year, per label)"},
    /* a label scanned before its batch was declared on the product: labels used before
       activation, or taken from the print house */
    {"not_activated_scanned", DB_FACT_NOT_ACTIVATED_SCANNED, NULL, 365, 1, 5,
     "its labels scanned before activation (past year, per label)"},
    /* a label scanned by more distinct clients than the repeat threshold: its code is
       likely copied onto other packages */
    {"over_scanned", DB_FACT_OVER_SCANNED, NULL, 365, 2, 3,
     "its labels scanned by more clients than the repeat threshold (past year)"},
    /* a suspension of its right to use the mark: the office found cause to stop it */
    {"suspended", DB_FACT_SUSPENDED, NULL, 1095, 4, 2,
     "suspensions of its authorisations (past three years)"},
    /* an authorisation held two years without a label issued: the mark is held, not used
       (or used without labels from this register) */
    {"idle_two_years", DB_FACT_IDLE, NULL, 730, 2, 1,
     "authorisations without a batch issued for two years"},
    /* an inspection that ordered rectification */
    {"inspection_rectify", DB_FACT_INSPECTION, "rectify", 1095, 2, 3,
     "inspections ending in an order to rectify (past three years)"},
    /* an inspection that could not reach the operator at its registered address */
    {"inspection_unreachable", DB_FACT_INSPECTION, "unreachable", 1095, 3, 2,
     "inspections that could not reach it (past three years)"},
    /* an inspection the operator refused */
    {"inspection_refused", DB_FACT_INSPECTION, "refused", 1095, 5, 2,
     "inspections it refused (past three years)"},
    /* an inspection that found the mark transferred or counterfeited */
    {"inspection_counterfeit", DB_FACT_INSPECTION, "transfer", 1095, 6, 2,
     "inspections finding the mark transferred or counterfeited (past three years)"},
    /* a year's use of the mark not reported by 31 March after it (when the office files its
       own annual report), per authorisation: the office cannot see how the mark is used */
    {"usage_late", DB_FACT_USAGE_LATE, NULL, 365, 2, 2,
     "use reports not filed by 31 March after their year (past year, per authorisation)"},
    /* a use report returned by the office: its figures did not hold */
    {"usage_returned", DB_FACT_USAGE_RETURNED, NULL, 365, 1, 2,
     "use reports returned by the office (past year)"},
    /* an inspection that found nothing wrong: a credit of one point */
    {"inspection_clean", DB_FACT_INSPECTION, "no_problem", 365, -1, 1,
     "inspections finding no problem (past year)"},
};
#define NRULES ((int)(sizeof rules / sizeof rules[0]))
_Static_assert(sizeof rules / sizeof rules[0] <= GI_GRADE_RULES_MAX, "GI_GRADE_RULES_MAX");

const gi_grade_rule_t *gi_grade_rules(size_t *n)
{
    *n = (size_t)NRULES;
    return rules;
}

/* --- classes -------------------------------------------------------------------------- */

gi_err_t gi_grade_config_parse(const char *text, int64_t repeat_threshold, gi_grade_config_t *out,
                               gi_error_t *err)
{
    memset(out, 0, sizeof *out);
    out->repeat_threshold = repeat_threshold > 0 ? repeat_threshold : 10;
    const char *p = text ? text : "";
    while (*p) {
        if (out->n == GI_GRADE_CLASSES_MAX)
            return gi_fail_rule(err, GI_EINVAL, GI_RULE_GRADE_CLASSES_INVALID,
                                "grade classes: at most %d", GI_GRADE_CLASSES_MAX);
        size_t len = 0;
        while (p[len] && p[len] != ':' && p[len] != ',')
            len++;
        if (len == 0 || len > GI_GRADE_NAME_MAX || p[len] != ':')
            return gi_fail_rule(err, GI_EINVAL, GI_RULE_GRADE_CLASSES_INVALID,
                                "grade classes: write NAME:POINTS,... (\"A:0,B:3,C:6,D:12\")");
        for (size_t i = 0; i < len; i++)
            if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9')))
                return gi_fail_rule(err, GI_EINVAL, GI_RULE_GRADE_CLASSES_INVALID,
                                    "grade classes: a name is capital letters or digits");
        memcpy(out->c[out->n].name, p, len);
        p += len + 1;
        char num[24];
        size_t nlen = strcspn(p, ",");
        if (nlen == 0 || nlen >= sizeof num)
            return gi_fail_rule(err, GI_EINVAL, GI_RULE_GRADE_CLASSES_INVALID,
                                "grade classes: points missing after %s", out->c[out->n].name);
        memcpy(num, p, nlen);
        num[nlen] = '\0';
        int64_t min = 0;
        int64_t floor = out->n ? out->c[out->n - 1].min_points + 1 : 0;
        if (gi_parse_whole(num, floor, 1000000, &min) != 0 || (out->n == 0 && min != 0))
            return gi_fail_rule(err, GI_EINVAL, GI_RULE_GRADE_CLASSES_INVALID,
                                "grade classes: points start at 0 and rise from class to class");
        for (int i = 0; i < out->n; i++)
            if (strcmp(out->c[i].name, out->c[out->n].name) == 0)
                return gi_fail_rule(err, GI_EINVAL, GI_RULE_GRADE_CLASSES_INVALID,
                                    "grade classes: %s twice", out->c[i].name);
        out->c[out->n++].min_points = min;
        p += nlen;
        if (*p == ',')
            p++;
    }
    if (out->n < 2)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_GRADE_CLASSES_INVALID,
                            "grade classes: at least two");
    return GI_OK;
}

/* GI_GRADE_CLASSES_DEFAULT as parsed (a unit test holds them equal). */
static const gi_grade_config_t default_config = {
    .c = {{"A", 0}, {"B", 3}, {"C", 6}, {"D", 12}}, .n = 4, .repeat_threshold = 10};

const gi_grade_config_t *gi_grade_config_default(void)
{
    return &default_config;
}

int gi_grade_class_index(const gi_grade_config_t *cfg, const char *name)
{
    for (int i = 0; name && i < cfg->n; i++)
        if (strcmp(cfg->c[i].name, name) == 0)
            return i;
    return -1;
}

static const char *class_of(const gi_grade_config_t *cfg, int64_t points)
{
    int k = 0;
    for (int i = 0; i < cfg->n; i++)
        if (points >= cfg->c[i].min_points)
            k = i;
    return cfg->c[k].name;
}

/* --- derivation ------------------------------------------------------------------------- */

int gi_may_see_grades(const db_account_t *a)
{
    return !a->disabled && (strcmp(a->role, "regulator") == 0 || strcmp(a->role, "auditor") == 0);
}

typedef struct {
    gi_grade_t *g; /* sorted by operator id */
    size_t n, cap;
    gi_grade_evidence_t *ev; /* for a single operator, or NULL */
    int rule;
    const gi_grade_config_t *cfg;
    char as_of[GI_DATE_LEN + 1];
} derive_t;

static gi_grade_t *find(derive_t *d, int64_t operator_id)
{
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->g[mid].operator_id < operator_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->n && d->g[lo].operator_id == operator_id ? &d->g[lo] : NULL;
}

static int add_operator(const db_operator_t *o, void *arg)
{
    derive_t *d = arg;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        gi_grade_t *g = realloc(d->g, cap * sizeof *g);
        if (!g)
            return 1;
        d->g = g;
        d->cap = cap;
    }
    gi_grade_t *g = &d->g[d->n++];
    memset(g, 0, sizeof *g);
    g->operator_id = o->id;
    snprintf(g->operator_name, sizeof g->operator_name, "%s", o->name);
    snprintf(g->operator_uscc, sizeof g->operator_uscc, "%s", o->uscc);
    snprintf(g->region_code, sizeof g->region_code, "%s", o->region_code);
    snprintf(g->as_of, sizeof g->as_of, "%s", d->as_of);
    return 0;
}

static int add_fact(const db_fact_t *f, void *arg)
{
    derive_t *d = arg;
    const gi_grade_rule_t *r = &rules[d->rule];
    if (r->fact == DB_FACT_INSPECTION) {
        int transfer = strcmp(r->inspection, "transfer") == 0;
        if (transfer ? strcmp(f->detail, "fail") != 0 : strcmp(f->ref, r->inspection) != 0)
            return 0;
    }
    gi_grade_t *g = find(d, f->operator_id);
    if (!g)
        return 0;
    g->count[d->rule]++;
    if (d->ev && d->ev->n[d->rule] < GI_GRADE_EVIDENCE_MAX) {
        gi_grade_fact_t *x = &d->ev->facts[d->rule][d->ev->n[d->rule]++];
        x->ref_id = f->ref_id;
        snprintf(x->ref, sizeof x->ref, "%s", f->ref);
        gi_utf8_repair(x->ref);
        snprintf(x->detail, sizeof x->detail, "%s", f->detail);
        x->at = f->at;
    }
    return 0;
}

static int add_import(const db_grade_import_t *imp, void *arg)
{
    derive_t *d = arg;
    gi_grade_t *g = find(d, imp->operator_id);
    if (!g || !imp->class_name[0])
        return 0;
    g->imported = 1;
    snprintf(g->import_source, sizeof g->import_source, "%s", imp->source);
    snprintf(g->import_as_of, sizeof g->import_as_of, "%.10s", imp->as_of);
    snprintf(g->class_name, sizeof g->class_name, "%.7s", imp->class_name);
    return 0;
}

/* Fills d (its operators listed) with the facts up to date and the classes. */
/* The facts of a use-report rule: a year's reports are due by 31 March after it,
 * the day the office's own annual report is due, so each year whose deadline
 * falls in the window (base's from, to] is asked about once. */
static db_err_t usage_late_facts(const gi_ctx_t *ctx, const db_fact_query_t *base, derive_t *d)
{
    db_err_t rc = DB_OK;
    for (int y = atoi(base->from_date) - 1; rc == DB_OK && y <= atoi(base->to_date); y++) {
        char first[24], last[24], due[24]; /* room for any int year */
        snprintf(first, sizeof first, "%04d-01-01", y);
        snprintf(last, sizeof last, "%04d-12-31", y);
        snprintf(due, sizeof due, "%04d-03-31", y + 1);
        db_fact_query_t q = *base;
        q.from = gi_day_start(first);
        q.from_date = first;
        q.param = gi_date_end(last);
        q.to = gi_date_end(due);
        q.to_date = due;
        if (q.to > base->from && q.to <= base->to)
            rc = db_facts(ctx->db, DB_FACT_USAGE_LATE, &q, add_fact, d);
    }
    return rc;
}

static gi_err_t derive(const gi_ctx_t *ctx, derive_t *d, int64_t operator_id, const char *region,
                       gi_error_t *err)
{
    int64_t to = gi_date_end(d->as_of);
    for (int i = 0; i < NRULES; i++) {
        const gi_grade_rule_t *r = &rules[i];
        char from_date[GI_DATE_LEN + 1];
        int64_t from = to - (int64_t)r->window_days * 86400;
        gi_date_of(from, from_date);
        db_fact_query_t q = {
            operator_id, region, from, to, from_date, d->as_of, d->cfg->repeat_threshold};
        d->rule = i;
        db_err_t rc = r->fact == DB_FACT_USAGE_LATE ? usage_late_facts(ctx, &q, d)
                                                    : db_facts(ctx->db, r->fact, &q, add_fact, d);
        if (rc != DB_OK)
            return gi_db_fail(ctx->db, rc, err);
    }
    for (size_t k = 0; k < d->n; k++) {
        gi_grade_t *g = &d->g[k];
        for (int i = 0; i < NRULES; i++) {
            int64_t counted = g->count[i] < rules[i].cap ? g->count[i] : rules[i].cap;
            g->points_of[i] = counted * rules[i].weight;
            g->points += g->points_of[i];
        }
        if (g->points < 0)
            g->points = 0;
        snprintf(g->derived, sizeof g->derived, "%s", class_of(d->cfg, g->points));
        snprintf(g->class_name, sizeof g->class_name, "%s", g->derived);
    }
    db_err_t rc = db_grade_imports(ctx->db, operator_id, region, d->as_of, to, add_import, d);
    return rc == DB_OK ? GI_OK : gi_db_fail(ctx->db, rc, err);
}

static gi_err_t date_or_today(const gi_ctx_t *ctx, const char *date, char out[GI_DATE_LEN + 1],
                              gi_error_t *err)
{
    if (!date || !date[0]) {
        gi_date_of(ctx->now, out);
        return GI_OK;
    }
    gi_err_t rc = gi_check_date("as-of date", date, err);
    if (rc == GI_OK)
        snprintf(out, GI_DATE_LEN + 1, "%s", date);
    return rc;
}

gi_err_t gi_grade_of(const gi_ctx_t *ctx, const db_account_t *a, const gi_grade_config_t *cfg,
                     int64_t operator_id, const char *date, gi_grade_t *out,
                     gi_grade_evidence_t *ev, gi_error_t *err)
{
    db_operator_t o;
    derive_t d = {.cfg = cfg, .ev = ev};
    gi_err_t rc = date_or_today(ctx, date, d.as_of, err);
    if (rc != GI_OK)
        return rc;
    if (!gi_may_see_grades(a))
        return gi_fail_rule(err, GI_EFORBIDDEN, GI_RULE_ROLE_NOT_ALLOWED,
                            "credit classes are for regulators and auditors");
    db_err_t drc = db_operator_get(ctx->db, operator_id, &o);
    if (drc == DB_ENOTFOUND)
        return gi_fail(err, GI_ENOTFOUND, "no operator %lld", (long long)operator_id);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    gi_subject_t s = {o.region_code, o.id};
    if ((rc = gi_access(a, GI_ACT_READ, &s, err)) != GI_OK)
        return rc;
    if (ev)
        memset(ev, 0, sizeof *ev);
    if (add_operator(&o, &d) != 0)
        return gi_fail(err, GI_ENOMEM, "out of memory");
    rc = derive(ctx, &d, o.id, "", err);
    if (rc == GI_OK)
        *out = d.g[0];
    free(d.g);
    return rc;
}

gi_err_t gi_grade_all(const gi_ctx_t *ctx, const db_account_t *a, const gi_grade_config_t *cfg,
                      const char *region, int in_force_only, const char *date, gi_grade_fn fn,
                      void *arg, gi_error_t *err)
{
    derive_t d = {.cfg = cfg};
    gi_err_t rc = date_or_today(ctx, date, d.as_of, err);
    if (rc != GI_OK)
        return rc;
    if (!gi_may_see_grades(a))
        return gi_fail_rule(err, GI_EFORBIDDEN, GI_RULE_ROLE_NOT_ALLOWED,
                            "credit classes are for regulators and auditors");
    const char *scope = region && region[0] ? region : a->region_scope;
    if (!gi_region_within(scope, a->region_scope) && strlen(scope) >= strlen(a->region_scope))
        return gi_fail_rule(err, GI_ENOTFOUND, GI_RULE_REGION_OUT_OF_SCOPE,
                            "region %s is outside the account's scope", scope);
    if (strlen(scope) < strlen(a->region_scope))
        scope = a->region_scope;
    db_err_t drc =
        db_supervised_operators(ctx->db, scope, in_force_only, d.as_of, add_operator, &d);
    if (drc != DB_OK) {
        free(d.g);
        return gi_db_fail(ctx->db, drc, err);
    }
    rc = derive(ctx, &d, 0, scope, err);
    for (size_t k = 0; rc == GI_OK && k < d.n; k++)
        if (fn(&d.g[k], arg))
            break;
    free(d.g);
    return rc;
}

json_t *gi_grade_json(const gi_grade_t *g, const gi_grade_evidence_t *ev)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:b}", "operator_id",
                          (json_int_t)g->operator_id, "operator", g->operator_name, "uscc",
                          g->operator_uscc, "region", g->region_code, "as_of", g->as_of, "points",
                          (json_int_t)g->points, "derived_class", g->derived, "class",
                          g->class_name, "imported", g->imported);
    if (!j)
        return NULL;
    if (g->imported)
        json_object_set_new(
            j, "import",
            json_pack("{s:s, s:s}", "source", g->import_source, "as_of", g->import_as_of));
    json_t *rl = json_array();
    for (int i = 0; i < NRULES; i++) {
        json_t *r = json_pack("{s:s, s:s, s:i, s:i, s:i, s:I, s:I}", "rule", rules[i].key, "what",
                              rules[i].what, "weight", rules[i].weight, "cap", rules[i].cap,
                              "window_days", rules[i].window_days, "facts", (json_int_t)g->count[i],
                              "points", (json_int_t)g->points_of[i]);
        if (r && ev) {
            json_t *fl = json_array();
            for (int k = 0; k < ev->n[i]; k++) {
                const gi_grade_fact_t *x = &ev->facts[i][k];
                json_array_append_new(fl, json_pack("{s:I, s:s, s:s, s:I}", "ref_id",
                                                    (json_int_t)x->ref_id, "ref", x->ref, "detail",
                                                    x->detail, "at", (json_int_t)x->at));
            }
            json_object_set_new(r, "evidence", fl);
        }
        json_array_append_new(rl, r);
    }
    json_object_set_new(j, "rules", rl);
    return j;
}

/* --- changes ----------------------------------------------------------------------------- */

static gi_err_t may_supervise(const db_account_t *a, const char *region, int64_t operator_id,
                              gi_error_t *err)
{
    gi_subject_t s = {region, operator_id};
    return gi_access(a, GI_ACT_SUPERVISE, &s, err);
}

gi_err_t gi_grade_import(const gi_ctx_t *ctx, const db_account_t *a, const gi_grade_config_t *cfg,
                         int64_t operator_id, const char *class_name, const char *as_of,
                         const char *source, gi_error_t *err)
{
    db_operator_t o;
    db_grade_import_t g = {.operator_id = operator_id, .at = ctx->now};
    gi_err_t rc;
    if (class_name && class_name[0] && gi_grade_class_index(cfg, class_name) < 0)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_GRADE_CLASS_UNKNOWN,
                            "class %.16s is not one of the classes set", class_name);
    if ((rc = gi_check_date("as-of date", as_of, err)) ||
        (rc = gi_check_text("source", source, 200, sizeof g.source - 1, 1, err)))
        return rc;
    db_err_t drc = db_operator_get(ctx->db, operator_id, &o);
    if (drc == DB_ENOTFOUND)
        return gi_fail(err, GI_ENOTFOUND, "no operator %lld", (long long)operator_id);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    if ((rc = may_supervise(a, o.region_code, o.id, err)) != GI_OK)
        return rc;
    snprintf(g.class_name, sizeof g.class_name, "%s", class_name ? class_name : "");
    snprintf(g.as_of, sizeof g.as_of, "%s", as_of);
    snprintf(g.source, sizeof g.source, "%s", source);
    snprintf(g.actor, sizeof g.actor, "%s", ctx->actor);
    if ((rc = gi_change_begin(ctx, err)) != GI_OK)
        return rc;
    rc = gi_db_fail(ctx->db, db_grade_import_insert(ctx->db, &g), err);
    json_t *detail = json_pack("{s:I, s:s, s:s, s:s}", "operator_id", (json_int_t)operator_id,
                               "class", g.class_name, "as_of", g.as_of, "source", g.source);
    if (rc == GI_OK)
        rc = gi_audit_record(ctx, "grade.import", "operator", operator_id, detail, err);
    json_decref(detail);
    return gi_change_end(ctx, rc, err);
}

gi_err_t gi_report_finding(const gi_ctx_t *ctx, const db_account_t *a, int64_t report_id,
                           const char *outcome, const char *note, int64_t *id, gi_error_t *err)
{
    db_report_t *r = malloc(sizeof *r);
    gi_err_t rc = GI_OK;
    int64_t fid = 0;
    if (!r)
        return gi_fail(err, GI_ENOMEM, "out of memory");
    if (!outcome || (strcmp(outcome, "founded") != 0 && strcmp(outcome, "unfounded") != 0))
        rc = gi_fail_rule(err, GI_EINVAL, GI_RULE_OUTCOME_INVALID,
                          "outcome must be founded or unfounded");
    if (rc == GI_OK)
        rc = gi_check_text("note", note, 200, DB_TEXT - 1, 0, err);
    db_err_t drc = rc == GI_OK ? db_report_get(ctx->db, report_id, r) : DB_OK;
    if (rc == GI_OK && drc == DB_ENOTFOUND)
        rc = gi_fail(err, GI_ENOTFOUND, "no report %lld", (long long)report_id);
    else if (rc == GI_OK && drc != DB_OK)
        rc = gi_db_fail(ctx->db, drc, err);
    if (rc == GI_OK)
        rc = may_supervise(a, r->region_code, r->operator_id, err);
    if (rc == GI_OK && (rc = gi_change_begin(ctx, err)) == GI_OK) {
        rc = gi_db_fail(ctx->db,
                        db_report_finding_insert(ctx->db, report_id, outcome, ctx->now, ctx->actor,
                                                 note ? note : "", &fid),
                        err);
        json_t *detail = json_pack("{s:I, s:s, s:s}", "finding", (json_int_t)fid, "outcome",
                                   outcome, "note", note ? note : "");
        if (rc == GI_OK)
            rc = gi_audit_record(ctx, "report.finding", "report", report_id, detail, err);
        json_decref(detail);
        rc = gi_change_end(ctx, rc, err);
    }
    free(r);
    if (rc == GI_OK && id)
        *id = fid;
    return rc;
}
