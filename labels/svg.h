/*
 * svg.h - SVG sheets and per-label SVG members written as text, one
 * document a sheet or label (internal to labels/, labels/svg.c).
 */
#ifndef LABEL_SVG_H
#define LABEL_SVG_H

#include "labels/output.h"

/* Draws labels [first, last) with cairo as one SVG document into doc (a
 * sheet, or with member one label at its own corner): for codes the shaped
 * glyphs cannot draw. */
typedef label_err_t (*label_svg_cairo_fn)(label_sheet_t *sh, label_encoder_t *enc,
                                          const label_layout_t *l, const label_item_t *items,
                                          size_t first, size_t last, int member, label_out_t *o,
                                          label_membuf_t *doc, char *errbuf, size_t errlen);

/* The SVG of n labels onto o: with member 0 a document a sheet, with member
 * 1 a document a label; one document as it is, more as a ZIP of
 * "sheet-N.svg" or "<sequence>-<code>.svg" (always a ZIP for members).
 * enc has the symbols (NULL for members: encoded on threads of their own).
 * Members are drawn and deflated on l->threads threads. */
typedef int (*label_svg_doc_fn)(void *arg, size_t doc, const label_membuf_t *svg);
/* With doc_fn, each document goes to it instead (0: written; a file per
 * sheet). */
label_err_t label_write_svg_docs(label_sheet_t *sh, label_encoder_t *enc, const label_layout_t *l,
                                 const label_item_t *items, size_t n, int member, label_out_t *o,
                                 label_svg_cairo_fn cairo_doc, label_svg_doc_fn doc_fn,
                                 void *doc_arg, label_progress_fn progress, void *arg, char *errbuf,
                                 size_t errlen);

#endif
