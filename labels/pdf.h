/*
 * pdf.h - the finishing pass of the PDFs labels/ writes (labels/pdf.c):
 * cairo draws into a temporary file; label_pdf_finish() makes its black one
 * ink (DeviceGray), puts TrimBox and BleedBox on every page, turns the
 * die-cut outline into the spot colour CutContour, makes the file PDF/X-4
 * (output intent FOGRA39, other colours in sRGB), and hands the result to
 * a write function. Internal to labels/ (label sheets and the annual report).
 * Thread-safety: every call works on its own files and qpdf handle.
 */
#ifndef LABEL_PDF_H
#define LABEL_PDF_H

#include "labels/label.h"

#include <cairo.h>
#include <stddef.h>
#include <stdio.h>

/* The marker colour cairo strokes the die-cut outline in; the finishing
 * pass turns exactly this stroke colour into the CutContour separation. */
#define LABEL_CUT_R 1.0
#define LABEL_CUT_G 0.0039
#define LABEL_CUT_B 1.0

typedef struct {
    double bleed_pt; /* the media box is the trim box grown by this on each side */
} label_pdf_opts_t;

/* A temporary file cairo writes the PDF into (TMPDIR, else /tmp). */
typedef struct {
    FILE *f; /* buffered: cairo writes a PDF in pieces of a few bytes */
    char path[4096];
    int failed; /* errno of the first failed write, 0 */
} label_pdf_tmp_t;

/* Makes the file; LABEL_EIO with a message when it cannot. */
label_err_t label_pdf_tmp_open(label_pdf_tmp_t *t, char *errbuf, size_t errlen);
/* A cairo write function onto a label_pdf_tmp_t. */
cairo_status_t label_pdf_tmp_write(void *closure, const unsigned char *data, unsigned int length);
/* Closes and removes the file; safe to call twice. */
void label_pdf_tmp_close(label_pdf_tmp_t *t);

/* The finished bytes go to write (0: written; anything else stops). */
typedef int (*label_pdf_write_fn)(void *arg, const unsigned char *data, size_t len);

/* Reads the PDF cairo finished in t, rewrites it as above (opts may be
 * NULL: no bleed) and writes it out through write_fn. LABEL_ECANCELLED when
 * write_fn refused; LABEL_EIO or LABEL_ENOMEM with a message otherwise. */
label_err_t label_pdf_finish(label_pdf_tmp_t *t, const label_pdf_opts_t *opts,
                             label_pdf_write_fn write_fn, void *arg, char *errbuf, size_t errlen);

/* What label_pdf_recolour() used, bits of its *used. */
#define LABEL_PDF_USES_CUT  1 /* the CutContour separation */
#define LABEL_PDF_USES_SRGB 2 /* the sRGB colour space, named /GiSRGB */

/* The content stream s[0, n) with its grey "v v v rg|RG" as "v g|G", the
 * cut colour's "RG" as the CutContour separation (LABEL_PDF_USES_CUT added
 * to *used) and any other "r g b rg|RG" as the same colour in sRGB ("/GiSRGB
 * cs r g b sc", LABEL_PDF_USES_SRGB). Returns the new length with *out
 * malloc'd for the caller, 0 with *out NULL when nothing changed,
 * (size_t)-1 when out of memory. */
size_t label_pdf_recolour(const unsigned char *s, size_t n, unsigned char **out, int *used);

#endif
