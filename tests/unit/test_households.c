/*
 * test_households.c - member households and production bases: fixed-point
 * quantities, season quotas, the refusal past a quota and its audited
 * override, and the totals of a batch kept through every move; a label's
 * origin on the verify path.
 */
#include "gi/access.h"
#include "gi/audit.h"
#include "gi/batch.h"
#include "gi/households.h"
#include "gi/registry.h"
#include "gi/verify.h"
#include "test.h"
#include "testdb.h"

typedef struct {
    int64_t product, op, other_op, auth;
} world_t;

/* A product of Tianyang (451003), its cooperative with an approved
 * authorisation, and a processor of Nanning authorised for it too. */
static world_t setup(testdb_t *t)
{
    world_t w = {0};
    db_product_t p;
    db_operator_t o, proc;
    db_auth_t a, pa;
    testdb_open(t);
    gi_product_input_t prod = {"田阳香芒", "", "", "", "451003", "", "", ""};
    gi_operator_input_t op = {"93451003MA815908XM", "合作社", "cooperative", "451003", "", ""};
    gi_operator_input_t pop = {"91450100MA8609132C", "加工企业", "company", "450127", "", ""};
    CHECK(gi_product_add(&t->ctx, &prod, &p, NULL) == GI_OK);
    CHECK(gi_operator_add(&t->ctx, &op, &o, NULL) == GI_OK);
    CHECK(gi_operator_add(&t->ctx, &pop, &proc, NULL) == GI_OK);
    gi_auth_input_t in = {o.id, p.id, "2026-01-01", "2028-12-31", 100000, "No. 475", ""};
    CHECK(gi_auth_grant(&t->ctx, &in, &a, NULL) == GI_OK);
    CHECK(gi_auth_transition(&t->ctx, a.id, GI_AUTH_APPROVE, "", "", NULL, NULL) == GI_OK);
    gi_auth_input_t pin = {proc.id, p.id, "2026-01-01", "2028-12-31", 1000, "No. 476", "packs it"};
    CHECK(gi_auth_grant(&t->ctx, &pin, &pa, NULL) == GI_OK);
    w.product = p.id;
    w.op = o.id;
    w.other_op = proc.id;
    w.auth = a.id;
    return w;
}

/* A household of 3.5 mu, 800 kg a mu, 2.5 kg a label: 1120 labels a season. */
static int64_t household(testdb_t *t, const world_t *w, const char *area)
{
    gi_producer_input_t in = {"household", w->op,          w->product, "黄某", "13800000000",
                              "451003",    "百育镇四那村", "",         "",     area,
                              "800",       "kg",           "2.5"};
    db_producer_t p;
    gi_error_t e;
    gi_err_t rc = gi_producer_add(&t->ctx, &in, &p, &e);
    if (rc != GI_OK)
        printf("  household: %s\n", e.msg);
    return rc == GI_OK ? p.id : -(int64_t)rc;
}

static int64_t base(testdb_t *t, const world_t *w)
{
    gi_producer_input_t in = {"base",     w->op,   w->product, "百育基地", "",   "451003", "百育镇",
                              "planting", "GAP-1", "100",      "1000",     "kg", "5"};
    db_producer_t p;
    CHECK(gi_producer_add(&t->ctx, &in, &p, NULL) == GI_OK);
    return p.id;
}

static int64_t issued(testdb_t *t, int64_t auth, int64_t count)
{
    gi_batch_request_t in = {auth, count, "LOT-1", "2026-05-20", "", ""};
    db_batch_t b = {0};
    CHECK(gi_batch_request(&t->ctx, &in, &b, NULL) == GI_OK);
    gi_ctx_t reviewer = t->ctx;
    reviewer.actor = "user:reviewer";
    CHECK(gi_batch_decide(&reviewer, b.id, 1, "", NULL, NULL) == GI_OK);
    CHECK(gi_batch_issue(&t->ctx, b.id, NULL, NULL, NULL) == GI_OK);
    return b.id;
}

