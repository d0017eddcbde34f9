/*
 * metrics.h - the server's counters in the Prometheus text format.
 *
 * Requests by route and status, verdicts, a latency histogram, and the scan
 * queue's state. Counters are atomics: recording costs no lock.
 *
 * Thread-safety: every function may be called from any thread.
 */
#ifndef WEB_METRICS_H
#define WEB_METRICS_H

#include "gi/scan.h"
#include "gi/verify.h"
#include "web/html.h"
#include "web/route.h"

typedef struct web_metrics web_metrics_t;

web_metrics_t *web_metrics_new(void); /* NULL when out of memory */
void web_metrics_free(web_metrics_t *m);

/* One answered request: its route, status and time from first byte to the
 * response being queued, in seconds. */
void web_metrics_request(web_metrics_t *m, web_route_id_t route, unsigned status, double seconds);
void web_metrics_verdict(web_metrics_t *m, gi_verdict_t v);
/* A report refused by the per-client rate limit. */
void web_metrics_rate_limited(web_metrics_t *m);

/* Appends the exposition text; scans is the scan queue's state. */
void web_metrics_render(web_metrics_t *m, const gi_scan_stats_t *scans, web_buf_t *out);

#endif
