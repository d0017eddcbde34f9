/*
 * test_web.c - the server's pure parts: routing, language choice, escaping
 * and templates, the rate limiter, metrics text, region names, the client
 * address behind a proxy and the access-log line.
 */
#include "gi/region.h"
#include "test.h"
#include "web/accesslog.h"
#include "web/client.h"
#include "web/form.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/i18n.h"
#include "web/metrics.h"
#include "web/ratelimit.h"
#include "web/route.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

static int segment_is(const char *at, size_t len, const char *want)
{
    return at && len == strlen(want) && memcmp(at, want, len) == 0;
}

static void test_routes(void)
{
    web_route_t r;
    web_route("GET", "/v/K7M3-9QX2-HD4T-PW8R", &r);
    CHECK(r.id == WEB_ROUTE_VERIFY_PAGE && r.method_ok);
    CHECK(segment_is(r.code, r.code_len, "K7M3-9QX2-HD4T-PW8R"));
    web_route("HEAD", "/V/K7M39QX2HD4TPW8R", &r); /* upper-case QR URL */
    CHECK(r.id == WEB_ROUTE_VERIFY_PAGE && r.method_ok);
    web_route("GET", "/01/06901234567892/21/ABC", &r);
    CHECK(r.id == WEB_ROUTE_DIGITAL_LINK);
    CHECK(segment_is(r.gtin, r.gtin_len, "06901234567892"));
    CHECK(segment_is(r.code, r.code_len, "ABC"));
    web_route("POST", "/v/ABC/report", &r);
    CHECK(r.id == WEB_ROUTE_REPORT && r.method_ok);
    web_route("GET", "/v/ABC/report", &r);
    CHECK(r.id == WEB_ROUTE_REPORT && !r.method_ok);
    CHECK_STR(r.allow, "POST");
    web_route("DELETE", "/v/ABC", &r);
    CHECK(r.id == WEB_ROUTE_VERIFY_PAGE && !r.method_ok);
    web_route("GET", "/api/v1/verify/ABC", &r);
    CHECK(r.id == WEB_ROUTE_VERIFY_API);
    web_route("GET", "/v", &r);
    CHECK(r.id == WEB_ROUTE_VERIFY_FORM);
    web_route("GET", "/healthz", &r);
    CHECK(r.id == WEB_ROUTE_HEALTHZ);
    web_route("GET", "/static/gimark.css", &r);
    CHECK(r.id == WEB_ROUTE_STYLESHEET);
}

