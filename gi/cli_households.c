/*
 * cli_households.c - member households and production bases: household
 * add|list, base add|list; and batch allocate (ranges of a batch's labels
 * to them, moves of a range, the totals).
 */
#include "gi/cli.h"
#include "gi/households.h"
#include "gi/region.h"
#include "gi/registry.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define PRODUCER_OPTS                                                                              \
    {"operator", "ID|USCC", "the operator it belongs to (required)"},                              \
        {"product", "ID", "the GI product it grows (required)"},                                   \
        {"name", "TEXT", "name (required; never shown to consumers)"},                             \
        {"region", "CODE", "6-digit GB/T 2260 county code (required)"},                            \
        {"area", "MU", "area in mu, at most 2 decimals (required)"},                               \
        {"yield", "N", "assessed yield per mu, whole (required)"},                                 \
        {"unit", "kg|piece", "unit of the yield (default kg)"},                                    \
    {                                                                                              \
        "per-label", "N",                                                                          \
            "product one label stands for, in that unit, up to 3 decimals "                        \
            "(required): season quota = area x yield / per-label"                                  \
    }

static const cli_opt_t household_add_opts[] = {
    PRODUCER_OPTS,
    {"village", "TEXT", "the village's name (required)"},
    {"contact", "TEXT", "phone (optional; never shown to consumers)"},
    {NULL, NULL, NULL},
};

static const cli_opt_t base_add_opts[] = {
    PRODUCER_OPTS,
    {"type", "TYPE",
     "planting (种植基地) | breeding (养殖基地) | processing (加工基地) (required)"},
    {"village", "TEXT", "the village or place's name"},
    {"cert", "TEXT", "certification (e.g. GAP, organic, its number)"},
    {NULL, NULL, NULL},
};

static const cli_opt_t list_opts[] = {
    {"operator", "ID|USCC", "only this operator's"},
    {"product", "ID", "only of this product"},
    {"region", "PREFIX", "only in this GB/T 2260 region (a prefix of the county code)"},
    {"limit", "N", "at most N rows (default 100)"},
    {"offset", "N", "skip the first N rows"},
    {NULL, NULL, NULL},
};

static const cli_opt_t allocate_opts[] = {
    {"first", "SEQ", "first sequence number of a new range"},
    {"last", "SEQ", "last sequence number of a new range"},
    {"move", "ID", "move this allocation (a whole range) to another holder"},
    {"household", "ID", "to this household"},
    {"base", "ID", "to this production base"},
    {"processor", "USCC", "to this processor (an operator authorised for the product)"},
    {"operator", NULL, "back to the batch's operator (with --move)"},
    {"override", "REASON", "go past the holder's season quota (the audit log keeps the reason)"},
    {"list", NULL, "list the batch's allocations and totals (the default without a holder)"},
    {NULL, NULL, NULL},
};

static gi_err_t cmd_add(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    int household = strcmp(cmd->word, "household") == 0;
    const char *op_text, *product_text;
    db_operator_t o;
    gi_producer_input_t in = {0};
    gi_err_t rc;
    if ((rc = cli_require(cli, cmd, "operator", &op_text, err)) ||
        (rc = cli_require(cli, cmd, "product", &product_text, err)) ||
        (rc = cli_parse_id("--product", product_text, &in.product_id, err)) ||
        (rc = cli_require(cli, cmd, "name", &in.name, err)) ||
        (rc = cli_require(cli, cmd, "region", &in.region_code, err)) ||
        (rc = cli_require(cli, cmd, "area", &in.area, err)) ||
        (rc = cli_require(cli, cmd, "yield", &in.yield, err)) ||
        (rc = cli_require(cli, cmd, "per-label", &in.per_label, err)) ||
        (rc = gi_operator_find(&cli->ctx, op_text, &o, err)))
        return rc;
    in.kind = household ? "household" : "base";
    in.operator_id = o.id;
    in.yield_unit = cli_opt_or(cli, cmd, "unit", "kg");
    in.village = cli_opt_or(cli, cmd, "village", "");
    if (household) {
        in.contact = cli_opt_or(cli, cmd, "contact", "");
    } else {
        in.certification = cli_opt_or(cli, cmd, "cert", "");
        if ((rc = cli_require(cli, cmd, "type", &in.base_type, err)))
            return rc;
    }
    db_producer_t p;
    if ((rc = gi_producer_add(&cli->ctx, &in, &p, err)) != GI_OK)
        return rc;
    if (cli->json)
        return cli_print_json(gi_json_producer(&p), err);
    printf("%s %" PRId64 " recorded: season quota %" PRId64 " labels\n", p.kind, p.id,
           gi_producer_quota(&p));
    return GI_OK;
}

