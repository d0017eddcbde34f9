/*
 * portal_operators.c - the regulator records an operator, grants it the
 * right to use the mark and creates and disables its accounts, all from the
 * desk: the same gi/ rules and audit rows as `gimark operator add`, `auth
 * grant` and `user add|disable|enable` (through gi/act, which checks the
 * account's role and region scope first). A refused form comes back with
 * the error beside its field and every value as it was typed; a new
 * account's password is shown once, on the answer to the form that made it.
 * Auditors see the operator's page without its forms.
 */
#include "gi/act.h"
#include "gi/batch.h"
#include "gi/region.h"
#include "gi/view.h"
#include "web/layout.h"
#include "web/portal_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_MAX 200

static const char *const kinds[] = {"cooperative", "company", "individual", "association", "other"};

static int may_decide(const page_t *pg)
{
    return strcmp(pg->account.role, "regulator") == 0;
}

static const web_desk_text_t *words(const page_t *pg)
{
    return web_desk_text(pg->rq->lang);
}

/* The region: a code typed or picked from the regions of the account's
 * scope that the region table knows (a datalist; another county's code of
 * the scope may be typed). */
static void region_select(page_t *pg, web_buf_t *b, const portal_problem_t *pr, const char *value)
{
    const char *scope = pg->account.region_scope;
    char hint[96];
    snprintf(hint, sizeof hint, "%s%s%s%s", words(pg)->region_pick, scope[0] ? " (" : "", scope,
             scope[0] ? ")" : "");
    portal_input(b, pr, "o", "region_code", words(pg)->region, hint, value,
                 "required list=\"o-regions\" inputmode=\"numeric\" maxlength=\"6\" "
                 "pattern=\"[0-9]{6}\" autocomplete=\"off\"");
    web_buf_puts(b, "<datalist id=\"o-regions\">");
    const char *code;
    for (size_t i = 0; (code = gi_region_code_at(i)) != NULL; i++) {
        char name[160];
        if (strncmp(code, scope, strlen(scope)) != 0)
            continue;
        gi_region_name(code, pg->rq->lang == WEB_LANG_EN, name, sizeof name);
        web_html(b, "<option value=\"%s\">%s</option>", code, name);
    }
    web_buf_puts(b, "</datalist>");
}

static const char *kind_text(page_t *pg, const char *kind)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i], kind) == 0)
            return words(pg)->kinds[i];
    return kind;
}

/* --- recording an operator ------------------------------------------------------------------ */

/* GET /admin/operators/new, and the same form again after a refusal. */
static void record_form(page_t *pg, unsigned status, const portal_problem_t *pr)
{
    const web_desk_text_t *d = words(pg);
    if (!may_decide(pg)) {
        portal_message(pg, 403, pg->p->forbidden, pg->p->forbidden);
        return;
    }
    web_buf_t b;
    portal_frame_begin(pg, &b, d->record_title);
    portal_admin_nav(pg, &b);
    portal_heading(pg, &b, d->record_title);
    portal_form_problem(pg, &b, pr, "/admin/operators");
    web_html(
        &b,
        "<section class=\"card\"><form method=\"post\" action=\"/admin/operators/new?lang=%s\">",
        pg->t->param);
    portal_input(&b, pr, "o", "uscc", pg->t->uscc, d->uscc_hint, portal_field(pg, "uscc"),
                 "required maxlength=\"24\" autocomplete=\"off\" spellcheck=\"false\" "
                 "pattern=\"\\s*[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}\\s*\"");
    portal_input(&b, pr, "o", "name", pg->p->name_zh, NULL, portal_field(pg, "name"),
                 "required maxlength=\"100\"");
    web_html(&b, "<label for=\"o-kind\">%s</label>", pg->p->kind);
    portal_field_error(&b, pr, "o", "kind");
    web_buf_puts(&b, "<select id=\"o-kind\" name=\"kind\">");
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        web_html(&b, "<option value=\"%s\"%s>%s</option>", kinds[i],
                 strcmp(kinds[i], portal_field(pg, "kind")) == 0 ? " selected" : "", d->kinds[i]);
    web_buf_puts(&b, "</select>");
    region_select(pg, &b, pr, portal_field(pg, "region_code"));
    portal_input(&b, pr, "o", "contact", pg->p->contact, NULL, portal_field(pg, "contact"),
                 "maxlength=\"120\"");
    portal_csrf_field(pg, &b);
    web_html(&b, "<button type=\"submit\">%s</button></form></section>", d->record_button);
    web_layout_end(&b, pg->t);
    portal_finish(pg, status, &b);
}

