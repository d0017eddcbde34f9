/*
 * route.c - request routing.
 */
#include "web/route.h"

#include <string.h>
#include <strings.h>

static const char *const route_names[WEB_ROUTE_COUNT] = {
    [WEB_ROUTE_NOT_FOUND] = "not_found",
    [WEB_ROUTE_HOME] = "home",
    [WEB_ROUTE_VERIFY_FORM] = "verify_form",
    [WEB_ROUTE_VERIFY_PAGE] = "verify_page",
    [WEB_ROUTE_DIGITAL_LINK] = "digital_link",
    [WEB_ROUTE_REPORT] = "report",
    [WEB_ROUTE_VERIFY_API] = "verify_api",
    [WEB_ROUTE_HEALTHZ] = "healthz",
    [WEB_ROUTE_METRICS] = "metrics",
    [WEB_ROUTE_STYLESHEET] = "stylesheet",
    [WEB_ROUTE_API] = "api",
    [WEB_ROUTE_PORTAL] = "portal",
    [WEB_ROUTE_EMBLEM] = "emblem",
    [WEB_ROUTE_PHOTO] = "photo",
    [WEB_ROUTE_GS1_PRODUCT] = "gs1_product",
    [WEB_ROUTE_GS1_MALFORMED] = "gs1_malformed",
    [WEB_ROUTE_GS1_RESOLVER] = "gs1_resolver",
    [WEB_ROUTE_GS1_CERT] = "gs1_cert",
};

const char *web_route_name(web_route_id_t id)
{
    /* never NULL: the name is printed into /metrics for every route */
    return (unsigned)id < WEB_ROUTE_COUNT && route_names[id] ? route_names[id] : "not_found";
}

/* If path starts with word (case-insensitive), returns what follows it. */
static const char *after(const char *path, const char *word)
{
    size_t n = strlen(word);
    return strncasecmp(path, word, n) == 0 ? path + n : NULL;
}

/* One path segment: up to the next '/' or the end; returns what follows. */
static const char *segment(const char *p, const char **at, size_t *len)
{
    *at = p;
    *len = strcspn(p, "/");
    return p + *len;
}

static void match(web_route_t *r, web_route_id_t id, const char *allow)
{
    r->id = id;
    r->allow = allow;
}

#define GS1_ALLOW "GET, HEAD, OPTIONS"

/* The end of a Digital Link path: nothing, or one trailing slash. */
static int at_end(const char *p)
{
    return p[0] == '\0' || (p[0] == '/' && p[1] == '\0');
}

/* What follows /01/: {gtin}, {gtin}/10/{lot}, {gtin}/21/{code} or
 * {gtin}/10/{lot}/21/{code}, each with an optional trailing slash. Anything
 * else under /01/ is a malformed Digital Link (400), never another page. */
static void digital_link(const char *rest, web_route_t *r)
{
    const char *p = segment(rest, &r->gtin, &r->gtin_len), *q;
    match(r, WEB_ROUTE_GS1_MALFORMED, GS1_ALLOW);
    if (r->gtin_len == 0)
        return;
    if (at_end(p)) {
        match(r, WEB_ROUTE_GS1_PRODUCT, GS1_ALLOW);
        return;
    }
    if ((q = after(p, "/10/")) && *q && *q != '/') {
        p = segment(q, &r->lot, &r->lot_len);
        if (at_end(p)) {
            match(r, WEB_ROUTE_GS1_PRODUCT, GS1_ALLOW);
            return;
        }
    }
    if ((q = after(p, "/21/")) && *q && *q != '/') {
        p = segment(q, &r->code, &r->code_len);
        if (at_end(p))
            match(r, WEB_ROUTE_DIGITAL_LINK, GS1_ALLOW);
    }
}

