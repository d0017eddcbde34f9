-- 0007_batch_gtin.sql - the GTIN printed on a batch's labels.
--
-- A GS1 Digital Link on a label carries the GTIN its product had when the
-- batch was issued; a later change of the product's GTIN must not turn every
-- printed label into a stranger. Issuance stores the product's GTIN with the
-- batch ('' when the product had none: its labels carry /V/{CODE}), print
-- files are built from it and verification of /01/{gtin}/21/{code} compares
-- with it. Batches issued before this version take the product's GTIN of
-- today, which is what their labels were printed with.

ALTER TABLE batch ADD COLUMN gtin TEXT NOT NULL DEFAULT ''
    CHECK (gtin = '' OR length(gtin) = 14);

UPDATE batch SET gtin = coalesce((SELECT p.gtin FROM authorisation a
                                  JOIN product p ON p.id = a.product_id
                                  WHERE a.id = batch.auth_id), '')
    WHERE issued_at IS NOT NULL;
