/*
 * gs1.c - the GS1 resolver: description, linksets, link types, the
 * product's certification page.
 */
#include "web/gs1.h"
#include "gi/code.h"
#include "gi/region.h"
#include "gi/registry.h"
#include "web/html.h"
#include "web/layout.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define VOC "https://ref.gs1.org/voc/"

static const char *const LINKSET = "application/linkset+json";
static const char *const HTML = "text/html; charset=utf-8";
static const char *const JSON = "application/json";

typedef enum { LT_DEFAULT = 0, LT_PIP, LT_VERIFY, LT_CERT, LT_TRACE, LT_LINKSET } link_type_t;

/* The link type a ?linkType= names: gs1:x, or x in one of the vocabulary's
 * namespaces; anything else is the default, as the standard says. */
static link_type_t link_type_of(const char *lt)
{
    static const char *const prefixes[] = {"gs1:", "https://ref.gs1.org/voc/",
                                           "https://gs1.org/voc/", "http://gs1.org/voc/",
                                           "https://www.gs1.org/voc/"};
    static const struct {
        const char *name;
        link_type_t t;
    } names[] = {{"pip", LT_PIP},
                 {"verificationService", LT_VERIFY},
                 {"certificationInfo", LT_CERT},
                 {"traceability", LT_TRACE},
                 {"defaultLink", LT_DEFAULT}};
    if (!lt || !*lt)
        return LT_DEFAULT;
    if (strcmp(lt, "linkset") == 0 || strcmp(lt, "all") == 0)
        return LT_LINKSET;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t n = strlen(prefixes[i]);
        if (strncmp(lt, prefixes[i], n) != 0)
            continue;
        for (size_t j = 0; j < sizeof names / sizeof names[0]; j++)
            if (strcmp(lt + n, names[j].name) == 0)
                return names[j].t;
    }
    return LT_DEFAULT;
}

int web_gs1_wants_linkset(const char *link_type, const char *accept)
{
    if (link_type && link_type_of(link_type) == LT_LINKSET)
        return 1;
    return accept && strstr(accept, "application/linkset+json") != NULL;
}

void web_gs1_root(const char *base_url, const char *host, char out[WEB_GS1_ROOT_MAX])
{
    out[0] = '\0';
    if (base_url && *base_url) {
        size_t n = strlen(base_url);
        while (n > 0 && base_url[n - 1] == '/')
            n--;
        if (n < WEB_GS1_ROOT_MAX)
            snprintf(out, WEB_GS1_ROOT_MAX, "%.*s", (int)n, base_url);
        return;
    }
    if (!host || !*host || strlen(host) > 200)
        return;
    for (const char *p = host; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr(".-:[]", *p))
            return;
    snprintf(out, WEB_GS1_ROOT_MAX, "http://%s", host);
}

/* Appends s (n bytes) percent-encoded, all but unreserved characters. */
static void pct(char *out, size_t cap, const char *s, size_t n)
{
    size_t len = strlen(out);
    for (size_t i = 0; i < n && len + 4 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
            out[len++] = (char)c;
        else
            len += (size_t)snprintf(out + len, cap - len, "%%%02X", c);
    }
    out[len] = '\0';
}

/* root/01/{gtin}[/10/{lot}][/21/{code}] into out. */
static void dl_uri(const char *root, const char *gtin, const char *lot, size_t lot_len,
                   const char *code, char *out, size_t cap)
{
    snprintf(out, cap, "%s/01/%s", root, gtin);
    if (lot) {
        snprintf(out + strlen(out), cap - strlen(out), "/10/");
        pct(out, cap, lot, lot_len);
    }
    if (code)
        snprintf(out + strlen(out), cap - strlen(out), "/21/%s", code);
}

void web_gs1_link_header(const char *root, const char *gtin, const char *lot, size_t lot_len,
                         const char *code, char out[WEB_GS1_LINK_MAX])
{
    char uri[WEB_GS1_URL_MAX];
    dl_uri(root, gtin, lot, lot_len, code, uri, sizeof uri);
    snprintf(out, WEB_GS1_LINK_MAX,
             "<%s?linkType=linkset>; rel=\"linkset\"; type=\"application/linkset+json\"", uri);
}

