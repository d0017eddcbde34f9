/*
 * cli_migrate.c - `gimark migrate`: options and output; the move and its
 * checks are gi/migrate.c's.
 */
#include "gi/cli.h"
#include "gi/migrate.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const cli_opt_t migrate_opts[] = {
    {"from", "FILE",
     "the SQLite database to move (required; its scans file beside it). It is only read: "
     "stop its servers first, or what they write meanwhile stays behind"},
    {"to", "URI",
     "the PostgreSQL database to fill, postgresql://USER@HOST/NAME (required); it must "
     "hold no records (its schema is made when missing)"},
    {"sample", "N", "codes whose verdicts are compared on both afterwards (default 1000; 0: none)"},
    {NULL, NULL, NULL},
};

static void progress(const char *table, int64_t rows, void *arg)
{
    (void)arg;
    printf("  copied %-20s %12" PRId64 "\n", table, rows);
    fflush(stdout);
}

static json_t *report_json(const gi_migrate_report_t *rep, const char *from, const char *to)
{
    json_t *tables = json_array();
    for (int i = 0; i < DB_TABLES; i++)
        json_array_append_new(
            tables,
            json_pack("{s:s, s:I, s:I, s:I}", "table",
                      rep->target[i].table ? rep->target[i].table : rep->copied[i].table, "copied",
                      (json_int_t)rep->copied[i].rows, "source", (json_int_t)rep->source[i].rows,
                      "target", (json_int_t)rep->target[i].rows));
    return json_pack("{s:s, s:s, s:b, s:o, s:b, s:b, s:b, s:I, s:s?, s:I, s:I, s:s?, s:f, s:f}",
                     "from", from, "to", to, "ok", rep->ok, "tables", tables, "counts_ok",
                     rep->counts_ok, "audit_ok", rep->audit.ok, "audit_same", rep->audit_same,
                     "audit_rows", (json_int_t)rep->audit.rows, "audit_problem",
                     rep->audit.problem[0] ? rep->audit.problem : NULL, "sampled",
                     (json_int_t)rep->sampled, "sample_differ", (json_int_t)rep->sample_differ,
                     "sample_problem", rep->sample_problem[0] ? rep->sample_problem : NULL,
                     "copy_seconds", rep->copy_seconds, "check_seconds", rep->check_seconds);
}

static void print_report(const gi_migrate_report_t *rep)
{
    printf("checked in %.2f s:\n", rep->check_seconds);
    printf("  %-20s %12s %12s\n", "table", "source", "target");
    for (int i = 0; i < DB_TABLES; i++)
        printf("  %-20s %12" PRId64 " %12" PRId64 "%s\n", rep->target[i].table, rep->source[i].rows,
               rep->target[i].rows,
               rep->source[i].rows == rep->target[i].rows &&
                       rep->copied[i].rows == rep->target[i].rows
                   ? ""
                   : "  DIFFERENT");
    char head[17];
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++) {
        head[2 * i] = hex[rep->audit.head[i] >> 4];
        head[2 * i + 1] = hex[rep->audit.head[i] & 15];
    }
    head[16] = '\0';
    if (rep->audit.ok && rep->audit_same)
        printf("  audit log: intact on the target, %" PRId64 " rows, head %s... (the source's)\n",
               rep->audit.rows, head);
    else
        printf("  audit log: %s on the target%s\n",
               rep->audit.problem[0] ? rep->audit.problem : "intact",
               rep->audit_same ? "" : ", and NOT the source's chain");
    if (rep->sample_differ == 0)
        printf("  verdicts: %" PRId64 " codes picked at random, the same answer on both\n",
               rep->sampled);
    else
        printf("  verdicts: %" PRId64 " of %" PRId64 " codes answered differently, first %s\n",
               rep->sample_differ, rep->sampled, rep->sample_problem);
}

static gi_err_t cmd_migrate(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    const char *from, *to;
    int64_t sample = GI_MIGRATE_SAMPLE;
    gi_err_t rc = cli_require(cli, cmd, "from", &from, err);
    if (rc == GI_OK)
        rc = cli_require(cli, cmd, "to", &to, err);
    if (rc == GI_OK && cli_opt(cli, cmd, "sample"))
        rc = cli_parse_int("--sample", cli_opt(cli, cmd, "sample"), 0, 1000000, &sample, err);
    if (rc != GI_OK)
        return rc;
    char shown[512];
    db_target_shown(to, shown, sizeof shown);
    gi_migrate_report_t rep;
    if (!cli->json)
        printf("moving %s to %s\n", from, shown);
    rc = gi_migrate(from, to, cli->now, sample, cli->json ? NULL : progress, NULL, &rep, err);
    if (rc != GI_OK)
        return rc;
    if (cli->json) {
        rc = cli_print_json(report_json(&rep, from, shown), err);
    } else {
        printf("moved in %.2f s (one transaction)\n", rep.copy_seconds);
        print_report(&rep);
    }
    if (rc == GI_OK && !rep.ok)
        rc = gi_fail(err, GI_EIO,
                     "the checks after the move found differences (above); the target holds "
                     "what was moved: find the cause, drop the target database and migrate again");
    return rc;
}

const cli_command_t cli_migrate_commands[] = {
    {"migrate", NULL, "", 0,
     "move a SQLite database whole into an empty PostgreSQL database, then check the audit "
     "chain, the counts and a sample of verdicts on it",
     migrate_opts, cmd_migrate, CLI_DB_NONE},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL, 0},
};
