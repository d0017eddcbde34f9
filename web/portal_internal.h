/*
 * portal_internal.h - what the signed-in pages share. Internal to
 * web/portal*.c. Which file owns what:
 *   web/portal.c                 answers, CSRF, signing in and out, what the
 *                                desks share, the route table and dispatch
 *   web/portal_operator_desk.c   the operator's desk (/coop/): requests,
 *                                batches, print files, activation, voiding
 *   web/portal_regulator_desk.c  the regulator's dashboard (/admin/) and its
 *                                batch decisions
 *   web/portal_admin.c           the regulator's other pages: the registry,
 *                                authorisations, accounts, reports, audit
 *   web/portal_operators.c       recording operators, their grants and accounts
 *   web/portal_confirm.c         the confirmation step of irreversible changes
 *   web/portal_refused.c         a refused form shown again with what was typed
 *   web/portal_charts.c          the charts page (server-side SVG)
 *   web/portal_usage.c, portal_households.c, portal_supervision.c,
 *   portal_annual.c, portal_words.c: the pages their route tables below name
 */
#ifndef WEB_PORTAL_INTERNAL_H
#define WEB_PORTAL_INTERNAL_H

#include "gi/account.h"
#include "gi/act.h"
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
    int64_t id;      /* the {id} of the route's path, 0 when none */
    const char *arg; /* the route's argument, or NULL */
    /* a page answering a POST: the GET page its language switch goes to
     * (NULL: the desk's home) */
    const char *get_path;
} page_t;

/* Who a route is for: anyone (signing in and out), an operator account (the
 * desk at /coop/) or a regulator or auditor (the desk at /admin/). A
 * signed-in account on the other desk's route is sent to its own. */
typedef enum { PORTAL_ANYONE, PORTAL_OPERATOR, PORTAL_DESK } portal_who_t;

/* One page or form: method ("GET", which HEAD takes too, or "POST"), path
 * ("{id}" stands for a record id, in page_t.id) and what answers it. */
typedef struct {
    const char *method;
    const char *pattern;
    portal_who_t who;
    void (*run)(page_t *pg);
    const char *arg; /* handed to run in page_t.arg */
} portal_route_t;

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
/* After a change: back to the page with the notice, or the error's page. */
void portal_after_change(page_t *pg, gi_err_t rc, const gi_error_t *err, const char *back);
/* A posted field's value ("" when absent). */
const char *portal_field(page_t *pg, const char *name);
void portal_csrf_field(page_t *pg, web_buf_t *b);
/* Opens a table with its n column headings inside the box it scrolls in
 * (sideways, never the page); label names the box for screen readers, wide
 * keeps a table with forms from being squeezed. The caller closes it with
 * "</tbody></table></div>". */
void portal_table_begin(web_buf_t *b, const char *label, int wide, const char *const *headings,
                        size_t n);
/* A one-button form posting to action, with an optional text field. */
void portal_decision_form(page_t *pg, web_buf_t *b, const char *action, const char *label,
                          const char *field_name, const char *field_label, int required);

/* --- what the two desks share (web/portal.c) ---------------------------------- */

/* Records of a list kept in memory for a page (at most 200). */
typedef struct {
    void *items;
    size_t n, size;
} rows_t;

/* The authorisations and batches the account may see (at most 200 each);
 * on failure the page says why and -1 is returned. */
int portal_load_desk(page_t *pg, rows_t *auths, rows_t *batches);
/* A batch's status in the page's words. */
const char *portal_batch_status(const web_portal_text_t *p, const char *status);
/* A batch transition posted by a form; text is the decision note. */
void portal_batch_posted(page_t *pg, gi_batch_action_t action, const char *text, const char *back);

/* The operator desk (web/portal_operator_desk.c) and the regulator's
 * dashboard (web/portal_regulator_desk.c). */
extern const portal_route_t portal_operator_desk_routes[];
extern const size_t portal_operator_desk_route_count;
extern const portal_route_t portal_regulator_desk_routes[];
extern const size_t portal_regulator_desk_route_count;

/* The route of method (HEAD as GET) and path (without its query); NULL
 * when none, with *path_known telling whether another method has one. *id
 * receives the path's record id where the route's pattern has "{id}". */
const portal_route_t *portal_route_find(const char *method, const char *path, int64_t *id,
                                        int *path_known);

