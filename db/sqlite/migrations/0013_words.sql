-- 0013_words.sql - what the consumer page needs to say who speaks, in the shopper's language.
--
-- product.name_vi, name_th: the product's name in Vietnamese and Thai for the consumer
-- pages of the ASEAN markets ('' when not recorded: the page falls back to English, then
-- Chinese). product.photo_at: when the office last uploaded the product's photo (0: none);
-- it names the photo's URL (/photo/{id}-{photo_at}.png), so a new photo is a new URL and
-- the old one may be cached for ever.
--
-- product_photo: the photo itself, one per product, a PNG re-encoded by gi/photo.c (never
-- the uploaded bytes), at most 1 MiB.
--
-- authorisation.status_at: when the authorisation last changed status (0: never since
-- this version), so a consumer page can say since when a right is suspended or revoked;
-- taken from the newest auth_event for rights changed before this version.

ALTER TABLE product ADD COLUMN name_vi TEXT NOT NULL DEFAULT '' CHECK (length(name_vi) <= 200);
ALTER TABLE product ADD COLUMN name_th TEXT NOT NULL DEFAULT '' CHECK (length(name_th) <= 200);
ALTER TABLE product ADD COLUMN photo_at INTEGER NOT NULL DEFAULT 0;

CREATE TABLE product_photo (
    product_id   INTEGER PRIMARY KEY REFERENCES product (id),
    png          BLOB NOT NULL CHECK (length(png) BETWEEN 1 AND 1048576),
    width        INTEGER NOT NULL CHECK (width BETWEEN 1 AND 4096),
    height       INTEGER NOT NULL CHECK (height BETWEEN 1 AND 4096),
    uploaded_at  INTEGER NOT NULL,
    uploaded_by  TEXT NOT NULL
) STRICT;

ALTER TABLE authorisation ADD COLUMN status_at INTEGER NOT NULL DEFAULT 0;
UPDATE authorisation SET status_at = coalesce((SELECT max(e.at) FROM auth_event e
                                               WHERE e.auth_id = authorisation.id), 0);
