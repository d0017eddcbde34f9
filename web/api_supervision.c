/*
 * api_supervision.c - /api/v1/supervision/...: credit classes, registers,
 * draws, inspections, evidence and publication, for regulators (changes)
 * and auditors (reads). Operators are answered 403 on every route: classes
 * and inspection records are the regulators' (gi/grade.h says why).
 *
 *     GET  supervision/grades?as_of=&region=     GET  supervision/grades/{operator}?as_of=
 *     POST supervision/grades/{operator}/import  {"class", "as_of", "source"}
 *     POST supervision/findings                  {"report_id", "outcome", "note"}
 *     GET  supervision/registers                 POST supervision/items  POST
 * supervision/inspectors POST supervision/inspectors/{id}/conflicts {"operator_id", "reason"} GET
 * supervision/plan?ratios=&office=&year=&exclude_inspected=1&inspectors= GET  supervision/draws GET
 * supervision/draws/{id}   POST supervision/draws (the plan, "seed") GET
 * supervision/inspections?year=  GET supervision/inspections/{id}  POST supervision/inspections
 *     POST supervision/inspections/{id}/evidence {"name", "data": base64}
 *     GET  supervision/evidence/{id}: the file, its bytes in base64 ("data")
 *     POST supervision/publish {"year"}: {"csv": ..., "inspections": N}
 */
#include "web/api_internal.h"
#include "gi/inspect.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The server's classes (the default set for a caller that gave none). */
static const gi_grade_config_t *grades_of(const call_t *c)
{
    return c->rq->settings->grades ? c->rq->settings->grades : gi_grade_config_default();
}

static const char *q(call_t *c, const char *name)
{
    return c->rq->query(c->rq->query_arg, name);
}

static void answer_gi(call_t *c, gi_err_t rc, const gi_error_t *err, unsigned status, json_t *doc)
{
    if (rc == GI_OK)
        api_answer(c, status, doc);
    else {
        json_decref(doc);
        api_fail_gi(c, rc, err);
    }
}

/* --- grades ------------------------------------------------------------------------------ */

static int grade_item(const gi_grade_t *g, void *arg)
{
    return json_array_append_new(arg, gi_grade_json(g, NULL)) != 0;
}

static void get_grades(call_t *c, int64_t id)
{
    gi_error_t err;
    const char *as_of = q(c, "as_of");
    if (id) {
        gi_grade_t g;
        gi_grade_evidence_t *ev = calloc(1, sizeof *ev);
        if (!ev) {
            api_fail(c, 503, "nomem", "service unavailable");
            return;
        }
        gi_err_t rc =
            gi_grade_of(c->ctx, &c->account, grades_of(c), id, as_of ? as_of : "", &g, ev, &err);
        answer_gi(c, rc, &err, 200, rc == GI_OK ? gi_grade_json(&g, ev) : NULL);
        free(ev);
        return;
    }
    json_t *items = json_array();
    const char *region = q(c, "region");
    gi_err_t rc = gi_grade_all(c->ctx, &c->account, grades_of(c), region ? region : "", 0,
                               as_of ? as_of : "", grade_item, items, &err);
    answer_gi(c, rc, &err, 200, json_pack("{s:o}", "items", items));
}

