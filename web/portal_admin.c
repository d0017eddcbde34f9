/*
 * portal_admin.c - the regulator's pages beside the dashboard: the
 * authorisation register with its transitions, recording products and
 * operators, the consumer-report queue, the audit log with its chain status;
 * each list also as CSV (?format=csv). Auditors see the same pages without
 * the forms.
 */
#include "gi/act.h"
#include "gi/json.h"
#include "gi/report.h"
#include "gi/rules.h"
#include "gi/view.h"
#include "labels/csv.h"
#include "web/layout.h"
#include "web/portal_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_ROWS 200

static int may_decide(const page_t *pg)
{
    return strcmp(pg->account.role, "regulator") == 0;
}

void portal_admin_nav(page_t *pg, web_buf_t *b)
{
    static const char *const paths[] = {
        "/admin/",          "/admin/authorisations", "/admin/batches",     "/admin/products",
        "/admin/operators", "/admin/register",       "/admin/reports",     "/admin/usage",
        "/admin/output",    "/admin/households",     "/admin/supervision", "/admin/annual",
        "/admin/audit",     "/admin/charts"};
    const web_usage_text_t *u = web_usage_text(pg->rq->lang);
    const char *labels[] = {pg->p->nav_dashboard,
                            pg->p->nav_auths,
                            pg->p->nav_batches,
                            pg->p->products,
                            pg->p->operators,
                            pg->p->nav_register,
                            pg->p->nav_reports,
                            u->nav_usage,
                            u->nav_output,
                            web_households_text(pg->rq->lang)->title,
                            web_supervision_text(pg->rq->lang)->nav,
                            web_annual_text(pg->rq->lang)->nav,
                            pg->p->nav_audit,
                            web_desk_text(pg->rq->lang)->charts_title};
    _Static_assert(sizeof paths / sizeof paths[0] == sizeof labels / sizeof labels[0],
                   "a label per path");
    web_buf_puts(b, "<nav class=\"tabs\" aria-label=\"admin\"><ul>");
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        web_html(b, "<li><a href=\"%s?lang=%s\"%s>%s</a></li>", paths[i], pg->t->param,
                 strcmp(pg->rq->path, paths[i]) == 0 ? " aria-current=\"page\"" : "", labels[i]);
    web_buf_puts(b, "</ul></nav>");
}

int portal_product_page_begin(page_t *pg, web_buf_t *b, const char *title, db_product_t *p)
{
    gi_error_t err;
    gi_err_t rc = gi_view_product(pg->ctx, &pg->account, pg->id, p, &err);
    if (rc != GI_OK) {
        portal_error(pg, rc, &err);
        return 0;
    }
    portal_frame_begin(pg, b, title);
    portal_admin_nav(pg, b);
    char heading[DB_TEXT + 64];
    snprintf(heading, sizeof heading, "%s: %s", title, p->name_zh);
    portal_heading(pg, b, heading);
    return 1;
}

/* --- CSV ---------------------------------------------------------------------------------- */

static int want_csv(page_t *pg)
{
    const char *f = pg->rq->query(pg->rq->query_arg, "format");
    return f && strcmp(f, "csv") == 0;
}

static void put_buf(void *arg, const char *p, size_t n)
{
    web_buf_add(arg, p, n);
}

/* One CSV cell, neutralised against formula injection (labels/csv.h). */
static void csv_cell(web_buf_t *b, const char *s, int last)
{
    label_csv_cell(s, put_buf, b);
    web_buf_puts(b, last ? "\r\n" : ",");
}

static void csv_row(web_buf_t *b, const char *const *cells, int n)
{
    for (int i = 0; i < n; i++)
        csv_cell(b, cells[i], i == n - 1);
}

static void number(int64_t v, char out[24])
{
    snprintf(out, 24, "%lld", (long long)v);
}

static void finish_csv(page_t *pg, web_buf_t *b, const char *name)
{
    portal_finish(pg, 200, b);
    pg->out->content_type = "text/csv; charset=utf-8";
    snprintf(pg->out->filename, sizeof pg->out->filename, "%s.csv", name);
}

/* --- authorisations -------------------------------------------------------------------------- */

typedef struct {
    page_t *pg;
    web_buf_t *b;
    int csv;
} emit_t;

/* A list page: the table (or, with ?format=csv, the CSV) of what fill emits.
 * columns are the table's headings after "#"; intro (may be NULL) adds what
 * stands between the heading and the table. */
typedef struct {
    const char *title;
    const char *csv_name;
    const char *csv_header;
    const char *columns[7];
    gi_err_t (*fill)(page_t *pg, emit_t *e, gi_error_t *err);
    void (*intro)(page_t *pg, web_buf_t *b);
} list_page_t;

