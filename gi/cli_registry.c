/*
 * cli_registry.c - the registry commands: init, demo, product, operator,
 * auth, audit and stats.
 */
#include "gi/audit.h"
#include "gi/cli.h"
#include "gi/words.h"
#include "gi/view.h"
#include "gi/demo.h"
#include "gi/json.h"
#include "gi/registry.h"
#include "gi/rules.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- products ---------------------------------------------------------------- */

static const cli_opt_t product_add_opts[] = {
    {"name-zh", "NAME", "product name in Chinese (required)"},
    {"name-en", "NAME", "product name in English"},
    {"regime", "REGIME", "cnipa-product | collective-mark | certification-mark | agri-product"},
    {"reg-number", "TEXT", "announcement or registration number (公告号/注册号)"},
    {"region", "CODE", "GB/T 2260 region code of the origin area (required)"},
    {"standard", "TEXT", "product standard, e.g. DB45/T 227-2022"},
    {"gtin", "GTIN", "GTIN-8/12/13/14 printed on the product, check digit verified"},
    {"name-vi", "NAME", "product name in Vietnamese (consumer pages; default: the English name)"},
    {"name-th", "NAME", "product name in Thai (consumer pages; default: the English name)"},
    {NULL, NULL, NULL},
};

static const cli_opt_t product_names_opts[] = {
    {"name-vi", "NAME", "product name in Vietnamese (\"\" removes it)"},
    {"name-th", "NAME", "product name in Thai (\"\" removes it)"},
    {NULL, NULL, NULL},
};

static void print_product(const db_product_t *p)
{
    printf("product %" PRId64 "\n  name:        %s", p->id, p->name_zh);
    if (p->name_en[0])
        printf(" (%s)", p->name_en);
    printf("\n  regime:      %s\n  reg. number: %s\n  region:      %s\n  standard:    %s\n"
           "  GTIN:        %s\n  status:      %s\n",
           p->regime[0] ? p->regime : "(not recorded)", p->reg_number, p->region_code, p->standard,
           p->gtin[0] ? p->gtin : "-", p->status);
    if (p->name_vi[0] || p->name_th[0])
        printf("  Vietnamese:  %s\n  Thai:        %s\n", p->name_vi, p->name_th);
    printf("  photo:       %s\n", p->photo_at ? "yes" : "none");
    if (p->unnumbered_reason[0]) {
        char day[GI_DATE_LEN + 1];
        gi_date_of(p->unnumbered_at, day);
        printf("  unnumbered:  printed without a number, decided by %s on %s: %s\n",
               p->unnumbered_by, day, p->unnumbered_reason);
    } else if (!gi_rules_product_numbered(p)) {
        printf("  unnumbered:  no number and no decision: its labels are not printed\n");
    }
}

static const cli_opt_t unnumbered_opts[] = {
    {"reason", "TEXT", "why (required; kept on the product and in the audit log)"},
    {NULL, NULL, NULL},
};

/* product allow-unnumbered|withdraw-unnumbered ID --reason TEXT */
static gi_err_t cmd_product_unnumbered(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    int64_t id;
    db_product_t p;
    int allow = strcmp(cmd->sub, "allow-unnumbered") == 0;
    gi_err_t rc = cli_parse_id("product id", cli->args[0], &id, err);
    if (rc == GI_OK)
        rc = gi_act_product_unnumbered(&cli->ctx, &cli_account, id, allow,
                                       cli_opt_or(cli, cmd, "reason", ""), &p, err);
    if (rc != GI_OK)
        return rc;
    if (cli->json)
        return cli_print_json(gi_json_product(&p), err);
    printf(allow ? "product %" PRId64 " (%s) may be printed without a number\n"
                 : "product %" PRId64 " (%s) is no longer printed without a number\n",
           p.id, p.name_zh);
    return GI_OK;
}

