/*
 * test_supervision.c - credit classes (one test per rule of the table: a fact
 * changes the class, its evidence is listed, a fact after the as-of date does
 * not count), imported classes, draws (ratios, exclusions, two inspectors,
 * conflicts, the same seed the same draw, a second draw logged beside the
 * first), inspections, evidence and publication; who may see classes.
 */
#include "gi/batch.h"
#include "gi/grade.h"
#include "gi/inspect.h"
#include "gi/registry.h"
#include "gi/report.h"
#include "gi/usage.h"
#include "test.h"
#include "testdb.h"

#include <stdlib.h>

#define DAY  86400LL
#define YEAR (365 * DAY)

static const db_account_t reg = {.username = "reg", .role = "regulator", .region_scope = ""};
static const db_account_t city = {.username = "city", .role = "regulator", .region_scope = "4502"};
static const db_account_t auditor = {.username = "aud", .role = "auditor", .region_scope = "45"};
static const db_account_t op_account = {
    .username = "op", .role = "operator", .operator_id = 1, .region_scope = ""};

/* Any positive point makes B: each rule's fact changes the class on its own. */
static gi_grade_config_t sensitive(void)
{
    gi_grade_config_t cfg;
    gi_error_t e;
    CHECK(gi_grade_config_parse("A:0,B:1,C:50,D:100", 10, &cfg, &e) == GI_OK);
    return cfg;
}

typedef struct {
    testdb_t t;
    int64_t product, op, auth;
    gi_code_t codes[8];
    size_t ncodes;
    int64_t insp[3];
} world_t;

static int collect(const char *code, int64_t seq, int voided, void *arg)
{
    (void)seq;
    (void)voided;
    world_t *w = arg;
    if (w->ncodes < 8)
        snprintf(w->codes[w->ncodes++].s, sizeof w->codes[0].s, "%s", code);
    return 0;
}

/* Files operator op's use report of product for year at the context's time. */
static int64_t report_year(world_t *w, int64_t op, const char *year)
{
    gi_usage_input_t in = {op, w->product, year, 100, 90, "kg", 100000, 10, 8, 0, "粘贴"};
    db_usage_report_t r = {0};
    gi_error_t e = {0};
    CHECK(gi_usage_file(&w->t.ctx, 1, &in, &r, &e) == GI_OK);
    if (e.msg[0])
        fprintf(stderr, "  report: %s\n", e.msg);
    return r.id;
}

/* An operator seated in region granted the product and approved at the
 * context's time; with reports, it files a use report on time for each year
 * it held the mark, through 2025. */
static int64_t add_operator_reporting(world_t *w, const char *uscc, const char *region, int reports)
{
    db_operator_t o;
    db_auth_t a;
    gi_operator_input_t in = {uscc, "合作社", "cooperative", region, "", ""};
    CHECK(gi_operator_add(&w->t.ctx, &in, &o, NULL) == GI_OK);
    gi_auth_input_t ai = {o.id, w->product, "2023-01-01", "2029-12-31", 100000, "No. 475", ""};
    gi_error_t e = {0};
    CHECK(gi_auth_grant(&w->t.ctx, &ai, &a, &e) == GI_OK);
    if (e.msg[0])
        fprintf(stderr, "  grant: %s\n", e.msg);
    CHECK(gi_auth_transition(&w->t.ctx, a.id, GI_AUTH_APPROVE, "", "", NULL, NULL) == GI_OK);
    /* each year from its approval to 2025, reported on 22 January after it */
    int64_t now = w->t.ctx.now;
    for (int y = 2025; reports && y >= 2020; y--) {
        int64_t filed = TESTDB_NOW - 130 * DAY - (2025 - y) * YEAR;
        if (filed - 22 * DAY < now)
            break;
        char year[16];
        snprintf(year, sizeof year, "%d", y);
        w->t.ctx.now = filed;
        report_year(w, o.id, year);
    }
    w->t.ctx.now = now;
    return o.id;
}

static int64_t add_operator(world_t *w, const char *uscc, const char *region)
{
    return add_operator_reporting(w, uscc, region, 1);
}

/* Issues a batch of n labels under auth at the context's time; its codes go to w. */
static int64_t issue(world_t *w, int64_t auth, int64_t n)
{
    gi_batch_request_t in = {auth, n, "LOT", "2026-05-20", "基地", "JC-1"};
    db_batch_t b = {0};
    gi_ctx_t other = w->t.ctx;
    other.actor = "user:reviewer";
    CHECK(gi_batch_request(&w->t.ctx, &in, &b, NULL) == GI_OK);
    CHECK(gi_batch_decide(&other, b.id, 1, "", NULL, NULL) == GI_OK);
    CHECK(gi_batch_issue(&w->t.ctx, b.id, NULL, NULL, NULL) == GI_OK);
    w->ncodes = 0;
    CHECK(db_label_each(w->t.db, b.id, collect, w) == DB_OK);
    return b.id;
}

/* A product, an operator (id 1, seated 451003) whose authorisation was
 * approved three years ago, a batch of 8 labels issued today, three inspectors. */
static void world_open(world_t *w)
{
    db_product_t p;
    memset(w, 0, sizeof *w);
    testdb_open(&w->t);
    w->t.ctx.now = TESTDB_NOW - 3 * YEAR;
    gi_product_input_t prod = {"田阳香芒", "", "", "", "451003", "", "", ""};
    CHECK(gi_product_add(&w->t.ctx, &prod, &p, NULL) == GI_OK);
    w->product = p.id;
    w->op = add_operator(w, "93451003MA815908XM", "451003");
    w->auth = 1;
    w->t.ctx.now = TESTDB_NOW - YEAR; /* in use: a batch a year ago, another today */
    issue(w, w->auth, 4);
    w->t.ctx.now = TESTDB_NOW;
    issue(w, w->auth, 8);
    const char *certs[] = {"GX-ZF-001", "GX-ZF-002", "GX-ZF-003"};
    for (int i = 0; i < 3; i++)
        CHECK(gi_inspector_add(&w->t.ctx, &reg, "检查员", certs[i], "知识产权", "450100",
                               &w->insp[i], NULL) == GI_OK);
}

