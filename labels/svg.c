/*
 * svg.c - SVG sheets written as text, one document a sheet: one sheet is
 * an SVG, more a ZIP of "sheet-N.svg" (a drawing of many sheets stacked was
 * metres tall). ZIP members of one label each are the same writer with a
 * page the label's size.
 *
 * cairo's SVG surface took about 2 ms a label (the shared text replayed
 * into every label, a path per module run traced through cairo). Here the
 * parts every label shares are drawn by cairo once into a group of the
 * document's <defs>, the serial code's glyphs are outlined once each into
 * <defs>, and a label is a <use> of the group, one <use> a glyph of its code
 * and one path of the symbol's runs in whole modules, scaled to the module
 * size. User units are millimetres. A code that does not run on one line
 * of the shaped glyphs (pango must draw it) is drawn by cairo instead.
 */
#include "labels/output.h"
#include "labels/pool.h"
#include "labels/svg.h"

#include <cairo-svg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define PT_PER_MM (72 / 25.4)

/* What every sheet of an export shares: the document's <defs>. */
typedef struct {
    label_sheet_t *sh;
    const label_layout_t *l;
    label_membuf_t defs;
    int fast; /* codes as glyph uses; 0: cairo draws each sheet */
} svg_ctx_t;

static int put(label_membuf_t *b, const char *s, size_t len)
{
    return label_membuf_append(b, (const unsigned char *)s, (unsigned)len) == CAIRO_STATUS_SUCCESS
               ? 0
               : -1;
}

static int puts_(label_membuf_t *b, const char *s)
{
    return put(b, s, strlen(s));
}

/* v with three decimals (mm: a micrometre), without printf's cost. */
static char *fmt3(char *p, double v)
{
    long k = lround(v * 1000);
    if (k < 0) {
        *p++ = '-';
        k = -k;
    }
    char tmp[24];
    int n = 0;
    long whole = k / 1000, frac = k % 1000;
    do
        tmp[n++] = (char)('0' + whole % 10);
    while ((whole /= 10) > 0);
    while (n)
        *p++ = tmp[--n];
    if (frac) {
        *p++ = '.';
        *p++ = (char)('0' + frac / 100);
        if (frac % 100) {
            *p++ = (char)('0' + frac / 10 % 10);
            if (frac % 10)
                *p++ = (char)('0' + frac % 10);
        }
    }
    return p;
}

static char *fmt_int(char *p, int v)
{
    char tmp[16];
    int n = 0;
    if (v < 0) {
        *p++ = '-';
        v = -v;
    }
    do
        tmp[n++] = (char)('0' + v % 10);
    while ((v /= 10) > 0);
    while (n)
        *p++ = tmp[--n];
    return p;
}

/* The path of cr as SVG path data, coordinates in its user units. */
static int path_data(cairo_t *cr, label_membuf_t *b)
{
    cairo_path_t *path = cairo_copy_path(cr);
    int failed = path->status != CAIRO_STATUS_SUCCESS;
    char buf[128];
    for (int i = 0; !failed && i < path->num_data; i += path->data[i].header.length) {
        cairo_path_data_t *d = &path->data[i];
        char *p = buf;
        int pts = 0;
        switch (d->header.type) {
        case CAIRO_PATH_MOVE_TO:
            *p++ = 'M';
            pts = 1;
            break;
        case CAIRO_PATH_LINE_TO:
            *p++ = 'L';
            pts = 1;
            break;
        case CAIRO_PATH_CURVE_TO:
            *p++ = 'C';
            pts = 3;
            break;
        case CAIRO_PATH_CLOSE_PATH:
            *p++ = 'Z';
            break;
        }
        for (int k = 1; k <= pts; k++) {
            p = fmt3(p, d[k].point.x);
            *p++ = ' ';
            p = fmt3(p, d[k].point.y);
            if (k < pts)
                *p++ = ' ';
        }
        failed = put(b, buf, (size_t)(p - buf));
    }
    cairo_path_destroy(path);
    return failed ? -1 : 0;
}

/* The inside of cairo's SVG document (between <svg ...> and </svg>), with
 * its ids and references to them prefixed "t-". */
