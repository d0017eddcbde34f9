/*
 * sheet.h - drawing one label onto a cairo context (internal to labels/).
 */
#ifndef LABEL_SHEET_H
#define LABEL_SHEET_H

#include "labels/matrix.h"

#include <cairo.h>

typedef struct label_sheet label_sheet_t;

/* Prepares what every label of content shares; sym_x is where the symbol
 * starts (mm from the label's left edge), which bounds the text column. */
label_err_t label_sheet_open(label_sheet_t **out, const label_layout_t *l, const label_content_t *c,
                             double sym_x, char *errbuf, size_t errlen);
void label_sheet_close(label_sheet_t *sh);

/* Draws one label with its top-left corner at (x, y) mm; cr's user unit is
 * one millimetre. */
label_err_t label_sheet_draw(label_sheet_t *sh, cairo_t *cr, const label_item_t *item, double x,
                             double y, char *errbuf, size_t errlen);

/* The same with the symbol already encoded. */
label_err_t label_sheet_draw_matrix(label_sheet_t *sh, cairo_t *cr, const label_item_t *item,
                                    const label_matrix_t *m, double x, double y, char *errbuf,
                                    size_t errlen);

/* Encodes the symbols of items[0..n) ahead of the drawing, on the
 * machine's other cores (labels/encode.c). items must outlive the encoder.
 * Errors: LABEL_ENOMEM. */
typedef struct label_encoder label_encoder_t;
label_err_t label_encoder_start(label_encoder_t **e, const label_layout_t *l,
                                const label_item_t *items, size_t n, char *errbuf, size_t errlen);
/* The symbol of item i, waiting for it or encoding it here. Ask in
 * ascending order of i: asking for i releases the symbols of earlier chunks,
 * so *m stays valid only until the next call. Errors: the encoder's
 * (LABEL_EINVAL for a payload that does not fit the symbology). */
label_err_t label_encoder_get(label_encoder_t *e, size_t i, const label_matrix_t **m, char *errbuf,
                              size_t errlen);
/* Stops the workers and frees everything; e may be NULL. */
void label_encoder_stop(label_encoder_t *e);

/* Fills the dark modules of m, whose top-left module corner is at (x, y),
 * in 100% black as outline paths (labels/outline.c); row_h is the height of a
 * row (mod for 2D symbols, the bar height for linear ones). Falls back to a
 * rectangle per run when out of memory. */
void label_outline_fill(cairo_t *cr, const label_matrix_t *m, double x, double y, double mod,
                        double row_h);

double label_mm_to_pt(double mm);

#endif
