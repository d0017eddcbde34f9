/*
 * portal.c - the signed-in pages: sessions, CSRF, the operator desk and the
 * regulator desk. Reads go through gi/view and changes through gi/act, so
 * the pages allow exactly what the API allows.
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
    int secure = pg->rq->base_url && strncmp(pg->rq->base_url, "https://", 8) == 0;
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
                   status == 503 ? pg->t->busy_text : err->msg);
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

typedef struct {
    void *items;
    size_t n, size;
} rows_t;

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

static const char *batch_status_text(const web_portal_text_t *p, const char *status)
{
    static const char *const names[] = {"requested", "approved",  "rejected",
                                        "issued",    "activated", "voided"};
    for (int i = 0; i < 6; i++)
        if (strcmp(status, names[i]) == 0)
            return p->batch_status[i];
    return status;
}

static const db_auth_t *auth_of(const rows_t *auths, int64_t auth_id)
{
    const db_auth_t *a = auths->items;
    for (size_t i = 0; i < auths->n; i++)
        if (a[i].id == auth_id)
            return &a[i];
    return NULL;
}

static const char *product_of(const rows_t *auths, int64_t auth_id)
{
    const db_auth_t *a = auths->items;
    for (size_t i = 0; i < auths->n; i++)
        if (a[i].id == auth_id)
            return a[i].product_name;
    return "";
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

/* --- the operator desk -------------------------------------------------------------------------
 */

static void coop_auths(page_t *pg, web_buf_t *b, const rows_t *auths)
{
    const db_auth_t *a = auths->items;
    web_html(b, "<section class=\"card\"><h2>%s</h2>", pg->p->my_auths);
    const char *const headings[] = {pg->t->product, pg->p->status, pg->t->valid_until,
                                    pg->p->quota,   pg->p->used,   pg->p->left};
    portal_table_begin(b, pg->p->my_auths, 0, headings, 6);
    for (size_t i = 0; i < auths->n; i++) {
        int64_t used = 0;
        gi_error_t err;
        gi_quota_used(pg->ctx, &a[i], &used, &err);
        web_html(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%D</td><td>%D</td><td>%D</td></tr>",
                 a[i].product_name,
                 web_word(pg->rq->lang, "auth", gi_auth_status(&a[i], pg->today)), a[i].valid_until,
                 a[i].yearly_quota, used, a[i].yearly_quota - used);
    }
    web_html(b, "</tbody></table></div>%s</section>", auths->n ? "" : pg->p->none);
}

/* The error of a refused request beside the field it names (field "" for the
 * form as a whole), shown when the desk answers the refused form. */
typedef struct {
    const char *field, *msg;
} refused_t;

static void refused_at(web_buf_t *b, const refused_t *r, const char *field)
{
    if (r && strcmp(r->field, field) == 0)
        web_html(b, "<p class=\"field-error\" id=\"%s-error\" role=\"alert\">%s</p>", field,
                 r->msg);
}

static void coop_request_form(page_t *pg, web_buf_t *b, const rows_t *auths, const refused_t *r)
{
    const db_auth_t *a = auths->items;
    int any = 0;
    for (size_t i = 0; i < auths->n; i++)
        any |= strcmp(gi_auth_status(&a[i], pg->today), "approved") == 0;
    if (!any)
        return;
    web_html(b, "<section class=\"card\" id=\"request\"><h2>%s</h2>", pg->p->request_title);
    if (r)
        web_html(b,
                 "<div class=\"form-problem\" role=\"alert\"><p>%s</p>%s%s%s"
                 "<p><a href=\"/coop/?lang=%s\">%s</a></p></div>",
                 web_desk_text(pg->rq->lang)->fix_below, r->field[0] ? "" : "<p>",
                 r->field[0] ? "" : r->msg, r->field[0] ? "" : "</p>", pg->t->param,
                 web_desk_text(pg->rq->lang)->back);
    web_html(b,
             "<form method=\"post\" action=\"/coop/batches?lang=%s\"><label for=\"auth_id\">%s"
             "</label>",
             pg->t->param, pg->t->product);
    refused_at(b, r, "auth_id");
    web_buf_puts(b, "<select id=\"auth_id\" name=\"auth_id\">");
    int64_t chosen = 0;
    gi_parse_whole(portal_field(pg, "auth_id"), 1, INT64_MAX, &chosen);
    for (size_t i = 0; i < auths->n; i++)
        if (strcmp(gi_auth_status(&a[i], pg->today), "approved") == 0)
            web_html(b, "<option value=\"%D\"%s>%s</option>", a[i].id,
                     a[i].id == chosen ? " selected" : "", a[i].product_name);
    web_buf_puts(b, "</select>");
    static const struct {
        const char *name, *attrs;
    } fields[] = {
        {"count", "type=\"number\" min=\"1\" max=\"10000000\" required inputmode=\"numeric\""},
        {"lot_number", "maxlength=\"64\""},
        {"harvest_date", "type=\"date\""},
        {"production_base", "maxlength=\"100\""},
        {"inspection_cert", "maxlength=\"64\""},
    };
    const char *labels[] = {pg->p->count, pg->t->lot_number, pg->t->harvest_date,
                            pg->t->production_base, pg->t->inspection_cert};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        int bad = r && strcmp(r->field, fields[i].name) == 0;
        web_html(b, "<label for=\"%s\">%s</label>", fields[i].name, labels[i]);
        refused_at(b, r, fields[i].name);
        web_html(b, "<input id=\"%s\" name=\"%s\" value=\"%s\"%s", fields[i].name, fields[i].name,
                 portal_field(pg, fields[i].name), bad ? " aria-invalid=\"true\" autofocus" : "");
        if (bad)
            web_html(b, " aria-describedby=\"%s-error\"", fields[i].name);
        web_buf_puts(b, " ");
        web_buf_puts(b, fields[i].attrs);
        web_buf_puts(b, ">");
    }
    portal_csrf_field(pg, b);
    web_html(b, "<button type=\"submit\">%s</button></form></section>", pg->p->request_button);
}

