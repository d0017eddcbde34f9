/*
 * api_body.c - the REST API's request bodies: a JSON object holding only
 * the fields a change takes, each of the right type, read into the input
 * structs of gi/. Pure: no database, so tests/fuzz/fuzz_json.c runs every
 * body through this code followed by gi/'s checks of the input.
 */
#include "web/api_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const api_product_fields[] = {"name_zh",     "name_en",  "regime", "reg_number",
                                          "region_code", "standard", "gtin",   NULL};
/* an edit may say why the GTIN changes (required then) */
const char *const api_product_edit_fields[] = {"name_zh",    "name_en",     "regime",
                                               "reg_number", "region_code", "standard",
                                               "gtin",       "reason",      NULL};
const char *const api_operator_fields[] = {"uscc",    "name",          "kind", "region_code",
                                           "contact", "uscc_override", NULL};
const char *const api_operator_edit_fields[] = {"name", "kind", "region_code", "contact", NULL};
const char *const api_auth_fields[] = {"operator_id", "product_id",   "yearly_quota",  "valid_from",
                                       "valid_until", "approval_doc", "area_override", NULL};
const char *const api_batch_fields[] = {
    "auth_id", "count", "lot_number", "harvest_date", "production_base", "inspection_cert", NULL};
const char *const api_auth_action_fields[] = {"reason", "approval_doc", NULL};
const char *const api_batch_action_fields[] = {"note", "reason", "codes", NULL};
const char *const api_triage_fields[] = {"status", "note", NULL};

json_t *api_body_object(call_t *c, const char *const *fields)
{
    json_error_t jerr;
    char msg[160];
    if (!c->rq->body || c->rq->body_len == 0) {
        api_fail(c, 400, "invalid", "a JSON object is required as the request body");
        return NULL;
    }
    json_t *doc = json_loadb(c->rq->body, c->rq->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc || !json_is_object(doc)) {
        snprintf(msg, sizeof msg, "the body is not a JSON object%s%.100s", doc ? "" : ": ",
                 doc ? "" : jerr.text);
        json_decref(doc);
        api_fail(c, 400, "invalid", msg);
        return NULL;
    }
    const char *key;
    json_t *value;
    json_object_foreach(doc, key, value)
    {
        int known = 0;
        for (int i = 0; fields[i]; i++)
            known |= strcmp(key, fields[i]) == 0;
        if (!known) {
            snprintf(msg, sizeof msg, "unknown field '%.60s'", key);
            json_decref(doc);
            api_fail(c, 400, "invalid", msg);
            return NULL;
        }
    }
    return doc;
}

json_t *api_body_optional(call_t *c, const char *const *fields)
{
    return c->rq->body_len ? api_body_object(c, fields) : json_object();
}

/* A field that must be an integer (required). */
int api_field_int(call_t *c, json_t *doc, const char *name, int64_t *out)
{
    json_t *v = json_object_get(doc, name);
    char msg[96];
    if (!json_is_integer(v)) {
        snprintf(msg, sizeof msg, "%s is required and must be a whole number", name);
        api_fail(c, 400, "invalid", msg);
        return -1;
    }
    *out = json_integer_value(v);
    return 0;
}

