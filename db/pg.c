/*
 * pg.c - the PostgreSQL engine (libpq): connections, the schema and its
 * migrations, the statements of the layer in engine.h, and the scan
 * writer's append by COPY into a table partitioned by month.
 *
 * Statements are prepared once per connection (PQprepare, named by their
 * slot), with the layer's ?N placeholders rewritten as $N. Parameters go as
 * text (integers printed, text as is) or binary (blobs); results come back
 * as text. A statement's result is fetched whole when stepped, except for a
 * streamed one (db_query_t.stream), whose rows arrive one at a time.
 *
 * Every connection sets statement_timeout, so no query holds a worker for
 * ever. A connection that is lost is reset on the next statement outside a
 * change; a change in progress fails and is rolled back by its caller, and
 * the scan writer keeps its events and tries again (gi/scan.c).
 *
 * A standby (db_pg_open_replica) answers a lookup only while it is current:
 * it has replayed the primary's WAL up to where the primary's was at most
 * REPLICA_STALE_MS ago (db_replica_current). Each worker reads the primary's
 * WAL insert position every REPLICA_STALE_MS / 2 and the standby's replay
 * position when the last one read is behind; so a change committed on the
 * primary (a label voided, an authorisation revoked) shows on every server
 * within REPLICA_STALE_MS, however far the standby lags. A standby lost is
 * tried again at most every REPLICA_RETRY_MS (a lookup never waits on it).
 */
#include "db/db.h"
#include "db/engine.h"
#include "db/migrations.h"
#include "db/pg.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STR_(x)              #x
#define STR(x)               STR_(x)
#define STATEMENT_TIMEOUT_MS 30000
#define MAX_PARAMS           24
#define SCHEMA_LOCK          7365346907 /* advisory lock held while migrating */
#define REPLICA_STALE_MS     1000       /* a standby's answers are at most this old */
#define REPLICA_RECHECK_MS   50         /* a lagging standby's position is read again after */
#define REPLICA_RETRY_MS     1000       /* a lost standby is connected again after */

typedef struct {
    struct db base;
    PGconn *conn;
    int64_t changes;
    int64_t partitions_until; /* scans.scan has monthly partitions up to here */
    int relaxed;              /* synchronous_commit off (relax_durability) */
    /* a standby's (db_pg_open_replica), all times on the monotonic clock: */
    int replica;
    int64_t retry_at;    /* lost: not connected again before this */
    uint64_t fence[2];   /* the primary's WAL insert position read: [0] last, [1] before */
    int64_t fence_at[2]; /* when each was asked for (0: never) */
    uint64_t replayed;   /* the standby's replay position last read (0: not known) */
    int64_t replayed_at; /* when */
} pg_db_t;

typedef struct {
    struct db_stmt base;
    char name[16];
    char *sql;             /* kept to prepare again after a reconnection */
    Oid types[MAX_PARAMS]; /* 0 (the server infers it), text for a number not in the SQL */
    int stream;
    int nparams;
    char *values[MAX_PARAMS];
    int lengths[MAX_PARAMS];
    int formats[MAX_PARAMS];
    char *owned[MAX_PARAMS]; /* copies of text and blobs bound */
    char ints[MAX_PARAMS][24];
    PGresult *res;
    int row, nrows; /* the row read, the rows in res */
    int sent;       /* executed; rows being read */
} pg_stmt_t;

static const db_engine_t pg_engine;

static pg_db_t *PG(db_t *db)
{
    return (pg_db_t *)db;
}

static pg_stmt_t *PS(db_stmt_t *st)
{
    return (pg_stmt_t *)st;
}

static int64_t monotonic_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* --- failures --------------------------------------------------------------------- */

/* Records a failed result (or the connection's message) and maps its SQLSTATE. */
static db_err_t fail_pg(db_t *db, const PGresult *res, const char *what)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : "";
    if (!msg || !msg[0])
        msg = PQerrorMessage(PG(db)->conn);
    db_err_t code = state && strcmp(state, "23505") == 0 ? DB_EEXISTS : DB_EIO;
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    db_fail(db, code, "%s: %.*s", what, (int)n, msg);
    for (char *p = db->err; *p; p++) /* ERROR and CONTEXT lines: one line */
        if (*p == '\n')
            *p = ' ';
    return code;
}

