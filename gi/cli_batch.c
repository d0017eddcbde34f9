/*
 * cli_batch.c - the label commands: batch request, approve, reject, issue,
 * activate, void, list, show, export; and verify.
 */
#include "gi/batch.h"
#include "gi/cli.h"
#include "gi/view.h"
#include "gi/epcis.h"
#include "gi/export.h"
#include "gi/households.h"
#include "gi/json.h"
#include "gi/layout.h"
#include "gi/verify.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A progress bar on stderr, drawn only when stderr is a terminal. */
static void progress_bar(int64_t done, int64_t total, void *arg)
{
    const char *what = arg;
    if (total <= 0)
        return;
    int width = 30, filled = (int)(width * done / total);
    fprintf(stderr, "\r%-9s [%.*s%*s] %3d%%  %" PRId64 "/%" PRId64, what, filled,
            "##############################", width - filled, "", (int)(100 * done / total), done,
            total);
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

static gi_progress_fn terminal_progress(void)
{
    return isatty(STDERR_FILENO) ? progress_bar : NULL;
}

static gi_err_t print_batch(const cli_t *cli, const db_batch_t *b, const char *verb,
                            gi_error_t *err)
{
    if (cli->json)
        return cli_print_json(gi_json_batch(b), err);
    printf("batch %" PRId64 " %s: %" PRId64 " labels, %s, authorisation %" PRId64 "%s%s\n", b->id,
           verb, b->count, b->status, b->auth_id, b->lot_number[0] ? ", lot " : "", b->lot_number);
    return GI_OK;
}

static gi_err_t batch_id_arg(const cli_t *cli, int64_t *id, gi_error_t *err)
{
    return cli_parse_id("batch id", cli->args[0], id, err);
}

static const cli_opt_t request_opts[] = {
    {"auth", "ID", "the approved authorisation the labels are for (required)"},
    {"count", "N", "how many labels, 1 to 10000000 (required)"},
    {"lot", "TEXT", "lot number"},
    {"harvest-date", "DATE", "harvest or production date, YYYY-MM-DD"},
    {"base", "TEXT", "production base"},
    {"cert", "TEXT", "inspection certificate number"},
    {NULL, NULL, NULL},
};

static gi_err_t cmd_request(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    const char *auth_text, *count_text;
    gi_batch_request_t in = {0};
    db_batch_t b;
    gi_err_t rc;
    if ((rc = cli_require(cli, cmd, "auth", &auth_text, err)) ||
        (rc = cli_require(cli, cmd, "count", &count_text, err)) ||
        (rc = cli_parse_id("--auth", auth_text, &in.auth_id, err)) ||
        (rc = cli_parse_int("--count", count_text, INT64_MIN, INT64_MAX, &in.count, err)))
        return rc;
    in.lot_number = cli_opt_or(cli, cmd, "lot", "");
    in.harvest_date = cli_opt_or(cli, cmd, "harvest-date", "");
    in.production_base = cli_opt_or(cli, cmd, "base", "");
    in.inspection_cert = cli_opt_or(cli, cmd, "cert", "");
    if ((rc = gi_batch_request(&cli->ctx, &in, &b, err)) != GI_OK)
        return rc;
    return print_batch(cli, &b, "requested", err);
}

static const cli_opt_t decide_opts[] = {
    {"note", "TEXT", "a note on the decision (required to reject)"},
    {NULL, NULL, NULL},
};

static gi_err_t cmd_decide(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    int64_t id;
    db_batch_t b;
    int approve = strcmp(cmd->sub, "approve") == 0;
    gi_err_t rc = batch_id_arg(cli, &id, err);
    if (rc == GI_OK)
        rc = gi_batch_decide(&cli->ctx, id, approve, cli_opt_or(cli, cmd, "note", ""), &b, err);
    return rc == GI_OK ? print_batch(cli, &b, approve ? "approved" : "rejected", err) : rc;
}

static gi_err_t cmd_issue(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    (void)cmd;
    int64_t id;
    db_batch_t b;
    gi_issue_opts_t opts = {terminal_progress(), "issuing", NULL, NULL};
    gi_err_t rc = batch_id_arg(cli, &id, err);
    if (rc == GI_OK)
        rc = gi_batch_issue(&cli->ctx, id, &opts, &b, err);
    return rc == GI_OK ? print_batch(cli, &b, "issued", err) : rc;
}

static gi_err_t cmd_activate(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    (void)cmd;
    int64_t id;
    db_batch_t b;
    gi_err_t rc = batch_id_arg(cli, &id, err);
    if (rc == GI_OK)
        rc = gi_batch_activate(&cli->ctx, id, &b, err);
    return rc == GI_OK ? print_batch(cli, &b, "activated", err) : rc;
}

static const cli_opt_t void_opts[] = {
    {"reason", "TEXT", "why (required)"},
    {NULL, NULL, NULL},
};

static gi_err_t cmd_void(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    int64_t id;
    db_batch_t b;
    const char *reason;
    gi_err_t rc;
    if ((rc = batch_id_arg(cli, &id, err)) || (rc = cli_require(cli, cmd, "reason", &reason, err)))
        return rc;
    if (cli->nargs == 1) {
        rc = gi_batch_void(&cli->ctx, id, reason, &b, err);
        return rc == GI_OK ? print_batch(cli, &b, "voided", err) : rc;
    }
    size_t n = (size_t)cli->nargs - 1;
    if ((rc = gi_batch_void_codes(&cli->ctx, id, cli->args + 1, n, reason, err)) != GI_OK)
        return rc;
    if (cli->json)
        return cli_print_json(
            json_pack("{s:I, s:I}", "batch", (json_int_t)id, "voided", (json_int_t)n), err);
    printf("voided %zu label%s of batch %" PRId64 "\n", n, n == 1 ? "" : "s", id);
    return GI_OK;
}

static const cli_opt_t list_opts[] = {
    {"operator", "ID", "only this operator's batches"},
    {"auth", "ID", "only batches of this authorisation"},
    {"limit", "N", "at most N rows (default 100)"},
    {"offset", "N", "skip the first N rows"},
    {NULL, NULL, NULL},
};

static int batch_row(const db_batch_t *b, void *arg)
{
    json_t *list = arg;
    if (list)
        return json_array_append_new(list, gi_json_batch(b));
    printf("%5" PRId64 "  %-9s  %9" PRId64 "  %5" PRId64 "  %s\n", b->id, b->status, b->count,
           b->auth_id, b->lot_number);
    return 0;
}

static gi_err_t cmd_list(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    int64_t op = 0, auth = 0;
    db_page_t page;
    json_t *list;
    const char *op_text = cli_opt(cli, cmd, "operator");
    const char *auth_text = cli_opt(cli, cmd, "auth");
    gi_err_t rc = GI_OK;
    if ((op_text && (rc = cli_parse_id("--operator", op_text, &op, err))) ||
        (auth_text && (rc = cli_parse_id("--auth", auth_text, &auth, err))) ||
        (rc = cli_list_begin(cli, cmd, "   ID  STATUS         LABELS   AUTH  LOT", &page, &list,
                             err)))
        return rc;
    db_filter_t narrow = {.operator_id = op, .auth_id = auth};
    return cli_list_end(
        cli, gi_view_batches(&cli->ctx, &cli_account, &narrow, page, batch_row, list, err), list,
        err);
}

static gi_err_t cmd_show(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    (void)cmd;
    int64_t id;
    db_batch_t b;
    gi_err_t rc = batch_id_arg(cli, &id, err);
    if (rc == GI_OK)
        rc = gi_batch_get(&cli->ctx, id, &b, err);
    if (rc != GI_OK)
        return rc;
    if (cli->json)
        return cli_print_json(gi_json_batch(&b), err);
    printf("batch %" PRId64 "\n  status:          %s\n  labels:          %" PRId64 " (%" PRId64
           " voided one by one)\n  authorisation:   %" PRId64
           "\n  lot number:      %s\n  harvest date:    %s\n  production base: %s\n"
           "  inspection cert: %s\n  requested by:    %s\n",
           b.id, b.status, b.count, b.labels_voided, b.auth_id, b.lot_number, b.harvest_date,
           b.production_base, b.inspection_cert, b.requested_by);
    if (b.decided_by[0])
        printf("  decided by:      %s %s\n", b.decided_by, b.decision_note);
    if (b.gtin[0])
        printf("  GTIN on labels:  %s\n", b.gtin);
    if (b.void_reason[0])
        printf("  void reason:     %s\n", b.void_reason);
    return GI_OK;
}

static const cli_opt_t export_opts[] = {
    {"format", "FMT",
     "pdf | svg | png | csv | zip, or epcis: the batch's EPCIS 2.0 events as an "
     "EPCISDocument (JSON-LD), streamed (required)"},
    {"out", "FILE", "where to write (required)"},
    {"base-url", "URL",
     "public URL the codes point to (or env GIMARK_BASE_URL, or the base-url setting); "
     "required, never a loopback or private address. Scheme, host and code are printed in upper "
     "case so the QR code can use its compact alphanumeric mode; the path keeps its case (a "
     "server may tell it apart), so give it in upper case for the smallest QR code"},
    {"mark", "FILE", "official GI mark artwork, SVG or PNG (else a plain frame)"},
    {"reason", "TEXT", "why the file is made, kept in the audit log (e.g. a reprint)"},
    CLI_LAYOUT_OPTS,
    {NULL, NULL, NULL},
};

static int pick(const char *s, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

static int file_write(void *arg, const unsigned char *data, size_t len)
{
    return fwrite(data, 1, len, arg) == len ? 0 : -1;
}

/* The batch's EPCIS document into path, under base_url (gi/epcis.h). */
static gi_err_t export_epcis(cli_t *cli, int64_t id, const char *path, const char *base_url,
                             gi_error_t *err)
{
    char root[512];
    size_t n = strlen(base_url);
    while (n > 0 && base_url[n - 1] == '/')
        n--;
    if (n >= sizeof root)
        return gi_fail(err, GI_EINVAL, "base URL is too long");
    snprintf(root, sizeof root, "%.*s", (int)n, base_url);
    FILE *f = fopen(path, "wb");
    if (!f)
        return gi_fail(err, GI_EIO, "cannot write %s", path);
    label_sink_t sink = {file_write, NULL, f};
    int64_t events = 0;
    gi_err_t rc = gi_epcis_batch_document(&cli->ctx, NULL, id, root, &sink, &events, err);
    if (fclose(f) != 0 && rc == GI_OK)
        rc = gi_fail(err, GI_EIO, "cannot write %s", path);
    if (rc != GI_OK) {
        remove(path);
        return rc;
    }
    if (cli->json)
        return cli_print_json(json_pack("{s:I, s:s, s:s, s:I}", "batch", (json_int_t)id, "format",
                                        "epcis", "file", path, "events", (json_int_t)events),
                              err);
    printf("wrote %" PRId64 " EPCIS events of batch %" PRId64 " to %s\n", events, id, path);
    return GI_OK;
}

static gi_err_t cmd_export(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    static const char *const formats[] = {"pdf", "svg", "png", "csv", "zip", NULL};
    int64_t id;
    const char *format;
    gi_export_t ex = {0};
    size_t written = 0;
    gi_err_t rc;
    if ((rc = batch_id_arg(cli, &id, err)) ||
        (rc = cli_require(cli, cmd, "format", &format, err)) ||
        (rc = cli_require(cli, cmd, "out", &ex.path, err)) ||
        (rc = cli_layout(cli, cmd, &ex.layout, err)))
        return rc;
    const char *env_url = getenv("GIMARK_BASE_URL");
    ex.base_url = cli_opt_or(cli, cmd, "base-url", env_url && *env_url ? env_url : NULL);
    /* the events name each label by its Digital Link, which needs the base URL */
    if (strcmp(format, "epcis") == 0)
        return ex.base_url ? export_epcis(cli, id, ex.path, ex.base_url, err)
                           : gi_fail(err, GI_EINVAL,
                                     "EPCIS events name each label by its Digital Link: give the "
                                     "public address with --base-url (or GIMARK_BASE_URL, or the "
                                     "base-url setting)");
    int f = pick(format, formats);
    if (f < 0)
        return gi_fail(err, GI_EINVAL, "format '%s' is not pdf, svg, png, csv, zip or epcis",
                       format);
    ex.format = (label_format_t)f;
    ex.mark_path = cli_opt(cli, cmd, "mark");
    /* the CLI is the office's own shell on the server, which holds the whole
     * database: a reason is recorded when given, never required */
    ex.reason = cli_opt(cli, cmd, "reason");
    if ((rc = gi_check_text("reason", ex.reason, 300, DB_TEXT - 1, 0, err)) != GI_OK)
        return rc;
    ex.progress = terminal_progress();
    ex.progress_arg = "rendering";
    if ((rc = gi_batch_export(&cli->ctx, id, &ex, &written, err)) != GI_OK)
        return rc;
    /* a PDF of more labels than --pdf-part-labels: a ZIP of PDF parts */
    size_t parts = ex.format == LABEL_FMT_PDF ? label_pdf_parts(&ex.layout, written) : 0;
    if (cli->json)
        return cli_print_json(json_pack("{s:I, s:s, s:s, s:I, s:I}", "batch", (json_int_t)id,
                                        "format", format, "file", ex.path, "labels",
                                        (json_int_t)written, "pdf_parts", (json_int_t)parts),
                              err);
    if (parts > 1)
        printf("wrote %zu labels of batch %" PRId64 " to %s: a ZIP of %zu PDF parts of %zu labels "
               "(--pdf-part-labels)\n",
               written, id, ex.path, parts, label_pdf_part_size(&ex.layout, written));
    else
        printf("wrote %zu labels of batch %" PRId64 " to %s\n", written, id, ex.path);
    return GI_OK;
}

static gi_err_t print_verdict_text(const gi_verification_t *v)
{
    printf("%s\n", gi_verdict_name(v->verdict));
    if (v->verdict == GI_VERDICT_MALFORMED) {
        printf("  %s\n", v->parse == GI_CODE_TYPO ? "the check symbol does not match: most "
                                                    "likely a typo, check the code"
                                                  : "this is not a gimark serial code");
        return GI_OK;
    }
    char display[GI_CODE_DISPLAY_LEN + 1];
    gi_code_format(&v->code, display);
    printf("  code:     %s\n", display);
    if (!v->found) {
        printf("  no label was ever issued with this code\n");
        return GI_OK;
    }
    const db_label_view_t *l = &v->view;
    printf("  product:  %s (%s)\n  operator: %s, USCC %s\n  batch:    %" PRId64 ", label %" PRId64
           " of %" PRId64 ", %s\n",
           l->product.name_zh, l->product.region_code, l->op.name, l->op.uscc, l->batch.id, l->seq,
           l->batch.count, l->batch.status);
    if (l->batch.lot_number[0])
        printf("  lot:      %s\n", l->batch.lot_number);
    if (l->origin.found)
        printf("  origin:   %s in %s%s%s%s%s\n", l->origin.kind, l->origin.region_code,
               l->origin.village[0] ? ", " : "", l->origin.village,
               l->origin.base_type[0] ? ", " : "", l->origin.base_type);
    if (l->label_voided)
        printf("  voided:   %s\n", l->void_reason);
    return GI_OK;
}

static gi_err_t cmd_verify(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    (void)cmd;
    gi_verification_t v;
    const char *input = cli->args[0];
    gi_err_t rc = gi_verify(&cli->ctx, input, strlen(input), 0, 0, &v, err);
    if (rc != GI_OK)
        return rc;
    if (!cli->json)
        return print_verdict_text(&v);
    json_t *out = json_pack("{s:s, s:b}", "verdict", gi_verdict_name(v.verdict), "genuine",
                            gi_verdict_is_genuine(v.verdict));
    if (v.parse != GI_CODE_MALFORMED)
        json_object_set_new(out, "code", json_string(v.code.s));
    if (v.found) {
        json_object_set_new(out, "product", gi_json_product(&v.view.product));
        json_object_set_new(out, "operator", gi_json_operator(&v.view.op));
        json_object_set_new(out, "batch", gi_json_batch(&v.view.batch));
        json_object_set_new(out, "seq", json_integer(v.view.seq));
        json_object_set_new(out, "label_voided", json_boolean(v.view.label_voided));
        json_object_set_new(out, "origin", gi_json_origin(&v.view.origin));
    }
    return cli_print_json(out, err);
}

const cli_command_t cli_batch_commands[] = {
    {"batch", "request", "", 0, "request a batch of labels for an approved authorisation",
     request_opts, cmd_request, 0},
    {"batch", "approve", "ID", 1,
     "approve a requested batch (another actor than the requester's: --actor NAME)", decide_opts,
     cmd_decide, 0},
    {"batch", "reject", "ID", 1, "reject a requested batch", decide_opts, cmd_decide, 0},
    {"batch", "issue", "ID", 1, "create the serial codes of an approved batch", NULL, cmd_issue, 0},
    {"batch", "activate", "ID", 1, "declare an issued batch applied to product", NULL, cmd_activate,
     0},
    {"batch", "void", "ID [CODE...]", -1, "void a whole batch, or the listed codes of it",
     void_opts, cmd_void, 0},
    {"batch", "list", "", 0, "list batches, newest first", list_opts, cmd_list, 0},
    {"batch", "show", "ID", 1, "show one batch", NULL, cmd_show, 0},
    {"batch", "export", "ID", 1, "write a batch's print file", export_opts, cmd_export, 0},
    {"verify", NULL, "CODE", 1, "the verdict on a serial code", NULL, cmd_verify, 0},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL, 0},
};
