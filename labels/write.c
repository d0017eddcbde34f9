/*
 * write.c - label_write_to(): the sheet formats (PDF, SVG, PNG) onto a sink
 * and dispatch to CSV and ZIP; label_write(), the same into a file.
 */
#include "labels/fonts.h"
#include "labels/output.h"
#include "labels/pdf.h"
#include "labels/raster.h"
#include "labels/sheet.h"
#include "labels/svg.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROGRESS_EVERY 256

/* --- sinks ------------------------------------------------------------------------------- */

int label_out_stopped(label_out_t *o)
{
    if (!o->stopped && o->sink->cancelled && o->sink->cancelled(o->sink->arg))
        o->stopped = 1;
    return o->stopped;
}

int label_out_write(label_out_t *o, const void *data, size_t len)
{
    if (o->stopped)
        return -1;
    if (len && o->sink->write(o->sink->arg, data, len) != 0)
        o->stopped = 1;
    return o->stopped ? -1 : 0;
}

cairo_status_t label_out_cairo(void *closure, const unsigned char *data, unsigned int length)
{
    return label_out_write(closure, data, length) == 0 ? CAIRO_STATUS_SUCCESS
                                                       : CAIRO_STATUS_WRITE_ERROR;
}

label_err_t label_out_failed(label_out_t *o, char *errbuf, size_t errlen)
{
    o->stopped = 1;
    snprintf(errbuf, errlen, "the print file was stopped before its end");
    return LABEL_ECANCELLED;
}

static label_err_t cairo_failed(cairo_status_t st, label_out_t *o, char *errbuf, size_t errlen)
{
    if (o->stopped || st == CAIRO_STATUS_WRITE_ERROR)
        return label_out_failed(o, errbuf, errlen);
    snprintf(errbuf, errlen, "cannot draw the print file: %s", cairo_status_to_string(st));
    return st == CAIRO_STATUS_NO_MEMORY ? LABEL_ENOMEM : LABEL_EIO;
}

/* --- drawing --------------------------------------------------------------------------------- */

/* Draws labels [first, last) of one sheet; y_offset moves them up a sheet's
 * position. The encoder has the symbols ready, encoded on the other cores
 * meanwhile: encoding (libqrencode's mask selection) is about half the work.
 * The sink is asked before each label whether to go on. */
