/*
 * test_check.c - input checks: dates, UTF-8 text, region codes.
 */
#include "gi/gi.h"
#include "test.h"

#include <time.h>

static void test_date_of_uses_china_time(void)
{
    char d[GI_DATE_LEN + 1];
    gi_date_of(1780272000LL, d); /* 2026-06-01 00:00 UTC = 08:00 CST */
    CHECK_STR(d, "2026-06-01");
    gi_date_of(1780272000LL - 9 * 3600, d); /* 2026-05-31 15:00 UTC = 23:00 CST */
    CHECK_STR(d, "2026-05-31");
    gi_date_of(1780272000LL - 7 * 3600, d); /* 2026-05-31 17:00 UTC = 01:00 CST next day */
    CHECK_STR(d, "2026-06-01");
}

static void test_check_date(void)
{
    CHECK(gi_check_date("d", "2026-02-28", NULL) == GI_OK);
    CHECK(gi_check_date("d", "2024-02-29", NULL) == GI_OK);
    CHECK(gi_check_date("d", "2026-02-29", NULL) == GI_EINVAL);
    CHECK(gi_check_date("d", "2100-02-29", NULL) == GI_EINVAL);
    CHECK(gi_check_date("d", "2000-02-29", NULL) == GI_OK);
    CHECK(gi_check_date("d", "2026-13-01", NULL) == GI_EINVAL);
    CHECK(gi_check_date("d", "2026-04-31", NULL) == GI_EINVAL);
    CHECK(gi_check_date("d", "2026-4-1", NULL) == GI_EINVAL);
    CHECK(gi_check_date("d", "2026/04/01", NULL) == GI_EINVAL);
    CHECK(gi_check_date("d", "", NULL) == GI_EINVAL);
    CHECK(gi_check_date("d", NULL, NULL) == GI_EINVAL);
    gi_error_t e;
    CHECK(gi_check_date("valid until", "tomorrow", &e) == GI_EINVAL);
    CHECK(strstr(e.msg, "valid until") && strstr(e.msg, "YYYY-MM-DD"));
}

static void test_date_add_years(void)
{
    char d[GI_DATE_LEN + 1];
    gi_date_add_years("2026-06-01", 3, d);
    CHECK_STR(d, "2029-06-01");
    gi_date_add_years("2024-02-29", 1, d);
    CHECK_STR(d, "2025-02-28");
    gi_date_add_years("2024-02-29", 4, d);
    CHECK_STR(d, "2028-02-29");
}

static void test_check_text(void)
{
    gi_error_t e;
    CHECK(gi_check_text("name", "百色芒果", 10, 100, 1, NULL) == GI_OK);
    CHECK(gi_check_text("name", "", 10, 100, 1, &e) == GI_EINVAL);
    CHECK(strstr(e.msg, "name is required") != NULL);
    CHECK(gi_check_text("name", "", 10, 100, 0, NULL) == GI_OK);
    CHECK(gi_check_text("name", "百色芒果", 3, 100, 1, &e) == GI_EINVAL); /* 4 characters */
    CHECK(strstr(e.msg, "too long") != NULL);
    CHECK(gi_check_text("name", "abc\x01", 10, 100, 1, NULL) == GI_EINVAL);
    CHECK(gi_check_text("name", "line\nbreak", 20, 100, 1, NULL) == GI_EINVAL);
    CHECK(gi_check_text("name", "\xff\xfe", 10, 100, 1, &e) == GI_EINVAL);
    CHECK(strstr(e.msg, "UTF-8") != NULL);
    CHECK(gi_check_text("name", "\xc0\xaf", 10, 100, 1, NULL) == GI_EINVAL);     /* overlong */
    CHECK(gi_check_text("name", "\xed\xa0\x80", 10, 100, 1, NULL) == GI_EINVAL); /* surrogate */
    CHECK(gi_check_text("name", "\xe7\x99", 10, 100, 1, NULL) == GI_EINVAL);     /* truncated */
    CHECK(gi_check_text("name", "\xf4\x90\x80\x80", 10, 100, 1, NULL) == GI_EINVAL);
    CHECK(gi_check_text("name", "\xf0\x9f\x8d\x8b", 10, 100, 1, NULL) == GI_OK); /* emoji */
    CHECK(gi_check_text("name", "abcdef", 10, 5, 1, NULL) == GI_EINVAL);         /* bytes */
}

