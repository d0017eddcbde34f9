/*
 * portal_confirm.c - the second step of an irreversible change (revoking an
 * authorisation, voiding a whole batch, activating a batch): the first POST
 * shows a page that names the record and what will happen, and nothing
 * changes until its form is posted again with confirm=1.
 */
#include "web/layout.h"
#include "web/portal_internal.h"

#include <string.h>

int portal_confirmed(page_t *pg)
{
    return strcmp(portal_field(pg, "confirm"), "1") == 0;
}

void portal_confirm_begin(page_t *pg, web_buf_t *b)
{
    const web_desk_text_t *d = web_desk_text(pg->rq->lang);
    portal_frame_begin(pg, b, d->confirm_title);
    web_html(b,
             "<section class=\"card confirm\" role=\"alertdialog\" aria-labelledby=\"confirm-h\">"
             "<h1 id=\"confirm-h\">%s</h1>",
             d->confirm_title);
}

void portal_confirm_end(page_t *pg, web_buf_t *b, const char *action, const char *const *carry,
                        const char *back)
{
    const web_desk_text_t *d = web_desk_text(pg->rq->lang);
    web_html(b, "<form method=\"post\" action=\"%s?lang=%s\">", action, pg->t->param);
    for (size_t i = 0; carry && carry[i]; i++)
        web_html(b, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", carry[i],
                 portal_field(pg, carry[i]));
    web_buf_puts(b, "<input type=\"hidden\" name=\"confirm\" value=\"1\">");
    portal_csrf_field(pg, b);
    web_html(b,
             "<div class=\"actions\"><button type=\"submit\" class=\"danger\">%s</button>"
             "<a class=\"button secondary\" href=\"%s?lang=%s\">%s</a></div></form></section>",
             d->confirm_button, back, pg->t->param, d->cancel);
    web_layout_end(b, pg->t);
    portal_finish(pg, 200, b);
}
