/*
 * cli_usage.c - the use report commands: usage report, list, show, accept,
 * return, missing, idle and output (gi/usage.h).
 */
#include "gi/cli.h"
#include "gi/registry.h"
#include "gi/usage.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PERIOD_OPT                                                                                 \
    {                                                                                              \
        "report-period", "LEN", "yearly (default) | half-year | quarter: the periods reported on"  \
    }

static gi_err_t period_setting(const cli_t *cli, const cli_command_t *cmd, int *per_year,
                               gi_error_t *err)
{
    const char *s = cli_opt_or(cli, cmd, "report-period", "yearly");
    *per_year = gi_usage_period_setting(s);
    if (*per_year < 0)
        return gi_fail(err, GI_EINVAL, "--report-period must be yearly, half-year or quarter");
    return GI_OK;
}

static gi_err_t operator_opt(cli_t *cli, const cli_command_t *cmd, int64_t *id, gi_error_t *err)
{
    const char *s = cli_opt(cli, cmd, "operator");
    *id = 0;
    if (!s)
        return GI_OK;
    db_operator_t o;
    gi_err_t rc = gi_operator_find(&cli->ctx, s, &o, err);
    if (rc == GI_OK)
        *id = o.id;
    return rc;
}

static void print_report(const db_usage_report_t *r, const gi_usage_check_t *k)
{
    char yuan[32];
    gi_usage_format_yuan(r->sales_value_fen, yuan);
    printf("use report %" PRId64 ": %s, version %" PRId64 "%s, %s\n", r->id, r->period, r->version,
           r->latest ? "" : " (superseded)", r->status);
    printf("  operator:  %s, USCC %s\n  product:   %s\n", r->operator_name, r->operator_uscc,
           r->product_name);
    printf("  produced:  %" PRId64 " %s\n  sold:      %" PRId64 " %s under the mark\n",
           r->volume_produced, r->volume_unit, r->volume_sold, r->volume_unit);
    printf("  value:     %s yuan (%" PRId64 " fen)\n", yuan, r->sales_value_fen);
    printf("  labels:    %" PRId64 " received, %" PRId64 " used, %" PRId64 " voided\n",
           r->labels_received, r->labels_used, r->labels_voided);
    printf("  applied:   %s\n  filed by:  %s\n", r->application, r->filed_by);
    if (r->decided_at)
        printf("  decision:  %s by %s%s%s\n", r->status, r->decided_by,
               r->decision_reason[0] ? ": " : "", r->decision_reason);
    if (k)
        printf("  register:  %" PRId64 " labels issued in the period (%" PRId64
               " by its end), %" PRId64 " activated, %" PRId64 " scans%s\n",
               k->known.issued, k->known.issued_through, k->known.activated, k->known.scanned,
               k->used_over_issued ? "\n  FLAG:      more labels used than were ever issued" : "");
}

static gi_err_t show(cli_t *cli, const db_usage_report_t *r, gi_error_t *err)
{
    gi_usage_check_t k;
    gi_err_t rc = gi_usage_reconcile(&cli->ctx, r, &k, err);
    if (rc != GI_OK)
        return rc;
    if (cli->json)
        return cli_print_json(gi_usage_json(r, &k), err);
    print_report(r, &k);
    return GI_OK;
}

static const cli_opt_t report_opts[] = {
    {"operator", "ID|USCC", "the operator reporting (required)"},
    {"product", "ID", "the GI product (required)"},
    {"period", "P", "2025, 2025-H1 or 2025-Q3, as report-period says (required)"},
    {"produced", "N", "volume produced (required)"},
    {"sold", "N", "volume sold under the mark (required)"},
    {"unit", "U", "unit of the volumes: kg t piece box bottle L (required)"},
    {"value-yuan", "X", "sales value in yuan, at most two decimals (or --value-fen)"},
    {"value-fen", "N", "sales value in fen (1 yuan = 100 fen)"},
    {"received", "N", "labels received in the period (required)"},
    {"used", "N", "labels used (required)"},
    {"voided", "N", "labels voided (required)"},
    {"how", "TEXT", "how the mark was applied (required)"},
    PERIOD_OPT,
    {NULL, NULL, NULL},
};

