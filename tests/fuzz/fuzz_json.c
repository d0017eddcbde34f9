/*
 * fuzz_json.c - the REST API's JSON request bodies, through the code the
 * API runs before it reaches the database: api_body_object() with the
 * change's field list, the field readers of web/api_body.c, then gi/'s
 * checks of that input (gi_product_check, ...), whose refusal is answered
 * by api_fail_gi() as the API does.
 *
 * The first byte picks the change (see changes[]), the rest is the body.
 * Invariants: a refused body is answered 400 with a JSON error whose
 * message is not empty; an accepted input lies within the documented
 * limits, checked here independently of gi/check.c.
 */
#include "gi/code.h"
#include "gi/report.h"
#include "web/api_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NOW INT64_C(1767225600) /* 2026-01-01 */

/* --- invariants --------------------------------------------------------------- */

/* Characters of s (UTF-8 from jansson, so valid), or SIZE_MAX when s holds
 * a control character. */
static size_t chars_of(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7F)
            return SIZE_MAX;
        n += (*p & 0xC0) != 0x80;
    }
    return n;
}

static void want(int ok)
{
    if (!ok)
        abort();
}

static void want_text(const char *s, size_t min_chars, size_t max_chars)
{
    want(s != NULL);
    size_t n = chars_of(s);
    want(n != SIZE_MAX && n >= min_chars && n <= max_chars);
}

