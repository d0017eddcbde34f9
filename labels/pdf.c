/*
 * pdf.c - the finishing pass of every PDF labels/ writes (labels/pdf.h):
 * cairo draws into a temporary file, and libqpdf rewrites what a print house
 * checks before the file goes to its sink.
 *
 * - Black as one ink: cairo 1.16's PDF backend writes every colour as
 *   DeviceRGB ("0 0 0 rg"), which a RIP separates into four inks (rich black
 *   over the symbols' edges). Each grey "v v v rg|RG" of a page's content or
 *   of a form it draws becomes DeviceGray "v g|G"; black is then "0 g", 100%
 *   K. Other colours (a mark's artwork, the report's chart) stay as drawn.
 * - TrimBox and BleedBox on every page: the trim box is the sheet, the
 *   bleed box (and media box) the sheet grown by the bleed on every side.
 * - CutContour: the die-cut outline is stroked by cairo in a marker colour
 *   (LABEL_CUT_R/G/B) and becomes the Separation colour "CutContour" set to
 *   overprint, so the cutter's line is never mixed into the black.
 * - The pages' transparency groups blend in DeviceCMYK instead of DeviceRGB.
 * - PDF/X-4 (ISO 15930-7:2010), with the CMYK output intent of FOGRA39
 *   (labels/icc.h; the Makefile makes the profile from Fogra's data). What
 *   this pass writes for it, clause by clause of the standard's list:
 *     file version 1.6 or later (qpdf's minimum version);
 *     the trailer's /ID (random; qpdf keeps its first half, the XMP's
 *       xmpMM:DocumentID);
 *     Info: /Title, /CreationDate, /ModDate, /Trapped /False and
 *       /GTS_PDFXVersion (PDF/X-4), with /Producer;
 *     the catalog's /Metadata, an XMP packet (not compressed) whose
 *       pdfxid:GTS_PDFXVersion, dc:title, pdf:Producer, pdf:Trapped and
 *       xmp:CreateDate/ModifyDate/MetadataDate equal the Info entries, with
 *       xmpMM:DocumentID, VersionID and RenditionClass;
 *     /OutputIntents: one /GTS_PDFX intent, OutputConditionIdentifier
 *       FOGRA39 (registered at http://www.color.org), its /Info, and the
 *       output profile embedded as /DestOutputProfile (/N 4);
 *     no DeviceRGB with a CMYK intent: colours other than grey and the cut
 *       colour ("r g b rg|RG"), images and shadings cairo writes in
 *       DeviceRGB are tagged with an ICCBased sRGB space (one stream);
 *     TrimBox on every page, BleedBox within the media box (above);
 *     fonts embedded (cairo embeds every font; tests/labels/preflight.sh).
 *   Not checked by any validator here: Debian has no PDF/X validator (no
 *   free one exists); tests/labels/preflight.sh checks each clause above.
 *   Cost, 10,000 labels (label_render, 3 runs each): 3.89 s of CPU before
 *   and 3.87 s after (noise is larger than the change), 3.39 -> 3.42 MB.
 *   Not done: a form's tiling patterns (cairo writes none here) are not
 *   walked, and a print house's own condition (another profile) would need
 *   a setting naming the profile and its OutputConditionIdentifier.
 *
 * Why a post-pass and not another PDF writer: measured on 10,000 labels
 * (A4 sheets of 24, 417 pages), cairo drew the file in 2.4 s of CPU (5.3
 * MB) and this pass added 1.2 s (4.4 MB out: images are copied as they are,
 * only content streams are rewritten). libharu (Debian's libhpdf 2.3.0)
 * drew a comparable file in 1.7 s (5.9 MB) but cannot load Noto Sans CJK
 * (CFF outlines, the GI names' font), has no TrimBox/BleedBox call in 2.3.0
 * and would mean laying out text and the mark's SVG by hand.
 *
 * Both files are on disk (TMPDIR, or /tmp), unlinked when the pass ends;
 * qpdf reads the input through a read-only mapping (the page cache's pages)
 * and writes its output to the second file. What grows with the file is
 * libqpdf's objects: about 1.3 KB a label, which is why a large label PDF
 * is written in parts (labels/write.c, pdf_part_labels).
 */
#include "labels/pdf.h"

#include "labels/icc.h"

#include <qpdf/qpdf-c.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CUT_SPACE "/GiCutContour"
#define CUT_GS    "/GiCutOverprint"
#define SRGB      "/GiSRGB"

/* --- temporary files -------------------------------------------------------------------------- */

