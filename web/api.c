/*
 * api.c - the REST API: authentication, routing of /api/v1/ paths, paging,
 * request validation and the JSON of answers.
 */
#include "web/api.h"
#include "web/api_internal.h"
#include "gi/access.h"
#include "gi/audit.h"
#include "gi/account.h"
#include "gi/batch.h"
#include "gi/json.h"
#include "gi/view.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_DEFAULT 50
#define PAGE_MAX     500

/* --- answers ------------------------------------------------------------------- */

void api_answer(call_t *c, unsigned status, json_t *doc)
{
    c->out->status = status;
    c->out->body = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    c->out->len = c->out->body ? strlen(c->out->body) : 0;
    json_decref(doc);
}

void api_fail(call_t *c, unsigned status, const char *code, const char *message)
{
    api_fail_kind(c, status, code, code, message);
}

void api_fail_kind(call_t *c, unsigned status, const char *code, const char *kind,
                   const char *message)
{
    /* JSON strings must be UTF-8, and a message may quote the request (the
     * JSON parser's complaint, a field name) or be cut inside a character */
    char text[sizeof((gi_error_t *)0)->msg];
    snprintf(text, sizeof text, "%s", message);
    gi_utf8_repair(text);
    api_answer(
        c, status,
        json_pack("{s:{s:s, s:s, s:s}}", "error", "code", code, "kind", kind, "message", text));
}

/* Maps an error of gi/ to its status: 403 for the role, 409 for the rules. */
void api_fail_gi(call_t *c, gi_err_t rc, const gi_error_t *err)
{
    static const struct {
        gi_err_t rc;
        unsigned status;
    } map[] = {{GI_EINVAL, 400},     {GI_ENOTFOUND, 404}, {GI_EEXISTS, 409}, {GI_EREFUSED, 409},
               {GI_EFORBIDDEN, 403}, {GI_ENOMEM, 503},    {GI_EIO, 503}};
    unsigned status = 500;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].rc == rc)
            status = map[i].status;
    if (status >= 500)
        fprintf(stderr, "gimark serve: api: %s\n", err->msg);
    if (status >= 500)
        api_fail(c, status, gi_err_name(rc), "service unavailable");
    else
        api_fail_kind(c, status, gi_error_code(rc, err), gi_err_name(rc), err->msg);
}

/* --- paging ------------------------------------------------------------------------ */

int api_page_of(call_t *c, db_page_t *page, api_list_t *l)
{
    const char *limit = c->rq->query(c->rq->query_arg, "limit");
    const char *offset = c->rq->query(c->rq->query_arg, "offset");
    page->limit = PAGE_DEFAULT;
    page->offset = 0;
    if ((limit && gi_parse_whole(limit, 1, PAGE_MAX, &page->limit) != 0) ||
        (offset && gi_parse_whole(offset, 0, INT64_C(1000000000000), &page->offset) != 0)) {
        api_fail(c, 400, "invalid", "limit must be 1 to 500 and offset a whole number from 0");
        return -1;
    }
    *l = (api_list_t){c, json_array(), page->limit, 0};
    page->limit++;
    return l->items ? 0 : -1;
}

int api_list_add(api_list_t *l, json_t *item)
{
    if ((int64_t)json_array_size(l->items) == l->limit) {
        l->more = 1;
        json_decref(item);
        return 1;
    }
    json_array_append_new(l->items, item);
    return 0;
}

void api_answer_list(call_t *c, gi_err_t rc, const gi_error_t *err, api_list_t *l, db_page_t page)
{
    if (rc != GI_OK) {
        json_decref(l->items);
        api_fail_gi(c, rc, err);
        return;
    }
    int64_t offset = page.offset;
    json_t *next = l->more ? json_integer(offset + l->limit) : json_null();
    api_answer(c, 200,
               json_pack("{s:o, s:I, s:I, s:o}", "items", l->items, "offset", (json_int_t)offset,
                         "limit", (json_int_t)l->limit, "next_offset", next));
}

static int product_item(const db_product_t *p, void *arg)
{
    return api_list_add(arg, gi_json_product(p));
}

static int operator_item(const db_operator_t *o, void *arg)
{
    return api_list_add(arg, gi_json_operator(o));
}

static int auth_item(const db_auth_t *a, void *arg)
{
    api_list_t *l = arg;
    return api_list_add(l, gi_json_auth(a, l->call->today, l->call->ctx->now));
}

static int batch_item(const db_batch_t *b, void *arg)
{
    return api_list_add(arg, gi_json_batch(b));
}

static int report_item(const db_report_t *r, void *arg)
{
    api_list_t *l = arg;
    return api_list_add(l, gi_json_report(r, gi_may_see_reporters(&l->call->account)));
}

