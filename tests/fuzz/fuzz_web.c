/*
 * fuzz_web.c - what the server parses from a request line and its headers:
 * the method and path (web_route, then api_resource_of under /api/v1/ and
 * portal_route_find for the signed-in pages),
 * ?lang= with Accept-Language (web_lang_pick), the query values the API and
 * pages read (gi_parse_whole, web_print_type), form
 * fields (web_form_add), and the escaping of what is echoed
 * (web_html_escape must leave no markup).
 *
 * The first byte picks the parser (see LLVMFuzzerTestOneInput); the seeds
 * use the letters r l e f q.
 */
#include "web/api_internal.h"
#include "web/form.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/portal_internal.h"
#include "web/printfile.h"
#include "web/route.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *text_of(const uint8_t *data, size_t size)
{
    char *t = malloc(size + 1);
    if (t) {
        memcpy(t, data, size);
        t[size] = '\0';
    }
    return t;
}

static void want(int ok)
{
    if (!ok)
        abort();
}

/* What follows /api/v1/, as the server hands it to the API. */
static void api_path(const web_route_t *r)
{
    char path[512], action[16];
    int64_t id;
    snprintf(path, sizeof path, "%.*s", (int)r->code_len, r->code);
    resource_t res = api_resource_of(path, &id, action);
    want(res >= R_ME && res <= R_NONE);
    want(id >= -1 && strlen(action) < sizeof action);
    want(res != R_NONE || (id == 0 && action[0] == '\0'));
}

/* A signed-in page's route: the path is the route's pattern, with the
 * decimal digits of the record id where the pattern has "{id}". */
static void portal_path(const char *method, const char *path)
{
    int64_t id = -1;
    int path_known = 0;
    const portal_route_t *r = portal_route_find(method, path, &id, &path_known);
    if (!r)
        return;
    const char *hole = strstr(r->pattern, "{id}");
    if (!hole) {
        want(strcmp(r->pattern, path) == 0);
        return;
    }
    size_t head = (size_t)(hole - r->pattern), tail = strlen(hole + 4), len = strlen(path);
    want(len > head + tail && strncmp(path, r->pattern, head) == 0 &&
         strcmp(path + len - tail, hole + 4) == 0);
    char digits[32];
    size_t n = len - head - tail;
    want(n < sizeof digits);
    memcpy(digits, path + head, n);
    digits[n] = '\0';
    want(strspn(digits, "0123456789") == n && id > 0 && strtoll(digits, NULL, 10) == id);
}

static void route_one(const char *method, const char *path)
{
    web_route_t r;
    web_route(method, path, &r);
    size_t len = strlen(path);
    /* segments must lie inside the path */
    want(!r.code || (r.code >= path && r.code + r.code_len <= path + len));
    want(!r.gtin || (r.gtin >= path && r.gtin + r.gtin_len <= path + len));
    want(!r.lot || (r.lot >= path && r.lot + r.lot_len <= path + len));
    want(r.id != WEB_ROUTE_NOT_FOUND || (!r.code && !r.gtin && !r.lot && r.method_ok));
    want(r.id != WEB_ROUTE_GS1_MALFORMED || (!r.code && !r.lot));
    want(web_route_name(r.id) != NULL);
    if (r.id == WEB_ROUTE_API)
        api_path(&r);
    if (r.id == WEB_ROUTE_PORTAL)
        portal_path(method, path);
}

/* "METHOD /path" routes that method; a bare path goes with each usual one. */
static void route(const char *text)
{
    static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
    const char *space = strchr(text, ' ');
    if (space && space - text < 16) {
        char method[16];
        snprintf(method, sizeof method, "%.*s", (int)(space - text), text);
        route_one(method, space + 1);
        return;
    }
    for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++)
        route_one(methods[m], text);
}

/* "?lang= value" newline "Accept-Language value"; without a newline, only
 * the header. */
static void lang(char *text)
{
    char *nl = strchr(text, '\n');
    if (nl)
        *nl = '\0';
    web_lang_t l = nl ? web_lang_pick(text, nl + 1) : web_lang_pick(NULL, text);
    want(l >= WEB_LANG_ZH && l < WEB_LANG_COUNT && web_strings(l) && web_portal_text(l));
}

static void escape(const char *s)
{
    web_buf_t b;
    web_buf_init(&b, 16);
    web_html_escape(&b, s);
    web_buf_add(&b, "", 1);
    want(b.oom || !(strchr(b.p, '<') || strchr(b.p, '>') || strchr(b.p, '"') || strchr(b.p, '\'')));
    web_buf_free(&b);
}

static void count(const char *v, int64_t min, int64_t max)
{
    int64_t n = min - 1;
    if (gi_parse_whole(v, min, max, &n) == 0)
        want(n >= min && n <= max && n == strtoll(v, NULL, 10));
}

/* "name=value", as MHD hands over a decoded query parameter. */
static void query(const char *text)
{
    const char *eq = strchr(text, '=');
    const char *v = eq ? eq + 1 : text;
    size_t n = eq ? (size_t)(eq - text) : 0;
    int64_t id = 0;
    if (n == 5 && strncmp(text, "limit", 5) == 0)
        count(v, 1, 500);
    else if (n == 4 && strncmp(text, "days", 4) == 0)
        count(v, 1, 366);
    else if (n == 6 && strncmp(text, "offset", 6) == 0)
        count(v, 0, INT64_C(1000000000000));
    else if (n == 6 && strncmp(text, "format", 6) == 0)
        want(!web_print_type(v) || strlen(v) == 3);
    else if (n == 4 && strncmp(text, "lang", 4) == 0)
        want(web_lang_pick(v, NULL) < WEB_LANG_COUNT);
    else if (gi_parse_id(v, &id) == 0)
        want(id >= 1 && id == strtoll(v, NULL, 10) && v[0] >= '1' && v[0] <= '9');
    else
        count(v, 1, INT64_MAX / 2); /* a record id: ?operator= ?auth= ... */
}

static void form(const uint8_t *data, size_t size)
{
    web_form_t f;
    web_form_init(&f, 512);
    size_t i = 0;
    while (i + 2 <= size) { /* [name length][value length] name value ... */
        size_t nl = data[i] % 40, vl = data[i + 1];
        i += 2;
        if (i + nl + vl > size)
            break;
        char name[41];
        memcpy(name, data + i, nl);
        name[nl] = '\0';
        web_form_add(&f, name, (const char *)data + i + nl, vl & 1 ? 1 : 0, vl);
        i += nl + vl;
        (void)web_form_get(&f, name);
    }
    want(f.n <= WEB_FORM_FIELDS && f.bytes <= f.max_bytes);
    web_form_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char parsers[] = "rlefq";
    if (size < 1)
        return 0;
    char *text = text_of(data + 1, size - 1);
    if (!text)
        return 0;
    const char *p = data[0] ? strchr(parsers, data[0]) : NULL;
    switch (p ? *p : parsers[data[0] % 5]) {
    case 'r':
        route(text);
        break;
    case 'l':
        lang(text);
        break;
    case 'e':
        escape(text);
        break;
    case 'f':
        form(data + 1, size - 1);
        break;
    default:
        query(text);
        break;
    }
    free(text);
    return 0;
}
