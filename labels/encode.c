/*
 * encode.c - encoding many symbols at once on all cores.
 */
#include "labels/sheet.h"

#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#define MAX_THREADS 16

typedef struct {
    const label_layout_t *l;
    const label_item_t *items;
    label_matrix_t *m;
    size_t n, first, step;
    label_err_t rc;
    char err[256];
} share_t;

static void *encode_share(void *arg)
{
    share_t *s = arg;
    char payload[512];
    for (size_t i = s->first; i < s->n && s->rc == LABEL_OK; i += s->step) {
        label_payload(s->l, &s->items[i], payload, sizeof payload);
        s->rc = label_matrix_encode(s->l->symbology, s->l->ecc, payload, &s->m[i], s->err,
                                    sizeof s->err);
    }
    return NULL;
}

label_err_t label_encode_all(const label_layout_t *l, const label_item_t *items, size_t n,
                             label_matrix_t *m, char *errbuf, size_t errlen)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t t = cores < 1 ? 1 : cores > MAX_THREADS ? MAX_THREADS : (size_t)cores;
    if (t > n)
        t = n ? n : 1;
    share_t shares[MAX_THREADS];
    pthread_t threads[MAX_THREADS];
    int running[MAX_THREADS] = {0};
    for (size_t i = 0; i < t; i++) {
        shares[i] = (share_t){l, items, m, n, i, t, LABEL_OK, ""};
        running[i] = i > 0 && pthread_create(&threads[i], NULL, encode_share, &shares[i]) == 0;
    }
    for (size_t i = 0; i < t; i++) {
        if (running[i])
            pthread_join(threads[i], NULL);
        else
            encode_share(&shares[i]); /* this thread's share, or one whose thread failed */
    }
    for (size_t i = 0; i < t; i++) {
        if (shares[i].rc != LABEL_OK) {
            snprintf(errbuf, errlen, "%s", shares[i].err);
            return shares[i].rc;
        }
    }
    return LABEL_OK;
}
