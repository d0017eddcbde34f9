/*
 * test_annual.c - the annual supervision report: users as of a year's end
 * (new and cancelled, by region scope), the closing of a year (a closed
 * year's report unchanged by later edits, the current year's changed), the
 * office's texts, who may read and write, the CSV and the PDF drawn from the
 * report's JSON.
 */
#include "gi/annual.h"
#include "gi/grade.h"
#include "gi/inspect.h"
#include "gi/registry.h"
#include "gi/usage.h"
#include "labels/annual_pdf.h"
#include "test.h"
#include "testdb.h"

#include <stdlib.h>
#include <string.h>

/* TESTDB_NOW is 2026-06-01: 2024 and 2025 are closed, 2026 is not. */
#define DAY      86400LL
#define JAN_2024 1704412800LL /* 2024-01-05 */
#define JAN_2025 1736035200LL /* 2025-01-05 */
#define MAR_2025 1741564800LL /* 2025-03-10 */

typedef struct {
    int64_t op_a, op_b, op_c, prod, auth_a, auth_b, auth_c;
} world_t;

static int64_t add_operator(const gi_ctx_t *ctx, const char *uscc, const char *region)
{
    db_operator_t o;
    gi_operator_input_t in = {uscc, "合作社", "cooperative", region, "", ""};
    CHECK(gi_operator_add(ctx, &in, &o, NULL) == GI_OK);
    return o.id;
}

static int64_t approved(const gi_ctx_t *ctx, int64_t op, int64_t prod)
{
    db_auth_t a;
    gi_auth_input_t in = {op, prod, "2024-01-01", "2028-12-31", 100000, "", "a processor"};
    CHECK(gi_auth_grant(ctx, &in, &a, NULL) == GI_OK);
    CHECK(gi_auth_transition(ctx, a.id, GI_AUTH_APPROVE, "", "No. 475", NULL, NULL) == GI_OK);
    return a.id;
}

/* A (Tianyang 451003) and C (Baise 451002) approved in January 2024, B
 * (Hengzhou 450127) in January 2025; C revoked in March 2025. */
static void setup(testdb_t *t, world_t *w)
{
    db_product_t p;
    testdb_open(t);
    gi_ctx_t then = t->ctx;
    then.now = JAN_2024;
    gi_product_input_t prod = {"百色芒果", "", "collective-mark", "", "451000", "", "", ""};
    CHECK(gi_product_add(&then, &prod, &p, NULL) == GI_OK);
    w->prod = p.id;
    w->op_a = add_operator(&then, "93451003MA815908XM", "451003");
    w->op_b = add_operator(&then, "91450100MA8609132C", "450127");
    w->op_c = add_operator(&then, "93451123MA0308247J", "451002");
    w->auth_a = approved(&then, w->op_a, w->prod);
    w->auth_c = approved(&then, w->op_c, w->prod);
    then.now = JAN_2025;
    w->auth_b = approved(&then, w->op_b, w->prod);
    then.now = MAR_2025;
    CHECK(gi_auth_transition(&then, w->auth_c, GI_AUTH_REVOKE, "left the region", "", NULL, NULL) ==
          GI_OK);
}

static json_t *rows_of(json_t *r, const char *id, size_t table)
{
    size_t i;
    json_t *sec;
    json_array_foreach(json_object_get(r, "sections"), i, sec)
    {
        if (strcmp(json_string_value(json_object_get(sec, "id")), id) == 0)
            return json_object_get(json_array_get(json_object_get(sec, "tables"), table), "rows");
    }
    return NULL;
}

/* The last cell of the row whose first cell begins with name, as a number. */
static int64_t figure(json_t *r, const char *id, size_t table, const char *name)
{
    size_t i;
    json_t *row;
    json_array_foreach(rows_of(r, id, table), i, row)
    {
        const char *first = json_string_value(json_array_get(row, 0));
        if (first && strncmp(first, name, strlen(name)) == 0)
            return json_integer_value(json_array_get(row, json_array_size(row) - 1));
    }
    return -1;
}

static json_t *report(testdb_t *t, int year, const char *region)
{
    gi_annual_opts_t o = {year, region, 0, 0, NULL};
    json_t *r = NULL;
    gi_error_t e;
    CHECK(gi_annual_report(&t->ctx, &o, &r, &e) == GI_OK);
    return r;
}

