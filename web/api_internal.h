/*
 * api_internal.h - what the parts of the REST API share (web/api.c: the
 * framework and the reads; web/api_body.c: the request bodies;
 * web/api_changes.c: the changes and downloads).
 * Internal to web/api*.c.
 */
#ifndef WEB_API_INTERNAL_H
#define WEB_API_INTERNAL_H

#include "gi/batch.h"
#include "gi/registry.h"
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

/* The resources under /api/v1/. */
typedef enum {
    R_ME,
    R_PRODUCTS,
    R_OPERATORS,
    R_AUTHS,
    R_BATCHES,
    R_REPORTS,
    R_STATS,
    R_AUDIT,
    R_FIGURES,
    R_ANOMALIES,
    R_NONE
} resource_t;

/* Splits "batches/12/issue" into the resource, the id (0 for the
 * collection, -1 for one that is not an id) and the action ("" for none). */
resource_t api_resource_of(const char *path, int64_t *id, char action[16]);

/* Answers status with doc (consumed; NULL when out of memory). */
void api_answer(call_t *c, unsigned status, json_t *doc);
/* Answers {"error": {"code": code, "kind": code, "message": message}}. */
void api_fail(call_t *c, unsigned status, const char *code, const char *message);
/* As api_fail with a kind apart from the code: "code" is the stable name of
 * the rule that refused ("quota_exceeded", gi_rule_name), "kind" the class of
 * the failure ("refused", gi_err_name), "message" the English sentence. */
void api_fail_kind(call_t *c, unsigned status, const char *code, const char *kind,
                   const char *message);
/* Answers a gi_ error with its status: 400, 404, 409 (rules), 503; its code
 * is the rule's (gi_error_code). */
void api_fail_gi(call_t *c, gi_err_t rc, const gi_error_t *err);

/* --- paged lists (web/api.c) --- */

/* A list being answered: limit rows wanted, one more read to tell whether
 * more exist. */
typedef struct {
    call_t *call;
    json_t *items;
    int64_t limit;
    int more;
} api_list_t;

/* Reads ?limit= (1 to 500, 50 when absent) and ?offset= into page (whose limit
 * then asks for the extra row) and starts l; -1 after answering 400. */
int api_page_of(call_t *c, db_page_t *page, api_list_t *l);
/* Adds an item (consumed); non-zero to stop after the extra row. */
int api_list_add(api_list_t *l, json_t *item);
/* Answers the list, or the error rc of reading it (the items are released). */
void api_answer_list(call_t *c, gi_err_t rc, const gi_error_t *err, api_list_t *l, db_page_t page);
/* An optional ?name= that must be a record id (0 when absent); -1 after
 * answering 400. */
int api_query_id(call_t *c, const char *name, int64_t *out);

/* --- request bodies (web/api_body.c) --- */

/* The fields each change's body may hold (NULL-ended). */
extern const char *const api_product_fields[];
extern const char *const api_product_edit_fields[];
extern const char *const api_operator_fields[];
extern const char *const api_operator_edit_fields[];
extern const char *const api_auth_fields[];
extern const char *const api_batch_fields[];
extern const char *const api_auth_action_fields[];
extern const char *const api_batch_action_fields[];
extern const char *const api_triage_fields[];

/* A whole-number field, required; -1 after answering 400. */
int api_field_int(call_t *c, json_t *doc, const char *name, int64_t *out);
/* A field that must be a string when given; absent, *out keeps its value
 * ("" when it was NULL); -1 after answering 400. */
int api_field_text(call_t *c, json_t *doc, const char *name, const char **out);

/* The request body as a JSON object holding only the named fields; NULL
 * after answering 400. The _optional form takes an empty body as {}. */
json_t *api_body_object(call_t *c, const char *const *fields);
json_t *api_body_optional(call_t *c, const char *const *fields);

/* Each reads a change's fields from doc into in: whole numbers are required,
 * texts optional (absent, a field keeps the value in *in, "" when NULL).
 * The strings belong to doc. -1 after answering 400. */
int api_product_input(call_t *c, json_t *doc, gi_product_input_t *in);
int api_operator_input(call_t *c, json_t *doc, gi_operator_input_t *in);
int api_auth_input(call_t *c, json_t *doc, gi_auth_input_t *in);
int api_batch_input(call_t *c, json_t *doc, gi_batch_request_t *in);
/* The same for transitions; "" for what is absent. codes (n of them) is
 * for the caller to free(), NULL when the body lists none. */
int api_auth_action_input(call_t *c, json_t *doc, const char **reason, const char **doc_no);
int api_batch_action_input(call_t *c, json_t *doc, const char **note, const char **reason,
                           const char ***codes, size_t *n);
int api_triage_input(call_t *c, json_t *doc, const char **status, const char **note);

/* --- use reports and output value (web/api_usage.c) --- */

/* Answers the paths under usage-reports and statistics/output and returns
 * 1; 0 for any other path. */
int api_usage_handle(call_t *c);
/* The EPCIS routes (api_epcis.c); 1 when the path was one of them (answered). */
int api_epcis_handle(call_t *c);

/* --- the annual supervision report (web/api_annual.c) --- */

/* Answers supervision/report and returns 1; 0 for any other path. */
int api_annual_handle(call_t *c);

/* --- changes (web/api_changes.c) --- */

/* POST on a collection: creates a product, operator, authorisation or batch. */
void api_create(call_t *c, const char *collection);
/* PATCH on a product or operator: the fields given change, the others stay. */
void api_edit(call_t *c, const char *collection, int64_t id);
/* POST on a record's action: authorisations/{id}/approve, batches/{id}/issue, ... */
void api_act(call_t *c, const char *collection, int64_t id, const char *action);
/* --- households and bases (web/api_households.c) --- */

/* Answers households, bases (and one of each by id) and batches/{id}/allocations;
 * returns 0, answering nothing, for any other path. */
int api_households(call_t *c, const char *path, const char *method);

/* GET batches/{id}/labels?format=pdf|svg|png|csv|zip and layout choices: the print file. */
void api_download(call_t *c, int64_t batch_id);

/* --- supervision (web/api_supervision.c) --- */

/* Everything under supervision/ (path is what follows it). */
void api_supervision(call_t *c, const char *path);

#endif
