/*
 * code.h - serial codes: 15 random Crockford base32 symbols (75 bits from the
 * OS CSPRNG) and one Luhn mod 32 check symbol.
 *
 * Shown to people as K7M3-9QX2-HD4T-PW8R; parsed case-insensitively with
 * hyphens and spaces ignored, I and L read as 1 and O as 0. Pure functions,
 * no I/O besides randomness; thread-safe.
 */
#ifndef GI_CODE_H
#define GI_CODE_H

#include "gi/error.h"

#include <stddef.h>

#define GI_CODE_LEN         16 /* 15 random symbols + 1 check symbol */
#define GI_CODE_DISPLAY_LEN 19 /* XXXX-XXXX-XXXX-XXXX */

typedef struct {
    char s[GI_CODE_LEN + 1]; /* canonical: upper case, no hyphens */
} gi_code_t;

typedef enum {
    GI_CODE_VALID = 0,
    GI_CODE_MALFORMED, /* not 16 symbols of the alphabet */
    GI_CODE_TYPO,      /* 16 symbols, but the check symbol does not match */
} gi_code_parse_t;

/* Parses len bytes of untrusted input (any bytes, NUL included). out is
 * always NUL-terminated: the canonical symbols when VALID or TYPO, "" when
 * MALFORMED. Work is bounded however long the input. */
gi_code_parse_t gi_code_parse(const char *in, size_t len, gi_code_t *out);

/* "K7M3-9QX2-HD4T-PW8R" from a canonical code. */
void gi_code_format(const gi_code_t *code, char out[GI_CODE_DISPLAY_LEN + 1]);

/* The Luhn mod 32 check symbol over n canonical symbols. */
char gi_code_check_symbol(const char *symbols, size_t n);

/* Builds a code from 10 random bytes (75 of the 80 bits are used). */
void gi_code_from_bytes(const unsigned char bytes[10], gi_code_t *out);

/* Fills out[0..n) with fresh random codes, drawing randomness from the OS
 * CSPRNG (libsodium) in large chunks: one system call per chunk, not per
 * code. GI_EIO when libsodium cannot be initialised. */
gi_err_t gi_code_generate(gi_code_t *out, size_t n, gi_error_t *err);

#endif
