/*
 * Unit tests for staffing forecasts (forecast/): scenario files, the
 * deterministic schedule the rules give, and the Monte Carlo runs.
 *
 * The expectations are worked by hand in the comments beside them: a
 * registry where nobody leaves forecasts a flat line; replacements always
 * asked for, never refused and never delayed keep the headcount where it
 * is; a small registry stepped by hand through a recorded end, a tenure
 * deadline, a pending appointment and chains of replacements; the mean of
 * many runs of a simple departure-and-replacement process against its
 * closed form, within four standard errors; a headcount cap that departs
 * the earliest arrivals; the Kaplan-Meier reading of the registry's own
 * visa cases; and the same result on one, two and three threads. Seeds are
 * fixed, so every run of these tests draws the same numbers.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka needs the headers above; project headers come last because they
 * pull in base/banned.h. */
#include <cmocka.h>
#include <gsl/gsl_cdf.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "core/entity.h"
#include "core/snapshot.h"
#include "forecast/forecast.h"
#include "forecast/scenario.h"
#include "rules/policy.h"

/* Room for a record of any entity. */
union any_record {
    struct state state;
    struct mission mission;
    struct person person;
    struct posting posting;
    struct visa visa;
};

static int32_t day_of(const char *text)
{
    struct err e = { 0 };
    int32_t d = 0;

    if (date_parse(text, &d, &e) != ST_OK)
        fail_msg("date_parse(\"%s\"): %s", text, e.msg);
    return d;
}

static void add_state(struct snapshot *s, const char *code, const char *name)
{
    struct state st;
    struct err e = { 0 };

    memcpy(st.code, code, 4);
    st.name = name;
    if (snapshot_add(s, ENT_STATE, &st, NULL, &e))
        fail_msg("adding state %s: %s", code, e.msg);
}

/* Adds a record from its fields in descriptor order, separated by commas
 * (empty for absent), as an import reads them. */
static void add_row(struct snapshot *s, enum entity_kind kind, const char *line)
{
    const struct entity *ent = ENTITIES[kind];
    char *copy = xstrdup(line), *rest = copy, *text;
    union any_record rec;
    struct err e = { 0 };
    int i = 0;

    record_clear(ent, &rec);
    while ((text = strsep(&rest, ","))) {
        assert_true(i < ent->n_fields);
        if (field_parse(s, &ent->fields[i], &rec, text, &e))
            fail_msg("'%s': column '%s': %s", line, ent->fields[i].name, e.msg);
        i++;
    }
    /* Columns added later (FIELD_ADDED) may be left out. */
    for (; i < ent->n_fields; i++)
        assert_true(ent->fields[i].flags & FIELD_ADDED);
    if (snapshot_add(s, kind, &rec, NULL, &e))
        fail_msg("adding '%s': %s", line, e.msg);
    free(copy);
}

/* A registry of one Russian embassy in Washington and one US embassy in
 * Moscow, with no staff yet. */
static void registry(struct snapshot *s)
{
    snapshot_init(s);
    add_state(s, "RUS", "Russian Federation");
    add_state(s, "USA", "United States");
    add_row(s, ENT_MISSION,
            "M1,Embassy of Russia,RUS,USA,USA,Washington,embassy,1992-01-01,");
    add_row(s, ENT_MISSION,
            "M2,Embassy of the United States,USA,RUS,RUS,Moscow,embassy,"
            "1992-01-01,");
}

/* Adds person Pn and posting Tn at mission: arrived, ended and notified
 * dates ("" for none). */
static void staff(struct snapshot *s, int n, const char *mission,
                  const char *notified, const char *arrived, const char *ended)
{
    char line[256];

    snprintf(line, sizeof(line), "P%d,Family,Given,F,1980-01-01,%s,", n,
             mission[1] == '1' ? "RUS" : "USA");
    add_row(s, ENT_PERSON, line);
    snprintf(line, sizeof(line),
             "T%d,P%d,%s,Attache,attache,diplomatic_agent,false,%s,%s,,,%s,%s",
             n, n, mission, notified, arrived, ended, *ended ? "recalled" : "");
    add_row(s, ENT_POSTING, line);
}

/* The scenario of text against s; fails the test on any problem. */
static void parse(const struct snapshot *s, const char *text,
                  struct scenario *sc)
{
    struct problems p;