static void test_routes_gs1(void)
{
    static const struct {
        const char *path;
        web_route_id_t id;
        const char *gtin, *lot, *code;
    } cases[] = {
        {"/01/06901234567892/21/ABC/", WEB_ROUTE_DIGITAL_LINK, "06901234567892", NULL, "ABC"},
        {"/01/06901234567892/10/L-1/21/ABC", WEB_ROUTE_DIGITAL_LINK, "06901234567892", "L-1",
         "ABC"},
        {"/01/6901234567892", WEB_ROUTE_GS1_PRODUCT, "6901234567892", NULL, NULL},
        {"/01/6901234567892/", WEB_ROUTE_GS1_PRODUCT, "6901234567892", NULL, NULL},
        {"/01/6901234567892/10/KL8G", WEB_ROUTE_GS1_PRODUCT, "6901234567892", "KL8G", NULL},
        {"/01/123/21/", WEB_ROUTE_GS1_MALFORMED, "123", NULL, NULL},
        {"/01//21/x", WEB_ROUTE_GS1_MALFORMED, NULL, NULL, NULL},
        {"/01/", WEB_ROUTE_GS1_MALFORMED, NULL, NULL, NULL},
        {"/01/1/21/a/foo", WEB_ROUTE_GS1_MALFORMED, "1", NULL, NULL},
        {"/01/1/10//21/a", WEB_ROUTE_GS1_MALFORMED, "1", NULL, NULL},
        {"/01/1/21/a//", WEB_ROUTE_GS1_MALFORMED, "1", NULL, NULL},
        {"/01/1/99/a", WEB_ROUTE_GS1_MALFORMED, "1", NULL, NULL},
        {"/.well-known/gs1resolver", WEB_ROUTE_GS1_RESOLVER, NULL, NULL, NULL},
        {"/gs1/product/06901234567892", WEB_ROUTE_GS1_CERT, "06901234567892", NULL, NULL},
        {"/gs1/product/", WEB_ROUTE_NOT_FOUND, NULL, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        web_route_t r;
        web_route("GET", cases[i].path, &r);
        if (r.id != cases[i].id)
            fprintf(stderr, "  '%s' routed to %s\n", cases[i].path, web_route_name(r.id));
        CHECK(r.id == cases[i].id);
        CHECK(cases[i].gtin ? segment_is(r.gtin, r.gtin_len, cases[i].gtin)
                            : (r.gtin == NULL || r.gtin_len == 0 || r.id != WEB_ROUTE_NOT_FOUND));
        CHECK(cases[i].lot ? segment_is(r.lot, r.lot_len, cases[i].lot) : r.lot == NULL);
        CHECK(cases[i].code ? segment_is(r.code, r.code_len, cases[i].code) : r.code == NULL);
    }
    web_route_t r;
    web_route("OPTIONS", "/01/06901234567892/21/ABC", &r);
    CHECK(r.id == WEB_ROUTE_DIGITAL_LINK && r.method_ok);
    CHECK_STR(r.allow, "GET, HEAD, OPTIONS");
    web_route("POST", "/01/06901234567892/21/ABC", &r);
    CHECK(r.id == WEB_ROUTE_DIGITAL_LINK && !r.method_ok);
    web_route("OPTIONS", "/v/ABC", &r);
    CHECK(r.id == WEB_ROUTE_VERIFY_PAGE && !r.method_ok);
}

static void test_routes_refused(void)
{
    static const char *const paths[] = {
        "",
        "/v//",
        "/v/a/b",
        "/v/a/report/x",
        "/static/../etc",
        "/static/",
        "/api/v1/verify/",
        "/api/v1/verify/a/b",
        "/HEALTHZ/x",
        "//v/a",
        "/metrics/",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        web_route_t r;
        web_route("GET", paths[i], &r);
        if (r.id != WEB_ROUTE_NOT_FOUND)
            fprintf(stderr, "  routed: '%s'\n", paths[i]);
        CHECK(r.id == WEB_ROUTE_NOT_FOUND);
        CHECK(r.code == NULL && r.gtin == NULL);
    }
    web_route_t r;
    web_route(NULL, "/v/a", &r);
    CHECK(r.id == WEB_ROUTE_NOT_FOUND);
}

static void test_language(void)
{
    CHECK(web_lang_pick(NULL, NULL) == WEB_LANG_ZH);
    CHECK(web_lang_pick("en", "zh-CN") == WEB_LANG_EN);
    CHECK(web_lang_pick("zh", "en") == WEB_LANG_ZH);
    CHECK(web_lang_pick("fr", "en-GB,en;q=0.9") == WEB_LANG_EN);
    CHECK(web_lang_pick(NULL, "en-US,en;q=0.9,zh-CN;q=0.8") == WEB_LANG_EN);
    CHECK(web_lang_pick(NULL, "zh-CN,zh;q=0.9,en;q=0.8") == WEB_LANG_ZH);
    CHECK(web_lang_pick(NULL, "en;q=0.3, zh-TW;q=0.7") == WEB_LANG_ZH);
    CHECK(web_lang_pick(NULL, "de-DE, fr;q=0.9") == WEB_LANG_ZH);
    CHECK(web_lang_pick(NULL, "en;q=0") == WEB_LANG_ZH);
    CHECK(web_lang_pick(NULL, "english, eng") == WEB_LANG_ZH);
    CHECK(web_lang_pick(NULL, ",,;;q=,=,en") == WEB_LANG_EN);
}

static void test_strings_complete(void)
{
    for (int l = 0; l < WEB_LANG_COUNT; l++) {
        const web_strings_t *t = web_strings((web_lang_t)l);
        for (int v = 0; v < GI_VERDICT_COUNT; v++) {
            CHECK(t->verdict_title[v] && *t->verdict_title[v]);
            CHECK(t->verdict_text[v] && *t->verdict_text[v]);
            CHECK(t->verdict_advice[v] && *t->verdict_advice[v]);
        }
        /* every field is a non-empty string */
        const char *const *fields = (const char *const *)(const void *)&t->product;
        size_t n = (size_t)((const char *const *)(const void *)&t->time_zone - fields) + 1;
        for (size_t i = 0; i < n; i++)
            CHECK(fields[i] && *fields[i]);
    }
}

static void test_escape(void)
{
    web_buf_t b;
    web_buf_init(&b, 4);
    web_html(&b, "<p title=\"%s\">%s %d %D %%</p>", "a\"b'c", "<script>&", 42, (int64_t)1 << 40);
    web_buf_add(&b, "", 1);
    CHECK_STR(b.p, "<p title=\"a&quot;b&#39;c\">&lt;script&gt;&amp; 42 1099511627776 %</p>");
    web_buf_free(&b);

    web_buf_init(&b, 16);
    web_url_escape(&b, "A b/\xe4\xb8\xad%");
    web_buf_add(&b, "", 1);
    CHECK_STR(b.p, "A%20b%2F%E4%B8%AD%25");
    size_t len;
    char *p = web_buf_take(&b, &len);
    CHECK(p != NULL && len == strlen("A%20b%2F%E4%B8%AD%25") + 1);
    free(p);
}

static void test_ratelimit(void)
{
    web_ratelimit_t *r = web_ratelimit_new(3600, 3, 64); /* one a second, burst 3 */
    CHECK(r != NULL);
    int64_t t = 1000000;
    CHECK(web_ratelimit_take(r, "client-a", t) == 0);
    CHECK(web_ratelimit_take(r, "client-a", t) == 0);
    CHECK(web_ratelimit_take(r, "client-a", t) == 0);
    CHECK(web_ratelimit_take(r, "client-a", t) > 0);         /* burst spent */
    CHECK(web_ratelimit_take(r, "client-b", t) == 0);        /* others unaffected */
    CHECK(web_ratelimit_take(r, "client-a", t + 1100) == 0); /* refilled one */
    CHECK(web_ratelimit_take(r, "client-a", t + 1100) > 0);
    CHECK(web_ratelimit_wait(r, "client-a", t + 1100) > 0); /* waiting takes nothing */
    CHECK(web_ratelimit_wait(r, "client-a", t + 2200) == 0);
    CHECK(web_ratelimit_wait(r, "client-a", t + 2200) == 0);
    CHECK(web_ratelimit_take(r, "client-a", t + 2200) == 0);
    /* many clients: the table never refuses someone it has not seen */
    char key[32];
    for (int i = 0; i < 10000; i++) {
        snprintf(key, sizeof key, "k%d", i);
        CHECK(web_ratelimit_take(r, key, t + 2000) == 0);
    }
    web_ratelimit_free(r);
}

static void test_client_address(void)
{
    char out[WEB_ADDR_MAX], bad[64];
    const char *trusted = "127.0.0.1, ::1";
    CHECK(web_trusted_list_check(trusted, bad, sizeof bad) == 0);
    CHECK(web_trusted_list_check("", bad, sizeof bad) == 0);
    CHECK(web_trusted_list_check("127.0.0.1,nginx", bad, sizeof bad) != 0);
    CHECK(strcmp(bad, "nginx") == 0);
    CHECK(web_trusted_list_check("10.0.0.0/8", bad, sizeof bad) != 0);
    web_client_address("127.0.0.1", "203.0.113.7", trusted, out);
    CHECK(strcmp(out, "203.0.113.7") == 0);
    /* only the proxy's own entry, the last, counts: the rest is the client's word */
    web_client_address("127.0.0.1", "1.1.1.1, 198.51.100.2", trusted, out);
    CHECK(strcmp(out, "198.51.100.2") == 0);
    web_client_address("::1", " 2001:DB8::1 ", trusted, out);
    CHECK(strcmp(out, "2001:db8::1") == 0);
    /* a client that is not the proxy is its own client, whatever it says */
    web_client_address("192.0.2.9", "203.0.113.7", trusted, out);
    CHECK(strcmp(out, "192.0.2.9") == 0);
    web_client_address("127.0.0.1", "203.0.113.7", "", out);
    CHECK(strcmp(out, "127.0.0.1") == 0);
    /* a forwarded entry that is not an address leaves the peer */
    web_client_address("127.0.0.1", "203.0.113.7, unknown", trusted, out);
    CHECK(strcmp(out, "127.0.0.1") == 0);
    web_client_address("127.0.0.1", NULL, trusted, out);
    CHECK(strcmp(out, "127.0.0.1") == 0);
}

/* Fills r with penalised keys: each takes one token from a fresh bucket. */
static void flood(web_ratelimit_t *r, const char *prefix, int n, int64_t t)
{
    char key[32];
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof key, "%s%d", prefix, i);
        web_ratelimit_take(r, key, t);
    }
}