static void test_users_as_of(void)
{
    testdb_t t;
    world_t w;
    setup(&t, &w);
    json_t *r = report(&t, 2025, "");
    CHECK(figure(r, "users", 0, "上年末") == 2); /* A and C */
    CHECK(figure(r, "users", 0, "本年末") == 2); /* A and B */
    json_t *total = json_array_get(rows_of(r, "new_cancelled", 1),
                                   json_array_size(rows_of(r, "new_cancelled", 1)) - 1);
    CHECK(json_integer_value(json_array_get(total, 1)) == 1);
    CHECK(json_integer_value(json_array_get(total, 2)) == 1);
    CHECK(json_integer_value(json_array_get(json_array_get(rows_of(r, "authorisations", 0), 0),
                                            0)) == 1); /* B granted */
    json_t *act = json_array_get(rows_of(r, "authorisations", 1), 0);
    CHECK(act && strstr(json_string_value(json_array_get(act, 3)), "left the region"));
    /* the collective mark counted under its regime */
    CHECK(figure(r, "products", 0, "集体商标") == 1);
    CHECK(json_integer_value(json_object_get(r, "target")) == GI_ANNUAL_TARGET);
    json_decref(r);
    /* Baise city: A and C at the end of 2024, A at the end of 2025 */
    r = report(&t, 2025, "4510");
    CHECK(figure(r, "users", 0, "上年末") == 2);
    CHECK(figure(r, "users", 0, "本年末") == 1);
    CHECK(json_integer_value(
              json_array_get(json_array_get(rows_of(r, "authorisations", 0), 0), 0)) == 0);
    json_decref(r);
    /* a revocation now changes 2026, not the end of 2025 */
    CHECK(gi_auth_transition(&t.ctx, w.auth_a, GI_AUTH_REVOKE, "stopped", "", NULL, NULL) == GI_OK);
    r = report(&t, 2025, "");
    CHECK(figure(r, "users", 0, "本年末") == 2);
    json_decref(r);
    r = report(&t, 2026, "");
    CHECK(figure(r, "users", 0, "本年末") == 1);
    CHECK(json_integer_value(
              json_array_get(json_array_get(rows_of(r, "authorisations", 0), 0), 2)) == 1);
    json_decref(r);
    gi_annual_opts_t future = {2027, "", 0, 0, NULL};
    gi_error_t e;
    CHECK(gi_annual_report(&t.ctx, &future, &r, &e) == GI_EINVAL);
    testdb_close(&t);
}