static int svg_inside(const label_membuf_t *doc, label_membuf_t *b)
{
    static const char *const marks[] = {"id=\"", "href=\"#", "url(#"};
    const char *s = (const char *)doc->data;
    const char *open = strstr(s, "<svg");
    const char *body = open ? strchr(open, '>') : NULL;
    const char *close = NULL;
    for (const char *p = body; p && (p = strstr(p, "</svg>")) != NULL; p++)
        close = p;
    if (!body || !close || close < body)
        return -1;
    const char *p = body + 1;
    while (p < close) {
        const char *next = close;
        size_t mlen = 0;
        for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++) {
            const char *q = strstr(p, marks[k]);
            if (q && q < next) {
                next = q;
                mlen = strlen(marks[k]);
            }
        }
        if (next == close)
            return put(b, p, (size_t)(close - p));
        if (put(b, p, (size_t)(next - p) + mlen) || put(b, "t-", 2))
            return -1;
        p = next + mlen;
    }
    return 0;
}

/* The defs: the shared parts as group "L" (mm units), crop marks with them,
 * and the code's glyphs as paths "gNN" (NN the character's code). */
static label_err_t svg_defs(svg_ctx_t *x, char *errbuf, size_t errlen)
{
    const label_layout_t *l = x->l;
    label_membuf_t doc = {0};
    cairo_surface_t *s = cairo_svg_surface_create_for_stream(
        label_membuf_append, &doc, label_mm_to_pt(l->label_w_mm), label_mm_to_pt(l->label_h_mm));
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, PT_PER_MM, PT_PER_MM);
    label_sheet_draw_shared(x->sh, cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_status_t st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    int failed = st != CAIRO_STATUS_SUCCESS || put(&doc, "", 1);
    char buf[256];
    failed = failed || puts_(&x->defs, "<defs>\n<g id=\"L\">\n<g transform=\"scale(0.352778)\">") ||
             svg_inside(&doc, &x->defs) || puts_(&x->defs, "</g>\n");
    free(doc.data);
    if (!failed && l->crop_marks) {
        double len = 2.0, off = 0.5, w = l->label_w_mm, h = l->label_h_mm;
        int k = snprintf(buf, sizeof buf,
                         "<path fill=\"none\" stroke=\"#000\" stroke-width=\"0.1\" d=\"M%g 0h%gM0 "
                         "%gv%gM%g 0h%gM%g %gv%gM%g %gh%gM0 %gv%gM%g %gh%gM%g %gv%g\"/>\n",
                         -off, -len, -off, -len, w + off, len, w, -off, -len, -off, h, -len,
                         h + off, len, w + off, h, len, w, h + off, len);
        failed = put(&x->defs, buf, (size_t)k);
    }
    failed = failed || puts_(&x->defs, "</g>\n");
    /* the glyphs, in mm from their origin on the baseline */
    cairo_surface_t *rs = cairo_recording_surface_create(CAIRO_CONTENT_ALPHA, NULL);
    cr = cairo_create(rs);
    double xs[LABEL_CODE_GLYPHS], baseline;
    x->fast = label_sheet_code_glyphs(x->sh, cr, "0", xs, &baseline) > 0;
    for (int ch = 1; !failed && x->fast && ch < 128; ch++) {
        cairo_new_path(cr);
        if (label_sheet_glyph_path(x->sh, cr, (char)ch) != 0)
            continue;
        int k = snprintf(buf, sizeof buf, "<path id=\"g%d\" d=\"", ch);
        failed =
            put(&x->defs, buf, (size_t)k) || path_data(cr, &x->defs) || puts_(&x->defs, "\"/>\n");
    }
    cairo_destroy(cr);
    cairo_surface_destroy(rs);
    failed = failed || puts_(&x->defs, "</defs>\n");
    if (failed) {
        snprintf(errbuf, errlen, "out of memory drawing the SVG's shared parts");
        return LABEL_ENOMEM;
    }
    return LABEL_OK;
}

