/*
 * main.c - the gimark command line: finds the command, parses its options,
 * opens the database and runs the handler.
 *
 *     gimark [--db FILE] [--config FILE] [--json] [--actor NAME] COMMAND [SUBCOMMAND]
 *            [OPTIONS] [ARGS]
 *
 * Commands are rows of the tables in gi/cli_*.c: their words, usage, options
 * and handler; option parsing and --help are generated from those rows. A
 * handler returns a gi_err_t; gi_exit_status() turns it into the exit status
 * and its message goes to stderr as one line.
 */
#include "gi/cli.h"

#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const cli_command_t *const command_tables[] = {
    cli_registry_commands,    cli_batch_commands,   cli_account_commands, cli_serve_commands,
    cli_backup_commands,      cli_migrate_commands, cli_usage_commands,   cli_households_commands,
    cli_supervision_commands, cli_annual_commands,
};
#define NTABLES (sizeof command_tables / sizeof command_tables[0])

static const cli_opt_t common_opts[] = {
    {"db", "FILE", "database file (default gimark.db, env GIMARK_DB)"},
    {"json", NULL, "print data as JSON"},
    {"actor", "NAME", "who is acting, for the audit log (default cli:$USER)"},
    {"config", "FILE",
     "settings file: 'name = value' lines naming long options (env GIMARK_CONFIG; "
     "the command line wins)"},
    {"help", NULL, "show this help"},
    {NULL, NULL, NULL},
};
enum { COMMON_DB = 2000, COMMON_JSON, COMMON_ACTOR, COMMON_CONFIG, COMMON_HELP };

static void print_opts(FILE *f, const cli_opt_t *opts)
{
    for (int i = 0; opts && opts[i].name; i++) {
        char left[48];
        snprintf(left, sizeof left, "--%s%s%s", opts[i].name, opts[i].arg ? " " : "",
                 opts[i].arg ? opts[i].arg : "");
        fprintf(f, "  %-26s %s\n", left, opts[i].help);
    }
}

/* Lists every command, or only those of word when word is not NULL. */
static void usage_all(FILE *f, const char *word)
{
    fprintf(f,
            "usage: gimark [--db FILE] [--config FILE] [--json] COMMAND [SUBCOMMAND] [OPTIONS]\n\n"
            "gimark keeps the register of geographical-indication products, the operators\n"
            "authorised to use the GI mark, their label batches, and the audit log of every\n"
            "change.\n\ncommands:\n");
    for (size_t t = 0; t < NTABLES; t++) {
        for (const cli_command_t *c = command_tables[t]; c->word; c++) {
            if (word && strcmp(word, c->word) != 0)
                continue;
            char words[32];
            snprintf(words, sizeof words, "%s %s", c->word, c->sub ? c->sub : "");
            fprintf(f, "  %-20s %s\n", words, c->summary);
        }
    }
    fprintf(f, "\noptions for every command:\n");
    print_opts(f, common_opts);
    fprintf(f, "\n'gimark COMMAND [SUBCOMMAND] --help' shows a command's options.\n"
               "exit status: 0 done, 1 usage or input error, 2 refused by the rules, 3 I/O or "
               "database error\n");
}

static void usage_command(FILE *f, const cli_command_t *cmd)
{
    fprintf(f, "usage: gimark %s%s%s [OPTIONS]%s%s\n\n%s\n", cmd->word, cmd->sub ? " " : "",
            cmd->sub ? cmd->sub : "", cmd->args[0] ? " " : "", cmd->args, cmd->summary);
    if (cmd->opts) {
        fprintf(f, "\noptions:\n");
        print_opts(f, cmd->opts);
    }
    fprintf(f, "\ncommon options:\n");
    print_opts(f, common_opts);
}

static int takes_value(const char *arg)
{
    return strcmp(arg, "--db") == 0 || strcmp(arg, "--actor") == 0 || strcmp(arg, "--config") == 0;
}

/* True when some command has an option called name, or it is "db": the
 * names a settings file may use. */
