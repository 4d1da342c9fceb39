/*
 * One run of a forecast (forecast/sim.c), internal to forecast/. A run
 * keeps its scratch arrays between runs, so that a thread allocates once
 * and ten thousand runs allocate nothing more.
 */
#ifndef FORECAST_SIM_H
#define FORECAST_SIM_H

#include <gsl/gsl_rng.h>
#include <stddef.h>
#include <stdint.h>

#include "forecast/model.h"

/* A replacement who arrived in this run. */
struct sim_person {
    uint32_t mission;
    uint32_t mask;
    int alive; /* 1 present, 0 left at the end of the tour, -1 cut by a
                  cap (which cancels the request its end would make) */
};

enum sim_event_kind { SIM_REQUEST, SIM_ARRIVE, SIM_DEPART };

struct sim_event {
    enum sim_event_kind kind;
    uint32_t mission;
    int32_t date;
    uint32_t mask;
    uint32_t person; /* SIM_DEPART, SIM_REQUEST: who leaves */
    uint32_t next;   /* the next event of the step, or FC_NONE */
};

struct sim_run {
    const struct forecast_model *m;
    gsl_rng *rng[SCENARIO_MAX_SIDES]; /* one stream per side */
    size_t width;                     /* n_steps + 2 */
    int32_t *adj;      /* missions x width: chance's change of headcount */
    int32_t *arrivals; /* missions x width: arrivals chance adds */
    int32_t *departures;
    int32_t *headcount; /* missions x width: the run's result */
    int32_t *cadj;      /* counters x width */
    int32_t *cvalue;    /* counters x width: values after each step */
    int32_t ccur[FC_MAX_COUNTERS];
    uint8_t *cancelled; /* slots a cap departed */
    struct sim_person *persons;
    size_t n_persons, alloc_persons;
    struct sim_event *events;
    size_t n_events, alloc_events;
    uint32_t *head, *tail; /* width: each step's events, in order */
};

void sim_run_init(struct sim_run *r, const struct forecast_model *m);
void sim_run_release(struct sim_run *r);
/* Runs the model's run number run of the forecast seeded with seed; fills
 * r->headcount and the arrivals and departures chance added. */
void sim_run_once(struct sim_run *r, uint64_t seed, long run,
                  const size_t *request_at);

/* The caps of step k (forecast/simcap.c). */
void sim_caps(struct sim_run *r, int k);
/* Adds d to counter values of mask at step k (and to their running value
 * when now is set). */
void sim_count(struct sim_run *r, uint32_t mask, int k, int d, int now);

#define SIM_AT(r, arr, i, k) ((arr)[(size_t)(i) * (r)->width + (size_t)(k)])

#endif
