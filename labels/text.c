/*
 * text.c - the text every label must carry, laid out whole: the GI name,
 * the announcement or registration number, the operator, its USCC and the
 * serial code, and the approval document number when the layout asks for
 * it, are never cut. Each is wrapped to its column and, when the
 * column is too short, every field is shrunk together down to the
 * layout's minimum character height (min_text_mm, 1.8 mm by default, as
 * GB 7718 asks of mandatory label text); a layout that cannot hold them
 * then is refused, naming the fields that do not fit and the smallest
 * label size that holds them.
 *
 * Character height is measured on the font itself: the ink height of an
 * ideograph (国) for Chinese text, of a capital (H) for Latin letters and
 * digits; a field holding both is sized so that both reach the minimum.
 *
 * The column: left of a 2D symbol (up to its quiet zone), or above a
 * linear symbol's band. The mark sits at the column's top-left corner and
 * the fields flow top to bottom: one that starts beside the mark is
 * narrower by the mark's width. The serial code goes last, at the bottom.
 */
#include "labels/fonts.h"
#include "labels/sheet.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>

#define PAD_MM   1.5
#define GAP_MM   0.4
#define PITCH_EM 1.2 /* baseline to baseline */
#define MARK_MM  7.5 /* at a 30 mm label height */
#define MARK_MIN 5.0
#define CAPTION  "统一社会信用代码 "
#define APPROVAL "核准文号 "

/* the characters text height is measured on */
#define INK_CJK   "国"
#define INK_LATIN "H"

const char label_text_fixed[] = CAPTION APPROVAL INK_CJK INK_LATIN;

/* Nominal em sizes at a 30 mm label height. */
static const double nominal[LABEL_TB_N] = {3.2, 2.0, 2.0, 2.0, 2.0, 2.4};
static const char *const field_names[LABEL_TB_N] = {
    "GI name", "announcement/registration number", "operator",
    "USCC",    "approval document number",         "serial code"};

