/*
 * migrate.c - the steps and checks of moving a SQLite database into
 * PostgreSQL; the copying is db/'s (db_copy_all).
 */
#include "gi/migrate.h"
#include "gi/audit.h"
#include "gi/verify.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Opens the source read-only (a server may have it open) and checks that it
 * can be moved as it is. */
static gi_err_t open_source(const char *from, db_t **src, gi_audit_report_t *audit, gi_error_t *err)
{
    char msg[512];
    if (db_target_is_server(from))
        return gi_fail(err, GI_EINVAL, "--from names a SQLite database file, not a server");
    if (access(from, F_OK) != 0)
        return gi_fail(err, GI_ENOTFOUND, "no database at %s", from);
    *src = db_open_copy(from, msg, sizeof msg);
    if (!*src)
        return gi_fail(err, GI_EIO, "cannot read %s: %s", from, msg);
    int v = db_schema_version(*src), latest = db_schema_latest(*src);
    if (v < 1)
        return gi_fail(err, GI_EREFUSED, "%s is not a gimark database (schema version %d)", from,
                       v);
    if (v > latest)
        return gi_fail(err, GI_EREFUSED,
                       "%s has schema version %d, newer than this gimark knows (%d): migrate with "
                       "the gimark that wrote it",
                       from, v, latest);
    if (v < latest)
        return gi_fail(err, GI_EREFUSED,
                       "%s has schema version %d, not this gimark's latest (%d): run 'gimark init "
                       "--db %s' first (with its servers stopped), then migrate",
                       from, v, latest, from);
    gi_err_t rc = gi_audit_verify(*src, audit, err);
    if (rc == GI_OK && !audit->ok)
        rc = gi_fail(err, GI_EREFUSED,
                     "the audit log of %s is broken (%s): it is not moved; keep the file as "
                     "evidence and see 'gimark audit verify'",
                     from, audit->problem);
    return rc;
}

/* Refuses a target that holds records: migrate fills a new database. */
static gi_err_t check_empty(db_t *dst, const char *to_shown, gi_error_t *err)
{
    db_table_rows_t n[DB_TABLES];
    if (db_table_counts(dst, n) != DB_OK)
        return gi_fail(err, GI_EIO, "cannot read %s: %s", to_shown, db_errmsg(dst));
    for (int i = 0; i < DB_TABLES; i++)
        if (n[i].rows > 0 && strcmp(n[i].table, "scans.scan_merged") != 0)
            return gi_fail(err, GI_EEXISTS,
                           "the target is not empty (%s holds %" PRId64
                           " records): migrate moves a database into a new, empty one",
                           n[i].table, n[i].rows);
    return GI_OK;
}

/* --- comparing verdicts ------------------------------------------------------------ */

#define CODE_CAP 20

typedef struct {
    char (*codes)[CODE_CAP];
    int64_t n, cap;
} codes_t;

static int take_code(const char *code, void *arg)
{
    codes_t *c = arg;
    if (c->n < c->cap)
        snprintf(c->codes[c->n++], CODE_CAP, "%s", code);
    return c->n >= c->cap;
}

typedef struct {
    gi_verification_t v;
    int64_t scans, first_scan_at;
} answer_t;

static gi_err_t answer(const gi_ctx_t *ctx, const char *code, answer_t *a, gi_error_t *err)
{
    memset(a, 0, sizeof *a);
    gi_err_t rc = gi_verify(ctx, code, strlen(code), 1, 0, &a->v, err);
    if (rc == GI_OK && db_scan_count(ctx->db, code, &a->scans, &a->first_scan_at) != DB_OK)
        rc = gi_fail(err, GI_EIO, "cannot count the scans of %s: %s", code, db_errmsg(ctx->db));
    return rc;
}

/* What differs between the answers on one code; "" when nothing does. */
static void differ(const answer_t *a, const answer_t *b, char *out, size_t cap)
{
    const db_label_view_t *x = &a->v.view, *y = &b->v.view;
    out[0] = '\0';
    if (a->v.verdict != b->v.verdict)
        snprintf(out, cap, "verdict %s on the source, %s on the target",
                 gi_verdict_name(a->v.verdict), gi_verdict_name(b->v.verdict));
    else if (a->v.found != b->v.found || x->seq != y->seq || x->batch.id != y->batch.id ||
             x->label_voided != y->label_voided || x->auth.id != y->auth.id ||
             x->product.id != y->product.id || x->op.id != y->op.id ||
             strcmp(x->batch.status, y->batch.status) != 0 || strcmp(x->op.name, y->op.name) != 0 ||
             strcmp(x->product.name_zh, y->product.name_zh) != 0)
        snprintf(out, cap,
                 "its label's records differ (batch %" PRId64 "/%" PRId64 ", seq %" PRId64
                 "/%" PRId64 ")",
                 x->batch.id, y->batch.id, x->seq, y->seq);
    else if (a->scans != b->scans || a->first_scan_at != b->first_scan_at)
        snprintf(out, cap, "%" PRId64 " scans on the source, %" PRId64 " on the target", a->scans,
                 b->scans);
}

