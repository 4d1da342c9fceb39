/*
 * `chancery headcount`: staff present on a date, per sending state and host
 * (or country, with --country: missions to organizations seated there are
 * in), per mission or per category. Counting is core/count.c's; this file
 * only groups and prints.
 */
#include <assert.h>
#include <getopt.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "cli/commands.h"
#include "core/count.h"
#include "core/presence.h"

enum group_by { BY_PLACE, BY_MISSION, BY_CATEGORY };

struct headcount_args {
    struct count_scope scope;
    int32_t date;
    enum group_by by;
};

struct tally {
    char *key; /* "SENDING PLACE [CATEGORY]": the index key, the sort order */
    const char *cells[3]; /* sending, place, mission or category */
    uint32_t n;
};

struct tallies {
    struct tally *items;
    size_t n, alloc;
    struct idmap by_key;
};

static const char USAGE[] =
    "[--sending S] [--host H | --country C] [--as-of D] "
    "[--by category|mission] [--category C]...";

static void tally_add(struct tallies *t, const char *const *cells, uint32_t n)
{
    char *key =
        xasprintf("%s %s %s", cells[0], cells[1], cells[2] ? cells[2] : "");
    uint32_t i = idmap_get(&t->by_key, key);

    if (i == IDMAP_NONE) {
        i = (uint32_t)t->n++;
        XGROW(t->items, t->n, t->alloc);
        memset(&t->items[i], 0, sizeof(t->items[i]));
        t->items[i].key = key;
        memcpy(t->items[i].cells, cells, 3 * sizeof(*cells));
        idmap_put(&t->by_key, key, i);
    } else {
        free(key);
        assert(i < t->n); /* the map only holds rows already added */
    }
    t->items[i].n += n;
}

static void tallies_release(struct tallies *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->items[i].key);
    free(t->items);
    idmap_release(&t->by_key);
}

static int by_key(const void *a, const void *b)
{
    return strcmp(((const struct tally *)a)->key,
                  ((const struct tally *)b)->key);
}

static void count_categories(const struct snapshot *s, uint32_t m,
                             const struct headcount_args *a, struct tallies *t,
                             const char *place)
{
    uint32_t per[CAT__COUNT] = { 0 };

    ADJ_FOR_EACH(s->postings_by_mission, m, i)
    {
        const struct posting *p = snap_posting(s, i);

        if (scope_has_posting(&a->scope, p) && posting_present(p, a->date))
            per[p->category]++;
    }
    for (int c = 0; c < CAT__COUNT; c++) {
        const char *cells[3] = { snap_mission(s, m)->sending, place,
                                 enum_name(&ENUM_STAFF_CATEGORY, c) };

        if (per[c])
            tally_add(t, cells, per[c]);
    }
}

static void tally_missions(const struct snapshot *s,
                           const struct headcount_args *a, struct tallies *t)
{
    for (uint32_t m = 0; m < snapshot_count(s, ENT_MISSION); m++) {
        const struct mission *ms = snap_mission(s, m);
        const char *place = a->scope.country ? ms->country : ms->host;
        const char *cells[3] = { ms->sending, place, NULL };

        if (!scope_has_mission(&a->scope, ms))
            continue;
        if (a->by == BY_CATEGORY) {
            count_categories(s, m, a, t, place);
            continue;
        }
        if (a->by == BY_MISSION)
            cells[2] = ms->id;
        tally_add(t, cells, count_mission(s, m, &a->scope, a->date));
    }
}

static void print_tallies(const struct cli *cli, const struct headcount_args *a,
                          struct tallies *t)
{
    const char *cols[4] = { "sending", a->scope.country ? "country" : "host",
                            a->by == BY_MISSION ? "mission" : "category",
                            "present:n" };
    int with_third = a->by != BY_PLACE;
    struct grid g;

    if (!with_third)
        cols[2] = cols[3];
    if (t->n) /* the map goes stale: it is not used again */
        qsort(t->items, t->n, sizeof(*t->items), by_key);
    grid_init(&g, cols, with_third ? 4 : 3);
    for (size_t i = 0; i < t->n; i++) {
        char n[16];
        const char *cells[4] = { t->items[i].cells[0], t->items[i].cells[1],
                                 t->items[i].cells[2], n };

        snprintf(n, sizeof(n), "%u", t->items[i].n);
        if (!with_third)
            cells[2] = n;
        grid_add_row(&g, cells);
    }
    cli_print_grid(cli, &g);
    grid_release(&g);
}

static enum status parse_option(int c, struct headcount_args *a, struct err *e)
{
    int v;

    switch (c) {
    case 's':
        a->scope.sending = optarg;
        return ST_OK;
    case 'o':
        a->scope.host = optarg;
        return ST_OK;
    case 'c':
        a->scope.country = optarg;
        return ST_OK;
    case 'a':
        return cli_date("--as-of", optarg, &a->date, e);
    case 'b':
        if (!strcmp(optarg, "category") || !strcmp(optarg, "mission")) {
            a->by = optarg[0] == 'c' ? BY_CATEGORY : BY_MISSION;
            return ST_OK;
        }
        return err_set(e, ST_USAGE, "--by: '%s' is not category or mission",
                       optarg);
    case 'C':
        if ((v = enum_from_name(&ENUM_STAFF_CATEGORY, optarg)) == ENUM_NONE)
            return err_set(e, ST_USAGE, "--category: unknown category '%s'",
                           optarg);
        a->scope.categories |= 1u << v;
        return ST_OK;
    default:
        return err_set(e, ST_USAGE, "usage: chancery headcount %s", USAGE);
    }
}

static enum status parse_args(struct cli *cli, int argc, char **argv,
                              struct headcount_args *a, struct err *e)
{
    static const struct option opts[] = {
        { "sending", required_argument, NULL, 's' },
        { "host", required_argument, NULL, 'o' },
        { "country", required_argument, NULL, 'c' },
        { "as-of", required_argument, NULL, 'a' },
        { "by", required_argument, NULL, 'b' },
        { "category", required_argument, NULL, 'C' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    memset(a, 0, sizeof(*a));
    a->date = cli->today;
    cli_reset_getopt();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
        if (parse_option(c, a, e))
            return ST_USAGE;
    if (optind != argc || (a->scope.host && a->scope.country))
        return err_set(e, ST_USAGE, "usage: chancery headcount %s", USAGE);
    return ST_OK;
}

int cmd_headcount(struct cli *cli, int argc, char **argv)
{
    struct tallies t = { NULL, 0, 0, { NULL, 0, 0 } };
    struct headcount_args a;
    struct store *st;
    struct snapshot s;
    struct err e;

    if (argc == 2 && !strcmp(argv[1], "--help"))
        return printf("usage: chancery headcount %s\n", USAGE), 0;
    if (parse_args(cli, argc, argv, &a, &e))
        return cli_fail(&e);
    snapshot_init(&s);
    if (cli_open(cli, &st, &s, &e)) {
        snapshot_release(&s);
        return cli_fail(&e);
    }
    tally_missions(&s, &a, &t);
    print_tallies(cli, &a, &t);
    tallies_release(&t);
    snapshot_release(&s);
    store_close(st);
    return 0;
}
