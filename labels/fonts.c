/*
 * fonts.c - a PDF render's CJK faces cut down to the characters it draws
 * (HarfBuzz's subsetter), and a pango font map on the render's thread that
 * holds only them (fontconfig, pango); see fonts.h for why.
 *
 * The faces are the ones fontconfig picks system-wide for the families and
 * weights labels/ asks for, and pango asks the private configuration for the
 * same families and weights, so every character gets the glyph it got before.
 * A face that is not what was asked for (another family, a weight pango would
 * embolden) or that lacks a character of the text leaves the render on the
 * system's fonts: there fontconfig's rules and fallback fonts apply, and a
 * subset must not print what they would have drawn as an empty box.
 */
#include "labels/fonts.h"
#include "labels/sheet.h"

#include <errno.h>
#include <fcntl.h>
#include <fontconfig/fontconfig.h>
#include <hb-subset.h>
#include <pango/pangofc-fontmap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The faces labels/ draws with: LABEL_TEXT_FONT for the fields (regular,
 * the GI name and the mark's placeholder bold), LABEL_CODE_FONT bold for the
 * serial code. */
static const struct {
    const char *family;
    int weight; /* fontconfig's */
    const char *file;
} faces[] = {
    {LABEL_TEXT_FONT, FC_WEIGHT_REGULAR, "text-regular.otf"},
    {LABEL_TEXT_FONT, FC_WEIGHT_BOLD, "text-bold.otf"},
    {LABEL_CODE_FONT, FC_WEIGHT_BOLD, "code-bold.otf"},
};
#define FACES (sizeof faces / sizeof faces[0])

struct label_fonts {
    char dir[4096];
    char path[FACES][4200];
    FcConfig *config;
    PangoFontMap *map; /* the thread's default font map while installed */
    int installed;     /* the thread's default font map is ours */
};

/* --- one face --------------------------------------------------------------------------------- */

static label_err_t write_all(const char *path, const char *data, size_t len, char *errbuf,
                             size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    int failed = fd < 0;
    while (!failed && len > 0) {
        ssize_t k = write(fd, data, len);
        if (k < 0 && errno == EINTR)
            continue;
        failed = k <= 0;
        if (!failed) {
            data += k;
            len -= (size_t)k;
        }
    }
    int errnum = errno;
    if (fd >= 0 && close(fd) != 0 && !failed) {
        failed = 1;
        errnum = errno;
    }
    if (failed) {
        if (fd >= 0)
            unlink(path);
        snprintf(errbuf, errlen, "cannot write %s: %s", path, strerror(errnum ? errnum : EIO));
        return LABEL_EIO;
    }
    return LABEL_OK;
}

label_err_t label_font_subset(const char *file, unsigned index, const uint32_t *cps, size_t n,
                              const char *path, uint32_t *missing, char *errbuf, size_t errlen)
{
    label_err_t rc = LABEL_ENOMEM;
    hb_face_t *face = NULL, *sub = NULL;
    hb_set_t *have = NULL;
    hb_subset_input_t *in = NULL;
    hb_blob_t *out = NULL;
    hb_blob_t *blob = hb_blob_create_from_file_or_fail(file); /* mapped, not copied */
    if (!blob) {
        snprintf(errbuf, errlen, "cannot read the font %s", file);
        return LABEL_EIO;
    }
    face = hb_face_create(blob, index);
    have = hb_set_create();
    hb_face_collect_unicodes(face, have);
    if (!hb_set_allocation_successful(have))
        goto out;
    for (size_t i = 0; i < n; i++) {
        if (!hb_set_has(have, cps[i])) {
            if (missing)
                *missing = cps[i];
            snprintf(errbuf, errlen, "%s (face %u) has no glyph for U+%04X", file, index,
                     (unsigned)cps[i]);
            rc = LABEL_EINVAL;
            goto out;
        }
    }
    if (!(in = hb_subset_input_create_or_fail()))
        goto out;
    hb_set_t *keep = hb_subset_input_unicode_set(in);
    for (size_t i = 0; i < n; i++)
        hb_set_add(keep, cps[i]);
    /* every name in every language (HarfBuzz keeps IDs 0-6 in English):
     * fontconfig finds the face by its family and style names */
    hb_set_t *names = hb_subset_input_set(in, HB_SUBSET_SETS_NAME_ID);
    hb_set_clear(names);
    hb_set_invert(names);
    hb_set_t *langs = hb_subset_input_set(in, HB_SUBSET_SETS_NAME_LANG_ID);
    hb_set_clear(langs);
    hb_set_invert(langs);
    if (!hb_set_allocation_successful(keep) || !(sub = hb_subset_or_fail(face, in))) {
        snprintf(errbuf, errlen, "cannot subset %s (face %u)", file, index);
        rc = LABEL_EIO;
        goto out;
    }
    out = hb_face_reference_blob(sub);
    unsigned len = 0;
    const char *data = hb_blob_get_data(out, &len);
    if (len == 0) {
        snprintf(errbuf, errlen, "cannot subset %s (face %u)", file, index);
        goto out;
    }
    rc = write_all(path, data, len, errbuf, errlen);
out:
    hb_blob_destroy(out);
    hb_face_destroy(sub);
    hb_subset_input_destroy(in);
    hb_set_destroy(have);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    return rc;
}

