/*
 * usage.c - the rules of use reports and of the output value derived from
 * them (usage.h).
 */
#include "gi/usage.h"
#include "gi/audit.h"
#include "gi/json.h"
#include "gi/region.h"
#include "gi/view.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- periods ----------------------------------------------------------------------------- */

int gi_usage_period_setting(const char *s)
{
    if (!s)
        return -1;
    if (strcmp(s, "yearly") == 0)
        return GI_USAGE_YEARLY;
    if (strcmp(s, "half-year") == 0)
        return GI_USAGE_HALF_YEAR;
    if (strcmp(s, "quarter") == 0)
        return GI_USAGE_QUARTER;
    return -1;
}

const char *gi_usage_period_setting_name(int per_year)
{
    return per_year == GI_USAGE_QUARTER     ? "quarter"
           : per_year == GI_USAGE_HALF_YEAR ? "half-year"
                                            : "yearly";
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

void gi_usage_period_make(int year, int per_year, int index, gi_period_t *out)
{
    assert(per_year == 1 || per_year == 2 || per_year == 4);
    assert(index >= 1 && index <= per_year);
    int months = 12 / per_year;
    int first = (index - 1) * months + 1, last = first + months - 1;
    memset(out, 0, sizeof *out);
    out->year = year;
    out->per_year = per_year;
    out->index = index;
    char text[48];
    if (per_year == 1)
        snprintf(text, sizeof text, "%04d", year);
    else
        snprintf(text, sizeof text, "%04d-%c%d", year, per_year == 2 ? 'H' : 'Q', index);
    snprintf(out->name, sizeof out->name, "%.7s", text);
    snprintf(text, sizeof text, "%04d-%02d-01", year, first);
    snprintf(out->start, sizeof out->start, "%.10s", text);
    snprintf(text, sizeof text, "%04d-%02d-%02d", year, last, days_in_month(year, last));
    snprintf(out->end, sizeof out->end, "%.10s", text);
}

gi_err_t gi_usage_period_parse(const char *s, gi_period_t *out, gi_error_t *err)
{
    size_t n = s ? strlen(s) : 0;
    int ok = n == 4 || n == 7;
    for (size_t i = 0; ok && i < 4; i++)
        ok = s[i] >= '0' && s[i] <= '9';
    int year = ok ? atoi(s) : 0, per_year = 1, index = 1;
    if (ok && n == 7) {
        ok = s[4] == '-' && (s[5] == 'H' || s[5] == 'Q') && s[6] >= '1' && s[6] <= '4';
        per_year = ok && s[5] == 'H' ? 2 : 4;
        index = ok ? s[6] - '0' : 1;
        ok = ok && index <= per_year;
    }
    if (!ok || year < 2000 || year > 2999)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_PERIOD_INVALID,
                            "period must be a year (2025), a half-year (2025-H1) or a quarter "
                            "(2025-Q3), years 2000 to 2999");
    gi_usage_period_make(year, per_year, index, out);
    return GI_OK;
}

/* --- money ------------------------------------------------------------------------------- */

int gi_usage_parse_yuan(const char *s, int64_t *fen)
{
    if (!s || !*s)
        return -1;
    const char *dot = strchr(s, '.');
    size_t whole = dot ? (size_t)(dot - s) : strlen(s);
    size_t frac = dot ? strlen(dot + 1) : 0;
    if (whole == 0 || whole > 13 || (dot && (frac == 0 || frac > 2)))
        return -1;
    int64_t v = 0;
    for (size_t i = 0; i < whole; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    int64_t cents = 0;
    for (size_t i = 0; i < 2; i++) {
        char c = i < frac ? dot[1 + i] : '0';
        if (c < '0' || c > '9')
            return -1;
        cents = cents * 10 + (c - '0');
    }
    v = v * 100 + cents;
    if (v > GI_USAGE_FEN_MAX)
        return -1;
    *fen = v;
    return 0;
}

void gi_usage_format_yuan(int64_t fen, char out[32])
{
    snprintf(out, 32, "%s%lld.%02lld", fen < 0 ? "-" : "", (long long)(llabs(fen) / 100),
             (long long)(llabs(fen) % 100));
}

/* --- what the register knows ------------------------------------------------------------- */

int gi_usage_auth_active(const db_usage_obligation_t *o, const gi_period_t *p)
{
    char approved[GI_DATE_LEN + 1], revoked[GI_DATE_LEN + 1];
    if (!o->approved_at)
        return 0;
    gi_date_of(o->approved_at, approved);
    if (strcmp(approved, p->end) > 0 || strcmp(o->valid_from, p->end) > 0 ||
        strcmp(o->valid_until, p->start) < 0)
        return 0;
    if (o->revoked_at) {
        gi_date_of(o->revoked_at, revoked);
        if (strcmp(revoked, p->start) < 0)
            return 0;
    }
    return 1;
}

void gi_usage_flags(const db_usage_report_t *r, const db_usage_known_t *k, gi_usage_check_t *out)
{
    out->known = *k;
    out->used_over_issued = r->labels_used > k->issued_through;
}

gi_err_t gi_usage_reconcile(const gi_ctx_t *ctx, const db_usage_report_t *r, gi_usage_check_t *out,
                            gi_error_t *err)
{
    db_usage_known_t k;
    int64_t from = gi_day_start(r->period_start);
    int64_t to = gi_day_start(r->period_end) + 86400;
    db_err_t drc = db_usage_known(ctx->db, r->operator_id, r->product_id, from, to, &k);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    gi_usage_flags(r, &k, out);
    return GI_OK;
}

/* --- filing and deciding ---------------------------------------------------------------- */

static gi_err_t check_count(const char *field, int64_t v, int64_t max, gi_error_t *err)
{
    if (v < 0 || v > max)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_NUMBER_RANGE,
                            "%s must be a whole number from 0 to %lld", field, (long long)max);
    return GI_OK;
}

