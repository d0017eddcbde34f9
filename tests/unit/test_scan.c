/*
 * test_scan.c - the scan queue: counts include queued scans, nothing is lost
 * on stop, counts survive eviction from memory and restarts.
 */
#include "gi/scan.h"
#include "test.h"
#include "testdb.h"

#include <pthread.h>

/* Hands the writer the event of a scan counted as got. */
static void push_counted(gi_scan_queue_t *q, const char *code, const char *client, int64_t now,
                         const gi_scan_tally_t *got)
{
    gi_scan_event_t ev = {0};
    ev.at = now;
    snprintf(ev.code, sizeof ev.code, "%s", code);
    ev.verdict = "GENUINE";
    snprintf(ev.client_key, sizeof ev.client_key, "%s", client);
    ev.ua_class = "other";
    ev.client_row = got->client_row;
    gi_scan_push(q, &ev);
}

static void push_from(gi_scan_queue_t *q, db_t *db, const char *code, const char *client,
                      int64_t now, gi_scan_tally_t *got)
{
    CHECK(gi_scan_count_next(q, db, code, client, now, NULL, got) == 0);
    push_counted(q, code, client, now, got);
}

static void push(gi_scan_queue_t *q, db_t *db, const char *code, int64_t now, int64_t *count)
{
    gi_scan_tally_t got = {0};
    push_from(q, db, code, "0123456789abcdef", now, &got);
    *count = got.scans;
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
    gi_scan_tally_t got;
    push_from(q, t.db, "AAAAAAAAAAAAAAAA", "0123456789abcdef", 9999, &got);
    CHECK(got.scans == 101 && got.first_at == 1001 && got.clients == 1);
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
    gi_scan_config_t cfg = {
        .flush_ms = 1, .max_queue = 1000, .max_tracked = 4, .merge_ms = 1000, .evict_delay_ms = -1};
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

/* The key of client i, as gi_client_key() would give it. */
static const char *client(int i)
{
    static char keys[64][GI_CLIENT_KEY_LEN + 1];
    snprintf(keys[i], sizeof keys[i], "%016x", 0xc0de00 + i);
    return keys[i];
}

/* Reloads and language switches of one client count once; other clients
 * each count, up to the clients kept (threshold + 1). */
static void test_distinct_clients(void)
{
    testdb_t t;
    gi_error_t e;
    testdb_open(&t);
    gi_scan_config_t cfg = {.window_s = 3600, .clients_kept = 11};
    gi_scan_queue_t *q = gi_scan_queue_start(t.path, &cfg, &e);
    const char *code = "DDDDDDDDDDDDDDDD";
    gi_scan_tally_t got = {0};
    for (int i = 1; i <= 30; i++) {
        push_from(q, t.db, code, client(0), 1000 + i, &got);
        CHECK(got.scans == i && got.clients == 1);
    }
    for (int i = 1; i <= 9; i++) {
        push_from(q, t.db, code, client(i), 2000, &got);
        CHECK(got.clients == i + 1);
    }
    push_from(q, t.db, code, client(0), 2001, &got); /* the first one again: still 10 */
    CHECK(got.clients == 10 && got.scans == 40);
    push_from(q, t.db, code, client(10), 2002, &got);
    CHECK(got.clients == 11);
    push_from(q, t.db, code, client(11), 2003, &got);
    CHECK(got.clients == 11); /* no more are kept than it takes to tell */
    gi_scan_queue_stop(q);
    /* after a restart, read back from the database: as many as it takes */
    q = gi_scan_queue_start(t.path, &cfg, &e);
    push_from(q, t.db, code, client(5), 2004, &got);
    CHECK(got.clients == 11 && got.scans == 43);
    gi_scan_queue_stop(q);
    cfg.clients_kept = 3;
    q = gi_scan_queue_start(t.path, &cfg, &e);
    push_from(q, t.db, code, client(12), 2005, &got);
    CHECK(got.clients == 3);
    push_from(q, t.db, code, client(13), 2006, &got);
    CHECK(got.clients == 3);
    gi_scan_queue_stop(q);
    testdb_close(&t);
}

/* A client counts while its last scan is inside the window. */
static void test_window(void)
{
    testdb_t t;
    gi_error_t e;
    testdb_open(&t);
    gi_scan_config_t cfg = {.window_s = 100, .clients_kept = 11};
    gi_scan_queue_t *q = gi_scan_queue_start(t.path, &cfg, &e);
    const char *code = "WWWWWWWWWWWWWWWW";
    gi_scan_tally_t got = {0};
    for (int i = 0; i < 5; i++)
        push_from(q, t.db, code, client(i), 1000 + i, &got);
    CHECK(got.clients == 5);
    push_from(q, t.db, code, client(5), 1102, &got); /* clients 0-2 are out of the window */
    CHECK(got.clients == 3);
    push_from(q, t.db, code, client(0), 1102, &got); /* client 0 is back */
    CHECK(got.clients == 4);
    push_from(q, t.db, code, client(6), 5000, &got);
    CHECK(got.clients == 1 && got.scans == 8);
    gi_scan_queue_stop(q);
    testdb_close(&t);
}

/* Neither a code leaving memory nor a restart forgets its clients. */
static void test_clients_survive_eviction_and_restart(void)
{
    testdb_t t;
    gi_error_t e;
    testdb_open(&t);
    gi_scan_config_t cfg = {.flush_ms = 1,
                            .max_queue = 1000,
                            .max_tracked = 4,
                            .merge_ms = 1000,
                            .evict_delay_ms = -1,
                            .window_s = 3600,
                            .clients_kept = 11};
    gi_scan_queue_t *q = gi_scan_queue_start(t.path, &cfg, &e);
    char codes[10][GI_CODE_LEN + 1];
    for (int i = 0; i < 10; i++)
        snprintf(codes[i], sizeof codes[i], "EVIC%012d", i);
    gi_scan_tally_t got = {0};
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < 10; i++) {
            push_from(q, t.db, codes[i], client(round), 1000 + round, &got);
            CHECK(got.clients == round + 1);
            push_from(q, t.db, codes[i], client(round), 1000 + round, &got); /* a reload */
            CHECK(got.clients == round + 1);
        }
        gi_scan_sync(q); /* lets idle entries be dropped */
    }
    gi_scan_stats_t st;
    gi_scan_stats(q, &st);
    CHECK(st.tracked <= 10);
    gi_scan_queue_stop(q);
    q = gi_scan_queue_start(t.path, &cfg, &e);
    push_from(q, t.db, codes[3], client(0), 1010, &got);
    CHECK(got.clients == 4 && got.scans == 9);
    push_from(q, t.db, codes[4], client(9), 1010, &got);
    CHECK(got.clients == 5);
    gi_scan_queue_stop(q);
    /* a scan stored but never merged (a crash) is merged on the next start */
    db_scan_t row = {1011, codes[5], NULL, "GENUINE", client(20), "other", 0};
    int64_t last = 0;
    CHECK(db_scans_record(t.db, &row, 1, &last) == DB_OK);
    q = gi_scan_queue_start(t.path, &cfg, &e);
    push_from(q, t.db, codes[5], client(21), 1012, &got);
    CHECK(got.clients == 6 && got.scans == 10);
    gi_scan_queue_stop(q);
    testdb_close(&t);
}