/* --- the characters a render draws ------------------------------------------------------------ */

/* Adds the characters of UTF-8 s to set; 0 when s is not UTF-8 (pango
 * would draw replacement boxes: the system's fonts stay). Tabs and line
 * ends are not drawn with a glyph. */
static int add_text(hb_set_t *set, const char *s)
{
    if (!s)
        return 1;
    for (const char *p = s; *p;) {
        gunichar ch = g_utf8_get_char_validated(p, -1);
        if (ch == (gunichar)-1 || ch == (gunichar)-2)
            return 0;
        if (ch != '\t' && ch != '\n' && ch != '\r')
            hb_set_add(set, ch);
        p = g_utf8_next_char(p);
    }
    return 1;
}

/* What a render of content and items draws, as a sorted array (malloc'd,
 * *n long); NULL when out of memory or a text is not UTF-8. */
static uint32_t *drawn_characters(const label_content_t *c, const label_item_t *items, size_t count,
                                  size_t *n)
{
    hb_set_t *set = hb_set_create();
    uint32_t *cps = NULL;
    hb_set_add_range(set, 0x20, 0x7e); /* a margin: whatever ASCII a caller adds */
    hb_set_add(set, 0x2010);           /* the hyphen pango adds where it breaks a word */
    int ok = add_text(set, label_text_fixed) && add_text(set, label_sheet_fixed) &&
             add_text(set, c->product_name) && add_text(set, c->reg_text) &&
             add_text(set, c->operator_name) && add_text(set, c->uscc) && add_text(set, c->lot) &&
             add_text(set, c->approval_no);
    for (size_t i = 0; ok && i < count; i++)
        ok = add_text(set, items[i].code);
    *n = hb_set_get_population(set);
    if (ok && hb_set_allocation_successful(set) && (cps = malloc(*n * sizeof *cps)) != NULL) {
        hb_codepoint_t ch = HB_SET_VALUE_INVALID;
        for (size_t i = 0; hb_set_next(set, &ch); i++)
            cps[i] = ch;
    }
    hb_set_destroy(set);
    return cps;
}

static pthread_once_t fontconfig_once = PTHREAD_ONCE_INIT;

static void fontconfig_load(void)
{
    FcInit();
}

void label_fonts_init(void)
{
    pthread_once(&fontconfig_once, fontconfig_load);
}

/* --- the faces fontconfig picks --------------------------------------------------------------- */

/* The file and face index fontconfig gives the system-wide font map for
 * family at weight; LABEL_EINVAL when that is another family or weight. */
static label_err_t system_face(const char *family, int weight, char *file, size_t cap,
                               unsigned *index, char *errbuf, size_t errlen)
{
    FcPattern *p = FcPatternCreate(), *match = NULL;
    FcResult res;
    label_err_t rc = LABEL_ENOMEM;
    if (!p || !FcPatternAddString(p, FC_FAMILY, (const FcChar8 *)family) ||
        !FcPatternAddInteger(p, FC_WEIGHT, weight) || !FcConfigSubstitute(NULL, p, FcMatchPattern))
        goto out;
    FcDefaultSubstitute(p);
    rc = LABEL_EINVAL;
    if (!(match = FcFontMatch(NULL, p, &res))) {
        snprintf(errbuf, errlen, "no font for %s", family);
        goto out;
    }
    FcChar8 *got_family, *got_file;
    int got_weight, got_index, same = 0;
    for (int k = 0; FcPatternGetString(match, FC_FAMILY, k, &got_family) == FcResultMatch; k++)
        same = same || strcmp((const char *)got_family, family) == 0;
    if (!same || FcPatternGetInteger(match, FC_WEIGHT, 0, &got_weight) != FcResultMatch ||
        got_weight != weight || FcPatternGetString(match, FC_FILE, 0, &got_file) != FcResultMatch ||
        FcPatternGetInteger(match, FC_INDEX, 0, &got_index) != FcResultMatch ||
        (got_index >> 16) != 0 || (size_t)snprintf(file, cap, "%s", got_file) >= cap) {
        snprintf(errbuf, errlen, "%s at weight %d is not installed as such", family, weight);
        goto out;
    }
    *index = (unsigned)got_index;
    rc = LABEL_OK;
out:
    if (match)
        FcPatternDestroy(match);
    if (p)
        FcPatternDestroy(p);
    return rc;
}

