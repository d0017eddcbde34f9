/*
 * test_pdf.c - the PDF finishing pass (labels/pdf.c): colour operators of a
 * content stream rewritten token by token, and a cairo PDF finished with its
 * boxes, one-ink black, CutContour and PDF/X-4 metadata, and the ICC
 * profiles compiled in; the layout choices bleed and
 * cut-contour read and refused for other formats.
 */
#include "gi/layout.h"
#include "labels/icc.h"
#include "labels/pdf.h"
#include "test.h"

#include <cairo-pdf.h>
#include <stdlib.h>
#include <string.h>

/* recolour(s): the rewritten stream as a string (s itself when unchanged). */
static char out_buf[1024];
static const char *recolour(const char *s, int *cut)
{
    unsigned char *out = NULL;
    *cut = 0;
    size_t n = label_pdf_recolour((const unsigned char *)s, strlen(s), &out, cut);
    if (!out)
        return n == 0 ? s : NULL;
    snprintf(out_buf, sizeof out_buf, "%.*s", (int)n, (const char *)out);
    free(out);
    return out_buf;
}

static void test_recolour(void)
{
    int cut;
    CHECK_STR(recolour("q 0 0 0 rg /a0 gs BT", &cut), "q 0 g /a0 gs BT");
    CHECK_STR(recolour("0 0 0 RG\n0.4 0.4 0.4 rg", &cut), "0 G\n0.4 g");
    CHECK(cut == 0);
    /* a colour stays that colour, in sRGB (PDF/X-4 allows no DeviceRGB
     * beside a CMYK output intent); other operators and numbers are kept */
    CHECK_STR(recolour("0.18 0.45 0.35 rg 0 0 0 1 k 1 0 0 1 0 0 cm", &cut),
              "/GiSRGB cs 0.18 0.45 0.35 sc 0 0 0 1 k 1 0 0 1 0 0 cm");
    CHECK(cut == LABEL_PDF_USES_SRGB);
    CHECK_STR(recolour("0.5 0 1 RG", &cut), "/GiSRGB CS 0.5 0 1 SC");
    /* three numbers with something between them and the operator are not operands */
    CHECK_STR(recolour("0 0 0 /x rg", &cut), "0 0 0 /x rg");
    /* inside strings, names and inline images nothing changes */
    CHECK_STR(recolour("(0 0 0 rg \\) 0 0 0 rg) Tj", &cut), "(0 0 0 rg \\) 0 0 0 rg) Tj");
    CHECK_STR(recolour("BI /W 8 /H 1 ID  0 0 0 rg EI 0 0 0 rg", &cut),
              "BI /W 8 /H 1 ID  0 0 0 rg EI 0 g");
    /* the cut colour as a stroke becomes the separation; as a fill it is a colour */
    CHECK_STR(recolour("1 0.0039 1 RG 0.1 w 0 0 60 30 re S", &cut),
              "/GiCutOverprint gs /GiCutContour CS 1 SCN 0.1 w 0 0 60 30 re S");
    CHECK(cut == LABEL_PDF_USES_CUT);
    CHECK_STR(recolour("1 0.0039 1 rg", &cut), "/GiSRGB cs 1 0.0039 1 sc");
    CHECK(cut == LABEL_PDF_USES_SRGB);
}

typedef struct {
    char *data;
    size_t len;
} mem_t;

static int mem_write(void *arg, const unsigned char *d, size_t n)
{
    mem_t *m = arg;
    char *p = realloc(m->data, m->len + n + 1);
    if (!p)
        return -1;
    memcpy(p + m->len, d, n);
    m->data = p;
    m->len += n;
    m->data[m->len] = '\0';
    return 0;
}

/* Whether the bytes d[0, n) hold the text s. */
static int contains(const char *d, size_t n, const char *s)
{
    size_t k = strlen(s);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(d + i, s, k) == 0)
            return 1;
    return 0;
}

static int refuse_write(void *arg, const unsigned char *d, size_t n)
{
    (void)arg, (void)d, (void)n;
    return -1;
}

