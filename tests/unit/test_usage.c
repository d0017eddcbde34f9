/*
 * test_usage.c - use reports: periods, money in fen, versions that are never
 * changed, decisions on the newest version only, the register's figures and
 * the flag beside a report, who did not report or use, and the output value
 * derived from accepted reports with its year on year on the same basis.
 */
#include "gi/batch.h"
#include "gi/registry.h"
#include "gi/usage.h"
#include "test.h"
#include "testdb.h"

#include <stdlib.h>

/* 2026-06-01 (TESTDB_NOW): 2024 and 2025 are closed, 2026 is not. */
#define DAY 86400LL
/* 2024-01-05T00:00:00Z */
#define JAN_2024 1704412800LL
/* 2025-03-10T00:00:00Z */
#define MAR_2025 1741564800LL

typedef struct {
    int64_t op_a, op_b, op_c, prod, prod2, auth_a, auth_b, auth_c;
} world_t;

static int64_t add_operator(testdb_t *t, const char *uscc, const char *region)
{
    db_operator_t o;
    gi_operator_input_t in = {uscc, "合作社", "cooperative", region, "", ""};
    CHECK(gi_operator_add(&t->ctx, &in, &o, NULL) == GI_OK);
    return o.id;
}

/* Operators A (Tianyang 451003) and B (Tianyang too) hold approved
 * authorisations for the mango since January 2024; C (Baise 451002) one for
 * the mango too, revoked in 2024. */
static void setup(testdb_t *t, world_t *w)
{
    db_product_t p;
    db_auth_t a;
    testdb_open(t);
    gi_ctx_t then = t->ctx;
    then.now = JAN_2024;
    gi_product_input_t prod = {"百色芒果", "", "", "", "451000", "", "", ""};
    CHECK(gi_product_add(&then, &prod, &p, NULL) == GI_OK);
    w->prod = p.id;
    gi_product_input_t prod2 = {"田阳香芒", "", "", "", "451003", "", "", ""};
    CHECK(gi_product_add(&then, &prod2, &p, NULL) == GI_OK);
    w->prod2 = p.id;
    w->op_a = add_operator(t, "93451003MA815908XM", "451003");
    w->op_b = add_operator(t, "91450100MA8609132C", "451003");
    w->op_c = add_operator(t, "93451123MA0308247J", "451002");
    int64_t ops[] = {w->op_a, w->op_b, w->op_c};
    int64_t *auths[] = {&w->auth_a, &w->auth_b, &w->auth_c};
    for (int i = 0; i < 3; i++) {
        gi_auth_input_t in = {ops[i], w->prod, "2024-01-01", "2028-12-31", 100000, "", ""};
        CHECK(gi_auth_grant(&then, &in, &a, NULL) == GI_OK);
        CHECK(gi_auth_transition(&then, a.id, GI_AUTH_APPROVE, "", "No. 475", NULL, NULL) == GI_OK);
        *auths[i] = a.id;
    }
    gi_ctx_t revoke = then;
    revoke.now = JAN_2024 + 30 * DAY;
    CHECK(gi_auth_transition(&revoke, w->auth_c, GI_AUTH_REVOKE, "left the region", "", NULL,
                             NULL) == GI_OK);
}

static gi_usage_input_t input(int64_t op, int64_t prod, const char *period, int64_t fen,
                              int64_t used)
{
    gi_usage_input_t in = {op, prod, period, 1000, 800, "kg", fen, used, used, 0, "每箱粘贴一枚"};
    return in;
}

static int64_t file(testdb_t *t, const gi_usage_input_t *in, gi_error_t *e)
{
    db_usage_report_t r;
    gi_err_t rc = gi_usage_file(&t->ctx, GI_USAGE_YEARLY, in, &r, e);
    return rc == GI_OK ? r.id : -(int64_t)rc;
}

static gi_err_t decide(testdb_t *t, int64_t id, int accept, const char *reason)
{
    gi_ctx_t reg = t->ctx;
    reg.actor = "user:reg";
    db_usage_report_t r;
    return gi_usage_decide(&reg, id, accept, reason, &r, NULL);
}

