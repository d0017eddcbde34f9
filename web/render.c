/*
 * render.c - render threads, their queue and the bounded buffer each job
 * streams through.
 *
 * One mutex guards the pool and every job; nothing slow runs under it (the
 * copies into and out of a buffer at most). A reader that finds the buffer
 * empty is suspended under the mutex and woken outside it by whichever
 * thread cleared its `waiting` mark, so a wake never meets a reader that is
 * not suspended, and no lock of libmicrohttpd is taken while the mutex is
 * held by a render thread.
 */
#include "web/render.h"
#include "gi/epcis.h"
#include "gi/act.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#define ACTOR_MAX 128

struct web_render_job {
    web_render_t *r;
    int refs;                      /* the queue or its thread, and the reader */
    web_render_job_t *next, *prev; /* in r->live */
    int queued;                    /* waiting for a thread */
    char actor[ACTOR_MAX];
    db_account_t account;
    int64_t batch_id;
    int epcis; /* the batch's EPCIS document (gi/epcis.h), not a print file */
    gi_export_t ex;
    char *base_url, *reason, *mark_path;
    label_sink_t sink;
    pthread_cond_t room; /* the buffer has room, or the job is cancelled */
    unsigned char *buf;  /* WEB_RENDER_BUFFER bytes, a ring */
    size_t head, len;
    int done, failed, cancelled;
    int waiting; /* the reader is suspended until wake(conn) */
    void (*wake)(void *);
    void *conn;
};

struct web_render {
    web_render_config_t cfg;
    char *db_path;
    pthread_mutex_t lock;
    pthread_cond_t work;
    web_render_job_t *live; /* queued and running jobs */
    unsigned queued;        /* jobs waiting for a thread */
    int stopping;
    pthread_t *threads;
    unsigned started;
};

void web_render_defaults(web_render_config_t *cfg)
{
    if (!cfg->threads)
        cfg->threads = 1;
    if (!cfg->file_threads)
        cfg->file_threads = 1;
    if (!cfg->queue)
        cfg->queue = 8;
    if (!cfg->max_labels)
        cfg->max_labels = 100000;
    if (cfg->max_pixels <= 0)
        cfg->max_pixels = 2e9;
}

/* --- jobs ---------------------------------------------------------------------------------- */

static void job_free(web_render_job_t *job)
{
    pthread_cond_destroy(&job->room);
    free(job->buf);
    free(job->base_url);
    free(job->reason);
    free(job->mark_path);
    free(job);
}

/* Drops a reference (under r->lock); 1 when the job is to be freed. */
static int job_unref(web_render_job_t *job)
{
    web_render_t *r = job->r;
    if (--job->refs > 0)
        return 0;
    if (job->prev)
        job->prev->next = job->next;
    else if (r->live == job)
        r->live = job->next;
    if (job->next)
        job->next->prev = job->prev;
    return 1;
}

/* Marks the job cancelled (under r->lock); returns the reader to wake, if
 * it was waiting. */
static void *job_cancel(web_render_job_t *job)
{
    job->cancelled = 1;
    pthread_cond_broadcast(&job->room);
    if (!job->waiting)
        return NULL;
    job->waiting = 0;
    return job->conn;
}

/* The sink the job draws into: blocks while the buffer is full. */
static int job_write(void *arg, const unsigned char *data, size_t len)
{
    web_render_job_t *job = arg;
    web_render_t *r = job->r;
    while (len > 0) {
        void *wake = NULL;
        pthread_mutex_lock(&r->lock);
        while (job->len == WEB_RENDER_BUFFER && !job->cancelled)
            pthread_cond_wait(&job->room, &r->lock);
        if (job->cancelled) {
            pthread_mutex_unlock(&r->lock);
            return -1;
        }
        size_t tail = (job->head + job->len) % WEB_RENDER_BUFFER;
        size_t room = WEB_RENDER_BUFFER - job->len;
        size_t run = WEB_RENDER_BUFFER - tail; /* to the ring's end */
        size_t n = len < room ? len : room;
        if (n > run) {
            memcpy(job->buf + tail, data, run);
            memcpy(job->buf, data + run, n - run);
        } else {
            memcpy(job->buf + tail, data, n);
        }
        job->len += n;
        data += n;
        len -= n;
        if (job->waiting) {
            job->waiting = 0;
            wake = job->conn;
        }
        void (*wake_fn)(void *) = job->wake;
        pthread_mutex_unlock(&r->lock);
        if (wake)
            wake_fn(wake);
    }
    return 0;
}

