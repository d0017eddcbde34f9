/*
 * scan.h - recording scans: the queue in front of the database, and each
 * label's scan count as shown on the consumer page.
 *
 * Every verification is a scan event. Events go into an in-memory queue that
 * one writer thread flushes in group commits (every few milliseconds), so a
 * scan never waits for another scan's disk flush. The count shown for a label
 * includes scans still queued: it comes from a table of recently scanned
 * codes kept in memory, loaded from the database on a code's first scan and
 * dropped again once all of that code's scans are committed.
 *
 * The repeat warning counts clients, not scans: each tracked code also keeps
 * the few distinct clients (keyed client hashes) that scanned it last, with
 * the time of their last scan, so reloads and language switches of one
 * client count once. The writer merges each (code, client) pair's first and
 * last time into the database with the totals, so neither a restart nor a
 * code leaving memory forgets a client.
 *
 * Thread-safety: all functions may be called from any thread.
 */
#ifndef GI_SCAN_H
#define GI_SCAN_H

#include "gi/code.h"
#include "gi/gi.h"

#define GI_SCAN_RAW_MAX   64 /* bytes of unknown input kept */
#define GI_CLIENT_KEY_LEN 16 /* hex characters of the keyed client hash */

typedef struct gi_scan_queue gi_scan_queue_t;

typedef struct {
    int64_t at;
    char code[GI_CODE_LEN + 1];    /* "" when the input named no label */
    char raw[GI_SCAN_RAW_MAX + 1]; /* the input when it named no label */
    const char *verdict;           /* static string (gi_verdict_name) */
    char client_key[GI_CLIENT_KEY_LEN + 1];
    const char *ua_class; /* static string (gi_ua_class) */
    int client_row;       /* the tally's client_row: the scan moves its client's row */
} gi_scan_event_t;

typedef struct {
    int flush_ms;        /* longest an event waits before its commit (default 5) */
    size_t max_queue;    /* events queued before pushers wait (default 100000) */
    size_t max_tracked;  /* codes kept in memory when they can go (default 100000) */
    int merge_ms;        /* how often stored scans are added to the per-code totals
                            (default 1000) */
    int evict_delay_ms;  /* a code leaves memory no sooner than this after its last
                            merge: longer than readers hold snapshots (default 2000;
                            negative: at once) */
    int64_t window_s;    /* a client counts while its last scan of a code is younger
                            than this (default 30 days) */
    size_t clients_kept; /* distinct clients counted per code at most: the repeat
                            threshold + 1 is enough to tell (default 11) */
    int64_t reload_s;    /* where several servers store scans (PostgreSQL), a code held
                            in memory reads its tally again at its first scan this long
                            after its last read, taking in the scans and clients the
                            others stored (default GI_SCAN_RELOAD_DEFAULT; negative:
                            never; ignored on SQLite, where one server writes) */
} gi_scan_config_t;

#define GI_REPEAT_WINDOW_DEFAULT (30 * 86400)
#define GI_SCAN_RELOAD_DEFAULT   30

/* Starts the writer thread on its own connection to db_path. NULL on
 * failure, with a message in err. */
gi_scan_queue_t *gi_scan_queue_start(const char *db_path, const gi_scan_config_t *cfg,
                                     gi_error_t *err);
/* Flushes every queued event, stops the writer and frees q. */
void gi_scan_queue_stop(gi_scan_queue_t *q);

/* What one more scan of a code makes of its counts. */
typedef struct {
    int64_t scans;    /* scans of the code, this one included */
    int64_t clients;  /* distinct clients whose last scan is inside the window, this
                         one included; at most clients_kept */
    int64_t first_at; /* time of the code's first scan */
    int client_row;   /* 1 when the scan must be written to the code's row of this
                         client (new client, or its row a minute old), else 0 */
} gi_scan_tally_t;

/* Clients of a code read from the database. */
typedef struct {
    struct gi_scan_client *c;
    size_t n, cap;
} gi_scan_loaded_t;

/* A code's stored tally read ahead, with its label (db_label_find_tallied),
 * so that a code's first scan costs one statement, not two. */
typedef struct {
    db_scan_tally_t db;      /* what to read, and what was read */
    int read;                /* set by the caller once db holds what was read */
    uint64_t epoch;          /* of the codes in memory when the read was planned */
    uint64_t commit_gen;     /* the writer's then (a reload's check) */
    gi_scan_loaded_t loaded; /* the clients read, until gi_scan_count_next takes them */
} gi_scan_ahead_t;

/* Plans reading code's tally ahead: the read to make, or NULL when the code
 * is in memory and nothing need be read (nor reloaded: see reload_s). Every
 * call must be followed by gi_scan_ahead_done(). */
db_scan_tally_t *gi_scan_ahead(gi_scan_queue_t *q, const char *code, int64_t now,
                               gi_scan_ahead_t *a);
/* Frees what a read ahead loaded and gi_scan_count_next() did not take. */
void gi_scan_ahead_done(gi_scan_ahead_t *a);

/* Counts one more scan of code by client_key at time now. The code's tally
 * is taken from ahead when it was read there (NULL: none) and is still
 * current, else read on db, the calling thread's connection, when the code is
 * not in memory. Every call must be followed by gi_scan_push() of its event.
 * -1 on a database error (the scan is then not counted), else 0. */
int gi_scan_count_next(gi_scan_queue_t *q, db_t *db, const char *code, const char *client_key,
                       int64_t now, gi_scan_ahead_t *ahead, gi_scan_tally_t *out);
/* Queues an event for the writer. */
void gi_scan_push(gi_scan_queue_t *q, const gi_scan_event_t *ev);

typedef struct {
    size_t queued;     /* events waiting for the writer */
    int64_t committed; /* events committed since start */
    int64_t commits;   /* group commits since start */
    int64_t failed;    /* events lost to database errors */
    int64_t merges;    /* merges into the per-code totals */
    size_t tracked;    /* codes held in memory */
} gi_scan_stats_t;
void gi_scan_stats(gi_scan_queue_t *q, gi_scan_stats_t *out);

/* Blocks until every event pushed before the call is stored and merged into
 * the per-code totals. */
void gi_scan_sync(gi_scan_queue_t *q);

/* The key of gi_client_key(), made on first use and kept in the database so
 * that client keys stay comparable across restarts. */
gi_err_t gi_client_secret(const gi_ctx_t *ctx, unsigned char key[32], gi_error_t *err);

/* The keyed hash of a client address (BLAKE2b with key, truncated, hex), so
 * scans from one client can be grouped without storing the address. */
void gi_client_key(const unsigned char key[32], const char *address,
                   char out[GI_CLIENT_KEY_LEN + 1]);

/* A coarse class of a User-Agent header: "wechat", "alipay", "ios",
 * "android", "desktop", "bot", "other". */
const char *gi_ua_class(const char *user_agent);

#endif