static void list_page(page_t *pg, const list_page_t *lp)
{
    web_buf_t b;
    gi_error_t err;
    emit_t e = {pg, &b, want_csv(pg)};
    if (e.csv) {
        web_buf_init(&b, 8192);
        web_buf_puts(&b, lp->csv_header);
    } else {
        portal_frame_begin(pg, &b, lp->title);
        portal_admin_nav(pg, &b);
        portal_heading(pg, &b, lp->title);
        if (lp->intro)
            lp->intro(pg, &b);
        web_html(&b, "<p><a href=\"?format=csv\" download>%s</a></p>", pg->p->csv);
        const char *headings[8] = {"#"};
        size_t n = 1;
        for (; n < 8 && lp->columns[n - 1]; n++)
            headings[n] = lp->columns[n - 1];
        portal_table_begin(&b, lp->title, 1, headings, n);
    }
    gi_err_t rc = lp->fill(pg, &e, &err);
    if (rc != GI_OK) {
        web_buf_free(&b);
        portal_error(pg, rc, &err);
        return;
    }
    if (e.csv) {
        finish_csv(pg, &b, lp->csv_name);
        return;
    }
    web_buf_puts(&b, "</tbody></table></div>");
    web_layout_end(&b, pg->t);
    portal_finish(pg, 200, &b);
}

static const db_page_t all_rows = {0, PAGE_ROWS};

static void auth_forms(page_t *pg, web_buf_t *b, const db_auth_t *a, const char *status)
{
    char action[72];
    const struct {
        const char *when, *name, *label;
    } moves[] = {{"approved", "suspend", pg->p->suspend},
                 {"suspended", "reinstate", pg->p->reinstate},
                 {"", "revoke", pg->p->revoke}};
    for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++) {
        int applies =
            moves[i].when[0] ? strcmp(status, moves[i].when) == 0 : strcmp(status, "revoked") != 0;
        if (!applies)
            continue;
        snprintf(action, sizeof action, "/admin/authorisations/%lld/%s", (long long)a->id,
                 moves[i].name);
        portal_decision_form(pg, b, action, moves[i].label, "reason", pg->p->reason, 1);
    }
}

static int auth_row(const db_auth_t *a, void *arg)
{
    emit_t *e = arg;
    const char *status = gi_auth_status(a, e->pg->today);
    if (e->csv) {
        char id[24], quota[24];
        number(a->id, id);
        number(a->yearly_quota, quota);
        const char *cells[] = {
            id,    a->product_name, a->operator_name, a->operator_uscc, status, a->valid_until,
            quota, a->approval_doc};
        csv_row(e->b, cells, 8);
        return 0;
    }
    web_html(e->b,
             "<tr><td>%D</td><td>%s</td><td>%s<br><span class=\"serial\">%s</span></td>"
             "<td>%s</td><td>%s</td><td>%D</td><td>",
             a->id, a->product_name, a->operator_name, a->operator_uscc,
             web_word(e->pg->rq->lang, "auth", status), a->valid_until, a->yearly_quota);
    if (may_decide(e->pg))
        auth_forms(e->pg, e->b, a, status);
    web_buf_puts(e->b, "</td></tr>");
    return 0;
}

static gi_err_t fill_auths(page_t *pg, emit_t *e, gi_error_t *err)
{
    return gi_view_auths(pg->ctx, &pg->account, NULL, all_rows, auth_row, e, err);
}

static void auths_page(page_t *pg)
{
    list_page_t lp = {pg->p->nav_auths,
                      "authorisations",
                      "id,product,operator,uscc,status,valid_until,yearly_quota,approval_doc\r\n",
                      {pg->t->product, pg->t->operator_name, pg->p->status, pg->t->valid_until,
                       pg->p->quota, pg->p->actions, NULL},
                      fill_auths,
                      NULL};
    list_page(pg, &lp);
}

/* --- batches, products, operators --------------------------------------------------------- */

static int batch_row(const db_batch_t *x, void *arg)
{
    emit_t *e = arg;
    char id[24], auth[24], count[24], issued[24] = "", issued_local[64];
    number(x->id, id);
    number(x->auth_id, auth);
    number(x->count, count);
    if (x->issued_at)
        gi_json_time(x->issued_at, issued);
    if (e->csv) {
        const char *cells[] = {id, auth, count, x->status, x->lot_number, x->harvest_date, issued};
        csv_row(e->b, cells, 7);
        return 0;
    }
    web_local_time(e->pg->rq->lang, x->issued_at, issued_local);
    web_html(e->b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
             id, auth, count, web_word(e->pg->rq->lang, "batch", x->status), x->lot_number,
             issued_local);
    return 0;
}

