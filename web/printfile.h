/*
 * printfile.h - a batch's print file for download (API and operator pages):
 * written by gi/act into an unlinked temporary file, handed over as an open
 * descriptor for the server to send.
 */
#ifndef WEB_PRINTFILE_H
#define WEB_PRINTFILE_H

#include "gi/gi.h"

#include <stdint.h>

typedef struct {
    int fd; /* open, for the caller to send and close */
    uint64_t size;
    const char *content_type;
    char filename[64];
} web_file_t;

/* Writes batch_id's print file as account a, in the format and layout the
 * request's query parameters ask for (query(arg, name): a parameter's value
 * or NULL): format pdf, svg, png, csv or zip, and the layout choices of
 * gi/layout.h (symbology, label-size, ...). GI_EINVAL naming the parameter
 * when one is not valid, GI_EREFUSED without a base URL (labels need the
 * address consumers will reach), gi/act's errors else. */
gi_err_t web_print_file(const gi_ctx_t *ctx, const db_account_t *a, int64_t batch_id,
                        const char *(*query)(void *arg, const char *name), void *query_arg,
                        const char *base_url, web_file_t *out, gi_error_t *err);

#endif