static void match_path(const char *path, web_route_t *r)
{
    const char *rest;
    if (strcmp(path, "/") == 0)
        match(r, WEB_ROUTE_HOME, "GET, HEAD");
    else if (strcasecmp(path, "/v") == 0 || strcasecmp(path, "/v/") == 0)
        match(r, WEB_ROUTE_VERIFY_FORM, "GET, HEAD");
    else if (strcmp(path, "/healthz") == 0)
        match(r, WEB_ROUTE_HEALTHZ, "GET, HEAD");
    else if (strcmp(path, "/metrics") == 0)
        match(r, WEB_ROUTE_METRICS, "GET, HEAD");
    else if (strcmp(path, "/static/gimark.css") == 0)
        match(r, WEB_ROUTE_STYLESHEET, "GET, HEAD");
    else if (strcmp(path, "/static/emblem.svg") == 0)
        match(r, WEB_ROUTE_EMBLEM, "GET, HEAD");
    else if ((rest = after(path, "/photo/")) && *rest) {
        size_t n = strlen(rest);
        if (n > 4 && n <= 44 && strcmp(rest + n - 4, ".png") == 0 && !strchr(rest, '/')) {
            r->code = rest;
            r->code_len = n - 4;
            match(r, WEB_ROUTE_PHOTO, "GET, HEAD");
        }
    } else if (strcmp(path, "/login") == 0 || strcmp(path, "/logout") == 0 ||
               strcmp(path, "/coop") == 0 || strncmp(path, "/coop/", 6) == 0 ||
               strcmp(path, "/admin") == 0 || strncmp(path, "/admin/", 7) == 0)
        match(r, WEB_ROUTE_PORTAL, NULL);
    else if ((rest = after(path, "/v/")) && *rest) {
        rest = segment(rest, &r->code, &r->code_len);
        if (*rest == '\0')
            match(r, WEB_ROUTE_VERIFY_PAGE, "GET, HEAD");
        else if (strcasecmp(rest, "/report") == 0)
            match(r, WEB_ROUTE_REPORT, "POST");
    } else if ((rest = after(path, "/api/v1/verify/"))) {
        if (*rest && *(rest = segment(rest, &r->code, &r->code_len)) == '\0')
            match(r, WEB_ROUTE_VERIFY_API, "GET, HEAD");
    } else if ((rest = after(path, "/api/v1/"))) {
        r->code = rest;
        r->code_len = strlen(rest);
        match(r, WEB_ROUTE_API, NULL);
    } else if ((rest = after(path, "/01/"))) {
        digital_link(rest, r);
    } else if (strcmp(path, "/.well-known/gs1resolver") == 0) {
        match(r, WEB_ROUTE_GS1_RESOLVER, GS1_ALLOW);
    } else if ((rest = after(path, "/gs1/product/")) && *rest) {
        rest = segment(rest, &r->gtin, &r->gtin_len);
        if (*rest == '\0')
            match(r, WEB_ROUTE_GS1_CERT, GS1_ALLOW);
    }
}

void web_route(const char *method, const char *path, web_route_t *out)
{
    memset(out, 0, sizeof *out);
    out->method_ok = 1;
    if (!path || !method)
        return;
    match_path(path, out);
    if (out->id == WEB_ROUTE_NOT_FOUND) {
        out->code = out->gtin = out->lot = NULL;
        out->code_len = out->gtin_len = out->lot_len = 0;
        return;
    }
    if (out->id == WEB_ROUTE_GS1_MALFORMED) {
        out->code = out->lot = NULL;
        out->code_len = out->lot_len = 0;
    }
    int is_get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if (out->id == WEB_ROUTE_REPORT)
        out->method_ok = strcmp(method, "POST") == 0;
    else if (out->allow && strstr(out->allow, "OPTIONS"))
        out->method_ok = is_get || strcmp(method, "OPTIONS") == 0;
    else if (out->id != WEB_ROUTE_API && out->id != WEB_ROUTE_PORTAL) /* they check their own */
        out->method_ok = is_get;
}
