-- 0009_households.sql - member households and production bases of an operator, and the
-- allocation of a batch's labels to them.
--
-- A producer is a member household (kind 'household') or a production base (kind 'base')
-- of one operator, growing one GI product. Its village is a GB/T 2260 county code (GB/T
-- 2260 stops at the county; the 12-digit village codes are the statistics bureau's, which
-- gimark does not hold) and the village's name as text. Area in hundredths of a mu and
-- the assessed yield per mu as whole numbers in yield_unit; per_label_milli is how much
-- product one label stands for, in thousandths of yield_unit. Season quota in labels =
-- area_cmu * yield_per_mu * 10 / per_label_milli (rounded down).
--
-- An allocation gives labels first_seq..last_seq of a batch to a producer or to a
-- processor (another operator); labels in no allocation stay with the cooperative.
-- Ranges of a batch never overlap (checked by the rules in the same change).
-- batch.allocated counts the labels in allocations, so the verify path looks up an
-- allocation only for a batch that has some.

CREATE TABLE producer (
    id               INTEGER PRIMARY KEY,
    operator_id      INTEGER NOT NULL REFERENCES operator (id),
    product_id       INTEGER NOT NULL REFERENCES product (id),
    kind             TEXT NOT NULL CHECK (kind IN ('household', 'base')),
    name             TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    contact          TEXT NOT NULL DEFAULT '',
    region_code      TEXT NOT NULL CHECK (length(region_code) = 6),
    village          TEXT NOT NULL DEFAULT '',
    base_type        TEXT NOT NULL DEFAULT '' CHECK (base_type IN ('', 'planting', 'breeding',
                                                                   'processing')),
    certification    TEXT NOT NULL DEFAULT '',
    area_cmu         INTEGER NOT NULL CHECK (area_cmu BETWEEN 1 AND 100000000),
    yield_per_mu     INTEGER NOT NULL CHECK (yield_per_mu BETWEEN 1 AND 1000000),
    yield_unit       TEXT NOT NULL CHECK (yield_unit IN ('kg', 'piece')),
    per_label_milli  INTEGER NOT NULL CHECK (per_label_milli BETWEEN 1 AND 1000000000),
    created_at       INTEGER NOT NULL
);
CREATE INDEX producer_operator ON producer (operator_id, kind);

CREATE TABLE allocation (
    id            INTEGER PRIMARY KEY,
    batch_id      INTEGER NOT NULL REFERENCES batch (id),
    first_seq     INTEGER NOT NULL CHECK (first_seq >= 1),
    last_seq      INTEGER NOT NULL CHECK (last_seq >= first_seq),
    producer_id   INTEGER REFERENCES producer (id),
    processor_id  INTEGER REFERENCES operator (id),
    override      TEXT NOT NULL DEFAULT '',
    at            INTEGER NOT NULL,
    actor         TEXT NOT NULL,
    CHECK ((producer_id IS NULL) <> (processor_id IS NULL))
);
CREATE UNIQUE INDEX allocation_range ON allocation (batch_id, first_seq);
CREATE INDEX allocation_producer ON allocation (producer_id);

ALTER TABLE batch ADD COLUMN allocated INTEGER NOT NULL DEFAULT 0 CHECK (allocated >= 0);