static gi_err_t cmd_product_add(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    gi_product_input_t in = {
        cli_opt(cli, cmd, "name-zh"),       cli_opt_or(cli, cmd, "name-en", ""),
        cli_opt_or(cli, cmd, "regime", ""), cli_opt_or(cli, cmd, "reg-number", ""),
        cli_opt(cli, cmd, "region"),        cli_opt_or(cli, cmd, "standard", ""),
        cli_opt_or(cli, cmd, "gtin", ""),   "",
    };
    db_product_t p;
    const char *vi = cli_opt_or(cli, cmd, "name-vi", ""), *th = cli_opt_or(cli, cmd, "name-th", "");
    /* the record and its other names: one change */
    gi_err_t rc = gi_change_begin(&cli->ctx, err);
    if (rc != GI_OK)
        return rc;
    rc = gi_product_add(&cli->ctx, &in, &p, err);
    if (rc == GI_OK && (vi[0] || th[0]))
        rc = gi_act_product_names(&cli->ctx, &cli_account, p.id, vi, th, err);
    if ((rc = gi_change_end(&cli->ctx, rc, err)) != GI_OK)
        return rc;
    if ((vi[0] || th[0]) && (rc = gi_product_get(&cli->ctx, p.id, &p, err)) != GI_OK)
        return rc;
    if (cli->json)
        return cli_print_json(gi_json_product(&p), err);
    printf("added product %" PRId64 ": %s\n", p.id, p.name_zh);
    return GI_OK;
}

/* product names ID [--name-vi] [--name-th]: an option not given keeps its name */
static gi_err_t cmd_product_names(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    int64_t id;
    db_product_t p;
    gi_err_t rc = cli_parse_id("product id", cli->args[0], &id, err);
    if (rc == GI_OK)
        rc = gi_product_get(&cli->ctx, id, &p, err);
    if (rc == GI_OK)
        rc = gi_act_product_names(&cli->ctx, &cli_account, id,
                                  cli_opt_or(cli, cmd, "name-vi", p.name_vi),
                                  cli_opt_or(cli, cmd, "name-th", p.name_th), err);
    if (rc == GI_OK)
        rc = gi_product_get(&cli->ctx, id, &p, err);
    if (rc != GI_OK)
        return rc;
    if (cli->json)
        return cli_print_json(gi_json_product(&p), err);
    print_product(&p);
    return GI_OK;
}

/* product photo ID FILE: a PNG, re-encoded as the desk's upload is */
static gi_err_t cmd_product_photo(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    (void)cmd;
    int64_t id;
    gi_err_t rc = cli_parse_id("product id", cli->args[0], &id, err);
    if (rc != GI_OK)
        return rc;
    FILE *f = fopen(cli->args[1], "rb");
    if (!f)
        return gi_fail(err, GI_EIO, "%s: cannot open", cli->args[1]);
    size_t cap = 64 << 20;
    unsigned char *data = malloc(cap + 1);
    size_t n = data ? fread(data, 1, cap + 1, f) : 0;
    fclose(f);
    if (!data)
        return gi_fail(err, GI_ENOMEM, "out of memory");
    if (n > cap)
        rc = gi_fail(err, GI_EINVAL, "%s: larger than 64 MiB", cli->args[1]);
    else
        rc = gi_act_product_photo(&cli->ctx, &cli_account, id, data, n, err);
    free(data);
    if (rc != GI_OK)
        return rc;
    db_product_t p;
    if ((rc = gi_product_get(&cli->ctx, id, &p, err)) != GI_OK)
        return rc;
    if (cli->json)
        return cli_print_json(gi_json_product(&p), err);
    printf("stored the photo of product %" PRId64 ": /photo/%" PRId64 "-%" PRId64 ".png\n", id, id,
           p.photo_at);
    return GI_OK;
}

