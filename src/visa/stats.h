/*
 * Visa statistics (`visa stats`): for the cases a query selects, grouped
 * by post, class, purpose, sending state or period of application, the
 * counts (applied, issued, refused, withdrawn, pending), the refusal rate,
 * processing times among decided cases, the Kaplan-Meier time to decision
 * (visa/km.h) and the backlog by age.
 *
 * Every figure is as of one date: a case applied later is left out, a
 * decision taken later is not yet known, so the case counts as pending.
 * Days to decision are small integers, so one pass over the cases fills a
 * histogram of days per group and every figure is read off the histograms:
 * no sorting, and 10 million cases take one pass.
 *
 * Readings (docs/visas.md): a case is decided when issued or refused;
 * admin_processing is still pending; withdrawn ends the wait without a
 * decision, so Kaplan-Meier treats it as censored on the day of
 * withdrawal, as it treats a pending case on the as-of date. Annulments
 * and revocations are not applications and are not counted. The refusal
 * rate is refused / (issued + refused). p50 and p90 are nearest-rank
 * percentiles of the days of decided cases.
 */
#ifndef VISA_STATS_H
#define VISA_STATS_H

#include <stdint.h>

#include "core/snapshot.h"
#include "visa/km.h"

enum visa_by {
    VISA_BY_NONE,
    VISA_BY_POST,
    VISA_BY_CLASS,
    VISA_BY_PURPOSE,
    VISA_BY_NATIONALITY,
    VISA_BY_MONTH,
    VISA_BY_QUARTER,
    VISA_BY_YEAR,
    VISA_BY__COUNT
};

/* "none", "post", "class", ...: the values of --by. */
extern const struct enum_names VISA_BY_NAMES;

struct visa_query {
    int32_t as_of;
    const char *issuing;     /* NULL: every issuing state */
    const char *nationality; /* the applicant's; NULL: any */
    unsigned purposes;       /* mask of 1 << enum visa_purpose; 0: all */
    int32_t from, to;        /* applied between, inclusive; DATE_NONE: open */
    enum visa_by by;
};

/* Backlog ages in days: 0-15, 16-30, 31-90, 91-365, over 365. */
#define VISA_N_AGES 5
extern const char *const VISA_AGE_NAMES[VISA_N_AGES];

/* A figure of days that has no value (no decided case). */
#define VISA_NO_DAYS (-1)

struct visa_group {
    char key[64]; /* "2021-05", "2021-Q2", "2021", a post id, a class... */
    uint64_t applied, issued, refused, withdrawn, pending;
    uint64_t backlog[VISA_N_AGES];
    double refusal_rate;     /* NAN when nothing was decided */
    int32_t p50, p90, max;   /* decided cases; VISA_NO_DAYS when none */
    struct km_curve curve;   /* time to decision */
    struct km_quantile km50; /* median */
    struct km_quantile km90; /* 90% decided */
};

struct visa_stats {
    struct visa_group *groups; /* in key order */
    size_t n;
    struct visa_group total; /* every case selected */
};

/* Computes the statistics of the cases of s that q selects. OUT: out,
 * released with visa_stats_release. */
void visa_stats_compute(const struct snapshot *s, const struct visa_query *q,
                        struct visa_stats *out);
void visa_stats_release(struct visa_stats *st);
/* The same with the pass split into parts shares on as many threads
 * (visa/stats.c): the figures are the same for any parts. A grouping by
 * text (class, nationality) is never split. visa_stats_compute splits
 * from VISA_SPLIT_MIN cases, into one share per core, VISA_SPLIT_MAX at
 * most. */
#define VISA_SPLIT_MIN (1u << 20)
#define VISA_SPLIT_MAX 4
void visa_stats_compute_in(const struct snapshot *s, const struct visa_query *q,
                           int parts, struct visa_stats *out);

#endif