static gi_grade_t grade(world_t *w, const gi_grade_config_t *cfg, const char *date,
                        gi_grade_evidence_t *ev)
{
    gi_grade_t g;
    gi_error_t e = {0};
    memset(&g, 0, sizeof g);
    gi_err_t rc = gi_grade_of(&w->t.ctx, &reg, cfg, w->op, date, &g, ev, &e);
    if (rc != GI_OK)
        fprintf(stderr, "  grade: %s\n", e.msg);
    CHECK(rc == GI_OK);
    return g;
}

static int rule_index(const char *key)
{
    size_t n;
    const gi_grade_rule_t *r = gi_grade_rules(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(r[i].key, key) == 0)
            return (int)i;
    return -1;
}

/* The fact of rule key counts n times on today's grade (class B), with its
 * evidence listed, and not at all as of the day before (class A). */
static void expect_rule_before(world_t *w, const char *key, int64_t n, int64_t ref_id,
                               const char *ref, const char *before)
{
    gi_grade_config_t cfg = sensitive();
    gi_grade_evidence_t *ev = calloc(1, sizeof *ev);
    int k = rule_index(key);
    CHECK(k >= 0);
    if (k < 0 || !ev) {
        free(ev);
        return;
    }
    gi_grade_t g = grade(w, &cfg, "", ev);
    CHECK(g.count[k] == n);
    CHECK_STR(g.class_name, "B");
    CHECK(g.points > 0);
    CHECK(ev->n[k] == (int)(n < GI_GRADE_EVIDENCE_MAX ? n : GI_GRADE_EVIDENCE_MAX));
    if (ref_id)
        CHECK(ev->facts[k][0].ref_id == ref_id);
    if (ref)
        CHECK_STR(ev->facts[k][0].ref, ref);
    json_t *j = gi_grade_json(&g, ev);
    json_t *rule = json_array_get(json_object_get(j, "rules"), (size_t)k);
    CHECK(json_array_size(json_object_get(rule, "evidence")) == (size_t)ev->n[k]);
    CHECK(json_integer_value(json_object_get(rule, "facts")) == n);
    json_decref(j);
    g = grade(w, &cfg, before, ev);
    CHECK(g.count[k] == 0);
    CHECK_STR(g.class_name, "A");
    free(ev);
}

static void expect_rule(world_t *w, const char *key, int64_t n, int64_t ref_id, const char *ref)
{
    expect_rule_before(w, key, n, ref_id, ref, "2026-05-31");
}

static void scans(world_t *w, const char *verdict, size_t ncodes, size_t clients)
{
    for (size_t c = 0; c < ncodes; c++)
        for (size_t k = 0; k < clients; k++) {
            char key[32];
            snprintf(key, sizeof key, "client-%zu", k);
            db_scan_t s = {TESTDB_NOW + 60, w->codes[c].s, NULL, verdict, key, "ios", 0};
            int64_t last = 0;
            CHECK(db_scans_record(w->t.db, &s, 1, &last) == DB_OK);
        }
    if (!db_scans_merged_on_record(w->t.db))
        CHECK(db_scan_totals_catch_up(w->t.db) == DB_OK);
}

static void test_clean_operator_is_a(void)
{
    world_t w;
    world_open(&w);
    gi_grade_config_t cfg = sensitive();
    gi_grade_t g = grade(&w, &cfg, "", NULL);
    CHECK_STR(g.class_name, "A");
    CHECK(g.points == 0);
    CHECK(!g.imported);
    testdb_close(&w.t);
}

static void test_rule_report_founded(void)
{
    world_t w;
    world_open(&w);
    int64_t rid = 0, fid = 0;
    gi_report_input_t in = {w.codes[0].s, "包装可疑", "", "k"};
    CHECK(gi_report_add(&w.t.ctx, &in, &rid, NULL) == GI_OK);
    gi_grade_config_t cfg = sensitive();
    CHECK_STR(grade(&w, &cfg, "", NULL).class_name, "A"); /* a report alone is no fact */
    w.t.ctx.now = TESTDB_NOW + 3600;
    CHECK(gi_report_finding(&w.t.ctx, &reg, rid, "founded", "仿冒", &fid, NULL) == GI_OK);
    expect_rule(&w, "report_founded", 1, rid, w.codes[0].s);
    /* a later finding replaces it */
    w.t.ctx.now = TESTDB_NOW + 7200;
    CHECK(gi_report_finding(&w.t.ctx, &reg, rid, "unfounded", "复核", &fid, NULL) == GI_OK);
    CHECK_STR(grade(&w, &cfg, "", NULL).class_name, "A");
    CHECK(testdb_int(&w.t, "SELECT count(*) FROM audit_log WHERE action = 'report.finding'") == 2);
    gi_error_t e;
    CHECK(gi_report_finding(&w.t.ctx, &reg, rid, "maybe", "", NULL, &e) == GI_EINVAL);
    CHECK(gi_report_finding(&w.t.ctx, &auditor, rid, "founded", "", NULL, &e) == GI_EFORBIDDEN);
    testdb_close(&w.t);
}

static void test_rule_void_scanned(void)
{
    world_t w;
    world_open(&w);
    scans(&w, "VOID", 3, 2); /* two clients each: still one fact a label */
    expect_rule(&w, "void_scanned", 3, 2, w.codes[0].s);
    testdb_close(&w.t);
}

