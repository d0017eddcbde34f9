/*
 * layout.c - layout choices from text (gi/layout.h).
 */
#include "gi/layout.h"

#include <stdlib.h>
#include <string.h>

const char *const gi_layout_choices[] = {
    "symbology", "ecc",    "label-size", "page-size",   "grid",        "margin",
    "gap",       "module", "crop-marks", "dpi",         "vector",      "zip-member",
    "min-text",  "dl-lot", "bleed",      "cut-contour", "approval-no", NULL};

static int pick(const char *s, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

/* "WxH" (or "CxR"): two positive numbers up to 2000. */
static gi_err_t parse_pair(const char *what, const char *s, double *a, double *b, gi_error_t *err)
{
    char *end;
    *a = strtod(s, &end);
    if (*end == 'x' || *end == 'X')
        *b = strtod(end + 1, &end);
    else
        *b = -1;
    if (*end != '\0' || !(*a > 0 && *b > 0 && *a <= 2000 && *b <= 2000))
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_LAYOUT_CHOICE_INVALID,
                            "%s '%s' is not of the form WxH with numbers from 0 to 2000", what, s);
    return GI_OK;
}

static gi_err_t parse_number(const char *what, const char *s, double min, double max,
                             const char *unit, double *out, gi_error_t *err)
{
    char *end;
    double v = strtod(s, &end);
    if (!*s || *end != '\0' || !(v >= min && v <= max))
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_LAYOUT_CHOICE_INVALID,
                            "%s '%s' is not a number from %g to %g%s", what, s, min, max, unit);
    *out = v;
    return GI_OK;
}

static gi_err_t parse_flag(const char *what, const char *s, int *out, gi_error_t *err)
{
    int v = pick(s, (const char *const[]){"0", "1", "", NULL});
    if (v < 0)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_LAYOUT_CHOICE_INVALID,
                            "%s '%s' is not 1 (on) or 0 (off)", what, s);
    *out = v != 0;
    return GI_OK;
}

static gi_err_t choose_symbol(label_layout_t *l, const char *name, const char *v, gi_error_t *err)
{
    if (strcmp(name, "symbology") == 0) {
        int s = pick(v, (const char *const[]){"qr", "datamatrix", "hanxin", "code128", NULL});
        if (s < 0)
            return gi_fail_rule(err, GI_EINVAL, GI_RULE_LAYOUT_CHOICE_INVALID,
                                "symbology '%s' is not qr, datamatrix, hanxin or code128", v);
        l->symbology = (label_symbology_t)s;
        return GI_OK;
    }
    if (strlen(v) != 1 || !strchr("LMQH", v[0]))
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_LAYOUT_CHOICE_INVALID,
                            "error correction level '%s' is not L, M, Q or H", v);
    l->ecc = v[0];
    return GI_OK;
}

gi_err_t gi_layout_choose(label_layout_t *l, const char *name, const char *v, gi_error_t *err)
{
    double cols, rows, dpi;
    gi_err_t rc;
    switch (pick(name, gi_layout_choices)) {
    case 0: /* symbology */
    case 1: /* ecc */
        return choose_symbol(l, name, v, err);
    case 2:
        return parse_pair("label size", v, &l->label_w_mm, &l->label_h_mm, err);
    case 3:
        return parse_pair("page size", v, &l->page_w_mm, &l->page_h_mm, err);
    case 4:
        if ((rc = parse_pair("grid", v, &cols, &rows, err)) == GI_OK) {
            l->cols = (int)cols;
            l->rows = (int)rows;
        }
        return rc;
    case 5:
        return parse_number("margin", v, 0, 100, " mm", &l->margin_mm, err);
    case 6:
        return parse_number("gap", v, 0, 100, " mm", &l->gap_mm, err);
    case 7:
        return parse_number("module", v, 0, 10, " mm", &l->module_mm, err);
    case 8:
        return parse_flag("crop-marks", v, &l->crop_marks, err);
    case 9:
        if ((rc = parse_number("dpi", v, 72, 2400, "", &dpi, err)) == GI_OK && dpi != (int)dpi)
            rc = gi_fail_rule(err, GI_EINVAL, GI_RULE_LAYOUT_CHOICE_INVALID,
                              "dpi '%s' is not a whole number", v);
        l->dpi = (int)dpi;
        return rc;
    case 10:
        return parse_flag("vector", v, &l->vector_paths, err);
    case 11:
        if (strcmp(v, "png") != 0 && strcmp(v, "svg") != 0)
            return gi_fail_rule(err, GI_EINVAL, GI_RULE_LAYOUT_CHOICE_INVALID,
                                "zip-member '%s' is not png or svg", v);
        l->zip_member_format = strcmp(v, "png") == 0 ? LABEL_FMT_PNG : LABEL_FMT_SVG;
        return GI_OK;
    case 12:
        return parse_number("min-text", v, 0.5, 10, " mm", &l->min_text_mm, err);
    case 13:
        return parse_flag("dl-lot", v, &l->dl_lot, err);
    case 14:
        return parse_number("bleed", v, 0, 10, " mm", &l->bleed_mm, err);
    case 15:
        return parse_flag("cut-contour", v, &l->cut_contour, err);
    case 16:
        return parse_flag("approval-no", v, &l->approval_no, err);
    default:
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_LAYOUT_CHOICE_INVALID, "no layout choice '%s'",
                            name);
    }
}

gi_err_t gi_layout_read(label_layout_t *l, const char *(*get)(void *arg, const char *name),
                        void *arg, gi_error_t *err)
{
    label_layout_default(l);
    return gi_layout_apply(l, get, arg, err);
}

gi_err_t gi_layout_apply(label_layout_t *l, const char *(*get)(void *arg, const char *name),
                         void *arg, gi_error_t *err)
{
    for (int i = 0; gi_layout_choices[i]; i++) {
        const char *v = get(arg, gi_layout_choices[i]);
        gi_err_t rc = v ? gi_layout_choose(l, gi_layout_choices[i], v, err) : GI_OK;
        if (rc != GI_OK)
            return rc;
    }
    return GI_OK;
}
