-- 0011_annual.sql - the annual supervision report.
--
-- annual_text: the sections the office writes itself (enforcement, standards, testing,
-- publicity, training), one per year, region scope (a GB/T 2260 prefix; '' is the whole
-- register) and section; edited on the desk until the year is closed, every edit audited.
--
-- annual_close: the report's figures of a closed year, as JSON, one row per year and
-- region scope, written once by `gimark supervision close` (audited); a closed year's
-- report is served from here, so later edits of the records do not change it.

CREATE TABLE annual_text (
    year        INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2999),
    scope       TEXT NOT NULL CHECK (length(scope) <= 6),
    section     TEXT NOT NULL CHECK (section IN ('enforcement', 'standards', 'testing',
                                                 'publicity', 'training')),
    body        TEXT NOT NULL CHECK (length(body) <= 20000),
    updated_at  INTEGER NOT NULL,
    updated_by  TEXT NOT NULL,
    PRIMARY KEY (year, scope, section)
) STRICT;

CREATE TABLE annual_close (
    year        INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2999),
    scope       TEXT NOT NULL CHECK (length(scope) <= 6),
    closed_at   INTEGER NOT NULL,
    closed_by   TEXT NOT NULL,
    figures     TEXT NOT NULL,
    PRIMARY KEY (year, scope)
) STRICT;
