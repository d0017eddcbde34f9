/*
 * bench_issue.c - issuance and PDF figures for `make bench`.
 *
 *     bench_issue DIR [EXISTING]
 *
 * 1. Issues 1,000,000 codes into a fresh database through gi_batch_issue,
 *    and inserts the same number of sorted codes with plain SQLite (one
 *    prepared statement, one transaction, same table) as the anchor.
 * 2. With EXISTING > 0, issues 1,000,000 codes into a database that already
 *    holds EXISTING labels (the DESIGN goal: 10,000,000 existing, <= 2 s),
 *    and, as its anchor, inserts 1,000,000 sorted codes with plain SQLite
 *    into a byte-for-byte copy of that database taken just before.
 * 3. Renders a 10,000-label PDF of an issued batch.
 * Prints each figure and its ratio to its anchor or goal.
 */
#include "gi/batch.h"
#include "gi/export.h"
#include "gi/registry.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const gi_error_t *e)
{
    fprintf(stderr, "bench: %s: %s\n", what, e->msg);
    exit(3);
}

/* A database with one approved authorisation and a quota for anything. */
static int64_t setup(const char *path, db_t **db, gi_ctx_t *ctx)
{
    char err[256];
    gi_error_t e;
    db_product_t p;
    db_operator_t o;
    db_auth_t a;
    remove(path);
    *db = db_open(path, err, sizeof err);
    if (!*db) {
        fprintf(stderr, "bench: %s\n", err);
        exit(3);
    }
    *ctx = (gi_ctx_t){*db, "bench", (int64_t)time(NULL), NULL};
    gi_product_input_t prod = {
        "百色芒果", "Baise Mango", "", "CNIPA Announcement No. 475", "451000", "", "", ""};
    gi_operator_input_t op = {
        "93451003MA815908XM", "田阳香芒专业合作社", "cooperative", "451003", "", ""};
    if (gi_product_add(ctx, &prod, &p, &e) || gi_operator_add(ctx, &op, &o, &e))
        die("setup", &e);
    gi_auth_input_t in = {o.id, p.id, "", "", 100000000, "CNIPA Announcement No. 475", ""};
    if (gi_auth_grant(ctx, &in, &a, &e) ||
        gi_auth_transition(ctx, a.id, GI_AUTH_APPROVE, "", "", NULL, &e))
        die("setup", &e);
    return a.id;
}

static double issue(gi_ctx_t *ctx, int64_t auth, int64_t count, int64_t *batch)
{
    gi_error_t e;
    db_batch_t b;
    gi_batch_request_t req = {auth, count, "LOT", "", "", ""};
    gi_ctx_t reviewer = *ctx; /* a second account approves */
    reviewer.actor = "bench:reviewer";
    if (gi_batch_request(ctx, &req, &b, &e) || gi_batch_decide(&reviewer, b.id, 1, "", NULL, &e))
        die("request", &e);
    double t0 = seconds();
    if (gi_batch_issue(ctx, b.id, NULL, NULL, &e))
        die("issue", &e);
    *batch = b.id;
    return seconds() - t0;
}

static int cmp_code(const void *a, const void *b)
{
    return memcmp(a, b, GI_CODE_LEN);
}

/* The anchor: the same rows inserted with nothing but SQLite, into a new
 * database (fresh) or into the label table of the one at path. */
static double plain_sqlite(const char *path, size_t n, int fresh)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    gi_error_t e;
    if (fresh)
        remove(path);
    gi_code_t *codes = malloc(n * sizeof *codes);
    if (!codes || gi_code_generate(codes, n, &e))
        exit(3);
    double t0 = seconds();
    qsort(codes, n, sizeof *codes, cmp_code);
    sqlite3_open(path, &db);
    sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", NULL, NULL, NULL);
    if (fresh)
        sqlite3_exec(db,
                     "CREATE TABLE label (code TEXT PRIMARY KEY, batch_id INTEGER NOT NULL,"
                     " seq INTEGER NOT NULL) STRICT, WITHOUT ROWID;"
                     "CREATE INDEX label_batch ON label (batch_id, seq);",
                     NULL, NULL, NULL);
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    sqlite3_prepare_v2(db, "INSERT INTO label VALUES (?,?,?)", -1, &st, NULL);
    for (size_t i = 0; i < n; i++) {
        sqlite3_bind_text(st, 1, codes[i].s, GI_CODE_LEN, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, 1000000);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)i + 1);
        sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    double t = seconds() - t0;
    sqlite3_close(db);
    free(codes);
    return t;
}

