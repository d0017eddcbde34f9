/*
 * cli_serve.c - `gimark serve`: runs the HTTP server until SIGTERM or
 * SIGINT, then stops it cleanly (requests in flight finish, every queued scan
 * is stored).
 *
 * The signals are blocked before the server's threads start, so they inherit
 * the mask and only this thread, waiting in sigwait(), receives them.
 */
#include "gi/cli.h"
#include "gi/usage.h"
#include "gi/inspect.h"
#include "web/client.h"
#include "web/web.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cli_opt_t serve_opts[] = {
    {"listen", "HOST:PORT", "address to listen on (default 127.0.0.1:8080; port 0: any free)"},
    {"threads", "N", "worker threads (default: one per core)"},
    {"base-url", "URL", "the address the outside reaches the server at"},
    {"gs1-contact", "TEXT",
     "the office's contact (e-mail or URL) in the GS1 resolver description, "
     "/.well-known/gs1resolver (default: --office-website, else --office-hotline as a tel: URI; "
     "none without them)"},
    {"max-conns", "N", "open connections in all (default 4096)"},
    {"max-conns-per-ip", "N", "open connections per client address (default 64; 0: no limit)"},
    {"timeout", "SECONDS", "close idle connections after this (default 15)"},
    {"head-timeout", "SECONDS",
     "close a connection whose request line and headers are not all in after this, however "
     "busy it keeps (default 10)"},
    {"max-header-bytes", "N", "request line and headers together (default 16384)"},
    {"max-body-bytes", "N", "request body (default 32768)"},
    {"repeat-threshold", "N",
     "distinct clients checking one code inside the window before the page warns (default 10)"},
    {"repeat-window", "SECONDS",
     "a client counts towards the warning this long after its last check (default 2592000, "
     "30 days)"},
    {"reports-per-hour", "N",
     "consumer reports per client and code an hour (default 10; ten times as many per client)"},
    {"report-period", "LEN",
     "operators' use reports cover a year (yearly, default), a half-year or a quarter"},
    {"cache-mb", "N",
     "database pages the worker threads may cache, in MiB, shared out among them (default 64)"},
    {"track-codes", "N",
     "recently scanned codes whose counts stay in memory once stored, about 0.3 KB each "
     "(default 100000)"},
    {"count-reload", "SECONDS",
     "with several servers on one PostgreSQL database: a code this server holds in memory "
     "reads again what the others stored at its first scan this long after its last read "
     "(default 30)"},
    {"db-read", "URI",
     "a read-only PostgreSQL standby (streaming replica) where consumers' verifications look "
     "labels up while it has replayed --db's changes of a second ago; a label it does not "
     "have yet, or a standby behind or down, is looked up in --db (default: none)"},
    {"grade-classes", "SET",
     "credit classes by risk with the points each takes (default " GI_GRADE_CLASSES_DEFAULT ")"},
    {"draw-ratios", "SET",
     "percent of each class an inspection draw takes (default " GI_DRAW_RATIOS_DEFAULT ")"},
    {"target", "N",
     "operators using the mark the province aims at (default 1000, env "
     "GIMARK_TARGET)"},
    {"trusted-proxy", "ADDR,...",
     "reverse proxies whose X-Forwarded-For names the client (default: none)"},
    {"unknown-per-minute", "N",
     "codes naming no label a client may check a minute before 429 (default 30)"},
    {"access-log", "on|off", "one line per request on stderr (default on)"},
    {"office-name", "TEXT",
     "the issuing office as the consumer page names it, e.g. 百色市市场监督管理局 (default: none)"},
    {"office-hotline", "TEXT", "the office's hotline shown on the consumer page (default: none)"},
    {"office-website", "URL", "the office's website shown on the consumer page (default: none)"},
    {"max-photo-bytes", "N",
     "a product photo's upload from the desk, in bytes (default 4194304; stored re-encoded, at "
     "most 1 MiB)"},
    {"login-hashes", "N",
     "passwords checked at once; more sign-ins get 503 (default: half the threads, at least 1)"},
    {"render-threads", "N", "threads drawing downloaded print files (default 1)"},
    {"render-file-threads", "N",
     "threads drawing one downloaded print file (PNG and ZIP drawn, every format's symbols "
     "encoded), its render thread included; each holds a label or a sheet (default 1)"},
    {"render-queue", "N", "downloads waiting for a render thread before 503 (default 8)"},
    {"max-download-labels", "N",
     "labels in one downloaded print file; more: 413, use gimark batch export (default 100000)"},
    {"max-download-megapixels", "N",
     "pixels of one PNG download in all (sheets, or a ZIP's labels), in millions (default 2000)"},
    /* print files downloaded from the API and the desks: the layout before the
     * download's own choices */
    CLI_LAYOUT_OPTS,
    {NULL, NULL, NULL},
};

