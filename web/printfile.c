/*
 * printfile.c - print files for download: the checks a worker can make at
 * once, then a render job.
 */
#include "web/printfile.h"
#include "gi/act.h"
#include "gi/layout.h"

#include <stdio.h>
#include <string.h>

#define RETRY_BUSY_S 10 /* Retry-After of a 429 or 503 */

static const struct {
    const char *name;
    label_format_t format;
    const char *type;
} formats[] = {{"pdf", LABEL_FMT_PDF, "application/pdf"},
               {"svg", LABEL_FMT_SVG, "image/svg+xml"},
               {"png", LABEL_FMT_PNG, "image/png"},
               {"csv", LABEL_FMT_CSV, "text/csv; charset=utf-8"},
               {"zip", LABEL_FMT_ZIP, "application/zip"}};

/* The entry of formats[] named format, -1 when none. */
static int format_of(const char *format)
{
    for (size_t f = 0; format && f < sizeof formats / sizeof formats[0]; f++)
        if (strcmp(formats[f].name, format) == 0)
            return (int)f;
    return -1;
}

const char *web_print_type(const char *format)
{
    int f = format_of(format);
    return f < 0 ? NULL : formats[f].type;
}

static double pixels(double w_mm, double h_mm, int dpi)
{
    return (w_mm / 25.4 * dpi) * (h_mm / 25.4 * dpi);
}

/* Refuses a PNG (a sheet, or a zip's per-label images) larger than a
 * request may make the server draw. */
static gi_err_t check_pixels(const label_layout_t *l, label_format_t format, gi_error_t *err)
{
    double w_mm = l->page_w_mm, h_mm = l->page_h_mm;
    if (format == LABEL_FMT_ZIP && l->zip_member_format == LABEL_FMT_PNG) {
        w_mm = l->label_w_mm;
        h_mm = l->label_h_mm;
    } else if (format != LABEL_FMT_PNG) {
        return GI_OK;
    }
    double px = pixels(w_mm, h_mm, l->dpi);
    if (px > WEB_PRINT_MAX_PIXELS)
        return gi_fail(err, GI_EINVAL,
                       "dpi: %d makes a %.0f million pixel image, more than a download may "
                       "(%.0f million); lower dpi, or use gimark batch export",
                       l->dpi, px / 1e6, WEB_PRINT_MAX_PIXELS / 1e6);
    return GI_OK;
}

/* Refuses with 413 a file larger than a download may be: more labels than
 * the setting, or a PNG download (sheets, or a ZIP of label images) of more
 * pixels in all. */
static gi_err_t check_size(const web_render_config_t *cfg, const label_layout_t *l,
                           label_format_t format, size_t labels, web_file_t *out, gi_error_t *err)
{
    double px = 0;
    if (format == LABEL_FMT_ZIP && l->zip_member_format == LABEL_FMT_PNG)
        px = (double)labels * pixels(l->label_w_mm, l->label_h_mm, l->dpi);
    else if (format == LABEL_FMT_PNG)
        px = (double)label_sheets(l, labels) * pixels(l->page_w_mm, l->page_h_mm, l->dpi);
    if (labels > cfg->max_labels) {
        out->status = 413;
        return gi_fail(err, GI_EREFUSED,
                       "the batch has %zu labels, more than a download may hold (%zu): write "
                       "its print file on the server with gimark batch export",
                       labels, cfg->max_labels);
    }
    if (px > cfg->max_pixels) {
        out->status = 413;
        return gi_fail(err, GI_EREFUSED,
                       "%zu labels at %d dpi make %.0f million pixels, more than a download may "
                       "(%.0f million): lower dpi, or use gimark batch export on the server",
                       labels, l->dpi, px / 1e6, cfg->max_pixels / 1e6);
    }
    return GI_OK;
}

gi_err_t web_print_file(const gi_ctx_t *ctx, const db_account_t *a, int64_t batch_id,
                        const web_print_request_t *rq, web_file_t *out, gi_error_t *err)
{
    const char *format = rq->query(rq->query_arg, "format");
    gi_export_t ex = {0};
    memset(out, 0, sizeof *out);
    if (rq->settings->layout)
        ex.layout = *rq->settings->layout;
    else
        label_layout_default(&ex.layout);
    gi_err_t rc = gi_layout_apply(&ex.layout, rq->query, rq->query_arg, err);
    if (rc != GI_OK)
        return rc;
    int f = format_of(format);
    if (f < 0)
        return gi_fail(err, GI_EINVAL, "format must be pdf, svg, png, csv or zip");
    if ((rc = check_pixels(&ex.layout, formats[f].format, err)) != GI_OK)
        return rc;
    const char *base_url = rq->settings->base_url;
    if ((rc = gi_print_base_url_check(base_url, err)) != GI_OK)
        return rc;
    const char *reason = rq->query(rq->query_arg, "reason");
    ex.base_url = base_url;
    ex.format = formats[f].format;
    ex.reason = reason && *reason ? reason : NULL;
    size_t labels = 0;
    if ((rc = gi_act_batch_export_check(ctx, a, batch_id, &ex, &labels, err)) != GI_OK ||
        (rc = check_size(web_render_settings(rq->settings->render), &ex.layout, ex.format, labels,
                         out, err)) != GI_OK)
        return rc;
    /* PNG and SVG sheets past the first come as one ZIP, and a PDF of more
     * labels than the server's pdf-part-labels as a ZIP of PDF parts */
    int zipped = ((ex.format == LABEL_FMT_PNG || ex.format == LABEL_FMT_SVG) &&
                  label_sheets(&ex.layout, labels) > 1) ||
                 (ex.format == LABEL_FMT_PDF && label_pdf_parts(&ex.layout, labels) > 1);
    out->content_type = zipped ? "application/zip" : formats[f].type;
    snprintf(out->filename, sizeof out->filename, "batch-%lld.%s", (long long)batch_id,
             zipped ? "zip" : formats[f].name);
    if (rq->method && strcmp(rq->method, "HEAD") == 0) {
        out->head_only = 1;
        return GI_OK;
    }
    switch (web_render_submit(rq->settings->render, ctx->actor, a, batch_id, &ex, &out->job)) {
    case WEB_RENDER_QUEUED:
        return GI_OK;
    case WEB_RENDER_ACCOUNT_BUSY:
        out->status = 429;
        out->retry_after = RETRY_BUSY_S;
        return gi_fail(err, GI_EREFUSED,
                       "a print file of this account is being drawn: one at a time; try again "
                       "when it is done");
    case WEB_RENDER_FULL:
        out->status = 503;
        out->retry_after = RETRY_BUSY_S;
        return gi_fail(err, GI_EIO, "every render thread is busy: try again shortly");
    case WEB_RENDER_NOMEM:
        break;
    }
    return gi_fail(err, GI_ENOMEM, "out of memory");
}
