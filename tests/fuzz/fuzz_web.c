/*
 * fuzz_web.c - what the server parses from a request: the path (web_route),
 * Accept-Language (web_lang_pick), form fields (web_form_add) and the
 * escaping of what it echoes (web_html_escape must leave no markup).
 * The first byte picks the parser.
 */
#include "web/form.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/route.h"

#include <stdint.h>
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

static void route(const char *path)
{
    static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "DELETE"};
    for (size_t m = 0; m < 5; m++) {
        web_route_t r;
        web_route(methods[m], path, &r);
        size_t len = strlen(path);
        if ((r.code && (r.code < path || r.code + r.code_len > path + len)) ||
            (r.gtin && (r.gtin < path || r.gtin + r.gtin_len > path + len)))
            abort(); /* segments must lie inside the path */
        (void)web_route_name(r.id);
    }
}

static void escape(const char *s)
{
    web_buf_t b;
    web_buf_init(&b, 16);
    web_html_escape(&b, s);
    web_buf_add(&b, "", 1);
    if (!b.oom && (strchr(b.p, '<') || strchr(b.p, '>') || strchr(b.p, '"') || strchr(b.p, '\'')))
        abort();
    web_buf_free(&b);
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
    web_form_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *text = text_of(data + 1, size - 1);
    if (!text)
        return 0;
    switch (data[0] % 4) {
    case 0:
        route(text);
        break;
    case 1:
        (void)web_lang_pick(text, text);
        break;
    case 2:
        escape(text);
        break;
    default:
        form(data + 1, size - 1);
        break;
    }
    free(text);
    return 0;
}
