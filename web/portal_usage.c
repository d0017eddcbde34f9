/*
 * portal_usage.c - the desk pages of use reports and the output value
 * (gi/usage.h): an operator files and reads its own reports at /coop/usage;
 * a regulator lists, reads, accepts and returns those of its region scope,
 * sees who did not report or use the mark, and the output value with a
 * chart drawn on the server and a CSV (every cell through label_csv_cell).
 * Auditors see the regulator's pages without the forms.
 */
#include "gi/usage.h"
#include "gi/region.h"
#include "gi/view.h"
#include "labels/csv.h"
#include "web/layout.h"
#include "web/portal_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_ROWS 500

/* The office's report periods a year (1 when the caller set none). */
static int per_year(const page_t *pg)
{
    int n = pg->rq->settings->report_period;
    return n == GI_USAGE_HALF_YEAR || n == GI_USAGE_QUARTER ? n : GI_USAGE_YEARLY;
}

static const web_usage_text_t *words(const page_t *pg)
{
    return web_usage_text(pg->rq->lang);
}

static int may_decide(const page_t *pg)
{
    return strcmp(pg->account.role, "regulator") == 0;
}

static int is_operator(const page_t *pg)
{
    return strcmp(pg->account.role, "operator") == 0;
}

static const char *status_word(const page_t *pg, const char *status)
{
    const web_usage_text_t *u = words(pg);
    return strcmp(status, "accepted") == 0   ? u->status_accepted
           : strcmp(status, "returned") == 0 ? u->status_returned
                                             : u->status_filed;
}

static int want_csv(page_t *pg)
{
    const char *f = pg->rq->query(pg->rq->query_arg, "format");
    return f && strcmp(f, "csv") == 0;
}

static void put_buf(void *arg, const char *p, size_t n)
{
    web_buf_add(arg, p, n);
}

static void csv_row(web_buf_t *b, const char *const *cells, int n)
{
    for (int i = 0; i < n; i++) {
        label_csv_cell(cells[i], put_buf, b);
        web_buf_puts(b, i == n - 1 ? "\r\n" : ",");
    }
}

static void finish_csv(page_t *pg, web_buf_t *b, const char *name)
{
    portal_finish(pg, 200, b);
    pg->out->content_type = "text/csv; charset=utf-8";
    snprintf(pg->out->filename, sizeof pg->out->filename, "%s.csv", name);
}

static void nav(page_t *pg, web_buf_t *b)
{
    if (is_operator(pg)) {
        web_html(b,
                 "<nav class=\"tabs\" aria-label=\"coop\"><ul><li><a href=\"/coop/?lang=%s\">%s"
                 "</a></li><li><a href=\"/coop/usage?lang=%s\">%s</a></li></ul></nav>",
                 pg->t->param, pg->p->operator_desk_title, pg->t->param, words(pg)->nav_usage);
        return;
    }
    portal_admin_nav(pg, b);
}

/* The last closed period of the office's length. */
static void last_closed(const page_t *pg, gi_period_t *p)
{
    int n = per_year(pg);
    int year = atoi(pg->today);
    int month = atoi(pg->today + 5);
    int index = (month - 1) / (12 / n); /* the current period's index - 1 */
    if (index == 0)
        gi_usage_period_make(year - 1, n, n, p);
    else
        gi_usage_period_make(year, n, index, p);
}

/* --- lists ------------------------------------------------------------------------------ */

typedef struct {
    page_t *pg;
    web_buf_t *b;
    int csv;
    const char *base; /* /coop/usage or /admin/usage */
} emit_t;

static int report_row(const db_usage_report_t *r, void *arg)
{
    emit_t *e = arg;
    char yuan[32], id[24], version[24], used[24], received[24], produced[24], sold[24];
    gi_usage_format_yuan(r->sales_value_fen, yuan);
    if (e->csv) {
        snprintf(id, sizeof id, "%lld", (long long)r->id);
        snprintf(version, sizeof version, "%lld", (long long)r->version);
        snprintf(used, sizeof used, "%lld", (long long)r->labels_used);
        snprintf(received, sizeof received, "%lld", (long long)r->labels_received);
        snprintf(produced, sizeof produced, "%lld", (long long)r->volume_produced);
        snprintf(sold, sizeof sold, "%lld", (long long)r->volume_sold);
        const char *cells[] = {id,
                               r->period,
                               r->operator_uscc,
                               r->operator_name,
                               r->product_name,
                               version,
                               r->status,
                               produced,
                               sold,
                               r->volume_unit,
                               yuan,
                               received,
                               used};
        csv_row(e->b, cells, 13);
        return 0;
    }
    web_html(e->b,
             "<tr><td><a href=\"%s/%D?lang=%s\">%D</a></td><td>%s</td><td>%s<br>"
             "<span class=\"serial\">%s</span></td><td>%s</td><td>%D%s</td><td>%s</td>"
             "<td class=\"num\">%s</td><td class=\"num\">%D</td></tr>",
             e->base, r->id, e->pg->t->param, r->id, r->period, r->operator_name, r->operator_uscc,
             r->product_name, r->version, r->latest ? "" : " *", status_word(e->pg, r->status),
             yuan, r->labels_used);
    return 0;
}

