/*
 * account.h - accounts and their credentials: passwords (argon2id), API
 * tokens (random, stored as SHA-256, shown once) and browser sessions.
 *
 * Roles: regulator (everything inside its region scope), auditor (reads
 * everything inside its scope, changes nothing), operator (its own
 * operator's data only). No secret ever enters the audit log.
 */
#ifndef GI_ACCOUNT_H
#define GI_ACCOUNT_H

#include "gi/gi.h"

#define GI_PASSWORD_MIN 10
#define GI_PASSWORD_MAX 128
#define GI_TOKEN_MAX    64 /* "gmk_" + 43 base64url characters + NUL fits */
#define GI_SESSION_MAX  64
#define GI_CSRF_MAX     72

typedef struct {
    const char *username;
    const char *role;         /* regulator | auditor | operator */
    int64_t operator_id;      /* required for operator, 0 otherwise */
    const char *region_scope; /* "" everywhere, or a GB/T 2260 prefix: 45, 4510, 451003 */
    const char *password;
} gi_account_input_t;

gi_err_t gi_account_add(const gi_ctx_t *ctx, const gi_account_input_t *in, db_account_t *out,
                        gi_error_t *err);
/* Sets a password and ends every session of the account (audited with the
 * number of sessions ended). */
gi_err_t gi_account_set_password(const gi_ctx_t *ctx, const char *username, const char *password,
                                 gi_error_t *err);
/* Disables (ending every session) or enables an account. A disabled
 * account's sessions and tokens stop working at once; its tokens stay
 * revocable and work again if it is enabled (`token revoke --all` ends them). */
gi_err_t gi_account_set_disabled(const gi_ctx_t *ctx, const char *username, int disabled,
                                 gi_error_t *err);

/* A new random password of GI_PASSWORD_ONCE_LEN characters (letters and
 * digits that are not easily confused: no 0/O, 1/l/I), for an account that
 * a regulator creates: shown once, never stored in clear. */
#define GI_PASSWORD_ONCE_LEN 16
void gi_account_password_new(char out[GI_PASSWORD_ONCE_LEN + 1]);

/* The argon2id string every refused sign-in is verified against
 * (crypto_pwhash_STRBYTES, padded with NULs). */
extern const char gi_account_dummy_hash[128];

/* Checks a password: always exactly one argon2id verification (about
 * 0.1-0.4 s, 64 MiB), never none, so that the time taken tells nothing. A
 * wrong username, a wrong password, a password past GI_PASSWORD_MAX and a
 * disabled account all give GI_EREFUSED with the same message; a missing
 * user and a password past the limit are verified against
 * gi_account_dummy_hash. Callers on a request bound how many run at once
 * (web/loginlimit.h). */
gi_err_t gi_account_login(const gi_ctx_t *ctx, const char *username, const char *password,
                          db_account_t *out, gi_error_t *err);

/* Creates an API token for username; token receives it (shown once, never
 * stored); *id its number for revocation. */
gi_err_t gi_token_create(const gi_ctx_t *ctx, const char *username, const char *name,
                         char token[GI_TOKEN_MAX], int64_t *id, gi_error_t *err);
gi_err_t gi_token_revoke(const gi_ctx_t *ctx, int64_t id, gi_error_t *err);
/* Revokes every live token of username (audited once, with the count);
 * *count receives how many, 0 included. */
gi_err_t gi_token_revoke_all(const gi_ctx_t *ctx, const char *username, int64_t *count,
                             gi_error_t *err);
/* The account behind a bearer token; GI_EREFUSED when unknown, revoked or
 * the account is disabled. */
gi_err_t gi_token_resolve(const gi_ctx_t *ctx, const char *token, db_account_t *out,
                          gi_error_t *err);

/* Starts a session of ttl seconds: sid goes into the cookie, csrf into forms. */
gi_err_t gi_session_create(const gi_ctx_t *ctx, int64_t account_id, int64_t ttl,
                           char sid[GI_SESSION_MAX], char csrf[GI_CSRF_MAX], gi_error_t *err);
gi_err_t gi_session_resolve(const gi_ctx_t *ctx, const char *sid, db_account_t *out,
                            char csrf[GI_CSRF_MAX], gi_error_t *err);
gi_err_t gi_session_end(const gi_ctx_t *ctx, const char *sid, gi_error_t *err);

#endif
