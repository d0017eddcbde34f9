/*
 * cli_supervision.c - `gimark supervision ...`: credit classes, the
 * registers of inspection items and inspectors, draws, inspections, their
 * evidence and the results' publication. The rules are gi/grade.c's and
 * gi/inspect.c's; the command line acts as a regulator of every region.
 */
#include "gi/cli.h"
#include "gi/grade.h"
#include "gi/inspect.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SETTINGS_OPTS                                                                              \
    {"grade-classes", "SET",                                                                       \
     "credit classes by risk with the points each takes (default " GI_GRADE_CLASSES_DEFAULT ")"},  \
    {                                                                                              \
        "repeat-threshold", "N",                                                                   \
            "distinct clients beyond which a label counts as over-scanned (default 10)"            \
    }

static gi_err_t config_of(cli_t *cli, const cli_command_t *cmd, gi_grade_config_t *cfg,
                          gi_error_t *err)
{
    int64_t threshold = 10;
    gi_err_t rc =
        cli_parse_int("--repeat-threshold", cli_opt_or(cli, cmd, "repeat-threshold", "10"), 1,
                      1000000, &threshold, err);
    if (rc != GI_OK)
        return rc;
    return gi_grade_config_parse(cli_opt_or(cli, cmd, "grade-classes", GI_GRADE_CLASSES_DEFAULT),
                                 threshold, cfg, err);
}

static gi_err_t optional_id(cli_t *cli, const cli_command_t *cmd, const char *name, int64_t *out,
                            gi_error_t *err)
{
    const char *s = cli_opt(cli, cmd, name);
    *out = 0;
    if (!s)
        return GI_OK;
    char what[40];
    snprintf(what, sizeof what, "--%s", name);
    return cli_parse_id(what, s, out, err);
}

/* --- grades ----------------------------------------------------------------------------- */

static const cli_opt_t grades_opts[] = {
    {"as-of", "DATE", "the class on that date, from the facts stored by then (default today)"},
    {"region", "PREFIX", "operators inside a GB/T 2260 prefix (default everywhere)"},
    {"operator", "ID", "one operator, with the evidence of every rule"},
    SETTINGS_OPTS,
    {NULL, NULL, NULL},
};

static int grade_row(const gi_grade_t *g, void *arg)
{
    json_t *list = arg;
    if (list) {
        json_array_append_new(list, gi_grade_json(g, NULL));
        return 0;
    }
    printf("%4" PRId64 "  %-18s  %-5s %4" PRId64 "  %-5s %s%s\n", g->operator_id, g->operator_uscc,
           g->class_name, g->points, g->derived, g->operator_name,
           g->imported ? "  (imported)" : "");
    return 0;
}

static gi_err_t cmd_grades(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    gi_grade_config_t cfg;
    int64_t op = 0;
    gi_err_t rc;
    if ((rc = config_of(cli, cmd, &cfg, err)) || (rc = optional_id(cli, cmd, "operator", &op, err)))
        return rc;
    const char *date = cli_opt_or(cli, cmd, "as-of", "");
    if (op) {
        gi_grade_t g;
        gi_grade_evidence_t *ev = calloc(1, sizeof *ev);
        if (!ev)
            return gi_fail(err, GI_ENOMEM, "out of memory");
        rc = gi_grade_of(&cli->ctx, &cli_account, &cfg, op, date, &g, ev, err);
        if (rc == GI_OK && cli->json) {
            rc = cli_print_json(gi_grade_json(&g, ev), err);
        } else if (rc == GI_OK) {
            size_t n;
            const gi_grade_rule_t *r = gi_grade_rules(&n);
            printf("operator %" PRId64 " %s %s\n  as of %s: class %s (%" PRId64
                   " points; derived %s)\n",
                   g.operator_id, g.operator_uscc, g.operator_name, g.as_of, g.class_name, g.points,
                   g.derived);
            if (g.imported)
                printf("  imported class from %s, as of %s\n", g.import_source, g.import_as_of);
            for (size_t i = 0; i < n; i++) {
                printf("  %-24s weight %2d  facts %3" PRId64 "  points %3" PRId64 "\n", r[i].key,
                       r[i].weight, g.count[i], g.points_of[i]);
                for (int k = 0; k < ev->n[i]; k++)
                    printf("      #%" PRId64 " %s %s\n", ev->facts[i][k].ref_id,
                           ev->facts[i][k].ref, ev->facts[i][k].detail);
            }
        }
        free(ev);
        return rc;
    }
    json_t *list = cli->json ? json_array() : NULL;
    if (!cli->json)
        printf("  ID  USCC                CLASS POINTS DERIVED NAME\n");
    rc = gi_grade_all(&cli->ctx, &cli_account, &cfg, cli_opt_or(cli, cmd, "region", ""), 0, date,
                      grade_row, list, err);
    if (rc != GI_OK) {
        json_decref(list);
        return rc;
    }
    return list ? cli_print_json(list, err) : GI_OK;
}