static gi_err_t count_opt(const cli_t *cli, const cli_command_t *cmd, const char *name, int64_t max,
                          int64_t *out, gi_error_t *err)
{
    const char *s;
    gi_err_t rc = cli_require(cli, cmd, name, &s, err);
    char what[32];
    snprintf(what, sizeof what, "--%s", name);
    return rc == GI_OK ? cli_parse_int(what, s, 0, max, out, err) : rc;
}

static gi_err_t cmd_report(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    gi_usage_input_t in = {0};
    int per_year;
    const char *yuan = cli_opt(cli, cmd, "value-yuan"), *fen = cli_opt(cli, cmd, "value-fen");
    const char *product;
    gi_err_t rc;
    if ((rc = period_setting(cli, cmd, &per_year, err)) ||
        (rc = operator_opt(cli, cmd, &in.operator_id, err)) ||
        (rc = cli_require(cli, cmd, "product", &product, err)) ||
        (rc = cli_parse_id("--product", product, &in.product_id, err)) ||
        (rc = cli_require(cli, cmd, "period", &in.period, err)) ||
        (rc = count_opt(cli, cmd, "produced", GI_USAGE_VOLUME_MAX, &in.volume_produced, err)) ||
        (rc = count_opt(cli, cmd, "sold", GI_USAGE_VOLUME_MAX, &in.volume_sold, err)) ||
        (rc = cli_require(cli, cmd, "unit", &in.volume_unit, err)) ||
        (rc = count_opt(cli, cmd, "received", GI_USAGE_LABELS_MAX, &in.labels_received, err)) ||
        (rc = count_opt(cli, cmd, "used", GI_USAGE_LABELS_MAX, &in.labels_used, err)) ||
        (rc = count_opt(cli, cmd, "voided", GI_USAGE_LABELS_MAX, &in.labels_voided, err)) ||
        (rc = cli_require(cli, cmd, "how", &in.application, err)))
        return rc;
    if (!in.operator_id)
        return gi_fail(err, GI_EINVAL, "--operator is required");
    if (!yuan == !fen)
        return gi_fail(err, GI_EINVAL, "give the sales value once: --value-yuan or --value-fen");
    if (yuan && gi_usage_parse_yuan(yuan, &in.sales_value_fen) != 0)
        return gi_fail(err, GI_EINVAL,
                       "--value-yuan must be a whole amount with at most two decimals, "
                       "e.g. 12345.67, at most %lld yuan",
                       GI_USAGE_FEN_MAX / 100);
    if (fen && (rc = cli_parse_int("--value-fen", fen, 0, GI_USAGE_FEN_MAX, &in.sales_value_fen,
                                   err)) != GI_OK)
        return rc;
    db_usage_report_t *r = malloc(sizeof *r);
    if (!r)
        return gi_fail(err, GI_ENOMEM, "out of memory");
    rc = gi_usage_act_file(&cli->ctx, &cli_account, per_year, &in, r, err);
    if (rc == GI_OK && !cli->json)
        printf("filed use report %" PRId64 ": %s, version %" PRId64 "\n", r->id, r->period,
               r->version);
    else if (rc == GI_OK)
        rc = cli_print_json(gi_usage_json(r, NULL), err);
    free(r);
    return rc;
}

static int list_row(const db_usage_report_t *r, void *arg)
{
    if (arg)
        return json_array_append_new(arg, gi_usage_json(r, NULL));
    char yuan[32];
    gi_usage_format_yuan(r->sales_value_fen, yuan);
    printf("%5" PRId64 "  %-7s  %2" PRId64 "%s  %-8s  %18s  %-18s  %s\n", r->id, r->period,
           r->version, r->latest ? " " : "*", r->status, yuan, r->operator_uscc, r->product_name);
    return 0;
}

static const cli_opt_t list_opts[] = {
    {"operator", "ID|USCC", "one operator's reports"},
    {"product", "ID", "one product's"},
    {"period", "P", "one period's"},
    {"status", "S", "filed | accepted | returned"},
    {"latest", NULL, "only each report's newest version"},
    {"limit", "N", "at most N rows (default 100)"},
    {"offset", "N", "skip the first N rows"},
    {NULL, NULL, NULL},
};

