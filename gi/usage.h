/*
 * usage.h - operators' use reports (使用情况报送) and the output value derived
 * from them.
 *
 * An operator reports, per GI product it holds an authorisation for and per
 * period (the period length is the setting report-period: yearly, half-year
 * or quarter; periods are named 2025, 2025-H1, 2025-Q3), what it produced and
 * sold under the mark, the sales value in fen (1 yuan = 100 fen, whole
 * numbers only), and the labels it received, used and voided. Filing again
 * adds a version; none is ever changed. The regulator accepts or returns
 * (with a reason) the newest version; a returned report is filed again.
 *
 * Beside each report the register's own figures for that operator, product
 * and period (labels issued, activated, scanned: from batches and scans, no
 * counter of their own) and a flag when the report claims more labels used
 * than were ever issued to it by the period's end.
 *
 * Output value (地理标志产品直接产值) is never typed: it is the sum of the
 * sales values of accepted reports (the newest accepted version of each
 * operator, product and period), always shown with how many reports that
 * sum rests on against how many were expected (an authorisation active
 * during a period expects one report), and year on year on the same basis:
 * only operator/product pairs with accepted reports in both years.
 *
 * The gi_usage_view_* and gi_usage_act_* functions check the account first
 * (gi/access.h): an operator files and reads its own reports; a regulator
 * reads, files for and decides on those of operators in its region scope;
 * an auditor reads within its scope and changes nothing. The figures and
 * lists of who did not report are for regulators and auditors.
 *
 * Thread-safety: as gi_ctx_t (one per thread); the pure functions are
 * thread-safe.
 */
#ifndef GI_USAGE_H
#define GI_USAGE_H

#include "gi/access.h"
#include "gi/gi.h"

#include <jansson.h>
#include <stddef.h>

/* --- periods ------------------------------------------------------------------------- */

#define GI_USAGE_YEARLY    1 /* periods a year: the setting report-period */
#define GI_USAGE_HALF_YEAR 2
#define GI_USAGE_QUARTER   4

/* The periods a year of a report-period setting ("yearly", "half-year",
 * "quarter"), or -1. */
int gi_usage_period_setting(const char *s);
const char *gi_usage_period_setting_name(int per_year);

typedef struct {
    char name[8];                /* 2025, 2025-H1, 2025-Q3 */
    char start[GI_DATE_LEN + 1]; /* first day */
    char end[GI_DATE_LEN + 1];   /* last day */
    int year, per_year, index;   /* index 1..per_year */
} gi_period_t;

/* The index-th period (1-based) of year when a year has per_year periods. */
void gi_usage_period_make(int year, int per_year, int index, gi_period_t *out);
/* A period by name, of any length; GI_EINVAL with a message otherwise. */
gi_err_t gi_usage_period_parse(const char *s, gi_period_t *out, gi_error_t *err);

/* --- money ----------------------------------------------------------------------------- */

#define GI_USAGE_FEN_MAX    100000000000000LL /* 1e14 fen: a trillion yuan */
#define GI_USAGE_VOLUME_MAX 1000000000000LL   /* 1e12 of the unit */
#define GI_USAGE_LABELS_MAX 10000000000LL     /* 1e10 labels */

/* A yuan amount written "12345", "12345.6" or "12345.67" (no sign, no
 * separators) as fen: 0, or -1 when it is not such an amount or too large. */
int gi_usage_parse_yuan(const char *s, int64_t *fen);
/* fen as yuan with two decimals, "12345.67". */
void gi_usage_format_yuan(int64_t fen, char out[32]);

/* --- filing and deciding ------------------------------------------------------------------ */

typedef struct {
    int64_t operator_id, product_id;
    const char *period;
    int64_t volume_produced, volume_sold;
    const char *volume_unit; /* kg t piece box bottle L */
    int64_t sales_value_fen;
    int64_t labels_received, labels_used, labels_voided;
    const char *application; /* how the mark was applied */
} gi_usage_input_t;