/* --- answers ---------------------------------------------------------------------- */

static void answer_json(web_gs1_response_t *out, unsigned status, const char *type, json_t *j)
{
    out->status = status;
    out->content_type = type;
    out->body = j ? json_dumps(j, JSON_COMPACT) : NULL;
    out->len = out->body ? strlen(out->body) : 0;
    if (!out->body)
        out->status = 500;
    json_decref(j);
}

static void answer_buf(web_gs1_response_t *out, unsigned status, web_buf_t *b)
{
    out->status = status;
    out->content_type = HTML;
    out->body = web_buf_take(b, &out->len);
    if (!out->body)
        out->status = 500;
}

/* 503: the database failed; said to the log, never to the client. */
static void busy(const gi_ctx_t *ctx, const web_gs1_request_t *rq, web_gs1_response_t *out)
{
    const web_strings_t *t = web_strings(rq->lang);
    fprintf(stderr, "gimark serve: gs1: %s\n", db_errmsg(ctx->db));
    web_gs1_message(rq, 503, t->busy_title, t->busy_text, out);
}

void web_gs1_message(const web_gs1_request_t *rq, unsigned status, const char *title,
                     const char *text, web_gs1_response_t *out)
{
    const web_strings_t *t = web_strings(rq->lang);
    web_buf_t b;
    web_buf_init(&b, 4096);
    web_layout_begin(&b, t, title, t->site, "/");
    web_html(&b, "<section class=\"verdict bad\" role=\"status\"><h1>%s</h1><p>%s</p></section>",
             title, text);
    web_layout_end(&b, t);
    answer_buf(out, status, &b);
}

/* A 307 to target with the request's query passed on. */
static void redirect(const web_gs1_request_t *rq, const char *target, web_gs1_response_t *out)
{
    const char *q = rq->passed_on ? rq->passed_on : "";
    snprintf(out->location, sizeof out->location, "%s%s%s", target,
             *q ? (strchr(target, '?') ? "&" : "?") : "", q);
    out->status = 307;
    out->content_type = HTML;
    out->body = NULL;
    out->len = 0;
}

/* One link object: href and title, with type and hreflang when given. */
static json_t *link(const char *href, const char *title, const char *type, const char *lang)
{
    json_t *l = json_pack("{s:s, s:s}", "href", href, "title", title);
    if (type)
        json_object_set_new(l, "type", json_string(type));
    if (lang)
        json_object_set_new(l, "hreflang", json_pack("[s]", lang));
    return l;
}

static void add(json_t *ctx, const char *rel, json_t *l)
{
    char key[64];
    snprintf(key, sizeof key, VOC "%s", rel);
    json_t *list = json_object_get(ctx, key);
    if (!list)
        json_object_set_new(ctx, key, list = json_array());
    json_array_append_new(list, l);
}

/* The targets of a product's links. */
typedef struct {
    char pip_zh[WEB_GS1_URL_MAX], pip_en[WEB_GS1_URL_MAX], cert[WEB_GS1_URL_MAX];
} product_links_t;

static void product_links(const char *root, const char *gtin, product_links_t *p)
{
    snprintf(p->cert, sizeof p->cert, "%s/gs1/product/%s", root, gtin);
    snprintf(p->pip_zh, sizeof p->pip_zh, "%s/gs1/product/%s?lang=zh", root, gtin);
    snprintf(p->pip_en, sizeof p->pip_en, "%s/gs1/product/%s?lang=en", root, gtin);
}

static const char *product_name(const db_product_t *p, web_lang_t lang)
{
    return lang == WEB_LANG_EN && p->name_en[0] ? p->name_en : p->name_zh;
}