static label_err_t draw_page(label_sheet_t *sh, label_encoder_t *enc, cairo_t *cr,
                             const label_layout_t *l, const label_item_t *items, size_t first,
                             size_t last, double y_offset, label_out_t *o, char *errbuf,
                             size_t errlen)
{
    label_err_t rc = LABEL_OK;
    for (size_t i = first; rc == LABEL_OK && i < last; i++) {
        int page;
        double x, y;
        const label_matrix_t *m;
        if (label_out_stopped(o))
            return label_out_failed(o, errbuf, errlen);
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

size_t label_sheets(const label_layout_t *l, size_t n)
{
    size_t per = (size_t)label_per_page(l);
    return per ? (n + per - 1) / per : 0;
}

/* Sheet `sheet` (0-based) as a PNG in buf. */
static label_err_t png_sheet(label_sheet_t *sh, label_encoder_t *enc, const label_layout_t *l,
                             const label_item_t *items, size_t n, size_t sheet, label_out_t *o,
                             label_membuf_t *buf, char *errbuf, size_t errlen)
{
    size_t per = (size_t)label_per_page(l);
    double px_per_mm = l->dpi / 25.4;
    int w = (int)lround(l->page_w_mm * px_per_mm), h = (int)lround(l->page_h_mm * px_per_mm);
    size_t first = sheet * per, last = first + per < n ? first + per : n;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, px_per_mm, px_per_mm);
    label_err_t rc = draw_page(sh, enc, cr, l, items, first, last, 0, o, errbuf, errlen);
    cairo_destroy(cr);
    buf->len = 0;
    cairo_status_t st = rc == LABEL_OK ? label_png_write(s, l->dpi, buf) : 0;
    cairo_surface_destroy(s);
    if (rc == LABEL_OK && st != CAIRO_STATUS_SUCCESS)
        rc = cairo_failed(st, o, errbuf, errlen);
    return rc;
}

/* One sheet: a PNG; more: a ZIP of "sheet-N.png". */
static label_err_t write_png(label_sheet_t *sh, label_encoder_t *enc, const label_layout_t *l,
                             const label_item_t *items, size_t n, label_out_t *o,
                             label_progress_fn progress, void *arg, char *errbuf, size_t errlen)
{
    size_t sheets = label_sheets(l, n), per = (size_t)label_per_page(l);
    label_membuf_t buf = {0};
    label_zip_t *z = NULL;
    if (sheets > 1 && !(z = label_zip_new(o))) {
        snprintf(errbuf, errlen, "out of memory");
        return LABEL_ENOMEM;
    }
    label_err_t rc = LABEL_OK;
    for (size_t k = 0; rc == LABEL_OK && k < sheets; k++) {
        rc = png_sheet(sh, enc, l, items, n, k, o, &buf, errbuf, errlen);
        if (rc == LABEL_OK && !z && label_out_write(o, buf.data, buf.len) != 0)
            rc = label_out_failed(o, errbuf, errlen);
        if (rc == LABEL_OK && z) {
            char name[32];
            snprintf(name, sizeof name, "sheet-%zu.png", k + 1);
            rc = label_zip_add(z, name, buf.data, buf.len, 0, errbuf, errlen);
        }
        report(progress, arg, (k + 1) * per < n ? (k + 1) * per : n, n);
    }
    free(buf.data);
    if (rc != LABEL_OK) {
        label_zip_free(z);
        return rc;
    }
    return label_zip_finish(z, errbuf, errlen);
}

/* PDF: a page per sheet, written as each page is shown. */
/* Ends a vector drawing: destroys cr, finishes s (a stream surface writes
 * its last bytes here) and destroys it; the first error of either. */
static cairo_status_t surface_done(cairo_t *cr, cairo_surface_t *s)
{
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    return st;
}

/* The finished PDF onto the sink, which is asked before each piece
 * whether to go on, as it is before each label while drawing. */
static int out_write(void *arg, const unsigned char *data, size_t len)
{
    return label_out_stopped(arg) ? -1 : label_out_write(arg, data, len);
}

/* Draws labels [from, to) (from on a sheet's first label) as pages into a
 * temporary file, each the sheet grown by the bleed on every side, then
 * finishes them (labels/pdf.c: one-ink black, page boxes, CutContour) onto
 * write_fn; n is the batch's size, for progress. */
static label_err_t pdf_file(label_sheet_t *sh, label_encoder_t *enc, const label_layout_t *l,
                            const label_item_t *items, size_t from, size_t to, size_t n,
                            label_out_t *o, label_pdf_write_fn write_fn, void *write_arg,
                            label_progress_fn progress, void *arg, char *errbuf, size_t errlen)
{
    size_t per = (size_t)label_per_page(l);
    double b = l->bleed_mm;
    double w = label_mm_to_pt(l->page_w_mm + 2 * b), h = label_mm_to_pt(l->page_h_mm + 2 * b);
    label_pdf_tmp_t t;
    label_err_t rc = label_pdf_tmp_open(&t, errbuf, errlen);
    if (rc != LABEL_OK)
        return rc;
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(label_pdf_tmp_write, &t, w, h);
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, 1 / (25.4 / 72.0), 1 / (25.4 / 72.0));
    cairo_translate(cr, b, b);
    label_sheet_mask_begin(sh); /* the page's symbols as one image: see sheet.h */
    for (size_t first = from; rc == LABEL_OK && first < to; first += per) {
        size_t last = first + per < to ? first + per : to;
        for (size_t i = first; rc == LABEL_OK && i < last; i += PROGRESS_EVERY) {
            size_t end = i + PROGRESS_EVERY < last ? i + PROGRESS_EVERY : last;
            rc = draw_page(sh, enc, cr, l, items, i, end, 0, o, errbuf, errlen);
            report(progress, arg, end, n);
        }
        label_sheet_mask_end(sh, cr);
        cairo_show_page(cr);
    }
    cairo_status_t st = surface_done(cr, s);
    if (rc == LABEL_OK && st != CAIRO_STATUS_SUCCESS) {
        if (t.failed) {
            snprintf(errbuf, errlen, "cannot write the temporary PDF: %s", strerror(t.failed));
            rc = LABEL_EIO;
        } else {
            rc = cairo_failed(st, o, errbuf, errlen);
        }
    }
    if (rc == LABEL_OK && label_out_stopped(o))
        rc = label_out_failed(o, errbuf, errlen);
    label_pdf_opts_t opts = {label_mm_to_pt(b)};
    if (rc == LABEL_OK)
        rc = label_pdf_finish(&t, &opts, write_fn, write_arg, errbuf, errlen);
    label_pdf_tmp_close(&t);
    return rc;
}

