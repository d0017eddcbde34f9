/*
 * portal_regulator_desk.c - the regulator's dashboard at /admin/ (an
 * auditor sees it without the decision forms): progress to the operator
 * target, the batches and authorisations waiting for a decision (with
 * operator, product, count, quota left and lot), scans and labels as
 * server-side SVG bar charts, and the anomaly lists; and the batch decisions
 * posted from it. The regulator's other pages are web/portal_admin.c and the
 * files it names (web/portal_internal.h says which file owns what).
 */
#include "web/portal_internal.h"
#include "gi/act.h"
#include "gi/view.h"
#include "web/html.h"
#include "web/layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const db_auth_t *auth_of(const rows_t *auths, int64_t auth_id)
{
    const db_auth_t *a = auths->items;
    for (size_t i = 0; i < auths->n; i++)
        if (a[i].id == auth_id)
            return &a[i];
    return NULL;
}

static void progress_card(page_t *pg, web_buf_t *b, const db_stats_t *st)
{
    int64_t target = pg->rq->settings->target > 0 ? pg->rq->settings->target : 1000;
    int64_t using = st->operators_using;
    int64_t width = using >= target ? 300 : using * 300 / target;
    web_html(b,
             "<section class=\"card\"><h2>%s</h2><p class=\"figure\">%D / %D %s</p>"
             "<svg class=\"progress\" viewBox=\"0 0 300 16\" role=\"img\" "
             "aria-label=\"%D / %D\"><rect width=\"300\" height=\"16\" rx=\"4\" "
             "fill=\"#ddf4ff\"/><rect width=\"%D\" height=\"16\" rx=\"4\" fill=\"#0a3069\"/></svg>"
             "<dl><dt>%s</dt><dd>%D</dd><dt>%s</dt><dd>%D</dd></dl>",
             pg->p->progress, using, target, pg->p->target_of, using, target, width,
             pg->p->products, st->products, pg->p->operators, st->operators);
    if (pg->account.region_scope[0])
        web_html(b, "<p class=\"scope\">%s <span class=\"serial\">%s</span></p>",
                 pg->p->figures_scoped, pg->account.region_scope);
    web_html(b, "</section>");
}

static void admin_batches(page_t *pg, web_buf_t *b, const rows_t *batches, const rows_t *auths,
                          int may_decide)
{
    const db_batch_t *bt = batches->items;
    char action[64];
    int shown = 0;
    web_html(b, "<section class=\"card\"><h2>%s</h2><ul class=\"queue\">", pg->p->waiting_batches);
    for (size_t i = 0; i < batches->n; i++) {
        const db_batch_t *x = &bt[i];
        int requested = strcmp(x->status, "requested") == 0;
        if (!requested && strcmp(x->status, "approved") != 0)
            continue;
        shown++;
        /* what a decision needs: who, what, how many, how much quota is left, which lot */
        const db_auth_t *a = auth_of(auths, x->auth_id);
        int64_t used = 0;
        gi_error_t err;
        if (a)
            gi_quota_used(pg->ctx, a, &used, &err);
        web_html(b,
                 "<li><h3>%s %D <span class=\"status status-%s\">%s</span></h3><dl>"
                 "<dt>%s</dt><dd>%s <span class=\"serial\">%s</span></dd>"
                 "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%D</dd>",
                 pg->p->batch, x->id, x->status, portal_batch_status(pg->p, x->status),
                 pg->t->operator_name, a ? a->operator_name : "", a ? a->operator_uscc : "",
                 pg->t->product, a ? a->product_name : "", pg->p->labels, x->count);
        if (a)
            web_html(b, "<dt>%s</dt><dd>%D / %D</dd>", web_desk_text(pg->rq->lang)->quota_left,
                     a->yearly_quota - used, a->yearly_quota);
        web_html(b, "<dt>%s</dt><dd>%s</dd></dl>", pg->t->lot_number, x->lot_number);
        if (may_decide && requested && strcmp(x->requested_by, pg->actor) == 0) {
            /* no account approves its own request; it may still withdraw it */
            web_html(b, " <em>%s</em>", pg->p->own_request);
            snprintf(action, sizeof action, "/admin/batches/%lld/reject", (long long)x->id);
            portal_decision_form(pg, b, action, pg->p->reject, "note", pg->p->note, 1);
        } else if (may_decide && requested) {
            snprintf(action, sizeof action, "/admin/batches/%lld/approve", (long long)x->id);
            portal_decision_form(pg, b, action, pg->p->approve, "note", pg->p->note, 0);
            snprintf(action, sizeof action, "/admin/batches/%lld/reject", (long long)x->id);
            portal_decision_form(pg, b, action, pg->p->reject, "note", pg->p->note, 1);
        } else if (may_decide) {
            snprintf(action, sizeof action, "/admin/batches/%lld/issue", (long long)x->id);
            portal_decision_form(pg, b, action, pg->p->issue, NULL, NULL, 0);
        }
        web_buf_puts(b, "</li>");
    }
    web_html(b, "</ul>%s</section>", shown ? "" : pg->p->none);
}