static int job_cancelled(void *arg)
{
    web_render_job_t *job = arg;
    pthread_mutex_lock(&job->r->lock);
    int c = job->cancelled;
    pthread_mutex_unlock(&job->r->lock);
    return c;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static web_render_submit_t web_render_submit_kind(web_render_t *r, const char *actor,
                                                  const db_account_t *a, int64_t batch_id,
                                                  const gi_export_t *ex, int epcis,
                                                  web_render_job_t **out);

web_render_submit_t web_render_submit(web_render_t *r, const char *actor, const db_account_t *a,
                                      int64_t batch_id, const gi_export_t *ex,
                                      web_render_job_t **out)
{
    return web_render_submit_kind(r, actor, a, batch_id, ex, 0, out);
}

static web_render_submit_t web_render_submit_kind(web_render_t *r, const char *actor,
                                                  const db_account_t *a, int64_t batch_id,
                                                  const gi_export_t *ex, int epcis,
                                                  web_render_job_t **out)
{
    web_render_job_t *job = calloc(1, sizeof *job);
    if (!job)
        return WEB_RENDER_NOMEM;
    job->r = r;
    job->buf = malloc(WEB_RENDER_BUFFER);
    job->base_url = dup_or_null(ex->base_url);
    job->reason = dup_or_null(ex->reason);
    job->mark_path = dup_or_null(ex->mark_path);
    pthread_cond_init(&job->room, NULL);
    if (!job->buf || (ex->base_url && !job->base_url) || (ex->reason && !job->reason) ||
        (ex->mark_path && !job->mark_path)) {
        job_free(job);
        return WEB_RENDER_NOMEM;
    }
    snprintf(job->actor, sizeof job->actor, "%s", actor ? actor : "web");
    job->account = *a;
    job->batch_id = batch_id;
    job->epcis = epcis;
    job->ex = *ex;
    job->ex.base_url = job->base_url;
    job->ex.reason = job->reason;
    job->ex.mark_path = job->mark_path;
    job->ex.path = NULL;
    job->ex.layout.threads = (int)r->cfg.file_threads;
    job->ex.progress = NULL;
    job->sink = (label_sink_t){job_write, job_cancelled, job};
    job->ex.sink = &job->sink;
    pthread_mutex_lock(&r->lock);
    web_render_submit_t rc = WEB_RENDER_QUEUED;
    for (web_render_job_t *j = r->live; j; j = j->next)
        if (j->account.id == a->id && !j->cancelled && !j->done)
            rc = WEB_RENDER_ACCOUNT_BUSY;
    if (rc == WEB_RENDER_QUEUED && (r->queued >= r->cfg.queue || r->stopping))
        rc = WEB_RENDER_FULL;
    if (rc == WEB_RENDER_QUEUED) {
        job->refs = 2;
        job->queued = 1;
        job->next = r->live;
        if (r->live)
            r->live->prev = job;
        r->live = job;
        r->queued++;
        pthread_cond_signal(&r->work);
    }
    pthread_mutex_unlock(&r->lock);
    if (rc != WEB_RENDER_QUEUED)
        job_free(job);
    else
        *out = job;
    return rc;
}

web_render_submit_t web_render_submit_epcis(web_render_t *r, const char *actor,
                                            const db_account_t *a, int64_t batch_id,
                                            const char *root, web_render_job_t **job)
{
    gi_export_t ex = {.base_url = root};
    web_render_submit_t rc = web_render_submit_kind(r, actor, a, batch_id, &ex, 1, job);
    return rc;
}

ssize_t web_render_read(web_render_job_t *job, char *buf, size_t max, void (*suspend)(void *),
                        void (*wake)(void *), void *conn)
{
    web_render_t *r = job->r;
    ssize_t got;
    pthread_mutex_lock(&r->lock);
    if (job->len > 0) {
        size_t n = max < job->len ? max : job->len;
        size_t run = WEB_RENDER_BUFFER - job->head;
        if (n > run) {
            memcpy(buf, job->buf + job->head, run);
            memcpy(buf + run, job->buf, n - run);
        } else {
            memcpy(buf, job->buf + job->head, n);
        }
        job->head = (job->head + n) % WEB_RENDER_BUFFER;
        job->len -= n;
        pthread_cond_broadcast(&job->room);
        got = (ssize_t)n;
    } else if (job->cancelled || (job->done && job->failed)) {
        got = -2;
    } else if (job->done) {
        got = -1;
    } else {
        job->waiting = 1;
        job->wake = wake;
        job->conn = conn;
        suspend(conn);
        got = 0;
    }
    pthread_mutex_unlock(&r->lock);
    return got;
}

void web_render_release(web_render_job_t *job)
{
    web_render_t *r = job->r;
    pthread_mutex_lock(&r->lock);
    job->waiting = 0; /* the reader is gone: nobody to wake */
    job_cancel(job);
    int gone = job_unref(job);
    pthread_mutex_unlock(&r->lock);
    if (gone)
        job_free(job);
}

/* --- the threads ------------------------------------------------------------------------------ */

static void run_job(web_render_job_t *job, db_t **db, const char *db_path)
{
    gi_error_t err;
    gi_err_t rc = GI_EIO;
    if (!*db) {
        char msg[256];
        if (!(*db = db_open(db_path, msg, sizeof msg)))
            fprintf(stderr, "gimark serve: render: %s\n", msg);
    }
    if (*db && !job_cancelled(job)) {
        gi_ctx_t ctx = {*db, job->actor, (int64_t)time(NULL), NULL};
        if (job->epcis)
            rc = gi_epcis_batch_document(&ctx, &job->account, job->batch_id, job->base_url,
                                         &job->sink, NULL, &err);
        else
            rc = gi_act_batch_export(&ctx, &job->account, job->batch_id, &job->ex, NULL, &err);
        if (rc != GI_OK && strcmp(err.msg, "stopped") != 0)
            fprintf(stderr, "gimark serve: render of batch %lld: %s\n", (long long)job->batch_id,
                    err.msg);
    }
    web_render_t *r = job->r;
    pthread_mutex_lock(&r->lock);
    job->done = 1;
    job->failed = rc != GI_OK;
    void *wake = NULL;
    if (job->waiting) {
        job->waiting = 0;
        wake = job->conn;
    }
    void (*wake_fn)(void *) = job->wake;
    int gone = job_unref(job);
    pthread_mutex_unlock(&r->lock);
    if (wake)
        wake_fn(wake);
    if (gone)
        job_free(job);
#ifdef __GLIBC__
    malloc_trim(0); /* what the job freed goes back to the system (server.c: malloc_settings) */
#endif
}

static void *render_thread(void *arg)
{
    web_render_t *r = arg;
    db_t *db = NULL;
    for (;;) {
        web_render_job_t *job = NULL;
        pthread_mutex_lock(&r->lock);
        for (;;) {
            /* the oldest queued job: the list's last */
            for (web_render_job_t *j = r->live; j; j = j->next)
                if (j->queued)
                    job = j;
            if (job || r->stopping)
                break;
            pthread_cond_wait(&r->work, &r->lock);
        }
        if (job) {
            job->queued = 0;
            r->queued--;
        }
        pthread_mutex_unlock(&r->lock);
        if (!job)
            break;
        run_job(job, &db, r->db_path);
    }
    db_close(db);
    return NULL;
}

web_render_t *web_render_start(const char *db_path, const web_render_config_t *cfg, gi_error_t *err)
{
    web_render_t *r = calloc(1, sizeof *r);
    if (!r) {
        gi_fail(err, GI_ENOMEM, "out of memory");
        return NULL;
    }
    r->cfg = *cfg;
    web_render_defaults(&r->cfg);
    r->db_path = strdup(db_path);
    r->threads = calloc(r->cfg.threads, sizeof *r->threads);
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->work, NULL);
    if (!r->db_path || !r->threads) {
        gi_fail(err, GI_ENOMEM, "out of memory");
        web_render_stop(r);
        return NULL;
    }
    for (; r->started < r->cfg.threads; r->started++)
        if (pthread_create(&r->threads[r->started], NULL, render_thread, r) != 0) {
            gi_fail(err, GI_EIO, "cannot start a render thread");
            web_render_stop(r);
            return NULL;
        }
    return r;
}