static gi_err_t allocate(testdb_t *t, int64_t batch, int64_t first, int64_t last, int64_t producer,
                         const char *override, int64_t *id)
{
    gi_allocate_t in = {batch, first, last, 0, producer, NULL, 0, override};
    db_allocation_t a;
    gi_error_t e;
    gi_err_t rc = gi_allocate(&t->ctx, &in, &a, &e);
    if (rc == GI_OK && id)
        *id = a.id;
    return rc;
}

static gi_err_t move(testdb_t *t, int64_t batch, int64_t alloc, int64_t producer,
                     const char *processor, int to_operator)
{
    gi_allocate_t in = {batch, 0, 0, alloc, producer, processor, to_operator, ""};
    gi_error_t e;
    return gi_allocate(&t->ctx, &in, NULL, &e);
}

typedef struct {
    int64_t sum, ranges;
} sum_t;

static int add_range(const db_allocation_t *a, void *arg)
{
    sum_t *s = arg;
    s->sum += a->last_seq - a->first_seq + 1;
    s->ranges++;
    return 0;
}

/* allocated (the batch's count) = the sum of its ranges, and allocated +
 * the labels in no range (counted one by one) = the batch's size. */
static void totals_hold(testdb_t *t, int64_t batch, int64_t count, int64_t want_allocated)
{
    gi_allocation_totals_t tot;
    sum_t s = {0, 0};
    int64_t labels_unallocated = -1;
    CHECK(gi_allocations(&t->ctx, batch, add_range, &s, &tot, NULL) == GI_OK);
    CHECK(gi_allocations_check(&t->ctx, batch, &labels_unallocated, NULL) == GI_OK);
    CHECK(tot.count == count);
    CHECK(tot.allocated == want_allocated);
    CHECK(s.sum == tot.allocated && tot.in_ranges == tot.allocated);
    CHECK(tot.allocated + tot.unallocated == count);
    CHECK(tot.allocated + labels_unallocated == count); /* counted label by label */
}