static void admin_auths(page_t *pg, web_buf_t *b, const rows_t *auths, int may_decide)
{
    const db_auth_t *a = auths->items;
    char action[64];
    int shown = 0;
    web_html(b, "<section class=\"card\"><h2>%s</h2><ul class=\"queue\">", pg->p->waiting_auths);
    for (size_t i = 0; i < auths->n; i++) {
        if (strcmp(a[i].status, "pending") != 0)
            continue;
        shown++;
        web_html(b, "<li><strong>%s</strong> / %s (%s) %s %D", a[i].product_name,
                 a[i].operator_name, a[i].operator_uscc, pg->p->quota, a[i].yearly_quota);
        if (may_decide) {
            snprintf(action, sizeof action, "/admin/authorisations/%lld/approve",
                     (long long)a[i].id);
            portal_decision_form(pg, b, action, pg->p->approve, "approval_doc", pg->t->approval_doc,
                                 1);
        }
        web_buf_puts(b, "</li>");
    }
    web_html(b, "</ul>%s</section>", shown ? "" : pg->p->none);
}

/* --- charts and anomalies ------------------------------------------------------------------------
 */

#define BARS_MAX 40

typedef struct {
    char key[24];
    int64_t count;
} bar_t;

typedef struct {
    bar_t bar[BARS_MAX];
    int n;
} bars_t;

static int keep_bar(const db_tally_t *t, void *arg)
{
    bars_t *bs = arg;
    if (bs->n == BARS_MAX)
        return 1;
    snprintf(bs->bar[bs->n].key, sizeof bs->bar[bs->n].key, "%s", t->key);
    bs->bar[bs->n++].count = t->count;
    return 0;
}

/* One bar a day for the last `days` days, days without scans included. */
static void fill_days(page_t *pg, const bars_t *got, bars_t *out, int days)
{
    out->n = 0;
    for (int d = days - 1; d >= 0 && out->n < BARS_MAX; d--) {
        bar_t *b = &out->bar[out->n++];
        gi_date_of(pg->ctx->now - (int64_t)d * 86400, b->key);
        b->count = 0;
        for (int i = 0; i < got->n; i++)
            if (strcmp(got->bar[i].key, b->key) == 0)
                b->count = got->bar[i].count;
    }
}

