/*
 * consumer.h - what a consumer sees: the verification page, the home page
 * with its code form, the report pages and the verdict as JSON.
 *
 * Pages are mobile-first HTML without JavaScript; every dynamic value goes
 * through web_html(). The verdict is told by a heading, an icon and a
 * sentence, not by colour alone.
 *
 * Thread-safety: pure functions of their arguments.
 */
#ifndef WEB_CONSUMER_H
#define WEB_CONSUMER_H

#include "gi/verify.h"
#include "web/html.h"
#include "web/i18n.h"

#include <jansson.h>

/* The office that issues the labels, as the consumer page names it. */
typedef struct {
    const char *name, *hotline, *website; /* "" when not set */
} web_office_t;

typedef struct {
    web_lang_t lang;
    const char *today;        /* YYYY-MM-DD, China Standard Time */
    int64_t repeat_threshold; /* distinct clients inside the repeat window above which a
                                 warning shows (0: never) */
    web_office_t office;
} web_page_ctx_t;

/* The page for a verification; input is the code as received (shown when
 * it named no label). */
void web_page_verification(web_buf_t *b, const web_page_ctx_t *pc, const gi_verification_t *v,
                           const char *input);
void web_page_home(web_buf_t *b, const web_page_ctx_t *pc);
/* A page with a title, a sentence and the code form: errors and refusals. */
void web_page_message(web_buf_t *b, const web_page_ctx_t *pc, const char *title, const char *text);
/* After a report: thanks, and the way back to the code's page. */
void web_page_report_done(web_buf_t *b, const web_page_ctx_t *pc, const char *code);
/* After a report refused for what was typed (gi_report_add's checks): why,
 * the form again with the text and contact as typed and the reason beside
 * the field refused ("text" or "contact"; NULL: neither, e.g. the code),
 * and the way back to the code's page. */
void web_page_report_refused(web_buf_t *b, const web_page_ctx_t *pc, const char *code,
                             const char *field, const char *reason, const char *text,
                             const char *contact);

/* The verdict as JSON (new reference): what the page shows, nothing more. */
json_t *web_json_verification(const web_page_ctx_t *pc, const gi_verification_t *v,
                              const char *input);

#endif