/* Splits HOST:PORT ([v6]:PORT for IPv6) into host and port. */
static gi_err_t parse_listen(const char *s, char *host, size_t cap, unsigned *port, gi_error_t *err)
{
    const char *colon = strrchr(s, ':');
    const char *h = s;
    size_t hlen = colon ? (size_t)(colon - s) : 0;
    if (hlen >= 2 && s[0] == '[' && s[hlen - 1] == ']') {
        h++;
        hlen -= 2;
    }
    if (!colon || hlen == 0 || hlen >= cap)
        return gi_fail(err, GI_EINVAL, "--listen: '%s' is not HOST:PORT", s);
    int64_t p;
    gi_err_t rc = cli_parse_int("--listen port", colon + 1, 0, 65535, &p, err);
    if (rc != GI_OK)
        return rc;
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    *port = (unsigned)p;
    return GI_OK;
}

static gi_err_t opt_uint(const cli_t *cli, const cli_command_t *cmd, const char *name, int64_t min,
                         int64_t max, unsigned *out, gi_error_t *err)
{
    const char *v = cli_opt(cli, cmd, name);
    int64_t n;
    if (!v)
        return GI_OK;
    gi_err_t rc = cli_parse_int(name, v, min, max, &n, err);
    if (rc == GI_OK)
        *out = (unsigned)n;
    return rc;
}

static gi_err_t opt_switch(const cli_t *cli, const cli_command_t *cmd, const char *name, int *out,
                           gi_error_t *err)
{
    const char *v = cli_opt(cli, cmd, name);
    if (!v)
        return GI_OK;
    if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)
        return gi_fail(err, GI_EINVAL, "--%s: '%s' is neither on nor off", name, v);
    *out = strcmp(v, "on") == 0;
    return GI_OK;
}

static gi_err_t opt_proxies(const cli_t *cli, const cli_command_t *cmd, const char **out,
                            gi_error_t *err)
{
    char bad[64];
    *out = cli_opt(cli, cmd, "trusted-proxy");
    if (*out && web_trusted_list_check(*out, bad, sizeof bad) != 0)
        return gi_fail(err, GI_EINVAL, "--trusted-proxy: '%s' is not an IP address", bad);
    return GI_OK;
}

/* The render threads and the size limits of downloads. */
static gi_err_t read_render(const cli_t *cli, const cli_command_t *cmd, web_render_config_t *r,
                            gi_error_t *err)
{
    unsigned labels = 0, megapixels = 0;
    gi_err_t rc;
    if ((rc = opt_uint(cli, cmd, "render-threads", 1, 64, &r->threads, err)) ||
        (rc = opt_uint(cli, cmd, "render-file-threads", 1, 64, &r->file_threads, err)) ||
        (rc = opt_uint(cli, cmd, "render-queue", 1, 10000, &r->queue, err)) ||
        (rc = opt_uint(cli, cmd, "max-download-labels", 1, 100000000, &labels, err)) ||
        (rc = opt_uint(cli, cmd, "max-download-megapixels", 1, 1000000000, &megapixels, err)))
        return rc;
    r->max_labels = labels;
    r->max_pixels = megapixels * 1e6;
    return GI_OK;
}

/* Who speaks on the consumer page: texts checked as any record's (valid
 * UTF-8, no controls), the website an http(s) address. */
static gi_err_t opt_office(const cli_t *cli, const cli_command_t *cmd, web_config_t *cfg,
                           gi_error_t *err)
{
    gi_err_t rc;
    cfg->office_name = cli_opt_or(cli, cmd, "office-name", "");
    cfg->office_hotline = cli_opt_or(cli, cmd, "office-hotline", "");
    cfg->office_website = cli_opt_or(cli, cmd, "office-website", "");
    if ((rc = gi_check_text("--office-name", cfg->office_name, 100, 255, 0, err)) ||
        (rc = gi_check_text("--office-hotline", cfg->office_hotline, 40, 80, 0, err)) ||
        (rc = gi_check_text("--office-website", cfg->office_website, 200, 255, 0, err)))
        return rc;
    if (cfg->office_website[0] && strncmp(cfg->office_website, "https://", 8) != 0 &&
        strncmp(cfg->office_website, "http://", 7) != 0)
        return gi_fail(err, GI_EINVAL, "--office-website must begin with https:// or http://");
    return GI_OK;
}

