/*
 * server.c - the libmicrohttpd daemon: limits, per-request state, dispatch
 * to the consumer pages and the API, and a clean stop.
 *
 * Every request is answered on the access handler's second call, never the
 * first: a response queued on the first call (headers only) makes
 * libmicrohttpd 0.9.75 close the connection after it, costing keep-alive
 * and measured at 4-5x fewer requests/s. Only refusals that must not read a
 * body (413 on a declared Content-Length) answer at once.
 *
 * Each worker thread opens its own database connection on first use (a
 * thread-specific key closes it when the thread ends). Scans go to the scan
 * queue, whose writer thread commits them in groups; stopping the server
 * stores every queued scan.
 *
 * Slow clients: libmicrohttpd's connection timeout counts idle time only, so
 * a client sending one header byte every few seconds would hold its
 * connection for ever. Each connection is watched from its start until its
 * request head is complete, which is when the access handler is first
 * called; a watchdog thread shuts down the sockets whose head is not complete
 * by the head deadline (--head-timeout). On a kept-alive connection the next
 * head is due within the idle timeout and the head deadline after the last
 * answer, so a proxy's pool of idle connections lives by the idle timeout.
 */
#include "web/web.h"
#include "gi/account.h"
#include "gi/gtin.h"
#include "gi/inspect.h"
#include "gi/report.h"
#include "gi/scan.h"
#include "gi/verify.h"
#include "web/accesslog.h"
#include "web/api.h"
#include "web/assets.h"
#include "web/client.h"
#include "web/consumer.h"
#include "web/emblem.h"
#include "web/form.h"
#include "web/gs1.h"
#include "web/html.h"
#include "web/loginlimit.h"
#include "web/metrics.h"
#include "web/portal.h"
#include "web/ratelimit.h"
#include "web/render.h"
#include "web/route.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DISPLAY_MAX   64 /* bytes of a received code shown back or stored */
#define STOP_GRACE_MS 5000
#define DISCARD_MAX   (1 << 20) /* bytes of an oversize body read before closing */
#define SNAPSHOT_MS   50        /* changes show on the consumer page within this */

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
    label_layout_t layout;                                            /* a copy: cfg points at it */
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
    web_render_t *render; /* print files' render threads */
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

/* --- small helpers ------------------------------------------------------------- */

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int64_t monotonic_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static const char *header(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* A query parameter of connection c (a void pointer, as the API and the
 * pages take it back), or NULL. */
static const char *query(void *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

/* Printable ASCII of at most DISPLAY_MAX bytes of untrusted input; anything
 * else becomes '?', so what is shown back or stored is always plain text. */
static void display_of(const char *in, size_t len, char out[DISPLAY_MAX + 1])
{
    size_t n = len < DISPLAY_MAX ? len : DISPLAY_MAX;
    for (size_t i = 0; i < n; i++)
        out[i] = in[i] >= 0x20 && in[i] < 0x7f ? in[i] : '?';
    out[n] = '\0';
}

static conn_watch_t *watch_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/* The keyed hash of the request's client address (behind a trusted proxy,
 * the address the proxy forwarded; IPv6 by its /64, web/client.h), worked
 * out once per request, and once per connection while the forwarded address
 * stays the same. */
static const char *client_of(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    if (rq->client[0])
        return rq->client;
    const char *forwarded = header(c, "X-Forwarded-For");
    if (!forwarded)
        forwarded = ""; /* the same client as an empty one: the peer */
    conn_watch_t *w = watch_of(c);
    if (w && w->client_key[0] && strcmp(w->client_forwarded, forwarded) == 0) {
        memcpy(rq->client, w->client_key, sizeof rq->client);
        return rq->client;
    }
    char addr[INET6_ADDRSTRLEN] = "unknown", client[WEB_ADDR_MAX], group[WEB_GROUP_MAX];
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, addr,
                      sizeof addr);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, addr,
                      sizeof addr);
    }
    web_client_address(addr, forwarded, s->cfg.trusted_proxies, client);
    web_client_group(client, group); /* IPv6 by /64 */
    gi_client_key(s->client_secret, group, rq->client);
    if (w && strlen(forwarded) < sizeof w->client_forwarded) {
        memcpy(w->client_forwarded, forwarded, strlen(forwarded) + 1);
        memcpy(w->client_key, rq->client, sizeof w->client_key);
    } else if (w) {
        w->client_key[0] = '\0'; /* too long to keep: worked out each time */
    }
    return rq->client;
}

/* A worker connection's share of the page cache: the budget is the server's,
 * whatever its thread count. */
static unsigned worker_cache_mb(const web_config_t *cfg)
{
    unsigned share = cfg->cache_mb / cfg->threads;
    return share ? share : 1;
}

/* The calling worker's database connection, opened on first use. */
static db_t *worker_db(web_server_t *s)
{
    db_t *db = pthread_getspecific(s->db_key);
    if (!db) {
        char err[256];
        db = db_open(s->db_path, err, sizeof err);
        if (!db) {
            fprintf(stderr, "gimark serve: %s\n", err);
            return NULL;
        }
        db_hold_snapshots(db, SNAPSHOT_MS);
        db_cache_size(db, (int)worker_cache_mb(&s->cfg));
        pthread_setspecific(s->db_key, db);
    }
    return db;
}

static void close_worker_db(void *db)
{
    db_close(db);
}

/* The calling worker's connection to the standby, opened on first use;
 * NULL without one (or when it cannot be opened: the primary answers). */
static db_t *worker_read_db(web_server_t *s)
{
    if (!s->cfg.db_read_path)
        return NULL;
    db_t *db = pthread_getspecific(s->read_db_key);
    if (!db) {
        char err[256];
        int64_t now = monotonic_ms();
        if (now < atomic_load_explicit(&s->read_db_retry_ms, memory_order_relaxed))
            return NULL; /* down a moment ago: no worker waits on it meanwhile */
        if (!(db = db_open_replica(s->cfg.db_read_path, err, sizeof err))) {
            atomic_store_explicit(&s->read_db_retry_ms, now + 1000, memory_order_relaxed);
            fprintf(stderr, "gimark serve: %s\n", err);
            return NULL;
        }
        pthread_setspecific(s->read_db_key, db);
    }
    return db;
}

/* --- responses ------------------------------------------------------------------- */

static void add_security_headers(struct MHD_Response *r)
{
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'none'; style-src 'self'; img-src 'self' data:; "
                            "form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
}

/* --- streamed print files ------------------------------------------------------------ */

typedef struct {
    web_render_job_t *job;
    struct MHD_Connection *c;
} stream_t;

static void suspend_connection(void *c)
{
    MHD_suspend_connection(c);
}

static void resume_connection(void *c)
{
    MHD_resume_connection(c);
}

/* libmicrohttpd asks for the next bytes of a print file: with none there
 * yet, the connection is suspended until the render thread has some, so
 * this is never asked again in a busy loop. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    stream_t *st = cls;
    (void)pos;
    ssize_t n = web_render_read(st->job, buf, max, suspend_connection, resume_connection, st->c);
    return n == -1   ? MHD_CONTENT_READER_END_OF_STREAM
           : n == -2 ? MHD_CONTENT_READER_END_WITH_ERROR
                     : n;
}

/* The response is done with (sent, or the client went away): the job stops. */
static void stream_free(void *cls)
{
    stream_t *st = cls;
    web_render_release(st->job);
    free(st);
}

