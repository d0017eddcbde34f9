/*
 * api_internal.h - what the parts of the REST API share (web/api.c: the
 * framework and the reads; web/api_changes.c: the changes and downloads).
 * Internal to web/api*.c.
 */
#ifndef WEB_API_INTERNAL_H
#define WEB_API_INTERNAL_H

#include "web/api.h"

#include <jansson.h>

/* One API call: the request, the answer being built, and who is calling. */
typedef struct {
    const gi_ctx_t *ctx;
    const web_api_request_t *rq;
    web_api_response_t *out;
    db_account_t account;
    char actor[96];
    char today[GI_DATE_LEN + 1];
} call_t;

/* Answers status with doc (consumed; NULL when out of memory). */
void api_answer(call_t *c, unsigned status, json_t *doc);
/* Answers {"error": {"code": code, "message": message}}. */
void api_fail(call_t *c, unsigned status, const char *code, const char *message);
/* Answers a gi_ error with its status: 400, 404, 409 (rules), 503. */
void api_fail_gi(call_t *c, gi_err_t rc, const gi_error_t *err);

/* The request body as a JSON object holding only the named fields (a
 * NULL-ended list); NULL after answering 400. */
json_t *api_body_object(call_t *c, const char *const *fields);
/* A required whole-number field, or an optional string field ("" when
 * absent); -1 after answering 400. */
int api_field_int(call_t *c, json_t *doc, const char *name, int64_t *out);
int api_field_text(call_t *c, json_t *doc, const char *name, const char **out);

/* POST on a collection: creates a product, operator, authorisation or batch. */
void api_create(call_t *c, const char *collection);
/* PATCH on a product or operator: the fields given change, the others stay. */
void api_edit(call_t *c, const char *collection, int64_t id);
/* POST on a record's action: authorisations/{id}/approve, batches/{id}/issue, ... */
void api_act(call_t *c, const char *collection, int64_t id, const char *action);
/* GET batches/{id}/labels?format=pdf|svg|png|csv|zip and layout choices: the print file. */
void api_download(call_t *c, int64_t batch_id);

#endif