static int audit_item(const db_audit_row_t *row, void *arg)
{
    return api_list_add(arg, gi_json_audit_row(row));
}

int api_query_id(call_t *c, const char *name, int64_t *out)
{
    const char *v = c->rq->query(c->rq->query_arg, name);
    *out = 0;
    if (v && gi_parse_id(v, out) != 0) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s must be a record id", name);
        api_fail(c, 400, "invalid", msg);
        return -1;
    }
    return 0;
}

/* --- routes ------------------------------------------------------------------------ */

static const char *const resource_names[] = {"me",      "products", "operators", "authorisations",
                                             "batches", "reports",  "stats",     "audit",
                                             "figures", "anomalies"};

resource_t api_resource_of(const char *path, int64_t *id, char action[16])
{
    *id = 0;
    action[0] = '\0';
    for (int r = 0; r < R_NONE; r++) {
        size_t n = strlen(resource_names[r]);
        if (strncmp(path, resource_names[r], n) != 0 || (path[n] && path[n] != '/'))
            continue;
        const char *rest = path[n] ? path + n + 1 : path + n;
        if (*rest == '\0')
            return (resource_t)r;
        char idtext[24];
        size_t idlen = strcspn(rest, "/");
        const char *act = rest[idlen] ? rest + idlen + 1 : "";
        if (r == R_AUDIT && strcmp(rest, "verify") == 0) {
            snprintf(action, 16, "verify");
            return (resource_t)r;
        }
        if (r == R_ME || r == R_STATS || r == R_AUDIT || r == R_FIGURES || r == R_ANOMALIES ||
            idlen >= sizeof idtext || strlen(act) >= 16 || strchr(act, '/')) {
            *id = -1;
            return (resource_t)r;
        }
        memcpy(idtext, rest, idlen);
        idtext[idlen] = '\0';
        if (gi_parse_id(idtext, id) != 0)
            *id = -1;
        snprintf(action, 16, "%s", act);
        return (resource_t)r;
    }
    return R_NONE;
}

static void get_me(call_t *c)
{
    const db_account_t *a = &c->account;
    json_t *me = json_pack("{s:s, s:s, s:s}", "username", a->username, "role", a->role,
                           "region_scope", a->region_scope);
    if (me && a->operator_id)
        json_object_set_new(me, "operator_id", json_integer(a->operator_id));
    api_answer(c, 200, me);
}

static void get_list(call_t *c, resource_t r)
{
    db_page_t page;
    api_list_t l;
    gi_error_t err;
    gi_err_t rc = GI_OK;
    db_filter_t narrow = {0};
    if (api_page_of(c, &page, &l) != 0)
        return;
    if ((r == R_AUTHS || r == R_BATCHES) &&
        (api_query_id(c, "operator", &narrow.operator_id) != 0 ||
         api_query_id(c, "product", &narrow.product_id) != 0 ||
         api_query_id(c, "auth", &narrow.auth_id) != 0)) {
        json_decref(l.items);
        return;
    }
    switch (r) {
    case R_PRODUCTS:
        rc = gi_view_products(c->ctx, &c->account, page, product_item, &l, &err);
        break;
    case R_OPERATORS:
        rc = gi_view_operators(c->ctx, &c->account, page, operator_item, &l, &err);
        break;
    case R_AUTHS:
        rc = gi_view_auths(c->ctx, &c->account, &narrow, page, auth_item, &l, &err);
        break;
    case R_REPORTS: {
        const char *status = c->rq->query(c->rq->query_arg, "status");
        rc =
            gi_view_reports(c->ctx, &c->account, status ? status : "", page, report_item, &l, &err);
        break;
    }
    default:
        rc = gi_view_batches(c->ctx, &c->account, &narrow, page, batch_item, &l, &err);
        break;
    }
    api_answer_list(c, rc, &err, &l, page);
}