/* The session's settings, set on every connection and again after a reset. */
static void session_settings(pg_db_t *pg)
{
    PQclear(PQexec(pg->conn, "SET statement_timeout = " STR(
                                 STATEMENT_TIMEOUT_MS) "; "
                                                       "SET client_min_messages = warning"));
    if (pg->relaxed)
        PQclear(PQexec(pg->conn, "SET synchronous_commit = off"));
}

/* A connection lost outside a change is opened again (its statements are
 * prepared again on their next use, its session settings set again). */
static void reconnect_if_lost(db_t *db)
{
    pg_db_t *pg = PG(db);
    if (PQstatus(pg->conn) == CONNECTION_OK || db->depth > 0)
        return;
    if (pg->replica) { /* a standby down: the primary answers meanwhile, without waiting */
        int64_t now = monotonic_ms();
        if (now < pg->retry_at)
            return;
        pg->retry_at = now + REPLICA_RETRY_MS;
        pg->replayed = 0; /* a standby started again may be behind where it was */
    }
    PQreset(pg->conn);
    if (PQstatus(pg->conn) != CONNECTION_OK)
        return;
    for (int i = 0; i <= DB_MAX_QUERIES; i++) {
        pg_stmt_t *st = (pg_stmt_t *)db->stmt[i];
        if (st)
            st->name[0] = '\0'; /* not prepared on the new session */
    }
    session_settings(pg);
}

/* Whether a statement that failed may run again on a new connection: the
 * connection was lost, and no transaction was open before (what one had
 * done is gone with it, so running the statement alone would be wrong). */
static int lost_while_idle(db_t *db, int was_idle)
{
    return was_idle && db->depth == 0 && PQstatus(PG(db)->conn) == CONNECTION_BAD;
}

static db_err_t exec(db_t *db, const char *sql)
{
    reconnect_if_lost(db);
    for (int again = 0;; again++) {
        int was_idle = PQtransactionStatus(PG(db)->conn) == PQTRANS_IDLE;
        PGresult *res = PQexec(PG(db)->conn, sql);
        ExecStatusType s = PQresultStatus(res);
        db_err_t rc = DB_OK;
        if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
            rc = fail_pg(db, res, "statement");
        PQclear(res);
        if (rc == DB_OK || again || !lost_while_idle(db, was_idle))
            return rc;
        reconnect_if_lost(db);
    }
}

