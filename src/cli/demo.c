/*
 * `chancery demo`: loads the bundled 2016-2022 US-Russia registry
 * (data/demo, see its README) into the embedded database and prints a
 * short tour: each side's staff in the other's country on the day of the
 * seed report, counted bilaterally and with the UN mission, and the
 * commands to try next. Running it again keeps the registry as it is.
 */
#include "base/date.h"
#include "base/xalloc.h"
#include "cli/commands.h"
#include "core/count.h"

#define TOUR_DATE "2021-12-04"

static const char *const NEXT_STEPS[] = {
    "chancery roster RUS-USA-EMB --as-of " TOUR_DATE,
    "chancery headcount --sending RUS --country USA --by category --as-of " TOUR_DATE,
    "chancery headcount --sending USA --host RUS --by mission --as-of "
    "2017-09-01",
    "chancery check --as-of " TOUR_DATE " --issuer USA",
    "chancery check --as-of 2022-02-01 --issuer RUS --assume us-compromise",
    "chancery policy list",
    "chancery parity RUS USA --from 2016-01-01 --to 2022-12-31 --step month "
    "--svg parity.svg",
    "chancery plan USA RUS --by 2022-06-30",
    "chancery forecast compare data/demo/scenarios/measures-as-announced.json "
    "data/demo/scenarios/us-compromise.json "
    "data/demo/scenarios/visa-agreement.json",
    "chancery visa stats --issuing USA --by year --as-of " TOUR_DATE,
    "chancery visa report --un --issuing USA --from 2019-01-01 --to "
    "2022-12-31 --as-of 2022-12-31",
    "chancery consular where --nationality RUS --service nonimmigrant_visa "
    "--as-of " TOUR_DATE,
    "chancery posting list --mission USA-RUS-CG-SPB",
    "chancery mission list --sending RUS",
    "chancery export /tmp/registry",
    "chancery audit verify",
};

static uint32_t staff(const struct snapshot *s, const char *sending,
                      const char *host, const char *country, int local,
                      int32_t date)
{
    struct count_scope c = { sending, host, country, SCOPE_ALL, SCOPE_ALL };

    c.categories = local ? 1u << CAT_LOCAL_STAFF
                         : ~(1u << CAT_LOCAL_STAFF) & ((1u << CAT__COUNT) - 1);
    return count_present(s, &c, date);
}

static void print_side(const struct snapshot *s, const char *label,
                       const char *sending, const char *other, int32_t date)
{
    printf("  %-22s %10u %14u %12u\n", label,
           staff(s, sending, other, NULL, 0, date),
           staff(s, sending, NULL, other, 0, date),
           staff(s, sending, NULL, other, 1, date));
}

static void print_tour(const struct cli *cli, const struct snapshot *s)
{
    int32_t date;

    if (date_parse(TOUR_DATE, &date, NULL))
        BUG("bad tour date");
    printf("chancery demo: the US-Russia dispute of 2016-2022 "
           "(data/demo/README.md says what is real)\n");
    printf("registry %s: %zu missions, %zu persons, %zu postings, "
           "%zu dependents\n\n",
           cli->db_path, snapshot_count(s, ENT_MISSION),
           snapshot_count(s, ENT_PERSON), snapshot_count(s, ENT_POSTING),
           snapshot_count(s, ENT_DEPENDENT));
    printf("Staff present on %s (local staff apart):\n", TOUR_DATE);
    printf("  %-22s %10s %14s %12s\n", "", "bilateral", "with UN mission",
           "local staff");
    print_side(s, "Russians in the USA", "RUS", "USA", date);
    print_side(s, "Americans in Russia", "USA", "RUS", date);
    printf("\nTry next:\n");
    for (size_t i = 0; i < sizeof(NEXT_STEPS) / sizeof(*NEXT_STEPS); i++)
        printf("  %s\n", NEXT_STEPS[i]);
}

/* Loads the registry into s; returns an exit code. */
static int load(struct cli *cli, struct snapshot *s)
{
    struct store *st;
    struct err e;

    if (cli_open(cli, &st, s, &e))
        return cli_fail(&e);
    store_close(st);
    return 0;
}

/* Imports the demo registry unless the registry already has missions. */
static int load_demo(struct cli *cli, struct snapshot *s)
{
    char *dir;
    int rc;

    if ((rc = load(cli, s)) || snapshot_count(s, ENT_MISSION))
        return rc;
    dir = cli_data_path("demo");
    rc = cli_import(cli, 1, &dir);
    free(dir);
    snapshot_release(s);
    snapshot_init(s);
    return rc ? rc : load(cli, s);
}

const struct cmd_spec DEMO_SPEC = {
    .name = "demo",
    .operands = "",
    .help = "load the 2016-2022 US-Russia demo registry and print a tour of "
            "it.",
    .example = { "demo", "--db demo.db demo" },
};

int cmd_demo(struct cli *cli, int argc, char **argv)
{
    struct snapshot s;
    struct err e;
    int created;
    int rc = opts_parse(cli, &DEMO_SPEC, argc, argv, NULL, NULL, NULL);

    if (rc != OPTS_GO)
        return rc;
    if (registry_init(cli, &created, &e))
        return cli_fail(&e);
    snapshot_init(&s);
    rc = load_demo(cli, &s);
    if (!rc)
        print_tour(cli, &s);
    snapshot_release(&s);
    return rc;
}
