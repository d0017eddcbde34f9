/*
 * consumer.c - the consumer's pages and the verdict as JSON.
 */
#include "web/consumer.h"
#include "web/layout.h"
#include "gi/batch.h"
#include "gi/json.h"
#include "gi/region.h"
#include "gi/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The date of a moment in China Standard Time, in the reader's form; "" for 0. */
static void cst_date(const web_strings_t *t, int64_t when, char out[48])
{
    char ymd[GI_DATE_LEN + 1];
    out[0] = '\0';
    if (!when)
        return;
    gi_date_of(when, ymd);
    web_local_date(t, ymd, out);
}

/* The product's name in the page's language: Vietnamese and Thai fall back to
 * English, English to Chinese. */
static const char *product_name(web_lang_t lang, const db_product_t *p)
{
    if (lang == WEB_LANG_VI && p->name_vi[0])
        return p->name_vi;
    if (lang == WEB_LANG_TH && p->name_th[0])
        return p->name_th;
    if (lang != WEB_LANG_ZH && p->name_en[0])
        return p->name_en;
    return p->name_zh;
}

/* A region's name in the page's language (English for vi and th: no other is
 * recorded), or its code when it has none. */
static void region_of(web_lang_t lang, const char *code, char out[256])
{
    if (!gi_region_name(code, lang != WEB_LANG_ZH, out, 256) || !out[0])
        snprintf(out, 256, "%s", code);
}

static const char *verdict_class(gi_verdict_t v)
{
    switch (v) {
    case GI_VERDICT_GENUINE:
        return "ok";
    case GI_VERDICT_GENUINE_REPEATED:
    case GI_VERDICT_NOT_ACTIVATED:
    case GI_VERDICT_AUTH_EXPIRED:
    case GI_VERDICT_MALFORMED:
        return "warn";
    default:
        return "bad";
    }
}

static const char *verdict_icon(gi_verdict_t v)
{
    switch (verdict_class(v)[0]) {
    case 'o':
        return "\u2713";
    case 'w':
        return "!";
    default:
        return "\u2715";
    }
}

static const char *auth_status_text(const web_strings_t *t, const char *status)
{
    if (strcmp(status, "approved") == 0)
        return t->auth_status_approved;
    if (strcmp(status, "suspended") == 0)
        return t->auth_status_suspended;
    if (strcmp(status, "revoked") == 0)
        return t->auth_status_revoked;
    if (strcmp(status, "expired") == 0)
        return t->auth_status_expired;
    return t->auth_status_pending;
}

/* --- page frame ----------------------------------------------------------------- */

static void page_begin(web_buf_t *b, const web_strings_t *t, const char *title)
{
    web_layout_begin_consumer(b, t, title, t->site, "/");
}

/* Who speaks: the issuing office, with the emblem, hotline and website (each
 * left out when not set). */
static void issuer_card(web_buf_t *b, const web_page_ctx_t *pc, const web_strings_t *t)
{
    const web_office_t *o = &pc->office;
    web_html(b,
             "<section class=\"card issuer\"><img src=\"/static/emblem.svg\" alt=\"%s\" "
             "width=\"64\" height=\"64\"><div><h2>%s</h2>",
             t->emblem_alt, t->issuer);
    if (o->name && o->name[0])
        web_html(b, "<p class=\"operator\">%s</p>", o->name);
    web_buf_puts(b, "<dl>");
    if (o->hotline && o->hotline[0]) {
        char tel[64];
        size_t n = 0;
        for (const char *c = o->hotline; *c && n + 1 < sizeof tel; c++)
            if ((*c >= '0' && *c <= '9') || (*c == '+' && n == 0))
                tel[n++] = *c;
        tel[n] = '\0';
        web_html(b, "<dt>%s</dt><dd><a href=\"tel:%s\">%s</a></dd>", t->hotline, tel, o->hotline);
    }
    if (o->website && o->website[0]) {
        int linked =
            strncmp(o->website, "https://", 8) == 0 || strncmp(o->website, "http://", 7) == 0;
        if (linked)
            web_html(b, "<dt>%s</dt><dd><a href=\"%s\" rel=\"noopener\">%s</a></dd>", t->website,
                     o->website, o->website);
        else
            web_html(b, "<dt>%s</dt><dd>%s</dd>", t->website, o->website);
    }
    web_buf_puts(b, "</dl></div></section>");
}