/* A penalised bucket and a flood of other keys: a lenient table (the old
 * behaviour of every table) lets the flood wash the penalty out; a table
 * that keeps penalties never does, and limits the keys without room
 * together. Full buckets give way first in both. */
static void test_ratelimit_penalties(void)
{
    int64_t t = 1000000;
    web_ratelimit_t *lenient = web_ratelimit_new(20, 5, 64);
    web_ratelimit_t *strict = web_ratelimit_new(20, 5, 64);
    CHECK(lenient && strict);
    web_ratelimit_keep_penalties(strict, WEB_RATELIMIT_FULL_SHARE);
    for (int i = 0; i < 5; i++) {
        CHECK(web_ratelimit_take(lenient, "victim-name", t) == 0);
        CHECK(web_ratelimit_take(strict, "victim-name", t) == 0);
    }
    CHECK(web_ratelimit_take(strict, "victim-name", t) > 0);
    /* keys that only look (full buckets) never push a penalty out */
    char key[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "looker%d", i);
        CHECK(web_ratelimit_wait(lenient, key, t + 1) == 0);
    }
    CHECK(web_ratelimit_wait(lenient, "victim-name", t + 2) > 0);
    /* a flood of penalised keys */
    flood(lenient, "other", 5000, t + 3);
    flood(strict, "other", 5000, t + 3);
    CHECK(web_ratelimit_wait(lenient, "victim-name", t + 4) == 0); /* washed out */
    CHECK(web_ratelimit_wait(strict, "victim-name", t + 4) > 0);   /* kept */
    CHECK(!web_ratelimit_clean(strict, "victim-name", t + 4));
    /* the keys that found no room share one bucket of burst 5: spent */
    CHECK(web_ratelimit_take(strict, "newcomer", t + 5) > 0);
    /* an hour later every bucket is full again and gives way */
    CHECK(web_ratelimit_take(strict, "newcomer", t + 3600 * 1000) == 0);
    CHECK(web_ratelimit_clean(strict, "victim-name", t + 3600 * 1000));
    web_ratelimit_free(lenient);
    web_ratelimit_free(strict);
    /* FULL_PASS: kept too, but a key without room is not limited */
    web_ratelimit_t *pass = web_ratelimit_new(4, 3, 64);
    web_ratelimit_keep_penalties(pass, WEB_RATELIMIT_FULL_PASS);
    for (int i = 0; i < 3; i++)
        CHECK(web_ratelimit_take(pass, "failing-pair", t) == 0);
    flood(pass, "other", 5000, t + 1);
    CHECK(web_ratelimit_take(pass, "failing-pair", t + 2) > 0);
    for (int i = 0; i < 10; i++)
        CHECK(web_ratelimit_take(pass, "newcomer", t + 2) == 0);
    CHECK(web_ratelimit_clean(pass, "newcomer", t + 2));
    web_ratelimit_free(pass);
}

