/*
 * consumer_routes.c - the consumer's routes: the home page, a code's
 * verification (its page, its JSON, a label's Digital Link), the GS1
 * resolver, reports, the emblem and a product's photo. The pages are drawn
 * by web/consumer.c, the resolver's answers by web/gs1.c; the request's life
 * is web/server.c's (web/server_internal.h says which file owns what).
 */
#include "web/server_internal.h"
#include "gi/gtin.h"
#include "gi/inspect.h"
#include "gi/report.h"
#include "gi/verify.h"
#include "web/gs1.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DISPLAY_MAX 64 /* bytes of a received code shown back or stored */

/* Printable ASCII of at most DISPLAY_MAX bytes of untrusted input; anything
 * else becomes '?', so what is shown back or stored is always plain text. */
static void display_of(const char *in, size_t len, char out[DISPLAY_MAX + 1])
{
    size_t n = len < DISPLAY_MAX ? len : DISPLAY_MAX;
    for (size_t i = 0; i < n; i++)
        out[i] = in[i] >= 0x20 && in[i] < 0x7f ? in[i] : '?';
    out[n] = '\0';
}

enum MHD_Result send_home(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    web_buf_t b;
    web_page_ctx_t pc = page_ctx(s, c);
    web_buf_init(&b, 4096);
    web_page_home(&b, &pc);
    return send_buf(c, rq, 200, HTML, &b);
}

/* --- the verification routes ----------------------------------------------------- */

/* Sets rq's Link header (in link) for a Digital Link's answer. */
static void digital_link_header(web_server_t *s, struct MHD_Connection *c, request_t *rq,
                                const gi_verification_t *v, char link[WEB_GS1_LINK_MAX])
{
    char root[WEB_GS1_ROOT_MAX], given[32], gtin[GI_GTIN_LEN + 1];
    if (rq->route.gtin_len >= sizeof given)
        return;
    memcpy(given, rq->route.gtin, rq->route.gtin_len);
    given[rq->route.gtin_len] = '\0';
    web_gs1_root(s->cfg.base_url, header(c, MHD_HTTP_HEADER_HOST), root);
    if (!root[0] || gi_gtin_normalize(given, gtin, NULL) != GI_OK)
        return;
    web_gs1_link_header(root, gtin, rq->route.lot, rq->route.lot_len, v->code.s, link);
    rq->link = link;
}
enum MHD_Result send_verification(web_server_t *s, struct MHD_Connection *c, request_t *rq,
                                  const char *input, size_t len, int as_json)
{
    char today[GI_DATE_LEN + 1], shown[DISPLAY_MAX + 1];
    gi_verification_t v;
    gi_error_t err;
    db_t *db = worker_db(s);
    web_page_ctx_t pc = page_ctx(s, c);
    const web_strings_t *t = web_strings(pc.lang);
    if (!db)
        return as_json ? send_json_error(c, rq, 503, "io", "database unavailable")
                       : send_message(s, c, rq, 503, t->busy_title, t->busy_text);
    gi_ctx_t ctx = {db, "web", (int64_t)time(NULL), worker_read_db(s)};
    gi_date_of(ctx.now, today);
    pc.today = today;
    const char *client = client_of(s, c, rq);
    int64_t now_ms = monotonic_ms();
    int64_t unknown_wait_s = web_ratelimit_wait(s->unknown_codes, client, now_ms);
    gi_scan_input_t in = {.input = input,
                          .len = len,
                          .gtin = rq->route.gtin,
                          .gtin_len = rq->route.gtin_len,
                          .lot = rq->route.lot,
                          .lot_len = rq->route.lot_len,
                          .client_key = client,
                          .ua_class = gi_ua_class(header(c, "User-Agent")),
                          .repeat_threshold = s->cfg.repeat_threshold,
                          .skip_unknown = unknown_wait_s > 0};
    if (gi_verify_scan(&ctx, s->scans, &in, &v, &err) != GI_OK) {
        fprintf(stderr, "gimark serve: verify: %s\n", err.msg);
        return as_json ? send_json_error(c, rq, 503, "io", "verification unavailable")
                       : send_message(s, c, rq, 503, t->busy_title, t->busy_text);
    }
    if (!v.found && unknown_wait_s > 0) {
        /* a client trying code after unknown code: answered, not recorded */
        web_metrics_rate_limited(s->metrics);
        rq->retry_after = unknown_wait_s;
        return as_json ? send_json_error(c, rq, 429, "rate_limited", t->scans_limited_text)
                       : send_message(s, c, rq, 429, t->scans_limited_title, t->scans_limited_text);
    }
    if (!v.found)
        web_ratelimit_take(s->unknown_codes, client, now_ms);
    rq->verdict = gi_verdict_name(v.verdict);
    web_metrics_verdict(s->metrics, v.verdict);
    unsigned status = v.found ? 200 : 404;
    display_of(input, len, shown);
    char link[WEB_GS1_LINK_MAX];
    if (rq->route.id == WEB_ROUTE_DIGITAL_LINK && v.parse != GI_CODE_MALFORMED &&
        !v.lot_mismatch) /* a wrong lot's linkset is not there */
        digital_link_header(s, c, rq, &v, link);
    if (v.lot_mismatch && !as_json) {
        const web_gs1_text_t *g = web_gs1_text(pc.lang);
        return send_message(s, c, rq, 404, g->lot_title, g->lot_text);
    }
    if (as_json) {
        json_t *j = web_json_verification(&pc, &v, shown);
        char *body = j ? json_dumps(j, JSON_COMPACT) : NULL;
        json_decref(j);
        if (!body)
            return MHD_NO;
        return send_body(c, rq, status, JSON, body, strlen(body));
    }
    web_buf_t b;
    web_buf_init(&b, 8192);
    web_page_verification(&b, &pc, &v, shown);
    return send_buf(c, rq, status, HTML, &b);
}

