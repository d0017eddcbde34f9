/*
 * export.c - from a batch's records to the labels/ renderer.
 */
#include "gi/export.h"
#include "gi/audit.h"
#include "gi/registry.h"
#include "gi/rules.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Splits base_url into its scheme ("http" / "https") and the rest, with no
 * trailing slash; -1 when it is not an http(s) URL with a host. */
static int split_base(const char *base_url, char *scheme, size_t scheme_cap, const char **rest,
                      size_t *rest_len)
{
    const char *sep = strstr(base_url, "://");
    if (!sep)
        return -1;
    size_t slen = (size_t)(sep - base_url);
    if (slen >= scheme_cap)
        return -1;
    for (size_t i = 0; i < slen; i++)
        scheme[i] = (char)tolower((unsigned char)base_url[i]);
    scheme[slen] = '\0';
    if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)
        return -1;
    *rest = sep + 3;
    *rest_len = strlen(*rest);
    while (*rest_len > 0 && (*rest)[*rest_len - 1] == '/')
        (*rest_len)--;
    if (*rest_len == 0 || (*rest)[0] == '/')
        return -1;
    for (size_t i = 0; i < *rest_len; i++) {
        unsigned char c = (unsigned char)(*rest)[i];
        if (!isalnum(c) && !strchr(".-:/_", c))
            return -1;
    }
    return 0;
}

/* Appends "/10/" and lot, percent-encoded, to out at *n (of GI_URL_MAX); -1
 * when they do not fit. */
static int put_lot(char *out, size_t *n, const char *lot)
{
    static const char hex[] = "0123456789ABCDEF";
    if (*n + 4 >= GI_URL_MAX)
        return -1;
    memcpy(out + *n, "/10/", 4);
    *n += 4;
    for (const unsigned char *p = (const unsigned char *)lot; *p; p++) {
        if (*n + 4 > GI_URL_MAX)
            return -1;
        if (isalnum(*p) || strchr("-._~", *p)) {
            out[(*n)++] = (char)*p;
        } else {
            out[(*n)++] = '%';
            out[(*n)++] = hex[*p >> 4];
            out[(*n)++] = hex[*p & 15];
        }
    }
    out[*n] = '\0';
    return 0;
}

gi_err_t gi_label_url(const char *base_url, const char *gtin, const char *lot,
                      const gi_code_t *code, char out[GI_URL_MAX], gi_error_t *err)
{
    char scheme[8];
    const char *rest;
    size_t rest_len;
    if (!base_url || split_base(base_url, scheme, sizeof scheme, &rest, &rest_len) != 0)
        return gi_fail(err, GI_EINVAL,
                       "base URL '%s' is not of the form https://host[:port][/path]",
                       base_url ? base_url : "");
    /* scheme and host in upper case (they are case-insensitive), the path
     * as given (a server may tell its case apart), then the code's part */
    size_t host_len = strcspn(rest, "/");
    if (host_len > rest_len)
        host_len = rest_len;
    int dl = gtin && gtin[0];
    int n = dl ? snprintf(out, GI_URL_MAX, "%s://%.*s/01/%s", scheme, (int)rest_len, rest, gtin)
               : snprintf(out, GI_URL_MAX, "%s://%.*s/V/", scheme, (int)rest_len, rest);
    if (n < 0 || n >= GI_URL_MAX)
        return gi_fail(err, GI_EINVAL, "base URL '%s' is too long", base_url);
    /* upper case but for the path and a GS1 Digital Link's scheme (and lot) */
    size_t slen = strlen(scheme), path_at = slen + 3 + host_len, code_at = slen + 3 + rest_len;
    for (size_t i = dl ? slen : 0; out[i]; i++)
        if (i < path_at || i >= code_at)
            out[i] = (char)toupper((unsigned char)out[i]);
    size_t used = (size_t)n;
    if (dl && lot && lot[0] && put_lot(out, &used, lot) != 0)
        return gi_fail(err, GI_EINVAL, "the label's URL with lot '%s' is too long", lot);
    n = snprintf(out + used, GI_URL_MAX - used, "%s%s", dl ? "/21/" : "", code->s);
    if (n < 0 || (size_t)n >= GI_URL_MAX - used)
        return gi_fail(err, GI_EINVAL, "base URL '%s' is too long", base_url);
    return GI_OK;
}

/* Whether host (no port) names this machine or a private network: a label
 * printed with it points nowhere a consumer's phone can reach. */
