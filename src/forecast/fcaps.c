/*
 * Headcount caps in a forecast. A cap compares a count with a ceiling on
 * every step, and the count moves with each run's replacements, so caps
 * are enforced inside the runs (forecast/sim.c); here each cap gets its
 * counters: the capped staff and, for a mirrored cap, the issuer's own
 * staff in the target's country, each counted the cap's way (rules/cap.h).
 * A counter's fixed part is the registry's staff at missions the forecast
 * does not simulate plus the deterministic schedule of those it does;
 * every slot and request carries a mask of the counters it counts in, and
 * a replacement inherits its predecessor's. Dependents of simulated staff
 * are not simulated, so a cap that counts them counts them only at
 * missions outside the sides.
 */
#include <string.h>

#include "base/xalloc.h"
#include "core/presence.h"
#include "forecast/model.h"
#include "rules/cap.h"

/* Staff present on date at missions of sending in place that the cap
 * counts and the forecast does not simulate. */
static int32_t outside(const struct forecast_model *m,
                       const struct policy_rule *r, const char *sending,
                       const char *place, int32_t date)
{
    int32_t n = 0;

    for (uint32_t mi = 0; mi < snapshot_count(m->s, ENT_MISSION); mi++) {
        if (m->local[mi] != FC_NONE ||
            !cap_counts_mission(m->s, r, sending, place, mi))
            continue;
        ADJ_FOR_EACH(m->s->postings_by_mission, mi, ti)
        {
            const struct posting *t = snap_posting(m->s, ti);

            if (!cap_counts_category(r, t->category) ||
                !posting_present(t, date))
                continue;
            n++;
            if (r->u.cap.count.include_dependents)
                n += (int32_t)cap_household(m->s, ti, date);
        }
    }
    return n;
}

/* 1 when the cap counts posting ti (at a simulated mission) as sending's
 * staff in place. */
static int counts(const struct forecast_model *m, const struct policy_rule *r,
                  const char *sending, const char *place, uint32_t ti)
{
    const struct posting *t = snap_posting(m->s, ti);

    return cap_counts_mission(m->s, r, sending, place, t->mission) &&
           cap_counts_category(r, t->category);
}

/* A new counter of sending's staff in place; marks the slots and requests
 * it counts. */
static int counter(struct forecast_model *m, const struct policy_rule *r,
                   const char *sending, const char *place)
{
    int c = m->n_counters++;
    uint32_t bit = 1u << c;
    int32_t *base = xcalloc((size_t)m->n_steps + 1, sizeof(*base));

    for (int k = 0; k <= m->n_steps; k++)
        base[k] = outside(m, r, sending, place, m->dates[k]);
    for (size_t i = 0; i < m->n_slots; i++) {
        struct fc_slot *sl = &m->slots[i];

        if (!counts(m, r, sending, place, sl->posting))
            continue;
        sl->mask |= bit;
        for (int k = sl->arrive; k < sl->depart && k <= m->n_steps; k++)
            base[k]++;
    }
    for (size_t i = 0; i < m->n_requests; i++) {
        if (counts(m, r, sending, place, m->requests[i].posting))
            m->requests[i].mask |= bit;
    }
    m->counters[c].base = base;
    return c;
}

/* The step a mirrored cap counts the issuer's staff on at step k: the last
 * on or before the date minus the lag, or -1 with the registry's count
 * when that date is before the start. */
static void mirror_steps(struct forecast_model *m, struct fc_cap *cap,
                         const char *sending)
{
    const struct policy_rule *r = cap->r;

    cap->mirror_step = xcalloc((size_t)m->n_steps + 1, sizeof(int));
    cap->mirror_before = xcalloc((size_t)m->n_steps + 1, sizeof(int32_t));
    for (int k = 0; k <= m->n_steps; k++) {
        int32_t date = cap_mirror_date(r, m->dates[k]);
        int j = fc_step_of(m, date);

        if (j <= m->n_steps && m->dates[j] > date)
            j--;
        if (j > m->n_steps)
            j = m->n_steps;
        cap->mirror_step[k] = j;
        if (j < 0)
            cap->mirror_before[k] =
                (int32_t)cap_count(m->s, r, r->issuer, sending, date);
    }
}

static void add_cap(struct forecast_model *m, const struct policy_rule *r,
                    const char *sending, size_t *alloc)
{
    struct fc_cap *cap;

    if (m->n_counters + 2 > FC_MAX_COUNTERS)
        return;
    XGROW(m->caps, m->n_caps + 1, *alloc);
    cap = &m->caps[m->n_caps++];
    memset(cap, 0, sizeof(*cap));
    cap->r = r;
    cap->counter = counter(m, r, sending, r->issuer);
    cap->mirror = -1;
    cap->binds = xcalloc((size_t)m->n_steps + 1, 1);
    for (int k = 0; k <= m->n_steps; k++)
        cap->binds[k] = (uint8_t)scenario_rule_binds(m->sc, r, m->dates[k]);
    if (r->u.cap.mirrored) {
        cap->mirror = counter(m, r, r->issuer, sending);
        mirror_steps(m, cap, sending);
    }
}

void fc_caps_build(struct forecast_model *m)
{
    const struct scenario *sc = m->sc;
    size_t alloc = 0;

    for (size_t i = 0; i < sc->n_rules; i++) {
        const struct policy_rule *r = &sc->rules[i];

        if (r->kind != PK_HEADCOUNT_CAP)
            continue;
        for (size_t s = 0; s < sc->n_sides; s++) {
            const struct scenario_side *sd = &sc->sides[s];

            if (!strcmp(r->issuer, sd->country) &&
                (!strcmp(r->target, sd->sending) || !strcmp(r->target, "*")))
                add_cap(m, r, sd->sending, &alloc);
        }
    }
}