/* --- the GS1 resolver ------------------------------------------------------------------ */

#define PASSED_ON_MAX 1024

typedef struct {
    char *out;
    size_t len, cap;
} passed_on_t;

static void pct_append(passed_on_t *p, const char *v)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; v && *v && p->len + 4 < p->cap; v++) {
        unsigned char ch = (unsigned char)*v;
        if ((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
            strchr("-._~:", ch)) {
            p->out[p->len++] = (char)ch;
        } else {
            p->out[p->len++] = '%';
            p->out[p->len++] = hex[ch >> 4];
            p->out[p->len++] = hex[ch & 15];
        }
    }
    p->out[p->len] = '\0';
}

/* Each query parameter but linkType, re-encoded, for a redirect to pass on. */
static enum MHD_Result passed_on_add(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    passed_on_t *p = cls;
    (void)kind;
    if (!key || strcmp(key, "linkType") == 0 || p->len + 8 >= p->cap)
        return MHD_YES;
    if (p->len > 0)
        p->out[p->len++] = '&';
    pct_append(p, key);
    if (value) {
        p->out[p->len++] = '=';
        pct_append(p, value);
    }
    return MHD_YES;
}

static enum MHD_Result send_gs1_answer(struct MHD_Connection *c, request_t *rq,
                                       web_gs1_response_t *out)
{
    static const web_file_t no_file = {0};
    if (out->status == 500 && !out->body)
        return MHD_NO;
    struct MHD_Response *r =
        answer_response(c, &no_file, out->body, out->len, out->content_type, NULL);
    if (!r)
        return MHD_NO;
    if (out->location[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, out->location);
    rq->link = out->link;
    add_gs1_headers(r, rq);
    if (rq->route.allow && !rq->route.method_ok)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, rq->route.allow);
    return queue_answer(c, rq, out->status, r);
}

/* The GS1 routes but the plain scan: the description, linksets, link
 * types, products, CORS preflights and malformed Digital Links. */
