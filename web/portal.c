/*
 * portal.c - the signed-in pages' frame: answers, CSRF, signing in and out,
 * what the two desks share (their lists, a batch's transition), and the
 * route table with the dispatch. The operator desk is
 * web/portal_operator_desk.c, the regulator's dashboard
 * web/portal_regulator_desk.c; web/portal_internal.h says which file owns
 * the rest. Reads go through gi/view and changes through gi/act, so the
 * pages allow exactly what the API allows.
 */
#include "web/portal.h"
#include "web/portal_internal.h"
#include "gi/access.h"
#include "gi/account.h"
#include "gi/act.h"
#include "gi/view.h"
#include "web/html.h"
#include "web/layout.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SESSION_TTL (8 * 3600)
#define TOKEN_LEN   43 /* 32 random bytes, base64url without padding */
#define LIST_MAX    200

/* --- answers ----------------------------------------------------------------------- */

void portal_finish(page_t *pg, unsigned status, web_buf_t *b)
{
    pg->out->status = status;
    pg->out->body = web_buf_take(b, &pg->out->len);
}

/* 303 to a page; done adds the notice that a change was made. */
void portal_redirect(page_t *pg, const char *to, int done)
{
    pg->out->status = 303;
    snprintf(pg->out->location, sizeof pg->out->location, "%s?%slang=%s", to, done ? "done=1&" : "",
             pg->t->param);
}

static void set_cookie(page_t *pg, int i, const char *name, const char *value, int max_age)
{
    int secure =
        pg->rq->settings->base_url && strncmp(pg->rq->settings->base_url, "https://", 8) == 0;
    snprintf(pg->out->cookies[i], sizeof pg->out->cookies[i],
             "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", name, value, max_age,
             secure ? "; Secure" : "");
}

void portal_frame_begin(page_t *pg, web_buf_t *b, const char *title)
{
    const char *home = !pg->signed_in                              ? "/login"
                       : strcmp(pg->account.role, "operator") == 0 ? "/coop/"
                                                                   : "/admin/";
    int post = strcmp(pg->rq->method, "POST") == 0;
    web_buf_init(b, 8192);
    /* a page answering a POST switches language on a GET page, never re-posting */
    web_layout_begin_at(b, pg->t, title, pg->p->brand, home,
                        !post          ? ""
                        : pg->get_path ? pg->get_path
                                       : home);
    if (pg->signed_in)
        web_html(b,
                 "<nav class=\"desk\"><span>%s: <strong>%s</strong> (%s)</span>"
                 "<form method=\"post\" action=\"/logout?lang=%s\">"
                 "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                 "<button type=\"submit\" class=\"link\">%s</button></form></nav>",
                 pg->p->signed_in_as, pg->account.username,
                 web_role_name(pg->rq->lang, pg->account.role), pg->t->param, pg->csrf,
                 pg->p->sign_out);
}

void portal_heading(page_t *pg, web_buf_t *b, const char *title)
{
    web_html(b, "<h1>%s</h1>", title);
    if (pg->rq->query(pg->rq->query_arg, "done"))
        web_html(b, "<p class=\"notice\" role=\"status\">%s</p>", pg->p->done);
}

void portal_message(page_t *pg, unsigned status, const char *title, const char *text)
{
    web_buf_t b;
    portal_frame_begin(pg, &b, title);
    web_html(&b, "<section class=\"verdict %s\" role=\"alert\"><h1>%s</h1><p>%s</p></section>",
             status < 400 ? "ok" : "bad", title, text);
    web_layout_end(&b, pg->t);
    portal_finish(pg, status, &b);
}

/* An error of gi/ as a page with its status. */
void portal_error(page_t *pg, gi_err_t rc, const gi_error_t *err)
{
    unsigned status = rc == GI_EINVAL                         ? 400
                      : rc == GI_ENOTFOUND                    ? 404
                      : rc == GI_EFORBIDDEN                   ? 403
                      : rc == GI_EREFUSED || rc == GI_EEXISTS ? 409
                                                              : 503;
    if (status == 503)
        fprintf(stderr, "gimark serve: page: %s\n", err->msg);
    portal_message(pg, status, status == 403 ? pg->p->forbidden : pg->t->bad_request_title,
                   status == 503 ? pg->t->busy_text : web_rule_message(pg->rq->lang, rc, err));
}

void portal_after_change(page_t *pg, gi_err_t rc, const gi_error_t *err, const char *back)
{
    if (rc == GI_OK)
        portal_redirect(pg, back, 1);
    else
        portal_error(pg, rc, err);
}

/* --- tokens ------------------------------------------------------------------------------ */