    problems_init(&p);
    if (scenario_parse(s, "test.json", text, strlen(text), sc, &p))
        fail_msg("scenario: %s", p.msgs[0]);
    problems_release(&p);
}

/* Models and runs the scenario text on s (indexed here). */
static void forecast(struct snapshot *s, const char *text, long runs,
                     int threads, struct scenario *sc, struct forecast_model *m,
                     struct forecast_result *r)
{
    struct forecast_options o = { runs, 42, threads, NULL, NULL };
    struct err e = { 0 };

    snapshot_index(s);
    parse(s, text, sc);
    if (forecast_model_build(s, sc, m, &e))
        fail_msg("model: %s", e.msg);
    forecast_run(m, &o, r);
}

static void release(struct snapshot *s, struct scenario *sc,
                    struct forecast_model *m, struct forecast_result *r)
{
    forecast_result_release(r);
    forecast_model_release(m);
    scenario_release(sc);
    snapshot_release(s);
}

/* The series named name. */
static size_t series(const struct forecast_result *r, const char *name)
{
    for (size_t i = 0; i < r->n_series; i++) {
        if (!strcmp(r->series[i].name, name))
            return i;
    }
    fail_msg("no series '%s'", name);
    return 0;
}

/* A scenario over the Russian side only, from 2022-01-01. */
#define SIDE_RUS                                                         \
    "\"start\": \"2022-01-01\", \"sides\": [ { \"name\": \"Russians\", " \
    "\"sending\": \"RUS\", \"country\": \"USA\" } ]"

/*
 * Ten staff who arrived in 2021 with no end recorded and no rule: nobody
 * leaves, so every run stays at 10 on every step, whatever the
 * replacement process says.
 */
static void test_no_departures_flat(void **state)
{
    static const char text[] =
        "{" SIDE_RUS ", \"horizon_months\": 12,"
        " \"replacement\": { \"probability\": 0.7,"
        "   \"visa\": { \"refusal\": 0.3,"
        "               \"delay\": { \"median\": \"P2M\", \"p90\": \"P6M\" } },"
        "   \"tour\": { \"median\": \"P2Y\", \"p90\": \"P3Y\" } },"
        " \"minimum_staffing\": { \"M1\": 9 } }";
    struct snapshot s;
    struct scenario sc;
    struct forecast_model m;
    struct forecast_result r;

    (void)state;
    registry(&s);
    for (int n = 1; n <= 10; n++)
        staff(&s, n, "M1", "", "2021-06-01", "");
    forecast(&s, text, 500, 2, &sc, &m, &r);
    assert_int_equal(r.n_steps, 12);
    for (size_t i = 0; i < r.n_series; i++) {
        for (int k = 0; k <= 12; k++) {
            const struct forecast_cell *c = forecast_cell(&r, i, k);

            assert_int_equal(c->p10, 10);
            assert_int_equal(c->p50, 10);
            assert_int_equal(c->p90, 10);
            assert_true(c->mean == 10.0);
            assert_true(c->departures == 0 && c->arrivals == 0);
            assert_true(c->shortage == 0);
        }
        assert_true(r.ever_short[i] == 0);
    }
    release(&s, &sc, &m, &r);
}

/*
 * Twelve staff whose tours end through 2022, each replaced for certain,
 * with a visa never refused and issued the same day: the replacement
 * arrives on the day its predecessor leaves, so the headcount stays at 12
 * in every run, and each step has as many arrivals as departures.
 */
static void test_certain_replacement_constant(void **state)
{
    static const char text[] =
        "{" SIDE_RUS ", \"horizon_months\": 24,"
        " \"replacement\": { \"probability\": 1,"
        "   \"visa\": { \"refusal\": 0, \"delay\": \"P0D\" },"
        "   \"tour\": \"P5Y\" } }";
    struct snapshot s;
    struct scenario sc;
    struct forecast_model m;
    struct forecast_result r;
    char end[DATE_BUF];

    (void)state;
    registry(&s);
    for (int n = 1; n <= 12; n++) {
        date_format(day_of("2022-01-15") + 40 * n, end);
        staff(&s, n, "M1", "", "2020-01-01", end);
    }
    forecast(&s, text, 300, 2, &sc, &m, &r);
    for (int k = 0; k <= 24; k++) {
        const struct forecast_cell *c = forecast_cell(&r, 0, k);

        assert_int_equal(c->p10, 12);
        assert_int_equal(c->p90, 12);
        assert_true(c->mean == 12.0);
        assert_true(c->departures == c->arrivals);
    }
    release(&s, &sc, &m, &r);
}

