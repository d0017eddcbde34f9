/*
 * portal_charts.c - the regulator's charts at /admin/charts, drawn on the
 * server as SVG (the pages run no script) and legible on a 390 px phone:
 * progress to the target of operators using the mark, as a line over the
 * last twelve months with the percentage; operators using it by city and by
 * product; scans a day and labels issued a month, with their values, axes
 * and the days and months without any. Regulators and auditors, each for
 * its region scope (gi_view_figure).
 */
#include "gi/region.h"
#include "gi/view.h"
#include "web/layout.h"
#include "web/portal_internal.h"

#include <stdio.h>
#include <string.h>

#define SERIES_MAX 40
#define DAYS       14
#define MONTHS     12
/* the drawing's size in its own units; it scales to the width of the page */
#define W      320
#define H      200
#define LEFT   36
#define RIGHT  10
#define TOP    24
#define BOTTOM 30

typedef struct {
    char key[DB_TEXT];
    int64_t count;
} point_t;

typedef struct {
    point_t p[SERIES_MAX];
    int n;
} series_t;

static int keep(const db_tally_t *t, void *arg)
{
    series_t *s = arg;
    if (s->n == SERIES_MAX)
        return 1;
    snprintf(s->p[s->n].key, sizeof s->p[s->n].key, "%s", t->key);
    s->p[s->n++].count = t->count;
    return 0;
}

static int64_t count_of(const series_t *s, const char *key)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->p[i].key, key) == 0)
            return s->p[i].count;
    return 0;
}

/* "YYYY-MM" of the month `back` months before the one holding day. */
static void month_before(const char *day, int back, char out[16])
{
    int y = (day[0] - '0') * 1000 + (day[1] - '0') * 100 + (day[2] - '0') * 10 + (day[3] - '0');
    int m = (day[5] - '0') * 10 + (day[6] - '0') - back;
    while (m < 1) {
        m += 12;
        y--;
    }
    snprintf(out, 16, "%04d-%02d", (y % 10000 + 10000) % 10000, m % 100);
}

/* A round top for an axis at least max, whose half is whole too: 2, 4 or
 * 10 times a power of ten. */
static int64_t axis_top(int64_t max)
{
    int64_t step = 1;
    while (step * 10 < max && step < INT64_MAX / 100)
        step *= 10;
    for (int64_t f = 2; f <= 10; f = f == 2 ? 4 : 10)
        if (step * f >= max)
            return step * f;
    return step * 10;
}

/* Percent of whole to one decimal, as "12.3". */
static void percent(int64_t part, int64_t whole, char out[24])
{
    int64_t tenths = whole > 0 ? (part * 1000 + whole / 2) / whole : 0;
    snprintf(out, 24, "%lld.%lld", (long long)(tenths / 10), (long long)(tenths % 10));
}

static void svg_begin(web_buf_t *b, const char *title, const char *label)
{
    web_html(b,
             "<figure class=\"chart\"><figcaption>%s</figcaption>"
             "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\" "
             "font-size=\"12\" font-family=\"system-ui, sans-serif\">",
             title, W, H, label);
}

/* The y axis from 0 to top with three gridlines; suffix after each value. */
static void y_axis(web_buf_t *b, int64_t top, const char *suffix)
{
    for (int i = 0; i <= 2; i++) {
        int y = H - BOTTOM - (H - BOTTOM - TOP) * i / 2;
        web_html(b,
                 "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#d0d7de\"/>"
                 "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#57606a\">%D%s</text>",
                 LEFT, y, W - RIGHT, y, LEFT - 4, y + 4, top * i / 2, suffix);
    }
    web_html(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#57606a\"/>", LEFT, TOP,
             LEFT, H - BOTTOM);
}

/* Bars of n values with their keys shortened to `from` onwards for the x
 * axis (every `every`-th labelled), each value written above its bar. */
