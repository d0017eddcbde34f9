/*
 * sqlite.c - the SQLite engine: connections, the schema and its migrations,
 * the statements of the layer in engine.h, held read snapshots, and the
 * scan writer's append.
 */
#include "db/db.h"
#include "db/engine.h"
#include "db/migrations.h"
#include "db/sqlite.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    struct db base;
    sqlite3 *conn;
    int holding; /* a held read transaction is open */
    int64_t held_since_ms;
    int64_t views_changes; /* this connection's total_changes when the views' data_version
                              (db->views_version) was read */
} sq_db_t;

typedef struct {
    struct db_stmt base;
    sqlite3_stmt *st;
} sq_stmt_t;

static const db_engine_t sqlite_engine;

static sq_db_t *SQ(db_t *db)
{
    return (sq_db_t *)db;
}

static sqlite3_stmt *ST(db_stmt_t *st)
{
    return ((sq_stmt_t *)st)->st;
}

/* --- failures ------------------------------------------------------------------ */

/* Maps the connection's last SQLite error to a db_err_t and records it. */
static db_err_t fail_sqlite(db_t *db, const char *what)
{
    int ext = sqlite3_extended_errcode(SQ(db)->conn);
    db_err_t code = DB_EIO;
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        code = DB_EEXISTS;
    return db_fail(db, code, "%s: %s", what, sqlite3_errmsg(SQ(db)->conn));
}

static db_err_t exec(db_t *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(SQ(db)->conn, sql, NULL, NULL, &msg) != SQLITE_OK) {
        db_err_t rc = db_fail(db, DB_EIO, "%s", msg ? msg : sqlite3_errmsg(SQ(db)->conn));
        sqlite3_free(msg);
        return rc;
    }
    return DB_OK;
}

static int in_transaction(db_t *db)
{
    return !sqlite3_get_autocommit(SQ(db)->conn);
}

static int64_t changes(db_t *db)
{
    return sqlite3_changes(SQ(db)->conn);
}

/* --- statements ---------------------------------------------------------------- */

static db_stmt_t *prepare(db_t *db, const db_query_t *q, int ncols)
{
    sqlite3_stmt *raw = NULL;
    if (sqlite3_prepare_v3(SQ(db)->conn, q->sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, NULL) !=
        SQLITE_OK) {
        fail_sqlite(db, "prepare");
        return NULL;
    }
    if (ncols >= 0 && sqlite3_column_count(raw) != ncols) {
        db_fail(db, DB_EIO, "statement yields %d columns where its reader takes %d: %.80s",
                sqlite3_column_count(raw), ncols, q->sql);
        sqlite3_finalize(raw);
        return NULL;
    }
    sq_stmt_t *st = malloc(sizeof *st);
    if (!st) {
        sqlite3_finalize(raw);
        db_fail(db, DB_EIO, "out of memory");
        return NULL;
    }
    *st = (sq_stmt_t){{db}, raw};
    return &st->base;
}

static void finalize(db_stmt_t *st)
{
    sqlite3_finalize(ST(st));
    free(st);
}

static void reset(db_stmt_t *st, int clear)
{
    sqlite3_reset(ST(st));
    if (clear)
        sqlite3_clear_bindings(ST(st));
}

static void bind_int(db_stmt_t *st, int i, int64_t v)
{
    sqlite3_bind_int64(ST(st), i, v);
}

static void bind_text(db_stmt_t *st, int i, const char *s, size_t n, int is_static)
{
    sqlite3_bind_text(ST(st), i, s, (int)n, is_static ? SQLITE_STATIC : SQLITE_TRANSIENT);
}

static void bind_null(db_stmt_t *st, int i)
{
    sqlite3_bind_null(ST(st), i);
}

static void bind_blob(db_stmt_t *st, int i, const void *p, size_t n)
{
    sqlite3_bind_blob(ST(st), i, p, (int)n, SQLITE_TRANSIENT);
}

static db_err_t step(db_stmt_t *st, int *row, const char *what)
{
    int rc = sqlite3_step(ST(st));
    *row = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return DB_OK;
    return fail_sqlite(st->db, what);
}

