-- 0002_labels.sql - label batches, labels and voided labels.
--
-- A label's status is derived: void when it is in label_void or its batch is
-- voided, else active when its batch is activated, else issued. Activating a
-- batch of a million labels is then one row update, not a million.

CREATE TABLE batch (
    id               INTEGER PRIMARY KEY,
    auth_id          INTEGER NOT NULL REFERENCES authorisation (id),
    count            INTEGER NOT NULL CHECK (count BETWEEN 1 AND 10000000),
    status           TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'rejected',
                                                     'issued', 'activated', 'voided')),
    quota_year       INTEGER NOT NULL,
    lot_number       TEXT NOT NULL DEFAULT '',
    harvest_date     TEXT NOT NULL DEFAULT '',
    production_base  TEXT NOT NULL DEFAULT '',
    inspection_cert  TEXT NOT NULL DEFAULT '',
    requested_at     INTEGER NOT NULL,
    requested_by     TEXT NOT NULL,
    decided_at       INTEGER,
    decided_by       TEXT NOT NULL DEFAULT '',
    decision_note    TEXT NOT NULL DEFAULT '',
    issued_at        INTEGER,
    activated_at     INTEGER,
    voided_at        INTEGER,
    void_reason      TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX batch_auth ON batch (auth_id, quota_year);

-- Keyed by code, without rowid: half the file of a rowid table and faster
-- bulk inserts of sorted codes. seq follows code order within a batch, so the
-- (batch_id, seq) index grows at its end during issuance.
CREATE TABLE label (
    code      TEXT PRIMARY KEY,
    batch_id  INTEGER NOT NULL,
    seq       INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX label_batch ON label (batch_id, seq);

CREATE TABLE label_void (
    code    TEXT PRIMARY KEY REFERENCES label (code),
    at      INTEGER NOT NULL,
    actor   TEXT NOT NULL,
    reason  TEXT NOT NULL
) STRICT, WITHOUT ROWID;
