/*
 * portal_households.c - the desk pages of member households and production
 * bases: the operator's own (list, record, and the allocation of a batch's
 * labels to them: /coop/households, /coop/batches/{id}/allocations), and the
 * regulator's and auditor's list inside their region scope, by product and
 * region (/admin/households). Every change goes through gi/households.h's
 * gi_act_* (access first), like the API's.
 */
#include "gi/households.h"
#include "gi/region.h"
#include "gi/view.h"
#include "web/layout.h"
#include "web/portal_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_MAX 500 /* rows one page shows */

static const web_households_text_t *txt(page_t *pg)
{
    return web_households_text(pg->rq->lang);
}

static const char *base_type_text(page_t *pg, const char *type)
{
    static const char *const types[] = {"planting", "breeding", "processing"};
    for (int i = 0; i < 3; i++)
        if (strcmp(type, types[i]) == 0)
            return txt(pg)->base_types[i];
    return "";
}

typedef struct {
    page_t *pg;
    web_buf_t *b;
    int admin;
    int n;
} list_ctx_t;

static int producer_row(const db_producer_t *p, void *arg)
{
    list_ctx_t *c = arg;
    const web_households_text_t *x = txt(c->pg);
    char area[32], per_label[32], county[256];
    gi_fixed_text(p->area_cmu, 2, area, sizeof area);
    gi_fixed_text(p->per_label_milli, 3, per_label, sizeof per_label);
    gi_region_name(p->region_code, c->pg->rq->lang == WEB_LANG_EN, county, sizeof county);
    web_html(c->b, "<tr><td>%D</td><td>%s</td><td>%s</td>", p->id,
             strcmp(p->kind, "household") == 0 ? x->household : x->base, p->name);
    if (c->admin)
        web_html(c->b, "<td>%s</td><td>%s</td>", p->operator_name, p->product_name);
    else
        web_html(c->b, "<td>%s</td><td>%s</td>", p->contact, p->product_name);
    web_html(c->b,
             "<td>%s %s</td><td>%s</td><td>%s</td><td>%s</td><td>%D %s</td><td>%s</td>"
             "<td>%D</td></tr>",
             p->region_code, county, p->village, base_type_text(c->pg, p->base_type),
             p->certification, p->yield_per_mu, p->yield_unit, area, gi_producer_quota(p));
    (void)per_label;
    c->n++;
    return c->n >= LIST_MAX;
}

static void producer_table(page_t *pg, web_buf_t *b, const db_filter_t *narrow, const char *region,
                           int admin)
{
    const web_households_text_t *x = txt(pg);
    const char *const headings[] = {"#",
                                    x->kind,
                                    x->name,
                                    admin ? x->operator_name : x->contact,
                                    x->product,
                                    x->county,
                                    x->village,
                                    x->base_type,
                                    x->certification,
                                    x->yield,
                                    x->area,
                                    x->quota};
    portal_table_begin(b, x->title, 1, headings, sizeof headings / sizeof headings[0]);
    list_ctx_t c = {pg, b, admin, 0};
    gi_error_t err;
    db_page_t page = {0, LIST_MAX};
    gi_view_producers(pg->ctx, &pg->account, narrow, "", region, page, producer_row, &c, &err);
    web_html(b, "</tbody></table></div>%s", c.n ? "" : x->none);
}

/* --- the operator's pages ---------------------------------------------------------------- */

typedef struct {
    db_auth_t items[32];
    size_t n;
} auths_t;

static int auth_row(const db_auth_t *a, void *arg)
{
    auths_t *l = arg;
    l->items[l->n++] = *a;
    return l->n == sizeof l->items / sizeof l->items[0];
}