/* Files a new version: the period closed and of the report-period setting
 * (per_year), the operator holding an authorisation of the product active
 * during it, the figures whole numbers within bounds. Audited. */
gi_err_t gi_usage_file(const gi_ctx_t *ctx, int per_year, const gi_usage_input_t *in,
                       db_usage_report_t *out, gi_error_t *err);
/* Accepts (reason optional, a note) or returns (reason required) version
 * id, which must be its report's newest and undecided. Audited. */
gi_err_t gi_usage_decide(const gi_ctx_t *ctx, int64_t id, int accept, const char *reason,
                         db_usage_report_t *out, gi_error_t *err);

/* --- what the register knows ------------------------------------------------------------ */

typedef struct {
    db_usage_known_t known;
    int used_over_issued; /* labels used > labels issued to it by the period's end */
} gi_usage_check_t;

/* Pure: the flags of a report against the register's figures. */
void gi_usage_flags(const db_usage_report_t *r, const db_usage_known_t *k, gi_usage_check_t *out);
gi_err_t gi_usage_reconcile(const gi_ctx_t *ctx, const db_usage_report_t *r, gi_usage_check_t *out,
                            gi_error_t *err);

/* Pure: whether authorisation o was in force at some time during p
 * (approved by its end, valid over part of it, not revoked before it). */
int gi_usage_auth_active(const db_usage_obligation_t *o, const gi_period_t *p);

/* One operator and product on a list of who did not report or use. */
typedef struct {
    int64_t operator_id, product_id;
    char uscc[20];
    char operator_name[DB_TEXT];
    char region[8];
    char product_name[DB_TEXT];
    int64_t last_issue_at; /* the latest batch issued (0: never) */
} gi_usage_gap_t;
typedef int (*gi_usage_gap_fn)(const gi_usage_gap_t *g, void *arg);

/* Operators inside region with an authorisation active during period and
 * no report (no version at all) for it; the period must have closed. */
gi_err_t gi_usage_missing(const gi_ctx_t *ctx, const char *region, const char *period,
                          gi_usage_gap_fn fn, void *arg, gi_error_t *err);
/* Operators inside region whose authorisation of a product was approved
 * two years or more before the end of the day asof (YYYY-MM-DD), is in force
 * then, and under which no labels were issued in those two years. */
gi_err_t gi_usage_idle(const gi_ctx_t *ctx, const char *region, const char *asof,
                       gi_usage_gap_fn fn, void *arg, gi_error_t *err);

/* --- output value ----------------------------------------------------------------------------- */

typedef enum { GI_OUTPUT_BY_PRODUCT, GI_OUTPUT_BY_REGION, GI_OUTPUT_BY_OPERATOR } gi_output_by_t;

typedef struct {
    char key[24];        /* product or operator id, or region code */
    char level[8];       /* by region: "city" or "county"; else "" */
    char label[DB_TEXT]; /* product name, operator name, region code */
    char uscc[20];       /* by operator */
    int64_t value_fen;   /* accepted sales value in the year */
    int64_t reports;     /* accepted reports it rests on */
    int64_t operators;   /* distinct operators among them */
} gi_output_row_t;

typedef struct {
    int year, per_year;
    int64_t value_fen;    /* the sum of accepted reports' sales values in the year */
    int64_t received;     /* operator/product/period slots with an accepted report */
    int64_t expected;     /* slots with an authorisation active during the period */
    int64_t received_due; /* received among the expected (the coverage numerator) */
    int64_t filed;        /* slots with any version filed, accepted or not */
    int64_t users;        /* distinct operators with an accepted report */
    int64_t per_user_fen; /* value_fen / users (0 without users) */
    int64_t prev_value_fen, prev_received, prev_expected;
    /* year on year on the same basis: pairs accepted in both years */
    int64_t same_pairs, same_value_fen, same_prev_fen;
    int has_yoy;           /* same_prev_fen > 0 */
    int64_t yoy_bp;        /* change in basis points (1/100 of a percent) */
    gi_output_row_t *rows; /* grouped as asked, value first; free with gi_output_free */
    size_t nrows;
} gi_output_t;