/* A response streaming file->job, which it takes over; NULL when out of
 * memory (the job is released then). */
static struct MHD_Response *stream_response(struct MHD_Connection *c, const web_file_t *file)
{
    stream_t *st = malloc(sizeof *st);
    struct MHD_Response *r = st ? MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024,
                                                                    stream_read, st, stream_free)
                                : NULL;
    if (!r) {
        free(st);
        web_render_release(file->job);
        return NULL;
    }
    st->job = file->job;
    st->c = c;
    return r;
}

/* The response to a handler's answer: a print file when file->job is set
 * (taken over) or file->head_only (headers alone), else body (taken over,
 * freed by libmicrohttpd; NULL for none). It carries the security headers,
 * no-store, the content type and, when download_name is not empty, that
 * name as an attachment. NULL when out of memory (the job or body is
 * released then). */
static struct MHD_Response *answer_response(struct MHD_Connection *c, const web_file_t *file,
                                            char *body, size_t len, const char *type,
                                            const char *download_name)
{
    struct MHD_Response *r;
    if (file->job || file->head_only) {
        free(body);
        r = file->job ? stream_response(c, file)
                      : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        type = file->content_type;
        download_name = file->filename;
    } else {
        r = MHD_create_response_from_buffer(len, body ? body : (void *)"",
                                            body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
        if (!r)
            free(body);
    }
    if (!r)
        return NULL;
    add_security_headers(r);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (download_name && download_name[0]) {
        char disposition[96];
        snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", download_name);
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disposition);
    }
    return r;
}

static enum MHD_Result queue_answer(struct MHD_Connection *c, request_t *rq, unsigned status,
                                    struct MHD_Response *r)
{
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    rq->status = status;
    return ok;
}

static void add_retry_after(struct MHD_Response *r, int64_t seconds)
{
    char secs[24];
    snprintf(secs, sizeof secs, "%lld", (long long)seconds);
    MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, secs);
}

/* The headers of a GS1 resolver's answer: CORS, and the Link to the linkset. */
static void add_gs1_headers(struct MHD_Response *r, const request_t *rq)
{
    if (rq->cors) {
        MHD_add_response_header(r, "Access-Control-Allow-Origin", "*");
        MHD_add_response_header(r, "Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
        MHD_add_response_header(r, "Access-Control-Expose-Headers", "Link, Location");
        MHD_add_response_header(r, "Vary", "Accept, Accept-Language");
    }
    if (rq->link && rq->link[0])
        MHD_add_response_header(r, "Link", rq->link);
}

/* Queues body (taken over, freed by libmicrohttpd) with status, and the
 * Allow or Retry-After a refusal of rq calls for. */
static enum MHD_Result send_body(struct MHD_Connection *c, request_t *rq, unsigned status,
                                 const char *type, char *body, size_t len)
{
    static const web_file_t no_file = {0};
    struct MHD_Response *r = answer_response(c, &no_file, body, len, type, NULL);
    if (!r)
        return MHD_NO;
    if (rq->route.allow && !rq->route.method_ok)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, rq->route.allow);
    if (rq->retry_after > 0)
        add_retry_after(r, rq->retry_after);
    add_gs1_headers(r, rq);
    return queue_answer(c, rq, status, r);
}

static enum MHD_Result send_buf(struct MHD_Connection *c, request_t *rq, unsigned status,
                                const char *type, web_buf_t *b)
{
    size_t len;
    char *body = web_buf_take(b, &len);
    if (!body)
        return MHD_NO; /* out of memory: drop the connection rather than send half */
    return send_body(c, rq, status, type, body, len);
}

static const char *const HTML = "text/html; charset=utf-8";
static const char *const JSON = "application/json";

/* The page context of a request; today is filled in by pages that need it. */
static web_page_ctx_t page_ctx(web_server_t *s, struct MHD_Connection *c)
{
    web_page_ctx_t pc = {web_lang_pick(query(c, "lang"), header(c, "Accept-Language")),
                         NULL,
                         s->cfg.repeat_threshold,
                         {s->office_name, s->office_hotline, s->office_website}};
    return pc;
}

static enum MHD_Result send_message(web_server_t *s, struct MHD_Connection *c, request_t *rq,
                                    unsigned status, const char *title, const char *text)
{
    web_buf_t b;
    web_page_ctx_t pc = page_ctx(s, c);
    web_buf_init(&b, 4096);
    web_page_message(&b, &pc, title, text);
    return send_buf(c, rq, status, HTML, &b);
}

/* A JSON error as DESIGN.md says: {"error": {"code": ..., "message": ...}}. */
static enum MHD_Result send_json_error(struct MHD_Connection *c, request_t *rq, unsigned status,
                                       const char *code, const char *message)
{
    json_t *e = json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", message);
    char *body = e ? json_dumps(e, JSON_COMPACT) : NULL;
    json_decref(e);
    if (!body)
        return MHD_NO;
    return send_body(c, rq, status, JSON, body, strlen(body));
}

/* --- the verification routes ----------------------------------------------------- */

/* Sets rq's Link header (in link) for a Digital Link's answer. */
static void digital_link_header(web_server_t *s, struct MHD_Connection *c, request_t *rq,
                                const gi_verification_t *v, char link[WEB_GS1_LINK_MAX])
{
    char root[WEB_GS1_ROOT_MAX], given[32], gtin[GI_GTIN_LEN + 1];
    if (rq->route.gtin_len >= sizeof given)
        return;
    memcpy(given, rq->route.gtin, rq->route.gtin_len);
    given[rq->route.gtin_len] = '\0';
    web_gs1_root(s->cfg.base_url, header(c, MHD_HTTP_HEADER_HOST), root);
    if (!root[0] || gi_gtin_normalize(given, gtin, NULL) != GI_OK)
        return;
    web_gs1_link_header(root, gtin, rq->route.lot, rq->route.lot_len, v->code.s, link);
    rq->link = link;
}

