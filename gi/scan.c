/*
 * scan.c - the scan queue, its writer thread, and the in-memory scan counts.
 *
 * Pushers append events to `incoming`; the writer swaps it with its own
 * buffer, waits up to flush_ms for more, and appends the whole buffer as scan
 * rows in one transaction. Measured: appending scan rows this way runs near
 * the lookup-only rate, where a commit per scan costs 4-5x the requests/s.
 *
 * Counts: `tracked` maps a code to {count, first_at, pending, unmerged}.
 * pending scans are queued, unmerged ones stored as rows but not yet added to
 * the per-code totals, which the writer merges about once a second in code
 * order (one sorted pass instead of an index insert at a random place per
 * scan). A code absent from the table has every scan in the totals, so its
 * count is read from there. Entries with nothing pending or unmerged may be
 * dropped when the table is full, once evict_after_ms have passed since their
 * merge (longer than any reader's held snapshot); `epoch` changes then, so a
 * reader that looked the code up in the database meanwhile reads it again.
 *
 * Clients: each entry keeps up to clients_kept distinct clients (a 64-bit
 * hash of the client key) with the time of their last scan, replacing the
 * least recent when full. The kept ones are the most recent distinct
 * clients, so those inside the window number min(true count, clients_kept):
 * enough to tell whether the threshold is passed. The writer notes each
 * stored scan's (code, client, time) in `seen`, and at each merge folds it
 * into one row per pair (sorted, in the totals' transaction); a code loaded
 * from the database takes its latest clients from there.
 *
 * A pair's row follows its scans in steps of CLIENT_ROW_STEP_S: a scan that
 * soon after the time last written for the pair leaves the row alone. Most
 * scans of a code come from one client reloading or switching languages;
 * writing each of them doubled the writer's work (measured with the verify
 * bench). The stored last time lags the truth by less than a step, against a
 * window of days; the first time is exact.
 *
 * On an engine whose db_scans_record() adds each group commit to the totals
 * and clients itself (PostgreSQL, where several servers write the same
 * tables), stored scans are merged at once: nothing is noted, nothing merged
 * later. A code's count in memory is then this server's view of it, so a
 * code held reloads its tally at its next scan once reload_s have passed
 * since its last read: the scans and clients other servers stored show, and
 * a copied label scanned through several servers is warned of as through
 * one. The writer moves `commit_gen` as it starts a group commit and again
 * once it has released that commit's scans, so the generation is odd while
 * a commit is in flight. A reload is taken only when the generation was even
 * when the read was planned and has not moved by its use: the read then
 * holds every scan of this server's stored by then, and none of those still
 * pending, which the entry adds (db count + pending). A code scanned through
 * this server faster than its group commits, with a scan always pending,
 * reloads all the same: a client hammering one code cannot keep the others'
 * clients out of the count.
 */
#include "gi/scan.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CLIENT_ROW_STEP_S 60 /* or a 16th of the window when that is shorter */

typedef struct gi_scan_client {
    uint64_t key; /* hash of the client key */
    int64_t last_at;
    int64_t row_at; /* last_at as last written to the database, or queued to be */
} client_t;

typedef struct {
    char code[GI_CODE_LEN];
    int used;
    uint32_t nclients, capclients;
    client_t *clients; /* the latest distinct clients, at most clients_kept */
    int64_t count;
    int64_t first_at;
    int64_t loaded_at;  /* when the tally was last read from the database */
    int64_t settled_ms; /* when pending and unmerged last reached 0 */
    int32_t pending;    /* queued, not yet stored (at most max_queue) */
    int32_t unmerged;   /* stored, not yet in the totals */
} tracked_t;

typedef struct {
    gi_scan_event_t *ev;
    size_t n, cap;
} event_buf_t;

/* A stored scan's code and client, for the next merge (writer only). */
typedef struct {
    char code[GI_CODE_LEN + 1];
    char client_key[GI_CLIENT_KEY_LEN + 1];
    int64_t at;
} seen_t;

