/*
 * raster.h - labels drawn straight into pixels for PNG (internal to
 * labels/): the parts every label shares are drawn once by cairo into a
 * template; per label the template is copied, the symbol's modules are
 * filled as runs of whole pixels and the serial code is drawn in a small
 * box of its own. Thread-safe once opened: one scratch per thread.
 */
#ifndef LABEL_RASTER_H
#define LABEL_RASTER_H

#include "labels/output.h"

/* Ink is one byte a pixel: 0 paper, 255 full black. */
typedef struct label_raster label_raster_t;
typedef struct label_raster_scratch label_raster_scratch_t;

/* Whether c's labels are black and white (1-bit PNG): unless the content has
 * mark artwork, which may hold colour and greys (8-bit grey then). */
int label_raster_one_bit(const label_content_t *c);

/* The template of sh's labels at l->dpi, black and white or grey as
 * label_raster_one_bit says. Draws one code first, so that later draws may
 * run in several threads. Errors: LABEL_ENOMEM. */
label_err_t label_raster_open(label_raster_t **r, label_sheet_t *sh, const label_layout_t *l,
                              const label_content_t *c, char *errbuf, size_t errlen);
void label_raster_close(label_raster_t *r);

/* Label size in pixels, and whether it is written as 1-bit. */
void label_raster_size(const label_raster_t *r, int *w, int *h, int *bw);

/* A thread's working memory (a label's ink and the code's box). */
label_raster_scratch_t *label_raster_scratch_new(const label_raster_t *r);
void label_raster_scratch_free(label_raster_scratch_t *s);

/* Draws item (its symbol m) and returns its ink: w x h bytes, row after
 * row, valid until the scratch's next use. */
const unsigned char *label_raster_draw(const label_raster_t *r, label_raster_scratch_t *s,
                                       const label_item_t *item, const label_matrix_t *m);
/* The same as 1-bit PNG rows (label_png_bits): h rows of 1 + (w + 7) / 8
 * bytes, a filter byte and the pixels, 1 white; NULL unless 1-bit. */
const unsigned char *label_raster_draw_bits(const label_raster_t *r, label_raster_scratch_t *s,
                                            const label_item_t *item, const label_matrix_t *m);

/* A PNG written row by row into a memory buffer: 1-bit (ink of 128 or more
 * is black) or 8-bit grey, with its resolution (pHYs). */
typedef struct label_png label_png_t;
label_png_t *label_png_begin(int w, int h, int bw, int dpi, label_membuf_t *buf);
/* One row of w ink bytes; NULL: a row of paper. 0 when written. */
int label_png_row(label_png_t *p, const unsigned char *ink);
/* Ends the image and frees p; 0 when the whole PNG is in buf. */
int label_png_end(label_png_t *p);

/* The ZIP of PNG members and the PNG sheets, drawn on l->threads threads. */
label_err_t label_raster_zip(label_sheet_t *sh, const label_layout_t *l, const label_content_t *c,
                             const label_item_t *items, size_t n, label_out_t *o,
                             label_progress_fn progress, void *arg, char *errbuf, size_t errlen);
/* One sheet: a PNG; more: a ZIP of "sheet-N.png". With a sheet_fn, each
 * sheet goes to it instead (0: written). */
typedef int (*label_sheet_png_fn)(void *arg, size_t sheet, const label_membuf_t *png);
label_err_t label_raster_sheets(label_sheet_t *sh, const label_layout_t *l,
                                const label_content_t *c, const label_item_t *items, size_t n,
                                label_out_t *o, label_sheet_png_fn sheet_fn, void *sheet_arg,
                                label_progress_fn progress, void *arg, char *errbuf, size_t errlen);

#endif