static gi_err_t check_unit(const char *unit, gi_error_t *err)
{
    static const char *const units[] = {"kg", "t", "piece", "box", "bottle", "L", NULL};
    for (int i = 0; unit && units[i]; i++)
        if (strcmp(unit, units[i]) == 0)
            return GI_OK;
    return gi_fail_rule(err, GI_EINVAL, GI_RULE_VOLUME_UNIT_INVALID,
                        "volume_unit must be kg, t, piece, box, bottle or L");
}

static gi_err_t check_input(const gi_usage_input_t *in, gi_error_t *err)
{
    gi_err_t rc;
    if ((rc = check_count("volume_produced", in->volume_produced, GI_USAGE_VOLUME_MAX, err)) ||
        (rc = check_count("volume_sold", in->volume_sold, GI_USAGE_VOLUME_MAX, err)) ||
        (rc = check_unit(in->volume_unit, err)) ||
        (rc = check_count("sales_value_fen", in->sales_value_fen, GI_USAGE_FEN_MAX, err)) ||
        (rc = check_count("labels_received", in->labels_received, GI_USAGE_LABELS_MAX, err)) ||
        (rc = check_count("labels_used", in->labels_used, GI_USAGE_LABELS_MAX, err)) ||
        (rc = check_count("labels_voided", in->labels_voided, GI_USAGE_LABELS_MAX, err)))
        return rc;
    return gi_check_lines("application", in->application, 500,
                          sizeof((db_usage_report_t *)0)->application - 1, 1, err);
}

typedef struct {
    const gi_period_t *p;
    int64_t product_id;
    int active;
} active_t;

static int note_active(const db_usage_obligation_t *o, void *arg)
{
    active_t *a = arg;
    if (o->product_id == a->product_id && gi_usage_auth_active(o, a->p))
        a->active = 1;
    return a->active;
}

gi_err_t gi_usage_file(const gi_ctx_t *ctx, int per_year, const gi_usage_input_t *in,
                       db_usage_report_t *out, gi_error_t *err)
{
    gi_period_t p;
    char today[GI_DATE_LEN + 1];
    gi_err_t rc = gi_usage_period_parse(in->period, &p, err);
    if (rc == GI_OK && p.per_year != per_year)
        rc = gi_fail_rule(err, GI_EINVAL, GI_RULE_PERIOD_NOT_TAKEN,
                          "this office takes %s reports (report-period = %s): period %s is not one",
                          gi_usage_period_setting_name(per_year),
                          gi_usage_period_setting_name(per_year), p.name);
    if (rc == GI_OK)
        rc = check_input(in, err);
    if (rc != GI_OK)
        return rc;
    gi_date_of(ctx->now, today);
    if (strcmp(today, p.end) <= 0)
        return gi_fail_rule(err, GI_EREFUSED, GI_RULE_PERIOD_NOT_CLOSED,
                            "period %s closes on %s: it is reported after that", p.name, p.end);
    db_operator_t o;
    db_product_t prod;
    db_err_t drc = db_operator_get(ctx->db, in->operator_id, &o);
    if (drc == DB_OK)
        drc = db_product_get(ctx->db, in->product_id, &prod);
    if (drc != DB_OK)
        return drc == DB_ENOTFOUND ? gi_fail(err, GI_ENOTFOUND, "no such operator or product")
                                   : gi_db_fail(ctx->db, drc, err);
    active_t act = {&p, in->product_id, 0};
    drc = db_usage_obligations(ctx->db, "", in->operator_id, 0, note_active, &act);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    if (!act.active)
        return gi_fail_rule(err, GI_EREFUSED, GI_RULE_NO_AUTHORISATION,
                            "operator %s held no authorisation for product %lld during %s: "
                            "there is no use to report",
                            o.uscc, (long long)in->product_id, p.name);

    db_usage_report_t *r = calloc(1, sizeof *r);
    if (!r)
        return gi_fail(err, GI_ENOMEM, "out of memory");
    r->operator_id = in->operator_id;
    r->product_id = in->product_id;
    snprintf(r->period, sizeof r->period, "%s", p.name);
    snprintf(r->period_start, sizeof r->period_start, "%s", p.start);
    snprintf(r->period_end, sizeof r->period_end, "%s", p.end);
    r->volume_produced = in->volume_produced;
    r->volume_sold = in->volume_sold;
    snprintf(r->volume_unit, sizeof r->volume_unit, "%s", in->volume_unit);
    r->sales_value_fen = in->sales_value_fen;
    r->labels_received = in->labels_received;
    r->labels_used = in->labels_used;
    r->labels_voided = in->labels_voided;
    snprintf(r->application, sizeof r->application, "%s", in->application);
    r->filed_at = ctx->now;
    snprintf(r->filed_by, sizeof r->filed_by, "%s", ctx->actor ? ctx->actor : "");
    if ((rc = gi_change_begin(ctx, err)) != GI_OK) {
        free(r);
        return rc;
    }
    rc = gi_db_fail(
        ctx->db,
        db_usage_next_version(ctx->db, r->operator_id, r->product_id, r->period, &r->version), err);
    if (rc == GI_OK)
        rc = gi_db_fail(ctx->db, db_usage_insert(ctx->db, r), err);
    if (rc == GI_OK) {
        json_t *detail = json_pack(
            "{s:I, s:I, s:s, s:I, s:I, s:I, s:s, s:I, s:I, s:I, s:I}", "operator_id",
            (json_int_t)r->operator_id, "product_id", (json_int_t)r->product_id, "period",
            r->period, "version", (json_int_t)r->version, "volume_produced",
            (json_int_t)r->volume_produced, "volume_sold", (json_int_t)r->volume_sold,
            "volume_unit", r->volume_unit, "sales_value_fen", (json_int_t)r->sales_value_fen,
            "labels_received", (json_int_t)r->labels_received, "labels_used",
            (json_int_t)r->labels_used, "labels_voided", (json_int_t)r->labels_voided);
        rc = gi_audit_record(ctx, "usage.file", "usage_report", r->id, detail, err);
        json_decref(detail);
    }
    rc = gi_change_end(ctx, rc, err);
    if (rc == GI_OK)
        rc = gi_db_fail(ctx->db, db_usage_get(ctx->db, r->id, out), err);
    free(r);
    return rc;
}

