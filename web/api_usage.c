/*
 * api_usage.c - the REST API of use reports and the output value
 * (gi/usage.h), with the same access rules as every other path:
 *
 *     GET  usage-reports (?operator= ?product= ?period= ?status= ?latest=1)
 *     POST usage-reports                  file a version (an operator: its own)
 *     GET  usage-reports/{id}             with the register's figures and flags
 *     POST usage-reports/{id}/accept      {"note": ...}
 *     POST usage-reports/{id}/return      {"reason": ...} (required)
 *     GET  usage-reports/missing?period=  who did not report for a closed period
 *     GET  usage-reports/idle?as_of=      who issued no labels for two years
 *     GET  statistics/output?year=&by=product|region|operator
 *
 * Sales values are whole fen (sales_value_fen; 1 yuan = 100 fen), never
 * floating point; the answers add the yuan as a decimal string.
 */
#include "gi/usage.h"
#include "web/api_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const usage_fields[] = {"operator_id",     "product_id",      "period",
                                           "volume_produced", "volume_sold",     "volume_unit",
                                           "sales_value_fen", "labels_received", "labels_used",
                                           "labels_voided",   "application",     NULL};
static const char *const accept_fields[] = {"note", NULL};
static const char *const return_fields[] = {"reason", NULL};

static const char *query(call_t *c, const char *name)
{
    return c->rq->query(c->rq->query_arg, name);
}

/* The office's report periods a year (1 when the caller set none). */
static int per_year(const call_t *c)
{
    int n = c->rq->settings->report_period;
    return n == GI_USAGE_HALF_YEAR || n == GI_USAGE_QUARTER ? n : GI_USAGE_YEARLY;
}

/* --- lists ---------------------------------------------------------------------------- */

static int report_item(const db_usage_report_t *r, void *arg)
{
    return api_list_add(arg, gi_usage_json(r, NULL));
}

static void list_reports(call_t *c)
{
    const char *period = query(c, "period"), *status = query(c, "status");
    const char *latest = query(c, "latest");
    db_usage_filter_t f = {.period = period ? period : "",
                           .status = status ? status : "",
                           .latest_only = latest && strcmp(latest, "1") == 0};
    if (api_query_id(c, "operator", &f.operator_id) || api_query_id(c, "product", &f.product_id))
        return;
    if (status && strcmp(status, "filed") != 0 && strcmp(status, "accepted") != 0 &&
        strcmp(status, "returned") != 0) {
        api_fail(c, 400, "invalid", "status must be filed, accepted or returned");
        return;
    }
    gi_period_t p;
    gi_error_t err;
    if (period && gi_usage_period_parse(period, &p, &err) != GI_OK) {
        api_fail_gi(c, GI_EINVAL, &err);
        return;
    }
    db_page_t page;
    api_list_t l;
    if (api_page_of(c, &page, &l) != 0)
        return;
    gi_err_t rc = gi_usage_view_list(c->ctx, &c->account, &f, page, report_item, &l, &err);
    api_answer_list(c, rc, &err, &l, page);
}

static int gap_item(const gi_usage_gap_t *g, void *arg)
{
    json_array_append_new(arg, gi_usage_gap_json(g));
    return 0;
}

static void list_gaps(call_t *c, int missing)
{
    gi_error_t err;
    json_t *items = json_array();
    const char *period = query(c, "period"), *asof = query(c, "as_of");
    gi_err_t rc = missing ? gi_usage_view_missing(c->ctx, &c->account, period ? period : "",
                                                  gap_item, items, &err)
                          : gi_usage_view_idle(c->ctx, &c->account, asof ? asof : c->today,
                                               gap_item, items, &err);
    if (rc != GI_OK) {
        json_decref(items);
        api_fail_gi(c, rc, &err);
        return;
    }
    json_t *doc = json_pack("{s:o}", "items", items);
    if (missing)
        json_object_set_new(doc, "basis",
                            json_string("operators with an authorisation in force during the "
                                        "period and no version of a report for it"));
    else
        json_object_set_new(doc, "basis",
                            json_string("authorisations in force on the day, approved two years "
                                        "or more before it, with no batch issued in those two "
                                        "years"));
    api_answer(c, 200, doc);
}

/* --- one report --------------------------------------------------------------------------- */

static void answer_report(call_t *c, unsigned status, const db_usage_report_t *r)
{
    gi_usage_check_t k;
    gi_error_t err;
    gi_err_t rc = gi_usage_reconcile(c->ctx, r, &k, &err);
    if (rc != GI_OK) {
        api_fail_gi(c, rc, &err);
        return;
    }
    if (status == 201)
        snprintf(c->out->location, sizeof c->out->location, "/api/v1/usage-reports/%lld",
                 (long long)r->id);
    api_answer(c, status, gi_usage_json(r, &k));
}