static void test_ratelimit_give_forget(void)
{
    int64_t t = 1000000;
    web_ratelimit_t *r = web_ratelimit_new(1, 2, 64);
    CHECK(web_ratelimit_clean(r, "k", t));
    CHECK(web_ratelimit_take(r, "k", t) == 0);
    CHECK(!web_ratelimit_clean(r, "k", t));
    web_ratelimit_give(r, "k", t);
    CHECK(web_ratelimit_clean(r, "k", t));
    web_ratelimit_give(r, "k", t); /* never past burst */
    CHECK(web_ratelimit_take(r, "k", t) == 0 && web_ratelimit_take(r, "k", t) == 0);
    CHECK(web_ratelimit_take(r, "k", t) > 0);
    web_ratelimit_forget(r, "k", t);
    CHECK(web_ratelimit_clean(r, "k", t));
    web_ratelimit_free(r);
}

/* Every per-client limit counts an IPv6 client by its /64. */
static void test_client_group(void)
{
    char a[WEB_GROUP_MAX], b[WEB_GROUP_MAX];
    web_client_group("2001:db8:1:2:aaaa:bbbb:cccc:dddd", a);
    web_client_group("2001:db8:1:2::1", b);
    CHECK_STR(a, "2001:db8:1:2::/64");
    CHECK_STR(b, a);
    web_client_group("2001:db8:1:3::1", b); /* the next /64 is another client */
    CHECK_STR(b, "2001:db8:1:3::/64");
    web_client_group("::1", a);
    CHECK_STR(a, "::/64");
    web_client_group("::ffff:198.51.100.7", a); /* IPv4 on a dual-stack socket */
    CHECK_STR(a, "198.51.100.7");
    web_client_group("198.51.100.7", a);
    CHECK_STR(a, "198.51.100.7");
    web_client_group("198.51.100.8", b);
    CHECK(strcmp(a, b) != 0); /* IPv4 addresses are not grouped */
    web_client_group("unknown", a);
    CHECK_STR(a, "unknown");
}

