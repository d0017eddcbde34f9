/*
 * accounts.c - accounts, API tokens, browser sessions and the server's kept secrets.
 */
#include "db/db.h"
#include "db/engine.h"
#include "db/records.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACCOUNT_COLUMNS                                                                            \
    "u.id, u.username, u.role, coalesce(u.operator_id, 0), u.region_scope, u.password_hash, "      \
    "u.disabled, u.created_at "
#define ACCOUNT_NCOLUMNS 8

static db_query_t q_secret_add =
    DB_QUERY("INSERT INTO secret (name, value) VALUES (?,?) ON CONFLICT DO NOTHING", 0);
static db_query_t q_secret_get = DB_QUERY("SELECT value FROM secret WHERE name = ?", 1);
static db_query_t q_account_insert =
    DB_QUERY("INSERT INTO account (username, role, operator_id, region_scope, "
             "password_hash, disabled, created_at) VALUES (?,?,nullif(?, 0),?,?,?,?) RETURNING id",
             1);
static db_query_t q_account_get =
    DB_QUERY("SELECT " ACCOUNT_COLUMNS "FROM account u WHERE u.id = ?", ACCOUNT_NCOLUMNS);
static db_query_t q_account_find =
    DB_QUERY("SELECT " ACCOUNT_COLUMNS "FROM account u WHERE u.username = ?", ACCOUNT_NCOLUMNS);
static db_query_t q_account_list_operator = DB_QUERY(
    "SELECT " ACCOUNT_COLUMNS "FROM account u WHERE u.operator_id = ? ORDER BY u.id LIMIT 200",
    ACCOUNT_NCOLUMNS);
static db_query_t q_account_set_password =
    DB_QUERY("UPDATE account SET password_hash = ? WHERE id = ?", 0);
static db_query_t q_account_set_disabled =
    DB_QUERY("UPDATE account SET disabled = ? WHERE id = ?", 0);
static db_query_t q_token_insert =
    DB_QUERY("INSERT INTO api_token (account_id, token_hash, name, created_at) "
             "VALUES (?,?,?,?) RETURNING id",
             1);
static db_query_t q_token_find =
    DB_QUERY("SELECT " ACCOUNT_COLUMNS "FROM api_token t JOIN account u "
             "ON u.id = t.account_id WHERE t.token_hash = ? AND t.revoked_at IS NULL",
             ACCOUNT_NCOLUMNS);
static db_query_t q_token_revoke =
    DB_QUERY("UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", 0);
static db_query_t q_token_revoke_account = DB_QUERY("UPDATE api_token SET revoked_at = ? "
                                                    "WHERE account_id = ? AND revoked_at IS NULL",
                                                    0);
static db_query_t q_session_insert =
    DB_QUERY("INSERT INTO session (id_hash, account_id, csrf, created_at, "
             "expires_at) VALUES (?,?,?,?,?)",
             0);
static db_query_t q_session_find =
    DB_QUERY("SELECT " ACCOUNT_COLUMNS ", s.csrf FROM session s JOIN account u "
             "ON u.id = s.account_id WHERE s.id_hash = ? AND s.expires_at > ?",
             ACCOUNT_NCOLUMNS + 1);
static db_query_t q_session_delete = DB_QUERY("DELETE FROM session WHERE id_hash = ?", 0);
static db_query_t q_session_delete_account =
    DB_QUERY("DELETE FROM session WHERE account_id = ?", 0);

/* --- accounts, tokens, sessions ---------------------------------------------------- */

/* Reads ACCOUNT_COLUMNS from column 0; returns the column after them. */
static int account_from_row(db_stmt_t *st, db_account_t *a)
{
    memset(a, 0, sizeof *a);
    int i = 0;
    a->id = db_col_int(st, i++);
    db_col_text(st, i++, a->username, sizeof a->username);
    db_col_text(st, i++, a->role, sizeof a->role);
    a->operator_id = db_col_int(st, i++);
    db_col_text(st, i++, a->region_scope, sizeof a->region_scope);
    db_col_text(st, i++, a->password_hash, sizeof a->password_hash);
    a->disabled = (int)db_col_int(st, i++);
    a->created_at = db_col_int(st, i++);
    assert(i == ACCOUNT_NCOLUMNS);
    return i;
}

static db_err_t account_one(db_t *db, db_stmt_t *st, db_account_t *out)
{
    db_err_t rc = db_step_one(db, st, "account");
    if (rc == DB_OK)
        account_from_row(st, out);
    db_stmt_reset(st);
    return rc;
}

db_err_t db_account_insert(db_t *db, db_account_t *a)
{
    db_stmt_t *st = db_stmt(db, &q_account_insert);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, a->username);
    db_bind_text(st, 2, a->role);
    db_bind_int(st, 3, a->operator_id);
    db_bind_text(st, 4, a->region_scope);
    db_bind_text(st, 5, a->password_hash);
    db_bind_int(st, 6, a->disabled);
    db_bind_int(st, 7, a->created_at);
    return db_insert_id(db, st, "insert account", &a->id);
}

db_err_t db_account_get(db_t *db, int64_t id, db_account_t *out)
{
    db_stmt_t *st = db_stmt(db, &q_account_get);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, id);
    return account_one(db, st, out);
}

db_err_t db_account_find(db_t *db, const char *username, db_account_t *out)
{
    db_release_snapshot(db); /* a password is checked as it is now, never from a held snapshot */
    db_stmt_t *st = db_stmt(db, &q_account_find);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, username);
    return account_one(db, st, out);
}

static int account_row(db_stmt_t *st, void *ctx)
{
    db_list_ctx_t *c = ctx;
    db_account_t a;
    account_from_row(st, &a);
    return ((db_account_fn)c->fn)(&a, c->arg);
}

