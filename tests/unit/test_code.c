/*
 * test_code.c - serial codes: check symbol, tolerant parsing, formatting,
 * randomness without duplicates.
 */
#include "gi/code.h"
#include "test.h"

#include <stdlib.h>

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static void test_generated_codes_parse(void)
{
    gi_code_t c[100];
    CHECK(gi_code_generate(c, 100, NULL) == GI_OK);
    for (int i = 0; i < 100; i++) {
        gi_code_t p;
        CHECK(strlen(c[i].s) == GI_CODE_LEN);
        CHECK(strspn(c[i].s, alphabet) == GI_CODE_LEN);
        CHECK(gi_code_parse(c[i].s, GI_CODE_LEN, &p) == GI_CODE_VALID);
        CHECK_STR(p.s, c[i].s);
    }
}

/* Every single-symbol substitution at every position is caught. */
static void test_every_substitution_detected(void)
{
    gi_code_t c[200];
    int missed = 0, tried = 0;
    CHECK(gi_code_generate(c, 200, NULL) == GI_OK);
    for (int k = 0; k < 200; k++) {
        for (int pos = 0; pos < GI_CODE_LEN; pos++) {
            for (int a = 0; a < 32; a++) {
                if (alphabet[a] == c[k].s[pos])
                    continue;
                gi_code_t t = c[k], p;
                t.s[pos] = alphabet[a];
                tried++;
                if (gi_code_parse(t.s, GI_CODE_LEN, &p) != GI_CODE_TYPO)
                    missed++;
            }
        }
    }
    CHECK(tried == 200 * 16 * 31);
    CHECK(missed == 0);
}

static void test_adjacent_transpositions_mostly_detected(void)
{
    gi_code_t c[500];
    int missed = 0, tried = 0;
    CHECK(gi_code_generate(c, 500, NULL) == GI_OK);
    for (int k = 0; k < 500; k++) {
        for (int pos = 0; pos + 1 < GI_CODE_LEN; pos++) {
            if (c[k].s[pos] == c[k].s[pos + 1])
                continue;
            gi_code_t t = c[k], p;
            t.s[pos] = c[k].s[pos + 1];
            t.s[pos + 1] = c[k].s[pos];
            tried++;
            missed += gi_code_parse(t.s, GI_CODE_LEN, &p) == GI_CODE_VALID;
        }
    }
    /* Luhn mod N misses only the pair whose values sum to N-1 with one
     * of them doubled across the boundary: a small fraction */
    CHECK(tried > 0);
    CHECK(missed * 20 < tried);
}

static void test_tolerant_parsing(void)
{
    gi_code_t c, p;
    char display[GI_CODE_DISPLAY_LEN + 1], messy[64];
    CHECK(gi_code_generate(&c, 1, NULL) == GI_OK);
    gi_code_format(&c, display);
    CHECK(strlen(display) == 19 && display[4] == '-' && display[9] == '-' && display[14] == '-');
    CHECK(gi_code_parse(display, strlen(display), &p) == GI_CODE_VALID);
    CHECK_STR(p.s, c.s);
    for (size_t i = 0; display[i]; i++) /* lower case, spaces instead of hyphens */
        messy[i] =
            display[i] == '-'
                ? ' '
                : (char)(display[i] >= 'A' && display[i] <= 'Z' ? display[i] + 32 : display[i]);
    messy[strlen(display)] = '\0';
    CHECK(gi_code_parse(messy, strlen(messy), &p) == GI_CODE_VALID);
    CHECK_STR(p.s, c.s);
    /* I and L read as 1, O as 0 */
    gi_code_t ones;
    snprintf(ones.s, sizeof ones.s, "1111000011110000");
    ones.s[15] = gi_code_check_symbol(ones.s, 15);
    char typed[32];
    snprintf(typed, sizeof typed, "IlI1-OoO0-LiL1-0OoO");
    typed[18] = ones.s[15];
    CHECK(gi_code_parse(typed, strlen(typed), &p) == GI_CODE_VALID);
    CHECK_STR(p.s, ones.s);
}