struct gi_scan_queue {
    gi_scan_config_t cfg;
    db_t *db;             /* the writer's own connection */
    int merged_on_record; /* db_scans_merged_on_record(db): several servers may write */
    pthread_t writer;
    pthread_mutex_t lock;
    pthread_cond_t wake;     /* writer: events arrived, or stopping */
    pthread_cond_t progress; /* pushers: room in the queue; sync: commits */
    event_buf_t incoming;
    int stopping;
    uint64_t pushed, committed_seq;
    int64_t committed, commits, failed, merges;
    int64_t last_id;     /* id of the last scan row stored */
    int64_t row_step_s;  /* see CLIENT_ROW_STEP_S */
    int merge_wanted;    /* gi_scan_sync() waits for a merge */
    uint64_t merged_seq; /* pushed count covered by the last merge */
    seen_t *seen;        /* stored, unmerged scans' clients (writer only) */
    size_t nseen, capseen;
    /* the tracked codes, under their own lock */
    pthread_mutex_t track_lock;
    tracked_t *slots;
    size_t nslots, nused;
    uint64_t epoch;
    uint64_t commit_gen; /* odd while a group commit is in flight (see the top) */
};

/* --- tracked codes ------------------------------------------------------------ */

static size_t code_hash(const char *code)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (int i = 0; i < GI_CODE_LEN; i++)
        h = (h ^ (unsigned char)code[i]) * 1099511628211ULL;
    return (size_t)h;
}

/* The slot for code: its entry, or the empty slot where it would go. */
static tracked_t *slot_for(tracked_t *slots, size_t nslots, const char *code)
{
    size_t i = code_hash(code) & (nslots - 1);
    while (slots[i].used && memcmp(slots[i].code, code, GI_CODE_LEN) != 0)
        i = (i + 1) & (nslots - 1);
    return &slots[i];
}

/* Rebuilds the table with nslots slots, keeping entries with pending scans
 * and, unless drop_idle, the others too. 0 on success. */
static int64_t monotonic_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* True when an entry may leave memory: everything counted is in the totals,
 * long enough ago that no reader's snapshot predates it. */
static int settled(const gi_scan_queue_t *q, const tracked_t *t, int64_t now_ms)
{
    return t->pending == 0 && t->unmerged == 0 && now_ms - t->settled_ms >= q->cfg.evict_delay_ms;
}

/* Rebuilds the table with nslots slots, dropping settled entries when
 * drop_settled. 0 on success. */
static int rebuild(gi_scan_queue_t *q, size_t nslots, int drop_settled)
{
    tracked_t *fresh = calloc(nslots, sizeof *fresh);
    if (!fresh)
        return -1;
    size_t kept = 0;
    int64_t now_ms = monotonic_ms();
    for (size_t i = 0; i < q->nslots; i++) {
        tracked_t *t = &q->slots[i];
        if (!t->used)
            continue;
        if (drop_settled && settled(q, t, now_ms)) {
            free(t->clients);
            continue;
        }
        *slot_for(fresh, nslots, t->code) = *t;
        kept++;
    }
    free(q->slots);
    q->slots = fresh;
    q->nslots = nslots;
    if (drop_settled && kept < q->nused)
        q->epoch++;
    q->nused = kept;
    return 0;
}

/* Makes room for one more entry; call with track_lock held. Past max_tracked
 * settled entries give way; when none can, the table grows all the same
 * (a count is never given up). */
static int make_room(gi_scan_queue_t *q)
{
    if ((q->nused + 1) * 2 <= q->nslots)
        return 0;
    if (q->nused + 1 > q->cfg.max_tracked && rebuild(q, q->nslots, 1) != 0)
        return -1;
    if ((q->nused + 1) * 2 <= q->nslots)
        return 0;
    return rebuild(q, q->nslots * 2, 0);
}

static uint64_t client_hash(const char *client_key)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (const char *p = client_key; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    return h;
}

/* Notes a scan of t by client at time at (track_lock held): the client's
 * last time moves on, or it joins the kept clients, in place of the least
 * recent one when they are clients_kept already. 1 when the scan must move
 * the pair's row in the database, 0 when the row is recent enough. */
static int client_seen(gi_scan_queue_t *q, tracked_t *t, uint64_t key, int64_t at)
{
    uint32_t oldest = 0;
    for (uint32_t i = 0; i < t->nclients; i++) {
        client_t *c = &t->clients[i];
        if (c->key == key) {
            if (at > c->last_at)
                c->last_at = at;
            if (at - c->row_at < q->row_step_s)
                return 0;
            c->row_at = at;
            return 1;
        }
        if (c->last_at < t->clients[oldest].last_at)
            oldest = i;
    }
    if (t->nclients == t->capclients && t->capclients < q->cfg.clients_kept) {
        size_t cap = t->capclients ? (size_t)t->capclients * 2 : 2;
        if (cap > q->cfg.clients_kept)
            cap = q->cfg.clients_kept;
        client_t *grown = realloc(t->clients, cap * sizeof *grown);
        if (grown) {
            t->clients = grown;
            t->capclients = (uint32_t)cap;
        }
    }
    if (t->nclients < t->capclients)
        t->clients[t->nclients++] = (client_t){key, at, at};
    else if (t->nclients > 0 && t->clients[oldest].last_at <= at)
        t->clients[oldest] = (client_t){key, at, at};
    return 1;
}