static gi_err_t cmd_product_show(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    (void)cmd;
    int64_t id;
    db_product_t p;
    gi_err_t rc = cli_parse_id("product id", cli->args[0], &id, err);
    if (rc == GI_OK)
        rc = gi_product_get(&cli->ctx, id, &p, err);
    if (rc != GI_OK)
        return rc;
    if (cli->json)
        return cli_print_json(gi_json_product(&p), err);
    print_product(&p);
    return GI_OK;
}

static int product_row(const db_product_t *p, void *arg)
{
    json_t *list = arg;
    if (list)
        return json_array_append_new(list, gi_json_product(p));
    printf("%4" PRId64 "  %-6s  %-14s  %s%s%s%s\n", p->id, p->region_code,
           p->gtin[0] ? p->gtin : "-", p->name_zh, p->name_en[0] ? " (" : "", p->name_en,
           p->name_en[0] ? ")" : "");
    return 0;
}

static const cli_opt_t list_opts[] = {
    {"limit", "N", "at most N rows (default 100)"},
    {"offset", "N", "skip the first N rows"},
    {NULL, NULL, NULL},
};

static gi_err_t cmd_product_list(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    db_page_t page;
    json_t *list;
    gi_err_t rc = cli_list_begin(cli, cmd, "  ID  REGION  GTIN            NAME", &page, &list, err);
    if (rc != GI_OK)
        return rc;
    return cli_list_end(
        cli, gi_view_products(&cli->ctx, &cli_account, page, product_row, list, err), list, err);
}

/* --- operators --------------------------------------------------------------- */

static const cli_opt_t operator_add_opts[] = {
    {"uscc", "CODE", "unified social credit code, 18 characters (required)"},
    {"name", "NAME", "registered name (required)"},
    {"kind", "KIND", "cooperative | company | individual | association | other (required)"},
    {"region", "CODE", "GB/T 2260 region code (required)"},
    {"contact", "TEXT", "contact person or telephone"},
    {"override-reason", "TEXT",
     "record a USCC that fails only its check character, giving why (audited)"},
    {NULL, NULL, NULL},
};

static gi_err_t cmd_operator_add(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    gi_operator_input_t in = {
        cli_opt_or(cli, cmd, "uscc", ""),    cli_opt(cli, cmd, "name"),
        cli_opt_or(cli, cmd, "kind", ""),    cli_opt(cli, cmd, "region"),
        cli_opt_or(cli, cmd, "contact", ""), cli_opt_or(cli, cmd, "override-reason", ""),
    };
    db_operator_t o;
    gi_err_t rc = gi_operator_add(&cli->ctx, &in, &o, err);
    if (rc != GI_OK)
        return rc;
    if (cli->json)
        return cli_print_json(gi_json_operator(&o), err);
    printf("added operator %" PRId64 ": %s (%s)%s\n", o.id, o.name, o.uscc,
           o.uscc_override[0] ? " with a USCC check override" : "");
    return GI_OK;
}

static int auth_row(const db_auth_t *a, void *arg);

static gi_err_t cmd_operator_show(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    (void)cmd;
    db_operator_t o;
    gi_err_t rc = gi_operator_find(&cli->ctx, cli->args[0], &o, err);
    if (rc != GI_OK)
        return rc;
    json_t *auths = json_array();
    db_page_t all = {0, 0};
    db_filter_t narrow = {.operator_id = o.id};
    if (cli->json) {
        rc = gi_view_auths(&cli->ctx, &cli_account, &narrow, all, auth_row, auths, err);
        json_t *out = gi_json_operator(&o);
        json_object_set_new(out, "authorisations", auths);
        return rc == GI_OK ? cli_print_json(out, err) : (json_decref(out), rc);
    }
    json_decref(auths);
    printf("operator %" PRId64 "\n  name:    %s\n  USCC:    %s%s\n  kind:    %s\n  region:  %s\n"
           "  contact: %s\n  status:  %s\n",
           o.id, o.name, o.uscc, o.uscc_override[0] ? " (check override)" : "", o.kind,
           o.region_code, o.contact, o.status);
    if (o.uscc_override[0])
        printf("  override reason: %s\n", o.uscc_override);
    printf("authorisations:\n");
    return gi_view_auths(&cli->ctx, &cli_account, &narrow, all, auth_row, NULL, err);
}

