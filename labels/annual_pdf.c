/*
 * annual_pdf.c - the annual supervision report as a PDF (annual_pdf.h).
 *
 * Units are PostScript points (A4 is 595.28 x 841.89). Every cell is one
 * line: text cells are shortened with an ellipsis when too wide, numbers
 * are never shortened (a number column is wide enough for 15 digits).
 */
#include "labels/annual_pdf.h"
#include "labels/fonts.h"
#include "labels/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>

#define PAGE_W  595.28
#define PAGE_H  841.89
#define MARGIN  48.0
#define BODY_W  (PAGE_W - 2 * MARGIN)
#define BOTTOM  (PAGE_H - MARGIN - 18.0)
#define ROW_H   14.0
#define CHART_H 150.0
#define FONT    "Noto Sans CJK SC"

typedef struct {
    cairo_t *cr;
    PangoLayout *pl;
    double y;
    int page;
} pdf_t;

static void font(pdf_t *p, double size, int bold)
{
    PangoFontDescription *fd = pango_font_description_from_string(FONT);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(p->pl, fd);
    pango_font_description_free(fd);
}

/* One line of text at x, y in width w (0: unbounded), aligned left (0), right
 * (1) or centred (2) in it. */
static void text(pdf_t *p, const char *s, double x, double y, double w, int align)
{
    pango_layout_set_width(p->pl, w > 0 ? (int)(w * PANGO_SCALE) : -1);
    pango_layout_set_ellipsize(p->pl, w > 0 ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
    pango_layout_set_alignment(p->pl, align == 1   ? PANGO_ALIGN_RIGHT
                                      : align == 2 ? PANGO_ALIGN_CENTER
                                                   : PANGO_ALIGN_LEFT);
    pango_layout_set_height(p->pl, -1);
    pango_layout_set_text(p->pl, s ? s : "", -1);
    cairo_move_to(p->cr, x, y);
    pango_cairo_show_layout(p->cr, p->pl);
}

static void footer(pdf_t *p)
{
    char s[48];
    snprintf(s, sizeof s, "Page %d", p->page);
    font(p, 8, 0);
    cairo_set_source_rgb(p->cr, 0.4, 0.4, 0.4);
    text(p, s, MARGIN, PAGE_H - MARGIN, BODY_W, 2);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
}

static void new_page(pdf_t *p)
{
    footer(p);
    cairo_show_page(p->cr);
    p->page++;
    p->y = MARGIN;
}

/* Room for h more points on this page, else the next. */
static void need(pdf_t *p, double h)
{
    if (p->y + h > BOTTOM)
        new_page(p);
}

static void cell_text(const json_t *v, char out[64], const char **s)
{
    if (json_is_integer(v)) {
        snprintf(out, 64, "%lld", (long long)json_integer_value(v));
        *s = out;
    } else
        *s = json_is_string(v) ? json_string_value(v) : "";
}

static void table(pdf_t *p, const json_t *t)
{
    const json_t *cols = json_object_get(t, "columns"), *rows = json_object_get(t, "rows");
    size_t n = json_array_size(cols), i, j;
    if (n == 0)
        return;
    /* the first column (the names) takes 45 per cent, the others share the rest */
    double w[16], rest = n > 1 ? BODY_W * 0.55 / (double)(n - 1) : 0;
    if (n > 16)
        n = 16;
    for (i = 0; i < n; i++)
        w[i] = i == 0 ? BODY_W - rest * (double)(n - 1) : rest;
    need(p, ROW_H * 3);
    font(p, 9.5, 1);
    text(p, json_string_value(json_object_get(t, "title")), MARGIN, p->y, BODY_W, 0);
    p->y += ROW_H + 2;
    font(p, 8, 1);
    double x = MARGIN;
    for (i = 0; i < n; i++) {
        text(p, json_string_value(json_array_get(cols, i)), x + 2, p->y, w[i] - 4, i > 0);
        x += w[i];
    }
    p->y += ROW_H;
    cairo_set_line_width(p->cr, 0.6);
    cairo_move_to(p->cr, MARGIN, p->y - 1);
    cairo_line_to(p->cr, MARGIN + BODY_W, p->y - 1);
    cairo_stroke(p->cr);
    font(p, 8.5, 0);
    const json_t *r;
    json_array_foreach(rows, j, r)
    {
        need(p, ROW_H);
        if (p->y == MARGIN)
            font(p, 8.5, 0);
        x = MARGIN;
        for (i = 0; i < n; i++) {
            char num[64];
            const char *s;
            const json_t *v = json_array_get(r, i);
            cell_text(v, num, &s);
            /* numbers are never shortened, and right-aligned; text is cut to its column */
            text(p, s, x + 2, p->y, w[i] - 4, i > 0 ? 1 : 0);
            x += w[i];
        }
        p->y += ROW_H;
    }
    if (json_array_size(rows) == 0) {
        font(p, 8.5, 0);
        cairo_set_source_rgb(p->cr, 0.4, 0.4, 0.4);
        text(p, "无 none", MARGIN + 2, p->y, BODY_W, 0);
        cairo_set_source_rgb(p->cr, 0, 0, 0);
        p->y += ROW_H;
    }
    p->y += 6;
}

static void chart(pdf_t *p, const json_t *c)
{
    const json_t *labels = json_object_get(c, "labels"), *values = json_object_get(c, "values");
    size_t n = json_array_size(values), i;
    if (n == 0)
        return;
    need(p, CHART_H + 40);
    font(p, 9.5, 1);
    text(p, json_string_value(json_object_get(c, "title")), MARGIN, p->y, BODY_W, 0);
    p->y += ROW_H + 14;
    json_int_t max = 1;
    for (i = 0; i < n; i++)
        if (json_integer_value(json_array_get(values, i)) > max)
            max = json_integer_value(json_array_get(values, i));
    double slot = BODY_W / (double)n, bw = slot * 0.6 < 36 ? slot * 0.6 : 36, base = p->y + CHART_H;
    cairo_set_line_width(p->cr, 0.6);
    cairo_move_to(p->cr, MARGIN, base);
    cairo_line_to(p->cr, MARGIN + BODY_W, base);
    cairo_stroke(p->cr);
    for (i = 0; i < n; i++) {
        json_int_t v = json_integer_value(json_array_get(values, i));
        double h = CHART_H * (double)v / (double)max, x = MARGIN + slot * (double)i;
        cairo_set_source_rgb(p->cr, 0.18, 0.45, 0.35);
        cairo_rectangle(p->cr, x + (slot - bw) / 2, base - h, bw, h);
        cairo_fill(p->cr);
        cairo_set_source_rgb(p->cr, 0, 0, 0);
        char num[64];
        const char *s;
        cell_text(json_array_get(values, i), num, &s);
        font(p, 7, 0);
        text(p, s, x, base - h - 11, slot, 2);
        text(p, json_string_value(json_array_get(labels, i)), x, base + 2, slot, 2);
    }
    p->y = base + ROW_H + 10;
}

/* A text in wrapped lines, broken across pages. */
static void paragraph(pdf_t *p, const char *s)
{
    font(p, 9, 0);
    pango_layout_set_width(p->pl, (int)(BODY_W * PANGO_SCALE));
    pango_layout_set_ellipsize(p->pl, PANGO_ELLIPSIZE_NONE);
    pango_layout_set_alignment(p->pl, PANGO_ALIGN_LEFT);
    pango_layout_set_wrap(p->pl, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(p->pl, s && *s ? s : "（未填写 not written）", -1);
    int lines = pango_layout_get_line_count(p->pl);
    for (int i = 0; i < lines; i++) {
        PangoLayoutLine *line = pango_layout_get_line_readonly(p->pl, i);
        PangoRectangle ink, log;
        pango_layout_line_get_extents(line, &ink, &log);
        double h = (double)log.height / PANGO_SCALE;
        need(p, h);
        cairo_move_to(p->cr, MARGIN, p->y - (double)log.y / PANGO_SCALE);
        pango_cairo_show_layout_line(p->cr, line);
        p->y += h;
    }
    p->y += 8;
}

/* Drawn into a temporary file and finished by labels/pdf.c as the label
 * sheets are: black text and rules as one ink (DeviceGray), page boxes. */
int annual_pdf_write(const json_t *report, annual_pdf_write_fn write, void *arg)
{
    char err[256];
    label_pdf_tmp_t tmp;
    if (label_pdf_tmp_open(&tmp, err, sizeof err) != LABEL_OK)
        return -1;
    cairo_surface_t *surface =
        cairo_pdf_surface_create_for_stream(label_pdf_tmp_write, &tmp, PAGE_W, PAGE_H);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        label_pdf_tmp_close(&tmp);
        return -1;
    }
    pdf_t p = {cairo_create(surface), NULL, MARGIN, 1};
    label_fonts_init();
    p.pl = pango_cairo_create_layout(p.cr);
    char title[160], sub[200];
    long long year = (long long)json_integer_value(json_object_get(report, "year"));
    const char *scope = json_string_value(json_object_get(report, "scope"));
    snprintf(title, sizeof title, "%lld 年度地理标志专用标志使用监管报告", year);
    snprintf(sub, sizeof sub, "Annual report on the supervision of GI mark use · region %s · %s",
             scope && *scope ? scope : "all",
             json_is_true(json_object_get(report, "closed")) ? "closed year" : "year not closed");
    /* the document's title (Info and XMP of the PDF/X-4 file, labels/pdf.c) */
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
    font(&p, 15, 1);
    text(&p, title, MARGIN, p.y, BODY_W, 0);
    p.y += 24;
    font(&p, 9, 0);
    text(&p, sub, MARGIN, p.y, BODY_W, 0);
    p.y += 22;
    size_t i, j;
    const json_t *sec, *t;
    json_array_foreach(json_object_get(report, "sections"), i, sec)
    {
        need(&p, ROW_H * 5);
        font(&p, 11.5, 1);
        text(&p, json_string_value(json_object_get(sec, "title")), MARGIN, p.y, BODY_W, 0);
        p.y += 20;
        json_array_foreach(json_object_get(sec, "tables"), j, t) table(&p, t);
        const json_t *c = json_object_get(sec, "chart");
        if (c)
            chart(&p, c);
        const json_t *tx = json_object_get(sec, "text");
        if (tx)
            paragraph(&p, json_string_value(tx));
        p.y += 6;
    }
    footer(&p);
    g_object_unref(p.pl);
    cairo_destroy(p.cr);
    cairo_surface_finish(surface);
    int ok = cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS && !tmp.failed;
    cairo_surface_destroy(surface);
    if (ok)
        ok = label_pdf_finish(&tmp, NULL, write, arg, err, sizeof err) == LABEL_OK;
    label_pdf_tmp_close(&tmp);
    return ok ? 0 : -1;
}
