/*
 * output.h - where drawn bytes go (a label_sink_t), the formats that are
 * not sheets (CSV, ZIP) and the ZIP writer (internal to labels/).
 */
#ifndef LABEL_OUTPUT_H
#define LABEL_OUTPUT_H

#include "labels/sheet.h"

#include <stdint.h>

/* A sink being written: once a write fails or the sink says stop, every
 * later write fails at once. */
typedef struct {
    const label_sink_t *sink;
    int stopped;
} label_out_t;

/* 0 when written; -1 when the sink refused or is stopped. */
int label_out_write(label_out_t *o, const void *data, size_t len);
/* Nonzero when the sink's owner asked to stop (or a write failed). */
int label_out_stopped(label_out_t *o);
/* A cairo write function onto a label_out_t. */
cairo_status_t label_out_cairo(void *closure, const unsigned char *data, unsigned int length);

/* Bytes in memory: one page or label at a time. */
typedef struct {
    unsigned char *data;
    size_t len, cap;
} label_membuf_t;

/* An RGB24 image surface as an 8-bit grey PNG with its resolution (pHYs)
 * appended to buf (labels/png.c). */
cairo_status_t label_png_write(cairo_surface_t *s, int dpi, label_membuf_t *buf);

/* A 1-bit grey PNG with its resolution (pHYs) appended to buf: rows holds
 * h rows of 1 + (w + 7) / 8 bytes, each a filter byte 0 (None) and the
 * pixels, the leftmost the highest bit, 1 white; label: 1 for one label, 0
 * for a sheet, which compress best in different ways (labels/png.c). 0 when
 * written, -1 when out of memory. */
int label_png_bits(const unsigned char *rows, int w, int h, int dpi, int label,
                   label_membuf_t *buf);

/* A cairo write function appending to a label_membuf_t. */
cairo_status_t label_membuf_append(void *closure, const unsigned char *data, unsigned int length);

/* A ZIP archive written front to back onto a sink: each member's header
 * and data as it is added, the directory at the end. */
typedef struct label_zip label_zip_t;
label_zip_t *label_zip_new(label_out_t *o);
/* Adds a member, deflated when deflate is set (SVG), stored else (PNG). */
label_err_t label_zip_add(label_zip_t *z, const char *name, const unsigned char *data, size_t len,
                          int deflate, char *errbuf, size_t errlen);
/* A member compressed already: data holds packed_len bytes, deflated (raw
 * deflate) from len bytes of CRC-32 crc, or stored as they are. */
label_err_t label_zip_add_packed(label_zip_t *z, const char *name, const unsigned char *data,
                                 size_t packed_len, size_t len, uint32_t crc, int deflated,
                                 char *errbuf, size_t errlen);
/* Writes the directory and frees z (also when it fails); z may be NULL. */
label_err_t label_zip_finish(label_zip_t *z, char *errbuf, size_t errlen);
/* Frees z without finishing it; z may be NULL. */
void label_zip_free(label_zip_t *z);

/* What a stopped or failed write means: LABEL_ECANCELLED with a message. */
label_err_t label_out_failed(label_out_t *o, char *errbuf, size_t errlen);

label_err_t label_write_csv(const label_content_t *c, const label_item_t *items, size_t n,
                            label_out_t *o, char *errbuf, size_t errlen);
label_err_t label_sheet_for(label_sheet_t **sh, const label_layout_t *l, const label_content_t *c,
                            const label_item_t *first, char *errbuf, size_t errlen);

#endif