db_err_t db_account_list_operator(db_t *db, int64_t operator_id, db_account_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_account_list_operator);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, operator_id);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "list accounts", account_row, &c);
}

/* Runs an UPDATE of one row by id; DB_ENOTFOUND when no row changed. */
static db_err_t update_one(db_t *db, db_stmt_t *st, const char *what)
{
    db_err_t rc = db_step_done(db, st, what);
    if (rc == DB_OK && db_changes(db) != 1)
        return db_fail(db, DB_ENOTFOUND, "%s: not found", what);
    return rc;
}

db_err_t db_account_set_password(db_t *db, int64_t id, const char *password_hash)
{
    db_stmt_t *st = db_stmt(db, &q_account_set_password);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, password_hash);
    db_bind_int(st, 2, id);
    return update_one(db, st, "account");
}

db_err_t db_account_set_disabled(db_t *db, int64_t id, int disabled)
{
    db_stmt_t *st = db_stmt(db, &q_account_set_disabled);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, disabled);
    db_bind_int(st, 2, id);
    return update_one(db, st, "account");
}

db_err_t db_token_insert(db_t *db, int64_t account_id, const unsigned char hash[DB_HASH_LEN],
                         const char *name, int64_t at, int64_t *id)
{
    db_stmt_t *st = db_stmt(db, &q_token_insert);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, account_id);
    db_bind_blob(st, 2, hash, DB_HASH_LEN);
    db_bind_text(st, 3, name);
    db_bind_int(st, 4, at);
    int64_t made = 0;
    db_err_t rc = db_insert_id(db, st, "insert token", &made);
    if (rc == DB_OK && id)
        *id = made;
    return rc;
}

db_err_t db_token_find(db_t *db, const unsigned char hash[DB_HASH_LEN], db_account_t *out)
{
    db_release_snapshot(db); /* credentials are read as they are now, never from a held snapshot */
    db_stmt_t *st = db_stmt(db, &q_token_find);
    if (!st)
        return DB_EIO;
    db_bind_blob(st, 1, hash, DB_HASH_LEN);
    return account_one(db, st, out);
}

db_err_t db_token_revoke(db_t *db, int64_t id, int64_t at)
{
    db_stmt_t *st = db_stmt(db, &q_token_revoke);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, at);
    db_bind_int(st, 2, id);
    return update_one(db, st, "token");
}

/* Runs a change of any number of rows; *n receives how many changed. */
static db_err_t change_many(db_t *db, db_stmt_t *st, const char *what, int64_t *n)
{
    db_err_t rc = db_step_done(db, st, what);
    if (n)
        *n = rc == DB_OK ? db_changes(db) : 0;
    return rc;
}

db_err_t db_token_revoke_account(db_t *db, int64_t account_id, int64_t at, int64_t *n)
{
    db_stmt_t *st = db_stmt(db, &q_token_revoke_account);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, at);
    db_bind_int(st, 2, account_id);
    return change_many(db, st, "revoke tokens", n);
}

db_err_t db_session_insert(db_t *db, const unsigned char hash[DB_HASH_LEN], int64_t account_id,
                           const char *csrf, int64_t at, int64_t expires_at)
{
    db_stmt_t *st = db_stmt(db, &q_session_insert);
    if (!st)
        return DB_EIO;
    db_bind_blob(st, 1, hash, DB_HASH_LEN);
    db_bind_int(st, 2, account_id);
    db_bind_text(st, 3, csrf);
    db_bind_int(st, 4, at);
    db_bind_int(st, 5, expires_at);
    return db_step_done(db, st, "insert session");
}

db_err_t db_session_find(db_t *db, const unsigned char hash[DB_HASH_LEN], int64_t now,
                         db_account_t *out, char csrf[72])
{
    db_release_snapshot(db); /* credentials are read as they are now, never from a held snapshot */
    db_stmt_t *st = db_stmt(db, &q_session_find);
    if (!st)
        return DB_EIO;
    db_bind_blob(st, 1, hash, DB_HASH_LEN);
    db_bind_int(st, 2, now);
    db_err_t rc = db_step_one(db, st, "session");
    if (rc == DB_OK) {
        db_col_text(st, account_from_row(st, out), csrf, 72);
    }
    db_stmt_reset(st);
    return rc;
}

db_err_t db_session_delete(db_t *db, const unsigned char hash[DB_HASH_LEN])
{
    db_stmt_t *st = db_stmt(db, &q_session_delete);
    if (!st)
        return DB_EIO;
    db_bind_blob(st, 1, hash, DB_HASH_LEN);
    return db_step_done(db, st, "delete session");
}

db_err_t db_session_delete_account(db_t *db, int64_t account_id, int64_t *n)
{
    db_stmt_t *st = db_stmt(db, &q_session_delete_account);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, account_id);
    return change_many(db, st, "end sessions", n);
}

db_err_t db_secret_get_or_add(db_t *db, const char *name, const unsigned char *fresh,
                              unsigned char *out, size_t len)
{
    db_stmt_t *st = db_stmt(db, &q_secret_add);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, name);
    db_bind_blob(st, 2, fresh, len);
    db_err_t rc = db_step_done(db, st, "add secret");
    if (rc != DB_OK || !(st = db_stmt(db, &q_secret_get)))
        return DB_EIO;
    db_bind_text(st, 1, name);
    rc = db_step_one(db, st, "secret");
    if (rc == DB_OK) {
        if (db_col_blob(st, 0, out, len) != len)
            rc = db_fail(db, DB_EIO, "secret %s has the wrong length", name);
    }
    db_stmt_reset(st);
    return rc;
}
