/*
 * `chancery roster MISSION [--as-of D]`: the staff of a mission present on
 * a date in Diplomatic-List order (core/roster.h). Each row names the
 * spouse present in the household, as the List does.
 */
#include "core/roster.h"

#include <stddef.h>

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

struct roster_args {
    int32_t date;
};

static const struct opt OPTS[] = {
    { .name = "as-of",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct roster_args, date),
      .def = "today",
      .help = "the date on which the staff are present." },
    { .name = NULL },
};

const struct cmd_spec ROSTER_SPEC = {
    .name = "roster",
    .operands = "MISSION",
    .min_operands = 1,
    .max_operands = 1,
    .operand_refs = { REF_MISSION },
    .help = "a mission's staff present on a date, in Diplomatic-List order.",
    .more = "The order is the List's: head of mission first, then by rank "
            "and date of arrival. A mission closed on the date has no staff; "
            "a note on stderr says since when.",
    .example = { "roster RUS-USA-EMB --as-of 2021-12-04",
                 "--format csv roster USA-RUS-EMB" },
    .opts = OPTS,
};

/* Says on stderr when the mission was not open on the date. */
static void note_closed(const struct mission *m, int32_t date)
{
    char d[DATE_BUF];

    if (m->closed != DATE_NONE && m->closed <= date) {
        date_format(m->closed, d);
        fprintf(stderr, "chancery: note: mission '%s' closed on %s\n", m->id,
                d);
    } else if (m->opened != DATE_NONE && date < m->opened) {
        date_format(m->opened, d);
        fprintf(stderr, "chancery: note: mission '%s' opened on %s\n", m->id,
                d);
    }
}

int cmd_roster(struct cli *cli, int argc, char **argv)
{
    struct roster_args a = { cli->today };
    struct opts_rest id;
    struct store *st = NULL;
    struct snapshot s;
    struct err e;
    uint32_t m;
    int rc = opts_parse(cli, &ROSTER_SPEC, argc, argv, &a, NULL, &id);

    if (rc != OPTS_GO)
        return rc;
    snapshot_init(&s);
    if (cli_open(cli, &st, &s, &e) ||
        opts_check(&ROSTER_SPEC, &a, NULL, &id, &s, &e)) {
        snapshot_release(&s);
        if (st)
            store_close(st);
        return cli_fail(&e);
    }
    m = snapshot_find(&s, ENT_MISSION, id.v[0]);
    note_closed(snap_mission(&s, m), a.date);
    print_roster(cli, &s, m, a.date);
    snapshot_release(&s);
    store_close(st);
    return 0;
}