static const cli_opt_t import_opts[] = {
    {"operator", "ID", "the operator (required)"},
    {"class", "CLASS", "the class the market regulator gave (required unless --withdraw)"},
    {"as-of", "DATE", "the date it holds from (required)"},
    {"source", "TEXT", "where it comes from: body and document (required)"},
    {"withdraw", NULL, "withdraw the imported class from that date on"},
    SETTINGS_OPTS,
    {NULL, NULL, NULL},
};

static gi_err_t cmd_import(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    gi_grade_config_t cfg;
    int64_t op = 0;
    const char *as_of, *source, *cls = "";
    gi_err_t rc;
    if ((rc = config_of(cli, cmd, &cfg, err)) ||
        (rc = cli_parse_id("--operator", cli_opt_or(cli, cmd, "operator", ""), &op, err)) ||
        (rc = cli_require(cli, cmd, "as-of", &as_of, err)) ||
        (rc = cli_require(cli, cmd, "source", &source, err)))
        return rc;
    if (!cli_opt(cli, cmd, "withdraw") && (rc = cli_require(cli, cmd, "class", &cls, err)))
        return rc;
    rc = gi_grade_import(&cli->ctx, &cli_account, &cfg, op, cls, as_of, source, err);
    if (rc == GI_OK)
        printf("operator %" PRId64 ": class %s from %s (%s)\n", op, cls[0] ? cls : "withdrawn",
               as_of, source);
    return rc;
}

static const cli_opt_t finding_opts[] = {
    {"outcome", "OUTCOME", "founded (found true) | unfounded (required)"},
    {"note", "TEXT", "what was found"},
    {NULL, NULL, NULL},
};

static gi_err_t cmd_finding(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    int64_t report = 0, id = 0;
    const char *outcome;
    gi_err_t rc;
    if ((rc = cli_parse_id("report", cli->args[0], &report, err)) ||
        (rc = cli_require(cli, cmd, "outcome", &outcome, err)))
        return rc;
    rc = gi_report_finding(&cli->ctx, &cli_account, report, outcome,
                           cli_opt_or(cli, cmd, "note", ""), &id, err);
    if (rc == GI_OK)
        printf("report %" PRId64 ": finding %" PRId64 " %s\n", report, id, outcome);
    return rc;
}

/* --- registers ---------------------------------------------------------------------------- */

static const cli_opt_t item_opts[] = {
    {"key", "KEY",
     "the checklist entry it is: mark_uscc, scope_use, raw_material, standard, label_records, "
     "transfer (or none)"},
    {"name", "TEXT", "what is checked (required)"},
    {"basis", "TEXT", "its legal basis (required)"},
    {NULL, NULL, NULL},
};

static gi_err_t cmd_item_add(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    int64_t id = 0;
    gi_err_t rc =
        gi_item_add(&cli->ctx, &cli_account, cli_opt_or(cli, cmd, "key", ""),
                    cli_opt_or(cli, cmd, "name", ""), cli_opt_or(cli, cmd, "basis", ""), &id, err);
    if (rc == GI_OK)
        printf("inspection item %" PRId64 " added\n", id);
    return rc;
}

