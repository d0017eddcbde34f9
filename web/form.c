/*
 * form.c - submitted form fields.
 */
#include "web/form.h"

#include <stdlib.h>
#include <string.h>

void web_form_init(web_form_t *f, size_t max_bytes)
{
    memset(f, 0, sizeof *f);
    f->max_bytes = max_bytes;
}

void web_form_free(web_form_t *f)
{
    for (int i = 0; i < f->n; i++)
        free(f->field[i].value);
    f->n = 0;
}

static int find(const web_form_t *f, const char *name)
{
    for (int i = f->n - 1; i >= 0; i--)
        if (strcmp(f->field[i].name, name) == 0)
            return i;
    return -1;
}

static void add(web_form_t *f, const char *name, const char *data, uint64_t off, size_t size,
                int file)
{
    int i = off == 0 ? -1 : find(f, name);
    if (i < 0) {
        if (f->n == WEB_FORM_FIELDS || strlen(name) >= WEB_FORM_NAME_MAX) {
            f->too_big = 1;
            return;
        }
        i = f->n++;
        memcpy(f->field[i].name, name, strlen(name) + 1); /* length checked above */
        f->field[i].value = NULL;
        f->field[i].len = 0;
        f->field[i].file = file;
    }
    if (f->bytes + size > f->max_bytes) {
        f->too_big = 1;
        return;
    }
    char *v = realloc(f->field[i].value, f->field[i].len + size + 1);
    if (!v) {
        f->too_big = 1;
        return;
    }
    memcpy(v + f->field[i].len, data, size);
    f->field[i].len += size;
    v[f->field[i].len] = '\0';
    f->field[i].value = v;
    f->bytes += size;
}

void web_form_add(web_form_t *f, const char *name, const char *data, uint64_t off, size_t size)
{
    if (memchr(data, '\0', size))
        f->has_nul = 1;
    add(f, name, data, off, size, 0);
}

void web_form_add_file(web_form_t *f, const char *name, const char *data, uint64_t off, size_t size)
{
    add(f, name, data, off, size, 1);
}

const char *web_form_get(const web_form_t *f, const char *name)
{
    int i = find(f, name);
    if (i < 0 || f->field[i].file)
        return NULL;
    return f->field[i].value ? f->field[i].value : "";
}

const unsigned char *web_form_file(const web_form_t *f, const char *name, size_t *len)
{
    int i = find(f, name);
    if (i < 0 || !f->field[i].file || !f->field[i].value)
        return NULL;
    *len = f->field[i].len;
    return (const unsigned char *)f->field[i].value;
}
