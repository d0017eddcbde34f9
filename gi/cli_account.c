/*
 * cli_account.c - the account commands: user add|passwd|disable|enable and
 * token create|revoke (one token, or --all of an account's). Passwords are
 * read from the terminal (not echoed) or from the first line of standard
 * input, never from the command line, where every user of the machine could
 * read them.
 */
#include "gi/account.h"
#include "gi/cli.h"
#include "gi/registry.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* Reads one line of password into buf, without echo on a terminal. */
static gi_err_t read_password(const char *prompt, char *buf, size_t cap, gi_error_t *err)
{
    struct termios old, quiet;
    int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        fprintf(stderr, "%s", prompt);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char *line = fgets(buf, (int)cap, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (!line)
        return gi_fail(err, GI_EINVAL, "no password given on standard input");
    buf[strcspn(buf, "\r\n")] = '\0';
    return GI_OK;
}

static const cli_opt_t user_add_opts[] = {
    {"role", "ROLE", "regulator | auditor | operator (required)"},
    {"operator", "ID|USCC", "for an operator account: its operator"},
    {"scope", "PREFIX", "region scope: GB/T 2260 prefix such as 45, 4510, 451003 (default all)"},
    {NULL, NULL, NULL},
};

static gi_err_t cmd_user_add(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    char password[GI_PASSWORD_MAX + 2];
    db_operator_t op = {0};
    db_account_t a;
    const char *role, *op_text = cli_opt(cli, cmd, "operator");
    gi_err_t rc;
    if ((rc = cli_require(cli, cmd, "role", &role, err)) ||
        (op_text && (rc = gi_operator_find(&cli->ctx, op_text, &op, err))) ||
        (rc = read_password("password: ", password, sizeof password, err)))
        return rc;
    gi_account_input_t in = {cli->args[0], role, op.id, cli_opt_or(cli, cmd, "scope", ""),
                             password};
    rc = gi_account_add(&cli->ctx, &in, &a, err);
    sodium_memzero(password, sizeof password);
    if (rc != GI_OK)
        return rc;
    if (cli->json)
        return cli_print_json(json_pack("{s:I, s:s, s:s}", "id", (json_int_t)a.id, "username",
                                        a.username, "role", a.role),
                              err);
    printf("added %s account %s\n", a.role, a.username);
    return GI_OK;
}

static gi_err_t cmd_user_passwd(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    (void)cmd;
    char password[GI_PASSWORD_MAX + 2];
    gi_err_t rc = read_password("new password: ", password, sizeof password, err);
    if (rc == GI_OK)
        rc = gi_account_set_password(&cli->ctx, cli->args[0], password, err);
    sodium_memzero(password, sizeof password);
    if (rc == GI_OK && !cli->json)
        printf("password of %s changed\n", cli->args[0]);
    return rc;
}

static gi_err_t cmd_user_disable(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    int disable = strcmp(cmd->sub, "disable") == 0;
    gi_err_t rc = gi_account_set_disabled(&cli->ctx, cli->args[0], disable, err);
    if (rc == GI_OK && !cli->json)
        printf("account %s %s\n", cli->args[0], disable ? "disabled" : "enabled");
    return rc;
}

static const cli_opt_t token_create_opts[] = {
    {"name", "TEXT", "what the token is for, e.g. the print house's system"},
    {NULL, NULL, NULL},
};

static gi_err_t cmd_token_create(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    char token[GI_TOKEN_MAX];
    int64_t id;
    gi_err_t rc =
        gi_token_create(&cli->ctx, cli->args[0], cli_opt_or(cli, cmd, "name", ""), token, &id, err);
    if (rc != GI_OK)
        return rc;
    if (cli->json)
        rc = cli_print_json(json_pack("{s:I, s:s}", "id", (json_int_t)id, "token", token), err);
    else
        printf("token %" PRId64 " for %s (shown this once, store it now):\n%s\n", id, cli->args[0],
               token);
    sodium_memzero(token, sizeof token);
    return rc;
}

static const cli_opt_t token_revoke_opts[] = {
    {"all", NULL, "revoke every live token of the account named instead of an ID"},
    {NULL, NULL, NULL},
};

static gi_err_t cmd_token_revoke(cli_t *cli, const cli_command_t *cmd, gi_error_t *err)
{
    int64_t id, n;
    gi_err_t rc;
    if (cli_opt(cli, cmd, "all")) {
        rc = gi_token_revoke_all(&cli->ctx, cli->args[0], &n, err);
        if (rc == GI_OK && cli->json)
            rc = cli_print_json(
                json_pack("{s:s, s:I}", "username", cli->args[0], "revoked", (json_int_t)n), err);
        else if (rc == GI_OK)
            printf("%" PRId64 " token%s of %s revoked\n", n, n == 1 ? "" : "s", cli->args[0]);
        return rc;
    }
    rc = cli_parse_id("token id", cli->args[0], &id, err);
    if (rc == GI_OK)
        rc = gi_token_revoke(&cli->ctx, id, err);
    if (rc == GI_OK && !cli->json)
        printf("token %" PRId64 " revoked\n", id);
    return rc;
}

const cli_command_t cli_account_commands[] = {
    {"user", "add", "USERNAME", 1, "add an account (password read from standard input)",
     user_add_opts, cmd_user_add, 0},
    {"user", "passwd", "USERNAME", 1,
     "set an account's password (read from standard input) and end its sessions", NULL,
     cmd_user_passwd, 0},
    {"user", "disable", "USERNAME", 1,
     "stop an account from signing in, end its sessions and stop its tokens", NULL,
     cmd_user_disable, 0},
    {"user", "enable", "USERNAME", 1, "let a disabled account log in again", NULL, cmd_user_disable,
     0},
    {"token", "create", "USERNAME", 1, "create an API token (shown once)", token_create_opts,
     cmd_token_create, 0},
    {"token", "revoke", "ID | --all USERNAME", 1,
     "revoke an API token, or every token of an account", token_revoke_opts, cmd_token_revoke, 0},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL, 0},
};