static void record_page(page_t *pg)
{
    record_form(pg, 200, NULL);
}

/* Which field of the operator form an error of gi_operator_check names. */
static const char *operator_field(const char *msg)
{
    static const portal_prefix_t fields[] = {{"operator name", "name"},
                                             {"contact", "contact"},
                                             {"operator region", "region_code"},
                                             {"operator kind", "kind"}};
    const char *f = portal_field_of(msg, fields, sizeof fields / sizeof fields[0]);
    if (f[0])
        return f;
    return "uscc";
}

/* POST /admin/operators/new */
static void record_post(page_t *pg)
{
    gi_operator_input_t in = {portal_field(pg, "uscc"),    portal_field(pg, "name"),
                              portal_field(pg, "kind"),    portal_field(pg, "region_code"),
                              portal_field(pg, "contact"), ""};
    gi_error_t err;
    db_operator_t o;
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    pg->get_path = "/admin/operators/new";
    gi_err_t rc = gi_act_operator_add(&ctx, &pg->account, &in, &o, &err);
    if (rc == GI_OK) {
        char to[64];
        snprintf(to, sizeof to, "/admin/operators/%lld", (long long)o.id);
        portal_redirect(pg, to, 1);
    } else if (rc == GI_EINVAL || rc == GI_EEXISTS) {
        portal_problem_t pr = {operator_field(err.msg), web_rule_message(pg->rq->lang, rc, &err)};
        record_form(pg, portal_problem_status(rc), &pr);
    } else {
        portal_error(pg, rc, &err);
    }
}

/* --- an operator's page ------------------------------------------------------------------------
 */

typedef struct {
    page_t *pg;
    web_buf_t *b;
    const db_operator_t *o;
    int n;
} list_t;

static int auth_item(const db_auth_t *a, void *arg)
{
    list_t *l = arg;
    page_t *pg = l->pg;
    int64_t used = 0;
    gi_error_t err;
    gi_quota_used(pg->ctx, a, &used, &err);
    web_html(l->b,
             "<tr><td data-label=\"#\">%D</td><td data-label=\"%s\">%s</td>"
             "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
             "<td data-label=\"%s\">%D</td><td data-label=\"%s\">%D</td></tr>",
             a->id, pg->t->product, a->product_name, pg->p->status,
             web_word(pg->rq->lang, "auth", gi_auth_status(a, pg->today)), pg->t->valid_until,
             a->valid_until, pg->p->quota, a->yearly_quota, words(pg)->quota_left,
             a->yearly_quota - used);
    l->n++;
    return 0;
}

/* The products the account may grant this operator: inside its scope, and
 * whose protected area covers the operator's seat. */
static int product_option(const db_product_t *p, void *arg)
{
    list_t *l = arg;
    char area[8];
    gi_product_area(p->region_code, area);
    if (strncmp(l->o->region_code, area, strlen(area)) != 0)
        return 0;
    web_html(l->b, "<option value=\"%D\"%s>%s (%s)</option>", p->id,
             strcmp(portal_field(l->pg, "product_id"), "") != 0 &&
                     p->id == (int64_t)strtoll(portal_field(l->pg, "product_id"), NULL, 10)
                 ? " selected"
                 : "",
             p->name_zh, p->region_code);
    l->n++;
    return 0;
}

