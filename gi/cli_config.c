/*
 * cli_config.c - the settings file (--config FILE or GIMARK_CONFIG):
 *
 *     # comment
 *     listen = 127.0.0.1:8080
 *     base-url = https://gi.example.cn
 *     vector = yes
 *
 * Each name is a long option of some command, or `db`; a command takes the
 * settings named like its options, and an option given on the command line
 * wins. A setting no command knows is an error, so a misspelt name is
 * caught instead of silently ignored.
 */
#include "gi/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONFIG_MAX_BYTES (64 * 1024)

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        *--end = '\0';
    return s;
}

/* The whole file, NUL-terminated, in a buffer (*text) the caller frees. */
static gi_err_t read_file(const char *path, char **text, gi_error_t *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return gi_fail(err, GI_EIO, "config %s: %s", path, strerror(errno));
    char *buf = malloc(CONFIG_MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, CONFIG_MAX_BYTES + 1, f) : 0;
    int failed = ferror(f);
    fclose(f);
    gi_err_t rc = GI_OK;
    if (!buf)
        rc = gi_fail(err, GI_ENOMEM, "config %s: out of memory", path);
    else if (failed)
        rc = gi_fail(err, GI_EIO, "config %s: cannot read", path);
    else if (n > CONFIG_MAX_BYTES)
        rc = gi_fail(err, GI_EINVAL, "config %s: larger than 64 KiB", path);
    if (rc != GI_OK) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *text = buf;
    return GI_OK;
}

/* A flag's setting: "1" for yes, NULL for no; *bad when it is neither. */
static const char *flag_value(const char *v, int *bad)
{
    static const char *const yes[] = {"yes", "true", "on", "1"}, *const no[] = {"no", "false",
                                                                                "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(v, yes[i]) == 0)
            return "1";
        if (strcmp(v, no[i]) == 0)
            return NULL;
    }
    *bad = 1;
    return NULL;
}

/* Gives cmd's option name the value v unless the command line did. */
static gi_err_t apply_setting(cli_t *cli, const cli_command_t *cmd, const char *name, const char *v,
                              const char *where, gi_error_t *err)
{
    for (int i = 0; cmd->opts && cmd->opts[i].name; i++) {
        if (strcmp(cmd->opts[i].name, name) != 0 || cli->value[i])
            continue;
        int bad = 0;
        cli->value[i] = cmd->opts[i].arg ? v : flag_value(v, &bad);
        if (bad)
            return gi_fail(err, GI_EINVAL, "%s: %s is yes or no, not '%s'", where, name, v);
    }
    return GI_OK;
}

/* One line of the file: blank, a comment, or a known `name = value`. */
static gi_err_t apply_line(cli_t *cli, const cli_command_t *cmd, char *line, const char *where,
                           int (*known)(const char *name), gi_error_t *err)
{
    char *s = trim(line);
    if (*s == '\0' || *s == '#')
        return GI_OK;
    char *eq = strchr(s, '=');
    if (!eq)
        return gi_fail(err, GI_EINVAL, "%s: expected 'name = value'", where);
    *eq = '\0';
    char *name = trim(s), *value = trim(eq + 1);
    if (!known(name))
        return gi_fail(err, GI_EINVAL, "%s: unknown setting '%s'", where, name);
    if (strcmp(name, "db") == 0) {
        if (!cli->db_path)
            cli->db_path = value;
        return GI_OK;
    }
    return apply_setting(cli, cmd, name, value, where, err);
}

gi_err_t cli_config_apply(cli_t *cli, const cli_command_t *cmd, const char *path,
                          int (*known)(const char *name), char **text, gi_error_t *err)
{
    gi_err_t rc = read_file(path, text, err);
    int lineno = 0;
    for (char *line = *text, *next; line && rc == GI_OK; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char where[300];
        snprintf(where, sizeof where, "config %s line %d", path, ++lineno);
        rc = apply_line(cli, cmd, line, where, known, err);
    }
    return rc;
}