/* Voiding misprints (listed codes) or the whole batch, with a reason. */
static void void_form(page_t *pg, web_buf_t *b, int64_t id)
{
    web_html(b,
             "<details><summary>%s</summary><form method=\"post\" "
             "action=\"/coop/batches/%D/void?lang=%s\">"
             "<label for=\"codes-%D\">%s</label><textarea id=\"codes-%D\" name=\"codes\" "
             "rows=\"3\"></textarea><label for=\"reason-%D\">%s</label><input id=\"reason-%D\" "
             "name=\"reason\" required maxlength=\"200\">",
             pg->p->void_labels, id, pg->t->param, id, pg->p->void_codes_hint, id, id,
             pg->p->reason, id);
    portal_csrf_field(pg, b);
    web_html(b, "<button type=\"submit\">%s</button></form></details>", pg->p->void_labels);
}

/* A select of values, each shown in the page's words (web_word's field);
 * the first is chosen. */
static void select_field(web_buf_t *b, web_lang_t lang, const char *name, int64_t id,
                         const char *label, const char *field, const char *const *values)
{
    web_html(b, "<label for=\"%s-%D\">%s</label><select id=\"%s-%D\" name=\"%s\">", name, id, label,
             name, id, name);
    for (int i = 0; values[i]; i++)
        web_html(b, "<option value=\"%s\">%s</option>", values[i],
                 web_word(lang, field, values[i]));
    web_buf_puts(b, "</select>");
}

/* The print file in another format, symbology or label size (the layout
 * choices of gi/layout.h; the rest keep their defaults). */
static void print_form(page_t *pg, web_buf_t *b, int64_t id)
{
    static const char *const formats[] = {"pdf", "png", "svg", "zip", "csv", NULL};
    static const char *const symbologies[] = {"qr", "datamatrix", "hanxin", "code128", NULL};
    static const char *const sizes[] = {"60x30", "50x30", "70x35", "100x50", "40x40", NULL};
    web_html(b,
             "<details><summary>%s</summary><form method=\"get\" "
             "action=\"/coop/batches/%D/labels\">",
             pg->p->print_options, id);
    select_field(b, pg->rq->lang, "format", id, pg->p->file_format, "format", formats);
    select_field(b, pg->rq->lang, "symbology", id, pg->p->symbology, "symbology", symbologies);
    select_field(b, pg->rq->lang, "label-size", id, pg->p->label_size, "size", sizes);
    web_html(b, "<button type=\"submit\">%s</button></form></details>", pg->p->download);
}

/* Splits the posted codes (one a line; spaces and commas separate too) and
 * voids them, or the whole batch when none is given. */