static void get_one(call_t *c, resource_t r, int64_t id)
{
    gi_error_t err;
    gi_err_t rc;
    json_t *doc = NULL;
    if (r == R_PRODUCTS) {
        db_product_t p;
        if ((rc = gi_view_product(c->ctx, &c->account, id, &p, &err)) == GI_OK)
            doc = gi_json_product(&p);
    } else if (r == R_OPERATORS) {
        db_operator_t o;
        if ((rc = gi_view_operator(c->ctx, &c->account, id, &o, &err)) == GI_OK)
            doc = gi_json_operator(&o);
    } else if (r == R_AUTHS) {
        db_auth_t a;
        if ((rc = gi_view_auth(c->ctx, &c->account, id, &a, &err)) == GI_OK)
            doc = gi_json_auth(&a, c->today, c->ctx->now);
    } else if (r == R_REPORTS) {
        db_report_t *rep = malloc(sizeof *rep);
        rc = rep ? gi_view_report(c->ctx, &c->account, id, rep, &err)
                 : gi_fail(&err, GI_ENOMEM, "out of memory");
        if (rc == GI_OK)
            doc = gi_json_report(rep, gi_may_see_reporters(&c->account));
        free(rep);
    } else {
        db_batch_t b;
        if ((rc = gi_view_batch(c->ctx, &c->account, id, &b, &err)) == GI_OK)
            doc = gi_json_batch(&b);
    }
    if (rc != GI_OK)
        api_fail_gi(c, rc, &err);
    else
        api_answer(c, 200, doc);
}

/* --- oversight: figures and the audit log --------------------------------------------- */

static void get_stats(call_t *c)
{
    db_stats_t st;
    gi_error_t err;
    gi_err_t rc = gi_view_stats(c->ctx, &c->account, &st, &err);
    if (rc != GI_OK)
        api_fail_gi(c, rc, &err);
    else
        api_answer(c, 200, gi_json_stats(&st, c->rq->settings->target));
}

static void get_audit(call_t *c)
{
    db_page_t page;
    api_list_t l;
    gi_error_t err;
    if (api_page_of(c, &page, &l) != 0)
        return;
    gi_err_t rc = gi_view_audit(c->ctx, &c->account, page, audit_item, &l, &err);
    api_answer_list(c, rc, &err, &l, page);
}

static void get_audit_verify(call_t *c)
{
    gi_audit_report_t rep;
    gi_error_t err;
    char head[2 * DB_HASH_LEN + 1];
    gi_err_t rc = gi_view_audit_verify(c->ctx, &c->account, &rep, &err);
    if (rc != GI_OK) {
        api_fail_gi(c, rc, &err);
        return;
    }
    sodium_bin2hex(head, sizeof head, rep.head, sizeof rep.head);
    json_t *doc =
        json_pack("{s:b, s:I, s:s}", "ok", rep.ok, "rows", (json_int_t)rep.rows, "head", head);
    if (doc && !rep.ok) {
        json_object_set_new(doc, "bad_id", json_integer(rep.bad_id));
        json_object_set_new(doc, "problem", json_string(rep.problem));
    }
    api_answer(c, 200, doc);
}

/* --- figures and anomalies ------------------------------------------------------------ */

/* The time ?days= (1-366, default 30) back from now; -1 after answering 400. */
static int64_t since_days(call_t *c)
{
    const char *v = c->rq->query(c->rq->query_arg, "days");
    int64_t days = 30;
    if (v && gi_parse_whole(v, 1, 366, &days) != 0) {
        api_fail(c, 400, "invalid", "days must be 1 to 366");
        return -1;
    }
    return c->ctx->now - days * 86400;
}

static int tally_into(const db_tally_t *t, void *arg)
{
    json_array_append_new(arg,
                          json_pack("{s:s, s:I}", "key", t->key, "count", (json_int_t)t->count));
    return 0;
}

static void get_figures(call_t *c)
{
    static const char *const names[] = {"scans_per_day", "verdicts", "labels_per_month"};
    int64_t since = since_days(c);
    if (since < 0)
        return;
    json_t *doc = json_object();
    for (int f = 0; f < 3; f++) {
        gi_error_t err;
        json_t *rows = json_array();
        /* labels a month: the last twelve months whatever ?days= says */
        int64_t from = f == GI_FIGURE_LABELS_PER_MONTH ? c->ctx->now - 366 * 86400 : since;
        gi_err_t rc =
            gi_view_figure(c->ctx, &c->account, (gi_figure_t)f, from, tally_into, rows, &err);
        if (rc != GI_OK) {
            json_decref(rows);
            json_decref(doc);
            api_fail_gi(c, rc, &err);
            return;
        }
        json_object_set_new(doc, names[f], rows);
    }
    api_answer(c, 200, doc);
}

static int anomaly_item(const db_tally_t *t, void *arg)
{
    char first[24], last[24];
    gi_json_time(t->first_at, first);
    gi_json_time(t->last_at ? t->last_at : t->first_at, last);
    json_t *j = json_pack("{s:s, s:I, s:s, s:s}", "key", t->key, "count", (json_int_t)t->count,
                          "first_at", first, "last_at", last);
    if (j && t->operator_id) {
        json_object_set_new(j, "operator_id", json_integer(t->operator_id));
        json_object_set_new(j, "operator", json_string(t->operator_name));
        json_object_set_new(j, "product", json_string(t->product_name));
    }
    if (j && t->verdict)
        json_object_set_new(j, "verdict", json_string(t->verdict));
    return api_list_add(arg, j);
}