PangoLayout *label_text_layout(cairo_t *cr, const char *family, double size_mm, int bold,
                               double width_mm)
{
    label_fonts_init();
    PangoLayout *pl = pango_cairo_create_layout(cr);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(pango_layout_get_context(pl), fo);
    cairo_font_options_destroy(fo);
    /* the user unit is a millimetre: whole-unit glyph positions would put
     * CJK text a millimetre a character apart */
    pango_context_set_round_glyph_positions(pango_layout_get_context(pl), FALSE);
    PangoFontDescription *fd = pango_font_description_from_string(family);
    pango_font_description_set_absolute_size(fd, size_mm * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(pl, fd);
    pango_font_description_free(fd);
    if (width_mm > 0) {
        pango_layout_set_width(pl, (int)(width_mm * PANGO_SCALE));
        pango_layout_set_wrap(pl, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_ellipsize(pl, PANGO_ELLIPSIZE_NONE);
    pango_layout_context_changed(pl);
    return pl;
}

/* Ink height per em of one character in family. */
static double ink_ratio(cairo_t *cr, const char *family, int bold, const char *ch)
{
    PangoLayout *pl = label_text_layout(cr, family, 10, bold, -1);
    PangoRectangle ink;
    pango_layout_set_text(pl, ch, -1);
    pango_layout_get_extents(pl, &ink, NULL);
    g_object_unref(pl);
    double r = (double)ink.height / PANGO_SCALE / 10;
    return r > 0.3 ? r : 0.7;
}

/* The em size at which text's characters reach min_h. */
static double min_em(cairo_t *cr, const char *family, int bold, const char *text, double min_h)
{
    int cjk = 0, latin = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p >= 0x80)
            cjk = 1;
        else if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
            latin = 1;
    }
    double r = 10;
    if (cjk)
        r = fmin(r, ink_ratio(cr, family, bold, INK_CJK));
    if (latin || !cjk)
        r = fmin(r, ink_ratio(cr, family, bold, INK_LATIN));
    return min_h / r;
}

/* Lines and height of text at size and width: the first line's ascent is
 * trimmed to the characters' top, the last keeps a descender's depth. */
static void measure(cairo_t *cr, label_text_block_t *b)
{
    PangoLayout *pl = label_text_layout(cr, b->family, b->size, b->bold, b->w);
    pango_layout_set_text(pl, b->text, -1);
    b->lines = pango_layout_get_line_count(pl);
    b->h = ((double)(b->lines - 1) * PITCH_EM + 1.15) * b->size;
    g_object_unref(pl);
}

void label_text_show(cairo_t *cr, const label_text_block_t *b, double x0, double y0)
{
    if (!b->text || !*b->text)
        return;
    PangoLayout *pl = label_text_layout(cr, b->family, b->size, b->bold, b->w);
    pango_layout_set_text(pl, b->text, -1);
    /* each line on its own baseline: the first 0.92 em below the block's
     * top, the next PITCH_EM further each */
    int k = 0;
    for (GSList *it = pango_layout_get_lines_readonly(pl); it; it = it->next, k++) {
        cairo_move_to(cr, x0 + b->x, y0 + b->y + (0.92 + PITCH_EM * k) * b->size);
        pango_cairo_show_layout_line(cr, it->data);
    }
    g_object_unref(pl);
}

typedef struct {
    double x, y, w, h; /* the column, mm in the label */
} column_t;

/* The text column of a label whose symbol's box (with its quiet zone) is
 * at (bx, by); linear symbols run in a band under it. */
static column_t text_column(const label_layout_t *l, double bx, double by, int linear)
{
    if (linear)
        return (column_t){PAD_MM, PAD_MM, l->label_w_mm - 2 * PAD_MM, by - PAD_MM - GAP_MM};
    return (column_t){PAD_MM, PAD_MM, bx - PAD_MM - GAP_MM, l->label_h_mm - 2 * PAD_MM};
}

/* Flows the blocks at scale f (sizes never below their minimum); the
 * bottom of the last block, mm in the label. */
static double flow(cairo_t *cr, label_text_plan_t *p, const column_t *col, double s, double f,
                   const double *min)
{
    p->mark_side = fmax(MARK_MIN, MARK_MM * s * f);
    if (p->mark_side > col->h)
        p->mark_side = col->h;
    p->mark_x = col->x;
    p->mark_y = col->y;
    double y = col->y, beside = col->x + p->mark_side + 1, mark_bottom = col->y + p->mark_side;
    for (int i = 0; i < LABEL_TB_N; i++) {
        label_text_block_t *b = &p->b[i];
        b->size = fmax(nominal[i] * s * f, min[i]);
        if (!b->text[0]) {
            b->h = 0;
            b->lines = 0;
            continue;
        }
        /* beside the mark while the mark is there, under it after */
        int narrow = y < mark_bottom + GAP_MM;
        b->x = narrow ? beside : col->x;
        b->w = narrow ? col->x + col->w - beside : col->w;
        if (b->w < b->size) { /* not one character beside the mark: under it */
            y = mark_bottom + GAP_MM;
            b->x = col->x;
            b->w = col->w;
        }
        b->y = y;
        measure(cr, b);
        y += b->h + GAP_MM;
    }
    y -= GAP_MM;
    return fmax(y, mark_bottom);
}

/* Whether the text fits the column at its smallest; the fields that do not
 * (their names into what), when what is not NULL. */
static int fits(cairo_t *cr, label_text_plan_t *p, const column_t *col, double s, const double *min,
                char *what, size_t cap)
{
    double bottom = flow(cr, p, col, s, 0, min);
    if (what) {
        what[0] = '\0';
        for (int i = 0; i < LABEL_TB_N; i++) {
            const label_text_block_t *b = &p->b[i];
            if (b->text[0] && b->y + b->h > col->y + col->h + 1e-6)
                snprintf(what + strlen(what), cap - strlen(what), "%s%s", what[0] ? ", " : "",
                         field_names[i]);
        }
        if (!what[0] && bottom > col->y + col->h + 1e-6)
            snprintf(what, cap, "the GI mark");
    }
    return bottom <= col->y + col->h + 1e-6;
}

static void plan_fields(label_text_plan_t *p, const label_content_t *c, const char *code)
{
    static const char *const families[LABEL_TB_N] = {LABEL_TEXT_FONT, LABEL_TEXT_FONT,
                                                     LABEL_TEXT_FONT, LABEL_TEXT_FONT,
                                                     LABEL_TEXT_FONT, LABEL_CODE_FONT};
    memset(p, 0, sizeof *p);
    if (c->uscc && c->uscc[0])
        snprintf(p->uscc_line, sizeof p->uscc_line, "%s%s", CAPTION, c->uscc);
    if (c->approval_no && c->approval_no[0])
        snprintf(p->approval_line, sizeof p->approval_line, "%s%s", APPROVAL, c->approval_no);
    const char *texts[LABEL_TB_N] = {c->product_name, c->reg_text,      c->operator_name,
                                     p->uscc_line,    p->approval_line, code};
    for (int i = 0; i < LABEL_TB_N; i++) {
        p->b[i].text = texts[i] ? texts[i] : "";
        p->b[i].family = families[i];
        p->b[i].bold = i == LABEL_TB_NAME || i == LABEL_TB_CODE;
    }
}

static cairo_t *measuring_context(cairo_surface_t **s)
{
    *s = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
    return cairo_create(*s);
}

/* Searches label sizes from l's up, 5 mm steps, the smallest area first,
 * for one that holds the symbol m and the text; 0 when none up to +100 mm. */
static int smallest_size(cairo_t *cr, const label_layout_t *l, const label_content_t *c,
                         const char *code, const label_matrix_t *m, double *w_out, double *h_out)
{
    double best = 0;
    for (double h = l->label_h_mm; h <= l->label_h_mm + 100; h += 5) {
        for (double w = l->label_w_mm; w <= l->label_w_mm + 100; w += 5) {
            if (best > 0 && w * h >= best)
                break;
            label_layout_t t = *l;
            t.label_w_mm = w;
            t.label_h_mm = h;
            double bx, by, bw, bh, mod, min[LABEL_TB_N];
            char ignore[8];
            if (label_place_symbol(&t, m, &bx, &by, &bw, &bh, &mod, ignore, sizeof ignore) !=
                LABEL_OK)
                continue;
            label_text_plan_t p;
            plan_fields(&p, c, code);
            for (int i = 0; i < LABEL_TB_N; i++)
                min[i] = min_em(cr, p.b[i].family, p.b[i].bold, p.b[i].text, t.min_text_mm);
            column_t col = text_column(&t, bx, by, m->linear);
            if (col.w > 0 && col.h > 0 && fits(cr, &p, &col, h / 30.0, min, NULL, 0)) {
                best = w * h;
                *w_out = w;
                *h_out = h;
                break;
            }
        }
    }
    return best > 0;
}

label_err_t label_text_plan(const label_layout_t *l, const label_content_t *c, const char *code,
                            const label_matrix_t *m, label_text_plan_t *p, char *errbuf,
                            size_t errlen)
{
    double bx, by, bw, bh, mod, min[LABEL_TB_N];
    label_err_t rc = label_place_symbol(l, m, &bx, &by, &bw, &bh, &mod, errbuf, errlen);
    if (rc != LABEL_OK)
        return rc;
    cairo_surface_t *surface;
    cairo_t *cr = measuring_context(&surface);
    plan_fields(p, c, code);
    for (int i = 0; i < LABEL_TB_N; i++)
        min[i] = min_em(cr, p->b[i].family, p->b[i].bold, p->b[i].text, l->min_text_mm);
    column_t col = text_column(l, bx, by, m->linear);
    double s = l->label_h_mm / 30.0;
    char what[160] = "";
    int ok = col.w > 0 && col.h > 0;
    if (ok) {
        ok = 0;
        for (double f = 1; f > 0.2 && !ok; f -= 0.05)
            ok = flow(cr, p, &col, s, f, min) <= col.y + col.h + 1e-6;
        if (!ok)
            ok = fits(cr, p, &col, s, min, what, sizeof what);
    } else {
        snprintf(what, sizeof what, "any text");
    }
    if (ok) {
        /* the serial code at the column's foot when it is clear of the mark */
        label_text_block_t *code_b = &p->b[LABEL_TB_CODE];
        double foot = col.y + col.h - code_b->h;
        if (code_b->x == col.x && foot > code_b->y)
            code_b->y = foot;
    } else {
        double w = 0, h = 0;
        if (smallest_size(cr, l, c, code, m, &w, &h))
            snprintf(errbuf, errlen,
                     "the %s do%s not fit a %gx%g mm label with characters %.1f mm high: the "
                     "smallest label that holds %s is %gx%g mm (--label-size %gx%g)",
                     what, strchr(what, ',') ? "" : "es", l->label_w_mm, l->label_h_mm,
                     l->min_text_mm, strchr(what, ',') ? "them" : "it", w, h, w, h);
        else
            snprintf(errbuf, errlen,
                     "the %s do%s not fit a %gx%g mm label with characters %.1f mm high, nor "
                     "any label up to 100 mm larger",
                     what, strchr(what, ',') ? "" : "es", l->label_w_mm, l->label_h_mm,
                     l->min_text_mm);
        rc = LABEL_EINVAL;
    }
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    return rc;
}
