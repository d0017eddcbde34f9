-- 0004_accounts.sql - accounts, API tokens and browser sessions.
--
-- Secrets are never stored: passwords as argon2id strings, tokens and
-- session ids as SHA-256 digests.

CREATE TABLE account (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 2 AND 64),
    role           TEXT NOT NULL CHECK (role IN ('regulator', 'auditor', 'operator')),
    operator_id    INTEGER REFERENCES operator (id),
    region_scope   TEXT NOT NULL DEFAULT '',
    password_hash  TEXT NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at     INTEGER NOT NULL,
    CHECK ((role = 'operator') = (operator_id IS NOT NULL))
) STRICT;

CREATE TABLE api_token (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES account (id),
    token_hash  BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    name        TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
) STRICT;

CREATE TABLE session (
    id_hash     BLOB PRIMARY KEY CHECK (length(id_hash) = 32),
    account_id  INTEGER NOT NULL REFERENCES account (id),
    csrf        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX session_expiry ON session (expires_at);
