/*
 * fuzz_uscc.c - unified social credit codes (gi_uscc_validate) and GTINs
 * (gi_gtin_normalize) on any text.
 */
#include "gi/gtin.h"
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
    free(text);
    return 0;
}
