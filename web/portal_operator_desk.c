/*
 * portal_operator_desk.c - the operator's desk at /coop/: its
 * authorisations, the batch request form (a refused request keeps what was
 * typed, the error beside its field), its batches with their print files,
 * activation and voiding (whole batches after a confirmation step), and the
 * consumers' reports on its labels (web/portal_internal.h says which file
 * owns what).
 */
#include "web/portal_internal.h"
#include "gi/act.h"
#include "gi/view.h"
#include "web/html.h"
#include "web/layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *product_of(const rows_t *auths, int64_t auth_id)
{
    const db_auth_t *a = auths->items;
    for (size_t i = 0; i < auths->n; i++)
        if (a[i].id == auth_id)
            return a[i].product_name;
    return "";
}

static void operator_auths(page_t *pg, web_buf_t *b, const rows_t *auths)
{
    const db_auth_t *a = auths->items;
    web_html(b, "<section class=\"card\"><h2>%s</h2>", pg->p->my_auths);
    const char *const headings[] = {pg->t->product, pg->p->status, pg->t->valid_until,
                                    pg->p->quota,   pg->p->used,   pg->p->left};
    portal_table_begin(b, pg->p->my_auths, 0, headings, 6);
    for (size_t i = 0; i < auths->n; i++) {
        int64_t used = 0;
        gi_error_t err;
        gi_quota_used(pg->ctx, &a[i], &used, &err);
        web_html(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%D</td><td>%D</td><td>%D</td></tr>",
                 a[i].product_name,
                 web_word(pg->rq->lang, "auth", gi_auth_status(&a[i], pg->today)), a[i].valid_until,
                 a[i].yearly_quota, used, a[i].yearly_quota - used);
    }
    web_html(b, "</tbody></table></div>%s</section>", auths->n ? "" : pg->p->none);
}

/* The error of a refused request beside the field it names (field "" for the
 * form as a whole), shown when the desk answers the refused form. */
typedef struct {
    const char *field, *msg;
} refused_t;

static void refused_at(web_buf_t *b, const refused_t *r, const char *field)
{
    if (r && strcmp(r->field, field) == 0)
        web_html(b, "<p class=\"field-error\" id=\"%s-error\" role=\"alert\">%s</p>", field,
                 r->msg);
}

static void operator_request_form(page_t *pg, web_buf_t *b, const rows_t *auths, const refused_t *r)
{
    const db_auth_t *a = auths->items;
    int any = 0;
    for (size_t i = 0; i < auths->n; i++)
        any |= strcmp(gi_auth_status(&a[i], pg->today), "approved") == 0;
    if (!any)
        return;
    web_html(b, "<section class=\"card\" id=\"request\"><h2>%s</h2>", pg->p->request_title);
    if (r)
        web_html(b,
                 "<div class=\"form-problem\" role=\"alert\"><p>%s</p>%s%s%s"
                 "<p><a href=\"/coop/?lang=%s\">%s</a></p></div>",
                 web_desk_text(pg->rq->lang)->fix_below, r->field[0] ? "" : "<p>",
                 r->field[0] ? "" : r->msg, r->field[0] ? "" : "</p>", pg->t->param,
                 web_desk_text(pg->rq->lang)->back);
    web_html(b,
             "<form method=\"post\" action=\"/coop/batches?lang=%s\"><label for=\"auth_id\">%s"
             "</label>",
             pg->t->param, pg->t->product);
    refused_at(b, r, "auth_id");
    web_buf_puts(b, "<select id=\"auth_id\" name=\"auth_id\">");
    int64_t chosen = 0;
    gi_parse_whole(portal_field(pg, "auth_id"), 1, INT64_MAX, &chosen);
    for (size_t i = 0; i < auths->n; i++)
        if (strcmp(gi_auth_status(&a[i], pg->today), "approved") == 0)
            web_html(b, "<option value=\"%D\"%s>%s</option>", a[i].id,
                     a[i].id == chosen ? " selected" : "", a[i].product_name);
    web_buf_puts(b, "</select>");
    static const struct {
        const char *name, *attrs;
    } fields[] = {
        {"count", "type=\"number\" min=\"1\" max=\"10000000\" required inputmode=\"numeric\""},
        {"lot_number", "maxlength=\"64\""},
        {"harvest_date", "type=\"date\""},
        {"production_base", "maxlength=\"100\""},
        {"inspection_cert", "maxlength=\"64\""},
    };
    const char *labels[] = {pg->p->count, pg->t->lot_number, pg->t->harvest_date,
                            pg->t->production_base, pg->t->inspection_cert};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        int bad = r && strcmp(r->field, fields[i].name) == 0;
        web_html(b, "<label for=\"%s\">%s</label>", fields[i].name, labels[i]);
        refused_at(b, r, fields[i].name);
        web_html(b, "<input id=\"%s\" name=\"%s\" value=\"%s\"%s", fields[i].name, fields[i].name,
                 portal_field(pg, fields[i].name), bad ? " aria-invalid=\"true\" autofocus" : "");
        if (bad)
            web_html(b, " aria-describedby=\"%s-error\"", fields[i].name);
        web_buf_puts(b, " ");
        web_buf_puts(b, fields[i].attrs);
        web_buf_puts(b, ">");
    }
    portal_csrf_field(pg, b);
    web_html(b, "<button type=\"submit\">%s</button></form></section>", pg->p->request_button);
}