/* The symbol of m as one path of its runs, in modules, scaled into place. */
static int svg_symbol(const label_layout_t *l, const label_matrix_t *m, double lx, double ly,
                      label_membuf_t *b)
{
    double bx, by, bw, bh, mod;
    char err[64], buf[256];
    if (label_place_symbol(l, m, &bx, &by, &bw, &bh, &mod, err, sizeof err) != LABEL_OK)
        return 0; /* the layout was checked with the batch's first symbol */
    /* on the printer's dot grid from the page's corner, as sheet.c */
    double dot = 25.4 / (l->dpi > 0 ? l->dpi : 300);
    double x = round((lx + bx + m->quiet * mod) / dot) * dot;
    double y = round((ly + (m->linear ? by : by + m->quiet * mod)) / dot) * dot;
    char *p = buf;
    p += snprintf(p, 64, "<path transform=\"matrix(");
    p = fmt3(p, mod);
    p += snprintf(p, 8, " 0 0 ");
    p = fmt3(p, m->linear ? bh : mod);
    *p++ = ' ';
    p = fmt3(p, x);
    *p++ = ' ';
    p = fmt3(p, y);
    p += snprintf(p, 16, ")\" d=\"");
    if (put(b, buf, (size_t)(p - buf)))
        return -1;
    for (int r = 0; r < m->height; r++) {
        for (int from = 0, c, e; label_matrix_next_run(m, r, &from, &c, &e);) {
            p = buf;
            *p++ = 'M';
            p = fmt_int(p, c);
            *p++ = ' ';
            p = fmt_int(p, r);
            *p++ = 'h';
            p = fmt_int(p, e - c);
            *p++ = 'v';
            *p++ = '1';
            *p++ = 'h';
            p = fmt_int(p, c - e);
            *p++ = 'z';
            if (put(b, buf, (size_t)(p - buf)))
                return -1;
        }
    }
    return puts_(b, "\"/>\n");
}

/* One label at (lx, ly) mm of the page. */
static int svg_label(svg_ctx_t *x, const label_item_t *item, const label_matrix_t *m, double lx,
                     double ly, label_membuf_t *b)
{
    double xs[LABEL_CODE_GLYPHS], baseline;
    char buf[128];
    char *p = buf;
    p += snprintf(p, 32, "<use xlink:href=\"#L\" x=\"");
    p = fmt3(p, lx);
    p += snprintf(p, 8, "\" y=\"");
    p = fmt3(p, ly);
    p += snprintf(p, 8, "\"/>\n");
    if (put(b, buf, (size_t)(p - buf)) || svg_symbol(x->l, m, lx, ly, b))
        return -1;
    int n = label_sheet_code_glyphs(x->sh, NULL, item->code, xs, &baseline);
    if (n == 0)
        return 1; /* pango's: the caller draws the sheet with cairo */
    for (int i = 0; i < n; i++) {
        p = buf;
        p += snprintf(p, 32, "<use xlink:href=\"#g%d\" x=\"", (unsigned char)item->code[i]);
        p = fmt3(p, lx + xs[i]);
        p += snprintf(p, 8, "\" y=\"");
        p = fmt3(p, ly + baseline);
        p += snprintf(p, 8, "\"/>\n");
        if (put(b, buf, (size_t)(p - buf)))
            return -1;
    }
    return 0;
}

static int svg_head(label_membuf_t *b, double w_mm, double h_mm)
{
    char head[512];
    int k = snprintf(head, sizeof head,
                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                     "xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"%.3fmm\" "
                     "height=\"%.3fmm\" viewBox=\"0 0 %.3f %.3f\" version=\"1.1\">\n",
                     w_mm, h_mm, w_mm, h_mm);
    return put(b, head, (size_t)k);
}

/* Labels [first, last) as one document in doc: a sheet (member 0) or one
 * label of its own (member 1). 1: a code needs pango, draw with cairo. */