static int in_transaction(db_t *db)
{
    PGTransactionStatusType t = PQtransactionStatus(PG(db)->conn);
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

static int64_t changes(db_t *db)
{
    return PG(db)->changes;
}

/* --- statements ------------------------------------------------------------------- */

/* The SQL of q with ?N and ? placeholders as $N (a bare ? takes the number
 * after the highest so far, as SQLite numbers it); quoted text untouched.
 * *nparams receives the highest number, and used[] (MAX_PARAMS + 1 flags)
 * which ones appear. NULL when out of memory. */
static char *dollar_params(const char *sql, int *nparams, char *used)
{
    size_t len = strlen(sql);
    char *out = malloc(len * 3 + 1);
    if (!out)
        return NULL;
    char *o = out;
    int highest = 0, quoted = 0;
    for (const char *p = sql; *p; p++) {
        if (*p == '\'')
            quoted = !quoted;
        if (quoted || *p != '?') {
            *o++ = *p;
            continue;
        }
        int n = 0;
        while (p[1] >= '0' && p[1] <= '9')
            n = n * 10 + (*++p - '0');
        if (n == 0)
            n = highest + 1;
        if (n > highest)
            highest = n;
        if (n <= MAX_PARAMS)
            used[n] = 1;
        o += sprintf(o, "$%d", n);
    }
    *o = '\0';
    *nparams = highest;
    return out;
}

/* Prepares st on its connection under its name. */
static db_err_t prepare_named(db_t *db, pg_stmt_t *st, int ncols)
{
    static _Atomic int names;
    snprintf(st->name, sizeof st->name, "g%d", ++names);
    PGresult *res = PQprepare(PG(db)->conn, st->name, st->sql, st->nparams, st->types);
    db_err_t rc = PQresultStatus(res) == PGRES_COMMAND_OK ? DB_OK : fail_pg(db, res, "prepare");
    PQclear(res);
    if (rc != DB_OK || ncols < 0)
        return rc;
    res = PQdescribePrepared(PG(db)->conn, st->name);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = fail_pg(db, res, "describe");
    else if (PQnfields(res) != ncols)
        rc = db_fail(db, DB_EIO, "statement yields %d columns where its reader takes %d: %.80s",
                     PQnfields(res), ncols, st->sql);
    else if (PQnparams(res) > MAX_PARAMS)
        rc = db_fail(db, DB_EIO, "statement takes more than %d parameters", MAX_PARAMS);
    PQclear(res);
    return rc;
}

static db_stmt_t *prepare(db_t *db, const db_query_t *q, int ncols)
{
    reconnect_if_lost(db);
    pg_stmt_t *st = calloc(1, sizeof *st);
    char used[MAX_PARAMS + 1] = {0};
    if (!st || !(st->sql = dollar_params(q->pg ? q->pg : q->sql, &st->nparams, used))) {
        free(st);
        db_fail(db, DB_EIO, "out of memory");
        return NULL;
    }
    st->base.db = db;
    st->stream = q->stream;
    /* a parameter bound but absent from this text (a tally without paging)
     * has no type to infer: it goes as text, unused */
    for (int i = 1; i <= st->nparams && i <= MAX_PARAMS; i++)
        st->types[i - 1] = used[i] ? 0 : 25;
    if (st->nparams > MAX_PARAMS || prepare_named(db, st, ncols) != DB_OK) {
        if (st->nparams > MAX_PARAMS)
            db_fail(db, DB_EIO, "statement takes more than %d parameters", MAX_PARAMS);
        free(st->sql);
        free(st);
        return NULL;
    }
    return &st->base;
}

/* Ends what is left of an execution: the rest of a streamed result. */
static void drain(pg_stmt_t *st)
{
    PQclear(st->res);
    st->res = NULL;
    if (st->sent && st->stream) {
        PGresult *r;
        while ((r = PQgetResult(PG(st->base.db)->conn)) != NULL)
            PQclear(r);
    }
    st->sent = 0;
    st->row = st->nrows = 0;
}

static void unbind(pg_stmt_t *st)
{
    for (int i = 0; i < MAX_PARAMS; i++) {
        free(st->owned[i]);
        st->owned[i] = NULL;
        st->values[i] = NULL;
        st->lengths[i] = 0;
        st->formats[i] = 0;
    }
}

static void finalize(db_stmt_t *s)
{
    pg_stmt_t *st = PS(s);
    drain(st);
    unbind(st);
    free(st->sql);
    free(st);
}

static void reset(db_stmt_t *s, int clear)
{
    drain(PS(s));
    if (clear)
        unbind(PS(s));
}

static int param_slot(pg_stmt_t *st, int i)
{
    if (i < 1 || i > MAX_PARAMS)
        return -1;
    free(st->owned[i - 1]);
    st->owned[i - 1] = NULL;
    return i - 1;
}

static void bind_int(db_stmt_t *s, int i, int64_t v)
{
    pg_stmt_t *st = PS(s);
    int k = param_slot(st, i);
    if (k < 0)
        return;
    snprintf(st->ints[k], sizeof st->ints[k], "%lld", (long long)v);
    st->values[k] = st->ints[k];
    st->formats[k] = 0;
}

static void bind_bytes(pg_stmt_t *st, int i, const void *p, size_t n, int format)
{
    int k = param_slot(st, i);
    if (k < 0)
        return;
    st->owned[k] = malloc(n + 1);
    if (st->owned[k]) {
        memcpy(st->owned[k], p, n);
        st->owned[k][n] = '\0';
    }
    st->values[k] = st->owned[k];
    st->lengths[k] = (int)n;
    st->formats[k] = format;
}

static void bind_text(db_stmt_t *s, int i, const char *p, size_t n, int is_static)
{
    (void)is_static; /* libpq copies at execution, but the text may not end at n */
    bind_bytes(PS(s), i, p, n, 0);
}

static void bind_null(db_stmt_t *s, int i)
{
    int k = param_slot(PS(s), i);
    if (k >= 0)
        PS(s)->values[k] = NULL;
}

static void bind_blob(db_stmt_t *s, int i, const void *p, size_t n)
{
    bind_bytes(PS(s), i, p, n, 1);
}

/* Takes the result of a statement just run (or the next of a streamed one):
 * rows, a command's count of changes, or an error. */
static db_err_t take_result(pg_stmt_t *st, PGresult *res, const char *what)
{
    db_t *db = st->base.db;
    ExecStatusType s = PQresultStatus(res);
    if (s == PGRES_SINGLE_TUPLE || s == PGRES_TUPLES_OK) {
        st->res = res;
        st->nrows = PQntuples(res);
        st->row = -1;
        return DB_OK;
    }
    if (s == PGRES_COMMAND_OK) {
        const char *n = PQcmdTuples(res);
        PG(db)->changes = n && n[0] ? strtoll(n, NULL, 10) : 0;
        PQclear(res);
        return DB_OK;
    }
    db_err_t rc = fail_pg(db, res, what);
    PQclear(res);
    return rc;
}

static db_err_t execute(pg_stmt_t *st, const char *what)
{
    db_t *db = st->base.db;
    PGconn *c = PG(db)->conn;
    reconnect_if_lost(db);
    if (!st->name[0] && prepare_named(db, st, -1) != DB_OK)
        return DB_EIO;
    st->sent = 1;
    const char *const *values = (const char *const *)st->values;
    if (!st->stream) {
        int was_idle = PQtransactionStatus(c) == PQTRANS_IDLE;
        db_err_t rc = take_result(
            st, PQexecPrepared(c, st->name, st->nparams, values, st->lengths, st->formats, 0),
            what);
        if (rc == DB_OK || !lost_while_idle(db, was_idle))
            return rc;
        reconnect_if_lost(db); /* a statement on a connection cut: once more on a new one */
        if (PQstatus(c) != CONNECTION_OK || prepare_named(db, st, -1) != DB_OK)
            return DB_EIO;
        return take_result(
            st, PQexecPrepared(c, st->name, st->nparams, values, st->lengths, st->formats, 0),
            what);
    }
    if (!PQsendQueryPrepared(c, st->name, st->nparams, values, st->lengths, st->formats, 0) ||
        !PQsetSingleRowMode(c)) {
        st->sent = 0;
        return fail_pg(db, NULL, what);
    }
    PGresult *res = PQgetResult(c);
    return res ? take_result(st, res, what) : DB_OK;
}

static db_err_t step(db_stmt_t *s, int *row, const char *what)
{
    pg_stmt_t *st = PS(s);
    *row = 0;
    if (!st->sent) {
        db_err_t rc = execute(st, what);
        if (rc != DB_OK)
            return rc;
    }
    if (!st->res)
        return DB_OK;
    if (st->row + 1 < st->nrows) {
        st->row++;
        *row = 1;
        return DB_OK;
    }
    if (!st->stream || PQresultStatus(st->res) != PGRES_SINGLE_TUPLE)
        return DB_OK;
    PQclear(st->res); /* a streamed row read: the next one */
    st->res = NULL;
    PGresult *res = PQgetResult(PG(s->db)->conn);
    if (!res)
        return DB_OK;
    db_err_t rc = take_result(st, res, what);
    if (rc == DB_OK && st->res && st->nrows > 0) {
        st->row = 0;
        *row = 1;
    }
    return rc;
}

static const char *value(db_stmt_t *s, int i)
{
    pg_stmt_t *st = PS(s);
    if (!st->res || st->row < 0 || PQgetisnull(st->res, st->row, i))
        return NULL;
    return PQgetvalue(st->res, st->row, i);
}

static int64_t col_int(db_stmt_t *s, int i)
{
    const char *v = value(s, i);
    if (!v)
        return 0;
    if (v[0] == 't' || v[0] == 'f') /* a boolean column (x IS NOT NULL) */
        return v[0] == 't';
    return strtoll(v, NULL, 10);
}

static const char *col_str(db_stmt_t *s, int i, size_t *len)
{
    const char *v = value(s, i);
    *len = v ? (size_t)PQgetlength(PS(s)->res, PS(s)->row, i) : 0;
    return v ? v : "";
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* A bytea column arrives as text in hex form ("\x0a1b..."). */
static size_t col_blob(db_stmt_t *s, int i, void *out, size_t cap)
{
    const char *v = value(s, i);
    memset(out, 0, cap);
    if (!v || v[0] != '\\' || v[1] != 'x')
        return 0;
    size_t n = 0;
    unsigned char *o = out;
    for (const char *p = v + 2; hex_digit(p[0]) >= 0 && hex_digit(p[1]) >= 0; p += 2, n++)
        if (n < cap)
            o[n] = (unsigned char)(hex_digit(p[0]) << 4 | hex_digit(p[1]));
    return n;
}

/* --- schema ------------------------------------------------------------------------ */

static int schema_latest(void)
{
    return db_pg_migrations[db_pg_migrations_count - 1].version;
}

/* The version reached; 0 for a database without the schema, -1 on failure. */
static int schema_version(db_t *db)
{
    PGresult *res = PQexec(PG(db)->conn, "SELECT CASE WHEN to_regclass('public.schema_version') "
                                         "IS NULL THEN 0 ELSE -1 END");
    int v = -1;
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        v = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    if (v != -1)
        return v;
    res = PQexec(PG(db)->conn, "SELECT version FROM public.schema_version");
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        v = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    return v;
}

/* Applies every migration newer than the stored version, all in one
 * transaction, under a lock that keeps two servers starting at once apart. */
static db_err_t migrate(db_t *db)
{
    db_err_t rc = exec(db, "BEGIN; SELECT pg_advisory_xact_lock(" STR(SCHEMA_LOCK) ")");
    int have = rc == DB_OK ? schema_version(db) : -1;
    if (rc == DB_OK && have < 0)
        rc = db_fail(db, DB_EIO, "cannot read the schema version");
    if (rc == DB_OK && have > schema_latest())
        rc = db_fail(db, DB_EIO, "database schema version %d is newer than this gimark (%d)", have,
                     schema_latest());
    for (int i = 0; rc == DB_OK && i < db_pg_migrations_count; i++) {
        const db_migration_t *m = &db_pg_migrations[i];
        if (m->version <= have)
            continue;
        char set[80];
        snprintf(set, sizeof set, "UPDATE public.schema_version SET version = %d", m->version);
        if (exec(db, m->sql) != DB_OK || exec(db, set) != DB_OK) {
            char why[sizeof db->err];
            snprintf(why, sizeof why, "%s", db->err);
            rc = db_fail(db, DB_EIO, "migration %s failed: %s", m->name, why);
        }
    }
    if (rc == DB_OK)
        return exec(db, "COMMIT");
    PQclear(PQexec(PG(db)->conn, "ROLLBACK"));
    return rc;
}

/* --- scans --------------------------------------------------------------------------- */

/* The first second of the month n months after the one holding t (UTC). */
int64_t db_pg_month_start(int64_t t, int n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    int months = tm.tm_year * 12 + tm.tm_mon + n;
    struct tm first = {.tm_year = months / 12, .tm_mon = months % 12, .tm_mday = 1};
    return (int64_t)timegm(&first);
}

db_err_t db_pg_scan_partition(db_t *db, int64_t t)
{
    int64_t from = db_pg_month_start(t, 0), to = db_pg_month_start(t, 1);
    time_t tf = (time_t)from;
    struct tm tm;
    gmtime_r(&tf, &tm);
    char sql[256];
    snprintf(sql, sizeof sql,
             "CREATE TABLE IF NOT EXISTS scans.scan_%04d%02d PARTITION OF scans.scan "
             "FOR VALUES FROM (%lld) TO (%lld)",
             tm.tm_year + 1900, tm.tm_mon + 1, (long long)from, (long long)to);
    PGresult *res = PQexec(PG(db)->conn, sql);
    ExecStatusType s = PQresultStatus(res);
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    /* 42P07: made by another server meanwhile; 23514: rows of that month are in the
     * default partition already (scans stored with an earlier clock, or before the
     * partition was made): they and later ones of that month stay there */
    int ok = s == PGRES_COMMAND_OK ||
             (state && (strcmp(state, "42P07") == 0 || strcmp(state, "23514") == 0));
    db_err_t rc = ok ? DB_OK : fail_pg(db, res, "scan partition");
    PQclear(res);
    return rc;
}

/* Creates scans.scan's partitions from this month to two months ahead (a
 * server that runs long makes them as months pass), each in its own
 * statement: two servers making the same one is no failure. */
static db_err_t ensure_partitions(db_t *db, int64_t now)
{
    pg_db_t *pg = PG(db);
    if (now < pg->partitions_until - 31 * 86400)
        return DB_OK;
    for (int m = 0; m < 3; m++) {
        db_err_t rc = db_pg_scan_partition(db, db_pg_month_start(now, m));
        if (rc != DB_OK)
            return rc;
    }
    pg->partitions_until = db_pg_month_start(now, 3);
    return DB_OK;
}

/* Ends a COPY begun on c: sends its end (or failure), reads its results. */
static db_err_t copy_end(db_t *db, int ok, const char *what)
{
    PGconn *c = PG(db)->conn;
    db_err_t rc = DB_OK;
    if (PQputCopyEnd(c, ok ? NULL : "not copied") != 1)
        ok = 0;
    PGresult *res;
    while ((res = PQgetResult(c)) != NULL) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == DB_OK)
            rc = fail_pg(db, res, what);
        PQclear(res);
    }
    return rc == DB_OK && !ok ? fail_pg(db, NULL, what) : rc;
}