enum MHD_Result send_gs1(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    char root[WEB_GS1_ROOT_MAX], given[32], gtin[GI_GTIN_LEN + 1], passed[PASSED_ON_MAX] = "";
    web_page_ctx_t pc = page_ctx(s, c);
    const web_gs1_text_t *g = web_gs1_text(pc.lang);
    web_gs1_response_t out;
    memset(&out, 0, sizeof out);
    passed_on_t po = {passed, 0, sizeof passed};
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, passed_on_add, &po);
    web_gs1_root(s->cfg.base_url, header(c, MHD_HTTP_HEADER_HOST), root);
    web_gs1_request_t in = {.method = rq->method,
                            .root = root,
                            .link_type = query(c, "linkType"),
                            .accept = header(c, MHD_HTTP_HEADER_ACCEPT),
                            .passed_on = passed,
                            .lang = pc.lang,
                            .contact = s->cfg.gs1_contact};
    rq->cors = 1;
    if (strcmp(rq->method, "OPTIONS") == 0) {
        out.status = 204;
        out.content_type = "text/plain";
        return send_gs1_answer(c, rq, &out);
    }
    if (!root[0]) {
        web_gs1_message(&in, 400, g->bad_link_title, g->bad_link_text, &out);
        return send_gs1_answer(c, rq, &out);
    }
    if (rq->route.id == WEB_ROUTE_GS1_RESOLVER) {
        web_gs1_description(&in, &out);
        return send_gs1_answer(c, rq, &out);
    }
    int gtin_ok = rq->route.gtin_len > 0 && rq->route.gtin_len < sizeof given;
    if (gtin_ok) {
        memcpy(given, rq->route.gtin, rq->route.gtin_len);
        given[rq->route.gtin_len] = '\0';
        gtin_ok = !memchr(given, '\0', rq->route.gtin_len) &&
                  strspn(given, "0123456789") == rq->route.gtin_len &&
                  gi_gtin_normalize(given, gtin, NULL) == GI_OK;
    }
    if (rq->route.id == WEB_ROUTE_GS1_MALFORMED || !gtin_ok) {
        web_gs1_message(&in, 400, g->bad_link_title, g->bad_link_text, &out);
        return send_gs1_answer(c, rq, &out);
    }
    db_t *db = worker_db(s);
    if (!db) {
        const web_strings_t *t = web_strings(pc.lang);
        return send_message(s, c, rq, 503, t->busy_title, t->busy_text);
    }
    gi_ctx_t ctx = {db, "web", (int64_t)time(NULL), NULL};
    if (rq->route.id == WEB_ROUTE_GS1_CERT) {
        web_gs1_cert_page(&ctx, &in, gtin, &out);
    } else if (rq->route.id == WEB_ROUTE_GS1_PRODUCT) {
        web_gs1_product(&ctx, &in, gtin, rq->route.lot, rq->route.lot_len, &out);
    } else {
        /* a label's links say whether its code exists: the same limit on
         * unknown codes as the consumer's page */
        const char *client = client_of(s, c, rq);
        int64_t now_ms = monotonic_ms();
        int64_t wait_s = web_ratelimit_wait(s->unknown_codes, client, now_ms);
        if (wait_s > 0) {
            const web_strings_t *t = web_strings(pc.lang);
            web_metrics_rate_limited(s->metrics);
            rq->retry_after = wait_s;
            return send_message(s, c, rq, 429, t->scans_limited_title, t->scans_limited_text);
        }
        gi_code_t code;
        if (gi_code_parse(rq->route.code, rq->route.code_len, &code) != GI_CODE_VALID)
            web_gs1_message(&in, 404, g->no_label_title, g->no_label_text, &out);
        else
            web_gs1_label(&ctx, &in, gtin, rq->route.lot, rq->route.lot_len, code.s, &out);
        if (out.status == 404)
            web_ratelimit_take(s->unknown_codes, client, now_ms);
    }
    return send_gs1_answer(c, rq, &out);
}

/* A Digital Link of a label: the consumer page in place (the plain scan,
 * as fast as /V/{code}), or the resolver's answer when a linkType or the
 * linkset is asked for; 400 when its GTIN is not one. */
enum MHD_Result send_digital_link(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    const char *lt = query(c, "linkType");
    const char *accept = header(c, MHD_HTTP_HEADER_ACCEPT);
    rq->cors = 1;
    if (lt || strcmp(rq->method, "OPTIONS") == 0 ||
        (accept && strstr(accept, "application/linkset+json")))
        return send_gs1(s, c, rq);
    char given[32], gtin[GI_GTIN_LEN + 1];
    if (rq->route.gtin_len >= sizeof given || rq->route.gtin_len == 0 ||
        (memcpy(given, rq->route.gtin, rq->route.gtin_len), given[rq->route.gtin_len] = '\0',
         strspn(given, "0123456789") != rq->route.gtin_len) ||
        gi_gtin_normalize(given, gtin, NULL) != GI_OK) {
        const web_gs1_text_t *g = web_gs1_text(page_ctx(s, c).lang);
        return send_message(s, c, rq, 400, g->bad_link_title, g->bad_link_text);
    }
    return send_verification(s, c, rq, rq->route.code, rq->route.code_len, 0);
}

/* --- consumer reports ------------------------------------------------------------------ */

