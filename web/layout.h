/*
 * layout.h - the one frame every HTML page shares: document head, the top
 * bar with the service's name and the language switch, the footer. Pages
 * put their content between web_layout_begin() and web_layout_end().
 *
 * Thread-safety: pure functions of their arguments.
 */
#ifndef WEB_LAYOUT_H
#define WEB_LAYOUT_H

#include "web/html.h"
#include "web/i18n.h"

/* Opens a page titled title; brand (shown top left) links to home. */
void web_layout_begin(web_buf_t *b, const web_strings_t *t, const char *title, const char *brand,
                      const char *home);
/* The same, with the language switch linking to the page self (a path,
 * for a page that answers a POST: its GET page) instead of the page itself. */
void web_layout_begin_at(web_buf_t *b, const web_strings_t *t, const char *title, const char *brand,
                         const char *home, const char *self);
void web_layout_end(web_buf_t *b, const web_strings_t *t);

#endif