gi_err_t gi_usage_decide(const gi_ctx_t *ctx, int64_t id, int accept, const char *reason,
                         db_usage_report_t *out, gi_error_t *err)
{
    gi_err_t rc = gi_check_text("reason", reason, 200, DB_TEXT - 1, !accept, err);
    if (rc != GI_OK)
        return rc;
    if ((rc = gi_change_begin(ctx, err)) != GI_OK)
        return rc;
    db_err_t drc = db_usage_get(ctx->db, id, out);
    if (drc == DB_ENOTFOUND)
        rc = gi_fail(err, GI_ENOTFOUND, "no use report %lld", (long long)id);
    else if (drc != DB_OK)
        rc = gi_db_fail(ctx->db, drc, err);
    else if (!out->latest)
        rc = gi_fail_rule(
            err, GI_EREFUSED, GI_RULE_USAGE_NOT_NEWEST,
            "use report %lld is version %lld, not the newest of %s: decide on the newest",
            (long long)id, (long long)out->version, out->period);
    else if (strcmp(out->status, "filed") != 0)
        rc = gi_fail_rule(err, GI_EREFUSED, GI_RULE_USAGE_DECIDED_ALREADY,
                          "use report %lld was %s already", (long long)id, out->status);
    const char *decision = accept ? "accepted" : "returned";
    if (rc == GI_OK)
        rc = gi_db_fail(ctx->db,
                        db_usage_decide(ctx->db, id, decision, reason ? reason : "", ctx->now,
                                        ctx->actor ? ctx->actor : ""),
                        err);
    if (rc == GI_OK) {
        json_t *detail =
            json_pack("{s:s, s:s}", "decision", decision, "reason", reason ? reason : "");
        rc = gi_audit_record(ctx, accept ? "usage.accept" : "usage.return", "usage_report", id,
                             detail, err);
        json_decref(detail);
    }
    rc = gi_change_end(ctx, rc, err);
    if (rc == GI_OK)
        rc = gi_db_fail(ctx->db, db_usage_get(ctx->db, id, out), err);
    return rc;
}

/* --- who did not report, who did not use --------------------------------------------------- */

/* The operators and products of a list, one entry per pair. */
typedef struct {
    const gi_period_t *p; /* missing: the period */
    int64_t since;        /* idle: the start of the two years */
    const char *asof;     /* idle: the day */
    gi_usage_gap_t *gaps;
    size_t n, cap;
    int failed;
} gaps_t;

static gi_usage_gap_t *gap_for(gaps_t *g, const db_usage_obligation_t *o)
{
    if (g->n && g->gaps[g->n - 1].operator_id == o->operator_id &&
        g->gaps[g->n - 1].product_id == o->product_id)
        return &g->gaps[g->n - 1];
    if (g->n == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 64;
        gi_usage_gap_t *p = realloc(g->gaps, cap * sizeof *p);
        if (!p) {
            g->failed = 1;
            return NULL;
        }
        g->gaps = p;
        g->cap = cap;
    }
    gi_usage_gap_t *x = &g->gaps[g->n++];
    memset(x, 0, sizeof *x);
    x->operator_id = o->operator_id;
    x->product_id = o->product_id;
    snprintf(x->uscc, sizeof x->uscc, "%s", o->uscc);
    snprintf(x->operator_name, sizeof x->operator_name, "%s", o->operator_name);
    snprintf(x->region, sizeof x->region, "%s", o->operator_region);
    snprintf(x->product_name, sizeof x->product_name, "%s", o->product_name);
    x->last_issue_at = -1; /* -1: not (yet) on the list */
    return x;
}

static int note_missing(const db_usage_obligation_t *o, void *arg)
{
    gaps_t *g = arg;
    gi_usage_gap_t *x = gap_for(g, o);
    if (!x)
        return 1;
    if (gi_usage_auth_active(o, g->p) && x->last_issue_at < 0)
        x->last_issue_at = 0;
    if (o->last_issue_at > x->last_issue_at && x->last_issue_at >= 0)
        x->last_issue_at = o->last_issue_at;
    return 0;
}

static int note_report(const db_usage_report_t *r, void *arg)
{
    gaps_t *g = arg;
    for (size_t i = 0; i < g->n; i++)
        if (g->gaps[i].operator_id == r->operator_id && g->gaps[i].product_id == r->product_id)
            g->gaps[i].last_issue_at = -1; /* reported: off the list */
    return 0;
}

static gi_err_t hand_gaps(gaps_t *g, gi_usage_gap_fn fn, void *arg)
{
    for (size_t i = 0; i < g->n; i++)
        if (g->gaps[i].last_issue_at >= 0 && fn(&g->gaps[i], arg))
            break;
    free(g->gaps);
    return GI_OK;
}