static const cli_opt_t inspector_opts[] = {
    {"name", "NAME", "the inspector's name (required)"},
    {"cert", "NUMBER", "law-enforcement certificate number (required, unique)"},
    {"field", "TEXT", "field of work"},
    {"region", "CODE", "GB/T 2260 code of the office the inspector belongs to (required)"},
    {NULL, NULL, NULL},
};

static gi_err_t cmd_inspector_add(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    int64_t id = 0;
    gi_err_t rc = gi_inspector_add(
        &cli->ctx, &cli_account, cli_opt_or(cli, cmd, "name", ""), cli_opt_or(cli, cmd, "cert", ""),
        cli_opt_or(cli, cmd, "field", ""), cli_opt_or(cli, cmd, "region", ""), &id, err);
    if (rc == GI_OK)
        printf("inspector %" PRId64 " added\n", id);
    return rc;
}

static const cli_opt_t conflict_opts[] = {
    {"inspector", "ID", "the inspector (required)"},
    {"operator", "ID", "the operator (required)"},
    {"reason", "TEXT", "the declared conflict: kinship, shares, former employment ... (required)"},
    {NULL, NULL, NULL},
};

static gi_err_t cmd_conflict(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    int64_t insp = 0, op = 0;
    gi_err_t rc;
    if ((rc = cli_parse_id("--inspector", cli_opt_or(cli, cmd, "inspector", ""), &insp, err)) ||
        (rc = cli_parse_id("--operator", cli_opt_or(cli, cmd, "operator", ""), &op, err)))
        return rc;
    rc = gi_inspector_conflict(&cli->ctx, &cli_account, insp, op,
                               cli_opt_or(cli, cmd, "reason", ""), err);
    if (rc == GI_OK)
        printf("inspector %" PRId64 " is never drawn for operator %" PRId64 "\n", insp, op);
    return rc;
}

static gi_err_t cmd_registers(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    (void)cmd;
    json_t *items, *insp;
    gi_err_t rc = gi_registers_json(&cli->ctx, &cli_account, &items, &insp, err);
    if (rc != GI_OK)
        return rc;
    if (cli->json)
        return cli_print_json(json_pack("{s:o, s:o}", "items", items, "inspectors", insp), err);
    size_t i;
    json_t *v;
    printf("inspection items:\n");
    json_array_foreach(items, i, v) printf("  %3" JSON_INTEGER_FORMAT "  %-14s %s  [%s]\n",
                                           json_integer_value(json_object_get(v, "id")),
                                           json_string_value(json_object_get(v, "checklist_key")),
                                           json_string_value(json_object_get(v, "name")),
                                           json_string_value(json_object_get(v, "legal_basis")));
    printf("inspectors:\n");
    json_array_foreach(insp, i, v)
        printf("  %3" JSON_INTEGER_FORMAT "  %-16s %-8s %s  %s (%zu declared conflicts)\n",
               json_integer_value(json_object_get(v, "id")),
               json_string_value(json_object_get(v, "cert_no")),
               json_string_value(json_object_get(v, "region")),
               json_string_value(json_object_get(v, "name")),
               json_string_value(json_object_get(v, "field")),
               json_array_size(json_object_get(v, "conflicts")));
    json_decref(items);
    json_decref(insp);
    return GI_OK;
}

/* --- plans and draws ---------------------------------------------------------------------- */

static const cli_opt_t draw_opts[] = {
    {"office", "PREFIX", "the drawing office's GB/T 2260 prefix (default everywhere)"},
    {"year", "YYYY", "the plan's year (default this year)"},
    {"draw-ratios", "SET", "percent of each class drawn (default " GI_DRAW_RATIOS_DEFAULT ")"},
    {"exclude-inspected", NULL, "leave out operators the office inspected in that year"},
    {"inspectors", "N", "inspectors per target, 2 to 8 (default 2)"},
    {"seed", "HEX", "64 hex digits: repeat a draw (default a fresh random seed)"},
    SETTINGS_OPTS,
    {NULL, NULL, NULL},
};

