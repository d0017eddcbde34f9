/*
 * engine.h - the statement layer the domain files of db/ are written against
 * (internal to db/).
 *
 * The domain files (registry.c, labels.c, scans.c, accounts.c, audit.c,
 * figures.c) hold the SQL of their area next to the functions that run it,
 * written once in standard SQL; an engine (sqlite.c, pg.c) prepares, binds,
 * steps and reads it, the way SQLite keeps its OS behind a VFS. A statement whose text must differ
 * between engines names each text side by side in its db_query_t.
 *
 * A statement is prepared once per connection, on its first use, and kept in
 * the connection's cache under the slot its db_query_t receives then. Its
 * column count is checked at prepare against the count the query declares,
 * which its reader declares too: a column added to a record's list but not
 * to its reader (or the other way round) fails at once, not by position.
 */
#ifndef DB_ENGINE_H
#define DB_ENGINE_H

#include "db/db.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define DB_MAX_QUERIES 160 /* statements in all domain files together */

typedef struct {
    const char *sql; /* standard SQL; ?N (or ?) placeholders */
    const char *pg;  /* PostgreSQL's text where it must differ, else NULL */
    int ncols;       /* columns a row has; 0 for a statement that yields none */
    int stream;      /* rows handed over one by one (a batch's labels), never held
                        whole; nothing else may run on the connection meanwhile */
    int slot;        /* the cache slot, given on first use (0: none yet) */
} db_query_t;

/* clang-format off */
#define DB_QUERY(text, columns)           {(text), NULL, (columns), 0, 0}
#define DB_QUERY2(text, pg_text, columns) {(text), (pg_text), (columns), 0, 0}
#define DB_QUERY_STREAM(text, columns)    {(text), NULL, (columns), 1, 0}
/* clang-format on */

/* A VALUES list of 32 rows, each row the placeholder group r, such as
 * "(?,?,?)" (see db_rows_t). */
#define DB_ROWS_A_STATEMENT 32
#define DB_ROWS4_(r)        r "," r "," r "," r
#define DB_ROWS32(r)        DB_ROWS4_(DB_ROWS4_(r)) "," DB_ROWS4_(DB_ROWS4_(r))

/* The smaller and the greater of two SQL values, in SQL every engine runs
 * (SQLite's two-argument min() and max() are PostgreSQL's LEAST and GREATEST). */
#define DB_LEAST(a, b)    "CASE WHEN " b " < " a " THEN " b " ELSE " a " END"
#define DB_GREATEST(a, b) "CASE WHEN " b " > " a " THEN " b " ELSE " a " END"

/* The callback and its argument of a list, handed through db_step_rows(). */
typedef struct {
    void *fn;
    void *arg;
} db_list_ctx_t;

typedef struct db_stmt db_stmt_t;

/* The batch views cached on a connection that keeps them (labels.c):
 * the batches whose labels were looked up, with their authorisation,
 * product and operator (what every label of a batch shares). They are
 * emptied when the register changed since they were read: SQLite's
 * data_version, PostgreSQL's registry_version, the connection's own commits. */
#define DB_VIEW_SLOTS 64

typedef struct {
    int64_t batch_id; /* 0: empty */
    db_batch_t batch;
    db_auth_t auth;
    db_product_t product;
    db_operator_t op;
} db_batch_view_t;

/* What an engine does; engine.c turns the db_ API and the layer below into
 * calls of it. Errors are recorded in the connection (db_fail). */