static void test_rule_not_activated_scanned(void)
{
    world_t w;
    world_open(&w);
    scans(&w, "NOT_ACTIVATED", 2, 1);
    expect_rule(&w, "not_activated_scanned", 2, 1, NULL);
    testdb_close(&w.t);
}

static void test_rule_over_scanned(void)
{
    world_t w;
    world_open(&w);
    scans(&w, "GENUINE", 1, 10); /* at the threshold: not over it */
    gi_grade_config_t cfg = sensitive();
    CHECK_STR(grade(&w, &cfg, "", NULL).class_name, "A");
    scans(&w, "GENUINE", 1, 11);
    expect_rule(&w, "over_scanned", 1, 11, w.codes[0].s);
    testdb_close(&w.t);
}

static void test_rule_suspended(void)
{
    world_t w;
    world_open(&w);
    CHECK(gi_auth_transition(&w.t.ctx, w.auth, GI_AUTH_SUSPEND, "抽查不合格", "", NULL, NULL) ==
          GI_OK);
    expect_rule(&w, "suspended", 1, 0, "抽查不合格");
    /* three years and a day later it no longer counts */
    gi_grade_config_t cfg = sensitive();
    int k = rule_index("suspended");
    CHECK(grade(&w, &cfg, "2029-06-02", NULL).count[k] == 0);
    testdb_close(&w.t);
}

static void test_rule_idle_two_years(void)
{
    world_t w;
    world_open(&w);
    /* a second operator approved three years ago never issued a label */
    w.t.ctx.now = TESTDB_NOW - 3 * YEAR;
    int64_t idle = add_operator(&w, "91450103MA5L00195P", "451003");
    w.t.ctx.now = TESTDB_NOW;
    int64_t busy = w.op;
    w.op = idle;
    /* idle today; as of 2025-01-01 it had held the mark for less than two years */
    expect_rule_before(&w, "idle_two_years", 1, 2, "田阳香芒", "2025-01-01");
    w.op = busy;
    gi_grade_config_t cfg = sensitive();
    int k = rule_index("idle_two_years");
    CHECK(grade(&w, &cfg, "", NULL).count[k] == 0);
    CHECK(grade(&w, &cfg, "2026-05-31", NULL).count[k] == 0);
    /* a batch issued ends it for the idle one */
    w.t.ctx.now = TESTDB_NOW + DAY;
    w.op = idle;
    issue(&w, 2, 5);
    CHECK(grade(&w, &cfg, "2026-06-02", NULL).count[k] == 0);
    testdb_close(&w.t);
}

static void test_rule_usage_late(void)
{
    world_t w;
    world_open(&w);
    /* a second operator approved three years ago reported none of its years */
    w.t.ctx.now = TESTDB_NOW - 3 * YEAR;
    int64_t silent = add_operator_reporting(&w, "91450103MA5L00195P", "451003", 0);
    w.t.ctx.now = TESTDB_NOW;
    int64_t on_time = w.op;
    w.op = silent;
    /* 2025's report was due on 31 March 2026; before its first deadline (for 2023, on
       31 March 2024) it owed nothing */
    expect_rule_before(&w, "usage_late", 1, 2, "田阳香芒", "2024-03-30");
    gi_grade_config_t cfg = sensitive();
    int k = rule_index("usage_late");
    gi_grade_evidence_t *ev = calloc(1, sizeof *ev);
    CHECK(ev != NULL);
    if (!ev)
        return;
    /* the year each fact is about: 2025 today, 2024 (due 31 March 2025) a year before */
    CHECK(grade(&w, &cfg, "", ev).count[k] == 1);
    CHECK_STR(ev->facts[k][0].detail, "2025");
    CHECK(grade(&w, &cfg, "2026-03-30", ev).count[k] == 1);
    CHECK_STR(ev->facts[k][0].detail, "2024");
    /* a report filed after the deadline is still late */
    report_year(&w, silent, "2025");
    CHECK(grade(&w, &cfg, "", NULL).count[k] == 1);
    /* the operator that filed in January owes nothing */
    w.op = on_time;
    CHECK(grade(&w, &cfg, "", NULL).count[k] == 0);
    free(ev);
    testdb_close(&w.t);
}

static void test_rule_usage_returned(void)
{
    world_t w;
    world_open(&w);
    /* a second version of its 2025 report, returned by the office today */
    w.t.ctx.now = TESTDB_NOW - DAY;
    int64_t id = report_year(&w, w.op, "2025");
    w.t.ctx.now = TESTDB_NOW;
    gi_error_t e = {0};
    db_usage_report_t r;
    CHECK(gi_usage_decide(&w.t.ctx, id, 0, "销售额与发票不符", &r, &e) == GI_OK);
    expect_rule(&w, "usage_returned", 1, id, "2025");
    testdb_close(&w.t);
}

static gi_err_t inspect(world_t *w, const char *date, const char *result, const char *transfer,
                        const int64_t *inspectors, int64_t *id, gi_error_t *e)
{
    gi_inspection_input_t in = {0,          w->op,
                                w->product, "广西壮族自治区知识产权局",
                                date,       {"pass", "pass", "pass", "pass", "pass", transfer},
                                result,     strcmp(result, "rectify") == 0 ? "2026-07-01" : "",
                                "",         inspectors ? inspectors : w->insp,
                                2};
    return gi_inspection_add(&w->t.ctx, &reg, &in, id, e);
}

/* An inspection dated today with result (and the transfer check) makes rule
 * key count once; one dated earlier but recorded today does not count as of
 * that earlier day's eve. */
