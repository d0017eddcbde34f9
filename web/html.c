/*
 * html.c - response bodies: buffer, escaping, templates.
 */
#include "web/html.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void web_buf_init(web_buf_t *b, size_t cap)
{
    b->len = 0;
    b->cap = cap;
    b->p = malloc(cap);
    b->oom = b->p == NULL;
}

void web_buf_free(web_buf_t *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

char *web_buf_take(web_buf_t *b, size_t *len)
{
    char *p = b->p;
    *len = b->len;
    if (b->oom) {
        free(p);
        p = NULL;
        *len = 0;
    }
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}

int web_buf_grow(web_buf_t *b, size_t more)
{
    if (b->oom)
        return -1;
    if (b->len + more <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void web_html_escape(web_buf_t *b, const char *s)
{
    if (!s)
        return;
    for (;;) {
        size_t plain = strcspn(s, "&<>\"'");
        web_buf_add(b, s, plain);
        s += plain;
        const char *ref;
        switch (*s) {
        case '&':
            ref = "&amp;";
            break;
        case '<':
            ref = "&lt;";
            break;
        case '>':
            ref = "&gt;";
            break;
        case '"':
            ref = "&quot;";
            break;
        case '\'':
            ref = "&#39;";
            break;
        default:
            return; /* the end of s */
        }
        web_buf_puts(b, ref);
        s++;
    }
}

/* Appends the decimal digits of v (snprintf's %d costs more than the page's
 * markup around it on the verify path). */
static void put_int(web_buf_t *b, int64_t v)
{
    char digits[24], *end = digits + sizeof digits, *p = end;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        *--p = '-';
    web_buf_add(b, p, (size_t)(end - p));
}

void web_html(web_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *f = fmt;
    for (;;) {
        const char *pct = strchr(f, '%');
        if (!pct) {
            web_buf_add(b, f, strlen(f));
            break;
        }
        web_buf_add(b, f, (size_t)(pct - f));
        switch (pct[1]) {
        case 's':
            web_html_escape(b, va_arg(ap, const char *));
            break;
        case 'd':
            put_int(b, va_arg(ap, int));
            break;
        case 'D':
            put_int(b, va_arg(ap, int64_t));
            break;
        case '%':
            web_buf_add(b, "%", 1);
            break;
        default: /* a template bug: show it rather than guess */
            web_buf_puts(b, "%?");
            if (!pct[1])
                goto out;
            break;
        }
        f = pct + 2;
    }
out:
    va_end(ap);
}

void web_url_escape(web_buf_t *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            web_buf_add(b, (const char *)&c, 1);
        } else {
            char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
            web_buf_add(b, enc, 3);
        }
    }
}