/* The link context of a product: anchor root/01/{gtin}. */
static json_t *product_context(const web_gs1_request_t *rq, const db_product_t *p, const char *gtin)
{
    const web_gs1_text_t *t = web_gs1_text(rq->lang);
    char anchor[WEB_GS1_URL_MAX];
    product_links_t l;
    dl_uri(rq->root, gtin, NULL, 0, NULL, anchor, sizeof anchor);
    product_links(rq->root, gtin, &l);
    json_t *c =
        json_pack("{s:s, s:s}", "anchor", anchor, "itemDescription", product_name(p, rq->lang));
    add(c, "pip", link(l.pip_zh, web_gs1_text(WEB_LANG_ZH)->link_product, "text/html", "zh-CN"));
    add(c, "pip", link(l.pip_en, web_gs1_text(WEB_LANG_EN)->link_product, "text/html", "en"));
    add(c, "certificationInfo", link(l.cert, t->link_cert, "text/html", NULL));
    add(c, "defaultLink", link(l.cert, t->link_product, NULL, NULL));
    return c;
}

/* The targets of a label's links. */
typedef struct {
    char pip_zh[WEB_GS1_URL_MAX], pip_en[WEB_GS1_URL_MAX], verify[WEB_GS1_URL_MAX];
    char cert[WEB_GS1_URL_MAX], trace[WEB_GS1_URL_MAX * 2], dflt[WEB_GS1_URL_MAX];
} label_links_t;

static void label_links(const char *root, const char *gtin, const char *code, label_links_t *l)
{
    char epc[WEB_GS1_URL_MAX];
    snprintf(l->dflt, sizeof l->dflt, "%s/V/%s", root, code);
    snprintf(l->pip_zh, sizeof l->pip_zh, "%s/V/%s?lang=zh", root, code);
    snprintf(l->pip_en, sizeof l->pip_en, "%s/V/%s?lang=en", root, code);
    snprintf(l->verify, sizeof l->verify, "%s/api/v1/verify/%s", root, code);
    snprintf(l->cert, sizeof l->cert, "%s/gs1/product/%s", root, gtin);
    dl_uri(root, gtin, NULL, 0, code, epc, sizeof epc);
    snprintf(l->trace, sizeof l->trace, "%s/api/v1/epcis/events?MATCH_epc=", root);
    pct(l->trace, sizeof l->trace, epc, strlen(epc));
}

static json_t *label_context(const web_gs1_request_t *rq, const db_label_view_t *v,
                             const char *anchor, const char *code)
{
    const web_gs1_text_t *t = web_gs1_text(rq->lang);
    label_links_t l;
    char what[DB_TEXT * 2];
    label_links(rq->root, v->batch.gtin, code, &l);
    snprintf(what, sizeof what, "%s %s", product_name(&v->product, rq->lang), v->batch.lot_number);
    json_t *c = json_pack("{s:s, s:s}", "anchor", anchor, "itemDescription", what);
    add(c, "pip", link(l.pip_zh, web_gs1_text(WEB_LANG_ZH)->link_pip, "text/html", "zh-CN"));
    add(c, "pip", link(l.pip_en, web_gs1_text(WEB_LANG_EN)->link_pip, "text/html", "en"));
    add(c, "verificationService", link(l.verify, t->link_verify, JSON, NULL));
    add(c, "certificationInfo", link(l.cert, t->link_cert, "text/html", NULL));
    add(c, "traceability", link(l.trace, t->link_trace, "application/ld+json", NULL));
    add(c, "defaultLink", link(l.dflt, t->link_default, NULL, NULL));
    return c;
}

static void linkset(json_t *contexts, const char *self, web_gs1_response_t *out)
{
    answer_json(out, 200, LINKSET, json_pack("{s:o}", "linkset", contexts));
    snprintf(out->link, sizeof out->link,
             "<%s?linkType=linkset>; rel=\"linkset\"; type=\"application/linkset+json\", "
             "<" WEB_GS1_CONTEXT ">; rel=\"http://www.w3.org/ns/json-ld#context\"; "
             "type=\"application/ld+json\"",
             self);
}

/* --- the routes --------------------------------------------------------------------- */