static enum MHD_Result send_verification(web_server_t *s, struct MHD_Connection *c, request_t *rq,
                                         const char *input, size_t len, int as_json)
{
    char today[GI_DATE_LEN + 1], shown[DISPLAY_MAX + 1];
    gi_verification_t v;
    gi_error_t err;
    db_t *db = worker_db(s);
    web_page_ctx_t pc = page_ctx(s, c);
    const web_strings_t *t = web_strings(pc.lang);
    if (!db)
        return as_json ? send_json_error(c, rq, 503, "io", "database unavailable")
                       : send_message(s, c, rq, 503, t->busy_title, t->busy_text);
    gi_ctx_t ctx = {db, "web", (int64_t)time(NULL), worker_read_db(s)};
    gi_date_of(ctx.now, today);
    pc.today = today;
    const char *client = client_of(s, c, rq);
    int64_t now_ms = monotonic_ms();
    int64_t unknown_wait_s = web_ratelimit_wait(s->unknown_codes, client, now_ms);
    gi_scan_input_t in = {.input = input,
                          .len = len,
                          .gtin = rq->route.gtin,
                          .gtin_len = rq->route.gtin_len,
                          .lot = rq->route.lot,
                          .lot_len = rq->route.lot_len,
                          .client_key = client,
                          .ua_class = gi_ua_class(header(c, "User-Agent")),
                          .repeat_threshold = s->cfg.repeat_threshold,
                          .skip_unknown = unknown_wait_s > 0};
    if (gi_verify_scan(&ctx, s->scans, &in, &v, &err) != GI_OK) {
        fprintf(stderr, "gimark serve: verify: %s\n", err.msg);
        return as_json ? send_json_error(c, rq, 503, "io", "verification unavailable")
                       : send_message(s, c, rq, 503, t->busy_title, t->busy_text);
    }
    if (!v.found && unknown_wait_s > 0) {
        /* a client trying code after unknown code: answered, not recorded */
        web_metrics_rate_limited(s->metrics);
        rq->retry_after = unknown_wait_s;
        return as_json ? send_json_error(c, rq, 429, "rate_limited", t->scans_limited_text)
                       : send_message(s, c, rq, 429, t->scans_limited_title, t->scans_limited_text);
    }
    if (!v.found)
        web_ratelimit_take(s->unknown_codes, client, now_ms);
    rq->verdict = gi_verdict_name(v.verdict);
    web_metrics_verdict(s->metrics, v.verdict);
    unsigned status = v.found ? 200 : 404;
    display_of(input, len, shown);
    char link[WEB_GS1_LINK_MAX];
    if (rq->route.id == WEB_ROUTE_DIGITAL_LINK && v.parse != GI_CODE_MALFORMED &&
        !v.lot_mismatch) /* a wrong lot's linkset is not there */
        digital_link_header(s, c, rq, &v, link);
    if (v.lot_mismatch && !as_json) {
        const web_gs1_text_t *g = web_gs1_text(pc.lang);
        return send_message(s, c, rq, 404, g->lot_title, g->lot_text);
    }
    if (as_json) {
        json_t *j = web_json_verification(&pc, &v, shown);
        char *body = j ? json_dumps(j, JSON_COMPACT) : NULL;
        json_decref(j);
        if (!body)
            return MHD_NO;
        return send_body(c, rq, status, JSON, body, strlen(body));
    }
    web_buf_t b;
    web_buf_init(&b, 8192);
    web_page_verification(&b, &pc, &v, shown);
    return send_buf(c, rq, status, HTML, &b);
}

/* --- the GS1 resolver ------------------------------------------------------------------ */

#define PASSED_ON_MAX 1024

typedef struct {
    char *out;
    size_t len, cap;
} passed_on_t;

static void pct_append(passed_on_t *p, const char *v)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; v && *v && p->len + 4 < p->cap; v++) {
        unsigned char ch = (unsigned char)*v;
        if ((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
            strchr("-._~:", ch)) {
            p->out[p->len++] = (char)ch;
        } else {
            p->out[p->len++] = '%';
            p->out[p->len++] = hex[ch >> 4];
            p->out[p->len++] = hex[ch & 15];
        }
    }
    p->out[p->len] = '\0';
}

/* Each query parameter but linkType, re-encoded, for a redirect to pass on. */
static enum MHD_Result passed_on_add(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    passed_on_t *p = cls;
    (void)kind;
    if (!key || strcmp(key, "linkType") == 0 || p->len + 8 >= p->cap)
        return MHD_YES;
    if (p->len > 0)
        p->out[p->len++] = '&';
    pct_append(p, key);
    if (value) {
        p->out[p->len++] = '=';
        pct_append(p, value);
    }
    return MHD_YES;
}

static enum MHD_Result send_gs1_answer(struct MHD_Connection *c, request_t *rq,
                                       web_gs1_response_t *out)
{
    static const web_file_t no_file = {0};
    if (out->status == 500 && !out->body)
        return MHD_NO;
    struct MHD_Response *r =
        answer_response(c, &no_file, out->body, out->len, out->content_type, NULL);
    if (!r)
        return MHD_NO;
    if (out->location[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, out->location);
    rq->link = out->link;
    add_gs1_headers(r, rq);
    if (rq->route.allow && !rq->route.method_ok)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, rq->route.allow);
    return queue_answer(c, rq, out->status, r);
}

/* The GS1 routes but the plain scan: the description, linksets, link
 * types, products, CORS preflights and malformed Digital Links. */
static enum MHD_Result send_gs1(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    char root[WEB_GS1_ROOT_MAX], given[32], gtin[GI_GTIN_LEN + 1], passed[PASSED_ON_MAX] = "";
    web_page_ctx_t pc = page_ctx(s, c);
    const web_gs1_text_t *g = web_gs1_text(pc.lang);
    web_gs1_response_t out;
    memset(&out, 0, sizeof out);
    passed_on_t po = {passed, 0, sizeof passed};
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, passed_on_add, &po);
    web_gs1_root(s->cfg.base_url, header(c, MHD_HTTP_HEADER_HOST), root);
    web_gs1_request_t in = {.method = rq->method,
                            .root = root,
                            .link_type = query(c, "linkType"),
                            .accept = header(c, MHD_HTTP_HEADER_ACCEPT),
                            .passed_on = passed,
                            .lang = pc.lang,
                            .contact = s->cfg.gs1_contact};
    rq->cors = 1;
    if (strcmp(rq->method, "OPTIONS") == 0) {
        out.status = 204;
        out.content_type = "text/plain";
        return send_gs1_answer(c, rq, &out);
    }
    if (!root[0]) {
        web_gs1_message(&in, 400, g->bad_link_title, g->bad_link_text, &out);
        return send_gs1_answer(c, rq, &out);
    }
    if (rq->route.id == WEB_ROUTE_GS1_RESOLVER) {
        web_gs1_description(&in, &out);
        return send_gs1_answer(c, rq, &out);
    }
    int gtin_ok = rq->route.gtin_len > 0 && rq->route.gtin_len < sizeof given;
    if (gtin_ok) {
        memcpy(given, rq->route.gtin, rq->route.gtin_len);
        given[rq->route.gtin_len] = '\0';
        gtin_ok = !memchr(given, '\0', rq->route.gtin_len) &&
                  strspn(given, "0123456789") == rq->route.gtin_len &&
                  gi_gtin_normalize(given, gtin, NULL) == GI_OK;
    }
    if (rq->route.id == WEB_ROUTE_GS1_MALFORMED || !gtin_ok) {
        web_gs1_message(&in, 400, g->bad_link_title, g->bad_link_text, &out);
        return send_gs1_answer(c, rq, &out);
    }
    db_t *db = worker_db(s);
    if (!db) {
        const web_strings_t *t = web_strings(pc.lang);
        return send_message(s, c, rq, 503, t->busy_title, t->busy_text);
    }
    gi_ctx_t ctx = {db, "web", (int64_t)time(NULL), NULL};
    if (rq->route.id == WEB_ROUTE_GS1_CERT) {
        web_gs1_cert_page(&ctx, &in, gtin, &out);
    } else if (rq->route.id == WEB_ROUTE_GS1_PRODUCT) {
        web_gs1_product(&ctx, &in, gtin, rq->route.lot, rq->route.lot_len, &out);
    } else {
        /* a label's links say whether its code exists: the same limit on
         * unknown codes as the consumer's page */
        const char *client = client_of(s, c, rq);
        int64_t now_ms = monotonic_ms();
        int64_t wait_s = web_ratelimit_wait(s->unknown_codes, client, now_ms);
        if (wait_s > 0) {
            const web_strings_t *t = web_strings(pc.lang);
            web_metrics_rate_limited(s->metrics);
            rq->retry_after = wait_s;
            return send_message(s, c, rq, 429, t->scans_limited_title, t->scans_limited_text);
        }
        gi_code_t code;
        if (gi_code_parse(rq->route.code, rq->route.code_len, &code) != GI_CODE_VALID)
            web_gs1_message(&in, 404, g->no_label_title, g->no_label_text, &out);
        else
            web_gs1_label(&ctx, &in, gtin, rq->route.lot, rq->route.lot_len, code.s, &out);
        if (out.status == 404)
            web_ratelimit_take(s->unknown_codes, client, now_ms);
    }
    return send_gs1_answer(c, rq, &out);
}

