/*
 * region.h - names of GB/T 2260 administrative regions, for showing a code
 * such as 451003 as "广西壮族自治区百色市田阳区" / "Tianyang District, Baise,
 * Guangxi".
 *
 * The table holds the province this deployment serves (Guangxi: the province,
 * its 14 prefecture-level cities and the counties of its registered GI
 * products); a code outside it is shown by the nearest enclosing region that
 * is known, or as the code alone. Read-only data; thread-safe.
 */
#ifndef GI_REGION_H
#define GI_REGION_H

#include <stddef.h>

/* Writes the region's name into out (never more than cap bytes, always
 * terminated); english picks the English form. Returns 0 when no part of
 * the code is known (out is then empty). */
int gi_region_name(const char *code, int english, char *out, size_t cap);

/* The i-th region of the table (in code order), NULL past its end: for
 * pickers that offer the regions of a scope. */
const char *gi_region_code_at(size_t i);

#endif
