/*
 * audit.h - the append-only, hash-chained audit log.
 *
 * Every change anywhere in the registry appends one row in the same
 * transaction as the change. Row n carries
 *     hash_n = SHA-256(hash_{n-1} || canonical(row_n))
 * (hash_0 = 32 zero bytes), so editing, reordering or deleting any row breaks
 * the chain at that point, and gi_audit_verify() names the first bad row.
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
    int ok;                          /* the whole chain verifies */
    int64_t rows;                    /* rows read */
    int64_t bad_id;                  /* first row that does not match (0 when ok) */
    char problem[256];               /* what is wrong with it */
    unsigned char head[DB_HASH_LEN]; /* hash of the newest row */
} gi_audit_report_t;

/* Walks the whole chain. Returns GI_OK when it could be read (rep->ok tells
 * whether it verifies), GI_EIO when the database could not be read. */
gi_err_t gi_audit_verify(db_t *db, gi_audit_report_t *rep, gi_error_t *err);

#endif
