/*
 * portal_annual.c - the annual supervision report on the regulators' desk
 * (gi/annual.h): the report of the account's region scope as tables, its CSV
 * and PDF, and the forms of the texts the office writes.
 *
 *     GET  /admin/annual?year=Y[&format=csv|pdf]
 *     POST /admin/annual/text   year, section, body (regulators; until closed)
 */
#include "gi/annual.h"
#include "web/i18n.h"
#include "web/layout.h"
#include "web/portal_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int write_buf(void *arg, const unsigned char *p, size_t n)
{
    web_buf_add(arg, (const char *)p, n);
    return 0;
}

/* A text of the report in the page's language: one half of its bilingual
 * titles, a stored word (verdict, report status, inspection result) in words. */
static const char *shown(web_lang_t lang, const char *text, char *out, size_t cap)
{
    static const char *const fields[] = {"verdict", "report", "result"};
    for (size_t i = 0; text && i < sizeof fields / sizeof fields[0]; i++) {
        const char *w = web_word(lang, fields[i], text);
        if (w != text)
            return w;
    }
    return web_bilingual(lang, text, out, cap);
}

static void cell(web_buf_t *b, web_lang_t lang, const json_t *v)
{
    char half[256];
    if (json_is_integer(v))
        web_html(b, "<td class=\"num\">%D</td>", (int64_t)json_integer_value(v));
    else
        web_html(b, "<td>%s</td>", shown(lang, json_string_value(v), half, sizeof half));
}

static void tables(web_buf_t *b, web_lang_t lang, const json_t *sec, const char *sec_title)
{
    size_t i, j, k;
    const json_t *t, *r, *v;
    json_array_foreach(json_object_get(sec, "tables"), i, t)
    {
        const json_t *cols = json_object_get(t, "columns");
        const char *heads[16];
        char head_text[16][96], title[256];
        size_t n = json_array_size(cols) < 16 ? json_array_size(cols) : 16;
        for (k = 0; k < n; k++)
            heads[k] = web_bilingual(lang, json_string_value(json_array_get(cols, k)), head_text[k],
                                     sizeof head_text[k]);
        web_bilingual(lang, json_string_value(json_object_get(t, "title")), title, sizeof title);
        web_html(b, "<h3>%s</h3>", title);
        /* two sections may hold tables of one title (by product): the
         * table's region is named by both, each name once on the page */
        char label[600];
        snprintf(label, sizeof label, "%s: %s", sec_title, title);
        portal_table_begin(b, label, 0, heads, n);
        json_array_foreach(json_object_get(t, "rows"), j, r)
        {
            web_buf_puts(b, "<tr>");
            json_array_foreach(r, k, v) cell(b, lang, v);
            web_buf_puts(b, "</tr>");
        }
        web_buf_puts(b, "</tbody></table></div>");
    }
}

/* A refused text: the section it was for and the refusal, the text as typed. */
typedef struct {
    const char *section;
    portal_problem_t problem;
} refused_text_t;

static void text_section(page_t *pg, web_buf_t *b, const json_t *r, const json_t *sec, int editable,
                         const refused_text_t *refused)
{
    const web_annual_text_t *w = web_annual_text(pg->rq->lang);
    const char *id = json_string_value(json_object_get(sec, "id"));
    const char *text = json_string_value(json_object_get(sec, "text"));
    char label[256];
    const portal_problem_t *pr =
        refused && id && strcmp(refused->section, id) == 0 ? &refused->problem : NULL;
    if (pr) {
        text = portal_field(pg, "body");
        portal_form_problem(pg, b, pr, "/admin/annual");
    }
    if (!editable) {
        web_html(b, "<p class=\"text\">%s</p>", text && *text ? text : w->not_written);
        return;
    }
    web_html(b,
             "<form method=\"post\" action=\"/admin/annual/text?lang=%s\">"
             "<input type=\"hidden\" name=\"year\" value=\"%D\">"
             "<input type=\"hidden\" name=\"section\" value=\"%s\">"
             "<label for=\"text-%s\">%s</label>",
             pg->t->param, (int64_t)json_integer_value(json_object_get(r, "year")), id, id,
             web_bilingual(pg->rq->lang, json_string_value(json_object_get(sec, "title")), label,
                           sizeof label));
    portal_field_error(b, pr, "text", id);
    web_html(
        b, "<textarea id=\"text-%s\" name=\"body\" rows=\"5\" maxlength=\"%d\"%s>%s</textarea>", id,
        GI_ANNUAL_TEXT_MAX, pr ? " aria-invalid=\"true\" autofocus" : "", text ? text : "");
    portal_csrf_field(pg, b);
    web_html(b, "<button type=\"submit\">%s</button></form>", w->save);
}

/* Whether the report r has a written section of that id. */
static int has_text_section(const json_t *r, const char *id)
{
    size_t i;
    const json_t *sec;
    json_array_foreach(json_object_get(r, "sections"), i, sec)
    {
        const char *sid = json_string_value(json_object_get(sec, "id"));
        if (json_object_get(sec, "text") && sid && strcmp(sid, id) == 0)
            return 1;
    }
    return 0;
}

/* GET /admin/annual: year_text's report (NULL: last year's), and the same
 * page after a refused text (refused). */
