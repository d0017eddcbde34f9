/*
 * inspect.h - random inspections (双随机、一公开): the registers of inspection
 * items and inspectors, draws of targets and inspectors, inspection records
 * with their evidence, and the results' export for publication.
 *
 * A draw takes the mark's users inside the office's region (operators holding
 * an authorisation in force), sorted by id, each with its credit class on the
 * day (gi/grade.h); per class it draws ceil(members x ratio) targets (every
 * class has a ratio of at least 1%: none is exempt), leaving out operators the
 * office inspected that year when the plan says so; then, per target, the
 * plan's number of inspectors (at least two) from the office's register,
 * never one who declared a conflict with the target. The picks are partial
 * Fisher-Yates shuffles driven by libsodium's randombytes_buf_deterministic
 * stream of the draw's seed (fresh from randombytes_buf unless given), one
 * 64-bit word a pick, reduced modulo what is left: the same seed and the same
 * population give the same draw. Every draw is stored whole (time, actor,
 * plan, population, seed, result) and audited; drawing again adds a draw.
 *
 * Changes are for regulators (GI_ACT_SUPERVISE inside their scope); reads for
 * regulators and auditors. Thread-safety: as gi_ctx_t.
 */
#ifndef GI_INSPECT_H
#define GI_INSPECT_H

#include "gi/grade.h"

#include <jansson.h>

#define GI_EVIDENCE_MAX        (1024 * 1024) /* bytes of one evidence file */
#define GI_DRAW_RATIOS_DEFAULT "A:5,B:10,C:20,D:50"
#define GI_DRAW_INSPECTORS_MAX 8

/* The fixed checklist: keys of the inspection's checks, in order. */
extern const char *const gi_check_keys[DB_CHECKS];
/* The fixed list of results. */
extern const char *const gi_inspection_results[];

typedef struct {
    char office[8];                  /* the drawing office's region prefix */
    int64_t year;                    /* the plan's year */
    int ratio[GI_GRADE_CLASSES_MAX]; /* percent of each class of the config, 1-100 */
    int exclude_inspected;           /* leave out operators the office inspected that year */
    int inspectors_per_target;       /* 2 to GI_DRAW_INSPECTORS_MAX */
} gi_draw_plan_t;

/* Reads "A:5,B:10,C:20,D:50" (percent per class; every class of cfg, each
 * 1-100) into plan's ratios. */
gi_err_t gi_draw_ratios_parse(const char *text, const gi_grade_config_t *cfg, gi_draw_plan_t *plan,
                              gi_error_t *err);

/* Draws targets and inspectors by plan (office "" is a's scope; year 0 this
 * year). seed_hex: 64 hex digits, or NULL/"" for a fresh seed. With dry_run
 * nothing is drawn or stored: *out tells the population per class and how
 * many each ratio takes. Else the draw is stored and audited, *id its number
 * and *out the draw as stored (plan, population, seed, result). GI_EREFUSED
 * when a target has fewer inspectors without a conflict than the plan needs. */
gi_err_t gi_draw(const gi_ctx_t *ctx, const db_account_t *a, const gi_grade_config_t *cfg,
                 const gi_draw_plan_t *plan, const char *seed_hex, int dry_run, json_t **out,
                 int64_t *id, gi_error_t *err);

/* Draws of offices inside a's scope, newest first (id non-zero: that one), as
 * JSON objects handed to fn (borrowed). */
typedef int (*gi_json_fn)(json_t *item, void *arg);
gi_err_t gi_draw_list(const gi_ctx_t *ctx, const db_account_t *a, int64_t id, db_page_t page,
                      gi_json_fn fn, void *arg, gi_error_t *err);

/* Registers. An item names what is checked and its legal basis (checklist_key
 * one of gi_check_keys, or "" for another); province-wide regulators only. An
 * inspector belongs to an office (region_code inside a's scope). */
gi_err_t gi_item_add(const gi_ctx_t *ctx, const db_account_t *a, const char *checklist_key,
                     const char *name, const char *legal_basis, int64_t *id, gi_error_t *err);
gi_err_t gi_inspector_add(const gi_ctx_t *ctx, const db_account_t *a, const char *name,
                          const char *cert_no, const char *field, const char *region_code,
                          int64_t *id, gi_error_t *err);
gi_err_t gi_inspector_conflict(const gi_ctx_t *ctx, const db_account_t *a, int64_t inspector_id,
                               int64_t operator_id, const char *reason, gi_error_t *err);
/* The registers as JSON arrays (inspectors of a's scope, with their conflicts). */
gi_err_t gi_registers_json(const gi_ctx_t *ctx, const db_account_t *a, json_t **items,
                           json_t **inspectors, gi_error_t *err);

typedef struct {
    int64_t draw_id; /* 0 when not from a draw */
    int64_t operator_id;
    int64_t product_id; /* 0 when none */
    const char *body;
    const char *date;
    const char *checks[DB_CHECKS]; /* pass | fail | na */
    const char *result;
    const char *rectify_by; /* required for "rectify", else "" */
    const char *note;
    const int64_t *inspectors;
    size_t ninspectors;
} gi_inspection_input_t;

/* Records an inspection; audited. */
gi_err_t gi_inspection_add(const gi_ctx_t *ctx, const db_account_t *a,
                           const gi_inspection_input_t *in, int64_t *id, gi_error_t *err);
/* An inspection with its inspectors and evidence files (not their bytes). */
gi_err_t gi_inspection_get(const gi_ctx_t *ctx, const db_account_t *a, int64_t id, json_t **out,
                           gi_error_t *err);
/* Inspections of operators inside a's scope dated in year (0 any), as JSON. */
gi_err_t gi_inspection_list(const gi_ctx_t *ctx, const db_account_t *a, int64_t year,
                            db_page_t page, gi_json_fn fn, void *arg, gi_error_t *err);
json_t *gi_inspection_json(const db_inspection_t *in);

/* Attaches an evidence file: 1 byte to GI_EVIDENCE_MAX, a PDF, PNG or JPEG by
 * its first bytes (whatever its name says). Audited with its SHA-256. */
gi_err_t gi_evidence_add(const gi_ctx_t *ctx, const db_account_t *a, int64_t inspection_id,
                         const char *name, const void *data, size_t len, int64_t *id,
                         gi_error_t *err);
/* One evidence file as JSON, its bytes in base64 ("data"), for those who may read its
 * inspection. */
gi_err_t gi_evidence_get(const gi_ctx_t *ctx, const db_account_t *a, int64_t id, json_t **out,
                         gi_error_t *err);
/* The content type of data by its first bytes, or NULL when not one allowed. */
const char *gi_evidence_type(const void *data, size_t len);

/* The results of year's inspections inside a's scope as CSV for publication
 * (no inspectors' names, no evidence, no class), marking each not published
 * before as published now. *csv is for the caller to free(). Audited. */
gi_err_t gi_inspection_publish(const gi_ctx_t *ctx, const db_account_t *a, int64_t year, char **csv,
                               size_t *len, int64_t *count, gi_error_t *err);

#endif
