/*
 * raster.c - PNG labels and sheets drawn into pixels on every core allowed.
 *
 * Drawing each label through cairo on an RGB surface (its shared text
 * replayed from a recording surface, the whole surface converted to grey)
 * took 6-8 ms a label at 300 dpi. Here the shared parts are drawn once into
 * a template of ink; a label is the template copied, its symbol filled as
 * runs of whole pixels (modules are whole printer dots already), and its
 * code drawn by cairo into a box of the code's size alone. Labels without
 * mark artwork are black and white and written as 1-bit PNG: an eighth of
 * the bytes to compress. ZIP members and sheets are drawn and compressed on
 * l->threads threads (labels/pool.c) and written in order.
 */
#include "labels/raster.h"
#include "labels/pool.h"

#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A glyph of the serial code as cairo draws it into the code's box when it
 * is a code's first: its coverage, w x h from (x, y) of the box. */
typedef struct {
    unsigned char *a8;
    int x, y, w, h, ok;
} glyph_img_t;

/* A row of black pixels of the crop marks, from the label's corner. */
typedef struct {
    int y, x0, x1;
} run_t;

#define CODE_CHARS 128 /* the characters a code's glyphs are kept for: ASCII */

struct label_raster {
    glyph_img_t glyph[CODE_CHARS]; /* the code's characters; ok 0: not drawn so */
    run_t *crop;                   /* 1-bit sheets with crop marks: their black runs */
    size_t ncrop;
    double gx0; /* a code's first glyph's left edge in the box, pixels */
    const label_layout_t *l;
    label_sheet_t *sh;
    double pxmm;         /* pixels a millimetre */
    int w, h, bw;        /* label size in pixels; 1-bit output */
    unsigned char *ink;  /* the template, w x h */
    unsigned char *bits; /* 1-bit: the template as PNG rows of rs bytes (filter byte, pixels) */
    size_t rs;
    int cx, cy, cw, ch;  /* the code's box in pixels */
    double cx_mm, cy_mm; /* its corner in mm */
};

struct label_raster_scratch {
    unsigned char *ink;
    unsigned char *bits;   /* 1-bit: the label as PNG rows */
    cairo_surface_t *code; /* A8, cw x ch */
    cairo_t *cr;
};

/* --- PNG rows ------------------------------------------------------------------------------ */

struct label_png {
    png_structp png;
    png_infop info;
    label_membuf_t *buf;
    int w, bw, failed;
    unsigned char *row;
};

static void png_write_fn(png_structp png, png_bytep data, png_size_t len)
{
    label_png_t *p = png_get_io_ptr(png);
    if (!p->failed && label_membuf_append(p->buf, data, (unsigned)len) != CAIRO_STATUS_SUCCESS)
        p->failed = 1;
}

static void png_flush_fn(png_structp png)
{
    (void)png;
}

static void png_free_all(label_png_t *p)
{
    png_destroy_write_struct(&p->png, &p->info);
    free(p->row);
    free(p);
}