static void test_closing(void)
{
    testdb_t t;
    world_t w;
    gi_error_t e;
    setup(&t, &w);
    CHECK(gi_annual_text_set(&t.ctx, 2025, "", "training", "培训 3 期", &e) == GI_OK);
    CHECK(gi_annual_text_set(&t.ctx, 2025, "", "bogus", "x", &e) == GI_EINVAL);
    CHECK(gi_annual_text_set(&t.ctx, 2025, "", "testing", "a\xe2\x80\xae", &e) == GI_EINVAL);
    gi_annual_opts_t o = {2025, "", 0, 0, NULL};
    int64_t scopes = 0;
    gi_annual_opts_t open_year = {2026, "", 0, 0, NULL};
    CHECK(gi_annual_close(&t.ctx, &open_year, NULL, &e) == GI_EREFUSED);
    json_t *before = report(&t, 2025, "4510");
    CHECK(gi_annual_close(&t.ctx, &o, &scopes, &e) == GI_OK);
    CHECK(scopes >= 4); /* "", 45, 4510, 4501, the counties */
    CHECK(gi_annual_close(&t.ctx, &o, NULL, &e) == GI_EEXISTS);
    CHECK(testdb_int(&t, "SELECT count(*) FROM audit_log WHERE action = 'annual.close'") == 1);
    CHECK(testdb_int(&t, "SELECT count(*) FROM audit_log WHERE action = 'annual.text'") == 1);
    json_t *closed = report(&t, 2025, "4510");
    CHECK(json_is_true(json_object_get(closed, "closed")));
    CHECK(json_equal(json_object_get(closed, "sections"), json_object_get(before, "sections")));
    /* after the closing: an accepted use report, a text, a revocation */
    db_usage_report_t u;
    gi_usage_input_t in = {w.op_a, w.prod, "2025", 10, 8, "kg", 123456, 0, 0, 0, "每箱一枚"};
    CHECK(gi_usage_file(&t.ctx, GI_USAGE_YEARLY, &in, &u, &e) == GI_OK);
    CHECK(gi_usage_decide(&t.ctx, u.id, 1, "", &u, &e) == GI_OK);
    CHECK(gi_annual_text_set(&t.ctx, 2025, "", "training", "late", &e) == GI_EREFUSED);
    CHECK(gi_auth_transition(&t.ctx, w.auth_a, GI_AUTH_SUSPEND, "check", "", NULL, NULL) == GI_OK);
    json_t *after = report(&t, 2025, "4510");
    CHECK(json_equal(json_object_get(after, "sections"), json_object_get(before, "sections")));
    json_t *whole = report(&t, 2025, "");
    json_t *text = NULL, *sec;
    size_t i;
    json_array_foreach(json_object_get(whole, "sections"), i, sec)
    {
        if (strcmp(json_string_value(json_object_get(sec, "id")), "training") == 0)
            text = json_object_get(sec, "text");
    }
    CHECK(text && strcmp(json_string_value(text), "培训 3 期") == 0);
    /* the records did change: computed now, the output value has the new report */
    json_t *live = NULL;
    gi_annual_opts_t city = {2025, "4510", 0, 0, NULL};
    CHECK(gi_annual_compute(&t.ctx, &city, &live, &e) == GI_OK);
    CHECK(!json_equal(json_object_get(live, "sections"), json_object_get(before, "sections")));
    /* a scope nobody had when the year closed: computed, and said so */
    json_t *other = report(&t, 2025, "46");
    CHECK(json_is_true(json_object_get(other, "closed")));
    CHECK(strncmp(json_string_value(json_object_get(other, "source")), "computed", 8) == 0);
    json_decref(other);
    json_t *now = report(&t, 2026, "");
    CHECK(json_integer_value(
              json_array_get(json_array_get(rows_of(now, "authorisations", 0), 0), 1)) == 1);
    CHECK(gi_annual_text_set(&t.ctx, 2026, "", "training", "ok", &e) == GI_OK);
    json_decref(before);
    json_decref(closed);
    json_decref(after);
    json_decref(whole);
    json_decref(live);
    json_decref(now);
    testdb_close(&t);
}

static void test_access(void)
{
    testdb_t t;
    world_t w;
    gi_error_t e;
    setup(&t, &w);
    db_account_t op = {.username = "a", .role = "operator", .operator_id = w.op_a};
    db_account_t aud = {.username = "aud", .role = "auditor", .region_scope = "45"};
    db_account_t city = {.username = "city", .role = "regulator", .region_scope = "4510"};
    gi_annual_opts_t o = {2025, "", 0, 0, NULL};
    json_t *r = NULL;
    CHECK(gi_annual_view(&t.ctx, &op, &o, &r, &e) == GI_EFORBIDDEN && !r);
    CHECK(gi_annual_view(&t.ctx, &city, &o, &r, &e) == GI_OK);
    CHECK(strcmp(json_string_value(json_object_get(r, "scope")), "4510") == 0);
    json_decref(r);
    CHECK(gi_annual_view(&t.ctx, &aud, &o, &r, &e) == GI_OK);
    json_decref(r);
    CHECK(gi_annual_act_text(&t.ctx, &op, 2025, "training", "x", &e) == GI_EFORBIDDEN);
    CHECK(gi_annual_act_text(&t.ctx, &aud, 2025, "training", "x", &e) == GI_EFORBIDDEN);
    CHECK(gi_annual_act_text(&t.ctx, &city, 2025, "training", "city text", &e) == GI_OK);
    CHECK(testdb_int(&t, "SELECT count(*) FROM annual_text WHERE scope = '4510'") == 1);
    CHECK(testdb_int(&t, "SELECT count(*) FROM annual_text WHERE scope = ''") == 0);
    testdb_close(&t);
}

typedef struct {
    size_t n;
    int fail_after;
    char head[8];
} sink_t;

