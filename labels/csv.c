/*
 * csv.c - labels as CSV (RFC 4180) for print houses' variable-data systems,
 * written a row at a time.
 */
#include "labels/output.h"

#include <stdio.h>
#include <string.h>

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

/* Adds one field, quoted when it holds a comma, quote or line break. */
static void csv_field(row_t *r, const char *s)
{
    if (!s)
        s = "";
    if (!strpbrk(s, ",\"\r\n")) {
        add(r, s, strlen(s));
        return;
    }
    add(r, "\"", 1);
    for (; *s; s++) {
        if (*s == '"')
            add(r, "\"", 1);
        add(r, s, 1);
    }
    add(r, "\"", 1);
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
