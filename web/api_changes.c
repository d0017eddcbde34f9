/*
 * api_changes.c - the REST API's changes: creating products, operators,
 * authorisations and batches, the transitions of authorisations and
 * batches, consumer-report triage, and print-file downloads. gi/act checks
 * each against the account's role and makes it in the account's name.
 */
#include "gi/act.h"
#include "gi/json.h"
#include "gi/view.h"
#include "web/api_internal.h"
#include "web/printfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The context of a change made by the calling account. */
static gi_ctx_t as_caller(const call_t *c)
{
    gi_ctx_t ctx = *c->ctx;
    ctx.actor = c->actor;
    return ctx;
}

/* Answers a change's outcome: status with doc, or the error. */
static void answer_change(call_t *c, gi_err_t rc, const gi_error_t *err, unsigned status,
                          json_t *doc)
{
    if (rc != GI_OK) {
        json_decref(doc);
        api_fail_gi(c, rc, err);
        return;
    }
    api_answer(c, status, doc);
}

static void set_location(call_t *c, const char *collection, int64_t id)
{
    snprintf(c->out->location, sizeof c->out->location, "/api/v1/%s/%lld", collection,
             (long long)id);
}

/* --- creating records ------------------------------------------------------------ */

static void create_product(call_t *c, json_t *doc)
{
    gi_product_input_t in = {0};
    if (api_field_text(c, doc, "name_zh", &in.name_zh) ||
        api_field_text(c, doc, "name_en", &in.name_en) ||
        api_field_text(c, doc, "regime", &in.regime) ||
        api_field_text(c, doc, "reg_number", &in.reg_number) ||
        api_field_text(c, doc, "region_code", &in.region_code) ||
        api_field_text(c, doc, "standard", &in.standard) ||
        api_field_text(c, doc, "gtin", &in.gtin))
        return;
    gi_error_t err;
    db_product_t p;
    gi_ctx_t ctx = as_caller(c);
    gi_err_t rc = gi_act_product_add(&ctx, &c->account, &in, &p, &err);
    if (rc == GI_OK)
        set_location(c, "products", p.id);
    answer_change(c, rc, &err, 201, rc == GI_OK ? gi_json_product(&p) : NULL);
}

static void create_operator(call_t *c, json_t *doc)
{
    gi_operator_input_t in = {0};
    if (api_field_text(c, doc, "uscc", &in.uscc) || api_field_text(c, doc, "name", &in.name) ||
        api_field_text(c, doc, "kind", &in.kind) ||
        api_field_text(c, doc, "region_code", &in.region_code) ||
        api_field_text(c, doc, "contact", &in.contact) ||
        api_field_text(c, doc, "uscc_override", &in.uscc_override))
        return;
    gi_error_t err;
    db_operator_t o;
    gi_ctx_t ctx = as_caller(c);
    gi_err_t rc = gi_act_operator_add(&ctx, &c->account, &in, &o, &err);
    if (rc == GI_OK)
        set_location(c, "operators", o.id);
    answer_change(c, rc, &err, 201, rc == GI_OK ? gi_json_operator(&o) : NULL);
}

static void create_auth(call_t *c, json_t *doc)
{
    gi_auth_input_t in = {0};
    if (api_field_int(c, doc, "operator_id", &in.operator_id) ||
        api_field_int(c, doc, "product_id", &in.product_id) ||
        api_field_int(c, doc, "yearly_quota", &in.yearly_quota) ||
        api_field_text(c, doc, "valid_from", &in.valid_from) ||
        api_field_text(c, doc, "valid_until", &in.valid_until) ||
        api_field_text(c, doc, "approval_doc", &in.approval_doc))
        return;
    gi_error_t err;
    db_auth_t a;
    gi_ctx_t ctx = as_caller(c);
    gi_err_t rc = gi_act_auth_grant(&ctx, &c->account, &in, &a, &err);
    if (rc == GI_OK)
        set_location(c, "authorisations", a.id);
    answer_change(c, rc, &err, 201, rc == GI_OK ? gi_json_auth(&a, c->today, c->ctx->now) : NULL);
}

static void create_batch(call_t *c, json_t *doc)
{
    gi_batch_request_t in = {0};
    if (api_field_int(c, doc, "auth_id", &in.auth_id) ||
        api_field_int(c, doc, "count", &in.count) ||
        api_field_text(c, doc, "lot_number", &in.lot_number) ||
        api_field_text(c, doc, "harvest_date", &in.harvest_date) ||
        api_field_text(c, doc, "production_base", &in.production_base) ||
        api_field_text(c, doc, "inspection_cert", &in.inspection_cert))
        return;
    gi_error_t err;
    db_batch_t b;
    gi_ctx_t ctx = as_caller(c);
    gi_err_t rc = gi_act_batch_request(&ctx, &c->account, &in, &b, &err);
    if (rc == GI_OK)
        set_location(c, "batches", b.id);
    answer_change(c, rc, &err, 201, rc == GI_OK ? gi_json_batch(&b) : NULL);
}

