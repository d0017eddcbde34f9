/*
 * epcis.c - EPCIS 2.0 events of labels: a batch's document, streamed, and
 * the query interface's subset.
 */
#include "gi/epcis.h"
#include "gi/code.h"
#include "gi/json.h"
#include "gi/view.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define KIND_ISSUE      0
#define KIND_ACTIVATE   1
#define KIND_VOID_LABEL 2
#define KIND_VOID_BATCH 3
#define MAX_PER_PAGE    1000
#define HEADS_AT_ONCE   200

static const char *const actions[] = {"ADD", "OBSERVE", "DELETE", "DELETE"};
static const char *const biz_steps[] = {"commissioning", "packing", "decommissioning",
                                        "decommissioning"};
static const char *const dispositions[] = {"active", "active", "inactive", "inactive"};
static const char *const kind_names[] = {"issue", "activate", "void", "void-batch"};

/* The EPC of a label: the URI the label carries. */
static void epc_of(const char *root, const char *gtin, const char *code, char *out, size_t cap)
{
    if (gtin && gtin[0])
        snprintf(out, cap, "%s/01/%s/21/%s", root, gtin, code);
    else
        snprintf(out, cap, "%s/V/%s", root, code);
}

static json_t *context(const char *root)
{
    char ns[512];
    snprintf(ns, sizeof ns, "%s/epcis/ns/", root);
    return json_pack("[s, {s:s}]", GI_EPCIS_CONTEXT, "gimark", ns);
}

static json_t *time_json(int64_t t)
{
    char s[24];
    gi_json_time(t, s);
    return json_string(s);
}

/* An event without its epcList: the head h of batch b. */
static json_t *event_of(const char *root, const db_batch_t *b, const db_epcis_head_t *h,
                        int64_t sub)
{
    char id[512];
    snprintf(id, sizeof id, "%s/epcis/events/%" PRId64 "-%s-%" PRId64, root, b->id,
             kind_names[h->kind], sub);
    json_t *e = json_pack("{s:s, s:s, s:o, s:s, s:[], s:s, s:s, s:s}", "type", "ObjectEvent",
                          "eventID", id, "eventTime", time_json(h->t), "eventTimeZoneOffset",
                          "+08:00", "epcList", "action", actions[h->kind], "bizStep",
                          biz_steps[h->kind], "disposition", dispositions[h->kind]);
    if (e && h->kind == KIND_ISSUE) {
        json_t *ilmd = json_pack("{s:s}", "cbvmda:lotNumber", b->lot_number);
        if (b->harvest_date[0])
            json_object_set_new(ilmd, "cbvmda:harvestStartDate", json_string(b->harvest_date));
        if (b->production_base[0])
            json_object_set_new(ilmd, "gimark:productionBase", json_string(b->production_base));
        if (b->inspection_cert[0])
            json_object_set_new(ilmd, "gimark:inspectionCertificate",
                                json_string(b->inspection_cert));
        json_object_set_new(e, "ilmd", ilmd);
    }
    if (e && (h->kind == KIND_VOID_BATCH) && b->void_reason[0])
        json_object_set_new(e, "gimark:voidReason", json_string(b->void_reason));
    return e;
}

/* Chunks of a batch's labels by seq (from 1): chunk k is seq
 * [k*CHUNK + 1, (k+1)*CHUNK]. */
static int64_t chunk_of(int64_t seq)
{
    return seq > 0 ? (seq - 1) / GI_EPCIS_CHUNK : 0;
}

static int64_t chunk_from(int64_t k)
{
    return k == 0 ? 0 : k * GI_EPCIS_CHUNK + 1;
}

static int64_t chunk_to(int64_t k)
{
    return (k + 1) * GI_EPCIS_CHUNK + 1;
}

/* The time before which a label voided alone is not in the head's event. */
static int64_t voided_before(const db_epcis_head_t *h)
{
    return h->t;
}

/* --- the document of a batch, streamed ---------------------------------------------- */

typedef struct {
    const label_sink_t *sink;
    int failed;
} out_t;

