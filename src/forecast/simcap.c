/*
 * Headcount caps inside a run. After a step's arrivals and departures,
 * each cap that binds on the step's date compares its count with its
 * ceiling (a fixed limit, or ratio x the issuer's own staff counted on the
 * date minus the lag, rounded down), and while the count is over, the
 * earliest arrival it counts leaves: first the staff of the schedule in
 * order of arrival, then the run's replacements in order of arrival. A
 * departure a cap forces asks for no replacement (the ceiling would send
 * it home again), and the stay it cuts short no longer ends later, so
 * neither its later departure nor its request for a replacement happens.
 */
#include <math.h>

#include "forecast/sim.h"

void sim_count(struct sim_run *r, uint32_t mask, int k, int d, int now)
{
    for (int c = 0; mask; c++, mask >>= 1) {
        if (!(mask & 1u))
            continue;
        SIM_AT(r, r->cadj, c, k) += d;
        if (now)
            r->ccur[c] += d;
    }
}

static int32_t value(const struct sim_run *r, int c, int k)
{
    return r->m->counters[c].base[k] + r->ccur[c];
}

static long limit(const struct sim_run *r, const struct fc_cap *cap, int k)
{
    const struct cap_params *p = &cap->r->u.cap;
    int32_t other;
    int j;

    if (!p->mirrored)
        return p->limit;
    j = cap->mirror_step[k];
    if (j < 0)
        other = cap->mirror_before[k];
    else if (j == k)
        other = value(r, cap->mirror, k);
    else
        other = SIM_AT(r, r->cvalue, cap->mirror, j);
    return (long)floor(p->ratio * other + 1e-9);
}

/* Staff of the schedule leave, earliest arrival first. */
static long cut_slots(struct sim_run *r, const struct fc_cap *cap, int k,
                      long over)
{
    const struct forecast_model *m = r->m;
    uint32_t bit = 1u << cap->counter;

    for (size_t i = 0; i < m->n_slots && over > 0; i++) {
        const struct fc_slot *sl = &m->slots[i];

        if (!(sl->mask & bit) || r->cancelled[i] || sl->arrive > k ||
            sl->depart <= k)
            continue;
        r->cancelled[i] = 1;
        SIM_AT(r, r->adj, sl->mission, k)--;
        SIM_AT(r, r->departures, sl->mission, k)++;
        sim_count(r, sl->mask, k, -1, 1);
        if (sl->depart <= m->n_steps) {
            SIM_AT(r, r->adj, sl->mission, sl->depart)++;
            SIM_AT(r, r->departures, sl->mission, sl->depart)--;
            sim_count(r, sl->mask, sl->depart, 1, 0);
        }
        over--;
    }
    return over;
}

/* Then the run's replacements, in order of arrival. */
static void cut_persons(struct sim_run *r, const struct fc_cap *cap, int k,
                        long over)
{
    uint32_t bit = 1u << cap->counter;

    for (size_t i = 0; i < r->n_persons && over > 0; i++) {
        struct sim_person *p = &r->persons[i];

        if (p->alive != 1 || !(p->mask & bit))
            continue;
        p->alive = -1;
        SIM_AT(r, r->adj, p->mission, k)--;
        SIM_AT(r, r->departures, p->mission, k)++;
        sim_count(r, p->mask, k, -1, 1);
        over--;
    }
}

void sim_caps(struct sim_run *r, int k)
{
    const struct forecast_model *m = r->m;

    for (int c = 0; c < m->n_counters; c++)
        r->ccur[c] += SIM_AT(r, r->cadj, c, k);
    for (size_t i = 0; i < m->n_caps; i++) {
        const struct fc_cap *cap = &m->caps[i];
        long over;

        if (!cap->binds[k])
            continue;
        over = value(r, cap->counter, k) - limit(r, cap, k);
        if (over > 0)
            cut_persons(r, cap, k, cut_slots(r, cap, k, over));
    }
    for (int c = 0; c < m->n_counters; c++)
        SIM_AT(r, r->cvalue, c, k) = value(r, c, k);
}
