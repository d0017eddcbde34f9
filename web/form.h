/*
 * form.h - the fields of a submitted HTML form (application/x-www-form-
 * urlencoded or multipart), as libmicrohttpd's post processor hands them
 * over in pieces. Bounded: at most WEB_FORM_FIELDS fields of short names,
 * max_bytes of values in all; what does not fit is noted, never kept.
 *
 * Thread-safety: a web_form_t belongs to one request.
 */
#ifndef WEB_FORM_H
#define WEB_FORM_H

#include <stddef.h>
#include <stdint.h>

#define WEB_FORM_FIELDS   24
#define WEB_FORM_NAME_MAX 32

typedef struct {
    struct {
        char name[WEB_FORM_NAME_MAX];
        char *value; /* NUL-terminated */
        size_t len;
        int file; /* a file's bytes (multipart with a filename): may hold NULs */
    } field[WEB_FORM_FIELDS];
    int n;
    size_t bytes, max_bytes;
    int too_big; /* a value would have passed max_bytes, or too many fields */
    int has_nul; /* a value held a NUL byte */
} web_form_t;

void web_form_init(web_form_t *f, size_t max_bytes);
void web_form_free(web_form_t *f);
/* Adds size bytes of field name's value; off 0 starts the field, a later
 * offset continues the last one of that name. */
void web_form_add(web_form_t *f, const char *name, const char *data, uint64_t off, size_t size);
/* Like web_form_add, for a file's bytes (a multipart part with a filename):
 * they may hold NUL bytes, which web_form_get never hands out. */
void web_form_add_file(web_form_t *f, const char *name, const char *data, uint64_t off,
                       size_t size);
/* The value of name, or NULL when the form has no such field (or it is a
 * file). */
const char *web_form_get(const web_form_t *f, const char *name);
/* The bytes of file field name and their number; NULL when there is none. */
const unsigned char *web_form_file(const web_form_t *f, const char *name, size_t *len);

#endif
