/*
 * migrate.h - moving a whole SQLite database (its main file and its scans
 * file) into an empty PostgreSQL database, then checking what arrived: the
 * audit chain, the count of every table and the verdicts on a sample of
 * codes, each against the source.
 */
#ifndef GI_MIGRATE_H
#define GI_MIGRATE_H

#include "gi/audit.h"
#include "gi/gi.h"

#define GI_MIGRATE_SAMPLE 1000 /* codes whose verdicts are compared, by default */

typedef struct {
    db_table_rows_t copied[DB_TABLES]; /* records moved, per table */
    db_table_rows_t source[DB_TABLES]; /* the source's counts, read after the move */
    db_table_rows_t target[DB_TABLES]; /* the target's */
    int counts_ok;                     /* every table holds as many records on both */
    gi_audit_report_t audit;           /* the target's chain */
    int audit_same;                    /* ... with the source's rows and head */
    int64_t sampled;                   /* codes whose verdicts were compared */
    int64_t sample_differ;             /* of them, with a different answer on the target */
    char sample_problem[256];          /* the first difference */
    double copy_seconds, check_seconds;
    int ok; /* every check passed */
} gi_migrate_report_t;

/* Moves the database at from into the PostgreSQL database to (its schema is
 * made when missing) and checks it; sample codes are compared (0: none).
 * progress (may be NULL) hears of each table copied. Refused before
 * anything is moved (GI_EREFUSED) when the source's schema is not the
 * latest this gimark knows or its audit chain is broken, GI_EEXISTS when
 * the target holds records, GI_ENOTFOUND when there is no database at from;
 * GI_EIO when the move fails (nothing is left in the target). GI_OK once
 * moved: rep->ok tells whether every check passed. */
gi_err_t gi_migrate(const char *from, const char *to, int64_t now, int64_t sample,
                    db_copy_progress_fn progress, void *arg, gi_migrate_report_t *rep,
                    gi_error_t *err);

#endif
