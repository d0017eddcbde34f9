/*
 * test_access.c - the role rules: every role against every action on its
 * own records, another operator's, a product and a record outside its scope.
 */
#include "gi/access.h"
#include "test.h"

#define OK  GI_OK
#define NF  GI_ENOTFOUND
#define REF GI_EFORBIDDEN

static db_account_t account(const char *role, int64_t operator_id, const char *scope)
{
    db_account_t a = {0};
    snprintf(a.username, sizeof a.username, "%s-user", role);
    snprintf(a.role, sizeof a.role, "%s", role);
    snprintf(a.region_scope, sizeof a.region_scope, "%s", scope);
    a.operator_id = operator_id;
    return a;
}

/* Subjects: operator 7's record in Baise (451003), operator 8's record in
 * Nanning (450100), a product of Baise, and a record outside Guangxi. */
static const gi_subject_t own = {"451003", 7};
static const gi_subject_t other = {"450100", 8};
static const gi_subject_t product = {"451000", 0};
static const gi_subject_t outside = {"110101", 9};

typedef struct {
    const char *what;
    db_account_t account;
    gi_err_t want[4][GI_ACT_COUNT]; /* own, other, product, outside */
} row_t;

static void check_row(const row_t *r)
{
    const gi_subject_t *subjects[4] = {&own, &other, &product, &outside};
    for (int s = 0; s < 4; s++) {
        for (int act = 0; act < GI_ACT_COUNT; act++) {
            gi_error_t e;
            gi_err_t got = gi_access(&r->account, (gi_action_t)act, subjects[s], &e);
            if (got != r->want[s][act])
                fprintf(stderr, "  %s, subject %d, %s: got %s, want %s\n", r->what, s,
                        gi_action_name((gi_action_t)act), gi_err_name(got),
                        gi_err_name(r->want[s][act]));
            CHECK(got == r->want[s][act]);
        }
    }
}

/* columns: read register auth-decide batch-request batch-decide batch-use report-triage
 * oversee usage-file usage-decide supervise */
static void test_matrix(void)
{
    const row_t rows[] = {
        {"regulator of Guangxi",
         account("regulator", 0, "45"),
         {{OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK},
          {OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK},
          {OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK},
          {NF, NF, NF, NF, NF, NF, NF, NF, NF, NF, NF}}},
        {"regulator of Baise",
         account("regulator", 0, "4510"),
         {{OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK},
          {NF, NF, NF, NF, NF, NF, NF, NF, NF, NF, NF},
          {OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK},
          {NF, NF, NF, NF, NF, NF, NF, NF, NF, NF, NF}}},
        {"national regulator",
         account("regulator", 0, ""),
         {{OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK},
          {OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK},
          {OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK},
          {OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK}}},
        {"auditor of Guangxi",
         account("auditor", 0, "45"),
         {{OK, REF, REF, REF, REF, REF, REF, OK, REF, REF, REF},
          {OK, REF, REF, REF, REF, REF, REF, OK, REF, REF, REF},
          {OK, REF, REF, REF, REF, REF, REF, OK, REF, REF, REF},
          {NF, NF, NF, NF, NF, NF, NF, NF, NF, NF, NF}}},
        /* an operator files its own use reports and decides nothing */
        {"operator 7",
         account("operator", 7, ""),
         {{OK, REF, REF, OK, REF, OK, REF, REF, OK, REF, REF},
          {NF, NF, NF, NF, NF, NF, NF, NF, NF, NF, NF},
          {OK, REF, REF, REF, REF, REF, REF, REF, REF, REF, REF},
          {NF, NF, NF, NF, NF, NF, NF, NF, NF, NF, NF}}},
    };
    _Static_assert(GI_ACT_COUNT == 11, "a column per action");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        check_row(&rows[i]);
}

static void test_disabled_and_unknown_roles(void)
{
    gi_error_t e;
    db_account_t a = account("regulator", 0, "");
    a.disabled = 1;
    CHECK(gi_access(&a, GI_ACT_READ, &own, &e) == GI_EFORBIDDEN);
    CHECK(strstr(e.msg, "disabled") != NULL);
    db_account_t b = account("admin", 0, "");
    CHECK(gi_access(&b, GI_ACT_READ, &own, &e) == GI_EFORBIDDEN);
    db_account_t c = account("operator", 7, "");
    CHECK(gi_access(&c, GI_ACT_BATCH_DECIDE, &own, &e) == GI_EFORBIDDEN);
    CHECK(strstr(e.msg, "an operator account may not decide on batches") != NULL);
    CHECK(gi_access(&c, GI_ACT_COUNT, &own, &e) == GI_EINVAL);
}

TEST_MAIN("access", TEST(test_matrix), TEST(test_disabled_and_unknown_roles))
