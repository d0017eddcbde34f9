/*
 * i18n.h - the languages of the consumer pages and every sentence on them.
 *
 * zh-CN is the default; English is complete. The language comes from
 * ?lang= when given, else from Accept-Language (quality values honoured).
 * Strings marked "template" are web_html() formats.
 *
 * Thread-safety: read-only data, pure functions.
 */
#ifndef WEB_I18N_H
#define WEB_I18N_H

#include "gi/error.h"
#include "gi/verify.h"

/* Vietnamese and Thai serve the consumer pages only; the desks are zh-CN and
 * English (web_lang_desk). */
typedef enum { WEB_LANG_ZH = 0, WEB_LANG_EN, WEB_LANG_VI, WEB_LANG_TH, WEB_LANG_COUNT } web_lang_t;

typedef struct {
    const char *tag;       /* "zh-CN" */
    const char *param;     /* "zh", the ?lang= value */
    const char *switch_to; /* the other language, in its own words */
    const char *site;      /* the service's name */
    const char *verdict_title[GI_VERDICT_COUNT];
    const char *verdict_text[GI_VERDICT_COUNT];
    const char *verdict_advice[GI_VERDICT_COUNT];
    const char *product, *region, *registration, *standard, *operator_name, *uscc;
    const char *authorisation, *approval_doc, *valid_until;
    const char *auth_status_approved, *auth_status_suspended, *auth_status_revoked,
        *auth_status_expired, *auth_status_pending;
    const char *lot, *lot_number, *harvest_date, *production_base, *inspection_cert, *issued_on;
    const char *void_reason;
    const char *scans;
    const char *scan_count;   /* template: %D scans, %s first time */
    const char *scan_first;   /* template: %s first time (first scan ever) */
    const char *scan_warning; /* template: %D threshold */
    const char *code_label, *typed_label;
    const char *typo_hint;
    const char *in_doubt, *in_doubt_text;
    const char *report_heading, *report_text, *report_contact, *report_contact_hint, *report_send;
    const char *report_thanks_title, *report_thanks_text, *report_back;
    const char *report_limited_title, *report_limited_text;
    const char *report_invalid_title;
    const char *scans_limited_title, *scans_limited_text;
    const char *enter_code, *enter_code_hint, *enter_code_send;
    const char *home_intro;
    const char *not_found_title, *not_found_text;
    const char *bad_request_title, *method_title, *too_large_title, *unsupported_title;
    const char *busy_title, *busy_text;
    const char *footer;
    const char *time_zone; /* appended to times: (Beijing time) */
    /* where the product comes from (allocated labels): never a person's name */
    const char *origin, *origin_from, *origin_village, *origin_county;
    const char *origin_household, *origin_processor, *origin_operator;
    const char *origin_base[3]; /* planting breeding processing */
    /* the language's name in its own words, for the language menu */
    const char *lang_name;
    const char *lang_menu; /* the menu's label for screen readers */
    /* who speaks: the issuing office */
    const char *issuer, *hotline, *website, *emblem_alt;
    /* the genuine verdict's sentence; template: %s producer, %s product (in the
     * order sentence_product_first says) */
    const char *genuine_sentence;
    int sentence_product_first;
    /* warnings lead with what is wrong and since when; templates: %s a date */
    const char *warn_since[GI_VERDICT_COUNT];
    const char *warn_repeat; /* template: %s first check, %D devices */
    const char *date_format; /* "ymd-zh" 2026年11月25日, "dmy" 25/11/2026, "d-mon-y" 25 Nov 2026 */
    const char *photo_alt;   /* template: %s product */
} web_strings_t;

const web_strings_t *web_strings(web_lang_t lang);

/* The language of the signed-in pages for a request's language: Vietnamese
 * and Thai readers get English there. */
web_lang_t web_lang_desk(web_lang_t lang);

/* A date (YYYY-MM-DD) in the reader's local form: 2026年11月25日, 25 Nov 2026,
 * 25/11/2026; anything else is copied as it is. */
