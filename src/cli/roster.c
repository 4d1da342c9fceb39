/*
 * `chancery roster MISSION [--as-of D]`: the staff of a mission present on
 * a date in Diplomatic-List order (core/roster.h). Each row names the
 * spouse present in the household, as the List does. `roster --sending S
 * --host H` gives every mission of S accredited to H open on the date, in
 * order of mission kind (embassy first) and id, each in the same order,
 * with a first column naming the mission.
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
                    const struct posting *t, int32_t date, int with_mission)
{
    const struct person *p = snap_person(s, t->person);
    char arrived[DATE_BUF];
    const char *row[9];
    const char **cells = row + !!with_mission;

    date_format(t->arrived, arrived);
    row[0] = snap_mission(s, t->mission)->id;
    cells[0] = t->id;
    cells[1] = p->family_name;
    cells[2] = p->given_names ? p->given_names : "";
    cells[3] = enum_name(&ENUM_RANK, t->rank);
    cells[4] = t->title ? t->title : "";
    cells[5] = enum_name(&ENUM_STAFF_CATEGORY, t->category);
    cells[6] = arrived;
    cells[7] = spouse(s, (uint32_t)(t - snap_posting(s, 0)), date);
    grid_add_row(g, row);
}

static const char *const COLUMNS[] = {
    "mission", "posting",  "family_name", "given_names", "rank",
    "title",   "category", "arrived",     "spouse",
};

/* Adds mission m's roster on date to g. */
static void add_mission(struct grid *g, const struct snapshot *s, uint32_t m,
                        int32_t date, int with_mission)
{
    uint32_t *list = xmalloc((roster_capacity(s, m) + 1) * sizeof(*list));
    size_t n = roster_build(s, m, date, list);

    for (size_t i = 0; i < n; i++)
        add_row(g, s, snap_posting(s, list[i]), date, with_mission);
    free(list);
}

static void print_roster(const struct cli *cli, const struct snapshot *s,
                         uint32_t m, int32_t date)
{
    struct grid g;

    grid_init(&g, COLUMNS + 1, 8);
    add_mission(&g, s, m, date, 0);
    cli_print_grid(cli, &g);
    grid_release(&g);
}

static const struct snapshot *order_snapshot;

/* Embassies first, then by kind and id: the order of the Diplomatic List's
 * entries for one sending state. */
static int by_kind(const void *x, const void *y)
{
    const struct mission *a =
        snap_mission(order_snapshot, *(const uint32_t *)x);
    const struct mission *b =
        snap_mission(order_snapshot, *(const uint32_t *)y);

    if (a->kind != b->kind)
        return (a->kind > b->kind) - (a->kind < b->kind);
    return strcmp(a->id, b->id);
}

/* The missions of sending accredited to host and open on date. OUT: *n;
 * returns a new array the caller frees. */
static uint32_t *missions_to(const struct snapshot *s, const char *sending,
                             const char *host, int32_t date, size_t *n)
{
    struct mission_list ml = snapshot_missions_sent(s, sending);
    uint32_t *out = xcalloc(ml.n + 1, sizeof(*out));

    if (!host)
        BUG("a roster of missions without a host");
    *n = 0;
    for (size_t i = 0; i < ml.n; i++) {
        uint32_t m = mission_list_at(&ml, i);
        const struct mission *x = snap_mission(s, m);

        if (x->host && !strcmp(x->host, host) &&
            (x->opened == DATE_NONE || x->opened <= date) &&
            (x->closed == DATE_NONE || date < x->closed))
            out[(*n)++] = m;
    }
    order_snapshot = s;
    qsort(out, *n, sizeof(*out), by_kind);
    return out;
}

/* roster --sending S --host H: every mission of S in H on date. */
static void print_missions(const struct cli *cli, const struct snapshot *s,
                           const char *sending, const char *host, int32_t date)
{
    struct grid g;
    uint32_t *ms;
    size_t n;

    ms = missions_to(s, sending, host, date, &n);
    grid_init(&g, COLUMNS, 9);
    for (size_t i = 0; i < n; i++)
        add_mission(&g, s, ms[i], date, 1);
    cli_print_grid(cli, &g);
    grid_release(&g);
    free(ms);
}

struct roster_args {
    int32_t date;
    const char *sending, *host;
};

static const struct opt OPTS[] = {
    { .name = "as-of",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct roster_args, date),
      .def = "today",
      .help = "the date on which the staff are present." },
    { .name = "sending",
      .arg = "S",
      .ref = REF_STATE,
      .offset = offsetof(struct roster_args, sending),
      .help = "instead of MISSION: every mission of S accredited to the host "
              "of --host; the two go together." },
    { .name = "host",
      .arg = "H",
      .ref = REF_STATE,
      .offset = offsetof(struct roster_args, host),
      .help = "with --sending: the host (a state or an organization such as "
              "UN)." },
    { .name = NULL },
};

const struct cmd_spec ROSTER_SPEC = {
    .name = "roster",
    .operands = "MISSION | --sending S --host H",
    .min_operands = 0,
    .max_operands = 1,
    .operand_refs = { REF_MISSION },
    .help = "a mission's staff present on a date, in Diplomatic-List order.",
    .more = "The order is the List's: head of mission first, then by rank "
            "and date of arrival. A mission closed on the date has no staff; "
            "a note on stderr says since when. With --sending and --host, "
            "every mission of the sending state open in the host, embassy "
            "first, each with a first column naming the mission.",
    .example = { "roster RUS-USA-EMB --as-of 2021-12-04",
                 "roster --sending RUS --host USA --as-of 2021-12-04" },
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
    struct roster_args a = { cli->today, NULL, NULL };
    struct opts_rest id;
    struct store *st = NULL;
    struct snapshot s;
    struct err e;
    uint32_t m;
    int rc = opts_parse(cli, &ROSTER_SPEC, argc, argv, &a, NULL, &id);

    if (rc != OPTS_GO)
        return rc;
    if (!a.sending != !a.host || id.n != !a.sending)
        return cli_error(ST_USAGE, "'roster' needs MISSION, or --sending S "
                                   "and --host H (try 'chancery roster "
                                   "--help')");
    snapshot_init(&s);
    if (cli_open(cli, &st, &s, &e) ||
        opts_check(&ROSTER_SPEC, &a, NULL, &id, &s, &e)) {
        snapshot_release(&s);
        if (st)
            store_close(st);
        return cli_fail(&e);
    }
    if (a.sending) {
        print_missions(cli, &s, a.sending, a.host, a.date);
    } else {
        m = snapshot_find(&s, ENT_MISSION, id.v[0]);
        note_closed(snap_mission(&s, m), a.date);
        print_roster(cli, &s, m, a.date);
    }
    snapshot_release(&s);
    store_close(st);
    return 0;
}
