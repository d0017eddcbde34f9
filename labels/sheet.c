/*
 * sheet.c - drawing labels with cairo and pango, onto PDF, SVG and PNG
 * sheets and single-label surfaces (for ZIP members).
 *
 * Everything is drawn in millimetres (the surface's scale is set once). The
 * parts every label of a batch shares (mark area, product, registration
 * number, operator, USCC) are drawn once into a recording surface and
 * replayed; per label only the symbol and the code text are drawn.
 *
 * Symbols are drawn in 100% black as 1-bit stencil masks with nearest-
 * neighbour filtering (PDF /ImageMask, /Interpolate false): exact squares at
 * any printer resolution, and measured 16x faster than a rectangle per
 * module. vector_paths draws merged runs per row instead, for preflight
 * checks that want paths. In a PDF the symbols of a page's column of
 * labels share one such mask at the printer's resolution (sheet.h says why).
 */
#include "labels/pdf.h"
#include "labels/sheet.h"

#include <assert.h>
#include <cairo-pdf.h>
#include <errno.h>
#include <cairo-svg.h>
#include <librsvg/rsvg.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MM_PER_PT (25.4 / 72.0)

#define CODE_CHARSET "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-"
#define MARK_TEXT    "地理\n标志" /* the placeholder where no mark artwork is given */
#define CODE_MAX     LABEL_CODE_GLYPHS

const char label_sheet_fixed[] = MARK_TEXT CODE_CHARSET;

/* The serial code's glyphs, shaped once: a code is then drawn with one
 * cairo_show_text_glyphs call instead of a pango layout pass per label. */
typedef struct {
    cairo_scaled_font_t *font; /* NULL: draw codes through pango */
    unsigned long glyph[128];
    double advance[128]; /* mm; 0: not in CODE_CHARSET, draw through pango */
    double baseline;     /* mm below the text's top */
} code_glyphs_t;

/* The symbols of one column of labels on a page: a 1-bit image the page's
 * height, from dot x0 of the page, as wide as the first symbol drawn there
 * with its quiet zone. */
#define MASK_COLS 32
typedef struct {
    cairo_surface_t *img;
    double label_x; /* the column's labels' left edge, mm */
    long x0;        /* the image's left edge, page dots */
    int used;       /* a symbol set since the page began */
} sheet_mask_t;

struct label_sheet {
    const label_layout_t *layout;
    cairo_surface_t *shared;      /* recording surface: the parts every label shares */
    label_text_plan_t plan;       /* where the text goes, every field whole (text.c) */
    PangoLayout *code_layout;     /* made on first use, reused for every label */
    code_glyphs_t glyphs;         /* made with code_layout */
    sheet_mask_t mask[MASK_COLS]; /* PDF: a page's symbols, a 1-bit image a column of labels */
    int masks;                    /* 0: each symbol its own stencil */
    double mask_dot;              /* the masks' pixel size in mm */
};

/* Whether the file at path starts as a PNG does. */
static int is_png(const char *path)
{
    unsigned char head[8] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return n == 8 && memcmp(head, "\x89PNG\r\n\x1a\n", 8) == 0;
}

label_err_t label_mark_check(const char *path, char *errbuf, size_t errlen)
{
    if (!path)
        return LABEL_OK;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(errbuf, errlen, "the mark file %s cannot be read: %s", path, strerror(errno));
        return LABEL_EINVAL;
    }
    fclose(f);
    if (is_png(path)) {
        cairo_surface_t *img = cairo_image_surface_create_from_png(path);
        cairo_status_t st = cairo_surface_status(img);
        cairo_surface_destroy(img);
        if (st == CAIRO_STATUS_SUCCESS)
            return LABEL_OK;
        snprintf(errbuf, errlen, "the mark file %s is a PNG that cannot be read: %s", path,
                 cairo_status_to_string(st));
        return LABEL_EINVAL;
    }
    GError *gerr = NULL;
    RsvgHandle *h = rsvg_handle_new_from_file(path, &gerr);
    if (h) {
        g_object_unref(h);
        return LABEL_OK;
    }
    snprintf(errbuf, errlen, "the mark file %s is neither SVG nor PNG (%s)", path,
             gerr ? gerr->message : "unreadable");
    for (char *p = errbuf; *p; p++) /* one line: the reader's message may hold several */
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    if (gerr)
        g_error_free(gerr);
    return LABEL_EINVAL;
}