/* The household or base form: fresh, or after a refusal (pr) as typed. */
static void add_form(page_t *pg, web_buf_t *b, const portal_problem_t *pr)
{
    const web_households_text_t *x = txt(pg);
    auths_t auths = {.n = 0};
    gi_error_t err;
    db_page_t page = {0, 32};
    gi_view_auths(pg->ctx, &pg->account, NULL, page, auth_row, &auths, &err);
    web_html(b, "<section class=\"card\" id=\"add\"><h2>%s</h2>", x->add);
    portal_form_problem(pg, b, pr, "/coop/households");
    web_html(b, "<form method=\"post\" action=\"/coop/households?lang=%s\">", pg->t->param);
    static const char *const kinds[] = {"household", "base"};
    const char *kind_words[] = {x->household, x->base};
    portal_select(b, pr, "h", "kind", x->kind, kinds, kind_words, 2,
                  portal_kept(pg, pr, "kind", ""));
    int64_t chosen = 0;
    if (pr)
        gi_parse_id(portal_field(pg, "product_id"), &chosen);
    web_html(b, "<label for=\"h-product_id\">%s</label>", x->product);
    portal_field_error(b, pr, "h", "product_id");
    web_buf_puts(b, "<select id=\"h-product_id\" name=\"product_id\">");
    for (size_t i = 0; i < auths.n; i++)
        web_html(b, "<option value=\"%D\"%s>%s</option>", auths.items[i].product_id,
                 auths.items[i].product_id == chosen ? " selected" : "",
                 auths.items[i].product_name);
    web_buf_puts(b, "</select>");
    portal_input(b, pr, "h", "name", x->name, NULL, portal_kept(pg, pr, "name", ""),
                 "maxlength=\"100\" required");
    portal_input(b, pr, "h", "contact", x->contact, NULL, portal_kept(pg, pr, "contact", ""),
                 "maxlength=\"60\"");
    portal_input(b, pr, "h", "region_code", x->county, NULL, portal_kept(pg, pr, "region_code", ""),
                 "pattern=\"[0-9]{6}\" required");
    portal_input(b, pr, "h", "village", x->village, NULL, portal_kept(pg, pr, "village", ""),
                 "maxlength=\"100\"");
    static const char *const base_types[] = {"", "planting", "breeding", "processing"};
    const char *base_words[] = {"-", x->base_types[0], x->base_types[1], x->base_types[2]};
    portal_select(b, pr, "h", "base_type", x->base_type, base_types, base_words, 4,
                  portal_kept(pg, pr, "base_type", ""));
    portal_input(b, pr, "h", "certification", x->certification, NULL,
                 portal_kept(pg, pr, "certification", ""), "maxlength=\"100\"");
    portal_input(b, pr, "h", "area", x->area, NULL, portal_kept(pg, pr, "area", ""),
                 "inputmode=\"decimal\" required");
    portal_input(b, pr, "h", "yield", x->yield, NULL, portal_kept(pg, pr, "yield", ""),
                 "type=\"number\" min=\"1\" max=\"1000000\" required");
    static const char *const units[] = {"kg", "piece"};
    const char *unit_words[] = {x->units[0], x->units[1]};
    portal_select(b, pr, "h", "unit", x->unit, units, unit_words, 2,
                  portal_kept(pg, pr, "unit", ""));
    portal_input(b, pr, "h", "per_label", x->per_label, NULL, portal_kept(pg, pr, "per_label", ""),
                 "inputmode=\"decimal\" required");
    portal_csrf_field(pg, b);
    web_html(b, "<button type=\"submit\">%s</button></form></section>", x->add_button);
}

typedef struct {
    page_t *pg;
    web_buf_t *b;
} batch_links_t;

static int batch_link(const db_batch_t *bt, void *arg)
{
    batch_links_t *c = arg;
    if (strcmp(bt->status, "issued") != 0 && strcmp(bt->status, "activated") != 0)
        return 0;
    web_html(
        c->b, "<li><a href=\"/coop/batches/%D/allocations?lang=%s\">%s %D</a> (%s, %D / %D)</li>",
        bt->id, c->pg->t->param, c->pg->p->batch, bt->id, bt->lot_number, bt->allocated, bt->count);
    return 0;
}

/* GET /coop/households, and the same page after a refused record (pr). */
static void households_desk(page_t *pg, unsigned status, const portal_problem_t *pr)
{
    const web_households_text_t *x = txt(pg);
    web_buf_t b;
    portal_frame_begin(pg, &b, x->title);
    portal_heading(pg, &b, x->title);
    web_html(&b, "<p><a href=\"/coop/?lang=%s\">%s</a></p>", pg->t->param,
             pg->p->operator_desk_title);
    web_html(&b, "<section class=\"card\"><h2>%s</h2>", x->title);
    producer_table(pg, &b, NULL, "", 0);
    web_buf_puts(&b, "</section>");
    add_form(pg, &b, pr);
    web_html(&b, "<section class=\"card\"><h2>%s</h2><ul>", x->allocations);
    batch_links_t c = {pg, &b};
    gi_error_t err;
    db_page_t page = {0, 100};
    gi_view_batches(pg->ctx, &pg->account, NULL, page, batch_link, &c, &err);
    web_buf_puts(&b, "</ul></section>");
    web_layout_end(&b, pg->t);
    portal_finish(pg, status, &b);
}

