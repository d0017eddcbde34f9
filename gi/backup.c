/*
 * backup.c - the checks and the order of steps of backup and restore; the
 * copying and the files are db/'s (db_copy, db_claim, db_files_rename).
 */
#include "gi/backup.h"
#include "gi/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* Whether the databases at a and b share a file (main or scans). */
static int overlap(const char *a, const char *b)
{
    char as[GI_PATH_MAX], bs[GI_PATH_MAX];
    db_scans_path(a, as, sizeof as);
    db_scans_path(b, bs, sizeof bs);
    return same_file(a, b) || same_file(a, bs) || same_file(as, b) || same_file(as, bs);
}

static int64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

/* Fills in rep's names for a copy at path, and the temporary name beside it. */
static gi_err_t name_copy(const char *path, const char *tag, char tmp[GI_PATH_MAX],
                          gi_copy_report_t *rep, gi_error_t *err)
{
    if (!*path || strlen(path) > GI_PATH_MAX - 64 || db_sibling_path(path, tag, tmp, GI_PATH_MAX))
        return gi_fail(err, GI_EINVAL, "'%s' is not a usable file name", path);
    snprintf(rep->path, sizeof rep->path, "%s", path);
    db_scans_path(path, rep->scans_path, sizeof rep->scans_path);
    return GI_OK;
}

/* Checks an open copy: a schema version this gimark knows and SQLite's
 * integrity check; a failure returns code. The audit chain's state goes into
 * rep. */
static gi_err_t check_copy(db_t *copy, const char *path, gi_err_t code, gi_copy_report_t *rep,
                           gi_error_t *err)
{
    int v = db_schema_version(copy);
    rep->schema_version = v;
    if (v < 1)
        return gi_fail(err, code, "%s is not a gimark database (schema version %d)", path, v);
    if (v > db_schema_latest(copy))
        return gi_fail(err, code, "%s has schema version %d, newer than this gimark knows (%d)",
                       path, v, db_schema_latest(copy));
    if (db_integrity_check(copy, rep->integrity, sizeof rep->integrity) != DB_OK)
        return gi_fail(err, code, "%s: %s", path, db_errmsg(copy));
    if (strcmp(rep->integrity, "ok") != 0)
        return gi_fail(err, code, "%s fails SQLite's integrity check: %s", path, rep->integrity);
    gi_audit_report_t audit;
    gi_error_t why = {0};
    if (gi_audit_verify(copy, &audit, &why) != GI_OK)
        return gi_fail(err, code, "%s is not a gimark database: %s", path, why.msg);
    rep->audit_ok = audit.ok;
    if (!audit.ok)
        snprintf(rep->audit_problem, sizeof rep->audit_problem, "broken at row %" PRId64 ": %s",
                 audit.bad_id, audit.problem);
    return GI_OK;
}

/* Opens the copy at path read-only, checks it and counts its records. */
static gi_err_t check_written(const char *path, gi_copy_report_t *rep, gi_error_t *err)
{
    char msg[512];
    db_t *copy = db_open_copy(path, msg, sizeof msg);
    if (!copy)
        return gi_fail(err, GI_EIO, "the copy cannot be read: %s", msg);
    gi_err_t rc = check_copy(copy, path, GI_EIO, rep, err);
    if (rc == GI_OK && db_counts(copy, &rep->counts) != DB_OK)
        rc = gi_fail(err, GI_EIO, "%s", db_errmsg(copy));
    db_close(copy);
    return rc;
}

static void note_sizes(gi_copy_report_t *rep)
{
    rep->bytes = file_size(rep->path);
    rep->scans_bytes = file_size(rep->scans_path);
}

gi_err_t gi_backup(db_t *db, const char *db_path, const char *out, int force, gi_copy_report_t *rep,
                   gi_error_t *err)
{
    char tmp[GI_PATH_MAX], msg[512];
    memset(rep, 0, sizeof *rep);
    gi_err_t rc = name_copy(out, "partial", tmp, rep, err);
    if (rc != GI_OK)
        return rc;
    if (overlap(out, db_path))
        return gi_fail(err, GI_EINVAL, "%s is the database being copied", out);
    if (!force && db_files_exist(out))
        return gi_fail(err, GI_EEXISTS, "%s or %s exists already (--force replaces them)",
                       rep->path, rep->scans_path);
    db_files_remove(tmp);
    db_err_t drc = db_copy(db, tmp);
    if (drc != DB_OK)
        rc = gi_db_fail(db, drc, err);
    if (rc == GI_OK)
        rc = check_written(tmp, rep, err);
    if (rc == GI_OK && db_files_rename(tmp, out, msg, sizeof msg) != DB_OK)
        rc = gi_fail(err, GI_EIO, "%s", msg);
    if (rc != GI_OK) {
        db_files_remove(tmp);
        return rc;
    }
    note_sizes(rep);
    return GI_OK;
}

/* Takes target for this process alone (*claim NULL when it is no database
 * at all, which nothing can be using). */
static gi_err_t claim_target(const char *target, db_t **claim, gi_error_t *err)
{
    char msg[512];
    db_err_t code = DB_OK;
    *claim = db_claim(target, &code, msg, sizeof msg);
    if (*claim || code == DB_ENOTFOUND)
        return GI_OK;
    if (code == DB_EBUSY)
        return gi_fail(err, GI_EREFUSED,
                       "%s is in use (a running gimark server or another command has it "
                       "open): stop it, then restore",
                       target);
    return gi_fail(err, GI_EIO, "cannot take %s for the restore: %s", target, msg);
}

