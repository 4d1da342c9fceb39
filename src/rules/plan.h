/*
 * Departure plans (issue 3): the departures that bring every tenure rule,
 * departure order, local-staff ban and headcount cap between two states
 * (each one's policies on the other) into compliance by a date, and the
 * proof that they do: with the departures applied, `check` on that date
 * finds nothing of those kinds.
 *
 * Order: first the postings the rules already make due (a tour over its
 * cap or in a wave, a departure order, a banned local employee), earliest
 * deadline first, each leaving by the earlier of its deadline and the
 * plan's date. Then, while a cap is exceeded on the plan's date, present
 * postings in its count leave by that date, earliest arrival first and
 * protected staff last, ties by posting id. A mirrored cap moves when the
 * other side's staff leave, so the caps of both directions are revisited
 * until none is exceeded: a fixed point, reached because every round
 * removes someone.
 */
#ifndef RULES_PLAN_H
#define RULES_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "core/snapshot.h"
#include "rules/finding.h"

struct plan_options {
    const char *states[2]; /* S1 and S2: known state codes */
    int32_t by;
    int protect_heads;           /* heads of mission leave last */
    unsigned protect_categories; /* mask of staff categories that do */
    const char *const *assumed;  /* conditions assumed: `unless` voids */
    size_t n_assumed;
};

struct plan_departure {
    uint32_t posting;
    int32_t leave_by;
    int32_t deadline;       /* the rule's; a cap's is the plan's date */
    enum finding_kind kind; /* over_tenure, departure_due, local_staff,
                               over_cap */
    const char *policy;
    int round; /* the caps' round that chose it; 0 for a due posting */
};

struct plan {
    struct plan_departure *items; /* in the plan's order */
    size_t n;
    size_t alloc;
    int rounds; /* rounds over the caps until none was exceeded */
    /* check on the plan's date with the departures applied: findings of
     * the kinds the plan answers for (empty when the proof holds), and
     * those of other kinds, which departures do not answer. */
    struct findings remaining;
    struct findings other;
    struct arena strings;
};

void plan_init(struct plan *p);
void plan_release(struct plan *p);

/* Computes the plan and its proof into out (initialised by the caller).
 * The departures are applied to s while proving and undone before it
 * returns, so s is as it was; s must be indexed. ST_INVALID naming the
 * policy when a stored policy no longer validates. */
enum status plan_compute(struct snapshot *s, const struct plan_options *o,
                         struct plan *out, struct err *e);

/* 1 when the proof holds: nothing of the plan's kinds remains. */
static inline int plan_proved(const struct plan *p)
{
    return p->remaining.n == 0;
}

#endif
