/*
 * Parity between two states (issue 3): each side's staff in the other, by
 * staff category, on one date or a series of dates; the headcount caps
 * between them with their limit as evaluated on each date; and the events
 * a chart of the episode marks (departure orders declared, missions
 * closed, policies starting), the leave-by dates the policies set, and
 * the last date the registry records anything of the staff counted, after
 * which the counts are not yet known. Pure: it reads the snapshot and
 * fills a struct parity; report/parity_render.h renders it.
 *
 * Side 0 is S1's staff in S2, side 1 S2's staff in S1. A side's total
 * counts every category but local staff (nationals engaged on the spot
 * are not the sending state's presence); the categories show them apart.
 */
#ifndef RULES_PARITY_H
#define RULES_PARITY_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "core/snapshot.h"

/* Which missions count (DESIGN.md, "Counting"): those accredited to the
 * other state (bilateral), or every mission sitting in its country,
 * missions to organizations seated there included (country). */
enum parity_view { PARITY_BILATERAL, PARITY_COUNTRY };

enum parity_step { PARITY_MONTH, PARITY_QUARTER, PARITY_YEAR };

struct parity_options {
    const char *states[2]; /* S1 and S2: known state codes */
    enum parity_view view;
    const char *const *assumed; /* conditions assumed: `unless` voids */
    size_t n_assumed;
};

struct parity_point {
    int32_t date;
    uint32_t staff[2][CAT__COUNT]; /* [side][staff category] */
    uint32_t total[2];             /* local staff apart */
};

/* A headcount cap between the two states, in effect on some date of the
 * series. */
struct parity_cap {
    const char *policy; /* its id */
    const char *title;  /* its title, or its id */
    int side;           /* whose staff it caps: 0 S1's in S2, 1 S2's in S1 */
    int mirrored;
};

/* A cap on one date: its ceiling and the staff it counts its own way. */
struct parity_cap_value {
    int in_effect;
    long limit;
    uint32_t counted;
};

enum parity_event_kind { PARITY_ORDER, PARITY_CLOSURE, PARITY_POLICY };

struct parity_event {
    int32_t date;
    enum parity_event_kind kind;
    int side;         /* whose staff it reaches: 0 S1's in S2, 1 S2's in S1 */
    const char *id;   /* the policy or mission id */
    const char *text; /* the policy's title, or "NAME closed" */
};

/* A leave-by date: a departure order's, or a tenure cap's wave's. */
struct parity_deadline {
    int32_t date;
    int side;           /* whose staff must leave: as parity_event */
    const char *policy; /* its id */
};

struct parity {
    struct parity_point *points;
    size_t n_points;
    struct parity_cap *caps;
    size_t n_caps;
    struct parity_cap_value *values; /* values[point * n_caps + cap] */
    struct parity_event *events;     /* by date, then id */
    size_t n_events;
    struct parity_deadline *deadlines; /* by date, then policy */
    size_t n_deadlines;
    /* The latest milestone date (notified, arrived, accredited, refused,
     * ended; a mission opened or closed) of the postings and missions
     * counted; DATE_NONE when there is none. After it the counts only
     * carry the last recorded state on. */
    int32_t last_recorded;
    struct arena strings;
};

void parity_init(struct parity *p);
void parity_release(struct parity *p);

/* The dates from..to stepping by a month, a quarter or a year from from
 * (day of month kept, rounded down where a month lacks it). Returns a new
 * array the caller frees. OUT: *n. ST_INVALID when to is before from or
 * the series would pass max dates. */
enum status parity_dates(int32_t from, int32_t to, enum parity_step step,
                         size_t max, int32_t **dates, size_t *n, struct err *e);

/* Computes parity on dates[0..n) (ascending) into out (initialised by the
 * caller): the points, the caps in effect on any of the dates, the
 * events and the leave-by deadlines from the first date to the last, and
 * the last recorded date. s must be indexed. ST_INVALID
 * naming the policy when a stored policy no longer validates. */
enum status parity_compute(const struct snapshot *s,
                           const struct parity_options *o, const int32_t *dates,
                           size_t n, struct parity *out, struct err *e);

/* The value of cap c on point i. */
static inline const struct parity_cap_value *
parity_value(const struct parity *p, size_t i, size_t c)
{
    return &p->values[i * p->n_caps + c];
}

#endif