static gi_err_t void_posted(page_t *pg, gi_ctx_t *ctx, int64_t id, gi_error_t *err)
{
    char *codes = strdup(portal_field(pg, "codes"));
    const char *list[1000];
    size_t n = 0;
    db_batch_t b;
    if (!codes)
        return gi_fail(err, GI_ENOMEM, "out of memory");
    for (char *save = NULL, *tok = strtok_r(codes, " ,\r\n\t", &save); tok;
         tok = strtok_r(NULL, " ,\r\n\t", &save)) {
        if (n == sizeof list / sizeof list[0]) {
            free(codes);
            return gi_fail(err, GI_EINVAL, "at most 1000 codes at once");
        }
        list[n++] = tok;
    }
    gi_err_t rc = gi_act_batch(ctx, &pg->account, id, GI_BATCH_VOID, portal_field(pg, "reason"),
                               n ? list : NULL, n, &b, err);
    free(codes);
    return rc;
}

static void coop_batches(page_t *pg, web_buf_t *b, const rows_t *batches, const rows_t *auths)
{
    const db_batch_t *bt = batches->items;
    /* on a phone each row is a card (class "cards", data-label: gimark.css) */
    web_html(b, "<section class=\"card cards\"><h2>%s</h2>", pg->p->my_batches);
    const char *const headings[] = {pg->p->batch,  pg->t->product, pg->t->lot_number,
                                    pg->p->labels, pg->p->status,  pg->p->actions};
    portal_table_begin(b, pg->p->my_batches, 1, headings, 6);
    for (size_t i = 0; i < batches->n; i++) {
        const db_batch_t *x = &bt[i];
        web_html(b,
                 "<tr><td data-label=\"%s\">%D</td><td data-label=\"%s\">%s</td>"
                 "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%D</td>"
                 "<td data-label=\"%s\" class=\"status status-%s\">%s</td>"
                 "<td data-label=\"%s\" class=\"actions\">",
                 pg->p->batch, x->id, pg->t->product, product_of(auths, x->auth_id),
                 pg->t->lot_number, x->lot_number, pg->p->labels, x->count, pg->p->status,
                 x->status, batch_status_text(pg->p, x->status), pg->p->actions);
        int printable = strcmp(x->status, "issued") == 0 || strcmp(x->status, "activated") == 0;
        if (printable)
            web_html(b,
                     "<a href=\"/coop/batches/%D/labels?format=pdf\" download>%s (PDF)</a> "
                     "<a href=\"/coop/batches/%D/labels?format=csv\" download>CSV</a>",
                     x->id, pg->p->download, x->id);
        if (strcmp(x->status, "issued") == 0) {
            web_html(b, "<form method=\"post\" action=\"/coop/batches/%D/activate?lang=%s\">",
                     x->id, pg->t->param);
            portal_csrf_field(pg, b);
            web_html(b, "<button type=\"submit\">%s</button></form>", pg->p->activate);
        }
        if (printable) {
            print_form(pg, b, x->id);
            void_form(pg, b, x->id);
        }
        web_buf_puts(b, "</td></tr>");
    }
    web_html(b, "</tbody></table></div>%s</section>", batches->n ? "" : pg->p->none);
}

static int report_item(const db_report_t *r, void *arg)
{
    web_buf_t *b = arg;
    char day[GI_DATE_LEN + 1];
    gi_date_of(r->at, day);
    web_html(b, "<li><span class=\"serial\">%s</span> %s: %s</li>", r->code, day, r->text);
    return 0;
}

/* The authorisations and batches the account may see (at most LIST_MAX
 * each); on failure the page says why and -1 is returned. */
static int load_desk(page_t *pg, rows_t *auths, rows_t *batches)
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

/* The notice after a request: which batch, and what happens next. */
static void requested_notice(page_t *pg, web_buf_t *b, const rows_t *batches, const rows_t *auths)
{
    const char *q = pg->rq->query(pg->rq->query_arg, "batch");
    int64_t id;
    if (!q || gi_parse_id(q, &id) != 0)
        return;
    const db_batch_t *bt = batches->items;
    for (size_t i = 0; i < batches->n; i++)
        if (bt[i].id == id) {
            const web_desk_text_t *d = web_desk_text(pg->rq->lang);
            web_html(b,
                     "<section class=\"notice\" id=\"request-done\" role=\"status\">"
                     "<h2>%s</h2><p>",
                     d->requested_title);
            web_html(b, d->requested_next, bt[i].id, product_of(auths, bt[i].auth_id), bt[i].count,
                     bt[i].lot_number);
            web_buf_puts(b, "</p></section>");
        }
}

