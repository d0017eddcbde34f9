/*
 * code.c - generation, check symbol, formatting and parsing of serial codes.
 */
#include "gi/code.h"

#include <sodium.h>
#include <string.h>

#define PAYLOAD_LEN  (GI_CODE_LEN - 1)
#define RANDOM_BYTES 10
#define CHUNK_CODES  65536 /* codes per randombytes_buf call: 640 KiB */

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Value + 1 of each symbol as read from input (case-insensitive, I/L -> 1,
 * O -> 0; U is no symbol), 0 for anything else: a table, as every scan
 * parses its code. */
static const signed char symbol_plus_one[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
    ['G'] = 17, ['H'] = 18, ['I'] = 2,  ['J'] = 19, ['K'] = 20, ['L'] = 2,  ['M'] = 21, ['N'] = 22,
    ['O'] = 1,  ['P'] = 23, ['Q'] = 24, ['R'] = 25, ['S'] = 26, ['T'] = 27, ['V'] = 28, ['W'] = 29,
    ['X'] = 30, ['Y'] = 31, ['Z'] = 32, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
    ['f'] = 16, ['g'] = 17, ['h'] = 18, ['i'] = 2,  ['j'] = 19, ['k'] = 20, ['l'] = 2,  ['m'] = 21,
    ['n'] = 22, ['o'] = 1,  ['p'] = 23, ['q'] = 24, ['r'] = 25, ['s'] = 26, ['t'] = 27, ['v'] = 28,
    ['w'] = 29, ['x'] = 30, ['y'] = 31, ['z'] = 32,
};

static int symbol_value(unsigned char c)
{
    return symbol_plus_one[c] - 1;
}

char gi_code_check_symbol(const char *symbols, size_t n)
{
    /* Luhn mod N: double every second value from the right, starting with
     * the rightmost payload symbol, and add the base-32 digits. */
    int sum = 0, factor = 2;
    for (size_t i = n; i-- > 0;) {
        int v = symbol_value((unsigned char)symbols[i]);
        int addend = factor * (v < 0 ? 0 : v);
        sum += addend / 32 + addend % 32;
        factor = factor == 2 ? 1 : 2;
    }
    return alphabet[(32 - sum % 32) % 32];
}

void gi_code_from_bytes(const unsigned char bytes[RANDOM_BYTES], gi_code_t *out)
{
    /* 80 bits as 16 groups of 5; the first 15 groups become the payload */
    unsigned bitbuf = 0;
    int bits = 0;
    size_t k = 0;
    for (size_t i = 0; i < RANDOM_BYTES && k < PAYLOAD_LEN; i++) {
        bitbuf = (bitbuf << 8) | bytes[i];
        bits += 8;
        while (bits >= 5 && k < PAYLOAD_LEN) {
            bits -= 5;
            out->s[k++] = alphabet[(bitbuf >> bits) & 31u];
        }
        bitbuf &= (1u << bits) - 1u;
    }
    out->s[PAYLOAD_LEN] = gi_code_check_symbol(out->s, PAYLOAD_LEN);
    out->s[GI_CODE_LEN] = '\0';
}

gi_err_t gi_code_generate(gi_code_t *out, size_t n, gi_error_t *err)
{
    if (sodium_init() < 0)
        return gi_fail(err, GI_EIO, "cannot initialise libsodium");
    unsigned char *buf = sodium_malloc(CHUNK_CODES * RANDOM_BYTES);
    if (!buf)
        return gi_fail(err, GI_ENOMEM, "cannot allocate the random buffer");
    for (size_t done = 0; done < n;) {
        size_t m = n - done < CHUNK_CODES ? n - done : CHUNK_CODES;
        randombytes_buf(buf, m * RANDOM_BYTES);
        for (size_t i = 0; i < m; i++)
            gi_code_from_bytes(buf + i * RANDOM_BYTES, &out[done + i]);
        done += m;
    }
    sodium_free(buf);
    return GI_OK;
}

void gi_code_format(const gi_code_t *code, char out[GI_CODE_DISPLAY_LEN + 1])
{
    size_t k = 0;
    for (size_t i = 0; i < GI_CODE_LEN && code->s[i]; i++) {
        if (i > 0 && i % 4 == 0)
            out[k++] = '-';
        out[k++] = code->s[i];
    }
    out[k] = '\0';
}

gi_code_parse_t gi_code_parse(const char *in, size_t len, gi_code_t *out)
{
    size_t k = 0;
    out->s[0] = '\0';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == '-' || c == ' ')
            continue;
        int v = symbol_value(c);
        if (v < 0 || k == GI_CODE_LEN) {
            out->s[0] = '\0';
            return GI_CODE_MALFORMED;
        }
        out->s[k++] = alphabet[v];
    }
    if (k != GI_CODE_LEN) {
        out->s[0] = '\0';
        return GI_CODE_MALFORMED;
    }
    out->s[GI_CODE_LEN] = '\0';
    if (gi_code_check_symbol(out->s, PAYLOAD_LEN) != out->s[PAYLOAD_LEN])
        return GI_CODE_TYPO;
    return GI_CODE_VALID;
}