/* The header; 0 when written. */
static int png_start(label_png_t *p, int h, int dpi)
{
    if (setjmp(png_jmpbuf(p->png)))
        return -1;
    png_set_write_fn(p->png, p, png_write_fn, png_flush_fn);
    /* zlib's fast levels: level 6 took half the time of a 1-bit label for
     * a sixth fewer bytes */
    png_set_compression_level(p->png, 3);
    if (p->bw)
        png_set_filter(p->png, 0, PNG_FILTER_NONE);
    png_set_IHDR(p->png, p->info, (png_uint_32)p->w, (png_uint_32)h, p->bw ? 1 : 8,
                 PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_uint_32 ppm = (png_uint_32)(dpi / 0.0254 + 0.5);
    png_set_pHYs(p->png, p->info, ppm, ppm, PNG_RESOLUTION_METER);
    png_write_info(p->png, p->info);
    return p->failed ? -1 : 0;
}

label_png_t *label_png_begin(int w, int h, int bw, int dpi, label_membuf_t *buf)
{
    label_png_t *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->buf = buf;
    p->w = w;
    p->bw = bw;
    p->row = malloc((size_t)w + 8);
    p->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    p->info = p->png ? png_create_info_struct(p->png) : NULL;
    if (!p->row || !p->png || !p->info || png_start(p, h, dpi) != 0) {
        png_free_all(p);
        return NULL;
    }
    return p;
}

int label_png_row(label_png_t *p, const unsigned char *ink)
{
    int w = p->w;
    unsigned char *row = p->row;
    if (p->bw) {
        /* 1 is white, the leftmost pixel the highest bit */
        size_t bytes = ((size_t)w + 7) / 8;
        if (!ink) {
            memset(row, 0xff, bytes);
        } else {
            size_t whole = (size_t)w / 8;
            for (size_t b = 0; b < whole; b++) {
                const unsigned char *q = ink + b * 8;
                row[b] =
                    (unsigned char)(~((q[0] & 0x80) | (q[1] & 0x80) >> 1 | (q[2] & 0x80) >> 2 |
                                      (q[3] & 0x80) >> 3 | (q[4] & 0x80) >> 4 | (q[5] & 0x80) >> 5 |
                                      (q[6] & 0x80) >> 6 | (q[7] & 0x80) >> 7));
            }
            for (size_t b = whole; b < bytes; b++) {
                unsigned v = 0;
                size_t x = b * 8;
                for (int k = 0; k < 8; k++, x++)
                    v = v << 1 | (x >= (size_t)w || ink[x] < 128);
                row[b] = (unsigned char)v;
            }
        }
    } else if (!ink) {
        memset(row, 0xff, (size_t)w);
    } else {
        for (int x = 0; x < w; x++)
            row[x] = (unsigned char)(255 - ink[x]);
    }
    if (setjmp(png_jmpbuf(p->png)))
        return -1;
    png_write_row(p->png, row);
    return p->failed ? -1 : 0;
}

int label_png_end(label_png_t *p)
{
    int failed = 0;
    if (setjmp(png_jmpbuf(p->png)))
        failed = 1;
    else
        png_write_end(p->png, p->info);
    failed = failed || p->failed;
    png_free_all(p);
    return failed ? -1 : 0;
}

/* --- the template and one label ------------------------------------------------------------- */

void label_raster_close(label_raster_t *r)
{
    if (!r)
        return;
    free(r->ink);
    free(r->bits);
    for (int ch = 0; ch < CODE_CHARS; ch++)
        free(r->glyph[ch].a8);
    free(r->crop);
    free(r);
}

void label_raster_size(const label_raster_t *r, int *w, int *h, int *bw)
{
    *w = r->w;
    *h = r->h;
    *bw = r->bw;
}

label_raster_scratch_t *label_raster_scratch_new(const label_raster_t *r)
{
    label_raster_scratch_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->ink = malloc((size_t)r->w * (size_t)r->h);
    if (r->bw && s->ink)
        s->bits = malloc(r->rs * (size_t)r->h);
    s->code = cairo_image_surface_create(CAIRO_FORMAT_A8, r->cw, r->ch);
    s->cr = cairo_create(s->code);
    if (!s->ink || (r->bw && !s->bits) || cairo_status(s->cr) != CAIRO_STATUS_SUCCESS) {
        label_raster_scratch_free(s);
        return NULL;
    }
    /* the label's corner at the origin, so that the code lands in its box */
    cairo_translate(s->cr, -r->cx, -r->cy);
    cairo_scale(s->cr, r->pxmm, r->pxmm);
    return s;
}

void label_raster_scratch_free(label_raster_scratch_t *s)
{
    if (!s)
        return;
    if (s->cr)
        cairo_destroy(s->cr);
    if (s->code)
        cairo_surface_destroy(s->code);
    free(s->ink);
    free(s->bits);
    free(s);
}

/* h 1-bit PNG rows of rs bytes as blank paper: a filter byte 0 (None),
 * then every pixel 1 (white). */
static void paper_rows(unsigned char *rows, size_t rs, int h)
{
    memset(rows, 0xff, rs * (size_t)h);
    for (int y = 0; y < h; y++)
        rows[(size_t)y * rs] = 0;
}

/* Pixel x of a 1-bit row's pixel bytes made black. */
static void black_bit(unsigned char *px, int x)
{
    px[x / 8] &= (unsigned char)~(0x80u >> (x % 8));
}

/* Draws the template: the shared parts on white, as grey turned to ink. */
static int draw_template(label_raster_t *r)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, r->w, r->h);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, r->pxmm, r->pxmm);
    label_sheet_draw_shared(r->sh, cr);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    int ok = cairo_surface_status(s) == CAIRO_STATUS_SUCCESS;
    const unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; ok && y < r->h; y++) {
        const uint32_t *px = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        unsigned char *ink = r->ink + (size_t)y * (size_t)r->w;
        for (int x = 0; x < r->w; x++) {
            uint32_t p = px[x];
            unsigned g =
                (299 * ((p >> 16) & 0xff) + 587 * ((p >> 8) & 0xff) + 114 * (p & 0xff) + 500) /
                1000;
            ink[x] = (unsigned char)(255 - g);
            if (r->bw) /* as the 1-bit file will show it */
                ink[x] = ink[x] >= 128 ? 255 : 0;
        }
    }
    cairo_surface_destroy(s);
    if (ok && r->bw) { /* as PNG rows, the paper past w too */
        paper_rows(r->bits, r->rs, r->h);
        for (int y = 0; y < r->h; y++) {
            unsigned char *px = r->bits + (size_t)y * r->rs + 1;
            const unsigned char *ink = r->ink + (size_t)y * (size_t)r->w;
            for (int x = 0; x < r->w; x++)
                if (ink[x] >= 128)
                    black_bit(px, x);
        }
    }
    return ok ? 0 : -1;
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* The crop marks of 1-bit sheets: drawn once by cairo around a label whose
 * corner is a pixel's centre, thresholded as the labels are, and kept as runs of black pixels to
 * clear in each label's place. 0 when drawn, -1 when out of memory. */