static void test_access_line(void)
{
    char line[512];
    web_access_t a = {"GET", "verify_page", NULL, 200, 0.000412, "GENUINE", "3f9a0c1d77e2b5a4"};
    size_t n = web_access_format(&a, 1795596905123, line, sizeof line);
    CHECK(n == strlen(line));
    CHECK(strcmp(line, "access t=2026-11-25T08:55:05.123Z method=GET route=verify_page "
                       "status=200 ms=0.412 verdict=GENUINE client=3f9a0c1d77e2b5a4\n") == 0);
    web_access_t p = {"POST", "api", "/api/v1/x y\"z=", 401, 0.002, NULL, NULL};
    web_access_format(&p, 0, line, sizeof line);
    CHECK(strstr(line, " path=/api/v1/x?y?z?\n") != NULL); /* nothing that breaks logfmt */
    CHECK(strstr(line, "verdict") == NULL && strstr(line, "client") == NULL);
    char tiny[40];
    n = web_access_format(&a, 0, tiny, sizeof tiny);
    CHECK(n == strlen(tiny) && n < sizeof tiny && tiny[n - 1] == '\n');
    for (int r = 0; r < WEB_ROUTE_COUNT; r++)
        CHECK(web_route_name((web_route_id_t)r) != NULL);
}