static void bars(web_buf_t *b, const char *const *keys, const int64_t *v, int n, size_t from,
                 int every)
{
    int64_t max = 0;
    for (int i = 0; i < n; i++)
        max = v[i] > max ? v[i] : max;
    int64_t top = axis_top(max > 0 ? max : 1);
    y_axis(b, top, "");
    int slot = (W - LEFT - RIGHT) / n;
    for (int i = 0; i < n; i++) {
        int h = (int)((H - BOTTOM - TOP) * v[i] / top);
        int x = LEFT + slot * i + slot / 6;
        web_html(b,
                 "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#0a3069\">"
                 "<title>%s: %D</title></rect>",
                 x, H - BOTTOM - h, slot * 2 / 3, h, keys[i], v[i]);
        if (v[i]) /* an empty day or month shows as its place on the axis */
            web_html(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#1b1f24\">%D</text>",
                     x + slot / 3, H - BOTTOM - h - 3, v[i]);
        if ((n - 1 - i) % every == 0)
            web_html(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#57606a\">%s</text>",
                     x + slot / 3, H - BOTTOM + 14, keys[i] + from);
    }
}

static void svg_end(web_buf_t *b)
{
    web_buf_puts(b, "</svg></figure>");
}

/* The progress line: operators that had used the mark by each month's end,
 * as a percentage of the target, over the last MONTHS months. */
static void progress_chart(page_t *pg, web_buf_t *b, const series_t *first, int64_t using,
                           int64_t target)
{
    const web_desk_text_t *d = web_desk_text(pg->rq->lang);
    char months[MONTHS][16], pct[24], label[256];
    int64_t cum[MONTHS], before = 0;
    month_before(pg->today, MONTHS - 1, months[0]);
    for (int i = 0; i < first->n; i++)
        if (strcmp(first->p[i].key, months[0]) < 0)
            before += first->p[i].count;
    for (int i = 0; i < MONTHS; i++) {
        month_before(pg->today, MONTHS - 1 - i, months[i]);
        cum[i] = (i ? cum[i - 1] : before) + count_of(first, months[i]);
    }
    percent(using, target, pct);
    snprintf(label, sizeof label, "%lld / %lld (%s%%)", (long long)using, (long long)target, pct);
    web_html(b, "<section class=\"card\"><h2>%s</h2><p class=\"figure\">%s</p>", d->chart_progress,
             label);
    svg_begin(b, d->chart_progress_line, label);
    int64_t max_tenths = 0;
    for (int i = 0; i < MONTHS; i++) {
        int64_t t = target > 0 ? cum[i] * 1000 / target : 0;
        max_tenths = t > max_tenths ? t : max_tenths;
    }
    int64_t top = axis_top(max_tenths / 10 + 1); /* in percent */
    y_axis(b, top, "%");
    int slot = (W - LEFT - RIGHT) / MONTHS;
    web_buf_puts(b, "<polyline fill=\"none\" stroke=\"#0a3069\" stroke-width=\"2\" points=\"");
    for (int i = 0; i < MONTHS; i++) {
        int64_t y =
            H - BOTTOM - (H - BOTTOM - TOP) * (target > 0 ? cum[i] * 100 / target : 0) / top;
        web_html(b, "%d,%D ", LEFT + slot * i + slot / 2, y);
    }
    web_buf_puts(b, "\"/>");
    for (int i = 0; i < MONTHS; i++) {
        int x = LEFT + slot * i + slot / 2;
        int64_t y =
            H - BOTTOM - (H - BOTTOM - TOP) * (target > 0 ? cum[i] * 100 / target : 0) / top;
        percent(cum[i], target, pct);
        web_html(b,
                 "<circle cx=\"%d\" cy=\"%D\" r=\"3\" fill=\"#0a3069\"><title>%s: %D (%s%%)</title>"
                 "</circle>",
                 x, y, months[i], cum[i], pct);
        if ((MONTHS - 1 - i) % 3 == 0)
            web_html(b, "<text x=\"%d\" y=\"%D\" text-anchor=\"middle\" fill=\"#1b1f24\">%D</text>",
                     x, y - 6, cum[i]);
        if ((MONTHS - 1 - i) % 3 == 0)
            web_html(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#57606a\">%s</text>",
                     x, H - BOTTOM + 14, months[i] + 2);
    }
    svg_end(b);
    web_html(b, "<p class=\"hint\">%s</p></section>", d->chart_progress_basis);
}