static int svg_doc(svg_ctx_t *x, label_encoder_t *enc, const label_item_t *items, size_t first,
                   size_t last, int member, label_out_t *o, label_membuf_t *doc, label_err_t *rc,
                   char *errbuf, size_t errlen)
{
    const label_layout_t *l = x->l;
    doc->len = 0;
    int failed = member ? svg_head(doc, l->label_w_mm, l->label_h_mm)
                        : svg_head(doc, l->page_w_mm, l->page_h_mm);
    failed = failed || put(doc, (const char *)x->defs.data, x->defs.len) ||
             puts_(doc, "<g fill=\"#000\">\n");
    *rc = LABEL_OK;
    for (size_t i = first; !failed && i < last; i++) {
        int page;
        double lx = 0, ly = 0;
        const label_matrix_t *m;
        if (label_out_stopped(o)) { /* asked before every label */
            *rc = label_out_failed(o, errbuf, errlen);
            return -1;
        }
        if (!member)
            label_position_mm(l, i, &page, &lx, &ly);
        if ((*rc = label_encoder_get(enc, i, &m, errbuf, errlen)) != LABEL_OK)
            return -1;
        failed = svg_label(x, &items[i], m, lx, ly, doc);
        if (failed == 1)
            return 1;
    }
    failed = failed || puts_(doc, "</g>\n</svg>\n");
    if (failed) {
        snprintf(errbuf, errlen, "out of memory writing the SVG");
        *rc = LABEL_ENOMEM;
        return -1;
    }
    return 0;
}

/* --- ZIP members on the pool's threads ------------------------------------------------------ */

#define MEMBERS_A_JOB 16

/* Every member begins with the same document head and <defs> (about 80
 * KB: the shared text as paths), which deflating took most of a member's
 * time. They are deflated once, ending on a byte boundary with no block
 * marked last (Z_SYNC_FLUSH); each member is that, then its own label
 * deflated as a stream of its own: one deflate stream, whose matches never
 * reach back past its second part's start. The CRC-32 is the two parts'
 * combined. */
typedef struct {
    svg_ctx_t *x;
    const label_item_t *items;
    size_t n;
    label_membuf_t prefix; /* deflated */
    size_t prefix_len;     /* before */
    uint32_t prefix_crc;
} member_ctx_t;

/* A thread's: the label's text and a deflate stream kept between members. */
typedef struct {
    label_membuf_t doc;
    z_stream zs;
    int zs_ok;
} member_scratch_t;

/* Deflates len bytes of data onto out with zs (reset first), ending with
 * flush (Z_FINISH or Z_SYNC_FLUSH); -1 when out of memory. */
static int deflate_onto(z_stream *zs, const unsigned char *data, size_t len, int flush,
                        label_membuf_t *out)
{
    size_t need = out->len + deflateBound(zs, (uLong)len) + 16;
    if (need > out->cap) {
        unsigned char *p = realloc(out->data, need);
        if (!p)
            return -1;
        out->data = p;
        out->cap = need;
    }
    if (deflateReset(zs) != Z_OK)
        return -1;
    zs->next_in = (Bytef *)(uintptr_t)data;
    zs->avail_in = (uInt)len;
    zs->next_out = out->data + out->len;
    zs->avail_out = (uInt)(out->cap - out->len);
    int rc = deflate(zs, flush);
    if ((flush == Z_FINISH && rc != Z_STREAM_END) || (flush != Z_FINISH && rc != Z_OK) ||
        zs->avail_in != 0)
        return -1;
    out->len = (size_t)(zs->next_out - out->data);
    return 0;
}

/* The members' shared beginning, deflated once (at zlib's best: once). */
static label_err_t member_prefix(member_ctx_t *c, char *errbuf, size_t errlen)
{
    const label_layout_t *l = c->x->l;
    label_membuf_t doc = {0};
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    int ok = deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) == Z_OK;
    int failed = !ok || svg_head(&doc, l->label_w_mm, l->label_h_mm) ||
                 put(&doc, (const char *)c->x->defs.data, c->x->defs.len) ||
                 puts_(&doc, "<g fill=\"#000\">\n") ||
                 deflate_onto(&zs, doc.data, doc.len, Z_SYNC_FLUSH, &c->prefix);
    if (!failed) {
        c->prefix_len = doc.len;
        c->prefix_crc = (uint32_t)crc32(0L, doc.data, (uInt)doc.len);
    }
    if (ok)
        deflateEnd(&zs);
    free(doc.data);
    if (failed) {
        snprintf(errbuf, errlen, "out of memory writing the SVG's shared parts");
        return LABEL_ENOMEM;
    }
    return LABEL_OK;
}

