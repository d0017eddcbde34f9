/*
 * metrics.c - counters and their exposition.
 */
#include "web/metrics.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static const unsigned statuses[] = {200, 201, 204, 303, 304, 400, 401, 403, 404,
                                    405, 408, 413, 414, 415, 429, 431, 500, 503};
#define NSTATUS (sizeof statuses / sizeof statuses[0] + 1) /* the last: any other */

static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0};
#define NBUCKET (sizeof buckets / sizeof buckets[0])

struct web_metrics {
    atomic_uint_fast64_t requests[WEB_ROUTE_COUNT][NSTATUS];
    atomic_uint_fast64_t verdicts[GI_VERDICT_COUNT];
    atomic_uint_fast64_t latency[NBUCKET + 1]; /* per bucket, not cumulative; last: +Inf */
    atomic_uint_fast64_t latency_us_sum;
    atomic_uint_fast64_t rate_limited;
};

web_metrics_t *web_metrics_new(void)
{
    web_metrics_t *m =
        calloc(1, sizeof *m); /* zero bytes are zero atomics on every target we build for */
    return m;
}

void web_metrics_free(web_metrics_t *m)
{
    free(m);
}

static size_t status_index(unsigned status)
{
    for (size_t i = 0; i + 1 < NSTATUS; i++)
        if (statuses[i] == status)
            return i;
    return NSTATUS - 1;
}

void web_metrics_request(web_metrics_t *m, web_route_id_t route, unsigned status, double seconds)
{
    if ((unsigned)route >= WEB_ROUTE_COUNT)
        route = WEB_ROUTE_NOT_FOUND;
    atomic_fetch_add_explicit(&m->requests[route][status_index(status)], 1, memory_order_relaxed);
    size_t b = 0;
    while (b < NBUCKET && seconds > buckets[b])
        b++;
    atomic_fetch_add_explicit(&m->latency[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->latency_us_sum, (uint_fast64_t)(seconds * 1e6),
                              memory_order_relaxed);
}

void web_metrics_verdict(web_metrics_t *m, gi_verdict_t v)
{
    if ((unsigned)v < GI_VERDICT_COUNT)
        atomic_fetch_add_explicit(&m->verdicts[v], 1, memory_order_relaxed);
}

void web_metrics_rate_limited(web_metrics_t *m)
{
    atomic_fetch_add_explicit(&m->rate_limited, 1, memory_order_relaxed);
}

static unsigned long long load(atomic_uint_fast64_t *a)
{
    return (unsigned long long)atomic_load_explicit(a, memory_order_relaxed);
}

static void line(web_buf_t *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(web_buf_t *out, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        web_buf_add(out, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void render_requests(web_metrics_t *m, web_buf_t *out)
{
    line(out, "# HELP gimark_http_requests_total HTTP requests answered, by route and status.\n"
              "# TYPE gimark_http_requests_total counter\n");
    for (int r = 0; r < WEB_ROUTE_COUNT; r++) {
        for (size_t s = 0; s < NSTATUS; s++) {
            unsigned long long n = load(&m->requests[r][s]);
            if (n == 0)
                continue;
            char status[8];
            if (s + 1 < NSTATUS)
                snprintf(status, sizeof status, "%u", statuses[s]);
            else
                snprintf(status, sizeof status, "other");
            line(out, "gimark_http_requests_total{route=\"%s\",status=\"%s\"} %llu\n",
                 web_route_name((web_route_id_t)r), status, n);
        }
    }
}

static void render_latency(web_metrics_t *m, web_buf_t *out)
{
    line(out, "# HELP gimark_http_request_duration_seconds Time to answer a request.\n"
              "# TYPE gimark_http_request_duration_seconds histogram\n");
    unsigned long long cumulative = 0;
    for (size_t b = 0; b < NBUCKET; b++) {
        cumulative += load(&m->latency[b]);
        line(out, "gimark_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", buckets[b],
             cumulative);
    }
    cumulative += load(&m->latency[NBUCKET]);
    line(out, "gimark_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cumulative);
    line(out, "gimark_http_request_duration_seconds_sum %.6f\n",
         (double)load(&m->latency_us_sum) / 1e6);
    line(out, "gimark_http_request_duration_seconds_count %llu\n", cumulative);
}

void web_metrics_render(web_metrics_t *m, const gi_scan_stats_t *scans, web_buf_t *out)
{
    render_requests(m, out);
    render_latency(m, out);
    line(out, "# HELP gimark_verdicts_total Verifications, by verdict.\n"
              "# TYPE gimark_verdicts_total counter\n");
    for (int v = 0; v < GI_VERDICT_COUNT; v++)
        line(out, "gimark_verdicts_total{verdict=\"%s\"} %llu\n", gi_verdict_name((gi_verdict_t)v),
             load(&m->verdicts[v]));
    line(out,
         "# HELP gimark_reports_rate_limited_total Consumer reports refused by the rate limit.\n"
         "# TYPE gimark_reports_rate_limited_total counter\n"
         "gimark_reports_rate_limited_total %llu\n",
         load(&m->rate_limited));
    line(out,
         "# HELP gimark_scan_queue_depth Scan events waiting for the writer.\n"
         "# TYPE gimark_scan_queue_depth gauge\ngimark_scan_queue_depth %zu\n",
         scans->queued);
    line(out,
         "# HELP gimark_scans_committed_total Scan events stored.\n"
         "# TYPE gimark_scans_committed_total counter\ngimark_scans_committed_total %lld\n",
         (long long)scans->committed);
    line(out,
         "# HELP gimark_scans_failed_total Scan events lost to storage errors.\n"
         "# TYPE gimark_scans_failed_total counter\ngimark_scans_failed_total %lld\n",
         (long long)scans->failed);
    line(out,
         "# HELP gimark_scan_commits_total Group commits of the scan writer.\n"
         "# TYPE gimark_scan_commits_total counter\ngimark_scan_commits_total %lld\n",
         (long long)scans->commits);
}