static gi_err_t fill_batches(page_t *pg, emit_t *e, gi_error_t *err)
{
    return gi_view_batches(pg->ctx, &pg->account, NULL, all_rows, batch_row, e, err);
}

static int product_row(const db_product_t *p, void *arg)
{
    emit_t *e = arg;
    char id[24];
    number(p->id, id);
    if (e->csv) {
        const char *cells[] = {id,          p->name_zh, p->name_en, p->region_code, p->reg_number,
                               p->standard, p->gtin};
        csv_row(e->b, cells, 7);
        return 0;
    }
    web_html(e->b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>", id,
             p->name_zh, p->name_en, p->region_code, p->reg_number, p->gtin);
    if (may_decide(e->pg))
        web_html(e->b, "<a href=\"/admin/products/%s/edit?lang=%s\">%s</a>", id, e->pg->t->param,
                 e->pg->p->edit);
    /* a product no label may name a number of: refused at export until
     * its number or the decision is recorded */
    if (!gi_rules_product_numbered(p) && !p->unnumbered_reason[0])
        web_html(e->b, " <a href=\"/admin/products/%s/numbers?lang=%s\">%s</a>", id,
                 e->pg->t->param, web_rules_text(e->pg->rq->lang)->blocked);
    web_buf_puts(e->b, "</td></tr>");
    return 0;
}

static gi_err_t fill_products(page_t *pg, emit_t *e, gi_error_t *err)
{
    return gi_view_products(pg->ctx, &pg->account, all_rows, product_row, e, err);
}

static int operator_row(const db_operator_t *o, void *arg)
{
    emit_t *e = arg;
    char id[24];
    number(o->id, id);
    if (e->csv) {
        const char *cells[] = {id, o->uscc, o->name, o->kind, o->region_code, o->contact};
        csv_row(e->b, cells, 6);
        return 0;
    }
    web_html(e->b,
             "<tr><td>%s</td><td class=\"serial\">%s</td><td>%s</td><td>%s</td>"
             "<td>%s</td><td>%s</td><td>",
             id, o->uscc, o->name, web_word(e->pg->rq->lang, "kind", o->kind), o->region_code,
             o->contact);
    web_html(e->b, "<a href=\"/admin/operators/%s?lang=%s\">%s</a> ", id, e->pg->t->param,
             web_desk_text(e->pg->rq->lang)->open_operator);
    if (may_decide(e->pg))
        web_html(e->b, "<a href=\"/admin/operators/%s/edit?lang=%s\">%s</a>", id, e->pg->t->param,
                 e->pg->p->edit);
    web_buf_puts(e->b, "</td></tr>");
    return 0;
}

static gi_err_t fill_operators(page_t *pg, emit_t *e, gi_error_t *err)
{
    return gi_view_operators(pg->ctx, &pg->account, all_rows, operator_row, e, err);
}

static void batches_page(page_t *pg)
{
    list_page_t lp = {pg->p->nav_batches,
                      "batches",
                      "id,auth_id,count,status,lot_number,harvest_date,issued_at\r\n",
                      {pg->p->nav_auths, pg->p->labels, pg->p->status, pg->t->lot_number,
                       pg->t->issued_on, NULL, NULL},
                      fill_batches,
                      NULL};
    list_page(pg, &lp);
}

static void products_page(page_t *pg)
{
    list_page_t lp = {pg->p->products,
                      "products",
                      "id,name_zh,name_en,region_code,reg_number,standard,gtin\r\n",
                      {pg->p->name_zh, pg->p->name_en, pg->p->region_code, pg->t->registration,
                       pg->p->gtin, pg->p->actions, NULL},
                      fill_products,
                      NULL};
    list_page(pg, &lp);
}

static void operators_intro(page_t *pg, web_buf_t *b)
{
    if (may_decide(pg))
        web_html(b, "<p><a class=\"button\" href=\"/admin/operators/new?lang=%s\">%s</a></p>",
                 pg->t->param, web_desk_text(pg->rq->lang)->new_operator);
}

static void operators_page(page_t *pg)
{
    list_page_t lp = {pg->p->operators,
                      "operators",
                      "id,uscc,name,kind,region_code,contact\r\n",
                      {pg->t->uscc, pg->p->name_zh, pg->p->kind, pg->p->region_code, pg->p->contact,
                       pg->p->actions, NULL},
                      fill_operators,
                      operators_intro};
    list_page(pg, &lp);
}