/*
 * Stepped by hand. Steps fall on the 1st of each month from 2022-01-01 to
 * 2022-07-01 (steps 0-6); an event on D counts in the first step dated on
 * or after D. Replacements are certain, never refused, take 20 days, and
 * serve two months. A tenure cap of one year (no waves) is added inline.
 *
 *   T1 arrived 2021-05-01, ends 2022-02-15 (recorded): gone at step 2.
 *      R1 arrives 03-07 (step 3), leaves 05-07 (step 5); R3 arrives 05-27
 *      (step 5), leaves 07-27 (after the horizon).
 *   T2 arrived 2021-03-10: cap date 2022-03-10, found over the cap at step
 *      3 (04-01), so it leaves 03-10 (step 3). R2 arrives 03-30 (step 3),
 *      leaves 05-30 (step 5); R4 arrives 06-19 (step 6).
 *   T3 arrived 2021-09-01: cap date 2022-09-01, after the horizon; stays.
 *   T4 notified 2021-12-01, not arrived: its visa (20 days) is overdue at
 *      the start, so it arrives the next day, 01-02 (step 1), and leaves
 *      03-02 (step 3). R5 arrives 03-22 (step 3), leaves 05-22 (step 5);
 *      R6 arrives 06-11 (step 6).
 *
 *   step         0  1  2  3  4  5  6
 *   headcount    3  4  3  4  4  2  4
 *   departures   0  0  1  2  0  3  0   (T1; T2, T4; R1, R2, R5)
 *   arrivals     0  1  0  3  0  1  2   (T4; R1, R2, R5; R3; R4, R6)
 */
static void test_stepped_by_hand(void **state)
{
    static const char text[] =
        "{" SIDE_RUS ", \"horizon_months\": 6,"
        " \"replacement\": { \"probability\": 1,"
        "   \"visa\": { \"refusal\": 0, \"delay\": \"P20D\" },"
        "   \"tour\": \"P2M\" },"
        " \"policies\": { \"add\": [ { \"id\": \"t-tenure\","
        "   \"kind\": \"tenure_cap\", \"issuer\": \"USA\", \"target\": \"RUS\","
        "   \"effective\": { \"from\": \"2021-01-01\" },"
        "   \"params\": { \"max_tenure\": \"P1Y\", \"rounding\": \"down\" }"
        " } ] } }";
    static const int32_t headcount[] = { 3, 4, 3, 4, 4, 2, 4 };
    static const double departures[] = { 0, 0, 1, 2, 0, 3, 0 };
    static const double arrivals[] = { 0, 1, 0, 3, 0, 1, 2 };
    struct snapshot s;
    struct scenario sc;
    struct forecast_model m;
    struct forecast_result r;

    (void)state;
    registry(&s);
    staff(&s, 1, "M1", "", "2021-05-01", "2022-02-15");
    staff(&s, 2, "M1", "", "2021-03-10", "");
    staff(&s, 3, "M1", "", "2021-09-01", "");
    staff(&s, 4, "M1", "2021-12-01", "", "");
    forecast(&s, text, 50, 2, &sc, &m, &r);
    assert_int_equal(m.n_events, 1);
    assert_int_equal(m.events[0].date, day_of("2022-03-10"));
    assert_string_equal(m.events[0].what, "t-tenure");
    for (int k = 0; k <= 6; k++) {
        const struct forecast_cell *c = forecast_cell(&r, 0, k);

        assert_int_equal(c->p10, headcount[k]);
        assert_int_equal(c->p90, headcount[k]);
        assert_true(c->mean == headcount[k]);
        assert_true(c->departures == departures[k]);
        assert_true(c->arrivals == arrivals[k]);
    }
    release(&s, &sc, &m, &r);
}

/*
 * The closed form. N = 200 staff all leave on 2022-01-15; each is replaced
 * with probability p = 0.8, the visa refused with probability q = 0.25,
 * and issued after D days, D lognormal with median 30 and 90th percentile
 * 90; the replacement arrives on 01-15 + round(D) and stays five years.
 * On a step dated t days after 01-15 the headcount is binomial with N
 * trials and success pi = p (1 - q) P(D < t + 0.5), so its mean over R
 * runs has standard error sqrt(N pi (1 - pi) / R). Every step's mean must
 * lie within four standard errors of N pi (a false alarm about once in
 * 16,000 checks; the seed is fixed, so it either passes or not for good).
 */
