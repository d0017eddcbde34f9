/*
 * portal_rules.c - the regulator's page of what a product's labels must
 * name (gi/rules.h): its announcement or registration number and standard,
 * and, for a product that has none, the office's decision to print it
 * without one, recorded and withdrawn here with a reason (audited).
 *
 *     GET  /admin/products/{id}/numbers               the numbers and the decision
 *     POST /admin/products/{id}/allow-unnumbered      reason
 *     POST /admin/products/{id}/withdraw-unnumbered   reason
 *
 * Regulators and auditors read the page (inside their region scope, as the
 * product itself); only a regulator sees and posts the forms.
 */
#include "web/portal_internal.h"
#include "gi/rules.h"
#include "gi/view.h"
#include "web/layout.h"

#include <stdio.h>
#include <string.h>

static int may_change(const page_t *pg)
{
    return strcmp(pg->account.role, "regulator") == 0;
}

/* One of the product's numbers as a definition, "not recorded" when "". */
static void number_row(web_buf_t *b, const char *label, const char *value, const char *none)
{
    web_html(b, "<dt>%s</dt><dd>%s</dd>", label, value[0] ? value : none);
}

/* The form recording or withdrawing the decision, with its reason. */
static void decision_form(page_t *pg, web_buf_t *b, const db_product_t *p, const char *action,
                          const char *button, const char *hint)
{
    web_html(b,
             "<form method=\"post\" action=\"/admin/products/%D/%s?lang=%s\">"
             "<label for=\"u-%s\">%s</label><input id=\"u-%s\" name=\"reason\" "
             "maxlength=\"%d\" required><p class=\"hint\">%s</p>",
             p->id, action, pg->t->param, action, web_rules_text(pg->rq->lang)->reason, action,
             GI_UNNUMBERED_REASON_MAX, hint);
    portal_csrf_field(pg, b);
    web_html(b, "<button type=\"submit\">%s</button></form>", button);
}

/* GET /admin/products/{id}/numbers */
static void numbers_page(page_t *pg)
{
    const web_rules_text_t *w = web_rules_text(pg->rq->lang);
    db_product_t p;
    web_buf_t b;
    if (!portal_product_page_begin(pg, &b, w->title, &p))
        return;
    int numbered = gi_rules_product_numbered(&p);
    web_html(&b, "<section class=\"card\"><h2>%s</h2><dl>", w->numbers);
    number_row(&b, pg->t->registration, p.reg_number, w->none_recorded);
    number_row(&b, pg->t->standard, p.standard, w->none_recorded);
    web_buf_puts(&b, "</dl>");
    if (may_change(pg))
        web_html(&b, "<p><a href=\"/admin/products/%D/edit?lang=%s\">%s</a></p>", p.id,
                 pg->t->param, w->edit_numbers);
    web_html(&b, "</section><section class=\"card\"><h2>%s</h2>", w->decision);
    if (p.unnumbered_reason[0]) {
        char when[64], who[DB_TEXT + 64];
        web_local_time(pg->rq->lang, p.unnumbered_at, when);
        portal_actor(pg->rq->lang, p.unnumbered_by, who, sizeof who);
        web_html(&b, "<dl><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s %s</dd></dl>", w->reason,
                 p.unnumbered_reason, w->decided_by, who, when);
        if (numbered)
            web_html(&b, "<p>%s</p>", w->needs_none);
        if (may_change(pg))
            decision_form(pg, &b, &p, "withdraw-unnumbered", w->withdraw, w->withdraw_hint);
    } else if (numbered) {
        web_html(&b, "<p>%s</p>", w->needs_none);
    } else {
        web_html(&b, "<p class=\"status status-blocked\">%s</p>", w->no_decision);
        if (may_change(pg))
            decision_form(pg, &b, &p, "allow-unnumbered", w->allow, w->allow_hint);
    }
    web_buf_puts(&b, "</section>");
    web_layout_end(&b, pg->t);
    portal_finish(pg, 200, &b);
}

/* POST /admin/products/{id}/allow-unnumbered and withdraw-unnumbered
 * (pg->arg "allow" or "withdraw") */
static void decision_post(page_t *pg)
{
    gi_error_t err;
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    gi_err_t rc = may_change(pg) ? gi_act_product_unnumbered(&ctx, &pg->account, pg->id,
                                                             strcmp(pg->arg, "allow") == 0,
                                                             portal_field(pg, "reason"), NULL, &err)
                                 : gi_fail(&err, GI_EFORBIDDEN, "%s", pg->p->forbidden);
    char to[64];
    snprintf(to, sizeof to, "/admin/products/%lld/numbers", (long long)pg->id);
    portal_after_change(pg, rc, &err, to);
}

const portal_route_t portal_rules_routes[] = {
    {"GET", "/admin/products/{id}/numbers", PORTAL_DESK, numbers_page, NULL},
    {"POST", "/admin/products/{id}/allow-unnumbered", PORTAL_DESK, decision_post, "allow"},
    {"POST", "/admin/products/{id}/withdraw-unnumbered", PORTAL_DESK, decision_post, "withdraw"},
};
const size_t portal_rules_route_count = sizeof portal_rules_routes / sizeof portal_rules_routes[0];
