/*
 * accesslog.h - one line per request, in logfmt, for journald or any log
 * collector:
 *
 *   access t=2026-11-25T08:55:05.123Z method=GET route=verify_page status=200
 *          ms=0.412 verdict=GENUINE client=3f9a0c1d77e2b5a4
 *
 * No secrets and no client addresses: no query strings, headers or cookies;
 * the client is its keyed hash (gi_client_key), as kept with scans. A path is
 * logged only for the API and the signed-in pages, never for the consumer
 * routes, whose paths are the codes people scanned.
 *
 * Lines are gathered in memory and written by a thread of their own about
 * five times a second, so a request never waits for the log's write. The
 * memory is bounded: when the writer falls behind by more than a megabyte,
 * lines are dropped and the count of dropped lines is logged.
 *
 * Thread-safety: web_accesslog_add may be called from any thread.
 */
#ifndef WEB_ACCESSLOG_H
#define WEB_ACCESSLOG_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *method;
    const char *route;   /* web_route_name() */
    const char *path;    /* NULL: not logged */
    unsigned status;     /* 499: the client went away before an answer */
    double seconds;      /* from the request line to the answer's end */
    const char *verdict; /* gi_verdict_name(), or NULL */
    const char *client;  /* gi_client_key(), or NULL */
} web_access_t;

typedef struct web_accesslog web_accesslog_t;

/* Starts the writer on fd (not closed at the end). NULL when out of
 * memory or threads. */
web_accesslog_t *web_accesslog_start(int fd);
void web_accesslog_add(web_accesslog_t *log, const web_access_t *a);
/* Writes what is left, stops the writer and frees log; NULL is allowed. */
void web_accesslog_stop(web_accesslog_t *log);

/* Formats a into out (a line with its newline, truncated to fit cap >= 2
 * bytes with the NUL); returns its length. now_ms: wall-clock milliseconds
 * since 1970. */
size_t web_access_format(const web_access_t *a, int64_t now_ms, char *out, size_t cap);

#endif