static void code_form(web_buf_t *b, const web_strings_t *t, const char *value)
{
    web_html(b,
             "<section class=\"card\"><h2>%s</h2><form method=\"get\" action=\"/v\">"
             "<input type=\"hidden\" name=\"lang\" value=\"%s\">"
             "<label for=\"code\">%s</label>"
             "<input id=\"code\" name=\"code\" value=\"%s\" maxlength=\"64\" autocomplete=\"off\" "
             "autocapitalize=\"characters\" spellcheck=\"false\">"
             "<button type=\"submit\">%s</button></form></section>",
             t->enter_code, t->param, t->enter_code_hint, value ? value : "", t->enter_code_send);
}

/* The report form after its action's code, the same for every code: drawn
 * once a language. */
static void report_form_rest(web_buf_t *b, const web_strings_t *t)
{
    web_html(
        b,
        "/report?lang=%s\"><h3>%s</h3>"
        "<label for=\"text\">%s</label>"
        "<textarea id=\"text\" name=\"text\" rows=\"4\" maxlength=\"2000\" required></textarea>"
        "<label for=\"contact\">%s <span class=\"hint\">%s</span></label>"
        "<input id=\"contact\" name=\"contact\" maxlength=\"100\" autocomplete=\"off\">"
        "<button type=\"submit\">%s</button></form></section>",
        t->param, t->report_heading, t->report_text, t->report_contact, t->report_contact_hint,
        t->report_send);
}

static void report_form(web_buf_t *b, const web_strings_t *t, const char *code)
{
    static web_fragment_t rest = WEB_FRAGMENT(report_form_rest);
    web_html(b, "<section class=\"card\"><h2>%s</h2><p>%s</p><form method=\"post\" action=\"/v/",
             t->in_doubt, t->in_doubt_text);
    web_url_escape(b, code);
    web_fragment(b, &rest, t);
}

/* --- the verification page ------------------------------------------------------------ */

static void row(web_buf_t *b, const char *label, const char *value)
{
    if (value && *value)
        web_html(b, "<dt>%s</dt><dd>%s</dd>", label, value);
}

/* Where the verdict is a warning: what is wrong and since when, first. */
static void warning_lead(web_buf_t *b, const web_page_ctx_t *pc, const web_strings_t *t,
                         const gi_verification_t *v)
{
    const db_label_view_t *l = &v->view;
    char date[48] = "";
    switch (v->verdict) {
    case GI_VERDICT_GENUINE_REPEATED:
        if (!v->first_scan_at)
            return;
        cst_date(t, v->first_scan_at, date);
        web_buf_puts(b, "<p class=\"lead\">");
        web_html(b, t->warn_repeat, date, v->clients);
        web_buf_puts(b, "</p>");
        return;
    case GI_VERDICT_VOID:
        cst_date(t, l->label_voided ? l->label_voided_at : l->batch.voided_at, date);
        break;
    case GI_VERDICT_AUTH_SUSPENDED:
    case GI_VERDICT_AUTH_REVOKED:
        cst_date(t, l->auth.status_at, date);
        break;
    case GI_VERDICT_AUTH_EXPIRED:
        web_local_date(t, l->auth.valid_until, date);
        break;
    default:
        return;
    }
    (void)pc;
    if (!date[0] || !t->warn_since[v->verdict])
        return;
    web_buf_puts(b, "<p class=\"lead\">");
    web_html(b, t->warn_since[v->verdict], date);
    web_buf_puts(b, "</p>");
}

