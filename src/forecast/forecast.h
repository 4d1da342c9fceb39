/*
 * Running a forecast: many runs of a model (forecast/model.h), each with
 * its own random stream, summarised per series (each side, each mission)
 * and per step: headcount quantiles, the mean, the probability of a
 * shortage, the expected departures and arrivals, and the parity gap
 * between the two sides.
 *
 * Run i draws only from generators (GSL's taus2, one per side) seeded
 * from the seed, i and the side, and the summaries are sums of integers and
 * quantiles of exact histograms, so the result depends on the seed and the
 * number of runs, never on how many threads shared the work or in what order
 * they finished. Pure: the caller prints, and hears of progress through a
 * callback made from its own thread.
 */
#ifndef FORECAST_FORECAST_H
#define FORECAST_FORECAST_H

#include <stddef.h>
#include <stdint.h>

#include "forecast/model.h"

struct forecast_options {
    long runs;
    uint64_t seed;
    int threads; /* 0: one per core */
    /* Called now and then with the runs done, from the calling thread. */
    void (*progress)(void *ctx, long done, long total);
    void *ctx;
};

/* One series on one step. */
struct forecast_cell {
    int32_t p10, p50, p90; /* headcount quantiles over the runs */
    double mean;
    double shortage;   /* probability of a shortage; -1: no minimum */
    double departures; /* expected departures in the step */
    double arrivals;   /* expected arrivals in the step */
};

struct forecast_series {
    const char *name; /* a side's name or a mission's id */
    int is_side;
    int side;
    long minimum; /* a mission's minimum staffing, -1 when none */
};

struct forecast_result {
    long runs;
    uint64_t seed;
    int n_steps;
    int32_t *dates;                 /* n_steps + 1 */
    struct forecast_series *series; /* the sides, then the missions */
    size_t n_series;
    struct forecast_cell *cells; /* n_series x (n_steps + 1), by series */
    double *gap;        /* n_steps + 1: side 0's mean minus side 1's; NULL
                           with one side */
    double *ever_short; /* n_series: a shortage in some step after the
                           start; -1 when no minimum applies */
};

/* Runs the model o->runs times. OUT: result (release it). */
void forecast_run(const struct forecast_model *m,
                  const struct forecast_options *o,
                  struct forecast_result *out);
void forecast_result_release(struct forecast_result *r);

/* The cell of series i on step k. */
static inline const struct forecast_cell *
forecast_cell(const struct forecast_result *r, size_t i, int k)
{
    return &r->cells[i * ((size_t)r->n_steps + 1) + (size_t)k];
}

/* The seed of the generator of a side in run i, mixed from the
 * forecast's seed: each side of each run has its own stream, so that a
 * scenario that changes one side draws the same numbers for the other. */
unsigned long forecast_run_seed(uint64_t seed, long run, int side);

#endif
