/*
 * Benchmark of staffing forecasts (issue 5): 10,000 runs x 24 monthly
 * steps for a pair of 300-person missions, timed from the registry in
 * memory to the summary (building the model, evaluating the rules at each
 * step, every run, every quantile). The world is made by formula, so that
 * bench/forecast_numpy.py, the same model written plainly in Python with
 * NumPy, can build it too and compare the distributions:
 *
 *   start 2022-01-01; the Russian embassy in Washington and the US embassy
 *   in Moscow have 300 staff each; staff i of a mission arrived on
 *   2019-01-02 + floor(i x 1095 / 300) (i = 0..299), so tours reach a
 *   three-year cap evenly over the next three years; each state applies a
 *   three-year tenure cap to the other (no waves, no grace), so a tour
 *   ends on its cap date; a departure is followed by a request with
 *   probability 0.9; the visa is refused with probability 0.3, else
 *   issued after a lognormal delay (median 3 months, p90 9 months); a
 *   replacement stays a lognormal tour (median 18 months, p90 30 months)
 *   and is replaced in turn.
 *
 * Prints the machine, the times, and on its last line a JSON object with
 * the figures the Python side compares (each side's final headcount:
 * mean, p10, p50, p90).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "core/entity.h"
#include "forecast/forecast.h"
#include "rules/policy.h"

#define STAFF 300
#define FIRST "2019-01-02"
#define SPAN  1095

static const char SCENARIO[] =
    "{ \"title\": \"bench\", \"start\": \"2022-01-01\", \"horizon_months\": 24,"
    "  \"runs\": 10000, \"seed\": 20220101, \"sides\": ["
    "  { \"name\": \"RUS in USA\", \"sending\": \"RUS\", \"country\": \"USA\" },"
    "  { \"name\": \"USA in RUS\", \"sending\": \"USA\", \"country\": \"RUS\" } ],"
    "  \"replacement\": { \"probability\": 0.9,"
    "    \"visa\": { \"refusal\": 0.3,"
    "                \"delay\": { \"median\": \"P3M\", \"p90\": \"P9M\" } },"
    "    \"tour\": { \"median\": \"P18M\", \"p90\": \"P30M\" } } }";

static const char *const POLICIES[] = {
    "{ \"id\": \"usa-rus\", \"kind\": \"tenure_cap\", \"issuer\": \"USA\","
    "  \"target\": \"RUS\", \"effective\": { \"from\": \"2021-01-01\" },"
    "  \"params\": { \"max_tenure\": \"P3Y\", \"rounding\": \"down\" } }",
    "{ \"id\": \"rus-usa\", \"kind\": \"tenure_cap\", \"issuer\": \"RUS\","
    "  \"target\": \"USA\", \"effective\": { \"from\": \"2021-01-01\" },"
    "  \"params\": { \"max_tenure\": \"P3Y\", \"rounding\": \"down\" } }",
};

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "bench-forecast: %s: %s\n", what, msg);
    exit(1);
}

/* Adds a record from its fields in descriptor order, comma-separated. */
static void add_row(struct snapshot *s, enum entity_kind kind, const char *line)
{
    const struct entity *ent = ENTITIES[kind];
    char *copy = xstrdup(line), *rest = copy, *text;
    char rec[512];
    struct err e;
    int i = 0;

    if (ent->size > sizeof(rec))
        die("record", "too large");
    record_clear(ent, rec);
    while ((text = strsep(&rest, ",")) && i < ent->n_fields) {
        if (field_parse(s, &ent->fields[i], rec, text, &e))
            die(line, e.msg);
        i++;
    }
    if (snapshot_add(s, kind, rec, NULL, &e))
        die(line, e.msg);
    free(copy);
}

static void add_state(struct snapshot *s, const char *code)
{
    struct state st;
    struct err e;

    memcpy(st.code, code, 4);
    st.name = code;
    if (snapshot_add(s, ENT_STATE, &st, NULL, &e))
        die(code, e.msg);
}

