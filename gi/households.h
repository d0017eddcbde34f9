/*
 * households.h - member households and production bases of an operator
 * ("producers": the "leading company + cooperative + GI + farm households
 * (bases)" model) and the allocation of a batch's labels to them.
 *
 * A producer grows one GI product inside its protected area, for an
 * operator that holds a live authorisation for it. Its village is a GB/T
 * 2260 county code and the village's name: GB/T 2260 stops at the county
 * (the 12-digit village codes are the statistics bureau's, which gimark
 * does not hold, so it does not pretend to check them).
 *
 * Quantities are whole numbers, never floating point:
 *     area         hundredths of a mu (given as "3.25" mu: at most 2 decimals)
 *     yield        assessed yield per mu, whole, in kg or pieces
 *     per label    product one label stands for, thousandths of the yield
 *                  unit (given as "0.25" kg: at most 3 decimals)
 *     season quota = area_cmu * yield_per_mu * 10 / per_label_milli labels
 *                    (rounded down), per quota year of the batches.
 *
 * Allocations hand ranges of an issued (or activated) batch's sequence
 * numbers to a producer or a processor (envelopes before the harvest);
 * labels in no range stay with the operator. Ranges of a batch never
 * overlap and a range moves whole, so allocated + unallocated is always the
 * batch's count. Going past a producer's season quota is refused unless an
 * override reason is given, which the audit row keeps.
 *
 * Access (gi/access): adding producers is an action of requesting labels
 * (the operator's own accounts, regulators in scope), allocating one of
 * using a batch; reads are narrowed as every record is: operators see their
 * own, regulators and auditors their region scope (of the operator's seat).
 *
 * Thread-safety: as gi_ctx_t (one per thread).
 */
#ifndef GI_HOUSEHOLDS_H
#define GI_HOUSEHOLDS_H

#include "gi/gi.h"

#include <jansson.h>

typedef struct {
    const char *kind; /* "household" | "base" */
    int64_t operator_id;
    int64_t product_id;
    const char *name;
    const char *contact;     /* households: phone, optional; never shown to consumers */
    const char *region_code; /* 6-digit GB/T 2260 county */
    const char *village;     /* required for a household */
    const char *base_type;   /* bases: planting | breeding | processing */
    const char *certification;
    const char *area;       /* mu, e.g. "3.25" */
    const char *yield;      /* per mu, whole */
    const char *yield_unit; /* kg | piece */
    const char *per_label;  /* yield units per label, e.g. "0.25" */
} gi_producer_input_t;

/* s as a non-negative fixed-point number with at most `decimals` digits
 * after a '.', scaled by 10^decimals, in [min, max]. 0 or -1. Pure. */
int gi_parse_fixed(const char *s, int decimals, int64_t min, int64_t max, int64_t *out);
/* The value scaled by 10^decimals as text ("325", 2 -> "3.25"). */
void gi_fixed_text(int64_t v, int decimals, char *out, size_t cap);

/* A producer's season quota in labels. */
int64_t gi_producer_quota(const db_producer_t *p);

/* The checks that need no database; fills p. */
gi_err_t gi_producer_check(const gi_producer_input_t *in, db_producer_t *p, gi_error_t *err);
/* Adds a producer (audited on its operator: "household.add" or "base.add"). */
gi_err_t gi_producer_add(const gi_ctx_t *ctx, const gi_producer_input_t *in, db_producer_t *out,
                         gi_error_t *err);

/* What to allocate: a new range first..last, or (move_id) an allocation
 * moved whole; to a producer, a processor (an operator by USCC) or, for a
 * move, back to the operator (to_operator). */
typedef struct {
    int64_t batch_id;
    int64_t first_seq, last_seq;
    int64_t move_id;
    int64_t producer_id;
    const char *processor_uscc;
    int to_operator;
    const char *override; /* reason to go past the producer's quota */
} gi_allocate_t;

/* Allocates or moves a range in one change with its audit row
 * ("batch.allocate", "batch.allocation.move", "batch.allocation.return").
 * out (may be NULL) receives the allocation (id 0 when given back). */
gi_err_t gi_allocate(const gi_ctx_t *ctx, const gi_allocate_t *in, db_allocation_t *out,
                     gi_error_t *err);

/* A batch's allocations (fn may be NULL), and its totals: the batch's
 * stored count of allocated labels, the labels in its ranges as listed, and
 * the labels with the operator (count - in ranges). allocated == in_ranges
 * always; a difference would be a fault. */
typedef struct {
    int64_t count, allocated, in_ranges, unallocated;
} gi_allocation_totals_t;
gi_err_t gi_allocations(const gi_ctx_t *ctx, int64_t batch_id, db_allocation_fn fn, void *arg,
                        gi_allocation_totals_t *totals, gi_error_t *err);
/* The labels of a batch in no range, counted label by label (a pass over
 * the batch's labels: for checks, not for pages). */
gi_err_t gi_allocations_check(const gi_ctx_t *ctx, int64_t batch_id, int64_t *labels_unallocated,
                              gi_error_t *err);

/* --- for a signed-in account (gi/access first) ----------------------------- */

gi_err_t gi_act_producer_add(const gi_ctx_t *ctx, const db_account_t *a,
                             const gi_producer_input_t *in, db_producer_t *out, gi_error_t *err);
gi_err_t gi_act_allocate(const gi_ctx_t *ctx, const db_account_t *a, const gi_allocate_t *in,
                         db_allocation_t *out, gi_error_t *err);
/* Producers of kind ("" both) a may see, narrowed further by narrow's
 * operator and product and by in_region (the producer's county prefix). */
gi_err_t gi_view_producers(const gi_ctx_t *ctx, const db_account_t *a, const db_filter_t *narrow,
                           const char *kind, const char *in_region, db_page_t page,
                           db_producer_fn fn, void *arg, gi_error_t *err);
gi_err_t gi_view_producer(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                          db_producer_t *out, gi_error_t *err);
/* A batch's allocations, when a may see the batch. */
gi_err_t gi_view_allocations(const gi_ctx_t *ctx, const db_account_t *a, int64_t batch_id,
                             db_allocation_fn fn, void *arg, gi_allocation_totals_t *totals,
                             gi_error_t *err);

/* JSON of a producer (with its quota) and of an allocation; and of a
 * label's origin for consumers: kind, county, village, base type, never a
 * name or contact. */
json_t *gi_json_producer(const db_producer_t *p);
json_t *gi_json_allocation(const db_allocation_t *a);
json_t *gi_json_origin(const db_origin_t *o);

#endif
