/*
 * route.h - which handler a request goes to: the method and path, parsed
 * strictly and with bounded lengths. Pure functions, no I/O; thread-safe.
 *
 *     GET  /                         home: type a code
 *     GET  /v?code=...               verify typed input
 *     GET  /v/{code}                 the consumer page
 *     GET  /01/{gtin}/21/{code}      the same, GS1 Digital Link form (also with
 *                                    /10/{lot} before /21/, and a trailing /)
 *     GET  /01/{gtin}[/10/{lot}]     the product of a GTIN (web/gs1.h)
 *     GET  /01/...                   anything else under /01/: 400, not a Digital Link
 *     GET  /.well-known/gs1resolver  the resolver's description (web/gs1.h)
 *     GET  /gs1/product/{gtin}       a product's certification page (web/gs1.h)
 *     OPTIONS on the GS1 routes: CORS preflight
 *     POST /v/{code}/report          a consumer's report of a suspected copy
 *     GET  /api/v1/verify/{code}     the verdict as JSON
 *     ANY  /api/v1/...               the REST API (web/api.h), which checks methods
 *     ANY  /login /logout /coop/... /admin/...   the signed-in pages (web/portal.h)
 *     GET  /healthz, /metrics, /static/gimark.css, /static/emblem.svg
 *     GET  /photo/{product}-{photo_at}.png   a product's photo (code holds "{product}-{photo_at}")
 *
 * Fixed path words match case-insensitively (an upper-case QR URL reads
 * /V/...); HEAD is served as GET.
 */
#ifndef WEB_ROUTE_H
#define WEB_ROUTE_H

#include <stddef.h>

typedef enum {
    WEB_ROUTE_NOT_FOUND = 0,
    WEB_ROUTE_HOME,
    WEB_ROUTE_VERIFY_FORM,
    WEB_ROUTE_VERIFY_PAGE,
    WEB_ROUTE_DIGITAL_LINK,
    WEB_ROUTE_REPORT,
    WEB_ROUTE_VERIFY_API,
    WEB_ROUTE_HEALTHZ,
    WEB_ROUTE_METRICS,
    WEB_ROUTE_STYLESHEET,
    WEB_ROUTE_API,           /* the rest of /api/v1/ (web/api.h): code holds what follows */
    WEB_ROUTE_PORTAL,        /* /login, /logout, /coop/..., /admin/... (web/portal.h) */
    WEB_ROUTE_EMBLEM,        /* the GI mark's emblem, drawn by us */
    WEB_ROUTE_PHOTO,         /* a product's photo */
    WEB_ROUTE_GS1_PRODUCT,   /* /01/{gtin}, /01/{gtin}/10/{lot}: gtin (and lot) set */
    WEB_ROUTE_GS1_MALFORMED, /* another path under /01/ */
    WEB_ROUTE_GS1_RESOLVER,  /* /.well-known/gs1resolver */
    WEB_ROUTE_GS1_CERT,      /* /gs1/product/{gtin}: gtin set */
    WEB_ROUTE_COUNT
} web_route_id_t;

typedef struct {
    web_route_id_t id;
    int method_ok;     /* 0: the path exists, the method does not (405) */
    const char *allow; /* methods the path takes, for the Allow header */
    const char *code;  /* the {code} segment, inside path; NULL if none */
    size_t code_len;
    const char *gtin; /* the {gtin} segment, inside path; NULL if none */
    size_t gtin_len;
    const char *lot; /* the {lot} of a Digital Link's /10/{lot}, inside path; NULL if none */
    size_t lot_len;
} web_route_t;

/* Routes method and path (the path without its query). The segments of out
 * point into path, which must outlive them. */
void web_route(const char *method, const char *path, web_route_t *out);

/* Stable name of a route, for metrics and logs ("verify_page", ...). */
const char *web_route_name(web_route_id_t id);

#endif