typedef struct {
    const char *name;
    void (*close)(db_t *db);                     /* frees the engine's part and db */
    db_err_t (*exec)(db_t *db, const char *sql); /* statements without parameters or rows */
    int (*in_transaction)(db_t *db);
    const char *begin_sql; /* the outermost change's BEGIN */
    int holds_snapshots;   /* db_hold_snapshots() means something */
    int versions_views;    /* a label's lookup reads the register's version (labels.c), so
                              batch views are kept without held snapshots */
    int merges_on_record;  /* scans_record adds to the totals itself */
    int max_params;        /* placeholders a statement may take (db_write_rows) */
    db_err_t (*scans_begin)(db_t *db);
    db_err_t (*scans_record)(db_t *db, const db_scan_t *scans, size_t n, int64_t *last_id);
    /* issuance's bulk path (db_labels_insert); NULL: a statement per label */
    db_err_t (*labels_insert)(db_t *db, int64_t batch_id, int64_t first_seq, const char *codes,
                              size_t stride, size_t n, size_t *taken, size_t *ntaken);
    db_err_t (*read_snapshot)(db_t *db);
    void (*release_snapshot)(db_t *db);
    db_err_t (*cache_size)(db_t *db, int mib);
    db_err_t (*relax_durability)(db_t *db);
    int (*schema_version)(db_t *db);
    int (*schema_latest)(void);
    int64_t (*changes)(db_t *db);
    /* statements: prepare checks the column count unless ncols < 0 */
    db_stmt_t *(*prepare)(db_t *db, const db_query_t *q, int ncols);
    void (*finalize)(db_stmt_t *st);
    void (*reset)(db_stmt_t *st, int clear);
    void (*bind_int)(db_stmt_t *st, int i, int64_t v);
    void (*bind_text)(db_stmt_t *st, int i, const char *s, size_t n, int is_static);
    void (*bind_null)(db_stmt_t *st, int i);
    void (*bind_blob)(db_stmt_t *st, int i, const void *p, size_t n);
    db_err_t (*step)(db_stmt_t *st, int *row, const char *what); /* *row: 1 a row, 0 done */
    int64_t (*col_int)(db_stmt_t *st, int i);
    const char *(*col_str)(db_stmt_t *st, int i, size_t *len); /* "" and 0 for NULL */
    size_t (*col_blob)(db_stmt_t *st, int i, void *out, size_t cap);
} db_engine_t;

/* What every connection has; an engine's connection begins with it. */
struct db {
    const db_engine_t *eng;
    db_stmt_t *stmt[DB_MAX_QUERIES + 1]; /* by slot; 0 is never given */
    int depth;                           /* open db_begin() calls; inner ones are savepoints */
    int hold_ms;                         /* db_hold_snapshots(): how long a snapshot may live */
    int views_kept;                      /* db_hold_snapshots() on an engine that can keep them */
    int64_t views_version;               /* the register's version the views are of (SQLite:
                                            the main file's data_version) */
    db_batch_view_t views[DB_VIEW_SLOTS];
    char err[512];
};

/* What every statement has; an engine's statement begins with it. */
struct db_stmt {
    db_t *db;
};

/* The engines' openers (db_open picks one by the target's form). */
db_t *db_sqlite_open(const char *path, char *errbuf, size_t errlen);
db_t *db_pg_open(const char *conninfo, char *errbuf, size_t errlen);
db_t *db_pg_open_replica(const char *conninfo, char *errbuf, size_t errlen);
int db_pg_replica_current(db_t *replica, db_t *primary);

/* The cached statement of q on this connection, prepared when first used,
 * else reset with its bindings cleared. NULL with a message in db on
 * failure, a column count unlike q->ncols included. */
db_stmt_t *db_stmt(db_t *db, db_query_t *q);
void db_stmt_reset(db_stmt_t *st);

void db_bind_int(db_stmt_t *st, int i, int64_t v);
void db_bind_text(db_stmt_t *st, int i, const char *s); /* NULL binds "" */
void db_bind_text_or_null(db_stmt_t *st, int i, const char *s);
void db_bind_blob(db_stmt_t *st, int i, const void *p, size_t n);
/* Binds a page's limit and offset as parameters first and first + 1. */
void db_bind_page(db_stmt_t *st, int first, db_page_t page);
/* The hot loops (issuance, the scan writer, the label lookup): the cached
 * statement of q reset but not cleared (the caller binds every parameter
 * again), and text bound without a copy, valid until the statement is
 * stepped (db_bind_text_kept: NULL binds NULL). */