size_t label_pdf_part_size(const label_layout_t *l, size_t n)
{
    size_t per = (size_t)label_per_page(l), max = l->pdf_part_labels;
    if (max == 0 || n <= max || per == 0)
        return n;
    return max / per > 0 ? max / per * per : per; /* whole sheets, one at least */
}

size_t label_pdf_parts(const label_layout_t *l, size_t n)
{
    size_t size = label_pdf_part_size(l, n);
    return size ? (n + size - 1) / size : 0;
}

/* A finished part into memory, the sink asked whether to go on. */
typedef struct {
    label_out_t *o;
    label_membuf_t *buf;
} part_arg_t;

static int part_write(void *arg, const unsigned char *data, size_t len)
{
    part_arg_t *a = arg;
    if (label_out_stopped(a->o))
        return -1;
    for (size_t k = 0; k < len;) { /* label_membuf_append() takes an unsigned at a time */
        unsigned step = len - k > (1u << 30) ? 1u << 30 : (unsigned)(len - k);
        if (label_membuf_append(a->buf, data + k, step) != CAIRO_STATUS_SUCCESS)
            return -1;
        k += step;
    }
    return 0;
}

/* PDF: one file; more labels than a part holds: a ZIP of PDF parts, each
 * drawn, finished into memory and added to the ZIP (stored: a PDF is
 * compressed already) before the next is drawn. What the finishing pass
 * holds (about 1.3 KB a label) is a part's, never the batch's. */
static label_err_t write_pdf(label_sheet_t *sh, label_encoder_t *enc, const label_layout_t *l,
                             const label_item_t *items, size_t n, label_out_t *o,
                             label_progress_fn progress, void *arg, char *errbuf, size_t errlen)
{
    size_t size = label_pdf_part_size(l, n);
    if (size >= n) {
        label_err_t rc =
            pdf_file(sh, enc, l, items, 0, n, n, o, out_write, o, progress, arg, errbuf, errlen);
        if (rc == LABEL_ECANCELLED)
            o->stopped = 1;
        return rc;
    }
    label_zip_t *z = label_zip_new(o);
    if (!z) {
        snprintf(errbuf, errlen, "out of memory");
        return LABEL_ENOMEM;
    }
    char digits[32];
    int width = snprintf(digits, sizeof digits, "%zu", n);
    if (width < 5)
        width = 5;
    label_membuf_t buf = {0};
    part_arg_t pa = {o, &buf};
    label_err_t rc = LABEL_OK;
    for (size_t from = 0; rc == LABEL_OK && from < n; from += size) {
        size_t to = from + size < n ? from + size : n;
        buf.len = 0;
        rc = pdf_file(sh, enc, l, items, from, to, n, o, part_write, &pa, progress, arg, errbuf,
                      errlen);
        if (rc == LABEL_ECANCELLED && !label_out_stopped(o)) { /* the buffer, not the sink */
            snprintf(errbuf, errlen, "out of memory holding a PDF part");
            rc = LABEL_ENOMEM;
        } else if (rc == LABEL_ECANCELLED) {
            o->stopped = 1;
        }
        char name[96];
        snprintf(name, sizeof name, "labels-%0*zu-%0*zu.pdf", width, from + 1, width, to);
        if (rc == LABEL_OK)
            rc = label_zip_add(z, name, buf.data, buf.len, 0, errbuf, errlen);
        /* not kept for the next part: it would sit beside the font subsets
         * cairo builds when that part's drawing ends */
        free(buf.data);
        buf = (label_membuf_t){0};
#ifdef __GLIBC__
        /* the part's objects (libqpdf's, cairo's) were small blocks: the
         * pages they leave free go back to the system, not into the next
         * part's count */
        malloc_trim(0);
#endif
    }
    if (rc != LABEL_OK) {
        label_zip_free(z);
        return rc;
    }
    return label_zip_finish(z, errbuf, errlen);
}

