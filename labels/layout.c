/*
 * layout.c - label geometry in millimetres: the sheet grid, and where the
 * symbol sits inside a label.
 */
#include "labels/label.h"
#include "labels/matrix.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define PAD_MM 1.5

void label_layout_default(label_layout_t *l)
{
    *l = (label_layout_t){
        .page_w_mm = 210,
        .page_h_mm = 297,
        .label_w_mm = 60,
        .label_h_mm = 30,
        .margin_mm = 10,
        .gap_mm = 3,
        .symbology = LABEL_SYM_QR,
        .ecc = 'M',
        .dpi = 300,
        .zip_member_format = LABEL_FMT_PNG,
        .min_text_mm = 1.8,
        .pdf_part_labels = LABEL_PDF_PART_LABELS,
    };
}

static int fits(double avail, double size, double gap)
{
    return avail + 1e-9 >= size ? (int)floor((avail + gap + 1e-9) / (size + gap)) : 0;
}

int label_per_page(const label_layout_t *l)
{
    int cols = fits(l->page_w_mm - 2 * l->margin_mm, l->label_w_mm, l->gap_mm);
    int rows = fits(l->page_h_mm - 2 * l->margin_mm, l->label_h_mm, l->gap_mm);
    if (l->cols > 0 && l->cols < cols)
        cols = l->cols;
    if (l->rows > 0 && l->rows < rows)
        rows = l->rows;
    return cols * rows;
}

static int columns(const label_layout_t *l)
{
    int cols = fits(l->page_w_mm - 2 * l->margin_mm, l->label_w_mm, l->gap_mm);
    return l->cols > 0 && l->cols < cols ? l->cols : cols;
}

void label_position_mm(const label_layout_t *l, size_t index, int *page, double *x_mm, double *y_mm)
{
    size_t per = (size_t)label_per_page(l);
    size_t cols = (size_t)columns(l);
    size_t on_page = per ? index % per : 0;
    *page = per ? (int)(index / per) : 0;
    *x_mm = l->margin_mm + (double)(on_page % cols) * (l->label_w_mm + l->gap_mm);
    *y_mm = l->margin_mm + (double)(on_page / cols) * (l->label_h_mm + l->gap_mm);
}

label_err_t label_layout_check(const label_layout_t *l, char *errbuf, size_t errlen)
{
    if (!(l->page_w_mm > 0 && l->page_h_mm > 0 && l->label_w_mm > 0 && l->label_h_mm > 0)) {
        snprintf(errbuf, errlen, "page and label sizes must be positive");
        return LABEL_EINVAL;
    }
    if (l->margin_mm < 0 || l->gap_mm < 0 || l->module_mm < 0 || l->cols < 0 || l->rows < 0) {
        snprintf(errbuf, errlen, "margins, gaps, module size and grid cannot be negative");
        return LABEL_EINVAL;
    }
    if (label_per_page(l) == 0) {
        snprintf(errbuf, errlen, "a %gx%g mm label does not fit a %gx%g mm page with %g mm margins",
                 l->label_w_mm, l->label_h_mm, l->page_w_mm, l->page_h_mm, l->margin_mm);
        return LABEL_EINVAL;
    }
    if (!(l->min_text_mm >= 0.5 && l->min_text_mm <= 10)) {
        snprintf(errbuf, errlen, "the smallest character height must be 0.5 to 10 mm");
        return LABEL_EINVAL;
    }
    if (l->dpi < 72 || l->dpi > 2400) {
        snprintf(errbuf, errlen, "resolution must be 72 to 2400 dpi");
        return LABEL_EINVAL;
    }
    return LABEL_OK;
}

/* Places a symbol of matrix m inside a label: 2D symbols sit at the right,
 * as large as the label's height allows; a linear symbol is a band of its
 * own along the bottom, as wide as the label (its quiet zones reach the
 * label's edges), with the text above it. Modules are whole printer dots at
 * the layout's resolution unless module_mm is given: at 300 dpi a module
 * of 0.677 mm would print as 8 dots here and 7 there. */
