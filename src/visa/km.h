/*
 * The Kaplan-Meier estimate of time to decision, from day counts.
 *
 * Why Kaplan-Meier: a median of decided cases leaves out exactly the cases
 * users complain about, those still waiting. Kaplan-Meier counts a case
 * still pending on the as-of date as "censored": known to have waited at
 * least so many days, and no longer at risk after that. The estimate S(t)
 * is the share of cases still undecided t days after application.
 *
 * Times are whole days, so the input is two histograms indexed by day:
 * decisions on that day and cases censored on that day. Building the curve
 * is one pass over the days, whatever the number of cases. Censoring on a
 * day counts after the decisions of that day (the usual convention).
 *
 * Confidence intervals: Greenwood's variance, on the log-log scale (as
 * R's survfit, conf.type = "log-log"), at 95%. The interval of a quantile
 * is where the band's lower and upper curves first reach the level
 * (Brookmeyer and Crowley), so an upper limit is "not reached" when the
 * upper curve never falls that far.
 */
#ifndef VISA_KM_H
#define VISA_KM_H

#include <stddef.h>
#include <stdint.h>

/* A quantile or limit that the curve never reaches. */
#define KM_NOT_REACHED (-1)

/* One step of the curve: on day t, d decisions among n at risk. */
struct km_step {
    int32_t t;
    uint32_t n, d;
    double s;     /* S(t) after the day's decisions */
    double lower; /* the 95% band at t */
    double upper;
};

/* A day with censored cases: a chart's tick mark on the curve. */
struct km_censor {
    int32_t t;
    uint32_t n; /* cases censored that day */
    double s;   /* S(t) that day, after its decisions */
};

struct km_curve {
    struct km_step *steps; /* only days with a decision */
    size_t n_steps;
    struct km_censor *censors; /* only days with a censored case */
    size_t n_censors;
    uint64_t n;          /* cases in all */
    uint64_t n_censored; /* of which censored */
    int32_t last_day;    /* the last day with a decision or censoring */
};

/* A quantile of time to decision: the first day at which S(t) <= 1 - p,
 * and its 95% interval; each KM_NOT_REACHED when never reached. */
struct km_quantile {
    int32_t days, lower, upper;
};

/* Builds the curve from events[t] decisions and censored[t] censorings on
 * day t, for t < n_days. OUT: c, released with km_curve_release. */
void km_curve_build(struct km_curve *c, const uint32_t *events,
                    const uint32_t *censored, size_t n_days);
void km_curve_release(struct km_curve *c);

/* The time by which a share p (0 < p < 1) of the cases is decided. */
struct km_quantile km_quantile(const struct km_curve *c, double p);

/* S(t) at day t (1 before the first decision). */
double km_survival_at(const struct km_curve *c, int32_t t);

#endif
