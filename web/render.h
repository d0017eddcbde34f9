/*
 * render.h - print files drawn on render threads of their own, never on the
 * HTTP workers: a small pool of threads, a bounded queue, at most one job
 * (queued or running) per account. A job streams its file through a bounded
 * buffer (WEB_RENDER_BUFFER bytes) to whoever reads it, and stops as soon
 * as the reader goes away or the server stops.
 *
 * Thread-safety: every function may be called from any thread; start and
 * stop from one.
 */
#ifndef WEB_RENDER_H
#define WEB_RENDER_H

#include "db/db.h"
#include "gi/export.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define WEB_RENDER_BUFFER (256 * 1024)

typedef struct {
    unsigned threads;      /* render threads (default 2) */
    unsigned file_threads; /* threads drawing one print file (PNG, ZIP) and encoding its
                              symbols (every format), its render thread included
                              (default 1) */
    unsigned queue;        /* jobs waiting for a thread, at most (default 8) */
    size_t max_labels;     /* labels in one downloaded file (default 100000) */
    double max_pixels;     /* pixels of one PNG download in all: sheets, or a ZIP's
                              labels (default 2e9) */
} web_render_config_t;

typedef struct web_render web_render_t;
typedef struct web_render_job web_render_job_t;

/* Fills the defaults into the zero fields of cfg. */
void web_render_defaults(web_render_config_t *cfg);

/* Starts the render threads; each opens db_path on its first job. NULL on
 * failure, with a message in err. */
web_render_t *web_render_start(const char *db_path, const web_render_config_t *cfg,
                               gi_error_t *err);
/* The settings it runs with (defaults filled in). */
const web_render_config_t *web_render_settings(const web_render_t *r);
/* Cancels every job: readers waiting are woken and told the file failed.
 * For a server that stops. */
void web_render_cancel_all(web_render_t *r);
/* Cancels every job, joins the threads and frees r (NULL: nothing). Every
 * job must have been released (web_render_release) before. */
void web_render_stop(web_render_t *r);

typedef enum {
    WEB_RENDER_QUEUED = 0,   /* *job is the new job, for the caller to read and release */
    WEB_RENDER_ACCOUNT_BUSY, /* the account has a job queued or running: 429 */
    WEB_RENDER_FULL,         /* the queue is full: 503 */
    WEB_RENDER_NOMEM,
} web_render_submit_t;

/* Queues the print file of batch_id as gi_act_batch_export() writes it for
 * account a, in actor's name (audited). ex is copied (its path and sink are
 * ignored: the job writes to its buffer). */
web_render_submit_t web_render_submit(web_render_t *r, const char *actor, const db_account_t *a,
                                      int64_t batch_id, const gi_export_t *ex,
                                      web_render_job_t **job);

/* Queues the EPCIS document of batch_id (gi_epcis_batch_document) for
 * account a, its labels' URIs under root; the same queue, buffer and one job
 * per account as print files. */
web_render_submit_t web_render_submit_epcis(web_render_t *r, const char *actor,
                                            const db_account_t *a, int64_t batch_id,
                                            const char *root, web_render_job_t **job);

/* Takes up to max bytes of the job's file. Returns the bytes taken; -1 at
 * the file's end; -2 when the job failed or was cancelled; 0 when nothing is
 * there yet: then suspend(conn) has been called, and wake(conn) will be
 * called (from another thread) once there is something to read. */
ssize_t web_render_read(web_render_job_t *job, char *buf, size_t max, void (*suspend)(void *),
                        void (*wake)(void *), void *conn);

/* The reader is gone: the job stops (or never starts) and the caller's
 * reference is dropped. */
void web_render_release(web_render_job_t *job);

#endif
