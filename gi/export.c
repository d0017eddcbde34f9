/*
 * export.c - from a batch's records to the labels/ renderer.
 */
#include "gi/export.h"
#include "gi/audit.h"
#include "gi/registry.h"

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

gi_err_t gi_label_url(const char *base_url, const char *gtin, const gi_code_t *code,
                      char out[GI_URL_MAX], gi_error_t *err)
{
    char scheme[8];
    const char *rest;
    size_t rest_len;
    if (!base_url || split_base(base_url, scheme, sizeof scheme, &rest, &rest_len) != 0)
        return gi_fail(err, GI_EINVAL,
                       "base URL '%s' is not of the form https://host[:port][/path]",
                       base_url ? base_url : "");
    int n;
    if (gtin && gtin[0])
        n = snprintf(out, GI_URL_MAX, "%s://%.*s/01/%s/21/%s", scheme, (int)rest_len, rest, gtin,
                     code->s);
    else
        n = snprintf(out, GI_URL_MAX, "%s://%.*s/V/%s", scheme, (int)rest_len, rest, code->s);
    if (n < 0 || n >= GI_URL_MAX)
        return gi_fail(err, GI_EINVAL, "base URL '%s' is too long", base_url);
    /* upper case throughout, except a GS1 Digital Link's scheme */
    size_t from = gtin && gtin[0] ? strlen(scheme) : 0;
    for (size_t i = from; out[i]; i++)
        out[i] = (char)toupper((unsigned char)out[i]);
    return GI_OK;
}

typedef struct {
    label_item_t *items;
    char (*codes)[GI_CODE_DISPLAY_LEN + 1];
    char (*urls)[GI_URL_MAX];
    size_t n, cap;
    const char *base_url;
    const char *gtin;
    gi_err_t rc;
    gi_error_t *err;
} collect_t;

static int collect_label(const char *code, int64_t seq, int voided, void *arg)
{
    collect_t *c = arg;
    gi_code_t canon;
    if (voided)
        return 0;
    if (c->n == c->cap) {
        c->rc = gi_fail(c->err, GI_EIO, "the batch holds more labels than it says");
        return 1;
    }
    snprintf(canon.s, sizeof canon.s, "%s", code);
    gi_code_format(&canon, c->codes[c->n]);
    c->rc = gi_label_url(c->base_url, c->gtin, &canon, c->urls[c->n], c->err);
    if (c->rc != GI_OK)
        return 1;
    c->items[c->n] = (label_item_t){c->codes[c->n], c->urls[c->n], (long)seq};
    c->n++;
    return 0;
}

static void collect_free(collect_t *c)
{
    free(c->items);
    free(c->codes);
    free(c->urls);
}

/* Reads the batch's labels (voided ones left out) into c. */
static gi_err_t collect_labels(const gi_ctx_t *ctx, const db_batch_t *b, collect_t *c,
                               gi_error_t *err)
{
    size_t n = (size_t)b->count;
    c->items = malloc(n * sizeof *c->items);
    c->codes = malloc(n * sizeof *c->codes);
    c->urls = malloc(n * sizeof *c->urls);
    c->cap = n;
    c->err = err;
    if (!c->items || !c->codes || !c->urls)
        return gi_fail(err, GI_ENOMEM, "cannot hold %zu labels in memory", n);
    db_err_t drc = db_label_each(ctx->db, b->id, collect_label, c);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    return c->rc;
}

static void render_progress(size_t done, size_t total, void *arg)
{
    const gi_export_t *ex = arg;
    ex->progress((int64_t)done, (int64_t)total, ex->progress_arg);
}

static gi_err_t render(const gi_export_t *ex, const db_label_view_t *v, const collect_t *c,
                       gi_error_t *err)
{
    const db_product_t *p = &v->product;
    label_content_t content = {
        .product_name = p->name_zh,
        .reg_text = p->reg_number[0] ? p->reg_number : p->standard,
        .operator_name = v->op.name,
        .uscc = v->op.uscc,
        .lot = v->batch.lot_number,
        .mark_path = ex->mark_path,
    };
    char msg[400];
    label_err_t lrc =
        label_write(&ex->layout, &content, c->items, c->n, ex->format, ex->path,
                    ex->progress ? render_progress : NULL, (void *)ex, msg, sizeof msg);
    if (lrc == LABEL_OK)
        return GI_OK;
    return gi_fail(err, lrc == LABEL_EINVAL ? GI_EINVAL : GI_EIO, "%s", msg);
}

gi_err_t gi_batch_export(const gi_ctx_t *ctx, int64_t batch_id, const gi_export_t *ex,
                         size_t *written, gi_error_t *err)
{
    db_label_view_t v;
    collect_t c = {0};
    gi_err_t rc = gi_batch_get(ctx, batch_id, &v.batch, err);
    if (rc != GI_OK)
        return rc;
    if (strcmp(v.batch.status, "issued") != 0 && strcmp(v.batch.status, "activated") != 0)
        return gi_fail(err, GI_EREFUSED,
                       "batch %" PRId64 " is %s: only issued or activated "
                       "batches have labels to print",
                       batch_id, v.batch.status);
    if ((rc = gi_auth_get(ctx, v.batch.auth_id, &v.auth, err)) != GI_OK ||
        (rc = gi_product_get(ctx, v.batch.product_id, &v.product, err)) != GI_OK ||
        (rc = gi_operator_get(ctx, v.batch.operator_id, &v.op, err)) != GI_OK)
        return rc;
    c.base_url = ex->base_url;
    c.gtin = v.batch.gtin; /* the GTIN the batch was issued with, not today's */
    if ((rc = collect_labels(ctx, &v.batch, &c, err)) == GI_OK &&
        (rc = render(ex, &v, &c, err)) == GI_OK) {
        json_t *detail = json_pack("{s:I, s:s}", "labels", (json_int_t)c.n, "file", ex->path);
        if (ex->reason && ex->reason[0])
            json_object_set_new(detail, "reason", json_string(ex->reason));
        db_err_t drc = db_begin(ctx->db);
        rc = drc == DB_OK ? gi_audit_record(ctx, "batch.export", "batch", batch_id, detail, err)
                          : gi_db_fail(ctx->db, drc, err);
        json_decref(detail);
        if (rc == GI_OK && (drc = db_commit(ctx->db)) != DB_OK)
            rc = gi_db_fail(ctx->db, drc, err);
        if (rc != GI_OK)
            db_rollback(ctx->db);
    }
    if (written)
        *written = c.n;
    collect_free(&c);
    return rc;
}