/* Labels [first, last) drawn by cairo as one SVG document in doc: a sheet,
 * or with member one label at its corner (labels/svg.c writes the others). */
static label_err_t svg_cairo_doc(label_sheet_t *sh, label_encoder_t *enc, const label_layout_t *l,
                                 const label_item_t *items, size_t first, size_t last, int member,
                                 label_out_t *o, label_membuf_t *doc, char *errbuf, size_t errlen)
{
    double w = label_mm_to_pt(member ? l->label_w_mm : l->page_w_mm);
    double h = label_mm_to_pt(member ? l->label_h_mm : l->page_h_mm);
    doc->len = 0;
    cairo_surface_t *s = cairo_svg_surface_create_for_stream(label_membuf_append, doc, w, h);
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, 1 / (25.4 / 72.0), 1 / (25.4 / 72.0));
    label_err_t rc = LABEL_OK;
    if (!member) {
        rc = draw_page(sh, enc, cr, l, items, first, last, 0, o, errbuf, errlen);
    } else { /* no encoder for ZIP members: encoded here */
        rc = label_sheet_draw(sh, cr, &items[first], 0, 0, errbuf, errlen);
    }
    cairo_status_t st = surface_done(cr, s);
    if (rc == LABEL_OK && st != CAIRO_STATUS_SUCCESS)
        rc = cairo_failed(st, o, errbuf, errlen);
    return rc;
}

label_err_t label_sheet_for(label_sheet_t **sh, const label_layout_t *l, const label_content_t *c,
                            const label_item_t *first, char *errbuf, size_t errlen)
{
    char payload[512];
    label_matrix_t m;
    label_payload(l, first, payload, sizeof payload);
    label_err_t rc = label_matrix_encode(l->symbology, l->ecc, payload, &m, errbuf, errlen);
    if (rc == LABEL_OK)
        rc = label_sheet_open(sh, l, c, first, &m, errbuf, errlen);
    label_matrix_free(&m);
    return rc;
}

/* The layout with its PDF-only choices (bleed, cut contour) checked
 * against the format. */
static label_err_t layout_check_for(const label_layout_t *l, label_format_t format, char *errbuf,
                                    size_t errlen)
{
    label_err_t rc = label_layout_check(l, errbuf, errlen);
    if (rc != LABEL_OK)
        return rc;
    if (!(l->bleed_mm >= 0 && l->bleed_mm <= 10)) {
        snprintf(errbuf, errlen, "bleed must be 0 to 10 mm");
        return LABEL_EINVAL;
    }
    if (format != LABEL_FMT_PDF && (l->bleed_mm > 0 || l->cut_contour)) {
        snprintf(errbuf, errlen,
                 "bleed and cut-contour are choices of the PDF only (a print house's RIP reads "
                 "its page boxes and spot colours): leave them out for other formats");
        return LABEL_EINVAL;
    }
    return LABEL_OK;
}

