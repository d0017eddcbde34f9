/*
 * audit.h - the append-only, hash-chained audit log.
 *
 * Every change anywhere in the registry appends one row in the same
 * transaction as the change. Row n carries
 *     hash_n = SHA-256(hash_{n-1} || canonical(row_n))
 * (hash_0 = 32 zero bytes), so editing, reordering or deleting any row breaks
 * the chain at that point, and gi_audit_verify() names the first bad row.
 *
 * What the chain cannot see by itself (docs/ARCHITECTURE.md, "Audit chain"):
 * the hash has no key, so whoever can write the file can delete the newest
 * rows and set the database's sequence of them back, or rewrite the chain from some row on
 * with recomputed hashes. Both are caught only against a head recorded
 * outside the file (gimark audit anchor, then audit verify --head).
 *
 * Thread-safety: none of its own; one db_t per thread.
 */
#ifndef GI_AUDIT_H
#define GI_AUDIT_H

#include "gi/gi.h"

#include <jansson.h>

/* Appends one row inside the caller's open transaction. detail (borrowed,
 * may be NULL) is stored as compact JSON with sorted keys. */
gi_err_t gi_audit_record(const gi_ctx_t *ctx, const char *action, const char *entity,
                         int64_t entity_id, const json_t *detail, gi_error_t *err);

/* The chain hash of row given the previous row's hash. */
void gi_audit_hash(const db_audit_row_t *row, const unsigned char prev[DB_HASH_LEN],
                   unsigned char out[DB_HASH_LEN]);

typedef struct {
    int ok;                          /* the whole chain verifies (and holds the anchor) */
    int64_t rows;                    /* rows read */
    int64_t bad_id;                  /* first row that does not match (0 when ok) */
    char problem[256];               /* what is wrong with it */
    unsigned char head[DB_HASH_LEN]; /* hash of the newest row (zeros: no row) */
    int64_t head_id;                 /* the newest row's id (0: none) */
    int64_t head_at;                 /* and its time, unix seconds */
    int64_t sequence;                /* SQLite's sqlite_sequence for audit_log */
    int anchor_given;                /* an anchor was asked for */
    int64_t anchor_id;               /* the row whose hash it is (0: none, or the empty log) */
} gi_audit_report_t;

/* Walks the whole chain, and checks SQLite's sqlite_sequence against its
 * newest row: a sequence above it means the newest rows were deleted, one
 * below it that the sequence was set back by hand. Returns GI_OK when it
 * could be read (rep->ok tells whether it verifies), GI_EIO when the
 * database could not be read. */
gi_err_t gi_audit_verify(db_t *db, gi_audit_report_t *rep, gi_error_t *err);

/* gi_audit_verify, and when anchor is not NULL also that anchor (a head
 * recorded earlier, e.g. on the office's paper file) is still the hash of a
 * row of the chain (or the zero hash of the empty log): when it is not, the
 * log was rewritten since (rep->ok 0, bad_id 0, rep->problem says so). */
gi_err_t gi_audit_verify_anchor(db_t *db, const unsigned char anchor[DB_HASH_LEN],
                                gi_audit_report_t *rep, gi_error_t *err);

#endif