static void test_malformed_input(void)
{
    gi_code_t p;
    const char *bad[] = {"",
                         "ABC",
                         "K7M39QX2HD4TPW8",
                         "K7M39QX2HD4TPW8RX",
                         "K7M39QX2HD4TPW8U",
                         "K7M3_9QX2_HD4T_PW8R",
                         "K7M3-9QX2-HD4T-PW8R'--",
                         "<script>",
                         "K7M3\xc3\xa9"
                         "9QX2HD4TPW8R"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(gi_code_parse(bad[i], strlen(bad[i]), &p) == GI_CODE_MALFORMED);
        CHECK_STR(p.s, "");
    }
    /* every byte in place of a symbol: malformed unless it reads as one */
    const char *symbols = "0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghjkmnpqrstvwxyzIiLlOo";
    for (int b = 1; b < 256; b++) {
        if (b == '-' || b == ' ')
            continue;
        char one[] = "K7M39QX2HD4TPW8R";
        one[3] = (char)b;
        int readable = strchr(symbols, b) != NULL;
        gi_code_parse_t r = gi_code_parse(one, strlen(one), &p);
        CHECK(readable ? r != GI_CODE_MALFORMED : r == GI_CODE_MALFORMED);
    }
    char nul[] = "K7M39QX2\0HD4TPW8R";
    CHECK(gi_code_parse(nul, sizeof nul - 1, &p) == GI_CODE_MALFORMED);
    char *long_input = malloc(1 << 20);
    memset(long_input, '-', 1 << 20);
    CHECK(gi_code_parse(long_input, 1 << 20, &p) == GI_CODE_MALFORMED);
    free(long_input);
}

static void test_from_bytes(void)
{
    unsigned char a[10] = {0}, b[10] = {0};
    gi_code_t ca, cb, ca2;
    gi_code_from_bytes(a, &ca);
    CHECK_STR(ca.s, "0000000000000000");
    gi_code_from_bytes(a, &ca2);
    CHECK_STR(ca.s, ca2.s);
    b[0] = 0x80; /* the first bit is used */
    gi_code_from_bytes(b, &cb);
    CHECK(cb.s[0] == 'G'); /* 10000 = 16 */
    memset(b, 0xff, sizeof b);
    gi_code_from_bytes(b, &cb);
    CHECK(strncmp(cb.s, "ZZZZZZZZZZZZZZZ", 15) == 0);
    gi_code_t p;
    CHECK(gi_code_parse(cb.s, GI_CODE_LEN, &p) == GI_CODE_VALID);
}

static int cmp(const void *a, const void *b)
{
    return memcmp(a, b, GI_CODE_LEN);
}

static void test_million_codes_unique(void)
{
    size_t n = 1000000;
    gi_code_t *c = malloc(n * sizeof *c);
    CHECK(c != NULL);
    if (!c)
        return;
    CHECK(gi_code_generate(c, n, NULL) == GI_OK);
    qsort(c, n, sizeof *c, cmp);
    size_t dup = 0;
    for (size_t i = 1; i < n; i++)
        dup += memcmp(c[i - 1].s, c[i].s, GI_CODE_LEN) == 0;
    CHECK(dup == 0);
    /* and the symbols are spread: every symbol appears in the first position */
    int seen[32] = {0};
    for (size_t i = 0; i < n; i++)
        seen[strchr(alphabet, c[i].s[0]) - alphabet] = 1;
    int all = 1;
    for (int i = 0; i < 32; i++)
        all &= seen[i];
    CHECK(all);
    free(c);
}

TEST_MAIN("code", TEST(test_generated_codes_parse), TEST(test_every_substitution_detected),
          TEST(test_adjacent_transpositions_mostly_detected), TEST(test_tolerant_parsing),
          TEST(test_malformed_input), TEST(test_from_bytes), TEST(test_million_codes_unique))