static gi_err_t cmd_list(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    db_usage_filter_t f = {.period = cli_opt_or(cli, cmd, "period", ""),
                           .status = cli_opt_or(cli, cmd, "status", ""),
                           .latest_only = cli_opt(cli, cmd, "latest") != NULL};
    const char *product = cli_opt(cli, cmd, "product");
    db_page_t page;
    json_t *list;
    gi_err_t rc;
    if ((rc = operator_opt(cli, cmd, &f.operator_id, err)) ||
        (product && (rc = cli_parse_id("--product", product, &f.product_id, err))) ||
        (rc = cli_list_begin(cli, cmd,
                             "   ID  PERIOD   V   STATUS          VALUE (YUAN)  USCC               "
                             "  PRODUCT  (* superseded)",
                             &page, &list, err)))
        return rc;
    return cli_list_end(
        cli, gi_usage_view_list(&cli->ctx, &cli_account, &f, page, list_row, list, err), list, err);
}

static gi_err_t report_arg(cli_t *cli, db_usage_report_t *r, int64_t *id, gi_error_t *err)
{
    gi_err_t rc = cli_parse_id("use report id", cli->args[0], id, err);
    return rc == GI_OK ? gi_usage_view(&cli->ctx, &cli_account, *id, r, err) : rc;
}

static gi_err_t cmd_show(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    (void)cmd;
    int64_t id;
    db_usage_report_t *r = malloc(sizeof *r);
    if (!r)
        return gi_fail(err, GI_ENOMEM, "out of memory");
    gi_err_t rc = report_arg(cli, r, &id, err);
    if (rc == GI_OK)
        rc = show(cli, r, err);
    free(r);
    return rc;
}

static const cli_opt_t accept_opts[] = {
    {"note", "TEXT", "a note kept with the decision"},
    {NULL, NULL, NULL},
};
static const cli_opt_t return_opts[] = {
    {"reason", "TEXT", "why it goes back to the operator (required)"},
    {NULL, NULL, NULL},
};

static gi_err_t cmd_decide(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    int accept = strcmp(cmd->sub, "accept") == 0;
    int64_t id;
    const char *reason = accept ? cli_opt_or(cli, cmd, "note", "") : cli_opt(cli, cmd, "reason");
    if (!accept && !reason)
        return gi_fail(err, GI_EINVAL, "--reason is required to return a use report");
    gi_err_t rc = cli_parse_id("use report id", cli->args[0], &id, err);
    db_usage_report_t *r = malloc(sizeof *r);
    if (!r)
        return gi_fail(err, GI_ENOMEM, "out of memory");
    if (rc == GI_OK)
        rc = gi_usage_act_decide(&cli->ctx, &cli_account, id, accept, reason, r, err);
    if (rc == GI_OK && cli->json)
        rc = cli_print_json(gi_usage_json(r, NULL), err);
    else if (rc == GI_OK)
        printf("use report %" PRId64 " (%s, version %" PRId64 ") %s\n", r->id, r->period,
               r->version, r->status);
    free(r);
    return rc;
}

static int gap_row(const gi_usage_gap_t *g, void *arg)
{
    if (arg)
        return json_array_append_new(arg, gi_usage_gap_json(g));
    printf("%-18s  %-6s  %s / %s\n", g->uscc, g->region, g->product_name, g->operator_name);
    return 0;
}

static const cli_opt_t missing_opts[] = {
    {"period", "P", "a closed period: 2025, 2025-H1, 2025-Q3 (required)"},
    {NULL, NULL, NULL},
};
static const cli_opt_t idle_opts[] = {
    {"as-of", "DATE", "the day the two years end (default today)"},
    {NULL, NULL, NULL},
};

