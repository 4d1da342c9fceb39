/*
 * `chancery roster MISSION [--as-of D]`: the staff of a mission present on
 * a date in Diplomatic-List order (core/roster.h). Each row names the
 * spouse present in the household, as the List does. `roster --sending S
 * --host H` gives every mission of S accredited to H open on the date, in
 * order of mission kind (embassy first) and id, each in the same order,
 * with a first column naming the mission.
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

static enum status check_host(const struct snapshot *s, const char *host,
                              struct err *e)
{
    if (snapshot_find(s, ENT_STATE, host) == IDMAP_NONE &&
        snapshot_find(s, ENT_ORGANIZATION, host) == IDMAP_NONE)
        return err_set(e, ST_USAGE,
                       "--host: unknown state or organization '%s'", host);
    return ST_OK;
}

/* roster --sending S --host H: every mission of S in H on date. */
static int print_missions(const struct cli *cli, const struct snapshot *s,
                          const char *sending, const char *host, int32_t date)
{
    struct grid g;
    struct err e;
    uint32_t *ms;
    size_t n;

    if (cli_state(s, "--sending", sending, &e) || check_host(s, host, &e))
        return cli_fail(&e);
    ms = missions_to(s, sending, host, date, &n);
    grid_init(&g, COLUMNS, 9);
    for (size_t i = 0; i < n; i++)
        add_mission(&g, s, ms[i], date, 1);
    cli_print_grid(cli, &g);
    grid_release(&g);
    free(ms);
    return 0;
}

#define USAGE "MISSION [--as-of D] | --sending S --host H [--as-of D]"

/* The options; the missions' operand stays in argv[optind]. */
struct roster_args {
    int32_t date;
    const char *sending, *host;
};

static int parse(struct roster_args *a, int argc, char **argv)
{
    static const struct option opts[] = {
        { "as-of", required_argument, NULL, 'a' },
        { "sending", required_argument, NULL, 's' },
        { "host", required_argument, NULL, 'H' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct err e;
    int c;

    cli_reset_getopt();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'h')
            return printf("usage: chancery roster " USAGE "\n"), 0;
        if (c == 's')
            a->sending = optarg;
        else if (c == 'H')
            a->host = optarg;
        else if (c != 'a')
            return cli_usage("roster", USAGE);
        else if (cli_date("--as-of", optarg, &a->date, &e))
            return cli_fail(&e);
    }
    if (!a->sending != !a->host || optind + !a->sending != argc)
        return cli_usage("roster", USAGE);
    return -1;
}

int cmd_roster(struct cli *cli, int argc, char **argv)
{
    struct roster_args a = { cli->today, NULL, NULL };
    struct store *st;
    struct snapshot s;
    struct err e;
    uint32_t m = 0;
    int rc = parse(&a, argc, argv);

    if (rc != -1)
        return rc;
    snapshot_init(&s);
    if (cli_open(cli, &st, &s, &e)) {
        snapshot_release(&s);
        return cli_fail(&e);
    }
    if (a.sending)
        rc = print_missions(cli, &s, a.sending, a.host, a.date);
    else if ((m = snapshot_find(&s, ENT_MISSION, argv[optind])) != IDMAP_NONE)
        print_roster(cli, &s, m, a.date);
    else
        rc = cli_error(ST_NOT_FOUND, "unknown mission '%s'", argv[optind]);
    snapshot_release(&s);
    store_close(st);
    return rc == -1 ? 0 : rc;
}