/* Voiding misprints (listed codes) or the whole batch, with a reason. */
static void void_form(page_t *pg, web_buf_t *b, int64_t id)
{
    web_html(b,
             "<details><summary>%s</summary><form method=\"post\" "
             "action=\"/coop/batches/%D/void?lang=%s\">"
             "<label for=\"codes-%D\">%s</label><textarea id=\"codes-%D\" name=\"codes\" "
             "rows=\"3\"></textarea><label for=\"reason-%D\">%s</label><input id=\"reason-%D\" "
             "name=\"reason\" required maxlength=\"200\">",
             pg->p->void_labels, id, pg->t->param, id, pg->p->void_codes_hint, id, id,
             pg->p->reason, id);
    portal_csrf_field(pg, b);
    web_html(b, "<button type=\"submit\">%s</button></form></details>", pg->p->void_labels);
}

/* A select of values, each shown in the page's words (web_word's field);
 * the first is chosen. */
static void select_field(web_buf_t *b, web_lang_t lang, const char *name, int64_t id,
                         const char *label, const char *field, const char *const *values)
{
    web_html(b, "<label for=\"%s-%D\">%s</label><select id=\"%s-%D\" name=\"%s\">", name, id, label,
             name, id, name);
    for (int i = 0; values[i]; i++)
        web_html(b, "<option value=\"%s\">%s</option>", values[i],
                 web_word(lang, field, values[i]));
    web_buf_puts(b, "</select>");
}

/* The print file in another format, symbology or label size (the layout
 * choices of gi/layout.h; the rest keep their defaults). */
static void print_form(page_t *pg, web_buf_t *b, int64_t id)
{
    static const char *const formats[] = {"pdf", "png", "svg", "zip", "csv", NULL};
    static const char *const symbologies[] = {"qr", "datamatrix", "hanxin", "code128", NULL};
    static const char *const sizes[] = {"60x30", "50x30", "70x35", "100x50", "40x40", NULL};
    web_html(b,
             "<details><summary>%s</summary><form method=\"get\" "
             "action=\"/coop/batches/%D/labels\">",
             pg->p->print_options, id);
    select_field(b, pg->rq->lang, "format", id, pg->p->file_format, "format", formats);
    select_field(b, pg->rq->lang, "symbology", id, pg->p->symbology, "symbology", symbologies);
    select_field(b, pg->rq->lang, "label-size", id, pg->p->label_size, "size", sizes);
    web_html(b,
             "<label for=\"bleed-%D\">%s</label><input id=\"bleed-%D\" name=\"bleed\" "
             "type=\"number\" min=\"0\" max=\"10\" step=\"0.5\" value=\"0\" inputmode=\"decimal\">"
             "<label><input type=\"checkbox\" name=\"cut-contour\" value=\"1\"> "
             "%s</label><label><input type=\"checkbox\" name=\"approval-no\" "
             "value=\"1\"> %s</label>",
             id, pg->p->print_bleed, id, pg->p->print_cut_contour, pg->p->print_approval_no);
    size_t parts = pg->rq->settings->layout ? pg->rq->settings->layout->pdf_part_labels
                                            : LABEL_PDF_PART_LABELS;
    if (parts > 0) /* the server's setting: a download may not change it */
        web_html(b, "<p class=\"hint\">%s %D</p>", pg->p->print_pdf_parts, (int64_t)parts);
    web_html(b, "<button type=\"submit\">%s</button></form></details>", pg->p->download);
}