static void grant_form(page_t *pg, web_buf_t *b, const db_operator_t *o, const portal_problem_t *pr)
{
    const web_desk_text_t *d = words(pg);
    db_page_t all = {0, LIST_MAX};
    gi_error_t err;
    web_buf_t opts;
    web_buf_init(&opts, 1024);
    list_t l = {pg, &opts, o, 0};
    gi_view_products(pg->ctx, &pg->account, all, product_option, &l, &err);
    web_html(b, "<section class=\"card\" id=\"grant\"><h2>%s</h2>", d->grant_title);
    if (!l.n) {
        web_html(b, "<p>%s</p></section>", d->no_products);
        web_buf_free(&opts);
        return;
    }
    web_html(b, "<form method=\"post\" action=\"/admin/operators/%D/grant?lang=%s\">", o->id,
             pg->t->param);
    web_html(b, "<label for=\"g-product_id\">%s</label>", pg->t->product);
    portal_field_error(b, pr, "g", "product_id");
    web_buf_puts(b, "<select id=\"g-product_id\" name=\"product_id\" required>");
    web_buf_add(b, opts.p ? opts.p : "", opts.len);
    web_buf_puts(b, "</select>");
    web_buf_free(&opts);
    const char *quota = portal_field(pg, "yearly_quota");
    portal_input(b, pr, "g", "yearly_quota", pg->p->quota, d->quota_hint, quota[0] ? quota : "",
                 "type=\"number\" min=\"1\" max=\"100000000\" required inputmode=\"numeric\"");
    portal_input(b, pr, "g", "valid_from", d->valid_from, NULL, portal_field(pg, "valid_from"),
                 "type=\"date\"");
    portal_input(b, pr, "g", "valid_until", pg->t->valid_until, NULL,
                 portal_field(pg, "valid_until"), "type=\"date\"");
    portal_input(b, pr, "g", "approval_doc", pg->t->approval_doc, NULL,
                 portal_field(pg, "approval_doc"), "maxlength=\"200\"");
    portal_csrf_field(pg, b);
    web_html(b, "<button type=\"submit\">%s</button></form></section>", d->grant_button);
}

static int account_item(const db_account_t *a, void *arg)
{
    list_t *l = arg;
    page_t *pg = l->pg;
    const web_desk_text_t *d = words(pg);
    web_html(l->b, "<li><strong>%s</strong> <span class=\"status\">%s</span>", a->username,
             a->disabled ? d->disabled : d->enabled);
    if (may_decide(pg)) {
        char action[64];
        snprintf(action, sizeof action, "/admin/accounts/%lld/%s", (long long)a->id,
                 a->disabled ? "enable" : "disable");
        portal_decision_form(pg, l->b, action, a->disabled ? d->enable : d->disable, NULL, NULL, 0);
    }
    web_buf_puts(l->b, "</li>");
    l->n++;
    return 0;
}

static void accounts_card(page_t *pg, web_buf_t *b, const db_operator_t *o,
                          const portal_problem_t *pr)
{
    const web_desk_text_t *d = words(pg);
    gi_error_t err;
    web_html(b, "<section class=\"card\" id=\"accounts\"><h2>%s</h2><ul class=\"queue\">",
             d->accounts_title);
    list_t l = {pg, b, o, 0};
    gi_act_accounts(pg->ctx, &pg->account, o->id, account_item, &l, &err);
    web_html(b, "</ul>%s", l.n ? "" : pg->p->none);
    if (may_decide(pg)) {
        web_html(b, "<form method=\"post\" action=\"/admin/operators/%D/accounts?lang=%s\">", o->id,
                 pg->t->param);
        portal_input(b, pr, "a", "username", d->username, d->username_hint,
                     portal_field(pg, "username"),
                     "required maxlength=\"64\" autocomplete=\"off\" spellcheck=\"false\" "
                     "autocapitalize=\"none\" pattern=\"[a-z0-9._\\-]{2,64}\"");
        portal_csrf_field(pg, b);
        web_html(b, "<button type=\"submit\">%s</button></form>", d->create_account);
    }
    web_buf_puts(b, "</section>");
}

/* GET /admin/operators/{id}, and the same page after a refused grant or
 * account form (form: "g" or "a"). */
