/*
 * test_account.c - accounts, passwords, tokens, sessions; no secret stored;
 * what ends sessions and tokens; a refused sign-in costs the same time
 * whatever the reason.
 */
#include "gi/account.h"
#include "gi/registry.h"
#include "test.h"
#include "testdb.h"

#include <sodium.h>
#include <stdlib.h>
#include <time.h>

static const char *pw = "correct horse battery";

static void add(testdb_t *t, const char *name, const char *role, int64_t op, const char *scope)
{
    gi_account_input_t in = {name, role, op, scope, pw};
    CHECK(gi_account_add(&t->ctx, &in, NULL, NULL) == GI_OK);
}

/* True when text occurs in any value of the tables that hold secrets' traces. */
static int in_database(testdb_t *t, const char *text)
{
    int found = 0;
    const char *tables[] = {"account", "api_token", "session", "audit_log"};
    for (size_t i = 0; i < 4; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT * FROM %s", tables[i]);
        int r = testdb_contains(t, sql, text);
        CHECK(r >= 0);
        if (r > 0)
            found = 1;
    }
    return found;
}

static void test_add_and_login(void)
{
    testdb_t t;
    gi_error_t e;
    db_account_t a;
    testdb_open(&t);
    add(&t, "alice", "regulator", 0, "45");
    CHECK(gi_account_login(&t.ctx, "alice", pw, &a, &e) == GI_OK);
    CHECK_STR(a.role, "regulator");
    CHECK_STR(a.region_scope, "45");
    CHECK(strncmp(a.password_hash, "$argon2id$", 10) == 0);
    CHECK(gi_account_login(&t.ctx, "alice", "wrong password!", NULL, &e) == GI_EREFUSED);
    CHECK_STR(e.msg, "wrong username or password");
    CHECK(gi_account_login(&t.ctx, "nobody", pw, NULL, &e) == GI_EREFUSED);
    CHECK_STR(e.msg, "wrong username or password");
    CHECK(!in_database(&t, pw));
    testdb_close(&t);
}

static void test_refusals(void)
{
    testdb_t t;
    gi_error_t e;
    testdb_open(&t);
    gi_account_input_t in = {"bob", "regulator", 0, "", "short"};
    CHECK(gi_account_add(&t.ctx, &in, NULL, &e) == GI_EINVAL);
    CHECK(strstr(e.msg, "10") != NULL);
    in = (gi_account_input_t){"Bob!", "regulator", 0, "", pw};
    CHECK(gi_account_add(&t.ctx, &in, NULL, &e) == GI_EINVAL);
    in = (gi_account_input_t){"bob", "admin", 0, "", pw};
    CHECK(gi_account_add(&t.ctx, &in, NULL, &e) == GI_EINVAL);
    in = (gi_account_input_t){"bob", "operator", 0, "", pw};
    CHECK(gi_account_add(&t.ctx, &in, NULL, &e) == GI_EINVAL); /* operator without operator */
    in = (gi_account_input_t){"bob", "operator", 7, "", pw};
    CHECK(gi_account_add(&t.ctx, &in, NULL, &e) == GI_ENOTFOUND);
    in = (gi_account_input_t){"bob", "auditor", 0, "451", pw};
    CHECK(gi_account_add(&t.ctx, &in, NULL, &e) == GI_EINVAL); /* odd-length prefix */
    add(&t, "bob", "auditor", 0, "4510");
    in = (gi_account_input_t){"bob", "auditor", 0, "", pw};
    CHECK(gi_account_add(&t.ctx, &in, NULL, &e) == GI_EEXISTS);
    testdb_close(&t);
}

