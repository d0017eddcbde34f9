/*
 * csv.c - labels as CSV (RFC 4180) for print houses' variable-data systems,
 * and the one CSV cell writer of gimark (labels/csv.h): a print house opens
 * these files in a spreadsheet too, and the lot number is an operator's text.
 * Rows are written to the sink one at a time.
 */
#include "labels/csv.h"
#include "labels/output.h"

#include <stdio.h>
#include <string.h>

/* A plain decimal number: an optional sign, digits, at most one point
 * with digits on both sides. */
static int plain_number(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    size_t n = strspn(s, "0123456789");
    if (n == 0)
        return 0;
    s += n;
    if (*s == '.') {
        n = strspn(++s, "0123456789");
        if (n == 0)
            return 0;
        s += n;
    }
    return *s == '\0';
}

int label_csv_guarded(const char *s)
{
    return s && s[0] && strchr("=+-@\t\r\n", s[0]) && !plain_number(s);
}

void label_csv_cell(const char *s, label_csv_put_fn put, void *arg)
{
    if (!s)
        s = "";
    int guard = label_csv_guarded(s);
    if (!guard && !strpbrk(s, ",;\t\"\r\n")) {
        put(arg, s, strlen(s));
        return;
    }
    put(arg, guard ? "\"'" : "\"", guard ? 2 : 1);
    for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1) {
        put(arg, s, (size_t)(q - s) + 1); /* through the quote, */
        put(arg, "\"", 1);                /* which is doubled */
    }
    put(arg, s, strlen(s));
    put(arg, "\"", 1);
}

#define ROW_MAX 4096

typedef struct {
    char s[ROW_MAX];
    size_t n;
    int overflow;
} row_t;

static void add(row_t *r, const char *s, size_t len)
{
    if (r->n + len >= sizeof r->s) {
        r->overflow = 1;
        return;
    }
    memcpy(r->s + r->n, s, len);
    r->n += len;
}

static void put_row(void *arg, const char *p, size_t n)
{
    add(arg, p, n);
}

/* Adds one field (label_csv_cell: neutralised, quoted when needed). */
static void csv_field(row_t *r, const char *s)
{
    label_csv_cell(s, put_row, r);
}

label_err_t label_write_csv(const label_content_t *c, const label_item_t *items, size_t n,
                            label_out_t *o, char *errbuf, size_t errlen)
{
    static const char header[] = "code,url,sequence,lot\r\n";
    if (label_out_write(o, header, sizeof header - 1) != 0)
        return label_out_failed(o, errbuf, errlen);
    for (size_t i = 0; i < n; i++) {
        row_t r = {.n = 0};
        char seq[32];
        if (label_out_stopped(o))
            return label_out_failed(o, errbuf, errlen);
        csv_field(&r, items[i].code);
        add(&r, ",", 1);
        csv_field(&r, items[i].url);
        int k = snprintf(seq, sizeof seq, ",%ld,", items[i].sequence);
        add(&r, seq, (size_t)k);
        csv_field(&r, c->lot);
        add(&r, "\r\n", 2);
        if (r.overflow) {
            snprintf(errbuf, errlen, "label %ld: a CSV row longer than %d bytes", items[i].sequence,
                     ROW_MAX);
            return LABEL_EINVAL;
        }
        if (label_out_write(o, r.s, r.n) != 0)
            return label_out_failed(o, errbuf, errlen);
    }
    return LABEL_OK;
}
