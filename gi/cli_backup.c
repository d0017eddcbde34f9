/*
 * cli_backup.c - `gimark backup` and `gimark restore`: options and output;
 * the work and its checks are gi/backup.c's.
 */
#include "gi/backup.h"
#include "gi/cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static json_t *report_json(const gi_copy_report_t *rep, double seconds)
{
    const db_counts_t *c = &rep->counts;
    return json_pack(
        "{s:[{s:s, s:I}, {s:s, s:I}], s:s, s:i, s:b, s:s?, s:I, s:I, s:I, s:I, s:I, s:I, s:f}",
        "files", "path", rep->path, "bytes", (json_int_t)rep->bytes, "path", rep->scans_path,
        "bytes", (json_int_t)rep->scans_bytes, "integrity", rep->integrity, "schema_version",
        rep->schema_version, "audit_ok", rep->audit_ok, "audit_problem",
        rep->audit_ok ? NULL : rep->audit_problem, "audit_rows", (json_int_t)c->audit_rows,
        "products", (json_int_t)c->products, "operators", (json_int_t)c->operators, "batches",
        (json_int_t)c->batches, "labels", (json_int_t)c->labels, "scans", (json_int_t)c->scans,
        "seconds", seconds);
}

static void print_report(const gi_copy_report_t *rep)
{
    const db_counts_t *c = &rep->counts;
    printf("  %-40s %12" PRId64 " bytes\n", rep->path, rep->bytes);
    printf("  %-40s %12" PRId64 " bytes\n", rep->scans_path, rep->scans_bytes);
    printf("  %" PRId64 " products, %" PRId64 " operators, %" PRId64 " batches, %" PRId64
           " labels, %" PRId64 " audit rows, %" PRId64 " scans\n",
           c->products, c->operators, c->batches, c->labels, c->audit_rows, c->scans);
}

static const cli_opt_t backup_opts[] = {
    {"out", "FILE",
     "where to write the copy (required); its scans file goes beside it "
     "(x.db -> x-scans.db, other names get -scans)"},
    {"force", NULL, "replace FILE and its scans file when they exist"},
    {NULL, NULL, NULL},
};

static const cli_opt_t restore_opts[] = {
    {"from", "FILE",
     "the backup (required; its scans file beside it), checked before anything is "
     "touched: SQLite's integrity check, a known schema version, an intact audit chain"},
    {"force", NULL,
     "replace an existing database (refused without); its files are kept beside it as "
     "NAME.before-restore-YYYYMMDD-HHMMSS.db and its -scans.db"},
    {NULL, NULL, NULL},
};

/* Runs gi_backup or gi_restore, timed, and prints what was written. */
static gi_err_t cmd_copy(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    int restore = strcmp(cmd->word, "restore") == 0;
    int force = cli_opt(cli, cmd, "force") != NULL;
    gi_copy_report_t rep;
    struct timespec t0, t1;
    const char *file;
    gi_err_t rc = cli_require(cli, cmd, restore ? "from" : "out", &file, err);
    if (rc != GI_OK)
        return rc;
    if (db_target_is_server(cli->db_path))
        return gi_fail(err, GI_EINVAL,
                       "%s copies a SQLite database file; a PostgreSQL database is backed up "
                       "and restored with PostgreSQL's own tools (pg_basebackup for the "
                       "cluster, pg_dump/pg_restore for one database: see deploy/README.md)",
                       cmd->word);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = restore ? gi_restore(cli->db_path, file, force, cli->now, &rep, err)
                 : gi_backup(cli->ctx.db, cli->db_path, file, force, &rep, err);
    if (rc != GI_OK)
        return rc;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (!rep.audit_ok) /* a backup copies a broken chain too: it is evidence */
        fprintf(stderr, "gimark backup: warning: the audit log copied is %s\n", rep.audit_problem);
    if (cli->json) {
        json_t *j = report_json(&rep, seconds);
        if (restore) {
            json_object_set_new(j, "from", json_string(file));
            json_object_set_new(j, "before_restore",
                                rep.aside[0] ? json_string(rep.aside) : json_null());
        }
        return cli_print_json(j, err);
    }
    if (restore)
        printf("restored from %s in %.2f s (integrity check ok, audit log intact):\n", file,
               seconds);
    else
        printf("backup written in %.2f s (integrity check ok, audit log %s):\n", seconds,
               rep.audit_ok ? "intact" : "BROKEN");
    print_report(&rep);
    if (rep.aside[0])
        printf("the database it replaced is kept as %s and its scans file\n", rep.aside);
    return GI_OK;
}

const cli_command_t cli_backup_commands[] = {
    {"backup", NULL, "", 0,
     "copy the database and its scans file, consistent, while the server runs", backup_opts,
     cmd_copy, CLI_DB_EXISTING},
    {"restore", NULL, "", 0,
     "put a backup in place of the database (refused while a server or command has it open)",
     restore_opts, cmd_copy, CLI_DB_NONE},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL, 0},
};