static void test_disable_and_passwd(void)
{
    testdb_t t;
    gi_error_t e;
    testdb_open(&t);
    add(&t, "carol", "auditor", 0, "");
    CHECK(gi_account_set_password(&t.ctx, "carol", "a brand new secret", &e) == GI_OK);
    CHECK(gi_account_login(&t.ctx, "carol", pw, NULL, &e) == GI_EREFUSED);
    CHECK(gi_account_login(&t.ctx, "carol", "a brand new secret", NULL, &e) == GI_OK);
    CHECK(gi_account_set_disabled(&t.ctx, "carol", 1, &e) == GI_OK);
    CHECK(gi_account_login(&t.ctx, "carol", "a brand new secret", NULL, &e) == GI_EREFUSED);
    CHECK(gi_account_set_password(&t.ctx, "nobody", "a brand new secret", &e) == GI_ENOTFOUND);
    testdb_close(&t);
}

static void test_tokens(void)
{
    testdb_t t;
    gi_error_t e;
    char token[GI_TOKEN_MAX];
    int64_t id;
    db_account_t a;
    testdb_open(&t);
    gi_product_input_t p = {"六堡茶", "", "", "", "450400", "", "", ""};
    gi_operator_input_t o = {"91450100MA8609132C", "茶业公司", "company", "450100", "", ""};
    db_operator_t op;
    CHECK(gi_product_add(&t.ctx, &p, NULL, NULL) == GI_OK);
    CHECK(gi_operator_add(&t.ctx, &o, &op, NULL) == GI_OK);
    add(&t, "coop", "operator", op.id, "");
    CHECK(gi_token_create(&t.ctx, "coop", "print house", token, &id, &e) == GI_OK);
    CHECK(strncmp(token, "gmk_", 4) == 0);
    CHECK(strlen(token) == 47);
    CHECK(gi_token_resolve(&t.ctx, token, &a, &e) == GI_OK);
    CHECK(a.operator_id == op.id);
    CHECK(!in_database(&t, token));
    CHECK(!in_database(&t, token + 4));
    char other[GI_TOKEN_MAX];
    snprintf(other, sizeof other, "%s", token);
    other[10] = other[10] == 'A' ? 'B' : 'A';
    CHECK(gi_token_resolve(&t.ctx, other, &a, &e) == GI_EREFUSED);
    CHECK(gi_token_resolve(&t.ctx, "Bearer nonsense", &a, &e) == GI_EREFUSED);
    CHECK(gi_token_revoke(&t.ctx, id, &e) == GI_OK);
    CHECK(gi_token_resolve(&t.ctx, token, &a, &e) == GI_EREFUSED);
    CHECK(gi_token_revoke(&t.ctx, id, &e) == GI_ENOTFOUND);
    testdb_close(&t);
}

static void test_sessions(void)
{
    testdb_t t;
    gi_error_t e;
    char sid[GI_SESSION_MAX], csrf[GI_CSRF_MAX], got_csrf[GI_CSRF_MAX];
    db_account_t a;
    testdb_open(&t);
    add(&t, "dave", "regulator", 0, "");
    CHECK(gi_account_login(&t.ctx, "dave", pw, &a, &e) == GI_OK);
    CHECK(gi_session_create(&t.ctx, a.id, 3600, sid, csrf, &e) == GI_OK);
    CHECK(strcmp(sid, csrf) != 0);
    CHECK(gi_session_resolve(&t.ctx, sid, &a, got_csrf, &e) == GI_OK);
    CHECK_STR(got_csrf, csrf);
    CHECK(!in_database(&t, sid));
    t.ctx.now += 3601;
    CHECK(gi_session_resolve(&t.ctx, sid, &a, got_csrf, &e) == GI_EREFUSED);
    t.ctx.now -= 3601;
    CHECK(gi_session_end(&t.ctx, sid, &e) == GI_OK);
    CHECK(gi_session_resolve(&t.ctx, sid, &a, got_csrf, &e) == GI_EREFUSED);
    testdb_close(&t);
}

/* Rows of the audit log with this action. */
static int audit_rows(testdb_t *t, const char *action)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM audit_log WHERE action = '%s'", action);
    return (int)testdb_int(t, sql);
}