/* The kept clients of t whose last scan is inside the window ending at now. */
static int64_t clients_within(const gi_scan_queue_t *q, const tracked_t *t, int64_t now)
{
    int64_t n = 0;
    for (uint32_t i = 0; i < t->nclients; i++)
        n += t->clients[i].last_at > now - q->cfg.window_s;
    return n;
}

typedef gi_scan_loaded_t loaded_t;

/* Takes one client read from the database; the array grows as they come,
 * so a large threshold costs memory only for codes with that many clients. */
static int load_client(const char *client_key, int64_t last_at, void *arg)
{
    loaded_t *l = arg;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;
        client_t *grown = realloc(l->c, cap * sizeof *grown);
        if (!grown)
            return 1; /* fewer clients known: the count may come out low, never high */
        l->c = grown;
        l->cap = cap;
    }
    l->c[l->n++] = (client_t){client_hash(client_key), last_at, last_at};
    return 0;
}

/* Counts the scan in t (track_lock held) and fills out. */
static void count_in(gi_scan_queue_t *q, tracked_t *t, uint64_t client, int64_t now,
                     gi_scan_tally_t *out)
{
    out->scans = ++t->count;
    t->pending++;
    out->client_row = client_seen(q, t, client, now);
    out->clients = clients_within(q, t, now);
    out->first_at = t->first_at;
}

/* What a code's tally read from the database is to hold: the clients inside
 * the window, as many as are kept, loaded into into. */
static db_scan_tally_t tally_wanted(const gi_scan_queue_t *q, int64_t now, loaded_t *into)
{
    return (db_scan_tally_t){
        now - q->cfg.window_s, (int64_t)q->cfg.clients_kept, load_client, into, 0, 0};
}

/* True when a scan of t's code is to read its tally from the database: the
 * code is not held, or it is held past reload_s with no group commit in
 * flight (see the top of this file). */
static int read_wanted(const gi_scan_queue_t *q, const tracked_t *t, int64_t now)
{
    if (!t->used)
        return 1;
    int due = q->cfg.reload_s > 0 && (now - t->loaded_at >= q->cfg.reload_s || now < t->loaded_at);
    return due && q->commit_gen % 2 == 0;
}

/* Takes into t what the database holds of its code: tally and the clients
 * in got, this server's stored scans among them and its pending ones not
 * (see the top of this file). A count never goes back. */
static void reload(gi_scan_queue_t *q, tracked_t *t, const db_scan_tally_t *tally,
                   const loaded_t *got, int64_t now)
{
    if (tally->count + t->pending > t->count)
        t->count = tally->count + t->pending;
    if (tally->first_at && tally->first_at < t->first_at)
        t->first_at = tally->first_at;
    for (size_t i = 0; i < got->n; i++)
        client_seen(q, t, got->c[i].key, got->c[i].last_at);
    t->loaded_at = now;
}

db_scan_tally_t *gi_scan_ahead(gi_scan_queue_t *q, const char *code, int64_t now,
                               gi_scan_ahead_t *a)
{
    memset(a, 0, sizeof *a);
    pthread_mutex_lock(&q->track_lock);
    const tracked_t *t = slot_for(q->slots, q->nslots, code);
    int wanted = read_wanted(q, t, now);
    a->epoch = q->epoch;
    a->commit_gen = q->commit_gen;
    pthread_mutex_unlock(&q->track_lock);
    if (!wanted)
        return NULL;
    a->db = tally_wanted(q, now, &a->loaded);
    return &a->db;
}

void gi_scan_ahead_done(gi_scan_ahead_t *a)
{
    free(a->loaded.c);
    a->loaded.c = NULL;
}

/* A read of a code's tally, as planned with track_lock held. */
typedef struct {
    uint64_t epoch;      /* of the codes in memory */
    int held;            /* the code was in memory: the read is a reload */
    uint64_t commit_gen; /* the writer's then */
} plan_t;