/* Splits the posted codes (one a line; spaces and commas separate too) and
 * voids them, or the whole batch when none is given. */
static gi_err_t void_posted(page_t *pg, gi_ctx_t *ctx, int64_t id, gi_error_t *err)
{
    char *codes = strdup(portal_field(pg, "codes"));
    const char *list[1000];
    size_t n = 0;
    db_batch_t b;
    if (!codes)
        return gi_fail(err, GI_ENOMEM, "out of memory");
    for (char *save = NULL, *tok = strtok_r(codes, " ,\r\n\t", &save); tok;
         tok = strtok_r(NULL, " ,\r\n\t", &save)) {
        if (n == sizeof list / sizeof list[0]) {
            free(codes);
            return gi_fail(err, GI_EINVAL, "at most 1000 codes at once");
        }
        list[n++] = tok;
    }
    gi_err_t rc = gi_act_batch(ctx, &pg->account, id, GI_BATCH_VOID, portal_field(pg, "reason"),
                               n ? list : NULL, n, &b, err);
    free(codes);
    return rc;
}

static void operator_batches(page_t *pg, web_buf_t *b, const rows_t *batches, const rows_t *auths)
{
    const db_batch_t *bt = batches->items;
    /* on a phone each row is a card (class "cards", data-label: gimark.css) */
    web_html(b, "<section class=\"card cards\"><h2>%s</h2>", pg->p->my_batches);
    const char *const headings[] = {pg->p->batch,  pg->t->product, pg->t->lot_number,
                                    pg->p->labels, pg->p->status,  pg->p->actions};
    portal_table_begin(b, pg->p->my_batches, 1, headings, 6);
    for (size_t i = 0; i < batches->n; i++) {
        const db_batch_t *x = &bt[i];
        web_html(b,
                 "<tr><td data-label=\"%s\">%D</td><td data-label=\"%s\">%s</td>"
                 "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%D</td>"
                 "<td data-label=\"%s\" class=\"status status-%s\">%s</td>"
                 "<td data-label=\"%s\" class=\"actions\">",
                 pg->p->batch, x->id, pg->t->product, product_of(auths, x->auth_id),
                 pg->t->lot_number, x->lot_number, pg->p->labels, x->count, pg->p->status,
                 x->status, portal_batch_status(pg->p, x->status), pg->p->actions);
        int printable = strcmp(x->status, "issued") == 0 || strcmp(x->status, "activated") == 0;
        if (printable)
            web_html(b,
                     "<a href=\"/coop/batches/%D/labels?format=pdf\" download>%s (PDF)</a> "
                     "<a href=\"/coop/batches/%D/labels?format=csv\" download>CSV</a>",
                     x->id, pg->p->download, x->id);
        if (strcmp(x->status, "issued") == 0) {
            web_html(b, "<form method=\"post\" action=\"/coop/batches/%D/activate?lang=%s\">",
                     x->id, pg->t->param);
            portal_csrf_field(pg, b);
            web_html(b, "<button type=\"submit\">%s</button></form>", pg->p->activate);
        }
        if (printable) {
            print_form(pg, b, x->id);
            void_form(pg, b, x->id);
        }
        web_buf_puts(b, "</td></tr>");
    }
    web_html(b, "</tbody></table></div>%s</section>", batches->n ? "" : pg->p->none);
}

static int report_item(const db_report_t *r, void *arg)
{
    web_buf_t *b = arg;
    char day[GI_DATE_LEN + 1];
    gi_date_of(r->at, day);
    web_html(b, "<li><span class=\"serial\">%s</span> %s: %s</li>", r->code, day, r->text);
    return 0;
}

