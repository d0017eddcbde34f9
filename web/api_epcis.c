/*
 * api_epcis.c - EPCIS 2.0 in the REST API: a batch's EPCISDocument
 * (GET batches/{id}/epcis, streamed by a render job) and the query
 * interface's subset (GET epcis/events), both inside the caller's rights.
 */
#include "gi/epcis.h"
#include "gi/view.h"
#include "web/api_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RETRY_BUSY_S 10

static const char *param(call_t *c, const char *name)
{
    const char *v = c->rq->query(c->rq->query_arg, name);
    return v && *v ? v : NULL;
}

/* Appends name=value, value percent-encoded, to the next page's URL. */
static void add_param(char *url, size_t cap, const char *name, const char *value)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t len = strlen(url);
    if (!value || len + strlen(name) + 3 >= cap)
        return;
    len += (size_t)snprintf(url + len, cap - len, "%s%s=", strchr(url, '?') ? "&" : "?", name);
    for (const unsigned char *p = (const unsigned char *)value; *p && len + 4 < cap; p++) {
        if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
            strchr("-._~", *p)) {
            url[len++] = (char)*p;
        } else {
            url[len++] = '%';
            url[len++] = hex[*p >> 4];
            url[len++] = hex[*p & 15];
        }
    }
    url[len] = '\0';
}

static void get_events(call_t *c)
{
    gi_error_t err;
    int64_t per_page = 0;
    const char *pp = param(c, "perPage");
    if (pp && gi_parse_whole(pp, 1, 1000, &per_page) != 0) {
        api_fail(c, 400, "invalid", "perPage must be a whole number from 1 to 1000");
        return;
    }
    gi_epcis_query_t q = {param(c, "GE_eventTime"),  param(c, "LT_eventTime"),
                          param(c, "MATCH_epc"),     param(c, "EQ_bizStep"),
                          param(c, "nextPageToken"), per_page};
    json_t *doc = NULL;
    char next[GI_EPCIS_TOKEN_MAX];
    gi_err_t rc = gi_epcis_query(c->ctx, &c->account, &q, c->rq->root, &doc, next, &err);
    if (rc != GI_OK) {
        api_fail_gi(c, rc, &err);
        return;
    }
    api_answer(c, 200, doc);
    c->out->content_type = "application/ld+json";
    if (next[0]) {
        char url[WEB_API_LINK_MAX - 32];
        snprintf(url, sizeof url, "%s/api/v1/epcis/events", c->rq->root);
        add_param(url, sizeof url, "GE_eventTime", q.ge_event_time);
        add_param(url, sizeof url, "LT_eventTime", q.lt_event_time);
        add_param(url, sizeof url, "MATCH_epc", q.match_epc);
        add_param(url, sizeof url, "EQ_bizStep", q.eq_biz_step);
        add_param(url, sizeof url, "perPage", pp);
        add_param(url, sizeof url, "nextPageToken", next);
        snprintf(c->out->link, sizeof c->out->link, "<%s>; rel=\"next\"", url);
    }
}

static void get_document(call_t *c, int64_t batch_id)
{
    gi_error_t err;
    db_batch_t b;
    gi_err_t rc = gi_view_batch(c->ctx, &c->account, batch_id, &b, &err);
    if (rc != GI_OK) {
        api_fail_gi(c, rc, &err);
        return;
    }
    web_file_t *f = &c->out->file;
    f->content_type = "application/ld+json";
    snprintf(f->filename, sizeof f->filename, "batch-%lld-epcis.jsonld", (long long)batch_id);
    if (strcmp(c->rq->method, "HEAD") == 0) {
        f->head_only = 1;
        c->out->status = 200;
        return;
    }
    switch (web_render_submit_epcis(c->rq->settings->render, c->actor, &c->account, batch_id,
                                    c->rq->root, &f->job)) {
    case WEB_RENDER_QUEUED:
        c->out->status = 200;
        return;
    case WEB_RENDER_ACCOUNT_BUSY:
        f->retry_after = RETRY_BUSY_S;
        api_fail(c, 429, "busy", "a download of this account is being written: one at a time");
        return;
    case WEB_RENDER_FULL:
        f->retry_after = RETRY_BUSY_S;
        api_fail(c, 503, "unavailable", "every render thread is busy: try again shortly");
        return;
    case WEB_RENDER_NOMEM:
        break;
    }
    api_fail(c, 503, "unavailable", "out of memory");
}

int api_epcis_handle(call_t *c)
{
    const char *path = c->rq->path;
    int get = strcmp(c->rq->method, "GET") == 0 || strcmp(c->rq->method, "HEAD") == 0;
    int64_t id;
    char digits[24];
    size_t n;
    if (strcmp(path, "epcis/events") == 0) {
        if (!get) {
            c->out->allow = "GET, HEAD";
            api_fail(c, 405, "method_not_allowed", "method not allowed");
        } else {
            get_events(c);
        }
        return 1;
    }
    if (strncmp(path, "batches/", 8) != 0)
        return 0;
    n = strcspn(path + 8, "/");
    if (n == 0 || n >= sizeof digits || strcmp(path + 8 + n, "/epcis") != 0)
        return 0;
    memcpy(digits, path + 8, n);
    digits[n] = '\0';
    if (gi_parse_id(digits, &id) != 0) {
        api_fail(c, 404, "not_found", "no such API resource");
    } else if (!get) {
        c->out->allow = "GET, HEAD";
        api_fail(c, 405, "method_not_allowed", "method not allowed");
    } else {
        get_document(c, id);
    }
    return 1;
}