static void coop_desk_with(page_t *pg, unsigned status, const refused_t *refused)
{
    gi_error_t err;
    db_operator_t op;
    rows_t auths, batches;
    gi_err_t rc = gi_view_operator(pg->ctx, &pg->account, pg->account.operator_id, &op, &err);
    if (rc != GI_OK) {
        portal_error(pg, rc, &err);
        return;
    }
    if (load_desk(pg, &auths, &batches) != 0)
        return;
    web_buf_t b;
    pg->get_path = "/coop/";
    portal_frame_begin(pg, &b, pg->p->coop_title);
    if (pg->rq->query(pg->rq->query_arg, "batch"))
        web_html(&b, "<h1>%s</h1>", pg->p->coop_title);
    else
        portal_heading(pg, &b, pg->p->coop_title);
    requested_notice(pg, &b, &batches, &auths);
    web_html(&b, "<p class=\"operator\">%s <span class=\"serial\">%s</span></p>", op.name, op.uscc);
    web_html(&b, "<p><a href=\"/coop/usage?lang=%s\">%s</a></p>", pg->t->param,
             web_usage_text(pg->rq->lang)->usage_title);
    coop_auths(pg, &b, &auths);
    coop_request_form(pg, &b, &auths, refused);
    coop_batches(pg, &b, &batches, &auths);
    web_html(&b, "<p><a href=\"/coop/households?lang=%s\">%s</a></p>", pg->t->param,
             web_households_text(pg->rq->lang)->title);
    web_html(&b, "<section class=\"card\"><h2>%s</h2><ul class=\"reports\">", pg->p->reports_title);
    db_page_t recent = {0, 20};
    gi_view_reports(pg->ctx, &pg->account, "", recent, report_item, &b, &err);
    web_buf_puts(&b, "</ul></section>");
    web_layout_end(&b, pg->t);
    free(auths.items);
    free(batches.items);
    portal_finish(pg, status, &b);
}

static void coop_desk(page_t *pg)
{
    coop_desk_with(pg, 200, NULL);
}

/* Which field of the request form an error of gi_batch_request names. */
static const char *request_field(const char *msg)
{
    static const struct {
        const char *word, *field;
    } fields[] = {{"count", "count"},
                  {"quota", "count"},
                  {"lot", "lot_number"},
                  {"harvest", "harvest_date"},
                  {"production base", "production_base"},
                  {"inspection", "inspection_cert"}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strstr(msg, fields[i].word))
            return fields[i].field;
    return "";
}

static void coop_request(page_t *pg)
{
    gi_batch_request_t in = {0};
    gi_error_t err;
    db_batch_t out;
    if (gi_parse_whole(portal_field(pg, "auth_id"), 1, INT64_MAX, &in.auth_id) != 0 ||
        gi_parse_whole(portal_field(pg, "count"), 1, INT64_MAX, &in.count) != 0) {
        gi_fail(&err, GI_EINVAL, "%s: 1 - 10000000", pg->p->count);
        refused_t r = {in.auth_id ? "count" : "auth_id", err.msg};
        coop_desk_with(pg, 400, &r);
        return;
    }
    in.lot_number = portal_field(pg, "lot_number");
    in.harvest_date = portal_field(pg, "harvest_date");
    in.production_base = portal_field(pg, "production_base");
    in.inspection_cert = portal_field(pg, "inspection_cert");
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    gi_err_t rc = gi_act_batch_request(&ctx, &pg->account, &in, &out, &err);
    if (rc == GI_EINVAL || rc == GI_EREFUSED) {
        refused_t r = {request_field(err.msg), err.msg};
        coop_desk_with(pg, rc == GI_EINVAL ? 400 : 409, &r);
    } else if (rc != GI_OK) {
        portal_error(pg, rc, &err);
    } else {
        /* the desk names the batch and what happens next */
        pg->out->status = 303;
        snprintf(pg->out->location, sizeof pg->out->location,
                 "/coop/?done=1&batch=%lld&lang=%s#request-done", (long long)out.id, pg->t->param);
    }
}

/* --- the regulator desk ------------------------------------------------------------------------
 */

