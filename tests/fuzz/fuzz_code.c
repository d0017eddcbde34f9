/*
 * fuzz_code.c - serial-code parsing (gi_code_parse) on any bytes: never a
 * crash, always a terminated result, and a code that parses as valid formats
 * and parses back to itself.
 */
#include "gi/code.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gi_code_t code;
    gi_code_parse_t p = gi_code_parse((const char *)data, size, &code);
    if (strlen(code.s) > GI_CODE_LEN)
        abort();
    if (p == GI_CODE_VALID) {
        char shown[GI_CODE_DISPLAY_LEN + 1];
        gi_code_t again;
        gi_code_format(&code, shown);
        if (gi_code_parse(shown, strlen(shown), &again) != GI_CODE_VALID ||
            strcmp(again.s, code.s) != 0)
            abort();
    }
    return 0;
}