static void verdict_box(web_buf_t *b, const web_page_ctx_t *pc, const web_strings_t *t,
                        const gi_verification_t *v)
{
    gi_verdict_t verdict = v->verdict;
    web_html(b,
             "<section class=\"verdict %s\" role=\"status\"><p class=\"icon\" "
             "aria-hidden=\"true\">%s</p><h1>%s</h1>",
             verdict_class(verdict), verdict_icon(verdict), t->verdict_title[verdict]);
    if (verdict == GI_VERDICT_GENUINE && v->found) {
        const char *product = product_name(pc->lang, &v->view.product), *by = v->view.op.name;
        web_buf_puts(b, "<p class=\"sentence\">");
        if (t->sentence_product_first)
            web_html(b, t->genuine_sentence, product, by);
        else
            web_html(b, t->genuine_sentence, by, product);
        web_buf_puts(b, "</p>");
    } else if (v->found) {
        warning_lead(b, pc, t, v);
    }
    web_html(b, "<p>%s</p><p>%s</p></section>", t->verdict_text[verdict],
             t->verdict_advice[verdict]);
}

static void product_card(web_buf_t *b, const web_page_ctx_t *pc, const web_strings_t *t,
                         const db_label_view_t *l)
{
    char region[256], alt[DB_TEXT + 64];
    const char *name = product_name(pc->lang, &l->product);
    region_of(pc->lang, l->product.region_code, region);
    web_html(b, "<section class=\"card\"><h2>%s</h2>", t->product);
    if (l->product.photo_at) {
        snprintf(alt, sizeof alt, t->photo_alt, name);
        web_html(b, "<img class=\"photo\" src=\"/photo/%D-%D.png\" alt=\"%s\">", l->product.id,
                 l->product.photo_at, alt);
    }
    web_html(b, "<p class=\"product\">%s</p>", name);
    if (name != l->product.name_zh)
        web_html(b, "<p lang=\"zh-CN\">%s</p>", l->product.name_zh);
    web_buf_puts(b, "<dl>");
    row(b, t->region, region);
    row(b, t->registration, l->product.reg_number);
    row(b, t->standard, l->product.standard);
    web_buf_puts(b, "</dl></section>");
}

static void operator_card(web_buf_t *b, const web_page_ctx_t *pc, const web_strings_t *t,
                          const db_label_view_t *l)
{
    const char *status = gi_auth_status(&l->auth, pc->today);
    char until[48];
    web_local_date(t, l->auth.valid_until, until);
    web_html(b, "<section class=\"card\"><h2>%s</h2><p class=\"operator\">%s</p><dl>",
             t->operator_name, l->op.name);
    row(b, t->uscc, l->op.uscc);
    row(b, t->authorisation, auth_status_text(t, status));
    row(b, t->valid_until, until);
    row(b, t->approval_doc, l->auth.approval_doc);
    web_buf_puts(b, "</dl></section>");
}

/* Where the product comes from, for a label of an allocated range: the kind
 * of holder, its county and village, never a producer's name or contact. */
static const char *origin_text(const web_strings_t *t, const db_origin_t *o)
{
    static const char *const types[] = {"planting", "breeding", "processing"};
    if (strcmp(o->kind, "household") == 0)
        return t->origin_household;
    if (strcmp(o->kind, "processor") == 0)
        return t->origin_processor;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(o->base_type, types[i]) == 0)
            return t->origin_base[i];
    return "";
}

static void origin_card(web_buf_t *b, const web_page_ctx_t *pc, const web_strings_t *t,
                        const db_label_view_t *l)
{
    const db_origin_t *o = &l->origin;
    if (!o->found)
        return;
    char county[256];
    region_of(pc->lang, o->region_code, county);
    web_html(b, "<section class=\"card origin\"><h2>%s</h2><dl>", t->origin);
    row(b, t->origin_from, origin_text(t, o));
    row(b, t->origin_county, county);
    row(b, t->origin_village, o->village);
    web_buf_puts(b, "</dl></section>");
}

