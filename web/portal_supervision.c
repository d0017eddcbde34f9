/*
 * portal_supervision.c - the supervision desk of regulators and auditors:
 * credit classes (as of a date, each with its rules and evidence), random
 * inspection draws (a form for regulators, every draw whole), the registers,
 * and inspections with their export for publication. Every list is narrowed
 * to the account's region by gi/grade.c and gi/inspect.c. Operators never
 * reach these pages (PORTAL_DESK); consumers and visitors neither.
 */
#include "gi/inspect.h"
#include "web/layout.h"
#include "web/portal_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const web_supervision_text_t *words(const page_t *pg)
{
    return web_supervision_text(pg->rq->lang);
}

/* The server's classes (the default set for a caller that gave none). */
static const gi_grade_config_t *grades_of(const page_t *pg)
{
    return pg->rq->settings->grades ? pg->rq->settings->grades : gi_grade_config_default();
}

/* A rule of the credit classes in the page's language: what it counts. */
static const char *rule_words(web_lang_t lang, const gi_grade_rule_t *r)
{
    const char *w = web_word(lang, "grade_rule", r->key);
    return w != r->key ? w : r->what;
}

/* A fact's stored word (an inspection's result, a check's mark) in words. */
static const char *fact_word(web_lang_t lang, const char *v)
{
    const char *w = web_word(lang, "result", v);
    return w != v ? w : web_word(lang, "mark", v);
}

static int is_regulator(const page_t *pg)
{
    return strcmp(pg->account.role, "regulator") == 0;
}

static const char *query(page_t *pg, const char *name)
{
    return pg->rq->query(pg->rq->query_arg, name);
}

static void nav(page_t *pg, web_buf_t *b)
{
    const web_supervision_text_t *w = words(pg);
    static const char *const paths[] = {"/admin/supervision", "/admin/supervision/draws",
                                        "/admin/supervision/inspections"};
    const char *labels[] = {w->grades_title, w->draws_title, w->inspections_title};
    portal_admin_nav(pg, b);
    web_buf_puts(b, "<nav class=\"tabs\" aria-label=\"supervision\"><ul>");
    for (int i = 0; i < 3; i++)
        web_html(b, "<li><a href=\"%s?lang=%s\"%s>%s</a></li>", paths[i], pg->t->param,
                 strcmp(pg->rq->path, paths[i]) == 0 ? " aria-current=\"page\"" : "", labels[i]);
    web_buf_puts(b, "</ul></nav>");
}

static void begin(page_t *pg, web_buf_t *b, const char *title)
{
    portal_frame_begin(pg, b, title);
    nav(pg, b);
    portal_heading(pg, b, title);
}

static void end_status(page_t *pg, web_buf_t *b, unsigned status)
{
    web_layout_end(b, pg->t);
    portal_finish(pg, status, b);
}

static void end(page_t *pg, web_buf_t *b)
{
    end_status(pg, b, 200);
}

/* --- credit classes ------------------------------------------------------------------------ */

typedef struct {
    page_t *pg;
    web_buf_t *b;
    int64_t per_class[GI_GRADE_CLASSES_MAX];
} grades_t;

static int grade_row(const gi_grade_t *g, void *arg)
{
    grades_t *x = arg;
    int k = gi_grade_class_index(grades_of(x->pg), g->class_name);
    if (k >= 0)
        x->per_class[k]++;
    web_html(x->b,
             "<tr><td><a href=\"/admin/supervision/operators/%D?as_of=%s&amp;lang=%s\">%D</a></td>"
             "<td>%s</td><td class=\"serial\">%s</td><td><strong>%s</strong>%s%s</td><td>%D</td>"
             "<td>%s</td></tr>",
             g->operator_id, g->as_of, x->pg->t->param, g->operator_id, g->operator_name,
             g->operator_uscc, g->class_name, g->imported ? " &middot; " : "",
             g->imported ? words(x->pg)->imported : "", g->points, g->derived);
    return 0;
}

static void as_of_form(page_t *pg, web_buf_t *b, const char *as_of)
{
    const web_supervision_text_t *w = words(pg);
    web_html(b,
             "<form method=\"get\" class=\"inline\"><input type=\"hidden\" name=\"lang\" "
             "value=\"%s\"><label for=\"as_of\">%s</label><input id=\"as_of\" name=\"as_of\" "
             "type=\"date\" value=\"%s\"><button type=\"submit\">%s</button></form>",
             pg->t->param, w->as_of, as_of, w->show);
}

