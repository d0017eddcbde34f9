/*
 * check.c - validation of outside input shared by the gi_ rules: text,
 * dates and region codes; and the mapping of storage failures.
 */
#include "gi/gi.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gi_tm_of(int64_t t, gi_tm_t *out)
{
    /* days to civil date: H. Hinnant's algorithm, over 400-year eras */
    int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    int64_t secs = t - days * 86400;
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t month = mp < 10 ? mp + 3 : mp - 9;
    out->year = (int)(yoe + era * 400 + (month <= 2));
    out->month = (int)month;
    out->day = (int)(doy - (153 * mp + 2) / 5 + 1);
    out->hour = (int)(secs / 3600);
    out->minute = (int)(secs / 60 % 60);
    out->second = (int)(secs % 60);
}

static void put_digits(char *p, int v, int n)
{
    v = v < 0 ? -v : v;
    for (int i = n - 1; i >= 0; i--, v /= 10)
        p[i] = (char)('0' + v % 10);
}

void gi_date_of(int64_t t, char out[GI_DATE_LEN + 1])
{
    gi_tm_t tm;
    gi_tm_of(t + GI_CST_OFFSET, &tm);
    put_digits(out, tm.year, 4);
    out[4] = '-';
    put_digits(out + 5, tm.month, 2);
    out[7] = '-';
    put_digits(out + 8, tm.day, 2);
    out[10] = '\0';
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t gi_day_start(const char *date)
{
    if (gi_check_date("date", date, NULL) != GI_OK)
        return -1;
    int64_t y =
        (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 + (date[3] - '0');
    int64_t m = (date[5] - '0') * 10 + (date[6] - '0');
    int64_t d = (date[8] - '0') * 10 + (date[9] - '0');
    return days_from_civil(y, m, d) * 86400 - GI_CST_OFFSET;
}

int64_t gi_date_end(const char *date)
{
    int64_t start = gi_day_start(date);
    return start < 0 ? -1 : start + 86400 - 1;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Parses YYYY-MM-DD strictly; 0 on success. */
static int parse_date(const char *s, int *y, int *m, int *d)
{
    if (!s || strlen(s) != GI_DATE_LEN || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < GI_DATE_LEN; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return -1;
    *y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    *m = (s[5] - '0') * 10 + (s[6] - '0');
    *d = (s[8] - '0') * 10 + (s[9] - '0');
    if (*y < 1900 || *y > 9998 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
        return -1;
    return 0;
}

gi_err_t gi_check_date(const char *field, const char *s, gi_error_t *err)
{
    int y, m, d;
    if (parse_date(s, &y, &m, &d) != 0)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_DATE_INVALID,
                            "%s: '%s' is not a date written YYYY-MM-DD", field, s ? s : "");
    return GI_OK;
}

void gi_date_add_years(const char date[GI_DATE_LEN + 1], int years, char out[GI_DATE_LEN + 1])
{
    int y, m, d;
    if (parse_date(date, &y, &m, &d) != 0) {
        snprintf(out, GI_DATE_LEN + 1, "%s", date);
        return;
    }
    y += years;
    if (d > days_in_month(y, m))
        d = days_in_month(y, m);
    snprintf(out, GI_DATE_LEN + 1, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u);
}

/* Length of the UTF-8 sequence at s (at most n bytes), 0 when invalid.
 * Overlong forms, surrogates and code points above U+10FFFF are invalid. */
static size_t utf8_sequence(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    unsigned cp = c & (0x7Fu >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

void gi_utf8_repair(char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t len = utf8_sequence((const unsigned char *)s + i, n - i);
        if (len == 0) {
            s[i] = '?';
            len = 1;
        }
        i += len;
    }
}

static int allowed_control(unsigned char c, int multiline)
{
    return multiline && (c == '\n' || c == '\r' || c == '\t');
}

/* The code point of the valid len-byte UTF-8 sequence at p. */
static unsigned utf8_code_point(const unsigned char *p, size_t len)
{
    unsigned cp = len == 1 ? p[0] : p[0] & (0x7Fu >> len);
    for (size_t i = 1; i < len; i++)
        cp = (cp << 6) | (p[i] & 0x3Fu);
    return cp;
}

/* True for the invisible controls that change the direction text is shown
 * in: embeddings and overrides U+202A..U+202E, isolates U+2066..U+2069 and
 * the marks U+200E, U+200F, U+061C. Spliced into a name, they make a list,
 * a CSV opened in a spreadsheet or a printed label show other text than
 * what is stored ("Trojan Source"); no GI record needs them. */
static int bidi_control(unsigned cp)
{
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
           cp == 0x200F || cp == 0x061C;
}

static gi_err_t check_text(const char *field, const char *s, size_t max_chars, size_t max_bytes,
                           int required, int multiline, gi_error_t *err)
{
    if (!s)
        s = "";
    size_t n = strlen(s);
    if (required && n == 0)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_TEXT_REQUIRED, "%s is required", field);
    if (n > max_bytes)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_TEXT_TOO_LONG,
                            "%s is too long (at most %zu characters)", field, max_chars);
    size_t chars = 0;
    for (size_t i = 0; i < n; chars++) {
        const unsigned char *p = (const unsigned char *)s + i;
        size_t len = utf8_sequence(p, n - i);
        if (len == 0)
            return gi_fail_rule(err, GI_EINVAL, GI_RULE_TEXT_NOT_UTF8,
                                "%s is not valid UTF-8 (byte %zu)", field, i + 1);
        if (len == 1 && (p[0] < 0x20 || p[0] == 0x7F) && !allowed_control(p[0], multiline))
            return gi_fail_rule(err, GI_EINVAL, GI_RULE_TEXT_CONTROL_CHAR,
                                "%s contains a control character (byte %zu)", field, i + 1);
        unsigned cp = utf8_code_point(p, len);
        if (bidi_control(cp))
            return gi_fail_rule(err, GI_EINVAL, GI_RULE_TEXT_BIDI_CONTROL,
                                "%s contains an invisible text-direction control U+%04X (character "
                                "%zu): type the text without it",
                                field, cp, chars + 1);
        i += len;
    }
    if (chars > max_chars)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_TEXT_TOO_LONG,
                            "%s is too long (%zu characters, at most %zu)", field, chars,
                            max_chars);
    return GI_OK;
}

gi_err_t gi_check_text(const char *field, const char *s, size_t max_chars, size_t max_bytes,
                       int required, gi_error_t *err)
{
    return check_text(field, s, max_chars, max_bytes, required, 0, err);
}

gi_err_t gi_check_lines(const char *field, const char *s, size_t max_chars, size_t max_bytes,
                        int required, gi_error_t *err)
{
    return check_text(field, s, max_chars, max_bytes, required, 1, err);
}

static int province_known(int p)
{
    static const int provinces[] = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34,
                                    35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
                                    53, 54, 61, 62, 63, 64, 65, 71, 81, 82};
    for (size_t i = 0; i < sizeof provinces / sizeof provinces[0]; i++)
        if (provinces[i] == p)
            return 1;
    return 0;
}

int gi_parse_whole(const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (!s)
        return -1;
    const char *digits = s[0] == '-' ? s + 1 : s;
    size_t n = strspn(digits, "0123456789");
    /* 19 digits hold every int64_t; strtoll alone would also take " 5",
     * "+5" and "-0", so that one number had many spellings */
    if (n == 0 || n > 19 || digits[n] != '\0')
        return -1;
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno == ERANGE || v < min || v > max || (digits != s && v == 0))
        return -1;
    *out = v;
    return 0;
}