/* passwd and disable end every session of the account; a disabled
 * account's tokens stop working; token revoke --all ends every token. */
static void test_what_ends_sessions(void)
{
    testdb_t t;
    gi_error_t e;
    db_account_t a, got;
    char sid[2][GI_SESSION_MAX], csrf[GI_CSRF_MAX], other_sid[GI_SESSION_MAX];
    char token[2][GI_TOKEN_MAX];
    int64_t id, n = -1;
    testdb_open(&t);
    add(&t, "erin", "regulator", 0, "");
    add(&t, "fred", "regulator", 0, "");
    CHECK(gi_account_login(&t.ctx, "erin", pw, &a, &e) == GI_OK);
    for (int i = 0; i < 2; i++)
        CHECK(gi_session_create(&t.ctx, a.id, 3600, sid[i], csrf, &e) == GI_OK);
    CHECK(gi_account_login(&t.ctx, "fred", pw, &got, &e) == GI_OK);
    CHECK(gi_session_create(&t.ctx, got.id, 3600, other_sid, csrf, &e) == GI_OK);
    CHECK(gi_session_resolve(&t.ctx, sid[0], &got, csrf, &e) == GI_OK);
    CHECK(gi_account_set_password(&t.ctx, "erin", "a brand new secret", &e) == GI_OK);
    CHECK(gi_session_resolve(&t.ctx, sid[0], &got, csrf, &e) == GI_EREFUSED);
    CHECK(gi_session_resolve(&t.ctx, sid[1], &got, csrf, &e) == GI_EREFUSED);
    CHECK(gi_session_resolve(&t.ctx, other_sid, &got, csrf, &e) == GI_OK); /* only erin's */
    CHECK(audit_rows(&t, "account.passwd") == 1);

    CHECK(gi_session_create(&t.ctx, a.id, 3600, sid[0], csrf, &e) == GI_OK);
    for (int i = 0; i < 2; i++)
        CHECK(gi_token_create(&t.ctx, "erin", "", token[i], &id, &e) == GI_OK);
    CHECK(gi_token_resolve(&t.ctx, token[0], &got, &e) == GI_OK);
    CHECK(gi_account_set_disabled(&t.ctx, "erin", 1, &e) == GI_OK);
    CHECK(gi_session_resolve(&t.ctx, sid[0], &got, csrf, &e) == GI_EREFUSED);
    CHECK(gi_token_resolve(&t.ctx, token[0], &got, &e) == GI_EREFUSED);
    CHECK(gi_account_set_disabled(&t.ctx, "erin", 0, &e) == GI_OK);
    /* enabled again: the session stays ended, the tokens work again */
    CHECK(gi_session_resolve(&t.ctx, sid[0], &got, csrf, &e) == GI_EREFUSED);
    CHECK(gi_token_resolve(&t.ctx, token[0], &got, &e) == GI_OK);

    CHECK(gi_token_revoke_all(&t.ctx, "erin", &n, &e) == GI_OK);
    CHECK(n == 2);
    for (int i = 0; i < 2; i++)
        CHECK(gi_token_resolve(&t.ctx, token[i], &got, &e) == GI_EREFUSED);
    CHECK(gi_token_revoke_all(&t.ctx, "erin", &n, &e) == GI_OK && n == 0);
    CHECK(audit_rows(&t, "token.revoke_all") == 2);
    CHECK(gi_token_revoke_all(&t.ctx, "nobody", &n, &e) == GI_ENOTFOUND);
    testdb_close(&t);
}

/* The dummy every refused sign-in verifies against has the parameters real
 * hashes are made with, so it costs the same. */