static void grades_page(page_t *pg)
{
    const web_supervision_text_t *w = words(pg);
    const char *as_of = query(pg, "as_of");
    web_buf_t b;
    gi_error_t err;
    grades_t x = {pg, &b, {0}};
    begin(pg, &b, w->grades_title);
    web_html(&b, "<p class=\"scope\">%s</p>", w->internal);
    as_of_form(pg, &b, as_of ? as_of : "");
    const char *headings[] = {"#", w->operator_name, w->uscc, w->class_name, w->points, w->derived};
    portal_table_begin(&b, w->grades_title, 1, headings, 6);
    gi_err_t rc = gi_grade_all(pg->ctx, &pg->account, grades_of(pg), "", 0, as_of ? as_of : "",
                               grade_row, &x, &err);
    if (rc != GI_OK) {
        web_buf_free(&b);
        portal_error(pg, rc, &err);
        return;
    }
    web_buf_puts(&b, "</tbody></table></div><ul class=\"figures\">");
    for (int k = 0; k < grades_of(pg)->n; k++)
        web_html(&b, "<li>%s %s: %D</li>", w->class_name, grades_of(pg)->c[k].name, x.per_class[k]);
    web_buf_puts(&b, "</ul>");
    end(pg, &b);
}

static void grade_page(page_t *pg)
{
    const web_supervision_text_t *w = words(pg);
    const char *as_of = query(pg, "as_of");
    gi_grade_t g;
    gi_error_t err;
    gi_grade_evidence_t *ev = calloc(1, sizeof *ev);
    if (!ev) {
        gi_error_t oom = {"out of memory", GI_RULE_NONE};
        portal_error(pg, GI_ENOMEM, &oom);
        return;
    }
    gi_err_t rc =
        gi_grade_of(pg->ctx, &pg->account, grades_of(pg), pg->id, as_of ? as_of : "", &g, ev, &err);
    if (rc != GI_OK) {
        free(ev);
        portal_error(pg, rc, &err);
        return;
    }
    web_buf_t b;
    begin(pg, &b, w->grades_title);
    web_html(&b, "<p class=\"scope\">%s</p>", w->internal);
    as_of_form(pg, &b, g.as_of);
    web_html(&b,
             "<section class=\"card\"><h2>%s <span class=\"serial\">%s</span></h2>"
             "<p>%s %s: <strong>%s</strong> (%s %D; %s %s)</p>",
             g.operator_name, g.operator_uscc, w->as_of, g.as_of, g.class_name, w->points, g.points,
             w->derived, g.derived);
    if (g.imported)
        web_html(&b, "<p>%s: %s, %s %s</p>", w->imported, g.import_source, w->as_of,
                 g.import_as_of);
    web_buf_puts(&b, "</section>");
    const char *headings[] = {w->rule, w->window_days, w->weight, w->facts, w->points, w->evidence};
    portal_table_begin(&b, w->evidence, 1, headings, 6);
    size_t n;
    const gi_grade_rule_t *r = gi_grade_rules(&n);
    for (size_t i = 0; i < n; i++) {
        web_html(&b,
                 "<tr><td>%s</td><td>%d</td><td>%d</td><td>%D</td>"
                 "<td>%D</td><td>",
                 rule_words(pg->rq->lang, &r[i]), r[i].window_days, r[i].weight, g.count[i],
                 g.points_of[i]);
        for (int k = 0; k < ev->n[i]; k++)
            web_html(&b, "<span class=\"serial\">#%D %s %s</span><br>", ev->facts[i][k].ref_id,
                     fact_word(pg->rq->lang, ev->facts[i][k].ref),
                     fact_word(pg->rq->lang, ev->facts[i][k].detail));
        web_buf_puts(&b, "</td></tr>");
    }
    web_buf_puts(&b, "</tbody></table></div>");
    free(ev);
    end(pg, &b);
}

/* --- draws ----------------------------------------------------------------------------------- */