/* Copies the database at from (its WAL checkpointed into it first) to to. */
static void copy_database(const char *from, const char *to)
{
    sqlite3 *db;
    if (sqlite3_open(from, &db) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench: cannot checkpoint %s\n", from);
        exit(3);
    }
    sqlite3_close(db);
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    static char buf[1 << 20];
    size_t n;
    while (in && out && (n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            break;
    if (!in || !out || ferror(in) || fclose(out) != 0) {
        fprintf(stderr, "bench: cannot copy %s to %s\n", from, to);
        exit(3);
    }
    fclose(in);
}

static double export_pdf(gi_ctx_t *ctx, int64_t batch, const char *path, int vector, long *bytes)
{
    gi_error_t e;
    gi_export_t ex = {0};
    size_t written;
    label_layout_default(&ex.layout);
    ex.layout.vector_paths = vector;
    ex.base_url = "https://gi.example.cn";
    ex.format = LABEL_FMT_PDF;
    ex.path = path;
    double t0 = seconds();
    if (gi_batch_export(ctx, batch, &ex, &written, &e))
        die("export", &e);
    double t = seconds() - t0;
    struct stat sb;
    *bytes = stat(path, &sb) == 0 ? (long)sb.st_size : -1;
    return t;
}

int main(int argc, char **argv)
{
    if (argc < 2 || sodium_init() < 0) {
        fprintf(stderr, "usage: bench_issue DIR [EXISTING]\n");
        return 1;
    }
    const char *dir = argv[1];
    long existing = argc > 2 ? atol(argv[2]) : 0;
    char path[512], anchor[512], pdf[512];
    snprintf(path, sizeof path, "%s/bench.db", dir);
    snprintf(anchor, sizeof anchor, "%s/anchor.db", dir);
    snprintf(pdf, sizeof pdf, "%s/labels.pdf", dir);
    db_t *db;
    gi_ctx_t ctx;
    int64_t batch;
    const int64_t n = 1000000;

    int64_t auth = setup(path, &db, &ctx);
    double t_issue = issue(&ctx, auth, n, &batch);
    double t_plain = plain_sqlite(anchor, (size_t)n, 1);
    printf("issue 1,000,000 codes, fresh database:   %.2f s  (%.0f codes/s)\n", t_issue,
           (double)n / t_issue);
    printf("plain SQLite insert of the same rows:    %.2f s  (%.0f rows/s)\n", t_plain,
           (double)n / t_plain);
    printf("ratio gimark / plain SQLite (time):      %.2fx   (goal <= 3 s absolute: %s)\n",
           t_issue / t_plain, t_issue <= 3.0 ? "met" : "MISSED");

    if (existing > 0) {
        int64_t b;
        for (long have = n; have < existing; have += n)
            issue(&ctx, auth, n, &b);
        copy_database(path, anchor);
        double t_big = issue(&ctx, auth, n, &b);
        double t_big_plain = plain_sqlite(anchor, (size_t)n, 0);
        printf("issue 1,000,000 codes onto %ld labels: %.2f s  (goal <= 2 s: %.2fx of goal)\n",
               existing, t_big, t_big / 2.0);
        printf("plain SQLite insert onto a copy of it:   %.2f s  (ratio gimark / plain: %.2fx)\n",
               t_big_plain, t_big / t_big_plain);
    }

    int64_t small;
    issue(&ctx, auth, 10000, &small);
    long bytes = 0;
    double t_pdf = export_pdf(&ctx, small, pdf, 0, &bytes);
    printf("10,000-label PDF (stencil QR):           %.2f s  %.1f MB  (%.0f labels/s, goal <= 1 s:"
           " %.2fx of goal)\n",
           t_pdf, (double)bytes / 1e6, 10000 / t_pdf, t_pdf / 1.0);
    t_pdf = export_pdf(&ctx, small, pdf, 1, &bytes);
    printf("10,000-label PDF (vector paths):         %.2f s  %.1f MB\n", t_pdf,
           (double)bytes / 1e6);
    db_close(db);
    return 0;
}
