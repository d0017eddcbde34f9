/*
 * annual.h - the annual supervision report (地理标志专用标志使用监管年度报告)
 * the office files with the national office between 15 January and 31 March.
 *
 * The report is one JSON document, built in gi/annual.c from an ordered list
 * of sections, each of titled tables (columns, rows of numbers and text), an
 * optional chart (labels and values) and an optional text the office wrote:
 *
 *   {"year", "scope", "closed", "closed_at", "closed_by", "source", "target",
 *    "sections": [{"id", "title", "tables": [{"title", "columns", "rows"}],
 *                  "chart": {"title", "labels", "values"}, "text"}]}
 *
 * The API answers it as is; the CSV (gi_annual_csv) and the PDF
 * (labels/annual_pdf.h, which knows no database) are drawn from it, so every
 * figure they print is the JSON's.
 *
 * Figures are as of the year's end, read from dated records (authorisation
 * events, batches' issue, activation and void times, voided labels, scans,
 * consumer reports); the output value is gi_usage_output()'s. What is not
 * dated (a product's regime, a consumer report's outcome, a use report's
 * acceptance) can change after the year: closing the year
 * (gi_annual_close) stores the whole report of every region scope, and a
 * closed year's report is served from that snapshot, never recomputed. The
 * office's texts are edited until the year is closed, then frozen with it.
 *
 * Region scope: every figure counts only operators seated inside the scope
 * (a GB/T 2260 prefix; "" the whole register); products are those of the
 * scope or used by its operators. Regulators and auditors read the report of
 * their own scope; regulators edit its texts; operators never see it.
 */
#ifndef GI_ANNUAL_H
#define GI_ANNUAL_H

#include "gi/access.h"
#include "gi/gi.h"
#include "gi/grade.h"

#include <jansson.h>

#define GI_ANNUAL_TARGET   1000  /* operators using the mark the plan aims at (setting target) */
#define GI_ANNUAL_TEXT_MAX 20000 /* bytes of one text section */

/* The sections the office writes: "enforcement", "standards", "testing",
 * "publicity", "training"; NULL-terminated. */
extern const char *const gi_annual_text_sections[];
int gi_annual_text_section(const char *s); /* 1 when s is one of them */

typedef struct {
    int year;
    const char *region;              /* "" everywhere */
    int64_t target;                  /* 0: GI_ANNUAL_TARGET */
    int per_year;                    /* the report-period setting (gi/usage.h); 0: yearly */
    const gi_grade_config_t *grades; /* credit classes (gi/grade.h); NULL: the default */
} gi_annual_opts_t;

/* The report of o->year for o->region: the closed year's snapshot when there
 * is one, else computed now ("source" says which: "snapshot", "live", or for
 * a scope that had no operator or account at closing, "computed: ..."). *out a new reference.
 * GI_EINVAL on a year out of range or not begun. */
gi_err_t gi_annual_report(const gi_ctx_t *ctx, const gi_annual_opts_t *o, json_t **out,
                          gi_error_t *err);
/* Computed from the records now, never from a snapshot. */
gi_err_t gi_annual_compute(const gi_ctx_t *ctx, const gi_annual_opts_t *o, json_t **out,
                           gi_error_t *err);
/* Closes a year that has ended: stores the report of the whole register and
 * of every region prefix of an operator's seat or an account's scope, in one
 * change, audited. GI_EEXISTS when closed already; GI_EREFUSED before the
 * year ended. *scopes (may be NULL) receives how many were stored. */
gi_err_t gi_annual_close(const gi_ctx_t *ctx, const gi_annual_opts_t *o, int64_t *scopes,
                         gi_error_t *err);
/* Sets the office's text of a section of a year and scope; refused once the
 * year is closed. Audited. */
gi_err_t gi_annual_text_set(const gi_ctx_t *ctx, int year, const char *scope, const char *section,
                            const char *body, gi_error_t *err);

/* The report as CSV: per table a title line, a header and its rows, then the
 * texts; every cell through labels/csv.h (formula-guarded). Returns a new
 * string (free()), NULL when out of memory. */
char *gi_annual_csv(const json_t *report);

/* The report as a PDF (labels/annual_pdf.h draws it), handed to write in
 * pieces (write returns 0 on success); 0, or -1 when drawing or writing failed. */
int gi_annual_pdf(const json_t *report, int (*write)(void *arg, const unsigned char *p, size_t n),
                  void *arg);

/* As an account may: regulators and auditors, their own region scope
 * (o->region is replaced by it); regulators set texts. */
gi_err_t gi_annual_view(const gi_ctx_t *ctx, const db_account_t *a, gi_annual_opts_t *o,
                        json_t **out, gi_error_t *err);
gi_err_t gi_annual_act_text(const gi_ctx_t *ctx, const db_account_t *a, int year,
                            const char *section, const char *body, gi_error_t *err);

#endif