static void inspection_rule(const char *result, const char *transfer, const char *key)
{
    world_t w;
    world_open(&w);
    int64_t id = 0;
    gi_error_t e = {0};
    CHECK(inspect(&w, "2026-06-01", result, transfer, NULL, &id, &e) == GI_OK);
    if (e.msg[0])
        fprintf(stderr, "  inspect: %s\n", e.msg);
    expect_rule(&w, key, 1, id, result);
    testdb_close(&w.t);
}

static void test_rule_inspection_rectify(void)
{
    inspection_rule("rectify", "pass", "inspection_rectify");
}

static void test_rule_inspection_unreachable(void)
{
    inspection_rule("unreachable", "na", "inspection_unreachable");
}

static void test_rule_inspection_refused(void)
{
    inspection_rule("refused", "na", "inspection_refused");
}

static void test_rule_inspection_counterfeit(void)
{
    inspection_rule("other", "fail", "inspection_counterfeit");
}

/* An inspection dated before a day but recorded after it does not count as of that
 * day: a class is re-derived from what was stored by then. */
static void test_fact_recorded_later(void)
{
    world_t w;
    world_open(&w);
    gi_grade_config_t cfg = sensitive();
    int k = rule_index("inspection_refused");
    int64_t id = 0;
    w.t.ctx.now = TESTDB_NOW + 10 * DAY; /* recorded on 2026-06-11 */
    CHECK(inspect(&w, "2026-06-01", "refused", "na", NULL, &id, NULL) == GI_OK);
    CHECK(grade(&w, &cfg, "2026-06-05", NULL).count[k] == 0);
    CHECK_STR(grade(&w, &cfg, "2026-06-05", NULL).class_name, "A");
    CHECK(grade(&w, &cfg, "2026-06-11", NULL).count[k] == 1);
    CHECK_STR(grade(&w, &cfg, "2026-06-11", NULL).class_name, "B");
    testdb_close(&w.t);
}

static void test_rule_inspection_clean(void)
{
    /* a credit: it lowers the points another fact gave */
    world_t w;
    world_open(&w);
    gi_grade_config_t cfg = sensitive();
    scans(&w, "VOID", 1, 1);
    gi_grade_t g = grade(&w, &cfg, "", NULL);
    CHECK(g.points == 1);
    int64_t id = 0;
    CHECK(inspect(&w, "2026-06-01", "no_problem", "pass", NULL, &id, NULL) == GI_OK);
    g = grade(&w, &cfg, "", NULL);
    int k = rule_index("inspection_clean");
    CHECK(g.count[k] == 1 && g.points_of[k] == -1);
    CHECK(g.points == 0);
    CHECK_STR(g.class_name, "A");
    testdb_close(&w.t);
}

static void test_default_classes_and_settings(void)
{
    gi_grade_config_t cfg;
    gi_error_t e;
    CHECK(gi_grade_config_parse(GI_GRADE_CLASSES_DEFAULT, 10, &cfg, &e) == GI_OK);
    CHECK(cfg.n == 4);
    CHECK(memcmp(&cfg, gi_grade_config_default(), sizeof cfg) == 0);
    CHECK(gi_grade_config_parse("A:1,B:3", 10, &cfg, &e) == GI_EINVAL); /* starts at 0 */
    CHECK(gi_grade_config_parse("A:0,B:0", 10, &cfg, &e) == GI_EINVAL); /* rises */
    CHECK(gi_grade_config_parse("A:0,A:3", 10, &cfg, &e) == GI_EINVAL); /* twice */
    CHECK(gi_grade_config_parse("a:0,B:3", 10, &cfg, &e) == GI_EINVAL); /* capitals */
    CHECK(gi_grade_config_parse("A:0", 10, &cfg, &e) == GI_EINVAL);     /* two at least */
    CHECK(gi_grade_config_parse("A:0,B:x", 10, &cfg, &e) == GI_EINVAL);
    CHECK(gi_grade_config_parse("A:0,B:3,C:6,D:12,E:13,F:14,G:15,H:16,I:17", 10, &cfg, &e) ==
          GI_EINVAL);
    /* default set: a suspension (4 points) is B, a counterfeit finding (6) is C */
    world_t w;
    world_open(&w);
    CHECK(gi_grade_config_parse(GI_GRADE_CLASSES_DEFAULT, 10, &cfg, &e) == GI_OK);
    CHECK(gi_auth_transition(&w.t.ctx, w.auth, GI_AUTH_SUSPEND, "r", "", NULL, NULL) == GI_OK);
    CHECK_STR(grade(&w, &cfg, "", NULL).class_name, "B");
    int64_t id;
    CHECK(inspect(&w, "2026-06-01", "other", "fail", NULL, &id, NULL) == GI_OK);
    gi_grade_t g = grade(&w, &cfg, "", NULL);
    CHECK(g.points == 10);
    CHECK_STR(g.class_name, "C");
    testdb_close(&w.t);
}