/* The code's tally, read ahead when that read is still good for the plan (it
 * is then used up, and the plan takes the generation seen when it was made),
 * else read now into got. */
static int tally_of(gi_scan_queue_t *q, db_t *db, const char *code, int64_t now,
                    gi_scan_ahead_t *ahead, plan_t *plan, db_scan_tally_t *tally, loaded_t *got)
{
    if (ahead && ahead->read && ahead->epoch == plan->epoch) {
        *tally = ahead->db;
        free(got->c);
        *got = ahead->loaded;
        ahead->loaded.c = NULL;
        ahead->read = 0;
        plan->commit_gen = ahead->commit_gen;
        return 0;
    }
    got->n = 0;
    *tally = tally_wanted(q, now, got);
    return db_scan_tally(db, code, tally) == DB_OK ? 0 : -1;
}

/* Makes the entry of code from its tally read from the database, handing it
 * the loaded clients (track_lock held); NULL when out of memory. */
static tracked_t *track(gi_scan_queue_t *q, const char *code, const db_scan_tally_t *tally,
                        loaded_t *got, int64_t now)
{
    if (make_room(q) != 0)
        return NULL;
    tracked_t *t = slot_for(q->slots, q->nslots, code);
    memset(t, 0, sizeof *t);
    memcpy(t->code, code, GI_CODE_LEN);
    t->used = 1;
    t->count = tally->count;
    t->first_at = tally->first_at ? tally->first_at : now;
    t->loaded_at = now;
    if (got->n > 0) {
        t->clients = got->c;
        t->nclients = (uint32_t)got->n;
        t->capclients = (uint32_t)(got->cap < q->cfg.clients_kept ? got->cap : q->cfg.clients_kept);
        got->c = NULL;
    }
    q->nused++;
    return t;
}

int gi_scan_count_next(gi_scan_queue_t *q, db_t *db, const char *code, const char *client_key,
                       int64_t now, gi_scan_ahead_t *ahead, gi_scan_tally_t *out)
{
    uint64_t client = client_hash(client_key);
    loaded_t got = {NULL, 0, 0};
    int rc = 0;
    pthread_mutex_lock(&q->track_lock);
    for (;;) {
        tracked_t *t = slot_for(q->slots, q->nslots, code);
        if (!read_wanted(q, t, now)) {
            count_in(q, t, client, now, out);
            break;
        }
        plan_t plan = {q->epoch, t->used, q->commit_gen};
        pthread_mutex_unlock(&q->track_lock);
        db_scan_tally_t tally;
        int read = tally_of(q, db, code, now, ahead, &plan, &tally, &got) == 0;
        pthread_mutex_lock(&q->track_lock);
        if (q->epoch != plan.epoch) /* entries were dropped meanwhile: read again */
            continue;
        t = slot_for(q->slots, q->nslots, code);
        if (!t->used) {
            if (!read || !(t = track(q, code, &tally, &got, now))) {
                rc = -1;
                break;
            }
        } else if (!read) {
            t->loaded_at = now; /* a reload failed: the next try waits as long */
        } else if (plan.held && q->commit_gen == plan.commit_gen) {
            /* no group commit began since the plan, and read_wanted planned
             * none in flight: the read holds each stored scan of ours once */
            reload(q, t, &tally, &got, now);
        }
        count_in(q, t, client, now, out);
        break;
    }
    pthread_mutex_unlock(&q->track_lock);
    free(got.c);
    return rc;
}

/* After a commit: the batch's scans of each code are stored (or, when the
 * commit failed, lost), no longer pending. */
static void release_pending(gi_scan_queue_t *q, const event_buf_t *b, int stored)
{
    int merged = stored && q->merged_on_record;
    pthread_mutex_lock(&q->track_lock);
    q->commit_gen++; /* even again: the commit's scans are released */
    for (size_t i = 0; i < b->n; i++) {
        if (!b->ev[i].code[0])
            continue;
        tracked_t *t = slot_for(q->slots, q->nslots, b->ev[i].code);
        if (t->used && t->pending > 0) {
            t->pending--;
            if (!stored)
                t->count--; /* lost: no longer counted */
            else if (!merged)
                t->unmerged++;
            if (t->pending == 0 && t->unmerged == 0)
                t->settled_ms = monotonic_ms();
        }
    }
    pthread_mutex_unlock(&q->track_lock);
}

static int by_code(const void *a, const void *b)
{
    return strcmp(((const db_scan_total_t *)a)->code, ((const db_scan_total_t *)b)->code);
}