static int operator_row(const db_operator_t *o, void *arg)
{
    json_t *list = arg;
    if (list)
        return json_array_append_new(list, gi_json_operator(o));
    printf("%4" PRId64 "  %s  %-11s  %s  %s\n", o->id, o->uscc, o->kind, o->region_code, o->name);
    return 0;
}

static gi_err_t cmd_operator_list(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    db_page_t page;
    json_t *list;
    gi_err_t rc = cli_list_begin(cli, cmd, "  ID  USCC                KIND         REGION  NAME",
                                 &page, &list, err);
    if (rc != GI_OK)
        return rc;
    return cli_list_end(
        cli, gi_view_operators(&cli->ctx, &cli_account, page, operator_row, list, err), list, err);
}

/* --- authorisations ------------------------------------------------------------ */

static const cli_opt_t auth_grant_opts[] = {
    {"operator", "ID|USCC", "the operator (required)"},
    {"product", "ID", "the GI product (required)"},
    {"quota", "N", "labels per calendar year (required)"},
    {"from", "DATE", "valid from, YYYY-MM-DD (default today)"},
    {"until", "DATE", "valid until, YYYY-MM-DD (default three years on)"},
    {"doc", "TEXT", "approval document number, e.g. the announcement"},
    {"area-override", "TEXT",
     "grant to an operator seated outside the product's protected area, giving why (audited)"},
    {NULL, NULL, NULL},
};

static const cli_opt_t auth_change_opts[] = {
    {"reason", "TEXT", "why (required, except for approve)"},
    {"doc", "TEXT", "approve: the approval document number, if not given at grant"},
    {NULL, NULL, NULL},
};

static const cli_opt_t auth_list_opts[] = {
    {"operator", "ID|USCC", "only this operator's authorisations"},
    {"product", "ID", "only authorisations for this product"},
    {"limit", "N", "at most N rows (default 100)"},
    {"offset", "N", "skip the first N rows"},
    {NULL, NULL, NULL},
};

typedef struct {
    json_t *list;
    char today[GI_DATE_LEN + 1];
    int64_t now;
} auth_rows_t;

static int auth_row(const db_auth_t *a, void *arg)
{
    const auth_rows_t *rows = arg;
    if (rows->list)
        return json_array_append_new(rows->list, gi_json_auth(a, rows->today, rows->now));
    printf("%4" PRId64 "  %-9s  %-10s  %9" PRId64 "  %-18s  %s / %s%s\n", a->id,
           gi_auth_status(a, rows->today), a->valid_until, a->yearly_quota, a->operator_uscc,
           a->product_name, a->operator_name,
           gi_auth_needs_review(a, rows->now) ? "  [unused 2 years: review]" : "");
    return 0;
}

static void auth_rows_init(const cli_t *cli, json_t *list, auth_rows_t *rows)
{
    rows->list = list;
    rows->now = cli->now;
    cli_today(cli, rows->today);
}

static gi_err_t print_auth(const cli_t *cli, const db_auth_t *a, const char *verb, gi_error_t *err)
{
    auth_rows_t rows;
    auth_rows_init(cli, NULL, &rows);
    if (cli->json)
        return cli_print_json(gi_json_auth(a, rows.today, rows.now), err);
    printf("authorisation %" PRId64 " %s: %s / %s, %s, valid %s to %s, quota %" PRId64
           " a year%s%s\n",
           a->id, verb, a->product_name, a->operator_name, gi_auth_status(a, rows.today),
           a->valid_from, a->valid_until, a->yearly_quota, a->approval_doc[0] ? ", " : "",
           a->approval_doc);
    return GI_OK;
}

