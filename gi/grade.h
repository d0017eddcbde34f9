/*
 * grade.h - credit classes of operators (以信用为基础的分级分类监管): each
 * operator's class on a date, derived from dated facts the register keeps,
 * each fact listed with its evidence and weight; a class imported from the
 * market regulator stands in its place from its date.
 *
 * The rules and their weights are one table in grade.c. A class is computed
 * on read, never stored: it changes the moment a fact does, and any past
 * date's class is derived the same way from the facts stored by then (a fact
 * dated or recorded after the date does not count).
 *
 * Who sees a class: regulators and auditors, inside their region scope.
 * Never operators (their own neither), consumers or anyone without sign-in,
 * and never a public export: risk classes steer inspections and are for the
 * regulators' own use, as the market regulator keeps its classification.
 *
 * Thread-safety: as gi_ctx_t.
 */
#ifndef GI_GRADE_H
#define GI_GRADE_H

#include "gi/gi.h"

#include <jansson.h>

#define GI_GRADE_CLASSES_MAX     8
#define GI_GRADE_CLASSES_DEFAULT "A:0,B:3,C:6,D:12"
#define GI_GRADE_NAME_MAX        7
#define GI_GRADE_RULES_MAX       16
#define GI_GRADE_EVIDENCE_MAX    20 /* facts listed per rule (all are counted) */

/* The set of classes by risk, lowest first, each with the fewest points it takes. */
typedef struct {
    struct {
        char name[GI_GRADE_NAME_MAX + 1];
        int64_t min_points;
    } c[GI_GRADE_CLASSES_MAX];
    int n;
    int64_t repeat_threshold; /* distinct clients beyond which a label is over-scanned */
} gi_grade_config_t;

/* Parses "A:0,B:3,C:6,D:12": names of 1-7 capital letters or digits, points
 * rising from 0. */
gi_err_t gi_grade_config_parse(const char *text, int64_t repeat_threshold, gi_grade_config_t *out,
                               gi_error_t *err);
/* The classes of GI_GRADE_CLASSES_DEFAULT (repeat threshold 10): for callers given none. */
const gi_grade_config_t *gi_grade_config_default(void);
/* The index of class name in cfg, or -1. */
int gi_grade_class_index(const gi_grade_config_t *cfg, const char *name);

/* One rule of the table (read-only). */
typedef struct {
    const char *key;        /* names the rule in evidence: "report_founded", ... */
    db_fact_kind_t fact;    /* what it counts */
    const char *inspection; /* DB_FACT_INSPECTION: the result counted, or "transfer" */
    int window_days;        /* facts in (date - window, date] */
    int weight;             /* points a fact (negative: a credit) */
    int cap;                /* facts counted at most */
    const char *what;       /* what the rule means, for people */
} gi_grade_rule_t;
const gi_grade_rule_t *gi_grade_rules(size_t *n);

typedef struct {
    int64_t ref_id;
    char ref[64];
    char detail[16];
    int64_t at;
} gi_grade_fact_t;

typedef struct {
    int64_t operator_id;
    char operator_name[DB_TEXT];
    char operator_uscc[20];
    char region_code[8];
    char as_of[GI_DATE_LEN + 1];
    int64_t points;
    char derived[GI_GRADE_NAME_MAX + 1];    /* from the facts */
    char class_name[GI_GRADE_NAME_MAX + 1]; /* in force: the imported one, else derived */
    int imported;
    char import_source[DB_TEXT];
    char import_as_of[GI_DATE_LEN + 1];
    int64_t count[GI_GRADE_RULES_MAX]; /* facts found per rule */
    int64_t points_of[GI_GRADE_RULES_MAX];
} gi_grade_t;

/* The facts behind a grade, listed per rule (about 30 KB: allocate it). */
typedef struct {
    int n[GI_GRADE_RULES_MAX];
    gi_grade_fact_t facts[GI_GRADE_RULES_MAX][GI_GRADE_EVIDENCE_MAX];
} gi_grade_evidence_t;

/* True when account a may see credit classes: regulators and auditors. */
int gi_may_see_grades(const db_account_t *a);

/* The class of one operator on date (YYYY-MM-DD, "" today), with its evidence
 * listed in ev (may be NULL).
 * GI_ENOTFOUND when the operator is outside a's scope or a may not see classes
 * (GI_EFORBIDDEN). */
gi_err_t gi_grade_of(const gi_ctx_t *ctx, const db_account_t *a, const gi_grade_config_t *cfg,
                     int64_t operator_id, const char *date, gi_grade_t *out,
                     gi_grade_evidence_t *ev, gi_error_t *err);
/* The classes of every operator inside region (which must lie inside a's
 * scope; "" a's scope) on date, by operator id, evidence counted but not listed;
 * in_force_only narrows to operators holding an authorisation in force.
 * fn returns non-zero to stop. */
typedef int (*gi_grade_fn)(const gi_grade_t *g, void *arg);
gi_err_t gi_grade_all(const gi_ctx_t *ctx, const db_account_t *a, const gi_grade_config_t *cfg,
                      const char *region, int in_force_only, const char *date, gi_grade_fn fn,
                      void *arg, gi_error_t *err);

/* A grade as JSON: its class, points, each rule's count and points, and the
 * facts of ev when given. */
json_t *gi_grade_json(const gi_grade_t *g, const gi_grade_evidence_t *ev);

/* Records a class from the market regulator for an operator from as_of on
 * ("" class withdraws an earlier import), with its source. Regulators only. Audited. */
gi_err_t gi_grade_import(const gi_ctx_t *ctx, const db_account_t *a, const gi_grade_config_t *cfg,
                         int64_t operator_id, const char *class_name, const char *as_of,
                         const char *source, gi_error_t *err);

/* A regulator's finding on a consumer report: "founded" (found true) or
 * "unfounded", with a note; the latest finding counts. Audited. */
gi_err_t gi_report_finding(const gi_ctx_t *ctx, const db_account_t *a, int64_t report_id,
                           const char *outcome, const char *note, int64_t *id, gi_error_t *err);

#endif
