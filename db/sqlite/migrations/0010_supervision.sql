-- 0010_supervision.sql - graded supervision and random inspections.
--
-- A credit class is never stored: gi/grade.c derives it for any date from the dated facts
-- below and those the register keeps already (consumer reports, scans, authorisation
-- events, batches). What is stored is what happened: a regulator's finding on a consumer
-- report, a class imported from the market regulator, the registers of inspection items
-- and inspectors, every draw whole, and each inspection with its evidence.

-- A regulator's finding on a consumer report; the latest one up to a date counts.
CREATE TABLE report_finding (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES report (id),
    outcome     TEXT NOT NULL CHECK (outcome IN ('founded', 'unfounded')),
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX report_finding_report ON report_finding (report_id, at);

-- A class imported from the market regulator, standing from its date in place of the
-- derived one until a later import; class '' withdraws an import.
CREATE TABLE grade_import (
    id           INTEGER PRIMARY KEY,
    operator_id  INTEGER NOT NULL REFERENCES operator (id),
    class        TEXT NOT NULL CHECK (length(class) <= 8),
    as_of        TEXT NOT NULL CHECK (length(as_of) = 10),
    source       TEXT NOT NULL CHECK (length(source) >= 1),
    at           INTEGER NOT NULL,
    actor        TEXT NOT NULL
) STRICT;
CREATE INDEX grade_import_operator ON grade_import (operator_id, as_of);

-- What inspectors check, each with its legal basis; checklist_key names the inspection's
-- checklist column the item is ('' for an item outside the fixed checklist).
CREATE TABLE inspection_item (
    id           INTEGER PRIMARY KEY,
    checklist_key TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL CHECK (length(name) >= 1),
    legal_basis  TEXT NOT NULL CHECK (length(legal_basis) >= 1),
    created_at   INTEGER NOT NULL
) STRICT;

-- Law-enforcement staff who may be drawn; region_code is the office they belong to.
CREATE TABLE inspector (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL CHECK (length(name) >= 1),
    cert_no      TEXT NOT NULL UNIQUE CHECK (length(cert_no) >= 1),
    field        TEXT NOT NULL DEFAULT '',
    region_code  TEXT NOT NULL CHECK (length(region_code) = 6),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at   INTEGER NOT NULL
) STRICT;

-- An inspector's declared conflict of interest with an operator: never drawn for it.
CREATE TABLE inspector_conflict (
    inspector_id  INTEGER NOT NULL REFERENCES inspector (id),
    operator_id   INTEGER NOT NULL REFERENCES operator (id),
    reason        TEXT NOT NULL,
    at            INTEGER NOT NULL,
    PRIMARY KEY (inspector_id, operator_id)
) STRICT;

-- A draw, whole: who drew when, for which office (a GB/T 2260 prefix, '' everywhere),
-- the plan, the population as it stood, the seed and what was drawn (JSON, sorted keys).
-- Drawing again adds a row; none is ever replaced.
CREATE TABLE inspection_draw (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    office      TEXT NOT NULL,
    year        INTEGER NOT NULL,
    plan        TEXT NOT NULL,
    population  TEXT NOT NULL,
    seed        TEXT NOT NULL CHECK (length(seed) = 64),
    result      TEXT NOT NULL
) STRICT;

-- An inspection and its checklist: each check 'pass', 'fail' or 'na'.
CREATE TABLE inspection (
    id             INTEGER PRIMARY KEY,
    draw_id        INTEGER REFERENCES inspection_draw (id),
    operator_id    INTEGER NOT NULL REFERENCES operator (id),
    product_id     INTEGER REFERENCES product (id),
    office         TEXT NOT NULL,
    body           TEXT NOT NULL CHECK (length(body) >= 1),
    inspected_on   TEXT NOT NULL CHECK (length(inspected_on) = 10),
    mark_uscc      TEXT NOT NULL CHECK (mark_uscc IN ('pass', 'fail', 'na')),
    scope_use      TEXT NOT NULL CHECK (scope_use IN ('pass', 'fail', 'na')),
    raw_material   TEXT NOT NULL CHECK (raw_material IN ('pass', 'fail', 'na')),
    standard       TEXT NOT NULL CHECK (standard IN ('pass', 'fail', 'na')),
    label_records  TEXT NOT NULL CHECK (label_records IN ('pass', 'fail', 'na')),
    transfer       TEXT NOT NULL CHECK (transfer IN ('pass', 'fail', 'na')),
    result         TEXT NOT NULL CHECK (result IN ('no_problem', 'rectify', 'unreachable',
                                                   'refused', 'other')),
    rectify_by     TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    actor          TEXT NOT NULL,
    published_at   INTEGER
) STRICT;
CREATE INDEX inspection_operator ON inspection (operator_id, inspected_on);

CREATE TABLE inspection_inspector (
    inspection_id  INTEGER NOT NULL REFERENCES inspection (id),
    inspector_id   INTEGER NOT NULL REFERENCES inspector (id),
    PRIMARY KEY (inspection_id, inspector_id)
) STRICT;

-- Evidence files, small and of a checked type, kept in the database with the record.
CREATE TABLE inspection_evidence (
    id             INTEGER PRIMARY KEY,
    inspection_id  INTEGER NOT NULL REFERENCES inspection (id),
    name           TEXT NOT NULL,
    content_type   TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/png',
                                                         'image/jpeg')),
    size           INTEGER NOT NULL CHECK (size BETWEEN 1 AND 2097152),
    data           BLOB NOT NULL,
    at             INTEGER NOT NULL,
    actor          TEXT NOT NULL
) STRICT;
CREATE INDEX inspection_evidence_inspection ON inspection_evidence (inspection_id);
