/*
 * words.h - what the consumer page shows of a product beyond its register
 * record: its names in Vietnamese and Thai, and its photo.
 *
 * A product's photo for the consumer page: an uploaded PNG is
 * checked (size, dimensions read from its header before anything is
 * decoded), decoded by cairo, scaled to at most GI_PHOTO_SIDE pixels on its
 * longer side and written again as a fresh PNG; the uploaded bytes are never
 * stored or served. Storing it is audited.
 *
 * Thread-safety: pure functions, and changes on the caller's connection.
 */
#ifndef GI_WORDS_H
#define GI_WORDS_H

#include "gi/gi.h"

#define GI_PHOTO_SIDE      480     /* longer side stored, pixels */
#define GI_PHOTO_MAX_SIDE  6000    /* longer side accepted, pixels */
#define GI_PHOTO_MAX_BYTES 1048576 /* re-encoded PNG stored, bytes */

/* Re-encodes the PNG in data (len bytes): *out (malloc'd, the caller frees)
 * holds the new PNG, *w x *h its size. GI_EINVAL, with a message naming what
 * is wrong, for anything that is not a PNG of sensible size. */
gi_err_t gi_photo_reencode(const unsigned char *data, size_t len, unsigned char **out,
                           size_t *out_len, int *w, int *h, gi_error_t *err);

/* Stores the photo of product id, re-encoded from data; account a must be
 * allowed to edit the product (as gi_act_product_edit). Audited. */
gi_err_t gi_act_product_photo(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                              const unsigned char *data, size_t len, gi_error_t *err);

/* Records product id's names in Vietnamese and Thai ("" removes one);
 * account a must be allowed to edit the product. Audited (before and after). */
gi_err_t gi_act_product_names(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                              const char *name_vi, const char *name_th, gi_error_t *err);

#endif
