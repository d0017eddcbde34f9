-- schema.sql - gimark schema, version 1 (the registry and its audit log).
--
-- Later versions are db/sqlite/migrations/NNNN_name.sql, applied in order inside one
-- transaction by db_open(); PRAGMA user_version records the version reached.
-- Times are Unix seconds (UTC); dates are 'YYYY-MM-DD' text.

CREATE TABLE product (
    id           INTEGER PRIMARY KEY,
    name_zh      TEXT NOT NULL CHECK (length(name_zh) BETWEEN 1 AND 200),
    name_en      TEXT NOT NULL DEFAULT '',
    -- '' while the protection regime is not yet recorded
    regime       TEXT NOT NULL CHECK (regime IN ('', 'cnipa-product', 'collective-mark',
                                                 'certification-mark', 'agri-product')),
    reg_number   TEXT NOT NULL DEFAULT '',
    region_code  TEXT NOT NULL CHECK (length(region_code) = 6),
    standard     TEXT NOT NULL DEFAULT '',
    gtin         TEXT UNIQUE CHECK (gtin IS NULL OR length(gtin) = 14),
    status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn')),
    created_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE operator (
    id             INTEGER PRIMARY KEY,
    uscc           TEXT NOT NULL UNIQUE CHECK (length(uscc) = 18),
    name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind           TEXT NOT NULL CHECK (kind IN ('cooperative', 'company', 'individual',
                                                 'association', 'other')),
    region_code    TEXT NOT NULL CHECK (length(region_code) = 6),
    contact        TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    -- non-empty when the USCC fails a check and a regulator recorded it anyway
    uscc_override  TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL
) STRICT;

-- 'expired' is never stored: it is derived from valid_until.
CREATE TABLE authorisation (
    id            INTEGER PRIMARY KEY,
    operator_id   INTEGER NOT NULL REFERENCES operator (id),
    product_id    INTEGER NOT NULL REFERENCES product (id),
    status        TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'suspended', 'revoked')),
    valid_from    TEXT NOT NULL,
    valid_until   TEXT NOT NULL CHECK (valid_until >= valid_from),
    yearly_quota  INTEGER NOT NULL CHECK (yearly_quota >= 0),
    approval_doc  TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    approved_at   INTEGER,
    last_used_at  INTEGER
) STRICT;
CREATE INDEX authorisation_operator ON authorisation (operator_id);
CREATE INDEX authorisation_product ON authorisation (product_id);

CREATE TABLE auth_event (
    id           INTEGER PRIMARY KEY,
    auth_id      INTEGER NOT NULL REFERENCES authorisation (id),
    from_status  TEXT NOT NULL,
    to_status    TEXT NOT NULL,
    actor        TEXT NOT NULL,
    at           INTEGER NOT NULL,
    reason       TEXT NOT NULL
) STRICT;
CREATE INDEX auth_event_auth ON auth_event (auth_id);

-- Append-only. hash = SHA-256(prev_hash || canonical(row)), see gi/audit.c.
-- AUTOINCREMENT keeps sqlite_sequence, so deleting the newest rows is seen too.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  INTEGER NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  BLOB NOT NULL CHECK (length(prev_hash) = 32),
    hash       BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