static int one_of(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

static void want_digits(const char *s, size_t len)
{
    want(strlen(s) == len && strspn(s, "0123456789") == len);
}

static void want_date(const char *s)
{
    want(strlen(s) == GI_DATE_LEN && s[4] == '-' && s[7] == '-');
    want(strspn(s, "0123456789") == 4 && strspn(s + 5, "0123456789") == 2 &&
         strspn(s + 8, "0123456789") == 2);
}

/* A 400 answer: JSON {"error": {"code": ..., "message": non-empty}}. */
static void want_refusal(const web_api_response_t *out)
{
    want(out->status == 400 && out->body != NULL);
    json_t *doc = json_loadb(out->body, out->len, 0, NULL);
    const char *message =
        json_string_value(json_object_get(json_object_get(doc, "error"), "message"));
    want(message && *message);
    json_decref(doc);
}

/* gi/'s verdict on the input: refused, it must say why, in an answer the
 * API can send. */
static int judged(call_t *c, gi_err_t rc, const gi_error_t *err)
{
    if (rc == GI_OK)
        return 1;
    want(rc == GI_EINVAL && err->msg[0] != '\0');
    api_fail_gi(c, rc, err);
    want_refusal(c->out);
    return 0;
}

/* --- the changes ---------------------------------------------------------------- */

static void product_body(call_t *c, json_t *doc, int edit)
{
    static const char *const regimes[] = {
        "", "cnipa-product", "collective-mark", "certification-mark", "agri-product", NULL};
    gi_product_input_t in = {0};
    if (edit)
        in = (gi_product_input_t){"百色芒果", "Baise Mango",     "cnipa-product",  "第4409718号",
                                  "451000",   "DB45/T 227—2022", "06901234567892", ""};
    char gtin[GI_GTIN_LEN + 1];
    gi_error_t err = {0};
    if (api_product_input(c, doc, &in) != 0) {
        want_refusal(c->out);
        return;
    }
    if (!judged(c, gi_product_check(&in, gtin, &err), &err))
        return;
    want_text(in.name_zh, 1, 60);
    want_text(in.name_en, 0, 120);
    want_text(in.reg_number, 0, 80);
    want_text(in.standard, 0, 80);
    want_digits(in.region_code, 6);
    want(one_of(in.regime, regimes));
    if (in.gtin[0])
        want_digits(gtin, GI_GTIN_LEN);
    else
        want(gtin[0] == '\0');
}

static void operator_body(call_t *c, json_t *doc, int edit)
{
    static const char *const kinds[] = {"cooperative", "company", "individual",
                                        "association", "other",   NULL};
    gi_operator_input_t in = {0};
    if (edit)
        in = (gi_operator_input_t){"91450100MA8609132C", "百色市芒果专业合作社",
                                   "cooperative",        "451002",
                                   "0776-1234567",       ""};
    char uscc[GI_USCC_LEN + 1];
    gi_error_t err = {0};
    if (api_operator_input(c, doc, &in) != 0) {
        want_refusal(c->out);
        return;
    }
    if (!judged(c, gi_operator_check(&in, uscc, &err), &err))
        return;
    want_text(in.name, 1, 100);
    want_text(in.contact, 0, 120);
    want_text(in.uscc_override, 0, 200);
    want_digits(in.region_code, 6);
    want(one_of(in.kind, kinds));
    if (!in.uscc_override[0])
        want(strlen(uscc) == GI_USCC_LEN);
}

static void auth_body(call_t *c, json_t *doc)
{
    gi_auth_input_t in = {0};
    db_auth_t a = {0};
    gi_error_t err = {0};
    if (api_auth_input(c, doc, &in) != 0) {
        want_refusal(c->out);
        return;
    }
    if (!judged(c, gi_auth_grant_check(c->ctx, &in, &a, &err), &err))
        return;
    want(in.yearly_quota >= 1 && in.yearly_quota <= 100000000);
    want_text(in.approval_doc, 0, 100);
    want_date(a.valid_from);
    want_date(a.valid_until);
    want(strcmp(a.valid_from, a.valid_until) <= 0);
}

static void batch_body(call_t *c, json_t *doc)
{
    gi_batch_request_t in = {0};
    gi_error_t err = {0};
    if (api_batch_input(c, doc, &in) != 0) {
        want_refusal(c->out);
        return;
    }
    if (!judged(c, gi_batch_request_check(&in, &err), &err))
        return;
    want(in.count >= 1 && in.count <= GI_BATCH_MAX);
    want_text(in.lot_number, 0, 60);
    want_text(in.production_base, 0, 80);
    want_text(in.inspection_cert, 0, 60);
    if (in.harvest_date[0])
        want_date(in.harvest_date);
}

static void auth_action(call_t *c, json_t *doc, gi_auth_action_t action)
{
    const char *reason, *doc_no;
    gi_error_t err = {0};
    if (api_auth_action_input(c, doc, &reason, &doc_no) != 0) {
        want_refusal(c->out);
        return;
    }
    if (!judged(c, gi_auth_transition_check(action, reason, doc_no, &err), &err))
        return;
    want_text(reason, action == GI_AUTH_APPROVE ? 0 : 1, 300);
    want_text(doc_no, 0, 100);
}

/* which: 0 approve, 1 reject (a note, required to reject), 2 void (a reason). */
static void batch_action(call_t *c, json_t *doc, int which)
{
    const char *note, *reason, **codes = NULL;
    size_t n = 0;
    gi_error_t err = {0};
    if (api_batch_action_input(c, doc, &note, &reason, &codes, &n) != 0) {
        want_refusal(c->out);
    } else if (which < 2 ? judged(c, gi_batch_note_check(which == 0, note, &err), &err)
                         : judged(c, gi_batch_reason_check(reason, &err), &err)) {
        if (which < 2)
            want_text(note, which == 0 ? 0 : 1, 300);
        else
            want_text(reason, 1, 300);
        want((codes == NULL) == (n == 0));
        for (size_t i = 0; i < n; i++) {
            gi_code_t code;
            (void)gi_code_parse(codes[i], strlen(codes[i]), &code);
        }
    }
    free(codes); /* as the API does after every batch action */
}

static void triage_body(call_t *c, json_t *doc)
{
    static const char *const statuses[] = {"new", "triaged", "closed", NULL};
    const char *status, *note;
    gi_error_t err = {0};
    if (api_triage_input(c, doc, &status, &note) != 0) {
        want_refusal(c->out);
        return;
    }
    if (!judged(c, gi_report_triage_check(status, note, &err), &err))
        return;
    want(one_of(status, statuses));
    want_text(note, strcmp(status, "closed") == 0, 200);
}

/* What the first byte picks (the body's length picks the action of a
 * transition): the body's field list and what reads it. */
enum { PRODUCT, PRODUCT_EDIT, OPERATOR, OPERATOR_EDIT, AUTH, BATCH, AUTH_ACT, BATCH_ACT, TRIAGE };

static const struct {
    char key; /* the selector byte the seed corpus uses */
    const char *const *fields;
    int optional; /* an empty body is {} */
} changes[] = {
    [PRODUCT] = {'p', api_product_fields, 0},
    [PRODUCT_EDIT] = {'P', api_product_fields, 0},
    [OPERATOR] = {'o', api_operator_fields, 0},
    [OPERATOR_EDIT] = {'O', api_operator_edit_fields, 0},
    [AUTH] = {'a', api_auth_fields, 0},
    [BATCH] = {'b', api_batch_fields, 0},
    [AUTH_ACT] = {'A', api_auth_action_fields, 1},
    [BATCH_ACT] = {'B', api_batch_action_fields, 1},
    [TRIAGE] = {'t', api_triage_fields, 0},
};

#define CHANGES (sizeof changes / sizeof changes[0])

static size_t change_of(uint8_t selector)
{
    for (size_t i = 0; i < CHANGES; i++)
        if (changes[i].key == (char)selector)
            return i;
    return selector % CHANGES;
}

static void read_body(call_t *c, size_t kind, json_t *doc, uint8_t variant)
{
    switch (kind) {
    case PRODUCT:
    case PRODUCT_EDIT:
        product_body(c, doc, kind == PRODUCT_EDIT);
        break;
    case OPERATOR:
    case OPERATOR_EDIT:
        operator_body(c, doc, kind == OPERATOR_EDIT);
        break;
    case AUTH:
        auth_body(c, doc);
        break;
    case BATCH:
        batch_body(c, doc);
        break;
    case AUTH_ACT:
        auth_action(c, doc, (gi_auth_action_t)(variant % 4));
        break;
    case BATCH_ACT:
        batch_action(c, doc, variant % 3);
        break;
    default:
        triage_body(c, doc);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    gi_ctx_t ctx = {NULL, "user:fuzz", NOW, NULL};
    web_api_request_t rq = {.method = "POST", .body = (const char *)data + 1, .body_len = size - 1};
    web_api_response_t out = {0};
    call_t c = {.ctx = &ctx, .rq = &rq, .out = &out};
    size_t kind = change_of(data[0]);
    json_t *doc = changes[kind].optional ? api_body_optional(&c, changes[kind].fields)
                                         : api_body_object(&c, changes[kind].fields);
    if (doc)
        read_body(&c, kind, doc, (uint8_t)size);
    else
        want_refusal(&out);
    json_decref(doc);
    free(out.body);
    return 0;
}