static int producer_row(const db_producer_t *p, void *arg)
{
    json_t *list = arg;
    if (list)
        return json_array_append_new(list, gi_json_producer(p));
    char area[32];
    gi_fixed_text(p->area_cmu, 2, area, sizeof area);
    printf("%5" PRId64 "  %-8s  %5" PRId64 "  %5" PRId64 "  %s  %-10s  %8s  %9" PRId64 "  %s  %s\n",
           p->id, p->kind, p->operator_id, p->product_id, p->region_code,
           p->base_type[0] ? p->base_type : "-", area, gi_producer_quota(p), p->village, p->name);
    return 0;
}

static gi_err_t cmd_list(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    db_filter_t narrow = {0};
    const char *op_text = cli_opt(cli, cmd, "operator");
    const char *product_text = cli_opt(cli, cmd, "product");
    const char *region = cli_opt_or(cli, cmd, "region", "");
    db_operator_t o;
    db_page_t page;
    json_t *list;
    gi_err_t rc = GI_OK;
    if ((op_text && (rc = gi_operator_find(&cli->ctx, op_text, &o, err))) ||
        (product_text && (rc = cli_parse_id("--product", product_text, &narrow.product_id, err))))
        return rc;
    if (region[0] && (strlen(region) > 6 || strspn(region, "0123456789") != strlen(region)))
        return gi_fail(err, GI_EINVAL, "--region: up to 6 digits of a GB/T 2260 code");
    if (op_text)
        narrow.operator_id = o.id;
    if ((rc = cli_list_begin(cli, cmd,
                             "   ID  KIND      OPER   PROD  COUNTY  BASE TYPE       AREA     "
                             "QUOTA  VILLAGE  NAME",
                             &page, &list, err)))
        return rc;
    return cli_list_end(cli,
                        gi_view_producers(&cli->ctx, &cli_account, &narrow, cmd->word, region, page,
                                          producer_row, list, err),
                        list, err);
}

static int allocation_row(const db_allocation_t *a, void *arg)
{
    json_t *list = arg;
    if (list)
        return json_array_append_new(list, gi_json_allocation(a));
    printf("%5" PRId64 "  %9" PRId64 "  %9" PRId64 "  %9" PRId64 "  %-9s  %5" PRId64 "  %s%s%s\n",
           a->id, a->first_seq, a->last_seq, a->last_seq - a->first_seq + 1, a->holder_kind,
           a->producer_id ? a->producer_id : a->processor_id, a->holder_name,
           a->override[0] ? "  override: " : "", a->override);
    return 0;
}

