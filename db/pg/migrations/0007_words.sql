-- 0007_words.sql - products' names in Vietnamese and Thai, their photos, and since when
-- an authorisation has its status: SQLite's db/sqlite/migrations/0013_words.sql, same
-- tables, columns, checks and meaning (see there).

ALTER TABLE public.product ADD COLUMN name_vi text COLLATE "C" NOT NULL DEFAULT ''
    CHECK (length(name_vi) <= 200);
ALTER TABLE public.product ADD COLUMN name_th text COLLATE "C" NOT NULL DEFAULT ''
    CHECK (length(name_th) <= 200);
ALTER TABLE public.product ADD COLUMN photo_at bigint NOT NULL DEFAULT 0;

CREATE TABLE public.product_photo (
    product_id   bigint PRIMARY KEY REFERENCES public.product (id),
    png          bytea NOT NULL CHECK (length(png) BETWEEN 1 AND 1048576),
    width        bigint NOT NULL CHECK (width BETWEEN 1 AND 4096),
    height       bigint NOT NULL CHECK (height BETWEEN 1 AND 4096),
    uploaded_at  bigint NOT NULL,
    uploaded_by  text COLLATE "C" NOT NULL
);

ALTER TABLE public.authorisation ADD COLUMN status_at bigint NOT NULL DEFAULT 0;
UPDATE public.authorisation SET status_at = coalesce((SELECT max(e.at) FROM public.auth_event e
                                                      WHERE e.auth_id = authorisation.id), 0);
