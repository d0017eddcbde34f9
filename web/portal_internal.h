/*
 * portal_internal.h - what the signed-in pages share (web/portal.c: sessions,
 * the operator desk, the dashboard; web/portal_admin.c: the regulator's
 * other pages). Internal to web/portal*.c.
 */
#ifndef WEB_PORTAL_INTERNAL_H
#define WEB_PORTAL_INTERNAL_H

#include "gi/account.h"
#include "web/html.h"
#include "web/portal.h"

typedef struct {
    const gi_ctx_t *ctx;
    const web_portal_request_t *rq;
    web_portal_response_t *out;
    const web_strings_t *t;
    const web_portal_text_t *p;
    db_account_t account;
    char csrf[GI_CSRF_MAX];
    int signed_in;
    char actor[96];
    char today[GI_DATE_LEN + 1];
} page_t;

/* Hands the page in b to the answer with status. */
void portal_finish(page_t *pg, unsigned status, web_buf_t *b);
/* 303 to a page; done adds the notice that a change was made. */
void portal_redirect(page_t *pg, const char *to, int done);
/* Opens a page in the shared layout, with the account bar when signed in. */
void portal_frame_begin(page_t *pg, web_buf_t *b, const char *title);
/* The page's heading, and the notice that a change was made when it was. */
void portal_heading(page_t *pg, web_buf_t *b, const char *title);
void portal_message(page_t *pg, unsigned status, const char *title, const char *text);
/* An error of gi/ as a page with its status (400, 403, 404, 409, 503). */
void portal_error(page_t *pg, gi_err_t rc, const gi_error_t *err);
/* A posted field's value ("" when absent). */
const char *portal_field(page_t *pg, const char *name);
int portal_parse_id(const char *s, int64_t *out);
void portal_csrf_field(page_t *pg, web_buf_t *b);
/* A one-button form posting to action, with an optional text field. */
void portal_decision_form(page_t *pg, web_buf_t *b, const char *action, const char *label,
                          const char *field_name, const char *field_label, int required);

/* The regulator's pages (web/portal_admin.c): GET rest of /admin/ (not the
 * dashboard), and POSTs; both return 0 when rest was theirs. */
int portal_admin_page(page_t *pg, const char *rest);
int portal_admin_post(page_t *pg, const char *rest);
/* The links between the regulator's pages. */
void portal_admin_nav(page_t *pg, web_buf_t *b);

#endif