gi_err_t gi_usage_missing(const gi_ctx_t *ctx, const char *region, const char *period,
                          gi_usage_gap_fn fn, void *arg, gi_error_t *err)
{
    gi_period_t p;
    char today[GI_DATE_LEN + 1];
    gi_err_t rc = gi_usage_period_parse(period, &p, err);
    if (rc != GI_OK)
        return rc;
    gi_date_of(ctx->now, today);
    if (strcmp(today, p.end) <= 0)
        return gi_fail_rule(err, GI_EREFUSED, GI_RULE_PERIOD_NOT_CLOSED,
                            "period %s closes on %s: who did not report is known after that",
                            p.name, p.end);
    gaps_t g = {.p = &p};
    int64_t end = gi_day_start(p.end) + 86400;
    db_err_t drc = db_usage_obligations(ctx->db, region, 0, end, note_missing, &g);
    db_usage_filter_t f = {.region = region, .period = p.name};
    if (drc == DB_OK && !g.failed)
        drc = db_usage_list(ctx->db, &f, (db_page_t){0, INT64_MAX / 4}, note_report, &g);
    if (drc != DB_OK || g.failed) {
        free(g.gaps);
        return g.failed ? gi_fail(err, GI_ENOMEM, "out of memory") : gi_db_fail(ctx->db, drc, err);
    }
    return hand_gaps(&g, fn, arg);
}

static int note_idle(const db_usage_obligation_t *o, void *arg)
{
    gaps_t *g = arg;
    gi_usage_gap_t *x = gap_for(g, o);
    if (!x)
        return 1;
    /* in force on the day, approved two years before it */
    gi_period_t day = {0};
    snprintf(day.start, sizeof day.start, "%s", g->asof);
    snprintf(day.end, sizeof day.end, "%s", g->asof);
    int old_enough = o->approved_at && o->approved_at < g->since;
    if (old_enough && gi_usage_auth_active(o, &day) && strcmp(o->status, "revoked") != 0 &&
        x->last_issue_at == -1)
        x->last_issue_at = 0;
    if (o->last_issue_at >= g->since)
        x->last_issue_at = -2; /* issued inside the two years: never on the list */
    else if (x->last_issue_at >= 0 && o->last_issue_at > x->last_issue_at)
        x->last_issue_at = o->last_issue_at;
    return 0;
}

gi_err_t gi_usage_idle(const gi_ctx_t *ctx, const char *region, const char *asof,
                       gi_usage_gap_fn fn, void *arg, gi_error_t *err)
{
    gi_err_t rc = gi_check_date("as of", asof, err);
    if (rc != GI_OK)
        return rc;
    char since_day[GI_DATE_LEN + 1];
    gi_date_add_years(asof, -2, since_day);
    int64_t end = gi_day_start(asof) + 86400;
    gaps_t g = {.since = gi_day_start(since_day) + 86400, .asof = asof};
    db_err_t drc = db_usage_obligations(ctx->db, region, 0, end, note_idle, &g);
    if (drc != DB_OK || g.failed) {
        free(g.gaps);
        return g.failed ? gi_fail(err, GI_ENOMEM, "out of memory") : gi_db_fail(ctx->db, drc, err);
    }
    return hand_gaps(&g, fn, arg);
}

/* --- output value ------------------------------------------------------------------------- */

