/*
 * server_routes.c - the routes the server hands to other modules: the REST
 * API (web/api.h), the signed-in desk pages (web/portal.h), metrics, health
 * and the stylesheet (web/server_internal.h says which file owns what).
 */
#include "web/server_internal.h"
#include "web/api.h"
#include "web/gs1.h"
#include "web/portal.h"

#include <stdlib.h>
#include <string.h>

/* --- the REST API ----------------------------------------------------------------------- */
enum MHD_Result send_api(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    db_t *db = worker_db(s);
    if (!db)
        return send_json_error(c, rq, 503, "io", "database unavailable");
    char path[512];
    snprintf(path, sizeof path, "%.*s", (int)rq->route.code_len, rq->route.code);
    char root[WEB_GS1_ROOT_MAX];
    web_gs1_root(s->cfg.base_url, header(c, MHD_HTTP_HEADER_HOST), root);
    web_api_request_t in = {.method = rq->method,
                            .root = root,
                            .path = path,
                            .authorization = header(c, MHD_HTTP_HEADER_AUTHORIZATION),
                            .body = rq->body,
                            .body_len = rq->body_len,
                            .query = query,
                            .query_arg = c,
                            .settings = &s->desk};
    web_api_response_t out;
    gi_ctx_t ctx = {db, "web:api", (int64_t)time(NULL), NULL};
    web_api_handle(&ctx, &in, &out);
    if (!out.file.job && !out.file.head_only && !out.body)
        return MHD_NO;
    struct MHD_Response *r = answer_response(
        c, &out.file, out.body, out.len, out.content_type ? out.content_type : JSON, out.filename);
    if (!r)
        return MHD_NO;
    if (out.allow)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, out.allow);
    if (out.challenge)
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
    if (out.location[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, out.location);
    if (out.link[0])
        MHD_add_response_header(r, "Link", out.link);
    if (out.file.retry_after > 0)
        add_retry_after(r, out.file.retry_after);
    return queue_answer(c, rq, out.status, r);
}

/* --- the signed-in pages ------------------------------------------------------------------ */
enum MHD_Result send_portal(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    db_t *db = worker_db(s);
    web_page_ctx_t pc = page_ctx(s, c);
    const web_strings_t *t = web_strings(pc.lang);
    if (!db)
        return send_message(s, c, rq, 503, t->busy_title, t->busy_text);
    const char *client = client_of(s, c, rq);
    const web_form_t *form = form_done(rq);
    if (form && (form->too_big || form->has_nul))
        return send_message(s, c, rq, 400, t->bad_request_title, t->not_found_text);
    web_portal_request_t in = {
        .method = rq->method,
        .path = rq->url,
        .session_cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, WEB_SESSION_COOKIE),
        .login_cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, WEB_LOGIN_COOKIE),
        .form = form,
        .lang = web_lang_desk(pc.lang),
        .query = query,
        .query_arg = c,
        .client_key = client,
        .settings = &s->desk,
        .logins = s->logins,
        .now_ms = monotonic_ms(),
    };
    web_portal_response_t out;
    gi_ctx_t ctx = {db, "web:pages", (int64_t)time(NULL), NULL};
    web_portal_handle(&ctx, &in, &out);
    struct MHD_Response *r = answer_response(
        c, &out.file, out.body, out.len, out.content_type ? out.content_type : HTML, out.filename);
    if (!r)
        return MHD_NO;
    for (int i = 0; i < 2; i++)
        if (out.cookies[i][0])
            MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, out.cookies[i]);
    if (out.location[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, out.location);
    if (out.retry_after > 0)
        add_retry_after(r, out.retry_after);
    return queue_answer(c, rq, out.status, r);
}

/* --- the other routes ---------------------------------------------------------------------- */
enum MHD_Result send_metrics(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    gi_scan_stats_t st;
    web_buf_t b;
    gi_scan_stats(s->scans, &st);
    web_buf_init(&b, 8192);
    web_metrics_render(s->metrics, &st, &b);
    size_t len;
    char *body = web_buf_take(&b, &len);
    if (!body)
        return MHD_NO;
    return send_body(c, rq, 200, "text/plain; version=0.0.4; charset=utf-8", body, len);
}

enum MHD_Result send_health(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    db_t *db = worker_db(s);
    int ok = db && db_schema_version(db) == db_schema_latest(db);
    const char *text = ok ? "ok\n" : "database unavailable\n";
    char *body = strdup(text);
    if (!body)
        return MHD_NO;
    return send_body(c, rq, ok ? 200 : 503, "text/plain; charset=utf-8", body, strlen(body));
}

enum MHD_Result send_stylesheet(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    rq->status = 200;
    return MHD_queue_response(c, 200, s->stylesheet);
}
