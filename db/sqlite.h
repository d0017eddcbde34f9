/*
 * sqlite.h - what the SQLite engine (db/sqlite.c) shares with the copies of
 * its files (db/backup.c). Not for use outside db/.
 */
#ifndef DB_SQLITE_H
#define DB_SQLITE_H

#include "db/db.h"

#include <sqlite3.h>

/* Opens a connection at path with SQLite open flags (no pragmas, no
 * attachments, no migrations). On failure returns NULL with a message in
 * errbuf. Free with db_close(). */
db_t *db_connect(const char *path, int flags, char *errbuf, size_t errlen);

/* Attaches the scans file of the database at path as schema `scans`, with
 * the connection's open flags: a read-only connection does not create it. */
db_err_t db_attach_scans(db_t *db, const char *path);

sqlite3 *db_conn(db_t *db);
/* Records msg as the connection's last failure and returns code. */
db_err_t db_fail_msg(db_t *db, db_err_t code, const char *msg);
/* Runs SQL without parameters and rows (pragmas, BEGIN, COMMIT). */
db_err_t db_exec(db_t *db, const char *sql);

#endif
