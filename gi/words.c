/*
 * words.c - products' names in Vietnamese and Thai, and their photos:
 * checked, decoded and re-encoded through cairo's PNG reader and writer.
 */
#include "gi/words.h"
#include "gi/access.h"
#include "gi/audit.h"
#include "gi/view.h"

#include <cairo.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const unsigned char *p;
    size_t len, at;
} reader_t;

static cairo_status_t read_png(void *arg, unsigned char *data, unsigned int n)
{
    reader_t *r = arg;
    if (n > r->len - r->at)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, r->p + r->at, n);
    r->at += n;
    return CAIRO_STATUS_SUCCESS;
}

typedef struct {
    unsigned char *p;
    size_t len, cap;
} writer_t;

static cairo_status_t write_png(void *arg, const unsigned char *data, unsigned int n)
{
    writer_t *w = arg;
    if (w->len + n > GI_PHOTO_MAX_BYTES)
        return CAIRO_STATUS_WRITE_ERROR;
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 65536;
        while (cap < w->len + n)
            cap *= 2;
        unsigned char *p = realloc(w->p, cap);
        if (!p)
            return CAIRO_STATUS_NO_MEMORY;
        w->p = p;
        w->cap = cap;
    }
    memcpy(w->p + w->len, data, n);
    w->len += n;
    return CAIRO_STATUS_SUCCESS;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

gi_err_t gi_photo_reencode(const unsigned char *data, size_t len, unsigned char **out,
                           size_t *out_len, int *w, int *h, gi_error_t *err)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    *out = NULL;
    /* signature, then the IHDR chunk: length 13, "IHDR", width, height */
    if (len < 33 || memcmp(data, sig, 8) != 0 || be32(data + 8) != 13 ||
        memcmp(data + 12, "IHDR", 4) != 0)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_PHOTO_NOT_PNG, "the photo must be a PNG file");
    uint32_t iw = be32(data + 16), ih = be32(data + 20);
    if (iw == 0 || ih == 0 || iw > GI_PHOTO_MAX_SIDE || ih > GI_PHOTO_MAX_SIDE)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_PHOTO_TOO_LARGE,
                            "the photo must be at most %d x %d pixels", GI_PHOTO_MAX_SIDE,
                            GI_PHOTO_MAX_SIDE);
    reader_t r = {data, len, 0};
    cairo_surface_t *src = cairo_image_surface_create_from_png_stream(read_png, &r);
    if (cairo_surface_status(src) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(src);
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_PHOTO_UNREADABLE,
                            "the photo is not a readable PNG file");
    }
    int sw = cairo_image_surface_get_width(src), sh = cairo_image_surface_get_height(src);
    double scale = 1.0;
    int longer = sw > sh ? sw : sh;
    if (longer > GI_PHOTO_SIDE)
        scale = (double)GI_PHOTO_SIDE / longer;
    int dw = (int)(sw * scale + 0.5), dh = (int)(sh * scale + 0.5);
    if (dw < 1)
        dw = 1;
    if (dh < 1)
        dh = 1;
    /* drawn on white: the page's background, and no alpha channel to carry */
    cairo_surface_t *dst = cairo_image_surface_create(CAIRO_FORMAT_RGB24, dw, dh);
    cairo_t *cr = cairo_create(dst);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, scale, scale);
    cairo_set_source_surface(cr, src, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_paint(cr);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(src);
    writer_t wr = {0};
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_write_to_png_stream(dst, write_png, &wr);
    cairo_surface_destroy(dst);
    if (st != CAIRO_STATUS_SUCCESS) {
        free(wr.p);
        return gi_fail_rule(
            err, st == CAIRO_STATUS_NO_MEMORY ? GI_ENOMEM : GI_EINVAL, GI_RULE_PHOTO_TOO_LARGE,
            "the photo could not be re-encoded within %d bytes", GI_PHOTO_MAX_BYTES);
    }
    *out = wr.p;
    *out_len = wr.len;
    *w = dw;
    *h = dh;
    return GI_OK;
}

gi_err_t gi_act_product_names(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                              const char *name_vi, const char *name_th, gi_error_t *err)
{
    db_product_t cur;
    gi_err_t rc;
    if ((rc = gi_check_text("Vietnamese name", name_vi, 120, DB_TEXT - 1, 0, err)) ||
        (rc = gi_check_text("Thai name", name_th, 120, DB_TEXT - 1, 0, err)) ||
        (rc = gi_view_product_to_edit(ctx, a, id, &cur, err)))
        return rc;
    name_vi = name_vi ? name_vi : "";
    name_th = name_th ? name_th : "";
    if (strcmp(cur.name_vi, name_vi) == 0 && strcmp(cur.name_th, name_th) == 0)
        return GI_OK; /* nothing changes: nothing to audit */
    if ((rc = gi_change_begin(ctx, err)) != GI_OK)
        return rc;
    rc = gi_db_fail(ctx->db, db_product_names_set(ctx->db, id, name_vi, name_th), err);
    if (rc == GI_OK) {
        json_t *detail =
            json_pack("{s:{s:s, s:s}, s:{s:s, s:s}}", "before", "name_vi", cur.name_vi, "name_th",
                      cur.name_th, "after", "name_vi", name_vi, "name_th", name_th);
        rc = gi_audit_record(ctx, "product.names", "product", id, detail, err);
        json_decref(detail);
    }
    return gi_change_end(ctx, rc, err);
}

gi_err_t gi_act_product_photo(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                              const unsigned char *data, size_t len, gi_error_t *err)
{
    db_product_t cur;
    gi_err_t rc = gi_view_product_to_edit(ctx, a, id, &cur, err);
    if (rc != GI_OK)
        return rc;
    unsigned char *png = NULL;
    size_t png_len = 0;
    int w = 0, h = 0;
    if ((rc = gi_photo_reencode(data, len, &png, &png_len, &w, &h, err)) != GI_OK)
        return rc;
    if ((rc = gi_change_begin(ctx, err)) != GI_OK) {
        free(png);
        return rc;
    }
    /* a second photo within the same second still gets a new URL */
    int64_t at = ctx->now > cur.photo_at ? ctx->now : cur.photo_at + 1;
    rc = gi_db_fail(ctx->db, db_product_photo_put(ctx->db, id, png, png_len, w, h, at, ctx->actor),
                    err);
    if (rc == GI_OK) {
        json_t *detail =
            json_pack("{s:I, s:I, s:I, s:I}", "bytes_received", (json_int_t)len, "bytes_stored",
                      (json_int_t)png_len, "width", (json_int_t)w, "height", (json_int_t)h);
        rc = gi_audit_record(ctx, "product.photo", "product", id, detail, err);
        json_decref(detail);
    }
    free(png);
    return gi_change_end(ctx, rc, err);
}
