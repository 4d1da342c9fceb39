/*
 * `chancery headcount`: staff present on a date, per sending state and host
 * (or country, with --country: missions to organizations seated there are
 * in), per mission or per category. Counting is core/count.c's; this file
 * only groups and prints.
 */
#include <assert.h>
#include <stddef.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "cli/commands.h"
#include "core/count.h"
#include "core/presence.h"

/* The order of --by's values; without --by, one row per place. */
enum group_by { BY_CATEGORY, BY_MISSION, BY_PLACE };

struct headcount_args {
    struct count_scope scope;
    int32_t date;
    int by; /* enum group_by */
    struct opt_list categories;
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

#define CATEGORIES                                                    \
    "diplomatic_agent|admin_technical|service_staff|private_servant|" \
    "consular_officer|consular_employee|honorary_consul|local_staff"

static const struct opt OPTS[] = {
    { .name = "sending",
      .arg = "S",
      .ref = REF_STATE,
      .offset = offsetof(struct headcount_args, scope.sending),
      .def = "every state",
      .help = "count only the staff sent by S." },
    { .name = "host",
      .arg = "H",
      .ref = REF_STATE,
      .offset = offsetof(struct headcount_args, scope.host),
      .def = "every host",
      .help = "count only missions accredited to H (a state, or an "
              "organization such as UN)." },
    { .name = "country",
      .arg = "C",
      .ref = REF_STATE,
      .offset = offsetof(struct headcount_args, scope.country),
      .def = "every country",
      .help = "count every mission located in C, missions to organizations "
              "seated there included; not with --host." },
    { .name = "as-of",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct headcount_args, date),
      .def = "today",
      .help = "the date on which staff are present." },
    { .name = "by",
      .arg = "BY",
      .kind = OPT_ENUM,
      .values = "category|mission",
      .offset = offsetof(struct headcount_args, by),
      .def = "one row per sending state and place",
      .help = "add a column: the staff category, or the mission." },
    { .name = "category",
      .arg = "CAT",
      .kind = OPT_LIST,
      .values = CATEGORIES,
      .offset = offsetof(struct headcount_args, categories),
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

/* Parses the options into a; returns OPTS_GO to go on, else the exit. */
static int parse_args(struct cli *cli, int argc, char **argv,
                      struct headcount_args *a)
{
    int rc;

    memset(a, 0, sizeof(*a));
    a->date = cli->today;
    a->by = BY_PLACE;
    rc = opts_parse(cli, &HEADCOUNT_SPEC, argc, argv, a, NULL, NULL);
    if (rc != OPTS_GO)
        return rc;
    if (a->scope.host && a->scope.country)
        return cli_error(ST_USAGE, "--host and --country exclude each other");
    for (int i = 0; i < a->categories.n; i++)
        a->scope.categories |=
            1u << enum_from_name(&ENUM_STAFF_CATEGORY, a->categories.v[i]);
    return OPTS_GO;
}

int cmd_headcount(struct cli *cli, int argc, char **argv)
{
    struct tallies t = { NULL, 0, 0, { NULL, 0, 0 } };
    struct headcount_args a;
    struct store *st = NULL;
    struct snapshot s;
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
    tally_missions(&s, &a, &t);
    print_tallies(cli, &a, &t);
    tallies_release(&t);
    snapshot_release(&s);
    store_close(st);
    return 0;
}