static gi_err_t list_allocations(cli_t *cli, int64_t batch_id, gi_error_t *err)
{
    gi_allocation_totals_t t;
    json_t *list = cli->json ? json_array() : NULL;
    if (!cli->json)
        printf("   ID      FIRST       LAST     LABELS  HOLDER        ID  NAME\n");
    gi_err_t rc = gi_allocations(&cli->ctx, batch_id, allocation_row, list, &t, err);
    if (rc != GI_OK) {
        json_decref(list);
        return rc;
    }
    /* the command line counts the labels in no range one by one too: a check
     * of the stored count that the pages skip (a pass over the batch) */
    int64_t counted = 0;
    if ((rc = gi_allocations_check(&cli->ctx, batch_id, &counted, err)) != GI_OK) {
        json_decref(list);
        return rc;
    }
    if (cli->json)
        return cli_print_json(json_pack("{s:I, s:I, s:I, s:I, s:I, s:o}", "batch_id",
                                        (json_int_t)batch_id, "count", (json_int_t)t.count,
                                        "allocated", (json_int_t)t.allocated, "unallocated",
                                        (json_int_t)t.unallocated, "labels_in_no_range",
                                        (json_int_t)counted, "allocations", list),
                              err);
    printf("batch %" PRId64 ": %" PRId64 " labels, %" PRId64 " allocated, %" PRId64
           " with the operator (%" PRId64 " labels counted in no range)\n",
           batch_id, t.count, t.allocated, t.unallocated, counted);
    return GI_OK;
}

static gi_err_t cmd_allocate(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    gi_allocate_t in = {0};
    const char *first = cli_opt(cli, cmd, "first"), *last = cli_opt(cli, cmd, "last");
    const char *move = cli_opt(cli, cmd, "move"), *household = cli_opt(cli, cmd, "household");
    const char *base = cli_opt(cli, cmd, "base");
    gi_err_t rc = cli_parse_id("batch id", cli->args[0], &in.batch_id, err);
    if (rc != GI_OK)
        return rc;
    in.processor_uscc = cli_opt(cli, cmd, "processor");
    in.to_operator = cli_opt(cli, cmd, "operator") != NULL;
    in.override = cli_opt_or(cli, cmd, "override", "");
    if (cli_opt(cli, cmd, "list") || (!household && !base && !in.processor_uscc && !in.to_operator))
        return list_allocations(cli, in.batch_id, err);
    if (household && base)
        return gi_fail(err, GI_EINVAL, "--household or --base, not both");
    if ((household && (rc = cli_parse_id("--household", household, &in.producer_id, err))) ||
        (base && (rc = cli_parse_id("--base", base, &in.producer_id, err))) ||
        (move && (rc = cli_parse_id("--move", move, &in.move_id, err))))
        return rc;
    if (!move) {
        if (!first || !last)
            return gi_fail(err, GI_EINVAL, "a new range needs --first and --last (or --move ID)");
        if ((rc = cli_parse_int("--first", first, 1, 10000000, &in.first_seq, err)) ||
            (rc = cli_parse_int("--last", last, 1, 10000000, &in.last_seq, err)))
            return rc;
    } else if (first || last) {
        return gi_fail(err, GI_EINVAL, "a range moves whole: --move takes no --first or --last");
    }
    db_allocation_t a;
    if ((rc = gi_allocate(&cli->ctx, &in, &a, err)) != GI_OK)
        return rc;
    if (cli->json)
        return a.id ? cli_print_json(gi_json_allocation(&a), err)
                    : cli_print_json(json_pack("{s:b}", "returned", 1), err);
    if (!a.id)
        printf("allocation %s of batch %" PRId64 " given back to the operator\n", move,
               in.batch_id);
    else
        printf("allocation %" PRId64 ": labels %" PRId64 "-%" PRId64 " of batch %" PRId64
               " with %s %" PRId64 "%s\n",
               a.id, a.first_seq, a.last_seq, a.batch_id, a.holder_kind,
               a.producer_id ? a.producer_id : a.processor_id,
               a.override[0] ? " (past the quota: override recorded)" : "");
    return GI_OK;
}

const cli_command_t cli_households_commands[] = {
    {"household", "add", "", 0, "record a member household of an operator", household_add_opts,
     cmd_add, 0},
    {"household", "list", "", 0, "list member households", list_opts, cmd_list, 0},
    {"base", "add", "", 0, "record a production base of an operator", base_add_opts, cmd_add, 0},
    {"base", "list", "", 0, "list production bases", list_opts, cmd_list, 0},
    {"batch", "allocate", "ID", 1,
     "allocate a range of a batch's labels to a household, base or processor; move a range "
     "whole; list the allocations",
     allocate_opts, cmd_allocate, 0},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL, 0},
};
