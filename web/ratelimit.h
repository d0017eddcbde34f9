/*
 * ratelimit.h - token buckets keyed by a short string (a client key, a keyed
 * hash of an account name): at most `burst` events at once, refilled at
 * `per_hour` events an hour.
 *
 * Memory is bounded: a fixed table of buckets, each key looking at a few
 * slots of it. A full bucket (one that has refilled to burst) holds nothing
 * worth keeping, and is the first to give way to a new key. When every slot
 * a key may use holds a penalty (a bucket below burst):
 * - by default the bucket idle longest gives way, which can only make a
 *   limit more lenient, never refuse a client wrongly (reports, unknown
 *   codes: a flood must not turn into refusals of bystanders);
 * - after web_ratelimit_keep_penalties(), no penalty is ever dropped, and
 *   the new key either shares one overflow bucket with every other key that
 *   found no room (WEB_RATELIMIT_FULL_SHARE: they are limited together, as
 *   one key: stricter, never more lenient) or is not tracked at all
 *   (WEB_RATELIMIT_FULL_PASS: take and wait allow it and take nothing, clean
 *   says 1: the table's own limit lapses for that key, for when a shared
 *   refusal would hit bystanders and another limit still holds).
 *
 * Thread-safety: every function may be called from any thread.
 */
#ifndef WEB_RATELIMIT_H
#define WEB_RATELIMIT_H

#include <stdint.h>

#define WEB_RATELIMIT_KEY_MAX 32 /* bytes of a key kept; longer keys are cut */

typedef struct web_ratelimit web_ratelimit_t;

/* NULL when out of memory. slots is rounded up to a power of two. */
web_ratelimit_t *web_ratelimit_new(double per_hour, double burst, unsigned slots);
void web_ratelimit_free(web_ratelimit_t *r);
typedef enum {
    WEB_RATELIMIT_FULL_SHARE, /* keys without room share an overflow bucket */
    WEB_RATELIMIT_FULL_PASS,  /* keys without room are not limited */
} web_ratelimit_full_t;

/* From now on buckets holding a penalty are never evicted; when_full says
 * what a key that finds no room gets (see above). */
void web_ratelimit_keep_penalties(web_ratelimit_t *r, web_ratelimit_full_t when_full);

/* Takes one token from key's bucket at time now_ms (milliseconds). Returns 0
 * when allowed, else the seconds until a token is back (for Retry-After). */
int64_t web_ratelimit_take(web_ratelimit_t *r, const char *key, int64_t now_ms);
/* Like web_ratelimit_take, but takes nothing: 0 when a token is there. */
int64_t web_ratelimit_wait(web_ratelimit_t *r, const char *key, int64_t now_ms);
/* Gives back a token taken for something that did not happen or did not
 * count (never past burst). */
void web_ratelimit_give(web_ratelimit_t *r, const char *key, int64_t now_ms);
/* 1 when key holds no penalty at now_ms: no bucket, or a full one. */
int web_ratelimit_clean(web_ratelimit_t *r, const char *key, int64_t now_ms);
/* Drops key's penalty (its bucket is full again). */
void web_ratelimit_forget(web_ratelimit_t *r, const char *key, int64_t now_ms);

#endif
