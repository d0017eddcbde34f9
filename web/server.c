/*
 * server.c - the libmicrohttpd daemon: limits, per-request state, dispatch
 * to the consumer's routes (web/consumer_routes.c) and the others
 * (web/server_routes.c), and a clean stop; answers are built by
 * web/server_reply.c (web/server_internal.h says which file owns what).
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
#include "web/server_internal.h"
#include "gi/inspect.h"
#include "gi/verify.h"
#include "web/assets.h"
#include "web/emblem.h"
#include "web/portal.h"

#include <arpa/inet.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <netdb.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define STOP_GRACE_MS 5000
#define DISCARD_MAX   (1 << 20) /* bytes of an oversize body read before closing */
#define SNAPSHOT_MS   50        /* changes show on the consumer page within this */

/* --- small helpers ------------------------------------------------------------- */

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
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
const char *client_of(web_server_t *s, struct MHD_Connection *c, request_t *rq)
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
db_t *worker_db(web_server_t *s)
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
db_t *worker_read_db(web_server_t *s)
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

/* --- forms ------------------------------------------------------------------------------ */

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
const web_form_t *form_done(request_t *rq)
{
    form_t *f = rq->form;
    if (f && f->pp) {
        MHD_destroy_post_processor(f->pp); /* hands over the last field it still holds */
        f->pp = NULL;
        f->done = 1;
    }
    return f && f->done ? &f->fields : NULL;
}

/* --- dispatch --------------------------------------------------------------------------- */

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

/* glibc's malloc, set before any thread starts. Blocks of MMAP_THRESHOLD or
 * more get a mapping of their own, unmapped when freed, and a heap gives
 * back its free top past TRIM_THRESHOLD. By default both thresholds rise
 * to the largest block freed so far: after the first download, cairo's
 * copy of the CJK font's CFF table (about 16 MB, made again for every PDF
 * part) and libqpdf's buffers came from a render thread's heap and stayed
 * there, free but resident, beside the next part's objects. 4 MB: a
 * 20,000-label PDF's highest fell from 42.3 to 28.4 MB (RssAnon); 128 KB
 * did no better and took six times the system time (mappings made and
 * dropped for every page). */
#define MMAP_THRESHOLD (4 * 1024 * 1024)
#define TRIM_THRESHOLD (4 * 1024 * 1024)
static void malloc_settings(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD);
#endif
}

web_server_t *web_server_start(const web_config_t *cfg, gi_error_t *err)
{
    malloc_settings();
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
    /* the office's contact is set once: the resolver names it without gs1-contact */
    s->cfg.gs1_contact =
        web_gs1_contact(cfg->gs1_contact, s->office_website, s->office_hotline, s->gs1_tel);
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
                                 .max_tracked = s->cfg.track_codes,
                                 .reload_s = s->cfg.count_reload_s};
    s->scans = gi_scan_queue_start(s->db_path, &scan_cfg, err);
    if (s->cfg.access_log && !(s->access_log = web_accesslog_start(STDERR_FILENO)))
        gi_fail(err, GI_ENOMEM, "cannot start the access log");
    int watching = watchdog_start(s) == 0;
    if (!watching)
        gi_fail(err, GI_EIO, "cannot start the connection watchdog");
    fit_fd_limit(&s->cfg);
    if (s->scans && watching)
        s->render = web_render_start(s->db_path, &s->cfg.render, err);
    s->desk = (web_desk_settings_t){s->cfg.base_url, s->cfg.layout,           s->render,
                                    s->cfg.target,   s->cfg.repeat_threshold, s->cfg.report_period,
                                    &s->cfg.grades,  s->cfg.draw_ratios};
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