/* A Digital Link of a label: the consumer page in place (the plain scan,
 * as fast as /V/{code}), or the resolver's answer when a linkType or the
 * linkset is asked for; 400 when its GTIN is not one. */
static enum MHD_Result send_digital_link(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    const char *lt = query(c, "linkType");
    const char *accept = header(c, MHD_HTTP_HEADER_ACCEPT);
    rq->cors = 1;
    if (lt || strcmp(rq->method, "OPTIONS") == 0 ||
        (accept && strstr(accept, "application/linkset+json")))
        return send_gs1(s, c, rq);
    char given[32], gtin[GI_GTIN_LEN + 1];
    if (rq->route.gtin_len >= sizeof given || rq->route.gtin_len == 0 ||
        (memcpy(given, rq->route.gtin, rq->route.gtin_len), given[rq->route.gtin_len] = '\0',
         strspn(given, "0123456789") != rq->route.gtin_len) ||
        gi_gtin_normalize(given, gtin, NULL) != GI_OK) {
        const web_gs1_text_t *g = web_gs1_text(page_ctx(s, c).lang);
        return send_message(s, c, rq, 400, g->bad_link_title, g->bad_link_text);
    }
    return send_verification(s, c, rq, rq->route.code, rq->route.code_len, 0);
}

/* --- consumer reports ------------------------------------------------------------------ */

static enum MHD_Result on_form_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *filename, const char *content_type,
                                     const char *transfer_encoding, const char *data, uint64_t off,
                                     size_t size)
{
    form_t *f = cls;
    (void)kind, (void)content_type, (void)transfer_encoding;
    if (filename)
        web_form_add_file(&f->fields, key, data, off, size);
    else
        web_form_add(&f->fields, key, data, off, size);
    return MHD_YES;
}

/* The submitted form, complete: NULL when the request was not a form. */
static const web_form_t *form_done(request_t *rq)
{
    form_t *f = rq->form;
    if (f && f->pp) {
        MHD_destroy_post_processor(f->pp); /* hands over the last field it still holds */
        f->pp = NULL;
        f->done = 1;
    }
    return f && f->done ? &f->fields : NULL;
}

/* Shoppers behind one carrier address (a mobile network's NAT) each report
 * the label in their hand: the limit of reports_per_hour (burst 3) holds
 * per client and code, and a client alone may send REPORT_CLIENT_FACTOR
 * times as many (burst REPORT_CLIENT_BURST), which still stops a flood
 * over many codes. */
#define REPORT_CLIENT_FACTOR 10
#define REPORT_CLIENT_BURST  30

/* The rate limit's key of a client and a code: a short hash of both. */
static void report_key(const char *client, const char *code, char out[25])
{
    unsigned char h[12];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)client, strlen(client) + 1);
    crypto_generichash_update(&st, (const unsigned char *)code, strlen(code));
    crypto_generichash_final(&st, h, sizeof h);
    sodium_bin2hex(out, 25, h, sizeof h);
}

static enum MHD_Result send_report(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    char shown[DISPLAY_MAX + 1];
    web_page_ctx_t pc = page_ctx(s, c);
    const web_strings_t *t = web_strings(pc.lang);
    const web_form_t *f = form_done(rq);
    if (!f)
        return send_message(s, c, rq, 415, t->unsupported_title, t->report_invalid_title);
    if (f->too_big)
        return send_message(s, c, rq, 413, t->too_large_title, t->report_invalid_title);
    if (f->has_nul)
        return send_message(s, c, rq, 400, t->report_invalid_title, t->bad_request_title);
    const char *client = client_of(s, c, rq);
    gi_code_t code;
    display_of(rq->route.code, rq->route.code_len, shown);
    if (gi_code_parse(rq->route.code, rq->route.code_len, &code) != GI_CODE_MALFORMED)
        snprintf(shown, sizeof shown, "%s", code.s);
    char key[25];
    report_key(client, shown, key);
    int64_t now_ms = monotonic_ms();
    int64_t wait_s = web_ratelimit_take(s->reports, key, now_ms);
    if (wait_s == 0) {
        wait_s = web_ratelimit_take(s->report_clients, client, now_ms);
        if (wait_s > 0) /* refused by the client's own limit: the code's token is not spent */
            web_ratelimit_give(s->reports, key, now_ms);
    }
    if (wait_s > 0) {
        web_metrics_rate_limited(s->metrics);
        rq->retry_after = wait_s;
        return send_message(s, c, rq, 429, t->report_limited_title, t->report_limited_text);
    }
    db_t *db = worker_db(s);
    if (!db)
        return send_message(s, c, rq, 503, t->busy_title, t->busy_text);
    gi_ctx_t ctx = {db, "web:consumer", (int64_t)time(NULL), NULL};
    const char *text = web_form_get(f, "text"), *contact = web_form_get(f, "contact");
    gi_report_input_t in = {shown, text ? text : "", contact ? contact : "", client};
    gi_error_t err;
    gi_err_t rc = gi_report_add(&ctx, &in, NULL, &err);
    if (rc == GI_EINVAL)
        return send_message(s, c, rq, 400, t->report_invalid_title, err.msg);
    if (rc != GI_OK) {
        fprintf(stderr, "gimark serve: report: %s\n", err.msg);
        return send_message(s, c, rq, 503, t->busy_title, t->busy_text);
    }
    web_buf_t b;
    web_buf_init(&b, 4096);
    web_page_report_done(&b, &pc, shown);
    return send_buf(c, rq, 200, HTML, &b);
}

/* --- the REST API ----------------------------------------------------------------------- */

static enum MHD_Result send_api(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    db_t *db = worker_db(s);
    if (!db)
        return send_json_error(c, rq, 503, "io", "database unavailable");
    char path[512];
    snprintf(path, sizeof path, "%.*s", (int)rq->route.code_len, rq->route.code);
    char root[WEB_GS1_ROOT_MAX];
    web_gs1_root(s->cfg.base_url, header(c, MHD_HTTP_HEADER_HOST), root);
    web_api_request_t in = {.method = rq->method,
                            .root = root,
                            .path = path,
                            .authorization = header(c, MHD_HTTP_HEADER_AUTHORIZATION),
                            .body = rq->body,
                            .body_len = rq->body_len,
                            .query = query,
                            .query_arg = c,
                            .base_url = s->cfg.base_url,
                            .layout = s->cfg.layout,
                            .render = s->render,
                            .target = s->cfg.target,
                            .repeat_threshold = s->cfg.repeat_threshold,
                            .report_period = s->cfg.report_period,
                            .grades = &s->cfg.grades,
                            .draw_ratios = s->cfg.draw_ratios};
    web_api_response_t out;
    gi_ctx_t ctx = {db, "web:api", (int64_t)time(NULL), NULL};
    web_api_handle(&ctx, &in, &out);
    if (!out.file.job && !out.file.head_only && !out.body)
        return MHD_NO;
    struct MHD_Response *r = answer_response(
        c, &out.file, out.body, out.len, out.content_type ? out.content_type : JSON, out.filename);
    if (!r)
        return MHD_NO;
    if (out.allow)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, out.allow);
    if (out.challenge)
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
    if (out.location[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, out.location);
    if (out.link[0])
        MHD_add_response_header(r, "Link", out.link);
    if (out.file.retry_after > 0)
        add_retry_after(r, out.file.retry_after);
    return queue_answer(c, rq, out.status, r);
}