static gi_err_t cmd_auth_grant(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    const char *op_text, *product_text, *quota_text;
    gi_auth_input_t in = {0};
    db_operator_t o;
    db_auth_t a;
    gi_err_t rc;
    if ((rc = cli_require(cli, cmd, "operator", &op_text, err)) ||
        (rc = cli_require(cli, cmd, "product", &product_text, err)) ||
        (rc = cli_require(cli, cmd, "quota", &quota_text, err)) ||
        (rc = cli_parse_id("--product", product_text, &in.product_id, err)) ||
        (rc = cli_parse_int("--quota", quota_text, 1, 100000000, &in.yearly_quota, err)) ||
        (rc = gi_operator_find(&cli->ctx, op_text, &o, err)))
        return rc;
    in.operator_id = o.id;
    in.valid_from = cli_opt_or(cli, cmd, "from", "");
    in.valid_until = cli_opt_or(cli, cmd, "until", "");
    in.approval_doc = cli_opt_or(cli, cmd, "doc", "");
    in.area_override = cli_opt_or(cli, cmd, "area-override", "");
    if ((rc = gi_auth_grant(&cli->ctx, &in, &a, err)) != GI_OK)
        return rc;
    return print_auth(cli, &a, "recorded", err);
}

static gi_err_t cmd_auth_change(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    int64_t id;
    db_auth_t a;
    gi_err_t rc = cli_parse_id("authorisation id", cli->args[0], &id, err);
    if (rc != GI_OK)
        return rc;
    gi_auth_action_t action = (gi_auth_action_t)gi_auth_action_parse(cmd->sub);
    const char *reason = cli_opt_or(cli, cmd, "reason", "");
    if (action != GI_AUTH_APPROVE && !reason[0])
        return gi_fail(err, GI_EINVAL, "--reason is required to %s an authorisation", cmd->sub);
    rc =
        gi_auth_transition(&cli->ctx, id, action, reason, cli_opt_or(cli, cmd, "doc", ""), &a, err);
    if (rc != GI_OK)
        return rc;
    char verb[32];
    snprintf(verb, sizeof verb, "%s%s", cmd->sub,
             cmd->sub[strlen(cmd->sub) - 1] == 'e' ? "d" : "ed");
    return print_auth(cli, &a, verb, err);
}

static gi_err_t cmd_auth_list(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    int64_t product_id = 0;
    db_operator_t o = {0};
    db_page_t page;
    json_t *list;
    auth_rows_t rows;
    const char *op_text = cli_opt(cli, cmd, "operator");
    const char *product_text = cli_opt(cli, cmd, "product");
    gi_err_t rc = GI_OK;
    if ((op_text && (rc = gi_operator_find(&cli->ctx, op_text, &o, err))) ||
        (product_text && (rc = cli_parse_id("--product", product_text, &product_id, err))))
        return rc;
    rc = cli_list_begin(cli, cmd,
                        "  ID  STATUS     UNTIL       YEAR-QUOTA  OPERATOR USCC       "
                        "PRODUCT / OPERATOR",
                        &page, &list, err);
    if (rc != GI_OK)
        return rc;
    auth_rows_init(cli, list, &rows);
    db_filter_t narrow = {.operator_id = o.id, .product_id = product_id};
    return cli_list_end(cli,
                        gi_view_auths(&cli->ctx, &cli_account, &narrow, page, auth_row, &rows, err),
                        list, err);
}

/* --- audit ------------------------------------------------------------------- */

static const cli_opt_t audit_verify_opts[] = {
    {"head", "HASH", "also check that this head, recorded earlier (audit anchor), is in the chain"},
    {NULL, NULL, NULL},
};

/* The --head option: 64 hex digits. */
static gi_err_t parse_head(const char *text, unsigned char out[DB_HASH_LEN], gi_error_t *err)
{
    size_t n = 0;
    if (strlen(text) != 2 * DB_HASH_LEN || strspn(text, "0123456789abcdefABCDEF") != strlen(text) ||
        sodium_hex2bin(out, DB_HASH_LEN, text, strlen(text), NULL, &n, NULL) != 0 ||
        n != DB_HASH_LEN)
        return gi_fail(err, GI_EINVAL, "--head must be the 64 hex digits audit anchor printed");
    return GI_OK;
}