static int tmp_make(char *path, size_t cap)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    if ((size_t)snprintf(path, cap, "%s/gimark-pdf-XXXXXX", dir) >= cap)
        return -1;
    return mkstemp(path);
}

label_err_t label_pdf_tmp_open(label_pdf_tmp_t *t, char *errbuf, size_t errlen)
{
    t->failed = 0;
    t->f = NULL;
    int fd = tmp_make(t->path, sizeof t->path);
    if (fd < 0 || (t->f = fdopen(fd, "wb")) == NULL) {
        snprintf(errbuf, errlen, "cannot make a temporary file for the PDF: %s", strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(t->path);
        }
        t->path[0] = '\0';
        return LABEL_EIO;
    }
    setvbuf(t->f, NULL, _IOFBF, 1 << 16);
    return LABEL_OK;
}

cairo_status_t label_pdf_tmp_write(void *closure, const unsigned char *data, unsigned int length)
{
    label_pdf_tmp_t *t = closure;
    if (!t->failed && fwrite(data, 1, length, t->f) != length)
        t->failed = errno ? errno : EIO;
    return t->failed ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

void label_pdf_tmp_close(label_pdf_tmp_t *t)
{
    if (t->f)
        fclose(t->f);
    if (t->path[0])
        unlink(t->path);
    t->f = NULL;
    t->path[0] = '\0';
}

/* --- content streams -------------------------------------------------------------------------- */

typedef struct {
    unsigned char *p;
    size_t len, cap;
    int failed;
} buf_t;

static void put(buf_t *b, const void *data, size_t n)
{
    if (b->failed || n == 0) /* memcpy may not be given the NULL of an empty buffer */
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *p = realloc(b->p, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

static int is_delim(unsigned char c)
{
    return c && strchr("()<>[]{}/%", c) != NULL;
}

/* The end of the token starting at s[i] (i < n, not white space). */
static size_t token_end(const unsigned char *s, size_t n, size_t i)
{
    unsigned char c = s[i];
    if (c == '(') { /* literal string: nested parentheses, backslash escapes */
        int depth = 0;
        for (; i < n; i++) {
            if (s[i] == '\\')
                i++;
            else if (s[i] == '(')
                depth++;
            else if (s[i] == ')' && --depth == 0)
                return i + 1;
        }
        return n;
    }
    if (c == '<' || c == '>') {
        if (i + 1 < n && s[i + 1] == c)
            return i + 2;
        if (c == '>')
            return i + 1;
        while (i < n && s[i] != '>')
            i++;
        return i < n ? i + 1 : n;
    }
    if (c == '%') {
        while (i < n && s[i] != '\n' && s[i] != '\r')
            i++;
        return i;
    }
    if (c == '[' || c == ']' || c == '{' || c == '}')
        return i + 1;
    if (c == '/')
        i++;
    while (i < n && !is_space(s[i]) && !is_delim(s[i]))
        i++;
    return i;
}

static int token_is(const unsigned char *s, size_t a, size_t b, const char *word)
{
    size_t k = strlen(word);
    return b - a == k && memcmp(s + a, word, k) == 0;
}

/* The token as a number; 0 when it is not one. */
static int token_number(const unsigned char *s, size_t a, size_t b, double *v)
{
    char tmp[32];
    if (b - a == 0 || b - a >= sizeof tmp || !strchr("0123456789+-.", s[a]))
        return 0;
    memcpy(tmp, s + a, b - a);
    tmp[b - a] = '\0';
    char *end;
    *v = strtod(tmp, &end);
    return *end == '\0';
}

static int is_cut_colour(const double c[3])
{
    return fabs(c[0] - LABEL_CUT_R) < 1e-6 && fabs(c[1] - LABEL_CUT_G) < 1e-6 &&
           fabs(c[2] - LABEL_CUT_B) < 1e-6;
}

/* After an inline image's ID: the offset just past its EI. */
static size_t skip_inline_image(const unsigned char *s, size_t n, size_t i)
{
    for (; i + 2 < n; i++)
        if (is_space(s[i]) && s[i + 1] == 'E' && s[i + 2] == 'I' &&
            (i + 3 == n || is_space(s[i + 3])))
            return i + 3;
    return n;
}

size_t label_pdf_recolour(const unsigned char *s, size_t n, unsigned char **out, int *used)
{
    buf_t b = {0};
    size_t copied = 0, num_at[3] = {0};
    double num[3];
    int nums = 0;
    size_t i = 0;
    while (i < n) {
        if (is_space(s[i])) {
            i++;
            continue;
        }
        size_t e = token_end(s, n, i);
        double v;
        if (token_number(s, i, e, &v)) {
            if (nums == 3) {
                memmove(num, num + 1, 2 * sizeof num[0]);
                memmove(num_at, num_at + 1, 2 * sizeof num_at[0]);
                nums = 2;
            }
            num[nums] = v;
            num_at[nums++] = i;
        } else {
            int fill = token_is(s, i, e, "rg"), stroke = token_is(s, i, e, "RG");
            if ((fill || stroke) && nums == 3) {
                char rep[96];
                int k = 0;
                if (stroke && is_cut_colour(num)) {
                    k = snprintf(rep, sizeof rep, "%s gs %s CS 1 SCN", CUT_GS, CUT_SPACE);
                    *used |= LABEL_PDF_USES_CUT;
                } else if (num[0] == num[1] && num[1] == num[2]) {
                    k = snprintf(rep, sizeof rep, "%.6g %s", num[0], fill ? "g" : "G");
                } else { /* the same colour, in sRGB rather than DeviceRGB */
                    k = snprintf(rep, sizeof rep, "%s %s %.6g %.6g %.6g %s", SRGB,
                                 fill ? "cs" : "CS", num[0], num[1], num[2], fill ? "sc" : "SC");
                    *used |= LABEL_PDF_USES_SRGB;
                }
                if (k > 0) {
                    put(&b, s + copied, num_at[0] - copied);
                    put(&b, rep, (size_t)k);
                    copied = e;
                }
            } else if (token_is(s, i, e, "ID")) {
                e = skip_inline_image(s, n, e);
            }
            nums = 0;
        }
        i = e;
    }
    if (copied == 0) {
        free(b.p);
        *out = NULL;
        return 0;
    }
    put(&b, s + copied, n - copied);
    if (b.failed) {
        free(b.p);
        *out = NULL;
        return (size_t)-1;
    }
    *out = b.p;
    return b.len;
}

/* --- the document ----------------------------------------------------------------------------- */

typedef struct {
    qpdf_data q;
    int *seen; /* object ids of the forms already rewritten */
    size_t nseen, capseen;
    int failed;  /* out of memory */
    int srgb_id; /* the ICCBased sRGB colour space's object, made when first needed; 0 */
} pass_t;

static int seen_before(pass_t *p, int id)
{
    for (size_t i = 0; i < p->nseen; i++)
        if (p->seen[i] == id)
            return 1;
    if (p->nseen == p->capseen) {
        size_t cap = p->capseen ? 2 * p->capseen : 64;
        int *s = realloc(p->seen, cap * sizeof *s);
        if (!s) {
            p->failed = 1;
            return 1;
        }
        p->seen = s;
        p->capseen = cap;
    }
    p->seen[p->nseen++] = id;
    return 0;
}

/* A stream holding data (an ICC profile), with the dictionary entry key
 * value (a PDF object's text), made indirect. */
static qpdf_oh new_stream(pass_t *p, const unsigned char *data, size_t len, const char *key,
                          const char *value)
{
    qpdf_oh s = qpdf_oh_new_stream(p->q);
    qpdf_oh_replace_stream_data(p->q, s, (unsigned char *)data, len, qpdf_oh_new_null(p->q),
                                qpdf_oh_new_null(p->q));
    qpdf_oh_replace_key(p->q, qpdf_oh_get_dict(p->q, s), key, qpdf_oh_parse(p->q, value));
    return s;
}

/* [/ICCBased <sRGB profile>]: one object for the whole file. libqpdf's
 * handles are released page by page, so the object is found again by id. */
static qpdf_oh srgb_space(pass_t *p)
{
    if (!p->srgb_id) {
        qpdf_oh s = new_stream(p, label_icc_srgb, label_icc_srgb_len, "/N", "3");
        qpdf_oh a = qpdf_oh_new_array(p->q);
        qpdf_oh_append_item(p->q, a, qpdf_oh_new_name(p->q, "/ICCBased"));
        qpdf_oh_append_item(p->q, a, s);
        p->srgb_id = qpdf_oh_get_object_id(p->q, qpdf_make_indirect_object(p->q, a));
    }
    return qpdf_get_object_by_id(p->q, p->srgb_id, 0);
}

/* key of dict: /DeviceRGB (or an Indexed space on it) becomes sRGB. */
static void rgb_key_to_srgb(pass_t *p, qpdf_oh dict, const char *key)
{
    qpdf_oh cs = qpdf_oh_get_key(p->q, dict, key);
    if (qpdf_oh_is_name_and_equals(p->q, cs, "/DeviceRGB") ||
        qpdf_oh_is_name_and_equals(p->q, cs, "/RGB"))
        qpdf_oh_replace_key(p->q, dict, key, srgb_space(p));
    else if (qpdf_oh_is_array(p->q, cs) && qpdf_oh_get_array_n_items(p->q, cs) == 4 &&
             qpdf_oh_is_name_and_equals(p->q, qpdf_oh_get_array_item(p->q, cs, 0), "/Indexed") &&
             qpdf_oh_is_name_and_equals(p->q, qpdf_oh_get_array_item(p->q, cs, 1), "/DeviceRGB"))
        qpdf_oh_set_array_item(p->q, cs, 1, srgb_space(p));
}

/* Rewrites one content stream's colours; returns its LABEL_PDF_USES_ bits. */
static int recolour_stream(pass_t *p, qpdf_oh stream)
{
    unsigned char *data = NULL, *out = NULL;
    size_t len = 0;
    QPDF_BOOL filtered = 0;
    int cut = 0;
    /* the result also says QPDF_WARNINGS while warnings (cairo's resource
     * dictionaries repeat keys) are unread: only QPDF_ERRORS fails */
    if ((qpdf_oh_get_stream_data(p->q, stream, qpdf_dl_generalized, &filtered, &data, &len) &
         QPDF_ERRORS) ||
        !filtered) {
        free(data);
        return 0;
    }
    size_t k = label_pdf_recolour(data, len, &out, &cut);
    if (k == (size_t)-1)
        p->failed = 1;
    else if (out)
        qpdf_oh_replace_stream_data(p->q, stream, out, k, qpdf_oh_new_null(p->q),
                                    qpdf_oh_new_null(p->q));
    free(out);
    free(data);
    return cut;
}

/* The colour space and overprint state the cut colour's replacement names. */
static void add_cut_resources(pass_t *p, qpdf_oh res)
{
    static const struct {
        const char *group, *key, *value;
    } add[] = {
        {"/ColorSpace", CUT_SPACE,
         "[/Separation /CutContour /DeviceCMYK << /FunctionType 2 /Domain [0 1] "
         "/C0 [0 0 0 0] /C1 [0 1 0 0] /N 1 >>]"},
        {"/ExtGState", CUT_GS, "<< /Type /ExtGState /OP true /OPM 1 >>"},
    };
    for (size_t i = 0; i < sizeof add / sizeof add[0]; i++) {
        if (!qpdf_oh_has_key(p->q, res, add[i].group))
            qpdf_oh_replace_key(p->q, res, add[i].group, qpdf_oh_new_dictionary(p->q));
        qpdf_oh_replace_key(p->q, qpdf_oh_get_key(p->q, res, add[i].group), add[i].key,
                            qpdf_oh_parse(p->q, add[i].value));
    }
}

/* A transparency group blends in DeviceCMYK, not DeviceRGB. */
static void group_to_cmyk(pass_t *p, qpdf_oh dict)
{
    qpdf_oh g = qpdf_oh_get_key(p->q, dict, "/Group");
    if (qpdf_oh_is_dictionary(p->q, g) &&
        qpdf_oh_is_name_and_equals(p->q, qpdf_oh_get_key(p->q, g, "/CS"), "/DeviceRGB"))
        qpdf_oh_replace_key(p->q, g, "/CS", qpdf_oh_new_name(p->q, "/DeviceCMYK"));
}

static void recolour_forms(pass_t *p, qpdf_oh res, int depth);

/* The resources' shadings (and shading patterns) and named colour spaces
 * in DeviceRGB become sRGB. */
static void resources_to_srgb(pass_t *p, qpdf_oh res)
{
    static const char *groups[] = {"/Shading", "/Pattern", "/ColorSpace"};
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        qpdf_oh d = qpdf_oh_get_key(p->q, res, groups[g]);
        if (!qpdf_oh_is_dictionary(p->q, d))
            continue;
        char **names = NULL;
        size_t n = 0, cap = 0;
        qpdf_oh_begin_dict_key_iter(p->q, d);
        while (qpdf_oh_dict_more_keys(p->q)) {
            const char *k = qpdf_oh_dict_next_key(p->q);
            if (n == cap) {
                char **nk = realloc(names, (cap = cap ? 2 * cap : 8) * sizeof *nk);
                if (!nk) {
                    p->failed = 1;
                    break;
                }
                names = nk;
            }
            if ((names[n] = strdup(k)) == NULL) {
                p->failed = 1;
                break;
            }
            n++;
        }
        for (size_t i = 0; i < n; i++) {
            if (g == 2) {
                rgb_key_to_srgb(p, d, names[i]);
            } else {
                qpdf_oh x = qpdf_oh_get_key(p->q, d, names[i]);
                qpdf_oh xd = qpdf_oh_is_stream(p->q, x) ? qpdf_oh_get_dict(p->q, x) : x;
                if (g == 1) /* a shading pattern: its shading */
                    xd = qpdf_oh_get_key(p->q, xd, "/Shading");
                if (qpdf_oh_is_stream(p->q, xd))
                    xd = qpdf_oh_get_dict(p->q, xd);
                if (qpdf_oh_is_dictionary(p->q, xd))
                    rgb_key_to_srgb(p, xd, "/ColorSpace");
            }
            free(names[i]);
        }
        free(names);
    }
}

/* Rewrites the colours of a page's content or a form's, and of the forms
 * it draws; adds the cut resources where the cut colour was used. */
static void recolour_owner(pass_t *p, qpdf_oh owner, qpdf_oh content, int depth)
{
    int cut = 0;
    if (qpdf_oh_is_stream(p->q, content)) {
        cut = recolour_stream(p, content);
    } else if (qpdf_oh_is_array(p->q, content)) {
        int n = qpdf_oh_get_array_n_items(p->q, content);
        for (int i = 0; i < n; i++)
            cut |= recolour_stream(p, qpdf_oh_get_array_item(p->q, content, i));
    }
    qpdf_oh res = qpdf_oh_get_key(p->q, owner, "/Resources");
    if (cut && !qpdf_oh_is_dictionary(p->q, res)) {
        qpdf_oh_replace_key(p->q, owner, "/Resources", qpdf_oh_new_dictionary(p->q));
        res = qpdf_oh_get_key(p->q, owner, "/Resources");
    }
    if (cut & LABEL_PDF_USES_CUT)
        add_cut_resources(p, res);
    if (cut & LABEL_PDF_USES_SRGB) {
        if (!qpdf_oh_has_key(p->q, res, "/ColorSpace"))
            qpdf_oh_replace_key(p->q, res, "/ColorSpace", qpdf_oh_new_dictionary(p->q));
        qpdf_oh_replace_key(p->q, qpdf_oh_get_key(p->q, res, "/ColorSpace"), SRGB, srgb_space(p));
    }
    group_to_cmyk(p, owner);
    if (qpdf_oh_is_dictionary(p->q, res)) {
        resources_to_srgb(p, res);
        recolour_forms(p, res, depth);
    }
}

static void recolour_forms(pass_t *p, qpdf_oh res, int depth)
{
    qpdf_oh xo = qpdf_oh_get_key(p->q, res, "/XObject");
    if (depth > 8 || !qpdf_oh_is_dictionary(p->q, xo))
        return;
    /* the keys first: the iteration is global to p->q */
    char **keys = NULL;
    size_t n = 0, cap = 0;
    qpdf_oh_begin_dict_key_iter(p->q, xo);
    while (qpdf_oh_dict_more_keys(p->q)) {
        const char *k = qpdf_oh_dict_next_key(p->q);
        if (n == cap) {
            char **nk = realloc(keys, (cap = cap ? 2 * cap : 32) * sizeof *nk);
            if (!nk) {
                p->failed = 1;
                break;
            }
            keys = nk;
        }
        if ((keys[n] = strdup(k)) == NULL) {
            p->failed = 1;
            break;
        }
        n++;
    }
    for (size_t i = 0; i < n; i++) {
        qpdf_oh x = qpdf_oh_get_key(p->q, xo, keys[i]);
        qpdf_oh d = qpdf_oh_is_stream(p->q, x) ? qpdf_oh_get_dict(p->q, x) : 0;
        if (d && qpdf_oh_is_name_and_equals(p->q, qpdf_oh_get_key(p->q, d, "/Subtype"), "/Form") &&
            !seen_before(p, qpdf_oh_get_object_id(p->q, x)))
            recolour_owner(p, d, x, depth + 1);
        else if (d &&
                 qpdf_oh_is_name_and_equals(p->q, qpdf_oh_get_key(p->q, d, "/Subtype"), "/Image"))
            rgb_key_to_srgb(p, d, "/ColorSpace"); /* an image, its soft mask is grey */
        free(keys[i]);
    }
    free(keys);
}

/* TrimBox: the sheet, bleed_pt inside the media box; BleedBox: the media box. */
static void set_boxes(pass_t *p, qpdf_oh page, double bleed_pt)
{
    qpdf_oh mb = qpdf_oh_get_key(p->q, page, "/MediaBox");
    double v[4] = {0};
    if (!qpdf_oh_is_array(p->q, mb) || qpdf_oh_get_array_n_items(p->q, mb) != 4)
        return;
    for (int i = 0; i < 4; i++)
        v[i] = qpdf_oh_get_numeric_value(p->q, qpdf_oh_get_array_item(p->q, mb, i));
    char box[160];
    snprintf(box, sizeof box, "[%.4f %.4f %.4f %.4f]", v[0] + bleed_pt, v[1] + bleed_pt,
             v[2] - bleed_pt, v[3] - bleed_pt);
    qpdf_oh_replace_key(p->q, page, "/TrimBox", qpdf_oh_parse(p->q, box));
    snprintf(box, sizeof box, "[%.4f %.4f %.4f %.4f]", v[0], v[1], v[2], v[3]);
    qpdf_oh_replace_key(p->q, page, "/BleedBox", qpdf_oh_parse(p->q, box));
}

/* --- PDF/X-4: the document's objects ---------------------------------------------------------- */

#define PDFX_VERSION "PDF/X-4"
#define PRODUCER     "gimark (cairo, libqpdf)"

/* s with &, <, > and quotes as XML entities, at most cap - 1 bytes. */
static void xml_escape(char *out, size_t cap, const char *s)
{
    size_t k = 0;
    for (; *s && k + 7 < cap; s++) {
        const char *e = *s == '&'   ? "&amp;"
                        : *s == '<' ? "&lt;"
                        : *s == '>' ? "&gt;"
                        : *s == '"' ? "&quot;"
                                    : NULL;
        if (e) {
            memcpy(out + k, e, strlen(e));
            k += strlen(e);
        } else {
            out[k++] = *s;
        }
    }
    out[k] = '\0';
}

/* 16 random bytes for the document's ID; the clock and the process when
 * /dev/urandom cannot be read (the ID must differ, not be secret). */
static void random_id(unsigned char id[16])
{
    FILE *f = fopen("/dev/urandom", "rb");
    size_t got = f ? fread(id, 1, 16, f) : 0;
    if (f)
        fclose(f);
    if (got != 16) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        unsigned long long v[2] = {(unsigned long long)ts.tv_sec * 1000000000ULL +
                                       (unsigned long long)ts.tv_nsec,
                                   (unsigned long long)getpid() ^ (unsigned long long)(size_t)id};
        memcpy(id, v, 16);
    }
}

/* The output intent, Info, XMP metadata and ID of a PDF/X-4 file. */
static void pdfx_document(pass_t *p)
{
    qpdf_data q = p->q;
    qpdf_oh root = qpdf_get_root(q), trailer = qpdf_get_trailer(q);

    /* OutputIntents: the FOGRA39 condition, its profile embedded */
    qpdf_oh profile = new_stream(p, label_icc_output, label_icc_output_len, "/N", "4");
    qpdf_oh intent =
        qpdf_oh_parse(q, "<< /Type /OutputIntent /S /GTS_PDFX /OutputConditionIdentifier (FOGRA39)"
                         " /OutputCondition (Offset printing, ISO 12647-2:2004/Amd 1, coated paper)"
                         " /RegistryName (http://www.color.org)"
                         " /Info (Coated FOGRA39 \\(ISO 12647-2:2004\\)) >>");
    qpdf_oh_replace_key(q, intent, "/DestOutputProfile", profile);
    qpdf_oh intents = qpdf_oh_new_array(q);
    qpdf_oh_append_item(q, intents, qpdf_make_indirect_object(q, intent));
    qpdf_oh_replace_key(q, root, "/OutputIntents", intents);

    /* Info: the title cairo was given (or a plain one), the dates now */
    qpdf_oh info = qpdf_oh_get_key(q, trailer, "/Info");
    if (!qpdf_oh_is_dictionary(q, info)) {
        info = qpdf_make_indirect_object(q, qpdf_oh_new_dictionary(q));
        qpdf_oh_replace_key(q, trailer, "/Info", info);
    }
    char title[512] = "GI labels", title_xml[3600];
    qpdf_oh t = qpdf_oh_get_key(q, info, "/Title");
    if (qpdf_oh_is_string(q, t) && *qpdf_oh_get_utf8_value(q, t))
        snprintf(title, sizeof title, "%s", qpdf_oh_get_utf8_value(q, t));
    xml_escape(title_xml, sizeof title_xml, title);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char pdf_date[32], xmp_date[32];
    strftime(pdf_date, sizeof pdf_date, "D:%Y%m%d%H%M%S+00'00'", &tm);
    strftime(xmp_date, sizeof xmp_date, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
    qpdf_oh_replace_key(q, info, "/Title", qpdf_oh_new_unicode_string(q, title));
    qpdf_oh_replace_key(q, info, "/Producer", qpdf_oh_new_string(q, PRODUCER));
    qpdf_oh_replace_key(q, info, "/CreationDate", qpdf_oh_new_string(q, pdf_date));
    qpdf_oh_replace_key(q, info, "/ModDate", qpdf_oh_new_string(q, pdf_date));
    qpdf_oh_replace_key(q, info, "/Trapped", qpdf_oh_new_name(q, "/False"));
    qpdf_oh_replace_key(q, info, "/GTS_PDFXVersion", qpdf_oh_new_string(q, PDFX_VERSION));

    /* the trailer's ID, kept by qpdf as the first of its two; the XMP's
     * document ID is the same bytes */
    unsigned char id[16];
    char hex[33], id_text[80];
    random_id(id);
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", id[i]);
    snprintf(id_text, sizeof id_text, "[<%s> <%s>]", hex, hex);
    qpdf_oh_replace_key(q, trailer, "/ID", qpdf_oh_parse(q, id_text));

    /* XMP: the same values as Info (ISO 15930-7 6.2.2; XMP of ISO 16684-1) */
    char xmp[8192];
    int n = snprintf(
        xmp, sizeof xmp,
        "<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
        " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
        "  <rdf:Description rdf:about=\"\"\n"
        "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
        "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
        "    xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\"\n"
        "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
        "    xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\">\n"
        "   <dc:format>application/pdf</dc:format>\n"
        "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:title>\n"
        "   <xmp:CreateDate>%s</xmp:CreateDate>\n"
        "   <xmp:ModifyDate>%s</xmp:ModifyDate>\n"
        "   <xmp:MetadataDate>%s</xmp:MetadataDate>\n"
        "   <xmp:CreatorTool>gimark</xmp:CreatorTool>\n"
        "   <pdf:Producer>%s</pdf:Producer>\n"
        "   <pdf:Trapped>False</pdf:Trapped>\n"
        "   <xmpMM:DocumentID>uuid:%.8s-%.4s-%.4s-%.4s-%.12s</xmpMM:DocumentID>\n"
        "   <xmpMM:InstanceID>uuid:%.8s-%.4s-%.4s-%.4s-%.12s</xmpMM:InstanceID>\n"
        "   <xmpMM:VersionID>1</xmpMM:VersionID>\n"
        "   <xmpMM:RenditionClass>default</xmpMM:RenditionClass>\n"
        "   <pdfxid:GTS_PDFXVersion>%s</pdfxid:GTS_PDFXVersion>\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        "<?xpacket end=\"w\"?>\n",
        title_xml, xmp_date, xmp_date, xmp_date, PRODUCER, hex, hex + 8, hex + 12, hex + 16,
        hex + 20, hex, hex + 8, hex + 12, hex + 16, hex + 20, PDFX_VERSION);
    if (n < 0 || (size_t)n >= sizeof xmp) {
        p->failed = 1;
        return;
    }
    qpdf_oh meta = new_stream(p, (const unsigned char *)xmp, (size_t)n, "/Type", "/Metadata");
    qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, meta), "/Subtype", qpdf_oh_new_name(q, "/XML"));
    qpdf_oh_replace_key(q, root, "/Metadata", meta);
}

