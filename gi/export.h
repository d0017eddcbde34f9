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

/* The URL a label's symbol carries. Without a GTIN: "{BASE}/V/{CODE}" with
 * scheme, host and code in upper case, so that a QR code of a base URL
 * without a path (or an upper-case one) is all in its compact alphanumeric
 * mode; the base URL's path keeps its case, as a server may tell it apart.
 * With a GTIN, the GS1 Digital Link form "{base}/01/{GTIN-14}/21/{CODE}",
 * whose scheme stays in lower case as GS1's validators require, and with a
 * lot (not NULL or ""), "{base}/01/{GTIN-14}/10/{lot}/21/{CODE}": the lot as
 * recorded (GS1's AI 10 tells case apart), percent-encoded but for
 * A-Z a-z 0-9 - . _ ~. A lot without a GTIN is left out (a /V/ link has no
 * place for it). GI_EINVAL when base_url is not http(s)://host[:port][/path]
 * or the URL would be too long. */
gi_err_t gi_label_url(const char *base_url, const char *gtin, const char *lot,
                      const gi_code_t *code, char out[GI_URL_MAX], gi_error_t *err);

typedef struct {
    const char *base_url;
    label_layout_t layout;
    label_format_t format;
    const char *path;         /* the file to write, or NULL to write to sink */
    const label_sink_t *sink; /* where the file goes as it is drawn, when path is NULL */
    const char *mark_path;    /* official GI mark artwork, or NULL */
    gi_progress_fn progress;
    void *progress_arg;
    /* why the file is made (may be NULL): kept in the audit row; a regulator
     * needs one for the live codes of an activated batch (gi_act_batch_export) */
    const char *reason;
} gi_export_t;

/* Whether base_url may go on a print file: GI_EREFUSED when it is missing
 * or names a loopback address, a private network (10/8, 172.16/12,
 * 192.168/16, 169.254/16, 100.64/10, .local, .internal, .lan) or a host
 * without a domain; GI_EINVAL when it is not http(s)://host[:port][/path].
 * The message names --base-url and the base-url setting. */
gi_err_t gi_print_base_url_check(const char *base_url, gi_error_t *err);

/* The name of a print format: "pdf", "svg", "png", "csv", "zip". */
const char *gi_export_format_name(label_format_t format);

/* Checks, without writing anything, that the print file of batch_id can be
 * written as ex asks: the batch is issued or activated, the layout is
 * valid and the batch's symbols fit it. *labels: the labels it will hold.
 * GI_EINVAL (the layout's message), GI_EREFUSED, GI_ENOTFOUND. */
gi_err_t gi_batch_export_check(const gi_ctx_t *ctx, int64_t batch_id, const gi_export_t *ex,
                               size_t *labels, gi_error_t *err);

/* Writes the print file of an issued or activated batch to ex->path or
 * ex->sink. Voided labels are left out. The export is audited (who took
 * which batch, in which format, how many labels, the reason when one is
 * given; never a file's path): a stream before its first byte, a file once
 * it is whole. A Digital
 * Link carries the batch's GTIN (the product's at issuance). The labels are
 * held in memory as compact strings, about 100 bytes each. A stop (the sink's cancelled() or a
 * failed write) comes back as GI_EIO with the message "stopped". */
gi_err_t gi_batch_export(const gi_ctx_t *ctx, int64_t batch_id, const gi_export_t *ex,
                         size_t *written, gi_error_t *err);

#endif