static void list_table(page_t *pg, web_buf_t *b, const db_usage_filter_t *f, const char *base)
{
    const web_usage_text_t *u = words(pg);
    const char *headings[] = {"#",        u->period,     pg->t->operator_name, pg->t->product,
                              u->version, pg->p->status, u->value_yuan,        u->used};
    portal_table_begin(b, u->usage_title, 1, headings, 8);
    emit_t e = {pg, b, 0, base};
    gi_error_t err;
    gi_usage_view_list(pg->ctx, &pg->account, f, (db_page_t){0, LIST_ROWS}, report_row, &e, &err);
    web_buf_puts(b, "</tbody></table></div>");
    web_html(b, "<p class=\"hint\">* %s</p>", u->superseded);
}

/* --- the operator's desk ------------------------------------------------------------------- */

typedef struct {
    web_buf_t *b;
    int64_t seen[64];
    int n;
    int64_t selected; /* the product a refused form named, or 0 */
} products_t;

static int product_option(const db_auth_t *a, void *arg)
{
    products_t *p = arg;
    if (!a->approved_at || p->n == 64)
        return 0;
    for (int i = 0; i < p->n; i++)
        if (p->seen[i] == a->product_id)
            return 0;
    p->seen[p->n++] = a->product_id;
    web_html(p->b, "<option value=\"%D\"%s>%s</option>", a->product_id,
             a->product_id == p->selected ? " selected" : "", a->product_name);
    return 0;
}

/* What a field of the filing form holds: as typed after a refusal, else fresh. */
static const char *typed(page_t *pg, const portal_problem_t *pr, const char *name,
                         const char *fresh)
{
    return pr ? portal_field(pg, name) : fresh;
}

static void number_field(page_t *pg, web_buf_t *b, const portal_problem_t *pr, const char *name,
                         const char *label)
{
    portal_input(b, pr, "u", name, label, NULL, typed(pg, pr, name, ""),
                 "type=\"number\" min=\"0\" step=\"1\" required");
}

/* The filing form: fresh, or after a refusal (pr) with what was typed. */
static void file_form(page_t *pg, web_buf_t *b, const portal_problem_t *pr)
{
    const web_usage_text_t *u = words(pg);
    gi_period_t p;
    gi_error_t err;
    last_closed(pg, &p);
    web_html(b, "<section class=\"card\" id=\"file\"><h2>%s</h2>", u->file_title);
    portal_form_problem(pg, b, pr, "/coop/usage");
    web_html(b,
             "<form method=\"post\" action=\"/coop/usage?lang=%s\"><label for=\"u-product_id\">%s"
             "</label>",
             pg->t->param, pg->t->product);
    portal_field_error(b, pr, "u", "product_id");
    web_buf_puts(b, "<select id=\"u-product_id\" name=\"product_id\">");
    products_t prods = {.b = b};
    if (pr)
        gi_parse_id(portal_field(pg, "product_id"), &prods.selected);
    gi_view_auths(pg->ctx, &pg->account, NULL, (db_page_t){0, 200}, product_option, &prods, &err);
    web_buf_puts(b, "</select>");
    portal_input(b, pr, "u", "period", u->period, u->period_hint, typed(pg, pr, "period", p.name),
                 "maxlength=\"7\" required");
    number_field(pg, b, pr, "volume_produced", u->produced);
    number_field(pg, b, pr, "volume_sold", u->sold);
    web_html(b, "<label for=\"u-volume_unit\">%s</label>", u->unit);
    portal_field_error(b, pr, "u", "volume_unit");
    web_buf_puts(b, "<select id=\"u-volume_unit\" name=\"volume_unit\">");
    static const char *const units[] = {"kg", "t", "piece", "box", "bottle", "L"};
    const char *unit = typed(pg, pr, "volume_unit", "");
    for (int i = 0; i < 6; i++)
        web_html(b, "<option value=\"%s\"%s>%s</option>", units[i],
                 strcmp(unit, units[i]) == 0 ? " selected" : "",
                 web_word(pg->rq->lang, "unit", units[i]));
    web_buf_puts(b, "</select>");
    portal_input(b, pr, "u", "sales_value_yuan", u->value_yuan, u->value_hint,
                 typed(pg, pr, "sales_value_yuan", ""),
                 "inputmode=\"decimal\" pattern=\"[0-9]{1,13}(\\.[0-9]{1,2})?\" required");
    number_field(pg, b, pr, "labels_received", u->received);
    number_field(pg, b, pr, "labels_used", u->used);
    number_field(pg, b, pr, "labels_voided", u->voided);
    web_html(b, "<label for=\"u-application\">%s</label>", u->application);
    portal_field_error(b, pr, "u", "application");
    web_html(b,
             "<textarea id=\"u-application\" name=\"application\" rows=\"3\" maxlength=\"500\" "
             "required>%s</textarea>",
             typed(pg, pr, "application", ""));
    portal_csrf_field(pg, b);
    web_html(b, "<button type=\"submit\">%s</button></form></section>", u->file_button);
}

