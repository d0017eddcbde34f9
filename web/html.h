/*
 * html.h - building response bodies: a growing buffer, and HTML templates
 * that escape every dynamic value by default.
 *
 * web_html() is the one way dynamic text enters a page: its %s escapes the
 * string for use in element content and in quoted attribute values alike.
 * Literal markup goes through web_buf_puts() only.
 *
 * Thread-safety: a web_buf_t belongs to one thread.
 */
#ifndef WEB_HTML_H
#define WEB_HTML_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    char *p;
    size_t len, cap;
    int oom; /* an append failed: the content is incomplete */
} web_buf_t;

/* Starts an empty buffer with room for cap bytes (allocation may fail: then
 * oom is set and every append is ignored). */
void web_buf_init(web_buf_t *b, size_t cap);
void web_buf_free(web_buf_t *b);
/* Hands the bytes to the caller (to free()), leaving b empty; NULL on oom. */
char *web_buf_take(web_buf_t *b, size_t *len);

/* Makes room for more bytes; -1 (and oom set) when that fails. */
int web_buf_grow(web_buf_t *b, size_t more);

/* Appends n bytes as they are (inline: pages are built from many short runs). */
static inline void web_buf_add(web_buf_t *b, const char *s, size_t n)
{
    if (n == 0 || (b->len + n > b->cap && web_buf_grow(b, n) != 0) || b->oom)
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

/* Appends trusted literal text (markup) as it is. */
static inline void web_buf_puts(web_buf_t *b, const char *s)
{
    web_buf_add(b, s, strlen(s));
}

/* Appends s with & < > " ' replaced by character references. */
void web_html_escape(web_buf_t *b, const char *s);

/* A template: literal text from fmt, with
 *   %s  a string, HTML-escaped (NULL prints nothing)
 *   %d  an int
 *   %D  an int64_t
 *   %%  a percent sign. */
void web_html(web_buf_t *b, const char *fmt, ...);

/* Appends s percent-encoded for use in a URL path segment or query value
 * (everything but A-Z a-z 0-9 - . _ ~ is encoded). */
void web_url_escape(web_buf_t *b, const char *s);

#endif
