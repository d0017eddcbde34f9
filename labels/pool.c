/*
 * pool.c - jobs done on several threads, their outputs taken in order.
 *
 * A print file is a sequence of parts (a ZIP member, a PNG sheet) that can
 * be drawn and compressed independently but must be written in order.
 * Workers claim jobs in ascending order, at most `window` jobs ahead of the
 * job being taken; the caller takes the outputs in order and, while the job
 * it waits for is not done, claims the next job not claimed within the
 * window and does it itself (it used to wait whenever a worker had claimed
 * the job, so that with two cores one did nearly all the work). So a pool
 * of one thread is the caller alone, and memory is bounded by the window
 * whatever the number of jobs.
 */
#include "labels/pool.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_THREADS 64

typedef enum { JOB_TODO = 0, JOB_BUSY, JOB_DONE } job_state_t;

typedef struct {
    job_state_t state;
    label_err_t rc;
    char err[256];
    label_membuf_t out;
} slot_t;

struct label_pool {
    size_t jobs, window;
    label_pool_fn fn;
    label_pool_free_fn free_scratch;
    void *ctx;
    void *own_scratch; /* the caller's */
    size_t next_claim; /* first job nobody has taken */
    size_t taking;     /* the job the caller takes next */
    int stop;
    slot_t *ring;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    pthread_t workers[MAX_THREADS];
    size_t nworkers;
};

int label_pool_threads(int wanted)
{
    if (wanted > 0)
        return wanted > MAX_THREADS ? MAX_THREADS : wanted;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores < 1 ? 1 : cores > MAX_THREADS ? MAX_THREADS : (int)cores;
}

static slot_t *slot(label_pool_t *p, size_t k)
{
    return &p->ring[k % p->window];
}

static void run_job(label_pool_t *p, size_t k, void **scratch)
{
    slot_t *s = slot(p, k);
    s->out.len = 0;
    s->err[0] = '\0';
    s->rc = p->fn(p->ctx, scratch, k, &s->out, s->err, sizeof s->err);
}

/* Whether a job is left that may be claimed: not past the window. Lock held. */
static int claimable(const label_pool_t *p)
{
    return p->next_claim < p->jobs && p->next_claim < p->taking + p->window;
}

/* Claims the next job and does it with scratch, the lock released meanwhile;
 * lock held on entry and exit, claimable(p) on entry. */
static void claim_and_run(label_pool_t *p, void **scratch)
{
    size_t k = p->next_claim++;
    slot(p, k)->state = JOB_BUSY;
    pthread_mutex_unlock(&p->lock);
    run_job(p, k, scratch);
    pthread_mutex_lock(&p->lock);
    slot(p, k)->state = JOB_DONE;
    pthread_cond_broadcast(&p->changed);
}

static void *worker(void *arg)
{
    label_pool_t *p = arg;
    void *scratch = NULL;
    pthread_mutex_lock(&p->lock);
    while (!p->stop && p->next_claim < p->jobs) {
        if (claimable(p))
            claim_and_run(p, &scratch);
        else
            pthread_cond_wait(&p->changed, &p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    if (scratch && p->free_scratch)
        p->free_scratch(scratch);
    return NULL;
}

label_err_t label_pool_start(label_pool_t **out, size_t jobs, int threads, size_t window,
                             label_pool_fn fn, label_pool_free_fn free_scratch, void *ctx,
                             char *errbuf, size_t errlen)
{
    label_pool_t *p = calloc(1, sizeof *p);
    size_t nthreads = (size_t)label_pool_threads(threads);
    if (window < nthreads)
        window = nthreads;
    if (p)
        p->ring = calloc(window, sizeof *p->ring);
    if (!p || !p->ring) {
        free(p);
        snprintf(errbuf, errlen, "out of memory");
        return LABEL_ENOMEM;
    }
    p->jobs = jobs;
    p->window = window;
    p->fn = fn;
    p->free_scratch = free_scratch;
    p->ctx = ctx;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->changed, NULL);
    size_t want = nthreads - 1; /* the caller works too */
    if (want > jobs)
        want = jobs;
    /* a worker that cannot start is no error: the caller does its share */
    while (p->nworkers < want && pthread_create(&p->workers[p->nworkers], NULL, worker, p) == 0)
        p->nworkers++;
    *out = p;
    return LABEL_OK;
}

label_err_t label_pool_next(label_pool_t *p, const label_membuf_t **out, char *errbuf,
                            size_t errlen)
{
    pthread_mutex_lock(&p->lock);
    size_t k = p->taking;
    slot_t *s = slot(p, k);
    while (s->state != JOB_DONE) {
        /* the job waited for, or while a worker does it the next one not
         * taken within the window: the caller works rather than waits */
        if (claimable(p))
            claim_and_run(p, &p->own_scratch);
        else
            pthread_cond_wait(&p->changed, &p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    if (s->rc != LABEL_OK) {
        snprintf(errbuf, errlen, "%s", s->err);
        return s->rc;
    }
    *out = &s->out;
    return LABEL_OK;
}

void label_pool_done(label_pool_t *p)
{
    pthread_mutex_lock(&p->lock);
    slot(p, p->taking)->state = JOB_TODO;
    p->taking++;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
}

void label_pool_stop(label_pool_t *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    for (size_t i = 0; i < p->nworkers; i++)
        pthread_join(p->workers[i], NULL);
    if (p->own_scratch && p->free_scratch)
        p->free_scratch(p->own_scratch);
    for (size_t k = 0; k < p->window; k++)
        free(p->ring[k].out.data);
    free(p->ring);
    pthread_cond_destroy(&p->changed);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
