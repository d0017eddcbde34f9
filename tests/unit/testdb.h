/*
 * testdb.h - a fresh database in a temporary file, for unit tests.
 */
#ifndef GI_TESTDB_H
#define GI_TESTDB_H

#include "db/db.h"
#include "gi/gi.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct {
    char path[64];
    db_t *db;
    gi_ctx_t ctx;
} testdb_t;

/* 2026-06-01T00:00:00Z, a fixed clock for the rules. */
#define TESTDB_NOW 1780272000LL

static inline void testdb_open(testdb_t *t)
{
    char err[256];
    snprintf(t->path, sizeof t->path, "/tmp/gimark-test-XXXXXX");
    int fd = mkstemp(t->path);
    if (fd < 0) {
        perror("mkstemp");
        exit(3);
    }
    close(fd);
    unlink(t->path);
    t->db = db_open(t->path, err, sizeof err);
    if (!t->db) {
        fprintf(stderr, "db_open: %s\n", err);
        exit(3);
    }
    t->ctx = (gi_ctx_t){t->db, "test", TESTDB_NOW};
}

static inline void testdb_close(testdb_t *t)
{
    char side[80];
    db_close(t->db);
    unlink(t->path);
    snprintf(side, sizeof side, "%s-wal", t->path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", t->path);
    unlink(side);
    snprintf(side, sizeof side, "%s-scans", t->path);
    unlink(side);
    snprintf(side, sizeof side, "%s-scans-wal", t->path);
    unlink(side);
    snprintf(side, sizeof side, "%s-scans-shm", t->path);
    unlink(side);
}

#endif
