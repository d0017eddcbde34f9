/*
 * test_loginlimit.c - sign-in throttling as an attacker would try it: the
 * owner's right password gets through other clients' wrong guesses, many
 * clients still get few guesses on one name, a flood of other names cannot
 * wash out a penalty, and the cap on password checks at once.
 */
#include "test.h"
#include "web/loginlimit.h"

#include <stdio.h>

#define MIN_MS 60000LL

static const unsigned char secret[32] = {1, 2, 3};

/* One try of client on name with the given outcome; the admit answer. */
static int64_t try_once(web_loginlimit_t *l, const char *client, const char *name, int64_t t,
                        web_login_outcome_t outcome)
{
    int64_t wait = web_loginlimit_admit(l, client, name, t);
    if (wait == 0)
        web_loginlimit_outcome(l, client, name, t, outcome);
    return wait;
}

/* Another client's wrong guesses never refuse the owner (on the old code
 * the name's bucket refused everyone once 5 guesses were made). */
static void test_owner_gets_through(void)
{
    web_loginlimit_t *l = web_loginlimit_new(secret, 2);
    int64_t t = 1000000;
    int refused = 0;
    for (int i = 0; i < 20; i++)
        refused += try_once(l, "attacker", "alice", t, WEB_LOGIN_WRONG) > 0;
    CHECK(refused == 17); /* 3 guesses, then the client waits */
    CHECK(try_once(l, "owner", "alice", t, WEB_LOGIN_RIGHT) == 0);
    CHECK(try_once(l, "attacker", "alice", t, WEB_LOGIN_RIGHT) > 0); /* even right: it waits */
    /* the attacker's client may still sign in to other names meanwhile */
    CHECK(try_once(l, "attacker", "bob", t, WEB_LOGIN_RIGHT) == 0);
    /* a second attacking client: alice is under attack after 5 wrong */
    CHECK(try_once(l, "attacker2", "alice", t, WEB_LOGIN_WRONG) == 0);
    CHECK(try_once(l, "attacker2", "alice", t, WEB_LOGIN_WRONG) == 0);
    CHECK(try_once(l, "attacker2", "alice", t, WEB_LOGIN_WRONG) > 0);
    CHECK(try_once(l, "owner", "alice", t, WEB_LOGIN_RIGHT) == 0);
    /* an owner who mistypes under attack waits a quarter of an hour */
    CHECK(try_once(l, "owner", "alice", t, WEB_LOGIN_WRONG) == 0);
    CHECK(try_once(l, "owner", "alice", t, WEB_LOGIN_WRONG) >
          0); /* under attack: one miss counts */
    CHECK(try_once(l, "owner", "alice", t + 16 * MIN_MS, WEB_LOGIN_RIGHT) == 0);
    web_loginlimit_free(l);
}

/* Many clients against one name: once it is under attack (5 wrong), each
 * client gets one guess, then waits about 15 minutes; a fresh client still
 * gets through. */
static void test_many_clients_few_guesses(void)
{
    web_loginlimit_t *l = web_loginlimit_new(secret, 2);
    int64_t t = 1000000;
    char client[32];
    int guesses = 0;
    for (int round = 0; round < 10; round++) /* 10 tries from each of 200 clients */
        for (int i = 0; i < 200; i++) {
            snprintf(client, sizeof client, "bot%d", i);
            guesses += try_once(l, client, "alice", t + round * 1000, WEB_LOGIN_WRONG) == 0;
        }
    CHECK(guesses == 200); /* one each, not ten */
    guesses = 0;
    for (int i = 0; i < 200; i++) {
        snprintf(client, sizeof client, "bot%d", i);
        guesses += try_once(l, client, "alice", t + 20 * MIN_MS, WEB_LOGIN_WRONG) == 0;
    }
    CHECK(guesses == 200); /* a quarter of an hour later, one more each */
    CHECK(try_once(l, "owner", "alice", t + 20 * MIN_MS, WEB_LOGIN_RIGHT) == 0);
    web_loginlimit_free(l);
}

/* A flood of wrong guesses on other names (from other clients) washes out
 * neither alice's bucket (under attack) nor the pairs of the clients that
 * failed on her (on the old code the flood evicted the name's bucket). */
static void test_penalty_survives_flood(void)
{
    web_loginlimit_t *l = web_loginlimit_new(secret, 2);
    int64_t t = 1000000;
    char client[32], name[32];
    for (int i = 0; i < 3; i++)
        CHECK(try_once(l, "attacker", "alice", t, WEB_LOGIN_WRONG) == 0);
    CHECK(try_once(l, "attacker", "alice", t, WEB_LOGIN_WRONG) > 0);
    CHECK(try_once(l, "attacker2", "alice", t, WEB_LOGIN_WRONG) == 0);
    CHECK(try_once(l, "attacker2", "alice", t, WEB_LOGIN_WRONG) == 0);
    CHECK(try_once(l, "attacker2", "alice", t, WEB_LOGIN_WRONG) > 0); /* alice under attack */
    for (int i = 0; i < 200000; i++) {
        snprintf(client, sizeof client, "c%d", i / 8);
        snprintf(name, sizeof name, "name%d", i);
        try_once(l, client, name, t + 1, WEB_LOGIN_WRONG);
    }
    CHECK(web_loginlimit_admit(l, "attacker", "alice", t + 2) > 0);  /* its pair is kept */
    CHECK(web_loginlimit_admit(l, "attacker2", "alice", t + 2) > 0); /* and alice's bucket */
    CHECK(web_loginlimit_admit(l, "owner", "alice", t + 2) == 0);
    web_loginlimit_free(l);
}

/* One client's tries in all: 10 at once, 30 an hour; right passwords do
 * not count. */
static void test_client_budget(void)
{
    web_loginlimit_t *l = web_loginlimit_new(secret, 2);
    int64_t t = 1000000;
    char name[32];
    for (int i = 0; i < 50; i++)
        CHECK(try_once(l, "office", "alice", t, WEB_LOGIN_RIGHT) == 0);
    int allowed = 0;
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof name, "n%d", i);
        allowed += try_once(l, "office", name, t, WEB_LOGIN_WRONG) == 0;
    }
    CHECK(allowed == 10);
    web_loginlimit_free(l);
}

static void test_hash_cap(void)
{
    web_loginlimit_t *l = web_loginlimit_new(secret, 2);
    CHECK(web_loginlimit_hash_begin(l) && web_loginlimit_hash_begin(l));
    CHECK(!web_loginlimit_hash_begin(l));
    CHECK(web_loginlimit_hashing(l) == 2);
    web_loginlimit_hash_end(l);
    CHECK(web_loginlimit_hash_begin(l));
    web_loginlimit_hash_end(l);
    web_loginlimit_hash_end(l);
    CHECK(web_loginlimit_hashing(l) == 0);
    /* a try that found no free slot gives the client's token back */
    int64_t t = 1000000;
    for (int i = 0; i < 30; i++)
        CHECK(try_once(l, "c", "alice", t, WEB_LOGIN_NOT_TRIED) == 0);
    web_loginlimit_free(l);
}

TEST_MAIN("loginlimit", TEST(test_owner_gets_through), TEST(test_many_clients_few_guesses),
          TEST(test_penalty_survives_flood), TEST(test_client_budget), TEST(test_hash_cap))