static void progress_card(page_t *pg, web_buf_t *b, const db_stats_t *st)
{
    int64_t target = pg->rq->target > 0 ? pg->rq->target : 1000;
    int64_t using = st->operators_using;
    int64_t width = using >= target ? 300 : using * 300 / target;
    web_html(b,
             "<section class=\"card\"><h2>%s</h2><p class=\"figure\">%D / %D %s</p>"
             "<svg class=\"progress\" viewBox=\"0 0 300 16\" role=\"img\" "
             "aria-label=\"%D / %D\"><rect width=\"300\" height=\"16\" rx=\"4\" "
             "fill=\"#ddf4ff\"/><rect width=\"%D\" height=\"16\" rx=\"4\" fill=\"#0a3069\"/></svg>"
             "<dl><dt>%s</dt><dd>%D</dd><dt>%s</dt><dd>%D</dd></dl>",
             pg->p->progress, using, target, pg->p->target_of, using, target, width,
             pg->p->products, st->products, pg->p->operators, st->operators);
    if (pg->account.region_scope[0])
        web_html(b, "<p class=\"scope\">%s <span class=\"serial\">%s</span></p>",
                 pg->p->figures_scoped, pg->account.region_scope);
    web_html(b, "</section>");
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

static void admin_batches(page_t *pg, web_buf_t *b, const rows_t *batches, const rows_t *auths,
                          int may_decide)
{
    const db_batch_t *bt = batches->items;
    char action[64];
    int shown = 0;
    web_html(b, "<section class=\"card\"><h2>%s</h2><ul class=\"queue\">", pg->p->waiting_batches);
    for (size_t i = 0; i < batches->n; i++) {
        const db_batch_t *x = &bt[i];
        int requested = strcmp(x->status, "requested") == 0;
        if (!requested && strcmp(x->status, "approved") != 0)
            continue;
        shown++;
        /* what a decision needs: who, what, how many, how much quota is left, which lot */
        const db_auth_t *a = auth_of(auths, x->auth_id);
        int64_t used = 0;
        gi_error_t err;
        if (a)
            gi_quota_used(pg->ctx, a, &used, &err);
        web_html(b,
                 "<li><h3>%s %D <span class=\"status status-%s\">%s</span></h3><dl>"
                 "<dt>%s</dt><dd>%s <span class=\"serial\">%s</span></dd>"
                 "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%D</dd>",
                 pg->p->batch, x->id, x->status, batch_status_text(pg->p, x->status),
                 pg->t->operator_name, a ? a->operator_name : "", a ? a->operator_uscc : "",
                 pg->t->product, a ? a->product_name : "", pg->p->labels, x->count);
        if (a)
            web_html(b, "<dt>%s</dt><dd>%D / %D</dd>", web_desk_text(pg->rq->lang)->quota_left,
                     a->yearly_quota - used, a->yearly_quota);
        web_html(b, "<dt>%s</dt><dd>%s</dd></dl>", pg->t->lot_number, x->lot_number);
        if (may_decide && requested && strcmp(x->requested_by, pg->actor) == 0) {
            /* no account approves its own request; it may still withdraw it */
            web_html(b, " <em>%s</em>", pg->p->own_request);
            snprintf(action, sizeof action, "/admin/batches/%lld/reject", (long long)x->id);
            portal_decision_form(pg, b, action, pg->p->reject, "note", pg->p->note, 1);
        } else if (may_decide && requested) {
            snprintf(action, sizeof action, "/admin/batches/%lld/approve", (long long)x->id);
            portal_decision_form(pg, b, action, pg->p->approve, "note", pg->p->note, 0);
            snprintf(action, sizeof action, "/admin/batches/%lld/reject", (long long)x->id);
            portal_decision_form(pg, b, action, pg->p->reject, "note", pg->p->note, 1);
        } else if (may_decide) {
            snprintf(action, sizeof action, "/admin/batches/%lld/issue", (long long)x->id);
            portal_decision_form(pg, b, action, pg->p->issue, NULL, NULL, 0);
        }
        web_buf_puts(b, "</li>");
    }
    web_html(b, "</ul>%s</section>", shown ? "" : pg->p->none);
}

static void admin_auths(page_t *pg, web_buf_t *b, const rows_t *auths, int may_decide)
{
    const db_auth_t *a = auths->items;
    char action[64];
    int shown = 0;
    web_html(b, "<section class=\"card\"><h2>%s</h2><ul class=\"queue\">", pg->p->waiting_auths);
    for (size_t i = 0; i < auths->n; i++) {
        if (strcmp(a[i].status, "pending") != 0)
            continue;
        shown++;
        web_html(b, "<li><strong>%s</strong> / %s (%s) %s %D", a[i].product_name,
                 a[i].operator_name, a[i].operator_uscc, pg->p->quota, a[i].yearly_quota);
        if (may_decide) {
            snprintf(action, sizeof action, "/admin/authorisations/%lld/approve",
                     (long long)a[i].id);
            portal_decision_form(pg, b, action, pg->p->approve, "approval_doc", pg->t->approval_doc,
                                 1);
        }
        web_buf_puts(b, "</li>");
    }
    web_html(b, "</ul>%s</section>", shown ? "" : pg->p->none);
}

/* --- charts and anomalies ------------------------------------------------------------------------
 */

#define BARS_MAX 40

typedef struct {
    char key[24];
    int64_t count;
} bar_t;

typedef struct {
    bar_t bar[BARS_MAX];
    int n;
} bars_t;

static int keep_bar(const db_tally_t *t, void *arg)
{
    bars_t *bs = arg;
    if (bs->n == BARS_MAX)
        return 1;
    snprintf(bs->bar[bs->n].key, sizeof bs->bar[bs->n].key, "%s", t->key);
    bs->bar[bs->n++].count = t->count;
    return 0;
}

/* One bar a day for the last `days` days, days without scans included. */
static void fill_days(page_t *pg, const bars_t *got, bars_t *out, int days)
{
    out->n = 0;
    for (int d = days - 1; d >= 0 && out->n < BARS_MAX; d--) {
        bar_t *b = &out->bar[out->n++];
        gi_date_of(pg->ctx->now - (int64_t)d * 86400, b->key);
        b->count = 0;
        for (int i = 0; i < got->n; i++)
            if (strcmp(got->bar[i].key, b->key) == 0)
                b->count = got->bar[i].count;
    }
}

/* A bar chart drawn on the server as SVG; its label says what it shows. */
static void bar_chart(page_t *pg, web_buf_t *b, const char *title, const bars_t *bs)
{
    int64_t max = 1, total = 0;
    int busiest = 0;
    for (int i = 0; i < bs->n; i++) {
        total += bs->bar[i].count;
        if (bs->bar[i].count > max) {
            max = bs->bar[i].count;
            busiest = i;
        }
    }
    char label[256];
    snprintf(label, sizeof label, "%s: %s %lld; %s %lld (%s)", title, pg->p->total,
             (long long)total, pg->p->busiest, (long long)(bs->n ? bs->bar[busiest].count : 0),
             bs->n ? bs->bar[busiest].key : "-");
    web_html(b,
             "<figure class=\"chart\"><figcaption>%s</figcaption>"
             "<svg viewBox=\"0 0 600 150\" role=\"img\" aria-label=\"%s\">",
             title, label);
    int w = bs->n ? 600 / bs->n : 600;
    if (w > 48) /* a few bars stay bars, not a filled box */
        w = 48;
    for (int i = 0; i < bs->n; i++) {
        int h = (int)(bs->bar[i].count * 120 / max);
        web_html(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#0a3069\"/>",
                 i * w + 1, 125 - h, w > 3 ? w - 2 : 1, h);
    }
    if (bs->n)
        web_html(b,
                 "<text x=\"0\" y=\"145\" font-size=\"12\" fill=\"#57606a\">%s</text>"
                 "<text x=\"600\" y=\"145\" font-size=\"12\" fill=\"#57606a\" "
                 "text-anchor=\"end\">%s</text>",
                 bs->bar[0].key, bs->bar[bs->n - 1].key);
    web_buf_puts(b, "</svg></figure>");
}

/* Horizontal bars with their names and counts, for a few categories. */
static void hbar_chart(page_t *pg, web_buf_t *b, const char *title, const bars_t *bs)
{
    int64_t max = 1, total = 0;
    for (int i = 0; i < bs->n; i++) {
        total += bs->bar[i].count;
        if (bs->bar[i].count > max)
            max = bs->bar[i].count;
    }
    char label[160];
    snprintf(label, sizeof label, "%s: %s %lld", title, pg->p->total, (long long)total);
    web_html(b,
             "<figure class=\"chart\"><figcaption>%s</figcaption>"
             "<svg viewBox=\"0 0 600 %d\" role=\"img\" aria-label=\"%s\">",
             title, bs->n * 24 + 4, label);
    for (int i = 0; i < bs->n; i++) {
        int w = (int)(bs->bar[i].count * 330 / max);
        web_html(b,
                 "<text x=\"0\" y=\"%d\" font-size=\"12\" fill=\"#1b1f24\">%s</text>"
                 "<rect x=\"180\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"#0a3069\"/>"
                 "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#1b1f24\">%D</text>",
                 i * 24 + 16, web_word(pg->rq->lang, "verdict", bs->bar[i].key), i * 24 + 4,
                 w > 0 ? w : 1, 186 + w, i * 24 + 16, bs->bar[i].count);
    }
    web_buf_puts(b, "</svg></figure>");
}

static void charts_card(page_t *pg, web_buf_t *b)
{
    gi_error_t err;
    bars_t got = {.n = 0}, days, verdicts = {.n = 0}, months = {.n = 0};
    int64_t month_ago = pg->ctx->now - 30 * 86400;
    gi_view_figure(pg->ctx, &pg->account, GI_FIGURE_SCANS_PER_DAY, month_ago, keep_bar, &got, &err);
    gi_view_figure(pg->ctx, &pg->account, GI_FIGURE_VERDICTS, month_ago, keep_bar, &verdicts, &err);
    gi_view_figure(pg->ctx, &pg->account, GI_FIGURE_LABELS_PER_MONTH, pg->ctx->now - 366 * 86400,
                   keep_bar, &months, &err);
    fill_days(pg, &got, &days, 30);
    web_buf_puts(b, "<section class=\"card\">");
    bar_chart(pg, b, pg->p->scans_per_day, &days);
    bar_chart(pg, b, pg->p->labels_per_month, &months);
    if (verdicts.n)
        hbar_chart(pg, b, pg->p->verdict_mix, &verdicts);
    else
        web_html(b, "<h3>%s</h3><p>%s</p>", pg->p->verdict_mix, pg->p->none);
    web_buf_puts(b, "</section>");
}

typedef struct {
    web_buf_t *b;
    web_lang_t lang;
} anomaly_out_t;

static int anomaly_row(const db_tally_t *t, void *arg)
{
    anomaly_out_t *out = arg;
    web_buf_t *b = out->b;
    if (t->operator_id) /* the key: a code, or a verdict's name (shown in words) */
        web_html(b, "<li><span class=\"serial\">%s</span> %D: %s / %s</li>",
                 web_word(out->lang, "verdict", t->key), t->count, t->product_name,
                 t->operator_name);
    else
        web_html(b, "<li><span class=\"serial\">%s</span> %D</li>", t->key, t->count);
    return 0;
}

static void anomalies_card(page_t *pg, web_buf_t *b)
{
    const struct {
        gi_anomaly_t kind;
        const char *title;
        int64_t arg;
    } lists[] = {
        {GI_ANOMALY_UNKNOWN, pg->p->unknown_inputs, pg->ctx->now - 30 * 86400},
        {GI_ANOMALY_REPEATED, pg->p->repeated_codes, pg->rq->repeat_threshold},
        {GI_ANOMALY_SUSPECT, pg->p->suspect_scans, pg->ctx->now - 30 * 86400},
    };
    db_page_t top = {0, 10};
    anomaly_out_t out = {b, pg->rq->lang};
    web_html(b, "<section class=\"card\"><h2>%s</h2>", pg->p->anomalies);
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        gi_error_t err;
        web_html(b, "<h3>%s</h3><ul class=\"reports\">", lists[i].title);
        size_t empty = b->len;
        gi_view_anomalies(pg->ctx, &pg->account, lists[i].kind, lists[i].arg, top, anomaly_row,
                          &out, &err);
        int none = b->len == empty;
        web_html(b, "</ul>%s", none ? pg->p->none : "");
    }
    web_buf_puts(b, "</section>");
}

