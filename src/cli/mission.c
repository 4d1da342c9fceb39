/*
 * `chancery mission list|show|open|close`: the missions of the registry. A
 * mission's row is its record as the interchange files have it, so list,
 * show and export agree on names and values. list renders through
 * report/views.c, the view GET /api/v1/missions calls. open and close are
 * the officer's writes, tables of options bound to the mission's fields
 * run through the shared write path (cli/edit.h), so they are checked by
 * the import's record rules: a mission closes once, after it opened, and
 * only when every tour there has ended by then.
 */
#include <stddef.h>

#include "base/date.h"
#include "cli/commands.h"
#include "cli/edit.h"
#include "cli/records.h"
#include "report/views.h"

static const struct opt LIST_OPTS[] = {
    { .name = "sending",
      .arg = "S",
      .ref = REF_STATE,
      .offset = offsetof(struct mission_filter, sending),
      .def = "any",
      .help = "only missions sent by S." },
    { .name = "host",
      .arg = "H",
      .ref = REF_STATE,
      .offset = offsetof(struct mission_filter, host),
      .def = "any",
      .help = "only missions accredited to H (a state or an organization)." },
    { .name = "country",
      .arg = "C",
      .ref = REF_STATE,
      .offset = offsetof(struct mission_filter, country),
      .def = "any",
      .help = "only missions located in C." },
    { .name = "open-on",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct mission_filter, open_on),
      .def = "open or closed",
      .help = "only missions open on D." },
    { .name = NULL },
};

static const struct cmd_spec LIST_SPEC = {
    .name = "mission list",
    .operands = "",
    .help = "the missions of the registry, filtered.",
    .example = { "mission list --sending RUS --host USA",
                 "mission list --country USA --open-on 2021-12-04" },
    .opts = LIST_OPTS,
};

static const struct cmd_spec SHOW_SPEC = {
    .name = "mission show",
    .operands = "ID",
    .min_operands = 1,
    .max_operands = 1,
    .help = "one mission's record.",
    .example = { "mission show RUS-USA-EMB",
                 "--format json mission show USA-RUS-EMB" },
};

static int list(struct cli *cli, int argc, char **argv)
{
    struct mission_filter f = { NULL, NULL, NULL, DATE_NONE };
    struct records out;
    struct buf b;
    struct err e;
    int rc = opts_parse(cli, &LIST_SPEC, argc, argv, &f, NULL, NULL);

    if (rc != OPTS_GO)
        return rc;
    if (records_open(&out, cli, ENT_MISSION, &e))
        return cli_fail(&e);
    if (opts_check(&LIST_SPEC, &f, NULL, NULL, &out.s, &e)) {
        records_close(&out);
        return cli_fail(&e);
    }
    buf_init(&b, BUF_MAX_DEFAULT);
    view_missions(&out.s, &f, &VIEW_SCOPE_ALL, cli->format, &b);
    records_print_buf(&b);
    records_close(&out);
    return 0;
}

static int show(struct cli *cli, int argc, char **argv)
{
    struct records out;
    struct opts_rest id;
    uint32_t i;
    int rc = opts_parse(cli, &SHOW_SPEC, argc, argv, NULL, NULL, &id);

    if (rc != OPTS_GO)
        return rc;
    if ((rc = records_show(&out, cli, ENT_MISSION, id.v[0], &i)))
        return rc;
    records_close(&out);
    return 0;
}

#define NOTE_OPT                                                               \
    {                                                                          \
        .name = "note", .arg = "TEXT", .help = "the change's recorded reason." \
    }

static const struct opt OPEN_OPTS[] = {
    { .name = "id",
      .arg = "ID",
      .field = "id",
      .flags = EDIT_REQUIRED,
      .help = "the new mission's id (unique)." },
    { .name = "name",
      .arg = "TEXT",
      .field = "name",
      .help = "its name, as the List gives it." },
    { .name = "sending",
      .arg = "S",
      .field = "sending",
      .ref = REF_STATE,
      .flags = EDIT_REQUIRED,
      .help = "the sending state." },
    { .name = "host",
      .arg = "H",
      .field = "host",
      .ref = REF_STATE,
      .flags = EDIT_REQUIRED,
      .help = "the state or organization it is accredited to." },
    { .name = "country",
      .arg = "C",
      .field = "country",
      .ref = REF_STATE,
      .flags = EDIT_REQUIRED,
      .help = "the country where it sits." },
    { .name = "city", .arg = "TEXT", .field = "city", .help = "its city." },
    { .name = "kind",
      .arg = "K",
      .field = "kind",
      .values = "embassy|consulate_general|consulate|vice_consulate|"
                "consular_agency|permanent_mission|delegation|trade_mission|"
                "interests_section|other",
      .flags = EDIT_REQUIRED | OPT_HINT,
      .help = "the kind of mission." },
    { .name = "on",
      .arg = "D",
      .field = "opened",
      .flags = EDIT_TODAY,
      .def = "today",
      .help = "the day it opened." },
    NOTE_OPT,
    { .name = NULL },
};

static const struct cmd_spec OPEN_SPEC = {
    .name = "mission open",
    .operands = "",
    .help = "record a mission that opens (an officer's command).",
    .example = { "mission open --id RUS-SFO --name 'Consulate General of "
                 "Russia' --sending RUS --host USA --country USA --city 'San "
                 "Francisco' --kind consulate_general --on 2021-01-04",
                 "mission open --id USA-VVO --sending USA --host RUS "
                 "--country RUS --kind consulate_general" },
    .opts = OPEN_OPTS,
};

static const struct opt CLOSE_OPTS[] = {
    { .name = "on",
      .arg = "D",
      .field = "closed",
      .flags = EDIT_TODAY,
      .def = "today",
      .help = "the day it closed: every tour there must have ended by "
              "then." },
    NOTE_OPT,
    { .name = NULL },
};

static const struct cmd_spec CLOSE_SPEC = {
    .name = "mission close",
    .operands = "ID",
    .min_operands = 1,
    .max_operands = 1,
    .help = "record the day a mission closed (an officer's command).",
    .example = { "mission close RUS-SEA --on 2018-04-24",
                 "mission close USA-VVO --note 'operations suspended'" },
    .opts = CLOSE_OPTS,
};

static const char *const CLOSED[] = { "closed", NULL };
static const struct edit_command OPEN = { &OPEN_SPEC, ENT_MISSION, NULL };
static const struct edit_command CLOSE = { &CLOSE_SPEC, ENT_MISSION, CLOSED };

static int open_mission(struct cli *cli, int argc, char **argv)
{
    return edit_insert(cli, &OPEN, argc, argv);
}

static int close_mission(struct cli *cli, int argc, char **argv)
{
    return edit_update(cli, &CLOSE, argc, argv);
}

static const struct command MISSION_COMMANDS[] = {
    { "list", list, &LIST_SPEC },
    { "show", show, &SHOW_SPEC },
    { "open", open_mission, &OPEN_SPEC },
    { "close", close_mission, &CLOSE_SPEC },
    { NULL, NULL, NULL },
};

const struct cmd_spec MISSION_SPEC = {
    .name = "mission",
    .operands = "list|show|open|close ...",
    .help = "foreign missions: embassies, consulates, missions to "
            "organizations.",
    .subs = MISSION_COMMANDS,
};

int cmd_mission(struct cli *cli, int argc, char **argv)
{
    return cli_dispatch(cli, &MISSION_SPEC, argc, argv);
}
