/*
 * layout.c - the shared page frame.
 */
#include "web/layout.h"

static void head(web_buf_t *b, const web_strings_t *t, const char *title, const char *brand,
                 const char *home)
{
    web_html(b,
             "<!doctype html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
             "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
             "<meta name=\"robots\" content=\"noindex\">"
             "<title>%s - %s</title><link rel=\"stylesheet\" href=\"/static/gimark.css\">"
             "</head><body><header class=\"top\"><a class=\"brand\" href=\"%s?lang=%s\">%s</a>",
             t->tag, title, brand, home, t->param, brand);
}

void web_layout_begin(web_buf_t *b, const web_strings_t *t, const char *title, const char *brand,
                      const char *home)
{
    const web_strings_t *other =
        web_strings(t == web_strings(WEB_LANG_EN) ? WEB_LANG_ZH : WEB_LANG_EN);
    head(b, t, title, brand, home);
    web_html(b,
             "<a class=\"lang\" href=\"?lang=%s\" hreflang=\"%s\" lang=\"%s\">%s</a></header>"
             "<main>",
             other->param, other->tag, other->tag, t->switch_to);
}

void web_layout_begin_consumer(web_buf_t *b, const web_strings_t *t, const char *title,
                               const char *brand, const char *home)
{
    head(b, t, title, brand, home);
    web_html(b, "<nav class=\"langs\" aria-label=\"%s\">", t->lang_menu);
    for (int i = 0; i < WEB_LANG_COUNT; i++) {
        const web_strings_t *l = web_strings((web_lang_t)i);
        if (l == t)
            web_html(b, "<span class=\"lang\" aria-current=\"true\" lang=\"%s\">%s</span>", l->tag,
                     l->lang_name);
        else
            web_html(b, "<a class=\"lang\" href=\"?lang=%s\" hreflang=\"%s\" lang=\"%s\">%s</a>",
                     l->param, l->tag, l->tag, l->lang_name);
    }
    web_buf_puts(b, "</nav></header><main>");
}

void web_layout_end(web_buf_t *b, const web_strings_t *t)
{
    web_html(b, "</main><footer>%s</footer></body></html>\n", t->footer);
}