static int crop_runs(label_raster_t *r)
{
    int m = (int)ceil(3 * r->pxmm); /* the marks reach 2.5 mm out */
    int w = r->w + 2 * m, h = r->h + 2 * m;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, w, h);
    cairo_t *cr = cairo_create(s);
    /* half a pixel in: the 0.1 mm lines (1.2 dots at 300 dpi) fall on one
     * row or column of dots, as on a sheet drawn whole, not on two */
    cairo_translate(cr, m + 0.5, m + 0.5);
    cairo_scale(cr, r->pxmm, r->pxmm);
    label_sheet_draw_crop_marks(r->sh, cr);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    int failed = cairo_surface_status(s) != CAIRO_STATUS_SUCCESS;
    const unsigned char *a = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    size_t cap = 0;
    for (int y = 0; !failed && y < h; y++)
        for (int x = 0; x < w; x++) {
            if (a[(size_t)y * (size_t)stride + (size_t)x] < 128)
                continue;
            int e = x;
            while (e < w && a[(size_t)y * (size_t)stride + (size_t)e] >= 128)
                e++;
            if (r->ncrop == cap) {
                cap = cap ? cap * 2 : 32;
                run_t *p = realloc(r->crop, cap * sizeof *p);
                if (!p) {
                    failed = 1;
                    break;
                }
                r->crop = p;
            }
            r->crop[r->ncrop++] = (run_t){y - m, x - m, e - m};
            x = e;
        }
    cairo_surface_destroy(s);
    return failed ? -1 : 0;
}

/* The code's box emptied for cairo to draw into. */
static unsigned char *box_clear(const label_raster_t *r, label_raster_scratch_t *s, int *stride)
{
    unsigned char *box = cairo_image_surface_get_data(s->code);
    *stride = cairo_image_surface_get_stride(s->code);
    cairo_surface_flush(s->code);
    memset(box, 0, (size_t)*stride * (size_t)r->ch);
    cairo_surface_mark_dirty(s->code);
    return box;
}

/* Each character a code may hold drawn once by cairo as a one-character
 * code, its coverage kept: a code is then its glyphs' coverage laid into
 * the box at their places, as cairo's image backend lays them (each glyph
 * at a whole pixel, its coverage laid over what is there), without a
 * cairo call a label. Characters missing stay with cairo. */
static void glyphs_draw(label_raster_t *r, label_raster_scratch_t *s)
{
    double xs[LABEL_CODE_GLYPHS], baseline;
    if (label_sheet_code_glyphs(r->sh, NULL, "0", xs, &baseline) != 1)
        return;
    r->gx0 = xs[0] * r->pxmm - r->cx;
    for (int ch = 33; ch < CODE_CHARS - 1; ch++) { /* printable */
        char text[2] = {(char)ch, 0};
        int stride;
        if (label_sheet_code_glyphs(r->sh, NULL, text, xs, &baseline) != 1)
            continue;
        unsigned char *box = box_clear(r, s, &stride);
        label_sheet_draw_code(r->sh, s->cr, text);
        cairo_surface_flush(s->code);
        int x0 = r->cw, y0 = r->ch, x1 = -1, y1 = -1;
        for (int y = 0; y < r->ch; y++)
            for (int x = 0; x < r->cw; x++)
                if (box[(size_t)y * (size_t)stride + (size_t)x]) {
                    x0 = x < x0 ? x : x0, x1 = x > x1 ? x : x1;
                    y0 = y < y0 ? y : y0, y1 = y > y1 ? y : y1;
                }
        glyph_img_t *g = &r->glyph[ch];
        g->w = x1 >= x0 ? x1 - x0 + 1 : 0;
        g->h = y1 >= y0 ? y1 - y0 + 1 : 0;
        g->x = x0, g->y = y0;
        if (g->w && !(g->a8 = malloc((size_t)g->w * (size_t)g->h)))
            continue;
        for (int y = 0; y < g->h; y++)
            memcpy(g->a8 + (size_t)y * (size_t)g->w,
                   box + (size_t)(y0 + y) * (size_t)stride + (size_t)x0, (size_t)g->w);
        g->ok = 1;
    }
}

/* Lays item's code into the box from the kept glyphs; 0 when one is
 * missing (cairo draws the code then). */