static db_err_t scans_begin(db_t *db)
{
    return exec(db, "BEGIN");
}

/* Appends text to a COPY line, escaped for COPY's text format; NULL is \N. */
static size_t copy_field(char *out, size_t cap, size_t used, const char *s)
{
    if (!s)
        return used + (size_t)snprintf(out + used, used < cap ? cap - used : 0, "\\N");
    for (; *s && used + 2 < cap; s++) {
        char c = *s;
        if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
            out[used++] = '\\';
            c = c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\';
        }
        out[used++] = c;
    }
    out[used] = '\0';
    return used;
}

static int copy_scan(PGconn *c, const db_scan_t *s)
{
    char line[512];
    size_t n = (size_t)snprintf(line, sizeof line, "%lld\t", (long long)s->at);
    const char *fields[] = {s->code, s->raw, s->verdict, s->client_key, s->ua_class};
    for (int i = 0; i < 5; i++) {
        n = copy_field(line, sizeof line - 3, n, fields[i]);
        line[n++] = '\t';
    }
    line[n++] = s->skip_client_row ? 't' : 'f';
    line[n++] = '\n';
    return PQputCopyData(c, line, (int)n) == 1;
}

/* What one group commit adds to the scans, the per-code totals and the
 * clients, in code order (two servers' commits lock the rows they share in
 * the same order), as one prepared statement: planned once a connection,
 * where the three statements sent as text were planned at every commit. A
 * client's row moves only when the scan says so (skip_client_row), as the
 * SQLite engine's merge does. */