static void lot_card(web_buf_t *b, const web_strings_t *t, const db_label_view_t *l)
{
    char issued[48], harvest[48];
    cst_date(t, l->batch.issued_at, issued);
    web_local_date(t, l->batch.harvest_date, harvest);
    web_html(b, "<section class=\"card\"><h2>%s</h2><dl>", t->lot);
    row(b, t->lot_number, l->batch.lot_number);
    row(b, t->harvest_date, harvest);
    row(b, t->production_base, l->batch.production_base);
    row(b, t->inspection_cert, l->batch.inspection_cert);
    row(b, t->issued_on, issued);
    if (l->label_voided)
        row(b, t->void_reason, l->void_reason);
    else if (strcmp(l->batch.status, "voided") == 0)
        row(b, t->void_reason, l->batch.void_reason);
    web_buf_puts(b, "</dl></section>");
}

static void scans_card(web_buf_t *b, const web_page_ctx_t *pc, const web_strings_t *t,
                       const gi_verification_t *v)
{
    char first[96];
    web_local_moment(t, v->first_scan_at, first);
    size_t n = strlen(first), zone = strlen(t->time_zone);
    if (n + 1 + zone < sizeof first) {
        first[n] = ' ';
        memcpy(first + n + 1, t->time_zone, zone + 1);
    }
    web_html(b, "<section class=\"card\"><h2>%s</h2><p>", t->scans);
    if (v->scans <= 1)
        web_html(b, t->scan_first, first);
    else
        web_html(b, t->scan_count, v->scans, first);
    web_buf_puts(b, "</p>");
    if (pc->repeat_threshold > 0 && v->clients > pc->repeat_threshold) {
        web_buf_puts(b, "<p class=\"warning\"><strong>");
        web_html(b, t->scan_warning, pc->repeat_threshold);
        web_buf_puts(b, "</strong></p>");
    }
    web_buf_puts(b, "</section>");
}

static void code_line(web_buf_t *b, const char *label, const char *code)
{
    web_html(b, "<p class=\"code\">%s: <span class=\"serial\">%s</span></p>", label, code);
}

void web_page_verification(web_buf_t *b, const web_page_ctx_t *pc, const gi_verification_t *v,
                           const char *input)
{
    const web_strings_t *t = web_strings(pc->lang);
    char display[GI_CODE_DISPLAY_LEN + 1] = "";
    if (v->parse != GI_CODE_MALFORMED)
        gi_code_format(&v->code, display);
    page_begin(b, t, t->verdict_title[v->verdict]);
    verdict_box(b, pc, t, v);
    if (v->found) {
        code_line(b, t->code_label, display);
        product_card(b, pc, t, &v->view);
        operator_card(b, pc, t, &v->view);
        scans_card(b, pc, t, v);
        origin_card(b, pc, t, &v->view);
        lot_card(b, t, &v->view);
        issuer_card(b, pc, t);
        report_form(b, t, v->code.s);
    } else {
        code_line(b, t->typed_label, input);
        if (v->parse == GI_CODE_TYPO)
            web_html(b, "<p class=\"hint\">%s</p>", t->typo_hint);
        code_form(b, t, v->parse == GI_CODE_MALFORMED ? "" : display);
        issuer_card(b, pc, t);
        report_form(b, t, v->parse == GI_CODE_MALFORMED ? input : v->code.s);
    }
    web_layout_end(b, t);
}

void web_page_home(web_buf_t *b, const web_page_ctx_t *pc)
{
    const web_strings_t *t = web_strings(pc->lang);
    page_begin(b, t, t->enter_code);
    web_html(b, "<h1>%s</h1><p>%s</p>", t->site, t->home_intro);
    code_form(b, t, NULL);
    issuer_card(b, pc, t);
    web_layout_end(b, t);
}

void web_page_message(web_buf_t *b, const web_page_ctx_t *pc, const char *title, const char *text)
{
    const web_strings_t *t = web_strings(pc->lang);
    page_begin(b, t, title);
    web_html(b, "<section class=\"verdict info\" role=\"status\"><h1>%s</h1><p>%s</p></section>",
             title, text);
    code_form(b, t, NULL);
    web_layout_end(b, t);
}