/* --- recording products and operators ------------------------------------------------------- */

static gi_product_input_t product_from_form(page_t *pg)
{
    gi_product_input_t in = {portal_field(pg, "name_zh"),
                             portal_field(pg, "name_en"),
                             "",
                             portal_field(pg, "reg_number"),
                             portal_field(pg, "region_code"),
                             portal_field(pg, "standard"),
                             portal_field(pg, "gtin"),
                             portal_field(pg, "reason")};
    return in;
}

/* The product field a refusal belongs to, by the name its message begins with. */
static const char *product_field(const gi_error_t *err)
{
    static const portal_prefix_t fields[] = {
        {"product name", "name_zh"},           {"English name", "name_en"},
        {"registration number", "reg_number"}, {"standard", "standard"},
        {"product region", "region_code"},     {"GTIN", "gtin"}};
    const char *f = portal_field_of(err->msg, fields, sizeof fields / sizeof fields[0]);
    if (f[0])
        return f;
    return err->rule == GI_RULE_GTIN_TAKEN || err->rule == GI_RULE_GTIN_CHANGE_NEEDS_REASON ? "gtin"
                                                                                            : "";
}

/* A field of a product form: as typed after a refusal (pr), else value. */
static void product_input(page_t *pg, web_buf_t *b, const portal_problem_t *pr, const char *form,
                          const char *name, const char *label, const char *value, int required)
{
    portal_input(b, pr, form, name, label, NULL, pr ? portal_field(pg, name) : value,
                 required ? "maxlength=\"100\" required" : "maxlength=\"100\"");
}

/* GET /admin/{products,operators}/{id}/edit: the record's form, filled in;
 * after a refused change (pr), as typed. */
static void edit_desk(page_t *pg, unsigned status, const portal_problem_t *pr)
{
    int product = strcmp(pg->arg, "products") == 0;
    int64_t id = pg->id;
    gi_error_t err;
    db_product_t p;
    db_operator_t o;
    gi_err_t rc = product ? gi_view_product(pg->ctx, &pg->account, id, &p, &err)
                          : gi_view_operator(pg->ctx, &pg->account, id, &o, &err);
    if (rc == GI_OK && !may_decide(pg))
        rc = gi_fail_rule(&err, GI_EFORBIDDEN, GI_RULE_ROLE_NOT_ALLOWED, "%s", pg->p->forbidden);
    if (rc != GI_OK) {
        portal_error(pg, rc, &err);
        return;
    }
    web_buf_t b;
    portal_frame_begin(pg, &b, pg->p->edit);
    portal_admin_nav(pg, &b);
    web_html(&b,
             "<h1>%s: %s</h1><section class=\"card\"><form method=\"post\" "
             "action=\"/admin/%s/%D/edit?lang=%s\">",
             pg->p->edit, product ? p.name_zh : o.name, product ? "products" : "operators", id,
             pg->t->param);
    portal_form_problem(pg, &b, pr, "/admin/register");
    if (product) {
        product_input(pg, &b, pr, "e", "name_zh", pg->p->name_zh, p.name_zh, 1);
        product_input(pg, &b, pr, "e", "name_en", pg->p->name_en, p.name_en, 0);
        product_input(pg, &b, pr, "e", "region_code", pg->p->region_code, p.region_code, 1);
        product_input(pg, &b, pr, "e", "reg_number", pg->t->registration, p.reg_number, 0);
        product_input(pg, &b, pr, "e", "standard", pg->t->standard, p.standard, 0);
        product_input(pg, &b, pr, "e", "gtin", pg->p->gtin, p.gtin, 0);
        product_input(pg, &b, pr, "e", "reason", pg->p->gtin_reason, "", 0);
    } else {
        web_html(&b, "<p>%s: <span class=\"serial\">%s</span></p>", pg->t->uscc, o.uscc);
        product_input(pg, &b, pr, "e", "name", pg->p->name_zh, o.name, 1);
        product_input(pg, &b, pr, "e", "kind", pg->p->kind, o.kind, 1);
        product_input(pg, &b, pr, "e", "region_code", pg->p->region_code, o.region_code, 1);
        product_input(pg, &b, pr, "e", "contact", pg->p->contact, o.contact, 0);
    }
    portal_csrf_field(pg, &b);
    web_html(&b, "<button type=\"submit\">%s</button></form></section>", pg->p->save);
    if (product)
        web_html(&b, "<p><a href=\"/admin/products/%D/shown?lang=%s\">%s</a></p>", id, pg->t->param,
                 web_words_text(pg->rq->lang)->title);
    if (product)
        web_html(&b, "<p><a href=\"/admin/products/%D/numbers?lang=%s\">%s</a></p>", id,
                 pg->t->param, web_rules_text(pg->rq->lang)->title);
    web_layout_end(&b, pg->t);
    portal_finish(pg, status, &b);
}

