/*
 * server_internal.h - what the parts of the HTTP server share. Internal to
 * web/server*.c and web/consumer_routes.c.
 *
 * Which file owns what:
 *   web/server.c           the libmicrohttpd daemon, the slow-client watchdog,
 *                          each request's life (route, body, form, dispatch,
 *                          access log), the workers' database connections, and
 *                          start and stop
 *   web/server_reply.c     answers: security headers, streamed print files,
 *                          pages, JSON errors, refusals before any route runs
 *   web/server_routes.c    the routes handed to other modules: the REST API
 *                          (web/api*.c), the desk pages (web/portal*.c),
 *                          metrics, health and the stylesheet
 *   web/consumer_routes.c  the consumer's routes: the home page, verification
 *                          (page, JSON, Digital Link), the GS1 resolver,
 *                          reports, the emblem and product photos; the pages
 *                          themselves are drawn by web/consumer.c
 */
#ifndef WEB_SERVER_INTERNAL_H
#define WEB_SERVER_INTERNAL_H

#include "web/web.h"
#include "gi/account.h"
#include "gi/scan.h"
#include "web/accesslog.h"
#include "web/client.h"
#include "web/consumer.h"
#include "web/desk_settings.h"
#include "web/form.h"
#include "web/gs1.h"
#include "web/loginlimit.h"
#include "web/metrics.h"
#include "web/printfile.h"
#include "web/ratelimit.h"
#include "web/render.h"
#include "web/route.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

/* Shoppers behind one carrier address (a mobile network's NAT) each report
 * the label in their hand: the limit of reports_per_hour (burst 3) holds
 * per client and code, and a client alone may send REPORT_CLIENT_FACTOR
 * times as many (burst REPORT_CLIENT_BURST), which still stops a flood
 * over many codes. */
#define REPORT_CLIENT_FACTOR 10
#define REPORT_CLIENT_BURST  30

/* A connection watched for its request head (see the top of this file). */
typedef struct conn_watch {
    struct conn_watch *prev, *next;
    MHD_socket fd;
    _Atomic int64_t head_deadline_ms; /* 0: no head being read */
    /* the keyed hash of the connection's client (the worker's alone), and
     * the X-Forwarded-For it was worked out with: the peer never changes on a
     * connection, so a kept-alive one works its client out once, and a
     * proxy's connection again only when the forwarded address changes */
    char client_key[GI_CLIENT_KEY_LEN + 1]; /* "" until known */
    char client_forwarded[128];
} conn_watch_t;

struct web_server {
    web_config_t cfg;
    char *db_path, *db_read_path, *host, *base_url, *trusted_proxies; /* copies: cfg points
                                                                         at them */
    char *office_name, *office_hotline, *office_website;              /* copies, "" unset */
    char gs1_tel[WEB_GS1_TEL_MAX]; /* the hotline as the resolver's contact (web_gs1_contact) */
    label_layout_t layout;         /* a copy: cfg points at it */
    struct MHD_Daemon *mhd;
    unsigned port;
    pthread_key_t db_key;             /* each worker's db_t */
    pthread_key_t read_db_key;        /* ... and its connection to the standby, if any */
    _Atomic int64_t read_db_retry_ms; /* a standby that could not be reached: not before */
    gi_scan_queue_t *scans;
    web_metrics_t *metrics;
    web_accesslog_t *access_log; /* NULL: not logging requests */
    /* consumer reports: per client and code, and (looser) per client alone */
    web_ratelimit_t *reports, *report_clients, *unknown_codes;
    web_loginlimit_t *logins; /* sign-in limits and the cap on password checks */
    unsigned char client_secret[32];
    struct MHD_Response *stylesheet, *emblem;
    web_render_t *render;     /* print files' render threads */
    web_desk_settings_t desk; /* what the API and portal read of cfg, and render */
    pthread_mutex_t flight_lock;
    pthread_cond_t flight_done;
    int64_t in_flight;
    /* connections whose request head is awaited, and their watchdog */
    pthread_mutex_t watch_lock;
    pthread_cond_t watch_wake;
    conn_watch_t watched; /* list head */
    pthread_t watchdog;
    int watchdog_running, watch_stopping;
};

/* A submitted form as it arrives. */
typedef struct {
    struct MHD_PostProcessor *pp; /* NULL: not a form's content type, or done */
    int done;
    web_form_t fields;
} form_t;

