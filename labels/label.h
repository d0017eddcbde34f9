/*
 * label.h - print-ready labels: QR, DataMatrix, Han Xin and Code128 symbols
 * laid out on sheets as PDF, SVG or PNG, per-label files in a ZIP, and CSV
 * for print houses with their own variable-data systems.
 *
 * This module knows nothing of the database: callers hand it plain text.
 * Thread-safety: label_write() may run in several threads at once.
 */
#ifndef LABEL_LABEL_H
#define LABEL_LABEL_H

#include <stddef.h>

/* LABEL_ECANCELLED: the sink's cancelled() said stop, or its write() failed. */
typedef enum { LABEL_OK = 0, LABEL_EINVAL, LABEL_EIO, LABEL_ENOMEM, LABEL_ECANCELLED } label_err_t;

typedef enum {
    LABEL_SYM_QR = 0,
    LABEL_SYM_DATAMATRIX,
    LABEL_SYM_HANXIN,
    LABEL_SYM_CODE128, /* carries the code alone: a URL is too long for a linear symbol */
} label_symbology_t;

typedef enum {
    LABEL_FMT_PDF = 0,
    LABEL_FMT_SVG,
    LABEL_FMT_PNG,
    LABEL_FMT_CSV,
    LABEL_FMT_ZIP,
} label_format_t;

typedef struct {
    const char *code; /* human-readable form, e.g. "K7M3-9QX2-HD4T-PW8R" */
    const char *url;  /* the symbol's payload */
    long sequence;    /* 1-based position in its batch */
} label_item_t;

typedef struct {
    const char *product_name; /* GI name, e.g. 百色芒果 */
    const char *reg_text;     /* announcement, registration or standard number */
    const char *operator_name;
    const char *uscc;
    const char *lot;       /* lot number, may be "" */
    const char *mark_path; /* PNG or SVG of the official GI mark; NULL: placeholder frame */
    /* the number of the office's decision that authorised the operator,
     * printed whole after the caption 核准文号 as required text; NULL or "":
     * not printed (layout choice approval_no) */
    const char *approval_no;
} label_content_t;

typedef struct {
    double page_w_mm, page_h_mm;   /* default A4, 210 x 297 */
    double label_w_mm, label_h_mm; /* default 60 x 30 */
    double margin_mm, gap_mm;      /* default 10, 3 */
    int cols, rows;                /* 0: as many as fit */
    double module_mm;              /* 0: the largest that fits */
    label_symbology_t symbology;   /* default QR */
    char ecc;                      /* QR error correction 'L' 'M' 'Q' 'H', default 'M' */
    int crop_marks;
    int dpi;                          /* PNG resolution, default 300 */
    int vector_paths;                 /* symbols as merged-run paths instead of 1-bit images */
    label_format_t zip_member_format; /* LABEL_FMT_PNG (default) or LABEL_FMT_SVG */
    double min_text_mm;               /* smallest character height of required text, 1.8 */
    int dl_lot;                       /* a GS1 Digital Link carries the batch's lot (/10/{lot}): the
                                         URL is made by gi/export.c, the drawing does not read it */
    double bleed_mm;                  /* PDF: the page grows by this on each side beyond the sheet
                                         (the trim box), default 0 */
    int cut_contour;                  /* PDF: each label's die-cut outline in the spot colour
                                         CutContour (a Separation, overprinting) */
    int approval_no;                  /* the labels carry the authorisation's approval document
                                         number: gi/export.c fills content's approval_no */
    int threads;            /* threads drawing one file (PNG, ZIP) and encoding its symbols (all
                               formats): 0 every core, 1 the caller alone */
    size_t pdf_part_labels; /* PDF: a file of more labels comes as a ZIP of PDF parts, each
                               as many whole sheets as this many labels hold (one at least);
                               default LABEL_PDF_PART_LABELS, 0: one PDF however large */
} label_layout_t;

/* The finishing pass of a PDF (labels/pdf.h) holds about 1.3 KB a label
 * until the file is written (libqpdf keeps every object it has read): a
 * part of 2,500 labels holds about 3.3 MB, whatever the batch. In `make
 * bench` (tests/bench/verify.sh 3b, with a scan history) parts of 10,000
 * took the server to 129-130 MB at its highest, parts of 5,000 to 124.6 and
 * 127.2 MB, parts of 2,500 to 120.6 MB, against its bound of cache-mb +
 * track-codes + 32 MB (125.3 MB); the files are 2% larger than in parts of
 * 5,000, drawn in the same time. */
#define LABEL_PDF_PART_LABELS 2500

#define LABEL_MIN_MODULE_MM 0.25

void label_layout_default(label_layout_t *layout);

/* Checks that sizes are positive and a label fits the page; message in errbuf. */
label_err_t label_layout_check(const label_layout_t *layout, char *errbuf, size_t errlen);

/* Labels on one page, and where label index sits: page number (0-based) and
 * its top-left corner in mm from the page's top-left corner. */
int label_per_page(const label_layout_t *layout);
void label_position_mm(const label_layout_t *layout, size_t index, int *page, double *x_mm,
                       double *y_mm);

/* Where the symbol sits inside a label for the given item: the top-left
 * corner of its quiet zone in mm from the label's corner, the quiet-zone
 * box size, and the module size. LABEL_EINVAL when it cannot fit at
 * LABEL_MIN_MODULE_MM. */