/* The regulator's pages beside the dashboard (web/portal_admin.c). */
extern const portal_route_t portal_admin_routes[];
extern const size_t portal_admin_route_count;
/* The use report and output value pages (web/portal_usage.c). */
extern const portal_route_t portal_usage_routes[];
extern const size_t portal_usage_route_count;
/* Households, bases and allocations (web/portal_households.c). */
extern const portal_route_t portal_households_routes[];
extern const size_t portal_households_route_count;
/* The supervision desk (web/portal_supervision.c). */
extern const portal_route_t portal_supervision_routes[];
extern const size_t portal_supervision_route_count;
/* The annual supervision report (web/portal_annual.c). */
extern const portal_route_t portal_annual_routes[];
extern const size_t portal_annual_route_count;
/* The product as the consumer page shows it: names in vi and th, photo
 * (web/portal_words.c). */
extern const portal_route_t portal_words_routes[];
extern const size_t portal_words_route_count;
/* What a product's labels must name: its numbers, or the office's decision
 * to print it without one (web/portal_rules.c). */
extern const portal_route_t portal_rules_routes[];
extern const size_t portal_rules_route_count;
/* Recording operators, their grants and accounts (web/portal_operators.c). */
extern const portal_route_t portal_operators_routes[];
extern const size_t portal_operators_route_count;

/* The regulator's charts (web/portal_charts.c). */
extern const portal_route_t portal_charts_routes[];
extern const size_t portal_charts_route_count;

/* --- a refused form shown again (web/portal_refused.c) --- */

/* Which field a refusal belongs to ("" for the form as a whole) and its
 * message in the page's language. */
typedef struct {
    const char *field;
    const char *msg;
} portal_problem_t;

/* 400 for a refused value, 409 for a conflict with what is recorded. */
unsigned portal_problem_status(gi_err_t rc);
/* The error beside field name of form (an id prefix), when it is that field's. */
void portal_field_error(web_buf_t *b, const portal_problem_t *pr, const char *form,
                        const char *name);
/* A labelled text input holding value, marked invalid when the refusal is
 * its; attrs is trusted markup (pattern, type, required ...). */
void portal_input(web_buf_t *b, const portal_problem_t *pr, const char *form, const char *name,
                  const char *label, const char *hint, const char *value, const char *attrs);
/* A field and the words a refusal's message begins with when it is that
 * field's (gi/ names the field it refuses first). */
typedef struct {
    const char *prefix, *field;
} portal_prefix_t;
/* The field of fields (n of them) whose prefix msg begins with, "" when none. */
const char *portal_field_of(const char *msg, const portal_prefix_t *fields, size_t n);
/* What field name holds: as posted after a refusal (pr), else fresh. */
const char *portal_kept(page_t *pg, const portal_problem_t *pr, const char *name,
                        const char *fresh);
/* A labelled select of n values shown as labels, selected chosen (or none),
 * with the refusal beside it when it is the field's. */
void portal_select(web_buf_t *b, const portal_problem_t *pr, const char *form, const char *name,
                   const char *label, const char *const *values, const char *const *labels,
                   size_t n, const char *selected);
/* The notice above a refused form (pr NULL: none), with the way back. */
void portal_form_problem(page_t *pg, web_buf_t *b, const portal_problem_t *pr, const char *back);

/* --- the confirmation step of an irreversible change (web/portal_confirm.c) ---
 * The first POST of such a form shows a page naming the record and changes
 * nothing; its form posts the same fields again with confirm=1 (and the
 * session's CSRF token, as every form). */
int portal_confirmed(page_t *pg);
/* Opens the confirmation page; the caller then writes what will happen
 * (web_html, a <p>) and closes it with portal_confirm_end. */
void portal_confirm_begin(page_t *pg, web_buf_t *b);
/* The form that posts to action (a path) the fields carry names (NULL-ended)
 * with their posted values and confirm=1; back is where "cancel" goes. */
void portal_confirm_end(page_t *pg, web_buf_t *b, const char *action, const char *const *carry,
                        const char *back);

/* The links between the regulator's pages. */
void portal_admin_nav(page_t *pg, web_buf_t *b);
/* Reads the product pg->id as the account may see it into p and opens its
 * desk page headed "title: name" (frame, nav, heading); returns 0 after
 * answering with the refusal instead. */
int portal_product_page_begin(page_t *pg, web_buf_t *b, const char *title, db_product_t *p);

/* Who acted, as the audit log names it ("user:reg", "cli:unknown", "web:api"),
 * in the page's language (web/portal_admin.c). */
const char *portal_actor(web_lang_t lang, const char *actor, char *out, size_t cap);
/* A stored JSON detail (the audit log's, a draw's plan) as "key: value"
 * pairs in the page's language: keys and stored words (statuses, results)
 * in words, the data as it is (web/portal_admin.c). */
void portal_detail(web_buf_t *b, web_lang_t lang, const char *entity, const json_t *v);

#endif