static db_query_t q_merge_batch = DB_QUERY(
    "WITH stored AS (INSERT INTO scans.scan (at, code, raw, verdict, client_key, ua_class) "
    "SELECT at, code, raw, verdict, client_key, ua_class FROM scan_batch), "
    "totals AS (INSERT INTO scans.scan_total (code, count, first_at) "
    "SELECT code, count(*), min(at) FROM scan_batch WHERE code IS NOT NULL GROUP BY code "
    "ORDER BY code ON CONFLICT (code) DO UPDATE SET count = scan_total.count + excluded.count, "
    "first_at = least(scan_total.first_at, excluded.first_at)) "
    "INSERT INTO scans.scan_client (code, client_key, first_at, last_at) "
    "SELECT code, client_key, min(at), max(at) FROM scan_batch WHERE code IS NOT NULL "
    "AND NOT skip_client_row GROUP BY code, client_key ORDER BY code, client_key "
    "ON CONFLICT (code, client_key) DO UPDATE SET "
    "first_at = least(scan_client.first_at, excluded.first_at), "
    "last_at = greatest(scan_client.last_at, excluded.last_at)",
    0);

/* The writer's group commit, one transaction: a COPY of the events into a
 * table of this session, then their rows into scans.scan and their counts
 * into the totals and clients. With several servers there is no single
 * "merged up to" mark to keep (each writes ids out of the others' order),
 * so scans are counted as they are stored: exactly once, whoever crashes. */