static int draw_row(json_t *d, void *arg)
{
    page_t *pg = ((void **)arg)[0];
    web_buf_t *b = ((void **)arg)[1];
    char actor[96];
    web_html(b,
             "<tr><td><a href=\"/admin/supervision/draws/%D?lang=%s\">%D</a></td><td>%D</td>"
             "<td>%s</td><td>%D</td><td>%s</td><td class=\"serial\">%s</td></tr>",
             (int64_t)json_integer_value(json_object_get(d, "id")), pg->t->param,
             (int64_t)json_integer_value(json_object_get(d, "id")),
             (int64_t)json_integer_value(json_object_get(d, "year")),
             json_string_value(json_object_get(d, "office")),
             (int64_t)json_array_size(json_object_get(d, "result")),
             portal_actor(pg->rq->lang, json_string_value(json_object_get(d, "actor")), actor,
                          sizeof actor),
             json_string_value(json_object_get(d, "seed")));
    return 0;
}

static void registers(page_t *pg, web_buf_t *b)
{
    const web_supervision_text_t *w = words(pg);
    json_t *items = NULL, *insp = NULL;
    gi_error_t err;
    if (gi_registers_json(pg->ctx, &pg->account, &items, &insp, &err) != GI_OK)
        return;
    size_t i;
    json_t *v;
    web_html(b, "<h2>%s</h2>", w->items_title);
    const char *ih[] = {"#", w->rule, w->legal_basis};
    portal_table_begin(b, w->items_title, 0, ih, 3);
    json_array_foreach(items, i, v) web_html(b, "<tr><td>%D</td><td>%s</td><td>%s</td></tr>",
                                             (int64_t)json_integer_value(json_object_get(v, "id")),
                                             json_string_value(json_object_get(v, "name")),
                                             json_string_value(json_object_get(v, "legal_basis")));
    web_buf_puts(b, "</tbody></table></div>");
    web_html(b, "<h2>%s</h2>", w->inspectors_title);
    const char *nh[] = {"#", w->name, w->cert_no, w->field, w->office, w->conflicts};
    portal_table_begin(b, w->inspectors_title, 0, nh, 6);
    json_array_foreach(insp, i, v)
        web_html(b,
                 "<tr><td>%D</td><td>%s</td><td class=\"serial\">%s</td><td>%s</td><td>%s</td>"
                 "<td>%D</td></tr>",
                 (int64_t)json_integer_value(json_object_get(v, "id")),
                 json_string_value(json_object_get(v, "name")),
                 json_string_value(json_object_get(v, "cert_no")),
                 json_string_value(json_object_get(v, "field")),
                 json_string_value(json_object_get(v, "region")),
                 (int64_t)json_array_size(json_object_get(v, "conflicts")));
    web_buf_puts(b, "</tbody></table></div>");
    json_decref(items);
    json_decref(insp);
}

/* GET /admin/supervision/draws, and the same page after a refused plan (pr). */
static void draws_desk(page_t *pg, unsigned status, const portal_problem_t *pr)
{
    const web_supervision_text_t *w = words(pg);
    web_buf_t b;
    gi_error_t err;
    begin(pg, &b, w->draws_title);
    if (is_regulator(pg)) {
        web_html(&b, "<section class=\"card\" id=\"plan\"><h2>%s</h2>", w->plan);
        portal_form_problem(pg, &b, pr, "/admin/supervision/draws");
        web_html(&b, "<form method=\"post\" action=\"/admin/supervision/draws?lang=%s\">",
                 pg->t->param);
        portal_csrf_field(pg, &b);
        const char *ratios =
            pg->rq->settings->draw_ratios ? pg->rq->settings->draw_ratios : GI_DRAW_RATIOS_DEFAULT;
        portal_input(&b, pr, "d", "ratios", w->ratios, NULL, portal_kept(pg, pr, "ratios", ratios),
                     "maxlength=\"80\" required");
        portal_input(&b, pr, "d", "inspectors", w->inspectors_per_target, NULL,
                     portal_kept(pg, pr, "inspectors", "2"), "type=\"number\" min=\"2\" max=\"8\"");
        int exclude = !pr || strcmp(portal_field(pg, "exclude_inspected"), "1") == 0;
        web_html(&b,
                 "<label><input type=\"checkbox\" name=\"exclude_inspected\" value=\"1\"%s> "
                 "%s</label>",
                 exclude ? " checked" : "", w->exclude_inspected);
        portal_input(&b, pr, "d", "seed", w->seed, w->seed_hint, portal_kept(pg, pr, "seed", ""),
                     "maxlength=\"64\" pattern=\"[0-9a-f]{64}\"");
        web_html(&b, "<button type=\"submit\">%s</button></form></section>", w->draw);
    }
    const char *headings[] = {"#", w->year, w->office, w->targets, pg->p->actor, w->seed};
    portal_table_begin(&b, w->draws_title, 1, headings, 6);
    void *arg[2] = {pg, &b};
    db_page_t page = {.offset = 0, .limit = 200};
    gi_err_t rc = gi_draw_list(pg->ctx, &pg->account, 0, page, draw_row, arg, &err);
    if (rc != GI_OK) {
        web_buf_free(&b);
        portal_error(pg, rc, &err);
        return;
    }
    web_buf_puts(&b, "</tbody></table></div>");
    registers(pg, &b);
    end_status(pg, &b, status);
}

