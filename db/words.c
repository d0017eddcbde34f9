/*
 * words.c - what the consumer page shows of a product beyond its register
 * record: its names in Vietnamese and Thai, and its photo (one re-encoded PNG
 * per product, with the product's photo_at that names its URL).
 */
#include "db/db.h"
#include "db/engine.h"

#include <stdlib.h>
#include <string.h>

static db_query_t q_photo_put = DB_QUERY(
    "INSERT INTO product_photo (product_id, png, width, height, uploaded_at, uploaded_by) "
    "VALUES (?1,?2,?3,?4,?5,?6) ON CONFLICT (product_id) DO UPDATE SET png = excluded.png, "
    "width = excluded.width, height = excluded.height, uploaded_at = excluded.uploaded_at, "
    "uploaded_by = excluded.uploaded_by",
    0);
static db_query_t q_names_set =
    DB_QUERY("UPDATE product SET name_vi = ?, name_th = ? WHERE id = ?", 0);
static db_query_t q_photo_stamp = DB_QUERY("UPDATE product SET photo_at = ? WHERE id = ?", 0);
static db_query_t q_photo_get =
    DB_QUERY("SELECT f.png, length(f.png), p.photo_at FROM product_photo f "
             "JOIN product p ON p.id = f.product_id WHERE f.product_id = ?",
             3);

db_err_t db_product_photo_put(db_t *db, int64_t product_id, const unsigned char *png, size_t len,
                              int width, int height, int64_t at, const char *by)
{
    db_stmt_t *st = db_stmt(db, &q_photo_put);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, product_id);
    db_bind_blob(st, 2, png, len);
    db_bind_int(st, 3, width);
    db_bind_int(st, 4, height);
    db_bind_int(st, 5, at);
    db_bind_text(st, 6, by);
    db_err_t rc = db_step_done(db, st, "store product photo");
    if (rc != DB_OK)
        return rc;
    if (!(st = db_stmt(db, &q_photo_stamp)))
        return DB_EIO;
    db_bind_int(st, 1, at);
    db_bind_int(st, 2, product_id);
    rc = db_step_done(db, st, "stamp product photo");
    if (rc == DB_OK && db_changes(db) != 1)
        return db_fail(db, DB_ENOTFOUND, "product %lld: not found", (long long)product_id);
    return rc;
}

db_err_t db_product_photo_get(db_t *db, int64_t product_id, unsigned char **png, size_t *len,
                              int64_t *photo_at)
{
    db_stmt_t *st = db_stmt(db, &q_photo_get);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, product_id);
    db_err_t rc = db_step_one(db, st, "product photo");
    if (rc == DB_OK) {
        size_t n = (size_t)db_col_int(st, 1);
        *png = malloc(n ? n : 1);
        if (!*png) {
            rc = db_fail(db, DB_EIO, "out of memory");
        } else {
            *len = db_col_blob(st, 0, *png, n);
            *photo_at = db_col_int(st, 2);
        }
    }
    db_stmt_reset(st);
    return rc;
}

db_err_t db_product_names_set(db_t *db, int64_t product_id, const char *name_vi,
                              const char *name_th)
{
    db_stmt_t *st = db_stmt(db, &q_names_set);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, name_vi);
    db_bind_text(st, 2, name_th);
    db_bind_int(st, 3, product_id);
    db_err_t rc = db_step_done(db, st, "update product names");
    if (rc == DB_OK && db_changes(db) != 1)
        return db_fail(db, DB_ENOTFOUND, "product %lld: not found", (long long)product_id);
    return rc;
}
