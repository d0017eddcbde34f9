/*
 * test_registry.c - products, operators and the authorisation state machine.
 */
#include "gi/audit.h"
#include "gi/registry.h"
#include "test.h"
#include "testdb.h"

static const gi_product_input_t mango = {
    "百色芒果", "Baise Mango", "cnipa-product", "质检总局2011年第178号", "451000", "", "", ""};
static const gi_operator_input_t coop = {
    "93451003MA815908XM", "田阳芒果专业合作社", "cooperative", "451003", "0776-1234567", ""};

/* A database holding one product, one operator and a pending authorisation. */
static int64_t setup_pending(testdb_t *t)
{
    db_product_t p;
    db_operator_t o;
    db_auth_t a;
    testdb_open(t);
    CHECK(gi_product_add(&t->ctx, &mango, &p, NULL) == GI_OK);
    CHECK(gi_operator_add(&t->ctx, &coop, &o, NULL) == GI_OK);
    gi_auth_input_t in = {o.id, p.id, "2026-01-01", "2028-12-31", 50000, "", ""};
    CHECK(gi_auth_grant(&t->ctx, &in, &a, NULL) == GI_OK);
    CHECK_STR(a.status, "pending");
    return a.id;
}

static gi_err_t move(testdb_t *t, int64_t id, gi_auth_action_t action, gi_error_t *e)
{
    return gi_auth_transition(&t->ctx, id, action, "inspection", "CNIPA Announcement No. 475", NULL,
                              e);
}

static void test_product_add_and_get(void)
{
    testdb_t t;
    db_product_t p, q;
    testdb_open(&t);
    gi_product_input_t in = mango;
    in.gtin = "4006381333931";
    CHECK(gi_product_add(&t.ctx, &in, &p, NULL) == GI_OK);
    CHECK(p.id > 0);
    CHECK(gi_product_get(&t.ctx, p.id, &q, NULL) == GI_OK);
    CHECK_STR(q.name_zh, "百色芒果");
    CHECK_STR(q.gtin, "04006381333931");
    CHECK_STR(q.reg_number, "质检总局2011年第178号");
    gi_error_t e;
    CHECK(gi_product_add(&t.ctx, &in, NULL, &e) == GI_EEXISTS); /* same GTIN */
    CHECK(strstr(e.msg, "GTIN") != NULL);
    CHECK(gi_product_get(&t.ctx, 999, &q, &e) == GI_ENOTFOUND);
    testdb_close(&t);
}

static void test_product_refusals(void)
{
    testdb_t t;
    gi_error_t e;
    testdb_open(&t);
    gi_product_input_t in = mango;
    in.regime = "trademark";
    CHECK(gi_product_add(&t.ctx, &in, NULL, &e) == GI_EINVAL);
    CHECK(strstr(e.msg, "regime") != NULL);
    in = mango;
    in.region_code = "45100";
    CHECK(gi_product_add(&t.ctx, &in, NULL, &e) == GI_EINVAL);
    in = mango;
    in.gtin = "4006381333932";
    CHECK(gi_product_add(&t.ctx, &in, NULL, &e) == GI_EINVAL);
    in = mango;
    in.name_zh = "";
    CHECK(gi_product_add(&t.ctx, &in, NULL, &e) == GI_EINVAL);
    in = mango;
    in.regime = ""; /* not yet recorded: allowed */
    CHECK(gi_product_add(&t.ctx, &in, NULL, &e) == GI_OK);
    testdb_close(&t);
}

static void test_operator_uscc_rules(void)
{
    testdb_t t;
    gi_error_t e;
    db_operator_t o;
    testdb_open(&t);
    CHECK(gi_operator_add(&t.ctx, &coop, &o, &e) == GI_OK);
    CHECK(gi_operator_add(&t.ctx, &coop, NULL, &e) == GI_EEXISTS);
    CHECK(strstr(e.msg, "93451003MA815908XM") != NULL);

    gi_operator_input_t in = coop;
    in.uscc = "93451003MA815908XN"; /* wrong check character */
    CHECK(gi_operator_add(&t.ctx, &in, NULL, &e) == GI_EINVAL);
    CHECK(strstr(e.msg, "override") != NULL);
    in.uscc_override = "listed so in the 2019 register; correction requested";
    CHECK(gi_operator_add(&t.ctx, &in, &o, &e) == GI_OK);
    CHECK_STR(o.uscc_override, "listed so in the 2019 register; correction requested");

    in = coop;
    in.uscc = "93451003MA81590"; /* too short: never overridable */
    in.uscc_override = "please";
    CHECK(gi_operator_add(&t.ctx, &in, NULL, &e) == GI_EINVAL);
    in.uscc = "93451003MA815908X";
    in.kind = "farmer";
    in.uscc = "91450100MA8609132C";
    CHECK(gi_operator_add(&t.ctx, &in, NULL, &e) == GI_EINVAL);
    CHECK(strstr(e.msg, "kind") != NULL);

    db_operator_t found;
    CHECK(gi_operator_find(&t.ctx, "93451003ma815908xm", &found, NULL) == GI_OK);
    CHECK_STR(found.name, coop.name);
    CHECK(gi_operator_find(&t.ctx, "1", &found, NULL) == GI_OK);
    CHECK(gi_operator_find(&t.ctx, "91450100MA8609132C", &found, &e) == GI_ENOTFOUND);
    testdb_close(&t);
}

