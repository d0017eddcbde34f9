/*
 * error.h - the error codes and message buffer shared by every gi_ function.
 *
 * A gi_ function returns a gi_err_t and, when there is more to say, writes one
 * human sentence into the caller's gi_error_t. The CLI maps codes to exit
 * statuses (gi_exit_status) and the web layer maps them to HTTP statuses.
 */
#ifndef GI_ERROR_H
#define GI_ERROR_H

typedef enum {
    GI_OK = 0,
    GI_EINVAL,     /* the input is not well formed */
    GI_ENOTFOUND,  /* no such record */
    GI_EEXISTS,    /* a record with that key is already there */
    GI_EREFUSED,   /* well-formed, but the rules forbid it */
    GI_EFORBIDDEN, /* the account's role may not do it (gi/access) */
    GI_EIO,        /* database, file or system failure */
    GI_ENOMEM,
} gi_err_t;

/* Every rule that refuses, with its stable machine name: the REST API sends the
 * name as the error's "code" and the pages translate by it (web_rule_message).
 * A name, once given, never changes meaning; new rules are appended. */
#define GI_RULES(X)                                                                                \
    X(NONE, "none")                                                                                \
    X(ACCOUNT_DISABLED, "account_disabled")                                                        \
    X(ROLE_UNKNOWN, "role_unknown")                                                                \
    X(ROLE_NOT_ALLOWED, "role_not_allowed")                                                        \
    X(LIVE_CODES_NEED_REASON, "live_codes_need_reason")                                            \
    X(LIVE_CODES_OWN_ONLY, "live_codes_own_only")                                                  \
    X(AUTHORISATION_SUSPENDED, "authorisation_suspended")                                          \
    X(AUTHORISATION_REVOKED, "authorisation_revoked")                                              \
    X(AUTHORISATION_EXPIRED, "authorisation_expired")                                              \
    X(AUTHORISATION_PENDING, "authorisation_pending")                                              \
    X(AUTHORISATION_NOT_YET_VALID, "authorisation_not_yet_valid")                                  \
    X(AUTHORISATION_STATUS, "authorisation_status")                                                \
    X(AUTHORISATION_EXISTS, "authorisation_exists")                                                \
    X(QUOTA_EXCEEDED, "quota_exceeded")                                                            \
    X(QUOTA_RANGE, "quota_range")                                                                  \
    X(BATCH_COUNT_RANGE, "batch_count_range")                                                      \
    X(BATCH_STATUS, "batch_status")                                                                \
    X(REJECT_NEEDS_REASON, "reject_needs_reason")                                                  \
    X(SAME_ACCOUNT_APPROVES, "same_account_approves")                                              \
    X(CODE_INVALID, "code_invalid")                                                                \
    X(CODE_NOT_IN_BATCH, "code_not_in_batch")                                                      \
    X(CODE_VOIDED_ALREADY, "code_voided_already")                                                  \
    X(NO_CODES, "no_codes")                                                                        \
    X(REGIME_UNKNOWN, "regime_unknown")                                                            \
    X(GTIN_INVALID, "gtin_invalid")                                                                \
    X(GTIN_TAKEN, "gtin_taken")                                                                    \
    X(GTIN_CHANGE_NEEDS_REASON, "gtin_change_needs_reason")                                        \
    X(OPERATOR_KIND_UNKNOWN, "operator_kind_unknown")                                              \
    X(USCC_INVALID, "uscc_invalid")                                                                \
    X(USCC_OVERRIDABLE, "uscc_overridable")                                                        \
    X(USCC_TAKEN, "uscc_taken")                                                                    \
    X(VALIDITY_ORDER, "validity_order")                                                            \
    X(OUTSIDE_PROTECTED_AREA, "outside_protected_area")                                            \
    X(OPERATOR_NOT_ACTIVE, "operator_not_active")                                                  \
    X(PRODUCT_NOT_ACTIVE, "product_not_active")                                                    \
    X(APPROVAL_DOC_REQUIRED, "approval_doc_required")                                              \
    X(TEXT_REQUIRED, "text_required")                                                              \
    X(TEXT_TOO_LONG, "text_too_long")                                                              \
    X(TEXT_NOT_UTF8, "text_not_utf8")                                                              \
    X(TEXT_CONTROL_CHAR, "text_control_char")                                                      \
    X(TEXT_BIDI_CONTROL, "text_bidi_control")                                                      \
    X(DATE_INVALID, "date_invalid")                                                                \
    X(REGION_CODE_INVALID, "region_code_invalid")                                                  \
    X(REGION_OUT_OF_SCOPE, "region_out_of_scope")                                                  \
    X(PASSWORD_TOO_SHORT, "password_too_short")                                                    \
    X(PASSWORD_TOO_LONG, "password_too_long")                                                      \
    X(USERNAME_INVALID, "username_invalid")                                                        \
    X(USERNAME_TAKEN, "username_taken")                                                            \
    X(ROLE_INVALID, "role_invalid")                                                                \
    X(ACCOUNT_OPERATOR_MISMATCH, "account_operator_mismatch")                                      \
    X(REGION_SCOPE_INVALID, "region_scope_invalid")                                                \
    X(WRONG_LOGIN, "wrong_login")                                                                  \
    X(TOKEN_INVALID, "token_invalid")                                                              \
    X(SESSION_INVALID, "session_invalid")                                                          \
    X(REPORT_STATUS_INVALID, "report_status_invalid")                                              \
    X(PHOTO_NOT_PNG, "photo_not_png")                                                              \
    X(PHOTO_TOO_LARGE, "photo_too_large")                                                          \
    X(PHOTO_UNREADABLE, "photo_unreadable")                                                        \
    X(LAYOUT_CHOICE_INVALID, "layout_choice_invalid")                                              \
    X(PERIOD_INVALID, "period_invalid")                                                            \
    X(PERIOD_NOT_TAKEN, "period_not_taken")                                                        \
    X(PERIOD_NOT_CLOSED, "period_not_closed")                                                      \
    X(NUMBER_RANGE, "number_range")                                                                \
    X(VOLUME_UNIT_INVALID, "volume_unit_invalid")                                                  \
    X(NO_AUTHORISATION, "no_authorisation")                                                        \
    X(USAGE_NOT_NEWEST, "usage_not_newest")                                                        \
    X(USAGE_DECIDED_ALREADY, "usage_decided_already")                                              \
    X(YEAR_INVALID, "year_invalid")                                                                \
    X(YEAR_NOT_BEGUN, "year_not_begun")                                                            \
    X(YEAR_NOT_ENDED, "year_not_ended")                                                            \
    X(YEAR_CLOSED, "year_closed")                                                                  \
    X(ANNUAL_SECTION_INVALID, "annual_section_invalid")                                            \
    X(PRODUCER_KIND_INVALID, "producer_kind_invalid")                                              \
    X(BASE_TYPE_INVALID, "base_type_invalid")                                                      \
    X(AREA_INVALID, "area_invalid")                                                                \
    X(YIELD_INVALID, "yield_invalid")                                                              \
    X(YIELD_UNIT_INVALID, "yield_unit_invalid")                                                    \
    X(PER_LABEL_INVALID, "per_label_invalid")                                                      \
    X(PRODUCER_PRODUCT_MISMATCH, "producer_product_mismatch")                                      \
    X(PRODUCER_QUOTA_EXCEEDED, "producer_quota_exceeded")                                          \
    X(PROCESSOR_NOT_AUTHORISED, "processor_not_authorised")                                        \
    X(HOLDER_MISSING, "holder_missing")                                                            \
    X(BATCH_NOT_ISSUED, "batch_not_issued")                                                        \
    X(RANGE_INVALID, "range_invalid")                                                              \
    X(RANGE_OVERLAP, "range_overlap")                                                              \
    X(ALLOCATION_SAME_HOLDER, "allocation_same_holder")                                            \
    X(GRADE_CLASSES_INVALID, "grade_classes_invalid")                                              \
    X(GRADE_CLASS_UNKNOWN, "grade_class_unknown")                                                  \
    X(OUTCOME_INVALID, "outcome_invalid")                                                          \
    X(DRAW_RATIOS_INVALID, "draw_ratios_invalid")                                                  \
    X(DRAW_PLAN_INVALID, "draw_plan_invalid")                                                      \
    X(TOO_FEW_INSPECTORS, "too_few_inspectors")                                                    \
    X(PROVINCE_ONLY, "province_only")                                                              \
    X(INSPECTION_INVALID, "inspection_invalid")                                                    \
    X(INSPECTOR_CONFLICT, "inspector_conflict")                                                    \
    X(NOT_DRAWN, "not_drawn")

