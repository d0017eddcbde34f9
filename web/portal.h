/*
 * portal.h - the signed-in pages: sign-in and sign-out, the operator desk
 * (/coop/) and the regulator desk (/admin/). Server-rendered HTML in the
 * shared layout, zh-CN and English.
 *
 *     GET  /login              POST /login             POST /logout
 *     GET  /coop/              authorisations and quota left, a request form,
 *                              batches with downloads and activation, reports
 *     POST /coop/batches       request a batch
 *     POST /coop/batches/{id}/activate|void
 *     GET  /coop/batches/{id}/labels?format=pdf|csv|svg|png|zip
 *     GET  /admin/             progress toward the target, the queues
 *     POST /admin/batches/{id}/approve|reject|issue
 *     POST /admin/authorisations/{id}/approve|suspend|reinstate|revoke
 *     GET  /admin/authorisations, batches, products, operators, reports, audit
 *          (each list also ?format=csv), /admin/register
 *     GET  /admin/products/{id}/edit, /admin/operators/{id}/edit (and POST)
 *     GET  /admin/operators/new (and POST: record an operator, web/portal_operators.c)
 *     POST /admin/products, /admin/reports/{id}/triaged|closed
 *     GET  /coop/usage, /coop/usage/{id}   POST /coop/usage   (web/portal_usage.c)
 *     GET  /admin/usage (?format=csv), /admin/usage/{id}, /admin/usage/missing?period=,
 *          /admin/output?year=&by= (?format=csv)
 *     POST /admin/usage/{id}/accept|return
 *
 * The route tables of web/portal*.c (listed in portal_route_find; which file
 * owns what: web/portal_internal.h) are the complete list. A path with no route for the method
 * answers 405, no route at all 404; {id} matches ASCII digits only (gi_parse_id). Every CSV cell is
 * written by label_csv_cell (labels/csv.h), which defuses formulas.
 *
 * Sessions live in an HttpOnly, SameSite=Strict cookie (Secure when the
 * server is reached over https); every form carries a CSRF token, checked
 * before anything changes (the sign-in form's comes from a cookie of its
 * own). Sign-in attempts are limited per client, per account name and per
 * both, and at most a few passwords are checked at once (web/loginlimit.h).
 * Knows nothing of HTTP transport. Thread-safety: as gi_ctx_t.
 */
#ifndef WEB_PORTAL_H
#define WEB_PORTAL_H

#include "gi/gi.h"
#include "web/form.h"
#include "web/i18n.h"
#include "web/printfile.h"
#include "web/loginlimit.h"

#define WEB_SESSION_COOKIE "gimark_session"
#define WEB_LOGIN_COOKIE   "gimark_login"

typedef struct {
    const char *method;
    const char *path;
    const char *session_cookie; /* the cookies' values, or NULL */
    const char *login_cookie;
    const web_form_t *form; /* a POST's fields, or NULL */
    web_lang_t lang;
    const char *(*query)(void *arg, const char *name);
    void *query_arg;
    const char *client_key; /* gi_client_key() of the client */
    const web_desk_settings_t *settings;
    web_loginlimit_t *logins; /* sign-in limits and the hash cap */
    int64_t now_ms;           /* a monotonic clock for the rate limits */
} web_portal_request_t;

typedef struct {
    unsigned status;
    char *body; /* for the caller to free(); NULL for redirects and files */
    size_t len;
    const char *content_type; /* of body: NULL for HTML */
    char filename[64];        /* non-empty: body is a download of this name */
    char location[160];       /* for 303 */
    char cookies[2][200];     /* Set-Cookie values, "" when none */
    int64_t retry_after;      /* seconds, for 429 and 503 */
    web_file_t file;          /* file.job or file.head_only: a download instead of body */
} web_portal_response_t;

/* True for the paths that take a file (a product's photo): their body may be
 * as large as the photo limit, not the form limit (web/portal_words.c). */
int web_portal_is_upload(const char *path);

void web_portal_handle(const gi_ctx_t *ctx, const web_portal_request_t *rq,
                       web_portal_response_t *out);

#endif