static void test_check_region(void)
{
    CHECK(gi_check_region("r", "451003", NULL) == GI_OK);
    CHECK(gi_check_region("r", "110000", NULL) == GI_OK);
    CHECK(gi_check_region("r", "45100", NULL) == GI_EINVAL);
    CHECK(gi_check_region("r", "4510031", NULL) == GI_EINVAL);
    CHECK(gi_check_region("r", "45100a", NULL) == GI_EINVAL);
    CHECK(gi_check_region("r", "991003", NULL) == GI_EINVAL);
    CHECK(gi_check_region("r", "", NULL) == GI_EINVAL);
    CHECK(gi_region_within("451003", "45"));
    CHECK(gi_region_within("451003", "4510"));
    CHECK(gi_region_within("451003", "451003"));
    CHECK(gi_region_within("451003", ""));
    CHECK(!gi_region_within("450100", "4510"));
    CHECK(!gi_region_within("451003", "44"));
}

static void test_exit_status(void)
{
    CHECK(gi_exit_status(GI_OK) == 0);
    CHECK(gi_exit_status(GI_EINVAL) == 1);
    CHECK(gi_exit_status(GI_EREFUSED) == 2);
    CHECK(gi_exit_status(GI_EEXISTS) == 2);
    CHECK(gi_exit_status(GI_ENOTFOUND) == 2);
    CHECK(gi_exit_status(GI_EIO) == 3);
}

/* gi_tm_of agrees with the C library's gmtime_r, second by second at the
 * edges and at a spread of moments from 1901 to 2199. */
static void test_tm_matches_gmtime(void)
{
    int64_t probes[] = {0,
                        -1,
                        86399,
                        86400,
                        951782400 /* 2000-02-29 */,
                        951868800,
                        4107542399LL /* 2100-02-28T23:59:59 */,
                        4107542400LL,
                        -2177452800LL};
    int bad = 0;
    for (size_t i = 0; i < sizeof probes / sizeof probes[0] + 20000; i++) {
        int64_t t = i < sizeof probes / sizeof probes[0] ? probes[i]
                                                         : -2147483648LL + (int64_t)i * 470017LL;
        time_t tt = (time_t)t;
        struct tm want;
        gi_tm_t got;
        gmtime_r(&tt, &want);
        gi_tm_of(t, &got);
        if (got.year != want.tm_year + 1900 || got.month != want.tm_mon + 1 ||
            got.day != want.tm_mday || got.hour != want.tm_hour || got.minute != want.tm_min ||
            got.second != want.tm_sec)
            bad++;
    }
    CHECK(bad == 0);
    char d[GI_DATE_LEN + 1];
    gi_date_of(951782400 - 8 * 3600, d); /* midnight in Beijing */
    CHECK_STR(d, "2000-02-29");
}

static void test_utf8_repair(void)
{
    char cut[] = "ab\xe8\x8a"; /* 芒 cut after two of its three bytes */
    gi_utf8_repair(cut);
    CHECK_STR(cut, "ab??");
    char mixed[] = "\xe8\x8a\x92-\xff-\xc0\x80-\xed\xa0\x80-\xf0\x9f\x8d\x8b";
    gi_utf8_repair(mixed); /* invalid byte, overlong form, surrogate, emoji */
    CHECK_STR(mixed, "\xe8\x8a\x92-?-?\?-?\?\?-\xf0\x9f\x8d\x8b"); /* \? : no trigraphs */
    char plain[] = "plain text";
    gi_utf8_repair(plain);
    CHECK_STR(plain, "plain text");
}

