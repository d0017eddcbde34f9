/*
 * layout.h - the layout choices of a print file by name, read from text: the
 * options of `gimark batch export` (--symbology qr) and the query parameters
 * of the download routes (?symbology=qr) are the same choices with the same
 * limits. Pure functions; thread-safe.
 */
#ifndef GI_LAYOUT_H
#define GI_LAYOUT_H

#include "gi/gi.h"
#include "labels/label.h"

/* The choices' names, NULL-ended: symbology, ecc, label-size, page-size,
 * grid, margin, gap, module, crop-marks, dpi, vector, zip-member, min-text,
 * dl-lot, bleed, cut-contour (the two for PDF only), approval-no. */
extern const char *const gi_layout_choices[];

/* Sets the choice name of l from its text. The flags (crop-marks, vector, dl-lot, cut-contour,
 * approval-no) take "1", "" (on) or "0" (off). GI_EINVAL with a message naming the choice
 * and what it takes when the text is not one of them. */
gi_err_t gi_layout_choose(label_layout_t *l, const char *name, const char *value, gi_error_t *err);

/* Applies to l every choice that get(arg, name) answers (not NULL); the
 * first refusal is returned. */
gi_err_t gi_layout_apply(label_layout_t *l, const char *(*get)(void *arg, const char *name),
                         void *arg, gi_error_t *err);
/* The default layout with gi_layout_apply(). */
gi_err_t gi_layout_read(label_layout_t *l, const char *(*get)(void *arg, const char *name),
                        void *arg, gi_error_t *err);

#endif
