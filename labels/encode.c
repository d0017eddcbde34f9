/*
 * encode.c - encoding a batch's symbols on spare cores while the caller
 * draws them.
 *
 * Choosing a QR mask (libqrencode evaluates all eight) costs about as much
 * as drawing the label, so the symbols are encoded in chunks as jobs of a
 * worker pool (labels/pool.c): workers encode ahead of the drawing thread,
 * at most WINDOW chunks ahead (memory stays bounded for any batch size),
 * and the drawing thread encodes a chunk itself rather than wait. A chunk's
 * output is its symbols laid out in the job's buffer: CHUNK matrices, then
 * their modules, which the matrices point into.
 */
#include "labels/pool.h"
#include "labels/sheet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK  64 /* symbols per job */
#define WINDOW 32 /* chunks encoded ahead of the drawing thread, at most */

struct label_encoder {
    const label_layout_t *layout;
    const label_item_t *items;
    size_t n;
    label_pool_t *pool;
    size_t chunk;              /* the chunk taken, valid when cur is set */
    const label_matrix_t *cur; /* its symbols */
};

static size_t chunk_len(const label_encoder_t *e, size_t k)
{
    size_t first = k * CHUNK;
    return e->n - first < CHUNK ? e->n - first : CHUNK;
}

static label_err_t out_of_memory(char *errbuf, size_t errlen)
{
    snprintf(errbuf, errlen, "out of memory");
    return LABEL_ENOMEM;
}

static label_err_t encode_chunk(void *ctx, void **scratch, size_t k, label_membuf_t *out,
                                char *errbuf, size_t errlen)
{
    (void)scratch;
    static const label_matrix_t no_symbols[CHUNK];
    label_encoder_t *e = ctx;
    size_t n = chunk_len(e, k), at[CHUNK];
    label_matrix_t m[CHUNK];
    if (label_membuf_append(out, (const unsigned char *)no_symbols,
                            (unsigned)(n * sizeof *no_symbols)) != CAIRO_STATUS_SUCCESS)
        return out_of_memory(errbuf, errlen);
    char payload[512];
    for (size_t i = 0; i < n; i++) {
        label_payload(e->layout, &e->items[k * CHUNK + i], payload, sizeof payload);
        label_err_t rc = label_matrix_encode(e->layout->symbology, e->layout->ecc, payload, &m[i],
                                             errbuf, errlen);
        if (rc != LABEL_OK)
            return rc;
        at[i] = out->len;
        unsigned cells = (unsigned)(m[i].width * m[i].height);
        cairo_status_t st = label_membuf_append(out, m[i].dark, cells);
        label_matrix_free(&m[i]);
        if (st != CAIRO_STATUS_SUCCESS)
            return out_of_memory(errbuf, errlen);
    }
    /* the buffer no longer moves: the matrices can point into it */
    label_matrix_t *symbols = (label_matrix_t *)(void *)out->data;
    for (size_t i = 0; i < n; i++) {
        symbols[i] = m[i];
        symbols[i].dark = out->data + at[i];
    }
    return LABEL_OK;
}

label_err_t label_encoder_start(label_encoder_t **out, const label_layout_t *l,
                                const label_item_t *items, size_t n, char *errbuf, size_t errlen)
{
    label_encoder_t *e = calloc(1, sizeof *e);
    if (!e)
        return out_of_memory(errbuf, errlen);
    e->layout = l;
    e->items = items;
    e->n = n;
    label_err_t rc = label_pool_start(&e->pool, (n + CHUNK - 1) / CHUNK, l->threads, WINDOW,
                                      encode_chunk, NULL, e, errbuf, errlen);
    if (rc != LABEL_OK) {
        free(e);
        return rc;
    }
    *out = e;
    return LABEL_OK;
}

label_err_t label_encoder_get(label_encoder_t *e, size_t i, const label_matrix_t **m, char *errbuf,
                              size_t errlen)
{
    size_t k = i / CHUNK;
    while (!e->cur || e->chunk < k) {
        if (e->cur) { /* done with the chunk before: make room */
            label_pool_done(e->pool);
            e->chunk++;
        }
        const label_membuf_t *buf;
        e->cur = NULL;
        label_err_t rc = label_pool_next(e->pool, &buf, errbuf, errlen);
        if (rc != LABEL_OK)
            return rc;
        e->cur = (const label_matrix_t *)(const void *)buf->data;
    }
    *m = &e->cur[i % CHUNK];
    return LABEL_OK;
}

void label_encoder_stop(label_encoder_t *e)
{
    if (!e)
        return;
    label_pool_stop(e->pool);
    free(e);
}