static void test_metrics_text(void)
{
    web_metrics_t *m = web_metrics_new();
    CHECK(m != NULL);
    web_metrics_request(m, WEB_ROUTE_VERIFY_PAGE, 200, 0.0007);
    web_metrics_request(m, WEB_ROUTE_VERIFY_PAGE, 404, 2.0);
    web_metrics_request(m, WEB_ROUTE_API, 201, 0.01);
    web_metrics_request(m, WEB_ROUTE_PORTAL, 303, 0.01);
    web_metrics_verdict(m, GI_VERDICT_UNKNOWN);
    gi_scan_stats_t st = {.queued = 7, .committed = 100, .commits = 3, .tracked = 5};
    web_buf_t b;
    web_buf_init(&b, 64);
    web_metrics_render(m, &st, &b);
    web_buf_add(&b, "", 1);
    CHECK(strstr(b.p, "gimark_http_requests_total{route=\"verify_page\",status=\"200\"} 1\n"));
    CHECK(strstr(b.p, "gimark_http_requests_total{route=\"verify_page\",status=\"404\"} 1\n"));
    /* every route has a name of its own: no "(null)" series */
    CHECK(strstr(b.p, "gimark_http_requests_total{route=\"api\",status=\"201\"} 1\n"));
    CHECK(strstr(b.p, "gimark_http_requests_total{route=\"portal\",status=\"303\"} 1\n"));
    CHECK(strstr(b.p, "(null)") == NULL);
    CHECK(strstr(b.p, "gimark_http_request_duration_seconds_bucket{le=\"0.0005\"} 0\n"));
    CHECK(strstr(b.p, "gimark_http_request_duration_seconds_bucket{le=\"0.001\"} 1\n"));
    CHECK(strstr(b.p, "gimark_http_request_duration_seconds_bucket{le=\"1\"} 3\n"));
    CHECK(strstr(b.p, "gimark_http_request_duration_seconds_bucket{le=\"+Inf\"} 4\n"));
    CHECK(strstr(b.p, "gimark_verdicts_total{verdict=\"UNKNOWN\"} 1\n"));
    CHECK(strstr(b.p, "gimark_scan_queue_depth 7\n"));
    CHECK(strstr(b.p, "gimark_scans_committed_total 100\n"));
    web_buf_free(&b);
    web_metrics_free(m);
}

static void test_regions(void)
{
    char out[256];
    CHECK(gi_region_name("451003", 0, out, sizeof out));
    CHECK_STR(out, "广西壮族自治区百色市田阳区");
    CHECK(gi_region_name("451003", 1, out, sizeof out));
    CHECK_STR(out, "Tianyang District, Baise, Guangxi");
    CHECK(gi_region_name("450100", 1, out, sizeof out));
    CHECK_STR(out, "Nanning, Guangxi");
    CHECK(gi_region_name("451099", 0, out, sizeof out)); /* unknown county: its city */
    CHECK_STR(out, "广西壮族自治区百色市");
    CHECK(!gi_region_name("110101", 0, out, sizeof out));
    CHECK_STR(out, "");
    CHECK(!gi_region_name("45", 0, out, sizeof out));
    char small[8];
    gi_region_name("451003", 1, small, sizeof small);
    CHECK(strlen(small) < sizeof small);
}

static void test_form(void)
{
    web_form_t f;
    web_form_init(&f, 20);
    web_form_add(&f, "text", "hello ", 0, 6);
    web_form_add(&f, "text", "world", 6, 5); /* a later piece of the same field */
    web_form_add(&f, "contact", "", 0, 0);
    CHECK_STR(web_form_get(&f, "text"), "hello world");
    CHECK_STR(web_form_get(&f, "contact"), "");
    CHECK(web_form_get(&f, "missing") == NULL);
    CHECK(!f.too_big && !f.has_nul);
    web_form_add(&f, "more", "0123456789", 0, 10); /* past 20 bytes in all */
    CHECK(f.too_big);
    CHECK(web_form_get(&f, "more") == NULL || strlen(web_form_get(&f, "more")) == 0);
    web_form_add(&f, "nul", "a\0b", 0, 3);
    CHECK(f.has_nul);
    web_form_free(&f);

    web_form_init(&f, 1 << 20);
    char name[40];
    for (int i = 0; i < WEB_FORM_FIELDS + 5; i++) {
        snprintf(name, sizeof name, "f%d", i);
        web_form_add(&f, name, "x", 0, 1);
    }
    CHECK(f.n == WEB_FORM_FIELDS && f.too_big);
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    web_form_t g;
    web_form_init(&g, 100);
    web_form_add(&g, name, "x", 0, 1); /* a name too long to keep */
    CHECK(g.n == 0 && g.too_big);
    web_form_free(&f);
    web_form_free(&g);
}

