/*
 * layout.h - the one frame every HTML page shares: document head, the top
 * bar with the service's name and the language switch, the footer. Pages
 * put their content between web_layout_begin() and web_layout_end().
 *
 * Thread-safety: pure functions of their arguments; a fragment is drawn
 * once, under a lock, by whichever thread needs it first.
 */
#ifndef WEB_LAYOUT_H
#define WEB_LAYOUT_H

#include "web/html.h"
#include "web/i18n.h"

#include <stdatomic.h>

/* Opens a page titled title; brand (shown top left) links to home. */
void web_layout_begin(web_buf_t *b, const web_strings_t *t, const char *title, const char *brand,
                      const char *home);
/* The same for the consumer pages: the language menu offers every language
 * (zh, en, vi, th); the desks offer zh and en. */
void web_layout_begin_consumer(web_buf_t *b, const web_strings_t *t, const char *title,
                               const char *brand, const char *home);
/* The consumer frame of a page that answers a POST: every language's link
 * goes to the page self (a path: its GET page). */
void web_layout_begin_consumer_at(web_buf_t *b, const web_strings_t *t, const char *title,
                                  const char *brand, const char *home, const char *self);
/* The same, with the language switch linking to the page self (a path,
 * for a page that answers a POST: its GET page) instead of the page itself. */
void web_layout_begin_at(web_buf_t *b, const web_strings_t *t, const char *title, const char *brand,
                         const char *home, const char *self);
void web_layout_end(web_buf_t *b, const web_strings_t *t);

/* A part of a page that depends on the page's language alone (a menu, a
 * form's fixed markup), drawn by draw once for every language on first use
 * and copied from then on: the consumer page is drawn on every scan. */
typedef struct {
    void (*draw)(web_buf_t *b, const web_strings_t *t);
    _Atomic int drawn;
    web_buf_t text[WEB_LANG_COUNT];
} web_fragment_t;

#define WEB_FRAGMENT(draw_fn)                                                                      \
    {                                                                                              \
        .draw = (draw_fn)                                                                          \
    }

/* Appends f in t's language (drawn afresh if it could not be kept). */
void web_fragment(web_buf_t *b, web_fragment_t *f, const web_strings_t *t);

#endif