typedef enum {
#define GI_RULE_ENUM(id, name) GI_RULE_##id,
    GI_RULES(GI_RULE_ENUM)
#undef GI_RULE_ENUM
        GI_RULE_COUNT
} gi_rule_t;

typedef struct {
    char msg[512];
    gi_rule_t rule; /* the rule that refused; GI_RULE_NONE when no rule names it */
} gi_error_t;

/* Records a formatted message in e (which may be NULL) and returns code. */
gi_err_t gi_fail(gi_error_t *e, gi_err_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* As gi_fail, and names the rule that refused (gi_fail names none). */
gi_err_t gi_fail_rule(gi_error_t *e, gi_err_t code, gi_rule_t rule, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The rule's stable name ("quota_exceeded"); "none" for GI_RULE_NONE or a
 * value out of range. */
const char *gi_rule_name(gi_rule_t rule);

/* The machine code of a failure: its rule's name when a rule refused, else
 * the name of rc (gi_err_name). */
const char *gi_error_code(gi_err_t rc, const gi_error_t *e);

/* Exit status for the CLI: 0 ok, 1 usage/input, 2 rule refused, 3 I/O. */
int gi_exit_status(gi_err_t code);

/* Short stable name of a code ("EINVAL" ...), for JSON errors and logs. */
const char *gi_err_name(gi_err_t code);

#endif