static void test_periods(void)
{
    gi_period_t p;
    CHECK(gi_usage_period_parse("2025", &p, NULL) == GI_OK);
    CHECK_STR(p.start, "2025-01-01");
    CHECK_STR(p.end, "2025-12-31");
    CHECK(gi_usage_period_parse("2024-H1", &p, NULL) == GI_OK);
    CHECK_STR(p.end, "2024-06-30");
    CHECK(p.per_year == 2 && p.index == 1);
    CHECK(gi_usage_period_parse("2024-Q1", &p, NULL) == GI_OK);
    CHECK_STR(p.end, "2024-03-31");
    CHECK(gi_usage_period_parse("2023-Q1", &p, NULL) == GI_OK);
    CHECK_STR(p.end, "2023-03-31");
    CHECK(gi_usage_period_parse("2025-Q3", &p, NULL) == GI_OK);
    CHECK_STR(p.start, "2025-07-01");
    CHECK_STR(p.end, "2025-09-30");
    CHECK_STR(p.name, "2025-Q3");
    const char *bad[] = {"",         "25",   "2025-H3", "2025-Q0", "2025-Q5", "2025-q1",
                         "2025-H1x", "1999", "2025 ",   "-2025",   "2025-X1", "２０２５"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(gi_usage_period_parse(bad[i], &p, NULL) == GI_EINVAL);
    CHECK(gi_usage_period_parse(NULL, &p, NULL) == GI_EINVAL);
    CHECK(gi_usage_period_setting("yearly") == 1);
    CHECK(gi_usage_period_setting("half-year") == 2);
    CHECK(gi_usage_period_setting("quarter") == 4);
    CHECK(gi_usage_period_setting("monthly") == -1);
    CHECK(gi_day_start("1970-01-01") == -8 * 3600);
    CHECK(gi_day_start("2026-06-01") == TESTDB_NOW - 8 * 3600);
    CHECK(gi_date_end("2026-06-01") == TESTDB_NOW + 16 * 3600 - 1);
    CHECK(gi_day_start("2026-02-30") == -1);
}

static void test_money(void)
{
    int64_t fen = -1;
    char out[32];
    CHECK(gi_usage_parse_yuan("12345.67", &fen) == 0 && fen == 1234567);
    CHECK(gi_usage_parse_yuan("0.5", &fen) == 0 && fen == 50);
    CHECK(gi_usage_parse_yuan("7", &fen) == 0 && fen == 700);
    CHECK(gi_usage_parse_yuan("1000000000000", &fen) == 0 && fen == GI_USAGE_FEN_MAX);
    const char *bad[] = {"",     "1.", ".5", "-1", "1e3",   "1,000",          "1.234",
                         "0x10", " 1", "1 ", "+1", "1.2.3", "10000000000000", "1000000000000.01",
                         "NaN"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(gi_usage_parse_yuan(bad[i], &fen) == -1);
    gi_usage_format_yuan(1234567, out);
    CHECK_STR(out, "12345.67");
    gi_usage_format_yuan(5, out);
    CHECK_STR(out, "0.05");
}

static int note_id(const db_usage_report_t *r, void *arg)
{
    int64_t *ids = arg;
    for (int i = 0; i < 7; i++)
        if (!ids[i]) {
            ids[i] = r->id;
            break;
        }
    return 0;
}

/* Filing again makes a new version; the old one stays as filed; only the
 * newest undecided version is decided; a returned report is filed again. */
static void test_versions(void)
{
    testdb_t t;
    world_t w;
    gi_error_t e;
    setup(&t, &w);
    gi_usage_input_t in = input(w.op_a, w.prod, "2025", 5000000, 100);
    int64_t v1 = file(&t, &in, &e);
    CHECK(v1 > 0);
    in.sales_value_fen = 6000000;
    int64_t v2 = file(&t, &in, &e);
    CHECK(v2 > v1);
    db_usage_report_t r1, r2;
    CHECK(db_usage_get(t.db, v1, &r1) == DB_OK && db_usage_get(t.db, v2, &r2) == DB_OK);
    CHECK(r1.version == 1 && r2.version == 2);
    CHECK(r1.sales_value_fen == 5000000 && r2.sales_value_fen == 6000000);
    CHECK(!r1.latest && r2.latest);
    CHECK_STR(r2.status, "filed");
    /* a filed version is never changed, not even behind gimark's back */
    CHECK(testdb_refused(&t, "UPDATE usage_report SET sales_value_fen = 1"));
    CHECK(testdb_refused(&t, "DELETE FROM usage_report"));
    CHECK(testdb_int(&t, "SELECT sales_value_fen FROM usage_report WHERE version = 1") == 5000000);
    /* the older version is not decided on; a return needs its reason */
    CHECK(decide(&t, v1, 1, "") == GI_EREFUSED);
    CHECK(decide(&t, v2, 0, "") == GI_EINVAL);
    CHECK(decide(&t, v2, 0, "发票不符") == GI_OK);
    CHECK(decide(&t, v2, 1, "") == GI_EREFUSED); /* decided already */
    CHECK(db_usage_get(t.db, v2, &r2) == DB_OK);
    CHECK_STR(r2.status, "returned");
    CHECK_STR(r2.decision_reason, "发票不符");
    int64_t v3 = file(&t, &in, &e);
    CHECK(v3 > v2);
    CHECK(decide(&t, v3, 1, "") == GI_OK);
    CHECK(testdb_int(&t, "SELECT count(*) FROM usage_report") == 3);
    CHECK(testdb_int(&t, "SELECT count(*) FROM audit_log WHERE entity = 'usage_report'") == 5);
    CHECK(testdb_int(&t, "SELECT count(*) FROM usage_decision") == 2);
    /* the latest-only list holds v3 alone, the full list every version */
    db_usage_filter_t f = {.latest_only = 1};
    int64_t ids[8] = {0};
    CHECK(db_usage_list(t.db, &f, (db_page_t){0, 10}, note_id, ids) == DB_OK);
    CHECK(ids[0] == v3 && ids[1] == 0);
    memset(ids, 0, sizeof ids);
    CHECK(db_usage_list(t.db, NULL, (db_page_t){0, 10}, note_id, ids) == DB_OK);
    CHECK(ids[0] == v3 && ids[1] == v2 && ids[2] == v1 && ids[3] == 0);
    testdb_close(&t);
}

static void test_filing_refused(void)
{
    testdb_t t;
    world_t w;
    gi_error_t e;
    setup(&t, &w);
    gi_usage_input_t in = input(w.op_a, w.prod, "2026", 1, 1);
    CHECK(file(&t, &in, &e) == -GI_EREFUSED); /* not closed */
    in.period = "2025-H1";
    CHECK(file(&t, &in, &e) == -GI_EINVAL); /* the office takes yearly reports */
    in.period = "2023";
    CHECK(file(&t, &in, &e) == -GI_EREFUSED); /* no authorisation in force then */
    in.period = "2025";
    in.product_id = w.prod2;
    CHECK(file(&t, &in, &e) == -GI_EREFUSED); /* none for that product */
    in = input(w.op_c, w.prod, "2025", 1, 1);
    CHECK(file(&t, &in, &e) == -GI_EREFUSED); /* revoked in 2024 */
    in.period = "2024";
    CHECK(file(&t, &in, &e) > 0); /* but in force during part of 2024 */
    in = input(w.op_a, w.prod, "2025", -1, 1);
    CHECK(file(&t, &in, &e) == -GI_EINVAL);
    in.sales_value_fen = GI_USAGE_FEN_MAX + 1;
    CHECK(file(&t, &in, &e) == -GI_EINVAL);
    in = input(w.op_a, w.prod, "2025", 1, GI_USAGE_LABELS_MAX + 1);
    CHECK(file(&t, &in, &e) == -GI_EINVAL);
    in = input(w.op_a, w.prod, "2025", 1, 1);
    in.volume_unit = "斤";
    CHECK(file(&t, &in, &e) == -GI_EINVAL);
    in.volume_unit = "kg";
    in.application = "";
    CHECK(file(&t, &in, &e) == -GI_EINVAL);
    in.application = "bad \xff byte";
    CHECK(file(&t, &in, &e) == -GI_EINVAL);
    in.application = "a\x1b[31m";
    CHECK(file(&t, &in, &e) == -GI_EINVAL);
    in.operator_id = 9999;
    in.application = "x";
    CHECK(file(&t, &in, &e) == -GI_ENOTFOUND);
    /* nothing refused left a trace */
    CHECK(testdb_int(&t, "SELECT count(*) FROM usage_report") == 1);
    testdb_close(&t);
}

/* The register's own figures beside a report, and the flag. */
static void test_reconciliation(void)
{
    testdb_t t;
    world_t w;
    gi_error_t e;
    setup(&t, &w);
    gi_ctx_t mar = t.ctx;
    mar.now = MAR_2025;
    gi_batch_request_t req = {w.auth_a, 100, "LOT", "", "", ""};
    db_batch_t b;
    CHECK(gi_batch_request(&mar, &req, &b, NULL) == GI_OK);
    gi_ctx_t reviewer = mar;
    reviewer.actor = "user:reviewer";
    CHECK(gi_batch_decide(&reviewer, b.id, 1, "", NULL, NULL) == GI_OK);
    CHECK(gi_batch_issue(&reviewer, b.id, NULL, NULL, NULL) == GI_OK);
    CHECK(gi_batch_activate(&mar, b.id, NULL, NULL) == GI_OK);
    gi_usage_input_t in = input(w.op_a, w.prod, "2025", 1, 100);
    int64_t ok = file(&t, &in, &e);
    in.labels_used = 101;
    int64_t over = file(&t, &in, &e);
    in.period = "2024";
    in.labels_used = 0;
    int64_t before = file(&t, &in, &e);
    CHECK(ok > 0 && over > 0 && before > 0);
    db_usage_report_t r;
    gi_usage_check_t k;
    CHECK(db_usage_get(t.db, ok, &r) == DB_OK);
    CHECK(gi_usage_reconcile(&t.ctx, &r, &k, NULL) == GI_OK);
    CHECK(k.known.issued == 100 && k.known.issued_through == 100 && k.known.activated == 100);
    CHECK(!k.used_over_issued);
    CHECK(db_usage_get(t.db, over, &r) == DB_OK);
    CHECK(gi_usage_reconcile(&t.ctx, &r, &k, NULL) == GI_OK);
    CHECK(k.used_over_issued);
    CHECK(db_usage_get(t.db, before, &r) == DB_OK);
    CHECK(gi_usage_reconcile(&t.ctx, &r, &k, NULL) == GI_OK);
    CHECK(k.known.issued == 0 && k.known.issued_through == 0 && !k.used_over_issued);
    /* another operator's labels never count for this one */
    in = input(w.op_b, w.prod, "2025", 1, 1);
    int64_t other = file(&t, &in, &e);
    CHECK(db_usage_get(t.db, other, &r) == DB_OK);
    CHECK(gi_usage_reconcile(&t.ctx, &r, &k, NULL) == GI_OK);
    CHECK(k.known.issued_through == 0 && k.used_over_issued);
    testdb_close(&t);
}

static int gather(const gi_usage_gap_t *g, void *arg)
{
    int64_t *ids = arg;
    for (int i = 0; i < 8; i++)
        if (!ids[i]) {
            ids[i] = g->operator_id;
            break;
        }
    return 0;
}

static void test_missing_and_idle(void)
{
    testdb_t t;
    world_t w;
    gi_error_t e;
    setup(&t, &w);
    int64_t got[8] = {0};
    CHECK(gi_usage_missing(&t.ctx, "", "2026", gather, got, &e) == GI_EREFUSED);
    CHECK(gi_usage_missing(&t.ctx, "", "2025", gather, got, &e) == GI_OK);
    /* A and B must report 2025; C was revoked in 2024 */
    CHECK(got[0] == w.op_a && got[1] == w.op_b && got[2] == 0);
    gi_usage_input_t in = input(w.op_a, w.prod, "2025", 1, 0);
    CHECK(file(&t, &in, &e) > 0);
    memset(got, 0, sizeof got);
    CHECK(gi_usage_missing(&t.ctx, "", "2025", gather, got, &e) == GI_OK);
    CHECK(got[0] == w.op_b && got[1] == 0);
    /* for 2024 C had an authorisation in force for a month */
    memset(got, 0, sizeof got);
    CHECK(gi_usage_missing(&t.ctx, "", "2024", gather, got, &e) == GI_OK);
    CHECK(got[0] == w.op_a && got[1] == w.op_b && got[2] == w.op_c && got[3] == 0);
    /* a region scope narrows it: C is seated in 451002 */
    memset(got, 0, sizeof got);
    CHECK(gi_usage_missing(&t.ctx, "451002", "2024", gather, got, &e) == GI_OK);
    CHECK(got[0] == w.op_c && got[1] == 0);
    /* idle: approved in January 2024; on 2026-06-01 the two years have passed */
    memset(got, 0, sizeof got);
    CHECK(gi_usage_idle(&t.ctx, "", "2025-12-31", gather, got, &e) == GI_OK);
    CHECK(got[0] == 0); /* approved less than two years before */
    CHECK(gi_usage_idle(&t.ctx, "", "2026-06-01", gather, got, &e) == GI_OK);
    CHECK(got[0] == w.op_a && got[1] == w.op_b && got[2] == 0);
    /* a batch issued inside the two years takes A off the list */
    gi_ctx_t mar = t.ctx;
    mar.now = MAR_2025;
    gi_batch_request_t req = {w.auth_a, 10, "LOT", "", "", ""};
    db_batch_t b;
    CHECK(gi_batch_request(&mar, &req, &b, NULL) == GI_OK);
    mar.actor = "user:reviewer";
    CHECK(gi_batch_decide(&mar, b.id, 1, "", NULL, NULL) == GI_OK);
    CHECK(gi_batch_issue(&mar, b.id, NULL, NULL, NULL) == GI_OK);
    memset(got, 0, sizeof got);
    CHECK(gi_usage_idle(&t.ctx, "", "2026-06-01", gather, got, &e) == GI_OK);
    CHECK(got[0] == w.op_b && got[1] == 0);
    CHECK(gi_usage_idle(&t.ctx, "", "2026-13-01", gather, got, &e) == GI_EINVAL);
    testdb_close(&t);
}

static db_usage_report_t rec(int64_t op, int64_t prod, const char *region, const char *period,
                             int64_t version, const char *status, int64_t fen)
{
    db_usage_report_t r;
    memset(&r, 0, sizeof r);
    r.operator_id = op;
    r.product_id = prod;
    snprintf(r.operator_region, sizeof r.operator_region, "%s", region);
    snprintf(r.period, sizeof r.period, "%s", period);
    snprintf(r.product_name, sizeof r.product_name, "product %lld", (long long)prod);
    r.version = version;
    snprintf(r.status, sizeof r.status, "%s", status);
    r.sales_value_fen = fen;
    return r;
}

/* The derived value: the newest accepted version counts, returned and
 * awaiting ones do not; year on year compares the same pairs only. */
static void test_output_fold(void)
{
    db_usage_report_t r[] = {
        rec(1, 10, "451003", "2025", 1, "returned", 999),
        rec(1, 10, "451003", "2025", 2, "accepted", 1000),
        rec(1, 10, "451003", "2025", 3, "filed", 5000), /* newer, not yet accepted */
        rec(2, 10, "451002", "2025", 1, "accepted", 3000),
        rec(3, 20, "450127", "2025", 1, "filed", 7000), /* awaiting: not counted */
        rec(1, 10, "451003", "2024", 1, "accepted", 800),
        rec(4, 20, "450127", "2024", 1, "accepted", 9000),  /* no 2025 report: not same basis */
        rec(2, 20, "451002", "2025", 1, "accepted", 500),   /* second product of operator 2 */
        rec(5, 10, "451003", "2023", 1, "accepted", 12345), /* outside both years */
    };
    gi_output_t o;
    CHECK(gi_output_fold(r, sizeof r / sizeof r[0], 2025, GI_OUTPUT_BY_PRODUCT, &o, NULL) == GI_OK);
    CHECK(o.value_fen == 1000 + 3000 + 500);
    CHECK(o.received == 3);
    CHECK(o.filed == 4); /* four slots of 2025 have a version */
    CHECK(o.users == 2);
    CHECK(o.per_user_fen == 2250);
    CHECK(o.prev_value_fen == 800 + 9000 && o.prev_received == 2);
    CHECK(o.same_pairs == 1 && o.same_value_fen == 1000 && o.same_prev_fen == 800);
    CHECK(o.has_yoy && o.yoy_bp == 2500);
    char pct[24];
    gi_output_format_bp(o.yoy_bp, pct);
    CHECK_STR(pct, "+25.00%");
    CHECK(o.nrows == 2);
    CHECK_STR(o.rows[0].key, "10"); /* largest first */
    CHECK(o.rows[0].value_fen == 4000 && o.rows[0].reports == 2 && o.rows[0].operators == 2);
    CHECK(o.rows[1].value_fen == 500 && o.rows[1].operators == 1);
    gi_output_free(&o);
    CHECK(gi_output_fold(r, sizeof r / sizeof r[0], 2025, GI_OUTPUT_BY_REGION, &o, NULL) == GI_OK);
    /* city 451000 (both counties) and counties 451003, 451002 */
    CHECK(o.nrows == 3);
    CHECK_STR(o.rows[0].key, "451000");
    CHECK_STR(o.rows[0].level, "city");
    CHECK(o.rows[0].value_fen == 4500 && o.rows[0].operators == 2);
    CHECK_STR(o.rows[1].key, "451002");
    CHECK(o.rows[1].value_fen == 3500 && o.rows[1].reports == 2 && o.rows[1].operators == 1);
    gi_output_free(&o);
    CHECK(gi_output_fold(r, sizeof r / sizeof r[0], 2025, GI_OUTPUT_BY_OPERATOR, &o, NULL) ==
          GI_OK);
    CHECK(o.nrows == 2 && o.rows[0].value_fen == 3500);
    gi_output_free(&o);
    /* a fall, and no basis at all */
    db_usage_report_t fall[] = {rec(1, 10, "451003", "2025", 1, "accepted", 750),
                                rec(1, 10, "451003", "2024", 1, "accepted", 1000)};
    CHECK(gi_output_fold(fall, 2, 2025, GI_OUTPUT_BY_PRODUCT, &o, NULL) == GI_OK);
    CHECK(o.yoy_bp == -2500);
    gi_output_format_bp(o.yoy_bp, pct);
    CHECK_STR(pct, "-25.00%");
    gi_output_free(&o);
    CHECK(gi_output_fold(fall, 1, 2025, GI_OUTPUT_BY_PRODUCT, &o, NULL) == GI_OK);
    CHECK(!o.has_yoy && o.same_pairs == 0);
    gi_output_free(&o);
    CHECK(gi_output_fold(NULL, 0, 2025, GI_OUTPUT_BY_PRODUCT, &o, NULL) == GI_OK);
    CHECK(o.value_fen == 0 && o.users == 0 && o.per_user_fen == 0 && o.nrows == 0);
    gi_output_free(&o);
}

/* The same through the database: expected reports from the authorisations. */
static void test_output_from_reports(void)
{
    testdb_t t;
    world_t w;
    gi_error_t e;
    setup(&t, &w);
    gi_usage_input_t in = input(w.op_a, w.prod, "2025", 120000, 0);
    int64_t a25 = file(&t, &in, &e);
    in.period = "2024";
    in.sales_value_fen = 100000;
    int64_t a24 = file(&t, &in, &e);
    in = input(w.op_b, w.prod, "2025", 777777, 0);
    int64_t b25 = file(&t, &in, &e); /* never accepted */
    CHECK(a25 > 0 && a24 > 0 && b25 > 0);
    CHECK(decide(&t, a25, 1, "") == GI_OK && decide(&t, a24, 1, "") == GI_OK);
    gi_output_t o;
    CHECK(gi_usage_output(&t.ctx, "", 2025, GI_USAGE_YEARLY, GI_OUTPUT_BY_PRODUCT, &o, &e) ==
          GI_OK);
    CHECK(o.value_fen == 120000 && o.received == 1 && o.filed == 2);
    CHECK(o.expected == 2 && o.received_due == 1); /* A and B; C revoked in 2024 */
    CHECK(o.prev_expected == 3 && o.prev_received == 1);
    CHECK(o.has_yoy && o.yoy_bp == 2000);
    gi_output_free(&o);
    /* a quarterly office expects four reports a year from each */
    CHECK(gi_usage_output(&t.ctx, "", 2025, GI_USAGE_QUARTER, GI_OUTPUT_BY_PRODUCT, &o, &e) ==
          GI_OK);
    CHECK(o.expected == 8);
    gi_output_free(&o);
    /* a scope without the operators sees nothing of their value */
    CHECK(gi_usage_output(&t.ctx, "4502", 2025, GI_USAGE_YEARLY, GI_OUTPUT_BY_PRODUCT, &o, &e) ==
          GI_OK);
    CHECK(o.value_fen == 0 && o.expected == 0 && o.received == 0);
    gi_output_free(&o);
    /* accepting B's report adds exactly its value */
    CHECK(decide(&t, b25, 1, "") == GI_OK);
    CHECK(gi_usage_output(&t.ctx, "", 2025, GI_USAGE_YEARLY, GI_OUTPUT_BY_PRODUCT, &o, &e) ==
          GI_OK);
    CHECK(o.value_fen == 120000 + 777777 && o.received == 2 && o.users == 2);
    CHECK(o.same_pairs == 1); /* B had no 2024 report: not on the same basis */
    gi_output_free(&o);
    CHECK(gi_usage_output(&t.ctx, "", 1999, GI_USAGE_YEARLY, GI_OUTPUT_BY_PRODUCT, &o, &e) ==
          GI_EINVAL);
    testdb_close(&t);
}

/* Operators file their own, regulators decide inside their scope, auditors
 * read. */
static void test_access(void)
{
    testdb_t t;
    world_t w;
    gi_error_t e;
    setup(&t, &w);
    db_account_t op_a = {.username = "a", .role = "operator", .operator_id = w.op_a};
    db_account_t op_b = {.username = "b", .role = "operator", .operator_id = w.op_b};
    db_account_t aud = {.username = "aud", .role = "auditor", .region_scope = "45"};
    db_account_t city = {.username = "city", .role = "regulator", .region_scope = "4501"};
    db_account_t reg = {.username = "reg", .role = "regulator", .region_scope = "4510"};
    db_usage_report_t r;
    gi_usage_input_t in = input(0, w.prod, "2025", 1, 0);
    CHECK(gi_usage_act_file(&t.ctx, &op_a, 1, &in, &r, &e) == GI_OK);
    CHECK(r.operator_id == w.op_a);
    int64_t id = r.id;
    in.operator_id = w.op_b; /* A filing for B: B does not exist for A */
    CHECK(gi_usage_act_file(&t.ctx, &op_a, 1, &in, &r, &e) == GI_ENOTFOUND);
    CHECK(gi_usage_act_file(&t.ctx, &aud, 1, &in, &r, &e) == GI_EFORBIDDEN);
    CHECK(gi_usage_view(&t.ctx, &op_b, id, &r, &e) == GI_ENOTFOUND);
    CHECK(gi_usage_view(&t.ctx, &aud, id, &r, &e) == GI_OK);
    CHECK(gi_usage_view(&t.ctx, &city, id, &r, &e) == GI_ENOTFOUND);
    CHECK(gi_usage_act_decide(&t.ctx, &op_a, id, 1, "", &r, &e) == GI_EFORBIDDEN);
    CHECK(gi_usage_act_decide(&t.ctx, &aud, id, 1, "", &r, &e) == GI_EFORBIDDEN);
    CHECK(gi_usage_act_decide(&t.ctx, &city, id, 1, "", &r, &e) == GI_ENOTFOUND);
    CHECK(gi_usage_act_decide(&t.ctx, &reg, id, 1, "", &r, &e) == GI_OK);
    gi_output_t o;
    CHECK(gi_usage_view_output(&t.ctx, &op_a, 2025, 1, GI_OUTPUT_BY_PRODUCT, &o, &e) ==
          GI_EFORBIDDEN);
    CHECK(gi_usage_view_output(&t.ctx, &aud, 2025, 1, GI_OUTPUT_BY_PRODUCT, &o, &e) == GI_OK);
    CHECK(o.value_fen == 1);
    gi_output_free(&o);
    CHECK(gi_usage_view_output(&t.ctx, &city, 2025, 1, GI_OUTPUT_BY_PRODUCT, &o, &e) == GI_OK);
    CHECK(o.value_fen == 0);
    gi_output_free(&o);
    int64_t got[8] = {0};
    CHECK(gi_usage_view_missing(&t.ctx, &op_b, "2025", gather, got, &e) == GI_EFORBIDDEN);
    testdb_close(&t);
}

TEST_MAIN("usage", TEST(test_periods), TEST(test_money), TEST(test_versions),
          TEST(test_filing_refused), TEST(test_reconciliation), TEST(test_missing_and_idle),
          TEST(test_output_fold), TEST(test_output_from_reports), TEST(test_access))