/* A bar chart drawn on the server as SVG; its label says what it shows. */
static void bar_chart(page_t *pg, web_buf_t *b, const char *title, const bars_t *bs)
{
    int64_t max = 1, total = 0;
    int busiest = 0;
    for (int i = 0; i < bs->n; i++) {
        total += bs->bar[i].count;
        if (bs->bar[i].count > max) {
            max = bs->bar[i].count;
            busiest = i;
        }
    }
    char label[256];
    snprintf(label, sizeof label, "%s: %s %lld; %s %lld (%s)", title, pg->p->total,
             (long long)total, pg->p->busiest, (long long)(bs->n ? bs->bar[busiest].count : 0),
             bs->n ? bs->bar[busiest].key : "-");
    web_html(b,
             "<figure class=\"chart\"><figcaption>%s</figcaption>"
             "<svg viewBox=\"0 0 600 150\" role=\"img\" aria-label=\"%s\">",
             title, label);
    int w = bs->n ? 600 / bs->n : 600;
    if (w > 48) /* a few bars stay bars, not a filled box */
        w = 48;
    for (int i = 0; i < bs->n; i++) {
        int h = (int)(bs->bar[i].count * 120 / max);
        web_html(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#0a3069\"/>",
                 i * w + 1, 125 - h, w > 3 ? w - 2 : 1, h);
    }
    if (bs->n)
        web_html(b,
                 "<text x=\"0\" y=\"145\" font-size=\"12\" fill=\"#57606a\">%s</text>"
                 "<text x=\"600\" y=\"145\" font-size=\"12\" fill=\"#57606a\" "
                 "text-anchor=\"end\">%s</text>",
                 bs->bar[0].key, bs->bar[bs->n - 1].key);
    web_buf_puts(b, "</svg></figure>");
}

/* Horizontal bars with their names and counts, for a few categories. */
static void hbar_chart(page_t *pg, web_buf_t *b, const char *title, const bars_t *bs)
{
    int64_t max = 1, total = 0;
    for (int i = 0; i < bs->n; i++) {
        total += bs->bar[i].count;
        if (bs->bar[i].count > max)
            max = bs->bar[i].count;
    }
    char label[160];
    snprintf(label, sizeof label, "%s: %s %lld", title, pg->p->total, (long long)total);
    web_html(b,
             "<figure class=\"chart\"><figcaption>%s</figcaption>"
             "<svg viewBox=\"0 0 600 %d\" role=\"img\" aria-label=\"%s\">",
             title, bs->n * 24 + 4, label);
    for (int i = 0; i < bs->n; i++) {
        int w = (int)(bs->bar[i].count * 330 / max);
        web_html(b,
                 "<text x=\"0\" y=\"%d\" font-size=\"12\" fill=\"#1b1f24\">%s</text>"
                 "<rect x=\"180\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"#0a3069\"/>"
                 "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#1b1f24\">%D</text>",
                 i * 24 + 16, web_word(pg->rq->lang, "verdict", bs->bar[i].key), i * 24 + 4,
                 w > 0 ? w : 1, 186 + w, i * 24 + 16, bs->bar[i].count);
    }
    web_buf_puts(b, "</svg></figure>");
}

static void charts_card(page_t *pg, web_buf_t *b)
{
    gi_error_t err;
    bars_t got = {.n = 0}, days, verdicts = {.n = 0}, months = {.n = 0};
    int64_t month_ago = pg->ctx->now - 30 * 86400;
    gi_view_figure(pg->ctx, &pg->account, GI_FIGURE_SCANS_PER_DAY, month_ago, keep_bar, &got, &err);
    gi_view_figure(pg->ctx, &pg->account, GI_FIGURE_VERDICTS, month_ago, keep_bar, &verdicts, &err);
    gi_view_figure(pg->ctx, &pg->account, GI_FIGURE_LABELS_PER_MONTH, pg->ctx->now - 366 * 86400,
                   keep_bar, &months, &err);
    fill_days(pg, &got, &days, 30);
    web_buf_puts(b, "<section class=\"card\">");
    bar_chart(pg, b, pg->p->scans_per_day, &days);
    bar_chart(pg, b, pg->p->labels_per_month, &months);
    if (verdicts.n)
        hbar_chart(pg, b, pg->p->verdict_mix, &verdicts);
    else
        web_html(b, "<h3>%s</h3><p>%s</p>", pg->p->verdict_mix, pg->p->none);
    web_buf_puts(b, "</section>");
}

