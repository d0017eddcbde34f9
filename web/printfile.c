/*
 * printfile.c - print files for download.
 */
#include "web/printfile.h"
#include "gi/act.h"

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

gi_err_t web_print_file(const gi_ctx_t *ctx, const db_account_t *a, int64_t batch_id,
                        const char *format, const char *base_url, web_file_t *out, gi_error_t *err)
{
    int f = format_of(format);
    if (f < 0)
        return gi_fail(err, GI_EINVAL, "format must be pdf, svg, png, csv or zip");
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
    gi_export_t ex = {0};
    label_layout_default(&ex.layout);
    ex.base_url = base_url;
    ex.format = formats[f].format;
    ex.path = path;
    size_t written = 0;
    gi_err_t rc = gi_act_batch_export(ctx, a, batch_id, &ex, &written, err);
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
