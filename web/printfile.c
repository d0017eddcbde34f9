/*
 * printfile.c - print files for download.
 */
#include "web/printfile.h"
#include "gi/act.h"
#include "gi/layout.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
    double px = (w_mm / 25.4 * l->dpi) * (h_mm / 25.4 * l->dpi);
    if (px > WEB_PRINT_MAX_PIXELS)
        return gi_fail(err, GI_EINVAL,
                       "dpi: %d makes a %.0f million pixel image, more than a download may "
                       "(%.0f million); lower dpi, or use gimark batch export",
                       l->dpi, px / 1e6, WEB_PRINT_MAX_PIXELS / 1e6);
    return GI_OK;
}

gi_err_t web_print_file(const gi_ctx_t *ctx, const db_account_t *a, int64_t batch_id,
                        const web_print_request_t *rq, web_file_t *out, gi_error_t *err)
{
    const char *format = rq->query(rq->query_arg, "format");
    gi_export_t ex = {0};
    if (rq->layout)
        ex.layout = *rq->layout;
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
    const char *base_url = rq->base_url;
    if (!base_url || !*base_url)
        return gi_fail(err, GI_EREFUSED,
                       "the server was started without --base-url: labels "
                       "need the address consumers will reach");
    char path[256];
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/gimark-export-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return gi_fail(err, GI_EIO, "cannot make a temporary file");
    close(fd);
    ex.base_url = base_url;
    ex.format = formats[f].format;
    ex.path = path;
    ex.reason = rq->query(rq->query_arg, "reason");
    size_t written = 0;
    rc = gi_act_batch_export(ctx, a, batch_id, &ex, &written, err);
    fd = rc == GI_OK ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    unlink(path);
    struct stat st;
    if (rc == GI_OK && (fd < 0 || fstat(fd, &st) != 0))
        rc = gi_fail(err, GI_EIO, "cannot read the print file");
    if (rc != GI_OK) {
        if (fd >= 0)
            close(fd);
        return rc;
    }
    out->fd = fd;
    out->size = (uint64_t)st.st_size;
    out->content_type = formats[f].type;
    snprintf(out->filename, sizeof out->filename, "batch-%lld.%s", (long long)batch_id,
             formats[f].name);
    return GI_OK;
}