static void test_fixed_point(void)
{
    int64_t v = 0;
    CHECK(gi_parse_fixed("3.25", 2, 1, 1000000, &v) == 0 && v == 325);
    CHECK(gi_parse_fixed("3", 2, 1, 1000000, &v) == 0 && v == 300);
    CHECK(gi_parse_fixed("0.01", 2, 1, 1000000, &v) == 0 && v == 1);
    CHECK(gi_parse_fixed("2.5", 3, 1, 1000000, &v) == 0 && v == 2500);
    const char *bad[] = {"",      "3.",  ".5",  "-1",   "+1",  "1e3", "3.255",
                         " 3",    "3 ",  "0",   "0.00", "1,5", "１",  "99999999999999999999",
                         "1.2.3", "NaN", "0x10"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(gi_parse_fixed(bad[i], 2, 1, 100000000, &v) == -1);
    CHECK(gi_parse_fixed("1000000.01", 2, 1, 100000000, &v) == -1); /* past the maximum */
    char s[32];
    gi_fixed_text(325, 2, s, sizeof s);
    CHECK_STR(s, "3.25");
    gi_fixed_text(350, 2, s, sizeof s);
    CHECK_STR(s, "3.5");
    gi_fixed_text(2500, 3, s, sizeof s);
    CHECK_STR(s, "2.5");
    gi_fixed_text(1, 3, s, sizeof s);
    CHECK_STR(s, "0.001");
}

static void test_quota(void)
{
    db_producer_t p = {.area_cmu = 350, .yield_per_mu = 800, .per_label_milli = 2500};
    CHECK(gi_producer_quota(&p) == 1120); /* 3.5 mu x 800 kg / 2.5 kg */
    p = (db_producer_t){.area_cmu = 625, .yield_per_mu = 1600, .per_label_milli = 2500};
    CHECK(gi_producer_quota(&p) == 4000);
    p = (db_producer_t){.area_cmu = 1, .yield_per_mu = 1, .per_label_milli = 3000};
    CHECK(gi_producer_quota(&p) == 0); /* rounded down */
    /* the largest the schema allows does not overflow */
    p = (db_producer_t){.area_cmu = 100000000, .yield_per_mu = 1000000, .per_label_milli = 1};
    CHECK(gi_producer_quota(&p) == INT64_C(1000000000000000));
}

static void test_producer_checks(void)
{
    testdb_t t;
    world_t w = setup(&t);
    gi_error_t e;
    db_producer_t p;
    CHECK(household(&t, &w, "3.5") > 0);
    gi_producer_input_t in = {"household", w.op, w.product, "黄某", "",   "451003", "四那村",
                              "",          "",   "3.5",     "800",  "kg", "2.5"};
    in.region_code = "450400"; /* Wuzhou: outside the product's protected area */
    CHECK(gi_producer_add(&t.ctx, &in, &p, &e) == GI_EREFUSED);
    in.region_code = "4510031"; /* not a county code */
    CHECK(gi_producer_add(&t.ctx, &in, &p, &e) == GI_EINVAL);
    in.region_code = "451003";
    in.operator_id = w.other_op + 1; /* no such operator */
    CHECK(gi_producer_add(&t.ctx, &in, &p, &e) == GI_ENOTFOUND);
    in.operator_id = w.op;
    in.village = ""; /* a household names its village */
    CHECK(gi_producer_add(&t.ctx, &in, &p, &e) == GI_EINVAL);
    in.village = "四那村";
    in.name = "黄\xe2\x80\xae某"; /* a bidi override */
    CHECK(gi_producer_add(&t.ctx, &in, &p, &e) == GI_EINVAL);
    in.name = "\xff\xfe";
    CHECK(gi_producer_add(&t.ctx, &in, &p, &e) == GI_EINVAL);
    char long_name[400];
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    in.name = long_name;
    CHECK(gi_producer_add(&t.ctx, &in, &p, &e) == GI_EINVAL);
    in.name = "黄某";
    in.base_type = "planting"; /* a household has none */
    CHECK(gi_producer_add(&t.ctx, &in, &p, &e) == GI_EINVAL);
    in.base_type = "";
    in.area = "-3";
    CHECK(gi_producer_add(&t.ctx, &in, &p, &e) == GI_EINVAL);
    in.area = "3.5";
    in.yield = "99999999999";
    CHECK(gi_producer_add(&t.ctx, &in, &p, &e) == GI_EINVAL);
    in.yield = "800";
    in.yield_unit = "ton";
    CHECK(gi_producer_add(&t.ctx, &in, &p, &e) == GI_EINVAL);
    gi_producer_input_t b = {"base",    w.op, w.product, "基地", "",   "451003", "",
                             "fishing", "",   "10",      "100",  "kg", "1"};
    CHECK(gi_producer_add(&t.ctx, &b, &p, &e) == GI_EINVAL); /* not a base type */
    /* an operator without an authorisation for the product */
    gi_producer_input_t none = in;
    db_product_t other;
    gi_product_input_t prod = {"百色芒果", "", "", "", "451000", "", "", ""};
    CHECK(gi_product_add(&t.ctx, &prod, &other, NULL) == GI_OK);
    none.product_id = other.id;
    none.yield_unit = "kg";
    CHECK(gi_producer_add(&t.ctx, &none, &p, &e) == GI_EREFUSED);
    /* none of the refusals left a trace */
    CHECK(testdb_int_on(&t, 0, "SELECT count(*) FROM producer") == 1);
    testdb_close(&t);
}

static void test_refused_past_quota_override_audited(void)
{
    testdb_t t;
    world_t w = setup(&t);
    int64_t h = household(&t, &w, "3.5"); /* 1120 labels */
    int64_t batch = issued(&t, w.auth, 2000);
    int64_t audit = testdb_int_on(&t, 0, "SELECT count(*) FROM audit_log");
    CHECK(allocate(&t, batch, 1, 1121, h, "", NULL) == GI_EREFUSED);
    CHECK(testdb_int_on(&t, 0, "SELECT count(*) FROM audit_log") == audit);
    CHECK(testdb_int_on(&t, 0, "SELECT count(*) FROM allocation") == 0);
    totals_hold(&t, batch, 2000, 0);
    /* up to the quota in two ranges, then one label more is refused */
    CHECK(allocate(&t, batch, 1, 1000, h, "", NULL) == GI_OK);
    CHECK(allocate(&t, batch, 1001, 1120, h, "", NULL) == GI_OK);
    CHECK(allocate(&t, batch, 1121, 1121, h, "", NULL) == GI_EREFUSED);
    /* with a reason it goes through, and the audit row keeps the reason */
    int64_t id = 0;
    CHECK(allocate(&t, batch, 1121, 1200, h, "two plots pooled after the flood", &id) == GI_OK);
    CHECK(testdb_contains(&t,
                          "SELECT detail FROM audit_log WHERE action = 'batch.allocate' ORDER BY "
                          "id DESC LIMIT 1",
                          "two plots pooled after the flood") == 1);
    CHECK(testdb_contains(&t, "SELECT override FROM allocation WHERE override <> ''",
                          "two plots pooled") == 1);
    totals_hold(&t, batch, 2000, 1200);
    /* a reason that is not clean text is refused like any other */
    CHECK(allocate(&t, batch, 1201, 1300, h, "bad\x01reason", NULL) == GI_EINVAL);
    /* the audit chain still verifies */
    gi_audit_report_t rep;
    CHECK(gi_audit_verify(t.db, &rep, NULL) == GI_OK && rep.ok);
    testdb_close(&t);
}

static void test_totals_conserved_across_moves(void)
{
    testdb_t t;
    world_t w = setup(&t);
    int64_t h = household(&t, &w, "3.5"), b = base(&t, &w); /* base: 20000 labels */
    int64_t batch = issued(&t, w.auth, 500);
    int64_t a1 = 0, a2 = 0, a3 = 0;
    CHECK(allocate(&t, batch, 1, 100, h, "", &a1) == GI_OK);
    CHECK(allocate(&t, batch, 101, 250, b, "", &a2) == GI_OK);
    CHECK(allocate(&t, batch, 400, 500, h, "", &a3) == GI_OK);
    totals_hold(&t, batch, 500, 351);
    /* overlapping, out of the batch, reversed or empty ranges are refused */
    CHECK(allocate(&t, batch, 250, 260, b, "", NULL) == GI_EREFUSED);
    CHECK(allocate(&t, batch, 300, 400, b, "", NULL) == GI_EREFUSED);
    CHECK(allocate(&t, batch, 1, 500, b, "", NULL) == GI_EREFUSED);
    CHECK(allocate(&t, batch, 450, 501, b, "", NULL) == GI_EINVAL);
    CHECK(allocate(&t, batch, 0, 5, b, "", NULL) == GI_EINVAL);
    CHECK(allocate(&t, batch, 260, 259, b, "", NULL) == GI_EINVAL);
    totals_hold(&t, batch, 500, 351);
    /* household -> base -> processor -> household -> the operator, whole ranges */
    CHECK(move(&t, batch, a1, b, NULL, 0) == GI_OK);
    totals_hold(&t, batch, 500, 351);
    CHECK(move(&t, batch, a1, b, NULL, 0) == GI_EREFUSED); /* with that holder already */
    CHECK(move(&t, batch, a1, 0, "91450100MA8609132C", 0) == GI_OK);
    totals_hold(&t, batch, 500, 351);
    CHECK(move(&t, batch, a1, h, NULL, 0) == GI_OK);
    totals_hold(&t, batch, 500, 351);
    CHECK(move(&t, batch, a2, 0, NULL, 1) == GI_OK); /* back to the cooperative */
    totals_hold(&t, batch, 500, 201);
    CHECK(move(&t, batch, a2, h, NULL, 0) == GI_ENOTFOUND); /* it is gone */
    /* the freed labels can be allocated again */
    CHECK(allocate(&t, batch, 101, 250, b, "", &a2) == GI_OK);
    totals_hold(&t, batch, 500, 351);
    /* a processor that is not authorised, or the batch's own operator, is refused */
    CHECK(move(&t, batch, a3, 0, "93451003MA815908XM", 0) == GI_EREFUSED);
    CHECK(move(&t, batch, a3, 0, "91450100MA8609132X", 0) == GI_EREFUSED);
    /* a move past the new holder's quota: household holds 100 + 101, quota 1120 */
    int64_t big = issued(&t, w.auth, 2000), a4 = 0;
    CHECK(allocate(&t, big, 1, 1000, b, "", &a4) == GI_OK);
    CHECK(move(&t, big, a4, h, NULL, 0) == GI_EREFUSED);
    totals_hold(&t, big, 2000, 1000);
    /* an allocation of another batch is not this batch's */
    CHECK(move(&t, batch, a4, h, NULL, 0) == GI_ENOTFOUND);
    totals_hold(&t, batch, 500, 351);
    testdb_close(&t);
}

static void test_only_labels_of_issued_batches(void)
{
    testdb_t t;
    world_t w = setup(&t);
    int64_t h = household(&t, &w, "3.5");
    gi_batch_request_t in = {w.auth, 100, "LOT-2", "", "", ""};
    db_batch_t b = {0};
    CHECK(gi_batch_request(&t.ctx, &in, &b, NULL) == GI_OK);
    CHECK(allocate(&t, b.id, 1, 10, h, "", NULL) == GI_EREFUSED); /* no labels yet */
    CHECK(allocate(&t, 999999, 1, 10, h, "", NULL) == GI_ENOTFOUND);
    int64_t batch = issued(&t, w.auth, 100);
    CHECK(gi_batch_void(&t.ctx, batch, "misprint", NULL, NULL) == GI_OK);
    CHECK(allocate(&t, batch, 1, 10, h, "", NULL) == GI_EREFUSED);
    testdb_close(&t);
}

static void test_origin_on_the_verify_path(void)
{
    testdb_t t;
    world_t w = setup(&t);
    int64_t h = household(&t, &w, "3.5"), b = base(&t, &w);
    int64_t batch = issued(&t, w.auth, 30);
    CHECK(gi_batch_activate(&t.ctx, batch, NULL, NULL) == GI_OK);
    char code[3][20];
    for (int i = 0; i < 3; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT code FROM label WHERE batch_id = %lld AND seq = %d",
                 (long long)batch,
                 i == 0   ? 5
                 : i == 1 ? 15
                          : 25);
        CHECK(testdb_text_on(&t, 0, sql, code[i], sizeof code[i]) == 0);
    }
    db_label_view_t v;
    CHECK(db_label_find(t.db, code[0], &v) == DB_OK);
    CHECK(v.batch.allocated == 0 && !v.origin.found);
    CHECK(allocate(&t, batch, 1, 10, h, "", NULL) == GI_OK);
    CHECK(allocate(&t, batch, 11, 20, b, "", NULL) == GI_OK);
    CHECK(db_label_find(t.db, code[0], &v) == DB_OK);
    CHECK(v.batch.allocated == 20 && v.origin.found);
    CHECK_STR(v.origin.kind, "household");
    CHECK_STR(v.origin.village, "百育镇四那村");
    CHECK_STR(v.origin.region_code, "451003");
    CHECK(db_label_find(t.db, code[1], &v) == DB_OK);
    CHECK(v.origin.found);
    CHECK_STR(v.origin.kind, "base");
    CHECK_STR(v.origin.base_type, "planting");
    CHECK(db_label_find(t.db, code[2], &v) == DB_OK); /* label 25: with the cooperative */
    CHECK(!v.origin.found);
    /* the JSON for consumers names no person */
    CHECK(db_label_find(t.db, code[0], &v) == DB_OK);
    json_t *j = gi_json_origin(&v.origin);
    char *s = json_dumps(j, JSON_COMPACT);
    CHECK(s && strstr(s, "四那村") && !strstr(s, "黄某") && !strstr(s, "13800000000"));
    free(s);
    json_decref(j);
    /* a connection that holds snapshots sees an allocation made elsewhere */
    char errbuf[256];
    db_t *reader = db_open(t.path, errbuf, sizeof errbuf);
    CHECK(reader != NULL);
    db_hold_snapshots(reader, 600000);
    CHECK(db_label_find(reader, code[2], &v) == DB_OK && !v.origin.found); /* its batch cached */
    CHECK(allocate(&t, batch, 21, 30, h, "", NULL) == GI_OK);
    /* a change begun on the reader ends its held snapshot; the next lookup
     * takes a new one, in which the cached batch view is stale and dropped */
    CHECK(db_begin(reader) == DB_OK);
    db_rollback(reader);
    CHECK(db_label_find(reader, code[2], &v) == DB_OK && v.origin.found);
    CHECK_STR(v.origin.kind, "household");
    db_close(reader);
    testdb_close(&t);
}