static void edit_page(page_t *pg)
{
    edit_desk(pg, 200, NULL);
}

/* POST /admin/{products,operators}/{id}/edit */
static void edit_post(page_t *pg)
{
    int product = strcmp(pg->arg, "products") == 0;
    int64_t id = pg->id;
    gi_error_t err;
    gi_err_t rc;
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    if (product) {
        gi_product_input_t in = product_from_form(pg);
        db_product_t p;
        rc = gi_act_product_edit(&ctx, &pg->account, id, &in, &p, &err);
    } else {
        gi_operator_input_t in = {"",
                                  portal_field(pg, "name"),
                                  portal_field(pg, "kind"),
                                  portal_field(pg, "region_code"),
                                  portal_field(pg, "contact"),
                                  ""};
        db_operator_t o;
        rc = gi_act_operator_edit(&ctx, &pg->account, id, &in, &o, &err);
    }
    if (rc == GI_EINVAL || rc == GI_EEXISTS) {
        portal_problem_t pr = {product ? product_field(&err) : "",
                               web_rule_message(pg->rq->lang, rc, &err)};
        edit_desk(pg, portal_problem_status(rc), &pr);
        return;
    }
    portal_after_change(pg, rc, &err, product ? "/admin/products" : "/admin/operators");
}

/* GET /admin/register, and the same page after a refused product (pr). */
static void register_desk(page_t *pg, unsigned status, const portal_problem_t *pr)
{
    web_buf_t b;
    portal_frame_begin(pg, &b, pg->p->nav_register);
    portal_admin_nav(pg, &b);
    portal_heading(pg, &b, pg->p->nav_register);
    if (may_decide(pg)) {
        web_html(&b, "<section class=\"card\"><h2>%s</h2>", pg->p->add_product);
        portal_form_problem(pg, &b, pr, "/admin/register");
        web_html(&b, "<form method=\"post\" action=\"/admin/products?lang=%s\">", pg->t->param);
        product_input(pg, &b, pr, "p", "name_zh", pg->p->name_zh, "", 1);
        product_input(pg, &b, pr, "p", "name_en", pg->p->name_en, "", 0);
        product_input(pg, &b, pr, "p", "region_code", pg->p->region_code, "", 1);
        product_input(pg, &b, pr, "p", "reg_number", pg->t->registration, "", 0);
        product_input(pg, &b, pr, "p", "standard", pg->t->standard, "", 0);
        product_input(pg, &b, pr, "p", "gtin", pg->p->gtin, "", 0);
        portal_csrf_field(pg, &b);
        web_html(&b, "<button type=\"submit\">%s</button></form></section>", pg->p->add);
        /* operators are recorded on their own page, which keeps a refused form's values */
        web_html(&b,
                 "<section class=\"card\"><h2>%s</h2><p><a class=\"button\" "
                 "href=\"/admin/operators/new?lang=%s\">%s</a></p></section>",
                 pg->p->add_operator, pg->t->param, web_desk_text(pg->rq->lang)->new_operator);
    } else {
        web_html(&b, "<p>%s</p>", pg->p->forbidden);
    }
    web_layout_end(&b, pg->t);
    portal_finish(pg, status, &b);
}

static void register_page(page_t *pg)
{
    register_desk(pg, 200, NULL);
}

static void add_product(page_t *pg)
{
    gi_product_input_t in = product_from_form(pg);
    gi_error_t err;
    db_product_t p;
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    pg->get_path = "/admin/register";
    gi_err_t rc = gi_act_product_add(&ctx, &pg->account, &in, &p, &err);
    if (rc == GI_EINVAL || rc == GI_EEXISTS) {
        portal_problem_t pr = {product_field(&err), web_rule_message(pg->rq->lang, rc, &err)};
        register_desk(pg, portal_problem_status(rc), &pr);
        return;
    }
    portal_after_change(pg, rc, &err, "/admin/register");
}

/* --- consumer reports ---------------------------------------------------------------------- */

