-- 0008_unnumbered.sql - the office's decision that a product without any number may be
-- printed: SQLite's db/sqlite/migrations/0014_unnumbered.sql, same columns, checks and
-- meaning (see there).

ALTER TABLE public.product ADD COLUMN unnumbered_reason text COLLATE "C" NOT NULL DEFAULT ''
    CHECK (length(unnumbered_reason) <= 200);
ALTER TABLE public.product ADD COLUMN unnumbered_by text COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE public.product ADD COLUMN unnumbered_at bigint NOT NULL DEFAULT 0;