label_err_t label_place_symbol(const label_layout_t *l, const label_matrix_t *m, double *x,
                               double *y, double *w, double *h, double *module, char *errbuf,
                               size_t errlen)
{
    int across = m->width + 2 * m->quiet;
    double avail_w = m->linear ? l->label_w_mm : l->label_w_mm * 0.55;
    double bar_h = fmin(15, fmax(5, l->label_h_mm * 0.25));
    double avail_h = m->linear ? bar_h : l->label_h_mm - 2 * PAD_MM;
    int down = m->linear ? 0 : m->height + 2 * m->quiet;
    double mod = l->module_mm;
    if (mod <= 0) {
        double dot = 25.4 / (l->dpi > 0 ? l->dpi : 300);
        mod = avail_w / across;
        if (!m->linear && avail_h / down < mod)
            mod = avail_h / down;
        mod = floor(mod / dot + 1e-9) * dot;
    }
    *w = mod * across;
    *h = m->linear ? avail_h : mod * down;
    if (*w > avail_w + 1e-9 || *h > avail_h + 1e-9) {
        snprintf(errbuf, errlen, "a %d-module symbol at %.2f mm does not fit a %gx%g mm label",
                 across, mod, l->label_w_mm, l->label_h_mm);
        return LABEL_EINVAL;
    }
    if (mod < LABEL_MIN_MODULE_MM - 1e-9) {
        snprintf(errbuf, errlen,
                 "a %d-module symbol fits a %gx%g mm label only at %.3f mm a module (whole dots "
                 "at %d dpi), below %.2f mm: choose a larger label",
                 across, l->label_w_mm, l->label_h_mm, mod, l->dpi, LABEL_MIN_MODULE_MM);
        return LABEL_EINVAL;
    }
    *module = mod;
    if (m->linear) {
        *x = (l->label_w_mm - *w) / 2;
        *y = l->label_h_mm - PAD_MM - *h;
    } else {
        *x = l->label_w_mm - PAD_MM - *w;
        *y = (l->label_h_mm - *h) / 2;
    }
    return LABEL_OK;
}

void label_payload(const label_layout_t *l, const label_item_t *item, char *out, size_t cap)
{
    if (l->symbology != LABEL_SYM_CODE128) {
        snprintf(out, cap, "%s", item->url);
        return;
    }
    size_t k = 0;
    for (const char *p = item->code; *p && k + 1 < cap; p++)
        if (*p != '-')
            out[k++] = *p;
    out[k] = '\0';
}

label_err_t label_symbol_box(const label_layout_t *l, const label_item_t *item, double *x_mm,
                             double *y_mm, double *w_mm, double *h_mm, double *module_mm,
                             char *errbuf, size_t errlen)
{
    char payload[512];
    label_matrix_t m;
    label_payload(l, item, payload, sizeof payload);
    label_err_t rc = label_matrix_encode(l->symbology, l->ecc, payload, &m, errbuf, errlen);
    if (rc != LABEL_OK)
        return rc;
    rc = label_place_symbol(l, &m, x_mm, y_mm, w_mm, h_mm, module_mm, errbuf, errlen);
    label_matrix_free(&m);
    return rc;
}

label_err_t label_symbol_geom(const label_layout_t *l, const label_item_t *item,
                              label_symbol_geom_t *g, char *errbuf, size_t errlen)
{
    char payload[512];
    label_matrix_t m;
    label_payload(l, item, payload, sizeof payload);
    label_err_t rc = label_matrix_encode(l->symbology, l->ecc, payload, &m, errbuf, errlen);
    if (rc != LABEL_OK)
        return rc;
    memset(g, 0, sizeof *g);
    rc = label_place_symbol(l, &m, &g->box_x_mm, &g->box_y_mm, &g->box_w_mm, &g->box_h_mm,
                            &g->module_mm, errbuf, errlen);
    if (rc == LABEL_OK) {
        double q = m.quiet * g->module_mm;
        g->cols = m.width;
        g->rows = m.height;
        g->quiet_modules = m.quiet;
        g->sym_x_mm = g->box_x_mm + q;
        g->sym_w_mm = g->box_w_mm - 2 * q;
        g->sym_y_mm = m.linear ? g->box_y_mm : g->box_y_mm + q;
        g->sym_h_mm = m.linear ? g->box_h_mm : g->box_h_mm - 2 * q;
    }
    label_matrix_free(&m);
    return rc;
}