static void test_imported_class(void)
{
    world_t w;
    world_open(&w);
    gi_grade_config_t cfg = sensitive();
    gi_error_t e;
    CHECK(gi_grade_import(&w.t.ctx, &reg, &cfg, w.op, "X", "2026-06-01", "SAMR", &e) == GI_EINVAL);
    CHECK(gi_grade_import(&w.t.ctx, &reg, &cfg, w.op, "D", "2026-06-01", "", &e) == GI_EINVAL);
    CHECK(gi_grade_import(&w.t.ctx, &auditor, &cfg, w.op, "D", "2026-06-01", "SAMR", &e) ==
          GI_EFORBIDDEN);
    CHECK(gi_grade_import(&w.t.ctx, &city, &cfg, w.op, "D", "2026-06-01", "SAMR", &e) ==
          GI_ENOTFOUND);
    CHECK(gi_grade_import(&w.t.ctx, &reg, &cfg, w.op, "D", "2026-06-01", "市场监管总局信用风险分类",
                          &e) == GI_OK);
    gi_grade_t g = grade(&w, &cfg, "", NULL);
    CHECK_STR(g.class_name, "D");
    CHECK_STR(g.derived, "A");
    CHECK(g.imported);
    CHECK_STR(g.import_source, "市场监管总局信用风险分类");
    CHECK_STR(grade(&w, &cfg, "2026-05-31", NULL).class_name, "A"); /* before its date */
    /* withdrawn: the derived class stands again */
    w.t.ctx.now += 60;
    CHECK(gi_grade_import(&w.t.ctx, &reg, &cfg, w.op, "", "2026-06-01", "撤回", &e) == GI_OK);
    CHECK_STR(grade(&w, &cfg, "", NULL).class_name, "A");
    CHECK(testdb_int(&w.t, "SELECT count(*) FROM audit_log WHERE action = 'grade.import'") == 2);
    testdb_close(&w.t);
}

static void test_who_sees_classes(void)
{
    world_t w;
    world_open(&w);
    gi_grade_config_t cfg = sensitive();
    gi_grade_t g;
    gi_error_t e;
    CHECK(gi_grade_of(&w.t.ctx, &op_account, &cfg, w.op, "", &g, NULL, &e) == GI_EFORBIDDEN);
    CHECK(gi_grade_of(&w.t.ctx, &city, &cfg, w.op, "", &g, NULL, &e) == GI_ENOTFOUND);
    CHECK(gi_grade_of(&w.t.ctx, &auditor, &cfg, w.op, "", &g, NULL, &e) == GI_OK);
    db_account_t off = reg;
    off.disabled = 1;
    CHECK(gi_grade_of(&w.t.ctx, &off, &cfg, w.op, "", &g, NULL, &e) == GI_EFORBIDDEN);
    CHECK(gi_grade_of(&w.t.ctx, &reg, &cfg, w.op, "2026-02-30", &g, NULL, &e) == GI_EINVAL);
    testdb_close(&w.t);
}

/* --- draws ------------------------------------------------------------------------------ */

/* Ten operators in force: two made class B (suspended, then reinstated). */
static void draw_world(world_t *w)
{
    world_open(w);
    static const char *const usccs[] = {
        "91450103MA5L001012", "91450103MA5L0011XR", "91450103MA5L00128R",
        "91450103MA5L00136L", "91450103MA5L00144F", "91450103MA5L00152A",
        "91450103MA5L001605", "91450103MA5L001792", "91450103MA5L00187W"};
    for (int i = 0; i < 9; i++) {
        add_operator(w, usccs[i], "451003");
    }
    for (int64_t a = 2; a <= 3; a++) {
        CHECK(gi_auth_transition(&w->t.ctx, a, GI_AUTH_SUSPEND, "r", "", NULL, NULL) == GI_OK);
        CHECK(gi_auth_transition(&w->t.ctx, a, GI_AUTH_REINSTATE, "r", "", NULL, NULL) == GI_OK);
    }
}

static gi_draw_plan_t plan_of(const gi_grade_config_t *cfg, const char *ratios)
{
    gi_draw_plan_t p = {.year = 2026, .inspectors_per_target = 2};
    gi_error_t e = {0};
    CHECK(gi_draw_ratios_parse(ratios, cfg, &p, &e) == GI_OK);
    return p;
}

#define SEED "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static void test_draw_ratios_and_inspectors(void)
{
    world_t w;
    draw_world(&w);
    gi_grade_config_t cfg = sensitive();
    gi_draw_plan_t p = plan_of(&cfg, "A:10,B:50,C:100,D:100");
    json_t *out = NULL;
    int64_t id = 0;
    gi_error_t e = {0};
    CHECK(gi_draw(&w.t.ctx, &reg, &cfg, &p, SEED, 0, &out, &id, &e) == GI_OK);
    if (e.msg[0])
        fprintf(stderr, "  draw: %s\n", e.msg);
    json_t *result = json_object_get(out, "result");
    /* 8 A: ceil(0.8) = 1; 2 B: 1 (an A ratio above 0 draws an A operator) */
    CHECK(json_array_size(result) == 2);
    int a = 0, b = 0;
    size_t i;
    json_t *t;
    json_array_foreach(result, i, t)
    {
        const char *c = json_string_value(json_object_get(t, "class"));
        a += strcmp(c, "A") == 0;
        b += strcmp(c, "B") == 0;
        json_t *insp = json_object_get(t, "inspectors");
        CHECK(json_array_size(insp) == 2);
        CHECK(json_integer_value(json_array_get(insp, 0)) !=
              json_integer_value(json_array_get(insp, 1)));
    }
    CHECK(a == 1 && b == 1);
    CHECK(json_array_size(json_object_get(json_object_get(out, "population"), "operators")) == 10);
    json_decref(out);
    CHECK(testdb_int(&w.t, "SELECT count(*) FROM inspection_draw") == 1);
    CHECK(testdb_int(&w.t, "SELECT count(*) FROM audit_log WHERE action = 'supervision.draw'") ==
          1);
    /* the plan's dry run draws and stores nothing */
    CHECK(gi_draw(&w.t.ctx, &reg, &cfg, &p, NULL, 1, &out, &id, &e) == GI_OK);
    CHECK(json_integer_value(json_object_get(json_object_get(json_object_get(out, "classes"), "A"),
                                             "drawn")) == 1);
    json_decref(out);
    CHECK(testdb_int(&w.t, "SELECT count(*) FROM inspection_draw") == 1);
    /* no class exempt */
    gi_draw_plan_t q = {0};
    CHECK(gi_draw_ratios_parse("A:0,B:50,C:100,D:100", &cfg, &q, &e) == GI_EINVAL);
    CHECK(gi_draw_ratios_parse("B:50,C:100,D:100", &cfg, &q, &e) == GI_EINVAL);
    CHECK(gi_draw_ratios_parse("A:101,B:50,C:100,D:100", &cfg, &q, &e) == GI_EINVAL);
    /* auditors and city regulators outside draw nothing */
    CHECK(gi_draw(&w.t.ctx, &auditor, &cfg, &p, SEED, 0, &out, &id, &e) == GI_EFORBIDDEN);
    testdb_close(&w.t);
}