typedef struct {
    web_route_t route;
    struct timespec start;
    unsigned status;
    size_t body_bytes;
    size_t body_limit; /* the body this request may have: max_body_bytes, or
                          max_photo_bytes for a photo's upload */
    int body_too_large;
    const char *method;  /* valid while the request lasts */
    const char *url;     /* the path, valid while the request lasts */
    int host_missing;    /* HTTP/1.1 without a Host header */
    int64_t retry_after; /* seconds, for a 429 */
    form_t *form;        /* for form submissions only */
    char *body;          /* an API request's body as received */
    size_t body_len;
    char client[GI_CLIENT_KEY_LEN + 1]; /* client_of(); "" until asked */
    const char *verdict;                /* gi_verdict_name() of a verification */
    char *logged_path;                  /* the path for the access log, or NULL */
    int cors;                           /* a GS1 resolver answer: CORS headers */
    const char *link;                   /* its Link header while it is answered, or NULL */
} request_t;

static const char *const HTML = "text/html; charset=utf-8";
static const char *const JSON = "application/json";

/* --- small helpers (web/server_internal.h) ----------------------------------------- */

static inline int64_t monotonic_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static inline const char *header(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* A query parameter of connection c (a void pointer, as the API and the
 * pages take it back), or NULL. */
static inline const char *query(void *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

/* The page context of a request; today is filled in by pages that need it. */
static inline web_page_ctx_t page_ctx(web_server_t *s, struct MHD_Connection *c)
{
    web_page_ctx_t pc = {web_lang_pick(query(c, "lang"), header(c, "Accept-Language")),
                         NULL,
                         s->cfg.repeat_threshold,
                         {s->office_name, s->office_hotline, s->office_website}};
    return pc;
}

/* --- web/server.c ------------------------------------------------------------------- */

const char *client_of(web_server_t *s, struct MHD_Connection *c, request_t *rq);
db_t *worker_db(web_server_t *s);
db_t *worker_read_db(web_server_t *s);
const web_form_t *form_done(request_t *rq);

/* --- web/server_reply.c --------------------------------------------------------------- */

void add_security_headers(struct MHD_Response *r);
struct MHD_Response *answer_response(struct MHD_Connection *c, const web_file_t *file, char *body,
                                     size_t len, const char *type, const char *download_name);
enum MHD_Result queue_answer(struct MHD_Connection *c, request_t *rq, unsigned status,
                             struct MHD_Response *r);
void add_retry_after(struct MHD_Response *r, int64_t seconds);
void add_gs1_headers(struct MHD_Response *r, const request_t *rq);
enum MHD_Result send_body(struct MHD_Connection *c, request_t *rq, unsigned status,
                          const char *type, char *body, size_t len);
enum MHD_Result send_buf(struct MHD_Connection *c, request_t *rq, unsigned status, const char *type,
                         web_buf_t *b);
enum MHD_Result send_message(web_server_t *s, struct MHD_Connection *c, request_t *rq,
                             unsigned status, const char *title, const char *text);
enum MHD_Result send_json_error(struct MHD_Connection *c, request_t *rq, unsigned status,
                                const char *code, const char *message);
enum MHD_Result refuse(web_server_t *s, struct MHD_Connection *c, request_t *rq, unsigned status);

/* --- web/server_routes.c -------------------------------------------------------------- */

enum MHD_Result send_api(web_server_t *s, struct MHD_Connection *c, request_t *rq);
enum MHD_Result send_portal(web_server_t *s, struct MHD_Connection *c, request_t *rq);
enum MHD_Result send_metrics(web_server_t *s, struct MHD_Connection *c, request_t *rq);
enum MHD_Result send_health(web_server_t *s, struct MHD_Connection *c, request_t *rq);
enum MHD_Result send_stylesheet(web_server_t *s, struct MHD_Connection *c, request_t *rq);

/* --- web/consumer_routes.c ------------------------------------------------------------ */

enum MHD_Result send_home(web_server_t *s, struct MHD_Connection *c, request_t *rq);
enum MHD_Result send_verification(web_server_t *s, struct MHD_Connection *c, request_t *rq,
                                  const char *input, size_t len, int as_json);
enum MHD_Result send_digital_link(web_server_t *s, struct MHD_Connection *c, request_t *rq);
enum MHD_Result send_gs1(web_server_t *s, struct MHD_Connection *c, request_t *rq);
enum MHD_Result send_report(web_server_t *s, struct MHD_Connection *c, request_t *rq);
enum MHD_Result send_emblem(web_server_t *s, struct MHD_Connection *c, request_t *rq);
enum MHD_Result send_photo(web_server_t *s, struct MHD_Connection *c, request_t *rq);

#endif