static void get_anomalies(call_t *c)
{
    static const char *const kinds[] = {"unknown", "repeated", "suspect"};
    const char *kind = c->rq->query(c->rq->query_arg, "kind");
    int k = 0;
    while (kind && k < 3 && strcmp(kinds[k], kind) != 0)
        k++;
    if (!kind || k == 3) {
        api_fail(c, 400, "invalid", "kind must be unknown, repeated or suspect");
        return;
    }
    int64_t since = since_days(c);
    db_page_t page;
    api_list_t l;
    if (since < 0 || api_page_of(c, &page, &l) != 0)
        return;
    gi_error_t err;
    int64_t arg = k == GI_ANOMALY_REPEATED ? c->rq->settings->repeat_threshold : since;
    gi_err_t rc =
        gi_view_anomalies(c->ctx, &c->account, (gi_anomaly_t)k, arg, page, anomaly_item, &l, &err);
    api_answer_list(c, rc, &err, &l, page);
}

/* --- the entry point -------------------------------------------------------------------- */

/* The account named by "Authorization: Bearer TOKEN"; 0, or -1 after answering 401. */
static int authenticate(call_t *c)
{
    const char *h = c->rq->authorization;
    gi_error_t err;
    if (!h || strncmp(h, "Bearer ", 7) != 0) {
        c->out->challenge = 1;
        api_fail(c, 401, "unauthenticated",
                 "an API token is required: Authorization: Bearer TOKEN");
        return -1;
    }
    if (gi_token_resolve(c->ctx, h + 7, &c->account, &err) != GI_OK) {
        c->out->challenge = 1;
        api_fail(c, 401, "unauthenticated", "the API token is not valid");
        return -1;
    }
    snprintf(c->actor, sizeof c->actor, "user:%s", c->account.username);
    return 0;
}

static void method_not_allowed(call_t *c, const char *allow)
{
    c->out->allow = allow;
    api_fail(c, 405, "method_not_allowed", "method not allowed");
}

void web_api_handle(const gi_ctx_t *ctx, const web_api_request_t *rq, web_api_response_t *out)
{
    call_t c = {.ctx = ctx, .rq = rq, .out = out};
    memset(out, 0, sizeof *out);
    gi_date_of(ctx->now, c.today);
    if (authenticate(&c) != 0 || api_usage_handle(&c) || api_annual_handle(&c) ||
        api_epcis_handle(&c))
        return;
    if (api_households(&c, rq->path, rq->method))
        return;
    if (strncmp(rq->path, "supervision/", 12) == 0) {
        api_supervision(&c, rq->path + 12);
        return;
    }
    int64_t id;
    char action[16];
    resource_t r = api_resource_of(rq->path, &id, action);
    int get = strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0;
    int post = strcmp(rq->method, "POST") == 0;
    if (r == R_NONE || id < 0) {
        api_fail(&c, 404, "not_found", "no such API resource");
    } else if (r == R_ME) {
        get ? get_me(&c) : method_not_allowed(&c, "GET, HEAD");
    } else if (r == R_STATS) {
        get ? get_stats(&c) : method_not_allowed(&c, "GET, HEAD");
    } else if (r == R_FIGURES) {
        get ? get_figures(&c) : method_not_allowed(&c, "GET, HEAD");
    } else if (r == R_ANOMALIES) {
        get ? get_anomalies(&c) : method_not_allowed(&c, "GET, HEAD");
    } else if (r == R_AUDIT) {
        if (!get)
            method_not_allowed(&c, "GET, HEAD");
        else if (action[0])
            get_audit_verify(&c);
        else
            get_audit(&c);
    } else if (id == 0) {
        if (get)
            get_list(&c, r);
        else if (post && r != R_REPORTS) /* reports come from consumers' pages */
            api_create(&c, resource_names[r]);
        else
            method_not_allowed(&c, "GET, HEAD, POST");
    } else if (!action[0]) {
        int editable = r == R_PRODUCTS || r == R_OPERATORS;
        if (get)
            get_one(&c, r, id);
        else if (editable && strcmp(rq->method, "PATCH") == 0)
            api_edit(&c, resource_names[r], id);
        else
            method_not_allowed(&c, editable ? "GET, HEAD, PATCH" : "GET, HEAD");
    } else if (r == R_BATCHES && strcmp(action, "labels") == 0) {
        get ? api_download(&c, id) : method_not_allowed(&c, "GET, HEAD");
    } else {
        post ? api_act(&c, resource_names[r], id, action) : method_not_allowed(&c, "POST");
    }
}
