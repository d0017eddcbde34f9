/*
 * backup.c - copies of a database and its scans file (gimark backup and
 * restore): the online copy, the checks on a copy, moving the files of a
 * database as one, and the claim that keeps every other process off a
 * database while it is replaced.
 */
#include "db/sqlite.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PATH_CAP 4096

/* Pages copied per backup step (4 MiB of 4 KiB pages). The copy reads one
 * snapshot (see db_copy), which holds up no writer in WAL mode; between steps
 * the source connection is free, and a step's cost stays small. */
#define STEP_PAGES 1024

/* The files SQLite keeps beside a database, named after it. */
static const char *const companions[] = {"-wal", "-journal", "-shm"};
#define NCOMPANIONS (sizeof companions / sizeof companions[0])

static db_err_t failf(db_t *db, db_err_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static db_err_t failf(db_t *db, db_err_t code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return db_fail_msg(db, code, msg);
}

int db_sibling_path(const char *path, const char *tag, char *out, size_t cap)
{
    size_t n = strlen(path);
    int len;
    if (n > 3 && strcmp(path + n - 3, ".db") == 0)
        len = snprintf(out, cap, "%.*s.%s.db", (int)(n - 3), path, tag);
    else
        len = snprintf(out, cap, "%s.%s", path, tag);
    return len < 0 || (size_t)len >= cap ? -1 : 0;
}

int db_files_exist(const char *path)
{
    char scans[PATH_CAP];
    db_scans_path(path, scans, sizeof scans);
    return access(path, F_OK) == 0 || access(scans, F_OK) == 0;
}

/* The name of file's companion with suffix ("-wal" ...). */
static void companion_name(const char *file, const char *suffix, char *out, size_t cap)
{
    snprintf(out, cap, "%s%s", file, suffix);
}

static void remove_file(const char *file)
{
    char name[PATH_CAP + 16];
    unlink(file);
    for (size_t i = 0; i < NCOMPANIONS; i++) {
        companion_name(file, companions[i], name, sizeof name);
        unlink(name);
    }
}

void db_files_remove(const char *path)
{
    char scans[PATH_CAP];
    db_scans_path(path, scans, sizeof scans);
    remove_file(scans);
    remove_file(path);
}

/* Moves one file and its companions to the names of to; the companions of to
 * that from does not have are removed, since SQLite would pair them with the
 * moved file. */
static int move_file(const char *from, const char *to, char *errbuf, size_t errlen)
{
    char a[PATH_CAP + 16], b[PATH_CAP + 16];
    for (size_t i = 0; i < NCOMPANIONS; i++) {
        companion_name(from, companions[i], a, sizeof a);
        companion_name(to, companions[i], b, sizeof b);
        if (access(a, F_OK) == 0 ? rename(a, b) != 0 : (unlink(b) != 0 && errno != ENOENT)) {
            snprintf(errbuf, errlen, "cannot move %s to %s: %s", a, b, strerror(errno));
            return -1;
        }
    }
    if (access(from, F_OK) == 0 && rename(from, to) != 0) {
        snprintf(errbuf, errlen, "cannot move %s to %s: %s", from, to, strerror(errno));
        return -1;
    }
    return 0;
}

/* Makes the renames in the directory of path durable. */
static void sync_dir(const char *path)
{
    char dir[PATH_CAP];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

db_err_t db_files_rename(const char *from, const char *to, char *errbuf, size_t errlen)
{
    char from_scans[PATH_CAP], to_scans[PATH_CAP];
    db_scans_path(from, from_scans, sizeof from_scans);
    db_scans_path(to, to_scans, sizeof to_scans);
    if (move_file(from_scans, to_scans, errbuf, errlen) != 0 ||
        move_file(from, to, errbuf, errlen) != 0)
        return DB_EIO;
    sync_dir(to);
    return DB_OK;
}

/* Switches a schema of db to a rollback journal, which folds its write-ahead
 * log into the file and removes the log. SQLite answers with the mode it is
 * in, which stays "wal" when it cannot switch. */
static db_err_t journal_to_delete(db_t *db, const char *schema)
{
    sqlite3_stmt *st = NULL;
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA %s.journal_mode = DELETE", schema);
    db_err_t rc = DB_OK;
    if (sqlite3_prepare_v2(db_conn(db), sql, -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW)
        rc = failf(db, DB_EIO, "%s: %s", sql, sqlite3_errmsg(db_conn(db)));
    else if (strcmp((const char *)sqlite3_column_text(st, 0), "delete") != 0)
        rc = failf(db, DB_EIO, "%s: the file stays in %s mode", sql, sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return rc;
}

/* Copies schema from of src into schema to of dest, STEP_PAGES a step, in one
 * write transaction of dest; a failure is recorded on src. */
static db_err_t backup_schema(db_t *dest, const char *to, db_t *src, const char *from)
{
    const char *name = sqlite3_db_filename(db_conn(dest), to);
    sqlite3_backup *b = sqlite3_backup_init(db_conn(dest), to, db_conn(src), from);
    if (!b)
        return failf(src, DB_EIO, "copy to %s: %s", name, sqlite3_errmsg(db_conn(dest)));
    int step;
    while ((step = sqlite3_backup_step(b, STEP_PAGES)) == SQLITE_OK)
        ;
    if (sqlite3_backup_finish(b) != SQLITE_OK || step != SQLITE_DONE)
        return failf(src, DB_EIO, "copy to %s: %s", name, sqlite3_errmsg(db_conn(dest)));
    return DB_OK;
}

/* Copies schema from of src into a new database file at path. */
static db_err_t copy_schema(db_t *src, const char *from, const char *path)
{
    char msg[512];
    db_t *dest = db_connect(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, msg, sizeof msg);
    if (!dest)
        return db_fail_msg(src, DB_EIO, msg);
    db_err_t rc = backup_schema(dest, "main", src, from);
    if (rc == DB_OK && journal_to_delete(dest, "main") != DB_OK)
        rc = db_fail_msg(src, DB_EIO, db_errmsg(dest));
    db_close(dest);
    return rc;
}

/* Begins one read transaction over both files of db, which every step of a
 * copy then reads: in WAL mode it sees each file as it was when it began,
 * whatever others commit meanwhile, so a batch is in the copy whole or not at
 * all, and the backup never restarts. It begins on the scans file: every scan
 * copied was recorded before the register's snapshot is taken, so the label
 * it names is in the copy too. */
static db_err_t begin_snapshot(db_t *db)
{
    if (!sqlite3_get_autocommit(db_conn(db)))
        return failf(db, DB_EIO, "copy: a transaction is open on this connection");
    return db_exec(db, "BEGIN; SELECT count(*) FROM scans.sqlite_schema; "
                       "SELECT count(*) FROM main.sqlite_schema");
}

static void end_snapshot(db_t *db)
{
    if (!sqlite3_get_autocommit(db_conn(db)))
        sqlite3_exec(db_conn(db), "COMMIT", NULL, NULL, NULL);
}

db_err_t db_copy(db_t *db, const char *path)
{
    char scans[PATH_CAP];
    db_scans_path(path, scans, sizeof scans);
    db_err_t rc = begin_snapshot(db);
    if (rc == DB_OK)
        rc = copy_schema(db, "main", path);
    if (rc == DB_OK)
        rc = copy_schema(db, "scans", scans);
    end_snapshot(db);
    return rc;
}

db_t *db_open_copy(const char *path, char *errbuf, size_t errlen)
{
    db_t *db = db_connect(path, SQLITE_OPEN_READONLY, errbuf, errlen);
    if (!db)
        return NULL;
    /* sqlite3_open_v2 reads nothing: these reads find a file that is no database */
    if (db_exec(db, "SELECT count(*) FROM main.sqlite_schema") != DB_OK ||
        db_attach_scans(db, path) != DB_OK ||
        db_exec(db, "SELECT count(*) FROM scans.sqlite_schema") != DB_OK) {
        snprintf(errbuf, errlen, "%s", db_errmsg(db));
        db_close(db);
        return NULL;
    }
    return db;
}

/* Appends text to out (holding used bytes), "; "-separated; returns the new length. */
static size_t append(char *out, size_t cap, size_t used, const char *text)
{
    int n = snprintf(out + used, cap - used, "%s%s", used ? "; " : "", text);
    return n < 0 || (size_t)n >= cap - used ? cap - 1 : used + (size_t)n;
}

db_err_t db_integrity_check(db_t *db, char *out, size_t cap)
{
    sqlite3_stmt *st = NULL;
    size_t used = 0;
    int rc;
    out[0] = '\0';
    if (sqlite3_prepare_v2(db_conn(db), "PRAGMA integrity_check(10)", -1, &st, NULL) != SQLITE_OK)
        return failf(db, DB_EIO, "integrity check: %s", sqlite3_errmsg(db_conn(db)));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        used = append(out, cap, used, (const char *)sqlite3_column_text(st, 0));
    /* a badly damaged file stops the check itself: that is its finding */
    if (rc != SQLITE_DONE)
        append(out, cap, used, sqlite3_errmsg(db_conn(db)));
    sqlite3_finalize(st);
    for (char *p = out; *p; p++) /* one line: SQLite's findings may hold line breaks */
        if (*p == '\n')
            *p = ' ';
    return DB_OK;
}

db_err_t db_counts(db_t *db, db_counts_t *out)
{
    static const char sql[] =
        "SELECT (SELECT count(*) FROM product), (SELECT count(*) FROM operator), "
        "(SELECT count(*) FROM batch), (SELECT count(*) FROM label), "
        "(SELECT count(*) FROM audit_log), (SELECT count(*) FROM scans.scan)";
    sqlite3_stmt *st = NULL;
    db_err_t rc = DB_OK;
    if (sqlite3_prepare_v2(db_conn(db), sql, -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        rc = failf(db, DB_EIO, "counts: %s", sqlite3_errmsg(db_conn(db)));
    } else {
        int64_t *f[] = {&out->products, &out->operators,  &out->batches,
                        &out->labels,   &out->audit_rows, &out->scans};
        for (int i = 0; i < (int)(sizeof f / sizeof f[0]); i++)
            *f[i] = sqlite3_column_int64(st, i);
    }
    sqlite3_finalize(st);
    return rc;
}

/* How a claim tells a database in use: every connection to a WAL database
 * keeps a shared lock on the file for as long as it is open, idle or not
 * (SQLite itself tries for an exclusive lock on close to learn whether it is
 * the last). So an exclusive lock, asked for without waiting, is refused
 * exactly while any process has the database open: a server with no request
 * in flight, a command halfway through. Unlike a lock file of our own it is
 * never left behind by a crash (the kernel drops the locks of a dead process),
 * and in exclusive locking mode the connection keeps it until it closes, so
 * no server can open the database while it is being replaced. */
db_t *db_claim(const char *path, db_err_t *code, char *errbuf, size_t errlen)
{
    *code = DB_EIO;
    /* the scans file is attached (made when missing) for db_claim_fill */
    db_t *db = db_connect(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, errbuf, errlen);
    if (!db)
        return NULL;
    if (db_exec(db, "PRAGMA locking_mode = EXCLUSIVE") == DB_OK &&
        db_attach_scans(db, path) == DB_OK && db_exec(db, "BEGIN EXCLUSIVE; COMMIT") == DB_OK) {
        *code = DB_OK;
        return db;
    }
    int ec = sqlite3_errcode(db_conn(db)) & 0xff;
    if (ec == SQLITE_BUSY || ec == SQLITE_LOCKED)
        *code = DB_EBUSY;
    else if (ec == SQLITE_NOTADB)
        *code = DB_ENOTFOUND;
    snprintf(errbuf, errlen, "%s", db_errmsg(db));
    sqlite3_exec(db_conn(db), "ROLLBACK", NULL, NULL, NULL);
    db_close(db);
    return NULL;
}

db_err_t db_claim_settle(db_t *db)
{
    db_err_t rc = journal_to_delete(db, "main");
    return rc == DB_OK ? journal_to_delete(db, "scans") : rc;
}

db_err_t db_claim_fill(db_t *db, db_t *src)
{
    db_err_t rc = begin_snapshot(src);
    if (rc == DB_OK)
        rc = backup_schema(db, "main", src, "main");
    if (rc == DB_OK)
        rc = backup_schema(db, "scans", src, "scans");
    end_snapshot(src);
    return rc;
}