static int keep_last_at(const char *client_key, int64_t last_at, void *arg)
{
    (void)client_key;
    *(int64_t *)arg = last_at;
    return 0;
}

static int64_t stored_last_at(db_t *db, const char *code)
{
    int64_t at = -1;
    db_scan_tally_t t = {0, 10, keep_last_at, &at, 0, 0};
    CHECK(db_scan_tally(db, code, &t) == DB_OK);
    return at;
}

/* A client's row moves in steps of a minute (of a 16th of a short window):
 * reloads in between count in memory and leave the row alone. */
static void test_client_row_steps(void)
{
    testdb_t t;
    gi_error_t e;
    testdb_open(&t);
    gi_scan_config_t cfg = {.window_s = 3600, .clients_kept = 11};
    gi_scan_queue_t *q = gi_scan_queue_start(t.path, &cfg, &e);
    const char *code = "STEPSTEPSTEPSTEP";
    gi_scan_tally_t got = {0};
    push_from(q, t.db, code, client(0), 1000, &got);
    CHECK(got.client_row == 1);
    push_from(q, t.db, code, client(0), 1059, &got);
    CHECK(got.client_row == 0 && got.scans == 2 && got.clients == 1);
    gi_scan_sync(q);
    /* on either engine: PostgreSQL, which adds each commit's clients as it
     * stores them, leaves the row alone for the reload too */
    CHECK(stored_last_at(t.db, code) == 1000);
    push_from(q, t.db, code, client(0), 1060, &got);
    CHECK(got.client_row == 1);
    gi_scan_sync(q);
    CHECK(stored_last_at(t.db, code) == 1060);
    gi_scan_queue_stop(q);
    /* read back after a restart, the row's time is where the step counts from */
    q = gi_scan_queue_start(t.path, &cfg, &e);
    push_from(q, t.db, code, client(0), 1100, &got);
    CHECK(got.client_row == 0 && got.scans == 4 && got.clients == 1);
    push_from(q, t.db, code, client(1), 1101, &got);
    CHECK(got.client_row == 1 && got.clients == 2);
    gi_scan_queue_stop(q);
    cfg.window_s = 160; /* steps of 10 s */
    q = gi_scan_queue_start(t.path, &cfg, &e);
    push_from(q, t.db, code, client(1), 1110, &got);
    CHECK(got.client_row == 0);
    push_from(q, t.db, code, client(1), 1111, &got);
    CHECK(got.client_row == 1);
    gi_scan_queue_stop(q);
    testdb_close(&t);
}