static void admin_desk(page_t *pg)
{
    gi_error_t err;
    db_stats_t st;
    rows_t auths, batches;
    gi_err_t rc = gi_view_stats(pg->ctx, &pg->account, &st, &err);
    if (rc != GI_OK) {
        portal_error(pg, rc, &err);
        return;
    }
    if (load_desk(pg, &auths, &batches) != 0)
        return;
    int may_decide = strcmp(pg->account.role, "regulator") == 0;
    web_buf_t b;
    portal_frame_begin(pg, &b, pg->p->admin_title);
    portal_admin_nav(pg, &b);
    portal_heading(pg, &b, pg->p->admin_title);
    progress_card(pg, &b, &st);
    admin_batches(pg, &b, &batches, &auths, may_decide);
    admin_auths(pg, &b, &auths, may_decide);
    charts_card(pg, &b);
    anomalies_card(pg, &b);
    web_layout_end(&b, pg->t);
    free(auths.items);
    free(batches.items);
    portal_finish(pg, 200, &b);
}

/* A batch transition posted by a form; text is the decision note. */
static void batch_posted(page_t *pg, gi_batch_action_t action, const char *text, const char *back)
{
    gi_error_t err;
    db_batch_t b;
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    gi_err_t rc = gi_act_batch(&ctx, &pg->account, pg->id, action, text, NULL, 0, &b, &err);
    portal_after_change(pg, rc, &err, back);
}

