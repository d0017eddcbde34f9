/*
 * rules.c - what the labelling rules ask to be recorded before a label is
 * printed: the office's decision that a product without any number may be
 * printed (product.unnumbered_*; the rule itself is gi/rules.c).
 */
#include "db/db.h"
#include "db/engine.h"

static db_query_t q_unnumbered_set = DB_QUERY(
    "UPDATE product SET unnumbered_reason = ?, unnumbered_by = ?, unnumbered_at = ? WHERE id = ?",
    0);

db_err_t db_product_unnumbered_set(db_t *db, int64_t product_id, const char *reason, const char *by,
                                   int64_t at)
{
    db_stmt_t *st = db_stmt(db, &q_unnumbered_set);
    if (!st)
        return DB_EIO;
    int allow = reason && reason[0];
    db_bind_text(st, 1, allow ? reason : "");
    db_bind_text(st, 2, allow ? by : "");
    db_bind_int(st, 3, allow ? at : 0);
    db_bind_int(st, 4, product_id);
    db_err_t rc = db_step_done(db, st, "record the decision on a product without a number");
    if (rc == DB_OK && db_changes(db) != 1)
        return db_fail(db, DB_ENOTFOUND, "product %lld: not found", (long long)product_id);
    return rc;
}