static void test_dummy_hash(void)
{
    testdb_t t;
    db_account_t a;
    testdb_open(&t);
    add(&t, "gina", "auditor", 0, "");
    CHECK(db_account_find(t.db, "gina", &a) == DB_OK);
    const char *salt = strrchr(a.password_hash, '$') - 22; /* parameters end before the salt */
    size_t params = (size_t)(salt - a.password_hash);
    CHECK(strlen(gi_account_dummy_hash) == strlen(a.password_hash));
    CHECK(strncmp(gi_account_dummy_hash, a.password_hash, params) == 0);
    CHECK(crypto_pwhash_str_needs_rehash(gi_account_dummy_hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                         crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0);
    testdb_close(&t);
}

static double login_seconds(testdb_t *t, const char *name, const char *password)
{
    struct timespec t0, t1;
    gi_error_t e;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(gi_account_login(&t->ctx, name, password, NULL, &e) == GI_EREFUSED);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A password past the limit costs an existing account what it costs a
 * missing one (before, the existing account skipped the hash: a name could
 * be told to exist by a fast answer). Medians of 5 alternating tries; the
 * factor allows for a loaded machine. */
static void test_refusal_timing(void)
{
    enum { TRIES = 5 };
    testdb_t t;
    char long_pw[GI_PASSWORD_MAX + 40];
    double have[TRIES], missing[TRIES], wrong[TRIES];
    memset(long_pw, 'x', sizeof long_pw - 1);
    long_pw[sizeof long_pw - 1] = '\0';
    testdb_open(&t);
    add(&t, "hank", "auditor", 0, "");
    for (int i = 0; i < TRIES; i++) {
        have[i] = login_seconds(&t, "hank", long_pw);
        missing[i] = login_seconds(&t, "nobody-here", long_pw);
        wrong[i] = login_seconds(&t, "hank", "a wrong password");
    }
    qsort(have, TRIES, sizeof have[0], by_value);
    qsort(missing, TRIES, sizeof missing[0], by_value);
    qsort(wrong, TRIES, sizeof wrong[0], by_value);
    double h = have[TRIES / 2], m = missing[TRIES / 2], w = wrong[TRIES / 2];
    fprintf(stderr,
            "  refused sign-in, medians of %d: existing + over-long %.1f ms, missing + "
            "over-long %.1f ms, existing + wrong %.1f ms\n",
            TRIES, h * 1e3, m * 1e3, w * 1e3);
    CHECK(h > m / 2.5 && h < m * 2.5);
    CHECK(w > m / 2.5 && w < m * 2.5);
    CHECK(m > 0.01); /* a real argon2id check ran, not a shortcut */
    testdb_close(&t);
}

/* A worker connection holding a snapshot (web/server.c) checks a password
 * as it is now: a changed password counts at once, the old one no more (on
 * the old code a worker idle since its last read still saw the old hash). */
static void test_login_reads_now(void)
{
    testdb_t t;
    gi_error_t e;
    char err[256];
    int64_t n, first;
    testdb_open(&t);
    add(&t, "ivan", "auditor", 0, "");
    db_t *worker = db_open(t.path, err, sizeof err);
    CHECK(worker != NULL);
    db_hold_snapshots(worker, 600000);
    CHECK(db_scan_count(worker, "CODE", &n, &first) == DB_OK); /* a snapshot is held */
    gi_ctx_t wctx = {worker, "test", TESTDB_NOW, NULL};
    CHECK(gi_account_set_password(&t.ctx, "ivan", "a brand new secret", &e) == GI_OK);
    CHECK(gi_account_login(&wctx, "ivan", "a brand new secret", NULL, &e) == GI_OK);
    CHECK(gi_account_login(&wctx, "ivan", pw, NULL, &e) == GI_EREFUSED);
    db_close(worker);
    testdb_close(&t);
}

TEST_MAIN("account", TEST(test_add_and_login), TEST(test_refusals), TEST(test_disable_and_passwd),
          TEST(test_tokens), TEST(test_sessions), TEST(test_what_ends_sessions),
          TEST(test_dummy_hash), TEST(test_refusal_timing), TEST(test_login_reads_now))