void web_local_date(const web_strings_t *t, const char *ymd, char out[48]);

/* The words of the page of what the consumer page shows of a product
 * (web/portal_words.c). */
typedef struct {
    const char *title, *names, *name_vi, *name_th, *names_hint, *photo, *photo_file, *photo_hint;
    const char *upload, *no_photo, *no_file, *consumer_link;
} web_words_text_t;

const web_words_text_t *web_words_text(web_lang_t lang);

/* The regulator's page of what a product's labels must name
 * (web/portal_rules.c). */
typedef struct {
    const char *title, *numbers, *none_recorded, *edit_numbers;
    const char *decision, *no_decision, *decided_by, *reason, *needs_none;
    const char *allow, *allow_hint, *withdraw, *withdraw_hint, *blocked;
} web_rules_text_t;

const web_rules_text_t *web_rules_text(web_lang_t lang);

/* An account's role (regulator, auditor, operator) in the desk's language;
 * an unknown one as it is. */
const char *web_role_name(web_lang_t lang, const char *role);

/* A stored word a desk shows (an internal name) in the desk's language:
 * field "auth" (authorisation status, expired included), "batch" (batch
 * status), "kind" (operator kind), "report" (report status), "format",
 * "symbology", "size" (print choices), "unit" (use reports' units),
 * "verdict" (a verdict's name, GENUINE ...), and for the audit log and the
 * supervision desk "action" (an audit action, batch.request ...), "entity"
 * (what a row is about), "actor" (a program acting: web:api, cli:unknown),
 * "field" (a detail's key), "result" (an inspection's result), "mark"
 * (pass, fail, na), "check" (an inspection checklist key), "regime",
 * "producer", "base_type", "grade_rule" (a credit rule's key: what it
 * counts), "decision" (on a use report: accepted, returned), "section" (an
 * annual report's text section); an unknown one as it is. */
const char *web_word(web_lang_t lang, const char *field, const char *value);

/* A moment as a person reads it: Beijing time in the reader's date form,
 * "2026年11月26日 19:50" / "26 Nov 2026 19:50"; "" for 0. */
void web_local_time(web_lang_t lang, int64_t when, char out[64]);
/* The same in the form of strings t (the consumer page's languages too). */
void web_local_moment(const web_strings_t *t, int64_t when, char out[64]);

/* The signed-in pages' words (login, operator desk, regulator desk). */
typedef struct {
    const char *brand;
    const char *sign_in, *username, *password, *sign_out, *signed_in_as;
    const char *bad_login, *too_many_logins, *form_expired, *forbidden, *not_found;
    const char *operator_desk_title, *my_auths, *status, *quota, *used, *left;
    const char *request_title, *count, *request_button, *requested_ok;
    const char *my_batches, *batch, *labels, *download, *activate;
    const char *reports_title, *none;
    const char *batch_status[6]; /* requested approved rejected issued activated voided */
    const char *admin_title, *progress, *target_of, *products, *operators;
    const char *waiting_batches, *waiting_auths, *approve, *reject, *issue, *note;
    const char *own_request; /* a batch the viewer requested: another account approves it */
    const char *done;
    const char *scans_per_day, *verdict_mix, *labels_per_month, *total, *busiest;
    const char *anomalies, *unknown_inputs, *repeated_codes, *suspect_scans;
    const char *nav_dashboard, *nav_auths, *nav_batches, *nav_register, *nav_reports, *nav_audit;
    const char *suspend, *reinstate, *revoke, *reason, *csv;
    const char *add_product, *add_operator, *name_zh, *name_en, *region_code, *kind, *contact,
        *gtin, *add;
    const char *gtin_reason; /* the product edit form: why the GTIN changes */
    const char *triage, *mark_triaged, *close_report, *when, *text;
    const char *chain_ok, *chain_broken, *chain_scoped, *actor, *action, *record;
    const char *figures_scoped; /* the desk's figures count one region: followed by its code */
    const char *void_labels, *void_codes_hint, *edit, *save;
    const char *print_options, *file_format, *symbology, *label_size, *actions, *detail;
    const char *print_approval_no, *print_bleed, *print_cut_contour; /* the last two: PDF only */
    const char *print_pdf_parts; /* followed by the server's pdf-part-labels */
} web_portal_text_t;