static gi_err_t read_config(const cli_t *cli, const cli_command_t *cmd, web_config_t *cfg,
                            char *host, size_t cap, label_layout_t *layout, gi_error_t *err)
{
    unsigned header = 0, body = 0, threshold = 0, reports = 0, window = 0, photo = 0;
    unsigned reload = 0;
    unsigned per_ip = 64;
    const char *env_target = getenv("GIMARK_TARGET");
    unsigned target = 0;
    if (env_target && *env_target) {
        int64_t t;
        gi_err_t trc = cli_parse_int("GIMARK_TARGET", env_target, 1, 100000000, &t, err);
        if (trc != GI_OK)
            return trc;
        target = (unsigned)t;
    }
    gi_err_t rc;
    if ((rc = parse_listen(cli_opt_or(cli, cmd, "listen", "127.0.0.1:8080"), host, cap, &cfg->port,
                           err)) ||
        (rc = opt_uint(cli, cmd, "threads", 1, 256, &cfg->threads, err)) ||
        (rc = opt_uint(cli, cmd, "max-conns", 1, 1000000, &cfg->max_conns, err)) ||
        (rc = opt_uint(cli, cmd, "max-conns-per-ip", 0, 1000000, &per_ip, err)) ||
        (rc = opt_uint(cli, cmd, "timeout", 1, 3600, &cfg->timeout_s, err)) ||
        (rc = opt_uint(cli, cmd, "head-timeout", 1, 3600, &cfg->head_timeout_s, err)) ||
        (rc = opt_uint(cli, cmd, "max-header-bytes", 2048, 1 << 20, &header, err)) ||
        (rc = opt_uint(cli, cmd, "max-body-bytes", 1024, 1 << 24, &body, err)) ||
        (rc = opt_uint(cli, cmd, "repeat-threshold", 1, 1000000, &threshold, err)) ||
        (rc = opt_uint(cli, cmd, "repeat-window", 1, 10 * 366 * 86400, &window, err)) ||
        (rc = opt_uint(cli, cmd, "reports-per-hour", 1, 1000000, &reports, err)) ||
        (rc = opt_uint(cli, cmd, "cache-mb", 1, 65536, &cfg->cache_mb, err)) ||
        (rc = opt_uint(cli, cmd, "track-codes", 1000, 100000000, &cfg->track_codes, err)) ||
        (rc = opt_uint(cli, cmd, "count-reload", 1, 86400, &reload, err)) ||
        (rc = opt_uint(cli, cmd, "target", 1, 100000000, &target, err)) ||
        (rc =
             opt_uint(cli, cmd, "unknown-per-minute", 1, 1000000, &cfg->unknown_per_minute, err)) ||
        (rc = opt_switch(cli, cmd, "access-log", &cfg->access_log, err)) ||
        (rc = opt_uint(cli, cmd, "login-hashes", 1, 256, &cfg->login_hashes, err)) ||
        (rc = opt_uint(cli, cmd, "max-photo-bytes", 1024, 64 << 20, &photo, err)) ||
        (rc = opt_office(cli, cmd, cfg, err)) ||
        (rc = opt_proxies(cli, cmd, &cfg->trusted_proxies, err)) ||
        (rc = cli_layout(cli, cmd, layout, err)) || (rc = read_render(cli, cmd, &cfg->render, err)))
        return rc;
    cfg->layout = layout;
    cfg->db_path = cli->db_path;
    cfg->db_read_path = cli_opt(cli, cmd, "db-read");
    cfg->host = host;
    cfg->base_url = cli_opt(cli, cmd, "base-url");
    cfg->gs1_contact = cli_opt(cli, cmd, "gs1-contact");
    cfg->max_conns_per_ip = per_ip;
    cfg->max_header_bytes = header;
    cfg->max_body_bytes = body;
    cfg->max_photo_bytes = photo;
    cfg->repeat_threshold = threshold;
    cfg->repeat_window_s = window;
    cfg->count_reload_s = reload;
    cfg->reports_per_hour = reports;
    cfg->target = target;
    if ((rc = gi_grade_config_parse(cli_opt_or(cli, cmd, "grade-classes", GI_GRADE_CLASSES_DEFAULT),
                                    threshold, &cfg->grades, err)) != GI_OK)
        return rc;
    gi_draw_plan_t probe = {0};
    cfg->draw_ratios = cli_opt_or(cli, cmd, "draw-ratios", GI_DRAW_RATIOS_DEFAULT);
    if ((rc = gi_draw_ratios_parse(cfg->draw_ratios, &cfg->grades, &probe, err)) != GI_OK)
        return rc;
    cfg->report_period = gi_usage_period_setting(cli_opt_or(cli, cmd, "report-period", "yearly"));
    if (cfg->report_period < 0)
        return gi_fail(err, GI_EINVAL, "--report-period must be yearly, half-year or quarter");
    return GI_OK;
}

static gi_err_t cmd_serve(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    web_config_t cfg = {.access_log = 1};
    char host[128];
    label_layout_t layout;
    gi_err_t rc = read_config(cli, cmd, &cfg, host, sizeof host, &layout, err);
    if (rc != GI_OK)
        return rc;
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    web_server_t *srv = web_server_start(&cfg, err);
    if (!srv)
        return GI_EIO;
    int v6 = strchr(host, ':') != NULL;
    printf("gimark: listening on http://%s%s%s:%u/\n", v6 ? "[" : "", host, v6 ? "]" : "",
           web_server_port(srv));
    fflush(stdout);
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "gimark: %s received, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    web_server_stop(srv);
    fprintf(stderr, "gimark: stopped; every scan stored\n");
    return GI_OK;
}

const cli_command_t cli_serve_commands[] = {
    {"serve", NULL, "", 0, "serve the consumer pages and the API over HTTP", serve_opts, cmd_serve,
     0},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL, 0},
};