static int by_code_client(const void *a, const void *b)
{
    const seen_t *x = a, *y = b;
    int c = strcmp(x->code, y->code);
    return c ? c : strcmp(x->client_key, y->client_key);
}

/* The stored, unmerged scans' clients, one row per (code, client) in that
 * order, their strings pointing into q->seen; NULL when none or out of
 * memory. Writer thread only. */
static db_scan_client_t *seen_fold(gi_scan_queue_t *q, size_t *m)
{
    *m = 0;
    if (q->nseen == 0)
        return NULL;
    qsort(q->seen, q->nseen, sizeof *q->seen, by_code_client);
    db_scan_client_t *out = malloc(q->nseen * sizeof *out);
    if (!out)
        return NULL;
    for (size_t i = 0; i < q->nseen; i++) {
        const seen_t *e = &q->seen[i];
        db_scan_client_t *last = *m ? &out[*m - 1] : NULL;
        if (last && strcmp(last->code, e->code) == 0 &&
            strcmp(last->client_key, e->client_key) == 0) {
            if (e->at < last->first_at)
                last->first_at = e->at;
            if (e->at > last->last_at)
                last->last_at = e->at;
            continue;
        }
        out[(*m)++] = (db_scan_client_t){e->code, e->client_key, e->at, e->at};
    }
    return out;
}

/* After a commit: notes the stored scans' codes and clients for the next
 * merge; writer thread only. 0 on success. */
static int seen_add(gi_scan_queue_t *q, const event_buf_t *b)
{
    for (size_t i = 0; i < b->n; i++) {
        const gi_scan_event_t *e = &b->ev[i];
        if (!e->code[0] || !e->client_row)
            continue;
        if (q->nseen == q->capseen) {
            size_t cap = q->capseen ? q->capseen * 2 : 1024;
            seen_t *grown = realloc(q->seen, cap * sizeof *grown);
            if (!grown)
                return -1;
            q->seen = grown;
            q->capseen = cap;
        }
        seen_t *s = &q->seen[q->nseen++];
        memcpy(s->code, e->code, sizeof s->code);
        memcpy(s->client_key, e->client_key, sizeof s->client_key);
        s->at = e->at;
    }
    return 0;
}

/* Adds the stored, unmerged scans of every tracked code to the totals in
 * the database, in code order, and their clients to the codes' clients;
 * writer thread only. 0 on success. */
static int merge_totals(gi_scan_queue_t *q)
{
    pthread_mutex_lock(&q->track_lock);
    size_t n = 0;
    for (size_t i = 0; i < q->nslots; i++)
        n += q->slots[i].used && q->slots[i].unmerged > 0;
    db_scan_total_t *totals = n ? malloc(n * sizeof *totals) : NULL;
    char(*codes)[GI_CODE_LEN + 1] = n ? malloc(n * sizeof *codes) : NULL;
    if (n && (!totals || !codes)) {
        pthread_mutex_unlock(&q->track_lock);
        free(totals);
        free(codes);
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < q->nslots && k < n; i++) {
        const tracked_t *t = &q->slots[i];
        if (!t->used || t->unmerged == 0)
            continue;
        memcpy(codes[k], t->code, GI_CODE_LEN);
        codes[k][GI_CODE_LEN] = '\0';
        totals[k] = (db_scan_total_t){codes[k], t->unmerged, t->first_at};
        k++;
    }
    pthread_mutex_unlock(&q->track_lock);

    if (n) /* totals is NULL when no code has unmerged scans (qsort wants an array) */
        qsort(totals, n, sizeof *totals, by_code);
    size_t m = 0;
    db_scan_client_t *clients = seen_fold(q, &m);
    int ok = (clients || q->nseen == 0) &&
             db_scan_totals_merge(q->db, totals, n, clients, m, q->last_id) == DB_OK;
    free(clients);
    if (ok)
        q->nseen = 0;
    if (ok) {
        int64_t now_ms = monotonic_ms();
        pthread_mutex_lock(&q->track_lock);
        for (size_t i = 0; i < n; i++) {
            tracked_t *t = slot_for(q->slots, q->nslots, totals[i].code);
            if (!t->used)
                continue;
            t->unmerged -= (int32_t)totals[i].count; /* taken from t->unmerged above */
            if (t->unmerged == 0 && t->pending == 0)
                t->settled_ms = now_ms;
        }
        pthread_mutex_unlock(&q->track_lock);
    } else {
        fprintf(stderr, "gimark: scan totals not merged (will retry): %s\n", db_errmsg(q->db));
    }
    free(totals);
    free(codes);
    return ok ? 0 : -1;
}