static void operator_households(page_t *pg)
{
    households_desk(pg, 200, NULL);
}

/* The field of the household form a refusal belongs to, "" for the form. */
static const char *household_field(const gi_error_t *err)
{
    switch (err->rule) {
    case GI_RULE_PRODUCER_KIND_INVALID:
        return "kind";
    case GI_RULE_BASE_TYPE_INVALID:
        return "base_type";
    case GI_RULE_AREA_INVALID:
        return "area";
    case GI_RULE_YIELD_INVALID:
        return "yield";
    case GI_RULE_YIELD_UNIT_INVALID:
        return "unit";
    case GI_RULE_PER_LABEL_INVALID:
        return "per_label";
    case GI_RULE_NO_AUTHORISATION:
        return "product_id";
    case GI_RULE_OUTSIDE_PROTECTED_AREA:
        return "region_code";
    default:
        break;
    }
    /* the text checks' messages begin with the field they refuse */
    static const portal_prefix_t fields[] = {{"name", "name"},
                                             {"contact", "contact"},
                                             {"region", "region_code"},
                                             {"village", "village"},
                                             {"certification", "certification"}};
    return portal_field_of(err->msg, fields, sizeof fields / sizeof fields[0]);
}

static void refuse_household(page_t *pg, gi_err_t rc, const gi_error_t *err, const char *field)
{
    portal_problem_t pr = {field, web_rule_message(pg->rq->lang, rc, err)};
    households_desk(pg, portal_problem_status(rc), &pr);
}

static void operator_household_add(page_t *pg)
{
    gi_producer_input_t in = {0};
    gi_error_t err;
    in.kind = portal_field(pg, "kind");
    in.operator_id = pg->account.operator_id;
    pg->get_path = "/coop/households";
    if (gi_parse_id(portal_field(pg, "product_id"), &in.product_id) != 0) {
        gi_fail_rule(&err, GI_EINVAL, GI_RULE_TEXT_REQUIRED, "%s", txt(pg)->product);
        refuse_household(pg, GI_EINVAL, &err, "product_id");
        return;
    }
    in.name = portal_field(pg, "name");
    in.contact = portal_field(pg, "contact");
    in.region_code = portal_field(pg, "region_code");
    in.village = portal_field(pg, "village");
    in.base_type = portal_field(pg, "base_type");
    in.certification = portal_field(pg, "certification");
    in.area = portal_field(pg, "area");
    in.yield = portal_field(pg, "yield");
    in.yield_unit = portal_field(pg, "unit");
    in.per_label = portal_field(pg, "per_label");
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    gi_err_t rc = gi_act_producer_add(&ctx, &pg->account, &in, NULL, &err);
    if (rc == GI_EINVAL || rc == GI_EEXISTS || rc == GI_EREFUSED)
        refuse_household(pg, rc, &err, household_field(&err));
    else
        portal_after_change(pg, rc, &err, "/coop/households");
}

typedef struct {
    page_t *pg;
    web_buf_t *b;
    db_producer_t items[LIST_MAX];
    size_t n;
} holders_t;

static int holder_row(const db_producer_t *p, void *arg)
{
    holders_t *h = arg;
    h->items[h->n++] = *p;
    return h->n == LIST_MAX;
}

/* The holders of product_id as options, chosen selected (0: none). */
static void holder_options(web_buf_t *b, const holders_t *h, int64_t product_id, int64_t chosen)
{
    for (size_t i = 0; i < h->n; i++)
        if (h->items[i].product_id == product_id)
            web_html(b, "<option value=\"%D\"%s>%D %s</option>", h->items[i].id,
                     h->items[i].id == chosen ? " selected" : "", h->items[i].id, h->items[i].name);
}

typedef struct {
    page_t *pg;
    web_buf_t *b;
    const holders_t *holders;
    int64_t product_id;
} alloc_rows_t;