static void draws_page(page_t *pg)
{
    draws_desk(pg, 200, NULL);
}

/* The field of a refused plan: the one its message begins with, "" for the form. */
static const char *draw_field(const gi_error_t *err)
{
    static const portal_prefix_t fields[] = {{"inspectors", "inspectors"},
                                             {"seed", "seed"},
                                             {"ratio", "ratios"},
                                             {"draw ratios", "ratios"}};
    return portal_field_of(err->msg, fields, sizeof fields / sizeof fields[0]);
}

static int draw_one(json_t *d, void *arg)
{
    json_t **out = arg;
    *out = json_incref(d);
    return 1;
}

static void draw_page(page_t *pg)
{
    const web_supervision_text_t *w = words(pg);
    json_t *d = NULL;
    gi_error_t err;
    db_page_t page = {.offset = 0, .limit = 1};
    gi_err_t rc = gi_draw_list(pg->ctx, &pg->account, pg->id, page, draw_one, &d, &err);
    if (rc == GI_OK && !d)
        rc = gi_fail(&err, GI_ENOTFOUND, "not found");
    if (rc != GI_OK) {
        portal_error(pg, rc, &err);
        return;
    }
    web_buf_t b;
    begin(pg, &b, w->draw_title);
    json_t *pop = json_object_get(d, "population");
    web_html(&b,
             "<section class=\"card\"><h2>%s %D</h2><p>%s: <span class=\"serial\">%s</span></p>"
             "<p>%s: ",
             w->draw_title, (int64_t)json_integer_value(json_object_get(d, "id")), w->seed,
             json_string_value(json_object_get(d, "seed")), w->plan);
    portal_detail(&b, pg->rq->lang, "inspection_draw", json_object_get(d, "plan"));
    web_html(&b, "</p><p>%s: %D</p></section>", w->population,
             (int64_t)json_array_size(json_object_get(pop, "operators")));
    const char *headings[] = {"#", w->operator_name, w->uscc, w->class_name, w->inspectors_title};
    portal_table_begin(&b, w->targets, 1, headings, 5);
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(d, "result"), i, t)
    {
        char *insp = json_dumps(json_object_get(t, "inspectors"), JSON_COMPACT);
        web_html(&b,
                 "<tr><td>%D</td><td>%s</td><td class=\"serial\">%s</td><td>%s</td>"
                 "<td>%s</td></tr>",
                 (int64_t)json_integer_value(json_object_get(t, "operator_id")),
                 json_string_value(json_object_get(t, "name")),
                 json_string_value(json_object_get(t, "uscc")),
                 json_string_value(json_object_get(t, "class")), insp ? insp : "");
        free(insp);
    }
    web_buf_puts(&b, "</tbody></table></div>");
    json_decref(d);
    end(pg, &b);
}