static void test_local_date(void)
{
    char out[48];
    web_local_date(web_strings(WEB_LANG_ZH), "2026-03-07", out);
    CHECK_STR(out, "2026\u5e743\u67087\u65e5");
    web_local_date(web_strings(WEB_LANG_EN), "2026-03-07", out);
    CHECK_STR(out, "7 Mar 2026");
    web_local_date(web_strings(WEB_LANG_VI), "2026-12-31", out);
    CHECK_STR(out, "31/12/2026");
    web_local_date(web_strings(WEB_LANG_TH), "0999-01-01", out);
    CHECK_STR(out, "01/01/999");
    /* anything else is shown as it was recorded */
    const char *odd[] = {"",          "2026-13-01",  "2026-00-10", "2026-01-32",
                         "2026-1-05", "2026-01-05x", "20x6-01-05", "spring 2026"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        web_local_date(web_strings(WEB_LANG_EN), odd[i], out);
        CHECK_STR(out, odd[i]);
    }
    char long_text[100];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    web_local_date(web_strings(WEB_LANG_ZH), long_text, out);
    CHECK(strlen(out) == 47);
}

static atomic_int fragment_draws;

static void draw_greeting(web_buf_t *b, const web_strings_t *t)
{
    atomic_fetch_add(&fragment_draws, 1);
    web_html(b, "<p lang=\"%s\">%s</p>", t->tag, t->lang_name);
}

static web_fragment_t greeting = WEB_FRAGMENT(draw_greeting);

static void *use_greeting(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        web_buf_t b;
        web_buf_init(&b, 64);
        web_fragment(&b, &greeting, web_strings((web_lang_t)(i % WEB_LANG_COUNT)));
        web_buf_free(&b);
    }
    return NULL;
}

static void test_fragment(void)
{
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        CHECK(pthread_create(&th[i], NULL, use_greeting, NULL) == 0);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    CHECK(atomic_load(&fragment_draws) == WEB_LANG_COUNT); /* once a language */
    for (int i = 0; i < WEB_LANG_COUNT; i++) {
        const web_strings_t *t = web_strings((web_lang_t)i);
        web_buf_t kept, fresh;
        web_buf_init(&kept, 64);
        web_buf_init(&fresh, 64);
        web_buf_puts(&kept, "x");
        web_fragment(&kept, &greeting, t);
        web_buf_puts(&fresh, "x");
        draw_greeting(&fresh, t);
        CHECK(kept.len == fresh.len && memcmp(kept.p, fresh.p, kept.len) == 0);
        web_buf_free(&kept);
        web_buf_free(&fresh);
    }
}

/* Every rule has a stable snake_case name, no two alike, and a sentence in
 * zh-CN (with Chinese in it) and in English; a page shows the rule's words,
 * never its code, and English pages keep the rule's own sentence. */