static int glyphs_lay(const label_raster_t *r, const char *code, unsigned char *box, int stride)
{
    double xs[LABEL_CODE_GLYPHS], baseline;
    int n = label_sheet_code_glyphs(r->sh, NULL, code, xs, &baseline);
    for (int i = 0; i < n; i++)
        if (!r->glyph[(unsigned char)code[i]].ok)
            return 0;
    long first = lround(r->gx0);
    for (int i = 0; i < n; i++) {
        const glyph_img_t *g = &r->glyph[(unsigned char)code[i]];
        int dx = (int)(lround(xs[i] * r->pxmm - r->cx) - first) + g->x;
        for (int y = 0; y < g->h; y++) {
            const unsigned char *m = g->a8 + (size_t)y * (size_t)g->w;
            unsigned char *d = box + (size_t)(g->y + y) * (size_t)stride;
            for (int x = 0; x < g->w; x++) {
                int at = dx + x;
                if (at < 0 || at >= r->cw || !m[x])
                    continue;
                /* over: m + d (255 - m) / 255, rounded as pixman does */
                unsigned t = (unsigned)d[at] * (255u - m[x]) + 0x80;
                d[at] = (unsigned char)(m[x] + ((t + (t >> 8)) >> 8));
            }
        }
    }
    return n > 0;
}

int label_raster_one_bit(const label_content_t *c)
{
    return c->mark_path == NULL;
}

label_err_t label_raster_open(label_raster_t **out, label_sheet_t *sh, const label_layout_t *l,
                              const label_content_t *c, char *errbuf, size_t errlen)
{
    label_raster_t *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(errbuf, errlen, "out of memory");
        return LABEL_ENOMEM;
    }
    r->l = l;
    r->sh = sh;
    r->pxmm = l->dpi / 25.4;
    r->w = (int)lround(l->label_w_mm * r->pxmm);
    r->h = (int)lround(l->label_h_mm * r->pxmm);
    r->bw = label_raster_one_bit(c);
    double x, y, w, h;
    label_sheet_code_box(sh, &x, &y, &w, &h);
    /* a millimetre around it: glyphs may reach past the box's line height */
    r->cx = clampi((int)floor((x - 1) * r->pxmm), 0, r->w - 1);
    r->cy = clampi((int)floor((y - 1) * r->pxmm), 0, r->h - 1);
    r->cw = clampi((int)ceil((x + w + 1) * r->pxmm), r->cx + 1, r->w) - r->cx;
    r->ch = clampi((int)ceil((y + h + 1) * r->pxmm), r->cy + 1, r->h) - r->cy;
    r->rs = 1 + ((size_t)r->w + 7) / 8;
    r->ink = malloc((size_t)r->w * (size_t)r->h);
    if (r->bw && r->ink && !(r->bits = malloc(r->rs * (size_t)r->h))) {
        free(r->ink);
        r->ink = NULL;
    }
    label_raster_scratch_t *s =
        r->ink && draw_template(r) == 0 && (!l->crop_marks || !r->bw || crop_runs(r) == 0)
            ? label_raster_scratch_new(r)
            : NULL;
    if (!s) {
        label_raster_close(r);
        snprintf(errbuf, errlen, "out of memory drawing a %d dpi label", l->dpi);
        return LABEL_ENOMEM;
    }
    /* the first code shapes the glyphs every later one shares */
    label_sheet_draw_code(sh, s->cr, "0");
    glyphs_draw(r, s);
    label_raster_scratch_free(s);
    *out = r;
    return LABEL_OK;
}

/* Pixels [left, right) of a 1-bit row (its pixel bytes) made black. */
static void clear_bits(unsigned char *row, int left, int right)
{
    if (right <= left)
        return;
    int a = left / 8, b = (right - 1) / 8;
    unsigned char lm = (unsigned char)(0xffu >> (left % 8));
    unsigned char rm = (unsigned char)(0xffu << (7 - (right - 1) % 8));
    if (a == b) {
        row[a] &= (unsigned char)~(lm & rm);
        return;
    }
    row[a] &= (unsigned char)~lm;
    memset(row + a + 1, 0, (size_t)(b - a - 1));
    row[b] &= (unsigned char)~rm;
}

static const unsigned char *draw(const label_raster_t *r, label_raster_scratch_t *s,
                                 const label_item_t *item, const label_matrix_t *m, int bits);

/* Fills the dark modules of m, the symbol's corner at pixel (x0, y0), each
 * module mod pixels (a linear symbol's bars bar_h pixels high), into ink
 * (w bytes a row) or with bits set into 1-bit rows of r->rs bytes. Edges
 * are rounded to whole pixels, so modules of whole dots stay whole. */
static void fill_symbol(const label_raster_t *r, unsigned char *ink, int bits,
                        const label_matrix_t *m, double x0, double y0, double mod, double bar_h)
{
    for (int row = 0; row < m->height; row++) {
        int top = (int)lround(y0 + (m->linear ? 0 : row * mod));
        int bottom = (int)lround(m->linear ? y0 + bar_h : y0 + (row + 1) * mod);
        top = clampi(top, 0, r->h);
        bottom = clampi(bottom, 0, r->h);
        for (int from = 0, c, e; label_matrix_next_run(m, row, &from, &c, &e);) {
            int left = clampi((int)lround(x0 + c * mod), 0, r->w);
            int right = clampi((int)lround(x0 + e * mod), 0, r->w);
            for (int y = top; y < bottom && right > left; y++) {
                if (bits)
                    clear_bits(ink + (size_t)y * r->rs + 1, left, right);
                else
                    memset(ink + (size_t)y * (size_t)r->w + (size_t)left, 255,
                           (size_t)(right - left));
            }
        }
    }
}