static int allocation_row(const db_allocation_t *a, void *arg)
{
    alloc_rows_t *c = arg;
    const web_households_text_t *x = txt(c->pg);
    web_html(c->b, "<tr><td>%D</td><td>%D</td><td>%D</td><td>%D</td><td>%s %s</td><td>%s</td><td>",
             a->id, a->first_seq, a->last_seq, a->last_seq - a->first_seq + 1, a->holder_kind,
             a->holder_name, a->override);
    web_html(c->b,
             "<form method=\"post\" action=\"/coop/batches/%D/allocations?lang=%s\">"
             "<input type=\"hidden\" name=\"move\" value=\"%D\">"
             "<label for=\"to%D\">%s</label><select id=\"to%D\" name=\"producer\">"
             "<option value=\"operator\">%s</option>",
             a->batch_id, c->pg->t->param, a->id, a->id, x->holder, a->id, x->to_operator);
    holder_options(c->b, c->holders, c->product_id, 0);
    web_html(c->b,
             "</select><label for=\"ov%D\">%s</label><input id=\"ov%D\" name=\"override\" "
             "maxlength=\"200\">",
             a->id, x->override, a->id);
    portal_csrf_field(c->pg, c->b);
    web_html(c->b, "<button type=\"submit\">%s</button></form></td></tr>", x->move);
    return 0;
}

/* GET /coop/batches/{id}/allocations, and the same page after a refused
 * allocation (pr): a new range's form as typed, a refused move above it. */
static void allocations_desk(page_t *pg, unsigned status, const portal_problem_t *pr)
{
    const web_households_text_t *x = txt(pg);
    db_batch_t bt;
    gi_error_t err;
    gi_err_t rc = gi_view_batch(pg->ctx, &pg->account, pg->id, &bt, &err);
    if (rc != GI_OK) {
        portal_error(pg, rc, &err);
        return;
    }
    holders_t *h = malloc(sizeof *h);
    if (!h) {
        portal_error(pg, GI_ENOMEM, &err);
        return;
    }
    h->n = 0;
    db_filter_t narrow = {.product_id = bt.product_id};
    db_page_t page = {0, LIST_MAX};
    gi_view_producers(pg->ctx, &pg->account, &narrow, "", "", page, holder_row, h, &err);
    web_buf_t b;
    char title[128];
    snprintf(title, sizeof title, "%s %lld", x->allocations_of, (long long)bt.id);
    portal_frame_begin(pg, &b, title);
    portal_heading(pg, &b, title);
    web_html(&b, "<p><a href=\"/coop/households?lang=%s\">%s</a></p>", pg->t->param, x->title);
    const char *const headings[] = {"#",       x->first,    x->last, pg->p->labels,
                                    x->holder, x->override, x->move};
    portal_table_begin(&b, title, 1, headings, 7);
    alloc_rows_t c = {pg, &b, h, bt.product_id};
    gi_allocation_totals_t t = {0};
    rc = gi_view_allocations(pg->ctx, &pg->account, bt.id, allocation_row, &c, &t, &err);
    web_buf_puts(&b, "</tbody></table></div><p class=\"totals\">");
    web_html(&b, x->totals, t.count, t.allocated, t.unallocated);
    web_html(&b, "</p><section class=\"card\" id=\"allocate\"><h2>%s</h2>", x->allocate);
    char back[64];
    snprintf(back, sizeof back, "/coop/batches/%lld/allocations", (long long)bt.id);
    portal_form_problem(pg, &b, pr, back);
    /* a refused move keeps nothing here: its values were another row's */
    const portal_problem_t *kept = pr && !portal_field(pg, "move")[0] ? pr : NULL;
    char max[48];
    snprintf(max, sizeof max, "type=\"number\" min=\"1\" max=\"%lld\" required",
             (long long)bt.count);
    web_html(&b, "<form method=\"post\" action=\"/coop/batches/%D/allocations?lang=%s\">", bt.id,
             pg->t->param);
    portal_input(&b, kept, "a", "first", x->first, NULL, portal_kept(pg, kept, "first", ""), max);
    portal_input(&b, kept, "a", "last", x->last, NULL, portal_kept(pg, kept, "last", ""), max);
    web_html(&b, "<label for=\"a-producer\">%s</label>", x->holder);
    portal_field_error(&b, kept, "a", "producer");
    web_buf_puts(&b, "<select id=\"a-producer\" name=\"producer\">");
    int64_t chosen = 0;
    if (kept)
        gi_parse_id(portal_field(pg, "producer"), &chosen);
    holder_options(&b, h, bt.product_id, chosen);
    web_buf_puts(&b, "</select>");
    portal_input(&b, kept, "a", "override", x->override, NULL,
                 portal_kept(pg, kept, "override", ""), "maxlength=\"200\"");
    portal_csrf_field(pg, &b);
    web_html(&b, "<button type=\"submit\">%s</button></form></section>", x->allocate);
    free(h);
    web_layout_end(&b, pg->t);
    if (rc != GI_OK) {
        web_buf_free(&b);
        portal_error(pg, rc, &err);
        return;
    }
    portal_finish(pg, status, &b);
}

