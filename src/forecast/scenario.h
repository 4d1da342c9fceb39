/*
 * Forecast scenarios (docs/forecast.md): what a staffing forecast assumes.
 * A scenario is a JSON file naming the start date, the horizon in monthly
 * steps, the number of runs and the seed; the two sides (the missions of a
 * sending state in a host country); which policies apply (the registry's,
 * with some added, removed, or voided by conditions assumed from a date);
 * how departures are replaced (how likely a replacement is asked for, the
 * visa it needs, the tour it then serves); and the minimum staffing of each
 * mission.
 *
 * Parsing checks every field against the registry and reports each problem
 * as "FILE: field 'PATH': message", so one pass names all that is wrong
 * with a file. Pure: the caller reads the file and prints the problems.
 */
#ifndef FORECAST_SCENARIO_H
#define FORECAST_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/date.h"
#include "base/problems.h"
#include "core/snapshot.h"
#include "rules/policy.h"

#define SCENARIO_MAX_SIDES    2
#define SCENARIO_MAX_HORIZON  600     /* months: fifty years */
#define SCENARIO_MAX_RUNS     1000000 /* runs */
#define SCENARIO_DEFAULT_RUNS 1000

/* How long something takes: a fixed period, or lognormal in days given by
 * its median and its 90th percentile. */
enum duration_kind { DURATION_FIXED, DURATION_LOGNORMAL };

struct duration {
    enum duration_kind kind;
    struct period fixed;
    double median_days;
    double p90_days;
    double zeta;  /* ln(median_days) */
    double sigma; /* (ln p90_days - ln median_days) / z(0.9) */
};

/* The visa a replacement needs, for requests made from a date on: given
 * as a refusal probability and a delay, or drawn from the registry's own
 * cases of an issuing state and purpose. */
struct visa_phase {
    int32_t from;   /* DATE_NONE: from the start */
    double refusal; /* probability that the visa is refused */
    struct duration delay;
    int from_registry;
    char issuing[4]; /* from_registry: the issuing state */
    int purpose;     /* from_registry: enum visa_purpose */
    /* from_registry: the Kaplan-Meier share of cases issued within
     * history_day[i] days is history_issued[i], ascending; the share never
     * issued (refused, or still pending for all the registry knows) is
     * 1 - history_issued[n_history - 1]. */
    const int32_t *history_day;
    const double *history_issued;
    size_t n_history;
    long n_cases; /* the cases the estimate rests on */
};

struct replacement {
    double probability; /* a departure is followed by a request */
    struct period lead; /* a request is made this long before a departure */
    struct visa_phase *visa; /* in order of from, the first from the start */
    size_t n_visa;
    struct duration tour; /* how long a new arrival stays */
};

/* One side: the missions of a sending state in a host country. */
struct scenario_side {
    const char *name;
    char sending[4];
    char country[4];
    int include_organizations; /* missions to organizations seated there */
    int include_local_staff;
    const struct replacement *replacement;
};

/* A condition (a policy's `unless`) assumed to hold from a date on. */
struct condition {
    const char *name;
    int32_t from;
};

struct minimum {
    uint32_t mission; /* snapshot index */
    long staff;       /* a month with fewer staff is a shortage */
};

struct scenario {
    struct arena arena; /* owns every string and array below */
    const char *file;
    const char *title;
    const char *description;
    int32_t start;
    int horizon; /* monthly steps after the start */
    long runs;
    uint64_t seed;
    int has_seed; /* 0: the file gives none; the caller picks one */
    int pending;  /* appointments notified and not arrived count */
    struct scenario_side sides[SCENARIO_MAX_SIDES];
    size_t n_sides;
    struct replacement replacement; /* the default of the sides */
    struct policy_rule *rules;      /* the policies that apply */
    size_t n_rules;
    size_t n_registry_rules; /* rules[0..n): the registry's; then added */
    const char **removed;    /* the registry's policies left out, by id */
    size_t n_removed;
    struct condition *conditions;
    size_t n_conditions;
    struct minimum *minimums;
    size_t n_minimums;
};

/* Parses the scenario text (the file's bytes, named file in messages)
 * against the registry s, which must be indexed. Every problem is added to
 * p as "FILE: field 'PATH': message"; returns their number, and sc is
 * meaningful only when it is 0. Release sc in either case. */
size_t scenario_parse(const struct snapshot *s, const char *file,
                      const char *text, size_t len, struct scenario *sc,
                      struct problems *p);
void scenario_release(struct scenario *sc);

/* 1 when mission m is one of side sd's: sent by its state to its country
 * (or sitting there, when it includes organizations) and not closed on or
 * before start. */
int scenario_side_has_mission(const struct snapshot *s,
                              const struct scenario_side *sd, uint32_t m,
                              int32_t start);
/* 1 when condition name is assumed to hold on date. */
int scenario_assumes(const struct scenario *sc, const char *name, int32_t date);
/* 1 when rule r binds on date: in effect, and not void under a condition
 * assumed on that date. */
int scenario_rule_binds(const struct scenario *sc, const struct policy_rule *r,
                        int32_t date);
/* The visa phase of rp for a request made on date. */
const struct visa_phase *replacement_visa(const struct replacement *rp,
                                          int32_t date);
/* Fills v's history from the registry's visa cases of v's issuing state
 * and purpose, as known on as_of (forecast/history.c), its arrays in a.
 * Returns the number of cases used. */
long visa_phase_history(const struct snapshot *s, struct visa_phase *v,
                        int32_t as_of, struct arena *a);
/* The share of v's history issued within days. */
double visa_phase_issued_by(const struct visa_phase *v, int32_t days);
/* The days of a period, for lognormal durations given as periods
 * (a year is 365.25 days, a month a twelfth of that). */
double period_days(const struct period *p);

#endif
