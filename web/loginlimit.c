/*
 * loginlimit.c - sign-in throttling and the cap on concurrent password
 * checks; the policy and what an attacker gets are in loginlimit.h.
 */
#include "web/loginlimit.h"
#include "web/ratelimit.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS     65536
#define KEY_BYTES (WEB_RATELIMIT_KEY_MAX / 2) /* hex of a keyed hash fills a key */

struct web_loginlimit {
    web_ratelimit_t *clients, *names, *pairs;
    unsigned char secret[32];
    pthread_mutex_t lock; /* guards hashing */
    unsigned hashing, max_hashes;
};

web_loginlimit_t *web_loginlimit_new(const unsigned char secret[32], unsigned max_hashes)
{
    web_loginlimit_t *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->clients = web_ratelimit_new(30, 10, SLOTS); /* tries an hour, at once */
    l->names = web_ratelimit_new(20, 5, SLOTS);    /* wrong passwords on a name */
    l->pairs = web_ratelimit_new(4, 3, SLOTS);     /* a client's wrong passwords on a name */
    if (!l->clients || !l->names || !l->pairs) {
        web_loginlimit_free(l);
        return NULL;
    }
    web_ratelimit_keep_penalties(l->names, WEB_RATELIMIT_FULL_SHARE);
    web_ratelimit_keep_penalties(l->pairs, WEB_RATELIMIT_FULL_PASS);
    memcpy(l->secret, secret, sizeof l->secret);
    pthread_mutex_init(&l->lock, NULL);
    l->max_hashes = max_hashes ? max_hashes : 1;
    return l;
}

void web_loginlimit_free(web_loginlimit_t *l)
{
    if (!l)
        return;
    web_ratelimit_free(l->clients);
    web_ratelimit_free(l->names);
    web_ratelimit_free(l->pairs);
    if (l->max_hashes)
        pthread_mutex_destroy(&l->lock);
    sodium_memzero(l->secret, sizeof l->secret);
    free(l);
}

/* The keys of name, and of name with client: BLAKE2b keyed with the
 * server's secret, so neither the tables nor their slots tell the names. */
static void keys_of(const web_loginlimit_t *l, const char *client, const char *name,
                    char name_key[2 * KEY_BYTES + 1], char pair_key[2 * KEY_BYTES + 1])
{
    unsigned char h[KEY_BYTES];
    crypto_generichash_state st;
    crypto_generichash_init(&st, l->secret, sizeof l->secret, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)"name\n", 5);
    crypto_generichash_update(&st, (const unsigned char *)name, strlen(name));
    crypto_generichash_final(&st, h, sizeof h);
    sodium_bin2hex(name_key, 2 * KEY_BYTES + 1, h, sizeof h);
    crypto_generichash_init(&st, l->secret, sizeof l->secret, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)"pair\n", 5);
    crypto_generichash_update(&st, (const unsigned char *)name_key, strlen(name_key));
    crypto_generichash_update(&st, (const unsigned char *)client, strlen(client));
    crypto_generichash_final(&st, h, sizeof h);
    sodium_bin2hex(pair_key, 2 * KEY_BYTES + 1, h, sizeof h);
}

int64_t web_loginlimit_admit(web_loginlimit_t *l, const char *client, const char *name,
                             int64_t now_ms)
{
    char name_key[2 * KEY_BYTES + 1], pair_key[2 * KEY_BYTES + 1];
    keys_of(l, client, name, name_key, pair_key);
    int64_t wait = web_ratelimit_wait(l->pairs, pair_key, now_ms);
    if (wait > 0)
        return wait; /* this client failed on this name too often */
    int64_t attack = web_ratelimit_wait(l->names, name_key, now_ms);
    if (attack > 0 && !web_ratelimit_clean(l->pairs, pair_key, now_ms)) {
        /* the name is under attack and this client is one of the failing:
         * it waits until its pair is full again */
        int64_t until_clean = 3600 / 4 + 1;
        return until_clean > attack ? until_clean : attack;
    }
    return web_ratelimit_take(l->clients, client, now_ms);
}

void web_loginlimit_outcome(web_loginlimit_t *l, const char *client, const char *name,
                            int64_t now_ms, web_login_outcome_t outcome)
{
    char name_key[2 * KEY_BYTES + 1], pair_key[2 * KEY_BYTES + 1];
    keys_of(l, client, name, name_key, pair_key);
    switch (outcome) {
    case WEB_LOGIN_RIGHT:
        web_ratelimit_give(l->clients, client, now_ms);
        web_ratelimit_forget(l->pairs, pair_key, now_ms);
        break;
    case WEB_LOGIN_WRONG:
        web_ratelimit_take(l->names, name_key, now_ms);
        web_ratelimit_take(l->pairs, pair_key, now_ms);
        break;
    case WEB_LOGIN_NOT_TRIED:
        web_ratelimit_give(l->clients, client, now_ms);
        break;
    }
}

int web_loginlimit_hash_begin(web_loginlimit_t *l)
{
    pthread_mutex_lock(&l->lock);
    int ok = l->hashing < l->max_hashes;
    if (ok)
        l->hashing++;
    pthread_mutex_unlock(&l->lock);
    return ok;
}

void web_loginlimit_hash_end(web_loginlimit_t *l)
{
    pthread_mutex_lock(&l->lock);
    if (l->hashing > 0)
        l->hashing--;
    pthread_mutex_unlock(&l->lock);
}

unsigned web_loginlimit_hashing(web_loginlimit_t *l)
{
    pthread_mutex_lock(&l->lock);
    unsigned n = l->hashing;
    pthread_mutex_unlock(&l->lock);
    return n;
}
