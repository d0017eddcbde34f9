/*
 * test_layout.c - print layout choices read from text, as the CLI's options
 * and the download routes' query parameters give them.
 */
#include "gi/layout.h"
#include "test.h"

typedef struct {
    const char *name, *value;
} pair_t;

/* A getter over a NULL-ended list of name=value pairs. */
static const char *from_pairs(void *arg, const char *name)
{
    for (const pair_t *p = arg; p->name; p++)
        if (strcmp(p->name, name) == 0)
            return p->value;
    return NULL;
}

static void test_every_choice(void)
{
    pair_t given[] = {{"symbology", "datamatrix"},
                      {"ecc", "H"},
                      {"label-size", "70x35.5"},
                      {"page-size", "148X210"},
                      {"grid", "2x4"},
                      {"margin", "12"},
                      {"gap", "0"},
                      {"module", "0.5"},
                      {"crop-marks", "1"},
                      {"dpi", "600"},
                      {"vector", ""},
                      {"zip-member", "svg"},
                      {"min-text", "2.5"},
                      {"approval-no", "1"},
                      {NULL, NULL}};
    label_layout_t l;
    CHECK(gi_layout_read(&l, from_pairs, given, NULL) == GI_OK);
    CHECK(l.symbology == LABEL_SYM_DATAMATRIX && l.ecc == 'H');
    CHECK(l.label_w_mm == 70 && l.label_h_mm == 35.5 && l.page_w_mm == 148 && l.page_h_mm == 210);
    CHECK(l.cols == 2 && l.rows == 4 && l.margin_mm == 12 && l.gap_mm == 0 && l.module_mm == 0.5);
    CHECK(l.crop_marks == 1 && l.vector_paths == 1 && l.dpi == 600);
    CHECK(l.zip_member_format == LABEL_FMT_SVG && l.min_text_mm == 2.5);
    CHECK(l.approval_no == 1);
}

static void test_defaults(void)
{
    pair_t none[] = {{NULL, NULL}};
    label_layout_t l, d;
    label_layout_default(&d);
    CHECK(gi_layout_read(&l, from_pairs, none, NULL) == GI_OK);
    CHECK(memcmp(&l, &d, sizeof l) == 0);
    CHECK(gi_layout_choose(&l, "crop-marks", "0", NULL) == GI_OK && l.crop_marks == 0);
}