const char *web_gs1_contact(const char *contact, const char *website, const char *hotline,
                            char tel[WEB_GS1_TEL_MAX])
{
    if (contact && *contact)
        return contact;
    if (website && *website)
        return website;
    if (!hotline || !*hotline)
        return NULL;
    size_t n = 4;
    memcpy(tel, "tel:", 4);
    for (const char *h = hotline; *h; h++) {
        if (*h == ' ')
            continue;
        if (!strchr("0123456789+-.()", *h) || n + 1 >= WEB_GS1_TEL_MAX)
            return hotline;
        tel[n++] = *h;
    }
    tel[n] = '\0';
    return n > 4 ? tel : hotline;
}

void web_gs1_description(const web_gs1_request_t *rq, web_gs1_response_t *out)
{
    const web_strings_t *t = web_strings(rq->lang);
    /* the default of a Digital Link is a page (the consumer's), never the linkset */
    json_t *d = json_pack("{s:s, s:s, s:[s], s:[{s:s, s:s}], s:b}", "name", t->site, "resolverRoot",
                          rq->root, "supportedPrimaryKeys", "01", "supportedLinkType", "namespace",
                          VOC, "prefix", "gs1:", "linkTypeDefaultCanBeLinkset", 0);
    if (rq->contact && *rq->contact)
        json_object_set_new(d, "contact", json_string(rq->contact));
    answer_json(out, 200, JSON, d);
}

void web_gs1_label(const gi_ctx_t *ctx, const web_gs1_request_t *rq, const char *gtin,
                   const char *lot, size_t lot_len, const char *code, web_gs1_response_t *out)
{
    const web_gs1_text_t *t = web_gs1_text(rq->lang);
    db_label_view_t *v = malloc(sizeof *v);
    if (!v) {
        out->status = 500;
        return;
    }
    db_err_t rc = db_label_find(ctx->db, code, v);
    if (rc != DB_OK && rc != DB_ENOTFOUND) {
        free(v);
        busy(ctx, rq, out);
        return;
    }
    if (rc == DB_ENOTFOUND || strcmp(v->batch.gtin, gtin) != 0) {
        free(v);
        web_gs1_message(rq, 404, t->no_label_title, t->no_label_text, out);
        return;
    }
    if (lot && (lot_len != strlen(v->batch.lot_number) ||
                strncasecmp(lot, v->batch.lot_number, lot_len) != 0)) {
        free(v);
        web_gs1_message(rq, 404, t->lot_title, t->lot_text, out);
        return;
    }
    char self[WEB_GS1_URL_MAX];
    dl_uri(rq->root, gtin, lot, lot_len, code, self, sizeof self);
    link_type_t lt =
        web_gs1_wants_linkset(rq->link_type, rq->accept) ? LT_LINKSET : link_type_of(rq->link_type);
    if (lt == LT_LINKSET) {
        json_t *contexts = json_array();
        json_array_append_new(contexts, label_context(rq, v, self, code));
        /* anchored at the GTIN printed, which the product may have changed since */
        json_array_append_new(contexts, product_context(rq, &v->product, gtin));
        linkset(contexts, self, out);
        free(v);
        return;
    }
    label_links_t l;
    label_links(rq->root, gtin, code, &l);
    const char *target = lt == LT_PIP      ? (rq->lang == WEB_LANG_EN ? l.pip_en : l.pip_zh)
                         : lt == LT_VERIFY ? l.verify
                         : lt == LT_CERT   ? l.cert
                         : lt == LT_TRACE  ? l.trace
                                           : l.dflt;
    redirect(rq, target, out);
    web_gs1_link_header(rq->root, gtin, lot, lot_len, code, out->link);
    free(v);
}

