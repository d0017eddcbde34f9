/*
 * json.h - the JSON form of registry records, one shape shared by the CLI's
 * --json output and the HTTP API.
 *
 * Each function returns a new reference the caller must json_decref().
 */
#ifndef GI_JSON_H
#define GI_JSON_H

#include "db/db.h"

#include <jansson.h>

json_t *gi_json_product(const db_product_t *p);
json_t *gi_json_operator(const db_operator_t *o);
/* today (YYYY-MM-DD) and now decide the derived status and review flag. */
json_t *gi_json_auth(const db_auth_t *a, const char *today, int64_t now);
json_t *gi_json_audit_row(const db_audit_row_t *row);
json_t *gi_json_batch(const db_batch_t *b);
/* A consumer report; the reporter's contact and client key only when
 * with_reporter (gi_may_see_reporters). */
json_t *gi_json_report(const db_report_t *r, int with_reporter);
/* The register's figures against the target of operators using the mark
 * (an approved, current authorisation with labels issued under it). */
json_t *gi_json_stats(const db_stats_t *st, int64_t target);
/* 2026-11-25T08:00:00Z */
void gi_json_time(int64_t t, char out[24]);

#endif