/* A page drawn by cairo in RGB black with the cut colour, finished. */
static label_err_t finish_page(double bleed_pt, label_pdf_write_fn w, mem_t *m, char *err,
                               size_t errlen)
{
    label_pdf_tmp_t t;
    label_err_t rc = label_pdf_tmp_open(&t, err, errlen);
    if (rc != LABEL_OK)
        return rc;
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(label_pdf_tmp_write, &t,
                                                             100 + 2 * bleed_pt, 50 + 2 * bleed_pt);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_rectangle(cr, 10, 10, 20, 20);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, LABEL_CUT_R, LABEL_CUT_G, LABEL_CUT_B);
    cairo_rectangle(cr, 5, 5, 90, 40);
    cairo_stroke(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_surface_destroy(s);
    label_pdf_opts_t o = {bleed_pt};
    rc = label_pdf_finish(&t, &o, w, m, err, errlen);
    label_pdf_tmp_close(&t);
    return rc;
}

static void test_finish(void)
{
    mem_t m = {0};
    char err[256] = "";
    CHECK(finish_page(8.5, mem_write, &m, err, sizeof err) == LABEL_OK);
    CHECK(m.len > 100 && memcmp(m.data, "%PDF-", 5) == 0);
    /* the page dictionary (qpdf writes it in an object stream, deflated)
     * is checked by tests/labels/preflight.sh with pdfinfo -box; here the
     * file is whole: it ends with its trailer */
    CHECK(m.len > 6 && memcmp(m.data + m.len - 6, "%%EOF\n", 6) == 0);
    /* PDF/X-4: version 1.6, the XMP packet left uncompressed and naming the
     * version (tests/labels/preflight.sh reads the rest with qpdf) */
    CHECK(memcmp(m.data, "%PDF-1.6", 8) == 0);
    CHECK(contains(m.data, m.len, "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>"));
    free(m.data);
    /* the profiles compiled in: an ICC output profile ('prtr') for CMYK
     * with a Lab connection space, and an RGB one */
    CHECK(label_icc_output_len > 128 && memcmp(label_icc_output + 36, "acsp", 4) == 0);
    CHECK(memcmp(label_icc_output + 12, "prtr", 4) == 0);
    CHECK(memcmp(label_icc_output + 16, "CMYK", 4) == 0);
    CHECK(memcmp(label_icc_output + 20, "Lab ", 4) == 0);
    CHECK(label_icc_srgb_len > 128 && memcmp(label_icc_srgb + 16, "RGB ", 4) == 0);
    /* a sink that refuses: cancelled, with the message a user sees */
    m = (mem_t){0};
    CHECK(finish_page(0, refuse_write, &m, err, sizeof err) == LABEL_ECANCELLED);
    CHECK(strstr(err, "stopped before its end") != NULL);
}

static void test_choices(void)
{
    label_layout_t l;
    gi_error_t e;
    char msg[300];
    label_layout_default(&l);
    CHECK(l.bleed_mm == 0 && l.cut_contour == 0);
    CHECK(gi_layout_choose(&l, "bleed", "3", NULL) == GI_OK && l.bleed_mm == 3);
    CHECK(gi_layout_choose(&l, "cut-contour", "1", NULL) == GI_OK && l.cut_contour == 1);
    CHECK(gi_layout_choose(&l, "bleed", "10.5", &e) == GI_EINVAL);
    CHECK(strstr(e.msg, "bleed '10.5' is not a number from 0 to 10 mm") != NULL);
    CHECK(gi_layout_choose(&l, "cut-contour", "yes", &e) == GI_EINVAL);
    CHECK(label_check(&l, NULL, NULL, LABEL_FMT_PDF, msg, sizeof msg) == LABEL_OK);
    CHECK(label_check(&l, NULL, NULL, LABEL_FMT_SVG, msg, sizeof msg) == LABEL_EINVAL);
    CHECK(strstr(msg, "bleed and cut-contour are choices of the PDF only") != NULL);
    l.bleed_mm = 0;
    CHECK(label_check(&l, NULL, NULL, LABEL_FMT_CSV, msg, sizeof msg) == LABEL_EINVAL);
    l.cut_contour = 0;
    CHECK(label_check(&l, NULL, NULL, LABEL_FMT_PNG, msg, sizeof msg) == LABEL_OK);
}

TEST_MAIN("pdf", TEST(test_recolour), TEST(test_finish), TEST(test_choices))
