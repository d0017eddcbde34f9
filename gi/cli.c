/*
 * cli.c - helpers shared by the parts of the command line.
 */
#include "gi/cli.h"
#include "gi/layout.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cli_opt(const cli_t *cli, const cli_command_t *cmd, const char *name)
{
    for (int i = 0; cmd->opts && cmd->opts[i].name; i++)
        if (strcmp(cmd->opts[i].name, name) == 0)
            return cli->value[i];
    return NULL;
}

const char *cli_opt_or(const cli_t *cli, const cli_command_t *cmd, const char *name,
                       const char *fallback)
{
    const char *v = cli_opt(cli, cmd, name);
    return v ? v : fallback;
}

gi_err_t cli_require(const cli_t *cli, const cli_command_t *cmd, const char *name, const char **out,
                     gi_error_t *err)
{
    *out = cli_opt(cli, cmd, name);
    if (!*out || !**out)
        return gi_fail(err, GI_EINVAL, "--%s is required", name);
    return GI_OK;
}

/* Parses a whole decimal number in [min, max]. */
gi_err_t cli_parse_int(const char *what, const char *s, int64_t min, int64_t max, int64_t *out,
                       gi_error_t *err)
{
    if (!s || !*s)
        return gi_fail(err, GI_EINVAL, "%s is required", what);
    if (gi_parse_whole(s, min, max, out) != 0)
        return gi_fail(err, GI_EINVAL,
                       "%s must be a whole number from %" PRId64 " to %" PRId64 ", not '%s'", what,
                       min, max, s);
    return GI_OK;
}

gi_err_t cli_parse_id(const char *what, const char *s, int64_t *out, gi_error_t *err)
{
    if (!s || !*s)
        return gi_fail(err, GI_EINVAL, "%s is required", what);
    if (gi_parse_id(s, out) != 0)
        return gi_fail(err, GI_EINVAL, "%s must be a record id (digits, not '%s')", what, s);
    return GI_OK;
}

static gi_err_t page_from_opts(const cli_t *cli, const cli_command_t *cmd, db_page_t *page,
                               gi_error_t *err)
{
    gi_err_t rc = cli_parse_int("--limit", cli_opt_or(cli, cmd, "limit", "100"), 1, 100000,
                                &page->limit, err);
    if (rc == GI_OK)
        rc = cli_parse_int("--offset", cli_opt_or(cli, cmd, "offset", "0"), 0, INT64_MAX,
                           &page->offset, err);
    return rc;
}

/* Prints a JSON value (consumed) on stdout. */
gi_err_t cli_print_json(json_t *v, gi_error_t *err)
{
    if (!v)
        return gi_fail(err, GI_ENOMEM, "cannot build JSON output");
    int rc = json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(v);
    fputc('\n', stdout);
    return rc == 0 ? GI_OK : gi_fail(err, GI_EIO, "cannot write output");
}

void cli_today(const cli_t *cli, char out[GI_DATE_LEN + 1])
{
    gi_date_of(cli->now, out);
}

/* Starts a list: the page from --limit/--offset, a JSON array when --json
 * (else NULL) and, for text, the header line. */
gi_err_t cli_list_begin(const cli_t *cli, const cli_command_t *cmd, const char *header,
                        db_page_t *page, json_t **list, gi_error_t *err)
{
    gi_err_t rc = page_from_opts(cli, cmd, page, err);
    if (rc != GI_OK)
        return rc;
    *list = cli->json ? json_array() : NULL;
    if (!cli->json)
        printf("%s\n", header);
    return GI_OK;
}

/* Ends a list: prints the JSON array, or reports the storage failure. */
const db_account_t cli_account = {.username = "cli", .role = "regulator", .region_scope = ""};

gi_err_t cli_list_end(const cli_t *cli, gi_err_t rc, json_t *list, gi_error_t *err)
{
    (void)cli;
    if (rc != GI_OK) {
        json_decref(list);
        return rc;
    }
    return list ? cli_print_json(list, err) : GI_OK;
}

typedef struct {
    const cli_t *cli;
    const cli_command_t *cmd;
} opt_source_t;

static const char *opt_of(void *arg, const char *name)
{
    const opt_source_t *src = arg;
    return cli_opt(src->cli, src->cmd, name);
}

gi_err_t cli_layout(const cli_t *cli, const cli_command_t *cmd, label_layout_t *l, gi_error_t *err)
{
    gi_err_t rc = gi_layout_read(l, opt_of, &(opt_source_t){cli, cmd}, err);
    /* not a layout choice of gi/layout.h: a download may not ask for it,
     * the server's memory bound rests on it */
    const char *v = cli_opt(cli, cmd, "pdf-part-labels");
    int64_t n;
    if (rc == GI_OK && v &&
        (rc = cli_parse_int("pdf-part-labels", v, 0, 100000000, &n, err)) == GI_OK)
        l->pdf_part_labels = (size_t)n;
    return rc;
}