/* GET /coop/usage, and the same page after a refused filing (pr). */
static void usage_desk(page_t *pg, unsigned status, const portal_problem_t *pr)
{
    const web_usage_text_t *u = words(pg);
    web_buf_t b;
    portal_frame_begin(pg, &b, u->usage_title);
    nav(pg, &b);
    portal_heading(pg, &b, u->usage_title);
    file_form(pg, &b, pr);
    list_table(pg, &b, NULL, "/coop/usage");
    web_layout_end(&b, pg->t);
    portal_finish(pg, status, &b);
}

static void operator_usage(page_t *pg)
{
    usage_desk(pg, 200, NULL);
}

/* Answers a refused filing with the form again, the refusal beside field. */
static void refuse_filing(page_t *pg, gi_err_t rc, const gi_error_t *err, const char *field)
{
    portal_problem_t pr = {field, web_rule_message(pg->rq->lang, rc, err)};
    usage_desk(pg, portal_problem_status(rc), &pr);
}

/* A whole number field of the form in [0, max]; -1 after answering 400. */
static int form_count(page_t *pg, const char *name, const char *label, int64_t max, int64_t *out)
{
    if (gi_parse_whole(portal_field(pg, name), 0, max, out) == 0)
        return 0;
    gi_error_t err;
    gi_fail_rule(&err, GI_EINVAL, GI_RULE_NUMBER_RANGE, "%s: 0 - %lld", label, (long long)max);
    refuse_filing(pg, GI_EINVAL, &err, name);
    return -1;
}

/* The field a refusal of gi_usage_act_file belongs to, "" for the form. */
static const char *filing_field(const gi_error_t *err)
{
    switch (err->rule) {
    case GI_RULE_PERIOD_INVALID:
    case GI_RULE_PERIOD_NOT_TAKEN:
    case GI_RULE_PERIOD_NOT_CLOSED:
        return "period";
    case GI_RULE_VOLUME_UNIT_INVALID:
        return "volume_unit";
    case GI_RULE_NO_AUTHORISATION:
        return "product_id";
    default:
        break;
    }
    /* the other checks' messages begin with the field they refuse */
    static const portal_prefix_t fields[] = {
        {"volume_produced", "volume_produced"}, {"volume_sold", "volume_sold"},
        {"labels_received", "labels_received"}, {"labels_used", "labels_used"},
        {"labels_voided", "labels_voided"},     {"sales_value_fen", "sales_value_yuan"},
        {"application", "application"}};
    return portal_field_of(err->msg, fields, sizeof fields / sizeof fields[0]);
}