int gi_output_by_parse(const char *s)
{
    static const char *const names[] = {"product", "region", "operator"};
    for (int i = 0; s && i < 3; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

void gi_output_format_bp(int64_t bp, char out[24])
{
    int64_t a = bp < 0 ? -bp : bp;
    snprintf(out, 24, "%s%lld.%02lld%%", bp < 0 ? "-" : "+", (long long)(a / 100),
             (long long)(a % 100));
}

void gi_output_free(gi_output_t *o)
{
    free(o->rows);
    o->rows = NULL;
    o->nrows = 0;
}

/* One slot: an operator, product and period, with its newest accepted
 * version (NULL when none was accepted). */
typedef struct {
    const db_usage_report_t *acc;
    int year;
} slot_t;

static int cmp_version(const void *x, const void *y)
{
    const db_usage_report_t *a = *(const db_usage_report_t *const *)x;
    const db_usage_report_t *b = *(const db_usage_report_t *const *)y;
    int c = strcmp(a->period, b->period);
    if (c)
        return c;
    if (a->operator_id != b->operator_id)
        return a->operator_id < b->operator_id ? -1 : 1;
    if (a->product_id != b->product_id)
        return a->product_id < b->product_id ? -1 : 1;
    return a->version < b->version ? 1 : a->version > b->version ? -1 : 0;
}

static int same_slot(const db_usage_report_t *a, const db_usage_report_t *b)
{
    return a->operator_id == b->operator_id && a->product_id == b->product_id &&
           strcmp(a->period, b->period) == 0;
}

/* An operator/product pair's accepted value in one year. */
typedef struct {
    int64_t operator_id, product_id, value;
    int year;
} pair_t;

static int cmp_pair(const void *x, const void *y)
{
    const pair_t *a = x, *b = y;
    if (a->operator_id != b->operator_id)
        return a->operator_id < b->operator_id ? -1 : 1;
    if (a->product_id != b->product_id)
        return a->product_id < b->product_id ? -1 : 1;
    return a->year - b->year;
}

static int cmp_value(const void *x, const void *y)
{
    const gi_output_row_t *a = x, *b = y;
    if (a->value_fen != b->value_fen)
        return a->value_fen < b->value_fen ? 1 : -1;
    return strcmp(a->key, b->key);
}

/* The row of key (added when new) in out->rows; NULL when out of memory. */
static gi_output_row_t *row_for(gi_output_t *out, size_t *cap, const char *key, const char *level)
{
    for (size_t i = 0; i < out->nrows; i++)
        if (strcmp(out->rows[i].key, key) == 0 && strcmp(out->rows[i].level, level) == 0)
            return &out->rows[i];
    if (out->nrows == *cap) {
        size_t ncap = *cap ? 2 * *cap : 32;
        gi_output_row_t *p = realloc(out->rows, ncap * sizeof *p);
        if (!p)
            return NULL;
        out->rows = p;
        *cap = ncap;
    }
    gi_output_row_t *row = &out->rows[out->nrows++];
    memset(row, 0, sizeof *row);
    snprintf(row->key, sizeof row->key, "%s", key);
    snprintf(row->level, sizeof row->level, "%s", level);
    return row;
}

/* Adds slot s to row, counting its operator once (ops: the operator ids
 * seen by each row, as a row-indexed list of pairs). */
typedef struct {
    size_t row;
    int64_t operator_id;
} seen_t;

static int add_to_row(gi_output_t *out, size_t *cap, seen_t **seen, size_t *nseen, size_t *seencap,
                      const char *key, const char *level, const char *label, const char *uscc,
                      const db_usage_report_t *r)
{
    gi_output_row_t *row = row_for(out, cap, key, level);
    if (!row)
        return -1;
    size_t ri = (size_t)(row - out->rows);
    snprintf(row->label, sizeof row->label, "%s", label);
    snprintf(row->uscc, sizeof row->uscc, "%s", uscc);
    row->value_fen += r->sales_value_fen;
    row->reports++;
    for (size_t i = 0; i < *nseen; i++)
        if ((*seen)[i].row == ri && (*seen)[i].operator_id == r->operator_id)
            return 0;
    if (*nseen == *seencap) {
        size_t ncap = *seencap ? 2 * *seencap : 64;
        seen_t *p = realloc(*seen, ncap * sizeof *p);
        if (!p)
            return -1;
        *seen = p;
        *seencap = ncap;
    }
    (*seen)[(*nseen)++] = (seen_t){ri, r->operator_id};
    row->operators++;
    return 0;
}

gi_err_t gi_output_fold(const db_usage_report_t *r, size_t n, int year, gi_output_by_t by,
                        gi_output_t *out, gi_error_t *err)
{
    const db_usage_report_t **order = calloc(n ? n : 1, sizeof *order);
    slot_t *slots = calloc(n ? n : 1, sizeof *slots);
    pair_t *pairs = calloc(n ? n : 1, sizeof *pairs);
    int64_t *users = calloc(n ? n : 1, sizeof *users);
    size_t m = 0, nslots = 0, npairs = 0, nusers = 0;
    out->year = year;
    out->value_fen = out->received = out->filed = out->users = out->per_user_fen = 0;
    out->prev_value_fen = out->prev_received = 0;
    out->same_pairs = out->same_value_fen = out->same_prev_fen = 0;
    out->has_yoy = 0;
    out->yoy_bp = 0;
    out->rows = NULL;
    out->nrows = 0;
    int failed = !order || !slots || !pairs || !users;
    /* the versions of the two years, each slot's together, newest version first */
    for (size_t i = 0; !failed && i < n; i++) {
        int y = atoi(r[i].period);
        if (y == year || y == year - 1)
            order[m++] = &r[i];
    }
    if (!failed && m)
        qsort(order, m, sizeof *order, cmp_version);
    for (size_t i = 0; !failed && i < m; i++) {
        const db_usage_report_t *v = order[i];
        if (i == 0 || !same_slot(order[i - 1], v)) {
            slots[nslots++] = (slot_t){NULL, atoi(v->period)};
            if (atoi(v->period) == year)
                out->filed++;
        }
        slot_t *s = &slots[nslots - 1];
        if (!s->acc && strcmp(v->status, "accepted") == 0)
            s->acc = v; /* the first accepted is the newest */
    }
    size_t cap = 0, nseen = 0, seencap = 0;
    seen_t *seen = NULL;
    for (size_t s = 0; !failed && s < nslots; s++) {
        const db_usage_report_t *a = slots[s].acc;
        if (!a)
            continue;
        pairs[npairs++] =
            (pair_t){a->operator_id, a->product_id, a->sales_value_fen, slots[s].year};
        if (slots[s].year != year) {
            out->prev_value_fen += a->sales_value_fen;
            out->prev_received++;
            continue;
        }
        out->value_fen += a->sales_value_fen;
        out->received++;
        size_t u = 0;
        while (u < nusers && users[u] != a->operator_id)
            u++;
        if (u == nusers)
            users[nusers++] = a->operator_id;
        char key[24], city[8];
        int rc = 0;
        if (by == GI_OUTPUT_BY_PRODUCT) {
            snprintf(key, sizeof key, "%lld", (long long)a->product_id);
            rc = add_to_row(out, &cap, &seen, &nseen, &seencap, key, "", a->product_name, "", a);
        } else if (by == GI_OUTPUT_BY_OPERATOR) {
            snprintf(key, sizeof key, "%lld", (long long)a->operator_id);
            rc = add_to_row(out, &cap, &seen, &nseen, &seencap, key, "", a->operator_name,
                            a->operator_uscc, a);
        } else {
            snprintf(city, sizeof city, "%.4s00", a->operator_region);
            rc = add_to_row(out, &cap, &seen, &nseen, &seencap, city, "city", city, "", a);
            if (rc == 0)
                rc = add_to_row(out, &cap, &seen, &nseen, &seencap, a->operator_region, "county",
                                a->operator_region, "", a);
        }
        failed = rc != 0;
    }
    out->users = (int64_t)nusers;
    out->per_user_fen = nusers ? out->value_fen / (int64_t)nusers : 0;
    /* the same basis: operator/product pairs with accepted reports in both years */
    if (!failed && npairs)
        qsort(pairs, npairs, sizeof *pairs, cmp_pair);
    for (size_t i = 0; !failed && i < npairs;) {
        size_t j = i;
        int64_t now = 0, prev = 0;
        int has_now = 0, has_prev = 0;
        for (; j < npairs && pairs[j].operator_id == pairs[i].operator_id &&
               pairs[j].product_id == pairs[i].product_id;
             j++) {
            if (pairs[j].year == year) {
                now += pairs[j].value;
                has_now = 1;
            } else {
                prev += pairs[j].value;
                has_prev = 1;
            }
        }
        if (has_now && has_prev) {
            out->same_pairs++;
            out->same_value_fen += now;
            out->same_prev_fen += prev;
        }
        i = j;
    }
    if (out->same_prev_fen > 0) {
        out->has_yoy = 1;
        /* sums of at most 1e14 a report: a long double keeps the ratio exact to the basis point */
        long double change = (long double)(out->same_value_fen - out->same_prev_fen) * 10000.0L /
                             (long double)out->same_prev_fen;
        out->yoy_bp = (int64_t)(change < 0 ? change - 0.5L : change + 0.5L);
    }
    free(users);
    free(pairs);
    free(seen);
    free(slots);
    free(order);
    if (failed) {
        gi_output_free(out);
        return gi_fail(err, GI_ENOMEM, "out of memory");
    }
    if (out->nrows)
        qsort(out->rows, out->nrows, sizeof *out->rows, cmp_value);
    return GI_OK;
}

typedef struct {
    db_usage_report_t *r;
    size_t n, cap;
    int failed;
} collect_t;

static int collect(const db_usage_report_t *r, void *arg)
{
    collect_t *c = arg;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        db_usage_report_t *p = realloc(c->r, cap * sizeof *p);
        if (!p) {
            c->failed = 1;
            return 1;
        }
        c->r = p;
        c->cap = cap;
    }
    c->r[c->n++] = *r;
    return 0;
}

/* Expected reports of a year: operator/product/period slots with an
 * authorisation active during the period; received_due counts those with an
 * accepted report. */
typedef struct {
    int year, per_year;
    int64_t last_operator, last_product;
    int due[4]; /* of the current pair, per period */
    int64_t expected;
    const db_usage_report_t *r;
    size_t n;
    int64_t received_due;
} expect_t;

static void close_pair(expect_t *e)
{
    for (int i = 0; i < e->per_year; i++) {
        if (!e->due[i])
            continue;
        e->expected++;
        gi_period_t p;
        gi_usage_period_make(e->year, e->per_year, i + 1, &p);
        for (size_t k = 0; k < e->n; k++)
            if (e->r[k].operator_id == e->last_operator && e->r[k].product_id == e->last_product &&
                strcmp(e->r[k].period, p.name) == 0 && strcmp(e->r[k].status, "accepted") == 0) {
                e->received_due++;
                break;
            }
        e->due[i] = 0;
    }
}

static int note_expected(const db_usage_obligation_t *o, void *arg)
{
    expect_t *e = arg;
    if (o->operator_id != e->last_operator || o->product_id != e->last_product) {
        close_pair(e);
        e->last_operator = o->operator_id;
        e->last_product = o->product_id;
    }
    for (int i = 0; i < e->per_year; i++) {
        gi_period_t p;
        gi_usage_period_make(e->year, e->per_year, i + 1, &p);
        if (gi_usage_auth_active(o, &p))
            e->due[i] = 1;
    }
    return 0;
}

static gi_err_t expected_of(const gi_ctx_t *ctx, const char *region, int year, int per_year,
                            const db_usage_report_t *r, size_t n, int64_t *expected,
                            int64_t *received_due, gi_error_t *err)
{
    expect_t e = {.year = year, .per_year = per_year, .r = r, .n = n};
    db_err_t drc = db_usage_obligations(ctx->db, region, 0, 0, note_expected, &e);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    close_pair(&e);
    *expected = e.expected;
    if (received_due)
        *received_due = e.received_due;
    return GI_OK;
}

gi_err_t gi_usage_output(const gi_ctx_t *ctx, const char *region, int year, int per_year,
                         gi_output_by_t by, gi_output_t *out, gi_error_t *err)
{
    if (year < 2001 || year > 2999)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_YEAR_INVALID, "year must be 2001 to 2999");
    char from[GI_DATE_LEN + 1], through[GI_DATE_LEN + 1];
    snprintf(from, sizeof from, "%04d-01-01", year - 1);
    snprintf(through, sizeof through, "%04d-12-31", year);
    db_usage_filter_t f = {.region = region, .starts_from = from, .ends_through = through};
    collect_t c = {0};
    db_err_t drc = db_usage_list(ctx->db, &f, (db_page_t){0, INT64_MAX / 4}, collect, &c);
    gi_err_t rc = GI_OK;
    if (c.failed)
        rc = gi_fail(err, GI_ENOMEM, "out of memory");
    else if (drc != DB_OK)
        rc = gi_db_fail(ctx->db, drc, err);
    if (rc == GI_OK)
        rc = gi_output_fold(c.r, c.n, year, by, out, err);
    out->per_year = per_year;
    if (rc == GI_OK) {
        /* the accepted versions only, for the received-of-expected count */
        size_t k = 0;
        for (size_t i = 0; i < c.n; i++)
            if (strcmp(c.r[i].status, "accepted") == 0)
                c.r[k++] = c.r[i];
        rc = expected_of(ctx, region, year, per_year, c.r, k, &out->expected, &out->received_due,
                         err);
        if (rc == GI_OK)
            rc = expected_of(ctx, region, year - 1, per_year, c.r, k, &out->prev_expected, NULL,
                             err);
        if (rc != GI_OK)
            gi_output_free(out);
    }
    free(c.r);
    return rc;
}