static void test_auth_happy_path(void)
{
    testdb_t t;
    db_auth_t a;
    int64_t id = setup_pending(&t);
    CHECK(move(&t, id, GI_AUTH_APPROVE, NULL) == GI_OK);
    CHECK(gi_auth_get(&t.ctx, id, &a, NULL) == GI_OK);
    CHECK_STR(a.status, "approved");
    CHECK_STR(a.approval_doc, "CNIPA Announcement No. 475");
    CHECK(a.approved_at == TESTDB_NOW);
    CHECK(move(&t, id, GI_AUTH_SUSPEND, NULL) == GI_OK);
    CHECK(move(&t, id, GI_AUTH_REINSTATE, NULL) == GI_OK);
    CHECK(move(&t, id, GI_AUTH_SUSPEND, NULL) == GI_OK);
    CHECK(move(&t, id, GI_AUTH_REVOKE, NULL) == GI_OK);
    CHECK(gi_auth_get(&t.ctx, id, &a, NULL) == GI_OK);
    CHECK_STR(a.status, "revoked");
    gi_audit_report_t rep;
    CHECK(gi_audit_verify(t.db, &rep, NULL) == GI_OK);
    CHECK(rep.ok);
    CHECK(rep.rows == 3 + 5); /* product, operator, grant, five transitions */
    testdb_close(&t);
}

/* Every (state, action) pair that the machine forbids is refused and changes nothing. */
static void test_auth_forbidden_transitions(void)
{
    static const struct {
        const char *state;
        gi_auth_action_t action;
    } forbidden[] = {
        {"pending", GI_AUTH_SUSPEND},   {"pending", GI_AUTH_REINSTATE},
        {"approved", GI_AUTH_APPROVE},  {"approved", GI_AUTH_REINSTATE},
        {"suspended", GI_AUTH_APPROVE}, {"suspended", GI_AUTH_SUSPEND},
        {"revoked", GI_AUTH_APPROVE},   {"revoked", GI_AUTH_SUSPEND},
        {"revoked", GI_AUTH_REINSTATE}, {"revoked", GI_AUTH_REVOKE},
    };
    for (size_t i = 0; i < sizeof forbidden / sizeof forbidden[0]; i++) {
        testdb_t t;
        gi_error_t e;
        db_auth_t before, after;
        int64_t id = setup_pending(&t);
        const char *state = forbidden[i].state;
        if (strcmp(state, "pending") != 0)
            CHECK(move(&t, id, GI_AUTH_APPROVE, NULL) == GI_OK);
        if (strcmp(state, "suspended") == 0)
            CHECK(move(&t, id, GI_AUTH_SUSPEND, NULL) == GI_OK);
        if (strcmp(state, "revoked") == 0)
            CHECK(move(&t, id, GI_AUTH_REVOKE, NULL) == GI_OK);
        CHECK(gi_auth_get(&t.ctx, id, &before, NULL) == GI_OK);
        CHECK_STR(before.status, state);
        e.msg[0] = '\0';
        CHECK(move(&t, id, forbidden[i].action, &e) == GI_EREFUSED);
        CHECK(strstr(e.msg, state) != NULL);
        CHECK(gi_auth_get(&t.ctx, id, &after, NULL) == GI_OK);
        CHECK_STR(after.status, state);
        testdb_close(&t);
    }
}