static gi_err_t cmd_gaps(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    int missing = strcmp(cmd->sub, "missing") == 0;
    json_t *list = cli->json ? json_array() : NULL;
    char today[GI_DATE_LEN + 1];
    cli_today(cli, today);
    const char *period = NULL;
    gi_err_t rc = missing ? cli_require(cli, cmd, "period", &period, err) : GI_OK;
    if (rc == GI_OK && !cli->json)
        printf("USCC                REGION  PRODUCT / OPERATOR\n");
    if (rc == GI_OK)
        rc = missing ? gi_usage_view_missing(&cli->ctx, &cli_account, period, gap_row, list, err)
                     : gi_usage_view_idle(&cli->ctx, &cli_account,
                                          cli_opt_or(cli, cmd, "as-of", today), gap_row, list, err);
    if (rc != GI_OK) {
        json_decref(list);
        return rc;
    }
    return list ? cli_print_json(list, err) : GI_OK;
}

static const cli_opt_t output_opts[] = {
    {"year", "Y", "the year (required)"},
    {"by", "WHAT", "product (default) | region | operator"},
    PERIOD_OPT,
    {NULL, NULL, NULL},
};

static gi_err_t cmd_output(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    const char *year_text;
    int64_t year;
    int per_year, by = gi_output_by_parse(cli_opt_or(cli, cmd, "by", "product"));
    gi_err_t rc;
    if ((rc = period_setting(cli, cmd, &per_year, err)) ||
        (rc = cli_require(cli, cmd, "year", &year_text, err)) ||
        (rc = cli_parse_int("--year", year_text, 2001, 2999, &year, err)))
        return rc;
    if (by < 0)
        return gi_fail(err, GI_EINVAL, "--by must be product, region or operator");
    gi_output_t o;
    rc = gi_usage_view_output(&cli->ctx, &cli_account, (int)year, per_year, (gi_output_by_t)by, &o,
                              err);
    if (rc != GI_OK)
        return rc;
    if (cli->json) {
        rc = cli_print_json(gi_output_json(&o, (gi_output_by_t)by), err);
        gi_output_free(&o);
        return rc;
    }
    char v[32], pu[32], pct[24];
    gi_usage_format_yuan(o.value_fen, v);
    gi_usage_format_yuan(o.per_user_fen, pu);
    printf("output value %d: %s yuan from %" PRId64 " accepted reports (%" PRId64 " of %" PRId64
           " expected; expected: %s)\n",
           o.year, v, o.received, o.received_due, o.expected, GI_EXPECTED_SOURCE);
    printf("  per user: %s yuan over %" PRId64 " operators\n", pu, o.users);
    if (o.has_yoy) {
        gi_output_format_bp(o.yoy_bp, pct);
        printf("  year on year: %s (%s, %" PRId64 " pairs)\n", pct, GI_YOY_BASIS, o.same_pairs);
    } else {
        printf("  year on year: none (%s: no pair had accepted reports in both years)\n",
               GI_YOY_BASIS);
    }
    for (size_t i = 0; i < o.nrows; i++) {
        gi_usage_format_yuan(o.rows[i].value_fen, v);
        printf("  %-8s %-8s %18s  %3" PRId64 " reports  %s%s%s\n", o.rows[i].key, o.rows[i].level,
               v, o.rows[i].reports, o.rows[i].label, o.rows[i].uscc[0] ? " " : "", o.rows[i].uscc);
    }
    gi_output_free(&o);
    return GI_OK;
}

const cli_command_t cli_usage_commands[] = {
    {"usage", "report", "", 0, "file an operator's use report for a product and period (a version)",
     report_opts, cmd_report, 0},
    {"usage", "list", "", 0, "list use reports, every version, newest period first", list_opts,
     cmd_list, 0},
    {"usage", "show", "ID", 1, "one use report beside the register's own figures", NULL, cmd_show,
     0},
    {"usage", "accept", "ID", 1, "accept the newest version of a use report", accept_opts,
     cmd_decide, 0},
    {"usage", "return", "ID", 1, "return the newest version of a use report, with a reason",
     return_opts, cmd_decide, 0},
    {"usage", "missing", "", 0, "operators that did not report for a closed period", missing_opts,
     cmd_gaps, 0},
    {"usage", "idle", "", 0, "operators that issued no labels for two years", idle_opts, cmd_gaps,
     0},
    {"usage", "output", "", 0, "output value of a year derived from accepted use reports",
     output_opts, cmd_output, 0},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL, 0},
};