/* A scans file of version 1 gets its codes' clients from its scan rows. */
static void test_scans_file_upgrade(void)
{
    testdb_t t;
    char err[256];
    testdb_open(&t);
    if (testdb_is_pg(&t)) {
        TESTDB_SKIP("an upgrade of a SQLite scans file of version 1; the PostgreSQL schema "
                    "has had scan_client from its first version");
        testdb_close(&t);
        return;
    }
    db_close(t.db);
    CHECK(testdb_exec_scans(&t, "DROP TABLE scan_client;"
                                "INSERT INTO scan (at, code, raw, verdict, client_key, ua_class)"
                                " VALUES (5, 'OLDCODEOLDCODE00', NULL, 'GENUINE', 'k1', 'ios'),"
                                " (6, 'OLDCODEOLDCODE00', NULL, 'GENUINE', 'k1', 'ios'),"
                                " (7, 'OLDCODEOLDCODE00', NULL, 'GENUINE', 'k2', 'ios');"
                                "PRAGMA user_version = 1;") == 0);
    t.db = db_open(t.path, err, sizeof err);
    CHECK(t.db != NULL);
    gi_error_t e;
    gi_scan_config_t cfg = {.window_s = 100, .clients_kept = 11};
    gi_scan_queue_t *q = gi_scan_queue_start(t.path, &cfg, &e);
    gi_scan_tally_t got = {0};
    push_from(q, t.db, "OLDCODEOLDCODE00", "k3", 50, &got);
    CHECK(got.clients == 3 && got.scans == 4);
    gi_scan_queue_stop(q);
    testdb_close(&t);
}

/* Two servers' scan queues on one PostgreSQL database, reloading after 30 s. */
typedef struct {
    testdb_t t;
    gi_scan_queue_t *a, *b;
} two_servers_t;

/* Starts the two and scans code through a once (client 0, at 1000), then
 * through b twice (clients 1 and 2), each storing before the other's turn:
 * b reads what a stored. 0 (the test skipped) on SQLite, where one server
 * writes. */