static void mission_staff(struct snapshot *s, const char *mission,
                          const char *nationality, int base)
{
    int32_t first;
    char line[256], day[DATE_BUF];

    if (date_parse(FIRST, &first, NULL))
        die("date", FIRST);
    for (int i = 0; i < STAFF; i++) {
        date_format(first + i * SPAN / STAFF, day);
        snprintf(line, sizeof(line), "P%d,Family,Given,F,1980-01-01,%s,",
                 base + i, nationality);
        add_row(s, ENT_PERSON, line);
        snprintf(line, sizeof(line),
                 "T%d,P%d,%s,Attache,attache,diplomatic_agent,false,,%s,,,,",
                 base + i, base + i, mission, day);
        add_row(s, ENT_POSTING, line);
    }
}

static void world(struct snapshot *s)
{
    struct problems p;
    size_t n;

    snapshot_init(s);
    add_state(s, "RUS");
    add_state(s, "USA");
    add_row(s, ENT_MISSION,
            "RUS-EMB,Embassy of Russia,RUS,USA,USA,"
            "Washington,embassy,1992-01-01,");
    add_row(s, ENT_MISSION,
            "USA-EMB,Embassy of the United States,USA,RUS,"
            "RUS,Moscow,embassy,1992-01-01,");
    mission_staff(s, "RUS-EMB", "RUS", 0);
    mission_staff(s, "USA-EMB", "USA", STAFF);
    problems_init(&p);
    for (size_t i = 0; i < 2; i++)
        policy_read_text(s, "bench", POLICIES[i], strlen(POLICIES[i]), &p, &n);
    if (p.n_total)
        die("policy", p.msgs[0]);
    problems_release(&p);
    snapshot_index(s);
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void print_result(const struct forecast_result *r, double build,
                         double run, int threads)
{
    printf("{\"runs\": %ld, \"steps\": %d, \"threads\": %d, "
           "\"model_seconds\": %.4f, \"run_seconds\": %.4f, "
           "\"seconds\": %.4f, \"final\": {",
           r->runs, r->n_steps, threads, build, run, build + run);
    for (size_t i = 0; i < 2; i++) {
        const struct forecast_cell *c = forecast_cell(r, i, r->n_steps);

        printf("%s\"%s\": {\"mean\": %.4f, \"p10\": %d, \"p50\": %d, "
               "\"p90\": %d}",
               i ? ", " : "", r->series[i].name, c->mean, c->p10, c->p50,
               c->p90);
    }
    printf("}}\n");
}

static long option(int argc, char **argv, const char *name, long fallback)
{
    for (int i = 1; i + 1 < argc; i++) {
        if (!strcmp(argv[i], name))
            return strtol(argv[i + 1], NULL, 10);
    }
    return fallback;
}

int main(int argc, char **argv)
{
    struct forecast_options o = { option(argc, argv, "--runs", 10000), 20220101,
                                  (int)option(argc, argv, "--threads", 0), NULL,
                                  NULL };
    struct forecast_model m;
    struct forecast_result r;
    struct scenario sc;
    struct snapshot s;
    struct problems p;
    struct err e;
    double t0, t1, t2;

    world(&s);
    problems_init(&p);
    if (scenario_parse(&s, "bench", SCENARIO, strlen(SCENARIO), &sc, &p))
        die("scenario", p.msgs[0]);
    t0 = now();
    if (forecast_model_build(&s, &sc, &m, &e))
        die("model", e.msg);
    t1 = now();
    forecast_run(&m, &o, &r);
    t2 = now();
    fprintf(stderr,
            "bench-forecast: %ld runs x %d monthly steps, 2 missions of %d "
            "staff, %ld cores: model %.3f s, runs %.3f s, %.0f runs/s\n",
            r.runs, r.n_steps, STAFF, sysconf(_SC_NPROCESSORS_ONLN), t1 - t0,
            t2 - t1, r.runs / (t2 - t0));
    print_result(&r, t1 - t0, t2 - t1,
                 o.threads ? o.threads : (int)sysconf(_SC_NPROCESSORS_ONLN));
    forecast_result_release(&r);
    forecast_model_release(&m);
    scenario_release(&sc);
    problems_release(&p);
    snapshot_release(&s);
    return 0;
}