static int report_row(const db_report_t *r, void *arg)
{
    emit_t *e = arg;
    char at[24], action[64], at_local[64];
    gi_json_time(r->at, at);
    web_local_time(e->pg->rq->lang, r->at, at_local);
    if (e->csv) {
        char id[24];
        number(r->id, id);
        const char *cells[] = {id, at, r->code, r->text, r->contact, r->status, r->note};
        csv_row(e->b, cells, 7);
        return 0;
    }
    web_html(e->b,
             "<tr><td>%D</td><td>%s</td><td><span class=\"serial\">%s</span></td>"
             "<td>%s</td><td>%s</td><td>%s %s</td><td>",
             r->id, at_local, r->code, r->text, r->contact,
             web_word(e->pg->rq->lang, "report", r->status), r->note);
    if (may_decide(e->pg) && strcmp(r->status, "closed") != 0) {
        snprintf(action, sizeof action, "/admin/reports/%lld/triaged", (long long)r->id);
        portal_decision_form(e->pg, e->b, action, e->pg->p->mark_triaged, "note", e->pg->p->note,
                             0);
        snprintf(action, sizeof action, "/admin/reports/%lld/closed", (long long)r->id);
        portal_decision_form(e->pg, e->b, action, e->pg->p->close_report, "note", e->pg->p->note,
                             1);
    }
    web_buf_puts(e->b, "</td></tr>");
    return 0;
}

static gi_err_t fill_reports(page_t *pg, emit_t *e, gi_error_t *err)
{
    return gi_view_reports(pg->ctx, &pg->account, "", all_rows, report_row, e, err);
}

static void reports_page(page_t *pg)
{
    list_page_t lp = {pg->p->nav_reports,
                      "reports",
                      "id,at,code,text,contact,status,note\r\n",
                      {pg->p->when, pg->t->code_label, pg->p->text, pg->p->contact, pg->p->status,
                       pg->p->actions, NULL},
                      fill_reports,
                      NULL};
    list_page(pg, &lp);
}

/* --- the audit log ------------------------------------------------------------------------------
 */

/* Who acted: an account's name ("user:reg" is reg), a program in words. */
const char *portal_actor(web_lang_t lang, const char *actor, char *out, size_t cap)
{
    if (strncmp(actor, "user:", 5) == 0)
        snprintf(out, cap, "%s", actor + 5);
    else if (strncmp(actor, "cli:", 4) == 0 && strcmp(actor, "cli:unknown") != 0)
        snprintf(out, cap, "%s %s", web_word(lang, "actor", "cli:unknown"), actor + 4);
    else
        snprintf(out, cap, "%s", web_word(lang, "actor", actor));
    return out;
}

/* A stored word of a detail in the page's language: statuses by what the
 * row is about, the other enumerations by their own tables. */
static const char *detail_word(web_lang_t lang, const char *entity, const char *key, const char *v)
{
    static const char *const fields[] = {"result",    "mark",    "regime",   "kind",   "unit",
                                         "base_type", "verdict", "decision", "section"};
    if (strcmp(key, "status") == 0 || strcmp(key, "from") == 0 || strcmp(key, "to") == 0) {
        const char *f = strcmp(entity, "batch") == 0    ? "batch"
                        : strcmp(entity, "report") == 0 ? "report"
                                                        : "auth";
        return web_word(lang, f, v);
    }
    if (strcmp(key, "role") == 0)
        return web_role_name(lang, v);
    if (strcmp(key, "checklist_key") == 0)
        return web_word(lang, "check", v);
    if (strcmp(key, "format") == 0 || strcmp(key, "symbology") == 0 || strcmp(key, "size") == 0)
        return web_word(lang, key, v);
    if (strcmp(key, "kind") == 0 && (strcmp(v, "household") == 0 || strcmp(v, "base") == 0))
        return web_word(lang, "producer", v);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const char *w = web_word(lang, fields[i], v);
        if (w != v)
            return w;
    }
    return v;
}

/* A detail's value: objects as "key: value" pairs, arrays as lists. */
static void detail_value(web_buf_t *b, web_lang_t lang, const char *entity, const char *key,
                         const json_t *v, int depth);

void portal_detail(web_buf_t *b, web_lang_t lang, const char *entity, const json_t *v)
{
    detail_value(b, lang, entity, "", v, 0);
}