/* The name the replaced database is kept under, with the time in it. */
static gi_err_t name_aside(const char *target, int64_t now, gi_copy_report_t *rep, gi_error_t *err)
{
    char tag[64];
    gi_tm_t t;
    gi_tm_of(now + GI_CST_OFFSET, &t);
    snprintf(tag, sizeof tag, "before-restore-%04d%02d%02d-%02d%02d%02d", t.year, t.month, t.day,
             t.hour, t.minute, t.second);
    if (db_sibling_path(target, tag, rep->aside, sizeof rep->aside) != 0)
        return gi_fail(err, GI_EINVAL, "'%s' is not a usable file name", target);
    if (db_files_exist(rep->aside))
        return gi_fail(err, GI_EEXISTS, "%s exists already: restore again in a second", rep->aside);
    return GI_OK;
}

/* Replaces a claimed database in place: its content is copied aside, then
 * the backup's is written into its files through the claim's connection.
 * Not by renaming a copy over it, as a backup is put in place: a process
 * that opened the database just before the claim waits for the lock holding
 * the old file; let in after a rename it would go on with the file set aside,
 * and write its log under the database's name, where SQLite would pair it
 * with the new file and corrupt it. Written through the lock, the new content
 * is in the file every opener holds. */
static gi_err_t fill_in_place(db_t *claim, db_t *src, const char *target, int64_t now,
                              gi_copy_report_t *rep, gi_error_t *err)
{
    gi_err_t rc = name_aside(target, now, rep, err);
    if (rc != GI_OK)
        return rc;
    if (db_claim_settle(claim) != DB_OK)
        return gi_fail(err, GI_EIO, "%s: %s", target, db_errmsg(claim));
    if (db_copy(claim, rep->aside) != DB_OK) {
        rc = gi_fail(err, GI_EIO, "cannot keep the database aside: %s", db_errmsg(claim));
        db_files_remove(rep->aside);
        rep->aside[0] = '\0';
        return rc;
    }
    if (db_claim_fill(claim, src) != DB_OK)
        return gi_fail(err, GI_EIO, "%s (the database as it was is kept as %s)", db_errmsg(src),
                       rep->aside);
    return GI_OK;
}

/* Puts a copy of src in target's place by renaming it from tmp, where no
 * process can hold target: when it does not exist, or is no database (kept
 * aside as it is). */
static gi_err_t copy_beside(db_t *src, const char *target, const char *tmp, int exists, int64_t now,
                            gi_copy_report_t *rep, gi_error_t *err)
{
    char msg[512], back[512];
    gi_err_t rc = exists ? name_aside(target, now, rep, err) : GI_OK;
    if (rc != GI_OK)
        return rc;
    db_files_remove(tmp);
    if (db_copy(src, tmp) != DB_OK)
        rc = gi_fail(err, GI_EIO, "%s", db_errmsg(src));
    else if (exists && db_files_rename(target, rep->aside, msg, sizeof msg) != DB_OK)
        rc = gi_fail(err, GI_EIO, "%s", msg);
    else if (db_files_rename(tmp, target, msg, sizeof msg) != DB_OK) {
        if (exists && db_files_rename(rep->aside, target, back, sizeof back) != DB_OK)
            return gi_fail(err, GI_EIO, "%s; the old database stays at %s", msg, rep->aside);
        rc = gi_fail(err, GI_EIO, "%s", msg);
    }
    if (rc != GI_OK) {
        db_files_remove(tmp);
        rep->aside[0] = '\0';
    }
    return rc;
}

/* Opens the backup at from and checks it; counts what it holds. */
static gi_err_t open_backup(const char *from, db_t **src, gi_copy_report_t *rep, gi_error_t *err)
{
    char msg[512];
    if (access(from, F_OK) != 0)
        return gi_fail(err, GI_ENOTFOUND, "no backup at %s", from);
    *src = db_open_copy(from, msg, sizeof msg);
    if (!*src)
        return gi_fail(err, GI_EREFUSED, "%s is not a usable backup: %s", from, msg);
    gi_err_t rc = check_copy(*src, from, GI_EREFUSED, rep, err);
    if (rc == GI_OK && !rep->audit_ok)
        rc = gi_fail(err, GI_EREFUSED, "%s: audit log %s", from, rep->audit_problem);
    if (rc == GI_OK && db_counts(*src, &rep->counts) != DB_OK)
        rc = gi_fail(err, GI_EREFUSED, "%s: %s", from, db_errmsg(*src));
    return rc;
}

gi_err_t gi_restore(const char *target, const char *from, int force, int64_t now,
                    gi_copy_report_t *rep, gi_error_t *err)
{
    char tmp[GI_PATH_MAX];
    db_t *src = NULL, *claim = NULL;
    memset(rep, 0, sizeof *rep);
    gi_err_t rc = name_copy(target, "restoring", tmp, rep, err);
    if (rc != GI_OK)
        return rc;
    if (overlap(from, target))
        return gi_fail(err, GI_EINVAL, "%s is the database itself", from);
    if ((rc = open_backup(from, &src, rep, err)) != GI_OK)
        goto out;
    int exists = db_files_exist(target);
    if (exists && !force) {
        rc = gi_fail(err, GI_EEXISTS,
                     "%s exists (--force replaces it and keeps its files beside it)", target);
        goto out;
    }
    if (access(target, F_OK) == 0 && (rc = claim_target(target, &claim, err)) != GI_OK)
        goto out;
    rc = claim ? fill_in_place(claim, src, target, now, rep, err)
               : copy_beside(src, target, tmp, exists, now, rep, err);
    if (rc == GI_OK)
        note_sizes(rep);
out:
    db_close(claim);
    db_close(src);
    return rc;
}