label_err_t label_check(const label_layout_t *l, const label_content_t *c,
                        const label_item_t *first, label_format_t format, char *errbuf,
                        size_t errlen)
{
    label_err_t rc = layout_check_for(l, format, errbuf, errlen);
    if (rc != LABEL_OK || format == LABEL_FMT_CSV || !first)
        return rc;
    if (!c) {
        double x, y, w, h, mod;
        return label_symbol_box(l, first, &x, &y, &w, &h, &mod, errbuf, errlen);
    }
    if ((rc = label_mark_check(c->mark_path, errbuf, errlen)) != LABEL_OK)
        return rc;
    char payload[512];
    label_matrix_t m;
    label_text_plan_t plan;
    label_payload(l, first, payload, sizeof payload);
    rc = label_matrix_encode(l->symbology, l->ecc, payload, &m, errbuf, errlen);
    if (rc == LABEL_OK)
        rc = label_text_plan(l, c, first->code, &m, &plan, errbuf, errlen);
    label_matrix_free(&m);
    return rc;
}

/* Whether the PNG formats are drawn into pixels (labels/raster.c): all but
 * grey sheets with crop marks, which lie outside the labels; raster.c lays
 * them on 1-bit sheets. */
static int raster_png(const label_layout_t *l, const label_content_t *c, label_format_t format)
{
    return (format == LABEL_FMT_PNG && (!l->crop_marks || label_raster_one_bit(c))) ||
           (format == LABEL_FMT_ZIP && l->zip_member_format != LABEL_FMT_SVG);
}

/* The sheets and the encoder for drawing items; NULL encoder for ZIP and
 * what raster.c draws (they encode on threads of their own). */
static label_err_t drawing_start(const label_layout_t *l, const label_content_t *c,
                                 const label_item_t *items, size_t n, label_format_t format,
                                 label_sheet_t **sh, label_encoder_t **enc, char *errbuf,
                                 size_t errlen)
{
    *sh = NULL;
    *enc = NULL;
    if (n == 0) {
        snprintf(errbuf, errlen, "no labels to write");
        return LABEL_EINVAL;
    }
    label_err_t rc = label_mark_check(c->mark_path, errbuf, errlen);
    if (rc == LABEL_OK)
        rc = label_sheet_for(sh, l, c, &items[0], errbuf, errlen);
    if (rc == LABEL_OK && format != LABEL_FMT_ZIP && !raster_png(l, c, format) &&
        (rc = label_encoder_start(enc, l, items, n, errbuf, errlen)) != LABEL_OK) {
        label_sheet_close(*sh);
        *sh = NULL;
    }
    return rc;
}