const unsigned char *label_raster_draw(const label_raster_t *r, label_raster_scratch_t *s,
                                       const label_item_t *item, const label_matrix_t *m)
{
    return draw(r, s, item, m, 0);
}

const unsigned char *label_raster_draw_bits(const label_raster_t *r, label_raster_scratch_t *s,
                                            const label_item_t *item, const label_matrix_t *m)
{
    return r->bw ? draw(r, s, item, m, 1) : NULL;
}

/* The code's box: ink of 128 or more is black in 1-bit rows; eight pixels
 * of paper are passed at a time. */
static void code_bits(const label_raster_t *r, unsigned char *bits, const unsigned char *box,
                      int stride)
{
    for (int y = 0; y < r->ch; y++) {
        const unsigned char *a = box + (size_t)y * (size_t)stride;
        unsigned char *row = bits + (size_t)(r->cy + y) * r->rs + 1;
        int x = 0;
        for (; x + 8 <= r->cw; x += 8) {
            uint64_t v;
            memcpy(&v, a + x, 8);
            if (!(v & 0x8080808080808080ull))
                continue;
            for (int k = 0; k < 8; k++)
                if (a[x + k] >= 128)
                    black_bit(row, r->cx + x + k);
        }
        for (; x < r->cw; x++)
            if (a[x] >= 128)
                black_bit(row, r->cx + x);
    }
}

/* Draws item into the scratch: ink (bits 0) or 1-bit rows (bits 1). */
static const unsigned char *draw(const label_raster_t *r, label_raster_scratch_t *s,
                                 const label_item_t *item, const label_matrix_t *m, int bits)
{
    const label_layout_t *l = r->l;
    if (bits)
        memcpy(s->bits, r->bits, r->rs * (size_t)r->h);
    else
        memcpy(s->ink, r->ink, (size_t)r->w * (size_t)r->h);
    /* the code, into its box; the box's ink joins the label's */
    int stride;
    unsigned char *box = box_clear(r, s, &stride);
    if (!glyphs_lay(r, item->code, box, stride)) {
        label_sheet_draw_code(r->sh, s->cr, item->code);
        cairo_surface_flush(s->code);
    }
    if (bits)
        code_bits(r, s->bits, box, stride);
    for (int y = 0; !bits && y < r->ch; y++) {
        const unsigned char *a = box + (size_t)y * (size_t)stride;
        unsigned char *d = s->ink + (size_t)(r->cy + y) * (size_t)r->w + (size_t)r->cx;
        for (int x = 0; x < r->cw; x++) {
            unsigned char v = r->bw ? (a[x] >= 128 ? 255 : 0) : a[x];
            if (v > d[x])
                d[x] = v;
        }
    }
    /* the symbol where label_sheet_draw_matrix() puts it: its corner on
     * the dot grid (the label's corner is on it) */
    double bx, by, bw, bh, mod;
    char err[64];
    unsigned char *out = bits ? s->bits : s->ink;
    if (label_place_symbol(l, m, &bx, &by, &bw, &bh, &mod, err, sizeof err) != LABEL_OK)
        return out; /* the layout was checked with the batch's first symbol */
    double dot = 25.4 / l->dpi;
    double x = round((bx + m->quiet * mod) / dot) * dot;
    double y = round((m->linear ? by : by + m->quiet * mod) / dot) * dot;
    fill_symbol(r, out, bits, m, x * r->pxmm, y * r->pxmm, mod * r->pxmm, bh * r->pxmm);
    return out;
}

/* --- ZIP members ---------------------------------------------------------------------------- */

typedef struct {
    const label_raster_t *r;
    const label_layout_t *l;
    const label_item_t *items;
    size_t n, per_job; /* labels a job */
    /* sheets */
    int page_w, page_h;
} job_ctx_t;

typedef struct {
    label_raster_scratch_t *s;
    unsigned char *band; /* a row of labels across the page; 1-bit: the whole sheet */
    size_t band_rows;
} job_scratch_t;

static void job_scratch_free(void *p)
{
    job_scratch_t *js = p;
    label_raster_scratch_free(js->s);
    free(js->band);
    free(js);
}

static job_scratch_t *job_scratch(const job_ctx_t *c, void **scratch)
{
    if (!*scratch) {
        job_scratch_t *js = calloc(1, sizeof *js);
        if (js && !(js->s = label_raster_scratch_new(c->r))) {
            job_scratch_free(js);
            js = NULL;
        }
        *scratch = js;
    }
    return *scratch;
}

