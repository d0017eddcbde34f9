/*
 * test_uscc.c - unified social credit codes: real-form valid codes and every
 * class of invalid input.
 */
#include "gi/uscc.h"
#include "test.h"

static const char *valid[] = {"93451003MA815908XM", "91450100MA8609132C", "93451123MA0308247J",
                              "92450331MA2199355T", "91350100M000100Y43"};

static gi_uscc_fault_t fault_of(const char *s)
{
    char out[GI_USCC_LEN + 1];
    gi_uscc_fault_t f = GI_USCC_VALID;
    gi_uscc_validate(s, out, &f, NULL);
    return f;
}

static void test_valid_codes(void)
{
    char out[GI_USCC_LEN + 1];
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        CHECK(gi_uscc_validate(valid[i], out, NULL, NULL) == GI_OK);
        CHECK_STR(out, valid[i]);
    }
    CHECK(gi_uscc_validate("  93451003ma815908xm\t", out, NULL, NULL) == GI_OK);
    CHECK_STR(out, "93451003MA815908XM");
    CHECK_STR(gi_uscc_kind_name("93451003MA815908XM"), "farmers' cooperative");
    CHECK_STR(gi_uscc_kind_name("91450100MA8609132C"), "enterprise");
}

static void test_length(void)
{
    gi_error_t e;
    char out[GI_USCC_LEN + 1];
    CHECK(fault_of("") == GI_USCC_BAD_LENGTH);
    CHECK(fault_of("93451003MA815908X") == GI_USCC_BAD_LENGTH);
    CHECK(fault_of("93451003MA815908XMM") == GI_USCC_BAD_LENGTH);
    CHECK(gi_uscc_validate("93451003MA815908X", out, NULL, &e) == GI_EINVAL);
    CHECK(strstr(e.msg, "17 characters") != NULL);
    CHECK_STR(out, "");
}

static void test_forbidden_characters(void)
{
    const char forbidden[] = "IOSVZ";
    for (int i = 0; forbidden[i]; i++) {
        char s[GI_USCC_LEN + 1];
        snprintf(s, sizeof s, "%s", valid[0]);
        s[9] = forbidden[i];
        CHECK(fault_of(s) == GI_USCC_BAD_CHAR);
    }
    CHECK(fault_of("93451003MA8159-8XM") == GI_USCC_BAD_CHAR);
    CHECK(fault_of("93451003MA815908X\x01") == GI_USCC_BAD_CHAR);
    gi_error_t e;
    char out[GI_USCC_LEN + 1];
    CHECK(gi_uscc_validate("93451003MAO15908XM", out, NULL, &e) == GI_EINVAL);
    CHECK(strstr(e.msg, "character 11 'O'") != NULL);
}

static void test_authority_type_region(void)
{
    CHECK(fault_of("B3451003MA815908XM") == GI_USCC_BAD_AUTHORITY);
    CHECK(fault_of("04451003MA815908XM") == GI_USCC_BAD_AUTHORITY);
    CHECK(fault_of("94451003MA815908XM") == GI_USCC_BAD_TYPE); /* 9 has types 1-3 */
    CHECK(fault_of("Y2451003MA815908XM") == GI_USCC_BAD_TYPE);
    CHECK(fault_of("93991003MA815908XM") == GI_USCC_BAD_REGION);
    CHECK(fault_of("9345A003MA815908XM") == GI_USCC_BAD_REGION);
}

static void test_check_digits(void)
{
    gi_error_t e;
    char out[GI_USCC_LEN + 1];
    gi_uscc_fault_t f;
    CHECK(gi_uscc_validate("93451003MA815908XN", out, &f, &e) == GI_EINVAL);
    CHECK(f == GI_USCC_BAD_CHECK);
    CHECK(strstr(e.msg, "expected 'M'") != NULL);
    CHECK_STR(out, "93451003MA815908XN"); /* kept for an override */
    CHECK(gi_uscc_fault_overridable(f));
    CHECK(fault_of("93451003MA815907XM") == GI_USCC_BAD_ORG_CHECK);
    CHECK(gi_uscc_fault_overridable(GI_USCC_BAD_ORG_CHECK));
    CHECK(!gi_uscc_fault_overridable(GI_USCC_BAD_LENGTH));
    CHECK(!gi_uscc_fault_overridable(GI_USCC_BAD_REGION));
}

/* Every single-character substitution of a valid code is refused. */
static void test_every_substitution_refused(void)
{
    const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    int accepted = 0;
    for (size_t k = 0; k < sizeof valid / sizeof valid[0]; k++) {
        for (int pos = 0; pos < GI_USCC_LEN; pos++) {
            for (int a = 0; alphabet[a]; a++) {
                char s[GI_USCC_LEN + 1], out[GI_USCC_LEN + 1];
                snprintf(s, sizeof s, "%s", valid[k]);
                if (s[pos] == alphabet[a])
                    continue;
                s[pos] = alphabet[a];
                accepted += gi_uscc_validate(s, out, NULL, NULL) == GI_OK;
            }
        }
    }
    CHECK(accepted == 0);
}

TEST_MAIN("uscc", TEST(test_valid_codes), TEST(test_length), TEST(test_forbidden_characters),
          TEST(test_authority_type_region), TEST(test_check_digits),
          TEST(test_every_substitution_refused))