static void test_refused(void)
{
    const struct {
        const char *name, *value, *words;
    } bad[] = {
        {"symbology", "aztec", "symbology 'aztec' is not qr"},
        {"ecc", "MM", "not L, M, Q or H"},
        {"label-size", "60", "label size '60' is not of the form WxH"},
        {"page-size", "2001x10", "from 0 to 2000"},
        {"grid", "0x3", "grid '0x3'"},
        {"margin", "100.5", "margin '100.5' is not a number from 0 to 100 mm"},
        {"gap", "", "gap '' is not a number"},
        {"module", "nan", "module 'nan'"},
        {"dpi", "71", "dpi '71' is not a number from 72 to 2400"},
        {"dpi", "72.5", "dpi '72.5' is not a whole number"},
        {"vector", "true", "vector 'true' is not 1 (on) or 0 (off)"},
        {"zip-member", "pdf", "zip-member 'pdf' is not png or svg"},
        {"min-text", "0.4", "min-text '0.4' is not a number from 0.5 to 10 mm"},
        {"approval-no", "2", "approval-no '2' is not 1 (on) or 0 (off)"},
        {"approval-no", "yes\xe2\x80\xae", "approval-no"},
        {"colour", "red", "no layout choice 'colour'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        label_layout_t l;
        gi_error_t e;
        label_layout_default(&l);
        CHECK(gi_layout_choose(&l, bad[i].name, bad[i].value, &e) == GI_EINVAL);
        CHECK(strstr(e.msg, bad[i].words) != NULL);
    }
}

/* The required text is shown whole or the layout refused: a long operator
 * name fits 60x30 wrapped, not 40x30, whose refusal names the field and a
 * size that then holds it; a larger minimum character height needs more. */
static void test_text_fits_or_refused(void)
{
    label_content_t c = {"田阳香芒",
                         "国家质检总局公告2007年第102号",
                         "田阳区香芒种植专业合作社（演示）",
                         "93451003MA815908XM",
                         "",
                         NULL,
                         NULL};
    label_item_t item = {"045P-BFW0-FJ0P-6QMC", "HTTPS://GI.EXAMPLE.CN/V/045PBFW0FJ0P6QMC", 1};
    label_layout_t l;
    char msg[400];
    label_layout_default(&l);
    CHECK(label_check(&l, &c, &item, LABEL_FMT_PDF, msg, sizeof msg) == LABEL_OK);
    l.label_w_mm = 40;
    CHECK(label_check(&l, &c, &item, LABEL_FMT_PDF, msg, sizeof msg) == LABEL_EINVAL);
    CHECK(strstr(msg, "serial code") != NULL && strstr(msg, "1.8 mm high") != NULL);
    double w = 0, h = 0;
    const char *at = strstr(msg, "--label-size ");
    CHECK(at && sscanf(at, "--label-size %lfx%lf", &w, &h) == 2);
    l.label_w_mm = w;
    l.label_h_mm = h;
    CHECK(label_check(&l, &c, &item, LABEL_FMT_PDF, msg, sizeof msg) == LABEL_OK);
    /* CSV draws no text: no text rule */
    l.label_w_mm = 20;
    CHECK(label_check(&l, &c, &item, LABEL_FMT_CSV, msg, sizeof msg) == LABEL_OK);
    label_layout_default(&l);
    l.min_text_mm = 4;
    CHECK(label_check(&l, &c, &item, LABEL_FMT_PDF, msg, sizeof msg) == LABEL_EINVAL);
    CHECK(strstr(msg, "4.0 mm high") != NULL);
}

/* The approval document number is required text when given: with it the
 * long operator name of this label needs 65x30 (a line more), which the
 * 60x30 refusal names; a hundred characters (the most one holds) are
 * refused naming the field, and a size that holds them; an empty one is no
 * field. */
static void test_approval_number(void)
{
    label_content_t c = {"田阳香芒",
                         "国家质检总局公告2007年第102号",
                         "田阳区香芒种植专业合作社（演示）",
                         "93451003MA815908XM",
                         "",
                         NULL,
                         NULL};
    label_item_t item = {"045P-BFW0-FJ0P-6QMC", "HTTPS://GI.EXAMPLE.CN/V/045PBFW0FJ0P6QMC", 1};
    label_layout_t l;
    char msg[400];
    double w = 0, h = 0;
    const char *at;
    label_layout_default(&l);
    CHECK(label_check(&l, &c, &item, LABEL_FMT_PDF, msg, sizeof msg) == LABEL_OK);
    c.approval_no = "桂知发〔2026〕12号";
    CHECK(label_check(&l, &c, &item, LABEL_FMT_PDF, msg, sizeof msg) == LABEL_EINVAL);
    CHECK(strstr(msg, "--label-size 65x30") != NULL);
    l.label_w_mm = 65;
    CHECK(label_check(&l, &c, &item, LABEL_FMT_PDF, msg, sizeof msg) == LABEL_OK);
    char doc[400] = "";
    for (int i = 0; i < 100; i++)
        strcat(doc, "号");
    c.approval_no = doc;
    CHECK(label_check(&l, &c, &item, LABEL_FMT_PDF, msg, sizeof msg) == LABEL_EINVAL);
    CHECK(strstr(msg, "approval document number") != NULL);
    at = strstr(msg, "--label-size ");
    CHECK(at && sscanf(at, "--label-size %lfx%lf", &w, &h) == 2);
    l.label_w_mm = w;
    l.label_h_mm = h;
    CHECK(label_check(&l, &c, &item, LABEL_FMT_PDF, msg, sizeof msg) == LABEL_OK);
    /* "" is no field: 60x30 holds the rest again */
    label_layout_default(&l);
    c.approval_no = "";
    CHECK(label_check(&l, &c, &item, LABEL_FMT_PDF, msg, sizeof msg) == LABEL_OK);
}

TEST_MAIN("layout", TEST(test_every_choice), TEST(test_defaults), TEST(test_refused),
          TEST(test_text_fits_or_refused), TEST(test_approval_number))