/* --- the thread's font map -------------------------------------------------------------------- */

static label_err_t make_dir(label_fonts_t *f, char *errbuf, size_t errlen)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    /* a fresh name each render: cairo keeps fonts it drew with, by file name,
     * after the render; a name used again would find the old face */
    if ((size_t)snprintf(f->dir, sizeof f->dir, "%s/gimark-fonts-XXXXXX", tmp) >= sizeof f->dir ||
        !mkdtemp(f->dir)) {
        snprintf(errbuf, errlen, "cannot make a temporary directory for the fonts in %s: %s", tmp,
                 strerror(errno));
        f->dir[0] = '\0';
        return LABEL_EIO;
    }
    return LABEL_OK;
}

label_err_t label_fonts_begin(label_fonts_t **out, const label_content_t *content,
                              const label_item_t *items, size_t n, char *errbuf, size_t errlen)
{
    size_t ncps = 0;
    label_fonts_t *f = calloc(1, sizeof *f);
    uint32_t *cps = f ? drawn_characters(content, items, n, &ncps) : NULL;
    label_err_t rc = LABEL_ENOMEM;
    *out = NULL;
    label_fonts_init();
    if (!cps) {
        if (f)
            snprintf(errbuf, errlen, "a text is not UTF-8, or out of memory");
        rc = f ? LABEL_EINVAL : LABEL_ENOMEM;
        goto out;
    }
    if ((rc = make_dir(f, errbuf, errlen)) != LABEL_OK)
        goto out;
    for (size_t i = 0; i < FACES; i++) {
        char file[4096];
        unsigned index;
        snprintf(f->path[i], sizeof f->path[i], "%s/%s", f->dir, faces[i].file);
        if ((rc = system_face(faces[i].family, faces[i].weight, file, sizeof file, &index, errbuf,
                              errlen)) != LABEL_OK ||
            (rc = label_font_subset(file, index, cps, ncps, f->path[i], NULL, errbuf, errlen)) !=
                LABEL_OK) {
            f->path[i][0] = '\0';
            goto out;
        }
    }
    rc = LABEL_ENOMEM;
    if (!(f->config = FcConfigCreate()))
        goto out;
    for (size_t i = 0; i < FACES; i++) {
        if (!FcConfigAppFontAddFile(f->config, (const FcChar8 *)f->path[i])) {
            snprintf(errbuf, errlen, "fontconfig cannot read %s", f->path[i]);
            rc = LABEL_EIO;
            goto out;
        }
    }
    /* pango's default font map is the thread's own */
    PangoFontMap *map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
    if (!map)
        goto out;
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(map), f->config);
    pango_cairo_font_map_set_default(PANGO_CAIRO_FONT_MAP(map));
    g_object_unref(map); /* the thread holds it */
    f->map = map;
    f->installed = 1;
    *out = f;
    f = NULL;
    rc = LABEL_OK;
out:
    free(cps);
    label_fonts_end(f);
    return rc;
}

void label_fonts_end(label_fonts_t *f)
{
    if (!f)
        return;
    /* NULL: the thread's next pango call makes a system-wide one again */
    if (f->installed) {
        /* pango keeps the configuration and its fonts past the map's end
         * otherwise: about 9 KB a render, for good */
        pango_fc_font_map_shutdown(PANGO_FC_FONT_MAP(f->map));
        pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(f->map), NULL);
        pango_cairo_font_map_set_default(NULL);
    }
    if (f->config)
        FcConfigDestroy(f->config);
    for (size_t i = 0; i < FACES; i++)
        if (f->path[i][0])
            unlink(f->path[i]);
    if (f->dir[0])
        rmdir(f->dir);
    free(f);
}