static label_err_t encode_item(const label_layout_t *l, const label_item_t *item, label_matrix_t *m,
                               char *errbuf, size_t errlen)
{
    char payload[512];
    label_payload(l, item, payload, sizeof payload);
    return label_matrix_encode(l->symbology, l->ecc, payload, m, errbuf, errlen);
}

/* One label's PNG, after a 4-byte length, into out. */
static label_err_t member_png(const job_ctx_t *c, job_scratch_t *js, size_t i, label_membuf_t *out,
                              char *errbuf, size_t errlen)
{
    label_matrix_t m;
    label_err_t rc = encode_item(c->l, &c->items[i], &m, errbuf, errlen);
    if (rc != LABEL_OK)
        return rc;
    size_t at = out->len;
    unsigned char len[4] = {0};
    if (c->r->bw) {
        const unsigned char *bits = label_raster_draw_bits(c->r, js->s, &c->items[i], &m);
        label_matrix_free(&m);
        if (label_membuf_append(out, len, 4) != CAIRO_STATUS_SUCCESS ||
            label_png_bits(bits, c->r->w, c->r->h, c->l->dpi, 1, out) != 0) {
            snprintf(errbuf, errlen, "out of memory writing label %ld", c->items[i].sequence);
            return LABEL_ENOMEM;
        }
        uint32_t k = (uint32_t)(out->len - at - 4);
        memcpy(out->data + at, &k, 4);
        return LABEL_OK;
    }
    const unsigned char *ink = label_raster_draw(c->r, js->s, &c->items[i], &m);
    label_matrix_free(&m);
    label_png_t *p = label_membuf_append(out, len, 4) == CAIRO_STATUS_SUCCESS
                         ? label_png_begin(c->r->w, c->r->h, c->r->bw, c->l->dpi, out)
                         : NULL;
    int failed = !p;
    for (int y = 0; !failed && y < c->r->h; y++)
        failed = label_png_row(p, ink + (size_t)y * (size_t)c->r->w);
    if (p)
        failed = label_png_end(p) || failed;
    if (failed) {
        snprintf(errbuf, errlen, "out of memory writing label %ld", c->items[i].sequence);
        return LABEL_ENOMEM;
    }
    uint32_t k = (uint32_t)(out->len - at - 4);
    memcpy(out->data + at, &k, 4);
    return LABEL_OK;
}

static label_err_t member_job(void *ctx, void **scratch, size_t job, label_membuf_t *out,
                              char *errbuf, size_t errlen)
{
    const job_ctx_t *c = ctx;
    job_scratch_t *js = job_scratch(c, scratch);
    if (!js) {
        snprintf(errbuf, errlen, "out of memory");
        return LABEL_ENOMEM;
    }
    size_t first = job * c->per_job, last = first + c->per_job < c->n ? first + c->per_job : c->n;
    label_err_t rc = LABEL_OK;
    for (size_t i = first; rc == LABEL_OK && i < last; i++)
        rc = member_png(c, js, i, out, errbuf, errlen);
    return rc;
}

#define LABELS_A_JOB 16

label_err_t label_raster_zip(label_sheet_t *sh, const label_layout_t *l, const label_content_t *c,
                             const label_item_t *items, size_t n, label_out_t *o,
                             label_progress_fn progress, void *arg, char *errbuf, size_t errlen)
{
    label_raster_t *r;
    label_err_t rc = label_raster_open(&r, sh, l, c, errbuf, errlen);
    if (rc != LABEL_OK)
        return rc;
    job_ctx_t ctx = {r, l, items, n, LABELS_A_JOB, 0, 0};
    size_t jobs = (n + LABELS_A_JOB - 1) / LABELS_A_JOB;
    int threads = label_pool_threads(l->threads);
    label_pool_t *pool = NULL;
    label_zip_t *z = label_zip_new(o);
    if (!z) {
        snprintf(errbuf, errlen, "out of memory");
        rc = LABEL_ENOMEM;
    }
    if (rc == LABEL_OK)
        rc = label_pool_start(&pool, jobs, threads, (size_t)threads * 2, member_job,
                              job_scratch_free, &ctx, errbuf, errlen);
    for (size_t job = 0; rc == LABEL_OK && job < jobs; job++) {
        const label_membuf_t *b;
        if (label_out_stopped(o)) {
            rc = label_out_failed(o, errbuf, errlen);
            break;
        }
        if ((rc = label_pool_next(pool, &b, errbuf, errlen)) != LABEL_OK)
            break;
        size_t at = 0, i = job * LABELS_A_JOB;
        while (rc == LABEL_OK && at + 4 <= b->len) {
            uint32_t k;
            char name[128];
            if (label_out_stopped(o)) { /* asked before every label */
                rc = label_out_failed(o, errbuf, errlen);
                break;
            }
            memcpy(&k, b->data + at, 4);
            snprintf(name, sizeof name, "%ld-%s.png", items[i].sequence, items[i].code);
            /* PNG is compressed already: stored as it is */
            rc = label_zip_add(z, name, b->data + at + 4, k, 0, errbuf, errlen);
            at += 4 + (size_t)k;
            i++;
        }
        label_pool_done(pool);
        if (progress)
            progress(i, n, arg);
    }
    label_pool_stop(pool);
    label_raster_close(r);
    if (rc != LABEL_OK) {
        label_zip_free(z);
        return rc;
    }
    return label_zip_finish(z, errbuf, errlen);
}