/* POST /admin/batches/{id}/approve|reject|issue */
static void admin_batch(page_t *pg)
{
    batch_posted(pg, (gi_batch_action_t)gi_batch_action_parse(pg->arg), portal_field(pg, "note"),
                 "/admin/");
}

/* --- the operator's changes and downloads ------------------------------------------------------
 */

static void coop_download(page_t *pg)
{
    gi_error_t err;
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    web_print_request_t print = {pg->rq->method,   pg->rq->query,  pg->rq->query_arg,
                                 pg->rq->base_url, pg->rq->layout, pg->rq->render};
    web_file_t *f = &pg->out->file;
    gi_err_t rc = web_print_file(&ctx, &pg->account, pg->id, &print, f, &err);
    if (rc == GI_OK) {
        pg->out->status = 200;
    } else if (f->status) {
        pg->out->retry_after = f->retry_after;
        portal_message(pg, f->status, f->status == 413 ? pg->t->too_large_title : pg->t->busy_title,
                       err.msg);
    } else
        portal_error(pg, rc, &err);
}

/* The second step of activating or voiding a whole batch: the page naming
 * the batch (the operator's own: another's is not found). */
static void batch_confirm(page_t *pg, const char *what, const char *const *carry)
{
    gi_error_t err;
    db_batch_t x;
    db_auth_t a;
    gi_err_t rc = gi_view_batch(pg->ctx, &pg->account, pg->id, &x, &err);
    if (rc == GI_OK)
        rc = gi_view_auth(pg->ctx, &pg->account, x.auth_id, &a, &err);
    if (rc != GI_OK) {
        portal_error(pg, rc, &err);
        return;
    }
    char action[64];
    snprintf(action, sizeof action, "/coop/batches/%lld/%s", (long long)x.id,
             strcmp(what, "activate") == 0 ? "activate" : "void");
    const web_desk_text_t *d = web_desk_text(pg->rq->lang);
    web_buf_t b;
    pg->get_path = "/coop/";
    portal_confirm_begin(pg, &b);
    web_buf_puts(&b, "<p>");
    web_html(&b, strcmp(what, "activate") == 0 ? d->confirm_activate : d->confirm_void, x.id,
             x.count, a.product_name, x.lot_number);
    web_buf_puts(&b, "</p>");
    if (carry)
        web_html(&b, "<p>%s: %s</p>", pg->p->reason, portal_field(pg, "reason"));
    portal_confirm_end(pg, &b, action, carry, "/coop/");
}