/* --- JSON -------------------------------------------------------------------------------- */

static void set_int(json_t *o, const char *k, int64_t v)
{
    json_object_set_new(o, k, json_integer((json_int_t)v));
}

static void set_yuan(json_t *o, const char *k, int64_t fen)
{
    char y[32];
    gi_usage_format_yuan(fen, y);
    json_object_set_new(o, k, json_string(y));
}

json_t *gi_usage_json(const db_usage_report_t *r, const gi_usage_check_t *check)
{
    char filed[24], decided[24];
    gi_json_time(r->filed_at, filed);
    json_t *j =
        json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:I, s:b, s:s, s:s, s:s, s:s}",
                  "id", (json_int_t)r->id, "operator_id", (json_int_t)r->operator_id,
                  "operator_uscc", r->operator_uscc, "operator_name", r->operator_name,
                  "product_id", (json_int_t)r->product_id, "product_name", r->product_name,
                  "period", r->period, "period_start", r->period_start, "period_end", r->period_end,
                  "version", (json_int_t)r->version, "latest", r->latest, "status", r->status,
                  "volume_unit", r->volume_unit, "application", r->application, "filed_at", filed);
    if (!j)
        return NULL;
    set_int(j, "volume_produced", r->volume_produced);
    set_int(j, "volume_sold", r->volume_sold);
    set_int(j, "sales_value_fen", r->sales_value_fen);
    set_yuan(j, "sales_value_yuan", r->sales_value_fen);
    set_int(j, "labels_received", r->labels_received);
    set_int(j, "labels_used", r->labels_used);
    set_int(j, "labels_voided", r->labels_voided);
    json_object_set_new(j, "filed_by", json_string(r->filed_by));
    if (r->decided_at) {
        gi_json_time(r->decided_at, decided);
        json_object_set_new(j, "decided_at", json_string(decided));
        json_object_set_new(j, "decided_by", json_string(r->decided_by));
        json_object_set_new(j, "decision_reason", json_string(r->decision_reason));
    }
    if (check) {
        json_t *k = json_object();
        set_int(k, "labels_issued_in_period", check->known.issued);
        set_int(k, "labels_issued_by_period_end", check->known.issued_through);
        set_int(k, "labels_activated_in_period", check->known.activated);
        set_int(k, "scans_in_period", check->known.scanned);
        json_object_set_new(k, "basis", json_string(GI_KNOWN_BASIS));
        json_object_set_new(j, "register", k);
        json_t *flags = json_array();
        if (check->used_over_issued)
            json_array_append_new(flags, json_string("labels_used_over_issued"));
        json_object_set_new(j, "flags", flags);
    }
    return j;
}

