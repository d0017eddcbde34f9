/*
 * test_rules.c - what the labelling rules ask printed (gi/rules.h): a
 * product's number or the office's decision to print it without one, who
 * may record and withdraw that decision, and the approval document number.
 */
#include "gi/audit.h"
#include "gi/registry.h"
#include "gi/rules.h"
#include "test.h"
#include "testdb.h"

#define AUDITED(t, action)                                                                         \
    testdb_int(t, "SELECT count(*) FROM audit_log WHERE action = '" action "'")

static const gi_product_input_t bare = {"田阳香芒", "", "", "", "451003", "", "", ""};

static const db_account_t regulator = {
    .username = "reg", .role = "regulator", .region_scope = "45"};

/* A number or a standard is enough; neither is refused, naming the product
 * and both ways out; the decision lets it print, its withdrawal stops it. */
static void test_printable(void)
{
    testdb_t t;
    db_product_t p;
    gi_error_t e;
    testdb_open(&t);
    gi_product_input_t in = bare;
    in.reg_number = "国家质检总局公告2007年第102号";
    CHECK(gi_product_add(&t.ctx, &in, &p, NULL) == GI_OK);
    CHECK(gi_rules_product_printable(&p, &e) == GI_OK);
    in.reg_number = "";
    in.standard = "DB45/T 1-2026";
    CHECK(gi_product_add(&t.ctx, &in, &p, NULL) == GI_OK);
    CHECK(gi_rules_product_printable(&p, &e) == GI_OK);
    CHECK(gi_product_add(&t.ctx, &bare, &p, NULL) == GI_OK);
    CHECK(gi_rules_product_printable(&p, &e) == GI_EREFUSED);
    CHECK(strstr(e.msg, "product 3 (田阳香芒) has no announcement or registration number") != NULL);
    CHECK(strstr(e.msg, "/admin/products/3/edit") != NULL);
    CHECK(strstr(e.msg, "gimark product allow-unnumbered 3 --reason TEXT") != NULL);
    CHECK(strstr(e.msg, "/admin/products/3/numbers") != NULL);

    CHECK(gi_act_product_unnumbered(&t.ctx, &regulator, 3, 1, "参考数据未载编号", &p, &e) == GI_OK);
    CHECK_STR(p.unnumbered_reason, "参考数据未载编号");
    CHECK_STR(p.unnumbered_by, "test");
    CHECK(p.unnumbered_at == TESTDB_NOW);
    CHECK(gi_rules_product_printable(&p, &e) == GI_OK);
    CHECK(AUDITED(&t, "product.unnumbered.allow") == 1);
    /* recorded again: the new reason, the old one kept in the audit row */
    CHECK(gi_act_product_unnumbered(&t.ctx, &regulator, 3, 1, "second reason", &p, &e) == GI_OK);
    CHECK_STR(p.unnumbered_reason, "second reason");
    /* the audit row's detail holds text as JSON escapes: the old reason's key */
    CHECK(testdb_contains(&t, "SELECT detail FROM audit_log ORDER BY id DESC LIMIT 1", "before"));

    CHECK(gi_act_product_unnumbered(&t.ctx, &regulator, 3, 0, "number found", &p, &e) == GI_OK);
    CHECK_STR(p.unnumbered_reason, "");
    CHECK_STR(p.unnumbered_by, "");
    CHECK(p.unnumbered_at == 0);
    CHECK(gi_rules_product_printable(&p, &e) == GI_EREFUSED);
    CHECK(AUDITED(&t, "product.unnumbered.withdraw") == 1);
    gi_audit_report_t rep;
    CHECK(gi_audit_verify(t.db, &rep, NULL) == GI_OK && rep.ok);
    testdb_close(&t);
}

/* Refusals leave nothing: a product with a number needs no decision, no
 * decision cannot be withdrawn, hostile reasons, unknown products. */