static void operator_allocations(page_t *pg)
{
    allocations_desk(pg, 200, NULL);
}

static void operator_allocate(page_t *pg)
{
    gi_allocate_t in = {.batch_id = pg->id};
    gi_error_t err;
    const char *move = portal_field(pg, "move"), *producer = portal_field(pg, "producer");
    in.override = portal_field(pg, "override");
    int bad = 0;
    if (move[0])
        bad |= gi_parse_id(move, &in.move_id) != 0;
    else
        bad |= gi_parse_whole(portal_field(pg, "first"), 1, 10000000, &in.first_seq) != 0 ||
               gi_parse_whole(portal_field(pg, "last"), 1, 10000000, &in.last_seq) != 0;
    if (strcmp(producer, "operator") == 0)
        in.to_operator = 1;
    else
        bad |= gi_parse_id(producer, &in.producer_id) != 0;
    char back[64];
    snprintf(back, sizeof back, "/coop/batches/%lld/allocations", (long long)pg->id);
    pg->get_path = back;
    gi_err_t rc = GI_EINVAL;
    if (bad) {
        gi_fail_rule(&err, GI_EINVAL, GI_RULE_RANGE_INVALID, "%s / %s / %s", txt(pg)->first,
                     txt(pg)->last, txt(pg)->holder);
    } else {
        gi_ctx_t ctx = *pg->ctx;
        ctx.actor = pg->actor;
        rc = gi_act_allocate(&ctx, &pg->account, &in, NULL, &err);
    }
    if (rc == GI_EINVAL || rc == GI_EEXISTS || rc == GI_EREFUSED) {
        portal_problem_t pr = {"", web_rule_message(pg->rq->lang, rc, &err)};
        allocations_desk(pg, portal_problem_status(rc), &pr);
    } else {
        portal_after_change(pg, rc, &err, back);
    }
}

/* --- the regulator's and auditor's list ---------------------------------------------------- */

static void admin_households(page_t *pg)
{
    const web_households_text_t *x = txt(pg);
    const char *product = pg->rq->query(pg->rq->query_arg, "product");
    const char *region = pg->rq->query(pg->rq->query_arg, "region");
    db_filter_t narrow = {0};
    gi_error_t err;
    if ((product && product[0] && gi_parse_id(product, &narrow.product_id) != 0) ||
        (region && (strlen(region) > 6 || strspn(region, "0123456789") != strlen(region)))) {
        gi_fail(&err, GI_EINVAL, "%s / %s", x->product, x->region_prefix);
        portal_error(pg, GI_EINVAL, &err);
        return;
    }
    web_buf_t b;
    portal_frame_begin(pg, &b, x->admin_title);
    portal_admin_nav(pg, &b);
    portal_heading(pg, &b, x->admin_title);
    web_html(&b,
             "<form method=\"get\" action=\"/admin/households\"><input type=\"hidden\" "
             "name=\"lang\" value=\"%s\"><label for=\"product\">%s</label><input id=\"product\" "
             "name=\"product\" inputmode=\"numeric\" value=\"%s\"><label for=\"region\">%s</label>"
             "<input id=\"region\" name=\"region\" inputmode=\"numeric\" value=\"%s\">"
             "<button type=\"submit\">%s</button></form>",
             pg->t->param, x->product, product ? product : "", x->region_prefix,
             region ? region : "", x->filter);
    producer_table(pg, &b, &narrow, region ? region : "", 1);
    web_layout_end(&b, pg->t);
    portal_finish(pg, 200, &b);
}

const portal_route_t portal_households_routes[] = {
    {"GET", "/coop/households", PORTAL_OPERATOR, operator_households, NULL},
    {"POST", "/coop/households", PORTAL_OPERATOR, operator_household_add, NULL},
    {"GET", "/coop/batches/{id}/allocations", PORTAL_OPERATOR, operator_allocations, NULL},
    {"POST", "/coop/batches/{id}/allocations", PORTAL_OPERATOR, operator_allocate, NULL},
    {"GET", "/admin/households", PORTAL_DESK, admin_households, NULL},
};
const size_t portal_households_route_count =
    sizeof portal_households_routes / sizeof portal_households_routes[0];