static void annual_desk(page_t *pg, const char *year_text, unsigned status,
                        const refused_text_t *refused)
{
    const web_annual_text_t *w = web_annual_text(pg->rq->lang);
    const char *format = refused ? NULL : pg->rq->query(pg->rq->query_arg, "format");
    int64_t year = atoi(pg->today) - 1;
    gi_error_t err;
    if ((year_text && gi_parse_whole(year_text, 2000, 2999, &year) != 0) ||
        (format && strcmp(format, "csv") && strcmp(format, "pdf"))) {
        gi_fail_rule(&err, GI_EINVAL, GI_RULE_YEAR_INVALID,
                     "year: 2000 - 2999; format: csv or pdf");
        portal_error(pg, GI_EINVAL, &err);
        return;
    }
    int per_year = pg->rq->settings->report_period > 0 ? pg->rq->settings->report_period : 1;
    gi_annual_opts_t o = {(int)year, "", pg->rq->settings->target, per_year,
                          pg->rq->settings->grades};
    json_t *r = NULL;
    gi_err_t rc = gi_annual_view(pg->ctx, &pg->account, &o, &r, &err);
    if (rc != GI_OK) {
        portal_error(pg, rc, &err);
        return;
    }
    web_buf_t b;
    if (format) {
        web_buf_init(&b, 64 * 1024);
        if (format[0] == 'c') {
            char *csv = gi_annual_csv(r);
            if (csv)
                web_buf_puts(&b, csv);
            free(csv);
        } else
            gi_annual_pdf(r, write_buf, &b);
        json_decref(r);
        portal_finish(pg, 200, &b);
        pg->out->content_type = format[0] == 'c' ? "text/csv; charset=utf-8" : "application/pdf";
        snprintf(pg->out->filename, sizeof pg->out->filename, "supervision-%d.%s", (int)year,
                 format);
        return;
    }
    int closed = json_is_true(json_object_get(r, "closed"));
    int editable = !closed && strcmp(pg->account.role, "regulator") == 0;
    char title[200];
    snprintf(title, sizeof title, "%s %d", w->title, (int)year);
    portal_frame_begin(pg, &b, title);
    portal_admin_nav(pg, &b);
    portal_heading(pg, &b, title);
    web_html(&b,
             "<form method=\"get\" action=\"/admin/annual\" class=\"inline\">"
             "<input type=\"hidden\" name=\"lang\" value=\"%s\"><label>%s <input name=\"year\" "
             "value=\"%D\" type=\"number\" min=\"2000\" max=\"2999\"></label>"
             "<button type=\"submit\">%s</button></form>",
             pg->t->param, w->year, year, w->show);
    web_html(&b, "<p class=\"hint\">%s", closed ? w->closed : w->open);
    if (!closed) /* a command: the same words in every language */
        web_buf_puts(&b, " <code lang=\"en\">gimark supervision close</code>");
    web_html(&b,
             "</p><p class=\"scope\">%s <span class=\"serial\">%s</span></p>"
             "<p><a href=\"/admin/annual?year=%D&amp;format=csv\">%s</a> "
             "<a href=\"/admin/annual?year=%D&amp;format=pdf\">%s</a></p>",
             w->scope, pg->account.region_scope[0] ? pg->account.region_scope : "*", year, w->csv,
             year, w->pdf);
    size_t i;
    const json_t *sec;
    if (refused && editable && !has_text_section(r, refused->section)) {
        portal_problem_t whole = {"", refused->problem.msg};
        portal_form_problem(pg, &b, &whole, "/admin/annual");
    }
    json_array_foreach(json_object_get(r, "sections"), i, sec)
    {
        char sec_title[256];
        web_html(&b, "<section class=\"card\" id=\"%s\"><h2>%s</h2>",
                 json_string_value(json_object_get(sec, "id")),
                 web_bilingual(pg->rq->lang, json_string_value(json_object_get(sec, "title")),
                               sec_title, sizeof sec_title));
        tables(&b, pg->rq->lang, sec, sec_title);
        if (json_object_get(sec, "text"))
            text_section(pg, &b, r, sec, editable, refused);
        web_buf_puts(&b, "</section>");
    }
    web_html(&b, "<p class=\"hint\">%s</p>", editable ? w->edit_hint : w->closed_hint);
    json_decref(r);
    web_layout_end(&b, pg->t);
    portal_finish(pg, status, &b);
}

static void annual_page(page_t *pg)
{
    annual_desk(pg, pg->rq->query(pg->rq->query_arg, "year"), 200, NULL);
}

static void save_text(page_t *pg)
{
    int64_t year = 0;
    gi_error_t err;
    if (gi_parse_whole(portal_field(pg, "year"), 2000, 2999, &year) != 0) {
        gi_fail_rule(&err, GI_EINVAL, GI_RULE_YEAR_INVALID, "year: 2000 - 2999");
        portal_error(pg, GI_EINVAL, &err);
        return;
    }
    const char *section = portal_field(pg, "section");
    gi_err_t rc = gi_annual_act_text(pg->ctx, &pg->account, (int)year, section,
                                     portal_field(pg, "body"), &err);
    pg->get_path = "/admin/annual";
    if (rc == GI_EINVAL) {
        refused_text_t refused = {section, {section, web_rule_message(pg->rq->lang, rc, &err)}};
        annual_desk(pg, portal_field(pg, "year"), 400, &refused);
        return;
    }
    if (rc != GI_OK) {
        portal_error(pg, rc, &err);
        return;
    }
    pg->out->status = 303;
    snprintf(pg->out->location, sizeof pg->out->location, "/admin/annual?year=%d&done=1&lang=%s",
             (int)year, pg->t->param);
}

const portal_route_t portal_annual_routes[] = {
    {"GET", "/admin/annual", PORTAL_DESK, annual_page, NULL},
    {"POST", "/admin/annual/text", PORTAL_DESK, save_text, NULL},
};
const size_t portal_annual_route_count =
    sizeof portal_annual_routes / sizeof portal_annual_routes[0];
