/*
 * backup.h - backup and restore of the whole register: a consistent copy of
 * the database and its scans file taken while the server runs, and putting
 * one back; each copy is checked before it is trusted.
 *
 * Files: a copy written to FILE has its scans file beside it, named as db/
 * names every scans file (x.db -> x-scans.db, other names get -scans).
 */
#ifndef GI_BACKUP_H
#define GI_BACKUP_H

#include "gi/gi.h"

#define GI_PATH_MAX 4096

typedef struct {
    char path[GI_PATH_MAX];       /* the database file written */
    char scans_path[GI_PATH_MAX]; /* its scans file */
    int64_t bytes, scans_bytes;
    char aside[GI_PATH_MAX]; /* restore: where the replaced database was kept ("" none) */
    char integrity[512];     /* what SQLite's integrity check said: "ok" */
    int schema_version;      /* of the copy as read (restore: of the backup) */
    int audit_ok;            /* the audit chain of the copy verifies */
    char audit_problem[300]; /* else what is wrong with it */
    db_counts_t counts;      /* records in the copy */
} gi_copy_report_t;

/* Writes a copy of the database of db (opened at db_path) to out and its
 * scans name, as of one moment while others go on writing, under temporary
 * names renamed into place once the copy passed SQLite's integrity check.
 * GI_EEXISTS when out or its scans file exists and force is 0; GI_EIO when
 * the copy fails or is not intact. A broken audit chain does not stop the
 * copy (it is evidence): rep->audit_ok tells. */
gi_err_t gi_backup(db_t *db, const char *db_path, const char *out, int force, gi_copy_report_t *rep,
                   gi_error_t *err);

/* Replaces the database at target and its scans file with the backup at
 * from. The backup is checked first (SQLite's integrity check, a schema
 * version this gimark knows, an intact audit chain: GI_EREFUSED otherwise),
 * and target is left untouched when anything fails. An existing target is
 * replaced only when force is set, and is then kept beside it under the tag
 * before-restore-YYYYMMDD-HHMMSS (China Standard Time of now); GI_EREFUSED
 * when another process has it open. */
gi_err_t gi_restore(const char *target, const char *from, int force, int64_t now,
                    gi_copy_report_t *rep, gi_error_t *err);

#endif
