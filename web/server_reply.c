/*
 * server_reply.c - the server's answers: security headers, print files
 * streamed as their render thread writes them, pages and JSON errors, and
 * the refusals before any route runs (web/server_internal.h says which file
 * owns what).
 */
#include "web/server_internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- responses ------------------------------------------------------------------- */
void add_security_headers(struct MHD_Response *r)
{
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'none'; style-src 'self'; img-src 'self' data:; "
                            "form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
}

/* --- streamed print files ------------------------------------------------------------ */

typedef struct {
    web_render_job_t *job;
    struct MHD_Connection *c;
} stream_t;

static void suspend_connection(void *c)
{
    MHD_suspend_connection(c);
}

static void resume_connection(void *c)
{
    MHD_resume_connection(c);
}

/* libmicrohttpd asks for the next bytes of a print file: with none there
 * yet, the connection is suspended until the render thread has some, so
 * this is never asked again in a busy loop. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    stream_t *st = cls;
    (void)pos;
    ssize_t n = web_render_read(st->job, buf, max, suspend_connection, resume_connection, st->c);
    return n == -1   ? MHD_CONTENT_READER_END_OF_STREAM
           : n == -2 ? MHD_CONTENT_READER_END_WITH_ERROR
                     : n;
}

/* The response is done with (sent, or the client went away): the job stops. */
static void stream_free(void *cls)
{
    stream_t *st = cls;
    web_render_release(st->job);
    free(st);
}

/* A response streaming file->job, which it takes over; NULL when out of
 * memory (the job is released then). */
static struct MHD_Response *stream_response(struct MHD_Connection *c, const web_file_t *file)
{
    stream_t *st = malloc(sizeof *st);
    struct MHD_Response *r = st ? MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024,
                                                                    stream_read, st, stream_free)
                                : NULL;
    if (!r) {
        free(st);
        web_render_release(file->job);
        return NULL;
    }
    st->job = file->job;
    st->c = c;
    return r;
}

/* The response to a handler's answer: a print file when file->job is set
 * (taken over) or file->head_only (headers alone), else body (taken over,
 * freed by libmicrohttpd; NULL for none). It carries the security headers,
 * no-store, the content type and, when download_name is not empty, that
 * name as an attachment. NULL when out of memory (the job or body is
 * released then). */
struct MHD_Response *answer_response(struct MHD_Connection *c, const web_file_t *file, char *body,
                                     size_t len, const char *type, const char *download_name)
{
    struct MHD_Response *r;
    if (file->job || file->head_only) {
        free(body);
        r = file->job ? stream_response(c, file)
                      : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        type = file->content_type;
        download_name = file->filename;
    } else {
        r = MHD_create_response_from_buffer(len, body ? body : (void *)"",
                                            body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
        if (!r)
            free(body);
    }
    if (!r)
        return NULL;
    add_security_headers(r);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (download_name && download_name[0]) {
        char disposition[96];
        snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", download_name);
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disposition);
    }
    return r;
}

enum MHD_Result queue_answer(struct MHD_Connection *c, request_t *rq, unsigned status,
                             struct MHD_Response *r)
{
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    rq->status = status;
    return ok;
}

void add_retry_after(struct MHD_Response *r, int64_t seconds)
{
    char secs[24];
    snprintf(secs, sizeof secs, "%lld", (long long)seconds);
    MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, secs);
}

/* The headers of a GS1 resolver's answer: CORS, and the Link to the linkset. */
void add_gs1_headers(struct MHD_Response *r, const request_t *rq)
{
    if (rq->cors) {
        MHD_add_response_header(r, "Access-Control-Allow-Origin", "*");
        MHD_add_response_header(r, "Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
        MHD_add_response_header(r, "Access-Control-Expose-Headers", "Link, Location");
        MHD_add_response_header(r, "Vary", "Accept, Accept-Language");
    }
    if (rq->link && rq->link[0])
        MHD_add_response_header(r, "Link", rq->link);
}

/* Queues body (taken over, freed by libmicrohttpd) with status, and the
 * Allow or Retry-After a refusal of rq calls for. */
enum MHD_Result send_body(struct MHD_Connection *c, request_t *rq, unsigned status,
                          const char *type, char *body, size_t len)
{
    static const web_file_t no_file = {0};
    struct MHD_Response *r = answer_response(c, &no_file, body, len, type, NULL);
    if (!r)
        return MHD_NO;
    if (rq->route.allow && !rq->route.method_ok)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, rq->route.allow);
    if (rq->retry_after > 0)
        add_retry_after(r, rq->retry_after);
    add_gs1_headers(r, rq);
    return queue_answer(c, rq, status, r);
}

enum MHD_Result send_buf(struct MHD_Connection *c, request_t *rq, unsigned status, const char *type,
                         web_buf_t *b)
{
    size_t len;
    char *body = web_buf_take(b, &len);
    if (!body)
        return MHD_NO; /* out of memory: drop the connection rather than send half */
    return send_body(c, rq, status, type, body, len);
}

enum MHD_Result send_message(web_server_t *s, struct MHD_Connection *c, request_t *rq,
                             unsigned status, const char *title, const char *text)
{
    web_buf_t b;
    web_page_ctx_t pc = page_ctx(s, c);
    web_buf_init(&b, 4096);
    web_page_message(&b, &pc, title, text);
    return send_buf(c, rq, status, HTML, &b);
}

/* A JSON error as DESIGN.md says: {"error": {"code": ..., "message": ...}}. */
enum MHD_Result send_json_error(struct MHD_Connection *c, request_t *rq, unsigned status,
                                const char *code, const char *message)
{
    json_t *e = json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", message);
    char *body = e ? json_dumps(e, JSON_COMPACT) : NULL;
    json_decref(e);
    if (!body)
        return MHD_NO;
    return send_body(c, rq, status, JSON, body, strlen(body));
}

/* A refusal before any route runs (400, 404, 405, 413): JSON for the API,
 * else a page. */
enum MHD_Result refuse(web_server_t *s, struct MHD_Connection *c, request_t *rq, unsigned status)
{
    static const struct {
        unsigned status;
        const char *code, *message;
    } why[] = {{400, "invalid", "HTTP/1.1 request without Host"},
               {405, "method_not_allowed", "method not allowed"},
               {413, "too_large", "request body too large"},
               {404, "not_found", "no such page"}};
    size_t i = 0;
    while (i + 1 < sizeof why / sizeof why[0] && why[i].status != status)
        i++;
    if (rq->route.id == WEB_ROUTE_VERIFY_API || rq->route.id == WEB_ROUTE_API)
        return send_json_error(c, rq, status, why[i].code, why[i].message);
    const web_strings_t *t = web_strings(page_ctx(s, c).lang);
    const char *title = status == 400   ? t->bad_request_title
                        : status == 405 ? t->method_title
                        : status == 413 ? t->too_large_title
                                        : t->not_found_title;
    return send_message(s, c, rq, status, title, t->not_found_text);
}
