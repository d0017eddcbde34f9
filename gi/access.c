/*
 * access.c - the role rules of access.h.
 */
#include "gi/access.h"
#include "gi/gi.h"

#include <string.h>

static const char *const action_names[GI_ACT_COUNT] = {
    [GI_ACT_READ] = "read",
    [GI_ACT_REGISTER] = "register",
    [GI_ACT_AUTH_DECIDE] = "decide on authorisations",
    [GI_ACT_BATCH_REQUEST] = "request batches",
    [GI_ACT_BATCH_DECIDE] = "decide on batches",
    [GI_ACT_BATCH_USE] = "use batches",
    [GI_ACT_REPORT_TRIAGE] = "triage reports",
    [GI_ACT_OVERSEE] = "oversee (audit log, figures, scans)",
    [GI_ACT_USAGE_FILE] = "file use reports",
    [GI_ACT_USAGE_DECIDE] = "accept or return use reports",
    [GI_ACT_SUPERVISE] = "supervise (inspections, draws, credit classes)",
};

const char *gi_action_name(gi_action_t action)
{
    return (unsigned)action < GI_ACT_COUNT ? action_names[action] : "unknown";
}

/* What an operator account may do with its own records. */
static int operator_may(gi_action_t action)
{
    return action == GI_ACT_READ || action == GI_ACT_BATCH_REQUEST || action == GI_ACT_BATCH_USE ||
           action == GI_ACT_USAGE_FILE;
}

static int visible(const db_account_t *a, const gi_subject_t *s)
{
    if (strcmp(a->role, "operator") == 0)
        return s->operator_id == 0 || s->operator_id == a->operator_id;
    return gi_region_within(s->region_code ? s->region_code : "", a->region_scope);
}

gi_err_t gi_access(const db_account_t *a, gi_action_t action, const gi_subject_t *s,
                   gi_error_t *err)
{
    if ((unsigned)action >= GI_ACT_COUNT)
        return gi_fail(err, GI_EINVAL, "no such action");
    if (a->disabled)
        return gi_fail_rule(err, GI_EFORBIDDEN, GI_RULE_ACCOUNT_DISABLED, "account %s is disabled",
                            a->username);
    int is_regulator = strcmp(a->role, "regulator") == 0;
    int is_auditor = strcmp(a->role, "auditor") == 0;
    int is_operator = strcmp(a->role, "operator") == 0;
    if (!is_regulator && !is_auditor && !is_operator)
        return gi_fail_rule(err, GI_EFORBIDDEN, GI_RULE_ROLE_UNKNOWN,
                            "account %s has no known role", a->username);
    if (!visible(a, s))
        return gi_fail(err, GI_ENOTFOUND, "not found");
    int allowed = is_regulator || action == GI_ACT_READ ||
                  (is_auditor && action == GI_ACT_OVERSEE) ||
                  (is_operator && s->operator_id != 0 && operator_may(action));
    if (!allowed)
        return gi_fail_rule(err, GI_EFORBIDDEN, GI_RULE_ROLE_NOT_ALLOWED,
                            "a%s %s account may not %s", is_auditor || is_operator ? "n" : "",
                            a->role, gi_action_name(action));
    return GI_OK;
}

gi_err_t gi_access_live_codes(const db_account_t *a, const char *batch_status, int64_t operator_id,
                              const char *reason, gi_error_t *err)
{
    if (strcmp(batch_status, "activated") != 0)
        return GI_OK;
    if (strcmp(a->role, "operator") == 0 && a->operator_id == operator_id)
        return GI_OK;
    if (strcmp(a->role, "regulator") == 0 && reason && reason[0])
        return GI_OK;
    if (strcmp(a->role, "regulator") == 0)
        return gi_fail_rule(
            err, GI_EFORBIDDEN, GI_RULE_LIVE_CODES_NEED_REASON,
            "the labels of an activated batch are live codes: a regulator downloads "
            "them only with a reason (?reason=...), which the audit log keeps");
    return gi_fail_rule(
        err, GI_EFORBIDDEN, GI_RULE_LIVE_CODES_OWN_ONLY,
        "the live codes of an activated batch go only to the operator's own accounts");
}

int gi_may_see_reporters(const db_account_t *a)
{
    return !a->disabled && (strcmp(a->role, "regulator") == 0 || strcmp(a->role, "auditor") == 0);
}
