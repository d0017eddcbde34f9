/*
 * cli_annual.c - the annual supervision report's commands (gi/annual.h):
 * supervision report, close and text. The other supervision commands have
 * their own file; the command table finds a command by its two words.
 */
#include "gi/annual.h"
#include "gi/cli.h"
#include "gi/usage.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define YEAR_OPT                                                                                   \
    {                                                                                              \
        "year", "Y", "the year (required)"                                                         \
    }
#define REGION_OPT                                                                                 \
    {                                                                                              \
        "region", "PREFIX", "GB/T 2260 prefix of the region scope (default: all)"                  \
    }
#define TARGET_OPT                                                                                 \
    {                                                                                              \
        "target", "N", "operators using the mark the plan aims at (default 1000)"                  \
    }
#define PERIOD_OPT                                                                                 \
    {                                                                                              \
        "report-period", "LEN", "yearly (default) | half-year | quarter"                           \
    }

static gi_err_t opts(const cli_t *cli, const cli_command_t *cmd, gi_annual_opts_t *o,
                     gi_error_t *err)
{
    const char *year_text, *t = cli_opt(cli, cmd, "target"),
                           *r = cli_opt_or(cli, cmd, "region", "");
    int64_t year, target = GI_ANNUAL_TARGET;
    gi_err_t rc;
    if ((rc = cli_require(cli, cmd, "year", &year_text, err)) ||
        (rc = cli_parse_int("--year", year_text, 2000, 2999, &year, err)) ||
        (t && (rc = cli_parse_int("--target", t, 1, 100000000, &target, err))))
        return rc;
    size_t n = strlen(r);
    if (n > 6 || strspn(r, "0123456789") != n)
        return gi_fail(err, GI_EINVAL, "--region must be a GB/T 2260 prefix (up to 6 digits)");
    int per_year = gi_usage_period_setting(cli_opt_or(cli, cmd, "report-period", "yearly"));
    if (per_year < 0)
        return gi_fail(err, GI_EINVAL, "--report-period must be yearly, half-year or quarter");
    *o = (gi_annual_opts_t){(int)year, r, target, per_year, NULL};
    return GI_OK;
}

static int file_write(void *arg, const unsigned char *p, size_t n)
{
    return fwrite(p, 1, n, arg) == n ? 0 : -1;
}

static const cli_opt_t report_opts[] = {
    YEAR_OPT,
    {"format", "FMT", "json (default) | csv | pdf"},
    {"out", "FILE", "where to write it (default: standard output)"},
    REGION_OPT,
    TARGET_OPT,
    PERIOD_OPT,
    {NULL, NULL, NULL},
};

static gi_err_t cmd_report(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    gi_annual_opts_t o;
    const char *format = cli_opt_or(cli, cmd, "format", "json"), *out = cli_opt(cli, cmd, "out");
    gi_err_t rc = opts(cli, cmd, &o, err);
    if (rc != GI_OK)
        return rc;
    if (strcmp(format, "json") && strcmp(format, "csv") && strcmp(format, "pdf"))
        return gi_fail(err, GI_EINVAL, "--format must be json, csv or pdf");
    json_t *r = NULL;
    if ((rc = gi_annual_report(&cli->ctx, &o, &r, err)) != GI_OK)
        return rc;
    FILE *f = out && strcmp(out, "-") ? fopen(out, "wb") : stdout;
    if (!f) {
        json_decref(r);
        return gi_fail(err, GI_EIO, "cannot write %s", out);
    }
    int failed = 0;
    if (strcmp(format, "pdf") == 0) {
        failed = gi_annual_pdf(r, file_write, f) != 0;
    } else if (strcmp(format, "csv") == 0) {
        char *csv = gi_annual_csv(r);
        failed = !csv || fputs(csv, f) == EOF;
        free(csv);
    } else {
        failed = json_dumpf(r, f, JSON_INDENT(2)) != 0 || fputc('\n', f) == EOF;
    }
    json_decref(r);
    if (f != stdout)
        failed |= fclose(f) != 0;
    else
        failed |= fflush(f) != 0;
    return failed ? gi_fail(err, GI_EIO, "writing the report failed") : GI_OK;
}

static const cli_opt_t close_opts[] = {YEAR_OPT, TARGET_OPT, PERIOD_OPT, {NULL, NULL, NULL}};

static gi_err_t cmd_close(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    gi_annual_opts_t o;
    int64_t n = 0;
    gi_err_t rc = opts(cli, cmd, &o, err);
    if (rc == GI_OK)
        rc = gi_annual_close(&cli->ctx, &o, &n, err);
    if (rc != GI_OK)
        return rc;
    if (cli->json)
        return cli_print_json(json_pack("{s:i, s:I}", "year", o.year, "scopes", (json_int_t)n),
                              err);
    printf("year %d closed: its report is kept for %" PRId64 " region scopes and no longer "
           "changes\n",
           o.year, n);
    return GI_OK;
}

static const cli_opt_t text_opts[] = {
    YEAR_OPT,
    {"section", "NAME", "enforcement | standards | testing | publicity | training"},
    {"text", "TEXT", "the section's text"},
    {"file", "FILE", "read the text from a file (UTF-8) instead"},
    REGION_OPT,
    {NULL, NULL, NULL},
};

static gi_err_t cmd_text(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    gi_annual_opts_t o;
    const char *section, *text = cli_opt(cli, cmd, "text"), *file = cli_opt(cli, cmd, "file");
    gi_err_t rc = opts(cli, cmd, &o, err);
    if (rc == GI_OK)
        rc = cli_require(cli, cmd, "section", &section, err);
    if (rc != GI_OK)
        return rc;
    if (!text == !file)
        return gi_fail(err, GI_EINVAL, "give --text or --file");
    char *buf = NULL;
    if (file) {
        FILE *f = fopen(file, "rb");
        if (!f)
            return gi_fail(err, GI_EIO, "cannot read %s", file);
        buf = calloc(1, GI_ANNUAL_TEXT_MAX + 2);
        size_t n = buf ? fread(buf, 1, GI_ANNUAL_TEXT_MAX + 1, f) : 0;
        fclose(f);
        if (!buf)
            return gi_fail(err, GI_ENOMEM, "out of memory");
        buf[n] = '\0';
        text = buf;
    }
    rc = gi_annual_text_set(&cli->ctx, o.year, o.region, section, text, err);
    free(buf);
    if (rc == GI_OK && !cli->json)
        printf("%s of %d saved\n", section, o.year);
    return rc;
}

const cli_command_t cli_annual_commands[] = {
    {"supervision", "report", "", 0,
     "the annual supervision report of a year as JSON, CSV or PDF (a closed year's as closed)",
     report_opts, cmd_report, 0},
    {"supervision", "close", "", 0,
     "close an ended year: keep its report, so later edits of the records do not change it",
     close_opts, cmd_close, 0},
    {"supervision", "text", "", 0,
     "set a text section the office writes (enforcement, standards, testing, publicity, training)",
     text_opts, cmd_text, 0},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL, 0},
};
