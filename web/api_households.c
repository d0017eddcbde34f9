/*
 * api_households.c - the REST API of member households and production bases:
 *
 *     GET  /api/v1/households, /api/v1/bases   ?operator= &product= &region= &limit= &offset=
 *     GET  /api/v1/households/{id}, /api/v1/bases/{id}
 *     POST /api/v1/households, /api/v1/bases   a producer (fields below)
 *     GET  /api/v1/batches/{id}/allocations    the ranges and the batch's totals
 *     POST /api/v1/batches/{id}/allocations    {"first_seq", "last_seq" | "move",
 *          "household" | "base" | "processor" (USCC) | "to_operator": true, "override"}
 *
 * Quantities with decimals (area, per_label) are strings ("3.25"), never
 * JSON reals, so no binary fraction ever stands for a mu.
 */
#include "gi/households.h"
#include "web/api_internal.h"

#include <stdio.h>
#include <string.h>

static const char *const producer_fields[] = {
    "operator_id", "product_id",    "name",    "contact",      "region_code", "village",
    "base_type",   "certification", "area_mu", "yield_per_mu", "yield_unit",  "per_label",
    NULL};
static const char *const allocate_fields[] = {"first_seq",   "last_seq", "move",
                                              "household",   "base",     "processor",
                                              "to_operator", "override", NULL};

static gi_ctx_t acting(const call_t *c)
{
    gi_ctx_t ctx = *c->ctx;
    ctx.actor = c->actor;
    return ctx;
}

/* A field of doc as text: a string, or a whole number written out (into
 * buf); absent: "". -1 after answering 400. */
static int text_of(call_t *c, json_t *doc, const char *name, char *buf, size_t cap,
                   const char **out)
{
    json_t *v = json_object_get(doc, name);
    char msg[96];
    *out = "";
    if (!v)
        return 0;
    if (json_is_string(v)) {
        *out = json_string_value(v);
        if (strlen(*out) != json_string_length(v)) { /* a NUL inside */
            snprintf(msg, sizeof msg, "%s holds a NUL character", name);
            api_fail(c, 400, "invalid", msg);
            return -1;
        }
        return 0;
    }
    if (json_is_integer(v)) {
        snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
        *out = buf;
        return 0;
    }
    snprintf(msg, sizeof msg, "%s must be a string (decimals as text, e.g. \"3.25\")", name);
    api_fail(c, 400, "invalid", msg);
    return -1;
}

/* A field of doc that must be a whole number when present (0 when absent). */
static int int_of(call_t *c, json_t *doc, const char *name, int64_t *out)
{
    json_t *v = json_object_get(doc, name);
    *out = 0;
    if (!v)
        return 0;
    if (json_is_integer(v) && json_integer_value(v) > 0) {
        *out = json_integer_value(v);
        return 0;
    }
    char msg[96];
    snprintf(msg, sizeof msg, "%s must be a whole number from 1", name);
    api_fail(c, 400, "invalid", msg);
    return -1;
}

static void answer(call_t *c, gi_err_t rc, const gi_error_t *err, unsigned status, json_t *doc)
{
    if (rc != GI_OK) {
        json_decref(doc);
        api_fail_gi(c, rc, err);
    } else {
        api_answer(c, status, doc);
    }
}

static void create(call_t *c, const char *kind)
{
    json_t *doc = api_body_object(c, producer_fields);
    if (!doc)
        return;
    gi_producer_input_t in = {.kind = kind};
    char b1[24], b2[24], b3[24];
    if (int_of(c, doc, "operator_id", &in.operator_id) != 0 ||
        int_of(c, doc, "product_id", &in.product_id) != 0 ||
        text_of(c, doc, "name", NULL, 0, &in.name) != 0 ||
        text_of(c, doc, "contact", NULL, 0, &in.contact) != 0 ||
        text_of(c, doc, "region_code", NULL, 0, &in.region_code) != 0 ||
        text_of(c, doc, "village", NULL, 0, &in.village) != 0 ||
        text_of(c, doc, "base_type", NULL, 0, &in.base_type) != 0 ||
        text_of(c, doc, "certification", NULL, 0, &in.certification) != 0 ||
        text_of(c, doc, "area_mu", b1, sizeof b1, &in.area) != 0 ||
        text_of(c, doc, "yield_per_mu", b2, sizeof b2, &in.yield) != 0 ||
        text_of(c, doc, "yield_unit", NULL, 0, &in.yield_unit) != 0 ||
        text_of(c, doc, "per_label", b3, sizeof b3, &in.per_label) != 0) {
        json_decref(doc);
        return;
    }
    if (!in.yield_unit[0])
        in.yield_unit = "kg";
    if (!in.operator_id && strcmp(c->account.role, "operator") == 0)
        in.operator_id = c->account.operator_id;
    gi_ctx_t ctx = acting(c);
    gi_error_t err;
    db_producer_t p;
    gi_err_t rc = gi_act_producer_add(&ctx, &c->account, &in, &p, &err);
    json_decref(doc);
    answer(c, rc, &err, 201, rc == GI_OK ? gi_json_producer(&p) : NULL);
}

static int producer_item(const db_producer_t *p, void *arg)
{
    return api_list_add(arg, gi_json_producer(p));
}