label_err_t label_write_to(const label_layout_t *l, const label_content_t *c,
                           const label_item_t *items, size_t n, label_format_t format,
                           const label_sink_t *sink, label_progress_fn progress, void *arg,
                           char *errbuf, size_t errlen)
{
    label_out_t o = {sink, 0};
    label_sheet_t *sh;
    label_encoder_t *enc;
    label_err_t rc = layout_check_for(l, format, errbuf, errlen);
    if (rc != LABEL_OK)
        return rc;
    if (format == LABEL_FMT_CSV)
        return label_write_csv(c, items, n, &o, errbuf, errlen);
    /* SVG viewers and print tools handle image masks poorly, and cairo's SVG
     * surface loses a scaled stencil's placement (every symbol drawn 10 mm
     * wide at the label's corner): paths there, in sheets and ZIP members */
    label_layout_t svg_layout = *l;
    svg_layout.vector_paths = 1;
    if (format == LABEL_FMT_SVG ||
        (format == LABEL_FMT_ZIP && l->zip_member_format == LABEL_FMT_SVG))
        l = &svg_layout;
    /* a PDF embeds the CJK faces: cut down to what it draws, on this thread
     * (labels/fonts.h); without them (a face missing, a character the faces
     * lack) the system's fonts draw it, as they did before */
    label_fonts_t *fonts = NULL;
    if (format == LABEL_FMT_PDF) {
        char why[256];
        label_fonts_begin(&fonts, c, items, n, why, sizeof why);
    }
    if ((rc = drawing_start(l, c, items, n, format, &sh, &enc, errbuf, errlen)) != LABEL_OK) {
        label_fonts_end(fonts);
        return rc;
    }
    switch (format) {
    case LABEL_FMT_PDF:
        rc = write_pdf(sh, enc, l, items, n, &o, progress, arg, errbuf, errlen);
        break;
    case LABEL_FMT_SVG:
        rc = label_write_svg_docs(sh, enc, l, items, n, 0, &o, svg_cairo_doc, NULL, NULL, progress,
                                  arg, errbuf, errlen);
        break;
    case LABEL_FMT_PNG:
        rc = raster_png(l, c, format)
                 ? label_raster_sheets(sh, l, c, items, n, &o, NULL, NULL, progress, arg, errbuf,
                                       errlen)
                 : write_png(sh, enc, l, items, n, &o, progress, arg, errbuf, errlen);
        break;
    case LABEL_FMT_ZIP:
        rc = raster_png(l, c, format)
                 ? label_raster_zip(sh, l, c, items, n, &o, progress, arg, errbuf, errlen)
                 : label_write_svg_docs(sh, enc, l, items, n, 1, &o, svg_cairo_doc, NULL, NULL,
                                        progress, arg, errbuf, errlen);
        break;
    case LABEL_FMT_CSV:
        break;
    }
    label_encoder_stop(enc);
    label_sheet_close(sh);
    label_fonts_end(fonts); /* after the surfaces that embed them are finished */
    return rc;
}

/* --- into files ------------------------------------------------------------------------------ */