static gi_err_t plan_of(cli_t *cli, const cli_command_t *cmd, const gi_grade_config_t *cfg,
                        gi_draw_plan_t *p, gi_error_t *err)
{
    int64_t year = 0, n = 2;
    gi_err_t rc;
    memset(p, 0, sizeof *p);
    const char *office = cli_opt_or(cli, cmd, "office", "");
    if (strlen(office) >= sizeof p->office)
        return gi_fail(err, GI_EINVAL, "--office: a GB/T 2260 prefix of 2, 4 or 6 digits");
    snprintf(p->office, sizeof p->office, "%s", office);
    if ((cli_opt(cli, cmd, "year") &&
         (rc = cli_parse_int("--year", cli_opt(cli, cmd, "year"), 2000, 2999, &year, err))) ||
        (rc = cli_parse_int("--inspectors", cli_opt_or(cli, cmd, "inspectors", "2"), 2,
                            GI_DRAW_INSPECTORS_MAX, &n, err)))
        return rc;
    p->year = year;
    p->inspectors_per_target = (int)n;
    p->exclude_inspected = cli_opt(cli, cmd, "exclude-inspected") != NULL;
    return gi_draw_ratios_parse(cli_opt_or(cli, cmd, "draw-ratios", GI_DRAW_RATIOS_DEFAULT), cfg, p,
                                err);
}

static gi_err_t cmd_draw(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    gi_grade_config_t cfg;
    gi_draw_plan_t plan;
    json_t *out = NULL;
    int64_t id = 0;
    int dry = strcmp(cmd->sub, "plan") == 0;
    gi_err_t rc;
    if ((rc = config_of(cli, cmd, &cfg, err)) || (rc = plan_of(cli, cmd, &cfg, &plan, err)))
        return rc;
    rc = gi_draw(&cli->ctx, &cli_account, &cfg, &plan, dry ? NULL : cli_opt(cli, cmd, "seed"), dry,
                 &out, &id, err);
    if (rc != GI_OK)
        return rc;
    if (cli->json)
        return cli_print_json(out, err);
    if (dry) {
        json_t *classes = json_object_get(out, "classes");
        const char *k;
        json_t *v;
        printf("plan: %" JSON_INTEGER_FORMAT " operators in force, %" JSON_INTEGER_FORMAT
               " excluded, %" JSON_INTEGER_FORMAT " inspectors\n",
               json_integer_value(json_object_get(out, "population")),
               json_integer_value(json_object_get(out, "excluded")),
               json_integer_value(json_object_get(out, "inspectors")));
        json_object_foreach(classes, k, v)
            printf("  class %-4s %3" JSON_INTEGER_FORMAT "%%  of %4" JSON_INTEGER_FORMAT
                   " eligible: %" JSON_INTEGER_FORMAT " drawn\n",
                   k, json_integer_value(json_object_get(v, "percent")),
                   json_integer_value(json_object_get(v, "eligible")),
                   json_integer_value(json_object_get(v, "drawn")));
    } else {
        printf("draw %" PRId64 " (seed %s):\n", id,
               json_string_value(json_object_get(out, "seed")));
        size_t i;
        json_t *t;
        json_array_foreach(json_object_get(out, "result"), i, t)
        {
            json_t *insp = json_object_get(t, "inspectors");
            printf("  %-4s %4" JSON_INTEGER_FORMAT "  %s  %s  inspectors",
                   json_string_value(json_object_get(t, "class")),
                   json_integer_value(json_object_get(t, "operator_id")),
                   json_string_value(json_object_get(t, "uscc")),
                   json_string_value(json_object_get(t, "name")));
            for (size_t k = 0; k < json_array_size(insp); k++)
                printf(" %" JSON_INTEGER_FORMAT, json_integer_value(json_array_get(insp, k)));
            printf("\n");
        }
    }
    json_decref(out);
    return GI_OK;
}

static int print_json_item(json_t *item, void *arg)
{
    json_array_append(arg, item);
    return 0;
}

