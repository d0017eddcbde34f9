/*
 * portal_words.c - the regulator's page of what the consumer page shows of a
 * product beyond its register record: its names in Vietnamese and Thai, and
 * its photo (uploaded as a multipart form, re-encoded by gi/words.c).
 *
 *     GET  /admin/products/{id}/shown    the names' form, the photo and its upload form
 *     POST /admin/products/{id}/names    name_vi, name_th
 *     POST /admin/products/{id}/photo    multipart: photo (a PNG file)
 */
#include "web/portal_internal.h"
#include "gi/view.h"
#include "gi/words.h"
#include "web/layout.h"

#include <stdio.h>
#include <string.h>

int web_portal_is_upload(const char *path)
{
    static const char prefix[] = "/admin/products/", suffix[] = "/photo";
    size_t n = path ? strlen(path) : 0;
    if (n <= sizeof prefix - 1 + sizeof suffix - 1 || strncmp(path, prefix, sizeof prefix - 1) ||
        strcmp(path + n - (sizeof suffix - 1), suffix))
        return 0;
    for (const char *c = path + sizeof prefix - 1; c < path + n - (sizeof suffix - 1); c++)
        if (*c < '0' || *c > '9')
            return 0;
    return 1;
}

static int may_change(page_t *pg)
{
    return strcmp(pg->account.role, "regulator") == 0;
}

static void back_to(page_t *pg, char *to, size_t cap)
{
    snprintf(to, cap, "/admin/products/%lld/shown", (long long)pg->id);
}

/* GET /admin/products/{id}/shown, and the same page after refused names (pr). */
static void shown_desk(page_t *pg, unsigned status, const portal_problem_t *pr)
{
    const web_words_text_t *w = web_words_text(pg->rq->lang);
    db_product_t p;
    web_buf_t b;
    if (!portal_product_page_begin(pg, &b, w->title, &p))
        return;
    web_html(&b, "<p><a href=\"/v/?lang=%s\">%s</a></p>", pg->t->param, w->consumer_link);
    web_html(&b, "<section class=\"card\"><h2>%s</h2>", w->names);
    if (may_change(pg)) {
        char back[64];
        back_to(pg, back, sizeof back);
        portal_form_problem(pg, &b, pr, back);
        web_html(&b, "<form method=\"post\" action=\"/admin/products/%D/names?lang=%s\">", p.id,
                 pg->t->param);
        portal_input(&b, pr, "w", "name_vi", w->name_vi, NULL,
                     portal_kept(pg, pr, "name_vi", p.name_vi), "lang=\"vi\" maxlength=\"120\"");
        portal_input(&b, pr, "w", "name_th", w->name_th, NULL,
                     portal_kept(pg, pr, "name_th", p.name_th), "lang=\"th\" maxlength=\"120\"");
        web_html(&b, "<p class=\"hint\">%s</p>", w->names_hint);
        portal_csrf_field(pg, &b);
        web_html(&b, "<button type=\"submit\">%s</button></form>", pg->p->save);
    } else {
        web_html(&b,
                 "<dl><dt>%s</dt><dd lang=\"vi\">%s</dd><dt>%s</dt><dd lang=\"th\">%s</dd></dl>",
                 w->name_vi, p.name_vi[0] ? p.name_vi : pg->p->none, w->name_th,
                 p.name_th[0] ? p.name_th : pg->p->none);
    }
    web_html(&b, "</section><section class=\"card\"><h2>%s</h2>", w->photo);
    if (p.photo_at)
        web_html(&b, "<img class=\"photo\" src=\"/photo/%D-%D.png\" alt=\"%s\">", p.id, p.photo_at,
                 p.name_zh);
    else
        web_html(&b, "<p>%s</p>", w->no_photo);
    if (may_change(pg)) {
        web_html(&b,
                 "<form method=\"post\" enctype=\"multipart/form-data\" "
                 "action=\"/admin/products/%D/photo?lang=%s\">"
                 "<label for=\"w-photo\">%s</label>"
                 "<input id=\"w-photo\" name=\"photo\" type=\"file\" accept=\"image/png\" required>"
                 "<p class=\"hint\">%s</p>",
                 p.id, pg->t->param, w->photo_file, w->photo_hint);
        portal_csrf_field(pg, &b);
        web_html(&b, "<button type=\"submit\">%s</button></form>", w->upload);
    }
    web_buf_puts(&b, "</section>");
    web_layout_end(&b, pg->t);
    portal_finish(pg, status, &b);
}

static void shown_page(page_t *pg)
{
    shown_desk(pg, 200, NULL);
}

/* POST /admin/products/{id}/names */
static void names_post(page_t *pg)
{
    gi_error_t err;
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    gi_err_t rc =
        may_change(pg)
            ? gi_act_product_names(&ctx, &pg->account, pg->id, portal_field(pg, "name_vi"),
                                   portal_field(pg, "name_th"), &err)
            : gi_fail_rule(&err, GI_EFORBIDDEN, GI_RULE_ROLE_NOT_ALLOWED, "%s", pg->p->forbidden);
    char to[64];
    back_to(pg, to, sizeof to);
    pg->get_path = to;
    if (rc == GI_EINVAL) {
        portal_problem_t pr = {strncmp(err.msg, "Thai", 4) == 0 ? "name_th" : "name_vi",
                               web_rule_message(pg->rq->lang, rc, &err)};
        shown_desk(pg, portal_problem_status(rc), &pr);
        return;
    }
    portal_after_change(pg, rc, &err, to);
}

/* POST /admin/products/{id}/photo */
static void photo_post(page_t *pg)
{
    gi_error_t err;
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    size_t len = 0;
    const unsigned char *data = pg->rq->form ? web_form_file(pg->rq->form, "photo", &len) : NULL;
    gi_err_t rc;
    if (!may_change(pg))
        rc = gi_fail_rule(&err, GI_EFORBIDDEN, GI_RULE_ROLE_NOT_ALLOWED, "%s", pg->p->forbidden);
    else if (!data || len == 0)
        rc = gi_fail(&err, GI_EINVAL, "%s", web_words_text(pg->rq->lang)->no_file);
    else
        rc = gi_act_product_photo(&ctx, &pg->account, pg->id, data, len, &err);
    char to[64];
    back_to(pg, to, sizeof to);
    portal_after_change(pg, rc, &err, to);
}

const portal_route_t portal_words_routes[] = {
    {"GET", "/admin/products/{id}/shown", PORTAL_DESK, shown_page, NULL},
    {"POST", "/admin/products/{id}/names", PORTAL_DESK, names_post, NULL},
    {"POST", "/admin/products/{id}/photo", PORTAL_DESK, photo_post, NULL},
};
const size_t portal_words_route_count = sizeof portal_words_routes / sizeof portal_words_routes[0];