static void list(call_t *c, const char *kind)
{
    const char *region = c->rq->query(c->rq->query_arg, "region");
    db_filter_t narrow = {0};
    if (region && (strlen(region) > 6 || strspn(region, "0123456789") != strlen(region))) {
        api_fail(c, 400, "invalid", "region must be up to 6 digits of a GB/T 2260 code");
        return;
    }
    if (api_query_id(c, "operator", &narrow.operator_id) != 0 ||
        api_query_id(c, "product", &narrow.product_id) != 0)
        return;
    db_page_t page;
    api_list_t l;
    if (api_page_of(c, &page, &l) != 0)
        return;
    gi_error_t err;
    gi_err_t rc = gi_view_producers(c->ctx, &c->account, &narrow, kind, region ? region : "", page,
                                    producer_item, &l, &err);
    api_answer_list(c, rc, &err, &l, page);
}

static void get_one(call_t *c, const char *kind, int64_t id)
{
    db_producer_t p;
    gi_error_t err;
    gi_err_t rc = gi_view_producer(c->ctx, &c->account, id, &p, &err);
    if (rc == GI_OK && strcmp(p.kind, kind) != 0)
        rc = gi_fail(&err, GI_ENOTFOUND, "no %s %lld", kind, (long long)id);
    answer(c, rc, &err, 200, rc == GI_OK ? gi_json_producer(&p) : NULL);
}

static int allocation_item(const db_allocation_t *a, void *arg)
{
    return json_array_append_new(arg, gi_json_allocation(a));
}

static void allocations(call_t *c, int64_t batch_id)
{
    json_t *items = json_array();
    gi_allocation_totals_t t = {0};
    gi_error_t err;
    gi_err_t rc =
        gi_view_allocations(c->ctx, &c->account, batch_id, allocation_item, items, &t, &err);
    answer(c, rc, &err, 200,
           json_pack("{s:I, s:I, s:I, s:I, s:o}", "batch_id", (json_int_t)batch_id, "count",
                     (json_int_t)t.count, "allocated", (json_int_t)t.allocated, "unallocated",
                     (json_int_t)t.unallocated, "allocations", items));
}

static void allocate(call_t *c, int64_t batch_id)
{
    json_t *doc = api_body_object(c, allocate_fields);
    if (!doc)
        return;
    gi_allocate_t in = {.batch_id = batch_id};
    int64_t household = 0, base = 0;
    json_t *to_op = json_object_get(doc, "to_operator");
    if (int_of(c, doc, "first_seq", &in.first_seq) != 0 ||
        int_of(c, doc, "last_seq", &in.last_seq) != 0 || int_of(c, doc, "move", &in.move_id) ||
        int_of(c, doc, "household", &household) != 0 || int_of(c, doc, "base", &base) != 0 ||
        text_of(c, doc, "processor", NULL, 0, &in.processor_uscc) != 0 ||
        text_of(c, doc, "override", NULL, 0, &in.override) != 0) {
        json_decref(doc);
        return;
    }
    if ((to_op && !json_is_boolean(to_op)) || (household && base) ||
        (in.move_id && (in.first_seq || in.last_seq)) ||
        (!in.move_id && (!in.first_seq || !in.last_seq))) {
        json_decref(doc);
        api_fail(c, 400, "invalid",
                 "give first_seq and last_seq, or move (a range moves whole); and one of "
                 "household, base, processor or to_operator");
        return;
    }
    in.to_operator = to_op && json_is_true(to_op);
    in.producer_id = household ? household : base;
    gi_ctx_t ctx = acting(c);
    gi_error_t err;
    db_allocation_t a = {0};
    gi_err_t rc = gi_act_allocate(&ctx, &c->account, &in, &a, &err);
    json_decref(doc);
    answer(c, rc, &err, a.id || rc != GI_OK ? 201 : 200,
           rc != GI_OK ? NULL
           : a.id      ? gi_json_allocation(&a)
                       : json_pack("{s:b}", "returned", 1));
}

int api_households(call_t *c, const char *path, const char *method)
{
    int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    int post = strcmp(method, "POST") == 0;
    const char *kind = NULL;
    const char *rest = NULL;
    if (strncmp(path, "households", 10) == 0 && (path[10] == '\0' || path[10] == '/'))
        kind = "household", rest = path + 10;
    else if (strncmp(path, "bases", 5) == 0 && (path[5] == '\0' || path[5] == '/'))
        kind = "base", rest = path + 5;
    if (kind) {
        int64_t id = 0;
        if (*rest == '\0') {
            if (get)
                list(c, kind);
            else if (post)
                create(c, kind);
            else {
                c->out->allow = "GET, HEAD, POST";
                api_fail(c, 405, "method_not_allowed", "method not allowed");
            }
        } else if (gi_parse_id(rest + 1, &id) != 0) {
            api_fail(c, 404, "not_found", "no such API resource");
        } else if (get) {
            get_one(c, kind, id);
        } else {
            c->out->allow = "GET, HEAD";
            api_fail(c, 405, "method_not_allowed", "method not allowed");
        }
        return 1;
    }
    /* batches/{id}/allocations */
    if (strncmp(path, "batches/", 8) != 0)
        return 0;
    const char *slash = strchr(path + 8, '/');
    if (!slash || strcmp(slash, "/allocations") != 0)
        return 0;
    char idtext[24];
    size_t n = (size_t)(slash - (path + 8));
    int64_t id = 0;
    if (n >= sizeof idtext)
        return 0;
    memcpy(idtext, path + 8, n);
    idtext[n] = '\0';
    if (gi_parse_id(idtext, &id) != 0)
        return 0;
    if (get)
        allocations(c, id);
    else if (post)
        allocate(c, id);
    else {
        c->out->allow = "GET, HEAD, POST";
        api_fail(c, 405, "method_not_allowed", "method not allowed");
    }
    return 1;
}
