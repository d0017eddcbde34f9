/*
 * web.h - the HTTP server: libmicrohttpd with its own thread pool on epoll,
 * serving the consumer pages, the verdict API, health and metrics.
 *
 * Limits: connections in total and per client address, an idle timeout, the
 * size of the request line and headers, and of a request body; consumer
 * reports, and codes that name no label, are rate limited per client. Each worker thread has its
 * own database connection; scans go through the group-committing scan queue.
 *
 * Thread-safety: start and stop from one thread; the server runs its own.
 */
#ifndef WEB_WEB_H
#define WEB_WEB_H

#include "gi/error.h"
#include "labels/label.h"
#include "web/render.h"

#include <stddef.h>
#include "gi/grade.h"

#include <stdint.h>

typedef struct {
    const char *db_path;
    const char *db_read_path;     /* a PostgreSQL standby the verify path looks labels up in
                                     first (NULL: none); a label not there yet: db_path */
    const char *host;             /* address to listen on ("127.0.0.1", "::1", "0.0.0.0") */
    unsigned port;                /* 0: any free port (see web_server_port) */
    unsigned threads;             /* worker threads (default: the number of cores) */
    const char *base_url;         /* how the outside reaches us, e.g. https://gi.example.cn */
    unsigned max_conns;           /* open connections in all (default 4096) */
    unsigned max_conns_per_ip;    /* per address, not per /64 (default 64; 0: no limit) */
    unsigned timeout_s;           /* idle connections are closed after this (default 15) */
    unsigned head_timeout_s;      /* a request head must arrive whole within this (default 10) */
    size_t max_header_bytes;      /* request line and headers together (default 16 KiB) */
    size_t max_body_bytes;        /* request body (default 32 KiB) */
    int64_t repeat_threshold;     /* distinct clients of a code before the page warns (10) */
    int report_period;            /* use report periods a year: 1 (default), 2 or 4 */
    int64_t repeat_window_s;      /* a client counts this long after its last scan (30 days) */
    double reports_per_hour;      /* consumer reports per client and code and hour (default
                                     10); a client alone may send 10 times as many */
    unsigned cache_mb;            /* database pages the workers may cache in all, MiB (64) */
    unsigned track_codes;         /* scanned codes kept in memory once they may go (100000) */
    int64_t count_reload_s;       /* a held code's tally read again after (gi_scan_config_t
                                     reload_s; 0: its default) */
    int64_t target;               /* operators using the mark the province aims at (default 1000) */
    const char *trusted_proxies;  /* addresses whose X-Forwarded-For is believed (web/client.h) */
    unsigned unknown_per_minute;  /* unknown codes a client may check a minute (default 30) */
    int access_log;               /* 1: one line per request on stderr (web/accesslog.h) */
    const label_layout_t *layout; /* downloads' layout before their choices; NULL: built-in */
    unsigned login_hashes;        /* password checks at once (default: half the threads, >= 1) */
    web_render_config_t render;   /* print files' render threads and size limits */
    gi_grade_config_t grades;     /* credit classes (n 0: GI_GRADE_CLASSES_DEFAULT) */
    const char *draw_ratios;      /* per-class draw ratios (NULL: GI_DRAW_RATIOS_DEFAULT) */
    /* who speaks on the consumer page (NULL or "": not shown); copied at start */
    const char *office_name, *office_hotline, *office_website;
    size_t max_photo_bytes;  /* a product photo's upload, the form's body (default 4 MiB) */
    const char *gs1_contact; /* the office's contact in /.well-known/gs1resolver; NULL:
                                office_website, else office_hotline (web_gs1_contact) */
} web_config_t;

typedef struct web_server web_server_t;

/* Fills the defaults into the zero fields of cfg. */
void web_config_defaults(web_config_t *cfg);

/* Starts serving. NULL on failure, with a message in err. */
web_server_t *web_server_start(const web_config_t *cfg, gi_error_t *err);
/* The port the server listens on. */
unsigned web_server_port(const web_server_t *s);
/* Stops accepting, cancels the print files being drawn, lets requests in
 * flight finish (up to 5 seconds), stops the workers and render threads, stores every queued scan
 * and frees s. */
void web_server_stop(web_server_t *s);

#endif