void api_create(call_t *c, const char *collection)
{
    static const char *const product_fields[] = {"name_zh",     "name_en",  "regime", "reg_number",
                                                 "region_code", "standard", "gtin",   NULL};
    static const char *const operator_fields[] = {"uscc",    "name",          "kind", "region_code",
                                                  "contact", "uscc_override", NULL};
    static const char *const auth_fields[] = {"operator_id", "product_id",  "yearly_quota",
                                              "valid_from",  "valid_until", "approval_doc",
                                              NULL};
    static const char *const batch_fields[] = {
        "auth_id",         "count",           "lot_number", "harvest_date",
        "production_base", "inspection_cert", NULL};
    static const struct {
        const char *collection;
        const char *const *fields;
        void (*create)(call_t *c, json_t *doc);
    } kinds[] = {{"products", product_fields, create_product},
                 {"operators", operator_fields, create_operator},
                 {"authorisations", auth_fields, create_auth},
                 {"batches", batch_fields, create_batch}};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(collection, kinds[i].collection) != 0)
            continue;
        json_t *doc = api_body_object(c, kinds[i].fields);
        if (doc)
            kinds[i].create(c, doc);
        json_decref(doc);
        return;
    }
    api_fail(c, 404, "not_found", "no such API resource");
}

/* --- edits -------------------------------------------------------------------------------- */

/* An optional text field, or keep (the current value) when absent; -1 after 400. */
static int field_or(call_t *c, json_t *doc, const char *name, const char *keep, const char **out)
{
    if (!json_object_get(doc, name)) {
        *out = keep;
        return 0;
    }
    return api_field_text(c, doc, name, out);
}

static void edit_product(call_t *c, int64_t id, json_t *doc)
{
    gi_error_t err;
    db_product_t cur, p;
    gi_err_t rc = gi_view_product(c->ctx, &c->account, id, &cur, &err);
    if (rc != GI_OK) {
        api_fail_gi(c, rc, &err);
        return;
    }
    gi_product_input_t in;
    if (field_or(c, doc, "name_zh", cur.name_zh, &in.name_zh) ||
        field_or(c, doc, "name_en", cur.name_en, &in.name_en) ||
        field_or(c, doc, "regime", cur.regime, &in.regime) ||
        field_or(c, doc, "reg_number", cur.reg_number, &in.reg_number) ||
        field_or(c, doc, "region_code", cur.region_code, &in.region_code) ||
        field_or(c, doc, "standard", cur.standard, &in.standard) ||
        field_or(c, doc, "gtin", cur.gtin, &in.gtin))
        return;
    gi_ctx_t ctx = as_caller(c);
    rc = gi_act_product_edit(&ctx, &c->account, id, &in, &p, &err);
    answer_change(c, rc, &err, 200, rc == GI_OK ? gi_json_product(&p) : NULL);
}

static void edit_operator(call_t *c, int64_t id, json_t *doc)
{
    gi_error_t err;
    db_operator_t cur, o;
    gi_err_t rc = gi_view_operator(c->ctx, &c->account, id, &cur, &err);
    if (rc != GI_OK) {
        api_fail_gi(c, rc, &err);
        return;
    }
    gi_operator_input_t in = {cur.uscc, NULL, NULL, NULL, NULL, ""};
    if (field_or(c, doc, "name", cur.name, &in.name) ||
        field_or(c, doc, "kind", cur.kind, &in.kind) ||
        field_or(c, doc, "region_code", cur.region_code, &in.region_code) ||
        field_or(c, doc, "contact", cur.contact, &in.contact))
        return;
    gi_ctx_t ctx = as_caller(c);
    rc = gi_act_operator_edit(&ctx, &c->account, id, &in, &o, &err);
    answer_change(c, rc, &err, 200, rc == GI_OK ? gi_json_operator(&o) : NULL);
}

void api_edit(call_t *c, const char *collection, int64_t id)
{
    static const char *const product_fields[] = {"name_zh",     "name_en",  "regime", "reg_number",
                                                 "region_code", "standard", "gtin",   NULL};
    static const char *const operator_fields[] = {"name", "kind", "region_code", "contact", NULL};
    int product = strcmp(collection, "products") == 0;
    json_t *doc = api_body_object(c, product ? product_fields : operator_fields);
    if (!doc)
        return;
    if (product)
        edit_product(c, id, doc);
    else
        edit_operator(c, id, doc);
    json_decref(doc);
}

/* --- transitions ---------------------------------------------------------------------- */