label_err_t label_symbol_box(const label_layout_t *layout, const label_item_t *item, double *x_mm,
                             double *y_mm, double *w_mm, double *h_mm, double *module_mm,
                             char *errbuf, size_t errlen);

/* Where the symbol of one item sits inside its label, in mm from the
 * label's top-left corner. */
typedef struct {
    double box_x_mm, box_y_mm, box_w_mm, box_h_mm; /* the symbol with its quiet zone */
    double sym_x_mm, sym_y_mm, sym_w_mm, sym_h_mm; /* the symbol's dark area alone */
    double module_mm;                              /* module (narrowest bar) size */
    int cols, rows;                                /* modules across and down (1 row: linear) */
    int quiet_modules;                             /* quiet zone, each side */
} label_symbol_geom_t;

/* Encodes item's symbol as label_write() would and reports its geometry in
 * g. The payload is item->url, or for Code128 item->code without hyphens.
 * Errors: LABEL_EINVAL (message in errbuf) when the payload cannot be
 * encoded or the symbol does not fit the label at LABEL_MIN_MODULE_MM;
 * LABEL_ENOMEM. */
label_err_t label_symbol_geom(const label_layout_t *layout, const label_item_t *item,
                              label_symbol_geom_t *g, char *errbuf, size_t errlen);

typedef void (*label_progress_fn)(size_t done, size_t total, void *arg);

/* Where a print file goes as it is drawn: write() takes the next bytes (0:
 * written; anything else stops the drawing with LABEL_ECANCELLED), and
 * cancelled() (may be NULL) is asked before every label (PNG sheets, drawn
 * on other threads: before every sheet): nonzero stops the drawing too.
 * Memory stays bounded whatever the number of labels: a page (SVG, PNG
 * sheet; one more a thread with l->threads), a label (ZIP member) or a PDF
 * part (pdf_part_labels: what libqpdf's finishing pass holds, and the
 * finished part) is held at a time, and a ZIP's directory (about 100 bytes
 * a member). */
typedef struct {
    int (*write)(void *arg, const unsigned char *data, size_t len);
    int (*cancelled)(void *arg);
    void *arg;
} label_sink_t;

/* Writes n labels to sink in the given format.
 * PDF: one page per sheet, vector text with fonts embedded, symbols and text
 *   in 100% K black (DeviceGray) as 1-bit stencil masks (or paths with
 *   vector_paths); TrimBox (the sheet) and BleedBox (the sheet and bleed_mm)
 *   on every page; with cut_contour each label's outline in the spot colour
 *   CutContour (labels/pdf.h). bleed_mm and cut_contour are for PDF only:
 *   other formats refuse them. More labels than pdf_part_labels: a ZIP of
 *   PDF parts (label_pdf_parts()), each drawn, finished and sent before the
 *   next is drawn (stored: a PDF is compressed already).
 * SVG: one sheet as an SVG; more sheets as one ZIP of "sheet-N.svg"
 *   (deflated), a sheet held at a time; symbols as paths, user units mm.
 * PNG: one sheet as a PNG; more sheets as one ZIP of "sheet-N.png"
 *   (label_sheets() tells which). 1-bit grey when the labels are black and
 *   white (no mark artwork), else 8-bit grey; pHYs holds the resolution.
 * CSV: header "code,url,sequence,lot", one row per label (RFC 4180).
 * ZIP: one PNG or SVG per label, named "<sequence>-<code>.png" (or .svg).
 * PNG and ZIP are drawn on l->threads threads.
 * progress (may be NULL) is told now and then how far it got. */
label_err_t label_write_to(const label_layout_t *layout, const label_content_t *content,
                           const label_item_t *items, size_t n, label_format_t format,
                           const label_sink_t *sink, label_progress_fn progress, void *progress_arg,
                           char *errbuf, size_t errlen);

/* Sheets n labels take; a PNG or SVG of more than one is a ZIP. */
size_t label_sheets(const label_layout_t *layout, size_t n);

/* Labels in each part of a PDF of n labels (the last may hold fewer), and
 * how many parts: a PDF of more than one part is a ZIP of PDFs named
 * "labels-FIRST-LAST.pdf" (1-based positions in the file, zero-padded to
 * five digits or the digits of n), in order. */
size_t label_pdf_part_size(const label_layout_t *layout, size_t n);
size_t label_pdf_parts(const label_layout_t *layout, size_t n);

/* What label_write_to() checks before it draws anything: the layout, that
 * the symbol of first (a label of the batch) fits it and, with content
 * (may be NULL: the symbol alone), that every required field (GI name,
 * announcement or registration number, operator, USCC, serial code) is
 * shown whole with characters at least min_text_mm high. The refusal
 * names what does not fit and the smallest label size that holds it. The
 * approval document number (content->approval_no), when given, is required
 * text like the others. */
label_err_t label_check(const label_layout_t *layout, const label_content_t *content,
                        const label_item_t *first, label_format_t format, char *errbuf,
                        size_t errlen);

/* label_write_to() into the file at path (created 0600 if missing), except
 * PNG and SVG: sheet 1 at path, sheet N > 1 at path with "-N" before ".png"
 * (".svg"). */
label_err_t label_write(const label_layout_t *layout, const label_content_t *content,
                        const label_item_t *items, size_t n, label_format_t format,
                        const char *path, label_progress_fn progress, void *progress_arg,
                        char *errbuf, size_t errlen);

#endif