static int64_t col_int(db_stmt_t *st, int i)
{
    return sqlite3_column_int64(ST(st), i);
}

static const char *col_str(db_stmt_t *st, int i, size_t *len)
{
    const unsigned char *s = sqlite3_column_text(ST(st), i);
    *len = s ? (size_t)sqlite3_column_bytes(ST(st), i) : 0;
    return s ? (const char *)s : "";
}

static size_t col_blob(db_stmt_t *st, int i, void *out, size_t cap)
{
    const void *b = sqlite3_column_blob(ST(st), i);
    size_t n = b ? (size_t)sqlite3_column_bytes(ST(st), i) : 0;
    memset(out, 0, cap);
    if (b)
        memcpy(out, b, n < cap ? n : cap);
    return n;
}

/* --- schema ------------------------------------------------------------------ */

static int schema_latest(void)
{
    return db_migrations[db_migrations_count - 1].version;
}

/* The integer a PRAGMA returns; -1 when it fails. */
static int pragma_int(db_t *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(SQ(db)->conn, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int schema_version(db_t *db)
{
    return pragma_int(db, "PRAGMA user_version");
}

/* The scans file's schema (its own version 1). Scan events live apart from the
 * register because they are written all the time: SQLite drops a connection's
 * whole page cache for a file whenever another connection has changed it, so
 * with scans in the main file every lookup of a label re-read its pages from
 * the kernel (measured: 17k against 31k requests/s on the verify path). */
static const char scans_schema[] =
    "CREATE TABLE IF NOT EXISTS scans.scan ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  code TEXT," /* canonical code when the input named a label, else NULL */
    "  raw TEXT,"  /* the input (bounded, printable) when it named no label */
    "  verdict TEXT NOT NULL,"
    "  client_key TEXT NOT NULL," /* keyed hash of the client address, never the address */
    "  ua_class TEXT NOT NULL"
    ") STRICT;"
    "CREATE INDEX IF NOT EXISTS scans.scan_at ON scan (at);"
    /* Per-code totals, merged from the scan rows in sorted batches
     * (db_scan_totals_merge), never one row per scan: an index on scan.code
     * took an insert at a random place per scan, and the scan writer spent
     * more time on it than the workers on their pages. */
    "CREATE TABLE IF NOT EXISTS scans.scan_total ("
    "  code TEXT PRIMARY KEY,"
    "  count INTEGER NOT NULL,"
    "  first_at INTEGER NOT NULL"
    ") STRICT, WITHOUT ROWID;"
    /* the highest scan id counted in scan_total */
    "CREATE TABLE IF NOT EXISTS scans.scan_merged ("
    "  one INTEGER PRIMARY KEY CHECK (one = 1),"
    "  through_id INTEGER NOT NULL"
    ") STRICT;"
    "INSERT OR IGNORE INTO scans.scan_merged VALUES (1, 0);";

/* Version 2: each client that scanned a code, when first and last (the
 * distinct clients behind the repeat warning), merged like the totals. Its
 * rows are upserts of min and max, so merging a scan twice changes nothing. */
static const char scans_schema_2[] =
    "CREATE TABLE IF NOT EXISTS scans.scan_client ("
    "  code TEXT NOT NULL,"
    "  client_key TEXT NOT NULL,"
    "  first_at INTEGER NOT NULL,"
    "  last_at INTEGER NOT NULL,"
    "  PRIMARY KEY (code, client_key)"
    ") STRICT, WITHOUT ROWID;"
    "INSERT INTO scans.scan_client (code, client_key, first_at, last_at) "
    "SELECT code, client_key, min(at), max(at) FROM scans.scan WHERE code IS NOT NULL "
    "GROUP BY code, client_key ORDER BY code, client_key "
    "ON CONFLICT (code, client_key) DO UPDATE SET first_at = min(first_at, excluded.first_at), "
    "last_at = max(last_at, excluded.last_at);";

void db_scans_path(const char *path, char *out, size_t cap)
{
    size_t n = strlen(path);
    if (n > 3 && strcmp(path + n - 3, ".db") == 0)
        snprintf(out, cap, "%.*s-scans.db", (int)(n - 3), path);
    else
        snprintf(out, cap, "%s-scans", path);
}

/* Creates path as an empty file of mode 0600 when it does not exist, so that
 * SQLite, which creates a database 0644 less the umask, finds it there and
 * takes it as a new database. SQLite gives the -wal, -shm and -journal files
 * the mode of their database, so they are 0600 too. The files hold password
 * hashes, token hashes, live codes and the server's secret: no other user
 * may read them, whatever the umask of whoever ran gimark. Failures are left
 * to SQLite's open, which reports them. */
static void create_private(const char *path)
{
    if (!path[0] || strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0)
        return;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return;                /* there already (or SQLite's open says why not) */
    if (fchmod(fd, 0600) != 0) /* a umask such as 0277 takes bits off 0600 too */
        unlink(path);
    close(fd);
}

/* Attaches the scans file of the database at path as schema `scans`, opened
 * with the connection's own flags (so created when new, 0600, only if the
 * main file may be created). */
db_err_t db_attach_scans(db_t *db, const char *path)
{
    char scans[4096];
    sqlite3_stmt *st = NULL;
    db_scans_path(path, scans, sizeof scans);
    if (!sqlite3_db_readonly(SQ(db)->conn, "main"))
        create_private(scans);
    if (sqlite3_prepare_v2(SQ(db)->conn, "ATTACH DATABASE ? AS scans", -1, &st, NULL) != SQLITE_OK)
        return fail_sqlite(db, "attach scans");
    sqlite3_bind_text(st, 1, scans, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(db, DB_EIO, "cannot attach the scans file: %s",
                       sqlite3_errmsg(SQ(db)->conn));
    return DB_OK;
}

/* Attaches the scans file (creating it when new) as schema `scans`. */
static db_err_t attach_scans(db_t *db, const char *path)
{
    db_err_t rc = db_attach_scans(db, path);
    if (rc != DB_OK)
        return rc;
    return exec(db, "PRAGMA scans.journal_mode = WAL; PRAGMA scans.synchronous = NORMAL");
}

/* Creates the scans file's tables when it is new. Runs before the main
 * migrations, one of which moves scans recorded by older versions into it. */
static db_err_t scans_ready(db_t *db)
{
    int v = pragma_int(db, "PRAGMA scans.user_version");
    if (v == 2)
        return DB_OK;
    if (v != 0 && v != 1)
        return db_fail(db, DB_EIO, "scans file schema version %d is not one this gimark knows", v);
    if (exec(db, "BEGIN IMMEDIATE") != DB_OK)
        return DB_EIO;
    if ((v < 1 && exec(db, scans_schema) != DB_OK) || exec(db, scans_schema_2) != DB_OK ||
        exec(db, "PRAGMA scans.user_version = 2") != DB_OK || exec(db, "COMMIT") != DB_OK) {
        sqlite3_exec(SQ(db)->conn, "ROLLBACK", NULL, NULL, NULL);
        return DB_EIO;
    }
    return DB_OK;
}

/* Applies every migration newer than the stored version, all in one transaction. */
static db_err_t migrate(db_t *db)
{
    int have = schema_version(db);
    if (have < 0)
        return db_fail(db, DB_EIO, "cannot read schema version: %s", sqlite3_errmsg(SQ(db)->conn));
    if (have > schema_latest())
        return db_fail(db, DB_EIO, "database schema version %d is newer than this gimark (%d)",
                       have, schema_latest());
    if (have == schema_latest())
        return DB_OK;
    if (exec(db, "BEGIN IMMEDIATE") != DB_OK)
        return DB_EIO;
    for (int i = 0; i < db_migrations_count; i++) {
        const db_migration_t *m = &db_migrations[i];
        if (m->version <= have)
            continue;
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", m->version);
        if (exec(db, m->sql) != DB_OK || exec(db, pragma) != DB_OK) {
            char why[sizeof db->err];
            snprintf(why, sizeof why, "%s", db->err);
            exec(db, "ROLLBACK");
            return db_fail(db, DB_EIO, "migration %s failed: %s", m->name, why);
        }
    }
    return exec(db, "COMMIT");
}

/* SQLite keeps memory statistics under one process-wide mutex taken on
 * every allocation; with a connection per server thread and the scan
 * writer's, that mutex was the most contended lock of the verify path
 * (perf: 42,000 futex calls in 4 s of wrk load, 7,000-9,000 without it;
 * requests/s within the bench's noise). Nothing here reads the statistics. */

static void configure_sqlite(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_initialize();
}

db_t *db_connect(const char *path, int flags, char *errbuf, size_t errlen)
{
    static pthread_once_t configured = PTHREAD_ONCE_INIT;
    pthread_once(&configured, configure_sqlite);
    sq_db_t *sq = calloc(1, sizeof *sq);
    if (!sq) {
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    db_t *db = &sq->base;
    db->eng = &sqlite_engine;
    if (flags & SQLITE_OPEN_CREATE)
        create_private(path);
    if (sqlite3_open_v2(path, &SQ(db)->conn, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        snprintf(errbuf, errlen, "cannot open database %s: %s", path,
                 SQ(db)->conn ? sqlite3_errmsg(SQ(db)->conn) : "out of memory");
        db_close(db);
        return NULL;
    }
    sqlite3_extended_result_codes(SQ(db)->conn, 1);
    return db;
}

db_t *db_sqlite_open(const char *path, char *errbuf, size_t errlen)
{
    db_t *db = db_connect(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, errbuf, errlen);
    if (!db)
        return NULL;
    sqlite3_busy_timeout(SQ(db)->conn, 5000);
    if (exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                 "PRAGMA foreign_keys = ON") != DB_OK ||
        attach_scans(db, path) != DB_OK || scans_ready(db) != DB_OK || migrate(db) != DB_OK) {
        snprintf(errbuf, errlen, "database %s: %s", path, db->err);
        goto fail;
    }
    return db;
fail:
    db_close(db);
    return NULL;
}

/* --- held read snapshots ---------------------------------------------------------- */

static int64_t monotonic_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void release_snapshot(db_t *db)
{
    if (SQ(db)->holding) {
        sqlite3_exec(SQ(db)->conn, "COMMIT", NULL, NULL, NULL);
        SQ(db)->holding = 0;
    }
}

static db_query_t q_data_version = DB_QUERY("PRAGMA main.data_version", 1);

/* Empties the batch views when the main file changed since they were read
 * (the first statement of the new snapshot fixes what it sees). data_version
 * moves for other connections' commits only, so this connection's own
 * changes are counted apart (a suspension made through a worker showed its
 * labels genuine on that worker until another connection wrote). */
static db_err_t check_views(db_t *db)
{
    db_stmt_t *st = db_stmt(db, &q_data_version);
    if (!st)
        return DB_EIO;
    db_err_t rc = db_step_one(db, st, "data version");
    if (rc == DB_OK) {
        int64_t v = db_col_int(st, 0);
        int64_t own = sqlite3_total_changes64(SQ(db)->conn);
        if (v != db->views_version || own != SQ(db)->views_changes) {
            db_views_clear(db);
            db->views_version = v;
            SQ(db)->views_changes = own;
        }
    }
    db_stmt_reset(st);
    return rc;
}

/* Before a read on a connection that holds snapshots: renews the held read
 * transaction when it is older than hold_ms. */
static db_err_t read_snapshot(db_t *db)
{
    sq_db_t *sq = SQ(db);
    if (db->hold_ms <= 0 || db->depth > 0)
        return DB_OK;
    int64_t now = monotonic_ms();
    if (sq->holding && now - sq->held_since_ms < db->hold_ms)
        return DB_OK;
    release_snapshot(db);
    db_err_t rc = exec(db, "BEGIN");
    if (rc == DB_OK) {
        sq->holding = 1;
        sq->held_since_ms = now;
        rc = check_views(db);
    }
    return rc;
}

/* --- settings of a connection ------------------------------------------------------ */

/* The scans file's page cache, apart from the budget given to the main file:
 * the scan writer commits to that file every few milliseconds, and each commit
 * empties a reader's cache of it at the reader's next snapshot, so a reader's
 * pages there are seldom found again. SQLite's default (2 MB a connection)
 * held memory outside the server's cache budget for next to nothing. */
#define SCANS_CACHE_KIB 256

static db_err_t cache_size(db_t *db, int mib)
{
    char pragma[96];
    snprintf(pragma, sizeof pragma, "PRAGMA main.cache_size = %d; PRAGMA scans.cache_size = %d",
             -1024 * mib, -SCANS_CACHE_KIB);
    return exec(db, pragma);
}

static db_err_t relax_durability(db_t *db)
{
    return exec(db, "PRAGMA synchronous = NORMAL");
}

static void close_conn(db_t *db)
{
    sqlite3_close(SQ(db)->conn);
    free(SQ(db));
}

/* --- for backup.c ------------------------------------------------------------------- */

sqlite3 *db_conn(db_t *db)
{
    return db->eng == &sqlite_engine ? SQ(db)->conn : NULL;
}

db_err_t db_fail_msg(db_t *db, db_err_t code, const char *msg)
{
    return db_fail(db, code, "%s", msg);
}

db_err_t db_exec(db_t *db, const char *sql)
{
    return exec(db, sql);
}

/* --- the scan writer's append ---------------------------------------------------- */

#define SCAN_APPEND "INSERT INTO scans.scan (at, code, raw, verdict, client_key, ua_class) VALUES "
#define SCAN_ROW    "(?,?,?,?,?,?)"
static db_query_t q_scan_append = DB_QUERY(SCAN_APPEND SCAN_ROW, 0);
static db_query_t q_scan_append_many = DB_QUERY(SCAN_APPEND DB_ROWS32(SCAN_ROW), 0);

static void scan_bind(db_stmt_t *st, int first, const void *row)
{
    const db_scan_t *scan = row;
    db_bind_int(st, first, scan->at);
    db_bind_text_kept(st, first + 1, scan->code);
    db_bind_text_kept(st, first + 2, scan->raw);
    db_bind_text_kept(st, first + 3, scan->verdict ? scan->verdict : "");
    db_bind_text_kept(st, first + 4, scan->client_key ? scan->client_key : "");
    db_bind_text_kept(st, first + 5, scan->ua_class ? scan->ua_class : "");
}

static const db_rows_t scan_rows = {&q_scan_append,    &q_scan_append_many, 6,
                                    sizeof(db_scan_t), scan_bind,           "record scan"};

/* A change of the scans file only. A deferred BEGIN: the inserts take the
 * write lock of the scans file alone, so recording scans never waits for a
 * registry change (an issuance holds the main file's lock for seconds). */
static db_err_t scans_begin(db_t *db)
{
    return exec(db, "BEGIN");
}

static db_err_t scans_record(db_t *db, const db_scan_t *scans, size_t n, int64_t *last_id)
{
    db_err_t rc = db_scans_begin(db);
    if (rc == DB_OK)
        rc = db_write_rows(db, &scan_rows, scans, n);
    if (rc == DB_OK)
        *last_id = sqlite3_last_insert_rowid(SQ(db)->conn);
    return db_scans_end(db, rc);
}

static const db_engine_t sqlite_engine = {
    .name = "sqlite",
    .close = close_conn,
    .exec = exec,
    .in_transaction = in_transaction,
    .begin_sql = "BEGIN IMMEDIATE",
    .holds_snapshots = 1,
    .max_params = 32766, /* SQLITE_MAX_VARIABLE_NUMBER's default since 3.32 */
    .scans_begin = scans_begin,
    .scans_record = scans_record,
    .read_snapshot = read_snapshot,
    .release_snapshot = release_snapshot,
    .cache_size = cache_size,
    .relax_durability = relax_durability,
    .schema_version = schema_version,
    .schema_latest = schema_latest,
    .changes = changes,
    .prepare = prepare,
    .finalize = finalize,
    .reset = reset,
    .bind_int = bind_int,
    .bind_text = bind_text,
    .bind_null = bind_null,
    .bind_blob = bind_blob,
    .step = step,
    .col_int = col_int,
    .col_str = col_str,
    .col_blob = col_blob,
};