/* --- sheets -------------------------------------------------------------------------------- */

/* A label's 1-bit rows (r->rs bytes, paper past its width) laid onto a
 * sheet's (srs bytes, page_w x page_h) at pixel (left, top): ink is a 0
 * bit, so the label's bytes are shifted into place and ANDed. */
static void blit_bits(const label_raster_t *r, const unsigned char *bits, unsigned char *sheet,
                      size_t srs, int page_w, int page_h, int left, int top)
{
    size_t nb = r->rs - 1, snb = srs - 1, base = (size_t)left / 8;
    unsigned sh = (unsigned)left % 8;
    if (left < 0 || left >= page_w)
        return;
    for (int y = 0; y < r->h; y++) {
        if (top + y < 0 || top + y >= page_h)
            continue;
        const unsigned char *a = bits + (size_t)y * r->rs + 1;
        unsigned char *d = sheet + (size_t)(top + y) * srs + 1;
        for (size_t j = 0; j < nb && base + j < snb; j++) {
            unsigned v = a[j];
            d[base + j] &= (unsigned char)(v >> sh | (0xff00u >> sh));
            if (sh && base + j + 1 < snb)
                d[base + j + 1] &= (unsigned char)(v << (8 - sh) | (0xffu >> sh));
        }
    }
}

/* Sheet `job` as a 1-bit PNG: the whole sheet's rows, paper first, the
 * labels laid onto it, then compressed at once. */
static label_err_t sheet_job_bits(const job_ctx_t *c, job_scratch_t *js, size_t job,
                                  label_membuf_t *out, char *errbuf, size_t errlen)
{
    const label_raster_t *r = c->r;
    size_t srs = 1 + ((size_t)c->page_w + 7) / 8, size = srs * (size_t)c->page_h;
    if (!js->band) {
        js->band_rows = (size_t)c->page_h;
        js->band = malloc(size);
    }
    if (!js->band) {
        snprintf(errbuf, errlen, "out of memory drawing sheet %zu", job + 1);
        return LABEL_ENOMEM;
    }
    paper_rows(js->band, srs, c->page_h);
    size_t first = job * c->per_job, last = first + c->per_job < c->n ? first + c->per_job : c->n;
    for (size_t i = first; i < last; i++) {
        int page;
        double x, y;
        label_matrix_t m;
        label_position_mm(c->l, i, &page, &x, &y);
        label_err_t rc = encode_item(c->l, &c->items[i], &m, errbuf, errlen);
        if (rc != LABEL_OK)
            return rc;
        const unsigned char *bits = label_raster_draw_bits(r, js->s, &c->items[i], &m);
        label_matrix_free(&m);
        int left = (int)lround(x * r->pxmm), top = (int)lround(y * r->pxmm);
        blit_bits(r, bits, js->band, srs, c->page_w, c->page_h, left, top);
        for (size_t k = 0; k < r->ncrop; k++) { /* crop marks, clipped to the page */
            const run_t *cr = &r->crop[k];
            if (top + cr->y >= 0 && top + cr->y < c->page_h)
                clear_bits(js->band + (size_t)(top + cr->y) * srs + 1,
                           clampi(left + cr->x0, 0, c->page_w),
                           clampi(left + cr->x1, 0, c->page_w));
        }
    }
    if (label_png_bits(js->band, c->page_w, c->page_h, c->l->dpi, 0, out) != 0) {
        snprintf(errbuf, errlen, "out of memory writing sheet %zu", job + 1);
        return LABEL_ENOMEM;
    }
    return LABEL_OK;
}

/* Sheet `job` as a PNG: label rows drawn into a band the page's width,
 * written row by row; paper between them. */