/* The rate limit's key of a client and a code: a short hash of both. */
static void report_key(const char *client, const char *code, char out[25])
{
    unsigned char h[12];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)client, strlen(client) + 1);
    crypto_generichash_update(&st, (const unsigned char *)code, strlen(code));
    crypto_generichash_final(&st, h, sizeof h);
    sodium_bin2hex(out, 25, h, sizeof h);
}
enum MHD_Result send_report(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    char shown[DISPLAY_MAX + 1];
    web_page_ctx_t pc = page_ctx(s, c);
    const web_strings_t *t = web_strings(pc.lang);
    const web_form_t *f = form_done(rq);
    if (!f)
        return send_message(s, c, rq, 415, t->unsupported_title, t->report_invalid_title);
    if (f->too_big)
        return send_message(s, c, rq, 413, t->too_large_title, t->report_invalid_title);
    if (f->has_nul)
        return send_message(s, c, rq, 400, t->report_invalid_title, t->bad_request_title);
    const char *client = client_of(s, c, rq);
    gi_code_t code;
    display_of(rq->route.code, rq->route.code_len, shown);
    if (gi_code_parse(rq->route.code, rq->route.code_len, &code) != GI_CODE_MALFORMED)
        snprintf(shown, sizeof shown, "%s", code.s);
    char key[25];
    report_key(client, shown, key);
    int64_t now_ms = monotonic_ms();
    int64_t wait_s = web_ratelimit_take(s->reports, key, now_ms);
    if (wait_s == 0) {
        wait_s = web_ratelimit_take(s->report_clients, client, now_ms);
        if (wait_s > 0) /* refused by the client's own limit: the code's token is not spent */
            web_ratelimit_give(s->reports, key, now_ms);
    }
    if (wait_s > 0) {
        web_metrics_rate_limited(s->metrics);
        rq->retry_after = wait_s;
        return send_message(s, c, rq, 429, t->report_limited_title, t->report_limited_text);
    }
    db_t *db = worker_db(s);
    if (!db)
        return send_message(s, c, rq, 503, t->busy_title, t->busy_text);
    gi_ctx_t ctx = {db, "web:consumer", (int64_t)time(NULL), NULL};
    const char *text = web_form_get(f, "text"), *contact = web_form_get(f, "contact");
    gi_report_input_t in = {shown, text ? text : "", contact ? contact : "", client};
    gi_error_t err;
    gi_err_t rc = gi_report_add(&ctx, &in, NULL, &err);
    if (rc == GI_EINVAL) {
        /* gi_check_text names the field first: "report ...", "contact ..." */
        const char *field = strncmp(err.msg, "report ", 7) == 0    ? "text"
                            : strncmp(err.msg, "contact ", 8) == 0 ? "contact"
                                                                   : NULL;
        web_buf_t b;
        web_buf_init(&b, 8192);
        web_page_report_refused(&b, &pc, shown, field, web_rule_message(pc.lang, rc, &err), in.text,
                                in.contact);
        return send_buf(c, rq, 400, HTML, &b);
    }
    if (rc != GI_OK) {
        fprintf(stderr, "gimark serve: report: %s\n", err.msg);
        return send_message(s, c, rq, 503, t->busy_title, t->busy_text);
    }
    web_buf_t b;
    web_buf_init(&b, 4096);
    web_page_report_done(&b, &pc, shown);
    return send_buf(c, rq, 200, HTML, &b);
}

/* --- the emblem and photos ------------------------------------------------------------- */

enum MHD_Result send_emblem(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    rq->status = 200;
    return MHD_queue_response(c, 200, s->emblem);
}

/* /photo/{product}-{photo_at}.png: the product's photo while photo_at is its
 * current one (a new upload is a new URL, so this one may be cached for ever). */
enum MHD_Result send_photo(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    char name[48], tail;
    long long id = 0, at = 0;
    snprintf(name, sizeof name, "%.*s", (int)rq->route.code_len, rq->route.code);
    db_t *db = worker_db(s);
    unsigned char *png = NULL;
    size_t len = 0;
    int64_t photo_at = 0;
    if (sscanf(name, "%lld-%lld%c", &id, &at, &tail) != 2 || id <= 0 || at <= 0 || !db ||
        db_product_photo_get(db, id, &png, &len, &photo_at) != DB_OK || photo_at != at) {
        free(png);
        if (!db)
            return refuse(s, c, rq, 503);
        return refuse(s, c, rq, 404);
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(len, png, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(png);
        return MHD_NO;
    }
    add_security_headers(r);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "image/png");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
                            "public, max-age=31536000, immutable");
    return queue_answer(c, rq, 200, r);
}
