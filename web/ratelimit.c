/*
 * ratelimit.c - token buckets in a fixed open-addressed table, each key
 * probing PROBES slots from its hash.
 */
#include "web/ratelimit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX WEB_RATELIMIT_KEY_MAX
#define PROBES  8 /* slots looked at for a key before one gives way */

typedef struct {
    char key[KEY_MAX + 1];
    double tokens;
    int64_t at_ms; /* last refill; 0 for an empty slot */
} bucket_t;

struct web_ratelimit {
    pthread_mutex_t lock;
    double per_ms, burst;
    bucket_t *slots;
    unsigned mask;
    int keep_penalties;             /* never evict a bucket below burst */
    web_ratelimit_full_t when_full; /* with keep_penalties: a key without room */
    bucket_t overflow;              /* FULL_SHARE: the keys that found no room */
};

web_ratelimit_t *web_ratelimit_new(double per_hour, double burst, unsigned slots)
{
    web_ratelimit_t *r = calloc(1, sizeof *r);
    unsigned n = 64;
    while (n < slots && n < (1u << 24))
        n <<= 1;
    if (!r || !(r->slots = calloc(n, sizeof *r->slots))) {
        free(r);
        return NULL;
    }
    pthread_mutex_init(&r->lock, NULL);
    r->per_ms = per_hour / 3600000.0;
    r->burst = burst < 1 ? 1 : burst;
    r->mask = n - 1;
    r->overflow.tokens = r->burst;
    r->overflow.at_ms = 1;
    return r;
}

void web_ratelimit_free(web_ratelimit_t *r)
{
    if (!r)
        return;
    pthread_mutex_destroy(&r->lock);
    free(r->slots);
    free(r);
}

void web_ratelimit_keep_penalties(web_ratelimit_t *r, web_ratelimit_full_t when_full)
{
    pthread_mutex_lock(&r->lock);
    r->keep_penalties = 1;
    r->when_full = when_full;
    pthread_mutex_unlock(&r->lock);
}

static unsigned key_hash(const char *key)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *key; key++)
        h = (h ^ (unsigned char)*key) * 16777619u;
    return h;
}

/* Brings b's tokens up to now_ms. */
static void refill(const web_ratelimit_t *r, bucket_t *b, int64_t now_ms)
{
    if (now_ms > b->at_ms) {
        b->tokens += (double)(now_ms - b->at_ms) * r->per_ms;
        if (b->tokens > r->burst)
            b->tokens = r->burst;
        b->at_ms = now_ms;
    }
}

/* A slot's worth to keep at now_ms: 0 empty, 1 a full bucket (nothing to
 * lose), 2 a bucket holding a penalty. */
static int worth(const web_ratelimit_t *r, const bucket_t *b, int64_t now_ms)
{
    if (!b->at_ms)
        return 0;
    double tokens = b->tokens + (double)(now_ms > b->at_ms ? now_ms - b->at_ms : 0) * r->per_ms;
    return tokens >= r->burst ? 1 : 2;
}

/* key's bucket, or the slot that gives way to it: an empty one, else the
 * full bucket idle longest, else (holding penalties) the bucket idle
 * longest; with keep_penalties the overflow bucket or NULL (not tracked). */
static bucket_t *bucket_for(web_ratelimit_t *r, const char *key, int64_t now_ms)
{
    unsigned h = key_hash(key);
    bucket_t *best = NULL;
    int best_worth = 3;
    for (unsigned i = 0; i < PROBES; i++) {
        bucket_t *b = &r->slots[(h + i) & r->mask];
        if (b->at_ms && strncmp(b->key, key, KEY_MAX) == 0)
            return b;
        int w = worth(r, b, now_ms);
        if (w < best_worth || (w == best_worth && b->at_ms < best->at_ms)) {
            best = b;
            best_worth = w;
        }
    }
    if (best_worth == 2 && r->keep_penalties)
        return r->when_full == WEB_RATELIMIT_FULL_SHARE ? &r->overflow : NULL;
    snprintf(best->key, sizeof best->key, "%s", key);
    best->tokens = r->burst;
    best->at_ms = now_ms;
    return best;
}

/* Refills key's bucket up to now_ms; takes a token when take is set and
 * one is there. Returns 0, or the seconds until a token is back. */
static int64_t use_bucket(web_ratelimit_t *r, const char *key, int64_t now_ms, int take)
{
    int64_t wait_s = 0;
    if (now_ms < 1)
        now_ms = 1; /* 0 marks an empty slot */
    pthread_mutex_lock(&r->lock);
    bucket_t *b = bucket_for(r, key, now_ms);
    if (!b) {
        pthread_mutex_unlock(&r->lock);
        return 0; /* not tracked: allowed */
    }
    refill(r, b, now_ms);
    if (b->tokens < 1.0)
        wait_s = r->per_ms > 0 ? (int64_t)((1.0 - b->tokens) / r->per_ms / 1000.0) + 1 : 3600;
    else if (take)
        b->tokens -= 1.0;
    pthread_mutex_unlock(&r->lock);
    return wait_s;
}

int64_t web_ratelimit_take(web_ratelimit_t *r, const char *key, int64_t now_ms)
{
    return use_bucket(r, key, now_ms, 1);
}

int64_t web_ratelimit_wait(web_ratelimit_t *r, const char *key, int64_t now_ms)
{
    return use_bucket(r, key, now_ms, 0);
}

/* Runs op on key's bucket, refilled to now_ms, under the lock; returns what
 * op returns, or untracked when key has no bucket (FULL_PASS). */
static int with_bucket(web_ratelimit_t *r, const char *key, int64_t now_ms, int untracked,
                       int (*op)(web_ratelimit_t *r, bucket_t *b))
{
    if (now_ms < 1)
        now_ms = 1;
    pthread_mutex_lock(&r->lock);
    bucket_t *b = bucket_for(r, key, now_ms);
    int out = untracked;
    if (b) {
        refill(r, b, now_ms);
        out = op(r, b);
    }
    pthread_mutex_unlock(&r->lock);
    return out;
}

static int give_op(web_ratelimit_t *r, bucket_t *b)
{
    b->tokens = b->tokens + 1.0 > r->burst ? r->burst : b->tokens + 1.0;
    return 0;
}

static int clean_op(web_ratelimit_t *r, bucket_t *b)
{
    return b->tokens >= r->burst;
}

static int forget_op(web_ratelimit_t *r, bucket_t *b)
{
    if (b != &r->overflow) /* a shared penalty is not one key's to drop */
        b->tokens = r->burst;
    return 0;
}

void web_ratelimit_give(web_ratelimit_t *r, const char *key, int64_t now_ms)
{
    with_bucket(r, key, now_ms, 0, give_op);
}

int web_ratelimit_clean(web_ratelimit_t *r, const char *key, int64_t now_ms)
{
    return with_bucket(r, key, now_ms, 1, clean_op);
}

void web_ratelimit_forget(web_ratelimit_t *r, const char *key, int64_t now_ms)
{
    with_bucket(r, key, now_ms, 0, forget_op);
}
