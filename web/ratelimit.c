/*
 * ratelimit.c - token buckets in a fixed open-addressed table.
 */
#include "web/ratelimit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX 32
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

static unsigned key_hash(const char *key)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *key; key++)
        h = (h ^ (unsigned char)*key) * 16777619u;
    return h;
}

/* key's bucket, or the slot that gives way to it (empty, or idle longest). */
static bucket_t *bucket_for(web_ratelimit_t *r, const char *key, int64_t now_ms)
{
    unsigned h = key_hash(key);
    bucket_t *oldest = NULL;
    for (unsigned i = 0; i < PROBES; i++) {
        bucket_t *b = &r->slots[(h + i) & r->mask];
        if (b->at_ms && strcmp(b->key, key) == 0)
            return b;
        if (!oldest || b->at_ms < oldest->at_ms)
            oldest = b;
    }
    snprintf(oldest->key, sizeof oldest->key, "%s", key);
    oldest->tokens = r->burst;
    oldest->at_ms = now_ms;
    return oldest;
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
    if (now_ms > b->at_ms) {
        b->tokens += (double)(now_ms - b->at_ms) * r->per_ms;
        if (b->tokens > r->burst)
            b->tokens = r->burst;
        b->at_ms = now_ms;
    }
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