static const cli_opt_t draws_opts[] = {
    {"id", "ID", "one draw, whole"},
    {"limit", "N", "at most N (default 100)"},
    {"offset", "N", "skip N"},
    {NULL, NULL, NULL},
};

static gi_err_t cmd_draws(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    db_page_t page;
    json_t *list;
    int64_t id = 0;
    gi_err_t rc;
    if ((rc = optional_id(cli, cmd, "id", &id, err)))
        return rc;
    int json = cli->json;
    cli->json = 1;
    rc = cli_list_begin(cli, cmd, "", &page, &list, err);
    cli->json = json;
    if (rc != GI_OK)
        return rc;
    rc = gi_draw_list(&cli->ctx, &cli_account, id, page, print_json_item, list, err);
    if (rc != GI_OK) {
        json_decref(list);
        return rc;
    }
    if (json || id)
        return cli_print_json(list, err);
    size_t i;
    json_t *d;
    printf("  ID  YEAR  OFFICE  TARGETS  ACTOR  SEED\n");
    json_array_foreach(list, i, d)
        printf("%4" JSON_INTEGER_FORMAT "  %4" JSON_INTEGER_FORMAT "  %-6s  %7zu  %s  %s\n",
               json_integer_value(json_object_get(d, "id")),
               json_integer_value(json_object_get(d, "year")),
               json_string_value(json_object_get(d, "office")),
               json_array_size(json_object_get(d, "result")),
               json_string_value(json_object_get(d, "actor")),
               json_string_value(json_object_get(d, "seed")));
    json_decref(list);
    return GI_OK;
}

/* --- inspections ---------------------------------------------------------------------------- */

static const cli_opt_t inspect_opts[] = {
    {"operator", "ID", "the operator inspected (required)"},
    {"product", "ID", "the GI product inspected"},
    {"draw", "ID", "the draw that named it"},
    {"body", "TEXT", "the inspecting body (required)"},
    {"date", "DATE", "the inspection's date (default today)"},
    {"inspectors", "ID,ID", "the inspectors, two or more (required)"},
    {"mark-uscc", "R", "mark printed with the USCC: pass | fail | na (default na)"},
    {"scope-use", "R", "use within the approved scope: pass | fail | na"},
    {"raw-material", "R", "raw material source: pass | fail | na"},
    {"standard", "R", "conformity to the product standard: pass | fail | na"},
    {"label-records", "R", "label in/out records: pass | fail | na"},
    {"transfer", "R", "no transfer or counterfeiting of the mark: pass | fail | na"},
    {"result", "RESULT", "no_problem | rectify | unreachable | refused | other (required)"},
    {"rectify-by", "DATE", "with rectify: the date to rectify by"},
    {"note", "TEXT", "remarks"},
    {NULL, NULL, NULL},
};

static gi_err_t cmd_inspect(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    gi_inspection_input_t in = {0};
    int64_t ids[GI_DRAW_INSPECTORS_MAX + 1];
    char today[GI_DATE_LEN + 1];
    int64_t id = 0;
    gi_err_t rc;
    cli_today(cli, today);
    if ((rc = cli_parse_id("--operator", cli_opt_or(cli, cmd, "operator", ""), &in.operator_id,
                           err)) ||
        (rc = optional_id(cli, cmd, "product", &in.product_id, err)) ||
        (rc = optional_id(cli, cmd, "draw", &in.draw_id, err)))
        return rc;
    const char *list = cli_opt_or(cli, cmd, "inspectors", "");
    while (*list) {
        char one[24];
        size_t n = strcspn(list, ",");
        if (in.ninspectors == GI_DRAW_INSPECTORS_MAX + 1 || n == 0 || n >= sizeof one)
            return gi_fail(err, GI_EINVAL, "--inspectors: ids separated by commas, 2 to %d",
                           GI_DRAW_INSPECTORS_MAX);
        memcpy(one, list, n);
        one[n] = '\0';
        if ((rc = cli_parse_id("--inspectors", one, &ids[in.ninspectors++], err)))
            return rc;
        list += n + (list[n] == ',');
    }
    in.checks[0] = cli_opt_or(cli, cmd, "mark-uscc", "na");
    in.checks[1] = cli_opt_or(cli, cmd, "scope-use", "na");
    in.checks[2] = cli_opt_or(cli, cmd, "raw-material", "na");
    in.checks[3] = cli_opt_or(cli, cmd, "standard", "na");
    in.checks[4] = cli_opt_or(cli, cmd, "label-records", "na");
    in.checks[5] = cli_opt_or(cli, cmd, "transfer", "na");
    in.inspectors = ids;
    in.body = cli_opt_or(cli, cmd, "body", "");
    in.date = cli_opt_or(cli, cmd, "date", today);
    in.result = cli_opt_or(cli, cmd, "result", "");
    in.rectify_by = cli_opt_or(cli, cmd, "rectify-by", "");
    in.note = cli_opt_or(cli, cmd, "note", "");
    rc = gi_inspection_add(&cli->ctx, &cli_account, &in, &id, err);
    if (rc == GI_OK)
        printf("inspection %" PRId64 " recorded\n", id);
    return rc;
}

