/*
 * api_annual.c - the annual supervision report on the REST API (gi/annual.h):
 *
 *     GET supervision/report?year=Y[&format=json|csv|pdf]
 *
 * Regulators and auditors, their own region scope; JSON is the report
 * itself, CSV and PDF are drawn from it. A closed year's is its snapshot.
 */
#include "gi/annual.h"
#include "web/api_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *p;
    size_t n, cap;
} bytes_t;

static int bytes_write(void *arg, const unsigned char *p, size_t n)
{
    bytes_t *b = arg;
    if (b->n + n > b->cap) {
        size_t cap = (b->cap + n) * 2;
        char *q = realloc(b->p, cap);
        if (!q)
            return -1;
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
    return 0;
}

static void get_report(call_t *c)
{
    const char *year_text = c->rq->query(c->rq->query_arg, "year");
    const char *format = c->rq->query(c->rq->query_arg, "format");
    int64_t year = 0;
    if (!year_text || gi_parse_whole(year_text, 2000, 2999, &year) != 0) {
        api_fail(c, 400, "invalid", "year must be a year between 2000 and 2999");
        return;
    }
    if (!format)
        format = "json";
    if (strcmp(format, "json") && strcmp(format, "csv") && strcmp(format, "pdf")) {
        api_fail(c, 400, "invalid", "format must be json, csv or pdf");
        return;
    }
    gi_annual_opts_t o = {(int)year, "", c->rq->settings->target, c->rq->settings->report_period,
                          c->rq->settings->grades};
    json_t *r = NULL;
    gi_error_t err;
    gi_err_t rc = gi_annual_view(c->ctx, &c->account, &o, &r, &err);
    if (rc != GI_OK) {
        api_fail_gi(c, rc, &err);
        return;
    }
    if (strcmp(format, "json") == 0) {
        api_answer(c, 200, r);
        return;
    }
    char name[64];
    snprintf(name, sizeof name, "supervision-%d%s%s.%s", (int)year, o.region[0] ? "-" : "",
             o.region, format);
    bytes_t b = {0};
    int failed;
    if (format[0] == 'c') {
        b.p = gi_annual_csv(r);
        b.n = b.p ? strlen(b.p) : 0;
        failed = !b.p;
        c->out->content_type = "text/csv; charset=utf-8";
    } else {
        failed = gi_annual_pdf(r, bytes_write, &b) != 0;
        c->out->content_type = "application/pdf";
    }
    json_decref(r);
    if (failed) {
        free(b.p);
        c->out->content_type = NULL;
        api_fail(c, 503, "io", "the report could not be drawn");
        return;
    }
    c->out->status = 200;
    c->out->body = b.p ? b.p : strdup("");
    c->out->len = b.n;
    snprintf(c->out->filename, sizeof c->out->filename, "%s", name);
}

int api_annual_handle(call_t *c)
{
    if (strcmp(c->rq->path, "supervision/report") != 0)
        return 0;
    if (strcmp(c->rq->method, "GET") == 0 || strcmp(c->rq->method, "HEAD") == 0)
        get_report(c);
    else {
        c->out->allow = "GET, HEAD";
        api_fail(c, 405, "method_not_allowed", "method not allowed");
    }
    return 1;
}