static gi_err_t cmd_audit_verify(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    gi_audit_report_t rep;
    char head[2 * DB_HASH_LEN + 1];
    unsigned char anchor[DB_HASH_LEN];
    const char *anchor_text = cli_opt(cli, cmd, "head");
    gi_err_t rc = anchor_text ? parse_head(anchor_text, anchor, err) : GI_OK;
    if (rc == GI_OK)
        rc = gi_audit_verify_anchor(cli->ctx.db, anchor_text ? anchor : NULL, &rep, err);
    if (rc != GI_OK)
        return rc;
    sodium_bin2hex(head, sizeof head, rep.head, DB_HASH_LEN);
    if (cli->json) {
        json_t *out = json_pack("{s:b, s:I, s:s, s:I}", "ok", rep.ok, "rows", (json_int_t)rep.rows,
                                "head", head, "sequence", (json_int_t)rep.sequence);
        if (rep.anchor_given)
            json_object_set_new(out, "anchor_row", json_integer(rep.anchor_id));
        if (!rep.ok) {
            json_object_set_new(out, "bad_row", json_integer(rep.bad_id));
            json_object_set_new(out, "problem", json_string(rep.problem));
        }
        if ((rc = cli_print_json(out, err)) != GI_OK)
            return rc;
    } else if (rep.ok) {
        printf("audit log intact: %" PRId64 " rows, head %s\n", rep.rows, head);
        if (rep.anchor_given && rep.anchor_id > 0)
            printf("the recorded head is row %" PRId64 "'s: no row up to it was changed since\n",
                   rep.anchor_id);
        else if (rep.anchor_given)
            printf("the recorded head is the empty log's, which every chain starts from\n");
    }
    if (!rep.ok && rep.bad_id == 0)
        return gi_fail(err, GI_EREFUSED, "%s", rep.problem);
    if (!rep.ok)
        return gi_fail(err, GI_EREFUSED, "audit log broken at row %" PRId64 ": %s", rep.bad_id,
                       rep.problem);
    return GI_OK;
}

/* Prints the head of an intact chain, to be written down outside the
 * database: against it, audit verify --head catches what the chain alone
 * cannot (the newest rows deleted with the sequence set back, a rewrite). */
static gi_err_t cmd_audit_anchor(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    (void)cmd;
    gi_audit_report_t rep;
    char head[2 * DB_HASH_LEN + 1], at[24] = "";
    gi_err_t rc = gi_audit_verify(cli->ctx.db, &rep, err);
    if (rc != GI_OK)
        return rc;
    if (!rep.ok)
        return gi_fail(err, GI_EREFUSED,
                       "audit log broken at row %" PRId64 ": %s; a broken chain's head is no "
                       "anchor",
                       rep.bad_id, rep.problem);
    sodium_bin2hex(head, sizeof head, rep.head, DB_HASH_LEN);
    if (rep.head_id > 0)
        gi_json_time(rep.head_at, at);
    if (cli->json)
        return cli_print_json(json_pack("{s:I, s:s?, s:s}", "row", (json_int_t)rep.head_id, "at",
                                        rep.head_id > 0 ? at : NULL, "hash", head),
                              err);
    printf("audit head: row %" PRId64 "%s%s\nhash %s\n", rep.head_id, rep.head_id > 0 ? " at " : "",
           at, head);
    printf("record it outside the database (the office's paper file); later\n"
           "  gimark audit verify --head %s\nsays whether the log was rewritten since\n",
           head);
    return GI_OK;
}

static const cli_opt_t audit_list_opts[] = {
    {"limit", "N", "at most N rows (default 100)"},
    {"offset", "N", "skip the newest N rows"},
    {NULL, NULL, NULL},
};