/* A city's name without its province ("百色市", "Baise"), or its code. */
static void city_name(page_t *pg, const char *code, char *out, size_t cap)
{
    int en = pg->rq->lang == WEB_LANG_EN;
    char province[7], pname[64], full[160];
    snprintf(province, sizeof province, "%.2s0000", code);
    if (!gi_region_name(code, en, full, sizeof full)) {
        snprintf(out, cap, "%s", code);
        return;
    }
    gi_region_name(province, en, pname, sizeof pname);
    size_t n = strlen(pname), f = strlen(full);
    if (strcmp(full, pname) == 0)
        snprintf(out, cap, "%s", full);
    else if (!en && strncmp(full, pname, n) == 0)
        snprintf(out, cap, "%s", full + n);
    else if (en && f > n + 2 && strcmp(full + f - n, pname) == 0)
        snprintf(out, cap, "%.*s", (int)(f - n - 2), full);
    else
        snprintf(out, cap, "%s", full);
}

/* Horizontal bars: one row per key, its count and share of the target. */
static void share_chart(page_t *pg, web_buf_t *b, const char *title, const series_t *s,
                        int64_t target, int regions)
{
    web_html(b, "<section class=\"card\"><h2>%s</h2>", title);
    if (!s->n) {
        web_html(b, "<p>%s</p></section>", pg->p->none);
        return;
    }
    int row = 26, height = row * s->n + 8;
    int64_t max = 1;
    for (int i = 0; i < s->n; i++)
        max = s->p[i].count > max ? s->p[i].count : max;
    web_html(b,
             "<figure class=\"chart\"><svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\" "
             "font-size=\"13\" font-family=\"system-ui, sans-serif\">",
             W, height, title);
    for (int i = 0; i < s->n; i++) {
        char name[160], pct[24];
        if (regions)
            city_name(pg, s->p[i].key, name, sizeof name);
        else
            snprintf(name, sizeof name, "%s", s->p[i].key);
        percent(s->p[i].count, target, pct);
        int y = 4 + row * i;
        int w = (int)(110 * s->p[i].count / max);
        web_html(b,
                 "<text x=\"0\" y=\"%d\" fill=\"#1b1f24\">%s</text>"
                 "<rect x=\"120\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"#0a3069\"/>"
                 "<text x=\"%d\" y=\"%d\" fill=\"#1b1f24\">%D (%s%%)</text>",
                 y + 13, name, y + 1, w > 1 ? w : 1, 120 + (w > 1 ? w : 1) + 4, y + 13,
                 s->p[i].count, pct);
    }
    web_buf_puts(b, "</svg></figure></section>");
}

static void scans_chart(page_t *pg, web_buf_t *b)
{
    const web_desk_text_t *d = web_desk_text(pg->rq->lang);
    series_t got = {0};
    gi_error_t err;
    gi_view_figure(pg->ctx, &pg->account, GI_FIGURE_SCANS_PER_DAY,
                   pg->ctx->now - (int64_t)(DAYS + 1) * 86400, keep, &got, &err);
    char days[DAYS][GI_DATE_LEN + 1];
    const char *keys[DAYS];
    int64_t v[DAYS], total = 0;
    for (int i = 0; i < DAYS; i++) {
        gi_date_of(pg->ctx->now - (int64_t)(DAYS - 1 - i) * 86400, days[i]);
        keys[i] = days[i];
        v[i] = count_of(&got, days[i]);
        total += v[i];
    }
    char label[256], caption[256];
    snprintf(label, sizeof label, "%s %s - %s: %lld", d->chart_scans, days[0], days[DAYS - 1],
             (long long)total);
    snprintf(caption, sizeof caption, "%s - %s: %s %lld", days[0] + 5, days[DAYS - 1] + 5,
             pg->p->total, (long long)total);
    web_html(b, "<section class=\"card\"><h2>%s</h2>", d->chart_scans);
    svg_begin(b, caption, label);
    bars(b, keys, v, DAYS, 5, 3); /* MM-DD */
    svg_end(b);
    web_buf_puts(b, "</section>");
}

