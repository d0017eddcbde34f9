/*
 * pool.h - jobs done on several threads, their outputs taken in order
 * (internal to labels/): ZIP members and PNG sheets drawn and compressed on
 * every core allowed, written in order.
 */
#ifndef LABEL_POOL_H
#define LABEL_POOL_H

#include "labels/output.h"

/* Does job number job into out (emptied before; its memory is kept for the
 * next job of the slot). *scratch is the thread's own (NULL at first; freed
 * with the pool's free_scratch). Message in errbuf when not LABEL_OK. */
typedef label_err_t (*label_pool_fn)(void *ctx, void **scratch, size_t job, label_membuf_t *out,
                                     char *errbuf, size_t errlen);
typedef void (*label_pool_free_fn)(void *scratch);

typedef struct label_pool label_pool_t;

/* Threads a pool of `wanted` uses: wanted if positive (at most 64), else
 * every core. */
int label_pool_threads(int wanted);

/* Starts threads - 1 workers (label_pool_threads(threads) in all with the
 * caller) for jobs 0..jobs-1, at most window (raised to the threads) done
 * ahead of the one taken. Errors: LABEL_ENOMEM. */
label_err_t label_pool_start(label_pool_t **p, size_t jobs, int threads, size_t window,
                             label_pool_fn fn, label_pool_free_fn free_scratch, void *ctx,
                             char *errbuf, size_t errlen);
/* The output of the next job in order, waiting for it or doing it here;
 * valid until label_pool_done(), which must follow before the next call.
 * Errors: the job's. */
label_err_t label_pool_next(label_pool_t *p, const label_membuf_t **out, char *errbuf,
                            size_t errlen);
void label_pool_done(label_pool_t *p);
/* Stops the workers (a job under way is finished) and frees p; p may be NULL. */
void label_pool_stop(label_pool_t *p);

#endif