/* Draws the official mark artwork scaled into the box (label_mark_check()
 * has read it), or a neutral frame when there is none. */
static void draw_mark(cairo_t *cr, const char *path, double x, double y, double side)
{
    if (path && is_png(path)) {
        cairo_surface_t *img = cairo_image_surface_create_from_png(path);
        if (cairo_surface_status(img) == CAIRO_STATUS_SUCCESS) {
            int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
            double s = side / (w > h ? w : h);
            cairo_save(cr);
            cairo_translate(cr, x, y);
            cairo_scale(cr, s, s);
            cairo_set_source_surface(cr, img, 0, 0);
            cairo_paint(cr);
            cairo_restore(cr);
        }
        cairo_surface_destroy(img);
        return;
    }
    if (path) {
        RsvgHandle *h = rsvg_handle_new_from_file(path, NULL);
        if (h) {
            RsvgRectangle box = {x, y, side, side};
            rsvg_handle_render_document(h, cr, &box, NULL);
            g_object_unref(h);
        }
        return;
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.25);
    cairo_rectangle(cr, x + 0.125, y + 0.125, side - 0.25, side - 0.25);
    cairo_stroke(cr);
    PangoLayout *pl = label_text_layout(cr, LABEL_TEXT_FONT, side * 0.28, 1, -1);
    pango_layout_set_text(pl, MARK_TEXT, -1);
    cairo_move_to(cr, x + side * 0.22, y + side * 0.12);
    pango_cairo_show_layout(cr, pl);
    g_object_unref(pl);
}

/* The parts every label shares: mark, GI name, registration number,
 * operator and its USCC, which the rules require in full on every label. */
static void draw_shared(cairo_t *cr, const label_content_t *c, const label_text_plan_t *p)
{
    cairo_set_source_rgb(cr, 0, 0, 0);
    draw_mark(cr, c->mark_path, p->mark_x, p->mark_y, p->mark_side);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int i = 0; i < LABEL_TB_CODE; i++)
        label_text_show(cr, &p->b[i], 0, 0);
}

label_err_t label_sheet_open(label_sheet_t **out, const label_layout_t *l, const label_content_t *c,
                             const label_item_t *first, const label_matrix_t *m, char *errbuf,
                             size_t errlen)
{
    label_sheet_t *sh = calloc(1, sizeof *sh);
    if (!sh) {
        snprintf(errbuf, errlen, "out of memory");
        return LABEL_ENOMEM;
    }
    label_err_t rc = label_text_plan(l, c, first->code, m, &sh->plan, errbuf, errlen);
    if (rc != LABEL_OK) {
        free(sh);
        return rc;
    }
    sh->layout = l;
    cairo_rectangle_t extent = {0, 0, l->label_w_mm, l->label_h_mm};
    sh->shared = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extent);
    cairo_t *cr = cairo_create(sh->shared);
    draw_shared(cr, c, &sh->plan);
    cairo_destroy(cr);
    *out = sh;
    return LABEL_OK;
}

/* Pages larger than this many dots keep a stencil per symbol. */
#define MASK_MAX_DOTS (256L << 20)

int label_sheet_mask_begin(label_sheet_t *sh)
{
    const label_layout_t *l = sh->layout;
    double dot = 25.4 / (l->dpi > 0 ? l->dpi : 300);
    if (l->vector_paths || l->module_mm > 0 ||
        ceil(l->page_w_mm / dot) * ceil(l->page_h_mm / dot) > (double)MASK_MAX_DOTS)
        return 0;
    sh->mask_dot = dot;
    sh->masks = 1; /* on: the column masks are made as symbols come */
    return 1;
}

/* The column mask a symbol spanning page dots [x, x + w) goes into, made
 * when its column has none; NULL when it does not fit one (a wider
 * DataMatrix than the column's first): it is then drawn on its own. */