static void labels_chart(page_t *pg, web_buf_t *b)
{
    const web_desk_text_t *d = web_desk_text(pg->rq->lang);
    series_t got = {0};
    gi_error_t err;
    gi_view_figure(pg->ctx, &pg->account, GI_FIGURE_LABELS_PER_MONTH,
                   pg->ctx->now - (int64_t)(MONTHS + 1) * 31 * 86400, keep, &got, &err);
    char months[MONTHS][16];
    const char *keys[MONTHS];
    int64_t v[MONTHS], total = 0;
    for (int i = 0; i < MONTHS; i++) {
        month_before(pg->today, MONTHS - 1 - i, months[i]);
        keys[i] = months[i];
        v[i] = count_of(&got, months[i]);
        total += v[i];
    }
    char label[256], caption[256];
    snprintf(label, sizeof label, "%s %s - %s: %lld", d->chart_labels, months[0],
             months[MONTHS - 1], (long long)total);
    snprintf(caption, sizeof caption, "%s - %s: %s %lld", months[0], months[MONTHS - 1],
             pg->p->total, (long long)total);
    web_html(b, "<section class=\"card\"><h2>%s</h2>", d->chart_labels);
    svg_begin(b, caption, label);
    bars(b, keys, v, MONTHS, 2, 3); /* YY-MM */
    svg_end(b);
    web_buf_puts(b, "</section>");
}

/* GET /admin/charts */
static void charts_page(page_t *pg)
{
    const web_desk_text_t *d = web_desk_text(pg->rq->lang);
    gi_error_t err;
    db_stats_t st;
    series_t first = {0}, cities = {0}, products = {0};
    gi_err_t rc = gi_view_stats(pg->ctx, &pg->account, &st, &err);
    if (rc == GI_OK)
        rc = gi_view_figure(pg->ctx, &pg->account, GI_FIGURE_FIRST_USE, 0, keep, &first, &err);
    if (rc == GI_OK)
        rc = gi_view_figure(pg->ctx, &pg->account, GI_FIGURE_USING_BY_CITY, 0, keep, &cities, &err);
    if (rc == GI_OK)
        rc = gi_view_figure(pg->ctx, &pg->account, GI_FIGURE_USING_BY_PRODUCT, 0, keep, &products,
                            &err);
    if (rc != GI_OK) {
        portal_error(pg, rc, &err);
        return;
    }
    int64_t target = pg->rq->settings->target > 0 ? pg->rq->settings->target : 1000;
    web_buf_t b;
    portal_frame_begin(pg, &b, d->charts_title);
    portal_admin_nav(pg, &b);
    portal_heading(pg, &b, d->charts_title);
    if (pg->account.region_scope[0])
        web_html(&b, "<p class=\"scope\">%s <span class=\"serial\">%s</span></p>",
                 pg->p->figures_scoped, pg->account.region_scope);
    progress_chart(pg, &b, &first, st.operators_using, target);
    share_chart(pg, &b, d->chart_by_city, &cities, target, 1);
    share_chart(pg, &b, d->chart_by_product, &products, target, 0);
    scans_chart(pg, &b);
    labels_chart(pg, &b);
    web_layout_end(&b, pg->t);
    portal_finish(pg, 200, &b);
}

const portal_route_t portal_charts_routes[] = {
    {"GET", "/admin/charts", PORTAL_DESK, charts_page, NULL},
};
const size_t portal_charts_route_count =
    sizeof portal_charts_routes / sizeof portal_charts_routes[0];