const web_portal_text_t *web_portal_text(web_lang_t lang);

/* The use report and output value pages' words (web/portal_usage.c). */
typedef struct {
    const char *nav_usage;
    const char *nav_output;
    const char *usage_title;
    const char *file_title;
    const char *period;
    const char *period_hint;
    const char *produced;
    const char *sold;
    const char *unit;
    const char *value_yuan;
    const char *value_hint;
    const char *received;
    const char *used;
    const char *voided;
    const char *application;
    const char *file_button;
    const char *version;
    const char *superseded;
    const char *status_filed;
    const char *status_accepted;
    const char *status_returned;
    const char *reported;
    const char *known;
    const char *known_basis;
    const char *issued_in_period;
    const char *issued_by_end;
    const char *activated;
    const char *scanned;
    const char *flag_over;
    const char *accept;
    const char *return_report;
    const char *note;
    const char *reason;
    const char *decision;
    const char *versions;
    const char *filed_at;
    const char *missing_title;
    const char *missing_heading;
    const char *missing_basis;
    const char *idle_heading;
    const char *idle_basis;
    const char *not_closed;
    const char *show;
    const char *output_title;
    const char *year;
    const char *by;
    const char *by_product;
    const char *by_region;
    const char *by_operator;
    const char *output_value;
    const char *output_basis;
    const char *received_expected;
    const char *coverage;
    const char *coverage_source;
    const char *per_user;
    const char *users;
    const char *yoy;
    const char *yoy_basis;
    const char *no_yoy;
    const char *pairs;
    const char *reports;
    const char *operators;
    const char *previous;
    const char *city;
    const char *county;
} web_usage_text_t;

const web_usage_text_t *web_usage_text(web_lang_t lang);
/* The words of the households and bases pages (web/portal_households.c). */
typedef struct {
    const char *title, *admin_title, *household, *base, *kind, *name, *contact, *county, *village;
    const char *base_type, *base_types[3];                      /* planting breeding processing */
    const char *certification, *area, *yield, *unit, *units[2]; /* kg piece */
    const char *per_label, *quota, *add, *add_button, *allocations, *allocations_of;
    const char *first, *last, *holder, *to_operator, *processor, *override, *allocate, *move;
    const char *totals; /* template: %D labels, %D allocated, %D with the operator */
    const char *operator_name, *product, *filter, *region_prefix, *none;
} web_households_text_t;

const web_households_text_t *web_households_text(web_lang_t lang);
/* The supervision desk's words (web/portal_supervision.c). */
typedef struct {
    const char *nav, *grades_title, *internal, *as_of, *show, *class_name, *points, *derived;
    const char *imported, *source, *rule, *weight, *facts, *evidence, *window_days;
    const char *draws_title, *draw, *ratios, *exclude_inspected, *inspectors_per_target, *seed;
    const char *seed_hint, *office, *year, *targets, *population, *plan, *draw_title;
    const char *inspections_title, *date, *body, *result, *rectify_by, *publish, *publish_hint;
    const char *items_title, *legal_basis, *inspectors_title, *name, *cert_no, *field;
    const char *conflicts, *operator_name, *uscc, *product, *published;
    const char *record, *draw_id, *operator_id, *product_id, *inspector_ids, *checks;
    const char *check_names[6];  /* as gi_check_keys */
    const char *result_names[5]; /* as gi_inspection_results */
    const char *check_marks[3];  /* pass fail na */
} web_supervision_text_t;

const web_supervision_text_t *web_supervision_text(web_lang_t lang);

