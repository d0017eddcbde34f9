-- 0014_unnumbered.sql - the office's decision that a product without any number may be
-- printed.
--
-- A label carries the product's announcement or registration number, else its standard.
-- A product with neither is refused at every export until a regulator records one of
-- them, or decides, with a reason, that its labels go out without a number (the
-- reference data of a product may simply hold none yet). The decision lives on the
-- product: unnumbered_reason is '' while there is none; unnumbered_by and unnumbered_at
-- say who recorded it and when. Recording and withdrawing it are audited
-- (product.unnumbered.allow, product.unnumbered.withdraw), so the history is the audit
-- chain's.

ALTER TABLE product ADD COLUMN unnumbered_reason TEXT NOT NULL DEFAULT ''
    CHECK (length(unnumbered_reason) <= 200);
ALTER TABLE product ADD COLUMN unnumbered_by TEXT NOT NULL DEFAULT '';
ALTER TABLE product ADD COLUMN unnumbered_at INTEGER NOT NULL DEFAULT 0;