static void operator_view(page_t *pg, unsigned status, const char *form, const portal_problem_t *pr)
{
    const web_desk_text_t *d = words(pg);
    gi_error_t err;
    db_operator_t o;
    gi_err_t rc = gi_view_operator(pg->ctx, &pg->account, pg->id, &o, &err);
    if (rc != GI_OK) {
        portal_error(pg, rc, &err);
        return;
    }
    char region[160], self[64];
    gi_region_name(o.region_code, pg->rq->lang == WEB_LANG_EN, region, sizeof region);
    snprintf(self, sizeof self, "/admin/operators/%lld", (long long)o.id);
    pg->get_path = self;
    web_buf_t b;
    portal_frame_begin(pg, &b, o.name);
    portal_admin_nav(pg, &b);
    portal_heading(pg, &b, o.name);
    portal_form_problem(pg, &b, pr, self);
    web_html(&b,
             "<section class=\"card\"><dl><dt>%s</dt><dd class=\"serial\">%s</dd>"
             "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s <span class=\"serial\">%s</span></dd>"
             "<dt>%s</dt><dd>%s</dd></dl>",
             pg->t->uscc, o.uscc, pg->p->kind, kind_text(pg, o.kind), d->region, region,
             o.region_code, pg->p->contact, o.contact);
    if (may_decide(pg))
        web_html(&b, "<p><a href=\"/admin/operators/%D/edit?lang=%s\">%s</a></p>", o.id,
                 pg->t->param, pg->p->edit);
    web_buf_puts(&b, "</section>");
    web_html(&b, "<section class=\"card\"><h2>%s</h2>", d->auths_title);
    const char *const headings[] = {"#",          pg->t->product, pg->p->status, pg->t->valid_until,
                                    pg->p->quota, d->quota_left};
    portal_table_begin(&b, d->auths_title, 0, headings, 6);
    list_t l = {pg, &b, &o, 0};
    db_filter_t narrow = {.operator_id = o.id};
    db_page_t all = {0, LIST_MAX};
    gi_view_auths(pg->ctx, &pg->account, &narrow, all, auth_item, &l, &err);
    web_html(&b, "</tbody></table></div>%s</section>", l.n ? "" : pg->p->none);
    if (may_decide(pg))
        grant_form(pg, &b, &o, form && strcmp(form, "g") == 0 ? pr : NULL);
    accounts_card(pg, &b, &o, form && strcmp(form, "a") == 0 ? pr : NULL);
    web_layout_end(&b, pg->t);
    portal_finish(pg, status, &b);
}

static void operator_page(page_t *pg)
{
    operator_view(pg, 200, NULL, NULL);
}

/* Which field of the grant form an error names. */
static const char *grant_field(const char *msg)
{
    static const struct {
        const char *word, *field;
    } fields[] = {{"quota", "yearly_quota"},      {"valid_from", "valid_from"},
                  {"valid from", "valid_from"},   {"valid_until", "valid_until"},
                  {"valid until", "valid_until"}, {"approval", "approval_doc"},
                  {"product", "product_id"}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strstr(msg, fields[i].word))
            return fields[i].field;
    return "";
}

/* POST /admin/operators/{id}/grant */
static void grant_post(page_t *pg)
{
    gi_auth_input_t in = {pg->id,
                          0,
                          portal_field(pg, "valid_from"),
                          portal_field(pg, "valid_until"),
                          0,
                          portal_field(pg, "approval_doc"),
                          ""};
    gi_error_t err;
    db_auth_t out;
    db_operator_t o;
    /* who may comes before what was typed: an operator outside the scope is
     * not found, an auditor may not, whatever the values */
    gi_err_t rc = gi_view_operator(pg->ctx, &pg->account, pg->id, &o, &err);
    if (rc == GI_OK && !may_decide(pg))
        rc = gi_fail_rule(&err, GI_EFORBIDDEN, GI_RULE_ROLE_NOT_ALLOWED, "%s", pg->p->forbidden);
    if (rc != GI_OK) {
        portal_error(pg, rc, &err);
        return;
    }
    if (gi_parse_whole(portal_field(pg, "product_id"), 1, INT64_MAX, &in.product_id) != 0)
        rc = gi_fail_rule(&err, GI_EINVAL, GI_RULE_TEXT_REQUIRED, "product: pick one");
    else if (gi_parse_whole(portal_field(pg, "yearly_quota"), 1, INT64_MAX, &in.yearly_quota) != 0)
        rc = gi_fail_rule(&err, GI_EINVAL, GI_RULE_QUOTA_RANGE,
                          "yearly quota must be between 1 and 100000000 labels");
    else {
        gi_ctx_t ctx = *pg->ctx;
        ctx.actor = pg->actor;
        rc = gi_act_auth_grant(&ctx, &pg->account, &in, &out, &err);
    }
    if (rc == GI_OK) {
        char to[64];
        snprintf(to, sizeof to, "/admin/operators/%lld", (long long)pg->id);
        portal_redirect(pg, to, 1);
    } else if (rc == GI_EINVAL || rc == GI_EEXISTS || rc == GI_EREFUSED) {
        portal_problem_t pr = {grant_field(err.msg), web_rule_message(pg->rq->lang, rc, &err)};
        if (strcmp(pr.field, "") == 0 && in.product_id == 0)
            pr.field = "product_id";
        operator_view(pg, portal_problem_status(rc), "g", &pr);
    } else {
        portal_error(pg, rc, &err);
    }
}