typedef struct {
    web_buf_t *b;
    web_lang_t lang;
} anomaly_out_t;

static int anomaly_row(const db_tally_t *t, void *arg)
{
    anomaly_out_t *out = arg;
    web_buf_t *b = out->b;
    if (t->operator_id) /* the key: a code, or a verdict's name (shown in words) */
        web_html(b, "<li><span class=\"serial\">%s</span> %D: %s / %s</li>",
                 web_word(out->lang, "verdict", t->key), t->count, t->product_name,
                 t->operator_name);
    else
        web_html(b, "<li><span class=\"serial\">%s</span> %D</li>", t->key, t->count);
    return 0;
}

static void anomalies_card(page_t *pg, web_buf_t *b)
{
    const struct {
        gi_anomaly_t kind;
        const char *title;
        int64_t arg;
    } lists[] = {
        {GI_ANOMALY_UNKNOWN, pg->p->unknown_inputs, pg->ctx->now - 30 * 86400},
        {GI_ANOMALY_REPEATED, pg->p->repeated_codes, pg->rq->settings->repeat_threshold},
        {GI_ANOMALY_SUSPECT, pg->p->suspect_scans, pg->ctx->now - 30 * 86400},
    };
    db_page_t top = {0, 10};
    anomaly_out_t out = {b, pg->rq->lang};
    web_html(b, "<section class=\"card\"><h2>%s</h2>", pg->p->anomalies);
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        gi_error_t err;
        web_html(b, "<h3>%s</h3><ul class=\"reports\">", lists[i].title);
        size_t empty = b->len;
        gi_view_anomalies(pg->ctx, &pg->account, lists[i].kind, lists[i].arg, top, anomaly_row,
                          &out, &err);
        int none = b->len == empty;
        web_html(b, "</ul>%s", none ? pg->p->none : "");
    }
    web_buf_puts(b, "</section>");
}

static void admin_desk(page_t *pg)
{
    gi_error_t err;
    db_stats_t st;
    rows_t auths, batches;
    gi_err_t rc = gi_view_stats(pg->ctx, &pg->account, &st, &err);
    if (rc != GI_OK) {
        portal_error(pg, rc, &err);
        return;
    }
    if (portal_load_desk(pg, &auths, &batches) != 0)
        return;
    int may_decide = strcmp(pg->account.role, "regulator") == 0;
    web_buf_t b;
    portal_frame_begin(pg, &b, pg->p->admin_title);
    portal_admin_nav(pg, &b);
    portal_heading(pg, &b, pg->p->admin_title);
    progress_card(pg, &b, &st);
    admin_batches(pg, &b, &batches, &auths, may_decide);
    admin_auths(pg, &b, &auths, may_decide);
    charts_card(pg, &b);
    anomalies_card(pg, &b);
    web_layout_end(&b, pg->t);
    free(auths.items);
    free(batches.items);
    portal_finish(pg, 200, &b);
}

/* POST /admin/batches/{id}/approve|reject|issue */
static void admin_batch(page_t *pg)
{
    portal_batch_posted(pg, (gi_batch_action_t)gi_batch_action_parse(pg->arg),
                        portal_field(pg, "note"), "/admin/");
}

/* The dashboard and the batch decisions posted from it. */
const portal_route_t portal_regulator_desk_routes[] = {
    {"GET", "/admin/", PORTAL_DESK, admin_desk, NULL},
    {"POST", "/admin/batches/{id}/approve", PORTAL_DESK, admin_batch, "approve"},
    {"POST", "/admin/batches/{id}/reject", PORTAL_DESK, admin_batch, "reject"},
    {"POST", "/admin/batches/{id}/issue", PORTAL_DESK, admin_batch, "issue"},
};
const size_t portal_regulator_desk_route_count =
    sizeof portal_regulator_desk_routes / sizeof portal_regulator_desk_routes[0];