/* Members [16 job, 16 job + 16) into out, each as its packed length, length
 * and CRC-32 (4 bytes each, host order) and its deflated bytes. */
static label_err_t member_job(void *arg, void **scratch, size_t job, label_membuf_t *out,
                              char *errbuf, size_t errlen)
{
    member_ctx_t *c = arg;
    const label_layout_t *l = c->x->l;
    member_scratch_t *ms = *scratch;
    if (!ms && (ms = *scratch = calloc(1, sizeof *ms)) != NULL)
        /* a label's text is a few KB: a small window and hash suffice */
        ms->zs_ok = deflateInit2(&ms->zs, 1, Z_DEFLATED, -13, 6, Z_DEFAULT_STRATEGY) == Z_OK;
    if (!ms || !ms->zs_ok) {
        snprintf(errbuf, errlen, "out of memory");
        return LABEL_ENOMEM;
    }
    label_membuf_t *doc = &ms->doc;
    size_t first = job * MEMBERS_A_JOB;
    size_t last = first + MEMBERS_A_JOB < c->n ? first + MEMBERS_A_JOB : c->n;
    for (size_t i = first; i < last; i++) {
        char payload[512];
        label_matrix_t m;
        label_payload(l, &c->items[i], payload, sizeof payload);
        label_err_t rc = label_matrix_encode(l->symbology, l->ecc, payload, &m, errbuf, errlen);
        if (rc != LABEL_OK)
            return rc;
        doc->len = 0;
        int failed =
            svg_label(c->x, &c->items[i], &m, 0, 0, doc) != 0 || puts_(doc, "</g>\n</svg>\n");
        label_matrix_free(&m);
        uint32_t head[3] = {0};
        size_t at = out->len;
        failed = failed || put(out, (const char *)head, sizeof head) ||
                 put(out, (const char *)c->prefix.data, c->prefix.len) ||
                 deflate_onto(&ms->zs, doc->data, doc->len, Z_FINISH, out);
        if (!failed) {
            head[0] = (uint32_t)(out->len - at - sizeof head);
            head[1] = (uint32_t)(c->prefix_len + doc->len);
            head[2] = (uint32_t)crc32_combine(c->prefix_crc, crc32(0L, doc->data, (uInt)doc->len),
                                              (z_off_t)doc->len);
            memcpy(out->data + at, head, sizeof head);
        }
        if (failed) {
            snprintf(errbuf, errlen, "out of memory writing label %ld", c->items[i].sequence);
            return LABEL_ENOMEM;
        }
    }
    return LABEL_OK;
}

static void member_scratch_free(void *p)
{
    member_scratch_t *ms = p;
    if (ms->zs_ok)
        deflateEnd(&ms->zs);
    free(ms->doc.data);
    free(ms);
}

/* The ZIP of SVG members, drawn and deflated on l->threads threads. */
static label_err_t members_zip(svg_ctx_t *x, const label_item_t *items, size_t n, label_out_t *o,
                               label_progress_fn progress, void *arg, char *errbuf, size_t errlen)
{
    member_ctx_t c = {x, items, n, {0}, 0, 0};
    size_t jobs = (n + MEMBERS_A_JOB - 1) / MEMBERS_A_JOB;
    int threads = label_pool_threads(x->l->threads);
    label_pool_t *pool = NULL;
    label_zip_t *z = label_zip_new(o);
    label_err_t rc = member_prefix(&c, errbuf, errlen);
    if (rc == LABEL_OK && !z) {
        snprintf(errbuf, errlen, "out of memory");
        rc = LABEL_ENOMEM;
    }
    if (rc == LABEL_OK)
        rc = label_pool_start(&pool, jobs, threads, (size_t)threads * 2, member_job,
                              member_scratch_free, &c, errbuf, errlen);
    for (size_t job = 0; rc == LABEL_OK && job < jobs; job++) {
        const label_membuf_t *b;
        if ((rc = label_pool_next(pool, &b, errbuf, errlen)) != LABEL_OK)
            break;
        size_t at = 0, i = job * MEMBERS_A_JOB;
        while (rc == LABEL_OK && at + 12 <= b->len) {
            uint32_t head[3];
            char name[128];
            if (label_out_stopped(o)) { /* asked before every label */
                rc = label_out_failed(o, errbuf, errlen);
                break;
            }
            memcpy(head, b->data + at, sizeof head);
            snprintf(name, sizeof name, "%ld-%s.svg", items[i].sequence, items[i].code);
            rc = label_zip_add_packed(z, name, b->data + at + 12, head[0], head[1], head[2], 1,
                                      errbuf, errlen);
            at += 12 + (size_t)head[0];
            i++;
        }
        label_pool_done(pool);
        if (progress)
            progress(i, n, arg);
    }
    label_pool_stop(pool);
    free(c.prefix.data);
    if (rc != LABEL_OK) {
        label_zip_free(z);
        return rc;
    }
    return label_zip_finish(z, errbuf, errlen);
}

