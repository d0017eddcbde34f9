/*
 * csv.c - labels as CSV (RFC 4180) for print houses' variable-data systems.
 */
#include "labels/output.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Writes one field, quoted when it holds a comma, quote or line break. */
static void csv_field(FILE *f, const char *s)
{
    if (!s)
        s = "";
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
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
