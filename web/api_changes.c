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
    if (api_product_input(c, doc, &in))
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
    if (api_operator_input(c, doc, &in))
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
    if (api_auth_input(c, doc, &in))
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
    if (api_batch_input(c, doc, &in))
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
    static const struct {
        const char *collection;
        const char *const *fields;
        void (*create)(call_t *c, json_t *doc);
    } kinds[] = {{"products", api_product_fields, create_product},
                 {"operators", api_operator_fields, create_operator},
                 {"authorisations", api_auth_fields, create_auth},
                 {"batches", api_batch_fields, create_batch}};
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

/* The fields given change, the others keep the record's values. */
static void edit_product(call_t *c, int64_t id, json_t *doc)
{
    gi_error_t err;
    db_product_t cur, p;
    gi_err_t rc = gi_view_product(c->ctx, &c->account, id, &cur, &err);
    if (rc != GI_OK) {
        api_fail_gi(c, rc, &err);
        return;
    }
    gi_product_input_t in = {cur.name_zh,     cur.name_en,  cur.regime, cur.reg_number,
                             cur.region_code, cur.standard, cur.gtin,   ""};
    if (api_product_input(c, doc, &in))
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
    /* the body cannot name the USCC or its override (api_operator_edit_fields) */
    gi_operator_input_t in = {cur.uscc, cur.name, cur.kind, cur.region_code, cur.contact, ""};
    if (api_operator_input(c, doc, &in))
        return;
    gi_ctx_t ctx = as_caller(c);
    rc = gi_act_operator_edit(&ctx, &c->account, id, &in, &o, &err);
    answer_change(c, rc, &err, 200, rc == GI_OK ? gi_json_operator(&o) : NULL);
}

void api_edit(call_t *c, const char *collection, int64_t id)
{
    int product = strcmp(collection, "products") == 0;
    json_t *doc = api_body_object(c, product ? api_product_edit_fields : api_operator_edit_fields);
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
    int which = gi_auth_action_parse(action);
    if (which < 0) {
        api_fail(c, 404, "not_found", "no such action: approve, suspend, reinstate or revoke");
        return;
    }
    const char *reason, *doc_no;
    json_t *doc = api_body_optional(c, api_auth_action_fields);
    if (doc && api_auth_action_input(c, doc, &reason, &doc_no) == 0) {
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

static void act_batch(call_t *c, int64_t id, const char *action)
{
    int which = gi_batch_action_parse(action);
    if (which < 0) {
        api_fail(c, 404, "not_found", "no such action: approve, reject, issue, activate or void");
        return;
    }
    const char *note, *reason, **codes = NULL;
    size_t n = 0;
    json_t *doc = api_body_optional(c, api_batch_action_fields);
    if (doc && api_batch_action_input(c, doc, &note, &reason, &codes, &n) == 0) {
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
    if (strcmp(action, "triage") != 0) {
        api_fail(c, 404, "not_found", "no such action: triage");
        return;
    }
    const char *status, *note;
    json_t *doc = api_body_object(c, api_triage_fields);
    if (doc && api_triage_input(c, doc, &status, &note) == 0) {
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
    web_print_request_t print = {c->rq->method, c->rq->query, c->rq->query_arg, c->rq->settings};
    web_file_t *f = &c->out->file;
    gi_err_t rc = web_print_file(&ctx, &c->account, batch_id, &print, f, &err);
    if (rc != GI_OK && f->status)
        api_fail(c, f->status,
                 f->status == 413   ? "too_large"
                 : f->status == 429 ? "busy"
                                    : "unavailable",
                 err.msg);
    else if (rc != GI_OK)
        api_fail_gi(c, rc, &err);
    else
        c->out->status = 200;
}