/* The GET page of a code a report was posted for ("/" when the code is not
 * one a page could name): where a page answering the POST leads back to. */
static void code_page(const char *code, char self[80])
{
    size_t n = strlen(code);
    if (n && n < 64 && strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n)
        snprintf(self, 80, "/v/%s", code);
    else
        snprintf(self, 80, "/");
}

void web_page_report_done(web_buf_t *b, const web_page_ctx_t *pc, const char *code)
{
    const web_strings_t *t = web_strings(pc->lang);
    /* this page answers a POST: its language switch goes to the code's page */
    char self[80];
    code_page(code, self);
    web_layout_begin_consumer_at(b, t, t->report_thanks_title, t->site, "/", self);
    web_html(b, "<section class=\"verdict ok\" role=\"status\"><h1>%s</h1><p>%s</p></section>",
             t->report_thanks_title, t->report_thanks_text);
    code_line(b, t->code_label, code);
    web_html(b, "<p class=\"back\"><a href=\"%s?lang=%s\">%s</a></p>", self, t->param,
             t->report_back);
    code_form(b, t, NULL);
    web_layout_end(b, t);
}

/* One field of the refused report form: its error beside it when it is the
 * field refused. */
static void field_error(web_buf_t *b, const char *name, const char *field, const char *reason)
{
    if (field && strcmp(field, name) == 0)
        web_html(b, "<p class=\"field-error\" id=\"%s-error\">%s</p>", name, reason);
}

static void field_invalid(web_buf_t *b, const char *name, const char *field)
{
    if (field && strcmp(field, name) == 0)
        web_html(b, " aria-invalid=\"true\" aria-describedby=\"%s-error\"", name);
}

void web_page_report_refused(web_buf_t *b, const web_page_ctx_t *pc, const char *code,
                             const char *field, const char *reason, const char *text,
                             const char *contact)
{
    const web_strings_t *t = web_strings(pc->lang);
    char self[80];
    code_page(code, self);
    /* shown as typed, but as text: bytes that are no UTF-8 become '?' */
    char *text_shown = strdup(text ? text : "");
    char *contact_shown = strdup(contact ? contact : "");
    if (text_shown)
        gi_utf8_repair(text_shown);
    if (contact_shown)
        gi_utf8_repair(contact_shown);
    web_layout_begin_consumer_at(b, t, t->report_invalid_title, t->site, "/", self);
    web_html(b, "<section class=\"verdict info\" role=\"alert\"><h1>%s</h1><p>%s</p></section>",
             t->report_invalid_title, reason);
    code_line(b, t->code_label, code);
    web_html(b, "<section class=\"card\"><form method=\"post\" action=\"/v/");
    web_url_escape(b, code);
    web_html(b, "/report?lang=%s\"><h2>%s</h2><label for=\"text\">%s</label>", t->param,
             t->report_heading, t->report_text);
    field_error(b, "text", field, reason);
    web_html(b, "<textarea id=\"text\" name=\"text\" rows=\"4\" maxlength=\"2000\" required");
    field_invalid(b, "text", field);
    /* a newline first would be eaten by the parser: one more keeps it */
    web_html(b, ">\n%s</textarea><label for=\"contact\">%s <span class=\"hint\">%s</span></label>",
             text_shown ? text_shown : "", t->report_contact, t->report_contact_hint);
    field_error(b, "contact", field, reason);
    web_html(b,
             "<input id=\"contact\" name=\"contact\" maxlength=\"100\" autocomplete=\"off\" "
             "value=\"%s\"",
             contact_shown ? contact_shown : "");
    field_invalid(b, "contact", field);
    web_html(b, "><button type=\"submit\">%s</button></form></section>", t->report_send);
    web_html(b, "<p class=\"back\"><a href=\"%s?lang=%s\">%s</a></p>", self, t->param,
             t->report_back);
    web_layout_end(b, t);
    free(text_shown);
    free(contact_shown);
}

/* --- JSON ------------------------------------------------------------------------------- */