static void operator_file(page_t *pg)
{
    const web_usage_text_t *u = words(pg);
    gi_usage_input_t in = {.period = portal_field(pg, "period"),
                           .volume_unit = portal_field(pg, "volume_unit"),
                           .application = portal_field(pg, "application")};
    gi_error_t err;
    pg->get_path = "/coop/usage";
    if (gi_parse_id(portal_field(pg, "product_id"), &in.product_id) != 0) {
        gi_fail_rule(&err, GI_EINVAL, GI_RULE_TEXT_REQUIRED, "%s", pg->t->product);
        refuse_filing(pg, GI_EINVAL, &err, "product_id");
        return;
    }
    if (form_count(pg, "volume_produced", u->produced, GI_USAGE_VOLUME_MAX, &in.volume_produced) ||
        form_count(pg, "volume_sold", u->sold, GI_USAGE_VOLUME_MAX, &in.volume_sold) ||
        form_count(pg, "labels_received", u->received, GI_USAGE_LABELS_MAX, &in.labels_received) ||
        form_count(pg, "labels_used", u->used, GI_USAGE_LABELS_MAX, &in.labels_used) ||
        form_count(pg, "labels_voided", u->voided, GI_USAGE_LABELS_MAX, &in.labels_voided))
        return;
    if (gi_usage_parse_yuan(portal_field(pg, "sales_value_yuan"), &in.sales_value_fen) != 0) {
        gi_fail_rule(&err, GI_EINVAL, GI_RULE_NUMBER_RANGE, "%s: %s", u->value_yuan, u->value_hint);
        refuse_filing(pg, GI_EINVAL, &err, "sales_value_yuan");
        return;
    }
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    db_usage_report_t *r = malloc(sizeof *r);
    gi_err_t rc = r ? gi_usage_act_file(&ctx, &pg->account, per_year(pg), &in, r, &err)
                    : gi_fail(&err, GI_ENOMEM, "out of memory");
    free(r);
    if (rc == GI_EINVAL || rc == GI_EEXISTS || rc == GI_EREFUSED)
        refuse_filing(pg, rc, &err, filing_field(&err));
    else
        portal_after_change(pg, rc, &err, "/coop/usage");
}

/* --- one report ----------------------------------------------------------------------------- */

static void figures_row(web_buf_t *b, const char *label, int64_t reported, const char *unit,
                        const char *known_label, int64_t known)
{
    web_html(b, "<tr><th scope=\"row\">%s</th><td class=\"num\">%D %s</td>", label, reported, unit);
    if (known_label)
        web_html(b, "<th scope=\"row\">%s</th><td class=\"num\">%D</td></tr>", known_label, known);
    else
        web_buf_puts(b, "<td></td><td></td></tr>");
}

static int version_row(const db_usage_report_t *r, void *arg)
{
    emit_t *e = arg;
    char yuan[32], filed[24];
    gi_usage_format_yuan(r->sales_value_fen, yuan);
    gi_date_of(r->filed_at, filed);
    web_html(e->b,
             "<tr><td><a href=\"%s/%D?lang=%s\">%D</a></td><td>%D</td><td>%s</td><td>%s</td>"
             "<td class=\"num\">%s</td><td>%s</td></tr>",
             e->base, r->id, e->pg->t->param, r->id, r->version, filed,
             status_word(e->pg, r->status), yuan, r->decision_reason);
    return 0;
}