/* --- the signed-in pages ------------------------------------------------------------------ */

static enum MHD_Result send_portal(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    db_t *db = worker_db(s);
    web_page_ctx_t pc = page_ctx(s, c);
    const web_strings_t *t = web_strings(pc.lang);
    if (!db)
        return send_message(s, c, rq, 503, t->busy_title, t->busy_text);
    const char *client = client_of(s, c, rq);
    const web_form_t *form = form_done(rq);
    if (form && (form->too_big || form->has_nul))
        return send_message(s, c, rq, 400, t->bad_request_title, t->not_found_text);
    web_portal_request_t in = {
        .method = rq->method,
        .path = rq->url,
        .session_cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, WEB_SESSION_COOKIE),
        .login_cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, WEB_LOGIN_COOKIE),
        .form = form,
        .lang = web_lang_desk(pc.lang),
        .query = query,
        .query_arg = c,
        .client_key = client,
        .base_url = s->cfg.base_url,
        .layout = s->cfg.layout,
        .render = s->render,
        .target = s->cfg.target,
        .repeat_threshold = s->cfg.repeat_threshold,
        .report_period = s->cfg.report_period,
        .grades = &s->cfg.grades,
        .draw_ratios = s->cfg.draw_ratios,
        .logins = s->logins,
        .now_ms = monotonic_ms(),
    };
    web_portal_response_t out;
    gi_ctx_t ctx = {db, "web:pages", (int64_t)time(NULL), NULL};
    web_portal_handle(&ctx, &in, &out);
    struct MHD_Response *r = answer_response(
        c, &out.file, out.body, out.len, out.content_type ? out.content_type : HTML, out.filename);
    if (!r)
        return MHD_NO;
    for (int i = 0; i < 2; i++)
        if (out.cookies[i][0])
            MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, out.cookies[i]);
    if (out.location[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, out.location);
    if (out.retry_after > 0)
        add_retry_after(r, out.retry_after);
    return queue_answer(c, rq, out.status, r);
}

/* --- the other routes ---------------------------------------------------------------------- */

static enum MHD_Result send_metrics(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    gi_scan_stats_t st;
    web_buf_t b;
    gi_scan_stats(s->scans, &st);
    web_buf_init(&b, 8192);
    web_metrics_render(s->metrics, &st, &b);
    size_t len;
    char *body = web_buf_take(&b, &len);
    if (!body)
        return MHD_NO;
    return send_body(c, rq, 200, "text/plain; version=0.0.4; charset=utf-8", body, len);
}

static enum MHD_Result send_health(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    db_t *db = worker_db(s);
    int ok = db && db_schema_version(db) == db_schema_latest(db);
    const char *text = ok ? "ok\n" : "database unavailable\n";
    char *body = strdup(text);
    if (!body)
        return MHD_NO;
    return send_body(c, rq, ok ? 200 : 503, "text/plain; charset=utf-8", body, strlen(body));
}

static enum MHD_Result send_stylesheet(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    rq->status = 200;
    return MHD_queue_response(c, 200, s->stylesheet);
}

static enum MHD_Result refuse(web_server_t *s, struct MHD_Connection *c, request_t *rq,
                              unsigned status);

static enum MHD_Result send_emblem(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    rq->status = 200;
    return MHD_queue_response(c, 200, s->emblem);
}

/* /photo/{product}-{photo_at}.png: the product's photo while photo_at is its
 * current one (a new upload is a new URL, so this one may be cached for ever). */
static enum MHD_Result send_photo(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    char name[48], tail;
    long long id = 0, at = 0;
    snprintf(name, sizeof name, "%.*s", (int)rq->route.code_len, rq->route.code);
    db_t *db = worker_db(s);
    unsigned char *png = NULL;
    size_t len = 0;
    int64_t photo_at = 0;
    if (sscanf(name, "%lld-%lld%c", &id, &at, &tail) != 2 || id <= 0 || at <= 0 || !db ||
        db_product_photo_get(db, id, &png, &len, &photo_at) != DB_OK || photo_at != at) {
        free(png);
        if (!db)
            return refuse(s, c, rq, 503);
        return refuse(s, c, rq, 404);
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(len, png, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(png);
        return MHD_NO;
    }
    add_security_headers(r);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "image/png");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
                            "public, max-age=31536000, immutable");
    return queue_answer(c, rq, 200, r);
}

static enum MHD_Result send_home(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    web_buf_t b;
    web_page_ctx_t pc = page_ctx(s, c);
    web_buf_init(&b, 4096);
    web_page_home(&b, &pc);
    return send_buf(c, rq, 200, HTML, &b);
}

/* A refusal before any route runs (400, 404, 405, 413): JSON for the API,
 * else a page. */
static enum MHD_Result refuse(web_server_t *s, struct MHD_Connection *c, request_t *rq,
                              unsigned status)
{
    static const struct {
        unsigned status;
        const char *code, *message;
    } why[] = {{400, "invalid", "HTTP/1.1 request without Host"},
               {405, "method_not_allowed", "method not allowed"},
               {413, "too_large", "request body too large"},
               {404, "not_found", "no such page"}};
    size_t i = 0;
    while (i + 1 < sizeof why / sizeof why[0] && why[i].status != status)
        i++;
    if (rq->route.id == WEB_ROUTE_VERIFY_API || rq->route.id == WEB_ROUTE_API)
        return send_json_error(c, rq, status, why[i].code, why[i].message);
    const web_strings_t *t = web_strings(page_ctx(s, c).lang);
    const char *title = status == 400   ? t->bad_request_title
                        : status == 405 ? t->method_title
                        : status == 413 ? t->too_large_title
                                        : t->not_found_title;
    return send_message(s, c, rq, status, title, t->not_found_text);
}

static enum MHD_Result dispatch(web_server_t *s, struct MHD_Connection *c, request_t *rq)
{
    if (rq->host_missing)
        return refuse(s, c, rq, 400);
    if (rq->body_too_large)
        return refuse(s, c, rq, 413);
    if (!rq->route.method_ok)
        return refuse(s, c, rq, 405);
    switch (rq->route.id) {
    case WEB_ROUTE_HOME:
        return send_home(s, c, rq);
    case WEB_ROUTE_VERIFY_FORM: {
        const char *typed = query(c, "code");
        if (!typed || !*typed)
            return send_home(s, c, rq);
        return send_verification(s, c, rq, typed, strlen(typed), 0);
    }
    case WEB_ROUTE_VERIFY_PAGE:
        return send_verification(s, c, rq, rq->route.code, rq->route.code_len, 0);
    case WEB_ROUTE_DIGITAL_LINK:
        return send_digital_link(s, c, rq);
    case WEB_ROUTE_GS1_PRODUCT:
    case WEB_ROUTE_GS1_MALFORMED:
    case WEB_ROUTE_GS1_RESOLVER:
    case WEB_ROUTE_GS1_CERT:
        return send_gs1(s, c, rq);
    case WEB_ROUTE_VERIFY_API:
        return send_verification(s, c, rq, rq->route.code, rq->route.code_len, 1);
    case WEB_ROUTE_REPORT:
        return send_report(s, c, rq);
    case WEB_ROUTE_API:
        return send_api(s, c, rq);
    case WEB_ROUTE_PORTAL:
        return send_portal(s, c, rq);
    case WEB_ROUTE_EMBLEM:
        return send_emblem(s, c, rq);
    case WEB_ROUTE_PHOTO:
        return send_photo(s, c, rq);
    case WEB_ROUTE_HEALTHZ:
        return send_health(s, c, rq);
    case WEB_ROUTE_METRICS:
        return send_metrics(s, c, rq);
    case WEB_ROUTE_STYLESHEET:
        return send_stylesheet(s, c, rq);
    default:
        return refuse(s, c, rq, 404);
    }
}

