/*
 * `chancery dependent add|revoke|end`: the members of a posting's
 * household. A dependent's key is its person and posting together, so the
 * updates take both ("dependent revoke P5 T2"). Each subcommand is a table
 * of options bound to the dependent's fields, run by the shared write path
 * (cli/edit.h): the same validation as an import (an unknown person or
 * posting, a posting's holder as its own dependent, dates outside the
 * posting), and a date already recorded is never overwritten.
 */
#include "cli/commands.h"
#include "cli/edit.h"

static const struct edit_option ADD_OPTS[] = {
    { "person", "person", EDIT_REQUIRED },
    { "posting", "posting", EDIT_REQUIRED },
    { "relation", "relation", EDIT_REQUIRED },
    { "joined", "joined", 0 },
    { "accredited", "accredited", 0 },
    { "note", NULL, 0 },
    { NULL, NULL, 0 },
};

#define ADD_USAGE                                                        \
    "--person P --posting T --relation R [--joined D] [--accredited D] " \
    "[--note TEXT]"

static const struct edit_command ADD = {
    "dependent", "add " ADD_USAGE, ENT_DEPENDENT, 0, ADD_OPTS, NULL,
};

static const char *const REVOKED[] = { "revoked", NULL };
static const char *const ACCREDITED[] = { "accredited", NULL };
static const char *const LEFT[] = { "left", NULL };

static const struct edit_option REVOKE_OPTS[] = {
    { "on", "revoked", EDIT_TODAY },
    { "note", NULL, 0 },
    { NULL, NULL, 0 },
};
static const struct edit_option END_OPTS[] = {
    { "on", "left", EDIT_TODAY },
    { "note", NULL, 0 },
    { NULL, NULL, 0 },
};

static const struct edit_option ACCREDIT_OPTS[] = {
    { "on", "accredited", EDIT_TODAY },
    { "note", NULL, 0 },
    { NULL, NULL, 0 },
};

#define ON_USAGE "PERSON POSTING [--on D] [--note TEXT]"

static const struct edit_command ACCREDIT = {
    "dependent", "accredit " ON_USAGE, ENT_DEPENDENT,
    2,           ACCREDIT_OPTS,        ACCREDITED,
};

static const struct edit_command REVOKE = {
    "dependent", "revoke " ON_USAGE, ENT_DEPENDENT, 2, REVOKE_OPTS, REVOKED,
};
static const struct edit_command END = {
    "dependent", "end " ON_USAGE, ENT_DEPENDENT, 2, END_OPTS, LEFT,
};

static int add(struct cli *cli, int argc, char **argv)
{
    return edit_insert(cli, &ADD, argc, argv);
}

static int accredit(struct cli *cli, int argc, char **argv)
{
    return edit_update(cli, &ACCREDIT, argc, argv);
}

static int revoke(struct cli *cli, int argc, char **argv)
{
    return edit_update(cli, &REVOKE, argc, argv);
}

static int end(struct cli *cli, int argc, char **argv)
{
    return edit_update(cli, &END, argc, argv);
}

static const struct command DEPENDENT_COMMANDS[] = {
    { "add", add, ADD_USAGE, "record a member of a posting's household" },
    { "accredit", accredit, ON_USAGE,
      "record a dependent accredited later (--on: today)" },
    { "revoke", revoke, ON_USAGE,
      "record the revocation of the dependent's accreditation (--on: "
      "today)" },
    { "end", end, ON_USAGE,
      "record the dependent leaving the household (--on: today)" },
    { NULL, NULL, NULL, NULL },
};

int cmd_dependent(struct cli *cli, int argc, char **argv)
{
    return cli_dispatch(cli, "dependent", DEPENDENT_COMMANDS, argc, argv);
}