static label_err_t sheet_job(void *ctx, void **scratch, size_t job, label_membuf_t *out,
                             char *errbuf, size_t errlen)
{
    const job_ctx_t *c = ctx;
    const label_raster_t *r = c->r;
    job_scratch_t *js = job_scratch(c, scratch);
    size_t W = (size_t)c->page_w;
    if (js && r->bw)
        return sheet_job_bits(c, js, job, out, errbuf, errlen);
    if (js && !js->band) {
        js->band_rows = (size_t)r->h;
        js->band = malloc(W * js->band_rows);
    }
    label_png_t *p =
        js && js->band ? label_png_begin(c->page_w, c->page_h, r->bw, c->l->dpi, out) : NULL;
    if (!p) {
        snprintf(errbuf, errlen, "out of memory drawing sheet %zu", job + 1);
        return LABEL_ENOMEM;
    }
    size_t first = job * c->per_job, last = first + c->per_job < c->n ? first + c->per_job : c->n;
    int done = 0, failed = 0; /* page rows written */
    label_err_t rc = LABEL_OK;
    for (size_t i = first; rc == LABEL_OK && !failed && i < last;) {
        int page, top = 0;
        double x, y;
        label_position_mm(c->l, i, &page, &x, &y);
        top = (int)lround(y * r->pxmm);
        memset(js->band, 0, W * js->band_rows);
        /* the labels of this row */
        size_t j = i;
        for (; rc == LABEL_OK && j < last; j++) {
            double xj, yj;
            label_position_mm(c->l, j, &page, &xj, &yj);
            if (yj != y)
                break;
            label_matrix_t m;
            if ((rc = encode_item(c->l, &c->items[j], &m, errbuf, errlen)) != LABEL_OK)
                break;
            const unsigned char *ink = label_raster_draw(r, js->s, &c->items[j], &m);
            label_matrix_free(&m);
            int left = (int)lround(xj * r->pxmm);
            int cols = r->w;
            if (left < 0 || left >= c->page_w)
                continue;
            if (left + cols > c->page_w)
                cols = c->page_w - left;
            for (int k = 0; k < r->h; k++)
                memcpy(js->band + (size_t)k * W + (size_t)left, ink + (size_t)k * (size_t)r->w,
                       (size_t)cols);
        }
        for (; !failed && done < top && done < c->page_h; done++)
            failed = label_png_row(p, NULL);
        for (int k = done - top; !failed && k < r->h && done < c->page_h; k++, done++)
            failed = label_png_row(p, js->band + (size_t)k * W);
        i = j;
    }
    for (; !failed && done < c->page_h; done++)
        failed = label_png_row(p, NULL);
    failed = label_png_end(p) || failed;
    if (rc == LABEL_OK && failed) {
        snprintf(errbuf, errlen, "out of memory writing sheet %zu", job + 1);
        rc = LABEL_ENOMEM;
    }
    return rc;
}

label_err_t label_raster_sheets(label_sheet_t *sh, const label_layout_t *l,
                                const label_content_t *c, const label_item_t *items, size_t n,
                                label_out_t *o, label_sheet_png_fn sheet_fn, void *sheet_arg,
                                label_progress_fn progress, void *arg, char *errbuf, size_t errlen)
{
    label_raster_t *r;
    label_err_t rc = label_raster_open(&r, sh, l, c, errbuf, errlen);
    if (rc != LABEL_OK)
        return rc;
    size_t per = (size_t)label_per_page(l), sheets = label_sheets(l, n);
    job_ctx_t ctx = {r,
                     l,
                     items,
                     n,
                     per,
                     (int)lround(l->page_w_mm * r->pxmm),
                     (int)lround(l->page_h_mm * r->pxmm)};
    int threads = label_pool_threads(l->threads);
    label_pool_t *pool = NULL;
    label_zip_t *z = NULL;
    if (!sheet_fn && sheets > 1 && !(z = label_zip_new(o))) {
        snprintf(errbuf, errlen, "out of memory");
        rc = LABEL_ENOMEM;
    }
    /* a sheet ahead a thread: a sheet's PNG is up to a few MB */
    if (rc == LABEL_OK)
        rc = label_pool_start(&pool, sheets, threads, (size_t)threads, sheet_job, job_scratch_free,
                              &ctx, errbuf, errlen);
    for (size_t k = 0; rc == LABEL_OK && k < sheets; k++) {
        const label_membuf_t *b;
        if (label_out_stopped(o)) {
            rc = label_out_failed(o, errbuf, errlen);
            break;
        }
        if ((rc = label_pool_next(pool, &b, errbuf, errlen)) != LABEL_OK)
            break;
        if (sheet_fn) {
            if (sheet_fn(sheet_arg, k, b) != 0) {
                snprintf(errbuf, errlen, "cannot write sheet %zu", k + 1);
                rc = LABEL_EIO;
            }
        } else if (!z) {
            if (label_out_write(o, b->data, b->len) != 0)
                rc = label_out_failed(o, errbuf, errlen);
        } else {
            char name[32];
            snprintf(name, sizeof name, "sheet-%zu.png", k + 1);
            rc = label_zip_add(z, name, b->data, b->len, 0, errbuf, errlen);
        }
        label_pool_done(pool);
        if (progress)
            progress((k + 1) * per < n ? (k + 1) * per : n, n, arg);
    }
    label_pool_stop(pool);
    label_raster_close(r);
    if (rc != LABEL_OK) {
        label_zip_free(z);
        return rc;
    }
    return label_zip_finish(z, errbuf, errlen);
}
