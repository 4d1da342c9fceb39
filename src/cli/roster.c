/*
 * `chancery roster MISSION [--as-of D]`: the staff of a mission present on
 * a date in Diplomatic-List order (core/roster.h). Each row names the
 * spouse present in the household, as the List does.
 */
#include "core/roster.h"

#include <getopt.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "cli/commands.h"

/* The spouse present in posting ti's household on date, or "". */
static const char *spouse(const struct snapshot *s, uint32_t ti, int32_t date)
{
    ADJ_FOR_EACH(s->dependents_by_posting, ti, di)
    {
        const struct dependent *d = snap_dependent(s, di);

        if (d->relation == REL_SPOUSE &&
            (d->joined == DATE_NONE || d->joined <= date) &&
            (d->left == DATE_NONE || date < d->left))
            return snap_person(s, d->person)->family_name;
    }
    return "";
}

static void add_row(struct grid *g, const struct snapshot *s,
                    const struct posting *t, int32_t date)
{
    const struct person *p = snap_person(s, t->person);
    char arrived[DATE_BUF];
    const char *cells[8];

    date_format(t->arrived, arrived);
    cells[0] = t->id;
    cells[1] = p->family_name;
    cells[2] = p->given_names ? p->given_names : "";
    cells[3] = enum_name(&ENUM_RANK, t->rank);
    cells[4] = t->title ? t->title : "";
    cells[5] = enum_name(&ENUM_STAFF_CATEGORY, t->category);
    cells[6] = arrived;
    cells[7] = spouse(s, (uint32_t)(t - snap_posting(s, 0)), date);
    grid_add_row(g, cells);
}

static void print_roster(const struct cli *cli, const struct snapshot *s,
                         uint32_t m, int32_t date)
{
    static const char *const cols[] = { "posting", "family_name", "given_names",
                                        "rank",    "title",       "category",
                                        "arrived", "spouse" };
    uint32_t *list = xmalloc((roster_capacity(s, m) + 1) * sizeof(*list));
    size_t n = roster_build(s, m, date, list);
    struct grid g;

    grid_init(&g, cols, 8);
    for (size_t i = 0; i < n; i++)
        add_row(&g, s, snap_posting(s, list[i]), date);
    cli_print_grid(cli, &g);
    grid_release(&g);
    free(list);
}

int cmd_roster(struct cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        { "as-of", required_argument, NULL, 'a' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int32_t date = cli->today;
    struct store *st;
    struct snapshot s;
    struct err e;
    uint32_t m;
    int c;

    cli_reset_getopt();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'h')
            return printf("usage: chancery roster MISSION [--as-of D]\n"), 0;
        if (c != 'a')
            return cli_usage("roster", "MISSION [--as-of D]");
        if (cli_date("--as-of", optarg, &date, &e))
            return cli_fail(&e);
    }
    if (optind + 1 != argc)
        return cli_usage("roster", "MISSION [--as-of D]");
    snapshot_init(&s);
    if (cli_open(cli, &st, &s, &e)) {
        snapshot_release(&s);
        return cli_fail(&e);
    }
    m = snapshot_find(&s, ENT_MISSION, argv[optind]);
    if (m != IDMAP_NONE)
        print_roster(cli, &s, m, date);
    snapshot_release(&s);
    store_close(st);
    if (m == IDMAP_NONE)
        return cli_error(ST_NOT_FOUND, "unknown mission '%s'", argv[optind]);
    return 0;
}
