/*
 * verify.c - verdicts.
 *
 * Order matters: a voided label is void whatever its authorisation; a label
 * whose authorisation was revoked, suspended or has expired says so before
 * anything about activation; repetition is judged last, on genuine labels.
 */
#include "gi/verify.h"
#include "gi/batch.h"
#include "gi/gtin.h"
#include "gi/registry.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const verdict_names[GI_VERDICT_COUNT] = {
    [GI_VERDICT_GENUINE] = "GENUINE",
    [GI_VERDICT_GENUINE_REPEATED] = "GENUINE_REPEATED",
    [GI_VERDICT_NOT_ACTIVATED] = "NOT_ACTIVATED",
    [GI_VERDICT_VOID] = "VOID",
    [GI_VERDICT_AUTH_SUSPENDED] = "AUTH_SUSPENDED",
    [GI_VERDICT_AUTH_REVOKED] = "AUTH_REVOKED",
    [GI_VERDICT_AUTH_EXPIRED] = "AUTH_EXPIRED",
    [GI_VERDICT_UNKNOWN] = "UNKNOWN",
    [GI_VERDICT_MALFORMED] = "MALFORMED",
};

const char *gi_verdict_name(gi_verdict_t v)
{
    return (unsigned)v < GI_VERDICT_COUNT ? verdict_names[v] : "UNKNOWN";
}

int gi_verdict_is_genuine(gi_verdict_t v)
{
    return v == GI_VERDICT_GENUINE || v == GI_VERDICT_GENUINE_REPEATED;
}

gi_verdict_t gi_verdict_of(const db_label_view_t *v, const char *today, int64_t clients,
                           int64_t repeat_threshold)
{
    if (strcmp(gi_label_status(&v->batch, v->label_voided), "void") == 0)
        return GI_VERDICT_VOID;
    const char *auth = gi_auth_status(&v->auth, today);
    if (strcmp(auth, "revoked") == 0)
        return GI_VERDICT_AUTH_REVOKED;
    if (strcmp(auth, "suspended") == 0)
        return GI_VERDICT_AUTH_SUSPENDED;
    if (strcmp(auth, "expired") == 0)
        return GI_VERDICT_AUTH_EXPIRED;
    if (strcmp(v->batch.status, "activated") != 0)
        return GI_VERDICT_NOT_ACTIVATED;
    if (repeat_threshold > 0 && clients > repeat_threshold)
        return GI_VERDICT_GENUINE_REPEATED;
    return GI_VERDICT_GENUINE;
}

/* The label of a well-formed code: from the standby while it is current (a
 * label voided on the primary a moment ago must not read as genuine there
 * because the standby lags), else from the primary with the code's tally
 * when one is asked for (ahead; the standby's would lag too). */
static db_err_t find_label(const gi_ctx_t *ctx, const char *code, db_label_view_t *view,
                           db_scan_tally_t *tally, gi_scan_ahead_t *ahead)
{
    db_err_t drc = DB_ENOTFOUND;
    if (ctx->read_db && db_replica_current(ctx->read_db, ctx->db))
        drc = db_label_find(ctx->read_db, code, view);
    if (drc == DB_OK)
        return drc;
    /* not on the standby (yet), the standby behind or failing */
    drc = db_label_find_tallied(ctx->db, code, view, tally);
    if (tally)
        ahead->read = drc == DB_OK;
    return drc;
}

/* gi_verify(), reading the code's scan tally ahead when q is given. */
static gi_err_t verify(const gi_ctx_t *ctx, gi_scan_queue_t *q, gi_scan_ahead_t *ahead,
                       const char *input, size_t len, int64_t clients, int64_t repeat_threshold,
                       gi_verification_t *out, gi_error_t *err)
{
    char today[GI_DATE_LEN + 1];
    memset(out, 0, sizeof *out);
    out->clients = clients;
    out->parse = gi_code_parse(input, len, &out->code);
    if (out->parse != GI_CODE_VALID) {
        out->verdict = GI_VERDICT_MALFORMED;
        return GI_OK;
    }
    db_scan_tally_t *tally = q ? gi_scan_ahead(q, out->code.s, ctx->now, ahead) : NULL;
    db_err_t drc = find_label(ctx, out->code.s, &out->view, tally, ahead);
    if (drc == DB_ENOTFOUND) {
        out->verdict = GI_VERDICT_UNKNOWN;
        return GI_OK;
    }
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    out->found = 1;
    gi_date_of(ctx->now, today);
    out->verdict = gi_verdict_of(&out->view, today, clients, repeat_threshold);
    return GI_OK;
}