const web_render_config_t *web_render_settings(const web_render_t *r)
{
    return &r->cfg;
}

void web_render_cancel_all(web_render_t *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->lock);
    r->stopping = 1; /* no new job */
    pthread_mutex_unlock(&r->lock);
    for (;;) {
        /* one reader to wake at a time, outside the lock */
        void *conn = NULL;
        void (*wake_fn)(void *) = NULL;
        pthread_mutex_lock(&r->lock);
        for (web_render_job_t *j = r->live; j && !conn; j = j->next) {
            wake_fn = j->wake;
            conn = job_cancel(j);
        }
        pthread_mutex_unlock(&r->lock);
        if (!conn)
            return;
        wake_fn(conn);
    }
}

void web_render_stop(web_render_t *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->lock);
    r->stopping = 1;
    pthread_cond_broadcast(&r->work);
    pthread_mutex_unlock(&r->lock);
    web_render_cancel_all(r);
    for (unsigned i = 0; i < r->started; i++)
        pthread_join(r->threads[i], NULL);
    /* jobs still queued hold only the queue's reference */
    while (r->live) {
        web_render_job_t *job = r->live;
        r->live = job->next;
        job_free(job);
    }
    pthread_cond_destroy(&r->work);
    pthread_mutex_destroy(&r->lock);
    free(r->threads);
    free(r->db_path);
    free(r);
}