/* The notice after a request: which batch, and what happens next. */
static void requested_notice(page_t *pg, web_buf_t *b, const rows_t *batches, const rows_t *auths)
{
    const char *q = pg->rq->query(pg->rq->query_arg, "batch");
    int64_t id;
    if (!q || gi_parse_id(q, &id) != 0)
        return;
    const db_batch_t *bt = batches->items;
    for (size_t i = 0; i < batches->n; i++)
        if (bt[i].id == id) {
            const web_desk_text_t *d = web_desk_text(pg->rq->lang);
            web_html(b,
                     "<section class=\"notice\" id=\"request-done\" role=\"status\">"
                     "<h2>%s</h2><p>",
                     d->requested_title);
            web_html(b, d->requested_next, bt[i].id, product_of(auths, bt[i].auth_id), bt[i].count,
                     bt[i].lot_number);
            web_buf_puts(b, "</p></section>");
        }
}

static void operator_desk_with(page_t *pg, unsigned status, const refused_t *refused)
{
    gi_error_t err;
    db_operator_t op;
    rows_t auths, batches;
    gi_err_t rc = gi_view_operator(pg->ctx, &pg->account, pg->account.operator_id, &op, &err);
    if (rc != GI_OK) {
        portal_error(pg, rc, &err);
        return;
    }
    if (portal_load_desk(pg, &auths, &batches) != 0)
        return;
    web_buf_t b;
    pg->get_path = "/coop/";
    portal_frame_begin(pg, &b, pg->p->operator_desk_title);
    if (pg->rq->query(pg->rq->query_arg, "batch"))
        web_html(&b, "<h1>%s</h1>", pg->p->operator_desk_title);
    else
        portal_heading(pg, &b, pg->p->operator_desk_title);
    requested_notice(pg, &b, &batches, &auths);
    web_html(&b, "<p class=\"operator\">%s <span class=\"serial\">%s</span></p>", op.name, op.uscc);
    web_html(&b, "<p><a href=\"/coop/usage?lang=%s\">%s</a></p>", pg->t->param,
             web_usage_text(pg->rq->lang)->usage_title);
    operator_auths(pg, &b, &auths);
    operator_request_form(pg, &b, &auths, refused);
    operator_batches(pg, &b, &batches, &auths);
    web_html(&b, "<p><a href=\"/coop/households?lang=%s\">%s</a></p>", pg->t->param,
             web_households_text(pg->rq->lang)->title);
    web_html(&b, "<section class=\"card\"><h2>%s</h2><ul class=\"reports\">", pg->p->reports_title);
    db_page_t recent = {0, 20};
    gi_view_reports(pg->ctx, &pg->account, "", recent, report_item, &b, &err);
    web_buf_puts(&b, "</ul></section>");
    web_layout_end(&b, pg->t);
    free(auths.items);
    free(batches.items);
    portal_finish(pg, status, &b);
}

static void operator_desk(page_t *pg)
{
    operator_desk_with(pg, 200, NULL);
}

/* Which field of the request form an error of gi_batch_request names. */
static const char *request_field(const char *msg)
{
    static const struct {
        const char *word, *field;
    } fields[] = {{"count", "count"},
                  {"quota", "count"},
                  {"lot", "lot_number"},
                  {"harvest", "harvest_date"},
                  {"production base", "production_base"},
                  {"inspection", "inspection_cert"}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strstr(msg, fields[i].word))
            return fields[i].field;
    return "";
}

static void operator_request(page_t *pg)
{
    gi_batch_request_t in = {0};
    gi_error_t err;
    db_batch_t out;
    if (gi_parse_whole(portal_field(pg, "auth_id"), 1, INT64_MAX, &in.auth_id) != 0 ||
        gi_parse_whole(portal_field(pg, "count"), 1, INT64_MAX, &in.count) != 0) {
        gi_fail_rule(&err, GI_EINVAL, GI_RULE_BATCH_COUNT_RANGE, "%s: 1 - 10000000", pg->p->count);
        refused_t r = {in.auth_id ? "count" : "auth_id",
                       web_rule_message(pg->rq->lang, GI_EINVAL, &err)};
        operator_desk_with(pg, 400, &r);
        return;
    }
    in.lot_number = portal_field(pg, "lot_number");
    in.harvest_date = portal_field(pg, "harvest_date");
    in.production_base = portal_field(pg, "production_base");
    in.inspection_cert = portal_field(pg, "inspection_cert");
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    gi_err_t rc = gi_act_batch_request(&ctx, &pg->account, &in, &out, &err);
    if (rc == GI_EINVAL || rc == GI_EREFUSED) {
        refused_t r = {request_field(err.msg), web_rule_message(pg->rq->lang, rc, &err)};
        operator_desk_with(pg, rc == GI_EINVAL ? 400 : 409, &r);
    } else if (rc != GI_OK) {
        portal_error(pg, rc, &err);
    } else {
        /* the desk names the batch and what happens next */
        pg->out->status = 303;
        snprintf(pg->out->location, sizeof pg->out->location,
                 "/coop/?done=1&batch=%lld&lang=%s#request-done", (long long)out.id, pg->t->param);
    }
}

