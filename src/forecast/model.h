/*
 * A forecast's model: what a scenario and the registry fix before any run.
 * Each posting of a side's missions has a deterministic stay: it arrived
 * (or will, on its recorded date) and ends on the earliest of its recorded
 * end, the deadline a rule gives it (tenure waves and deadlines, departure
 * orders, evaluated with rules/ at each step's date under the conditions
 * then assumed) and its mission's closure. Those stays give each mission a
 * deterministic headcount per step; what chance adds (replacements, their
 * visas and tours, and the headcount caps they run into) is simulated
 * from the requests listed here. Building this once, outside the runs, is
 * what makes ten thousand runs cheap: a run only simulates replacements.
 */
#ifndef FORECAST_MODEL_H
#define FORECAST_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"
#include "forecast/scenario.h"

#define FC_NONE         UINT32_MAX
#define FC_MAX_COUNTERS 32

struct fc_mission {
    uint32_t index; /* in the snapshot */
    const char *id;
    int side;
    long minimum;   /* -1: none */
    int32_t closed; /* DATE_NONE: open through the horizon */
    const struct replacement *replacement;
};

/* A request for a replacement that every run makes: after a departure the
 * schedule fixes, or an appointment notified and waiting for its visa. */
struct fc_request {
    uint32_t mission; /* index in the model's missions */
    int32_t date;     /* made on; pending: notified on */
    int pending;      /* 1: an appointment already waiting for its visa */
    uint32_t posting; /* the posting departing, or waiting */
    int step;         /* the step a run handles it in */
    uint32_t slot;    /* the departing slot, FC_NONE when pending */
    uint32_t mask;    /* the counters the replacement counts in */
};

/* A stay of the deterministic schedule: present on steps arrive <= k <
 * depart (depart is n_steps + 1 when it outlasts the horizon). Slots are in
 * order of arrival, for caps, which depart the earliest arrivals first. */
struct fc_slot {
    uint32_t mission;
    uint32_t posting;
    int32_t arrived;
    int arrive;
    int depart;
    uint32_t mask;
};

/* A count a headcount cap compares: staff it counts on a step, of which
 * base[k] is fixed (registry staff outside the simulated missions and the
 * deterministic schedule) and runs add their replacements. */
struct fc_counter {
    int32_t *base; /* n_steps + 1 */
};

struct fc_cap {
    const struct policy_rule *r;
    int counter;            /* the capped staff */
    int mirror;             /* the issuer's staff, or -1 for a fixed limit */
    int *mirror_step;       /* the step the mirror is counted on, -1: before */
    int32_t *mirror_before; /* the registry's count when before the start */
    uint8_t *binds;         /* n_steps + 1: in effect and not void */
};

enum fc_event_kind { FC_EVENT_RULE, FC_EVENT_CONDITION, FC_EVENT_VISA };

/* Something a chart marks: departures a rule requires on a date, a
 * condition assumed from a date, a change of visa terms. */
struct fc_event {
    enum fc_event_kind kind;
    int32_t date;
    int side;          /* -1: both */
    const char *what;  /* the rule's id, the condition's name */
    const char *title; /* the rule's title, or NULL */
    long count;        /* departures, for a rule */
};

struct forecast_model {
    const struct scenario *sc;
    const struct snapshot *s;
    int n_steps;    /* monthly steps after the start */
    int32_t *dates; /* n_steps + 1, dates[0] the start */
    int *step_at;   /* by days after the start: the first step on or after */
    struct fc_mission *missions;
    size_t n_missions;
    uint32_t *local; /* by snapshot mission: its index here, or FC_NONE */
    /* n_missions x (n_steps + 1), row-major by mission: */
    int32_t *base;                    /* deterministic headcount */
    int32_t *arrivals;                /* deterministic arrivals in the step */
    int32_t *departures;              /* deterministic departures in the step */
    long initial[SCENARIO_MAX_SIDES]; /* each side's staff at the start */
    struct fc_request *requests;      /* in order of step */
    size_t n_requests;
    struct fc_slot *slots;
    size_t n_slots;
    struct fc_counter counters[FC_MAX_COUNTERS];
    int n_counters;
    struct fc_cap *caps;
    size_t n_caps;
    struct fc_event *events; /* in order of date */
    size_t n_events;
};

/* Builds the model of scenario sc (which must outlive it) on registry s
 * (indexed). ST_INVALID when a date leaves the calendar or the scenario's
 * sides have no mission, with nothing left to release. */
enum status forecast_model_build(const struct snapshot *s,
                                 const struct scenario *sc,
                                 struct forecast_model *m, struct err *e);
void forecast_model_release(struct forecast_model *m);

/* The first step on or after date: 0 on or before the start, n_steps + 1
 * after the last step. */
static inline int fc_step_of(const struct forecast_model *m, int32_t date)
{
    if (date <= m->dates[0])
        return 0;
    if (date > m->dates[m->n_steps])
        return m->n_steps + 1;
    return m->step_at[date - m->dates[0]];
}

/* Row k of mission i in a missions x steps array. */
#define FC_AT(m, arr, i, k) ((arr)[(size_t)(i) * ((m)->n_steps + 1) + (k)])

/* Internal to forecast/: the end each rule gives a posting (DATE_NONE for
 * none) and the rule's index in sc->rules, evaluated at every step. */
void fc_rule_ends(const struct forecast_model *m, int32_t *end, uint32_t *why);
/* Internal: the headcount caps that bind on the sides, with their
 * counters, and each slot's and request's counter mask. */
void fc_caps_build(struct forecast_model *m);

#endif
