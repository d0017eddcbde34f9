/*
 * verify.h - the verdict on a scanned or typed serial code.
 *
 * gi_verdict_of() is a pure function of the stored records; gi_verify()
 * parses untrusted input, looks the code up and applies it.
 */
#ifndef GI_VERIFY_H
#define GI_VERIFY_H

#include "gi/code.h"
#include "gi/gi.h"
#include "gi/scan.h"

typedef enum {
    GI_VERDICT_GENUINE = 0,
    GI_VERDICT_GENUINE_REPEATED, /* genuine, but scanned by more clients than the threshold */
    GI_VERDICT_NOT_ACTIVATED,    /* issued, never declared applied to product */
    GI_VERDICT_VOID,
    GI_VERDICT_AUTH_SUSPENDED,
    GI_VERDICT_AUTH_REVOKED,
    GI_VERDICT_AUTH_EXPIRED,
    GI_VERDICT_UNKNOWN,   /* well-formed, but no such code: likely a copy */
    GI_VERDICT_MALFORMED, /* not a code, or its check symbol is wrong: likely a typo */
} gi_verdict_t;

#define GI_VERDICT_COUNT 9

typedef struct {
    gi_verdict_t verdict;
    gi_code_parse_t parse; /* how the input parsed */
    gi_code_t code;        /* canonical code when it parsed (also on a typo) */
    int found;             /* view holds the label's records */
    db_label_view_t view;
    int64_t scans;         /* scans of the code, this one included (0: not counted) */
    int64_t clients;       /* distinct clients that scanned it inside the repeat window,
                              this one included: what repetition is judged by */
    int64_t first_scan_at; /* time of the code's first scan (0: not recorded) */
    int lot_mismatch;      /* a Digital Link's lot (/10/) is not the label's batch's */
} gi_verification_t;

/* "GENUINE", "UNKNOWN", ... */
const char *gi_verdict_name(gi_verdict_t v);
/* True for the verdicts a consumer may trust (GENUINE and GENUINE_REPEATED). */
int gi_verdict_is_genuine(gi_verdict_t v);

/* The verdict for a found label, given today's date, how many distinct
 * clients scanned it inside the repeat window (this scan's included) and the
 * repeat threshold (0: none). */
gi_verdict_t gi_verdict_of(const db_label_view_t *v, const char *today, int64_t clients,
                           int64_t repeat_threshold);

/* Parses len bytes of input, looks the code up and fills out. clients is
 * the count to judge repetition by (distinct clients inside the window, this
 * one included). GI_OK whatever the verdict; GI_EIO when the lookup failed. */
gi_err_t gi_verify(const gi_ctx_t *ctx, const char *input, size_t len, int64_t clients,
                   int64_t repeat_threshold, gi_verification_t *out, gi_error_t *err);

/* A consumer's scan, as received. */
typedef struct {
    const char *input; /* the code: any bytes */
    size_t len;
    const char *gtin; /* the GTIN of a GS1 Digital Link URL (any bytes), or NULL */
    size_t gtin_len;
    const char *lot; /* the lot (/10/) of a Digital Link URL (any bytes), or NULL */
    size_t lot_len;
    const char *client_key;   /* gi_client_key() of the scanner */
    const char *ua_class;     /* gi_ua_class() of its browser */
    int64_t repeat_threshold; /* distinct clients inside the window before the warning */
    int skip_unknown;         /* input that names no label is not recorded (a flood) */
} gi_scan_input_t;

/* Verifies a consumer's scan: the scan is counted and recorded through q,
 * and the verdict includes it. A GTIN that is not well formed makes the
 * verdict MALFORMED; one that is not the GTIN the label's batch was issued
 * with makes it UNKNOWN (the code was not issued for that product; a later
 * change of the product's GTIN leaves printed labels valid). A lot that is
 * not the lot of the label's batch (compared ignoring ASCII case: printed
 * URLs are upper case) makes it UNKNOWN with lot_mismatch set. GI_EIO when the
 * lookup failed. */
gi_err_t gi_verify_scan(const gi_ctx_t *ctx, gi_scan_queue_t *q, const gi_scan_input_t *in,
                        gi_verification_t *out, gi_error_t *err);

#endif