static void test_access(void)
{
    testdb_t t;
    world_t w = setup(&t);
    int64_t h = household(&t, &w, "3.5");
    int64_t batch = issued(&t, w.auth, 100);
    db_account_t own = {.username = "coop", .role = "operator", .operator_id = w.op};
    db_account_t other = {.username = "proc", .role = "operator", .operator_id = w.other_op};
    db_account_t auditor = {.username = "aud", .role = "auditor", .region_scope = "45"};
    db_account_t wuzhou = {.username = "wz", .role = "regulator", .region_scope = "4504"};
    db_account_t baise = {.username = "bs", .role = "regulator", .region_scope = "4510"};
    gi_allocate_t in = {batch, 1, 10, 0, h, NULL, 0, ""};
    gi_error_t e;
    CHECK(gi_act_allocate(&t.ctx, &other, &in, NULL, &e) == GI_ENOTFOUND);
    CHECK(gi_act_allocate(&t.ctx, &wuzhou, &in, NULL, &e) == GI_ENOTFOUND);
    CHECK(gi_act_allocate(&t.ctx, &auditor, &in, NULL, &e) == GI_EFORBIDDEN);
    CHECK(gi_act_allocate(&t.ctx, &own, &in, NULL, &e) == GI_OK);
    in.first_seq = 11, in.last_seq = 20;
    CHECK(gi_act_allocate(&t.ctx, &baise, &in, NULL, &e) == GI_OK);
    db_producer_t p;
    CHECK(gi_view_producer(&t.ctx, &other, h, &p, &e) == GI_ENOTFOUND);
    CHECK(gi_view_producer(&t.ctx, &wuzhou, h, &p, &e) == GI_ENOTFOUND);
    CHECK(gi_view_producer(&t.ctx, &own, h, &p, &e) == GI_OK);
    gi_producer_input_t add = {"household", w.op, w.product, "梁某", "",   "451003", "新立村",
                               "",          "",   "1",       "800",  "kg", "2.5"};
    CHECK(gi_act_producer_add(&t.ctx, &other, &add, NULL, &e) == GI_ENOTFOUND);
    CHECK(gi_act_producer_add(&t.ctx, &auditor, &add, NULL, &e) == GI_EFORBIDDEN);
    CHECK(gi_act_producer_add(&t.ctx, &own, &add, NULL, &e) == GI_OK);
    CHECK(testdb_int_on(&t, 0, "SELECT count(*) FROM producer") == 2);
    testdb_close(&t);
}

TEST_MAIN("households", TEST(test_fixed_point), TEST(test_quota), TEST(test_producer_checks),
          TEST(test_refused_past_quota_override_audited), TEST(test_totals_conserved_across_moves),
          TEST(test_only_labels_of_issued_batches), TEST(test_origin_on_the_verify_path),
          TEST(test_access))
