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

#define NOTE_OPT                                                               \
    {                                                                          \
        .name = "note", .arg = "TEXT", .help = "the change's recorded reason." \
    }

static const struct opt ADD_OPTS[] = {
    { .name = "person",
      .arg = "P",
      .field = "person",
      .ref = REF_PERSON,
      .flags = EDIT_REQUIRED,
      .help = "the member of the household." },
    { .name = "posting",
      .arg = "T",
      .field = "posting",
      .ref = REF_POSTING,
      .flags = EDIT_REQUIRED,
      .help = "the posting whose household it is." },
    { .name = "relation",
      .arg = "R",
      .field = "relation",
      .values = "spouse|child|parent|household_member",
      .flags = EDIT_REQUIRED | OPT_HINT,
      .help = "the relation to the posting's holder." },
    { .name = "joined",
      .arg = "D",
      .field = "joined",
      .def = "the posting's own dates",
      .help = "the date the person joined the household at the post." },
    { .name = "accredited",
      .arg = "D",
      .field = "accredited",
      .help = "the date of the dependent's accreditation." },
    NOTE_OPT,
    { .name = NULL },
};

static const struct cmd_spec ADD_SPEC = {
    .name = "dependent add",
    .operands = "",
    .help = "record a member of a posting's household.",
    .example = { "dependent add --person P901 --posting T900 --relation "
                 "spouse --joined 2021-12-01",
                 "dependent add --person P902 --posting T900 --relation child" },
    .opts = ADD_OPTS,
};

static const struct edit_command ADD = { &ADD_SPEC, ENT_DEPENDENT, NULL };

static const char *const REVOKED[] = { "revoked", NULL };
static const char *const ACCREDITED[] = { "accredited", NULL };
static const char *const LEFT[] = { "left", NULL };

static const struct opt REVOKE_OPTS[] = {
    { .name = "on",
      .arg = "D",
      .field = "revoked",
      .flags = EDIT_TODAY,
      .def = "today",
      .help = "the date of the revocation." },
    NOTE_OPT,
    { .name = NULL },
};
static const struct opt END_OPTS[] = {
    { .name = "on",
      .arg = "D",
      .field = "left",
      .flags = EDIT_TODAY,
      .def = "today",
      .help = "the date the dependent left." },
    NOTE_OPT,
    { .name = NULL },
};

static const struct opt ACCREDIT_OPTS[] = {
    { .name = "on",
      .arg = "D",
      .field = "accredited",
      .flags = EDIT_TODAY,
      .def = "today",
      .help = "the date of the dependent's accreditation." },
    NOTE_OPT,
    { .name = NULL },
};

static const struct cmd_spec ACCREDIT_SPEC = {
    .name = "dependent accredit",
    .operands = "PERSON POSTING",
    .min_operands = 2,
    .max_operands = 2,
    .help = "record a dependent accredited later than they joined.",
    .example = { "dependent accredit P901 T900 --on 2021-12-10",
                 "dependent accredit P902 T900 --note 'accreditation "
                 "restored'" },
    .opts = ACCREDIT_OPTS,
};
static const struct cmd_spec REVOKE_SPEC = {
    .name = "dependent revoke",
    .operands = "PERSON POSTING",
    .min_operands = 2,
    .max_operands = 2,
    .help = "record the revocation of a dependent's accreditation.",
    .example = { "dependent revoke P901 T900 --on 2022-01-15",
                 "dependent revoke P902 T900 --note 'turned 21'" },
    .opts = REVOKE_OPTS,
};
static const struct cmd_spec END_SPEC = {
    .name = "dependent end",
    .operands = "PERSON POSTING",
    .min_operands = 2,
    .max_operands = 2,
    .help = "record a dependent leaving the household.",
    .example = { "dependent end P901 T900 --on 2022-01-30",
                 "dependent end P902 T900" },
    .opts = END_OPTS,
};

static const struct edit_command REVOKE = { &REVOKE_SPEC, ENT_DEPENDENT,
                                            REVOKED };
static const struct edit_command END = { &END_SPEC, ENT_DEPENDENT, LEFT };
static const struct edit_command ACCREDIT = { &ACCREDIT_SPEC, ENT_DEPENDENT,
                                              ACCREDITED };

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
    { "add", add, &ADD_SPEC },
    { "accredit", accredit, &ACCREDIT_SPEC },
    { "revoke", revoke, &REVOKE_SPEC },
    { "end", end, &END_SPEC },
    { NULL, NULL, NULL },
};

const struct cmd_spec DEPENDENT_SPEC = {
    .name = "dependent",
    .operands = "add|accredit|revoke|end ...",
    .help = "members of a posting's household.",
    .subs = DEPENDENT_COMMANDS,
};

int cmd_dependent(struct cli *cli, int argc, char **argv)
{
    return cli_dispatch(cli, &DEPENDENT_SPEC, argc, argv);
}
