/*
 * The tour `chancery demo` prints once the registry is recorded: what the
 * replay recorded (or that it kept the registry), each side's staff in the
 * other's country on the day of the seed report, counted bilaterally, with
 * the UN mission, and local staff apart (core/count.h), and the commands
 * to try next. Kept apart from the replay (cli/demo.c) because it reads
 * only the loaded registry.
 */
#include <stdio.h>

#include "cli/demo_replay.h"
#include "core/count.h"

static const char *const NEXT_STEPS[] = {
    "chancery roster RUS-USA-EMB --as-of " TOUR_DATE,
    "chancery headcount --sending RUS --country USA --by category --as-of " TOUR_DATE,
    "chancery headcount --sending USA --host RUS --by mission --as-of "
    "2017-09-01",
    "chancery check --as-of " TOUR_DATE " --issuer USA",
    "chancery check --as-of 2022-02-01 --issuer RUS --assume us-compromise",
    "chancery policy list",
    "chancery --as-known-on 2021-11-30 policy list",
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
    "chancery notification list --state submitted",
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

void demo_print_tour(const struct cli *cli, const struct snapshot *s,
                     const struct replay_stats *rs)
{
    int32_t date;

    if (date_parse(TOUR_DATE, &date, NULL))
        BUG("bad tour date");
    printf("chancery demo: the US-Russia dispute of 2016-2022 "
           "(data/demo/README.md says what is real)\n");
    printf("registry %s: %zu missions, %zu persons, %zu postings, "
           "%zu dependents\n",
           cli->db_path, snapshot_count(s, ENT_MISSION),
           snapshot_count(s, ENT_PERSON), snapshot_count(s, ENT_POSTING),
           snapshot_count(s, ENT_DEPENDENT));
    if (rs->n_sets && rs->begun[0])
        printf("recorded %zu changes on %s: the registry's change log "
               "begins on %s and never goes back, so --as-known-on cannot "
               "show the episode; for that, load the demo into a new "
               "registry (chancery --db NEW.db demo)\n",
               rs->n_changes, rs->last, rs->begun);
    else if (rs->n_sets)
        printf("recorded as the office learned it: %zu changes in %zu "
               "change sets, %s to %s (--as-known-on D shows the registry "
               "as recorded on D)\n",
               rs->n_changes, rs->n_sets, rs->first, rs->last);
    else
        printf("kept the registry as it was\n");
    printf("\n");
    printf("Staff present on %s (local staff apart):\n", TOUR_DATE);
    printf("  %-22s %10s %14s %12s\n", "", "bilateral", "with UN mission",
           "local staff");
    print_side(s, "Russians in the USA", "RUS", "USA", date);
    print_side(s, "Americans in Russia", "USA", "RUS", date);
    printf("\nTry next:\n");
    for (size_t i = 0; i < sizeof(NEXT_STEPS) / sizeof(*NEXT_STEPS); i++)
        printf("  %s\n", NEXT_STEPS[i]);
}
