/*
 * gtin.c - GTIN check digit (GS1 General Specifications, mod 10).
 */
#include "gi/gtin.h"

#include <ctype.h>
#include <string.h>

gi_err_t gi_gtin_normalize(const char *in, char out[GI_GTIN_LEN + 1], gi_error_t *err)
{
    out[0] = '\0';
    if (!in)
        in = "";
    while (isspace((unsigned char)*in))
        in++;
    size_t n = strlen(in);
    while (n > 0 && isspace((unsigned char)in[n - 1]))
        n--;
    if (n != 8 && n != 12 && n != 13 && n != 14)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_GTIN_INVALID,
                            "GTIN must have 8, 12, 13 or 14 digits, not %zu", n);
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)in[i]))
            return gi_fail_rule(err, GI_EINVAL, GI_RULE_GTIN_INVALID, "GTIN must be digits only");
    char g[GI_GTIN_LEN + 1];
    memset(g, '0', GI_GTIN_LEN - n);
    memcpy(g + GI_GTIN_LEN - n, in, n);
    g[GI_GTIN_LEN] = '\0';
    /* weights 3,1,3,1... from the digit left of the check digit */
    int sum = 0;
    for (int i = 0; i < GI_GTIN_LEN - 1; i++)
        sum += (g[i] - '0') * (i % 2 == 0 ? 3 : 1);
    char check = (char)('0' + (10 - sum % 10) % 10);
    if (g[GI_GTIN_LEN - 1] != check)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_GTIN_INVALID,
                            "GTIN %.*s: check digit is %c, expected %c", (int)n, in,
                            g[GI_GTIN_LEN - 1], check);
    memcpy(out, g, GI_GTIN_LEN + 1);
    return GI_OK;
}