void web_gs1_product(const gi_ctx_t *ctx, const web_gs1_request_t *rq, const char *gtin,
                     const char *lot, size_t lot_len, web_gs1_response_t *out)
{
    const web_gs1_text_t *t = web_gs1_text(rq->lang);
    db_product_t p;
    db_err_t rc = db_product_find_gtin(ctx->db, gtin, &p);
    if (rc == DB_ENOTFOUND) {
        web_gs1_message(rq, 404, t->unknown_gtin_title, t->unknown_gtin_text, out);
        return;
    }
    if (rc != DB_OK) {
        busy(ctx, rq, out);
        return;
    }
    char self[WEB_GS1_URL_MAX];
    dl_uri(rq->root, gtin, lot, lot_len, NULL, self, sizeof self);
    if (web_gs1_wants_linkset(rq->link_type, rq->accept)) {
        json_t *contexts = json_array();
        json_array_append_new(contexts, product_context(rq, &p, gtin));
        linkset(contexts, self, out);
        return;
    }
    product_links_t l;
    product_links(rq->root, gtin, &l);
    link_type_t lt = link_type_of(rq->link_type);
    redirect(rq, lt == LT_PIP ? (rq->lang == WEB_LANG_EN ? l.pip_en : l.pip_zh) : l.cert, out);
    web_gs1_link_header(rq->root, gtin, lot, lot_len, NULL, out->link);
}

/* --- the certification page -------------------------------------------------------- */

typedef struct {
    web_buf_t *b;
    const web_gs1_text_t *t;
    const char *operator_label;
    const char *today;
    int n;
} auth_rows_t;

static int auth_row(const db_auth_t *a, void *arg)
{
    auth_rows_t *r = arg;
    const char *status = gi_auth_status(a, r->today);
    if (strcmp(status, "approved") != 0)
        return 0;
    if (r->n++ == 0)
        web_html(r->b,
                 "<table><thead><tr><th>%s</th><th>USCC</th><th>%s</th><th>%s</th></tr>"
                 "</thead><tbody>",
                 r->operator_label, r->t->approval_doc, r->t->valid_until);
    web_html(r->b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>", a->operator_name,
             a->operator_uscc, a->approval_doc, a->valid_until);
    return r->n >= 500;
}

void web_gs1_cert_page(const gi_ctx_t *ctx, const web_gs1_request_t *rq, const char *gtin,
                       web_gs1_response_t *out)
{
    const web_gs1_text_t *g = web_gs1_text(rq->lang);
    const web_strings_t *t = web_strings(rq->lang);
    db_product_t p;
    db_err_t rc = db_product_find_gtin(ctx->db, gtin, &p);
    if (rc == DB_ENOTFOUND) {
        web_gs1_message(rq, 404, g->unknown_gtin_title, g->unknown_gtin_text, out);
        return;
    }
    if (rc != DB_OK) {
        busy(ctx, rq, out);
        return;
    }
    char region[256], today[GI_DATE_LEN + 1];
    gi_region_name(p.region_code, rq->lang == WEB_LANG_EN, region, sizeof region);
    gi_date_of(ctx->now, today);
    web_buf_t b;
    web_buf_init(&b, 8192);
    web_layout_begin(&b, t, g->cert_title, t->site, "/");
    web_html(&b, "<h1>%s</h1><section class=\"card\"><h2>%s</h2><dl>", g->cert_title,
             product_name(&p, rq->lang));
    web_html(&b, "<dt>GTIN</dt><dd>%s</dd>", p.gtin);
    web_html(&b, "<dt>%s</dt><dd>%s</dd>", g->reg_number, p.reg_number);
    web_html(&b, "<dt>%s</dt><dd>%s</dd>", g->regime, p.regime);
    web_html(&b, "<dt>%s</dt><dd>%s</dd>", g->standard, p.standard);
    web_html(&b, "<dt>%s</dt><dd>%s (%s)</dd></dl></section>", g->region, region, p.region_code);
    web_html(&b, "<section class=\"card\"><h2>%s</h2>", g->authorised);
    db_filter_t f = {.product_id = p.id};
    auth_rows_t r = {&b, g, t->operator_name, today, 0};
    if (db_auth_list(ctx->db, &f, (db_page_t){0, 1000}, auth_row, &r) != DB_OK) {
        web_buf_free(&b);
        busy(ctx, rq, out);
        return;
    }
    if (r.n)
        web_buf_puts(&b, "</tbody></table>");
    else
        web_html(&b, "<p>%s</p>", g->none);
    web_buf_puts(&b, "</section>");
    web_layout_end(&b, t);
    answer_buf(out, 200, &b);
}
