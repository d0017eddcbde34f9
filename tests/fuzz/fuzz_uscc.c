/*
 * fuzz_uscc.c - unified social credit codes (gi_uscc_validate), GTINs
 * (gi_gtin_normalize) and fixed-point quantities (gi_parse_fixed: areas in
 * mu, product per label) on any text.
 */
#include "gi/gtin.h"
#include "gi/households.h"
#include "gi/uscc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char uscc[GI_USCC_LEN + 1], gtin[GI_GTIN_LEN + 1];
    gi_uscc_fault_t fault;
    gi_error_t err;
    if (gi_uscc_validate(text, uscc, &fault, &err) == GI_OK && strlen(uscc) != GI_USCC_LEN)
        abort();
    if (gi_gtin_normalize(text, gtin, &err) == GI_OK && strlen(gtin) != GI_GTIN_LEN)
        abort();
    /* a quantity read back from its text is the same quantity */
    for (int decimals = 0; decimals <= 3; decimals++) {
        int64_t v = 0, again = -1;
        char shown[32];
        if (gi_parse_fixed(text, decimals, 1, INT64_C(1000000000000), &v) != 0)
            continue;
        gi_fixed_text(v, decimals, shown, sizeof shown);
        if (gi_parse_fixed(shown, decimals, 1, INT64_C(1000000000000), &again) != 0 || again != v)
            abort();
    }
    free(text);
    return 0;
}