static db_err_t scans_record(db_t *db, const db_scan_t *scans, size_t n, int64_t *last_id)
{
    PGconn *c = PG(db)->conn;
    *last_id = 0;
    db_err_t rc = ensure_partitions(db, n ? scans[n - 1].at : (int64_t)time(NULL));
    if (rc == DB_OK)
        rc = db_scans_begin(db);
    if (rc == DB_OK)
        rc = exec(db, "CREATE TEMP TABLE IF NOT EXISTS scan_batch (at bigint, code text, "
                      "raw text, verdict text, client_key text, ua_class text, "
                      "skip_client_row boolean) ON COMMIT DELETE ROWS");
    if (rc != DB_OK)
        return db_scans_end(db, rc);
    PGresult *res = PQexec(c, "COPY scan_batch FROM STDIN");
    int ok = PQresultStatus(res) == PGRES_COPY_IN;
    PQclear(res);
    for (size_t i = 0; ok && i < n; i++)
        ok = copy_scan(c, &scans[i]);
    rc = copy_end(db, ok, "record scans");
    if (rc == DB_OK) {
        db_stmt_t *st = db_stmt(db, &q_merge_batch);
        rc = st ? db_step_done(db, st, "record scans") : DB_EIO;
    }
    return db_scans_end(db, rc);
}