/* Whether every code is drawn from the shaped glyphs. */
static int all_fast(svg_ctx_t *x, const label_item_t *items, size_t n)
{
    double xs[LABEL_CODE_GLYPHS], baseline;
    for (size_t i = 0; x->fast && i < n; i++)
        if (label_sheet_code_glyphs(x->sh, NULL, items[i].code, xs, &baseline) == 0)
            return 0;
    return x->fast;
}

label_err_t label_write_svg_docs(label_sheet_t *sh, label_encoder_t *enc, const label_layout_t *l,
                                 const label_item_t *items, size_t n, int member, label_out_t *o,
                                 label_svg_cairo_fn cairo_doc, label_svg_doc_fn doc_fn,
                                 void *doc_arg, label_progress_fn progress, void *arg, char *errbuf,
                                 size_t errlen)
{
    svg_ctx_t x = {sh, l, {0}, 0};
    label_err_t rc = svg_defs(&x, errbuf, errlen);
    if (rc == LABEL_OK && member && !doc_fn && all_fast(&x, items, n)) {
        rc = members_zip(&x, items, n, o, progress, arg, errbuf, errlen);
        free(x.defs.data);
        return rc;
    }
    size_t per = member ? 1 : (size_t)label_per_page(l);
    size_t docs = (n + per - 1) / per;
    label_zip_t *z = NULL;
    label_membuf_t doc = {0};
    if (rc == LABEL_OK && !doc_fn && (member || docs > 1) && !(z = label_zip_new(o))) {
        snprintf(errbuf, errlen, "out of memory");
        rc = LABEL_ENOMEM;
    }
    for (size_t k = 0; rc == LABEL_OK && k < docs; k++) {
        size_t first = k * per, last = first + per < n ? first + per : n;
        if (label_out_stopped(o)) {
            rc = label_out_failed(o, errbuf, errlen);
            break;
        }
        int slow = x.fast && !member
                       ? svg_doc(&x, enc, items, first, last, member, o, &doc, &rc, errbuf, errlen)
                       : 1;
        if (slow == 1)
            rc = cairo_doc(sh, enc, l, items, first, last, member, o, &doc, errbuf, errlen);
        if (rc != LABEL_OK)
            break;
        if (doc_fn) {
            if (doc_fn(doc_arg, k, &doc) != 0) {
                snprintf(errbuf, errlen, "cannot write sheet %zu", k + 1);
                rc = LABEL_EIO;
            }
        } else if (!z) {
            if (label_out_write(o, doc.data, doc.len) != 0)
                rc = label_out_failed(o, errbuf, errlen);
        } else {
            char name[128];
            if (member)
                snprintf(name, sizeof name, "%ld-%s.svg", items[k].sequence, items[k].code);
            else
                snprintf(name, sizeof name, "sheet-%zu.svg", k + 1);
            rc = label_zip_add(z, name, doc.data, doc.len, 1, errbuf, errlen);
        }
        if (progress && (!member || (k + 1) % 256 == 0 || k + 1 == docs))
            progress(last, n, arg);
    }
    free(doc.data);
    free(x.defs.data);
    if (rc != LABEL_OK) {
        label_zip_free(z);
        return rc;
    }
    return label_zip_finish(z, errbuf, errlen);
}
