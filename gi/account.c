/*
 * account.c - accounts, password hashing, API tokens and sessions.
 */
#include "gi/account.h"
#include "gi/audit.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define TOKEN_PREFIX "gmk_"
#define SECRET_BYTES 32

static const char *const roles[] = {"regulator", "auditor", "operator", NULL};

static int known_role(const char *role)
{
    for (int i = 0; role && roles[i]; i++)
        if (strcmp(role, roles[i]) == 0)
            return 1;
    return 0;
}

static gi_err_t check_password(const char *password, gi_error_t *err)
{
    size_t n = password ? strlen(password) : 0;
    if (n < GI_PASSWORD_MIN)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_PASSWORD_TOO_SHORT,
                            "a password needs at least %d characters", GI_PASSWORD_MIN);
    if (n > GI_PASSWORD_MAX)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_PASSWORD_TOO_LONG,
                            "a password has at most %d characters", GI_PASSWORD_MAX);
    return GI_OK;
}

static gi_err_t hash_password(const char *password, char out[crypto_pwhash_STRBYTES],
                              gi_error_t *err)
{
    if (crypto_pwhash_str_alg(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return gi_fail(err, GI_ENOMEM, "not enough memory to hash the password");
    return GI_OK;
}

static gi_err_t check_account_input(const gi_account_input_t *in, gi_error_t *err)
{
    gi_err_t rc;
    size_t n = in->username ? strlen(in->username) : 0;
    if (n < 2 || n > 64 || strspn(in->username, "abcdefghijklmnopqrstuvwxyz0123456789._-") != n)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_USERNAME_INVALID,
                            "a username is 2 to 64 of a-z 0-9 . _ -");
    if (!known_role(in->role))
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_ROLE_INVALID,
                            "role '%s' is not regulator, auditor or operator",
                            in->role ? in->role : "");
    if ((strcmp(in->role, "operator") == 0) != (in->operator_id > 0))
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_ACCOUNT_OPERATOR_MISMATCH,
                            "an operator account names its operator, and only it does");
    size_t scope = in->region_scope ? strlen(in->region_scope) : 0;
    if (scope > 6 || strspn(in->region_scope ? in->region_scope : "", "0123456789") != scope ||
        scope % 2 == 1)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_REGION_SCOPE_INVALID,
                            "region scope '%s' is not a GB/T 2260 prefix (45, 4510 or 451003)",
                            in->region_scope);
    if ((rc = check_password(in->password, err)) != GI_OK)
        return rc;
    return GI_OK;
}

gi_err_t gi_account_add(const gi_ctx_t *ctx, const gi_account_input_t *in, db_account_t *out,
                        gi_error_t *err)
{
    db_account_t a = {0};
    db_operator_t op;
    gi_err_t rc = check_account_input(in, err);
    if (rc != GI_OK)
        return rc;
    snprintf(a.username, sizeof a.username, "%s", in->username);
    snprintf(a.role, sizeof a.role, "%s", in->role);
    snprintf(a.region_scope, sizeof a.region_scope, "%s", in->region_scope ? in->region_scope : "");
    a.operator_id = in->operator_id;
    a.created_at = ctx->now;
    if ((rc = hash_password(in->password, a.password_hash, err)) != GI_OK ||
        (rc = gi_change_begin(ctx, err)) != GI_OK)
        return rc;
    if (a.operator_id > 0 && db_operator_get(ctx->db, a.operator_id, &op) != DB_OK) {
        rc = gi_fail(err, GI_ENOTFOUND, "no operator with id %" PRId64, a.operator_id);
        return gi_change_end(ctx, rc, err);
    }
    db_err_t drc = db_account_insert(ctx->db, &a);
    if (drc == DB_EEXISTS)
        rc = gi_fail_rule(err, GI_EEXISTS, GI_RULE_USERNAME_TAKEN,
                          "an account named %s exists already", a.username);
    else
        rc = gi_db_fail(ctx->db, drc, err);
    if (rc == GI_OK) {
        json_t *d =
            json_pack("{s:s, s:s, s:I, s:s}", "username", a.username, "role", a.role, "operator_id",
                      (json_int_t)a.operator_id, "region_scope", a.region_scope);
        rc = gi_audit_record(ctx, "account.add", "account", a.id, d, err);
        json_decref(d);
    }
    rc = gi_change_end(ctx, rc, err);
    if (rc == GI_OK && out)
        *out = a;
    return rc;
}