static void test_refusals(void)
{
    testdb_t t;
    db_product_t p;
    gi_error_t e;
    testdb_open(&t);
    gi_product_input_t in = bare;
    in.standard = "DB45/T 1-2026";
    CHECK(gi_product_add(&t.ctx, &in, &p, NULL) == GI_OK);   /* 1: a standard */
    CHECK(gi_product_add(&t.ctx, &bare, &p, NULL) == GI_OK); /* 2: nothing */
    int64_t rows = testdb_int(&t, "SELECT count(*) FROM audit_log");
    CHECK(gi_act_product_unnumbered(&t.ctx, &regulator, 1, 1, "x", NULL, &e) == GI_EREFUSED);
    CHECK(strstr(e.msg, "the standard DB45/T 1-2026") && strstr(e.msg, "needs no decision"));
    CHECK(gi_act_product_unnumbered(&t.ctx, &regulator, 2, 0, "x", NULL, &e) == GI_EREFUSED);
    CHECK(strstr(e.msg, "to withdraw") != NULL);
    char long_reason[1100];
    memset(long_reason, 'a', 201);
    long_reason[201] = '\0';
    const struct {
        const char *reason, *want;
    } bad[] = {
        {"", "reason is required"},
        {NULL, "reason is required"},
        {long_reason, "too long"},
        {"no \xe2\x80\xae number", "U+202E"},
        {"\xe2\x81\xa6isolate\xe2\x81\xa9", "U+2066"},
        {"bad \xff byte", "not valid UTF-8"},
        {"two\nlines", "control character"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(gi_act_product_unnumbered(&t.ctx, &regulator, 2, 1, bad[i].reason, NULL, &e) ==
              GI_EINVAL);
        CHECK(strstr(e.msg, bad[i].want) != NULL);
    }
    /* 200 characters of three bytes each is the limit, and fits */
    char ok_reason[700] = "";
    for (int i = 0; i < 200; i++)
        strcat(ok_reason, "理");
    CHECK(gi_act_product_unnumbered(&t.ctx, &regulator, 999, 1, "x", NULL, &e) == GI_ENOTFOUND);
    CHECK(testdb_int(&t, "SELECT count(*) FROM audit_log") == rows);
    CHECK(gi_act_product_unnumbered(&t.ctx, &regulator, 2, 1, ok_reason, &p, &e) == GI_OK);
    CHECK(strlen(p.unnumbered_reason) == 600);
    testdb_close(&t);
}

/* Regulators of the product's region decide; one outside it does not see
 * the product; auditors and operators see it and may not decide. */
static void test_who_decides(void)
{
    testdb_t t;
    db_product_t p;
    gi_error_t e;
    testdb_open(&t);
    CHECK(gi_product_add(&t.ctx, &bare, &p, NULL) == GI_OK); /* Tianyang, 451003 */
    const db_account_t city = {.username = "city", .role = "regulator", .region_scope = "4510"};
    const db_account_t nanning = {.username = "nn", .role = "regulator", .region_scope = "4501"};
    const db_account_t auditor = {.username = "aud", .role = "auditor", .region_scope = "45"};
    const db_account_t op = {.username = "coop", .role = "operator", .operator_id = 1};
    int64_t rows = testdb_int(&t, "SELECT count(*) FROM audit_log");
    CHECK(gi_act_product_unnumbered(&t.ctx, &nanning, 1, 1, "x", NULL, &e) == GI_ENOTFOUND);
    CHECK(gi_act_product_unnumbered(&t.ctx, &auditor, 1, 1, "x", NULL, &e) == GI_EFORBIDDEN);
    CHECK(gi_act_product_unnumbered(&t.ctx, &op, 1, 1, "x", NULL, &e) == GI_EFORBIDDEN);
    CHECK(testdb_int(&t, "SELECT count(*) FROM audit_log") == rows);
    CHECK(gi_act_product_unnumbered(&t.ctx, &city, 1, 1, "x", NULL, &e) == GI_OK);
    CHECK(gi_act_product_unnumbered(&t.ctx, &auditor, 1, 0, "x", NULL, &e) == GI_EFORBIDDEN);
    CHECK(gi_act_product_unnumbered(&t.ctx, &nanning, 1, 0, "x", NULL, &e) == GI_ENOTFOUND);
    CHECK(gi_act_product_unnumbered(&t.ctx, &city, 1, 0, "y", NULL, &e) == GI_OK);
    testdb_close(&t);
}

/* The approval number only when asked for; asked for and missing, refused
 * naming where it is recorded. */
static void test_approval_no(void)
{
    db_auth_t a = {.id = 7};
    const char *out = "unset";
    gi_error_t e;
    CHECK(gi_rules_approval_no(&a, 0, &out, &e) == GI_OK && out == NULL);
    CHECK(gi_rules_approval_no(&a, 1, &out, &e) == GI_EREFUSED && out == NULL);
    CHECK(strstr(e.msg, "authorisation 7 has no approval document number") != NULL);
    CHECK(strstr(e.msg, "gimark auth approve 7 --doc") != NULL);
    snprintf(a.approval_doc, sizeof a.approval_doc, "桂知发〔2026〕12号");
    CHECK(gi_rules_approval_no(&a, 1, &out, &e) == GI_OK && out == a.approval_doc);
    CHECK(gi_rules_approval_no(&a, 0, &out, &e) == GI_OK && out == NULL);
}

TEST_MAIN("rules", TEST(test_printable), TEST(test_refusals), TEST(test_who_decides),
          TEST(test_approval_no))