static void act_auth(call_t *c, int64_t id, const char *action)
{
    static const char *const fields[] = {"reason", "approval_doc", NULL};
    int which = gi_auth_action_parse(action);
    if (which < 0) {
        api_fail(c, 404, "not_found", "no such action: approve, suspend, reinstate or revoke");
        return;
    }
    const char *reason, *doc_no;
    json_t *doc = c->rq->body_len ? api_body_object(c, fields) : json_object();
    if (doc && api_field_text(c, doc, "reason", &reason) == 0 &&
        api_field_text(c, doc, "approval_doc", &doc_no) == 0) {
        gi_error_t err;
        db_auth_t a;
        gi_ctx_t ctx = as_caller(c);
        gi_err_t rc =
            gi_act_auth(&ctx, &c->account, id, (gi_auth_action_t)which, reason, doc_no, &a, &err);
        answer_change(c, rc, &err, 200,
                      rc == GI_OK ? gi_json_auth(&a, c->today, c->ctx->now) : NULL);
    }
    json_decref(doc);
}

/* The listed codes of a void request, as an array of strings; -1 after 400. */
static int codes_of(call_t *c, json_t *doc, const char ***codes, size_t *n)
{
    json_t *list = json_object_get(doc, "codes");
    *codes = NULL;
    *n = 0;
    if (!list)
        return 0;
    if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > 100000) {
        api_fail(c, 400, "invalid", "codes must be a list of 1 to 100000 serial codes");
        return -1;
    }
    *n = json_array_size(list);
    *codes = calloc(*n, sizeof **codes);
    for (size_t i = 0; *codes && i < *n; i++) {
        if (!json_is_string(json_array_get(list, i))) {
            free(*codes);
            api_fail(c, 400, "invalid", "codes must be strings");
            return -1;
        }
        (*codes)[i] = json_string_value(json_array_get(list, i));
    }
    return *codes ? 0 : -1;
}

static void act_batch(call_t *c, int64_t id, const char *action)
{
    static const char *const fields[] = {"note", "reason", "codes", NULL};
    int which = gi_batch_action_parse(action);
    if (which < 0) {
        api_fail(c, 404, "not_found", "no such action: approve, reject, issue, activate or void");
        return;
    }
    const char *note, *reason, **codes = NULL;
    size_t n = 0;
    json_t *doc = c->rq->body_len ? api_body_object(c, fields) : json_object();
    if (doc && api_field_text(c, doc, "note", &note) == 0 &&
        api_field_text(c, doc, "reason", &reason) == 0 && codes_of(c, doc, &codes, &n) == 0) {
        gi_error_t err;
        db_batch_t b;
        gi_ctx_t ctx = as_caller(c);
        const char *text = which == GI_BATCH_VOID ? reason : note;
        gi_err_t rc =
            gi_act_batch(&ctx, &c->account, id, (gi_batch_action_t)which, text, codes, n, &b, &err);
        answer_change(c, rc, &err, 200, rc == GI_OK ? gi_json_batch(&b) : NULL);
    }
    free(codes);
    json_decref(doc);
}

static void act_report(call_t *c, int64_t id, const char *action)
{
    static const char *const fields[] = {"status", "note", NULL};
    if (strcmp(action, "triage") != 0) {
        api_fail(c, 404, "not_found", "no such action: triage");
        return;
    }
    const char *status, *note;
    json_t *doc = api_body_object(c, fields);
    if (doc && api_field_text(c, doc, "status", &status) == 0 &&
        api_field_text(c, doc, "note", &note) == 0) {
        gi_error_t err;
        gi_ctx_t ctx = as_caller(c);
        gi_err_t rc = gi_act_report_triage(&ctx, &c->account, id, status, note, &err);
        db_report_t *r = rc == GI_OK ? malloc(sizeof *r) : NULL;
        if (rc == GI_OK)
            rc = r ? gi_view_report(c->ctx, &c->account, id, r, &err)
                   : gi_fail(&err, GI_ENOMEM, "out of memory");
        answer_change(c, rc, &err, 200, rc == GI_OK ? gi_json_report(r, 1) : NULL);
        free(r);
    }
    json_decref(doc);
}

void api_act(call_t *c, const char *collection, int64_t id, const char *action)
{
    if (strcmp(collection, "reports") == 0)
        act_report(c, id, action);
    else if (strcmp(collection, "authorisations") == 0)
        act_auth(c, id, action);
    else if (strcmp(collection, "batches") == 0)
        act_batch(c, id, action);
    else
        api_fail(c, 404, "not_found", "no such API resource");
}

/* --- print files ---------------------------------------------------------------------------- */

void api_download(call_t *c, int64_t batch_id)
{
    gi_error_t err;
    gi_ctx_t ctx = as_caller(c);
    web_print_request_t print = {c->rq->query, c->rq->query_arg, c->rq->base_url, c->rq->layout};
    gi_err_t rc = web_print_file(&ctx, &c->account, batch_id, &print, &c->out->file, &err);
    if (rc != GI_OK)
        api_fail_gi(c, rc, &err);
    else
        c->out->status = 200;
}