/* --- the queue and its writer ----------------------------------------------------- */

static int buf_reserve(event_buf_t *b, size_t want)
{
    if (want <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap * 2 : 1024;
    while (cap < want)
        cap *= 2;
    gi_scan_event_t *ev = realloc(b->ev, cap * sizeof *ev);
    if (!ev)
        return -1;
    b->ev = ev;
    b->cap = cap;
    return 0;
}

void gi_scan_push(gi_scan_queue_t *q, const gi_scan_event_t *ev)
{
    pthread_mutex_lock(&q->lock);
    while (q->incoming.n >= q->cfg.max_queue && !q->stopping)
        pthread_cond_wait(&q->progress, &q->lock);
    if (buf_reserve(&q->incoming, q->incoming.n + 1) == 0) {
        q->incoming.ev[q->incoming.n++] = *ev;
        q->pushed++;
    } else {
        q->failed++;
    }
    if (q->incoming.n == 1)
        pthread_cond_signal(&q->wake);
    pthread_mutex_unlock(&q->lock);
}

static int commit_batch(gi_scan_queue_t *q, const event_buf_t *b)
{
    db_scan_t *rows = malloc(b->n * sizeof *rows);
    if (!rows)
        return -1;
    for (size_t i = 0; i < b->n; i++) {
        const gi_scan_event_t *e = &b->ev[i];
        rows[i] = (db_scan_t){e->at,
                              e->code[0] ? e->code : NULL,
                              e->code[0] ? NULL : e->raw,
                              e->verdict,
                              e->client_key,
                              e->ua_class,
                              !e->client_row};
    }
    int rc = db_scans_record(q->db, rows, b->n, &q->last_id) == DB_OK ? 0 : -1;
    free(rows);
    return rc;
}

/* A group commit that fails (a database server restarting, a connection
 * lost, which the engine resets on the next try) is tried again, waiting
 * twice as long each time, 3.1 s in all, before its scans are given up. A
 * connection lost in the middle of its COMMIT leaves no way to know whether
 * it was stored: trying again may then store those scans twice, which the
 * counts show, where giving up would lose them silently. */
#define COMMIT_TRIES 6

static int commit_retrying(gi_scan_queue_t *q, const event_buf_t *b)
{
    long wait_ms = 100;
    for (int i = 1;; i++, wait_ms *= 2) {
        if (commit_batch(q, b) == 0)
            return 0;
        if (i == COMMIT_TRIES)
            return -1;
        fprintf(stderr, "gimark: %zu scans not stored yet, trying again in %ld ms: %s\n", b->n,
                wait_ms, db_errmsg(q->db));
        struct timespec pause = {wait_ms / 1000, (wait_ms % 1000) * 1000000L};
        nanosleep(&pause, NULL);
    }
}

static void deadline_in(struct timespec *ts, int ms)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_nsec += (long)ms * 1000000L;
    ts->tv_sec += ts->tv_nsec / 1000000000L;
    ts->tv_nsec %= 1000000000L;
}

/* Waits (lock held) until there is work: events, a stop, a sync asking for
 * a merge, or the merge interval passing while something is unmerged. */
static void wait_for_work(gi_scan_queue_t *q, int unmerged, int64_t last_merge_ms)
{
    while (q->incoming.n == 0 && !q->stopping && !q->merge_wanted) {
        if (!unmerged) {
            pthread_cond_wait(&q->wake, &q->lock);
            continue;
        }
        int64_t left = last_merge_ms + q->cfg.merge_ms - monotonic_ms();
        if (left <= 0)
            return;
        struct timespec until;
        deadline_in(&until, (int)left);
        pthread_cond_timedwait(&q->wake, &q->lock, &until);
    }
}