static void test_draw_reproducible_and_logged(void)
{
    world_t w;
    draw_world(&w);
    gi_grade_config_t cfg = sensitive();
    gi_draw_plan_t p = plan_of(&cfg, "A:50,B:50,C:100,D:100");
    json_t *one = NULL, *two = NULL, *fresh = NULL;
    int64_t id1 = 0, id2 = 0, id3 = 0;
    CHECK(gi_draw(&w.t.ctx, &reg, &cfg, &p, SEED, 0, &one, &id1, NULL) == GI_OK);
    w.t.ctx.now += 60;
    CHECK(gi_draw(&w.t.ctx, &reg, &cfg, &p, SEED, 0, &two, &id2, NULL) == GI_OK);
    CHECK(id1 != id2);
    CHECK(json_equal(json_object_get(one, "result"), json_object_get(two, "result")));
    CHECK(json_equal(json_object_get(one, "population"), json_object_get(two, "population")));
    CHECK(json_array_size(json_object_get(one, "result")) == 5); /* 4 of 8 A, 1 of 2 B */
    /* a fresh seed is drawn when none is given, and logged */
    CHECK(gi_draw(&w.t.ctx, &reg, &cfg, &p, NULL, 0, &fresh, &id3, NULL) == GI_OK);
    const char *s3 = json_string_value(json_object_get(fresh, "seed"));
    CHECK(s3 && strlen(s3) == 64 && strcmp(s3, SEED) != 0);
    /* every draw is kept whole: the first is unchanged by the later ones */
    CHECK(testdb_int(&w.t, "SELECT count(*) FROM inspection_draw") == 3);
    json_t *got = NULL;
    typedef struct {
        json_t **out;
    } keep_t;
    (void)sizeof(keep_t);
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM inspection_draw WHERE id = %lld AND seed = '%s' AND at = %lld",
             (long long)id1, SEED, (long long)TESTDB_NOW);
    CHECK(testdb_int(&w.t, sql) == 1);
    (void)got;
    json_decref(one);
    json_decref(two);
    json_decref(fresh);
    gi_error_t e;
    CHECK(gi_draw(&w.t.ctx, &reg, &cfg, &p, "00zz", 0, &one, &id1, &e) == GI_EINVAL);
    testdb_close(&w.t);
}

static int count_item(json_t *item, void *arg)
{
    (void)item;
    (*(int *)arg)++;
    return 0;
}

static void test_draw_exclusions_and_conflicts(void)
{
    world_t w;
    draw_world(&w);
    gi_grade_config_t cfg = sensitive();
    gi_draw_plan_t p = plan_of(&cfg, "A:100,B:100,C:100,D:100");
    json_t *out = NULL;
    int64_t id = 0, insp = 0;
    gi_error_t e = {0};
    /* the office inspected operator 1 this year: excluded when the plan says so */
    CHECK(inspect(&w, "2026-03-01", "no_problem", "pass", NULL, &insp, &e) == GI_OK);
    p.exclude_inspected = 1;
    /* inspector 1 declared a conflict with every operator: never drawn */
    for (int64_t o = 1; o <= 10; o++)
        CHECK(gi_inspector_conflict(&w.t.ctx, &reg, w.insp[0], o, "亲属", &e) == GI_OK);
    CHECK(gi_inspector_conflict(&w.t.ctx, &reg, w.insp[0], 1, "again", &e) == GI_EEXISTS);
    CHECK(gi_draw(&w.t.ctx, &reg, &cfg, &p, SEED, 0, &out, &id, &e) == GI_OK);
    json_t *result = json_object_get(out, "result");
    CHECK(json_array_size(result) == 9);
    size_t i;
    json_t *t;
    json_array_foreach(result, i, t)
    {
        CHECK(json_integer_value(json_object_get(t, "operator_id")) != w.op);
        json_t *in = json_object_get(t, "inspectors");
        for (size_t k = 0; k < json_array_size(in); k++)
            CHECK(json_integer_value(json_array_get(in, k)) != w.insp[0]);
    }
    json_decref(out);
    /* without the exclusion it is drawn too */
    p.exclude_inspected = 0;
    CHECK(gi_draw(&w.t.ctx, &reg, &cfg, &p, SEED, 0, &out, &id, &e) == GI_OK);
    CHECK(json_array_size(json_object_get(out, "result")) == 10);
    json_decref(out);
    /* a conflict of inspector 2 leaves one for operator 5: the draw is refused whole */
    CHECK(gi_inspector_conflict(&w.t.ctx, &reg, w.insp[1], 5, "持股", &e) == GI_OK);
    int before = (int)testdb_int(&w.t, "SELECT count(*) FROM inspection_draw");
    CHECK(gi_draw(&w.t.ctx, &reg, &cfg, &p, SEED, 0, &out, &id, &e) == GI_EREFUSED);
    CHECK(strstr(e.msg, "inspectors") != NULL);
    CHECK(testdb_int(&w.t, "SELECT count(*) FROM inspection_draw") == before);
    /* and an inspection by a conflicted inspector is refused */
    w.op = 5;
    int64_t pair[2] = {w.insp[1], w.insp[2]};
    CHECK(inspect(&w, "2026-06-01", "no_problem", "pass", pair, &insp, &e) == GI_EREFUSED);
    int n = 0;
    db_page_t page = {.offset = 0, .limit = 50};
    CHECK(gi_draw_list(&w.t.ctx, &auditor, 0, page, count_item, &n, &e) == GI_OK);
    CHECK(n == before);
    n = 0;
    CHECK(gi_draw_list(&w.t.ctx, &op_account, 0, page, count_item, &n, &e) == GI_EFORBIDDEN);
    testdb_close(&w.t);
}