gi_err_t gi_verify(const gi_ctx_t *ctx, const char *input, size_t len, int64_t clients,
                   int64_t repeat_threshold, gi_verification_t *out, gi_error_t *err)
{
    return verify(ctx, NULL, NULL, input, len, clients, repeat_threshold, out, err);
}

static void scan_event(const gi_ctx_t *ctx, const gi_verification_t *v, const char *input,
                       size_t len, int counted, const char *client_key, const char *ua_class,
                       gi_scan_event_t *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->at = ctx->now;
    if (counted) {
        memcpy(ev->code, v->code.s, GI_CODE_LEN + 1);
    } else {
        size_t n = len < GI_SCAN_RAW_MAX ? len : GI_SCAN_RAW_MAX;
        for (size_t i = 0; i < n; i++) /* keep printable ASCII only: it is shown to regulators */
            ev->raw[i] = input[i] >= 0x20 && input[i] < 0x7f ? input[i] : '?';
        ev->raw[n] = '\0';
    }
    ev->verdict = gi_verdict_name(v->verdict);
    snprintf(ev->client_key, sizeof ev->client_key, "%s", client_key);
    ev->ua_class = ua_class;
}

/* The GTIN-14 of a Digital Link URL's GTIN segment; -1 when not well formed. */
static int gtin_of(const gi_scan_input_t *in, char gtin[GI_GTIN_LEN + 1])
{
    char given[32];
    if (in->gtin_len >= sizeof given || memchr(in->gtin, '\0', in->gtin_len))
        return -1;
    memcpy(given, in->gtin, in->gtin_len);
    given[in->gtin_len] = '\0';
    return gi_gtin_normalize(given, gtin, NULL) == GI_OK ? 0 : -1;
}

/* Applies the GTIN of a Digital Link URL to a verification. */
static void check_gtin(const gi_scan_input_t *in, gi_verification_t *out)
{
    char gtin[GI_GTIN_LEN + 1];
    if (gtin_of(in, gtin) != 0) {
        out->verdict = GI_VERDICT_MALFORMED;
        out->found = 0;
    } else if (out->found && strcmp(out->view.batch.gtin, gtin) != 0) {
        /* the GTIN printed on the label is the batch's, kept at issuance */
        out->verdict = GI_VERDICT_UNKNOWN;
        out->found = 0;
    } else if (out->found && in->lot &&
               (in->lot_len != strlen(out->view.batch.lot_number) ||
                strncasecmp(in->lot, out->view.batch.lot_number, in->lot_len) != 0)) {
        out->verdict = GI_VERDICT_UNKNOWN;
        out->found = 0;
        out->lot_mismatch = 1;
    }
}

/* Counts the scan of a found label and judges it by its clients. */
static gi_err_t count_scan(const gi_ctx_t *ctx, gi_scan_queue_t *q, const gi_scan_input_t *in,
                           gi_scan_ahead_t *ahead, gi_verification_t *out, int *client_row,
                           gi_error_t *err)
{
    char today[GI_DATE_LEN + 1];
    gi_scan_tally_t n;
    if (gi_scan_count_next(q, ctx->db, out->code.s, in->client_key, ctx->now, ahead, &n) != 0)
        return gi_fail(err, GI_EIO, "cannot count scans: %s", db_errmsg(ctx->db));
    *client_row = n.client_row;
    out->scans = n.scans;
    out->clients = n.clients;
    out->first_scan_at = n.first_at;
    gi_date_of(ctx->now, today);
    out->verdict = gi_verdict_of(&out->view, today, n.clients, in->repeat_threshold);
    return GI_OK;
}

gi_err_t gi_verify_scan(const gi_ctx_t *ctx, gi_scan_queue_t *q, const gi_scan_input_t *in,
                        gi_verification_t *out, gi_error_t *err)
{
    gi_scan_event_t ev;
    gi_scan_ahead_t ahead = {0};
    gi_err_t rc = verify(ctx, q, &ahead, in->input, in->len, 0, in->repeat_threshold, out, err);
    if (rc == GI_OK && in->gtin)
        check_gtin(in, out);
    int client_row = 0;
    if (rc == GI_OK && out->found)
        rc = count_scan(ctx, q, in, &ahead, out, &client_row, err);
    gi_scan_ahead_done(&ahead);
    if (rc != GI_OK || (in->skip_unknown && !out->found))
        return rc;
    scan_event(ctx, out, in->input, in->len, out->found, in->client_key, in->ua_class, &ev);
    ev.client_row = client_row;
    gi_scan_push(q, &ev);
    return GI_OK;
}