/* --- slow clients ------------------------------------------------------------------------ */

/* Sets the deadline of c's next request head (0: none awaited). */
static void head_done(struct MHD_Connection *c, int64_t next_deadline_ms)
{
    conn_watch_t *w = watch_of(c);
    if (w)
        atomic_store_explicit(&w->head_deadline_ms, next_deadline_ms, memory_order_relaxed);
}

/* Watches each connection from its start until it closes. libmicrohttpd
 * reports the close before it closes the socket, so the watchdog, which
 * shuts sockets down under watch_lock, never touches a closed descriptor. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode what)
{
    web_server_t *s = cls;
    conn_watch_t *w = *socket_context;
    if (what == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (!ci || !(w = calloc(1, sizeof *w)))
            return; /* not watched: the idle timeout still applies */
        w->fd = ci->connect_fd;
        atomic_init(&w->head_deadline_ms, monotonic_ms() + (int64_t)s->cfg.head_timeout_s * 1000);
        pthread_mutex_lock(&s->watch_lock);
        w->next = s->watched.next;
        w->prev = &s->watched;
        w->next->prev = w;
        s->watched.next = w;
        pthread_mutex_unlock(&s->watch_lock);
        *socket_context = w;
    } else if (w) {
        pthread_mutex_lock(&s->watch_lock);
        w->prev->next = w->next;
        w->next->prev = w->prev;
        pthread_mutex_unlock(&s->watch_lock);
        free(w);
        *socket_context = NULL;
    }
}

/* Shuts down the connections whose request head is late, twice a second. */
static void *watchdog_main(void *arg)
{
    web_server_t *s = arg;
    pthread_mutex_lock(&s->watch_lock);
    while (!s->watch_stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 500 * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&s->watch_wake, &s->watch_lock, &until);
        int64_t now = monotonic_ms();
        for (conn_watch_t *w = s->watched.next; w != &s->watched; w = w->next) {
            int64_t due = atomic_load_explicit(&w->head_deadline_ms, memory_order_relaxed);
            if (due != 0 && due < now) {
                shutdown(w->fd, SHUT_RDWR); /* libmicrohttpd then closes it */
                atomic_store_explicit(&w->head_deadline_ms, 0, memory_order_relaxed);
            }
        }
    }
    pthread_mutex_unlock(&s->watch_lock);
    return NULL;
}

static int watchdog_start(web_server_t *s)
{
    pthread_mutex_init(&s->watch_lock, NULL);
    pthread_cond_init(&s->watch_wake, NULL);
    s->watched.next = s->watched.prev = &s->watched;
    s->watchdog_running = pthread_create(&s->watchdog, NULL, watchdog_main, s) == 0;
    return s->watchdog_running ? 0 : -1;
}

/* After the daemon has stopped: every connection is closed and unwatched. */
static void watchdog_stop(web_server_t *s)
{
    if (s->watchdog_running) {
        pthread_mutex_lock(&s->watch_lock);
        s->watch_stopping = 1;
        pthread_cond_signal(&s->watch_wake);
        pthread_mutex_unlock(&s->watch_lock);
        pthread_join(s->watchdog, NULL);
        s->watchdog_running = 0;
    }
    pthread_cond_destroy(&s->watch_wake);
    pthread_mutex_destroy(&s->watch_lock);
}

/* Makes room for max_conns connections in the descriptor limit: raises the
 * soft limit towards the hard one, and when even that is too low, takes
 * fewer connections (with a warning) rather than fail to accept. */
static void fit_fd_limit(web_config_t *cfg)
{
    const rlim_t spare = 128; /* databases, the listener, logs */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    rlim_t want = (rlim_t)cfg->max_conns + spare;
    if (rl.rlim_cur < want) {
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur < want) {
        unsigned fit = rl.rlim_cur > 2 * spare ? (unsigned)(rl.rlim_cur - spare) : 16;
        fprintf(stderr,
                "gimark serve: the open file limit (%llu) leaves room for %u connections, not "
                "%u: raise LimitNOFILE\n",
                (unsigned long long)rl.rlim_cur, fit, cfg->max_conns);
        cfg->max_conns = fit;
    }
}

/* --- the access handler ---------------------------------------------------------------- */

static void flight_add(web_server_t *s, int64_t delta)
{
    pthread_mutex_lock(&s->flight_lock);
    s->in_flight += delta;
    if (s->in_flight == 0)
        pthread_cond_broadcast(&s->flight_done);
    pthread_mutex_unlock(&s->flight_lock);
}

/* True for the requests whose body is a form: reports, and the signed-in
 * pages' POSTs. */
static int takes_form(const web_route_t *r, const char *method)
{
    return strcmp(method, "POST") == 0 && r->method_ok &&
           (r->id == WEB_ROUTE_REPORT || r->id == WEB_ROUTE_PORTAL);
}

/* Starts a request's state; for a report, its form parser. NULL when out of memory. */
/* A photo's upload may be far larger than any other body: only a signed-in
 * regulator's is read to max-photo-bytes, so that anonymous connections
 * posting to the upload's URL hold no more than max-body-bytes each. */
static int may_upload(web_server_t *s, struct MHD_Connection *c)
{
    const char *sid = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, WEB_SESSION_COOKIE);
    db_t *db = sid ? worker_db(s) : NULL;
    if (!db)
        return 0;
    gi_ctx_t ctx = {db, "web", (int64_t)time(NULL), NULL};
    db_account_t account;
    char csrf[GI_CSRF_MAX];
    gi_error_t err;
    return gi_session_resolve(&ctx, sid, &account, csrf, &err) == GI_OK &&
           strcmp(account.role, "regulator") == 0;
}

static request_t *request_begin(web_server_t *s, struct MHD_Connection *c, const char *url,
                                const char *method, const char *version)
{
    request_t *rq = calloc(1, sizeof *rq);
    if (!rq)
        return NULL;
    clock_gettime(CLOCK_MONOTONIC, &rq->start);
    web_route(method, url, &rq->route);
    rq->method = method;
    rq->url = url;
    rq->host_missing = strcmp(version, "HTTP/1.1") == 0 && !header(c, MHD_HTTP_HEADER_HOST);
    if (s->access_log && (rq->route.id == WEB_ROUTE_API || rq->route.id == WEB_ROUTE_PORTAL))
        rq->logged_path = strndup(url, 200);
    rq->body_limit = s->cfg.max_body_bytes;
    if (rq->route.id == WEB_ROUTE_PORTAL && web_portal_is_upload(url) &&
        s->cfg.max_photo_bytes > rq->body_limit && may_upload(s, c))
        rq->body_limit = s->cfg.max_photo_bytes;
    const char *length = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (length && strtoull(length, NULL, 10) > rq->body_limit)
        rq->body_too_large = 1;
    if (takes_form(&rq->route, method) && !rq->body_too_large) {
        rq->form = calloc(1, sizeof *rq->form);
        if (rq->form) {
            web_form_init(&rq->form->fields, rq->body_limit);
            rq->form->pp = MHD_create_post_processor(c, 4096, on_form_field, rq->form);
        }
    }
    flight_add(s, 1);
    return rq;
}