/* Stores the queued events (lock held on entry and exit); 1 when stored. */
static int store_queued(gi_scan_queue_t *q, event_buf_t *mine)
{
    /* let a group gather, unless stopping or the queue is already large */
    struct timespec until;
    deadline_in(&until, q->cfg.flush_ms);
    while (!q->stopping && q->incoming.n < q->cfg.max_queue / 2 &&
           pthread_cond_timedwait(&q->wake, &q->lock, &until) == 0)
        ;
    event_buf_t tmp = q->incoming;
    q->incoming = *mine;
    q->incoming.n = 0;
    *mine = tmp;
    uint64_t last_seq = q->pushed;
    pthread_cond_broadcast(&q->progress);
    pthread_mutex_unlock(&q->lock);

    pthread_mutex_lock(&q->track_lock);
    q->commit_gen++; /* odd: a commit in flight, until release_pending */
    pthread_mutex_unlock(&q->track_lock);
    int ok = commit_retrying(q, mine) == 0;
    if (ok && !q->merged_on_record &&
        seen_add(q, mine) != 0) /* the scans are stored; their clients go unnoted */
        fprintf(stderr, "gimark: out of memory noting scan clients\n");
    release_pending(q, mine, ok);

    pthread_mutex_lock(&q->lock);
    if (ok) {
        q->committed += (int64_t)mine->n;
        q->commits++;
    } else {
        q->failed += (int64_t)mine->n;
        fprintf(stderr, "gimark: %zu scans lost: %s\n", mine->n, db_errmsg(q->db));
    }
    q->committed_seq = last_seq;
    pthread_cond_broadcast(&q->progress);
    return ok;
}

static void *writer_main(void *arg)
{
    gi_scan_queue_t *q = arg;
    event_buf_t mine = {0};
    int unmerged = 0;
    int64_t last_merge_ms = monotonic_ms();
    pthread_mutex_lock(&q->lock);
    for (;;) {
        wait_for_work(q, unmerged, last_merge_ms);
        if (q->incoming.n > 0 && store_queued(q, &mine) && !q->merged_on_record)
            unmerged = 1;
        int draining = q->stopping && q->incoming.n == 0;
        int64_t now_ms = monotonic_ms();
        if (unmerged &&
            (draining || q->merge_wanted || now_ms - last_merge_ms >= q->cfg.merge_ms)) {
            uint64_t seq = q->committed_seq;
            pthread_mutex_unlock(&q->lock);
            int ok = merge_totals(q) == 0;
            pthread_mutex_lock(&q->lock);
            last_merge_ms = now_ms;
            if (ok) {
                unmerged = 0;
                q->merges++;
                q->merged_seq = seq;
            }
        } else if (!unmerged) {
            q->merged_seq = q->committed_seq;
        }
        if (q->merge_wanted && q->incoming.n == 0) {
            q->merge_wanted = 0;
            pthread_cond_broadcast(&q->progress);
        }
        if (draining) /* what a failed merge leaves, the next start catches up */
            break;
    }
    pthread_mutex_unlock(&q->lock);
    free(mine.ev);
    return NULL;
}

gi_scan_queue_t *gi_scan_queue_start(const char *db_path, const gi_scan_config_t *cfg,
                                     gi_error_t *err)
{
    char dberr[256];
    gi_scan_queue_t *q = calloc(1, sizeof *q);
    if (!q) {
        gi_fail(err, GI_ENOMEM, "out of memory");
        return NULL;
    }
    q->cfg = cfg ? *cfg : (gi_scan_config_t){0};
    if (q->cfg.flush_ms <= 0)
        q->cfg.flush_ms = 5;
    if (q->cfg.max_queue == 0)
        q->cfg.max_queue = 100000;
    if (q->cfg.max_tracked == 0)
        q->cfg.max_tracked = 100000;
    if (q->cfg.merge_ms <= 0)
        q->cfg.merge_ms = 1000;
    if (q->cfg.window_s <= 0)
        q->cfg.window_s = GI_REPEAT_WINDOW_DEFAULT;
    if (q->cfg.clients_kept == 0)
        q->cfg.clients_kept = 11;
    if (q->cfg.reload_s == 0)
        q->cfg.reload_s = GI_SCAN_RELOAD_DEFAULT;
    q->row_step_s =
        q->cfg.window_s / 16 < CLIENT_ROW_STEP_S ? q->cfg.window_s / 16 : CLIENT_ROW_STEP_S;
    if (q->cfg.evict_delay_ms == 0)
        q->cfg.evict_delay_ms = 2000;
    else if (q->cfg.evict_delay_ms < 0)
        q->cfg.evict_delay_ms = 0;
    q->nslots = 4096;
    q->slots = calloc(q->nslots, sizeof *q->slots);
    q->db = db_open(db_path, dberr, sizeof dberr);
    int db_ok =
        q->db && db_relax_durability(q->db) == DB_OK && db_scan_totals_catch_up(q->db) == DB_OK;
    if (!q->slots || !db_ok) {
        gi_fail(err, GI_EIO, "scan writer: %s",
                !q->db      ? dberr
                : !q->slots ? "out of memory"
                            : db_errmsg(q->db));
        goto fail;
    }
    q->merged_on_record = db_scans_merged_on_record(q->db);
    if (!q->merged_on_record) /* one server writes the totals: nothing to take in */
        q->cfg.reload_s = -1;
    pthread_mutex_init(&q->lock, NULL);
    pthread_mutex_init(&q->track_lock, NULL);
    pthread_cond_init(&q->wake, NULL);
    pthread_cond_init(&q->progress, NULL);
    if (pthread_create(&q->writer, NULL, writer_main, q) != 0) {
        gi_fail(err, GI_EIO, "cannot start the scan writer thread");
        goto fail;
    }
    return q;
fail:
    db_close(q->db);
    free(q->slots);
    free(q);
    return NULL;
}

