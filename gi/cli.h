/*
 * cli.h - what the parts of the gimark command line share: the parsed
 * invocation, the command table's row type and small helpers for options,
 * numbers and output. Internal to the CLI (gi/main.c, gi/cli*.c).
 */
#ifndef GI_CLI_H
#define GI_CLI_H

#include "gi/gi.h"
#include "labels/label.h"

#include <jansson.h>
#include <stddef.h>

#define CLI_MAX_OPTS 64 /* options of one command (serve has the most) */
#define CLI_MAX_ARGS 8

typedef struct {
    const char *name;
    const char *arg; /* NULL: a flag without value */
    const char *help;
} cli_opt_t;

/* The rows of the label layout options (gi/layout.h), shared by the commands
 * that make print files: `batch export`, and `serve` for its downloads. */
#define CLI_LAYOUT_OPTS                                                                            \
    {"symbology", "SYM", "qr (default) | datamatrix | hanxin | code128"},                          \
        {"ecc", "L|M|Q|H", "QR error correction level (default M)"},                               \
        {"label-size", "WxH", "label size in mm (default 60x30)"},                                 \
        {"page-size", "WxH", "sheet size in mm (default 210x297, A4)"},                            \
        {"grid", "CxR", "labels across and down (default: as many as fit)"},                       \
        {"margin", "MM", "page margin (default 10)"},                                              \
        {"gap", "MM", "gap between labels (default 3)"},                                           \
        {"module", "MM", "symbol module size (default: largest that fits)"},                       \
        {"crop-marks", NULL, "draw crop marks"}, {"dpi", "N", "PNG resolution (default 300)"},     \
        {"vector", NULL, "draw symbols as vector paths instead of 1-bit images"},                  \
        {"zip-member", "FMT", "zip: png (default) or svg per label"},                              \
        {"min-text", "MM",                                                                         \
         "smallest character height of the required text (default 1.8, as GB 7718 asks)"},         \
        {"dl-lot", NULL, "a product with a GTIN: its Digital Link carries the lot (/10/{lot})"},   \
        {"bleed", "MM", "pdf: page grows by MM each side beyond the trim box (default 0)"},        \
        {"cut-contour", NULL, "pdf: each label's die-cut outline as the spot colour CutContour"},  \
        {"pdf-part-labels", "N",                                                                   \
         "pdf: more labels than N come as a ZIP of PDF parts (labels-00001-02496.pdf, ...), each " \
         "of the whole sheets N labels fill, so memory does not grow with the batch (default "     \
         "2500; 0: one PDF however large, about 1.3 KB of memory a label)"},                       \
    {                                                                                              \
        "approval-no", NULL,                                                                       \
            "print the authorisation's approval document number (核准文号) on every label"     \
    }

typedef struct {
    const char *db_path;
    int json;
    const char *actor;
    int64_t now;
    const char *value[CLI_MAX_OPTS]; /* option values, indexed like the command's opts */
    const char *args[CLI_MAX_ARGS];  /* positional arguments */
    int nargs;
    gi_ctx_t ctx;
} cli_t;

typedef struct cli_command cli_command_t;
struct cli_command {
    const char *word;
    const char *sub;  /* NULL: no subcommand */
    const char *args; /* positional arguments, for the usage line */
    int nargs;        /* how many are required; -1: one or more */
    const char *summary;
    const cli_opt_t *opts;
    gi_err_t (*run)(cli_t *cli, const cli_command_t *cmd, gi_error_t *err);
    int db_use; /* CLI_DB_EXISTING, CLI_DB_CREATE or CLI_DB_NONE */
};

/* What a command needs of the database before its handler runs. */
enum {
    CLI_DB_EXISTING = 0, /* opened; it must exist */
    CLI_DB_CREATE = 1,   /* opened, and created when it does not exist yet */
    CLI_DB_NONE = 2,     /* not opened: the handler works on the files itself */
};

/* The command tables of each part, ended by a row with word NULL. */
extern const cli_command_t cli_registry_commands[];
extern const cli_command_t cli_batch_commands[];
extern const cli_command_t cli_account_commands[];
extern const cli_command_t cli_serve_commands[];
extern const cli_command_t cli_backup_commands[];
extern const cli_command_t cli_migrate_commands[];
extern const cli_command_t cli_usage_commands[];
extern const cli_command_t cli_households_commands[];
extern const cli_command_t cli_supervision_commands[];
extern const cli_command_t cli_annual_commands[];

/* Reads the settings file at path into cmd's options that the command line
 * left unset (and the database path), see gi/cli_config.c. known tells
 * whether some command has a setting of that name. *text receives the
 * file's text, which the options point into: free it after the command. */
gi_err_t cli_config_apply(cli_t *cli, const cli_command_t *cmd, const char *path,
                          int (*known)(const char *name), char **text, gi_error_t *err);

/* The layout the CLI_LAYOUT_OPTS of cmd given in cli ask for. */
gi_err_t cli_layout(const cli_t *cli, const cli_command_t *cmd, label_layout_t *l, gi_error_t *err);

/* Option values by name; NULL (or fallback) when not given. */
const char *cli_opt(const cli_t *cli, const cli_command_t *cmd, const char *name);
const char *cli_opt_or(const cli_t *cli, const cli_command_t *cmd, const char *name,
                       const char *fallback);
gi_err_t cli_require(const cli_t *cli, const cli_command_t *cmd, const char *name, const char **out,
                     gi_error_t *err);
/* A whole decimal number in [min, max]; what names it in the message. */
gi_err_t cli_parse_int(const char *what, const char *s, int64_t min, int64_t max, int64_t *out,
                       gi_error_t *err);
gi_err_t cli_parse_id(const char *what, const char *s, int64_t *out, gi_error_t *err);
/* Prints v (consumed) on stdout. */
gi_err_t cli_print_json(json_t *v, gi_error_t *err);
void cli_today(const cli_t *cli, char out[GI_DATE_LEN + 1]);
/* Lists: the page from --limit/--offset, a JSON array when --json (else
 * NULL) and, for text, the header line; cli_list_end prints the list, or
 * fails with the listing's rc. */
gi_err_t cli_list_begin(const cli_t *cli, const cli_command_t *cmd, const char *header,
                        db_page_t *page, json_t **list, gi_error_t *err);
gi_err_t cli_list_end(const cli_t *cli, gi_err_t rc, json_t *list, gi_error_t *err);

/* Who the command line reads the register as (gi/view.h): whoever has the
 * database file keeps the whole register, so a regulator of every region. */
extern const db_account_t cli_account;

#endif