static int sink(void *arg, const unsigned char *p, size_t n)
{
    sink_t *s = arg;
    if (s->fail_after >= 0 && s->n >= (size_t)s->fail_after)
        return -1;
    for (size_t i = 0; i < n && s->n + i < sizeof s->head - 1; i++)
        s->head[s->n + i] = (char)p[i];
    s->n += n;
    return 0;
}

static void test_csv_and_pdf(void)
{
    json_t *r = json_loads(
        "{\"year\": 2025, \"scope\": \"45\", \"closed\": false, \"sections\": ["
        "{\"id\": \"x\", \"title\": \"一 One\", \"tables\": [{\"title\": \"T\", \"columns\": "
        "[\"名称\", \"数\"], \"rows\": [[\"=cmd()\", 42], [\"b,c\", 7]]}], "
        "\"chart\": {\"title\": \"C\", \"labels\": [\"2025-01\"], \"values\": [42]}},"
        "{\"id\": \"y\", \"title\": \"二 Two\", \"tables\": [], \"text\": \"段落\"}]}",
        0, NULL);
    CHECK(r != NULL);
    char *csv = gi_annual_csv(r);
    CHECK(csv && strstr(csv, "'=cmd()") && strstr(csv, ",42\r\n") && strstr(csv, "\"b,c\",7"));
    CHECK(csv && strstr(csv, "段落"));
    free(csv);
    sink_t ok = {0, -1, ""};
    CHECK(annual_pdf_write(r, sink, &ok) == 0);
    CHECK(ok.n > 1000 && strncmp(ok.head, "%PDF", 4) == 0);
    sink_t broken = {0, 10, ""};
    CHECK(annual_pdf_write(r, sink, &broken) == -1);
    json_decref(r);
}

/* Graded supervision and inspections: the users in force on 31 December by
 * credit class (adding up to the users), the year's inspections by result. */
static void test_grades_and_inspections(void)
{
    testdb_t t;
    world_t w;
    gi_error_t e = {0};
    setup(&t, &w);
    static const db_account_t office = {.username = "reg", .role = "regulator"};
    int64_t insp[2];
    const char *certs[] = {"GX-ZF-001", "GX-ZF-002"};
    for (int i = 0; i < 2; i++)
        CHECK(gi_inspector_add(&t.ctx, &office, "检查员", certs[i], "知识产权", "450100", &insp[i],
                               &e) == GI_OK);
    const char *dates[] = {"2025-06-01", "2026-02-01"}, *results[] = {"refused", "no_problem"};
    for (int i = 0; i < 2; i++) {
        gi_inspection_input_t in = {0,          w.op_a,
                                    w.prod,     "广西壮族自治区知识产权局",
                                    dates[i],   {"pass", "pass", "pass", "pass", "pass", "pass"},
                                    results[i], "",
                                    "",         insp,
                                    2};
        gi_ctx_t recorded = t.ctx; /* the day after the inspection */
        recorded.now = gi_day_start(dates[i]) + DAY;
        CHECK(gi_inspection_add(&recorded, &office, &in, NULL, &e) == GI_OK);
    }
    json_t *r = report(&t, 2025, "");
    CHECK(figure(r, "inspections", 0, "refused") == 1);
    CHECK(figure(r, "inspections", 0, "no_problem") == 0); /* dated 2026 */
    CHECK(figure(r, "inspections", 0, "合计") == 1);
    gi_grade_t a;
    CHECK(gi_grade_of(&t.ctx, &office, gi_grade_config_default(), w.op_a, "2025-12-31", &a, NULL,
                      &e) == GI_OK);
    CHECK(figure(r, "grades", 0, a.class_name) >= 1);
    CHECK(strcmp(a.class_name, "A") != 0); /* the refused inspection counts */
    int64_t total = 0;
    size_t i;
    json_t *row;
    json_array_foreach(rows_of(r, "grades", 0), i, row)
    {
        total += json_integer_value(json_array_get(row, 3));
    }
    CHECK(total == 2); /* A and B; C was revoked in March */
    json_decref(r);
    testdb_close(&t);
}

TEST_MAIN("annual", TEST(test_users_as_of), TEST(test_closing), TEST(test_access),
          TEST(test_csv_and_pdf), TEST(test_grades_and_inspections))