/* Appends to an API request's body (bounded by the body limit, checked by
 * the caller); -1 when out of memory. */
static int keep_body(web_server_t *s, request_t *rq, const char *data, size_t n)
{
    if (!rq->body && !(rq->body = malloc(s->cfg.max_body_bytes)))
        return -1;
    memcpy(rq->body + rq->body_len, data, n);
    rq->body_len += n;
    return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    web_server_t *s = cls;
    request_t *rq = *con_cls;
    if (!rq) {
        head_done(c, 0);
        if (!(rq = request_begin(s, c, url, method, version)))
            return MHD_NO;
        *con_cls = rq;
        if (rq->body_too_large) /* declared too large: refuse before reading it */
            return dispatch(s, c, rq);
        return MHD_YES;
    }
    if (*upload_size) {
        rq->body_bytes += *upload_size;
        if (rq->body_bytes > rq->body_limit)
            rq->body_too_large = 1;
        else if (rq->form && rq->form->pp)
            MHD_post_process(rq->form->pp, upload, *upload_size);
        else if (rq->route.id == WEB_ROUTE_API && keep_body(s, rq, upload, *upload_size) != 0)
            return MHD_NO;
        *upload_size = 0;
        /* libmicrohttpd 0.9.75 cannot queue an answer in the middle of a
         * body: an oversize body without a declared length is read and
         * dropped, up to a bound, and refused at its end; past the bound the
         * connection is closed */
        return rq->body_bytes > rq->body_limit + DISCARD_MAX ? MHD_NO : MHD_YES;
    }
    if (rq->status != 0) /* answered already (a refused body) */
        return MHD_YES;
    return dispatch(s, c, rq);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
    web_server_t *s = cls;
    request_t *rq = *con_cls;
    (void)why;
    if (!rq)
        return;
    /* the next request on a kept-alive connection: its head is due within the
     * idle timeout (which closes a silent connection first) and the head deadline */
    head_done(c, monotonic_ms() + (int64_t)(s->cfg.timeout_s + s->cfg.head_timeout_s) * 1000);
    unsigned status = rq->status ? rq->status : 499;
    double seconds = seconds_since(&rq->start);
    web_metrics_request(s->metrics, rq->route.id, status, seconds);
    if (s->access_log) {
        web_access_t a = {
            rq->method,  web_route_name(rq->route.id),     rq->logged_path, status, seconds,
            rq->verdict, rq->client[0] ? rq->client : NULL};
        web_accesslog_add(s->access_log, &a);
    }
    if (rq->form) {
        if (rq->form->pp)
            MHD_destroy_post_processor(rq->form->pp);
        web_form_free(&rq->form->fields);
        free(rq->form);
    }
    free(rq->body);
    free(rq->logged_path);
    free(rq);
    *con_cls = NULL;
    flight_add(s, -1);
}

static void on_mhd_error(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    fprintf(stderr, "gimark serve: %s\n", line);
}

/* --- start and stop -------------------------------------------------------------------------- */

/* Half the worker threads check passwords at most, so that the others keep
 * answering verifications while sign-ins are flooded; at least one. */
static void login_hashes_default(web_config_t *cfg)
{
    if (!cfg->login_hashes)
        cfg->login_hashes = cfg->threads / 2 ? cfg->threads / 2 : 1;
}

void web_config_defaults(web_config_t *cfg)
{
    if (!cfg->host)
        cfg->host = "127.0.0.1";
    if (!cfg->threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        cfg->threads = n > 0 && n < 256 ? (unsigned)n : 2;
    }
    if (!cfg->base_url)
        cfg->base_url = "";
    if (!cfg->max_conns)
        cfg->max_conns = 4096;
    if (!cfg->timeout_s)
        cfg->timeout_s = 15;
    if (!cfg->head_timeout_s)
        cfg->head_timeout_s = 10;
    if (!cfg->max_header_bytes)
        cfg->max_header_bytes = 16 * 1024;
    if (!cfg->max_body_bytes)
        cfg->max_body_bytes = 32 * 1024;
    if (!cfg->max_photo_bytes)
        cfg->max_photo_bytes = 4 * 1024 * 1024;
    if (!cfg->repeat_threshold)
        cfg->repeat_threshold = 10;
    if (cfg->report_period != 2 && cfg->report_period != 4)
        cfg->report_period = 1;
    if (cfg->repeat_window_s <= 0)
        cfg->repeat_window_s = GI_REPEAT_WINDOW_DEFAULT;
    if (cfg->reports_per_hour <= 0)
        cfg->reports_per_hour = 10;
    if (!cfg->cache_mb)
        cfg->cache_mb = 64;
    if (!cfg->track_codes)
        cfg->track_codes = 100000;
    if (cfg->target <= 0)
        cfg->target = 1000;
    if (cfg->grades.n == 0)
        gi_grade_config_parse(GI_GRADE_CLASSES_DEFAULT, cfg->repeat_threshold, &cfg->grades, NULL);
    if (!cfg->draw_ratios)
        cfg->draw_ratios = GI_DRAW_RATIOS_DEFAULT;
    if (!cfg->trusted_proxies)
        cfg->trusted_proxies = "";
    if (!cfg->unknown_per_minute)
        cfg->unknown_per_minute = 30;
    login_hashes_default(cfg);
    web_render_defaults(&cfg->render);
}

static int resolve(const char *host, unsigned port, struct sockaddr_storage *out, gi_error_t *err)
{
    struct addrinfo hints = {0}, *ai = NULL;
    char service[8];
    hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(service, sizeof service, "%u", port);
    int rc = getaddrinfo(host, service, &hints, &ai);
    if (rc != 0 || !ai || ai->ai_addrlen > sizeof *out) {
        gi_fail(err, GI_EINVAL, "cannot listen on '%s': %s", host,
                rc ? gai_strerror(rc) : "no address");
        if (ai)
            freeaddrinfo(ai);
        return -1;
    }
    memset(out, 0, sizeof *out);
    memcpy(out, ai->ai_addr, ai->ai_addrlen);
    freeaddrinfo(ai);
    return 0;
}

static int start_daemon(web_server_t *s, gi_error_t *err)
{
    struct sockaddr_storage addr;
    const web_config_t *cfg = &s->cfg;
    if (resolve(cfg->host, cfg->port, &addr, err) != 0)
        return -1;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_TURBO |
                     MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    s->mhd = MHD_start_daemon(
        flags, (uint16_t)cfg->port, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER,
        on_mhd_error, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, cfg->threads, MHD_OPTION_CONNECTION_LIMIT, cfg->max_conns,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->max_conns_per_ip, MHD_OPTION_CONNECTION_TIMEOUT,
        cfg->timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->max_header_bytes,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_END);
    if (!s->mhd) {
        gi_fail(err, GI_EIO, "cannot listen on %s port %u (in use, or not an address of this host)",
                cfg->host, cfg->port);
        return -1;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : cfg->port;
    return 0;
}

static int load_secret(web_server_t *s, gi_error_t *err)
{
    char dberr[256];
    db_t *db = db_open(s->db_path, dberr, sizeof dberr);
    if (!db) {
        gi_fail(err, GI_EIO, "%s", dberr);
        return -1;
    }
    gi_ctx_t ctx = {db, "web", (int64_t)time(NULL), NULL};
    gi_err_t rc = gi_client_secret(&ctx, s->client_secret, err);
    db_close(db);
    return rc == GI_OK ? 0 : -1;
}

/* The sign-in limits, keyed with the secret load_secret() read. */
static int start_logins(web_server_t *s, gi_error_t *err)
{
    if (!(s->logins = web_loginlimit_new(s->client_secret, s->cfg.login_hashes))) {
        gi_fail(err, GI_ENOMEM, "out of memory");
        return -1;
    }
    return 0;
}

static struct MHD_Response *stylesheet_response(void)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        web_stylesheet_len, (void *)web_stylesheet, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return NULL;
    add_security_headers(r);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/css; charset=utf-8");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "public, max-age=86400");
    return r;
}