/* POST /admin/operators/{id}/accounts: the new account's password, once. */
static void account_post(page_t *pg)
{
    const web_desk_text_t *d = words(pg);
    char password[GI_PASSWORD_ONCE_LEN + 1];
    gi_error_t err;
    db_account_t a;
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    gi_err_t rc = gi_act_account_add(&ctx, &pg->account, pg->id, portal_field(pg, "username"),
                                     password, &a, &err);
    if (rc == GI_EINVAL || rc == GI_EEXISTS) {
        portal_problem_t pr = {"username", web_rule_message(pg->rq->lang, rc, &err)};
        operator_view(pg, portal_problem_status(rc), "a", &pr);
        return;
    }
    if (rc != GI_OK) {
        portal_error(pg, rc, &err);
        return;
    }
    char back[64];
    snprintf(back, sizeof back, "/admin/operators/%lld", (long long)pg->id);
    pg->get_path = back;
    web_buf_t b;
    portal_frame_begin(pg, &b, d->password_title);
    web_html(&b,
             "<section class=\"card once\" role=\"status\"><h1>%s</h1><p>%s</p>"
             "<p><label for=\"once\">",
             d->password_title, d->password_text);
    web_html(&b, d->password_for, a.username);
    web_html(&b,
             "</label><input id=\"once\" class=\"serial password-once\" readonly value=\"%s\" "
             "autocomplete=\"off\"></p><p><a class=\"button\" href=\"%s?lang=%s\">%s</a></p>"
             "</section>",
             password, back, pg->t->param, d->back);
    sodium_memzero(password, sizeof password);
    web_layout_end(&b, pg->t);
    portal_finish(pg, 200, &b);
}

/* POST /admin/accounts/{id}/disable|enable */
static void account_switch(page_t *pg)
{
    gi_error_t err;
    db_account_t a = {0};
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    gi_err_t rc = gi_act_account_set_disabled(&ctx, &pg->account, pg->id,
                                              strcmp(pg->arg, "disable") == 0, &a, &err);
    char back[64];
    snprintf(back, sizeof back, "/admin/operators/%lld", (long long)a.operator_id);
    portal_after_change(pg, rc, &err, rc == GI_OK ? back : "/admin/operators");
}

/* Every route here is also listed in tests/integration/test_page_matrix.py. */
const portal_route_t portal_operators_routes[] = {
    {"GET", "/admin/operators/new", PORTAL_DESK, record_page, NULL},
    {"POST", "/admin/operators/new", PORTAL_DESK, record_post, NULL},
    {"GET", "/admin/operators/{id}", PORTAL_DESK, operator_page, NULL},
    {"POST", "/admin/operators/{id}/grant", PORTAL_DESK, grant_post, NULL},
    {"POST", "/admin/operators/{id}/accounts", PORTAL_DESK, account_post, NULL},
    {"POST", "/admin/accounts/{id}/disable", PORTAL_DESK, account_switch, "disable"},
    {"POST", "/admin/accounts/{id}/enable", PORTAL_DESK, account_switch, "enable"},
};
const size_t portal_operators_route_count =
    sizeof portal_operators_routes / sizeof portal_operators_routes[0];
