/*
 * pg.h - what the PostgreSQL engine (db/pg.c) shares with the copy of a
 * whole database into it (db/copy.c). Not for use outside db/.
 */
#ifndef DB_PG_H
#define DB_PG_H

#include "db/db.h"

#include <libpq-fe.h>
#include <stdint.h>

/* The connection's libpq handle; NULL when db is not a PostgreSQL connection. */
PGconn *db_pg_conn(db_t *db);

/* The first second (UTC) of the month n months after the one holding t. */
int64_t db_pg_month_start(int64_t t, int n);

/* Creates scans.scan's partition for the month holding t (scans.scan_YYYYMM)
 * when it is not there yet. Runs inside the caller's change, if any. */
db_err_t db_pg_scan_partition(db_t *db, int64_t t);

/* Records a failed result (or the connection's message when res is NULL)
 * as the connection's failure, what first; DB_EEXISTS for a unique key
 * taken, else DB_EIO. */
db_err_t db_pg_fail(db_t *db, const PGresult *res, const char *what);

#endif