static sheet_mask_t *column_mask(label_sheet_t *sh, double label_x, long x, long w)
{
    int i;
    for (i = 0; i < MASK_COLS && sh->mask[i].img; i++)
        if (fabs(sh->mask[i].label_x - label_x) < 1e-6) {
            sheet_mask_t *k = &sh->mask[i];
            return x >= k->x0 && x + w <= k->x0 + cairo_image_surface_get_width(k->img) ? k : NULL;
        }
    if (i == MASK_COLS)
        return NULL;
    long h = (long)ceil(sh->layout->page_h_mm / sh->mask_dot);
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_A1, (int)w, (int)h);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        return NULL;
    }
    cairo_surface_flush(img);
    sh->mask[i] = (sheet_mask_t){img, label_x, x, 0};
    return &sh->mask[i];
}

void label_sheet_mask_end(label_sheet_t *sh, cairo_t *cr)
{
    for (int i = 0; i < MASK_COLS && sh->mask[i].img; i++) {
        sheet_mask_t *k = &sh->mask[i];
        if (!k->used)
            continue;
        cairo_surface_mark_dirty(k->img);
        cairo_pattern_t *pat = cairo_pattern_create_for_surface(k->img);
        cairo_pattern_set_filter(pat, CAIRO_FILTER_NEAREST);
        cairo_save(cr);
        cairo_scale(cr, sh->mask_dot, sh->mask_dot);
        cairo_translate(cr, (double)k->x0, 0);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_mask(cr, pat);
        cairo_restore(cr);
        cairo_pattern_destroy(pat);
        /* cleared for the next page */
        cairo_surface_flush(k->img);
        memset(cairo_image_surface_get_data(k->img), 0,
               (size_t)cairo_image_surface_get_stride(k->img) *
                   (size_t)cairo_image_surface_get_height(k->img));
        k->used = 0;
    }
}

void label_sheet_close(label_sheet_t *sh)
{
    if (!sh)
        return;
    for (int i = 0; i < MASK_COLS && sh->mask[i].img; i++)
        cairo_surface_destroy(sh->mask[i].img);
    cairo_surface_destroy(sh->shared);
    if (sh->code_layout)
        g_object_unref(sh->code_layout);
    if (sh->glyphs.font)
        cairo_scaled_font_destroy(sh->glyphs.font);
    free(sh);
}

/* The bit of pixel c in its 32-bit word: cairo's A1 follows the platform's
 * byte order, so the leftmost pixel is the low bit on little-endian machines. */
static uint32_t a1_bit(int c)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return (uint32_t)1 << (31 - (c & 31));
#else
    return (uint32_t)1 << (c & 31);
#endif
}

/* Draws the modules as a 1-bit image used as a stencil mask. */
static void draw_stencil(cairo_t *cr, const label_matrix_t *m, double x, double y, double mod)
{
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_A1, m->width, m->height);
    unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    cairo_surface_flush(img);
    for (int r = 0; r < m->height; r++) {
        uint32_t *row = (uint32_t *)(void *)(data + (size_t)r * (size_t)stride);
        for (int c = 0; c < m->width; c++)
            if (m->dark[(size_t)r * (size_t)m->width + (size_t)c])
                row[c >> 5] |= a1_bit(c);
    }
    cairo_surface_mark_dirty(img);
    cairo_pattern_t *pat = cairo_pattern_create_for_surface(img);
    cairo_pattern_set_filter(pat, CAIRO_FILTER_NEAREST);
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, mod, m->linear ? 1 : mod);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_mask(cr, pat);
    cairo_restore(cr);
    cairo_pattern_destroy(pat);
    cairo_surface_destroy(img);
}

/* Sets the modules of a symbol whose corner is at page dot (x0, y0), each
 * md dots wide and mh dots high (a linear symbol's bar height), in the
 * page's mask. */
