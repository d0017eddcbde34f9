/*
 * gs1.h - gimark as a GS1-Conformant resolver for its own labels: the
 * resolver description (/.well-known/gs1resolver), RFC 9264 linksets of a
 * label's Digital Link and of a product's GTIN, the redirects a linkType
 * asks for, a product's certification page, and the Link header every
 * Digital Link answer carries.
 *
 * The plain scan of a label (/01/{gtin}/21/{code} with no linkType and no
 * linkset asked for in Accept) is not answered here: the server serves the
 * consumer page in place as before and adds web_gs1_link_header().
 *
 * Link types served, for a label L of product P (R: the resolver root):
 *     gs1:pip                  R/V/{code}?lang=zh, ?lang=en (the consumer page)
 *     gs1:verificationService  R/api/v1/verify/{code} (the verdict as JSON)
 *     gs1:certificationInfo    R/gs1/product/{gtin} (the GI approval, authorisations)
 *     gs1:traceability         R/api/v1/epcis/events?MATCH_epc={L's Digital Link}
 *     gs1:defaultLink          R/V/{code}
 * and for P alone pip, certificationInfo and defaultLink, all to its
 * certification page. An unknown linkType answers the default link.
 *
 * Thread-safety: the functions are reentrant.
 */
#ifndef WEB_GS1_H
#define WEB_GS1_H

#include "gi/gi.h"
#include "gi/gtin.h"
#include "web/i18n.h"

#include <stddef.h>

#define WEB_GS1_ROOT_MAX 256
#define WEB_GS1_URL_MAX  2048
#define WEB_GS1_LINK_MAX 3072

/* The JSON-LD context of linksets, in a Link header of every linkset. */
#define WEB_GS1_CONTEXT "https://ref.gs1.org/standards/resolver/linkset-context"

typedef struct {
    const char *method;    /* GET, HEAD or OPTIONS */
    const char *root;      /* R: base URL without a trailing slash (web_gs1_root) */
    const char *link_type; /* ?linkType=, or NULL */
    const char *accept;    /* the Accept header, or NULL */
    const char *passed_on; /* the query string to pass on (without linkType, lang), or "" */
    web_lang_t lang;
    const char *contact; /* the office's contact for the description, or NULL */
} web_gs1_request_t;

typedef struct {
    unsigned status;
    char *body; /* malloc'd, for the caller (NULL: none) */
    size_t len;
    const char *content_type;
    char location[WEB_GS1_URL_MAX]; /* "" unless a redirect */
    char link[WEB_GS1_LINK_MAX];    /* the Link header, "" for none */
} web_gs1_response_t;

/* The resolver root from the configured base URL (trailing slashes cut) or,
 * without one, http://{host} when host is a plain host[:port]; "" when
 * neither will do. */
void web_gs1_root(const char *base_url, const char *host, char out[WEB_GS1_ROOT_MAX]);

/* True when the request asks for the linkset: linkType linkset or all (in
 * any of GS1's spellings), or Accept naming application/linkset+json. */
int web_gs1_wants_linkset(const char *link_type, const char *accept);

/* Appends to out what the Link header of a Digital Link answer carries: the
 * linkset of root/01/{gtin}[/10/{lot}][/21/{code}] (lot and code NULL when
 * absent; percent-encoded here). */
void web_gs1_link_header(const char *root, const char *gtin, const char *lot, size_t lot_len,
                         const char *code, char out[WEB_GS1_LINK_MAX]);

#define WEB_GS1_TEL_MAX 96

/* The contact the resolver description names, so that the office's contact
 * is set once: the gs1-contact setting when set, else the office's website,
 * else its hotline (as a tel: URI in tel, when it is written with digits,
 * spaces, +, -, . and parentheses alone; else as written); NULL when none.
 * The answer points into the arguments or tel. */
const char *web_gs1_contact(const char *contact, const char *website, const char *hotline,
                            char tel[WEB_GS1_TEL_MAX]);

/* GET /.well-known/gs1resolver. */
void web_gs1_description(const web_gs1_request_t *rq, web_gs1_response_t *out);

/* A label's Digital Link asking for its linkset or a link type: code is the
 * canonical code, gtin its GTIN-14, lot the /10/ given (NULL: none). 404
 * when no label of that GTIN and lot has the code. */
void web_gs1_label(const gi_ctx_t *ctx, const web_gs1_request_t *rq, const char *gtin,
                   const char *lot, size_t lot_len, const char *code, web_gs1_response_t *out);

/* /01/{gtin} (and /01/{gtin}/10/{lot}, walked up to the product): the
 * linkset, a link type, or by default a redirect to the product's page; 404
 * with a page saying so when the GTIN is not one of our products. gtin is
 * the GTIN-14. */
void web_gs1_product(const gi_ctx_t *ctx, const web_gs1_request_t *rq, const char *gtin,
                     const char *lot, size_t lot_len, web_gs1_response_t *out);

/* GET /gs1/product/{gtin}: the product's GI approval and its operators'
 * live authorisations, a page in rq->lang. */
void web_gs1_cert_page(const gi_ctx_t *ctx, const web_gs1_request_t *rq, const char *gtin,
                       web_gs1_response_t *out);

/* A page for a Digital Link that is not one (400) or names what we do not
 * have (404), with status. */
void web_gs1_message(const web_gs1_request_t *rq, unsigned status, const char *title,
                     const char *text, web_gs1_response_t *out);

#endif