static void coop_void(page_t *pg)
{
    static const char *const carry[] = {"codes", "reason", NULL};
    const char *codes = portal_field(pg, "codes");
    if (codes[strspn(codes, " ,\r\n\t")] == '\0' && !portal_confirmed(pg)) {
        /* the whole batch: only after the second step */
        batch_confirm(pg, "void", carry);
        return;
    }
    gi_error_t err;
    gi_ctx_t ctx = *pg->ctx;
    ctx.actor = pg->actor;
    portal_after_change(pg, void_posted(pg, &ctx, pg->id, &err), &err, "/coop/");
}

static void coop_activate(page_t *pg)
{
    if (!portal_confirmed(pg))
        batch_confirm(pg, "activate", NULL);
    else
        batch_posted(pg, GI_BATCH_ACTIVATE, "", "/coop/");
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

/* Every page and form of the desks; portal_admin_routes[] has the rest of
 * /admin/. The integration tests read both tables: a route added here is a
 * route the authorisation matrix must list. */
static const portal_route_t routes[] = {
    {"GET", "/login", PORTAL_ANYONE, login_page, NULL},
    {"POST", "/login", PORTAL_ANYONE, login, NULL},
    {"GET", "/logout", PORTAL_ANYONE, to_login, NULL},
    {"POST", "/logout", PORTAL_ANYONE, logout, NULL},
    {"GET", "/coop/", PORTAL_OPERATOR, coop_desk, NULL},
    {"POST", "/coop/batches", PORTAL_OPERATOR, coop_request, NULL},
    {"GET", "/coop/batches/{id}/labels", PORTAL_OPERATOR, coop_download, NULL},
    {"POST", "/coop/batches/{id}/activate", PORTAL_OPERATOR, coop_activate, NULL},
    {"POST", "/coop/batches/{id}/void", PORTAL_OPERATOR, coop_void, NULL},
    {"GET", "/admin/", PORTAL_DESK, admin_desk, NULL},
    {"POST", "/admin/batches/{id}/approve", PORTAL_DESK, admin_batch, "approve"},
    {"POST", "/admin/batches/{id}/reject", PORTAL_DESK, admin_batch, "reject"},
    {"POST", "/admin/batches/{id}/issue", PORTAL_DESK, admin_batch, "issue"},
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