static gi_err_t find_account(const gi_ctx_t *ctx, const char *username, db_account_t *a,
                             gi_error_t *err)
{
    db_err_t drc = db_account_find(ctx->db, username ? username : "", a);
    if (drc == DB_ENOTFOUND)
        return gi_fail(err, GI_ENOTFOUND, "no account named %s", username ? username : "");
    return gi_db_fail(ctx->db, drc, err);
}

/* Ends every session of account id inside the caller's change; the count
 * goes into the audit detail d. */
static gi_err_t end_sessions(const gi_ctx_t *ctx, int64_t id, json_t *d, gi_error_t *err)
{
    int64_t n = 0;
    gi_err_t rc = gi_db_fail(ctx->db, db_session_delete_account(ctx->db, id, &n), err);
    if (rc == GI_OK && d)
        json_object_set_new(d, "sessions_ended", json_integer((json_int_t)n));
    return rc;
}

gi_err_t gi_account_set_password(const gi_ctx_t *ctx, const char *username, const char *password,
                                 gi_error_t *err)
{
    db_account_t a;
    char hash[crypto_pwhash_STRBYTES];
    gi_err_t rc = check_password(password, err);
    if (rc != GI_OK || (rc = hash_password(password, hash, err)) != GI_OK ||
        (rc = gi_change_begin(ctx, err)) != GI_OK)
        return rc;
    json_t *d = json_object();
    if ((rc = find_account(ctx, username, &a, err)) == GI_OK &&
        (rc = gi_db_fail(ctx->db, db_account_set_password(ctx->db, a.id, hash), err)) == GI_OK &&
        (rc = end_sessions(ctx, a.id, d, err)) == GI_OK)
        rc = gi_audit_record(ctx, "account.passwd", "account", a.id, d, err);
    json_decref(d);
    return gi_change_end(ctx, rc, err);
}

gi_err_t gi_account_set_disabled(const gi_ctx_t *ctx, const char *username, int disabled,
                                 gi_error_t *err)
{
    db_account_t a;
    gi_err_t rc = gi_change_begin(ctx, err);
    if (rc != GI_OK)
        return rc;
    json_t *d = disabled ? json_object() : NULL;
    if ((rc = find_account(ctx, username, &a, err)) == GI_OK &&
        (rc = gi_db_fail(ctx->db, db_account_set_disabled(ctx->db, a.id, disabled ? 1 : 0), err)) ==
            GI_OK &&
        (!disabled || (rc = end_sessions(ctx, a.id, d, err)) == GI_OK))
        rc = gi_audit_record(ctx, disabled ? "account.disable" : "account.enable", "account", a.id,
                             d, err);
    json_decref(d);
    return gi_change_end(ctx, rc, err);
}

void gi_account_password_new(char out[GI_PASSWORD_ONCE_LEN + 1])
{
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    for (int i = 0; i < GI_PASSWORD_ONCE_LEN; i++)
        out[i] = alphabet[randombytes_uniform((uint32_t)(sizeof alphabet - 1))];
    out[GI_PASSWORD_ONCE_LEN] = '\0';
}

/* An argon2id string made with hash_password()'s parameters for a random
 * password nobody knows (test_account checks the parameters still match).
 * Every refused sign-in verifies against it, so a missing account, an
 * over-long password and a wrong password all cost one verification of the
 * same cost; being a constant, it costs no hashing on first use and no
 * shared state between threads. */
_Static_assert(crypto_pwhash_STRBYTES == sizeof gi_account_dummy_hash, "dummy hash size");
const char gi_account_dummy_hash[128] = "$argon2id$v=19$m=65536,t=2,p=1$GbSCN+rJAFtRJXYct9UHAw$"
                                        "rDvKSiTT7goG59MwF0tSQiTwd6v2qIL8FhqtKbEZYy8";

