/*
 * test_gtin.c - GTIN check digits and normalisation to GTIN-14.
 */
#include "gi/gtin.h"
#include "test.h"

static void test_valid(void)
{
    char out[GI_GTIN_LEN + 1];
    CHECK(gi_gtin_normalize("4006381333931", out, NULL) == GI_OK);
    CHECK_STR(out, "04006381333931");
    CHECK(gi_gtin_normalize("96385074", out, NULL) == GI_OK);
    CHECK_STR(out, "00000096385074");
    CHECK(gi_gtin_normalize("036000291452", out, NULL) == GI_OK);
    CHECK_STR(out, "00036000291452");
    CHECK(gi_gtin_normalize("10012345678902", out, NULL) == GI_OK);
    CHECK_STR(out, "10012345678902");
    CHECK(gi_gtin_normalize(" 6901234567892 ", out, NULL) == GI_OK);
}

static void test_invalid(void)
{
    gi_error_t e;
    char out[GI_GTIN_LEN + 1];
    CHECK(gi_gtin_normalize("4006381333932", out, &e) == GI_EINVAL);
    CHECK(strstr(e.msg, "expected 1") != NULL);
    CHECK_STR(out, "");
    CHECK(gi_gtin_normalize("400638133393", out, NULL) == GI_EINVAL); /* 12 digits, wrong */
    CHECK(gi_gtin_normalize("1234567", out, &e) == GI_EINVAL);
    CHECK(strstr(e.msg, "8, 12, 13 or 14") != NULL);
    CHECK(gi_gtin_normalize("400638133393X", out, &e) == GI_EINVAL);
    CHECK(gi_gtin_normalize("", out, NULL) == GI_EINVAL);
    CHECK(gi_gtin_normalize(NULL, out, NULL) == GI_EINVAL);
    CHECK(gi_gtin_normalize("123456789012345", out, NULL) == GI_EINVAL);
}

TEST_MAIN("gtin", TEST(test_valid), TEST(test_invalid))