static void report_page(page_t *pg)
{
    const web_usage_text_t *u = words(pg);
    const char *base = is_operator(pg) ? "/coop/usage" : "/admin/usage";
    gi_error_t err;
    gi_usage_check_t k;
    db_usage_report_t *r = malloc(sizeof *r);
    gi_err_t rc = r ? gi_usage_view(pg->ctx, &pg->account, pg->id, r, &err)
                    : gi_fail(&err, GI_ENOMEM, "out of memory");
    if (rc == GI_OK)
        rc = gi_usage_reconcile(pg->ctx, r, &k, &err);
    if (rc != GI_OK) {
        free(r);
        portal_error(pg, rc, &err);
        return;
    }
    char title[160], yuan[32];
    snprintf(title, sizeof title, "%s %s", u->usage_title, r->period);
    web_buf_t b;
    portal_frame_begin(pg, &b, title);
    nav(pg, &b);
    portal_heading(pg, &b, title);
    web_html(&b,
             "<p class=\"operator\">%s <span class=\"serial\">%s</span> &middot; %s &middot; "
             "%s %D%s &middot; %s</p>",
             r->operator_name, r->operator_uscc, r->product_name, u->version, r->version,
             r->latest ? "" : " (*)", status_word(pg, r->status));
    if (k.used_over_issued)
        web_html(&b, "<p class=\"warning\" role=\"alert\">%s: %D &gt; %D</p>", u->flag_over,
                 r->labels_used, k.known.issued_through);
    gi_usage_format_yuan(r->sales_value_fen, yuan);
    web_html(&b,
             "<section class=\"card\"><div class=\"table\"><table><caption>%s &middot; %s"
             "</caption><tbody>",
             u->reported, u->known);
    figures_row(&b, u->produced, r->volume_produced, r->volume_unit, NULL, 0);
    figures_row(&b, u->sold, r->volume_sold, r->volume_unit, NULL, 0);
    web_html(&b, "<tr><th scope=\"row\">%s</th><td class=\"num\">%s</td><td></td><td></td></tr>",
             u->value_yuan, yuan);
    figures_row(&b, u->received, r->labels_received, "", u->issued_in_period, k.known.issued);
    figures_row(&b, u->used, r->labels_used, "", u->issued_by_end, k.known.issued_through);
    figures_row(&b, u->voided, r->labels_voided, "", u->activated, k.known.activated);
    web_html(&b,
             "<tr><th scope=\"row\">%s</th><td>%s</td><th scope=\"row\">%s</th>"
             "<td class=\"num\">%D</td></tr></tbody></table></div><p class=\"hint\">%s</p>",
             u->application, r->application, u->scanned, k.known.scanned, u->known_basis);
    if (r->decided_at)
        web_html(&b, "<p>%s: %s (%s) %s</p>", u->decision, status_word(pg, r->status),
                 r->decided_by, r->decision_reason);
    if (may_decide(pg) && r->latest && strcmp(r->status, "filed") == 0) {
        char action[64];
        snprintf(action, sizeof action, "/admin/usage/%lld/accept", (long long)r->id);
        portal_decision_form(pg, &b, action, u->accept, "note", u->note, 0);
        snprintf(action, sizeof action, "/admin/usage/%lld/return", (long long)r->id);
        portal_decision_form(pg, &b, action, u->return_report, "reason", u->reason, 1);
    }
    web_buf_puts(&b, "</section>");
    /* every version of this operator's report for the product and period */
    web_html(&b, "<section class=\"card\"><h2>%s</h2>", u->versions);
    const char *headings[] = {"#",           u->version,    u->filed_at,
                              pg->p->status, u->value_yuan, u->reason};
    portal_table_begin(&b, u->versions, 0, headings, 6);
    db_usage_filter_t f = {
        .operator_id = r->operator_id, .product_id = r->product_id, .period = r->period};
    emit_t e = {pg, &b, 0, base};
    gi_usage_view_list(pg->ctx, &pg->account, &f, (db_page_t){0, 100}, version_row, &e, &err);
    web_buf_puts(&b, "</tbody></table></div></section>");
    web_layout_end(&b, pg->t);
    free(r);
    portal_finish(pg, 200, &b);
}

/* --- the regulator's desk -------------------------------------------------------------------- */

static void admin_usage(page_t *pg)
{
    const web_usage_text_t *u = words(pg);
    const char *period = pg->rq->query(pg->rq->query_arg, "period");
    const char *status = pg->rq->query(pg->rq->query_arg, "status");
    db_usage_filter_t f = {.period = period ? period : "", .status = status ? status : ""};
    web_buf_t b;
    if (want_csv(pg)) {
        web_buf_init(&b, 8192);
        web_buf_puts(&b,
                     "id,period,uscc,operator,product,version,status,volume_produced,"
                     "volume_sold,volume_unit,sales_value_yuan,labels_received,labels_used\r\n");
        emit_t e = {pg, &b, 1, ""};
        gi_error_t err;
        gi_err_t rc = gi_usage_view_list(pg->ctx, &pg->account, &f, (db_page_t){0, 100000},
                                         report_row, &e, &err);
        if (rc != GI_OK) {
            web_buf_free(&b);
            portal_error(pg, rc, &err);
            return;
        }
        finish_csv(pg, &b, "use-reports");
        return;
    }
    portal_frame_begin(pg, &b, u->usage_title);
    nav(pg, &b);
    portal_heading(pg, &b, u->usage_title);
    web_html(&b,
             "<p><a href=\"/admin/usage/missing?lang=%s\">%s</a> &middot; "
             "<a href=\"/admin/output?lang=%s\">%s</a> &middot; "
             "<a href=\"?format=csv\" download>%s</a></p>",
             pg->t->param, u->missing_title, pg->t->param, u->nav_output, pg->p->csv);
    list_table(pg, &b, &f, "/admin/usage");
    web_layout_end(&b, pg->t);
    portal_finish(pg, 200, &b);
}

static void decide(page_t *pg)
{
    gi_error_t err;
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    int accept = strcmp(pg->arg, "accept") == 0;
    db_usage_report_t *r = malloc(sizeof *r);
    gi_err_t rc = r ? gi_usage_act_decide(&ctx, &pg->account, pg->id, accept,
                                          portal_field(pg, accept ? "note" : "reason"), r, &err)
                    : gi_fail(&err, GI_ENOMEM, "out of memory");
    free(r);
    portal_after_change(pg, rc, &err, "/admin/usage");
}