json_t *gi_usage_gap_json(const gi_usage_gap_t *g)
{
    json_t *j =
        json_pack("{s:I, s:s, s:s, s:s, s:I, s:s}", "operator_id", (json_int_t)g->operator_id,
                  "uscc", g->uscc, "operator_name", g->operator_name, "region_code", g->region,
                  "product_id", (json_int_t)g->product_id, "product_name", g->product_name);
    if (j && g->last_issue_at > 0) {
        char t[24];
        gi_json_time(g->last_issue_at, t);
        json_object_set_new(j, "last_labels_issued_at", json_string(t));
    }
    return j;
}

json_t *gi_output_json(const gi_output_t *o, gi_output_by_t by)
{
    static const char *const bys[] = {"product", "region", "operator"};
    json_t *j =
        json_pack("{s:i, s:s, s:s, s:s}", "year", o->year, "by", bys[by], "basis", GI_OUTPUT_BASIS,
                  "report_period", gi_usage_period_setting_name(o->per_year));
    if (!j)
        return NULL;
    set_int(j, "value_fen", o->value_fen);
    set_yuan(j, "value_yuan", o->value_fen);
    set_int(j, "reports_received", o->received);
    set_int(j, "reports_expected", o->expected);
    set_int(j, "reports_filed", o->filed);
    json_object_set_new(j, "coverage",
                        json_pack("{s:I, s:I, s:s, s:s}", "numerator", (json_int_t)o->received_due,
                                  "denominator", (json_int_t)o->expected, "numerator_source",
                                  "expected reports with an accepted version", "denominator_source",
                                  GI_EXPECTED_SOURCE));
    set_int(j, "users", o->users);
    set_int(j, "value_per_user_fen", o->per_user_fen);
    set_yuan(j, "value_per_user_yuan", o->per_user_fen);
    json_t *prev = json_object();
    set_int(prev, "year", o->year - 1);
    set_int(prev, "value_fen", o->prev_value_fen);
    set_int(prev, "reports_received", o->prev_received);
    set_int(prev, "reports_expected", o->prev_expected);
    json_object_set_new(j, "previous_year", prev);
    json_t *yoy = json_object();
    json_object_set_new(yoy, "basis", json_string(GI_YOY_BASIS));
    set_int(yoy, "pairs", o->same_pairs);
    set_int(yoy, "value_fen", o->same_value_fen);
    set_int(yoy, "previous_value_fen", o->same_prev_fen);
    if (o->has_yoy) {
        char pct[24];
        gi_output_format_bp(o->yoy_bp, pct);
        set_int(yoy, "change_bp", o->yoy_bp);
        json_object_set_new(yoy, "change", json_string(pct));
    } else {
        json_object_set_new(yoy, "change", json_null());
    }
    json_object_set_new(j, "year_on_year", yoy);
    json_t *rows = json_array();
    for (size_t i = 0; i < o->nrows; i++) {
        const gi_output_row_t *r = &o->rows[i];
        json_t *row = json_pack("{s:s, s:s}", "key", r->key, "label", r->label);
        if (r->level[0]) {
            char name[DB_TEXT];
            gi_region_name(r->key, 0, name, sizeof name);
            json_object_set_new(row, "level", json_string(r->level));
            json_object_set_new(row, "name", json_string(name));
        }
        if (r->uscc[0])
            json_object_set_new(row, "uscc", json_string(r->uscc));
        set_int(row, "value_fen", r->value_fen);
        set_yuan(row, "value_yuan", r->value_fen);
        set_int(row, "reports", r->reports);
        set_int(row, "operators", r->operators);
        json_array_append_new(rows, row);
    }
    json_object_set_new(j, "rows", rows);
    return j;
}

