/*
 * layout.c - the shared page frame.
 */
#include "web/layout.h"

void web_layout_begin(web_buf_t *b, const web_strings_t *t, const char *title, const char *brand,
                      const char *home)
{
    web_layout_begin_at(b, t, title, brand, home, "");
}

void web_layout_begin_at(web_buf_t *b, const web_strings_t *t, const char *title, const char *brand,
                         const char *home, const char *self)
{
    const web_strings_t *other =
        web_strings(t == web_strings(WEB_LANG_EN) ? WEB_LANG_ZH : WEB_LANG_EN);
    web_html(b,
             "<!doctype html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
             "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
             "<meta name=\"robots\" content=\"noindex\">"
             "<title>%s - %s</title><link rel=\"stylesheet\" href=\"/static/gimark.css\">"
             "</head><body><header class=\"top\"><a class=\"brand\" href=\"%s?lang=%s\">%s</a>"
             "<a class=\"lang\" href=\"%s?lang=%s\" hreflang=\"%s\" lang=\"%s\">%s</a></header>"
             "<main>",
             t->tag, title, brand, home, t->param, brand, self, other->param, other->tag,
             other->tag, t->switch_to);
}

void web_layout_end(web_buf_t *b, const web_strings_t *t)
{
    web_html(b, "</main><footer>%s</footer></body></html>\n", t->footer);
}
