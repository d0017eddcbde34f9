/*
 * test_backup.c - copies of a database (db/backup.c, gi/backup.c): names,
 * the online copy and its checks, the claim on a database in use, and the
 * backup and restore round trip.
 */
#include "db/db.h"
#include "gi/backup.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct {
    char dir[64];
    char live[96], copy[96];
} files_t;

static db_t *files_open(files_t *f)
{
    char err[256];
    snprintf(f->dir, sizeof f->dir, "/tmp/gimark-backup-XXXXXX");
    if (!mkdtemp(f->dir)) {
        perror("mkdtemp");
        exit(3);
    }
    snprintf(f->live, sizeof f->live, "%s/live.db", f->dir);
    snprintf(f->copy, sizeof f->copy, "%s/copy.db", f->dir);
    db_t *db = db_open(f->live, err, sizeof err);
    db_product_t p = {.regime = "agri-product", .region_code = "450100", .status = "active"};
    snprintf(p.name_zh, sizeof p.name_zh, "百色芒果");
    CHECK(db != NULL && db_begin(db) == DB_OK && db_product_insert(db, &p) == DB_OK &&
          db_commit(db) == DB_OK);
    return db;
}

static void files_close(files_t *f, const char *aside)
{
    db_files_remove(f->live);
    db_files_remove(f->copy);
    if (aside && *aside)
        db_files_remove(aside);
    CHECK(rmdir(f->dir) == 0); /* nothing else was left behind */
}

static void test_sibling_names(void)
{
    char out[64], scans[80];
    CHECK(db_sibling_path("/srv/gimark.db", "partial", out, sizeof out) == 0);
    CHECK_STR(out, "/srv/gimark.partial.db");
    db_scans_path(out, scans, sizeof scans);
    CHECK_STR(scans, "/srv/gimark.partial-scans.db");
    CHECK(db_sibling_path("registry", "partial", out, sizeof out) == 0);
    CHECK_STR(out, "registry.partial");
    CHECK(db_sibling_path("registry", "partial", out, 8) == -1);
}

static void test_copy_holds_both_files(void)
{
    files_t f;
    char err[256], integrity[128];
    db_t *db = files_open(&f);
    db_scan_t scan = {10, NULL, "XYZ", "UNKNOWN", "k", "ios", 0};
    int64_t last = 0;
    CHECK(db_scans_record(db, &scan, 1, &last) == DB_OK);
    CHECK(db_copy(db, f.copy) == DB_OK);
    db_t *copy = db_open_copy(f.copy, err, sizeof err);
    db_counts_t n = {0};
    CHECK(copy != NULL);
    CHECK(copy && db_integrity_check(copy, integrity, sizeof integrity) == DB_OK);
    CHECK_STR(integrity, "ok");
    CHECK(copy && db_counts(copy, &n) == DB_OK && n.products == 1 && n.scans == 1);
    db_close(copy);
    db_close(db);
    files_close(&f, NULL);
}

static void test_claim_refused_while_open(void)
{
    files_t f;
    char err[256];
    db_err_t code = DB_OK;
    db_t *db = files_open(&f);
    CHECK(db_claim(f.live, &code, err, sizeof err) == NULL && code == DB_EBUSY);
    db_close(db);
    db_t *claim = db_claim(f.live, &code, err, sizeof err);
    CHECK(claim != NULL && code == DB_OK);
    CHECK(claim && db_claim_settle(claim) == DB_OK);
    CHECK(access(f.live, F_OK) == 0);
    db_close(claim);
    files_close(&f, NULL);
}

static void test_backup_and_restore(void)
{
    files_t f;
    gi_copy_report_t rep;
    gi_error_t err = {0};
    db_t *db = files_open(&f);
    CHECK(gi_backup(db, f.live, f.copy, 0, &rep, &err) == GI_OK);
    CHECK(rep.counts.products == 1 && rep.audit_ok && rep.bytes > 0 && rep.scans_bytes > 0);
    CHECK(gi_backup(db, f.live, f.copy, 0, &rep, &err) == GI_EEXISTS);
    CHECK(gi_backup(db, f.live, f.copy, 1, &rep, &err) == GI_OK);
    CHECK(gi_backup(db, f.live, f.live, 1, &rep, &err) == GI_EINVAL);
    CHECK(gi_restore(f.live, f.copy, 0, 1780272000, &rep, &err) == GI_EEXISTS);
    CHECK(gi_restore(f.live, f.copy, 1, 1780272000, &rep, &err) == GI_EREFUSED);
    db_close(db);
    CHECK(gi_restore(f.live, f.copy, 1, 1780272000, &rep, &err) == GI_OK);
    char want[128];
    snprintf(want, sizeof want, "%s/live.before-restore-20260601-080000.db", f.dir);
    CHECK_STR(rep.aside, want);
    CHECK(access(want, F_OK) == 0 && rep.counts.products == 1);
    files_close(&f, rep.aside);
}

TEST_MAIN("backup", TEST(test_sibling_names), TEST(test_copy_holds_both_files),
          TEST(test_claim_refused_while_open), TEST(test_backup_and_restore))