/* POST /admin/supervision/draws */
static void draw_post(page_t *pg)
{
    gi_draw_plan_t p = {.inspectors_per_target = 2};
    gi_error_t err;
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    int64_t n = 0, id = 0;
    const char *insp = portal_field(pg, "inspectors");
    gi_err_t rc = GI_OK;
    if (insp[0] && gi_parse_whole(insp, 2, GI_DRAW_INSPECTORS_MAX, &n) != 0)
        rc = gi_fail_rule(&err, GI_EINVAL, GI_RULE_DRAW_PLAN_INVALID,
                          "inspectors per target: 2 to %d", GI_DRAW_INSPECTORS_MAX);
    if (n)
        p.inspectors_per_target = (int)n;
    p.exclude_inspected = strcmp(portal_field(pg, "exclude_inspected"), "1") == 0;
    if (rc == GI_OK)
        rc = gi_draw_ratios_parse(portal_field(pg, "ratios"), grades_of(pg), &p, &err);
    json_t *out = NULL;
    if (rc == GI_OK)
        rc = gi_draw(&ctx, &pg->account, grades_of(pg), &p, portal_field(pg, "seed"), 0, &out, &id,
                     &err);
    json_decref(out);
    pg->get_path = "/admin/supervision/draws";
    if (rc == GI_EINVAL || rc == GI_EEXISTS || rc == GI_EREFUSED) {
        portal_problem_t pr = {draw_field(&err), web_rule_message(pg->rq->lang, rc, &err)};
        draws_desk(pg, portal_problem_status(rc), &pr);
        return;
    }
    if (rc != GI_OK) {
        portal_error(pg, rc, &err);
        return;
    }
    char to[64];
    snprintf(to, sizeof to, "/admin/supervision/draws/%lld", (long long)id);
    portal_redirect(pg, to, 1);
}

/* --- inspections ---------------------------------------------------------------------------- */

static int inspection_row(json_t *v, void *arg)
{
    page_t *pg = ((void **)arg)[0];
    web_buf_t *b = ((void **)arg)[1];
    json_t *pub = json_object_get(v, "published_at");
    web_html(b,
             "<tr><td>%D</td><td>%s</td><td>%s</td><td>%s</td><td class=\"serial\">%s</td>"
             "<td>%s</td><td>%s</td><td>%s</td></tr>",
             (int64_t)json_integer_value(json_object_get(v, "id")),
             json_string_value(json_object_get(v, "date")),
             json_string_value(json_object_get(v, "body")),
             json_string_value(json_object_get(v, "operator")),
             json_string_value(json_object_get(v, "uscc")),
             web_word(pg->rq->lang, "result", json_string_value(json_object_get(v, "result"))),
             json_string_value(json_object_get(v, "rectify_by")), json_is_integer(pub) ? "✓" : "");
    return 0;
}

/* The form that records an inspection (regulators): fresh, or after a
 * refusal (pr) as typed. */
static void inspection_form(page_t *pg, web_buf_t *b, const portal_problem_t *pr)
{
    const web_supervision_text_t *w = words(pg);
    static const char *const marks[] = {"pass", "fail", "na"};
    char today[GI_DATE_LEN + 1];
    gi_date_of(pg->ctx->now, today);
    web_html(b, "<section class=\"card\" id=\"record\"><h2>%s</h2>", w->record);
    portal_form_problem(pg, b, pr, "/admin/supervision/inspections");
    web_html(b, "<form method=\"post\" action=\"/admin/supervision/inspections?lang=%s\">",
             pg->t->param);
    portal_csrf_field(pg, b);
    static const char *const id_attrs = "inputmode=\"numeric\" maxlength=\"18\"";
    portal_input(b, pr, "i", "operator_id", w->operator_id, NULL,
                 portal_kept(pg, pr, "operator_id", ""),
                 "inputmode=\"numeric\" maxlength=\"18\" required");
    portal_input(b, pr, "i", "product_id", w->product_id, NULL,
                 portal_kept(pg, pr, "product_id", ""), id_attrs);
    portal_input(b, pr, "i", "draw_id", w->draw_id, NULL, portal_kept(pg, pr, "draw_id", ""),
                 id_attrs);
    portal_input(b, pr, "i", "body", w->body, NULL, portal_kept(pg, pr, "body", ""),
                 "maxlength=\"100\" required");
    portal_input(b, pr, "i", "date", w->date, NULL, portal_kept(pg, pr, "date", today),
                 "type=\"date\" required");
    portal_input(b, pr, "i", "inspectors", w->inspector_ids, NULL,
                 portal_kept(pg, pr, "inspectors", ""), "maxlength=\"160\" required");
    web_html(b, "<fieldset><legend>%s</legend>", w->checks);
    for (int i = 0; i < DB_CHECKS; i++)
        portal_select(b, pr, "i", gi_check_keys[i], w->check_names[i], marks, w->check_marks, 3,
                      portal_kept(pg, pr, gi_check_keys[i], "na"));
    web_buf_puts(b, "</fieldset>");
    size_t nresults = 0;
    while (gi_inspection_results[nresults])
        nresults++;
    portal_select(b, pr, "i", "result", w->result, gi_inspection_results, w->result_names, nresults,
                  portal_kept(pg, pr, "result", ""));
    portal_input(b, pr, "i", "rectify_by", w->rectify_by, NULL,
                 portal_kept(pg, pr, "rectify_by", ""), "type=\"date\"");
    web_html(b, "<label for=\"i-note\">%s</label>", pg->p->note);
    portal_field_error(b, pr, "i", "note");
    web_html(b,
             "<textarea id=\"i-note\" name=\"note\" maxlength=\"300\">%s</textarea>"
             "<button type=\"submit\">%s</button></form></section>",
             portal_kept(pg, pr, "note", ""), w->record);
}