static void mask_symbol(cairo_surface_t *mask, const label_matrix_t *m, long x0, long y0, long md,
                        long mh)
{
    unsigned char *data = cairo_image_surface_get_data(mask);
    long stride = cairo_image_surface_get_stride(mask);
    long w0 = x0 >> 5, w1 = (x0 + (long)m->width * md - 1) >> 5;
    assert(x0 >= 0 && y0 >= 0 && x0 + (long)m->width * md <= cairo_image_surface_get_width(mask) &&
           y0 + (long)m->height * mh <= cairo_image_surface_get_height(mask));
    for (int r = 0; r < m->height; r++) {
        /* the first dot row of the module row bit by bit, the others copied */
        uint32_t *first = (uint32_t *)(void *)(data + (y0 + r * mh) * stride);
        for (int c = 0; c < m->width; c++)
            if (m->dark[(size_t)r * (size_t)m->width + (size_t)c])
                for (long x = x0 + c * md; x < x0 + (c + 1) * md; x++)
                    first[x >> 5] |= a1_bit((int)(x & 31));
        for (long y = 1; y < mh; y++) {
            uint32_t *row = (uint32_t *)(void *)(data + (y0 + r * mh + y) * stride);
            for (long j = w0; j <= w1; j++)
                row[j] |= first[j];
        }
    }
}

/* Whether v mm is a whole number of dots; *n that number. */
static int whole_dots(double v, double dot, long *n)
{
    *n = lround(v / dot);
    return *n > 0 && fabs(v / dot - (double)*n) < 1e-3;
}

/* Draws the modules as paths: the outline of each dark area (outline.c). */
static void draw_paths(cairo_t *cr, const label_matrix_t *m, double x, double y, double mod,
                       double row_h)
{
    label_outline_fill(cr, m, x, y, mod, row_h);
}

/* Draws the symbol whose quiet-zone box is at (bx, by) in a label whose
 * corner is at (lx, ly) of the page. The symbol's corner is put on the
 * printer's dot grid (whole dots from the page's corner at the layout's
 * resolution): modules of whole dots that started between two dots would
 * print one dot wider or narrower, and a 3-dot Code 128 module then reads
 * as 2 or 4. */
static void draw_symbol(label_sheet_t *sh, cairo_t *cr, const label_matrix_t *m, double lx,
                        double ly, double bx, double by, double bh, double mod)
{
    const label_layout_t *l = sh->layout;
    double dot = 25.4 / (l->dpi > 0 ? l->dpi : 300);
    double x = round((lx + bx + m->quiet * mod) / dot) * dot - lx;
    double y = round((ly + (m->linear ? by : by + m->quiet * mod)) / dot) * dot - ly;
    long md, mh;
    if (sh->masks && fabs(sh->mask_dot - dot) < 1e-12 && whole_dots(mod, dot, &md) &&
        (m->linear ? whole_dots(bh, dot, &mh) || (mh = lround(bh / dot)) > 0 : (mh = md) > 0)) {
        long sx = lround((lx + x) / dot), sy = lround((ly + y) / dot);
        sheet_mask_t *k = column_mask(sh, lx, sx, (long)m->width * md);
        if (k && sy >= 0 && sy + (long)m->height * mh <= cairo_image_surface_get_height(k->img)) {
            mask_symbol(k->img, m, sx - k->x0, sy, md, mh);
            k->used = 1;
            return;
        }
    }
    if (m->linear) {
        /* one row of bars stretched to the box's height */
        if (l->vector_paths) {
            draw_paths(cr, m, x, y, mod, bh);
        } else {
            cairo_save(cr);
            cairo_rectangle(cr, x, y, m->width * mod, bh);
            cairo_clip(cr);
            cairo_translate(cr, 0, y);
            cairo_scale(cr, 1, bh);
            draw_stencil(cr, m, x, 0, mod);
            cairo_restore(cr);
        }
    } else if (l->vector_paths) {
        draw_paths(cr, m, x, y, mod, mod);
    } else {
        draw_stencil(cr, m, x, y, mod);
    }
}

static void draw_crop_marks(cairo_t *cr, const label_layout_t *l)
{
    double len = 2.0, off = 0.5, w = l->label_w_mm, h = l->label_h_mm;
    double corners[4][2] = {{0, 0}, {w, 0}, {0, h}, {w, h}};
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.1);
    for (int i = 0; i < 4; i++) {
        double cx = corners[i][0], cy = corners[i][1];
        double dx = cx == 0 ? -1 : 1, dy = cy == 0 ? -1 : 1;
        cairo_move_to(cr, cx + dx * off, cy);
        cairo_line_to(cr, cx + dx * (off + len), cy);
        cairo_move_to(cr, cx, cy + dy * off);
        cairo_line_to(cr, cx, cy + dy * (off + len));
    }
    cairo_stroke(cr);
}

