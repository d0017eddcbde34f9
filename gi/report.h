/*
 * report.h - consumers' reports of suspected copies.
 */
#ifndef GI_REPORT_H
#define GI_REPORT_H

#include "gi/gi.h"

#define GI_REPORT_TEXT_MAX    2000 /* characters */
#define GI_REPORT_CONTACT_MAX 100

typedef struct {
    const char *code;       /* as the consumer gave it (kept even when malformed) */
    const char *text;       /* what they saw: required */
    const char *contact;    /* optional */
    const char *client_key; /* gi_client_key() of the sender */
} gi_report_input_t;

/* Stores a report; GI_EINVAL with a message when text is empty, too long or
 * not UTF-8. *id (may be NULL) receives its number. */
gi_err_t gi_report_add(const gi_ctx_t *ctx, const gi_report_input_t *in, int64_t *id,
                       gi_error_t *err);

/* The checks of a triage that need no database: a known status, and a note
 * within bounds (required to close). */
gi_err_t gi_report_triage_check(const char *status, const char *note, gi_error_t *err);

/* Works a report: status "triaged" or "closed" (or back to "new"), with a
 * note of what was done (required to close). Audited. */
gi_err_t gi_report_triage(const gi_ctx_t *ctx, int64_t id, const char *status, const char *note,
                          gi_error_t *err);

#endif
