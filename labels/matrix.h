/*
 * matrix.h - a symbol as a grid of modules (internal to labels/).
 */
#ifndef LABEL_MATRIX_H
#define LABEL_MATRIX_H

#include "labels/label.h"

typedef struct {
    int width, height;   /* modules, without quiet zone */
    int quiet;           /* quiet zone in modules, each side */
    int linear;          /* 1: a row of bars, drawn at full height */
    unsigned char *dark; /* width * height bytes, 1 = dark; owned */
} label_matrix_t;

/* Encodes text with symbology into m (free with label_matrix_free). */
label_err_t label_matrix_encode(label_symbology_t sym, char ecc, const char *text,
                                label_matrix_t *m, char *errbuf, size_t errlen);
void label_matrix_free(label_matrix_t *m);

/* The next run of dark modules in row at or after *from: sets [*start, *end)
 * and *from = *end, and returns 1; returns 0 at the row's end. */
static inline int label_matrix_next_run(const label_matrix_t *m, int row, int *from, int *start,
                                        int *end)
{
    const unsigned char *dark = m->dark + (size_t)row * (size_t)m->width;
    int c = *from;
    while (c < m->width && !dark[c])
        c++;
    if (c >= m->width)
        return 0;
    int e = c;
    while (e < m->width && dark[e])
        e++;
    *start = c;
    *end = *from = e;
    return 1;
}

/* QR via libqrencode (labels/qr.c). */
label_err_t label_qr_encode(const char *text, char ecc, label_matrix_t *m, char *errbuf,
                            size_t errlen);
/* DataMatrix, Han Xin, Code128 via libzint (labels/barcode.c). */
label_err_t label_zint_encode(label_symbology_t sym, const char *text, label_matrix_t *m,
                              char *errbuf, size_t errlen);

/* Where a symbol of matrix m sits in a label (labels/layout.c): quiet-zone
 * box corner and size, and module size, in mm. */
label_err_t label_place_symbol(const label_layout_t *l, const label_matrix_t *m, double *x,
                               double *y, double *w, double *h, double *module, char *errbuf,
                               size_t errlen);

/* The text a symbol carries for an item: the URL, or for Code128 the code
 * without hyphens. */
void label_payload(const label_layout_t *l, const label_item_t *item, char *out, size_t cap);

#endif
