/*
 * test_act_account.c - operator accounts made and disabled by a signed-in
 * regulator (gi_act_account_add, gi_act_account_set_disabled,
 * gi_act_accounts): the password is new each time, works once made and is
 * never stored in clear; a city regulator outside its region, an auditor,
 * an operator and a regulator's own account are refused, leaving nothing.
 */
#include "gi/act.h"
#include "test.h"
#include "testdb.h"

#include <string.h>

static const gi_operator_input_t inside = {
    "93451003MA815908XM", "田阳芒果专业合作社", "cooperative", "451003", "", ""};
static const gi_operator_input_t outside = {
    "91450100MA8609132C", "南宁茉莉花茶业有限公司", "company", "450100", "", ""};

static db_account_t who(const char *role, const char *scope, int64_t operator_id)
{
    db_account_t a = {0};
    a.id = 999;
    snprintf(a.username, sizeof a.username, "%s", role);
    snprintf(a.role, sizeof a.role, "%s", role);
    snprintf(a.region_scope, sizeof a.region_scope, "%s", scope);
    a.operator_id = operator_id;
    return a;
}

static int count(const db_account_t *a, void *arg)
{
    (void)a;
    ++*(int *)arg;
    return 0;
}

static void test_made_and_disabled(void)
{
    testdb_t t;
    gi_error_t e;
    db_operator_t o;
    db_account_t made, again;
    char pw[GI_PASSWORD_ONCE_LEN + 1], pw2[GI_PASSWORD_ONCE_LEN + 1];
    testdb_open(&t);
    CHECK(gi_operator_add(&t.ctx, &inside, &o, NULL) == GI_OK);
    db_account_t city = who("regulator", "4510", 0);
    CHECK(gi_act_account_add(&t.ctx, &city, o.id, "clerk-1", pw, &made, &e) == GI_OK);
    CHECK(strlen(pw) == GI_PASSWORD_ONCE_LEN);
    CHECK_STR(made.role, "operator");
    CHECK(made.operator_id == o.id);
    CHECK(gi_account_login(&t.ctx, "clerk-1", pw, NULL, &e) == GI_OK);
    CHECK(testdb_contains(&t, "SELECT * FROM account", pw) == 0);
    CHECK(testdb_contains(&t, "SELECT * FROM audit_log", pw) == 0);
    CHECK(gi_act_account_add(&t.ctx, &city, o.id, "clerk-2", pw2, &again, &e) == GI_OK);
    CHECK(strcmp(pw, pw2) != 0);
    CHECK(gi_act_account_add(&t.ctx, &city, o.id, "clerk-2", pw2, NULL, &e) == GI_EEXISTS);
    CHECK(pw2[0] == '\0'); /* no password handed out for an account not made */
    int n = 0;
    CHECK(gi_act_accounts(&t.ctx, &city, o.id, count, &n, &e) == GI_OK);
    CHECK(n == 2);
    CHECK(gi_act_account_set_disabled(&t.ctx, &city, made.id, 1, NULL, &e) == GI_OK);
    CHECK(gi_account_login(&t.ctx, "clerk-1", pw, NULL, &e) == GI_EREFUSED);
    CHECK(testdb_int(&t, "SELECT count(*) FROM audit_log WHERE action = 'account.disable'") == 1);
    CHECK(gi_act_account_set_disabled(&t.ctx, &city, made.id, 0, NULL, &e) == GI_OK);
    CHECK(gi_account_login(&t.ctx, "clerk-1", pw, NULL, &e) == GI_OK);
    testdb_close(&t);
}

static void test_refused(void)
{
    testdb_t t;
    gi_error_t e;
    db_operator_t in, out;
    db_account_t made;
    char pw[GI_PASSWORD_ONCE_LEN + 1];
    testdb_open(&t);
    CHECK(gi_operator_add(&t.ctx, &inside, &in, NULL) == GI_OK);
    CHECK(gi_operator_add(&t.ctx, &outside, &out, NULL) == GI_OK);
    db_account_t province = who("regulator", "45", 0);
    CHECK(gi_act_account_add(&t.ctx, &province, out.id, "nanning", pw, &made, &e) == GI_OK);
    int64_t accounts = testdb_int(&t, "SELECT count(*) FROM account");
    int64_t audit = testdb_int(&t, "SELECT count(*) FROM audit_log");
    db_account_t city = who("regulator", "4510", 0), auditor = who("auditor", "45", 0);
    db_account_t op = who("operator", "", in.id);
    CHECK(gi_act_account_add(&t.ctx, &city, out.id, "x-1", pw, NULL, &e) == GI_ENOTFOUND);
    CHECK(pw[0] == '\0');
    CHECK(gi_act_account_add(&t.ctx, &auditor, in.id, "x-2", pw, NULL, &e) == GI_EFORBIDDEN);
    CHECK(gi_act_account_add(&t.ctx, &op, in.id, "x-3", pw, NULL, &e) == GI_EFORBIDDEN);
    CHECK(gi_act_account_add(&t.ctx, &province, 424242, "x-4", pw, NULL, &e) == GI_ENOTFOUND);
    CHECK(gi_act_account_add(&t.ctx, &province, in.id, "Bad Name", pw, NULL, &e) == GI_EINVAL);
    CHECK(gi_act_account_set_disabled(&t.ctx, &city, made.id, 1, NULL, &e) == GI_ENOTFOUND);
    CHECK(gi_act_account_set_disabled(&t.ctx, &auditor, made.id, 1, NULL, &e) == GI_EFORBIDDEN);
    int n = 0;
    CHECK(gi_act_accounts(&t.ctx, &op, in.id, count, &n, &e) == GI_EFORBIDDEN);
    CHECK(gi_act_accounts(&t.ctx, &city, out.id, count, &n, &e) == GI_ENOTFOUND);
    /* a regulator's account is no operator account: not found from the desk */
    gi_account_input_t reg = {"province", "regulator", 0, "45", "a long enough password"};
    db_account_t r;
    CHECK(gi_account_add(&t.ctx, &reg, &r, &e) == GI_OK);
    CHECK(gi_act_account_set_disabled(&t.ctx, &province, r.id, 1, NULL, &e) == GI_ENOTFOUND);
    CHECK(gi_account_login(&t.ctx, "province", "a long enough password", NULL, &e) == GI_OK);
    CHECK(testdb_int(&t, "SELECT count(*) FROM account") == accounts + 1);
    CHECK(testdb_int(&t, "SELECT count(*) FROM audit_log") == audit + 1);
    testdb_close(&t);
}

TEST_MAIN("act_account", TEST(test_made_and_disabled), TEST(test_refused))