static void file_report(call_t *c)
{
    json_t *doc = api_body_object(c, usage_fields);
    if (!doc)
        return;
    gi_usage_input_t in = {0};
    if ((json_object_get(doc, "operator_id") &&
         api_field_int(c, doc, "operator_id", &in.operator_id)) ||
        api_field_int(c, doc, "product_id", &in.product_id) ||
        api_field_text(c, doc, "period", &in.period) ||
        api_field_int(c, doc, "volume_produced", &in.volume_produced) ||
        api_field_int(c, doc, "volume_sold", &in.volume_sold) ||
        api_field_text(c, doc, "volume_unit", &in.volume_unit) ||
        api_field_int(c, doc, "sales_value_fen", &in.sales_value_fen) ||
        api_field_int(c, doc, "labels_received", &in.labels_received) ||
        api_field_int(c, doc, "labels_used", &in.labels_used) ||
        api_field_int(c, doc, "labels_voided", &in.labels_voided) ||
        api_field_text(c, doc, "application", &in.application)) {
        json_decref(doc);
        return;
    }
    gi_ctx_t ctx = *c->ctx;
    ctx.actor = c->actor;
    gi_error_t err;
    db_usage_report_t *r = malloc(sizeof *r);
    gi_err_t rc = r ? gi_usage_act_file(&ctx, &c->account, per_year(c), &in, r, &err)
                    : gi_fail(&err, GI_ENOMEM, "out of memory");
    json_decref(doc);
    if (rc != GI_OK)
        api_fail_gi(c, rc, &err);
    else
        answer_report(c, 201, r);
    free(r);
}

static void get_report(call_t *c, int64_t id)
{
    gi_error_t err;
    db_usage_report_t *r = malloc(sizeof *r);
    gi_err_t rc = r ? gi_usage_view(c->ctx, &c->account, id, r, &err)
                    : gi_fail(&err, GI_ENOMEM, "out of memory");
    if (rc != GI_OK)
        api_fail_gi(c, rc, &err);
    else
        answer_report(c, 200, r);
    free(r);
}

static void decide(call_t *c, int64_t id, int accept)
{
    json_t *doc = api_body_optional(c, accept ? accept_fields : return_fields);
    if (!doc)
        return;
    const char *reason = NULL;
    if (api_field_text(c, doc, accept ? "note" : "reason", &reason)) {
        json_decref(doc);
        return;
    }
    gi_ctx_t ctx = *c->ctx;
    ctx.actor = c->actor;
    gi_error_t err;
    db_usage_report_t *r = malloc(sizeof *r);
    gi_err_t rc = r ? gi_usage_act_decide(&ctx, &c->account, id, accept, reason, r, &err)
                    : gi_fail(&err, GI_ENOMEM, "out of memory");
    json_decref(doc);
    if (rc != GI_OK)
        api_fail_gi(c, rc, &err);
    else
        answer_report(c, 200, r);
    free(r);
}

/* --- output value ------------------------------------------------------------------------------
 */

static void get_output(call_t *c)
{
    const char *year_text = query(c, "year"), *by_text = query(c, "by");
    int64_t year;
    int by = gi_output_by_parse(by_text ? by_text : "product");
    if (!year_text || gi_parse_whole(year_text, 2001, 2999, &year) != 0) {
        api_fail(c, 400, "invalid", "year is required: 2001 to 2999");
        return;
    }
    if (by < 0) {
        api_fail(c, 400, "invalid", "by must be product, region or operator");
        return;
    }
    gi_output_t o;
    gi_error_t err;
    gi_err_t rc = gi_usage_view_output(c->ctx, &c->account, (int)year, per_year(c),
                                       (gi_output_by_t)by, &o, &err);
    if (rc != GI_OK) {
        api_fail_gi(c, rc, &err);
        return;
    }
    api_answer(c, 200, gi_output_json(&o, (gi_output_by_t)by));
    gi_output_free(&o);
}

/* --- routing ------------------------------------------------------------------------------------
 */

static void not_allowed(call_t *c, const char *allow)
{
    c->out->allow = allow;
    api_fail(c, 405, "method_not_allowed", "method not allowed");
}

int api_usage_handle(call_t *c)
{
    const char *path = c->rq->path;
    int get = strcmp(c->rq->method, "GET") == 0 || strcmp(c->rq->method, "HEAD") == 0;
    int post = strcmp(c->rq->method, "POST") == 0;
    if (strcmp(path, "statistics/output") == 0) {
        get ? get_output(c) : not_allowed(c, "GET, HEAD");
        return 1;
    }
    static const char prefix[] = "usage-reports";
    size_t n = sizeof prefix - 1;
    if (strncmp(path, prefix, n) != 0 || (path[n] && path[n] != '/'))
        return 0;
    const char *rest = path[n] ? path + n + 1 : "";
    if (!*rest) {
        if (get)
            list_reports(c);
        else if (post)
            file_report(c);
        else
            not_allowed(c, "GET, HEAD, POST");
        return 1;
    }
    if (strcmp(rest, "missing") == 0 || strcmp(rest, "idle") == 0) {
        get ? list_gaps(c, rest[0] == 'm') : not_allowed(c, "GET, HEAD");
        return 1;
    }
    char idtext[24];
    size_t idlen = strcspn(rest, "/");
    const char *action = rest[idlen] ? rest + idlen + 1 : "";
    int64_t id = 0;
    if (idlen < sizeof idtext) {
        memcpy(idtext, rest, idlen);
        idtext[idlen] = '\0';
    }
    if (idlen >= sizeof idtext || gi_parse_id(idtext, &id) != 0 ||
        (action[0] && strcmp(action, "accept") != 0 && strcmp(action, "return") != 0)) {
        api_fail(c, 404, "not_found", "no such API resource");
        return 1;
    }
    if (!action[0])
        get ? get_report(c, id) : not_allowed(c, "GET, HEAD");
    else
        post ? decide(c, id, action[0] == 'a') : not_allowed(c, "POST");
    return 1;
}
