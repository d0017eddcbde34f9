/*
 * error.c - formatting and mapping of gi_err_t.
 */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

static gi_err_t fail_v(gi_error_t *e, gi_err_t code, gi_rule_t rule, const char *fmt, va_list ap)
{
    if (e) {
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        e->rule = rule;
    }
    return code;
}

gi_err_t gi_fail(gi_error_t *e, gi_err_t code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_v(e, code, GI_RULE_NONE, fmt, ap);
    va_end(ap);
    return code;
}

gi_err_t gi_fail_rule(gi_error_t *e, gi_err_t code, gi_rule_t rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_v(e, code, rule, fmt, ap);
    va_end(ap);
    return code;
}

const char *gi_rule_name(gi_rule_t rule)
{
    static const char *const names[GI_RULE_COUNT] = {
#define GI_RULE_NAME(id, name) [GI_RULE_##id] = name,
        GI_RULES(GI_RULE_NAME)
#undef GI_RULE_NAME
    };
    return (unsigned)rule < GI_RULE_COUNT ? names[rule] : "none";
}

const char *gi_error_code(gi_err_t rc, const gi_error_t *e)
{
    if (e && e->rule != GI_RULE_NONE && (unsigned)e->rule < GI_RULE_COUNT)
        return gi_rule_name(e->rule);
    return gi_err_name(rc);
}

int gi_exit_status(gi_err_t code)
{
    switch (code) {
    case GI_OK:
        return 0;
    case GI_EINVAL:
        return 1;
    case GI_ENOTFOUND:
    case GI_EEXISTS:
    case GI_EREFUSED:
    case GI_EFORBIDDEN:
        return 2;
    case GI_EIO:
    case GI_ENOMEM:
        return 3;
    }
    return 3;
}

const char *gi_err_name(gi_err_t code)
{
    switch (code) {
    case GI_OK:
        return "ok";
    case GI_EINVAL:
        return "invalid";
    case GI_ENOTFOUND:
        return "not_found";
    case GI_EEXISTS:
        return "exists";
    case GI_EREFUSED:
        return "refused";
    case GI_EFORBIDDEN:
        return "forbidden";
    case GI_EIO:
        return "io";
    case GI_ENOMEM:
        return "no_memory";
    }
    return "io";
}
