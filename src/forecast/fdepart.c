/*
 * Rule-driven departures: the tenure caps and departure orders of the
 * scenario, evaluated by rules/ at each step's date under the conditions
 * assumed on that date. A posting leaves on the deadline of the first
 * finding that has fallen due by a step's date: a deadline is met, not
 * overrun (the forecast assumes compliance). A tenure deadline is often
 * found only after it (a tour binds once over its cap, and its deadline
 * is its cap date), so a deadline found late still counts from its own
 * date; one already past when the rule took effect, or before the start,
 * means leaving on the first day the rule is in effect in the forecast.
 * Evaluating at every step, rather than once at the start, is what lets a
 * condition assumed in July void a wave due at the end of July.
 */
#include <string.h>

#include "forecast/model.h"
#include "rules/eval.h"

typedef void (*evaluator)(const struct eval *);

static evaluator evaluator_of(int kind)
{
    if (kind == PK_TENURE_CAP)
        return eval_tenure;
    if (kind == PK_DEPARTURE_ORDER)
        return eval_departure;
    return NULL;
}

/* 1 when rule r reaches side sd: issued by its host country, on its
 * sending state or on every state. */
static int reaches(const struct policy_rule *r, const struct scenario_side *sd)
{
    return !strcmp(r->issuer, sd->country) &&
           (!strcmp(r->target, sd->sending) || !strcmp(r->target, "*"));
}

static int32_t latest(int32_t a, int32_t b, int32_t c)
{
    int32_t ab = a > b ? a : b;

    return ab > c ? ab : c;
}

/* Takes the findings from index from on with a deadline by limit: the
 * earliest deadline wins. */
static void take(const struct forecast_model *m, const struct findings *f,
                 size_t from, int32_t limit, uint32_t rule, int32_t *end,
                 uint32_t *why)
{
    int32_t rule_from = m->sc->rules[rule].from;

    for (size_t i = from; i < f->n; i++) {
        const struct finding *x = &f->items[i];
        uint32_t ti;
        int32_t when;

        if (x->subject_kind != ENT_POSTING || x->deadline == DATE_NONE ||
            x->deadline > limit ||
            (x->kind != FK_OVER_TENURE && x->kind != FK_DEPARTURE_DUE))
            continue;
        ti = snapshot_find(m->s, ENT_POSTING, x->subject);
        if (ti == IDMAP_NONE ||
            m->local[snap_posting(m->s, ti)->mission] == FC_NONE)
            continue;
        when = latest(x->deadline, rule_from, m->dates[0] + 1);
        if (end[ti] == DATE_NONE || when < end[ti]) {
            end[ti] = when;
            why[ti] = rule;
        }
    }
}

/* Evaluates the rules on date as_of and takes the deadlines by limit. */
static void step(const struct forecast_model *m, int32_t as_of, int32_t limit,
                 int32_t *end, uint32_t *why, struct findings *f)
{
    const struct scenario *sc = m->sc;

    for (size_t i = 0; i < sc->n_rules; i++) {
        const struct policy_rule *r = &sc->rules[i];
        evaluator fn = evaluator_of(r->kind);

        if (!fn || !scenario_rule_binds(sc, r, as_of))
            continue;
        for (size_t s = 0; s < sc->n_sides; s++) {
            struct eval ev = { .s = m->s,
                               .r = r,
                               .sending = sc->sides[s].sending,
                               .as_of = as_of,
                               .out = f };
            size_t from = f->n;

            if (!reaches(r, &sc->sides[s]))
                continue;
            fn(&ev);
            take(m, f, from, limit, (uint32_t)i, end, why);
        }
    }
}

/* The earliest deadline found wins. The registry does not see the
 * departures the forecast makes, so a later step may still evaluate a
 * posting that has left; what it finds is a deadline the posting was
 * bound by all the same, and only an earlier one changes anything. A last
 * evaluation the day after the horizon catches the tours whose cap date
 * is the last step's date, which bind only once it has passed. */
void fc_rule_ends(const struct forecast_model *m, int32_t *end, uint32_t *why)
{
    size_t n = snapshot_count(m->s, ENT_POSTING);
    int32_t last = m->dates[m->n_steps];

    for (size_t i = 0; i < n; i++)
        end[i] = DATE_NONE;
    for (int k = 1; k <= m->n_steps + 1; k++) {
        struct findings f;

        findings_init(&f);
        step(m, k <= m->n_steps ? m->dates[k] : last + 1,
             k <= m->n_steps ? m->dates[k] : last, end, why, &f);
        findings_release(&f);
    }
}