gi_err_t gi_account_login(const gi_ctx_t *ctx, const char *username, const char *password,
                          db_account_t *out, gi_error_t *err)
{
    db_account_t a;
    size_t plen = password ? strlen(password) : 0;
    db_err_t drc = db_account_find(ctx->db, username ? username : "", &a);
    if (drc != DB_OK && drc != DB_ENOTFOUND)
        return gi_db_fail(ctx->db, drc, err);
    /* exactly one verification whatever the case: the account's hash when
     * the password could be right, the dummy's otherwise; at most one byte
     * past the limit is hashed, so a long password costs no more either */
    int candidate = drc == DB_OK && plen >= 1 && plen <= GI_PASSWORD_MAX;
    const char *against = candidate ? a.password_hash : gi_account_dummy_hash;
    size_t n = plen > GI_PASSWORD_MAX ? GI_PASSWORD_MAX + 1 : plen;
    int match = crypto_pwhash_str_verify(against, password ? password : "", n) == 0;
    if (candidate && match && !a.disabled) {
        if (out)
            *out = a;
        return GI_OK;
    }
    return gi_fail_rule(err, GI_EREFUSED, GI_RULE_WRONG_LOGIN, "wrong username or password");
}

/* A random secret as base64url, and its SHA-256 for storage. */
static void new_secret(const char *prefix, char *out, size_t cap, unsigned char hash[DB_HASH_LEN])
{
    unsigned char raw[SECRET_BYTES];
    char b64[sodium_base64_ENCODED_LEN(SECRET_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    snprintf(out, cap, "%s%s", prefix, b64);
    crypto_hash_sha256(hash, (const unsigned char *)out, strlen(out));
    sodium_memzero(raw, sizeof raw);
}

static void secret_hash(const char *secret, unsigned char hash[DB_HASH_LEN])
{
    crypto_hash_sha256(hash, (const unsigned char *)secret, strlen(secret));
}

gi_err_t gi_token_create(const gi_ctx_t *ctx, const char *username, const char *name,
                         char token[GI_TOKEN_MAX], int64_t *id, gi_error_t *err)
{
    db_account_t a;
    unsigned char hash[DB_HASH_LEN];
    int64_t tid = 0;
    gi_err_t rc = gi_check_text("token name", name, 60, DB_TEXT - 1, 0, err);
    if (rc != GI_OK || (rc = gi_change_begin(ctx, err)) != GI_OK)
        return rc;
    new_secret(TOKEN_PREFIX, token, GI_TOKEN_MAX, hash);
    if ((rc = find_account(ctx, username, &a, err)) == GI_OK &&
        (rc = gi_db_fail(ctx->db, db_token_insert(ctx->db, a.id, hash, name, ctx->now, &tid),
                         err)) == GI_OK) {
        json_t *d = json_pack("{s:s, s:s}", "username", a.username, "name", name ? name : "");
        rc = gi_audit_record(ctx, "token.create", "api_token", tid, d, err);
        json_decref(d);
    }
    rc = gi_change_end(ctx, rc, err);
    if (rc != GI_OK)
        sodium_memzero(token, GI_TOKEN_MAX);
    else if (id)
        *id = tid;
    return rc;
}

gi_err_t gi_token_revoke(const gi_ctx_t *ctx, int64_t id, gi_error_t *err)
{
    gi_err_t rc = gi_change_begin(ctx, err);
    if (rc != GI_OK)
        return rc;
    db_err_t drc = db_token_revoke(ctx->db, id, ctx->now);
    if (drc == DB_ENOTFOUND)
        rc = gi_fail(err, GI_ENOTFOUND, "no live token with id %" PRId64, id);
    else
        rc = gi_db_fail(ctx->db, drc, err);
    if (rc == GI_OK)
        rc = gi_audit_record(ctx, "token.revoke", "api_token", id, NULL, err);
    return gi_change_end(ctx, rc, err);
}

gi_err_t gi_token_revoke_all(const gi_ctx_t *ctx, const char *username, int64_t *count,
                             gi_error_t *err)
{
    db_account_t a;
    int64_t n = 0;
    gi_err_t rc = gi_change_begin(ctx, err);
    if (rc != GI_OK)
        return rc;
    if ((rc = find_account(ctx, username, &a, err)) == GI_OK &&
        (rc = gi_db_fail(ctx->db, db_token_revoke_account(ctx->db, a.id, ctx->now, &n), err)) ==
            GI_OK) {
        json_t *d =
            json_pack("{s:s, s:I}", "username", a.username, "tokens_revoked", (json_int_t)n);
        rc = gi_audit_record(ctx, "token.revoke_all", "account", a.id, d, err);
        json_decref(d);
    }
    rc = gi_change_end(ctx, rc, err);
    if (rc == GI_OK && count)
        *count = n;
    return rc;
}

gi_err_t gi_token_resolve(const gi_ctx_t *ctx, const char *token, db_account_t *out,
                          gi_error_t *err)
{
    unsigned char hash[DB_HASH_LEN];
    if (!token || strncmp(token, TOKEN_PREFIX, strlen(TOKEN_PREFIX)) != 0 ||
        strlen(token) >= GI_TOKEN_MAX)
        return gi_fail_rule(err, GI_EREFUSED, GI_RULE_TOKEN_INVALID, "invalid token");
    secret_hash(token, hash);
    db_err_t drc = db_token_find(ctx->db, hash, out);
    if (drc == DB_ENOTFOUND || (drc == DB_OK && out->disabled))
        return gi_fail_rule(err, GI_EREFUSED, GI_RULE_TOKEN_INVALID, "invalid token");
    return gi_db_fail(ctx->db, drc, err);
}

gi_err_t gi_session_create(const gi_ctx_t *ctx, int64_t account_id, int64_t ttl,
                           char sid[GI_SESSION_MAX], char csrf[GI_CSRF_MAX], gi_error_t *err)
{
    unsigned char hash[DB_HASH_LEN], unused[DB_HASH_LEN];
    new_secret("", sid, GI_SESSION_MAX, hash);
    new_secret("", csrf, GI_CSRF_MAX, unused);
    db_err_t drc = db_begin(ctx->db);
    if (drc == DB_OK && (drc = db_session_insert(ctx->db, hash, account_id, csrf, ctx->now,
                                                 ctx->now + ttl)) == DB_OK)
        drc = db_commit(ctx->db);
    if (drc != DB_OK)
        db_rollback(ctx->db);
    return gi_db_fail(ctx->db, drc, err);
}

gi_err_t gi_session_resolve(const gi_ctx_t *ctx, const char *sid, db_account_t *out,
                            char csrf[GI_CSRF_MAX], gi_error_t *err)
{
    unsigned char hash[DB_HASH_LEN];
    if (!sid || strlen(sid) >= GI_SESSION_MAX)
        return gi_fail_rule(err, GI_EREFUSED, GI_RULE_SESSION_INVALID, "no session");
    secret_hash(sid, hash);
    db_err_t drc = db_session_find(ctx->db, hash, ctx->now, out, csrf);
    if (drc == DB_ENOTFOUND || (drc == DB_OK && out->disabled))
        return gi_fail_rule(err, GI_EREFUSED, GI_RULE_SESSION_INVALID, "no session");
    return gi_db_fail(ctx->db, drc, err);
}

gi_err_t gi_session_end(const gi_ctx_t *ctx, const char *sid, gi_error_t *err)
{
    unsigned char hash[DB_HASH_LEN];
    if (!sid)
        return GI_OK;
    secret_hash(sid, hash);
    gi_err_t rc = gi_change_begin(ctx, err);
    if (rc == GI_OK)
        rc = gi_db_fail(ctx->db, db_session_delete(ctx->db, hash), err);
    return gi_change_end(ctx, rc, err);
}