int api_field_text(call_t *c, json_t *doc, const char *name, const char **out)
{
    json_t *v = json_object_get(doc, name);
    char msg[96];
    if (!*out)
        *out = "";
    if (!v)
        return 0;
    if (!json_is_string(v)) {
        snprintf(msg, sizeof msg, "%s must be a string", name);
        api_fail(c, 400, "invalid", msg);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

int api_product_input(call_t *c, json_t *doc, gi_product_input_t *in)
{
    return api_field_text(c, doc, "name_zh", &in->name_zh) ||
                   api_field_text(c, doc, "name_en", &in->name_en) ||
                   api_field_text(c, doc, "regime", &in->regime) ||
                   api_field_text(c, doc, "reg_number", &in->reg_number) ||
                   api_field_text(c, doc, "region_code", &in->region_code) ||
                   api_field_text(c, doc, "standard", &in->standard) ||
                   api_field_text(c, doc, "gtin", &in->gtin) ||
                   api_field_text(c, doc, "reason", &in->reason)
               ? -1
               : 0;
}

int api_operator_input(call_t *c, json_t *doc, gi_operator_input_t *in)
{
    return api_field_text(c, doc, "uscc", &in->uscc) || api_field_text(c, doc, "name", &in->name) ||
                   api_field_text(c, doc, "kind", &in->kind) ||
                   api_field_text(c, doc, "region_code", &in->region_code) ||
                   api_field_text(c, doc, "contact", &in->contact) ||
                   api_field_text(c, doc, "uscc_override", &in->uscc_override)
               ? -1
               : 0;
}

int api_auth_input(call_t *c, json_t *doc, gi_auth_input_t *in)
{
    return api_field_int(c, doc, "operator_id", &in->operator_id) ||
                   api_field_int(c, doc, "product_id", &in->product_id) ||
                   api_field_int(c, doc, "yearly_quota", &in->yearly_quota) ||
                   api_field_text(c, doc, "valid_from", &in->valid_from) ||
                   api_field_text(c, doc, "valid_until", &in->valid_until) ||
                   api_field_text(c, doc, "approval_doc", &in->approval_doc) ||
                   api_field_text(c, doc, "area_override", &in->area_override)
               ? -1
               : 0;
}

int api_batch_input(call_t *c, json_t *doc, gi_batch_request_t *in)
{
    return api_field_int(c, doc, "auth_id", &in->auth_id) ||
                   api_field_int(c, doc, "count", &in->count) ||
                   api_field_text(c, doc, "lot_number", &in->lot_number) ||
                   api_field_text(c, doc, "harvest_date", &in->harvest_date) ||
                   api_field_text(c, doc, "production_base", &in->production_base) ||
                   api_field_text(c, doc, "inspection_cert", &in->inspection_cert)
               ? -1
               : 0;
}

int api_auth_action_input(call_t *c, json_t *doc, const char **reason, const char **doc_no)
{
    *reason = *doc_no = NULL;
    return api_field_text(c, doc, "reason", reason) ||
                   api_field_text(c, doc, "approval_doc", doc_no)
               ? -1
               : 0;
}

/* The listed codes of a void request, as an array of strings; -1 after 400. */
static int codes_of(call_t *c, json_t *doc, const char ***codes, size_t *n)
{
    json_t *list = json_object_get(doc, "codes");
    *codes = NULL;
    *n = 0;
    if (!list)
        return 0;
    if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > 100000) {
        api_fail(c, 400, "invalid", "codes must be a list of 1 to 100000 serial codes");
        return -1;
    }
    *n = json_array_size(list);
    *codes = calloc(*n, sizeof **codes);
    for (size_t i = 0; *codes && i < *n; i++) {
        if (!json_is_string(json_array_get(list, i))) {
            free(*codes);
            *codes = NULL; /* the caller frees it too */
            api_fail(c, 400, "invalid", "codes must be strings");
            return -1;
        }
        (*codes)[i] = json_string_value(json_array_get(list, i));
    }
    return *codes ? 0 : -1;
}

int api_batch_action_input(call_t *c, json_t *doc, const char **note, const char **reason,
                           const char ***codes, size_t *n)
{
    *note = *reason = NULL;
    *codes = NULL;
    *n = 0;
    return api_field_text(c, doc, "note", note) || api_field_text(c, doc, "reason", reason) ||
                   codes_of(c, doc, codes, n)
               ? -1
               : 0;
}

int api_triage_input(call_t *c, json_t *doc, const char **status, const char **note)
{
    *status = *note = NULL;
    return api_field_text(c, doc, "status", status) || api_field_text(c, doc, "note", note) ? -1
                                                                                            : 0;
}
