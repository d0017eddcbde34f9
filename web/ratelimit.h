/*
 * ratelimit.h - per-client token buckets: at most `burst` events at once,
 * refilled at `per_hour` events an hour.
 *
 * Memory is bounded: a fixed table of buckets keyed by the client key
 * (gi_client_key); when it is full, the bucket idle longest gives way, which
 * can only make a limit more lenient, never refuse a client wrongly.
 *
 * Thread-safety: every function may be called from any thread.
 */
#ifndef WEB_RATELIMIT_H
#define WEB_RATELIMIT_H

#include <stdint.h>

typedef struct web_ratelimit web_ratelimit_t;

/* NULL when out of memory. slots is rounded up to a power of two. */
web_ratelimit_t *web_ratelimit_new(double per_hour, double burst, unsigned slots);
void web_ratelimit_free(web_ratelimit_t *r);

/* Takes one token from key's bucket at time now_ms (milliseconds). Returns 0
 * when allowed, else the seconds until a token is back (for Retry-After). */
int64_t web_ratelimit_take(web_ratelimit_t *r, const char *key, int64_t now_ms);
/* Like web_ratelimit_take, but takes nothing: 0 when a token is there. */
int64_t web_ratelimit_wait(web_ratelimit_t *r, const char *key, int64_t now_ms);

#endif