static int put(out_t *o, const char *s, size_t n)
{
    if (o->failed)
        return -1;
    if (o->sink->cancelled && o->sink->cancelled(o->sink->arg)) {
        o->failed = 1;
        return -1;
    }
    if (o->sink->write(o->sink->arg, (const unsigned char *)s, n) != 0)
        o->failed = 1;
    return o->failed ? -1 : 0;
}

static int dump_cb(const char *buffer, size_t size, void *data)
{
    return put(data, buffer, size);
}

typedef struct {
    db_epcis_head_t *v;
    size_t n, cap;
} heads_t;

static int head_keep(const db_epcis_head_t *h, void *arg)
{
    heads_t *hs = arg;
    if (hs->n == hs->cap) {
        size_t cap = hs->cap ? hs->cap * 2 : 16;
        db_epcis_head_t *v = realloc(hs->v, cap * sizeof *v);
        if (!v)
            return 1;
        hs->v = v;
        hs->cap = cap;
    }
    hs->v[hs->n++] = *h;
    return 0;
}

typedef struct {
    out_t *o;
    const char *root;
    const db_batch_t *b;
    const db_epcis_head_t *h;
    json_t *event;   /* the event being filled, or NULL */
    int64_t chunk;   /* its chunk */
    int64_t written; /* events written */
    int first;       /* no event written yet */
} writer_t;

static int flush_event(writer_t *w)
{
    if (!w->event)
        return 0;
    int rc = 0;
    if (!w->first)
        rc = put(w->o, ",", 1);
    if (rc == 0)
        rc = json_dump_callback(w->event, dump_cb, w->o, JSON_COMPACT) == 0 ? 0 : -1;
    w->first = 0;
    w->written++;
    json_decref(w->event);
    w->event = NULL;
    return rc;
}

static int label_into(const char *code, int64_t seq, void *arg)
{
    writer_t *w = arg;
    char epc[512];
    int64_t chunk = chunk_of(seq);
    if (w->event && chunk != w->chunk && flush_event(w) != 0)
        return 1;
    if (!w->event) {
        int64_t sub = w->h->kind == KIND_VOID_LABEL ? w->h->seq : chunk;
        if (!(w->event = event_of(w->root, w->b, w->h, sub)))
            return 1;
        w->chunk = chunk;
    }
    epc_of(w->root, w->b->gtin, code, epc, sizeof epc);
    json_array_append_new(json_object_get(w->event, "epcList"), json_string(epc));
    return w->o->failed;
}

gi_err_t gi_epcis_batch_document(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                                 const char *root, const label_sink_t *sink, int64_t *events,
                                 gi_error_t *err)
{
    db_batch_t b;
    gi_err_t rc;
    if (a) {
        if ((rc = gi_view_batch(ctx, a, id, &b, err)) != GI_OK)
            return rc;
    } else {
        db_err_t drc = db_batch_get(ctx->db, id, &b);
        if (drc == DB_ENOTFOUND)
            return gi_fail(err, GI_ENOTFOUND, "no batch %" PRId64, id);
        if (drc != DB_OK)
            return gi_db_fail(ctx->db, drc, err);
    }
    heads_t hs = {0};
    db_epcis_scan_t q = {.from = 0,
                         .until = INT64_MAX,
                         .batch_id = id,
                         .kinds = 7,
                         .after = {-1, 0, 0, 0},
                         .limit = INT64_MAX};
    db_err_t drc = db_epcis_heads(ctx->db, &q, head_keep, &hs);
    if (drc != DB_OK) {
        free(hs.v);
        return gi_db_fail(ctx->db, drc, err);
    }
    out_t o = {sink, 0};
    char creation[24];
    gi_json_time(ctx->now, creation);
    json_t *ctxj = context(root);
    char *ctx_text = json_dumps(ctxj, JSON_COMPACT);
    json_decref(ctxj);
    char head[1024];
    int n = snprintf(head, sizeof head,
                     "{\"@context\":%s,\"type\":\"EPCISDocument\",\"schemaVersion\":\"2.0\","
                     "\"creationDate\":\"%s\",\"epcisBody\":{\"eventList\":[",
                     ctx_text ? ctx_text : "[]", creation);
    free(ctx_text);
    writer_t w = {.o = &o, .root = root, .b = &b, .first = 1};
    if (n > 0 && (size_t)n < sizeof head)
        put(&o, head, (size_t)n);
    else
        o.failed = 1;
    for (size_t i = 0; i < hs.n && !o.failed; i++) {
        const db_epcis_head_t *h = &hs.v[i];
        w.h = h;
        int64_t from = h->kind == KIND_VOID_LABEL ? h->seq : 0;
        int64_t to = h->kind == KIND_VOID_LABEL ? h->seq + 1 : INT64_MAX;
        drc = db_epcis_labels(ctx->db, id, from, to, voided_before(h), label_into, &w);
        if (drc == DB_OK && flush_event(&w) != 0)
            o.failed = 1;
        json_decref(w.event);
        w.event = NULL;
        if (drc != DB_OK && !o.failed) {
            free(hs.v);
            return gi_db_fail(ctx->db, drc, err);
        }
    }
    free(hs.v);
    if (!o.failed)
        put(&o, "]}}\n", 4);
    if (o.failed)
        return gi_fail(err, GI_EIO, "stopped");
    if (events)
        *events = w.written;
    return GI_OK;
}