static void test_auth_expiry(void)
{
    testdb_t t;
    gi_error_t e;
    db_auth_t a;
    int64_t id = setup_pending(&t);
    CHECK(move(&t, id, GI_AUTH_APPROVE, NULL) == GI_OK);
    CHECK(gi_auth_get(&t.ctx, id, &a, NULL) == GI_OK);
    CHECK_STR(gi_auth_status(&a, "2028-12-31"), "approved");
    CHECK_STR(gi_auth_status(&a, "2029-01-01"), "expired");
    t.ctx.now += 3 * 365 * 86400LL; /* 2029 */
    CHECK(move(&t, id, GI_AUTH_SUSPEND, &e) == GI_EREFUSED);
    CHECK(strstr(e.msg, "expired") != NULL);
    CHECK(move(&t, id, GI_AUTH_REVOKE, NULL) == GI_OK);
    CHECK(gi_auth_get(&t.ctx, id, &a, NULL) == GI_OK);
    CHECK_STR(gi_auth_status(&a, "2029-01-01"), "revoked");
    testdb_close(&t);
}

static void test_auth_needs_reason_and_doc(void)
{
    testdb_t t;
    gi_error_t e;
    int64_t id = setup_pending(&t);
    CHECK(gi_auth_transition(&t.ctx, id, GI_AUTH_APPROVE, "", "", NULL, &e) == GI_EINVAL);
    CHECK(strstr(e.msg, "approval document") != NULL);
    CHECK(move(&t, id, GI_AUTH_APPROVE, NULL) == GI_OK);
    CHECK(gi_auth_transition(&t.ctx, id, GI_AUTH_SUSPEND, "", "", NULL, &e) == GI_EINVAL);
    CHECK(strstr(e.msg, "reason") != NULL);
    testdb_close(&t);
}

static void test_auth_grant_refusals(void)
{
    testdb_t t;
    gi_error_t e;
    int64_t id = setup_pending(&t);
    db_auth_t a;
    CHECK(gi_auth_get(&t.ctx, id, &a, NULL) == GI_OK);
    gi_auth_input_t in = {a.operator_id, a.product_id, "", "", 1000, "", ""};
    CHECK(gi_auth_grant(&t.ctx, &in, NULL, &e) == GI_EEXISTS); /* already holds one */
    in.product_id = 77;
    CHECK(gi_auth_grant(&t.ctx, &in, NULL, &e) == GI_ENOTFOUND);
    in.product_id = a.product_id;
    in.yearly_quota = 0;
    CHECK(gi_auth_grant(&t.ctx, &in, NULL, &e) == GI_EINVAL);
    in.yearly_quota = 10;
    in.valid_from = "2027-01-01";
    in.valid_until = "2026-01-01";
    CHECK(gi_auth_grant(&t.ctx, &in, NULL, &e) == GI_EINVAL);
    in.valid_until = "2027-02-30";
    CHECK(gi_auth_grant(&t.ctx, &in, NULL, &e) == GI_EINVAL);
    /* after revocation a new authorisation may be granted */
    CHECK(move(&t, id, GI_AUTH_REVOKE, NULL) == GI_OK);
    in.valid_from = "";
    in.valid_until = "";
    CHECK(gi_auth_grant(&t.ctx, &in, &a, &e) == GI_OK);
    CHECK_STR(a.valid_from, "2026-06-01");
    CHECK_STR(a.valid_until, "2029-06-01");
    testdb_close(&t);
}

static void test_needs_review_after_two_years(void)
{
    db_auth_t a = {0};
    snprintf(a.status, sizeof a.status, "approved");
    a.approved_at = TESTDB_NOW;
    CHECK(!gi_auth_needs_review(&a, TESTDB_NOW + 365 * 86400LL));
    CHECK(gi_auth_needs_review(&a, TESTDB_NOW + 731 * 86400LL));
    a.last_used_at = TESTDB_NOW + 365 * 86400LL;
    CHECK(!gi_auth_needs_review(&a, TESTDB_NOW + 731 * 86400LL));
    snprintf(a.status, sizeof a.status, "suspended");
    CHECK(!gi_auth_needs_review(&a, TESTDB_NOW + 2000 * 86400LL));
}

/* A grant needs the operator inside the product's protected area, or an
 * override whose reason is audited; a refusal stores nothing. */