static const char *text_of(json_t *doc, const char *name)
{
    json_t *v = json_object_get(doc, name);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Reads the named string fields (absent: ""); -1 after answering 400 on a non-string. */
static int texts(call_t *c, json_t *doc, const char *const *names, const char **out)
{
    for (int i = 0; names[i]; i++) {
        json_t *v = json_object_get(doc, names[i]);
        if (v && !json_is_string(v)) {
            char msg[96];
            snprintf(msg, sizeof msg, "%s must be a string", names[i]);
            api_fail(c, 400, "invalid", msg);
            return -1;
        }
        out[i] = v ? json_string_value(v) : "";
    }
    return 0;
}

static int whole(call_t *c, json_t *doc, const char *name, int required, int64_t *out)
{
    json_t *v = json_object_get(doc, name);
    *out = 0;
    if ((!v && !required) || (json_is_integer(v) && json_integer_value(v) >= 0)) {
        *out = v ? json_integer_value(v) : 0;
        return 0;
    }
    char msg[96];
    snprintf(msg, sizeof msg, "%s must be a whole number%s", name, required ? " (required)" : "");
    api_fail(c, 400, "invalid", msg);
    return -1;
}

static void post_import(call_t *c, int64_t id)
{
    static const char *const fields[] = {"class", "as_of", "source", NULL};
    const char *v[3];
    gi_error_t err;
    json_t *doc = api_body_object(c, fields);
    if (doc && texts(c, doc, fields, v) == 0) {
        gi_err_t rc =
            gi_grade_import(c->ctx, &c->account, grades_of(c), id, v[0], v[1], v[2], &err);
        answer_gi(c, rc, &err, 201,
                  json_pack("{s:I, s:s}", "operator_id", (json_int_t)id, "class", v[0]));
    }
    json_decref(doc);
}

static void post_finding(call_t *c)
{
    static const char *const fields[] = {"report_id", "outcome", "note", NULL};
    static const char *const names[] = {"outcome", "note", NULL};
    const char *v[2];
    int64_t report = 0, id = 0;
    gi_error_t err;
    json_t *doc = api_body_object(c, fields);
    if (doc && whole(c, doc, "report_id", 1, &report) == 0 && texts(c, doc, names, v) == 0) {
        gi_err_t rc = gi_report_finding(c->ctx, &c->account, report, v[0], v[1], &id, &err);
        answer_gi(c, rc, &err, 201,
                  json_pack("{s:I, s:I, s:s}", "id", (json_int_t)id, "report_id",
                            (json_int_t)report, "outcome", v[0]));
    }
    json_decref(doc);
}

/* --- registers ----------------------------------------------------------------------------- */

static void get_registers(call_t *c)
{
    json_t *items = NULL, *insp = NULL;
    gi_error_t err;
    gi_err_t rc = gi_registers_json(c->ctx, &c->account, &items, &insp, &err);
    answer_gi(c, rc, &err, 200,
              rc == GI_OK ? json_pack("{s:o, s:o}", "items", items, "inspectors", insp) : NULL);
}

static void post_item(call_t *c)
{
    static const char *const fields[] = {"checklist_key", "name", "legal_basis", NULL};
    const char *v[3];
    int64_t id = 0;
    gi_error_t err;
    json_t *doc = api_body_object(c, fields);
    if (doc && texts(c, doc, fields, v) == 0) {
        gi_err_t rc = gi_item_add(c->ctx, &c->account, v[0], v[1], v[2], &id, &err);
        answer_gi(c, rc, &err, 201, json_pack("{s:I}", "id", (json_int_t)id));
    }
    json_decref(doc);
}

static void post_inspector(call_t *c)
{
    static const char *const fields[] = {"name", "cert_no", "field", "region_code", NULL};
    const char *v[4];
    int64_t id = 0;
    gi_error_t err;
    json_t *doc = api_body_object(c, fields);
    if (doc && texts(c, doc, fields, v) == 0) {
        gi_err_t rc = gi_inspector_add(c->ctx, &c->account, v[0], v[1], v[2], v[3], &id, &err);
        answer_gi(c, rc, &err, 201, json_pack("{s:I}", "id", (json_int_t)id));
    }
    json_decref(doc);
}

static void post_conflict(call_t *c, int64_t inspector)
{
    static const char *const fields[] = {"operator_id", "reason", NULL};
    static const char *const names[] = {"reason", NULL};
    const char *v[1];
    int64_t op = 0;
    gi_error_t err;
    json_t *doc = api_body_object(c, fields);
    if (doc && whole(c, doc, "operator_id", 1, &op) == 0 && texts(c, doc, names, v) == 0) {
        gi_err_t rc = gi_inspector_conflict(c->ctx, &c->account, inspector, op, v[0], &err);
        answer_gi(c, rc, &err, 201,
                  json_pack("{s:I, s:I}", "inspector_id", (json_int_t)inspector, "operator_id",
                            (json_int_t)op));
    }
    json_decref(doc);
}

/* --- plans and draws ----------------------------------------------------------------------- */

/* The plan from a body (POST) or the query (GET plan): ratios, office, year,
 * exclude_inspected, inspectors. -1 after answering 400. */
static int plan_of(call_t *c, json_t *doc, gi_draw_plan_t *p)
{
    gi_error_t err;
    memset(p, 0, sizeof *p);
    const char *ratios = doc ? text_of(doc, "ratios") : q(c, "ratios");
    const char *office = doc ? text_of(doc, "office") : q(c, "office");
    const char *year = doc ? NULL : q(c, "year");
    const char *insp = doc ? NULL : q(c, "inspectors");
    const char *excl = doc ? NULL : q(c, "exclude_inspected");
    int64_t y = 0, n = 2;
    if (doc) {
        if (whole(c, doc, "year", 0, &y) != 0)
            return -1;
        json_t *v = json_object_get(doc, "inspectors");
        if (v && whole(c, doc, "inspectors", 1, &n) != 0)
            return -1;
        json_t *e = json_object_get(doc, "exclude_inspected");
        if (e && !json_is_boolean(e)) {
            api_fail(c, 400, "invalid", "exclude_inspected must be true or false");
            return -1;
        }
        p->exclude_inspected = json_is_true(e);
    } else {
        if ((year && gi_parse_whole(year, 2000, 2999, &y) != 0) ||
            (insp && gi_parse_whole(insp, 2, GI_DRAW_INSPECTORS_MAX, &n) != 0)) {
            api_fail(c, 400, "invalid", "year must be 2000 to 2999, inspectors 2 to 8");
            return -1;
        }
        p->exclude_inspected = excl && strcmp(excl, "1") == 0;
    }
    if (office && strlen(office) >= sizeof p->office) {
        api_fail(c, 400, "invalid", "office: a GB/T 2260 prefix of 2, 4 or 6 digits");
        return -1;
    }
    snprintf(p->office, sizeof p->office, "%s", office ? office : "");
    p->year = y;
    p->inspectors_per_target = n > GI_DRAW_INSPECTORS_MAX ? GI_DRAW_INSPECTORS_MAX + 1 : (int)n;
    gi_err_t rc =
        gi_draw_ratios_parse(ratios ? ratios
                                    : (c->rq->settings->draw_ratios ? c->rq->settings->draw_ratios
                                                                    : GI_DRAW_RATIOS_DEFAULT),
                             grades_of(c), p, &err);
    if (rc != GI_OK) {
        api_fail_gi(c, rc, &err);
        return -1;
    }
    return 0;
}

static void draw(call_t *c, int dry)
{
    static const char *const fields[] = {"ratios",     "office", "year", "exclude_inspected",
                                         "inspectors", "seed",   NULL};
    gi_draw_plan_t p;
    json_t *doc = dry ? NULL : api_body_optional(c, fields);
    if ((!dry && !doc) || plan_of(c, doc, &p) != 0) {
        json_decref(doc);
        return;
    }
    json_t *out = NULL;
    int64_t id = 0;
    gi_error_t err;
    gi_err_t rc = gi_draw(c->ctx, &c->account, grades_of(c), &p, doc ? text_of(doc, "seed") : NULL,
                          dry, &out, &id, &err);
    if (rc == GI_OK && !dry)
        snprintf(c->out->location, sizeof c->out->location, "/api/v1/supervision/draws/%lld",
                 (long long)id);
    answer_gi(c, rc, &err, dry ? 200 : 201, out);
    json_decref(doc);
}

static int json_item(json_t *item, void *arg)
{
    return json_array_append(arg, item) != 0;
}

static void get_draws(call_t *c, int64_t id)
{
    json_t *items = json_array();
    gi_error_t err;
    db_page_t page = {.offset = 0, .limit = id ? 1 : 100};
    gi_err_t rc = gi_draw_list(c->ctx, &c->account, id, page, json_item, items, &err);
    if (rc == GI_OK && id && json_array_size(items) == 0) {
        json_decref(items);
        api_fail(c, 404, "not_found", "no such draw");
        return;
    }
    answer_gi(c, rc, &err, 200,
              id ? json_incref(json_array_get(items, 0)) : json_pack("{s:O}", "items", items));
    json_decref(items);
}

/* --- inspections ---------------------------------------------------------------------------- */

static void get_inspections(call_t *c, int64_t id)
{
    gi_error_t err;
    if (id) {
        json_t *one = NULL;
        gi_err_t rc = gi_inspection_get(c->ctx, &c->account, id, &one, &err);
        answer_gi(c, rc, &err, 200, one);
        return;
    }
    const char *y = q(c, "year");
    int64_t year = 0;
    if (y && gi_parse_whole(y, 2000, 2999, &year) != 0) {
        api_fail(c, 400, "invalid", "year must be 2000 to 2999");
        return;
    }
    json_t *items = json_array();
    db_page_t page = {.offset = 0, .limit = 1000};
    gi_err_t rc = gi_inspection_list(c->ctx, &c->account, year, page, json_item, items, &err);
    answer_gi(c, rc, &err, 200, json_pack("{s:o}", "items", items));
}

static void post_inspection(call_t *c)
{
    static const char *const fields[] = {"draw_id", "operator_id", "product_id", "body",
                                         "date",    "checks",      "result",     "rectify_by",
                                         "note",    "inspectors",  NULL};
    static const char *const names[] = {"body", "date", "result", "rectify_by", "note", NULL};
    const char *v[5];
    gi_inspection_input_t in = {0};
    int64_t ids[GI_DRAW_INSPECTORS_MAX + 1], id = 0;
    gi_error_t err;
    json_t *doc = api_body_object(c, fields);
    if (!doc || whole(c, doc, "operator_id", 1, &in.operator_id) != 0 ||
        whole(c, doc, "product_id", 0, &in.product_id) != 0 ||
        whole(c, doc, "draw_id", 0, &in.draw_id) != 0 || texts(c, doc, names, v) != 0)
        goto out;
    json_t *checks = json_object_get(doc, "checks"), *insp = json_object_get(doc, "inspectors");
    if (!json_is_object(checks) || !json_is_array(insp) ||
        json_array_size(insp) > GI_DRAW_INSPECTORS_MAX) {
        api_fail(c, 400, "invalid",
                 "checks must be an object of the six checklist results and inspectors an "
                 "array of 2 to 8 ids");
        goto out;
    }
    for (int i = 0; i < DB_CHECKS; i++)
        in.checks[i] = text_of(checks, gi_check_keys[i]);
    for (size_t i = 0; i < json_array_size(insp); i++) {
        json_t *n = json_array_get(insp, i);
        if (!json_is_integer(n) || json_integer_value(n) < 1) {
            api_fail(c, 400, "invalid", "inspectors: record ids");
            goto out;
        }
        ids[in.ninspectors++] = json_integer_value(n);
    }
    in.inspectors = ids;
    in.body = v[0];
    in.date = v[1];
    in.result = v[2];
    in.rectify_by = v[3];
    in.note = v[4];
    gi_err_t rc = gi_inspection_add(c->ctx, &c->account, &in, &id, &err);
    if (rc == GI_OK)
        snprintf(c->out->location, sizeof c->out->location, "/api/v1/supervision/inspections/%lld",
                 (long long)id);
    answer_gi(c, rc, &err, 201, json_pack("{s:I}", "id", (json_int_t)id));
out:
    json_decref(doc);
}

static void post_evidence(call_t *c, int64_t inspection)
{
    static const char *const fields[] = {"name", "data", NULL};
    const char *v[2];
    gi_error_t err;
    json_t *doc = api_body_object(c, fields);
    if (doc && texts(c, doc, fields, v) == 0) {
        size_t cap = strlen(v[1]) / 4 * 3 + 3, len = 0;
        unsigned char *bin = malloc(cap);
        int64_t id = 0;
        if (!bin)
            api_fail(c, 503, "nomem", "service unavailable");
        else if (sodium_base642bin(bin, cap, v[1], strlen(v[1]), NULL, &len, NULL,
                                   sodium_base64_VARIANT_ORIGINAL) != 0)
            api_fail(c, 400, "invalid", "data must be the file in base64");
        else {
            gi_err_t rc =
                gi_evidence_add(c->ctx, &c->account, inspection, v[0], bin, len, &id, &err);
            answer_gi(c, rc, &err, 201,
                      json_pack("{s:I, s:I}", "id", (json_int_t)id, "size", (json_int_t)len));
        }
        free(bin);
    }
    json_decref(doc);
}

static void get_evidence(call_t *c, int64_t id)
{
    json_t *doc = NULL;
    gi_error_t err;
    gi_err_t rc = gi_evidence_get(c->ctx, &c->account, id, &doc, &err);
    answer_gi(c, rc, &err, 200, doc);
}

static void post_publish(call_t *c)
{
    static const char *const fields[] = {"year", NULL};
    int64_t year = 0, n = 0;
    gi_error_t err;
    json_t *doc = api_body_object(c, fields);
    if (doc && whole(c, doc, "year", 1, &year) == 0) {
        char *csv = NULL;
        size_t len = 0;
        gi_err_t rc = gi_inspection_publish(c->ctx, &c->account, year, &csv, &len, &n, &err);
        answer_gi(c, rc, &err, 200,
                  rc == GI_OK ? json_pack("{s:I, s:I, s:I, s:s%}", "year", (json_int_t)year,
                                          "published_at", (json_int_t)c->ctx->now, "inspections",
                                          (json_int_t)n, "csv", csv, len)
                              : NULL);
        free(csv);
    }
    json_decref(doc);
}

/* --- dispatch ------------------------------------------------------------------------------- */

void api_supervision(call_t *c, const char *path)
{
    char name[24] = "", idtext[24] = "", action[24] = "";
    int64_t id = 0;
    size_t n = strcspn(path, "/");
    const char *rest = path[n] ? path + n + 1 : "";
    size_t m = strcspn(rest, "/");
    const char *act = rest[m] ? rest + m + 1 : "";
    if (n >= sizeof name || m >= sizeof idtext || strlen(act) >= sizeof action ||
        strchr(act, '/')) {
        api_fail(c, 404, "not_found", "no such API resource");
        return;
    }
    memcpy(name, path, n);
    memcpy(idtext, rest, m);
    snprintf(action, sizeof action, "%s", act);
    if (idtext[0] && gi_parse_id(idtext, &id) != 0) {
        api_fail(c, 404, "not_found", "no such API resource");
        return;
    }
    const char *method = c->rq->method;
    int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    int post = strcmp(method, "POST") == 0;
    int bare = !idtext[0] && !action[0], one = idtext[0] && !action[0];
    const char *allow = NULL;
#define ROUTE(cond, m, methods, call)                                                              \
    if (cond) {                                                                                    \
        if (m)                                                                                     \
            call;                                                                                  \
        else                                                                                       \
            allow = methods;                                                                       \
        goto done;                                                                                 \
    }
    ROUTE(strcmp(name, "grades") == 0 && (bare || one), get, "GET, HEAD", get_grades(c, id))
    ROUTE(strcmp(name, "grades") == 0 && id && strcmp(action, "import") == 0, post, "POST",
          post_import(c, id))
    ROUTE(strcmp(name, "findings") == 0 && bare, post, "POST", post_finding(c))
    ROUTE(strcmp(name, "registers") == 0 && bare, get, "GET, HEAD", get_registers(c))
    ROUTE(strcmp(name, "items") == 0 && bare, post, "POST", post_item(c))
    ROUTE(strcmp(name, "inspectors") == 0 && bare, post, "POST", post_inspector(c))
    ROUTE(strcmp(name, "inspectors") == 0 && id && strcmp(action, "conflicts") == 0, post, "POST",
          post_conflict(c, id))
    ROUTE(strcmp(name, "plan") == 0 && bare, get, "GET, HEAD", draw(c, 1))
    ROUTE(strcmp(name, "draws") == 0 && one, get, "GET, HEAD", get_draws(c, id))
    ROUTE(strcmp(name, "inspections") == 0 && one, get, "GET, HEAD", get_inspections(c, id))
    ROUTE(strcmp(name, "inspections") == 0 && id && strcmp(action, "evidence") == 0, post, "POST",
          post_evidence(c, id))
    ROUTE(strcmp(name, "evidence") == 0 && one, get, "GET, HEAD", get_evidence(c, id))
    ROUTE(strcmp(name, "publish") == 0 && bare, post, "POST", post_publish(c))
    if ((strcmp(name, "draws") == 0 || strcmp(name, "inspections") == 0) && bare) {
        int draws = name[0] == 'd';
        if (get)
            draws ? get_draws(c, 0) : get_inspections(c, 0);
        else if (post)
            draws ? draw(c, 0) : post_inspection(c);
        else
            allow = "GET, HEAD, POST";
        goto done;
    }
#undef ROUTE
    api_fail(c, 404, "not_found", "no such API resource");
    return;
done:
    if (allow) {
        c->out->allow = allow;
        api_fail(c, 405, "method_not_allowed", "method not allowed");
    }
}