/* --- the query interface ------------------------------------------------------------ */

/* Unix time of an RFC 3339 time ("2026-11-26T08:00:00Z", fractions of a
 * second and offsets taken), rounded up to a whole second; -1 if not one. */
static int64_t parse_time(const char *s)
{
    char date[GI_DATE_LEN + 1];
    int h, m, sec, n = 0;
    if (!s || strlen(s) < 20 || strlen(s) > 40 || (s[10] != 'T' && s[10] != 't'))
        return -1;
    memcpy(date, s, GI_DATE_LEN);
    date[GI_DATE_LEN] = '\0';
    int64_t day = gi_day_start(date);
    if (day < 0 || sscanf(s + 11, "%2d:%2d:%2d%n", &h, &m, &sec, &n) != 3 || n != 8 || h > 23 ||
        m > 59 || sec > 60)
        return -1;
    const char *p = s + 19;
    int frac = 0;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return -1;
        while (isdigit((unsigned char)*p))
            frac |= *p++ != '0';
    }
    int64_t offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om, k = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &k) != 2 || k != 5 || oh > 23 || om > 59)
            return -1;
        offset = (*p == '+' ? 1 : -1) * (oh * 3600 + om * 60);
        p += 6;
    } else {
        return -1;
    }
    if (*p)
        return -1;
    return day + GI_CST_OFFSET + h * 3600 + m * 60 + sec - offset + frac;
}