static void test_closed_form(void **state)
{
    static const char text[] =
        "{" SIDE_RUS ", \"horizon_months\": 4,"
        " \"replacement\": { \"probability\": 0.8,"
        "   \"visa\": { \"refusal\": 0.25,"
        "               \"delay\": { \"median\": \"P30D\", \"p90\": \"P90D\" } },"
        "   \"tour\": \"P5Y\" } }";
    const double n = 200, runs = 20000, z90 = 1.2815515655446004;
    double sigma = (log(90) - log(30)) / z90;
    struct snapshot s;
    struct scenario sc;
    struct forecast_model m;
    struct forecast_result r;

    (void)state;
    registry(&s);
    for (int i = 1; i <= 200; i++)
        staff(&s, i, "M1", "", "2019-01-01", "2022-01-15");
    forecast(&s, text, (long)runs, 2, &sc, &m, &r);
    assert_true(forecast_cell(&r, 0, 1)->departures == n);
    for (int k = 1; k <= 4; k++) {
        double t = r.dates[k] - day_of("2022-01-15");
        double pi = 0.8 * 0.75 * gsl_cdf_lognormal_P(t + 0.5, log(30), sigma);
        double se = sqrt(n * pi * (1 - pi) / runs);
        double mean = forecast_cell(&r, 0, k)->mean;

        if (fabs(mean - n * pi) > 4 * se)
            fail_msg("step %d: mean %.3f, closed form %.3f, se %.4f", k, mean,
                     n * pi, se);
    }
    release(&s, &sc, &m, &r);
}

/* Adds the policy of JSON text to the registry. */
static void policy(struct snapshot *s, const char *text)
{
    struct problems p;
    size_t n;

    problems_init(&p);
    policy_read_text(s, "test", text, strlen(text), &p, &n);
    if (p.n_total)
        fail_msg("policy: %s", p.msgs[0]);
    assert_int_equal(n, 1);
    problems_release(&p);
}

/*
 * A ceiling of 3 on Russia's staff in the USA from 2022-03-15. Five staff
 * arrived on 2021-01-01 to 2021-01-05; steps fall on the 1st from
 * 2022-01-01. On step 3 (04-01) the cap binds and the two earliest
 * arrivals (T1, T2) leave, not replaced. T3's tour ends on 2022-04-20 (step
 * 4) and is replaced the same day, which keeps the count at the ceiling.
 *
 *   step         0  1  2  3  4
 *   headcount    5  5  5  3  3
 *   departures   0  0  0  2  1
 *   arrivals     0  0  0  0  1
 */
static void test_headcount_cap(void **state)
{
    static const char text[] =
        "{" SIDE_RUS ", \"horizon_months\": 4,"
        " \"replacement\": { \"probability\": 1,"
        "   \"visa\": { \"refusal\": 0, \"delay\": \"P0D\" },"
        "   \"tour\": \"P5Y\" } }";
    static const int32_t headcount[] = { 5, 5, 5, 3, 3 };
    static const double departures[] = { 0, 0, 0, 2, 1 };
    static const double arrivals[] = { 0, 0, 0, 0, 1 };
    struct snapshot s;
    struct scenario sc;
    struct forecast_model m;
    struct forecast_result r;

    (void)state;
    registry(&s);
    staff(&s, 1, "M1", "", "2021-01-01", "");
    staff(&s, 2, "M1", "", "2021-01-02", "");
    staff(&s, 3, "M1", "", "2021-01-03", "2022-04-20");
    staff(&s, 4, "M1", "", "2021-01-04", "");
    staff(&s, 5, "M1", "", "2021-01-05", "");
    policy(&s, "{ \"id\": \"cap\", \"kind\": \"headcount_cap\", "
               "\"issuer\": \"USA\", \"target\": \"RUS\", "
               "\"effective\": { \"from\": \"2022-03-15\" }, "
               "\"params\": { \"limit\": 3 } }");
    forecast(&s, text, 20, 2, &sc, &m, &r);
    assert_int_equal(m.n_caps, 1);
    for (int k = 0; k <= 4; k++) {
        const struct forecast_cell *c = forecast_cell(&r, 0, k);

        assert_int_equal(c->p10, headcount[k]);
        assert_int_equal(c->p90, headcount[k]);
        assert_true(c->departures == departures[k]);
        assert_true(c->arrivals == arrivals[k]);
    }
    release(&s, &sc, &m, &r);
}