db_stmt_t *db_stmt_again(db_t *db, db_query_t *q);
void db_bind_text_static(db_stmt_t *st, int i, const char *s, size_t n);
void db_bind_text_kept(db_stmt_t *st, int i, const char *s);

int64_t db_col_int(db_stmt_t *st, int i);
const char *db_col_str(db_stmt_t *st, int i); /* "" for NULL */
/* Copies a text column into a fixed field, cut to fit (a memcpy: reading a
 * label's fifty columns through snprintf measured as a quarter of the
 * verify path). */
void db_col_text(db_stmt_t *st, int i, char *out, size_t cap);
/* Copies a blob column into out, zero-filled past its end; returns its length. */
size_t db_col_blob(db_stmt_t *st, int i, void *out, size_t cap);

/* Steps a one-row statement; DB_ENOTFOUND when it yields none. The row
 * stays readable until db_stmt_reset() or the statement's next use. */
db_err_t db_step_one(db_t *db, db_stmt_t *st, const char *what);
/* Runs a statement that yields no rows, then resets it. */
db_err_t db_step_done(db_t *db, db_stmt_t *st, const char *what);
/* Steps through rows, handing each to fn until it returns non-zero; resets. */
db_err_t db_step_rows(db_t *db, db_stmt_t *st, const char *what,
                      int (*fn)(db_stmt_t *st, void *ctx), void *ctx);
/* How rows of one kind are written: a statement of one row and one of
 * DB_ROWS_A_STATEMENT (its VALUES DB_ROWS32 of the one row's placeholder
 * group), and how a row is bound from its first parameter on. The scan
 * writer's rows go 32 to a statement, where a statement a row cost a third
 * more of the writer's time (measured). */
typedef struct {
    db_query_t *one, *many;
    int params;  /* placeholders a row */
    size_t size; /* bytes a row in the caller's array */
    void (*bind)(db_stmt_t *st, int first, const void *row);
    const char *what;
} db_rows_t;
/* Writes rows[0..n), DB_ROWS_A_STATEMENT to a statement while that many are
 * left and the engine takes their parameters, then one a statement. */
db_err_t db_write_rows(db_t *db, const db_rows_t *w, const void *rows, size_t n);
/* Runs a query that yields one integer. */
db_err_t db_query_int(db_t *db, db_stmt_t *st, const char *what, int64_t *out);
/* Runs an INSERT ... RETURNING id; *id receives the new row's id. */
db_err_t db_insert_id(db_t *db, db_stmt_t *st, const char *what, int64_t *id);
/* Rows the last change touched. */
int64_t db_changes(db_t *db);

/* Records a failure message for db_errmsg() and returns code. */
db_err_t db_fail(db_t *db, db_err_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reads on a connection that holds snapshots (db_hold_snapshots) call this
 * first: it renews the held read transaction when it is old. */
db_err_t db_read_snapshot(db_t *db);
/* Ends a held read transaction, so the next read sees the latest commit. */
void db_release_snapshot(db_t *db);

/* A change of the scans alone (SQLite: a deferred BEGIN, so it never waits
 * for a registry change), then its end: commit when rc is DB_OK, else roll
 * back. */
db_err_t db_scans_begin(db_t *db);
db_err_t db_scans_end(db_t *db, db_err_t rc);

/* The connection's batch view slots and whether they may be used (snapshots
 * are held); see labels.c. */
db_batch_view_t *db_views(db_t *db, int *usable);
/* The engine's bulk path of issuance, or NULL. */
typedef db_err_t (*db_labels_insert_fn)(db_t *db, int64_t batch_id, int64_t first_seq,
                                        const char *codes, size_t stride, size_t n, size_t *taken,
                                        size_t *ntaken);
db_labels_insert_fn db_engine_labels_insert(db_t *db);

/* Empties the connection's batch views (the register changed). */
void db_views_clear(db_t *db);
/* On an engine that versions_views: the register's version a lookup read,
 * which empties the views when it is not the one they are of. */
void db_views_at_version(db_t *db, int64_t version);

#endif