static void test_auth_grant_protected_area(void)
{
    testdb_t t;
    gi_error_t e;
    db_product_t tea, fragrant;
    db_operator_t o;
    db_auth_t a;
    testdb_open(&t);
    gi_product_input_t liubao = {"六堡茶", "", "", "", "450400", "", "", ""};
    gi_product_input_t tianyang = {"田阳香芒", "", "", "", "451003", "", "", ""};
    CHECK(gi_product_add(&t.ctx, &liubao, &tea, NULL) == GI_OK);
    CHECK(gi_product_add(&t.ctx, &tianyang, &fragrant, NULL) == GI_OK);
    CHECK(gi_operator_add(&t.ctx, &coop, &o, NULL) == GI_OK); /* seated in 451003 */
    db_product_t baise;
    CHECK(gi_product_add(&t.ctx, &mango, &baise, NULL) == GI_OK); /* 451000: the city */

    gi_audit_report_t before;
    CHECK(gi_audit_verify(t.db, &before, NULL) == GI_OK);
    gi_auth_input_t in = {o.id, tea.id, "", "", 100, "", ""};
    CHECK(gi_auth_grant(&t.ctx, &in, NULL, &e) == GI_EREFUSED);
    CHECK(strstr(e.msg, "451003 (Tianyang District, Baise, Guangxi)") != NULL);
    CHECK(strstr(e.msg, "450400 (Wuzhou, Guangxi)") != NULL);
    gi_audit_report_t after;
    CHECK(gi_audit_verify(t.db, &after, NULL) == GI_OK);
    CHECK(after.rows == before.rows); /* nothing stored, nothing audited */
    in.area_override = "packing plant approved by the province";
    CHECK(gi_auth_grant(&t.ctx, &in, &a, &e) == GI_OK);
    CHECK_STR(a.status, "pending");

    /* inside the area: the county's own product, and the city's */
    gi_auth_input_t own = {o.id, fragrant.id, "", "", 100, "", ""};
    CHECK(gi_auth_grant(&t.ctx, &own, NULL, &e) == GI_OK);
    gi_auth_input_t city = {o.id, baise.id, "", "", 100, "", ""};
    CHECK(gi_auth_grant(&t.ctx, &city, NULL, &e) == GI_OK);

    char area[8];
    gi_product_area("451000", area);
    CHECK_STR(area, "4510");
    gi_product_area("450000", area);
    CHECK_STR(area, "45");
    gi_product_area("451003", area);
    CHECK_STR(area, "451003");
    gi_product_area("450100", area);
    CHECK_STR(area, "4501");
    testdb_close(&t);
}

/* A product's GTIN changes only with a reason, which the audit row keeps. */
static void test_product_gtin_change_needs_reason(void)
{
    testdb_t t;
    gi_error_t e;
    db_product_t p, q;
    testdb_open(&t);
    gi_product_input_t in = mango;
    in.gtin = "6901234567892";
    CHECK(gi_product_add(&t.ctx, &in, &p, NULL) == GI_OK);
    in.standard = "DB45/T 1-2026"; /* same GTIN: no reason needed */
    CHECK(gi_product_edit(&t.ctx, p.id, &in, NULL, &e) == GI_OK);
    in.gtin = "6901234567885";
    CHECK(gi_product_edit(&t.ctx, p.id, &in, NULL, &e) == GI_EINVAL);
    CHECK(strstr(e.msg, "needs a reason") != NULL);
    CHECK(gi_product_get(&t.ctx, p.id, &q, NULL) == GI_OK);
    CHECK_STR(q.gtin, "06901234567892");
    in.gtin = ""; /* removing it is a change too */
    CHECK(gi_product_edit(&t.ctx, p.id, &in, NULL, &e) == GI_EINVAL);
    in.gtin = "6901234567885";
    in.reason = "new GS1 item number for the 5 kg box";
    CHECK(gi_product_edit(&t.ctx, p.id, &in, &q, &e) == GI_OK);
    CHECK_STR(q.gtin, "06901234567885");
    char reason[128];
    CHECK(testdb_text(&t,
                      testdb_is_pg(&t) ? "SELECT detail::json->>'reason' FROM audit_log "
                                         "WHERE action = 'product.edit' ORDER BY id DESC LIMIT 1"
                                       : "SELECT json_extract(detail, '$.reason') FROM audit_log "
                                         "WHERE action = 'product.edit' ORDER BY id DESC LIMIT 1",
                      reason, sizeof reason) == 0);
    CHECK_STR(reason, "new GS1 item number for the 5 kg box");
    testdb_close(&t);
}

TEST_MAIN("registry", TEST(test_product_add_and_get), TEST(test_product_refusals),
          TEST(test_operator_uscc_rules), TEST(test_auth_happy_path),
          TEST(test_auth_forbidden_transitions), TEST(test_auth_expiry),
          TEST(test_auth_needs_reason_and_doc), TEST(test_auth_grant_refusals),
          TEST(test_needs_review_after_two_years), TEST(test_auth_grant_protected_area),
          TEST(test_product_gtin_change_needs_reason))