/* --- inspections, evidence, publication --------------------------------------------------- */

static void test_inspection_checks(void)
{
    world_t w;
    world_open(&w);
    gi_error_t e;
    int64_t id;
    CHECK(inspect(&w, "2026-06-02", "no_problem", "pass", NULL, &id, &e) == GI_EINVAL); /* future */
    CHECK(inspect(&w, "2026-06-01", "fine", "pass", NULL, &id, &e) == GI_EINVAL);
    CHECK(inspect(&w, "2026-06-01", "no_problem", "maybe", NULL, &id, &e) == GI_EINVAL);
    int64_t same[2] = {w.insp[0], w.insp[0]};
    CHECK(inspect(&w, "2026-06-01", "no_problem", "pass", same, &id, &e) == GI_EINVAL);
    int64_t ghost[2] = {w.insp[0], 999};
    CHECK(inspect(&w, "2026-06-01", "no_problem", "pass", ghost, &id, &e) == GI_ENOTFOUND);
    gi_inspection_input_t in = {0,
                                w.op,
                                0,
                                "局",
                                "2026-06-01",
                                {"pass", "pass", "pass", "pass", "pass", "pass"},
                                "no_problem",
                                "2026-07-01",
                                "",
                                w.insp,
                                2};
    CHECK(gi_inspection_add(&w.t.ctx, &reg, &in, &id, &e) == GI_EINVAL); /* date without rectify */
    in.rectify_by = "";
    in.ninspectors = 1;
    CHECK(gi_inspection_add(&w.t.ctx, &reg, &in, &id, &e) == GI_EINVAL); /* one inspector */
    in.ninspectors = 2;
    in.body = "\xe2\x80\xae局"; /* a bidi override */
    CHECK(gi_inspection_add(&w.t.ctx, &reg, &in, &id, &e) == GI_EINVAL);
    in.body = "局";
    CHECK(gi_inspection_add(&w.t.ctx, &city, &in, &id, &e) == GI_ENOTFOUND);
    CHECK(gi_inspection_add(&w.t.ctx, &auditor, &in, &id, &e) == GI_EFORBIDDEN);
    in.draw_id = 77;
    CHECK(gi_inspection_add(&w.t.ctx, &reg, &in, &id, &e) == GI_ENOTFOUND);
    in.draw_id = 0;
    CHECK(gi_inspection_add(&w.t.ctx, &reg, &in, &id, &e) == GI_OK);
    CHECK(testdb_int(&w.t, "SELECT count(*) FROM inspection") == 1);
    CHECK(testdb_int(&w.t, "SELECT count(*) FROM inspection_inspector") == 2);
    json_t *j = NULL;
    CHECK(gi_inspection_get(&w.t.ctx, &auditor, id, &j, &e) == GI_OK);
    CHECK(json_array_size(json_object_get(j, "inspectors")) == 2);
    json_decref(j);
    CHECK(gi_inspection_get(&w.t.ctx, &city, id, &j, &e) == GI_ENOTFOUND);
    CHECK(gi_inspection_get(&w.t.ctx, &op_account, id, &j, &e) == GI_EFORBIDDEN);
    testdb_close(&w.t);
}

static void test_evidence(void)
{
    world_t w;
    world_open(&w);
    gi_error_t e;
    int64_t id, ev;
    CHECK(inspect(&w, "2026-06-01", "no_problem", "pass", NULL, &id, &e) == GI_OK);
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
    CHECK(gi_evidence_add(&w.t.ctx, &reg, id, "photo.png", png, sizeof png, &ev, &e) == GI_OK);
    CHECK(gi_evidence_add(&w.t.ctx, &reg, id, "x.pdf", "MZ\x90\x00", 4, &ev, &e) == GI_EINVAL);
    CHECK(gi_evidence_add(&w.t.ctx, &reg, id, "../x.png", png, sizeof png, &ev, &e) == GI_EINVAL);
    CHECK(gi_evidence_add(&w.t.ctx, &reg, id, "x.png", png, 0, &ev, &e) == GI_EINVAL);
    unsigned char *big = calloc(1, GI_EVIDENCE_MAX + 1);
    memcpy(big, "%PDF-1.7", 8);
    CHECK(gi_evidence_add(&w.t.ctx, &reg, id, "big.pdf", big, GI_EVIDENCE_MAX + 1, &ev, &e) ==
          GI_EINVAL);
    CHECK(gi_evidence_add(&w.t.ctx, &reg, id, "max.pdf", big, GI_EVIDENCE_MAX, &ev, &e) == GI_OK);
    free(big);
    CHECK(gi_evidence_add(&w.t.ctx, &auditor, id, "p.png", png, sizeof png, &ev, &e) ==
          GI_EFORBIDDEN);
    db_evidence_t got;
    unsigned char back[16];
    CHECK(db_evidence_get(w.t.db, 1, &got, back, sizeof back) == DB_OK);
    CHECK(got.size == (int64_t)sizeof png && memcmp(back, png, sizeof png) == 0);
    CHECK_STR(got.content_type, "image/png");
    CHECK(testdb_int(&w.t, "SELECT count(*) FROM inspection_evidence") == 2);
    json_t *file = NULL;
    CHECK(gi_evidence_get(&w.t.ctx, &auditor, 1, &file, &e) == GI_OK);
    CHECK_STR(json_string_value(json_object_get(file, "content_type")), "image/png");
    CHECK_STR(json_string_value(json_object_get(file, "data")), "iVBORw0KGgoAAAAN");
    json_decref(file);
    CHECK(gi_evidence_get(&w.t.ctx, &city, 1, &file, &e) == GI_ENOTFOUND);
    CHECK(gi_evidence_get(&w.t.ctx, &op_account, 1, &file, &e) == GI_EFORBIDDEN);
    CHECK(gi_evidence_get(&w.t.ctx, &reg, 99, &file, &e) == GI_ENOTFOUND);
    testdb_close(&w.t);
}