static void detail_value(web_buf_t *b, web_lang_t lang, const char *entity, const char *key,
                         const json_t *v, int depth)
{
    const char *k;
    const json_t *x;
    size_t i;
    if (depth > 4) {
        web_buf_puts(b, "&hellip;");
    } else if (json_is_object(v)) {
        int first = 1;
        if (depth)
            web_buf_puts(b, "(");
        json_object_foreach((json_t *)v, k, x)
        {
            const char *name = web_word(lang, "field", k);
            web_html(b, "%s%s: ", first ? "" : "; ", name != k ? name : web_word(lang, "check", k));
            detail_value(b, lang, entity, k, x, depth + 1);
            first = 0;
        }
        if (depth)
            web_buf_puts(b, ")");
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, x)
        {
            if (i)
                web_buf_puts(b, ", ");
            detail_value(b, lang, entity, key, x, depth + 1);
        }
    } else if (json_is_string(v)) {
        web_html(b, "%s", detail_word(lang, entity, key, json_string_value(v)));
    } else if (json_is_integer(v) && strlen(key) > 3 && strcmp(key + strlen(key) - 3, "_at") == 0) {
        char when[64];
        web_local_time(lang, (int64_t)json_integer_value(v), when);
        web_html(b, "%s", when);
    } else if (json_is_integer(v)) {
        web_html(b, "%D", (int64_t)json_integer_value(v));
    } else if (json_is_true(v) || json_is_false(v)) {
        web_buf_puts(b, json_is_true(v) ? "&#10003;" : "&#10007;");
    } else if (json_is_real(v)) {
        char n[40];
        snprintf(n, sizeof n, "%g", json_real_value(v));
        web_html(b, "%s", n);
    } else {
        web_buf_puts(b, "&mdash;");
    }
}

static int audit_row(const db_audit_row_t *row, void *arg)
{
    emit_t *e = arg;
    char at[24];
    gi_json_time(row->at, at);
    if (e->csv) {
        char id[24], entity_id[24];
        number(row->id, id);
        number(row->entity_id, entity_id);
        const char *cells[] = {id,          at,        row->actor, row->action,
                               row->entity, entity_id, row->detail};
        csv_row(e->b, cells, 7);
        return 0;
    }
    /* the detail as stored escapes every non-ASCII character (\uXXXX, the
     * chain's canonical form): shown with its Chinese as text, its keys and
     * the stored words it holds in the page's language */
    web_lang_t lang = e->pg->rq->lang;
    char at_local[64], actor[96];
    web_local_time(lang, row->at, at_local);
    json_t *doc = json_loads(row->detail, JSON_DECODE_ANY, NULL);
    web_html(e->b, "<tr><td>%D</td><td>%s</td><td>%s</td><td>%s</td><td>%s %D</td>", row->id,
             at_local, portal_actor(lang, row->actor, actor, sizeof actor),
             web_word(lang, "action", row->action), web_word(lang, "entity", row->entity),
             row->entity_id);
    web_buf_puts(e->b, "<td class=\"detail\">");
    if (doc)
        detail_value(e->b, lang, row->entity, "", doc, 0);
    else
        web_html(e->b, "%s", row->detail);
    web_buf_puts(e->b, "</td></tr>");
    json_decref(doc);
    return 0;
}

static gi_err_t fill_audit(page_t *pg, emit_t *e, gi_error_t *err)
{
    return gi_view_audit(pg->ctx, &pg->account, all_rows, audit_row, e, err);
}

/* The chain's state above the log. */
static void chain_status(page_t *pg, web_buf_t *b)
{
    gi_audit_report_t rep;
    gi_error_t err;
    char head[2 * DB_HASH_LEN + 1];
    gi_err_t rc = gi_view_audit_verify(pg->ctx, &pg->account, &rep, &err);
    if (rc != GI_OK) {
        web_html(b, "<p class=\"warning\">%s</p>", web_rule_message(pg->rq->lang, rc, &err));
        return;
    }
    sodium_bin2hex(head, sizeof head, rep.head, sizeof rep.head);
    web_html(b,
             "<section class=\"verdict %s\" role=\"status\"><h2>%s</h2>"
             "<p>%D &middot; <span class=\"serial\">%s</span></p>",
             rep.ok ? "ok" : "bad", rep.ok ? pg->p->chain_ok : pg->p->chain_broken, rep.rows, head);
    if (!rep.ok)
        web_html(b, "<p>#%D: %s</p>", rep.bad_id, rep.problem);
    if (pg->account.region_scope[0])
        web_html(b, "<p class=\"scope\">%s <span class=\"serial\">%s</span></p>",
                 pg->p->chain_scoped, pg->account.region_scope);
    web_buf_puts(b, "</section>");
}

static void audit_page(page_t *pg)
{
    list_page_t lp = {
        pg->p->nav_audit,
        "audit-log",
        "id,at,actor,action,entity,entity_id,detail\r\n",
        {pg->p->when, pg->p->actor, pg->p->action, pg->p->record, pg->p->detail, NULL, NULL},
        fill_audit,
        chain_status};
    list_page(pg, &lp);
}

/* --- dispatch ------------------------------------------------------------------------------------
 */

