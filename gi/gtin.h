/*
 * gtin.h - GS1 Global Trade Item Numbers (GTIN-8, -12, -13, -14).
 */
#ifndef GI_GTIN_H
#define GI_GTIN_H

#include "gi/error.h"

#define GI_GTIN_LEN 14

/* Accepts a GTIN-8, -12, -13 or -14 written as digits (surrounding
 * whitespace trimmed), verifies its GS1 mod-10 check digit and writes the
 * zero-padded GTIN-14 into out. GI_EINVAL with a message otherwise. */
gi_err_t gi_gtin_normalize(const char *in, char out[GI_GTIN_LEN + 1], gi_error_t *err);

#endif