/* The die-cut outline, the label's edge, in the marker colour the PDF's
 * finishing pass turns into the CutContour separation (labels/pdf.c). */
static void draw_cut_contour(cairo_t *cr, const label_layout_t *l)
{
    cairo_save(cr);
    cairo_set_source_rgb(cr, LABEL_CUT_R, LABEL_CUT_G, LABEL_CUT_B);
    cairo_set_line_width(cr, 0.1);
    cairo_rectangle(cr, 0, 0, l->label_w_mm, l->label_h_mm);
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* Shapes CODE_CHARSET with the code's font; leaves g->font NULL unless every
 * character maps to one glyph of one font. */
static void code_glyphs_init(code_glyphs_t *g, cairo_t *cr, double size)
{
    PangoLayout *pl = label_text_layout(cr, LABEL_CODE_FONT, size, 1, -1);
    pango_layout_set_text(pl, CODE_CHARSET, -1);
    PangoFont *font = NULL;
    int mapped = 0;
    for (GSList *r = pango_layout_get_line_readonly(pl, 0)->runs; r; r = r->next) {
        PangoGlyphItem *run = r->data;
        if ((font && font != run->item->analysis.font) ||
            run->glyphs->num_glyphs != run->item->num_chars)
            goto out;
        font = run->item->analysis.font;
        for (int i = 0; i < run->glyphs->num_glyphs; i++) {
            PangoGlyphInfo *gi = &run->glyphs->glyphs[i];
            unsigned char ch =
                (unsigned char)CODE_CHARSET[run->glyphs->log_clusters[i] + run->item->offset];
            if (gi->glyph == PANGO_GLYPH_EMPTY || (gi->glyph & PANGO_GLYPH_UNKNOWN_FLAG) ||
                gi->geometry.x_offset || gi->geometry.y_offset || ch >= 128)
                goto out;
            g->glyph[ch] = gi->glyph;
            g->advance[ch] = (double)gi->geometry.width / PANGO_SCALE;
            mapped++;
        }
    }
    if (font && mapped == (int)strlen(CODE_CHARSET)) {
        g->font =
            cairo_scaled_font_reference(pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font)));
        g->baseline = (double)pango_layout_get_baseline(pl) / PANGO_SCALE;
    }
out:
    g_object_unref(pl);
}

/* Draws code at (x, y) from the shaped glyphs; 0 when it cannot (a character
 * outside CODE_CHARSET, or too wide), and pango must. */
static int show_code_glyphs(const code_glyphs_t *g, cairo_t *cr, const char *code, double x,
                            double y, double width)
{
    cairo_glyph_t glyphs[CODE_MAX];
    cairo_text_cluster_t clusters[CODE_MAX];
    int n = 0;
    double at = x;
    if (!g->font)
        return 0;
    for (; code[n]; n++) {
        unsigned char ch = (unsigned char)code[n];
        if (n == CODE_MAX || ch >= 128 || g->advance[ch] == 0)
            return 0;
        glyphs[n] = (cairo_glyph_t){g->glyph[ch], at, y + g->baseline};
        clusters[n] = (cairo_text_cluster_t){1, 1};
        at += g->advance[ch];
    }
    if (at - x > width)
        return 0;
    cairo_set_scaled_font(cr, g->font);
    cairo_show_text_glyphs(cr, code, n, glyphs, n, clusters, n, 0);
    return 1;
}

/* The serial code, whole: from the shaped glyphs on one line, or through
 * pango where it wraps (a narrow column) or holds other characters. */