static int known_setting(const char *name)
{
    if (strcmp(name, "db") == 0)
        return 1;
    for (size_t t = 0; t < NTABLES; t++)
        for (const cli_command_t *c = command_tables[t]; c->word; c++)
            for (int i = 0; c->opts && c->opts[i].name; i++)
                if (strcmp(c->opts[i].name, name) == 0)
                    return 1;
    return 0;
}

/* Finds the command named by the first words of argv; *first receives the
 * index of the first word (0 when there is none). */
static const cli_command_t *find_command(int argc, char **argv, int *first)
{
    const char *w[2] = {NULL, NULL};
    int n = 0;
    *first = 0;
    for (int i = 1; i < argc && n < 2; i++) {
        if (argv[i][0] == '-') {
            i += takes_value(argv[i]) && i + 1 < argc;
            continue;
        }
        if (n == 0)
            *first = i;
        w[n++] = argv[i];
    }
    for (size_t t = 0; w[0] && t < NTABLES; t++)
        for (const cli_command_t *c = command_tables[t]; c->word; c++)
            if (strcmp(c->word, w[0]) == 0 && (!c->sub || (w[1] && strcmp(c->sub, w[1]) == 0)))
                return c;
    return NULL;
}

static size_t build_longopts(const cli_command_t *cmd, struct option *longopts)
{
    size_t n = 0;
    for (int i = 0; cmd->opts && cmd->opts[i].name; i++)
        longopts[n++] = (struct option){
            cmd->opts[i].name, cmd->opts[i].arg ? required_argument : no_argument, NULL, 1000 + i};
    for (int i = 0; common_opts[i].name; i++)
        longopts[n++] = (struct option){common_opts[i].name,
                                        common_opts[i].arg ? required_argument : no_argument, NULL,
                                        COMMON_DB + i};
    longopts[n] = (struct option){NULL, 0, NULL, 0};
    return n;
}

static int take_positionals(cli_t *cli, const cli_command_t *cmd, int argc, char **argv)
{
    int skip = cmd->sub ? 2 : 1;
    for (int i = optind; i < argc; i++) {
        if (skip > 0) {
            skip--;
            continue;
        }
        if (cli->nargs == CLI_MAX_ARGS) {
            fprintf(stderr, "gimark: too many arguments (at most %d)\n", CLI_MAX_ARGS);
            return 1;
        }
        cli->args[cli->nargs++] = argv[i];
    }
    int enough = cmd->nargs < 0 ? cli->nargs >= 1 : cli->nargs == cmd->nargs;
    if (!enough) {
        fprintf(stderr, "gimark %s%s%s: expected %s (see --help)\n", cmd->word, cmd->sub ? " " : "",
                cmd->sub ? cmd->sub : "", cmd->args[0] ? cmd->args : "no arguments");
        return 1;
    }
    return 0;
}

/* Parses argv for cmd into cli (the settings file's path into *config);
 * returns 0, 1 after printing a usage error, or -1 when --help was asked for. */
static int parse_args(cli_t *cli, const cli_command_t *cmd, int argc, char **argv,
                      const char **config)
{
    struct option longopts[CLI_MAX_OPTS + 8];
    int c;
    size_t n = 0;
    while (cmd->opts && cmd->opts[n].name)
        n++;
    if (n > CLI_MAX_OPTS) { /* a command table outgrew cli_t: found by any test of it */
        fprintf(stderr, "gimark %s: %zu options, more than CLI_MAX_OPTS (%d)\n", cmd->word, n,
                CLI_MAX_OPTS);
        return 1;
    }
    build_longopts(cmd, longopts);
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c >= 1000 && c < 1000 + CLI_MAX_OPTS)
            cli->value[c - 1000] = optarg ? optarg : "1";
        else if (c == COMMON_DB)
            cli->db_path = optarg;
        else if (c == COMMON_JSON)
            cli->json = 1;
        else if (c == COMMON_ACTOR)
            cli->actor = optarg;
        else if (c == COMMON_CONFIG)
            *config = optarg;
        else if (c == COMMON_HELP)
            return -1;
        else {
            fprintf(stderr, "gimark: %s: unknown option or missing value (see --help)\n",
                    argv[optind - 1]);
            return 1;
        }
    }
    return take_positionals(cli, cmd, argc, argv);
}