/* Pure: folds the report versions of years Y and Y-1 (any order, any
 * statuses; versions outside those years are ignored) into out's value,
 * received, filed, users, year on year and rows. expected is left as is. */
gi_err_t gi_output_fold(const db_usage_report_t *r, size_t n, int year, gi_output_by_t by,
                        gi_output_t *out, gi_error_t *err);
/* Output value of year inside region (a prefix; "" everywhere). */
gi_err_t gi_usage_output(const gi_ctx_t *ctx, const char *region, int year, int per_year,
                         gi_output_by_t by, gi_output_t *out, gi_error_t *err);
void gi_output_free(gi_output_t *o);
/* "product", "region", "operator" -> by; -1 when none. */
int gi_output_by_parse(const char *s);
/* A change in basis points as "+12.34%" / "-5.00%". */
void gi_output_format_bp(int64_t bp, char out[24]);

/* --- JSON (the API and the CLI's --json) --------------------------------------------------- */

/* What each count of the output value rests on, said once for every answer. */
#define GI_OUTPUT_BASIS                                                                            \
    "sum of the sales values of accepted use reports (the newest accepted version of each "        \
    "operator, product and period of the year); nothing typed in"
#define GI_EXPECTED_SOURCE                                                                         \
    "authorisations in force during each report period of the year (approved by its end, valid "   \
    "over part of it, not revoked before it), one report each per the report-period setting"
#define GI_YOY_BASIS "same basis: only operator/product pairs with accepted reports in both years"
#define GI_KNOWN_BASIS                                                                             \
    "from the register's own batches and scans of this operator's labels of this product; "        \
    "labels used is flagged when it exceeds the labels issued to it by the period's end"

/* A report version (with the register's figures beside it when check is
 * not NULL); a new reference, NULL when out of memory. */
json_t *gi_usage_json(const db_usage_report_t *r, const gi_usage_check_t *check);
json_t *gi_usage_gap_json(const gi_usage_gap_t *g);
json_t *gi_output_json(const gi_output_t *o, gi_output_by_t by);

/* --- as an account may ------------------------------------------------------------------------ */

/* Lists versions narrowed to what a may see (f may narrow further). */
gi_err_t gi_usage_view_list(const gi_ctx_t *ctx, const db_account_t *a, const db_usage_filter_t *f,
                            db_page_t page, db_usage_fn fn, void *arg, gi_error_t *err);
gi_err_t gi_usage_view(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                       db_usage_report_t *out, gi_error_t *err);
/* Files as a: an operator for itself (in->operator_id 0 or its own), a
 * regulator for an operator inside its scope. */
gi_err_t gi_usage_act_file(const gi_ctx_t *ctx, const db_account_t *a, int per_year,
                           const gi_usage_input_t *in, db_usage_report_t *out, gi_error_t *err);
gi_err_t gi_usage_act_decide(const gi_ctx_t *ctx, const db_account_t *a, int64_t id, int accept,
                             const char *reason, db_usage_report_t *out, gi_error_t *err);
/* Regulators and auditors, inside their region scope. */
gi_err_t gi_usage_view_missing(const gi_ctx_t *ctx, const db_account_t *a, const char *period,
                               gi_usage_gap_fn fn, void *arg, gi_error_t *err);
gi_err_t gi_usage_view_idle(const gi_ctx_t *ctx, const db_account_t *a, const char *asof,
                            gi_usage_gap_fn fn, void *arg, gi_error_t *err);
gi_err_t gi_usage_view_output(const gi_ctx_t *ctx, const db_account_t *a, int year, int per_year,
                              gi_output_by_t by, gi_output_t *out, gi_error_t *err);

#endif
