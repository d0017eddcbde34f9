/*
 * printfile.h - a batch's print file for download (API and operator pages):
 * written by gi/act into an unlinked temporary file, handed over as an open
 * descriptor for the server to send.
 */
#ifndef WEB_PRINTFILE_H
#define WEB_PRINTFILE_H

#include "gi/gi.h"
#include "labels/label.h"

#include <stdint.h>

typedef struct {
    int fd; /* open, for the caller to send and close */
    uint64_t size;
    const char *content_type;
    char filename[64];
} web_file_t;

/* The Content-Type of a print format (?format=pdf, svg, png, csv, zip),
 * NULL when there is no such format. */
const char *web_print_type(const char *format);

/* What a download asks for and what the server was set up with. */
typedef struct {
    const char *(*query)(void *arg, const char *name); /* a parameter's value, or NULL */
    void *query_arg;
    const char *base_url;         /* what printed labels point at ("": not configured) */
    const label_layout_t *layout; /* the server's default layout, or NULL for the built-in */
} web_print_request_t;

/* Page images a download may ask for, in pixels: A4 at 600 dpi fits. A
 * larger PNG is for `gimark batch export`, not for a request to allocate. */
#define WEB_PRINT_MAX_PIXELS 40000000.0

/* Writes batch_id's print file as account a, in the format and layout the
 * request's query parameters ask for: format pdf, svg, png, csv or zip, and
 * the layout choices of gi/layout.h (symbology, label-size, ...) over the
 * server's default layout. GI_EINVAL naming the parameter when one is not
 * valid or a PNG would exceed WEB_PRINT_MAX_PIXELS, GI_EREFUSED without a
 * base URL (labels need the address consumers will reach), gi/act's errors
 * else. */
gi_err_t web_print_file(const gi_ctx_t *ctx, const db_account_t *a, int64_t batch_id,
                        const web_print_request_t *rq, web_file_t *out, gi_error_t *err);

#endif
