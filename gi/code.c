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

/* Value of a symbol as read from input (case-insensitive, I/L -> 1, O -> 0),
 * -1 for anything else. */
static int symbol_value(unsigned char c)
{
    if (c >= 'a' && c <= 'z')
        c = (unsigned char)(c - 'a' + 'A');
    if (c == 'I' || c == 'L')
        return 1;
    if (c == 'O')
        return 0;
    if (c == 'U')
        return -1;
    const char *p = c ? strchr(alphabet, c) : NULL;
    return p ? (int)(p - alphabet) : -1;
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
