/*
 * gs1.c - what the GS1 resolver and the EPCIS events read: a product by its
 * GTIN, a batch's life as events, the labels one event names.
 */
#include "db/db.h"
#include "db/engine.h"
#include "db/records.h"

static db_query_t q_product_find_gtin =
    DB_QUERY("SELECT " PRODUCT_COLUMNS "FROM product p WHERE p.gtin = ?", PRODUCT_NCOLUMNS);

db_err_t db_product_find_gtin(db_t *db, const char *gtin, db_product_t *out)
{
    db_stmt_t *st = db_stmt(db, &q_product_find_gtin);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, gtin);
    db_err_t rc = db_step_one(db, st, "product");
    if (rc == DB_OK)
        db_product_read(st, 0, out);
    db_stmt_reset(st);
    return rc;
}