typedef struct {
    page_t *pg;
    web_buf_t *b;
    int csv;
    const char *list;
    int n;
} gaps_emit_t;

static int gap_row(const gi_usage_gap_t *g, void *arg)
{
    gaps_emit_t *e = arg;
    char last[GI_DATE_LEN + 1] = "";
    if (g->last_issue_at > 0)
        gi_date_of(g->last_issue_at, last);
    e->n++;
    if (e->csv) {
        const char *cells[] = {e->list,   g->uscc,         g->operator_name,
                               g->region, g->product_name, last};
        csv_row(e->b, cells, 6);
        return 0;
    }
    web_html(e->b,
             "<tr><td class=\"serial\">%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
             g->uscc, g->operator_name, g->region, g->product_name, last[0] ? last : "-");
    return 0;
}

static void gap_table(page_t *pg, web_buf_t *b, const char *title, const char *basis)
{
    const char *headings[] = {pg->t->uscc, pg->t->operator_name, pg->t->region, pg->t->product,
                              pg->p->labels};
    web_html(b, "<section class=\"card\"><h2>%s</h2><p class=\"hint\">%s</p>", title, basis);
    portal_table_begin(b, title, 1, headings, 5);
}

static void admin_missing(page_t *pg)
{
    const web_usage_text_t *u = words(pg);
    const char *period = pg->rq->query(pg->rq->query_arg, "period");
    gi_period_t last;
    last_closed(pg, &last);
    if (!period || !*period)
        period = last.name;
    gi_error_t err;
    web_buf_t b;
    int csv = want_csv(pg);
    gaps_emit_t e = {pg, &b, csv, "not-reported", 0};
    if (csv) {
        web_buf_init(&b, 4096);
        web_buf_puts(&b, "list,uscc,operator,region,product,last_labels_issued\r\n");
    } else {
        portal_frame_begin(pg, &b, u->missing_title);
        nav(pg, &b);
        portal_heading(pg, &b, u->missing_title);
        web_html(&b,
                 "<form method=\"get\" action=\"/admin/usage/missing\" class=\"inline\">"
                 "<input type=\"hidden\" name=\"lang\" value=\"%s\"><label>%s "
                 "<input name=\"period\" value=\"%s\" maxlength=\"7\"></label>"
                 "<button type=\"submit\">%s</button></form>"
                 "<p><a href=\"?period=%s&amp;format=csv\" download>%s</a></p>",
                 pg->t->param, u->period, period, u->show, period, pg->p->csv);
        gap_table(pg, &b, u->missing_heading, u->missing_basis);
    }
    gi_err_t rc = gi_usage_view_missing(pg->ctx, &pg->account, period, gap_row, &e, &err);
    if (rc != GI_OK && rc != GI_EREFUSED && rc != GI_EINVAL) {
        web_buf_free(&b);
        portal_error(pg, rc, &err);
        return;
    }
    if (!csv) {
        web_buf_puts(&b, "</tbody></table></div>");
        if (rc != GI_OK)
            web_html(&b, "<p class=\"warning\">%s</p>", web_rule_message(pg->rq->lang, rc, &err));
        web_buf_puts(&b, "</section>");
        gap_table(pg, &b, u->idle_heading, u->idle_basis);
    }
    e.list = "no-labels-two-years";
    rc = gi_usage_view_idle(pg->ctx, &pg->account, pg->today, gap_row, &e, &err);
    if (rc != GI_OK) {
        web_buf_free(&b);
        portal_error(pg, rc, &err);
        return;
    }
    if (csv) {
        finish_csv(pg, &b, "not-reported");
        return;
    }
    web_buf_puts(&b, "</tbody></table></div></section>");
    web_layout_end(&b, pg->t);
    portal_finish(pg, 200, &b);
}

/* --- output value -------------------------------------------------------------------------- */