/* --- issuance ------------------------------------------------------------------------ */

/* The labels copied into a table of this session, then inserted in code
 * order, the codes already taken left out (ON CONFLICT DO NOTHING: an error
 * would end the issuance's transaction); the sequence numbers inserted come
 * back, and those missing are the codes taken. */
static db_err_t labels_insert(db_t *db, int64_t batch_id, int64_t first_seq, const char *codes,
                              size_t stride, size_t n, size_t *taken, size_t *ntaken)
{
    PGconn *c = PG(db)->conn;
    *ntaken = 0;
    db_err_t rc = exec(db, "CREATE TEMP TABLE IF NOT EXISTS label_batch (code text, seq bigint) "
                           "ON COMMIT DELETE ROWS; TRUNCATE label_batch");
    if (rc != DB_OK)
        return rc;
    PGresult *res = PQexec(c, "COPY label_batch FROM STDIN");
    int ok = PQresultStatus(res) == PGRES_COPY_IN;
    PQclear(res);
    for (size_t i = 0; ok && i < n; i++) {
        char line[64];
        int len = snprintf(line, sizeof line, "%.16s\t%lld\n", codes + i * stride,
                           (long long)(first_seq + (int64_t)i));
        ok = PQputCopyData(c, line, len) == 1;
    }
    if ((rc = copy_end(db, ok, "copy labels")) != DB_OK)
        return rc;
    char batch[24];
    snprintf(batch, sizeof batch, "%lld", (long long)batch_id);
    const char *params[1] = {batch};
    res = PQexecParams(c,
                       "INSERT INTO label (code, batch_id, seq) SELECT code, $1::bigint, seq "
                       "FROM label_batch ORDER BY code ON CONFLICT DO NOTHING RETURNING seq",
                       1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = fail_pg(db, res, "insert labels");
        PQclear(res);
        return rc;
    }
    size_t inserted = (size_t)PQntuples(res);
    if (inserted < n) { /* rare: mark the sequence numbers that came back */
        unsigned char *in = calloc(n, 1);
        if (!in) {
            PQclear(res);
            return db_fail(db, DB_EIO, "out of memory");
        }
        for (size_t r = 0; r < inserted; r++) {
            int64_t i = strtoll(PQgetvalue(res, (int)r, 0), NULL, 10) - first_seq;
            if (i >= 0 && (size_t)i < n)
                in[i] = 1;
        }
        for (size_t i = 0; i < n; i++)
            if (!in[i])
                taken[(*ntaken)++] = i;
        free(in);
    }
    PQclear(res);
    return DB_OK;
}

/* --- connections -------------------------------------------------------------------- */

static db_err_t no_snapshot(db_t *db)
{
    (void)db;
    return DB_OK;
}

static void no_release(db_t *db)
{
    (void)db;
}

/* The server sizes its own cache (shared_buffers): nothing to do per connection. */
static db_err_t cache_size(db_t *db, int mib)
{
    (void)db;
    (void)mib;
    return DB_OK;
}

/* For the scan writer: a commit need not wait for the disk (a crash of the
 * server loses at most the last few, never corrupts), and partitions ahead. */
static db_err_t relax_durability(db_t *db)
{
    PG(db)->relaxed = 1;
    db_err_t rc = exec(db, "SET synchronous_commit = off");
    return rc == DB_OK ? ensure_partitions(db, (int64_t)time(NULL)) : rc;
}

static void close_conn(db_t *db)
{
    PQfinish(PG(db)->conn);
    free(PG(db));
}

