/*
 * test_fonts.c - the CJK faces a PDF render embeds, cut down to what it
 * draws (labels/fonts.c): a subset holds exactly the characters asked for,
 * with the original's glyphs (advances and outlines' extents); a character
 * the face lacks is refused, never an empty box; the render thread's font
 * map holds the subsets and draws rare characters (CJK Extension A and B)
 * without a missing glyph; the temporary files go, also when the render
 * fails (tests/labels/fonts.sh reads the fonts a PDF embeds).
 */
#include "labels/fonts.h"
#include "labels/sheet.h"
#include "test.h"

#include <dirent.h>
#include <malloc.h>
#include <fontconfig/fontconfig.h>
#include <hb.h>
#include <pango/pangofc-fontmap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RARE_A  0x4DAE  /* 䶮, CJK Extension A */
#define RARE_B  0x20BB7 /* 𠮷, CJK Extension B */
#define NOT_CJK 0x10D0  /* ა, Georgian: DejaVu has it, Noto Sans CJK does not */

static char tmp[64];

/* A private TMPDIR for the module's files; how many entries it holds. */
static void tmp_make(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/gimark-test-fonts-XXXXXX");
    CHECK(mkdtemp(tmp) != NULL);
    setenv("TMPDIR", tmp, 1);
}

static int tmp_entries(void)
{
    int n = 0;
    DIR *d = opendir(tmp);
    for (struct dirent *e; d && (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

/* The file and index fontconfig gives for the text font, regular. */
static int text_face(char *file, size_t cap, unsigned *index)
{
    FcPattern *p = FcNameParse((const FcChar8 *)LABEL_TEXT_FONT);
    FcResult res;
    FcConfigSubstitute(NULL, p, FcMatchPattern);
    FcDefaultSubstitute(p);
    FcPattern *m = FcFontMatch(NULL, p, &res);
    FcChar8 *f = NULL;
    int i = 0, ok = m && FcPatternGetString(m, FC_FILE, 0, &f) == FcResultMatch &&
                    FcPatternGetInteger(m, FC_INDEX, 0, &i) == FcResultMatch;
    if (ok)
        snprintf(file, cap, "%s", f);
    *index = (unsigned)i;
    if (m)
        FcPatternDestroy(m);
    FcPatternDestroy(p);
    return ok;
}

static hb_font_t *font_open(const char *file, unsigned index, hb_face_t **face)
{
    hb_blob_t *b = hb_blob_create_from_file(file);
    *face = hb_face_create(b, index);
    hb_blob_destroy(b);
    return hb_font_create(*face);
}

static void test_subset_holds_exactly_those(void)
{
    char file[4096], out[128];
    unsigned index;
    CHECK(text_face(file, sizeof file, &index));
    tmp_make();
    snprintf(out, sizeof out, "%s/sub.otf", tmp);
    const uint32_t cps[] = {'A', 'g', 0x56FD /* 国 */, 0x829C /* 芜 */, RARE_A, RARE_B};
    size_t n = sizeof cps / sizeof cps[0];
    char err[256] = "";
    CHECK(label_font_subset(file, index, cps, n, out, NULL, err, sizeof err) == LABEL_OK);

    hb_face_t *oface, *sface;
    hb_font_t *orig = font_open(file, index, &oface), *sub = font_open(out, 0, &sface);
    hb_set_t *have = hb_set_create(), *want = hb_set_create();
    hb_face_collect_unicodes(sface, have);
    for (size_t i = 0; i < n; i++)
        hb_set_add(want, cps[i]);
    CHECK(hb_set_is_equal(have, want));
    /* the glyphs the shaping of these may reach, not the 65,535 of the face */
    CHECK(hb_face_get_glyph_count(sface) < 64);
    CHECK(hb_face_get_glyph_count(oface) > 60000);
    for (size_t i = 0; i < n; i++) {
        hb_codepoint_t og = 0, sg = 0;
        hb_glyph_extents_t oe, se;
        CHECK(hb_font_get_nominal_glyph(orig, cps[i], &og));
        CHECK(hb_font_get_nominal_glyph(sub, cps[i], &sg));
        CHECK(hb_font_get_glyph_h_advance(orig, og) == hb_font_get_glyph_h_advance(sub, sg));
        CHECK(hb_font_get_glyph_extents(orig, og, &oe) && hb_font_get_glyph_extents(sub, sg, &se));
        CHECK(memcmp(&oe, &se, sizeof oe) == 0);
        CHECK(oe.width > 0);
    }
    hb_set_destroy(want);
    hb_set_destroy(have);
    hb_font_destroy(sub);
    hb_face_destroy(sface);
    hb_font_destroy(orig);
    hb_face_destroy(oface);

    /* a character the face lacks: refused, named, nothing written */
    const uint32_t georgian[] = {'A', NOT_CJK};
    uint32_t missing = 0;
    snprintf(out, sizeof out, "%s/none.otf", tmp);
    CHECK(label_font_subset(file, index, georgian, 2, out, &missing, err, sizeof err) ==
          LABEL_EINVAL);
    CHECK(missing == NOT_CJK);
    CHECK(strstr(err, "U+10D0") != NULL);
    CHECK(access(out, F_OK) != 0);
    /* an existing file is not overwritten; an unreadable font is an I/O error */
    snprintf(out, sizeof out, "%s/sub.otf", tmp);
    CHECK(label_font_subset(file, index, cps, n, out, NULL, err, sizeof err) == LABEL_EIO);
    CHECK(label_font_subset("/nonexistent.otf", 0, cps, n, "/tmp/x", NULL, err, sizeof err) ==
          LABEL_EIO);
    unlink(out);
    CHECK(rmdir(tmp) == 0);
}

/* Glyphs pango could not find for text in family, on this thread. */
static int unknown_glyphs(const char *family, int bold, const char *text)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
    cairo_t *cr = cairo_create(s);
    PangoLayout *pl = label_text_layout(cr, family, 3, bold, -1);
    pango_layout_set_text(pl, text, -1);
    int n = pango_layout_get_unknown_glyphs_count(pl);
    g_object_unref(pl);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return n;
}

static void test_thread_font_map(void)
{
    tmp_make();
    label_content_t c = {"䶮山𠮷茶", "GI-2025-017", "芜湖𠮷祥茶业", "91340200MA2N1X5Y3K", "L1",
                         NULL,       NULL};
    label_item_t items[] = {{"K7M3-9QX2", "https://gi.example.cn/v/K7M3-9QX2", 1},
                            {"HD4T-PW8R", "https://gi.example.cn/v/HD4T-PW8R", 2}};
    label_fonts_t *f = NULL;
    char err[256] = "";
    PangoFontMap *before = pango_cairo_font_map_get_default();
    CHECK(label_fonts_begin(&f, &c, items, 2, err, sizeof err) == LABEL_OK);
    CHECK(f != NULL);
    PangoFontMap *map = pango_cairo_font_map_get_default();
    CHECK(map != before);
    CHECK(PANGO_IS_FC_FONT_MAP(map));
    /* the three faces, nothing else */
    FcFontSet *app =
        FcConfigGetFonts(pango_fc_font_map_get_config(PANGO_FC_FONT_MAP(map)), FcSetApplication);
    CHECK(app && app->nfont == 3);
    CHECK(tmp_entries() == 1);
    CHECK(unknown_glyphs(LABEL_TEXT_FONT, 0, c.operator_name) == 0);
    CHECK(unknown_glyphs(LABEL_TEXT_FONT, 1, c.product_name) == 0);
    CHECK(unknown_glyphs(LABEL_CODE_FONT, 1, items[1].code) == 0);
    /* not in the subsets: an unknown glyph, which the coverage check keeps
     * from ever being drawn */
    CHECK(unknown_glyphs(LABEL_TEXT_FONT, 0, "鑫") > 0);
    label_fonts_end(f);
    CHECK(tmp_entries() == 0);
    CHECK(pango_cairo_font_map_get_default() != map);
    CHECK(unknown_glyphs(LABEL_TEXT_FONT, 0, "鑫") == 0);

    /* a character the faces lack: the system's fonts stay, nothing left behind */
    label_content_t georgian = c;
    georgian.operator_name = "ა茶业";
    f = NULL;
    CHECK(label_fonts_begin(&f, &georgian, items, 2, err, sizeof err) == LABEL_EINVAL);
    CHECK(f == NULL);
    CHECK(strstr(err, "U+10D0") != NULL);
    CHECK(tmp_entries() == 0);
    CHECK(unknown_glyphs(LABEL_TEXT_FONT, 0, "ა") == 0); /* DejaVu, as before */
    /* nor for text that is not UTF-8 */
    georgian.operator_name = "\xff\xfe";
    CHECK(label_fonts_begin(&f, &georgian, items, 2, err, sizeof err) == LABEL_EINVAL);
    CHECK(f == NULL);
    CHECK(tmp_entries() == 0);
    CHECK(rmdir(tmp) == 0);
}

typedef struct {
    char *data;
    size_t len;
    size_t fail_after; /* a write past this many bytes fails; 0: never */
} mem_t;

static int mem_write(void *arg, const unsigned char *data, size_t len)
{
    mem_t *m = arg;
    if (m->fail_after && m->len + len > m->fail_after)
        return -1;
    char *p = realloc(m->data, m->len + len);
    if (!p)
        return -1;
    memcpy(p + m->len, data, len);
    m->data = p;
    m->len += len;
    return 0;
}

/* A PDF drawn on this thread: the subsets' files gone after, whether the
 * render ends well or its sink fails. */
static void test_pdf_render(void)
{
    tmp_make();
    label_layout_t l;
    label_layout_default(&l);
    label_content_t c = {"䶮山𠮷茶", "GI-2025-017", "芜湖𠮷祥茶业", "91340200MA2N1X5Y3K", "L1",
                         NULL,       NULL};
    label_item_t items[3];
    char codes[3][32], urls[3][80];
    for (int i = 0; i < 3; i++) {
        snprintf(codes[i], sizeof codes[i], "K7M3-9QX%d", i);
        snprintf(urls[i], sizeof urls[i], "https://gi.example.cn/v/%s", codes[i]);
        items[i] = (label_item_t){codes[i], urls[i], i + 1};
    }
    mem_t m = {0};
    label_sink_t sink = {mem_write, NULL, &m};
    char err[256] = "";
    CHECK(label_write_to(&l, &c, items, 3, LABEL_FMT_PDF, &sink, NULL, NULL, err, sizeof err) ==
          LABEL_OK);
    CHECK(m.len > 1000 && memcmp(m.data, "%PDF-", 5) == 0);
    /* the fonts it embeds (in object streams, deflated): tests/labels/fonts.sh
     * reads them with pdffonts and pdftotext */
    CHECK(tmp_entries() == 0);
    free(m.data);

    /* the sink fails midway: the files go all the same */
    m = (mem_t){NULL, 0, 2000};
    CHECK(label_write_to(&l, &c, items, 3, LABEL_FMT_PDF, &sink, NULL, NULL, err, sizeof err) ==
          LABEL_ECANCELLED);
    CHECK(tmp_entries() == 0);
    free(m.data);
    CHECK(rmdir(tmp) == 0);
}

/* Faces begun and ended again and again keep nothing: the fontconfig
 * configuration and its fonts go with the thread's font map. */
static void test_nothing_kept(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return; /* the sanitizer's allocator keeps freed blocks: nothing to count */
#endif
    tmp_make();
    label_content_t c = {"百色芒果", "GI-2025-017", "芜湖祥茶业", "91340200MA2N1X5Y3K",
                         "L1",       NULL,          NULL};
    label_item_t item = {"K7M3-9QX2", "https://gi.example.cn/v/K7M3-9QX2", 1};
    char err[256];
    size_t before = 0;
    for (int k = 0; k < 63; k++) {
        if (k == 3)
            before = mallinfo2().uordblks;
        label_fonts_t *f = NULL;
        CHECK(label_fonts_begin(&f, &c, &item, 1, err, sizeof err) == LABEL_OK);
        label_fonts_end(f);
    }
    size_t after = mallinfo2().uordblks;
    /* 60 rounds: about 50 KB of caches that stop growing; before pango's map
     * was shut down, 9 KB stayed a round (540 KB) */
    CHECK(after < before + 200 * 1024);
    CHECK(tmp_entries() == 0);
    CHECK(rmdir(tmp) == 0);
}

TEST_MAIN("fonts", TEST(test_subset_holds_exactly_those), TEST(test_thread_font_map),
          TEST(test_pdf_render), TEST(test_nothing_kept))