static int token_shaped(const char *s)
{
    if (!s || strlen(s) != TOKEN_LEN)
        return 0;
    for (const char *c = s; *c; c++)
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '-' || *c == '_'))
            return 0;
    return 1;
}

static int same_token(const char *a, const char *b)
{
    return a && b && strlen(a) == strlen(b) && strlen(a) > 0 && sodium_memcmp(a, b, strlen(a)) == 0;
}

/* True when the POSTed form carries the session's CSRF token. */
static int form_checked(page_t *pg)
{
    const char *sent = pg->rq->form ? web_form_get(pg->rq->form, "csrf") : NULL;
    return pg->signed_in && same_token(sent, pg->csrf);
}

const char *portal_field(page_t *pg, const char *name)
{
    const char *v = pg->rq->form ? web_form_get(pg->rq->form, name) : NULL;
    return v ? v : "";
}

/* --- signing in and out ------------------------------------------------------------------ */

static void login_form(page_t *pg, unsigned status, const char *problem)
{
    char token[TOKEN_LEN + 1];
    if (token_shaped(pg->rq->login_cookie)) {
        snprintf(token, sizeof token, "%s", pg->rq->login_cookie);
    } else {
        unsigned char raw[32];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2base64(token, sizeof token, raw, sizeof raw,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        set_cookie(pg, 0, WEB_LOGIN_COOKIE, token, 3600);
    }
    web_buf_t b;
    portal_frame_begin(pg, &b, pg->p->sign_in);
    web_html(&b, "<section class=\"card narrow\"><h1>%s</h1>", pg->p->sign_in);
    if (problem)
        web_html(&b, "<p class=\"warning\" role=\"alert\">%s</p>", problem);
    web_html(&b,
             "<form method=\"post\" action=\"/login?lang=%s\">"
             "<label for=\"username\">%s</label>"
             "<input id=\"username\" name=\"username\" autocomplete=\"username\" required "
             "maxlength=\"64\">"
             "<label for=\"password\">%s</label>"
             "<input id=\"password\" name=\"password\" type=\"password\" "
             "autocomplete=\"current-password\" required maxlength=\"128\">"
             "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
             "<button type=\"submit\">%s</button></form></section>",
             pg->t->param, pg->p->username, pg->p->password, token, pg->p->sign_in);
    web_layout_end(&b, pg->t);
    portal_finish(pg, status, &b);
}

/* Checks name's password within the login limits (web/loginlimit.h): 429
 * for a client that must wait, 503 while every hash slot is busy (no hash
 * is run), 401 for a wrong password; on success *a is the account. */
static int login_checked(page_t *pg, const char *name, db_account_t *a)
{
    web_loginlimit_t *l = pg->rq->logins;
    const char *client = pg->rq->client_key;
    gi_error_t err;
    int64_t wait = web_loginlimit_admit(l, client, name, pg->rq->now_ms);
    if (wait > 0) {
        pg->out->retry_after = wait;
        login_form(pg, 429, pg->p->too_many_logins);
        return 0;
    }
    if (!web_loginlimit_hash_begin(l)) {
        web_loginlimit_outcome(l, client, name, pg->rq->now_ms, WEB_LOGIN_NOT_TRIED);
        pg->out->retry_after = 1;
        login_form(pg, 503, pg->p->too_many_logins);
        return 0;
    }
    gi_err_t rc = gi_account_login(pg->ctx, name, portal_field(pg, "password"), a, &err);
    web_loginlimit_hash_end(l);
    web_loginlimit_outcome(l, client, name, pg->rq->now_ms,
                           rc == GI_OK ? WEB_LOGIN_RIGHT : WEB_LOGIN_WRONG);
    if (rc != GI_OK)
        login_form(pg, 401, pg->p->bad_login);
    return rc == GI_OK;
}

static void login(page_t *pg)
{
    gi_error_t err;
    db_account_t a;
    char sid[GI_SESSION_MAX], csrf[GI_CSRF_MAX];
    if (!token_shaped(pg->rq->login_cookie) ||
        !same_token(portal_field(pg, "csrf"), pg->rq->login_cookie)) {
        login_form(pg, 403, pg->p->form_expired);
        return;
    }
    if (!login_checked(pg, portal_field(pg, "username"), &a))
        return;
    if (gi_session_create(pg->ctx, a.id, SESSION_TTL, sid, csrf, &err) != GI_OK) {
        portal_error(pg, GI_EIO, &err);
        return;
    }
    set_cookie(pg, 0, WEB_SESSION_COOKIE, sid, SESSION_TTL);
    set_cookie(pg, 1, WEB_LOGIN_COOKIE, "", 0);
    sodium_memzero(sid, sizeof sid);
    portal_redirect(pg, strcmp(a.role, "operator") == 0 ? "/coop/" : "/admin/", 0);
}

static void logout(page_t *pg)
{
    gi_error_t err;
    if (!form_checked(pg)) {
        portal_message(pg, 403, pg->p->forbidden, pg->p->form_expired);
        return;
    }
    gi_session_end(pg->ctx, pg->rq->session_cookie, &err);
    set_cookie(pg, 0, WEB_SESSION_COOKIE, "", 0);
    portal_redirect(pg, "/login", 0);
}

/* --- lists into memory ------------------------------------------------------------------------ */

static int keep_row(rows_t *r, const void *item)
{
    if (r->n == LIST_MAX)
        return 1;
    char *grown = realloc(r->items, (r->n + 1) * r->size);
    if (!grown)
        return 1;
    memcpy(grown + r->n * r->size, item, r->size);
    r->items = grown;
    r->n++;
    return 0;
}

static int keep_auth(const db_auth_t *a, void *arg)
{
    return keep_row(arg, a);
}

static int keep_batch(const db_batch_t *b, void *arg)
{
    return keep_row(arg, b);
}

const char *portal_batch_status(const web_portal_text_t *p, const char *status)
{
    static const char *const names[] = {"requested", "approved",  "rejected",
                                        "issued",    "activated", "voided"};
    for (int i = 0; i < 6; i++)
        if (strcmp(status, names[i]) == 0)
            return p->batch_status[i];
    return status;
}

void portal_table_begin(web_buf_t *b, const char *label, int wide, const char *const *headings,
                        size_t n)
{
    web_html(b,
             "<div class=\"scroll%s\" tabindex=\"0\" role=\"region\" aria-label=\"%s\">"
             "<table><thead><tr>",
             wide ? " wide" : "", label);
    for (size_t i = 0; i < n; i++)
        web_html(b, "<th scope=\"col\">%s</th>", headings[i]);
    web_buf_puts(b, "</tr></thead><tbody>");
}

void portal_csrf_field(page_t *pg, web_buf_t *b)
{
    web_html(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", pg->csrf);
}

void portal_decision_form(page_t *pg, web_buf_t *b, const char *action, const char *label,
                          const char *field_name, const char *field_label, int required)
{
    web_html(b, "<form method=\"post\" action=\"%s?lang=%s\" class=\"inline\">", action,
             pg->t->param);
    if (field_name)
        web_html(b, "<label>%s <input name=\"%s\" maxlength=\"200\"%s></label>", field_label,
                 field_name, required ? " required" : "");
    portal_csrf_field(pg, b);
    web_html(b, "<button type=\"submit\">%s</button></form>", label);
}

/* The authorisations and batches the account may see (at most LIST_MAX
 * each); on failure the page says why and -1 is returned. */
int portal_load_desk(page_t *pg, rows_t *auths, rows_t *batches)
{
    gi_error_t err;
    db_page_t all = {0, LIST_MAX};
    *auths = (rows_t){NULL, 0, sizeof(db_auth_t)};
    *batches = (rows_t){NULL, 0, sizeof(db_batch_t)};
    gi_err_t rc = gi_view_auths(pg->ctx, &pg->account, NULL, all, keep_auth, auths, &err);
    if (rc == GI_OK)
        rc = gi_view_batches(pg->ctx, &pg->account, NULL, all, keep_batch, batches, &err);
    if (rc == GI_OK)
        return 0;
    free(auths->items);
    free(batches->items);
    portal_error(pg, rc, &err);
    return -1;
}

/* A batch transition posted by a form; text is the decision note. */
void portal_batch_posted(page_t *pg, gi_batch_action_t action, const char *text, const char *back)
{
    gi_error_t err;
    db_batch_t b;
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    gi_err_t rc = gi_act_batch(&ctx, &pg->account, pg->id, action, text, NULL, 0, &b, &err);
    portal_after_change(pg, rc, &err, back);
}

/* --- dispatch ------------------------------------------------------------------------------------
 */

static void login_page(page_t *pg)
{
    login_form(pg, 200, NULL);
}

static void to_login(page_t *pg)
{
    portal_redirect(pg, "/login", 0);
}

/* Signing in and out; the desks' pages are in the tables of the other
 * web/portal_*.c files (listed in portal_route_find). The integration tests
 * read every table: a route added to one is a route the authorisation
 * matrix must list. */
static const portal_route_t routes[] = {
    {"GET", "/login", PORTAL_ANYONE, login_page, NULL},
    {"POST", "/login", PORTAL_ANYONE, login, NULL},
    {"GET", "/logout", PORTAL_ANYONE, to_login, NULL},
    {"POST", "/logout", PORTAL_ANYONE, logout, NULL},
};

/* True when path fits pattern, whose "{id}" stands for a record id (put in *id). */
static int route_fits(const char *pattern, const char *path, int64_t *id)
{
    while (*pattern && *path) {
        if (strncmp(pattern, "{id}", 4) == 0) {
            char idtext[20];
            size_t n = strspn(path, "0123456789");
            if (n == 0 || n >= sizeof idtext)
                return 0;
            memcpy(idtext, path, n);
            idtext[n] = '\0';
            if (gi_parse_id(idtext, id) != 0)
                return 0;
            pattern += 4;
            path += n;
        } else if (*pattern++ != *path++) {
            return 0;
        }
    }
    return *pattern == '\0' && *path == '\0';
}

const portal_route_t *portal_route_find(const char *method, const char *path, int64_t *id,
                                        int *path_known)
{
    const struct {
        const portal_route_t *table;
        size_t n;
    } tables[] = {{routes, sizeof routes / sizeof routes[0]},
                  {portal_operator_desk_routes, portal_operator_desk_route_count},
                  {portal_regulator_desk_routes, portal_regulator_desk_route_count},
                  {portal_admin_routes, portal_admin_route_count},
                  {portal_usage_routes, portal_usage_route_count},
                  {portal_households_routes, portal_households_route_count},
                  {portal_supervision_routes, portal_supervision_route_count},
                  {portal_annual_routes, portal_annual_route_count},
                  {portal_words_routes, portal_words_route_count},

                  {portal_operators_routes, portal_operators_route_count},
                  {portal_charts_routes, portal_charts_route_count},
                  {portal_rules_routes, portal_rules_route_count}};
    const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
    *path_known = 0;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (size_t i = 0; i < tables[t].n; i++) {
            const portal_route_t *r = &tables[t].table[i];
            if (!route_fits(r->pattern, path, id))
                continue;
            if (strcmp(r->method, m) == 0)
                return r;
            *path_known = 1;
        }
    return NULL;
}

/* Resolves the session cookie; 0 when signed in. */
static int sign_in_from_cookie(page_t *pg)
{
    gi_error_t err;
    if (!pg->rq->session_cookie ||
        gi_session_resolve(pg->ctx, pg->rq->session_cookie, &pg->account, pg->csrf, &err) != GI_OK)
        return -1;
    pg->signed_in = 1;
    snprintf(pg->actor, sizeof pg->actor, "user:%s", pg->account.username);
    return 0;
}

void web_portal_handle(const gi_ctx_t *ctx, const web_portal_request_t *rq,
                       web_portal_response_t *out)
{
    page_t pg = {.ctx = ctx, .rq = rq, .out = out};
    memset(out, 0, sizeof *out);
    pg.t = web_strings(rq->lang);
    pg.p = web_portal_text(rq->lang);
    gi_date_of(ctx->now, pg.today);
    int post = strcmp(rq->method, "POST") == 0;
    int get = strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0;
    if (!post && !get) {
        portal_message(&pg, 405, pg.t->method_title, pg.t->not_found_text);
        return;
    }
    const char *path = strcmp(rq->path, "/coop") == 0    ? "/coop/"
                       : strcmp(rq->path, "/admin") == 0 ? "/admin/"
                                                         : rq->path;
    int path_known;
    const portal_route_t *r = portal_route_find(rq->method, path, &pg.id, &path_known);
    sign_in_from_cookie(&pg);
    int anyone = r && r->who == PORTAL_ANYONE;
    int is_operator = strcmp(pg.account.role, "operator") == 0;
    if (!anyone && !pg.signed_in) {
        if (get)
            portal_redirect(&pg, "/login", 0);
        else
            portal_message(&pg, 403, pg.p->forbidden, pg.p->form_expired);
    } else if (!anyone && post && !form_checked(&pg)) {
        portal_message(&pg, 403, pg.p->forbidden, pg.p->form_expired);
    } else if (!anyone && r && (r->who == PORTAL_OPERATOR) != is_operator) {
        portal_redirect(&pg, is_operator ? "/coop/" : "/admin/", 0);
    } else if (r) {
        pg.arg = r->arg;
        r->run(&pg);
    } else if (path_known) {
        portal_message(&pg, 405, pg.t->method_title, pg.t->not_found_text);
    } else {
        portal_message(&pg, 404, pg.t->not_found_title, pg.p->not_found);
    }
}