static void draw_code_text(label_sheet_t *sh, cairo_t *cr, const char *code)
{
    label_text_block_t b = sh->plan.b[LABEL_TB_CODE];
    if (!sh->code_layout) {
        sh->code_layout = label_text_layout(cr, b.family, b.size, b.bold, -1);
        code_glyphs_init(&sh->glyphs, cr, b.size);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    /* the glyphs' top 0.92 em above the baseline, as label_text_show() */
    if (b.lines == 1 && sh->glyphs.font &&
        show_code_glyphs(&sh->glyphs, cr, code, b.x, b.y + 0.92 * b.size - sh->glyphs.baseline,
                         b.w))
        return;
    b.text = code;
    label_text_show(cr, &b, 0, 0);
}

void label_sheet_draw_shared(label_sheet_t *sh, cairo_t *cr)
{
    cairo_set_source_surface(cr, sh->shared, 0, 0);
    cairo_paint(cr);
}

void label_sheet_draw_code(label_sheet_t *sh, cairo_t *cr, const char *code)
{
    draw_code_text(sh, cr, code);
}

int label_sheet_code_glyphs(label_sheet_t *sh, cairo_t *cr, const char *code, double *x,
                            double *baseline)
{
    const label_text_block_t *b = &sh->plan.b[LABEL_TB_CODE];
    const code_glyphs_t *g = &sh->glyphs;
    if (!sh->code_layout) /* shapes the glyphs */
        draw_code_text(sh, cr, "");
    if (b->lines != 1 || !g->font)
        return 0;
    double at = b->x;
    int n = 0;
    for (; code[n]; n++) {
        unsigned char ch = (unsigned char)code[n];
        if (n == CODE_MAX || ch >= 128 || g->advance[ch] == 0)
            return 0;
        x[n] = at;
        at += g->advance[ch];
    }
    if (at - b->x > b->w)
        return 0;
    *baseline = b->y + 0.92 * b->size;
    return n;
}

int label_sheet_glyph_path(label_sheet_t *sh, cairo_t *cr, char ch)
{
    const code_glyphs_t *g = &sh->glyphs;
    unsigned char c = (unsigned char)ch;
    if (!g->font || c >= 128 || g->advance[c] == 0)
        return -1;
    cairo_glyph_t glyph = {g->glyph[c], 0, 0};
    cairo_set_scaled_font(cr, g->font);
    cairo_glyph_path(cr, &glyph, 1);
    return 0;
}

void label_sheet_draw_crop_marks(const label_sheet_t *sh, cairo_t *cr)
{
    draw_crop_marks(cr, sh->layout);
}

void label_sheet_code_box(const label_sheet_t *sh, double *x, double *y, double *w, double *h)
{
    const label_text_block_t *b = &sh->plan.b[LABEL_TB_CODE];
    *x = b->x;
    *y = b->y;
    *w = b->w;
    *h = b->h;
}

label_err_t label_sheet_draw_matrix(label_sheet_t *sh, cairo_t *cr, const label_item_t *item,
                                    const label_matrix_t *m, double x, double y, char *errbuf,
                                    size_t errlen)
{
    const label_layout_t *l = sh->layout;
    double bx, by, bw, bh, mod;
    label_err_t rc = label_place_symbol(l, m, &bx, &by, &bw, &bh, &mod, errbuf, errlen);
    if (rc != LABEL_OK)
        return rc;
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_set_source_surface(cr, sh->shared, 0, 0);
    cairo_paint(cr);
    draw_symbol(sh, cr, m, x, y, bx, by, bh, mod);
    draw_code_text(sh, cr, item->code);
    if (l->crop_marks)
        draw_crop_marks(cr, l);
    if (l->cut_contour)
        draw_cut_contour(cr, l);
    cairo_restore(cr);
    return LABEL_OK;
}

label_err_t label_sheet_draw(label_sheet_t *sh, cairo_t *cr, const label_item_t *item, double x,
                             double y, char *errbuf, size_t errlen)
{
    char payload[512];
    label_matrix_t m;
    label_payload(sh->layout, item, payload, sizeof payload);
    label_err_t rc =
        label_matrix_encode(sh->layout->symbology, sh->layout->ecc, payload, &m, errbuf, errlen);
    if (rc == LABEL_OK)
        rc = label_sheet_draw_matrix(sh, cr, item, &m, x, y, errbuf, errlen);
    label_matrix_free(&m);
    return rc;
}

double label_mm_to_pt(double mm)
{
    return mm / MM_PER_PT;
}