/* The words of the annual supervision report's page (web/portal_annual.c); the
 * report's own titles are bilingual in it (gi/annual.c). */
typedef struct {
    const char *nav, *title, *year, *show, *closed, *open, *csv, *pdf, *save, *not_written;
    const char *edit_hint, *closed_hint, *scope;
    const char *sections[5]; /* enforcement, standards, testing, publicity, training */
} web_annual_text_t;

const web_annual_text_t *web_annual_text(web_lang_t lang);

/* The words of the GS1 resolver (web/gs1.c): its pages and the titles of
 * the links in a linkset. */
typedef struct {
    const char *bad_link_title, *bad_link_text;         /* not a Digital Link (400) */
    const char *unknown_gtin_title, *unknown_gtin_text; /* a GTIN not ours (404) */
    const char *lot_title, *lot_text;                   /* the lot is not the label's */
    const char *no_label_title, *no_label_text;         /* no such label under that GTIN */
    const char *cert_title, *reg_number, *regime, *standard, *region, *authorised;
    const char *approval_doc, *valid_until, *none;
    const char *link_pip, *link_verify, *link_cert, *link_trace, *link_default, *link_product;
} web_gs1_text_t;

const web_gs1_text_t *web_gs1_text(web_lang_t lang);
/* The words of recording operators, their grants and accounts, the
 * confirmation steps and the desk's phone cards (web/portal_operators.c,
 * web/portal_confirm.c). Strings marked "template" are web_html() formats. */
typedef struct {
    const char *record_title, *record_button, *uscc_hint, *region, *region_pick;
    const char *kinds[5]; /* cooperative company individual association other */
    const char *operator_title, *grant_title, *grant_button, *no_products, *valid_from;
    const char *quota_hint, *auths_title, *accounts_title, *username, *username_hint;
    const char *create_account, *disable, *enable, *disabled, *enabled;
    const char *password_title, *password_text, *password_for; /* password_for: template %s */
    const char *back, *fix_below, *confirm_title, *confirm_button, *cancel;
    const char *confirm_revoke;   /* template: %D id, %s product, %s operator, %s USCC */
    const char *confirm_void;     /* template: %D batch, %D labels, %s product, %s lot */
    const char *confirm_activate; /* template: %D batch, %D labels, %s product, %s lot */
    const char *requested_title;
    const char *requested_next; /* template: %D batch, %s product, %D labels, %s lot */
    const char *quota_left, *open_operator, *new_operator;
    const char *charts_title, *chart_progress, *chart_progress_line, *chart_progress_basis;
    const char *chart_by_city, *chart_by_product, *chart_scans, *chart_labels;
} web_desk_text_t;

const web_desk_text_t *web_desk_text(web_lang_t lang);

/* The language for a request: lang_param (?lang=, may be NULL) wins when it
 * names a language we have; else the best of accept_language (may be NULL);
 * else zh-CN. */
web_lang_t web_lang_pick(const char *lang_param, const char *accept_language);

/* One half of a bilingual text "中文 English" (the annual report's titles):
 * the Chinese before the first space that is followed by English alone, or
 * the English after it; a text that is not of that form is copied as it is.
 * Writes at most cap bytes (cap > 0) and returns out. */
const char *web_bilingual(web_lang_t lang, const char *text, char *out, size_t cap);

/* A rule's refusal (gi_rule_t) in the page's language: one sentence in
 * zh-CN and in English for every rule, in Vietnamese and Thai for the rules
 * a shopper can meet on the consumer pages (NULL for the others); NULL for
 * GI_RULE_NONE. */
const char *web_rule_text(web_lang_t lang, gi_rule_t rule);

/* What a page shows for a failure of gi/: on an English page the rule's own
 * sentence (err->msg, which names records and figures); on a zh-CN, vi or
 * th page the rule's text by its code (web_rule_text), else a sentence for
 * the failure's class in that language. Never an internal name. */
const char *web_rule_message(web_lang_t lang, gi_err_t rc, const gi_error_t *err);

#endif