static int two_servers_start(two_servers_t *s, const char *code)
{
    testdb_open(&s->t);
    if (!testdb_is_pg(&s->t)) {
        TESTDB_SKIP("several servers store scans in one database on PostgreSQL only");
        testdb_close(&s->t);
        return 0;
    }
    gi_error_t e;
    gi_scan_config_t cfg = {.window_s = 3600, .clients_kept = 11, .reload_s = 30};
    s->a = gi_scan_queue_start(s->t.path, &cfg, &e);
    s->b = gi_scan_queue_start(s->t.path, &cfg, &e);
    CHECK(s->a && s->b);
    gi_scan_tally_t got = {0};
    push_from(s->a, s->t.db, code, client(0), 1000, &got);
    CHECK(got.scans == 1 && got.clients == 1);
    gi_scan_sync(s->a);
    push_from(s->b, s->t.db, code, client(1), 1001, &got);
    CHECK(got.scans == 2 && got.clients == 2);
    push_from(s->b, s->t.db, code, client(2), 1002, &got);
    CHECK(got.scans == 3 && got.clients == 3);
    gi_scan_sync(s->b);
    return 1;
}

/* Stops both queues (storing what they hold); what code has stored. */
static int64_t two_servers_stop(two_servers_t *s, const char *code)
{
    gi_scan_queue_stop(s->a);
    gi_scan_queue_stop(s->b);
    int64_t n = stored(s->t.db, code);
    testdb_close(&s->t);
    return n;
}

/* Two servers on one PostgreSQL database: a code one holds takes in the
 * other's scans and clients at its first scan reload_s after its last read,
 * not sooner, and counts none of its own twice. */
static void test_reload_takes_in_other_servers(void)
{
    const char *code = "RRRRRRRRRRRRRRRR";
    two_servers_t s;
    if (!two_servers_start(&s, code))
        return;
    gi_scan_tally_t got = {0};
    push_from(s.a, s.t.db, code, client(0), 1010, &got); /* sooner: a's own view */
    CHECK(got.scans == 2 && got.clients == 1);
    gi_scan_sync(s.a);
    push_from(s.a, s.t.db, code, client(3), 1031, &got); /* 31 s after a's read */
    CHECK(got.scans == 5 && got.clients == 4);
    push_from(s.a, s.t.db, code, client(3), 1032, &got);
    CHECK(got.scans == 6 && got.clients == 4);
    CHECK(two_servers_stop(&s, code) == 6);
}

/* A held code with one of this server's scans still pending (counted, not
 * yet stored) reloads all the same, that scan counted on top of what the
 * database holds: a client scanning one code faster than the group commits
 * cannot keep the other servers' clients out of its count. */
static void test_reload_with_a_scan_pending(void)
{
    const char *code = "PPPPPPPPPPPPPPPP";
    two_servers_t s;
    if (!two_servers_start(&s, code))
        return;
    gi_scan_tally_t got = {0}, held = {0};
    /* counted on a, its event not handed to the writer yet: pending */
    CHECK(gi_scan_count_next(s.a, s.t.db, code, client(4), 1010, NULL, &held) == 0);
    CHECK(held.scans == 2 && held.clients == 2);
    push_from(s.a, s.t.db, code, client(3), 1031,
              &got); /* the database's 3, the pending 1, this 1 */
    CHECK(got.scans == 5 && got.clients == 5);
    push_counted(s.a, code, client(4), 1010, &held);
    CHECK(two_servers_stop(&s, code) == 5);
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
          TEST(test_concurrent_pushers), TEST(test_distinct_clients), TEST(test_window),
          TEST(test_clients_survive_eviction_and_restart), TEST(test_scans_file_upgrade),
          TEST(test_client_row_steps), TEST(test_reload_takes_in_other_servers),
          TEST(test_reload_with_a_scan_pending), TEST(test_client_key_and_ua))
