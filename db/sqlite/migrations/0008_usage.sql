-- 0008_usage.sql - operators' use reports and the office's decisions on them.
--
-- One report per operator, GI product and period ('2025', '2025-H1', '2025-Q3'; the
-- period's first and last day are stored beside its name for range questions). Filing
-- again adds a version; a filed version is never changed (the triggers refuse UPDATE and
-- DELETE), so what the office accepted stays what the operator filed. Sales value is a
-- whole number of fen (1 yuan = 100 fen), never floating point; volumes carry their unit.
-- The regulator's decision on a version (accepted, or returned with a reason) is a row of
-- its own in usage_decision, at most one per version.

CREATE TABLE usage_report (
    id               INTEGER PRIMARY KEY,
    operator_id      INTEGER NOT NULL REFERENCES operator (id),
    product_id       INTEGER NOT NULL REFERENCES product (id),
    period           TEXT NOT NULL CHECK (length(period) BETWEEN 4 AND 7),
    period_start     TEXT NOT NULL CHECK (length(period_start) = 10),
    period_end       TEXT NOT NULL CHECK (length(period_end) = 10 AND period_end >= period_start),
    version          INTEGER NOT NULL CHECK (version >= 1),
    volume_produced  INTEGER NOT NULL CHECK (volume_produced >= 0),
    volume_sold      INTEGER NOT NULL CHECK (volume_sold >= 0),
    volume_unit      TEXT NOT NULL CHECK (volume_unit IN ('kg', 't', 'piece', 'box', 'bottle', 'L')),
    sales_value_fen  INTEGER NOT NULL CHECK (sales_value_fen >= 0),
    labels_received  INTEGER NOT NULL CHECK (labels_received >= 0),
    labels_used      INTEGER NOT NULL CHECK (labels_used >= 0),
    labels_voided    INTEGER NOT NULL CHECK (labels_voided >= 0),
    application      TEXT NOT NULL,
    filed_at         INTEGER NOT NULL,
    filed_by         TEXT NOT NULL,
    UNIQUE (operator_id, product_id, period, version)
) STRICT;
CREATE INDEX usage_report_period ON usage_report (period_start, period_end);

CREATE TRIGGER usage_report_no_update BEFORE UPDATE ON usage_report
BEGIN
    SELECT RAISE(ABORT, 'a filed use report is never changed: file a new version');
END;
CREATE TRIGGER usage_report_no_delete BEFORE DELETE ON usage_report
BEGIN
    SELECT RAISE(ABORT, 'a filed use report is never changed: file a new version');
END;

CREATE TABLE usage_decision (
    report_id   INTEGER PRIMARY KEY REFERENCES usage_report (id),
    decision    TEXT NOT NULL CHECK (decision IN ('accepted', 'returned')),
    reason      TEXT NOT NULL,
    decided_at  INTEGER NOT NULL,
    decided_by  TEXT NOT NULL
) STRICT;