/*
 * A mirrored ceiling: Russia's staff in the USA may number at most the
 * US staff in Russia (ratio 1, no lag), from 2022-02-15. Two US staff and
 * four Russians, nobody leaving: on step 2 (03-01) the two earliest
 * Russians leave, and both sides stand at 2.
 */
static void test_mirrored_cap(void **state)
{
    static const char text[] =
        "{ \"start\": \"2022-01-01\", \"horizon_months\": 3, \"sides\": ["
        " { \"name\": \"Russians\", \"sending\": \"RUS\", \"country\": \"USA\" },"
        " { \"name\": \"Americans\", \"sending\": \"USA\", \"country\": \"RUS\" } ],"
        " \"replacement\": { \"probability\": 1,"
        "   \"visa\": { \"refusal\": 0, \"delay\": \"P0D\" },"
        "   \"tour\": \"P5Y\" } }";
    struct snapshot s;
    struct scenario sc;
    struct forecast_model m;
    struct forecast_result r;
    size_t rus, usa;

    (void)state;
    registry(&s);
    for (int n = 1; n <= 4; n++)
        staff(&s, n, "M1", "", n < 3 ? "2020-01-01" : "2021-01-01", "");
    staff(&s, 5, "M2", "", "2021-01-01", "");
    staff(&s, 6, "M2", "", "2021-01-01", "");
    policy(&s, "{ \"id\": \"mirror\", \"kind\": \"headcount_cap\", "
               "\"issuer\": \"USA\", \"target\": \"RUS\", "
               "\"effective\": { \"from\": \"2022-02-15\" }, "
               "\"params\": { \"mirror\": { \"ratio\": 1.0 } } }");
    forecast(&s, text, 10, 1, &sc, &m, &r);
    rus = series(&r, "Russians");
    usa = series(&r, "Americans");
    assert_int_equal(forecast_cell(&r, rus, 1)->p50, 4);
    assert_int_equal(forecast_cell(&r, rus, 2)->p50, 2);
    assert_true(forecast_cell(&r, rus, 2)->departures == 2);
    assert_int_equal(forecast_cell(&r, rus, 3)->p50, 2);
    assert_int_equal(forecast_cell(&r, usa, 3)->p50, 2);
    assert_true(r.gap[1] == 2 && r.gap[3] == 0);
    release(&s, &sc, &m, &r);
}

/*
 * Visas drawn from the registry's own cases (USA, posting), as known on
 * the start date 2022-01-01:
 *
 *   V1 applied 2021-06-01, issued on day 10
 *   V2 applied 2021-06-01, issued on day 20
 *   V3 applied 2021-06-01, refused (never issued: at risk to the end)
 *   V4 applied 2021-12-02, pending: censored at 30 days
 *
 * Kaplan-Meier: day 10, 4 at risk, 1 issued: S = 3/4; day 20, 3 at risk,
 * 1 issued: S = 1/2. Issued within 10 days 1/4, within 20 days 1/2, and
 * never more. With 100 certain requests on 2022-01-15, step 1 (02-01, 17
 * days on) expects 25 arrivals and step 2 (45 days on) 50; each within
 * four standard errors over 4,000 runs.
 */
