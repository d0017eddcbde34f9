-- 0005_annual.sql - the annual supervision report's texts and closed years: SQLite's
-- 0011_annual.sql (which says what each column is).

CREATE TABLE public.annual_text (
    year        bigint NOT NULL CHECK (year BETWEEN 2000 AND 2999),
    scope       text COLLATE "C" NOT NULL CHECK (length(scope) <= 6),
    section     text COLLATE "C" NOT NULL CHECK (section IN ('enforcement', 'standards',
                                                 'testing', 'publicity', 'training')),
    body        text COLLATE "C" NOT NULL CHECK (length(body) <= 20000),
    updated_at  bigint NOT NULL,
    updated_by  text COLLATE "C" NOT NULL,
    PRIMARY KEY (year, scope, section)
);

CREATE TABLE public.annual_close (
    year        bigint NOT NULL CHECK (year BETWEEN 2000 AND 2999),
    scope       text COLLATE "C" NOT NULL CHECK (length(scope) <= 6),
    closed_at   bigint NOT NULL,
    closed_by   text COLLATE "C" NOT NULL,
    figures     text COLLATE "C" NOT NULL,
    PRIMARY KEY (year, scope)
);