/* The field of a refused inspection: the one its message begins with, "" for the form. */
static const char *inspection_field(const gi_error_t *err)
{
    static const portal_prefix_t fields[] = {{"operator", "operator_id"},
                                             {"date", "date"},
                                             {"result", "result"},
                                             {"rectify", "rectify_by"},
                                             {"a date to rectify", "rectify_by"},
                                             {"inspector", "inspectors"},
                                             {"body", "body"},
                                             {"note", "note"}};
    return portal_field_of(err->msg, fields, sizeof fields / sizeof fields[0]);
}

/* An optional id field: 0 when empty; -1 when not an id. */
static int field_id(page_t *pg, const char *name, int64_t *out)
{
    const char *v = portal_field(pg, name);
    *out = 0;
    return v[0] && gi_parse_id(v, out) != 0 ? -1 : 0;
}

static void inspections_desk(page_t *pg, unsigned status, const portal_problem_t *pr);

/* POST /admin/supervision/inspections */
static void inspection_post(page_t *pg)
{
    gi_inspection_input_t in = {0};
    int64_t ids[GI_DRAW_INSPECTORS_MAX + 1], id = 0;
    gi_error_t err;
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    gi_err_t rc = GI_OK;
    if (field_id(pg, "operator_id", &in.operator_id) != 0 || in.operator_id == 0 ||
        field_id(pg, "product_id", &in.product_id) != 0 ||
        field_id(pg, "draw_id", &in.draw_id) != 0)
        rc = gi_fail_rule(&err, GI_EINVAL, GI_RULE_INSPECTION_INVALID,
                          "operator, product and draw: record numbers");
    const char *list = portal_field(pg, "inspectors");
    while (rc == GI_OK && *list) {
        char one[24];
        size_t n = strcspn(list, ", ");
        if (n == 0) {
            list++;
            continue;
        }
        if (in.ninspectors > GI_DRAW_INSPECTORS_MAX || n >= sizeof one) {
            rc = gi_fail_rule(&err, GI_EINVAL, GI_RULE_INSPECTION_INVALID,
                              "inspectors: 2 to %d record numbers", GI_DRAW_INSPECTORS_MAX);
            break;
        }
        memcpy(one, list, n);
        one[n] = '\0';
        if (gi_parse_id(one, &ids[in.ninspectors++]) != 0)
            rc = gi_fail_rule(&err, GI_EINVAL, GI_RULE_INSPECTION_INVALID,
                              "inspectors: record numbers");
        list += n;
    }
    for (int i = 0; i < DB_CHECKS; i++)
        in.checks[i] = portal_field(pg, gi_check_keys[i]);
    in.inspectors = ids;
    in.body = portal_field(pg, "body");
    in.date = portal_field(pg, "date");
    in.result = portal_field(pg, "result");
    in.rectify_by = portal_field(pg, "rectify_by");
    in.note = portal_field(pg, "note");
    if (rc == GI_OK)
        rc = gi_inspection_add(&ctx, &pg->account, &in, &id, &err);
    pg->get_path = "/admin/supervision/inspections";
    if (rc == GI_EINVAL || rc == GI_EEXISTS || rc == GI_EREFUSED) {
        portal_problem_t pr = {inspection_field(&err), web_rule_message(pg->rq->lang, rc, &err)};
        inspections_desk(pg, portal_problem_status(rc), &pr);
        return;
    }
    portal_after_change(pg, rc, &err, "/admin/supervision/inspections");
}