static int audit_row(const db_audit_row_t *row, void *arg)
{
    json_t *list = arg;
    if (list)
        return json_array_append_new(list, gi_json_audit_row(row));
    char at[24];
    gi_json_time(row->at, at);
    printf("%5" PRId64 "  %s  %-16s  %-20s  %s %" PRId64 "  %s\n", row->id, at, row->actor,
           row->action, row->entity, row->entity_id, row->detail);
    return 0;
}

static gi_err_t cmd_audit_list(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    db_page_t page;
    json_t *list;
    gi_err_t rc = cli_list_begin(cli, cmd,
                                 "   ID  AT                    ACTOR             ACTION"
                                 "                ENTITY  DETAIL",
                                 &page, &list, err);
    if (rc != GI_OK)
        return rc;
    return cli_list_end(cli, gi_view_audit(&cli->ctx, &cli_account, page, audit_row, list, err),
                        list, err);
}

/* --- init, demo, stats ----------------------------------------------------------- */

static gi_err_t cmd_init(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    (void)cmd;
    int v = db_schema_version(cli->ctx.db);
    char shown[1024];
    db_target_shown(cli->db_path, shown, sizeof shown);
    if (cli->json)
        return cli_print_json(json_pack("{s:s, s:s, s:i}", "db", shown, "engine",
                                        db_engine_name(cli->ctx.db), "schema_version", v),
                              err);
    printf("database %s ready (%s, schema version %d)\n", shown, db_engine_name(cli->ctx.db), v);
    return GI_OK;
}

static const cli_opt_t demo_opts[] = {
    {"history", NULL,
     "authorisations from two years back, with the labels and use reports of the two closed "
     "years since"},
    {"activity", NULL,
     "twelve more operators taking up the mark one a month over the last year, operator "
     "accounts, and consumers' scans of the last 30 days: the desk's charts and lists"},
    {NULL, NULL, NULL},
};

static gi_err_t cmd_demo(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    gi_demo_summary_t sum;
    int what = (cli_opt(cli, cmd, "history") ? GI_DEMO_HISTORY : 0) |
               (cli_opt(cli, cmd, "activity") ? GI_DEMO_ACTIVITY : 0);
    gi_err_t rc = gi_demo_load(&cli->ctx, what, &sum, err);
    if (rc != GI_OK)
        return rc;
    if (cli->json)
        return cli_print_json(json_pack("{s:i, s:i, s:i, s:i, s:i, s:i}", "products", sum.products,
                                        "operators", sum.operators, "authorisations",
                                        sum.authorisations, "use_reports", sum.use_reports,
                                        "inspectors", sum.inspectors, "inspections",
                                        sum.inspections),
                              err);
    char shown[1024];
    db_target_shown(cli->db_path, shown, sizeof shown);
    printf("demo data loaded into %s: %d GI products, %d operators, %d authorisations, "
           "%d inspectors, %d inspections of one draw\n",
           shown, sum.products, sum.operators, sum.authorisations, sum.inspectors, sum.inspections);
    if (sum.use_reports)
        printf("with two closed years of labels and %d use reports\n", sum.use_reports);
    if (what & GI_DEMO_ACTIVITY)
        printf("with %d operator accounts and %d scans of the last 30 days\n", sum.accounts,
               sum.scans);
    return GI_OK;
}

static const cli_opt_t stats_opts[] = {
    {"target", "N",
     "operators the province aims to have using the mark (default 1000, env "
     "GIMARK_TARGET)"},
    {NULL, NULL, NULL},
};

