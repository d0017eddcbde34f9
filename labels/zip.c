/*
 * zip.c - one file per label (PNG or SVG) in a ZIP archive, via libzip, for
 * print workflows that place each label themselves.
 */
#include "labels/output.h"

#include <cairo-svg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

typedef struct {
    unsigned char *data;
    size_t len, cap;
} membuf_t;

static cairo_status_t append(void *closure, const unsigned char *data, unsigned int length)
{
    membuf_t *b = closure;
    if (b->len + length > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16384;
        while (cap < b->len + length)
            cap *= 2;
        unsigned char *p = realloc(b->data, cap);
        if (!p)
            return CAIRO_STATUS_NO_MEMORY;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, length);
    b->len += length;
    return CAIRO_STATUS_SUCCESS;
}

/* Renders one label alone into buf as PNG or SVG. */
static label_err_t render_member(label_sheet_t *sh, const label_layout_t *l,
                                 const label_item_t *item, membuf_t *buf, char *errbuf,
                                 size_t errlen)
{
    int svg = l->zip_member_format == LABEL_FMT_SVG;
    double px_per_mm = l->dpi / 25.4;
    cairo_surface_t *s;
    if (svg) {
        s = cairo_svg_surface_create_for_stream(append, buf, label_mm_to_pt(l->label_w_mm),
                                                label_mm_to_pt(l->label_h_mm));
    } else {
        s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)lround(l->label_w_mm * px_per_mm),
                                       (int)lround(l->label_h_mm * px_per_mm));
    }
    cairo_t *cr = cairo_create(s);
    if (!svg) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        cairo_scale(cr, px_per_mm, px_per_mm);
    } else {
        cairo_scale(cr, 72 / 25.4, 72 / 25.4);
    }
    label_err_t rc = label_sheet_draw(sh, cr, item, 0, 0, errbuf, errlen);
    cairo_destroy(cr);
    cairo_status_t st =
        svg ? CAIRO_STATUS_SUCCESS : cairo_surface_write_to_png_stream(s, append, buf);
    cairo_surface_finish(s); /* an SVG stream is written here */
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (rc == LABEL_OK && st != CAIRO_STATUS_SUCCESS) {
        snprintf(errbuf, errlen, "cannot render label %ld: %s", item->sequence,
                 cairo_status_to_string(st));
        rc = LABEL_ENOMEM;
    }
    return rc;
}

static label_err_t add_member(zip_t *za, label_sheet_t *sh, const label_layout_t *l,
                              const label_item_t *item, char *errbuf, size_t errlen)
{
    membuf_t buf = {0};
    char name[128];
    label_err_t rc = render_member(sh, l, item, &buf, errbuf, errlen);
    if (rc != LABEL_OK) {
        free(buf.data);
        return rc;
    }
    snprintf(name, sizeof name, "%ld-%s.%s", item->sequence, item->code,
             l->zip_member_format == LABEL_FMT_SVG ? "svg" : "png");
    zip_source_t *src = zip_source_buffer(za, buf.data, buf.len, 1);
    if (!src || zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8) < 0) {
        snprintf(errbuf, errlen, "cannot add %s: %s", name, zip_strerror(za));
        if (src)
            zip_source_free(src);
        else
            free(buf.data);
        return LABEL_EIO;
    }
    /* PNG is compressed already: store it as it is */
    if (l->zip_member_format == LABEL_FMT_PNG)
        zip_set_file_compression(za, (zip_uint64_t)zip_name_locate(za, name, 0), ZIP_CM_STORE, 0);
    return LABEL_OK;
}

label_err_t label_write_zip(label_sheet_t *sh, const label_layout_t *l, const label_item_t *items,
                            size_t n, const char *path, label_progress_fn progress, void *arg,
                            char *errbuf, size_t errlen)
{
    int zerr = 0;
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    if (!za) {
        zip_error_t e;
        zip_error_init_with_code(&e, zerr);
        snprintf(errbuf, errlen, "cannot create %s: %s", path, zip_error_strerror(&e));
        zip_error_fini(&e);
        return LABEL_EIO;
    }
    label_err_t rc = LABEL_OK;
    for (size_t i = 0; rc == LABEL_OK && i < n; i++) {
        rc = add_member(za, sh, l, &items[i], errbuf, errlen);
        if (progress && ((i + 1) % 256 == 0 || i + 1 == n))
            progress(i + 1, n, arg);
    }
    if (rc != LABEL_OK) {
        zip_discard(za);
        return rc;
    }
    if (zip_close(za) != 0) {
        snprintf(errbuf, errlen, "cannot write %s: %s", path, zip_strerror(za));
        zip_discard(za);
        return LABEL_EIO;
    }
    return LABEL_OK;
}