/* --- as an account may ----------------------------------------------------------------------- */

static int is_operator(const db_account_t *a)
{
    return strcmp(a->role, "operator") == 0;
}

gi_err_t gi_usage_view_list(const gi_ctx_t *ctx, const db_account_t *a, const db_usage_filter_t *f,
                            db_page_t page, db_usage_fn fn, void *arg, gi_error_t *err)
{
    gi_subject_t own = {"", a->operator_id};
    gi_err_t rc = gi_access(a, GI_ACT_READ, &own, err);
    if (rc != GI_OK && rc != GI_ENOTFOUND)
        return rc;
    db_usage_filter_t v = f ? *f : (db_usage_filter_t){0};
    if (is_operator(a)) {
        int64_t mine = a->operator_id > 0 ? a->operator_id : -1;
        v.operator_id = v.operator_id == 0 || v.operator_id == mine ? mine : -1;
        v.region = "";
    } else {
        v.region = a->region_scope;
    }
    return gi_db_fail(ctx->db, db_usage_list(ctx->db, &v, page, fn, arg), err);
}

gi_err_t gi_usage_view(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                       db_usage_report_t *out, gi_error_t *err)
{
    db_err_t drc = db_usage_get(ctx->db, id, out);
    if (drc == DB_ENOTFOUND)
        return gi_fail(err, GI_ENOTFOUND, "no use report %lld", (long long)id);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    gi_subject_t s = {out->operator_region, out->operator_id};
    gi_err_t rc = gi_access(a, GI_ACT_READ, &s, err);
    return rc == GI_ENOTFOUND ? gi_fail(err, GI_ENOTFOUND, "no use report %lld", (long long)id)
                              : rc;
}

gi_err_t gi_usage_act_file(const gi_ctx_t *ctx, const db_account_t *a, int per_year,
                           const gi_usage_input_t *in, db_usage_report_t *out, gi_error_t *err)
{
    gi_usage_input_t mine = *in;
    if (is_operator(a) && mine.operator_id == 0)
        mine.operator_id = a->operator_id;
    db_operator_t o;
    gi_err_t rc = gi_view_operator(ctx, a, mine.operator_id, &o, err);
    if (rc == GI_OK) {
        gi_subject_t s = {o.region_code, o.id};
        rc = gi_access(a, GI_ACT_USAGE_FILE, &s, err);
    }
    return rc == GI_OK ? gi_usage_file(ctx, per_year, &mine, out, err) : rc;
}

gi_err_t gi_usage_act_decide(const gi_ctx_t *ctx, const db_account_t *a, int64_t id, int accept,
                             const char *reason, db_usage_report_t *out, gi_error_t *err)
{
    gi_err_t rc = gi_usage_view(ctx, a, id, out, err);
    if (rc == GI_OK) {
        gi_subject_t s = {out->operator_region, out->operator_id};
        rc = gi_access(a, GI_ACT_USAGE_DECIDE, &s, err);
    }
    return rc == GI_OK ? gi_usage_decide(ctx, id, accept, reason, out, err) : rc;
}

/* Regulators and auditors (GI_ACT_OVERSEE) inside their scope. */
static gi_err_t may_oversee(const db_account_t *a, gi_error_t *err)
{
    gi_subject_t s = {a->region_scope, 0};
    return gi_access(a, GI_ACT_OVERSEE, &s, err);
}

gi_err_t gi_usage_view_missing(const gi_ctx_t *ctx, const db_account_t *a, const char *period,
                               gi_usage_gap_fn fn, void *arg, gi_error_t *err)
{
    gi_err_t rc = may_oversee(a, err);
    return rc == GI_OK ? gi_usage_missing(ctx, a->region_scope, period, fn, arg, err) : rc;
}

gi_err_t gi_usage_view_idle(const gi_ctx_t *ctx, const db_account_t *a, const char *asof,
                            gi_usage_gap_fn fn, void *arg, gi_error_t *err)
{
    gi_err_t rc = may_oversee(a, err);
    return rc == GI_OK ? gi_usage_idle(ctx, a->region_scope, asof, fn, arg, err) : rc;
}

gi_err_t gi_usage_view_output(const gi_ctx_t *ctx, const db_account_t *a, int year, int per_year,
                              gi_output_by_t by, gi_output_t *out, gi_error_t *err)
{
    gi_err_t rc = may_oversee(a, err);
    return rc == GI_OK ? gi_usage_output(ctx, a->region_scope, year, per_year, by, out, err) : rc;
}
