/*
 * layout.c - the shared page frame.
 */
#include "web/layout.h"

#include <pthread.h>
#include <stdatomic.h>

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
    web_layout_begin_at(b, t, title, brand, home, "");
}

void web_layout_begin_at(web_buf_t *b, const web_strings_t *t, const char *title, const char *brand,
                         const char *home, const char *self)
{
    const web_strings_t *other =
        web_strings(t == web_strings(WEB_LANG_EN) ? WEB_LANG_ZH : WEB_LANG_EN);
    head(b, t, title, brand, home);
    web_html(b,
             "<a class=\"lang\" href=\"%s?lang=%s\" hreflang=\"%s\" lang=\"%s\">%s</a></header>"
             "<main>",
             self, other->param, other->tag, other->tag, t->switch_to);
}

/* The four languages, each linking to the page self ("": this page). */
static void language_menu_at(web_buf_t *b, const web_strings_t *t, const char *self)
{
    web_html(b, "<nav class=\"langs\" aria-label=\"%s\">", t->lang_menu);
    for (int i = 0; i < WEB_LANG_COUNT; i++) {
        const web_strings_t *l = web_strings((web_lang_t)i);
        if (l == t)
            web_html(b, "<span class=\"lang\" aria-current=\"true\" lang=\"%s\">%s</span>", l->tag,
                     l->lang_name);
        else
            web_html(b, "<a class=\"lang\" href=\"%s?lang=%s\" hreflang=\"%s\" lang=\"%s\">%s</a>",
                     self, l->param, l->tag, l->tag, l->lang_name);
    }
    web_buf_puts(b, "</nav></header><main>");
}

static void language_menu(web_buf_t *b, const web_strings_t *t)
{
    language_menu_at(b, t, "");
}

void web_layout_begin_consumer(web_buf_t *b, const web_strings_t *t, const char *title,
                               const char *brand, const char *home)
{
    static web_fragment_t menu = WEB_FRAGMENT(language_menu);
    head(b, t, title, brand, home);
    web_fragment(b, &menu, t);
}

void web_layout_begin_consumer_at(web_buf_t *b, const web_strings_t *t, const char *title,
                                  const char *brand, const char *home, const char *self)
{
    head(b, t, title, brand, home);
    language_menu_at(b, t, self);
}

void web_layout_end(web_buf_t *b, const web_strings_t *t)
{
    web_html(b, "</main><footer>%s</footer></body></html>\n", t->footer);
}

static pthread_mutex_t drawing = PTHREAD_MUTEX_INITIALIZER;

void web_fragment(web_buf_t *b, web_fragment_t *f, const web_strings_t *t)
{
    if (!atomic_load_explicit(&f->drawn, memory_order_acquire)) {
        pthread_mutex_lock(&drawing);
        if (!atomic_load_explicit(&f->drawn, memory_order_relaxed)) {
            for (int i = 0; i < WEB_LANG_COUNT; i++) {
                web_buf_init(&f->text[i], 1024);
                f->draw(&f->text[i], web_strings((web_lang_t)i));
            }
            atomic_store_explicit(&f->drawn, 1, memory_order_release);
        }
        pthread_mutex_unlock(&drawing);
    }
    for (int i = 0; i < WEB_LANG_COUNT; i++)
        if (web_strings((web_lang_t)i) == t && !f->text[i].oom) {
            web_buf_add(b, f->text[i].p, f->text[i].len);
            return;
        }
    f->draw(b, t);
}