static const char *local_host(const char *host, size_t len)
{
    char h[256];
    if (len == 0 || len >= sizeof h)
        return "no host";
    for (size_t i = 0; i < len; i++)
        h[i] = (char)tolower((unsigned char)host[i]);
    h[len] = '\0';
    unsigned a, b, c, d;
    char tail;
    if (sscanf(h, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4) {
        if (a == 127 || a == 0)
            return "a loopback address";
        if (a == 10 || (a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168) ||
            (a == 169 && b == 254) || (a == 100 && b >= 64 && b <= 127))
            return "a private address";
        return NULL;
    }
    size_t n = strlen(h);
    if (strcmp(h, "localhost") == 0 || (n > 10 && strcmp(h + n - 10, ".localhost") == 0))
        return "a loopback address";
    if ((n > 6 && strcmp(h + n - 6, ".local") == 0) ||
        (n > 9 && strcmp(h + n - 9, ".internal") == 0) || (n > 4 && strcmp(h + n - 4, ".lan") == 0))
        return "a private network's name";
    if (!strchr(h, '.'))
        return "a name without a domain";
    return NULL;
}

gi_err_t gi_print_base_url_check(const char *base_url, gi_error_t *err)
{
    char scheme[8];
    const char *rest;
    size_t rest_len;
    if (!base_url || !*base_url)
        return gi_fail(err, GI_EREFUSED,
                       "no base URL: a label's code must point to the address consumers reach; "
                       "give it with --base-url (gimark batch export) or the base-url setting "
                       "(gimark serve, gimark.conf)");
    if (split_base(base_url, scheme, sizeof scheme, &rest, &rest_len) != 0)
        return gi_fail(err, GI_EINVAL,
                       "base URL '%s' is not of the form https://host[:port][/path] (--base-url, "
                       "or the base-url setting)",
                       base_url);
    size_t host_len = strcspn(rest, ":/");
    const char *why = local_host(rest, host_len < rest_len ? host_len : rest_len);
    if (why)
        return gi_fail(err, GI_EREFUSED,
                       "base URL '%s' is %s that no consumer's phone reaches: give the public "
                       "address with --base-url (gimark batch export) or the base-url setting "
                       "(gimark serve, gimark.conf)",
                       base_url, why);
    return GI_OK;
}

const char *gi_export_format_name(label_format_t format)
{
    static const char *const names[] = {"pdf", "svg", "png", "csv", "zip"};
    return (unsigned)format < sizeof names / sizeof names[0] ? names[format] : "?";
}

/* The labels of a batch as compact strings: each label's code and URL in a
 * slot of `stride` bytes of one block. */
typedef struct {
    label_item_t *items;
    char *text;
    size_t stride, url_cap;
    size_t n, cap;
    const char *base_url;
    const char *gtin;
    const char *lot;          /* in the Digital Link (layout choice dl-lot), or NULL */
    const label_sink_t *sink; /* asked now and then whether to go on, or NULL */
    int stopped;
    gi_err_t rc;
    gi_error_t *err;
} collect_t;

#define COLLECT_CHECK_EVERY 4096

static int collect_label(const char *code, int64_t seq, int voided, void *arg)
{
    collect_t *c = arg;
    gi_code_t canon;
    char url[GI_URL_MAX];
    if (voided)
        return 0;
    if (c->n == c->cap) {
        c->rc = gi_fail(c->err, GI_EIO, "the batch holds more labels than it says");
        return 1;
    }
    if (c->sink && c->sink->cancelled && c->n % COLLECT_CHECK_EVERY == 0 &&
        c->sink->cancelled(c->sink->arg)) {
        c->stopped = 1;
        c->rc = gi_fail(c->err, GI_EIO, "stopped");
        return 1;
    }
    snprintf(canon.s, sizeof canon.s, "%s", code);
    char *slot = c->text + c->n * c->stride;
    gi_code_format(&canon, slot);
    c->rc = gi_label_url(c->base_url, c->gtin, c->lot, &canon, url, c->err);
    if (c->rc != GI_OK)
        return 1;
    size_t len = strlen(url);
    if (len >= c->url_cap) {
        c->rc = gi_fail(c->err, GI_EIO, "a label's URL is longer than its batch's");
        return 1;
    }
    memcpy(slot + GI_CODE_DISPLAY_LEN + 1, url, len + 1);
    c->items[c->n] = (label_item_t){slot, slot + GI_CODE_DISPLAY_LEN + 1, (long)seq};
    c->n++;
    return 0;
}

static void collect_free(collect_t *c)
{
    free(c->items);
    free(c->text);
}

/* Reads the batch's labels (voided ones left out) into c. */
static gi_err_t collect_labels(const gi_ctx_t *ctx, const db_batch_t *b, collect_t *c,
                               gi_error_t *err)
{
    size_t n = (size_t)b->count;
    /* every URL of a batch has one length: its base, its GTIN's part and a
     * code of fixed length */
    gi_code_t probe;
    char url[GI_URL_MAX];
    memset(probe.s, '0', GI_CODE_LEN);
    probe.s[GI_CODE_LEN] = '\0';
    gi_err_t rc = gi_label_url(c->base_url, c->gtin, c->lot, &probe, url, err);
    if (rc != GI_OK)
        return rc;
    c->url_cap = strlen(url) + 1;
    c->stride = GI_CODE_DISPLAY_LEN + 1 + c->url_cap;
    c->items = malloc((n ? n : 1) * sizeof *c->items);
    c->text = malloc((n ? n : 1) * c->stride);
    c->cap = n;
    c->err = err;
    if (!c->items || !c->text)
        return gi_fail(err, GI_ENOMEM, "cannot hold %zu labels in memory", n);
    db_err_t drc = db_label_each(ctx->db, b->id, collect_label, c);
    if (c->rc != GI_OK)
        return c->rc;
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    return GI_OK;
}

/* Stops db_label_each after the first label that is kept. */
static int first_label(const char *code, int64_t seq, int voided, void *arg)
{
    collect_t *c = arg;
    if (voided)
        return 0;
    collect_label(code, seq, voided, c);
    return 1;
}

static void render_progress(size_t done, size_t total, void *arg)
{
    const gi_export_t *ex = arg;
    ex->progress((int64_t)done, (int64_t)total, ex->progress_arg);
}

/* What every label of the batch carries besides its code (printable() has
 * checked the approval number is there when the layout asks for it). */
static label_content_t content_of(const gi_export_t *ex, const db_label_view_t *v)
{
    const db_product_t *p = &v->product;
    return (label_content_t){
        .product_name = p->name_zh,
        .reg_text = p->reg_number[0] ? p->reg_number : p->standard,
        .operator_name = v->op.name,
        .uscc = v->op.uscc,
        .lot = v->batch.lot_number,
        .mark_path = ex->mark_path,
        .approval_no = ex->layout.approval_no ? v->auth.approval_doc : NULL,
    };
}

static gi_err_t render(const gi_export_t *ex, const db_label_view_t *v, const collect_t *c,
                       gi_error_t *err)
{
    label_content_t content = content_of(ex, v);
    char msg[400];
    label_progress_fn progress = ex->progress ? render_progress : NULL;
    label_err_t lrc = ex->path ? label_write(&ex->layout, &content, c->items, c->n, ex->format,
                                             ex->path, progress, (void *)ex, msg, sizeof msg)
                               : label_write_to(&ex->layout, &content, c->items, c->n, ex->format,
                                                ex->sink, progress, (void *)ex, msg, sizeof msg);
    if (lrc == LABEL_OK)
        return GI_OK;
    if (lrc == LABEL_ECANCELLED)
        return gi_fail(err, GI_EIO, "stopped");
    return gi_fail(err, lrc == LABEL_EINVAL ? GI_EINVAL : GI_EIO, "%s", msg);
}

/* The batch, its authorisation, product and operator, when it has labels
 * to print and what the rules ask a label to carry is recorded (the
 * product's number or the decision to print it without one; the approval
 * number when the layout asks for it). */
static gi_err_t printable(const gi_ctx_t *ctx, int64_t batch_id, const gi_export_t *ex,
                          db_label_view_t *v, gi_error_t *err)
{
    const char *approval_no;
    gi_err_t rc = gi_batch_get(ctx, batch_id, &v->batch, err);
    if (rc != GI_OK)
        return rc;
    if (strcmp(v->batch.status, "issued") != 0 && strcmp(v->batch.status, "activated") != 0)
        return gi_fail(err, GI_EREFUSED,
                       "batch %" PRId64 " is %s: only issued or activated "
                       "batches have labels to print",
                       batch_id, v->batch.status);
    if ((rc = gi_auth_get(ctx, v->batch.auth_id, &v->auth, err)) != GI_OK ||
        (rc = gi_product_get(ctx, v->batch.product_id, &v->product, err)) != GI_OK ||
        (rc = gi_operator_get(ctx, v->batch.operator_id, &v->op, err)) != GI_OK ||
        (rc = gi_rules_product_printable(&v->product, err)) != GI_OK ||
        (rc = gi_rules_approval_no(&v->auth, ex->layout.approval_no, &approval_no, err)) != GI_OK)
        return rc;
    return GI_OK;
}

gi_err_t gi_batch_export_check(const gi_ctx_t *ctx, int64_t batch_id, const gi_export_t *ex,
                               size_t *labels, gi_error_t *err)
{
    db_label_view_t v;
    gi_err_t rc = gi_print_base_url_check(ex->base_url, err);
    if (rc != GI_OK || (rc = printable(ctx, batch_id, ex, &v, err)) != GI_OK)
        return rc;
    collect_t c = {.base_url = ex->base_url,
                   .gtin = v.batch.gtin,
                   .lot = ex->layout.dl_lot ? v.batch.lot_number : NULL};
    c.url_cap = GI_URL_MAX;
    c.stride = GI_CODE_DISPLAY_LEN + 1 + c.url_cap;
    c.items = malloc(sizeof *c.items);
    c.text = malloc(c.stride);
    c.cap = 1;
    c.err = err;
    if (!c.items || !c.text) {
        collect_free(&c);
        return gi_fail(err, GI_ENOMEM, "out of memory");
    }
    db_label_each(ctx->db, batch_id, first_label, &c);
    rc = c.rc;
    char msg[400];
    label_content_t content = content_of(ex, &v);
    if (rc == GI_OK && label_check(&ex->layout, &content, c.n ? &c.items[0] : NULL, ex->format, msg,
                                   sizeof msg) != LABEL_OK)
        rc = gi_fail(err, GI_EINVAL, "%s", msg);
    collect_free(&c);
    if (rc == GI_OK && labels)
        *labels = (size_t)(v.batch.count - v.batch.labels_voided);
    return rc;
}

/* Audits the export: the format and the number of labels; a product
 * printed without any number under the office's decision says so. */
static gi_err_t audit_export(const gi_ctx_t *ctx, int64_t batch_id, const gi_export_t *ex, size_t n,
                             const db_product_t *p, gi_error_t *err)
{
    json_t *detail = json_pack("{s:I, s:s}", "labels", (json_int_t)n, "format",
                               gi_export_format_name(ex->format));
    if (detail && ex->reason && ex->reason[0])
        json_object_set_new(detail, "reason", json_string(ex->reason));
    if (detail && !gi_rules_product_numbered(p))
        json_object_set_new(detail, "unnumbered", json_true());
    if (detail && ex->layout.approval_no)
        json_object_set_new(detail, "approval_no", json_true());
    db_err_t drc = db_begin(ctx->db);
    gi_err_t rc = drc == DB_OK
                      ? gi_audit_record(ctx, "batch.export", "batch", batch_id, detail, err)
                      : gi_db_fail(ctx->db, drc, err);
    json_decref(detail);
    if (rc == GI_OK && (drc = db_commit(ctx->db)) != DB_OK)
        rc = gi_db_fail(ctx->db, drc, err);
    if (rc != GI_OK)
        db_rollback(ctx->db);
    return rc;
}

gi_err_t gi_batch_export(const gi_ctx_t *ctx, int64_t batch_id, const gi_export_t *ex,
                         size_t *written, gi_error_t *err)
{
    db_label_view_t v;
    collect_t c = {0};
    gi_err_t rc = gi_print_base_url_check(ex->base_url, err);
    if (rc != GI_OK || (rc = printable(ctx, batch_id, ex, &v, err)) != GI_OK)
        return rc;
    c.base_url = ex->base_url;
    c.gtin = v.batch.gtin; /* the GTIN the batch was issued with, not today's */
    c.lot = ex->layout.dl_lot ? v.batch.lot_number : NULL;
    c.sink = ex->path ? NULL : ex->sink;
    char msg[400];
    label_content_t content = content_of(ex, &v);
    /* a layout that cannot take the batch's symbols or text is refused
     * before the audit row, which records a file handed out */
    if ((rc = collect_labels(ctx, &v.batch, &c, err)) == GI_OK &&
        label_check(&ex->layout, &content, c.n ? &c.items[0] : NULL, ex->format, msg, sizeof msg) !=
            LABEL_OK)
        rc = gi_fail(err, GI_EINVAL, "%s", msg);
    /* A stream is audited before its first byte leaves. A file on the
     * server is audited once it is whole: a symbol of a later label that the
     * layout cannot take (Code128 and DataMatrix widths vary with the code)
     * is then a refusal that leaves the database as it was. */
    if (rc == GI_OK && !ex->path)
        rc = audit_export(ctx, batch_id, ex, c.n, &v.product, err);
    if (rc == GI_OK)
        rc = render(ex, &v, &c, err);
    if (rc == GI_OK && ex->path)
        rc = audit_export(ctx, batch_id, ex, c.n, &v.product, err);
    if (written)
        *written = c.n;
    collect_free(&c);
    return rc;
}