static void test_rule_codes(void)
{
    CHECK_STR(gi_rule_name(GI_RULE_NONE), "none");
    CHECK_STR(gi_rule_name(GI_RULE_QUOTA_EXCEEDED), "quota_exceeded");
    CHECK_STR(gi_rule_name(GI_RULE_AUTHORISATION_SUSPENDED), "authorisation_suspended");
    CHECK_STR(gi_rule_name(GI_RULE_USCC_INVALID), "uscc_invalid");
    CHECK_STR(gi_rule_name((gi_rule_t)GI_RULE_COUNT), "none");
    for (int i = 1; i < GI_RULE_COUNT; i++) {
        const char *name = gi_rule_name((gi_rule_t)i);
        CHECK(name && name[0] >= 'a' && name[0] <= 'z');
        for (const char *c = name; *c; c++)
            CHECK((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_');
        for (int k = 0; k < i; k++)
            CHECK(strcmp(name, gi_rule_name((gi_rule_t)k)) != 0);
        const char *zh = web_rule_text(WEB_LANG_ZH, (gi_rule_t)i);
        const char *en = web_rule_text(WEB_LANG_EN, (gi_rule_t)i);
        CHECK(zh && (unsigned char)zh[0] >= 0x80 && !strstr(zh, name));
        CHECK(en && en[0] >= 'A' && en[0] <= 'Z' && strcmp(en, zh) != 0);
        /* vi and th: the consumer report's rules have their own text, no
         * rule an English one */
        for (int lang = WEB_LANG_VI; lang <= WEB_LANG_TH; lang++) {
            const char *t = web_rule_text((web_lang_t)lang, (gi_rule_t)i);
            CHECK(t == NULL || ((unsigned char)t[0] >= 0x80 || strcmp(t, en) != 0));
        }
    }
    /* every refusal of the report form in vi and th, never English */
    static const gi_rule_t shopper[] = {GI_RULE_TEXT_REQUIRED, GI_RULE_TEXT_TOO_LONG,
                                        GI_RULE_TEXT_NOT_UTF8, GI_RULE_TEXT_CONTROL_CHAR,
                                        GI_RULE_TEXT_BIDI_CONTROL};
    for (size_t i = 0; i < sizeof shopper / sizeof shopper[0]; i++)
        for (int lang = WEB_LANG_VI; lang <= WEB_LANG_TH; lang++) {
            gi_error_t r;
            gi_fail_rule(&r, GI_EINVAL, shopper[i], "report is required");
            const char *t = web_rule_message((web_lang_t)lang, GI_EINVAL, &r);
            CHECK(t && t == web_rule_text((web_lang_t)lang, shopper[i]));
            CHECK(strcmp(t, web_rule_text(WEB_LANG_EN, shopper[i])) != 0);
        }
    /* a rule without a vi text: the class in Vietnamese, not the English sentence */
    {
        gi_error_t r;
        gi_fail_rule(&r, GI_EREFUSED, GI_RULE_QUOTA_EXCEEDED, "over quota: %d", 5);
        const char *vi = web_rule_message(WEB_LANG_VI, GI_EREFUSED, &r);
        const char *th = web_rule_message(WEB_LANG_TH, GI_EREFUSED, &r);
        CHECK(!strstr(vi, "quota") && strcmp(vi, web_rule_message(WEB_LANG_EN, GI_EREFUSED, &r)));
        CHECK(th && (unsigned char)th[0] >= 0x80);
    }
    CHECK(web_rule_text(WEB_LANG_ZH, GI_RULE_NONE) == NULL);
    gi_error_t e;
    CHECK(gi_fail_rule(&e, GI_EREFUSED, GI_RULE_QUOTA_EXCEEDED, "over quota: %d", 5) ==
          GI_EREFUSED);
    CHECK_STR(e.msg, "over quota: 5");
    CHECK_STR(gi_error_code(GI_EREFUSED, &e), "quota_exceeded");
    CHECK_STR(web_rule_message(WEB_LANG_ZH, GI_EREFUSED, &e),
              web_rule_text(WEB_LANG_ZH, GI_RULE_QUOTA_EXCEEDED));
    CHECK_STR(web_rule_message(WEB_LANG_EN, GI_EREFUSED, &e), "over quota: 5");
    /* gi_fail names no rule, even in a buffer a rule had filled */
    gi_fail(&e, GI_EINVAL, "odd input");
    CHECK(e.rule == GI_RULE_NONE);
    CHECK_STR(gi_error_code(GI_EINVAL, &e), "invalid");
    const char *zh = web_rule_message(WEB_LANG_ZH, GI_EINVAL, &e);
    CHECK(zh && (unsigned char)zh[0] >= 0x80);
    /* a failure of the system shows no internals in either language */
    gi_fail(&e, GI_EIO, "database: disk I/O error");
    CHECK(!strstr(web_rule_message(WEB_LANG_EN, GI_EIO, &e), "disk"));
    CHECK(!strstr(web_rule_message(WEB_LANG_ZH, GI_EIO, &e), "disk"));
}

TEST_MAIN("test_web", TEST(test_routes), TEST(test_routes_gs1), TEST(test_routes_refused),
          TEST(test_language), TEST(test_strings_complete), TEST(test_escape), TEST(test_ratelimit),
          TEST(test_ratelimit_penalties), TEST(test_ratelimit_give_forget),
          TEST(test_client_address), TEST(test_client_group), TEST(test_access_line),
          TEST(test_metrics_text), TEST(test_regions), TEST(test_form), TEST(test_local_date),
          TEST(test_fragment), TEST(test_rule_codes))
