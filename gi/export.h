/*
 * export.h - print files for a batch: what each label carries (the URL in
 * its symbol, the human-readable code, the product's and operator's text),
 * handed to labels/ for rendering.
 */
#ifndef GI_EXPORT_H
#define GI_EXPORT_H

#include "gi/batch.h"
#include "gi/code.h"
#include "gi/gi.h"
#include "labels/label.h"

#define GI_URL_MAX 200

/* The URL a label's symbol carries. Without a GTIN: "{BASE}/V/{CODE}" all in
 * upper case, so the QR can use alphanumeric mode. With a GTIN, the GS1
 * Digital Link form "{base}/01/{GTIN-14}/21/{CODE}", whose scheme stays in
 * lower case as GS1's validators require (host and code upper case).
 * GI_EINVAL when base_url is not http(s)://host[:port][/path] or too long. */
gi_err_t gi_label_url(const char *base_url, const char *gtin, const gi_code_t *code,
                      char out[GI_URL_MAX], gi_error_t *err);

typedef struct {
    const char *base_url;
    label_layout_t layout;
    label_format_t format;
    const char *path;
    const char *mark_path; /* official GI mark artwork, or NULL */
    gi_progress_fn progress;
    void *progress_arg;
    /* why the file is made (may be NULL): kept in the audit row; a regulator
     * needs one for the live codes of an activated batch (gi_act_batch_export) */
    const char *reason;
} gi_export_t;

/* Writes the print file of an issued or activated batch. Voided labels are
 * left out; a Digital Link carries the batch's GTIN (the product's at
 * issuance). The export is audited (who printed what, when, and why when a
 * reason is given). */
gi_err_t gi_batch_export(const gi_ctx_t *ctx, int64_t batch_id, const gi_export_t *ex,
                         size_t *written, gi_error_t *err);

#endif
