/*
 * test_account.c - accounts, passwords, tokens, sessions; no secret stored.
 */
#include "gi/account.h"
#include "gi/registry.h"
#include "test.h"
#include "testdb.h"

#include <sqlite3.h>

static const char *pw = "correct horse battery";

static void add(testdb_t *t, const char *name, const char *role, int64_t op, const char *scope)
{
    gi_account_input_t in = {name, role, op, scope, pw};
    CHECK(gi_account_add(&t->ctx, &in, NULL, NULL) == GI_OK);
}

/* True when text occurs anywhere in the database file's SQL dump. */
static int in_database(testdb_t *t, const char *text)
{
    sqlite3 *raw;
    sqlite3_stmt *st;
    int found = 0;
    const char *tables[] = {"account", "api_token", "session", "audit_log"};
    CHECK(sqlite3_open(t->path, &raw) == SQLITE_OK);
    for (size_t i = 0; i < 4; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT * FROM %s", tables[i]);
        CHECK(sqlite3_prepare_v2(raw, sql, -1, &st, NULL) == SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW)
            for (int c = 0; c < sqlite3_column_count(st); c++) {
                const char *v = (const char *)sqlite3_column_text(st, c);
                if (v && strstr(v, text))
                    found = 1;
            }
        sqlite3_finalize(st);
    }
    sqlite3_close(raw);
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

TEST_MAIN("account", TEST(test_add_and_login), TEST(test_refusals), TEST(test_disable_and_passwd),
          TEST(test_tokens), TEST(test_sessions))
