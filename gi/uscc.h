/*
 * uscc.h - the unified social credit code (统一社会信用代码, GB 32100-2015).
 *
 * 18 characters from 0-9A-HJ-NPQRTUWXY: registration authority (1), type
 * (1), GB/T 2260 region (6), GB 11714 organisation code with its own mod-11
 * check (9), and a mod-31 check character (1). Pure functions; thread-safe.
 */
#ifndef GI_USCC_H
#define GI_USCC_H

#include "gi/error.h"

#define GI_USCC_LEN 18

typedef enum {
    GI_USCC_VALID = 0,
    GI_USCC_BAD_LENGTH,    /* not 18 characters after trimming */
    GI_USCC_BAD_CHAR,      /* a character outside the alphabet (I, O, S, V, Z never occur) */
    GI_USCC_BAD_AUTHORITY, /* position 1 is not a registration-authority code */
    GI_USCC_BAD_TYPE,      /* position 2 is not a type code of that authority */
    GI_USCC_BAD_REGION,    /* positions 3-8 are not a region code under a known province */
    GI_USCC_BAD_ORG_CHECK, /* positions 9-17: the organisation code's check digit is wrong */
    GI_USCC_BAD_CHECK,     /* position 18: the check character is wrong */
} gi_uscc_fault_t;

/* Normalises in (surrounding whitespace trimmed, upper-cased) into out and
 * validates it. GI_OK when valid; otherwise GI_EINVAL with a message naming
 * the problem and *fault (may be NULL) set to its class. out holds the
 * normalised code whenever length and characters are right (so that a code
 * failing only a check can be recorded with an override), else "". */
gi_err_t gi_uscc_validate(const char *in, char out[GI_USCC_LEN + 1], gi_uscc_fault_t *fault,
                          gi_error_t *err);

/* True for the faults a regulator may override with a reason: a wrong
 * check character or organisation-code check digit, as found in some real
 * registers. Never for wrong length, characters, authority, type or region. */
int gi_uscc_fault_overridable(gi_uscc_fault_t fault);

/* A short English name for the authority and type ("farmers' cooperative",
 * "enterprise", ...), or "unknown". */
const char *gi_uscc_kind_name(const char uscc[GI_USCC_LEN + 1]);

#endif
