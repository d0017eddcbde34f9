/*
 * portal_refused.c - a refused form shown again: the notice above it with
 * the way back, the error beside the field it belongs to, and each field
 * holding what was typed.
 */
#include "web/portal_internal.h"

#include <string.h>

unsigned portal_problem_status(gi_err_t rc)
{
    return rc == GI_EINVAL ? 400 : 409;
}

void portal_field_error(web_buf_t *b, const portal_problem_t *pr, const char *form,
                        const char *name)
{
    if (pr && strcmp(pr->field, name) == 0)
        web_html(b, "<p class=\"field-error\" id=\"%s-%s-error\" role=\"alert\">%s</p>", form, name,
                 pr->msg);
}

void portal_input(web_buf_t *b, const portal_problem_t *pr, const char *form, const char *name,
                  const char *label, const char *hint, const char *value, const char *attrs)
{
    int bad = pr && strcmp(pr->field, name) == 0;
    web_html(b, "<label for=\"%s-%s\">%s</label>", form, name, label);
    if (hint && hint[0])
        web_html(b, "<small id=\"%s-%s-hint\">%s</small>", form, name, hint);
    portal_field_error(b, pr, form, name);
    web_html(b, "<input id=\"%s-%s\" name=\"%s\" value=\"%s\"", form, name, name, value);
    if (bad)
        web_html(b, " aria-invalid=\"true\" aria-describedby=\"%s-%s-error\" autofocus", form,
                 name);
    else if (hint && hint[0])
        web_html(b, " aria-describedby=\"%s-%s-hint\"", form, name);
    web_buf_puts(b, " ");
    web_buf_puts(b, attrs);
    web_buf_puts(b, ">");
}

void portal_form_problem(page_t *pg, web_buf_t *b, const portal_problem_t *pr, const char *back)
{
    if (!pr)
        return;
    const web_desk_text_t *d = web_desk_text(pg->rq->lang);
    web_html(b, "<div class=\"form-problem\" role=\"alert\"><p>%s</p>", d->fix_below);
    if (!pr->field[0])
        web_html(b, "<p><strong>%s</strong></p>", pr->msg);
    web_html(b, "<p><a href=\"%s?lang=%s\">%s</a></p></div>", back, pg->t->param, d->back);
}

const char *portal_field_of(const char *msg, const portal_prefix_t *fields, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strncmp(msg, fields[i].prefix, strlen(fields[i].prefix)) == 0)
            return fields[i].field;
    return "";
}

const char *portal_kept(page_t *pg, const portal_problem_t *pr, const char *name, const char *fresh)
{
    return pr ? portal_field(pg, name) : fresh;
}

void portal_select(web_buf_t *b, const portal_problem_t *pr, const char *form, const char *name,
                   const char *label, const char *const *values, const char *const *labels,
                   size_t n, const char *selected)
{
    web_html(b, "<label for=\"%s-%s\">%s</label>", form, name, label);
    portal_field_error(b, pr, form, name);
    web_html(b, "<select id=\"%s-%s\" name=\"%s\">", form, name, name);
    for (size_t i = 0; i < n; i++)
        web_html(b, "<option value=\"%s\"%s>%s</option>", values[i],
                 selected && strcmp(selected, values[i]) == 0 ? " selected" : "", labels[i]);
    web_buf_puts(b, "</select>");
}