static void test_parse_whole(void)
{
    int64_t n = -7;
    CHECK(gi_parse_whole("42", 1, 500, &n) == 0 && n == 42);
    CHECK(gi_parse_whole("1000000000000", 0, INT64_C(1000000000000), &n) == 0 &&
          n == INT64_C(1000000000000)); /* the largest offset, 13 digits */
    CHECK(gi_parse_whole("9223372036854775807", 1, INT64_MAX, &n) == 0 && n == INT64_MAX);
    n = -7;
    CHECK(gi_parse_whole("9223372036854775808", 1, INT64_MAX, &n) != 0); /* past int64 */
    CHECK(gi_parse_whole("99999999999999999999", 1, INT64_MAX, &n) != 0);
    CHECK(gi_parse_whole("0", 1, 500, &n) != 0);
    CHECK(gi_parse_whole("501", 1, 500, &n) != 0);
    CHECK(gi_parse_whole("12x", 1, 500, &n) != 0);
    CHECK(gi_parse_whole("", 1, 500, &n) != 0);
    CHECK(gi_parse_whole(NULL, 1, 500, &n) != 0);
    CHECK(gi_parse_whole("-", 0, 500, &n) != 0);
    CHECK(n == -7); /* refused: left as it was */
    /* one spelling per number: strtoll alone took all of these */
    CHECK(gi_parse_whole("+5", 1, 500, &n) != 0);
    CHECK(gi_parse_whole(" 5", 1, 500, &n) != 0);
    CHECK(gi_parse_whole("\t5", 1, 500, &n) != 0);
    CHECK(gi_parse_whole("-0", -5, 500, &n) != 0);
    CHECK(gi_parse_whole("5 ", 1, 500, &n) != 0);
    CHECK(gi_parse_whole("0x10", 0, 500, &n) != 0);
    CHECK(n == -7);
    CHECK(gi_parse_whole("-12", -100, 100, &n) == 0 && n == -12); /* a negative count */
    CHECK(gi_parse_whole("-9223372036854775808", INT64_MIN, 0, &n) == 0 && n == INT64_MIN);
}

static void test_parse_id(void)
{
    int64_t id = -7;
    CHECK(gi_parse_id("5", &id) == 0 && id == 5);
    CHECK(gi_parse_id("123456789012345678", &id) == 0 && id == INT64_C(123456789012345678));
    id = -7;
    const char *hostile[] = {"+5",  " 5", "5 ",  "-0",  "-5",
                             "0",   "05", "0x5", "5x",  "",
                             "\t5", "５", "1e3", "5.0", "1234567890123456789"};
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++)
        if (gi_parse_id(hostile[i], &id) == 0) {
            fprintf(stderr, "  id '%s' was taken\n", hostile[i]);
            CHECK(!"a hostile id refused");
        }
    CHECK(gi_parse_id(NULL, &id) != 0);
    CHECK(id == -7);
}

static void test_text_refuses_bidi_controls(void)
{
    gi_error_t e;
    /* U+202E RIGHT-TO-LEFT OVERRIDE inside an operator's name */
    CHECK(gi_check_text("operator name", "百色\xe2\x80\xaegpj.exe", 100, 300, 1, &e) == GI_EINVAL);
    CHECK(strstr(e.msg, "operator name") && strstr(e.msg, "U+202E") &&
          strstr(e.msg, "character 3"));
    const char *controls[] = {"\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xac", "\xe2\x80\xad",
                              "\xe2\x80\xae", "\xe2\x81\xa6", "\xe2\x81\xa7", "\xe2\x81\xa8",
                              "\xe2\x81\xa9", "\xe2\x80\x8e", "\xe2\x80\x8f", "\xd8\x9c"};
    for (size_t i = 0; i < sizeof controls / sizeof controls[0]; i++) {
        char s[32];
        snprintf(s, sizeof s, "lot%s42", controls[i]);
        int line = gi_check_text("lot number", s, 60, 300, 0, NULL) == GI_EINVAL;
        int lines = gi_check_lines("report", s, 60, 300, 0, NULL) == GI_EINVAL;
        if (!line || !lines)
            fprintf(stderr, "  control %zu (%s) was taken\n", i, controls[i]);
        CHECK(line && lines);
    }
    /* their neighbours are ordinary text */
    CHECK(gi_check_text("n",
                        "a\xe2\x80\xa9"
                        "b",
                        10, 100, 1, NULL) == GI_OK); /* U+2029 */
    CHECK(gi_check_text("n",
                        "a\xe2\x81\xa5"
                        "b",
                        10, 100, 1, NULL) == GI_OK); /* U+2065 */
    CHECK(gi_check_text("n",
                        "a\xe2\x80\x8d"
                        "b",
                        10, 100, 1, NULL) == GI_OK);              /* U+200D ZWJ */
    CHECK(gi_check_text("n", "عربي", 10, 100, 1, NULL) == GI_OK); /* Arabic text */
}

TEST_MAIN("check", TEST(test_date_of_uses_china_time), TEST(test_check_date),
          TEST(test_date_add_years), TEST(test_check_text), TEST(test_check_region),
          TEST(test_exit_status), TEST(test_tm_matches_gmtime), TEST(test_utf8_repair),
          TEST(test_parse_whole), TEST(test_parse_id), TEST(test_text_refuses_bidi_controls))
