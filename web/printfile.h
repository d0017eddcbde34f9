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

/* The Content-Type of a print format (?format=pdf, svg, png, csv, zip),
 * NULL when there is no such format. */
const char *web_print_type(const char *format);

/* Writes batch_id's print file in format (pdf, svg, png, csv, zip) as
 * account a. GI_EINVAL for an unknown format, GI_EREFUSED without a base URL
 * (labels need the address consumers will reach), gi/act's errors else. */
gi_err_t web_print_file(const gi_ctx_t *ctx, const db_account_t *a, int64_t batch_id,
                        const char *format, const char *base_url, web_file_t *out, gi_error_t *err);

#endif
