/*
 * test_pool.c - the ordered worker pool (labels/pool.c): outputs come in job
 * order whatever thread did them and however long each took, a failing job
 * stops the taking with its message, and a pool of one thread is the
 * caller alone.
 */
#include "labels/pool.h"
#include "test.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    pthread_mutex_t lock;
    pthread_t threads[8];
    int nthreads;
    size_t fail_at; /* the job that fails; (size_t)-1: none */
} ctx_t;

/* Job k writes its number; jobs of odd numbers take longer, so that later
 * jobs finish first on another thread. */
static label_err_t job(void *arg, void **scratch, size_t k, label_membuf_t *out, char *errbuf,
                       size_t errlen)
{
    ctx_t *c = arg;
    int *mine = *scratch;
    if (!mine) {
        mine = calloc(1, sizeof *mine);
        *scratch = mine;
    }
    (*mine)++;
    pthread_mutex_lock(&c->lock);
    int seen = 0;
    for (int i = 0; i < c->nthreads; i++)
        seen |= pthread_equal(c->threads[i], pthread_self());
    if (!seen && c->nthreads < 8)
        c->threads[c->nthreads++] = pthread_self();
    pthread_mutex_unlock(&c->lock);
    if (k == c->fail_at) {
        snprintf(errbuf, errlen, "job %zu failed", k);
        return LABEL_EINVAL;
    }
    if (k % 2) {
        struct timespec ts = {0, 200000};
        nanosleep(&ts, NULL);
    }
    char text[32];
    int n = snprintf(text, sizeof text, "job %zu", k);
    label_membuf_append(out, (const unsigned char *)text, (unsigned)n);
    return LABEL_OK;
}

static void run(int threads, size_t jobs, size_t fail_at, size_t *taken, int *nthreads, char *err)
{
    ctx_t c = {.fail_at = fail_at};
    pthread_mutex_init(&c.lock, NULL);
    label_pool_t *p;
    *taken = 0;
    CHECK(label_pool_start(&p, jobs, threads, 4, job, free, &c, err, 256) == LABEL_OK);
    for (size_t k = 0; k < jobs; k++) {
        const label_membuf_t *b;
        if (label_pool_next(p, &b, err, 256) != LABEL_OK)
            break;
        char want[32];
        snprintf(want, sizeof want, "job %zu", k);
        CHECK(b->len == strlen(want) && memcmp(b->data, want, b->len) == 0);
        label_pool_done(p);
        (*taken)++;
    }
    label_pool_stop(p);
    *nthreads = c.nthreads;
    pthread_mutex_destroy(&c.lock);
}

static void test_order(void)
{
    size_t taken;
    int nthreads;
    char err[256] = "";
    run(4, 500, (size_t)-1, &taken, &nthreads, err);
    CHECK(taken == 500);
    CHECK(nthreads >= 2); /* workers took part (the caller may too) */
    CHECK(nthreads <= 4);
}

static void test_caller_alone(void)
{
    size_t taken;
    int nthreads;
    char err[256] = "";
    run(1, 50, (size_t)-1, &taken, &nthreads, err);
    CHECK(taken == 50);
    CHECK(nthreads == 1);
}

static void test_failure(void)
{
    size_t taken;
    int nthreads;
    char err[256] = "";
    run(3, 100, 37, &taken, &nthreads, err);
    CHECK(taken == 37);
    CHECK_STR(err, "job 37 failed");
}

static void test_threads(void)
{
    CHECK(label_pool_threads(3) == 3);
    CHECK(label_pool_threads(1000) == 64);
    CHECK(label_pool_threads(0) >= 1);
}

TEST_MAIN("pool", TEST(test_order), TEST(test_caller_alone), TEST(test_failure), TEST(test_threads))