static void output_chart(page_t *pg, web_buf_t *b, const gi_output_t *o, const char *title)
{
    int64_t max = 1;
    int n = 0;
    for (size_t i = 0; i < o->nrows && n < 20; i++, n++)
        if (o->rows[i].value_fen > max)
            max = o->rows[i].value_fen;
    char yuan[32];
    gi_usage_format_yuan(o->value_fen, yuan);
    char label[200];
    snprintf(label, sizeof label, "%s: %s %s", title, pg->p->total, yuan);
    web_html(b,
             "<figure class=\"chart\"><figcaption>%s</figcaption>"
             "<svg viewBox=\"0 0 640 %d\" role=\"img\" aria-label=\"%s\">",
             title, n * 24 + 4, label);
    for (int i = 0; i < n; i++) {
        const gi_output_row_t *r = &o->rows[i];
        int w = (int)((long double)r->value_fen * 300.0L / (long double)max);
        gi_usage_format_yuan(r->value_fen, yuan);
        web_html(b,
                 "<text x=\"0\" y=\"%d\" font-size=\"12\" fill=\"#1b1f24\">%s%s%s</text>"
                 "<rect x=\"200\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"#0a3069\"/>"
                 "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#1b1f24\">%s</text>",
                 i * 24 + 16, r->level[0] && strcmp(r->level, "county") == 0 ? "  " : "", r->label,
                 "", i * 24 + 4, w > 0 ? w : 1, 206 + w, i * 24 + 16, yuan);
    }
    web_buf_puts(b, "</svg></figure>");
}

