/*
 * write.c - label_write(): the sheet formats (PDF, SVG, PNG) and dispatch to
 * CSV and ZIP.
 */
#include "labels/output.h"
#include "labels/sheet.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROGRESS_EVERY 256

static label_err_t cairo_failed(cairo_status_t st, const char *path, char *errbuf, size_t errlen)
{
    snprintf(errbuf, errlen, "cannot write %s: %s", path, cairo_status_to_string(st));
    return st == CAIRO_STATUS_NO_MEMORY ? LABEL_ENOMEM : LABEL_EIO;
}

/* Draws labels [first, last) of one sheet; y_offset stacks SVG pages. The
 * encoder has the symbols ready, encoded on the other cores meanwhile:
 * encoding (libqrencode's mask selection) is about half the work. */
static label_err_t draw_page(label_sheet_t *sh, label_encoder_t *enc, cairo_t *cr,
                             const label_layout_t *l, const label_item_t *items, size_t first,
                             size_t last, double y_offset, char *errbuf, size_t errlen)
{
    label_err_t rc = LABEL_OK;
    for (size_t i = first; rc == LABEL_OK && i < last; i++) {
        int page;
        double x, y;
        const label_matrix_t *m;
        label_position_mm(l, i, &page, &x, &y);
        rc = label_encoder_get(enc, i, &m, errbuf, errlen);
        if (rc == LABEL_OK)
            rc = label_sheet_draw_matrix(sh, cr, &items[i], m, x, y + y_offset, errbuf, errlen);
    }
    return rc;
}

static void report(label_progress_fn progress, void *arg, size_t done, size_t total)
{
    if (progress)
        progress(done, total, arg);
}

/* PNG sheet N > 1 goes to "<stem>-N.png". */
static void png_page_path(const char *path, int page, char *out, size_t cap)
{
    if (page == 0) {
        snprintf(out, cap, "%s", path);
        return;
    }
    size_t n = strlen(path);
    size_t stem = n > 4 && strcmp(path + n - 4, ".png") == 0 ? n - 4 : n;
    snprintf(out, cap, "%.*s-%d.png", (int)stem, path, page + 1);
}

static label_err_t write_png_sheets(label_sheet_t *sh, label_encoder_t *enc,
                                    const label_layout_t *l, const label_item_t *items, size_t n,
                                    const char *path, label_progress_fn progress, void *arg,
                                    char *errbuf, size_t errlen)
{
    size_t per = (size_t)label_per_page(l);
    double px_per_mm = l->dpi / 25.4;
    int w = (int)lround(l->page_w_mm * px_per_mm), h = (int)lround(l->page_h_mm * px_per_mm);
    label_err_t rc = LABEL_OK;
    for (size_t first = 0; rc == LABEL_OK && first < n; first += per) {
        char file[4096];
        size_t last = first + per < n ? first + per : n;
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
        cairo_t *cr = cairo_create(s);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        cairo_scale(cr, px_per_mm, px_per_mm);
        rc = draw_page(sh, enc, cr, l, items, first, last, 0, errbuf, errlen);
        cairo_destroy(cr);
        png_page_path(path, (int)(first / per), file, sizeof file);
        cairo_status_t st = rc == LABEL_OK ? cairo_surface_write_to_png(s, file) : 0;
        cairo_surface_destroy(s);
        if (rc == LABEL_OK && st != CAIRO_STATUS_SUCCESS)
            rc = cairo_failed(st, file, errbuf, errlen);
        report(progress, arg, last, n);
    }
    return rc;
}

/* PDF (a page per sheet) or SVG (sheets stacked on one tall drawing). */
static label_err_t write_vector(label_sheet_t *sh, label_encoder_t *enc, const label_layout_t *l,
                                const label_item_t *items, size_t n, int svg, const char *path,
                                label_progress_fn progress, void *arg, char *errbuf, size_t errlen)
{
    size_t per = (size_t)label_per_page(l);
    size_t pages = (n + per - 1) / per;
    double w = label_mm_to_pt(l->page_w_mm), h = label_mm_to_pt(l->page_h_mm);
    cairo_surface_t *s = svg ? cairo_svg_surface_create(path, w, h * (double)pages)
                             : cairo_pdf_surface_create(path, w, h);
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, 1 / (25.4 / 72.0), 1 / (25.4 / 72.0));
    label_err_t rc = LABEL_OK;
    for (size_t first = 0; rc == LABEL_OK && first < n; first += per) {
        size_t last = first + per < n ? first + per : n;
        for (size_t i = first; rc == LABEL_OK && i < last; i += PROGRESS_EVERY) {
            size_t end = i + PROGRESS_EVERY < last ? i + PROGRESS_EVERY : last;
            double y_off = svg ? (double)(first / per) * l->page_h_mm : 0;
            rc = draw_page(sh, enc, cr, l, items, i, end, y_off, errbuf, errlen);
            report(progress, arg, end, n);
        }
        if (!svg)
            cairo_show_page(cr);
    }
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (rc == LABEL_OK && st != CAIRO_STATUS_SUCCESS)
        rc = cairo_failed(st, path, errbuf, errlen);
    return rc;
}

label_err_t label_sheet_for(label_sheet_t **sh, const label_layout_t *l, const label_content_t *c,
                            const label_item_t *first, char *errbuf, size_t errlen)
{
    double x, y, w, h, mod;
    label_err_t rc = label_symbol_box(l, first, &x, &y, &w, &h, &mod, errbuf, errlen);
    if (rc != LABEL_OK)
        return rc;
    return label_sheet_open(sh, l, c, x, errbuf, errlen);
}

label_err_t label_write(const label_layout_t *l, const label_content_t *c,
                        const label_item_t *items, size_t n, label_format_t format,
                        const char *path, label_progress_fn progress, void *arg, char *errbuf,
                        size_t errlen)
{
    label_sheet_t *sh = NULL;
    label_encoder_t *enc = NULL;
    label_err_t rc = label_layout_check(l, errbuf, errlen);
    if (rc != LABEL_OK)
        return rc;
    if (format == LABEL_FMT_CSV)
        return label_write_csv(c, items, n, path, errbuf, errlen);
    if (n == 0) {
        snprintf(errbuf, errlen, "no labels to write");
        return LABEL_EINVAL;
    }
    /* SVG viewers and print tools handle image masks poorly: paths there */
    label_layout_t svg_layout = *l;
    svg_layout.vector_paths = 1;
    if (format == LABEL_FMT_SVG)
        l = &svg_layout;
    if ((rc = label_sheet_for(&sh, l, c, &items[0], errbuf, errlen)) != LABEL_OK)
        return rc;
    if (format != LABEL_FMT_ZIP &&
        (rc = label_encoder_start(&enc, l, items, n, errbuf, errlen)) != LABEL_OK) {
        label_sheet_close(sh);
        return rc;
    }
    switch (format) {
    case LABEL_FMT_PDF:
        rc = write_vector(sh, enc, l, items, n, 0, path, progress, arg, errbuf, errlen);
        break;
    case LABEL_FMT_SVG:
        rc = write_vector(sh, enc, l, items, n, 1, path, progress, arg, errbuf, errlen);
        break;
    case LABEL_FMT_PNG:
        rc = write_png_sheets(sh, enc, l, items, n, path, progress, arg, errbuf, errlen);
        break;
    case LABEL_FMT_ZIP:
        rc = label_write_zip(sh, l, items, n, path, progress, arg, errbuf, errlen);
        break;
    case LABEL_FMT_CSV:
        break;
    }
    label_encoder_stop(enc);
    label_sheet_close(sh);
    return rc;
}