static int fd_write(void *arg, const unsigned char *data, size_t len)
{
    int fd = *(int *)arg;
    while (len > 0) {
        ssize_t k = write(fd, data, len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        data += k;
        len -= (size_t)k;
    }
    return 0;
}

static label_err_t file_failed(const char *path, int errnum, char *errbuf, size_t errlen)
{
    snprintf(errbuf, errlen, "cannot write %s: %s", path, strerror(errnum));
    return LABEL_EIO;
}

/* Writes bytes or calls back into the file at path, created 0600. */
static int open_out(const char *path)
{
    return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
}

/* PNG (SVG) sheet N > 1 goes to "<stem>-N.png" (".svg"). */
static void page_path(const char *path, const char *ext, size_t page, char *out, size_t cap)
{
    if (page == 0) {
        snprintf(out, cap, "%s", path);
        return;
    }
    size_t n = strlen(path);
    size_t stem = n > 4 && strcmp(path + n - 4, ext) == 0 ? n - 4 : n;
    snprintf(out, cap, "%.*s-%zu%s", (int)stem, path, page + 1, ext);
}

typedef struct {
    const char *path, *ext;
    char *errbuf;
    size_t errlen;
} png_file_arg_t;

/* Writes one sheet's PNG (SVG) to its file; the reason in the argument's
 * errbuf. */
static int png_file(void *arg, size_t sheet, const label_membuf_t *png)
{
    png_file_arg_t *a = arg;
    char file[4096];
    page_path(a->path, a->ext, sheet, file, sizeof file);
    int fd = open_out(file);
    int failed = fd < 0 || fd_write(&fd, png->data, png->len) != 0;
    int errnum = errno;
    if (fd >= 0 && close(fd) != 0 && !failed) {
        failed = 1;
        errnum = errno;
    }
    if (failed)
        file_failed(file, errnum, a->errbuf, a->errlen);
    return failed ? -1 : 0;
}

/* A PNG file per sheet, as `gimark batch export` writes them. */
static label_err_t png_files(const label_layout_t *l, const label_content_t *c,
                             const label_item_t *items, size_t n, const char *path,
                             label_progress_fn progress, void *arg, char *errbuf, size_t errlen)
{
    label_sheet_t *sh;
    label_encoder_t *enc;
    label_sink_t none = {fd_write, NULL, NULL};
    label_out_t o = {&none, 0};
    label_err_t rc = drawing_start(l, c, items, n, LABEL_FMT_PNG, &sh, &enc, errbuf, errlen);
    if (rc == LABEL_OK && raster_png(l, c, LABEL_FMT_PNG)) {
        char why[512] = "";
        png_file_arg_t a = {path, ".png", why, sizeof why};
        rc = label_raster_sheets(sh, l, c, items, n, &o, png_file, &a, progress, arg, errbuf,
                                 errlen);
        if (rc == LABEL_EIO && why[0])
            snprintf(errbuf, errlen, "%s", why);
        label_sheet_close(sh);
        return rc;
    }
    label_membuf_t buf = {0};
    size_t sheets = label_sheets(l, n), per = (size_t)label_per_page(l);
    for (size_t k = 0; rc == LABEL_OK && k < sheets; k++) {
        png_file_arg_t a = {path, ".png", errbuf, errlen};
        rc = png_sheet(sh, enc, l, items, n, k, &o, &buf, errbuf, errlen);
        if (rc == LABEL_OK && png_file(&a, k, &buf) != 0)
            rc = LABEL_EIO;
        report(progress, arg, (k + 1) * per < n ? (k + 1) * per : n, n);
    }
    free(buf.data);
    label_encoder_stop(enc);
    label_sheet_close(sh);
    return rc;
}

/* An SVG file per sheet. */
static label_err_t svg_files(const label_layout_t *l, const label_content_t *c,
                             const label_item_t *items, size_t n, const char *path,
                             label_progress_fn progress, void *arg, char *errbuf, size_t errlen)
{
    label_sheet_t *sh;
    label_encoder_t *enc;
    label_sink_t none = {fd_write, NULL, NULL};
    label_out_t o = {&none, 0};
    label_layout_t svg_layout = *l;
    svg_layout.vector_paths = 1; /* as label_write_to() */
    label_err_t rc =
        drawing_start(&svg_layout, c, items, n, LABEL_FMT_SVG, &sh, &enc, errbuf, errlen);
    if (rc != LABEL_OK)
        return rc;
    char why[512] = "";
    png_file_arg_t a = {path, ".svg", why, sizeof why};
    rc = label_write_svg_docs(sh, enc, &svg_layout, items, n, 0, &o, svg_cairo_doc, png_file, &a,
                              progress, arg, errbuf, errlen);
    if (rc == LABEL_EIO && why[0])
        snprintf(errbuf, errlen, "%s", why);
    label_encoder_stop(enc);
    label_sheet_close(sh);
    return rc;
}

label_err_t label_write(const label_layout_t *l, const label_content_t *c,
                        const label_item_t *items, size_t n, label_format_t format,
                        const char *path, label_progress_fn progress, void *arg, char *errbuf,
                        size_t errlen)
{
    label_err_t rc = layout_check_for(l, format, errbuf, errlen);
    if (rc != LABEL_OK)
        return rc;
    if (format == LABEL_FMT_PNG)
        return png_files(l, c, items, n, path, progress, arg, errbuf, errlen);
    if (format == LABEL_FMT_SVG)
        return svg_files(l, c, items, n, path, progress, arg, errbuf, errlen);
    int fd = open_out(path);
    if (fd < 0)
        return file_failed(path, errno, errbuf, errlen);
    label_sink_t sink = {fd_write, NULL, &fd};
    rc = label_write_to(l, c, items, n, format, &sink, progress, arg, errbuf, errlen);
    int errnum = errno;
    if (close(fd) != 0 && rc == LABEL_OK)
        rc = file_failed(path, errno, errbuf, errlen);
    if (rc == LABEL_ECANCELLED) /* a write to the file failed */
        rc = file_failed(path, errnum, errbuf, errlen);
    return rc;
}
