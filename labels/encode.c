/*
 * encode.c - encoding a batch's symbols on spare cores while the caller
 * draws them.
 *
 * Choosing a QR mask (libqrencode evaluates all eight) costs about as much
 * as drawing the label, so worker threads encode ahead of the drawing
 * thread in chunks, at most WINDOW chunks ahead (memory stays bounded for
 * any batch size). While the chunk the drawing thread needs is not done, it
 * encodes the next chunk nobody has started (it used to wait whenever a
 * worker had started the one it needed: on two cores SVG, whose drawing is
 * the lighter part, kept one busy). Chunks are handed out in order.
 */
#include "labels/pool.h"
#include "labels/sheet.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK       64 /* symbols per unit of work */
#define WINDOW      32 /* chunks encoded ahead of the drawing thread, at most */
#define MAX_WORKERS 15

typedef enum { CHUNK_TODO = 0, CHUNK_BUSY, CHUNK_DONE } chunk_state_t;

typedef struct {
    chunk_state_t state;
    label_err_t rc;
    char err[256];
    label_matrix_t m[CHUNK];
} chunk_t;

struct label_encoder {
    const label_layout_t *layout;
    const label_item_t *items;
    size_t n, chunks;
    size_t next_claim; /* first chunk nobody has taken */
    size_t drawing;    /* chunk the drawing thread is on */
    int stop;
    chunk_t ring[WINDOW];
    pthread_mutex_t lock;
    pthread_cond_t changed; /* a chunk finished, the drawing moved on, or stop */
    pthread_t workers[MAX_WORKERS];
    size_t nworkers;
};

static chunk_t *slot(label_encoder_t *e, size_t k)
{
    return &e->ring[k % WINDOW];
}

/* Encodes chunk k; called without the lock, on a chunk marked busy. */
static void encode_chunk(label_encoder_t *e, size_t k)
{
    chunk_t *c = slot(e, k);
    char payload[512];
    size_t first = k * CHUNK, last = first + CHUNK < e->n ? first + CHUNK : e->n;
    label_err_t rc = LABEL_OK;
    for (size_t i = first; i < last && rc == LABEL_OK; i++) {
        label_payload(e->layout, &e->items[i], payload, sizeof payload);
        rc = label_matrix_encode(e->layout->symbology, e->layout->ecc, payload, &c->m[i - first],
                                 c->err, sizeof c->err);
    }
    c->rc = rc;
}

static void finish_chunk(label_encoder_t *e, size_t k)
{
    pthread_mutex_lock(&e->lock);
    slot(e, k)->state = CHUNK_DONE;
    pthread_cond_broadcast(&e->changed);
    pthread_mutex_unlock(&e->lock);
}

static void *worker(void *arg)
{
    label_encoder_t *e = arg;
    pthread_mutex_lock(&e->lock);
    while (!e->stop && e->next_claim < e->chunks) {
        if (e->next_claim >= e->drawing + WINDOW) {
            pthread_cond_wait(&e->changed, &e->lock);
            continue;
        }
        size_t k = e->next_claim++;
        slot(e, k)->state = CHUNK_BUSY;
        pthread_mutex_unlock(&e->lock);
        encode_chunk(e, k);
        finish_chunk(e, k);
        pthread_mutex_lock(&e->lock);
    }
    pthread_mutex_unlock(&e->lock);
    return NULL;
}

static void free_chunk(chunk_t *c)
{
    for (size_t i = 0; i < CHUNK; i++)
        label_matrix_free(&c->m[i]);
    c->state = CHUNK_TODO;
}

label_err_t label_encoder_start(label_encoder_t **out, const label_layout_t *l,
                                const label_item_t *items, size_t n, char *errbuf, size_t errlen)
{
    label_encoder_t *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(errbuf, errlen, "out of memory");
        return LABEL_ENOMEM;
    }
    e->layout = l;
    e->items = items;
    e->n = n;
    e->chunks = (n + CHUNK - 1) / CHUNK;
    pthread_mutex_init(&e->lock, NULL);
    pthread_cond_init(&e->changed, NULL);
    /* the drawing thread is busy too */
    size_t want = (size_t)label_pool_threads(l->threads) - 1;
    if (want > MAX_WORKERS)
        want = MAX_WORKERS;
    if (want > e->chunks)
        want = e->chunks;
    /* a worker that cannot start is no error: the drawing thread does its share */
    while (e->nworkers < want && pthread_create(&e->workers[e->nworkers], NULL, worker, e) == 0)
        e->nworkers++;
    *out = e;
    return LABEL_OK;
}

label_err_t label_encoder_get(label_encoder_t *e, size_t i, const label_matrix_t **m, char *errbuf,
                              size_t errlen)
{
    size_t k = i / CHUNK;
    pthread_mutex_lock(&e->lock);
    while (e->drawing < k) { /* done with the chunk before: make room */
        free_chunk(slot(e, e->drawing));
        e->drawing++;
        pthread_cond_broadcast(&e->changed);
    }
    chunk_t *c = slot(e, k);
    while (c->state != CHUNK_DONE) {
        /* the chunk needed, or while a worker encodes it the next one not
         * taken within the window: the drawing thread encodes rather than
         * waits */
        if (e->next_claim < e->chunks && e->next_claim < e->drawing + WINDOW) {
            size_t j = e->next_claim++;
            slot(e, j)->state = CHUNK_BUSY;
            pthread_mutex_unlock(&e->lock);
            encode_chunk(e, j);
            pthread_mutex_lock(&e->lock);
            slot(e, j)->state = CHUNK_DONE;
            pthread_cond_broadcast(&e->changed);
        } else {
            pthread_cond_wait(&e->changed, &e->lock);
        }
    }
    pthread_mutex_unlock(&e->lock);
    if (c->rc != LABEL_OK) {
        snprintf(errbuf, errlen, "%s", c->err);
        return c->rc;
    }
    *m = &c->m[i % CHUNK];
    return LABEL_OK;
}

void label_encoder_stop(label_encoder_t *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&e->lock);
    e->stop = 1;
    pthread_cond_broadcast(&e->changed);
    pthread_mutex_unlock(&e->lock);
    for (size_t i = 0; i < e->nworkers; i++)
        pthread_join(e->workers[i], NULL);
    for (size_t k = 0; k < WINDOW; k++)
        free_chunk(&e->ring[k]);
    pthread_cond_destroy(&e->changed);
    pthread_mutex_destroy(&e->lock);
    free(e);
}
