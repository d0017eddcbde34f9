/*
 * sheet.h - drawing one label onto a cairo context (internal to labels/).
 */
#ifndef LABEL_SHEET_H
#define LABEL_SHEET_H

#include "labels/matrix.h"

#include <cairo.h>
#include <pango/pangocairo.h>

typedef struct label_sheet label_sheet_t;

/* Prepares what every label of content shares, laid out around the symbol
 * m of first (a label of the batch). LABEL_EINVAL when the text cannot be
 * shown whole (label_text_plan()). */
label_err_t label_sheet_open(label_sheet_t **out, const label_layout_t *l, const label_content_t *c,
                             const label_item_t *first, const label_matrix_t *m, char *errbuf,
                             size_t errlen);
void label_sheet_close(label_sheet_t *sh);

/* PDF: the symbols of a page go into one 1-bit image a column of labels,
 * at the layout's resolution (each module whole dots: its corner is on the
 * dot grid already), drawn by label_sheet_mask_end() before the page is
 * shown. A stencil image per symbol made an object per label, and the
 * PDF's finishing pass (labels/pdf.c) holds about 6 KB an object: 60 MB
 * for 10,000 labels; a page-wide image costs cairo's deflate 1 MB a page.
 * 0 (each symbol its own stencil, as before) with vector paths or a given
 * module size. */
int label_sheet_mask_begin(label_sheet_t *sh);
void label_sheet_mask_end(label_sheet_t *sh, cairo_t *cr);

/* Draws one label with its top-left corner at (x, y) mm; cr's user unit is
 * one millimetre. */
label_err_t label_sheet_draw(label_sheet_t *sh, cairo_t *cr, const label_item_t *item, double x,
                             double y, char *errbuf, size_t errlen);

/* The same with the symbol already encoded. */
label_err_t label_sheet_draw_matrix(label_sheet_t *sh, cairo_t *cr, const label_item_t *item,
                                    const label_matrix_t *m, double x, double y, char *errbuf,
                                    size_t errlen);

/* What label_sheet_draw_matrix() draws, in parts, the label's corner at
 * cr's origin: the parts every label shares (mark and text), and the serial
 * code. The first code drawn prepares the glyphs every later one uses: draw
 * one before several threads draw at once. */
void label_sheet_draw_shared(label_sheet_t *sh, cairo_t *cr);
void label_sheet_draw_code(label_sheet_t *sh, cairo_t *cr, const char *code);
/* Where the serial code's glyphs go when it is one line of the shaped
 * glyphs: their left edges in x (CODE_MAX = 64 at most) and their baseline,
 * mm in the label; the number of glyphs, or 0 when pango draws it. */
#define LABEL_CODE_GLYPHS 64
int label_sheet_code_glyphs(label_sheet_t *sh, cairo_t *cr, const char *code, double *x,
                            double *baseline);
/* Appends the outline of ch's glyph, its origin at cr's origin, to cr's
 * path; -1 when ch has no shaped glyph. */
int label_sheet_glyph_path(label_sheet_t *sh, cairo_t *cr, char ch);
/* The box the serial code is drawn in, mm in the label. */
void label_sheet_code_box(const label_sheet_t *sh, double *x, double *y, double *w, double *h);
/* The crop marks label_sheet_draw_matrix() draws with crop_marks, the
 * label's corner at cr's origin (they lie outside the label). */
void label_sheet_draw_crop_marks(const label_sheet_t *sh, cairo_t *cr);

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

/* Whether the mark artwork at path (NULL: none) can be drawn: a readable
 * PNG or SVG file, told apart by its content. LABEL_EINVAL with the reason. */
label_err_t label_mark_check(const char *path, char *errbuf, size_t errlen);

#define LABEL_TEXT_FONT "Noto Sans CJK SC"
#define LABEL_CODE_FONT "Noto Sans Mono CJK SC"

/* The characters labels are drawn with besides their content and codes, for
 * the faces a PDF embeds (labels/fonts.c): text.c's captions and the
 * characters text is measured on; sheet.c's mark placeholder and the serial
 * code's alphabet. */
extern const char label_text_fixed[];
extern const char label_sheet_fixed[];

/* The fields every label carries in full (labels/text.c), in the order
 * they are laid out. */
enum {
    LABEL_TB_NAME,
    LABEL_TB_REG,
    LABEL_TB_OPERATOR,
    LABEL_TB_USCC,
    LABEL_TB_APPROVAL, /* the approval document number, "" unless the layout asks for it */
    LABEL_TB_CODE,
    LABEL_TB_N
};

typedef struct {
    const char *text;   /* "" when the field is empty */
    const char *family; /* font family */
    int bold;
    double x, y, w; /* top-left corner and width of the block, mm in the label */
    double size;    /* em size, mm */
    double h;       /* from the characters' top to a descender's depth, mm */
    int lines;
} label_text_block_t;

typedef struct {
    label_text_block_t b[LABEL_TB_N];
    double mark_x, mark_y, mark_side; /* mm in the label */
    char uscc_line[160];              /* the USCC with its caption; b[LABEL_TB_USCC].text */
    char approval_line[1100];         /* the approval number with its caption, or "" */
} label_text_plan_t;

/* Lays out the text of content, with code standing for every label's
 * serial code (all of a batch have one length), around the symbol m.
 * LABEL_EINVAL when a field cannot be shown whole at l->min_text_mm: the
 * message names the fields and the smallest label size that holds them.
 * p points into content (keep it alive while p is used). */
label_err_t label_text_plan(const label_layout_t *l, const label_content_t *content,
                            const char *code, const label_matrix_t *m, label_text_plan_t *p,
                            char *errbuf, size_t errlen);

/* Draws block b of a plan, the label's corner at (x, y). */
void label_text_show(cairo_t *cr, const label_text_block_t *b, double x, double y);

/* A pango layout in family at size_mm, wrapped at width_mm (<= 0: not
 * wrapped), never ellipsized. */
PangoLayout *label_text_layout(cairo_t *cr, const char *family, double size_mm, int bold,
                               double width_mm);

#endif