/* libqpdf keeps every warning (cairo's resource dictionaries repeat keys:
 * on every page) until it is read, suppressed or not. Read page by page:
 * they were a fifth of the pass's heap on 10,000 labels (massif). */
static void drop_warnings(qpdf_data q)
{
    while (qpdf_more_warnings(q))
        qpdf_next_warning(q);
}

static label_err_t qpdf_failed(qpdf_data q, const char *what, char *errbuf, size_t errlen)
{
    qpdf_error e = qpdf_get_error(q);
    snprintf(errbuf, errlen, "cannot %s the PDF: %s", what,
             e ? qpdf_get_error_full_text(q, e) : "libqpdf failed");
    return LABEL_EIO;
}

/* Copies the file at path to write(). */
static label_err_t copy_out(const char *path, label_pdf_write_fn write_fn, void *arg, char *errbuf,
                            size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(errbuf, errlen, "cannot read the finished PDF: %s", strerror(errno));
        return LABEL_EIO;
    }
    unsigned char chunk[16384]; /* the sink may say stop between two */
    size_t k;
    label_err_t rc = LABEL_OK;
    while (rc == LABEL_OK && (k = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (write_fn(arg, chunk, k) != 0) {
            snprintf(errbuf, errlen, "the print file was stopped before its end");
            rc = LABEL_ECANCELLED;
        }
    if (rc == LABEL_OK && ferror(f)) {
        snprintf(errbuf, errlen, "cannot read the finished PDF: %s", strerror(errno));
        rc = LABEL_EIO;
    }
    fclose(f);
    return rc;
}

label_err_t label_pdf_finish(label_pdf_tmp_t *t, const label_pdf_opts_t *opts,
                             label_pdf_write_fn write_fn, void *arg, char *errbuf, size_t errlen)
{
    char out[4096];
    int ofd = -1;
    void *map = NULL;
    size_t map_len = 0;
    label_err_t rc = LABEL_OK;
    pass_t p = {qpdf_init(), NULL, 0, 0, 0, 0};
    qpdf_set_suppress_warnings(p.q, 1);
    if (!t->failed && fflush(t->f) != 0)
        t->failed = errno ? errno : EIO;
    if (t->failed) {
        snprintf(errbuf, errlen, "cannot write the temporary PDF: %s", strerror(t->failed));
        rc = LABEL_EIO;
        goto out;
    }
    /* read from a mapping of the file: qpdf reading the file itself seeks
     * before every read (630,000 lseek calls for 10,000 labels, half the
     * pass's time); the pages mapped are the page cache's, not the heap */
    struct stat st;
    if (fstat(fileno(t->f), &st) != 0 || st.st_size <= 0 ||
        (map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fileno(t->f), 0)) ==
            MAP_FAILED) {
        snprintf(errbuf, errlen, "cannot read the temporary PDF: %s", strerror(errno));
        map = NULL;
        rc = LABEL_EIO;
        goto out;
    }
    map_len = (size_t)st.st_size;
    if (qpdf_read_memory(p.q, "labels.pdf", map, (unsigned long long)map_len, NULL) & QPDF_ERRORS) {
        rc = qpdf_failed(p.q, "read", errbuf, errlen);
        goto out;
    }
    int pages = qpdf_get_num_pages(p.q);
    for (int i = 0; i < pages && !p.failed; i++) {
        qpdf_oh page = qpdf_get_page_n(p.q, (size_t)i);
        recolour_owner(&p, page, qpdf_oh_get_key(p.q, page, "/Contents"), 0);
        set_boxes(&p, page, opts ? opts->bleed_pt : 0);
        qpdf_oh_release_all(p.q);
        drop_warnings(p.q);
    }
    if (!p.failed)
        pdfx_document(&p);
    if (p.failed) {
        snprintf(errbuf, errlen, "out of memory");
        rc = LABEL_ENOMEM;
        goto out;
    }
    if (qpdf_has_error(p.q)) {
        rc = qpdf_failed(p.q, "rewrite", errbuf, errlen);
        goto out;
    }
    if ((ofd = tmp_make(out, sizeof out)) < 0) {
        snprintf(errbuf, errlen, "cannot make a temporary file for the PDF: %s", strerror(errno));
        rc = LABEL_EIO;
        goto out;
    }
    if ((qpdf_init_write(p.q, out) & QPDF_ERRORS) == 0) {
        qpdf_set_decode_level(p.q, qpdf_dl_none); /* images and fonts as cairo wrote them */
        qpdf_set_compress_streams(p.q, 1);        /* the rewritten content, deflated again */
        qpdf_set_object_stream_mode(p.q, qpdf_o_generate);
        qpdf_set_suppress_original_object_IDs(p.q, 1);
        qpdf_set_minimum_pdf_version(p.q, "1.6"); /* PDF/X-4 is PDF 1.6 */
    }
    if (qpdf_has_error(p.q) || (qpdf_write(p.q) & QPDF_ERRORS)) {
        rc = qpdf_failed(p.q, "write", errbuf, errlen);
        goto out;
    }
    /* the objects go before the file is copied out: a part the sink holds
     * in memory (labels/write.c) then never sits beside them */
    qpdf_cleanup(&p.q);
    rc = copy_out(out, write_fn, arg, errbuf, errlen);
out:
    if (ofd >= 0) {
        close(ofd);
        unlink(out);
    }
    free(p.seen);
    if (p.q)
        qpdf_cleanup(&p.q);
    if (map)
        munmap(map, map_len);
    return rc;
}