static const cli_opt_t inspections_opts[] = {
    {"year", "YYYY", "inspections dated in that year"},
    {"id", "ID", "one inspection, with its inspectors and evidence"},
    {"limit", "N", "at most N (default 100)"},
    {"offset", "N", "skip N"},
    {NULL, NULL, NULL},
};

static gi_err_t cmd_inspections(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    db_page_t page;
    json_t *list;
    int64_t id = 0, year = 0;
    gi_err_t rc;
    if ((rc = optional_id(cli, cmd, "id", &id, err)) ||
        (cli_opt(cli, cmd, "year") &&
         (rc = cli_parse_int("--year", cli_opt(cli, cmd, "year"), 2000, 2999, &year, err))))
        return rc;
    if (id) {
        json_t *one = NULL;
        rc = gi_inspection_get(&cli->ctx, &cli_account, id, &one, err);
        return rc == GI_OK ? cli_print_json(one, err) : rc;
    }
    int json = cli->json;
    cli->json = 1;
    rc = cli_list_begin(cli, cmd, "", &page, &list, err);
    cli->json = json;
    if (rc == GI_OK)
        rc = gi_inspection_list(&cli->ctx, &cli_account, year, page, print_json_item, list, err);
    if (rc != GI_OK) {
        json_decref(list);
        return rc;
    }
    if (json)
        return cli_print_json(list, err);
    size_t i;
    json_t *v;
    printf("  ID  DATE        USCC                RESULT       RECTIFY BY  OPERATOR\n");
    json_array_foreach(list, i, v) printf(
        "%4" JSON_INTEGER_FORMAT "  %s  %-18s  %-11s  %-10s  %s\n",
        json_integer_value(json_object_get(v, "id")), json_string_value(json_object_get(v, "date")),
        json_string_value(json_object_get(v, "uscc")),
        json_string_value(json_object_get(v, "result")),
        json_string_value(json_object_get(v, "rectify_by")),
        json_string_value(json_object_get(v, "operator")));
    json_decref(list);
    return GI_OK;
}

static const cli_opt_t evidence_opts[] = {
    {"file", "FILE", "a PDF, PNG or JPEG of at most 1 MiB (required)"},
    {"name", "NAME", "the name to keep (default the file's base name)"},
    {NULL, NULL, NULL},
};