static int64_t current_time(void)
{
    /* GIMARK_NOW places the clock for tests (Unix seconds). */
    const char *fixed = getenv("GIMARK_NOW");
    if (fixed && *fixed)
        return strtoll(fixed, NULL, 10);
    return (int64_t)time(NULL);
}

/* Fills in what the command line left open from the environment and the
 * settings file, in that order; *text keeps the file's text. 0 or an exit
 * status. */
static int apply_settings(cli_t *cli, const cli_command_t *cmd, const char *config, char **text)
{
    const char *env_db = getenv("GIMARK_DB");
    const char *env_config = getenv("GIMARK_CONFIG");
    gi_error_t err = {0};
    if (!cli->db_path && env_db && *env_db)
        cli->db_path = env_db;
    if (!config && env_config && *env_config)
        config = env_config;
    gi_err_t rc = config ? cli_config_apply(cli, cmd, config, known_setting, text, &err) : GI_OK;
    if (rc != GI_OK)
        fprintf(stderr, "gimark: %s\n", err.msg);
    return gi_exit_status(rc);
}

/* Fills in the database path, actor and clock where nothing set them. */
static void apply_defaults(cli_t *cli, char *actor, size_t actor_len)
{
    if (!cli->db_path)
        cli->db_path = "gimark.db";
    if (!cli->actor) {
        const char *user = getenv("USER");
        snprintf(actor, actor_len, "cli:%s", user && *user ? user : "unknown");
        cli->actor = actor;
    }
    cli->now = current_time();
}

static int unknown_command(int argc, char **argv, int first)
{
    int asked_help = argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0;
    int word_help = first && argc == first + 2 && strcmp(argv[first + 1], "--help") == 0;
    if (asked_help || word_help) {
        usage_all(stdout, word_help ? argv[first] : NULL);
        return 0;
    }
    fprintf(stderr, "gimark: unknown command '%s%s%s' (see gimark --help)\n",
            first ? argv[first] : "", first && first + 1 < argc ? " " : "",
            first && first + 1 < argc ? argv[first + 1] : "");
    return 1;
}

/* Opens the database, runs cmd and closes it; returns the exit status. */
static int run_command(cli_t *cli, const cli_command_t *cmd)
{
    gi_error_t err = {0};
    if (sodium_init() < 0) {
        fprintf(stderr, "gimark: cannot initialise libsodium\n");
        return 3;
    }
    if (cmd->db_use == CLI_DB_EXISTING && !db_target_is_server(cli->db_path) &&
        access(cli->db_path, F_OK) != 0) {
        fprintf(stderr, "gimark: no database at %s (create one with 'gimark init')\n",
                cli->db_path);
        return 3;
    }
    char dberr[512];
    db_t *db = NULL;
    if (cmd->db_use != CLI_DB_NONE && !(db = db_open(cli->db_path, dberr, sizeof dberr))) {
        fprintf(stderr, "gimark: %s\n", dberr);
        return 3;
    }
    cli->ctx = (gi_ctx_t){db, cli->actor, cli->now, NULL};
    gi_err_t rc = cmd->run(cli, cmd, &err);
    db_close(db);
    if (rc != GI_OK)
        fprintf(stderr, "gimark %s%s%s: %s\n", cmd->word, cmd->sub ? " " : "",
                cmd->sub ? cmd->sub : "", err.msg[0] ? err.msg : gi_err_name(rc));
    return gi_exit_status(rc);
}

int main(int argc, char **argv)
{
    static char actor[96];
    cli_t cli = {0};
    const char *config = NULL;
    char *config_text = NULL;
    int first = 0;
    const cli_command_t *cmd = find_command(argc, argv, &first);
    if (!cmd)
        return unknown_command(argc, argv, first);
    int parsed = parse_args(&cli, cmd, argc, argv, &config);
    if (parsed < 0) {
        usage_command(stdout, cmd);
        return 0;
    }
    if (parsed > 0)
        return 1;
    int status = apply_settings(&cli, cmd, config, &config_text);
    if (status == 0) {
        apply_defaults(&cli, actor, sizeof actor);
        status = run_command(&cli, cmd);
    }
    free(config_text);
    return status;
}
