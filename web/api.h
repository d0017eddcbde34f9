/*
 * api.h - the REST API under /api/v1/ (the verdict route aside, which is
 * public): JSON in and out, an account named by `Authorization: Bearer`.
 *
 *     GET  me
 *     GET  products            GET products/{id}          POST products   PATCH products/{id}
 *     GET  operators           GET operators/{id}         POST operators  PATCH operators/{id}
 *     GET  authorisations      GET authorisations/{id}    POST authorisations
 *          (?operator= ?product=)   POST authorisations/{id}/approve|suspend|reinstate|revoke
 *     GET  batches             GET batches/{id}           POST batches (a request)
 *          (?operator= ?auth=)      POST batches/{id}/approve|reject|issue|activate|void
 *     GET  batches/{id}/labels?format=pdf|svg|png|csv|zip   the print file
 *          (&symbology= &label-size= ...: the layout choices of gi/layout.h;
 *          &reason=: a regulator's why, needed for an activated batch, audited)
 *     GET  reports (?status=)  GET reports/{id}           POST reports/{id}/triage
 *     GET  stats               GET audit                  GET audit/verify
 *     GET  figures?days=N      scans a day, verdict mix, labels issued a month
 *     GET  anomalies?kind=unknown|repeated|suspect&days=N
 *     GET  usage-reports       GET usage-reports/{id}     POST usage-reports
 *          (?operator= ?product= ?period= ?status= ?latest=1)
 *          POST usage-reports/{id}/accept|return
 *          GET usage-reports/missing?period=  GET usage-reports/idle?as_of=
 *     GET  statistics/output?year=&by=product|region|operator   (web/api_usage.c)
 *     GET  households, bases (?operator= ?product= ?region=)   GET households/{id}, bases/{id}
 *     POST households, bases   GET|POST batches/{id}/allocations (web/api_households.c)
 *     supervision/...          credit classes, draws, inspections: web/api_supervision.c
 *
 * {id} (and ?operator= ?auth= ...) is a record id in ASCII digits, no sign,
 * space or leading zero (gi_parse_id): any other spelling answers 404 (400
 * in a query).
 *
 * Bodies of note: POST authorisations takes "area_override" (a reason) for an
 * operator seated outside the product's protected area; PATCH products takes
 * "reason", required when "gtin" changes; a batch is approved by another
 * account than the one that requested it (403 otherwise).
 *
 * Lists take ?limit= (1-500, default 50) and ?offset= and answer
 * {"items": [...], "offset": N, "limit": N, "next_offset": N or null}.
 * Errors are {"error": {"code": ..., "message": ...}}: 400 bad input, 401 no
 * valid token, 403 the role may not, 404 no such record or not the account's
 * to see, 405 wrong method, 409 refused by the rules.
 *
 * Knows nothing of HTTP transport: the server hands it the parts of a request.
 * Thread-safety: as gi_ctx_t (one per thread).
 */
#ifndef WEB_API_H
#define WEB_API_H

#include "gi/gi.h"
#include "web/printfile.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *method;
    const char *path;          /* what follows /api/v1/ */
    const char *authorization; /* the header, or NULL */
    const char *body;          /* request body (not NUL-terminated), or NULL */
    size_t body_len;
    /* a query parameter by name, or NULL */
    const char *(*query)(void *arg, const char *name);
    void *query_arg;
    const web_desk_settings_t *settings;
    const char *root; /* the GS1 resolver root (web/gs1.h): what EPCs are written under */
} web_api_request_t;

#define WEB_API_LINK_MAX 2048

typedef struct {
    unsigned status;
    char *body; /* JSON, for the caller to free() */
    size_t len;
    const char *allow;        /* for 405: the methods the path takes */
    int challenge;            /* for 401: send WWW-Authenticate: Bearer */
    char location[64];        /* for 201: the new record's path, or "" */
    const char *content_type; /* of body: NULL for JSON */
    char filename[64];        /* non-empty: body is a download of this name */
    /* a print file instead of body: file.job for the caller to stream and
     * release (or file.head_only); file.retry_after with a 429 or 503 */
    web_file_t file;
    char link[WEB_API_LINK_MAX]; /* a Link header (the next page of EPCIS events), or "" */
} web_api_response_t;

/* Answers one API request. Changes are made in the calling account's name.
 * out has either a JSON body (NULL only when out of memory) or, for a print
 * file, file.job or file.head_only. */
void web_api_handle(const gi_ctx_t *ctx, const web_api_request_t *rq, web_api_response_t *out);

#endif
