/*
 * test_scan.c - the scan queue: counts include queued scans, nothing is lost
 * on stop, counts survive eviction from memory and restarts.
 */
#include "gi/scan.h"
#include "test.h"
#include "testdb.h"

#include <pthread.h>

static void push(gi_scan_queue_t *q, db_t *db, const char *code, int64_t now, int64_t *count)
{
    int64_t first = 0;
    *count = gi_scan_count_next(q, db, code, now, &first);
    gi_scan_event_t ev = {0};
    ev.at = now;
    snprintf(ev.code, sizeof ev.code, "%s", code);
    ev.verdict = "GENUINE";
    snprintf(ev.client_key, sizeof ev.client_key, "0123456789abcdef");
    ev.ua_class = "other";
    gi_scan_push(q, &ev);
}

static int64_t stored(db_t *db, const char *code)
{
    int64_t n = -1, first = 0;
    CHECK(db_scan_count(db, code, &n, &first) == DB_OK);
    return n;
}

static void test_counts_and_flush_on_stop(void)
{
    testdb_t t;
    gi_error_t e;
    testdb_open(&t);
    gi_scan_queue_t *q = gi_scan_queue_start(t.path, NULL, &e);
    CHECK(q != NULL);
    int64_t c = 0;
    for (int i = 1; i <= 100; i++) {
        push(q, t.db, "AAAAAAAAAAAAAAAA", 1000 + i, &c);
        CHECK(c == i);
    }
    push(q, t.db, "BBBBBBBBBBBBBBBB", 5000, &c);
    CHECK(c == 1);
    gi_scan_queue_stop(q);
    CHECK(stored(t.db, "AAAAAAAAAAAAAAAA") == 100);
    CHECK(stored(t.db, "BBBBBBBBBBBBBBBB") == 1);
    /* a restart continues from the stored count and first time */
    q = gi_scan_queue_start(t.path, NULL, &e);
    int64_t first = 0;
    CHECK(gi_scan_count_next(q, t.db, "AAAAAAAAAAAAAAAA", 9999, &first) == 101);
    CHECK(first == 1001);
    gi_scan_event_t ev = {0};
    snprintf(ev.code, sizeof ev.code, "AAAAAAAAAAAAAAAA");
    ev.verdict = "GENUINE";
    ev.ua_class = "other";
    gi_scan_push(q, &ev);
    gi_scan_sync(q);
    CHECK(stored(t.db, "AAAAAAAAAAAAAAAA") == 101);
    gi_scan_queue_stop(q);
    testdb_close(&t);
}

static void test_eviction_keeps_counts(void)
{
    testdb_t t;
    gi_error_t e;
    testdb_open(&t);
    gi_scan_config_t cfg = {1, 1000, 4, 1000, -1};
    gi_scan_queue_t *q = gi_scan_queue_start(t.path, &cfg, &e);
    char codes[10][GI_CODE_LEN + 1];
    for (int i = 0; i < 10; i++)
        snprintf(codes[i], sizeof codes[i], "CODE%012d", i);
    int64_t c = 0;
    for (int round = 1; round <= 5; round++) {
        for (int i = 0; i < 10; i++) {
            push(q, t.db, codes[i], round, &c);
            CHECK(c == round);
        }
        gi_scan_sync(q); /* lets idle entries be dropped */
    }
    gi_scan_stats_t st;
    gi_scan_stats(q, &st);
    CHECK(st.tracked <= 10);
    CHECK(st.committed == 50);
    gi_scan_queue_stop(q);
    for (int i = 0; i < 10; i++)
        CHECK(stored(t.db, codes[i]) == 5);
    testdb_close(&t);
}

typedef struct {
    gi_scan_queue_t *q;
    const char *path;
    int n;
    int64_t max_seen;
} worker_t;

static void *worker(void *arg)
{
    worker_t *w = arg;
    char err[128];
    db_t *db = db_open(w->path, err, sizeof err);
    int64_t c = 0;
    for (int i = 0; i < w->n; i++) {
        push(w->q, db, "CCCCCCCCCCCCCCCC", i, &c);
        if (c > w->max_seen)
            w->max_seen = c;
    }
    db_close(db);
    return NULL;
}

static void test_concurrent_pushers(void)
{
    testdb_t t;
    gi_error_t e;
    testdb_open(&t);
    gi_scan_queue_t *q = gi_scan_queue_start(t.path, NULL, &e);
    pthread_t th[8];
    worker_t w[8];
    for (int i = 0; i < 8; i++) {
        w[i] = (worker_t){q, t.path, 500, 0};
        pthread_create(&th[i], NULL, worker, &w[i]);
    }
    int64_t max = 0;
    for (int i = 0; i < 8; i++) {
        pthread_join(th[i], NULL);
        if (w[i].max_seen > max)
            max = w[i].max_seen;
    }
    CHECK(max == 4000); /* every scan got its own number */
    gi_scan_queue_stop(q);
    CHECK(stored(t.db, "CCCCCCCCCCCCCCCC") == 4000);
    testdb_close(&t);
}

static void test_client_key_and_ua(void)
{
    unsigned char k1[32] = {1}, k2[32] = {2};
    char a[GI_CLIENT_KEY_LEN + 1], b[GI_CLIENT_KEY_LEN + 1], c[GI_CLIENT_KEY_LEN + 1];
    gi_client_key(k1, "203.0.113.9", a);
    gi_client_key(k1, "203.0.113.9", b);
    gi_client_key(k2, "203.0.113.9", c);
    CHECK_STR(a, b);
    CHECK(strcmp(a, c) != 0);
    CHECK(strlen(a) == GI_CLIENT_KEY_LEN);
    CHECK(strstr(a, "203") == NULL);
    CHECK_STR(gi_ua_class("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) MicroMessenger/8.0"), "wechat");
    CHECK_STR(gi_ua_class("Mozilla/5.0 (Linux; Android 14)"), "android");
    CHECK_STR(gi_ua_class("curl/7.88"), "bot");
    CHECK_STR(gi_ua_class(NULL), "other");
}

TEST_MAIN("scan", TEST(test_counts_and_flush_on_stop), TEST(test_eviction_keeps_counts),
          TEST(test_concurrent_pushers), TEST(test_client_key_and_ua))