int gi_parse_id(const char *s, int64_t *out)
{
    if (!s || s[0] < '1' || s[0] > '9')
        return -1;
    size_t n = strspn(s, "0123456789");
    if (n > GI_ID_DIGITS_MAX || s[n] != '\0')
        return -1;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    *out = v;
    return 0;
}

gi_err_t gi_check_region(const char *field, const char *s, gi_error_t *err)
{
    if (!s || strlen(s) != 6 || strspn(s, "0123456789") != 6)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_REGION_CODE_INVALID,
                            "%s: '%s' is not a 6-digit GB/T 2260 region code", field, s ? s : "");
    if (!province_known((s[0] - '0') * 10 + (s[1] - '0')))
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_REGION_CODE_INVALID,
                            "%s: '%s' does not start with a GB/T 2260 province code", field, s);
    return GI_OK;
}

int gi_region_within(const char *region, const char *scope)
{
    return scope == NULL || strncmp(region, scope, strlen(scope)) == 0;
}

gi_err_t gi_db_fail(db_t *db, db_err_t rc, gi_error_t *err)
{
    switch (rc) {
    case DB_OK:
        return GI_OK;
    case DB_ENOTFOUND:
        return gi_fail(err, GI_ENOTFOUND, "%s", db_errmsg(db));
    case DB_EEXISTS:
        return gi_fail(err, GI_EEXISTS, "%s", db_errmsg(db));
    case DB_EBUSY:
        return gi_fail(err, GI_EREFUSED, "%s", db_errmsg(db));
    case DB_EIO:
        break;
    }
    return gi_fail(err, GI_EIO, "database: %s", db_errmsg(db));
}

gi_err_t gi_change_begin(const gi_ctx_t *ctx, gi_error_t *err)
{
    db_err_t rc = db_begin(ctx->db);
    return rc == DB_OK ? GI_OK : gi_db_fail(ctx->db, rc, err);
}

gi_err_t gi_change_end(const gi_ctx_t *ctx, gi_err_t rc, gi_error_t *err)
{
    if (rc == GI_OK) {
        db_err_t drc = db_commit(ctx->db);
        if (drc == DB_OK)
            return GI_OK;
        rc = gi_db_fail(ctx->db, drc, err);
    }
    db_rollback(ctx->db);
    return rc;
}