/* The second step of a revocation: the page naming the authorisation. An
 * authorisation outside the account's scope is not found; an auditor may
 * not; a revocation without its reason is refused at the first step. */
static void revoke_confirm(page_t *pg)
{
    static const char *const carry[] = {"reason", NULL};
    gi_error_t err;
    db_auth_t a;
    gi_err_t rc = gi_view_auth(pg->ctx, &pg->account, pg->id, &a, &err);
    if (rc == GI_OK && !may_decide(pg))
        rc = gi_fail_rule(&err, GI_EFORBIDDEN, GI_RULE_ROLE_NOT_ALLOWED, "%s", pg->p->forbidden);
    if (rc == GI_OK)
        rc = gi_auth_transition_check(GI_AUTH_REVOKE, portal_field(pg, "reason"), "", &err);
    if (rc != GI_OK) {
        portal_error(pg, rc, &err);
        return;
    }
    char action[72];
    snprintf(action, sizeof action, "/admin/authorisations/%lld/revoke", (long long)a.id);
    web_buf_t b;
    pg->get_path = "/admin/authorisations";
    portal_confirm_begin(pg, &b);
    web_buf_puts(&b, "<p>");
    web_html(&b, web_desk_text(pg->rq->lang)->confirm_revoke, a.id, a.product_name, a.operator_name,
             a.operator_uscc);
    web_html(&b, "</p><p>%s: %s</p>", pg->p->reason, portal_field(pg, "reason"));
    portal_confirm_end(pg, &b, action, carry, "/admin/authorisations");
}

/* POST /admin/authorisations/{id}/approve|suspend|reinstate|revoke */
static void auth_move(page_t *pg)
{
    gi_error_t err;
    db_auth_t a;
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    gi_auth_action_t which = (gi_auth_action_t)gi_auth_action_parse(pg->arg);
    int approve = which == GI_AUTH_APPROVE;
    if (which == GI_AUTH_REVOKE && !portal_confirmed(pg)) {
        revoke_confirm(pg);
        return;
    }
    gi_err_t rc =
        gi_act_auth(&ctx, &pg->account, pg->id, which, approve ? "" : portal_field(pg, "reason"),
                    approve ? portal_field(pg, "approval_doc") : "", &a, &err);
    /* approvals are made from the dashboard's queue */
    portal_after_change(pg, rc, &err, approve ? "/admin/" : "/admin/authorisations");
}

/* POST /admin/reports/{id}/triaged|closed */
static void triage(page_t *pg)
{
    gi_error_t err;
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    gi_err_t rc =
        gi_act_report_triage(&ctx, &pg->account, pg->id, pg->arg, portal_field(pg, "note"), &err);
    portal_after_change(pg, rc, &err, "/admin/reports");
}

const portal_route_t portal_admin_routes[] = {
    {"GET", "/admin/authorisations", PORTAL_DESK, auths_page, NULL},
    {"GET", "/admin/batches", PORTAL_DESK, batches_page, NULL},
    {"GET", "/admin/products", PORTAL_DESK, products_page, NULL},
    {"GET", "/admin/operators", PORTAL_DESK, operators_page, NULL},
    {"GET", "/admin/register", PORTAL_DESK, register_page, NULL},
    {"GET", "/admin/reports", PORTAL_DESK, reports_page, NULL},
    {"GET", "/admin/audit", PORTAL_DESK, audit_page, NULL},
    {"GET", "/admin/products/{id}/edit", PORTAL_DESK, edit_page, "products"},
    {"GET", "/admin/operators/{id}/edit", PORTAL_DESK, edit_page, "operators"},
    {"POST", "/admin/products/{id}/edit", PORTAL_DESK, edit_post, "products"},
    {"POST", "/admin/operators/{id}/edit", PORTAL_DESK, edit_post, "operators"},
    {"POST", "/admin/products", PORTAL_DESK, add_product, NULL},
    {"POST", "/admin/authorisations/{id}/approve", PORTAL_DESK, auth_move, "approve"},
    {"POST", "/admin/authorisations/{id}/suspend", PORTAL_DESK, auth_move, "suspend"},
    {"POST", "/admin/authorisations/{id}/reinstate", PORTAL_DESK, auth_move, "reinstate"},
    {"POST", "/admin/authorisations/{id}/revoke", PORTAL_DESK, auth_move, "revoke"},
    {"POST", "/admin/reports/{id}/triaged", PORTAL_DESK, triage, "triaged"},
    {"POST", "/admin/reports/{id}/closed", PORTAL_DESK, triage, "closed"},
};
const size_t portal_admin_route_count = sizeof portal_admin_routes / sizeof portal_admin_routes[0];
