/*
 * audit.c - appending to and verifying the hash-chained audit log.
 *
 * The canonical form of a row is each field as "<length>:<bytes>," in a fixed
 * order (id, at, actor, action, entity, entity_id, detail), so no two rows
 * serialise alike however their text is chosen.
 */
#include "gi/audit.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void hash_field(crypto_hash_sha256_state *st, const char *s)
{
    char len[24];
    int n = snprintf(len, sizeof len, "%zu:", strlen(s));
    crypto_hash_sha256_update(st, (const unsigned char *)len, (unsigned long long)n);
    crypto_hash_sha256_update(st, (const unsigned char *)s, strlen(s));
    crypto_hash_sha256_update(st, (const unsigned char *)",", 1);
}

static void hash_int(crypto_hash_sha256_state *st, int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    hash_field(st, buf);
}

void gi_audit_hash(const db_audit_row_t *row, const unsigned char prev[DB_HASH_LEN],
                   unsigned char out[DB_HASH_LEN])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, prev, DB_HASH_LEN);
    hash_int(&st, row->id);
    hash_int(&st, row->at);
    hash_field(&st, row->actor);
    hash_field(&st, row->action);
    hash_field(&st, row->entity);
    hash_int(&st, row->entity_id);
    hash_field(&st, row->detail);
    crypto_hash_sha256_final(&st, out);
}

gi_err_t gi_audit_record(const gi_ctx_t *ctx, const char *action, const char *entity,
                         int64_t entity_id, const json_t *detail, gi_error_t *err)
{
    char *text = NULL;
    gi_err_t rc = GI_OK;
    if (detail) {
        text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
        if (!text)
            return gi_fail(err, GI_ENOMEM, "cannot serialise audit detail");
    }
    db_audit_row_t row = {
        .at = ctx->now,
        .actor = ctx->actor,
        .action = action,
        .entity = entity,
        .entity_id = entity_id,
        .detail = text ? text : "{}",
    };
    db_err_t drc = db_audit_head(ctx->db, &row.id, row.prev_hash);
    if (drc == DB_OK) {
        gi_audit_hash(&row, row.prev_hash, row.hash);
        drc = db_audit_append(ctx->db, &row);
    }
    if (drc != DB_OK)
        rc = gi_db_fail(ctx->db, drc, err);
    free(text);
    return rc;
}

typedef struct {
    gi_audit_report_t *rep;
    int64_t expect_id;
    unsigned char prev[DB_HASH_LEN];
    const unsigned char *anchor; /* NULL: none asked for */
} verify_state_t;

static int verify_row(const db_audit_row_t *row, void *arg)
{
    verify_state_t *vs = arg;
    gi_audit_report_t *rep = vs->rep;
    unsigned char want[DB_HASH_LEN];
    rep->rows++;
    if (row->id != vs->expect_id) {
        snprintf(rep->problem, sizeof rep->problem,
                 "row %" PRId64 " follows row %" PRId64 ": rows are missing", row->id,
                 vs->expect_id - 1);
    } else if (sodium_memcmp(row->prev_hash, vs->prev, DB_HASH_LEN) != 0) {
        snprintf(rep->problem, sizeof rep->problem,
                 "row %" PRId64 " does not link to the row before it", row->id);
    } else {
        gi_audit_hash(row, vs->prev, want);
        if (sodium_memcmp(want, row->hash, DB_HASH_LEN) != 0)
            snprintf(rep->problem, sizeof rep->problem,
                     "row %" PRId64 " was changed after it was written", row->id);
    }
    if (rep->problem[0]) {
        rep->bad_id = row->id;
        return 1;
    }
    if (vs->anchor && rep->anchor_id == 0 && sodium_memcmp(row->hash, vs->anchor, DB_HASH_LEN) == 0)
        rep->anchor_id = row->id;
    memcpy(vs->prev, row->hash, DB_HASH_LEN);
    rep->head_id = row->id;
    rep->head_at = row->at;
    vs->expect_id++;
    return 0;
}

/* Compares the database's count of rows ever appended (SQLite's
 * sqlite_sequence, PostgreSQL's audit_seq) with the newest row of an intact
 * chain. The
 * sequence is read before the walk (before) and after it (rep->sequence):
 * rows are only ever added, so while nobody tampers, before <= newest <=
 * after even when a server appends meanwhile. */
static void check_sequence(gi_audit_report_t *rep, int64_t before)
{
    int64_t newest = rep->head_id;
    if (newest < before) {
        rep->bad_id = newest + 1;
        snprintf(rep->problem, sizeof rep->problem,
                 "rows %" PRId64 " to %" PRId64 " were deleted from the end (the database's "
                 "sequence says %" PRId64 " were written)",
                 newest + 1, before, before);
    } else if (newest > rep->sequence || rep->sequence < before) {
        rep->bad_id = newest;
        snprintf(rep->problem, sizeof rep->problem,
                 "the database's sequence for the log (%" PRId64
                 ") is below its newest row %" PRId64 ": it was set back by hand",
                 rep->sequence, newest);
    }
}

/* Whether anchor is the zero hash that precedes the first row. */
static int is_genesis(const unsigned char anchor[DB_HASH_LEN])
{
    static const unsigned char zero[DB_HASH_LEN];
    return sodium_memcmp(anchor, zero, DB_HASH_LEN) == 0;
}

gi_err_t gi_audit_verify_anchor(db_t *db, const unsigned char anchor[DB_HASH_LEN],
                                gi_audit_report_t *rep, gi_error_t *err)
{
    verify_state_t vs = {.rep = rep, .expect_id = 1, .anchor = anchor};
    memset(rep, 0, sizeof *rep);
    rep->anchor_given = anchor != NULL;
    db_page_t all = {0, 0};
    int64_t before = 0;
    db_err_t drc = db_audit_highest_issued(db, &before);
    if (drc == DB_OK)
        drc = db_audit_each(db, all, verify_row, &vs);
    if (drc == DB_OK)
        drc = db_audit_highest_issued(db, &rep->sequence);
    if (drc != DB_OK)
        return gi_db_fail(db, drc, err);
    memcpy(rep->head, vs.prev, DB_HASH_LEN);
    if (rep->bad_id == 0)
        check_sequence(rep, before);
    if (rep->bad_id == 0 && anchor && rep->anchor_id == 0 && !is_genesis(anchor)) {
        char hex[2 * DB_HASH_LEN + 1];
        sodium_bin2hex(hex, sizeof hex, anchor, DB_HASH_LEN);
        snprintf(rep->problem, sizeof rep->problem,
                 "the recorded head %.16s... is the hash of no row: the audit log was rewritten "
                 "since it was recorded (or the head is another database's)",
                 hex);
    }
    rep->ok = rep->bad_id == 0 && rep->problem[0] == '\0';
    return GI_OK;
}

gi_err_t gi_audit_verify(db_t *db, gi_audit_report_t *rep, gi_error_t *err)
{
    return gi_audit_verify_anchor(db, NULL, rep, err);
}