/* Compares the answers on up to sample random codes of the source. */
static gi_err_t compare_sample(db_t *src, db_t *dst, int64_t now, int64_t sample,
                               gi_migrate_report_t *rep, gi_error_t *err)
{
    codes_t c = {NULL, 0, sample};
    if (sample <= 0)
        return GI_OK;
    c.codes = calloc((size_t)sample, CODE_CAP);
    if (!c.codes)
        return gi_fail(err, GI_ENOMEM, "out of memory");
    gi_err_t rc = GI_OK;
    if (db_label_sample(src, sample, take_code, &c) != DB_OK)
        rc = gi_fail(err, GI_EIO, "cannot pick codes: %s", db_errmsg(src));
    gi_ctx_t on_src = {src, "migrate", now, NULL}, on_dst = {dst, "migrate", now, NULL};
    for (int64_t i = 0; rc == GI_OK && i < c.n; i++) {
        answer_t a, b;
        char why[200];
        rc = answer(&on_src, c.codes[i], &a, err);
        if (rc == GI_OK)
            rc = answer(&on_dst, c.codes[i], &b, err);
        if (rc != GI_OK)
            break;
        rep->sampled++;
        differ(&a, &b, why, sizeof why);
        if (why[0] && rep->sample_differ++ == 0)
            snprintf(rep->sample_problem, sizeof rep->sample_problem, "%s: %s", c.codes[i], why);
    }
    free(c.codes);
    return rc;
}

/* --- the move ------------------------------------------------------------------------- */

static int64_t rows_of(const db_table_rows_t t[DB_TABLES], const char *table)
{
    for (int i = 0; i < DB_TABLES; i++)
        if (t[i].table && strcmp(t[i].table, table) == 0)
            return t[i].rows;
    return -1;
}

/* The checks after the move, into rep. */
static gi_err_t check(db_t *src, db_t *dst, const gi_audit_report_t *before, int64_t now,
                      int64_t sample, gi_migrate_report_t *rep, gi_error_t *err)
{
    if (db_table_counts(src, rep->source) != DB_OK)
        return gi_fail(err, GI_EIO, "cannot count the source's records: %s", db_errmsg(src));
    if (db_table_counts(dst, rep->target) != DB_OK)
        return gi_fail(err, GI_EIO, "cannot count the target's records: %s", db_errmsg(dst));
    rep->counts_ok = 1;
    for (int i = 0; i < DB_TABLES; i++)
        if (rep->source[i].rows != rep->target[i].rows ||
            rep->copied[i].rows != rep->target[i].rows)
            rep->counts_ok = 0;
    /* the whole chain, and the source's head as verified before the move a
     * row of it (a server still writing to the source may have added rows) */
    gi_err_t rc = gi_audit_verify_anchor(dst, before->head, &rep->audit, err);
    if (rc != GI_OK)
        return rc;
    rep->audit_same = rep->audit.anchor_id == before->head_id &&
                      rep->audit.rows == rows_of(rep->copied, "audit_log");
    rc = compare_sample(src, dst, now, sample, rep, err);
    rep->ok = rc == GI_OK && rep->counts_ok && rep->audit.ok && rep->audit_same &&
              rep->sample_differ == 0;
    return rc;
}

gi_err_t gi_migrate(const char *from, const char *to, int64_t now, int64_t sample,
                    db_copy_progress_fn progress, void *arg, gi_migrate_report_t *rep,
                    gi_error_t *err)
{
    memset(rep, 0, sizeof *rep);
    char shown[512], msg[512];
    db_target_shown(to, shown, sizeof shown);
    if (!db_target_is_server(to))
        return gi_fail(err, GI_EINVAL,
                       "--to names the PostgreSQL database to fill (postgresql://USER@HOST/NAME), "
                       "not a file");
    db_t *src = NULL, *dst = NULL;
    gi_audit_report_t before;
    gi_err_t rc = open_source(from, &src, &before, err);
    if (rc == GI_OK && !(dst = db_open(to, msg, sizeof msg)))
        rc = gi_fail(err, GI_EIO, "%s", msg);
    if (rc == GI_OK)
        rc = check_empty(dst, shown, err);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (rc == GI_OK) {
        db_err_t drc = db_copy_all(src, dst, rep->copied, progress, arg);
        if (drc == DB_EEXISTS)
            rc = gi_fail(err, GI_EEXISTS, "%s", db_errmsg(dst));
        else if (drc != DB_OK)
            rc = gi_fail(err, GI_EIO, "nothing was moved: %s", db_errmsg(dst));
    }
    rep->copy_seconds = seconds_since(&t0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (rc == GI_OK)
        rc = check(src, dst, &before, now, sample, rep, err);
    rep->check_seconds = seconds_since(&t0);
    db_close(dst);
    db_close(src);
    return rc;
}
