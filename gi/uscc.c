/*
 * uscc.c - validation of unified social credit codes (GB 32100-2015) and of
 * the organisation code inside them (GB 11714-1997).
 */
#include "gi/uscc.h"
#include "gi/gi.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY"; /* values 0..30 */
static const int check_weights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                      29, 25, 13, 8,  24, 10, 30, 28};
static const int org_weights[8] = {3, 7, 9, 10, 5, 8, 4, 2};

static const struct {
    char authority;
    const char *types;
} authorities[] = {
    {'1', "1239"}, {'2', "19"}, {'3', "123459"}, {'4', "19"}, {'5', "1239"}, {'6', "129"},
    {'7', "129"},  {'8', "19"}, {'9', "123"},    {'A', "19"}, {'N', "1239"}, {'Y', "1"},
};

static int value_of(char c)
{
    const char *p = strchr(uscc_alphabet, c);
    return c && p ? (int)(p - uscc_alphabet) : -1;
}

static const char *types_of(char authority)
{
    for (size_t i = 0; i < sizeof authorities / sizeof authorities[0]; i++)
        if (authorities[i].authority == authority)
            return authorities[i].types;
    return NULL;
}

static char check_character(const char *code)
{
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += value_of(code[i]) * check_weights[i];
    return uscc_alphabet[(31 - sum % 31) % 31];
}

/* The GB 11714 check digit of the 8-character organisation code body. */
static char org_check_digit(const char *body)
{
    int sum = 0;
    for (int i = 0; i < 8; i++) {
        char c = body[i];
        int v = isdigit((unsigned char)c) ? c - '0' : c - 'A' + 10;
        sum += v * org_weights[i];
    }
    int d = 11 - sum % 11;
    return d == 10 ? 'X' : d == 11 ? '0' : (char)('0' + d);
}

static gi_err_t fault_at(gi_uscc_fault_t *fault, gi_uscc_fault_t f, gi_error_t *err,
                         const char *code, const char *what)
{
    if (fault)
        *fault = f;
    return gi_fail_rule(err, GI_EINVAL, GI_RULE_USCC_INVALID, "USCC %s: %s", code, what);
}

/* Trims and upper-cases in into out; returns the length (0..sizeof out-1)
 * or -1 when it does not fit. */
static int normalise(const char *in, char *out, size_t cap)
{
    while (*in && isspace((unsigned char)*in))
        in++;
    size_t n = strlen(in);
    while (n > 0 && isspace((unsigned char)in[n - 1]))
        n--;
    if (n >= cap)
        return -1;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)toupper((unsigned char)in[i]);
    out[n] = '\0';
    return (int)n;
}

static gi_err_t check_structure(const char *c, gi_uscc_fault_t *fault, gi_error_t *err)
{
    char msg[160];
    const char *types = types_of(c[0]);
    if (!types) {
        snprintf(msg, sizeof msg, "'%c' (1st) is not a registration-authority code", c[0]);
        return fault_at(fault, GI_USCC_BAD_AUTHORITY, err, c, msg);
    }
    if (!strchr(types, c[1])) {
        snprintf(msg, sizeof msg, "type code '%c' (2nd) is not one of '%s' for authority '%c'",
                 c[1], types, c[0]);
        return fault_at(fault, GI_USCC_BAD_TYPE, err, c, msg);
    }
    char region[7];
    memcpy(region, c + 2, 6);
    region[6] = '\0';
    if (strcmp(region, "100000") != 0 && gi_check_region("region", region, NULL) != GI_OK) {
        snprintf(msg, sizeof msg, "characters 3-8 '%s' are not a GB/T 2260 region code", region);
        return fault_at(fault, GI_USCC_BAD_REGION, err, c, msg);
    }
    return GI_OK;
}

static gi_err_t check_digits(const char *c, gi_uscc_fault_t *fault, gi_error_t *err)
{
    char msg[160];
    for (int i = 8; i < 16; i++) {
        if (!isdigit((unsigned char)c[i]) && !isupper((unsigned char)c[i])) {
            snprintf(msg, sizeof msg, "character %d '%c' cannot stand in an organisation code",
                     i + 1, c[i]);
            return fault_at(fault, GI_USCC_BAD_CHAR, err, c, msg);
        }
    }
    char org = org_check_digit(c + 8);
    if (c[16] != org) {
        snprintf(msg, sizeof msg, "organisation-code check digit (17th) is '%c', expected '%c'",
                 c[16], org);
        return fault_at(fault, GI_USCC_BAD_ORG_CHECK, err, c, msg);
    }
    char check = check_character(c);
    if (c[17] != check) {
        snprintf(msg, sizeof msg, "check character (18th) is '%c', expected '%c'", c[17], check);
        return fault_at(fault, GI_USCC_BAD_CHECK, err, c, msg);
    }
    return GI_OK;
}

gi_err_t gi_uscc_validate(const char *in, char out[GI_USCC_LEN + 1], gi_uscc_fault_t *fault,
                          gi_error_t *err)
{
    char c[GI_USCC_LEN + 2];
    char msg[160];
    out[0] = '\0';
    if (fault)
        *fault = GI_USCC_VALID;
    int n = normalise(in ? in : "", c, sizeof c);
    if (n != GI_USCC_LEN) {
        if (n < 0)
            snprintf(msg, sizeof msg, "more than 18 characters");
        else
            snprintf(msg, sizeof msg, "%d characters, a USCC has 18", n);
        return fault_at(fault, GI_USCC_BAD_LENGTH, err, n < 0 ? "(too long)" : c, msg);
    }
    for (int i = 0; i < GI_USCC_LEN; i++) {
        if (value_of(c[i]) < 0) {
            if ((unsigned char)c[i] < 0x20 || (unsigned char)c[i] >= 0x7f)
                snprintf(msg, sizeof msg, "character %d is not allowed", i + 1);
            else
                snprintf(msg, sizeof msg,
                         "character %d '%c' is not allowed (I, O, S, V and Z are never used)",
                         i + 1, c[i]);
            return fault_at(fault, GI_USCC_BAD_CHAR, err, "(rejected)", msg);
        }
    }
    memcpy(out, c, GI_USCC_LEN + 1);
    gi_err_t rc = check_structure(c, fault, err);
    if (rc == GI_OK)
        rc = check_digits(c, fault, err);
    return rc;
}

int gi_uscc_fault_overridable(gi_uscc_fault_t fault)
{
    return fault == GI_USCC_BAD_ORG_CHECK || fault == GI_USCC_BAD_CHECK;
}

const char *gi_uscc_kind_name(const char uscc[GI_USCC_LEN + 1])
{
    static const struct {
        const char *prefix;
        const char *name;
    } kinds[] = {
        {"11", "government body"},
        {"12", "public institution"},
        {"51", "social organisation"},
        {"52", "private non-enterprise unit"},
        {"53", "foundation"},
        {"91", "enterprise"},
        {"92", "individual business"},
        {"93", "farmers' cooperative"},
        {"N1", "group collective economic organisation"},
        {"N2", "village collective economic organisation"},
        {"N3", "township collective economic organisation"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strncmp(uscc, kinds[i].prefix, 2) == 0)
            return kinds[i].name;
    return "unknown";
}