/* The kinds of EQ_bizStep's list; 0 when one is not ours (nothing matches). */
static int kinds_of(const char *list, unsigned *kinds)
{
    static const char *const cbv = "https://ref.gs1.org/cbv/BizStep-";
    static const char *const urn = "urn:epcglobal:cbv:bizstep:";
    *kinds = 0;
    const char *p = list;
    while (*p) {
        size_t len = strcspn(p, ",");
        char one[128];
        if (len == 0 || len >= sizeof one || (p[len] == ',' && p[len + 1] == '\0'))
            return -1;
        memcpy(one, p, len);
        one[len] = '\0';
        const char *name = one;
        if (strncmp(name, cbv, strlen(cbv)) == 0)
            name += strlen(cbv);
        else if (strncmp(name, urn, strlen(urn)) == 0)
            name += strlen(urn);
        if (strcmp(name, "commissioning") == 0)
            *kinds |= 1;
        else if (strcmp(name, "packing") == 0)
            *kinds |= 2;
        else if (strcmp(name, "decommissioning") == 0)
            *kinds |= 4;
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

/* The label an EPC names: its code, from .../21/{code} or .../V/{code}. */
static int code_of_epc(const char *epc, gi_code_t *code)
{
    const char *at = NULL, *p;
    for (p = epc; (p = strstr(p, "/21/")); p++)
        at = p + 4;
    if (!at) {
        for (p = epc; (p = strstr(p, "/V/")) || (p = strstr(epc, "/v/")); p++) {
            at = p + 3;
            if (!strstr(p + 1, "/V/"))
                break;
        }
    }
    if (!at || !*at || strchr(at, '/'))
        return -1;
    return gi_code_parse(at, strlen(at), code) == GI_CODE_VALID ? 0 : -1;
}

static int parse_token(const char *s, db_epcis_head_t *h, int64_t *sub)
{
    long long t, b, s2;
    int k, n = 0;
    if (strlen(s) >= GI_EPCIS_TOKEN_MAX ||
        sscanf(s, "%lld.%lld.%d.%lld%n", &t, &b, &k, &s2, &n) != 4 || s[n] != '\0' || t < 0 ||
        b < 1 || k < 0 || k > 3 || s2 < 0)
        return -1;
    *h = (db_epcis_head_t){t, b, k, k == KIND_VOID_LABEL ? s2 : 0};
    *sub = s2;
    return 0;
}

typedef struct {
    db_epcis_head_t *v;
    size_t n;
} page_heads_t;

static int head_page(const db_epcis_head_t *h, void *arg)
{
    page_heads_t *p = arg;
    p->v[p->n++] = *h;
    return 0;
}

typedef struct {
    json_t *event;
    const char *root;
    const db_batch_t *b;
    const db_epcis_head_t *h;
    int64_t sub;
} one_event_t;

static int label_into_one(const char *code, int64_t seq, void *arg)
{
    one_event_t *e = arg;
    char epc[512];
    (void)seq;
    if (!e->event && !(e->event = event_of(e->root, e->b, e->h, e->sub)))
        return 1;
    epc_of(e->root, e->b->gtin, code, epc, sizeof epc);
    json_array_append_new(json_object_get(e->event, "epcList"), json_string(epc));
    return 0;
}

gi_err_t gi_epcis_query(const gi_ctx_t *ctx, const db_account_t *a, const gi_epcis_query_t *q,
                        const char *root, json_t **doc, char next[GI_EPCIS_TOKEN_MAX],
                        gi_error_t *err)
{
    db_filter_t f;
    gi_err_t rc = gi_view_filter(a, &f, err);
    if (rc != GI_OK)
        return rc;
    next[0] = '\0';
    *doc = NULL;
    db_epcis_scan_t s = {.filter = &f, .from = 0, .until = INT64_MAX, .kinds = 7};
    if (q->ge_event_time && (s.from = parse_time(q->ge_event_time)) < 0)
        return gi_fail(err, GI_EINVAL, "GE_eventTime is not an RFC 3339 time");
    if (q->lt_event_time && (s.until = parse_time(q->lt_event_time)) < 0)
        return gi_fail(err, GI_EINVAL, "LT_eventTime is not an RFC 3339 time");
    if (q->eq_biz_step && kinds_of(q->eq_biz_step, &s.kinds) != 0)
        return gi_fail(err, GI_EINVAL, "EQ_bizStep is not a list of business steps");
    int64_t per_page = q->per_page ? q->per_page : 100;
    if (per_page < 1 || per_page > MAX_PER_PAGE)
        return gi_fail(err, GI_EINVAL, "perPage must be 1 to %d", MAX_PER_PAGE);
    db_epcis_head_t after = {-1, 0, 0, 0};
    int64_t after_sub = -1;
    s.strict = 1;
    if (q->page_token && *q->page_token) {
        if (parse_token(q->page_token, &after, &after_sub) != 0)
            return gi_fail(err, GI_EINVAL, "nextPageToken is not one this server gave");
        s.strict = after.kind == KIND_VOID_LABEL; /* a chunked head may have chunks left */
    }
    int64_t match_seq = -1;
    db_label_view_t *lv = NULL;
    if (q->match_epc) {
        gi_code_t code;
        lv = malloc(sizeof *lv);
        if (!lv)
            return gi_fail(err, GI_ENOMEM, "out of memory");
        db_err_t drc = code_of_epc(q->match_epc, &code) == 0 ? db_label_find(ctx->db, code.s, lv)
                                                             : DB_ENOTFOUND;
        if (drc != DB_OK && drc != DB_ENOTFOUND) {
            free(lv);
            return gi_db_fail(ctx->db, drc, err);
        }
        char epc[512];
        if (drc == DB_OK)
            epc_of(root, lv->batch.gtin, lv->code, epc, sizeof epc);
        if (drc == DB_ENOTFOUND || strcasecmp(epc, q->match_epc) != 0) {
            s.kinds = 0; /* no such EPC: nothing matches */
        } else {
            s.batch_id = lv->batch.id;
            match_seq = lv->seq;
        }
        free(lv);
    }
    json_t *events = json_array();
    db_epcis_head_t buf[HEADS_AT_ONCE];
    db_batch_t b = {0};
    int more = 1, full = 0;
    db_epcis_head_t last = after;
    int64_t last_sub = after_sub;
    s.after = after;
    s.limit = HEADS_AT_ONCE;
    while (more && !full && s.kinds) {
        page_heads_t ph = {buf, 0};
        db_err_t drc = db_epcis_heads(ctx->db, &s, head_page, &ph);
        if (drc != DB_OK) {
            json_decref(events);
            return gi_db_fail(ctx->db, drc, err);
        }
        more = ph.n == HEADS_AT_ONCE;
        for (size_t i = 0; i < ph.n && !full; i++) {
            const db_epcis_head_t *h = &buf[i];
            if (b.id != h->batch_id && (drc = db_batch_get(ctx->db, h->batch_id, &b)) != DB_OK) {
                json_decref(events);
                return gi_db_fail(ctx->db, drc, err);
            }
            int same_head = h->t == after.t && h->batch_id == after.batch_id &&
                            h->kind == after.kind && h->kind != KIND_VOID_LABEL;
            int64_t first = 0, last_chunk = chunk_of(b.count);
            if (h->kind == KIND_VOID_LABEL) {
                first = last_chunk = h->seq;
            } else if (same_head) {
                first = after_sub + 1;
            }
            if (match_seq >= 0) {
                int64_t want = h->kind == KIND_VOID_LABEL ? match_seq : chunk_of(match_seq);
                if (want < first || want > last_chunk ||
                    (h->kind == KIND_VOID_LABEL && h->seq != match_seq))
                    continue;
                first = last_chunk = want;
            }
            for (int64_t k = first; k <= last_chunk; k++) {
                if ((int64_t)json_array_size(events) == per_page) {
                    full = 1;
                    break;
                }
                one_event_t e = {NULL, root, &b, h, k};
                int64_t from = h->kind == KIND_VOID_LABEL ? h->seq : chunk_from(k);
                int64_t to = h->kind == KIND_VOID_LABEL ? h->seq + 1 : chunk_to(k);
                if (match_seq >= 0) {
                    from = match_seq;
                    to = match_seq + 1;
                }
                drc = db_epcis_labels(ctx->db, h->batch_id, from, to, voided_before(h),
                                      label_into_one, &e);
                if (drc != DB_OK) {
                    json_decref(e.event);
                    json_decref(events);
                    return gi_db_fail(ctx->db, drc, err);
                }
                last = *h;
                last_sub = k;
                if (e.event)
                    json_array_append_new(events, e.event);
            }
            if (!full) {
                last = *h;
                last_sub = h->kind == KIND_VOID_LABEL ? h->seq : last_chunk;
            }
        }
        if (ph.n > 0) {
            s.after = buf[ph.n - 1];
            s.strict = 1;
        }
    }
    if (full)
        snprintf(next, GI_EPCIS_TOKEN_MAX, "%" PRId64 ".%" PRId64 ".%d.%" PRId64, last.t,
                 last.batch_id, last.kind, last_sub);
    char creation[24];
    gi_json_time(ctx->now, creation);
    *doc = json_pack("{s:o, s:s, s:s, s:s, s:{s:{s:s, s:{s:o}}}}", "@context", context(root),
                     "type", "EPCISQueryDocument", "schemaVersion", "2.0", "creationDate", creation,
                     "epcisBody", "queryResults", "queryName", "SimpleEventQuery", "resultsBody",
                     "eventList", events);
    if (!*doc)
        return gi_fail(err, GI_ENOMEM, "out of memory");
    return GI_OK;
}