/* GET /admin/supervision/inspections, and the same page after a refused
 * inspection (pr). */
static void inspections_desk(page_t *pg, unsigned status, const portal_problem_t *pr)
{
    const web_supervision_text_t *w = words(pg);
    const char *y = query(pg, "year");
    int64_t year = 0;
    gi_error_t err;
    if (y && y[0] && gi_parse_whole(y, 2000, 2999, &year) != 0) {
        gi_fail_rule(&err, GI_EINVAL, GI_RULE_YEAR_INVALID, "year: 2000 to 2999");
        portal_error(pg, GI_EINVAL, &err);
        return;
    }
    web_buf_t b;
    begin(pg, &b, w->inspections_title);
    if (is_regulator(pg)) {
        char today[GI_DATE_LEN + 1];
        gi_date_of(pg->ctx->now, today);
        today[4] = '\0'; /* the year */
        web_html(&b,
                 "<form method=\"post\" action=\"/admin/supervision/publish?lang=%s\" "
                 "class=\"inline\">",
                 pg->t->param);
        portal_csrf_field(pg, &b);
        web_html(&b,
                 "<label for=\"year\">%s</label><input id=\"year\" name=\"year\" "
                 "type=\"number\" min=\"2000\" max=\"2999\" value=\"%s\" required>"
                 "<button type=\"submit\">%s</button><small>%s</small></form>",
                 w->year, today, w->publish, w->publish_hint);
        inspection_form(pg, &b, pr);
    }
    const char *headings[] = {"#",     w->date,   w->body,       w->operator_name,
                              w->uscc, w->result, w->rectify_by, w->published};
    portal_table_begin(&b, w->inspections_title, 1, headings, 8);
    db_page_t page = {.offset = 0, .limit = 500};
    void *row_arg[] = {pg, &b};
    gi_err_t rc =
        gi_inspection_list(pg->ctx, &pg->account, year, page, inspection_row, row_arg, &err);
    if (rc != GI_OK) {
        web_buf_free(&b);
        portal_error(pg, rc, &err);
        return;
    }
    web_buf_puts(&b, "</tbody></table></div>");
    end_status(pg, &b, status);
}

static void inspections_page(page_t *pg)
{
    inspections_desk(pg, 200, NULL);
}

/* POST /admin/supervision/publish: the CSV, the publication date recorded */
static void publish_post(page_t *pg)
{
    int64_t year = 0, n = 0;
    gi_error_t err;
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    if (gi_parse_whole(portal_field(pg, "year"), 2000, 2999, &year) != 0) {
        gi_fail_rule(&err, GI_EINVAL, GI_RULE_YEAR_INVALID, "year: 2000 to 2999");
        portal_error(pg, GI_EINVAL, &err);
        return;
    }
    char *csv = NULL;
    size_t len = 0;
    gi_err_t rc = gi_inspection_publish(&ctx, &pg->account, year, &csv, &len, &n, &err);
    if (rc != GI_OK) {
        portal_error(pg, rc, &err);
        return;
    }
    web_buf_t b;
    web_buf_init(&b, len + 1);
    web_buf_add(&b, csv, len);
    free(csv);
    portal_finish(pg, 200, &b);
    pg->out->content_type = "text/csv; charset=utf-8";
    snprintf(pg->out->filename, sizeof pg->out->filename, "inspections-%lld.csv", (long long)year);
}

const portal_route_t portal_supervision_routes[] = {
    {"GET", "/admin/supervision", PORTAL_DESK, grades_page, NULL},
    {"GET", "/admin/supervision/operators/{id}", PORTAL_DESK, grade_page, NULL},
    {"GET", "/admin/supervision/draws", PORTAL_DESK, draws_page, NULL},
    {"GET", "/admin/supervision/draws/{id}", PORTAL_DESK, draw_page, NULL},
    {"POST", "/admin/supervision/draws", PORTAL_DESK, draw_post, NULL},
    {"GET", "/admin/supervision/inspections", PORTAL_DESK, inspections_page, NULL},
    {"POST", "/admin/supervision/inspections", PORTAL_DESK, inspection_post, NULL},
    {"POST", "/admin/supervision/publish", PORTAL_DESK, publish_post, NULL},
};
const size_t portal_supervision_route_count =
    sizeof portal_supervision_routes / sizeof portal_supervision_routes[0];