static gi_err_t cmd_stats(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    db_stats_t st;
    int64_t target;
    const char *target_text = cli_opt(cli, cmd, "target");
    if (!target_text)
        target_text = getenv("GIMARK_TARGET");
    gi_err_t rc =
        cli_parse_int("--target", target_text ? target_text : "1000", 1, 100000000, &target, err);
    if (rc != GI_OK)
        return rc;
    if ((rc = gi_view_stats(&cli->ctx, &cli_account, &st, err)) != GI_OK)
        return rc;
    double pct = 100.0 * (double)st.operators_using / (double)target;
    if (cli->json)
        return cli_print_json(gi_json_stats(&st, target), err);
    printf("GI products:      %" PRId64 "\n"
           "operators:        %" PRId64 "\n"
           "authorisations:   %" PRId64 " approved, %" PRId64 " pending, %" PRId64
           " suspended, %" PRId64 " revoked, %" PRId64 " expired\n"
           "using the mark:   %" PRId64 " operators of a target of %" PRId64 " (%.1f%%), %" PRId64
           " to go (%" PRId64 " authorised, not all with labels yet)\n"
           "audit log:        %" PRId64 " rows\n",
           st.products, st.operators, st.auth_approved, st.auth_pending, st.auth_suspended,
           st.auth_revoked, st.auth_expired, st.operators_using, target, pct,
           st.operators_using >= target ? 0 : target - st.operators_using, st.operators_authorised,
           st.audit_rows);
    return GI_OK;
}

const cli_command_t cli_registry_commands[] = {
    {"init", NULL, "", 0, "create the database, or bring its schema up to date", NULL, cmd_init, 1},
    {"demo", NULL, "", 0, "load real Guangxi GI products with sample operators", demo_opts,
     cmd_demo, 1},
    {"product", "add", "", 0, "record a GI product", product_add_opts, cmd_product_add, 0},
    {"product", "list", "", 0, "list GI products", list_opts, cmd_product_list, 0},
    {"product", "show", "ID", 1, "show one GI product", NULL, cmd_product_show, 0},
    {"product", "names", "ID", 1, "record a product's names in Vietnamese and Thai",
     product_names_opts, cmd_product_names, 0},
    {"product", "photo", "ID FILE", 2, "store a product's photo (a PNG, re-encoded)", NULL,
     cmd_product_photo, 0},
    {"product", "allow-unnumbered", "ID", 1,
     "decide that a product without any number may be printed (audited)", unnumbered_opts,
     cmd_product_unnumbered, 0},
    {"product", "withdraw-unnumbered", "ID", 1,
     "withdraw the decision that a product without any number may be printed (audited)",
     unnumbered_opts, cmd_product_unnumbered, 0},
    {"operator", "add", "", 0, "record a business operator", operator_add_opts, cmd_operator_add,
     0},
    {"operator", "list", "", 0, "list operators", list_opts, cmd_operator_list, 0},
    {"operator", "show", "ID|USCC", 1, "show an operator and its authorisations", NULL,
     cmd_operator_show, 0},
    {"auth", "grant", "", 0, "record a pending authorisation to use the mark", auth_grant_opts,
     cmd_auth_grant, 0},
    {"auth", "approve", "ID", 1, "approve a pending authorisation", auth_change_opts,
     cmd_auth_change, 0},
    {"auth", "suspend", "ID", 1, "suspend an approved authorisation", auth_change_opts,
     cmd_auth_change, 0},
    {"auth", "reinstate", "ID", 1, "reinstate a suspended authorisation", auth_change_opts,
     cmd_auth_change, 0},
    {"auth", "revoke", "ID", 1, "revoke an authorisation for good", auth_change_opts,
     cmd_auth_change, 0},
    {"auth", "list", "", 0, "list authorisations", auth_list_opts, cmd_auth_list, 0},
    {"audit", "verify", "", 0, "check the audit log's hash chain", audit_verify_opts,
     cmd_audit_verify, 0},
    {"audit", "anchor", "", 0, "print the head of the audit chain to record outside", NULL,
     cmd_audit_anchor, 0},
    {"audit", "list", "", 0, "list audit rows, newest first", audit_list_opts, cmd_audit_list, 0},
    {"stats", NULL, "", 0, "counts, and operators using the mark against the target", stats_opts,
     cmd_stats, 0},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL, 0},
};
