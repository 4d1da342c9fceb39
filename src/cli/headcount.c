/*
 * `chancery headcount`: staff present on a date, per sending state and host
 * (or country, with --country: missions to organizations seated there are
 * in), per mission or per category. Counting is core/count.c's, grouping and
 * rendering report/views.c's (the route GET /api/v1/headcount calls the same
 * view); this file parses the options and prints.
 */
#include <stddef.h>

#include "cli/commands.h"
#include "report/views.h"

/* The order of --by's values; without --by, one row per place. */
enum group_by { GROUP_CATEGORY, GROUP_MISSION, GROUP_PLACE };

/* The view's arguments, and the options that fill them in. */
struct headcount_opts {
    struct headcount_args v;
    int by; /* enum group_by */
    struct opt_list categories;
};

#define CATEGORIES                                                    \
    "diplomatic_agent|admin_technical|service_staff|private_servant|" \
    "consular_officer|consular_employee|honorary_consul|local_staff"

static const struct opt OPTS[] = {
    { .name = "sending",
      .arg = "S",
      .ref = REF_STATE,
      .offset = offsetof(struct headcount_opts, v.scope.sending),
      .def = "every state",
      .help = "count only the staff sent by S." },
    { .name = "host",
      .arg = "H",
      .ref = REF_STATE,
      .offset = offsetof(struct headcount_opts, v.scope.host),
      .def = "every host",
      .help = "count only missions accredited to H (a state, or an "
              "organization such as UN)." },
    { .name = "country",
      .arg = "C",
      .ref = REF_STATE,
      .offset = offsetof(struct headcount_opts, v.scope.country),
      .def = "every country",
      .help = "count every mission located in C, missions to organizations "
              "seated there included; not with --host." },
    { .name = "as-of",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct headcount_opts, v.date),
      .def = "today",
      .help = "the date on which staff are present." },
    { .name = "by",
      .arg = "BY",
      .kind = OPT_ENUM,
      .values = "category|mission",
      .offset = offsetof(struct headcount_opts, by),
      .def = "one row per sending state and place",
      .help = "add a column: the staff category, or the mission." },
    { .name = "category",
      .arg = "CAT",
      .kind = OPT_LIST,
      .values = CATEGORIES,
      .offset = offsetof(struct headcount_opts, categories),
      .def = "every category",
      .help = "count only staff of category CAT." },
    { .name = NULL },
};

const struct cmd_spec HEADCOUNT_SPEC = {
    .name = "headcount",
    .operands = "",
    .help = "staff present on a date, per sending state and host.",
    .more = "A posting counts from its arrival (or notification) until it "
            "ends; --country counts the staff of missions to organizations "
            "in the country where they sit.",
    .example = { "headcount --sending RUS --host USA --as-of 2021-12-04",
                 "headcount --country USA --by mission --category "
                 "diplomatic_agent" },
    .opts = OPTS,
};

/* Parses the options into a; returns OPTS_GO to go on, else the exit. */
static int parse_args(struct cli *cli, int argc, char **argv,
                      struct headcount_opts *a)
{
    static const enum headcount_by BY[] = { BY_CATEGORY, BY_MISSION, BY_PLACE };
    int rc;

    memset(a, 0, sizeof(*a));
    a->v.date = cli->today;
    a->by = GROUP_PLACE;
    rc = opts_parse(cli, &HEADCOUNT_SPEC, argc, argv, a, NULL, NULL);
    if (rc != OPTS_GO)
        return rc;
    if (a->v.scope.host && a->v.scope.country)
        return cli_error(ST_USAGE, "--host and --country exclude each other");
    a->v.by = BY[a->by];
    for (int i = 0; i < a->categories.n; i++)
        a->v.scope.categories |=
            1u << enum_from_name(&ENUM_STAFF_CATEGORY, a->categories.v[i]);
    return OPTS_GO;
}

int cmd_headcount(struct cli *cli, int argc, char **argv)
{
    struct headcount_opts a;
    struct store *st = NULL;
    struct snapshot s;
    struct buf b;
    struct err e;

    int rc = parse_args(cli, argc, argv, &a);

    if (rc != OPTS_GO)
        return rc;
    snapshot_init(&s);
    if (cli_open(cli, &st, &s, &e) ||
        opts_check(&HEADCOUNT_SPEC, &a, NULL, NULL, &s, &e)) {
        snapshot_release(&s);
        if (st)
            store_close(st);
        return cli_fail(&e);
    }
    buf_init(&b, BUF_MAX_DEFAULT);
    view_headcount(&s, &a.v, cli->format, &b);
    fwrite(b.data, 1, b.len, stdout);
    buf_release(&b);
    snapshot_release(&s);
    store_close(st);
    return 0;
}