/* --- the operator's changes and downloads ------------------------------------------------------
 */

static void operator_download(page_t *pg)
{
    gi_error_t err;
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    web_print_request_t print = {pg->rq->method, pg->rq->query, pg->rq->query_arg,
                                 pg->rq->settings};
    web_file_t *f = &pg->out->file;
    gi_err_t rc = web_print_file(&ctx, &pg->account, pg->id, &print, f, &err);
    if (rc == GI_OK) {
        pg->out->status = 200;
    } else if (f->status) {
        pg->out->retry_after = f->retry_after;
        portal_message(pg, f->status, f->status == 413 ? pg->t->too_large_title : pg->t->busy_title,
                       err.msg);
    } else
        portal_error(pg, rc, &err);
}

/* The second step of activating or voiding a whole batch: the page naming
 * the batch (the operator's own: another's is not found). */
static void batch_confirm(page_t *pg, const char *what, const char *const *carry)
{
    gi_error_t err;
    db_batch_t x;
    db_auth_t a;
    gi_err_t rc = gi_view_batch(pg->ctx, &pg->account, pg->id, &x, &err);
    if (rc == GI_OK)
        rc = gi_view_auth(pg->ctx, &pg->account, x.auth_id, &a, &err);
    if (rc != GI_OK) {
        portal_error(pg, rc, &err);
        return;
    }
    char action[64];
    snprintf(action, sizeof action, "/coop/batches/%lld/%s", (long long)x.id,
             strcmp(what, "activate") == 0 ? "activate" : "void");
    const web_desk_text_t *d = web_desk_text(pg->rq->lang);
    web_buf_t b;
    pg->get_path = "/coop/";
    portal_confirm_begin(pg, &b);
    web_buf_puts(&b, "<p>");
    web_html(&b, strcmp(what, "activate") == 0 ? d->confirm_activate : d->confirm_void, x.id,
             x.count, a.product_name, x.lot_number);
    web_buf_puts(&b, "</p>");
    if (carry)
        web_html(&b, "<p>%s: %s</p>", pg->p->reason, portal_field(pg, "reason"));
    portal_confirm_end(pg, &b, action, carry, "/coop/");
}

static void operator_void(page_t *pg)
{
    static const char *const carry[] = {"codes", "reason", NULL};
    const char *codes = portal_field(pg, "codes");
    if (codes[strspn(codes, " ,\r\n\t")] == '\0' && !portal_confirmed(pg)) {
        /* the whole batch: only after the second step */
        batch_confirm(pg, "void", carry);
        return;
    }
    gi_error_t err;
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    portal_after_change(pg, void_posted(pg, &ctx, pg->id, &err), &err, "/coop/");
}

static void operator_activate(page_t *pg)
{
    if (!portal_confirmed(pg))
        batch_confirm(pg, "activate", NULL);
    else
        portal_batch_posted(pg, GI_BATCH_ACTIVATE, "", "/coop/");
}

/* The operator desk's pages and forms. */
const portal_route_t portal_operator_desk_routes[] = {
    {"GET", "/coop/", PORTAL_OPERATOR, operator_desk, NULL},
    {"POST", "/coop/batches", PORTAL_OPERATOR, operator_request, NULL},
    {"GET", "/coop/batches/{id}/labels", PORTAL_OPERATOR, operator_download, NULL},
    {"POST", "/coop/batches/{id}/activate", PORTAL_OPERATOR, operator_activate, NULL},
    {"POST", "/coop/batches/{id}/void", PORTAL_OPERATOR, operator_void, NULL},
};
const size_t portal_operator_desk_route_count =
    sizeof portal_operator_desk_routes / sizeof portal_operator_desk_routes[0];