void gi_scan_queue_stop(gi_scan_queue_t *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->lock);
    q->stopping = 1;
    pthread_cond_broadcast(&q->wake);
    pthread_cond_broadcast(&q->progress);
    pthread_mutex_unlock(&q->lock);
    pthread_join(q->writer, NULL);
    db_close(q->db);
    pthread_mutex_destroy(&q->lock);
    pthread_mutex_destroy(&q->track_lock);
    pthread_cond_destroy(&q->wake);
    pthread_cond_destroy(&q->progress);
    free(q->incoming.ev);
    for (size_t i = 0; i < q->nslots; i++)
        free(q->slots[i].clients);
    free(q->slots);
    free(q->seen);
    free(q);
}

void gi_scan_sync(gi_scan_queue_t *q)
{
    pthread_mutex_lock(&q->lock);
    uint64_t want = q->pushed;
    while (q->merged_seq < want && !q->stopping) {
        q->merge_wanted = 1;
        pthread_cond_signal(&q->wake);
        pthread_cond_wait(&q->progress, &q->lock);
    }
    pthread_mutex_unlock(&q->lock);
}

void gi_scan_stats(gi_scan_queue_t *q, gi_scan_stats_t *out)
{
    pthread_mutex_lock(&q->lock);
    out->queued = q->incoming.n;
    out->committed = q->committed;
    out->commits = q->commits;
    out->failed = q->failed;
    out->merges = q->merges;
    pthread_mutex_unlock(&q->lock);
    pthread_mutex_lock(&q->track_lock);
    out->tracked = q->nused;
    pthread_mutex_unlock(&q->track_lock);
}

/* --- who scanned, coarsely --------------------------------------------------------- */

gi_err_t gi_client_secret(const gi_ctx_t *ctx, unsigned char key[32], gi_error_t *err)
{
    unsigned char fresh[32];
    randombytes_buf(fresh, sizeof fresh);
    gi_err_t rc = gi_change_begin(ctx, err);
    if (rc == GI_OK)
        rc = gi_db_fail(ctx->db, db_secret_get_or_add(ctx->db, "client-key", fresh, key, 32), err);
    sodium_memzero(fresh, sizeof fresh);
    return gi_change_end(ctx, rc, err);
}

void gi_client_key(const unsigned char key[32], const char *address,
                   char out[GI_CLIENT_KEY_LEN + 1])
{
    unsigned char h[GI_CLIENT_KEY_LEN / 2];
    crypto_generichash(h, sizeof h, (const unsigned char *)address, strlen(address), key, 32);
    sodium_bin2hex(out, GI_CLIENT_KEY_LEN + 1, h, sizeof h);
}

static int contains(const char *hay, const char *needle)
{
    return strstr(hay, needle) != NULL;
}

const char *gi_ua_class(const char *ua)
{
    if (!ua || !*ua)
        return "other";
    if (contains(ua, "MicroMessenger"))
        return "wechat";
    if (contains(ua, "AlipayClient"))
        return "alipay";
    if (contains(ua, "bot") || contains(ua, "Bot") || contains(ua, "spider") ||
        contains(ua, "curl") || contains(ua, "wrk") || contains(ua, "python"))
        return "bot";
    if (contains(ua, "iPhone") || contains(ua, "iPad"))
        return "ios";
    if (contains(ua, "Android"))
        return "android";
    if (contains(ua, "Windows") || contains(ua, "Macintosh") || contains(ua, "X11"))
        return "desktop";
    return "other";
}