static void test_visa_history(void **state)
{
    static const char text[] =
        "{" SIDE_RUS ", \"horizon_months\": 2,"
        " \"replacement\": { \"probability\": 1,"
        "   \"visa\": { \"from_registry\": { \"issuing\": \"USA\","
        "                                   \"purpose\": \"posting\" } },"
        "   \"tour\": \"P5Y\" } }";
    static const char *const visas[] = {
        "V1,P1,USA,M2,A-1,posting,,2021-06-01,2021-06-11,issued,,",
        "V2,P2,USA,M2,A-1,posting,,2021-06-01,2021-06-21,issued,,",
        "V3,P3,USA,M2,A-1,posting,,2021-06-01,2021-06-05,refused,,",
        "V4,P4,USA,M2,A-1,posting,,2021-12-02,,pending,,",
    };
    const struct visa_phase *v;
    struct snapshot s;
    struct scenario sc;
    struct forecast_model m;
    struct forecast_result r;

    (void)state;
    registry(&s);
    for (int n = 1; n <= 100; n++)
        staff(&s, n, "M1", "", "2019-01-01", "2022-01-15");
    for (size_t i = 0; i < 4; i++)
        add_row(&s, ENT_VISA, visas[i]);
    forecast(&s, text, 4000, 2, &sc, &m, &r);
    v = &sc.replacement.visa[0];
    assert_int_equal(v->n_cases, 4);
    assert_true(fabs(visa_phase_issued_by(v, 9)) < 1e-12);
    assert_true(fabs(visa_phase_issued_by(v, 10) - 0.25) < 1e-12);
    assert_true(fabs(visa_phase_issued_by(v, 20) - 0.5) < 1e-12);
    assert_true(fabs(visa_phase_issued_by(v, 1000) - 0.5) < 1e-12);
    for (int k = 1; k <= 2; k++) {
        double pi = k == 1 ? 0.25 : 0.5, se = sqrt(100 * pi * (1 - pi) / 4000);

        assert_true(fabs(forecast_cell(&r, 0, k)->mean - 100 * pi) < 4 * se);
    }
    release(&s, &sc, &m, &r);
}

/* Sixty staff at both embassies, leaving through 2022, one in ten of
 * them an appointment still waiting for its visa. */
static void mixed_registry(struct snapshot *s)
{
    char end[DATE_BUF];

    registry(s);
    for (int i = 1; i <= 60; i++) {
        date_format(day_of("2022-01-01") + 9 * i, end);
        staff(s, i, i % 3 ? "M1" : "M2", i % 10 ? "" : "2021-11-01",
              i % 10 ? "2020-01-01" : "", i % 10 ? end : "");
    }
}

/*
 * The same seed gives the same result on one, two or three threads: each
 * run draws from its own streams, and the summaries are sums of integers
 * and quantiles of exact histograms, whichever thread ran which run.
 */
static void test_threads_identical(void **state)
{
    static const char text[] =
        "{ \"start\": \"2022-01-01\", \"horizon_months\": 18, \"sides\": ["
        " { \"name\": \"Russians\", \"sending\": \"RUS\", \"country\": \"USA\" },"
        " { \"name\": \"Americans\", \"sending\": \"USA\", \"country\": \"RUS\" } ],"
        " \"replacement\": { \"probability\": 0.8, \"lead\": \"P1M\","
        "   \"visa\": [ { \"refusal\": 0.4,"
        "                 \"delay\": { \"median\": \"P3M\", \"p90\": \"P1Y\" } },"
        "               { \"from\": \"2022-06-01\", \"refusal\": 0.05,"
        "                 \"delay\": { \"median\": \"P2W\", \"p90\": \"P6W\" } } ],"
        "   \"tour\": { \"median\": \"P8M\", \"p90\": \"P1Y\" } },"
        " \"minimum_staffing\": { \"M1\": 30, \"M2\": 10 } }";
    struct forecast_result r[3];
    struct snapshot s;
    struct scenario sc;
    struct forecast_model m;
    size_t n;

    (void)state;
    mixed_registry(&s);
    forecast(&s, text, 1500, 1, &sc, &m, &r[0]);
    for (int t = 2; t <= 3; t++) {
        struct forecast_options o = { 1500, 42, t, NULL, NULL };

        forecast_run(&m, &o, &r[t - 1]);
    }
    n = r[0].n_series * ((size_t)r[0].n_steps + 1);
    for (int t = 1; t < 3; t++) {
        assert_memory_equal(r[0].cells, r[t].cells, n * sizeof(*r[0].cells));
        assert_memory_equal(r[0].gap, r[t].gap,
                            ((size_t)r[0].n_steps + 1) * sizeof(double));
        assert_memory_equal(r[0].ever_short, r[t].ever_short,
                            r[0].n_series * sizeof(double));
        forecast_result_release(&r[t]);
    }
    assert_true(forecast_cell(&r[0], 0, 18)->p10 <
                forecast_cell(&r[0], 0, 18)->p90);
    release(&s, &sc, &m, &r[0]);
}