static void test_publication(void)
{
    world_t w;
    world_open(&w);
    gi_error_t e;
    int64_t id, n = 0;
    CHECK(inspect(&w, "2026-05-01", "rectify", "pass", NULL, &id, &e) == GI_OK);
    gi_grade_config_t cfg = sensitive();
    CHECK(gi_grade_import(&w.t.ctx, &reg, &cfg, w.op, "D", "2026-01-01", "SAMR", &e) == GI_OK);
    char *csv = NULL;
    size_t len = 0;
    CHECK(gi_inspection_publish(&w.t.ctx, &auditor, 2026, &csv, &len, &n, &e) == GI_EFORBIDDEN);
    CHECK(gi_inspection_publish(&w.t.ctx, &reg, 2026, &csv, &len, &n, &e) == GI_OK);
    CHECK(n == 1);
    CHECK(csv && strstr(csv, "date,body,operator,uscc,product") == csv);
    CHECK(csv && strstr(csv, "93451003MA815908XM") != NULL);
    CHECK(csv && strstr(csv, "rectify,2026-07-01") != NULL);
    CHECK(csv && strstr(csv, "检查员") == NULL); /* no inspectors' names */
    CHECK(csv && strstr(csv, "SAMR") == NULL && strstr(csv, ",D") == NULL); /* no class */
    free(csv);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM inspection WHERE published_at = %lld",
             (long long)TESTDB_NOW);
    CHECK(testdb_int(&w.t, sql) == 1);
    /* published again later: the first publication date stays */
    w.t.ctx.now += DAY;
    CHECK(gi_inspection_publish(&w.t.ctx, &reg, 2026, &csv, &len, &n, &e) == GI_OK);
    free(csv);
    CHECK(testdb_int(&w.t, sql) == 1);
    CHECK(gi_inspection_publish(&w.t.ctx, &reg, 2025, &csv, &len, &n, &e) == GI_OK);
    CHECK(n == 0);
    free(csv);
    CHECK(testdb_int(&w.t, "SELECT count(*) FROM audit_log WHERE action = 'inspection.publish'") ==
          3);
    testdb_close(&w.t);
}

static void test_registers(void)
{
    world_t w;
    world_open(&w);
    gi_error_t e;
    int64_t id;
    CHECK(gi_item_add(&w.t.ctx, &reg, "mark_uscc", "标志与统一社会信用代码同时标注",
                      "《地理标志专用标志使用管理办法（试行）》", &id, &e) == GI_OK);
    CHECK(gi_item_add(&w.t.ctx, &reg, "nonsense", "x", "y", &id, &e) == GI_EINVAL);
    CHECK(gi_item_add(&w.t.ctx, &reg, "", "x", "", &id, &e) == GI_EINVAL);
    CHECK(gi_item_add(&w.t.ctx, &city, "", "x", "y", &id, &e) == GI_EFORBIDDEN);
    CHECK(gi_inspector_add(&w.t.ctx, &reg, "王五", "GX-ZF-001", "", "450100", &id, &e) ==
          GI_EEXISTS);
    CHECK(gi_inspector_add(&w.t.ctx, &city, "赵六", "GX-ZF-009", "", "450100", &id, &e) ==
          GI_ENOTFOUND);
    CHECK(gi_inspector_add(&w.t.ctx, &city, "赵六", "GX-ZF-009", "", "450203", &id, &e) == GI_OK);
    json_t *items = NULL, *insp = NULL;
    CHECK(gi_registers_json(&w.t.ctx, &city, &items, &insp, &e) == GI_OK);
    CHECK(json_array_size(items) == 1);
    CHECK(json_array_size(insp) == 1); /* the city's own inspectors only */
    json_decref(items);
    json_decref(insp);
    CHECK(gi_registers_json(&w.t.ctx, &op_account, &items, &insp, &e) == GI_EFORBIDDEN);
    testdb_close(&w.t);
}

TEST_MAIN("supervision", TEST(test_clean_operator_is_a), TEST(test_rule_report_founded),
          TEST(test_rule_void_scanned), TEST(test_rule_not_activated_scanned),
          TEST(test_rule_over_scanned), TEST(test_rule_suspended), TEST(test_rule_idle_two_years),
          TEST(test_rule_usage_late), TEST(test_rule_usage_returned),
          TEST(test_rule_inspection_rectify), TEST(test_rule_inspection_unreachable),
          TEST(test_rule_inspection_refused), TEST(test_rule_inspection_counterfeit),
          TEST(test_rule_inspection_clean), TEST(test_fact_recorded_later),
          TEST(test_default_classes_and_settings), TEST(test_imported_class),
          TEST(test_who_sees_classes), TEST(test_draw_ratios_and_inspectors),
          TEST(test_draw_reproducible_and_logged), TEST(test_draw_exclusions_and_conflicts),
          TEST(test_inspection_checks), TEST(test_evidence), TEST(test_publication),
          TEST(test_registers))
