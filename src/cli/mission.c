/*
 * `chancery mission list|show`: the missions of the registry. A mission's
 * row is its record as the interchange files have it, so list, show and
 * export agree on names and values. list renders through report/views.c,
 * the view GET /api/v1/missions calls.
 */
#include <stddef.h>

#include "base/date.h"
#include "cli/commands.h"
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

static const struct command MISSION_COMMANDS[] = {
    { "list", list, &LIST_SPEC },
    { "show", show, &SHOW_SPEC },
    { NULL, NULL, NULL },
};

const struct cmd_spec MISSION_SPEC = {
    .name = "mission",
    .operands = "list|show ...",
    .help = "foreign missions: embassies, consulates, missions to "
            "organizations.",
    .subs = MISSION_COMMANDS,
};

int cmd_mission(struct cli *cli, int argc, char **argv)
{
    return cli_dispatch(cli, &MISSION_SPEC, argc, argv);
}
