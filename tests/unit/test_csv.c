/*
 * test_csv.c - the one CSV cell writer (labels/csv.h): formula injection
 * neutralised as OWASP advises, genuine values kept readable.
 */
#include "labels/csv.h"
#include "test.h"

typedef struct {
    char s[256];
    size_t n;
} out_t;

static void put(void *arg, const char *p, size_t n)
{
    out_t *o = arg;
    if (o->n + n < sizeof o->s) {
        memcpy(o->s + o->n, p, n);
        o->n += n;
        o->s[o->n] = '\0';
    }
}

static const char *cell(out_t *o, const char *s)
{
    o->n = 0;
    o->s[0] = '\0';
    label_csv_cell(s, put, o);
    return o->s;
}

static void test_formulas_neutralised(void)
{
    out_t o;
    CHECK_STR(cell(&o, "=HYPERLINK(\"http://x\",\"y\")"),
              "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    CHECK_STR(cell(&o, "+cmd|' /C calc'!A0"), "\"'+cmd|' /C calc'!A0\"");
    CHECK_STR(cell(&o, "-2+3+cmd|' /C calc'!A0"), "\"'-2+3+cmd|' /C calc'!A0\"");
    CHECK_STR(cell(&o, "@SUM(1,2)"), "\"'@SUM(1,2)\"");
    CHECK_STR(cell(&o, "\t=1+1"), "\"'\t=1+1\"");
    CHECK_STR(cell(&o, "\r=1+1"), "\"'\r=1+1\"");
    CHECK_STR(cell(&o, "\n=1+1"), "\"'\n=1+1\"");
    CHECK_STR(cell(&o, "="), "\"'=\"");
    CHECK_STR(cell(&o, "-"), "\"'-\"");
    CHECK(label_csv_guarded("=1") && label_csv_guarded("@x") && !label_csv_guarded("a=1"));
}

static void test_genuine_values_readable(void)
{
    out_t o;
    CHECK_STR(cell(&o, "LOT-2026-07"), "LOT-2026-07");
    CHECK_STR(cell(&o, "百色芒果"), "百色芒果");
    CHECK_STR(cell(&o, "https://gi.example/v/ABC"), "https://gi.example/v/ABC");
    CHECK_STR(cell(&o, "-12"), "-12"); /* numbers stay numbers */
    CHECK_STR(cell(&o, "+3.5"), "+3.5");
    CHECK_STR(cell(&o, "42"), "42");
    CHECK_STR(cell(&o, "-1.2.3"), "\"'-1.2.3\"");
    CHECK_STR(cell(&o, "+86 771 1234567"), "\"'+86 771 1234567\""); /* text, kept whole */
    CHECK_STR(cell(&o, ""), "");
    CHECK_STR(cell(&o, NULL), "");
}

static void test_separators_quoted(void)
{
    out_t o;
    CHECK_STR(cell(&o, "a,b"), "\"a,b\"");
    CHECK_STR(cell(&o, "a;=1+1"), "\"a;=1+1\""); /* a ';' locale cannot split it */
    CHECK_STR(cell(&o, "a\t=1"), "\"a\t=1\"");
    CHECK_STR(cell(&o, "say \"hi\""), "\"say \"\"hi\"\"\"");
    CHECK_STR(cell(&o, "two\r\nlines"), "\"two\r\nlines\"");
}

TEST_MAIN("csv", TEST(test_formulas_neutralised), TEST(test_genuine_values_readable),
          TEST(test_separators_quoted))
