/*
 * printfile.h - a batch's print file for download (API and operator pages):
 * checked on the request's worker (access, layout, size limits), then drawn
 * by a render job (web/render.h) whose output the server streams.
 */
#ifndef WEB_PRINTFILE_H
#define WEB_PRINTFILE_H

#include "gi/gi.h"
#include "web/desk_settings.h"

#include <stdint.h>

typedef struct {
    web_render_job_t *job; /* the file being drawn, for the caller to stream and release */
    int head_only;         /* a HEAD request: headers alone, no job */
    unsigned status;       /* a refusal's status (413, 429, 503), else 0 */
    int64_t retry_after;   /* seconds, with 429 and 503 */
    const char *content_type;
    char filename[64];
} web_file_t;

/* The Content-Type of a print format (?format=pdf, svg, png, csv, zip),
 * NULL when there is no such format. */
const char *web_print_type(const char *format);

/* What a download asks for and what the server was set up with. */
typedef struct {
    const char *method;                                /* "GET" or "HEAD" */
    const char *(*query)(void *arg, const char *name); /* a parameter's value, or NULL */
    void *query_arg;
    const web_desk_settings_t *settings;
} web_print_request_t;

/* One page image a download may ask for, in pixels: A4 at 600 dpi fits. A
 * larger PNG is for `gimark batch export`, not for a request to allocate. */
#define WEB_PRINT_MAX_PIXELS 40000000.0

/* Starts batch_id's print file as account a (ctx->actor audited), in the
 * format and layout the request's query parameters ask for: format pdf,
 * svg, png, csv or zip, the layout choices of gi/layout.h over the server's
 * default layout, and ?reason= (gi_export_t.reason). On GI_OK, out->job is
 * the render job (or out->head_only for HEAD). Refusals: GI_EINVAL naming
 * the parameter when one is not valid or one PNG image would exceed
 * WEB_PRINT_MAX_PIXELS; GI_EREFUSED without a base URL; with out->status
 * 413 when the file holds more labels, or a PNG download more pixels in
 * all, than the render settings allow (the message names `gimark batch
 * export`), 429 when the account has a job already, 503 when the queue is
 * full (both with out->retry_after); gi/act's errors else. */
gi_err_t web_print_file(const gi_ctx_t *ctx, const db_account_t *a, int64_t batch_id,
                        const web_print_request_t *rq, web_file_t *out, gi_error_t *err);

#endif