static void output_page(page_t *pg)
{
    const web_usage_text_t *u = words(pg);
    const char *year_text = pg->rq->query(pg->rq->query_arg, "year");
    const char *by_text = pg->rq->query(pg->rq->query_arg, "by");
    int64_t year = atoi(pg->today) - 1;
    int by = gi_output_by_parse(by_text ? by_text : "product");
    gi_error_t err;
    if ((year_text && gi_parse_whole(year_text, 2001, 2999, &year) != 0) || by < 0) {
        gi_fail_rule(&err, GI_EINVAL, GI_RULE_YEAR_INVALID,
                     "year: 2001 - 2999; by: product, region, operator");
        portal_error(pg, GI_EINVAL, &err);
        return;
    }
    gi_output_t o;
    gi_err_t rc = gi_usage_view_output(pg->ctx, &pg->account, (int)year, per_year(pg),
                                       (gi_output_by_t)by, &o, &err);
    if (rc != GI_OK) {
        portal_error(pg, rc, &err);
        return;
    }
    /* region rows get their names in the page's language */
    for (size_t i = 0; i < o.nrows; i++)
        if (o.rows[i].level[0] && !gi_region_name(o.rows[i].key, pg->rq->lang == WEB_LANG_EN,
                                                  o.rows[i].label, sizeof o.rows[i].label))
            snprintf(o.rows[i].label, sizeof o.rows[i].label, "%s", o.rows[i].key);
    web_buf_t b;
    char v[32], reports[24], operators[24];
    if (want_csv(pg)) {
        web_buf_init(&b, 4096);
        web_buf_puts(&b, "year,by,key,level,name,uscc,value_yuan,reports,operators\r\n");
        char y[8];
        snprintf(y, sizeof y, "%d", (int)year);
        static const char *const bys[] = {"product", "region", "operator"};
        for (size_t i = 0; i < o.nrows; i++) {
            gi_usage_format_yuan(o.rows[i].value_fen, v);
            snprintf(reports, sizeof reports, "%lld", (long long)o.rows[i].reports);
            snprintf(operators, sizeof operators, "%lld", (long long)o.rows[i].operators);
            const char *cells[] = {
                y, bys[by], o.rows[i].key, o.rows[i].level, o.rows[i].label, o.rows[i].uscc,
                v, reports, operators};
            csv_row(&b, cells, 9);
        }
        gi_usage_format_yuan(o.value_fen, v);
        snprintf(reports, sizeof reports, "%lld", (long long)o.received);
        snprintf(operators, sizeof operators, "%lld", (long long)o.users);
        const char *total[] = {y, bys[by], "total", "", pg->p->total, "", v, reports, operators};
        csv_row(&b, total, 9);
        gi_output_free(&o);
        finish_csv(pg, &b, "output-value");
        return;
    }
    char title[200];
    snprintf(title, sizeof title, "%s %d", u->output_title, (int)year);
    portal_frame_begin(pg, &b, title);
    nav(pg, &b);
    portal_heading(pg, &b, title);
    web_html(&b,
             "<form method=\"get\" action=\"/admin/output\" class=\"inline\">"
             "<input type=\"hidden\" name=\"lang\" value=\"%s\"><label>%s <input name=\"year\" "
             "value=\"%D\" type=\"number\" min=\"2001\" max=\"2999\"></label><label>%s "
             "<select name=\"by\"><option value=\"product\"%s>%s</option><option "
             "value=\"region\"%s>%s</option><option value=\"operator\"%s>%s</option></select>"
             "</label><button type=\"submit\">%s</button></form>",
             pg->t->param, u->year, year, u->by, by == 0 ? " selected" : "", u->by_product,
             by == 1 ? " selected" : "", u->by_region, by == 2 ? " selected" : "", u->by_operator,
             u->show);
    gi_usage_format_yuan(o.value_fen, v);
    char pu[32], prev[32], same[32], same_prev[32], pct[24];
    gi_usage_format_yuan(o.per_user_fen, pu);
    gi_usage_format_yuan(o.prev_value_fen, prev);
    gi_usage_format_yuan(o.same_value_fen, same);
    gi_usage_format_yuan(o.same_prev_fen, same_prev);
    gi_output_format_bp(o.yoy_bp, pct);
    web_html(&b,
             "<section class=\"card\"><dl class=\"figures\">"
             "<dt>%s</dt><dd><strong>%s</strong></dd>"
             "<dt>%s</dt><dd>%D / %D</dd>"
             "<dt>%s</dt><dd>%D / %D</dd>"
             "<dt>%s</dt><dd>%s (%D)</dd>"
             "<dt>%s</dt><dd>%s (%s, %D / %D)</dd>"
             "<dt>%s</dt><dd>%s: %s &rarr; %s (%D)</dd></dl>",
             u->output_value, v, u->received_expected, o.received, o.expected, u->coverage,
             o.received_due, o.expected, u->per_user, pu, o.users, u->previous, prev, u->reports,
             o.prev_received, o.prev_expected, u->yoy, o.has_yoy ? pct : u->no_yoy, same_prev, same,
             o.same_pairs);
    web_html(&b, "<p class=\"hint\">%s</p><p class=\"hint\">%s</p><p class=\"hint\">%s</p>",
             u->output_basis, u->coverage_source, u->yoy_basis);
    if (pg->account.region_scope[0])
        web_html(&b, "<p class=\"scope\">%s <span class=\"serial\">%s</span></p>",
                 pg->p->figures_scoped, pg->account.region_scope);
    web_buf_puts(&b, "</section>");
    const char *bytitle = by == 0 ? u->by_product : by == 1 ? u->by_region : u->by_operator;
    output_chart(pg, &b, &o, bytitle);
    web_html(&b, "<p><a href=\"?year=%D&amp;by=%s&amp;format=csv\" download>%s</a></p>", year,
             by == 0   ? "product"
             : by == 1 ? "region"
                       : "operator",
             pg->p->csv);
    const char *headings[] = {bytitle, pg->t->uscc, u->output_value, u->reports, u->operators};
    portal_table_begin(&b, bytitle, 0, headings, 5);
    for (size_t i = 0; i < o.nrows; i++) {
        gi_usage_format_yuan(o.rows[i].value_fen, v);
        web_html(&b,
                 "<tr><td>%s%s</td><td class=\"serial\">%s</td><td class=\"num\">%s</td>"
                 "<td class=\"num\">%D</td><td class=\"num\">%D</td></tr>",
                 strcmp(o.rows[i].level, "county") == 0 ? "&nbsp;&nbsp;" : "", o.rows[i].label,
                 o.rows[i].uscc, v, o.rows[i].reports, o.rows[i].operators);
    }
    web_buf_puts(&b, "</tbody></table></div>");
    gi_output_free(&o);
    web_layout_end(&b, pg->t);
    portal_finish(pg, 200, &b);
}

const portal_route_t portal_usage_routes[] = {
    {"GET", "/coop/usage", PORTAL_OPERATOR, operator_usage, NULL},
    {"POST", "/coop/usage", PORTAL_OPERATOR, operator_file, NULL},
    {"GET", "/coop/usage/{id}", PORTAL_OPERATOR, report_page, NULL},
    {"GET", "/admin/usage", PORTAL_DESK, admin_usage, NULL},
    {"GET", "/admin/usage/missing", PORTAL_DESK, admin_missing, NULL},
    {"GET", "/admin/usage/{id}", PORTAL_DESK, report_page, NULL},
    {"POST", "/admin/usage/{id}/accept", PORTAL_DESK, decide, "accept"},
    {"POST", "/admin/usage/{id}/return", PORTAL_DESK, decide, "return"},
    {"GET", "/admin/output", PORTAL_DESK, output_page, NULL},
};
const size_t portal_usage_route_count = sizeof portal_usage_routes / sizeof portal_usage_routes[0];