static json_t *time_or_null(int64_t t)
{
    char s[24];
    if (!t)
        return json_null();
    gi_json_time(t, s);
    return json_string(s);
}

/* The origin for the verdict's JSON: from "operator" (no allocation holds
 * the label), "household", "base" (with its type) or "processor", with the
 * cooperative's name and the county and village; never a producer's name. */
static json_t *origin_json(const db_label_view_t *l)
{
    const db_origin_t *o = &l->origin;
    const char *code = o->found ? o->region_code : l->op.region_code;
    char zh[256], en[256];
    gi_region_name(code, 0, zh, sizeof zh);
    gi_region_name(code, 1, en, sizeof en);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "from", o->found ? o->kind : "operator",
                     "cooperative", l->op.name, "region_code", code, "region_zh", zh, "region_en",
                     en, "village", o->found ? o->village : "", "base_type",
                     o->found ? o->base_type : "");
}

static json_t *found_json(const web_page_ctx_t *pc, const db_label_view_t *l)
{
    char region_zh[256], region_en[256];
    gi_region_name(l->product.region_code, 0, region_zh, sizeof region_zh);
    gi_region_name(l->product.region_code, 1, region_en, sizeof region_en);
    json_t *product = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name_zh", l->product.name_zh, "name_en",
        l->product.name_en, "name_vi", l->product.name_vi, "name_th", l->product.name_th,
        "region_code", l->product.region_code, "region_zh", region_zh, "region_en", region_en,
        "reg_number", l->product.reg_number, "standard", l->product.standard);
    if (l->product.gtin[0])
        json_object_set_new(product, "gtin", json_string(l->product.gtin));
    if (l->product.photo_at) {
        char photo[64];
        snprintf(photo, sizeof photo, "/photo/%lld-%lld.png", (long long)l->product.id,
                 (long long)l->product.photo_at);
        json_object_set_new(product, "photo", json_string(photo));
    }
    json_t *op = json_pack("{s:s, s:s}", "name", l->op.name, "uscc", l->op.uscc);
    json_t *auth =
        json_pack("{s:s, s:s, s:s}", "status", gi_auth_status(&l->auth, pc->today), "valid_until",
                  l->auth.valid_until, "approval_doc", l->auth.approval_doc);
    json_t *lot = json_pack("{s:s, s:s, s:s, s:s, s:o}", "lot_number", l->batch.lot_number,
                            "harvest_date", l->batch.harvest_date, "production_base",
                            l->batch.production_base, "inspection_cert", l->batch.inspection_cert,
                            "issued_at", time_or_null(l->batch.issued_at));
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:s}", "product", product, "operator", op,
                     "authorisation", auth, "lot", lot, "origin", origin_json(l), "label_status",
                     gi_label_status(&l->batch, l->label_voided));
}

json_t *web_json_verification(const web_page_ctx_t *pc, const gi_verification_t *v,
                              const char *input)
{
    json_t *out = json_pack("{s:s, s:b}", "verdict", gi_verdict_name(v->verdict), "genuine",
                            gi_verdict_is_genuine(v->verdict));
    if (!out)
        return NULL;
    if (v->parse != GI_CODE_MALFORMED) {
        char display[GI_CODE_DISPLAY_LEN + 1];
        gi_code_format(&v->code, display);
        json_object_set_new(out, "code", json_string(v->code.s));
        json_object_set_new(out, "display", json_string(display));
    } else {
        json_object_set_new(out, "input", json_string(input)); /* NULL (omitted) if not UTF-8 */
    }
    if (v->parse == GI_CODE_TYPO)
        json_object_set_new(out, "typo", json_true());
    if (v->found) {
        json_object_set_new(out, "scans", json_integer(v->scans));
        json_object_set_new(out, "clients", json_integer(v->clients));
        json_object_set_new(out, "first_scan_at", time_or_null(v->first_scan_at));
        json_object_set_new(out, "repeat_threshold", json_integer(pc->repeat_threshold));
        json_t *found = found_json(pc, &v->view);
        json_object_update(out, found);
        json_decref(found);
    }
    return out;
}