/* A connection with its session settings; NULL with a message on failure. */
static db_t *connect_to(const char *conninfo, char *errbuf, size_t errlen)
{
    pg_db_t *pg = calloc(1, sizeof *pg);
    if (!pg) {
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    db_t *db = &pg->base;
    db->eng = &pg_engine;
    pg->conn = PQconnectdb(conninfo);
    if (PQstatus(pg->conn) != CONNECTION_OK) {
        /* libpq's message names host and port, never the password */
        snprintf(errbuf, errlen, "cannot connect to the database: %s", PQerrorMessage(pg->conn));
        db_close(db);
        return NULL;
    }
    PQsetNoticeProcessor(pg->conn, NULL, NULL);
    session_settings(pg);
    return db;
}

db_t *db_pg_open(const char *conninfo, char *errbuf, size_t errlen)
{
    db_t *db = connect_to(conninfo, errbuf, errlen);
    if (db && migrate(db) != DB_OK) {
        snprintf(errbuf, errlen, "database: %s", db->err);
        db_close(db);
        return NULL;
    }
    return db;
}

db_t *db_pg_open_replica(const char *conninfo, char *errbuf, size_t errlen)
{
    db_t *db = connect_to(conninfo, errbuf, errlen);
    if (!db)
        return NULL;
    PG(db)->replica = 1;
    int v = schema_version(db);
    if (v != schema_latest()) {
        snprintf(errbuf, errlen, "replica: schema version %d, where this gimark knows %d", v,
                 schema_latest());
        db_close(db);
        return NULL;
    }
    return db;
}

/* A WAL position that the query sql returns as a number of bytes (0 for
 * NULL), on an idle connection; -1 when it cannot be read. */
static int wal_position(db_t *db, const char *sql, uint64_t *out)
{
    reconnect_if_lost(db);
    PGconn *c = PG(db)->conn;
    if (db->depth > 0 || PQstatus(c) != CONNECTION_OK || PQtransactionStatus(c) != PQTRANS_IDLE)
        return -1;
    PGresult *res = PQexec(c, sql);
    int ok = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
    if (ok)
        *out = PQgetisnull(res, 0, 0) ? 0 : strtoull(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return ok ? 0 : -1;
}

int db_pg_replica_current(db_t *replica, db_t *primary)
{
    if (replica->eng != &pg_engine || primary->eng != &pg_engine || !PG(replica)->replica)
        return 0;
    pg_db_t *r = PG(replica);
    int64_t now = monotonic_ms();
    if (now - r->fence_at[0] >= REPLICA_STALE_MS / 2) {
        uint64_t lsn;
        /* the insert position, not the written one: a commit made with
         * synchronous_commit off is seen before its WAL is written */
        if (wal_position(primary, "SELECT pg_current_wal_insert_lsn() - '0/0'", &lsn) == 0) {
            r->fence[1] = r->fence[0];
            r->fence_at[1] = r->fence_at[0];
            r->fence[0] = lsn;
            r->fence_at[0] = now; /* asked for now: it covers every commit made before */
        }
    }
    /* the oldest position read within the bound: the standby must have it */
    int i = r->fence_at[1] > 0 && now - r->fence_at[1] <= REPLICA_STALE_MS ? 1 : 0;
    if (r->fence_at[i] == 0 || now - r->fence_at[i] > REPLICA_STALE_MS)
        return 0; /* the primary's position unknown (the primary unreachable) */
    if (r->replayed >= r->fence[i])
        return 1;
    if (r->replayed_at > 0 && now - r->replayed_at < REPLICA_RECHECK_MS)
        return 0;
    uint64_t replayed = 0;
    r->replayed_at = now;
    /* NULL (0) on a server that is not in recovery: never current */
    if (wal_position(replica, "SELECT pg_last_wal_replay_lsn() - '0/0'", &replayed) != 0)
        return 0;
    r->replayed = replayed;
    return replayed > 0 && replayed >= r->fence[i];
}

/* --- for copy.c ------------------------------------------------------------------- */

PGconn *db_pg_conn(db_t *db)
{
    return db->eng == &pg_engine ? PG(db)->conn : NULL;
}

db_err_t db_pg_fail(db_t *db, const PGresult *res, const char *what)
{
    return fail_pg(db, res, what);
}

static const db_engine_t pg_engine = {
    .name = "postgresql",
    .close = close_conn,
    .exec = exec,
    .in_transaction = in_transaction,
    .begin_sql = "BEGIN",
    .holds_snapshots = 0,
    .versions_views = 1,
    .merges_on_record = 1,
    .max_params = MAX_PARAMS,
    .scans_begin = scans_begin,
    .scans_record = scans_record,
    .labels_insert = labels_insert,
    .read_snapshot = no_snapshot,
    .release_snapshot = no_release,
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
