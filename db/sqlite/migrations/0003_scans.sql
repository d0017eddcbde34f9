-- 0003_scans.sql - scan events and consumer reports.
--
-- Scans are appended by one writer thread in group commits; they are never
-- updated in place. A label's scan count is the number of its rows.

CREATE TABLE scan (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    code        TEXT,            -- canonical code when the input parsed, else NULL
    raw         TEXT,            -- the input as received (bounded) when it named no label
    verdict     TEXT NOT NULL,
    client_key  TEXT NOT NULL,   -- keyed hash of the client address, never the address
    ua_class    TEXT NOT NULL
) STRICT;
CREATE INDEX scan_code ON scan (code, at) WHERE code IS NOT NULL;
CREATE INDEX scan_at ON scan (at);

CREATE TABLE report (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    code        TEXT NOT NULL,   -- as the consumer gave it (bounded)
    text        TEXT NOT NULL,
    contact     TEXT NOT NULL DEFAULT '',
    client_key  TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'triaged', 'closed')),
    note        TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX report_status ON report (status, at);
