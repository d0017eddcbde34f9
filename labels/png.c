/*
 * png.c - PNG files as print houses read them: 8-bit grey (the labels are
 * black on white; a third of the bytes of RGB, and no colour a RIP must
 * convert), or 1-bit from rows raster.c packed, with the resolution in the
 * file (pHYs), so a 300 dpi sheet opens at its size in millimetres. cairo's
 * own PNG writer writes RGB without pHYs.
 */
#include "labels/output.h"

#include <png.h>
#include <stdlib.h>
#include <zlib.h>

typedef struct {
    label_membuf_t *buf;
    int failed;
} png_dest_t;

static void png_write_fn(png_structp png, png_bytep data, png_size_t len)
{
    png_dest_t *d = png_get_io_ptr(png);
    if (!d->failed && label_membuf_append(d->buf, data, (unsigned)len) != CAIRO_STATUS_SUCCESS)
        d->failed = 1;
}

static void png_flush_fn(png_structp png)
{
    (void)png;
}

cairo_status_t label_png_write(cairo_surface_t *s, int dpi, label_membuf_t *buf)
{
    cairo_surface_flush(s);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *data = cairo_image_surface_get_data(s);
    png_dest_t dest = {buf, 0};
    unsigned char *row = malloc((size_t)(w > 0 ? w : 1));
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!row || !png || !info || !data) {
        png_destroy_write_struct(&png, &info);
        free(row);
        return CAIRO_STATUS_NO_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(row);
        return CAIRO_STATUS_WRITE_ERROR;
    }
    png_set_write_fn(png, &dest, png_write_fn, png_flush_fn);
    png_set_compression_level(png, 3);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_uint_32 ppm = (png_uint_32)(dpi / 0.0254 + 0.5);
    png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        const uint32_t *px = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++) {
            uint32_t p = px[x];
            unsigned r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
            row[x] = (unsigned char)((299 * r + 587 * g + 114 * b + 500) / 1000);
        }
        png_write_row(png, row);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(row);
    return dest.failed ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

/* --- 1-bit images ------------------------------------------------------------------------ */

/* The rows come packed already (raster.c draws into bits). A sheet's rows
 * are written as they are, unfiltered, at zlib's level 1 (on these images as
 * small as level 3 within 3%, in two thirds of its time). A single label's
 * are filtered Up and run-length coded: most of its rows repeat the row
 * above (a module is several rows tall), which the filter turns into zeros,
 * and that took about 12% less CPU than level 1 unfiltered, for a 7% smaller
 * ZIP (on whole sheets it took longer and wrote 21% more). */
int label_png_bits(const unsigned char *rows, int w, int h, int dpi, int label, label_membuf_t *buf)
{
    png_dest_t dest = {buf, 0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_write_struct(&png, &info);
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return -1;
    }
    png_set_write_fn(png, &dest, png_write_fn, png_flush_fn);
    png_set_compression_level(png, 1);
    png_set_compression_strategy(png, label ? Z_RLE : Z_DEFAULT_STRATEGY);
    png_set_filter(png, 0, label ? PNG_FILTER_UP : PNG_FILTER_NONE);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 1, PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_uint_32 ppm = (png_uint_32)(dpi / 0.0254 + 0.5);
    png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
    png_write_info(png, info);
    size_t stride = 1 + ((size_t)w + 7) / 8;
    for (int y = 0; y < h; y++) /* past each row's filter byte */
        png_write_row(png, rows + (size_t)y * stride + 1);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return dest.failed ? -1 : 0;
}