static gi_err_t cmd_evidence(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    int64_t insp = 0, id = 0;
    const char *path;
    gi_err_t rc;
    if ((rc = cli_parse_id("inspection", cli->args[0], &insp, err)) ||
        (rc = cli_require(cli, cmd, "file", &path, err)))
        return rc;
    FILE *f = fopen(path, "rb");
    if (!f)
        return gi_fail(err, GI_EINVAL, "cannot open %s", path);
    unsigned char *data = malloc(GI_EVIDENCE_MAX + 1);
    size_t len = data ? fread(data, 1, GI_EVIDENCE_MAX + 1, f) : 0;
    fclose(f);
    if (!data)
        return gi_fail(err, GI_ENOMEM, "out of memory");
    const char *base = strrchr(path, '/');
    rc = gi_evidence_add(&cli->ctx, &cli_account, insp,
                         cli_opt_or(cli, cmd, "name", base ? base + 1 : path), data, len, &id, err);
    free(data);
    if (rc == GI_OK)
        printf("evidence %" PRId64 " attached to inspection %" PRId64 "\n", id, insp);
    return rc;
}

static const cli_opt_t publish_opts[] = {
    {"year", "YYYY", "the year whose results are published (required)"},
    {"out", "FILE", "where to write the CSV (required)"},
    {NULL, NULL, NULL},
};

static gi_err_t cmd_publish(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    int64_t year = 0, n = 0;
    const char *out;
    char *csv = NULL;
    size_t len = 0;
    gi_err_t rc;
    if ((rc = cli_parse_int("--year", cli_opt_or(cli, cmd, "year", ""), 2000, 2999, &year, err)) ||
        (rc = cli_require(cli, cmd, "out", &out, err)))
        return rc;
    rc = gi_inspection_publish(&cli->ctx, &cli_account, year, &csv, &len, &n, err);
    if (rc != GI_OK)
        return rc;
    FILE *f = fopen(out, "wb");
    int ok = f && fwrite(csv, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = 0;
    free(csv);
    if (!ok)
        return gi_fail(err, GI_EIO, "cannot write %s", out);
    printf("%" PRId64 " inspections of %" PRId64 " published to %s\n", n, year, out);
    return GI_OK;
}

const cli_command_t cli_supervision_commands[] = {
    {"supervision", "grades", "", 0,
     "credit classes of operators on a date, derived from dated facts (regulators only)",
     grades_opts, cmd_grades, CLI_DB_EXISTING},
    {"supervision", "import-grade", "", 0,
     "record a credit class from the market regulator, with its source", import_opts, cmd_import,
     CLI_DB_EXISTING},
    {"supervision", "finding", "REPORT", 1,
     "record whether a consumer report was found true (founded) or not", finding_opts, cmd_finding,
     CLI_DB_EXISTING},
    {"supervision", "item-add", "", 0, "register an inspection item with its legal basis",
     item_opts, cmd_item_add, CLI_DB_EXISTING},
    {"supervision", "inspector-add", "", 0, "register an inspector", inspector_opts,
     cmd_inspector_add, CLI_DB_EXISTING},
    {"supervision", "conflict", "", 0, "declare an inspector's conflict with an operator",
     conflict_opts, cmd_conflict, CLI_DB_EXISTING},
    {"supervision", "registers", "", 0, "list inspection items and inspectors", NULL, cmd_registers,
     CLI_DB_EXISTING},
    {"supervision", "plan", "", 0,
     "show what a draw would take: operators per class and how many each ratio draws", draw_opts,
     cmd_draw, CLI_DB_EXISTING},
    {"supervision", "draw", "", 0,
     "draw targets and inspectors (双随机), logged whole with its seed", draw_opts, cmd_draw,
     CLI_DB_EXISTING},
    {"supervision", "draws", "", 0, "list draws, or one whole (--id)", draws_opts, cmd_draws,
     CLI_DB_EXISTING},
    {"supervision", "inspect", "", 0, "record an inspection and its checklist", inspect_opts,
     cmd_inspect, CLI_DB_EXISTING},
    {"supervision", "inspections", "", 0, "list inspections, or one (--id)", inspections_opts,
     cmd_inspections, CLI_DB_EXISTING},
    {"supervision", "evidence", "INSPECTION", 1, "attach an evidence file to an inspection",
     evidence_opts, cmd_evidence, CLI_DB_EXISTING},
    {"supervision", "publish", "", 0,
     "write a year's results as CSV for publication (一公开) and record the publication date",
     publish_opts, cmd_publish, CLI_DB_EXISTING},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL, 0},
};