static struct MHD_Response *emblem_response(void)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        web_emblem_svg_len, (void *)web_emblem_svg, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return NULL;
    add_security_headers(r);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "image/svg+xml");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "public, max-age=86400");
    return r;
}

static void server_free(web_server_t *s)
{
    web_ratelimit_free(s->reports);
    web_ratelimit_free(s->report_clients);
    web_ratelimit_free(s->unknown_codes);
    web_loginlimit_free(s->logins);
    web_metrics_free(s->metrics);
    if (s->stylesheet)
        MHD_destroy_response(s->stylesheet);
    if (s->emblem)
        MHD_destroy_response(s->emblem);
    free(s->office_name);
    free(s->office_hotline);
    free(s->office_website);
    sodium_memzero(s->client_secret, sizeof s->client_secret);
    free(s->db_path);
    free(s->db_read_path);
    free(s->host);
    free(s->base_url);
    free(s->trusted_proxies);
    free(s);
}

web_server_t *web_server_start(const web_config_t *cfg, gi_error_t *err)
{
    web_server_t *s = calloc(1, sizeof *s);
    if (!s) {
        gi_fail(err, GI_ENOMEM, "out of memory");
        return NULL;
    }
    s->cfg = *cfg;
    web_config_defaults(&s->cfg);
    s->db_path = strdup(cfg->db_path);
    s->db_read_path = cfg->db_read_path ? strdup(cfg->db_read_path) : NULL;
    s->host = strdup(s->cfg.host);
    s->base_url = strdup(s->cfg.base_url);
    s->trusted_proxies = strdup(s->cfg.trusted_proxies);
    s->metrics = web_metrics_new();
    s->reports = web_ratelimit_new(s->cfg.reports_per_hour, 3, 65536);
    s->report_clients = web_ratelimit_new(s->cfg.reports_per_hour * REPORT_CLIENT_FACTOR,
                                          REPORT_CLIENT_BURST, 65536);
    s->unknown_codes = web_ratelimit_new(s->cfg.unknown_per_minute * 60.0,
                                         (double)s->cfg.unknown_per_minute, 65536);
    s->stylesheet = stylesheet_response();
    s->emblem = emblem_response();
    s->office_name = strdup(cfg->office_name ? cfg->office_name : "");
    s->office_hotline = strdup(cfg->office_hotline ? cfg->office_hotline : "");
    s->office_website = strdup(cfg->office_website ? cfg->office_website : "");
    if (!s->db_path || !s->host || !s->base_url || !s->trusted_proxies || !s->metrics ||
        !s->reports || !s->report_clients || !s->unknown_codes || !s->stylesheet || !s->emblem ||
        !s->office_name || !s->office_hotline || !s->office_website) {
        gi_fail(err, GI_ENOMEM, "out of memory");
        server_free(s);
        return NULL;
    }
    s->cfg.db_path = s->db_path;
    s->cfg.db_read_path = s->db_read_path;
    if (s->db_read_path) { /* a standby that cannot be read is said at once */
        char msg[256];
        db_t *standby = db_open_replica(s->db_read_path, msg, sizeof msg);
        if (!standby) {
            gi_fail(err, GI_EIO, "--db-read: %s", msg);
            server_free(s);
            return NULL;
        }
        db_close(standby);
    }
    s->cfg.host = s->host;
    s->cfg.base_url = s->base_url;
    s->cfg.trusted_proxies = s->trusted_proxies;
    if (cfg->layout)
        s->layout = *cfg->layout;
    else
        label_layout_default(&s->layout);
    s->cfg.layout = &s->layout;
    if (load_secret(s, err) != 0 || start_logins(s, err) != 0) {
        server_free(s);
        return NULL;
    }
    pthread_mutex_init(&s->flight_lock, NULL);
    pthread_cond_init(&s->flight_done, NULL);
    pthread_key_create(&s->db_key, close_worker_db);
    pthread_key_create(&s->read_db_key, close_worker_db);
    atomic_init(&s->read_db_retry_ms, 0);
    gi_scan_config_t scan_cfg = {.window_s = s->cfg.repeat_window_s,
                                 .clients_kept = (size_t)s->cfg.repeat_threshold + 1,
                                 .max_tracked = s->cfg.track_codes};
    s->scans = gi_scan_queue_start(s->db_path, &scan_cfg, err);
    if (s->cfg.access_log && !(s->access_log = web_accesslog_start(STDERR_FILENO)))
        gi_fail(err, GI_ENOMEM, "cannot start the access log");
    int watching = watchdog_start(s) == 0;
    if (!watching)
        gi_fail(err, GI_EIO, "cannot start the connection watchdog");
    fit_fd_limit(&s->cfg);
    if (s->scans && watching)
        s->render = web_render_start(s->db_path, &s->cfg.render, err);
    if (!s->scans || !s->render || (s->cfg.access_log && !s->access_log) || !watching ||
        start_daemon(s, err) != 0) {
        web_render_stop(s->render);
        watchdog_stop(s);
        web_accesslog_stop(s->access_log);
        gi_scan_queue_stop(s->scans);
        pthread_key_delete(s->db_key);
        pthread_key_delete(s->read_db_key);
        pthread_cond_destroy(&s->flight_done);
        pthread_mutex_destroy(&s->flight_lock);
        server_free(s);
        return NULL;
    }
    return s;
}

unsigned web_server_port(const web_server_t *s)
{
    return s->port;
}

/* Waits until no request is in flight, or the grace period is over. */
static void wait_in_flight(web_server_t *s)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += STOP_GRACE_MS / 1000;
    pthread_mutex_lock(&s->flight_lock);
    while (s->in_flight > 0 &&
           pthread_cond_timedwait(&s->flight_done, &s->flight_lock, &until) == 0)
        ;
    pthread_mutex_unlock(&s->flight_lock);
}

void web_server_stop(web_server_t *s)
{
    if (!s)
        return;
    MHD_socket fd = MHD_quiesce_daemon(s->mhd);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    /* downloads end at once: their readers are woken and told the file failed */
    web_render_cancel_all(s->render);
    wait_in_flight(s);
    web_render_cancel_all(s->render); /* any started since */
    MHD_stop_daemon(s->mhd);
    web_render_stop(s->render);
    watchdog_stop(s);
    gi_scan_queue_stop(s->scans); /* stores every queued scan */
    web_accesslog_stop(s->access_log);
    pthread_key_delete(s->db_key);
    pthread_key_delete(s->read_db_key);
    pthread_cond_destroy(&s->flight_done);
    pthread_mutex_destroy(&s->flight_lock);
    server_free(s);
}
