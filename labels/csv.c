/*
 * csv.c - labels as CSV (RFC 4180) for print houses' variable-data systems,
 * and the one CSV cell writer of gimark (labels/csv.h): a print house opens
 * these files in a spreadsheet too, and the lot number is an operator's text.
 */
#include "labels/csv.h"
#include "labels/output.h"

#include <errno.h>
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

static void put_file(void *arg, const char *p, size_t n)
{
    fwrite(p, 1, n, (FILE *)arg);
}

/* Writes one field (label_csv_cell: neutralised, quoted when needed). */
static void csv_field(FILE *f, const char *s)
{
    label_csv_cell(s, put_file, f);
}

label_err_t label_write_csv(const label_content_t *c, const label_item_t *items, size_t n,
                            const char *path, char *errbuf, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(errbuf, errlen, "cannot write %s: %s", path, strerror(errno));
        return LABEL_EIO;
    }
    fputs("code,url,sequence,lot\r\n", f);
    for (size_t i = 0; i < n; i++) {
        csv_field(f, items[i].code);
        fputc(',', f);
        csv_field(f, items[i].url);
        fprintf(f, ",%ld,", items[i].sequence);
        csv_field(f, c->lot);
        fputs("\r\n", f);
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        snprintf(errbuf, errlen, "cannot write %s: %s", path, strerror(errno));
        return LABEL_EIO;
    }
    return LABEL_OK;
}