/* The first problem scenario text gives, which must contain want. */
static void expect_problem(const struct snapshot *s, const char *text,
                           const char *want)
{
    struct scenario sc;
    struct problems p;

    problems_init(&p);
    if (!scenario_parse(s, "test.json", text, strlen(text), &sc, &p))
        fail_msg("no problem, wanted '%s'", want);
    if (!strstr(p.msgs[0], want))
        fail_msg("got '%s', wanted '%s'", p.msgs[0], want);
    problems_release(&p);
    scenario_release(&sc);
}

#define GOOD_REPLACEMENT                                                  \
    "\"replacement\": { \"probability\": 1, \"visa\": { \"refusal\": 0, " \
    "\"delay\": \"P0D\" }, \"tour\": \"P3Y\" }"

/* Bad files name the field and say what is wrong with it. */
static void test_scenario_errors(void **state)
{
    struct snapshot s;

    (void)state;
    registry(&s);
    snapshot_index(&s);
    expect_problem(&s, "{ \"start\": ", "test.json:1: invalid JSON");
    expect_problem(&s, "[]", "test.json: expected a scenario object");
    expect_problem(&s,
                   "{" SIDE_RUS ", \"horizon_months\": 1, " GOOD_REPLACEMENT
                   ", \"bogus\": 1 }",
                   "test.json:1: field 'bogus': unknown field");
    expect_problem(&s,
                   "{ \"horizon_months\": 1, " GOOD_REPLACEMENT
                   ", \"sides\": [ { \"name\": \"a\", \"sending\": "
                   "\"RUS\", \"country\": \"USA\" } ] }",
                   "test.json:1: field 'start': a value is required");
    expect_problem(&s,
                   "{" SIDE_RUS ", \"horizon_months\": 1, "
                   "\"replacement\": { \"probability\": 1.5, \"visa\": "
                   "{ \"refusal\": 0, \"delay\": \"P0D\" }, \"tour\": "
                   "\"P3Y\" } }",
                   "test.json:1: field 'replacement.probability': must be "
                   "between 0 and 1");
    snapshot_release(&s);
}

/* The same for the replacement, the minimums and the policies. */
static void test_scenario_errors_2(void **state)
{
    struct snapshot s;

    (void)state;
    registry(&s);
    snapshot_index(&s);
    expect_problem(&s,
                   "{" SIDE_RUS ", \"horizon_months\": 1, "
                   "\"replacement\": { \"probability\": 1, \"visa\": "
                   "{ \"refusal\": 0, \"delay\": { \"median\": \"P2M\", "
                   "\"p90\": \"P1M\" } }, \"tour\": \"P3Y\" } }",
                   "field 'replacement.visa.delay.p90': must be longer than "
                   "the median");
    expect_problem(&s,
                   "{" SIDE_RUS ", \"horizon_months\": 1, " GOOD_REPLACEMENT
                   ", \"minimum_staffing\": { \"M9\": 3 } }",
                   "field 'minimum_staffing.M9': unknown mission 'M9'");
    expect_problem(&s,
                   "{" SIDE_RUS ", \"horizon_months\": 1, " GOOD_REPLACEMENT
                   ", \"minimum_staffing\": { \"M2\": 3 } }",
                   "mission 'M2' is in neither side of the scenario");
    expect_problem(&s,
                   "{" SIDE_RUS ", \"horizon_months\": 1, " GOOD_REPLACEMENT
                   ", \"policies\": { \"assume\": [ { \"condition\": "
                   "\"x\", \"from\": \"2022-02-01\" } ] } }",
                   "field 'policies.assume[0].condition': no policy of the "
                   "scenario is void under condition 'x'");
    expect_problem(&s,
                   "{" SIDE_RUS ", \"horizon_months\": 1, "
                   "\"replacement\": { \"probability\": 1, \"visa\": "
                   "{ \"from_registry\": { \"issuing\": \"USA\", "
                   "\"purpose\": \"posting\" } }, \"tour\": \"P3Y\" } }",
                   "field 'replacement.visa.from_registry': the registry has "
                   "no visa case");
    snapshot_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_departures_flat),
        cmocka_unit_test(test_certain_replacement_constant),
        cmocka_unit_test(test_stepped_by_hand),
        cmocka_unit_test(test_closed_form),
        cmocka_unit_test(test_headcount_cap),
        cmocka_unit_test(test_mirrored_cap),
        cmocka_unit_test(test_visa_history),
        cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_scenario_errors),
        cmocka_unit_test(test_scenario_errors_2),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
